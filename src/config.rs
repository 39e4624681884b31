//! Configuration: defaults, then a TOML file, then `KEYRACK_*` environment variables.
//! Unknown keys are refused, naming the key, so a typo never silently falls back to a default.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use keyrack_app::config::Argon2Params;
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
}
