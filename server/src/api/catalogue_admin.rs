//! The catalogue as data, in the provider's back office (issue 14, point 3), under
//! `/api/admin/catalogue/…`: any operator reads; administrators record general reductions
//! (PRICE-3), Credits rates (PRICE-6) and ranges of Numbers (NUM-1); billing (and
//! administrators) enter the consumer price index (PRICE-4). The late-payment rates of each
//! semester (LATE-1) keep their route (`late_rates`); increases keep theirs (`price_changes`).
//! Every write is checked by the same `domain` function the browser calls, and recorded in the
//! provider's chain of the proof log with the operator as its author.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::catalogue::{PriceList, number_range};
use domain::country::CountryCode;
use domain::credits::validate_rate;
use domain::indexation::{IndexForm, Month, index_pair};
use domain::price_change::{Increase, TierPrice, new_prices, reduced_prices};
use protocol::backoffice::BackOfficeAction;
use protocol::catalogue_admin::{
    CreditsRateForm, CreditsRateView, CreditsRates, IndexationPreview, IndexedPlan, PlanInForce,
    Pool, PriceIndexSeries, PriceListVersions, PriceVersion, RangeAdded, RangeForm, ReductionForm,
    ReductionView, VersionPrice,
};
use protocol::price_changes::{NewPrice, PriceLine};

use super::extract::Body;
use crate::auth::operator::Operator;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{catalogue, catalogue_admin, price_changes};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/catalogue/price-list", get(price_list))
        .route("/admin/catalogue/reductions", post(reduce))
        .route(
            "/admin/catalogue/price-index",
            get(price_index).post(enter_price_index),
        )
        .route(
            "/admin/catalogue/credits-rates",
            get(credits_rates).post(publish_credits_rate),
        )
        .route("/admin/catalogue/numbers", get(pool).post(add_numbers))
}

/// The prices of `plan_id` in force on a day, tier by tier, from the whole list.
fn tiers(list: &PriceList, plan_id: i64) -> Vec<VersionPrice> {
    list.prices
        .iter()
        .filter(|price| price.plan_id == plan_id)
        .map(|price| VersionPrice {
            billing: price.billing,
            min_quantity: price.min_quantity,
            unit_price: price.unit_price,
        })
        .collect()
}

/// `GET /api/admin/catalogue/price-list`: each plan's prices for a new Order today (PRICE-2),
/// and every version of the list, the latest first.
async fn price_list(
    State(state): State<AppState>,
    _operator: Operator,
) -> Result<Json<PriceListVersions>, ApiError> {
    let today = state.clock.today();
    let in_force = catalogue::price_list(&state.db).await?.in_force(today);
    let plans = in_force
        .plans
        .iter()
        .map(|plan| PlanInForce {
            code: plan.code.clone(),
            name: plan.name.clone(),
            prices: tiers(&in_force, plan.id),
        })
        .collect();
    let mut versions: Vec<PriceVersion> = Vec::new();
    for row in catalogue_admin::price_rows(&state.db).await? {
        let price = VersionPrice {
            billing: row.billing,
            min_quantity: row.min_quantity,
            unit_price: row.unit_price,
        };
        match versions.last_mut() {
            Some(version)
                if version.plan_code == row.plan_code
                    && version.effective_on == row.valid_from
                    && version.kind == row.kind =>
            {
                version.prices.push(price)
            }
            _ => versions.push(PriceVersion {
                plan_code: row.plan_code,
                effective_on: row.valid_from,
                kind: row.kind,
                prices: vec![price],
            }),
        }
    }
    Ok(Json(PriceListVersions {
        today,
        plans,
        versions,
    }))
}

/// `POST /api/admin/catalogue/reductions`: PRICE-3 (GTCS 5.1), a general reduction of one Call
/// Plan's prices, effective at once (the server's today) for new Orders; the Call Plans already
/// subscribed keep their prices (their renewals read the list without it). An increase is
/// refused: it needs a price-change notice (`POST /api/admin/price-changes`, PRICE-4, PRICE-5).
async fn reduce(
    State(state): State<AppState>,
    operator: Operator,
    Body(form): Body<ReductionForm>,
) -> Result<(StatusCode, Json<ReductionView>), ApiError> {
    operator.may(BackOfficeAction::ReducePrices)?;
    let plan = price_changes::plan_by_code(&state.db, form.plan_code.trim())
        .await?
        .ok_or_else(|| ApiError::PriceReductionInvalid {
            field: "plan_code",
            reason: format!("There is no Call Plan “{}”.", form.plan_code.trim()),
        })?;
    let today = state.clock.today();
    let current = price_changes::prices_in_force(&state.db, plan.id, today).await?;
    let given: Vec<TierPrice> = form.prices.iter().map(NewPrice::tier).collect();
    let changed = reduced_prices(&given, &current)?;
    let id = catalogue_admin::create_reduction(
        &state.db,
        (plan.id, &plan.code),
        operator.id(),
        today,
        &changed,
        state.clock.now(),
    )
    .await?;
    tracing::info!(reduction = id, plan = %plan.code, by = operator.id(), "general price reduction");
    Ok((
        StatusCode::CREATED,
        Json(ReductionView {
            id,
            plan_code: plan.code,
            effective_on: today,
            prices: changed.iter().map(price_line).collect(),
        }),
    ))
}

fn price_line(tier: &domain::price_change::ChangedTier) -> PriceLine {
    PriceLine {
        billing: tier.billing,
        min_quantity: tier.min_quantity,
        old_unit_price: tier.old_unit_price,
        unit_price: tier.unit_price,
    }
}

/// A month given in the query, or the problem with it.
fn month_in(query: &HashMap<String, String>, key: &str) -> Result<Option<Month>, ApiError> {
    match query
        .get(key)
        .map(|raw| raw.trim())
        .filter(|raw| !raw.is_empty())
    {
        None => Ok(None),
        Some(raw) => raw.parse().map(Some).map_err(|problem| {
            ApiError::Invalid(domain::field::FieldError {
                field: if key == "base" { "base" } else { "new" },
                problem: domain::field::Problem::Invalid(match problem {
                    domain::indexation::IndexEntryProblem::MonthFormat => {
                        "Give the month as YYYY-MM, e.g. 2026-03."
                    }
                    _ => "Give a month of the series.",
                }),
            })
        }),
    }
}

/// `GET /api/admin/catalogue/price-index?base=YYYY-MM&new=YYYY-MM`: the series (PRICE-4), the
/// next month it takes, and what an indexation from `base` to `new` would give each plan's
/// prices in force today (`indexation.apply`, through `price_change::new_prices`); by default
/// from the same month a year before the latest to the latest.
async fn price_index(
    State(state): State<AppState>,
    _operator: Operator,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<PriceIndexSeries>, ApiError> {
    let today = state.clock.today();
    let series = catalogue_admin::price_index_series(&state.db).await?;
    let latest = series.last().map(|entry| entry.month);
    let last_over = Month::of(today).previous();
    let next_month = match latest {
        Some(latest) if latest >= last_over => None,
        Some(latest) => Some(latest.next()),
        None => Some(last_over),
    };
    let new_month = month_in(&query, "new")?.or(latest);
    let base_month = month_in(&query, "base")?.or(new_month.map(Month::year_before));
    let indexation = match (base_month, new_month) {
        (Some(base_month), Some(new_month)) => match index_pair(&series, base_month, new_month) {
            Some((index_base, index_new)) => Some(
                preview(
                    &state,
                    (base_month, index_base),
                    (new_month, index_new),
                    today,
                )
                .await?,
            ),
            None => None,
        },
        _ => None,
    };
    Ok(Json(PriceIndexSeries {
        today,
        series,
        next_month,
        indexation,
    }))
}

/// PRICE-4: each plan's prices in force today, indexed from `base` to `new` (never down).
async fn preview(
    state: &AppState,
    (base_month, index_base): (Month, domain::price_change::PriceIndex),
    (new_month, index_new): (Month, domain::price_change::PriceIndex),
    today: chrono::NaiveDate,
) -> Result<IndexationPreview, ApiError> {
    let list = catalogue::price_list(&state.db).await?.in_force(today);
    let mut plans = Vec::new();
    let mut unchanged = None;
    for plan in &list.plans {
        let current: Vec<TierPrice> = tiers(&list, plan.id)
            .into_iter()
            .map(|tier| TierPrice {
                billing: tier.billing,
                min_quantity: tier.min_quantity,
                unit_price: tier.unit_price,
            })
            .collect();
        let increase = Increase::Indexed {
            index_base: Some(index_base),
            index_new: Some(index_new),
            prices: &[],
        };
        match new_prices(increase, &current) {
            Ok(changed) => plans.push(IndexedPlan {
                plan_code: plan.code.clone(),
                prices: changed.iter().map(price_line).collect(),
            }),
            Err(problem) => {
                unchanged = Some(problem.to_string());
                break;
            }
        }
    }
    if unchanged.is_some() {
        plans.clear();
    }
    Ok(IndexationPreview {
        base_month,
        new_month,
        index_base,
        index_new,
        plans,
        unchanged,
    })
}

/// `POST /api/admin/catalogue/price-index`: a month's index (PRICE-4), billing operators and
/// administrators: each month once, once it is over, in order without gaps (409 otherwise).
async fn enter_price_index(
    State(state): State<AppState>,
    operator: Operator,
    Body(form): Body<IndexForm>,
) -> Result<(StatusCode, Json<domain::indexation::IndexEntry>), ApiError> {
    operator.may(BackOfficeAction::EnterPriceIndex)?;
    let entry = catalogue_admin::enter_price_index(
        &state.db,
        &form,
        operator.id(),
        state.clock.today(),
        state.clock.now(),
    )
    .await?;
    tracing::info!(month = %entry.month, by = operator.id(), "price index entered");
    Ok((StatusCode::CREATED, Json(entry)))
}

async fn all_rates(state: &AppState) -> Result<CreditsRates, ApiError> {
    let today = state.clock.today();
    let rows = catalogue_admin::credits_rates(&state.db).await?;
    let mut rates: Vec<CreditsRateView> = Vec::with_capacity(rows.len());
    for row in rows {
        // The rows come by kind, class and prefix, the latest first: the first not after today
        // of its group is the one in force.
        let group_has_one = rates.iter().any(|rate| {
            rate.in_force
                && (
                    rate.kind.as_str(),
                    rate.class.as_str(),
                    rate.prefix.as_str(),
                ) == (row.kind.as_str(), row.class.as_str(), row.prefix.as_str())
        });
        rates.push(CreditsRateView {
            in_force: !group_has_one && row.valid_from <= today,
            kind: row.kind,
            class: row.class,
            prefix: row.prefix,
            price: domain::Money::from_cents(row.cents),
            valid_from: row.valid_from,
        });
    }
    Ok(CreditsRates { today, rates })
}

/// `GET /api/admin/catalogue/credits-rates`: every Credits rate (PRICE-6), and which is in force.
async fn credits_rates(
    State(state): State<AppState>,
    _operator: Operator,
) -> Result<Json<CreditsRates>, ApiError> {
    Ok(Json(all_rates(&state).await?))
}

/// `POST /api/admin/catalogue/credits-rates`: PRICE-6 (GTCS 5.1), a Credits rate published
/// from the server's today, for current Licences at once, up or down (administrators). A call
/// keeps the rate it was placed at.
async fn publish_credits_rate(
    State(state): State<AppState>,
    operator: Operator,
    Body(form): Body<CreditsRateForm>,
) -> Result<(StatusCode, Json<CreditsRates>), ApiError> {
    operator.may(BackOfficeAction::SetCreditsRates)?;
    let rate = validate_rate(&form)?;
    catalogue_admin::publish_credits_rate(
        &state.db,
        &rate,
        operator.id(),
        state.clock.today(),
        state.clock.now(),
    )
    .await?;
    tracing::info!(kind = rate.kind, class = rate.class, prefix = %rate.prefix, cents = rate.cents, "credits rate published");
    Ok((StatusCode::CREATED, Json(all_rates(&state).await?)))
}

/// The most free Numbers the pool page lists.
const FREE_LISTED: i64 = 100;

/// `GET /api/admin/catalogue/numbers?country=FR&contains=12`: the pool per country (free,
/// held), and the first free Numbers of `country` containing `contains`.
async fn pool(
    State(state): State<AppState>,
    _operator: Operator,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Pool>, ApiError> {
    let countries = catalogue_admin::pool(&state.db).await?;
    let country = match query
        .get("country")
        .map(|raw| raw.trim())
        .filter(|raw| !raw.is_empty())
    {
        None => None,
        Some(raw) => Some(raw.to_uppercase().parse::<CountryCode>().map_err(|_| {
            ApiError::Invalid(domain::field::FieldError {
                field: "country",
                problem: domain::field::Problem::Invalid("Give an ISO country code, e.g. FR."),
            })
        })?),
    };
    let digits: Option<String> = query
        .get("contains")
        .map(|raw| raw.chars().filter(char::is_ascii_digit).collect());
    let free_numbers = match country {
        Some(country) => {
            catalogue::available_numbers(&state.db, country, digits.as_deref(), FREE_LISTED)
                .await?
                .into_iter()
                .map(|number| number.e164)
                .collect()
        }
        None => Vec::new(),
    };
    Ok(Json(Pool {
        countries,
        free_numbers,
    }))
}

/// `POST /api/admin/catalogue/numbers`: NUM-1, a range of Numbers joins the pool of a country
/// (administrators): each a mobile number of that country, at most 10,000 at once; those the
/// pool holds already are skipped and counted.
async fn add_numbers(
    State(state): State<AppState>,
    operator: Operator,
    Body(form): Body<RangeForm>,
) -> Result<(StatusCode, Json<RangeAdded>), ApiError> {
    operator.may(BackOfficeAction::AddNumbers)?;
    let country: CountryCode = form
        .country
        .trim()
        .to_uppercase()
        .parse()
        .map_err(|_| domain::catalogue::RangeProblem::UnknownCountry)?;
    let numbers = number_range(country, &form.first, &form.last)?;
    let (added, skipped) = catalogue_admin::add_numbers(
        &state.db,
        country,
        &numbers,
        operator.id(),
        state.clock.now(),
    )
    .await?;
    tracing::info!(
        country = country.as_str(),
        added,
        skipped,
        by = operator.id(),
        "numbers added to the pool"
    );
    Ok((
        StatusCode::CREATED,
        Json(RangeAdded {
            country,
            added,
            skipped,
        }),
    ))
}
