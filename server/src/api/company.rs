//! The Company Account (ACCESS-4, PAY-2, PROMO-1): details, payment methods, promotion opt-out.
//! Every handler is scoped to the signed-in Manager's Company.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use domain::company_account::validate_company;
use domain::payment::validate_payment_method;
use protocol::company::{
    CompanyAccount, CompanyForm, PaymentMethodForm, PaymentMethodView, PromotionForm,
    TwoFactorPolicyForm, VatCheckView, ViesStatus,
};
use protocol::privacy::ProfileCorrections;

use super::extract::{Body, PathId};
use crate::auth::Manager;
use crate::error::ApiError;
use crate::services;
use crate::state::AppState;
use crate::store::vies::{self as store_vies, Occasion};
use crate::store::{company, stamp};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/company", get(show).put(update))
        .route("/console/company/payment-methods", post(add_payment_method))
        .route(
            "/console/company/payment-methods/{id}",
            delete(remove_payment_method),
        )
        .route(
            "/console/company/payment-methods/{id}/default",
            put(set_default_payment_method),
        )
        .route("/console/company/promotion", put(set_promotion))
        .route("/console/company/two-factor", put(set_two_factor_policy))
        .route(
            "/console/company/profile-corrections",
            put(set_profile_corrections),
        )
}

/// The whole Company Account as the page shows it, on the server's today.
async fn account(state: &AppState, company_id: i64) -> Result<CompanyAccount, ApiError> {
    let record = company::record(&state.db, company_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let today = state.clock.today();
    let methods = company::payment_methods(&state.db, company_id).await?;
    let default = company::default_payment_method(&state.db, company_id, today).await?;
    let payment_methods: Vec<PaymentMethodView> = methods
        .into_iter()
        .map(|record| PaymentMethodView {
            default: default == Some(record.id),
            id: record.id,
            kind: record.method.kind,
            valid: record.method.is_valid_on(today),
            label: record.method.label,
            last4: record.method.last4,
            valid_until: record.method.valid_until,
        })
        .collect();
    Ok(CompanyAccount {
        details: record.details,
        has_valid_payment_method: payment_methods.iter().any(|method| method.valid),
        payment_methods,
        promo_opt_out: record.promo_opt_out,
        managers_need_two_factor: record.managers_need_two_factor,
        users_correct_profile: record.users_correct_profile,
        vat_check: vat_check(state, company_id).await?,
        payment_default: crate::store::payment_defaults::standing_of(&state.db, company_id).await?,
    })
}

/// Issue 19: a foreign EU VAT number and VIES's latest answer about it.
async fn vat_check(state: &AppState, company_id: i64) -> Result<Option<VatCheckView>, ApiError> {
    let Some(number) = store_vies::foreign_number(&state.db, company_id).await? else {
        return Ok(None);
    };
    let latest = store_vies::latest(&state.db, company_id, number.as_str()).await?;
    let status = latest
        .as_ref()
        .map_or(ViesStatus::Pending, |consultation| consultation.status);
    let message = match latest
        .as_ref()
        .and_then(|consultation| consultation.problem.as_ref())
    {
        Some(problem) => format!("{} ({problem}.)", status.explanation()),
        None => status.explanation().to_owned(),
    };
    Ok(Some(VatCheckView {
        vat_number: number.to_string(),
        status,
        message,
        consulted_at: latest
            .as_ref()
            .map(|consultation| stamp(consultation.consulted_at)),
        request_identifier: latest
            .as_ref()
            .and_then(|consultation| consultation.request_identifier.clone()),
        trader_name: latest
            .as_ref()
            .and_then(|consultation| consultation.trader_name.clone()),
        trader_address: latest.and_then(|consultation| consultation.trader_address),
    }))
}

/// `GET /api/console/company`.
async fn show(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<Json<CompanyAccount>, ApiError> {
    Ok(Json(account(&state, manager.company_id).await?))
}

/// `PUT /api/console/company`: replaces the details, checked by the same rules as the form.
async fn update(
    State(state): State<AppState>,
    Manager(manager): Manager,
    Body(form): Body<CompanyForm>,
) -> Result<Json<CompanyAccount>, ApiError> {
    let details = validate_company(&form)?;
    let before = company::record(&state.db, manager.company_id)
        .await?
        .map(|record| record.details.vat_number);
    company::update_details(
        &state.db,
        manager.company_id,
        manager.user_id,
        &details,
        state.clock.now(),
    )
    .await?;
    // Issue 19: a foreign EU VAT number goes to VIES when it is saved, and again on each save
    // until VIES confirms it.
    if let Some(number) = store_vies::foreign_number(&state.db, manager.company_id).await? {
        let latest = store_vies::latest(&state.db, manager.company_id, number.as_str()).await?;
        let changed = before.as_deref() != Some(number.as_str());
        if changed || !latest.is_some_and(|consultation| consultation.status.confirmed()) {
            services::vies::consult(
                &state.db,
                &state.clock,
                &state.vies,
                manager.company_id,
                Some(manager.user_id),
                Occasion::Saved,
            )
            .await?;
        }
    }
    Ok(Json(account(&state, manager.company_id).await?))
}

/// `POST /api/console/company/payment-methods`: adds a method valid on the server's today.
async fn add_payment_method(
    State(state): State<AppState>,
    Manager(manager): Manager,
    Body(form): Body<PaymentMethodForm>,
) -> Result<(StatusCode, Json<CompanyAccount>), ApiError> {
    let method = validate_payment_method(&form, state.clock.today())?;
    // Issue 13: the provider's token stands for the method (never a card number).
    let token =
        state
            .payments
            .provider
            .tokenise(method.kind.as_str(), &method.label, &method.last4);
    company::add_payment_method(
        &state.db,
        manager.company_id,
        manager.user_id,
        &method,
        &token,
        state.clock.now(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(account(&state, manager.company_id).await?),
    ))
}

/// `DELETE /api/console/company/payment-methods/{id}`: PAY-2 refuses removing the last valid
/// method of a Company that has ordered. A foreign or unknown id is not found.
async fn remove_payment_method(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
) -> Result<Json<CompanyAccount>, ApiError> {
    company::remove_payment_method(
        &state.db,
        manager.company_id,
        manager.user_id,
        id,
        state.clock.today(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(account(&state, manager.company_id).await?))
}

/// `PUT /api/console/company/payment-methods/{id}/default`: the Company's invoices are collected
/// from this method from now on (issue 13): the next attempt of each unpaid invoice uses it. An
/// expired method is refused; a foreign or unknown id is not found.
async fn set_default_payment_method(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
) -> Result<Json<CompanyAccount>, ApiError> {
    company::set_default_payment_method(
        &state.db,
        manager.company_id,
        manager.user_id,
        id,
        state.clock.today(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(account(&state, manager.company_id).await?))
}

/// `PUT /api/console/company/promotion`: PROMO-1, the opt-out of promotional use.
async fn set_promotion(
    State(state): State<AppState>,
    Manager(manager): Manager,
    Body(form): Body<PromotionForm>,
) -> Result<Json<CompanyAccount>, ApiError> {
    company::set_promo_opt_out(
        &state.db,
        manager.company_id,
        manager.user_id,
        form.opt_out,
        state.clock.now(),
    )
    .await?;
    Ok(Json(account(&state, manager.company_id).await?))
}

/// `PUT /api/console/company/two-factor`: whether the Company's Managers must use two-factor
/// authentication; turning it on needs it on for the Manager asking.
async fn set_two_factor_policy(
    State(state): State<AppState>,
    Manager(manager): Manager,
    Body(form): Body<TwoFactorPolicyForm>,
) -> Result<Json<CompanyAccount>, ApiError> {
    company::set_two_factor_policy(
        &state.db,
        manager.company_id,
        manager.user_id,
        form.required,
        state.clock.now(),
    )
    .await?;
    Ok(Json(account(&state, manager.company_id).await?))
}

/// `PUT /api/console/company/profile-corrections`: whether the Company's Users may correct their
/// own names and mobile number (DATA-1, rectification).
async fn set_profile_corrections(
    State(state): State<AppState>,
    Manager(manager): Manager,
    Body(form): Body<ProfileCorrections>,
) -> Result<Json<CompanyAccount>, ApiError> {
    company::set_profile_corrections(
        &state.db,
        manager.company_id,
        manager.user_id,
        form.allowed,
        state.clock.now(),
    )
    .await?;
    Ok(Json(account(&state, manager.company_id).await?))
}
