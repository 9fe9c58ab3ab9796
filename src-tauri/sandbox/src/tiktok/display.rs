//! The Display API (§8.1, scope `video.list`): `POST /v2/video/list/` and
//! `POST /v2/video/query/`. Only public videos that went live (and passed moderation)
//! are listed — whether or not `status/fetch` fills `publicaly_available_post_id`, so a
//! client can fall back to matching captions here. The sandbox does not read videos:
//! `duration`, `width` and `height` are 0, the counters too.

use axum::http::HeaderMap;
use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Map, Value};

use super::errors::{ok, TtError, TtResult};
use super::handlers::json_body;
use super::{MediaKind, Publish, World};
use crate::graph::Reply;
use crate::request::Params;
use crate::seed::Seed;
use crate::shared::{lock, Shared};

const VIDEO_FIELDS: &[&str] = &[
    "id",
    "create_time",
    "cover_image_url",
    "share_url",
    "video_description",
    "duration",
    "height",
    "width",
    "title",
    "embed_html",
    "embed_link",
    "like_count",
    "comment_count",
    "share_count",
    "view_count",
];

/// Most videos per page / per query.
const MAX_COUNT: u64 = 20;

fn fields(query: &str) -> TtResult<Vec<String>> {
    let fields = Params::from_query(query)
        .str("fields")
        .ok_or_else(|| TtError::invalid_params("The fields parameter is required."))?;
    let names: Vec<String> = fields
        .split(',')
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())
        .collect();
    if let Some(bad) = names.iter().find(|f| !VIDEO_FIELDS.contains(&f.as_str())) {
        return Err(TtError::invalid_params(format!("Invalid field: {bad}.")));
    }
    Ok(names)
}

/// The caller's public live videos, newest first: (post id, create time, publish).
fn public_videos<'a>(
    w: &'a World,
    open_id: &str,
    now: Timestamp,
    seed: &Seed,
) -> Vec<(u64, Timestamp, &'a Publish)> {
    let mut videos: Vec<(u64, Timestamp, &Publish)> = w
        .publishes
        .iter()
        .filter(|p| p.open_id == open_id && p.media == MediaKind::Video)
        .filter(|p| p.publicly_available(now, seed))
        .filter_map(|p| Some((p.post_id?, p.outcome.as_ref()?.2, p)))
        .collect();
    videos.sort_by_key(|(id, at, _)| std::cmp::Reverse((*at, *id)));
    videos
}

fn video_value(
    id: u64,
    at: Timestamp,
    p: &Publish,
    username: &str,
    names: &[String],
    now: Timestamp,
) -> Value {
    let title = p.post.title.clone().unwrap_or_default();
    let expires = now
        .saturating_add(SignedDuration::from_hours(6))
        .unwrap_or(now)
        .as_second();
    let mut v = Map::new();
    for name in names {
        let value = match name.as_str() {
            "id" => json!(id.to_string()),
            "create_time" => json!(at.as_second()),
            "cover_image_url" => json!(format!(
                "https://p16-sign.tiktokcdn-us.com/obj/sandbox-cover/{id}.jpeg?x-expires={expires}&x-signature=sandbox"
            )),
            "share_url" => json!(format!("https://www.tiktok.com/@{username}/video/{id}")),
            "video_description" => json!(title.chars().take(150).collect::<String>()),
            "title" => json!(title.chars().take(150).collect::<String>()),
            "embed_link" => json!(format!("https://www.tiktok.com/player/v1/{id}")),
            "embed_html" => json!(format!(
                "<blockquote class=\"tiktok-embed\" cite=\"https://www.tiktok.com/@{username}/video/{id}\" data-video-id=\"{id}\"></blockquote>"
            )),
            _ => json!(0),
        };
        v.insert(name.clone(), value);
    }
    Value::Object(v)
}

/// `POST /v2/video/list/?fields=…` with `{"cursor": ms, "max_count": n}`.
pub(super) fn list(
    shared: &Shared,
    headers: &HeaderMap,
    query: &str,
    bytes: &[u8],
) -> TtResult<Reply> {
    let now = shared.now();
    let seed = &shared.seed;
    let mut w = lock(&shared.tiktok);
    let caller = w.authenticate(headers, now)?;
    w.rate("app", "video_list", seed.tiktok_display_per_minute, now)?;
    caller.require("video.list")?;
    let names = fields(query)?;
    let body = json_body(bytes)?;
    let max_count = match body.get("max_count") {
        None | Some(Value::Null) => 10,
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=MAX_COUNT).contains(n))
            .ok_or_else(|| TtError::invalid_params("max_count must be 1 to 20."))?,
    };
    let cursor = match body.get("cursor") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .ok_or_else(|| TtError::invalid_params("cursor must be a number."))?,
        ),
    };
    let username = w
        .creators
        .get(&caller.open_id)
        .map(|c| c.username.clone())
        .unwrap_or_default();
    let older: Vec<_> = public_videos(&w, &caller.open_id, now, seed)
        .into_iter()
        .filter(|(_, at, _)| cursor.is_none_or(|c| at.as_millisecond() < c))
        .collect();
    let page: Vec<_> = older.iter().take(max_count as usize).collect();
    let has_more = older.len() > page.len();
    let next_cursor = page
        .last()
        .map(|(_, at, _)| at.as_millisecond())
        .or(cursor)
        .unwrap_or(0);
    let videos: Vec<Value> = page
        .iter()
        .map(|(id, at, p)| video_value(*id, *at, p, &username, &names, now))
        .collect();
    Ok(ok(
        json!({"videos": videos, "cursor": next_cursor, "has_more": has_more}),
    ))
}

/// `POST /v2/video/query/?fields=…` with `{"filters": {"video_ids": [...]}}`.
pub(super) fn query(
    shared: &Shared,
    headers: &HeaderMap,
    query: &str,
    bytes: &[u8],
) -> TtResult<Reply> {
    let now = shared.now();
    let seed = &shared.seed;
    let mut w = lock(&shared.tiktok);
    let caller = w.authenticate(headers, now)?;
    w.rate("app", "video_query", seed.tiktok_display_per_minute, now)?;
    caller.require("video.list")?;
    let names = fields(query)?;
    let body = json_body(bytes)?;
    let ids: Vec<String> = body
        .get("filters")
        .and_then(|f| f.get("video_ids"))
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<String>>>()
        })
        .ok_or_else(|| TtError::invalid_params("filters.video_ids must be a list of ids."))?;
    if ids.is_empty() || ids.len() > MAX_COUNT as usize {
        return Err(TtError::invalid_params(
            "filters.video_ids must hold 1 to 20 ids.",
        ));
    }
    let username = w
        .creators
        .get(&caller.open_id)
        .map(|c| c.username.clone())
        .unwrap_or_default();
    let videos: Vec<Value> = public_videos(&w, &caller.open_id, now, seed)
        .into_iter()
        .filter(|(id, _, _)| ids.contains(&id.to_string()))
        .map(|(id, at, p)| video_value(id, at, p, &username, &names, now))
        .collect();
    Ok(ok(json!({ "videos": videos })))
}
