//! PROOF-1 (issue 15, point 6), on SQLite and PostgreSQL: a proof log that survives database
//! access. The chain heads are signed at checkpoints with a key the database does not hold, so
//! a chain rewritten whole (an entry changed, every hash after it recomputed, the counter too)
//! is caught; a forged checkpoint is caught; an erasure's pseudonymisation still verifies while
//! an altered payload does not; entries of the first hash version still verify; the export
//! verifies without the database and fails once edited.

use axum::http::StatusCode;
use serde_json::{Value, json};
use server::proof_key::ProofKey;
use server::services::proof::{self, ExportError, ProofExport};
use server::store::audit::{self, Break, Chain, CheckpointBreak, Entry, Verification};
use sha2::{Digest, Sha256};

use crate::support::{Backend, Client, TestApp, dupont, signup_form};

on_both_databases!(
    checkpoints_sign_every_moved_head_once,
    a_chain_rewritten_whole_is_caught_by_its_checkpoint,
    entries_removed_with_the_counter_lowered_are_caught_by_a_checkpoint,
    a_forged_checkpoint_is_caught,
    a_pseudonymised_entry_still_verifies,
    an_altered_payload_is_caught_and_the_guard_allows_only_pseudonymisation,
    entries_of_the_first_hash_version_still_verify,
    the_export_verifies_offline_and_fails_when_edited,
);

/// A Company with five entries (sign-up, a User created then renamed, a payment method, the
/// promotion setting) and a second Company with one. Returns the first one's Manager and id,
/// and the second one's id.
async fn changes(app: &TestApp) -> (Client, i64, i64) {
    let (mut manager, me) = app.signed_up(&signup_form()).await;
    let company_id = me["company"]["id"].as_i64().unwrap();
    let louis = json!({
        "first_name": "Louis",
        "last_name": "Dupont",
        "email": "louis.dupont@martin.fr",
        "mobile": "+33 6 12 34 56 78",
        "residence_country": "FR",
        "stable_links": [],
    });
    let reply = manager.post_json("/api/console/users", &louis).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let id = reply.json()["id"].as_i64().unwrap();
    let mut renamed = louis.clone();
    renamed["first_name"] = json!("Luc");
    let reply = manager
        .put_json(&format!("/api/console/users/{id}"), &renamed)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let reply = manager
        .post_json(
            "/api/console/company/payment-methods",
            &json!({"kind": "sepa", "label": "Main account", "last4": "1234", "expiry": ""}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let reply = manager
        .put_json("/api/console/company/promotion", &json!({"opt_out": true}))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let (_, other) = app.signed_up(&dupont()).await;
    (
        manager,
        company_id,
        other["company"]["id"].as_i64().unwrap(),
    )
}

async fn checkpoint(app: &TestApp) -> u64 {
    proof::checkpoint_all(&app.state.db, &app.state.proof_key, app.state.clock.now())
        .await
        .unwrap()
}

async fn chain(app: &TestApp, company_id: i64) -> Chain {
    audit::chain(&app.state.db, company_id).await.unwrap()
}

async fn execute(app: &TestApp, statement: &str) {
    sqlx::query(sqlx::AssertSqlSafe(statement.to_owned()))
        .execute(&app.state.db.pool)
        .await
        .unwrap_or_else(|error| panic!("{statement}: {error}"));
}

/// Lifts the append-only triggers of the log and its checkpoints, as someone with direct
/// database access could.
async fn drop_guards(app: &TestApp, backend: Backend) {
    let statements: &[&str] = match backend {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_log_append_only_update",
            "DROP TRIGGER audit_log_append_only_delete",
            "DROP TRIGGER proof_checkpoints_append_only_update",
            "DROP TRIGGER proof_checkpoints_append_only_delete",
        ],
        Backend::Postgres => &[
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
            "ALTER TABLE proof_checkpoints DISABLE TRIGGER proof_checkpoints_append_only",
        ],
    };
    for statement in statements {
        execute(app, statement).await;
    }
}

// ---- The formulas, written again from the export's `format` (as an outside verifier would) ----

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn length_prefixed(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(format!("{}:{part}", part.len()).as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The hash `entry` must carry, by its version.
fn hash_of(entry: &Entry) -> String {
    let company = entry.company_id.to_string();
    let seq = entry.seq.to_string();
    let actor = entry
        .actor_user_id
        .map(|id| id.to_string())
        .unwrap_or_default();
    let operator = entry
        .actor_operator_id
        .map(|id| id.to_string())
        .unwrap_or_default();
    let mut parts = vec![
        company.as_str(),
        &seq,
        &entry.at,
        &actor,
        &entry.action,
        &entry.subject,
    ];
    match entry.hash_version {
        1 => {
            parts.push(entry.before_json.as_deref().unwrap_or("null"));
            parts.push(entry.after_json.as_deref().unwrap_or("null"));
        }
        2 => {
            parts.insert(0, "v2");
            parts.push(entry.before_digest.as_deref().unwrap_or("null"));
            parts.push(entry.after_digest.as_deref().unwrap_or("null"));
        }
        _ => {
            // Version 3: the operator, if any, after the User.
            parts.insert(4, &operator);
            parts.insert(0, "v3");
            parts.push(entry.before_digest.as_deref().unwrap_or("null"));
            parts.push(entry.after_digest.as_deref().unwrap_or("null"));
        }
    }
    parts.push(&entry.prev_hash);
    length_prefixed(&parts)
}

/// Writes `entries` back (payloads, digests, version, mark, links and hashes), relinking and
/// rehashing each one after the one before: the chain stays consistent in itself.
async fn write_back(app: &TestApp, entries: &mut [Entry]) {
    let mut prev = if entries[0].seq == 1 {
        audit::GENESIS.to_owned()
    } else {
        entries[0].prev_hash.clone()
    };
    for entry in entries.iter_mut() {
        entry.prev_hash = prev;
        entry.hash = hash_of(entry);
        prev = entry.hash.clone();
        sqlx::query(
            "UPDATE audit_log SET before_json = $1, after_json = $2, before_digest = $3,
                 after_digest = $4, hash_version = $5, pseudonymised = $6, prev_hash = $7,
                 hash = $8
             WHERE id = $9",
        )
        .bind(&entry.before_json)
        .bind(&entry.after_json)
        .bind(&entry.before_digest)
        .bind(&entry.after_digest)
        .bind(entry.hash_version)
        .bind(i64::from(entry.pseudonymised))
        .bind(&entry.prev_hash)
        .bind(&entry.hash)
        .bind(entry.id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    }
}

/// Rewrites entry `seq`'s after payload (and its digest) and every hash from there on.
async fn rewrite_from(app: &TestApp, company_id: i64, seq: i64, after: &Value) {
    let mut entries = chain(app, company_id).await.entries;
    let index = (seq - 1) as usize;
    let text = after.to_string();
    entries[index].after_digest = Some(sha256_hex(text.as_bytes()));
    entries[index].after_json = Some(text);
    write_back(app, &mut entries[index..]).await;
}

fn intact(entries: u64, unsigned: u64) -> Verification {
    Verification::Intact { entries, unsigned }
}

// ---- Tests ----

async fn checkpoints_sign_every_moved_head_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, company_id, _) = changes(&app).await;
    // The recorded hashes follow the documented formula.
    for entry in chain(&app, company_id).await.entries {
        assert_eq!(entry.hash_version, 3);
        assert_eq!(entry.hash, hash_of(&entry), "entry {}", entry.seq);
        assert_eq!(
            entry.after_digest,
            entry
                .after_json
                .as_deref()
                .map(|text| sha256_hex(text.as_bytes()))
        );
    }
    assert_eq!(app.verify_proof().await, intact(6, 6));

    // Both Companies' heads are signed, once.
    assert_eq!(checkpoint(&app).await, 2);
    assert_eq!(checkpoint(&app).await, 0);
    assert_eq!(app.count("proof_checkpoints").await, 2);
    assert_eq!(app.verify_proof().await, intact(6, 0));
    let signed = chain(&app, company_id).await.checkpoints;
    assert_eq!(signed.len(), 1);
    assert_eq!((signed[0].seq, signed[0].legacy_entries), (5, 0));
    assert_eq!(signed[0].key_id, app.state.proof_key.public().key_id());

    // A new entry waits for the next checkpoint; two instances signing it at once write one.
    manager
        .put_json("/api/console/company/promotion", &json!({"opt_out": false}))
        .await;
    assert_eq!(app.verify_proof().await, intact(7, 1));
    let later = app.state.clock.now() + chrono::TimeDelta::seconds(1);
    let (first, second) = tokio::join!(
        checkpoint(&app),
        proof::checkpoint_all(&app.state.db, &app.state.proof_key, later)
    );
    assert_eq!(first + second.unwrap(), 1);
    assert_eq!(app.count("proof_checkpoints").await, 3);
    assert_eq!(app.verify_proof().await, intact(7, 0));
    // Inserting a checkpoint again is harmless.
    let last = chain(&app, company_id).await.checkpoints.pop().unwrap();
    assert!(
        !audit::insert_checkpoint(&app.state.db, &last)
            .await
            .unwrap()
    );
    assert_eq!(app.count("proof_checkpoints").await, 3);
}

async fn a_chain_rewritten_whole_is_caught_by_its_checkpoint(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_, company_id, _) = changes(&app).await;
    assert_eq!(checkpoint(&app).await, 2);
    drop_guards(&app, backend).await;

    // Entry 2 (the User's creation) gets another email; every hash after it is recomputed.
    let forged = json!({"first_name": "Louis", "last_name": "Dupont", "email": "someone@else.fr"});
    rewrite_from(&app, company_id, 2, &forged).await;
    let rewritten = chain(&app, company_id).await;
    // The chain is consistent in itself: without its checkpoint it would pass.
    let unsigned = Chain {
        checkpoints: Vec::new(),
        ..rewritten.clone()
    };
    assert_eq!(
        audit::verify_chain(company_id, &unsigned, &app.state.proof_key.public()),
        intact(5, 5)
    );
    // The checkpoint names the head, which no longer carries the hash it signed.
    match app.verify_proof().await {
        Verification::Broken {
            company_id: broken,
            seq,
            reason: Break::NotAsSigned { since, .. },
            ..
        } => assert_eq!((broken, seq, since), (company_id, 5, 1)),
        other => panic!("the rewritten chain went unnoticed: {other:?}"),
    }
    let sentence = app.verify_proof().await.to_string();
    assert!(
        sentence.contains("entry 5 of company") && sentence.contains("rewritten"),
        "{sentence}"
    );
}

async fn entries_removed_with_the_counter_lowered_are_caught_by_a_checkpoint(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_, company_id, _) = changes(&app).await;
    assert_eq!(checkpoint(&app).await, 2);
    drop_guards(&app, backend).await;
    execute(
        &app,
        &format!("DELETE FROM audit_log WHERE company_id = {company_id} AND seq >= 4"),
    )
    .await;
    execute(
        &app,
        &format!("UPDATE companies SET audit_seq = 3 WHERE id = {company_id}"),
    )
    .await;
    assert_eq!(
        app.verify_proof().await,
        Verification::Truncated {
            company_id,
            last_seq: 3,
            numbered: 5
        }
    );
}

async fn a_forged_checkpoint_is_caught(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_, company_id, other_id) = changes(&app).await;
    assert_eq!(checkpoint(&app).await, 2);
    drop_guards(&app, backend).await;
    let intruder = ProofKey::generate();

    // The chain rewritten, and its checkpoint signed again by a key of the intruder's.
    let forged = json!({"first_name": "Louis", "last_name": "Dupont", "email": "someone@else.fr"});
    rewrite_from(&app, company_id, 2, &forged).await;
    let mut resigned = chain(&app, company_id).await.checkpoints.remove(0);
    resigned.head_hash = chain(&app, company_id).await.entries[4].hash.clone();
    resigned.signature = intruder.sign(&resigned.message());
    let update = |checkpoint: audit::Checkpoint| {
        let db = app.state.db.clone();
        async move {
            sqlx::query(
                "UPDATE proof_checkpoints SET head_hash = $1, key_id = $2, signature = $3
                 WHERE company_id = $4 AND seq = $5",
            )
            .bind(&checkpoint.head_hash)
            .bind(&checkpoint.key_id)
            .bind(&checkpoint.signature)
            .bind(checkpoint.company_id)
            .bind(checkpoint.seq)
            .execute(&db.pool)
            .await
            .unwrap();
        }
    };
    update(resigned.clone()).await;
    assert_eq!(
        app.verify_proof().await,
        Verification::BadCheckpoint {
            company_id,
            seq: 5,
            reason: CheckpointBreak::BadSignature
        }
    );
    // Naming the intruder's key instead.
    let mut renamed = resigned.clone();
    renamed.key_id = intruder.public().key_id();
    update(renamed.clone()).await;
    assert_eq!(
        app.verify_proof().await,
        Verification::BadCheckpoint {
            company_id,
            seq: 5,
            reason: CheckpointBreak::OtherKey {
                key_id: renamed.key_id.clone()
            }
        }
    );
    // A made-up checkpoint past the end of an intact chain.
    let other = chain(&app, other_id).await;
    assert_eq!(other.entries.len(), 1);
    execute(
        &app,
        &format!(
            "INSERT INTO proof_checkpoints (company_id, seq, head_hash, legacy_entries, signed_at, key_id, signature)
             VALUES ({}, 9, '{}', 0, '2026-01-01T00:00:00.000000Z', '{}', '{}')",
            other_id,
            "ab".repeat(32),
            app.state.proof_key.public().key_id(),
            "cd".repeat(64)
        ),
    )
    .await;
    let verdict = audit::verify_chain(
        other_id,
        &chain(&app, other_id).await,
        &app.state.proof_key.public(),
    );
    assert_eq!(
        verdict,
        Verification::BadCheckpoint {
            company_id: other_id,
            seq: 9,
            reason: CheckpointBreak::BadSignature
        }
    );
}

/// DATA-1's erasure, as the integrator calls it: every string naming Louis replaced.
fn pseudonym(value: &Value) -> Option<Value> {
    fn walk(value: &Value) -> Value {
        match value {
            Value::String(text)
                if ["Louis", "Luc", "Dupont", "louis.dupont@martin.fr"]
                    .contains(&text.as_str()) =>
            {
                json!("Erased person 7")
            }
            Value::Array(items) => Value::Array(items.iter().map(walk).collect()),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(key, value)| (key.clone(), walk(value)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    Some(walk(value))
}

/// As an erasure does: pseudonymises the Company's entries and records, in the same
/// transaction, the erasure entry that lists them. The numbers of the entries rewritten.
async fn erase(app: &TestApp, company_id: i64) -> Vec<i64> {
    let mut transaction = app.state.db.write().await.unwrap();
    let changed = audit::pseudonymise(&mut transaction, company_id, &pseudonym)
        .await
        .unwrap();
    let listed = json!({ audit::PSEUDONYMISED_FIELD: changed });
    let change =
        audit::Change::new(company_id, None, audit::ERASURE_ACTION, "user:7").after(&listed);
    audit::record(&mut transaction, change, app.state.clock.now())
        .await
        .unwrap();
    transaction.commit().await.unwrap();
    changed
}

async fn a_pseudonymised_entry_still_verifies(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_, company_id, _) = changes(&app).await;
    assert_eq!(checkpoint(&app).await, 2);
    let changed = erase(&app, company_id).await;
    // The User's creation and renaming.
    assert_eq!(changed, [2, 3]);
    let entries = chain(&app, company_id).await.entries;
    for entry in &entries {
        let payloads = format!("{:?} {:?}", entry.before_json, entry.after_json);
        assert!(
            !payloads.contains("Louis") && !payloads.contains("louis.dupont"),
            "{payloads}"
        );
        assert_eq!(
            entry.pseudonymised,
            [2, 3].contains(&entry.seq),
            "entry {}",
            entry.seq
        );
    }
    assert!(
        entries[1]
            .after_json
            .as_deref()
            .unwrap()
            .contains("Erased person 7")
    );
    // The erasure entry (7) comes after the last checkpoint.
    assert_eq!(app.verify_proof().await, intact(7, 1));
    // Again: nothing left to change.
    assert_eq!(erase(&app, company_id).await, Vec::<i64>::new());

    // Marked or not, the hash still covers the digests: a digest changed is caught.
    drop_guards(&app, backend).await;
    execute(
        &app,
        &format!(
            "UPDATE audit_log SET after_digest = '{}' WHERE company_id = {company_id} AND seq = 2",
            "0".repeat(64)
        ),
    )
    .await;
    match app.verify_proof().await {
        Verification::Broken {
            seq,
            reason: Break::Altered,
            ..
        } => assert_eq!(seq, 2),
        other => panic!("a changed digest went unnoticed: {other:?}"),
    }
}

async fn an_altered_payload_is_caught_and_the_guard_allows_only_pseudonymisation(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_, company_id, _) = changes(&app).await;
    assert_eq!(checkpoint(&app).await, 2);
    let refused = |statement: String| {
        let db = app.state.db.clone();
        async move {
            let error = sqlx::query(sqlx::AssertSqlSafe(statement.clone()))
                .execute(&db.pool)
                .await
                .expect_err(&statement)
                .to_string();
            assert!(error.contains("append-only"), "{statement}: {error}");
        }
    };
    let entry = format!("WHERE company_id = {company_id} AND seq = 2");
    let original = chain(&app, company_id).await.entries[1].after_json.clone();
    // A payload changed without the mark, the mark removed, or anything else changed.
    refused(format!("UPDATE audit_log SET after_json = '{{}}' {entry}")).await;
    refused(format!(
        "UPDATE audit_log SET after_json = '{{}}', pseudonymised = 1, action = 'user.nothing' {entry}"
    ))
    .await;
    refused(format!(
        "UPDATE audit_log SET hash_version = 1, pseudonymised = 1 {entry}"
    ))
    .await;
    refused(format!("DELETE FROM audit_log {entry}")).await;
    refused("UPDATE proof_checkpoints SET signature = 'x'".into()).await;
    refused("DELETE FROM proof_checkpoints".into()).await;
    // A pseudonymisation passes the guard, and cannot be undone; but one that no erasure
    // recorded after it lists is caught.
    execute(
        &app,
        &format!("UPDATE audit_log SET after_json = '{{\"first_name\":\"X\"}}', pseudonymised = 1 {entry}"),
    )
    .await;
    refused(format!("UPDATE audit_log SET pseudonymised = 0 {entry}")).await;
    match app.verify_proof().await {
        Verification::Broken { seq, reason, .. } => {
            assert_eq!((seq, reason), (2, Break::Undeclared))
        }
        other => panic!("a payload marked pseudonymised by hand went unnoticed: {other:?}"),
    }

    // Without the guard, a payload changed and left unmarked no longer matches its digest.
    drop_guards(&app, backend).await;
    sqlx::query(
        "UPDATE audit_log SET after_json = $1, pseudonymised = 0 WHERE company_id = $2 AND seq = 2",
    )
    .bind(&original)
    .bind(company_id)
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(app.verify_proof().await, intact(6, 0));
    execute(
        &app,
        &format!(
            "UPDATE audit_log SET after_json = '{{\"opt_out\":false}}'
             WHERE company_id = {company_id} AND seq = 5"
        ),
    )
    .await;
    match app.verify_proof().await {
        Verification::Broken {
            company_id: broken,
            seq,
            reason,
            ..
        } => assert_eq!((broken, seq, reason), (company_id, 5, Break::Altered)),
        other => panic!("an altered payload went unnoticed: {other:?}"),
    }
}

async fn entries_of_the_first_hash_version_still_verify(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_, company_id, _) = changes(&app).await;
    drop_guards(&app, backend).await;
    // Entries 1 to 3 as they were written before migration 0021: payloads hashed, no digests.
    let mut entries = chain(&app, company_id).await.entries;
    for entry in &mut entries[..3] {
        entry.hash_version = 1;
        entry.before_digest = None;
        entry.after_digest = None;
    }
    write_back(&app, &mut entries).await;
    assert_eq!(app.verify_proof().await, intact(6, 6));
    assert_eq!(checkpoint(&app).await, 2);
    assert_eq!(
        chain(&app, company_id).await.checkpoints[0].legacy_entries,
        3
    );
    assert_eq!(app.verify_proof().await, intact(6, 0));

    // An old entry's payload altered without the mark is caught by the old formula.
    let set_payload = |payload: Option<String>| {
        let db = app.state.db.clone();
        async move {
            sqlx::query("UPDATE audit_log SET after_json = $1 WHERE company_id = $2 AND seq = 3")
                .bind(payload)
                .bind(company_id)
                .execute(&db.pool)
                .await
                .unwrap();
        }
    };
    let original = entries[2].after_json.clone();
    set_payload(Some("{}".into())).await;
    assert!(matches!(
        app.verify_proof().await,
        Verification::Broken {
            seq: 3,
            reason: Break::Altered,
            ..
        }
    ));
    set_payload(original).await;
    assert_eq!(app.verify_proof().await, intact(6, 0));

    // Pseudonymised, an old entry is checked for its place in the chain only.
    assert_eq!(erase(&app, company_id).await, [2, 3]);
    assert_eq!(app.verify_proof().await, intact(7, 1));

    // A later entry cannot pass for an old, pseudonymised one: no erasure lists it (and the
    // checkpoint signed how many old entries come first).
    execute(
        &app,
        &format!(
            "UPDATE audit_log SET hash_version = 1, pseudonymised = 1, action = 'company.nothing'
             WHERE company_id = {company_id} AND seq = 4"
        ),
    )
    .await;
    assert!(matches!(
        app.verify_proof().await,
        Verification::Broken {
            seq: 4,
            reason: Break::Undeclared,
            ..
        }
    ));
}

async fn the_export_verifies_offline_and_fails_when_edited(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, company_id, _) = changes(&app).await;
    let key = app.state.proof_key.public();
    // The Activity page names the key.
    let page = manager.get("/api/console/activity").await.json();
    assert_eq!(page["proof_key_id"], json!(key.key_id()));

    let reply = manager.get("/api/console/activity/export").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert!(
        reply.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let export: ProofExport = serde_json::from_str(&reply.text()).unwrap();
    assert_eq!(export.company_id, company_id);
    assert_eq!(export.format.name, proof::EXPORT_FORMAT);
    assert_eq!(
        (
            export.public_key.hex.clone(),
            export.public_key.key_id.clone()
        ),
        (key.hex(), key.key_id())
    );
    assert_eq!(export.numbered, 5);
    assert_eq!(export.entries.len(), 5);
    assert!(
        export
            .entries
            .iter()
            .all(|entry| entry.company_id == company_id)
    );
    // Its head was signed for the export: every entry is under a checkpoint.
    assert_eq!(export.checkpoints.len(), 1);
    assert_eq!(proof::verify_export(&export, None), Ok(intact(5, 0)));
    assert_eq!(proof::verify_export(&export, Some(&key)), Ok(intact(5, 0)));
    let other_key = ProofKey::generate().public();
    assert!(matches!(
        proof::verify_export(&export, Some(&other_key)),
        Err(ExportError::OtherKey { .. })
    ));

    // Edited: a payload, then a checkpoint.
    let mut edited = export.clone();
    edited.entries[1].after_json = Some(r#"{"first_name":"Someone"}"#.into());
    assert!(matches!(
        proof::verify_export(&edited, None),
        Ok(Verification::Broken {
            seq: 2,
            reason: Break::Altered,
            ..
        })
    ));
    let mut edited = export.clone();
    edited.checkpoints[0].signed_at = "2020-01-01T00:00:00.000000Z".into();
    assert_eq!(
        proof::verify_export(&edited, None),
        Ok(Verification::BadCheckpoint {
            company_id,
            seq: 5,
            reason: CheckpointBreak::BadSignature
        })
    );

    // `server verify-proof --export FILE`, on the file as downloaded and edited.
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("proof-log.json");
    std::fs::write(&file, reply.text()).unwrap();
    assert!(server::verify_proof_export(&file, None).unwrap());
    assert!(server::verify_proof_export(&file, Some(&key)).unwrap());
    assert!(!server::verify_proof_export(&file, Some(&other_key)).unwrap());
    let tampered = reply.text().replacen("Louis", "Lewis", 1);
    assert_ne!(tampered, reply.text());
    std::fs::write(&file, tampered).unwrap();
    assert!(!server::verify_proof_export(&file, None).unwrap());
    std::fs::write(&file, "{}").unwrap();
    assert!(!server::verify_proof_export(&file, None).unwrap());
}
