//! TikTok's v2 API over HTTP (`../shared/platforms/tiktok-api.md` §0): bearer tokens in headers,
//! the `{data, error:{code, message, log_id}}` envelope checked on **every** answer (TikTok sends
//! some failures with HTTP 200), bounded answers, and the OAuth token endpoint's flat shape.

use std::time::Duration;

use herald_core::vault::Secret;
use reqwest::Method;
use serde_json::Value;

use crate::http::describe;

/// The largest JSON answer accepted.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// What went wrong talking to TikTok.
#[derive(Debug, Clone, PartialEq)]
pub enum TikTokFailure {
    /// No answer: refused, dropped, timed out.
    Network(String),
    /// TikTok answered with an error code (`access_token_invalid`, `rate_limit_exceeded`…).
    Api {
        status: u16,
        code: String,
        message: String,
        log_id: Option<String>,
    },
    /// An answer that is not what the API documents.
    Malformed(String),
}

/// The v2 API at one base URL (`https://open.tiktokapis.com`, or the sandbox).
#[derive(Debug, Clone)]
pub struct TikTokApi {
    http: reqwest::Client,
    base: String,
}

impl TikTokApi {
    /// The API at `base` (no trailing slash).
    pub fn new(http: reqwest::Client, base: &str) -> Self {
        TikTokApi {
            http,
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// `POST {path}` with a JSON body; returns `data` once `error.code` is `ok`.
    pub async fn post(
        &self,
        path: &str,
        token: &Secret,
        body: &Value,
    ) -> Result<Value, TikTokFailure> {
        let request = self
            .http
            .request(Method::POST, self.url(path))
            .bearer_auth(token.expose())
            .header("content-type", "application/json; charset=UTF-8")
            .json(body);
        self.send(request).await
    }

    /// `GET {path}?{query}`; returns `data` once `error.code` is `ok`.
    pub async fn get(
        &self,
        path: &str,
        token: &Secret,
        query: &[(&str, &str)],
    ) -> Result<Value, TikTokFailure> {
        let request = self
            .http
            .request(Method::GET, self.url(path))
            .bearer_auth(token.expose())
            .query(query);
        self.send(request).await
    }

    /// `POST /v2/oauth/token/` (form-encoded): the flat token answer, or the OAuth error.
    pub async fn oauth_token(&self, form: &[(&str, &str)]) -> Result<Value, TikTokFailure> {
        let response = self
            .http
            .post(self.url("/v2/oauth/token/"))
            .header("cache-control", "no-cache")
            .form(form)
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .map_err(|err| TikTokFailure::Network(describe(&err)))?;
        let status = response.status().as_u16();
        let answer = read_json(response).await?;
        if let Some(error) = answer
            .get("error")
            .and_then(Value::as_str)
            .filter(|e| !e.is_empty())
        {
            return Err(TikTokFailure::Api {
                status,
                code: error.to_owned(),
                message: answer
                    .get("error_description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                log_id: answer
                    .get("log_id")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            });
        }
        if answer.get("access_token").and_then(Value::as_str).is_none() {
            return Err(TikTokFailure::Malformed(
                "the token answer has no access_token".into(),
            ));
        }
        Ok(answer)
    }

    /// `POST /v2/oauth/revoke/` (form-encoded): ends the creator's authorization of the app.
    pub async fn oauth_revoke(&self, form: &[(&str, &str)]) -> Result<(), TikTokFailure> {
        let response = self
            .http
            .post(self.url("/v2/oauth/revoke/"))
            .form(form)
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .map_err(|err| TikTokFailure::Network(describe(&err)))?;
        let status = response.status().as_u16();
        let answer = read_json(response).await?;
        match answer
            .get("error")
            .and_then(Value::as_str)
            .filter(|e| !e.is_empty())
        {
            Some(error) => Err(TikTokFailure::Api {
                status,
                code: error.to_owned(),
                message: answer
                    .get("error_description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                log_id: None,
            }),
            None if (200..300).contains(&status) => Ok(()),
            None => Err(TikTokFailure::Malformed(format!("HTTP {status}"))),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base, path.trim_start_matches('/'))
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Value, TikTokFailure> {
        let response = request
            .send()
            .await
            .map_err(|err| TikTokFailure::Network(describe(&err)))?;
        let status = response.status().as_u16();
        let answer = read_json(response).await.or_else(|err| match err {
            // A gateway error without a JSON body.
            TikTokFailure::Malformed(_) if status >= 500 || status == 429 => Ok(Value::Null),
            other => Err(other),
        })?;
        let code = answer
            .pointer("/error/code")
            .and_then(Value::as_str)
            .map(str::to_owned);
        match code.as_deref() {
            Some("ok") if (200..300).contains(&status) => {
                Ok(answer.get("data").cloned().unwrap_or(Value::Null))
            }
            Some(code) => Err(TikTokFailure::Api {
                status,
                code: code.to_owned(),
                message: answer
                    .pointer("/error/message")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                log_id: answer
                    .pointer("/error/log_id")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            }),
            None if status >= 500 => Err(TikTokFailure::Api {
                status,
                code: "internal_error".to_owned(),
                message: format!("HTTP {status}"),
                log_id: None,
            }),
            None if status == 429 => Err(TikTokFailure::Api {
                status,
                code: "rate_limit_exceeded".to_owned(),
                message: "HTTP 429".to_owned(),
                log_id: None,
            }),
            None => Err(TikTokFailure::Malformed(format!(
                "HTTP {status} without an error code"
            ))),
        }
    }
}

async fn read_json(mut response: reqwest::Response) -> Result<Value, TikTokFailure> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| TikTokFailure::Network(describe(&err)))?
    {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(TikTokFailure::Malformed("the answer is too large".into()));
        }
        body.extend_from_slice(&chunk);
    }
    if body.is_empty() {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_slice(&body)
        .map_err(|err| TikTokFailure::Malformed(format!("not JSON: {err}")))
}

/// A string field of a JSON object (numbers accepted: TikTok's ids are 64-bit).
pub fn text(value: &Value, name: &str) -> Option<String> {
    match value.get(name)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
