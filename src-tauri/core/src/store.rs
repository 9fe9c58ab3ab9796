//! The SQLite database: where it lives, how it is opened, and its migrations.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use crate::error::{CoreError, CoreResult};

/// The database file name inside the data directory.
pub const DATABASE_FILE: &str = "herald.db";

/// How long a connection waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Herald's database: one SQLite file in WAL mode, shared by the window, the resident process and
/// the command line.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir` and brings its schema up to date.
    pub async fn open(data_dir: &Path) -> CoreResult<Store> {
        std::fs::create_dir_all(data_dir).map_err(|err| {
            CoreError::io(
                format!("cannot create the data directory {}", data_dir.display()),
                err,
            )
        })?;
        let path = data_dir.join(DATABASE_FILE);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(connect_options(&path))
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Store { pool, path })
    }

    /// The connection pool, for the modules that query it.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes every connection (checkpointing the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Connection settings shared by the pool and the change watcher.
pub(crate) fn connect_options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(BUSY_TIMEOUT)
        .foreign_keys(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn opens_a_wal_database_with_the_schema() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let tables: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('posts', 'targets', 'accounts')",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(tables, 3);
        store.close().await;
        // Opening again runs no migration twice.
        Store::open(dir.path()).await.unwrap();
    }
}
