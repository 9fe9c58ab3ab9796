//! Login Kit v2 OAuth (§1.5–§1.8): `POST /v2/oauth/token/` (authorization code with hex
//! PKCE, refresh with rotation) and `POST /v2/oauth/revoke/`. Form-encoded bodies only;
//! answers are flat JSON, errors `{"error","error_description","log_id"}`.

use std::collections::HashMap;

use axum::http::{header, HeaderMap};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::errors::{random_chars, OAuthError, ALNUM};
use super::{hex, Access, Code, Refresh, World, CODE_LIFETIME};
use crate::graph::Reply;
use crate::seed::Seed;
use crate::shared::{lock, Shared};

type OAuthResult<T> = Result<T, OAuthError>;

/// The form fields (the last value of a repeated field wins).
fn form(headers: &HeaderMap, bytes: &[u8]) -> OAuthResult<HashMap<String, String>> {
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if ctype.starts_with("application/json") || first == Some(&b'{') {
        return Err(OAuthError::new(
            "invalid_request",
            "The request body must be application/x-www-form-urlencoded.",
        ));
    }
    Ok(form_urlencoded::parse(bytes).into_owned().collect())
}

fn field<'a>(f: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    f.get(name).map(String::as_str).filter(|s| !s.is_empty())
}

/// `client_key` and `client_secret` must be the app's.
fn check_client(f: &HashMap<String, String>, seed: &Seed) -> OAuthResult<()> {
    let key_ok = field(f, "client_key") == Some(seed.tiktok_client_key.as_str());
    let secret_ok = field(f, "client_secret") == Some(seed.tiktok_client_secret.as_str());
    if key_ok && secret_ok {
        Ok(())
    } else {
        Err(OAuthError::new(
            "invalid_client",
            "Client key or client secret is invalid.",
        ))
    }
}

fn new_access_token() -> String {
    format!("act.{}", random_chars(56, ALNUM))
}

fn new_refresh_token() -> String {
    format!("rft.{}", random_chars(56, ALNUM))
}

/// `lowercase_hex(SHA-256(verifier))` (§1.2: hex, not base64url).
pub(crate) fn code_challenge(verifier: &str) -> String {
    hex(&Sha256::digest(verifier.as_bytes()))
}

/// A verifier of 43–128 characters from `[A-Za-z0-9-._~]`.
fn verifier_well_formed(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

fn secs_until(t: Timestamp, now: Timestamp) -> i64 {
    t.duration_since(now).as_secs().max(0)
}

/// The flat success body.
fn token_body(
    access: &str,
    access_expires: Timestamp,
    refresh: &str,
    refresh_expires: Timestamp,
    open_id: &str,
    scopes: &[String],
    now: Timestamp,
) -> Reply {
    Reply::ok(json!({
        "access_token": access,
        "expires_in": secs_until(access_expires, now),
        "open_id": open_id,
        "refresh_expires_in": secs_until(refresh_expires, now),
        "refresh_token": refresh,
        "scope": scopes.join(","),
        "token_type": "Bearer",
    }))
}

/// `POST /v2/oauth/token/`.
pub(super) fn token(shared: &Shared, headers: &HeaderMap, bytes: &[u8]) -> Reply {
    match token_inner(shared, headers, bytes) {
        Ok(r) => r,
        Err(e) => e.reply(),
    }
}

fn token_inner(shared: &Shared, headers: &HeaderMap, bytes: &[u8]) -> OAuthResult<Reply> {
    let f = form(headers, bytes)?;
    let seed = &shared.seed;
    check_client(&f, seed)?;
    let now = shared.now();
    match field(&f, "grant_type") {
        None => Err(OAuthError::new(
            "invalid_request",
            "grant_type is required.",
        )),
        Some("authorization_code") => exchange_code(&mut lock(&shared.tiktok), &f, seed, now),
        Some("refresh_token") => refresh(&mut lock(&shared.tiktok), &f, seed, now),
        Some(other) => Err(OAuthError::new(
            "unsupported_grant_type",
            format!("The grant_type {other} is not supported."),
        )),
    }
}

fn lifetime(d: std::time::Duration) -> SignedDuration {
    SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX)
}

fn exchange_code(
    w: &mut World,
    f: &HashMap<String, String>,
    seed: &Seed,
    now: Timestamp,
) -> OAuthResult<Reply> {
    let code_text =
        field(f, "code").ok_or_else(|| OAuthError::new("invalid_request", "code is required."))?;
    let invalid_code = || {
        OAuthError::new(
            "invalid_grant",
            "Authorization code is expired, already used or invalid.",
        )
    };
    let code = w
        .codes
        .get(code_text)
        .filter(|c| !c.used && c.expires_at > now)
        .cloned()
        .ok_or_else(invalid_code)?;
    if field(f, "redirect_uri") != Some(code.redirect_uri.as_str()) {
        return Err(OAuthError::new(
            "invalid_request",
            "Redirect_uri is not matched with the uri when requesting code.",
        ));
    }
    if let Some(challenge) = &code.code_challenge {
        let ok = field(f, "code_verifier")
            .is_some_and(|v| verifier_well_formed(v) && code_challenge(v) == *challenge);
        if !ok {
            return Err(OAuthError::new(
                "invalid_grant",
                "Code verifier or code challenge is invalid.",
            ));
        }
    }
    if !w.creators.contains_key(&code.open_id) {
        return Err(invalid_code());
    }
    if let Some(c) = w.codes.get_mut(code_text) {
        c.used = true;
    }
    let grant = w.new_grant(&code.open_id, code.scopes.clone());
    let access = new_access_token();
    let refresh = new_refresh_token();
    let access_expires = now
        .saturating_add(lifetime(seed.tiktok_access_token_lifetime))
        .unwrap_or(now);
    let refresh_expires = now
        .saturating_add(lifetime(seed.tiktok_refresh_token_lifetime))
        .unwrap_or(now);
    w.access.insert(
        access.clone(),
        Access {
            grant,
            expires_at: access_expires,
        },
    );
    w.refresh.insert(
        refresh.clone(),
        Refresh {
            grant,
            expires_at: refresh_expires,
        },
    );
    Ok(token_body(
        &access,
        access_expires,
        &refresh,
        refresh_expires,
        &code.open_id,
        &code.scopes,
        now,
    ))
}

/// A refresh. With rotation on, the refresh token sent stops working and a new one
/// takes its place, keeping the authorization's 365-day window (UNCONFIRMED whether
/// TikTok restarts it). Access tokens issued before stay valid until they expire.
fn refresh(
    w: &mut World,
    f: &HashMap<String, String>,
    seed: &Seed,
    now: Timestamp,
) -> OAuthResult<Reply> {
    let sent = field(f, "refresh_token")
        .ok_or_else(|| OAuthError::new("invalid_request", "refresh_token is required."))?;
    let invalid = || OAuthError::new("invalid_grant", "Refresh token is invalid or expired.");
    let old = w
        .refresh
        .get(sent)
        .filter(|r| r.expires_at > now)
        .cloned()
        .ok_or_else(invalid)?;
    let grant = w
        .grants
        .get(&old.grant)
        .filter(|g| !g.revoked && w.creators.contains_key(&g.open_id))
        .cloned()
        .ok_or_else(invalid)?;
    let access = new_access_token();
    let access_expires = now
        .saturating_add(lifetime(seed.tiktok_access_token_lifetime))
        .unwrap_or(now);
    w.access.insert(
        access.clone(),
        Access {
            grant: old.grant,
            expires_at: access_expires,
        },
    );
    let refresh_token = if seed.tiktok_rotate_refresh_tokens {
        w.refresh.remove(sent);
        let new = new_refresh_token();
        w.refresh.insert(new.clone(), old.clone());
        new
    } else {
        sent.to_string()
    };
    Ok(token_body(
        &access,
        access_expires,
        &refresh_token,
        old.expires_at,
        &grant.open_id,
        &grant.scopes,
        now,
    ))
}

/// `POST /v2/oauth/revoke/` (`token` = an access or refresh token): the creator's
/// authorization of the app ends, every token of theirs with it, and unfinished
/// publishes fail with `auth_removed`. An unknown token is a success too (RFC 7009).
pub(super) fn revoke(shared: &Shared, headers: &HeaderMap, bytes: &[u8]) -> Reply {
    let result = (|| -> OAuthResult<Reply> {
        let f = form(headers, bytes)?;
        check_client(&f, &shared.seed)?;
        let token = field(&f, "token")
            .ok_or_else(|| OAuthError::new("invalid_request", "token is required."))?;
        let now = shared.now();
        let mut w = lock(&shared.tiktok);
        let grant = w
            .access
            .get(token)
            .map(|a| a.grant)
            .or_else(|| w.refresh.get(token).map(|r| r.grant));
        let open_id = grant
            .and_then(|g| w.grants.get(&g))
            .map(|g| g.open_id.clone());
        if let Some(open_id) = open_id {
            w.remove_authorization(&open_id, now);
        }
        Ok(Reply::ok(json!({})))
    })();
    match result {
        Ok(r) => r,
        Err(e) => e.reply(),
    }
}

/// Issue an authorization code for `open_id`, as the authorize page would after consent:
/// bound to `redirect_uri` and `code_challenge`, carrying `scopes` (the creator's seeded
/// scopes when `None`), exchangeable once within [`CODE_LIFETIME`] (10 minutes).
pub(crate) fn issue_code(
    w: &mut World,
    open_id: &str,
    redirect_uri: &str,
    code_challenge: Option<&str>,
    scopes: Option<Vec<String>>,
    now: Timestamp,
) -> Option<String> {
    let seeded = &w.creators.get(open_id)?.scopes;
    let scopes = scopes.unwrap_or_else(|| seeded.clone());
    // codes carry `*` and `!` like real ones (§1.4): clients must encode them
    let code = format!(
        "{}*0!{}",
        random_chars(40, ALNUM),
        random_chars(4, b"0123456789")
    );
    w.codes.insert(
        code.clone(),
        Code {
            open_id: open_id.to_string(),
            scopes,
            redirect_uri: redirect_uri.to_string(),
            code_challenge: code_challenge
                .filter(|c| !c.is_empty())
                .map(|c| c.to_ascii_lowercase()),
            expires_at: now.saturating_add(CODE_LIFETIME).unwrap_or(now),
            used: false,
        },
    );
    Some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_challenge_is_hex_sha256() {
        // the test vector of the TikTok notes (§1.2)
        assert_eq!(
            code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "13d31e961a1ad8ec2f16b10c4c982e0876a878ad6df144566ee1894acb70f9c3"
        );
        assert!(verifier_well_formed(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        ));
        assert!(!verifier_well_formed("short"));
        assert!(!verifier_well_formed(&"a/".repeat(30)));
    }
}
