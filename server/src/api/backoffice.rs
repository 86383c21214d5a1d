//! The provider's back office (issue 14): an operator's set-up through their one-time link
//! (`/api/backoffice/setup/{token}`), and their session (`/api/backoffice/session`: sign in with
//! password and authenticator code, who is signed in, sign out), on its own cookie; and the
//! queues of what waits for the provider (`/api/admin/queues/…`), for any operator.

use std::collections::HashMap;

use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::Money;
use domain::field::{FieldError, Problem};
use protocol::backoffice::{
    BackOfficeAction, CompanyDetail, CompanyItem, DisputeItem, LiabilityCap, NewOperator,
    OperatorAdded, OperatorItem, OperatorMe, OperatorSetup, OperatorSetupForm, OperatorSignIn,
    OverdueItem, ProofReport, RestitutionItem, UserFound, UserOutOfTerritory,
};

use super::extract::{Body, ClientAddress, PathId, PathParams};
use crate::auth::cookie;
use crate::auth::operator::Operator;
use crate::error::ApiError;
use crate::services::{operators, throttling};
use crate::state::AppState;
use crate::store::operators::{SESSION_LIFETIME, close_session};
use crate::store::{self, queues};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/backoffice/setup/{token}", get(setup).post(complete_setup))
        .route(
            "/backoffice/session",
            post(sign_in).get(signed_in).delete(sign_out),
        )
        .route("/admin/queues/overdue", get(overdue))
        .route("/admin/queues/disputes", get(disputes))
        .route("/admin/queues/restitution-claims", get(restitution_claims))
        .route("/admin/companies", get(companies))
        .route("/admin/companies/{id}", get(company))
        .route("/admin/companies/{id}/liability", get(liability))
        .route("/admin/companies/{id}/users", get(find_users))
        .route("/admin/operators", get(list_operators).post(add_operator))
        .route("/admin/proof", get(proof))
}

/// `GET /api/admin/queues/restitution-claims`: claims for restitution (DISPUTE-3), oldest first.
async fn restitution_claims(
    State(state): State<AppState>,
    _operator: Operator,
) -> Result<Json<Vec<RestitutionItem>>, ApiError> {
    Ok(Json(queues::restitution_claims(&state.db).await?))
}

/// `GET /api/admin/companies?q=`: the Companies whose name or registration number holds `q`.
async fn companies(
    State(state): State<AppState>,
    _operator: Operator,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Vec<CompanyItem>>, ApiError> {
    let q = query.get("q").map_or("", String::as_str);
    Ok(Json(queues::companies(&state.db, q).await?))
}

/// `GET /api/admin/companies/{id}`: one Company, with what the back office acts on.
async fn company(
    State(state): State<AppState>,
    _operator: Operator,
    PathId(id): PathId,
) -> Result<Json<CompanyDetail>, ApiError> {
    let company = queues::company(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let today = state.clock.today();
    let licences = store::licences::list(&state.db, id)
        .await?
        .iter()
        .map(|record| crate::services::licences::view(record, today))
        .collect::<Result<_, _>>()?;
    let mut invoices = store::invoices::list(&state.db, id).await?;
    super::late_payment::annotate_summaries(&state, &mut invoices).await?;
    let terminations = store::terminations::list(&state.db, id)
        .await?
        .iter()
        .map(super::terminations::view)
        .collect::<Result<_, _>>()?;
    Ok(Json(CompanyDetail {
        today,
        company,
        licences,
        invoices,
        terminations,
        unpaid_notice_sent_on: store::terminations::notice_sent(
            &state.db,
            id,
            domain::fault::FaultGround::Unpaid,
        )
        .await?,
        fault_notices: store::terminations::fault_notices(&state.db, id).await?,
        suspensions: store::suspensions::in_force(&state.db, id).await?,
        out_of_territory: store::users::out_of_territory_of_company(&state.db, id)
            .await?
            .into_iter()
            .map(|(user, numbers)| UserOutOfTerritory {
                user: found(user),
                numbers,
            })
            .collect(),
        activity: super::activity::page_of(&state, id, None).await?,
    }))
}

fn found(user: protocol::users::UserRow) -> UserFound {
    UserFound {
        name: format!("{} {}", user.first_name, user.last_name),
        id: user.id,
        email: user.email,
        is_manager: user.is_manager,
        active: user.active,
    }
}

/// `GET /api/admin/companies/{id}/users?q=`: at most 20 of the Company's Users whose name or
/// email contains the text, for a decision about one of them (a suspension, SUSP-1).
async fn find_users(
    State(state): State<AppState>,
    _operator: Operator,
    PathId(id): PathId,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Vec<UserFound>>, ApiError> {
    let text = query.get("q").map(String::as_str).unwrap_or("").trim();
    if text.chars().count() < 2 {
        return Err(ApiError::Invalid(FieldError {
            field: "q",
            problem: Problem::Invalid("Type at least two letters of the User's name or email."),
        }));
    }
    queues::company(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let users = store::users::search(&state.db, id, text).await?;
    Ok(Json(users.into_iter().map(found).collect()))
}

/// `GET /api/admin/companies/{id}/liability?on=YYYY-MM-DD`: the cap of the provider's
/// liability for a loss the Company claims on that day (LIAB-1), from the sums it paid.
async fn liability(
    State(state): State<AppState>,
    _operator: Operator,
    PathId(id): PathId,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<LiabilityCap>, ApiError> {
    let invalid = || {
        ApiError::Invalid(FieldError {
            field: "on",
            problem: Problem::Invalid("Give the day of the loss, as YYYY-MM-DD."),
        })
    };
    let loss_date: chrono::NaiveDate = query
        .get("on")
        .and_then(|raw| raw.trim().parse().ok())
        .ok_or_else(invalid)?;
    let received = queues::money_received(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let window_first_day = domain::liability::LIABILITY_WINDOW
        .before(loss_date)
        .ok_or_else(invalid)?;
    let cap = domain::liability::liability_cap(loss_date, &received)
        .ok()
        // In cents, as every amount is shown (an empty sum has no decimals).
        .and_then(domain::order::cents)
        .map(Money::from_cents)
        .ok_or_else(invalid)?;
    Ok(Json(LiabilityCap {
        loss_date,
        window_first_day,
        cap,
    }))
}

/// `GET /api/admin/operators`: the provider's operators, for administrators.
async fn list_operators(
    State(state): State<AppState>,
    operator: Operator,
) -> Result<Json<Vec<OperatorItem>>, ApiError> {
    operator.may(BackOfficeAction::ManageOperators)?;
    Ok(Json(store::operators::list(&state.db).await?))
}

/// `POST /api/admin/operators`: an administrator adds an operator; their one-time set-up link.
async fn add_operator(
    State(state): State<AppState>,
    operator: Operator,
    Body(form): Body<NewOperator>,
) -> Result<(StatusCode, Json<OperatorAdded>), ApiError> {
    operator.may(BackOfficeAction::ManageOperators)?;
    let setup_link = operators::add(&state.db, &form.email, form.role, chrono::Utc::now())
        .await
        .map_err(|error| match error {
            operators::AddOperatorError::Email(_) => ApiError::Invalid(FieldError {
                field: "email",
                problem: Problem::Invalid("Enter an email address, like name@provider.example."),
            }),
            operators::AddOperatorError::Add(store::operators::AddError::Taken) => {
                ApiError::Invalid(FieldError {
                    field: "email",
                    problem: Problem::Invalid("An operator with this email exists already."),
                })
            }
            other => ApiError::Internal(other.to_string()),
        })?;
    tracing::info!(by = operator.id(), email = %form.email, role = form.role.as_str(), "operator added");
    Ok((StatusCode::CREATED, Json(OperatorAdded { setup_link })))
}

/// `GET /api/admin/proof`: checks every Company's proof log and its signed checkpoints, as
/// `server verify-proof` does (PROOF-1).
async fn proof(
    State(state): State<AppState>,
    _operator: Operator,
) -> Result<Json<ProofReport>, ApiError> {
    let verification = store::audit::verify(&state.db, &state.proof_key.public()).await?;
    Ok(Json(ProofReport {
        intact: verification.is_intact(),
        report: verification.to_string(),
    }))
}

/// `GET /api/admin/queues/overdue`: overdue invoices, the longest overdue first, for any
/// operator.
async fn overdue(
    State(state): State<AppState>,
    _operator: Operator,
) -> Result<Json<Vec<OverdueItem>>, ApiError> {
    Ok(Json(queues::overdue(&state.db, state.clock.today()).await?))
}

/// `GET /api/admin/queues/disputes`: disputes waiting for a decision, the oldest first.
async fn disputes(
    State(state): State<AppState>,
    _operator: Operator,
) -> Result<Json<Vec<DisputeItem>>, ApiError> {
    Ok(Json(queues::open_disputes(&state.db).await?))
}

/// `GET /api/backoffice/setup/{token}`: the authenticator to set up. Unknown links count
/// against the client's address, as Users' personal links do.
async fn setup(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    PathParams(token): PathParams<String>,
) -> Result<Json<OperatorSetup>, ApiError> {
    throttling::ensure_links_allowed(&state, &address).await?;
    match operators::setup(&state, &token).await {
        Err(ApiError::OperatorSetupLinkInvalid) => {
            throttling::unknown_link_tried(&state, &address).await?;
            Err(ApiError::OperatorSetupLinkInvalid)
        }
        other => other.map(Json),
    }
}

/// `POST /api/backoffice/setup/{token}`: the operator's password and first code.
async fn complete_setup(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    PathParams(token): PathParams<String>,
    Body(form): Body<OperatorSetupForm>,
) -> Result<StatusCode, ApiError> {
    throttling::ensure_links_allowed(&state, &address).await?;
    match operators::complete_setup(&state, &token, form).await {
        Err(ApiError::OperatorSetupLinkInvalid) => {
            throttling::unknown_link_tried(&state, &address).await?;
            Err(ApiError::OperatorSetupLinkInvalid)
        }
        other => other.map(|()| StatusCode::NO_CONTENT),
    }
}

/// `POST /api/backoffice/session`: signs an operator in; the back office's cookie.
async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Body(form): Body<OperatorSignIn>,
) -> Result<impl IntoResponse, ApiError> {
    let (token, me) = operators::sign_in(&state, &address, &form).await?;
    Ok((
        [cookie::set_named(
            cookie::OPERATOR,
            &token,
            SESSION_LIFETIME.num_seconds(),
            state.secure_cookies,
        )],
        Json(me),
    ))
}

/// `GET /api/backoffice/session`: the signed-in operator.
async fn signed_in(Operator(me): Operator) -> Json<OperatorMe> {
    Json(me)
}

/// `DELETE /api/backoffice/session`: signs out (the session ends on the server too).
async fn sign_out(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    if let Some(token) = cookie::token_named(&headers, cookie::OPERATOR) {
        close_session(&state.db, &token).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [cookie::set_named(
            cookie::OPERATOR,
            "",
            0,
            state.secure_cookies,
        )],
    ))
}
