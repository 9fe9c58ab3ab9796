//! The TikTok part of the control API (`/_sandbox/tiktok/…`) and the functions behind
//! the `RunningSandbox::tiktok_*` methods.

use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{oauth, Outcome, TikTokPublish, TikTokUpload};
use crate::graph::Reply;
use crate::shared::{lock, Shared};

/// Every `FILE_UPLOAD` upload, oldest first.
pub(crate) fn uploads(shared: &Shared) -> Vec<TikTokUpload> {
    shared.sweep();
    let w = lock(&shared.tiktok);
    w.publishes
        .iter()
        .filter_map(|p| p.upload().map(|u| TikTokUpload::of(p, u)))
        .collect()
}

/// Every publish, oldest first, with its status now.
pub(crate) fn publishes(shared: &Shared) -> Vec<TikTokPublish> {
    shared.sweep();
    let now = shared.now();
    let w = lock(&shared.tiktok);
    w.publishes
        .iter()
        .map(|p| TikTokPublish::of(p, now, &shared.seed))
        .collect()
}

/// An authorization code for a creator (`open_id` or `username`), as the authorize page
/// would redirect with after consent; `None` for an unknown creator.
pub(crate) fn issue_code(
    shared: &Shared,
    creator: &str,
    redirect_uri: &str,
    code_challenge: Option<&str>,
) -> Option<String> {
    let now = shared.now();
    let mut w = lock(&shared.tiktok);
    let open_id = w.find_creator(creator)?.open_id.clone();
    oauth::issue_code(&mut w, &open_id, redirect_uri, code_challenge, None, now)
}

/// The creator posts a draft from their inbox: it goes live (`PUBLISH_COMPLETE`).
/// False unless the publish is a draft sitting in the inbox.
pub(crate) fn post_from_inbox(shared: &Shared, publish_id: &str) -> bool {
    shared.sweep();
    let now = shared.now();
    let mut w = lock(&shared.tiktok);
    let Some(&i) = w.by_publish_id.get(publish_id) else {
        return false;
    };
    let in_inbox = w
        .publishes
        .get(i)
        .is_some_and(|p| matches!(p.outcome, Some((Outcome::Inbox, _, _))) && !p.posted_from_inbox);
    if !in_inbox {
        return false;
    }
    if let Some(p) = w.publishes.get_mut(i) {
        p.posted_from_inbox = true;
    }
    w.go_live(i, now, true);
    true
}

/// From now on every post fails with this `fail_reason` (`None`: posts succeed again).
pub(crate) fn set_fail_reason(shared: &Shared, reason: Option<String>) {
    lock(&shared.tiktok).fail_reason = reason;
}

/// The creator removes the app in their TikTok settings: their tokens stop working and
/// unfinished publishes fail with `auth_removed`. False for an unknown creator.
pub(crate) fn deauthorize(shared: &Shared, creator: &str) -> bool {
    let now = shared.now();
    let mut w = lock(&shared.tiktok);
    let Some(open_id) = w.find_creator(creator).map(|c| c.open_id.clone()) else {
        return false;
    };
    w.remove_authorization(&open_id, now);
    true
}

fn control_error(status: StatusCode, message: &str) -> Reply {
    Reply::json(
        status,
        &json!({"error": {"message": message, "type": "SandboxException"}}),
    )
}

#[derive(Deserialize)]
struct CodeBody {
    creator: String,
    redirect_uri: String,
    #[serde(default)]
    code_challenge: Option<String>,
}

#[derive(Deserialize)]
struct PublishBody {
    publish_id: String,
}

#[derive(Deserialize)]
struct FailBody {
    #[serde(default)]
    fail_reason: Option<String>,
}

#[derive(Deserialize)]
struct CreatorBody {
    creator: String,
}

fn parse<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, Reply> {
    serde_json::from_slice(bytes)
        .map_err(|e| control_error(StatusCode::BAD_REQUEST, &format!("bad body: {e}")))
}

/// `/_sandbox/tiktok/…`: `GET uploads`, `GET publishes`, `POST code`
/// (`{"creator","redirect_uri","code_challenge"?}` → `{"code"}`), `POST inbox/post`
/// (`{"publish_id"}`), `POST fail_reason` (`{"fail_reason": "…" | null}`),
/// `POST deauthorize` (`{"creator"}`).
pub(crate) fn control(shared: &Shared, method: &str, path: &str, bytes: &[u8]) -> Reply {
    let result = match (method, path) {
        ("GET", "/tiktok/uploads") => Ok(Reply::ok(
            serde_json::to_value(uploads(shared)).unwrap_or(Value::Null),
        )),
        ("GET", "/tiktok/publishes") => Ok(Reply::ok(
            serde_json::to_value(publishes(shared)).unwrap_or(Value::Null),
        )),
        ("POST", "/tiktok/code") => parse::<CodeBody>(bytes).map(|b| {
            match issue_code(
                shared,
                &b.creator,
                &b.redirect_uri,
                b.code_challenge.as_deref(),
            ) {
                Some(code) => Reply::ok(json!({ "code": code })),
                None => control_error(
                    StatusCode::NOT_FOUND,
                    &format!("no TikTok creator {}", b.creator),
                ),
            }
        }),
        ("POST", "/tiktok/inbox/post") => parse::<PublishBody>(bytes)
            .map(|b| Reply::ok(json!({ "success": post_from_inbox(shared, &b.publish_id) }))),
        ("POST", "/tiktok/fail_reason") => parse::<FailBody>(bytes).map(|b| {
            set_fail_reason(shared, b.fail_reason);
            Reply::ok(json!({ "success": true }))
        }),
        ("POST", "/tiktok/deauthorize") => parse::<CreatorBody>(bytes)
            .map(|b| Reply::ok(json!({ "success": deauthorize(shared, &b.creator) }))),
        _ => Err(control_error(
            StatusCode::NOT_FOUND,
            &format!("no control endpoint {method} /_sandbox{path}"),
        )),
    };
    result.unwrap_or_else(|e| e)
}
