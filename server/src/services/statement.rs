//! Statements of communications (PAY-3), shared by the Communications page (`api/communications`)
//! and each invoice's statement (`api/invoices`): which communications an invoice's statement
//! lists, and the CSV both download.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Paris;
use domain::invoice::invoice_windows;
use domain::money::Money;
use protocol::invoices::{InvoiceKind, StatementView};
use protocol::webapp::{CommunicationLine, Direction};

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::communications::{self, Filter};
use crate::store::invoices;

/// The filter of the Paris days `first..=last`, either end open.
pub fn period(first: Option<NaiveDate>, last: Option<NaiveDate>) -> Filter {
    Filter {
        from: first.map(|first| communications::instants(first, first).0),
        to: last.map(|last| communications::instants(last, last).1),
        licence_id: None,
    }
}

/// PAY-3: the statement of the Company's invoice `invoice_id`: the communications of the period
/// it bills, of its Licence's Numbers (an Order's or a renewal's), or those it charges (a usage
/// invoice); none for an invoice that bills no period. 404 for another Company's invoice; 410
/// once 12 months have passed since the invoice date.
pub async fn of_invoice(
    state: &AppState,
    company_id: i64,
    invoice_id: i64,
) -> Result<StatementView, ApiError> {
    let invoice = invoices::one(&state.db, company_id, invoice_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let windows = invoice_windows(invoice.issue_date, invoice.paid_on)
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    if state.clock.today() > windows.statement_available_until {
        return Err(ApiError::StatementExpired {
            invoice_date: invoice.issue_date,
            available_until: windows.statement_available_until,
        });
    }
    let lines = match (invoice.kind, invoice.period, invoice.licence_id) {
        (InvoiceKind::Usage, _, _) => communications::charged_by(&state.db, invoice.id).await?,
        (_, Some((first, last)), Some(licence_id)) => {
            let filter = Filter {
                licence_id: Some(licence_id),
                ..period(Some(first), Some(last))
            };
            communications::all(&state.db, company_id, &filter).await?
        }
        _ => Vec::new(),
    };
    let charged = Money::checked_sum(lines.iter().map(|line| line.amount))
        .ok_or_else(|| ApiError::Internal("statement total overflow".into()))?;
    Ok(StatementView {
        invoice_id: invoice.id,
        number: invoice.number,
        period: invoice.period,
        available_until: windows.statement_available_until,
        lines,
        charged,
    })
}

/// One CSV field, quoted when it must be.
pub fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// A stored instant as its date and time in Europe/Paris (`2026-11-15 11:32:05`).
pub fn paris_time(at: &str) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|at| {
            at.with_timezone(&Utc)
                .with_timezone(&Paris)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_owned())
}

/// The CSV header of a statement.
pub const CSV_HEADER: &str = "date_time_paris,user,number,correspondent,direction,kind,\
                              duration_seconds,parts,settlement,units_beyond,amount,credits,status";

/// PAY-3: the statement as CSV (RFC 4180, CRLF): one row per communication, with the date and
/// time (Europe/Paris), User, Number, correspondent, direction, kind, duration or parts,
/// included or charged, the amount charged beyond the plan and the Credits paid.
pub fn csv(lines: &[CommunicationLine]) -> String {
    let mut csv = String::with_capacity(64 * (lines.len() + 1));
    csv.push_str(CSV_HEADER);
    csv.push_str("\r\n");
    for line in lines {
        let row = [
            paris_time(&line.at),
            line.user_name.clone().unwrap_or_default(),
            line.number.clone(),
            line.correspondent.clone(),
            match line.direction {
                Direction::Outgoing => "outgoing".to_owned(),
                Direction::Incoming => "incoming".to_owned(),
            },
            line.kind.clone(),
            line.duration_seconds
                .map(|seconds| seconds.to_string())
                .unwrap_or_default(),
            line.segments
                .map(|parts| parts.to_string())
                .unwrap_or_default(),
            line.settlement.label().to_owned(),
            line.units_beyond.to_string(),
            line.amount.to_string(),
            line.credits.to_string(),
            line.status.clone(),
        ]
        .map(|field| csv_field(&field))
        .join(",");
        csv.push_str(&row);
        csv.push_str("\r\n");
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_shown_in_paris_time() {
        assert_eq!(
            paris_time("2026-11-15T10:32:05.000000Z"),
            "2026-11-15 11:32:05"
        );
        assert_eq!(
            paris_time("2026-07-31T22:30:00.000000Z"),
            "2026-08-01 00:30:00"
        );
        assert_eq!(csv_field("Martin, Anne"), "\"Martin, Anne\"");
    }
}
