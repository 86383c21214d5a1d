//! PROOF-1: the Ed25519 key that signs the proof log's checkpoints. It lives in a file of the
//! server's data folder (`--proof-key`, by default `<data dir>/proof-signing.key`), never in the
//! database: someone who can rewrite the database cannot sign a rewritten chain.
//!
//! The file holds the 32-byte secret seed as 64 hex digits and a newline, mode 0600. It is
//! generated at first start when absent; every instance sharing one database must use the same
//! file (copy it), and it must be kept (backed up) as long as the proof log is: checkpoints
//! signed by a lost key can no longer be told from forged ones.

use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// The key file's name in the data folder.
pub const DEFAULT_FILE: &str = "proof-signing.key";

#[derive(Debug, thiserror::Error)]
pub enum ProofKeyError {
    #[error("cannot read the proof signing key {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write the proof signing key {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the proof signing key {path} is not 64 hex digits (an Ed25519 secret key); it was not replaced"
    )]
    Malformed { path: String },
    #[error("“{0}” is not an Ed25519 public key written as 64 hex digits")]
    BadPublicKey(String),
}

/// The signing key (its secret part stays in this process and its file).
pub struct ProofKey {
    signing: SigningKey,
}

impl std::fmt::Debug for ProofKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ProofKey")
            .field("public", &self.public().hex())
            .finish_non_exhaustive()
    }
}

impl ProofKey {
    /// A new random key, held in memory only.
    pub fn generate() -> Self {
        ProofKey {
            signing: SigningKey::generate(&mut rand::rngs::OsRng),
        }
    }

    /// The key in `path`, or a new one written there (mode 0600) when the file does not exist.
    /// Two processes starting at once end up with the same key: the file appears whole or not
    /// at all (written aside, then linked into place without replacing anything).
    pub fn load_or_create(path: &Path) -> Result<Self, ProofKeyError> {
        match Self::load(path) {
            Ok(key) => return Ok(key),
            Err(ProofKeyError::Read { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(error),
        }
        let key = Self::generate();
        let write_error = |source| ProofKeyError::Write {
            path: path.display().to_string(),
            source,
        };
        if let Some(folder) = path
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty())
        {
            std::fs::create_dir_all(folder).map_err(write_error)?;
        }
        let aside = aside_path(path);
        write_secret(&aside, &hex::encode(key.signing.to_bytes())).map_err(write_error)?;
        let linked = std::fs::hard_link(&aside, path);
        let _ = std::fs::remove_file(&aside);
        match linked {
            Ok(()) => Ok(key),
            // Another process wrote it first: use theirs.
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Self::load(path),
            Err(error) => Err(write_error(error)),
        }
    }

    /// The key in `path`; an error when it is missing or malformed.
    pub fn load(path: &Path) -> Result<Self, ProofKeyError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProofKeyError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let malformed = || ProofKeyError::Malformed {
            path: path.display().to_string(),
        };
        let bytes: [u8; 32] = hex::decode(text.trim())
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(malformed)?;
        Ok(ProofKey {
            signing: SigningKey::from_bytes(&bytes),
        })
    }

    /// Its public part, which verifies what it signs.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.signing.verifying_key())
    }

    /// The signature of `message`, as 128 hex digits.
    pub fn sign(&self, message: &[u8]) -> String {
        hex::encode(self.signing.sign(message).to_bytes())
    }
}

/// `<data dir>/proof-signing.key`.
pub fn default_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DEFAULT_FILE)
}

/// Where a new key is written before it is linked into place.
fn aside_path(path: &Path) -> PathBuf {
    let mut random = [0u8; 8];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut random);
    let name = format!(
        ".{}.{}.new",
        path.file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| DEFAULT_FILE.to_owned()),
        hex::encode(random)
    );
    path.with_file_name(name)
}

/// Writes `hex` and a newline to a new file only its owner can read.
fn write_secret(path: &Path, hex: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(format!("{hex}\n").as_bytes())?;
    file.sync_all()
}

/// An Ed25519 public key: what verifies the checkpoints, printable and exportable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Its 32 bytes as 64 hex digits.
    pub fn hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    /// Reads 64 hex digits.
    pub fn from_hex(text: &str) -> Result<Self, ProofKeyError> {
        let bad = || ProofKeyError::BadPublicKey(text.to_owned());
        let bytes: [u8; 32] = hex::decode(text.trim())
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(bad)?;
        VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|_| bad())
    }

    /// Its fingerprint, which checkpoints name their key by: the first 16 hex digits of the
    /// SHA-256 of its 32 bytes.
    pub fn key_id(&self) -> String {
        let digest = Sha256::digest(self.0.to_bytes());
        hex::encode(&digest[..8])
    }

    /// Whether `signature` (128 hex digits) is this key's signature of `message` (strict
    /// Ed25519 verification: no malleable or weak-key signatures).
    pub fn verifies(&self, message: &[u8], signature: &str) -> bool {
        let Some(bytes) = hex::decode(signature)
            .ok()
            .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
        else {
            return false;
        };
        self.0
            .verify_strict(message, &Signature::from_bytes(&bytes))
            .is_ok()
    }
}

impl std::fmt::Display for PublicKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_created_once_then_read_back() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("keys").join(DEFAULT_FILE);
        let created = ProofKey::load_or_create(&path).unwrap();
        let again = ProofKey::load_or_create(&path).unwrap();
        assert_eq!(created.public(), again.public());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Nothing left aside.
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }

    #[test]
    fn a_malformed_key_file_is_refused_and_kept() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(DEFAULT_FILE);
        std::fs::write(&path, "not a key\n").unwrap();
        assert!(matches!(
            ProofKey::load_or_create(&path),
            Err(ProofKeyError::Malformed { .. })
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "not a key\n");
    }

    #[test]
    fn signatures_verify_only_for_their_message_and_key() {
        let key = ProofKey::generate();
        let public = key.public();
        let signature = key.sign(b"checkpoint");
        assert!(public.verifies(b"checkpoint", &signature));
        assert!(!public.verifies(b"checkpoint!", &signature));
        assert!(
            !ProofKey::generate()
                .public()
                .verifies(b"checkpoint", &signature)
        );
        assert!(!public.verifies(b"checkpoint", "00"));
        assert_eq!(PublicKey::from_hex(&public.hex()).unwrap(), public);
        assert!(PublicKey::from_hex("abc").is_err());
        assert_eq!(public.key_id().len(), 16);
    }
}
