//! weizhili-store: the database. Entities, migrations and queries, one code path for SQLite and PostgreSQL.
//!
//! Owns connecting (pragmas, pool), the schema, and every query. It must not know about HTTP, sessions cookies
//! or templates; permission decisions come in from `weizhili_core::access` as a [`ListScope`] and are only
//! turned into `WHERE` clauses here.
//!
//! [`ListScope`]: weizhili_core::access::ListScope

pub mod account;
pub mod audit;
pub mod demo;
pub mod entity;
pub mod grid;
pub mod media;
pub mod migration;
pub mod notify;
pub mod roster;
pub mod service;
pub mod wish;

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, SqlErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

pub use sea_orm::DatabaseConnection as Db;

/// What can go wrong in the store, in terms the web layer can map to a status.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("invalid: {0}")]
    Invalid(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl StoreError {
    /// Turns a unique-constraint violation into a [`StoreError::Conflict`] with the given code.
    pub fn on_unique(err: DbErr, code: &'static str) -> StoreError {
        if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
            StoreError::Conflict(code)
        } else {
            StoreError::Db(err)
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How durable SQLite commits are: `Normal` loses nothing on a process crash, only the last transactions on a
/// power cut; `Full` survives power cuts at the cost of an fsync per commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Durability {
    #[default]
    Normal,
    Full,
}

/// Options for [`connect`].
#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub max_connections: u32,
    pub durability: Durability,
    /// Log every SQL statement with its duration (at info level), for finding slow pages.
    pub log_statements: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions { max_connections: 8, durability: Durability::Normal, log_statements: false }
    }
}

/// Connects to `sqlite://PATH` (created if missing) or `postgres://…`, with the pragmas SQLite needs to behave
/// under concurrent use.
pub async fn connect(url: &str, options: &StoreOptions) -> Result<DatabaseConnection> {
    let url = normalise_url(url);
    let mut opts = ConnectOptions::new(url.clone());
    opts.max_connections(options.max_connections)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .test_before_acquire(false)
        .sqlx_logging(options.log_statements)
        .sqlx_logging_level(log::LevelFilter::Info);
    let durability = options.durability;
    opts.map_sqlx_sqlite_opts(move |o| {
        o.journal_mode(SqliteJournalMode::Wal)
            .synchronous(match durability {
                Durability::Normal => SqliteSynchronous::Normal,
                Durability::Full => SqliteSynchronous::Full,
            })
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            .create_if_missing(true)
            .pragma("mmap_size", "268435456")
    });
    Ok(Database::connect(opts).await?)
}

/// Accepts a bare path as SQLite, and `sqlite:PATH` as well as `sqlite://PATH`.
fn normalise_url(url: &str) -> String {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") || url.starts_with("sqlite:") {
        url.to_owned()
    } else {
        format!("sqlite://{url}")
    }
}

/// Brings the schema up to date.
pub async fn migrate(db: &DatabaseConnection) -> Result<()> {
    migration::Migrator::up(db, None).await?;
    Ok(())
}

/// Starts a transaction that will write. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`): a
/// transaction that reads, then writes, would otherwise fail with "database is locked" under load.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction> {
    let options = TransactionOptions {
        isolation_level: None,
        access_mode: None,
        sqlite_transaction_mode: (db.get_database_backend() == DbBackend::Sqlite)
            .then_some(SqliteTransactionMode::Immediate),
    };
    Ok(db.begin_with_options(options).await?)
}

/// Answers when the database does: for `/healthz`.
pub async fn ping(db: &DatabaseConnection) -> Result<()> {
    db.execute_unprepared("SELECT 1").await?;
    Ok(())
}

/// Makes a consistent copy of a live SQLite database (`VACUUM INTO`), safe while the server runs.
pub async fn backup_sqlite(db: &DatabaseConnection, out: &std::path::Path) -> Result<()> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Err(StoreError::Invalid("backup works on SQLite; use pg_dump for PostgreSQL".into()));
    }
    if out.exists() {
        return Err(StoreError::Invalid(format!("{} already exists", out.display())));
    }
    let path = out.to_string_lossy().replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{path}'")).await?;
    Ok(())
}

/// `SELECT COUNT(pk) … WHERE …` for a query: the paginator's count wraps the whole query in a subquery, which
/// SQLite materialises (1.7 ms instead of 0.1 ms for a community's residents).
pub(crate) async fn count_of<E: sea_orm::EntityTrait>(
    db: &impl ConnectionTrait,
    query: sea_orm::Select<E>,
    pk: impl sea_orm::ColumnTrait,
) -> Result<u64> {
    use sea_orm::QuerySelect;
    let n: Option<i64> = query.select_only().column_as(pk.count(), "n").into_tuple().one(db).await?;
    Ok(n.unwrap_or(0).max(0) as u64)
}

/// `LIKE` pattern for a substring search, with the wildcard characters of the input escaped.
pub(crate) fn like_contains(q: &str) -> String {
    let escaped = q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// Drops every table and runs the migrations again (`demo --fresh` on PostgreSQL).
pub async fn migrate_fresh(db: &DatabaseConnection) -> Result<()> {
    migration::Migrator::fresh(db).await?;
    Ok(())
}
