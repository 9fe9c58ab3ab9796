//! TikTok's 24-hour access tokens, refreshed ahead of use (`../shared/platforms/tiktok-api.md`
//! §1.6). TikTok may rotate the refresh token on every refresh, invalidating the old one, so the
//! new refresh token is written to the keyring **before** anything else: a crash right after can
//! never leave Herald without a valid refresh token.

use std::sync::Arc;
use std::time::Duration;

use herald_core::domain::AccountId;
use herald_core::failpoint::pause_point;
use herald_core::publish::{PublishFailure, Retry};
use herald_core::vault::{Secret, SecretKey, Vault};
use herald_core::Store;
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use super::api::{TikTokApi, TikTokFailure};

/// A token with less than this left is refreshed before use (a long upload can outlive it).
pub const REFRESH_MARGIN: SignedDuration = SignedDuration::from_hours(1);

/// The user's own TikTok app (its client key, and the secret from the keyring).
#[derive(Debug, Clone)]
pub struct TikTokApp {
    pub client_key: String,
    pub client_secret: Secret,
}

/// What a token answer says, with expiry instants computed from `now`.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    pub access_expires_at: Option<Timestamp>,
    pub refresh_expires_at: Option<Timestamp>,
}

impl IssuedTokens {
    /// Reads the flat token answer.
    pub fn from_answer(answer: &Value, now: Timestamp) -> Option<IssuedTokens> {
        let secret = |name: &str| {
            answer
                .get(name)
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .map(Secret::new)
        };
        let after = |name: &str| {
            answer
                .get(name)
                .and_then(Value::as_i64)
                .filter(|s| *s > 0)
                .and_then(|s| now.checked_add(SignedDuration::from_secs(s)).ok())
        };
        Some(IssuedTokens {
            access_token: secret("access_token")?,
            refresh_token: secret("refresh_token"),
            access_expires_at: after("expires_in"),
            refresh_expires_at: after("refresh_expires_in"),
        })
    }
}

/// Stores issued tokens: the refresh token first, then the access token, then the expiry.
pub async fn save_tokens(
    store: &Store,
    vault: &Arc<dyn Vault>,
    account: AccountId,
    tokens: IssuedTokens,
) -> Result<(), PublishFailure> {
    if let Some(refresh) = tokens.refresh_token {
        keyring_store(vault, SecretKey::RefreshToken(account), refresh).await?;
        pause_point("tiktok.refresh.refresh_token_saved");
    }
    keyring_store(vault, SecretKey::AccessToken(account), tokens.access_token).await?;
    store
        .set_token_expiry(account, tokens.access_expires_at, tokens.refresh_expires_at)
        .await
        .map_err(|err| PublishFailure {
            code: "storage".to_owned(),
            message: format!(
                "Herald could not record the token's expiry ({err}); it will try again."
            ),
            retry: Retry::After(Duration::from_secs(30)),
        })
}

/// An access token good for at least [`REFRESH_MARGIN`], refreshed (and the refresh token
/// rotated) when needed.
pub async fn fresh_access_token(
    store: &Store,
    vault: &Arc<dyn Vault>,
    api: &TikTokApi,
    app: Option<&TikTokApp>,
    account: AccountId,
    now: Timestamp,
) -> Result<Secret, PublishFailure> {
    let expires_at = store.token_expires_at(account).await.ok().flatten();
    let fresh = expires_at.is_none_or(|at| at > now + REFRESH_MARGIN);
    if fresh {
        if let Some(token) = keyring_load(vault, SecretKey::AccessToken(account)).await? {
            return Ok(token);
        }
    }
    let Some(app) = app else {
        return Err(PublishFailure {
            code: "no_tiktok_app".to_owned(),
            message: "TikTok's access token needs refreshing and Herald has no TikTok app to do it with. Set your app with `herald apps set --platform tiktok` (Settings → Platforms), then retry.".to_owned(),
            retry: Retry::Never,
        });
    };
    let Some(refresh) = keyring_load(vault, SecretKey::RefreshToken(account)).await? else {
        return Err(reconnect(
            "Herald has no TikTok refresh token for this account.",
        ));
    };
    let answer = api
        .oauth_token(&[
            ("client_key", app.client_key.as_str()),
            ("client_secret", app.client_secret.expose()),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.expose()),
        ])
        .await;
    let answer = match answer {
        Ok(answer) => answer,
        Err(TikTokFailure::Api { code, .. })
            if code == "invalid_grant" || code == "invalid_request" =>
        {
            return Err(reconnect(
                "TikTok no longer accepts the refresh token (it expired or access was revoked).",
            ))
        }
        Err(other) => return Err(super::errors::classify(&other)),
    };
    let tokens = IssuedTokens::from_answer(&answer, now).ok_or_else(|| {
        super::errors::classify(&TikTokFailure::Malformed("no access token".into()))
    })?;
    let access = tokens.access_token.clone();
    save_tokens(store, vault, account, tokens).await?;
    tracing::info!(account, "refreshed the TikTok access token");
    Ok(access)
}

fn reconnect(why: &str) -> PublishFailure {
    PublishFailure {
        code: "refresh_failed".to_owned(),
        message: format!("{why} Reconnect the account in Herald."),
        retry: Retry::Reconnect,
    }
}

async fn keyring_load(
    vault: &Arc<dyn Vault>,
    key: SecretKey,
) -> Result<Option<Secret>, PublishFailure> {
    let vault = vault.clone();
    tokio::task::spawn_blocking(move || vault.load(&key))
        .await
        .map_err(|err| keyring_failure(&err.to_string()))?
        .map_err(|err| keyring_failure(&err.to_string()))
}

async fn keyring_store(
    vault: &Arc<dyn Vault>,
    key: SecretKey,
    secret: Secret,
) -> Result<(), PublishFailure> {
    let vault = vault.clone();
    tokio::task::spawn_blocking(move || vault.store(&key, &secret))
        .await
        .map_err(|err| keyring_failure(&err.to_string()))?
        .map_err(|err| keyring_failure(&err.to_string()))
}

fn keyring_failure(reason: &str) -> PublishFailure {
    PublishFailure {
        code: "keyring".to_owned(),
        message: format!("Herald could not use the OS keyring ({reason}); it will try again."),
        retry: Retry::After(Duration::from_secs(5 * 60)),
    }
}
