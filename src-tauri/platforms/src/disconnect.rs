//! Disconnecting an account (issue 6's cleanup, DESIGN.md §5): posts a platform holds for later
//! are cancelled there while Herald still has the token, the token is revoked at the platform
//! where an API exists (TikTok's `/v2/oauth/revoke/`; Facebook's `DELETE /me/permissions`
//! once the user's last Page goes — it ends access to all of them), every keyring entry of the account is deleted, and its pending
//! targets are stopped — or its posts deleted, as the user chooses.

use std::sync::Arc;

use herald_core::domain::{AccountId, Platform};
use herald_core::publish::{CancelOutcome, Publisher};
use herald_core::vault::{SecretKey, Vault};
use herald_core::{CoreResult, Store};
use jiff::Timestamp;
use serde::Serialize;

use crate::tiktok::TikTokApi;
use crate::{Endpoints, PlatformPublisher};

/// What disconnecting did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DisconnectReport {
    /// The platform revoked Herald's access (`None`: it has no API for that).
    pub revoked: Option<bool>,
    /// Posts the platform held for later, cancelled there.
    pub cancelled_at_platform: usize,
    /// Pending targets stopped (kept as drafts).
    pub stopped_targets: u64,
    /// Posts deleted (when asked).
    pub deleted_posts: u64,
    /// What the user should still do, in plain sentences.
    pub notes: Vec<String>,
}

/// Disconnects an account; with `delete_posts`, its posts go too.
pub async fn disconnect_account(
    store: &Store,
    vault: Arc<dyn Vault>,
    publisher: &PlatformPublisher,
    endpoints: &Endpoints,
    account_id: AccountId,
    delete_posts: bool,
    now: Timestamp,
) -> CoreResult<DisconnectReport> {
    let account = store.account(account_id).await?;
    let mut report = DisconnectReport::default();
    for change in store.handed_off_targets(account_id).await? {
        match publisher.cancel_handoff(&change).await {
            CancelOutcome::Cancelled => report.cancelled_at_platform += 1,
            CancelOutcome::AlreadyPublished { .. } => report.notes.push(format!(
                "A post went live on {} before it could be cancelled ({}).",
                account.platform.display_name(),
                change.remote_id
            )),
            CancelOutcome::RetryAfter(_) => report.notes.push(format!(
                "{} still holds a scheduled post ({}); delete it there.",
                account.platform.display_name(),
                change.remote_id
            )),
        }
    }
    report.revoked = match account.platform {
        Platform::TikTok => Some(
            revoke_tiktok(
                store,
                &vault,
                publisher,
                endpoints,
                account_id,
                account.simulated,
            )
            .await,
        ),
        Platform::Facebook => {
            revoke_facebook(store, &vault, endpoints, account_id, &mut report).await?
        }
        Platform::Instagram => {
            report.notes.push(
                "Instagram has no way for Herald to withdraw its own access: to remove it there too, open Instagram → Settings → Website permissions → Apps and websites and remove the app.".to_owned(),
            );
            None
        }
    };
    match (account.platform, report.revoked) {
        (Platform::TikTok, Some(false)) => report.notes.push("TikTok could not be reached to revoke Herald's access; remove Herald in TikTok's Manage app permissions.".to_owned()),
        (Platform::Facebook, Some(false)) => report.notes.push("Facebook could not be reached to revoke Herald's access; remove the app in Facebook → Settings → Business integrations.".to_owned()),
        _ => {}
    }
    report.stopped_targets = store.cancel_account_targets(account_id, now).await?;
    if delete_posts {
        report.deleted_posts = store.delete_account_posts(account_id).await?;
    }
    let vault_for_delete = vault.clone();
    store
        .disconnect_account(account_id, vault_for_delete.as_ref())
        .await?;
    Ok(report)
}

/// Revokes Herald's Facebook access with the user token the Page was connected with, unless
/// other Pages of the same Facebook user are still connected (revoking would end theirs too).
async fn revoke_facebook(
    store: &Store,
    vault: &Arc<dyn Vault>,
    endpoints: &Endpoints,
    account_id: AccountId,
    report: &mut DisconnectReport,
) -> CoreResult<Option<bool>> {
    let Some((_user, siblings)) = store.login_user_and_siblings(account_id).await? else {
        report.notes.push("This Page was connected with a token file, so Herald cannot withdraw Facebook's access itself: remove the app in Facebook → Settings → Business integrations.".to_owned());
        return Ok(None);
    };
    if !siblings.is_empty() {
        let names: Vec<&str> = siblings.iter().map(|a| a.name.as_str()).collect();
        report.notes.push(format!(
            "Facebook access stays granted because these Pages of the same Facebook user are still connected: {}. Disconnecting the last of them revokes it.",
            names.join(", ")
        ));
        return Ok(None);
    }
    let vault = vault.clone();
    let token = tokio::task::spawn_blocking(move || vault.load(&SecretKey::LoginToken(account_id)))
        .await
        .ok()
        .and_then(Result::ok)
        .flatten();
    let Some(token) = token else {
        return Ok(Some(false));
    };
    let graph = crate::http::GraphHost::new(crate::http::http_client(), &endpoints.facebook_graph);
    let revoked = graph
        .send(graph.request(reqwest::Method::DELETE, "me/permissions", &token))
        .await;
    Ok(Some(match revoked {
        Ok(_) => true,
        // Already revoked or expired: nothing is left to withdraw.
        Err(crate::graph::GraphFailure::Api { error, .. }) if matches!(error.code, 190 | 102) => {
            true
        }
        Err(_) => false,
    }))
}

/// Revokes the account's TikTok token with the user's app (or the sandbox's, for sandbox
/// accounts). True when TikTok confirmed.
async fn revoke_tiktok(
    store: &Store,
    vault: &Arc<dyn Vault>,
    publisher: &PlatformPublisher,
    endpoints: &Endpoints,
    account_id: AccountId,
    simulated: bool,
) -> bool {
    let load = |key: SecretKey| {
        let vault = vault.clone();
        async move {
            tokio::task::spawn_blocking(move || vault.load(&key))
                .await
                .ok()
                .and_then(Result::ok)
                .flatten()
        }
    };
    let Some(token) = load(SecretKey::AccessToken(account_id)).await else {
        return false;
    };
    let Some(app) = publisher.tiktok_app_for(simulated).await else {
        return false;
    };
    let base = if simulated {
        let Ok(Some(port)) = store.sandbox_port().await else {
            return false;
        };
        Endpoints::sandbox(&format!("http://127.0.0.1:{port}")).tiktok_api
    } else {
        endpoints.tiktok_api.clone()
    };
    let api = TikTokApi::new(crate::http::http_client(), &base);
    api.oauth_revoke(&[
        ("client_key", app.client_key.as_str()),
        ("client_secret", app.client_secret.expose()),
        ("token", token.expose()),
    ])
    .await
    .is_ok()
}
