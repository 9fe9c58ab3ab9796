//! Instagram Login (§1.2–§1.4 of the Meta notes): the authorize page (www.instagram.com,
//! `/instagram-www`), the code exchange (api.instagram.com, `/instagram-api`), and the
//! long-lived token exchange and refresh (graph.instagram.com, `/instagram-graph`).
//!
//! A code lives [`CODE_LIFETIME`] and is consumed by the first exchange attempt that
//! names it, successful or not. Short-lived tokens live [`SHORT_LIVED`], long-lived ones
//! [`LONG_LIVED`]; a long-lived token can be refreshed once it is 24 h old, which gives a
//! new token string and retires the old one.

use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use super::{TokenInfo, TokenKind, World};
use crate::facebook::GraphReq;
use crate::graph::{GraphError, GraphResult, Reply};
use crate::request::Params;
use crate::seed::Seed;
use crate::shared::{lock, random_chars, Shared, ALNUM, URL_SAFE};
use crate::signin::{self, Decision};

/// How long an authorization code can be exchanged (sandbox clock).
pub(crate) const CODE_LIFETIME: SignedDuration = SignedDuration::from_hours(1);
/// The lifetime of the code exchange's short-lived token.
pub(crate) const SHORT_LIVED: SignedDuration = SignedDuration::from_hours(1);
/// The lifetime of a long-lived token (`expires_in` 5,183,944 s, about 60 days).
pub(crate) const LONG_LIVED: SignedDuration = SignedDuration::from_secs(5_183_944);
/// A long-lived token can be refreshed only once it is this old.
const REFRESH_MIN_AGE: SignedDuration = SignedDuration::from_hours(24);

/// The scope the authorize page insists on.
const BASIC: &str = "instagram_business_basic";

const CODE_NOT_FOUND: &str = "Matching code was not found or was already used";
const CODE_EXPIRED: &str = "This authorization code has expired";

/// An authorization code waiting for its exchange.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    /// The IG user id of the account that approved.
    pub user_id: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub expires_at: Timestamp,
}

/// A code like Meta's: `AQB…`, URL-safe letters with `-` and `_`, 136 characters.
fn new_code() -> String {
    format!(
        "AQB{}-{}_{}",
        random_chars(70, URL_SAFE),
        random_chars(40, URL_SAFE),
        random_chars(21, URL_SAFE)
    )
}

/// An Instagram User access token (`IGAA…`).
fn new_token() -> String {
    format!("IGAA{}", random_chars(150, ALNUM))
}

fn plus(t: Timestamp, d: SignedDuration) -> Timestamp {
    t.saturating_add(d).unwrap_or(t)
}

impl World {
    /// A new token for the account, issued `now`.
    pub(crate) fn issue_token(&mut self, user_id: &str, kind: TokenKind, now: Timestamp) -> String {
        let lifetime = match kind {
            TokenKind::ShortLived => SHORT_LIVED,
            TokenKind::LongLived => LONG_LIVED,
        };
        let token = new_token();
        self.tokens.insert(
            token.clone(),
            TokenInfo {
                user_id: user_id.to_string(),
                kind,
                issued_at: now,
                expires_at: Some(plus(now, lifetime)),
            },
        );
        token
    }
}

/// Who signs in when the URL does not say: the first seeded account whose token has not
/// expired at the start (else the first account).
fn default_account(seed: &Seed, w: &World) -> Option<String> {
    seed.instagram_accounts
        .iter()
        .filter(|a| w.accounts.contains_key(&a.user_id))
        .find(|a| a.token_expires_in.is_none_or(|s| s > 0))
        .or_else(|| seed.instagram_accounts.first())
        .map(|a| a.user_id.clone())
}

/// `GET /instagram-www/oauth/authorize?client_id&redirect_uri&response_type=code&scope&state`
/// (+ `sandbox_decision=deny`, `sandbox_user=<username>`): 302 to
/// `redirect_uri?code=…&state=…#_`, or `?error=access_denied&…#_` when denied. A bad
/// `client_id`, `redirect_uri`, `response_type` or `scope` gets a 400 page.
pub(crate) fn authorize(shared: &Shared, params: &Params) -> Reply {
    let seed = &shared.seed;
    let bad = |message: &str| signin::error_page(StatusCode::BAD_REQUEST, message);
    let client_id = params.str("client_id").unwrap_or_default();
    if client_id != seed.instagram_app_id {
        return bad("Invalid Request: Invalid platform app");
    }
    let Some(redirect_uri) = params.str("redirect_uri") else {
        return bad("Invalid Request: Request parameters are invalid: redirect_uri is required");
    };
    if redirect_uri.contains('#') {
        return bad("Invalid Request: redirect_uri must not have a fragment");
    }
    if params.str("response_type").as_deref() != Some("code") {
        return bad("Invalid Request: response_type must be code");
    }
    let scope = params.str("scope").unwrap_or_default();
    if !scope.split([',', ' ']).any(|s| s.trim() == BASIC) {
        return bad("Invalid Scopes: the scope must include instagram_business_basic");
    }
    let decision = match signin::decision(params) {
        Ok(d) => d,
        Err(page) => return page,
    };
    let state = params.str("state").unwrap_or_default();
    if decision == Decision::Deny {
        return signin::redirect(
            &redirect_uri,
            &[
                ("error", "access_denied"),
                ("error_reason", "user_denied"),
                ("error_description", "Permissions error"),
                ("state", &state),
            ],
            "#_",
        );
    }
    let now = shared.now();
    let mut w = lock(&shared.instagram);
    let user_id = match params.str("sandbox_user") {
        Some(who) => w
            .accounts
            .values()
            .find(|a| a.username == who || a.user_id == who || a.app_scoped_id == who)
            .map(|a| a.user_id.clone()),
        None => default_account(seed, &w),
    };
    let Some(user_id) = user_id else {
        return bad("sandbox_user names no Instagram account of the sandbox");
    };
    let code = new_code();
    w.codes.insert(
        code.clone(),
        Code {
            user_id,
            client_id,
            redirect_uri: redirect_uri.clone(),
            expires_at: plus(now, CODE_LIFETIME),
        },
    );
    drop(w);
    signin::redirect(&redirect_uri, &[("code", &code), ("state", &state)], "#_")
}

/// api.instagram.com's flat error: `{"error_type","code":400,"error_message"}`.
fn api_error(message: &str) -> Reply {
    Reply::json(
        StatusCode::BAD_REQUEST,
        &json!({"error_type": "OAuthException", "code": 400, "error_message": message}),
    )
}

/// `POST /instagram-api/oauth/access_token` (form or multipart): client_id, client_secret,
/// `grant_type=authorization_code`, redirect_uri, code → `{"data":[{"access_token",
/// "user_id","permissions"}]}` with a short-lived token.
pub(crate) fn exchange_code(shared: &Shared, params: &Params) -> Reply {
    match exchange_code_inner(shared, params) {
        Ok(reply) => reply,
        Err(message) => api_error(message),
    }
}

fn exchange_code_inner(shared: &Shared, params: &Params) -> Result<Reply, &'static str> {
    let seed = &shared.seed;
    let now = shared.now();
    let mut w = lock(&shared.instagram);
    // Any attempt consumes the code, whatever comes of it: a replay always fails.
    let code = params.str("code").and_then(|c| w.codes.remove(&c));
    let client_id = params.str("client_id").unwrap_or_default();
    if client_id != seed.instagram_app_id {
        return Err("Invalid platform app");
    }
    if params.str("client_secret").as_deref() != Some(seed.instagram_app_secret.as_str()) {
        return Err("Error validating client secret");
    }
    if params.str("grant_type").as_deref() != Some("authorization_code") {
        return Err("Invalid grant_type: this endpoint takes authorization_code");
    }
    let code = code.ok_or(CODE_NOT_FOUND)?;
    if code.expires_at <= now {
        return Err(CODE_EXPIRED);
    }
    if code.client_id != client_id
        || params.str("redirect_uri").as_deref() != Some(code.redirect_uri.as_str())
    {
        return Err(CODE_NOT_FOUND);
    }
    let account = w
        .accounts
        .get(&code.user_id)
        .cloned()
        .ok_or(CODE_NOT_FOUND)?;
    let token = w.issue_token(&account.user_id, TokenKind::ShortLived, now);
    Ok(Reply::ok(json!({"data": [{
        "access_token": token,
        "user_id": account.app_scoped_id,
        "permissions": account.permissions.join(","),
    }]})))
}

fn token_reply(token: &str) -> Reply {
    Reply::ok(json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": LONG_LIVED.as_secs(),
    }))
}

/// `GET /instagram-graph/access_token?grant_type=ig_exchange_token&client_secret&access_token`:
/// a short-lived token → a new long-lived one. Bad secret → 101; an unknown or long-lived
/// token → 190/467; an expired one → 190/463.
pub(super) fn exchange_token(shared: &Shared, req: &GraphReq) -> GraphResult<Reply> {
    let p = &req.params;
    if p.str("grant_type").as_deref() != Some("ig_exchange_token") {
        return Err(GraphError::param(
            "Unsupported grant_type: use ig_exchange_token",
        ));
    }
    if p.str("client_secret").as_deref() != Some(shared.seed.instagram_app_secret.as_str()) {
        return Err(GraphError::new(101, "Error validating client secret."));
    }
    let now = shared.now();
    let mut w = lock(&shared.instagram);
    let token = req.token();
    let user_id = w.authenticate(token.as_deref(), now)?;
    let short = token
        .as_deref()
        .and_then(|t| w.tokens.get(t))
        .is_some_and(|t| t.kind == TokenKind::ShortLived);
    if !short {
        return Err(GraphError::new(
            190,
            "Invalid OAuth access token - only a short-lived token can be exchanged for a long-lived one",
        )
        .sub(467));
    }
    let long = w.issue_token(&user_id, TokenKind::LongLived, now);
    Ok(token_reply(&long))
}

/// `GET /instagram-graph/refresh_access_token?grant_type=ig_refresh_token&access_token`:
/// a token at least 24 h old → a new long-lived token; the one sent stops working. Too
/// young → 100; expired → 190/463; unknown → 190/467. No app secret.
pub(super) fn refresh_token(shared: &Shared, req: &GraphReq) -> GraphResult<Reply> {
    if req.params.str("grant_type").as_deref() != Some("ig_refresh_token") {
        return Err(GraphError::param(
            "Unsupported grant_type: use ig_refresh_token",
        ));
    }
    let now = shared.now();
    let mut w = lock(&shared.instagram);
    let token = req.token().unwrap_or_default();
    let user_id = w.authenticate(Some(&token), now)?;
    let issued_at = w.tokens.get(&token).map_or(now, |t| t.issued_at);
    if now.duration_since(issued_at) < REFRESH_MIN_AGE {
        return Err(GraphError::new(
            100,
            "The access token can be refreshed only 24 hours after it was issued",
        ));
    }
    if let Some(account) = w.accounts.get(&user_id) {
        account.require(BASIC)?;
    }
    w.tokens.remove(&token);
    let fresh = w.issue_token(&user_id, TokenKind::LongLived, now);
    Ok(token_reply(&fresh))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_look_like_metas() {
        let a = new_code();
        assert!(a.starts_with("AQB") && a.len() >= 40, "{a}");
        assert!(a.contains('-') && a.contains('_'), "{a}");
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(a, new_code());
    }

    #[test]
    fn seeded_tokens_are_issued_when_their_lifetime_says() {
        let now = Timestamp::now();
        let w = World::new(&Seed::default(), now);
        let info = w
            .tokens
            .get("IGAA-sandbox-instagram-token")
            .cloned()
            .expect("seeded token");
        assert_eq!(info.kind, TokenKind::LongLived);
        assert_eq!(info.issued_at, now);
        assert_eq!(
            info.expires_at.map(|e| e.duration_since(info.issued_at)),
            Some(LONG_LIVED)
        );
    }
}
