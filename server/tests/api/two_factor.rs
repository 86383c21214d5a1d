//! Two-factor authentication (issue 12), on SQLite and PostgreSQL: anyone turns it on with a
//! code from their app and gets recovery codes; every log-in (and a password reset) then asks
//! for a code, each code works once, a waiting log-in takes few tries and expires; turning it
//! off needs the password; a Company can require it of its Managers, who then reach nothing but
//! their own account until they turn it on.

use axum::http::{Method, StatusCode};
use base64::Engine;
use chrono::TimeDelta;
use serde_json::{Value, json};

use crate::support::authenticator::{code, wrong};
use crate::support::{
    Backend, Client, TestApp, accept_terms, assert_api_error, logged, signup_form,
};

on_both_databases!(
    turned_on_with_a_code_it_is_asked_at_every_log_in_and_each_code_works_once,
    a_waiting_log_in_takes_few_tries_and_expires,
    turning_it_off_needs_the_password_and_new_recovery_codes_replace_the_old,
    a_password_reset_still_asks_for_the_second_factor,
    a_company_can_require_it_of_its_managers,
);

const PASSWORD: &str = "correct horse battery";

/// Turns two-factor authentication on for the signed-in `client`: its secret and recovery codes.
async fn turn_on(client: &mut Client, password: &str) -> (String, Vec<String>) {
    let setup = client
        .post_json("/api/me/two-factor", &json!({"current_password": password}))
        .await
        .expect_json(StatusCode::CREATED);
    let secret = setup["secret"].as_str().unwrap().to_owned();
    let codes = client
        .put_json("/api/me/two-factor", &json!({"code": code(&secret, 0)}))
        .await
        .expect_json(StatusCode::OK);
    let codes = codes["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap().to_owned())
        .collect();
    (secret, codes)
}

/// Logs in with a password that is right: the challenge the answer (202) carries.
async fn challenge(app: &TestApp, email: &str, password: &str) -> String {
    let mut client = app.client();
    let reply = client
        .post_json(
            "/api/session",
            &json!({"email": email, "password": password}),
        )
        .await;
    let body = reply.expect_json(StatusCode::ACCEPTED);
    assert!(
        reply.session_cookie().is_none(),
        "no session before the code"
    );
    body["challenge"].as_str().unwrap().to_owned()
}

async fn answer(client: &mut Client, challenge: &str, code: &str) -> crate::support::Reply {
    client
        .post_json(
            "/api/session/second-factor",
            &json!({"challenge": challenge, "code": code}),
        )
        .await
}

async fn me(client: &mut Client) -> Value {
    client.get("/api/me").await.expect_json(StatusCode::OK)
}

async fn turned_on_with_a_code_it_is_asked_at_every_log_in_and_each_code_works_once(
    backend: Backend,
) {
    let app = TestApp::start(backend).await;
    let (mut anne, _) = app.signed_up(&signup_form()).await;
    let status = me(&mut anne).await["two_factor"].clone();
    assert_eq!(
        status,
        json!({"enabled": false, "required": false, "recovery_codes_left": 0})
    );

    // Starting needs the current password.
    let reply = anne
        .post_json(
            "/api/me/two-factor",
            &json!({"current_password": "a guess"}),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("current_password"),
    );
    let setup = anne
        .post_json("/api/me/two-factor", &json!({"current_password": PASSWORD}))
        .await
        .expect_json(StatusCode::CREATED);
    let secret = setup["secret"].as_str().unwrap();
    let uri = setup["otpauth_uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/Numbers%20Console:anne%40martin.fr?"),
        "{uri}"
    );
    assert!(
        uri.contains(&format!("secret={}", secret.replace(' ', ""))),
        "{uri}"
    );
    let qr = setup["qr_code"].as_str().unwrap();
    let svg = qr
        .strip_prefix("data:image/svg+xml;base64,")
        .expect("an SVG data URI");
    let svg = base64::engine::general_purpose::STANDARD
        .decode(svg)
        .unwrap();
    assert!(String::from_utf8(svg).unwrap().contains("<svg"));
    // Not in force until a code from the app confirms it.
    assert_eq!(me(&mut anne).await["two_factor"]["enabled"], false);
    let reply = anne
        .put_json(
            "/api/me/two-factor",
            &json!({"code": wrong(&code(secret, 0))}),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("code"),
    );
    let confirmed = code(secret, 0);
    let codes = anne
        .put_json("/api/me/two-factor", &json!({"code": confirmed}))
        .await
        .expect_json(StatusCode::OK);
    let recovery: Vec<&str> = codes["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap())
        .collect();
    assert_eq!(recovery.len(), 10);
    assert!(
        recovery
            .iter()
            .all(|code| code.len() == 11 && code.as_bytes()[5] == b'-')
    );
    assert_eq!(
        me(&mut anne).await["two_factor"],
        json!({"enabled": true, "required": false, "recovery_codes_left": 10})
    );
    let (company, anne_id) =
        crate::support::rows::company_of(&app.state.db, "anne@martin.fr").await;
    assert!(company > 0);
    assert_eq!(
        logged(&app, "user.two_factor_on", &format!("user:{anne_id}")).await,
        1
    );

    // A log-in now stops at the password: a challenge, no session.
    let mut browser = app.client();
    let first = challenge(&app, "anne@martin.fr", PASSWORD).await;
    // The code that turned it on was used: it does not work a second time.
    let reply = answer(&mut browser, &first, &confirmed).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("code"),
    );
    assert_eq!(
        browser.get("/api/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    // The app's next code signs in, once.
    let next = code(secret, 1);
    let reply = answer(&mut browser, &first, &next).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert!(reply.session_cookie().is_some());
    assert_eq!(reply.json()["user"]["email"], "anne@martin.fr");
    assert_eq!(
        browser.get("/api/console/users").await.status,
        StatusCode::OK
    );
    let reply = answer(&mut app.client(), &first, &next).await;
    assert_api_error(
        &reply,
        StatusCode::UNAUTHORIZED,
        "login_challenge_expired",
        None,
    );
    let second = challenge(&app, "anne@martin.fr", PASSWORD).await;
    let reply = answer(&mut app.client(), &second, &next).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("code"),
    );

    // A recovery code replaces the app's, once, however it is typed.
    let mut phone = app.client();
    let typed = recovery[3].to_uppercase().replace('-', " ");
    let reply = answer(&mut phone, &second, &typed).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(me(&mut phone).await["two_factor"]["recovery_codes_left"], 9);
    let third = challenge(&app, "anne@martin.fr", PASSWORD).await;
    let reply = answer(&mut app.client(), &third, recovery[3]).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("code"),
    );
    assert_eq!(
        logged(&app, "user.recovery_code_used", &format!("user:{anne_id}")).await,
        1
    );
    // Only hashes are kept.
    let stored: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM recovery_codes")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 10);
    assert!(stored.iter().all(|hash| hash.len() == 64));
    assert!(
        recovery
            .iter()
            .all(|code| !stored.contains(&code.replace('-', "")))
    );
}

async fn a_waiting_log_in_takes_few_tries_and_expires(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut anne, _) = app.signed_up(&signup_form()).await;
    let (secret, _) = turn_on(&mut anne, PASSWORD).await;

    // Five wrong codes end the waiting log-in: even the right one is refused after them.
    let waiting = challenge(&app, "anne@martin.fr", PASSWORD).await;
    let mut client = app.client();
    for attempt in 0..5 {
        let reply = answer(&mut client, &waiting, &wrong(&code(&secret, 1))).await;
        assert_api_error(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("code"),
        );
        assert!(attempt < 5);
    }
    let reply = answer(&mut client, &waiting, &code(&secret, 1)).await;
    assert_api_error(
        &reply,
        StatusCode::UNAUTHORIZED,
        "login_challenge_expired",
        None,
    );
    // Nor does giving the password again buy more guesses: the account is slowed down.
    let again = challenge(&app, "anne@martin.fr", PASSWORD).await;
    let reply = answer(&mut client, &again, &wrong(&code(&secret, 1))).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("code"),
    );
    let reply = answer(&mut client, &again, &code(&secret, 1)).await;
    assert_api_error(
        &reply,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
        None,
    );
    assert!(reply.header("retry-after").is_some());

    // Once the wait is over, a waiting log-in lasts five minutes.
    app.state.clock.shift_by(TimeDelta::hours(2));
    let late = challenge(&app, "anne@martin.fr", PASSWORD).await;
    app.state.clock.shift_by(TimeDelta::minutes(6));
    let reply = answer(&mut client, &late, &code(&secret, 1)).await;
    assert_api_error(
        &reply,
        StatusCode::UNAUTHORIZED,
        "login_challenge_expired",
        None,
    );
    let fresh = challenge(&app, "anne@martin.fr", PASSWORD).await;
    let reply = answer(&mut client, &fresh, &code(&secret, 1)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}

async fn turning_it_off_needs_the_password_and_new_recovery_codes_replace_the_old(
    backend: Backend,
) {
    let app = TestApp::start(backend).await;
    let (mut anne, _) = app.signed_up(&signup_form()).await;
    let reply = anne
        .put_json("/api/me/two-factor", &json!({"code": "123456"}))
        .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "two_factor_off", None);
    let reply = anne
        .post_json(
            "/api/me/two-factor/recovery-codes",
            &json!({"current_password": PASSWORD}),
        )
        .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "two_factor_off", None);
    let (secret, old) = turn_on(&mut anne, PASSWORD).await;
    let reply = anne
        .post_json("/api/me/two-factor", &json!({"current_password": PASSWORD}))
        .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "two_factor_already_on", None);

    let reply = anne
        .post_json(
            "/api/me/two-factor/recovery-codes",
            &json!({"current_password": "nope"}),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("current_password"),
    );
    let new = anne
        .post_json(
            "/api/me/two-factor/recovery-codes",
            &json!({"current_password": PASSWORD}),
        )
        .await
        .expect_json(StatusCode::OK);
    let new = new["codes"][0].as_str().unwrap().to_owned();
    let waiting = challenge(&app, "anne@martin.fr", PASSWORD).await;
    let reply = answer(&mut app.client(), &waiting, &old[0]).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("code"),
    );
    let reply = answer(&mut app.client(), &waiting, &new).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());

    let off = |password: &str| json!({"current_password": password});
    let reply = anne
        .send_json(Method::DELETE, "/api/me/two-factor", Some(&off("nope")))
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("current_password"),
    );
    let reply = anne
        .send_json(Method::DELETE, "/api/me/two-factor", Some(&off(PASSWORD)))
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());
    assert_eq!(app.count("recovery_codes").await, 0);
    assert_eq!(app.count("two_factor").await, 0);
    // The password alone signs in again; the old secret is gone.
    let reply = app
        .client()
        .post_json(
            "/api/session",
            &json!({"email": "anne@martin.fr", "password": PASSWORD}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert!(reply.session_cookie().is_some());
    assert!(!secret.is_empty());
}

async fn a_password_reset_still_asks_for_the_second_factor(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut anne, _) = app.signed_up(&signup_form()).await;
    let (secret, _) = turn_on(&mut anne, PASSWORD).await;
    let reply = app
        .client()
        .post_json("/api/password-reset", &json!({"email": "anne@martin.fr"}))
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    let link = app.emailed_link("anne@martin.fr", "/password-reset/").await;
    let mut browser = app.client();
    let reply = browser
        .post_json(
            &format!("/api{link}"),
            &json!({"password": "a brand new passphrase"}),
        )
        .await;
    // The new password is set, but whoever holds the mailbox still needs the app.
    let body = reply.expect_json(StatusCode::ACCEPTED);
    assert!(reply.session_cookie().is_none());
    let waiting = body["challenge"].as_str().unwrap();
    assert_eq!(
        browser.get("/api/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    let reply = answer(&mut browser, waiting, &code(&secret, 1)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(me(&mut browser).await["user"]["email"], "anne@martin.fr");
}

async fn a_company_can_require_it_of_its_managers(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut anne, _) = app.signed_up(&signup_form()).await;
    let require = json!({"required": true});

    // A Manager without it cannot require it (she would lock herself out).
    let reply = anne
        .put_json("/api/console/company/two-factor", &require)
        .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "two_factor_off", None);

    // A second Manager, and an employee, both with passwords of their own.
    let mut people = Vec::new();
    for (first, email) in [("Bruno", "bruno@martin.fr"), ("Chloe", "chloe@martin.fr")] {
        let created = anne
            .post_json(
                "/api/console/users",
                &json!({"first_name": first, "last_name": "Martin", "email": email,
                    "mobile": "+33 6 50 00 00 09", "residence_country": "FR", "stable_links": []}),
            )
            .await
            .expect_json(StatusCode::CREATED);
        let link = app.emailed_link(email, "/invitation/").await;
        let mut client = app.client();
        let reply = client
            .post_json(
                &format!("/api{}", link.replace("/invitation/", "/invitations/")),
                &json!({"password": PASSWORD}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        people.push((created["id"].as_i64().unwrap(), client));
    }
    let (bruno_id, mut bruno) = people.remove(0);
    let (_, mut chloe) = people.remove(0);
    let reply = anne
        .put_json(
            &format!("/api/console/users/{bruno_id}/role"),
            &json!({"is_manager": true}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(bruno.get("/api/console/users").await.status, StatusCode::OK);

    let (anne_secret, _) = turn_on(&mut anne, PASSWORD).await;
    let company = anne
        .put_json("/api/console/company/two-factor", &require)
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(company["managers_need_two_factor"], true);
    assert_eq!(
        anne.get("/api/console/company").await.json()["managers_need_two_factor"],
        true
    );

    // Bruno, a Manager without it, reaches only his own account until he turns it on.
    let reply = bruno.get("/api/console/users").await;
    assert_api_error(
        &reply,
        StatusCode::FORBIDDEN,
        "two_factor_setup_needed",
        None,
    );
    let reply = bruno.get("/api/app/home").await;
    assert_api_error(
        &reply,
        StatusCode::FORBIDDEN,
        "two_factor_setup_needed",
        None,
    );
    assert_eq!(
        me(&mut bruno).await["two_factor"],
        json!({"enabled": false, "required": true, "recovery_codes_left": 0})
    );
    turn_on(&mut bruno, PASSWORD).await;
    assert_eq!(bruno.get("/api/console/users").await.status, StatusCode::OK);
    // …and, required, he cannot turn it off.
    let reply = bruno
        .send_json(
            Method::DELETE,
            "/api/me/two-factor",
            Some(&json!({"current_password": PASSWORD})),
        )
        .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "two_factor_required", None);

    // Chloe, an employee, is not concerned.
    assert_eq!(me(&mut chloe).await["two_factor"]["required"], false);
    accept_terms(&mut chloe).await;
    assert_eq!(chloe.get("/api/app/home").await.status, StatusCode::OK);

    // Lifting the requirement is recorded, and lets Managers turn it off again.
    let company = anne
        .put_json(
            "/api/console/company/two-factor",
            &json!({"required": false}),
        )
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(company["managers_need_two_factor"], false);
    let (company_id, _) = crate::support::rows::company_of(&app.state.db, "anne@martin.fr").await;
    assert_eq!(
        logged(
            &app,
            "company.two_factor_policy",
            &format!("company:{company_id}")
        )
        .await,
        2
    );
    let reply = bruno
        .send_json(
            Method::DELETE,
            "/api/me/two-factor",
            Some(&json!({"current_password": PASSWORD})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());
    assert!(!anne_secret.is_empty());
}
