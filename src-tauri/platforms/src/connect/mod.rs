//! Connecting accounts by signing in at the platform (OAuth in the system browser):
//! Instagram and Facebook return through Herald's hosted redirect page and a `herald://oauth/…`
//! deep link; TikTok through a one-shot loopback listener with PKCE. Every callback is checked
//! against the sign-in Herald started (`state`: issued here, single use, 10 minutes), codes are
//! exchanged with the user's own developer app, and the tokens go to the keyring.
//!
//! No token, code or `state` is ever logged: logs name the platform and the outcome only.

pub(crate) mod accounts;
pub mod browser;
pub mod callback;
mod facebook;
mod instagram;
pub mod loopback;
mod tiktok;

use std::sync::Arc;

use herald_core::domain::{AccountView, Platform};
use herald_core::vault::{Secret, SecretKey, Vault};
use herald_core::{CoreError, CoreResult, Store};
use jiff::Timestamp;

pub use callback::{parse_callback, parse_sign_in_link, CallbackResult, OAuthCallback};
pub use instagram::{
    refresh_instagram_token, TokenRefresh, REFRESH_AFTER as INSTAGRAM_REFRESH_AFTER,
};
pub use tiktok::TikTokSignIn;

use crate::Endpoints;

/// A sign-in waiting for the user in the browser.
#[derive(Clone)]
pub struct SignIn {
    pub platform: Platform,
    /// Where to send the browser. Carries the sign-in's `state`: show it, never log it.
    pub authorize_url: String,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("platform", &self.platform)
            .finish_non_exhaustive()
    }
}

/// Accounts a sign-in connected (or reconnected).
#[derive(Debug, Clone)]
pub struct Connected {
    pub platform: Platform,
    pub accounts: Vec<AccountView>,
}

impl Connected {
    /// What happened, in a sentence.
    pub fn sentence(&self) -> String {
        let (one, many) = match self.platform {
            Platform::Facebook => ("Facebook Page", "Facebook Pages"),
            Platform::Instagram => ("Instagram account", "Instagram accounts"),
            Platform::TikTok => ("TikTok account", "TikTok accounts"),
        };
        let names: Vec<&str> = self.accounts.iter().map(|a| a.name.as_str()).collect();
        match names.as_slice() {
            [name] => format!("Connected {one} {name}."),
            names => format!("Connected {} {many}: {}.", names.len(), names.join(", ")),
        }
    }
}

/// Starts and finishes sign-ins for one database, keyring and set of platform hosts.
#[derive(Clone)]
pub struct Connector {
    store: Store,
    vault: Arc<dyn Vault>,
    endpoints: Endpoints,
}

/// The user's developer app with its secret, as a sign-in needs it.
struct AppCredentials {
    client_id: String,
    secret: Secret,
    redirect_uri: String,
}

impl Connector {
    /// A connector over `store`, keeping tokens in `vault`, talking to `endpoints`.
    pub fn new(store: Store, vault: Arc<dyn Vault>, endpoints: Endpoints) -> Self {
        Connector {
            store,
            vault,
            endpoints,
        }
    }

    /// Starts an Instagram or Facebook sign-in: records its `state` and returns the URL of
    /// the platform's authorization page. The browser comes back through the redirect page as
    /// a `herald://oauth/…` link, which [`Connector::finish`] completes.
    pub async fn start_meta(&self, platform: Platform, now: Timestamp) -> CoreResult<SignIn> {
        let app = self.credentials(platform).await?;
        let started = self
            .store
            .start_sign_in(platform, &app.redirect_uri, now)
            .await?;
        let authorize_url = match platform {
            Platform::Instagram => instagram::authorize_url(
                &self.endpoints,
                &app.client_id,
                &app.redirect_uri,
                &started.state,
            ),
            Platform::Facebook => facebook::authorize_url(
                &self.endpoints,
                &app.client_id,
                &app.redirect_uri,
                &started.state,
            ),
            Platform::TikTok => {
                return Err(CoreError::invalid(
                    "TikTok signs in through Herald's loopback listener, not a redirect page",
                ))
            }
        }?;
        tracing::info!(%platform, sign_in = started.id, "sign-in started");
        Ok(SignIn {
            platform,
            authorize_url,
        })
    }

    /// Starts a TikTok sign-in: a loopback listener on 127.0.0.1 and a PKCE verifier. Open
    /// the returned URL in the browser, then wait on [`TikTokSignIn::finish`].
    pub async fn start_tiktok(&self, now: Timestamp) -> CoreResult<(SignIn, TikTokSignIn)> {
        let app = self.credentials(Platform::TikTok).await?;
        tiktok::start(self.clone(), app.client_id, app.secret, now).await
    }

    /// Finishes an Instagram or Facebook sign-in from its callback: checks the `state`, shows
    /// a refusal as a sentence, exchanges the code, then stores the account(s) and tokens.
    pub async fn finish(&self, callback: &OAuthCallback, now: Timestamp) -> CoreResult<Connected> {
        let platform = callback.platform;
        let claimed = self
            .store
            .claim_sign_in(platform, &callback.state, now)
            .await?
            .map_err(|refused| {
                tracing::warn!(%platform, reason = ?refused, "refused a sign-in callback");
                CoreError::from(refused)
            })?;
        if let Some(sentence) = callback.result.denial_sentence(platform) {
            tracing::info!(%platform, "the platform reported the sign-in as refused or cancelled");
            return Err(CoreError::Conflict(sentence));
        }
        let CallbackResult::Code(code) = &callback.result else {
            return Err(CoreError::invalid("the sign-in carried no code"));
        };
        let app = self.credentials(platform).await?;
        let accounts = match platform {
            Platform::Instagram => instagram::finish(self, &app, &claimed.redirect_uri, code, now)
                .await
                .map(|a| vec![a]),
            Platform::Facebook => {
                facebook::finish(self, &app, &claimed.redirect_uri, code, now).await
            }
            Platform::TikTok => Err(CoreError::invalid(
                "a TikTok sign-in finishes in the listener that started it",
            )),
        };
        match &accounts {
            Ok(accounts) => {
                tracing::info!(%platform, accounts = accounts.len(), "sign-in finished")
            }
            Err(err) => tracing::warn!(%platform, %err, "sign-in failed"),
        }
        Ok(Connected {
            platform,
            accounts: accounts?,
        })
    }

    /// Finishes a sign-in from text the user pasted: the `herald://oauth/…` link (the redirect
    /// page's *Copy link*), or the redirect page's own address from the browser.
    pub async fn finish_pasted(&self, text: &str, now: Timestamp) -> CoreResult<Connected> {
        let text = text.trim();
        let unusable = || {
            CoreError::invalid(
                "this is not a Herald sign-in link; paste the link the redirect page offers (it starts with herald://oauth/)",
            )
        };
        if text.len() > 4096 {
            return Err(unusable());
        }
        let callback = if text.starts_with("herald://") {
            let url = url::Url::parse(text).map_err(|_| unusable())?;
            parse_sign_in_link(&url).map_err(|_| unusable())?
        } else {
            let (page, query) = text.split_once('?').ok_or_else(unusable)?;
            let mut found = None;
            for platform in [Platform::Instagram, Platform::Facebook] {
                if let Some(app) = self.store.developer_app(platform).await? {
                    if !app.redirect_uri.is_empty()
                        && page.trim_end_matches('/') == app.redirect_uri.trim_end_matches('/')
                    {
                        found = Some(platform);
                    }
                }
            }
            let platform = found.ok_or_else(unusable)?;
            parse_callback(platform, query).map_err(|_| unusable())?
        };
        self.finish(&callback, now).await
    }

    async fn credentials(&self, platform: Platform) -> CoreResult<AppCredentials> {
        let network = platform.display_name();
        let missing = || {
            CoreError::invalid(format!(
                "set up your {network} developer app first: Settings → Platforms (or `herald apps set --platform {platform}`)"
            ))
        };
        let app = self
            .store
            .developer_app(platform)
            .await?
            .ok_or_else(missing)?;
        let vault = self.vault.clone();
        let secret =
            tokio::task::spawn_blocking(move || vault.load(&SecretKey::AppSecret(platform)))
                .await
                .map_err(|err| CoreError::Unavailable(format!("the keyring task failed: {err}")))??
                .ok_or_else(missing)?;
        Ok(AppCredentials {
            client_id: app.client_id,
            secret,
            redirect_uri: app.redirect_uri,
        })
    }
}

/// A URL with query parameters, or a sentence when the configured base URL is unusable.
fn url_with(base: &str, path: &str, params: &[(&str, &str)]) -> CoreResult<String> {
    let mut url = url::Url::parse(&format!("{}{path}", base.trim_end_matches('/')))
        .map_err(|err| CoreError::invalid(format!("the sign-in address is not a URL ({err})")))?;
    url.query_pairs_mut().extend_pairs(params);
    Ok(url.into())
}
