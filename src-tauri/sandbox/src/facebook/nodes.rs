//! Reading: nodes (`/me`, Pages, posts, photos, videos), lists, tokens and OAuth.

use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value};

use super::handlers::GraphReq;
use super::{Intent, Page, Photo, Post, PostKind, Principal, User, Video, VideoProduct, World};
use crate::graph::{fb_time, paged, select, GraphError, GraphResult, Reply};
use crate::seed::Seed;
use crate::shared::{lock, Shared};

fn picture(id: &str) -> Value {
    json!({"data": {"height": 50, "width": 50, "is_silhouette": false,
        "url": format!("https://sandbox.invalid/picture/{id}.png")}})
}

pub(super) fn user_value(u: &User, fields: Option<&str>) -> GraphResult<Value> {
    select(fields, &["name", "id"], "User", &|f| match f {
        "id" => Some(Some(json!(u.id))),
        "name" => Some(Some(json!(u.name))),
        "first_name" => Some(u.name.split_whitespace().next().map(|s| json!(s))),
        "last_name" => Some(u.name.split_whitespace().last().map(|s| json!(s))),
        "picture" => Some(Some(picture(&u.id))),
        "email" => Some(None),
        _ => None,
    })
}

/// A Page node; `with_token` when the caller is a user who manages the Page.
pub(super) fn page_value(
    p: &Page,
    fields: Option<&str>,
    with_token: bool,
    defaults: &[&str],
) -> GraphResult<Value> {
    select(fields, defaults, "Page", &|f| match f {
        "id" => Some(Some(json!(p.id))),
        "name" => Some(Some(json!(p.name))),
        "category" => Some(Some(json!(p.category))),
        "category_list" => Some(Some(json!([{"id": "2200", "name": p.category}]))),
        "access_token" => Some(with_token.then(|| json!(p.token))),
        "tasks" => Some(with_token.then(|| json!(p.tasks))),
        "link" => Some(Some(json!(format!("https://www.facebook.com/{}", p.id)))),
        "picture" => Some(Some(picture(&p.id))),
        "fan_count" | "followers_count" => Some(Some(json!(0))),
        "about" | "username" | "website" | "instagram_business_account" => Some(None),
        _ => None,
    })
}

fn status_type(post: &Post) -> Option<&'static str> {
    Some(match post.kind {
        PostKind::Feed if post.link.is_some() => "shared_story",
        PostKind::Feed => "mobile_status_update",
        PostKind::Photo | PostKind::Album => "added_photos",
        PostKind::Video | PostKind::Reel => "added_video",
        PostKind::Story => return None,
    })
}

fn attachments(post: &Post) -> Option<Value> {
    let sub: Vec<Value> = post
        .media
        .iter()
        .map(|m| json!({"media_type": "photo", "target": {"id": m}, "type": "photo"}))
        .collect();
    match post.kind {
        PostKind::Album => Some(json!({"data": [{"media_type": "album", "type": "album",
            "subattachments": {"data": sub}}]})),
        PostKind::Photo => Some(json!({"data": sub})),
        PostKind::Video | PostKind::Reel => post.video_id.as_ref().map(|v| {
            json!({"data": [{"media_type": "video", "type": "video_inline", "target": {"id": v}}]})
        }),
        PostKind::Feed => post
            .link
            .as_ref()
            .map(|l| json!({"data": [{"media_type": "link", "type": "share", "url": l}]})),
        PostKind::Story => None,
    }
}

pub(super) fn post_value(w: &World, post: &Post, fields: Option<&str>) -> GraphResult<Value> {
    let page_name = w
        .pages
        .get(&post.page_id)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let counts = json!({"data": [], "summary": {"total_count": 0}});
    select(
        fields,
        &["created_time", "message", "id"],
        "Post",
        &|f| match f {
            "id" => Some(Some(json!(post.id))),
            "message" => Some(post.message.as_ref().map(|m| json!(m))),
            "link" => Some(post.link.as_ref().map(|m| json!(m))),
            "created_time" => Some(Some(json!(fb_time(post.created_time)))),
            "updated_time" => Some(Some(json!(fb_time(post.updated_time)))),
            "permalink_url" => Some(Some(json!(format!("https://www.facebook.com/{}", post.id)))),
            "is_published" => Some(Some(json!(post.published))),
            "scheduled_publish_time" => Some(
                post.scheduled_publish_time
                    .filter(|_| !post.published)
                    .map(|t| json!(t.as_second())),
            ),
            "from" => Some(Some(json!({"name": page_name, "id": post.page_id}))),
            "status_type" => Some(status_type(post).map(|s| json!(s))),
            "attachments" => Some(attachments(post)),
            "is_hidden" | "is_expired" => Some(Some(json!(false))),
            "reactions" | "comments" | "likes" => Some(Some(counts.clone())),
            "shares" | "full_picture" | "picture" | "story" | "place" | "privacy" => Some(None),
            _ => None,
        },
    )
}

pub(super) fn photo_value(w: &World, photo: &Photo, fields: Option<&str>) -> GraphResult<Value> {
    let page_name = w
        .pages
        .get(&photo.page_id)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let published_post = photo.post_id.as_ref().filter(|id| {
        w.posts
            .get(*id)
            .is_some_and(|p| p.published && p.kind == PostKind::Photo && !p.deleted)
    });
    select(
        fields,
        &["created_time", "name", "id"],
        "Photo",
        &|f| match f {
            "id" => Some(Some(json!(photo.id))),
            "created_time" | "updated_time" => Some(Some(json!(fb_time(photo.created_time)))),
            "name" => Some(photo.caption.as_ref().map(|c| json!(c))),
            "link" => Some(Some(json!(format!(
                "https://www.facebook.com/photo.php?fbid={}",
                photo.id
            )))),
            "page_story_id" => Some(published_post.map(|p| json!(p))),
            "from" => Some(Some(json!({"name": page_name, "id": photo.page_id}))),
            "images" => Some(Some(json!([{"height": 720, "width": 720,
            "source": format!("https://sandbox.invalid/photos/{}.{}", photo.id, photo.format)}]))),
            "picture" => Some(Some(json!(format!(
                "https://sandbox.invalid/photos/{}.{}",
                photo.id, photo.format
            )))),
            "height" | "width" => Some(Some(json!(720))),
            "album" | "alt_text" => Some(None),
            _ => None,
        },
    )
}

/// `status` of a video: `video_status` and the three phases.
pub(super) fn video_status(v: &Video, now: Timestamp, seed: &Seed) -> Value {
    let complete = v.upload_complete();
    let finished = v.intent != Intent::Pending;
    let processed = finished && v.processed(now, seed.video_processing);
    let failed = processed && !v.looks_like_video();
    let video_status = if failed {
        "error"
    } else if processed {
        "ready"
    } else if finished {
        "processing"
    } else if complete {
        "upload_complete"
    } else {
        "uploading"
    };
    let uploading = json!({
        "status": if complete { "complete" } else { "in_progress" },
        "bytes_transfered": v.received,
    });
    let processing = if failed {
        json!({"status": "error", "error": {"message": "The video file you uploaded is not in a format Facebook can process. Use an MP4 or MOV file."}})
    } else if processed {
        json!({"status": "complete"})
    } else if finished {
        json!({"status": "in_progress"})
    } else {
        json!({"status": "not_started"})
    };
    let post = v.post_id.as_ref();
    let publishing = match v.intent {
        Intent::Published if post.is_some() => {
            json!({"status": "complete", "publish_status": "published"})
        }
        Intent::Scheduled(at) => json!({
            "status": if post.is_some() { "complete" } else { "not_started" },
            "publish_status": "scheduled",
            "publish_time": at.as_second(),
        }),
        Intent::Draft => json!({"status": "complete", "publish_status": "draft"}),
        Intent::Unpublished => json!({"status": "complete", "publish_status": "unpublished"}),
        _ => json!({"status": "not_started"}),
    };
    json!({
        "video_status": video_status,
        "uploading_phase": uploading,
        "processing_phase": processing,
        "publishing_phase": publishing,
    })
}

pub(super) fn video_permalink(v: &Video) -> String {
    match v.product {
        VideoProduct::Reel => format!("https://www.facebook.com/reel/{}", v.id),
        _ => format!("https://www.facebook.com/{}/videos/{}/", v.page_id, v.id),
    }
}

pub(super) fn video_value(
    w: &World,
    v: &Video,
    fields: Option<&str>,
    now: Timestamp,
    seed: &Seed,
) -> GraphResult<Value> {
    let page_name = w
        .pages
        .get(&v.page_id)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let live_post = v.post_id.as_ref().and_then(|p| w.posts.get(p));
    select(
        fields,
        &["description", "updated_time", "id"],
        "Video",
        &|f| match f {
            "id" => Some(Some(json!(v.id))),
            "title" => Some(v.title.as_ref().map(|t| json!(t))),
            "description" => Some(v.description.as_ref().map(|t| json!(t))),
            "created_time" | "updated_time" => Some(Some(json!(fb_time(v.created_time)))),
            "status" => Some(Some(video_status(v, now, seed))),
            "post_id" => Some(v.post_id.as_ref().map(|p| json!(p))),
            "permalink_url" => Some(live_post.map(|_| json!(video_permalink(v)))),
            "published" => Some(Some(json!(live_post.is_some_and(|p| p.published)))),
            "scheduled_publish_time" => Some(match v.intent {
                Intent::Scheduled(at) if !live_post.is_some_and(|p| p.published) => {
                    Some(json!(at.as_second()))
                }
                _ => None,
            }),
            "from" => Some(Some(json!({"name": page_name, "id": v.page_id}))),
            "length" | "source" | "picture" | "thumbnails" => Some(None),
            _ => None,
        },
    )
}

// ---- /me, /me/accounts, /me/permissions ---------------------------------------------------

pub(super) fn me_accounts(shared: &Shared, req: &GraphReq, user_id: &str) -> GraphResult<Reply> {
    let w = lock(&shared.world);
    let user = w
        .users
        .get(user_id)
        .ok_or_else(|| GraphError::no_object("get", user_id))?;
    let fields = req.fields();
    let mut items = Vec::new();
    for pid in &user.pages {
        if let Some(p) = w.pages.get(pid) {
            items.push(page_value(
                p,
                fields.as_deref(),
                true,
                &[
                    "access_token",
                    "category",
                    "category_list",
                    "name",
                    "id",
                    "tasks",
                ],
            )?);
        }
    }
    let body = paged(
        items,
        req.params.str("limit").as_deref(),
        req.params.str("after").as_deref(),
        &req.next_base(&shared.base_url),
    )?;
    Ok(Reply::ok(body))
}

pub(super) fn me_permissions(shared: &Shared, user_id: &str) -> GraphResult<Reply> {
    let w = lock(&shared.world);
    let user = w
        .users
        .get(user_id)
        .ok_or_else(|| GraphError::no_object("get", user_id))?;
    let data: Vec<Value> = user
        .permissions
        .iter()
        .map(|p| json!({"permission": p, "status": "granted"}))
        .collect();
    Ok(Reply::ok(json!({ "data": data })))
}

/// `DELETE /me/permissions`: the user removes the app; every token of theirs dies (190/458).
pub(super) fn revoke(shared: &Shared, user_id: &str) -> GraphResult<Reply> {
    let mut w = lock(&shared.world);
    for info in w.tokens.values_mut() {
        let owner = match &info.principal {
            Principal::User(u) | Principal::Page { user_id: u, .. } => u.as_str(),
            Principal::App => "",
        };
        if owner == user_id {
            info.revoked = true;
        }
    }
    Ok(Reply::ok(super::success()))
}

// ---- debug_token ---------------------------------------------------------------------------

pub(super) fn debug_token(shared: &Shared, req: &GraphReq, now: Timestamp) -> GraphResult<Reply> {
    let w = lock(&shared.world);
    w.authenticate(req.token().as_deref(), now)?;
    let input = req
        .params
        .str("input_token")
        .ok_or_else(|| GraphError::param("The parameter input_token is required"))?;
    let Some(info) = w.tokens.get(&input) else {
        return Ok(Reply::ok(json!({"data": {
            "error": {"code": 190, "message": "Invalid OAuth access token - Cannot parse access token"},
            "is_valid": false, "scopes": []}})));
    };
    let (kind, user_id, profile) = match &info.principal {
        Principal::User(u) => ("USER", u.clone(), None),
        Principal::Page { page_id, user_id } => ("PAGE", user_id.clone(), Some(page_id.clone())),
        Principal::App => ("APP", String::new(), None),
    };
    let scopes: Vec<String> = w
        .users
        .get(&user_id)
        .map(|u| u.permissions.clone())
        .unwrap_or_default();
    let pages: Vec<String> = w
        .users
        .get(&user_id)
        .map(|u| u.pages.clone())
        .unwrap_or_default();
    let granular: Vec<Value> = scopes
        .iter()
        .filter(|s| s.starts_with("pages_"))
        .map(|s| json!({"scope": s, "target_ids": pages}))
        .collect();
    let mut data = json!({
        "app_id": w.app_id,
        "type": kind,
        "application": "Herald Sandbox",
        "data_access_expires_at": now.saturating_add(SignedDuration::from_hours(24 * 90)).unwrap_or(now).as_second(),
        "expires_at": info.expires_at.map(|t| t.as_second()).unwrap_or(0),
        "is_valid": true,
        "issued_at": info.issued_at.as_second(),
        "scopes": scopes,
        "granular_scopes": granular,
        "user_id": user_id,
    });
    if let Some(p) = profile {
        data["profile_id"] = json!(p);
    }
    if info.revoked {
        data["is_valid"] = json!(false);
        data["error"] = json!({"code": 190, "subcode": 458,
            "message": "Error validating access token: The user has not authorized application."});
    } else if let Some(exp) = info.expires_at.filter(|e| *e <= now) {
        let e = super::expired_error(exp, now);
        data["is_valid"] = json!(false);
        data["error"] = json!({"code": 190, "subcode": 463, "message": e.message});
    }
    Ok(Reply::ok(json!({ "data": data })))
}

// ---- OAuth ---------------------------------------------------------------------------------

const LONG_LIVED_SECS: i64 = 5_183_944;

/// `GET /oauth/access_token`: code exchange and `fb_exchange_token`.
pub(super) fn oauth_access_token(
    shared: &Shared,
    req: &GraphReq,
    now: Timestamp,
) -> GraphResult<Reply> {
    let mut w = lock(&shared.world);
    let p = &req.params;
    let client_id = p.str("client_id").unwrap_or_default();
    if client_id != w.app_id {
        return Err(GraphError::new(
            101,
            "Error validating application. Invalid application ID.",
        ));
    }
    if p.str("client_secret").unwrap_or_default() != w.app_secret {
        return Err(GraphError::new(1, "Error validating client secret."));
    }
    let user_id = if p.str("grant_type").as_deref() == Some("fb_exchange_token") {
        let token = p
            .str("fb_exchange_token")
            .ok_or_else(|| GraphError::param("Missing fb_exchange_token parameter"))?;
        match w.authenticate(Some(&token), now)? {
            Principal::User(u) => u,
            _ => {
                return Err(GraphError::param(
                    "fb_exchange_token must be a user access token",
                ))
            }
        }
    } else {
        let code = p
            .str("code")
            .ok_or_else(|| GraphError::param("Missing code parameter"))?;
        let redirect = p.str("redirect_uri").unwrap_or_default();
        let Some((user, expected_redirect, expires)) = w.oauth_codes.remove(&code) else {
            return Err(GraphError::new(100, "This authorization code has been used.").sub(36009));
        };
        if expires <= now {
            return Err(GraphError::new(100, "This authorization code has expired.").sub(36007));
        }
        if redirect != expected_redirect {
            return Err(GraphError::new(
                100,
                "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
            )
            .sub(36008));
        }
        user
    };
    let token = w
        .users
        .get(&user_id)
        .map(|u| u.token.clone())
        .unwrap_or_default();
    if let Some(info) = w.tokens.get_mut(&token) {
        info.expires_at = now
            .saturating_add(SignedDuration::from_secs(LONG_LIVED_SECS))
            .ok();
        info.issued_at = now;
        info.revoked = false;
    }
    // Page tokens derived again are valid again too.
    for info in w.tokens.values_mut() {
        if matches!(&info.principal, Principal::Page { user_id: u, .. } if *u == user_id) {
            info.revoked = false;
        }
    }
    Ok(Reply::ok(
        json!({"access_token": token, "token_type": "bearer", "expires_in": LONG_LIVED_SECS}),
    ))
}

/// How long a Login dialog code can be exchanged (sandbox clock).
pub(crate) const CODE_LIFETIME: SignedDuration = SignedDuration::from_hours(1);

/// The Login dialog: `GET /facebook-www/{version}/dialog/oauth` (www.facebook.com) and
/// `GET /_sandbox/facebook/dialog/oauth`, `?client_id&redirect_uri&state` (+
/// `sandbox_decision=deny`, `sandbox_user=<user id>`). Approved at once by that user (by
/// default the first seeded user whose token is valid): 302 to
/// `redirect_uri?code=…&state=…#_`, the code single-use and valid [`CODE_LIFETIME`];
/// denied: 302 to `redirect_uri?error=access_denied&error_code=200&error_description=
/// Permissions+error&error_reason=user_denied&state=…#_`.
pub(crate) fn oauth_dialog(shared: &Shared, query: &str) -> Reply {
    use crate::signin::{self, Decision};
    let params = crate::request::Params::from_query(query);
    let now = shared.now();
    let Some(redirect) = params.str("redirect_uri") else {
        return Reply::json(
            axum::http::StatusCode::BAD_REQUEST,
            &json!({"error": {"message": "redirect_uri is required", "type": "OAuthException", "code": 191}}),
        );
    };
    let app_id = shared.seed.facebook_app_id.as_str();
    if params.str("client_id").as_deref() != Some(app_id) {
        return Reply::json(
            axum::http::StatusCode::BAD_REQUEST,
            &json!({"error": {"message": "Invalid App ID", "type": "OAuthException", "code": 101}}),
        );
    }
    let decision = match signin::decision(&params) {
        Ok(d) => d,
        Err(page) => return page,
    };
    let state = params.str("state").unwrap_or_default();
    if decision == Decision::Deny {
        return signin::redirect(
            &redirect,
            &[
                ("error", "access_denied"),
                ("error_code", "200"),
                ("error_description", "Permissions error"),
                ("error_reason", "user_denied"),
                ("state", &state),
            ],
            "#_",
        );
    }
    let mut w = lock(&shared.world);
    let user = match params.str("sandbox_user") {
        Some(id) => w.users.get(&id).map(|u| u.id.clone()),
        None => w
            .users
            .values()
            .find(|u| {
                w.tokens
                    .get(&u.token)
                    .is_some_and(|t| t.expires_at.is_none_or(|e| e > now))
            })
            .map(|u| u.id.clone()),
    };
    let Some(user) = user else {
        return signin::error_page(
            axum::http::StatusCode::BAD_REQUEST,
            "sandbox_user names no Facebook user of the sandbox.",
        );
    };
    let code = format!(
        "AQ{}",
        crate::shared::random_chars(120, crate::shared::URL_SAFE)
    );
    w.oauth_codes.insert(
        code.clone(),
        (
            user,
            redirect.clone(),
            now.saturating_add(CODE_LIFETIME).unwrap_or(now),
        ),
    );
    drop(w);
    signin::redirect(&redirect, &[("code", &code), ("state", &state)], "#_")
}

// ---- lists ---------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum FeedFilter {
    All,
    Published,
    Scheduled,
}

pub(super) fn list_posts(
    shared: &Shared,
    req: &GraphReq,
    page_id: &str,
    filter: FeedFilter,
) -> GraphResult<Reply> {
    let w = lock(&shared.world);
    let fields = req.fields();
    let mut items = Vec::new();
    for post in w.page_posts(page_id) {
        if post.kind == PostKind::Story {
            continue;
        }
        let keep = match filter {
            FeedFilter::All => true,
            FeedFilter::Published => post.published,
            FeedFilter::Scheduled => !post.published && post.scheduled_publish_time.is_some(),
        };
        if keep {
            items.push(post_value(&w, post, fields.as_deref())?);
        }
    }
    let body = paged(
        items,
        req.params.str("limit").as_deref(),
        req.params.str("after").as_deref(),
        &req.next_base(&shared.base_url),
    )?;
    Ok(Reply::ok(body))
}

pub(super) fn list_photos(shared: &Shared, req: &GraphReq, page_id: &str) -> GraphResult<Reply> {
    let w = lock(&shared.world);
    let fields = req.fields();
    let mut photos: Vec<&Photo> = w
        .photos
        .values()
        .filter(|p| p.page_id == page_id && !p.deleted)
        .collect();
    photos.sort_by(|a, b| b.id.len().cmp(&a.id.len()).then(b.id.cmp(&a.id)));
    let items = photos
        .into_iter()
        .map(|p| photo_value(&w, p, fields.as_deref()))
        .collect::<GraphResult<Vec<_>>>()?;
    let body = paged(
        items,
        req.params.str("limit").as_deref(),
        req.params.str("after").as_deref(),
        &req.next_base(&shared.base_url),
    )?;
    Ok(Reply::ok(body))
}

pub(super) fn list_videos(
    shared: &Shared,
    req: &GraphReq,
    page_id: &str,
    product: VideoProduct,
    now: Timestamp,
) -> GraphResult<Reply> {
    let w = lock(&shared.world);
    let fields = req.fields();
    let mut videos: Vec<&Video> = w
        .videos
        .values()
        .filter(|v| v.page_id == page_id && !v.deleted && v.product == product)
        .collect();
    videos.sort_by(|a, b| b.id.len().cmp(&a.id.len()).then(b.id.cmp(&a.id)));
    let items = videos
        .into_iter()
        .map(|v| video_value(&w, v, fields.as_deref(), now, &shared.seed))
        .collect::<GraphResult<Vec<_>>>()?;
    let body = paged(
        items,
        req.params.str("limit").as_deref(),
        req.params.str("after").as_deref(),
        &req.next_base(&shared.base_url),
    )?;
    Ok(Reply::ok(body))
}

pub(super) fn list_stories(shared: &Shared, req: &GraphReq, page_id: &str) -> GraphResult<Reply> {
    let w = lock(&shared.world);
    let items: Vec<Value> = w
        .page_posts(page_id)
        .into_iter()
        .filter(|p| p.kind == PostKind::Story)
        .map(|p| {
            let (media_type, media_id) = match &p.video_id {
                Some(v) => ("video", v.clone()),
                None => ("photo", p.media.first().cloned().unwrap_or_default()),
            };
            json!({
                "post_id": p.id,
                "status": "PUBLISHED",
                "creation_time": p.created_time.as_second().to_string(),
                "media_type": media_type,
                "media_id": media_id,
                "url": format!("https://www.facebook.com/stories/{}/{}", p.page_id, p.id),
            })
        })
        .collect();
    let body = paged(
        items,
        req.params.str("limit").as_deref(),
        req.params.str("after").as_deref(),
        &req.next_base(&shared.base_url),
    )?;
    Ok(Reply::ok(body))
}
