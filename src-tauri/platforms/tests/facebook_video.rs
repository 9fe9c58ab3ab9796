//! Facebook videos, reels and stories through the real engine against the sandbox: chunked
//! uploads from disk, native scheduling, stories kept until their time, and injected faults —
//! each ending published exactly once per Page.

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
use herald_sandbox::{
    FaultAction, FaultRule, JournalEntry, LivePost, RunningSandbox, SandboxConfig, Seed,
};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

/// What Herald sends per rupload request.
const CHUNK: u64 = 4 * 1024 * 1024;
/// A video of a little more than two chunks: three upload requests.
const THREE_CHUNKS: usize = 2 * CHUNK as usize + 300_000;

/// A clock the test moves by hand.
#[derive(Clone)]
struct TestClock(Arc<Mutex<Timestamp>>);

impl TestClock {
    fn advance(&self, by: SignedDuration) {
        let mut now = self.0.lock().unwrap();
        *now += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap()
    }
}

struct World {
    sandbox: RunningSandbox,
    store: Store,
    vault: Arc<MemoryVault>,
    clock: TestClock,
    pages: Vec<AccountView>,
    dir: tempfile::TempDir,
}

impl World {
    async fn new() -> World {
        World::with_seed(Seed::default()).await
    }

    async fn with_seed(seed: Seed) -> World {
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

    fn scheduler(&self) -> Scheduler<PlatformPublisher> {
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
    async fn drain(&self) {
        let scheduler = self.scheduler();
        for _ in 0..8 {
            scheduler.tick().await.unwrap();
            self.clock.advance(SignedDuration::from_mins(20));
        }
    }

    /// A file in the test's directory.
    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    async fn post(
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
                    media,
                },
                self.clock.now(),
            )
            .await
            .unwrap()
    }

    async fn targets(&self, post: &PostView) -> Vec<TargetView> {
        self.store.post(post.id).await.unwrap().targets
    }

    /// The error of a post whose targets all failed.
    async fn failure(&self, post: &PostView) -> herald_core::domain::TargetError {
        let targets = self.targets(post).await;
        assert!(
            targets.iter().all(|t| t.status == TargetStatus::Failed),
            "{targets:?}"
        );
        targets[0].error.clone().unwrap()
    }

    async fn statuses(&self, post: &PostView) -> Vec<TargetStatus> {
        self.targets(post).await.iter().map(|t| t.status).collect()
    }

    /// What went live of this kind, per Page (deleted or not).
    fn live_per_page(&self, kind: &str) -> BTreeMap<String, Vec<LivePost>> {
        let mut pages: BTreeMap<String, Vec<LivePost>> = BTreeMap::new();
        for post in self.sandbox.live().into_iter().filter(|p| p.kind == kind) {
            pages.entry(post.account_id.clone()).or_default().push(post);
        }
        pages
    }

    /// Asserts that exactly one post of `kind` went live on each Page.
    fn assert_once_per_page(&self, kind: &str) {
        let live = self.live_per_page(kind);
        assert_eq!(live.len(), 2, "both Pages: {live:?}");
        for (page, posts) in &live {
            assert_eq!(posts.len(), 1, "{kind} on {page}: {posts:?}");
        }
    }

    /// The recorded progress of every target of a post.
    async fn progress(&self, post: &PostView) -> Vec<Value> {
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

    async fn handed_off(&self, post: &PostView) -> Vec<bool> {
        sqlx::query_scalar("SELECT handed_off FROM targets WHERE post_id = ? ORDER BY id")
            .bind(post.id)
            .fetch_all(self.store.pool())
            .await
            .unwrap()
    }

    /// Requests to a host whose path contains `fragment`, grouped by path.
    fn calls(
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
    fn assert_no_token_in_urls(&self) {
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
    async fn wait_live(&self, kind: &str, n: usize) -> Vec<LivePost> {
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

fn endpoints(sandbox: &RunningSandbox) -> Endpoints {
    let env = sandbox.env();
    Endpoints::from_lookup(|name| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
}

/// An MP4-looking file of `len` bytes: a valid `ftyp` box, then filler that differs by
/// position (so a chunk sent at the wrong offset would not look like the right one).
fn mp4(len: usize) -> Vec<u8> {
    let mut bytes = vec![0, 0, 0, 0x18];
    bytes.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
    bytes.extend((bytes.len()..len).map(|i| (i % 251) as u8));
    bytes.truncate(len);
    bytes
}

/// A 1×1 PNG.
fn tiny_png() -> Vec<u8> {
    vec![
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0,
        0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 0x0D, 0x49, 0x44,
        0x41, 0x54, 0x78, 0x9C, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0D, 0x0A, 0x2D, 0xB4, 0, 0, 0, 0,
        0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]
}

/// Lets the next `n` matching requests through (rules are tried in order; this one is used up
/// first), so that the rule added after it hits a later request.
fn pass(n: u32) -> FaultRule {
    FaultRule::new(FaultAction::Delay { ms: 0 }).count(n)
}

#[tokio::test]
async fn a_feed_video_uploads_in_chunks_and_publishes_once_with_a_permalink() {
    let world = World::new().await;
    let video = world.file("oven.mp4", &mp4(THREE_CHUNKS));
    let post = world
        .post(
            "Oven tour",
            PostKind::Video,
            vec![video],
            SignedDuration::ZERO,
        )
        .await;
    world.drain().await;
    for target in world.targets(&post).await {
        assert_eq!(target.status, TargetStatus::Published, "{:?}", target.error);
        let link = target.permalink.unwrap_or_default();
        assert!(link.contains("/videos/"), "{link}");
    }
    world.assert_once_per_page("video");
    assert!(world
        .sandbox
        .live()
        .iter()
        .all(|p| p.message.as_deref() == Some("Oven tour") && p.media_count == 1));
    // start, three chunks (Facebook hands out 4 MiB), finish — on each Page's video host.
    let calls = world.calls("POST", "facebook-video", "/videos");
    assert_eq!(calls.len(), 2, "{calls:?}");
    for (path, entries) in &calls {
        assert_eq!(entries.len(), 5, "{path}: {entries:?}");
        assert!(entries.iter().all(|e| e.status == Some(200)), "{entries:?}");
    }
    world.assert_no_token_in_urls();
}

#[tokio::test]
async fn a_reel_publishes_once_with_its_reel_link() {
    let world = World::new().await;
    let video = world.file("counter.mp4", &mp4(600_000));
    let post = world
        .post(
            "Behind the counter",
            PostKind::Reel,
            vec![video],
            SignedDuration::ZERO,
        )
        .await;
    world.scheduler().run_until_idle().await.unwrap();
    for target in world.targets(&post).await {
        assert_eq!(target.status, TargetStatus::Published, "{:?}", target.error);
        assert!(target.permalink.unwrap_or_default().contains("/reel/"));
    }
    world.assert_once_per_page("reel");
    // Bytes went to rupload only, with one request per Page for a file under a chunk.
    let uploads = world.calls("POST", "rupload", "/video-upload/");
    assert_eq!(uploads.len(), 2);
    assert!(uploads.values().all(|e| e.len() == 1));
    world.assert_no_token_in_urls();
}

/// A post due in two hours is handed to Facebook, goes live with Herald "off", and the next
/// run records it as published.
async fn handed_over_and_live_through_facebook(kind: PostKind, live_kind: &str, link: &str) {
    let world = World::new().await;
    let video = world.file("later.mp4", &mp4(300_000));
    let post = world
        .post("At noon", kind, vec![video], SignedDuration::from_hours(2))
        .await;
    assert_eq!(world.scheduler().run_until_idle().await.unwrap(), 2);
    assert_eq!(
        world.statuses(&post).await,
        vec![TargetStatus::Scheduled; 2]
    );
    assert_eq!(world.handed_off(&post).await, vec![true, true]);
    assert!(world.live_per_page(live_kind).is_empty());
    // Herald is "off" while Facebook's clock passes the due time.
    world
        .sandbox
        .clock()
        .advance(Duration::from_secs(2 * 3600 + 60));
    let live = world.wait_live(live_kind, 2).await;
    assert!(live.iter().all(|p| p.scheduled), "{live:?}");
    world.assert_once_per_page(live_kind);
    // The next run sees it live.
    world.clock.advance(SignedDuration::from_mins(121));
    world.scheduler().run_until_idle().await.unwrap();
    for target in world.targets(&post).await {
        assert_eq!(target.status, TargetStatus::Published, "{:?}", target.error);
        let permalink = target.permalink.unwrap_or_default();
        assert!(permalink.contains(link), "{permalink}");
    }
}

#[tokio::test]
async fn a_reel_two_hours_ahead_is_handed_over_and_goes_live_through_facebook() {
    handed_over_and_live_through_facebook(PostKind::Reel, "reel", "/reel/").await;
}

#[tokio::test]
async fn a_feed_video_two_hours_ahead_is_handed_over_and_goes_live_through_facebook() {
    handed_over_and_live_through_facebook(PostKind::Video, "video", "/videos/").await;
}

#[tokio::test]
async fn a_video_due_too_soon_for_facebook_is_uploaded_ahead_and_published_at_its_time() {
    let world = World::new().await;
    // Herald's clock runs two minutes behind: the engine sees the reel 12.5 minutes ahead and
    // asks for a hand-over, but Facebook (real time) would see only 10.5 minutes — too close
    // for its scheduler.
    world.clock.advance(SignedDuration::from_mins(-2));
    let video = world.file("soon.mp4", &mp4(300_000));
    let post = world
        .post(
            "Soon",
            PostKind::Reel,
            vec![video],
            SignedDuration::from_secs(12 * 60 + 30),
        )
        .await;
    let scheduler = world.scheduler();
    assert_eq!(scheduler.tick().await.unwrap(), 2);
    assert_eq!(world.handed_off(&post).await, vec![false, false]);
    assert!(world.live_per_page("reel").is_empty());
    let uploads = world.calls("POST", "rupload", "/video-upload/");
    assert_eq!(uploads.len(), 2, "uploaded ahead: {uploads:?}");
    assert!(
        world
            .calls("POST", "facebook", "/video_reels")
            .values()
            .all(|e| e.len() == 1),
        "started, not finished"
    );
    world.clock.advance(SignedDuration::from_mins(13));
    assert_eq!(scheduler.tick().await.unwrap(), 2);
    assert_eq!(
        world.statuses(&post).await,
        vec![TargetStatus::Published; 2]
    );
    world.assert_once_per_page("reel");
    let uploads = world.calls("POST", "rupload", "/video-upload/");
    assert!(
        uploads.values().all(|e| e.len() == 1),
        "not uploaded again: {uploads:?}"
    );
}

#[tokio::test]
async fn moving_a_handed_over_reel_withdraws_it_and_hands_it_over_again() {
    let world = World::new().await;
    let video = world.file("moved.mp4", &mp4(300_000));
    let post = world
        .post(
            "Moved reel",
            PostKind::Reel,
            vec![video],
            SignedDuration::from_hours(2),
        )
        .await;
    world.scheduler().run_until_idle().await.unwrap();
    assert_eq!(world.handed_off(&post).await, vec![true, true]);
    let due = DueTime {
        at: world.clock.now() + SignedDuration::from_hours(5),
        zone: "UTC".into(),
    };
    world
        .store
        .reschedule_post(post.id, due.clone(), world.clock.now())
        .await
        .unwrap();
    world.scheduler().run_until_idle().await.unwrap();
    assert_eq!(world.handed_off(&post).await, vec![true, true]);
    let withdrawn = world.calls("DELETE", "facebook", "");
    assert_eq!(withdrawn.len(), 2, "each Page's held video: {withdrawn:?}");
    world.sandbox.clock().advance(Duration::from_secs(6 * 3600));
    let live = world.wait_live("reel", 2).await;
    assert_eq!(live.len(), 2, "only the new hand-over goes out: {live:?}");
    assert!(live
        .iter()
        .all(|p| p.published_at.as_second() == due.at.as_second()));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(world.sandbox.live().len(), 2, "{:?}", world.sandbox.live());
}

#[tokio::test]
async fn video_and_photo_stories_publish_once() {
    let world = World::new().await;
    let clip = world.file("story.mp4", &mp4(200_000));
    let photo = world.file("story.png", &tiny_png());
    let video_story = world
        .post("", PostKind::Story, vec![clip], SignedDuration::ZERO)
        .await;
    let photo_story = world
        .post("", PostKind::Story, vec![photo], SignedDuration::ZERO)
        .await;
    world.scheduler().run_until_idle().await.unwrap();
    for post in [&video_story, &photo_story] {
        for target in world.targets(post).await {
            assert_eq!(target.status, TargetStatus::Published, "{:?}", target.error);
            assert!(target
                .permalink
                .unwrap_or_default()
                .starts_with("https://www.facebook.com/"));
        }
    }
    let live = world.live_per_page("story");
    assert_eq!(live.len(), 2);
    for (page, stories) in &live {
        assert_eq!(stories.len(), 2, "one video and one photo story on {page}");
    }
}

#[tokio::test]
async fn a_story_due_later_is_not_handed_over_and_publishes_at_its_time() {
    let world = World::new().await;
    let photo = world.file("later.png", &tiny_png());
    let post = world
        .post(
            "",
            PostKind::Story,
            vec![photo],
            SignedDuration::from_hours(2),
        )
        .await;
    let scheduler = world.scheduler();
    assert_eq!(
        scheduler.tick().await.unwrap(),
        0,
        "stories are never handed over"
    );
    assert_eq!(
        world.statuses(&post).await,
        vec![TargetStatus::Scheduled; 2]
    );
    assert_eq!(world.handed_off(&post).await, vec![false, false]);
    assert!(
        world
            .sandbox
            .journal()
            .iter()
            .all(|e| e.path.ends_with("/me/accounts")),
        "nothing sent to Facebook after the import: {:?}",
        world.sandbox.journal()
    );
    // An hour later it is still waiting, and nothing is claimed.
    world.clock.advance(SignedDuration::from_hours(1));
    assert_eq!(scheduler.tick().await.unwrap(), 0);
    assert!(world.live_per_page("story").is_empty());
    // At its time Herald publishes it.
    world.clock.advance(SignedDuration::from_mins(61));
    assert_eq!(scheduler.tick().await.unwrap(), 2);
    assert_eq!(
        world.statuses(&post).await,
        vec![TargetStatus::Published; 2]
    );
    world.assert_once_per_page("story");
    assert!(world.sandbox.live().iter().all(|p| !p.scheduled));
}

#[tokio::test]
async fn a_dropped_reel_upload_resumes_at_the_recorded_offset() {
    let world = World::new().await;
    // The first chunk goes through; the second is cut off four times in a row, more than
    // one attempt retries, so the attempt ends and the next one resumes.
    world
        .sandbox
        .faults()
        .add(pass(1).method("POST").host("rupload"));
    world.sandbox.faults().add(
        FaultRule::new(FaultAction::Drop)
            .method("POST")
            .host("rupload")
            .count(4),
    );
    let video = world.file("big.mp4", &mp4(THREE_CHUNKS));
    let post = world
        .post(
            "Big reel",
            PostKind::Reel,
            vec![video],
            SignedDuration::ZERO,
        )
        .await;
    world.scheduler().tick().await.unwrap();
    let targets = world.targets(&post).await;
    let waiting: Vec<_> = targets
        .iter()
        .filter(|t| t.status == TargetStatus::Scheduled)
        .collect();
    assert_eq!(waiting.len(), 1, "{targets:?}");
    assert_eq!(
        waiting[0].error.as_ref().map(|e| e.code.as_str()),
        Some("network")
    );
    let recorded: Vec<u64> = world
        .progress(&post)
        .await
        .iter()
        .filter_map(|p| p.get("uploaded").and_then(Value::as_u64))
        .collect();
    assert!(recorded.contains(&CHUNK), "{recorded:?}");

    world.drain().await;
    assert_eq!(
        world.statuses(&post).await,
        vec![TargetStatus::Published; 2]
    );
    world.assert_once_per_page("reel");
    let uploads = world.calls("POST", "rupload", "/video-upload/");
    assert_eq!(uploads.len(), 2, "one upload per Page: {uploads:?}");
    let mut dropped = 0;
    for (path, entries) in &uploads {
        let ok = entries.iter().filter(|e| e.status == Some(200)).count();
        assert_eq!(
            ok, 3,
            "each chunk taken once, none sent again: {path} {entries:?}"
        );
        dropped += entries.iter().filter(|e| e.status.is_none()).count();
    }
    assert_eq!(dropped, 4);
}

#[tokio::test]
async fn a_chunk_facebook_took_before_the_connection_dropped_is_not_sent_again() {
    let world = World::new().await;
    // Facebook stores the second chunk, then the connection drops before Herald hears it:
    // Herald asks where the upload stands and goes on with the third.
    world
        .sandbox
        .faults()
        .add(pass(1).method("POST").host("rupload"));
    world.sandbox.faults().add(
        FaultRule::new(FaultAction::DropAfterApply)
            .method("POST")
            .host("rupload"),
    );
    let video = world.file("big.mp4", &mp4(THREE_CHUNKS));
    let post = world
        .post("Taken", PostKind::Reel, vec![video], SignedDuration::ZERO)
        .await;
    world.scheduler().run_until_idle().await.unwrap();
    assert_eq!(
        world.statuses(&post).await,
        vec![TargetStatus::Published; 2]
    );
    world.assert_once_per_page("reel");
    let uploads = world.calls("POST", "rupload", "/video-upload/");
    let sent: Vec<usize> = uploads.values().map(Vec::len).collect();
    assert_eq!(
        sent,
        vec![3, 3],
        "three chunks per Page, none twice: {uploads:?}"
    );
}

#[tokio::test]
async fn a_dropped_feed_video_transfer_resumes_at_the_recorded_offset() {
    let world = World::new().await;
    // start and the first transfer go through; the second transfer is cut off four times.
    world
        .sandbox
        .faults()
        .add(pass(2).method("POST").host("facebook-video"));
    world.sandbox.faults().add(
        FaultRule::new(FaultAction::Drop)
            .method("POST")
            .host("facebook-video")
            .count(4),
    );
    let video = world.file("big.mp4", &mp4(THREE_CHUNKS));
    let post = world
        .post(
            "Long video",
            PostKind::Video,
            vec![video],
            SignedDuration::ZERO,
        )
        .await;
    world.drain().await;
    assert_eq!(
        world.statuses(&post).await,
        vec![TargetStatus::Published; 2]
    );
    world.assert_once_per_page("video");
    let calls = world.calls("POST", "facebook-video", "/videos");
    let mut dropped = 0;
    for (path, entries) in &calls {
        let ok = entries.iter().filter(|e| e.status == Some(200)).count();
        assert_eq!(
            ok, 5,
            "start, 3 chunks once each, finish: {path} {entries:?}"
        );
        dropped += entries.iter().filter(|e| e.status.is_none()).count();
    }
    assert_eq!(dropped, 4);
}

/// Facebook applies the publish step of each Page's post, then the connection drops before
/// Herald hears the answer: the next attempt asks Facebook and does not publish again.
async fn a_lost_publish_answer_is_reconciled(
    kind: PostKind,
    file: (&str, Vec<u8>),
    host: &str,
    edge: &str,
    calls_before_publish: u32,
    live_kind: &str,
) {
    let world = World::new().await;
    for _ in 0..2 {
        if calls_before_publish > 0 {
            world.sandbox.faults().add(
                pass(calls_before_publish)
                    .method("POST")
                    .host(host)
                    .path_contains(edge),
            );
        }
        world.sandbox.faults().add(
            FaultRule::new(FaultAction::DropAfterApply)
                .method("POST")
                .host(host)
                .path_contains(edge),
        );
    }
    let media = world.file(file.0, &file.1);
    let caption = if kind == PostKind::Story {
        ""
    } else {
        "Lost answer"
    };
    let post = world
        .post(caption, kind, vec![media], SignedDuration::ZERO)
        .await;
    world.scheduler().tick().await.unwrap();
    assert_eq!(
        world.statuses(&post).await,
        vec![TargetStatus::Scheduled; 2],
        "waiting to retry: {:?}",
        world.targets(&post).await
    );
    assert!(
        world.sandbox.faults().list().is_empty(),
        "every fault was used"
    );
    world.drain().await;
    assert_eq!(
        world.statuses(&post).await,
        vec![TargetStatus::Published; 2],
        "{:?}",
        world.targets(&post).await
    );
    world.assert_once_per_page(live_kind);
    let calls = world.calls("POST", host, edge);
    assert_eq!(calls.len(), 2);
    for (path, entries) in &calls {
        assert_eq!(
            entries.len(),
            calls_before_publish as usize + 1,
            "the publish step was not repeated: {path} {entries:?}"
        );
    }
}

#[tokio::test]
async fn a_lost_reel_finish_is_reconciled() {
    a_lost_publish_answer_is_reconciled(
        PostKind::Reel,
        ("reel.mp4", mp4(300_000)),
        "facebook",
        "/video_reels",
        1,
        "reel",
    )
    .await;
}

#[tokio::test]
async fn a_lost_feed_video_finish_is_reconciled() {
    // start, one transfer, then finish on the video host.
    a_lost_publish_answer_is_reconciled(
        PostKind::Video,
        ("video.mp4", mp4(300_000)),
        "facebook-video",
        "/videos",
        2,
        "video",
    )
    .await;
}

#[tokio::test]
async fn a_lost_video_story_finish_is_reconciled() {
    a_lost_publish_answer_is_reconciled(
        PostKind::Story,
        ("story.mp4", mp4(300_000)),
        "facebook",
        "/video_stories",
        1,
        "story",
    )
    .await;
}

#[tokio::test]
async fn a_lost_photo_story_answer_is_reconciled() {
    a_lost_publish_answer_is_reconciled(
        PostKind::Story,
        ("story.png", tiny_png()),
        "facebook",
        "/photo_stories",
        0,
        "story",
    )
    .await;
}

#[tokio::test]
async fn the_daily_reel_limit_fails_with_a_plain_sentence() {
    let world = World::with_seed(Seed {
        reels_per_day: 0,
        ..Seed::default()
    })
    .await;
    let video = world.file("one-too-many.mp4", &mp4(300_000));
    let post = world
        .post(
            "Too many",
            PostKind::Reel,
            vec![video],
            SignedDuration::ZERO,
        )
        .await;
    world.scheduler().run_until_idle().await.unwrap();
    for target in world.targets(&post).await {
        assert_eq!(target.status, TargetStatus::Failed);
        let error = target.error.unwrap();
        assert_eq!(error.code, "9");
        assert!(
            error.message.contains("30 reels") && error.message.contains("tomorrow"),
            "{}",
            error.message
        );
    }
    assert!(world.sandbox.live().is_empty());
}

#[tokio::test]
async fn videos_facebook_refuses_fail_with_the_reason() {
    let world = World::new().await;
    // Herald takes it for a video (FLV), Facebook cannot process it.
    let mut flv = b"FLV\x01\x05\0\0\0\x09".to_vec();
    flv.resize(8192, 7);
    let unprocessable = world.file("clip.flv", &flv);
    let tiny = world.file("tiny.mp4", &mp4(600));
    let bad = world
        .post(
            "Odd format",
            PostKind::Video,
            vec![unprocessable],
            SignedDuration::ZERO,
        )
        .await;
    let small = world
        .post(
            "Too small",
            PostKind::Video,
            vec![tiny],
            SignedDuration::ZERO,
        )
        .await;
    let mixed = world
        .post(
            "Both",
            PostKind::Post,
            vec![
                world.file("a.mp4", &mp4(4096)),
                world.file("b.png", &tiny_png()),
            ],
            SignedDuration::ZERO,
        )
        .await;
    world.scheduler().run_until_idle().await.unwrap();
    let error = world.failure(&bad).await;
    assert_eq!(error.code, "video_processing");
    assert!(
        error.message.contains("not in a format"),
        "{}",
        error.message
    );
    let error = world.failure(&small).await;
    assert_eq!(error.code, "382/1363022");
    assert!(error.message.contains("too small"), "{}", error.message);
    let error = world.failure(&mixed).await;
    assert!(
        error.message.contains("either photos or one video"),
        "{}",
        error.message
    );
    assert!(world.sandbox.live().is_empty());
}
