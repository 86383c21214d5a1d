//! PROOF-1: signing the proof log's chain heads at regular checkpoints with the server's proof
//! key, and the proof log exported for verification outside the product.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::db::Database;
use crate::proof_key::{ProofKey, PublicKey};
use crate::store::audit::{self, Chain, Checkpoint, Entry, Verification};
use crate::store::stamp;

/// How often the background task signs the heads that moved (`--proof-checkpoint-seconds`).
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(60);

/// Signs every Company's chain head that moved since its last checkpoint, as of `now`.
/// Returns how many checkpoints were written. Several instances may run this at once: a head
/// another one signed first is skipped.
pub async fn checkpoint_all(
    db: &Database,
    key: &ProofKey,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    sign_heads(db, key, None, now).await
}

/// As [`checkpoint_all`], for one Company's chain only.
pub async fn checkpoint_company(
    db: &Database,
    key: &ProofKey,
    company_id: i64,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    sign_heads(db, key, Some(company_id), now).await
}

async fn sign_heads(
    db: &Database,
    key: &ProofKey,
    company_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let key_id = key.public().key_id();
    let mut written = 0;
    for head in audit::heads_to_sign(db, company_id).await? {
        let mut checkpoint = Checkpoint {
            company_id: head.company_id,
            seq: head.seq,
            head_hash: head.hash,
            legacy_entries: head.legacy_entries,
            signed_at: stamp(now),
            key_id: key_id.clone(),
            signature: String::new(),
        };
        checkpoint.signature = key.sign(&checkpoint.message());
        if audit::insert_checkpoint(db, &checkpoint).await? {
            written += 1;
        }
    }
    Ok(written)
}

/// Starts the background task: signs the heads that moved at once, then every `every`.
pub fn spawn(
    db: Database,
    key: Arc<ProofKey>,
    clock: Clock,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match checkpoint_all(&db, &key, clock.now()).await {
                Ok(0) => {}
                Ok(signed) => tracing::debug!(signed, "proof log checkpoints signed"),
                Err(error) => {
                    tracing::error!(%error, "cannot sign the proof log's checkpoints; will try again")
                }
            }
            tokio::time::sleep(every).await;
        }
    })
}

/// How the exported hashes and signatures are computed, in words (the `format` of an export).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Format {
    pub name: String,
    pub chain: String,
    pub entry_hash_v1: String,
    pub entry_hash_v2: String,
    pub payload_digest: String,
    pub pseudonymised: String,
    pub checkpoint_signature: String,
    pub public_key: String,
    pub verification: String,
}

impl Format {
    /// The format this server writes.
    pub fn current() -> Self {
        Format {
            name: EXPORT_FORMAT.into(),
            chain: "Entries are numbered 1, 2, 3… (seq) without gaps; each carries the hash of the entry before it (prev_hash), the first one 64 zeros. `numbered` is the number of entries the Company's counter says were recorded.".into(),
            entry_hash_v1: "hash_version 1 (entries written before checkpoints existed): SHA-256, as 64 lowercase hex digits, of these texts in order, each written as its length in bytes in decimal, a colon, then the text in UTF-8: company_id, seq, at, actor_user_id (empty for the system), action, subject, before_json, after_json (the text `null` when absent), prev_hash.".into(),
            entry_hash_v2: "hash_version 2: the same, with the text `v2` first and before_json and after_json replaced by before_digest and after_digest (`null` when absent).".into(),
            payload_digest: "before_digest and after_digest are the SHA-256 (64 lowercase hex digits) of before_json and after_json, as UTF-8 bytes, when the entry was recorded.".into(),
            pseudonymised: "An entry marked pseudonymised had a person's identity in its payloads replaced after an erasure (GDPR): its payloads no longer match their digests, and the entry is checked through its digests only. A pseudonymised entry of hash_version 1 can only be checked for its place in the chain.".into(),
            checkpoint_signature: "Each checkpoint signs a chain head with Ed25519 (RFC 8032). The signed message is these lines joined by a line feed, without a final one, in UTF-8: `PROOF-1 checkpoint`, `company <company_id>`, `entry <seq>`, `hash <head_hash>`, `legacy <legacy_entries>`, `signed <signed_at>`. signature is the 64-byte signature as 128 hex digits. legacy_entries counts the chain's first entries of hash_version 1.".into(),
            public_key: "public_key.hex is the Ed25519 public key (32 bytes, 64 hex digits); key_id, which each checkpoint names, is the first 16 hex digits of its SHA-256. Compare it with the one the provider publishes (`server proof-key`).".into(),
            verification: "The log is intact when every entry has the next number and the previous entry's hash, its hash matches its content (and an entry not pseudonymised has payloads matching its digests), every checkpoint's signature is valid for the public key, the entry it names carries its head_hash and legacy_entries entries of version 1 come first, and the entries reach both `numbered` and the last checkpoint. Entries after the last checkpoint are not yet signed.".into(),
        }
    }
}

/// The name of the export format.
pub const EXPORT_FORMAT: &str = "PROOF-1 proof log export, version 1";

/// The public key, as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedKey {
    pub algorithm: String,
    pub hex: String,
    pub key_id: String,
}

/// A Company's proof log, everything needed to verify it outside the product
/// (`GET /api/console/activity/export`, `server verify-proof --export FILE`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofExport {
    pub format: Format,
    pub company_id: i64,
    pub exported_at: String,
    pub public_key: ExportedKey,
    /// How many entries the Company's counter says were recorded.
    pub numbered: i64,
    pub entries: Vec<Entry>,
    pub checkpoints: Vec<Checkpoint>,
}

/// Company `company_id`'s proof log for export: its head is signed first (so that every entry
/// is under a checkpoint), then its entries, checkpoints and the public key are read. Also what
/// a Company's data archive carries.
pub async fn export(
    db: &Database,
    key: &ProofKey,
    company_id: i64,
    now: DateTime<Utc>,
) -> Result<ProofExport, sqlx::Error> {
    checkpoint_company(db, key, company_id, now).await?;
    let chain = audit::chain(db, company_id).await?;
    let public = key.public();
    Ok(ProofExport {
        format: Format::current(),
        company_id,
        exported_at: stamp(now),
        public_key: ExportedKey {
            algorithm: "Ed25519".into(),
            hex: public.hex(),
            key_id: public.key_id(),
        },
        numbered: chain.numbered,
        entries: chain.entries,
        checkpoints: chain.checkpoints,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("this is not a proof log export ({0})")]
    Unreadable(String),
    #[error("the export's public key is not an Ed25519 key written as 64 hex digits")]
    BadKey,
    #[error(
        "the export's public key ({exported}) is not the one given ({given}): it was not signed by that key"
    )]
    OtherKey { exported: String, given: String },
}

/// Verifies an export alone, without the database: with `trusted` (the provider's published
/// key) when given, else with the key the export carries (then compare its key id with the
/// published one).
pub fn verify_export(
    export: &ProofExport,
    trusted: Option<&PublicKey>,
) -> Result<Verification, ExportError> {
    let exported = PublicKey::from_hex(&export.public_key.hex).map_err(|_| ExportError::BadKey)?;
    if let Some(trusted) = trusted.filter(|trusted| **trusted != exported) {
        return Err(ExportError::OtherKey {
            exported: exported.hex(),
            given: trusted.hex(),
        });
    }
    let chain = Chain {
        entries: export.entries.clone(),
        checkpoints: export.checkpoints.clone(),
        numbered: export.numbered,
    };
    Ok(audit::verify_chain(export.company_id, &chain, &exported))
}

/// Reads an export from its JSON text.
pub fn parse_export(text: &str) -> Result<ProofExport, ExportError> {
    serde_json::from_str(text).map_err(|error| ExportError::Unreadable(error.to_string()))
}
