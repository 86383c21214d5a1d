//! Issue 15, the rights of access and portability (DATA-1, GTCS 9): each person downloads
//! everything the product holds about them (`GET /api/me/data-export`, anyone signed in, even a
//! Manager still to turn on two-factor authentication), and a Manager downloads the whole
//! Company's data (`GET /api/console/company/export`). The archives are built in
//! `services::export`.

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::auth::{Manager, OwnAccount};
use crate::error::ApiError;
use crate::services::export;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/data-export", get(my_data))
        .route("/console/company/export", get(company_data))
}

/// A ZIP archive served as a download named `name`.
fn zip_download(name: String, bytes: Vec<u8>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
}

/// `GET /api/me/data-export`: the signed-in person's data, `my-data-YYYY-MM-DD.zip`.
async fn my_data(
    State(state): State<AppState>,
    OwnAccount(user): OwnAccount,
) -> Result<impl IntoResponse, ApiError> {
    let bytes = export::my_data(&state.db, user.user_id, state.clock.now()).await?;
    tracing::info!(user_id = user.user_id, "personal data exported");
    Ok(zip_download(
        export::file_name("my-data", state.clock.today()),
        bytes,
    ))
}

/// `GET /api/console/company/export`: the Company's data, `company-data-YYYY-MM-DD.zip`.
async fn company_data(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<impl IntoResponse, ApiError> {
    let bytes = export::company_data(
        &state.db,
        &state.proof_key,
        manager.company_id,
        state.clock.today(),
        state.clock.now(),
    )
    .await?;
    tracing::info!(
        company_id = manager.company_id,
        user_id = manager.user_id,
        "company data exported"
    );
    Ok(zip_download(
        export::file_name("company-data", state.clock.today()),
        bytes,
    ))
}
