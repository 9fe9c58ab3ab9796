//! Helpers shared by the core's integration tests.
#![allow(dead_code)]

use herald_core::accounts::NewAccount;
use herald_core::domain::{AccountView, Platform, PostKind};
use herald_core::posts::NewPost;
use herald_core::time::DueTime;
use herald_core::Store;
use jiff::{SignedDuration, Timestamp};

/// A fresh database in a temporary directory (kept alive by the returned guard).
pub async fn store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).await.expect("open store");
    (store, dir)
}

/// A fixed "now" for tests: 2026-11-24 12:00 UTC.
pub fn now() -> Timestamp {
    "2026-11-24T12:00:00Z".parse().expect("valid time")
}

/// `now()` plus some minutes.
pub fn in_minutes(minutes: i64) -> Timestamp {
    now() + SignedDuration::from_mins(minutes)
}

/// Adds a connected account.
pub async fn account(store: &Store, platform: Platform, name: &str) -> AccountView {
    store
        .upsert_account(
            &NewAccount {
                platform,
                platform_account_id: format!("{platform}-{name}"),
                name: name.to_owned(),
                simulated: false,
            },
            now(),
        )
        .await
        .expect("add account")
}

/// A scheduled post for the given accounts at `at`, planned in `zone`.
pub fn scheduled(accounts: &[i64], at: Timestamp, zone: &str) -> NewPost {
    NewPost {
        caption: "Launch day!".to_owned(),
        kind: PostKind::Post,
        due: Some(DueTime {
            at,
            zone: zone.to_owned(),
        }),
        draft: false,
        accounts: accounts.to_vec(),
        media: Vec::new(),
        options: Default::default(),
    }
}

/// How many rows each table has: to prove a failed call changed nothing.
pub async fn row_counts(store: &Store) -> (i64, i64, i64) {
    let count = |table: &'static str| async move {
        sqlx::query_scalar::<_, i64>(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(store.pool())
            .await
            .expect("count")
    };
    (
        count("posts").await,
        count("targets").await,
        count("media").await,
    )
}
