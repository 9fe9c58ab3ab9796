//! What the sandbox tells about itself: the journal of requests and what went live.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// One request the sandbox received (control calls under `/_sandbox/` are not journaled).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct JournalEntry {
    /// 1, 2, 3, … in arrival order.
    pub seq: u64,
    pub method: String,
    /// The path prefix naming the real host: `facebook`, `facebook-video`, `rupload`,
    /// `instagram-graph`, `instagram-api`, `tiktok`, `tiktok-upload`, the sign-in pages'
    /// `instagram-www`, `tiktok-www`, `facebook-www`, or `unknown`.
    pub host: String,
    /// The path after the host prefix, as received (version prefix included).
    pub path: String,
    /// The raw query string ("" when none).
    pub query: String,
    /// Arrival time on the sandbox clock.
    pub time: Timestamp,
    /// The HTTP status sent, or `None` when the connection was dropped before a response.
    pub status: Option<u16>,
    /// The fault that was applied to this request, if any: `status`, `delay`, `drop`,
    /// `drop_after_apply`, `drop_mid_body`.
    pub fault: Option<String>,
}

/// Something that actually went live on a platform: the ground truth for "published
/// exactly once". Every create is recorded, duplicates included.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct LivePost {
    /// `facebook`, `instagram` or `tiktok`.
    pub platform: String,
    /// The account the post went live on: the Page id, the IG user id, or the TikTok
    /// creator's `open_id`.
    pub account_id: String,
    /// Facebook: `{page-id}_{post-id}`; Instagram: the 17-digit IG media id; TikTok: the
    /// 19-digit post id (the number `publicaly_available_post_id` reports).
    pub post_id: String,
    /// Facebook: `feed` | `photo` | `album` | `video` | `reel` | `story`;
    /// Instagram: `image` | `carousel` | `reel` | `story`; TikTok: `video` | `photo`.
    pub kind: String,
    pub message: Option<String>,
    pub media_count: u32,
    /// When it went live, on the sandbox clock (the scheduled time for a natively
    /// scheduled post).
    pub published_at: Timestamp,
    /// True when it went live through the platform's own scheduler.
    pub scheduled: bool,
    /// True when it was deleted after going live.
    pub deleted: bool,
    /// Instagram: `FEED` | `REELS` | `STORY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_product_type: Option<String>,
    /// Instagram: `IMAGE` | `VIDEO` | `CAROUSEL_ALBUM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Instagram: the image's `alt_text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_text: Option<String>,
    /// Instagram reels: `share_to_feed` as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_to_feed: Option<bool>,
    /// Instagram: the public link (`https://www.instagram.com/p/<shortcode>/`, …);
    /// TikTok: `https://www.tiktok.com/@<username>/video/<post-id>` (or `/photo/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permalink: Option<String>,
    /// Instagram: the container (`creation_id`) that was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_id: Option<String>,
    /// TikTok: the `publish_id` that went live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_id: Option<String>,
    /// TikTok: the `privacy_level` it was posted with (`None` for a draft the user posted
    /// from the inbox: the user chose in the app).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_level: Option<String>,
    /// TikTok photo posts: the `title` (`message` holds the `description`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// TikTok: true when the creator posted an inbox draft (upload flow); drafts that were
    /// only delivered to the inbox are not live posts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_inbox: Option<bool>,
}

/// An Instagram media container as the sandbox holds it: what was asked for, what the
/// sandbox fetched (or received by rupload) and where it stands. Tests use it to prove
/// the sandbox really downloaded a URL.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct InstagramContainer {
    /// The 17-digit container id (`creation_id`).
    pub id: String,
    /// The IG user id that created it.
    pub account_id: String,
    /// `IMAGE` (no `media_type` sent), `VIDEO` (carousel video item), `REELS`,
    /// `STORIES` or `CAROUSEL`.
    pub media_type: String,
    pub is_carousel_item: bool,
    /// `IN_PROGRESS` | `FINISHED` | `ERROR` | `EXPIRED` | `PUBLISHED`, now.
    pub status_code: String,
    /// The `status` text (`Error: … error code 22070xx` on errors).
    pub status: Option<String>,
    /// The `image_url` / `video_url` (or rupload `file_url`) the bytes came from.
    pub source_url: Option<String>,
    /// Bytes fetched from `source_url` or received by rupload so far.
    pub bytes: u64,
    /// True when the bytes came through `rupload/ig-api-upload`.
    pub by_rupload: bool,
    /// Image dimensions read from the JPEG frame header.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The reel `cover_url` and how many bytes it had, once fetched.
    pub cover_url: Option<String>,
    pub cover_bytes: Option<u64>,
    /// Carousel: the children container ids, in order.
    pub children: Vec<String>,
    pub caption: Option<String>,
    /// Images: `alt_text` as kept (ignored on other kinds).
    pub alt_text: Option<String>,
    /// Reels: `share_to_feed` as sent.
    pub share_to_feed: Option<bool>,
    /// Videos: `thumb_offset` in milliseconds as sent.
    pub thumb_offset: Option<u64>,
    /// `user_tags` as sent (a JSON array).
    pub user_tags: Option<serde_json::Value>,
    /// `collaborators` usernames as sent.
    pub collaborators: Vec<String>,
    /// Creation time on the sandbox clock.
    pub created_at: Timestamp,
    /// The IG media id once published.
    pub media_id: Option<String>,
}
