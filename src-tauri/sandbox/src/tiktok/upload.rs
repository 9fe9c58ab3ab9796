//! `PUT {upload_url}` (§3.5, §11): the bytes of a `FILE_UPLOAD`, in sequential chunks.
//!
//! The upload expects the next offset (0 at first). A chunk's `Content-Range: bytes
//! {first}-{last}/{total}` must start there (else 400, the offset unchanged) and name the
//! file's size (else 416); `Content-Length` must match the range (400); a non-final
//! chunk is exactly `chunk_size` bytes, the final one the remainder (400). The answer is
//! 206 with `Content-Range: bytes 0-{last}/{total}` until the last chunk, then 201. The
//! URL dies 1 h after the init (403); an unknown upload is 404. Bodies are streamed:
//! counted and checksummed (CRC-32), never kept. Error bodies use the v2 envelope with the sandbox's own
//! codes (what TikTok's upload host sends there is UNCONFIRMED: go by the status).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, StatusCode};
use futures_util::StreamExt;
use jiff::Timestamp;

use super::errors::TtError;
use super::{looks_like_video, TikTokChunk, Transfer, Upload};
use crate::graph::Reply;
use crate::request::Params;
use crate::shared::{lock, Shared};

/// First bytes of a file kept to recognise its format.
const HEAD_BYTES: usize = 32;
/// A refused body is read (and forgotten) up to this size before answering, so that the
/// client sees the answer rather than a reset connection.
const DRAIN_CAP: u64 = 256 * 1024 * 1024;

fn refusal(status: StatusCode, code: &'static str, message: impl Into<String>) -> Reply {
    TtError::new(status, code, message).reply()
}

/// `Content-Range: bytes 0-{received-1}/{total}` (none before the first byte).
fn with_progress(mut reply: Reply, received: u64, total: u64) -> Reply {
    if received > 0 {
        reply = reply.header(
            "content-range",
            &format!("bytes 0-{}/{total}", received - 1),
        );
    }
    reply
}

/// `bytes {first}-{last}/{total}`.
fn parse_range(s: &str) -> Option<(u64, u64, u64)> {
    let rest = s.trim().strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let (first, last) = range.split_once('-')?;
    let first = first.trim().parse().ok()?;
    let last = last.trim().parse().ok()?;
    let total = total.trim().parse().ok()?;
    (last >= first).then_some((first, last, total))
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
}

/// Read a refused body to its end (within [`DRAIN_CAP`]) and forget it.
async fn drain(body: Body) {
    let mut stream = body.into_data_stream();
    let mut seen = 0u64;
    while let Some(Ok(chunk)) = stream.next().await {
        seen += chunk.len() as u64;
        if seen > DRAIN_CAP {
            break;
        }
    }
}

/// A chunk admitted to stream in.
struct Plan {
    instance: u64,
    index: usize,
    first: u64,
    len: u64,
    total: u64,
    hasher: crc32fast::Hasher,
    content_type: String,
    content_range: String,
}

/// Clears the upload's `in_flight` mark if the chunk never completes (a dropped
/// connection drops the handler).
struct InFlight<'a> {
    shared: &'a Shared,
    instance: u64,
    index: usize,
    armed: bool,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let mut w = lock(&self.shared.tiktok);
        if w.instance != self.instance {
            return;
        }
        if let Some(u) = w.publishes.get_mut(self.index).and_then(|p| p.upload_mut()) {
            u.in_flight = false;
        }
    }
}

fn refuse(u: &mut Upload, content_range: &str, status: StatusCode, now: Timestamp) {
    u.refused.push(TikTokChunk {
        content_range: content_range.to_string(),
        bytes: 0,
        status: status.as_u16(),
        at: now,
    });
}

type Refusal = (StatusCode, &'static str, String);

/// The header checks of a chunk against the upload's progress: its first byte, length
/// and MIME type.
fn check(
    u: &Upload,
    headers: &HeaderMap,
    content_range: &str,
    now: Timestamp,
) -> Result<(u64, u64, String), Refusal> {
    let bad = |message: String| (StatusCode::BAD_REQUEST, "invalid_params", message);
    if now >= u.expires_at {
        return Err((
            StatusCode::FORBIDDEN,
            "upload_url_expired",
            "The upload URL expired (1 hour after the init): init the post again.".into(),
        ));
    }
    if u.in_flight {
        return Err((
            StatusCode::RANGE_NOT_SATISFIABLE,
            "range_not_satisfiable",
            "Another chunk of this upload is still arriving: chunks go one after the other.".into(),
        ));
    }
    let ctype = header_str(headers, header::CONTENT_TYPE).unwrap_or_default();
    let mime = ctype
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !matches!(
        mime.as_str(),
        "video/mp4" | "video/quicktime" | "video/webm"
    ) {
        return Err(bad(format!(
            "Content-Type must be video/mp4, video/quicktime or video/webm, not {ctype:?}."
        )));
    }
    let Some((first, last, total)) = parse_range(content_range) else {
        return Err(bad(format!(
            "Content-Range must be bytes {{first}}-{{last}}/{{total}}, not {content_range:?}."
        )));
    };
    if total != u.video_size {
        return Err((
            StatusCode::RANGE_NOT_SATISFIABLE,
            "range_not_satisfiable",
            format!(
                "Content-Range names a file of {total} bytes; the video_size is {}.",
                u.video_size
            ),
        ));
    }
    if last >= total {
        return Err((
            StatusCode::RANGE_NOT_SATISFIABLE,
            "range_not_satisfiable",
            format!("Content-Range ends at byte {last}, past the end of a {total}-byte file."),
        ));
    }
    if first != u.received {
        return Err(bad(format!(
            "Content-Range starts at {first}; the next expected byte is {}.",
            u.received
        )));
    }
    let len = last - first + 1;
    let declared = header_str(headers, header::CONTENT_LENGTH).and_then(|s| s.parse::<u64>().ok());
    if declared != Some(len) {
        return Err(bad(format!(
            "Content-Length must be sent and equal the Content-Range length {len} (got {declared:?})."
        )));
    }
    let (chunk_index, expected) = u.chunk_at(first);
    if len != expected {
        return Err(bad(format!(
            "Chunk {} of {} must be {expected} bytes, not {len}.",
            chunk_index + 1,
            u.total_chunk_count
        )));
    }
    Ok((first, len, mime))
}

/// The checks before any byte is read; the chunk is then marked in flight.
fn admit(shared: &Shared, query: &str, headers: &HeaderMap, now: Timestamp) -> Result<Plan, Reply> {
    let params = Params::from_query(query);
    let not_found = || {
        refusal(
            StatusCode::NOT_FOUND,
            "not_found",
            "No upload task for this URL: init the post again.",
        )
    };
    let upload_id = params.str("upload_id").ok_or_else(not_found)?;
    let token = params.str("upload_token").unwrap_or_default();
    let content_range = header_str(headers, header::CONTENT_RANGE).unwrap_or_default();
    let mut w = lock(&shared.tiktok);
    let instance = w.instance;
    let index = *w.by_upload_id.get(&upload_id).ok_or_else(not_found)?;
    let u = w
        .publishes
        .get_mut(index)
        .and_then(|p| p.upload_mut())
        .filter(|u| u.upload_token == token)
        .ok_or_else(not_found)?;
    match check(u, headers, &content_range, now) {
        Ok((first, len, content_type)) => {
            u.in_flight = true;
            Ok(Plan {
                instance,
                index,
                first,
                len,
                total: u.video_size,
                hasher: u.hasher.clone(),
                content_type,
                content_range,
            })
        }
        Err((status, code, message)) => {
            refuse(u, &content_range, status, now);
            Err(with_progress(
                refusal(status, code, message),
                u.received,
                u.video_size,
            ))
        }
    }
}

/// `PUT <base>/tiktok-upload/video/?upload_id=…&upload_token=…`.
pub(super) async fn put(
    shared: &Arc<Shared>,
    path: &str,
    query: &str,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Reply {
    if path.trim_end_matches('/') != "/video" {
        drain(body).await;
        return refusal(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("No upload endpoint {path}: use the upload_url the init returned."),
        );
    }
    if method != Method::PUT {
        drain(body).await;
        return refusal(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "Upload chunks with PUT.",
        );
    }
    let now = shared.now();
    let plan = match admit(shared, query, &headers, now) {
        Ok(plan) => plan,
        Err(reply) => {
            drain(body).await;
            return reply;
        }
    };
    let mut guard = InFlight {
        shared,
        instance: plan.instance,
        index: plan.index,
        armed: true,
    };
    let mut hasher = plan.hasher;
    let mut head = Vec::new();
    let mut counted = 0u64;
    let mut stream = body.into_data_stream();
    let mut read_error = None;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(bytes) => {
                if plan.first == 0 && head.len() < HEAD_BYTES {
                    let take = (HEAD_BYTES - head.len()).min(bytes.len());
                    head.extend_from_slice(&bytes[..take]);
                }
                counted += bytes.len() as u64;
                if counted > plan.len {
                    read_error = Some("the body is longer than Content-Length".to_string());
                    break;
                }
                hasher.update(&bytes);
            }
            Err(e) => {
                read_error = Some(e.to_string());
                break;
            }
        }
    }
    guard.armed = false;
    drop(guard);

    let now = shared.now();
    let mut w = lock(&shared.tiktok);
    if w.instance != plan.instance {
        return refusal(
            StatusCode::NOT_FOUND,
            "not_found",
            "No upload task for this URL: init the post again.",
        );
    }
    let Some(p) = w.publishes.get_mut(plan.index) else {
        return refusal(
            StatusCode::NOT_FOUND,
            "not_found",
            "No upload task for this URL.",
        );
    };
    let failed_already = p.outcome.is_some();
    let Some(u) = p.upload_mut() else {
        return refusal(
            StatusCode::NOT_FOUND,
            "not_found",
            "No upload task for this URL.",
        );
    };
    u.in_flight = false;
    if read_error.is_some() || counted != plan.len {
        refuse(u, &plan.content_range, StatusCode::BAD_REQUEST, now);
        let detail = read_error.unwrap_or_else(|| format!("{counted} bytes arrived"));
        return with_progress(
            refusal(
                StatusCode::BAD_REQUEST,
                "invalid_params",
                format!(
                    "The chunk body does not match Content-Length {}: {detail}.",
                    plan.len
                ),
            ),
            u.received,
            u.video_size,
        );
    }
    u.received += counted;
    u.hasher = hasher;
    if plan.first == 0 {
        u.head = head;
        u.content_type = Some(plan.content_type);
    }
    let complete = u.complete();
    let status = if complete {
        StatusCode::CREATED
    } else {
        StatusCode::PARTIAL_CONTENT
    };
    u.chunks.push(TikTokChunk {
        content_range: plan.content_range,
        bytes: counted,
        status: status.as_u16(),
        at: now,
    });
    let received = u.received;
    let is_video = looks_like_video(&u.head);
    if complete && !failed_already {
        p.transfer = if is_video {
            Transfer::Received {
                real: Instant::now(),
                at: now,
            }
        } else {
            Transfer::Failed("file_format_check_failed".into())
        };
    }
    with_progress(
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        },
        received,
        plan.total,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges() {
        assert_eq!(parse_range("bytes 0-9/20"), Some((0, 9, 20)));
        assert_eq!(parse_range("bytes 10-19/20"), Some((10, 19, 20)));
        assert_eq!(parse_range("bytes 10-9/20"), None);
        assert_eq!(parse_range("0-9/20"), None);
        assert_eq!(parse_range("bytes */20"), None);
    }
}
