//! `/api/console/communications`: the Company's statement of communications for its Managers
//! (PAY-3): every call and message of its Numbers over a period, newest first and paged by a
//! cursor, each saying whether it was included in the Call Plan, charged beyond it (PAY-1) or
//! paid with Credits; and the same period as CSV.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use domain::field::{FieldError, Problem};
use protocol::webapp::CommunicationsPage;

use crate::auth::Manager;
use crate::error::ApiError;
use crate::services::statement;
use crate::state::AppState;
use crate::store::communications::{self, Cursor, Filter};

/// Lines per page unless `limit` says otherwise, and the most a page holds.
const PAGE_LENGTH: i64 = 100;
const MAX_PAGE_LENGTH: i64 = 500;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/communications", get(page))
        .route("/console/communications.csv", get(csv))
}

/// A day of `?from=` or `?to=` (`YYYY-MM-DD`), if given.
fn day(
    query: &HashMap<String, String>,
    field: &'static str,
) -> Result<Option<NaiveDate>, ApiError> {
    match query
        .get(field)
        .map(|raw| raw.trim())
        .filter(|raw| !raw.is_empty())
    {
        None => Ok(None),
        Some(raw) => raw.parse().map(Some).map_err(|_| {
            ApiError::Invalid(FieldError {
                field,
                problem: Problem::Invalid("Give a date such as 2026-11-30."),
            })
        }),
    }
}

/// The period of `?from=&to=` (Paris days, both included; either may be left open).
fn period(query: &HashMap<String, String>) -> Result<Filter, ApiError> {
    Ok(days(query)?.0)
}

/// The period's filter, with its first and last days as given.
fn days(
    query: &HashMap<String, String>,
) -> Result<(Filter, Option<NaiveDate>, Option<NaiveDate>), ApiError> {
    let (from, to) = (day(query, "from")?, day(query, "to")?);
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return Err(ApiError::Invalid(FieldError {
            field: "to",
            problem: Problem::Invalid("The last day comes before the first."),
        }));
    }
    Ok((statement::period(from, to), from, to))
}

/// `GET /api/console/communications?from=&to=&before=&limit=`: one page of the Company's
/// communications over the period, newest first (PAY-3); `next` is the `before` of the next
/// page.
async fn page(
    State(state): State<AppState>,
    Manager(manager): Manager,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<CommunicationsPage>, ApiError> {
    let filter = period(&query)?;
    let before = match query.get("before").filter(|raw| !raw.is_empty()) {
        None => None,
        Some(raw) => Some(Cursor::decode(raw).ok_or_else(|| {
            ApiError::MalformedBody("“before” must be the “next” of a previous page.".into())
        })?),
    };
    let limit = match query.get("limit") {
        None => PAGE_LENGTH,
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|limit| (1..=MAX_PAGE_LENGTH).contains(limit))
            .ok_or_else(|| {
                ApiError::MalformedBody(format!(
                    "“limit” must be a number of lines from 1 to {MAX_PAGE_LENGTH}."
                ))
            })?,
    };
    let (lines, next) = communications::page(
        &state.db,
        manager.company_id,
        &filter,
        before.as_ref(),
        limit,
    )
    .await?;
    Ok(Json(CommunicationsPage {
        lines,
        next: next.map(|cursor| cursor.encode()),
    }))
}

/// `GET /api/console/communications.csv?from=&to=`: every communication of the period as CSV,
/// oldest first (PAY-3).
async fn csv(
    State(state): State<AppState>,
    Manager(manager): Manager,
    Query(query): Query<HashMap<String, String>>,
) -> Result<impl IntoResponse, ApiError> {
    let (filter, from, to) = days(&query)?;
    let lines = communications::all(&state.db, manager.company_id, &filter).await?;
    let name = match (from, to) {
        (Some(from), Some(to)) => format!("communications-{from}-{to}.csv"),
        _ => "communications.csv".to_owned(),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        statement::csv(&lines),
    ))
}
