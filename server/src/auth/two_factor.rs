//! Two-factor authentication's codes: TOTP (RFC 6238 with the parameters every authenticator app
//! understands: HMAC-SHA-1, six digits, 30-second steps, one step of drift either way) and
//! recovery codes. Codes are checked against the real time, never the demo clock (`--today`):
//! the person's app knows only the real one.

use std::time::{SystemTime, UNIX_EPOCH};

use qrcode::QrCode;
use qrcode::render::svg;
use rand::Rng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, TOTP};

/// The name authenticator apps show beside the person's email.
const ISSUER: &str = "Numbers Console";
const DIGITS: usize = 6;
const STEP_SECONDS: u64 = 30;
/// Secrets are 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;
/// How many recovery codes a person gets at a time.
pub const RECOVERY_CODES: usize = 10;
/// Recovery codes use letters and digits that cannot be mistaken for one another.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// What a person typed where a code is asked, once spaces and dashes are dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    /// Six digits from the authenticator app.
    App(String),
    /// One of the recovery codes, as its hash is stored.
    Recovery(String),
}

impl Code {
    pub fn parse(typed: &str) -> Option<Code> {
        let compact: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_lowercase)
            .collect();
        if compact.len() == DIGITS && compact.bytes().all(|b| b.is_ascii_digit()) {
            Some(Code::App(compact))
        } else if compact.len() == 10 && compact.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)) {
            Some(Code::Recovery(recovery_hash(&compact)))
        } else {
            None
        }
    }
}

/// A person's authenticator: their secret and the name their app shows.
pub struct Authenticator(TOTP);

#[derive(Debug, thiserror::Error)]
pub enum AuthenticatorError {
    #[error("stored secret is not base32")]
    Secret,
    #[error("authenticator parameters: {0}")]
    Parameters(String),
}

impl Authenticator {
    /// A fresh random secret for `account` (the person's email).
    pub fn generate(account: &str) -> Result<Self, AuthenticatorError> {
        let mut secret = vec![0u8; SECRET_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        Self::with_secret(secret, account)
    }

    /// The authenticator of a secret stored as [`Authenticator::stored_secret`] gave it, to
    /// check codes.
    pub fn from_stored(stored: &str) -> Result<Self, AuthenticatorError> {
        let secret = Secret::Encoded(stored.to_owned())
            .to_bytes()
            .map_err(|_| AuthenticatorError::Secret)?;
        Ok(Authenticator(TOTP::new_unchecked(
            Algorithm::SHA1,
            DIGITS,
            1,
            STEP_SECONDS,
            secret,
            Some(ISSUER.to_owned()),
            String::new(),
        )))
    }

    /// As [`Authenticator::from_stored`], named for `account` in the app (for a set-up shown
    /// again).
    pub fn from_stored_for(stored: &str, account: &str) -> Result<Self, AuthenticatorError> {
        let secret = Secret::Encoded(stored.to_owned())
            .to_bytes()
            .map_err(|_| AuthenticatorError::Secret)?;
        Self::with_secret(secret, account)
    }

    fn with_secret(secret: Vec<u8>, account: &str) -> Result<Self, AuthenticatorError> {
        // The otpauth label may not hold a colon; emails never do, but be safe.
        let account = account.replace(':', "");
        TOTP::new(
            Algorithm::SHA1,
            DIGITS,
            1,
            STEP_SECONDS,
            secret,
            Some(ISSUER.to_owned()),
            account,
        )
        .map(Authenticator)
        .map_err(|error| AuthenticatorError::Parameters(error.to_string()))
    }

    /// The secret in base32, as stored.
    pub fn stored_secret(&self) -> String {
        self.0.get_secret_base32()
    }

    /// The secret in base32 in groups of four, for typing it by hand into an app.
    pub fn readable_secret(&self) -> String {
        let secret = self.stored_secret();
        let groups: Vec<&str> = secret
            .as_bytes()
            .chunks(4)
            .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
            .collect();
        groups.join(" ")
    }

    /// The `otpauth://totp/…` URI apps read from the QR code.
    pub fn uri(&self) -> String {
        self.0.get_url()
    }

    /// The URI as a QR code, an SVG document.
    pub fn qr_svg(&self) -> Result<String, AuthenticatorError> {
        let code = QrCode::new(self.uri().as_bytes())
            .map_err(|error| AuthenticatorError::Parameters(error.to_string()))?;
        Ok(code
            .render::<svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build())
    }

    /// The QR code as a `data:` URL, for an `<img>`.
    pub fn qr_data_url(&self) -> Result<String, AuthenticatorError> {
        use base64::Engine;
        Ok(format!(
            "data:image/svg+xml;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(self.qr_svg()?)
        ))
    }

    /// The time step of `code` if it is the code of the current step or a neighbour, and later
    /// than `after` (the last step accepted: a code works once).
    pub fn accepted_step(&self, code: &str, after: u64) -> Option<u64> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        self.accepted_step_at(code, now, after)
    }

    fn accepted_step_at(&self, code: &str, unix_seconds: u64, after: u64) -> Option<u64> {
        let current = unix_seconds / STEP_SECONDS;
        [current.saturating_sub(1), current, current + 1]
            .into_iter()
            .filter(|step| *step > after)
            .find(|step| same(&self.0.generate(step * STEP_SECONDS), code))
    }
}

/// Compares two codes in a time that does not depend on where they differ.
fn same(expected: &str, given: &str) -> bool {
    expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// New recovery codes, as shown to the person (`abcde-fghij`) with the hashes to store.
pub fn recovery_codes() -> Vec<(String, String)> {
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            let compact: String = (0..10)
                .map(|_| char::from(RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())]))
                .collect();
            let shown = format!("{}-{}", &compact[..5], &compact[5..]);
            (shown, recovery_hash(&compact))
        })
        .collect()
}

/// A recovery code's SHA-256: codes carry about 50 random bits and are throttled, so a fast
/// hash is enough to keep a leaked database from giving them away.
fn recovery_hash(compact: &str) -> String {
    hex::encode(Sha256::digest(compact.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_of_the_current_and_neighbouring_steps_are_accepted_once_each() {
        let authenticator = Authenticator::generate("ada@example.com").unwrap();
        let now = 1_800_000_000;
        let step = now / STEP_SECONDS;
        let code = |step: u64| authenticator.0.generate(step * STEP_SECONDS);
        assert_eq!(
            authenticator.accepted_step_at(&code(step), now, 0),
            Some(step)
        );
        assert_eq!(
            authenticator.accepted_step_at(&code(step - 1), now, 0),
            Some(step - 1)
        );
        assert_eq!(
            authenticator.accepted_step_at(&code(step + 1), now, 0),
            Some(step + 1)
        );
        assert_eq!(
            authenticator.accepted_step_at(&code(step - 2), now, 0),
            None
        );
        assert_eq!(
            authenticator.accepted_step_at(&code(step + 2), now, 0),
            None
        );
        // Once a step was accepted, neither it nor an earlier one works again.
        assert_eq!(authenticator.accepted_step_at(&code(step), now, step), None);
        assert_eq!(
            authenticator.accepted_step_at(&code(step - 1), now, step),
            None
        );
        assert_eq!(
            authenticator.accepted_step_at(&code(step + 1), now, step),
            Some(step + 1)
        );
    }

    #[test]
    fn a_stored_secret_gives_the_same_codes() {
        let first = Authenticator::generate("ada@example.com").unwrap();
        let again = Authenticator::from_stored(&first.stored_secret()).unwrap();
        assert_eq!(
            first.0.generate(1_800_000_000),
            again.0.generate(1_800_000_000)
        );
        assert_eq!(first.stored_secret().len(), 32);
        assert!(
            first
                .uri()
                .starts_with("otpauth://totp/Numbers%20Console:ada%40example.com?")
        );
        assert!(first.qr_svg().unwrap().contains("<svg"));
    }

    #[test]
    fn the_rfc_6238_vector_for_sha1() {
        // RFC 6238 appendix B: the 20-byte ASCII secret "12345678901234567890", at 59 s, gives
        // 94287082 in eight digits, so 287082 in six.
        let rfc = TOTP::new_unchecked(
            Algorithm::SHA1,
            DIGITS,
            1,
            STEP_SECONDS,
            b"12345678901234567890".to_vec(),
            None,
            String::new(),
        );
        let authenticator = Authenticator(rfc);
        assert_eq!(authenticator.accepted_step_at("287082", 59, 0), Some(1));
    }

    #[test]
    fn typed_codes_are_read_whatever_their_spacing() {
        assert_eq!(Code::parse(" 123 456 "), Some(Code::App("123456".into())));
        let (shown, hash) = &recovery_codes()[0];
        assert_eq!(
            Code::parse(&shown.to_uppercase()),
            Some(Code::Recovery(hash.clone()))
        );
        assert_eq!(Code::parse("12345"), None);
        assert_eq!(Code::parse("abcde-fghi1"), None);
        let codes = recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let distinct: std::collections::HashSet<_> = codes.iter().map(|(_, hash)| hash).collect();
        assert_eq!(distinct.len(), RECOVERY_CODES);
    }
}
