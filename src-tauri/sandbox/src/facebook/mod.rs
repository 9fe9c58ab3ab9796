//! Facebook Pages: the simulated world (users, Pages, tokens, posts, photos, videos) and
//! the Graph, graph-video and rupload endpoints that act on it.

mod handlers;
mod nodes;
mod publish;
mod video;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::time::Instant;

use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value};

use crate::graph::{GraphError, GraphResult};
use crate::record::LivePost;
use crate::seed::{Seed, VideoProcessing};

pub(crate) use handlers::{handle_graph, handle_rupload, is_version, GraphReq};
pub(crate) use nodes::oauth_dialog;

/// Who a token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Principal {
    User(String),
    Page { page_id: String, user_id: String },
    App,
}

#[derive(Debug, Clone)]
pub(crate) struct TokenInfo {
    pub principal: Principal,
    pub issued_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    /// Set when the user removed the app (`DELETE /me/permissions`): 190/458.
    pub revoked: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub id: String,
    pub name: String,
    pub token: String,
    pub permissions: Vec<String>,
    pub pages: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub id: String,
    pub name: String,
    pub category: String,
    pub tasks: Vec<String>,
    pub token: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PostKind {
    Feed,
    Photo,
    Album,
    Video,
    Reel,
    Story,
}

impl PostKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::Feed => "feed",
            PostKind::Photo => "photo",
            PostKind::Album => "album",
            PostKind::Video => "video",
            PostKind::Reel => "reel",
            PostKind::Story => "story",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Post {
    pub id: String,
    pub page_id: String,
    pub seq: u64,
    pub kind: PostKind,
    pub message: Option<String>,
    pub link: Option<String>,
    pub created_time: Timestamp,
    pub updated_time: Timestamp,
    pub published: bool,
    pub scheduled_publish_time: Option<Timestamp>,
    pub published_time: Option<Timestamp>,
    /// Photo ids (photo, album, photo story).
    pub media: Vec<String>,
    pub video_id: Option<String>,
    pub deleted: bool,
    pub live_index: Option<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct Photo {
    pub id: String,
    pub page_id: String,
    pub created_time: Timestamp,
    pub caption: Option<String>,
    pub published: bool,
    pub format: &'static str,
    /// The post this photo made (published photo) or was attached to (album, story).
    pub post_id: Option<String>,
    pub deleted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VideoProduct {
    Video,
    Reel,
    Story,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Intent {
    /// Not finished yet (reel/story before `finish`, legacy upload before `finish`).
    Pending,
    Published,
    Scheduled(Timestamp),
    Draft,
    Unpublished,
}

#[derive(Debug, Clone)]
pub(crate) struct Video {
    pub id: String,
    pub page_id: String,
    pub product: VideoProduct,
    pub title: Option<String>,
    pub description: Option<String>,
    pub created_time: Timestamp,
    pub file_size: Option<u64>,
    pub received: u64,
    pub head: Vec<u8>,
    pub finished_real: Option<Instant>,
    pub finished_at: Option<Timestamp>,
    pub intent: Intent,
    pub post_id: Option<String>,
    pub legacy_session: Option<String>,
    pub deleted: bool,
}

impl Video {
    pub fn upload_complete(&self) -> bool {
        self.received > 0 && self.file_size.is_none_or(|s| self.received >= s)
    }

    /// MP4/MOV (`ftyp` box), Matroska/WebM, AVI, or MPEG-TS/PS leading bytes.
    pub fn looks_like_video(&self) -> bool {
        let h = &self.head;
        (h.len() >= 8 && &h[4..8] == b"ftyp")
            || h.starts_with(&[0x1A, 0x45, 0xDF, 0xA3])
            || (h.len() >= 12 && h.starts_with(b"RIFF") && &h[8..12] == b"AVI ")
            || h.starts_with(&[0x00, 0x00, 0x01, 0xBA])
            || h.first() == Some(&0x47)
    }

    pub fn processed(&self, now: Timestamp, processing: VideoProcessing) -> bool {
        match processing {
            VideoProcessing::RealTime(d) => self.finished_real.is_some_and(|t| t.elapsed() >= d),
            VideoProcessing::SandboxClock(d) => self.finished_at.is_some_and(|t| {
                now.duration_since(t) >= SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX)
            }),
        }
    }
}

/// A Resumable Upload API session (`upload:<id>`).
#[derive(Debug, Clone)]
pub(crate) struct UploadSession {
    pub id: String,
    pub file_length: u64,
    pub received: u64,
    pub head: Vec<u8>,
    pub handle: String,
}

/// Calls counted against a Page's budget, and what that means for this call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Usage {
    pub percent: u64,
    pub limited: bool,
    pub regain_minutes: i64,
}

pub(crate) struct World {
    next_id: u64,
    next_seq: u64,
    pub app_id: String,
    pub app_secret: String,
    pub users: BTreeMap<String, User>,
    pub pages: BTreeMap<String, Page>,
    pub tokens: HashMap<String, TokenInfo>,
    pub posts: HashMap<String, Post>,
    pub photos: HashMap<String, Photo>,
    pub videos: HashMap<String, Video>,
    pub uploads: HashMap<String, UploadSession>,
    pub live: Vec<LivePost>,
    /// Scheduled posts by due time (entries may be stale: checked against the post).
    due: BTreeSet<(Timestamp, u64, String)>,
    /// Videos finished with a publish intent and still without their post.
    processing: Vec<String>,
    calls: HashMap<String, VecDeque<Timestamp>>,
    pub last_publish: HashMap<String, Timestamp>,
    pub reel_log: HashMap<String, Vec<Timestamp>>,
    /// OAuth codes from the sandbox's login dialog: code → (user id, redirect_uri, expiry).
    pub oauth_codes: HashMap<String, (String, String, Timestamp)>,
}

impl World {
    pub fn new(seed: &Seed, now: Timestamp) -> World {
        let mut w = World {
            next_id: 1_000_000_000_000_000,
            next_seq: 0,
            app_id: seed.facebook_app_id.clone(),
            app_secret: seed.facebook_app_secret.clone(),
            users: BTreeMap::new(),
            pages: BTreeMap::new(),
            tokens: HashMap::new(),
            posts: HashMap::new(),
            photos: HashMap::new(),
            videos: HashMap::new(),
            uploads: HashMap::new(),
            live: Vec::new(),
            due: BTreeSet::new(),
            processing: Vec::new(),
            calls: HashMap::new(),
            last_publish: HashMap::new(),
            reel_log: HashMap::new(),
            oauth_codes: HashMap::new(),
        };
        for u in &seed.facebook_users {
            let expires_at = u.token_expires_in.map(|s| {
                now.saturating_add(SignedDuration::from_secs(s))
                    .unwrap_or(now)
            });
            w.tokens.insert(
                u.token.clone(),
                TokenInfo {
                    principal: Principal::User(u.id.clone()),
                    issued_at: now
                        .saturating_sub(SignedDuration::from_hours(1))
                        .unwrap_or(now),
                    expires_at,
                    revoked: false,
                },
            );
            for p in &u.pages {
                w.tokens.insert(
                    p.token.clone(),
                    TokenInfo {
                        principal: Principal::Page {
                            page_id: p.id.clone(),
                            user_id: u.id.clone(),
                        },
                        issued_at: now
                            .saturating_sub(SignedDuration::from_hours(1))
                            .unwrap_or(now),
                        expires_at: None,
                        revoked: false,
                    },
                );
                w.pages.insert(
                    p.id.clone(),
                    Page {
                        id: p.id.clone(),
                        name: p.name.clone(),
                        category: p.category.clone(),
                        tasks: p.tasks.clone(),
                        token: p.token.clone(),
                    },
                );
            }
            w.users.insert(
                u.id.clone(),
                User {
                    id: u.id.clone(),
                    name: u.name.clone(),
                    token: u.token.clone(),
                    permissions: u.permissions.clone(),
                    pages: u.pages.iter().map(|p| p.id.clone()).collect(),
                },
            );
        }
        w
    }

    pub fn new_id(&mut self) -> String {
        self.next_id += 1 + (self.next_id % 7) * 13;
        self.next_id.to_string()
    }

    fn new_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    // ---- tokens ------------------------------------------------------------------------

    /// Check a token: missing/unknown → 190/467, expired → 190/463, app removed → 190/458.
    pub fn authenticate(&self, token: Option<&str>, now: Timestamp) -> GraphResult<Principal> {
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return Err(GraphError::new(
                190,
                "An access token is required to request this resource.",
            )
            .sub(467));
        };
        if let Some((app, secret)) = token.split_once('|') {
            if app == self.app_id && secret == self.app_secret {
                return Ok(Principal::App);
            }
        }
        let Some(info) = self.tokens.get(token) else {
            return Err(GraphError::new(
                190,
                "Invalid OAuth access token - Cannot parse access token",
            )
            .sub(467));
        };
        if info.revoked {
            return Err(GraphError::new(
                190,
                "Error validating access token: The user has not authorized application.",
            )
            .sub(458));
        }
        if let Some(exp) = info.expires_at {
            if exp <= now {
                return Err(expired_error(exp, now));
            }
        }
        Ok(info.principal.clone())
    }

    /// The user behind a principal.
    pub fn user_of(&self, p: &Principal) -> Option<&User> {
        match p {
            Principal::User(u) | Principal::Page { user_id: u, .. } => self.users.get(u),
            Principal::App => None,
        }
    }

    /// May this principal read the Page's objects?
    pub fn can_read(&self, p: &Principal, page_id: &str) -> bool {
        match p {
            Principal::Page { page_id: own, .. } => own == page_id,
            Principal::User(u) => self
                .users
                .get(u)
                .is_some_and(|u| u.pages.iter().any(|x| x == page_id)),
            Principal::App => false,
        }
    }

    /// Publishing needs the Page's own token, and the user behind it must have granted
    /// `pages_manage_posts` and `pages_read_engagement` (else `(#200)`).
    pub fn require_publisher(&self, p: &Principal, page_id: &str) -> GraphResult<()> {
        let ok = match p {
            Principal::Page { page_id: own, .. } => {
                own == page_id
                    && self.user_of(p).is_some_and(|u| {
                        u.permissions.iter().any(|x| x == "pages_manage_posts")
                            && u.permissions.iter().any(|x| x == "pages_read_engagement")
                    })
            }
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(GraphError::new(
                200,
                "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission",
            ))
        }
    }

    /// The Page owning an object id (a Page, post, photo or video).
    pub fn owner_page(&self, id: &str) -> Option<String> {
        if self.pages.contains_key(id) {
            return Some(id.to_string());
        }
        if let Some(p) = self.posts.get(id) {
            return Some(p.page_id.clone());
        }
        if let Some(p) = self.photos.get(id) {
            return Some(p.page_id.clone());
        }
        self.videos.get(id).map(|v| v.page_id.clone())
    }

    // ---- rate limits -------------------------------------------------------------------

    /// Count one call against the Page's rolling budget.
    pub fn count_call(&mut self, page_id: &str, now: Timestamp, seed: &Seed) -> Usage {
        let window = SignedDuration::try_from(seed.rate_window).unwrap_or(SignedDuration::MAX);
        let limit = seed.page_call_limit.max(1) as usize;
        let calls = self.calls.entry(page_id.to_string()).or_default();
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
            // the time until the call count is below the limit again
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

    // ---- posts and going live ----------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    pub fn create_post(
        &mut self,
        page_id: &str,
        kind: PostKind,
        message: Option<String>,
        link: Option<String>,
        media: Vec<String>,
        video_id: Option<String>,
        now: Timestamp,
    ) -> String {
        let id = format!("{page_id}_{}", self.new_id());
        let seq = self.new_seq();
        self.posts.insert(
            id.clone(),
            Post {
                id: id.clone(),
                page_id: page_id.to_string(),
                seq,
                kind,
                message,
                link,
                created_time: now,
                updated_time: now,
                published: false,
                scheduled_publish_time: None,
                published_time: None,
                media,
                video_id,
                deleted: false,
                live_index: None,
            },
        );
        id
    }

    /// Make a post live: the one place where `live()` grows.
    pub fn go_live(&mut self, post_id: &str, at: Timestamp, scheduled: bool) {
        let index = self.live.len();
        let Some(post) = self.posts.get_mut(post_id) else {
            return;
        };
        if post.published || post.deleted {
            return;
        }
        post.published = true;
        post.published_time = Some(at);
        post.live_index = Some(index);
        let media_count = match post.kind {
            PostKind::Video | PostKind::Reel => 1,
            PostKind::Story if post.video_id.is_some() => 1,
            _ => post.media.len() as u32,
        };
        self.live.push(LivePost {
            platform: "facebook".into(),
            account_id: post.page_id.clone(),
            post_id: post.id.clone(),
            kind: post.kind.as_str().into(),
            message: post.message.clone(),
            media_count,
            published_at: at,
            scheduled,
            deleted: false,
            ..LivePost::default()
        });
    }

    pub fn delete_post(&mut self, post_id: &str) {
        if let Some(post) = self.posts.get_mut(post_id) {
            post.deleted = true;
            if let Some(i) = post.live_index {
                if let Some(l) = self.live.get_mut(i) {
                    l.deleted = true;
                }
            }
        }
    }

    /// Give a not-yet-published post its `scheduled_publish_time`.
    pub fn schedule(&mut self, post_id: &str, at: Timestamp) {
        if let Some(p) = self.posts.get_mut(post_id) {
            p.scheduled_publish_time = Some(at);
            self.due.insert((at, p.seq, post_id.to_string()));
        }
    }

    /// A video was finished with a publish intent: watch it until it is processed.
    pub fn watch_video(&mut self, video_id: &str) {
        self.processing.push(video_id.to_string());
    }

    /// Scheduled posts whose time came go live; processed videos get their post.
    pub fn sweep(&mut self, now: Timestamp, seed: &Seed) {
        let mut ready = Vec::new();
        let videos = &self.videos;
        self.processing.retain(|id| {
            let Some(v) = videos.get(id) else {
                return false;
            };
            if v.deleted || v.post_id.is_some() {
                return false;
            }
            if !v.processed(now, seed.video_processing) {
                return true;
            }
            if v.looks_like_video() && matches!(v.intent, Intent::Published | Intent::Scheduled(_))
            {
                ready.push(id.clone());
            }
            false
        });
        for vid in ready {
            let Some(v) = self.videos.get(&vid).cloned() else {
                continue;
            };
            let kind = if v.product == VideoProduct::Reel {
                PostKind::Reel
            } else {
                PostKind::Video
            };
            let created = v.finished_at.unwrap_or(now);
            let post_id = self.create_post(
                &v.page_id,
                kind,
                v.description.clone(),
                None,
                Vec::new(),
                Some(vid.clone()),
                created,
            );
            if let Some(vm) = self.videos.get_mut(&vid) {
                vm.post_id = Some(post_id.clone());
            }
            match v.intent {
                Intent::Scheduled(at) => self.schedule(&post_id, at),
                _ => self.go_live(&post_id, now, false),
            }
        }
        while let Some(first) = self.due.first().cloned() {
            if first.0 > now {
                break;
            }
            self.due.pop_first();
            let (at, _, id) = first;
            let current = self.posts.get(&id).is_some_and(|p| {
                !p.published && !p.deleted && p.scheduled_publish_time == Some(at)
            });
            if current {
                self.go_live(&id, at, true);
            }
        }
    }

    /// Posts of a Page in the order the feed shows them (newest first).
    pub fn page_posts(&self, page_id: &str) -> Vec<&Post> {
        let mut posts: Vec<&Post> = self
            .posts
            .values()
            .filter(|p| p.page_id == page_id && !p.deleted)
            .collect();
        posts.sort_by_key(|p| std::cmp::Reverse(p.seq));
        posts
    }

    /// The publishing pace limit (only when the seed sets one).
    pub fn check_pace(&self, page_id: &str, now: Timestamp, seed: &Seed) -> GraphResult<()> {
        let (Some(min), Some(last)) = (seed.min_post_interval, self.last_publish.get(page_id))
        else {
            return Ok(());
        };
        let min = SignedDuration::try_from(min).unwrap_or(SignedDuration::MAX);
        if now.duration_since(*last) < min {
            return Err(GraphError::new(
                368,
                "It looks like you were misusing this feature by going too fast. You've been temporarily blocked from using it.",
            )
            .sub(1390008)
            .user(
                "You Can't Use This Feature Right Now",
                "You're posting too fast. Wait a bit and try again.",
            ));
        }
        Ok(())
    }

    pub fn note_publish(&mut self, page_id: &str, now: Timestamp) {
        self.last_publish.insert(page_id.to_string(), now);
    }
}

pub(crate) fn expired_error(exp: Timestamp, now: Timestamp) -> GraphError {
    GraphError::new(
        190,
        format!(
            "Error validating access token: Session has expired on {}. The current time is {}.",
            exp.strftime("%A, %d-%b-%y %H:%M:%S UTC"),
            now.strftime("%A, %d-%b-%y %H:%M:%S UTC")
        ),
    )
    .sub(463)
}

/// The window check of `scheduled_publish_time` against the sandbox clock.
pub(crate) fn check_schedule_window(
    at: Timestamp,
    now: Timestamp,
    max: SignedDuration,
    what: &str,
) -> GraphResult<()> {
    let ahead = at.duration_since(now);
    if ahead < SignedDuration::from_mins(10) || ahead > max {
        return Err(GraphError::param("The specified scheduled publish time is invalid.").user(
            "Invalid Scheduled Publish Time",
            &format!(
                "The scheduled publish time of a {what} must be between 10 minutes and {} days from now.",
                max.as_hours() / 24
            ),
        ));
    }
    Ok(())
}

/// `{"success":true}`.
pub(crate) fn success() -> Value {
    json!({"success": true})
}
