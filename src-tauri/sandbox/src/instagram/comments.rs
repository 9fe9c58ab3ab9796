//! Comments on published media (§1.11): create and list on `/{media-id}/comments`, replies
//! on `/{comment-id}/replies`, read, hide and delete a comment. Every call needs
//! `instagram_business_manage_comments`.

use serde_json::{json, Value};

use super::{Comment, World};
use crate::facebook::GraphReq;
use crate::graph::{fb_time, paged, select, GraphError, GraphResult, Reply};
use crate::shared::{lock, Shared};

/// Longest comment text.
const MAX_COMMENT_CHARS: usize = 2200;

const MANAGE: &str = "instagram_business_manage_comments";

fn require_manage(w: &World, caller: &str) -> GraphResult<()> {
    match w.accounts.get(caller) {
        Some(a) => a.require(MANAGE),
        None => Err(GraphError::no_object("get", caller)),
    }
}

fn replies_of<'a>(w: &'a World, comment_id: &'a str) -> impl Iterator<Item = &'a Comment> {
    w.comments
        .values()
        .rev()
        .filter(move |c| c.parent_id.as_deref() == Some(comment_id) && !c.deleted)
}

/// An IG Comment node.
pub(super) fn comment_value(w: &World, c: &Comment, fields: Option<&str>) -> GraphResult<Value> {
    select(fields, &["timestamp", "text"], "IGComment", &|f| match f {
        "id" => Some(Some(json!(c.id))),
        "text" => Some(Some(json!(c.text))),
        "timestamp" => Some(Some(json!(fb_time(c.timestamp)))),
        "username" => Some(Some(json!(c.username))),
        "from" => Some(Some(json!({"id": c.user_id, "username": c.username}))),
        "like_count" => Some(Some(json!(0))),
        "hidden" => Some(Some(json!(c.hidden))),
        "media" => Some(Some(json!({ "id": c.media_id }))),
        "parent_id" => Some(c.parent_id.as_ref().map(|p| json!(p))),
        "replies" => Some(c.parent_id.is_none().then(|| {
            let data: Vec<Value> = replies_of(w, &c.id)
                .map(|r| {
                    json!({"id": r.id, "text": r.text, "username": r.username,
                        "timestamp": fb_time(r.timestamp)})
                })
                .collect();
            json!({ "data": data })
        })),
        _ => None,
    })
}

fn text_param(req: &GraphReq) -> GraphResult<String> {
    let text = req
        .params
        .str("message")
        .ok_or_else(|| GraphError::param("The parameter message is required"))?;
    if text.chars().count() > MAX_COMMENT_CHARS {
        return Err(GraphError::param(format!(
            "Param message must be at most {MAX_COMMENT_CHARS} characters long"
        )));
    }
    Ok(text)
}

/// Add a comment (or a reply) as the account itself.
fn add(
    w: &mut World,
    caller: &str,
    media_id: &str,
    parent_id: Option<String>,
    text: String,
    now: jiff::Timestamp,
) -> String {
    let id = w.new_id();
    let username = w.username(caller);
    w.comments.insert(
        id.clone(),
        Comment {
            id: id.clone(),
            media_id: media_id.to_string(),
            parent_id,
            text,
            user_id: caller.to_string(),
            username,
            timestamp: now,
            hidden: false,
            deleted: false,
        },
    );
    id
}

/// `POST /{media-id}/comments?message=…` → `{"id"}`.
pub(super) fn create(
    shared: &Shared,
    req: &GraphReq,
    caller: &str,
    media_id: &str,
) -> GraphResult<Reply> {
    let now = shared.now();
    let mut w = lock(&shared.instagram);
    require_manage(&w, caller)?;
    let text = text_param(req)?;
    let Some(m) = w.media.get(media_id) else {
        return Err(GraphError::no_object("post", media_id));
    };
    if m.kind.is_story() || m.parent.is_some() {
        return Err(GraphError::param(
            "Comments are not supported on stories and carousel items",
        ));
    }
    if !m.comment_enabled {
        return Err(GraphError::param("Comments are turned off for this media"));
    }
    let id = add(&mut w, caller, media_id, None, text, now);
    Ok(Reply::ok(json!({ "id": id })))
}

/// `GET /{media-id}/comments`: top-level comments, newest first.
pub(super) fn list(
    shared: &Shared,
    req: &GraphReq,
    caller: &str,
    media_id: &str,
) -> GraphResult<Reply> {
    let w = lock(&shared.instagram);
    require_manage(&w, caller)?;
    let fields = req.fields();
    let items = w
        .comments
        .values()
        .rev()
        .filter(|c| c.media_id == media_id && c.parent_id.is_none() && !c.deleted)
        .map(|c| comment_value(&w, c, fields.as_deref()))
        .collect::<GraphResult<Vec<_>>>()?;
    drop(w);
    let body = paged(
        items,
        req.params.str("limit").as_deref(),
        req.params.str("after").as_deref(),
        &req.next_base(&shared.base_url),
    )?;
    Ok(Reply::ok(body))
}

/// `POST /{comment-id}/replies?message=…` → `{"id"}`.
pub(super) fn reply(
    shared: &Shared,
    req: &GraphReq,
    caller: &str,
    comment_id: &str,
) -> GraphResult<Reply> {
    let now = shared.now();
    let mut w = lock(&shared.instagram);
    require_manage(&w, caller)?;
    let text = text_param(req)?;
    let Some(parent) = w.comments.get(comment_id).filter(|c| !c.deleted) else {
        return Err(GraphError::no_object("post", comment_id));
    };
    if parent.parent_id.is_some() {
        return Err(GraphError::param(
            "Replies can only be made to top-level comments",
        ));
    }
    let media_id = parent.media_id.clone();
    let id = add(
        &mut w,
        caller,
        &media_id,
        Some(comment_id.to_string()),
        text,
        now,
    );
    Ok(Reply::ok(json!({ "id": id })))
}

/// `GET /{comment-id}/replies`.
pub(super) fn list_replies(
    shared: &Shared,
    req: &GraphReq,
    caller: &str,
    comment_id: &str,
) -> GraphResult<Reply> {
    let w = lock(&shared.instagram);
    require_manage(&w, caller)?;
    let fields = req.fields();
    let items = replies_of(&w, comment_id)
        .map(|c| comment_value(&w, c, fields.as_deref()))
        .collect::<GraphResult<Vec<_>>>()?;
    Ok(Reply::ok(json!({ "data": items })))
}

/// `GET /{comment-id}`.
pub(super) fn get(
    shared: &Shared,
    req: &GraphReq,
    caller: &str,
    comment_id: &str,
) -> GraphResult<Reply> {
    let w = lock(&shared.instagram);
    require_manage(&w, caller)?;
    let c = w
        .comments
        .get(comment_id)
        .filter(|c| !c.deleted)
        .ok_or_else(|| GraphError::no_object("get", comment_id))?;
    Ok(Reply::ok(comment_value(&w, c, req.fields().as_deref())?))
}

/// `POST /{comment-id}?hide=true|false`.
pub(super) fn hide(
    shared: &Shared,
    req: &GraphReq,
    caller: &str,
    comment_id: &str,
) -> GraphResult<Reply> {
    let hide = super::validate::bool_param(&req.params, "hide")?
        .ok_or_else(|| GraphError::param("Nothing to update: send hide=true or false"))?;
    let mut w = lock(&shared.instagram);
    require_manage(&w, caller)?;
    let c = w
        .comments
        .get_mut(comment_id)
        .filter(|c| !c.deleted)
        .ok_or_else(|| GraphError::no_object("post", comment_id))?;
    c.hidden = hide;
    Ok(Reply::ok(json!({"success": true})))
}

/// `DELETE /{comment-id}` (its replies go with it).
pub(super) fn delete(shared: &Shared, caller: &str, comment_id: &str) -> GraphResult<Reply> {
    let mut w = lock(&shared.instagram);
    require_manage(&w, caller)?;
    if w.comments.get(comment_id).is_none_or(|c| c.deleted) {
        return Err(GraphError::no_object("delete", comment_id));
    }
    for c in w.comments.values_mut() {
        if c.id == comment_id || c.parent_id.as_deref() == Some(comment_id) {
            c.deleted = true;
        }
    }
    Ok(Reply::ok(json!({"success": true})))
}
