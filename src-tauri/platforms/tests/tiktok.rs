//! TikTok end to end against the sandbox: videos sent by FILE_UPLOAD in TikTok's exact chunks
//! (the sandbox checks every Content-Range), a connection dropped in the middle of chunk 3
//! resumed without re-sending chunks 1–2, drafts to the inbox, photo posts through the relay,
//! the creator's options enforced before scheduling, and refresh tokens rotated safely.

mod common;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use common::{endpoints, TestClock};
use herald_core::domain::{AccountView, Platform, PostKind, PostView, TargetStatus};
use herald_core::media::testing::{write_mp4, MinimalMp4};
use herald_core::options::{PostOptions, TikTokOptions, TikTokPrivacy};
use herald_core::posts::{NewMedia, NewPost};
use herald_core::relay::RelaySettings;
use herald_core::scheduler::Scheduler;
use herald_core::time::{Clock, DueTime};
use herald_core::vault::{MemoryVault, Secret, SecretKey, Vault};
use herald_core::Store;
use herald_platforms::import::import_accounts;
use herald_platforms::PlatformPublisher;
use herald_sandbox::{
    FaultAction, FaultRule, RunningS3, RunningSandbox, S3Config, SandboxConfig, Seed,
};
use jiff::{SignedDuration, Timestamp};

struct Tt {
    sandbox: RunningSandbox,
    s3: RunningS3,
    store: Store,
    vault: Arc<MemoryVault>,
    clock: TestClock,
    /// Creator A (public account) and B (private).
    accounts: Vec<AccountView>,
    dir: tempfile::TempDir,
}

impl Tt {
    async fn new() -> Tt {
        Tt::with_seed(Seed::default()).await
    }

    async fn with_seed(seed: Seed) -> Tt {
        let sandbox = herald_sandbox::start(SandboxConfig { port: 0, seed })
            .await
            .unwrap();
        let s3 = herald_sandbox::start_s3(S3Config::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let vault = Arc::new(MemoryVault::new());
        let tokens = sandbox.tokens();
        // The user's own TikTok app (the sandbox's), for refreshing tokens.
        store
            .set_developer_app(
                &herald_core::apps::DeveloperAppInput {
                    platform: Platform::TikTok,
                    client_id: &tokens.tiktok_client_key,
                    redirect_uri: None,
                    secret: Some(&Secret::new(tokens.tiktok_client_secret.clone())),
                },
                vault.as_ref(),
                Timestamp::now(),
            )
            .await
            .unwrap();
        let now = Timestamp::now();
        let mut accounts = Vec::new();
        for creator in tokens.tiktok_creators.iter().take(2) {
            let file = dir.path().join(format!("{}.json", creator.open_id));
            std::fs::write(
                &file,
                format!(
                    r#"{{"access_token":"{}","refresh_token":"{}","expires_in":86400,"refresh_expires_in":31536000}}"#,
                    creator.access_token, creator.refresh_token
                ),
            )
            .unwrap();
            let imported = import_accounts(
                &store,
                vault.clone(),
                &endpoints(&sandbox),
                Platform::TikTok,
                &file,
                now,
            )
            .await
            .unwrap_or_else(|err| panic!("{err}: {:#?}", sandbox.journal()));
            accounts.extend(imported);
        }
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
        Tt {
            clock: TestClock(Arc::new(Mutex::new(now))),
            sandbox,
            s3,
            store,
            vault,
            accounts,
            dir,
        }
    }

    fn scheduler(&self) -> Scheduler<PlatformPublisher> {
        let endpoints = endpoints(&self.sandbox);
        let publisher = PlatformPublisher::new(&endpoints, self.vault.clone()).with_store(
            self.store.clone(),
            self.dir.path().join("publishing"),
            &endpoints,
        );
        Scheduler::new(
            self.store.clone(),
            publisher,
            Arc::new(self.clock.clone()),
            "test",
        )
    }

    async fn drain(&self) {
        let scheduler = self.scheduler();
        for _ in 0..4 {
            scheduler.tick().await.unwrap();
            self.clock.advance(SignedDuration::from_mins(5));
        }
    }

    fn video(&self, name: &str, bytes: u64) -> PathBuf {
        let path = self.dir.path().join(name);
        write_mp4(
            &path,
            &MinimalMp4 {
                mdat_bytes: bytes,
                duration_ms: 20_000,
                ..MinimalMp4::default()
            },
        )
        .unwrap();
        path
    }

    fn photo(&self, name: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        image::RgbImage::from_pixel(1200, 1600, image::Rgb([90, 140, 200]))
            .save(&path)
            .unwrap();
        path
    }

    fn new_post(
        &self,
        account: usize,
        kind: PostKind,
        media: Vec<PathBuf>,
        tiktok: TikTokOptions,
    ) -> NewPost {
        NewPost {
            caption: "Fresh bread 🍞 #bakery".to_owned(),
            kind,
            due: Some(DueTime {
                at: self.clock.now() + SignedDuration::from_secs(30),
                zone: "UTC".to_owned(),
            }),
            draft: false,
            accounts: vec![self.accounts[account].id],
            media: media.into_iter().map(NewMedia::from).collect(),
            options: PostOptions {
                tiktok,
                ..PostOptions::default()
            },
        }
    }

    async fn post(
        &self,
        account: usize,
        kind: PostKind,
        media: Vec<PathBuf>,
        tiktok: TikTokOptions,
    ) -> PostView {
        self.store
            .create_post(
                self.new_post(account, kind, media, tiktok),
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

    fn live(&self) -> Vec<herald_sandbox::LivePost> {
        self.sandbox
            .live()
            .into_iter()
            .filter(|p| p.platform == "tiktok")
            .collect()
    }
}

fn public() -> TikTokOptions {
    TikTokOptions {
        privacy_level: Some(TikTokPrivacy::PublicToEveryone),
        ..TikTokOptions::default()
    }
}

fn published(post: &PostView) {
    assert!(
        post.targets
            .iter()
            .all(|t| t.status == TargetStatus::Published),
        "{:?}",
        post.targets
    );
}

#[tokio::test]
async fn videos_of_3_70_and_300_mb_are_sent_in_tiktoks_exact_chunks() {
    let tt = Tt::new().await;
    for (name, size) in [
        ("small.mp4", 3_000_000u64),
        ("medium.mp4", 70_000_000),
        ("large.mp4", 300_000_000),
    ] {
        let video = tt.video(name, size);
        let file_size = std::fs::metadata(&video).unwrap().len();
        let post = tt.post(0, PostKind::Video, vec![video], public()).await;
        let done = tt.publish(&post).await;
        published(&done);
        let link = done.targets[0].permalink.clone().unwrap_or_default();
        assert!(link.starts_with("https://www.tiktok.com/@"), "{link}");
        let upload = tt
            .sandbox
            .tiktok_uploads()
            .into_iter()
            .find(|u| u.video_size == file_size)
            .unwrap();
        assert!(upload.complete && upload.refused.is_empty(), "{upload:?}");
        assert_eq!(upload.received_bytes, file_size);
        let expected = if file_size <= 64_000_000 {
            1
        } else {
            file_size / 10_000_000
        };
        assert_eq!(upload.chunks.len() as u64, expected, "{name}");
    }
    assert_eq!(tt.live().len(), 3, "{:?}", tt.live());
}

#[tokio::test]
async fn a_connection_dropped_in_chunk_3_resumes_without_resending_chunks_1_and_2() {
    let tt = Tt::new().await;
    let video = tt.video("medium.mp4", 70_000_000);
    // Chunks 1 and 2 pass; the third is cut after 1 MB.
    tt.sandbox.faults().add(
        FaultRule::new(FaultAction::Delay { ms: 0 })
            .host("tiktok-upload")
            .method("PUT")
            .count(2),
    );
    tt.sandbox.faults().add(
        FaultRule::new(FaultAction::DropMidBody {
            after_bytes: 1_000_000,
        })
        .host("tiktok-upload")
        .method("PUT"),
    );
    let post = tt.post(0, PostKind::Video, vec![video], public()).await;
    let done = tt.publish(&post).await;
    published(&done);
    let uploads = tt.sandbox.tiktok_uploads();
    assert_eq!(uploads.len(), 1, "one upload, not a new one: {uploads:?}");
    let starts: Vec<&str> = uploads[0]
        .chunks
        .iter()
        .map(|c| c.content_range.as_str())
        .collect();
    assert_eq!(starts.len(), 7, "{starts:?}");
    assert!(
        starts[0].starts_with("bytes 0-") && starts[2].starts_with("bytes 20000000-"),
        "{starts:?}"
    );
    let puts = tt
        .sandbox
        .journal()
        .into_iter()
        .filter(|e| e.host == "tiktok-upload" && e.method == "PUT")
        .count();
    assert_eq!(puts, 8, "chunk 3 twice, every other chunk once");
    assert_eq!(tt.live().len(), 1);
}

#[tokio::test]
async fn privacy_is_required_offered_by_the_creator_and_never_private_for_branded_content() {
    let tt = Tt::new().await;
    let video = tt.video("clip.mp4", 1_000_000);
    let missing = tt
        .store
        .create_post(
            tt.new_post(
                0,
                PostKind::Video,
                vec![video.clone()],
                TikTokOptions::default(),
            ),
            tt.clock.now(),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        missing.contains("Choose who can see this post on TikTok"),
        "{missing}"
    );

    // Creator B is private: "Everyone" is not offered.
    let not_offered = tt
        .store
        .create_post(
            tt.new_post(1, PostKind::Video, vec![video.clone()], public()),
            tt.clock.now(),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        not_offered.contains("cannot post to 'Everyone'"),
        "{not_offered}"
    );

    let branded_private = TikTokOptions {
        privacy_level: Some(TikTokPrivacy::SelfOnly),
        branded_content: true,
        ..TikTokOptions::default()
    };
    let err = tt
        .store
        .create_post(
            tt.new_post(0, PostKind::Video, vec![video.clone()], branded_private),
            tt.clock.now(),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("Branded content visibility cannot be set to private"),
        "{err}"
    );

    // Duets that creator B turned off cannot be allowed.
    let duet = TikTokOptions {
        privacy_level: Some(TikTokPrivacy::SelfOnly),
        allow_duet: true,
        ..TikTokOptions::default()
    };
    let err = tt
        .store
        .create_post(
            tt.new_post(1, PostKind::Video, vec![video], duet),
            tt.clock.now(),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("turned off duets"), "{err}");
    assert!(tt.store.list_all_posts().await.unwrap().is_empty());
}

#[tokio::test]
async fn drafts_go_to_the_inbox_and_photo_posts_come_through_the_relay() {
    let tt = Tt::new().await;
    let video = tt.video("draft.mp4", 2_000_000);
    let draft = tt
        .post(
            0,
            PostKind::Video,
            vec![video],
            TikTokOptions {
                draft_in_app: true,
                ..TikTokOptions::default()
            },
        )
        .await;
    let done = tt.publish(&draft).await;
    published(&done);
    let publishes = tt.sandbox.tiktok_publishes();
    assert!(
        publishes.iter().any(|p| p.status == "SEND_TO_USER_INBOX"),
        "{publishes:?}"
    );
    assert!(
        tt.live().is_empty(),
        "a draft is not live until posted in the app"
    );

    let photos = vec![tt.photo("a.png"), tt.photo("b.jpg")];
    let post = tt
        .post(
            0,
            PostKind::Photo,
            photos,
            TikTokOptions {
                photo_title: Some("Two loaves".to_owned()),
                ..public()
            },
        )
        .await;
    let done = tt.publish(&post).await;
    published(&done);
    let live = tt.live();
    assert_eq!(live.len(), 1, "{live:?}");
    assert!(
        tt.s3.object_keys().is_empty(),
        "relay left: {:?}",
        tt.s3.object_keys()
    );
}

#[tokio::test]
async fn an_expiring_token_is_refreshed_and_the_rotated_refresh_token_kept() {
    let tt = Tt::new().await;
    let account = tt.accounts[0].id;
    let before = tt
        .vault
        .load(&SecretKey::RefreshToken(account))
        .unwrap()
        .unwrap();
    // The access token expires within the hour: Herald refreshes before publishing.
    tt.store
        .set_token_expiry(
            account,
            Some(Timestamp::now() + SignedDuration::from_mins(10)),
            None,
        )
        .await
        .unwrap();
    let video = tt.video("clip.mp4", 1_000_000);
    let post = tt.post(0, PostKind::Video, vec![video], public()).await;
    published(&tt.publish(&post).await);
    let after = tt
        .vault
        .load(&SecretKey::RefreshToken(account))
        .unwrap()
        .unwrap();
    assert_ne!(
        before.expose(),
        after.expose(),
        "the refresh token was rotated"
    );
    let expires = tt.store.token_expires_at(account).await.unwrap().unwrap();
    assert!(expires > Timestamp::now() + SignedDuration::from_hours(23));
}

#[tokio::test]
async fn the_daily_cap_is_flagged_when_scheduling() {
    let tt = Tt::new().await;
    let video = tt.video("clip.mp4", 1_000_000);
    let mut last = None;
    for _ in 0..16 {
        last = Some(
            tt.post(0, PostKind::Video, vec![video.clone()], public())
                .await,
        );
    }
    let sixteenth = tt.store.post(last.unwrap().id).await.unwrap();
    let warning = sixteenth.targets[0].warning.clone().unwrap_or_default();
    assert!(
        warning.contains("post 16 within 24 hours") && warning.contains("about 15 a day"),
        "{warning}"
    );
    let first = tt.store.list_all_posts().await.unwrap().remove(0);
    assert!(first.targets[0].warning.is_none());
}
