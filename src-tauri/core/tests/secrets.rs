//! Secrets never reach SQLite or the logs: planted values are searched for in the database
//! file, its WAL and the log files after the operations that handle them.

mod common;

use common::*;
use herald_core::apps::DeveloperAppInput;
use herald_core::domain::Platform;
use herald_core::vault::{MemoryVault, Secret, SecretKey, Vault};

const PLANTED: &str = "planted-secret-8c1f0e2d";

fn files_containing(dir: &std::path::Path, needle: &str) -> Vec<std::path::PathBuf> {
    let mut hits = Vec::new();
    for entry in walk(dir) {
        if std::fs::read(&entry)
            .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
            .unwrap_or(false)
        {
            hits.push(entry);
        }
    }
    hits
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[tokio::test]
async fn app_secrets_and_tokens_stay_out_of_the_database_and_logs() {
    let (store, dir) = store().await;
    let guard = herald_core::logging::init(dir.path(), "secrets-test", false).unwrap();
    let vault = MemoryVault::new();
    let secret = Secret::new(PLANTED);

    store
        .set_developer_app(
            &DeveloperAppInput {
                platform: Platform::TikTok,
                client_id: "client-key-1",
                redirect_uri: None,
                secret: Some(&secret),
            },
            &vault,
            now(),
        )
        .await
        .unwrap();
    let studio = account(&store, Platform::Facebook, "studio").await;
    vault
        .store(&SecretKey::AccessToken(studio.id), &secret)
        .unwrap();
    // Code that logs a secret by mistake still writes only the redaction.
    tracing::error!(token = %secret, debug = ?secret, "logging a secret by mistake");
    store.disconnect_account(studio.id, &vault).await.unwrap();
    drop(guard);
    store.close().await;

    assert_eq!(
        vault
            .load(&SecretKey::AppSecret(Platform::TikTok))
            .unwrap()
            .unwrap()
            .expose(),
        PLANTED
    );
    assert!(
        vault
            .load(&SecretKey::AccessToken(studio.id))
            .unwrap()
            .is_none(),
        "disconnect deletes tokens"
    );
    assert!(
        files_containing(dir.path(), PLANTED).is_empty(),
        "secret found on disk"
    );
    let logs = walk(&dir.path().join("logs"));
    assert!(!logs.is_empty());
    assert!(logs.iter().any(|f| std::fs::read_to_string(f)
        .unwrap_or_default()
        .contains("[redacted]")));
}

#[tokio::test]
async fn empty_secrets_and_ids_are_refused_before_anything_is_stored() {
    let (store, _dir) = store().await;
    let vault = MemoryVault::new();
    let err = store
        .set_developer_app(
            &DeveloperAppInput {
                platform: Platform::Facebook,
                client_id: "123",
                redirect_uri: Some("https://me.github.io/herald/oauth/facebook/"),
                secret: Some(&Secret::new("")),
            },
            &vault,
            now(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("secret is empty"), "{err}");
    assert!(store
        .developer_app_id(Platform::Facebook)
        .await
        .unwrap()
        .is_none());
    assert!(vault
        .load(&SecretKey::AppSecret(Platform::Facebook))
        .unwrap()
        .is_none());
}
