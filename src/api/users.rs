//! Managers and Users, the outbox and invitations.

use super::*;

pub async fn users() -> Result<Vec<protocol::users::UserRow>, ApiError> {
    get("/api/console/users").await
}

pub async fn user(id: i64) -> Result<protocol::users::UserDetail, ApiError> {
    get(&format!("/api/console/users/{id}")).await
}

pub async fn create_user(
    form: &protocol::users::UserForm,
) -> Result<protocol::users::UserRow, ApiError> {
    post("/api/console/users", form).await
}

pub async fn update_user(
    id: i64,
    form: &protocol::users::UserForm,
) -> Result<protocol::users::UserUpdated, ApiError> {
    put(&format!("/api/console/users/{id}"), form).await
}

pub async fn set_user_role(
    id: i64,
    is_manager: bool,
) -> Result<protocol::users::UserRow, ApiError> {
    put(
        &format!("/api/console/users/{id}/role"),
        &protocol::users::RoleChange { is_manager },
    )
    .await
}

pub async fn set_user_status(id: i64, active: bool) -> Result<protocol::users::UserRow, ApiError> {
    put(
        &format!("/api/console/users/{id}/status"),
        &protocol::users::StatusChange { active },
    )
    .await
}

pub async fn delete_user(id: i64) -> Result<(), ApiError> {
    without_answer(Request::delete(&format!("/api/console/users/{id}")).build()).await
}

pub async fn reinvite_user(id: i64) -> Result<(), ApiError> {
    without_answer(
        Request::post(&format!("/api/console/users/{id}/invitation")).json(&serde_json::json!({})),
    )
    .await
}

pub async fn import_users(
    request: &protocol::users::ImportRequest,
) -> Result<protocol::users::ImportReport, ApiError> {
    post("/api/console/users/import", request).await
}

pub async fn outbox() -> Result<Vec<protocol::users::OutboxEmail>, ApiError> {
    get("/api/console/outbox").await
}

pub async fn invitation(token: &str) -> Result<protocol::users::Invitation, ApiError> {
    get(&format!("/api/invitations/{token}")).await
}

pub async fn accept_invitation(token: &str, password: String) -> Result<Me, ApiError> {
    post(
        &format!("/api/invitations/{token}"),
        &protocol::users::AcceptInvitation { password },
    )
    .await
}
