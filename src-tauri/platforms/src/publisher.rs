//! The publisher the scheduler uses: picks the platform client for each target and reads the
//! account's token from the keyring (and the media relay's settings) just before the call.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use herald_core::domain::{AccountId, Platform};
use herald_core::publish::{
    CancelOutcome, Progress, PublishFailure, PublishJob, PublishOutcome, Publisher, Retry,
};
use herald_core::relay::RelayCredentials;
use herald_core::scheduler::RemoteChange;
use herald_core::vault::{Secret, SecretKey, Vault};
use herald_core::Store;
use jiff::{SignedDuration, Timestamp};

use crate::facebook::{self, Facebook};
use crate::instagram::Instagram;
use crate::relay::{Relay, RelayConfig, RelayError};
use crate::tiktok::tokens::{self, TikTokApp};
use crate::tiktok::{TikTok, TikTokApi};
use crate::Endpoints;

/// Relay objects older than this are orphans (presigned URLs live at most an hour).
const ORPHAN_AGE: Duration = Duration::from_secs(2 * 60 * 60);
/// How often the relay is swept for orphans.
const SWEEP_EVERY: Duration = Duration::from_secs(60 * 60);

/// Publishes to every platform Herald supports.
#[derive(Clone)]
pub struct PlatformPublisher {
    facebook: Facebook,
    instagram: Instagram,
    tiktok: TikTok,
    tiktok_api: TikTokApi,
    /// The clients for sandbox accounts, while the built-in sandbox is on.
    sandbox: Arc<RwLock<Option<SandboxClients>>>,
    vault: Arc<dyn Vault>,
    /// Where the media relay's settings are read (none: Instagram media cannot be relayed).
    store: Option<Store>,
    work_dir: PathBuf,
    last_sweep: Arc<Mutex<Option<Instant>>>,
}

/// The clients of the built-in sandbox.
#[derive(Clone)]
struct SandboxClients {
    facebook: Facebook,
    instagram: Instagram,
    tiktok: TikTok,
    tiktok_api: TikTokApi,
    relay: Option<Relay>,
}

impl PlatformPublisher {
    /// A publisher talking to `endpoints`, reading tokens from `vault`. Instagram's media relay
    /// needs [`PlatformPublisher::with_store`].
    pub fn new(endpoints: &Endpoints, vault: Arc<dyn Vault>) -> Self {
        let work_dir = std::env::temp_dir().join("herald-publishing");
        PlatformPublisher {
            facebook: Facebook::new(endpoints),
            instagram: Instagram::new(endpoints, work_dir.clone()),
            tiktok: TikTok::new(endpoints, work_dir.clone()),
            tiktok_api: TikTokApi::new(crate::http::http_client(), &endpoints.tiktok_api),
            sandbox: Arc::new(RwLock::new(None)),
            vault,
            store: None,
            work_dir,
            last_sweep: Arc::new(Mutex::new(None)),
        }
    }

    /// Reads the media relay's settings from `store`, and prepares publishing copies of media
    /// under `work_dir` (each deleted once its post is live).
    pub fn with_store(mut self, store: Store, work_dir: PathBuf, endpoints: &Endpoints) -> Self {
        self.instagram = Instagram::new(endpoints, work_dir.clone());
        self.tiktok = TikTok::new(endpoints, work_dir.clone());
        self.work_dir = work_dir;
        self.store = Some(store);
        self
    }

    /// Points sandbox accounts at the built-in sandbox on `port` (or nowhere); its media relay
    /// is the sandbox's S3 server on `port + 1`.
    pub fn set_sandbox_port(&self, port: Option<u16>) {
        let clients = port.map(|port| {
            let endpoints = Endpoints::sandbox(&format!("http://127.0.0.1:{port}"));
            let relay = port.checked_add(1).and_then(|s3_port| {
                let defaults = herald_sandbox::S3Config::default();
                Relay::new(
                    crate::http::http_client(),
                    RelayConfig {
                        endpoint: format!("http://127.0.0.1:{s3_port}"),
                        region: defaults.region,
                        bucket: defaults.bucket,
                        access_key_id: defaults.access_key_id,
                        secret_access_key: Secret::new(defaults.secret_access_key),
                        path_style: true,
                    },
                )
                .ok()
            });
            SandboxClients {
                facebook: Facebook::new(&endpoints),
                instagram: Instagram::new(&endpoints, self.work_dir.clone()),
                tiktok: TikTok::new(&endpoints, self.work_dir.clone()),
                tiktok_api: TikTokApi::new(crate::http::http_client(), &endpoints.tiktok_api),
                relay,
            }
        });
        *self.sandbox.write().unwrap_or_else(PoisonError::into_inner) = clients;
    }

    /// The sandbox's clients, or why a sandbox account cannot publish yet.
    fn sandbox_clients(&self) -> Result<SandboxClients, PublishFailure> {
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

    /// The Facebook client for an account: the sandbox's for sandbox accounts.
    fn facebook_for(&self, simulated: bool) -> Result<Facebook, PublishFailure> {
        if simulated {
            return Ok(self.sandbox_clients()?.facebook);
        }
        Ok(self.facebook.clone())
    }

    /// The Instagram client and media relay for an account.
    async fn instagram_for(
        &self,
        simulated: bool,
    ) -> Result<(Instagram, Option<Relay>), PublishFailure> {
        if simulated {
            let clients = self.sandbox_clients()?;
            return Ok((clients.instagram, clients.relay));
        }
        Ok((self.instagram.clone(), self.user_relay().await?))
    }

    /// The user's media relay, from the settings and the `HERALD_RELAY_*` variables.
    async fn user_relay(&self) -> Result<Option<Relay>, PublishFailure> {
        let Some(store) = &self.store else {
            return Ok(None);
        };
        let vault = self.vault.clone();
        let store = store.clone();
        let credentials = store
            .relay_in_effect(vault.as_ref(), |name| std::env::var(name).ok())
            .await
            .map_err(|err| PublishFailure {
                code: "relay_settings".to_owned(),
                message: format!("The media relay settings cannot be used: {err}. Fix them in Settings → Media relay, then retry."),
                retry: Retry::Never,
            })?;
        let Some(credentials) = credentials else {
            return Ok(None);
        };
        let relay = relay_client(credentials).map_err(|err| PublishFailure {
            code: "relay_settings".to_owned(),
            message: format!("The media relay settings cannot be used: {err}"),
            retry: Retry::Never,
        })?;
        Ok(Some(relay))
    }

    /// The TikTok client, a fresh access token (refreshed ahead of expiry) and the relay for a
    /// target.
    async fn tiktok_for(
        &self,
        job: &PublishJob,
    ) -> Result<(TikTok, Secret, Option<Relay>), PublishFailure> {
        let (client, api, relay, app) = if job.simulated {
            let clients = self.sandbox_clients()?;
            let app = self.tiktok_app_for(true).await;
            (clients.tiktok, clients.tiktok_api, clients.relay, app)
        } else {
            let app = self.tiktok_app_for(false).await;
            let relay = self.user_relay().await?;
            (self.tiktok.clone(), self.tiktok_api.clone(), relay, app)
        };
        let Some(store) = &self.store else {
            return Ok((client, self.token(job.account_id).await?, relay));
        };
        let token = tokens::fresh_access_token(
            store,
            &self.vault,
            &api,
            app.as_ref(),
            job.account_id,
            Timestamp::now(),
        )
        .await?;
        Ok((client, token, relay))
    }

    /// The TikTok app an account's tokens belong to: the sandbox's for sandbox accounts, else
    /// the user's own (if set).
    pub(crate) async fn tiktok_app_for(&self, simulated: bool) -> Option<TikTokApp> {
        if simulated {
            return Some(crate::demo::sandbox_tiktok_app());
        }
        let store = self.store.as_ref()?;
        let client_key = store
            .developer_app_id(Platform::TikTok)
            .await
            .ok()
            .flatten()?;
        let vault = self.vault.clone();
        let secret = tokio::task::spawn_blocking(move || {
            vault.load(&SecretKey::AppSecret(Platform::TikTok))
        })
        .await
        .ok()?
        .ok()
        .flatten()?;
        Some(TikTokApp {
            client_key,
            client_secret: secret,
        })
    }

    /// Refreshes every connected Instagram account's long-lived token that is at least a day
    /// old, so none reaches its 60 days: the new token goes to the keyring before its age is
    /// recorded. A token Instagram refuses (190) marks the account *needs reconnect*; any
    /// other failure is tried again next time. Returns the accounts that now need
    /// reconnecting, with the reason.
    pub async fn refresh_instagram_tokens(&self, now: Timestamp) -> Vec<(AccountId, String)> {
        let Some(store) = &self.store else {
            return Vec::new();
        };
        let due = match store
            .instagram_tokens_to_refresh(now, crate::connect::INSTAGRAM_REFRESH_AFTER)
            .await
        {
            Ok(due) => due,
            Err(err) => {
                tracing::warn!(%err, "cannot list Instagram tokens to refresh");
                return Vec::new();
            }
        };
        let mut lost = Vec::new();
        // Sandbox accounts' tokens live as long as the sandbox; a refreshed one would not
        // survive its restart.
        for (account, _) in due.into_iter().filter(|(_, simulated)| !simulated) {
            let client = self.instagram.clone();
            let Ok(token) = self.token(account).await else {
                continue;
            };
            match client.refresh_token(&token, now).await {
                Ok(fresh) => {
                    let vault = self.vault.clone();
                    let key = SecretKey::AccessToken(account);
                    let stored =
                        tokio::task::spawn_blocking(move || vault.store(&key, &fresh.token)).await;
                    if !matches!(stored, Ok(Ok(()))) {
                        tracing::warn!(
                            account,
                            "cannot store the refreshed Instagram token; trying again later"
                        );
                        continue;
                    }
                    if let Err(err) = store
                        .record_token_issued(account, now, fresh.expires_at)
                        .await
                    {
                        tracing::warn!(account, %err, "cannot record the refreshed token's age");
                    }
                    tracing::info!(account, "refreshed the Instagram token");
                }
                Err(failure)
                    if failure.to_publish_failure("Instagram").retry == Retry::Reconnect =>
                {
                    let reason = failure.to_publish_failure("Instagram").message;
                    tracing::warn!(
                        account,
                        "Instagram refused the token; the account needs reconnecting"
                    );
                    if store.mark_needs_reconnect(account, &reason).await.is_ok() {
                        lost.push((account, reason));
                    }
                }
                Err(failure) => {
                    tracing::info!(
                        account,
                        ?failure,
                        "the Instagram token was not refreshed; trying again later"
                    );
                }
            }
        }
        lost
    }

    /// Sweeps the relay for objects a crash left behind, at most once an hour, in the background.
    fn sweep_now_and_then(&self, relay: &Relay) {
        let mut last = self
            .last_sweep
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if last.is_some_and(|at| at.elapsed() < SWEEP_EVERY) {
            return;
        }
        *last = Some(Instant::now());
        let relay = relay.clone();
        tokio::spawn(async move {
            match relay.sweep(ORPHAN_AGE, Timestamp::now()).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "swept orphaned relay objects"),
                Err(err) => tracing::warn!("relay sweep failed: {err}"),
            }
        });
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

/// A relay client for the user's relay settings (path-style addressing, which every
/// S3-compatible service accepts).
pub fn relay_client(credentials: RelayCredentials) -> Result<Relay, RelayError> {
    Relay::new(
        crate::http::http_client(),
        RelayConfig {
            endpoint: credentials.settings.endpoint,
            region: credentials.settings.region,
            bucket: credentials.settings.bucket,
            access_key_id: credentials.settings.access_key_id,
            secret_access_key: credentials.secret_access_key,
            path_style: true,
        },
    )
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
            Platform::Instagram => {
                let (client, relay) = match self.instagram_for(job.simulated).await {
                    Ok(found) => found,
                    Err(failure) => return PublishOutcome::Failed(failure),
                };
                if let Some(relay) = &relay {
                    self.sweep_now_and_then(relay);
                }
                match self.token(job.account_id).await {
                    Ok(token) => client.publish(job, &token, relay.as_ref(), progress).await,
                    Err(failure) => PublishOutcome::Failed(failure),
                }
            }
            Platform::TikTok => match self.tiktok_for(job).await {
                Ok((client, token, relay)) => {
                    client.publish(job, &token, relay.as_ref(), progress).await
                }
                Err(failure) => PublishOutcome::Failed(failure),
            },
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
