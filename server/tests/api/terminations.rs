//! Termination for fault (TERM-1, TERM-2), on SQLite and PostgreSQL: the provider ends a Licence
//! through its admin route, and the Manager sees what falls due as `termination.fault_amount`
//! computes it.

use crate::support::{
    ADMIN_TOKEN, Backend, Client, Reply, TestApp, admin, admin_app_on, admin_post, an_order,
    assert_api_error, date, invoice, invoices, log_in, logged, pass_days, payment, ready_company,
    signup_form, zebra,
};
use axum::http::{Method, StatusCode};
use protocol::backoffice::OperatorRole;
use serde_json::{Value, json};

on_both_databases!(
    fault_termination_ends_the_licence_and_shows_the_amount_due,
    fault_termination_is_refused_without_a_reason_twice_or_without_an_operator,
    fault_termination_on_a_renewal_day_counts_the_whole_new_period_and_every_discount,
    fault_termination_waits_for_its_grounds_notice_and_the_managers_are_told,
    the_provider_ends_a_licence_without_reason_at_the_end_of_a_period,
);

async fn company_with_annual_licence(app: &TestApp) -> (Client, i64) {
    let mut manager = ready_company(app, &signup_form()).await;
    // One BUSINESS Number, annual (EUR 199.00, 5 % annual discount).
    let placed = an_order("BUSINESS")
        .annual()
        .key("annual-1")
        .place(&mut manager)
        .await;
    (manager, placed["licence"]["id"].as_i64().unwrap())
}

async fn terminate(app: &TestApp, licence: i64, body: &Value, token: &str) -> Reply {
    let path = format!("/api/admin/licences/{licence}/fault-termination");
    admin(app, Method::POST, &path, Some(body.clone()), token).await
}

/// Ordered on 15 Nov 2026 for a year; terminated on 20 Feb 2027: the months beginning 15 Mar to
/// 15 Oct remain (8). The instalment is the price per month without discounts (house reading):
/// 199.00 / 12; 8 × 16.5833… × 1.20 = 159.20; the annual discount of 9.95 deducted on the Order's
/// invoice is reimbursed; 169.15 in all, invoiced that day with VAT (20 %), in the numbering.
async fn fault_termination_ends_the_licence_and_shows_the_amount_due(backend: Backend) {
    let app = admin_app_on(backend, "2026-11-15").await;
    let (mut manager, licence) = company_with_annual_licence(&app).await;
    let (mut other, _) = app.signed_up(&zebra()).await;
    app.state.clock.advance_days(97);
    assert_eq!(app.state.clock.today(), date("2027-02-20"));

    let reply = terminate(
        &app,
        licence,
        &json!({"ground": "suspected_fraud", "reason": "Suspected fraud: Numbers resold to third parties."}),
        ADMIN_TOKEN,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let recorded = reply.json();
    assert_eq!(recorded["cause"], "fault");
    assert_eq!(recorded["service_last_day"], "2027-02-20");
    let due = &recorded["amount_due"];
    assert_eq!(due["remaining_instalments"], 8);
    assert_eq!(due["monthly_instalment"], "16.58");
    assert_eq!(due["accelerated_instalments"], "159.20");
    assert_eq!(due["discounts_reimbursed"], "9.95");
    assert_eq!(due["total"], "169.15");
    // The Order's invoice is 2026-000001; the termination's is the first of 2027.
    assert_eq!(recorded["invoice_number"], "2027-000001");
    let invoice_id = recorded["invoice_id"].as_i64().unwrap();

    // The Manager (signed in again: sessions last 14 days) sees it, and the Licence has ended.
    let form = signup_form();
    let reply = manager
        .post_json(
            "/api/session",
            &json!({"email": form.email, "password": form.password}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let listed = manager.get("/api/console/terminations").await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
    assert_eq!(listed.json(), json!([recorded]));
    // The invoice: listed with the others, two lines, VAT at the Company's rate, adding up,
    // with its PDF; payable like any invoice.
    let listed = invoices(&mut manager).await;
    assert_eq!(listed[0]["id"], invoice_id);
    assert_eq!(listed[0]["kind"], "termination");
    let invoice = invoice(&mut manager, invoice_id).await;
    assert_eq!(invoice["issue_date"], "2027-02-20");
    assert_eq!(invoice["licence_id"], licence);
    let nets: Vec<&Value> = invoice["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| &line["net"])
        .collect();
    assert_eq!(nets, [&json!("159.20"), &json!("9.95")]);
    assert_eq!(invoice["subtotal"], "169.15");
    assert_eq!(invoice["vat_rate"], "20");
    assert_eq!(invoice["vat"], "33.83");
    assert_eq!(invoice["total"], "202.98");
    crate::disputes::check_invoice(&mut manager, invoice_id).await;
    let reply = manager
        .post_json(
            &format!("/api/console/invoices/{invoice_id}/payments"),
            &payment(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let licences = manager.get("/api/console/licences").await.json();
    assert_eq!(licences[0]["status"], "ended");
    let subject = format!("licence:{licence}");
    assert_eq!(
        logged(&app, "licence.terminate_for_fault", &subject).await,
        1
    );

    let reply = other
        .post_json(
            "/api/session",
            &json!({"email": "zoe@zebra.fr", "password": form.password}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        other.get("/api/console/terminations").await.json(),
        json!([])
    );
}

async fn fault_termination_is_refused_without_a_reason_twice_or_without_an_operator(
    backend: Backend,
) {
    let app = admin_app_on(backend, "2026-11-15").await;
    let (_, licence) = company_with_annual_licence(&app).await;
    let reason = json!({"ground": "licence_right_breach", "reason": "Breach of the licence."});

    let reply = terminate(&app, licence, &reason, "wrong").await;
    assert_api_error(
        &reply,
        StatusCode::FORBIDDEN,
        "operator_sign_in_needed",
        None,
    );
    let reply = terminate(
        &app,
        licence,
        &json!({"ground": "insolvency", "reason": "  "}),
        ADMIN_TOKEN,
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "required",
        Some("reason"),
    );
    let reply = terminate(&app, 987_654_321, &reason, ADMIN_TOKEN).await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
    assert_eq!(app.count("licence_terminations").await, 0);

    let reply = terminate(&app, licence, &reason, ADMIN_TOKEN).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let reply = terminate(&app, licence, &reason, ADMIN_TOKEN).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "already_terminated", None);
    assert_eq!(app.count("licence_terminations").await, 1);
}

/// Ordered on 15 Nov 2026 for a year (199.00 less the 5 % annual discount), renewed on 15 Nov
/// 2027 at 199.00 (RENEW-2: no discount), terminated that day: the period in force is the new
/// one, all 12 of its months remain (from the termination day), and the discount reimbursed is
/// the one deducted on the Order's invoice, since the Contract began: 238.80 + 9.95.
async fn fault_termination_on_a_renewal_day_counts_the_whole_new_period_and_every_discount(
    backend: Backend,
) {
    let app = admin_app_on(backend, "2026-11-15").await;
    let (_, licence) = company_with_annual_licence(&app).await;
    pass_days(&app, 365).await;
    assert_eq!(app.state.clock.today(), date("2027-11-15"));
    let reply = terminate(
        &app,
        licence,
        &json!({"ground": "confidentiality_breach", "reason": "Breach of confidentiality."}),
        ADMIN_TOKEN,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let recorded = reply.json();
    let due = &recorded["amount_due"];
    assert_eq!(due["remaining_instalments"], 12);
    assert_eq!(due["monthly_instalment"], "16.58");
    assert_eq!(due["accelerated_instalments"], "238.80");
    assert_eq!(due["discounts_reimbursed"], "9.95");
    assert_eq!(due["total"], "248.75");
    let mut manager = log_in(&app, &signup_form()).await;
    let kinds: Vec<Value> = invoices(&mut manager)
        .await
        .iter()
        .map(|listed| listed["kind"].clone())
        .collect();
    assert_eq!(
        kinds,
        [json!("termination"), json!("renewal"), json!("order")]
    );
    let id = recorded["invoice_id"].as_i64().unwrap();
    assert_eq!(invoice(&mut manager, id).await["subtotal"], "248.75");
    crate::disputes::check_invoice(&mut manager, id).await;
}

/// The newest email to `recipient`: its subject and body, as the outbox holds them.
async fn last_email(app: &TestApp, recipient: &str) -> (String, String) {
    sqlx::query_as("SELECT subject, body FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1")
        .bind(recipient)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("an email")
}

/// TERM-2 and LATE-4: an unpaid invoice ends the Licence only once its formal notice to pay has
/// run its 8 days; a ground of GTCS 6.2.2 (ii) once its own notice naming the breach has; the
/// grounds of 6.2.2 (i) at once (the other tests). Each notice and the termination are emailed
/// to the Managers and shown to the operator on the Company's page, with the operator as author.
async fn fault_termination_waits_for_its_grounds_notice_and_the_managers_are_told(
    backend: Backend,
) {
    let app = admin_app_on(backend, "2026-11-15").await;
    let (mut manager, licence) = company_with_annual_licence(&app).await;
    let manager_email = signup_form().email;
    let unpaid = json!({"ground": "unpaid", "reason": "Invoice 2026-000001 is unpaid."});
    let reply = terminate(&app, licence, &unpaid, ADMIN_TOKEN).await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "fault_termination_refused",
        None,
    );

    // Overdue the next day (nothing collects it here); the formal notice gives 8 days.
    pass_days(&app, 1).await;
    let order_invoice = invoices(&mut manager).await[0]["id"].as_i64().unwrap();
    let path = format!("/api/admin/invoices/{order_invoice}/formal-notice");
    let reply = admin(&app, Method::POST, &path, None, ADMIN_TOKEN).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    pass_days(&app, 8).await;
    assert_eq!(app.state.clock.today(), date("2026-11-24"));
    let reply = terminate(&app, licence, &unpaid, ADMIN_TOKEN).await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "fault_termination_refused",
        None,
    );
    assert!(reply.text().contains("2026-11-24"), "{}", reply.text());

    // A ground of 6.2.2 (ii) needs its own notice: not one of (i), and from billing.
    let abuse = json!({"ground": "policy_abuse", "reason": "Trials opened again and again."});
    let reply = terminate(&app, licence, &abuse, ADMIN_TOKEN).await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "fault_termination_refused",
        None,
    );
    let company = crate::support::rows::company_of(&app.state.db, &manager_email)
        .await
        .0;
    let notices = format!("/api/admin/companies/{company}/fault-notices");
    let reply = admin_post(
        &app,
        &notices,
        json!({"ground": "insolvency", "reason": "Receivership."}),
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "fault_ground_takes_no_notice",
        Some("ground"),
    );
    let support = app.operator_cookie(OperatorRole::Support).await;
    let token = support.trim_start_matches("backoffice_session=");
    let reply = admin(&app, Method::POST, &notices, Some(abuse.clone()), token).await;
    assert_api_error(
        &reply,
        StatusCode::FORBIDDEN,
        "operator_role_forbidden",
        None,
    );
    let reply = admin_post(&app, &notices, abuse.clone()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["deadline"], "2026-12-02");
    let (subject, body) = last_email(&app, &manager_email).await;
    assert_eq!(subject, "Notice of a breach of the Contract");
    assert!(
        body.contains("Undue advantage taken of a policy, or its misuse")
            && body.contains("Trials opened again and again.")
            && body.contains("remedied by 2026-12-02"),
        "{body}"
    );

    // The next day the formal notice has run: the Licence ends on the unpaid ground.
    pass_days(&app, 1).await;
    let reply = terminate(&app, licence, &unpaid, ADMIN_TOKEN).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["ground"], "unpaid");
    let (subject, body) = last_email(&app, &manager_email).await;
    assert_eq!(subject, format!("Licence {licence} terminated for fault"));
    assert!(
        body.contains("An invoice unpaid 8 days after a formal notice to pay")
            && body.contains("Invoice 2026-000001 is unpaid.")
            && body.contains("billed on invoice 2026-000003"),
        "{body}"
    );

    // The Company's page in the back office: the Licence ended, the notice, the termination,
    // and the proof log naming the operator.
    let reply = admin(
        &app,
        Method::GET,
        &format!("/api/admin/companies/{company}"),
        None,
        ADMIN_TOKEN,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let detail = reply.json();
    assert_eq!(detail["company"]["id"], company);
    assert_eq!(detail["licences"][0]["status"], "ended");
    assert_eq!(detail["fault_notices"][0]["ground"], "policy_abuse");
    assert_eq!(detail["unpaid_notice_sent_on"], "2026-11-16");
    assert_eq!(detail["today"], "2026-11-25");
    assert_eq!(detail["terminations"][0]["ground"], "unpaid");
    assert_eq!(detail["invoices"].as_array().unwrap().len(), 3, "{detail}");
    let newest = &detail["activity"]["entries"][0];
    assert_eq!(newest["action"], "licence.terminate_for_fault");
    assert!(
        newest["author"]
            .as_str()
            .is_some_and(|author| author.starts_with("The provider (")),
        "{newest}"
    );
    let reply = manager
        .get(&format!("/api/admin/companies/{company}"))
        .await;
    assert_api_error(
        &reply,
        StatusCode::FORBIDDEN,
        "operator_sign_in_needed",
        None,
    );
}

/// NOTICE-2 (GTCS 6.2.1): an administrator ends a yearly Licence without reason, a month or more
/// before its period ends: its last day of service is that period's last; it runs until then,
/// the Managers are emailed and the console says whose termination it is. Billing operators may
/// not; a Licence ends once.
async fn the_provider_ends_a_licence_without_reason_at_the_end_of_a_period(backend: Backend) {
    let app = admin_app_on(backend, "2026-11-15").await;
    let (_, licence) = company_with_annual_licence(&app).await;
    app.state.clock.advance_days(97);
    let path = format!("/api/admin/licences/{licence}/provider-termination");
    let billing = app.operator_cookie(OperatorRole::Billing).await;
    let token = billing.trim_start_matches("backoffice_session=");
    let reply = admin(&app, Method::POST, &path, None, token).await;
    assert_api_error(
        &reply,
        StatusCode::FORBIDDEN,
        "operator_role_forbidden",
        None,
    );
    let reply = admin(&app, Method::POST, &path, None, ADMIN_TOKEN).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let receipt = reply.json();
    assert_eq!(receipt["received_on"], "2027-02-20");
    assert_eq!(receipt["on_time"], true);
    assert_eq!(receipt["service_last_day"], "2027-11-14");
    let reply = admin(&app, Method::POST, &path, None, ADMIN_TOKEN).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "already_terminated", None);

    let (subject, body) = last_email(&app, &signup_form().email).await;
    assert_eq!(
        subject,
        format!("Licence {licence} terminated by the provider")
    );
    assert!(
        body.contains("Its last day of service is 2027-11-14"),
        "{body}"
    );
    // Signed in again: sessions end after a week unused.
    let mut manager = log_in(&app, &signup_form()).await;
    let listed = manager.get("/api/console/licences").await.json();
    assert_eq!(listed[0]["status"], "active");
    assert_eq!(listed[0]["notice"]["by_provider"], true);
    assert_eq!(listed[0]["notice"]["service_last_day"], "2027-11-14");
    let reply = manager
        .post_json(
            &format!("/api/console/licences/{licence}/notice"),
            &json!({}),
        )
        .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "notice_already_given", None);
    assert_eq!(
        logged(
            &app,
            "licence.provider_termination",
            &format!("licence:{licence}")
        )
        .await,
        1
    );

    // The day after its last day of service it has ended, and no renewal was invoiced (the
    // Contract is over with it: the Managers can no longer sign in, TERM-3).
    pass_days(&app, 268).await;
    assert_eq!(app.state.clock.today(), date("2027-11-15"));
    let (status, invoices): (String, i64) = sqlx::query_as(
        "SELECT l.status, (SELECT COUNT(*) FROM invoices i WHERE i.company_id = l.company_id)
         FROM licences l WHERE l.id = $1",
    )
    .bind(licence)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!((status.as_str(), invoices), ("ended", 1));
}
