//! The scheduler (DESIGN.md §4): wakes at the next due time or every 30 s, compares against the
//! wall clock (tokio's timers stop during suspend), marks posts overdue past the grace window as
//! missed, applies pending changes at the platforms, then claims due targets in the database —
//! so two processes never publish the same target — and hands each to the [`Publisher`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use tokio::sync::{mpsc, watch};

use crate::domain::{AccountId, Platform, PostId};
use crate::error::CoreResult;
use crate::publish::{
    backoff, epoch_after, CancelOutcome, Progress, PublishFailure, PublishJob, PublishMode,
    PublishOutcome, Publisher, Retry,
};
use crate::store::Store;
use crate::time::{self, Clock};

/// The longest the scheduler sleeps without looking at the wall clock.
pub const MAX_SLEEP: Duration = Duration::from_secs(30);
/// A wall-clock jump this much larger than the monotonic time slept means suspend or a clock
/// change: rescan at once.
const CLOCK_JUMP: Duration = Duration::from_secs(10);
/// How long a claim lasts; it is renewed while the publisher works, and another process may
/// take the target over once it lapses (its owner died).
const LEASE: Duration = Duration::from_secs(120);
/// Attempts before a transient failure becomes final.
pub const MAX_ATTEMPTS: i64 = 5;

/// The publisher of a build without platform clients: every target fails with a clear reason.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPlatformClients;

impl Publisher for NoPlatformClients {
    async fn publish(&self, job: &PublishJob, _progress: &Progress) -> PublishOutcome {
        PublishOutcome::Failed(PublishFailure {
            code: "platform_unavailable".to_owned(),
            message: format!(
                "This version of Herald cannot publish to {} yet. The post is kept: reschedule \
                 it once {} publishing is available.",
                job.platform, job.platform
            ),
            retry: Retry::Never,
        })
    }
}

/// A target claimed by this process, as the resident process reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRef {
    pub target_id: i64,
    pub post_id: PostId,
    pub account_id: AccountId,
    pub platform: Platform,
}

/// What the scheduler tells the resident process (for notifications).
#[derive(Debug, Clone, PartialEq)]
pub enum SchedulerEvent {
    Published {
        target: TargetRef,
        permalink: Option<String>,
    },
    Failed {
        target: TargetRef,
        code: String,
        message: String,
    },
    /// Targets that were overdue past the grace window.
    Missed { count: usize },
    /// The platform refused an account's token: the account needs reconnecting; its
    /// scheduled posts wait for it.
    NeedsReconnect { target: TargetRef, message: String },
}

/// Runs the publish loop over one database.
pub struct Scheduler<P: Publisher> {
    store: Store,
    publisher: Arc<P>,
    clock: Arc<dyn Clock>,
    owner: String,
    events: Option<mpsc::UnboundedSender<SchedulerEvent>>,
}

impl<P: Publisher> Scheduler<P> {
    /// A scheduler named `owner` (written into its claims) publishing through `publisher`.
    pub fn new(
        store: Store,
        publisher: P,
        clock: Arc<dyn Clock>,
        owner: impl Into<String>,
    ) -> Self {
        Scheduler {
            store,
            publisher: Arc::new(publisher),
            clock,
            owner: owner.into(),
            events: None,
        }
    }

    /// Sends every publish result and missed batch to `events`.
    pub fn with_events(mut self, events: mpsc::UnboundedSender<SchedulerEvent>) -> Self {
        self.events = Some(events);
        self
    }

    /// One pass: marks missed targets, applies pending platform changes, then claims and
    /// publishes every target that is due (unless publishing is paused). Returns how many targets
    /// were handed to the publisher.
    pub async fn tick(&self) -> CoreResult<usize> {
        if self.store.publishing_paused().await? {
            return Ok(0);
        }
        let now = self.clock.now();
        let grace = SignedDuration::from_mins(self.store.grace_minutes().await?);
        let missed = self.store.mark_missed(now, grace).await?;
        if missed > 0 {
            tracing::warn!(
                missed,
                "posts were overdue past the grace window and are marked missed"
            );
            self.emit(SchedulerEvent::Missed { count: missed });
        }
        self.apply_remote_changes().await?;

        let released = self.store.release_dead_claims(process_alive).await?;
        if released > 0 {
            tracing::warn!(released, "took over targets whose publishing process died");
        }
        let lease_until = epoch_after(now, LEASE);
        let mut claimed = self
            .store
            .claim_due_targets(now, &self.owner, lease_until)
            .await?;
        for platform in Platform::ALL {
            if let Some((earliest, latest)) = self.publisher.handoff_window(*platform) {
                let from = now + earliest;
                let to = now + latest;
                claimed.extend(
                    self.store
                        .claim_handoff_targets(*platform, from, to, now, &self.owner, lease_until)
                        .await?,
                );
            }
        }
        // An account the platform throttled in this pass is not called again in it: its other
        // targets wait for the same time instead of adding to the count (meta-api.md §0.3).
        let mut throttled: Vec<(AccountId, Duration)> = Vec::new();
        for target_id in &claimed {
            let account = self.store.target_account(*target_id).await?;
            match throttled.iter().find(|(a, _)| Some(*a) == account) {
                Some((_, wait)) => {
                    self.store
                        .defer_target(*target_id, epoch_after(self.clock.now(), *wait))
                        .await?
                }
                None => {
                    if let Some(wait) = self.run_one(*target_id).await? {
                        throttled.extend(account.map(|a| (a, wait)));
                    }
                }
            }
        }
        Ok(claimed.len())
    }

    /// Publishes everything due now and waits for retries in progress to settle, then returns
    /// (`herald run --until-idle`). Targets handed to a platform's own scheduler count as settled.
    pub async fn run_until_idle(&self) -> CoreResult<usize> {
        let mut total = 0;
        loop {
            let handled = self.tick().await?;
            total += handled;
            if handled > 0 {
                continue;
            }
            let now = self.clock.now();
            match self.store.next_in_flight_at(now).await? {
                Some(next) => {
                    // Poll at least every second: another process may settle its targets first.
                    let wait = Duration::try_from(next.duration_since(now))
                        .unwrap_or(Duration::ZERO)
                        .clamp(Duration::from_millis(50), Duration::from_secs(1));
                    tokio::time::sleep(wait).await;
                }
                None => return Ok(total),
            }
        }
    }

    /// Runs until `shutdown` becomes true: wakes at the next due time, at most every
    /// [`MAX_SLEEP`], at once when `changes` signals a database change or after a clock jump.
    pub async fn run(
        &self,
        mut changes: watch::Receiver<u64>,
        mut shutdown: watch::Receiver<bool>,
    ) -> CoreResult<()> {
        loop {
            if let Err(err) = self.tick().await {
                tracing::error!(%err, "scheduler pass failed; retrying on the next wake");
            }
            let wait = self.time_to_next_wake().await;
            let (wall_before, mono_before) = (self.clock.now(), Instant::now());
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                changed = changes.changed() => if changed.is_err() { changes = watch::channel(0).1; },
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                return Ok(());
            }
            let wall = self.clock.now().duration_since(wall_before);
            let mono =
                SignedDuration::try_from(mono_before.elapsed()).unwrap_or(SignedDuration::MAX);
            if wall - mono > SignedDuration::try_from(CLOCK_JUMP).unwrap_or(SignedDuration::MAX) {
                tracing::info!(%wall, %mono, "wall clock jumped (resume from suspend?); rescanning");
            }
        }
    }

    /// Publishes one claimed target, renewing its lease while the publisher works. Returns the
    /// wait the platform asked for when it rate-limited the account.
    async fn run_one(&self, target_id: i64) -> CoreResult<Option<Duration>> {
        let now = self.clock.now();
        let Some(job) = self.store.publish_job(target_id, now).await? else {
            return Ok(None);
        };
        let attempt = self
            .store
            .start_attempt(target_id, &self.owner, now)
            .await?;
        tracing::info!(target = target_id, post = job.post.id, platform = %job.platform, mode = ?job.mode, "publishing");
        let progress = Progress::new(self.store.clone(), target_id);
        let publish = self.publisher.publish(&job, &progress);
        tokio::pin!(publish);
        let mut renew = tokio::time::interval(LEASE / 3);
        renew.tick().await;
        let outcome = loop {
            tokio::select! {
                outcome = &mut publish => break outcome,
                _ = renew.tick() => {
                    let until = epoch_after(self.clock.now(), LEASE);
                    self.store.renew_lease(target_id, &self.owner, until).await?;
                }
            }
        };
        let target = TargetRef {
            target_id,
            post_id: job.post.id,
            account_id: job.account_id,
            platform: job.platform,
        };
        let settled = self
            .store
            .finish_target(target_id, attempt, &outcome, self.clock.now())
            .await?;
        let rate_limited = match &outcome {
            PublishOutcome::Failed(PublishFailure {
                retry: Retry::RateLimited(wait),
                ..
            }) => Some(*wait),
            _ => None,
        };
        match (outcome, settled) {
            (PublishOutcome::Published { permalink, .. }, _) => {
                tracing::info!(target = target_id, ?permalink, "published");
                self.emit(SchedulerEvent::Published { target, permalink });
            }
            (PublishOutcome::Failed(failure), TargetSettled::Failed) => {
                tracing::warn!(target = target_id, code = %failure.code, message = %failure.message, "publishing failed");
                self.emit(SchedulerEvent::Failed {
                    target,
                    code: failure.code,
                    message: failure.message,
                });
            }
            (PublishOutcome::Failed(failure), TargetSettled::WaitingForReconnect) => {
                tracing::warn!(target = target_id, account = target.account_id, code = %failure.code, "the account needs reconnecting; its posts wait");
                self.emit(SchedulerEvent::NeedsReconnect {
                    target,
                    message: failure.message,
                });
            }
            (PublishOutcome::Failed(failure), _) => {
                tracing::info!(target = target_id, code = %failure.code, "transient failure; will retry");
            }
            (other, _) => tracing::info!(target = target_id, outcome = ?other, "attempt finished"),
        }
        Ok(rate_limited)
    }

    /// Cancels at the platforms the posts that were moved or deleted after being handed over.
    async fn apply_remote_changes(&self) -> CoreResult<()> {
        for change in self.store.pending_remote_changes(self.clock.now()).await? {
            let outcome = self.publisher.cancel_handoff(&change).await;
            tracing::info!(remote = %change.remote_id, ?outcome, "cancelled a handed-off post");
            self.store
                .finish_remote_change(&change, &outcome, self.clock.now())
                .await?;
        }
        Ok(())
    }

    async fn time_to_next_wake(&self) -> Duration {
        let now = self.clock.now();
        match self.store.next_unsettled_at(now).await {
            Ok(Some(next)) => Duration::try_from(next.duration_since(now))
                .unwrap_or(Duration::ZERO)
                .min(MAX_SLEEP),
            _ => MAX_SLEEP,
        }
    }

    fn emit(&self, event: SchedulerEvent) {
        if let Some(events) = &self.events {
            let _ = events.send(event);
        }
    }
}

/// Whether a process with this pid exists on this machine (Linux: `/proc`; elsewhere assumed
/// alive, so claims lapse with their lease).
pub fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

/// Where a target ended after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetSettled {
    Published,
    /// Back to `scheduled`: handed over, waiting to be verified, or waiting for a retry.
    Waiting,
    /// Back to `scheduled`, held until its account is reconnected.
    WaitingForReconnect,
    Failed,
}

/// A change still to be made at a platform.
#[derive(Debug, Clone)]
pub struct RemoteChange {
    pub id: i64,
    pub account_id: AccountId,
    pub platform: Platform,
    pub remote_id: String,
    pub target_id: Option<i64>,
    /// The account is a sandbox account.
    pub simulated: bool,
}

impl Store {
    /// Marks never-attempted scheduled targets overdue past the grace window as missed.
    pub async fn mark_missed(&self, now: Timestamp, grace: SignedDuration) -> CoreResult<usize> {
        let cutoff = time::to_epoch(now) - grace.as_secs();
        let now_s = time::to_epoch(now);
        let result = sqlx::query!(
            "UPDATE targets SET status = 'missed', updated_at = ?
             WHERE status = 'scheduled' AND attempts = 0 AND handed_off = 0 AND next_attempt_at IS NULL
               AND post_id IN (SELECT id FROM posts WHERE due_at < ? AND draft = 0)",
            now_s,
            cutoff
        )
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() as usize)
    }

    /// Claims, in one statement, every target of a connected account that is due (or waiting to
    /// be verified after a hand-over, or whose retry time came) and every target whose previous
    /// owner's lease lapsed. A target claimed by someone else is not returned.
    pub async fn claim_due_targets(
        &self,
        now: Timestamp,
        owner: &str,
        lease_until: i64,
    ) -> CoreResult<Vec<i64>> {
        let now_s = time::to_epoch(now);
        let ids = sqlx::query_scalar!(
            r#"UPDATE targets SET status = 'publishing', lease_owner = ?, lease_expires_at = ?, updated_at = ?
               WHERE id IN (
                 SELECT t.id FROM targets t
                   JOIN posts p ON p.id = t.post_id
                   JOIN accounts a ON a.id = t.account_id
                 WHERE p.draft = 0 AND a.status = 'connected'
                   AND t.id NOT IN (SELECT target_id FROM remote_changes WHERE target_id IS NOT NULL)
                   AND ((t.status = 'scheduled' AND p.due_at <= ?
                         AND (t.next_attempt_at IS NULL OR t.next_attempt_at <= ?))
                        OR (t.status = 'publishing' AND t.lease_expires_at < ?)))
               RETURNING id AS "id!""#,
            owner,
            lease_until,
            now_s,
            now_s,
            now_s,
            now_s
        )
        .fetch_all(self.pool())
        .await?;
        Ok(ids)
    }

    /// Claims targets on `platform` due within `[from, to]` that can be handed to the platform's
    /// own scheduler (stories cannot: platforms publish them only when asked).
    pub async fn claim_handoff_targets(
        &self,
        platform: Platform,
        from: Timestamp,
        to: Timestamp,
        now: Timestamp,
        owner: &str,
        lease_until: i64,
    ) -> CoreResult<Vec<i64>> {
        let (from_s, to_s, now_s) = (
            time::to_epoch(from),
            time::to_epoch(to),
            time::to_epoch(now),
        );
        let platform = platform.as_str();
        let ids = sqlx::query_scalar!(
            r#"UPDATE targets SET status = 'publishing', lease_owner = ?, lease_expires_at = ?, updated_at = ?
               WHERE id IN (
                 SELECT t.id FROM targets t
                   JOIN posts p ON p.id = t.post_id
                   JOIN accounts a ON a.id = t.account_id
                 WHERE p.draft = 0 AND a.status = 'connected' AND a.platform = ?
                   AND p.kind != 'story'
                   AND t.status = 'scheduled' AND t.handed_off = 0
                   AND t.id NOT IN (SELECT target_id FROM remote_changes WHERE target_id IS NOT NULL)
                   AND p.due_at BETWEEN ? AND ?
                   AND (t.next_attempt_at IS NULL OR t.next_attempt_at <= ?))
               RETURNING id AS "id!""#,
            owner,
            lease_until,
            now_s,
            platform,
            from_s,
            to_s,
            now_s
        )
        .fetch_all(self.pool())
        .await?;
        Ok(ids)
    }

    /// The account a target publishes to.
    pub async fn target_account(&self, target_id: i64) -> CoreResult<Option<AccountId>> {
        Ok(
            sqlx::query_scalar!("SELECT account_id FROM targets WHERE id = ?", target_id)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// Gives a claimed target back, to be tried at `next_attempt_at` (its account is throttled);
    /// no attempt is counted.
    pub async fn defer_target(&self, target_id: i64, next_attempt_at: i64) -> CoreResult<()> {
        sqlx::query!(
            "UPDATE targets SET status = 'scheduled', next_attempt_at = ?,
                    lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND status = 'publishing'",
            next_attempt_at,
            target_id
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Extends this owner's claim on a target.
    pub async fn renew_lease(&self, target_id: i64, owner: &str, until: i64) -> CoreResult<()> {
        sqlx::query!(
            "UPDATE targets SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? AND status = 'publishing'",
            until,
            target_id,
            owner
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Everything the publisher needs for a claimed target. `post.caption` is the caption this
    /// target publishes: its network's own when the user wrote one, else the post's.
    pub async fn publish_job(
        &self,
        target_id: i64,
        now: Timestamp,
    ) -> CoreResult<Option<PublishJob>> {
        let Some(row) = sqlx::query!(
            r#"SELECT t.post_id, t.account_id, t.progress, t.remote_id, t.handed_off AS "handed_off: bool",
                      t.caption, a.platform, a.platform_account_id, a.simulated AS "simulated: bool", p.due_at AS "due_at!"
               FROM targets t JOIN accounts a ON a.id = t.account_id JOIN posts p ON p.id = t.post_id
               WHERE t.id = ? AND p.due_at IS NOT NULL"#,
            target_id
        )
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let due_at = time::from_epoch(row.due_at)?;
        let mode = if row.handed_off {
            PublishMode::Verify
        } else if due_at > now {
            PublishMode::Handoff
        } else {
            PublishMode::Now
        };
        let mut post = self.post(row.post_id).await?;
        // The network's own caption, when it has one: every client publishes `post.caption`.
        if let Some(caption) = row.caption {
            post.caption = caption;
        }
        Ok(Some(PublishJob {
            target_id,
            mode,
            post,
            due_at,
            account_id: row.account_id,
            platform: row.platform.parse()?,
            platform_account_id: row.platform_account_id,
            simulated: row.simulated,
            progress: row
                .progress
                .as_deref()
                .and_then(|text| serde_json::from_str(text).ok()),
            remote_id: row.remote_id,
        }))
    }

    /// Opens an attempt in the target's history (closing any attempt a dead owner left open).
    pub async fn start_attempt(
        &self,
        target_id: i64,
        owner: &str,
        now: Timestamp,
    ) -> CoreResult<i64> {
        let now_s = time::to_epoch(now);
        sqlx::query!(
            "UPDATE publish_attempts SET finished_at = ?, outcome = 'interrupted'
             WHERE target_id = ? AND finished_at IS NULL",
            now_s,
            target_id
        )
        .execute(self.pool())
        .await?;
        Ok(sqlx::query_scalar!(
            r#"INSERT INTO publish_attempts (target_id, owner, started_at) VALUES (?, ?, ?) RETURNING id AS "id!""#,
            target_id,
            owner,
            now_s
        )
        .fetch_one(self.pool())
        .await?)
    }

    /// Records how an attempt ended and releases the claim.
    pub async fn finish_target(
        &self,
        target_id: i64,
        attempt_id: i64,
        outcome: &PublishOutcome,
        now: Timestamp,
    ) -> CoreResult<TargetSettled> {
        let now_s = time::to_epoch(now);
        let attempts = sqlx::query_scalar!("SELECT attempts FROM targets WHERE id = ?", target_id)
            .fetch_optional(self.pool())
            .await?
            .unwrap_or_default();
        let mut tx = self.pool().begin().await?;
        let (settled, history, code, message) = match outcome {
            PublishOutcome::Published {
                remote_id,
                permalink,
            } => {
                sqlx::query!(
                    "UPDATE targets SET status = 'published', remote_id = ?, permalink = ?, handed_off = 0,
                            error_code = NULL, error_message = NULL, next_attempt_at = NULL,
                            published_at = coalesce(published_at, ?),
                            lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?",
                    remote_id, permalink, now_s, now_s, target_id
                )
                .execute(&mut *tx)
                .await?;
                (TargetSettled::Published, "published", None, None)
            }
            PublishOutcome::HandedOff { remote_id } => {
                sqlx::query!(
                    "UPDATE targets SET status = 'scheduled', remote_id = ?, handed_off = 1,
                            error_code = NULL, error_message = NULL, next_attempt_at = NULL,
                            lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?",
                    remote_id, now_s, target_id
                )
                .execute(&mut *tx)
                .await?;
                (TargetSettled::Waiting, "handed_off", None, None)
            }
            PublishOutcome::NotYetLive { check_again_in } => {
                let next = epoch_after(now, *check_again_in);
                sqlx::query!(
                    "UPDATE targets SET status = 'scheduled', next_attempt_at = ?,
                            lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?",
                    next, now_s, target_id
                )
                .execute(&mut *tx)
                .await?;
                (TargetSettled::Waiting, "retry", None, None)
            }
            PublishOutcome::Failed(failure) => {
                let retry_after = match &failure.retry {
                    Retry::After(wait) if attempts + 1 < MAX_ATTEMPTS => Some(*wait),
                    _ => None,
                };
                let (code, message) = (failure.code.as_str(), failure.message.as_str());
                if let Retry::RateLimited(wait) = &failure.retry {
                    let next = epoch_after(now, *wait);
                    sqlx::query!(
                        "UPDATE targets SET status = 'scheduled', next_attempt_at = ?,
                                error_code = ?, error_message = ?,
                                lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?",
                        next, code, message, now_s, target_id
                    )
                    .execute(&mut *tx)
                    .await?;
                    (TargetSettled::Waiting, "retry", Some(code), Some(message))
                } else if let Some(wait) = retry_after {
                    let attempt = u32::try_from(attempts + 1).unwrap_or(u32::MAX);
                    let wait = wait.max(backoff(attempt, target_id as u64 ^ u64::from(attempt)));
                    let next = epoch_after(now, wait);
                    sqlx::query!(
                        "UPDATE targets SET status = 'scheduled', attempts = attempts + 1, next_attempt_at = ?,
                                error_code = ?, error_message = ?,
                                lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?",
                        next, code, message, now_s, target_id
                    )
                    .execute(&mut *tx)
                    .await?;
                    (TargetSettled::Waiting, "retry", Some(code), Some(message))
                } else if failure.retry == Retry::Reconnect {
                    // The platform refused the account's token: nothing is lost. The target
                    // waits, scheduled, until the account is reconnected (the scheduler skips
                    // accounts that are not connected); the account says why.
                    sqlx::query!(
                        "UPDATE targets SET status = 'scheduled', next_attempt_at = NULL,
                                error_code = ?, error_message = ?,
                                lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?",
                        code, message, now_s, target_id
                    )
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query!(
                        "UPDATE accounts SET status = 'needs_reconnect', reconnect_reason = ?
                         WHERE id = (SELECT account_id FROM targets WHERE id = ?)",
                        message,
                        target_id
                    )
                    .execute(&mut *tx)
                    .await?;
                    (
                        TargetSettled::WaitingForReconnect,
                        "failed",
                        Some(code),
                        Some(message),
                    )
                } else {
                    sqlx::query!(
                        "UPDATE targets SET status = 'failed', attempts = attempts + 1, next_attempt_at = NULL,
                                error_code = ?, error_message = ?,
                                lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?",
                        code, message, now_s, target_id
                    )
                    .execute(&mut *tx)
                    .await?;
                    (TargetSettled::Failed, "failed", Some(code), Some(message))
                }
            }
        };
        sqlx::query!(
            "UPDATE publish_attempts SET finished_at = ?, outcome = ?, code = ?, message = ? WHERE id = ?",
            now_s, history, code, message, attempt_id
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(settled)
    }

    /// The earliest moment something not yet settled needs the scheduler: a due time, a retry,
    /// or a lease that will lapse. Handed-over targets count only once their time has come.
    pub async fn next_unsettled_at(&self, now: Timestamp) -> CoreResult<Option<Timestamp>> {
        let now_s = time::to_epoch(now);
        let next = sqlx::query_scalar!(
            r#"SELECT min(at) AS "at: i64" FROM (
                 SELECT max(p.due_at, coalesce(t.next_attempt_at, 0)) AS at
                   FROM targets t JOIN posts p ON p.id = t.post_id JOIN accounts a ON a.id = t.account_id
                  WHERE t.status = 'scheduled' AND p.draft = 0 AND a.status = 'connected'
                    AND (t.handed_off = 0 OR p.due_at <= ?)
                 UNION ALL
                 SELECT lease_expires_at FROM targets WHERE status = 'publishing'
                 UNION ALL
                 SELECT coalesce(next_attempt_at, ?) FROM remote_changes)"#,
            now_s,
            now_s
        )
        .fetch_one(self.pool())
        .await?;
        next.map(time::from_epoch).transpose()
    }

    /// The earliest moment a target that is already due needs the scheduler again (a retry, a
    /// lease that will lapse) or a platform change is pending: what `run --until-idle` waits
    /// for. Posts due later and posts handed to a platform's scheduler do not count.
    pub async fn next_in_flight_at(&self, now: Timestamp) -> CoreResult<Option<Timestamp>> {
        let now_s = time::to_epoch(now);
        let next = sqlx::query_scalar!(
            r#"SELECT min(at) AS "at: i64" FROM (
                 SELECT t.next_attempt_at AS at
                   FROM targets t JOIN posts p ON p.id = t.post_id JOIN accounts a ON a.id = t.account_id
                  WHERE t.status = 'scheduled' AND t.handed_off = 0 AND t.next_attempt_at IS NOT NULL
                    AND p.draft = 0 AND a.status = 'connected' AND p.due_at <= ?
                 UNION ALL
                 SELECT lease_expires_at FROM targets WHERE status = 'publishing'
                 UNION ALL
                 SELECT coalesce(r.next_attempt_at, ?) FROM remote_changes r
                   JOIN accounts a ON a.id = r.account_id WHERE a.status = 'connected')"#,
            now_s,
            now_s
        )
        .fetch_one(self.pool())
        .await?;
        next.map(time::from_epoch).transpose()
    }

    /// Lets lapse at once the claims of processes on this machine that no longer exist (a
    /// killed `herald run`), so their targets are taken over without waiting for the lease. An
    /// owner is named `<name>-<pid>`; owners whose pid cannot be read are left to their lease.
    pub async fn release_dead_claims(&self, is_alive: impl Fn(u32) -> bool) -> CoreResult<usize> {
        let owners = sqlx::query_scalar!(
            r#"SELECT DISTINCT lease_owner AS "owner!" FROM targets
               WHERE status = 'publishing' AND lease_owner IS NOT NULL"#
        )
        .fetch_all(self.pool())
        .await?;
        let mut released = 0;
        for owner in owners {
            let pid = owner.rsplit('-').next().and_then(|p| p.parse::<u32>().ok());
            if pid.is_some_and(|pid| pid != std::process::id() && !is_alive(pid)) {
                released += sqlx::query!(
                    "UPDATE targets SET lease_expires_at = 0 WHERE status = 'publishing' AND lease_owner = ?",
                    owner
                )
                .execute(self.pool())
                .await?
                .rows_affected() as usize;
            }
        }
        Ok(released)
    }

    /// Platform changes still to be made.
    pub async fn pending_remote_changes(&self, now: Timestamp) -> CoreResult<Vec<RemoteChange>> {
        let now_s = time::to_epoch(now);
        sqlx::query!(
            r#"SELECT r.id AS "id!", r.account_id, a.platform, r.remote_id, r.target_id,
                      a.simulated AS "simulated: bool"
               FROM remote_changes r JOIN accounts a ON a.id = r.account_id
               WHERE a.status = 'connected' AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= ?)
               ORDER BY r.id"#,
            now_s
        )
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|row| {
            Ok(RemoteChange {
                id: row.id,
                account_id: row.account_id,
                platform: row.platform.parse()?,
                remote_id: row.remote_id,
                target_id: row.target_id,
                simulated: row.simulated,
            })
        })
        .collect()
    }

    /// Records the result of a platform change.
    pub async fn finish_remote_change(
        &self,
        change: &RemoteChange,
        outcome: &CancelOutcome,
        now: Timestamp,
    ) -> CoreResult<()> {
        let now_s = time::to_epoch(now);
        let mut tx = self.pool().begin().await?;
        match outcome {
            CancelOutcome::Cancelled => {}
            CancelOutcome::AlreadyPublished { permalink } => {
                // Too late to move it: it is live, so the target is published.
                if let Some(target_id) = change.target_id {
                    sqlx::query!(
                        "UPDATE targets SET status = 'published', permalink = ?, remote_id = ?, handed_off = 0,
                                next_attempt_at = NULL, published_at = coalesce(published_at, ?),
                                updated_at = ? WHERE id = ?",
                        permalink, change.remote_id, now_s, now_s, target_id
                    )
                    .execute(&mut *tx)
                    .await?;
                }
            }
            CancelOutcome::RetryAfter(wait) => {
                let next = epoch_after(now, *wait);
                sqlx::query!(
                    "UPDATE remote_changes SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?",
                    next,
                    change.id
                )
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                return Ok(());
            }
        }
        sqlx::query!("DELETE FROM remote_changes WHERE id = ?", change.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
