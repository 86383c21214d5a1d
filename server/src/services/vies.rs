//! Asking VIES about a Company's foreign EU VAT number (issue 19): when the Company saves it,
//! and before each invoice that would carry a reverse charge. Each answer is recorded
//! (`store::vies`), and the latest decides the VAT of the next invoice: valid gives the reverse
//! charge; invalid, a timeout or an unavailable service bills with French VAT.

use domain::vat::ViesStatus;

use crate::clock::Clock;
use crate::db::Database;
use crate::store::vies::{self, Consultation, NewConsultation, Occasion};
use crate::vies::{Vies, ViesReply};

/// Asks VIES about the Company's VAT number, if it is one of another member state than France,
/// and records the answer. `None` when there is no such number.
pub async fn consult(
    db: &Database,
    clock: &Clock,
    registry: &Vies,
    company_id: i64,
    actor_user_id: Option<i64>,
    occasion: Occasion,
) -> Result<Option<Consultation>, sqlx::Error> {
    let Some(number) = vies::foreign_number(db, company_id).await? else {
        return Ok(None);
    };
    let reply = registry.registry.check(&number).await;
    let answer = match reply {
        ViesReply::Answered(answer) => NewConsultation {
            status: if answer.valid {
                ViesStatus::Confirmed
            } else {
                ViesStatus::NotRegistered
            },
            request_identifier: answer.request_identifier,
            request_date: answer.request_date,
            trader_name: answer.name,
            trader_address: answer.address,
            problem: None,
            registry: registry.registry.name(),
        },
        ViesReply::Unavailable { problem } => {
            tracing::warn!(company_id, %number, %problem, "VIES gave no answer: the number stays pending");
            NewConsultation {
                status: ViesStatus::Pending,
                request_identifier: None,
                request_date: None,
                trader_name: None,
                trader_address: None,
                problem: Some(problem),
                registry: registry.registry.name(),
            }
        }
    };
    let recorded = vies::record(
        db,
        company_id,
        actor_user_id,
        &number,
        occasion,
        &answer,
        clock.now(),
    )
    .await?;
    Ok(Some(recorded))
}

/// Before an invoice: asks VIES again about a foreign EU VAT number (nothing for the others).
pub async fn before_invoice(
    db: &Database,
    clock: &Clock,
    registry: &Vies,
    company_id: i64,
    actor_user_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    consult(
        db,
        clock,
        registry,
        company_id,
        actor_user_id,
        Occasion::BeforeInvoice,
    )
    .await
    .map(drop)
}
