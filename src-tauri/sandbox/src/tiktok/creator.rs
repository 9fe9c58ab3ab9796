//! `GET /v2/user/info/` (§2) and `POST /v2/post/publish/creator_info/query/` (§3.2).

use axum::http::{HeaderMap, StatusCode};
use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Map, Value};

use super::errors::{ok, TtError, TtResult};
use super::handlers::json_body;
use crate::graph::Reply;
use crate::record::LivePost;
use crate::request::Params;
use crate::seed::TikTokCreatorSeed;
use crate::shared::{lock, Shared};

/// The scope each user info field needs.
fn field_scope(field: &str) -> Option<&'static str> {
    Some(match field {
        "open_id" | "union_id" | "avatar_url" | "avatar_url_100" | "avatar_large_url"
        | "display_name" => "user.info.basic",
        "bio_description" | "profile_deep_link" | "is_verified" | "username" => "user.info.profile",
        "follower_count" | "following_count" | "likes_count" | "video_count" => "user.info.stats",
        _ => return None,
    })
}

/// A signed-looking avatar URL that "expires" 2 h from now (§3.2).
fn avatar_url(c: &TikTokCreatorSeed, size: u32, now: Timestamp) -> String {
    let expires = now
        .saturating_add(SignedDuration::from_hours(2))
        .unwrap_or(now)
        .as_second();
    format!(
        "https://p16-sign.tiktokcdn-us.com/tos-useast5-avt-0068-tx/{}~c5_{size}x{size}.jpeg?x-expires={expires}&x-signature=sandbox",
        c.open_id
    )
}

/// `GET /v2/user/info/?fields=…` (600 calls per minute, app-wide).
pub(super) fn user_info(shared: &Shared, headers: &HeaderMap, query: &str) -> TtResult<Reply> {
    let now = shared.now();
    let mut w = lock(&shared.tiktok);
    let caller = w.authenticate(headers, now)?;
    w.rate(
        "app",
        "user_info",
        shared.seed.tiktok_display_per_minute,
        now,
    )?;
    let fields = Params::from_query(query)
        .str("fields")
        .ok_or_else(|| TtError::invalid_params("The fields parameter is required."))?;
    let names: Vec<&str> = fields
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    let mut missing = Vec::new();
    for name in &names {
        let scope = field_scope(name)
            .ok_or_else(|| TtError::invalid_params(format!("Invalid field: {name}.")))?;
        if !caller.has(scope) {
            missing.push(format!("{name} ({scope})"));
        }
    }
    if !missing.is_empty() {
        return Err(TtError::new(
            StatusCode::BAD_REQUEST,
            "scope_permission_missed",
            format!(
                "The user did not grant the scopes these fields need: {}.",
                missing.join(", ")
            ),
        ));
    }
    let c = w
        .creators
        .get(&caller.open_id)
        .ok_or_else(TtError::token_invalid)?;
    let live = w
        .live
        .iter()
        .filter(|l: &&LivePost| l.account_id == c.open_id && !l.deleted)
        .count() as u64;
    let mut user = Map::new();
    for name in names {
        let v = match name {
            "open_id" => json!(c.open_id),
            "union_id" => json!(c.union_id),
            "avatar_url" => json!(avatar_url(c, 168, now)),
            "avatar_url_100" => json!(avatar_url(c, 100, now)),
            "avatar_large_url" => json!(avatar_url(c, 1080, now)),
            "display_name" => json!(c.display_name),
            "bio_description" => json!(c.bio_description),
            "profile_deep_link" => json!(format!("https://www.tiktok.com/@{}", c.username)),
            "is_verified" => json!(c.is_verified),
            "username" => json!(c.username),
            "follower_count" => json!(c.follower_count),
            "following_count" => json!(c.following_count),
            "likes_count" => json!(c.likes_count),
            "video_count" => json!(c.video_count + live),
            _ => continue,
        };
        user.insert(name.to_string(), v);
    }
    Ok(ok(json!({ "user": Value::Object(user) })))
}

/// `POST /v2/post/publish/creator_info/query/`: "cannot post now" answers come with HTTP
/// 200 and their own `error.code` (§3.2, §6).
pub(super) fn creator_info(shared: &Shared, headers: &HeaderMap, bytes: &[u8]) -> TtResult<Reply> {
    let now = shared.now();
    let seed = &shared.seed;
    let mut w = lock(&shared.tiktok);
    let caller = w.authenticate(headers, now)?;
    w.rate(
        &caller.token,
        "creator_info",
        seed.tiktok_creator_info_per_minute,
        now,
    )?;
    caller.require("video.publish")?;
    json_body(bytes)?;
    if let Err((code, message)) = w.can_post(&caller.open_id, now, seed, true) {
        return Err(TtError::new(StatusCode::OK, code, message));
    }
    let c = w
        .creators
        .get(&caller.open_id)
        .ok_or_else(TtError::token_invalid)?;
    Ok(ok(json!({
        "creator_avatar_url": avatar_url(c, 168, now),
        "creator_username": c.username,
        "creator_nickname": c.display_name,
        "privacy_level_options": c.privacy_level_options,
        "comment_disabled": c.comment_disabled,
        "duet_disabled": c.duet_disabled || c.private_account,
        "stitch_disabled": c.stitch_disabled || c.private_account,
        "max_video_post_duration_sec": c.max_video_post_duration_sec,
    })))
}
