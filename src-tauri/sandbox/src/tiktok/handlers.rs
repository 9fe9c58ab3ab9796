//! Routing of open.tiktokapis.com calls (`/tiktok/…`) and of the upload host
//! (`/tiktok-upload/…`), and reading their bodies.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Method};
use serde_json::{Map, Value};

use super::errors::{TtError, TtResult};
use super::{creator, display, init, oauth, photo, status, upload, Flow};
use crate::graph::Reply;
use crate::shared::Shared;

/// Largest JSON / form body the API endpoints read.
const MAX_API_BODY: usize = 1024 * 1024;

/// Handle a call to `<base>/tiktok/…` (open.tiktokapis.com).
pub(crate) async fn handle_api(
    shared: &Arc<Shared>,
    path: &str,
    query: &str,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Reply {
    let bytes = match axum::body::to_bytes(body, MAX_API_BODY).await {
        Ok(b) => b,
        Err(e) => {
            return TtError::invalid_params(format!("could not read the request body: {e}")).reply()
        }
    };
    let route = path.trim_end_matches('/');
    let m = method.as_str();
    let result = match (m, route) {
        ("POST", "/v2/oauth/token") => return oauth::token(shared, &headers, &bytes),
        ("POST", "/v2/oauth/revoke") => return oauth::revoke(shared, &headers, &bytes),
        ("GET", "/v2/user/info") => creator::user_info(shared, &headers, query),
        ("POST", "/v2/post/publish/creator_info/query") => {
            creator::creator_info(shared, &headers, &bytes)
        }
        ("POST", "/v2/post/publish/video/init") => {
            init::video(shared, &headers, &bytes, Flow::Direct)
        }
        ("POST", "/v2/post/publish/inbox/video/init") => {
            init::video(shared, &headers, &bytes, Flow::Inbox)
        }
        ("POST", "/v2/post/publish/content/init") => photo::init(shared, &headers, &bytes),
        ("POST", "/v2/post/publish/status/fetch") => status::fetch(shared, &headers, &bytes),
        ("POST", "/v2/post/publish/cancel") => status::cancel(shared, &headers, &bytes),
        ("POST", "/v2/video/list") => display::list(shared, &headers, query, &bytes),
        ("POST", "/v2/video/query") => display::query(shared, &headers, query, &bytes),
        _ => Err(TtError::not_found(m, path)),
    };
    match result {
        Ok(reply) => reply,
        Err(e) => e.reply(),
    }
}

/// Handle a call to `<base>/tiktok-upload/…` (the host of the `upload_url`s).
pub(crate) async fn handle_upload(
    shared: &Arc<Shared>,
    path: &str,
    query: &str,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Reply {
    upload::put(shared, path, query, method, headers, body).await
}

/// A JSON object body (`{}` when empty); 400 `invalid_params` otherwise.
pub(super) fn json_body(bytes: &[u8]) -> TtResult<Map<String, Value>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(TtError::invalid_params(
            "The request body must be a JSON object.",
        )),
        Err(e) => Err(TtError::invalid_params(format!(
            "The request body is not valid JSON: {e}"
        ))),
    }
}
