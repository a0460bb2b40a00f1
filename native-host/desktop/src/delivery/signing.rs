//! Raw Ed25519 keys as 64 hex characters, manifest signing and verification, SHA-256.

use std::path::Path;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::manifest::Manifest;

/// The development public key every host has built in (`tools/keys/dev.public`). It is
/// public, so it protects nothing: a production build passes its own.
pub const DEV_PUBLIC_KEY_HEX: &str = include_str!("../../../../tools/keys/dev.public");

/// A key file or key argument that is not 64 hex characters.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Not 32 bytes of hex.
    #[error("a key is 64 hex characters (32 bytes), got {0:?}")]
    BadHex(String),
    /// The 32 bytes are not a valid Ed25519 public key.
    #[error("not a valid Ed25519 public key")]
    BadPoint,
    /// The key file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The key file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The OS random source failed.
    #[error("no randomness for a new key: {0}")]
    Random(String),
}

/// The public half of a signing key pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

/// The secret half: a 32-byte seed.
#[derive(Clone)]
pub struct SecretKey(SigningKey);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

fn key_bytes(hex_text: &str) -> Result<[u8; 32], KeyError> {
    let text = hex_text.trim();
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(text, &mut bytes).map_err(|_| {
        let shown: String = text.chars().take(80).collect();
        KeyError::BadHex(shown)
    })?;
    Ok(bytes)
}

impl PublicKey {
    /// From 64 hex characters (surrounding whitespace ignored).
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        VerifyingKey::from_bytes(&key_bytes(text)?).map(Self).map_err(|_| KeyError::BadPoint)
    }

    /// The repository's development key.
    pub fn dev() -> Self {
        // The file is ours and checked by a test; a broken one is a build defect.
        Self::from_hex(DEV_PUBLIC_KEY_HEX).expect("tools/keys/dev.public holds a valid key")
    }

    /// 64 lowercase hex characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_bytes())
    }

    /// Checks `signature_hex` (128 hex characters) over `message`.
    pub fn verify(&self, message: &[u8], signature_hex: &str) -> bool {
        let mut bytes = [0u8; 64];
        if signature_hex.len() != 128 || hex::decode_to_slice(signature_hex, &mut bytes).is_err() {
            return false;
        }
        // `verify_strict` rejects the malleable and small-order forms RFC 8032 allows.
        self.0.verify_strict(message, &Signature::from_bytes(&bytes)).is_ok()
    }
}

impl SecretKey {
    /// From 64 hex characters: the 32-byte seed.
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        Ok(Self(SigningKey::from_bytes(&key_bytes(text)?)))
    }

    /// Reads a `.secret` file.
    pub fn read(path: &Path) -> Result<Self, KeyError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| KeyError::Io { path: path.display().to_string(), source })?;
        Self::from_hex(&text)
    }

    /// A new key from the OS random source.
    pub fn generate() -> Result<Self, KeyError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(Self(SigningKey::from_bytes(&seed)))
    }

    /// 64 lowercase hex characters: the seed.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    /// The matching public key.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Ed25519 over `message`, as 128 lowercase hex characters.
    pub fn sign_hex(&self, message: &[u8]) -> String {
        hex::encode(self.0.sign(message).to_bytes())
    }
}

/// Signs `manifest` in place (its `signature` field).
pub fn sign_manifest(manifest: &mut Manifest, key: &SecretKey) {
    manifest.signature = key.sign_hex(&manifest.signed_message());
}

/// True when `manifest`'s signature verifies with `key`.
pub fn verify_manifest(manifest: &Manifest, key: &PublicKey) -> bool {
    key.verify(&manifest.signed_message(), &manifest.signature)
}

/// SHA-256 of `bytes` as 64 lowercase hex characters.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes `NAME.secret` and `NAME.public` for a new key pair; refuses to overwrite either
/// unless `force`. The secret file is readable by its owner only (on Unix).
pub fn write_key_pair(name: &Path, key: &SecretKey, force: bool) -> Result<(), KeyError> {
    let with_ext = |ext: &str| {
        let mut os = name.as_os_str().to_owned();
        os.push(ext);
        std::path::PathBuf::from(os)
    };
    let (secret, public) = (with_ext(".secret"), with_ext(".public"));
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
        move |source| KeyError::Io { path: path.display().to_string(), source }
    }
    for path in [&secret, &public] {
        if !force && path.exists() {
            return Err(io(path)(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "exists (pass --force to replace it)",
            )));
        }
    }
    write_private(&secret, format!("{}\n", key.to_hex()).as_bytes()).map_err(io(&secret))?;
    std::fs::write(&public, format!("{}\n", key.public().to_hex())).map_err(io(&public))?;
    Ok(())
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file =
        std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}
