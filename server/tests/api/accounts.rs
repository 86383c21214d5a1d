//! Accounts and the app's files through the API, on SQLite and PostgreSQL: health, the GTCS,
//! sign-up, log-in, sessions and log-out, API errors, and the static app (caching, compression,
//! app routes).

use std::io::Read;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use chrono::{NaiveDate, TimeDelta};
use protocol::{LoginForm, SignupForm};
use serde_json::{Value, json};
use server::api::GTCS_VERSION;
use server::store::accounts;

use crate::support;
use crate::support::{Backend, Reply, TestApp, assert_api_error, signup_form};

on_both_databases!(
    health_reports_the_database_in_use,
    health_today_follows_a_clock_started_on_a_given_date,
    gtcs_reports_the_version_in_force,
    signup_creates_the_company_and_signs_the_manager_in,
    signup_records_the_gtcs_acceptance,
    session_cookie_is_secure_when_configured,
    signup_refuses_each_invalid_field_and_writes_nothing,
    signup_with_a_taken_email_is_a_conflict_and_writes_nothing,
    signup_with_a_malformed_body_is_a_bad_request,
    login_with_the_right_password_opens_a_session,
    login_email_is_case_insensitive,
    wrong_password_and_unknown_email_get_identical_answers,
    logout_clears_the_cookie_and_ends_the_session_on_the_server,
    me_without_a_cookie_is_unauthenticated,
    me_with_a_garbage_cookie_is_unauthenticated,
    session_expires_after_fourteen_days,
    unknown_api_path_is_a_json_not_found,
    wrong_method_on_an_api_route_is_a_json_405,
    login_with_an_empty_field_is_refused_by_field,
    index_html_is_served_uncached,
    hashed_files_are_immutable_with_their_content_types,
    javascript_is_brotli_compressed_when_accepted,
    javascript_is_gzip_compressed_when_only_gzip_is_accepted,
    legal_text_is_served_as_plain_text,
    app_routes_are_answered_with_index_html,
    missing_file_is_not_found,
    non_api_paths_only_answer_get,
);

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn login_form(email: &str, password: &str) -> LoginForm {
    LoginForm {
        email: email.into(),
        password: password.into(),
    }
}

/// The `Me` answer expected for the default [`signup_form`].
#[track_caller]
fn assert_is_anne_of_martin_et_fils(me: &Value) {
    assert_eq!(me["user"]["first_name"], "Anne");
    assert_eq!(me["user"]["last_name"], "Martin");
    assert_eq!(me["user"]["email"], "anne@martin.fr");
    assert_eq!(me["user"]["is_manager"], true);
    assert_eq!(me["company"]["legal_name"], "Martin & Fils SAS");
    assert_eq!(me["company"]["registration_number"], "732829320");
    assert_eq!(me["company"]["billing_country"], "FR");
}

/// The attributes of a `Set-Cookie` value (everything after the first `;`), trimmed.
fn cookie_attributes(set_cookie: &str) -> Vec<&str> {
    set_cookie.split(';').skip(1).map(str::trim).collect()
}

// Health and facts ------------------------------------------------------------------------------

async fn health_reports_the_database_in_use(backend: Backend) {
    let app = TestApp::start(backend).await;
    let reply = app.client().get("/api/health").await;
    assert_eq!(reply.status, StatusCode::OK);
    let health = reply.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["database"], backend.name());
    assert_eq!(health["today"], app.state.clock.today().to_string());
}

async fn health_today_follows_a_clock_started_on_a_given_date(backend: Backend) {
    let app = TestApp::options(backend)
        .today(date(2027, 1, 1))
        .start()
        .await;
    let reply = app.client().get("/api/health").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["today"], "2027-01-01");
}

async fn gtcs_reports_the_version_in_force(backend: Backend) {
    let app = TestApp::start(backend).await;
    let reply = app.client().get("/api/gtcs").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        json!({ "version": GTCS_VERSION, "url": "/legal/gtcs.txt" })
    );
}

// Sign-up ----------------------------------------------------------------------------------------

async fn signup_creates_the_company_and_signs_the_manager_in(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut client = app.client();
    let reply = client.post_json("/api/signup", &signup_form()).await;

    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let set_cookie = reply
        .session_cookie()
        .expect("sign-up sets the session cookie");
    let token = client.session().expect("the client kept the session");
    assert!(
        token.len() >= 32 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "token: {token}"
    );
    let attributes = cookie_attributes(set_cookie);
    for expected in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(
            attributes.contains(&expected),
            "missing {expected}: {set_cookie}"
        );
    }
    assert!(
        !attributes.contains(&"Secure"),
        "Secure without https: {set_cookie}"
    );
    let signed_up = reply.json();
    assert_is_anne_of_martin_et_fils(&signed_up);

    let me = client.get("/api/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json(), signed_up);
}

async fn signup_records_the_gtcs_acceptance(backend: Backend) {
    let app = TestApp::start(backend).await;
    let before = app.state.clock.now();
    let (_, me) = app.signed_up(&signup_form()).await;
    let after = app.state.clock.now();

    let company_id = me["company"]["id"].as_i64().unwrap();
    let user_id = me["user"]["id"].as_i64().unwrap();
    let recorded = accounts::acceptances(&app.state.db, company_id)
        .await
        .unwrap();
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    let acceptance = &recorded[0];
    assert_eq!(acceptance.gtcs_version, GTCS_VERSION);
    assert_eq!(acceptance.user_id, user_id);
    assert_eq!(acceptance.occasion, "signup");
    let accepted_at =
        chrono::DateTime::parse_from_rfc3339(&acceptance.accepted_at).expect("an RFC 3339 instant");
    assert!(
        before <= accepted_at && accepted_at <= after,
        "{accepted_at} not in [{before}, {after}]"
    );
}

async fn session_cookie_is_secure_when_configured(backend: Backend) {
    let app = TestApp::options(backend).secure_cookies().start().await;
    let mut client = app.client();
    let reply = client.post_json("/api/signup", &signup_form()).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let set_cookie = reply.session_cookie().unwrap();
    assert!(
        cookie_attributes(set_cookie).contains(&"Secure"),
        "{set_cookie}"
    );

    let logout = client.delete("/api/session").await;
    let cleared = logout.session_cookie().unwrap();
    assert!(cookie_attributes(cleared).contains(&"Secure"), "{cleared}");
}

async fn signup_refuses_each_invalid_field_and_writes_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let valid = signup_form();
    let cases: Vec<(SignupForm, &str, &str)> = vec![
        (
            SignupForm {
                legal_name: "".into(),
                ..valid.clone()
            },
            "legal_name",
            "required",
        ),
        (
            SignupForm {
                legal_name: "   ".into(),
                ..valid.clone()
            },
            "legal_name",
            "required",
        ),
        (
            SignupForm {
                registration_number: "732 829 321".into(),
                ..valid.clone()
            },
            "registration_number",
            "invalid",
        ),
        (
            SignupForm {
                billing_country: "XX".into(),
                ..valid.clone()
            },
            "billing_country",
            "invalid",
        ),
        (
            SignupForm {
                email: "anne.martin.fr".into(),
                ..valid.clone()
            },
            "email",
            "invalid",
        ),
        (
            SignupForm {
                email: "anne@martin".into(),
                ..valid.clone()
            },
            "email",
            "invalid",
        ),
        (
            SignupForm {
                password: "short".into(),
                ..valid.clone()
            },
            "password",
            "too_short",
        ),
        (
            SignupForm {
                accepted_gtcs_version: None,
                ..valid.clone()
            },
            "accepted_gtcs_version",
            "invalid",
        ),
        (
            SignupForm {
                accepted_gtcs_version: Some("2020-01".into()),
                ..valid.clone()
            },
            "accepted_gtcs_version",
            "invalid",
        ),
    ];
    for (form, field, code) in cases {
        let mut client = app.client();
        let reply = client.post_json("/api/signup", &form).await;
        assert_api_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, code, Some(field));
        assert!(
            reply.session_cookie().is_none(),
            "a refused sign-up set a cookie ({field})"
        );
    }
    // The acceptance box unticked, as the browser sends it: an explicit null.
    let mut unticked = serde_json::to_value(&valid).unwrap();
    unticked["accepted_gtcs_version"] = Value::Null;
    let reply = app.client().post_json("/api/signup", &unticked).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("accepted_gtcs_version"),
    );

    for table in ["companies", "users", "sessions", "gtcs_acceptances"] {
        assert_eq!(
            app.count(table).await,
            0,
            "refused sign-ups wrote to {table}"
        );
    }
    let (_, me) = app.signed_up(&valid).await;
    assert_eq!(
        me["company"]["id"], 1,
        "the first company created is number 1"
    );
}

async fn signup_with_a_taken_email_is_a_conflict_and_writes_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.signed_up(&signup_form()).await;

    for email in ["anne@martin.fr", "  Anne@MARTIN.fr  "] {
        let other = SignupForm {
            legal_name: "Another Company".into(),
            first_name: "Annie".into(),
            email: email.into(),
            ..signup_form()
        };
        let mut client = app.client();
        let reply = client.post_json("/api/signup", &other).await;
        assert_api_error(&reply, StatusCode::CONFLICT, "email_taken", Some("email"));
        assert!(
            client.session().is_none(),
            "a refused sign-up signed in ({email:?})"
        );
    }
    // The company row inserted before the user's failed is rolled back with it.
    assert_eq!(app.count("companies").await, 1);
    assert_eq!(app.count("users").await, 1);
    assert_eq!(app.count("gtcs_acceptances").await, 1);
    assert_eq!(app.count("sessions").await, 1);
}

async fn signup_with_a_malformed_body_is_a_bad_request(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut client = app.client();

    let reply = client
        .post_raw("/api/signup", "application/json", "{\"legal_name\": ")
        .await;
    assert_api_error(&reply, StatusCode::BAD_REQUEST, "malformed_body", None);

    let reply = client
        .post_raw(
            "/api/signup",
            "application/json",
            "{\"legal_name\": \"Martin\"}",
        )
        .await;
    assert_api_error(&reply, StatusCode::BAD_REQUEST, "malformed_body", None);

    let body = serde_json::to_string(&signup_form()).unwrap();
    let reply = client.post_raw("/api/signup", "text/plain", &body).await;
    assert_api_error(&reply, StatusCode::BAD_REQUEST, "malformed_body", None);

    assert_eq!(app.count("companies").await, 0);
}

// Log-in and log-out -----------------------------------------------------------------------------

async fn login_with_the_right_password_opens_a_session(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (signup_client, signed_up) = app.signed_up(&signup_form()).await;

    let mut client = app.client();
    let reply = client
        .post_json(
            "/api/session",
            &login_form("anne@martin.fr", "correct horse battery"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let set_cookie = reply
        .session_cookie()
        .expect("log-in sets the session cookie");
    assert!(
        cookie_attributes(set_cookie).contains(&"HttpOnly"),
        "{set_cookie}"
    );
    assert_eq!(reply.json(), signed_up);
    assert_ne!(
        client.session(),
        signup_client.session(),
        "each log-in opens its own session"
    );

    let me = client.get("/api/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json(), signed_up);
}

async fn login_email_is_case_insensitive(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.signed_up(&SignupForm {
        email: "Anne@Martin.FR".into(),
        ..signup_form()
    })
    .await;

    for email in ["anne@martin.fr", "ANNE@MARTIN.FR", " Anne@martin.fr "] {
        let mut client = app.client();
        let reply = client
            .post_json("/api/session", &login_form(email, "correct horse battery"))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "log-in as {email:?}: {}",
            reply.text()
        );
        assert_eq!(reply.json()["user"]["email"], "anne@martin.fr");
        assert_eq!(client.get("/api/me").await.status, StatusCode::OK);
    }
}

async fn wrong_password_and_unknown_email_get_identical_answers(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.signed_up(&signup_form()).await;

    let mut client = app.client();
    let wrong_password = client
        .post_json(
            "/api/session",
            &login_form("anne@martin.fr", "not her password"),
        )
        .await;
    let unknown_email = client
        .post_json(
            "/api/session",
            &login_form("nobody@martin.fr", "correct horse battery"),
        )
        .await;

    assert_api_error(
        &wrong_password,
        StatusCode::UNAUTHORIZED,
        "wrong_credentials",
        None,
    );
    assert_api_error(
        &unknown_email,
        StatusCode::UNAUTHORIZED,
        "wrong_credentials",
        None,
    );
    assert_eq!(
        wrong_password.body, unknown_email.body,
        "the answers must not tell which was wrong"
    );
    assert!(wrong_password.session_cookie().is_none() && unknown_email.session_cookie().is_none());
    assert!(client.session().is_none());
    assert_eq!(
        app.count("sessions").await,
        1,
        "only the sign-up's session exists"
    );
}

async fn login_with_an_empty_field_is_refused_by_field(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut client = app.client();
    let no_email = client
        .post_json("/api/session", &login_form("", "correct horse battery"))
        .await;
    assert_api_error(
        &no_email,
        StatusCode::UNPROCESSABLE_ENTITY,
        "required",
        Some("email"),
    );
    let no_password = client
        .post_json("/api/session", &login_form("anne@martin.fr", ""))
        .await;
    assert_api_error(
        &no_password,
        StatusCode::UNPROCESSABLE_ENTITY,
        "required",
        Some("password"),
    );
}

async fn logout_clears_the_cookie_and_ends_the_session_on_the_server(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut client, _) = app.signed_up(&signup_form()).await;
    let old_token = client.session().unwrap().to_owned();

    let reply = client.delete("/api/session").await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert!(reply.body.is_empty());
    let cleared = reply.session_cookie().expect("log-out clears the cookie");
    assert!(cleared.starts_with("console_session=;"), "{cleared}");
    let attributes = cookie_attributes(cleared);
    for expected in ["Max-Age=0", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(
            attributes.contains(&expected),
            "missing {expected}: {cleared}"
        );
    }
    assert!(client.session().is_none());

    // A copy of the old cookie (stolen, or kept by a careless browser) no longer works.
    let replayed = app.client_with_session(&old_token).get("/api/me").await;
    assert_api_error(&replayed, StatusCode::UNAUTHORIZED, "unauthenticated", None);
    assert_eq!(app.count("sessions").await, 0);

    // Logging out again, or without a session, is harmless.
    assert_eq!(
        app.client().delete("/api/session").await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.client_with_session(&old_token)
            .delete("/api/session")
            .await
            .status,
        StatusCode::NO_CONTENT
    );
}

// Who is signed in ---------------------------------------------------------------------------------

async fn me_without_a_cookie_is_unauthenticated(backend: Backend) {
    let app = TestApp::start(backend).await;
    let reply = app.client().get("/api/me").await;
    assert_api_error(&reply, StatusCode::UNAUTHORIZED, "unauthenticated", None);
}

async fn me_with_a_garbage_cookie_is_unauthenticated(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.signed_up(&signup_form()).await;
    let unknown_but_well_formed = "ab".repeat(32);
    for token in [
        "garbage",
        "'; DROP TABLE sessions; --",
        unknown_but_well_formed.as_str(),
    ] {
        let mut client = app.client();
        let reply = client
            .send(
                Method::GET,
                "/api/me",
                &[("cookie", &format!("console_session={token}"))],
                Body::empty(),
            )
            .await;
        assert_api_error(&reply, StatusCode::UNAUTHORIZED, "unauthenticated", None);
    }
    assert_eq!(app.count("sessions").await, 1);
}

async fn session_expires_after_fourteen_days(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut client, _) = app.signed_up(&signup_form()).await;

    // Used at least once a week (it would end idle otherwise), it lasts until day 14.
    for _ in 0..2 {
        app.state.clock.advance_days(6);
        assert_eq!(client.get("/api/me").await.status, StatusCode::OK);
    }
    app.state.clock.advance_days(1);
    assert_eq!(
        client.get("/api/me").await.status,
        StatusCode::OK,
        "still valid on day 13"
    );

    app.state
        .clock
        .shift_by(TimeDelta::days(1) + TimeDelta::minutes(1));
    let reply = client.get("/api/me").await;
    assert_api_error(&reply, StatusCode::UNAUTHORIZED, "unauthenticated", None);
}

async fn unknown_api_path_is_a_json_not_found(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut client = app.client();
    for reply in [
        client.get("/api/nope").await,
        client.get("/api/me/nope").await,
        client.get("/api").await,
        client.get("/api/").await,
        client.post_json("/api/nope", &json!({})).await,
        client.post_json("/api/", &json!({})).await,
    ] {
        assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
    }
}

async fn wrong_method_on_an_api_route_is_a_json_405(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut client = app.client();
    let get_signup = client.get("/api/signup").await;
    assert_api_error(
        &get_signup,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        None,
    );
    assert_eq!(get_signup.header("allow"), Some("POST"));
    let put_session = client
        .send(Method::PUT, "/api/session", &[], Body::empty())
        .await;
    assert_api_error(
        &put_session,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        None,
    );
    assert_eq!(put_session.header("allow"), Some("POST,DELETE"));
}

// The built app ------------------------------------------------------------------------------------

#[track_caller]
fn assert_serves(reply: &Reply, content_type: &str, cache_control: &str) {
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), Some(content_type));
    assert_eq!(reply.header("cache-control"), Some(cache_control));
}

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const JS: &str = "/console-0123456789abcdef.js";

async fn index_html_is_served_uncached(backend: Backend) {
    let app = TestApp::start(backend).await;
    let reply = app.client().get("/index.html").await;
    assert_serves(&reply, "text/html; charset=utf-8", "no-cache");
    assert_eq!(reply.text(), support::INDEX_HTML);
    let root = app.client().get("/").await;
    assert_serves(&root, "text/html; charset=utf-8", "no-cache");
    assert_eq!(root.text(), support::SIGNIN_HTML);
}

async fn hashed_files_are_immutable_with_their_content_types(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut client = app.client();

    let js = client.get(JS).await;
    assert_eq!(js.status, StatusCode::OK);
    let js_type = js.header("content-type").unwrap();
    assert!(
        ["text/javascript", "application/javascript"]
            .iter()
            .any(|kind| js_type.starts_with(kind)),
        "JavaScript served as {js_type}"
    );
    assert_eq!(js.header("cache-control"), Some(IMMUTABLE));
    assert_eq!(
        js.header("content-encoding"),
        None,
        "nothing accepted, nothing encoded"
    );
    assert_eq!(js.text(), support::app_javascript());

    let wasm = client.get("/console-0123456789abcdef_bg.wasm").await;
    assert_serves(&wasm, "application/wasm", IMMUTABLE);
    assert_eq!(wasm.body, support::WASM_BYTES);
}

async fn javascript_is_brotli_compressed_when_accepted(backend: Backend) {
    let app = TestApp::start(backend).await;
    let reply = app
        .client()
        .get_with(JS, &[("accept-encoding", "gzip, deflate, br")])
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-encoding"), Some("br"));
    assert_eq!(reply.header("vary"), Some("accept-encoding"));
    assert_eq!(reply.header("cache-control"), Some(IMMUTABLE));
    let original = support::app_javascript();
    assert!(
        reply.body.len() < original.len(),
        "brotli did not shrink the file"
    );
    let mut decompressed = Vec::new();
    brotli::BrotliDecompress(&mut reply.body.as_slice(), &mut decompressed).expect("valid brotli");
    assert_eq!(decompressed, original.as_bytes());
}

async fn javascript_is_gzip_compressed_when_only_gzip_is_accepted(backend: Backend) {
    let app = TestApp::start(backend).await;
    let reply = app
        .client()
        .get_with(JS, &[("accept-encoding", "gzip")])
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-encoding"), Some("gzip"));
    assert_eq!(reply.header("vary"), Some("accept-encoding"));
    let mut decompressed = String::new();
    flate2::read::GzDecoder::new(reply.body.as_slice())
        .read_to_string(&mut decompressed)
        .expect("valid gzip");
    assert_eq!(decompressed, support::app_javascript());

    let refused = app
        .client()
        .get_with(JS, &[("accept-encoding", "br;q=0, gzip;q=0")])
        .await;
    assert_eq!(refused.header("content-encoding"), None);
    assert_eq!(refused.text(), support::app_javascript());
}

async fn legal_text_is_served_as_plain_text(backend: Backend) {
    let app = TestApp::start(backend).await;
    let reply = app.client().get("/legal/gtcs.txt").await;
    assert_serves(&reply, "text/plain; charset=utf-8", "no-cache");
    assert_eq!(reply.text(), support::GTCS_TEXT);
}

/// Each app route is answered with the page of the bundle serving it (`protocol::bundle`).
async fn app_routes_are_answered_with_index_html(backend: Backend) {
    let app = TestApp::start(backend).await;
    for (route, page) in [
        ("/console/users/42", support::INDEX_HTML),
        ("/nowhere", support::INDEX_HTML),
        ("/account/two-factor", support::SIGNIN_HTML),
        ("/app/account", support::SIGNIN_HTML),
        ("/login", support::SIGNIN_HTML),
        ("/signup?next=%2Fconsole", support::SIGNIN_HTML),
        ("/invitation/abc", support::SIGNIN_HTML),
        ("/app/login", support::SIGNIN_HTML),
        ("/app", support::WEBAPP_HTML),
        ("/app/numbers/3/messages/new", support::WEBAPP_HTML),
        ("/app/accounts", support::WEBAPP_HTML),
    ] {
        let reply = app.client().get(route).await;
        assert_serves(&reply, "text/html; charset=utf-8", "no-cache");
        assert_eq!(reply.text(), page, "{route}");
    }
}

async fn missing_file_is_not_found(backend: Backend) {
    let app = TestApp::start(backend).await;
    for path in [
        "/missing.js",
        "/legal/missing.txt",
        "/console-fedcba9876543210_bg.wasm",
    ] {
        let reply = app.client().get(path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert_ne!(
            reply.text(),
            support::INDEX_HTML,
            "{path} answered with the app"
        );
    }
}

async fn non_api_paths_only_answer_get(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut client = app.client();
    let post = client
        .send(Method::POST, "/index.html", &[], Body::empty())
        .await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    let post_route = client.post_json("/console/users/42", &json!({})).await;
    assert_eq!(post_route.status, StatusCode::METHOD_NOT_ALLOWED);
    let delete = client.send(Method::DELETE, JS, &[], Body::empty()).await;
    assert_eq!(delete.status, StatusCode::METHOD_NOT_ALLOWED);
    let head = client
        .send(Method::HEAD, "/index.html", &[], Body::empty())
        .await;
    assert_eq!(head.status, StatusCode::OK);
}
