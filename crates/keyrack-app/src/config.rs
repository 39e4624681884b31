//! What the application needs from the operator's configuration.

use keyrack_core::authz::{DEFAULT_CATALOGUE, DEFAULT_EMAIL_CATEGORIES};

/// argon2id cost. The defaults are OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Argon2Params {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for Argon2Params {
    fn default() -> Self {
        Self { memory_kib: 19 * 1024, iterations: 2, parallelism: 1 }
    }
}

#[derive(Clone)]
pub struct AppConfig {
    /// Base of every link Keyrack sends (`https://id.example.com`), never the request's Host.
    pub public_url: String,
    /// The operator key, when the operator API is enabled.
    pub operator_key: Option<String>,
    pub argon2: Argon2Params,
    /// The operator's permission catalogue (Keyrack's own permissions come on top).
    pub permission_catalogue: Vec<String>,
    /// The operator's e-mail categories.
    pub email_categories: Vec<String>,
    /// A session ends after this long without a request.
    pub session_idle_ms: i64,
    /// A session ends this long after sign-in, however active.
    pub session_absolute_ms: i64,
    /// Reverse proxies whose `X-Forwarded-For` is believed; from anyone else it is ignored, so a
    /// client cannot pick the address its failed logins are counted against.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// What an imported spreadsheet may hold (size, rows, cells, archive entries); the operator
    /// sets the size and the rows, the rest keep the reader's defaults.
    pub import_limits: keyrack_sheet::Limits,
    /// Seals secrets kept in the database (the OpenID Connect signing keys); `None` where a
    /// command needs none.
    pub key_encryption_key: Option<crate::sealing::KeyEncryptionKey>,
    /// The bearer token a Prometheus scraper presents at `/metrics`; without one the endpoint
    /// is off.
    pub metrics_token: Option<String>,
}

impl std::fmt::Debug for AppConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppConfig")
            .field("public_url", &self.public_url)
            .field("operator_key", &self.operator_key.as_ref().map(|_| "<set>"))
            .field("argon2", &self.argon2)
            .finish_non_exhaustive()
    }
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            operator_key: None,
            argon2: Argon2Params::default(),
            permission_catalogue: DEFAULT_CATALOGUE.iter().map(|s| (*s).to_owned()).collect(),
            email_categories: DEFAULT_EMAIL_CATEGORIES.iter().map(|s| (*s).to_owned()).collect(),
            session_idle_ms: 2 * 3_600_000,
            session_absolute_ms: 12 * 3_600_000,
            trusted_proxies: Vec::new(),
            import_limits: keyrack_sheet::Limits::default(),
            key_encryption_key: None,
            metrics_token: None,
        }
    }
}

impl AppConfig {
    /// Every permission that can be assigned: Keyrack's own plus the catalogue.
    pub fn all_permissions(&self) -> Vec<String> {
        let mut all: Vec<String> = keyrack_core::authz::KEYRACK_PERMISSIONS.iter().map(|s| (*s).to_owned()).collect();
        for p in &self.permission_catalogue {
            if !all.contains(p) {
                all.push(p.clone());
            }
        }
        all
    }

    /// Whether `name` is one of [`Self::all_permissions`].
    pub fn is_known_permission(&self, name: &str) -> bool {
        keyrack_core::authz::KEYRACK_PERMISSIONS.contains(&name) || self.permission_catalogue.iter().any(|p| p == name)
    }

    /// Whether links and cookies are for HTTPS (then cookies are `Secure` with the `__Host-` prefix).
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The public URL without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }
}
