//! Accounts only their owner controls (issue 12), on SQLite and PostgreSQL: an invitation cannot
//! be sent in place of someone who chose a password, log-in is throttled per account (429 with
//! `Retry-After`), every answer carries the hardening headers, a cross-site write is refused, a
//! body over the limit is a JSON 413, and a User with calls and messages can be deleted while
//! their correspondents keep their copies.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use chrono::TimeDelta;
use serde_json::{Value, json};

use crate::support::{Backend, Client, Employees, TestApp, assert_api_error, signup_form};

on_both_databases!(
    an_invitation_is_refused_once_the_user_chose_a_password,
    failed_log_ins_slow_down_then_refuse_per_account,
    every_answer_carries_the_hardening_headers,
    a_write_from_another_site_is_refused,
    a_body_over_the_limit_is_a_json_413,
    a_user_with_calls_and_messages_is_deleted_under_a_pseudonym,
    a_forgotten_password_is_reset_by_a_single_use_link_that_ends_every_session,
    a_password_is_changed_with_the_current_one_and_other_sessions_end,
    sessions_end_when_idle_and_everywhere_on_request,
    guessing_links_is_slowed_down_per_address,
);

async fn log_in(client: &mut Client, email: &str, password: &str) -> crate::support::Reply {
    client
        .post_json(
            "/api/session",
            &json!({"email": email, "password": password}),
        )
        .await
}

async fn an_invitation_is_refused_once_the_user_chose_a_password(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, _) = app.signed_up(&signup_form()).await;
    let reply = manager
        .post_json(
            "/api/console/users",
            &json!({"first_name": "Cessy", "last_name": "Martin", "email": "cessy@martin.fr",
                "mobile": "+33 6 50 00 00 09", "residence_country": "FR", "stable_links": []}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let cessy = reply.json()["id"].as_i64().unwrap();
    let invitation = format!("/api/console/users/{cessy}/invitation");

    // Before she chose a password, a new invitation may go to her (and only to her).
    let reply = manager.post_json(&invitation, &json!({})).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());
    let link = app.emailed_link("cessy@martin.fr", "/invitation/").await;
    let token = link.trim_start_matches("/invitation/");
    let reply = app
        .client()
        .post_json(
            &format!("/api/invitations/{token}"),
            &json!({"password": "cessy's own password"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let emails_before = app.count("outbox").await;

    // Once she has, the Manager cannot get a link to set it in her place.
    let reply = manager.post_json(&invitation, &json!({})).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "password_already_set", None);
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Cessy already chose a password"),
        "{}",
        reply.text()
    );
    assert_eq!(app.count("outbox").await, emails_before);
    let outbox = manager.get("/api/console/outbox").await.json();
    assert!(!outbox.to_string().contains("/invitation/"), "{outbox}");
    assert_eq!(
        log_in(&mut app.client(), "cessy@martin.fr", "cessy's own password")
            .await
            .status,
        StatusCode::OK
    );
}

async fn failed_log_ins_slow_down_then_refuse_per_account(backend: Backend) {
    let app = TestApp::start(backend).await;
    let form = signup_form();
    app.signed_up(&form).await;
    let email = form.email.as_str();
    let mut client = app.client();
    // Five free failures, then each failure blocks the account a little longer.
    for attempt in 1..=6 {
        let reply = log_in(&mut client, email, "not the password").await;
        assert_api_error(&reply, StatusCode::UNAUTHORIZED, "wrong_credentials", None);
        assert_eq!(reply.header("retry-after"), None, "attempt {attempt}");
    }
    // Blocked now: even the right password waits, and nothing is hashed.
    let reply = log_in(&mut client, email, &form.password).await;
    assert_api_error(
        &reply,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
        None,
    );
    assert_eq!(reply.header("retry-after"), Some("1"));
    assert_eq!(
        reply.json()["error"]["message"],
        "Too many failed attempts: try again in 1 second."
    );
    // The same email typed differently is the same account.
    let reply = log_in(&mut client, &email.to_uppercase(), &form.password).await;
    assert_eq!(
        reply.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        reply.text()
    );

    // After the wait, another failure doubles it.
    app.state.clock.shift_by(TimeDelta::seconds(2));
    let reply = log_in(&mut client, email, "still not it").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let reply = log_in(&mut client, email, &form.password).await;
    assert_eq!(reply.header("retry-after"), Some("2"), "{}", reply.text());

    // Kept in the database: the block holds whatever server answers next.
    let blocked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM throttles WHERE scope = 'login_account' AND failures = 7",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(blocked, 1);

    // After the wait the right password works, and the account's count starts again.
    app.state.clock.shift_by(TimeDelta::seconds(3));
    let reply = log_in(&mut client, email, &form.password).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let reply = log_in(&mut app.client(), email, "a typo").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let reply = log_in(&mut app.client(), email, &form.password).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}

async fn every_answer_carries_the_hardening_headers(backend: Backend) {
    for secure in [false, true] {
        let options = TestApp::options(backend);
        let app = if secure {
            options.secure_cookies().start().await
        } else {
            options.start().await
        };
        let mut client = app.client();
        for path in ["/", "/console/users", "/api/health", "/api/nothing-here"] {
            let reply = client.get(path).await;
            let policy = reply.header("content-security-policy").unwrap_or_default();
            for directive in [
                "default-src 'self'",
                "script-src 'self' 'wasm-unsafe-eval'",
                "frame-ancestors 'none'",
                "object-src 'none'",
            ] {
                assert!(policy.contains(directive), "{path}: {policy}");
            }
            assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
            assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
            assert_eq!(reply.header("x-frame-options"), Some("DENY"));
            assert_eq!(reply.header("referrer-policy"), Some("same-origin"));
            assert!(
                reply
                    .header("permissions-policy")
                    .is_some_and(|policy| policy.contains("microphone=(self)")),
                "{path}"
            );
            assert_eq!(
                reply.header("strict-transport-security").is_some(),
                secure,
                "{path}: HSTS only over https"
            );
        }
    }
}

async fn a_write_from_another_site_is_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    let form = signup_form();
    let (mut manager, _) = app.signed_up(&form).await;
    let body = json!({"email": form.email, "password": form.password}).to_string();
    let post = |headers: &'static [(&'static str, &'static str)]| {
        let mut client = app.client();
        let body = body.clone();
        async move {
            client
                .send(
                    Method::POST,
                    "/api/session",
                    &[&[("content-type", "application/json")], headers].concat(),
                    Body::from(body),
                )
                .await
        }
    };
    for headers in [
        &[("sec-fetch-site", "cross-site")][..],
        &[("sec-fetch-site", "same-site")][..],
        &[
            ("host", "console.example"),
            ("origin", "https://evil.example"),
        ][..],
    ] {
        let reply = post(headers).await;
        assert_api_error(&reply, StatusCode::FORBIDDEN, "cross_site_request", None);
    }
    for headers in [
        &[("sec-fetch-site", "same-origin")][..],
        &[
            ("host", "console.example"),
            ("origin", "https://console.example"),
        ][..],
        &[][..],
    ] {
        assert_eq!(post(headers).await.status, StatusCode::OK);
    }
    // Reading is not refused: a link from elsewhere still opens the console.
    let reply = manager
        .get_with("/api/me", &[("sec-fetch-site", "cross-site")])
        .await;
    assert_eq!(reply.status, StatusCode::OK);
}

async fn a_body_over_the_limit_is_a_json_413(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut client = app.client();
    let huge = format!(r#"{{"legal_name": "{}"}}"#, "x".repeat(8 * 1024 * 1024));
    let reply = client
        .send(
            Method::POST,
            "/api/signup",
            &[("content-type", "application/json")],
            Body::from(huge),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        None,
    );
    assert_eq!(app.count("companies").await, 0);
}

async fn a_user_with_calls_and_messages_is_deleted_under_a_pseudonym(backend: Backend) {
    let app = TestApp::start(backend).await;
    let Employees {
        mut manager,
        mut alice,
        alice_id,
        alice_number,
        mut bob,
        bob_number,
        ..
    } = app.employees("BUSINESS").await;
    // Alice texts Bob and calls him, then gives her Number back.
    let reply = alice
        .post_json(
            &format!("/api/app/numbers/{}/messages", alice_number.0),
            &json!({"to": bob_number.1, "body": "See you at noon"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let reply = alice
        .post_json(
            &format!("/api/app/numbers/{}/calls", alice_number.0),
            &json!({"to": bob_number.1}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let reply = manager
        .delete(&format!("/api/console/numbers/{}/user", alice_number.0))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());

    let reply = manager
        .delete(&format!("/api/console/users/{alice_id}"))
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());

    // Gone from the console, her address free again, her session over.
    let users = manager.get("/api/console/users").await.json();
    assert!(!users.to_string().contains("alice@martin.fr"), "{users}");
    assert_eq!(
        manager
            .get(&format!("/api/console/users/{alice_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(alice.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    let reply = manager
        .post_json(
            "/api/console/users",
            &json!({"first_name": "Alice", "last_name": "Other", "email": "alice@martin.fr",
                "mobile": "+33 6 50 00 00 08", "residence_country": "FR", "stable_links": []}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());

    // Bob keeps his copy of the message and of the call, from a pseudonym.
    let conversations = bob
        .get(&format!("/api/app/numbers/{}/conversations", bob_number.0))
        .await
        .json();
    assert_eq!(conversations[0]["last"]["body"], "See you at noon");
    let calls: Value = bob
        .get(&format!("/api/app/numbers/{}/calls", bob_number.0))
        .await
        .json();
    assert_eq!(calls.as_array().unwrap().len(), 1, "{calls}");
    let kept: (String, String, Option<String>) =
        sqlx::query_as("SELECT first_name, email, password_hash FROM users WHERE id = $1")
            .bind(alice_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(kept.0, "Former");
    assert!(kept.1.ends_with("@invalid"), "{}", kept.1);
    assert_eq!(kept.2, None);
    let her_copies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE user_id = $1")
        .bind(alice_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(her_copies, 0);
}

async fn a_forgotten_password_is_reset_by_a_single_use_link_that_ends_every_session(
    backend: Backend,
) {
    let app = TestApp::start(backend).await;
    let form = signup_form();
    let (mut manager, _) = app.signed_up(&form).await;
    let email = form.email.as_str();

    // Same answer for an address nobody uses: nothing tells whether an account exists.
    let mut visitor = app.client();
    let reply = visitor
        .post_json("/api/password-reset", &json!({"email": "nobody@martin.fr"}))
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    let emails = app.count("outbox").await;
    let reply = visitor
        .post_json("/api/password-reset", &json!({"email": email}))
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    assert_eq!(app.count("outbox").await, emails + 1);
    let link = app.emailed_link(email, "/password-reset/").await;
    let token = link.trim_start_matches("/password-reset/");
    let api = format!("/api/password-reset/{token}");
    // Only its hash is stored, and the Manager's outbox never shows it.
    let outbox = manager.get("/api/console/outbox").await.json();
    assert!(!outbox.to_string().contains(token), "{outbox}");

    assert_eq!(visitor.get(&api).await.status, StatusCode::NO_CONTENT);
    let reply = visitor.post_json(&api, &json!({"password": "short"})).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_short",
        Some("password"),
    );
    let reply = visitor
        .post_json(&api, &json!({"password": "a brand new password"}))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["user"]["email"], email);
    // Signed in here; every other session of the account ended; the old password is gone.
    assert_eq!(visitor.get("/api/me").await.status, StatusCode::OK);
    assert_eq!(
        manager.get("/api/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        log_in(&mut app.client(), email, &form.password)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        log_in(&mut app.client(), email, "a brand new password")
            .await
            .status,
        StatusCode::OK
    );
    // Single use.
    let reply = visitor
        .post_json(&api, &json!({"password": "yet another password"}))
        .await;
    assert_api_error(&reply, StatusCode::GONE, "reset_link_used", None);

    // A link expires after an hour.
    visitor
        .post_json("/api/password-reset", &json!({"email": email}))
        .await;
    let link = app.emailed_link(email, "/password-reset/").await;
    app.state.clock.shift_by(TimeDelta::minutes(61));
    let reply = visitor
        .post_json(
            &format!("/api{link}"),
            &json!({"password": "yet another password"}),
        )
        .await;
    assert_api_error(&reply, StatusCode::GONE, "reset_link_expired", None);
    let reply = visitor
        .get(&format!("/api/password-reset/{}", "ab".repeat(32)))
        .await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "reset_link_unknown", None);

    // Requests for one account are throttled.
    let mut refused = false;
    for _ in 0..6 {
        let reply = visitor
            .post_json("/api/password-reset", &json!({"email": email}))
            .await;
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            assert!(reply.header("retry-after").is_some());
            refused = true;
            break;
        }
    }
    assert!(refused, "reset requests are never slowed down");
}

async fn a_password_is_changed_with_the_current_one_and_other_sessions_end(backend: Backend) {
    let app = TestApp::start(backend).await;
    let form = signup_form();
    let (mut here, _) = app.signed_up(&form).await;
    let email = form.email.as_str();
    let mut elsewhere = app.client();
    assert_eq!(
        log_in(&mut elsewhere, email, &form.password).await.status,
        StatusCode::OK
    );
    let reply = here
        .put_json(
            "/api/me/password",
            &json!({"current_password": "a guess", "new_password": "a brand new password"}),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("current_password"),
    );
    let reply = here
        .put_json(
            "/api/me/password",
            &json!({"current_password": form.password, "new_password": "short"}),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_short",
        Some("new_password"),
    );
    let reply = here
        .put_json(
            "/api/me/password",
            &json!({"current_password": form.password, "new_password": "a brand new password"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());
    assert_eq!(here.get("/api/me").await.status, StatusCode::OK);
    assert_eq!(
        elsewhere.get("/api/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        log_in(&mut app.client(), email, "a brand new password")
            .await
            .status,
        StatusCode::OK
    );
    let changes: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'user.password_change'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(changes, 1);
}

async fn sessions_end_when_idle_and_everywhere_on_request(backend: Backend) {
    let app = TestApp::start(backend).await;
    let form = signup_form();
    let (mut first, _) = app.signed_up(&form).await;
    let mut second = app.client();
    log_in(&mut second, &form.email, &form.password).await;
    // Used every four days, a session lives on; unused for a week, it ends.
    for _ in 0..2 {
        app.state.clock.advance_days(4);
        assert_eq!(first.get("/api/me").await.status, StatusCode::OK);
    }
    assert_eq!(second.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    // Whatever its use, it ends 14 days after the log-in.
    app.state.clock.advance_days(4);
    assert_eq!(first.get("/api/me").await.status, StatusCode::OK);
    app.state.clock.advance_days(3);
    assert_eq!(first.get("/api/me").await.status, StatusCode::UNAUTHORIZED);

    // "Log out everywhere" ends this session and every other.
    let mut here = app.client();
    log_in(&mut here, &form.email, &form.password).await;
    let mut there = app.client();
    log_in(&mut there, &form.email, &form.password).await;
    let reply = here.delete("/api/me/sessions").await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(here.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(there.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
}

async fn guessing_links_is_slowed_down_per_address(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut guesser = app.client();
    // Twenty unknown links are answered as such; then each guess waits longer, whatever the link.
    for guess in 0..20 {
        let path = if guess % 2 == 0 {
            format!("/api/invitations/{guess:064x}")
        } else {
            format!("/api/password-reset/{guess:064x}")
        };
        assert_eq!(guesser.get(&path).await.status, StatusCode::NOT_FOUND);
    }
    let reply = guesser.get(&format!("/api/invitations/{:064x}", 99)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.text());
    let reply = guesser
        .post_json(
            &format!("/api/invitations/{:064x}", 100),
            &json!({"password": "a long enough password"}),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
        None,
    );
    assert_eq!(reply.header("retry-after"), Some("1"));
}
