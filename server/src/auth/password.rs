//! Passwords are stored as argon2id hashes (PHC strings). Hashing is slow by design, so it runs
//! on the blocking pool, never on the async workers, and at most half the machine's cores hash at
//! once: a flood of log-ins queues here while every other request is served.

use std::sync::LazyLock;

use tokio::sync::Semaphore;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::error::ApiError;

/// The hashings allowed at once.
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    Semaphore::new((cores / 2).max(1))
});

/// Runs `work` on the blocking pool once a hashing slot is free.
async fn bounded<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let _slot = HASHING
        .acquire()
        .await
        .map_err(|error| ApiError::Internal(format!("hashing slots: {error}")))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| ApiError::Internal(format!("hashing task: {error}")))
}

pub async fn hash(password: String) -> Result<String, ApiError> {
    bounded(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| ApiError::Internal(format!("hashing a password: {error}")))
    })
    .await?
}

/// A hash of no one's password, verified against when the email is unknown so that a wrong
/// email takes as long as a wrong password and the answer reveals nothing.
static DECOY: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(b"decoy password", &salt)
        .map(|hash| hash.to_string())
        .unwrap_or_default()
});

/// Checks `password` against `stored` (or against the decoy when there is no account).
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    bounded(move || {
        let exists = stored.is_some();
        let stored = stored.unwrap_or_else(|| DECOY.clone());
        let matches = PasswordHash::new(&stored)
            .map(|hash| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &hash)
                    .is_ok()
            })
            .unwrap_or(false);
        exists && matches
    })
    .await
}
