//! Where photo bytes are kept: a folder, or S3-compatible object storage, behind one small type.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Datelike, Utc};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{
    Attribute, Attributes, ClientOptions, ObjectStore, ObjectStoreExt, PutOptions, PutPayload, RetryConfig,
};

use super::MediaError;

/// Where photos go, as the configuration says.
#[derive(Clone, PartialEq, Eq)]
pub enum MediaSettings {
    /// A folder on this machine (created if missing); by default [`default_folder`].
    Folder(PathBuf),
    /// An S3-compatible bucket (MinIO, Ceph, a cloud's object storage) that must already exist.
    S3 {
        bucket: String,
        /// e.g. `http://minio.intranet:9000` or `https://oss-cn-hangzhou.aliyuncs.com`.
        endpoint: String,
        /// The store's region; many S3-compatible stores accept any value (`us-east-1`).
        region: String,
        access_key_id: String,
        secret_access_key: String,
        /// Allow a plain-HTTP endpoint (an intranet MinIO); refused otherwise.
        allow_http: bool,
        /// Address objects as `https://BUCKET.endpoint/KEY` rather than `endpoint/BUCKET/KEY` (some clouds'
        /// object storage accepts only this). The endpoint then includes the bucket name.
        virtual_hosted_style: bool,
    },
}

// By hand, so that the secret never reaches a log line.
impl fmt::Debug for MediaSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MediaSettings::Folder(path) => f.debug_tuple("Folder").field(path).finish(),
            MediaSettings::S3 { bucket, endpoint, region, access_key_id, allow_http, virtual_hosted_style, .. } => f
                .debug_struct("S3")
                .field("bucket", bucket)
                .field("endpoint", endpoint)
                .field("region", region)
                .field("access_key_id", access_key_id)
                .field("secret_access_key", &"***")
                .field("allow_http", allow_http)
                .field("virtual_hosted_style", virtual_hosted_style)
                .finish(),
        }
    }
}

/// The media folder for a database URL: beside the SQLite file (`sqlite://data/weizhili.db` →
/// `data/weizhili-media`), or `weizhili-media` in the working directory for PostgreSQL and in-memory SQLite.
pub fn default_folder(database_url: &str) -> PathBuf {
    let beside_cwd = PathBuf::from("weizhili-media");
    if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
        return beside_cwd;
    }
    let path = database_url.strip_prefix("sqlite://").or_else(|| database_url.strip_prefix("sqlite:"));
    let path = path.unwrap_or(database_url).split('?').next().unwrap_or_default();
    let path = Path::new(path);
    match path.file_stem().and_then(|s| s.to_str()) {
        Some(stem) if !stem.is_empty() && !path.to_string_lossy().contains(":memory:") => {
            path.with_file_name(format!("{stem}-media"))
        }
        _ => beside_cwd,
    }
}

/// A fresh key for a photo of `kind` (a feature name: `wish`, `event`…) taken at `now`:
/// `wish/2026/11/<32 hex digits>.jpg`. 128 random bits: keys cannot be guessed or collide, and nothing of the
/// uploader (name, file name) is in them.
pub fn new_key(kind: &str, now: DateTime<Utc>) -> String {
    let random: [u8; 16] = rand::random();
    format!("{kind}/{:04}/{:02}/{}.jpg", now.year(), now.month(), hex::encode(random))
}

/// The thumbnail's key for a photo's key: `wish/2026/11/ab….jpg` → `wish/2026/11/ab…-thumb.jpg`.
pub fn thumb_key(key: &str) -> String {
    match key.strip_suffix(".jpg") {
        Some(stem) => format!("{stem}-thumb.jpg"),
        None => format!("{key}-thumb"),
    }
}

/// Refuses any key [`new_key`] and [`thumb_key`] would not make: empty, absolute, with `..` or empty segments,
/// or characters other than lower-case ASCII letters, digits, `/`, `-`, `_` and `.`.
pub fn check_key(key: &str) -> Result<ObjectPath, MediaError> {
    let bad = || MediaError::BadKey(key.chars().take(80).collect());
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "/-_.".contains(c);
    if key.is_empty()
        || key.len() > 200
        || !key.chars().all(allowed)
        || key.split('/').any(|segment| segment.is_empty() || segment.starts_with('.'))
    {
        return Err(bad());
    }
    ObjectPath::parse(key).map_err(|_| bad())
}

/// Photo bytes by key, in a folder or an S3-compatible bucket. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct Storage {
    pub(super) store: Arc<dyn ObjectStore>,
    /// The local file system store refuses object attributes; S3 keeps the content type with the object.
    keeps_content_type: bool,
}

impl fmt::Debug for Storage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Storage({})", self.store)
    }
}

impl Storage {
    /// Opens the storage the settings describe. Makes the folder if missing; does not contact S3 (the first
    /// `put` or `get` does).
    pub fn open(settings: &MediaSettings) -> Result<Storage, MediaError> {
        match settings {
            MediaSettings::Folder(path) => Storage::folder(path),
            MediaSettings::S3 {
                bucket,
                endpoint,
                region,
                access_key_id,
                secret_access_key,
                allow_http,
                virtual_hosted_style,
            } => {
                install_tls_provider();
                // A store that does not answer should fail an upload in seconds, not after object_store's
                // default of ten retries over three minutes.
                let retry =
                    RetryConfig { max_retries: 2, retry_timeout: Duration::from_secs(20), ..RetryConfig::default() };
                let client = ClientOptions::new()
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_timeout(Duration::from_secs(30));
                let store = AmazonS3Builder::new()
                    .with_client_options(client)
                    .with_retry(retry)
                    .with_bucket_name(bucket)
                    .with_endpoint(endpoint)
                    .with_region(region)
                    .with_access_key_id(access_key_id)
                    .with_secret_access_key(secret_access_key)
                    .with_allow_http(*allow_http)
                    .with_virtual_hosted_style_request(*virtual_hosted_style)
                    .build()
                    .map_err(|e| MediaError::Config(e.to_string()))?;
                Ok(Storage { store: Arc::new(store), keeps_content_type: true })
            }
        }
    }

    /// A folder on this machine, created if missing.
    pub fn folder(path: &Path) -> Result<Storage, MediaError> {
        std::fs::create_dir_all(path)
            .map_err(|e| MediaError::Config(format!("cannot create {}: {e}", path.display())))?;
        let store = LocalFileSystem::new_with_prefix(path).map_err(MediaError::Storage)?;
        Ok(Storage { store: Arc::new(store), keeps_content_type: false })
    }

    /// Stores `bytes` under `key`, replacing what was there. The folder writes a temporary file and renames it,
    /// so a reader never sees half a photo.
    pub async fn put(&self, key: &str, bytes: impl Into<Bytes>, content_type: &str) -> Result<(), MediaError> {
        let path = check_key(key)?;
        let mut options = PutOptions::default();
        if self.keeps_content_type {
            options.attributes = Attributes::from_iter([(Attribute::ContentType, content_type.to_owned())]);
        }
        let payload = PutPayload::from_bytes(bytes.into());
        self.store.put_opts(&path, payload, options).await.map_err(MediaError::Storage)?;
        Ok(())
    }

    /// The bytes under `key`, or `None` if there is nothing there.
    pub async fn get(&self, key: &str) -> Result<Option<Bytes>, MediaError> {
        let path = check_key(key)?;
        match self.store.get(&path).await {
            Ok(found) => Ok(Some(found.bytes().await.map_err(MediaError::Storage)?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(MediaError::Storage(e)),
        }
    }

    /// Removes what is under `key`; nothing there is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), MediaError> {
        let path = check_key(key)?;
        match self.store.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(MediaError::Storage(e)),
        }
    }
}

/// Makes ring the process's TLS crypto provider. reqwest is built without one of its own (see Cargo.toml), and
/// since cargo unifies features, so is every other reqwest client in the same binary (tests, browser drivers):
/// call this before building one. Calling it again does nothing.
pub fn install_tls_provider() {
    // An error only means a provider is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
