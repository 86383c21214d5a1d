//! The daily job on the server's [`Clock`]: renewals (RENEW-1, RENEW-2), Licences ending after a
//! notice (NOTICE-1), invoices overdue the day after their due date; with a payment provider,
//! collections (PAY-1) and refunds of credit notes no invoice deducts (DISPUTE-2). Each day is processed once,
//! in its own transaction ([`store::scheduler::process_day`]); after downtime, every missed day
//! is processed in order, oldest first.

use std::time::Duration;

use chrono::NaiveDate;

use crate::clock::Clock;
use crate::db::Database;
use crate::payments::Payments;
use crate::services;
use crate::store::scheduler::{self, DayReport, ScheduleError};
use crate::store::vies as store_vies;
use crate::vies::Vies;

/// How often the background task looks at the date.
pub const WAKE_EVERY: Duration = Duration::from_secs(60);

/// Processes every day from the one after the last processed day (or, the first time, from the
/// first contract day) up to the clock's today, in order. Stops at the first day that fails:
/// that day and the later ones are tried again on the next call.
/// VIES is not asked (see [`catch_up_asking_vies`]): foreign EU VAT numbers keep VIES's latest
/// answer.
/// Nothing is collected either (see [`catch_up_collecting`]): an unpaid invoice is then overdue
/// the day after its due date, as one whose collection was never possible.
pub async fn catch_up(db: &Database, clock: &Clock) -> Result<Vec<DayReport>, ScheduleError> {
    catch_up_with(db, clock, None, None).await
}

async fn catch_up_with(
    db: &Database,
    clock: &Clock,
    vies: Option<&Vies>,
    payments: Option<&Payments>,
) -> Result<Vec<DayReport>, ScheduleError> {
    let today = clock.today();
    let first = match scheduler::last_processed(db).await? {
        Some(last) => match last.succ_opt() {
            Some(next) => next,
            None => return Ok(Vec::new()),
        },
        None => scheduler::first_contract_day(db)
            .await?
            .map_or(today, |first| first.min(today)),
    };
    let mut reports = Vec::new();
    for day in days(first, today) {
        if let Some(vies) = vies {
            for company_id in store_vies::companies_invoiced_on(db, day).await? {
                services::vies::before_invoice(db, clock, vies, company_id, None).await?;
            }
        }
        if let (Some(payments), Some(before)) = (payments, day.pred_opt()) {
            // What the day before left to collect (the server stopped in between), before the
            // day marks unpaid invoices overdue.
            collect(db, clock, payments, before).await?;
        }
        let report = scheduler::process_day(db, day, clock.now()).await?;
        if let Some(payments) = payments {
            collect(db, clock, payments, day).await?;
            // After the day's usage invoices, which deduct credit notes first.
            let refunded = services::collection::refund_day(db, clock, payments, day).await?;
            if refunded > 0 {
                tracing::info!(%day, refunded, "credit notes refunded");
            }
        }
        if report.processed {
            tracing::info!(
                %day,
                renewed = report.renewed,
                ended = report.ended,
                overdue = report.overdue,
                usage_invoiced = report.usage_invoiced,
                traffic_deleted = report.retention.traffic_deleted,
                users_blocked = report.retention.users_blocked,
                users_erased = report.retention.users_erased,
                "scheduler processed a day"
            );
        }
        reports.push(report);
    }
    if let Some(payments) = payments {
        // Today's invoices written since (Orders, top-ups), and charges left unanswered.
        collect(db, clock, payments, today).await?;
        services::collection::resume_pending(db, clock, payments)
            .await
            .map_err(|error| ScheduleError::Collection(error.to_string()))?;
    }
    Ok(reports)
}

/// PAY-1 (house reading "Due date and collection"): the collection attempts due on `day`.
async fn collect(
    db: &Database,
    clock: &Clock,
    payments: &Payments,
    day: NaiveDate,
) -> Result<(), ScheduleError> {
    let asked = services::collection::collect_day(db, clock, payments, day)
        .await
        .map_err(|error| ScheduleError::Collection(error.to_string()))?;
    if asked > 0 {
        tracing::info!(%day, charges = asked, "collection attempts");
    }
    Ok(())
}

/// `first`, the day after, … up to `last` included (nothing when `first` is after `last`).
fn days(first: NaiveDate, last: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    first.iter_days().take_while(move |day| *day <= last)
}

/// As [`catch_up`], asking VIES first, on each day to process, about the foreign EU VAT numbers
/// of the Companies invoiced that day (issue 19): their renewal invoices then carry a reverse
/// charge only for a number VIES confirmed just before.
pub async fn catch_up_asking_vies(
    db: &Database,
    clock: &Clock,
    vies: &Vies,
) -> Result<Vec<DayReport>, ScheduleError> {
    catch_up_with(db, clock, Some(vies), None).await
}

/// The server's scheduler: as [`catch_up_asking_vies`], collecting invoices too (issue 13,
/// house reading "Due date and collection"): after each day, the collection attempts due that
/// day (an invoice issued that day, the retries 3 and 7 days after the issue date), and, at
/// the end, today's (invoices written since the day was processed) and the charges whose
/// outcome never came. An unpaid invoice is overdue only once its collection failed.
pub async fn catch_up_collecting(
    db: &Database,
    clock: &Clock,
    vies: Option<&Vies>,
    payments: &Payments,
) -> Result<Vec<DayReport>, ScheduleError> {
    catch_up_with(db, clock, vies, Some(payments)).await
}

/// Starts the background task: it catches up at once, then every [`WAKE_EVERY`], asking VIES
/// before invoicing and collecting invoices.
pub fn spawn(
    db: Database,
    clock: Clock,
    vies: Vies,
    payments: Payments,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(error) = catch_up_collecting(&db, &clock, Some(&vies), &payments).await {
                tracing::error!(%error, "the scheduler stopped on a day; it will try again");
            }
            tokio::time::sleep(WAKE_EVERY).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_listed_in_order_and_inclusive() {
        let day = |raw: &str| raw.parse::<NaiveDate>().unwrap();
        let listed: Vec<_> = days(day("2026-02-27"), day("2026-03-02")).collect();
        assert_eq!(
            listed,
            [
                day("2026-02-27"),
                day("2026-02-28"),
                day("2026-03-01"),
                day("2026-03-02")
            ]
        );
        assert_eq!(days(day("2026-03-02"), day("2026-03-01")).count(), 0);
    }
}
