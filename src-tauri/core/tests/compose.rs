//! The composer through the store: creating with per-network captions, editing (targets added and
//! removed, live posts refused, Facebook's held posts cancelled), duplicating, and drafts dropped
//! on a day of the calendar.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use herald_core::compose::{Captions, DraftMedia, PostDraft, PostIntent};
use herald_core::domain::{Platform, PostKind, PostView, TargetStatus};
use herald_core::publish::PublishOutcome;
use herald_core::time::{parse_day, to_epoch};
use herald_core::{CoreError, Store};
use jiff::Timestamp;

fn jpeg(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    image::RgbImage::from_pixel(1080, 1080, image::Rgb([180, 120, 60]))
        .save(&path)
        .unwrap();
    path
}

/// A draft for `accounts` at 2026-11-25 09:00 in Paris (08:00 UTC, the day after `now()`).
fn draft(accounts: &[i64], media: &[&Path]) -> PostDraft {
    PostDraft {
        caption: "Fresh bread today".to_owned(),
        captions: Captions::default(),
        kind: PostKind::Post,
        accounts: accounts.to_vec(),
        media: media
            .iter()
            .map(|path| DraftMedia {
                path: path.display().to_string(),
                alt_text: Some("A loaf".to_owned()),
            })
            .collect(),
        options: Default::default(),
        at: Some("2026-11-25T09:00".to_owned()),
        timezone: "Europe/Paris".to_owned(),
    }
}

fn accounts_of(post: &PostView) -> Vec<i64> {
    post.targets.iter().map(|t| t.account_id).collect()
}

/// Claims the post's due targets at `at` and ends each attempt with `outcome`.
async fn publish_all(store: &Store, at: Timestamp, outcome: PublishOutcome) -> Vec<i64> {
    let lease = to_epoch(at) + 600;
    let claimed = store.claim_due_targets(at, "test", lease).await.unwrap();
    for target in &claimed {
        let attempt = store.start_attempt(*target, "test", at).await.unwrap();
        store
            .finish_target(*target, attempt, &outcome, at)
            .await
            .unwrap();
    }
    claimed
}

#[tokio::test]
async fn creating_reads_the_wall_clock_time_in_the_zone_and_keeps_each_networks_caption() {
    let (store, dir) = store().await;
    let ig = account(&store, Platform::Instagram, "bakery").await;
    let fb = account(&store, Platform::Facebook, "bakery-page").await;
    let photo = jpeg(dir.path(), "loaf.jpg");
    let mut new = draft(&[fb.id, ig.id], &[&photo]);
    new.captions.facebook = Some("Fresh bread today — come by before noon!".to_owned());
    let post = store
        .create_from_draft(&new, PostIntent::Schedule, now())
        .await
        .unwrap();
    assert_eq!(post.due_at.as_deref(), Some("2026-11-25T08:00:00Z"));
    assert_eq!(post.timezone, "Europe/Paris");
    assert!(!post.draft);
    assert_eq!(post.caption, "Fresh bread today");
    let caption_of = |platform| {
        post.targets
            .iter()
            .find(|t| t.platform == platform)
            .and_then(|t| t.caption.clone())
    };
    assert_eq!(caption_of(Platform::Instagram), None);
    assert_eq!(
        caption_of(Platform::Facebook).as_deref(),
        Some("Fresh bread today — come by before noon!")
    );
    assert_eq!(post.media[0].alt_text.as_deref(), Some("A loaf"));

    let now_post = store
        .create_from_draft(&draft(&[fb.id], &[]), PostIntent::PublishNow, now())
        .await
        .unwrap();
    assert_eq!(now_post.due_at.as_deref(), Some("2026-11-24T12:00:00Z"));

    let undated = PostDraft {
        at: None,
        accounts: vec![],
        ..draft(&[], &[])
    };
    let kept = store
        .create_from_draft(&undated, PostIntent::Draft, now())
        .await
        .unwrap();
    assert!(kept.draft && kept.due_at.is_none());
    assert_eq!(kept.timezone, "Europe/Paris");

    let err = store
        .create_from_draft(&undated, PostIntent::Schedule, now())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("needs a date and time"), "{err}");
    let err = store
        .create_from_draft(
            &PostDraft {
                at: Some("2026-11-20T09:00".to_owned()),
                ..draft(&[fb.id], &[])
            },
            PostIntent::Schedule,
            now(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("has already passed"), "{err}");
    let err = store
        .create_from_draft(
            &PostDraft {
                at: Some("2027-03-28T02:30".to_owned()),
                ..draft(&[fb.id], &[])
            },
            PostIntent::Schedule,
            now(),
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("does not exist in Europe/Paris"),
        "{err}"
    );
}

#[tokio::test]
async fn an_instagram_caption_over_the_limit_is_refused_while_facebooks_is_fine() {
    let (store, dir) = store().await;
    let ig = account(&store, Platform::Instagram, "bakery").await;
    let fb = account(&store, Platform::Facebook, "bakery-page").await;
    let photo = jpeg(dir.path(), "loaf.jpg");
    let mut new = draft(&[ig.id, fb.id], &[&photo]);
    new.captions.instagram = Some("a".repeat(2201));
    new.captions.facebook = Some("b".repeat(3000));

    let checks = store.validate_draft(&new).await.unwrap();
    assert_eq!(checks.len(), 2, "one check per account");
    let ig_check = &checks[0];
    assert_eq!(ig_check.platform, Some(Platform::Instagram));
    assert_eq!(ig_check.account.as_deref(), Some("bakery"));
    assert!(
        ig_check
            .violations
            .iter()
            .any(|v| v.message.contains("2,201") || v.message.contains("2201")),
        "{:?}",
        ig_check.violations
    );
    assert_eq!(checks[1].platform, Some(Platform::Facebook));
    assert!(checks[1].violations.is_empty(), "{:?}", checks[1]);

    let (posts, targets, media) = row_counts(&store).await;
    let err = store
        .create_from_draft(&new, PostIntent::Schedule, now())
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::InvalidInput(_)), "{err}");
    let message = err.to_string();
    assert!(message.contains("Instagram:"), "{message}");
    assert!(!message.contains("Facebook:"), "{message}");
    assert_eq!(row_counts(&store).await, (posts, targets, media));

    // Kept as a draft, and the stored post's check says the same.
    let kept = store
        .create_from_draft(&new, PostIntent::Draft, now())
        .await
        .unwrap();
    let stored = store.check_post(kept.id).await.unwrap();
    let ig_stored = stored
        .iter()
        .find(|c| c.platform == Some(Platform::Instagram))
        .unwrap();
    assert!(!ig_stored.violations.is_empty());

    // Fixed: scheduled, and each target publishes its own network's caption.
    new.captions.instagram = Some("Short and sweet #bread".to_owned());
    let post = store
        .update_post(kept.id, &new, PostIntent::Schedule, now())
        .await
        .unwrap();
    assert!(!post.draft);
    let due: Timestamp = "2026-11-25T08:00:00Z".parse().unwrap();
    let claimed = store
        .claim_due_targets(due, "test", to_epoch(due) + 600)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 2);
    let mut captions = Vec::new();
    for target in claimed {
        let job = store.publish_job(target, due).await.unwrap().unwrap();
        captions.push((job.platform, job.post.caption.clone()));
        // What a client might re-check right before publishing sees the same caption.
        let content = herald_core::rules::PostContent::from(&job.post);
        assert_eq!(content.caption, job.post.caption);
    }
    captions.sort_by_key(|(p, _)| p.as_str());
    assert_eq!(
        captions,
        vec![
            (Platform::Facebook, "b".repeat(3000)),
            (Platform::Instagram, "Short and sweet #bread".to_owned()),
        ]
    );
}

#[tokio::test]
async fn validating_reports_unusable_files_and_disconnected_accounts_without_saving() {
    let (store, dir) = store().await;
    let fb = account(&store, Platform::Facebook, "bakery-page").await;
    let missing = dir.path().join("gone.jpg");
    let vault = herald_core::vault::MemoryVault::new();
    store.disconnect_account(fb.id, &vault).await.unwrap();
    let checks = store
        .validate_draft(&draft(&[fb.id, fb.id], &[&missing]))
        .await
        .unwrap();
    assert_eq!(checks.len(), 1, "repeated accounts are checked once");
    let codes: Vec<&str> = checks[0]
        .violations
        .iter()
        .map(|v| v.code.as_str())
        .collect();
    assert_eq!(codes, ["account_disconnected", "media_unreadable"]);
    assert_eq!(row_counts(&store).await, (0, 0, 0));
    let err = store.validate_draft(&draft(&[999], &[])).await.unwrap_err();
    assert!(matches!(err, CoreError::NotFound { .. }), "{err}");
}

#[tokio::test]
async fn editing_adds_and_removes_targets_and_replaces_the_content() {
    let (store, dir) = store().await;
    let ig = account(&store, Platform::Instagram, "bakery").await;
    let fb = account(&store, Platform::Facebook, "bakery-page").await;
    let fb2 = account(&store, Platform::Facebook, "cafe-page").await;
    let photo = jpeg(dir.path(), "loaf.jpg");
    let post = store
        .create_from_draft(
            &draft(&[ig.id, fb.id], &[&photo]),
            PostIntent::Schedule,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(accounts_of(&post), [ig.id, fb.id]);

    let mut edited = draft(&[fb2.id, fb.id], &[]);
    edited.caption = "New words".to_owned();
    edited.captions.facebook = Some("Words for Facebook".to_owned());
    edited.at = Some("2026-11-26T18:30".to_owned());
    let updated = store
        .update_post(post.id, &edited, PostIntent::Schedule, now())
        .await
        .unwrap();
    assert_eq!(updated.id, post.id);
    assert_eq!(accounts_of(&updated), [fb.id, fb2.id]);
    assert_eq!(updated.caption, "New words");
    assert!(updated.media.is_empty());
    assert_eq!(updated.due_at.as_deref(), Some("2026-11-26T17:30:00Z"));
    assert!(updated
        .targets
        .iter()
        .all(|t| t.status == TargetStatus::Scheduled
            && t.caption.as_deref() == Some("Words for Facebook")));
    assert_eq!(row_counts(&store).await, (1, 2, 0));

    // Back to a draft: every target becomes a draft, the time may go.
    let undated = PostDraft {
        at: None,
        ..edited.clone()
    };
    let parked = store
        .update_post(post.id, &undated, PostIntent::Draft, now())
        .await
        .unwrap();
    assert!(parked.draft && parked.due_at.is_none());
    assert!(parked
        .targets
        .iter()
        .all(|t| t.status == TargetStatus::Draft));
    assert!(store
        .list_undated_drafts()
        .await
        .unwrap()
        .iter()
        .any(|p| p.id == post.id));

    let err = store
        .update_post(999, &edited, PostIntent::Draft, now())
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::NotFound { .. }), "{err}");
}

#[tokio::test]
async fn a_published_post_cannot_be_edited_but_can_be_duplicated() {
    let (store, dir) = store().await;
    let fb = account(&store, Platform::Facebook, "bakery-page").await;
    let ig = account(&store, Platform::Instagram, "bakery").await;
    let photo = jpeg(dir.path(), "loaf.jpg");
    let mut new = draft(&[fb.id, ig.id], &[&photo]);
    new.captions.instagram = Some("IG words".to_owned());
    let post = store
        .create_from_draft(&new, PostIntent::PublishNow, now())
        .await
        .unwrap();
    let outcome = PublishOutcome::Published {
        remote_id: "123_456".into(),
        permalink: Some("https://facebook.com/123_456".into()),
    };
    assert_eq!(publish_all(&store, now(), outcome).await.len(), 2);

    let err = store
        .update_post(post.id, &new, PostIntent::Schedule, now())
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Conflict(_)), "{err}");
    assert!(err.to_string().contains("duplicate it"), "{err}");

    let copy = store.duplicate_post(post.id, None, now()).await.unwrap();
    assert_ne!(copy.id, post.id);
    assert!(copy.draft && copy.due_at.is_none());
    assert_eq!(copy.caption, post.caption);
    assert_eq!(copy.timezone, "Europe/Paris");
    assert_eq!(accounts_of(&copy), accounts_of(&post));
    assert!(copy
        .targets
        .iter()
        .all(|t| t.status == TargetStatus::Draft && t.permalink.is_none()));
    let ig_copy = copy
        .targets
        .iter()
        .find(|t| t.platform == Platform::Instagram)
        .unwrap();
    assert_eq!(ig_copy.caption.as_deref(), Some("IG words"));
    assert_eq!(copy.media.len(), 1);
    assert_eq!(copy.media[0].alt_text.as_deref(), Some("A loaf"));

    let later = store
        .duplicate_post(post.id, Some(in_minutes(60 * 24)), now())
        .await
        .unwrap();
    assert!(!later.draft);
    assert_eq!(later.due_at.as_deref(), Some("2026-11-25T12:00:00Z"));
    assert!(later
        .targets
        .iter()
        .all(|t| t.status == TargetStatus::Scheduled));

    let err = store
        .duplicate_post(post.id, Some(in_minutes(-60)), now())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("has already passed"), "{err}");

    // A draft's dated copy stays a draft.
    let dated_draft = store
        .duplicate_post(copy.id, Some(in_minutes(60)), now())
        .await
        .unwrap();
    assert!(dated_draft.draft);
    assert!(dated_draft.due_at.is_some());
}

#[tokio::test]
async fn editing_a_post_facebook_holds_cancels_it_there_first() {
    let (store, _dir) = store().await;
    let fb = account(&store, Platform::Facebook, "bakery-page").await;
    let post = store
        .create_from_draft(&draft(&[fb.id], &[]), PostIntent::Schedule, now())
        .await
        .unwrap();
    // Facebook took it for its time (handed off as soon as the scheduler saw it).
    let due: Timestamp = post.due_at.as_deref().unwrap().parse().unwrap();
    let held = PublishOutcome::HandedOff {
        remote_id: "page_77".into(),
    };
    assert_eq!(publish_all(&store, due, held).await.len(), 1);
    assert!(store
        .pending_remote_changes(now())
        .await
        .unwrap()
        .is_empty());

    let mut edited = draft(&[fb.id], &[]);
    edited.caption = "Changed my mind".to_owned();
    let updated = store
        .update_post(post.id, &edited, PostIntent::Schedule, now())
        .await
        .unwrap();
    assert_eq!(updated.targets[0].status, TargetStatus::Scheduled);

    let changes = store.pending_remote_changes(now()).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].remote_id, "page_77");
    assert_eq!(changes[0].account_id, fb.id);
    assert!(changes[0].target_id.is_some());
    let (handed_off, remote_id): (bool, Option<String>) =
        sqlx::query_as("SELECT handed_off, remote_id FROM targets WHERE post_id = ?")
            .bind(post.id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert!(!handed_off);
    assert_eq!(remote_id, None);
    // Not published again until Facebook's copy is cancelled.
    let claimed = store
        .claim_due_targets(due, "test", to_epoch(due) + 600)
        .await
        .unwrap();
    assert!(claimed.is_empty());
}

#[tokio::test]
async fn removing_an_account_facebook_holds_the_post_for_cancels_it_there() {
    let (store, _dir) = store().await;
    let fb = account(&store, Platform::Facebook, "bakery-page").await;
    let other = account(&store, Platform::Facebook, "cafe-page").await;
    let post = store
        .create_from_draft(&draft(&[fb.id], &[]), PostIntent::Schedule, now())
        .await
        .unwrap();
    let due: Timestamp = post.due_at.as_deref().unwrap().parse().unwrap();
    let held = PublishOutcome::HandedOff {
        remote_id: "page_78".into(),
    };
    publish_all(&store, due, held).await;

    let moved = store
        .update_post(
            post.id,
            &draft(&[other.id], &[]),
            PostIntent::Schedule,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(accounts_of(&moved), [other.id]);
    let changes = store.pending_remote_changes(now()).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].remote_id, "page_78");
    assert_eq!(changes[0].account_id, fb.id);
    assert_eq!(changes[0].target_id, None, "the target itself is gone");
}

#[tokio::test]
async fn a_draft_dropped_on_a_day_is_scheduled_at_the_default_time_in_its_zone() {
    let (store, _dir) = store().await;
    let fb = account(&store, Platform::Facebook, "bakery-page").await;
    let undated = PostDraft {
        at: None,
        ..draft(&[fb.id], &[])
    };
    let kept = store
        .create_from_draft(&undated, PostIntent::Draft, now())
        .await
        .unwrap();
    assert_eq!(
        store.default_post_time().await.unwrap().to_string(),
        "09:00:00"
    );
    let post = store
        .schedule_draft_on_day(kept.id, parse_day("2026-11-30").unwrap(), now())
        .await
        .unwrap();
    assert!(!post.draft);
    assert_eq!(post.due_at.as_deref(), Some("2026-11-30T08:00:00Z")); // 09:00 in Paris
    assert_eq!(post.targets[0].status, TargetStatus::Scheduled);
    assert!(!store
        .list_undated_drafts()
        .await
        .unwrap()
        .iter()
        .any(|p| p.id == kept.id));

    // Once scheduled it is no draft: moving it is another command.
    let err = store
        .schedule_draft_on_day(kept.id, parse_day("2026-12-01").unwrap(), now())
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Conflict(_)), "{err}");

    // Another default time, in the post's own zone.
    store.set_default_post_time("17:45").await.unwrap();
    let evening = store
        .create_from_draft(
            &PostDraft {
                timezone: "America/New_York".to_owned(),
                ..undated.clone()
            },
            PostIntent::Draft,
            now(),
        )
        .await
        .unwrap();
    let post = store
        .schedule_draft_on_day(evening.id, parse_day("2026-11-24").unwrap(), now())
        .await
        .unwrap();
    assert_eq!(post.due_at.as_deref(), Some("2026-11-24T22:45:00Z"));
    assert!(store.set_default_post_time("teatime").await.is_err());
}

#[tokio::test]
async fn dropping_a_draft_on_a_past_day_a_dst_gap_or_with_broken_rules_is_refused() {
    let (store, dir) = store().await;
    let photo = jpeg(dir.path(), "loaf.jpg");
    let fb = account(&store, Platform::Facebook, "bakery-page").await;
    let ig = account(&store, Platform::Instagram, "bakery").await;
    let undated = PostDraft {
        at: None,
        ..draft(&[fb.id], &[])
    };
    let kept = store
        .create_from_draft(&undated, PostIntent::Draft, now())
        .await
        .unwrap();

    let err = store
        .schedule_draft_on_day(kept.id, parse_day("2026-11-23").unwrap(), now())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("has already passed"), "{err}");

    store.set_default_post_time("02:30").await.unwrap();
    let err = store
        .schedule_draft_on_day(kept.id, parse_day("2027-03-28").unwrap(), now())
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::InvalidInput(_)), "{err}");
    assert!(
        err.to_string().contains("does not exist in Europe/Paris"),
        "{err}"
    );
    store.set_default_post_time("09:00").await.unwrap();

    // 31 hashtags on Instagram: kept as a draft, the rule named.
    let broken = store
        .create_from_draft(
            &PostDraft {
                at: None,
                captions: Captions {
                    instagram: Some((0..31).map(|i| format!("#bread{i} ")).collect()),
                    ..Captions::default()
                },
                ..draft(&[ig.id], &[&photo])
            },
            PostIntent::Draft,
            now(),
        )
        .await
        .unwrap();
    let err = store
        .schedule_draft_on_day(broken.id, parse_day("2026-11-30").unwrap(), now())
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("Instagram:"), "{message}");
    assert!(message.contains("hashtag"), "{message}");
    let still = store.post(broken.id).await.unwrap();
    assert!(still.draft && still.due_at.is_none());
    assert!(still
        .targets
        .iter()
        .all(|t| t.status == TargetStatus::Draft));

    let lonely = store
        .create_from_draft(
            &PostDraft {
                accounts: vec![],
                ..undated.clone()
            },
            PostIntent::Draft,
            now(),
        )
        .await
        .unwrap();
    let err = store
        .schedule_draft_on_day(lonely.id, parse_day("2026-11-30").unwrap(), now())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no account"), "{err}");
}
