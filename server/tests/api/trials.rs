//! Trials through the API, on SQLite and PostgreSQL (TRIAL-1, GTCS 10): the provider grants a
//! trial, the Manager cancels it until its last day included, and the scheduler converts or
//! ends it the day after.

use crate::support::{
    Backend, Client, Reply, TestApp, admin_app_on, admin_post, an_order, assert_api_error,
    catch_up, company, date, ready_company,
};
use axum::http::StatusCode;
use chrono::TimeDelta;
use protocol::licences::LicenceView;
use serde_json::json;

on_both_databases!(
    the_scheduler_converts_or_ends_trials_the_day_after_their_end,
    a_cancellation_is_accepted_on_the_last_day_and_refused_the_day_after,
);

/// Orders one Essential Number, monthly; the new Licence's id.
async fn order_licence(client: &mut Client, key: &str) -> i64 {
    let placed = an_order("ESSENTIAL").key(key).place(client).await;
    placed["licence"]["id"].as_i64().unwrap()
}

async fn grant_trial(app: &TestApp, licence: i64, trial_end: &str, auto_commit: bool) -> Reply {
    let path = format!("/api/admin/licences/{licence}/trial");
    admin_post(
        app,
        &path,
        json!({"trial_end": trial_end, "auto_commit": auto_commit}),
    )
    .await
}

async fn cancel_trial(client: &mut Client, licence: i64) -> Reply {
    client
        .post_json(
            &format!("/api/console/licences/{licence}/trial/cancellation"),
            &json!({}),
        )
        .await
}

async fn licence(client: &mut Client, id: i64) -> LicenceView {
    let reply = client.get(&format!("/api/console/licences/{id}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    serde_json::from_slice(&reply.body).unwrap()
}

async fn proof_entries(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn the_scheduler_converts_or_ends_trials_the_day_after_their_end(backend: Backend) {
    let app = admin_app_on(backend, "2026-09-01").await;
    let mut client = ready_company(&app, &company(1)).await;
    let converting = order_licence(&mut client, "order-1").await;
    let not_committing = order_licence(&mut client, "order-2").await;
    let cancelled = order_licence(&mut client, "order-3").await;
    for (id, auto_commit) in [
        (converting, true),
        (not_committing, false),
        (cancelled, true),
    ] {
        let reply = grant_trial(&app, id, "2026-09-05", auto_commit).await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());
    }
    let reply = grant_trial(&app, converting, "2026-08-31", true).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("trial_end"),
    );
    let shown = licence(&mut client, converting).await.trial.unwrap();
    assert_eq!(shown.trial_end, date("2026-09-05"));
    assert!(shown.auto_commit);
    assert_eq!(shown.cancelled_on, None);
    let reply = cancel_trial(&mut client, cancelled).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());

    // The trial's last day: nothing decided yet.
    app.state.clock.shift_by(TimeDelta::days(4));
    catch_up(&app).await;
    for id in [converting, not_committing, cancelled] {
        assert_eq!(licence(&mut client, id).await.status, "active");
    }
    // The day after: TRIAL-1 decides each, once.
    app.state.clock.shift_by(TimeDelta::days(1));
    catch_up(&app).await;
    catch_up(&app).await;
    let converted = licence(&mut client, converting).await;
    assert_eq!(converted.status, "active");
    assert_eq!(converted.trial.unwrap().trial_end, date("2026-09-05"));
    assert_eq!(licence(&mut client, not_committing).await.status, "ended");
    assert_eq!(licence(&mut client, cancelled).await.status, "ended");
    assert_eq!(proof_entries(&app, "licence.trial_convert").await, 1);
    assert_eq!(proof_entries(&app, "licence.trial_end").await, 2);
}

async fn a_cancellation_is_accepted_on_the_last_day_and_refused_the_day_after(backend: Backend) {
    let app = admin_app_on(backend, "2026-09-01").await;
    let mut client = ready_company(&app, &company(1)).await;
    let on_time = order_licence(&mut client, "order-1").await;
    let late = order_licence(&mut client, "order-2").await;
    let never_on_trial = order_licence(&mut client, "order-3").await;
    for id in [on_time, late] {
        let reply = grant_trial(&app, id, "2026-09-05", true).await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());
    }
    let reply = cancel_trial(&mut client, never_on_trial).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "not_on_trial", None);

    app.state.clock.shift_by(TimeDelta::days(4));
    let reply = cancel_trial(&mut client, on_time).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(reply.json()["received_on"], "2026-09-05");
    let reply = cancel_trial(&mut client, on_time).await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "trial_already_cancelled",
        None,
    );
    assert_eq!(
        licence(&mut client, on_time)
            .await
            .trial
            .unwrap()
            .cancelled_on,
        Some(date("2026-09-05"))
    );

    app.state.clock.shift_by(TimeDelta::days(1));
    let reply = cancel_trial(&mut client, late).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "trial_over", None);
    assert!(reply.text().contains("2026-09-05"), "{}", reply.text());
    assert_eq!(
        licence(&mut client, late).await.trial.unwrap().cancelled_on,
        None
    );
    catch_up(&app).await;
    assert_eq!(licence(&mut client, on_time).await.status, "ended");
    assert_eq!(licence(&mut client, late).await.status, "active");
}
