//! `POST /v2/post/publish/content/init/`: photo posts (§3.7), `DIRECT_POST` or
//! `MEDIA_UPLOAD`, always `PULL_FROM_URL`. The images are really downloaded (JPEG or WebP,
//! ≤ 20 MB each), one after the other, in the background.

use std::sync::Arc;
use std::time::Instant;

use axum::http::HeaderMap;
use serde_json::{json, Value};

use super::errors::{ok, TtError, TtResult};
use super::handlers::json_body;
use super::init::{
    admit, apply_creator, parse_draft_text, parse_post_info, unverified, url_verified, Limits,
};
use super::{Flow, MediaKind, Publish, Source, Transfer};
use crate::fetch::{fetch, FetchError};
use crate::graph::Reply;
use crate::shared::{lock, Shared};

/// Most images in a photo post.
const MAX_IMAGES: usize = 35;
/// Largest image: 20 MB.
const MAX_IMAGE_BYTES: u64 = 20 * 1024 * 1024;

const PHOTO_LIMITS: Limits = Limits {
    max_title: 90,
    max_description: Some(4000),
    brand_required: false,
};

/// JPEG or WebP by the first bytes.
fn is_jpeg_or_webp(b: &[u8]) -> bool {
    b.starts_with(&[0xFF, 0xD8, 0xFF])
        || (b.len() >= 12 && b.starts_with(b"RIFF") && &b[8..12] == b"WEBP")
}

/// `POST /v2/post/publish/content/init/`.
pub(super) fn init(shared: &Arc<Shared>, headers: &HeaderMap, bytes: &[u8]) -> TtResult<Reply> {
    let now = shared.now();
    let seed = &shared.seed;
    let caller = {
        let mut w = lock(&shared.tiktok);
        let caller = w.authenticate(headers, now)?;
        w.rate(
            &caller.token,
            "content_init",
            seed.tiktok_init_per_minute,
            now,
        )?;
        caller
    };
    let body = json_body(bytes)?;
    if body.get("media_type").and_then(Value::as_str) != Some("PHOTO") {
        return Err(TtError::invalid_params("media_type must be PHOTO."));
    }
    let flow = match body.get("post_mode").and_then(Value::as_str) {
        Some("DIRECT_POST") => Flow::Direct,
        Some("MEDIA_UPLOAD") => Flow::Inbox,
        _ => {
            return Err(TtError::invalid_params(
                "post_mode must be DIRECT_POST or MEDIA_UPLOAD.",
            ))
        }
    };
    caller.require(match flow {
        Flow::Direct => "video.publish",
        Flow::Inbox => "video.upload",
    })?;
    let mut post = match flow {
        Flow::Direct => parse_post_info(body.get("post_info"), &PHOTO_LIMITS)?,
        Flow::Inbox => parse_draft_text(body.get("post_info"), &PHOTO_LIMITS)?,
    };
    let source = body
        .get("source_info")
        .and_then(Value::as_object)
        .ok_or_else(|| TtError::invalid_params("source_info is required and must be an object."))?;
    if source.get("source").and_then(Value::as_str) != Some("PULL_FROM_URL") {
        return Err(TtError::invalid_params(
            "source must be PULL_FROM_URL for photos.",
        ));
    }
    let urls: Vec<String> = match source.get("photo_images") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<Vec<String>>>()
            .ok_or_else(|| TtError::invalid_params("photo_images must be a list of URLs."))?,
        _ => return Err(TtError::invalid_params("photo_images is required.")),
    };
    if urls.is_empty() || urls.len() > MAX_IMAGES {
        return Err(TtError::invalid_params(format!(
            "photo_images must hold 1 to {MAX_IMAGES} URLs."
        )));
    }
    let cover_index = source
        .get("photo_cover_index")
        .and_then(Value::as_u64)
        .filter(|i| (*i as usize) < urls.len())
        .ok_or_else(|| {
            TtError::invalid_params(
                "photo_cover_index is required and must be the index of one of photo_images.",
            )
        })?;

    let mut w = lock(&shared.tiktok);
    let creator = admit(&mut w, &caller, flow, seed, now)?;
    if flow == Flow::Direct {
        apply_creator(&mut post, &creator, seed)?;
        // duet and stitch do not exist for photos
        post.disable_duet = false;
        post.disable_stitch = false;
    }
    if let Some(bad) = urls
        .iter()
        .find(|u| !url_verified(u, &seed.tiktok_verified_url_prefixes))
    {
        return Err(unverified(bad));
    }
    let n = w.next_number();
    let publish_id = match flow {
        Flow::Direct => format!("p_pub_url~v2.{n}"),
        Flow::Inbox => format!("p_inbox_url~v2.{n}"),
    };
    if flow == Flow::Direct {
        w.post_log
            .entry(caller.open_id.clone())
            .or_default()
            .push_back(now);
    }
    w.add_publish(Publish {
        publish_id: publish_id.clone(),
        open_id: caller.open_id.clone(),
        flow,
        media: MediaKind::Photo,
        source: Source::PullPhotos {
            urls: urls.clone(),
            cover_index,
        },
        post,
        created_at: now,
        transfer: Transfer::Waiting,
        downloaded_bytes: 0,
        outcome: None,
        post_id: None,
        posted_from_inbox: false,
    });
    let instance = w.instance;
    drop(w);

    let shared = shared.clone();
    let id = publish_id.clone();
    tokio::spawn(async move { pull_photos(&shared, instance, &id, urls).await });
    Ok(ok(json!({ "publish_id": publish_id })))
}

/// Download the images one by one, counting the bytes; the first failure fails the post.
async fn pull_photos(shared: &Shared, instance: u64, publish_id: &str, urls: Vec<String>) {
    let mut failure = None;
    for url in &urls {
        let reason = match fetch(&shared.http, url, MAX_IMAGE_BYTES).await {
            Ok(bytes) if is_jpeg_or_webp(&bytes) => {
                let mut w = lock(&shared.tiktok);
                if w.instance != instance {
                    return;
                }
                match w.publish_mut(publish_id) {
                    Some(p) if p.outcome.is_none() => p.downloaded_bytes += bytes.len() as u64,
                    _ => return,
                }
                continue;
            }
            Ok(_) => "file_format_check_failed",
            Err(FetchError::TooLarge) => "picture_size_check_failed",
            Err(e) => {
                tracing::debug!("sandbox: tiktok {publish_id}: {url}: {}", e.message());
                "photo_pull_failed"
            }
        };
        failure = Some(reason);
        break;
    }
    let now = shared.now();
    let mut w = lock(&shared.tiktok);
    if w.instance != instance {
        return;
    }
    if let Some(p) = w.publish_mut(publish_id) {
        if p.outcome.is_none() {
            p.transfer = match failure {
                Some(reason) => Transfer::Failed(reason.into()),
                None => Transfer::Received {
                    real: Instant::now(),
                    at: now,
                },
            };
        }
    }
}
