//! The scheduler against a real SQLite file: grace window, claims that never let two processes
//! publish the same target, pause, and failures that stay visible.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::*;
use herald_core::domain::{Platform, TargetStatus};
use herald_core::publish::{Progress, PublishJob, PublishOutcome, Publisher};
use herald_core::scheduler::{NoPlatformClients, Scheduler, SchedulerEvent};
use herald_core::time::Clock;
use herald_core::Store;
use jiff::Timestamp;

struct FixedClock(Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

/// Counts publishes; every publish succeeds after a short pause (so claims overlap).
#[derive(Clone, Default)]
struct CountingPublisher(Arc<AtomicUsize>);

impl Publisher for CountingPublisher {
    async fn publish(&self, job: &PublishJob, _progress: &Progress) -> PublishOutcome {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        self.0.fetch_add(1, Ordering::SeqCst);
        PublishOutcome::Published {
            remote_id: format!("remote-{}", job.target_id),
            permalink: Some(format!("https://example.test/{}", job.target_id)),
        }
    }
}

fn scheduler_at<P: Publisher>(
    store: &Store,
    publisher: P,
    at: Timestamp,
    owner: &str,
) -> Scheduler<P> {
    Scheduler::new(store.clone(), publisher, Arc::new(FixedClock(at)), owner)
}

#[tokio::test]
async fn overdue_within_grace_publishes_and_beyond_grace_is_missed() {
    let (store, _dir) = store().await;
    let studio = account(&store, Platform::Facebook, "studio").await;
    let recent = store
        .create_post(scheduled(&[studio.id], in_minutes(50), "UTC"), now())
        .await
        .unwrap();
    let old = store
        .create_post(scheduled(&[studio.id], in_minutes(5), "UTC"), now())
        .await
        .unwrap();
    let later = store
        .create_post(scheduled(&[studio.id], in_minutes(120), "UTC"), now())
        .await
        .unwrap();

    let (events_tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let publisher = CountingPublisher::default();
    let scheduler =
        scheduler_at(&store, publisher.clone(), in_minutes(60), "a").with_events(events_tx);
    assert_eq!(scheduler.run_until_idle().await.unwrap(), 1);

    let status = |id| {
        let store = store.clone();
        async move { store.post(id).await.unwrap().targets[0].clone() }
    };
    assert_eq!(status(old.id).await.status, TargetStatus::Missed);
    let published = status(recent.id).await;
    assert_eq!(published.status, TargetStatus::Published);
    assert!(published.permalink.is_some());
    assert_eq!(status(later.id).await.status, TargetStatus::Scheduled);
    assert_eq!(publisher.0.load(Ordering::SeqCst), 1);
    assert_eq!(
        events.recv().await,
        Some(SchedulerEvent::Missed { count: 1 })
    );
    assert!(matches!(
        events.recv().await,
        Some(SchedulerEvent::Published { .. })
    ));
}

#[tokio::test]
async fn two_processes_never_publish_the_same_target() {
    let (store, dir) = store().await;
    let accounts = [
        account(&store, Platform::Facebook, "a").await.id,
        account(&store, Platform::Facebook, "b").await.id,
        account(&store, Platform::Facebook, "c").await.id,
    ];
    for minute in 0..20 {
        store
            .create_post(scheduled(&accounts, in_minutes(minute), "UTC"), now())
            .await
            .unwrap();
    }
    store.set_grace_minutes(60).await.unwrap();
    // A second pool on the same file behaves like a second process.
    let other = Store::open(dir.path()).await.unwrap();
    let publisher = CountingPublisher::default();
    let at = in_minutes(20);
    let first = scheduler_at(&store, publisher.clone(), at, "tray");
    let second = scheduler_at(&other, publisher.clone(), at, "run");
    let (a, b) = tokio::join!(first.run_until_idle(), second.run_until_idle());
    assert_eq!(a.unwrap() + b.unwrap(), 60);
    assert_eq!(
        publisher.0.load(Ordering::SeqCst),
        60,
        "each target exactly once"
    );
    let published: i64 =
        sqlx::query_scalar("SELECT count(*) FROM targets WHERE status = 'published'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(published, 60);
}

#[tokio::test]
async fn nothing_publishes_while_paused() {
    let (store, _dir) = store().await;
    let studio = account(&store, Platform::Facebook, "studio").await;
    store
        .create_post(scheduled(&[studio.id], now(), "UTC"), now())
        .await
        .unwrap();
    store.set_publishing_paused(true).await.unwrap();
    let publisher = CountingPublisher::default();
    assert_eq!(
        scheduler_at(&store, publisher.clone(), now(), "a")
            .run_until_idle()
            .await
            .unwrap(),
        0
    );
    store.set_publishing_paused(false).await.unwrap();
    assert_eq!(
        scheduler_at(&store, publisher.clone(), now(), "a")
            .run_until_idle()
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn the_history_lists_each_attempt_with_its_outcome() {
    let (store, _dir) = store().await;
    let page = account(&store, Platform::Facebook, "page").await;
    let post = store
        .create_post(scheduled(&[page.id], now(), "UTC"), now())
        .await
        .unwrap();
    assert!(store.post_history(post.id).await.unwrap().is_empty());
    scheduler_at(&store, NoPlatformClients, now(), "a")
        .run_until_idle()
        .await
        .unwrap();
    store.retry_post(post.id, None, now()).await.unwrap();
    scheduler_at(&store, CountingPublisher::default(), now(), "b")
        .run_until_idle()
        .await
        .unwrap();
    let history = store.post_history(post.id).await.unwrap();
    let outcomes: Vec<_> = history.iter().map(|a| a.outcome.as_deref()).collect();
    assert_eq!(outcomes, [Some("failed"), Some("published")]);
    assert_eq!(history[0].code.as_deref(), Some("platform_unavailable"));
    assert_eq!(history[0].account_name, "page");
    assert!(history.iter().all(|a| a.finished_at.is_some()));
}

#[tokio::test]
async fn a_platform_without_a_client_fails_with_a_plain_reason() {
    let (store, _dir) = store().await;
    let page = account(&store, Platform::Facebook, "page").await;
    let post = store
        .create_post(scheduled(&[page.id], now(), "UTC"), now())
        .await
        .unwrap();
    scheduler_at(&store, NoPlatformClients, now(), "a")
        .run_until_idle()
        .await
        .unwrap();
    let target = store.post(post.id).await.unwrap().targets[0].clone();
    assert_eq!(target.status, TargetStatus::Failed);
    let error = target.error.expect("an error");
    assert_eq!(error.code, "platform_unavailable");
    assert!(
        error.message.contains("cannot publish to facebook yet"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn the_loop_wakes_on_a_change_and_stops_on_request() {
    let (store, _dir) = store().await;
    let studio = account(&store, Platform::Facebook, "studio").await;
    let publisher = CountingPublisher::default();
    let scheduler = scheduler_at(&store, publisher.clone(), now(), "loop");
    let changes = herald_core::change::watch_changes(&store, std::time::Duration::from_millis(20))
        .await
        .unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(async move { scheduler.run(changes, stopped).await });
    // Created after the loop went to sleep (up to 30 s): the change signal must wake it.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let other = Store::open(store.path().parent().unwrap()).await.unwrap();
    other
        .create_post(scheduled(&[studio.id], now(), "UTC"), now())
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while publisher.0.load(Ordering::SeqCst) == 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(publisher.0.load(Ordering::SeqCst), 1);
    stop.send(true).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

/// A clock the test moves (to play a laptop that slept).
#[derive(Clone)]
struct MovableClock(Arc<std::sync::Mutex<Timestamp>>);

impl Clock for MovableClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap()
    }
}

#[tokio::test]
async fn after_a_sleep_posts_within_grace_publish_and_older_ones_are_missed() {
    let (store, _dir) = store().await;
    let studio = account(&store, Platform::Facebook, "studio").await;
    // Due at +10 min (will be 5 min late after waking) and at +2 min (18 min late: missed).
    let late = store
        .create_post(scheduled(&[studio.id], in_minutes(10), "UTC"), now())
        .await
        .unwrap();
    let too_late = store
        .create_post(scheduled(&[studio.id], in_minutes(2), "UTC"), now())
        .await
        .unwrap();
    let clock = MovableClock(Arc::new(std::sync::Mutex::new(now())));
    let publisher = CountingPublisher::default();
    let scheduler = Scheduler::new(
        store.clone(),
        publisher.clone(),
        Arc::new(clock.clone()),
        "loop",
    );
    let (poke, changes) = tokio::sync::watch::channel(0u64);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(async move { scheduler.run(changes, stopped).await });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(
        publisher.0.load(Ordering::SeqCst),
        0,
        "nothing due before the sleep"
    );

    // The laptop sleeps 20 minutes: the wall clock jumps while the loop waits.
    *clock.0.lock().unwrap() = in_minutes(20);
    poke.send(1).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while publisher.0.load(Ordering::SeqCst) == 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    stop.send(true).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        store.post(late.id).await.unwrap().targets[0].status,
        TargetStatus::Published
    );
    assert_eq!(
        store.post(too_late.id).await.unwrap().targets[0].status,
        TargetStatus::Missed
    );
    assert_eq!(
        publisher.0.load(Ordering::SeqCst),
        1,
        "never an automatic burst of missed posts"
    );
}
