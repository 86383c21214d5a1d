//! LATE-1: the provider records each semester's rates in `late_payment_rates`, once; the
//! penalties read them through [`super::late_payment::rate_table`].

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

/// Records the rates of a semester not recorded yet; a recorded semester is left as it is.
pub async fn record(db: &Database, entry: &RateEntry) -> Result<(), RecordRatesError> {
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
    tx.commit().await?;
    Ok(())
}
