//! Issue 6, point 6 — the WebApp end to end: two employees in two headless Chromium sessions at
//! once, with Chromium's fake microphone. Alice texts Bob and he sees it live; Alice calls Bob,
//! he answers, audio flows both ways (WebRTC `getStats`), she hangs up and both histories show
//! it; 112 is refused; a call abroad needs Credits and debits them; a long SMS shows its parts;
//! Bob cannot open Alice's conversation by URL.

use crate::harness::Console;
use crate::harness::team::{call_and_answer, employee, send, team};
use serde_json::json;

#[tokio::test]
async fn two_employees_text_and_call_each_other_live() {
    let console = Console::start_with(&["--ring-seconds", "20"]).await;
    let team = team(&console).await;
    let alice = employee(&console, &team.alice_invitation).await;
    let bob = employee(&console, &team.bob_invitation).await;
    let (alice_id, alice_e164) = &team.alice_number;
    let (bob_id, bob_e164) = &team.bob_number;

    // Messages: Bob waits on his conversations; Alice writes; it appears without reloading.
    bob.goto(&format!("/app/numbers/{bob_id}/messages")).await;
    alice
        .goto(&format!("/app/numbers/{alice_id}/messages"))
        .await;
    alice.click("New message").await;
    alice.fill("To", bob_e164).await;
    // The counter computes parts in the browser (MSG-1) and names the character forcing UCS-2.
    alice.fill("Message", &"a".repeat(161)).await;
    alice.sees("2 SMS").await;
    alice
        .fill("Message", "Ça marche, à demain ? Le reçu est prêt")
        .await;
    alice.sees("because of “ç”").await;
    alice.fill("Message", "Lunch at noon?").await;
    alice.click("Send").await;
    alice.sees("Delivered").await;
    bob.sees("Lunch at noon?").await;
    bob.sees(alice_e164).await;

    // Bob cannot open Alice's conversation by its URL.
    bob.goto(&format!(
        "/app/numbers/{alice_id}/messages/{}",
        bob_e164.replace('+', "%2B")
    ))
    .await;
    bob.sees("There is nothing here.").await;
    let page = bob.client.source().await.unwrap();
    assert!(!page.contains("Lunch at noon?"), "Bob read Alice's thread");

    // A call between the two browsers, with audio both ways.
    bob.goto(&format!("/app/numbers/{bob_id}/calls")).await;
    alice.goto(&format!("/app/numbers/{alice_id}/calls")).await;
    call_and_answer(&alice, &bob, bob_e164).await;
    alice.click("Hang up").await;
    for browser in [&alice, &bob] {
        browser
            .until("window.webappPeer == null", "the call to close")
            .await;
    }
    let history = |number: i64| format!("/api/app/numbers/{number}/calls");
    let alice_calls = alice.fetch_json(&history(*alice_id)).await;
    let bob_calls = bob.fetch_json(&history(*bob_id)).await;
    assert_eq!(alice_calls[0]["status"], "ended", "{alice_calls}");
    assert_eq!(alice_calls[0]["direction"], "outgoing");
    assert_eq!(bob_calls[0]["status"], "ended", "{bob_calls}");
    assert_eq!(bob_calls[0]["direction"], "incoming");
    assert_eq!(alice_calls[0]["id"], bob_calls[0]["id"]);
    for browser in [&alice, &bob] {
        browser
            .until(
                "[...document.querySelectorAll('.call-history .call-row')].length >= 1",
                "the call in the history",
            )
            .await;
    }

    // Bob declines the next call; Alice leaves a voicemail that Bob can play.
    alice.fill("Number to call", bob_e164).await;
    alice.click("Call").await;
    bob.click("Decline").await;
    alice.click("Leave a voicemail").await;
    alice.sees("Recording your voicemail").await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    alice.click("Stop and send").await;
    alice.sees("Voicemail sent").await;
    let recorded = bob
        .until(
            "(async () => {
                const audio = document.querySelector('.call-history .voicemail audio');
                if (!audio) return 0;
                return (await (await fetch(audio.src)).arrayBuffer()).byteLength;
            })()",
            "Bob's voicemail to play",
        )
        .await;
    assert!(
        recorded.as_u64().unwrap() > 1000,
        "{recorded} bytes recorded"
    );

    // 112: refused before anything is sent, with the instruction to use the operator line.
    alice.fill("Number to call", "112").await;
    alice.sees("operator line").await;

    // Abroad: priced in the dialler with the server's rates; without Credits, refused before
    // anything is sent (the server refuses it too: `api/calls.rs`).
    let placed = alice.fetch_json(&history(*alice_id)).await;
    alice.fill("Number to call", "+44 20 7946 0958").await;
    alice.sees("EUR 0.25 per minute").await;
    alice.sees("ask a Manager to top up").await;
    let disabled = alice
        .until(
            "document.querySelector('button.call')?.disabled ? 'yes' : ''",
            "Call disabled",
        )
        .await;
    assert_eq!(disabled, "yes");
    let calls = alice.fetch_json(&history(*alice_id)).await;
    assert_eq!(calls, placed, "no call was placed");
    let (status, reply) = send(
        &team.manager,
        "POST",
        "/api/console/credits/top-ups",
        json!({"amount": "10", "idempotency_key": "webapp-top-up"}),
    )
    .await;
    assert_eq!(status, 201, "{reply}");
    // The top-up reaches Alice's open WebApp at once.
    alice.sees("EUR 0.25 per started minute").await;
    alice.click("Call").await;
    alice.sees("Connected").await;
    alice.click("Hang up").await;
    alice
        .until(
            &format!(
                "(await (await fetch('{}')).json())[0].status === 'ended'",
                history(*alice_id)
            ),
            "the call abroad to end",
        )
        .await;
    let calls = alice.fetch_json(&history(*alice_id)).await;
    assert_eq!(calls[0]["billed_minutes"], 1, "{calls}");
    assert_eq!(
        calls[0]["credits"], "0.25",
        "one started minute to the UK: {calls}"
    );
    let credits = team.manager.fetch_json("/api/console/credits").await;
    assert_eq!(credits["balance"], "9.75", "{credits}");

    for browser in [alice, bob, team.manager] {
        browser.close().await;
    }
}
