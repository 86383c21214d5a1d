//! Issue 6, point 2 — the WebApp's messages (MSG-1, NUM-5): two employees text each other and
//! the recipient sees it live; outside numbers go through the carrier and its receipts; SMS abroad
//! are paid with Credits per part; emergency and short numbers are refused; parts are counted in
//! GSM-7 or UCS-2; MMS images are checked and readable only by the two sides; a suspended User
//! cannot send (SUSP-1); one employee never reads another's conversations.

use std::sync::Arc;
use std::time::Duration;

use crate::support::live::{events, listen};
use crate::support::{Backend, Client, Employees, TestApp, assert_api_error, top_up};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use futures_util::StreamExt;
use http_body_util::BodyExt;
use protocol::webapp::{AppEvent, DeliveryStatus, Direction};
use serde_json::{Value, json};
use server::carrier::CarrierFuture;
use server::carrier::sms::{DeliveryReceipt, Handover, OutgoingSms, Receipts, SmsCarrier};
use tower::ServiceExt;

on_both_databases!(
    alice_texts_bob_who_sees_it_live,
    outside_numbers_go_through_the_carrier_and_its_receipts,
    messages_abroad_are_paid_with_credits_per_part,
    emergency_special_and_short_numbers_are_refused,
    parts_are_counted_in_gsm7_or_ucs2,
    mms_images_are_checked_and_readable_by_both_sides_only,
    a_suspended_user_cannot_send,
    one_employee_cannot_read_anothers_conversations,
    a_hosted_number_without_a_user_keeps_nothing_for_the_next_one,
);

fn messages_of(number: &(i64, String)) -> String {
    format!("/api/app/numbers/{}/messages", number.0)
}

fn conversations_of(number: &(i64, String)) -> String {
    format!("/api/app/numbers/{}/conversations", number.0)
}

fn conversation(number: &(i64, String), correspondent: &str) -> String {
    format!(
        "/api/app/numbers/{}/conversations/{correspondent}",
        number.0
    )
}

async fn send(client: &mut Client, from: &(i64, String), to: &str, body: &str) -> Value {
    let reply = client
        .post_json(&messages_of(from), &json!({"to": to, "body": body}))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()
}

/// The usage of the client's first Number, from the WebApp's home.
async fn usage(client: &mut Client) -> Value {
    let home = client.get("/api/app/home").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.text());
    home.json()["numbers"][0]["usage"].clone()
}

/// Bob's Number as he would type it: national French form with spaces.
fn national(e164: &str) -> String {
    let digits = e164.trim_start_matches("+33");
    format!("0{} {}", &digits[..1], &digits[1..])
}

async fn alice_texts_bob_who_sees_it_live(backend: Backend) {
    let app = TestApp::start(backend).await;
    let Employees {
        mut alice,
        alice_number,
        mut bob,
        bob_id,
        bob_number,
        ..
    } = app.employees("BUSINESS").await;

    // Bob has the WebApp open: a real server, a real WebSocket with his session cookie.
    let address = listen(&app).await;
    let mut socket = events(&app, address, &bob, bob_id).await;

    // Alice types Bob's Number as a French national number.
    let sent = send(
        &mut alice,
        &alice_number,
        &national(&bob_number.1),
        "Lunch at 1?",
    )
    .await;
    assert_eq!(sent["direction"], "outgoing");
    assert_eq!(sent["correspondent"], bob_number.1.as_str());
    assert_eq!(
        sent["status"], "delivered",
        "hosted here: delivered at once"
    );
    assert_eq!(
        (sent["encoding"].as_str(), sent["segments"].as_i64()),
        (Some("gsm7"), Some(1))
    );
    assert_eq!(sent["credits"], "0.00");

    // It reaches Bob live.
    let frame = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .expect("an event within 5 s")
        .expect("the socket stays open")
        .unwrap();
    let event: AppEvent = serde_json::from_str(frame.to_text().unwrap()).unwrap();
    let AppEvent::Message { message } = event else {
        panic!("expected a message, got {event:?}");
    };
    assert_eq!(
        (message.direction, message.status, message.body.as_str()),
        (Direction::Incoming, DeliveryStatus::Received, "Lunch at 1?")
    );
    assert_eq!(
        (message.number_id, message.correspondent.as_str()),
        (bob_number.0, alice_number.1.as_str())
    );

    // Bob's list shows it unread, then reading the conversation marks it read.
    let list = bob.get(&conversations_of(&bob_number)).await.json();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["correspondent"], alice_number.1.as_str());
    assert_eq!(list[0]["unread"], 1);
    assert_eq!(list[0]["last"]["body"], "Lunch at 1?");
    let thread = bob
        .get(&conversation(&bob_number, &alice_number.1))
        .await
        .json();
    assert_eq!(thread.as_array().unwrap().len(), 1, "{thread}");
    assert_eq!(thread[0]["status"], "received");
    let list = bob.get(&conversations_of(&bob_number)).await.json();
    assert_eq!(list[0]["unread"], 0);

    // Bob answers; both conversations are in order, latest last.
    send(&mut bob, &bob_number, &alice_number.1, "Yes!").await;
    let thread = alice
        .get(&conversation(&alice_number, &bob_number.1))
        .await
        .json();
    let bodies: Vec<_> = thread
        .as_array()
        .unwrap()
        .iter()
        .map(|message| (message["direction"].clone(), message["body"].clone()))
        .collect();
    assert_eq!(
        bodies,
        [
            (json!("outgoing"), json!("Lunch at 1?")),
            (json!("incoming"), json!("Yes!"))
        ]
    );

    // National SMS count against the plan: one part each, on the sender's side only.
    assert_eq!(usage(&mut alice).await["sms_used"], 1);
    assert_eq!(usage(&mut bob).await["sms_used"], 1);
    send(&mut alice, &alice_number, &bob_number.1, &"a".repeat(200)).await;
    assert_eq!(usage(&mut alice).await["sms_used"], 3);
}

/// A carrier that takes every message but the ones saying "refuse", and sends no receipt: the
/// test posts them.
struct ScriptedCarrier;

impl SmsCarrier for ScriptedCarrier {
    fn name(&self) -> &'static str {
        "scripted"
    }

    fn send<'a>(&'a self, sms: &'a OutgoingSms, _: &'a Receipts) -> CarrierFuture<'a, Handover> {
        Box::pin(async move {
            if sms.body.contains("refuse") {
                Handover::Refused {
                    reason: "The recipient's network is unreachable.".into(),
                }
            } else {
                Handover::Accepted
            }
        })
    }
}

/// Sends `method path` with the session `token` straight to `router`.
async fn call(
    router: &axum::Router,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("cookie", format!("console_session={token}"))
        .header("content-type", "application/json");
    let body = body.map_or_else(Body::empty, |body| Body::from(body.to_string()));
    let response = router
        .clone()
        .oneshot(request.body(body).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn outside_numbers_go_through_the_carrier_and_its_receipts(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut team = app.employees("BUSINESS").await;
    let outside = "+33123456789";

    // The simulated carrier: handed over, then delivered by its receipt.
    let sent = send(
        &mut team.alice,
        &team.alice_number,
        "01 23 45 67 89",
        "Hello",
    )
    .await;
    assert_eq!(sent["correspondent"], outside);
    let status = sent["status"].as_str().unwrap();
    assert!(["sent", "delivered"].contains(&status), "{sent}");
    let delivered = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let thread = team
                .alice
                .get(&conversation(&team.alice_number, outside))
                .await
                .json();
            if thread[0]["status"] == "delivered" {
                return thread;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the receipt is applied");
    assert_eq!(delivered.as_array().unwrap().len(), 1);

    // A carrier that waits: sent until its receipt comes; a refusal fails with its reason.
    let mut state = app.state.clone();
    state.telephony.sms = Arc::new(ScriptedCarrier);
    let router = server::app(state);
    let token = team.alice.session().unwrap().to_owned();
    let path = messages_of(&team.alice_number);
    let (status, sent) = call(
        &router,
        &token,
        Method::POST,
        &path,
        Some(json!({"to": outside, "body": "Are you there?"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["status"], "sent");
    let (status, refused) = call(
        &router,
        &token,
        Method::POST,
        &path,
        Some(json!({"to": outside, "body": "Please refuse this"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{refused}");
    assert_eq!(refused["status"], "failed");
    assert_eq!(
        refused["failure"],
        "The recipient's network is unreachable."
    );

    for (id, delivered) in [(&sent["id"], false), (&sent["id"], true)] {
        app.state
            .telephony
            .receipts
            .send(DeliveryReceipt {
                client_reference: id.to_string(),
                delivered,
            })
            .unwrap();
    }
    let thread = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let thread = team
                .alice
                .get(&conversation(&team.alice_number, outside))
                .await
                .json();
            if thread[1]["status"] != "sent" {
                return thread;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the receipt is applied");
    // The first receipt is final: a message reported undeliverable stays failed.
    assert_eq!(thread[1]["status"], "failed", "{thread}");
    assert!(thread[1]["failure"].as_str().is_some(), "{thread}");
    assert_eq!(thread[2]["status"], "failed");
    // Failed messages do not count against the plan.
    assert_eq!(usage(&mut team.alice).await["sms_used"], 1);
}

async fn messages_abroad_are_paid_with_credits_per_part(backend: Backend) {
    let london = "+44 20 7946 0958";
    // BUSINESS does not allow Credits: refused on the recipient.
    let app = TestApp::start(backend).await;
    let mut team = app.employees("BUSINESS").await;
    let reply = team
        .alice
        .post_json(
            &messages_of(&team.alice_number),
            &json!({"to": london, "body": "Hi"}),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("to"),
    );
    assert!(reply.text().contains("Credits"), "{}", reply.text());

    let app = TestApp::start(backend).await;
    let mut team = app.employees("UNLIMITED").await;
    // No Credits yet: refused, nothing written.
    let reply = team
        .alice
        .post_json(
            &messages_of(&team.alice_number),
            &json!({"to": london, "body": "Hi"}),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "credits_insufficient",
        Some("to"),
    );
    assert!(
        reply.text().contains("EUR 0.00 available, EUR 0.15 needed"),
        "{}",
        reply.text()
    );
    assert_eq!(app.count("messages").await, 0);

    let reply = team
        .manager
        .post_json("/api/console/credits/top-ups", &top_up("10"))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    // Two parts at EUR 0.15 each.
    let sent = send(
        &mut team.alice,
        &team.alice_number,
        london,
        &"a".repeat(161),
    )
    .await;
    assert_eq!(sent["correspondent"], "+442079460958");
    assert_eq!(sent["segments"], 2);
    assert_eq!(sent["credits"], "0.30");
    let credits = team.manager.get("/api/console/credits").await.json();
    assert_eq!(credits["balance"], "9.70", "{credits}");
    assert_eq!(credits["available"], "9.70", "{credits}");
    assert_eq!(credits["movements"][0]["amount"], "-0.30", "{credits}");
    // Paid with Credits: not counted against the plan's included SMS.
    assert_eq!(usage(&mut team.alice).await["sms_used"], 0);
    let home = team.alice.get("/api/app/home").await.json();
    assert_eq!(home["credits_available"], "9.70");
}

async fn emergency_special_and_short_numbers_are_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut team = app.employees("UNLIMITED").await;
    let path = messages_of(&team.alice_number);
    for (to, says) in [
        ("112", "operator line"),
        ("114", "operator line"),
        ("3615", "operator line"),
        ("08 92 68 02 22", "operator line"),
        ("12", "French number"),
        ("", "required"),
    ] {
        let reply = team
            .alice
            .post_json(&path, &json!({"to": to, "body": "Help"}))
            .await;
        let code = if to.is_empty() { "required" } else { "invalid" };
        assert_api_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, code, Some("to"));
        if code == "invalid" {
            assert!(reply.text().contains(says), "{to}: {}", reply.text());
        }
    }
    for body in ["", "   ", &"a".repeat(1531)] {
        let reply = team
            .alice
            .post_json(&path, &json!({"to": "01 23 45 67 89", "body": body}))
            .await;
        let code = if body.trim().is_empty() {
            "required"
        } else {
            "invalid"
        };
        assert_api_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, code, Some("body"));
    }
    // Texting oneself is refused too.
    let own = team.alice_number.1.clone();
    let reply = team
        .alice
        .post_json(&path, &json!({"to": own, "body": "Me"}))
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("to"),
    );
    assert_eq!(app.count("messages").await, 0);
}

async fn parts_are_counted_in_gsm7_or_ucs2(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut team = app.employees("BUSINESS").await;
    let bob = team.bob_number.1.clone();
    let ucs2_one = format!("ç{}", "a".repeat(69));
    let ucs2_two = format!("ç{}", "a".repeat(70));
    let extended = "€".repeat(81);
    for (body, encoding, segments) in [
        ("a".repeat(160), "gsm7", 1),
        ("a".repeat(161), "gsm7", 2),
        ("Ça marche, déjà vu".to_owned(), "gsm7", 1),
        (ucs2_one, "ucs2", 1),
        (ucs2_two, "ucs2", 2),
        // The euro sign takes two septets: 162 septets.
        (extended, "gsm7", 2),
        ("a".repeat(1530), "gsm7", 10),
    ] {
        let sent = send(&mut team.alice, &team.alice_number, &bob, &body).await;
        assert_eq!(
            (sent["encoding"].as_str(), sent["segments"].as_i64()),
            (Some(encoding), Some(segments)),
            "{body}"
        );
    }
    // Stored as sent, on both sides.
    let thread = team
        .bob
        .get(&conversation(&team.bob_number, &team.alice_number.1))
        .await
        .json();
    let counted: Vec<i64> = thread
        .as_array()
        .unwrap()
        .iter()
        .map(|message| message["segments"].as_i64().unwrap())
        .collect();
    assert_eq!(counted, [1, 2, 1, 1, 2, 2, 10]);
    assert_eq!(thread[3]["encoding"], "ucs2");
    assert_eq!(usage(&mut team.alice).await["sms_used"], 19);
}

async fn upload(client: &mut Client, number: &(i64, String), kind: &str, bytes: Vec<u8>) -> Value {
    let reply = client
        .send(
            Method::POST,
            &format!("/api/app/numbers/{}/attachments", number.0),
            &[("content-type", kind)],
            Body::from(bytes),
        )
        .await;
    if reply.status == StatusCode::CREATED {
        reply.json()
    } else {
        json!({"status": reply.status.as_u16(), "error": reply.json()["error"]})
    }
}

/// A tiny PNG file's first bytes (the server checks the declared type and the size only).
fn png(size: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.resize(size, 7);
    bytes
}

async fn mms_images_are_checked_and_readable_by_both_sides_only(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut team = app.employees("BUSINESS").await;
    let alice_number = team.alice_number.clone();
    let path = format!("/api/app/numbers/{}/attachments", alice_number.0);

    // Type, size and emptiness, checked as in the browser.
    let reply = team
        .alice
        .post_raw(&path, "image/svg+xml", "<svg></svg>")
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "attachment_type",
        Some("attachment"),
    );
    let refused = upload(&mut team.alice, &alice_number, "image/png", png(1_048_577)).await;
    assert_eq!(refused["status"], 413, "{refused}");
    assert_eq!(refused["error"]["code"], "attachment_too_large");
    assert_eq!(
        refused["error"]["message"],
        "An image can be at most 1 MiB: this one is 1.1 MiB. Send a smaller one."
    );
    let refused = upload(&mut team.alice, &alice_number, "image/png", Vec::new()).await;
    assert_eq!(refused["error"]["code"], "attachment_empty", "{refused}");
    assert_eq!(app.count("attachments").await, 0);

    // Exactly 1 MiB is accepted.
    let image = png(1_048_576);
    let view = upload(&mut team.alice, &alice_number, "image/png", image.clone()).await;
    assert_eq!(view["content_type"], "image/png", "{view}");
    assert_eq!(view["size_bytes"], 1_048_576);
    let attachment_id = view["id"].as_i64().unwrap();
    let image_path = format!("/api/app/attachments/{attachment_id}");
    // Its uploader reads it back before sending; Bob not yet.
    assert_eq!(team.alice.get(&image_path).await.status, StatusCode::OK);
    assert_api_error(
        &team.bob.get(&image_path).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );

    // An MMS without text: one part.
    let reply = team
        .alice
        .post_json(
            &messages_of(&alice_number),
            &json!({"to": team.bob_number.1, "body": "", "attachment_id": attachment_id}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let sent = reply.json();
    assert_eq!(sent["segments"], 1);
    assert_eq!(sent["attachment"]["id"], attachment_id);

    // Bob reads it; the Manager (and any other User) gets 404 as for no image at all.
    let reply = team.bob.get(&image_path).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), Some("image/png"));
    assert_eq!(reply.body, image);
    let thread = team
        .bob
        .get(&conversation(&team.bob_number, &alice_number.1))
        .await
        .json();
    assert_eq!(thread[0]["attachment"]["content_type"], "image/png");
    let foreign = team.manager.get(&image_path).await;
    let missing = team.manager.get("/api/app/attachments/987654321").await;
    assert_api_error(&foreign, StatusCode::NOT_FOUND, "not_found", None);
    assert_eq!(foreign.body, missing.body);

    // Bob cannot send Alice's image as his own.
    let reply = team
        .bob
        .post_json(
            &messages_of(&team.bob_number),
            &json!({"to": alice_number.1, "body": "", "attachment_id": attachment_id}),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("attachment_id"),
    );
}

async fn a_suspended_user_cannot_send(backend: Backend) {
    let app = TestApp::options(backend).start().await;
    let mut team = app.employees("BUSINESS").await;
    app.suspend_user(team.alice_id).await;
    let reply = team
        .alice
        .post_json(
            &messages_of(&team.alice_number),
            &json!({"to": team.bob_number.1, "body": "Hi"}),
        )
        .await;
    assert_api_error(&reply, StatusCode::FORBIDDEN, "suspended", None);
    assert!(
        reply
            .text()
            .contains("Your User Account has been suspended"),
        "{}",
        reply.text()
    );
    let refused = upload(
        &mut team.alice,
        &team.alice_number.clone(),
        "image/png",
        png(10),
    )
    .await;
    assert_eq!(refused["error"]["code"], "suspended", "{refused}");
    // Reading stays possible; Bob, not suspended, still sends.
    let reply = team.alice.get(&conversations_of(&team.alice_number)).await;
    assert_eq!(reply.status, StatusCode::OK);
    send(&mut team.bob, &team.bob_number, &team.alice_number.1, "Hi").await;
    assert_eq!(app.count("messages").await, 2);
}

async fn one_employee_cannot_read_anothers_conversations(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut team = app.employees("BUSINESS").await;
    send(
        &mut team.alice,
        &team.alice_number,
        &team.bob_number.1,
        "Private",
    )
    .await;
    let alices = conversation(&team.alice_number, &team.bob_number.1);
    let missing = conversation(&(987_654_321, String::new()), &team.bob_number.1);
    for client in [&mut team.bob, &mut team.manager] {
        for (path, missing) in [
            (alices.clone(), missing.clone()),
            (
                conversations_of(&team.alice_number),
                "/api/app/numbers/987654321/conversations".to_owned(),
            ),
        ] {
            let reply = client.get(&path).await;
            assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
            assert_eq!(reply.body, client.get(&missing).await.body);
        }
        let reply = client
            .post_json(
                &messages_of(&team.alice_number),
                &json!({"to": "01 23 45 67 89", "body": "As Alice"}),
            )
            .await;
        assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
    }
    // Bob reads his own side, the `+` escaped or not.
    let escaped = team.alice_number.1.replace('+', "%2B");
    for correspondent in [team.alice_number.1.as_str(), escaped.as_str()] {
        let thread = team
            .bob
            .get(&conversation(&team.bob_number, correspondent))
            .await
            .json();
        assert_eq!(thread.as_array().unwrap().len(), 1, "{thread}");
        assert_eq!(thread[0]["direction"], "incoming");
    }
    assert_eq!(app.count("messages").await, 2);
}

async fn a_hosted_number_without_a_user_keeps_nothing_for_the_next_one(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut team = app.employees("BUSINESS").await;
    send(
        &mut team.alice,
        &team.alice_number,
        &team.bob_number.1,
        "Before",
    )
    .await;
    // Bob's Number is taken back: still hosted here, held by nobody.
    let path = format!("/api/console/numbers/{}/user", team.bob_number.0);
    let reply = team.manager.delete(&path).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let sent = send(
        &mut team.alice,
        &team.alice_number,
        &team.bob_number.1,
        "Anyone?",
    )
    .await;
    assert_eq!(sent["status"], "delivered", "delivered inside the system");
    assert_eq!(
        app.count("messages").await,
        3,
        "no side for a Number nobody holds"
    );
    assert_api_error(
        &team.bob.get(&conversations_of(&team.bob_number)).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
    // Given back to Bob, the Number shows him only what he received while holding it.
    let reply = team
        .manager
        .put_json(&path, &json!({"user_id": team.bob_id}))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let thread = team
        .bob
        .get(&conversation(&team.bob_number, &team.alice_number.1))
        .await
        .json();
    let bodies: Vec<_> = thread
        .as_array()
        .unwrap()
        .iter()
        .map(|message| message["body"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(bodies, ["Before"]);
}
