//! `GET /api/console/dashboard`: users, Numbers and Licences at a glance, the next renewal and
//! notice deadline, and what needs the Manager's attention.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use protocol::dashboard::{Attention, Dashboard, Deadline};

use crate::auth::Manager;
use crate::error::ApiError;
use crate::services::licences::view;
use crate::state::AppState;
use crate::store::{company, dashboard, discontinuations, licences, payment_defaults};

/// A notice deadline this close (in days) needs the Manager's attention.
pub const NOTICE_ATTENTION_DAYS: i64 = 30;

pub fn routes() -> Router<AppState> {
    Router::new().route("/console/dashboard", get(show))
}

async fn show(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<Json<Dashboard>, ApiError> {
    let today = state.clock.today();
    let company_id = manager.company_id;
    let counts = dashboard::counts(&state.db, company_id).await?;
    let running: Vec<_> = licences::list(&state.db, company_id)
        .await?
        .iter()
        .map(|record| view(record, today))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|licence| licence.status == "active")
        .collect();
    // A Licence with a notice no longer renews: its dates are not ahead of the Manager.
    let renewing = running.iter().filter(|licence| licence.notice.is_none());
    let next_renewal = renewing
        .clone()
        .map(|licence| Deadline {
            licence_id: licence.id,
            date: licence.schedule.renewal_date,
            days_left: licence.schedule.days_until_renewal,
        })
        .min_by_key(|deadline| (deadline.date, deadline.licence_id));
    let next_notice_deadline = renewing
        .map(|licence| Deadline {
            licence_id: licence.id,
            date: licence.schedule.next_notice_deadline,
            days_left: licence.schedule.days_until_notice_deadline,
        })
        .min_by_key(|deadline| (deadline.date, deadline.licence_id));

    let mut attention = Vec::new();
    // LATE-3: a payment default withholds every discount, whatever is paid since.
    if let Some(sentence) = payment_defaults::standing_of(&state.db, company_id)
        .await?
        .sentence()
    {
        attention.push(Attention {
            kind: "payment_default".into(),
            message: sentence,
            link: "/console/invoices".into(),
        });
    }
    if let Some(deadline) = next_notice_deadline
        .as_ref()
        .filter(|deadline| deadline.days_left <= NOTICE_ATTENTION_DAYS)
    {
        attention.push(Attention {
            kind: "notice_deadline".into(),
            message: format!(
                "The last day to give notice of non-renewal for Licence #{} is {} ({} days left).",
                deadline.licence_id, deadline.date, deadline.days_left
            ),
            link: "/console/licences".into(),
        });
    }
    let unassigned = counts.numbers - counts.assigned_numbers;
    if unassigned > 0 {
        attention.push(Attention {
            kind: "unassigned_numbers".into(),
            message: match unassigned {
                1 => "1 Number has no User.".into(),
                many => format!("{many} Numbers have no User."),
            },
            link: "/console/numbers".into(),
        });
    }
    // NOTICE-3: the Services the provider discontinues, or discontinued.
    for announced in discontinuations::announced(&state.db).await? {
        attention.push(Attention {
            kind: "service_discontinued".into(),
            message: domain::service::notice_sentence(announced, today),
            link: String::new(),
        });
    }
    if !company::has_valid_payment_method(&state.db, company_id, today).await? {
        attention.push(Attention {
            kind: "no_payment_method".into(),
            message: "No valid payment method is on file: add one before ordering.".into(),
            link: "/console/company".into(),
        });
    }
    Ok(Json(Dashboard {
        users: counts.users,
        active_users: counts.active_users,
        numbers: counts.numbers,
        assigned_numbers: counts.assigned_numbers,
        licences: running.len() as i64,
        next_renewal,
        next_notice_deadline,
        attention,
    }))
}
