//! LATE-1: the provider records each semester's rates in `late_payment_rates`, once; the
//! penalties read them through [`super::late_payment::rate_table`].

use chrono::{DateTime, Utc};
use domain::late::{Half, RateEntry, Semester};

use crate::db::Database;

#[derive(Debug, thiserror::Error)]
pub enum RecordRatesError {
    #[error("the semester's rates are already recorded")]
    AlreadyRecorded(Semester),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

fn half_code(half: Half) -> &'static str {
    match half {
        Half::S1 => "s1",
        Half::S2 => "s2",
    }
}

/// Records the rates of a semester not recorded yet, entered by the operator `operator_id`, with
/// its entry in the provider's chain of the proof log; a recorded semester is left as it is.
pub async fn record(
    db: &Database,
    entry: &RateEntry,
    operator_id: i64,
    at: DateTime<Utc>,
) -> Result<(), RecordRatesError> {
    let mut tx = db.write().await?;
    let half = half_code(entry.semester.half);
    let recorded: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM late_payment_rates WHERE year = $1 AND half = $2")
            .bind(i64::from(entry.semester.year))
            .bind(half)
            .fetch_one(&mut *tx)
            .await?;
    if recorded > 0 {
        return Err(RecordRatesError::AlreadyRecorded(entry.semester));
    }
    sqlx::query(
        "INSERT INTO late_payment_rates (year, half, ecb_rate, legal_rate) VALUES ($1, $2, $3, $4)",
    )
    .bind(i64::from(entry.semester.year))
    .bind(half)
    .bind(entry.rates.ecb_rate.to_string())
    .bind(entry.rates.legal_rate.to_string())
    .execute(&mut *tx)
    .await
    .map_err(|error| match &error {
        // Recorded by a concurrent request since the check.
        sqlx::Error::Database(database) if database.is_unique_violation() => {
            RecordRatesError::AlreadyRecorded(entry.semester)
        }
        _ => RecordRatesError::Database(error),
    })?;
    let after = serde_json::json!({
        "semester": entry.semester.code(),
        "ecb_rate": entry.rates.ecb_rate,
        "legal_rate": entry.rates.legal_rate,
    });
    super::audit::record_provider(
        &mut tx,
        operator_id,
        "catalogue.late_payment_rates",
        format!("semester:{}", entry.semester.code()),
        &after,
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
