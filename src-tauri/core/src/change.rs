//! The change signal between Herald's processes: SQLite's `data_version` goes up whenever
//! another connection commits, so polling it on a dedicated connection is a cheap way to learn
//! that the window, the tray or the command line changed something.

use std::time::Duration;

use sqlx::{ConnectOptions, Connection};
use tokio::sync::watch;

use crate::error::CoreResult;
use crate::store::{connect_options, Store};

/// How often the change watcher polls by default.
pub const DEFAULT_POLL: Duration = Duration::from_millis(500);

/// Watches the database for commits made through any other connection. The receiver's value
/// is a counter that increases at each change seen; the task ends when every receiver is gone.
pub async fn watch_changes(store: &Store, every: Duration) -> CoreResult<watch::Receiver<u64>> {
    let mut conn = connect_options(store.path()).connect().await?;
    let mut last: i64 = sqlx::query_scalar("PRAGMA data_version")
        .fetch_one(&mut conn)
        .await?;
    let (tx, rx) = watch::channel(0u64);
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            ticker.tick().await;
            if tx.is_closed() {
                break;
            }
            match sqlx::query_scalar::<_, i64>("PRAGMA data_version")
                .fetch_one(&mut conn)
                .await
            {
                Ok(version) if version != last => {
                    last = version;
                    tx.send_modify(|n| *n += 1);
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(%err, "cannot read the database's change counter"),
            }
        }
        let _ = conn.close().await;
    });
    Ok(rx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_commit_elsewhere_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let mut changes = watch_changes(&store, Duration::from_millis(20))
            .await
            .unwrap();
        store.set_publishing_paused(true).await.unwrap();
        tokio::time::timeout(Duration::from_secs(5), changes.changed())
            .await
            .expect("the change was not seen")
            .unwrap();
        assert_eq!(*changes.borrow(), 1);
    }
}
