//! Credits, on SQLite and PostgreSQL: the console's balance and top-ups, and the store's
//! reserve → commit / release debits, which never overdraw the balance, even when 20 requests
//! arrive at once.

use crate::support::{Backend, TestApp, assert_api_error, rows, signup_form, zebra};
use axum::http::StatusCode;
use chrono::Utc;
use serde_json::json;
use server::store::credits::{self, CreditsError};

on_both_databases!(
    top_ups_are_validated_recorded_and_shown,
    reservations_hold_credits_until_committed_or_released,
    concurrent_reservations_never_overdraw,
    concurrent_debits_end_exactly_at_what_was_left,
    credits_belong_to_one_company,
);

async fn top_ups_are_validated_recorded_and_shown(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, _) = app.signed_up(&signup_form()).await;
    let reply = manager.get("/api/console/credits").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let view = reply.json();
    assert_eq!(view["balance"], "0.00");
    assert_eq!(view["movements"], json!([]));

    for amount in ["", "4.99", "12.345", "-20", "lots", "5000.01"] {
        let reply = manager
            .post_json("/api/console/credits/top-ups", &json!({"amount": amount}))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{amount}: {}",
            reply.text()
        );
        assert_eq!(reply.json()["error"]["field"], "amount");
    }
    assert_eq!(app.count("credit_movements").await, 0);
    assert_eq!(app.count("invoices").await, 0);

    let reply = manager
        .post_json("/api/console/credits/top-ups", &json!({"amount": "20,50"}))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let done = reply.json();
    // PAY-1: the top-up's invoice, written with it: EUR 20.50 + 20 % French VAT.
    let (kind, number, total): (String, String, i64) =
        sqlx::query_as("SELECT kind, number, total_cents FROM invoices WHERE id = $1")
            .bind(done["invoice_id"].as_i64().unwrap())
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!((kind.as_str(), total), ("credits_topup", 2460));
    assert_eq!(done["invoice_number"], number);
    let view = &done["credits"];
    assert_eq!(view["balance"], "20.50");
    assert_eq!(view["available"], "20.50");
    assert_eq!(view["movements"][0]["kind"], "top_up");
    assert_eq!(view["movements"][0]["amount"], "20.50");
    let entries: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'credits.top_up'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(entries, 1);
}

async fn reservations_hold_credits_until_committed_or_released(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.signed_up(&signup_form()).await;
    let db = &app.state.db;
    let company = rows::company_of(db, "anne@martin.fr").await.0;
    let now = Utc::now();
    credits::top_up(db, company, None, 2000, now).await.unwrap();

    let first = credits::reserve(db, company, 1500, "sms abroad", now)
        .await
        .unwrap();
    match credits::reserve(db, company, 600, "call", now).await {
        Err(CreditsError::Insufficient {
            available_cents: 500,
            asked_cents: 600,
        }) => {}
        other => panic!("expected a refusal with 500 available, got {other:?}"),
    }
    match credits::commit(db, company, first, 1501, "sms abroad", now).await {
        Err(CreditsError::MoreThanReserved {
            reserved_cents: 1500,
            ..
        }) => {}
        other => panic!("a commit above the reservation must fail, got {other:?}"),
    }
    let after = credits::commit(db, company, first, 1000, "3 SMS to Canada", now)
        .await
        .unwrap();
    assert_eq!((after.balance_cents, after.reserved_cents), (1000, 0));
    assert!(matches!(
        credits::commit(db, company, first, 100, "again", now).await,
        Err(CreditsError::ReservationClosed)
    ));

    let second = credits::reserve(db, company, 1000, "call", now)
        .await
        .unwrap();
    assert_eq!(
        credits::balance(db, company)
            .await
            .unwrap()
            .available_cents(),
        0
    );
    let released = credits::release(db, company, second, now).await.unwrap();
    assert_eq!((released.balance_cents, released.reserved_cents), (1000, 0));
    assert!(matches!(
        credits::release(db, company, second, now).await,
        Err(CreditsError::ReservationClosed)
    ));
    let movements = credits::movements(db, company, 10).await.unwrap();
    let amounts: Vec<i64> = movements
        .iter()
        .map(|movement| movement.amount_cents)
        .collect();
    assert_eq!(amounts, [-1000, 2000]);
}

/// 20 reservations of EUR 7 against EUR 100, all at once: exactly 14 succeed.
async fn concurrent_reservations_never_overdraw(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.signed_up(&signup_form()).await;
    let db = app.state.db.clone();
    let company = rows::company_of(&db, "anne@martin.fr").await.0;
    credits::top_up(&db, company, None, 10_000, Utc::now())
        .await
        .unwrap();

    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(
                async move { credits::reserve(&db, company, 700, "call", Utc::now()).await },
            )
        })
        .collect();
    let mut granted = Vec::new();
    let mut refused = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(id) => granted.push(id),
            Err(CreditsError::Insufficient { .. }) => refused += 1,
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    assert_eq!((granted.len(), refused), (14, 6));
    let balance = credits::balance(&db, company).await.unwrap();
    assert_eq!(
        (balance.balance_cents, balance.reserved_cents),
        (10_000, 9_800)
    );
    assert!(balance.available_cents() >= 0);
}

/// 20 debits (reserve then commit) of EUR 7 against EUR 100 at once: the balance ends at EUR 2,
/// never below zero, and the ledger adds up.
async fn concurrent_debits_end_exactly_at_what_was_left(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.signed_up(&signup_form()).await;
    let db = app.state.db.clone();
    let company = rows::company_of(&db, "anne@martin.fr").await.0;
    credits::top_up(&db, company, None, 10_000, Utc::now())
        .await
        .unwrap();

    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                let id = credits::reserve(&db, company, 700, "call", Utc::now()).await?;
                credits::commit(&db, company, id, 700, "call to Canada", Utc::now()).await
            })
        })
        .collect();
    let mut debited = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(balance) => {
                assert!(balance.balance_cents >= 0);
                debited += 1;
            }
            Err(CreditsError::Insufficient { .. }) => {}
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    assert_eq!(debited, 14);
    let balance = credits::balance(&db, company).await.unwrap();
    assert_eq!((balance.balance_cents, balance.reserved_cents), (200, 0));
    let movements = credits::movements(&db, company, 100).await.unwrap();
    let total: i64 = movements.iter().map(|movement| movement.amount_cents).sum();
    assert_eq!(total, 200);
    assert!(
        movements
            .iter()
            .all(|movement| movement.balance_after_cents >= 0)
    );
}

async fn credits_belong_to_one_company(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut anne, _) = app.signed_up(&signup_form()).await;
    let (mut zoe, _) = app.signed_up(&zebra()).await;
    let reply = anne
        .post_json("/api/console/credits/top-ups", &json!({"amount": "50"}))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(
        zoe.get("/api/console/credits").await.json()["balance"],
        "0.00"
    );

    let db = &app.state.db;
    let anne_company = rows::company_of(db, "anne@martin.fr").await.0;
    let zoe_company = rows::company_of(db, "zoe@zebra.fr").await.0;
    let anne_reservation = credits::reserve(db, anne_company, 1000, "call", Utc::now())
        .await
        .unwrap();
    assert!(matches!(
        credits::commit(db, zoe_company, anne_reservation, 1000, "theft", Utc::now()).await,
        Err(CreditsError::UnknownReservation)
    ));
    assert!(matches!(
        credits::reserve(db, zoe_company, 1, "call", Utc::now()).await,
        Err(CreditsError::Insufficient {
            available_cents: 0,
            ..
        })
    ));
    let signed_out = app.client().get("/api/console/credits").await;
    assert_api_error(
        &signed_out,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        None,
    );
}
