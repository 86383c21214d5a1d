//! Issue 6, points 1, 2 and 5 — the WebApp's messages in Chromium, against the real server: the
//! counter of SMS parts, 112 refused, an MMS image both ways, a file that is not an image refused
//! in the browser, unread counts, a thread another employee cannot open, the Manager's links
//! between console and WebApp, the Number switcher, a message to an outside number delivered by
//! the carrier's receipt, a suspended User, and the live connection coming back after a drop.

use crate::harness;
use crate::harness::Console;
use crate::harness::team::{accept_terms, employee, team};
use fantoccini::Locator;

/// A PNG image of `width` × `height` red pixels.
fn red_png(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
    // Each row: filter type 0 (none), then the pixels.
    let row: Vec<u8> = std::iter::once(0)
        .chain((0..width).flat_map(|_| [220, 30, 30]))
        .collect();
    let rows = row.repeat(height as usize);
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut encoder, &rows).unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &encoder.finish().unwrap());
    chunk(&mut png, b"IEND", &[]);
    png
}

async fn size(browser: &harness::Browser, width: u32, height: u32) {
    browser
        .client
        .set_window_size(width, height)
        .await
        .expect("resizing");
}

#[tokio::test]
async fn employees_exchange_texts_and_images() {
    let console = Console::start().await;
    let team = team(&console).await;
    let alice = employee(&console, &team.alice_invitation).await;
    let bob = employee(&console, &team.bob_invitation).await;
    let (alice_id, alice_e164) = &team.alice_number;
    let (bob_id, bob_e164) = &team.bob_number;
    assert!(alice.path().await.starts_with("/app"));

    alice.sees("Your Numbers").await;
    alice.sees("minutes used").await;

    bob.goto(&format!("/app/numbers/{bob_id}/messages")).await;
    bob.sees("No conversation yet.").await;
    alice
        .goto(&format!("/app/numbers/{alice_id}/messages"))
        .await;
    alice.click("New message").await;
    alice.fill("To", "112").await;
    alice.fill("Message", &"a".repeat(161)).await;
    alice.sees("2 SMS · 161 characters (GSM-7)").await;
    // A euro sign (two septets) on the boundary of a 306-septet text opens a third part (MSG-1).
    let euro = format!("{}€{}", "a".repeat(152), "a".repeat(152));
    alice.fill("Message", &euro).await;
    alice.sees("3 SMS · 305 characters (GSM-7)").await;
    alice.fill("Message", &"a".repeat(161)).await;
    alice.click("Send").await;
    let to_problem = alice.message_for("To").await;
    assert!(to_problem.contains("operator line"), "{to_problem}");
    alice
        .fill("Message", "Ça marche, à demain ? Le reçu est prêt")
        .await;
    alice.sees("because of “ç”").await;
    alice.fill("To", bob_e164).await;
    alice.fill("Message", "Lunch at noon?").await;
    alice.click("Send").await;
    alice.sees("Delivered").await;
    bob.sees("Lunch at noon?").await;
    bob.sees(alice_e164).await;
    bob.until(
        "document.querySelector('.unread-count')?.textContent === '1'",
        "Bob's unread count",
    )
    .await;

    // Bob opens the thread and answers with an image.
    bob.client
        .find(Locator::XPath("//a[contains(., 'Lunch at noon?')]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    bob.sees("Received").await;
    let files = tempfile::tempdir().unwrap();
    let png = files.path().join("red.png");
    std::fs::write(&png, red_png(120, 80)).unwrap();
    let input = bob.field("Attach an image").await;
    input
        .send_keys(png.to_str().unwrap())
        .await
        .expect("choosing a file");
    bob.sees("1 MMS").await;
    bob.fill("Message", "Sure, here").await;
    bob.click("Send").await;
    bob.until(
        "document.querySelector('.message.outgoing img.mms')?.naturalWidth === 120",
        "Bob's image shown",
    )
    .await;
    alice
        .until(
            "document.querySelector('.message.incoming img.mms')?.naturalWidth === 120",
            "the image on Alice's side",
        )
        .await;
    alice.sees("Sure, here").await;

    // A bad file is refused in the browser.
    let txt = files.path().join("notes.txt");
    std::fs::write(&txt, "hello").unwrap();
    let input = bob.field("Attach an image").await;
    input.send_keys(txt.to_str().unwrap()).await.unwrap();
    let problem = bob.message_for("Attach an image").await;
    assert!(problem.contains("JPEG, PNG, GIF or WebP"), "{problem}");

    // Phone-sized.
    for browser in [&alice, &bob] {
        size(browser, 390, 844).await;
    }
    alice
        .goto(&format!("/app/numbers/{alice_id}/messages"))
        .await;
    alice.sees("Sure, here").await;
    alice
        .client
        .find(Locator::XPath("//a[contains(., 'Image · Sure, here')]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    alice.sees("Delivered").await;
    alice.goto("/app").await;
    alice.sees("Your Numbers").await;
    // PAY-1: Bob's home counts his MMS against his Business plan and says what is left.
    bob.goto("/app").await;
    bob.sees("1 SMS used / 500 included this month").await;
    bob.sees("Left this month: 1000 minutes and 499 SMS.").await;

    // Bob cannot read Alice's thread.
    bob.goto(&format!(
        "/app/numbers/{alice_id}/messages/{}",
        bob_e164.replace('+', "%2B")
    ))
    .await;
    bob.sees("There is nothing here.").await;
    let page = bob.client.source().await.unwrap();
    assert!(!page.contains("Lunch at noon?"));

    // The Manager: a WebApp link in the console; the WebApp asks them to accept its terms too
    // (they accepted the GTCS, not the GCU); then a Console link in the WebApp.
    team.manager.goto("/console").await;
    team.manager.click("WebApp").await;
    accept_terms(&team.manager).await;
    team.manager.sees("Your Numbers").await;
    team.manager.sees("No Number is assigned to you yet.").await;
    team.manager
        .client
        .find(Locator::XPath("//a[normalize-space(.)='Console']"))
        .await
        .expect("a Console link");

    // PAY-3: the Manager's Communications page pages by 100 instead of capping, and filters
    // by period. Alice sends 100 more messages (each is a line on her Number and on Bob's).
    let sent = alice
        .until(
            &format!(
                "(async () => {{
                    for (let i = 1; i <= 100; i++) {{
                        const reply = await fetch('/api/app/numbers/{alice_id}/messages', {{
                            method: 'POST', headers: {{'content-type': 'application/json'}},
                            body: JSON.stringify({{to: '{bob_e164}', body: 'Note ' + i, attachment_id: null}})
                        }});
                        if (!reply.ok) return 'refused: ' + reply.status;
                    }}
                    return 'sent';
                }})()"
            ),
            "100 messages sent",
        )
        .await;
    assert_eq!(sent, "sent");
    let rows = "document.querySelectorAll('.communications-table tbody tr').length";
    let csv_lines = "(async () => (await (await fetch('/api/console/communications.csv')).text())
        .trim().split('\\n').length - 1)()";
    team.manager.goto("/console/communications").await;
    team.manager
        .until(&format!("{rows} === 100"), "the first 100 lines")
        .await;
    let total = team.manager.until(csv_lines, "the CSV's lines").await;
    let total = total.as_i64().unwrap();
    assert!(total > 200, "{total} lines in the CSV");
    let mut pages = 1;
    let older_shown = || async {
        team.manager
            .client
            .execute(
                "return [...document.querySelectorAll('button')].some(b => b.textContent.trim() === 'Show older')",
                vec![],
            )
            .await
            .expect("looking for Show older")
            == true
    };
    while older_shown().await {
        team.manager.click("Show older").await;
        pages += 1;
        team.manager
            .until(
                &format!("{rows} === {}", total.min(pages * 100)),
                "the older lines",
            )
            .await;
    }
    assert_eq!(pages, (total + 99) / 100);
    // A period with nothing in it.
    team.manager
        .set_date("input[name=from]", "2031-01-01")
        .await;
    team.manager.set_date("input[name=to]", "2031-01-31").await;
    team.manager.click("Show").await;
    team.manager
        .sees("No call or message in this period.")
        .await;
    let link = team
        .manager
        .client
        .execute(
            "return document.querySelector('a.csv').getAttribute('href')",
            vec![],
        )
        .await
        .expect("the CSV link");
    assert!(link.as_str().unwrap().contains("from=2031-01-01"), "{link}");

    for browser in [alice, bob, team.manager] {
        browser.close().await;
    }
}

#[tokio::test]
async fn several_numbers_outside_numbers_and_suspension() {
    let console = Console::start().await;
    let team = team(&console).await;
    let alice = employee(&console, &team.alice_invitation).await;
    let (alice_id, _) = &team.alice_number;

    // A second Number for Alice.
    team.manager.order_one_number("BUSINESS").await;
    let numbers = team.manager.fetch_json("/api/console/numbers").await;
    let users = team.manager.fetch_json("/api/console/users").await;
    let list = users["users"]
        .as_array()
        .or(users.as_array())
        .unwrap()
        .clone();
    let alice_user = list
        .iter()
        .find(|user| user["email"] == "alice@martin.fr")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let second = numbers
        .as_array()
        .unwrap()
        .iter()
        .find(|n| {
            n["id"].as_i64() != Some(*alice_id) && n["id"].as_i64() != Some(team.bob_number.0)
        })
        .unwrap();
    let (second_id, second_e164) = (
        second["id"].as_i64().unwrap(),
        second["e164"].as_str().unwrap().to_owned(),
    );
    let (status, reply) = harness::team::send(
        &team.manager,
        "PUT",
        &format!("/api/console/numbers/{second_id}/user"),
        serde_json::json!({"user_id": alice_user}),
    )
    .await;
    assert_eq!(status, 200, "{reply}");

    alice
        .goto(&format!("/app/numbers/{alice_id}/messages"))
        .await;
    alice.sees("No conversation yet.").await;
    alice
        .choose("Number", &format!("{second_e164} (Business)"))
        .await;
    alice
        .until(
            &format!("location.pathname === '/app/numbers/{second_id}/messages'"),
            "the second Number's messages",
        )
        .await;

    // To an outside number: handed to the carrier, then its receipt.
    alice.click("New message").await;
    alice.fill("To", "06 98 76 54 32").await;
    alice.fill("Message", "Hello from outside").await;
    alice.click("Send").await;
    alice.sees("+33698765432").await;
    alice
        .until(
            "[...document.querySelectorAll('.message.outgoing .delivery-status')].map(e => e.textContent).join(',')",
            "a status",
        )
        .await;
    alice.sees("Delivered").await;

    // Suspended: the banner, and Send disabled.
    let (status, _) = console
        .as_provider(
            &format!("/api/admin/users/{alice_user}/suspension"),
            serde_json::json!({"reason": "suspected_fraud_or_abuse", "details": "Unusual traffic"}),
        )
        .await;
    assert_eq!(status, 201);
    alice.goto("/app").await;
    alice.sees("Your User Account has been suspended").await;
    alice
        .goto(&format!("/app/numbers/{second_id}/messages/new"))
        .await;
    alice.sees("Sending is unavailable").await;
    let disabled = alice
        .until(
            "document.querySelector('.composer button[type=submit]')?.disabled ? 'yes' : ''",
            "Send disabled",
        )
        .await;
    assert_eq!(disabled, "yes");
    size(&alice, 390, 844).await;

    for browser in [alice, team.manager] {
        browser.close().await;
    }
}

#[tokio::test]
async fn a_dropped_connection_comes_back_live() {
    let console = Console::start().await;
    let team = team(&console).await;
    let alice = employee(&console, &team.alice_invitation).await;
    let bob = employee(&console, &team.bob_invitation).await;
    let alice_e164 = &team.alice_number.1;
    let bob_id = team.bob_number.0;

    // Watch the sockets the app opens, from the first moment of each page, and open the WebApp.
    alice
        .before_each_page(
            r#"const Original = window.WebSocket;
            window.sockets = [];
            window.WebSocket = function (url, protocols) {
                const socket = protocols ? new Original(url, protocols) : new Original(url);
                window.sockets.push(socket);
                return socket;
            };
            window.WebSocket.prototype = Original.prototype;
            Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});"#,
        )
        .await;
    alice.goto("/app").await;
    alice.sees("Your Numbers").await;
    alice
        .until(
            "window.sockets.length === 1 && window.sockets[0].readyState === 1",
            "a socket",
        )
        .await;
    alice.click("Messages").await;
    alice.sees("No conversation yet.").await;

    // The connection drops: the notice shows, the app reconnects and the notice goes.
    alice
        .in_page("window.sockets[0].close(); arguments[0](true);", vec![])
        .await;
    alice.sees("Offline").await;
    alice
        .until(
            "window.sockets.length === 2 && window.sockets[1].readyState === 1 && !document.body.textContent.includes('Offline')",
            "a second socket",
        )
        .await;

    // Live again: Bob's message shows without reloading.
    bob.goto(&format!("/app/numbers/{bob_id}/messages/new"))
        .await;
    bob.fill("To", alice_e164).await;
    bob.fill("Message", "Are you back?").await;
    bob.click("Send").await;
    bob.sees("Delivered").await;
    alice.sees("Are you back?").await;
    for browser in [alice, bob, team.manager] {
        browser.close().await;
    }
}
