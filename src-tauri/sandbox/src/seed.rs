//! What the sandbox starts with: accounts, tokens and the knobs of its limits.

use std::time::Duration;

use serde::Serialize;

/// The accounts, tokens and limits a sandbox starts with (and returns to on reset).
///
/// `Seed::default()` is the standard seed: one Facebook user managing two Pages
/// ("Sandbox Bakery", "Sandbox Studio"), one user whose token has expired, two
/// Instagram professional accounts (`sandbox.bakery`, `sandbox.studio`) and two TikTok
/// creators connected to one TikTok app (`sandbox.bakery`, public; `sandbox.studio`,
/// private).
#[derive(Debug, Clone)]
pub struct Seed {
    /// The Meta app the tokens belong to (`/{app-id}/uploads`, `debug_token`).
    pub facebook_app_id: String,
    pub facebook_app_secret: String,
    pub facebook_users: Vec<FacebookUserSeed>,
    /// Graph calls a Page may receive in `rate_window` before it is throttled
    /// (code 80001 with a Page token, 32 with a user token).
    pub page_call_limit: u32,
    /// The rolling window of `page_call_limit`, on the sandbox clock.
    pub rate_window: Duration,
    /// Page Reels per Page per rolling 24 h (sandbox clock).
    pub reels_per_day: u32,
    /// Largest photo accepted by `/{page-id}/photos` (error subcode 1366046 above it).
    pub max_photo_bytes: u64,
    /// How long an uploaded video stays in `processing` before it is `ready`.
    pub video_processing: VideoProcessing,
    /// When set, two publishing calls on one Page closer than this are refused with
    /// code 368 subcode 1390008 ("posting too fast").
    pub min_post_interval: Option<Duration>,
    /// The Instagram App ID of Instagram API with Instagram Login (the `client_id` of the
    /// authorize page and the code exchange; not the Facebook App ID).
    pub instagram_app_id: String,
    /// The Instagram App Secret (code exchange, `ig_exchange_token`).
    pub instagram_app_secret: String,
    /// Instagram professional accounts (Instagram API with Instagram Login).
    pub instagram_accounts: Vec<InstagramAccountSeed>,
    /// Posts an Instagram account may publish through the API per rolling 24 h (sandbox
    /// clock; stories count): `content_publishing_limit`'s `quota_total`, 2207042 past it.
    pub instagram_quota_total: u32,
    /// Media containers an Instagram account may create per rolling 24 h (code 9 past it).
    pub instagram_containers_per_day: u32,
    /// Graph calls an Instagram account may receive in `instagram_rate_window` before it
    /// is throttled (code 80002).
    pub instagram_call_limit: u32,
    /// The rolling window of `instagram_call_limit`, on the sandbox clock.
    pub instagram_rate_window: Duration,
    /// How long a video container stays `IN_PROGRESS` once its bytes have arrived
    /// (image containers are `FINISHED` at once).
    pub instagram_video_processing: VideoProcessing,
    /// The TikTok app's Login Kit `client_key`.
    pub tiktok_client_key: String,
    /// The TikTok app's `client_secret`.
    pub tiktok_client_secret: String,
    /// TikTok creators, each already connected to the app with a token pair.
    pub tiktok_creators: Vec<TikTokCreatorSeed>,
    /// Whether the TikTok app passed TikTok's audit. `false` applies the unaudited rules
    /// (§5/§6 of the TikTok notes): Direct Post only as `SELF_ONLY` to private accounts
    /// (else 403 `unaudited_client_can_only_post_to_private_accounts`), and at most 5
    /// creators posting per rolling 24 h.
    pub tiktok_audited: bool,
    /// Direct Posts a creator may start per rolling 24 h (sandbox clock); past it
    /// `creator_info/query` answers HTTP 200 `spam_risk_too_many_posts` and the init
    /// endpoints 403. TikTok says "typically around 15".
    pub tiktok_daily_post_cap: u32,
    /// Creators that may post through the app per rolling 24 h (`reached_active_user_cap`
    /// past it); `None` = no cap. An unaudited app is capped at 5 whatever this says.
    pub tiktok_active_creator_cap: Option<u32>,
    /// Inbox (draft) shares a creator may have pending (delivered, not yet posted) per
    /// rolling 24 h (`spam_risk_too_many_pending_share` past it).
    pub tiktok_pending_share_cap: u32,
    /// `expires_in` of the access tokens the token endpoint issues (sandbox clock).
    pub tiktok_access_token_lifetime: Duration,
    /// `refresh_expires_in` of a new authorization's refresh token (sandbox clock).
    pub tiktok_refresh_token_lifetime: Duration,
    /// Whether a refresh returns a new refresh token and invalidates the one sent.
    pub tiktok_rotate_refresh_tokens: bool,
    /// How long a post stays `PROCESSING_*` once all its bytes are in.
    pub tiktok_processing: VideoProcessing,
    /// How long after `PUBLISH_COMPLETE` a public post passes "moderation" and gets its
    /// `publicaly_available_post_id`.
    pub tiktok_moderation: VideoProcessing,
    /// When set, every post ends `FAILED` with this `fail_reason` instead of going live
    /// (`RunningSandbox::tiktok_set_fail_reason` changes it at run time).
    pub tiktok_fail_reason: Option<String>,
    /// Whether `publicaly_available_post_id` is ever filled (for public posts only);
    /// `false` = the reality of many apps: always `[]`.
    pub tiktok_fill_public_post_id: bool,
    /// The app's verified URL properties for `PULL_FROM_URL`: a domain (`127.0.0.1`,
    /// `example.com`: the host or any subdomain, any scheme and port) or a URL prefix
    /// (`https://cdn.example.com/media/`). Anything else is 403 `url_ownership_unverified`.
    /// Empty = nothing verified.
    pub tiktok_verified_url_prefixes: Vec<String>,
    /// `creator_info/query` calls per access token per minute (sandbox clock).
    pub tiktok_creator_info_per_minute: u32,
    /// Calls per access token per minute to each init endpoint (video, inbox, photo).
    pub tiktok_init_per_minute: u32,
    /// `status/fetch` (and `cancel`) calls per access token per minute.
    pub tiktok_status_per_minute: u32,
    /// `user/info`, `video/list` and `video/query` calls per minute, app-wide, each.
    pub tiktok_display_per_minute: u32,
}

/// A TikTok creator connected to the sandbox's TikTok app.
#[derive(Debug, Clone)]
pub struct TikTokCreatorSeed {
    /// The app-scoped user id.
    pub open_id: String,
    /// The developer-scoped user id.
    pub union_id: String,
    /// `display_name` / `creator_nickname`.
    pub display_name: String,
    /// `username` / `creator_username`.
    pub username: String,
    pub bio_description: String,
    pub is_verified: bool,
    pub follower_count: u64,
    pub following_count: u64,
    pub likes_count: u64,
    /// Videos on the profile at the sandbox start (posts that go live add to it).
    pub video_count: u64,
    /// The seeded connection's access token (`act.…`).
    pub access_token: String,
    /// The seeded connection's refresh token (`rft.…`).
    pub refresh_token: String,
    /// Seconds from the sandbox start until the access token expires; ≤ 0 = expired.
    pub access_token_expires_in: i64,
    /// Scopes granted to the app (`user.info.basic`, `video.publish`, …).
    pub scopes: Vec<String>,
    /// A private account (duet and stitch are then always off).
    pub private_account: bool,
    /// What `creator_info/query` offers and Direct Post accepts.
    pub privacy_level_options: Vec<String>,
    pub comment_disabled: bool,
    pub duet_disabled: bool,
    pub stitch_disabled: bool,
    pub max_video_post_duration_sec: u32,
    /// Direct Posts counted as already made at the sandbox start against
    /// `tiktok_daily_post_cap` (they free up 24 h after the start).
    pub posts_today: u32,
    /// `spam_risk_user_banned_from_posting` on creator_info and init.
    pub banned_from_posting: bool,
}

/// The scopes of the seeded TikTok connection of creator A.
pub const TIKTOK_SCOPES: &[&str] = &["user.info.basic", "video.publish", "video.upload"];

/// How video processing time is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoProcessing {
    /// Ready after this much real (wall) time.
    RealTime(Duration),
    /// Ready once the sandbox clock moved this far past the end of the upload.
    SandboxClock(Duration),
}

/// A Facebook user and the Pages they manage.
#[derive(Debug, Clone)]
pub struct FacebookUserSeed {
    pub id: String,
    pub name: String,
    pub token: String,
    /// Seconds from the sandbox start until the user token expires; negative = already
    /// expired (190/463), `None` = never.
    pub token_expires_in: Option<i64>,
    pub permissions: Vec<String>,
    pub pages: Vec<FacebookPageSeed>,
}

/// A Facebook Page and its Page token (Page tokens never expire).
#[derive(Debug, Clone)]
pub struct FacebookPageSeed {
    pub id: String,
    pub name: String,
    pub category: String,
    pub token: String,
    pub tasks: Vec<String>,
}

/// An Instagram professional account reached with Instagram Login, and its token.
#[derive(Debug, Clone)]
pub struct InstagramAccountSeed {
    /// The IG professional account id (`/me` `user_id`, the `{ig-user-id}` of paths).
    pub user_id: String,
    /// The app-scoped id (`/me` `id`).
    pub app_scoped_id: String,
    pub username: String,
    pub name: String,
    /// `BUSINESS` or `MEDIA_CREATOR`.
    pub account_type: String,
    /// The Instagram User access token (`IGAA…`).
    pub token: String,
    /// Seconds from the sandbox start until the token expires; negative = already
    /// expired (190/463), `None` = never.
    pub token_expires_in: Option<i64>,
    /// Granted `instagram_business_*` scopes.
    pub permissions: Vec<String>,
    /// Whether `upload_type=resumable` works for this account (else code 3).
    pub resumable_upload: bool,
    pub followers_count: u64,
    pub follows_count: u64,
    /// Posts counted as already published (at the sandbox start) against the 24 h
    /// publishing quota; they free up 24 h after the start.
    pub quota_usage: u32,
}

/// The scopes of Instagram API with Instagram Login a Herald connection asks for.
pub const INSTAGRAM_PERMISSIONS: &[&str] = &[
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_comments",
    "instagram_business_manage_insights",
];

/// Permissions a freshly connected Herald user grants.
pub const STANDARD_PERMISSIONS: &[&str] = &[
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "pages_manage_engagement",
    "pages_read_user_content",
    "read_insights",
    "business_management",
    "publish_video",
    "public_profile",
];

const PAGE_TASKS: &[&str] = &[
    "ADVERTISE",
    "ANALYZE",
    "CREATE_CONTENT",
    "MESSAGING",
    "MODERATE",
    "MANAGE",
];

impl Default for Seed {
    fn default() -> Self {
        let tasks: Vec<String> = PAGE_TASKS.iter().map(|s| s.to_string()).collect();
        let perms: Vec<String> = STANDARD_PERMISSIONS.iter().map(|s| s.to_string()).collect();
        Seed {
            facebook_app_id: "100000000000001".into(),
            facebook_app_secret: "sandbox-app-secret".into(),
            facebook_users: vec![
                FacebookUserSeed {
                    id: "100000000000100".into(),
                    name: "Sandbox User".into(),
                    token: "EAAB-sandbox-user-token".into(),
                    // a long-lived user token: about 60 days
                    token_expires_in: Some(5_183_944),
                    permissions: perms.clone(),
                    pages: vec![
                        FacebookPageSeed {
                            id: "200000000000001".into(),
                            name: "Sandbox Bakery".into(),
                            category: "Bakery".into(),
                            token: "EAAB-sandbox-page-bakery".into(),
                            tasks: tasks.clone(),
                        },
                        FacebookPageSeed {
                            id: "200000000000002".into(),
                            name: "Sandbox Studio".into(),
                            category: "Photography Videography".into(),
                            token: "EAAB-sandbox-page-studio".into(),
                            tasks,
                        },
                    ],
                },
                FacebookUserSeed {
                    id: "100000000000200".into(),
                    name: "Expired Sandbox User".into(),
                    token: "EAAB-sandbox-expired-user-token".into(),
                    token_expires_in: Some(-86_400),
                    permissions: perms,
                    pages: vec![],
                },
            ],
            page_call_limit: 4800,
            rate_window: Duration::from_secs(3600),
            reels_per_day: 30,
            max_photo_bytes: 4 * 1024 * 1024,
            video_processing: VideoProcessing::RealTime(Duration::from_secs(1)),
            min_post_interval: None,
            instagram_app_id: "990000000000001".into(),
            instagram_app_secret: "sandbox-instagram-secret".into(),
            instagram_accounts: default_instagram_accounts(),
            instagram_quota_total: 50,
            instagram_containers_per_day: 400,
            instagram_call_limit: 4800,
            instagram_rate_window: Duration::from_secs(24 * 3600),
            instagram_video_processing: VideoProcessing::RealTime(Duration::from_millis(300)),
            tiktok_client_key: "sbx-tiktok-client-key".into(),
            tiktok_client_secret: "sbx-tiktok-client-secret".into(),
            tiktok_creators: default_tiktok_creators(),
            tiktok_audited: true,
            tiktok_daily_post_cap: 15,
            tiktok_active_creator_cap: None,
            tiktok_pending_share_cap: 5,
            tiktok_access_token_lifetime: Duration::from_secs(86_400),
            tiktok_refresh_token_lifetime: Duration::from_secs(31_536_000),
            tiktok_rotate_refresh_tokens: true,
            tiktok_processing: VideoProcessing::RealTime(Duration::from_millis(300)),
            tiktok_moderation: VideoProcessing::RealTime(Duration::ZERO),
            tiktok_fail_reason: None,
            tiktok_fill_public_post_id: true,
            tiktok_verified_url_prefixes: vec!["127.0.0.1".into()],
            tiktok_creator_info_per_minute: 20,
            tiktok_init_per_minute: 6,
            tiktok_status_per_minute: 30,
            tiktok_display_per_minute: 600,
        }
    }
}

fn default_tiktok_creators() -> Vec<TikTokCreatorSeed> {
    let a_scopes: Vec<String> = TIKTOK_SCOPES.iter().map(|s| s.to_string()).collect();
    let b_scopes: Vec<String> = [
        "user.info.basic",
        "user.info.profile",
        "user.info.stats",
        "video.publish",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    vec![
        TikTokCreatorSeed {
            open_id: "5f1c2a7e-0a11-4c6e-9b1a-5a4e5a0d000a".into(),
            union_id: "c9c60f44-a68e-4f5d-84dd-ce22faeb000a".into(),
            display_name: "Sandbox Bakery".into(),
            username: "sandbox.bakery".into(),
            bio_description: "Fresh bread every morning".into(),
            is_verified: false,
            follower_count: 5120,
            following_count: 48,
            likes_count: 80_400,
            video_count: 37,
            access_token: "act.sandbox-a-tiktok-access-token".into(),
            refresh_token: "rft.sandbox-a-tiktok-refresh-token".into(),
            access_token_expires_in: 86_400,
            scopes: a_scopes,
            private_account: false,
            privacy_level_options: vec![
                "PUBLIC_TO_EVERYONE".into(),
                "MUTUAL_FOLLOW_FRIENDS".into(),
                "SELF_ONLY".into(),
            ],
            comment_disabled: false,
            duet_disabled: false,
            stitch_disabled: false,
            max_video_post_duration_sec: 600,
            posts_today: 0,
            banned_from_posting: false,
        },
        TikTokCreatorSeed {
            open_id: "5f1c2a7e-0a11-4c6e-9b1a-5a4e5a0d000b".into(),
            union_id: "c9c60f44-a68e-4f5d-84dd-ce22faeb000b".into(),
            display_name: "Sandbox Studio".into(),
            username: "sandbox.studio".into(),
            bio_description: "Portraits and products".into(),
            is_verified: false,
            follower_count: 310,
            following_count: 95,
            likes_count: 2_200,
            video_count: 4,
            access_token: "act.sandbox-b-tiktok-access-token".into(),
            refresh_token: "rft.sandbox-b-tiktok-refresh-token".into(),
            access_token_expires_in: 86_400,
            scopes: b_scopes,
            private_account: true,
            privacy_level_options: vec![
                "FOLLOWER_OF_CREATOR".into(),
                "MUTUAL_FOLLOW_FRIENDS".into(),
                "SELF_ONLY".into(),
            ],
            comment_disabled: false,
            duet_disabled: true,
            stitch_disabled: true,
            max_video_post_duration_sec: 60,
            posts_today: 0,
            banned_from_posting: false,
        },
    ]
}

fn default_instagram_accounts() -> Vec<InstagramAccountSeed> {
    let all: Vec<String> = INSTAGRAM_PERMISSIONS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let no_comments: Vec<String> = all
        .iter()
        .filter(|p| *p != "instagram_business_manage_comments")
        .cloned()
        .collect();
    vec![
        InstagramAccountSeed {
            user_id: "17841400000000001".into(),
            app_scoped_id: "27000000000000001".into(),
            username: "sandbox.bakery".into(),
            name: "Sandbox Bakery".into(),
            account_type: "BUSINESS".into(),
            token: "IGAA-sandbox-instagram-token".into(),
            // a long-lived Instagram token: about 60 days
            token_expires_in: Some(5_183_944),
            permissions: all,
            resumable_upload: true,
            followers_count: 1250,
            follows_count: 87,
            quota_usage: 0,
        },
        InstagramAccountSeed {
            user_id: "17841400000000002".into(),
            app_scoped_id: "27000000000000002".into(),
            username: "sandbox.studio".into(),
            name: "Sandbox Studio".into(),
            account_type: "MEDIA_CREATOR".into(),
            token: "IGAA-sandbox-studio-token".into(),
            token_expires_in: Some(5_183_944),
            permissions: no_comments,
            resumable_upload: false,
            followers_count: 342,
            follows_count: 120,
            quota_usage: 0,
        },
    ]
}

/// The seeded tokens and ids, for tests and for `GET /_sandbox/accounts`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SeededTokens {
    pub facebook_app_id: String,
    pub facebook_app_secret: String,
    pub facebook_users: Vec<SeededUser>,
    pub facebook_pages: Vec<SeededPage>,
    /// The Instagram App ID (Instagram Login's `client_id`).
    pub instagram_app_id: String,
    /// The Instagram App Secret.
    pub instagram_app_secret: String,
    pub instagram_accounts: Vec<SeededInstagramAccount>,
    /// The TikTok app's `client_key`.
    pub tiktok_client_key: String,
    /// The TikTok app's `client_secret`.
    pub tiktok_client_secret: String,
    pub tiktok_creators: Vec<SeededTikTokCreator>,
}

/// A seeded TikTok creator as tests and `GET /_sandbox/accounts` see it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SeededTikTokCreator {
    pub open_id: String,
    pub username: String,
    pub display_name: String,
    /// The seeded access token (`act.…`).
    pub access_token: String,
    /// The seeded refresh token (`rft.…`).
    pub refresh_token: String,
    /// Whether the access token has expired at the sandbox start.
    pub expired: bool,
    pub scopes: Vec<String>,
    pub private_account: bool,
    pub privacy_level_options: Vec<String>,
}

/// A seeded Instagram account as tests and `GET /_sandbox/accounts` see it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SeededInstagramAccount {
    /// The IG professional account id (`{ig-user-id}`).
    pub user_id: String,
    pub username: String,
    pub name: String,
    pub account_type: String,
    pub token: String,
    pub expired: bool,
    pub permissions: Vec<String>,
    pub resumable_upload: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SeededUser {
    pub id: String,
    pub name: String,
    pub token: String,
    pub expired: bool,
    pub page_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SeededPage {
    pub id: String,
    pub name: String,
    pub token: String,
    pub user_id: String,
}

impl SeededTokens {
    pub(crate) fn from_seed(seed: &Seed) -> Self {
        let mut pages = Vec::new();
        let users = seed
            .facebook_users
            .iter()
            .map(|u| {
                for p in &u.pages {
                    pages.push(SeededPage {
                        id: p.id.clone(),
                        name: p.name.clone(),
                        token: p.token.clone(),
                        user_id: u.id.clone(),
                    });
                }
                SeededUser {
                    id: u.id.clone(),
                    name: u.name.clone(),
                    token: u.token.clone(),
                    expired: u.token_expires_in.is_some_and(|s| s <= 0),
                    page_ids: u.pages.iter().map(|p| p.id.clone()).collect(),
                }
            })
            .collect();
        SeededTokens {
            facebook_app_id: seed.facebook_app_id.clone(),
            facebook_app_secret: seed.facebook_app_secret.clone(),
            facebook_users: users,
            facebook_pages: pages,
            instagram_app_id: seed.instagram_app_id.clone(),
            instagram_app_secret: seed.instagram_app_secret.clone(),
            instagram_accounts: seed
                .instagram_accounts
                .iter()
                .map(|a| SeededInstagramAccount {
                    user_id: a.user_id.clone(),
                    username: a.username.clone(),
                    name: a.name.clone(),
                    account_type: a.account_type.clone(),
                    token: a.token.clone(),
                    expired: a.token_expires_in.is_some_and(|s| s <= 0),
                    permissions: a.permissions.clone(),
                    resumable_upload: a.resumable_upload,
                })
                .collect(),
            tiktok_client_key: seed.tiktok_client_key.clone(),
            tiktok_client_secret: seed.tiktok_client_secret.clone(),
            tiktok_creators: seed
                .tiktok_creators
                .iter()
                .map(|c| SeededTikTokCreator {
                    open_id: c.open_id.clone(),
                    username: c.username.clone(),
                    display_name: c.display_name.clone(),
                    access_token: c.access_token.clone(),
                    refresh_token: c.refresh_token.clone(),
                    expired: c.access_token_expires_in <= 0,
                    scopes: c.scopes.clone(),
                    private_account: c.private_account,
                    privacy_level_options: c.privacy_level_options.clone(),
                })
                .collect(),
        }
    }

    /// The n-th seeded TikTok creator (0 = `sandbox.bakery`, public; 1 =
    /// `sandbox.studio`, private, in the standard seed).
    pub fn tiktok(&self, n: usize) -> Option<&SeededTikTokCreator> {
        self.tiktok_creators.get(n)
    }

    /// The access token of the n-th seeded TikTok creator ("" when the seed has none).
    pub fn tiktok_token(&self, n: usize) -> &str {
        self.tiktok(n)
            .map(|c| c.access_token.as_str())
            .unwrap_or("")
    }

    /// The n-th seeded Instagram account (0 = `sandbox.bakery`, 1 = `sandbox.studio` in
    /// the standard seed).
    pub fn instagram(&self, n: usize) -> Option<&SeededInstagramAccount> {
        self.instagram_accounts.get(n)
    }

    /// The token of the n-th seeded Instagram account ("" when the seed has none).
    pub fn instagram_token(&self, n: usize) -> &str {
        self.instagram(n).map(|a| a.token.as_str()).unwrap_or("")
    }

    /// The first user whose token is valid at start.
    pub fn user(&self) -> Option<&SeededUser> {
        self.facebook_users.iter().find(|u| !u.expired)
    }

    /// The token of the first valid user ("" when the seed has none).
    pub fn user_token(&self) -> &str {
        self.user().map(|u| u.token.as_str()).unwrap_or("")
    }

    /// The token of the first user whose token has expired ("" when the seed has none).
    pub fn expired_user_token(&self) -> &str {
        self.facebook_users
            .iter()
            .find(|u| u.expired)
            .map(|u| u.token.as_str())
            .unwrap_or("")
    }

    /// The n-th seeded Page (0 = "Sandbox Bakery" in the standard seed).
    pub fn page(&self, n: usize) -> Option<&SeededPage> {
        self.facebook_pages.get(n)
    }

    /// The app token `{app-id}|{app-secret}` (for `debug_token`).
    pub fn app_token(&self) -> String {
        format!("{}|{}", self.facebook_app_id, self.facebook_app_secret)
    }
}
