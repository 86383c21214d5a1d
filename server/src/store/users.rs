//! User Accounts of a Company (ACCESS-1..3): the list, one user, creation with an invitation,
//! edits, role and status changes, deletion, the outbox and CSV imports. Every change is
//! recorded in the proof log in its own transaction (PROOF-1).

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use domain::country::CountryCode;
use domain::number::{HeldNumber, no_longer_qualifying, no_longer_qualifying_reason};
use domain::user::{ImportCheck, ImportRow, RejectedRow, ValidUser};
use protocol::terms::TermsInForce;
use protocol::users::{
    ImportMode, ImportReport, Invitation, NumberOutOfTerritory, OutboxEmail, UserDetail, UserRow,
    UserUpdated,
};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

use super::codec::{Columns, Packed, packed, parsed};
use super::{audit, stamp};
use crate::db::{Database, is_unique_violation};

/// How long an invitation link works.
pub const INVITATION_LIFETIME: TimeDelta = TimeDelta::days(7);

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("no such user in this company")]
    NotFound,
    #[error("an account already uses this email")]
    EmailTaken,
    #[error("this is the last active Manager")]
    LastManager,
    #[error("the user has {0} Numbers assigned")]
    HasNumbers(i64),
    #[error("the user placed Orders or accepted the GTCS for the Company")]
    HasRecords,
    /// An invitation is for someone who has not set a password yet; the person's first name.
    #[error("{0} already set a password")]
    PasswordAlreadySet(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

#[derive(Debug, thiserror::Error)]
pub enum InvitationError {
    #[error("no such invitation")]
    Unknown,
    #[error("the invitation has expired")]
    Expired,
    #[error("the invitation was already used")]
    Used,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The columns [`row_from`] reads, for a `users` table aliased `u`.
macro_rules! user_columns {
    () => {
        "u.id, u.first_name, u.last_name, u.email, u.mobile, u.residence_country, u.role, u.status,
         CAST(CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_password"
    };
}

/// The columns a packed list of users holds, in order (see [`list`]).
const LISTED: [&str; 9] = [
    "id",
    "first_name",
    "last_name",
    "email",
    "mobile",
    "residence_country",
    "role",
    "status",
    "has_password",
];

/// The columns of a packed list of stable links (see [`list`]).
const LINKS: [&str; 2] = ["user_id", "country"];

fn row_from(row: &impl Columns) -> Result<UserRow, sqlx::Error> {
    Ok(UserRow {
        id: row.integer("id")?,
        first_name: row.text("first_name")?,
        last_name: row.text("last_name")?,
        email: row.text("email")?,
        mobile: row.text_opt("mobile")?,
        residence_country: row.text_opt("residence_country")?,
        stable_links: Vec::new(),
        is_manager: row.decoded("role", |role| Some(role == "manager"))?,
        active: row.decoded("status", |status| Some(status == "active"))?,
        has_password: row.integer("has_password")? == 1,
    })
}

/// Every user of the Company, by last then first name, with their stable links: one query
/// answering two packed values (see `codec`), the users and the links of all of them, whatever
/// their number.
pub async fn list(db: &Database, company_id: i64) -> Result<Vec<UserRow>, sqlx::Error> {
    let (users, links): (Option<String>, Option<String>) = sqlx::query_as(concat!(
        "SELECT (SELECT string_agg(",
        packed!(
            "CAST(u.id AS TEXT)",
            "u.first_name",
            "u.last_name",
            "u.email",
            "u.mobile",
            "u.residence_country",
            "u.role",
            "u.status",
            "CASE WHEN u.password_hash IS NULL THEN '0' ELSE '1' END"
        ),
        ", '' ORDER BY u.last_name, u.first_name, u.id)
                 FROM users u WHERE u.company_id = $1 AND u.deleted_at IS NULL),
                (SELECT string_agg(",
        packed!("CAST(l.user_id AS TEXT)", "l.country"),
        ", '' ORDER BY l.user_id, l.country)
                 FROM user_stable_links l JOIN users u ON u.id = l.user_id
                 WHERE u.company_id = $1 AND u.deleted_at IS NULL)"
    ))
    .bind(company_id)
    .fetch_one(&db.pool)
    .await?;
    let mut stable_links: HashMap<i64, Vec<String>> = HashMap::new();
    for link in Packed::new(links.as_deref(), &LINKS) {
        let link = link?;
        stable_links
            .entry(link.integer("user_id")?)
            .or_default()
            .push(link.text("country")?);
    }
    Packed::new(users.as_deref(), &LISTED)
        .map(|record| {
            let mut user = row_from(&record?)?;
            user.stable_links = stable_links.remove(&user.id).unwrap_or_default();
            Ok(user)
        })
        .collect()
}

/// One user of the Company, with its stable links; `None` for a user of another Company.
pub(crate) async fn fetch(
    connection: &mut AnyConnection,
    company_id: i64,
    user_id: i64,
) -> Result<Option<UserRow>, sqlx::Error> {
    let row = sqlx::query(concat!(
        "SELECT ",
        user_columns!(),
        " FROM users u WHERE u.id = $1 AND u.company_id = $2 AND u.deleted_at IS NULL"
    ))
    .bind(user_id)
    .bind(company_id)
    .fetch_optional(&mut *connection)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let mut user = row_from(&row)?;
    user.stable_links = sqlx::query_scalar(
        "SELECT country FROM user_stable_links WHERE user_id = $1 ORDER BY country",
    )
    .bind(user_id)
    .fetch_all(&mut *connection)
    .await?;
    Ok(Some(user))
}

async fn numbers_of(connection: &mut AnyConnection, user_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM numbers WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(connection)
        .await
}

/// A user of `company_id`, with their Numbers and the WebApp's terms they accepted (those
/// `in_force` for comparison).
pub async fn get(
    db: &Database,
    company_id: i64,
    user_id: i64,
    in_force: &TermsInForce,
) -> Result<Option<UserDetail>, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    let Some(user) = fetch(&mut connection, company_id, user_id).await? else {
        return Ok(None);
    };
    let numbers = numbers_of(&mut connection, user_id).await?;
    let terms = super::terms::of_user(&mut connection, user_id, in_force).await?;
    let numbers_out_of_territory = out_of_territory_in(&mut connection, &user).await?;
    Ok(Some(UserDetail {
        user,
        numbers,
        terms,
        numbers_out_of_territory,
    }))
}

/// NUM-3 (house reading "Territory"): the Numbers `user` holds that no longer meet NUM-2 given
/// their residence and stable links as stored, judged by `domain::number`.
pub async fn out_of_territory_in(
    connection: &mut AnyConnection,
    user: &UserRow,
) -> Result<Vec<NumberOutOfTerritory>, sqlx::Error> {
    let held: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, e164, country FROM numbers WHERE user_id = $1 ORDER BY e164")
            .bind(user.id)
            .fetch_all(&mut *connection)
            .await?;
    judge_territory(user, held)
}

/// NUM-3: every User of the Company holding a Number that no longer meets NUM-2, by name, with
/// those Numbers: what the provider may suspend them for. Two queries whatever the Company's size.
pub async fn out_of_territory_of_company(
    db: &Database,
    company_id: i64,
) -> Result<Vec<(UserRow, Vec<NumberOutOfTerritory>)>, sqlx::Error> {
    let held: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT n.user_id, n.id, n.e164, n.country FROM numbers n JOIN users u ON u.id = n.user_id
         WHERE u.company_id = $1 AND u.deleted_at IS NULL ORDER BY n.e164",
    )
    .bind(company_id)
    .fetch_all(&db.pool)
    .await?;
    if held.is_empty() {
        return Ok(Vec::new());
    }
    let mut by_user: HashMap<i64, Vec<(i64, String, String)>> = HashMap::new();
    for (user_id, number_id, e164, country) in held {
        by_user
            .entry(user_id)
            .or_default()
            .push((number_id, e164, country));
    }
    let mut out = Vec::new();
    for user in list(db, company_id).await? {
        let Some(held) = by_user.remove(&user.id) else {
            continue;
        };
        let numbers = judge_territory(&user, held)?;
        if !numbers.is_empty() {
            out.push((user, numbers));
        }
    }
    Ok(out)
}

/// NUM-3: of the Numbers `held` (id, E.164, country), those `user` no longer qualifies for.
fn judge_territory(
    user: &UserRow,
    held: Vec<(i64, String, String)>,
) -> Result<Vec<NumberOutOfTerritory>, sqlx::Error> {
    let held = held
        .into_iter()
        .map(|(number_id, e164, country)| {
            Ok(HeldNumber {
                number_id,
                country: parsed("country", &country)?,
                e164,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let residence = user
        .residence_country
        .as_deref()
        .map(|raw| parsed::<CountryCode>("residence_country", raw))
        .transpose()?;
    let links = user
        .stable_links
        .iter()
        .map(|raw| parsed::<CountryCode>("country", raw))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let name = format!("{} {}", user.first_name, user.last_name);
    Ok(no_longer_qualifying(&held, residence, &links)
        .iter()
        .map(|number| NumberOutOfTerritory {
            number_id: number.number_id,
            e164: number.e164.clone(),
            country: number.country.to_string(),
            message: no_longer_qualifying_reason(number, &name),
        })
        .collect())
}

/// At most 20 Users of the Company whose name or email contains `text` (any case), by name:
/// how an operator finds the User a decision concerns.
pub async fn search(
    db: &Database,
    company_id: i64,
    text: &str,
) -> Result<Vec<UserRow>, sqlx::Error> {
    let escaped = text
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let rows = sqlx::query(concat!(
        "SELECT ",
        user_columns!(),
        " FROM users u WHERE u.company_id = $1 AND u.deleted_at IS NULL
           AND (LOWER(u.email) LIKE $2 ESCAPE '\\'
                OR LOWER(u.first_name || ' ' || u.last_name) LIKE $2 ESCAPE '\\')
         ORDER BY u.last_name, u.first_name, u.id LIMIT 20"
    ))
    .bind(company_id)
    .bind(format!("%{escaped}%"))
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(row_from).collect()
}

/// ACCESS-1: refuses a change that would leave the Company without an active Manager, when
/// `user` is one.
async fn keep_a_manager(
    connection: &mut AnyConnection,
    company_id: i64,
    user: &UserRow,
) -> Result<(), UserError> {
    if !(user.is_manager && user.active) {
        return Ok(());
    }
    let others: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE company_id = $1 AND id <> $2 AND role = 'manager' AND status = 'active'",
    )
    .bind(company_id)
    .bind(user.id)
    .fetch_one(connection)
    .await?;
    if others == 0 {
        Err(UserError::LastManager)
    } else {
        Ok(())
    }
}

fn email_taken(error: sqlx::Error) -> UserError {
    if is_unique_violation(&error) {
        UserError::EmailTaken
    } else {
        error.into()
    }
}

async fn insert_links(
    connection: &mut AnyConnection,
    user_id: i64,
    user: &ValidUser,
) -> Result<(), sqlx::Error> {
    for country in &user.stable_links {
        sqlx::query("INSERT INTO user_stable_links (user_id, country) VALUES ($1, $2)")
            .bind(user_id)
            .bind(country.as_str())
            .execute(&mut *connection)
            .await?;
    }
    Ok(())
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Who sends invitations: the Company's name and the inviting Manager's name.
struct Sender {
    company: String,
    manager: String,
}

async fn sender(
    connection: &mut AnyConnection,
    company_id: i64,
    actor: i64,
) -> Result<Sender, sqlx::Error> {
    let row = sqlx::query(
        "SELECT c.legal_name, u.first_name, u.last_name FROM companies c JOIN users u ON u.company_id = c.id
         WHERE c.id = $1 AND u.id = $2",
    )
    .bind(company_id)
    .bind(actor)
    .fetch_one(connection)
    .await?;
    Ok(Sender {
        company: row.try_get("legal_name")?,
        manager: format!(
            "{} {}",
            row.try_get::<String, _>("first_name")?,
            row.try_get::<String, _>("last_name")?
        ),
    })
}

/// Stores a new invitation for `user_id` (only the token's SHA-256) and writes its email to the
/// outbox. Returns the token.
async fn invite(
    connection: &mut AnyConnection,
    company_id: i64,
    sender: &Sender,
    user_id: i64,
    first_name: &str,
    email: &str,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    sqlx::query("INSERT INTO invitations (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(stamp(now))
        .bind(stamp(now + INVITATION_LIFETIME))
        .execute(&mut *connection)
        .await?;
    let body = format!(
        "Hello {first_name},\n\n{manager} invited you to use the phone numbers of {company}.\n\
         Choose your password with this link: /invitation/{token}\n\n\
         The link works once, for {days} days.",
        manager = sender.manager,
        company = sender.company,
        days = INVITATION_LIFETIME.num_days(),
    );
    let subject = format!("Your invitation to {}", sender.company);
    super::outbox::queue(connection, company_id, email, &subject, &body, now).await?;
    Ok(token)
}

async fn insert_user(
    connection: &mut AnyConnection,
    company_id: i64,
    user: &ValidUser,
    now: &str,
) -> Result<i64, UserError> {
    let user_id: i64 = sqlx::query_scalar(
        "INSERT INTO users (company_id, first_name, last_name, email, role, created_at, mobile, residence_country, status)
         VALUES ($1, $2, $3, $4, 'user', $5, $6, $7, 'active') RETURNING id",
    )
    .bind(company_id)
    .bind(&user.first_name)
    .bind(&user.last_name)
    .bind(user.email.as_str())
    .bind(now)
    .bind(user.mobile.as_str())
    .bind(user.residence_country.as_str())
    .fetch_one(&mut *connection)
    .await
    .map_err(email_taken)?;
    insert_links(connection, user_id, user).await?;
    Ok(user_id)
}

/// ACCESS-2: creates a User (role `user`, no password yet) and invites them by email. Returns
/// the new user and the invitation token.
pub async fn create(
    db: &Database,
    company_id: i64,
    actor: i64,
    user: &ValidUser,
    now: DateTime<Utc>,
) -> Result<(UserRow, String), UserError> {
    let mut tx = db.write().await?;
    let user_id = insert_user(&mut tx, company_id, user, &stamp(now)).await?;
    let sender = sender(&mut tx, company_id, actor).await?;
    let token = invite(
        &mut tx,
        company_id,
        &sender,
        user_id,
        &user.first_name,
        user.email.as_str(),
        now,
    )
    .await?;
    let created = fetch(&mut tx, company_id, user_id)
        .await?
        .ok_or(UserError::NotFound)?;
    let change = audit::Change::new(
        company_id,
        Some(actor),
        "user.create",
        format!("user:{user_id}"),
    )
    .after(&created);
    audit::record(&mut tx, change, now).await?;
    tx.commit().await?;
    Ok((created, token))
}

/// Sends a new invitation to a user who has not set a password yet. Returns the token.
pub async fn reinvite(
    db: &Database,
    company_id: i64,
    actor: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<String, UserError> {
    let mut tx = db.write().await?;
    let user = fetch(&mut tx, company_id, user_id)
        .await?
        .ok_or(UserError::NotFound)?;
    // Only the person may choose their password: once they have, nobody is invited in their
    // place (the link would let whoever reads it take the account over).
    if user.has_password {
        return Err(UserError::PasswordAlreadySet(user.first_name));
    }
    let sender = sender(&mut tx, company_id, actor).await?;
    let token = invite(
        &mut tx,
        company_id,
        &sender,
        user_id,
        &user.first_name,
        &user.email,
        now,
    )
    .await?;
    let change = audit::Change::new(
        company_id,
        Some(actor),
        "user.invite",
        format!("user:{user_id}"),
    )
    .after(&serde_json::json!({"email": user.email}));
    audit::record(&mut tx, change, now).await?;
    tx.commit().await?;
    Ok(token)
}

/// ACCESS-2: changes a user's names, email, mobile and countries; NUM-3: with the Numbers they
/// hold that no longer meet NUM-2 after the change.
pub async fn update(
    db: &Database,
    company_id: i64,
    actor: i64,
    user_id: i64,
    user: &ValidUser,
    now: DateTime<Utc>,
) -> Result<UserUpdated, UserError> {
    let mut tx = db.write().await?;
    let before = fetch(&mut tx, company_id, user_id)
        .await?
        .ok_or(UserError::NotFound)?;
    sqlx::query(
        "UPDATE users SET first_name = $1, last_name = $2, email = $3, mobile = $4, residence_country = $5
         WHERE id = $6 AND company_id = $7",
    )
    .bind(&user.first_name)
    .bind(&user.last_name)
    .bind(user.email.as_str())
    .bind(user.mobile.as_str())
    .bind(user.residence_country.as_str())
    .bind(user_id)
    .bind(company_id)
    .execute(&mut *tx)
    .await
    .map_err(email_taken)?;
    sqlx::query("DELETE FROM user_stable_links WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    insert_links(&mut tx, user_id, user).await?;
    let after = fetch(&mut tx, company_id, user_id)
        .await?
        .ok_or(UserError::NotFound)?;
    // NUM-3: the change is saved; the Numbers it leaves outside NUM-2 are said and recorded.
    let numbers_out_of_territory = out_of_territory_in(&mut tx, &after).await?;
    let newly_out: Vec<&str> = if numbers_out_of_territory.is_empty() {
        Vec::new()
    } else {
        let before_out = out_of_territory_in(&mut tx, &before).await?;
        numbers_out_of_territory
            .iter()
            .filter(|number| {
                !before_out
                    .iter()
                    .any(|old| old.number_id == number.number_id)
            })
            .map(|number| number.e164.as_str())
            .collect()
    };
    let change = audit::Change::new(
        company_id,
        Some(actor),
        "user.update",
        format!("user:{user_id}"),
    )
    .before(&before)
    .after(&after);
    audit::record(&mut tx, change, now).await?;
    if !newly_out.is_empty() {
        let change = audit::Change::new(
            company_id,
            Some(actor),
            "user.territory_no_longer_met",
            format!("user:{user_id}"),
        )
        .after(&serde_json::json!({"numbers": newly_out}));
        audit::record(&mut tx, change, now).await?;
        tell_managers_out_of_territory(&mut tx, company_id, &after, &newly_out, now).await?;
    }
    tx.commit().await?;
    Ok(UserUpdated {
        user: after,
        numbers_out_of_territory,
    })
}

/// NUM-3 (house reading "Territory"): every Manager of the Company, not only the one who saved
/// the change, is told by email which Numbers the User's change leaves outside NUM-2, and that
/// the provider may suspend the User for it.
async fn tell_managers_out_of_territory(
    tx: &mut crate::db::WriteTransaction,
    company_id: i64,
    user: &UserRow,
    numbers: &[&str],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let recipients = super::late_payment::manager_emails(tx, company_id).await?;
    let name = format!("{} {}", user.first_name, user.last_name);
    let subject = format!("{name}'s Numbers no longer meet the territorial condition");
    let body = format!(
        "The residence or stable links of {name} ({email}) were changed, and these Numbers they \
         hold no longer meet the territorial condition of the Numbers (NUM-2):\n\n{list}\n\n\
         The change is saved. Until {name} again resides in, or has stable links with, the \
         country of each Number, the provider may suspend their Services (NUM-3). You can give \
         these Numbers to another User from the Numbers page.\n",
        email = user.email,
        list = numbers
            .iter()
            .map(|number| format!("- {number}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    super::late_payment::send_to(tx, company_id, &recipients, &subject, &body, now).await
}

/// ACCESS-1: grants or revokes the Manager role; the last active Manager keeps it.
pub async fn set_role(
    db: &Database,
    company_id: i64,
    actor: i64,
    user_id: i64,
    is_manager: bool,
    now: DateTime<Utc>,
) -> Result<UserRow, UserError> {
    let mut tx = db.write().await?;
    super::lock_company(&mut tx, company_id).await?;
    let before = fetch(&mut tx, company_id, user_id)
        .await?
        .ok_or(UserError::NotFound)?;
    if before.is_manager == is_manager {
        return Ok(before);
    }
    if !is_manager {
        keep_a_manager(&mut tx, company_id, &before).await?;
    }
    sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
        .bind(if is_manager { "manager" } else { "user" })
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let after = UserRow {
        is_manager,
        ..before.clone()
    };
    let action = if is_manager {
        "user.grant_manager"
    } else {
        "user.revoke_manager"
    };
    let change = audit::Change::new(company_id, Some(actor), action, format!("user:{user_id}"))
        .before(&before)
        .after(&after);
    audit::record(&mut tx, change, now).await?;
    tx.commit().await?;
    Ok(after)
}

/// Deactivates (closing their sessions; they can no longer log in) or reactivates a user. The
/// last active Manager cannot be deactivated.
pub async fn set_status(
    db: &Database,
    company_id: i64,
    actor: i64,
    user_id: i64,
    active: bool,
    now: DateTime<Utc>,
) -> Result<UserRow, UserError> {
    let mut tx = db.write().await?;
    super::lock_company(&mut tx, company_id).await?;
    let before = fetch(&mut tx, company_id, user_id)
        .await?
        .ok_or(UserError::NotFound)?;
    if before.active == active {
        return Ok(before);
    }
    if !active {
        keep_a_manager(&mut tx, company_id, &before).await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE users SET status = $1 WHERE id = $2")
        .bind(if active { "active" } else { "deactivated" })
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let after = UserRow {
        active,
        ..before.clone()
    };
    let action = if active {
        "user.reactivate"
    } else {
        "user.deactivate"
    };
    let change = audit::Change::new(company_id, Some(actor), action, format!("user:{user_id}"))
        .before(&before)
        .after(&after);
    audit::record(&mut tx, change, now).await?;
    tx.commit().await?;
    Ok(after)
}

/// Deletes a user and their sessions and invitations. Refused for the last active Manager, for a
/// user with Numbers (NUM-1: reassign them first) and for one whose Orders or GTCS acceptance
/// are records of the Company (ACCEPT-1, ACCEPT-2: deactivate them instead).
pub async fn delete(
    db: &Database,
    company_id: i64,
    actor: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), UserError> {
    let mut tx = db.write().await?;
    super::lock_company(&mut tx, company_id).await?;
    let before = fetch(&mut tx, company_id, user_id)
        .await?
        .ok_or(UserError::NotFound)?;
    keep_a_manager(&mut tx, company_id, &before).await?;
    let numbers = numbers_of(&mut tx, user_id).await?;
    if numbers > 0 {
        return Err(UserError::HasNumbers(numbers));
    }
    let records: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM orders WHERE placed_by = $1)
              + (SELECT COUNT(*) FROM gtcs_acceptances WHERE user_id = $1)
              + (SELECT COUNT(*) FROM invoice_disputes WHERE opened_by = $1)
              + (SELECT COUNT(*) FROM restitution_claims WHERE claimed_by = $1)
              + (SELECT COUNT(*) FROM complaints WHERE opened_by = $1)",
    )
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    if records > 0 {
        return Err(UserError::HasRecords);
    }
    // Messages, calls and voicemails are also their correspondents': those records stay, under
    // a pseudonym; the person's own copies of messages go. Their acceptances of the WebApp's
    // terms (ACCEPT-1) are proof and stay too.
    let shared: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM calls WHERE caller_user_id = $1 OR callee_user_id = $1)
              + (SELECT COUNT(*) FROM attachments WHERE user_id = $1)
              + (SELECT COUNT(*) FROM suspensions WHERE user_id = $1)
              + (SELECT COUNT(*) FROM terms_acceptances WHERE user_id = $1)",
    )
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    let mut statements = vec![
        "DELETE FROM sessions WHERE user_id = $1",
        "DELETE FROM password_resets WHERE user_id = $1",
        "DELETE FROM login_challenges WHERE user_id = $1",
        "DELETE FROM recovery_codes WHERE user_id = $1",
        "DELETE FROM two_factor WHERE user_id = $1",
        "DELETE FROM invitations WHERE user_id = $1",
        "DELETE FROM user_stable_links WHERE user_id = $1",
        "DELETE FROM messages WHERE user_id = $1",
    ];
    if shared == 0 {
        statements.push("DELETE FROM users WHERE id = $1");
    }
    for statement in statements {
        sqlx::query(statement)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    if shared > 0 {
        sqlx::query(
            "UPDATE users SET first_name = 'Former', last_name = 'user', email = $2, mobile = NULL,
                 password_hash = NULL, role = 'user', status = 'deactivated', deleted_at = $3
             WHERE id = $1",
        )
        .bind(user_id)
        .bind(format!("deleted-user-{user_id}@invalid"))
        .bind(stamp(now))
        .execute(&mut *tx)
        .await?;
    }
    let change = audit::Change::new(
        company_id,
        Some(actor),
        "user.delete",
        format!("user:{user_id}"),
    )
    .before(&before);
    audit::record(&mut tx, change, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The Company's outgoing emails, newest first.
pub async fn outbox(db: &Database, company_id: i64) -> Result<Vec<OutboxEmail>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, recipient, subject, body, created_at, status, sent_at, last_error FROM outbox
         WHERE company_id = $1 ORDER BY id DESC",
    )
    .bind(company_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(OutboxEmail {
                id: row.try_get("id")?,
                recipient: row.try_get("recipient")?,
                subject: row.try_get("subject")?,
                body: row.try_get("body")?,
                created_at: row.try_get("created_at")?,
                status: row.try_get("status")?,
                sent_at: row.try_get("sent_at")?,
                last_error: row.try_get("last_error")?,
            })
        })
        .collect()
}

/// A live invitation: whom it is for, or why it cannot be used.
struct LiveInvitation {
    user_id: i64,
    company_id: i64,
    invitation: Invitation,
}

async fn live_invitation(
    connection: &mut AnyConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<LiveInvitation, InvitationError> {
    let row = sqlx::query(
        "SELECT i.expires_at, i.used_at, u.id, u.company_id, u.first_name, u.last_name, u.email, u.status, c.legal_name
         FROM invitations i JOIN users u ON u.id = i.user_id JOIN companies c ON c.id = u.company_id
         WHERE i.token_hash = $1",
    )
    .bind(token_hash(token))
    .fetch_optional(connection)
    .await?
    .ok_or(InvitationError::Unknown)?;
    if row.try_get::<Option<String>, _>("used_at")?.is_some() {
        return Err(InvitationError::Used);
    }
    if row.try_get::<String, _>("expires_at")? <= stamp(now) {
        return Err(InvitationError::Expired);
    }
    if row.try_get::<String, _>("status")? != "active" {
        // A deactivated user cannot come in through an old invitation either.
        return Err(InvitationError::Unknown);
    }
    Ok(LiveInvitation {
        user_id: row.try_get("id")?,
        company_id: row.try_get("company_id")?,
        invitation: Invitation {
            first_name: row.try_get("first_name")?,
            last_name: row.try_get("last_name")?,
            email: row.try_get("email")?,
            company: row.try_get("legal_name")?,
        },
    })
}

pub async fn invitation(
    db: &Database,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Invitation, InvitationError> {
    let mut connection = db.pool.acquire().await?;
    Ok(live_invitation(&mut connection, token, now)
        .await?
        .invitation)
}

/// Sets the invited user's password and uses up the invitation. Returns the user's id.
pub async fn accept_invitation(
    db: &Database,
    token: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<i64, InvitationError> {
    let mut tx = db.write().await?;
    let live = live_invitation(&mut tx, token, now).await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(live.user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE invitations SET used_at = $1 WHERE token_hash = $2")
        .bind(stamp(now))
        .bind(token_hash(token))
        .execute(&mut *tx)
        .await?;
    let change = audit::Change::new(
        live.company_id,
        Some(live.user_id),
        "user.accept_invitation",
        format!("user:{}", live.user_id),
    )
    .after(&serde_json::json!({"password_set": true}));
    audit::record(&mut tx, change, now).await?;
    tx.commit().await?;
    Ok(live.user_id)
}

#[derive(Serialize)]
struct Imported<'a> {
    id: i64,
    email: &'a str,
}

/// ACCESS-2: imports the rows of a CSV file, each checked as the browser checked it
/// ([`ImportCheck`]: the row itself and its email against every account and the rows before
/// it). In `AllOrNothing` mode one rejected row means nothing is written. Each created user is
/// invited; the proof log records the import as one entry listing them.
pub async fn import(
    db: &Database,
    company_id: i64,
    actor: i64,
    mode: ImportMode,
    rows: &[ImportRow],
    now: DateTime<Utc>,
) -> Result<ImportReport, UserError> {
    let mut tx = db.write().await?;
    let existing: Vec<String> = sqlx::query_scalar("SELECT email FROM users")
        .fetch_all(&mut *tx)
        .await?;
    let mut check = ImportCheck::new(existing);
    let mut valid = Vec::with_capacity(rows.len());
    let mut rejected: Vec<RejectedRow> = Vec::new();
    for row in rows {
        match check.check(row) {
            Ok(user) => valid.push(user),
            Err(rejection) => rejected.push(rejection),
        }
    }
    if valid.is_empty() || (mode == ImportMode::AllOrNothing && !rejected.is_empty()) {
        return Ok(ImportReport {
            created: 0,
            rejected,
        });
    }
    let stamped = stamp(now);
    let sender = sender(&mut tx, company_id, actor).await?;
    let mut created = Vec::with_capacity(valid.len());
    for user in &valid {
        let user_id = insert_user(&mut tx, company_id, user, &stamped).await?;
        invite(
            &mut tx,
            company_id,
            &sender,
            user_id,
            &user.first_name,
            user.email.as_str(),
            now,
        )
        .await?;
        created.push(Imported {
            id: user_id,
            email: user.email.as_str(),
        });
    }
    let change = audit::Change::new(company_id, Some(actor), "user.import", format!("company:{company_id}"))
        .after(&serde_json::json!({"created": created, "rejected_rows": rejected.iter().map(|r| r.row).collect::<Vec<_>>()}));
    audit::record(&mut tx, change, now).await?;
    tx.commit().await?;
    Ok(ImportReport {
        created: created.len(),
        rejected,
    })
}
