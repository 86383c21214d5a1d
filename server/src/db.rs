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
    /// The URL it was opened with (the live-event listener opens its own connection).
    url: Arc<str>,
    /// SQLite: this process's writers take turns here, in arrival order, and the one connection
    /// they write on (see [`Database::write`]); `None` until it is opened, again after a failure
    /// left it unusable, and always for a database in memory (its writes use the pool).
    writers: Arc<Mutex<Option<AnyConnection>>>,
    /// SQLite on a file: how the write connection is opened.
    writer_options: Option<AnyConnectOptions>,
}

/// How long a writer waits for its turn before giving up, as SQLite's `busy_timeout` did.
const WRITE_TURN_TIMEOUT: Duration = Duration::from_secs(5);

/// A transaction begun by [`Database::write`]: used as a connection (`&mut *tx`), ended by
/// [`WriteTransaction::commit`]; dropped without it, it rolls back. On SQLite it holds this
/// process's write turn until it ends.
pub struct WriteTransaction {
    inner: Inner,
    backend: Backend,
}

enum Inner {
    /// A transaction of the pool: PostgreSQL, or a SQLite database in memory.
    Pooled {
        // Fields drop in order: the transaction rolls back before the turn passes on.
        transaction: Option<Transaction<'static, Any>>,
        _turn: Option<OwnedMutexGuard<Option<AnyConnection>>>,
    },
    /// SQLite: `BEGIN IMMEDIATE` on the write connection, which the turn holds; `open` until
    /// `COMMIT` or `ROLLBACK`.
    Writer {
        turn: Option<OwnedMutexGuard<Option<AnyConnection>>>,
        open: bool,
    },
}

impl WriteTransaction {
    /// The database it writes to: row locks are taken on PostgreSQL only, as a SQLite write
    /// transaction already excludes every other writer.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        match &mut self.inner {
            Inner::Pooled { transaction, .. } => match transaction.take() {
                Some(transaction) => transaction.commit().await,
                None => Ok(()),
            },
            Inner::Writer { turn, open } => {
                let connection = writer_connection(turn);
                sqlx::query("COMMIT").execute(connection).await?;
                // Not before: a failed COMMIT leaves the transaction to roll back.
                *open = false;
                Ok(())
            }
        }
    }

    pub async fn rollback(mut self) -> Result<(), sqlx::Error> {
        match &mut self.inner {
            Inner::Pooled { transaction, .. } => match transaction.take() {
                Some(transaction) => transaction.rollback().await,
                None => Ok(()),
            },
            Inner::Writer { turn, open } => {
                *open = false;
                let outcome = sqlx::query("ROLLBACK")
                    .execute(writer_connection(turn))
                    .await
                    .map(drop);
                if outcome.is_err() {
                    // Closing the connection rolls back; the next writer opens another.
                    if let Some(turn) = turn.as_mut() {
                        **turn = None;
                    }
                }
                outcome
            }
        }
    }
}

/// The write connection a [`Inner::Writer`] turn holds: always there while the turn is (it
/// is given up only when the transaction ends).
fn writer_connection(
    turn: &mut Option<OwnedMutexGuard<Option<AnyConnection>>>,
) -> &mut AnyConnection {
    turn.as_mut()
        .and_then(|turn| turn.as_mut())
        .expect("an open write transaction holds the write connection")
}

impl Drop for WriteTransaction {
    /// A SQLite write transaction neither committed nor rolled back rolls back before the turn
    /// passes on (the pool's transactions do it themselves).
    fn drop(&mut self) {
        let Inner::Writer { turn, open: true } = &mut self.inner else {
            return;
        };
        let Some(mut turn) = turn.take() else { return };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    let failed = match turn.as_mut() {
                        Some(connection) => {
                            sqlx::query("ROLLBACK").execute(connection).await.is_err()
                        }
                        None => false,
                    };
                    if failed {
                        *turn = None;
                    }
                });
            }
            // No runtime left to run it: closing the connection rolls back.
            Err(_) => *turn = None,
        }
    }
}

impl Deref for WriteTransaction {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match &self.inner {
            Inner::Pooled { transaction, .. } => transaction
                .as_deref()
                .expect("a transaction is there until it ends"),
            Inner::Writer { turn, .. } => turn
                .as_ref()
                .and_then(|turn| turn.as_ref())
                .expect("an open write transaction holds the write connection"),
        }
    }
}

impl DerefMut for WriteTransaction {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.inner {
            Inner::Pooled { transaction, .. } => transaction
                .as_deref_mut()
                .expect("a transaction is there until it ends"),
            Inner::Writer { turn, .. } => writer_connection(turn),
        }
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
        // had written) and read their pages again, inside the write lock. It is no pool's:
        // a pool tests each connection given back to it, one more trip to SQLite's thread
        // before the next writer could begin.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let writer_options = (backend == Backend::Sqlite && !in_memory).then_some(options);
        Ok(Database {
            pool,
            backend,
            url: url.into(),
            writers: Arc::new(Mutex::new(None)),
            writer_options,
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
        if self.backend == Backend::Postgres {
            return Ok(WriteTransaction {
                inner: Inner::Pooled {
                    transaction: Some(self.pool.begin().await?),
                    _turn: None,
                },
                backend: Backend::Postgres,
            });
        }
        let mut turn =
            tokio::time::timeout(WRITE_TURN_TIMEOUT, Arc::clone(&self.writers).lock_owned())
                .await
                .map_err(|_| sqlx::Error::PoolTimedOut)?;
        let Some(options) = &self.writer_options else {
            return Ok(WriteTransaction {
                inner: Inner::Pooled {
                    transaction: Some(self.pool.begin_with("BEGIN IMMEDIATE").await?),
                    _turn: Some(turn),
                },
                backend: Backend::Sqlite,
            });
        };
        let connection = match turn.take() {
            Some(connection) => connection,
            None => open_sqlite(options).await?,
        };
        let connection = turn.insert(connection);
        if let Err(error) = sqlx::query("BEGIN IMMEDIATE").execute(connection).await {
            // Whatever state it is in, closing it ends it; the next writer opens another.
            *turn = None;
            return Err(error);
        }
        Ok(WriteTransaction {
            inner: Inner::Writer {
                turn: Some(turn),
                open: true,
            },
            backend: Backend::Sqlite,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(drop)
    }
}

/// What every SQLite connection runs first: WAL (readers work during a write) with full
/// synchronisation (each commit is on disk before it returns), foreign keys on (off by
/// default), and a busy timeout for other processes' writes.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";

/// A pool's options.
///
/// A SQLite connection is a file opened by this process: it is not tested before each use
/// (sqlx's default pings it, a second trip to its worker thread for every query).
fn pool_options(backend: Backend) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .test_before_acquire(backend == Backend::Postgres)
        .after_connect(move |connection, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    sqlx::raw_sql(SQLITE_PRAGMAS).execute(connection).await?;
                }
                Ok(())
            })
        })
}

/// SQLite's write connection (see [`Database::write`]).
async fn open_sqlite(options: &AnyConnectOptions) -> Result<AnyConnection, sqlx::Error> {
    let mut connection = options.connect().await?;
    sqlx::raw_sql(SQLITE_PRAGMAS)
        .execute(&mut connection)
        .await?;
    Ok(connection)
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
