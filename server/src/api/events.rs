//! `GET /api/app/events`: the WebApp's WebSocket. The server pushes [`AppEvent`]s (new messages,
//! delivery receipts, calls ringing or ending, WebRTC signalling); the app sends only signalling
//! ([`ClientEvent`]), relayed to the other side of a call the sender is part of. The session is
//! checked again every [`SESSION_CHECK`]: a socket outlives neither a log-out nor its session.

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use protocol::webapp::ClientEvent;

use crate::auth::{SignedIn, cookie};
use crate::state::AppState;
use crate::store::sessions::{self, SessionUser};

/// How often an open socket checks that its session still exists.
const SESSION_CHECK: Duration = Duration::from_secs(30);

pub fn routes() -> Router<AppState> {
    Router::new().route("/app/events", get(connect))
}

async fn connect(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    // `SignedIn` found the session, so the cookie is there.
    let token = cookie::session_token(&headers).unwrap_or_default();
    upgrade.on_upgrade(move |socket| serve(state, user, token, socket))
}

/// Whether the session of `token` still belongs to `user` (not logged out, not expired).
async fn still_signed_in(state: &AppState, user: &SessionUser, token: &str) -> bool {
    match sessions::find(&state.db, token, state.clock.now()).await {
        Ok(found) => found.is_some_and(|found| found.user_id == user.user_id),
        // A database hiccup does not end the socket; the next check decides.
        Err(error) => {
            tracing::warn!(%error, "cannot check a WebSocket's session");
            true
        }
    }
}

async fn serve(state: AppState, user: SessionUser, token: String, mut socket: WebSocket) {
    let mut subscription = state.telephony.hub.subscribe(user.user_id);
    tracing::info!(user_id = user.user_id, "live events connected");
    let mut session_check = tokio::time::interval(SESSION_CHECK);
    session_check.reset();
    loop {
        tokio::select! {
            _ = session_check.tick() => {
                if !still_signed_in(&state, &user, &token).await {
                    let _ = socket.send(Message::Close(None)).await;
                    break;
                }
            }
            frame = subscription.frames.recv() => {
                let Some(frame) = frame else { break };
                if socket.send(Message::Text(frame.as_ref().into())).await.is_err() {
                    break;
                }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => match serde_json::from_str::<ClientEvent>(&text) {
                    Ok(ClientEvent::Signal { call_id, signal }) => {
                        if let Err(error) = super::calls::relay_signal(&state, &user, call_id, signal).await {
                            tracing::debug!(%error, call_id, "signal not relayed");
                        }
                    }
                    Err(error) => tracing::debug!(%error, "an unreadable frame from the app"),
                },
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            }
        }
    }
    tracing::info!(user_id = user.user_id, "live events closed");
}
