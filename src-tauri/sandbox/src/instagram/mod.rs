//! Instagram API with Instagram Login (graph.instagram.com): the simulated world (accounts,
//! tokens, media containers, published media, comments) and the Graph and
//! `rupload/ig-api-upload` endpoints that act on it.
//!
//! The container state machine is computed, not swept: a container is `PUBLISHED` once
//! published, `EXPIRED` 24 h (sandbox clock) after its creation, `ERROR` when its media
//! could not be used, `IN_PROGRESS` while its bytes are on their way or a video is being
//! processed, and `FINISHED` otherwise.

mod comments;
mod containers;
mod handlers;
mod media;
mod oauth;
mod probe;
mod publish;
mod rupload;
mod validate;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use crate::graph::{GraphError, GraphResult};
use crate::record::{InstagramContainer, LivePost};
use crate::seed::{Seed, VideoProcessing};

pub(crate) use handlers::handle_graph;
pub(crate) use oauth::{authorize, exchange_code};
pub(crate) use rupload::handle_rupload;

/// Containers expire this long after their creation.
pub(crate) const CONTAINER_LIFETIME: SignedDuration = SignedDuration::from_hours(24);
/// The publishing quota and the container limit roll over this window.
pub(crate) const QUOTA_WINDOW: SignedDuration = SignedDuration::from_hours(24);

/// Tells one `World` from the next (a reset makes a new one): background downloads
/// started before a reset must not write into the new world.
static INSTANCES: AtomicU64 = AtomicU64::new(1);

/// An Instagram professional account and what its token was granted.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub user_id: String,
    pub app_scoped_id: String,
    pub username: String,
    pub name: String,
    pub account_type: String,
    pub permissions: Vec<String>,
    pub resumable_upload: bool,
    pub followers_count: u64,
    pub follows_count: u64,
}

impl Account {
    pub fn has(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p == permission)
    }

    /// `(#10)` unless the token was granted `permission`.
    pub fn require(&self, permission: &str) -> GraphResult<()> {
        if self.has(permission) {
            Ok(())
        } else {
            Err(GraphError::new(
                10,
                format!("(#10) Application does not have permission for this action: it needs the {permission} permission"),
            ))
        }
    }
}

/// A short-lived token (from the code exchange, 1 h) or a long-lived one (~60 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    ShortLived,
    LongLived,
}

/// An Instagram User access token: whose, which kind, and when it was issued and expires
/// (sandbox clock).
#[derive(Debug, Clone)]
pub(crate) struct TokenInfo {
    pub user_id: String,
    pub kind: TokenKind,
    pub issued_at: Timestamp,
    pub expires_at: Option<Timestamp>,
}

/// What a container (and the media published from it) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A single feed image (no `media_type`).
    Image,
    /// A carousel image item (`is_carousel_item=true`).
    CarouselImage,
    /// A carousel video item (`media_type=VIDEO`, `is_carousel_item=true`).
    CarouselVideo,
    /// The carousel itself (`media_type=CAROUSEL`).
    Carousel,
    Reel,
    StoryImage,
    StoryVideo,
}

impl Kind {
    pub fn is_video(self) -> bool {
        matches!(self, Kind::CarouselVideo | Kind::Reel | Kind::StoryVideo)
    }

    pub fn is_image(self) -> bool {
        matches!(self, Kind::Image | Kind::CarouselImage | Kind::StoryImage)
    }

    pub fn is_carousel_item(self) -> bool {
        matches!(self, Kind::CarouselImage | Kind::CarouselVideo)
    }

    pub fn is_story(self) -> bool {
        matches!(self, Kind::StoryImage | Kind::StoryVideo)
    }

    /// The `media_type` the container was created with (`IMAGE` when none was sent).
    pub fn container_type(self) -> &'static str {
        match self {
            Kind::Image | Kind::CarouselImage => "IMAGE",
            Kind::CarouselVideo => "VIDEO",
            Kind::Carousel => "CAROUSEL",
            Kind::Reel => "REELS",
            Kind::StoryImage | Kind::StoryVideo => "STORIES",
        }
    }

    /// The published media's `media_type`.
    pub fn media_type(self) -> &'static str {
        match self {
            Kind::Carousel => "CAROUSEL_ALBUM",
            k if k.is_video() => "VIDEO",
            _ => "IMAGE",
        }
    }

    /// The published media's `media_product_type`.
    pub fn product_type(self) -> &'static str {
        match self {
            Kind::Reel => "REELS",
            Kind::StoryImage | Kind::StoryVideo => "STORY",
            _ => "FEED",
        }
    }

    /// The `LivePost::kind`.
    pub fn live_kind(self) -> &'static str {
        match self {
            Kind::Carousel => "carousel",
            Kind::Reel => "reel",
            Kind::StoryImage | Kind::StoryVideo => "story",
            Kind::CarouselVideo => "video",
            Kind::Image | Kind::CarouselImage => "image",
        }
    }

    /// Largest video file accepted (§1.10: reels 300 MB, story videos 100 MB).
    pub fn max_video_bytes(self) -> u64 {
        match self {
            Kind::StoryVideo => 100 * 1000 * 1000,
            _ => 300 * 1000 * 1000,
        }
    }
}

/// Where a container's bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transfer {
    /// On their way: a `video_url` download in flight, or a resumable upload not complete.
    Waiting,
    /// Here since then (videos are processed for `instagram_video_processing` after that).
    Received { real: Instant, at: Timestamp },
    /// Unusable: the container is `ERROR` with this error subcode.
    Failed { subcode: i64 },
}

/// A container's `status_code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    InProgress,
    Finished,
    Error(i64),
    Expired,
    Published,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::InProgress => "IN_PROGRESS",
            Status::Finished => "FINISHED",
            Status::Error(_) => "ERROR",
            Status::Expired => "EXPIRED",
            Status::Published => "PUBLISHED",
        }
    }

    /// The free-text `status` that goes with the code.
    pub fn text(self) -> String {
        match self {
            Status::InProgress => "In Progress: Media is still being processed.".into(),
            Status::Finished => {
                "Finished: Media has been uploaded and it is ready to be published.".into()
            }
            Status::Error(sub) => format!("Error: Media upload has failed with error code {sub}"),
            Status::Expired => {
                "Expired: Media was not published within 24 hours of its creation.".into()
            }
            Status::Published => "Published: Media has been successfully published.".into(),
        }
    }
}

/// A media container (`POST /{ig-user-id}/media`).
#[derive(Debug, Clone)]
pub(crate) struct Container {
    pub id: String,
    pub owner: String,
    pub kind: Kind,
    pub caption: Option<String>,
    pub alt_text: Option<String>,
    pub share_to_feed: Option<bool>,
    pub thumb_offset: Option<u64>,
    pub cover_url: Option<String>,
    pub cover_bytes: Option<u64>,
    pub user_tags: Option<Value>,
    pub collaborators: Vec<String>,
    pub children: Vec<String>,
    /// `image_url` / `video_url`, or the rupload `file_url`.
    pub source_url: Option<String>,
    /// Created with `upload_type=resumable`: the bytes come through rupload.
    pub resumable: bool,
    /// rupload: the `file_size` announced with the first part.
    pub upload_size: Option<u64>,
    pub bytes: u64,
    pub head: Vec<u8>,
    pub by_rupload: bool,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub created_at: Timestamp,
    pub transfer: Transfer,
    /// The media it became.
    pub media_id: Option<String>,
}

impl Container {
    pub fn status(&self, now: Timestamp, processing: VideoProcessing) -> Status {
        if self.media_id.is_some() {
            return Status::Published;
        }
        if now.duration_since(self.created_at) >= CONTAINER_LIFETIME {
            return Status::Expired;
        }
        match self.transfer {
            Transfer::Failed { subcode } => Status::Error(subcode),
            Transfer::Waiting => Status::InProgress,
            Transfer::Received { real, at } => {
                if !self.kind.is_video() || processed(processing, real, at, now) {
                    Status::Finished
                } else {
                    Status::InProgress
                }
            }
        }
    }

    pub fn snapshot(&self, now: Timestamp, processing: VideoProcessing) -> InstagramContainer {
        let status = self.status(now, processing);
        InstagramContainer {
            id: self.id.clone(),
            account_id: self.owner.clone(),
            media_type: self.kind.container_type().into(),
            is_carousel_item: self.kind.is_carousel_item(),
            status_code: status.code().into(),
            status: Some(status.text()),
            source_url: self.source_url.clone(),
            bytes: self.bytes,
            by_rupload: self.by_rupload,
            width: self.width,
            height: self.height,
            cover_url: self.cover_url.clone(),
            cover_bytes: self.cover_bytes,
            children: self.children.clone(),
            caption: self.caption.clone(),
            alt_text: self.alt_text.clone(),
            share_to_feed: self.share_to_feed,
            thumb_offset: self.thumb_offset,
            user_tags: self.user_tags.clone(),
            collaborators: self.collaborators.clone(),
            created_at: self.created_at,
            media_id: self.media_id.clone(),
        }
    }
}

/// Has a video whose bytes arrived at `real` / `at` been processed by `now`?
fn processed(processing: VideoProcessing, real: Instant, at: Timestamp, now: Timestamp) -> bool {
    match processing {
        VideoProcessing::RealTime(d) => real.elapsed() >= d,
        VideoProcessing::SandboxClock(d) => {
            now.duration_since(at) >= SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX)
        }
    }
}

/// Published media (an IG Media node).
#[derive(Debug, Clone)]
pub(crate) struct Media {
    pub id: String,
    pub owner: String,
    pub kind: Kind,
    pub caption: Option<String>,
    pub alt_text: Option<String>,
    pub share_to_feed: Option<bool>,
    /// Carousel: the children's media ids.
    pub children: Vec<String>,
    /// A carousel child: the album's media id.
    pub parent: Option<String>,
    pub timestamp: Timestamp,
    pub shortcode: String,
    pub comment_enabled: bool,
}

impl Media {
    /// The public link (none for carousel children).
    pub fn permalink(&self, username: &str) -> Option<String> {
        if self.parent.is_some() {
            return None;
        }
        Some(match self.kind {
            Kind::Reel => format!("https://www.instagram.com/reel/{}/", self.shortcode),
            Kind::StoryImage | Kind::StoryVideo => {
                format!("https://www.instagram.com/stories/{username}/{}/", self.id)
            }
            _ => format!("https://www.instagram.com/p/{}/", self.shortcode),
        })
    }
}

/// A comment (or a reply: `parent_id` set) on published media.
#[derive(Debug, Clone)]
pub(crate) struct Comment {
    pub id: String,
    pub media_id: String,
    pub parent_id: Option<String>,
    pub text: String,
    pub user_id: String,
    pub username: String,
    pub timestamp: Timestamp,
    pub hidden: bool,
    pub deleted: bool,
}

/// Calls counted against an account's budget, and what that means for this call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Usage {
    pub percent: u64,
    pub limited: bool,
    pub regain_minutes: i64,
}

pub(crate) struct World {
    /// See [`INSTANCES`].
    pub instance: u64,
    next_id: u64,
    pub accounts: BTreeMap<String, Account>,
    pub tokens: HashMap<String, TokenInfo>,
    /// Authorization codes from the authorize page, waiting for their exchange.
    pub codes: HashMap<String, oauth::Code>,
    /// By id; ids have 17 digits and grow, so this is creation order.
    pub containers: BTreeMap<String, Container>,
    pub media: BTreeMap<String, Media>,
    pub comments: BTreeMap<String, Comment>,
    pub live: Vec<LivePost>,
    /// Per account: when each counted post was published.
    pub publish_log: HashMap<String, VecDeque<Timestamp>>,
    /// Per account: when each container was created.
    pub container_log: HashMap<String, VecDeque<Timestamp>>,
    calls: HashMap<String, VecDeque<Timestamp>>,
}

impl World {
    pub fn new(seed: &Seed, now: Timestamp) -> World {
        let mut w = World {
            instance: INSTANCES.fetch_add(1, Ordering::Relaxed),
            next_id: 17_880_000_000_000_000,
            accounts: BTreeMap::new(),
            tokens: HashMap::new(),
            codes: HashMap::new(),
            containers: BTreeMap::new(),
            media: BTreeMap::new(),
            comments: BTreeMap::new(),
            live: Vec::new(),
            publish_log: HashMap::new(),
            container_log: HashMap::new(),
            calls: HashMap::new(),
        };
        for a in &seed.instagram_accounts {
            let expires_at = a.token_expires_in.map(|s| {
                now.saturating_add(SignedDuration::from_secs(s))
                    .unwrap_or(now)
            });
            // A seeded token was issued when a long-lived token with its expiry would have
            // been (a token expiring 60 days from the start was issued at the start).
            let issued_at = expires_at
                .and_then(|e| e.checked_sub(oauth::LONG_LIVED).ok())
                .map_or(now, |t| t.min(now));
            w.tokens.insert(
                a.token.clone(),
                TokenInfo {
                    user_id: a.user_id.clone(),
                    kind: TokenKind::LongLived,
                    issued_at,
                    expires_at,
                },
            );
            w.accounts.insert(
                a.user_id.clone(),
                Account {
                    user_id: a.user_id.clone(),
                    app_scoped_id: a.app_scoped_id.clone(),
                    username: a.username.clone(),
                    name: a.name.clone(),
                    account_type: a.account_type.clone(),
                    permissions: a.permissions.clone(),
                    resumable_upload: a.resumable_upload,
                    followers_count: a.followers_count,
                    follows_count: a.follows_count,
                },
            );
            if a.quota_usage > 0 {
                w.publish_log.insert(
                    a.user_id.clone(),
                    std::iter::repeat_n(now, a.quota_usage as usize).collect(),
                );
            }
        }
        w
    }

    /// A new 17-digit id (containers, media and comments share the space).
    pub fn new_id(&mut self) -> String {
        self.next_id += 1 + (self.next_id % 7) * 13;
        self.next_id.to_string()
    }

    /// Check a token: missing/unknown → 190/467, expired → 190/463.
    pub fn authenticate(&self, token: Option<&str>, now: Timestamp) -> GraphResult<String> {
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return Err(GraphError::new(
                190,
                "An access token is required to request this resource.",
            )
            .sub(467));
        };
        let Some(info) = self.tokens.get(token) else {
            return Err(GraphError::new(
                190,
                "Invalid OAuth access token - Cannot parse access token",
            )
            .sub(467));
        };
        if let Some(exp) = info.expires_at {
            if exp <= now {
                return Err(crate::facebook::expired_error(exp, now));
            }
        }
        Ok(info.user_id.clone())
    }

    /// The account `id` names when it is the caller's own (IG user id or app-scoped id).
    pub fn own_account(&self, caller: &str, id: &str) -> Option<&Account> {
        self.accounts
            .get(caller)
            .filter(|a| a.user_id == id || a.app_scoped_id == id)
    }

    /// Count one call against the account's rolling budget.
    pub fn count_call(&mut self, user_id: &str, now: Timestamp, seed: &Seed) -> Usage {
        let window =
            SignedDuration::try_from(seed.instagram_rate_window).unwrap_or(SignedDuration::MAX);
        let limit = seed.instagram_call_limit.max(1) as usize;
        let calls = self.calls.entry(user_id.to_string()).or_default();
        while calls
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            calls.pop_front();
        }
        let limited = calls.len() >= limit;
        calls.push_back(now);
        // Calls keep counting while throttled (as Meta warns), within reason.
        while calls.len() > limit * 2 + 16 {
            calls.pop_front();
        }
        let percent = (calls.len() as u64 * 100 / limit as u64).min(100);
        let regain_minutes = if limited {
            let excess = calls.len().saturating_sub(limit);
            calls
                .get(excess)
                .map(|t| {
                    let left = window.saturating_sub(now.duration_since(*t));
                    (left.as_secs() + 59) / 60
                })
                .unwrap_or(1)
                .max(1)
        } else {
            0
        };
        Usage {
            percent,
            limited,
            regain_minutes,
        }
    }

    /// Entries of a rolling log still inside the 24 h window (older ones are dropped).
    pub fn in_window(
        log: &mut HashMap<String, VecDeque<Timestamp>>,
        user_id: &str,
        now: Timestamp,
    ) -> usize {
        let entries = log.entry(user_id.to_string()).or_default();
        while entries
            .front()
            .is_some_and(|t| now.duration_since(*t) >= QUOTA_WINDOW)
        {
            entries.pop_front();
        }
        entries.len()
    }

    /// The account's containers and the media published from them, by id.
    pub fn snapshots(
        &self,
        now: Timestamp,
        processing: VideoProcessing,
    ) -> Vec<InstagramContainer> {
        self.containers
            .values()
            .map(|c| c.snapshot(now, processing))
            .collect()
    }

    /// The username of an account ("" when unknown).
    pub fn username(&self, user_id: &str) -> String {
        self.accounts
            .get(user_id)
            .map(|a| a.username.clone())
            .unwrap_or_default()
    }
}

/// A shortcode for a media id: 11 characters of Instagram's URL-safe alphabet.
pub(crate) fn shortcode(media_id: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut n: u64 = media_id.parse().unwrap_or(0);
    // spread neighbouring ids apart (a bijective mix), then write 11 base-64 digits
    n = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (n >> 29);
    let mut out = [b'A'; 11];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(n & 63) as usize];
        n >>= 6;
    }
    // Instagram shortcodes start with a letter
    if !out[0].is_ascii_alphabetic() {
        out[0] = b'C';
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcodes_are_stable_and_distinct() {
        let a = shortcode("17880000000000001");
        assert_eq!(a.len(), 11);
        assert_eq!(a, shortcode("17880000000000001"));
        assert_ne!(a, shortcode("17880000000000002"));
        assert!(a.chars().next().is_some_and(|c| c.is_ascii_alphabetic()));
    }

    #[test]
    fn ids_have_17_digits_and_grow() {
        let mut w = World::new(&Seed::default(), Timestamp::now());
        let a = w.new_id();
        let b = w.new_id();
        assert_eq!(a.len(), 17);
        assert!(b > a);
    }
}
