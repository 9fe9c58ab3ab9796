//! Instagram end to end: Herald prepares the media, puts it in a real S3-compatible relay (SigV4
//! enforced), the sandbox downloads it through the presigned URL, and the post goes live exactly
//! once, with its permalink, leaving the relay bucket and the publishing copies empty.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use common::{endpoints, TestClock};
use herald_core::domain::{AccountView, Platform, PostKind, PostView, TargetStatus};
use herald_core::media::image::AspectFix;
use herald_core::media::testing::{write_mp4, MinimalMp4};
use herald_core::options::{InstagramOptions, PostOptions};
use herald_core::posts::{NewMedia, NewPost};
use herald_core::relay::RelaySettings;
use herald_core::scheduler::Scheduler;
use herald_core::time::{Clock, DueTime};
use herald_core::vault::{MemoryVault, Secret};
use herald_core::Store;
use herald_platforms::import::import_accounts;
use herald_platforms::PlatformPublisher;
use herald_sandbox::{
    FaultAction, FaultRule, RunningS3, RunningSandbox, S3Config, SandboxConfig, Seed,
};
use jiff::{SignedDuration, Timestamp};

struct Ig {
    sandbox: RunningSandbox,
    s3: RunningS3,
    store: Store,
    vault: Arc<MemoryVault>,
    clock: TestClock,
    /// Account A (resumable uploads allowed, every permission) and B (no comment permission,
    /// no resumable upload).
    accounts: Vec<AccountView>,
    dir: tempfile::TempDir,
}

impl Ig {
    async fn new() -> Ig {
        Ig::with_seed(Seed::default(), true).await
    }

    async fn with_seed(seed: Seed, relay: bool) -> Ig {
        let sandbox = herald_sandbox::start(SandboxConfig { port: 0, seed })
            .await
            .unwrap();
        let s3 = herald_sandbox::start_s3(S3Config::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let vault = Arc::new(MemoryVault::new());
        let now = Timestamp::now();
        let mut accounts = Vec::new();
        for n in 0..2 {
            let token_file = dir.path().join(format!("ig-{n}.json"));
            let token = sandbox.tokens().instagram_token(n).to_owned();
            std::fs::write(&token_file, format!(r#"{{"access_token":"{token}"}}"#)).unwrap();
            let imported = import_accounts(
                &store,
                vault.clone(),
                &endpoints(&sandbox),
                Platform::Instagram,
                &token_file,
                now,
            )
            .await
            .unwrap();
            accounts.extend(imported);
        }
        if relay {
            let defaults = S3Config::default();
            store
                .set_relay(
                    RelaySettings {
                        endpoint: s3.endpoint(),
                        region: defaults.region,
                        bucket: defaults.bucket,
                        access_key_id: defaults.access_key_id,
                    },
                    &Secret::new(defaults.secret_access_key),
                    vault.as_ref(),
                )
                .await
                .unwrap();
        }
        Ig {
            clock: TestClock(Arc::new(Mutex::new(now))),
            sandbox,
            s3,
            store,
            vault,
            accounts,
            dir,
        }
    }

    fn work_dir(&self) -> PathBuf {
        self.dir.path().join("publishing")
    }

    fn scheduler(&self) -> Scheduler<PlatformPublisher> {
        let endpoints = endpoints(&self.sandbox);
        let publisher = PlatformPublisher::new(&endpoints, self.vault.clone()).with_store(
            self.store.clone(),
            self.work_dir(),
            &endpoints,
        );
        Scheduler::new(
            self.store.clone(),
            publisher,
            Arc::new(self.clock.clone()),
            "test",
        )
    }

    /// Runs scheduler passes, moving Herald's clock on between them so retries come due.
    async fn drain(&self) {
        let scheduler = self.scheduler();
        for _ in 0..6 {
            scheduler.tick().await.unwrap();
            self.clock.advance(SignedDuration::from_mins(20));
        }
    }

    fn jpeg(&self, name: &str, width: u32, height: u32) -> PathBuf {
        let path = self.dir.path().join(name);
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 251) as u8, (y % 241) as u8, 128])
        });
        image.save(&path).unwrap();
        path
    }

    fn png_with_alpha(&self, name: &str, width: u32, height: u32) -> PathBuf {
        let path = self.dir.path().join(name);
        let image = image::RgbaImage::from_fn(width, height, |x, _| {
            image::Rgba([200, 10, 10, (x % 256) as u8])
        });
        image.save(&path).unwrap();
        path
    }

    fn video(&self, name: &str, spec: MinimalMp4) -> PathBuf {
        let path = self.dir.path().join(name);
        write_mp4(&path, &spec).unwrap();
        path
    }

    async fn post(
        &self,
        accounts: &[usize],
        kind: PostKind,
        caption: &str,
        media: Vec<PathBuf>,
        instagram: InstagramOptions,
    ) -> PostView {
        self.store
            .create_post(
                NewPost {
                    caption: caption.to_owned(),
                    kind,
                    due: Some(DueTime {
                        at: self.clock.now() + SignedDuration::from_secs(30),
                        zone: "UTC".to_owned(),
                    }),
                    draft: false,
                    accounts: accounts.iter().map(|n| self.accounts[*n].id).collect(),
                    media: media
                        .into_iter()
                        .map(|path| NewMedia {
                            path,
                            alt_text: Some("A loaf of bread on a table".to_owned()),
                        })
                        .collect(),
                    options: PostOptions {
                        instagram,
                        ..PostOptions::default()
                    },
                },
                self.clock.now(),
            )
            .await
            .unwrap()
    }

    async fn publish(&self, post: &PostView) -> PostView {
        self.clock.advance(SignedDuration::from_mins(1));
        self.drain().await;
        self.store.post(post.id).await.unwrap()
    }

    /// Live Instagram posts of an account.
    fn live(&self, account: usize) -> Vec<herald_sandbox::LivePost> {
        let user = &self.sandbox.tokens().instagram_accounts[account].user_id;
        self.sandbox
            .live()
            .into_iter()
            .filter(|p| p.platform == "instagram" && &p.account_id == user)
            .collect()
    }

    fn assert_nothing_left(&self) {
        assert!(
            self.s3.object_keys().is_empty(),
            "relay: {:?}",
            self.s3.object_keys()
        );
        let copies = files_under(&self.work_dir());
        assert!(copies.is_empty(), "publishing copies left: {copies:?}");
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| {
            if e.path().is_dir() {
                files_under(&e.path())
            } else {
                vec![e.path()]
            }
        })
        .collect()
}

fn published(post: &PostView) -> &herald_core::domain::TargetView {
    let target = &post.targets[0];
    assert_eq!(target.status, TargetStatus::Published, "{target:?}");
    target
}

fn reel(duration_ms: u64) -> MinimalMp4 {
    MinimalMp4 {
        duration_ms,
        mdat_bytes: 200_000,
        ..MinimalMp4::default()
    }
}

#[tokio::test]
async fn every_kind_publishes_through_the_relay_with_a_permalink() {
    let ig = Ig::new().await;
    let photo = ig.jpeg("bread.jpg", 1080, 1350);
    let square = ig.jpeg("square.jpg", 1080, 1080);
    let clip = ig.video("clip.mp4", reel(8_000));

    // Account B: no resumable uploads, so its videos go through the relay too.
    let image = ig
        .post(
            &[1],
            PostKind::Post,
            "Fresh bread #bakery",
            vec![photo.clone()],
            Default::default(),
        )
        .await;
    let carousel = ig
        .post(
            &[1],
            PostKind::Carousel,
            "Three views",
            vec![photo.clone(), square.clone(), clip.clone()],
            Default::default(),
        )
        .await;
    let reel_post = ig
        .post(
            &[1],
            PostKind::Reel,
            "Behind the oven",
            vec![clip.clone()],
            InstagramOptions {
                cover: Some(square.to_string_lossy().into_owned()),
                share_to_feed: Some(false),
                ..Default::default()
            },
        )
        .await;
    let story = ig
        .post(
            &[1],
            PostKind::Story,
            "",
            vec![photo.clone()],
            Default::default(),
        )
        .await;
    let story_video = ig
        .post(
            &[1],
            PostKind::Story,
            "",
            vec![ig.video("story.mp4", reel(5_000))],
            Default::default(),
        )
        .await;

    for post in [&image, &carousel, &reel_post, &story, &story_video] {
        let done = ig.publish(post).await;
        let target = published(&done);
        let link = target.permalink.as_deref().unwrap_or_default();
        assert!(link.starts_with("https://www.instagram.com/"), "{link}");
    }
    let live = ig.live(1);
    assert_eq!(live.len(), 5, "{live:?}");

    let containers = ig.sandbox.instagram_containers();
    // Every photo and video reached Instagram through the relay's presigned URLs.
    for container in containers.iter().filter(|c| c.media_type != "CAROUSEL") {
        let source = container.source_url.as_deref().unwrap_or_default();
        assert!(source.contains("X-Amz-Signature="), "{container:?}");
        assert!(container.bytes > 0, "{container:?}");
        assert!(!container.by_rupload);
    }
    let reel_container = containers.iter().find(|c| c.media_type == "REELS").unwrap();
    assert!(
        reel_container.cover_bytes.unwrap_or(0) > 0,
        "{reel_container:?}"
    );
    assert_eq!(reel_container.share_to_feed, Some(false));
    // Tokens travel in headers, never in a URL the platform (or a proxy) could log.
    for entry in ig.sandbox.journal() {
        for n in 0..2 {
            let token = ig.sandbox.tokens().instagram_token(n).to_owned();
            assert!(
                !entry.path.contains(&token) && !entry.query.contains(&token),
                "{entry:?}"
            );
        }
    }
    let image_container = containers
        .iter()
        .find(|c| c.media_type == "IMAGE" && !c.is_carousel_item)
        .unwrap();
    assert_eq!(
        image_container.alt_text.as_deref(),
        Some("A loaf of bread on a table")
    );
    ig.assert_nothing_left();
}

#[tokio::test]
async fn reels_use_resumable_upload_where_the_account_allows_it() {
    let ig = Ig::with_seed(Seed::default(), false).await;
    let clip = ig.video("clip.mp4", reel(8_000));
    let post = ig
        .post(
            &[0],
            PostKind::Reel,
            "No relay needed",
            vec![clip],
            Default::default(),
        )
        .await;
    let done = ig.publish(&post).await;
    published(&done);
    let containers = ig.sandbox.instagram_containers();
    assert_eq!(containers.len(), 1);
    assert!(containers[0].by_rupload);
    assert_eq!(
        containers[0].bytes,
        std::fs::metadata(ig.dir.path().join("clip.mp4"))
            .unwrap()
            .len()
    );

    // A photo cannot go without a relay: the failure says what to set up.
    let photo = ig.jpeg("bread.jpg", 1080, 1080);
    let post = ig
        .post(
            &[0],
            PostKind::Post,
            "Needs a relay",
            vec![photo],
            Default::default(),
        )
        .await;
    let done = ig.publish(&post).await;
    let error = done.targets[0].error.clone().unwrap();
    assert_eq!(done.targets[0].status, TargetStatus::Failed);
    assert!(error.message.contains("media relay"), "{error:?}");
}

#[tokio::test]
async fn a_lost_media_publish_answer_is_reconciled_not_repeated() {
    let ig = Ig::new().await;
    let photo = ig.jpeg("bread.jpg", 1080, 1080);
    ig.sandbox.faults().add(
        FaultRule::new(FaultAction::DropAfterApply)
            .host("instagram-graph")
            .path_contains("media_publish"),
    );
    let post = ig
        .post(
            &[0],
            PostKind::Post,
            "Exactly once",
            vec![photo],
            Default::default(),
        )
        .await;
    let done = ig.publish(&post).await;
    let target = published(&done);
    assert!(target.permalink.is_some(), "{target:?}");
    assert_eq!(ig.live(0).len(), 1, "{:?}", ig.live(0));
    let publishes = ig
        .sandbox
        .journal()
        .into_iter()
        .filter(|e| e.host == "instagram-graph" && e.path.ends_with("media_publish"))
        .count();
    assert_eq!(publishes, 1, "media_publish was repeated");
    ig.assert_nothing_left();
}

#[tokio::test]
async fn photos_are_prepared_and_the_users_crop_is_applied() {
    let ig = Ig::new().await;
    let tall = ig.jpeg("tall.jpg", 900, 1600);
    let transparent = ig.png_with_alpha("logo.png", 2000, 1500);

    // 9:16 for the feed: refused until the user picks Fit or Crop.
    let refused = ig
        .store
        .create_post(
            NewPost {
                caption: "Tall".to_owned(),
                kind: PostKind::Post,
                due: Some(DueTime {
                    at: ig.clock.now() + SignedDuration::from_mins(5),
                    zone: "UTC".to_owned(),
                }),
                draft: false,
                accounts: vec![ig.accounts[0].id],
                media: vec![tall.clone().into()],
                options: PostOptions::default(),
            },
            ig.clock.now(),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("Fit or Crop"), "{refused}");

    let cropped = ig
        .post(
            &[0],
            PostKind::Post,
            "Tall, cropped",
            vec![tall],
            InstagramOptions {
                aspect_fix: Some(AspectFix::Crop),
                ..Default::default()
            },
        )
        .await;
    let png = ig
        .post(
            &[0],
            PostKind::Post,
            "Logo",
            vec![transparent],
            Default::default(),
        )
        .await;
    published(&ig.publish(&cropped).await);
    published(&ig.publish(&png).await);

    let containers = ig.sandbox.instagram_containers();
    let sizes: Vec<(u32, u32)> = containers
        .iter()
        .map(|c| (c.width.unwrap_or(0), c.height.unwrap_or(0)))
        .collect();
    // 900×1600 cropped to 4:5 → 900×1125; 2000×1500 PNG → JPEG scaled to 1440 wide.
    assert_eq!(sizes, vec![(900, 1125), (1440, 1080)]);
    ig.assert_nothing_left();
}

#[tokio::test]
async fn the_first_comment_is_posted_and_its_failure_leaves_the_post_published() {
    let ig = Ig::new().await;
    let photo = ig.jpeg("bread.jpg", 1080, 1080);
    let options = InstagramOptions {
        first_comment: Some("#bread #bakery #sourdough".to_owned()),
        ..Default::default()
    };
    // A: may comment. B: lacks instagram_business_manage_comments.
    let post = ig
        .post(
            &[0, 1],
            PostKind::Post,
            "Hashtags below",
            vec![photo],
            options,
        )
        .await;
    let done = ig.publish(&post).await;
    assert!(
        done.targets
            .iter()
            .all(|t| t.status == TargetStatus::Published),
        "{done:?}"
    );
    let with_comment = done
        .targets
        .iter()
        .find(|t| t.account_id == ig.accounts[0].id)
        .unwrap();
    let comment = with_comment.first_comment.clone().unwrap();
    assert!(
        comment.id.is_some() && comment.error.is_none(),
        "{comment:?}"
    );
    let without = done
        .targets
        .iter()
        .find(|t| t.account_id == ig.accounts[1].id)
        .unwrap();
    let failed = without.first_comment.clone().unwrap();
    assert!(failed.id.is_none());
    let reason = failed.error.unwrap();
    assert!(
        reason.contains("The post is live, but the first comment could not be posted"),
        "{reason}"
    );
    assert_eq!(ig.live(0).len() + ig.live(1).len(), 2);
}

#[tokio::test]
async fn a_full_quota_waits_for_a_free_slot_and_is_shown_on_the_account() {
    let mut seed = Seed::default();
    seed.instagram_accounts[0].quota_usage = seed.instagram_quota_total;
    let ig = Ig::with_seed(seed, true).await;
    let photo = ig.jpeg("bread.jpg", 1080, 1080);
    let post = ig
        .post(
            &[0],
            PostKind::Post,
            "Over the limit",
            vec![photo],
            Default::default(),
        )
        .await;
    ig.clock.advance(SignedDuration::from_mins(1));
    ig.scheduler().tick().await.unwrap();
    let waiting = ig.store.post(post.id).await.unwrap();
    let target = &waiting.targets[0];
    assert_eq!(target.status, TargetStatus::Scheduled, "{target:?}");
    let error = target.error.clone().unwrap();
    assert!(
        error.message.contains("daily limit of 50 posts"),
        "{error:?}"
    );
    assert!(ig.live(0).is_empty());
    let account = ig.store.account(ig.accounts[0].id).await.unwrap();
    let quota = account.quota.unwrap();
    assert_eq!((quota.used, quota.total, quota.window_hours), (50, 50, 24));
    // Nothing was uploaded for a post that cannot go out yet.
    assert!(ig.sandbox.instagram_containers().is_empty());
    assert!(ig.s3.object_keys().is_empty());
}

#[tokio::test]
async fn scheduling_past_the_quota_is_flagged_when_scheduled() {
    let ig = Ig::new().await;
    let photo = ig.jpeg("bread.jpg", 1080, 1080);
    ig.store
        .record_quota(ig.accounts[0].id, 0, 2, 86_400, ig.clock.now())
        .await
        .unwrap();
    let mut posts = Vec::new();
    for n in 0..3 {
        posts.push(
            ig.post(
                &[0],
                PostKind::Post,
                &format!("Post {n}"),
                vec![photo.clone()],
                Default::default(),
            )
            .await,
        );
    }
    let third = ig.store.post(posts[2].id).await.unwrap();
    let warning = third.targets[0].warning.clone().unwrap();
    assert!(
        warning.contains("post 3 within 24 hours") && warning.contains("allows 2"),
        "{warning}"
    );
    let first = ig.store.post(posts[0].id).await.unwrap();
    assert!(first.targets[0].warning.is_none());

    // The calendar asks before a move: to the same day it still breaks the quota, a week later
    // it does not; asking changes nothing.
    let due: jiff::Timestamp = third.due_at.clone().unwrap().parse().unwrap();
    let same_day = ig.store.warnings_if_moved(third.id, due).await.unwrap();
    assert_eq!(same_day.len(), 1, "{same_day:?}");
    assert!(same_day[0].contains("allows 2"), "{same_day:?}");
    let week_later = due + jiff::SignedDuration::from_hours(7 * 24);
    assert!(ig
        .store
        .warnings_if_moved(third.id, week_later)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(ig.store.post(third.id).await.unwrap().due_at, third.due_at);
}

#[tokio::test]
async fn a_video_instagram_cannot_fetch_fails_with_a_plain_reason_and_no_leftovers() {
    let ig = Ig::new().await;
    let clip = ig.video("clip.mp4", reel(8_000));
    // Instagram's fetch of the presigned URL fails (the relay answers 403 to the sandbox).
    ig.sandbox.faults().add(
        FaultRule::new(FaultAction::Status { status: 400, body: Some(serde_json::json!({"error": {"message": "The media could not be fetched from this uri", "code": 9004, "error_subcode": 2207052}})) })
            .host("instagram-graph")
            .path_contains("/media")
            .method("POST")
            .count(20),
    );
    let post = ig
        .post(
            &[1],
            PostKind::Reel,
            "Unlucky",
            vec![clip],
            Default::default(),
        )
        .await;
    let done = ig.publish(&post).await;
    let target = &done.targets[0];
    assert_eq!(target.status, TargetStatus::Failed, "{target:?}");
    let error = target.error.clone().unwrap();
    assert!(
        error.message.contains("could not fetch the media"),
        "{error:?}"
    );
    assert!(ig.live(1).is_empty());
    ig.assert_nothing_left();
}

#[tokio::test]
async fn not_ready_yet_is_waited_out_not_failed() {
    let ig = Ig::new().await;
    let photo = ig.jpeg("bread.jpg", 1080, 1080);
    ig.sandbox.faults().add(
        FaultRule::new(FaultAction::Status {
            status: 400,
            body: Some(serde_json::json!({"error": {
                "message": "Media ID is not available", "type": "OAuthException", "code": 9007,
                "error_subcode": 2207027, "is_transient": false,
                "error_user_msg": "The media is not ready for publishing, please wait for a moment"
            }})),
        })
        .host("instagram-graph")
        .path_contains("media_publish"),
    );
    let post = ig
        .post(
            &[0],
            PostKind::Post,
            "Patience",
            vec![photo],
            Default::default(),
        )
        .await;
    ig.clock.advance(SignedDuration::from_mins(1));
    // One pass: the "not ready" answer is waited out inside the attempt.
    ig.scheduler().tick().await.unwrap();
    let done = ig.store.post(post.id).await.unwrap();
    published(&done);
    assert_eq!(ig.live(0).len(), 1);
    let attempts: i64 = sqlx::query_scalar("SELECT count(*) FROM publish_attempts")
        .fetch_one(ig.store.pool())
        .await
        .unwrap();
    assert_eq!(attempts, 1, "no attempt was spent on 'not ready'");
}
