//! Publishing quotas (Instagram allows a number of API posts per rolling 24 hours): the figure
//! the platform last reported, and the warning a scheduled target gets when it would exceed it,
//! so the user learns it when scheduling, not when the post fails.

use std::collections::HashMap;

use jiff::Timestamp;

use crate::domain::{AccountId, PostId, QuotaView};
use crate::error::CoreResult;
use crate::store::Store;
use crate::time;

/// Instagram's documented post quota, used until the account's real one has been read.
pub const INSTAGRAM_DEFAULT_QUOTA: i64 = 50;
/// Instagram's quota window.
pub const INSTAGRAM_QUOTA_WINDOW_SECONDS: i64 = 24 * 60 * 60;
/// TikTok's daily Direct Post cap per creator ("typically around 15", shared by every app;
/// TikTok does not report it, so Herald counts its own posts against it).
pub const TIKTOK_DAILY_POSTS: i64 = 15;

impl Store {
    /// Records the quota a platform reported for an account.
    pub async fn record_quota(
        &self,
        account: AccountId,
        used: u32,
        total: u32,
        window_seconds: u32,
        now: Timestamp,
    ) -> CoreResult<()> {
        let now_s = time::to_epoch(now);
        sqlx::query!(
            "UPDATE accounts SET quota_used = ?, quota_total = ?, quota_window_seconds = ?,
                    quota_checked_at = ? WHERE id = ?",
            used,
            total,
            window_seconds,
            now_s,
            account
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The quota last read for an account, if any.
    pub async fn quota(&self, account: AccountId) -> CoreResult<Option<QuotaView>> {
        let row = sqlx::query!(
            "SELECT quota_used, quota_total, quota_window_seconds, quota_checked_at
             FROM accounts WHERE id = ?",
            account
        )
        .fetch_optional(self.pool())
        .await?;
        Ok(row.and_then(|r| {
            quota_view(
                r.quota_used,
                r.quota_total,
                r.quota_window_seconds,
                r.quota_checked_at,
            )
        }))
    }

    /// When the next post fits in an account's rolling window, judging by what Herald itself
    /// published there: 24 h after the oldest post still inside the window.
    pub async fn next_quota_slot(
        &self,
        account: AccountId,
        now: Timestamp,
    ) -> CoreResult<Option<Timestamp>> {
        let since = time::to_epoch(now) - INSTAGRAM_QUOTA_WINDOW_SECONDS;
        let oldest = sqlx::query_scalar!(
            r#"SELECT min(published_at) AS "oldest: i64" FROM targets
               WHERE account_id = ? AND status = 'published' AND published_at > ?"#,
            account,
            since
        )
        .fetch_one(self.pool())
        .await?;
        oldest
            .map(|at| time::from_epoch(at + INSTAGRAM_QUOTA_WINDOW_SECONDS))
            .transpose()
    }

    /// Warnings for the scheduled Instagram targets of the posts in `post_ids` (a JSON array)
    /// that would exceed their account's quota, keyed by target id.
    pub(crate) async fn quota_warnings(&self, post_ids: &str) -> CoreResult<HashMap<i64, String>> {
        let mut conn = self.pool().acquire().await?;
        quota_warnings_on(&mut conn, post_ids).await
    }

    /// The warnings a post's scheduled Instagram and TikTok targets would carry if it were due
    /// at `at` instead: what the calendar asks before a move that would exceed a quota. The
    /// move is tried in a transaction that is rolled back, so nothing changes.
    pub async fn warnings_if_moved(&self, post: PostId, at: Timestamp) -> CoreResult<Vec<String>> {
        self.post(post).await?;
        let at_s = time::to_epoch(at);
        let ids = format!("[{post}]");
        let mut tx = self.pool().begin().await?;
        sqlx::query!("UPDATE posts SET due_at = ? WHERE id = ?", at_s, post)
            .execute(&mut *tx)
            .await?;
        let warnings = quota_warnings_on(&mut tx, &ids).await;
        tx.rollback().await?;
        let mut warnings: Vec<(i64, String)> = warnings?.into_iter().collect();
        warnings.sort();
        Ok(warnings.into_iter().map(|(_, w)| w).collect())
    }
}

/// [`Store::quota_warnings`] on one connection (a transaction sees its own changes).
async fn quota_warnings_on(
    conn: &mut sqlx::SqliteConnection,
    post_ids: &str,
) -> CoreResult<HashMap<i64, String>> {
    {
        let rows = sqlx::query!(
            r#"SELECT t.id AS "id!", a.name, a.platform, a.quota_total, a.quota_window_seconds,
                      (SELECT count(*) FROM targets o JOIN posts op ON op.id = o.post_id
                        WHERE o.account_id = t.account_id
                          AND o.status IN ('scheduled', 'publishing', 'published')
                          AND coalesce(o.published_at, op.due_at)
                              > p.due_at - coalesce(a.quota_window_seconds, ?)
                          AND (coalesce(o.published_at, op.due_at) < p.due_at
                               OR (coalesce(o.published_at, op.due_at) = p.due_at AND o.id <= t.id))
                      ) AS "in_window!: i64"
               FROM targets t JOIN posts p ON p.id = t.post_id JOIN accounts a ON a.id = t.account_id
               WHERE t.post_id IN (SELECT value FROM json_each(?))
                 AND t.status = 'scheduled' AND a.platform IN ('instagram', 'tiktok')
                 AND p.due_at IS NOT NULL"#,
            INSTAGRAM_QUOTA_WINDOW_SECONDS,
            post_ids
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut warnings = HashMap::new();
        for row in rows {
            let tiktok = row.platform == "tiktok";
            let (total, known) = match (row.quota_total, tiktok) {
                (_, true) => (TIKTOK_DAILY_POSTS, false),
                (Some(total), false) => (total, true),
                (None, false) => (INSTAGRAM_DEFAULT_QUOTA, false),
            };
            if row.in_window <= total {
                continue;
            }
            let hours = row
                .quota_window_seconds
                .filter(|_| !tiktok)
                .unwrap_or(INSTAGRAM_QUOTA_WINDOW_SECONDS)
                / 3600;
            let warning = if tiktok {
                format!(
                    "This would be post {} within {hours} hours on {}; TikTok lets a creator post about {total} a day (shared with every app). Move it later, or TikTok may refuse it.",
                    row.in_window, row.name
                )
            } else {
                let source = if known {
                    "as Instagram last reported"
                } else {
                    "Instagram's documented limit; Herald reads the real one before publishing"
                };
                format!(
                    "This would be post {} within {hours} hours on {}; Instagram allows {total} ({source}). Move it later or it will wait for a free slot.",
                    row.in_window, row.name
                )
            };
            warnings.insert(row.id, warning);
        }
        Ok(warnings)
    }
}

/// The quota columns of an account row as a view (all present, or nothing).
pub(crate) fn quota_view(
    used: Option<i64>,
    total: Option<i64>,
    window_seconds: Option<i64>,
    checked_at: Option<i64>,
) -> Option<QuotaView> {
    let (used, total, window, checked) = (used?, total?, window_seconds?, checked_at?);
    Some(QuotaView {
        used: u32::try_from(used).ok()?,
        total: u32::try_from(total).ok()?,
        window_hours: u32::try_from(window / 3600).ok()?,
        checked_at: time::from_epoch(checked).ok()?.to_string(),
    })
}
