//! TikTok's answers: the v2 `{"data":…,"error":{"code","message","log_id"}}` envelope, the
//! flat OAuth error shape (§1.8) and log ids.

use axum::http::StatusCode;
use jiff::Timestamp;
use serde_json::{json, Value};

use crate::graph::Reply;

pub(crate) use crate::shared::{random_chars, ALNUM};

/// A log id like `202210112248442CB9319E1FB30C1073F3`: the UTC time, then 20 hex digits.
pub(crate) fn log_id() -> String {
    format!(
        "{}{}",
        Timestamp::now().strftime("%Y%m%d%H%M%S"),
        random_chars(20, b"0123456789ABCDEF")
    )
}

/// A v2 API error: its HTTP status, `error.code` and `error.message`.
#[derive(Debug, Clone)]
pub(crate) struct TtError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

pub(crate) type TtResult<T> = Result<T, TtError>;

impl TtError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> TtError {
        TtError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 `invalid_params` (the spelling real responses use, §0).
    pub fn invalid_params(message: impl Into<String>) -> TtError {
        TtError::new(StatusCode::BAD_REQUEST, "invalid_params", message)
    }

    /// 401 `access_token_invalid`: missing, unknown, expired or revoked.
    pub fn token_invalid() -> TtError {
        TtError::new(
            StatusCode::UNAUTHORIZED,
            "access_token_invalid",
            "The access token is invalid or not found in the request.",
        )
    }

    /// 401 `scope_not_authorized`.
    pub fn scope_not_authorized(scope: &str) -> TtError {
        TtError::new(
            StatusCode::UNAUTHORIZED,
            "scope_not_authorized",
            format!("The user did not authorize the scope required for completing this request ({scope})."),
        )
    }

    /// 429 `rate_limit_exceeded`.
    pub fn rate_limited() -> TtError {
        TtError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_exceeded",
            "The API rate limit was exceeded. Please try again later.",
        )
    }

    /// 403 with this code.
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> TtError {
        TtError::new(StatusCode::FORBIDDEN, code, message)
    }

    /// 400 `invalid_publish_id`.
    pub fn invalid_publish_id(publish_id: &str) -> TtError {
        TtError::new(
            StatusCode::BAD_REQUEST,
            "invalid_publish_id",
            format!("The publish_id {publish_id} does not exist."),
        )
    }

    /// 404 for paths and methods the API does not have.
    pub fn not_found(method: &str, path: &str) -> TtError {
        TtError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("No endpoint {method} {path} on open.tiktokapis.com."),
        )
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        json!({"data": {}, "error": {"code": self.code, "message": self.message, "log_id": log_id()}})
    }

    pub fn reply(&self) -> Reply {
        Reply::json(self.status, &self.body())
    }
}

/// A successful v2 answer: `{"data": data, "error": {"code": "ok", …}}`.
pub(crate) fn ok(data: Value) -> Reply {
    Reply::ok(json!({"data": data, "error": {"code": "ok", "message": "", "log_id": log_id()}}))
}

/// The body of an injected 5xx on the TikTok hosts.
pub(crate) fn internal_error_body() -> Value {
    TtError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
        "Something went wrong. Please try again later.",
    )
    .body()
}

/// An OAuth error (§1.8): `{"error","error_description","log_id"}`, no envelope.
#[derive(Debug, Clone)]
pub(crate) struct OAuthError {
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    pub fn new(error: &'static str, description: impl Into<String>) -> OAuthError {
        OAuthError {
            error,
            description: description.into(),
        }
    }

    /// The HTTP status is not documented (UNCONFIRMED): 401 for `invalid_client`, 500/503
    /// for server trouble, 400 otherwise.
    pub fn status(&self) -> StatusCode {
        match self.error {
            "invalid_client" => StatusCode::UNAUTHORIZED,
            "server_error" => StatusCode::INTERNAL_SERVER_ERROR,
            "temporarily_unavailable" => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    pub fn reply(&self) -> Reply {
        Reply::json(
            self.status(),
            &json!({"error": self.error, "error_description": self.description, "log_id": log_id()}),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ids_look_like_tiktoks() {
        let a = log_id();
        assert_eq!(a.len(), 34, "{a}");
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
        assert_ne!(a, log_id());
    }

    #[test]
    fn envelopes() {
        let e = TtError::invalid_params("The chunk size is invalid").body();
        assert_eq!(e["error"]["code"], "invalid_params");
        assert_eq!(e["error"]["message"], "The chunk size is invalid");
        assert_eq!(e["data"], json!({}));
    }
}
