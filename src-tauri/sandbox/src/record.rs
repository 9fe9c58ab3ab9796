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
    /// `instagram-graph`, `instagram-api`, `tiktok`, or `unknown`.
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
    /// `drop_after_apply`.
    pub fault: Option<String>,
}

/// Something that actually went live on a platform: the ground truth for "published
/// exactly once". Every create is recorded, duplicates included.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LivePost {
    /// `facebook` (later `instagram`, `tiktok`).
    pub platform: String,
    /// The Page id (the account the post went live on).
    pub account_id: String,
    /// `{page-id}_{post-id}`.
    pub post_id: String,
    /// `feed` | `photo` | `album` | `video` | `reel` | `story`.
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
}
