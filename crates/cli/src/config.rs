//! Settings: defaults ← `weizhili.toml` ← `WEIZHILI_*` environment ← command-line flags.

use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// sqlite://PATH or postgres://…
    pub database_url: String,
    /// Address `serve` listens on.
    pub addr: String,
    /// Mark cookies Secure (serve behind HTTPS).
    pub secure_cookies: bool,
    /// Hours a browser session lasts without use.
    pub session_hours: i64,
    /// SQLite durability: "normal" (default) or "full".
    pub sqlite_synchronous: String,
    /// Database connections in the pool.
    pub max_connections: u32,
    /// "text" or "json".
    pub log_format: String,
    /// tracing filter, e.g. "info" or "weizhili_web=debug".
    pub log_level: String,
    /// Log every SQL statement and its duration.
    pub log_sql: bool,
    /// Days a claimant has to record first contact with a wisher before the claim lapses.
    pub first_contact_days: i64,
    /// The address people reach the site at (for QR codes), e.g. "https://weizhili.example.org"; empty: the
    /// request's Host header.
    pub public_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: "sqlite://weizhili.db".into(),
            addr: "127.0.0.1:8080".into(),
            secure_cookies: false,
            session_hours: 24 * 14,
            sqlite_synchronous: "normal".into(),
            max_connections: 8,
            log_format: "text".into(),
            log_level: "info".into(),
            log_sql: false,
            first_contact_days: 7,
            public_url: String::new(),
        }
    }
}

impl Settings {
    pub fn load(file: Option<&Path>, database_url: Option<String>) -> Result<Settings, String> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match file {
            Some(path) if !path.exists() => {
                return Err(format!("{} does not exist", path.display()));
            }
            Some(path) => figment = figment.merge(Toml::file(path)),
            None => figment = figment.merge(Toml::file("weizhili.toml")),
        }
        figment = figment.merge(Env::prefixed("WEIZHILI_").ignore(&["TEST_POSTGRES_URL"]));
        if let Some(url) = database_url {
            figment = figment.merge(Serialized::default("database_url", url));
        }
        let settings: Settings = figment.extract().map_err(|e| e.to_string())?;
        if !["normal", "full"].contains(&settings.sqlite_synchronous.as_str()) {
            return Err(format!(
                "sqlite_synchronous must be \"normal\" or \"full\", not {:?}",
                settings.sqlite_synchronous
            ));
        }
        if !["text", "json"].contains(&settings.log_format.as_str()) {
            return Err(format!("log_format must be \"text\" or \"json\", not {:?}", settings.log_format));
        }
        Ok(settings)
    }

    pub fn store_options(&self) -> weizhili_store::StoreOptions {
        weizhili_store::StoreOptions {
            max_connections: self.max_connections.max(1),
            durability: if self.sqlite_synchronous == "full" {
                weizhili_store::Durability::Full
            } else {
                weizhili_store::Durability::Normal
            },
            log_statements: self.log_sql,
        }
    }

    pub fn web_config(&self) -> weizhili_web::WebConfig {
        weizhili_web::WebConfig {
            secure_cookies: self.secure_cookies,
            session_hours: self.session_hours.max(1),
            first_contact_days: self.first_contact_days.clamp(1, 90),
            public_url: Some(self.public_url.trim().trim_end_matches('/').to_owned()).filter(|u| !u.is_empty()),
            ..Default::default()
        }
    }
}

pub fn init_logging(settings: &Settings) {
    let filter = tracing_subscriber::EnvFilter::try_new(&settings.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if settings.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}
