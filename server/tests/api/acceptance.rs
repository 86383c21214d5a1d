//! Issue 15, point 5 — employees' acceptance of the WebApp's terms (ACCEPT-1): until a person
//! accepted the GCU and privacy notice in force, the WebApp's routes answer 403
//! `terms_acceptance_needed`; an acceptance of other versions is refused; the one of the versions
//! in force is recorded (who, which, when), written to the proof log and shown to the Manager on
//! the User's page; a new version in force asks again.

use axum::http::StatusCode;
use chrono::Utc;
use protocol::terms::{Document, TermsInForce};
use serde_json::{Value, json};
use server::api::{GCU_VERSION, PRIVACY_VERSION};

use crate::support::{
    Backend, Client, TestApp, accept_terms, an_order, assert_api_error, count_where, logged,
    ready_company, signup_form,
};

on_both_databases!(
    a_new_employee_accepts_the_terms_before_the_webapp_answers,
    a_new_version_in_force_asks_again,
    a_deleted_user_s_acceptance_stays_as_proof,
);

/// A Company whose Manager gave a Number to a new employee, Alice: the Manager's client, and
/// Alice's id and client (signed in, nothing accepted yet).
async fn alice_joins(app: &TestApp) -> (Client, i64, Client) {
    let mut manager = ready_company(app, &signup_form()).await;
    an_order("BUSINESS")
        .key("alice-order")
        .place(&mut manager)
        .await;
    let numbers = manager.get("/api/console/numbers").await.json();
    let number = numbers[0]["id"].as_i64().unwrap();
    let reply = manager
        .post_json(
            "/api/console/users",
            &json!({
                "first_name": "Alice", "last_name": "Martin", "email": "alice@martin.fr",
                "mobile": "+33 6 50 00 00 01", "residence_country": "FR", "stable_links": [],
            }),
        )
        .await;
    let alice_id = reply.expect_json(StatusCode::CREATED)["id"]
        .as_i64()
        .unwrap();
    let reply = manager
        .put_json(
            &format!("/api/console/numbers/{number}/user"),
            &json!({"user_id": alice_id}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let alice = app.client_signed_in_as(alice_id).await;
    (manager, alice_id, alice)
}

async fn terms_on_users_page(manager: &mut Client, user_id: i64) -> Value {
    manager
        .get(&format!("/api/console/users/{user_id}"))
        .await
        .expect_json(StatusCode::OK)["terms"]
        .clone()
}

fn acceptance(gcu: &str, privacy: &str) -> Value {
    json!({"gcu_version": gcu, "privacy_version": privacy})
}

async fn a_new_employee_accepts_the_terms_before_the_webapp_answers(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, alice_id, mut alice) = alice_joins(&app).await;

    // The versions in force, where to read them, and that Alice has not accepted them.
    let legal = alice.get("/api/legal").await.expect_json(StatusCode::OK);
    assert_eq!(legal["gcu"]["version"], GCU_VERSION);
    assert_eq!(legal["privacy"]["version"], PRIVACY_VERSION);
    assert_eq!(legal["gtcs"]["version"], server::api::GTCS_VERSION);
    assert!(
        legal["gcu"]["url"]
            .as_str()
            .unwrap()
            .starts_with("/legal/gcu-")
    );
    let me = alice.get("/api/me").await.expect_json(StatusCode::OK);
    assert_eq!(me["terms"]["accepted"], false);
    assert_eq!(me["terms"]["in_force"], legal_terms(&legal));

    // Until she accepts, the WebApp's routes refuse her, reading and writing alike.
    for reply in [
        alice.get("/api/app/home").await,
        alice.get("/api/app/numbers/1/calls").await,
        alice
            .post_json(
                "/api/app/numbers/1/messages",
                &json!({"to": "+33612345678", "text": "Hello"}),
            )
            .await,
    ] {
        assert_api_error(
            &reply,
            StatusCode::FORBIDDEN,
            "terms_acceptance_needed",
            None,
        );
    }
    // The Manager's console does not wait for the WebApp's terms (they accepted the GTCS), but
    // the WebApp asks them too.
    assert_eq!(
        manager.get("/api/console/users").await.status,
        StatusCode::OK
    );
    assert_api_error(
        &manager.get("/api/app/home").await,
        StatusCode::FORBIDDEN,
        "terms_acceptance_needed",
        None,
    );
    let shown = terms_on_users_page(&mut manager, alice_id).await;
    assert_eq!(shown["gcu"], Value::Null);
    assert_eq!(shown["privacy"], Value::Null);
    assert_eq!(shown["in_force"], legal_terms(&legal));

    // Versions other than those in force are refused, naming which one, and nothing is kept.
    let reply = alice
        .post_json(
            "/api/me/acceptance",
            &acceptance("2020-01", PRIVACY_VERSION),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "terms_not_in_force",
        Some("gcu_version"),
    );
    let reply = alice
        .post_json("/api/me/acceptance", &acceptance(GCU_VERSION, ""))
        .await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "terms_not_in_force",
        Some("privacy_version"),
    );
    assert_eq!(app.count("terms_acceptances").await, 0);
    let subject = format!("user:{alice_id}");
    assert_eq!(logged(&app, "user.accept_terms", &subject).await, 0);

    // The versions in force are accepted: recorded, in the proof log, and the WebApp opens.
    let before = Utc::now();
    let reply = alice
        .post_json(
            "/api/me/acceptance",
            &acceptance(GCU_VERSION, PRIVACY_VERSION),
        )
        .await;
    let me = reply.expect_json(StatusCode::OK);
    assert_eq!(me["terms"]["accepted"], true);
    assert_eq!(me["user"]["id"], alice_id);
    assert_eq!(alice.get("/api/me").await.json()["terms"]["accepted"], true);
    assert_eq!(alice.get("/api/app/home").await.status, StatusCode::OK);
    let recorded = count_where(
        &app,
        &format!(
            "SELECT COUNT(*) FROM terms_acceptances WHERE user_id = {alice_id}
               AND occasion = 'webapp'
               AND ((document = 'gcu' AND version = '{GCU_VERSION}')
                 OR (document = 'privacy' AND version = '{PRIVACY_VERSION}'))"
        ),
    )
    .await;
    assert_eq!(recorded, 2);
    assert_eq!(logged(&app, "user.accept_terms", &subject).await, 1);
    let entries = manager
        .get("/api/console/activity")
        .await
        .expect_json(StatusCode::OK)["entries"]
        .clone();
    let entry = entries
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["action"] == "user.accept_terms")
        .unwrap_or_else(|| panic!("no acceptance in the proof log: {entries}"));
    assert_eq!(entry["subject"], subject);
    assert!(
        entry.to_string().contains(GCU_VERSION),
        "the entry names the versions: {entry}"
    );

    // The Manager sees what she accepted, and when.
    let shown = terms_on_users_page(&mut manager, alice_id).await;
    assert_eq!(shown["gcu"]["version"], GCU_VERSION);
    assert_eq!(shown["privacy"]["version"], PRIVACY_VERSION);
    let accepted_at: chrono::DateTime<Utc> = shown["gcu"]["accepted_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(accepted_at >= before - chrono::TimeDelta::seconds(1));
    assert_eq!(
        shown["gcu"]["accepted_on"],
        server::clock::paris_day(accepted_at).to_string()
    );

    // Accepting again what she already accepted records nothing new.
    let reply = alice
        .post_json(
            "/api/me/acceptance",
            &acceptance(GCU_VERSION, PRIVACY_VERSION),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(app.count("terms_acceptances").await, 2);
    assert_eq!(logged(&app, "user.accept_terms", &subject).await, 1);

    // The Manager, once they accept too, opens the WebApp.
    accept_terms(&mut manager).await;
    assert_eq!(manager.get("/api/app/home").await.status, StatusCode::OK);
}

/// `GET /api/legal`'s GCU and privacy notice, as `TermsInForce` is on the wire.
fn legal_terms(legal: &Value) -> Value {
    json!({"gcu": legal["gcu"], "privacy": legal["privacy"]})
}

async fn a_new_version_in_force_asks_again(backend: Backend) {
    let mut app = TestApp::start(backend).await;
    let team = app.employees("BUSINESS").await;
    let (mut manager, mut alice) = (team.manager, team.alice);
    assert_eq!(alice.get("/api/app/home").await.status, StatusCode::OK);

    // A new GCU comes into force (the privacy notice stays).
    app.put_terms_in_force(TermsInForce {
        gcu: Document {
            version: "2027-01".into(),
            url: "/legal/gcu-2027-01.txt".into(),
        },
        privacy: Document {
            version: PRIVACY_VERSION.into(),
            url: server::api::PRIVACY_URL.into(),
        },
    });
    let mut alice_now = app.client_with_session(alice.session().unwrap());
    let mut manager_now = app.client_with_session(manager.session().unwrap());
    let legal = alice_now.get("/api/legal").await.json();
    assert_eq!(legal["gcu"]["version"], "2027-01");
    assert_eq!(legal["gcu"]["url"], "/legal/gcu-2027-01.txt");
    let me = alice_now.get("/api/me").await.json();
    assert_eq!(me["terms"]["accepted"], false);
    assert_eq!(me["terms"]["in_force"]["gcu"]["version"], "2027-01");
    assert_api_error(
        &alice_now.get("/api/app/home").await,
        StatusCode::FORBIDDEN,
        "terms_acceptance_needed",
        None,
    );
    // The Manager sees the version she accepted, older than the one in force.
    let shown = terms_on_users_page(&mut manager_now, team.alice_id).await;
    assert_eq!(shown["gcu"]["version"], GCU_VERSION);
    assert_eq!(shown["in_force"]["gcu"]["version"], "2027-01");

    // The old version is no longer accepted; the new one is, and the WebApp opens again.
    let reply = alice_now
        .post_json(
            "/api/me/acceptance",
            &acceptance(GCU_VERSION, PRIVACY_VERSION),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "terms_not_in_force",
        Some("gcu_version"),
    );
    let reply = alice_now
        .post_json(
            "/api/me/acceptance",
            &acceptance("2027-01", PRIVACY_VERSION),
        )
        .await;
    assert_eq!(reply.json()["terms"]["accepted"], true, "{}", reply.text());
    assert_eq!(alice_now.get("/api/app/home").await.status, StatusCode::OK);
    let subject = format!("user:{}", team.alice_id);
    assert_eq!(logged(&app, "user.accept_terms", &subject).await, 2);
    let shown = terms_on_users_page(&mut manager_now, team.alice_id).await;
    assert_eq!(shown["gcu"]["version"], "2027-01");
    assert_eq!(shown["privacy"]["version"], PRIVACY_VERSION);
    // Bob, who has not accepted the new version yet, is still asked.
    let mut bob_now = app.client_with_session(team.bob.session().unwrap());
    assert_api_error(
        &bob_now.get("/api/app/home").await,
        StatusCode::FORBIDDEN,
        "terms_acceptance_needed",
        None,
    );
    // The old server's clients (the old versions) are gone with it; the Manager's console is
    // untouched by the new GCU.
    assert_eq!(
        manager.get("/api/console/users").await.status,
        StatusCode::OK
    );
}

async fn a_deleted_user_s_acceptance_stays_as_proof(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, alice_id, mut alice) = alice_joins(&app).await;
    accept_terms(&mut alice).await;
    // Her Number goes back to the Company first (NUM-1), then she is deleted.
    let numbers = manager.get("/api/console/numbers").await.json();
    let number = numbers[0]["id"].as_i64().unwrap();
    let reply = manager
        .delete(&format!("/api/console/numbers/{number}/user"))
        .await;
    assert!(reply.status.is_success(), "{}", reply.text());
    let reply = manager
        .delete(&format!("/api/console/users/{alice_id}"))
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());
    // The acceptance stays, under the pseudonymous account.
    let kept = count_where(
        &app,
        &format!("SELECT COUNT(*) FROM terms_acceptances WHERE user_id = {alice_id}"),
    )
    .await;
    assert_eq!(kept, 2);
    let named = count_where(
        &app,
        &format!("SELECT COUNT(*) FROM users WHERE id = {alice_id} AND email = 'alice@martin.fr'"),
    )
    .await;
    assert_eq!(named, 0);
}
