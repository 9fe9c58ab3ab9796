//! Media containers: `POST /{ig-user-id}/media` (images fetched at creation, videos
//! fetched in the background as Meta does) and `GET /{container-id}`.

use std::sync::Arc;
use std::time::Instant;

use serde_json::{json, Value};

use super::probe::{feed_aspect_ok, image_format, is_mp4_or_mov, jpeg_dimensions};
use super::validate::{self, Spec};
use super::{Container, Kind, Status, Transfer, World};
use crate::facebook::GraphReq;
use crate::fetch::{fetch, fetch_counted, FetchError};
use crate::graph::{select, GraphError, GraphResult, Reply};
use crate::request::RawBody;
use crate::seed::VideoProcessing;
use crate::shared::{lock, Shared};

/// Largest image (and reel cover) accepted: 8 MiB.
pub(super) const MAX_IMAGE_BYTES: u64 = 8 * 1024 * 1024;

fn media_not_found(id: &str) -> GraphError {
    GraphError::new(24, format!("The media with id {id} cannot be found"))
        .sub(2207006)
        .user(
            "Media Not Found",
            "The media could not be found. It may not be a finished carousel item of this account.",
        )
}

fn fetch_failed(url: &str, detail: &str) -> GraphError {
    GraphError::new(
        9004,
        "(#9004) Media download has failed. The media URI doesn't meet our requirements.",
    )
    .sub(2207052)
    .user(
        "Media Download Has Failed",
        &format!("The media could not be fetched from this uri: {url} ({detail})"),
    )
}

fn image_too_large() -> GraphError {
    GraphError::new(
        36000,
        "(#36000) The image is too large to download. It should be less than 8 MiB.",
    )
    .sub(2207004)
    .user(
        "Image Too Large",
        "The image is too large to download. It should be less than 8 MiB.",
    )
}

fn unsupported_image(detail: &str) -> GraphError {
    GraphError::new(
        36001,
        format!("(#36001) The image format is not supported: {detail}"),
    )
    .sub(2207005)
    .user(
        "Unsupported Image Format",
        "The image format is not supported. Only JPEG images can be published.",
    )
}

fn bad_aspect(width: u32, height: u32) -> GraphError {
    GraphError::new(
        36003,
        format!("(#36003) The submitted image with aspect ratio ('{width}/{height}') cannot be published. Please submit an image with a valid aspect ratio."),
    )
    .sub(2207009)
    .user(
        "Invalid Aspect Ratio",
        "Feed images must have an aspect ratio between 4:5 and 1.91:1.",
    )
}

fn container_limit(limit: u32) -> GraphError {
    GraphError::new(
        9,
        format!("(#9) This account has reached its limit of {limit} media containers in 24 hours. Wait for containers to age out and try again."),
    )
    .sub(2207042)
    .user(
        "Container Limit Reached",
        "The account created too many media containers in 24 hours. Try again later.",
    )
}

/// The checks that need the world: permissions, resumable capability, children, the
/// container limit.
fn admit(w: &mut World, shared: &Shared, caller: &str, spec: &Spec) -> GraphResult<()> {
    let now = shared.now();
    let account = w
        .accounts
        .get(caller)
        .ok_or_else(|| GraphError::no_object("post", caller))?;
    account.require("instagram_business_content_publish")?;
    if spec.resumable && !account.resumable_upload {
        return Err(GraphError::new(
            3,
            "(#3) Application does not have the capability to make this API call.",
        ));
    }
    for (i, child) in spec.children.iter().enumerate() {
        if spec.children[..i].contains(child) {
            return Err(GraphError::param(format!(
                "children lists {child} more than once"
            )));
        }
        let ok = w.containers.get(child).is_some_and(|c| {
            c.owner == caller
                && c.kind.is_carousel_item()
                && c.status(now, shared.seed.instagram_video_processing) == Status::Finished
        });
        if !ok {
            return Err(media_not_found(child));
        }
    }
    let limit = shared.seed.instagram_containers_per_day;
    if World::in_window(&mut w.container_log, caller, now) >= limit as usize {
        return Err(container_limit(limit));
    }
    Ok(())
}

/// An image fetched and checked: its size and dimensions.
struct Image {
    bytes: u64,
    width: u32,
    height: u32,
}

/// Fetch `image_url` now, as Meta does, and check it (JPEG, ≤ 8 MiB, aspect ratio for
/// feed and carousel images).
async fn fetch_image(shared: &Shared, url: &str, kind: Kind) -> GraphResult<Image> {
    let bytes = match fetch(&shared.http, url, MAX_IMAGE_BYTES).await {
        Ok(b) => b,
        Err(FetchError::TooLarge) => return Err(image_too_large()),
        Err(e) => return Err(fetch_failed(url, &e.message())),
    };
    match image_format(&bytes) {
        Some("jpeg") => {}
        Some(other) => {
            return Err(unsupported_image(&format!(
                "{other}; only JPEG is supported"
            )))
        }
        None => {
            return Err(unsupported_image(
                "the file is not an image; only JPEG is supported",
            ))
        }
    }
    let (width, height) = jpeg_dimensions(&bytes).ok_or_else(|| {
        unsupported_image("the JPEG has no frame header (SOF) with its dimensions")
    })?;
    if matches!(kind, Kind::Image | Kind::CarouselImage) && !feed_aspect_ok(width, height) {
        return Err(bad_aspect(width, height));
    }
    Ok(Image {
        bytes: bytes.len() as u64,
        width,
        height,
    })
}

/// `POST /{ig-user-id}/media` → `{"id"}` (`{"id","uri"}` with `upload_type=resumable`).
pub(super) async fn create(
    shared: &Arc<Shared>,
    req: &GraphReq,
    caller: &str,
) -> GraphResult<Reply> {
    let spec = validate::parse(&req.params)?;
    admit(&mut lock(&shared.instagram), shared, caller, &spec)?;

    let image = match (&spec.image_url, spec.kind.is_image()) {
        (Some(url), true) => Some(fetch_image(shared, url, spec.kind).await?),
        _ => None,
    };

    let now = shared.now();
    let mut w = lock(&shared.instagram);
    // the world may have moved during a slow fetch: check again
    admit(&mut w, shared, caller, &spec)?;
    w.container_log
        .entry(caller.to_string())
        .or_default()
        .push_back(now);
    let id = w.new_id();
    let transfer = if spec.kind.is_video() {
        Transfer::Waiting
    } else {
        Transfer::Received {
            real: Instant::now(),
            at: now,
        }
    };
    w.containers.insert(
        id.clone(),
        Container {
            id: id.clone(),
            owner: caller.to_string(),
            kind: spec.kind,
            caption: spec.caption.clone(),
            alt_text: spec.alt_text.clone(),
            share_to_feed: spec.share_to_feed,
            thumb_offset: spec.thumb_offset,
            cover_url: spec.cover_url.clone(),
            cover_bytes: None,
            user_tags: spec.user_tags.clone(),
            collaborators: spec.collaborators.clone(),
            children: spec.children.clone(),
            source_url: spec.image_url.clone().or_else(|| spec.video_url.clone()),
            resumable: spec.resumable,
            upload_size: None,
            bytes: image.as_ref().map(|i| i.bytes).unwrap_or(0),
            head: Vec::new(),
            by_rupload: false,
            width: image.as_ref().map(|i| i.width),
            height: image.as_ref().map(|i| i.height),
            created_at: now,
            transfer,
            media_id: None,
        },
    );
    let instance = w.instance;
    drop(w);

    if spec.resumable {
        let uri = format!(
            "{}/rupload/ig-api-upload/{}/{id}",
            shared.base_url,
            req.version_or_default()
        );
        return Ok(Reply::ok(json!({ "id": id, "uri": uri })));
    }
    if let (Some(url), true) = (spec.video_url.clone(), spec.kind.is_video()) {
        let shared = shared.clone();
        let task_id = id.clone();
        let cap = spec.kind.max_video_bytes();
        tokio::spawn(async move {
            let outcome = fetch_counted(&shared.http, &url, cap).await;
            settle_video(&shared, instance, &task_id, outcome).await;
        });
    }
    Ok(Reply::ok(json!({ "id": id })))
}

/// All of a video container's bytes are here (downloaded, or uploaded by rupload), or
/// they could not be had: check them, fetch the reel cover, and start processing — or
/// put the container in `ERROR`.
pub(super) async fn settle_video(
    shared: &Shared,
    instance: u64,
    id: &str,
    outcome: Result<RawBody, FetchError>,
) {
    let (kind, cover_url) = {
        let w = lock(&shared.instagram);
        match w.containers.get(id).filter(|_| w.instance == instance) {
            Some(c) => (c.kind, c.cover_url.clone()),
            None => return,
        }
    };
    let mut received: Option<RawBody> = None;
    let mut failure: Option<i64> = None;
    match outcome {
        Ok(raw) => {
            if raw.len > kind.max_video_bytes() || !is_mp4_or_mov(&raw.head) {
                failure = Some(2207026);
            }
            received = Some(raw);
        }
        Err(FetchError::TooLarge) => failure = Some(2207026),
        Err(e) => {
            tracing::debug!(
                "sandbox: instagram video {id}: fetch failed: {}",
                e.message()
            );
            failure = Some(2207052);
        }
    }
    let mut cover_bytes = None;
    if let (None, Some(url)) = (failure, cover_url) {
        match fetch(&shared.http, &url, MAX_IMAGE_BYTES).await {
            Ok(b) if image_format(&b) == Some("jpeg") => cover_bytes = Some(b.len() as u64),
            Ok(_) => failure = Some(2207005),
            Err(FetchError::TooLarge) => failure = Some(2207004),
            Err(_) => failure = Some(2207052),
        }
    }
    let now = shared.now();
    let mut w = lock(&shared.instagram);
    if w.instance != instance {
        return;
    }
    let Some(c) = w.containers.get_mut(id) else {
        return;
    };
    if let Some(raw) = received {
        c.bytes = raw.len;
        c.head = raw.head;
    }
    c.cover_bytes = cover_bytes;
    c.transfer = match failure {
        Some(subcode) => Transfer::Failed { subcode },
        None => Transfer::Received {
            real: Instant::now(),
            at: now,
        },
    };
}

/// `GET /{container-id}` (an IG Container, "ShadowIGMediaBuilder" in Graph's errors).
pub(super) fn container_value(
    c: &Container,
    fields: Option<&str>,
    now: jiff::Timestamp,
    processing: VideoProcessing,
) -> GraphResult<Value> {
    let status = c.status(now, processing);
    select(fields, &["id"], "ShadowIGMediaBuilder", &|f| {
        match f {
        "id" => Some(Some(json!(c.id))),
        "status_code" => Some(Some(json!(status.code()))),
        "status" => Some(Some(json!(status.text()))),
        "copyright_check_status" => Some(c.kind.is_video().then(|| {
            let done = matches!(status, Status::Finished | Status::Published);
            json!({"status": if done { "completed" } else { "in_progress" }, "matches_found": false})
        })),
        _ => None,
    }
    })
}
