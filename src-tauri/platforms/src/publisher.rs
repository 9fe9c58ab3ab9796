//! The publisher the scheduler uses: picks the platform client for each target and reads the
//! account's token from the keyring just before the call.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use herald_core::domain::{AccountId, Platform};
use herald_core::publish::{
    CancelOutcome, Progress, PublishFailure, PublishJob, PublishOutcome, Publisher, Retry,
};
use herald_core::scheduler::{NoPlatformClients, RemoteChange};
use herald_core::vault::{Secret, SecretKey, Vault};
use jiff::SignedDuration;

use crate::facebook::{self, Facebook};
use crate::Endpoints;

/// Publishes to every platform Herald supports.
#[derive(Clone)]
pub struct PlatformPublisher {
    facebook: Facebook,
    /// The client for sandbox accounts, while the built-in sandbox is on.
    sandbox: Arc<RwLock<Option<Facebook>>>,
    vault: Arc<dyn Vault>,
}

impl PlatformPublisher {
    /// A publisher talking to `endpoints`, reading tokens from `vault`.
    pub fn new(endpoints: &Endpoints, vault: Arc<dyn Vault>) -> Self {
        PlatformPublisher {
            facebook: Facebook::new(endpoints),
            sandbox: Arc::new(RwLock::new(None)),
            vault,
        }
    }

    /// Points sandbox accounts at the built-in sandbox on `port` (or nowhere).
    pub fn set_sandbox_port(&self, port: Option<u16>) {
        let client = port
            .map(|port| Facebook::new(&Endpoints::sandbox(&format!("http://127.0.0.1:{port}"))));
        *self.sandbox.write().unwrap_or_else(PoisonError::into_inner) = client;
    }

    /// The Facebook client for an account: the sandbox's for sandbox accounts.
    fn facebook_for(&self, simulated: bool) -> Result<Facebook, PublishFailure> {
        if !simulated {
            return Ok(self.facebook.clone());
        }
        self.sandbox
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or_else(|| PublishFailure {
                // The resident process starts the sandbox when it sees the setting; a target
                // claimed in the same instant waits a moment (no attempt is spent).
                code: "sandbox_starting".to_owned(),
                message: "This is a sandbox account and the sandbox is not serving yet; Herald will try again in a moment.".to_owned(),
                retry: Retry::RateLimited(Duration::from_secs(2)),
            })
    }

    async fn token(&self, account_id: AccountId) -> Result<Secret, PublishFailure> {
        let vault = self.vault.clone();
        let loaded =
            tokio::task::spawn_blocking(move || vault.load(&SecretKey::AccessToken(account_id)))
                .await
                .map_err(|err| PublishFailure {
                    code: "internal".to_owned(),
                    message: format!(
                        "Herald could not read the keyring ({err}); it will try again."
                    ),
                    retry: Retry::After(Duration::from_secs(60)),
                })?;
        match loaded {
            Ok(Some(token)) => Ok(token),
            Ok(None) => Err(PublishFailure {
                code: "no_token".to_owned(),
                message:
                    "Herald has no token for this account in the keyring. Reconnect the account."
                        .to_owned(),
                retry: Retry::Reconnect,
            }),
            Err(err) => Err(PublishFailure {
                code: "keyring".to_owned(),
                message: err.to_string(),
                retry: Retry::After(Duration::from_secs(5 * 60)),
            }),
        }
    }
}

impl Publisher for PlatformPublisher {
    async fn publish(&self, job: &PublishJob, progress: &Progress) -> PublishOutcome {
        match job.platform {
            Platform::Facebook => {
                let client = match self.facebook_for(job.simulated) {
                    Ok(client) => client,
                    Err(failure) => return PublishOutcome::Failed(failure),
                };
                match self.token(job.account_id).await {
                    Ok(token) => client.publish(job, &token, progress).await,
                    Err(failure) => PublishOutcome::Failed(failure),
                }
            }
            Platform::Instagram | Platform::TikTok => {
                NoPlatformClients.publish(job, progress).await
            }
        }
    }

    fn handoff_window(&self, platform: Platform) -> Option<(SignedDuration, SignedDuration)> {
        (platform == Platform::Facebook)
            .then_some((facebook::HANDOFF_EARLIEST, facebook::HANDOFF_LATEST))
    }

    async fn cancel_handoff(&self, change: &RemoteChange) -> CancelOutcome {
        match change.platform {
            Platform::Facebook => {
                let Ok(client) = self.facebook_for(change.simulated) else {
                    return CancelOutcome::RetryAfter(Duration::from_secs(60));
                };
                match self.token(change.account_id).await {
                    Ok(token) => client.cancel_scheduled(&change.remote_id, &token).await,
                    Err(_) => CancelOutcome::RetryAfter(Duration::from_secs(5 * 60)),
                }
            }
            Platform::Instagram | Platform::TikTok => CancelOutcome::Cancelled,
        }
    }
}
