//! What the sandbox starts with: accounts, tokens and the knobs of its limits.

use std::time::Duration;

use serde::Serialize;

/// The accounts, tokens and limits a sandbox starts with (and returns to on reset).
///
/// `Seed::default()` is the standard seed: one Facebook user managing two Pages
/// ("Sandbox Bakery", "Sandbox Studio"), one user whose token has expired, and two
/// Instagram professional accounts (`sandbox.bakery`, `sandbox.studio`).
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
}

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
            instagram_accounts: default_instagram_accounts(),
            instagram_quota_total: 50,
            instagram_containers_per_day: 400,
            instagram_call_limit: 4800,
            instagram_rate_window: Duration::from_secs(24 * 3600),
            instagram_video_processing: VideoProcessing::RealTime(Duration::from_millis(300)),
        }
    }
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
    pub instagram_accounts: Vec<SeededInstagramAccount>,
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
        }
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
