//! The database: SQLite by default, PostgreSQL when the URL says so. Queries
//! are written once with `$n` placeholders, which both engines accept.

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend, DbError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(DbError::UnsupportedUrl)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database URL must start with sqlite: or postgres://")]
    UnsupportedUrl,
    #[error("cannot connect to the database: {0}")]
    Connect(sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// How long a request waits for a PostgreSQL connection before it is told
/// "temporarily unavailable". sqlx's default (30 s) made every request hang
/// through a database outage; a healthy pool hands out a connection in
/// microseconds, and a new one connects in milliseconds. SQLite keeps the
/// default: a local file has no outage, only writers queuing.
pub const POSTGRES_ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// PostgreSQL only: a native pool for what the `Any` driver cannot do
    /// (`COPY … FROM STDIN` for ingestion).
    pg: Option<sqlx::PgPool>,
    /// SQLite only: the ingestion writer's own connection, native, so bulk
    /// inserts skip the `Any` driver's per-value conversion.
    sqlite_writer: Option<sqlx::SqlitePool>,
}

impl Db {
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let options = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            // WAL lets readers proceed while a batch is being written;
                            // the busy timeout makes concurrent writers wait instead of failing.
                            sqlx::query("PRAGMA journal_mode = WAL")
                                .execute(&mut *conn)
                                .await?;
                            sqlx::query("PRAGMA busy_timeout = 10000")
                                .execute(&mut *conn)
                                .await?;
                            sqlx::query("PRAGMA foreign_keys = ON")
                                .execute(&mut *conn)
                                .await?;
                            // FULL: a commit is on disk before it returns, so an
                            // acknowledged sensor batch survives a power cut
                            // (NORMAL in WAL mode may lose the last commits).
                            sqlx::query("PRAGMA synchronous = FULL")
                                .execute(&mut *conn)
                                .await?;
                            Ok(())
                        })
                    })
            }
            Backend::Postgres => AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(POSTGRES_ACQUIRE_TIMEOUT),
        };
        let url = match backend {
            // Create the file on first start (zero set-up).
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let pool = options.connect(&url).await.map_err(DbError::Connect)?;
        let pg = match backend {
            Backend::Postgres => Some(
                sqlx::postgres::PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(POSTGRES_ACQUIRE_TIMEOUT)
                    .connect(&url)
                    .await
                    .map_err(DbError::Connect)?,
            ),
            Backend::Sqlite => None,
        };
        let sqlite_writer = match backend {
            Backend::Sqlite => {
                use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
                use std::str::FromStr;
                let options = SqliteConnectOptions::from_str(&url)
                    .map_err(DbError::Connect)?
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(std::time::Duration::from_secs(10))
                    .foreign_keys(true);
                Some(
                    sqlx::sqlite::SqlitePoolOptions::new()
                        .max_connections(1)
                        .connect_with(options)
                        .await
                        .map_err(DbError::Connect)?,
                )
            }
            Backend::Postgres => None,
        };
        Ok(Db {
            pool,
            backend,
            pg,
            sqlite_writer,
        })
    }

    pub async fn migrate(&self) -> Result<(), DbError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// True when the database answers a trivial query within `within`.
    pub async fn ping(&self, within: std::time::Duration) -> bool {
        let query = sqlx::query("SELECT 1").execute(&self.pool);
        matches!(tokio::time::timeout(within, query).await, Ok(Ok(_)))
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The native PostgreSQL pool (None on SQLite).
    pub fn pg_pool(&self) -> Option<&sqlx::PgPool> {
        self.pg.as_ref()
    }

    /// The native SQLite connection for the ingestion writer (None on PostgreSQL).
    pub fn sqlite_writer(&self) -> Option<&sqlx::SqlitePool> {
        self.sqlite_writer.as_ref()
    }

    pub async fn close(&self) {
        self.pool.close().await;
        if let Some(pg) = &self.pg {
            pg.close().await;
        }
        if let Some(writer) = &self.sqlite_writer {
            writer.close().await;
        }
    }
}

/// Logs a database failure and hides its details from the client; a
/// database that cannot be reached is `Unavailable` (retry later), anything
/// else `Internal`.
pub fn internal(error: sqlx::Error) -> crate::StoreError {
    if is_unavailable(&error) {
        tracing::warn!(%error, "database unavailable");
        crate::StoreError::Unavailable
    } else {
        tracing::error!(%error, "database error");
        crate::StoreError::Internal
    }
}

/// True when the error says the database cannot be reached or is going
/// away, rather than that the query was wrong.
pub fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        // PostgreSQL's connection-exception class (08…) and shutdown codes.
        sqlx::Error::Database(db) => db.code().is_some_and(|c| {
            c.starts_with("08") || matches!(c.as_ref(), "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

/// True when the error is a unique-constraint violation on either engine.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || db.message().contains("UNIQUE constraint failed")
                || db.code().as_deref() == Some("23505")
        }
        _ => false,
    }
}
