//! `POST /v2/post/publish/video/init/` (Direct Post, §3.3) and
//! `POST /v2/post/publish/inbox/video/init/` (upload to the inbox, §3.6): `post_info` and
//! `source_info` checks (the chunk rules of §3.4 included), the creator's options, the
//! unaudited rules and caps, then the `upload_url` or the `PULL_FROM_URL` download.

use std::sync::Arc;
use std::time::Instant;

use axum::http::HeaderMap;
use jiff::Timestamp;
use serde_json::{json, Map, Value};

use super::errors::{ok, random_chars, TtError, TtResult, ALNUM};
use super::handlers::json_body;
use super::{
    looks_like_video, Caller, Flow, MediaKind, PostInfo, Publish, Source, Transfer, Upload, World,
    UPLOAD_URL_LIFETIME,
};
use crate::fetch::{fetch_counted, FetchError};
use crate::graph::Reply;
use crate::request::RawBody;
use crate::seed::{Seed, TikTokCreatorSeed};
use crate::shared::{lock, Shared};

/// Smallest non-final chunk: 5 MiB, the larger reading of the docs' "5 MB" (§3.4).
pub(super) const MIN_CHUNK: u64 = 5 * 1024 * 1024;
/// Largest chunk, and largest whole-file upload: 64,000,000 bytes, the smaller reading of
/// "64 MB" (§3.4: "single chunk iff size ≤ 64,000,000" is the safe choice).
pub(super) const MAX_CHUNK: u64 = 64_000_000;
/// Largest final chunk (it absorbs the remainder).
pub(super) const MAX_FINAL_CHUNK: u64 = 128_000_000;
/// Largest video: 4 GB (§4).
pub(super) const MAX_VIDEO: u64 = 4 * 1024 * 1024 * 1024;
/// Most chunks.
pub(super) const MAX_CHUNKS: u64 = 1000;
/// Longest video title, in UTF-16 code units.
const MAX_VIDEO_TITLE: usize = 2200;

pub(super) const CHUNK_SIZE_INVALID: &str = "The chunk size is invalid";
pub(super) const CHUNK_COUNT_INVALID: &str = "The total chunk count is invalid";
pub(super) const VIDEO_SIZE_INVALID: &str = "The video size is invalid";

/// The privacy levels TikTok knows.
const PRIVACY_LEVELS: &[&str] = &[
    "PUBLIC_TO_EVERYONE",
    "MUTUAL_FOLLOW_FRIENDS",
    "FOLLOWER_OF_CREATOR",
    "SELF_ONLY",
];

/// Check `video_size` / `chunk_size` / `total_chunk_count` against §3.4:
/// `total_chunk_count = floor(video_size / chunk_size)`; every chunk 5 MiB–64 MB except the
/// final one, which absorbs the remainder (≤ 128 MB); videos under 5 MiB go whole
/// (`chunk_size == video_size`), videos over 64 MB must be chunked; 1–1000 chunks.
pub(super) fn check_chunks(size: i64, chunk: i64, count: i64) -> Result<(), &'static str> {
    if size <= 0 || size as u64 > MAX_VIDEO {
        return Err(VIDEO_SIZE_INVALID);
    }
    if chunk <= 0 {
        return Err(CHUNK_SIZE_INVALID);
    }
    if count <= 0 {
        return Err(CHUNK_COUNT_INVALID);
    }
    let (s, c, n) = (size as u64, chunk as u64, count as u64);
    if c > s {
        return Err(CHUNK_SIZE_INVALID);
    }
    if c == s {
        // the whole file in one chunk
        if s > MAX_CHUNK {
            return Err(CHUNK_SIZE_INVALID);
        }
        if n != 1 {
            return Err(CHUNK_COUNT_INVALID);
        }
        return Ok(());
    }
    if s < MIN_CHUNK || !(MIN_CHUNK..=MAX_CHUNK).contains(&c) {
        return Err(CHUNK_SIZE_INVALID);
    }
    if n != s / c || n > MAX_CHUNKS {
        return Err(CHUNK_COUNT_INVALID);
    }
    // one chunk that is not the whole file
    if n == 1 {
        return Err(CHUNK_SIZE_INVALID);
    }
    let last = s - c * (n - 1);
    if !(MIN_CHUNK..=MAX_FINAL_CHUNK).contains(&last) {
        return Err(CHUNK_SIZE_INVALID);
    }
    Ok(())
}

/// Text length as TikTok counts it: UTF-16 code units (an emoji is 2).
pub(super) fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

fn opt_bool(obj: &Map<String, Value>, name: &str) -> TtResult<Option<bool>> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(TtError::invalid_params(format!(
            "{name} must be a boolean."
        ))),
    }
}

fn opt_string(obj: &Map<String, Value>, name: &str) -> TtResult<Option<String>> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(TtError::invalid_params(format!("{name} must be a string."))),
    }
}

fn int(obj: &Map<String, Value>, name: &str) -> TtResult<i64> {
    obj.get(name).and_then(Value::as_i64).ok_or_else(|| {
        TtError::invalid_params(format!("{name} is required and must be an integer."))
    })
}

/// `post_info` limits that differ between videos and photos.
pub(super) struct Limits {
    pub max_title: usize,
    /// `None` = no `description` field (videos).
    pub max_description: Option<usize>,
    /// `brand_content_toggle` must be sent.
    pub brand_required: bool,
}

pub(super) const VIDEO_LIMITS: Limits = Limits {
    max_title: MAX_VIDEO_TITLE,
    max_description: None,
    brand_required: true,
};

/// Check a text field's length in UTF-16 units.
fn check_len(name: &str, text: &Option<String>, max: usize) -> TtResult<()> {
    if let Some(t) = text {
        let n = utf16_len(t);
        if n > max {
            return Err(TtError::invalid_params(format!(
                "The {name} is too long: {n} UTF-16 code units, at most {max}."
            )));
        }
    }
    Ok(())
}

/// Only the caption of an upload-flow `post_info` (TikTok drops the other settings there,
/// §3.6), length-checked.
pub(super) fn parse_draft_text(v: Option<&Value>, limits: &Limits) -> TtResult<PostInfo> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(PostInfo::default());
    };
    let obj = v
        .as_object()
        .ok_or_else(|| TtError::invalid_params("post_info must be an object."))?;
    let title = opt_string(obj, "title")?;
    check_len("title", &title, limits.max_title)?;
    let description = match limits.max_description {
        Some(max) => {
            let d = opt_string(obj, "description")?;
            check_len("description", &d, max)?;
            d
        }
        None => None,
    };
    Ok(PostInfo {
        title,
        description,
        ..PostInfo::default()
    })
}

/// A Direct Post `post_info`, checked on its own (the creator's options come later).
pub(super) fn parse_post_info(v: Option<&Value>, limits: &Limits) -> TtResult<PostInfo> {
    let obj = v
        .and_then(Value::as_object)
        .ok_or_else(|| TtError::invalid_params("post_info is required and must be an object."))?;
    let mut info = parse_draft_text(v, limits)?;
    let privacy = opt_string(obj, "privacy_level")?
        .ok_or_else(|| TtError::invalid_params("privacy_level is required."))?;
    if !PRIVACY_LEVELS.contains(&privacy.as_str()) {
        return Err(TtError::invalid_params(format!(
            "privacy_level must be one of {}.",
            PRIVACY_LEVELS.join(", ")
        )));
    }
    let brand_content = opt_bool(obj, "brand_content_toggle")?;
    if limits.brand_required && brand_content.is_none() {
        return Err(TtError::invalid_params("brand_content_toggle is required."));
    }
    let brand_content = brand_content.unwrap_or(false);
    if brand_content && privacy == "SELF_ONLY" {
        return Err(TtError::invalid_params(
            "Branded content visibility cannot be set to private.",
        ));
    }
    info.privacy_level = Some(privacy);
    info.brand_content_toggle = brand_content;
    info.brand_organic_toggle = opt_bool(obj, "brand_organic_toggle")?.unwrap_or(false);
    info.disable_comment = opt_bool(obj, "disable_comment")?.unwrap_or(false);
    if limits.max_description.is_none() {
        info.disable_duet = opt_bool(obj, "disable_duet")?.unwrap_or(false);
        info.disable_stitch = opt_bool(obj, "disable_stitch")?.unwrap_or(false);
        info.is_aigc = opt_bool(obj, "is_aigc")?.unwrap_or(false);
        // missing or invalid → the first frame (§3.3)
        info.video_cover_timestamp_ms = obj
            .get("video_cover_timestamp_ms")
            .and_then(Value::as_i64)
            .filter(|ms| (0..=i64::from(i32::MAX)).contains(ms));
    } else {
        info.auto_add_music = opt_bool(obj, "auto_add_music")?;
    }
    Ok(info)
}

/// The creator's side of a Direct Post: the privacy level must be one of their options,
/// an unaudited app may only post `SELF_ONLY` to private accounts; settings the creator
/// turned off are forced off.
pub(super) fn apply_creator(
    info: &mut PostInfo,
    creator: &TikTokCreatorSeed,
    seed: &Seed,
) -> TtResult<()> {
    let privacy = info.privacy_level.clone().unwrap_or_default();
    if !creator.privacy_level_options.contains(&privacy) {
        return Err(TtError::forbidden(
            "privacy_level_option_mismatch",
            format!(
                "privacy_level {privacy} is not one of the creator's options ({}); query creator_info again.",
                creator.privacy_level_options.join(", ")
            ),
        ));
    }
    if !seed.tiktok_audited && (privacy != "SELF_ONLY" || !creator.private_account) {
        return Err(TtError::forbidden(
            "unaudited_client_can_only_post_to_private_accounts",
            "Unaudited clients can only post with SELF_ONLY privacy to private accounts.",
        ));
    }
    info.disable_comment |= creator.comment_disabled;
    info.disable_duet |= creator.duet_disabled || creator.private_account;
    info.disable_stitch |= creator.stitch_disabled || creator.private_account;
    Ok(())
}

/// Is `url` under one of the app's verified URL properties (a domain with its
/// subdomains, or a URL prefix)? The sandbox also takes `http://` there: local test
/// servers have no TLS.
pub(super) fn url_verified(url: &str, properties: &[String]) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return false;
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return false;
    }
    let host = parsed.host_str().unwrap_or("").to_ascii_lowercase();
    properties.iter().any(|p| {
        if p.contains("://") {
            url.starts_with(p.as_str())
        } else {
            let domain = p.trim_matches('.').to_ascii_lowercase();
            !domain.is_empty() && (host == domain || host.ends_with(&format!(".{domain}")))
        }
    })
}

pub(super) fn unverified(url: &str) -> TtError {
    TtError::forbidden(
        "url_ownership_unverified",
        format!("The URL {url} is not under a domain or URL prefix verified for this app."),
    )
}

/// `source_info` of a video.
enum VideoSource {
    File { size: u64, chunk: u64, count: u64 },
    Pull { url: String },
}

fn parse_video_source(v: Option<&Value>) -> TtResult<VideoSource> {
    let obj = v
        .and_then(Value::as_object)
        .ok_or_else(|| TtError::invalid_params("source_info is required and must be an object."))?;
    match obj.get("source").and_then(Value::as_str) {
        Some("FILE_UPLOAD") => {
            let size = int(obj, "video_size")?;
            let chunk = int(obj, "chunk_size")?;
            let count = int(obj, "total_chunk_count")?;
            check_chunks(size, chunk, count).map_err(TtError::invalid_params)?;
            Ok(VideoSource::File {
                size: size as u64,
                chunk: chunk as u64,
                count: count as u64,
            })
        }
        Some("PULL_FROM_URL") => {
            let url = opt_string(obj, "video_url")?
                .ok_or_else(|| TtError::invalid_params("video_url is required."))?;
            match reqwest::Url::parse(&url) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(VideoSource::Pull { url }),
                _ => Err(TtError::invalid_params("video_url is not a valid URL.")),
            }
        }
        _ => Err(TtError::invalid_params(
            "source must be FILE_UPLOAD or PULL_FROM_URL.",
        )),
    }
}

/// Checks that need the world and apply to every init: the creator exists, may post,
/// and (upload flow) has room for another pending draft.
pub(super) fn admit(
    w: &mut World,
    caller: &Caller,
    flow: Flow,
    seed: &Seed,
    now: Timestamp,
) -> TtResult<TikTokCreatorSeed> {
    let creator = w
        .creators
        .get(&caller.open_id)
        .cloned()
        .ok_or_else(TtError::token_invalid)?;
    w.can_post(&caller.open_id, now, seed, flow == Flow::Direct)
        .map_err(|(code, message)| TtError::forbidden(code, message))?;
    if flow == Flow::Inbox
        && w.pending_shares(&caller.open_id, now) >= seed.tiktok_pending_share_cap as usize
    {
        return Err(TtError::forbidden(
            "spam_risk_too_many_pending_share",
            format!(
                "The user has {} pending shares in their inbox from the last 24 hours; they must post or delete some first.",
                seed.tiktok_pending_share_cap
            ),
        ));
    }
    Ok(creator)
}

/// `POST /v2/post/publish/video/init/` or `/inbox/video/init/`.
pub(super) fn video(
    shared: &Arc<Shared>,
    headers: &HeaderMap,
    bytes: &[u8],
    flow: Flow,
) -> TtResult<Reply> {
    let now = shared.now();
    let seed = &shared.seed;
    let (class, scope) = match flow {
        Flow::Direct => ("video_init", "video.publish"),
        Flow::Inbox => ("inbox_video_init", "video.upload"),
    };
    let caller = {
        let mut w = lock(&shared.tiktok);
        let caller = w.authenticate(headers, now)?;
        w.rate(&caller.token, class, seed.tiktok_init_per_minute, now)?;
        caller
    };
    caller.require(scope)?;
    let body = json_body(bytes)?;
    let mut post = match flow {
        Flow::Direct => parse_post_info(body.get("post_info"), &VIDEO_LIMITS)?,
        Flow::Inbox => parse_draft_text(body.get("post_info"), &VIDEO_LIMITS)?,
    };
    let source = parse_video_source(body.get("source_info"))?;

    let mut w = lock(&shared.tiktok);
    let creator = admit(&mut w, &caller, flow, seed, now)?;
    if flow == Flow::Direct {
        apply_creator(&mut post, &creator, seed)?;
    }
    if let VideoSource::Pull { url } = &source {
        if !url_verified(url, &seed.tiktok_verified_url_prefixes) {
            return Err(unverified(url));
        }
    }
    let n = w.next_number();
    let (publish_id, source, upload_url, pull_url) = match source {
        VideoSource::File { size, chunk, count } => {
            let upload_id = w.next_number().to_string();
            let upload_token = random_chars(32, ALNUM);
            let upload_url = format!(
                "{}/tiktok-upload/video/?upload_id={upload_id}&upload_token={upload_token}",
                shared.base_url
            );
            let publish_id = match flow {
                Flow::Direct => format!("v_pub_file~v2-1.{n}"),
                Flow::Inbox => format!("v_inbox_file~v2.{n}"),
            };
            let upload = Upload {
                upload_id,
                upload_token,
                upload_url: upload_url.clone(),
                video_size: size,
                chunk_size: chunk,
                total_chunk_count: count,
                expires_at: now.saturating_add(UPLOAD_URL_LIFETIME).unwrap_or(now),
                received: 0,
                hasher: crc32fast::Hasher::new(),
                head: Vec::new(),
                content_type: None,
                chunks: Vec::new(),
                refused: Vec::new(),
                in_flight: false,
            };
            (
                publish_id,
                Source::FileUpload(Box::new(upload)),
                Some(upload_url),
                None,
            )
        }
        VideoSource::Pull { url } => {
            let publish_id = match flow {
                Flow::Direct => format!("v_pub_url~v2-1.{n}"),
                Flow::Inbox => format!("v_inbox_url~v2.{n}"),
            };
            (
                publish_id,
                Source::PullVideo { url: url.clone() },
                None,
                Some(url),
            )
        }
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
        media: MediaKind::Video,
        source,
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

    if let Some(url) = pull_url {
        let shared = shared.clone();
        let id = publish_id.clone();
        tokio::spawn(async move {
            let outcome = fetch_counted(&shared.http, &url, MAX_VIDEO).await;
            settle_pulled_video(&shared, instance, &id, outcome);
        });
    }
    let mut data = json!({ "publish_id": publish_id });
    if let Some(url) = upload_url {
        data["upload_url"] = json!(url);
    }
    Ok(ok(data))
}

/// A `PULL_FROM_URL` video download ended.
fn settle_pulled_video(
    shared: &Shared,
    instance: u64,
    publish_id: &str,
    outcome: Result<RawBody, FetchError>,
) {
    let now = shared.now();
    let mut w = lock(&shared.tiktok);
    if w.instance != instance {
        return;
    }
    let Some(p) = w.publish_mut(publish_id) else {
        return;
    };
    if p.outcome.is_some() {
        // cancelled, or the authorization was removed meanwhile
        return;
    }
    p.transfer = match outcome {
        Ok(raw) => {
            p.downloaded_bytes = raw.len;
            if looks_like_video(&raw.head) {
                Transfer::Received {
                    real: Instant::now(),
                    at: now,
                }
            } else {
                Transfer::Failed("file_format_check_failed".into())
            }
        }
        Err(FetchError::TooLarge) => Transfer::Failed("file_format_check_failed".into()),
        Err(e) => {
            tracing::debug!("sandbox: tiktok {publish_id}: pull failed: {}", e.message());
            Transfer::Failed("video_pull_failed".into())
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_rules() {
        // whole files
        assert_eq!(check_chunks(3_000_000, 3_000_000, 1), Ok(()));
        assert_eq!(check_chunks(4_194_304, 4_194_304, 1), Ok(()));
        assert_eq!(check_chunks(64_000_000, 64_000_000, 1), Ok(()));
        assert_eq!(
            check_chunks(3_000_000, 1_000_000, 3),
            Err(CHUNK_SIZE_INVALID)
        );
        assert_eq!(
            check_chunks(3_000_000, 3_000_000, 2),
            Err(CHUNK_COUNT_INVALID)
        );
        assert_eq!(
            check_chunks(3_000_000, 4_000_000, 1),
            Err(CHUNK_SIZE_INVALID)
        );
        assert_eq!(
            check_chunks(64_000_001, 64_000_001, 1),
            Err(CHUNK_SIZE_INVALID)
        );
        // the worked example: 5 chunks, the 5th absorbs 123 bytes
        assert_eq!(check_chunks(50_000_123, 10_000_000, 5), Ok(()));
        // naive ceil
        assert_eq!(
            check_chunks(50_000_123, 10_000_000, 6),
            Err(CHUNK_COUNT_INVALID)
        );
        // 70 MB: 64 + 6 is a ceil count; one 64 MB "chunk" is not the whole file
        assert_eq!(
            check_chunks(70_000_000, 64_000_000, 2),
            Err(CHUNK_COUNT_INVALID)
        );
        assert_eq!(
            check_chunks(70_000_000, 64_000_000, 1),
            Err(CHUNK_SIZE_INVALID)
        );
        assert_eq!(check_chunks(70_000_000, 10_000_000, 7), Ok(()));
        assert_eq!(check_chunks(70_000_000, 35_000_000, 2), Ok(()));
        // 300 MB
        assert_eq!(check_chunks(300_000_000, 10_000_000, 30), Ok(()));
        assert_eq!(check_chunks(300_000_000, 64_000_000, 4), Ok(()));
        assert_eq!(
            check_chunks(300_000_000, 4_000_000, 75),
            Err(CHUNK_SIZE_INVALID)
        );
        assert_eq!(
            check_chunks(300_000_000, 67_108_864, 4),
            Err(CHUNK_SIZE_INVALID)
        );
        // bounds
        assert_eq!(check_chunks(0, 1, 1), Err(VIDEO_SIZE_INVALID));
        assert_eq!(
            check_chunks(5_000_000_000, 10_000_000, 500),
            Err(VIDEO_SIZE_INVALID)
        );
        assert_eq!(check_chunks(10_000_000, 0, 1), Err(CHUNK_SIZE_INVALID));
        assert_eq!(
            check_chunks(10_000_000, 10_000_000, 0),
            Err(CHUNK_COUNT_INVALID)
        );
        // 4 GiB in 10 MB chunks: 429 of them
        assert_eq!(check_chunks(MAX_VIDEO as i64, 10_000_000, 429), Ok(()));
    }

    #[test]
    fn titles_count_utf16_units() {
        assert_eq!(utf16_len("abc"), 3);
        assert_eq!(utf16_len("😀"), 2);
        assert_eq!(utf16_len("é"), 1);
    }

    #[test]
    fn verified_urls() {
        let props = vec![
            "127.0.0.1".to_string(),
            "https://cdn.example.com/media/".to_string(),
        ];
        assert!(url_verified("http://127.0.0.1:8080/a.mp4", &props));
        assert!(url_verified("https://cdn.example.com/media/a.jpg", &props));
        assert!(!url_verified("https://cdn.example.com/other/a.jpg", &props));
        assert!(!url_verified("http://localhost:8080/a.mp4", &props));
        assert!(!url_verified("ftp://127.0.0.1/a.mp4", &props));
        let domains = vec!["example.com".to_string()];
        assert!(url_verified("https://img.example.com/a.jpg", &domains));
        assert!(!url_verified("https://badexample.com/a.jpg", &domains));
    }
}
