//! Posts through the store: the rules users rely on, and bad input that changes nothing.

mod common;

use common::*;
use herald_core::domain::{Platform, TargetStatus};
use herald_core::publish::PublishOutcome;
use herald_core::time::{parse_day, DueTime};
use herald_core::CoreError;

#[tokio::test]
async fn a_post_has_one_scheduled_target_per_account() {
    let (store, _dir) = store().await;
    let studio = account(&store, Platform::Facebook, "studio").await;
    let fb = account(&store, Platform::Facebook, "studio-page").await;
    let post = store
        .create_post(
            scheduled(
                &[fb.id, studio.id, studio.id],
                in_minutes(60),
                "Europe/Paris",
            ),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(post.due_at.as_deref(), Some("2026-11-24T13:00:00Z"));
    assert_eq!(post.timezone, "Europe/Paris");
    assert_eq!(post.targets.len(), 2, "duplicate accounts collapse");
    assert!(post
        .targets
        .iter()
        .all(|t| t.status == TargetStatus::Scheduled));
    assert_eq!(store.post(post.id).await.unwrap(), post);
}

#[tokio::test]
async fn listing_by_range_is_half_open() {
    let (store, _dir) = store().await;
    let early = store
        .create_post(scheduled(&[], in_minutes(60), "UTC"), now())
        .await
        .unwrap();
    let late = store
        .create_post(scheduled(&[], in_minutes(120), "UTC"), now())
        .await
        .unwrap();
    let listed = store
        .list_posts(in_minutes(60), in_minutes(120))
        .await
        .unwrap();
    assert_eq!(
        listed.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![early.id]
    );
    let all = store.list_all_posts().await.unwrap();
    assert_eq!(
        all.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![early.id, late.id]
    );
}

#[tokio::test]
async fn moving_to_another_day_keeps_the_wall_clock_time_across_dst() {
    let (store, _dir) = store().await;
    // 09:00 in New York on 2027-03-12 (EST, UTC-5), moved to 2027-03-16 (EDT, UTC-4).
    let at = "2027-03-12T14:00:00Z".parse().unwrap();
    let post = store
        .create_post(scheduled(&[], at, "America/New_York"), now())
        .await
        .unwrap();
    let moved = store
        .move_post_to_day(post.id, parse_day("2027-03-16").unwrap(), now())
        .await
        .unwrap();
    assert_eq!(moved.due_at.as_deref(), Some("2027-03-16T13:00:00Z"));
}

#[tokio::test]
async fn a_failed_or_missed_target_is_scheduled_again_when_moved() {
    let (store, _dir) = store().await;
    let studio = account(&store, Platform::Facebook, "studio").await;
    let post = store
        .create_post(scheduled(&[studio.id], in_minutes(5), "UTC"), now())
        .await
        .unwrap();
    store
        .mark_missed(in_minutes(60), jiff::SignedDuration::from_mins(15))
        .await
        .unwrap();
    assert_eq!(
        store.post(post.id).await.unwrap().targets[0].status,
        TargetStatus::Missed
    );
    let due = DueTime {
        at: in_minutes(90),
        zone: "UTC".into(),
    };
    let moved = store.reschedule_post(post.id, due, now()).await.unwrap();
    assert_eq!(moved.targets[0].status, TargetStatus::Scheduled);
}

#[tokio::test]
async fn a_published_post_cannot_be_moved() {
    let (store, _dir) = store().await;
    let studio = account(&store, Platform::Facebook, "studio").await;
    let post = store
        .create_post(scheduled(&[studio.id], now(), "UTC"), now())
        .await
        .unwrap();
    let lease = herald_core::time::to_epoch(in_minutes(10));
    let claimed = store.claim_due_targets(now(), "test", lease).await.unwrap();
    let attempt = store
        .start_attempt(claimed[0], "test", now())
        .await
        .unwrap();
    let outcome = PublishOutcome::Published {
        remote_id: "17890".into(),
        permalink: Some("https://instagram.com/p/x".into()),
    };
    store
        .finish_target(claimed[0], attempt, &outcome, now())
        .await
        .unwrap();
    let due = DueTime {
        at: in_minutes(90),
        zone: "UTC".into(),
    };
    let err = store
        .reschedule_post(post.id, due, now())
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Conflict(_)), "{err}");
    assert!(err.to_string().contains("duplicate it instead"), "{err}");
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let (store, dir) = store().await;
    let studio = account(&store, Platform::Facebook, "studio").await;
    let before = row_counts(&store).await;

    let past = store
        .create_post(scheduled(&[studio.id], in_minutes(-30), "UTC"), now())
        .await;
    assert!(past.unwrap_err().to_string().contains("already passed"));

    let unknown = store
        .create_post(scheduled(&[studio.id, 999], in_minutes(30), "UTC"), now())
        .await;
    assert!(matches!(
        unknown.unwrap_err(),
        CoreError::NotFound {
            what: "account",
            id: 999
        }
    ));

    let mut missing_media = scheduled(&[studio.id], in_minutes(30), "UTC");
    missing_media
        .media
        .push(dir.path().join("missing.jpg").into());
    assert!(store
        .create_post(missing_media, now())
        .await
        .unwrap_err()
        .to_string()
        .contains("does not exist"));

    let bad_zone = store
        .create_post(scheduled(&[studio.id], in_minutes(30), "Mars/Base"), now())
        .await;
    assert!(bad_zone
        .unwrap_err()
        .to_string()
        .contains("unknown time zone"));

    let mut undated = scheduled(&[studio.id], in_minutes(30), "UTC");
    undated.due = None;
    assert!(store.create_post(undated, now()).await.is_err());

    assert_eq!(row_counts(&store).await, before);
}

#[tokio::test]
async fn media_is_recorded_in_order_with_its_type() {
    let (store, dir) = store().await;
    let png = dir.path().join("a.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let mut new = scheduled(&[], in_minutes(30), "UTC");
    new.media = vec![png.clone().into(), png.into()];
    let post = store.create_post(new, now()).await.unwrap();
    assert_eq!(post.media.len(), 2);
    assert_eq!(post.media[0].mime, "image/png");
}

#[tokio::test]
async fn undated_drafts_are_listed_apart_and_deletion_removes_everything() {
    let (store, _dir) = store().await;
    let studio = account(&store, Platform::Facebook, "studio").await;
    let mut draft = scheduled(&[studio.id], in_minutes(30), "UTC");
    draft.due = None;
    draft.draft = true;
    let draft = store.create_post(draft, now()).await.unwrap();
    assert_eq!(draft.targets[0].status, TargetStatus::Draft);
    assert_eq!(store.list_undated_drafts().await.unwrap().len(), 1);
    store.delete_post(draft.id).await.unwrap();
    assert_eq!(row_counts(&store).await, (0, 0, 0));
    assert!(matches!(
        store.delete_post(draft.id).await,
        Err(CoreError::NotFound { .. })
    ));
}

#[tokio::test]
async fn disconnected_accounts_cannot_be_scheduled_to() {
    let (store, _dir) = store().await;
    let studio = account(&store, Platform::Facebook, "studio").await;
    let vault = herald_core::vault::MemoryVault::new();
    store.disconnect_account(studio.id, &vault).await.unwrap();
    let err = store
        .create_post(scheduled(&[studio.id], in_minutes(30), "UTC"), now())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("disconnected"), "{err}");
}

#[tokio::test]
async fn retry_publish_now_and_cancel_move_targets_as_the_user_asked() {
    let (store, _dir) = store().await;
    let studio = account(&store, Platform::Facebook, "studio").await;
    let fb = account(&store, Platform::Facebook, "page").await;
    let post = store
        .create_post(scheduled(&[studio.id, fb.id], in_minutes(5), "UTC"), now())
        .await
        .unwrap();
    // Missed while the laptop was off; a retry brings it back and it is never missed again.
    store
        .mark_missed(in_minutes(60), jiff::SignedDuration::from_mins(15))
        .await
        .unwrap();
    let attention = store.list_needing_attention().await.unwrap();
    assert_eq!(
        attention.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![post.id]
    );
    let retried = store
        .retry_post(post.id, Some(studio.id), in_minutes(60))
        .await
        .unwrap();
    let status = |p: &herald_core::domain::PostView, id| {
        p.targets
            .iter()
            .find(|t| t.account_id == id)
            .unwrap()
            .status
    };
    assert_eq!(status(&retried, studio.id), TargetStatus::Scheduled);
    assert_eq!(status(&retried, fb.id), TargetStatus::Missed);
    store
        .mark_missed(in_minutes(120), jiff::SignedDuration::from_mins(15))
        .await
        .unwrap();
    let due = store
        .claim_due_targets(in_minutes(120), "test", i64::MAX)
        .await
        .unwrap();
    assert_eq!(due.len(), 1, "the retried target is due, not missed");

    let later = store
        .create_post(scheduled(&[studio.id], in_minutes(600), "UTC"), now())
        .await
        .unwrap();
    let now_post = store.publish_post_now(later.id, now()).await.unwrap();
    assert_eq!(now_post.due_at.as_deref(), Some("2026-11-24T12:00:00Z"));

    let cancelled = store.cancel_post(later.id, None, now()).await.unwrap();
    assert!(cancelled
        .targets
        .iter()
        .all(|t| t.status == TargetStatus::Draft));
    assert!(store
        .claim_due_targets(now(), "test", 0)
        .await
        .unwrap()
        .is_empty());
    let err = store.cancel_post(later.id, None, now()).await.unwrap_err();
    assert!(matches!(err, CoreError::Conflict(_)), "{err}");
    let err = store.retry_post(later.id, None, now()).await.unwrap_err();
    assert!(err.to_string().contains("nothing to retry"), "{err}");
}
