//! DATA-1 (GTCS 9) and TERM-3 (GTCS 6.1, 6.2.2): people's requests about their data, the
//! erasure that keeps what the law keeps and nothing else, and the retention the daily run
//! applies (house reading "Data rights").
//!
//! Erasure replaces a person's identity by a pseudonym ("Former user #42") wherever a record must
//! stay: their User row (so the messages, calls and voicemails their correspondents keep, the
//! proof log and the invoices still point somewhere), the proof log's recorded values, the
//! emails sent to others. It deletes what was only theirs: their copies of messages, the calls
//! nobody else was party to, the voicemails left for them, their sign-in secrets, links,
//! invitations and emails. Invoices and their lines are never touched (kept 10 years).

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use domain::privacy::{Decision, RequestKind, after_the_contract, answer_due, traffic_kept_from};
use domain::user::ValidProfile;
use protocol::backoffice::DataRequestItem;
use protocol::privacy::{DataRequest, Profile, RequestStatus};
use serde_json::Value;
use sqlx::{AnyConnection, Row};

use super::audit::{self, Author};
use super::codec::Columns;
use super::stamp;
use crate::clock::paris_day;
use crate::db::{Database, is_unique_violation};

#[derive(Debug, thiserror::Error)]
pub enum PrivacyError {
    #[error("no such request")]
    NotFound,
    #[error("a request of this kind is already waiting for its answer")]
    AlreadyOpen,
    #[error("the request was already answered")]
    AlreadyAnswered,
    #[error("a request is answered by another Manager than the person who made it")]
    OwnRequest,
    #[error("this is the last active Manager")]
    LastManager,
    #[error("the Company does not let its Users correct their profile")]
    CorrectionNotAllowed,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The columns [`request_from`] reads, over `data_requests r JOIN users u ON u.id = r.user_id
/// LEFT JOIN users a ON a.id = r.answered_by`.
macro_rules! request_columns {
    () => {
        "r.id, r.user_id, u.first_name, u.last_name, r.kind, r.details, r.received_at, r.due_on,
         r.status, r.answer, r.answered_at, a.first_name AS answerer_first, a.last_name AS answerer_last,
         CAST(CASE WHEN r.answered_by_operator IS NULL THEN 0 ELSE 1 END AS BIGINT) AS by_provider"
    };
}

macro_rules! request_from {
    () => {
        " FROM data_requests r JOIN users u ON u.id = r.user_id LEFT JOIN users a ON a.id = r.answered_by "
    };
}

fn request_from(row: &sqlx::any::AnyRow) -> Result<DataRequest, sqlx::Error> {
    let full_name = |first: &str, last: &str| -> Result<Option<String>, sqlx::Error> {
        let first: Option<String> = row.try_get(first)?;
        let last: Option<String> = row.try_get(last)?;
        Ok(first
            .zip(last)
            .map(|(first, last)| format!("{first} {last}")))
    };
    Ok(DataRequest {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        person: full_name("first_name", "last_name")?.unwrap_or_default(),
        kind: row.decoded("kind", RequestKind::parse)?,
        details: row.try_get("details")?,
        received_on: paris_day(row.instant("received_at")?),
        due_on: row.date("due_on")?,
        status: row.decoded("status", |raw| match raw {
            "open" => Some(RequestStatus::Open),
            "granted" => Some(RequestStatus::Granted),
            "refused" => Some(RequestStatus::Refused),
            _ => None,
        })?,
        answer: row.try_get("answer")?,
        answered_on: row.instant_opt("answered_at")?.map(paris_day),
        answered_by: if row.flag("by_provider")? {
            Some("The provider's support".to_owned())
        } else {
            full_name("answerer_first", "answerer_last")?
        },
    })
}

async fn request_by_id(
    connection: &mut AnyConnection,
    company_id: i64,
    id: i64,
) -> Result<Option<DataRequest>, sqlx::Error> {
    let row = sqlx::query(concat!(
        "SELECT ",
        request_columns!(),
        request_from!(),
        "WHERE r.id = $1 AND r.company_id = $2"
    ))
    .bind(id)
    .bind(company_id)
    .fetch_optional(connection)
    .await?;
    row.as_ref().map(request_from).transpose()
}

/// DATA-1: records a person's request, due one month after its receipt, and tells the Company's
/// Managers by email.
pub async fn open_request(
    db: &Database,
    company_id: i64,
    user_id: i64,
    kind: RequestKind,
    details: &str,
    now: DateTime<Utc>,
) -> Result<DataRequest, PrivacyError> {
    let received = paris_day(now);
    let due = answer_due(received).map_err(|error| sqlx::Error::Protocol(error.to_string()))?;
    let mut tx = db.write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO data_requests (company_id, user_id, kind, details, received_at, due_on)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(company_id)
    .bind(user_id)
    .bind(kind.as_str())
    .bind(details)
    .bind(stamp(now))
    .bind(due.to_string())
    .fetch_one(&mut *tx)
    .await
    .map_err(|error| {
        if is_unique_violation(&error) {
            PrivacyError::AlreadyOpen
        } else {
            error.into()
        }
    })?;
    let request = request_by_id(&mut tx, company_id, id)
        .await?
        .ok_or(PrivacyError::NotFound)?;
    let change = audit::Change::new(
        company_id,
        Some(user_id),
        "data_request.open",
        format!("data_request:{id}"),
    )
    .after(&serde_json::json!({ "kind": kind, "due_on": due }));
    audit::record(&mut tx, change, now).await?;
    let managers: Vec<String> = sqlx::query_scalar(
        "SELECT email FROM users WHERE company_id = $1 AND role = 'manager' AND status = 'active'
           AND id <> $2 ORDER BY id",
    )
    .bind(company_id)
    .bind(user_id)
    .fetch_all(&mut *tx)
    .await?;
    let subject = format!("A data-rights request to answer by {due}");
    let body = format!(
        "{} sent a request: {}.\n\nDATA-1: it must be answered by {due}. Answer it in the \
         Management Console, under Privacy requests.\n",
        request.person,
        kind.label()
    );
    for manager in managers {
        super::outbox::queue(&mut tx, company_id, &manager, &subject, &body, now).await?;
    }
    tx.commit().await?;
    Ok(request)
}

/// A person's own requests, newest first.
pub async fn requests_of_user(
    db: &Database,
    user_id: i64,
) -> Result<Vec<DataRequest>, sqlx::Error> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        request_columns!(),
        request_from!(),
        "WHERE r.user_id = $1 ORDER BY r.id DESC"
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(request_from).collect()
}

/// The Company's requests: those waiting, the earliest due first, then those answered, newest
/// first.
pub async fn requests_of_company(
    db: &Database,
    company_id: i64,
) -> Result<Vec<DataRequest>, sqlx::Error> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        request_columns!(),
        request_from!(),
        "WHERE r.company_id = $1
         ORDER BY CASE WHEN r.status = 'open' THEN 0 ELSE 1 END,
                  CASE WHEN r.status = 'open' THEN r.due_on ELSE '' END, r.id DESC"
    ))
    .bind(company_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(request_from).collect()
}

/// Who answers a data-rights request: one of the Company's Managers (never the person who
/// asked), or the provider's support operator (from the back office's queue, when no Manager
/// answers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answerer {
    Manager { company_id: i64, user_id: i64 },
    Operator(i64),
}

/// DATA-1: answers a request; granting an erasure erases the person's data in the same
/// transaction. The person is told by email (before an erasure, which deletes the emails to
/// them; the answer stays readable on the request).
pub async fn answer(
    db: &Database,
    answerer: Answerer,
    id: i64,
    decision: Decision,
    text: &str,
    now: DateTime<Utc>,
) -> Result<DataRequest, PrivacyError> {
    let mut tx = db.write().await?;
    let company_id = match answerer {
        Answerer::Manager { company_id, .. } => company_id,
        Answerer::Operator(_) => {
            sqlx::query_scalar::<_, i64>("SELECT company_id FROM data_requests WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(PrivacyError::NotFound)?
        }
    };
    super::lock_company(&mut tx, company_id).await?;
    let request = request_by_id(&mut tx, company_id, id)
        .await?
        .ok_or(PrivacyError::NotFound)?;
    if request.status != RequestStatus::Open {
        return Err(PrivacyError::AlreadyAnswered);
    }
    let (author, manager, operator) = match answerer {
        Answerer::Manager { user_id, .. } if user_id == request.user_id => {
            return Err(PrivacyError::OwnRequest);
        }
        Answerer::Manager { user_id, .. } => (Author::User(user_id), Some(user_id), None),
        Answerer::Operator(operator_id) => (Author::Operator(operator_id), None, Some(operator_id)),
    };
    sqlx::query(
        "UPDATE data_requests SET status = $1, answer = $2, answered_at = $3, answered_by = $4,
                answered_by_operator = $5
         WHERE id = $6",
    )
    .bind(decision.as_str())
    .bind(text)
    .bind(stamp(now))
    .bind(manager)
    .bind(operator)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let change = audit::Change::new(
        company_id,
        None,
        "data_request.answer",
        format!("data_request:{id}"),
    )
    .by(author)
    .after(&serde_json::json!({ "decision": decision, "answer": text }));
    audit::record(&mut tx, change, now).await?;
    if request.kind == RequestKind::Erasure && decision == Decision::Granted {
        erase_in(&mut tx, company_id, request.user_id, author, true, now).await?;
    } else {
        let email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
            .bind(request.user_id)
            .fetch_one(&mut *tx)
            .await?;
        let verdict = match decision {
            Decision::Granted => "granted",
            Decision::Refused => "refused",
        };
        let body = format!(
            "Your request ({}) received on {} was {verdict}.\n\n{text}\n",
            request.kind.label(),
            request.received_on
        );
        super::outbox::queue(
            &mut tx,
            company_id,
            &email,
            "The answer to your data-rights request",
            &body,
            now,
        )
        .await?;
    }
    let answered = request_by_id(&mut tx, company_id, id)
        .await?
        .ok_or(PrivacyError::NotFound)?;
    tx.commit().await?;
    Ok(answered)
}

/// DATA-1: every request waiting for its answer on `today`, across Companies, the earliest due
/// first, with how many of the Company's active Managers other than the person could answer it.
pub async fn waiting(db: &Database, today: NaiveDate) -> Result<Vec<DataRequestItem>, sqlx::Error> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        request_columns!(),
        ", r.company_id, c.legal_name,
           (SELECT COUNT(*) FROM users m WHERE m.company_id = r.company_id AND m.role = 'manager'
              AND m.status = 'active' AND m.id <> r.user_id) AS answerers",
        request_from!(),
        "JOIN companies c ON c.id = r.company_id
         WHERE r.status = 'open' ORDER BY r.due_on, r.id"
    ))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let request = request_from(row)?;
            Ok(DataRequestItem {
                company_id: row.try_get("company_id")?,
                company_name: row.try_get("legal_name")?,
                overdue: request.due_on < today,
                managers_who_may_answer: row.try_get("answerers")?,
                request,
            })
        })
        .collect()
}

/// The profile a person may correct, and whether they may.
pub async fn profile(db: &Database, user_id: i64) -> Result<Profile, sqlx::Error> {
    let row = sqlx::query(
        "SELECT u.first_name, u.last_name, u.mobile, u.role, c.users_correct_profile
         FROM users u JOIN companies c ON c.id = u.company_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_one(&db.pool)
    .await?;
    let role: String = row.try_get("role")?;
    Ok(Profile {
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        mobile: row.try_get("mobile")?,
        may_correct: role == "manager" || row.flag("users_correct_profile")?,
    })
}

/// DATA-1 (rectification), ACCESS-3: a person corrects their names and operator mobile number
/// where they may (Managers always; Users where the Company allows it), recorded in the proof log.
pub async fn correct_profile(
    db: &Database,
    company_id: i64,
    user_id: i64,
    corrected: &ValidProfile,
    now: DateTime<Utc>,
) -> Result<Profile, PrivacyError> {
    let before = profile(db, user_id).await?;
    if !before.may_correct {
        return Err(PrivacyError::CorrectionNotAllowed);
    }
    let mut tx = db.write().await?;
    sqlx::query("UPDATE users SET first_name = $1, last_name = $2, mobile = $3 WHERE id = $4")
        .bind(&corrected.first_name)
        .bind(&corrected.last_name)
        .bind(corrected.mobile.as_str())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let after = Profile {
        first_name: corrected.first_name.clone(),
        last_name: corrected.last_name.clone(),
        mobile: Some(corrected.mobile.as_str().to_owned()),
        may_correct: true,
    };
    let change = audit::Change::new(
        company_id,
        Some(user_id),
        "user.correct_profile",
        format!("user:{user_id}"),
    )
    .before(&before)
    .after(&after);
    audit::record(&mut tx, change, now).await?;
    tx.commit().await?;
    Ok(after)
}

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Erased {
    pub pseudonym: String,
    /// The numbers of the proof-log entries whose values were rewritten
    /// (`audit::PSEUDONYMISED_FIELD`).
    pub proof_entries_pseudonymised: Vec<i64>,
}

/// The pseudonym that replaces a person's name once their data is erased.
pub fn pseudonym(user_id: i64) -> String {
    format!("Former user #{user_id}")
}

/// Erases a person's personal data inside the caller's transaction (see the module's comment).
/// `keep_a_manager` refuses to erase the Company's last active Manager (on request); the
/// retention after the Contract's end erases everyone. Erasing twice changes nothing.
pub async fn erase_in(
    connection: &mut AnyConnection,
    company_id: i64,
    user_id: i64,
    author: Author,
    keep_a_manager: bool,
    now: DateTime<Utc>,
) -> Result<Option<Erased>, PrivacyError> {
    let Some(row) = sqlx::query(
        "SELECT first_name, last_name, email, mobile, role, status, erased_at FROM users
         WHERE id = $1 AND company_id = $2",
    )
    .bind(user_id)
    .bind(company_id)
    .fetch_optional(&mut *connection)
    .await?
    else {
        return Err(PrivacyError::NotFound);
    };
    if row.try_get::<Option<String>, _>("erased_at")?.is_some() {
        return Ok(None);
    }
    let mut identity = Identity::default();
    identity.add(
        row.try_get("first_name")?,
        row.try_get("last_name")?,
        row.try_get("email")?,
        row.try_get("mobile")?,
    );
    identity
        .recall(&mut *connection, company_id, user_id)
        .await?;
    let role: String = row.try_get("role")?;
    let status: String = row.try_get("status")?;
    if keep_a_manager && role == "manager" && status == "active" {
        let others: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM users WHERE company_id = $1 AND id <> $2 AND role = 'manager'
               AND status = 'active'",
        )
        .bind(company_id)
        .bind(user_id)
        .fetch_one(&mut *connection)
        .await?;
        if others == 0 {
            return Err(PrivacyError::LastManager);
        }
    }
    let pseudonym = pseudonym(user_id);
    // What was only theirs. Their copies of messages; the images only they sent or kept; the
    // voicemails left for them; the calls nobody hosted here was the other party to.
    for statement in [
        "DELETE FROM sessions WHERE user_id = $1",
        "DELETE FROM password_resets WHERE user_id = $1",
        "DELETE FROM login_challenges WHERE user_id = $1",
        "DELETE FROM recovery_codes WHERE user_id = $1",
        "DELETE FROM two_factor WHERE user_id = $1",
        "DELETE FROM invitations WHERE user_id = $1",
        "DELETE FROM user_stable_links WHERE user_id = $1",
        "DELETE FROM messages WHERE user_id = $1",
        "DELETE FROM attachments WHERE user_id = $1
           AND id NOT IN (SELECT attachment_id FROM messages WHERE attachment_id IS NOT NULL)",
        "UPDATE attachments SET user_id = NULL WHERE user_id = $1",
        "DELETE FROM voicemails WHERE call_id IN (SELECT id FROM calls WHERE callee_user_id = $1)",
        "DELETE FROM calls WHERE caller_user_id = $1 AND callee_user_id IS NULL
           AND status NOT IN ('ringing', 'connected')",
        "UPDATE numbers SET user_id = NULL WHERE user_id = $1",
        "UPDATE data_requests SET details = '' WHERE user_id = $1",
    ] {
        sqlx::query(statement)
            .bind(user_id)
            .execute(&mut *connection)
            .await?;
    }
    sqlx::query("DELETE FROM throttles WHERE subject = $1")
        .bind(format!("user:{user_id}"))
        .execute(&mut *connection)
        .await?;
    for email in &identity.emails {
        for statement in [
            "DELETE FROM throttles WHERE subject = LOWER($1)",
            "DELETE FROM outbox WHERE recipient = $1",
        ] {
            sqlx::query(statement)
                .bind(email)
                .execute(&mut *connection)
                .await?;
        }
    }
    // Emails to others keep their text, under the pseudonym.
    for (text, replacement) in identity.replacements(&pseudonym) {
        sqlx::query(
            "UPDATE outbox SET subject = REPLACE(subject, $1, $2), body = REPLACE(body, $1, $2)
             WHERE company_id = $3",
        )
        .bind(&text)
        .bind(&replacement)
        .bind(company_id)
        .execute(&mut *connection)
        .await?;
    }
    sqlx::query(
        "UPDATE users SET first_name = 'Former user', last_name = $2, email = $3, mobile = NULL,
             password_hash = NULL, status = 'deactivated',
             deleted_at = COALESCE(deleted_at, $4), erased_at = $4
         WHERE id = $1",
    )
    .bind(user_id)
    .bind(format!("#{user_id}"))
    .bind(format!("erased-user-{user_id}@erased.invalid"))
    .bind(stamp(now))
    .execute(&mut *connection)
    .await?;
    let replacements = identity.replacements(&pseudonym);
    let rewrite = |value: &Value| pseudonymised(value, &identity, &replacements);
    let proof_entries_pseudonymised =
        audit::pseudonymise(&mut *connection, company_id, &rewrite).await?;
    let erased = Erased {
        pseudonym,
        proof_entries_pseudonymised,
    };
    let change = audit::Change::new(
        company_id,
        None,
        audit::ERASURE_ACTION,
        format!("user:{user_id}"),
    )
    .by(author)
    .after(&erased);
    audit::record(&mut *connection, change, now).await?;
    Ok(Some(erased))
}

/// Who a person was, for finding their traces: every name, email and mobile number they had
/// (the proof log remembers the earlier ones).
#[derive(Debug, Default)]
struct Identity {
    /// First and last names.
    names: Vec<(String, String)>,
    emails: Vec<String>,
    mobiles: Vec<String>,
}

impl Identity {
    fn add(
        &mut self,
        first_name: String,
        last_name: String,
        email: String,
        mobile: Option<String>,
    ) {
        let name = (first_name, last_name);
        if !self.names.contains(&name) {
            self.names.push(name);
        }
        if !self.emails.contains(&email) {
            self.emails.push(email);
        }
        if let Some(mobile) = mobile.filter(|mobile| !self.mobiles.contains(mobile)) {
            self.mobiles.push(mobile);
        }
    }

    /// Adds the names, emails and mobiles the proof log recorded for the person.
    async fn recall(
        &mut self,
        connection: &mut AnyConnection,
        company_id: i64,
        user_id: i64,
    ) -> Result<(), sqlx::Error> {
        let rows = sqlx::query(
            "SELECT before_json, after_json FROM audit_log WHERE company_id = $1 AND subject = $2",
        )
        .bind(company_id)
        .bind(format!("user:{user_id}"))
        .fetch_all(connection)
        .await?;
        for row in &rows {
            for column in ["before_json", "after_json"] {
                let Some(raw) = row.try_get::<Option<String>, _>(column)? else {
                    continue;
                };
                let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(&raw) else {
                    continue;
                };
                let text = |key: &str| fields.get(key).and_then(Value::as_str).map(str::to_owned);
                if let (Some(first), Some(last)) = (text("first_name"), text("last_name")) {
                    let email = text("email").unwrap_or_default();
                    self.add(first, last, email, text("mobile"));
                }
            }
        }
        self.emails.retain(|email| !email.is_empty());
        Ok(())
    }

    /// Each text that identifies the person and what replaces it, the longest first (so a full
    /// name goes before anything it contains).
    fn replacements(&self, pseudonym: &str) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = self
            .names
            .iter()
            .map(|(first, last)| (format!("{first} {last}"), pseudonym.to_owned()))
            .chain(
                self.emails
                    .iter()
                    .chain(&self.mobiles)
                    .map(|text| (text.clone(), "(erased)".to_owned())),
            )
            .filter(|(text, _)| !text.trim().is_empty())
            .collect();
        pairs.sort_by_key(|(text, _)| std::cmp::Reverse(text.len()));
        pairs
    }
}

/// `value` with every identifying text replaced, and the `first_name`/`last_name` of every
/// object that named the person; `None` when nothing changed.
fn pseudonymised(
    value: &Value,
    identity: &Identity,
    replacements: &[(String, String)],
) -> Option<Value> {
    fn walk(value: &Value, identity: &Identity, replacements: &[(String, String)]) -> Value {
        match value {
            Value::String(text) => {
                let mut text = text.clone();
                for (from, to) in replacements {
                    text = text.replace(from.as_str(), to);
                }
                Value::String(text)
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| walk(item, identity, replacements))
                    .collect(),
            ),
            Value::Object(fields) => {
                let text = |key: &str| fields.get(key).and_then(Value::as_str);
                let person = identity.names.iter().any(|(first, last)| {
                    text("first_name") == Some(first) && text("last_name") == Some(last)
                });
                Value::Object(
                    fields
                        .iter()
                        .map(|(key, field)| {
                            let field = match key.as_str() {
                                "first_name" if person => Value::String("Former user".into()),
                                "last_name" if person => Value::String("(erased)".into()),
                                _ => walk(field, identity, replacements),
                            };
                            (key.clone(), field)
                        })
                        .collect(),
                )
            }
            other => other.clone(),
        }
    }
    let rewritten = walk(value, identity, replacements);
    (rewritten != *value).then_some(rewritten)
}

/// What retention did on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Retention {
    pub traffic_deleted: u64,
    pub users_blocked: u64,
    pub users_erased: u64,
}

/// The daily retention, inside the day's transaction: traffic data past its year deleted;
/// TERM-3, the accounts of a Company whose Contract ended blocked the day after its last day of
/// service, and erased three months later.
pub async fn retention(
    connection: &mut AnyConnection,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Retention, PrivacyError> {
    let mut report = Retention {
        traffic_deleted: delete_old_traffic(connection, day).await?,
        ..Retention::default()
    };
    for (company_id, last_day) in ended_contracts(connection).await? {
        let Ok(after) = after_the_contract(last_day) else {
            continue;
        };
        if after.accounts_blocked_on <= day {
            report.users_blocked += block_accounts(connection, company_id, now).await?;
        }
        if after.data_erased_on <= day {
            let users: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM users WHERE company_id = $1 AND erased_at IS NULL ORDER BY id",
            )
            .bind(company_id)
            .fetch_all(&mut *connection)
            .await?;
            for user_id in users {
                if erase_in(connection, company_id, user_id, Author::System, false, now)
                    .await?
                    .is_some()
                {
                    report.users_erased += 1;
                }
            }
        }
    }
    Ok(report)
}

/// Calls and messages (and the voicemails and images that go with them) from before the year
/// kept; how many calls and messages went.
async fn delete_old_traffic(
    connection: &mut AnyConnection,
    day: NaiveDate,
) -> Result<u64, PrivacyError> {
    let kept_from =
        traffic_kept_from(day).map_err(|error| sqlx::Error::Protocol(error.to_string()))?;
    let cutoff = Paris
        .from_local_datetime(&kept_from.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map(|at| stamp(at.with_timezone(&Utc)))
        .ok_or_else(|| sqlx::Error::Protocol(format!("no midnight in Paris on {kept_from}")))?;
    sqlx::query(
        "DELETE FROM voicemails WHERE call_id IN (SELECT id FROM calls WHERE started_at < $1
           AND status NOT IN ('ringing', 'connected'))",
    )
    .bind(&cutoff)
    .execute(&mut *connection)
    .await?;
    let calls = sqlx::query(
        "DELETE FROM calls WHERE started_at < $1 AND status NOT IN ('ringing', 'connected')",
    )
    .bind(&cutoff)
    .execute(&mut *connection)
    .await?
    .rows_affected();
    let messages = sqlx::query("DELETE FROM messages WHERE sent_at < $1")
        .bind(&cutoff)
        .execute(&mut *connection)
        .await?
        .rows_affected();
    sqlx::query(
        "DELETE FROM attachments WHERE created_at < $1
           AND id NOT IN (SELECT attachment_id FROM messages WHERE attachment_id IS NOT NULL)",
    )
    .bind(&cutoff)
    .execute(&mut *connection)
    .await?;
    Ok(calls + messages)
}

/// TERM-3: the Companies whose every Licence has ended, with the last day of service of their
/// Contract (the latest of their Licences').
async fn ended_contracts(
    connection: &mut AnyConnection,
) -> Result<Vec<(i64, NaiveDate)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT l.company_id, MAX(COALESCE(t.service_last_day, l.service_last_day, l.trial_end))
             AS last_day
         FROM licences l LEFT JOIN licence_terminations t ON t.licence_id = l.id
         WHERE l.company_id NOT IN (SELECT company_id FROM licences WHERE status = 'active')
         GROUP BY l.company_id ORDER BY l.company_id",
    )
    .fetch_all(&mut *connection)
    .await?;
    let mut ended = Vec::new();
    for row in &rows {
        if let Some(last_day) = row.date_opt("last_day")? {
            ended.push((row.try_get("company_id")?, last_day));
        }
    }
    Ok(ended)
}

/// TERM-3: the Company's accounts not blocked yet are blocked (no way in, sessions ended), each
/// recorded in the proof log by the system.
async fn block_accounts(
    connection: &mut AnyConnection,
    company_id: i64,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let users: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM users WHERE company_id = $1 AND blocked_at IS NULL ORDER BY id",
    )
    .bind(company_id)
    .fetch_all(&mut *connection)
    .await?;
    for user_id in &users {
        sqlx::query("UPDATE users SET blocked_at = $1, status = 'deactivated' WHERE id = $2")
            .bind(stamp(now))
            .bind(user_id)
            .execute(&mut *connection)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *connection)
            .await?;
        let change = audit::Change::new(company_id, None, "user.block", format!("user:{user_id}"))
            .after(&serde_json::json!({ "reason": "TERM-3: the Contract ended" }));
        audit::record(&mut *connection, change, now).await?;
    }
    Ok(users.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proof_values_lose_the_identity_and_keep_the_rest() {
        let mut identity = Identity::default();
        identity.add(
            "Zoé".into(),
            "Erasable".into(),
            "zoe@martin.fr".into(),
            Some("+33612345678".into()),
        );
        let replacements = identity.replacements("Former user #7");
        let recorded = serde_json::json!({
            "first_name": "Zoé", "last_name": "Erasable", "email": "zoe@martin.fr",
            "mobile": "+33612345678", "note": "Zoé Erasable joined", "numbers": 2,
            "manager": {"first_name": "Ann", "last_name": "Boss"}
        });
        let rewritten = pseudonymised(&recorded, &identity, &replacements).unwrap();
        let text = rewritten.to_string();
        for trace in ["Zoé", "Erasable", "zoe@martin.fr", "+33612345678"] {
            assert!(!text.contains(trace), "{trace} left in {text}");
        }
        assert_eq!(rewritten["note"], "Former user #7 joined");
        assert_eq!(rewritten["manager"]["first_name"], "Ann");
        assert_eq!(rewritten["numbers"], 2);
        let unrelated = serde_json::json!({"first_name": "Ann", "last_name": "Boss"});
        assert_eq!(pseudonymised(&unrelated, &identity, &replacements), None);
    }
}
