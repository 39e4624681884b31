//! Secrets kept at rest in the database (the OpenID Connect signing keys) are sealed with
//! XChaCha20-Poly1305 under a key-encryption key that never enters the database: the
//! operator's `KEYRACK_SECRET_KEY`, or a key file next to a SQLite database (see the README).
//! Whoever copies the database alone, or a backup of it, cannot sign tokens.
//!
//! A sealed value is text: `kr-sealed-v1:` and the base64 of a random 24-byte nonce followed by
//! the ciphertext and its tag. What the value belongs to (a key id) is bound in as associated
//! data, so a sealed value moved to another row does not open.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

use crate::{AppError, AppResult};

const PREFIX: &str = "kr-sealed-v1:";
const NONCE_LEN: usize = 24;

/// A 256-bit key-encryption key.
#[derive(Clone)]
pub struct KeyEncryptionKey([u8; 32]);

impl std::fmt::Debug for KeyEncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyEncryptionKey(<secret>)")
    }
}

/// Why a configured key-encryption key was refused.
pub const KEY_FORMAT: &str = "the secret key must be 32 random bytes written as 64 hexadecimal digits or in base64 \
     (for example the output of `openssl rand -base64 32`)";

impl KeyEncryptionKey {
    /// A fresh random key (for a new key file, and for tests).
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Reads a key written as 64 hex digits or as base64 (standard or URL-safe, padded or not).
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).ok()
        } else {
            STANDARD.decode(text).ok().or_else(|| URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok())
        };
        bytes.and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok()).map(Self).ok_or(KEY_FORMAT)
    }

    /// The key as written to a key file: base64.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    fn cipher(&self) -> AppResult<XChaCha20Poly1305> {
        XChaCha20Poly1305::new_from_slice(&self.0).map_err(|e| AppError::Internal(format!("key-encryption key: {e}")))
    }

    /// Seals `plain`, bound to `context` (what it belongs to).
    pub fn seal(&self, plain: &[u8], context: &str) -> AppResult<String> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher()?
            .encrypt(&XNonce::from(nonce), Payload { msg: plain, aad: context.as_bytes() })
            .map_err(|_| AppError::Internal("sealing a secret failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", STANDARD.encode(out)))
    }

    /// Opens a value made by [`Self::seal`] with the same `context`. Fails when the key is not
    /// the one that sealed it, or the value was changed or moved.
    pub fn open(&self, sealed: &str, context: &str) -> Result<Vec<u8>, SealError> {
        let body = sealed.strip_prefix(PREFIX).ok_or(SealError::NotSealed)?;
        let bytes = STANDARD.decode(body).map_err(|_| SealError::Damaged)?;
        if bytes.len() < NONCE_LEN + 16 {
            return Err(SealError::Damaged);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce = <[u8; NONCE_LEN]>::try_from(nonce).map_err(|_| SealError::Damaged)?;
        let cipher = self.cipher().map_err(|_| SealError::WrongKey)?;
        cipher
            .decrypt(&XNonce::from(nonce), Payload { msg: ciphertext, aad: context.as_bytes() })
            .map_err(|_| SealError::WrongKey)
    }
}

/// Whether a stored value is sealed (values stored before sealing existed are not).
pub fn is_sealed(value: &str) -> bool {
    value.starts_with(PREFIX)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the value is not sealed")]
    NotSealed,
    #[error("the sealed value is damaged")]
    Damaged,
    #[error("the key-encryption key does not open the sealed value (a different secret key?)")]
    WrongKey,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_context() {
        let key = KeyEncryptionKey::generate();
        let sealed = key.seal(b"-----BEGIN PRIVATE KEY-----", "kid-1").unwrap();
        assert!(is_sealed(&sealed));
        assert!(!sealed.contains("BEGIN PRIVATE KEY"));
        assert_ne!(sealed, key.seal(b"-----BEGIN PRIVATE KEY-----", "kid-1").unwrap(), "a fresh nonce each time");
        assert_eq!(key.open(&sealed, "kid-1").unwrap(), b"-----BEGIN PRIVATE KEY-----");
        assert_eq!(key.open(&sealed, "kid-2"), Err(SealError::WrongKey));
        assert_eq!(KeyEncryptionKey::generate().open(&sealed, "kid-1"), Err(SealError::WrongKey));
        assert_eq!(key.open("-----BEGIN PRIVATE KEY-----", "kid-1"), Err(SealError::NotSealed));
        let mut changed = sealed.clone();
        changed.pop();
        changed.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(key.open(&changed, "kid-1").is_err());
    }

    #[test]
    fn keys_parse_from_hex_and_base64_and_nothing_shorter() {
        let key = KeyEncryptionKey::generate();
        assert_eq!(KeyEncryptionKey::parse(&key.to_base64()).unwrap().0, key.0);
        assert_eq!(KeyEncryptionKey::parse(&hex::encode(key.0)).unwrap().0, key.0);
        assert_eq!(KeyEncryptionKey::parse(&URL_SAFE_NO_PAD.encode(key.0)).unwrap().0, key.0);
        assert!(KeyEncryptionKey::parse("correct horse battery staple").is_err());
        assert!(KeyEncryptionKey::parse(&STANDARD.encode([7u8; 16])).is_err());
        assert!(!format!("{key:?}").contains(&key.to_base64()));
    }
}
