//! A post's publishing history: every attempt each of its targets made (who tried, when, how it
//! ended, the platform's code and sentence), for the post detail and for support.

use serde::{Deserialize, Serialize};

use crate::domain::{AccountId, Platform, PostId};
use crate::error::CoreResult;
use crate::store::Store;
use crate::time;

/// One publishing attempt of one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AttemptView {
    pub account_id: AccountId,
    pub account_name: String,
    pub platform: Platform,
    /// When it started (RFC 3339).
    pub started_at: String,
    /// When it ended (RFC 3339); `None` while it runs, or when its process was killed.
    pub finished_at: Option<String>,
    /// `published`, `handed_off` (Facebook holds it for its time), `retry`, `failed` or
    /// `interrupted`; `None` while it runs.
    pub outcome: Option<String>,
    pub code: Option<String>,
    /// What happened, as a sentence.
    pub message: Option<String>,
}

impl Store {
    /// Every attempt of the post's targets, oldest first.
    pub async fn post_history(&self, post: PostId) -> CoreResult<Vec<AttemptView>> {
        self.post(post).await?;
        let rows = sqlx::query!(
            r#"SELECT a.id AS "account_id!", a.name, a.platform, pa.started_at, pa.finished_at,
                      pa.outcome, pa.code, pa.message
               FROM publish_attempts pa
               JOIN targets t ON t.id = pa.target_id
               JOIN accounts a ON a.id = t.account_id
               WHERE t.post_id = ?
               ORDER BY pa.started_at, pa.id"#,
            post
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(AttemptView {
                    account_id: row.account_id,
                    account_name: row.name,
                    platform: row.platform.parse()?,
                    started_at: time::from_epoch(row.started_at)?.to_string(),
                    finished_at: row
                        .finished_at
                        .map(time::from_epoch)
                        .transpose()?
                        .map(|at| at.to_string()),
                    outcome: row.outcome,
                    code: row.code,
                    message: row.message,
                })
            })
            .collect()
    }
}
