//! The proof log as Managers browse it (PROOF-1): newest first, 50 entries a page; and the
//! whole log exported with its signed checkpoints and the public key, for verification outside
//! the product.

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use protocol::company::{ActivityEntry, ActivityPage};

use crate::auth::Manager;
use crate::error::ApiError;
use crate::services::proof;
use crate::state::AppState;
use crate::store::activity::{self, Author};

/// Entries per page.
pub const PAGE_SIZE: i64 = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/activity", get(page))
        .route("/console/activity/export", get(export))
}

/// The `before` of `?before=<seq>`, if given.
fn before(query: Option<&str>) -> Result<Option<i64>, ApiError> {
    let Some(query) = query else { return Ok(None) };
    let mut before = None;
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        if let Some(value) = pair.strip_prefix("before=") {
            let seq = value
                .parse::<i64>()
                .ok()
                .filter(|seq| *seq > 0)
                .ok_or_else(|| {
                    ApiError::MalformedBody("“before” must be the number of a log entry.".into())
                })?;
            before = Some(seq);
        }
    }
    Ok(before)
}

/// `GET /api/console/activity?before=<seq>`: the Company's entries numbered below `before`.
async fn page(
    State(state): State<AppState>,
    Manager(manager): Manager,
    RawQuery(query): RawQuery,
) -> Result<Json<ActivityPage>, ApiError> {
    let before = before(query.as_deref())?;
    page_of(&state, manager.company_id, before).await.map(Json)
}

/// The Company's proof-log entries numbered below `before` (the newest without it), each with
/// its author as the reader sees them.
pub(super) async fn page_of(
    state: &AppState,
    company_id: i64,
    before: Option<i64>,
) -> Result<ActivityPage, ApiError> {
    let rows = activity::page(&state.db, company_id, before, PAGE_SIZE).await?;
    let oldest = rows.last().map(|(entry, _)| entry.seq);
    // Entries are numbered from 1 without gaps: an oldest entry above 1 has older ones.
    let older = oldest.filter(|seq| *seq > 1);
    let entries = rows
        .into_iter()
        .map(|(entry, author)| ActivityEntry {
            seq: entry.seq,
            at: entry.at,
            author: match author {
                Author::System => None,
                Author::User(name) => Some(name),
                Author::Removed(id) => Some(format!("User #{id} (removed)")),
                Author::Operator(email) => Some(format!("The provider ({email})")),
            },
            action: entry.action,
            subject: entry.subject,
            before: entry.before_json,
            after: entry.after_json,
        })
        .collect();
    Ok(ActivityPage {
        entries,
        older,
        proof_key_id: Some(state.proof_key.public().key_id()),
    })
}

/// `GET /api/console/activity/export`: the Company's whole proof log, its head signed first,
/// with its checkpoints, the public key and how to verify it (`services::proof::ProofExport`),
/// as a JSON file to download.
async fn export(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<impl IntoResponse, ApiError> {
    let document = proof::export(
        &state.db,
        &state.proof_key,
        manager.company_id,
        state.clock.now(),
    )
    .await?;
    Ok((
        [(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"proof-log.json\"",
        )],
        Json(document),
    ))
}
