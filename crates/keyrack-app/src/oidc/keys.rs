//! The keys that sign ID and access tokens: RSA 2048 with RS256, the algorithm every relying
//! party supports (OpenID Connect Discovery requires it to be offered).
//!
//! The first key is made when the server starts ([`App::prepare_signing_keys`]) and stored in
//! the database beside its public JWK, so every Keyrack node behind one database signs with the
//! same key. The private key (PKCS#8 PEM) is stored sealed under the key-encryption key of the
//! configuration ([`crate::sealing`]): the database alone does not let anyone sign tokens.
//! `keyrack client rotate-key` makes a new key and retires the others; a retired key stays in
//! the JWKS for [`RETIRED_KEY_PUBLISHED_MS`], by which time every token it signed has expired,
//! and is deleted at the next rotation after that.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse, ThumbprintHash};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use keyrack_store::repo;
use keyrack_store::repo::oidc::SigningKeyRecord;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{OidcError, OidcResult, RETIRED_KEY_PUBLISHED_MS};
use crate::sealing::{KeyEncryptionKey, SealError, is_sealed};
use crate::{App, AppError, AppResult};

/// The one algorithm Keyrack signs with.
pub const ALGORITHM: Algorithm = Algorithm::RS256;

/// What a rotation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    /// The new signing key's id.
    pub kid: String,
    /// Keys retired now (they stay published for a while).
    pub retired: u64,
    /// Keys retired long enough ago that no token they signed is valid: deleted.
    pub deleted: u64,
}

fn crypto(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("{what}: {e}"))
}

/// Why the signing keys could not be made ready at start.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error(
        "no key-encryption key is configured: set KEYRACK_SECRET_KEY (secret_key in the TOML file) to 32 random bytes \
         in base64, e.g. the output of `openssl rand -base64 32`"
    )]
    NoKey,
    #[error(
        "the secret key does not open the stored OpenID Connect signing key {kid}: KEYRACK_SECRET_KEY (or the key file) \
         is not the one the key was sealed with; start with the original secret key"
    )]
    WrongKey { kid: String },
    #[error("the stored OpenID Connect signing key {kid} is damaged")]
    Damaged { kid: String },
    #[error(transparent)]
    App(#[from] AppError),
}

/// What [`App::prepare_signing_keys`] found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyringReport {
    /// The key that signs now.
    pub active_kid: String,
    /// Whether that key was made now (the first start).
    pub created: bool,
    /// Keys stored in the clear by an earlier version, sealed now.
    pub sealed_now: u64,
}

/// A fresh RSA key pair as it is stored: the sealed PKCS#8 PEM, and the public JWK with its
/// RFC 7638 thumbprint as `kid`.
fn generate(now: i64, kek: &KeyEncryptionKey) -> AppResult<SigningKeyRecord> {
    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|e| crypto("generating an RSA key", e))?;
    let der = pair.as_der().map_err(|e| crypto("encoding the RSA key", e))?;
    let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", der.as_ref().to_vec()));
    let key = EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(|e| crypto("loading the new RSA key", e))?;
    let mut jwk = Jwk::from_encoding_key(&key, ALGORITHM).map_err(|e| crypto("public JWK", e))?;
    let kid = jwk.thumbprint(ThumbprintHash::SHA256).map_err(|e| crypto("JWK thumbprint", e))?;
    jwk.common.key_id = Some(kid.clone());
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    let public_jwk = serde_json::to_string(&jwk).map_err(|e| crypto("public JWK", e))?;
    let private_key = kek.seal(pem.as_bytes(), &kid)?;
    Ok(SigningKeyRecord { kid, algorithm: "RS256".into(), private_key, public_jwk, created_at: now, retired_at: None })
}

/// RSA key generation takes tens of milliseconds: off the async workers.
async fn generate_off_thread(now: i64, kek: KeyEncryptionKey) -> AppResult<SigningKeyRecord> {
    tokio::task::spawn_blocking(move || generate(now, &kek)).await.map_err(|e| AppError::Internal(e.to_string()))?
}

/// The PEM of a stored key, opened with the key-encryption key.
fn open_private_key(record: &SigningKeyRecord, kek: &KeyEncryptionKey) -> Result<String, KeyringError> {
    let bytes = kek.open(&record.private_key, &record.kid).map_err(|e| match e {
        SealError::WrongKey => KeyringError::WrongKey { kid: record.kid.clone() },
        SealError::NotSealed | SealError::Damaged => KeyringError::Damaged { kid: record.kid.clone() },
    })?;
    String::from_utf8(bytes).map_err(|_| KeyringError::Damaged { kid: record.kid.clone() })
}

fn jwk_of(record: &SigningKeyRecord) -> AppResult<Jwk> {
    serde_json::from_str(&record.public_jwk).map_err(|e| AppError::Internal(format!("stored JWK {}: {e}", record.kid)))
}

/// Whether a key is still published at `now`.
fn published(record: &SigningKeyRecord, now: i64) -> bool {
    record.retired_at.is_none_or(|at| at + RETIRED_KEY_PUBLISHED_MS > now)
}

impl App {
    fn kek(&self) -> Result<KeyEncryptionKey, KeyringError> {
        self.config.key_encryption_key.clone().ok_or(KeyringError::NoKey)
    }

    /// Makes the signing keys ready; `keyrack serve` calls it before it listens. Seals any key an
    /// earlier version stored in the clear, checks that the configured key-encryption key opens
    /// every stored key (a wrong secret key stops the start with a clear message rather than
    /// failing the first sign-in), and makes the first key on the first start. Two nodes
    /// starting together on an empty database may both make one; both are then published and
    /// the newer signs, which is harmless.
    pub async fn prepare_signing_keys(&self) -> Result<KeyringReport, KeyringError> {
        let kek = self.kek()?;
        let mut report = KeyringReport::default();
        let mut tx = self.store.begin().await.map_err(AppError::from)?;
        for key in repo::oidc::signing_keys(&mut tx).await.map_err(AppError::from)? {
            if is_sealed(&key.private_key) {
                open_private_key(&key, &kek)?;
            } else {
                // Stored in the clear before keys were sealed: check it is a key, then seal it.
                EncodingKey::from_rsa_pem(key.private_key.as_bytes())
                    .map_err(|_| KeyringError::Damaged { kid: key.kid.clone() })?;
                let sealed = kek.seal(key.private_key.as_bytes(), &key.kid)?;
                repo::oidc::set_signing_key_private(&mut tx, &key.kid, &sealed).await.map_err(AppError::from)?;
                report.sealed_now += 1;
            }
        }
        tx.commit().await.map_err(|e| AppError::from(keyrack_store::StoreError::from(e)))?;
        if report.sealed_now > 0 {
            tracing::info!(keys = report.sealed_now, "sealed OpenID Connect signing keys that were stored in the clear");
        }
        let mut conn = self.store.read().await.map_err(AppError::from)?;
        if let Some(active) = repo::oidc::active_signing_key(&mut conn).await.map_err(AppError::from)? {
            report.active_kid = active.kid;
            return Ok(report);
        }
        drop(conn);
        let fresh = generate_off_thread(self.now(), kek).await?;
        let mut conn = self.store.read().await.map_err(AppError::from)?;
        repo::oidc::insert_signing_key(&mut conn, &fresh).await.map_err(AppError::from)?;
        tracing::info!(kid = %fresh.kid, "created the OpenID Connect signing key");
        report.active_kid = fresh.kid;
        report.created = true;
        Ok(report)
    }

    /// The key that signs now. It is made at start ([`Self::prepare_signing_keys`]), never on
    /// first use, so a server that cannot keep it safe does not start.
    async fn active_signing_key(&self) -> AppResult<SigningKeyRecord> {
        let mut conn = self.store.read().await?;
        repo::oidc::active_signing_key(&mut conn)
            .await?
            .ok_or_else(|| AppError::Internal("no OpenID Connect signing key: the server makes one when it starts".into()))
    }

    /// Makes a new signing key and retires the others (`keyrack client rotate-key`). Tokens
    /// signed with a retired key keep validating until they expire; keys retired longer ago
    /// than that are deleted.
    pub async fn rotate_signing_key(&self) -> AppResult<Rotation> {
        let kek = self.kek().map_err(|e| AppError::Internal(e.to_string()))?;
        let now = self.now();
        let fresh = generate_off_thread(now, kek).await?;
        let mut tx = self.store.begin().await?;
        repo::oidc::insert_signing_key(&mut tx, &fresh).await?;
        let retired = repo::oidc::retire_signing_keys_except(&mut tx, &fresh.kid, now).await?;
        let deleted = repo::oidc::delete_signing_keys_retired_before(&mut tx, now - RETIRED_KEY_PUBLISHED_MS).await?;
        tx.commit().await.map_err(keyrack_store::StoreError::from)?;
        tracing::info!(kid = %fresh.kid, retired, deleted, "rotated the OpenID Connect signing key");
        Ok(Rotation { kid: fresh.kid, retired, deleted })
    }

    /// The public keys that verify tokens now: the active ones and those retired recently.
    pub async fn jwks(&self) -> AppResult<JwkSet> {
        self.active_signing_key().await?;
        let now = self.now();
        let mut conn = self.store.read().await?;
        let keys = repo::oidc::signing_keys(&mut conn).await?;
        Ok(JwkSet { keys: keys.iter().filter(|k| published(k, now)).map(jwk_of).collect::<AppResult<_>>()? })
    }

    /// Signs claims as a JWS with the active key; `typ` is the header's type (`JWT` for ID
    /// tokens, `at+jwt` for access tokens, RFC 9068).
    pub(crate) async fn sign<T: Serialize>(&self, typ: &str, claims: &T) -> AppResult<String> {
        let key = self.active_signing_key().await?;
        let kek = self.kek().map_err(|e| AppError::Internal(e.to_string()))?;
        let pem = open_private_key(&key, &kek).map_err(|e| AppError::Internal(e.to_string()))?;
        let encoding = EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(|e| crypto("stored signing key", e))?;
        let mut header = Header::new(ALGORITHM);
        header.kid = Some(key.kid);
        header.typ = Some(typ.to_owned());
        jsonwebtoken::encode(&header, claims, &encoding).map_err(|e| crypto("signing a token", e))
    }

    /// Verifies a token's signature against the published keys and its issuer, and checks its
    /// `typ`. Expiry is left to the caller, which knows Keyrack's clock (and whether an expired
    /// token is still acceptable, as an `id_token_hint` is).
    pub(crate) async fn verify<T: DeserializeOwned>(&self, token: &str, issuer: &str, typ: &str) -> OidcResult<T> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| OidcError::invalid_token("the token is malformed"))?;
        if header.alg != ALGORITHM || !header.typ.as_deref().is_some_and(|t| t.eq_ignore_ascii_case(typ)) {
            return Err(OidcError::invalid_token("the token is not of the expected kind"));
        }
        let kid = header.kid.ok_or_else(|| OidcError::invalid_token("the token names no key"))?;
        let jwks = self.jwks().await?;
        let jwk = jwks.find(&kid).ok_or_else(|| OidcError::invalid_token("the token's key is unknown or expired"))?;
        let key = DecodingKey::from_jwk(jwk).map_err(|e| crypto("published JWK", e))?;
        let mut validation = Validation::new(ALGORITHM);
        // Keyrack's clock decides expiry (the library would read the system clock).
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.required_spec_claims = ["iss", "sub", "exp"].iter().map(|c| (*c).to_owned()).collect();
        validation.set_issuer(&[issuer]);
        jsonwebtoken::decode::<T>(token, &key, &validation)
            .map(|data| data.claims)
            .map_err(|_| OidcError::invalid_token("the token's signature or issuer is not valid"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_signs_and_its_published_jwk_verifies() {
        let kek = KeyEncryptionKey::generate();
        let record = generate(1_000, &kek).unwrap();
        assert_eq!(record.algorithm, "RS256");
        assert!(is_sealed(&record.private_key) && !record.private_key.contains("PRIVATE KEY"), "stored sealed");
        let pem = open_private_key(&record, &kek).unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"), "PKCS#8 PEM");
        assert!(matches!(open_private_key(&record, &KeyEncryptionKey::generate()), Err(KeyringError::WrongKey { .. })));
        let jwk: serde_json::Value = serde_json::from_str(&record.public_jwk).unwrap();
        assert_eq!(jwk["kty"], "RSA");
        assert_eq!(jwk["use"], "sig");
        assert_eq!(jwk["alg"], "RS256");
        assert_eq!(jwk["kid"], record.kid.as_str());
        assert!(jwk.get("d").is_none(), "the published JWK carries no private part: {jwk}");

        let key = EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap();
        let token = jsonwebtoken::encode(&Header::new(ALGORITHM), &serde_json::json!({"sub": "x", "exp": 1}), &key).unwrap();
        let decoding = DecodingKey::from_jwk(&jwk_of(&record).unwrap()).unwrap();
        let mut validation = Validation::new(ALGORITHM);
        validation.validate_exp = false;
        let claims = jsonwebtoken::decode::<serde_json::Value>(&token, &decoding, &validation).unwrap().claims;
        assert_eq!(claims["sub"], "x");

        // Another key's JWK does not verify it.
        let other = generate(1_000, &kek).unwrap();
        assert_ne!(other.kid, record.kid);
        let wrong = DecodingKey::from_jwk(&jwk_of(&other).unwrap()).unwrap();
        assert!(jsonwebtoken::decode::<serde_json::Value>(&token, &wrong, &validation).is_err());
    }

    #[test]
    fn a_retired_key_is_published_until_its_tokens_have_expired() {
        let mut record = generate(0, &KeyEncryptionKey::generate()).unwrap();
        assert!(published(&record, i64::MAX));
        record.retired_at = Some(10_000);
        assert!(published(&record, 10_000 + RETIRED_KEY_PUBLISHED_MS - 1));
        assert!(!published(&record, 10_000 + RETIRED_KEY_PUBLISHED_MS));
    }
}
