//! The provider's routes under `/api/admin/...`: price-change notices (PRICE-4, PRICE-5) and
//! terminations for fault (TERM-1, TERM-2). They exist only when the server runs with
//! `--admin-token` (CONSOLE_ADMIN_TOKEN) and answer requests bearing
//! `authorization: Bearer <that token>`; otherwise they answer 404.

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::routing::post;
use axum::{Json, Router};
use chrono::Days;
use domain::money::Money;
use domain::price_change::{apply_indexation, validate_price_change};
use protocol::price_changes::{NoticeKind, PriceChangeForm, PriceChangeView};
use sha2::{Digest, Sha256};

use super::accounts::Body;
use super::price_changes::{notice_view, parse_day};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::price_changes::{self, ChangedPrice, CreateNoticeError, NewNotice, PriceRow};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/price-changes", post(create_price_change))
        .route(
            "/admin/licences/{id}/fault-termination",
            post(super::terminations::terminate_for_fault),
        )
}

/// The provider, authenticated by the admin token.
pub struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let expected = state.admin_token.as_deref().ok_or(ApiError::NotFound)?;
        let given = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .unwrap_or_default();
        // Compared through their hashes, so the time taken says nothing about the token.
        match Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes()) {
            true => Ok(Admin),
            false => Err(ApiError::AdminUnauthorized),
        }
    }
}

fn invalid(field: &'static str, reason: impl Into<String>) -> ApiError {
    ApiError::PriceChangeInvalid {
        field,
        reason: reason.into(),
    }
}

/// `POST /api/admin/price-changes`: the provider announces an increase of one Call Plan, informed
/// on the server's today. `price_change.validate` decides whether it may apply on its effective
/// day (PRICE-4, PRICE-5); a refused notice changes nothing. When valid, its prices join the
/// price list from the effective day (PRICE-2).
async fn create_price_change(
    State(state): State<AppState>,
    _admin: Admin,
    Body(form): Body<PriceChangeForm>,
) -> Result<(StatusCode, Json<PriceChangeView>), ApiError> {
    let plan = price_changes::plan_by_code(&state.db, form.plan_code.trim())
        .await?
        .ok_or_else(|| {
            invalid(
                "plan_code",
                format!("There is no Call Plan “{}”.", form.plan_code),
            )
        })?;
    let informed_on = state.clock.today();
    let previous_indexation = match form.kind {
        NoticeKind::Indexed => price_changes::previous_indexation(&state.db, plan.id)
            .await?
            .map(|day| parse_day(&day))
            .transpose()?,
        NoticeKind::NonIndexed => None,
    };
    let check = validate_price_change(
        form.kind.with_previous(previous_indexation),
        informed_on,
        form.effective_on,
    )
    .map_err(|error| invalid("effective_on", error.to_string()))?;
    if !check.valid {
        let reason = match (form.kind, previous_indexation) {
            (NoticeKind::Indexed, Some(previous)) => format!(
                "Informed on {informed_on}, this indexation may apply from {} at the earliest: the Company must be informed at least one month before, and the previous indexation applied on {previous} (at most once per 12 months, GTCS 5.1).",
                check.min_effective
            ),
            _ => format!(
                "Informed on {informed_on}, this increase may apply from {} at the earliest: the Company must be informed at least one month before (GTCS 5.1).",
                check.min_effective
            ),
        };
        return Err(invalid("effective_on", reason));
    }
    let day_before = form
        .effective_on
        .checked_sub_days(Days::new(1))
        .ok_or_else(|| invalid("effective_on", "This day is out of the calendar."))?;
    let current = price_changes::prices_in_force(&state.db, plan.id, day_before).await?;
    let prices = new_prices(&form, &current)?;
    let notice = NewNotice {
        plan_id: plan.id,
        kind: form.kind.as_str(),
        informed_on,
        effective_on: form.effective_on,
        index_base: form.index_base.map(|index| index.to_string()),
        index_new: form.index_new.map(|index| index.to_string()),
        previous_indexation,
        prices,
    };
    let id = price_changes::create(&state.db, &notice, state.clock.now())
        .await
        .map_err(|error| match error {
            CreateNoticeError::PriceAlreadyScheduled => {
                ApiError::PriceAlreadyScheduled(form.effective_on)
            }
            CreateNoticeError::Database(error) => error.into(),
        })?;
    tracing::info!(notice_id = id, plan = %plan.code, effective_on = %form.effective_on, "price change announced");
    let record = price_changes::find(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("price change {id} vanished")))?;
    Ok((StatusCode::CREATED, Json(notice_view(&record)?)))
}

fn cents_of(money: Money, field: &'static str) -> Result<i64, ApiError> {
    domain::order::cents(money)
        .ok_or_else(|| invalid(field, format!("{money} is not a whole number of cents.")))
}

/// The prices the notice announces, each beside the price it replaces. A non-indexed increase
/// names its tiers, each of which must exist and go up (a reduction needs no notice, PRICE-3);
/// an indexation applies the index pair to every tier (PRICE-4, never down).
fn new_prices(form: &PriceChangeForm, current: &[PriceRow]) -> Result<Vec<ChangedPrice>, ApiError> {
    match form.kind {
        NoticeKind::Indexed => {
            let (Some(base), Some(new)) = (form.index_base, form.index_new) else {
                return Err(invalid(
                    "index_new",
                    "An indexation gives the index it starts from and the new index (index_base and index_new).",
                ));
            };
            if !form.prices.is_empty() {
                return Err(invalid(
                    "prices",
                    "An indexation computes its prices from the index: give no prices.",
                ));
            }
            if new <= base {
                return Err(invalid(
                    "index_new",
                    "The index did not go up: an indexation never lowers a price.",
                ));
            }
            current
                .iter()
                .map(|row| {
                    let old = Money::from_cents(row.unit_price_cents);
                    let indexed = apply_indexation(old, base, new)
                        .map_err(|error| invalid("index_new", error.to_string()))?;
                    Ok(ChangedPrice {
                        billing: row.billing.clone(),
                        min_quantity: row.min_quantity,
                        old_unit_price_cents: row.unit_price_cents,
                        unit_price_cents: cents_of(indexed, "index_new")?,
                    })
                })
                .collect()
        }
        NoticeKind::NonIndexed => {
            if form.prices.is_empty() {
                return Err(invalid("prices", "Give at least one new price."));
            }
            if form.index_base.is_some() || form.index_new.is_some() {
                return Err(invalid("index_new", "Only an indexation gives an index."));
            }
            let mut changed: Vec<ChangedPrice> = Vec::new();
            for price in &form.prices {
                let tier = format!("{} from {} Number(s)", price.billing, price.min_quantity);
                let Some(row) = current.iter().find(|row| {
                    row.billing == price.billing.as_str()
                        && row.min_quantity == i64::from(price.min_quantity)
                }) else {
                    return Err(invalid("prices", format!("The plan has no price {tier}.")));
                };
                if changed.iter().any(|seen| {
                    seen.billing == row.billing && seen.min_quantity == row.min_quantity
                }) {
                    return Err(invalid(
                        "prices",
                        format!("The price {tier} is given twice."),
                    ));
                }
                let cents = cents_of(price.unit_price, "prices")?;
                if cents <= row.unit_price_cents {
                    return Err(invalid(
                        "prices",
                        format!(
                            "The price {tier} does not go up (now {}): a reduction needs no notice (GTCS 5.1).",
                            Money::from_cents(row.unit_price_cents)
                        ),
                    ));
                }
                changed.push(ChangedPrice {
                    billing: row.billing.clone(),
                    min_quantity: row.min_quantity,
                    old_unit_price_cents: row.unit_price_cents,
                    unit_price_cents: cents,
                });
            }
            Ok(changed)
        }
    }
}
