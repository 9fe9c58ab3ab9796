//! `POST /v2/post/publish/status/fetch/` (§3.9) and `POST /v2/post/publish/cancel/`
//! (§3.10).

use axum::http::{HeaderMap, StatusCode};
use serde_json::{json, Value};

use super::errors::{ok, TtError, TtResult};
use super::handlers::json_body;
use super::{Caller, Source, Transfer, World};
use crate::graph::Reply;
use crate::shared::{lock, Shared};

/// The caller may read publishes with either posting scope.
fn require_posting_scope(caller: &Caller) -> TtResult<()> {
    if caller.has("video.publish") || caller.has("video.upload") {
        Ok(())
    } else {
        Err(TtError::scope_not_authorized(
            "video.upload or video.publish",
        ))
    }
}

/// The caller's publish named by the body's `publish_id`: its index.
fn own_publish(w: &World, caller: &Caller, bytes: &[u8]) -> TtResult<usize> {
    let body = json_body(bytes)?;
    let publish_id = body
        .get("publish_id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| TtError::invalid_params("publish_id is required."))?;
    let i = *w
        .by_publish_id
        .get(publish_id)
        .ok_or_else(|| TtError::invalid_publish_id(publish_id))?;
    let p = w
        .publishes
        .get(i)
        .ok_or_else(|| TtError::invalid_publish_id(publish_id))?;
    if p.open_id != caller.open_id {
        return Err(TtError::new(
            StatusCode::BAD_REQUEST,
            "token_not_authorized_for_specified_publish_id",
            format!("The access token is not authorized to read publish_id {publish_id}: it belongs to another creator."),
        ));
    }
    Ok(i)
}

/// `POST /v2/post/publish/status/fetch/` (30 calls per minute per token).
pub(super) fn fetch(shared: &Shared, headers: &HeaderMap, bytes: &[u8]) -> TtResult<Reply> {
    let now = shared.now();
    let seed = &shared.seed;
    let mut w = lock(&shared.tiktok);
    let caller = w.authenticate(headers, now)?;
    w.rate(&caller.token, "status", seed.tiktok_status_per_minute, now)?;
    require_posting_scope(&caller)?;
    let i = own_publish(&w, &caller, bytes)?;
    let Some(p) = w.publishes.get(i) else {
        return Err(TtError::invalid_publish_id(""));
    };
    let view = p.view(now, seed);
    let mut data = json!({
        "status": view.status,
        "publicaly_available_post_id": view.public_ids,
    });
    if let Some(reason) = view.fail_reason {
        data["fail_reason"] = json!(reason);
    }
    match p.upload() {
        Some(u) => data["uploaded_bytes"] = json!(u.received),
        None => data["downloaded_bytes"] = json!(p.downloaded_bytes),
    }
    Ok(ok(data))
}

/// `POST /v2/post/publish/cancel/`: only a `PULL_FROM_URL` still downloading can be
/// cancelled; it then fails with `publish_cancelled`.
pub(super) fn cancel(shared: &Shared, headers: &HeaderMap, bytes: &[u8]) -> TtResult<Reply> {
    let now = shared.now();
    let seed = &shared.seed;
    let mut w = lock(&shared.tiktok);
    let caller = w.authenticate(headers, now)?;
    w.rate(&caller.token, "cancel", seed.tiktok_status_per_minute, now)?;
    require_posting_scope(&caller)?;
    let i = own_publish(&w, &caller, bytes)?;
    let cancellable = w.publishes.get(i).is_some_and(|p| {
        p.outcome.is_none()
            && matches!(p.transfer, Transfer::Waiting)
            && !matches!(p.source, Source::FileUpload(_))
    });
    if !cancellable {
        return Err(TtError::new(
            StatusCode::BAD_REQUEST,
            "publish_not_cancellable",
            "Only a PULL_FROM_URL download still in progress can be cancelled.",
        ));
    }
    w.fail(i, "publish_cancelled", now);
    Ok(ok(json!({})))
}
