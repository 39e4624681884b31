//! Configuration: defaults, then a TOML file, then `KEYRACK_*` environment variables.
//! Unknown keys are refused, naming the key, so a typo never silently falls back to a default.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use keyrack_app::config::Argon2Params;
use keyrack_app::sealing::KeyEncryptionKey;
use serde::Deserialize;

/// Environment variables with these prefixes are not configuration keys: the file's path, the
/// log filter and the test suite's own settings.
const NOT_CONFIG: &[&str] = &["KEYRACK_CONFIG", "KEYRACK_LOG", "KEYRACK_TEST_"];

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// `sqlite://…` (default, under `./keyrack-data`) or `postgres://…`.
    pub database_url: String,
    /// Base of every link Keyrack sends; defaults to `http://{listen}`.
    pub public_url: Option<String>,
    /// Enables the operator API (tenant creation) with this bearer key.
    pub operator_key: Option<String>,
    /// `smtp://host:port` or `smtps://user:pass@host:port`; without it mail stays in the outbox.
    pub smtp_url: Option<String>,
    pub smtp_from: Option<String>,
    pub argon2: Argon2Params,
    /// The operator's permission catalogue (Keyrack's own permissions come on top).
    pub permission_catalogue: Option<Vec<String>>,
    /// The operator's e-mail categories.
    pub email_categories: Option<Vec<String>>,
    /// Largest number of database connections.
    pub database_max_connections: u32,
    /// `text` or `json` log lines.
    pub log_format: String,
    /// Reverse proxies whose `X-Forwarded-For` header is believed (IP addresses).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Minutes without a request after which a session ends.
    pub session_idle_minutes: u32,
    /// Hours after sign-in after which a session ends, however active.
    pub session_absolute_hours: u32,
    /// Largest spreadsheet an import accepts, in MiB.
    pub import_max_megabytes: u32,
    /// Most data rows an imported spreadsheet may have.
    pub import_max_rows: usize,
    /// The key-encryption key that seals the OpenID Connect signing keys in the database: 32
    /// random bytes in base64 or hex. Without it, a SQLite server keeps one in a key file next to
    /// the database; a PostgreSQL server refuses to start.
    pub secret_key: Option<String>,
    /// The bearer token a Prometheus scraper presents at `/metrics`; without it `/metrics` is off.
    pub metrics_token: Option<String>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("public_url", &self.public_url)
            .field("operator_key", &self.operator_key.as_ref().map(|_| "<set>"))
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("argon2", &self.argon2)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "<set>"))
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "<set>"))
            .finish_non_exhaustive()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            database_url: "sqlite://keyrack-data/keyrack.db?mode=rwc".into(),
            public_url: None,
            operator_key: None,
            smtp_url: None,
            smtp_from: None,
            argon2: Argon2Params::default(),
            permission_catalogue: None,
            email_categories: None,
            database_max_connections: 16,
            log_format: "text".into(),
            trusted_proxies: Vec::new(),
            session_idle_minutes: 120,
            session_absolute_hours: 12,
            import_max_megabytes: 20,
            import_max_rows: 100_000,
            secret_key: None,
            metrics_token: None,
        }
    }
}

/// Hides the password of a `scheme://user:password@host` URL.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or_default();
            format!("{}://{user}:***@{}", &url[..s], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

impl Config {
    /// Loads the file (`--config`, else `KEYRACK_CONFIG`, else `keyrack.toml` if present) and
    /// the environment.
    pub fn load(file: Option<&Path>) -> Result<Self> {
        Self::from_sources(file, std::env::vars().collect())
    }

    pub fn from_sources(file: Option<&Path>, env: HashMap<String, String>) -> Result<Self> {
        let mut builder = config::Config::builder();
        let explicit = file.map(Path::to_path_buf).or_else(|| env.get("KEYRACK_CONFIG").map(Into::into));
        match &explicit {
            Some(path) => {
                anyhow::ensure!(path.exists(), "the configuration file {} does not exist", path.display());
                builder = builder.add_source(config::File::from(path.as_path()).format(config::FileFormat::Toml));
            }
            None => {
                builder =
                    builder.add_source(config::File::with_name("keyrack.toml").format(config::FileFormat::Toml).required(false))
            }
        }
        let vars: HashMap<String, String> =
            env.into_iter().filter(|(k, _)| k.starts_with("KEYRACK_") && !NOT_CONFIG.iter().any(|p| k.starts_with(p))).collect();
        builder = builder.add_source(
            config::Environment::with_prefix("KEYRACK")
                .prefix_separator("_")
                .separator("__")
                .list_separator(",")
                .with_list_parse_key("permission_catalogue")
                .with_list_parse_key("email_categories")
                .with_list_parse_key("trusted_proxies")
                .try_parsing(true)
                .source(Some(vars)),
        );
        let merged = builder.build().context("cannot read the configuration")?;
        let cfg: Config = merged.try_deserialize().map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
        anyhow::ensure!(matches!(cfg.log_format.as_str(), "text" | "json"), "configuration: log_format must be text or json");
        Ok(cfg)
    }

    pub fn public_url(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.listen))
    }

    pub fn app_config(&self) -> keyrack_app::AppConfig {
        let mut app = keyrack_app::AppConfig {
            public_url: self.public_url(),
            operator_key: self.operator_key.clone().filter(|k| !k.is_empty()),
            argon2: self.argon2,
            trusted_proxies: self.trusted_proxies.clone(),
            session_idle_ms: i64::from(self.session_idle_minutes.max(1)) * 60_000,
            session_absolute_ms: i64::from(self.session_absolute_hours.max(1)) * 3_600_000,
            import_limits: keyrack_sheet::Limits {
                max_bytes: usize::try_from(self.import_max_megabytes.max(1)).unwrap_or(usize::MAX).saturating_mul(1024 * 1024),
                max_rows: self.import_max_rows.max(1),
                ..keyrack_sheet::Limits::default()
            },
            metrics_token: self.metrics_token.clone().filter(|t| !t.is_empty()),
            ..keyrack_app::AppConfig::default()
        };
        if let Some(c) = &self.permission_catalogue {
            app.permission_catalogue.clone_from(c);
        }
        if let Some(c) = &self.email_categories {
            app.email_categories.clone_from(c);
        }
        app
    }
}

/// The name of the key file a SQLite server keeps its key-encryption key in when none is configured.
pub const KEY_FILE: &str = "secret.key";

impl Config {
    /// The key-encryption key: `secret_key` when configured; otherwise, for SQLite, the key file
    /// in the database's directory, created (mode 0600) on first use. A PostgreSQL server needs
    /// `secret_key`: its nodes must share one key, and a file on one machine is not shared.
    pub fn key_encryption_key(&self) -> Result<KeyEncryptionKey> {
        if let Some(text) = self.secret_key.as_deref().filter(|t| !t.trim().is_empty()) {
            return KeyEncryptionKey::parse(text)
                .map_err(|e| anyhow::anyhow!("configuration: secret_key (KEYRACK_SECRET_KEY): {e}"));
        }
        let dir = sqlite_dir(&self.database_url).ok_or_else(|| {
            anyhow::anyhow!(
                "KEYRACK_SECRET_KEY (secret_key) is required with PostgreSQL or an in-memory database: give every node the same \
                 32 random bytes in base64, e.g. the output of `openssl rand -base64 32`"
            )
        })?;
        load_or_create_key_file(&dir.join(KEY_FILE))
    }
}

/// The directory of a SQLite database file; `None` for PostgreSQL and in-memory SQLite.
fn sqlite_dir(url: &str) -> Option<std::path::PathBuf> {
    if !url.starts_with("sqlite:") {
        return None;
    }
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:").split('?').next().unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        return None;
    }
    let parent = Path::new(path).parent().map(Path::to_path_buf).unwrap_or_default();
    Some(if parent.as_os_str().is_empty() { std::path::PathBuf::from(".") } else { parent })
}

/// Reads the key file, or creates it readable by its owner only. It is created with
/// `create_new`, so two processes starting together cannot both write one.
fn load_or_create_key_file(path: &Path) -> Result<KeyEncryptionKey> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;

    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
        Ok(mut file) => {
            let key = KeyEncryptionKey::generate();
            file.write_all(format!("{}\n", key.to_base64()).as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot write the key file {}", path.display()))?;
            tracing::info!(path = %path.display(), "created the key file that seals the signing keys; back it up with the database, but apart from it");
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
            if meta.permissions().mode() & 0o077 != 0 {
                tracing::warn!(path = %path.display(), "the key file can be read by other users: chmod 600 it");
            }
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read the key file {}", path.display()))?;
            KeyEncryptionKey::parse(&text).map_err(|e| anyhow::anyhow!("the key file {}: {e}", path.display()))
        }
        Err(e) => Err(e).with_context(|| format!("cannot create the key file {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn defaults_use_sqlite_under_keyrack_data() {
        let c = Config::from_sources(None, env(&[])).unwrap();
        assert!(c.database_url.starts_with("sqlite://keyrack-data/"));
        assert_eq!(c.listen, "127.0.0.1:8080");
        assert_eq!(c.public_url(), "http://127.0.0.1:8080");
    }

    #[test]
    fn environment_overrides_and_nests() {
        let c = Config::from_sources(
            None,
            env(&[
                ("KEYRACK_DATABASE_URL", "postgres://x@127.0.0.1/test"),
                ("KEYRACK_ARGON2__MEMORY_KIB", "32768"),
                ("KEYRACK_EMAIL_CATEGORIES", "a,b"),
                ("KEYRACK_TEST_DATABASE_URL", "ignored"),
            ]),
        )
        .unwrap();
        assert!(c.database_url.starts_with("postgres://"));
        assert_eq!(c.argon2.memory_kib, 32768);
        assert_eq!(c.email_categories, Some(vec!["a".to_owned(), "b".to_owned()]));
    }

    #[test]
    fn unknown_keys_are_refused_by_name() {
        let err = Config::from_sources(None, env(&[("KEYRACK_LISTN", "x")])).err().unwrap();
        assert!(format!("{err:#}").contains("listn"), "{err:#}");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("k.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:1\"\n[argon2]\nmemory_kib = 20000\niterations = 2\nparallelism = 1\nturbo = true\n",
        )
        .unwrap();
        let err = Config::from_sources(Some(&file), env(&[])).err().unwrap();
        assert!(format!("{err:#}").contains("turbo"), "{err:#}");
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let c =
            Config { operator_key: Some("op-secret".into()), database_url: "postgres://u:pw@h/db".into(), ..Config::default() };
        let shown = format!("{c:?}");
        assert!(!shown.contains("op-secret") && !shown.contains("pw@"), "{shown}");
    }

    #[test]
    fn a_sqlite_server_keeps_its_key_in_a_private_file_and_postgres_needs_one_configured() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("data").join("keyrack.db").display());
        let c = Config { database_url: url, ..Config::default() };
        let first = c.key_encryption_key().unwrap();
        let file = dir.path().join("data").join(KEY_FILE);
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        let again = c.key_encryption_key().unwrap();
        assert_eq!(first.to_base64(), again.to_base64(), "the same key on the next start");

        let pg = Config { database_url: "postgres://u@127.0.0.1/db".into(), ..Config::default() };
        let err = pg.key_encryption_key().err().unwrap();
        assert!(format!("{err:#}").contains("KEYRACK_SECRET_KEY"), "{err:#}");
        let configured = Config { secret_key: Some(first.to_base64()), ..pg };
        assert_eq!(configured.key_encryption_key().unwrap().to_base64(), first.to_base64());
        let short = Config { secret_key: Some("too-short".into()), ..Config::default() };
        assert!(format!("{:#}", short.key_encryption_key().err().unwrap()).contains("32 random bytes"));
    }
}
