//! Issue 14, point 1: the provider's operators, on SQLite and PostgreSQL. Added by the server
//! command (`services::operators::add`, what `server operator add` runs), they set their
//! password and authenticator app through their one-time link; they sign in with both (each
//! code once), on a session of their own that no Company User's cookie opens; what they do is
//! in the Company's proof log with them as its author, and the log still verifies.

use axum::http::{Method, StatusCode};
use protocol::backoffice::OperatorRole;
use serde_json::json;

use crate::support::authenticator::{code, wrong};
use crate::support::*;

on_both_databases!(
    an_operator_sets_up_their_access_through_the_link_and_signs_in_with_a_code,
    an_operators_action_is_in_the_proof_log_under_their_name,
    the_queues_list_overdue_invoices_and_open_disputes_oldest_first,
    administrators_add_operators_and_any_operator_finds_companies_and_checks_the_proof,
    the_liability_cap_is_what_the_company_paid_in_the_six_months_before_the_loss,
);

/// The operator session cookie a sign-in reply sets (`backoffice_session=…`).
fn operator_cookie(reply: &Reply) -> String {
    let set = reply.header("set-cookie").expect("a cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    set.split(';').next().unwrap().to_owned()
}

async fn with_cookie(client: &mut Client, method: Method, path: &str, cookie: &str) -> Reply {
    client
        .send(
            method,
            path,
            &[("cookie", cookie)],
            axum::body::Body::empty(),
        )
        .await
}

async fn an_operator_sets_up_their_access_through_the_link_and_signs_in_with_a_code(
    backend: Backend,
) {
    let app = app_on(backend, "2026-12-07").await;
    let link = server::services::operators::add(
        &app.state.db,
        "Jeanne@Provider.example",
        OperatorRole::Billing,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert!(link.starts_with("/backoffice/setup/"), "{link}");
    let token = link.trim_start_matches("/backoffice/setup/");
    // The same email again is refused.
    assert!(
        server::services::operators::add(
            &app.state.db,
            "jeanne@provider.example",
            OperatorRole::Support,
            chrono::Utc::now(),
        )
        .await
        .is_err()
    );

    let mut visitor = app.client();
    let setup_path = format!("/api/backoffice/setup/{token}");
    let setup = visitor.get(&setup_path).await;
    assert_eq!(setup.status, StatusCode::OK, "{}", setup.text());
    let setup = setup.json();
    assert_eq!(setup["email"], "jeanne@provider.example");
    assert_eq!(setup["role"], "billing");
    assert!(
        setup["qr_code"]
            .as_str()
            .unwrap()
            .starts_with("data:image/svg+xml;base64,")
    );
    let secret = setup["secret"].as_str().unwrap().to_owned();
    // A password too short, or a code that is not the app's: nothing is set.
    let reply = visitor
        .post_json(
            &setup_path,
            &json!({"password": "short", "code": code(&secret, 0)}),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_short",
        Some("password"),
    );
    let password = "a long operator password";
    let reply = visitor
        .post_json(
            &setup_path,
            &json!({"password": password, "code": wrong(&code(&secret, 0))}),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("code"),
    );
    let first = code(&secret, 0);
    let reply = visitor
        .post_json(&setup_path, &json!({"password": password, "code": first}))
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());
    // The link works once.
    let reply = visitor.get(&setup_path).await;
    assert_api_error(
        &reply,
        StatusCode::NOT_FOUND,
        "operator_setup_link_invalid",
        None,
    );

    // Sign-in: a wrong password, the code already used, then the next code.
    let sign_in = |password: &str, code: &str| json!({"email": "JEANNE@provider.example", "password": password, "code": code});
    let reply = visitor
        .post_json(
            "/api/backoffice/session",
            &sign_in("not the password", &code(&secret, 1)),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNAUTHORIZED,
        "operator_sign_in_refused",
        None,
    );
    let reply = visitor
        .post_json("/api/backoffice/session", &sign_in(password, &first))
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNAUTHORIZED,
        "operator_sign_in_refused",
        None,
    );
    let reply = visitor
        .post_json(
            "/api/backoffice/session",
            &sign_in(password, &code(&secret, 1)),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["role"], "billing");
    let cookie = operator_cookie(&reply);
    let me = with_cookie(
        &mut visitor,
        Method::GET,
        "/api/backoffice/session",
        &cookie,
    )
    .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    assert_eq!(me.json()["email"], "jeanne@provider.example");

    // A Company's Manager is no operator.
    let (mut manager, _) = app.signed_up(&signup_form()).await;
    let reply = manager.get("/api/backoffice/session").await;
    assert_api_error(
        &reply,
        StatusCode::FORBIDDEN,
        "operator_sign_in_needed",
        None,
    );

    // Signed out, the session no longer opens anything.
    let reply = with_cookie(
        &mut visitor,
        Method::DELETE,
        "/api/backoffice/session",
        &cookie,
    )
    .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let reply = with_cookie(
        &mut visitor,
        Method::GET,
        "/api/backoffice/session",
        &cookie,
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::FORBIDDEN,
        "operator_sign_in_needed",
        None,
    );
}

async fn an_operators_action_is_in_the_proof_log_under_their_name(backend: Backend) {
    let app = app_on(backend, "2026-12-07").await;
    let mut manager = ready_company(&app, &signup_form()).await;
    let user = manager.get("/api/me").await.json()["user"]["id"]
        .as_i64()
        .unwrap();
    let reply = admin(
        &app,
        Method::POST,
        &format!("/api/admin/users/{user}/suspension"),
        Some(json!({"reason": "suspected_fraud_or_abuse", "details": "Unusual traffic"})),
        ADMIN_TOKEN,
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    // The Manager is suspended now; the log is read in the store as the Managers' page does.
    let company_id: i64 = sqlx::query_scalar("SELECT company_id FROM users WHERE id = $1")
        .bind(user)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let page = server::store::activity::page(&app.state.db, company_id, None, 50)
        .await
        .unwrap();
    let (entry, author) = page
        .iter()
        .find(|(entry, _)| entry.action.starts_with("user.suspen"))
        .expect("the suspension in the log");
    assert_eq!(
        author,
        &server::store::activity::Author::Operator("administrator@provider.example".into())
    );
    assert_eq!(entry.actor_user_id, None);
    assert_eq!(entry.hash_version, 3);
    let verdict = server::store::audit::verify(&app.state.db, &app.state.proof_key.public())
        .await
        .unwrap();
    assert!(verdict.is_intact(), "{verdict}");
    // The author is part of what the entry's hash covers.
    let unsigned = server::store::audit::Entry {
        actor_operator_id: None,
        ..entry.clone()
    };
    assert_eq!(entry.expected_hash().as_ref(), Some(&entry.hash));
    assert_ne!(unsigned.expected_hash().as_ref(), Some(&entry.hash));
}

/// Point 2: the queues of what waits for the provider. An overdue invoice with its days late,
/// penalty so far and formal notice once sent; an open dispute until it is decided. Any
/// operator reads them; a support operator may not decide; a Manager reads nothing there.
async fn the_queues_list_overdue_invoices_and_open_disputes_oldest_first(backend: Backend) {
    let app = app_on(backend, "2026-03-10").await;
    let mut manager = ready_company(&app, &signup_form()).await;
    an_order("ESSENTIAL").place(&mut manager).await;
    let invoice_id = invoices(&mut manager).await[0]["id"].as_i64().unwrap();
    let billing = app.operator_cookie(OperatorRole::Billing).await;
    let support = app.operator_cookie(OperatorRole::Support).await;
    let mut client = app.client();
    let reader = app.client();
    let queue = |cookie: String, path: &'static str| {
        let mut client = reader.clone();
        async move { with_cookie(&mut client, Method::GET, path, &cookie).await }
    };
    let overdue = "/api/admin/queues/overdue";
    let disputes = "/api/admin/queues/disputes";
    assert_eq!(queue(billing.clone(), overdue).await.json(), json!([]));

    // Nothing collects it here: overdue the day after its due date, 5 days late on 15 March.
    pass_days(&app, 5).await;
    let reply = queue(support.clone(), overdue).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let listed = reply.json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["invoice_id"], invoice_id);
    assert_eq!(listed[0]["company_name"], signup_form().legal_name);
    assert_eq!(listed[0]["late"]["days_late"], 5);
    assert!(listed[0]["late"]["penalty"].is_string(), "{listed}");
    assert!(listed[0]["formal_notice"].is_null());
    let path = format!("/api/admin/invoices/{invoice_id}/formal-notice");
    let reply = with_cookie(&mut client, Method::POST, &path, &billing).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let listed = queue(billing.clone(), overdue).await.json();
    assert_eq!(listed[0]["formal_notice"]["deadline"], "2026-03-23");

    // A dispute waits until a billing operator decides it.
    let reply = manager
        .post_json(
            &format!("/api/console/invoices/{invoice_id}/disputes"),
            &json!({"justification": "The Number did not ring for a week."}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let listed = queue(support.clone(), disputes).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(
        listed[0]["justification"],
        "The Number did not ring for a week."
    );
    let decision = format!(
        "/api/admin/disputes/{}/decision",
        listed[0]["dispute_id"].as_i64().unwrap()
    );
    let refuse = json!({"accept": false, "reason": "The Number rang: see the call log."});
    let body = axum::body::Body::from(refuse.to_string());
    let headers = [
        ("cookie", support.as_str()),
        ("content-type", "application/json"),
    ];
    let reply = client.send(Method::POST, &decision, &headers, body).await;
    assert_api_error(
        &reply,
        StatusCode::FORBIDDEN,
        "operator_role_forbidden",
        None,
    );
    let body = axum::body::Body::from(refuse.to_string());
    let headers = [
        ("cookie", billing.as_str()),
        ("content-type", "application/json"),
    ];
    let reply = client.send(Method::POST, &decision, &headers, body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(queue(billing.clone(), disputes).await.json(), json!([]));

    // A Manager reads no queue.
    for path in [overdue, disputes] {
        let reply = manager.get(path).await;
        assert_api_error(
            &reply,
            StatusCode::FORBIDDEN,
            "operator_sign_in_needed",
            None,
        );
    }
}

/// Points 1, 2 and 7: an administrator adds an operator from the back office (a billing one may
/// not); any operator searches the Companies and checks every proof log.
async fn administrators_add_operators_and_any_operator_finds_companies_and_checks_the_proof(
    backend: Backend,
) {
    let app = app_on(backend, "2026-03-10").await;
    let mut manager = ready_company(&app, &signup_form()).await;
    an_order("ESSENTIAL").place(&mut manager).await;
    app.signed_up(&zebra()).await;
    let administrator = app.operator_cookie(OperatorRole::Administrator).await;
    let billing = app.operator_cookie(OperatorRole::Billing).await;
    let mut client = app.client();
    let poster = app.client();
    let post = |cookie: &str, body: serde_json::Value| {
        let mut client = poster.clone();
        let cookie = cookie.to_owned();
        async move {
            let headers = [
                ("cookie", cookie.as_str()),
                ("content-type", "application/json"),
            ];
            client
                .send(
                    Method::POST,
                    "/api/admin/operators",
                    &headers,
                    axum::body::Body::from(body.to_string()),
                )
                .await
        }
    };
    let new = json!({"email": "paul@provider.example", "role": "support"});
    let reply = post(&billing, new.clone()).await;
    assert_api_error(
        &reply,
        StatusCode::FORBIDDEN,
        "operator_role_forbidden",
        None,
    );
    let reply = post(
        &administrator,
        json!({"email": "not an email", "role": "support"}),
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("email"),
    );
    let reply = post(&administrator, new.clone()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let link = reply.json()["setup_link"].as_str().unwrap().to_owned();
    let setup = client.get(&format!("/api{link}")).await;
    assert_eq!(setup.json()["email"], "paul@provider.example");
    let reply = post(&administrator, new).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("email"),
    );
    let listed = with_cookie(
        &mut client,
        Method::GET,
        "/api/admin/operators",
        &administrator,
    )
    .await
    .json();
    let paul = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|operator| operator["email"] == "paul@provider.example")
        .expect("Paul listed");
    assert_eq!(
        (paul["role"].as_str(), paul["set_up"].as_bool()),
        (Some("support"), Some(false))
    );

    // The Companies: all, or those whose name or number holds the search.
    let all = with_cookie(&mut client, Method::GET, "/api/admin/companies", &billing)
        .await
        .json();
    assert_eq!(all.as_array().unwrap().len(), 2, "{all}");
    let found = with_cookie(
        &mut client,
        Method::GET,
        "/api/admin/companies?q=zEbRa",
        &billing,
    )
    .await
    .json();
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["legal_name"], zebra().legal_name);
    let ours = with_cookie(
        &mut client,
        Method::GET,
        &format!(
            "/api/admin/companies?q={}",
            signup_form().legal_name.replace(' ', "%20")
        ),
        &billing,
    )
    .await
    .json();
    assert_eq!(ours[0]["licences_in_force"], 1, "{ours}");
    assert_eq!(ours[0]["overdue"], "0.00");
    assert_eq!(ours[0]["status"], "active");
    assert_eq!(ours[0]["promotions_opt_out"], false);
    // A Company that never ordered has no Licence yet.
    assert_eq!(found[0]["status"], "no_licence_yet", "{found}");

    // The proof logs hold.
    let report = with_cookie(&mut client, Method::GET, "/api/admin/proof", &billing)
        .await
        .json();
    assert_eq!(report["intact"], true, "{report}");
    // A Manager reaches none of it.
    for path in [
        "/api/admin/companies",
        "/api/admin/operators",
        "/api/admin/proof",
    ] {
        let reply = manager.get(path).await;
        assert_api_error(
            &reply,
            StatusCode::FORBIDDEN,
            "operator_sign_in_needed",
            None,
        );
    }
}

/// Point 6 (LIAB-1): the cap for a loss on a day is what the Company paid from 6 months before
/// that day to the day before it.
async fn the_liability_cap_is_what_the_company_paid_in_the_six_months_before_the_loss(
    backend: Backend,
) {
    let app = app_on(backend, "2026-03-10").await;
    let mut manager = ready_company(&app, &signup_form()).await;
    an_order("ESSENTIAL").place(&mut manager).await;
    collect(&app).await;
    let paid = invoices(&mut manager).await[0].clone();
    assert_eq!(paid["status"], "paid", "{paid}");
    let company_id: i64 = sqlx::query_scalar("SELECT company_id FROM invoices WHERE id = $1")
        .bind(paid["id"].as_i64().unwrap())
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let support = app.operator_cookie(OperatorRole::Support).await;
    let mut client = app.client();
    let path = |on: &str| format!("/api/admin/companies/{company_id}/liability?on={on}");
    for (on, first_day, cap) in [
        ("2026-04-01", "2025-10-01", paid["total"].as_str().unwrap()),
        // The loss day itself is not in the window.
        ("2026-03-10", "2025-09-10", "0.00"),
        // Six months after the payment, to the day: still in; a day later: out.
        ("2026-09-10", "2026-03-10", paid["total"].as_str().unwrap()),
        ("2026-09-11", "2026-03-11", "0.00"),
    ] {
        let reply = with_cookie(&mut client, Method::GET, &path(on), &support).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        let answer = reply.json();
        assert_eq!(answer["window_first_day"], first_day, "loss on {on}");
        assert_eq!(answer["cap"], cap, "loss on {on}");
    }
    let reply = with_cookie(&mut client, Method::GET, &path("soon"), &support).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("on"),
    );
    let reply = with_cookie(
        &mut client,
        Method::GET,
        "/api/admin/companies/987654321/liability?on=2026-04-01",
        &support,
    )
    .await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
    let reply = manager.get(&path("2026-04-01")).await;
    assert_api_error(
        &reply,
        StatusCode::FORBIDDEN,
        "operator_sign_in_needed",
        None,
    );
}
