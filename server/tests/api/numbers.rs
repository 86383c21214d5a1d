//! NUM-4 (house reading "Releasing Numbers"), on SQLite and PostgreSQL: the Numbers of a Licence
//! can be released once the Licence has ended, however it ended, for each end reachable through
//! the API: a price-change termination (PRICE-5), a termination for fault (TERM-1), a trial not
//! converted and a trial cancelled (TRIAL-1). The end by notice of non-renewal is in
//! `licences.rs`; the provider's termination without reason (NOTICE-2) has no route.

use crate::support::{
    ADMIN_TOKEN, Backend, Client, TestApp, admin, admin_app_on, admin_post, an_order,
    assert_api_error, date, ready_company, shift_days, signup_form,
};
use axum::http::{Method, StatusCode};
use serde_json::json;

on_both_databases!(
    numbers_are_released_after_a_price_change_termination_from_its_last_day,
    numbers_are_released_at_once_after_a_termination_for_fault,
    numbers_are_released_after_a_trial_not_converted_or_cancelled,
);

/// The ids of the Numbers of the Licence `licence`.
async fn numbers_of(manager: &mut Client, licence: i64) -> Vec<i64> {
    let listed = manager
        .get("/api/console/numbers")
        .await
        .expect_json(StatusCode::OK);
    listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|number| number["licence_id"] == licence)
        .map(|number| number["id"].as_i64().unwrap())
        .collect()
}

/// Releases every Number of `numbers`, each answered 204, and checks they left the Company.
async fn release_all(app: &TestApp, manager: &mut Client, numbers: &[i64]) {
    assert!(!numbers.is_empty());
    for number in numbers {
        let reply = manager
            .delete(&format!("/api/console/numbers/{number}"))
            .await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());
        let owner: Option<i64> = sqlx::query_scalar("SELECT company_id FROM numbers WHERE id = $1")
            .bind(number)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(owner, None);
    }
}

/// PRICE-5: a BUSINESS Licence ordered on 15 Nov 2026, terminated on 21 Jan 2027 after an
/// increase effective 1 Feb: its last day of service is 31 Jan. Until then its Numbers are
/// refused with that day (no notice of non-renewal is asked for); from 1 Feb, once it ended,
/// they are released.
async fn numbers_are_released_after_a_price_change_termination_from_its_last_day(backend: Backend) {
    let app = admin_app_on(backend, "2026-11-15").await;
    let mut manager = ready_company(&app, &signup_form()).await;
    let placed = an_order("BUSINESS")
        .numbers(2, "FR")
        .key("business")
        .place(&mut manager)
        .await;
    let licence = placed["licence"]["id"].as_i64().unwrap();
    // Another Licence runs on, so the Contract (and the Manager's account, TERM-3) goes on.
    an_order("ESSENTIAL")
        .annual()
        .key("essential")
        .place(&mut manager)
        .await;
    let increase = admin_post(
        &app,
        "/api/admin/price-changes",
        json!({
            "plan_code": "BUSINESS",
            "kind": "non_indexed",
            "effective_on": "2027-02-01",
            "prices": [{"billing": "monthly", "min_quantity": 1, "unit_price": "22.90"},
                       {"billing": "annual", "min_quantity": 1, "unit_price": "229.00"}],
        }),
    )
    .await
    .expect_json(StatusCode::CREATED);
    shift_days(&app, &mut manager, 67).await;
    assert_eq!(app.state.clock.today(), date("2027-01-21"));
    crate::support::catch_up(&app).await;
    let terminated = manager
        .post_json(
            &format!("/api/console/price-changes/{}/termination", increase["id"]),
            &json!({}),
        )
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(terminated["termination"]["service_last_day"], "2027-01-31");

    let numbers = numbers_of(&mut manager, licence).await;
    assert_eq!(numbers.len(), 2);
    let refused = manager
        .delete(&format!("/api/console/numbers/{}", numbers[0]))
        .await;
    assert_api_error(&refused, StatusCode::CONFLICT, "release_too_early", None);
    let message = refused.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("2027-02-01"), "{message}");
    assert!(!message.contains("give notice"), "{message}");

    shift_days(&app, &mut manager, 11).await;
    crate::support::catch_up(&app).await;
    let ended = manager
        .get(&format!("/api/console/licences/{licence}"))
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(ended["status"], "ended", "{ended}");
    release_all(&app, &mut manager, &numbers).await;
}

/// TERM-1: the provider terminates the Licence for fault: it ends at once, and so may its
/// Numbers leave.
async fn numbers_are_released_at_once_after_a_termination_for_fault(backend: Backend) {
    let app = admin_app_on(backend, "2026-11-15").await;
    let mut manager = ready_company(&app, &signup_form()).await;
    let placed = an_order("BUSINESS").annual().place(&mut manager).await;
    let licence = placed["licence"]["id"].as_i64().unwrap();
    let numbers = numbers_of(&mut manager, licence).await;
    let refused = manager
        .delete(&format!("/api/console/numbers/{}", numbers[0]))
        .await;
    assert_api_error(&refused, StatusCode::CONFLICT, "release_too_early", None);

    let reply = admin(
        &app,
        Method::POST,
        &format!("/api/admin/licences/{licence}/fault-termination"),
        Some(json!({"ground": "licence_right_breach", "reason": "Breach of the licence."})),
        ADMIN_TOKEN,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    release_all(&app, &mut manager, &numbers).await;
}

/// TRIAL-1: a trial that does not convert ends the day after its last day; a trial cancelled
/// in time ends too; the Numbers of both may then leave, while those of a trial that converts
/// follow their Licence.
async fn numbers_are_released_after_a_trial_not_converted_or_cancelled(backend: Backend) {
    let app = admin_app_on(backend, "2026-09-01").await;
    let mut manager = ready_company(&app, &signup_form()).await;
    let mut licences = Vec::new();
    for (key, auto_commit) in [
        ("not-converted", false),
        ("cancelled", true),
        ("converts", true),
    ] {
        let company: i64 = crate::support::count_where(&app, "SELECT MAX(id) FROM companies").await;
        let reply = admin_post(
            &app,
            &format!("/api/admin/companies/{company}/trial-offer"),
            json!({"trial_end": "2026-09-05", "auto_commit": auto_commit}),
        )
        .await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());
        let mut form = an_order("ESSENTIAL").key(key).form(&mut manager).await;
        form.trial = true;
        let placed = crate::support::place_order(&mut manager, &form).await;
        licences.push(placed["licence"]["id"].as_i64().unwrap());
    }
    let reply = manager
        .post_json(
            &format!("/api/console/licences/{}/trial/cancellation", licences[1]),
            &json!({}),
        )
        .await;
    assert!(reply.status.is_success(), "{}", reply.text());
    shift_days(&app, &mut manager, 5).await;
    crate::support::catch_up(&app).await;
    assert_eq!(app.state.clock.today(), date("2026-09-06"));

    let not_converted = numbers_of(&mut manager, licences[0]).await;
    let cancelled = numbers_of(&mut manager, licences[1]).await;
    let converted = numbers_of(&mut manager, licences[2]).await;
    release_all(&app, &mut manager, &not_converted).await;
    release_all(&app, &mut manager, &cancelled).await;
    let refused = manager
        .delete(&format!("/api/console/numbers/{}", converted[0]))
        .await;
    assert_api_error(&refused, StatusCode::CONFLICT, "release_too_early", None);
}
