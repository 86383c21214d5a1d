//! Sending email. Every email is first a row of the outbox (`store::outbox`), written with what it
//! tells; the dispatcher started here sends the rows that are due through one [`Mailer`]: over
//! SMTP (`--smtp-url`, STARTTLS or TLS) or, when none is configured, as `.eml` files under the
//! data folder so a person trying the product can open them. A failed attempt is retried with a
//! growing wait; a row is marked sent or failed with the reason, so nothing is lost across a
//! restart and nothing is sent twice by one dispatcher.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use lettre::message::Body;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};

use crate::clock::Clock;
use crate::db::Database;
use crate::store::outbox::{self, QueuedEmail};

/// Sends the product's emails from one sender, with links to one public address.
pub struct Mailer {
    via: Via,
    from: Mailbox,
    public_url: String,
}

/// How emails leave the server.
enum Via {
    /// Over SMTP.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// As `.eml` files in a folder (no SMTP configured).
    Files(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    #[error("the SMTP URL is not valid: {0}")]
    SmtpUrl(String),
    #[error("the sender address “{0}” is not an email address")]
    From(String),
}

/// Why an email was not sent, and whether trying again may help.
#[derive(Debug)]
struct NotSent {
    reason: String,
    permanent: bool,
}

impl Mailer {
    /// An SMTP mailer for `url` (`smtp://host:587?tls=required` for STARTTLS,
    /// `smtps://host:465` for TLS, `smtp://host:25` in the clear, with `user:password@` when the
    /// server wants it), or `.eml` files in `folder` without one.
    pub fn new(
        smtp_url: Option<&str>,
        from: &str,
        folder: PathBuf,
        public_url: &str,
    ) -> Result<Self, MailConfigError> {
        let from: Mailbox = from
            .parse()
            .map_err(|_| MailConfigError::From(from.to_owned()))?;
        let public_url = public_url.trim_end_matches('/').to_owned();
        let via = match smtp_url.map(str::trim).filter(|url| !url.is_empty()) {
            Some(url) => Via::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|error| MailConfigError::SmtpUrl(error.to_string()))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            ),
            None => Via::Files(folder),
        };
        Ok(Mailer {
            via,
            from,
            public_url,
        })
    }

    /// Where emails go, for the log.
    pub fn describe(&self) -> String {
        match &self.via {
            Via::Smtp(_) => "SMTP".to_owned(),
            Via::Files(folder) => format!(".eml files in {}", folder.display()),
        }
    }

    fn message(&self, email: &QueuedEmail) -> Result<Message, NotSent> {
        let to: Mailbox = email.recipient.parse().map_err(|_| NotSent {
            reason: format!("“{}” is not an email address", email.recipient),
            permanent: true,
        })?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&email.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(plain_text(absolute_links(&email.body, &self.public_url)))
            .map_err(|error| NotSent {
                reason: error.to_string(),
                permanent: true,
            })
    }

    async fn deliver(&self, email: &QueuedEmail) -> Result<(), NotSent> {
        let message = self.message(email)?;
        match &self.via {
            Via::Smtp(transport) => {
                transport.send(message).await.map(drop).map_err(|error| {
                    // A 5xx answer (unknown mailbox, refused sender) will not change by waiting.
                    NotSent {
                        permanent: error.is_permanent(),
                        reason: error.to_string(),
                    }
                })
            }
            Via::Files(folder) => {
                let path = folder.join(format!("{:06}.eml", email.id));
                let written = async {
                    tokio::fs::create_dir_all(folder).await?;
                    tokio::fs::write(&path, message.formatted()).await
                };
                written.await.map_err(|error| NotSent {
                    reason: format!("writing {}: {error}", path.display()),
                    permanent: false,
                })?;
                tracing::info!(path = %path.display(), to = %email.recipient, "email written");
                Ok(())
            }
        }
    }
}

/// The text with email's CRLF line ends (else quoted-printable would encode each bare LF);
/// lettre picks the encoding (quoted-printable for lines over 76 characters, such as links).
fn plain_text(text: String) -> Body {
    Body::new(text.replace("\r\n", "\n").replace('\n', "\r\n"))
}

/// The body with the product's own links (`/invitation/…`, written relative by whoever queued
/// the email) made absolute, so they can be followed from a mail client.
fn absolute_links(body: &str, public_url: &str) -> String {
    body.replace(" /invitation/", &format!(" {public_url}/invitation/"))
        .replace(
            " /password-reset/",
            &format!(" {public_url}/password-reset/"),
        )
}

/// How often the dispatcher looks for emails due (queued here or by another server, or due
/// again after a failure).
const POLL: Duration = Duration::from_secs(2);

/// Starts the dispatcher for the life of the server.
pub fn spawn_dispatcher(db: Database, clock: Clock, mailer: Arc<Mailer>) {
    tokio::spawn(async move {
        loop {
            if let Err(error) = dispatch_due(&db, &clock, &mailer).await {
                tracing::error!(%error, "the outbox could not be read; trying again shortly");
            }
            tokio::time::sleep(POLL).await;
        }
    });
}

/// Sends every email due now; how many went out.
pub async fn dispatch_due(
    db: &Database,
    clock: &Clock,
    mailer: &Mailer,
) -> Result<usize, sqlx::Error> {
    let mut delivered = 0;
    loop {
        let due = outbox::claim_due(db, clock.now(), 20).await?;
        if due.is_empty() {
            return Ok(delivered);
        }
        for email in &due {
            match mailer.deliver(email).await {
                Ok(()) => {
                    outbox::sent(db, email.id, clock.now()).await?;
                    delivered += 1;
                }
                Err(not_sent) => {
                    tracing::warn!(
                        email_id = email.id,
                        attempt = email.attempts + 1,
                        reason = %not_sent.reason,
                        "an email was not sent"
                    );
                    outbox::failed(db, email, &not_sent.reason, not_sent.permanent, clock.now())
                        .await?;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_products_links_become_absolute() {
        let body = "Choose your password with this link: /invitation/abc\nSee /elsewhere";
        assert_eq!(
            absolute_links(body, "https://console.example"),
            "Choose your password with this link: https://console.example/invitation/abc\nSee /elsewhere"
        );
    }
}
