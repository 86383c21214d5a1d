//! Data rights (DATA-1): a person's requests and profile, the Company's requests for Managers, and where
//! the data archives download.

use protocol::privacy::{DataRequest, DataRequestAnswer, DataRequestForm, Profile};

use super::*;

pub async fn own_data_requests() -> Result<Vec<DataRequest>, ApiError> {
    get("/api/me/data-requests").await
}

pub async fn open_data_request(form: &DataRequestForm) -> Result<DataRequest, ApiError> {
    post("/api/me/data-requests", form).await
}

pub async fn profile() -> Result<Profile, ApiError> {
    get("/api/me/profile").await
}

pub async fn correct_profile(form: &domain::user::ProfileForm) -> Result<Profile, ApiError> {
    put("/api/me/profile", form).await
}

pub async fn company_data_requests() -> Result<Vec<DataRequest>, ApiError> {
    get("/api/console/data-requests").await
}

pub async fn answer_data_request(
    id: i64,
    answer: &DataRequestAnswer,
) -> Result<DataRequest, ApiError> {
    post(&format!("/api/console/data-requests/{id}/answer"), answer).await
}

pub async fn set_profile_corrections(
    allowed: bool,
) -> Result<protocol::company::CompanyAccount, ApiError> {
    put(
        "/api/console/company/profile-corrections",
        &protocol::privacy::ProfileCorrections { allowed },
    )
    .await
}

/// `GET`: the signed-in person's data as a ZIP archive (anyone signed in), a download the browser
/// follows with the session cookie (`<a href=… download>`).
pub const MY_DATA_EXPORT: &str = "/api/me/data-export";
/// `GET`: the whole Company's data as a ZIP archive (Managers only).
pub const COMPANY_DATA_EXPORT: &str = "/api/console/company/export";
