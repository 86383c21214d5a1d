//! Managers and Users (ACCESS-1..3) through the API, on SQLite and PostgreSQL: the user list,
//! creation with an invitation, edits, roles, deactivation, deletion, the last-Manager rule, the
//! invitation link, CSV imports in both modes, and isolation between Companies.

use axum::http::StatusCode;
use protocol::LoginForm;
use serde_json::{Value, json};

use crate::support;
use crate::support::{Backend, Client, TestApp, assert_api_error, signup_form};

on_both_databases!(
    a_manager_creates_lists_reads_and_edits_users,
    every_change_is_in_the_proof_log,
    invalid_users_are_refused_by_field_and_nothing_is_written,
    a_taken_email_is_a_conflict_on_create_and_edit,
    the_last_manager_cannot_be_revoked_deactivated_or_deleted,
    a_deactivated_user_cannot_log_in_until_reactivated,
    the_invitation_link_sets_a_password_and_signs_in,
    expired_used_and_unknown_invitations_are_refused,
    a_user_with_numbers_cannot_be_deleted,
    a_user_is_deleted_with_their_sessions,
    import_valid_rows_only_creates_the_good_rows_and_reports_the_others,
    import_all_or_nothing_writes_nothing_when_a_row_is_rejected,
    another_companys_users_answer_not_found,
    console_user_routes_refuse_non_managers_and_visitors,
);

fn louis() -> Value {
    json!({
        "first_name": "Louis",
        "last_name": "Dupont",
        "email": "Louis.Dupont@martin.fr",
        "mobile": "+33 6 12 34 56 78",
        "residence_country": "FR",
        "stable_links": ["es", "DE"],
    })
}

fn with(mut form: Value, field: &str, value: Value) -> Value {
    form[field] = value;
    form
}

/// Creates a user and returns its row.
async fn create(client: &mut Client, form: &Value) -> Value {
    let reply = client.post_json("/api/console/users", form).await;
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "creating: {}",
        reply.text()
    );
    reply.json()
}

/// The token of the newest invitation emailed to `email`: the email as it leaves the server
/// (the outbox row the dispatcher sends), which only the recipient receives.
async fn invitation_token(app: &TestApp, email: &str) -> String {
    let link = app.emailed_link(email, "/invitation/").await;
    link.trim_start_matches("/invitation/").to_owned()
}

/// Creates Louis, accepts his invitation with a password and returns his signed-in client.
async fn louis_signed_in(app: &TestApp, manager: &mut Client) -> (Value, Client) {
    let louis = create(manager, &louis()).await;
    let token = invitation_token(app, "louis.dupont@martin.fr").await;
    let mut client = app.client();
    let reply = client
        .post_json(
            &format!("/api/invitations/{token}"),
            &json!({"password": "a fine long password"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    (louis, client)
}

async fn login(app: &TestApp, email: &str, password: &str) -> support::Reply {
    app.client()
        .post_json(
            "/api/session",
            &LoginForm {
                email: email.into(),
                password: password.into(),
            },
        )
        .await
}

async fn a_manager_creates_lists_reads_and_edits_users(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, _) = app.signed_up(&signup_form()).await;

    let created = create(&mut manager, &louis()).await;
    assert_eq!(created["email"], "louis.dupont@martin.fr");
    assert_eq!(created["mobile"], "+33612345678");
    assert_eq!(created["stable_links"], json!(["DE", "ES"]));
    assert_eq!(created["is_manager"], false);
    assert_eq!(created["active"], true);
    assert_eq!(created["has_password"], false);
    let id = created["id"].as_i64().unwrap();

    // The list holds the Manager and the new user, by last name, with their links.
    let list = manager.get("/api/console/users").await.json();
    let emails: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["louis.dupont@martin.fr", "anne@martin.fr"]);
    assert_eq!(list[0]["stable_links"], json!(["DE", "ES"]));
    assert_eq!(list[1]["is_manager"], true);
    assert_eq!(list[1]["stable_links"], json!([]));

    let detail = manager.get(&format!("/api/console/users/{id}")).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert_eq!(detail.json()["user"], created);
    assert_eq!(detail.json()["numbers"], 0);

    // The invitation went to the outbox.
    let outbox = manager.get("/api/console/outbox").await.json();
    assert_eq!(outbox.as_array().unwrap().len(), 1);
    assert_eq!(outbox[0]["recipient"], "louis.dupont@martin.fr");
    assert!(
        outbox[0]["subject"]
            .as_str()
            .unwrap()
            .contains("Martin & Fils SAS")
    );
    // The link is Louis's alone: the Manager sees that it was sent, never the link itself.
    let body = outbox[0]["body"].as_str().unwrap();
    assert!(!body.contains("/invitation/"), "{body}");
    assert!(
        body.contains("a personal link, sent to the recipient only"),
        "{body}"
    );
    let token = invitation_token(&app, "louis.dupont@martin.fr").await;
    assert!(!outbox.to_string().contains(&token));
    assert_eq!(outbox[0]["status"], "queued");
    assert_eq!(app.count("invitations").await, 1);

    // Editing replaces every field, links included.
    let edited = with(
        with(louis(), "last_name", json!("Durand")),
        "stable_links",
        json!(["IT"]),
    );
    let reply = manager
        .put_json(&format!("/api/console/users/{id}"), &edited)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let after = manager
        .get(&format!("/api/console/users/{id}"))
        .await
        .json();
    assert_eq!(after["user"]["last_name"], "Durand");
    assert_eq!(after["user"]["stable_links"], json!(["IT"]));
    assert_eq!(app.count("user_stable_links").await, 1);
}

async fn every_change_is_in_the_proof_log(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, _) = app.signed_up(&signup_form()).await;
    let id = create(&mut manager, &louis()).await["id"].as_i64().unwrap();
    let path = format!("/api/console/users/{id}");
    manager
        .put_json(&path, &with(louis(), "first_name", json!("Luc")))
        .await;
    manager
        .put_json(&format!("{path}/role"), &json!({"is_manager": true}))
        .await;
    manager
        .put_json(&format!("{path}/status"), &json!({"active": false}))
        .await;
    assert_eq!(manager.delete(&path).await.status, StatusCode::NO_CONTENT);

    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY seq")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        actions,
        [
            "company.create",
            "user.create",
            "user.update",
            "user.grant_manager",
            "user.deactivate",
            "user.delete"
        ]
    );
    let update: (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT before_json, after_json FROM audit_log WHERE action = 'user.update'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert!(update.0.unwrap().contains("\"first_name\":\"Louis\""));
    assert!(update.1.unwrap().contains("\"first_name\":\"Luc\""));
    assert_eq!(
        app.verify_proof().await,
        server::store::audit::Verification::Intact {
            entries: 6,
            unsigned: 6
        }
    );
}

async fn invalid_users_are_refused_by_field_and_nothing_is_written(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, _) = app.signed_up(&signup_form()).await;
    for (field, value, code) in [
        ("first_name", json!(""), "required"),
        ("last_name", json!("007"), "invalid"),
        ("email", json!("louis@"), "invalid"),
        ("mobile", json!("06 12 34 56 78"), "invalid"),
        ("residence_country", json!("XX"), "invalid"),
        ("stable_links", json!(["FR"]), "invalid"),
        ("stable_links", json!(["DE", "de"]), "invalid"),
    ] {
        let reply = manager
            .post_json("/api/console/users", &with(louis(), field, value))
            .await;
        assert_api_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, code, Some(field));
    }
    let reply = manager
        .post_raw(
            "/api/console/users",
            "application/json",
            "{\"first_name\": 3}",
        )
        .await;
    assert_api_error(&reply, StatusCode::BAD_REQUEST, "malformed_body", None);
    assert_eq!(app.count("users").await, 1);
    assert_eq!(app.count("outbox").await, 0);
    assert_eq!(app.count("invitations").await, 0);
}

async fn a_taken_email_is_a_conflict_on_create_and_edit(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, _) = app.signed_up(&signup_form()).await;
    let reply = manager
        .post_json(
            "/api/console/users",
            &with(louis(), "email", json!("ANNE@martin.fr")),
        )
        .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "email_taken", Some("email"));
    assert_eq!(app.count("outbox").await, 0);

    let id = create(&mut manager, &louis()).await["id"].as_i64().unwrap();
    let reply = manager
        .put_json(
            &format!("/api/console/users/{id}"),
            &with(louis(), "email", json!("anne@martin.fr")),
        )
        .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "email_taken", Some("email"));
    let still = manager
        .get(&format!("/api/console/users/{id}"))
        .await
        .json();
    assert_eq!(still["user"]["email"], "louis.dupont@martin.fr");
}

async fn the_last_manager_cannot_be_revoked_deactivated_or_deleted(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, me) = app.signed_up(&signup_form()).await;
    let anne = me["user"]["id"].as_i64().unwrap();
    let path = format!("/api/console/users/{anne}");

    let reply = manager
        .put_json(&format!("{path}/role"), &json!({"is_manager": false}))
        .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "last_manager", None);
    let reply = manager
        .put_json(&format!("{path}/status"), &json!({"active": false}))
        .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "last_manager", None);
    assert_api_error(
        &manager.delete(&path).await,
        StatusCode::CONFLICT,
        "last_manager",
        None,
    );
    assert_eq!(
        manager.get("/api/console/users").await.json()[0]["is_manager"],
        true
    );

    // A deactivated Manager does not count: granting the role to a deactivated user is not enough.
    let louis = create(&mut manager, &louis()).await["id"].as_i64().unwrap();
    let louis_path = format!("/api/console/users/{louis}");
    manager
        .put_json(&format!("{louis_path}/role"), &json!({"is_manager": true}))
        .await;
    manager
        .put_json(&format!("{louis_path}/status"), &json!({"active": false}))
        .await;
    let reply = manager
        .put_json(&format!("{path}/role"), &json!({"is_manager": false}))
        .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "last_manager", None);

    // Once Louis is an active Manager, Anne can step down; then Louis is the last one.
    manager
        .put_json(&format!("{louis_path}/status"), &json!({"active": true}))
        .await;
    let reply = manager
        .put_json(&format!("{path}/role"), &json!({"is_manager": false}))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["is_manager"], false);
    // Anne is no longer a Manager: her console calls are refused.
    assert_api_error(
        &manager.get("/api/console/users").await,
        StatusCode::FORBIDDEN,
        "forbidden",
        None,
    );
}

async fn a_deactivated_user_cannot_log_in_until_reactivated(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, _) = app.signed_up(&signup_form()).await;
    let (louis, mut louis_client) = louis_signed_in(&app, &mut manager).await;
    let path = format!("/api/console/users/{}", louis["id"]);
    assert_eq!(louis_client.get("/api/me").await.status, StatusCode::OK);
    assert_eq!(
        login(&app, "louis.dupont@martin.fr", "a fine long password")
            .await
            .status,
        StatusCode::OK
    );

    let reply = manager
        .put_json(&format!("{path}/status"), &json!({"active": false}))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["active"], false);
    // His open sessions are closed and the right password no longer opens one.
    assert_api_error(
        &louis_client.get("/api/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        None,
    );
    let reply = login(&app, "louis.dupont@martin.fr", "a fine long password").await;
    assert_api_error(&reply, StatusCode::UNAUTHORIZED, "wrong_credentials", None);

    manager
        .put_json(&format!("{path}/status"), &json!({"active": true}))
        .await;
    assert_eq!(
        login(&app, "louis.dupont@martin.fr", "a fine long password")
            .await
            .status,
        StatusCode::OK
    );
}

async fn the_invitation_link_sets_a_password_and_signs_in(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, _) = app.signed_up(&signup_form()).await;
    create(&mut manager, &louis()).await;
    let token = invitation_token(&app, "louis.dupont@martin.fr").await;
    let path = format!("/api/invitations/{token}");

    // Before a password is set, Louis cannot log in.
    let reply = login(&app, "louis.dupont@martin.fr", "a fine long password").await;
    assert_api_error(&reply, StatusCode::UNAUTHORIZED, "wrong_credentials", None);

    let mut visitor = app.client();
    let invitation = visitor.get(&path).await;
    assert_eq!(invitation.status, StatusCode::OK);
    assert_eq!(
        invitation.json(),
        json!({"first_name": "Louis", "last_name": "Dupont", "email": "louis.dupont@martin.fr", "company": "Martin & Fils SAS"})
    );
    let reply = visitor
        .post_json(&path, &json!({"password": "short"}))
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_short",
        Some("password"),
    );

    let reply = visitor
        .post_json(&path, &json!({"password": "a fine long password"}))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert!(reply.session_cookie().is_some());
    assert_eq!(reply.json()["user"]["email"], "louis.dupont@martin.fr");
    assert_eq!(reply.json()["user"]["is_manager"], false);
    assert_eq!(
        visitor.get("/api/me").await.json()["user"]["first_name"],
        "Louis"
    );
    // A User is not a Manager: the console stays closed to him (ACCESS-1).
    assert_api_error(
        &visitor.get("/api/console/users").await,
        StatusCode::FORBIDDEN,
        "forbidden",
        None,
    );
    assert_eq!(
        login(&app, "louis.dupont@martin.fr", "a fine long password")
            .await
            .status,
        StatusCode::OK
    );
    let listed = manager.get("/api/console/users").await.json();
    assert_eq!(listed[0]["has_password"], true);
}

async fn expired_used_and_unknown_invitations_are_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, _) = app.signed_up(&signup_form()).await;
    create(&mut manager, &louis()).await;
    let first = invitation_token(&app, "louis.dupont@martin.fr").await;
    let password = json!({"password": "a fine long password"});

    let reply = app
        .client()
        .get(&format!("/api/invitations/{}", "ab".repeat(32)))
        .await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "invitation_unknown", None);

    // Eight days later the link has expired, even with a good password; nothing is set.
    app.state.clock.advance_days(8);
    let reply = app
        .client()
        .post_json(&format!("/api/invitations/{first}"), &password)
        .await;
    assert_api_error(&reply, StatusCode::GONE, "invitation_expired", None);
    assert_api_error(
        &app.client().get(&format!("/api/invitations/{first}")).await,
        StatusCode::GONE,
        "invitation_expired",
        None,
    );

    // A new invitation works once (the Manager logs in again: her session was idle too long).
    let mut manager = crate::support::log_in(&app, &signup_form()).await;
    let id = manager.get("/api/console/users").await.json()[0]["id"]
        .as_i64()
        .unwrap();
    let reply = manager
        .post_json(&format!("/api/console/users/{id}/invitation"), &json!({}))
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());
    let second = invitation_token(&app, "louis.dupont@martin.fr").await;
    assert_ne!(first, second);
    assert_eq!(
        app.client()
            .post_json(&format!("/api/invitations/{second}"), &password)
            .await
            .status,
        StatusCode::OK
    );
    let reply = app
        .client()
        .post_json(
            &format!("/api/invitations/{second}"),
            &json!({"password": "another long password"}),
        )
        .await;
    assert_api_error(&reply, StatusCode::GONE, "invitation_used", None);
    // The first password still holds.
    assert_eq!(
        login(&app, "louis.dupont@martin.fr", "a fine long password")
            .await
            .status,
        StatusCode::OK
    );
}

async fn a_user_with_numbers_cannot_be_deleted(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, _) = app.signed_up(&signup_form()).await;
    let id = create(&mut manager, &louis()).await["id"].as_i64().unwrap();
    sqlx::query("INSERT INTO numbers (e164, country, user_id) VALUES ('+33700000001', 'FR', $1)")
        .bind(id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        manager
            .get(&format!("/api/console/users/{id}"))
            .await
            .json()["numbers"],
        1
    );
    let reply = manager.delete(&format!("/api/console/users/{id}")).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "user_has_numbers", None);
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("reassign")
    );
    assert_eq!(app.count("users").await, 2);
}

async fn a_user_is_deleted_with_their_sessions(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, _) = app.signed_up(&signup_form()).await;
    let (louis, mut louis_client) = louis_signed_in(&app, &mut manager).await;
    let path = format!("/api/console/users/{}", louis["id"]);
    assert_eq!(app.count("sessions").await, 2);

    assert_eq!(manager.delete(&path).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.count("users").await, 1);
    assert_eq!(app.count("sessions").await, 1);
    assert_eq!(app.count("invitations").await, 0);
    assert_eq!(app.count("user_stable_links").await, 0);
    assert_api_error(
        &louis_client.get("/api/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        None,
    );
    assert_api_error(
        &manager.get(&path).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
    assert_api_error(
        &manager.delete(&path).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
}

fn import_rows() -> Value {
    json!([
        {"row": 2, "form": {"first_name": "Louis", "last_name": "Dupont", "email": "louis@martin.fr",
            "mobile": "+33612345678", "residence_country": "FR", "stable_links": ["DE"]}},
        {"row": 3, "form": {"first_name": "", "last_name": "Roux", "email": "roux@martin",
            "mobile": "0612", "residence_country": "FR", "stable_links": []}},
        {"row": 4, "form": {"first_name": "Marie", "last_name": "Curie", "email": "ANNE@martin.fr",
            "mobile": "+33612345679", "residence_country": "PL", "stable_links": ["FR"]}},
        {"row": 5, "form": {"first_name": "Jean", "last_name": "Moulin", "email": "LOUIS@martin.fr",
            "mobile": "+33612345670", "residence_country": "FR", "stable_links": []}},
        {"row": 6, "form": {"first_name": "Emma", "last_name": "Bovary", "email": "emma@martin.fr",
            "mobile": "+33612345671", "residence_country": "FR", "stable_links": []},
         "malformed": "Row: this row has 7 values, but the header names 6 columns."},
        {"row": 7, "form": {"first_name": "Paul", "last_name": "Valéry", "email": "paul@martin.fr",
            "mobile": "+33 6 12 34 56 72", "residence_country": "be", "stable_links": []}},
    ])
}

/// The rejected rows of a report, as (row, reasons).
fn rejected(report: &Value) -> Vec<(i64, Vec<String>)> {
    report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let reasons = row["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap().to_owned())
                .collect();
            (row["row"].as_i64().unwrap(), reasons)
        })
        .collect()
}

async fn import_valid_rows_only_creates_the_good_rows_and_reports_the_others(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, _) = app.signed_up(&signup_form()).await;
    let reply = manager
        .post_json(
            "/api/console/users/import",
            &json!({"mode": "valid_rows_only", "rows": import_rows()}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let report = reply.json();
    assert_eq!(report["created"], 2);
    assert_eq!(
        rejected(&report),
        [
            (
                3,
                vec![
                    "First name: This field is required.".to_owned(),
                    "Email: Enter an email address like name@company.com.".to_owned(),
                    "Mobile number: Enter the number in international format, starting with + and the country code."
                        .to_owned(),
                ]
            ),
            (4, vec!["Email: an account already uses anne@martin.fr.".to_owned()]),
            (5, vec!["Email: louis@martin.fr is also on row 2.".to_owned()]),
            (6, vec!["Row: this row has 7 values, but the header names 6 columns.".to_owned()]),
        ]
    );
    let list = manager.get("/api/console/users").await.json();
    let emails: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["email"].as_str().unwrap())
        .collect();
    assert_eq!(
        emails,
        ["louis@martin.fr", "anne@martin.fr", "paul@martin.fr"]
    );
    assert_eq!(list[0]["stable_links"], json!(["DE"]));
    assert_eq!(list[2]["residence_country"], "BE");
    // Each imported user is invited; the import is one entry of the proof log.
    assert_eq!(app.count("outbox").await, 2);
    assert_eq!(app.count("invitations").await, 2);
    let imports: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'user.import'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(imports, 1);
}

async fn import_all_or_nothing_writes_nothing_when_a_row_is_rejected(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, _) = app.signed_up(&signup_form()).await;
    let reply = manager
        .post_json(
            "/api/console/users/import",
            &json!({"mode": "all_or_nothing", "rows": import_rows()}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let report = reply.json();
    assert_eq!(report["created"], 0);
    assert_eq!(
        rejected(&report)
            .iter()
            .map(|(row, _)| *row)
            .collect::<Vec<_>>(),
        [3, 4, 5, 6]
    );
    assert_eq!(app.count("users").await, 1);
    assert_eq!(app.count("outbox").await, 0);
    assert_eq!(app.count("audit_log").await, 1);

    // Only the valid rows: all of them are imported.
    let good: Vec<Value> = import_rows()
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| [2, 7].contains(&row["row"].as_i64().unwrap()))
        .cloned()
        .collect();
    let reply = manager
        .post_json(
            "/api/console/users/import",
            &json!({"mode": "all_or_nothing", "rows": good}),
        )
        .await;
    assert_eq!(reply.json(), json!({"created": 2, "rejected": []}));
    assert_eq!(app.count("users").await, 3);

    let reply = manager
        .post_json(
            "/api/console/users/import",
            &json!({"mode": "some_rows", "rows": []}),
        )
        .await;
    assert_api_error(&reply, StatusCode::BAD_REQUEST, "malformed_body", None);
}

async fn another_companys_users_answer_not_found(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut martin, _) = app.signed_up(&signup_form()).await;
    let louis_id = create(&mut martin, &louis()).await["id"].as_i64().unwrap();
    let other = protocol::SignupForm {
        legal_name: "Other SA".into(),
        email: "boss@other.fr".into(),
        ..signup_form()
    };
    let (mut boss, boss_me) = app.signed_up(&other).await;
    let boss_id = boss_me["user"]["id"].as_i64().unwrap();

    let path = format!("/api/console/users/{louis_id}");
    assert_api_error(
        &boss.get(&path).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
    assert_api_error(
        &boss.put_json(&path, &louis()).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
    assert_api_error(
        &boss.delete(&path).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
    for (suffix, body) in [
        ("role", json!({"is_manager": true})),
        ("status", json!({"active": false})),
    ] {
        let reply = boss.put_json(&format!("{path}/{suffix}"), &body).await;
        assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
    }
    let reply = boss
        .post_json(&format!("{path}/invitation"), &json!({}))
        .await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
    // Neither list nor outbox shows the other Company's people, and Martin's user is unchanged.
    let list = boss.get("/api/console/users").await.json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], boss_id);
    assert_eq!(boss.get("/api/console/outbox").await.json(), json!([]));
    let still = martin.get(&path).await.json();
    assert_eq!(still["user"]["active"], true);
    assert_eq!(still["user"]["is_manager"], false);
    assert_api_error(
        &martin.get(&format!("/api/console/users/{boss_id}")).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
}

async fn console_user_routes_refuse_non_managers_and_visitors(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, me) = app.signed_up(&signup_form()).await;
    let anne = me["user"]["id"].as_i64().unwrap();
    let (_, mut user) = louis_signed_in(&app, &mut manager).await;
    let mut visitor = app.client();
    let import = json!({"mode": "valid_rows_only", "rows": []});
    for (client, status, code) in [
        (&mut user, StatusCode::FORBIDDEN, "forbidden"),
        (&mut visitor, StatusCode::UNAUTHORIZED, "unauthenticated"),
    ] {
        let user_path = format!("/api/console/users/{anne}");
        assert_api_error(&client.get("/api/console/users").await, status, code, None);
        assert_api_error(
            &client.post_json("/api/console/users", &louis()).await,
            status,
            code,
            None,
        );
        assert_api_error(&client.get(&user_path).await, status, code, None);
        assert_api_error(
            &client.put_json(&user_path, &louis()).await,
            status,
            code,
            None,
        );
        assert_api_error(&client.delete(&user_path).await, status, code, None);
        let reply = client
            .put_json(&format!("{user_path}/role"), &json!({"is_manager": false}))
            .await;
        assert_api_error(&reply, status, code, None);
        let reply = client
            .put_json(&format!("{user_path}/status"), &json!({"active": false}))
            .await;
        assert_api_error(&reply, status, code, None);
        assert_api_error(
            &client
                .post_json(&format!("{user_path}/invitation"), &json!({}))
                .await,
            status,
            code,
            None,
        );
        assert_api_error(
            &client.post_json("/api/console/users/import", &import).await,
            status,
            code,
            None,
        );
        assert_api_error(&client.get("/api/console/outbox").await, status, code, None);
    }
    assert_eq!(app.count("users").await, 2);
    assert_eq!(
        manager.get("/api/console/users").await.json()[1]["is_manager"],
        true
    );
}
