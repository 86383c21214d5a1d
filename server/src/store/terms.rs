//! Each person's acceptance of the WebApp's terms (ACCEPT-1): the General Conditions of Use and
//! the privacy notice, one `terms_acceptances` row per document and version accepted, each
//! acceptance in the proof log. The versions in force are the caller's (`AppState::terms`).

use chrono::{DateTime, Utc};
use protocol::terms::{Accepted, TermsInForce, TermsStatus, UserTerms};
use sqlx::{AnyConnection, Row};

use super::audit;
use super::codec::{Columns, stamp};
use crate::clock::paris_day;
use crate::db::Database;

/// Where an acceptance was given: the WebApp's acceptance screen.
pub const OCCASION_WEBAPP: &str = "webapp";

/// Whether `user_id` accepted both versions in force.
pub async fn accepted_in_force(
    connection: &mut AnyConnection,
    user_id: i64,
    in_force: &TermsInForce,
) -> Result<bool, sqlx::Error> {
    let documents: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT document) FROM terms_acceptances
         WHERE user_id = $1
           AND ((document = 'gcu' AND version = $2) OR (document = 'privacy' AND version = $3))",
    )
    .bind(user_id)
    .bind(&in_force.gcu.version)
    .bind(&in_force.privacy.version)
    .fetch_one(connection)
    .await?;
    Ok(documents == 2)
}

/// What `GET /api/me` tells about the terms.
pub async fn status(
    db: &Database,
    user_id: i64,
    in_force: &TermsInForce,
) -> Result<TermsStatus, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    Ok(TermsStatus {
        accepted: accepted_in_force(&mut connection, user_id, in_force).await?,
        in_force: Box::new(in_force.clone()),
    })
}

/// Records that `user_id` accepts the versions in force, with its proof-log entry, unless they
/// already had (then nothing is written). The caller checked that the versions they read are
/// the ones in force.
pub async fn accept(
    db: &Database,
    company_id: i64,
    user_id: i64,
    in_force: &TermsInForce,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    if accepted_in_force(&mut tx, user_id, in_force).await? {
        return Ok(());
    }
    for (document, version) in [
        ("gcu", &in_force.gcu.version),
        ("privacy", &in_force.privacy.version),
    ] {
        sqlx::query(
            "INSERT INTO terms_acceptances
                 (company_id, user_id, document, version, accepted_at, occasion)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(company_id)
        .bind(user_id)
        .bind(document)
        .bind(version)
        .bind(stamp(now))
        .bind(OCCASION_WEBAPP)
        .execute(&mut *tx)
        .await?;
    }
    let change = audit::Change::new(
        company_id,
        Some(user_id),
        "user.accept_terms",
        format!("user:{user_id}"),
    )
    .after(&serde_json::json!({
        "gcu_version": in_force.gcu.version,
        "privacy_version": in_force.privacy.version,
        "occasion": OCCASION_WEBAPP,
    }));
    audit::record(&mut tx, change, now).await?;
    tx.commit().await
}

/// The latest version of each document `user_id` accepted, for their page in the console.
pub async fn of_user(
    connection: &mut AnyConnection,
    user_id: i64,
    in_force: &TermsInForce,
) -> Result<UserTerms, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT document, version, accepted_at FROM terms_acceptances
         WHERE user_id = $1 ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(connection)
    .await?;
    let mut terms = UserTerms {
        gcu: None,
        privacy: None,
        in_force: in_force.clone(),
    };
    for row in rows {
        let at = row.instant("accepted_at")?;
        let accepted = Some(Accepted {
            version: row.try_get("version")?,
            accepted_at: stamp(at),
            accepted_on: paris_day(at),
        });
        match row.try_get::<String, _>("document")?.as_str() {
            "gcu" => terms.gcu = accepted,
            "privacy" => terms.privacy = accepted,
            other => return Err(super::codec::corrupt("document", other)),
        }
    }
    Ok(terms)
}
