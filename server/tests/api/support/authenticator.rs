//! The person's authenticator app, played by the `totp-rs` crate on its own (not the server's
//! code): the six digits it shows for a secret, now or a step (30 s) later.
#![allow(dead_code)] // the browser tests include this file too, and take what they need

use std::time::{SystemTime, UNIX_EPOCH};

use totp_rs::{Algorithm, Secret, TOTP};

/// The code the app shows `steps` steps of 30 s from now, for the base32 `secret` as the console
/// shows it (spaces allowed).
pub fn code(secret: &str, steps: i64) -> String {
    let compact: String = secret.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = Secret::Encoded(compact)
        .to_bytes()
        .expect("the console shows base32");
    let app = TOTP::new_unchecked(Algorithm::SHA1, 6, 1, 30, bytes, None, String::new());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    app.generate(now.saturating_add_signed(steps * 30))
}

/// A six-digit code that is not `code`.
pub fn wrong(code: &str) -> String {
    let value: u32 = code.parse().unwrap();
    format!("{:06}", (value + 1) % 1_000_000)
}
