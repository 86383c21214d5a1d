//! The WebApp's live side: the app on a real port, and a WebSocket client of a signed-in User.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::{Client, TestApp};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The app on a real port, for WebSocket clients.
pub async fn listen(app: &TestApp) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = server::app(app.state.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    address
}

/// `client`'s WebSocket to `GET /api/app/events`, once the server has subscribed it.
pub async fn events(app: &TestApp, address: SocketAddr, client: &Client, user_id: i64) -> Socket {
    let mut request = format!("ws://{address}/api/app/events")
        .into_client_request()
        .unwrap();
    let cookie = format!("console_session={}", client.session().unwrap());
    request
        .headers_mut()
        .insert("cookie", cookie.parse().unwrap());
    let (socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    for _ in 0..500 {
        if app.state.telephony.hub.is_online(user_id) {
            return socket;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("user {user_id} never came online");
}
