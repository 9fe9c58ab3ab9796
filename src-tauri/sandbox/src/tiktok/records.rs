//! What tests see of TikTok's world: uploads (with every chunk's `Content-Range`) and
//! publishes (what was asked for and where it stands).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Flow, MediaKind, Publish, Seed, Source, Upload};

/// One `PUT` to a TikTok upload URL.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TikTokChunk {
    /// The `Content-Range` header as sent (`bytes 0-9999999/25000000`; "" when missing).
    pub content_range: String,
    /// Bytes of the body that were counted (0 for refused chunks).
    pub bytes: u64,
    /// The HTTP status answered (206, 201, or the 4xx of a refusal).
    pub status: u16,
    /// Arrival time on the sandbox clock.
    pub at: Timestamp,
}

/// A `FILE_UPLOAD` upload as the sandbox holds it. The bytes are not kept: their count,
/// their CRC-32 and the chunks tell whether the file arrived whole.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TikTokUpload {
    /// The `upload_id` of the `upload_url`.
    pub upload_id: String,
    pub publish_id: String,
    /// The creator's `open_id`.
    pub open_id: String,
    pub upload_url: String,
    /// `source_info` as accepted by the init.
    pub video_size: u64,
    pub chunk_size: u64,
    pub total_chunk_count: u64,
    /// Bytes accepted so far: the next expected offset.
    pub received_bytes: u64,
    /// True once every byte arrived.
    pub complete: bool,
    /// CRC-32 (IEEE, as `crc32fast` and zlib compute it) of the bytes accepted so far (of
    /// the whole file once `complete`).
    pub crc32: u32,
    /// The `Content-Type` of the first accepted chunk.
    pub content_type: Option<String>,
    /// Accepted chunks, in order.
    pub chunks: Vec<TikTokChunk>,
    /// Refused `PUT`s, in order (their `status` says why: 400, 403, 416).
    pub refused: Vec<TikTokChunk>,
    /// When the `upload_url` stops working (1 h after the init, sandbox clock).
    pub expires_at: Timestamp,
}

impl TikTokUpload {
    pub(super) fn of(p: &Publish, u: &Upload) -> TikTokUpload {
        TikTokUpload {
            upload_id: u.upload_id.clone(),
            publish_id: p.publish_id.clone(),
            open_id: p.open_id.clone(),
            upload_url: u.upload_url.clone(),
            video_size: u.video_size,
            chunk_size: u.chunk_size,
            total_chunk_count: u.total_chunk_count,
            received_bytes: u.received,
            complete: u.complete(),
            crc32: u.hasher.clone().finalize(),
            content_type: u.content_type.clone(),
            chunks: u.chunks.clone(),
            refused: u.refused.clone(),
            expires_at: u.expires_at,
        }
    }
}

/// A TikTok publish (one `publish_id`): what the init asked for and where it stands now.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TikTokPublish {
    pub publish_id: String,
    /// The creator's `open_id`.
    pub open_id: String,
    /// `DIRECT_POST` or `INBOX` (video inbox init, photo `MEDIA_UPLOAD`).
    pub flow: String,
    /// `VIDEO` or `PHOTO`.
    pub media_type: String,
    /// `FILE_UPLOAD` or `PULL_FROM_URL`.
    pub source: String,
    /// `status/fetch`'s `status` now.
    pub status: String,
    pub fail_reason: Option<String>,
    /// The post id once live (also for a draft the creator posted from the inbox).
    pub post_id: Option<String>,
    /// What `status/fetch` reports as `publicaly_available_post_id` now.
    pub publicaly_available_post_id: Vec<u64>,
    pub title: Option<String>,
    /// Photos: the `description`.
    pub description: Option<String>,
    pub privacy_level: Option<String>,
    /// As applied: forced on where the creator's settings (or a private account) say so.
    pub disable_comment: bool,
    pub disable_duet: bool,
    pub disable_stitch: bool,
    pub video_cover_timestamp_ms: Option<i64>,
    pub brand_content_toggle: bool,
    pub brand_organic_toggle: bool,
    pub is_aigc: bool,
    pub auto_add_music: Option<bool>,
    /// `PULL_FROM_URL` video.
    pub video_url: Option<String>,
    /// Photos: the URLs, in order.
    pub photo_images: Vec<String>,
    pub photo_cover_index: Option<u64>,
    /// `FILE_UPLOAD`: the upload.
    pub upload_id: Option<String>,
    pub uploaded_bytes: Option<u64>,
    /// `PULL_FROM_URL`: bytes the sandbox downloaded.
    pub downloaded_bytes: Option<u64>,
    /// The init time (sandbox clock).
    pub created_at: Timestamp,
    /// When it went live, reached the inbox or failed (sandbox clock).
    pub finished_at: Option<Timestamp>,
    /// Upload flow: the creator posted the draft.
    pub posted_from_inbox: bool,
}

impl TikTokPublish {
    pub(super) fn of(p: &Publish, now: Timestamp, seed: &Seed) -> TikTokPublish {
        let view = p.view(now, seed);
        let (source, video_url, photo_images, photo_cover_index) = match &p.source {
            Source::FileUpload(_) => ("FILE_UPLOAD", None, Vec::new(), None),
            Source::PullVideo { url } => ("PULL_FROM_URL", Some(url.clone()), Vec::new(), None),
            Source::PullPhotos { urls, cover_index } => {
                ("PULL_FROM_URL", None, urls.clone(), Some(*cover_index))
            }
        };
        TikTokPublish {
            publish_id: p.publish_id.clone(),
            open_id: p.open_id.clone(),
            flow: match p.flow {
                Flow::Direct => "DIRECT_POST",
                Flow::Inbox => "INBOX",
            }
            .into(),
            media_type: match p.media {
                MediaKind::Video => "VIDEO",
                MediaKind::Photo => "PHOTO",
            }
            .into(),
            source: source.into(),
            status: view.status.into(),
            fail_reason: view.fail_reason,
            post_id: p.post_id.map(|id| id.to_string()),
            publicaly_available_post_id: view.public_ids,
            title: p.post.title.clone(),
            description: p.post.description.clone(),
            privacy_level: p.post.privacy_level.clone(),
            disable_comment: p.post.disable_comment,
            disable_duet: p.post.disable_duet,
            disable_stitch: p.post.disable_stitch,
            video_cover_timestamp_ms: p.post.video_cover_timestamp_ms,
            brand_content_toggle: p.post.brand_content_toggle,
            brand_organic_toggle: p.post.brand_organic_toggle,
            is_aigc: p.post.is_aigc,
            auto_add_music: p.post.auto_add_music,
            video_url,
            photo_images,
            photo_cover_index,
            upload_id: p.upload().map(|u| u.upload_id.clone()),
            uploaded_bytes: p.upload().map(|u| u.received),
            downloaded_bytes: (!matches!(p.source, Source::FileUpload(_)))
                .then_some(p.downloaded_bytes),
            created_at: p.created_at,
            finished_at: p.outcome.as_ref().map(|(_, _, at)| *at),
            posted_from_inbox: p.posted_from_inbox,
        }
    }
}
