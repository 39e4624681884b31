//! Secrets: password hashing (argon2id, off the async threads), random tokens for links and
//! API keys, and their SHA-256 digests, which are all the database ever stores of them.

use std::sync::Arc;

use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::config::Argon2Params;
use crate::{AppError, AppResult};

/// A fresh 256-bit random token, URL-safe (43 characters).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The hex SHA-256 of a token: what is stored and looked up. Tokens carry 256 bits of entropy,
/// so a fast hash is enough; a database dump reveals no usable link or key.
pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// argon2id hashing and verification, run on the blocking pool and limited to one hash per
/// core at a time: each hash takes `memory_kib` of memory, and a burst of logins must queue
/// rather than exhaust memory or starve the async workers.
#[derive(Clone)]
pub struct PasswordHasher {
    params: Argon2Params,
    permits: Arc<Semaphore>,
    dummy_hash: Arc<String>,
}

impl PasswordHasher {
    pub fn new(params: Argon2Params) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let dummy_hash = hash_blocking(&params, "keyrack dummy password for unknown users").unwrap_or_default();
        Self { params, permits: Arc::new(Semaphore::new(cores)), dummy_hash: Arc::new(dummy_hash) }
    }

    pub fn params(&self) -> Argon2Params {
        self.params
    }

    /// Hashes a (normalised) password into a PHC string.
    pub async fn hash(&self, password: String) -> AppResult<String> {
        let _permit = self.permits.acquire().await.map_err(|e| AppError::Internal(e.to_string()))?;
        let params = self.params;
        tokio::task::spawn_blocking(move || hash_blocking(&params, &password))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
    }

    /// Waits for a hashing slot; holding it, a caller can re-read state that may have changed
    /// while it queued (a login lock) and then call [`Self::verify_in_slot`].
    pub async fn slot(&self) -> AppResult<tokio::sync::SemaphorePermit<'_>> {
        self.permits.acquire().await.map_err(|e| AppError::Internal(e.to_string()))
    }

    /// Verifies a password against a stored hash; with `None` it verifies against a dummy hash
    /// so that an unknown user costs the same time as a known one, and answers `false`.
    pub async fn verify(&self, password: String, stored: Option<String>) -> AppResult<bool> {
        let _permit = self.slot().await?;
        self.verify_in_slot(password, stored).await
    }

    /// [`Self::verify`] for a caller that already holds a [`Self::slot`].
    pub async fn verify_in_slot(&self, password: String, stored: Option<String>) -> AppResult<bool> {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| (*self.dummy_hash).clone());
        let ok = tokio::task::spawn_blocking(move || verify_blocking(&password, &hash))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(known && ok)
    }

    /// Whether a stored hash uses weaker parameters than configured (rehash on next login).
    pub fn needs_rehash(&self, stored: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(stored) else { return true };
        let Ok(p) = Params::try_from(&parsed) else { return true };
        parsed.algorithm.as_str() != "argon2id"
            || p.m_cost() < self.params.memory_kib
            || p.t_cost() < self.params.iterations
            || p.p_cost() < self.params.parallelism
    }
}

fn argon2(params: &Argon2Params) -> AppResult<Argon2<'static>> {
    let p = Params::new(params.memory_kib, params.iterations, params.parallelism, None)
        .map_err(|e| AppError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, p))
}

/// One argon2id hash with a fresh salt, on the calling thread (benchmarks call this directly).
pub fn hash_blocking(params: &Argon2Params, password: &str) -> AppResult<String> {
    let hash = argon2(params)?.hash_password(password.as_bytes()).map_err(|e| AppError::Internal(format!("argon2: {e}")))?;
    Ok(hash.to_string())
}

/// Verifies a password against a PHC string on the calling thread (benchmarks call this directly).
pub fn verify_blocking(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else { return false };
    // The parameters come from the stored hash itself, so older hashes keep verifying.
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_and_distinct() {
        let a = new_token();
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert_ne!(a, new_token());
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), a);
    }

    #[tokio::test]
    async fn hashes_are_argon2id_at_owasp_parameters_with_unique_salts() {
        let h = PasswordHasher::new(Argon2Params::default());
        let one = h.hash("correct horse battery staple".into()).await.unwrap();
        let two = h.hash("correct horse battery staple".into()).await.unwrap();
        assert!(one.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{one}");
        assert_ne!(one, two);
        assert!(h.verify("correct horse battery staple".into(), Some(one.clone())).await.unwrap());
        assert!(!h.verify("wrong".into(), Some(one.clone())).await.unwrap());
        assert!(!h.verify("anything".into(), None).await.unwrap());
        assert!(!h.needs_rehash(&one));
        let stronger = PasswordHasher::new(Argon2Params { memory_kib: 32 * 1024, ..Argon2Params::default() });
        assert!(stronger.needs_rehash(&one));
    }
}
