//! Several server instances on one PostgreSQL (issue 17): a live event published by one reaches
//! the sockets another holds, in order, large ones by reference; a text sent through one
//! instance reaches a colleague whose WebApp is connected to the other; two instances running
//! the daily job at once process each day, and renew each Licence, once; and a call paid with
//! Credits whose instance stops renewing its lease is taken over by the other, which debits
//! each minute once.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use protocol::webapp::{AppEvent, Signal};
use serde_json::json;
use server::realtime::Hub;
use server::state::{AppState, Telephony};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::support::{
    Backend, Employees, TestApp, an_order, count_where, postgres_reachable, ready_company,
    signup_form, top_up,
};

/// A second instance of `app`'s server: the same database, its own hub and listener.
async fn second_instance(app: &TestApp) -> AppState {
    AppState {
        telephony: Telephony::simulated(&app.state.db, Duration::from_secs(30))
            .await
            .expect("the second instance's live events"),
        ..app.state.clone()
    }
}

fn offer(size: usize) -> AppEvent {
    AppEvent::Signal {
        call_id: 7,
        signal: Signal::Offer {
            sdp: "v".repeat(size),
        },
    }
}

async fn next(frames: &mut tokio::sync::mpsc::UnboundedReceiver<Arc<str>>) -> AppEvent {
    let frame = tokio::time::timeout(Duration::from_secs(5), frames.recv())
        .await
        .expect("an event within 5 s")
        .expect("the subscription stays open");
    serde_json::from_str(&frame).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_cross_instances_in_order_and_large_ones_by_reference() {
    if !postgres_reachable().await {
        return;
    }
    let app = TestApp::start(Backend::Postgres).await;
    let a = &app.state.telephony.hub;
    let b = Hub::for_database(&app.state.db).await.unwrap();
    let mut tab_on_a = a.subscribe(42);
    let mut tab_on_b = b.subscribe(42);
    let mut someone_else = b.subscribe(43);

    // Published on A, with one far beyond what a notification carries, and one on B: every
    // tab gets all five, A's in the order A published them.
    for size in [1, 2, 20_000, 3] {
        a.publish(42, &offer(size));
    }
    b.publish(42, &offer(4));
    for tab in [&mut tab_on_a, &mut tab_on_b] {
        let mut received = Vec::new();
        for _ in 0..5 {
            received.push(next(&mut tab.frames).await);
        }
        let from_b = received.iter().position(|event| *event == offer(4));
        received.remove(from_b.expect("B's event arrives too"));
        assert_eq!(received, [1, 2, 20_000, 3].map(offer));
    }
    assert!(someone_else.frames.try_recv().is_err());
    assert_eq!(
        app.count("live_events").await,
        1,
        "only the large one is stored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_text_sent_through_one_instance_reaches_a_colleague_on_the_other() {
    if !postgres_reachable().await {
        return;
    }
    let app = TestApp::start(Backend::Postgres).await;
    let Employees {
        mut alice,
        alice_number,
        bob,
        bob_id,
        bob_number,
        ..
    } = app.employees("BUSINESS").await;

    // Bob's WebApp is connected to instance B, over a real WebSocket.
    let instance_b = second_instance(&app).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = server::app(instance_b.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let mut request = format!("ws://{address}/api/app/events")
        .into_client_request()
        .unwrap();
    let cookie = format!("console_session={}", bob.session().unwrap());
    request
        .headers_mut()
        .insert("cookie", cookie.parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    for _ in 0..500 {
        if instance_b.telephony.hub.is_online(bob_id) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(!app.state.telephony.hub.is_online(bob_id), "not on A");

    // Alice texts him through instance A (the in-process app).
    let reply = alice
        .post_json(
            &format!("/api/app/numbers/{}/messages", alice_number.0),
            &json!({"to": bob_number.1, "body": "Across instances"}),
        )
        .await;
    assert_eq!(
        reply.status,
        axum::http::StatusCode::CREATED,
        "{}",
        reply.text()
    );
    let frame = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .expect("the text within 5 s")
        .expect("the socket stays open")
        .unwrap();
    let AppEvent::Message { message } = serde_json::from_str(frame.to_text().unwrap()).unwrap()
    else {
        panic!("expected a message: {frame:?}");
    };
    assert_eq!(message.body, "Across instances");
    assert_eq!(message.number_id, bob_number.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_run_each_day_once() {
    if !postgres_reachable().await {
        return;
    }
    let app = TestApp::start(Backend::Postgres).await;
    let mut manager = ready_company(&app, &signup_form()).await;
    an_order("BUSINESS")
        .numbers(3, "FR")
        .key("three")
        .place(&mut manager)
        .await;
    let instance_b = second_instance(&app).await;
    let invoices_before = app.count("invoices").await;

    // Two months later, both instances wake up at the same moment.
    app.state.clock.shift_by(chrono::TimeDelta::days(62));
    let (a, b) = tokio::join!(
        server::scheduler::catch_up(&app.state.db, &app.state.clock),
        server::scheduler::catch_up(&instance_b.db, &instance_b.clock),
    );
    let processed = |reports: &[server::store::scheduler::DayReport]| {
        reports.iter().filter(|report| report.processed).count()
    };
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(processed(&a) + processed(&b), a.len().max(b.len()));
    let days: i64 = count_where(&app, "SELECT COUNT(*) FROM scheduler_runs").await;
    let distinct: i64 = count_where(&app, "SELECT COUNT(DISTINCT day) FROM scheduler_runs").await;
    assert_eq!(days, distinct);
    // Monthly Licences renewed twice in 62 days: once per Licence per month, never twice.
    let renewals = app.count("invoices").await - invoices_before;
    let licences = app.count("licences").await;
    assert_eq!(
        renewals, 2,
        "one renewal invoice per month for the Company ({licences} Licences)"
    );
}

/// The lease holder of `call_id`.
async fn lease_owner(app: &TestApp, call_id: i64) -> Option<String> {
    sqlx::query_scalar("SELECT lease_owner FROM calls WHERE id = $1")
        .bind(call_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn billed_minutes(app: &TestApp, call_id: i64) -> i64 {
    sqlx::query_scalar("SELECT billed_minutes FROM calls WHERE id = $1")
        .bind(call_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credits_call_is_taken_over_when_its_instance_dies() {
    if !postgres_reachable().await {
        return;
    }
    let app = TestApp::start(Backend::Postgres).await;
    let mut team = app.employees("UNLIMITED").await;
    let reply = team
        .manager
        .post_json("/api/console/credits/top-ups", &top_up("5"))
        .await;
    assert_eq!(
        reply.status,
        axum::http::StatusCode::CREATED,
        "{}",
        reply.text()
    );
    // Instance A (the in-process app) places a call to Japan, EUR 0.60 a minute: connected at
    // once, its lease A's. A renews nothing from now on, as if it had died.
    let reply = team
        .alice
        .post_json(
            &format!("/api/app/numbers/{}/calls", team.alice_number.0),
            &json!({"to": "+81 3 1234 5678"}),
        )
        .await;
    let call = reply.json();
    assert_eq!(call["status"], "connected", "{call}");
    let call_id = call["id"].as_i64().unwrap();
    let a = app.state.telephony.instance.to_string();
    assert_eq!(
        lease_owner(&app, call_id).await.as_deref(),
        Some(a.as_str())
    );

    // Instance B's supervisor takes the call once A's lease has run out.
    let instance_b = second_instance(&app).await;
    let b = instance_b.telephony.instance.to_string();
    let supervisor = server::services::calls::spawn_supervisor(instance_b.clone());
    let started = std::time::Instant::now();
    while lease_owner(&app, call_id).await.as_deref() != Some(b.as_str()) {
        assert!(
            started.elapsed() < server::services::calls::LEASE + Duration::from_secs(5),
            "B never took the call over"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Three minutes later, B has debited three minutes, each once.
    app.state
        .clock
        .shift_by(chrono::TimeDelta::seconds(3 * 60 + 1));
    let started = std::time::Instant::now();
    while billed_minutes(&app, call_id).await < 3 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "B never debited the minutes"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(billed_minutes(&app, call_id).await, 3);
    let debits: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM credit_movements
         WHERE kind = 'debit'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(debits, -180, "three minutes at EUR 0.60, each debited once");
    // The fourth minute is reserved, and the call still runs, on B.
    let call: (String, Option<String>) =
        sqlx::query_as("SELECT status, lease_owner FROM calls WHERE id = $1")
            .bind(call_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(call, ("connected".to_owned(), Some(b)));
    supervisor.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_instance_of_a_demo_follows_its_clock_and_renews_once() {
    if !postgres_reachable().await {
        return;
    }
    let app = TestApp::options(Backend::Postgres)
        .demo_clock()
        .start()
        .await;
    let mut manager = ready_company(&app, &signup_form()).await;
    an_order("BUSINESS")
        .numbers(2, "FR")
        .key("two")
        .place(&mut manager)
        .await;
    // Instance B has a clock of its own, following the demo's through the database.
    let instance_b = AppState {
        clock: server::clock::Clock::system(),
        ..second_instance(&app).await
    };
    server::follow_demo_clock(&instance_b).await.unwrap();
    let invoices_before = app.count("invoices").await;

    // A month on, asked of instance A.
    let reply = manager
        .post_json("/api/admin/clock/advance", &json!({"days": 31}))
        .await;
    assert_eq!(reply.status, axum::http::StatusCode::OK, "{}", reply.text());
    let started = std::time::Instant::now();
    while instance_b.clock.today() != app.state.clock.today() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "B never followed the demo clock"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // B's daily run finds every day done: the Licences were renewed once.
    let reports = server::scheduler::catch_up(&instance_b.db, &instance_b.clock)
        .await
        .unwrap();
    assert!(
        reports.iter().all(|report| !report.processed),
        "{reports:?}"
    );
    assert_eq!(app.count("invoices").await - invoices_before, 1);
}
