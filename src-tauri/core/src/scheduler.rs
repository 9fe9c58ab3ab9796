//! The scheduler (DESIGN.md §4): wakes at the next due time or every 30 s, compares against the
//! wall clock (tokio's timers stop during suspend), marks posts overdue past the grace window as
//! missed, and hands due targets to a [`Publisher`] after claiming them in the database, so two
//! processes never publish the same target.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use tokio::sync::{mpsc, watch};

use crate::domain::{AccountId, Platform, PostId, TargetStatus};
use crate::error::CoreResult;
use crate::store::Store;
use crate::time::{self, Clock};

/// The longest the scheduler sleeps without looking at the wall clock.
pub const MAX_SLEEP: Duration = Duration::from_secs(30);
/// A wall-clock jump this much larger than the monotonic time slept means suspend or a clock
/// change: rescan at once.
const CLOCK_JUMP: Duration = Duration::from_secs(10);
/// How long a claim on a target lasts before another process may take it over.
const LEASE: SignedDuration = SignedDuration::from_mins(10);

/// A target whose time has come.
#[derive(Debug, Clone, PartialEq)]
pub struct DueTarget {
    pub target_id: i64,
    pub post_id: PostId,
    pub account_id: AccountId,
    pub platform: Platform,
    pub due_at: Timestamp,
}

/// How publishing one target ended.
#[derive(Debug, Clone, PartialEq)]
pub enum PublishOutcome {
    Published { permalink: Option<String> },
    Failed { code: String, message: String },
}

/// Something that publishes a claimed target to its platform.
pub trait Publisher: Send + Sync + 'static {
    /// Publishes one target; called only after the target was claimed.
    fn publish(&self, target: &DueTarget) -> impl Future<Output = PublishOutcome> + Send;
}

/// The publisher of a build without platform clients: every target fails with a clear reason
/// and stays retryable.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPlatformClients;

impl Publisher for NoPlatformClients {
    async fn publish(&self, target: &DueTarget) -> PublishOutcome {
        PublishOutcome::Failed {
            code: "platform_unavailable".to_owned(),
            message: format!(
                "This version of Herald cannot publish to {} yet. The post is kept: reschedule \
                 it once {} publishing is available.",
                target.platform, target.platform
            ),
        }
    }
}

/// What the scheduler tells the resident process (for notifications).
#[derive(Debug, Clone, PartialEq)]
pub enum SchedulerEvent {
    Published {
        target: DueTarget,
        permalink: Option<String>,
    },
    Failed {
        target: DueTarget,
        code: String,
        message: String,
    },
    /// Targets that were overdue past the grace window.
    Missed { count: usize },
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

    /// One pass: marks missed targets, then claims and publishes the due ones (unless paused).
    /// Returns how many targets were handed to the publisher.
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
        let due = self
            .store
            .claim_due_targets(now, &self.owner, now + LEASE)
            .await?;
        for target in &due {
            tracing::info!(target = target.target_id, post = target.post_id, platform = %target.platform, "publishing");
            let outcome = self.publisher.publish(target).await;
            self.store
                .finish_target(target.target_id, &outcome, self.clock.now())
                .await?;
            self.emit(match outcome {
                PublishOutcome::Published { permalink } => SchedulerEvent::Published {
                    target: target.clone(),
                    permalink,
                },
                PublishOutcome::Failed { code, message } => {
                    tracing::warn!(target = target.target_id, %code, %message, "publishing failed");
                    SchedulerEvent::Failed {
                        target: target.clone(),
                        code,
                        message,
                    }
                }
            });
        }
        Ok(due.len())
    }

    /// Publishes everything due now, then returns (`herald run --until-idle`).
    pub async fn run_until_idle(&self) -> CoreResult<usize> {
        let mut total = 0;
        loop {
            let handled = self.tick().await?;
            if handled == 0 {
                return Ok(total);
            }
            total += handled;
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
            let wait = self.time_to_next_due().await.unwrap_or(MAX_SLEEP);
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

    async fn time_to_next_due(&self) -> Option<Duration> {
        let next = self.store.next_due_at().await.ok().flatten()?;
        let until = next.duration_since(self.clock.now());
        let until = Duration::try_from(until).unwrap_or(Duration::ZERO);
        Some(until.min(MAX_SLEEP))
    }

    fn emit(&self, event: SchedulerEvent) {
        if let Some(events) = &self.events {
            let _ = events.send(event);
        }
    }
}

impl Store {
    /// The earliest due time of a scheduled target.
    pub async fn next_due_at(&self) -> CoreResult<Option<Timestamp>> {
        let next = sqlx::query_scalar!(
            r#"SELECT min(p.due_at) AS "due_at: i64" FROM targets t JOIN posts p ON p.id = t.post_id
               WHERE t.status = 'scheduled'"#
        )
        .fetch_one(self.pool())
        .await?;
        next.map(time::from_epoch).transpose()
    }

    /// Marks scheduled targets overdue past the grace window as missed; returns how many.
    pub async fn mark_missed(&self, now: Timestamp, grace: SignedDuration) -> CoreResult<usize> {
        let cutoff = time::to_epoch(now) - grace.as_secs();
        let now_s = time::to_epoch(now);
        let result = sqlx::query!(
            "UPDATE targets SET status = 'missed', updated_at = ?
             WHERE status = 'scheduled'
               AND post_id IN (SELECT id FROM posts WHERE due_at < ? AND draft = 0)",
            now_s,
            cutoff
        )
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() as usize)
    }

    /// Claims every due, scheduled target of a connected account for `owner`, in one
    /// transaction; a target claimed by someone else is not returned.
    pub async fn claim_due_targets(
        &self,
        now: Timestamp,
        owner: &str,
        lease_until: Timestamp,
    ) -> CoreResult<Vec<DueTarget>> {
        let now_s = time::to_epoch(now);
        let lease_s = time::to_epoch(lease_until);
        let publishing = TargetStatus::Publishing.as_str();
        let mut tx = self.pool().begin().await?;
        let rows = sqlx::query!(
            r#"UPDATE targets SET status = ?, lease_owner = ?, lease_expires_at = ?, updated_at = ?
               WHERE status = 'scheduled'
                 AND post_id IN (SELECT id FROM posts WHERE due_at <= ? AND draft = 0)
                 AND account_id IN (SELECT id FROM accounts WHERE status = 'connected')
               RETURNING id AS "id!", post_id, account_id"#,
            publishing,
            owner,
            lease_s,
            now_s,
            now_s
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut due = Vec::with_capacity(rows.len());
        for row in rows {
            let info = sqlx::query!(
                r#"SELECT a.platform, p.due_at AS "due_at!" FROM accounts a, posts p
                   WHERE a.id = ? AND p.id = ?"#,
                row.account_id,
                row.post_id
            )
            .fetch_one(&mut *tx)
            .await?;
            due.push(DueTarget {
                target_id: row.id,
                post_id: row.post_id,
                account_id: row.account_id,
                platform: info.platform.parse()?,
                due_at: time::from_epoch(info.due_at)?,
            });
        }
        tx.commit().await?;
        Ok(due)
    }

    /// Records how publishing a claimed target ended and releases the claim.
    pub async fn finish_target(
        &self,
        target_id: i64,
        outcome: &PublishOutcome,
        now: Timestamp,
    ) -> CoreResult<()> {
        let now_s = time::to_epoch(now);
        let (status, permalink, code, message) = match outcome {
            PublishOutcome::Published { permalink } => {
                (TargetStatus::Published, permalink.as_deref(), None, None)
            }
            PublishOutcome::Failed { code, message } => (
                TargetStatus::Failed,
                None,
                Some(code.as_str()),
                Some(message.as_str()),
            ),
        };
        let status = status.as_str();
        sqlx::query!(
            "UPDATE targets SET status = ?, permalink = ?, error_code = ?, error_message = ?,
                    lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
             WHERE id = ?",
            status,
            permalink,
            code,
            message,
            now_s,
            target_id
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
