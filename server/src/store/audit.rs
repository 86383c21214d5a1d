//! PROOF-1 (GTCS 12.5): every change made through the console is recorded with its author, its
//! time and the values before and after, in an append-only log. Each Company's entries are
//! numbered 1, 2, 3… and each carries the hash of the previous one, so altering, removing or
//! inserting an entry breaks the chain, and [`verify`] names the first entry that no longer fits.
//!
//! A chain alone does not survive someone who can write to the database: they could rewrite an
//! entry and recompute every hash after it. So the chain's head is signed at regular checkpoints
//! ([`Checkpoint`], `proof_checkpoints`, written by `services::proof`) with an Ed25519 key the
//! database does not hold (`crate::proof_key`), and [`verify`] checks each checkpoint's
//! signature and that the entry it names still carries the hash it signed.
//!
//! Entries written since migration 0021 (hash version 2) chain a SHA-256 digest of each payload
//! rather than the payload itself, so that an erasure (DATA-1, [`pseudonymise`]) can replace a
//! person's identity in the payloads and the entry still verifies through its stored digests.
//! Entries written before keep version 1 (the payloads themselves are hashed). Entries written
//! since migration 0037 (version 3) also chain their author when it is one of the provider's
//! operators (issue 14).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

use super::stamp;
use crate::db::Database;
use crate::proof_key::PublicKey;

/// The hash the first entry of every chain refers to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash formula of the entries [`record`] writes (see [`Entry::expected_hash`]).
pub const HASH_VERSION: i64 = 3;

/// Who made a change: a User of the Company, an operator of the provider (issue 14), or the
/// system (the scheduler).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    User(i64),
    Operator(i64),
    System,
}

/// One change, as the code that makes it describes it.
#[derive(Debug, Clone)]
pub struct Change {
    pub company_id: i64,
    /// Who made it; `None` for the system (a scheduled renewal, say).
    pub actor_user_id: Option<i64>,
    /// The provider's operator who made it (issue 14), see [`Change::by_operator`].
    pub actor_operator_id: Option<i64>,
    /// What was done, e.g. `user.create`, `company.update`.
    pub action: &'static str,
    /// What it was done to, e.g. `user:42`.
    pub subject: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl Change {
    pub fn new(
        company_id: i64,
        actor_user_id: Option<i64>,
        action: &'static str,
        subject: impl Into<String>,
    ) -> Self {
        Change {
            company_id,
            actor_user_id,
            actor_operator_id: None,
            action,
            subject: subject.into(),
            before: None,
            after: None,
        }
    }

    /// Made by the provider's operator `operator_id` (`None`: by nobody in particular).
    pub fn by_operator(mut self, operator_id: Option<i64>) -> Self {
        self.actor_operator_id = operator_id;
        self
    }

    /// Made by `author`, whoever it is.
    pub fn by(mut self, author: Author) -> Self {
        (self.actor_user_id, self.actor_operator_id) = match author {
            Author::User(user_id) => (Some(user_id), None),
            Author::Operator(operator_id) => (None, Some(operator_id)),
            Author::System => (None, None),
        };
        self
    }

    pub fn before(mut self, value: &impl Serialize) -> Self {
        self.before = serde_json::to_value(value).ok();
        self
    }

    pub fn after(mut self, value: &impl Serialize) -> Self {
        self.after = serde_json::to_value(value).ok();
        self
    }
}

/// A stored entry (also as exported, `services::proof::export`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: i64,
    pub company_id: i64,
    pub seq: i64,
    pub at: String,
    pub actor_user_id: Option<i64>,
    /// Version 3: the provider's operator who made it.
    #[serde(default)]
    pub actor_operator_id: Option<i64>,
    pub action: String,
    pub subject: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    /// Version 2: the SHA-256 (hex) of `before_json` as recorded; `None` when there was none,
    /// and on version 1.
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    /// 1: the hash covers the payloads; 2: it covers their digests.
    pub hash_version: i64,
    /// The payloads were rewritten by an erasure ([`pseudonymise`]).
    pub pseudonymised: bool,
    pub prev_hash: String,
    pub hash: String,
}

/// SHA-256 (hex) of `parts`, each written as its length in bytes, a colon and itself.
fn chain_hash(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.len().to_string().as_bytes());
        hasher.update(b":");
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The digest a version-2 entry keeps of a payload: the SHA-256 (hex) of its JSON text.
pub fn payload_digest(payload: &str) -> String {
    hex::encode(Sha256::digest(payload.as_bytes()))
}

impl Entry {
    /// The hash this entry must carry, computed from everything it records and its
    /// predecessor, by its hash version (`None`: a version this server does not know).
    ///
    /// Both versions are the SHA-256 of a list of texts, each written as its length in bytes
    /// (decimal), `:` and the text. Version 1: company id, seq, at, actor id (empty for the
    /// system), action, subject, before payload, after payload (`null` when absent),
    /// previous hash. Version 2: `v2`, then the same with each payload replaced by its digest.
    /// Version 3: `v3`, then as version 2 with the operator's id (empty for none) after the
    /// User's.
    pub fn expected_hash(&self) -> Option<String> {
        let company = self.company_id.to_string();
        let seq = self.seq.to_string();
        let actor = self
            .actor_user_id
            .map(|id| id.to_string())
            .unwrap_or_default();
        let operator = self
            .actor_operator_id
            .map(|id| id.to_string())
            .unwrap_or_default();
        let (before, after) = match self.hash_version {
            1 => (&self.before_json, &self.after_json),
            2 | 3 => (&self.before_digest, &self.after_digest),
            _ => return None,
        };
        let mut parts = vec![
            company.as_str(),
            &seq,
            &self.at,
            &actor,
            &self.action,
            &self.subject,
            before.as_deref().unwrap_or("null"),
            after.as_deref().unwrap_or("null"),
            &self.prev_hash,
        ];
        match self.hash_version {
            2 => parts.insert(0, "v2"),
            3 => {
                parts.insert(4, &operator);
                parts.insert(0, "v3");
            }
            _ => {}
        }
        Some(chain_hash(&parts))
    }

    /// Why this entry's content no longer fits its own hash, if it does not. A version-2 entry
    /// not marked pseudonymised must also have the payloads its digests were taken of; a
    /// marked one is checked through its digests only.
    ///
    /// A pseudonymised version-1 entry cannot be checked at all: its hash covers the payloads
    /// an erasure replaced. Only its place in the chain (its number, its link to the entry
    /// before, the next entry's link to it and the checkpoints after it) is checked.
    fn content_break(&self) -> Option<Break> {
        let Some(expected) = self.expected_hash() else {
            return Some(Break::UnknownVersion);
        };
        let payloads_fit = || {
            let fits = |payload: &Option<String>, digest: &Option<String>| {
                payload.as_deref().map(payload_digest) == *digest
            };
            fits(&self.before_json, &self.before_digest)
                && fits(&self.after_json, &self.after_digest)
        };
        let altered = match (self.hash_version, self.pseudonymised) {
            (1, true) => false,
            (1, false) => self.hash != expected,
            (_, true) => self.hash != expected,
            (_, false) => self.hash != expected || !payloads_fit(),
        };
        altered.then_some(Break::Altered)
    }

    fn from_row(row: &sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Entry {
            id: row.try_get("id")?,
            company_id: row.try_get("company_id")?,
            seq: row.try_get("seq")?,
            at: row.try_get("at")?,
            actor_user_id: row.try_get("actor_user_id")?,
            actor_operator_id: row.try_get("actor_operator_id")?,
            action: row.try_get("action")?,
            subject: row.try_get("subject")?,
            before_json: row.try_get("before_json")?,
            after_json: row.try_get("after_json")?,
            before_digest: row.try_get("before_digest")?,
            after_digest: row.try_get("after_digest")?,
            hash_version: row.try_get("hash_version")?,
            pseudonymised: row.try_get::<i64, _>("pseudonymised")? != 0,
            prev_hash: row.try_get("prev_hash")?,
            hash: row.try_get("hash")?,
        })
    }
}

/// The columns [`Entry::from_row`] reads.
macro_rules! columns {
    () => {
        "id, company_id, seq, at, actor_user_id, actor_operator_id, action, subject, before_json, after_json, \
         before_digest, after_digest, hash_version, pseudonymised, prev_hash, hash"
    };
}

/// Appends `change` to its Company's chain, inside the caller's transaction (so the change and
/// its record are saved together or not at all). Bumping the Company's counter first locks its
/// row, so concurrent writers of one Company queue up and the chain never forks.
pub async fn record(
    connection: &mut AnyConnection,
    change: Change,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    // One statement: the entry's number, and the hash of the entry before it.
    let (seq, prev_hash): (i64, Option<String>) = sqlx::query_as(
        "UPDATE companies SET audit_seq = audit_seq + 1 WHERE id = $1
         RETURNING audit_seq, (SELECT a.hash FROM audit_log a
                               WHERE a.company_id = companies.id AND a.seq = companies.audit_seq - 1)",
    )
    .bind(change.company_id)
    .fetch_one(&mut *connection)
    .await?;
    let prev_hash = match prev_hash {
        _ if seq == 1 => GENESIS.to_owned(),
        Some(hash) => hash,
        None => return Err(sqlx::Error::RowNotFound),
    };
    let before_json = change.before.map(|value| value.to_string());
    let after_json = change.after.map(|value| value.to_string());
    let mut entry = Entry {
        id: 0,
        company_id: change.company_id,
        seq,
        at: stamp(at),
        actor_user_id: change.actor_user_id,
        actor_operator_id: change.actor_operator_id,
        action: change.action.to_owned(),
        subject: change.subject,
        before_digest: before_json.as_deref().map(payload_digest),
        after_digest: after_json.as_deref().map(payload_digest),
        before_json,
        after_json,
        hash_version: HASH_VERSION,
        pseudonymised: false,
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry.expected_hash().unwrap_or_default();
    sqlx::query(
        "INSERT INTO audit_log (company_id, seq, at, actor_user_id, actor_operator_id, action,
             subject, before_json, after_json, before_digest, after_digest, hash_version,
             prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(entry.company_id)
    .bind(entry.seq)
    .bind(&entry.at)
    .bind(entry.actor_user_id)
    .bind(entry.actor_operator_id)
    .bind(&entry.action)
    .bind(&entry.subject)
    .bind(&entry.before_json)
    .bind(&entry.after_json)
    .bind(&entry.before_digest)
    .bind(&entry.after_digest)
    .bind(entry.hash_version)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// The provider's own chain (issue 14, point 3): what an operator changes that concerns no
/// Company in particular (the catalogue: prices, the price index, Credits rates, the pool of
/// Numbers), in `provider_log`, numbered by `provider_log_head`. Its entries are hashed as a
/// Company's entries of version 3 are, with this company id, and [`verify`] checks it with the
/// Companies' chains (it has no signed checkpoints).
pub const PROVIDER_CHAIN: i64 = 0;

/// The hash formula of the provider's entries (version 3's, see [`Entry::expected_hash`]).
const PROVIDER_HASH_VERSION: i64 = 3;

/// Appends to the provider's chain what the operator `operator_id` did, inside the caller's
/// transaction. Bumping the head first locks it, so concurrent writers queue and the chain
/// never forks.
pub async fn record_provider(
    connection: &mut AnyConnection,
    operator_id: i64,
    action: &'static str,
    subject: impl Into<String>,
    after: &impl Serialize,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let (seq, prev_hash): (i64, Option<String>) = sqlx::query_as(
        "UPDATE provider_log_head SET seq = seq + 1 WHERE id = 1
         RETURNING seq, (SELECT p.hash FROM provider_log p WHERE p.seq = provider_log_head.seq - 1)",
    )
    .fetch_one(&mut *connection)
    .await?;
    let prev_hash = match prev_hash {
        _ if seq == 1 => GENESIS.to_owned(),
        Some(hash) => hash,
        None => return Err(sqlx::Error::RowNotFound),
    };
    let after_json = serde_json::to_value(after)
        .map_err(|error| sqlx::Error::Encode(error.into()))?
        .to_string();
    let mut entry = Entry {
        id: 0,
        company_id: PROVIDER_CHAIN,
        seq,
        at: stamp(at),
        actor_user_id: None,
        actor_operator_id: Some(operator_id),
        action: action.to_owned(),
        subject: subject.into(),
        before_json: None,
        after_digest: Some(payload_digest(&after_json)),
        after_json: Some(after_json),
        before_digest: None,
        hash_version: PROVIDER_HASH_VERSION,
        pseudonymised: false,
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry.expected_hash().unwrap_or_default();
    sqlx::query(
        "INSERT INTO provider_log (seq, at, operator_id, action, subject, before_json,
             after_json, before_digest, after_digest, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(entry.seq)
    .bind(&entry.at)
    .bind(operator_id)
    .bind(&entry.action)
    .bind(&entry.subject)
    .bind(&entry.before_json)
    .bind(&entry.after_json)
    .bind(&entry.before_digest)
    .bind(&entry.after_digest)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// The provider's chain, oldest first (see [`PROVIDER_CHAIN`]).
pub async fn provider_chain(db: &Database) -> Result<Chain, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, seq, at, operator_id, action, subject, before_json, after_json,
             before_digest, after_digest, prev_hash, hash
         FROM provider_log ORDER BY seq",
    )
    .fetch_all(&db.pool)
    .await?;
    let entries = rows
        .iter()
        .map(|row| {
            Ok(Entry {
                id: row.try_get("id")?,
                company_id: PROVIDER_CHAIN,
                seq: row.try_get("seq")?,
                at: row.try_get("at")?,
                actor_user_id: None,
                actor_operator_id: row.try_get("operator_id")?,
                action: row.try_get("action")?,
                subject: row.try_get("subject")?,
                before_json: row.try_get("before_json")?,
                after_json: row.try_get("after_json")?,
                before_digest: row.try_get("before_digest")?,
                after_digest: row.try_get("after_digest")?,
                hash_version: PROVIDER_HASH_VERSION,
                pseudonymised: false,
                prev_hash: row.try_get("prev_hash")?,
                hash: row.try_get("hash")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let numbered: i64 = sqlx::query_scalar("SELECT seq FROM provider_log_head WHERE id = 1")
        .fetch_one(&db.pool)
        .await?;
    Ok(Chain {
        entries,
        checkpoints: Vec::new(),
        numbered,
    })
}

/// A page of one Company's log, newest first: entries with `seq` below `before` (all when `None`).
pub async fn page(
    db: &Database,
    company_id: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Entry>, sqlx::Error> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM audit_log WHERE company_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3"
    ))
    .bind(company_id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(Entry::from_row).collect()
}

/// The action of the entry an erasure records after rewriting payloads: its `after` value lists,
/// under [`PSEUDONYMISED_FIELD`], the numbers of the entries it rewrote. [`verify`] accepts a
/// pseudonymised entry only when a later erasure entry lists it, so marking an entry and
/// changing its payload by hand is caught. Erasure entries themselves are never rewritten.
pub const ERASURE_ACTION: &str = "user.erase";
pub const PSEUDONYMISED_FIELD: &str = "proof_entries_pseudonymised";

/// Rewrites the payloads of a Company's entries where `rewrite` returns a new value (DATA-1
/// erasure); the entry is marked pseudonymised and still verifies through its stored digests.
/// Returns the numbers (`seq`) of the entries changed, which the caller records under
/// [`PSEUDONYMISED_FIELD`] in an [`ERASURE_ACTION`] entry of the same transaction.
///
/// Run it inside the erasure's transaction. `rewrite` sees each payload (`before_json`,
/// `after_json`) parsed as JSON; `None`, or the same value, leaves that payload as it is. A
/// version-1 entry (written before migration 0021) rewritten here can afterwards only be
/// checked for its place in the chain, not for its content (see [`Entry::expected_hash`]).
pub async fn pseudonymise(
    connection: &mut AnyConnection,
    company_id: i64,
    rewrite: &(dyn Fn(&serde_json::Value) -> Option<serde_json::Value> + Sync),
) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64, i64, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT id, seq, before_json, after_json FROM audit_log
         WHERE company_id = $1 AND action <> $2 ORDER BY seq",
    )
    .bind(company_id)
    .bind(ERASURE_ACTION)
    .fetch_all(&mut *connection)
    .await?;
    let mut changed = Vec::new();
    for (id, seq, before, after) in rows {
        let new_before = rewritten(before.as_deref(), rewrite);
        let new_after = rewritten(after.as_deref(), rewrite);
        if new_before.is_none() && new_after.is_none() {
            continue;
        }
        sqlx::query(
            "UPDATE audit_log SET before_json = $1, after_json = $2, pseudonymised = 1
             WHERE id = $3 AND company_id = $4",
        )
        .bind(new_before.or(before))
        .bind(new_after.or(after))
        .bind(id)
        .bind(company_id)
        .execute(&mut *connection)
        .await?;
        changed.push(seq);
    }
    Ok(changed)
}

/// The new JSON text of `payload` when `rewrite` changes it.
fn rewritten(
    payload: Option<&str>,
    rewrite: &(dyn Fn(&serde_json::Value) -> Option<serde_json::Value> + Sync),
) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(payload?).ok()?;
    let new = rewrite(&value)?;
    (new != value).then(|| new.to_string())
}

/// A signed checkpoint: the head of a Company's chain (the entry numbered `seq`, carrying
/// `head_hash`) as it stood at `signed_at`, signed with the proof key named by `key_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub company_id: i64,
    pub seq: i64,
    pub head_hash: String,
    /// How many of the chain's first entries carry the version-1 hash.
    pub legacy_entries: i64,
    pub signed_at: String,
    /// The first 16 hex digits of the SHA-256 of the signing public key.
    pub key_id: String,
    /// The Ed25519 signature of [`Checkpoint::message`], 128 hex digits.
    pub signature: String,
}

impl Checkpoint {
    /// What is signed: these lines joined by `\n` (no final newline), in UTF-8:
    /// `PROOF-1 checkpoint`, `company <id>`, `entry <seq>`, `hash <head hash>`,
    /// `legacy <legacy entries>`, `signed <signed at>`.
    pub fn message(&self) -> Vec<u8> {
        format!(
            "PROOF-1 checkpoint\ncompany {}\nentry {}\nhash {}\nlegacy {}\nsigned {}",
            self.company_id, self.seq, self.head_hash, self.legacy_entries, self.signed_at
        )
        .into_bytes()
    }

    fn from_row(row: &sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Checkpoint {
            company_id: row.try_get("company_id")?,
            seq: row.try_get("seq")?,
            head_hash: row.try_get("head_hash")?,
            legacy_entries: row.try_get("legacy_entries")?,
            signed_at: row.try_get("signed_at")?,
            key_id: row.try_get("key_id")?,
            signature: row.try_get("signature")?,
        })
    }
}

/// The columns [`Checkpoint::from_row`] reads.
macro_rules! checkpoint_columns {
    () => {
        "company_id, seq, head_hash, legacy_entries, signed_at, key_id, signature"
    };
}

/// A chain head not yet signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub company_id: i64,
    pub seq: i64,
    pub hash: String,
    pub legacy_entries: i64,
}

/// The head of every chain (or of `company_id`'s) that moved since its last checkpoint.
pub async fn heads_to_sign(
    db: &Database,
    company_id: Option<i64>,
) -> Result<Vec<Head>, sqlx::Error> {
    const HEADS: &str = "SELECT a.company_id, a.seq, a.hash,
            (SELECT COUNT(*) FROM audit_log v
             WHERE v.company_id = a.company_id AND v.hash_version = 1 AND v.seq <= a.seq) AS legacy
         FROM audit_log a
         WHERE a.seq = (SELECT MAX(m.seq) FROM audit_log m WHERE m.company_id = a.company_id)
           AND a.seq > (SELECT COALESCE(MAX(p.seq), 0) FROM proof_checkpoints p
                        WHERE p.company_id = a.company_id)";
    let rows = match company_id {
        Some(company_id) => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "{HEADS} AND a.company_id = $1"
            )))
            .bind(company_id)
            .fetch_all(&db.pool)
            .await?
        }
        None => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "{HEADS} ORDER BY a.company_id"
            )))
            .fetch_all(&db.pool)
            .await?
        }
    };
    rows.iter()
        .map(|row| {
            Ok(Head {
                company_id: row.try_get("company_id")?,
                seq: row.try_get("seq")?,
                hash: row.try_get("hash")?,
                legacy_entries: row.try_get("legacy")?,
            })
        })
        .collect()
}

/// Saves `checkpoint`; `false` when that head was already signed (by this or another
/// instance), which is harmless.
pub async fn insert_checkpoint(
    db: &Database,
    checkpoint: &Checkpoint,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO proof_checkpoints
             (company_id, seq, head_hash, legacy_entries, signed_at, key_id, signature)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (company_id, seq) DO NOTHING",
    )
    .bind(checkpoint.company_id)
    .bind(checkpoint.seq)
    .bind(&checkpoint.head_hash)
    .bind(checkpoint.legacy_entries)
    .bind(&checkpoint.signed_at)
    .bind(&checkpoint.key_id)
    .bind(&checkpoint.signature)
    .execute(&db.pool)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// One Company's whole chain as stored: its entries and checkpoints in order, and the number
/// of entries its counter says were recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chain {
    pub entries: Vec<Entry>,
    pub checkpoints: Vec<Checkpoint>,
    pub numbered: i64,
}

/// `company_id`'s chain.
pub async fn chain(db: &Database, company_id: i64) -> Result<Chain, sqlx::Error> {
    let entries = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM audit_log WHERE company_id = $1 ORDER BY seq"
    ))
    .bind(company_id)
    .fetch_all(&db.pool)
    .await?;
    let checkpoints = sqlx::query(concat!(
        "SELECT ",
        checkpoint_columns!(),
        " FROM proof_checkpoints WHERE company_id = $1 ORDER BY seq"
    ))
    .bind(company_id)
    .fetch_all(&db.pool)
    .await?;
    let numbered: Option<i64> = sqlx::query_scalar("SELECT audit_seq FROM companies WHERE id = $1")
        .bind(company_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(Chain {
        entries: entries
            .iter()
            .map(Entry::from_row)
            .collect::<Result<_, _>>()?,
        checkpoints: checkpoints
            .iter()
            .map(Checkpoint::from_row)
            .collect::<Result<_, _>>()?,
        numbered: numbered.unwrap_or(0),
    })
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Every chain holds: `entries` entries checked, of which `unsigned` come after their
    /// chain's last checkpoint (not yet signed: not a failure, but not yet protected against
    /// someone who can write to the database).
    Intact { entries: u64, unsigned: u64 },
    /// The first entry that does not fit its chain, and why.
    Broken {
        id: i64,
        company_id: i64,
        seq: i64,
        reason: Break,
    },
    /// A Company's chain stops before the last entry it numbered or signed: entries were removed.
    Truncated {
        company_id: i64,
        last_seq: i64,
        numbered: i64,
    },
    /// A checkpoint that the proof key did not sign.
    BadCheckpoint {
        company_id: i64,
        seq: i64,
        reason: CheckpointBreak,
    },
}

impl Verification {
    pub fn is_intact(&self) -> bool {
        matches!(self, Verification::Intact { .. })
    }
}

impl std::fmt::Display for Verification {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Verification::Intact { entries, unsigned } => write!(
                formatter,
                "The proof log is intact: {entries} entries checked, {} of them under a signed checkpoint; {unsigned} not yet signed.",
                entries - unsigned
            ),
            Verification::Broken {
                id,
                company_id,
                seq,
                reason,
            } => write!(
                formatter,
                "The proof log was tampered with: entry {seq} of company {company_id} (row {id}): {reason}."
            ),
            Verification::Truncated {
                company_id,
                last_seq,
                numbered,
            } => write!(
                formatter,
                "The proof log was tampered with: company {company_id}'s entries stop at {last_seq} but {numbered} were recorded."
            ),
            Verification::BadCheckpoint {
                company_id,
                seq,
                reason,
            } => write!(
                formatter,
                "The proof log was tampered with: the checkpoint of company {company_id} at entry {seq}: {reason}."
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Break {
    #[error("its content no longer matches its hash (it was altered)")]
    Altered,
    #[error("it does not point to the entry before it (an entry was removed, inserted or altered)")]
    Unlinked,
    #[error("its number does not follow the entry before it (an entry was removed or inserted)")]
    OutOfSequence,
    #[error(
        "it no longer carries the hash signed at {signed_at}: the chain was rewritten from entry {since} to this one (an entry changed and the hashes after it recomputed)"
    )]
    NotAsSigned { since: i64, signed_at: String },
    #[error("its hash version is not the one recorded when it was signed (it was altered)")]
    VersionChanged,
    #[error("it claims a hash version that does not exist (it was altered)")]
    UnknownVersion,
    #[error(
        "it is marked as pseudonymised, but no erasure recorded after it lists it (it was altered)"
    )]
    Undeclared,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointBreak {
    #[error(
        "its signature is not the proof key's signature of what it records (it was forged or altered)"
    )]
    BadSignature,
    #[error(
        "it names another signing key ({key_id}) than the proof key verification was given (forged, or signed with a key that was replaced)"
    )]
    OtherKey { key_id: String },
    #[error("it signs an entry number that cannot exist (it was forged)")]
    NoSuchEntry,
}

/// Checks one Company's chain against the proof `key`: every entry in order (number, link,
/// content), every checkpoint (signature by `key`, the entry it names still carrying the hash
/// it signed and the version-1 entries it counted), and that the chain reaches both the last
/// number the Company's counter gave and the last signed entry. Reports the first failure, or
/// `Intact` for this chain.
pub fn verify_chain(company_id: i64, chain: &Chain, key: &PublicKey) -> Verification {
    let key_id = key.key_id();
    let signed: BTreeMap<i64, &Checkpoint> = chain
        .checkpoints
        .iter()
        .map(|checkpoint| (checkpoint.seq, checkpoint))
        .collect();
    let forged = |checkpoint: &Checkpoint| -> Option<Verification> {
        let reason = if checkpoint.key_id != key_id {
            CheckpointBreak::OtherKey {
                key_id: checkpoint.key_id.clone(),
            }
        } else if !key.verifies(&checkpoint.message(), &checkpoint.signature)
            || checkpoint.company_id != company_id
        {
            CheckpointBreak::BadSignature
        } else {
            return None;
        };
        Some(Verification::BadCheckpoint {
            company_id,
            seq: checkpoint.seq,
            reason,
        })
    };
    if let Some((_, checkpoint)) = signed.range(..1).next() {
        return forged(checkpoint).unwrap_or(Verification::BadCheckpoint {
            company_id,
            seq: checkpoint.seq,
            reason: CheckpointBreak::NoSuchEntry,
        });
    }
    let broken = |entry: &Entry, reason| Verification::Broken {
        id: entry.id,
        company_id,
        seq: entry.seq,
        reason,
    };
    // Each pseudonymised entry's number, with the number of the erasure entry that lists it.
    let declared: BTreeMap<i64, i64> = chain
        .entries
        .iter()
        .filter(|entry| entry.action == ERASURE_ACTION && !entry.pseudonymised)
        .flat_map(|erasure| {
            let listed: Vec<i64> = erasure
                .after_json
                .as_deref()
                .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
                .and_then(|after| {
                    serde_json::from_value(after.get(PSEUDONYMISED_FIELD)?.clone()).ok()
                })
                .unwrap_or_default();
            listed.into_iter().map(move |seq| (seq, erasure.seq))
        })
        .collect();
    let mut previous: Option<&Entry> = None;
    // The number of leading version-1 entries, and the last entry whose checkpoint holds.
    let mut legacy = 0;
    let mut last_signed = 0;
    for (index, entry) in chain.entries.iter().enumerate() {
        let (expected_seq, expected_prev) = match previous {
            Some(last) => (last.seq + 1, last.hash.as_str()),
            None => (1, GENESIS),
        };
        if entry.seq != expected_seq || entry.company_id != company_id {
            return broken(entry, Break::OutOfSequence);
        }
        if entry.prev_hash != expected_prev {
            return broken(entry, Break::Unlinked);
        }
        if let Some(reason) = entry.content_break() {
            return broken(entry, reason);
        }
        if entry.hash_version == 1 {
            // Version 1 only before every version-2 entry (written before migration 0021).
            if legacy != entry.seq - 1 {
                return broken(entry, Break::VersionChanged);
            }
            legacy = entry.seq;
        }
        if entry.pseudonymised
            && (entry.action == ERASURE_ACTION
                || declared
                    .get(&entry.seq)
                    .is_none_or(|erasure| *erasure <= entry.seq))
        {
            return broken(entry, Break::Undeclared);
        }
        if let Some(checkpoint) = signed.get(&entry.seq) {
            if let Some(failure) = forged(checkpoint) {
                return failure;
            }
            if checkpoint.head_hash != entry.hash {
                return broken(
                    entry,
                    Break::NotAsSigned {
                        since: last_signed + 1,
                        signed_at: checkpoint.signed_at.clone(),
                    },
                );
            }
            if checkpoint.legacy_entries != legacy {
                // The first entry whose version differs from what was signed.
                let first = checkpoint.legacy_entries.min(legacy).max(0) as usize;
                return broken(
                    chain.entries.get(first).unwrap_or(&chain.entries[index]),
                    Break::VersionChanged,
                );
            }
            last_signed = entry.seq;
        }
        previous = Some(entry);
    }
    let last_seq = previous.map_or(0, |entry| entry.seq);
    if let Some((_, checkpoint)) = signed.range(last_seq + 1..).next() {
        return forged(checkpoint).unwrap_or(Verification::Truncated {
            company_id,
            last_seq,
            numbered: chain.numbered.max(checkpoint.seq),
        });
    }
    if last_seq != chain.numbered {
        return Verification::Truncated {
            company_id,
            last_seq,
            numbered: chain.numbered,
        };
    }
    Verification::Intact {
        entries: chain.entries.len() as u64,
        unsigned: (last_seq - last_signed) as u64,
    }
}

/// Walks every Company's chain in order and reports the first entry or checkpoint that was
/// tampered with ([`verify_chain`]), checking the checkpoints' signatures with `key` (the
/// server's proof key, `crate::proof_key`, which the database does not hold).
pub async fn verify(db: &Database, key: &PublicKey) -> Result<Verification, sqlx::Error> {
    let mut chains: BTreeMap<i64, Chain> = BTreeMap::new();
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM audit_log ORDER BY company_id, seq"
    ))
    .fetch_all(&db.pool)
    .await?;
    for row in &rows {
        let entry = Entry::from_row(row)?;
        chains
            .entry(entry.company_id)
            .or_default()
            .entries
            .push(entry);
    }
    let rows = sqlx::query(concat!(
        "SELECT ",
        checkpoint_columns!(),
        " FROM proof_checkpoints ORDER BY company_id, seq"
    ))
    .fetch_all(&db.pool)
    .await?;
    for row in &rows {
        let checkpoint = Checkpoint::from_row(row)?;
        chains
            .entry(checkpoint.company_id)
            .or_default()
            .checkpoints
            .push(checkpoint);
    }
    let numbered: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, audit_seq FROM companies WHERE audit_seq <> 0")
            .fetch_all(&db.pool)
            .await?;
    for (company_id, numbered) in numbered {
        chains.entry(company_id).or_default().numbered = numbered;
    }
    chains.insert(PROVIDER_CHAIN, provider_chain(db).await?);
    let (mut entries, mut unsigned) = (0, 0);
    for (company_id, chain) in &chains {
        match verify_chain(*company_id, chain, key) {
            Verification::Intact {
                entries: checked,
                unsigned: waiting,
            } => {
                entries += checked;
                unsigned += waiting;
            }
            failure => return Ok(failure),
        }
    }
    Ok(Verification::Intact { entries, unsigned })
}
