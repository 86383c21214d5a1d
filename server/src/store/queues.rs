//! The back office's lists (issue 14, point 2): the Companies, and the queues of what waits for
//! a decision of the provider, oldest first, across Companies (only operators read them).

use chrono::NaiveDate;
use domain::Money;
use protocol::backoffice::{CompanyItem, CompanyStatus, DisputeItem, OverdueItem, RestitutionItem};
use protocol::invoices::InvoiceStatus;
use sqlx::Row;

use super::codec::Columns;
use super::late_payment::{late_view, rate_table};
use crate::db::Database;

/// Overdue invoices, the longest overdue first, with what they cost on `today` and their
/// formal notice if one was sent.
pub async fn overdue(db: &Database, today: NaiveDate) -> Result<Vec<OverdueItem>, sqlx::Error> {
    let table = rate_table(db).await?;
    let rows = sqlx::query(
        "SELECT i.id, i.number, i.company_id, c.legal_name, i.total_cents, i.due_date,
                n.sent_on, n.deadline
         FROM invoices i JOIN companies c ON c.id = i.company_id
         LEFT JOIN formal_notices n ON n.invoice_id = i.id
         WHERE i.status = 'overdue' ORDER BY i.due_date, i.id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let total = Money::from_cents(row.try_get("total_cents")?);
            let due_date = row.date("due_date")?;
            let sent_on: Option<String> = row.try_get("sent_on")?;
            let deadline: Option<String> = row.try_get("deadline")?;
            let formal_notice = match (sent_on, deadline) {
                (Some(sent_on), Some(deadline)) => Some(protocol::late_payment::FormalNoticeView {
                    sent_on: super::codec::parsed("date", &sent_on)?,
                    deadline: super::codec::parsed("date", &deadline)?,
                }),
                _ => None,
            };
            Ok(OverdueItem {
                invoice_id: row.try_get("id")?,
                invoice_number: row.try_get("number")?,
                company_id: row.try_get("company_id")?,
                company_name: row.try_get("legal_name")?,
                total,
                due_date,
                late: late_view(&table, InvoiceStatus::Overdue, total, due_date, today),
                formal_notice,
            })
        })
        .collect()
}

/// Disputes waiting for a decision, the oldest first.
pub async fn open_disputes(db: &Database) -> Result<Vec<DisputeItem>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT d.id, c.legal_name, d.invoice_id, i.number, i.total_cents, d.justification,
                d.opened_on
         FROM invoice_disputes d JOIN companies c ON c.id = d.company_id
         JOIN invoices i ON i.id = d.invoice_id
         WHERE d.status = 'open' ORDER BY d.opened_at, d.id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(DisputeItem {
                dispute_id: row.try_get("id")?,
                company_name: row.try_get("legal_name")?,
                invoice_id: row.try_get("invoice_id")?,
                invoice_number: row.try_get("number")?,
                invoice_total: Money::from_cents(row.try_get("total_cents")?),
                justification: row.try_get("justification")?,
                opened_on: row.date("opened_on")?,
            })
        })
        .collect()
}

/// Claims for restitution (DISPUTE-3), the oldest first.
pub async fn restitution_claims(db: &Database) -> Result<Vec<RestitutionItem>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.id, r.company_id, c.legal_name, i.number, i.total_cents, i.paid_on, r.reason,
                r.claimed_on,
                i.total_cents - (SELECT CAST(COALESCE(SUM(n.amount_cents), 0) AS BIGINT)
                                 FROM credit_notes n WHERE n.invoice_id = i.id) AS creditable_cents
         FROM restitution_claims r JOIN companies c ON c.id = r.company_id
         JOIN invoices i ON i.id = r.invoice_id
         WHERE r.status = 'open'
         ORDER BY r.claimed_at, r.id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(RestitutionItem {
                claim_id: row.try_get("id")?,
                company_id: row.try_get("company_id")?,
                company_name: row.try_get("legal_name")?,
                invoice_number: row.try_get("number")?,
                invoice_total: Money::from_cents(row.try_get("total_cents")?),
                paid_on: row.date_opt("paid_on")?,
                reason: row.try_get("reason")?,
                claimed_on: row.date("claimed_on")?,
                creditable: Money::from_cents(row.try_get("creditable_cents")?),
            })
        })
        .collect()
}

/// A Company's line in the back office: its figures, computed by subqueries.
const COMPANY_ITEM: &str = "SELECT c.id, c.legal_name, c.registration_number,
        (SELECT COUNT(*) FROM licences l
         WHERE l.company_id = c.id AND l.status = 'active') AS licences_in_force,
        (SELECT CAST(COALESCE(SUM(i.total_cents), 0) AS BIGINT) FROM invoices i
         WHERE i.company_id = c.id AND i.status = 'overdue') AS overdue_cents,
        (SELECT COUNT(*) FROM suspensions s
         WHERE s.company_id = c.id AND s.lifted_on IS NULL) AS suspensions,
        (SELECT COUNT(*) FROM suspensions s
         WHERE s.company_id = c.id AND s.user_id IS NULL AND s.lifted_on IS NULL)
            AS company_suspended,
        (SELECT COUNT(*) FROM licences l WHERE l.company_id = c.id) AS licences_ever,
        c.promo_opt_out
    FROM companies c";

fn company_item(row: &sqlx::any::AnyRow) -> Result<CompanyItem, sqlx::Error> {
    let overdue = Money::from_cents(row.count("overdue_cents")?);
    Ok(CompanyItem {
        id: row.try_get("id")?,
        legal_name: row.try_get("legal_name")?,
        registration_number: row.try_get("registration_number")?,
        licences_in_force: row.count("licences_in_force")?,
        overdue,
        suspensions: row.count("suspensions")?,
        status: status_of(
            row.integer("company_suspended")? > 0,
            overdue > Money::ZERO,
            row.integer("licences_in_force")?,
            row.integer("licences_ever")?,
        ),
        promotions_opt_out: row.integer("promo_opt_out")? != 0,
    })
}

/// The first that applies: suspended, overdue, Contract ended (TERM-3), active, no Licence yet.
fn status_of(suspended: bool, overdue: bool, in_force: i64, ever: i64) -> CompanyStatus {
    match () {
        () if suspended => CompanyStatus::Suspended,
        () if overdue => CompanyStatus::Overdue,
        () if in_force > 0 => CompanyStatus::Active,
        () if ever > 0 => CompanyStatus::ContractEnded,
        () => CompanyStatus::NoLicenceYet,
    }
}

/// The Companies whose legal name or registration number contains `query` (any case; all of
/// them for an empty one), by name, at most 100.
pub async fn companies(db: &Database, query: &str) -> Result<Vec<CompanyItem>, sqlx::Error> {
    let pattern = format!("%{}%", query.trim().to_lowercase());
    let sql = format!(
        "{COMPANY_ITEM}
         WHERE lower(c.legal_name) LIKE $1 OR lower(c.registration_number) LIKE $1
         ORDER BY c.legal_name, c.id LIMIT 100"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(pattern)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(company_item).collect()
}

/// The Company `id`, if there is one.
pub async fn company(db: &Database, id: i64) -> Result<Option<CompanyItem>, sqlx::Error> {
    let sql = format!("{COMPANY_ITEM} WHERE c.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(company_item).transpose()
}

/// LIAB-1: what the Company paid (collected or paid by hand, succeeded) and was refunded
/// (credit notes, as negative sums), each on its day; `None` when there is no such Company.
pub async fn money_received(
    db: &Database,
    company_id: i64,
) -> Result<Option<Vec<domain::liability::Payment>>, sqlx::Error> {
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM companies WHERE id = $1")
        .bind(company_id)
        .fetch_optional(&db.pool)
        .await?;
    if exists.is_none() {
        return Ok(None);
    }
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT attempted_on, amount_cents FROM payments
         WHERE company_id = $1 AND outcome = 'succeeded'
         UNION ALL
         SELECT claimed_on, -amount_cents FROM credit_note_refunds
         WHERE company_id = $1 AND state = 'refunded'",
    )
    .bind(company_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(day, cents)| {
            Ok(domain::liability::Payment {
                date: super::codec::parsed("date", &day)?,
                amount: Money::from_cents(cents),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_company_s_status_is_the_first_that_applies() {
        use CompanyStatus::*;
        // (suspended, overdue, Licences in force, Licences ever)
        for (facts, status) in [
            ((true, true, 1, 1), Suspended),
            ((false, true, 0, 1), Overdue),
            ((false, false, 2, 3), Active),
            ((false, false, 0, 3), ContractEnded),
            ((false, false, 0, 0), NoLicenceYet),
        ] {
            let (suspended, overdue, in_force, ever) = facts;
            assert_eq!(
                status_of(suspended, overdue, in_force, ever),
                status,
                "{facts:?}"
            );
        }
    }
}
