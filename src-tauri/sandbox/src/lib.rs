//! Herald's platform sandbox: a local HTTP server that behaves like the real platform APIs
//! (Facebook Pages, Instagram API with Instagram Login, TikTok's Login Kit and Content
//! Posting API, and the three sign-in pages), so that tests, benchmarks and a newcomer's
//! first run never need the internet.
//!
//! One server, one port, a path prefix per real host:
//!
//! | prefix              | real host                        | variable                      |
//! |---------------------|----------------------------------|-------------------------------|
//! | `/facebook`         | graph.facebook.com               | `HERALD_FACEBOOK_GRAPH_URL`   |
//! | `/facebook-video`   | graph-video.facebook.com         | `HERALD_FACEBOOK_VIDEO_URL`   |
//! | `/rupload`          | rupload.facebook.com             | `HERALD_RUPLOAD_URL`          |
//! | `/instagram-graph`  | graph.instagram.com              | `HERALD_INSTAGRAM_GRAPH_URL`  |
//! | `/instagram-api`    | api.instagram.com                | `HERALD_INSTAGRAM_API_URL`    |
//! | `/tiktok`           | open.tiktokapis.com              | `HERALD_TIKTOK_API_URL`       |
//! | `/tiktok-upload`    | open-upload.tiktokapis.com       | (the init's `upload_url`)     |
//! | `/instagram-www`    | www.instagram.com (sign-in page) | `HERALD_INSTAGRAM_AUTHORIZE_URL` |
//! | `/tiktok-www`       | www.tiktok.com (sign-in page)    | `HERALD_TIKTOK_AUTHORIZE_URL` |
//! | `/facebook-www`     | www.facebook.com (Login dialog)  | `HERALD_FACEBOOK_DIALOG_URL` |
//!
//! `/instagram-graph` serves Instagram API with Instagram Login (profile, containers,
//! publishing, quota, media, comments); `/rupload` serves both Facebook's `video-upload`
//! and Instagram's `ig-api-upload` paths. Version prefixes (`/v25.0/…`) are accepted and
//! optional. `/tiktok` serves Login Kit v2 OAuth (token, refresh, revoke), user info,
//! creator info, video (Direct Post and inbox) and photo init, status, cancel, and the
//! Display API's video list/query; the chunks of a `FILE_UPLOAD` go to the `upload_url`
//! under `/tiktok-upload`. The control API lives under `/_sandbox/` (journal, live,
//! accounts, faults, clock, reset, instagram/containers, tiktok/…). What went live —
//! [`RunningSandbox::live`] — is the ground truth for "published exactly once";
//! [`RunningSandbox::instagram_containers`] shows what the sandbox fetched for each
//! Instagram media container, [`RunningSandbox::tiktok_uploads`] and
//! [`RunningSandbox::tiktok_publishes`] what TikTok received. TikTok drafts delivered to
//! a creator's inbox are not live posts: they show in `tiktok_publishes` with the status
//! `SEND_TO_USER_INBOX` until [`RunningSandbox::tiktok_post_from_inbox`] posts them.
//!
//! Sign-in: `GET /instagram-www/oauth/authorize`, `GET /tiktok-www/v2/auth/authorize/`
//! and `GET /facebook-www/{version}/dialog/oauth` are the consent pages, approved at once
//! (`sandbox_decision=deny` denies, `sandbox_user=…` picks the account) with a 302 to the
//! `redirect_uri`. The codes are exchanged at `POST /instagram-api/oauth/access_token`
//! (then `GET /instagram-graph/access_token` for a long-lived token and
//! `GET /instagram-graph/refresh_access_token` to refresh it), `POST /tiktok/v2/oauth/token/`
//! and `GET /facebook/{version}/oauth/access_token`. Code lifetimes on the sandbox clock:
//! Instagram 1 h, Facebook 1 h, TikTok 10 minutes; every code works once.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = herald_sandbox::start(herald_sandbox::SandboxConfig::default()).await?;
//! for (name, value) in sandbox.env() {
//!     println!("export {name}={value}");
//! }
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod facebook;
mod faults;
mod fetch;
mod graph;
mod instagram;
mod record;
mod request;
mod s3;
mod seed;
mod server;
mod shared;
mod signin;
mod tiktok;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use faults::{FaultAction, FaultRule, Faults};
pub use record::{InstagramContainer, JournalEntry, LivePost};
pub use s3::{start_s3, RunningS3, S3Config, S3Request};
pub use seed::{
    FacebookPageSeed, FacebookUserSeed, InstagramAccountSeed, Seed, SeededInstagramAccount,
    SeededPage, SeededTikTokCreator, SeededTokens, SeededUser, TikTokCreatorSeed, VideoProcessing,
    INSTAGRAM_PERMISSIONS, STANDARD_PERMISSIONS, TIKTOK_SCOPES,
};
pub use shared::SandboxClock;
pub use tiktok::{TikTokChunk, TikTokPublish, TikTokUpload};

use shared::{lock, Shared};

/// How to start a sandbox.
#[derive(Debug, Clone, Default)]
pub struct SandboxConfig {
    /// Port on 127.0.0.1; 0 = any free port.
    pub port: u16,
    /// Accounts, tokens and limits; `Seed::default()` = the standard accounts.
    pub seed: Seed,
}

/// A sandbox that is serving. Dropping it stops the server; [`RunningSandbox::shutdown`]
/// stops it and waits until it has.
pub struct RunningSandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

/// Start a sandbox on 127.0.0.1.
pub async fn start(config: SandboxConfig) -> std::io::Result<RunningSandbox> {
    let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://127.0.0.1:{}", addr.port());
    let shared = Arc::new(Shared::new(config.seed, base_url));
    let router = server::router(shared.clone());
    let (stop, stop_rx) = watch::channel(false);
    let task = tokio::spawn(server::serve(listener, router, stop_rx));
    Ok(RunningSandbox {
        shared,
        addr,
        stop,
        task,
    })
}

pub(crate) fn live_posts(shared: &Shared) -> Vec<LivePost> {
    let mut live = lock(&shared.world).live.clone();
    live.extend(lock(&shared.instagram).live.iter().cloned());
    live.extend(lock(&shared.tiktok).live.iter().cloned());
    live.sort_by_key(|l| l.published_at);
    live
}

pub(crate) fn instagram_containers(shared: &Shared) -> Vec<InstagramContainer> {
    let now = shared.now();
    lock(&shared.instagram).snapshots(now, shared.seed.instagram_video_processing)
}

impl RunningSandbox {
    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The socket address the sandbox listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The `HERALD_*` base URL variables that point Herald here.
    pub fn env(&self) -> Vec<(String, String)> {
        env_for(&self.shared.base_url)
    }

    /// The sandbox clock (starts at the real time).
    pub fn clock(&self) -> SandboxClock {
        SandboxClock {
            shared: self.shared.clone(),
        }
    }

    /// Fault injection.
    pub fn faults(&self) -> Faults {
        Faults {
            shared: self.shared.clone(),
        }
    }

    /// Every request received (control calls excepted), in arrival order; the oldest are
    /// dropped past 200,000 entries.
    pub fn journal(&self) -> Vec<JournalEntry> {
        let mut entries = lock(&self.shared.journal).clone();
        entries.sort_by_key(|e| e.seq);
        entries
    }

    /// What actually went live, in the order it went live: the ground truth.
    pub fn live(&self) -> Vec<LivePost> {
        self.shared.sweep();
        live_posts(&self.shared)
    }

    /// Every Instagram media container, oldest first: what was asked for, what the
    /// sandbox fetched (URL, bytes, by rupload or not) and its status now.
    pub fn instagram_containers(&self) -> Vec<InstagramContainer> {
        instagram_containers(&self.shared)
    }

    /// Every TikTok `FILE_UPLOAD` upload, oldest first: its plan, the bytes that arrived
    /// (count and CRC-32) and every chunk's `Content-Range`.
    pub fn tiktok_uploads(&self) -> Vec<TikTokUpload> {
        tiktok::uploads(&self.shared)
    }

    /// Every TikTok publish (`publish_id`), oldest first, with its status now.
    pub fn tiktok_publishes(&self) -> Vec<TikTokPublish> {
        tiktok::publishes(&self.shared)
    }

    /// An authorization code for a TikTok creator (`open_id` or `username`), as the
    /// authorize page would send to `redirect_uri` after consent, for the token exchange.
    /// `code_challenge` is the lowercase hex SHA-256 of the PKCE verifier (`None`: no
    /// PKCE). The code lives 10 minutes (sandbox clock) and works once. `None` for an
    /// unknown creator.
    pub fn tiktok_issue_code(
        &self,
        creator: &str,
        redirect_uri: &str,
        code_challenge: Option<&str>,
    ) -> Option<String> {
        tiktok::issue_code(&self.shared, creator, redirect_uri, code_challenge)
    }

    /// The creator posts a draft from their TikTok inbox: it goes live and its status
    /// becomes `PUBLISH_COMPLETE`. False unless the publish is a draft in the inbox.
    pub fn tiktok_post_from_inbox(&self, publish_id: &str) -> bool {
        tiktok::post_from_inbox(&self.shared, publish_id)
    }

    /// From now on every TikTok post fails with this `fail_reason` once processed
    /// (`None`: they succeed again). Starts as the seed's `tiktok_fail_reason`.
    pub fn tiktok_set_fail_reason(&self, fail_reason: Option<&str>) {
        tiktok::set_fail_reason(&self.shared, fail_reason.map(str::to_string));
    }

    /// The creator (`open_id` or `username`) removes the app in their TikTok settings:
    /// every token of theirs stops working and unfinished publishes fail with
    /// `auth_removed`. False for an unknown creator.
    pub fn tiktok_deauthorize(&self, creator: &str) -> bool {
        tiktok::deauthorize(&self.shared, creator)
    }

    /// The seeded tokens and ids.
    pub fn tokens(&self) -> SeededTokens {
        SeededTokens::from_seed(&self.shared.seed)
    }

    /// Back to the seed: objects, faults, journal and clock.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Stop serving and wait for the accept loop to end (open connections are closed).
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// The `HERALD_*` variables for a sandbox at `base_url`.
pub fn env_for(base_url: &str) -> Vec<(String, String)> {
    [
        ("HERALD_FACEBOOK_GRAPH_URL", "facebook"),
        ("HERALD_FACEBOOK_VIDEO_URL", "facebook-video"),
        ("HERALD_RUPLOAD_URL", "rupload"),
        ("HERALD_INSTAGRAM_GRAPH_URL", "instagram-graph"),
        ("HERALD_INSTAGRAM_API_URL", "instagram-api"),
        ("HERALD_TIKTOK_API_URL", "tiktok"),
        ("HERALD_INSTAGRAM_AUTHORIZE_URL", "instagram-www"),
        ("HERALD_FACEBOOK_DIALOG_URL", "facebook-www"),
        ("HERALD_TIKTOK_AUTHORIZE_URL", "tiktok-www"),
    ]
    .into_iter()
    .map(|(name, prefix)| (name.to_string(), format!("{base_url}/{prefix}")))
    .collect()
}
