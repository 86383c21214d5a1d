//! Credit notes refunded when no invoice follows (DISPUTE-2, house reading "Credit notes"): once
//! a Company has no Licence in force, what its credit notes still hold is refunded to its payment
//! method on the first day of the month after its last day of service
//! (`domain::dispute::refund_from`), after that month's usage invoice has deducted what it could.
//!
//! A refund is claimed first, in one transaction: the credit note's remaining amount moves to a
//! `credit_note_refunds` row (pending), so that no later invoice can deduct it too. The provider
//! is then asked under the refund's own key ([`RefundClaim::provider_key`]) and the refund
//! completed with its reference. A claim whose answer never came (the server stopped in
//! between) is asked again with the same key ([`pending`]): the provider refunds a key once.

use chrono::{DateTime, NaiveDate, Utc};
use domain::Money;
use sqlx::Row;

use super::invoices::{ChargeableMethod, default_method_in};
use super::{audit, lock_company, stamp};
use crate::db::Database;

/// A refund claimed, to ask the provider for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundClaim {
    pub id: i64,
    pub company_id: i64,
    pub credit_note_number: String,
    /// VAT included.
    pub amount: Money,
    pub method: ChargeableMethod,
}

impl RefundClaim {
    /// The key the provider dedupes refunds by: the same for every retry of the claim.
    pub fn provider_key(&self) -> String {
        format!("refund-{}", self.id)
    }
}

/// The Companies with a credit note left and no Licence in force, with the last day of service
/// of their Contract (`None` when no Licence says one).
async fn ended_with_credit_left(
    db: &Database,
) -> Result<Vec<(i64, Option<NaiveDate>)>, sqlx::Error> {
    let rows: Vec<(i64, Option<String>)> = sqlx::query_as(concat!(
        "SELECT l.company_id, MAX(COALESCE(",
        last_day_of_service!(),
        ", l.trial_end)) AS last_day
         FROM licences l LEFT JOIN licence_terminations t ON t.licence_id = l.id
         WHERE l.company_id IN (SELECT company_id FROM credit_notes WHERE remaining_cents > 0)
         GROUP BY l.company_id
         HAVING SUM(CASE WHEN l.status = 'active' THEN 1 ELSE 0 END) = 0
         ORDER BY l.company_id"
    ))
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(company_id, last_day)| {
            let last_day = last_day
                .as_deref()
                .map(|raw| super::codec::parsed::<NaiveDate>("date", raw))
                .transpose()?;
            Ok((company_id, last_day))
        })
        .collect()
}

/// DISPUTE-2 (house reading): claims on `day` the refund of every credit note left to a Company
/// whose Contract ended, from the day [`domain::dispute::refund_from`] gives; one claim per
/// credit note, to its Company's payment method of the day. A Company without a valid method
/// keeps its credit notes until it has one.
pub async fn claim_due(
    db: &Database,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<RefundClaim>, sqlx::Error> {
    let mut claims = Vec::new();
    for (company_id, last_day) in ended_with_credit_left(db).await? {
        let due = last_day.and_then(domain::dispute::refund_from);
        if due.is_some_and(|due| day < due) {
            continue;
        }
        claims.extend(claim_company(db, company_id, day, now).await?);
    }
    Ok(claims)
}

async fn claim_company(
    db: &Database,
    company_id: i64,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<RefundClaim>, sqlx::Error> {
    let mut tx = db.write().await?;
    lock_company(&mut tx, company_id).await?;
    let Some(method) = default_method_in(&mut tx, company_id, day).await? else {
        tracing::warn!(
            company_id,
            "credit notes to refund, but no valid payment method"
        );
        return Ok(Vec::new());
    };
    let notes: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT id, number, remaining_cents FROM credit_notes
         WHERE company_id = $1 AND remaining_cents > 0 ORDER BY id",
    )
    .bind(company_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut claims = Vec::new();
    for (note_id, number, remaining) in notes {
        let refund_id: i64 = sqlx::query_scalar(
            "INSERT INTO credit_note_refunds (credit_note_id, company_id, amount_cents,
                                              payment_method_id, claimed_on, state)
             VALUES ($1, $2, $3, $4, $5, 'pending') RETURNING id",
        )
        .bind(note_id)
        .bind(company_id)
        .bind(remaining)
        .bind(method.id)
        .bind(day.to_string())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE credit_notes SET remaining_cents = 0, remaining_net_cents = 0 WHERE id = $1",
        )
        .bind(note_id)
        .execute(&mut *tx)
        .await?;
        let amount = Money::from_cents(remaining);
        let change = audit::Change::new(
            company_id,
            None,
            "credit_note.refund",
            format!("credit_note:{note_id}"),
        )
        .before(&serde_json::json!({"number": number, "remaining": amount}))
        .after(&serde_json::json!({
            "number": number,
            "remaining": Money::ZERO,
            "refund": amount,
            "payment_method": format!("{} ending {}", method.label, method.last4),
            "on": day,
        }));
        audit::record(&mut tx, change, now).await?;
        claims.push(RefundClaim {
            id: refund_id,
            company_id,
            credit_note_number: number,
            amount,
            method: method.clone(),
        });
    }
    if !claims.is_empty() {
        tell_managers(&mut tx, company_id, &claims, now).await?;
    }
    tx.commit().await?;
    Ok(claims)
}

/// Emails the Company's Managers, blocked since the Contract ended but not erased (TERM-3),
/// what is refunded, in the transaction that claims it.
async fn tell_managers(
    tx: &mut crate::db::WriteTransaction,
    company_id: i64,
    claims: &[RefundClaim],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let managers: Vec<String> = sqlx::query_scalar(
        "SELECT email FROM users WHERE company_id = $1 AND role = 'manager'
         AND erased_at IS NULL ORDER BY id",
    )
    .bind(company_id)
    .fetch_all(&mut **tx)
    .await?;
    let lines: Vec<String> = claims
        .iter()
        .map(|claim| {
            format!(
                "- credit note {}: EUR {} refunded to {} ending {}",
                claim.credit_note_number, claim.amount, claim.method.label, claim.method.last4
            )
        })
        .collect();
    let subject = "Your credit notes are refunded";
    let body = format!(
        "Your Contract has ended and no invoice follows to deduct what your credit notes still \
         held, so it is refunded (DISPUTE-2):\n\n{}\n\nThe refund appears on your statement \
         within a few working days.\n",
        lines.join("\n")
    );
    for manager in managers {
        super::outbox::queue(tx, company_id, &manager, subject, &body, now).await?;
    }
    Ok(())
}

/// The refunds claimed whose provider answer was never recorded, oldest first.
pub async fn pending(db: &Database) -> Result<Vec<RefundClaim>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.id AS refund_id, r.company_id, r.amount_cents, c.number AS note_number,
                m.id, m.kind, m.label, m.last4, m.provider_token
         FROM credit_note_refunds r
         JOIN credit_notes c ON c.id = r.credit_note_id
         JOIN payment_methods m ON m.id = r.payment_method_id
         WHERE r.state = 'pending' ORDER BY r.id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(RefundClaim {
                id: row.try_get("refund_id")?,
                company_id: row.try_get("company_id")?,
                credit_note_number: row.try_get("note_number")?,
                amount: Money::from_cents(row.try_get("amount_cents")?),
                method: super::invoices::chargeable_from_row(row)?,
            })
        })
        .collect()
}

/// Records the provider's refund `reference` of `claim`; false when it was recorded already.
pub async fn complete(
    db: &Database,
    claim: &RefundClaim,
    provider: &str,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.write().await?;
    let done = sqlx::query(
        "UPDATE credit_note_refunds SET state = 'refunded', provider = $1,
                provider_reference = $2, refunded_at = $3
         WHERE id = $4 AND state = 'pending'",
    )
    .bind(provider)
    .bind(reference)
    .bind(stamp(now))
    .bind(claim.id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if done {
        let change = audit::Change::new(
            claim.company_id,
            None,
            "credit_note.refunded",
            format!("credit_note_refund:{}", claim.id),
        )
        .after(&serde_json::json!({
            "number": claim.credit_note_number,
            "amount": claim.amount,
            "provider": provider,
            "reference": reference,
        }));
        audit::record(&mut tx, change, now).await?;
    }
    tx.commit().await?;
    Ok(done)
}
