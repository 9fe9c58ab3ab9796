//! What the Facebook integration tests share: a sandbox, a store with the sandbox's Pages
//! imported, a clock the test moves, and small media files.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use herald_core::domain::{AccountView, Platform, PostKind, PostView, TargetStatus, TargetView};
use herald_core::posts::NewPost;
use herald_core::scheduler::Scheduler;
use herald_core::time::{Clock, DueTime};
use herald_core::vault::MemoryVault;
use herald_core::Store;
use herald_platforms::import::import_accounts;
use herald_platforms::{Endpoints, PlatformPublisher};
use herald_sandbox::{JournalEntry, LivePost, RunningSandbox, SandboxConfig, Seed};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

/// What Herald sends per rupload request.
pub const CHUNK: u64 = 4 * 1024 * 1024;
/// A video of a little more than two chunks: three upload requests.
pub const THREE_CHUNKS: usize = 2 * CHUNK as usize + 300_000;

/// A clock the test moves by hand.
#[derive(Clone)]
pub struct TestClock(pub Arc<Mutex<Timestamp>>);

impl TestClock {
    pub fn advance(&self, by: SignedDuration) {
        let mut now = self.0.lock().unwrap();
        *now += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap()
    }
}

pub struct World {
    pub sandbox: RunningSandbox,
    pub store: Store,
    pub vault: Arc<MemoryVault>,
    pub clock: TestClock,
    pub pages: Vec<AccountView>,
    pub dir: tempfile::TempDir,
}

impl World {
    pub async fn new() -> World {
        World::with_seed(Seed::default()).await
    }

    pub async fn with_seed(seed: Seed) -> World {
        let sandbox = herald_sandbox::start(SandboxConfig { port: 0, seed })
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let vault = Arc::new(MemoryVault::new());
        let token_file = dir.path().join("token.json");
        let user_token = sandbox.tokens().user_token().to_owned();
        std::fs::write(&token_file, format!(r#"{{"access_token":"{user_token}"}}"#)).unwrap();
        let now = Timestamp::now();
        let pages = import_accounts(
            &store,
            vault.clone(),
            &endpoints(&sandbox),
            Platform::Facebook,
            &token_file,
            now,
        )
        .await
        .unwrap();
        assert_eq!(pages.len(), 2);
        World {
            clock: TestClock(Arc::new(Mutex::new(now))),
            sandbox,
            store,
            vault,
            pages,
            dir,
        }
    }

    pub fn scheduler(&self) -> Scheduler<PlatformPublisher> {
        let publisher = PlatformPublisher::new(&endpoints(&self.sandbox), self.vault.clone());
        Scheduler::new(
            self.store.clone(),
            publisher,
            Arc::new(self.clock.clone()),
            "test",
        )
    }

    /// Runs the scheduler pass after pass, moving Herald's clock on between passes so that
    /// retries come due, until nothing changes.
    pub async fn drain(&self) {
        let scheduler = self.scheduler();
        for _ in 0..8 {
            scheduler.tick().await.unwrap();
            self.clock.advance(SignedDuration::from_mins(20));
        }
    }

    /// A post with `photos` tiny PNGs for both Pages, due in `due_in`.
    pub async fn post_photos(
        &self,
        caption: &str,
        photos: usize,
        due_in: SignedDuration,
    ) -> PostView {
        let media = (0..photos)
            .map(|i| {
                let path = self.dir.path().join(format!("photo-{caption}-{i}.png"));
                std::fs::write(&path, tiny_png()).unwrap();
                path
            })
            .collect::<Vec<PathBuf>>();
        self.store
            .create_post(
                NewPost {
                    caption: caption.to_owned(),
                    kind: PostKind::Post,
                    due: Some(DueTime {
                        at: self.clock.now() + due_in,
                        zone: "UTC".to_owned(),
                    }),
                    draft: false,
                    accounts: self.pages.iter().map(|p| p.id).collect(),
                    media: media.into_iter().map(Into::into).collect(),
                    options: Default::default(),
                },
                self.clock.now(),
            )
            .await
            .unwrap()
    }

    /// How many times a message went live (deleted or not) across the Pages.
    pub fn live_count(&self, message: &str) -> usize {
        self.sandbox
            .live()
            .iter()
            .filter(|p| p.message.as_deref() == Some(message))
            .count()
    }

    /// A file in the test's directory.
    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    pub async fn post(
        &self,
        caption: &str,
        kind: PostKind,
        media: Vec<PathBuf>,
        due_in: SignedDuration,
    ) -> PostView {
        self.store
            .create_post(
                NewPost {
                    caption: caption.to_owned(),
                    kind,
                    due: Some(DueTime {
                        at: self.clock.now() + due_in,
                        zone: "UTC".to_owned(),
                    }),
                    draft: false,
                    accounts: self.pages.iter().map(|p| p.id).collect(),
                    media: media.into_iter().map(Into::into).collect(),
                    options: Default::default(),
                },
                self.clock.now(),
            )
            .await
            .unwrap()
    }

    pub async fn targets(&self, post: &PostView) -> Vec<TargetView> {
        self.store.post(post.id).await.unwrap().targets
    }

    /// The error of a post whose targets all failed.
    pub async fn failure(&self, post: &PostView) -> herald_core::domain::TargetError {
        let targets = self.targets(post).await;
        assert!(
            targets.iter().all(|t| t.status == TargetStatus::Failed),
            "{targets:?}"
        );
        targets[0].error.clone().unwrap()
    }

    pub async fn statuses(&self, post: &PostView) -> Vec<TargetStatus> {
        self.targets(post).await.iter().map(|t| t.status).collect()
    }

    /// What went live of this kind, per Page (deleted or not).
    pub fn live_per_page(&self, kind: &str) -> BTreeMap<String, Vec<LivePost>> {
        let mut pages: BTreeMap<String, Vec<LivePost>> = BTreeMap::new();
        for post in self.sandbox.live().into_iter().filter(|p| p.kind == kind) {
            pages.entry(post.account_id.clone()).or_default().push(post);
        }
        pages
    }

    /// Asserts that exactly one post of `kind` went live on each Page.
    pub fn assert_once_per_page(&self, kind: &str) {
        let live = self.live_per_page(kind);
        assert_eq!(live.len(), 2, "both Pages: {live:?}");
        for (page, posts) in &live {
            assert_eq!(posts.len(), 1, "{kind} on {page}: {posts:?}");
        }
    }

    /// The recorded progress of every target of a post.
    pub async fn progress(&self, post: &PostView) -> Vec<Value> {
        let rows: Vec<Option<String>> =
            sqlx::query_scalar("SELECT progress FROM targets WHERE post_id = ? ORDER BY id")
                .bind(post.id)
                .fetch_all(self.store.pool())
                .await
                .unwrap();
        rows.into_iter()
            .map(|p| p.map_or(Value::Null, |p| serde_json::from_str(&p).unwrap()))
            .collect()
    }

    pub async fn handed_off(&self, post: &PostView) -> Vec<bool> {
        sqlx::query_scalar("SELECT handed_off FROM targets WHERE post_id = ? ORDER BY id")
            .bind(post.id)
            .fetch_all(self.store.pool())
            .await
            .unwrap()
    }

    /// Requests to a host whose path contains `fragment`, grouped by path.
    pub fn calls(
        &self,
        method: &str,
        host: &str,
        fragment: &str,
    ) -> BTreeMap<String, Vec<JournalEntry>> {
        let mut paths: BTreeMap<String, Vec<JournalEntry>> = BTreeMap::new();
        for entry in self
            .sandbox
            .journal()
            .into_iter()
            .filter(|e| e.method == method && e.host == host && e.path.contains(fragment))
        {
            paths.entry(entry.path.clone()).or_default().push(entry);
        }
        paths
    }

    /// Asserts that no request carried a token in its URL (tokens go in headers).
    pub fn assert_no_token_in_urls(&self) {
        let tokens = self.sandbox.tokens();
        let secrets: Vec<&str> = tokens
            .facebook_pages
            .iter()
            .map(|p| p.token.as_str())
            .chain([tokens.user_token()])
            .collect();
        for entry in self.sandbox.journal() {
            for secret in &secrets {
                assert!(
                    !entry.path.contains(secret) && !entry.query.contains(secret),
                    "{entry:?}"
                );
            }
        }
    }

    /// Waits (real time) until the sandbox reports `n` posts of `kind` live.
    pub async fn wait_live(&self, kind: &str, n: usize) -> Vec<LivePost> {
        for _ in 0..50 {
            let live: Vec<LivePost> = self
                .sandbox
                .live()
                .into_iter()
                .filter(|p| p.kind == kind)
                .collect();
            if live.len() >= n {
                return live;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{kind}: never {n} live: {:?}", self.sandbox.live());
    }
}

pub fn endpoints(sandbox: &RunningSandbox) -> Endpoints {
    let env = sandbox.env();
    Endpoints::from_lookup(|name| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
}

/// An MP4-looking file of `len` bytes: a valid `ftyp` box, then filler that differs by
/// position (so a chunk sent at the wrong offset would not look like the right one).
pub fn mp4(len: usize) -> Vec<u8> {
    let mut bytes = vec![0, 0, 0, 0x18];
    bytes.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
    bytes.extend((bytes.len()..len).map(|i| (i % 251) as u8));
    bytes.truncate(len);
    bytes
}

/// A 1×1 PNG.
pub fn tiny_png() -> Vec<u8> {
    vec![
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0,
        0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 0x0D, 0x49, 0x44,
        0x41, 0x54, 0x78, 0x9C, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0D, 0x0A, 0x2D, 0xB4, 0, 0, 0, 0,
        0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]
}
