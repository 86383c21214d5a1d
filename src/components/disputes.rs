//! The disputes of one invoice, on its page (DISPUTE-1, DISPUTE-2): the "Dispute this invoice"
//! form with its written justification until 6 weeks after the invoice date (computed here with
//! the same rule as the server, `domain::dispute::dispute_open_on`), each dispute's status and
//! the provider's decision, and the credit notes deducted from this invoice. A dispute does not
//! suspend payment: the invoice stays due.

use leptos::prelude::*;
use protocol::disputes::{
    DisputeForm, DisputeStatus, DisputeView, InvoiceDisputes, RestitutionClaimForm,
    RestitutionClaimView,
};
use protocol::invoices::InvoiceView;

use super::{FormAlert, FormErrors, Loading};
use crate::api;
use crate::session::{Session, use_session};
use domain::order::long_date as long;

/// The action that opens a dispute: the invoice and the form sent.
type DisputeAction = Action<(i64, DisputeForm), Result<InvoiceDisputes, api::ApiError>>;

#[component]
pub fn DisputesSection(invoice: InvoiceView) -> impl IntoView {
    let invoice_id = invoice.id;
    let dispute: DisputeAction = Action::new_local(|(invoice_id, form): &(i64, DisputeForm)| {
        let (invoice_id, form) = (*invoice_id, form.clone());
        async move { api::dispute_invoice(invoice_id, &form).await }
    });
    let claim = Action::new_local(|(invoice_id, form): &(i64, RestitutionClaimForm)| {
        let (invoice_id, form) = (*invoice_id, form.clone());
        async move { api::claim_restitution(invoice_id, &form).await }
    });
    // Each dispute or claim sent reloads the section.
    let (disputed, claimed) = (dispute.version(), claim.version());
    let loaded = LocalResource::new(move || {
        disputed.track();
        claimed.track();
        api::invoice_disputes(invoice_id)
    });
    // The form's text and messages outlive the reloads.
    let justification = RwSignal::new(String::new());
    let errors = FormErrors::new();
    Effect::new(move || match dispute.value().get() {
        Some(Ok(_)) => justification.set(String::new()),
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let invoice = StoredValue::new(invoice);
    let shown = move || {
        loaded.get().map(|answer| {
            answer.map(|disputes| {
                view! {
                    <CreditNotesUsed disputes=disputes.clone() />
                    <DisputeList disputes=disputes.disputes.clone() />
                    <DisputeForm invoice=invoice.get_value() disputes=disputes.clone() dispute justification errors />
                    <RestitutionClaims invoice=invoice.get_value() disputes claim />
                }
            })
        })
    };
    view! {
        <section class="disputes">
            <h2>"Disputes"</h2>
            <Loading>{shown}</Loading>
        </section>
    }
}

/// The credit notes deducted from this invoice.
#[component]
fn CreditNotesUsed(disputes: InvoiceDisputes) -> impl IntoView {
    (!disputes.credit_notes_used.is_empty()).then(|| {
        view! {
            <h3>"Credit notes deducted from this invoice"</h3>
            <ul class="credit-notes">
                {disputes
                    .credit_notes_used
                    .iter()
                    .map(|used| view! {
                        <li>
                            {format!(
                                "Credit note {} (dispute of invoice {}): EUR {} deducted",
                                used.number,
                                used.invoice_number,
                                used.amount,
                            )}
                        </li>
                    })
                    .collect_view()}
            </ul>
        }
    })
}

fn decision(dispute: &DisputeView) -> String {
    let on = dispute
        .decided_on
        .map(|day| format!(" on {}", long(day)))
        .unwrap_or_default();
    match dispute.status {
        DisputeStatus::Open => {
            "Awaiting the provider's decision. The invoice stays due in the meantime.".to_owned()
        }
        DisputeStatus::Refused => format!(
            "Refused{on}: {}",
            dispute.decision_reason.clone().unwrap_or_default()
        ),
        DisputeStatus::Accepted => match &dispute.credit_note {
            Some(note) => {
                let left = match &note.refund {
                    None => format!("EUR {} still to deduct", note.remaining),
                    Some(refund) => format!(
                        "EUR {} refunded to {} after the Contract ended",
                        refund.amount, refund.method
                    ),
                };
                format!(
                    "Accepted{on}: credit note {} of EUR {} (EUR {} excluding VAT and EUR {} VAT), deducted from the Company's next invoices ({left}).",
                    note.number, note.amount, note.net, note.vat
                )
            }
            None => format!("Accepted{on}."),
        },
    }
}

#[component]
fn DisputeList(disputes: Vec<DisputeView>) -> impl IntoView {
    (!disputes.is_empty()).then(|| {
        view! {
            <ul class="dispute-list">
                {disputes
                    .iter()
                    .map(|dispute| {
                        let status = format!("status dispute-{}", dispute.status.as_str());
                        view! {
                            <li>
                                <p>
                                    {format!("Disputed on {}: ", long(dispute.opened_on))}
                                    <q>{dispute.justification.clone()}</q>
                                </p>
                                <p class=status>{decision(dispute)}</p>
                                {dispute.credit_note.as_ref().map(|note| view! {
                                    <p>
                                        <a href=api::credit_note_pdf_path(note.id) download>
                                            {format!("Download credit note {} (PDF)", note.number)}
                                        </a>
                                    </p>
                                })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

/// "Dispute this invoice": open while the window is (the same rule as the server); after the
/// last day, the button is disabled with the sentence saying why.
#[component]
fn DisputeForm(
    invoice: InvoiceView,
    disputes: InvoiceDisputes,
    dispute: DisputeAction,
    justification: RwSignal<String>,
    errors: FormErrors,
) -> impl IntoView {
    let (invoice_id, invoice_date) = (invoice.id, invoice.issue_date);
    let session = use_session();
    let sending = dispute.pending();
    let open_dispute = disputes
        .disputes
        .iter()
        .any(|dispute| dispute.status == DisputeStatus::Open);
    let closed = move || {
        let today = match session.get() {
            Session::SignedIn(me) => me.today,
            _ => return None,
        };
        domain::dispute::dispute_open_on(invoice_date, today)
            .err()
            .map(|last_day| {
                format!(
                    "This invoice could be disputed until {}, 6 weeks after its date; it can no longer be disputed.",
                    long(last_day)
                )
            })
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let text = justification.get_untracked();
        match domain::dispute::validate_justification(&text) {
            Err(problems) => errors.show_validation(&problems),
            Ok(text) => {
                errors.clear();
                dispute.dispatch((
                    invoice_id,
                    DisputeForm {
                        justification: text,
                    },
                ));
            }
        }
    };
    let has_error = move || errors.of("justification").is_some();
    let last_day = disputes.dispute_last_day;
    view! {
        {open_dispute.then(|| view! {
            <p class="hint">"A dispute of this invoice is awaiting the provider's decision."</p>
        })}
        {(!open_dispute).then(|| view! {
            <form class="dispute-form" on:submit=submit novalidate>
                <h3>"Dispute this invoice"</h3>
                <div class="field" class:invalid=has_error>
                    <label for="justification">"Why do you dispute this invoice?"</label>
                    <textarea
                        id="justification"
                        name="justification"
                        rows="4"
                        aria-invalid=move || has_error().to_string()
                        aria-describedby="justification-error"
                        disabled=move || closed().is_some()
                        bind:value=justification
                    ></textarea>
                    <p class="hint">
                        {format!(
                            "A few words at least. Until {} (6 weeks after the invoice date); paying stays due meanwhile. No attachment is taken: write what matters here.",
                            long(last_day)
                        )}
                    </p>
                    <p class="error" id="justification-error" role="alert">
                        {move || errors.of("justification")}
                    </p>
                </div>
                <FormAlert errors />
                <button
                    type="submit"
                    class="primary"
                    disabled=move || sending.get() || closed().is_some()
                >
                    {move || if sending.get() { "Sending…" } else { "Dispute this invoice" }}
                </button>
                {move || closed().map(|why| view! { <p class="hint dispute-closed">{why}</p> })}
            </form>
        })}
    }
}

/// DISPUTE-3: the claims for restitution of this invoice, and the form to make one while the
/// year after its payment runs (the same rule as the server, `restitution_open_on`).
#[component]
fn RestitutionClaims(
    invoice: InvoiceView,
    disputes: InvoiceDisputes,
    claim: Action<(i64, RestitutionClaimForm), Result<InvoiceDisputes, api::ApiError>>,
) -> impl IntoView {
    let session = use_session();
    let reason = RwSignal::new(String::new());
    let errors = FormErrors::new();
    Effect::new(move || match claim.value().get() {
        Some(Ok(_)) => reason.set(String::new()),
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let (invoice_id, issue_date, paid_on) = (invoice.id, invoice.issue_date, invoice.paid_on);
    let open = move || match session.get() {
        Session::SignedIn(me) => {
            domain::dispute::restitution_open_on(issue_date, paid_on, me.today).is_ok()
        }
        _ => false,
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        claim.dispatch((
            invoice_id,
            RestitutionClaimForm {
                reason: reason.get_untracked(),
            },
        ));
    };
    let claims = disputes.restitution_claims.clone();
    view! {
        {(!claims.is_empty()).then(|| view! {
            <h3>"Claims for restitution"</h3>
            <ul class="restitution-claims">
                {claims.into_iter().map(|claim| {
                    let decision = restitution_decision(&claim);
                    view! {
                        <li>
                            {format!("Claimed on {}: ", long(claim.claimed_on))}<q>{claim.reason}</q>
                            {format!(" {decision}")}
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
        {disputes.restitution_last_day.map(|last_day| view! {
            <form class="restitution-form" on:submit=submit novalidate>
                <h3>"Claim restitution"</h3>
                <div class="field">
                    <label for="restitution-reason">"What should be paid back, and why?"</label>
                    <textarea id="restitution-reason" name="reason" rows="3" disabled=move || !open() bind:value=reason></textarea>
                    <p class="error" role="alert">{move || errors.of("reason")}</p>
                    <p class="hint">{format!(
                        "Until {}, a year after the payment (GTCS 5.2).",
                        long(last_day)
                    )}</p>
                </div>
                <FormAlert errors />
                <button type="submit" disabled=move || claim.pending().get() || !open()>"Claim restitution"</button>
            </form>
        })}
    }
}

/// DISPUTE-3: where a claim for restitution stands, as a sentence.
fn restitution_decision(claim: &RestitutionClaimView) -> String {
    let on = claim.decided_on.map(long).unwrap_or_default();
    let note = claim
        .decision_reason
        .as_deref()
        .map(|reason| format!(": {reason}"))
        .unwrap_or_default();
    match claim.status {
        DisputeStatus::Open => "Waiting for the provider's decision.".to_owned(),
        DisputeStatus::Accepted => format!(
            "Accepted on {on} with credit note {}{note}.",
            claim.credit_note_number.as_deref().unwrap_or_default()
        ),
        DisputeStatus::Refused => format!("Refused on {on}{note}."),
    }
}
