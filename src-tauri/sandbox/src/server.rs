//! The HTTP server: one port, a path prefix per real host, faults, journal, control API.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper_util::rt::TokioIo;
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};

use crate::facebook::{self, handle_graph, handle_rupload};
use crate::faults::{self, FaultAction, FaultRule};
use crate::graph::{rupload_error, GraphError, Reply};
use crate::instagram;
use crate::record::JournalEntry;
use crate::request::{read_params, read_raw, BodyError, Params};
use crate::seed::SeededTokens;
use crate::shared::{lock, Shared};
use crate::signin;
use crate::tiktok;

/// Host prefixes, one per real host.
pub(crate) const HOSTS: &[&str] = &[
    "facebook",
    "facebook-video",
    "rupload",
    "instagram-graph",
    "instagram-api",
    "tiktok",
    "tiktok-upload",
    "instagram-www",
    "tiktok-www",
    "facebook-www",
];

/// Closes the connection a request arrived on (for `drop` faults).
#[derive(Clone)]
struct ConnKill(Arc<Notify>);

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut resp = Response::new(Body::from(self.body));
        *resp.status_mut() = self.status;
        for (name, value) in self.headers {
            resp.headers_mut().append(name, value);
        }
        resp
    }
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(entry).with_state(shared)
}

/// Accept connections until `stop` changes (or its sender is dropped).
pub(crate) async fn serve(listener: TcpListener, router: Router, mut stop: watch::Receiver<bool>) {
    loop {
        let accepted = tokio::select! {
            _ = stop.changed() => break,
            a = listener.accept() => a,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                tracing::warn!("sandbox: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let router = router.clone();
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let conn_kill = ConnKill(kill.clone());
            let service = hyper::service::service_fn(
                move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(conn_kill.clone());
                    let mut router = router.clone();
                    async move {
                        let resp: Result<Response, Infallible> =
                            tower_service::Service::call(&mut router, req.map(Body::new)).await;
                        resp
                    }
                },
            );
            let conn = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {}
                _ = stop.changed() => {}
            }
        });
    }
}

fn split_host(path: &str) -> (&'static str, String) {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    let (first, rest) = match trimmed.find('/') {
        Some(i) => (&trimmed[..i], &trimmed[i..]),
        None => (trimmed, ""),
    };
    if first == "_sandbox" {
        return ("_sandbox", rest.to_string());
    }
    match HOSTS.iter().find(|h| **h == first) {
        Some(h) => (h, rest.to_string()),
        None => ("unknown", path.to_string()),
    }
}

fn decode_segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

async fn hang_up(kill: Option<ConnKill>) -> Response {
    if let Some(k) = kill {
        k.0.notify_one();
        std::future::pending::<()>().await;
    }
    // Not served by our own loop: the best we can do is an empty 502.
    StatusCode::BAD_GATEWAY.into_response()
}

fn default_fault_body(host: &str, status: u16) -> Value {
    match host {
        "rupload" => json!({"debug_info": {"retriable": true, "type": "ProcessingFailedError",
            "message": "{\"success\":false,\"error\":{\"message\":\"An unexpected error has occurred. Please retry your request later.\"}}"}}),
        "tiktok" | "tiktok-upload" => tiktok::internal_error_body(),
        "instagram-api" => json!({"error_type": "OAuthException", "code": status,
            "error_message": "An unexpected error has occurred. Please retry your request later."}),
        "instagram-www" | "tiktok-www" | "facebook-www" => json!({"error": {
            "message": "Sorry, something went wrong. Please try again later.",
            "type": "SandboxException", "code": status}}),
        _ => GraphError::new(
            2,
            "An unexpected error has occurred. Please retry your request later.",
        )
        .transient(true)
        .body(),
    }
}

/// Read the first `n` bytes of a body (or all of it, when shorter) and forget them: the
/// part of an upload that arrived before a `drop_mid_body` fault cut the connection.
async fn read_prefix(body: Body, n: u64) {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut seen = 0u64;
    while seen < n {
        match stream.next().await {
            Some(Ok(chunk)) => seen += chunk.len() as u64,
            _ => break,
        }
    }
}

/// The journal keeps the most recent entries up to this many (benchmarks can send millions).
const JOURNAL_CAP: usize = 200_000;

fn journal(shared: &Shared, entry: JournalEntry) {
    let mut j = lock(&shared.journal);
    j.push(entry);
    if j.len() >= JOURNAL_CAP + JOURNAL_CAP / 10 {
        j.sort_by_key(|e| e.seq);
        j.drain(..JOURNAL_CAP / 10);
    }
}

async fn entry(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let kill = req.extensions().get::<ConnKill>().cloned();
    let (parts, body) = req.into_parts();
    let raw_path = parts.uri.path().to_string();
    let query = parts.uri.query().unwrap_or("").to_string();
    let (host, path) = split_host(&raw_path);
    if host == "_sandbox" {
        return control(&shared, &parts.method, &path, &query, body)
            .await
            .into_response();
    }
    let method = parts.method.as_str().to_string();
    let mut record = JournalEntry {
        seq: shared.next_journal_seq(),
        method: method.clone(),
        host: host.to_string(),
        path: path.clone(),
        query: query.clone(),
        time: shared.now(),
        status: None,
        fault: None,
    };
    let fault = faults::take(&shared, &method, host, &path);
    record.fault = fault.as_ref().map(|f| f.name().to_string());
    let mut drop_after = false;
    match fault {
        Some(FaultAction::Status { status, body }) => {
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = body.unwrap_or_else(|| default_fault_body(host, code.as_u16()));
            record.status = Some(code.as_u16());
            journal(&shared, record);
            return Reply::json(code, &body).into_response();
        }
        Some(FaultAction::Delay { ms }) => tokio::time::sleep(Duration::from_millis(ms)).await,
        Some(FaultAction::Drop) => {
            journal(&shared, record);
            return hang_up(kill).await;
        }
        Some(FaultAction::DropAfterApply) => drop_after = true,
        Some(FaultAction::DropMidBody { after_bytes }) => {
            read_prefix(body, after_bytes).await;
            journal(&shared, record);
            return hang_up(kill).await;
        }
        None => {}
    }
    shared.sweep();
    let reply = dispatch(
        &shared,
        host,
        &path,
        &query,
        parts.method,
        parts.headers,
        body,
    )
    .await;
    if drop_after {
        journal(&shared, record);
        return hang_up(kill).await;
    }
    record.status = Some(reply.status.as_u16());
    journal(&shared, record);
    reply.into_response()
}

async fn dispatch(
    shared: &Arc<Shared>,
    host: &'static str,
    path: &str,
    query: &str,
    method: Method,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Reply {
    match host {
        "facebook" | "facebook-video" | "rupload" | "instagram-graph" => {}
        "instagram-api" => {
            if method == Method::POST && path.trim_end_matches('/') == "/oauth/access_token" {
                return match read_params(&headers, query, body).await {
                    Ok((params, _)) => instagram::exchange_code(shared, &params),
                    Err(e) => Reply::json(
                        StatusCode::BAD_REQUEST,
                        &json!({"error_type": "OAuthException", "code": 400,
                            "error_message": e.message()}),
                    ),
                };
            }
            return Reply::json(
                StatusCode::NOT_FOUND,
                &json!({"error_type": "OAuthException", "code": 404,
                    "error_message": "the sandbox simulates only POST /oauth/access_token on api.instagram.com"}),
            );
        }
        "instagram-www" | "tiktok-www" | "facebook-www" => {
            return signin::handle(shared, host, path, query, &method)
        }
        "tiktok" => return tiktok::handle_api(shared, path, query, method, headers, body).await,
        "tiktok-upload" => {
            return tiktok::handle_upload(shared, path, query, method, headers, body).await
        }
        _ => {
            return Reply::json(
                StatusCode::NOT_FOUND,
                &json!({"error": {"message": format!("Unknown host prefix in {path}: use one of {}", HOSTS.join(", ")),
                    "type": "SandboxException", "code": 404}}),
            )
        }
    }
    let mut segments = decode_segments(path);
    let mut version = None;
    if host == "rupload" {
        if let Some(i) = segments.iter().position(|s| facebook_is_version(s)) {
            version = Some(segments.remove(i));
        }
    } else if segments.first().is_some_and(|s| facebook_is_version(s)) {
        version = Some(segments.remove(0));
    }
    let raw_mode = host == "rupload"
        || (host != "instagram-graph"
            && method == Method::POST
            && segments.len() == 1
            && segments[0].starts_with("upload:"));
    let (params, files, raw) = if raw_mode {
        match read_raw(body).await {
            Ok(raw) => (Params::from_query(query), Vec::new(), Some(raw)),
            Err(e) => return body_error(host, e),
        }
    } else {
        match read_params(&headers, query, body).await {
            Ok((p, f)) => (p, f, None),
            Err(e) => return body_error(host, e),
        }
    };
    let req = facebook::GraphReq {
        method,
        host,
        path: path.to_string(),
        segments,
        version,
        headers,
        params,
        files,
        raw,
    };
    match host {
        "rupload" if req.segments.first().is_some_and(|s| s == "ig-api-upload") => {
            instagram::handle_rupload(shared, req).await
        }
        "rupload" => handle_rupload(shared, req).await,
        "instagram-graph" => instagram::handle_graph(shared, req).await,
        _ => handle_graph(shared, req).await,
    }
}

fn facebook_is_version(s: &str) -> bool {
    facebook::is_version(s)
}

fn body_error(host: &str, e: BodyError) -> Reply {
    let status = match e {
        BodyError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::BAD_REQUEST,
    };
    if host == "rupload" {
        return rupload_error(status, "PartialRequestError", &e.message());
    }
    GraphError::param(e.message()).status(status).reply()
}

// ---- control API ---------------------------------------------------------------------------

/// The OAuth endpoints of the API hosts, listed next to the sign-in pages.
const SIGN_IN_API: &[&str] = &[
    "POST /instagram-api/oauth/access_token",
    "GET /instagram-graph/access_token?grant_type=ig_exchange_token",
    "GET /instagram-graph/refresh_access_token?grant_type=ig_refresh_token",
    "GET /facebook/{version}/oauth/access_token",
    "DELETE /facebook/{version}/me/permissions",
    "POST /tiktok/v2/oauth/token/",
    "POST /tiktok/v2/oauth/revoke/",
];

#[derive(Deserialize)]
struct ClockBody {
    #[serde(default)]
    set: Option<String>,
    #[serde(default)]
    advance_seconds: Option<i64>,
}

fn control_error(status: StatusCode, message: &str) -> Reply {
    Reply::json(
        status,
        &json!({"error": {"message": message, "type": "SandboxException"}}),
    )
}

async fn control(shared: &Shared, method: &Method, path: &str, query: &str, body: Body) -> Reply {
    let bytes = match axum::body::to_bytes(body, 1024 * 1024).await {
        Ok(b) => b,
        Err(e) => {
            return control_error(
                StatusCode::BAD_REQUEST,
                &format!("could not read body: {e}"),
            )
        }
    };
    let path = path.trim_end_matches('/');
    match (method.as_str(), path) {
        ("GET", "" | "/") => Reply::ok(json!({
            "sandbox": "herald-sandbox",
            "base_url": shared.base_url,
            "now": shared.now(),
            "endpoints": ["GET /_sandbox/journal", "GET /_sandbox/live", "GET /_sandbox/accounts",
                "GET|POST|DELETE /_sandbox/faults", "GET|POST /_sandbox/clock", "POST /_sandbox/reset",
                "GET /_sandbox/facebook/dialog/oauth", "GET /_sandbox/instagram/containers",
                "GET /_sandbox/tiktok/uploads", "GET /_sandbox/tiktok/publishes",
                "POST /_sandbox/tiktok/code", "POST /_sandbox/tiktok/inbox/post",
                "POST /_sandbox/tiktok/fail_reason", "POST /_sandbox/tiktok/deauthorize"],
            "sign_in": signin::ROUTES.iter().chain(SIGN_IN_API).collect::<Vec<_>>(),
        })),
        ("GET", "/journal") => {
            let since = Params::from_query(query)
                .str("since")
                .and_then(|s| s.parse::<u64>().ok())
                .unwrap_or(0);
            let mut entries: Vec<JournalEntry> = lock(&shared.journal)
                .iter()
                .filter(|e| e.seq > since)
                .cloned()
                .collect();
            entries.sort_by_key(|e| e.seq);
            Reply::ok(serde_json::to_value(entries).unwrap_or(Value::Null))
        }
        ("GET", "/live") => {
            shared.sweep();
            Reply::ok(serde_json::to_value(crate::live_posts(shared)).unwrap_or(Value::Null))
        }
        ("GET", "/accounts") => Reply::ok(
            serde_json::to_value(SeededTokens::from_seed(&shared.seed)).unwrap_or(Value::Null),
        ),
        ("GET", "/faults") => {
            Reply::ok(serde_json::to_value(lock(&shared.faults).clone()).unwrap_or(Value::Null))
        }
        ("POST", "/faults") => {
            let rules: Vec<FaultRule> = match serde_json::from_slice::<Value>(&bytes) {
                Ok(v @ Value::Array(_)) => match serde_json::from_value(v) {
                    Ok(r) => r,
                    Err(e) => {
                        return control_error(
                            StatusCode::BAD_REQUEST,
                            &format!("bad fault rules: {e}"),
                        )
                    }
                },
                Ok(v) => match serde_json::from_value(v) {
                    Ok(r) => vec![r],
                    Err(e) => {
                        return control_error(
                            StatusCode::BAD_REQUEST,
                            &format!("bad fault rule: {e}"),
                        )
                    }
                },
                Err(e) => {
                    return control_error(
                        StatusCode::BAD_REQUEST,
                        &format!("body is not JSON: {e}"),
                    )
                }
            };
            for r in &rules {
                if let FaultAction::Status { status, .. } = r.action {
                    if StatusCode::from_u16(status).is_err() {
                        return control_error(
                            StatusCode::BAD_REQUEST,
                            &format!("invalid HTTP status {status}"),
                        );
                    }
                }
            }
            let mut faults = lock(&shared.faults);
            faults.extend(rules);
            Reply::ok(json!({"success": true, "active": faults.len()}))
        }
        ("DELETE", "/faults") => {
            lock(&shared.faults).clear();
            Reply::ok(json!({"success": true}))
        }
        ("GET", "/clock") => Reply::ok(json!({"now": shared.now()})),
        ("POST", "/clock") => {
            let body: ClockBody = match serde_json::from_slice(&bytes) {
                Ok(b) => b,
                Err(e) => {
                    return control_error(StatusCode::BAD_REQUEST, &format!("bad clock body: {e}"))
                }
            };
            match (body.set, body.advance_seconds) {
                (Some(s), None) => match s.parse::<Timestamp>() {
                    Ok(t) => shared.set_now(t),
                    Err(e) => {
                        return control_error(
                            StatusCode::BAD_REQUEST,
                            &format!("set must be RFC 3339: {e}"),
                        )
                    }
                },
                (None, Some(n)) if n >= 0 => shared.advance(Duration::from_secs(n.unsigned_abs())),
                (None, Some(n)) => {
                    let t = shared
                        .now()
                        .checked_add(jiff::SignedDuration::from_secs(n))
                        .unwrap_or(Timestamp::MIN);
                    shared.set_now(t)
                }
                _ => {
                    return control_error(
                        StatusCode::BAD_REQUEST,
                        "send either {\"set\":\"RFC3339\"} or {\"advance_seconds\":N}",
                    )
                }
            }
            Reply::ok(json!({"now": shared.now()}))
        }
        ("POST", "/reset") => {
            shared.reset();
            Reply::ok(json!({"success": true}))
        }
        ("GET", "/facebook/dialog/oauth") => facebook::oauth_dialog(shared, query),
        ("GET", "/instagram/containers") => Reply::ok(
            serde_json::to_value(crate::instagram_containers(shared)).unwrap_or(Value::Null),
        ),
        (m, p) if p.starts_with("/tiktok/") => tiktok::control(shared, m, p, &bytes),
        _ => control_error(
            StatusCode::NOT_FOUND,
            &format!("no control endpoint {method} /_sandbox{path}"),
        ),
    }
}
