//! What TikTok last said about a creator (`creator_info/query`, `../shared/platforms/tiktok-api.md`
//! §3.2): kept on the account so a post is checked against the creator's own options when it is
//! scheduled, and queried again right before publishing.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::domain::AccountId;
use crate::error::{CoreError, CoreResult};
use crate::options::TikTokPrivacy;
use crate::store::Store;
use crate::time;

/// A TikTok creator's posting options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TikTokCreator {
    /// Shown wherever the user picks this account (TikTok requires it).
    pub nickname: String,
    #[serde(default)]
    pub username: Option<String>,
    /// TikTok's names of the levels this creator may post with (unknown names are kept).
    pub privacy_level_options: Vec<String>,
    pub comment_disabled: bool,
    pub duet_disabled: bool,
    pub stitch_disabled: bool,
    pub max_video_post_duration_sec: u32,
    /// When TikTok said so (RFC 3339).
    pub checked_at: String,
}

impl TikTokCreator {
    /// Whether the creator offers this privacy level.
    pub fn offers(&self, privacy: TikTokPrivacy) -> bool {
        self.privacy_level_options
            .iter()
            .any(|o| o == privacy.as_str())
    }

    /// The offered levels in the app's words ("Everyone, Friends, Only me").
    pub fn offered_labels(&self) -> String {
        TikTokPrivacy::ALL
            .into_iter()
            .filter(|p| self.offers(*p))
            .map(TikTokPrivacy::label)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Store {
    /// Records what TikTok said about an account's creator.
    pub async fn set_tiktok_creator(
        &self,
        account: AccountId,
        creator: &TikTokCreator,
    ) -> CoreResult<()> {
        let text =
            serde_json::to_string(creator).map_err(|err| CoreError::invalid(err.to_string()))?;
        sqlx::query!(
            "UPDATE accounts SET details = ? WHERE id = ?",
            text,
            account
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// What TikTok last said about an account's creator, if anything.
    pub async fn tiktok_creator(&self, account: AccountId) -> CoreResult<Option<TikTokCreator>> {
        let text = sqlx::query_scalar!("SELECT details FROM accounts WHERE id = ?", account)
            .fetch_optional(self.pool())
            .await?
            .flatten();
        // Details written by another version of Herald are ignored, not fatal.
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// Records when an account's access and refresh tokens expire.
    pub async fn set_token_expiry(
        &self,
        account: AccountId,
        access_expires_at: Option<Timestamp>,
        refresh_expires_at: Option<Timestamp>,
    ) -> CoreResult<()> {
        let access = access_expires_at.map(time::to_epoch);
        let refresh = refresh_expires_at.map(time::to_epoch);
        sqlx::query!(
            "UPDATE accounts SET token_expires_at = ?, refresh_expires_at = coalesce(?, refresh_expires_at)
             WHERE id = ?",
            access,
            refresh,
            account
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// When an account's access token expires, if known.
    pub async fn token_expires_at(&self, account: AccountId) -> CoreResult<Option<Timestamp>> {
        let at = sqlx::query_scalar!(
            "SELECT token_expires_at FROM accounts WHERE id = ?",
            account
        )
        .fetch_optional(self.pool())
        .await?
        .flatten();
        at.map(time::from_epoch).transpose()
    }
}
