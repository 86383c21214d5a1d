//! Issue 6, points 3 to 5 — calls from the WebApp (NUM-5): a hosted call rings live in the
//! callee's WebSocket, is answered, signalled between its two parties only, hung up and billed
//! per started minute; unanswered calls are missed after the ring timeout and can carry a
//! voicemail; emergency, invalid and not-included numbers are refused with a sentence; calls
//! paid with Credits are debited minute by minute and end when the Credits run out, never below
//! zero; every call is in both histories and in the Company's statement of communications.

use std::time::Duration;

use crate::support;
use crate::support::live::{Socket, events, listen};
use crate::support::{Backend, Client, Employees, TestApp, assert_api_error, top_up};
use axum::body::Body;
use axum::http::{Method, StatusCode};
use chrono::TimeDelta;
use futures_util::{SinkExt, StreamExt};
use protocol::webapp::{AppEvent, CallStatus, ClientEvent, Direction, Signal};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

on_both_databases!(
    a_hosted_call_rings_live_is_answered_and_lands_in_both_histories,
    an_unanswered_call_is_missed_and_can_carry_a_voicemail,
    the_callee_declines_and_the_caller_cancels,
    num_5_emergency_invalid_and_not_included_numbers_are_refused,
    num_5_credits_are_debited_per_started_minute_and_never_below_zero,
    a_suspended_user_cannot_call,
    a_restarted_server_picks_up_the_calls_in_progress,
);

/// The next event on `socket` within `wait`; `None` when nothing comes.
async fn next_event(socket: &mut Socket, wait: Duration) -> Option<AppEvent> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next())
            .await
            .ok()??;
        if let Message::Text(text) = frame.unwrap() {
            return Some(serde_json::from_str(&text).unwrap());
        }
    }
}

/// The next `call` event on `socket` (other events, such as Credits, skipped).
async fn next_call(socket: &mut Socket) -> protocol::webapp::CallView {
    loop {
        match next_event(socket, Duration::from_secs(5)).await {
            Some(AppEvent::Call { call }) => return call,
            Some(_) => continue,
            None => panic!("no call event"),
        }
    }
}

async fn send_signal(socket: &mut Socket, call_id: i64, signal: Signal) {
    let frame = serde_json::to_string(&ClientEvent::Signal { call_id, signal }).unwrap();
    socket.send(Message::Text(frame.into())).await.unwrap();
}

async fn dial(client: &mut Client, number_id: i64, to: &str) -> support::Reply {
    client
        .post_json(
            &format!("/api/app/numbers/{number_id}/calls"),
            &json!({ "to": to }),
        )
        .await
}

/// Places a call and checks it was accepted; the call's JSON.
async fn placed(client: &mut Client, number_id: i64, to: &str) -> Value {
    let reply = dial(client, number_id, to).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()
}

async fn act(client: &mut Client, call_id: i64, action: &str) -> support::Reply {
    client
        .send(
            Method::POST,
            &format!("/api/app/calls/{call_id}/{action}"),
            &[],
            Body::empty(),
        )
        .await
}

async fn history(client: &mut Client, number_id: i64) -> Vec<Value> {
    let reply = client
        .get(&format!("/api/app/numbers/{number_id}/calls"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json().as_array().unwrap().clone()
}

/// Posts `bytes` of `content_type` to `path`.
async fn upload(
    client: &mut Client,
    path: String,
    content_type: &'static str,
    bytes: Vec<u8>,
) -> support::Reply {
    client
        .send(
            Method::POST,
            &path,
            &[("content-type", content_type)],
            Body::from(bytes),
        )
        .await
}

/// The calls in the database, whatever their side.
async fn calls_stored(app: &TestApp) -> i64 {
    app.count("calls").await
}

async fn a_hosted_call_rings_live_is_answered_and_lands_in_both_histories(backend: Backend) {
    let app = TestApp::start(backend).await;
    let address = listen(&app).await;
    let Employees {
        mut manager,
        mut alice,
        alice_id,
        alice_number,
        mut bob,
        bob_id,
        bob_number,
    } = app.employees("BUSINESS").await;
    let mut bob_events = events(&app, address, &bob, bob_id).await;
    let mut alice_events = events(&app, address, &alice, alice_id).await;

    // Alice dials Bob's Number as a French national number: it rings on both sides.
    let national = format!("0{}", &bob_number.1[3..]);
    let call = placed(&mut alice, alice_number.0, &national).await;
    let call_id = call["id"].as_i64().unwrap();
    assert_eq!(call["status"], "ringing");
    assert_eq!(call["direction"], "outgoing");
    assert_eq!(call["hosted"], true);
    assert_eq!(call["correspondent"], bob_number.1.as_str());
    let ringing = next_call(&mut bob_events).await;
    assert_eq!(ringing.id, call_id);
    assert_eq!(ringing.status, CallStatus::Ringing);
    assert_eq!(ringing.direction, Direction::Incoming);
    assert_eq!(ringing.number_id, bob_number.0);
    assert_eq!(ringing.correspondent, alice_number.1);
    assert_eq!(
        next_call(&mut alice_events).await.status,
        CallStatus::Ringing
    );

    // Signalling goes from one party to the other, and from nobody else.
    let offer = Signal::Offer {
        sdp: "v=0 alice".into(),
    };
    send_signal(&mut alice_events, call_id, offer.clone()).await;
    match next_event(&mut bob_events, Duration::from_secs(5)).await {
        Some(AppEvent::Signal {
            call_id: relayed,
            signal,
        }) => assert_eq!((relayed, signal), (call_id, offer)),
        other => panic!("Bob expected Alice's offer, got {other:?}"),
    }
    let manager_id = manager.get("/api/me").await.json()["user"]["id"]
        .as_i64()
        .unwrap();
    let mut intruder = events(&app, address, &manager, manager_id).await;
    let forged = Signal::Offer {
        sdp: "v=0 intruder".into(),
    };
    send_signal(&mut intruder, call_id, forged).await;
    assert_eq!(
        next_event(&mut bob_events, Duration::from_millis(300)).await,
        None,
        "a stranger's signal reached Bob"
    );

    // Bob answers: both sides are told it is connected; Bob's answer reaches Alice.
    let reply = act(&mut bob, call_id, "answer").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["status"], "connected");
    assert_eq!(
        next_call(&mut alice_events).await.status,
        CallStatus::Connected
    );
    assert_eq!(
        next_call(&mut bob_events).await.status,
        CallStatus::Connected
    );
    let answer = Signal::Answer {
        sdp: "v=0 bob".into(),
    };
    send_signal(&mut bob_events, call_id, answer.clone()).await;
    match next_event(&mut alice_events, Duration::from_secs(5)).await {
        Some(AppEvent::Signal { signal, .. }) => assert_eq!(signal, answer),
        other => panic!("Alice expected Bob's answer, got {other:?}"),
    }
    assert_api_error(
        &act(&mut bob, call_id, "answer").await,
        StatusCode::CONFLICT,
        "call_state",
        None,
    );

    // A stranger (the Manager, not a party) gets 404 as for a call that does not exist.
    for action in ["answer", "decline", "hangup"] {
        let reply = act(&mut manager, call_id, action).await;
        assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
        let missing = act(&mut manager, 987_654_321, action).await;
        assert_eq!(reply.body, missing.body);
    }
    let reply = alice
        .get(&format!("/api/app/numbers/{}/calls", bob_number.0))
        .await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);

    // 61 seconds later Alice hangs up: 2 started minutes, on both histories.
    app.state.clock.shift_by(TimeDelta::seconds(61));
    let reply = act(&mut alice, call_id, "hangup").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let ended = reply.json();
    assert_eq!(ended["status"], "ended");
    assert_eq!(ended["duration_seconds"], 61);
    assert_eq!(ended["billed_minutes"], 2);
    assert_eq!(ended["credits"], "0.00");
    let told = next_call(&mut bob_events).await;
    assert_eq!(
        (told.status, told.duration_seconds),
        (CallStatus::Ended, Some(61))
    );
    assert_api_error(
        &act(&mut bob, call_id, "hangup").await,
        StatusCode::CONFLICT,
        "call_state",
        None,
    );
    let alices = history(&mut alice, alice_number.0).await;
    assert_eq!(alices.len(), 1);
    assert_eq!(alices[0]["direction"], "outgoing");
    assert_eq!(alices[0]["duration_seconds"], 61);
    let bobs = history(&mut bob, bob_number.0).await;
    assert_eq!(bobs.len(), 1);
    assert_eq!(bobs[0]["direction"], "incoming");
    assert_eq!(bobs[0]["status"], "ended");
    assert_eq!(bobs[0]["duration_seconds"], 61);
    assert_eq!(bobs[0]["correspondent"], alice_number.1.as_str());
    // Signalling stops with the call.
    send_signal(
        &mut alice_events,
        call_id,
        Signal::Offer { sdp: "late".into() },
    )
    .await;
    assert_eq!(
        next_event(&mut bob_events, Duration::from_millis(300)).await,
        None
    );

    // National minutes count against the caller's plan only.
    let home = alice.get("/api/app/home").await.json();
    assert_eq!(home["numbers"][0]["usage"]["minutes_used"], 2, "{home}");
    let home = bob.get("/api/app/home").await.json();
    assert_eq!(home["numbers"][0]["usage"]["minutes_used"], 0, "{home}");

    // The Company's statement lists the call from both of its Numbers; Managers only.
    let reply = manager.get("/api/console/communications").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let lines = reply.json();
    let calls: Vec<&Value> = lines["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|line| line["kind"] == "call")
        .collect();
    assert_eq!(calls.len(), 2, "{lines}");
    let outgoing = calls.iter().find(|l| l["direction"] == "outgoing").unwrap();
    assert_eq!(outgoing["number"], alice_number.1.as_str());
    assert_eq!(outgoing["user_name"], "Alice Martin");
    assert_eq!(outgoing["correspondent"], bob_number.1.as_str());
    assert_eq!(outgoing["duration_seconds"], 61);
    let incoming = calls.iter().find(|l| l["direction"] == "incoming").unwrap();
    assert_eq!(incoming["number"], bob_number.1.as_str());
    assert_eq!(incoming["user_name"], "Bob Martin");
    assert_eq!(incoming["status"], "ended");
    assert_api_error(
        &alice.get("/api/console/communications").await,
        StatusCode::FORBIDDEN,
        "forbidden",
        None,
    );
}

async fn an_unanswered_call_is_missed_and_can_carry_a_voicemail(backend: Backend) {
    let app = TestApp::options(backend)
        .ring_timeout(Duration::from_millis(300))
        .start()
        .await;
    let mut team = app.employees("BUSINESS").await;
    // Bob has no tab open: it still rings until the timeout, then it is missed on both sides.
    let call = placed(&mut team.alice, team.alice_number.0, &team.bob_number.1).await;
    let call_id = call["id"].as_i64().unwrap();
    let bobs = history(&mut team.bob, team.bob_number.0).await;
    assert_eq!(bobs[0]["status"], "ringing");
    tokio::time::sleep(Duration::from_millis(900)).await;
    let alices = history(&mut team.alice, team.alice_number.0).await;
    assert_eq!(alices[0]["status"], "missed");
    assert_eq!(alices[0]["billed_minutes"], 0);
    assert_eq!(
        history(&mut team.bob, team.bob_number.0).await[0]["status"],
        "missed"
    );
    assert_api_error(
        &act(&mut team.bob, call_id, "answer").await,
        StatusCode::CONFLICT,
        "call_state",
        None,
    );

    // Alice leaves a voicemail; the type and the length are checked.
    let path = format!("/api/app/calls/{call_id}/voicemail");
    let recording = b"\x1aE\xdf\xa3 a tiny webm recording".to_vec();
    let reply = upload(
        &mut team.alice,
        format!("{path}?seconds=4"),
        "audio/mpeg",
        recording.clone(),
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "voicemail_type",
        Some("audio"),
    );
    let reply = upload(
        &mut team.alice,
        path.clone(),
        "audio/webm",
        recording.clone(),
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "voicemail_duration",
        Some("seconds"),
    );
    let too_large = vec![0u8; domain::call::VOICEMAIL_MAX_BYTES + 1];
    let reply = upload(
        &mut team.alice,
        format!("{path}?seconds=4"),
        "audio/webm",
        too_large,
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::PAYLOAD_TOO_LARGE,
        "voicemail_too_large",
        Some("audio"),
    );
    // Only the caller leaves one.
    let reply = upload(
        &mut team.bob,
        format!("{path}?seconds=4"),
        "audio/webm",
        recording.clone(),
    )
    .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "call_state", None);
    let reply = upload(
        &mut team.alice,
        format!("{path}?seconds=4"),
        "audio/webm;codecs=opus",
        recording.clone(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let voicemail = reply.json()["voicemail"].clone();
    assert_eq!(voicemail["content_type"], "audio/webm");
    assert_eq!(voicemail["duration_seconds"], 4);
    assert_eq!(voicemail["size_bytes"], recording.len());
    let reply = upload(
        &mut team.alice,
        format!("{path}?seconds=4"),
        "audio/webm",
        recording.clone(),
    )
    .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "call_state", None);

    // Bob's history carries it; its audio is for the two parties only.
    let bobs = history(&mut team.bob, team.bob_number.0).await;
    assert_eq!(bobs[0]["voicemail"], voicemail);
    let audio = format!("/api/app/voicemails/{}/audio", voicemail["id"]);
    for client in [&mut team.bob, &mut team.alice] {
        let reply = client.get(&audio).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.header("content-type"), Some("audio/webm"));
        assert_eq!(reply.body, recording);
    }
    let reply = team.manager.get(&audio).await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
    let missing = team
        .manager
        .get("/api/app/voicemails/987654321/audio")
        .await;
    assert_eq!(reply.body, missing.body);
}

async fn the_callee_declines_and_the_caller_cancels(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut team = app.employees("BUSINESS").await;
    let call = placed(&mut team.alice, team.alice_number.0, &team.bob_number.1).await;
    let call_id = call["id"].as_i64().unwrap();
    // Only the person called answers or declines.
    for action in ["answer", "decline"] {
        assert_api_error(
            &act(&mut team.alice, call_id, action).await,
            StatusCode::CONFLICT,
            "call_state",
            None,
        );
    }
    let reply = act(&mut team.bob, call_id, "decline").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["status"], "declined");
    assert_eq!(
        history(&mut team.alice, team.alice_number.0).await[0]["status"],
        "declined"
    );

    // Alice calls again and gives up while it rings: missed for Bob.
    let call = placed(&mut team.alice, team.alice_number.0, &team.bob_number.1).await;
    let call_id = call["id"].as_i64().unwrap();
    let reply = act(&mut team.alice, call_id, "hangup").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["status"], "missed");
    let bobs = history(&mut team.bob, team.bob_number.0).await;
    assert_eq!(bobs.len(), 2);
    assert_eq!(bobs[0]["status"], "missed");
    assert_eq!(bobs[0]["duration_seconds"], Value::Null);
    assert_eq!(bobs[1]["status"], "declined");

    // A Number cannot call itself.
    let reply = dial(&mut team.alice, team.alice_number.0, &team.alice_number.1).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "same_number",
        Some("to"),
    );
}

async fn num_5_emergency_invalid_and_not_included_numbers_are_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut team = app.employees("BUSINESS").await;
    let number = team.alice_number.0;
    let reply = dial(&mut team.alice, number, "112").await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "emergency_number",
        Some("to"),
    );
    let message = reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("call 112") && message.contains("operator line"),
        "{message}"
    );
    let reply = dial(&mut team.alice, number, "06 12 34").await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_number",
        Some("to"),
    );
    // BUSINESS does not allow calls with Credits: international and special numbers refused.
    for to in ["+44 20 7946 0958", "08 92 68 02 22"] {
        let reply = dial(&mut team.alice, number, to).await;
        assert_api_error(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_in_plan",
            Some("to"),
        );
        let message = reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(message.contains("operator line"), "{message}");
    }
    assert_eq!(calls_stored(&app).await, 0);
    // Another User's Number is not the caller's to dial from.
    let reply = dial(&mut team.alice, team.bob_number.0, "06 12 34 56 78").await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
    // An outside national number: the simulated carrier answers at once.
    let call = placed(&mut team.alice, number, "06 99 88 77 66").await;
    assert_eq!(call["status"], "connected");
    assert_eq!(call["hosted"], false);
    assert_eq!(call["correspondent"], "+33699887766");
}

/// The Company's available Credits, in cents, as the Manager's console shows them.
async fn available_cents(manager: &mut Client) -> i64 {
    let credits = manager.get("/api/console/credits").await.json();
    let available: f64 = credits["available"].as_str().unwrap().parse().unwrap();
    let balance: f64 = credits["balance"].as_str().unwrap().parse().unwrap();
    assert!(balance >= 0.0, "{credits}");
    (available * 100.0).round() as i64
}

async fn num_5_credits_are_debited_per_started_minute_and_never_below_zero(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut team = app.employees("UNLIMITED").await;
    let number = team.alice_number.0;
    // Japan: no rate of its own, the international default of EUR 0.60 per started minute.
    let japan = "+81 3 1234 5678";
    let reply = dial(&mut team.alice, number, japan).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "credits_short", Some("to"));
    let message = reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("EUR 0.60 per minute"), "{message}");
    assert_eq!(calls_stored(&app).await, 0);

    let reply = team
        .manager
        .post_json("/api/console/credits/top-ups", &top_up("5"))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    // Connected at once (simulated carrier), its first minute reserved.
    let call = placed(&mut team.alice, number, japan).await;
    let call_id = call["id"].as_i64().unwrap();
    assert_eq!(call["status"], "connected");
    assert_eq!(call["class"], "international");
    assert_eq!(available_cents(&mut team.manager).await, 440);
    // Hung up after 61 seconds: two started minutes.
    app.state.clock.shift_by(TimeDelta::seconds(61));
    let reply = act(&mut team.alice, call_id, "hangup").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let ended = reply.json();
    assert_eq!(ended["billed_minutes"], 2, "{ended}");
    assert_eq!(ended["credits"], "1.20");
    assert_eq!(available_cents(&mut team.manager).await, 380);

    // A second call runs until the Credits run out: EUR 3.80 pays 6 minutes at EUR 0.60.
    let call = placed(&mut team.alice, number, japan).await;
    let call_id = call["id"].as_i64().unwrap();
    app.state.clock.shift_by(TimeDelta::minutes(10));
    let settled = server::services::calls::settle(&app.state, call_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(settled.status, CallStatus::Ended);
    assert_eq!(settled.billed_minutes, 6);
    assert_eq!(settled.credits_cents, 360);
    assert_eq!(settled.duration_seconds, Some(360));
    assert_eq!(available_cents(&mut team.manager).await, 20);
    let reply = act(&mut team.alice, call_id, "hangup").await;
    assert_api_error(&reply, StatusCode::CONFLICT, "call_state", None);
    let alices = history(&mut team.alice, number).await;
    assert_eq!(alices[0]["status"], "ended");
    assert_eq!(alices[0]["credits"], "3.60");

    // EUR 0.20 left: not even a first minute.
    let reply = dial(&mut team.alice, number, japan).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "credits_short", Some("to"));
    assert_eq!(available_cents(&mut team.manager).await, 20);
    let debits: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM credit_movements
         WHERE kind = 'debit'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(debits, -480);
    // Paid with Credits: not counted against the included minutes.
    let home = team.alice.get("/api/app/home").await.json();
    assert_eq!(home["numbers"][0]["usage"]["minutes_used"], 0, "{home}");
    assert_eq!(home["credits_available"], "0.20");
}

async fn a_suspended_user_cannot_call(backend: Backend) {
    let app = TestApp::options(backend).start().await;
    let mut team = app.employees("BUSINESS").await;
    app.suspend_user(team.alice_id).await;
    let reply = dial(&mut team.alice, team.alice_number.0, &team.bob_number.1).await;
    assert_api_error(&reply, StatusCode::FORBIDDEN, "suspended", None);
    assert_eq!(calls_stored(&app).await, 0);
    // Bob still calls Alice.
    let call = placed(&mut team.bob, team.bob_number.0, &team.alice_number.1).await;
    assert_eq!(call["status"], "ringing");
}

async fn a_restarted_server_picks_up_the_calls_in_progress(backend: Backend) {
    let app = TestApp::options(backend)
        .ring_timeout(Duration::from_secs(3_600))
        .start()
        .await;
    let mut team = app.employees("BUSINESS").await;
    let call = placed(&mut team.alice, team.alice_number.0, &team.bob_number.1).await;
    assert_eq!(call["status"], "ringing");
    // The same database under the same instance, restarted (its name is stable, as
    // `--instance` makes it) with calls ringing for 200 ms: the ringing call is timed again,
    // and missed.
    let mut telephony =
        server::state::Telephony::simulated(&app.state.db, Duration::from_millis(200))
            .await
            .unwrap();
    telephony.instance = app.state.telephony.instance.clone();
    let restarted = server::state::AppState {
        telephony,
        ..app.state.clone()
    };
    server::services::calls::resume(&restarted).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let alices = history(&mut team.alice, team.alice_number.0).await;
    assert_eq!(alices[0]["status"], "missed");
}
