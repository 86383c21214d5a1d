//! Late payment and suspension through the API, on SQLite and PostgreSQL (LATE-1, LATE-2,
//! LATE-4, SUSP-1): the penalty of an overdue invoice for the server's today with the rate and
//! why, the formal notice to pay with its 8-day deadline, and suspensions shown to the Manager
//! while billing continues. The penalties invoiced (house reading "Late penalties are invoiced"):
//! on a separate invoice without VAT, when the late invoice is paid or formally noticed, the
//! indemnity once, each day late billed once.

use crate::support::{
    ADMIN_TOKEN, Backend, Client, TestApp, add_payment_method, admin, admin_app_on, an_order,
    assert_api_error, count_where, date, invoice, invoices, log_in, logged, money, pass_days,
    payment, signup_form,
};
use axum::http::{Method, StatusCode};
use domain::Money;
use domain::late::{RateTable, late_penalty};
use protocol::backoffice::OperatorRole;
use serde_json::{Value, json};

on_both_databases!(
    the_rate_table_is_seeded_from_the_domain,
    an_overdue_invoice_shows_days_late_rate_penalty_and_indemnity,
    the_floor_applies_from_rates_added_as_data,
    the_formal_notice_to_pay_has_an_eight_day_deadline,
    a_suspension_is_shown_with_its_reason_while_billing_continues,
    the_provider_records_a_semester_and_its_penalties_show,
    recorded_rates_are_validated_once_and_kept_behind_the_token,
    an_invoice_paid_late_gets_a_penalty_invoice_without_vat_that_can_be_paid,
    a_formal_notice_invoices_the_penalties_so_far_and_the_payment_only_the_days_after,
);

/// A signed-up Company with a payment method and one monthly ESSENTIAL Order: its Manager,
/// its id and the Order's invoice id.
async fn company_with_order(app: &TestApp) -> (Client, Value, i64) {
    let (mut manager, me) = app.signed_up(&signup_form()).await;
    add_payment_method(&mut manager, "Main account").await;
    an_order("ESSENTIAL").place(&mut manager).await;
    let listed = invoices(&mut manager).await;
    assert_eq!(listed.len(), 1);
    let invoice = listed[0]["id"].as_i64().unwrap();
    (manager, me, invoice)
}

async fn the_rate_table_is_seeded_from_the_domain(backend: Backend) {
    let app = admin_app_on(backend, "2026-03-10").await;
    let stored = server::store::late_payment::rate_table(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored, RateTable::seeded());
}

/// Ordered and due on 10 March 2026 (payment in advance), unpaid: overdue from 11 March. The
/// first day late is in 2026 S1: max(2.15 + 10, 3 × 2.62 = 7.86) = 12.15 %, the ECB side.
async fn an_overdue_invoice_shows_days_late_rate_penalty_and_indemnity(backend: Backend) {
    let app = admin_app_on(backend, "2026-03-10").await;
    let (mut manager, _, id) = company_with_order(&app).await;
    pass_days(&app, 0).await;
    let due = invoice(&mut manager, id).await;
    assert_eq!(due["status"], "issued");
    assert!(due["late"].is_null(), "not late on its due date: {due}");

    pass_days(&app, 1).await;
    let late = invoice(&mut manager, id).await;
    assert_eq!(late["status"], "overdue");
    assert_eq!(late["late"]["days_late"], 1);
    assert_eq!(late["late"]["indemnity"], "40.00");

    // Updated daily: 31 days late on 10 April, computed on read.
    pass_days(&app, 30).await;
    let mut manager = log_in(&app, &signup_form()).await;
    let total = money(&late["total"]);
    for view in [
        invoice(&mut manager, id).await,
        invoices(&mut manager)
            .await
            .into_iter()
            .find(|listed| listed["id"] == id)
            .unwrap(),
    ] {
        let late = &view["late"];
        assert_eq!(late["as_of"], "2026-04-10");
        assert_eq!(late["days_late"], 31);
        assert_eq!(late["rate"]["semester"], "2026 S1");
        assert_eq!(late["rate"]["rate"], "12.15");
        assert_eq!(late["rate"]["basis"], "ecb_plus_ten");
        let explanation = late["rate"]["explanation"].as_str().unwrap();
        assert!(explanation.contains("plus 10 points"), "{explanation}");
        assert!(explanation.contains("7.86"), "{explanation}");
        // total × 12.15 / 100 × 31 / 365, to the cent (half away from zero), in whole cents.
        let cents = i128::from(domain::order::cents(total).unwrap());
        let scaled = cents * 1215 * 31;
        let divisor = 100 * 100 * 365;
        let expected = Money::from_cents(((scaled * 2 + divisor) / (2 * divisor)) as i64);
        assert_eq!(money(&late["penalty"]), expected, "{late}");
        assert!(expected > Money::ZERO);
        assert_eq!(late["indemnity"], "40.00");
    }

    // Paid: no longer overdue, nothing shown as running.
    let reply = manager
        .post_json(&format!("/api/console/invoices/{id}/payments"), &payment())
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert!(invoice(&mut manager, id).await["late"].is_null());
}

/// Due 1 September 2026: 2026 S2's rates are not seeded, so the penalty waits for them, and
/// says why; once the back office adds them (data, not code), the floor 3 × 4.50 = 13.50 beats
/// 1.00 + 10.
async fn the_floor_applies_from_rates_added_as_data(backend: Backend) {
    let app = admin_app_on(backend, "2026-09-01").await;
    let (_, _, id) = company_with_order(&app).await;
    pass_days(&app, 10).await;
    // Ten days unused: the session ended; the Manager logs in again.
    let mut manager = log_in(&app, &signup_form()).await;
    let late = &invoice(&mut manager, id).await["late"];
    assert_eq!(late["days_late"], 10);
    assert!(late["penalty"].is_null());
    assert_eq!(late["indemnity"], "40.00");
    let missing = late["rates_missing"].as_str().unwrap();
    assert!(missing.contains("2026 S2"), "{missing}");

    sqlx::query(
        "INSERT INTO late_payment_rates (year, half, ecb_rate, legal_rate) VALUES (2026, 's2', '1.00', '4.50')",
    )
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    let view = invoice(&mut manager, id).await;
    let late = &view["late"];
    assert_eq!(late["rate"]["basis"], "legal_floor");
    assert_eq!(late["rate"]["rate"], "13.50");
    assert!(late["rates_missing"].is_null());
    let rates = server::store::late_payment::rate_table(&app.state.db)
        .await
        .unwrap()
        .for_due_date(date("2026-09-01"))
        .unwrap();
    let expected = late_penalty(
        money(&view["total"]),
        date("2026-09-01"),
        date("2026-09-11"),
        &rates,
    )
    .unwrap();
    assert_eq!(money(&late["penalty"]), expected.penalty);
    assert!(expected.penalty > Money::ZERO);
}

async fn the_formal_notice_to_pay_has_an_eight_day_deadline(backend: Backend) {
    let app = admin_app_on(backend, "2026-12-20").await;
    let (_, _, id) = company_with_order(&app).await;
    let path = format!("/api/admin/invoices/{id}/formal-notice");

    // Not overdue yet: refused, nothing written.
    let reply = admin(&app, Method::POST, &path, None, ADMIN_TOKEN).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "invoice_not_overdue", None);
    assert_eq!(app.count("formal_notices").await, 0);
    // Without an operator's session, or for no invoice.
    let reply = admin(&app, Method::POST, &path, None, "wrong").await;
    assert_api_error(
        &reply,
        StatusCode::FORBIDDEN,
        "operator_sign_in_needed",
        None,
    );
    let reply = admin(
        &app,
        Method::POST,
        "/api/admin/invoices/987654/formal-notice",
        None,
        ADMIN_TOKEN,
    )
    .await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);

    // Sent on 28 December: the last day to pay is 5 January (8 days, across the new year).
    pass_days(&app, 8).await;
    let outbox_before = app.count("outbox").await;
    let reply = admin(&app, Method::POST, &path, None, ADMIN_TOKEN).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(
        reply.json(),
        json!({"sent_on": "2026-12-28", "deadline": "2027-01-05"})
    );
    // The Manager's session ended while she was away: she logs in again.
    let mut manager = log_in(&app, &signup_form()).await;
    let view = invoice(&mut manager, id).await;
    assert_eq!(view["formal_notice"]["deadline"], "2027-01-05");
    assert_eq!(app.count("outbox").await, outbox_before + 1);
    let number = view["number"].as_str().unwrap();
    assert_eq!(
        count_where(
            &app,
            &format!(
                "SELECT COUNT(*) FROM outbox WHERE recipient = '{}' AND subject LIKE '%{number}%' AND body LIKE '%2027-01-05%'",
                signup_form().email.to_lowercase()
            )
        )
        .await,
        1
    );
    assert_eq!(
        count_where(&app, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'invoice.formal_notice' AND subject = 'invoice:{id}'")).await,
        1
    );
    // Once per invoice.
    let reply = admin(&app, Method::POST, &path, None, ADMIN_TOKEN).await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "formal_notice_already_sent",
        None,
    );
    assert!(reply.text().contains("2027-01-05"), "{}", reply.text());
    assert_eq!(app.count("formal_notices").await, 1);
}

async fn a_suspension_is_shown_with_its_reason_while_billing_continues(backend: Backend) {
    let app = admin_app_on(backend, "2026-03-10").await;
    let (mut manager, me, id) = company_with_order(&app).await;
    let company = me["company"]["id"].as_i64().unwrap();
    let reply = manager
        .post_json(
            "/api/console/users",
            &json!({"first_name": "Louis", "last_name": "Dupont", "email": "louis@martin.fr",
                    "mobile": "+33 6 12 34 56 78", "residence_country": "FR", "stable_links": []}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let louis = reply.json()["id"].as_i64().unwrap();
    let reply = manager.get("/api/console/suspensions").await;
    assert_eq!(reply.json(), json!({"company": null, "users": []}));

    // A reason outside SUSP-1's list is refused; nothing is written.
    let company_path = format!("/api/admin/companies/{company}/suspension");
    let reply = admin(
        &app,
        Method::POST,
        &company_path,
        Some(json!({"reason": "bad_mood"})),
        ADMIN_TOKEN,
    )
    .await;
    assert!(reply.status.is_client_error(), "{}", reply.text());
    assert_eq!(app.count("suspensions").await, 0);

    let reply = admin(
        &app,
        Method::POST,
        &company_path,
        Some(
            json!({"reason": "non_payment", "details": "Invoice unpaid after the formal notice."}),
        ),
        ADMIN_TOKEN,
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let reply = admin(
        &app,
        Method::POST,
        &company_path,
        Some(json!({"reason": "non_payment"})),
        ADMIN_TOKEN,
    )
    .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "already_suspended", None);
    let user_path = format!("/api/admin/users/{louis}/suspension");
    let reply = admin(
        &app,
        Method::POST,
        &user_path,
        Some(json!({"reason": "suspected_third_party_use"})),
        ADMIN_TOKEN,
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());

    // The Manager keeps the console, sees both and why.
    let shown = manager.get("/api/console/suspensions").await.json();
    assert_eq!(shown["company"]["reason"], "non_payment");
    assert_eq!(shown["company"]["reason_label"], "Non-payment");
    assert_eq!(shown["company"]["suspended_on"], "2026-03-10");
    assert_eq!(shown["users"][0]["user_id"], louis);
    assert_eq!(shown["users"][0]["user_name"], "Louis Dupont");
    assert_eq!(
        shown["users"][0]["reason_label"],
        "Suspected use of the account by a third party"
    );
    assert_eq!(
        count_where(&app, "SELECT COUNT(*) FROM outbox WHERE recipient = 'louis@martin.fr' AND subject LIKE 'Suspension%'").await,
        1
    );

    // Billing continues: the monthly Licence renews on 10 April and is invoiced.
    pass_days(&app, 31).await;
    let mut manager = log_in(&app, &signup_form()).await;
    let listed = invoices(&mut manager).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0]["kind"], "renewal");
    assert_eq!(listed[1]["id"], id);
    assert_eq!(listed[1]["status"], "overdue");

    // Lifted: no longer shown; lifting twice is refused.
    let reply = admin(&app, Method::DELETE, &company_path, None, ADMIN_TOKEN).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert!(reply.json()["company"].is_null());
    let reply = admin(&app, Method::DELETE, &company_path, None, ADMIN_TOKEN).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "not_suspended", None);
    let reply = admin(
        &app,
        Method::DELETE,
        "/api/admin/companies/987654/suspension",
        None,
        ADMIN_TOKEN,
    )
    .await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
    let shown = manager.get("/api/console/suspensions").await.json();
    assert!(shown["company"].is_null());
    assert_eq!(shown["users"].as_array().unwrap().len(), 1);
    for action in ["company.suspend", "user.suspend", "company.lift_suspension"] {
        assert_eq!(
            count_where(
                &app,
                &format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'")
            )
            .await,
            1,
            "{action}"
        );
    }
}

/// Today, 27 November 2026, is in 2026 S2, whose rates are not seeded: an invoice due on
/// 27 November shows no penalty until the provider records 2026 S2 through the admin route;
/// then it shows the penalty at max(2.15 + 10, 3 × 2.62) = 12.15 %.
async fn the_provider_records_a_semester_and_its_penalties_show(backend: Backend) {
    let app = admin_app_on(backend, "2026-11-27").await;
    let (_, _, id) = company_with_order(&app).await;
    pass_days(&app, 12).await;
    let mut manager_late = log_in(&app, &signup_form()).await;
    let late = &invoice(&mut manager_late, id).await["late"];
    assert_eq!(late["days_late"], 12);
    assert!(late["penalty"].is_null(), "{late}");
    assert!(late["rates_missing"].as_str().unwrap().contains("2026 S2"));

    let path = "/api/admin/late-payment-rates";
    let before = admin(&app, Method::GET, path, None, ADMIN_TOKEN).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.text());
    let semesters: Vec<Value> = before
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["semester"].clone())
        .collect();
    assert_eq!(
        semesters,
        [json!("2025-S1"), json!("2025-S2"), json!("2026-S1")]
    );

    let reply = admin(
        &app,
        Method::POST,
        path,
        Some(json!({"semester": "2026-S2", "ecb_rate": "2.15", "legal_rate": "2.62"})),
        ADMIN_TOKEN,
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(
        reply.json(),
        json!({"semester": "2026-S2", "ecb_rate": "2.15", "legal_rate": "2.62", "annual_rate": "12.15"})
    );
    let listed = admin(&app, Method::GET, path, None, ADMIN_TOKEN)
        .await
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 4);
    assert_eq!(listed[3]["semester"], "2026-S2");

    let view = invoice(&mut manager_late, id).await;
    let late = &view["late"];
    assert!(late["rates_missing"].is_null(), "{late}");
    assert_eq!(late["rate"]["semester"], "2026 S2");
    assert_eq!(late["rate"]["rate"], "12.15");
    assert_eq!(late["rate"]["basis"], "ecb_plus_ten");
    let rates = server::store::late_payment::rate_table(&app.state.db)
        .await
        .unwrap()
        .for_due_date(date("2026-11-27"))
        .unwrap();
    let expected = late_penalty(
        money(&view["total"]),
        date("2026-11-27"),
        date("2026-12-09"),
        &rates,
    )
    .unwrap();
    assert_eq!(money(&late["penalty"]), expected.penalty);
    assert!(expected.penalty > Money::ZERO);
}

async fn recorded_rates_are_validated_once_and_kept_behind_the_token(backend: Backend) {
    let app = admin_app_on(backend, "2026-11-27").await;
    let path = "/api/admin/late-payment-rates";
    let stored = || async {
        server::store::late_payment::rate_table(&app.state.db)
            .await
            .unwrap()
    };
    let seeded = stored().await;

    // Bad input: 422 naming the field; nothing recorded.
    for (body, field) in [
        (
            json!({"semester": "2026-S3", "ecb_rate": "2.15", "legal_rate": "2.62"}),
            "semester",
        ),
        (
            json!({"semester": "2026 second", "ecb_rate": "2.15", "legal_rate": "2.62"}),
            "semester",
        ),
        (
            json!({"semester": "2026-S2", "ecb_rate": "-1", "legal_rate": "2.62"}),
            "ecb_rate",
        ),
        (
            json!({"semester": "2026-S2", "ecb_rate": "2.15", "legal_rate": "two"}),
            "legal_rate",
        ),
        (
            json!({"semester": "2026-S2", "ecb_rate": "2.15"}),
            "legal_rate",
        ),
    ] {
        let reply = admin(&app, Method::POST, path, Some(body.clone()), ADMIN_TOKEN).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            reply.text()
        );
        assert_eq!(reply.json()["error"]["field"], field, "{body}");
    }
    assert_eq!(stored().await, seeded);

    // A recorded semester is a fact: recording it again (even the same values) is refused.
    let reply = admin(
        &app,
        Method::POST,
        path,
        Some(json!({"semester": "2026-S1", "ecb_rate": "9.99", "legal_rate": "9.99"})),
        ADMIN_TOKEN,
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "semester_rates_already_recorded",
        Some("semester"),
    );
    let body = json!({"semester": "2027-S1", "ecb_rate": "2.00", "legal_rate": "3.00"});
    let reply = admin(&app, Method::POST, path, Some(body.clone()), ADMIN_TOKEN).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    // 3 × 3.00 = 9.00 is below 2.00 + 10.
    assert_eq!(reply.json()["annual_rate"], "12.00");
    let reply = admin(
        &app,
        Method::POST,
        path,
        Some(json!({"semester": "2027-S1", "ecb_rate": "5", "legal_rate": "5"})),
        ADMIN_TOKEN,
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "semester_rates_already_recorded",
        Some("semester"),
    );
    let after = stored().await;
    let recorded = after
        .get(domain::late::Semester {
            year: 2027,
            half: domain::late::Half::S1,
        })
        .unwrap();
    assert_eq!(recorded.ecb_rate.to_string(), "2.00");
    assert_eq!(after.entries().count(), seeded.entries().count() + 1);

    // Without an operator's session: 403.
    for method in [Method::GET, Method::POST] {
        let reply = admin(&app, method.clone(), path, Some(body.clone()), "wrong").await;
        assert_api_error(
            &reply,
            StatusCode::FORBIDDEN,
            "operator_sign_in_needed",
            None,
        );
    }
    // A support operator reads them but may not record any: that is billing's business.
    let support = app.operator_cookie(OperatorRole::Support).await;
    let support = support.trim_start_matches("backoffice_session=");
    let reply = admin(&app, Method::GET, path, None, support).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let reply = admin(
        &app,
        Method::POST,
        path,
        Some(json!({"semester": "2027-S2", "ecb_rate": "1", "legal_rate": "1"})),
        support,
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::FORBIDDEN,
        "operator_role_forbidden",
        None,
    );
    assert_eq!(stored().await, after);
}

/// The penalty invoices of the Company, oldest first.
async fn penalty_invoices(manager: &mut Client) -> Vec<Value> {
    let mut listed: Vec<Value> = invoices(manager)
        .await
        .into_iter()
        .filter(|listed| listed["kind"] == "penalty")
        .collect();
    listed.reverse();
    listed
}

/// What `late.penalty` makes due on the invoice `view` (due on its due date) by `as_of`.
async fn owed(app: &TestApp, view: &Value, as_of: &str) -> domain::late::LatePenalty {
    let due_date = date(view["due_date"].as_str().unwrap());
    let rates = server::store::late_payment::rate_table(&app.state.db)
        .await
        .unwrap()
        .for_due_date(due_date)
        .unwrap();
    late_penalty(money(&view["total"]), due_date, date(as_of), &rates).unwrap()
}

/// Ordered and due on 10 March 2026, paid 31 days late on 10 April: the payment is recorded, and
/// a penalty invoice follows in the same numbering, billing 31 days at 12.15 % and the EUR 40
/// indemnity, without VAT; it adds up, has its PDF, bears no penalty itself and can be paid.
async fn an_invoice_paid_late_gets_a_penalty_invoice_without_vat_that_can_be_paid(
    backend: Backend,
) {
    let app = admin_app_on(backend, "2026-03-10").await;
    let (_, _, id) = company_with_order(&app).await;
    pass_days(&app, 31).await;
    let mut manager = log_in(&app, &signup_form()).await;
    let late = invoice(&mut manager, id).await;
    assert_eq!(late["status"], "overdue");
    assert!(
        penalty_invoices(&mut manager).await.is_empty(),
        "nothing billed while unpaid"
    );

    let reply = manager
        .post_json(&format!("/api/console/invoices/{id}/payments"), &payment())
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let penalties = penalty_invoices(&mut manager).await;
    assert_eq!(penalties.len(), 1, "{penalties:?}");
    let listed = &penalties[0];
    // The Order's invoice is 000001, the Licence's renewal of 10 April 000002.
    assert_eq!(listed["number"], "2026-000003");
    assert_eq!(listed["issue_date"], "2026-04-10");
    assert_eq!(listed["status"], "issued");
    assert!(listed["late"].is_null());
    let penalty_id = listed["id"].as_i64().unwrap();
    let view = invoice(&mut manager, penalty_id).await;
    let expected = owed(&app, &late, "2026-04-10").await;
    assert_eq!(expected.days_late, 31);
    assert!(expected.penalty > Money::ZERO);
    let lines = view["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2, "{view}");
    let number = late["number"].as_str().unwrap();
    let described = lines[0]["description"].as_str().unwrap();
    assert!(described.contains(number), "{described}");
    assert!(described.contains("31 days late"), "{described}");
    assert!(described.contains("12.15 %"), "{described}");
    assert_eq!(money(&lines[0]["net"]), expected.penalty);
    assert_eq!(lines[1]["net"], "40.00");
    assert_eq!(view["vat_rate"], "0");
    assert_eq!(view["vat"], "0.00");
    assert!(
        view["vat_reason"].as_str().unwrap().contains("damages"),
        "{view}"
    );
    assert!(view["vies"].is_null());
    assert_eq!(
        money(&view["total"]),
        expected.penalty.checked_add(expected.indemnity).unwrap()
    );
    crate::disputes::check_invoice(&mut manager, penalty_id).await;
    assert_eq!(
        logged(&app, "invoice.issue", &format!("invoice:{penalty_id}")).await,
        1
    );

    // Left unpaid, it goes overdue like any invoice but bears no penalty of its own; paid, it
    // is paid, and nothing more is billed.
    pass_days(&app, 3).await;
    let mut manager = log_in(&app, &signup_form()).await;
    let unpaid = invoice(&mut manager, penalty_id).await;
    assert_eq!(unpaid["status"], "overdue");
    assert!(unpaid["late"].is_null(), "{unpaid}");
    let reply = manager
        .post_json(
            &format!("/api/console/invoices/{penalty_id}/payments"),
            &payment(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(reply.json()["status"], "paid");
    assert_eq!(penalty_invoices(&mut manager).await.len(), 1);
    assert_eq!(app.count("late_penalties").await, 1);
}

/// Due 10 March 2026; the formal notice on 18 March invoices 8 days and the indemnity; paid on
/// 28 March, the second penalty invoice bills the 10 days after, without the indemnity again. The
/// two penalties add up to `late.penalty` over the 18 days. An invoice paid on its due date
/// owes nothing.
async fn a_formal_notice_invoices_the_penalties_so_far_and_the_payment_only_the_days_after(
    backend: Backend,
) {
    let app = admin_app_on(backend, "2026-03-10").await;
    let (mut manager, _, id) = company_with_order(&app).await;
    // Another invoice paid on time: no penalty invoice.
    let reply = manager
        .post_json(
            "/api/console/credits/top-ups",
            &crate::support::top_up("10"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let topup = invoices(&mut manager)
        .await
        .into_iter()
        .find(|listed| listed["kind"] == "credits_topup")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    // Issue 13: collected on its issue date, at once: paid on time.
    assert_eq!(invoice(&mut manager, topup).await["status"], "paid");
    assert!(penalty_invoices(&mut manager).await.is_empty());

    pass_days(&app, 8).await;
    let path = format!("/api/admin/invoices/{id}/formal-notice");
    let reply = admin(&app, Method::POST, &path, None, ADMIN_TOKEN).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let mut manager = log_in(&app, &signup_form()).await;
    let late = invoice(&mut manager, id).await;
    let penalties = penalty_invoices(&mut manager).await;
    assert_eq!(penalties.len(), 1, "{penalties:?}");
    let first = invoice(&mut manager, penalties[0]["id"].as_i64().unwrap()).await;
    assert_eq!(first["issue_date"], "2026-03-18");
    let after_notice = owed(&app, &late, "2026-03-18").await;
    let lines = first["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2, "{first}");
    assert!(
        lines[0]["description"]
            .as_str()
            .unwrap()
            .contains("8 days late")
    );
    assert_eq!(money(&lines[0]["net"]), after_notice.penalty);
    assert_eq!(lines[1]["net"], "40.00");
    // The formal notice's email names it.
    let number = first["number"].as_str().unwrap();
    assert_eq!(
        count_where(
            &app,
            &format!("SELECT COUNT(*) FROM outbox WHERE subject LIKE 'Formal notice%' AND body LIKE '%{number}%'")
        )
        .await,
        1
    );

    pass_days(&app, 10).await;
    let mut manager = log_in(&app, &signup_form()).await;
    let reply = manager
        .post_json(&format!("/api/console/invoices/{id}/payments"), &payment())
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let penalties = penalty_invoices(&mut manager).await;
    assert_eq!(penalties.len(), 2, "{penalties:?}");
    let second = invoice(&mut manager, penalties[1]["id"].as_i64().unwrap()).await;
    assert_eq!(second["issue_date"], "2026-03-28");
    let lines = second["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1, "the indemnity once: {second}");
    let described = lines[0]["description"].as_str().unwrap();
    assert!(described.contains("10 days late"), "{described}");
    assert!(
        described.contains("2026-03-19 to 2026-03-28"),
        "{described}"
    );
    let at_payment = owed(&app, &late, "2026-03-28").await;
    assert_eq!(
        after_notice.penalty.checked_add(money(&lines[0]["net"])),
        Some(at_payment.penalty)
    );
    for penalty in &penalties {
        crate::disputes::check_invoice(&mut manager, penalty["id"].as_i64().unwrap()).await;
    }
    // Numbers follow one another: the Order, the top-up, then the two penalty invoices.
    let mut numbers: Vec<String> = invoices(&mut manager)
        .await
        .iter()
        .map(|listed| listed["number"].as_str().unwrap().to_owned())
        .collect();
    numbers.sort();
    assert_eq!(
        numbers,
        ["2026-000001", "2026-000002", "2026-000003", "2026-000004"]
    );
}
