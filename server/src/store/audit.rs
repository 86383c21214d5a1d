//! PROOF-1 (GTCS 12.5): every change made through the console is recorded with its author, its
//! time and the values before and after, in an append-only log. Each Company's entries are
//! numbered 1, 2, 3… and each carries the hash of the previous one, so altering, removing or
//! inserting an entry breaks the chain, and [`verify`] names the first entry that no longer fits.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

use super::stamp;
use crate::db::Database;

/// The hash the first entry of every chain refers to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One change, as the code that makes it describes it.
#[derive(Debug, Clone)]
pub struct Change {
    pub company_id: i64,
    /// Who made it; `None` for the system (a scheduled renewal, say).
    pub actor_user_id: Option<i64>,
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
            action,
            subject: subject.into(),
            before: None,
            after: None,
        }
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

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub id: i64,
    pub company_id: i64,
    pub seq: i64,
    pub at: String,
    pub actor_user_id: Option<i64>,
    pub action: String,
    pub subject: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl Entry {
    /// The hash this entry must carry, computed from everything it records and its predecessor.
    fn expected_hash(&self) -> String {
        let mut hasher = Sha256::new();
        for part in [
            self.company_id.to_string().as_str(),
            &self.seq.to_string(),
            &self.at,
            &self
                .actor_user_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            &self.action,
            &self.subject,
            self.before_json.as_deref().unwrap_or("null"),
            self.after_json.as_deref().unwrap_or("null"),
            &self.prev_hash,
        ] {
            hasher.update(part.len().to_string().as_bytes());
            hasher.update(b":");
            hasher.update(part.as_bytes());
        }
        hex::encode(hasher.finalize())
    }

    fn from_row(row: &sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Entry {
            id: row.try_get("id")?,
            company_id: row.try_get("company_id")?,
            seq: row.try_get("seq")?,
            at: row.try_get("at")?,
            actor_user_id: row.try_get("actor_user_id")?,
            action: row.try_get("action")?,
            subject: row.try_get("subject")?,
            before_json: row.try_get("before_json")?,
            after_json: row.try_get("after_json")?,
            prev_hash: row.try_get("prev_hash")?,
            hash: row.try_get("hash")?,
        })
    }
}

/// The columns [`Entry::from_row`] reads.
macro_rules! columns {
    () => {
        "id, company_id, seq, at, actor_user_id, action, subject, before_json, after_json, prev_hash, hash"
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
    let seq: i64 = sqlx::query_scalar(
        "UPDATE companies SET audit_seq = audit_seq + 1 WHERE id = $1 RETURNING audit_seq",
    )
    .bind(change.company_id)
    .fetch_one(&mut *connection)
    .await?;
    let prev_hash: String = if seq == 1 {
        GENESIS.to_owned()
    } else {
        sqlx::query_scalar("SELECT hash FROM audit_log WHERE company_id = $1 AND seq = $2")
            .bind(change.company_id)
            .bind(seq - 1)
            .fetch_one(&mut *connection)
            .await?
    };
    let mut entry = Entry {
        id: 0,
        company_id: change.company_id,
        seq,
        at: stamp(at),
        actor_user_id: change.actor_user_id,
        action: change.action.to_owned(),
        subject: change.subject,
        before_json: change.before.map(|value| value.to_string()),
        after_json: change.after.map(|value| value.to_string()),
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry.expected_hash();
    sqlx::query(
        "INSERT INTO audit_log (company_id, seq, at, actor_user_id, action, subject, before_json, after_json, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(entry.company_id)
    .bind(entry.seq)
    .bind(&entry.at)
    .bind(entry.actor_user_id)
    .bind(&entry.action)
    .bind(&entry.subject)
    .bind(&entry.before_json)
    .bind(&entry.after_json)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(&mut *connection)
    .await?;
    Ok(())
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

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Every chain holds: `entries` entries checked.
    Intact { entries: u64 },
    /// The first entry that does not fit its chain, and why.
    Broken {
        id: i64,
        company_id: i64,
        seq: i64,
        reason: Break,
    },
    /// A Company's chain stops before the last entry it numbered: entries were removed.
    Truncated {
        company_id: i64,
        last_seq: i64,
        numbered: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Break {
    #[error("its content no longer matches its hash (it was altered)")]
    Altered,
    #[error("it does not point to the entry before it (an entry was removed, inserted or altered)")]
    Unlinked,
    #[error("its number does not follow the entry before it (an entry was removed or inserted)")]
    OutOfSequence,
}

/// Walks every Company's chain in order and reports the first entry that was tampered with.
pub async fn verify(db: &Database) -> Result<Verification, sqlx::Error> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM audit_log ORDER BY company_id, seq"
    ))
    .fetch_all(&db.pool)
    .await?;
    let mut previous: Option<Entry> = None;
    let mut checked = 0;
    for row in &rows {
        let entry = Entry::from_row(row)?;
        let (expected_seq, expected_prev) = match &previous {
            Some(last) if last.company_id == entry.company_id => (last.seq + 1, last.hash.as_str()),
            _ => (1, GENESIS),
        };
        let broken = |reason| Verification::Broken {
            id: entry.id,
            company_id: entry.company_id,
            seq: entry.seq,
            reason,
        };
        if entry.seq != expected_seq {
            return Ok(broken(Break::OutOfSequence));
        }
        if entry.prev_hash != expected_prev {
            return Ok(broken(Break::Unlinked));
        }
        if entry.hash != entry.expected_hash() {
            return Ok(broken(Break::Altered));
        }
        checked += 1;
        previous = Some(entry);
    }
    let numbered =
        sqlx::query("SELECT id, audit_seq FROM companies WHERE audit_seq > 0 ORDER BY id")
            .fetch_all(&db.pool)
            .await?;
    for row in &numbered {
        let (company_id, numbered): (i64, i64) = (row.try_get("id")?, row.try_get("audit_seq")?);
        let last_seq = sqlx::query_scalar::<_, i64>(
            "SELECT COALESCE(MAX(seq), 0) FROM audit_log WHERE company_id = $1",
        )
        .bind(company_id)
        .fetch_one(&db.pool)
        .await?;
        if last_seq != numbered {
            return Ok(Verification::Truncated {
                company_id,
                last_seq,
                numbered,
            });
        }
    }
    Ok(Verification::Intact { entries: checked })
}
