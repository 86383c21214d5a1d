//! Data rights and retention (issue 15, DATA-1, TERM-3), on SQLite and PostgreSQL: a person's
//! requests are due one month after receipt and answered by another Manager; a person corrects
//! their profile where the Company allows it; an erasure keeps the correspondents' copies under a
//! pseudonym and leaves no trace of the person anywhere but in invoices; traffic data goes after
//! a year; after the Contract ends the accounts are blocked, then erased three months later.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::{
    ADMIN_TOKEN, Backend, Client, Employees, TestApp, admin, app_on, assert_api_error, count_where,
    logged, pass_days, refused_to_role, signup_form,
};
use protocol::backoffice::OperatorRole;

on_both_databases!(
    requests_are_due_within_a_month_and_answered_by_another_manager,
    people_correct_their_profile_where_the_company_allows_it,
    an_erasure_keeps_the_correspondents_copies_under_a_pseudonym_and_nothing_else,
    traffic_data_is_deleted_after_a_year,
    after_the_contract_ends_accounts_are_blocked_then_erased,
);

const TODAY: &str = "2026-12-07";

async fn open_request(client: &mut Client, kind: &str, details: &str) -> crate::support::Reply {
    client
        .post_json(
            "/api/me/data-requests",
            &json!({"kind": kind, "details": details}),
        )
        .await
}

async fn answer(client: &mut Client, id: i64, decision: &str, text: &str) -> crate::support::Reply {
    client
        .post_json(
            &format!("/api/console/data-requests/{id}/answer"),
            &json!({"decision": decision, "answer": text}),
        )
        .await
}

async fn requests_are_due_within_a_month_and_answered_by_another_manager(backend: Backend) {
    let app = app_on(backend, TODAY).await;
    let Employees {
        mut manager,
        mut alice,
        ..
    } = app.employees("BUSINESS").await;

    // An objection says what it objects to; an erasure speaks for itself.
    assert_api_error(
        &open_request(&mut alice, "objection", "  ").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "required",
        Some("details"),
    );
    let request = open_request(&mut alice, "objection", "No marketing use of my call logs.")
        .await
        .expect_json(StatusCode::CREATED);
    assert_eq!(request["received_on"], TODAY);
    assert_eq!(request["due_on"], "2027-01-07");
    assert_eq!(request["status"], "open");
    assert_eq!(request["person"], "Alice Martin");
    let id = request["id"].as_i64().unwrap();
    assert_api_error(
        &open_request(&mut alice, "objection", "Again.").await,
        StatusCode::CONFLICT,
        "data_request_already_open",
        Some("kind"),
    );
    // The Managers are told; an employee does not reach the Company's list or the answers.
    assert_eq!(
        count_where(
            &app,
            "SELECT COUNT(*) FROM outbox WHERE recipient = 'anne@martin.fr' AND subject LIKE '%data-rights%'"
        )
        .await,
        1
    );
    assert_eq!(
        alice.get("/api/console/data-requests").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        answer(&mut alice, id, "granted", "").await.status,
        StatusCode::FORBIDDEN
    );
    let listed = manager
        .get("/api/console/data-requests")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(listed[0]["id"], id);

    // A refusal gives its reason; the answer stands once given.
    assert_api_error(
        &answer(&mut manager, id, "refused", " ").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "required",
        Some("answer"),
    );
    let answered = answer(
        &mut manager,
        id,
        "refused",
        "Call logs are never used for marketing.",
    )
    .await
    .expect_json(StatusCode::OK);
    assert_eq!(answered["status"], "refused");
    assert_eq!(answered["answered_on"], TODAY);
    assert_eq!(answered["answered_by"], "Anne Martin");
    assert_api_error(
        &answer(&mut manager, id, "granted", "").await,
        StatusCode::CONFLICT,
        "data_request_already_answered",
        None,
    );
    let own = alice
        .get("/api/me/data-requests")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(own[0]["answer"], "Call logs are never used for marketing.");
    assert_eq!(
        count_where(
            &app,
            "SELECT COUNT(*) FROM outbox WHERE recipient = 'alice@martin.fr' AND body LIKE '%refused%'"
        )
        .await,
        1
    );
    assert_eq!(
        logged(&app, "data_request.open", &format!("data_request:{id}")).await,
        1
    );
    assert_eq!(
        logged(&app, "data_request.answer", &format!("data_request:{id}")).await,
        1
    );

    // A Manager's own request goes to another Manager; the last one cannot be erased.
    let mine = open_request(&mut manager, "erasure", "")
        .await
        .expect_json(StatusCode::CREATED);
    let mine = mine["id"].as_i64().unwrap();
    assert_api_error(
        &answer(&mut manager, mine, "granted", "").await,
        StatusCode::FORBIDDEN,
        "own_data_request",
        None,
    );
    // Another company's Manager does not see it.
    let mut other = app.signed_up(&crate::support::fixtures::company(2)).await.0;
    assert_eq!(
        answer(&mut other, mine, "granted", "").await.status,
        StatusCode::NOT_FOUND
    );
    let listed = other
        .get("/api/console/data-requests")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(listed, json!([]));

    // No other Manager may answer it: the provider's queue says so, and its support answers
    // (billing may not); the last Manager is not erased even so.
    let queue = admin(
        &app,
        Method::GET,
        "/api/admin/queues/data-requests",
        None,
        ADMIN_TOKEN,
    )
    .await
    .expect_json(StatusCode::OK);
    assert_eq!(queue.as_array().unwrap().len(), 1, "{queue}");
    assert_eq!(queue[0]["request"]["id"], mine);
    assert_eq!(queue[0]["request"]["due_on"], "2027-01-07");
    assert_eq!(queue[0]["managers_who_may_answer"], 0);
    assert_eq!(queue[0]["overdue"], false);
    let provider_answer = format!("/api/admin/data-requests/{mine}/answer");
    let granted = json!({"decision": "granted", "answer": ""});
    refused_to_role(
        &app,
        OperatorRole::Billing,
        Method::POST,
        &provider_answer,
        Some(granted.clone()),
    )
    .await;
    let support = app.operator_cookie(OperatorRole::Support).await;
    let support = support.trim_start_matches("backoffice_session=");
    let reply = admin(&app, Method::POST, &provider_answer, Some(granted), support).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "last_manager", None);
    let refused = json!({"decision": "refused", "answer": "You are the Company's last Manager: name another first."});
    let answered = admin(&app, Method::POST, &provider_answer, Some(refused), support)
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(answered["status"], "refused");
    assert_eq!(answered["answered_by"], "The provider's support");
    assert_eq!(
        count_where(
            &app,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'data_request.answer' \
                 AND subject = 'data_request:{mine}' AND actor_operator_id IS NOT NULL"
            )
        )
        .await,
        1
    );
    let queue = admin(
        &app,
        Method::GET,
        "/api/admin/queues/data-requests",
        None,
        ADMIN_TOKEN,
    )
    .await
    .expect_json(StatusCode::OK);
    assert_eq!(queue, json!([]));
}

async fn people_correct_their_profile_where_the_company_allows_it(backend: Backend) {
    let app = app_on(backend, TODAY).await;
    let Employees {
        mut manager,
        mut alice,
        alice_id,
        ..
    } = app.employees("BUSINESS").await;
    let profile = alice
        .get("/api/me/profile")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(profile["first_name"], "Alice");
    assert_eq!(profile["may_correct"], false);
    let corrected =
        json!({"first_name": "Alicia", "last_name": "Martin", "mobile": "+33 6 50 00 00 09"});
    assert_api_error(
        &alice.put_json("/api/me/profile", &corrected).await,
        StatusCode::FORBIDDEN,
        "profile_correction_not_allowed",
        None,
    );
    let company = manager
        .put_json(
            "/api/console/company/profile-corrections",
            &json!({"allowed": true}),
        )
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(company["users_correct_profile"], true);
    assert_eq!(
        alice
            .put_json(
                "/api/console/company/profile-corrections",
                &json!({"allowed": false})
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // ACCESS-3 still holds.
    assert_api_error(
        &alice
            .put_json(
                "/api/me/profile",
                &json!({"first_name": "Alicia", "last_name": "Martin", "mobile": "06"}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("mobile"),
    );
    let saved = alice
        .put_json("/api/me/profile", &corrected)
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(saved["mobile"], "+33650000009");
    let user = manager
        .get(&format!("/api/console/users/{alice_id}"))
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(user["user"]["first_name"], "Alicia");
    assert_eq!(user["user"]["mobile"], "+33650000009");
    assert_eq!(
        logged(&app, "user.correct_profile", &format!("user:{alice_id}")).await,
        1
    );
}

/// Every (table, column) of text in the database.
async fn text_columns(app: &TestApp) -> Vec<(String, String)> {
    let sql = match app.state.db.backend {
        Backend::Sqlite => {
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'
               AND UPPER(p.type) IN ('TEXT', 'BLOB')"
        }
        Backend::Postgres => {
            "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'
               AND data_type = 'text'"
        }
    };
    sqlx::query_as(sql)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
}

/// The places (table.column) where `needle` is stored, outside the invoices.
async fn traces(app: &TestApp, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (table, column) in text_columns(app).await {
        if table.starts_with("invoice") {
            continue;
        }
        let cast = match app.state.db.backend {
            Backend::Sqlite => format!("CAST({column} AS TEXT)"),
            Backend::Postgres => column.clone(),
        };
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {table} WHERE {cast} LIKE $1"
        )))
        .bind(format!("%{needle}%"))
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        if count > 0 {
            found.push(format!("{table}.{column}"));
        }
    }
    found
}

async fn upload_voicemail(client: &mut Client, call_id: i64) {
    let reply = client
        .send(
            Method::POST,
            &format!("/api/app/calls/{call_id}/voicemail?seconds=3"),
            &[("content-type", "audio/webm")],
            Body::from(b"\x1aE\xdf\xa3 a recording".to_vec()),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
}

async fn place_call(client: &mut Client, number_id: i64, to: &str) -> i64 {
    client
        .post_json(
            &format!("/api/app/numbers/{number_id}/calls"),
            &json!({"to": to}),
        )
        .await
        .expect_json(StatusCode::CREATED)["id"]
        .as_i64()
        .unwrap()
}

async fn hang_up(client: &mut Client, call_id: i64) {
    let reply = client
        .send(
            Method::POST,
            &format!("/api/app/calls/{call_id}/hangup"),
            &[],
            Body::empty(),
        )
        .await;
    assert!(reply.status.is_success(), "{}", reply.text());
}

async fn send_message(client: &mut Client, number: &(i64, String), to: &str, body: &str) {
    client
        .post_json(
            &format!("/api/app/numbers/{}/messages", number.0),
            &json!({"to": to, "body": body}),
        )
        .await
        .expect_json(StatusCode::CREATED);
}

async fn an_erasure_keeps_the_correspondents_copies_under_a_pseudonym_and_nothing_else(
    backend: Backend,
) {
    let app = app_on(backend, TODAY).await;
    let Employees {
        mut manager,
        mut alice,
        alice_id,
        alice_number,
        mut bob,
        bob_number,
        ..
    } = app.employees("BUSINESS").await;
    // Alice's name changes once (the proof log remembers both).
    manager
        .put_json(
            "/api/console/company/profile-corrections",
            &json!({"allowed": true}),
        )
        .await
        .expect_json(StatusCode::OK);
    alice
        .put_json(
            "/api/me/profile",
            &json!({"first_name": "Zoé", "last_name": "Erasable", "mobile": "+33 6 99 88 77 66"}),
        )
        .await
        .expect_json(StatusCode::OK);
    // A conversation both ways, a call each way hung up before it was answered, each with a
    // voicemail, and a call to an outside number only Alice was party to.
    send_message(&mut alice, &alice_number, &bob_number.1, "Lunch at noon?").await;
    send_message(&mut bob, &bob_number, &alice_number.1, "Yes, see you there").await;
    let to_bob = place_call(&mut alice, alice_number.0, &bob_number.1).await;
    hang_up(&mut alice, to_bob).await;
    upload_voicemail(&mut alice, to_bob).await;
    let to_alice = place_call(&mut bob, bob_number.0, &alice_number.1).await;
    hang_up(&mut bob, to_alice).await;
    upload_voicemail(&mut bob, to_alice).await;
    let outside = place_call(&mut alice, alice_number.0, "+33 1 44 55 66 77").await;
    hang_up(&mut alice, outside).await;

    // She asks for the erasure; Anne, the Manager, grants it.
    let request = open_request(&mut alice, "erasure", "")
        .await
        .expect_json(StatusCode::CREATED);
    let id = request["id"].as_i64().unwrap();
    let answered = answer(&mut manager, id, "granted", "Done as asked.")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(answered["status"], "granted");
    assert_eq!(answered["person"], format!("Former user #{alice_id}"));

    // She is signed out for good and her Number is free for someone else.
    assert_eq!(alice.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    let numbers = manager.get("/api/console/numbers").await.json();
    let hers = numbers
        .as_array()
        .unwrap()
        .iter()
        .find(|number| number["id"] == alice_number.0)
        .unwrap();
    assert!(hers["user"].is_null(), "{hers}");

    // Bob keeps his side: the conversation, both calls, the voicemail she left him.
    let thread = bob
        .get(&format!(
            "/api/app/numbers/{}/conversations/{}",
            bob_number.0, alice_number.1
        ))
        .await
        .expect_json(StatusCode::OK);
    let bodies: Vec<&str> = thread
        .as_array()
        .unwrap()
        .iter()
        .map(|message| message["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["Lunch at noon?", "Yes, see you there"], "{thread}");
    let calls = bob
        .get(&format!("/api/app/numbers/{}/calls", bob_number.0))
        .await
        .expect_json(StatusCode::OK);
    let calls = calls.as_array().unwrap();
    assert_eq!(calls.len(), 2, "{calls:?}");
    let received = calls.iter().find(|call| call["id"] == to_bob).unwrap();
    assert!(!received["voicemail"].is_null(), "{received}");
    // The Manager's statement of communications names her by the pseudonym.
    let communications = manager
        .get("/api/console/communications")
        .await
        .expect_json(StatusCode::OK)
        .to_string();
    assert!(
        communications.contains(&format!("Former user #{alice_id}")),
        "{communications}"
    );
    // Her own copies are gone: her side of the messages, the voicemail Bob left her, the call
    // to the outside.
    assert_eq!(
        count_where(
            &app,
            &format!("SELECT COUNT(*) FROM messages WHERE user_id = {alice_id}")
        )
        .await,
        0
    );
    assert_eq!(
        count_where(
            &app,
            &format!("SELECT COUNT(*) FROM voicemails WHERE call_id = {to_alice}")
        )
        .await,
        0
    );
    assert_eq!(
        count_where(
            &app,
            &format!("SELECT COUNT(*) FROM calls WHERE id = {outside}")
        )
        .await,
        0
    );
    // No trace of who she was, anywhere but in the invoices.
    for needle in [
        "Zoé",
        "Erasable",
        "Alice",
        "alice@martin.fr",
        "+33699887766",
        "+33650000001",
    ] {
        assert_eq!(traces(&app, needle).await, Vec::<String>::new(), "{needle}");
    }
    assert_eq!(
        logged(&app, "user.erase", &format!("user:{alice_id}")).await,
        1
    );
    // The proof log still verifies, with her entries pseudonymised.
    let verification = app.verify_proof().await;
    assert!(verification.is_intact(), "{verification:?}");
}

async fn traffic_data_is_deleted_after_a_year(backend: Backend) {
    let app = app_on(backend, TODAY).await;
    let Employees {
        mut alice,
        alice_number,
        bob_id,
        bob_number,
        ..
    } = app.employees("BUSINESS").await;
    send_message(&mut alice, &alice_number, &bob_number.1, "Old news").await;
    let call = place_call(&mut alice, alice_number.0, &bob_number.1).await;
    hang_up(&mut alice, call).await;
    // A year to the day: still kept.
    pass_days(&app, 365).await;
    assert_eq!(app.count("messages").await, 2);
    assert_eq!(app.count("calls").await, 1);
    // (Sessions do not last a year: Bob signs in again.)
    let mut bob = app.client_signed_in_as(bob_id).await;
    send_message(&mut bob, &bob_number, &alice_number.1, "Fresh news").await;
    // The day after: gone, and the run says so; the fresh message stays.
    pass_days(&app, 1).await;
    assert_eq!(app.count("calls").await, 0);
    assert_eq!(app.count("messages").await, 2);
    assert_eq!(
        count_where(
            &app,
            "SELECT COUNT(*) FROM messages WHERE body = 'Old news'"
        )
        .await,
        0
    );
    assert_eq!(
        count_where(
            &app,
            "SELECT CAST(COALESCE(SUM(traffic_deleted), 0) AS BIGINT) FROM scheduler_runs"
        )
        .await,
        3
    );
}

async fn after_the_contract_ends_accounts_are_blocked_then_erased(backend: Backend) {
    let app = app_on(backend, TODAY).await;
    let Employees {
        mut manager,
        alice_id,
        ..
    } = app.employees("BUSINESS").await;
    let licences = manager
        .get("/api/console/licences")
        .await
        .expect_json(StatusCode::OK);
    let licence = &licences.as_array().unwrap()[0];
    let receipt = manager
        .post_json(
            &format!("/api/console/licences/{}/notice", licence["id"]),
            &json!({}),
        )
        .await
        .expect_json(StatusCode::OK);
    // A monthly Licence of 7 December, noticed in time: its last day is 6 January.
    assert_eq!(receipt["service_last_day"], "2027-01-06");
    let form = signup_form();
    let log_in = || async {
        app.client()
            .post_json(
                "/api/session",
                &json!({"email": form.email, "password": form.password}),
            )
            .await
    };
    pass_days(&app, 30).await;
    let reply = log_in().await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let token = reply.session_cookie().unwrap()["console_session=".len()..]
        .split(';')
        .next()
        .unwrap();
    let mut anne = app.client_with_session(token);
    // 7 January: the Licence ended, the accounts are blocked: sessions end, nobody logs in.
    pass_days(&app, 1).await;
    assert_eq!(anne.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    let reply = log_in().await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text());
    assert_eq!(
        count_where(
            &app,
            "SELECT COUNT(*) FROM users WHERE blocked_at IS NOT NULL"
        )
        .await,
        3
    );
    assert_eq!(
        logged(&app, "user.block", &format!("user:{alice_id}")).await,
        1
    );
    // Three months later, 7 April: erased, each run recorded.
    pass_days(&app, 89).await;
    assert_eq!(
        count_where(
            &app,
            "SELECT COUNT(*) FROM users WHERE erased_at IS NOT NULL"
        )
        .await,
        0
    );
    pass_days(&app, 1).await;
    assert_eq!(
        count_where(
            &app,
            "SELECT COUNT(*) FROM users WHERE erased_at IS NOT NULL"
        )
        .await,
        3
    );
    assert_eq!(
        count_where(
            &app,
            "SELECT users_erased FROM scheduler_runs WHERE day = '2027-04-07'"
        )
        .await,
        3
    );
    assert!(traces(&app, "anne@martin.fr").await.is_empty());
    assert!(traces(&app, "alice@martin.fr").await.is_empty());
}
