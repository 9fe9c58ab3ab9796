//! TikTok (www.tiktok.com's authorize page, open.tiktokapis.com and its upload host):
//! Login Kit v2 OAuth (authorize, token, refresh, revoke), user info, the Content Posting
//! API (creator info, Direct Post and inbox video init, photo init, chunked `PUT` uploads,
//! status, cancel) and the Display API's `video/list` / `video/query`, as written down in
//! `shared/platforms/tiktok-api.md`.
//!
//! The world holds creators, grants and their tokens, and publishes. A publish's status is
//! computed from where its bytes are (`PROCESSING_UPLOAD` / `PROCESSING_DOWNLOAD`); once
//! they are all in and `tiktok_processing` has passed, [`World::sweep`] settles it for good
//! (`PUBLISH_COMPLETE` + one [`LivePost`], `SEND_TO_USER_INBOX`, or `FAILED`), so a post
//! goes live exactly once whoever looks first. Video bytes are never kept: an upload keeps
//! its byte count, a running CRC-32 and the first bytes (to recognise the format).

mod authorize;
mod control;
mod creator;
mod display;
mod errors;
mod handlers;
mod init;
mod oauth;
mod photo;
mod records;
mod status;
mod upload;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::http::{header, HeaderMap};
use jiff::{SignedDuration, Timestamp};

use crate::record::LivePost;
use crate::seed::{Seed, TikTokCreatorSeed, VideoProcessing};

pub(crate) use authorize::authorize;
pub(crate) use control::{
    control, deauthorize, issue_code, post_from_inbox, publishes, set_fail_reason, uploads,
};
pub(crate) use errors::internal_error_body;
use errors::{TtError, TtResult};
pub(crate) use handlers::{handle_api, handle_upload};
pub use records::{TikTokChunk, TikTokPublish, TikTokUpload};

/// The rate limits' sliding window.
const RATE_WINDOW: SignedDuration = SignedDuration::from_secs(60);
/// The daily caps' rolling window.
const DAY: SignedDuration = SignedDuration::from_hours(24);
/// An `upload_url` is valid this long after the init (§3.3).
pub(crate) const UPLOAD_URL_LIFETIME: SignedDuration = SignedDuration::from_hours(1);
/// How long an authorization code can be exchanged (UNCONFIRMED: "minutes"). Past it, or
/// once used, the token endpoint answers `invalid_grant`.
pub(crate) const CODE_LIFETIME: SignedDuration = SignedDuration::from_mins(10);
/// The creators an unaudited app may have posting per 24 h (§5).
const UNAUDITED_CREATOR_CAP: u32 = 5;

/// Tells one `World` from the next (a reset makes a new one): downloads and uploads
/// started before a reset must not write into the new world.
static INSTANCES: AtomicU64 = AtomicU64::new(1);

/// One authorization of the app by a creator; its tokens point at it.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub open_id: String,
    pub scopes: Vec<String>,
    pub revoked: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Access {
    pub grant: u64,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone)]
pub(crate) struct Refresh {
    pub grant: u64,
    pub expires_at: Timestamp,
}

/// An authorization code waiting to be exchanged.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    pub open_id: String,
    pub scopes: Vec<String>,
    pub redirect_uri: String,
    /// Lowercase hex SHA-256 of the verifier (§1.2), when PKCE was used.
    pub code_challenge: Option<String>,
    pub expires_at: Timestamp,
    pub used: bool,
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub token: String,
    pub open_id: String,
    pub scopes: Vec<String>,
}

impl Caller {
    pub fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// 401 `scope_not_authorized` unless the grant has `scope`.
    pub fn require(&self, scope: &str) -> TtResult<()> {
        if self.has(scope) {
            Ok(())
        } else {
            Err(TtError::scope_not_authorized(scope))
        }
    }
}

/// Direct Post, or upload to the creator's inbox (a draft).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Direct,
    Inbox,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MediaKind {
    Video,
    Photo,
}

/// `post_info` as accepted (duet/stitch/comment already forced off where the creator's
/// settings say so).
#[derive(Debug, Clone, Default)]
pub(crate) struct PostInfo {
    pub title: Option<String>,
    pub description: Option<String>,
    pub privacy_level: Option<String>,
    pub disable_comment: bool,
    pub disable_duet: bool,
    pub disable_stitch: bool,
    pub video_cover_timestamp_ms: Option<i64>,
    pub brand_content_toggle: bool,
    pub brand_organic_toggle: bool,
    pub is_aigc: bool,
    pub auto_add_music: Option<bool>,
}

/// A `FILE_UPLOAD` upload: its plan and what arrived. The bytes themselves are not kept.
#[derive(Debug, Clone)]
pub(crate) struct Upload {
    pub upload_id: String,
    pub upload_token: String,
    pub upload_url: String,
    pub video_size: u64,
    pub chunk_size: u64,
    pub total_chunk_count: u64,
    pub expires_at: Timestamp,
    /// The next expected offset.
    pub received: u64,
    /// CRC-32 of the bytes received so far.
    pub hasher: crc32fast::Hasher,
    /// The file's first bytes.
    pub head: Vec<u8>,
    pub content_type: Option<String>,
    pub chunks: Vec<TikTokChunk>,
    pub refused: Vec<TikTokChunk>,
    /// A chunk is streaming in right now.
    pub in_flight: bool,
}

impl Upload {
    pub fn complete(&self) -> bool {
        self.received >= self.video_size
    }

    /// The chunk starting at `offset`: its index and its expected length.
    pub fn chunk_at(&self, offset: u64) -> (u64, u64) {
        let index = (offset / self.chunk_size.max(1)).min(self.total_chunk_count.saturating_sub(1));
        let len = if index + 1 >= self.total_chunk_count {
            self.video_size.saturating_sub(offset)
        } else {
            self.chunk_size
        };
        (index, len)
    }
}

/// Where a publish's media comes from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    FileUpload(Box<Upload>),
    PullVideo { url: String },
    PullPhotos { urls: Vec<String>, cover_index: u64 },
}

/// Where a publish's bytes are.
#[derive(Debug, Clone)]
pub(crate) enum Transfer {
    /// Uploading or downloading.
    Waiting,
    /// All here since then; processing takes `tiktok_processing` from there.
    Received { real: Instant, at: Timestamp },
    /// Unusable: the publish fails with this `fail_reason`.
    Failed(String),
}

/// How a publish ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Direct Post: live.
    Complete,
    /// Upload flow: delivered to the creator's inbox.
    Inbox,
    Failed(String),
}

/// A post in the making: one `publish_id`.
#[derive(Debug, Clone)]
pub(crate) struct Publish {
    pub publish_id: String,
    pub open_id: String,
    pub flow: Flow,
    pub media: MediaKind,
    pub source: Source,
    pub post: PostInfo,
    pub created_at: Timestamp,
    pub transfer: Transfer,
    /// `PULL_FROM_URL`: bytes downloaded so far.
    pub downloaded_bytes: u64,
    /// How it ended, when (wall clock, for moderation) and when (sandbox clock).
    pub outcome: Option<(Outcome, Instant, Timestamp)>,
    /// The post id once live.
    pub post_id: Option<u64>,
    /// Upload flow: the creator posted the draft from the inbox.
    pub posted_from_inbox: bool,
}

/// A publish's status as `status/fetch` reports it.
#[derive(Debug, Clone)]
pub(crate) struct StatusView {
    pub status: &'static str,
    pub fail_reason: Option<String>,
    pub public_ids: Vec<u64>,
}

/// Has `d` passed since `real` / `at`?
pub(crate) fn elapsed(d: VideoProcessing, real: Instant, at: Timestamp, now: Timestamp) -> bool {
    match d {
        VideoProcessing::RealTime(d) => real.elapsed() >= d,
        VideoProcessing::SandboxClock(d) => {
            now.duration_since(at) >= SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX)
        }
    }
}

fn plus(t: Timestamp, d: SignedDuration) -> Timestamp {
    t.saturating_add(d).unwrap_or(t)
}

fn std_to_signed(d: std::time::Duration) -> SignedDuration {
    SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX)
}

impl Publish {
    pub fn is_public(&self) -> bool {
        self.flow == Flow::Direct
            && self.post.privacy_level.as_deref() == Some("PUBLIC_TO_EVERYONE")
    }

    /// Public, live and past moderation (whatever `tiktok_fill_public_post_id` says).
    pub fn publicly_available(&self, now: Timestamp, seed: &Seed) -> bool {
        match &self.outcome {
            Some((Outcome::Complete, real, at)) => {
                self.is_public() && elapsed(seed.tiktok_moderation, *real, *at, now)
            }
            _ => false,
        }
    }

    pub fn view(&self, now: Timestamp, seed: &Seed) -> StatusView {
        let (status, fail_reason) = match &self.outcome {
            Some((Outcome::Complete, _, _)) => ("PUBLISH_COMPLETE", None),
            Some((Outcome::Inbox, _, _)) if self.posted_from_inbox => ("PUBLISH_COMPLETE", None),
            Some((Outcome::Inbox, _, _)) => ("SEND_TO_USER_INBOX", None),
            Some((Outcome::Failed(r), _, _)) => ("FAILED", Some(r.clone())),
            None => match self.source {
                Source::FileUpload(_) => ("PROCESSING_UPLOAD", None),
                _ => ("PROCESSING_DOWNLOAD", None),
            },
        };
        let public_ids = match self.post_id {
            Some(id) if seed.tiktok_fill_public_post_id && self.publicly_available(now, seed) => {
                vec![id]
            }
            _ => Vec::new(),
        };
        StatusView {
            status,
            fail_reason,
            public_ids,
        }
    }

    pub fn upload(&self) -> Option<&Upload> {
        match &self.source {
            Source::FileUpload(u) => Some(u),
            _ => None,
        }
    }

    pub fn upload_mut(&mut self) -> Option<&mut Upload> {
        match &mut self.source {
            Source::FileUpload(u) => Some(u),
            _ => None,
        }
    }

    /// The `LivePost::kind`.
    fn live_kind(&self) -> &'static str {
        match self.media {
            MediaKind::Video => "video",
            MediaKind::Photo => "photo",
        }
    }
}

pub(crate) struct World {
    /// See [`INSTANCES`].
    pub instance: u64,
    next: u64,
    next_grant: u64,
    pub creators: BTreeMap<String, TikTokCreatorSeed>,
    pub grants: HashMap<u64, Grant>,
    pub access: HashMap<String, Access>,
    pub refresh: HashMap<String, Refresh>,
    pub codes: HashMap<String, Code>,
    /// In creation order.
    pub publishes: Vec<Publish>,
    pub by_publish_id: HashMap<String, usize>,
    pub by_upload_id: HashMap<String, usize>,
    /// Publishes not settled yet.
    unsettled: BTreeSet<usize>,
    pub live: Vec<LivePost>,
    /// Per creator: when each Direct Post was started (the daily cap).
    pub post_log: HashMap<String, VecDeque<Timestamp>>,
    calls: HashMap<(String, &'static str), VecDeque<Timestamp>>,
    /// Every post fails with this `fail_reason` when set.
    pub fail_reason: Option<String>,
}

impl World {
    pub fn new(seed: &Seed, now: Timestamp) -> World {
        let mut w = World {
            instance: INSTANCES.fetch_add(1, Ordering::Relaxed),
            next: 7_340_000_000_000_000_000,
            next_grant: 1,
            creators: BTreeMap::new(),
            grants: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            codes: HashMap::new(),
            publishes: Vec::new(),
            by_publish_id: HashMap::new(),
            by_upload_id: HashMap::new(),
            unsettled: BTreeSet::new(),
            live: Vec::new(),
            post_log: HashMap::new(),
            calls: HashMap::new(),
            fail_reason: seed.tiktok_fail_reason.clone(),
        };
        for c in &seed.tiktok_creators {
            w.creators.insert(c.open_id.clone(), c.clone());
            let grant = w.new_grant(&c.open_id, c.scopes.clone());
            w.access.insert(
                c.access_token.clone(),
                Access {
                    grant,
                    expires_at: plus(now, SignedDuration::from_secs(c.access_token_expires_in)),
                },
            );
            w.refresh.insert(
                c.refresh_token.clone(),
                Refresh {
                    grant,
                    expires_at: plus(now, std_to_signed(seed.tiktok_refresh_token_lifetime)),
                },
            );
            if c.posts_today > 0 {
                w.post_log.insert(
                    c.open_id.clone(),
                    std::iter::repeat_n(now, c.posts_today as usize).collect(),
                );
            }
        }
        w
    }

    /// A new 19-digit number (publish ids, upload ids, post ids share the space).
    pub fn next_number(&mut self) -> u64 {
        self.next += 1 + (self.next % 7) * 131;
        self.next
    }

    pub fn new_grant(&mut self, open_id: &str, scopes: Vec<String>) -> u64 {
        let id = self.next_grant;
        self.next_grant += 1;
        self.grants.insert(
            id,
            Grant {
                open_id: open_id.to_string(),
                scopes,
                revoked: false,
            },
        );
        id
    }

    /// `Authorization: Bearer act.…` → the caller; 401 `access_token_invalid` when the
    /// token is missing, unknown, expired (sandbox clock) or revoked.
    pub fn authenticate(&self, headers: &HeaderMap, now: Timestamp) -> TtResult<Caller> {
        let token = bearer(headers).ok_or_else(TtError::token_invalid)?;
        let access = self.access.get(&token).ok_or_else(TtError::token_invalid)?;
        if access.expires_at <= now {
            return Err(TtError::token_invalid());
        }
        let grant = self
            .grants
            .get(&access.grant)
            .filter(|g| !g.revoked && self.creators.contains_key(&g.open_id))
            .ok_or_else(TtError::token_invalid)?;
        Ok(Caller {
            token,
            open_id: grant.open_id.clone(),
            scopes: grant.scopes.clone(),
        })
    }

    /// Count a call against `key`'s sliding one-minute window for `class`; 429
    /// `rate_limit_exceeded` past `limit` (refused calls are not counted).
    pub fn rate(
        &mut self,
        key: &str,
        class: &'static str,
        limit: u32,
        now: Timestamp,
    ) -> TtResult<()> {
        let calls = self.calls.entry((key.to_string(), class)).or_default();
        while calls
            .front()
            .is_some_and(|t| now.duration_since(*t) >= RATE_WINDOW)
        {
            calls.pop_front();
        }
        if calls.len() >= limit.max(1) as usize {
            return Err(TtError::rate_limited());
        }
        calls.push_back(now);
        Ok(())
    }

    /// Direct Posts the creator started in the last 24 h.
    pub fn posts_in_window(&mut self, open_id: &str, now: Timestamp) -> usize {
        let log = self.post_log.entry(open_id.to_string()).or_default();
        while log.front().is_some_and(|t| now.duration_since(*t) >= DAY) {
            log.pop_front();
        }
        log.len()
    }

    /// Drafts delivered (or on their way) to the creator's inbox in the last 24 h and not
    /// posted yet.
    pub fn pending_shares(&self, open_id: &str, now: Timestamp) -> usize {
        self.publishes
            .iter()
            .filter(|p| {
                p.open_id == open_id
                    && p.flow == Flow::Inbox
                    && now.duration_since(p.created_at) < DAY
                    && !p.posted_from_inbox
                    && !matches!(p.outcome, Some((Outcome::Failed(_), _, _)))
            })
            .count()
    }

    /// Whether the creator may post now: `Err((code, message))` with the code
    /// `creator_info/query` answers with HTTP 200 and the init endpoints with 403.
    /// `direct` also checks the daily Direct Post cap.
    pub fn can_post(
        &mut self,
        open_id: &str,
        now: Timestamp,
        seed: &Seed,
        direct: bool,
    ) -> Result<(), (&'static str, String)> {
        if self
            .creators
            .get(open_id)
            .is_some_and(|c| c.banned_from_posting)
        {
            return Err((
                "spam_risk_user_banned_from_posting",
                "The user is banned from making new posts.".into(),
            ));
        }
        let cap = match (seed.tiktok_active_creator_cap, seed.tiktok_audited) {
            (Some(c), true) => Some(c),
            (Some(c), false) => Some(c.min(UNAUDITED_CREATOR_CAP)),
            (None, true) => None,
            (None, false) => Some(UNAUDITED_CREATOR_CAP),
        };
        if let Some(cap) = cap {
            let mut active: BTreeSet<&str> = self
                .publishes
                .iter()
                .filter(|p| now.duration_since(p.created_at) < DAY)
                .map(|p| p.open_id.as_str())
                .collect();
            for (id, log) in &self.post_log {
                if log.iter().any(|t| now.duration_since(*t) < DAY) {
                    active.insert(id.as_str());
                }
            }
            if !active.contains(open_id) && active.len() >= cap as usize {
                return Err((
                    "reached_active_user_cap",
                    format!("The app reached its cap of {cap} creators posting in 24 hours. Try again later."),
                ));
            }
        }
        if direct && self.posts_in_window(open_id, now) >= seed.tiktok_daily_post_cap as usize {
            return Err((
                "spam_risk_too_many_posts",
                format!(
                    "The user reached the daily limit of {} posts made through the API. Try again tomorrow.",
                    seed.tiktok_daily_post_cap
                ),
            ));
        }
        Ok(())
    }

    /// Add a publish; its index.
    pub fn add_publish(&mut self, p: Publish) -> usize {
        let i = self.publishes.len();
        self.by_publish_id.insert(p.publish_id.clone(), i);
        if let Some(u) = p.upload() {
            self.by_upload_id.insert(u.upload_id.clone(), i);
        }
        self.publishes.push(p);
        self.unsettled.insert(i);
        i
    }

    pub fn publish_mut(&mut self, publish_id: &str) -> Option<&mut Publish> {
        let i = *self.by_publish_id.get(publish_id)?;
        self.publishes.get_mut(i)
    }

    /// Settle publishes whose bytes are in and processed (or that cannot finish).
    pub fn sweep(&mut self, now: Timestamp, seed: &Seed) {
        let pending: Vec<usize> = self.unsettled.iter().copied().collect();
        for i in pending {
            if self.settle(i, now, seed) {
                self.unsettled.remove(&i);
            }
        }
    }

    /// Settle one publish if it is due; true when it is settled (now or before).
    fn settle(&mut self, i: usize, now: Timestamp, seed: &Seed) -> bool {
        let Some(p) = self.publishes.get(i) else {
            return true;
        };
        if p.outcome.is_some() {
            return true;
        }
        let (outcome, at) = match &p.transfer {
            Transfer::Failed(reason) => (Outcome::Failed(reason.clone()), now),
            Transfer::Waiting => match p.upload() {
                // the upload URL died before the last chunk (UNCONFIRMED: TikTok's code)
                Some(u) if !u.in_flight && now >= u.expires_at => {
                    (Outcome::Failed("internal".into()), u.expires_at.min(now))
                }
                _ => return false,
            },
            Transfer::Received { real, at } => {
                if !elapsed(seed.tiktok_processing, *real, *at, now) {
                    return false;
                }
                let done = match seed.tiktok_processing {
                    VideoProcessing::RealTime(d) | VideoProcessing::SandboxClock(d) => {
                        plus(*at, std_to_signed(d)).min(now)
                    }
                };
                let outcome = match (&self.fail_reason, p.flow) {
                    (Some(reason), _) => Outcome::Failed(reason.clone()),
                    (None, Flow::Direct) => Outcome::Complete,
                    (None, Flow::Inbox) => Outcome::Inbox,
                };
                (outcome, done)
            }
        };
        let live = outcome == Outcome::Complete;
        if let Some(p) = self.publishes.get_mut(i) {
            p.outcome = Some((outcome, Instant::now(), at));
        }
        if live {
            self.go_live(i, at, false);
        }
        true
    }

    /// Fail a publish that has not ended yet.
    pub fn fail(&mut self, i: usize, reason: &str, now: Timestamp) {
        if let Some(p) = self.publishes.get_mut(i) {
            if p.outcome.is_none() {
                p.outcome = Some((Outcome::Failed(reason.to_string()), Instant::now(), now));
                self.unsettled.remove(&i);
            }
        }
    }

    /// The post goes live: a post id and the ground-truth [`LivePost`].
    pub fn go_live(&mut self, i: usize, at: Timestamp, from_inbox: bool) {
        let post_id = self.next_number();
        let Some(p) = self.publishes.get_mut(i) else {
            return;
        };
        if p.post_id.is_some() {
            return;
        }
        p.post_id = Some(post_id);
        let p = p.clone();
        let username = self
            .creators
            .get(&p.open_id)
            .map(|c| c.username.clone())
            .unwrap_or_default();
        let kind = p.live_kind();
        let (message, title, media_count) = match (&p.source, p.media) {
            (Source::PullPhotos { urls, .. }, _) => (
                p.post.description.clone(),
                p.post.title.clone(),
                urls.len() as u32,
            ),
            _ => (p.post.title.clone(), None, 1),
        };
        self.live.push(LivePost {
            platform: "tiktok".into(),
            account_id: p.open_id.clone(),
            post_id: post_id.to_string(),
            kind: kind.into(),
            message,
            media_count,
            published_at: at,
            scheduled: false,
            deleted: false,
            permalink: Some(format!(
                "https://www.tiktok.com/@{username}/{kind}/{post_id}"
            )),
            publish_id: Some(p.publish_id.clone()),
            privacy_level: if from_inbox {
                None
            } else {
                p.post.privacy_level.clone()
            },
            title,
            from_inbox: from_inbox.then_some(true),
            ..LivePost::default()
        });
    }

    /// The creator removed the app (or the app revoked its access): every token of theirs
    /// stops working and their unfinished publishes fail with `auth_removed`.
    pub fn remove_authorization(&mut self, open_id: &str, now: Timestamp) {
        let grants: Vec<u64> = self
            .grants
            .iter_mut()
            .filter(|(_, g)| g.open_id == open_id)
            .map(|(id, g)| {
                g.revoked = true;
                *id
            })
            .collect();
        self.access.retain(|_, a| !grants.contains(&a.grant));
        self.refresh.retain(|_, r| !grants.contains(&r.grant));
        let pending: Vec<usize> = self
            .publishes
            .iter()
            .enumerate()
            .filter(|(_, p)| p.open_id == open_id && p.outcome.is_none())
            .map(|(i, _)| i)
            .collect();
        for i in pending {
            self.fail(i, "auth_removed", now);
        }
    }

    /// A creator by `open_id` or `username`.
    pub fn find_creator(&self, who: &str) -> Option<&TikTokCreatorSeed> {
        self.creators
            .get(who)
            .or_else(|| self.creators.values().find(|c| c.username == who))
    }
}

/// The bearer token of `Authorization` (TikTok takes no `access_token` parameter).
pub(crate) fn bearer(headers: &HeaderMap) -> Option<String> {
    let auth = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = auth.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_string())
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// An MP4/MOV (`ftyp`, `moov`, … box first) or a WebM (EBML magic).
pub(crate) fn looks_like_video(head: &[u8]) -> bool {
    let mp4 = head.len() >= 8
        && matches!(
            &head[4..8],
            b"ftyp" | b"moov" | b"wide" | b"free" | b"skip" | b"mdat"
        );
    mp4 || head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_19_digits_and_exceed_2_pow_53() {
        let mut w = World::new(&Seed::default(), Timestamp::now());
        let a = w.next_number();
        let b = w.next_number();
        assert_eq!(a.to_string().len(), 19);
        assert!(b > a);
        assert!(a > (1u64 << 53));
        assert!(i64::try_from(b).is_ok());
    }

    #[test]
    fn bearer_tokens() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert(header::AUTHORIZATION, "Bearer act.x".parse().unwrap());
        assert_eq!(bearer(&h).as_deref(), Some("act.x"));
        h.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(bearer(&h), None);
    }

    #[test]
    fn recognises_videos() {
        assert!(looks_like_video(b"\0\0\0\x20ftypisom"));
        assert!(looks_like_video(&[0x1A, 0x45, 0xDF, 0xA3, 1]));
        assert!(!looks_like_video(b"\xFF\xD8\xFF\xE0\0\0\0\0"));
    }
}
