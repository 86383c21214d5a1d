//! Measures the WebApp's live paths between two real browsers (headless Chromium, one server):
//! the time from Alice sending a message to it showing on Bob's screen (median over 100), and
//! from Alice pressing "call" to Bob's screen ringing (median over 20). Both browsers run on this
//! machine, so their wall clocks (`performance.timeOrigin + performance.now()`) agree. Prints
//! figures; asserts nothing. `cargo bench -p server --bench webapp` (after `make app`).

#[path = "../tests/browser/harness/mod.rs"]
mod harness;

use harness::Console;
use harness::team::{employee, team};
use serde_json::json;

const MESSAGES: usize = 100;
const CALLS: usize = 20;

/// Bob's page notes when `window.awaited` first shows up in the page's text.
const WATCH: &str = r#"
    const done = arguments[0];
    window.arrivals = {};
    new MutationObserver(() => {
        const awaited = window.awaited;
        if (awaited && !(awaited in window.arrivals) && document.body.textContent.includes(awaited)) {
            window.arrivals[awaited] = performance.timeOrigin + performance.now();
        }
    }).observe(document.body, {childList: true, subtree: true, characterData: true});
    done(true);"#;

/// Alice's page: the instant just before the request leaves, and the request's status.
const SEND: &str = r#"
    const [path, body, done] = arguments;
    const started = performance.timeOrigin + performance.now();
    const reply = await fetch(path, {method: 'POST', headers: {'content-type': 'application/json'},
        body: JSON.stringify(body)});
    done([started, reply.status, await reply.json()]);"#;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn report(what: &str, values: Vec<f64>) {
    let count = values.len();
    let max = values.iter().copied().fold(0.0, f64::max);
    println!(
        "{what}: median {:.1} ms, max {max:.1} ms over {count}",
        median(values)
    );
}

#[tokio::main]
async fn main() {
    let console = Console::start_with(&["--ring-seconds", "60"]).await;
    let team = team(&console).await;
    let alice = employee(&console, &team.alice_invitation).await;
    let bob = employee(&console, &team.bob_invitation).await;
    let (alice_id, _) = &team.alice_number;
    let (bob_id, bob_e164) = &team.bob_number;

    bob.goto(&format!("/app/numbers/{bob_id}/messages")).await;
    bob.until("document.querySelector('main') != null", "Bob's messages")
        .await;
    bob.in_page(WATCH, vec![]).await;
    let mut latencies = Vec::new();
    for n in 0..MESSAGES {
        let text = format!("ping {n:03} from Alice");
        bob.in_page(
            "const [text, done] = arguments; window.awaited = text; done(true);",
            vec![text.clone().into()],
        )
        .await;
        let sent = alice
            .in_page(
                SEND,
                vec![
                    format!("/api/app/numbers/{alice_id}/messages").into(),
                    json!({"to": bob_e164, "body": text, "attachment_id": null}),
                ],
            )
            .await;
        assert_eq!(sent[1], 201, "sending: {sent}");
        let arrived = bob
            .until(
                &format!("window.arrivals[{text:?}]"),
                "the message on Bob's screen",
            )
            .await;
        latencies.push(arrived.as_f64().unwrap() - sent[0].as_f64().unwrap());
    }
    report("Message sent by Alice → shown to Bob", latencies);

    bob.goto(&format!("/app/numbers/{bob_id}/calls")).await;
    bob.until("document.querySelector('main') != null", "Bob's calls")
        .await;
    bob.in_page(WATCH, vec![]).await;
    let mut ringing = Vec::new();
    for n in 0..CALLS {
        let marker = "Answer";
        bob.in_page(
            "const [text, done] = arguments; window.arrivals = {}; window.awaited = text; done(true);",
            vec![marker.into()],
        )
        .await;
        let placed = alice
            .in_page(
                SEND,
                vec![
                    format!("/api/app/numbers/{alice_id}/calls").into(),
                    json!({"to": bob_e164}),
                ],
            )
            .await;
        assert_eq!(placed[1], 201, "call {n}: {placed}");
        let rang = bob
            .until("window.arrivals['Answer']", "Bob's phone ringing")
            .await;
        ringing.push(rang.as_f64().unwrap() - placed[0].as_f64().unwrap());
        let call = placed[2]["id"].as_i64().unwrap();
        let hung_up = alice
            .in_page(
                SEND,
                vec![format!("/api/app/calls/{call}/hangup").into(), json!({})],
            )
            .await;
        assert_eq!(hung_up[1], 200, "hanging up: {hung_up}");
        bob.until(
            "!document.body.textContent.includes('Answer')",
            "Bob's phone to stop ringing",
        )
        .await;
    }
    report("“Call” pressed by Alice → ringing for Bob", ringing);

    for browser in [alice, bob, team.manager] {
        browser.close().await;
    }
}
