//! Complaints (DISPUTE-4, GTCS 11), on SQLite and PostgreSQL: a Manager writes to the provider's
//! support about an invoice, a Number or anything, and sees the answer's due date (30 working
//! days); a support operator answers from the queue, once; the Manager reads the answer and gets
//! it by email. Another Company's invoice is not found; a billing operator does not answer.

use axum::http::{Method, StatusCode};
use protocol::backoffice::OperatorRole;
use serde_json::json;

use crate::support::*;

on_both_databases!(a_complaint_is_due_in_30_working_days_and_answered_once_from_the_queue,);

async fn a_complaint_is_due_in_30_working_days_and_answered_once_from_the_queue(backend: Backend) {
    let app = app_on(backend, "2026-03-30").await;
    let mut manager = ready_company(&app, &signup_form()).await;
    an_order("ESSENTIAL").place(&mut manager).await;
    let invoice_id = invoices(&mut manager).await[0]["id"].as_i64().unwrap();
    let (mut other, _) = app.signed_up(&zebra()).await;

    // Refused: too short, two subjects, another Company's invoice.
    let reply = manager
        .post_json("/api/console/complaints", &json!({"text": "Bad."}))
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("text"),
    );
    let text = "The Number stopped receiving calls on Friday.";
    let reply = manager
        .post_json(
            "/api/console/complaints",
            &json!({"invoice_id": invoice_id, "number_id": 1, "text": text}),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "complaint_two_subjects",
        None,
    );
    let reply = other
        .post_json(
            "/api/console/complaints",
            &json!({"invoice_id": invoice_id, "text": text}),
        )
        .await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);

    // Received on Monday 30 March 2026: due 30 working days later, Easter Monday and 1 May off.
    let reply = manager
        .post_json(
            "/api/console/complaints",
            &json!({"invoice_id": invoice_id, "text": text}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let opened = reply.json();
    assert_eq!(opened["received_on"], "2026-03-30");
    assert_eq!(opened["answer_due"], "2026-05-15");
    assert!(
        opened["about"]
            .as_str()
            .unwrap()
            .starts_with("Invoice 2026-")
    );
    assert!(opened["answer"].is_null());
    assert_eq!(other.get("/api/console/complaints").await.json(), json!([]));

    // In the queue for any operator; answered by support, not billing; once.
    let support = app.operator_cookie(OperatorRole::Support).await;
    let billing = app.operator_cookie(OperatorRole::Billing).await;
    let token = |cookie: &str| cookie.trim_start_matches("backoffice_session=").to_owned();
    let queue = admin(
        &app,
        Method::GET,
        "/api/admin/queues/complaints",
        None,
        &token(&billing),
    )
    .await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.text());
    let queued = queue.json();
    assert_eq!(queued[0]["company_name"], signup_form().legal_name);
    assert_eq!(queued[0]["complaint"], opened);
    let path = format!("/api/admin/complaints/{}/answer", opened["id"]);
    let answer = json!({"answer": "The carrier fixed the routing; calls ring again since Monday."});
    let reply = admin(
        &app,
        Method::POST,
        &path,
        Some(answer.clone()),
        &token(&billing),
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::FORBIDDEN,
        "operator_role_forbidden",
        None,
    );
    let reply = admin(
        &app,
        Method::POST,
        &path,
        Some(answer.clone()),
        &token(&support),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["answered_on"], "2026-03-30");
    let reply = admin(
        &app,
        Method::POST,
        &path,
        Some(answer.clone()),
        &token(&support),
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "complaint_already_answered",
        None,
    );
    let queue = admin(
        &app,
        Method::GET,
        "/api/admin/queues/complaints",
        None,
        &token(&support),
    )
    .await;
    assert_eq!(queue.json(), json!([]));

    // The Manager reads it on the console and in their mailbox; a Manager reads no queue.
    let listed = manager.get("/api/console/complaints").await.json();
    assert_eq!(
        listed[0]["answer"],
        "The carrier fixed the routing; calls ring again since Monday."
    );
    let body: String = sqlx::query_scalar(
        "SELECT body FROM outbox WHERE recipient = $1 AND subject = 'The answer to your complaint'",
    )
    .bind(signup_form().email)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert!(body.contains("calls ring again since Monday"), "{body}");
    let reply = manager.get("/api/admin/queues/complaints").await;
    assert_api_error(
        &reply,
        StatusCode::FORBIDDEN,
        "operator_sign_in_needed",
        None,
    );
}
