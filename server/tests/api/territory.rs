//! Territory changes through the API, on SQLite and PostgreSQL (NUM-3; house reading
//! "Territory"): when a User's residence or stable links change so that a Number they hold no
//! longer meets NUM-2, the change is saved, the Manager is told which Numbers no longer qualify
//! (in the answer, on the User page and by email to every Manager), and the provider may then
//! suspend the User for "territory no longer met" — not before.

use crate::support::{
    ADMIN_TOKEN, Backend, Client, TestApp, admin, admin_app_on, admin_post, an_order,
    assert_api_error, count_where, ready_company, signup_form,
};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

on_both_databases!(a_move_out_of_territory_is_saved_said_and_grounds_a_suspension);

fn alice(residence: &str, links: &[&str]) -> Value {
    json!({
        "first_name": "Alice", "last_name": "Martin", "email": "alice@martin.fr",
        "mobile": "+33 6 50 00 00 01", "residence_country": residence, "stable_links": links,
    })
}

/// Alice, resident in France, holds the Company's French Number: her id and the Number's E.164.
async fn alice_with_a_french_number(manager: &mut Client) -> (i64, String) {
    an_order("BUSINESS").key("order-1").place(manager).await;
    let numbers = manager.get("/api/console/numbers").await.json();
    let number = numbers[0]["id"].as_i64().unwrap();
    let e164 = numbers[0]["e164"].as_str().unwrap().to_owned();
    let reply = manager
        .post_json("/api/console/users", &alice("FR", &[]))
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
    (alice_id, e164)
}

async fn suspend_for_territory(app: &TestApp, user_id: i64) -> crate::support::Reply {
    admin_post(
        app,
        &format!("/api/admin/users/{user_id}/suspension"),
        json!({"reason": "territory_no_longer_met", "details": ""}),
    )
    .await
}

async fn a_move_out_of_territory_is_saved_said_and_grounds_a_suspension(backend: Backend) {
    let app = admin_app_on(backend, "2026-09-01").await;
    let mut manager = ready_company(&app, &signup_form()).await;
    let (alice_id, e164) = alice_with_a_french_number(&mut manager).await;
    let page = format!("/api/console/users/{alice_id}");

    // Resident in France: nothing to say, and no ground for that suspension.
    let shown = manager.get(&page).await.expect_json(StatusCode::OK);
    assert_eq!(shown["numbers_out_of_territory"], json!([]));
    let reply = suspend_for_territory(&app, alice_id).await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "territory_still_met",
        Some("reason"),
    );

    // She moves to Belgium without stable links to France: saved, and the Manager is told.
    let reply = manager.put_json(&page, &alice("BE", &[])).await;
    let saved = reply.expect_json(StatusCode::OK);
    assert_eq!(saved["residence_country"], "BE");
    assert_eq!(saved["first_name"], "Alice");
    let out = saved["numbers_out_of_territory"].as_array().unwrap();
    assert_eq!(out.len(), 1, "{saved}");
    assert_eq!(out[0]["e164"], e164.as_str());
    assert_eq!(out[0]["country"], "FR");
    let message = out[0]["message"].as_str().unwrap();
    assert!(
        message.contains("is in France: Alice Martin no longer resides in France"),
        "{message}"
    );
    let shown = manager.get(&page).await.expect_json(StatusCode::OK);
    assert_eq!(shown["user"]["residence_country"], "BE");
    assert_eq!(
        shown["numbers_out_of_territory"],
        saved["numbers_out_of_territory"]
    );
    assert_eq!(
        count_where(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'user.territory_no_longer_met'"
        )
        .await,
        1
    );
    // Every Manager is emailed which Numbers no longer qualify (here the only one, who signed up).
    let told = format!(
        "SELECT COUNT(*) FROM outbox o JOIN users u ON u.email = o.recipient \
         WHERE u.role = 'manager' AND o.subject = 'Alice Martin''s Numbers no longer meet \
         the territorial condition' AND o.body LIKE '%- {e164}%'"
    );
    assert_eq!(count_where(&app, &told).await, 1);

    // The provider's Company page lists her with that Number; she is found by a part of her name.
    let company_id = count_where(
        &app,
        &format!("SELECT company_id FROM users WHERE id = {alice_id}"),
    )
    .await;
    let detail = admin(
        &app,
        Method::GET,
        &format!("/api/admin/companies/{company_id}"),
        None,
        ADMIN_TOKEN,
    )
    .await
    .expect_json(StatusCode::OK);
    let listed = detail["out_of_territory"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{detail}");
    assert_eq!(listed[0]["user"]["id"], alice_id);
    assert_eq!(listed[0]["user"]["name"], "Alice Martin");
    assert_eq!(listed[0]["numbers"][0]["e164"], e164.as_str());
    let search = |text: &str| format!("/api/admin/companies/{company_id}/users?q={text}");
    let found = admin(&app, Method::GET, &search("aLiCe%20mar"), None, ADMIN_TOKEN)
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["email"], "alice@martin.fr");
    // A wildcard is taken as the character it is, and one letter is not enough to search.
    let found = admin(&app, Method::GET, &search("%25%25"), None, ADMIN_TOKEN)
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(found, json!([]));
    let reply = admin(&app, Method::GET, &search("a"), None, ADMIN_TOKEN).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("q"),
    );

    // The provider may now suspend her for that reason.
    let reply = suspend_for_territory(&app, alice_id).await;
    let suspensions = reply.expect_json(StatusCode::CREATED);
    assert_eq!(suspensions["users"][0]["user_id"], alice_id);
    assert_eq!(suspensions["users"][0]["reason"], "territory_no_longer_met");
    let listed = manager
        .get("/api/console/suspensions")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(listed["users"][0]["reason"], "territory_no_longer_met");

    // Stable links to France declared: her Number qualifies again.
    let reply = manager.put_json(&page, &alice("BE", &["FR"])).await;
    let saved = reply.expect_json(StatusCode::OK);
    assert_eq!(saved["numbers_out_of_territory"], json!([]));
    assert_eq!(saved["stable_links"], json!(["FR"]));
    let detail = admin(
        &app,
        Method::GET,
        &format!("/api/admin/companies/{company_id}"),
        None,
        ADMIN_TOKEN,
    )
    .await
    .expect_json(StatusCode::OK);
    assert_eq!(detail["out_of_territory"], json!([]));
    // Qualifying again is no news: no second email.
    assert_eq!(count_where(&app, &told).await, 1);
}
