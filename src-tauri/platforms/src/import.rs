//! `herald accounts import`: turning a token file into connected accounts, tokens into the
//! keyring (each written before the account is marked usable). Signing in through the
//! platform (`connect`) is the usual way; this serves tokens obtained elsewhere.

use std::path::Path;
use std::sync::Arc;

use herald_core::domain::{AccountView, Platform};
use herald_core::vault::Vault;
use herald_core::{CoreResult, Store};
use jiff::Timestamp;

use crate::connect::accounts::{save_facebook_pages, save_instagram, save_tiktok};
use crate::tiktok::tokens::IssuedTokens;
use crate::{Endpoints, TokenFile};

/// Imports the accounts a token file gives access to: for Facebook, every Page the user token
/// manages (with its own Page token); for Instagram, the professional account of the token;
/// for TikTok, the creator (with the refresh token, when the file has one).
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
            save_facebook_pages(store, &vault, endpoints, &tokens.access_token, None, now).await
        }
        Platform::Instagram => {
            let expires_at = seconds_after(now, tokens.expires_in);
            save_instagram(
                store,
                &vault,
                endpoints,
                tokens.access_token,
                expires_at,
                now,
            )
            .await
            .map(|account| vec![account])
        }
        Platform::TikTok => {
            let issued = IssuedTokens {
                access_token: tokens.access_token,
                refresh_token: tokens.refresh_token,
                access_expires_at: seconds_after(now, tokens.expires_in),
                refresh_expires_at: seconds_after(now, tokens.refresh_expires_in),
            };
            save_tiktok(store, &vault, endpoints, issued, now)
                .await
                .map(|account| vec![account])
        }
    }
}

pub(crate) fn seconds_after(now: Timestamp, seconds: Option<u64>) -> Option<Timestamp> {
    let seconds = i64::try_from(seconds?).ok()?;
    now.checked_add(jiff::SignedDuration::from_secs(seconds))
        .ok()
}
