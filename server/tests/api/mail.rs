//! Email for real (issue 12): the outbox sent over SMTP to a real SMTP server started here
//! (Debian's `python3-aiosmtpd`, which stores what it receives in a Maildir), and retried when
//! that server is down until it is back, delivered once. Without SMTP, `.eml` files.

use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::TimeDelta;
use serde_json::json;
use server::mail::{Mailer, dispatch_due};
use server::store::outbox;

use crate::support::{Backend, Client, TestApp, signup_form};

on_both_databases!(
    invitations_go_out_over_smtp_and_survive_a_server_down,
    without_smtp_emails_are_eml_files,
);

/// A real SMTP server on a free port, writing what it receives into a Maildir.
struct SmtpServer {
    maildir: PathBuf,
    child: Child,
}

impl SmtpServer {
    fn start(port: u16, maildir: &Path) -> SmtpServer {
        let child = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3-aiosmtpd (scripts/tools.sh --browser installs it)");
        let server = SmtpServer {
            maildir: maildir.to_owned(),
            child,
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the SMTP server did not start on port {port}");
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Every message received so far, as text (quoted-printable's soft line breaks joined).
    fn received(&self) -> Vec<String> {
        let folder = self.maildir.join("new");
        let Ok(entries) = std::fs::read_dir(&folder) else {
            return Vec::new();
        };
        entries
            .map(|entry| unfolded(&std::fs::read_to_string(entry.unwrap().path()).unwrap()))
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A message's text with quoted-printable's soft line breaks (`=` at a line's end) removed, as
/// a mail client shows it.
fn unfolded(raw: &str) -> String {
    raw.replace("=\r\n", "").replace("=\n", "")
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn invite(manager: &mut Client, first: &str, email: &str, mobile: &str) {
    let reply = manager
        .post_json(
            "/api/console/users",
            &json!({"first_name": first, "last_name": "Martin", "email": email,
                "mobile": mobile, "residence_country": "FR", "stable_links": []}),
        )
        .await;
    assert_eq!(
        reply.status,
        axum::http::StatusCode::CREATED,
        "{}",
        reply.text()
    );
}

async fn status_of(app: &TestApp, recipient: &str) -> (String, i64, Option<String>) {
    sqlx::query_as("SELECT status, attempts, last_error FROM outbox WHERE recipient = $1")
        .bind(recipient)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn invitations_go_out_over_smtp_and_survive_a_server_down(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, _) = app.signed_up(&signup_form()).await;
    let folder = tempfile::tempdir().unwrap();
    let port = free_port();
    let smtp = SmtpServer::start(port, &folder.path().join("maildir"));
    let mailer = Mailer::new(
        Some(&format!("smtp://127.0.0.1:{port}")),
        "Numbers Console <no-reply@console.example>",
        folder.path().join("unused"),
        "https://console.example",
    )
    .unwrap();

    invite(
        &mut manager,
        "Louis",
        "louis@martin.fr",
        "+33 6 50 00 00 03",
    )
    .await;
    assert_eq!(status_of(&app, "louis@martin.fr").await.0, "queued");
    let sent = dispatch_due(&app.state.db, &app.state.clock, &mailer)
        .await
        .unwrap();
    assert_eq!(sent, 1);
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    let message = &received[0];
    assert!(message.contains("To: louis@martin.fr"), "{message}");
    assert!(
        message.contains("From: \"Numbers Console\" <no-reply@console.example>")
            || message.contains("From: Numbers Console <no-reply@console.example>"),
        "{message}"
    );
    assert!(message.contains("Subject: Your invitation to"), "{message}");
    let link = app.emailed_link("louis@martin.fr", "/invitation/").await;
    assert!(
        message.contains(&format!("https://console.example{link}")),
        "the link is absolute: {message}"
    );
    assert_eq!(status_of(&app, "louis@martin.fr").await.0, "sent");
    // Sent once: nothing is due any more.
    assert_eq!(
        dispatch_due(&app.state.db, &app.state.clock, &mailer)
            .await
            .unwrap(),
        0
    );

    // The SMTP server goes down: the email stays queued, with why, and is tried again later.
    smtp.stop();
    invite(
        &mut manager,
        "Marie",
        "marie@martin.fr",
        "+33 6 50 00 00 04",
    )
    .await;
    assert_eq!(
        dispatch_due(&app.state.db, &app.state.clock, &mailer)
            .await
            .unwrap(),
        0
    );
    let (status, attempts, reason) = status_of(&app, "marie@martin.fr").await;
    assert_eq!((status.as_str(), attempts), ("queued", 1));
    assert!(reason.is_some_and(|reason| !reason.is_empty()));
    // Not before its wait.
    assert_eq!(
        dispatch_due(&app.state.db, &app.state.clock, &mailer)
            .await
            .unwrap(),
        0
    );

    // Back up (same port, same mailbox): after the wait it is delivered, once.
    let smtp = SmtpServer::start(port, &folder.path().join("maildir"));
    app.state
        .clock
        .shift_by(outbox::retry_after(1) + TimeDelta::seconds(1));
    assert_eq!(
        dispatch_due(&app.state.db, &app.state.clock, &mailer)
            .await
            .unwrap(),
        1
    );
    let received = smtp.received();
    assert_eq!(received.len(), 2);
    assert_eq!(
        received
            .iter()
            .filter(|message| message.contains("To: marie@martin.fr"))
            .count(),
        1
    );
    let (status, attempts, reason) = status_of(&app, "marie@martin.fr").await;
    assert_eq!((status.as_str(), attempts, reason), ("sent", 2, None));
    // The Manager sees that it went out.
    let outbox = manager.get("/api/console/outbox").await.json();
    let marie = outbox
        .as_array()
        .unwrap()
        .iter()
        .find(|email| email["recipient"] == "marie@martin.fr")
        .unwrap();
    assert_eq!(marie["status"], "sent");
    assert!(marie["sent_at"].is_string());
}

async fn without_smtp_emails_are_eml_files(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mut manager, _) = app.signed_up(&signup_form()).await;
    let folder = tempfile::tempdir().unwrap();
    let mail = folder.path().join("mail");
    let mailer = Mailer::new(
        None,
        "Numbers Console <no-reply@localhost>",
        mail.clone(),
        "http://127.0.0.1:8080",
    )
    .unwrap();
    invite(
        &mut manager,
        "Louis",
        "louis@martin.fr",
        "+33 6 50 00 00 03",
    )
    .await;
    assert_eq!(
        dispatch_due(&app.state.db, &app.state.clock, &mailer)
            .await
            .unwrap(),
        1
    );
    let files: Vec<PathBuf> = std::fs::read_dir(&mail)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].extension().unwrap(), "eml");
    let text = unfolded(&std::fs::read_to_string(&files[0]).unwrap());
    assert!(text.contains("To: louis@martin.fr"), "{text}");
    assert!(text.contains("http://127.0.0.1:8080/invitation/"), "{text}");
    assert_eq!(status_of(&app, "louis@martin.fr").await.0, "sent");
}
