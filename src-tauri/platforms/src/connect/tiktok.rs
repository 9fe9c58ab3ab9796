//! TikTok Login Kit for Desktop (`../shared/platforms/tiktok-api.md` §1): a loopback redirect
//! on 127.0.0.1, PKCE with TikTok's **hex** SHA-256 challenge, the code exchanged with the
//! verifier and the user's client secret, and the creator's tokens stored (refresh token
//! first). The browser is answered with a page saying how it ended.

use std::time::Duration;

use herald_core::domain::Platform;
use herald_core::hex::{random_hex, sha256_hex};
use herald_core::sign_in::SIGN_IN_LIFETIME;
use herald_core::vault::Secret;
use herald_core::{CoreError, CoreResult};
use jiff::Timestamp;

use super::callback::{parse_callback, CallbackResult};
use super::loopback::{Loopback, Page};
use super::{url_with, Connected, Connector, SignIn};
use crate::http::http_client;
use crate::tiktok::tokens::IssuedTokens;
use crate::tiktok::{TikTokApi, TikTokFailure};

/// The permissions Herald asks for: the profile, direct posting, and uploads to the inbox.
pub const SCOPES: &str = "user.info.basic,user.info.profile,video.publish,video.upload";

/// A TikTok sign-in waiting for the browser to come back to the loopback listener.
pub struct TikTokSignIn {
    connector: Connector,
    loopback: Loopback,
    client_key: String,
    client_secret: Secret,
    verifier: Secret,
    state: String,
}

pub(super) async fn start(
    connector: Connector,
    client_key: String,
    client_secret: Secret,
    now: Timestamp,
) -> CoreResult<(SignIn, TikTokSignIn)> {
    let loopback = Loopback::bind().await?;
    let redirect_uri = loopback.redirect_uri();
    let started = connector
        .store
        .start_sign_in(Platform::TikTok, &redirect_uri, now)
        .await?;
    let verifier = random_hex(32)?;
    let challenge = sha256_hex(&verifier);
    let authorize_url = url_with(
        &connector.endpoints.tiktok_authorize,
        "/v2/auth/authorize/",
        &[
            ("client_key", client_key.as_str()),
            ("response_type", "code"),
            ("scope", SCOPES),
            ("redirect_uri", redirect_uri.as_str()),
            ("state", started.state.as_str()),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ],
    )?;
    tracing::info!(platform = "tiktok", sign_in = started.id, "sign-in started");
    Ok((
        SignIn {
            platform: Platform::TikTok,
            authorize_url,
        },
        TikTokSignIn {
            connector,
            loopback,
            client_key,
            client_secret,
            verifier: Secret::new(verifier),
            state: started.state,
        },
    ))
}

impl TikTokSignIn {
    /// Waits (at most `timeout`, and never past the sign-in's 10 minutes) for the browser to
    /// come back, then finishes the sign-in. Callbacks that do not carry this sign-in's
    /// `state` are answered with an error page and ignored; the listener closes when this
    /// returns.
    pub async fn finish(mut self, timeout: Duration) -> CoreResult<Connected> {
        let timeout = timeout.min(Duration::try_from(SIGN_IN_LIFETIME).unwrap_or(timeout));
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let Some(arrival) = self.loopback.next(left).await else {
                return Err(CoreError::Conflict(
                    "The TikTok sign-in was not finished in time, so Herald stopped waiting. Connect again.".into(),
                ));
            };
            let callback = match parse_callback(Platform::TikTok, &arrival.query) {
                Ok(callback) if callback.state == self.state => callback,
                Ok(_) | Err(_) => {
                    tracing::warn!(
                        platform = "tiktok",
                        "ignored a callback that is not this sign-in's"
                    );
                    arrival.respond(failure_page(
                        "This is not the sign-in Herald started. Start the connection again from Herald.",
                    ));
                    continue;
                }
            };
            let result = self.complete(&callback.result).await;
            arrival.respond(match &result {
                Ok(connected) => Page {
                    ok: true,
                    title: "Herald is connected to TikTok".into(),
                    sentence: connected.sentence(),
                },
                Err(err) => failure_page(&err.to_string()),
            });
            return result;
        }
    }

    async fn complete(&self, result: &CallbackResult) -> CoreResult<Connected> {
        let connector = &self.connector;
        let now = Timestamp::now();
        let claimed = connector
            .store
            .claim_sign_in(Platform::TikTok, &self.state, now)
            .await?
            .map_err(CoreError::from)?;
        if let Some(sentence) = result.denial_sentence(Platform::TikTok) {
            return Err(CoreError::Conflict(sentence));
        }
        let CallbackResult::Code(code) = result else {
            return Err(CoreError::invalid("the sign-in carried no code"));
        };
        let api = TikTokApi::new(http_client(), &connector.endpoints.tiktok_api);
        let answer = api
            .oauth_token(&[
                ("client_key", self.client_key.as_str()),
                ("client_secret", self.client_secret.expose()),
                ("code", code.expose()),
                ("grant_type", "authorization_code"),
                ("redirect_uri", claimed.redirect_uri.as_str()),
                ("code_verifier", self.verifier.expose()),
            ])
            .await
            .map_err(|failure| exchange_failure(&failure))?;
        let granted = answer
            .get("scope")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default();
        if !granted.is_empty()
            && !granted
                .split(',')
                .any(|s| s.trim() == "video.publish" || s.trim() == "video.upload")
        {
            return Err(CoreError::invalid(
                "TikTok did not grant Herald permission to post (video.publish or video.upload). Connect again and allow posting",
            ));
        }
        let tokens = IssuedTokens::from_answer(&answer, now).ok_or_else(|| {
            CoreError::Unavailable("TikTok's answer had no access token; connect again".into())
        })?;
        let account = super::accounts::save_tiktok(
            &connector.store,
            &connector.vault,
            &connector.endpoints,
            tokens,
            now,
        )
        .await?;
        tracing::info!(
            platform = "tiktok",
            account = account.id,
            "sign-in finished"
        );
        Ok(Connected {
            platform: Platform::TikTok,
            accounts: vec![account],
        })
    }
}

fn failure_page(sentence: &str) -> Page {
    Page {
        ok: false,
        title: "Herald could not connect TikTok".into(),
        sentence: sentence.to_owned(),
    }
}

/// A failed code exchange as a sentence with what to do.
fn exchange_failure(failure: &TikTokFailure) -> CoreError {
    match failure {
        TikTokFailure::Api { code, .. } if code == "invalid_grant" => CoreError::Conflict(
            "TikTok no longer accepts this sign-in (its code was already used or has expired). Connect again.".into(),
        ),
        TikTokFailure::Api { code, .. } if code == "invalid_client" || code == "unauthorized_client" => {
            CoreError::invalid(
                "TikTok refused the client key or secret. Check them in Settings → Platforms, then connect again",
            )
        }
        TikTokFailure::Api { code, message, .. } if code == "invalid_request" => CoreError::invalid(format!(
            "TikTok refused the sign-in request ({}). Check that the app's redirect URI is http://127.0.0.1:*/callback/ and connect again",
            message.chars().take(200).collect::<String>()
        )),
        other => super::accounts::tiktok_read_failure(other),
    }
}
