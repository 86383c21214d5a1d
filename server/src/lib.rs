//! The Management Console's server: the HTTP API, persistence and the built app.
//! Start reading at [`app`], which wires the routes; `ARCHITECTURE.md` has the map.

pub mod api;
pub mod assets;
pub mod auth;
pub mod carrier;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod invoice_pdf;
pub mod mail;
pub mod payments;
pub mod proof_key;
pub mod realtime;
pub mod scheduler;
pub mod security;
pub mod services;
pub mod state;
pub mod store;
pub mod vies;

use std::sync::Arc;

use axum::{Router, middleware};
use tower_http::trace::TraceLayer;

use crate::assets::Assets;
use crate::clock::Clock;
use crate::config::Config;
use crate::db::{ConnectError, Database};
use crate::state::AppState;

/// The whole HTTP surface: `/api/…` and, for every other path, the app.
pub fn app(state: AppState) -> Router {
    Router::new()
        .nest(
            "/api",
            api::router()
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    auth::recent::forget_after_writes,
                ))
                .layer(middleware::from_fn(security::same_site_writes)),
        )
        .fallback(assets::serve)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::harden,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] ConnectError),
    #[error("cannot read the built app in {dir}: {source}")]
    Assets { dir: String, source: std::io::Error },
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
    #[error(transparent)]
    Mail(#[from] mail::MailConfigError),
    #[error(transparent)]
    ProofKey(#[from] proof_key::ProofKeyError),
    #[error("cannot add the operator: {0}")]
    Operator(#[from] services::operators::AddOperatorError),
    #[error("cannot read the export {path}: {source}")]
    Export {
        path: String,
        source: std::io::Error,
    },
}

/// Connects, migrates and loads the app: everything but listening.
pub async fn prepare(config: &Config) -> Result<AppState, StartError> {
    let db = Database::connect(&config.database_url()).await?;
    let assets = Assets::load(&config.dist_dir).map_err(|source| StartError::Assets {
        dir: config.dist_dir.display().to_string(),
        source,
    })?;
    let clock = match config.today {
        Some(today) => Clock::starting_on(today),
        None => Clock::system(),
    };
    let vies = vies_of(config).await?;
    let mut telephony =
        state::Telephony::simulated(&db, std::time::Duration::from_secs(config.ring_seconds))
            .await
            .map_err(|error| StartError::Database(ConnectError::Connect(error)))?;
    if let Some(name) = config
        .instance
        .as_deref()
        .filter(|name| !name.trim().is_empty())
    {
        telephony.instance = name.into();
    }
    let proof_key = proof_key::ProofKey::load_or_create(&config.proof_key_path())?;
    let webhook_secret = config
        .payment_webhook_secret
        .clone()
        .filter(|secret| !secret.trim().is_empty())
        .unwrap_or_else(|| {
            use rand::RngCore;
            let mut bytes = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            format!("whsec_{}", hex::encode(bytes))
        });
    let payments = payments::Payments::built_in(&db, &webhook_secret);
    Ok(AppState {
        telephony,
        recent_sessions: Arc::new(auth::recent::RecentSessions::new(db.backend)),
        db,
        clock,
        assets: Arc::new(assets),
        secure_cookies: config.secure_cookies,
        payments,
        demo_clock: config.demo_clock,
        vies,
        trusted_proxies: config.trusted_proxies.clone().into(),
        proof_key: Arc::new(proof_key),
        terms: Arc::new(api::terms_in_force()),
    })
}

/// VIES at `--vies-url`, or the local stand-in (issue 19).
async fn vies_of(config: &Config) -> Result<vies::Vies, StartError> {
    let timeout = std::time::Duration::from_millis(config.vies_timeout_ms);
    let requester = requester_country(&config.vies_requester)
        .and_then(|country| domain::vat::VatNumber::parse(&config.vies_requester, country).ok());
    if requester.is_none() {
        tracing::warn!(
            requester = %config.vies_requester,
            "the VIES requester is not a valid EU VAT number: answers will carry no consultation number"
        );
    }
    match config
        .vies_url
        .as_deref()
        .filter(|url| !url.trim().is_empty())
    {
        Some(url) => Ok(vies::Vies::rest(url, requester, timeout)),
        None => vies::Vies::stand_in(requester, timeout)
            .await
            .map_err(|source| StartError::Bind {
                address: "127.0.0.1:0 (the VIES stand-in)".into(),
                source,
            }),
    }
}

/// The member state of a VAT number by its prefix (`EL` is Greece).
fn requester_country(number: &str) -> Option<domain::country::CountryCode> {
    let prefix = number.get(..2)?.to_ascii_uppercase();
    let code = if prefix == "EL" {
        "GR"
    } else {
        prefix.as_str()
    };
    code.parse().ok()
}

/// Runs the server until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> Result<(), StartError> {
    let state = prepare(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|source| StartError::Bind {
            address: config.bind.to_string(),
            source,
        })?;
    tracing::info!(
        database = state.db.backend.name(),
        today = %state.clock.today(),
        files = state.assets.len(),
        "serving the console"
    );
    println!(
        "The Management Console is running at http://{}",
        config.bind
    );
    if state.demo_clock {
        follow_demo_clock(&state).await?;
    }
    scheduler::spawn(
        state.db.clone(),
        state.clock.clone(),
        state.vies.clone(),
        state.payments.clone(),
    );
    let public = state.proof_key.public();
    tracing::info!(
        public_key = %public,
        key_id = %public.key_id(),
        file = %config.proof_key_path().display(),
        "the proof log's checkpoints are signed with this Ed25519 key (hex)"
    );
    println!("The proof log is signed with the Ed25519 public key (hex) {public}");
    services::proof::spawn(
        state.db.clone(),
        Arc::clone(&state.proof_key),
        state.clock.clone(),
        std::time::Duration::from_secs(config.proof_checkpoint_seconds.max(1)),
    );
    let mailer = mail::Mailer::new(
        config.smtp_url.as_deref(),
        &config.mail_from,
        config.data_dir.join("mail"),
        &config.public_url(),
    )?;
    tracing::info!(to = %mailer.describe(), "emails are sent");
    mail::spawn_dispatcher(state.db.clone(), state.clock.clone(), Arc::new(mailer));
    services::calls::spawn_supervisor(state.clone());
    let app = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(StartError::Serve)
}

/// A demo server's clock follows the shift its database records (every instance of the demo
/// agrees on "today"): adopted at start, then read every second.
pub async fn follow_demo_clock(state: &AppState) -> Result<(), StartError> {
    let shift = store::demo_clock::adopt(&state.db, state.clock.shift_seconds())
        .await
        .map_err(|error| StartError::Database(ConnectError::Connect(error)))?;
    state.clock.set_shift_seconds(shift);
    let (db, clock) = (state.db.clone(), state.clock.clone());
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            match store::demo_clock::shift(&db).await {
                Ok(Some(shift)) => clock.set_shift_seconds(shift),
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "cannot read the demo clock"),
            }
        }
    });
    Ok(())
}

/// `server verify-proof`: prints whether the proof log is intact, its chains and their
/// signed checkpoints; `Ok(false)` when it is not. With `--export FILE`, verifies that exported
/// proof log alone, without the database.
pub async fn verify_proof(
    config: &Config,
    args: &config::VerifyProofArgs,
) -> Result<bool, StartError> {
    let given = args
        .public_key
        .as_deref()
        .map(proof_key::PublicKey::from_hex)
        .transpose()?;
    if let Some(path) = &args.export {
        return verify_proof_export(path, given.as_ref());
    }
    let key = match given {
        Some(key) => key,
        None => proof_key::ProofKey::load(&config.proof_key_path())?.public(),
    };
    let db = Database::connect(&config.database_url()).await?;
    let verification = store::audit::verify(&db, &key)
        .await
        .map_err(|error| StartError::Database(ConnectError::Connect(error)))?;
    println!("Signatures checked with the Ed25519 public key (hex) {key}.");
    println!("{verification}");
    Ok(verification.is_intact())
}

/// `server verify-proof --export FILE`: verifies an exported proof log without the database,
/// with `trusted` when given, else with the key the export carries (its id is printed, to be
/// compared with the provider's).
pub fn verify_proof_export(
    path: &std::path::Path,
    trusted: Option<&proof_key::PublicKey>,
) -> Result<bool, StartError> {
    let text = std::fs::read_to_string(path).map_err(|source| StartError::Export {
        path: path.display().to_string(),
        source,
    })?;
    let outcome = services::proof::parse_export(&text)
        .and_then(|export| services::proof::verify_export(&export, trusted).map(|v| (export, v)));
    match outcome {
        Ok((export, verification)) => {
            match trusted {
                Some(key) => println!("Signatures checked with the given public key {key}."),
                None => println!(
                    "Signatures checked with the export's own public key {} (key id {}): compare it with the one the provider publishes.",
                    export.public_key.hex, export.public_key.key_id
                ),
            }
            println!("{verification}");
            Ok(verification.is_intact())
        }
        Err(error) => {
            println!("The export cannot be verified: {error}.");
            Ok(false)
        }
    }
}

/// `server proof-key`: prints the public part of the proof signing key (creating the key when
/// absent).
/// `server operator add EMAIL --role ROLE` (issue 14): adds an operator and prints their
/// one-time set-up link.
pub async fn add_operator(
    config: &Config,
    email: &str,
    role: protocol::backoffice::OperatorRole,
) -> Result<bool, StartError> {
    let db = Database::connect(&config.database_url()).await?;
    let path = services::operators::add(&db, email, role, chrono::Utc::now()).await?;
    println!(
        "Operator {email} ({}) added. Their one-time set-up link, valid 3 days: {}{path}",
        role.as_str(),
        config.public_url()
    );
    Ok(true)
}

pub fn print_proof_key(config: &Config) -> Result<bool, StartError> {
    let path = config.proof_key_path();
    let public = proof_key::ProofKey::load_or_create(&path)?.public();
    println!("Ed25519 public key (hex): {public}");
    println!("Key id: {}", public.key_id());
    println!("Key file: {}", path.display());
    Ok(true)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
