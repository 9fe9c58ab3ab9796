//! `POST rupload.facebook.com/ig-api-upload/{version}/{container-id}`: the bytes of a
//! resumable video container, raw in the body (`offset`, `file_size` headers) or fetched
//! from a `file_url` header (§1.9). Errors use rupload's `debug_info` envelope.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::containers::settle_video;
use super::Status;
use crate::facebook::GraphReq;
use crate::fetch::fetch_counted;
use crate::graph::{rupload_error, Reply};
use crate::request::RawBody;
use crate::shared::{lock, Shared};

fn failed(status: StatusCode, message: &str) -> Reply {
    rupload_error(status, "ProcessingFailedError", message)
}

fn uploaded() -> Reply {
    Reply::ok(json!({"success": true, "message": "Upload successful."}))
}

/// Handle a call to `<base>/rupload/ig-api-upload/…`.
pub(crate) async fn handle_rupload(shared: &Shared, req: GraphReq) -> Reply {
    let segs: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let id = match segs.as_slice() {
        ["ig-api-upload", id] => id.to_string(),
        _ => {
            return failed(
                StatusCode::NOT_FOUND,
                "unknown upload path: use /ig-api-upload/{version}/{container-id}",
            )
        }
    };
    if req.method != Method::POST {
        return failed(StatusCode::METHOD_NOT_ALLOWED, "use POST");
    }
    let token = req
        .header("authorization")
        .and_then(|a| a.strip_prefix("OAuth ").map(|t| t.trim().to_string()));
    let now = shared.now();
    let (instance, kind) = {
        let w = lock(&shared.instagram);
        let Ok(caller) = w.authenticate(token.as_deref(), now) else {
            return failed(StatusCode::UNAUTHORIZED, "unauthorized user request");
        };
        let Some(c) = w.containers.get(&id).filter(|c| c.owner == caller) else {
            return failed(StatusCode::NOT_FOUND, "media container not found");
        };
        if !c.resumable {
            return failed(
                StatusCode::BAD_REQUEST,
                "this container was not created with upload_type=resumable",
            );
        }
        match c.status(now, shared.seed.instagram_video_processing) {
            Status::InProgress if c.bytes < c.upload_size.unwrap_or(u64::MAX) => {}
            Status::Expired => {
                return failed(StatusCode::BAD_REQUEST, "this container has expired")
            }
            _ => {
                return failed(
                    StatusCode::BAD_REQUEST,
                    "this container already received its upload",
                )
            }
        }
        (w.instance, c.kind)
    };
    let cap = kind.max_video_bytes();

    if let Some(url) = req.header("file_url") {
        let raw = match fetch_counted(&shared.http, &url, cap).await {
            Ok(raw) => raw,
            Err(e) => {
                return failed(
                    StatusCode::BAD_REQUEST,
                    &format!("could not fetch file_url: {}", e.message()),
                )
            }
        };
        {
            let mut w = lock(&shared.instagram);
            if let Some(c) = w.containers.get_mut(&id) {
                c.source_url = Some(url);
                c.by_rupload = true;
                c.upload_size = Some(raw.len);
            }
        }
        settle_video(shared, instance, &id, Ok(raw)).await;
        return uploaded();
    }

    let parse = |name: &str| req.header(name).map(|s| s.parse::<u64>());
    let offset = match parse("offset") {
        None => 0,
        Some(Ok(o)) => o,
        Some(Err(_)) => {
            return rupload_error(
                StatusCode::BAD_REQUEST,
                "OffsetInvalidError",
                "the offset header must be a number",
            )
        }
    };
    let file_size = match parse("file_size") {
        Some(Ok(s)) if s > 0 => s,
        _ => {
            return failed(
                StatusCode::BAD_REQUEST,
                "the file_size header (a positive number of bytes) is required",
            )
        }
    };
    if file_size > cap {
        return failed(
            StatusCode::BAD_REQUEST,
            &format!("the file is too large: at most {cap} bytes for this media type"),
        );
    }
    let raw = req.raw.clone().unwrap_or_default();
    let complete = {
        let mut w = lock(&shared.instagram);
        let Some(c) = w.containers.get_mut(&id) else {
            return failed(StatusCode::NOT_FOUND, "media container not found");
        };
        if c.upload_size.is_some_and(|s| s != file_size) {
            return failed(
                StatusCode::BAD_REQUEST,
                "file_size differs from the one sent with the first part of this upload",
            );
        }
        if offset != c.bytes {
            return rupload_error(
                StatusCode::BAD_REQUEST,
                "OffsetInvalidError",
                &format!(
                    "offset {offset} is invalid: {} bytes were received so far; resume from there",
                    c.bytes
                ),
            );
        }
        if raw.len == 0 || offset + raw.len > file_size {
            return rupload_error(
                StatusCode::BAD_REQUEST,
                "PartialRequestError",
                &format!(
                    "the body must hold between 1 and {} bytes from offset {offset}",
                    file_size.saturating_sub(offset)
                ),
            );
        }
        if offset == 0 {
            c.head = raw.head.clone();
        }
        c.upload_size = Some(file_size);
        c.bytes = offset + raw.len;
        c.by_rupload = true;
        (c.bytes == file_size).then(|| RawBody {
            len: c.bytes,
            head: c.head.clone(),
        })
    };
    if let Some(all) = complete {
        settle_video(shared, instance, &id, Ok(all)).await;
    }
    uploaded()
}
