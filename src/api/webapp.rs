//! The WebApp's home, conversations and messages (`/api/app/…`): only the signed-in User's own
//! Numbers, whoever they are (Managers included).

use protocol::webapp::{AppHome, AttachmentView, ConversationSummary, MessageView, SendMessage};
use web_sys::File;
use web_sys::js_sys::encode_uri_component;

use super::*;

/// The User's Numbers with their usage, the Company's Credits and any suspension (SUSP-1).
pub async fn app_home() -> Result<AppHome, ApiError> {
    get("/api/app/home").await
}

/// One line per correspondent of the User's Number `number_id`, latest first.
pub async fn conversations(number_id: i64) -> Result<Vec<ConversationSummary>, ApiError> {
    get(&format!("/api/app/numbers/{number_id}/conversations")).await
}

/// The messages exchanged with `correspondent` (E.164), which the server then counts as read.
pub async fn conversation(
    number_id: i64,
    correspondent: &str,
) -> Result<Vec<MessageView>, ApiError> {
    let correspondent = String::from(encode_uri_component(correspondent));
    get(&format!(
        "/api/app/numbers/{number_id}/conversations/{correspondent}"
    ))
    .await
}

/// Sends an SMS, or an MMS when `message.attachment_id` names an uploaded image.
pub async fn send_message(number_id: i64, message: &SendMessage) -> Result<MessageView, ApiError> {
    post(&format!("/api/app/numbers/{number_id}/messages"), message).await
}

/// Uploads an MMS image as its raw bytes with its type; send it next with its id.
pub async fn upload_attachment(number_id: i64, image: &File) -> Result<AttachmentView, ApiError> {
    let request = Request::post(&format!("/api/app/numbers/{number_id}/attachments"))
        .header("Content-Type", &image.type_())
        .body(image.clone());
    read(request).await
}

/// Where the browser shows an MMS image from.
pub fn attachment_url(attachment_id: i64) -> String {
    format!("/api/app/attachments/{attachment_id}")
}
