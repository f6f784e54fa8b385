//! weizhili-store: the database. Entities, migrations and queries, one code path for SQLite and PostgreSQL.
//!
//! Owns connecting (pragmas, pool), the schema, and every query. It must not know about HTTP, sessions cookies
//! or templates; permission decisions come in from `weizhili_core::access` as a [`ListScope`] and are only
//! turned into `WHERE` clauses here.
//!
//! [`ListScope`]: weizhili_core::access::ListScope

pub mod account;
pub mod audit;
pub mod competition;
pub mod demo;
pub mod entity;
pub mod event;
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

/// In-process queue for SQLite's one writer. Without it, writers that find the lock taken wait in SQLite's busy
/// handler, which sleeps 1, 2, 5, 10… ms between tries: under a burst of claims most of the time went to
/// sleeping. With it they wait their turn on an async mutex and start the moment the lock is free. (One queue
/// for the process: tests that open several SQLite files share it, which only orders their writes.)
static SQLITE_WRITER: std::sync::LazyLock<std::sync::Arc<tokio::sync::Mutex<()>>> =
    std::sync::LazyLock::new(|| std::sync::Arc::new(tokio::sync::Mutex::new(())));

/// A transaction that writes (see [`begin_write`]). Use it like a connection; end it with [`WriteTxn::commit`]
/// (dropping it rolls back). On SQLite it holds this process's writer turn until it ends.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTxn {
    pub async fn commit(self) -> std::result::Result<(), DbErr> {
        self.txn.commit().await
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: sea_orm::Statement) -> std::result::Result<sea_orm::ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> std::result::Result<sea_orm::ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(
        &self,
        stmt: sea_orm::Statement,
    ) -> std::result::Result<Option<sea_orm::QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: sea_orm::Statement) -> std::result::Result<Vec<sea_orm::QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}

/// Starts a transaction that will write. On SQLite it waits for this process's writer turn, then takes the write
/// lock at once (`BEGIN IMMEDIATE`): a transaction that reads, then writes, would otherwise fail with "database
/// is locked" under load. Never begin a second one while holding one in the same task.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTxn> {
    let sqlite = db.get_database_backend() == DbBackend::Sqlite;
    let turn = if sqlite { Some(SQLITE_WRITER.clone().lock_owned().await) } else { None };
    let options = TransactionOptions {
        isolation_level: None,
        access_mode: None,
        sqlite_transaction_mode: sqlite.then_some(SqliteTransactionMode::Immediate),
    };
    Ok(WriteTxn { txn: db.begin_with_options(options).await?, _turn: turn })
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

/// The rows a list skips before page `page` (from 1) of `per_page` rows. Saturating, and never more than the
/// largest `BIGINT`, which is what both databases bind an `OFFSET` as: a caller's page number, however large,
/// makes an empty page here, never an overflow. (The web layer bounds pages long before that: `web::paging`.)
pub(crate) fn offset(page: u64, per_page: u64) -> u64 {
    page.saturating_sub(1).saturating_mul(per_page).min(i64::MAX as u64)
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

#[cfg(test)]
mod tests {
    use super::offset;

    #[test]
    fn an_offset_saturates_at_the_largest_bigint() {
        assert_eq!(offset(0, 50), 0, "page 0 is the first page");
        assert_eq!(offset(1, 50), 0);
        assert_eq!(offset(3, 20), 40);
        assert_eq!(offset(i64::MAX as u64, 50), i64::MAX as u64);
        assert_eq!(offset(u64::MAX, u64::MAX), i64::MAX as u64);
    }
}
