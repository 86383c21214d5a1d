//! The terminations section of `/console/licences`: Licences terminated after a price increase
//! (PRICE-5) or by the provider for fault (TERM-1, TERM-2), with the amount due for a fault as
//! `termination.fault_amount` computed it and the invoice that bills it.

use super::eur;

use leptos::prelude::*;
use protocol::terminations::TerminationView;

use crate::api;

#[component]
pub fn TerminationsSection() -> impl IntoView {
    let terminations = LocalResource::new(api::terminations);
    move || {
        terminations.get().map(|answer| match answer {
            Err(error) => view! { <p class="alert" role="alert">{error.to_string()}</p> }.into_any(),
            Ok(list) if list.is_empty() => ().into_any(),
            Ok(list) => view! {
                <section class="terminations" aria-label="Terminations">
                    <h2>"Terminations"</h2>
                    {list.into_iter().map(|termination| view! { <TerminationCard termination /> }).collect_view()}
                </section>
            }
            .into_any(),
        })
    }
}

#[component]
fn TerminationCard(termination: TerminationView) -> impl IntoView {
    let received = termination
        .received_at
        .get(..10)
        .unwrap_or(&termination.received_at)
        .to_owned();
    let heading = match termination.cause.as_str() {
        "fault" => format!("Licence #{} terminated for fault", termination.licence_id),
        _ => format!(
            "Licence #{} terminated after a price increase",
            termination.licence_id
        ),
    };
    let due = termination.amount_due.map(|due| {
        view! {
            <h3>"Amount due (GTCS 6.2.2)"</h3>
            <dl class="facts">
                <dt>"Remaining monthly instalments"</dt>
                <dd>{format!("{} × EUR {}", due.remaining_instalments, due.monthly_instalment)}</dd>
                <dt>"Remaining instalments + 20 %"</dt>
                <dd>{eur(due.accelerated_instalments)}</dd>
                <dt>"Discounts to reimburse"</dt>
                <dd>{eur(due.discounts_reimbursed)}</dd>
                <dt>"Total due (excluding VAT)"</dt>
                <dd><strong>{eur(due.total)}</strong></dd>
            </dl>
        }
    });
    // TERM-1 (house reading): the amount is invoiced on the termination day.
    let invoice = termination.invoice_id.zip(termination.invoice_number).map(|(id, number)| {
        view! {
            <p>"Invoiced on invoice " <a href=format!("/console/invoices/{id}")>{number}</a> "."</p>
        }
    });
    view! {
        <div class="card termination">
            <h3>{heading}</h3>
            <dl class="facts">
                <dt>"Received"</dt>
                <dd>{received}</dd>
                <dt>"Last day of service"</dt>
                <dd>{termination.service_last_day.to_string()}</dd>
                {termination.ground.map(|ground| view! { <dt>"Ground"</dt><dd>{ground.label()}</dd> })}
                {termination.reason.map(|reason| view! { <dt>"Reason"</dt><dd>{reason}</dd> })}
            </dl>
            {due}
            {invoice}
        </div>
    }
}
