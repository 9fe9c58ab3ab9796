//! Instagram Login (`../shared/platforms/meta-api.md` §1.2–1.4): the authorization page, the
//! code → short-lived token exchange at api.instagram.com (documented as `{data:[…]}`, seen
//! flat in practice: both are read), the long-lived token (60 days), and its refresh — allowed
//! once the token is 24 hours old, and needing no app secret.

use std::time::Duration;

use herald_core::domain::AccountView;
use herald_core::vault::Secret;
use herald_core::{CoreError, CoreResult};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use super::{url_with, AppCredentials, Connector};
use crate::graph::{GraphErrorEnvelope, GraphFailure};
use crate::http::{describe, http_client};
use crate::Endpoints;

/// The permissions Herald asks for: profile, publishing, comments, insights.
pub const SCOPES: &str = "instagram_business_basic,instagram_business_content_publish,instagram_business_manage_comments,instagram_business_manage_insights";

/// A long-lived token may be refreshed from this age on.
pub const REFRESH_AFTER: SignedDuration = SignedDuration::from_hours(24);

pub(super) fn authorize_url(
    endpoints: &Endpoints,
    client_id: &str,
    redirect_uri: &str,
    state: &str,
) -> CoreResult<String> {
    url_with(
        &endpoints.instagram_authorize,
        "/oauth/authorize",
        &[
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
            ("response_type", "code"),
            ("scope", SCOPES),
            ("state", state),
            ("enable_fb_login", "0"),
            ("force_authentication", "1"),
        ],
    )
}

pub(super) async fn finish(
    connector: &Connector,
    app: &AppCredentials,
    redirect_uri: &str,
    code: &Secret,
    now: Timestamp,
) -> CoreResult<AccountView> {
    let http = http_client();
    let endpoints = &connector.endpoints;
    let response = http
        .post(format!("{}/oauth/access_token", endpoints.instagram_api))
        .form(&[
            ("client_id", app.client_id.as_str()),
            ("client_secret", app.secret.expose()),
            ("grant_type", "authorization_code"),
            ("redirect_uri", redirect_uri),
            ("code", code.expose()),
        ])
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map_err(|err| unreachable_instagram(&describe(&err)))?;
    let answer = read_answer(response).await?;
    // Documented: {"data":[{access_token, user_id, permissions}]}; observed: the flat object.
    let entry = answer
        .get("data")
        .and_then(Value::as_array)
        .and_then(|d| d.first())
        .unwrap_or(&answer);
    let short = entry
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(Secret::new)
        .ok_or_else(|| {
            CoreError::Unavailable("Instagram's answer had no access token; connect again".into())
        })?;
    let granted = match entry.get("permissions") {
        Some(Value::String(list)) => list.split(',').map(|p| p.trim().to_owned()).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    if !granted.is_empty()
        && !granted
            .iter()
            .any(|p| p == "instagram_business_content_publish")
    {
        return Err(CoreError::invalid(
            "Instagram did not grant Herald permission to publish (instagram_business_content_publish). Connect again and keep every permission switched on",
        ));
    }
    let long = http
        .get(format!("{}/access_token", endpoints.instagram_graph))
        .query(&[
            ("grant_type", "ig_exchange_token"),
            ("client_secret", app.secret.expose()),
            ("access_token", short.expose()),
        ])
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map_err(|err| unreachable_instagram(&describe(&err)))?;
    let long = read_answer(long).await?;
    let (token, expires_at) = token_and_expiry(&long, now)?;
    super::accounts::save_instagram(
        &connector.store,
        &connector.vault,
        endpoints,
        token,
        expires_at,
        now,
    )
    .await
}

/// A refreshed long-lived token.
#[derive(Debug)]
pub struct TokenRefresh {
    pub token: Secret,
    pub expires_at: Option<Timestamp>,
}

/// Refreshes a long-lived Instagram token (no app secret needed). Fails with Instagram's
/// error as is, so the caller can tell a revoked token (190) from a passing problem.
pub async fn refresh_instagram_token(
    graph_base: &str,
    token: &Secret,
    now: Timestamp,
) -> Result<TokenRefresh, GraphFailure> {
    let response = http_client()
        .get(format!(
            "{}/refresh_access_token",
            graph_base.trim_end_matches('/')
        ))
        .query(&[
            ("grant_type", "ig_refresh_token"),
            ("access_token", token.expose()),
        ])
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map_err(|err| GraphFailure::Network(describe(&err)))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|err| GraphFailure::Network(describe(&err)))?;
    if body.len() > 64 * 1024 {
        return Err(GraphFailure::Malformed("the answer is too large".into()));
    }
    if !status.is_success() {
        return match serde_json::from_slice::<GraphErrorEnvelope>(&body) {
            Ok(envelope) => Err(GraphFailure::Api {
                status: status.as_u16(),
                error: envelope.error,
                retry_after: None,
            }),
            Err(_) => Err(GraphFailure::Malformed(format!(
                "HTTP {status} without an error body"
            ))),
        };
    }
    let answer: Value = serde_json::from_slice(&body)
        .map_err(|err| GraphFailure::Malformed(format!("not JSON: {err}")))?;
    let (token, expires_at) = token_and_expiry(&answer, now)
        .map_err(|_| GraphFailure::Malformed("the answer has no access_token".into()))?;
    Ok(TokenRefresh { token, expires_at })
}

fn token_and_expiry(answer: &Value, now: Timestamp) -> CoreResult<(Secret, Option<Timestamp>)> {
    let token = answer
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(Secret::new)
        .ok_or_else(|| {
            CoreError::Unavailable("Instagram's answer had no access token; connect again".into())
        })?;
    let expires_at = answer
        .get("expires_in")
        .and_then(Value::as_i64)
        .filter(|s| *s > 0)
        .and_then(|s| now.checked_add(SignedDuration::from_secs(s)).ok());
    Ok((token, expires_at))
}

/// Reads an answer of api.instagram.com or graph.instagram.com; an error (either host's
/// shape) becomes a sentence with what to do.
async fn read_answer(response: reqwest::Response) -> CoreResult<Value> {
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|err| unreachable_instagram(&describe(&err)))?;
    if body.len() > 64 * 1024 {
        return Err(CoreError::Unavailable(
            "Instagram's answer was too large; connect again".into(),
        ));
    }
    let answer: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if status.is_success() && answer.is_object() {
        return Ok(answer);
    }
    let message = answer
        .get("error_message")
        .or_else(|| answer.pointer("/error/message"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let lower = message.to_lowercase();
    Err(
        if lower.contains("code")
            && (lower.contains("used") || lower.contains("expired") || lower.contains("not found"))
        {
            CoreError::Conflict(
            "Instagram no longer accepts this sign-in (its code was already used or has expired). Connect again.".into(),
        )
        } else if lower.contains("secret")
            || lower.contains("platform app")
            || lower.contains("application")
            || lower.contains("client")
        {
            CoreError::invalid(
            "Instagram refused the app id or secret. Check the Instagram app id and secret in Settings → Platforms (they are not the Facebook app's), then connect again",
        )
        } else if lower.contains("redirect") {
            CoreError::invalid(
            "Instagram refused the redirect address. It must match, character for character, one of the app's Valid OAuth Redirect URIs",
        )
        } else if status.is_server_error() {
            CoreError::Unavailable(format!(
                "Instagram had a problem (HTTP {status}); connect again in a few minutes"
            ))
        } else {
            CoreError::Unavailable(format!(
                "Instagram refused the sign-in (HTTP {status}{}). Connect again",
                if message.is_empty() {
                    String::new()
                } else {
                    format!(": {}", message.chars().take(200).collect::<String>())
                }
            ))
        },
    )
}

fn unreachable_instagram(reason: &str) -> CoreError {
    CoreError::Unavailable(format!(
        "could not reach Instagram ({reason}); check the internet connection and connect again"
    ))
}
