//! A demo server's clock shift (`--demo-clock`), kept in the database so that every instance
//! sharing it agrees on "today" (issue 17).

use crate::db::Database;

/// The shift every instance follows, if one was ever set.
pub async fn shift(db: &Database) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT shift_seconds FROM demo_clock WHERE id = 1")
        .fetch_optional(&db.pool)
        .await
}

/// Records `initial` as the shift unless one is recorded already; the shift in force.
pub async fn adopt(db: &Database, initial: i64) -> Result<i64, sqlx::Error> {
    let mut tx = db.write().await?;
    let recorded: Option<i64> =
        sqlx::query_scalar("SELECT shift_seconds FROM demo_clock WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?;
    let shift = match recorded {
        Some(shift) => shift,
        None => {
            sqlx::query("INSERT INTO demo_clock (id, shift_seconds) VALUES (1, $1)")
                .bind(initial)
                .execute(&mut *tx)
                .await?;
            initial
        }
    };
    tx.commit().await?;
    Ok(shift)
}

/// Records `shift` as the one every instance follows.
pub async fn record(db: &Database, shift: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    let updated = sqlx::query("UPDATE demo_clock SET shift_seconds = $1 WHERE id = 1")
        .bind(shift)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        sqlx::query("INSERT INTO demo_clock (id, shift_seconds) VALUES (1, $1)")
            .bind(shift)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}
