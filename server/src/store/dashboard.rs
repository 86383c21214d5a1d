//! The figures of the console's dashboard.

use sqlx::Row;

use crate::db::Database;

/// Users and Numbers of one Company, counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub users: i64,
    pub active_users: i64,
    pub numbers: i64,
    pub assigned_numbers: i64,
}

pub async fn counts(db: &Database, company_id: i64) -> Result<Counts, sqlx::Error> {
    let users = sqlx::query(
        "SELECT COUNT(*) AS total, COUNT(CASE WHEN status = 'active' THEN 1 END) AS active
         FROM users WHERE company_id = $1 AND deleted_at IS NULL",
    )
    .bind(company_id)
    .fetch_one(&db.pool)
    .await?;
    let numbers = sqlx::query(
        "SELECT COUNT(*) AS total, COUNT(user_id) AS assigned FROM numbers WHERE company_id = $1",
    )
    .bind(company_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(Counts {
        users: users.try_get("total")?,
        active_users: users.try_get("active")?,
        numbers: numbers.try_get("total")?,
        assigned_numbers: numbers.try_get("assigned")?,
    })
}
