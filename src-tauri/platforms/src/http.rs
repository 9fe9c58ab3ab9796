//! A small JSON-over-HTTP client for the Graph hosts: bearer tokens in headers (never in URLs,
//! so no URL in an error can leak one), bounded response sizes, and every failure classified as
//! [`GraphFailure`].

use std::time::Duration;

use herald_core::vault::Secret;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

use crate::graph::{retry_after, GraphErrorEnvelope, GraphFailure};

/// The Graph API version Herald speaks.
pub const GRAPH_VERSION: &str = "v25.0";
/// The largest JSON answer accepted; a bigger one is treated as malformed.
const MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// One Graph host (graph.facebook.com, graph-video.facebook.com…).
#[derive(Debug, Clone)]
pub struct GraphHost {
    http: reqwest::Client,
    base: String,
}

impl GraphHost {
    /// A host at `base` (no trailing slash), e.g. `https://graph.facebook.com`.
    pub fn new(http: reqwest::Client, base: &str) -> Self {
        GraphHost {
            http,
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// The host's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// A request to `/{version}/{path}`.
    pub fn request(&self, method: Method, path: &str, token: &Secret) -> RequestBuilder {
        let url = format!(
            "{}/{GRAPH_VERSION}/{}",
            self.base,
            path.trim_start_matches('/')
        );
        self.http.request(method, url).bearer_auth(token.expose())
    }

    /// Sends a request and returns its JSON body, or the classified failure.
    pub async fn send(&self, request: RequestBuilder) -> Result<Value, GraphFailure> {
        let response = request
            .send()
            .await
            .map_err(|err| GraphFailure::Network(describe(&err)))?;
        read_json(response).await
    }
}

/// An HTTP client with Herald's timeouts.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .user_agent(concat!("Herald/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

async fn read_json(mut response: Response) -> Result<Value, GraphFailure> {
    let status = response.status();
    let wait = retry_after(response.headers());
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| GraphFailure::Network(describe(&err)))?
    {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(GraphFailure::Malformed(
                "the answer is too large".to_owned(),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    if status.is_success() {
        return serde_json::from_slice(&body)
            .map_err(|err| GraphFailure::Malformed(format!("not JSON: {err}")));
    }
    match serde_json::from_slice::<GraphErrorEnvelope>(&body) {
        Ok(envelope) => Err(GraphFailure::Api {
            status: status.as_u16(),
            error: envelope.error,
            retry_after: wait,
        }),
        Err(_) if status.is_server_error() || status.as_u16() == 429 => Err(GraphFailure::Api {
            status: status.as_u16(),
            error: crate::graph::GraphError {
                message: format!("HTTP {status}"),
                code: if status.as_u16() == 429 { 4 } else { 2 },
                ..Default::default()
            },
            retry_after: wait,
        }),
        Err(_) => Err(GraphFailure::Malformed(format!(
            "HTTP {status} without an error body"
        ))),
    }
}

/// A transport error in words, without its URL.
pub(crate) fn describe(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else if err.is_body() || err.is_decode() {
        "the connection broke while reading the answer"
    } else if err.is_request() {
        "the connection broke"
    } else {
        "network error"
    };
    let mut source = std::error::Error::source(err);
    let mut detail = String::new();
    while let Some(inner) = source {
        detail = inner.to_string();
        source = inner.source();
    }
    if detail.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {detail}")
    }
}

/// A string field of a JSON object.
pub fn str_field(value: &Value, name: &str) -> Result<String, GraphFailure> {
    match value.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(GraphFailure::Malformed(format!(
            "the answer has no '{name}'"
        ))),
    }
}
