//! Settings: defaults ← `weizhili.toml` ← `WEIZHILI_*` environment ← command-line flags.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use weizhili_store::media::{MediaSettings, default_folder};

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
    /// How staff hear of new wishes and lapsing claims: "daily" (one summary a day, at 08:00) or "each".
    pub staff_notifications: String,
    /// Hours a paired resident's new wish is offered to their helper (帮扶对子) before it goes on the wall.
    pub help_pair_offer_hours: i64,
    /// A secret for `/metrics` (`Authorization: Bearer …`); empty: only direct requests from this machine.
    pub metrics_token: String,
    /// Folder for photos; empty: `<database name>-media` beside the SQLite file (`weizhili-media` for
    /// PostgreSQL). Ignored when `media_s3_bucket` is set.
    pub media_dir: String,
    /// S3-compatible bucket for photos (it must exist); empty: photos go to the folder.
    pub media_s3_bucket: String,
    /// The object store's address, e.g. "http://minio.intranet:9000"; needed with a bucket.
    pub media_s3_endpoint: String,
    /// The object store's region (many S3-compatible stores accept any).
    pub media_s3_region: String,
    pub media_s3_access_key_id: String,
    pub media_s3_secret_access_key: String,
    /// Allow a plain-HTTP endpoint (an intranet MinIO).
    pub media_s3_allow_http: bool,
    /// Address objects as BUCKET.endpoint (some clouds' object storage needs it); the endpoint then names the
    /// bucket too.
    pub media_s3_virtual_hosted: bool,
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
            staff_notifications: "daily".into(),
            help_pair_offer_hours: 48,
            metrics_token: String::new(),
            media_dir: String::new(),
            media_s3_bucket: String::new(),
            media_s3_endpoint: String::new(),
            media_s3_region: "us-east-1".into(),
            media_s3_access_key_id: String::new(),
            media_s3_secret_access_key: String::new(),
            media_s3_allow_http: false,
            media_s3_virtual_hosted: false,
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
        // The test suites' own variables are not settings.
        figment = figment.merge(Env::prefixed("WEIZHILI_").ignore(&[
            "TEST_POSTGRES_URL",
            "TEST_S3_URL",
            "TEST_S3_BUCKET",
            "TEST_S3_REGION",
            "TEST_S3_ACCESS_KEY_ID",
            "TEST_S3_SECRET_ACCESS_KEY",
        ]));
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
        if weizhili_core::notify::StaffMode::parse(&settings.staff_notifications).is_none() {
            return Err(format!(
                "staff_notifications must be \"daily\" or \"each\", not {:?}",
                settings.staff_notifications
            ));
        }
        if !(0..=24 * 14).contains(&settings.help_pair_offer_hours) {
            return Err(format!(
                "help_pair_offer_hours must be between 0 and 336, not {}",
                settings.help_pair_offer_hours
            ));
        }
        settings.check_media()?;
        Ok(settings)
    }

    /// Refuses media settings that cannot work together, naming the key to change.
    fn check_media(&self) -> Result<(), String> {
        let set = |value: &str| !value.trim().is_empty();
        if !set(&self.media_s3_bucket) {
            let stray = [
                ("media_s3_endpoint", set(&self.media_s3_endpoint)),
                ("media_s3_access_key_id", set(&self.media_s3_access_key_id)),
                ("media_s3_secret_access_key", set(&self.media_s3_secret_access_key)),
            ];
            if let Some((key, _)) = stray.iter().find(|(_, is_set)| *is_set) {
                return Err(format!("{key} is set but media_s3_bucket is empty: name the bucket, or remove {key}"));
            }
            return Ok(());
        }
        if set(&self.media_dir) {
            return Err("media_dir and media_s3_bucket are both set: photos go to one place; remove one".into());
        }
        for (key, value) in [
            ("media_s3_endpoint", &self.media_s3_endpoint),
            ("media_s3_region", &self.media_s3_region),
            ("media_s3_access_key_id", &self.media_s3_access_key_id),
            ("media_s3_secret_access_key", &self.media_s3_secret_access_key),
        ] {
            if !set(value) {
                return Err(format!("media_s3_bucket is set, so {key} is needed too"));
            }
        }
        let endpoint = self.media_s3_endpoint.trim();
        if endpoint.starts_with("http://") {
            if !self.media_s3_allow_http {
                return Err(format!(
                    "media_s3_endpoint {endpoint:?} is plain HTTP: use https://, or set media_s3_allow_http = true \
                     for a server on a trusted intranet"
                ));
            }
        } else if !endpoint.starts_with("https://") {
            return Err(format!("media_s3_endpoint must start with https:// (or http://), not {endpoint:?}"));
        }
        Ok(())
    }

    /// Where photos go: the S3-compatible bucket if one is named, else `media_dir`, else the folder beside the
    /// database.
    pub fn media_settings(&self) -> MediaSettings {
        if self.media_s3_bucket.trim().is_empty() {
            let dir = self.media_dir.trim();
            return MediaSettings::Folder(if dir.is_empty() {
                default_folder(&self.database_url)
            } else {
                PathBuf::from(dir)
            });
        }
        MediaSettings::S3 {
            bucket: self.media_s3_bucket.trim().to_owned(),
            endpoint: self.media_s3_endpoint.trim().trim_end_matches('/').to_owned(),
            region: self.media_s3_region.trim().to_owned(),
            access_key_id: self.media_s3_access_key_id.trim().to_owned(),
            secret_access_key: self.media_s3_secret_access_key.clone(),
            allow_http: self.media_s3_allow_http,
            virtual_hosted_style: self.media_s3_virtual_hosted,
        }
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
            staff_notifications: weizhili_core::notify::StaffMode::parse(&self.staff_notifications).unwrap_or_default(),
            help_pair_offer_hours: self.help_pair_offer_hours,
            metrics_token: Some(self.metrics_token.trim().to_owned()).filter(|t| !t.is_empty()),
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

#[cfg(test)]
mod tests;
