//! The proof log as Managers browse it (PROOF-1): pages of entries with their authors' names.

use std::collections::HashMap;
use std::collections::hash_map::Entry as Slot;

use super::audit::{self, Entry};
use crate::db::Database;

/// Who made a change, as shown to people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Author {
    /// The system (no user).
    System,
    /// A user of the Company, by name.
    User(String),
    /// A user who no longer exists, by id.
    Removed(i64),
    /// One of the provider's operators (issue 14), by email.
    Operator(String),
}

/// Entries of the Company's log numbered below `before` (all when `None`), newest first, at most
/// `limit`, each with its author.
pub async fn page(
    db: &Database,
    company_id: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<(Entry, Author)>, sqlx::Error> {
    let entries = audit::page(db, company_id, before, limit).await?;
    let mut names: HashMap<i64, Option<String>> = HashMap::new();
    for id in entries.iter().filter_map(|entry| entry.actor_user_id) {
        if let Slot::Vacant(slot) = names.entry(id) {
            slot.insert(user_name(db, company_id, id).await?);
        }
    }
    let mut operators: HashMap<i64, String> = HashMap::new();
    for id in entries.iter().filter_map(|entry| entry.actor_operator_id) {
        if let Slot::Vacant(slot) = operators.entry(id) {
            let email: String = sqlx::query_scalar("SELECT email FROM operators WHERE id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await?;
            slot.insert(email);
        }
    }
    Ok(entries
        .into_iter()
        .map(|entry| {
            let author = match (entry.actor_user_id, entry.actor_operator_id) {
                (_, Some(id)) => Author::Operator(operators.get(&id).cloned().unwrap_or_default()),
                (None, None) => Author::System,
                (Some(id), None) => match names.get(&id).cloned().flatten() {
                    Some(name) => Author::User(name),
                    None => Author::Removed(id),
                },
            };
            (entry, author)
        })
        .collect())
}

async fn user_name(
    db: &Database,
    company_id: i64,
    user_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT first_name, last_name FROM users WHERE id = $1 AND company_id = $2")
            .bind(user_id)
            .bind(company_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(first, last)| format!("{first} {last}")))
}
