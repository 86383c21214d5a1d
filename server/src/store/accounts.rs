//! Companies and their users.

use chrono::{DateTime, NaiveDate, Utc};
use domain::email::Email;
use domain::signup::Signup;
use protocol::terms::TermsInForce;
use protocol::{CompanySummary, Me, UserSummary};
use sqlx::Row;

use super::{audit, stamp};
use crate::db::{Database, is_unique_violation};

#[derive(Debug, thiserror::Error)]
pub enum SignupError {
    #[error("an account already uses this email")]
    EmailTaken,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Creates the Company Account, its first Manager and the record of the GTCS version they
/// accepted (ACCEPT-1), all or nothing. Returns the Manager's user id.
pub async fn create_company(
    db: &Database,
    signup: &Signup,
    password_hash: &str,
    now_at: DateTime<Utc>,
) -> Result<i64, SignupError> {
    let now = stamp(now_at);
    let mut tx = db.write().await?;
    let company_id: i64 = sqlx::query_scalar(
        "INSERT INTO companies (legal_name, registration_number, billing_country, created_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(&signup.legal_name)
    .bind(signup.registration_number.as_str())
    .bind(signup.billing_country.as_str())
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    let user_id: i64 = sqlx::query_scalar(
        "INSERT INTO users (company_id, first_name, last_name, email, password_hash, role, created_at)
         VALUES ($1, $2, $3, $4, $5, 'manager', $6) RETURNING id",
    )
    .bind(company_id)
    .bind(&signup.first_name)
    .bind(&signup.last_name)
    .bind(signup.email.as_str())
    .bind(password_hash)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|error| if is_unique_violation(&error) { SignupError::EmailTaken } else { error.into() })?;
    let created = audit::Change::new(company_id, Some(user_id), "company.create", format!("company:{company_id}"))
        .after(&serde_json::json!({
            "legal_name": signup.legal_name,
            "registration_number": signup.registration_number.as_str(),
            "billing_country": signup.billing_country.as_str(),
            "manager": {"first_name": signup.first_name, "last_name": signup.last_name, "email": signup.email.as_str()},
            "accepted_gtcs_version": signup.accepted_gtcs_version,
        }));
    audit::record(&mut tx, created, now_at).await?;
    sqlx::query(
        "INSERT INTO gtcs_acceptances (company_id, user_id, gtcs_version, accepted_at, occasion)
         VALUES ($1, $2, $3, $4, 'signup')",
    )
    .bind(company_id)
    .bind(user_id)
    .bind(&signup.accepted_gtcs_version)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(user_id)
}

/// The user id and password hash of the account with this email, if it can log in (it has a
/// password and is not deactivated).
pub async fn credentials(
    db: &Database,
    email: &Email,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, password_hash FROM users
         WHERE email = $1 AND password_hash IS NOT NULL AND status = 'active'",
    )
    .bind(email.as_str())
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| Ok((row.try_get("id")?, row.try_get("password_hash")?)))
        .transpose()
}

/// The signed-in user and their Company, as of `today`, and whether they accepted the WebApp's
/// terms `in_force`.
pub async fn me(
    db: &Database,
    user_id: i64,
    today: NaiveDate,
    in_force: &TermsInForce,
) -> Result<Option<Me>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT u.id, u.first_name, u.last_name, u.email, u.role,
                c.id AS company_id, c.legal_name, c.registration_number, c.billing_country
         FROM users u JOIN companies c ON c.id = u.company_id
         WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Me {
        user: UserSummary {
            id: row.try_get("id")?,
            first_name: row.try_get("first_name")?,
            last_name: row.try_get("last_name")?,
            email: row.try_get("email")?,
            is_manager: row.try_get::<String, _>("role")? == "manager",
        },
        company: CompanySummary {
            id: row.try_get("company_id")?,
            legal_name: row.try_get("legal_name")?,
            registration_number: row.try_get("registration_number")?,
            billing_country: row.try_get("billing_country")?,
        },
        today,
        two_factor: super::two_factor::status(db, user_id).await?,
        terms: super::terms::status(db, user_id, in_force).await?,
    }))
}

/// One GTCS acceptance as recorded (ACCEPT-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    pub user_id: i64,
    pub gtcs_version: String,
    pub accepted_at: String,
    pub occasion: String,
}

pub async fn acceptances(db: &Database, company_id: i64) -> Result<Vec<Acceptance>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT user_id, gtcs_version, accepted_at, occasion FROM gtcs_acceptances
         WHERE company_id = $1 ORDER BY id",
    )
    .bind(company_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Acceptance {
                user_id: row.try_get("user_id")?,
                gtcs_version: row.try_get("gtcs_version")?,
                accepted_at: row.try_get("accepted_at")?,
                occasion: row.try_get("occasion")?,
            })
        })
        .collect()
}
