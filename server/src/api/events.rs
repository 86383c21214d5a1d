//! `GET /api/app/events`: the WebApp's WebSocket. The server pushes [`AppEvent`]s (new messages,
//! delivery receipts, calls ringing or ending, WebRTC signalling); the app sends only signalling
//! ([`ClientEvent`]), relayed to the other side of a call the sender is part of.

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use protocol::webapp::ClientEvent;

use crate::auth::SignedIn;
use crate::state::AppState;
use crate::store::sessions::SessionUser;

pub fn routes() -> Router<AppState> {
    Router::new().route("/app/events", get(connect))
}

async fn connect(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade.on_upgrade(move |socket| serve(state, user, socket))
}

async fn serve(state: AppState, user: SessionUser, mut socket: WebSocket) {
    let mut subscription = state.telephony.hub.subscribe(user.user_id);
    loop {
        tokio::select! {
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
}
