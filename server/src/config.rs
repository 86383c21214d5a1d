//! Configuration from flags and environment variables (flags win).

use std::net::SocketAddr;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Parser;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "server",
    about = "The Management Console: API, database and the built app"
)]
pub struct Config {
    /// What to do instead of serving (nothing: serve).
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Address and port to listen on.
    #[arg(long, env = "CONSOLE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// `sqlite://path` or `postgres://...`; defaults to a SQLite file in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// Where the SQLite file (and later uploads) live; created when missing.
    #[arg(long, env = "CONSOLE_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// The built app (Trunk's output) to serve.
    #[arg(long, env = "CONSOLE_DIST_DIR", default_value = "dist")]
    pub dist_dir: PathBuf,

    /// Log filter, e.g. `info` or `server=debug,tower_http=debug`.
    #[arg(long, env = "CONSOLE_LOG", default_value = "info")]
    pub log: String,

    /// Pretend today is this date (Europe/Paris); time still flows from there. For demos and tests.
    #[arg(long, env = "CONSOLE_TODAY")]
    pub today: Option<NaiveDate>,

    /// Mark the session cookie `Secure` (set this when the console is served over https).
    #[arg(long, env = "CONSOLE_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,

    /// A demo or test server: enables `POST /api/admin/clock/advance {"days": N}`, which moves
    /// the server's date forward and runs the scheduler. Never on a real server.
    #[arg(long, env = "CONSOLE_DEMO_CLOCK", default_value_t = false)]
    pub demo_clock: bool,

    /// Where email is sent: `smtp://host:587?tls=required` (STARTTLS), `smtps://host:465` (TLS),
    /// with `user:password@` when needed. Without it, emails are written as `.eml` files under
    /// the data directory (`mail/`).
    #[arg(long, env = "CONSOLE_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// The sender of the product's emails.
    #[arg(
        long,
        env = "CONSOLE_MAIL_FROM",
        default_value = "Numbers Console <no-reply@localhost>"
    )]
    pub mail_from: String,

    /// The address people reach the console at, for the links in emails; by default
    /// `http://<bind>`.
    #[arg(long, env = "CONSOLE_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// How long a call between two hosted Numbers rings before it counts as missed.
    #[arg(long, env = "CONSOLE_RING_SECONDS", default_value_t = 30)]
    pub ring_seconds: u64,

    /// The base URL of VIES's REST API, asked about foreign EU VAT numbers (issue 19), e.g.
    /// `https://ec.europa.eu/taxation_customs/vies/rest-api`. Unset: a local stand-in speaking
    /// the same API, started by the server on a loopback port.
    #[arg(long, env = "CONSOLE_VIES_URL")]
    pub vies_url: Option<String>,

    /// How long to wait for VIES before the number stays pending (and invoices carry VAT).
    #[arg(long, env = "CONSOLE_VIES_TIMEOUT_MS", default_value_t = 5_000)]
    pub vies_timeout_ms: u64,

    /// The provider's VAT number, sent to VIES as the requester so that each answer carries a
    /// consultation number (proof of the check).
    #[arg(long, env = "CONSOLE_VIES_REQUESTER", default_value = "FR73832235253")]
    pub vies_requester: String,

    /// Addresses of the reverse proxies in front of the server (comma-separated), e.g. nginx's
    /// `127.0.0.1`: for a request from one of them, the client's address (what log-ins are
    /// throttled by) is read from `X-Forwarded-For`. Unset: the TCP peer is the client.
    #[arg(long, env = "CONSOLE_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// This instance's name among several sharing one PostgreSQL, stable across its restarts
    /// (e.g. `host-8081`), under which it holds the calls whose timers it runs: restarted, it
    /// resumes them at once. Unset: a random name (its calls are taken over after 5 s).
    #[arg(long, env = "CONSOLE_INSTANCE")]
    pub instance: Option<String>,

    /// The Ed25519 key file that signs the proof log's checkpoints (PROOF-1), kept out of the
    /// database; generated at first start when absent. Default: `<data dir>/proof-signing.key`.
    /// Every instance sharing one database must use the same file; keep a copy of it.
    #[arg(long, env = "CONSOLE_PROOF_KEY")]
    pub proof_key: Option<PathBuf>,

    /// The secret the payment provider signs its webhook events with (HMAC-SHA256, issue 13).
    /// Absent, each start draws a random one, which only the built-in provider knows (no
    /// well-known secret can sign an event); set the provider's on a real server.
    #[arg(long, env = "CONSOLE_PAYMENT_WEBHOOK_SECRET")]
    pub payment_webhook_secret: Option<String>,

    /// How often the proof log's chain heads that moved are signed.
    #[arg(long, env = "CONSOLE_PROOF_CHECKPOINT_SECONDS", default_value_t = 60)]
    pub proof_checkpoint_seconds: u64,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Checks the proof log (PROOF-1), its chains and their signed checkpoints, and reports the
    /// first entry or checkpoint that was altered; exits 1 then.
    VerifyProof(VerifyProofArgs),
    /// Prints the public part of the proof signing key (generated when absent), in hex.
    ProofKey,
    /// The provider's operators (issue 14).
    #[command(subcommand)]
    Operator(OperatorCommand),
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum OperatorCommand {
    /// Adds an operator and prints the one-time link where they set their password and their
    /// authenticator app (valid 3 days).
    Add {
        /// Their email, what they sign in with.
        email: String,
        /// `billing`, `support` or `administrator`.
        #[arg(long, value_parser = parse_role)]
        role: protocol::backoffice::OperatorRole,
    },
}

fn parse_role(raw: &str) -> Result<protocol::backoffice::OperatorRole, String> {
    protocol::backoffice::OperatorRole::parse(raw)
        .ok_or_else(|| format!("“{raw}” is not a role: billing, support or administrator"))
}

#[derive(Debug, Clone, clap::Args)]
pub struct VerifyProofArgs {
    /// Verify this exported proof log (`GET /api/console/activity/export`) alone, without the
    /// database.
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,

    /// The Ed25519 public key (64 hex digits, as `server proof-key` prints it) to check the
    /// signatures with. Default: the public part of `--proof-key`; for an export, the key it
    /// carries.
    #[arg(long, value_name = "HEX")]
    pub public_key: Option<String>,
}

impl Config {
    /// The address in the links of emails.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
    }

    /// The proof signing key's file: `--proof-key`, or `proof-signing.key` in the data directory.
    pub fn proof_key_path(&self) -> PathBuf {
        self.proof_key
            .clone()
            .unwrap_or_else(|| crate::proof_key::default_path(&self.data_dir))
    }

    /// The database to use: `DATABASE_URL`, or `data/console.db`.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("console.db").display()
            ),
        }
    }
}
