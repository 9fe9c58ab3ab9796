//! Facebook videos, reels and stories through the real engine against the sandbox: chunked
//! uploads from disk, native scheduling, stories kept until their time, and injected faults —
//! each ending published exactly once per Page.

mod common;

use common::*;
use herald_core::domain::{PostKind, TargetStatus};
use herald_core::time::{Clock, DueTime};
use herald_sandbox::{FaultAction, FaultRule, Seed};
use jiff::SignedDuration;
use serde_json::Value;
use std::time::Duration;

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
