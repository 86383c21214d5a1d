//! Issue 15, points 1 and 2 (DATA-1): each person downloads everything the product holds about
//! them as a ZIP archive (their messages, calls and voicemails with the audio, their account,
//! what they did), never a password hash or a token, and nothing of anyone else's exchanges; a
//! Manager downloads the whole Company's data (Users, invoices as PDF, the proof log…), which an
//! employee cannot.

use std::collections::BTreeMap;
use std::io::Read;
use std::time::Duration;

use crate::support::{
    Backend, Client, Reply, TestApp, add_payment_method, assert_api_error, dupont,
};
use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

on_both_databases!(
    a_persons_archive_holds_their_messages_calls_and_voicemails_and_no_secret,
    a_managers_company_archive_holds_users_invoices_and_the_proof_log,
);

/// The files of a ZIP archive, by name.
fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP archive");
    let mut files = BTreeMap::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).unwrap();
        let name = file.name().to_owned();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        files.insert(name, content);
    }
    files
}

fn text_of(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(
        files
            .get(name)
            .unwrap_or_else(|| panic!("no {name} in {:?}", files.keys()))
            .clone(),
    )
    .unwrap()
}

/// Whether any file of the archive contains `needle`.
fn anywhere(files: &BTreeMap<String, Vec<u8>>, needle: &str) -> bool {
    files.values().any(|content| {
        content
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
    })
}

/// Downloads an archive from `path` and checks how it is served.
async fn download(client: &mut Client, path: &str, prefix: &str, app: &TestApp) -> Reply {
    let reply = client.get(path).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/zip"));
    assert_eq!(
        reply.header("content-disposition"),
        Some(format!(
            "attachment; filename=\"{prefix}-{}.zip\"",
            app.state.clock.today()
        ))
        .as_deref()
    );
    reply
}

async fn my_archive(client: &mut Client, app: &TestApp) -> BTreeMap<String, Vec<u8>> {
    unzip(
        &download(client, "/api/me/data-export", "my-data", app)
            .await
            .body,
    )
}

/// `caller` calls `callee_e164` from `number_id`; the call rings out unanswered (the app's ring
/// timeout is short): the call's id.
async fn missed_call(client: &mut Client, number_id: i64, callee_e164: &str) -> i64 {
    let reply = client
        .post_json(
            &format!("/api/app/numbers/{number_id}/calls"),
            &json!({"to": callee_e164}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let id = reply.json()["id"].as_i64().unwrap();
    tokio::time::sleep(Duration::from_millis(900)).await;
    id
}

/// The lines of a CSV file after its header, each split on commas (the tests' values hold none).
fn csv_lines(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip(1)
        .map(|line| line.split(',').map(str::to_owned).collect())
        .collect()
}

async fn a_persons_archive_holds_their_messages_calls_and_voicemails_and_no_secret(
    backend: Backend,
) {
    let app = TestApp::options(backend)
        .ring_timeout(Duration::from_millis(300))
        .start()
        .await;
    let mut team = app.employees("BUSINESS").await;
    let body = "Meet me at the blue door at noon";

    // Alice texts Bob and calls him; he does not answer. Bob calls back and, Alice not
    // answering either, leaves her a voicemail.
    let reply = team
        .alice
        .post_json(
            &format!("/api/app/numbers/{}/messages", team.alice_number.0),
            &json!({"to": team.bob_number.1, "body": body}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let alices_call = missed_call(&mut team.alice, team.alice_number.0, &team.bob_number.1).await;
    let bobs_call = missed_call(&mut team.bob, team.bob_number.0, &team.alice_number.1).await;
    let recording = b"\x1aE\xdf\xa3 Bob's voice, for Alice".to_vec();
    let reply = team
        .bob
        .send(
            Method::POST,
            &format!("/api/app/calls/{bobs_call}/voicemail?seconds=4"),
            &[("content-type", "audio/webm")],
            Body::from(recording.clone()),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let voicemail_id = reply.json()["voicemail"]["id"].as_i64().unwrap();

    let files = my_archive(&mut team.alice, &app).await;
    for name in [
        "README.txt",
        "person.json",
        "messages.csv",
        "calls.csv",
        "voicemails.csv",
        "activity.json",
    ] {
        assert!(files.contains_key(name), "{name} in {:?}", files.keys());
    }
    let readme = text_of(&files, "README.txt");
    for documented in [
        "person.json",
        "messages.csv",
        "calls.csv",
        "voicemails/",
        "activity.json",
    ] {
        assert!(readme.contains(documented), "README documents {documented}");
    }

    // Her account, with the Number she holds since the Manager gave it to her.
    let person: Value = serde_json::from_slice(&files["person.json"]).unwrap();
    assert_eq!(person["account"]["email"], "alice@martin.fr");
    assert_eq!(person["account"]["first_name"], "Alice");
    assert_eq!(person["account"]["role"], "user");
    assert_eq!(person["account"]["mobile"], "+33650000001");
    assert_eq!(person["company"]["legal_name"], "Martin & Fils SAS");
    // The WebApp's terms she accepted (ACCEPT-1).
    let documents: Vec<&str> = person["acceptances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|acceptance| acceptance["document"].as_str().unwrap())
        .collect();
    assert!(documents.contains(&"GCU"), "{documents:?}");
    assert!(documents.contains(&"privacy notice"), "{documents:?}");
    assert_eq!(person["numbers"].as_array().unwrap().len(), 1);
    assert_eq!(person["numbers"][0]["e164"], team.alice_number.1);
    assert_eq!(person["numbers"][0]["holds_now"], true);
    assert!(person["numbers"][0]["held_from"].is_string());
    assert_eq!(person["two_factor"]["enabled"], false);
    assert!(person["sessions_open"].as_i64().unwrap() >= 1);

    // The message she sent, with its text.
    let messages = csv_lines(&text_of(&files, "messages.csv"));
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0][2], "sent");
    assert_eq!(messages[0][3], team.alice_number.1);
    assert_eq!(messages[0][4], team.bob_number.1);
    assert_eq!(messages[0][5], body);

    // The call she placed and the one she received.
    let calls = csv_lines(&text_of(&files, "calls.csv"));
    assert_eq!(calls.len(), 2, "{calls:?}");
    let placed = calls
        .iter()
        .find(|line| line[0] == alices_call.to_string())
        .expect("the call she placed");
    assert_eq!(placed[4], "placed");
    assert_eq!(placed[5], team.alice_number.1);
    assert_eq!(placed[6], team.bob_number.1);
    assert_eq!(placed[7], "missed");
    let received = calls
        .iter()
        .find(|line| line[0] == bobs_call.to_string())
        .expect("the call she received");
    assert_eq!(received[4], "received");
    assert_eq!(received[6], team.bob_number.1);

    // The voicemail Bob left her, as its audio file.
    let audio = format!("voicemails/{voicemail_id}.webm");
    assert_eq!(files.get(&audio), Some(&recording), "{:?}", files.keys());
    let voicemails = csv_lines(&text_of(&files, "voicemails.csv"));
    assert_eq!(voicemails.len(), 1);
    assert_eq!(voicemails[0][2], "received");
    assert_eq!(voicemails[0][3], team.bob_number.1);
    assert_eq!(voicemails[0][9], audio);

    // Never a password hash, a two-factor secret or a session token: the Manager (who has a
    // password) downloads hers, which holds nothing secret and nothing of Alice's exchanges.
    let manager_files = my_archive(&mut team.manager, &app).await;
    let mut secrets: Vec<String> =
        sqlx::query_scalar("SELECT password_hash FROM users WHERE password_hash IS NOT NULL")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert!(!secrets.is_empty());
    secrets.extend(
        sqlx::query_scalar::<_, String>("SELECT token_hash FROM sessions")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap(),
    );
    for archive in [&files, &manager_files] {
        for secret in &secrets {
            assert!(!anywhere(archive, secret), "a secret in an archive");
        }
        assert!(!anywhere(archive, "argon2"));
    }
    let manager: Value = serde_json::from_slice(&manager_files["person.json"]).unwrap();
    assert_eq!(manager["account"]["email"], "anne@martin.fr");
    assert_eq!(manager["account"]["role"], "manager");
    assert!(!anywhere(&manager_files, body));
    assert!(csv_lines(&text_of(&manager_files, "messages.csv")).is_empty());
    assert!(csv_lines(&text_of(&manager_files, "calls.csv")).is_empty());
    assert!(csv_lines(&text_of(&manager_files, "voicemails.csv")).is_empty());
    assert!(
        !manager_files
            .keys()
            .any(|name| name.starts_with("voicemails/"))
    );
    // What she did is hers: creating Alice and Bob and giving them their Numbers.
    let activity: Value = serde_json::from_slice(&manager_files["activity.json"]).unwrap();
    let actions: Vec<&str> = activity
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"user.create"), "{actions:?}");
    assert!(actions.contains(&"number.assign"), "{actions:?}");

    // Bob keeps his side: the message as received, the voicemail he left.
    let bobs = my_archive(&mut team.bob, &app).await;
    let messages = csv_lines(&text_of(&bobs, "messages.csv"));
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0][2], "received");
    assert_eq!(messages[0][5], body);
    let voicemails = csv_lines(&text_of(&bobs, "voicemails.csv"));
    assert_eq!(voicemails[0][2], "left");

    // Signed out, nothing.
    assert_api_error(
        &app.client().get("/api/me/data-export").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        None,
    );
}

async fn a_managers_company_archive_holds_users_invoices_and_the_proof_log(backend: Backend) {
    let app = TestApp::options(backend)
        .ring_timeout(Duration::from_millis(300))
        .start()
        .await;
    let mut team = app.employees("BUSINESS").await;
    let body = "Our private plans for Friday";
    let reply = team
        .alice
        .post_json(
            &format!("/api/app/numbers/{}/messages", team.alice_number.0),
            &json!({"to": team.bob_number.1, "body": body}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let call = missed_call(&mut team.alice, team.alice_number.0, &team.bob_number.1).await;
    // Another Company, whose data must not be in this one's archive.
    let (mut other, _) = app.signed_up(&dupont()).await;
    add_payment_method(&mut other, "Dupont account").await;

    // An employee cannot download the Company's data.
    assert_api_error(
        &team.alice.get("/api/console/company/export").await,
        StatusCode::FORBIDDEN,
        "forbidden",
        None,
    );

    let reply = download(
        &mut team.manager,
        "/api/console/company/export",
        "company-data",
        &app,
    )
    .await;
    let files = unzip(&reply.body);
    for name in [
        "README.txt",
        "company.json",
        "users.json",
        "users.csv",
        "numbers.json",
        "licences.json",
        "orders.json",
        "invoices.json",
        "credit-notes.json",
        "proof-log.json",
        "messages.csv",
        "calls.csv",
    ] {
        assert!(files.contains_key(name), "{name} in {:?}", files.keys());
    }

    let company: Value = serde_json::from_slice(&files["company.json"]).unwrap();
    assert_eq!(
        company["company"]["details"]["legal_name"],
        "Martin & Fils SAS"
    );
    assert_eq!(
        company["payment_methods"][0]["method"]["label"],
        "Main account"
    );

    // Its Users, in JSON and CSV.
    let users: Value = serde_json::from_slice(&files["users.json"]).unwrap();
    let emails: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails.len(), 3, "{emails:?}");
    for email in ["anne@martin.fr", "alice@martin.fr", "bob@martin.fr"] {
        assert!(emails.contains(&email), "{email} in {emails:?}");
        assert!(text_of(&files, "users.csv").contains(email));
    }

    // Its Numbers, Licence, Order and invoice, the invoice also as its PDF.
    let numbers: Value = serde_json::from_slice(&files["numbers.json"]).unwrap();
    assert_eq!(numbers.as_array().unwrap().len(), 2);
    let licences: Value = serde_json::from_slice(&files["licences.json"]).unwrap();
    assert_eq!(licences.as_array().unwrap().len(), 1);
    let orders: Value = serde_json::from_slice(&files["orders.json"]).unwrap();
    assert_eq!(orders.as_array().unwrap().len(), 1);
    let invoices: Value = serde_json::from_slice(&files["invoices.json"]).unwrap();
    let invoices = invoices.as_array().unwrap();
    assert_eq!(invoices.len(), 1);
    let pdf = format!(
        "invoices/invoice-{}.pdf",
        invoices[0]["number"].as_str().unwrap()
    );
    assert!(
        files
            .get(&pdf)
            .is_some_and(|bytes| bytes.starts_with(b"%PDF")),
        "{pdf} in {:?}",
        files.keys()
    );
    // The same document as the console's PDF.
    let served = team
        .manager
        .get(&format!("/api/console/invoices/{}/pdf", invoices[0]["id"]))
        .await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(files[&pdf], served.body);
    let credit_notes: Value = serde_json::from_slice(&files["credit-notes.json"]).unwrap();
    assert_eq!(credit_notes, json!([]));

    // The whole proof log, in order, each entry chained to the one before by its hash.
    let document: Value = serde_json::from_slice(&files["proof-log.json"]).unwrap();
    // It verifies outside the product, with the provider's public key.
    let export: server::services::proof::ProofExport =
        serde_json::from_slice(&files["proof-log.json"]).unwrap();
    let verification =
        server::services::proof::verify_export(&export, Some(&app.state.proof_key.public()))
            .unwrap();
    assert!(verification.is_intact(), "{verification:?}");
    assert!(!document["checkpoints"].as_array().unwrap().is_empty());
    let log = document["entries"].as_array().unwrap();
    let in_db: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE company_id = $1")
        .bind(log[0]["company_id"].as_i64().unwrap())
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(log.len() as i64, in_db);
    assert!(log.len() >= 5, "{log:?}");
    assert_eq!(log[0]["seq"], 1);
    assert_eq!(log[0]["prev_hash"], "0".repeat(64));
    for pair in log.windows(2) {
        assert_eq!(
            pair[1]["seq"].as_i64(),
            pair[0]["seq"].as_i64().map(|s| s + 1)
        );
        assert_eq!(pair[1]["prev_hash"], pair[0]["hash"]);
    }
    let actions: Vec<&str> = log
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"user.create"), "{actions:?}");

    // The communications of its Numbers: the message's metadata (never its text) and the call.
    let messages = csv_lines(&text_of(&files, "messages.csv"));
    assert_eq!(
        messages.len(),
        2,
        "both sides are the Company's: {messages:?}"
    );
    assert!(messages.iter().any(|line| line[2] == "sent"
        && line[3] == team.alice_number.1
        && line[4] == "Alice Martin"
        && line[5] == team.bob_number.1));
    assert!(!anywhere(&files, body));
    let calls = csv_lines(&text_of(&files, "calls.csv"));
    assert!(
        calls
            .iter()
            .any(|line| line[0] == call.to_string() && line[4] == "placed" && line[8] == "missed")
    );

    // Nothing of the other Company, nothing secret.
    assert!(!anywhere(&files, "Dupont"));
    assert!(!anywhere(&files, "paul@dupont.fr"));
    assert!(!anywhere(&files, "argon2"));
}
