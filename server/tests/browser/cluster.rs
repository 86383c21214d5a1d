//! End to end at scale (issue 17): two instances of the server on one PostgreSQL behind nginx
//! (`deploy/nginx.conf`). A Manager signs up, orders and invites through nginx, whose requests
//! are spread over both instances; her live connection is upgraded through nginx too. Two
//! employees then use the WebApp, one on each instance: a text one sends reaches the other live,
//! and a call between them rings and connects with audio both ways. Then the instance running a
//! call paid with Credits is killed (SIGKILL): the other takes the call over and, a day later,
//! has debited exactly the minutes the Credits paid for and ended it. Restarted, the killed
//! instance follows the demo clock; a month on, with both up, each Licence renews once.

use crate::harness::Console;
use crate::harness::cluster::Cluster;
use crate::harness::postgres::postgres_reachable;
use crate::harness::team::{accept_terms_by_api, call_and_answer, employee, send, team};

#[tokio::test(flavor = "multi_thread")]
async fn a_text_crosses_instances_behind_nginx() {
    if !postgres_reachable().await {
        return;
    }
    let mut cluster = Cluster::start(2).await;
    let console = cluster.console().await;
    let team = team(&console).await;
    // Both instances served her: sessions, orders and emails are shared through the database.
    for instance in &cluster.instances {
        assert!(
            instance.log().contains("uri=/api/console/"),
            "instance {} served none of the Manager's requests",
            instance.port
        );
    }
    // nginx upgrades the WebApp's live connection (open to her once she accepted its terms).
    accept_terms_by_api(&team.manager).await;
    let opened = team
        .manager
        .until(
            "new Promise(resolve => { const socket = new WebSocket(`ws://${location.host}/api/app/events`); \
             socket.onopen = () => { socket.close(); resolve(true); }; socket.onerror = () => resolve(false); })",
            "a WebSocket through nginx",
        )
        .await;
    assert_eq!(opened, true);

    // Alice on the first instance, Bob on the second.
    let on = |n: usize| {
        Console::in_front_of(
            &format!("http://127.0.0.1:{}", cluster.instances[n].port),
            console.state.clone(),
        )
    };
    let alice = employee(&on(0), &team.alice_invitation).await;
    let bob = employee(&on(1), &team.bob_invitation).await;
    let (alice_number, alice_e164) = &team.alice_number;
    let (bob_number, bob_e164) = &team.bob_number;
    bob.goto(&format!("/app/numbers/{bob_number}/messages"))
        .await;
    bob.sees("No conversation yet.").await;
    alice
        .goto(&format!("/app/numbers/{alice_number}/messages"))
        .await;
    alice.click("New message").await;
    alice.fill("To", bob_e164).await;
    alice.fill("Message", "Lunch across instances?").await;
    alice.click("Send").await;
    alice.sees("Delivered").await;
    // Bob sees it without reloading: the event crossed from the first instance to the second.
    bob.sees("Lunch across instances?").await;
    bob.sees(alice_e164).await;

    // A call from Alice's instance rings on Bob's, and connects browser to browser.
    bob.goto(&format!("/app/numbers/{bob_number}/calls")).await;
    alice
        .goto(&format!("/app/numbers/{alice_number}/calls"))
        .await;
    call_and_answer(&alice, &bob, bob_e164).await;
    alice.click("Hang up").await;
    bob.until("window.webappPeer == null", "the call to close")
        .await;

    // A call to the UK paid with Credits (EUR 5.00 at EUR 0.25 a minute), run by Alice's
    // instance, which then dies.
    let (status, reply) = send(
        &team.manager,
        "POST",
        "/api/console/credits/top-ups",
        serde_json::json!({"amount": "5", "idempotency_key": "cluster-top-up"}),
    )
    .await;
    assert_eq!(status, 201, "{reply}");
    alice.fill("Number to call", "+44 20 7946 0958").await;
    // The top-up reached Alice's WebApp live, from whichever instance took it.
    alice.sees("EUR 0.25 per started minute").await;
    alice.click("Call").await;
    alice.sees("Connected").await;
    let db = &console.state.db.pool;
    let call_id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM calls")
        .fetch_one(db)
        .await
        .unwrap();
    let lease = || async {
        sqlx::query_scalar::<_, Option<String>>("SELECT lease_owner FROM calls WHERE id = $1")
            .bind(call_id)
            .fetch_one(db)
            .await
            .unwrap()
    };
    assert_eq!(lease().await.as_deref(), Some("instance-0"));
    cluster.kill(0);

    // The other instance takes it over within seconds.
    let started = std::time::Instant::now();
    while lease().await.as_deref() != Some("instance-1") {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(15),
            "the surviving instance never took the call over"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    // A day later (the demo clock, through nginx: the survivor answers), the Credits paid for
    // 20 minutes, debited once each, and the call ended when they ran out.
    let (status, reply) = send(
        &team.manager,
        "POST",
        "/api/admin/clock/advance",
        serde_json::json!({"days": 1}),
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    let started = std::time::Instant::now();
    let ended = loop {
        let call: (String, i64, i64) =
            sqlx::query_as("SELECT status, billed_minutes, credits_cents FROM calls WHERE id = $1")
                .bind(call_id)
                .fetch_one(db)
                .await
                .unwrap();
        if call.0 != "connected" {
            break call;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(15),
            "the call was never settled: {call:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    };
    assert_eq!(ended, ("ended".to_owned(), 20, 500));
    let debits: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM credit_movements
         WHERE kind = 'debit'",
    )
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!(debits, -500);

    // The killed instance restarts; a month later (asked through nginx, both instances up),
    // both agree on the date and each Licence was renewed once.
    cluster.restart(0);
    let (status, reply) = send(
        &team.manager,
        "POST",
        "/api/admin/clock/advance",
        serde_json::json!({"days": 31}),
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    let today = reply["today"].as_str().unwrap().to_owned();
    let started = std::time::Instant::now();
    while cluster.today_on(0) != today || cluster.today_on(1) != today {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the instances disagree on the date"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let (renewals, renewed, licences): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM invoices WHERE kind = 'renewal'),
                (SELECT COUNT(DISTINCT licence_id) FROM invoices WHERE kind = 'renewal'),
                (SELECT COUNT(*) FROM licences)",
    )
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!((renewals, renewed), (licences, licences));
    assert!(licences >= 2);
}
