//! Managers and Users (ACCESS-1..3): the console's user list and pages, the outbox, CSV imports,
//! and the invitation link with which a User sets a password.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use domain::signup::new_password;
use domain::user::validate_user;
use protocol::users::{
    AcceptInvitation, ImportReport, ImportRequest, Invitation, OutboxEmail, RoleChange,
    StatusChange, UserDetail, UserForm, UserRow, UserUpdated,
};

use super::extract::{Body, ClientAddress, PathId, PathParams};
use crate::auth::{Manager, cookie, password};
use crate::error::ApiError;
use crate::services::{sign_in, throttling};
use crate::state::AppState;
use crate::store::outbox::PERSONAL_LINKS;
use crate::store::users::{self, InvitationError};

/// The most rows one import may carry.
const IMPORT_MAX_ROWS: usize = 20_000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/users", get(list).post(create))
        .route("/console/users/import", post(import))
        .route("/console/users/{id}", get(one).put(update).delete(remove))
        .route("/console/users/{id}/role", put(role))
        .route("/console/users/{id}/status", put(status))
        .route("/console/users/{id}/invitation", post(reinvite))
        .route("/console/outbox", get(outbox))
        .route("/invitations/{token}", get(invitation).post(accept))
}

/// `GET /api/console/users`: every user of the Company, compact.
async fn list(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<Json<Vec<UserRow>>, ApiError> {
    Ok(Json(users::list(&state.db, manager.company_id).await?))
}

async fn one(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
) -> Result<Json<UserDetail>, ApiError> {
    users::get(&state.db, manager.company_id, id, &state.terms)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// `POST /api/console/users`: creates a User and emails them an invitation (to the outbox).
async fn create(
    State(state): State<AppState>,
    Manager(manager): Manager,
    Body(form): Body<UserForm>,
) -> Result<impl IntoResponse, ApiError> {
    let user = validate_user(&form)?;
    let (created, _token) = users::create(
        &state.db,
        manager.company_id,
        manager.user_id,
        &user,
        state.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn update(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
    Body(form): Body<UserForm>,
) -> Result<Json<UserUpdated>, ApiError> {
    // A foreign or missing id answers 404 before the form is judged.
    users::get(&state.db, manager.company_id, id, &state.terms)
        .await?
        .ok_or(ApiError::NotFound)?;
    let user = validate_user(&form)?;
    Ok(Json(
        users::update(
            &state.db,
            manager.company_id,
            manager.user_id,
            id,
            &user,
            state.clock.now(),
        )
        .await?,
    ))
}

async fn role(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
    Body(change): Body<RoleChange>,
) -> Result<Json<UserRow>, ApiError> {
    let now = state.clock.now();
    Ok(Json(
        users::set_role(
            &state.db,
            manager.company_id,
            manager.user_id,
            id,
            change.is_manager,
            now,
        )
        .await?,
    ))
}

async fn status(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
    Body(change): Body<StatusChange>,
) -> Result<Json<UserRow>, ApiError> {
    let now = state.clock.now();
    Ok(Json(
        users::set_status(
            &state.db,
            manager.company_id,
            manager.user_id,
            id,
            change.active,
            now,
        )
        .await?,
    ))
}

async fn remove(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
) -> Result<StatusCode, ApiError> {
    users::delete(
        &state.db,
        manager.company_id,
        manager.user_id,
        id,
        state.clock.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/console/users/{id}/invitation`: a new invitation email for the user.
async fn reinvite(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
) -> Result<StatusCode, ApiError> {
    users::reinvite(
        &state.db,
        manager.company_id,
        manager.user_id,
        id,
        state.clock.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/console/users/import`: every row checked again, then imported per the mode.
async fn import(
    State(state): State<AppState>,
    Manager(manager): Manager,
    Body(request): Body<ImportRequest>,
) -> Result<Json<ImportReport>, ApiError> {
    if request.rows.len() > IMPORT_MAX_ROWS {
        return Err(ApiError::ImportTooLarge(IMPORT_MAX_ROWS));
    }
    let now = state.clock.now();
    let report = users::import(
        &state.db,
        manager.company_id,
        manager.user_id,
        request.mode,
        &request.rows,
        now,
    )
    .await?;
    Ok(Json(report))
}

async fn outbox(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<Json<Vec<OutboxEmail>>, ApiError> {
    let emails = users::outbox(&state.db, manager.company_id).await?;
    Ok(Json(
        emails
            .into_iter()
            .map(|email| OutboxEmail {
                body: without_links(&email.body),
                ..email
            })
            .collect(),
    ))
}

/// An email's text as a Manager may read it: a personal link (an invitation's, a password
/// reset's) is the recipient's alone, so it is left out with the rest of its line.
fn without_links(body: &str) -> String {
    body.lines()
        .map(|line| {
            let personal = PERSONAL_LINKS
                .iter()
                .find_map(|link| line.split_once(&format!(" {link}")));
            match personal {
                Some((before, _token)) => {
                    format!("{before} (a personal link, sent to the recipient only)")
                }
                None => line.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `GET /api/invitations/{token}`: whom a valid invitation is for (no session needed).
async fn invitation(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    PathParams(token): PathParams<String>,
) -> Result<Json<Invitation>, ApiError> {
    Ok(Json(live_invitation(&state, &address, &token).await?))
}

/// The invitation `token` names, if it can be used; unknown links are throttled per address.
async fn live_invitation(
    state: &AppState,
    address: &str,
    token: &str,
) -> Result<Invitation, ApiError> {
    throttling::ensure_links_allowed(state, address).await?;
    let found = users::invitation(&state.db, token, state.clock.now()).await;
    if let Err(InvitationError::Unknown) = &found {
        throttling::unknown_link_tried(state, address).await?;
    }
    Ok(found?)
}

/// `POST /api/invitations/{token}`: sets the password, uses up the invitation and signs in.
async fn accept(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    PathParams(token): PathParams<String>,
    Body(form): Body<AcceptInvitation>,
) -> Result<impl IntoResponse, ApiError> {
    // Refuse a dead link before judging the password, so the person learns what matters.
    live_invitation(&state, &address, &token).await?;
    let chosen = new_password(&form.password).map_err(|problem| {
        ApiError::Invalid(domain::field::FieldError {
            field: "password",
            problem,
        })
    })?;
    let hash = password::hash(chosen).await?;
    let user_id = users::accept_invitation(&state.db, &token, &hash, state.clock.now()).await?;
    // A new account has no second factor yet: signed in at once.
    let (session, me) = sign_in::open_session(&state, user_id).await?;
    Ok(([cookie::set(&session, state.secure_cookies)], Json(me)))
}
