//! `/console/invoices` and `/console/invoices/:id`: the Company's invoices (PAY-1), one per
//! Order and renewal, and paying one in advance with the Company's payment method (PAY-2). A
//! refused payment is shown with the provider's reason; the invoice stays due. Each payment
//! carries its idempotency key (`app_state::intent`), so resending one whose answer was lost
//! never charges twice.

use crate::components::{Loading, eur};

use app_state::intent::IntentKey;
use leptos::prelude::*;
use leptos_router::components::A;
use protocol::disputes::CreditNoteView;
use protocol::invoices::{InvoiceStatus, InvoiceSummary, InvoiceView};

use crate::api;
use crate::params::use_id;
use crate::session::{Session, use_session};
use domain::order::long_date as long;

#[component]
pub fn InvoicesPage() -> impl IntoView {
    let invoices = LocalResource::new(api::invoices);
    let credit_notes = LocalResource::new(api::credit_notes);
    view! {
        <section class="invoices">
            <h1>"Invoices"</h1>
            <p>"Every Order and every renewal is invoiced here. Payment is due on the invoice date (payment in advance)."</p>
            <Loading>
                {move || invoices.get().map(|answer| answer.map(|list| if list.is_empty() {
                    view! { <p class="empty">"No invoice yet: an Order creates one."</p> }.into_any()
                } else {
                    view! { <InvoiceList list /> }.into_any()
                }))}
            </Loading>
            <Loading>
                {move || credit_notes.get().map(|answer| answer.map(|list| {
                    (!list.is_empty()).then(|| view! { <CreditNoteList list /> })
                }))}
            </Loading>
        </section>
    }
}

/// DISPUTE-2 (house reading): the Company's credit notes, each a document with its PDF, and
/// what is still to deduct from the next invoices.
#[component]
fn CreditNoteList(list: Vec<CreditNoteView>) -> impl IntoView {
    view! {
        <h2>"Credit notes"</h2>
        <p class="hint">"An accepted dispute gives a credit note, deducted from the next invoices with its VAT."</p>
        <table class="credit-note-list">
            <thead>
                <tr>
                    <th>"Credit note"</th>
                    <th>"For invoice"</th>
                    <th>"Date"</th>
                    <th>"Net"</th>
                    <th>"VAT"</th>
                    <th>"Total"</th>
                    <th>"Still to deduct"</th>
                </tr>
            </thead>
            <tbody>
                {list
                    .into_iter()
                    .map(|note| {
                        let invoice = format!("/console/invoices/{}", note.invoice_id);
                        view! {
                            <tr>
                                <td>
                                    <a href=api::credit_note_pdf_path(note.id) download>
                                        {format!("Credit note {} (PDF)", note.number)}
                                    </a>
                                </td>
                                <td><A href=invoice>{format!("Invoice {}", note.invoice_number)}</A></td>
                                <td>{long(note.issued_on)}</td>
                                <td>{eur(note.net)}</td>
                                <td>{eur(note.vat)}</td>
                                <td>{eur(note.amount)}</td>
                                <td>{still_to_deduct(&note)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// What a credit note still gives back: deducted from the next invoices, or refunded once the
/// Contract ended (DISPUTE-2, house reading).
fn still_to_deduct(note: &CreditNoteView) -> String {
    match &note.refund {
        None => eur(note.remaining),
        Some(refund) if refund.refunded => format!(
            "{} refunded to {} on {}",
            eur(refund.amount),
            refund.method,
            long(refund.on)
        ),
        Some(refund) => format!(
            "{} being refunded to {} since {}",
            eur(refund.amount),
            refund.method,
            long(refund.on)
        ),
    }
}

#[component]
fn InvoiceList(list: Vec<InvoiceSummary>) -> impl IntoView {
    view! {
        <table class="invoice-list">
            <thead>
                <tr><th>"Invoice"</th><th>"For"</th><th>"Date"</th><th>"Status"</th><th>"Total"</th></tr>
            </thead>
            <tbody>
                {list
                    .into_iter()
                    .map(|invoice| {
                        let href = format!("/console/invoices/{}", invoice.id);
                        view! {
                            <tr>
                                <td><A href=href>{format!("Invoice {}", invoice.number)}</A></td>
                                <td>{invoice.kind.label()}</td>
                                <td>{long(invoice.issue_date)}</td>
                                <td class=format!("status {}", invoice.status.as_str())>{invoice.status.label()}</td>
                                <td>{eur(invoice.total)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn InvoiceDetailPage() -> impl IntoView {
    let id = use_id();
    // Issue 13: one idempotency key per click on "Pay now", sent again when its answer was lost.
    let intent = StoredValue::new(IntentKey::default());
    let pay = Action::new_local(move |invoice_id: &i64| {
        let invoice_id = *invoice_id;
        let key = intent
            .try_update_value(|intent| {
                intent.key_for(&invoice_id.to_string(), || {
                    api::new_idempotency_key("payment")
                })
            })
            .unwrap_or_default();
        async move {
            let answer = api::pay_invoice(invoice_id, key).await;
            let lost = answer.as_ref().is_err_and(api::ApiError::answer_lost);
            intent.update_value(|intent| intent.answered(lost));
            answer
        }
    });
    // Paid or refused, the invoice is shown again: a refused payment is among its attempts.
    let paid = pay.version();
    let invoice = LocalResource::new(move || {
        paid.track();
        let id = id.get();
        async move {
            match id {
                Some(id) => api::invoice(id).await,
                None => Err(api::ApiError::Unexpected(404)),
            }
        }
    });
    view! {
        <section class="invoice-detail">
            {move || match invoice.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(error)) => {
                    view! {
                        <h1>"Invoice"</h1>
                        <p class="alert" role="alert">{error.to_string()}</p>
                    }
                        .into_any()
                }
                Some(Ok(view)) => view! { <InvoiceDetail invoice=view pay /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn InvoiceDetail(
    invoice: InvoiceView,
    pay: Action<i64, Result<InvoiceView, api::ApiError>>,
) -> impl IntoView {
    let paying = pay.pending();
    let refusal = move || match pay.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };
    let id = invoice.id;
    let pay = move |_| {
        pay.clear();
        pay.dispatch(id);
    };
    let per = invoice
        .billing
        .map(|billing| format!(" per {}", billing.period_noun()))
        .unwrap_or_default();
    let status = match invoice.paid_on {
        Some(day) => format!("Paid on {}", long(day)),
        None if invoice.status == InvoiceStatus::Overdue => {
            format!("Overdue: it was due on {}", long(invoice.due_date))
        }
        None => format!("Due on {}", long(invoice.due_date)),
    };
    let unpaid = invoice.status.is_unpaid();
    view! {
        <h1>{format!("Invoice {}", invoice.number)}</h1>
        <dl class="facts">
            <dt>"For"</dt>
            <dd>
                {invoice.kind.label()}
                {invoice.order_id.map(|id| format!(" (Order {id})"))}
            </dd>
            <dt>"Invoice date"</dt>
            <dd>{long(invoice.issue_date)}</dd>
            {invoice.period.map(|(first, last)| view! {
                <dt>"Period"</dt>
                <dd>{format!("{} to {}", long(first), long(last))}</dd>
            })}
            <dt>"Status"</dt>
            <dd class=format!("status {}", invoice.status.as_str())>{status}</dd>
        </dl>
        <table class="quote-lines">
            <thead>
                <tr>
                    <th>"Line"</th>
                    <th>{format!("Unit price{per}")}</th>
                    <th>"Discount"</th>
                    <th>"Net"</th>
                </tr>
            </thead>
            <tbody>
                {invoice
                    .lines
                    .iter()
                    .map(|line| view! {
                        <tr>
                            <td>{line.description.clone()}</td>
                            <td>{eur(line.unit_price)}</td>
                            <td>{format!("{} %", line.discount_pct)}</td>
                            <td>
                                {eur(line.net)}
                                // A credit note deducted carries its own VAT (DISPUTE-2).
                                {line.vat.map(|vat| format!(" (VAT {})", eur(vat)))}
                            </td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
        <dl class="facts totals">
            <dt>"Subtotal (excluding VAT)"</dt>
            <dd>{eur(invoice.subtotal)}</dd>
            <dt>
                {format!("VAT {} %", invoice.vat_rate)}
                {invoice
                    .lines
                    .iter()
                    .any(|line| line.vat.is_some())
                    .then_some(", less the credit notes' VAT")}
            </dt>
            <dd>{eur(invoice.vat)}</dd>
            <dt>"Total"</dt>
            <dd class="quote-total">{eur(invoice.total)}</dd>
        </dl>
        <p class="hint">{invoice.vat_reason.clone()}</p>
        {invoice.vies.as_ref().map(|proof| {
            let number = proof.request_identifier.clone().unwrap_or_else(|| "none given".into());
            view! {
                <p class="hint vies-proof">
                    {format!("VAT number {} confirmed by VIES: consultation number {number}.", proof.vat_number)}
                </p>
            }
        })}
        {unpaid.then(|| view! {
            <button type="button" class="primary" on:click=pay disabled=move || paying.get()>
                {move || if paying.get() { "Paying…" } else { "Pay now" }}
            </button>
        })}
        {move || refusal().map(|reason| view! { <p class="alert" role="alert">{reason}</p> })}
        {(!invoice.payments.is_empty()).then(|| view! {
            <h2>"Payments"</h2>
            <p class="hint">
                "Each attempt to collect this invoice: on its issue date from the default payment method, then 3 and 7 days later, and every payment made by hand."
            </p>
            <ul class="payments">
                {invoice
                    .payments
                    .iter()
                    .map(|payment| {
                        let outcome = match (&payment.reason, payment.succeeded) {
                            (_, true) => "paid".to_owned(),
                            (Some(reason), false) => format!("refused: {reason}"),
                            (None, false) => "refused".to_owned(),
                        };
                        view! {
                            <li>
                                {format!(
                                    "{} — {} with {}: {outcome}",
                                    payment.attempted_at.get(..10).unwrap_or(&payment.attempted_at),
                                    eur(payment.amount),
                                    payment.method,
                                )}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        })}
        <crate::components::LatePaymentSection invoice=invoice.clone() />
        <Documents invoice=invoice.clone() />
        <crate::components::DisputesSection invoice=invoice.clone() />
        <p><A href="/console/invoices">"All invoices"</A></p>
    }
}

/// The invoice as a PDF, and its statement of communications while it is available (PAY-3):
/// after 12 months the page says why it cannot be downloaded, as the server would.
#[component]
fn Documents(invoice: InvoiceView) -> impl IntoView {
    let session = use_session();
    let pdf = format!("/api/console/invoices/{}/pdf", invoice.id);
    let csv = format!("/api/console/invoices/{}/statement.csv", invoice.id);
    let invoice_id = invoice.id;
    let available_until = domain::invoice::invoice_windows(invoice.issue_date, invoice.paid_on)
        .ok()
        .map(|windows| windows.statement_available_until);
    let statement = move || {
        let today = match session.get() {
            Session::SignedIn(me) => Some(me.today),
            _ => None,
        };
        match (today, available_until) {
            (Some(today), Some(until)) if today > until => view! {
                <p class="hint">
                    {format!(
                        "The statement of communications was available until {} (12 months after the invoice date) and can no longer be downloaded.",
                        long(until),
                    )}
                </p>
            }
            .into_any(),
            (_, until) => view! {
                <p>
                    <a href=csv.clone() download>"Download the statement of communications (CSV)"</a>
                    {until.map(|until| format!(" — available until {}", long(until)))}
                </p>
                <Statement id=invoice_id />
            }
            .into_any(),
        }
    };
    view! {
        <h2>"Documents"</h2>
        <p><a href=pdf download>"Download the invoice (PDF)"</a></p>
        {statement}
    }
}

/// PAY-3: the invoice's statement of communications on screen: the communications of the period
/// it bills, or those a usage invoice charges.
#[component]
fn Statement(id: i64) -> impl IntoView {
    let statement = LocalResource::new(move || api::invoice_statement(id));
    view! {
        <h3>"Statement of communications"</h3>
        <Loading>
            {move || statement.get().map(|answer| answer.map(|statement| {
                if statement.lines.is_empty() {
                    view! { <p class="empty">"No communication in the period this invoice bills."</p> }.into_any()
                } else {
                    let charged = statement.charged;
                    let lines = statement.lines;
                    view! {
                        <crate::components::StatementTable lines=Signal::stored(lines) />
                        <p class="statement-total">{format!("Charged beyond the plans: {} excluding VAT", eur(charged))}</p>
                    }
                    .into_any()
                }
            }))}
        </Loading>
    }
}
