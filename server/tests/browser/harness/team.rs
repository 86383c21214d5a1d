//! The WebApp's cast: a Company whose Manager bought two Numbers and invited two employees, and
//! those employees in their own browsers (with Chromium's fake microphone).

use serde_json::{Value, json};

use super::{Browser, Console, FAKE_MEDIA};

/// A Company whose Manager bought Alice a Number on UNLIMITED (calls abroad with Credits) and
/// Bob one on BUSINESS, and invited both; what the invitations say and the Numbers.
pub struct Team {
    pub manager: Browser,
    pub alice_invitation: String,
    pub alice_number: (i64, String),
    pub bob_invitation: String,
    pub bob_number: (i64, String),
}

/// `POST` (or another method) from the page, answering the status and the JSON body.
pub async fn send(browser: &Browser, method: &str, path: &str, body: Value) -> (u64, Value) {
    let script = r#"
        const [method, path, body, done] = arguments;
        const reply = await fetch(path, {method, headers: {'content-type': 'application/json'},
            body: JSON.stringify(body)});
        const text = await reply.text();
        done([reply.status, text ? JSON.parse(text) : null]);"#;
    let reply = browser
        .in_page(script, vec![method.into(), path.into(), body])
        .await;
    (reply[0].as_u64().unwrap(), reply[1].clone())
}

pub async fn team(console: &Console) -> Team {
    let manager = Browser::launch(&console.url).await;
    manager
        .sign_up_company("Martin et Fils SAS", "anne@martin.fr")
        .await;
    manager.add_payment_method("Main account").await;
    manager.order_one_number("UNLIMITED").await;
    manager.order_one_number("BUSINESS").await;
    let numbers = manager.fetch_json("/api/console/numbers").await;
    let number = |plan: &str| {
        let found = numbers
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["plan"] == plan)
            .unwrap_or_else(|| panic!("no {plan} Number in {numbers}"));
        (
            found["id"].as_i64().unwrap(),
            found["e164"].as_str().unwrap().to_owned(),
        )
    };
    let (alice_number, bob_number) = (number("Unlimited"), number("Business"));
    for (first, email, mobile, number) in [
        (
            "Alice",
            "alice@martin.fr",
            "+33 6 50 00 00 01",
            alice_number.0,
        ),
        ("Bob", "bob@martin.fr", "+33 6 50 00 00 02", bob_number.0),
    ] {
        let form = json!({"first_name": first, "last_name": "Martin", "email": email,
            "mobile": mobile, "residence_country": "FR", "stable_links": []});
        let (status, user) = send(&manager, "POST", "/api/console/users", form).await;
        assert_eq!(status, 201, "{user}");
        let path = format!("/api/console/numbers/{number}/user");
        let (status, reply) = send(&manager, "PUT", &path, json!({"user_id": user["id"]})).await;
        assert_eq!(status, 200, "{reply}");
    }
    Team {
        alice_invitation: console
            .emailed_link("alice@martin.fr", "/invitation/")
            .await,
        bob_invitation: console.emailed_link("bob@martin.fr", "/invitation/").await,
        alice_number,
        bob_number,
        manager,
    }
}

/// An employee follows their invitation, chooses a password, lands in the WebApp and accepts
/// its terms.
pub async fn employee(console: &Console, invitation: &str) -> Browser {
    let browser = Browser::launch_with(&console.url, FAKE_MEDIA).await;
    browser.goto(invitation).await;
    browser.fill("Password", "a long enough passphrase").await;
    browser.click("Set my password").await;
    browser
        .until(
            "location.pathname.startsWith('/app')",
            "the WebApp after the invitation",
        )
        .await;
    accept_terms(&browser).await;
    browser
}

/// Using the WebApp means accepting its GCU and privacy notice (ACCEPT-1): on the screen the
/// WebApp shows first, the person ticks the box and accepts; the WebApp opens.
pub async fn accept_terms(browser: &Browser) {
    browser.sees("Before you start").await;
    browser.tick("I have read and I accept").await;
    browser.click("I accept").await;
    browser
        .until(
            "document.querySelector('.app-nav') !== null",
            "the WebApp once its terms are accepted",
        )
        .await;
}

/// As [`accept_terms`], through the API from the page (for a Manager about to use the WebApp's
/// routes without opening its pages).
pub async fn accept_terms_by_api(browser: &Browser) {
    let legal = browser.fetch_json("/api/legal").await;
    let body = json!({"gcu_version": legal["gcu"]["version"],
        "privacy_version": legal["privacy"]["version"]});
    let (status, reply) = send(browser, "POST", "/api/me/acceptance", body).await;
    assert_eq!(status, 200, "{reply}");
}

/// Inbound audio packets of the call in progress, from the browser's own WebRTC statistics.
pub const AUDIO_RECEIVED: &str = "(async () => {
    const peer = window.webappPeer;
    if (!peer || peer.connectionState !== 'connected') return 0;
    let packets = 0;
    (await peer.getStats()).forEach(report => {
        if (report.type === 'inbound-rtp' && report.kind === 'audio') packets += report.packetsReceived;
    });
    return packets > 20 ? packets : 0;
})()";

/// `caller`, on their calls page, calls `callee_e164`; `callee`, on theirs, answers; both then
/// receive audio and show the call connected.
pub async fn call_and_answer(caller: &Browser, callee: &Browser, callee_e164: &str) {
    caller.fill("Number to call", callee_e164).await;
    caller.click("Call").await;
    callee.click("Answer").await;
    for (who, browser) in [("the caller", caller), ("the callee", callee)] {
        browser
            .until(AUDIO_RECEIVED, &format!("{who} receiving audio"))
            .await;
        browser.sees("Connected").await;
    }
}
