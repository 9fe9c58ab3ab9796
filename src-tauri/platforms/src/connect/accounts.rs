//! Turning tokens into connected accounts, whether they came from a sign-in or a token file:
//! the platform names the account, Herald records it (reusing the existing account of the same
//! platform id, so a reconnect keeps its posts), and the tokens go to the keyring.

use std::sync::Arc;

use herald_core::accounts::NewAccount;
use herald_core::domain::{AccountStatus, AccountView, Platform};
use herald_core::vault::{Secret, SecretKey, Vault};
use herald_core::{CoreError, CoreResult, Store};
use jiff::Timestamp;

use crate::facebook::Facebook;
use crate::graph::GraphFailure;
use crate::instagram::Instagram;
use crate::tiktok::tokens::{save_tokens, IssuedTokens};
use crate::tiktok::{TikTok, TikTokFailure};
use crate::Endpoints;

/// An Instagram professional account from its (long-lived) token.
pub(crate) async fn save_instagram(
    store: &Store,
    vault: &Arc<dyn Vault>,
    endpoints: &Endpoints,
    token: Secret,
    expires_at: Option<Timestamp>,
    now: Timestamp,
) -> CoreResult<AccountView> {
    let profile = Instagram::new(endpoints, std::env::temp_dir())
        .profile(&token)
        .await
        .map_err(|failure| read_failure("Instagram", &failure))?;
    let account = store
        .upsert_account(
            &NewAccount {
                platform: Platform::Instagram,
                platform_account_id: profile.user_id,
                name: profile.username,
                simulated: false,
            },
            now,
        )
        .await?;
    keep_token(store, vault, SecretKey::AccessToken(account.id), token).await?;
    store
        .record_token_issued(account.id, now, expires_at)
        .await?;
    store.account(account.id).await
}

/// Every Facebook Page a (long-lived) user token manages, each with its own Page token. With
/// `login` (the user's id and token, from a sign-in), each Page remembers them so that
/// disconnecting the user's last Page can revoke Herald's access.
pub(crate) async fn save_facebook_pages(
    store: &Store,
    vault: &Arc<dyn Vault>,
    endpoints: &Endpoints,
    user_token: &Secret,
    login: Option<(&str, &Secret)>,
    now: Timestamp,
) -> CoreResult<Vec<AccountView>> {
    let pages = Facebook::new(endpoints)
        .pages(user_token)
        .await
        .map_err(|failure| read_failure("Facebook", &failure))?;
    if pages.is_empty() {
        return Err(CoreError::invalid(
            "this Facebook user manages no Page (or none was selected in Facebook's dialog). Herald publishes to Pages: choose at least one Page when you connect",
        ));
    }
    let mut saved = Vec::with_capacity(pages.len());
    for page in pages {
        let account = store
            .upsert_account(
                &NewAccount {
                    platform: Platform::Facebook,
                    platform_account_id: page.id,
                    name: page.name,
                    simulated: false,
                },
                now,
            )
            .await?;
        keep_token(store, vault, SecretKey::AccessToken(account.id), page.token).await?;
        if let Some((user_id, token)) = login {
            keep_token(
                store,
                vault,
                SecretKey::LoginToken(account.id),
                token.clone(),
            )
            .await?;
            store.set_login_user(account.id, user_id).await?;
        }
        // Page tokens from a long-lived user token do not expire.
        store.record_token_issued(account.id, now, None).await?;
        saved.push(store.account(account.id).await?);
    }
    Ok(saved)
}

/// A TikTok creator from issued tokens; also records the creator's posting options.
pub(crate) async fn save_tiktok(
    store: &Store,
    vault: &Arc<dyn Vault>,
    endpoints: &Endpoints,
    tokens: IssuedTokens,
    now: Timestamp,
) -> CoreResult<AccountView> {
    let client = TikTok::new(endpoints, std::env::temp_dir());
    let user = client
        .user(&tokens.access_token)
        .await
        .map_err(|failure| tiktok_read_failure(&failure))?;
    let creator = client
        .creator_info(&tokens.access_token)
        .await
        .map_err(|failure| tiktok_read_failure(&failure))?;
    let account = store
        .upsert_account(
            &NewAccount {
                platform: Platform::TikTok,
                platform_account_id: user.open_id,
                name: creator
                    .username
                    .clone()
                    .or(user.username.clone())
                    .map(|u| format!("@{u}"))
                    .unwrap_or(user.display_name),
                simulated: false,
            },
            now,
        )
        .await?;
    if let Err(failure) = save_tokens(store, vault, account.id, tokens).await {
        store
            .mark_needs_reconnect(account.id, &failure.message)
            .await?;
        return Err(CoreError::Unavailable(failure.message));
    }
    store.set_tiktok_creator(account.id, &creator).await?;
    store.account(account.id).await
}

/// Stores a token; when the keyring refuses, the account is marked *needs reconnect* (it has
/// no usable token) and the keyring's error is returned.
async fn keep_token(
    store: &Store,
    vault: &Arc<dyn Vault>,
    key: SecretKey,
    token: Secret,
) -> CoreResult<()> {
    let account = match key {
        SecretKey::AccessToken(id) | SecretKey::RefreshToken(id) | SecretKey::LoginToken(id) => {
            Some(id)
        }
        _ => None,
    };
    let vault = vault.clone();
    let stored = tokio::task::spawn_blocking(move || vault.store(&key, &token))
        .await
        .map_err(|err| CoreError::Unavailable(format!("the keyring task failed: {err}")))?;
    if let Err(err) = stored {
        if let Some(id) = account {
            store
                .set_account_status(id, AccountStatus::NeedsReconnect)
                .await?;
        }
        return Err(err.into());
    }
    Ok(())
}

/// Why reading the account failed, as a sentence for someone connecting it.
pub(crate) fn read_failure(network: &str, failure: &GraphFailure) -> CoreError {
    match failure {
        GraphFailure::Network(reason) => CoreError::Unavailable(format!(
            "could not reach {network} ({reason}); check the internet connection and connect again"
        )),
        GraphFailure::Api { error, .. } if matches!(error.code, 190 | 102) => {
            CoreError::invalid(format!(
                "{network} refused the token ({}): it has expired or was revoked; connect the account again",
                error.code_text()
            ))
        }
        other => CoreError::Unavailable(other.to_publish_failure(network).message),
    }
}

/// Why reading a TikTok account failed, for someone connecting it.
pub(crate) fn tiktok_read_failure(failure: &TikTokFailure) -> CoreError {
    match failure {
        TikTokFailure::Network(reason) => CoreError::Unavailable(format!(
            "could not reach TikTok ({reason}); check the internet connection and connect again"
        )),
        TikTokFailure::Api { code, .. } if code == "access_token_invalid" => CoreError::invalid(
            "TikTok refused the access token: it has expired or was revoked; connect the account again",
        ),
        other => CoreError::Unavailable(crate::tiktok::classify_failure(other).message),
    }
}
