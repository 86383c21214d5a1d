//! Late payment and suspension, shown to the Manager: on an overdue invoice's page, the days
//! late, the penalty rate and why, the penalty and the EUR 40 indemnity as the server computes
//! them for today (LATE-1, LATE-2) and the formal notice to pay with its deadline (LATE-4); in
//! the console's frame, a banner when the Company is suspended, and a badge on a suspended User
//! (SUSP-1). The console stays open so the Manager can pay.

use super::eur;

use leptos::prelude::*;
use protocol::invoices::InvoiceView;
use protocol::late_payment::Suspensions;

use crate::api;
use domain::order::long_date as long;

type SuspensionsResource = LocalResource<Result<Suspensions, api::ApiError>>;

/// Loads the Company's suspensions once for the console's frame and its pages.
pub fn provide_suspensions() {
    let resource: SuspensionsResource = LocalResource::new(api::suspensions);
    provide_context(resource);
}

fn suspensions() -> Option<Suspensions> {
    use_context::<SuspensionsResource>()?.get()?.ok()
}

/// The banner of a suspended Company, with its reason; nothing otherwise.
#[component]
pub fn SuspensionBanner() -> impl IntoView {
    move || {
        suspensions().and_then(|found| found.company).map(|company| {
            let details = (!company.details.is_empty()).then(|| format!(" {}", company.details));
            view! {
                <p class="alert suspension-banner" role="alert">
                    {format!(
                        "The Company Account is suspended since {}. Reason: {}.",
                        long(company.suspended_on),
                        company.reason_label,
                    )}
                    {details}
                    " Billing continues: invoices stay due, and you can still use the console to pay them."
                </p>
            }
        })
    }
}

/// A "Suspended" badge beside a suspended User's name, its reason as a tooltip.
#[component]
pub fn SuspendedBadge(user_id: i64) -> impl IntoView {
    move || {
        suspensions()
            .and_then(|found| found.users.into_iter().find(|user| user.user_id == Some(user_id)))
            .map(|user| {
                let title = format!("Suspended since {}: {}", long(user.suspended_on), user.reason_label);
                view! { <span class="badge suspended" title=title.clone() aria-label=title>"Suspended"</span> }
            })
    }
}

/// On an overdue invoice: what lateness costs today, and the formal notice to pay if sent.
#[component]
pub fn LatePaymentSection(invoice: InvoiceView) -> impl IntoView {
    let late = invoice.late.clone().map(|late| {
        let rate = late.rate.clone().map(|rate| {
            view! {
                <dt>"Penalty rate"</dt>
                <dd>{format!("{} % a year", rate.rate)}<span class="hint">{format!(" — {}", rate.explanation)}</span></dd>
            }
        });
        let penalty = match (late.penalty, late.rates_missing.clone()) {
            (Some(penalty), _) => eur(penalty),
            (None, Some(why)) => why,
            (None, None) => "Not computed".to_owned(),
        };
        view! {
            <h2>"Late payment"</h2>
            <p class="hint">{format!("Updated daily; computed for {}.", long(late.as_of))}</p>
            <dl class="facts late-payment">
                <dt>"Days late"</dt>
                <dd>{match late.days_late { 1 => "1 day".to_owned(), days => format!("{days} days") }}</dd>
                {rate}
                <dt>"Late-payment penalty"</dt>
                <dd>{penalty}</dd>
                <dt>"Recovery indemnity"</dt>
                <dd>{eur(late.indemnity)}</dd>
            </dl>
        }
    });
    let notice = invoice.formal_notice.map(|notice| {
        view! {
            <p class="alert formal-notice" role="alert">
                {format!(
                    "Formal notice to pay sent on {}: pay this invoice by {} at the latest (8 days, GTCS 5.3).",
                    long(notice.sent_on),
                    long(notice.deadline),
                )}
            </p>
        }
    });
    view! { {late} {notice} }
}
