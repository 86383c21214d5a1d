//! The connection pool and migrations. One SQL dialect subset serves SQLite and PostgreSQL
//! through sqlx's `Any` driver: `$1` placeholders, BIGINT ids, text dates, integer cents.

use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyConnection, AnyPool, ConnectOptions, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("unsupported database URL “{0}”: use sqlite://… or postgres://…")]
    UnsupportedUrl(String),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

#[derive(Debug, Clone)]
pub struct Database {
    pub pool: AnyPool,
    pub backend: Backend,
    /// SQLite: the one connection [`Database::write`] uses (see there); `None` on PostgreSQL.
    writer: Option<AnyPool>,
    /// The URL it was opened with (the live-event listener opens its own connection).
    url: Arc<str>,
    /// SQLite: this process's writers take turns here, in arrival order (see [`Database::write`]).
    writers: Arc<Mutex<()>>,
}

/// How long a writer waits for its turn before giving up, as SQLite's `busy_timeout` did.
const WRITE_TURN_TIMEOUT: Duration = Duration::from_secs(5);

/// A transaction begun by [`Database::write`]: used as a connection (`&mut *tx`), ended by
/// [`WriteTransaction::commit`]; dropped without it, it rolls back. On SQLite it holds this
/// process's write turn until it ends.
pub struct WriteTransaction {
    // Fields drop in order: the transaction rolls back before the turn passes on.
    transaction: Transaction<'static, Any>,
    _turn: Option<OwnedMutexGuard<()>>,
    backend: Backend,
}

impl WriteTransaction {
    /// The database it writes to: row locks are taken on PostgreSQL only, as a SQLite write
    /// transaction already excludes every other writer.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.transaction.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.transaction.rollback().await
    }
}

impl Deref for WriteTransaction {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.transaction
    }
}

impl DerefMut for WriteTransaction {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.transaction
    }
}

impl Database {
    /// Connects (creating a SQLite file and its folder when missing) and applies migrations.
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(ConnectError::UnsupportedUrl(url.to_owned()));
        };
        if backend == Backend::Sqlite {
            create_sqlite_folder(url)?;
        }
        let options = AnyConnectOptions::from_str(url)
            .map_err(ConnectError::Connect)?
            .log_statements(tracing::log::LevelFilter::Debug);
        let pool = pool_options(backend)
            .max_connections(if backend == Backend::Sqlite { 4 } else { 10 })
            .connect_with(options.clone())
            .await
            .map_err(ConnectError::Connect)?;
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await?;
        // SQLite writes one transaction at a time, so one connection does all of
        // `Database::write`'s: its page cache and prepared statements stay warm, where writes
        // spread over the readers' connections found their caches stale (another connection
        // had written) and read their pages again, inside the write lock.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let writer = match backend {
            // An in-memory database is its connection's own: writes share the pool.
            Backend::Sqlite if in_memory => None,
            Backend::Sqlite => Some(
                pool_options(backend)
                    .max_connections(1)
                    .acquire_timeout(WRITE_TURN_TIMEOUT)
                    .connect_with(options)
                    .await
                    .map_err(ConnectError::Connect)?,
            ),
            Backend::Postgres => None,
        };
        Ok(Database {
            pool,
            backend,
            writer,
            url: url.into(),
            writers: Arc::new(Mutex::new(())),
        })
    }

    /// Begins a transaction that will write. SQLite takes its write lock at once
    /// (`BEGIN IMMEDIATE`), so concurrent writers wait their turn instead of failing when a
    /// reading transaction tries to become a writing one.
    ///
    /// SQLite has one writer at a time, and a connection finding the lock taken polls for it,
    /// sleeping 1, 2, 5… up to 100 ms between tries (its busy handler): under concurrent writes
    /// the lock sat free while the next writers slept, and waiting writers held pool
    /// connections that readers needed. So this process's writers first queue here, in arrival
    /// order and woken as soon as the previous one ends, and only then take a connection and
    /// the lock (which the busy handler still guards against other processes). PostgreSQL
    /// needs no queue: its writers lock only the rows they change.
    pub async fn write(&self) -> Result<WriteTransaction, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                let turn = tokio::time::timeout(
                    WRITE_TURN_TIMEOUT,
                    Arc::clone(&self.writers).lock_owned(),
                )
                .await
                .map_err(|_| sqlx::Error::PoolTimedOut)?;
                let writer = self.writer.as_ref().unwrap_or(&self.pool);
                Ok(WriteTransaction {
                    transaction: writer.begin_with("BEGIN IMMEDIATE").await?,
                    _turn: Some(turn),
                    backend: Backend::Sqlite,
                })
            }
            Backend::Postgres => Ok(WriteTransaction {
                transaction: self.pool.begin().await?,
                _turn: None,
                backend: Backend::Postgres,
            }),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(drop)
    }
}

/// A pool's options: on SQLite, every connection in WAL mode with full synchronisation (each
/// commit is on disk before it returns) and foreign keys on.
///
/// A SQLite connection is a file opened by this process: it is not tested before each use
/// (sqlx's default pings it, a second trip to its worker thread for every query).
fn pool_options(backend: Backend) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .test_before_acquire(backend == Backend::Postgres)
        .after_connect(move |connection, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    // WAL lets readers work during a write; foreign keys are off by default.
                    sqlx::raw_sql(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                    )
                    .execute(connection)
                    .await?;
                }
                Ok(())
            })
        })
}

fn create_sqlite_folder(url: &str) -> Result<(), ConnectError> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    match Path::new(path).parent() {
        Some(folder) if !folder.as_os_str().is_empty() => {
            std::fs::create_dir_all(folder).map_err(|source| ConnectError::DataDir {
                path: folder.display().to_string(),
                source,
            })
        }
        _ => Ok(()),
    }
}

/// True when `error` is a unique-constraint violation (e.g. an email already registered).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}
