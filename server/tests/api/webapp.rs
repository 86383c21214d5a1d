//! Issue 6, point 1 — the WebApp's home: each User sees their own Numbers with this month's
//! usage, and why they cannot message or call when suspended (SUSP-1).

use crate::support::{Backend, TestApp};
use axum::http::StatusCode;
use serde_json::json;

on_both_databases!(
    home_lists_only_the_users_own_numbers,
    home_says_why_a_suspended_user_cannot_communicate
);

async fn home_lists_only_the_users_own_numbers(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut team = app.employees("BUSINESS").await;
    let home = team.alice.get("/api/app/home").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.text());
    let home = home.json();
    let numbers = home["numbers"].as_array().unwrap();
    assert_eq!(numbers.len(), 1, "{home}");
    assert_eq!(numbers[0]["e164"], team.alice_number.1.as_str());
    assert_eq!(numbers[0]["plan_name"], "Business");
    assert_eq!(numbers[0]["calls_with_credits"], false);
    assert_eq!(numbers[0]["usage"]["minutes_used"], 0);
    assert_eq!(numbers[0]["usage"]["minutes_included"], 1000);
    assert_eq!(numbers[0]["usage"]["sms_included"], 500);
    assert_eq!(home["suspended"], serde_json::Value::Null);
    assert!(!home.to_string().contains(&team.bob_number.1));
    // The Manager holds no Number: an empty WebApp, not an error.
    let home = team.manager.get("/api/app/home").await.json();
    assert_eq!(home["numbers"], json!([]));
}

async fn home_says_why_a_suspended_user_cannot_communicate(backend: Backend) {
    let app = TestApp::options(backend).start().await;
    let mut team = app.employees("BUSINESS").await;
    app.suspend_user(team.bob_id).await;
    let bob = team.bob.get("/api/app/home").await.json();
    let reason = bob["suspended"].as_str().unwrap();
    assert!(
        reason.contains("Your User Account has been suspended"),
        "{reason}"
    );
    let alice = team.alice.get("/api/app/home").await.json();
    assert_eq!(alice["suspended"], serde_json::Value::Null);
}
