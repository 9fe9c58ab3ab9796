//! Reading: the IG user (`/me`, `/{ig-user-id}`), published media, the media list that
//! clients reconcile with, stories and carousel children (§1.5, §1.8).

use jiff::Timestamp;
use serde_json::{json, Value};

use super::{Account, Kind, Media, World, QUOTA_WINDOW};
use crate::facebook::GraphReq;
use crate::graph::{fb_time, paged, select, GraphError, GraphResult, Reply};
use crate::shared::{lock, Shared};

/// Published feed media of an account (no stories, no carousel children).
fn feed_media_count(w: &World, user_id: &str) -> usize {
    w.media
        .values()
        .filter(|m| m.owner == user_id && m.parent.is_none() && !m.kind.is_story())
        .count()
}

/// The IG user node (`/me`): `user_id` is the IG account id, `id` the app-scoped id.
pub(super) fn user_value(w: &World, a: &Account, fields: Option<&str>) -> GraphResult<Value> {
    let media_count = feed_media_count(w, &a.user_id);
    select(fields, &["id"], "IGUser", &|f| match f {
        "id" => Some(Some(json!(a.app_scoped_id))),
        "user_id" => Some(Some(json!(a.user_id))),
        "username" => Some(Some(json!(a.username))),
        "name" => Some(Some(json!(a.name))),
        "account_type" => Some(Some(json!(a.account_type))),
        "profile_picture_url" => Some(Some(json!(format!(
            "https://sandbox.invalid/instagram/profile/{}.jpg",
            a.user_id
        )))),
        "followers_count" => Some(Some(json!(a.followers_count))),
        "follows_count" => Some(Some(json!(a.follows_count))),
        "media_count" => Some(Some(json!(media_count))),
        "biography" | "website" => Some(None),
        _ => None,
    })
}

fn media_url(m: &Media) -> String {
    let ext = if m.kind.is_video() { "mp4" } else { "jpg" };
    format!("https://sandbox.invalid/instagram/media/{}.{ext}", m.id)
}

/// An IG Media node.
pub(super) fn media_value(w: &World, m: &Media, fields: Option<&str>) -> GraphResult<Value> {
    let username = w.username(&m.owner);
    let comments = w
        .comments
        .values()
        .filter(|c| c.media_id == m.id && !c.deleted)
        .count();
    let first_child = m.children.first().and_then(|c| w.media.get(c));
    select(fields, &["id"], "IGMedia", &|f| match f {
        "id" => Some(Some(json!(m.id))),
        "caption" => Some(m.caption.as_ref().map(|c| json!(c))),
        "media_type" => Some(Some(json!(m.kind.media_type()))),
        "media_product_type" => Some(Some(json!(m.kind.product_type()))),
        "media_url" => Some(Some(json!(match (m.kind, first_child) {
            (Kind::Carousel, Some(c)) => media_url(c),
            _ => media_url(m),
        }))),
        "thumbnail_url" => Some(m.kind.is_video().then(|| {
            json!(format!(
                "https://sandbox.invalid/instagram/media/{}_thumb.jpg",
                m.id
            ))
        })),
        "permalink" => Some(m.permalink(&username).map(|p| json!(p))),
        "shortcode" => Some(Some(json!(m.shortcode))),
        "timestamp" => Some(Some(json!(fb_time(m.timestamp)))),
        "username" => Some(Some(json!(username))),
        "owner" => Some(Some(json!({ "id": m.owner }))),
        "like_count" => Some(Some(json!(0))),
        "comments_count" => Some(Some(json!(comments))),
        "is_comment_enabled" => Some(Some(json!(m.comment_enabled))),
        "is_shared_to_feed" => {
            Some((m.kind == Kind::Reel).then(|| json!(m.share_to_feed.unwrap_or(true))))
        }
        "alt_text" => Some(m.alt_text.as_ref().map(|a| json!(a))),
        "children" => Some((m.kind == Kind::Carousel).then(|| {
            let data: Vec<Value> = m.children.iter().map(|c| json!({ "id": c })).collect();
            json!({ "data": data })
        })),
        "legacy_instagram_media_id" => Some(None),
        _ => None,
    })
}

fn page(shared: &Shared, req: &GraphReq, items: Vec<Value>) -> GraphResult<Reply> {
    let body = paged(
        items,
        req.params.str("limit").as_deref(),
        req.params.str("after").as_deref(),
        &req.next_base(&shared.base_url),
    )?;
    Ok(Reply::ok(body))
}

/// `GET /{ig-user-id}/media`: published feed media and reels, newest first.
pub(super) fn list_media(shared: &Shared, req: &GraphReq, caller: &str) -> GraphResult<Reply> {
    let w = lock(&shared.instagram);
    let fields = req.fields();
    let items = w
        .media
        .values()
        .rev()
        .filter(|m| m.owner == caller && m.parent.is_none() && !m.kind.is_story())
        .map(|m| media_value(&w, m, fields.as_deref()))
        .collect::<GraphResult<Vec<_>>>()?;
    drop(w);
    page(shared, req, items)
}

/// `GET /{ig-user-id}/stories`: stories of the last 24 h, newest first.
pub(super) fn list_stories(
    shared: &Shared,
    req: &GraphReq,
    caller: &str,
    now: Timestamp,
) -> GraphResult<Reply> {
    let w = lock(&shared.instagram);
    let fields = req.fields();
    let items = w
        .media
        .values()
        .rev()
        .filter(|m| {
            m.owner == caller && m.kind.is_story() && now.duration_since(m.timestamp) < QUOTA_WINDOW
        })
        .map(|m| media_value(&w, m, fields.as_deref()))
        .collect::<GraphResult<Vec<_>>>()?;
    drop(w);
    page(shared, req, items)
}

/// `GET /{media-id}/children`.
pub(super) fn list_children(shared: &Shared, req: &GraphReq, media_id: &str) -> GraphResult<Reply> {
    let w = lock(&shared.instagram);
    let fields = req.fields();
    let Some(m) = w.media.get(media_id) else {
        return Err(GraphError::no_object("get", media_id));
    };
    let items = m
        .children
        .iter()
        .filter_map(|c| w.media.get(c))
        .map(|c| media_value(&w, c, fields.as_deref()))
        .collect::<GraphResult<Vec<_>>>()?;
    drop(w);
    Ok(Reply::ok(json!({ "data": items })))
}

/// `POST /{media-id}?comment_enabled=true|false`.
pub(super) fn edit_media(shared: &Shared, req: &GraphReq, media_id: &str) -> GraphResult<Reply> {
    let enabled =
        super::validate::bool_param(&req.params, "comment_enabled")?.ok_or_else(|| {
            GraphError::param("Nothing to update: send comment_enabled=true or false")
        })?;
    let mut w = lock(&shared.instagram);
    let owner = w
        .media
        .get(media_id)
        .map(|m| m.owner.clone())
        .ok_or_else(|| GraphError::no_object("post", media_id))?;
    if let Some(a) = w.accounts.get(&owner) {
        a.require("instagram_business_manage_comments")?;
    }
    if let Some(m) = w.media.get_mut(media_id) {
        if m.kind.is_story() || m.parent.is_some() {
            return Err(GraphError::param(
                "Comments cannot be turned on or off for stories and carousel items",
            ));
        }
        m.comment_enabled = enabled;
    }
    Ok(Reply::ok(json!({"success": true})))
}
