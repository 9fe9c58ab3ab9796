//! Meta's Graph API conventions shared by Facebook and Instagram: the error envelope, how each
//! error is classified (retry, reconnect, give up) and the rate-limit headers
//! (`../shared/platforms/meta-api.md` §0.1–0.3).

use std::time::Duration;

use herald_core::publish::{PublishFailure, Retry};
use reqwest::header::HeaderMap;
use serde::Deserialize;

/// How long to wait after a rate limit when the platform does not say.
const DEFAULT_RATE_LIMIT_WAIT: Duration = Duration::from_secs(5 * 60);
/// How long to wait after a transient failure before the engine's own backoff takes over.
const TRANSIENT_WAIT: Duration = Duration::from_secs(30);

/// `{"error": {...}}` as every Graph host sends it.
#[derive(Debug, Clone, Deserialize)]
pub struct GraphErrorEnvelope {
    pub error: GraphError,
}

/// The error object of the envelope; only `code` and `error_subcode` are branched on.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GraphError {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub code: i64,
    #[serde(default)]
    pub error_subcode: Option<i64>,
    #[serde(default)]
    pub is_transient: Option<bool>,
    #[serde(default)]
    pub error_user_msg: Option<String>,
    #[serde(default)]
    pub fbtrace_id: Option<String>,
}

impl GraphError {
    /// `190` or `190/463`.
    pub fn code_text(&self) -> String {
        match self.error_subcode {
            Some(sub) => format!("{}/{}", self.code, sub),
            None => self.code.to_string(),
        }
    }
}

/// What went wrong talking to a Graph host.
#[derive(Debug, Clone)]
pub enum GraphFailure {
    /// No answer: refused, dropped, timed out. Whether a write happened is unknown.
    Network(String),
    /// The platform answered with an error.
    Api {
        status: u16,
        error: GraphError,
        retry_after: Option<Duration>,
    },
    /// The platform answered with something that is not what the API documents.
    Malformed(String),
}

/// Rate-limit and transient codes (meta-api.md §0.2–0.3, §3.3).
fn is_rate_limit(code: i64) -> bool {
    matches!(code, 4 | 17 | 32 | 341 | 613 | 80000..=80009 | 80014)
}

impl GraphFailure {
    /// The failure as the publish engine sees it, with a sentence for `network` naming the
    /// platform ("Facebook").
    pub fn to_publish_failure(&self, network: &str) -> PublishFailure {
        match self {
            GraphFailure::Network(reason) => PublishFailure {
                code: "network".to_owned(),
                message: format!(
                    "Could not reach {network} ({reason}). Herald will try again; check the internet connection if this persists."
                ),
                retry: Retry::After(TRANSIENT_WAIT),
            },
            GraphFailure::Malformed(reason) => PublishFailure {
                code: "bad_response".to_owned(),
                message: format!("{network} sent an answer Herald does not understand ({reason}). Herald will try again."),
                retry: Retry::After(TRANSIENT_WAIT),
            },
            GraphFailure::Api { status, error, retry_after } => classify(network, *status, error, *retry_after),
        }
    }
}

fn classify(
    network: &str,
    status: u16,
    error: &GraphError,
    retry_after: Option<Duration>,
) -> PublishFailure {
    let code = error.code_text();
    let detail = error
        .error_user_msg
        .clone()
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| error.message.clone());
    let (message, retry) = match (error.code, error.error_subcode) {
        (c, _) if is_rate_limit(c) => (
            format!("{network} asks Herald to slow down (rate limit). Herald will publish when {network} allows it again; nothing to do."),
            Retry::RateLimited(retry_after.unwrap_or(DEFAULT_RATE_LIMIT_WAIT)),
        ),
        (190 | 102, Some(460)) => (
            format!("{network} ended Herald's access because the password was changed. Reconnect the account in Herald."),
            Retry::Reconnect,
        ),
        (190 | 102, Some(492)) => (
            format!("You no longer have a role on this Page on {network}. Ask an admin to restore it, then reconnect the account."),
            Retry::Reconnect,
        ),
        (190 | 102, _) => (
            format!("{network} no longer accepts Herald's access to this account (the token expired or was revoked). Reconnect the account in Herald."),
            Retry::Reconnect,
        ),
        (200..=299 | 10, _) => (
            format!("Herald is missing a {network} permission for this account ({detail}). Reconnect the account and grant every permission Herald asks for."),
            Retry::Reconnect,
        ),
        (506, _) | (_, Some(1366051)) => (
            format!("{network} refused this post as a duplicate of an earlier one. Change the text or media and publish again."),
            Retry::Never,
        ),
        (368, _) => (
            format!("{network} has temporarily blocked posting from this account for policy reasons. Try again later from {network} itself."),
            Retry::Never,
        ),
        (_, Some(1366046)) => (
            format!("{network} refused the photo: photos must be JPG or PNG and smaller than 4 MB. Replace it and publish again."),
            Retry::Never,
        ),
        (_, Some(1390008)) => (
            format!("{network} says the account is posting too fast. Herald will try again later."),
            Retry::RateLimited(DEFAULT_RATE_LIMIT_WAIT),
        ),
        (1 | 2, _) => (
            format!("{network} had a temporary problem ({detail}). Herald will try again."),
            Retry::After(TRANSIENT_WAIT),
        ),
        _ if error.is_transient == Some(true) || status >= 500 => (
            format!("{network} had a temporary problem ({detail}). Herald will try again."),
            Retry::After(TRANSIENT_WAIT),
        ),
        (100, _) => (
            format!("{network} rejected the post: {detail}. Edit the post and publish again."),
            Retry::Never,
        ),
        _ => (
            format!("{network} refused the post: {detail}."),
            Retry::Never,
        ),
    };
    PublishFailure {
        code,
        message,
        retry,
    }
}

/// The wait a rate-limit answer asks for: the largest `estimated_time_to_regain_access`
/// (minutes) of `X-Business-Use-Case-Usage`, if any.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get("x-business-use-case-usage")?.to_str().ok()?;
    let usage: serde_json::Value = serde_json::from_str(text).ok()?;
    let minutes = usage
        .as_object()?
        .values()
        .filter_map(|entries| entries.as_array())
        .flatten()
        .filter_map(|entry| entry.get("estimated_time_to_regain_access")?.as_u64())
        .max()?;
    (minutes > 0).then(|| Duration::from_secs(minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: i64, subcode: Option<i64>) -> PublishFailure {
        GraphFailure::Api {
            status: 400,
            error: GraphError {
                message: "msg".into(),
                code,
                error_subcode: subcode,
                ..Default::default()
            },
            retry_after: None,
        }
        .to_publish_failure("Facebook")
    }

    #[test]
    fn expired_tokens_ask_for_a_reconnect() {
        let failure = api(190, Some(463));
        assert_eq!(failure.code, "190/463");
        assert_eq!(failure.retry, Retry::Reconnect);
        assert!(failure.message.contains("Reconnect"), "{}", failure.message);
    }

    #[test]
    fn rate_limits_and_transient_errors_retry_duplicates_do_not() {
        for code in [4, 17, 32, 613, 80001] {
            assert!(
                matches!(api(code, None).retry, Retry::RateLimited(_)),
                "{code}"
            );
        }
        assert!(matches!(api(2, None).retry, Retry::After(_)));
        assert_eq!(api(506, None).retry, Retry::Never);
        assert_eq!(api(100, None).retry, Retry::Never);
        assert!(matches!(
            GraphFailure::Network("reset".into())
                .to_publish_failure("Facebook")
                .retry,
            Retry::After(_)
        ));
    }

    #[test]
    fn the_usage_header_gives_the_wait_and_the_load() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-business-use-case-usage",
            r#"{"123":[{"type":"pages","call_count":95,"total_cputime":10,"total_time":20,"estimated_time_to_regain_access":7}]}"#
                .parse()
                .unwrap(),
        );
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7 * 60)));
        headers.insert("x-business-use-case-usage", "not json".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }
}
