//! Publishing: `POST /{ig-user-id}/media_publish` and
//! `GET /{ig-user-id}/content_publishing_limit` (§1.8).

use serde_json::{json, Map, Value};

use super::{shortcode, Kind, Media, Status, World, QUOTA_WINDOW};
use crate::facebook::GraphReq;
use crate::graph::{field_names, parse_time, GraphError, GraphResult, Reply};
use crate::record::LivePost;
use crate::shared::{lock, Shared};

fn not_found(creation_id: &str) -> GraphError {
    GraphError::new(
        24,
        format!("The media builder with creation id = {creation_id} does not exist or has been expired."),
    )
    .sub(2207008)
    .user(
        "Media Builder Expired",
        "The media builder does not exist or has expired. Create a new container.",
    )
}

/// The body Meta sends when media_publish comes before the container is `FINISHED`
/// (captured in production, §0.1).
fn not_ready() -> GraphError {
    GraphError::new(9007, "Media ID is not available")
        .sub(2207027)
        .transient(false)
        .user(
            "Cannot Publish",
            "The media is not ready for publishing, please wait for a moment",
        )
}

fn create_failed() -> GraphError {
    GraphError::new(
        -1,
        "An unexpected error has occurred. Please retry your request later.",
    )
    .sub(2207032)
    .user(
        "Create Media Failed",
        "Create media fail, please try to re-create media",
    )
}

fn already_published(creation_id: &str, media_id: &str) -> GraphError {
    GraphError::param(format!(
        "The media container {creation_id} was already published (media id {media_id}); a container can be published only once"
    ))
    .user(
        "Already Published",
        "This media was already published.",
    )
}

fn quota_reached(total: u32) -> GraphError {
    GraphError::new(
        9,
        "(#9) You reached maximum number of posts that is allowed to be published by Content Publishing API.",
    )
    .sub(2207042)
    .user(
        "Publishing Limit Reached",
        &format!("The account has reached its limit of {total} API-published posts in 24 hours. Try again once older posts leave the 24-hour window."),
    )
}

/// `POST /{ig-user-id}/media_publish?creation_id=…` → `{"id": <media id>}`. Checks and
/// publishing happen under one lock: a container goes live at most once.
pub(super) fn media_publish(shared: &Shared, req: &GraphReq, caller: &str) -> GraphResult<Reply> {
    let creation_id = req
        .params
        .str("creation_id")
        .ok_or_else(|| GraphError::param("The parameter creation_id is required"))?;
    let now = shared.now();
    let processing = shared.seed.instagram_video_processing;
    let mut w = lock(&shared.instagram);
    let account = w
        .accounts
        .get(caller)
        .ok_or_else(|| GraphError::no_object("post", caller))?;
    account.require("instagram_business_content_publish")?;
    let username = account.username.clone();
    let Some(c) = w
        .containers
        .get(&creation_id)
        .filter(|c| c.owner == caller)
        .cloned()
    else {
        return Err(not_found(&creation_id));
    };
    match c.status(now, processing) {
        Status::Published => {
            return Err(already_published(
                &creation_id,
                c.media_id.as_deref().unwrap_or(""),
            ))
        }
        Status::Expired => return Err(not_found(&creation_id)),
        Status::Error(_) => return Err(create_failed()),
        Status::InProgress => return Err(not_ready()),
        Status::Finished => {}
    }
    if c.kind.is_carousel_item() {
        return Err(GraphError::param(
            "A carousel item cannot be published on its own: publish the CAROUSEL container that lists it",
        ));
    }
    for child in &c.children {
        let finished = w
            .containers
            .get(child)
            .is_some_and(|k| k.status(now, processing) == Status::Finished);
        if !finished {
            return Err(
                GraphError::new(24, format!("The media with id {child} cannot be found"))
                    .sub(2207006),
            );
        }
    }
    let total = shared.seed.instagram_quota_total;
    if World::in_window(&mut w.publish_log, caller, now) >= total as usize {
        return Err(quota_reached(total));
    }

    // live
    let media_id = w.new_id();
    let mut child_media = Vec::new();
    for child in &c.children {
        let id = w.new_id();
        let kind = w
            .containers
            .get(child)
            .map(|k| k.kind)
            .unwrap_or(Kind::CarouselImage);
        let alt_text = w.containers.get(child).and_then(|k| k.alt_text.clone());
        w.media.insert(
            id.clone(),
            Media {
                id: id.clone(),
                owner: caller.to_string(),
                kind,
                caption: None,
                alt_text,
                share_to_feed: None,
                children: Vec::new(),
                parent: Some(media_id.clone()),
                timestamp: now,
                shortcode: shortcode(&id),
                comment_enabled: false,
            },
        );
        if let Some(k) = w.containers.get_mut(child) {
            k.media_id = Some(id.clone());
        }
        child_media.push(id);
    }
    let media = Media {
        id: media_id.clone(),
        owner: caller.to_string(),
        kind: c.kind,
        caption: c.caption.clone(),
        alt_text: c.alt_text.clone(),
        share_to_feed: c.share_to_feed,
        children: child_media,
        parent: None,
        timestamp: now,
        shortcode: shortcode(&media_id),
        comment_enabled: !c.kind.is_story(),
    };
    let media_count = if c.kind == Kind::Carousel {
        c.children.len() as u32
    } else {
        1
    };
    w.live.push(LivePost {
        platform: "instagram".into(),
        account_id: caller.to_string(),
        post_id: media_id.clone(),
        kind: c.kind.live_kind().into(),
        message: c.caption.clone(),
        media_count,
        published_at: now,
        scheduled: false,
        deleted: false,
        media_product_type: Some(c.kind.product_type().into()),
        media_type: Some(c.kind.media_type().into()),
        alt_text: c.alt_text.clone(),
        share_to_feed: c.share_to_feed,
        permalink: media.permalink(&username),
        creation_id: Some(creation_id.clone()),
        ..LivePost::default()
    });
    w.media.insert(media_id.clone(), media);
    if let Some(k) = w.containers.get_mut(&creation_id) {
        k.media_id = Some(media_id.clone());
    }
    w.publish_log
        .entry(caller.to_string())
        .or_default()
        .push_back(now);
    Ok(Reply::ok(json!({ "id": media_id })))
}

/// `GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config[&since=]`.
pub(super) fn publishing_limit(
    shared: &Shared,
    req: &GraphReq,
    caller: &str,
) -> GraphResult<Reply> {
    let now = shared.now();
    let window_start = now.saturating_sub(QUOTA_WINDOW).unwrap_or(now);
    let since = match req.params.str("since") {
        None => window_start,
        Some(s) => {
            let t = parse_time(&s)
                .ok_or_else(|| GraphError::param("Param since must be a UNIX timestamp"))?;
            // older than the window: the window is all there is
            t.max(window_start)
        }
    };
    let names = match req.fields() {
        Some(f) if !f.trim().is_empty() => field_names(&f),
        _ => vec!["quota_usage".to_string()],
    };
    let mut w = lock(&shared.instagram);
    World::in_window(&mut w.publish_log, caller, now);
    let usage = w
        .publish_log
        .get(caller)
        .map(|log| log.iter().filter(|t| **t >= since).count())
        .unwrap_or(0);
    let mut item = Map::new();
    for name in &names {
        match name.as_str() {
            "quota_usage" => {
                item.insert("quota_usage".into(), json!(usage));
            }
            "config" => {
                item.insert(
                    "config".into(),
                    json!({"quota_total": shared.seed.instagram_quota_total,
                        "quota_duration": QUOTA_WINDOW.as_secs()}),
                );
            }
            other => {
                return Err(GraphError::nonexisting_field(
                    other,
                    "ContentPublishingLimit",
                ))
            }
        }
    }
    Ok(Reply::ok(json!({ "data": [Value::Object(item)] })))
}
