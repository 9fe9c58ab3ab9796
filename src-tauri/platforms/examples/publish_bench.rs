//! Publishing figures against the sandbox (`make bench-publish`):
//! 1. scheduler lateness — 100 posts due over 20 s, published by the scheduler loop with the
//!    real clock; lateness = when the post went live at the sandbox − its due time;
//! 2. drain — 200 posts due at once across 4 Pages, from the first pass to the last published,
//!    with the sandbox's rate limits on (default budget, and a tight one that forces back-offs).

use std::sync::Arc;
use std::time::{Duration, Instant};

use herald_core::domain::{Platform, PostKind};
use herald_core::posts::NewPost;
use herald_core::scheduler::Scheduler;
use herald_core::time::{Clock, DueTime, SystemClock};
use herald_core::vault::MemoryVault;
use herald_core::Store;
use herald_platforms::import::import_accounts;
use herald_platforms::{Endpoints, PlatformPublisher};
use herald_sandbox::{FacebookPageSeed, RunningSandbox, SandboxConfig, Seed};
use jiff::{SignedDuration, Timestamp};

struct Bench {
    sandbox: RunningSandbox,
    store: Store,
    vault: Arc<MemoryVault>,
    accounts: Vec<i64>,
    _dir: tempfile::TempDir,
}

async fn setup(pages: usize, page_call_limit: u32) -> Bench {
    let mut seed = Seed::default();
    let template = seed.facebook_users[0].pages[0].clone();
    seed.facebook_users[0].pages = (0..pages)
        .map(|i| FacebookPageSeed {
            id: format!("2000000000001{i:02}"),
            name: format!("Bench Page {i}"),
            token: format!("EAAB-bench-page-{i}"),
            ..template.clone()
        })
        .collect();
    seed.page_call_limit = page_call_limit;
    let sandbox = herald_sandbox::start(SandboxConfig { port: 0, seed })
        .await
        .expect("sandbox");
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).await.expect("store");
    let vault = Arc::new(MemoryVault::new());
    let token_file = dir.path().join("token.json");
    std::fs::write(
        &token_file,
        format!(r#"{{"access_token":"{}"}}"#, sandbox.tokens().user_token()),
    )
    .expect("token file");
    let accounts = import_accounts(
        &store,
        vault.clone(),
        &endpoints(&sandbox),
        Platform::Facebook,
        &token_file,
        Timestamp::now(),
    )
    .await
    .expect("import")
    .into_iter()
    .map(|a| a.id)
    .collect();
    Bench {
        sandbox,
        store,
        vault,
        accounts,
        _dir: dir,
    }
}

fn endpoints(sandbox: &RunningSandbox) -> Endpoints {
    let env = sandbox.env();
    Endpoints::from_lookup(|name| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
}

impl Bench {
    async fn post(&self, caption: String, account: i64, at: Timestamp) {
        let new = NewPost {
            caption,
            kind: PostKind::Post,
            due: Some(DueTime {
                at,
                zone: "UTC".into(),
            }),
            draft: false,
            accounts: vec![account],
            media: vec![],
            options: Default::default(),
        };
        self.store
            .create_post(new, Timestamp::now())
            .await
            .expect("post");
    }

    fn scheduler(&self) -> Scheduler<PlatformPublisher> {
        let publisher = PlatformPublisher::new(&endpoints(&self.sandbox), self.vault.clone());
        Scheduler::new(
            self.store.clone(),
            publisher,
            Arc::new(SystemClock) as Arc<dyn Clock>,
            "bench",
        )
    }

    async fn published(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM targets WHERE status = 'published'")
            .fetch_one(self.store.pool())
            .await
            .expect("count")
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn lateness() {
    let bench = setup(4, 4800).await;
    let start = Timestamp::now() + SignedDuration::from_secs(3);
    let mut due = Vec::new();
    for i in 0..100 {
        // Due times are whole seconds (as stored): 5 posts per second over 20 s.
        let at = Timestamp::from_second(start.as_second() + i / 5).expect("time");
        bench
            .post(format!("lateness {i}"), bench.accounts[i as usize % 4], at)
            .await;
        due.push(at);
    }
    let changes =
        herald_core::change::watch_changes(&bench.store, herald_core::change::DEFAULT_POLL)
            .await
            .expect("watch");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let scheduler = bench.scheduler();
    let task = tokio::spawn(async move { scheduler.run(changes, stopped).await });
    let deadline = Instant::now() + Duration::from_secs(120);
    while bench.published().await < 100 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = stop.send(true);
    let _ = task.await;
    let mut late: Vec<f64> = bench
        .sandbox
        .live()
        .iter()
        .filter_map(|p| {
            let i: usize = p
                .message
                .as_deref()?
                .strip_prefix("lateness ")?
                .parse()
                .ok()?;
            Some(p.published_at.duration_since(due[i]).as_secs_f64() * 1000.0)
        })
        .collect();
    late.sort_by(f64::total_cmp);
    println!(
        "| scheduler lateness, 100 posts due over 20 s (ms from due to live) | {} published | p50 {:.0} | p95 {:.0} | max {:.0} |",
        late.len(),
        percentile(&late, 0.5),
        percentile(&late, 0.95),
        late.last().copied().unwrap_or_default()
    );
}

async fn drain(page_call_limit: u32) {
    let bench = setup(4, page_call_limit).await;
    let now = Timestamp::now();
    for i in 0..200 {
        bench
            .post(format!("drain {i}"), bench.accounts[i % 4], now)
            .await;
    }
    let scheduler = bench.scheduler();
    let started = Instant::now();
    let handled = scheduler.tick().await.expect("tick");
    let first_pass = started.elapsed();
    let published = bench.published().await;
    let throttled = bench
        .sandbox
        .journal()
        .iter()
        .filter(|e| e.status == Some(400))
        .count();
    let retrying: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM targets WHERE status = 'scheduled' AND next_attempt_at IS NOT NULL",
    )
    .fetch_one(bench.store.pool())
    .await
    .expect("count");
    println!(
        "| drain, 200 posts due at once on 4 Pages, budget {page_call_limit} calls/Page/h | {handled} handled in {:.2} s | {published} published | {retrying} waiting for the rate limit to reset | {throttled} throttled answers |",
        first_pass.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    println!("| measurement | result | | | |");
    println!("|---|---|---|---|---|");
    lateness().await;
    drain(4800).await;
    drain(60).await;
}
