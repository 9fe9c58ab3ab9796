//! Facebook publishing through the real engine against the sandbox: every post kind, native
//! scheduling, and injected faults — each ending in the right state, never a duplicate.

mod common;

use common::*;
use herald_core::domain::{AccountStatus, Platform, TargetStatus};
use herald_core::time::{Clock, DueTime};
use herald_core::vault::{Secret, SecretKey, Vault};
use herald_sandbox::{FaultAction, FaultRule};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

#[tokio::test]
async fn importing_a_user_token_connects_every_page_with_its_own_token() {
    let world = World::new().await;
    assert_eq!(world.pages.len(), 2);
    for page in &world.pages {
        assert_eq!(page.platform, Platform::Facebook);
        let token = world
            .vault
            .load(&SecretKey::AccessToken(page.id))
            .unwrap()
            .expect("page token");
        assert!(world
            .sandbox
            .tokens()
            .facebook_pages
            .iter()
            .any(|p| p.token == token.expose()));
    }
}

#[tokio::test]
async fn text_photo_and_multi_photo_posts_publish_once_each_with_a_permalink() {
    let world = World::new().await;
    let text = world
        .post_photos("Fresh bread today", 0, SignedDuration::ZERO)
        .await;
    let photo = world
        .post_photos("One photo", 1, SignedDuration::ZERO)
        .await;
    let album = world
        .post_photos("Three photos", 3, SignedDuration::ZERO)
        .await;
    assert_eq!(world.scheduler().run_until_idle().await.unwrap(), 6);
    for post in [&text, &photo, &album] {
        let post = world.store.post(post.id).await.unwrap();
        for target in &post.targets {
            assert_eq!(target.status, TargetStatus::Published, "{:?}", target.error);
            assert!(target
                .permalink
                .as_deref()
                .is_some_and(|p| p.starts_with("https://www.facebook.com/")));
        }
        assert_eq!(world.live_count(&post.caption), 2, "{}", post.caption);
    }
    let album_live: Vec<_> = world
        .sandbox
        .live()
        .into_iter()
        .filter(|p| p.message.as_deref() == Some("Three photos"))
        .collect();
    assert!(
        album_live.iter().all(|p| p.media_count == 3),
        "{album_live:?}"
    );
}

#[tokio::test]
async fn a_lost_answer_is_reconciled_instead_of_posting_twice() {
    let world = World::new().await;
    // Facebook creates the post, then the connection drops before Herald hears the answer.
    world.sandbox.faults().add(
        FaultRule::new(FaultAction::DropAfterApply)
            .method("POST")
            .path_contains("/feed")
            .count(2),
    );
    let post = world
        .post_photos("Did it go through?", 0, SignedDuration::ZERO)
        .await;
    let scheduler = world.scheduler();
    scheduler.tick().await.unwrap();
    assert_eq!(
        world.statuses(&post).await,
        vec![TargetStatus::Scheduled; 2],
        "waiting to retry"
    );
    world.drain().await;
    assert_eq!(
        world.statuses(&post).await,
        vec![TargetStatus::Published; 2]
    );
    assert_eq!(
        world.live_count("Did it go through?"),
        2,
        "one per Page, never a duplicate"
    );
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_retried_until_published() {
    let world = World::new().await;
    world.sandbox.faults().add(
        FaultRule::new(FaultAction::Status {
            status: 500,
            body: None,
        })
        .path_contains("/feed")
        .count(1),
    );
    world.sandbox.faults().add(
        FaultRule::new(FaultAction::Status {
            status: 400,
            body: Some(serde_json::json!({"error":{"message":"(#80001) There have been too many calls to this Page account.","type":"OAuthException","code":80001,"fbtrace_id":"x"}})),
        })
        .path_contains("/feed")
        .count(1),
    );
    let post = world.post_photos("Retry me", 0, SignedDuration::ZERO).await;
    let scheduler = world.scheduler();
    scheduler.tick().await.unwrap();
    let targets = world.store.post(post.id).await.unwrap().targets;
    assert!(targets.iter().all(|t| t.status == TargetStatus::Scheduled));
    assert!(
        targets
            .iter()
            .any(|t| t.error.as_ref().is_some_and(|e| e.code == "80001")),
        "{targets:?}"
    );
    world.drain().await;
    assert_eq!(
        world.statuses(&post).await,
        vec![TargetStatus::Published; 2]
    );
    assert_eq!(world.live_count("Retry me"), 2);
}

#[tokio::test]
async fn a_refused_token_holds_the_target_until_the_account_is_reconnected() {
    let world = World::new().await;
    let page = &world.pages[0];
    world
        .vault
        .store(
            &SecretKey::AccessToken(page.id),
            &Secret::new("revoked-token"),
        )
        .unwrap();
    let post = world
        .post_photos("Needs a token", 0, SignedDuration::ZERO)
        .await;
    world.scheduler().run_until_idle().await.unwrap();
    let post = world.store.post(post.id).await.unwrap();
    let broken = post
        .targets
        .iter()
        .find(|t| t.account_id == page.id)
        .unwrap();
    assert_eq!(
        broken.status,
        TargetStatus::Scheduled,
        "nothing is lost: it waits for the reconnect"
    );
    let error = broken.error.as_ref().unwrap();
    assert!(error.code.starts_with("190"), "{error:?}");
    assert!(error.message.contains("Reconnect"), "{error:?}");
    assert!(broken
        .warning
        .as_ref()
        .unwrap()
        .contains("Waiting for you to reconnect"));
    let other = post
        .targets
        .iter()
        .find(|t| t.account_id != page.id)
        .unwrap();
    assert_eq!(
        other.status,
        TargetStatus::Published,
        "one target's failure never fails the others"
    );
    let account = world.store.account(page.id).await.unwrap();
    assert_eq!(account.status, AccountStatus::NeedsReconnect);
    assert!(account.reconnect_reason.unwrap().contains("Reconnect"));

    // Reconnecting (a fresh token for the same Page) lets the held target go out.
    let seeded = world
        .sandbox
        .tokens()
        .facebook_pages
        .iter()
        .find(|p| p.name == page.name)
        .unwrap()
        .token
        .clone();
    world
        .vault
        .store(&SecretKey::AccessToken(page.id), &Secret::new(seeded))
        .unwrap();
    world
        .store
        .upsert_account(
            &herald_core::accounts::NewAccount {
                platform: Platform::Facebook,
                platform_account_id: world
                    .sandbox
                    .tokens()
                    .facebook_pages
                    .iter()
                    .find(|p| p.name == page.name)
                    .unwrap()
                    .id
                    .clone(),
                name: page.name.clone(),
                simulated: false,
            },
            Timestamp::now(),
        )
        .await
        .unwrap();
    world.scheduler().run_until_idle().await.unwrap();
    let post = world.store.post(post.id).await.unwrap();
    assert!(post
        .targets
        .iter()
        .all(|t| t.status == TargetStatus::Published));
}

#[tokio::test]
async fn a_post_two_hours_ahead_goes_out_through_facebook_with_herald_not_running() {
    let world = World::new().await;
    let post = world
        .post_photos("Scheduled natively", 1, SignedDuration::from_hours(2))
        .await;
    let scheduler = world.scheduler();
    assert_eq!(
        scheduler.run_until_idle().await.unwrap(),
        2,
        "handed over, settled"
    );
    assert_eq!(
        world.statuses(&post).await,
        vec![TargetStatus::Scheduled; 2]
    );
    assert_eq!(world.live_count("Scheduled natively"), 0);
    // Herald is "off" while Facebook's clock passes the due time.
    world
        .sandbox
        .clock()
        .advance(Duration::from_secs(2 * 3600 + 60));
    let live: Vec<_> = world
        .sandbox
        .live()
        .into_iter()
        .filter(|p| p.message.as_deref() == Some("Scheduled natively"))
        .collect();
    assert_eq!(live.len(), 2);
    assert!(live.iter().all(|p| p.scheduled));
    // The next run sees it live.
    world.clock.advance(SignedDuration::from_mins(121));
    world.scheduler().run_until_idle().await.unwrap();
    assert_eq!(
        world.statuses(&post).await,
        vec![TargetStatus::Published; 2]
    );
}

#[tokio::test]
async fn moving_or_deleting_a_handed_over_post_cancels_it_at_facebook() {
    let world = World::new().await;
    let moved = world
        .post_photos("Moved later", 0, SignedDuration::from_hours(2))
        .await;
    let deleted = world
        .post_photos("Deleted", 0, SignedDuration::from_hours(3))
        .await;
    world.scheduler().run_until_idle().await.unwrap();
    let due = DueTime {
        at: world.clock.now() + SignedDuration::from_hours(5),
        zone: "UTC".into(),
    };
    world
        .store
        .reschedule_post(moved.id, due, world.clock.now())
        .await
        .unwrap();
    world.store.delete_post(deleted.id).await.unwrap();
    // The scheduler cancels the old posts at Facebook, then hands the moved one over again.
    world.scheduler().run_until_idle().await.unwrap();
    world.sandbox.clock().advance(Duration::from_secs(6 * 3600));
    let live = world.sandbox.live();
    let deleted_live = live
        .iter()
        .filter(|p| p.message.as_deref() == Some("Deleted"))
        .count();
    assert_eq!(deleted_live, 0, "a deleted post never goes out");
    let moved_live: Vec<_> = live
        .iter()
        .filter(|p| p.message.as_deref() == Some("Moved later"))
        .collect();
    assert_eq!(
        moved_live.len(),
        2,
        "once per Page, at the new time: {moved_live:?}"
    );
    let new_due = world
        .store
        .post(moved.id)
        .await
        .unwrap()
        .due_at
        .unwrap()
        .parse::<Timestamp>()
        .unwrap();
    assert!(moved_live.iter().all(|p| p.published_at == new_due));
}

#[tokio::test]
async fn a_throttled_page_is_not_called_again_until_its_wait_is_over() {
    let world = World::new().await;
    let throttled_page = world.sandbox.tokens().facebook_pages[0].id.clone();
    world.sandbox.faults().add(
        FaultRule::new(FaultAction::Status {
            status: 400,
            body: Some(serde_json::json!({"error":{"message":"(#80001) There have been too many calls to this Page account.","type":"OAuthException","code":80001,"fbtrace_id":"x"}})),
        })
        .path_contains(&format!("{throttled_page}/feed")),
    );
    for i in 0..3 {
        world
            .post_photos(&format!("Backlog {i}"), 0, SignedDuration::ZERO)
            .await;
    }
    world.scheduler().tick().await.unwrap();
    let feed_calls = world
        .sandbox
        .journal()
        .iter()
        .filter(|e| e.method == "POST" && e.path.contains(&format!("{throttled_page}/feed")))
        .count();
    assert_eq!(
        feed_calls, 1,
        "one refused call, then the Page's other posts wait without calling"
    );
    let published = world
        .sandbox
        .live()
        .iter()
        .filter(|p| {
            p.message
                .as_deref()
                .is_some_and(|m| m.starts_with("Backlog"))
        })
        .count();
    assert_eq!(published, 3, "the other Page is not held back");
    let attempts: Vec<i64> =
        sqlx::query_scalar("SELECT attempts FROM targets WHERE status = 'scheduled'")
            .fetch_all(world.store.pool())
            .await
            .unwrap();
    assert_eq!(
        attempts,
        vec![0, 0, 0],
        "waiting for a rate limit is not a failed attempt"
    );
    // Once the fault is gone and the wait is over, the backlog goes out.
    world.sandbox.faults().clear();
    world.drain().await;
    let published = world
        .sandbox
        .live()
        .iter()
        .filter(|p| {
            p.message
                .as_deref()
                .is_some_and(|m| m.starts_with("Backlog"))
        })
        .count();
    assert_eq!(published, 6);
}

#[tokio::test]
async fn a_dropped_connection_before_facebook_applied_anything_posts_once_on_retry() {
    let world = World::new().await;
    world.sandbox.faults().add(
        FaultRule::new(FaultAction::Drop)
            .method("POST")
            .path_contains("/feed")
            .count(2),
    );
    world.sandbox.faults().add(
        FaultRule::new(FaultAction::Delay { ms: 300 })
            .method("GET")
            .count(4),
    );
    let post = world
        .post_photos("Dropped, then fine", 1, SignedDuration::ZERO)
        .await;
    world.drain().await;
    assert_eq!(
        world.statuses(&post).await,
        vec![TargetStatus::Published; 2]
    );
    assert_eq!(world.live_count("Dropped, then fine"), 2);
    let history: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT outcome, code FROM publish_attempts ORDER BY id")
            .fetch_all(world.store.pool())
            .await
            .unwrap();
    assert!(
        history
            .iter()
            .any(|(o, c)| o == "retry" && c.as_deref() == Some("network")),
        "{history:?}"
    );
    assert_eq!(
        history.iter().filter(|(o, _)| o == "published").count(),
        2,
        "{history:?}"
    );
}

#[tokio::test]
async fn a_text_post_with_a_web_address_goes_out_as_a_link_post() {
    let world = World::new().await;
    let post = world
        .post_photos(
            "Our new menu https://bakery.example/menu",
            0,
            SignedDuration::ZERO,
        )
        .await;
    world.scheduler().run_until_idle().await.unwrap();
    assert_eq!(
        world.statuses(&post).await,
        vec![TargetStatus::Published; 2]
    );
    assert_eq!(
        world.live_count("Our new menu https://bakery.example/menu"),
        2
    );
}
