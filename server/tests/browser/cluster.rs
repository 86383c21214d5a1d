//! End to end at scale (issue 17): two instances of the server on one PostgreSQL behind nginx
//! (`deploy/nginx.conf`). A Manager signs up, orders and invites through nginx, whose requests
//! are spread over both instances; her live connection is upgraded through nginx too. Two
//! employees then use the WebApp, one on each instance: a text one sends reaches the other live.

use crate::harness::Console;
use crate::harness::cluster::Cluster;
use crate::harness::postgres::postgres_reachable;
use crate::harness::team::{employee, team};

#[tokio::test(flavor = "multi_thread")]
async fn a_text_crosses_instances_behind_nginx() {
    if !postgres_reachable().await {
        return;
    }
    let cluster = Cluster::start(2).await;
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
    // nginx upgrades the WebApp's live connection.
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
}
