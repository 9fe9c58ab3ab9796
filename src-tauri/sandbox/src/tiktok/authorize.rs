//! The Login Kit authorize page (www.tiktok.com, `/tiktok-www`, §1.1–§1.4 of the TikTok
//! notes): `GET /v2/auth/authorize/` with the Desktop rules — a loopback `redirect_uri`
//! with an explicit port, and hex PKCE with `S256`.

use axum::http::StatusCode;

use super::{oauth, World};
use crate::graph::Reply;
use crate::request::Params;
use crate::seed::TIKTOK_SCOPES;
use crate::shared::{lock, Shared};
use crate::signin::{self, Decision};

/// Longest redirect URI TikTok registers (§1.1: under 512 characters).
const MAX_REDIRECT_URI: usize = 511;

/// The Desktop redirect rule (§1.1): `http(s)://127.0.0.1:<port>/…` or
/// `http(s)://localhost:<port>/…`, a concrete port, no query, no fragment.
pub(crate) fn loopback_redirect(uri: &str) -> bool {
    if uri.len() > MAX_REDIRECT_URI
        || uri.contains(['?', '#'])
        || uri.bytes().any(|b| !b.is_ascii_graphic())
    {
        return false;
    }
    let Some(rest) = uri
        .strip_prefix("http://")
        .or_else(|| uri.strip_prefix("https://"))
    else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or("");
    let Some((host, port)) = authority.rsplit_once(':') else {
        return false;
    };
    (host == "127.0.0.1" || host == "localhost")
        && (1..=5).contains(&port.len())
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u16>().is_ok_and(|p| p > 0)
}

/// A code challenge as TikTok wants it (§1.2): 64 lowercase hex characters.
fn hex_challenge(challenge: &str) -> bool {
    challenge.len() == 64
        && challenge
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The scopes granted: those requested that the app may have ([`TIKTOK_SCOPES`]), in the
/// order requested, each once; narrowed further to `sandbox_scopes` when the test un-ticks
/// some (users may, §1.3).
fn granted_scopes(requested: &str, unticked: Option<&str>) -> Vec<String> {
    let mut granted: Vec<String> = Vec::new();
    for s in requested.split(',').map(str::trim) {
        let kept = unticked.is_none_or(|keep| keep.split(',').any(|k| k.trim() == s));
        if TIKTOK_SCOPES.contains(&s) && kept && !granted.iter().any(|g| g == s) {
            granted.push(s.to_string());
        }
    }
    granted
}

/// Who signs in when the URL does not say: the first seeded creator.
fn default_creator(shared: &Shared, w: &World) -> Option<String> {
    shared
        .seed
        .tiktok_creators
        .iter()
        .find(|c| w.creators.contains_key(&c.open_id))
        .map(|c| c.open_id.clone())
}

/// `GET /tiktok-www/v2/auth/authorize/?client_key&response_type=code&scope&redirect_uri
/// &state&code_challenge&code_challenge_method=S256` (+ `sandbox_decision=deny`,
/// `sandbox_user=<open_id|username>`, `sandbox_scopes=<the scopes the user leaves
/// ticked>`): 302 to `redirect_uri?code=…&scopes=…&state=…`, or
/// `?error=access_denied&error_description=…&state=…` when denied. A wrong client key, a
/// redirect URI that breaks the Desktop rule or a bad PKCE challenge gets a 400 page.
pub(crate) fn authorize(shared: &Shared, params: &Params) -> Reply {
    let bad = |message: &str| signin::error_page(StatusCode::BAD_REQUEST, message);
    if params.str("client_key").as_deref() != Some(shared.seed.tiktok_client_key.as_str()) {
        return bad("client_key: Something went wrong. The client key is invalid.");
    }
    if params.str("response_type").as_deref() != Some("code") {
        return bad("response_type: Something went wrong. Only code is supported.");
    }
    let redirect_uri = params.str("redirect_uri").unwrap_or_default();
    if !loopback_redirect(&redirect_uri) {
        return bad(
            "redirect_uri: Something went wrong. A desktop redirect_uri must be http(s)://127.0.0.1:<port>/… or http(s)://localhost:<port>/…, without query or fragment.",
        );
    }
    let challenge = params.str("code_challenge").unwrap_or_default();
    if !hex_challenge(&challenge) || params.str("code_challenge_method").as_deref() != Some("S256")
    {
        return bad("code_challenge: Code verifier or code challenge is invalid.");
    }
    let scopes = granted_scopes(
        &params.str("scope").unwrap_or_default(),
        params.str("sandbox_scopes").as_deref(),
    );
    if scopes.is_empty() {
        return bad("scope: Something went wrong. No scope the app may ask for was requested.");
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
                ("error_description", "The user denied the request"),
                ("state", &state),
            ],
            "",
        );
    }
    let now = shared.now();
    let mut w = lock(&shared.tiktok);
    let open_id = match params.str("sandbox_user") {
        Some(who) => w.find_creator(&who).map(|c| c.open_id.clone()),
        None => default_creator(shared, &w),
    };
    let Some(open_id) = open_id else {
        return bad("sandbox_user names no TikTok creator of the sandbox.");
    };
    let granted = scopes.join(",");
    let Some(code) = oauth::issue_code(
        &mut w,
        &open_id,
        &redirect_uri,
        Some(&challenge),
        Some(scopes),
        now,
    ) else {
        return bad("sandbox_user names no TikTok creator of the sandbox.");
    };
    drop(w);
    signin::redirect(
        &redirect_uri,
        &[("code", &code), ("scopes", &granted), ("state", &state)],
        "",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desktop_redirect_rule() {
        for ok in [
            "http://127.0.0.1:3455/callback/",
            "https://127.0.0.1:3455/callback/",
            "http://localhost:53682/cb",
            "http://127.0.0.1:1",
        ] {
            assert!(loopback_redirect(ok), "{ok}");
        }
        for bad in [
            "http://127.0.0.1/callback/",
            "http://127.0.0.1:*/callback/",
            "http://127.0.0.1:0/cb",
            "http://127.0.0.1:65536/cb",
            "http://example.com:3455/cb",
            "https://my.app/cb",
            "http://127.0.0.1:3455/cb?x=1",
            "http://127.0.0.1:3455/cb#x",
            "myapp://127.0.0.1:3455/cb",
            "http://user@127.0.0.1:3455/cb",
            "http://127.0.0.2:3455/cb",
            "",
        ] {
            assert!(!loopback_redirect(bad), "{bad}");
        }
    }

    #[test]
    fn challenges_are_lowercase_hex() {
        let good = "13d31e961a1ad8ec2f16b10c4c982e0876a878ad6df144566ee1894acb70f9c3";
        assert!(hex_challenge(good));
        assert!(!hex_challenge(&good.to_ascii_uppercase()));
        assert!(!hex_challenge(
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!hex_challenge(&good[..63]));
    }

    #[test]
    fn granted_scopes_are_requested_and_allowed() {
        assert_eq!(
            granted_scopes(
                "user.info.basic,video.publish,video.list,user.info.basic",
                None
            ),
            vec!["user.info.basic", "video.publish"]
        );
        assert_eq!(
            granted_scopes(
                "user.info.basic,video.publish,video.upload",
                Some("user.info.basic,video.upload")
            ),
            vec!["user.info.basic", "video.upload"]
        );
        assert!(granted_scopes("", None).is_empty());
    }
}
