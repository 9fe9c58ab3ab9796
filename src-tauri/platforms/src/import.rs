//! `herald accounts import`: turning a token file into connected accounts, tokens into the
//! keyring (each written before the account is marked usable).

use std::path::Path;
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
use crate::{Endpoints, TokenFile};

/// Imports the accounts a token file gives access to: for Facebook, every Page the user token
/// manages (with its own Page token); for Instagram, the professional account of the token.
pub async fn import_accounts(
    store: &Store,
    vault: Arc<dyn Vault>,
    endpoints: &Endpoints,
    platform: Platform,
    token_file: &Path,
    now: Timestamp,
) -> CoreResult<Vec<AccountView>> {
    let tokens = TokenFile::read(token_file)?;
    match platform {
        Platform::Facebook => {
            let pages = Facebook::new(endpoints)
                .pages(&tokens.access_token)
                .await
                .map_err(|failure| import_failure("Facebook", &failure))?;
            if pages.is_empty() {
                return Err(CoreError::invalid(
                    "this Facebook token manages no Page; Herald publishes to Pages, so connect a user who manages one",
                ));
            }
            let mut imported = Vec::with_capacity(pages.len());
            for page in pages {
                let account = store
                    .upsert_account(
                        &NewAccount {
                            platform,
                            platform_account_id: page.id,
                            name: page.name,
                            simulated: false,
                        },
                        now,
                    )
                    .await?;
                if let Err(err) =
                    store_token(&vault, SecretKey::AccessToken(account.id), page.token).await
                {
                    store
                        .set_account_status(account.id, AccountStatus::NeedsReconnect)
                        .await?;
                    return Err(err);
                }
                imported.push(store.account(account.id).await?);
            }
            Ok(imported)
        }
        Platform::Instagram => {
            let client = Instagram::new(endpoints, std::env::temp_dir());
            let profile = client
                .profile(&tokens.access_token)
                .await
                .map_err(|failure| import_failure("Instagram", &failure))?;
            let account = store
                .upsert_account(
                    &NewAccount {
                        platform,
                        platform_account_id: profile.user_id,
                        name: profile.username,
                        simulated: false,
                    },
                    now,
                )
                .await?;
            if let Err(err) = store_token(
                &vault,
                SecretKey::AccessToken(account.id),
                tokens.access_token,
            )
            .await
            {
                store
                    .set_account_status(account.id, AccountStatus::NeedsReconnect)
                    .await?;
                return Err(err);
            }
            Ok(vec![store.account(account.id).await?])
        }
        Platform::TikTok => {
            let client = TikTok::new(endpoints, std::env::temp_dir());
            let user = client
                .user(&tokens.access_token)
                .await
                .map_err(|failure| tiktok_import_failure(&failure))?;
            let creator = client
                .creator_info(&tokens.access_token)
                .await
                .map_err(|failure| tiktok_import_failure(&failure))?;
            let account = store
                .upsert_account(
                    &NewAccount {
                        platform,
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
            let issued = IssuedTokens {
                access_token: tokens.access_token,
                refresh_token: tokens.refresh_token,
                access_expires_at: seconds_after(now, tokens.expires_in),
                refresh_expires_at: seconds_after(now, tokens.refresh_expires_in),
            };
            if let Err(failure) = save_tokens(store, &vault, account.id, issued).await {
                store
                    .set_account_status(account.id, AccountStatus::NeedsReconnect)
                    .await?;
                return Err(CoreError::Unavailable(failure.message));
            }
            store.set_tiktok_creator(account.id, &creator).await?;
            Ok(vec![store.account(account.id).await?])
        }
    }
}

async fn store_token(vault: &Arc<dyn Vault>, key: SecretKey, token: Secret) -> CoreResult<()> {
    let vault = vault.clone();
    tokio::task::spawn_blocking(move || vault.store(&key, &token))
        .await
        .map_err(|err| CoreError::Unavailable(format!("the keyring task failed: {err}")))??;
    Ok(())
}

/// Why reading the account failed, as a sentence for someone importing a token.
fn import_failure(network: &str, failure: &GraphFailure) -> CoreError {
    match failure {
        GraphFailure::Network(reason) => CoreError::Unavailable(format!(
            "could not reach {network} ({reason}); check the internet connection and import again"
        )),
        GraphFailure::Api { error, .. } if matches!(error.code, 190 | 102) => {
            CoreError::invalid(format!(
                "{network} refused the token ({}): it has expired or was revoked; get a new token and import again",
                error.code_text()
            ))
        }
        other => CoreError::Unavailable(other.to_publish_failure(network).message),
    }
}

/// Why reading a TikTok account failed, for someone importing a token.
fn tiktok_import_failure(failure: &TikTokFailure) -> CoreError {
    match failure {
        TikTokFailure::Network(reason) => CoreError::Unavailable(format!(
            "could not reach TikTok ({reason}); check the internet connection and import again"
        )),
        TikTokFailure::Api { code, .. } if code == "access_token_invalid" => CoreError::invalid(
            "TikTok refused the access token: it has expired or was revoked; get a new token and import again",
        ),
        other => CoreError::Unavailable(crate::tiktok::classify_failure(other).message),
    }
}

fn seconds_after(now: Timestamp, seconds: Option<u64>) -> Option<Timestamp> {
    let seconds = i64::try_from(seconds?).ok()?;
    now.checked_add(jiff::SignedDuration::from_secs(seconds))
        .ok()
}
