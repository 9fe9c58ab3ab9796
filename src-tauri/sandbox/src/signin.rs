//! The sign-in pages a browser opens: www.instagram.com (`/instagram-www`), www.tiktok.com
//! (`/tiktok-www`) and www.facebook.com (`/facebook-www`).
//!
//! The sandbox's "user" decides at once: they approve, unless the URL carries
//! `sandbox_decision=deny`; `sandbox_user=…` picks who signs in. The page then redirects
//! (302) to `redirect_uri` with a code or an error. A request the real page would refuse
//! gets an HTTP 400 error page and no redirect.
//!
//! Codes and tokens are never logged: they only travel in the `Location` header.

use axum::http::{header, HeaderValue, Method, StatusCode};

use crate::graph::Reply;
use crate::request::Params;
use crate::shared::Shared;

/// Routes of the sign-in hosts, for the control API's listing.
pub(crate) const ROUTES: &[&str] = &[
    "GET /instagram-www/oauth/authorize",
    "GET /tiktok-www/v2/auth/authorize/",
    "GET /facebook-www/{version}/dialog/oauth",
];

/// What the sandbox's user does on the consent screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    Approve,
    Deny,
}

/// `sandbox_decision`: absent, `approve` or `allow` → approve; `deny` → deny; anything
/// else is a mistake in the test and gets an error page.
pub(crate) fn decision(params: &Params) -> Result<Decision, Reply> {
    match params.str("sandbox_decision").as_deref() {
        None | Some("approve") | Some("allow") => Ok(Decision::Approve),
        Some("deny") => Ok(Decision::Deny),
        Some(_) => Err(error_page(
            StatusCode::BAD_REQUEST,
            "sandbox_decision must be approve or deny.",
        )),
    }
}

/// A small HTML error page (the real hosts show one, and do not redirect).
pub(crate) fn error_page(status: StatusCode, message: &str) -> Reply {
    let body = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Error</title></head>\
         <body><h1>Sorry, this page isn't available</h1><p class=\"error\">{}</p>\
         <p>herald-sandbox</p></body></html>\n",
        escape_html(message)
    );
    Reply {
        status,
        headers: vec![
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body: body.into_bytes(),
    }
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A query value as the sign-in hosts write it: letters, digits, `-._~,` as they are, a
/// space as `+`, every other byte percent-encoded (so TikTok's `*` and `!` arrive as
/// `%2A` and `%21`).
pub(crate) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b',' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// 302 to `redirect_uri` with `pairs` added to its query (`?`, or `&` when it has one
/// already), then `suffix` (Meta appends `#_`). Pairs with an empty value are left out.
pub(crate) fn redirect(redirect_uri: &str, pairs: &[(&str, &str)], suffix: &str) -> Reply {
    if redirect_uri.contains('#') {
        return error_page(
            StatusCode::BAD_REQUEST,
            "redirect_uri must not have a fragment.",
        );
    }
    let mut target = redirect_uri.to_string();
    let mut sep = if target.contains('?') { '&' } else { '?' };
    for (name, value) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        target.push(sep);
        target.push_str(name);
        target.push('=');
        target.push_str(&encode(value));
        sep = '&';
    }
    target.push_str(suffix);
    let location = match HeaderValue::from_str(&target) {
        Ok(v) => v,
        Err(_) => return error_page(StatusCode::BAD_REQUEST, "redirect_uri is not a valid URL."),
    };
    Reply {
        status: StatusCode::FOUND,
        headers: vec![
            (header::LOCATION, location),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
        ],
        body: Vec::new(),
    }
}

/// Handle a request to one of the sign-in hosts (`instagram-www`, `tiktok-www`,
/// `facebook-www`).
pub(crate) fn handle(
    shared: &Shared,
    host: &str,
    path: &str,
    query: &str,
    method: &Method,
) -> Reply {
    let route = path.trim_end_matches('/');
    let get = method == Method::GET;
    match host {
        "instagram-www" if get && route == "/oauth/authorize" => {
            crate::instagram::authorize(shared, &Params::from_query(query))
        }
        "tiktok-www" if get && route == "/v2/auth/authorize" => {
            crate::tiktok::authorize(shared, &Params::from_query(query))
        }
        "facebook-www" if get && is_facebook_dialog(route) => {
            crate::facebook::oauth_dialog(shared, query)
        }
        _ => error_page(
            StatusCode::NOT_FOUND,
            "The sandbox has no such sign-in page.",
        ),
    }
}

/// `/v25.0/dialog/oauth` (any `vNN.N`) or `/dialog/oauth`.
fn is_facebook_dialog(route: &str) -> bool {
    let segments: Vec<&str> = route.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        ["dialog", "oauth"] => true,
        [version, "dialog", "oauth"] => crate::facebook::is_version(version),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_encoded_like_the_real_hosts() {
        assert_eq!(encode("ab*0!12"), "ab%2A0%2112");
        assert_eq!(encode("Permissions error"), "Permissions+error");
        assert_eq!(
            encode("user.info.basic,video.publish"),
            "user.info.basic,video.publish"
        );
        assert_eq!(encode("a&b=c#d"), "a%26b%3Dc%23d");
    }

    #[test]
    fn redirects_append_to_the_query() {
        let r = redirect("https://x.test/cb", &[("code", "c"), ("state", "")], "#_");
        assert_eq!(r.status, StatusCode::FOUND);
        let loc = r
            .headers
            .iter()
            .find(|(n, _)| n == header::LOCATION)
            .and_then(|(_, v)| v.to_str().ok())
            .map(str::to_string);
        assert_eq!(loc.as_deref(), Some("https://x.test/cb?code=c#_"));
        let r = redirect(
            "https://x.test/cb?a=1",
            &[("code", "c"), ("state", "s")],
            "",
        );
        let loc = r
            .headers
            .iter()
            .find(|(n, _)| n == header::LOCATION)
            .and_then(|(_, v)| v.to_str().ok())
            .map(str::to_string);
        assert_eq!(loc.as_deref(), Some("https://x.test/cb?a=1&code=c&state=s"));
    }

    #[test]
    fn facebook_dialog_paths() {
        assert!(is_facebook_dialog("/v25.0/dialog/oauth"));
        assert!(is_facebook_dialog("/dialog/oauth"));
        assert!(!is_facebook_dialog("/latest/dialog/oauth"));
        assert!(!is_facebook_dialog("/v25.0/dialog"));
    }

    #[test]
    fn error_pages_escape() {
        let r = error_page(StatusCode::BAD_REQUEST, "<b>&");
        let body = String::from_utf8_lossy(&r.body).into_owned();
        assert!(body.contains("&lt;b&gt;&amp;"));
    }
}
