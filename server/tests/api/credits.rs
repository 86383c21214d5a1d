//! Credits, on SQLite and PostgreSQL: the console's balance and top-ups, and the store's
//! reserve → commit / release debits, which never overdraw the balance, even when 20 requests
//! arrive at once.

use crate::support::{
    Backend, TestApp, assert_api_error, ready_company, rows, signup_form, top_up, zebra,
};
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
    a_top_up_retried_with_its_key_credits_and_invoices_once,
    concurrent_top_ups_with_one_key_credit_once,
);

async fn top_ups_are_validated_recorded_and_shown(backend: Backend) {
    let app = TestApp::start(backend).await;
    // Issue 13: Credits are credited once the top-up's invoice is paid, collected at once
    // from the Company's payment method.
    let mut manager = ready_company(&app, &signup_form()).await;
    let reply = manager.get("/api/console/credits").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let view = reply.json();
    assert_eq!(view["balance"], "0.00");
    assert_eq!(view["movements"], json!([]));

    for amount in ["", "4.99", "12.345", "-20", "lots", "5000.01"] {
        let reply = manager
            .post_json("/api/console/credits/top-ups", &top_up(amount))
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
        .post_json("/api/console/credits/top-ups", &top_up("20,50"))
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
    let mut anne = ready_company(&app, &signup_form()).await;
    let (mut zoe, _) = app.signed_up(&zebra()).await;
    let reply = anne
        .post_json("/api/console/credits/top-ups", &top_up("50"))
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

/// Issue 13: two identical top-ups sent after a timeout used to make two invoices. The key
/// makes the retry answer the first top-up's invoice, with nothing more credited or invoiced.
async fn a_top_up_retried_with_its_key_credits_and_invoices_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    // Issue 13: Credits are credited once the top-up's invoice is paid, collected at once
    // from the Company's payment method.
    let mut manager = ready_company(&app, &signup_form()).await;
    let path = "/api/console/credits/top-ups";

    // No key, or a blank one: refused with a sentence, nothing written.
    for body in [
        json!({"amount": "20"}),
        json!({"amount": "20", "idempotency_key": "  "}),
    ] {
        let reply = manager.post_json(path, &body).await;
        assert_api_error(
            &reply,
            StatusCode::BAD_REQUEST,
            "idempotency_key_missing",
            None,
        );
        assert!(
            reply.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("idempotency key")
        );
    }
    let reply = manager
        .post_json(
            path,
            &json!({"amount": "20", "idempotency_key": "k".repeat(101)}),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "idempotency_key_too_long",
        None,
    );
    // The server's own collection keys cannot be taken by a request.
    let reply = manager
        .post_json(
            path,
            &json!({"amount": "20", "idempotency_key": "collection:1:1"}),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "idempotency_key_reserved",
        None,
    );
    assert_eq!(app.count("invoices").await, 0);

    let body = json!({"amount": "20", "idempotency_key": "top-up-of-monday"});
    let first = manager.post_json(path, &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let first = first.json();
    // The answer was lost: the same request again.
    let again = manager.post_json(path, &body).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    let again = again.json();
    assert_eq!(again["invoice_id"], first["invoice_id"]);
    assert_eq!(again["invoice_number"], first["invoice_number"]);
    assert_eq!(again["credits"]["balance"], "20.00");
    // The same amount typed another way is the same top-up.
    let typed = manager
        .post_json(
            path,
            &json!({"amount": "20,00", "idempotency_key": "top-up-of-monday"}),
        )
        .await;
    assert_eq!(typed.status, StatusCode::OK, "{}", typed.text());
    assert_eq!(typed.json()["invoice_id"], first["invoice_id"]);

    // The same key with another amount: refused, saying so.
    let other = manager
        .post_json(
            path,
            &json!({"amount": "30", "idempotency_key": "top-up-of-monday"}),
        )
        .await;
    assert_api_error(&other, StatusCode::CONFLICT, "idempotency_key_reused", None);
    assert!(
        other.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("EUR 20.00")
    );
    assert_eq!(app.count("invoices").await, 1);
    assert_eq!(app.count("credit_movements").await, 1);
    let balance = manager.get("/api/console/credits").await.json()["balance"].clone();
    assert_eq!(balance, "20.00");

    // Another Company may use the same key for its own top-up.
    let (mut zoe, _) = app.signed_up(&zebra()).await;
    let reply = zoe.post_json(path, &body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_ne!(reply.json()["invoice_id"], first["invoice_id"]);
    // A new key is a new top-up.
    let reply = manager.post_json(path, &top_up("20")).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(reply.json()["credits"]["balance"], "40.00");
    assert_eq!(app.count("invoices").await, 3);
}

/// Ten identical top-ups at once (a client retrying while the first is still running): one is
/// credited and invoiced, every answer names its invoice.
async fn concurrent_top_ups_with_one_key_credit_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let manager = ready_company(&app, &signup_form()).await;
    let body = json!({"amount": "12.50", "idempotency_key": "one-top-up"});
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let mut manager = manager.clone();
            let body = body.clone();
            tokio::spawn(async move {
                manager
                    .post_json("/api/console/credits/top-ups", &body)
                    .await
            })
        })
        .collect();
    let mut created = 0;
    let mut invoice_ids = std::collections::BTreeSet::new();
    for task in tasks {
        let reply = task.await.unwrap();
        match reply.status {
            StatusCode::CREATED => created += 1,
            StatusCode::OK => {}
            other => panic!("{other}: {}", reply.text()),
        }
        invoice_ids.insert(reply.json()["invoice_id"].as_i64().unwrap());
    }
    assert_eq!(created, 1);
    assert_eq!(invoice_ids.len(), 1);
    assert_eq!(app.count("invoices").await, 1);
    let db = &app.state.db;
    // The top-up's key, and the one collection attempt that paid its invoice.
    let keys: Vec<String> = sqlx::query_scalar("SELECT purpose FROM idempotency_keys ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(keys, ["credits_top_up", "invoice_payment"]);
    let company = rows::company_of(db, "anne@martin.fr").await.0;
    assert_eq!(
        credits::balance(db, company).await.unwrap().balance_cents,
        1250
    );
}
