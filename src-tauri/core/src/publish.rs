//! The publish state machine's contract with the platform clients (DESIGN.md §3).
//!
//! The scheduler claims a target, then hands a [`PublishJob`] to a [`Publisher`]. The publisher
//! records every step through [`Progress`] *before* and *after* each platform call, so that after a
//! crash, a timeout or a kill the next attempt (possibly in another process) starts from what was
//! recorded and asks the platform what happened before repeating anything that is not idempotent.

use std::future::Future;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use crate::domain::{AccountId, Platform, PostView};
use crate::error::CoreResult;
use crate::scheduler::RemoteChange;
use crate::store::Store;
use crate::time;

/// What the scheduler asks of the publisher for one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishMode {
    /// The target is due: publish it now.
    Now,
    /// The target is due later and its platform can hold it until then (Facebook's
    /// `scheduled_publish_time`): hand it over.
    Handoff,
    /// The target was handed over and its time has passed: check that it went live.
    Verify,
}

/// One target to publish, with everything the platform client needs.
#[derive(Debug, Clone)]
pub struct PublishJob {
    pub target_id: i64,
    pub mode: PublishMode,
    pub post: PostView,
    pub due_at: Timestamp,
    pub account_id: AccountId,
    pub platform: Platform,
    /// The platform's own id of the account (a Page id, an Instagram user id…).
    pub platform_account_id: String,
    /// A sandbox account: publish to the local simulation.
    pub simulated: bool,
    /// What earlier attempts recorded (`None` on a first attempt).
    pub progress: Option<Value>,
    /// The platform's id of the post, once known.
    pub remote_id: Option<String>,
}

/// When (and whether) a failed attempt may be tried again.
#[derive(Debug, Clone, PartialEq)]
pub enum Retry {
    /// The failure is final (the content or the request must change).
    Never,
    /// A transient failure: try again after at least this long (counts as an attempt).
    After(Duration),
    /// The platform asks Herald to slow down for this account: try again after this long. Not
    /// counted as an attempt, and the account's other due targets wait too instead of calling.
    RateLimited(Duration),
    /// The token was refused: the account must be connected again.
    Reconnect,
}

/// Why an attempt failed: the platform's code, a plain sentence saying what to do, and whether
/// to try again.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishFailure {
    pub code: String,
    pub message: String,
    pub retry: Retry,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum PublishOutcome {
    /// Live on the platform.
    Published {
        remote_id: String,
        permalink: Option<String>,
    },
    /// The platform holds it and will publish it at its due time.
    HandedOff {
        remote_id: String,
    },
    /// Handed off and not live yet: look again later.
    NotYetLive {
        check_again_in: Duration,
    },
    Failed(PublishFailure),
}

/// How cancelling a post the platform holds for later ended.
#[derive(Debug, Clone, PartialEq)]
pub enum CancelOutcome {
    /// It is gone (or was never there).
    Cancelled,
    /// It went live before it could be cancelled.
    AlreadyPublished { permalink: Option<String> },
    /// Could not be cancelled now; try again after this long.
    RetryAfter(Duration),
}

/// A platform client, as the scheduler sees it.
pub trait Publisher: Send + Sync + 'static {
    /// Publishes (or hands over, or verifies) one claimed target.
    fn publish(
        &self,
        job: &PublishJob,
        progress: &Progress,
    ) -> impl Future<Output = PublishOutcome> + Send;

    /// How far ahead of its due time a target on `platform` may be handed to the platform's own
    /// scheduler: `(earliest, latest)` before the due time; `None` if the platform cannot.
    fn handoff_window(&self, _platform: Platform) -> Option<(SignedDuration, SignedDuration)> {
        None
    }

    /// Cancels a post the platform holds for later (the user moved or deleted it in Herald).
    fn cancel_handoff(&self, _change: &RemoteChange) -> impl Future<Output = CancelOutcome> + Send {
        async { CancelOutcome::Cancelled }
    }
}

/// Where a publisher records its steps for one target. Every `save` is committed before it
/// returns.
#[derive(Debug, Clone)]
pub struct Progress {
    store: Store,
    target_id: i64,
}

impl Progress {
    pub(crate) fn new(store: Store, target_id: i64) -> Self {
        Progress { store, target_id }
    }

    /// Records the step reached (JSON chosen by the platform client) and, when known, the
    /// platform's id of the post.
    pub async fn save(&self, progress: &Value, remote_id: Option<&str>) -> CoreResult<()> {
        let text = progress.to_string();
        sqlx::query!(
            "UPDATE targets SET progress = ?, remote_id = coalesce(?, remote_id) WHERE id = ?",
            text,
            remote_id,
            self.target_id
        )
        .execute(self.store.pool())
        .await?;
        Ok(())
    }

    /// Records how posting the first comment went: its id, or why it failed. The target's own
    /// status is not touched (a published post stays published).
    pub async fn record_first_comment(
        &self,
        comment_id: Option<&str>,
        error: Option<&str>,
    ) -> CoreResult<()> {
        sqlx::query!(
            "UPDATE targets SET first_comment_id = ?, first_comment_error = ? WHERE id = ?",
            comment_id,
            error,
            self.target_id
        )
        .execute(self.store.pool())
        .await?;
        Ok(())
    }

    /// Records the publishing quota the platform reported for this target's account.
    pub async fn record_quota(
        &self,
        used: u32,
        total: u32,
        window_seconds: u32,
        now: Timestamp,
    ) -> CoreResult<()> {
        let account = self.account_id().await?;
        self.store
            .record_quota(account, used, total, window_seconds, now)
            .await
    }

    /// When the next post fits in this account's quota window, judging by what Herald itself
    /// published there (see [`Store::next_quota_slot`]).
    pub async fn next_quota_slot(&self, now: Timestamp) -> CoreResult<Option<Timestamp>> {
        let account = self.account_id().await?;
        self.store.next_quota_slot(account, now).await
    }

    /// Records what TikTok said about this target's creator (their posting options).
    pub async fn record_tiktok_creator(
        &self,
        creator: &crate::creator::TikTokCreator,
    ) -> CoreResult<()> {
        let account = self.account_id().await?;
        self.store.set_tiktok_creator(account, creator).await
    }

    async fn account_id(&self) -> CoreResult<AccountId> {
        Ok(sqlx::query_scalar!(
            "SELECT account_id FROM targets WHERE id = ?",
            self.target_id
        )
        .fetch_one(self.store.pool())
        .await?)
    }
}

/// The delay before retry number `attempt` (1-based): 30 s doubling up to 15 min, with ±20 %
/// jitter so that many targets failing together do not retry together.
pub fn backoff(attempt: u32, jitter_seed: u64) -> Duration {
    let base = 30u64.saturating_mul(1u64 << attempt.saturating_sub(1).min(10));
    let capped = base.min(15 * 60) as f64;
    // A cheap, deterministic spread in [0.8, 1.2) from the seed (the target id and attempt).
    let spread =
        0.8 + ((jitter_seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) % 400) as f64 / 1000.0;
    Duration::from_secs_f64(capped * spread)
}

/// Seconds since the epoch for `at + after`.
pub(crate) fn epoch_after(at: Timestamp, after: Duration) -> i64 {
    time::to_epoch(at).saturating_add(i64::try_from(after.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let first = backoff(1, 7).as_secs_f64();
        assert!((24.0..36.0).contains(&first), "{first}");
        let third = backoff(3, 7).as_secs_f64();
        assert!((96.0..144.0).contains(&third), "{third}");
        let late = backoff(30, 7).as_secs_f64();
        assert!(late <= 15.0 * 60.0 * 1.2, "{late}");
        assert_ne!(backoff(2, 1), backoff(2, 2));
    }
}
