//! motcua's storage: one schema on SQLite (default, WAL, one writer) or PostgreSQL, behind
//! one [`Store`]. Every query is written once in portable SQL and runs through sqlx's `Any`
//! driver; where the two databases really differ the SQL sits side by side, named.
//!
//! Instants are stored as BIGINT milliseconds since the Unix epoch (UTC) so the same
//! column type, comparison and index work on both databases and the event hash covers
//! exactly what is stored.

mod admin;
mod audit;
mod backup;
mod bulk;
mod catalogue;
mod citizens;
mod counters;
mod dossiers;
mod error;
mod events;
mod feedback;
mod files;
mod idempotency;
pub mod read;
mod ratings;
mod reference;
mod routing;
mod sql;
mod users;

pub use admin::{AuditFilter, AuditRow, StaffAccount};
pub use audit::{AdminActor, AuditBreak, VerifyReport};
pub use backup::{BackupError, Manifest, BACKUP_TABLES, EPHEMERAL_TABLES};
pub use bulk::BulkDossier;
pub use catalogue::{ImportReport, ProcedureRow};
pub use citizens::{new_token, CitizenDocument, CitizenRow, CodeCheck, DraftRow, OutboxMessage, SignUp};
pub use dossiers::{ActionContext, ActionOutcome, DocumentRow, DossierRow, NewDocument, NewDossier, Render};
pub use error::StoreError;
pub use events::{ChainBreak, EventRow};
pub use feedback::FeedbackRow;
pub use files::{BlobStore, StoredBlob};
pub use idempotency::{IdempotencyKey, StoredResponse};
pub use reference::{AgencyRow, NameMap, NewAgency, UnitRow};
pub use routing::RouteRow;
pub use users::{SessionUser, UserRow};

use motcua_core::time::Instant;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Connection settings.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Connections for readers (and, on PostgreSQL, writers too).
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions { max_connections: 16, acquire_timeout: Duration::from_secs(5) }
    }
}

/// The database of one motcua deployment.
#[derive(Clone)]
pub struct Store {
    /// SQLite allows one writer at a time; a one-connection pool queues writers in the
    /// application instead of failing them with SQLITE_BUSY. On PostgreSQL this is the
    /// same pool as `read`.
    write: AnyPool,
    read: AnyPool,
    backend: Backend,
}

/// Milliseconds since the epoch of an instant.
pub fn ms(at: Instant) -> i64 {
    at.timestamp_millis()
}

/// The instant of a millisecond timestamp (the epoch if out of range, which stored data never is).
pub fn from_ms(ms: i64) -> Instant {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

impl Store {
    /// Connects to `sqlite://PATH` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Config(format!("unsupported database URL (use sqlite:// or postgres://): {url}")));
        };
        match backend {
            Backend::Sqlite => {
                let url = if url.contains('?') { url.to_string() } else { format!("{url}?mode=rwc") };
                let connect = AnyConnectOptions::from_str(&url)?;
                let pool = |n: u32| {
                    AnyPoolOptions::new()
                        .max_connections(n)
                        .acquire_timeout(options.acquire_timeout)
                        .after_connect(|conn, _meta| {
                            Box::pin(async move {
                                // WAL lets readers run beside the writer; NORMAL sync is durable
                                // across application crashes and loses at most the last
                                // transactions on power loss, the usual WAL trade-off.
                                for pragma in [
                                    "PRAGMA journal_mode = WAL",
                                    "PRAGMA synchronous = NORMAL",
                                    "PRAGMA busy_timeout = 5000",
                                    "PRAGMA foreign_keys = ON",
                                    "PRAGMA cache_size = -4000",
                                ] {
                                    conn.execute(pragma).await?;
                                }
                                Ok(())
                            })
                        })
                        .after_release(|conn, _meta| Box::pin(async move { Ok(sqlite_connection_is_clean(conn).await) }))
                        .connect_with(connect.clone())
                };
                let write = pool(1).await?;
                // Each SQLite connection keeps its own page cache (4 MB here), so readers are
                // capped at 8: more would not add throughput on small machines, only memory.
                let read = pool(options.max_connections.clamp(2, 8)).await?;
                Ok(Store { write, read, backend })
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(options.max_connections)
                    .acquire_timeout(options.acquire_timeout)
                    .connect(url)
                    .await?;
                Ok(Store { write: pool.clone(), read: pool, backend })
            }
        }
    }

    /// Applies pending migrations (run on every start; released migrations never change).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.write).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.write).await?,
        }
        self.seal_audit_log().await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Cheap liveness probe for `/healthz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

/// Whether a SQLite connection handed back to its pool is outside any transaction, both as
/// SQLite sees it and as sqlx counts; a connection that is not is closed (which rolls back
/// whatever it holds) and the pool opens a fresh one.
///
/// Why: when COMMIT fails (SQLITE_FULL, SQLITE_IOERR on a full disk) SQLite may already
/// have rolled the transaction back, so sqlx's ROLLBACK fails too ("no transaction is
/// active") and sqlx keeps counting one open transaction on that connection. The next
/// `begin` then only issues a SAVEPOINT, and depending on what SQLite did, the following
/// writes are acknowledged inside a transaction that never commits: invisible to other
/// connections and gone at restart. Checking here, at the one place every connection
/// passes through after use, covers every transaction of the store, whatever failed.
async fn sqlite_connection_is_clean(conn: &mut sqlx::AnyConnection) -> bool {
    use sqlx::Connection;
    // BEGIN fails inside a transaction SQLite still holds. It also waits behind a rollback
    // sqlx queued when the failed transaction was dropped, so the count below is settled.
    // A deferred BEGIN and its ROLLBACK touch no file.
    if conn.execute("BEGIN").await.is_err() {
        tracing::warn!("closing a database connection left inside a transaction");
        return false;
    }
    if conn.execute("ROLLBACK").await.is_err() {
        return false;
    }
    if conn.is_in_transaction() {
        tracing::warn!("closing a database connection whose transaction failed to end");
        return false;
    }
    true
}

impl Store {
    /// Runs one administrative statement (tests and tools: schemas, maintenance).
    pub async fn execute_admin(&self, sql: &str) -> Result<(), StoreError> {
        sqlx::query(sql).execute(&self.write).await?;
        Ok(())
    }

    /// Number of events of one action across all dossiers (recounts for audits and tests).
    pub async fn count_events_with_action(&self, action: &str) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM dossier_events WHERE action = $1").bind(action).fetch_one(&self.read).await?)
    }
}
