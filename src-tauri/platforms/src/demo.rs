//! "Try Herald with sandbox accounts": the built-in sandbox's Facebook Pages, Instagram accounts
//! and TikTok creators as accounts that are clearly marked as simulated, publish only to the
//! sandbox on 127.0.0.1, and are removed in one step. The resident process (or `herald run`) hosts the sandbox while this is on.

use std::sync::Arc;

use herald_core::accounts::NewAccount;
use herald_core::creator::TikTokCreator;
use herald_core::domain::{AccountView, Platform};
use herald_core::vault::{Secret, SecretKey, Vault};
use herald_core::{CoreError, CoreResult, Store};

use crate::tiktok::tokens::TikTokApp;
use jiff::Timestamp;

/// The TikTok app sandbox accounts belong to (the sandbox's seeded client key and secret).
pub fn sandbox_tiktok_app() -> TikTokApp {
    let seed = herald_sandbox::Seed::default();
    TikTokApp {
        client_key: seed.tiktok_client_key,
        client_secret: Secret::new(seed.tiktok_client_secret),
    }
}

/// The port the built-in sandbox listens on unless told otherwise.
pub const DEFAULT_SANDBOX_PORT: u16 = 47831;

/// Adds the sandbox's accounts (tokens into the keyring, like real ones) and turns the sandbox
/// on at `port`.
pub async fn enable_sandbox(
    store: &Store,
    vault: Arc<dyn Vault>,
    port: u16,
    now: Timestamp,
) -> CoreResult<Vec<AccountView>> {
    let seed = herald_sandbox::Seed::default();
    let mut accounts = Vec::new();
    for user in seed
        .facebook_users
        .iter()
        .filter(|u| u.token_expires_in.is_none_or(|s| s > 0))
    {
        for page in &user.pages {
            let account = store
                .upsert_account(
                    &NewAccount {
                        platform: Platform::Facebook,
                        platform_account_id: page.id.clone(),
                        name: format!("{} (sandbox)", page.name),
                        simulated: true,
                    },
                    now,
                )
                .await?;
            store_token(&vault, account.id, &page.token).await?;
            accounts.push(account);
        }
    }
    for ig in seed
        .instagram_accounts
        .iter()
        .filter(|a| a.token_expires_in.is_none_or(|s| s > 0))
    {
        let account = store
            .upsert_account(
                &NewAccount {
                    platform: Platform::Instagram,
                    platform_account_id: ig.user_id.clone(),
                    name: format!("{} (sandbox)", ig.username),
                    simulated: true,
                },
                now,
            )
            .await?;
        store_token(&vault, account.id, &ig.token).await?;
        accounts.push(account);
    }
    for creator in seed
        .tiktok_creators
        .iter()
        .filter(|c| c.access_token_expires_in > 0 && !c.banned_from_posting)
    {
        let account = store
            .upsert_account(
                &NewAccount {
                    platform: Platform::TikTok,
                    platform_account_id: creator.open_id.clone(),
                    name: format!("@{} (sandbox)", creator.username),
                    simulated: true,
                },
                now,
            )
            .await?;
        store_token(&vault, account.id, &creator.access_token).await?;
        let refresh = vault.clone();
        let token = Secret::new(creator.refresh_token.clone());
        let key = SecretKey::RefreshToken(account.id);
        tokio::task::spawn_blocking(move || refresh.store(&key, &token))
            .await
            .map_err(|err| CoreError::Unavailable(format!("the keyring task failed: {err}")))??;
        store
            .set_tiktok_creator(
                account.id,
                &TikTokCreator {
                    nickname: creator.display_name.clone(),
                    username: Some(creator.username.clone()),
                    privacy_level_options: creator.privacy_level_options.clone(),
                    comment_disabled: creator.comment_disabled,
                    duet_disabled: creator.duet_disabled,
                    stitch_disabled: creator.stitch_disabled,
                    max_video_post_duration_sec: creator.max_video_post_duration_sec,
                    checked_at: now.to_string(),
                },
            )
            .await?;
        accounts.push(account);
    }
    store.set_sandbox_port(Some(port)).await?;
    Ok(accounts)
}

/// Removes the sandbox accounts, their posts and tokens, and turns the sandbox off. Returns how
/// many accounts were removed.
pub async fn disable_sandbox(store: &Store, vault: Arc<dyn Vault>) -> CoreResult<usize> {
    let removed = store.remove_simulated_accounts(vault.as_ref()).await?;
    store.set_sandbox_port(None).await?;
    Ok(removed)
}

/// Puts a sandbox account's token in the keyring, like a real one.
async fn store_token(vault: &Arc<dyn Vault>, account: i64, token: &str) -> CoreResult<()> {
    let vault = vault.clone();
    let token = Secret::new(token.to_owned());
    let key = SecretKey::AccessToken(account);
    tokio::task::spawn_blocking(move || vault.store(&key, &token))
        .await
        .map_err(|err| CoreError::Unavailable(format!("the keyring task failed: {err}")))??;
    Ok(())
}
