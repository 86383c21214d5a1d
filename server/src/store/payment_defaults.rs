//! Payment defaults (LATE-3, GTCS 5.3; house reading "Payment default and discounts"): each
//! invoice that becomes overdue records a default, with the Licences in force that day
//! ([`record_in`], called where the store marks an invoice overdue). Whether discounts and
//! advantages still apply is `domain::payment_default::standing`, read here for the Company
//! ([`standing_in`]) before an Order is priced, and sent to the app with the price list.

use chrono::{DateTime, NaiveDate, Utc};
use domain::payment_default::{LicenceInForce, PaymentDefault, Standing, standing};
use sqlx::AnyConnection;

use super::audit;
use super::codec::{Columns, stamp};
use crate::db::Database;

/// LATE-3: invoice `invoice_id` of the Company became overdue on `day`: records the default and
/// the Licences in force that day (active ones), once per invoice, with a proof-log entry.
pub async fn record_in(
    connection: &mut AnyConnection,
    company_id: i64,
    invoice_id: i64,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let known: Option<i64> =
        sqlx::query_scalar("SELECT id FROM payment_defaults WHERE invoice_id = $1")
            .bind(invoice_id)
            .fetch_optional(&mut *connection)
            .await?;
    if known.is_some() {
        return Ok(());
    }
    let default_id: i64 = sqlx::query_scalar(
        "INSERT INTO payment_defaults (company_id, invoice_id, since, created_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(company_id)
    .bind(invoice_id)
    .bind(day.to_string())
    .bind(stamp(now))
    .fetch_one(&mut *connection)
    .await?;
    sqlx::query(
        "INSERT INTO payment_default_licences (default_id, licence_id)
         SELECT $1, id FROM licences WHERE company_id = $2 AND status = 'active'",
    )
    .bind(default_id)
    .bind(company_id)
    .execute(&mut *connection)
    .await?;
    let licences: Vec<i64> = sqlx::query_scalar(
        "SELECT licence_id FROM payment_default_licences WHERE default_id = $1 ORDER BY licence_id",
    )
    .bind(default_id)
    .fetch_all(&mut *connection)
    .await?;
    let change = audit::Change::new(
        company_id,
        None,
        "company.payment_default",
        format!("company:{company_id}"),
    )
    .after(&serde_json::json!({
        "since": day,
        "overdue_invoice": invoice_id,
        "licences_in_force": licences,
    }));
    audit::record(connection, change, now).await
}

/// LATE-3: whether the Company's discounts and advantages apply now, from every default
/// recorded and the state of the Licences in force on each default's day.
pub async fn standing_in(
    connection: &mut AnyConnection,
    company_id: i64,
) -> Result<Standing, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT d.id, d.since, dl.licence_id, l.status,
                CASE WHEN t.service_last_day IS NOT NULL AND (l.service_last_day IS NULL
                          OR t.service_last_day < l.service_last_day)
                     THEN t.service_last_day ELSE l.service_last_day END AS last_day
         FROM payment_defaults d
         LEFT JOIN payment_default_licences dl ON dl.default_id = d.id
         LEFT JOIN licences l ON l.id = dl.licence_id
         LEFT JOIN licence_terminations t ON t.licence_id = l.id
         WHERE d.company_id = $1
         ORDER BY d.id, dl.licence_id",
    )
    .bind(company_id)
    .fetch_all(&mut *connection)
    .await?;
    let mut defaults: Vec<(i64, PaymentDefault)> = Vec::new();
    for row in &rows {
        let id = row.integer("id")?;
        if defaults.last().is_none_or(|(last, _)| *last != id) {
            defaults.push((
                id,
                PaymentDefault {
                    since: row.date("since")?,
                    licences: Vec::new(),
                },
            ));
        }
        if let Some(licence_id) = sqlx::Row::try_get::<Option<i64>, _>(row, "licence_id")? {
            let (_, default) = defaults.last_mut().expect("pushed above");
            default.licences.push(LicenceInForce {
                licence_id,
                ended: row.text("status")? == "ended",
                last_day_of_service: row.date_opt("last_day")?,
            });
        }
    }
    let defaults: Vec<PaymentDefault> = defaults.into_iter().map(|(_, d)| d).collect();
    Ok(standing(&defaults))
}

pub async fn standing_of(db: &Database, company_id: i64) -> Result<Standing, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    standing_in(&mut connection, company_id).await
}
