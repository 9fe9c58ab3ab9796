//! Sign-ins Herald starts at a platform's OAuth page, and the checks on the callback that
//! finishes one: the `state` must be one Herald issued, unused, and at most 10 minutes old.
//!
//! The `state` is 32 random bytes; only its SHA-256 is stored, so neither a log nor a copy of
//! the database can be used to complete a sign-in.

use jiff::{SignedDuration, Timestamp};

use crate::domain::Platform;
use crate::error::{CoreError, CoreResult};
use crate::hex::{random_hex, sha256_hex};
use crate::store::Store;
use crate::time;

/// How long a callback is accepted after its sign-in started.
pub const SIGN_IN_LIFETIME: SignedDuration = SignedDuration::from_mins(10);

/// Started sign-ins are forgotten this long after they began, used or not.
const FORGET_AFTER: SignedDuration = SignedDuration::from_hours(24);

/// A started sign-in: what goes into the authorization URL.
#[derive(Debug, Clone)]
pub struct StartedSignIn {
    pub id: i64,
    /// The random `state` to send (64 lowercase hex digits). Not a credential, but never logged.
    pub state: String,
}

/// A sign-in whose callback was accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedSignIn {
    pub id: i64,
    pub platform: Platform,
    /// The redirect URI sent with the authorization request.
    pub redirect_uri: String,
}

/// Why a callback was refused. Each reads as a sentence for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CallbackRefused {
    #[error("Herald did not start this sign-in (the link may come from another program or an older attempt). Start the connection again from Herald.")]
    UnknownState,
    #[error("This sign-in link was already used. If the account is not connected yet, start the connection again from Herald.")]
    AlreadyUsed,
    #[error("This sign-in took longer than 10 minutes, so Herald no longer accepts it. Start the connection again from Herald.")]
    Expired,
}

impl From<CallbackRefused> for CoreError {
    fn from(refused: CallbackRefused) -> Self {
        CoreError::Conflict(refused.to_string())
    }
}

impl Store {
    /// Records a new sign-in for `platform` with the redirect URI it will use, and returns its
    /// fresh `state`. Sign-ins older than a day are forgotten on the way.
    pub async fn start_sign_in(
        &self,
        platform: Platform,
        redirect_uri: &str,
        now: Timestamp,
    ) -> CoreResult<StartedSignIn> {
        let state = random_hex(32)?;
        let hash = sha256_hex(&state);
        let platform = platform.as_str();
        let now_s = time::to_epoch(now);
        let forget_before = time::to_epoch(now.saturating_sub(FORGET_AFTER).unwrap_or(now));
        sqlx::query!(
            "DELETE FROM sign_in_attempts WHERE created_at < ?",
            forget_before
        )
        .execute(self.pool())
        .await?;
        let id = sqlx::query_scalar!(
            r#"INSERT INTO sign_in_attempts (platform, state_hash, redirect_uri, created_at)
               VALUES (?, ?, ?, ?) RETURNING id AS "id!""#,
            platform,
            hash,
            redirect_uri,
            now_s
        )
        .fetch_one(self.pool())
        .await?;
        Ok(StartedSignIn { id, state })
    }

    /// Accepts the callback carrying `state` for `platform` once: marks the sign-in used and
    /// returns it, or says why the callback is refused (unknown, reused, older than 10 minutes).
    /// A refused callback for a known sign-in uses it up too: a second try with the same link
    /// is refused as reused.
    pub async fn claim_sign_in(
        &self,
        platform: Platform,
        state: &str,
        now: Timestamp,
    ) -> CoreResult<Result<ClaimedSignIn, CallbackRefused>> {
        let hash = sha256_hex(state);
        let now_s = time::to_epoch(now);
        let mut tx = self.pool().begin().await?;
        let row = sqlx::query!(
            r#"SELECT id AS "id!", platform, redirect_uri, created_at, used_at
               FROM sign_in_attempts WHERE state_hash = ?"#,
            hash
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(Err(CallbackRefused::UnknownState));
        };
        if row.platform != platform.as_str() {
            return Ok(Err(CallbackRefused::UnknownState));
        }
        if row.used_at.is_some() {
            return Ok(Err(CallbackRefused::AlreadyUsed));
        }
        sqlx::query!(
            "UPDATE sign_in_attempts SET used_at = ? WHERE id = ?",
            now_s,
            row.id
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let age = now.duration_since(time::from_epoch(row.created_at)?);
        if age > SIGN_IN_LIFETIME || age.is_negative() {
            return Ok(Err(CallbackRefused::Expired));
        }
        Ok(Ok(ClaimedSignIn {
            id: row.id,
            platform,
            redirect_uri: row.redirect_uri,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        (dir, store)
    }

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + seconds).unwrap()
    }

    #[tokio::test]
    async fn a_callback_is_accepted_once_within_ten_minutes() {
        let (_dir, store) = store().await;
        let started = store
            .start_sign_in(Platform::Instagram, "https://x.test/cb/", at(0))
            .await
            .unwrap();
        assert_eq!(started.state.len(), 64);
        let claimed = store
            .claim_sign_in(Platform::Instagram, &started.state, at(599))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(claimed.redirect_uri, "https://x.test/cb/");
        assert_eq!(
            store
                .claim_sign_in(Platform::Instagram, &started.state, at(600))
                .await
                .unwrap(),
            Err(CallbackRefused::AlreadyUsed)
        );
    }

    #[tokio::test]
    async fn forged_late_and_cross_platform_callbacks_are_refused() {
        let (_dir, store) = store().await;
        let started = store
            .start_sign_in(Platform::Facebook, "https://x.test/cb/", at(0))
            .await
            .unwrap();
        let forged = "0".repeat(64);
        assert_eq!(
            store
                .claim_sign_in(Platform::Facebook, &forged, at(1))
                .await
                .unwrap(),
            Err(CallbackRefused::UnknownState)
        );
        assert_eq!(
            store
                .claim_sign_in(Platform::Instagram, &started.state, at(1))
                .await
                .unwrap(),
            Err(CallbackRefused::UnknownState)
        );
        assert_eq!(
            store
                .claim_sign_in(Platform::Facebook, &started.state, at(601))
                .await
                .unwrap(),
            Err(CallbackRefused::Expired)
        );
        // The late try used it up.
        assert_eq!(
            store
                .claim_sign_in(Platform::Facebook, &started.state, at(2))
                .await
                .unwrap(),
            Err(CallbackRefused::AlreadyUsed)
        );
    }

    #[tokio::test]
    async fn the_state_is_not_stored_and_old_sign_ins_are_forgotten() {
        let (_dir, store) = store().await;
        let old = store
            .start_sign_in(Platform::TikTok, "http://127.0.0.1:1/callback/", at(0))
            .await
            .unwrap();
        let stored: Vec<String> = sqlx::query_scalar("SELECT state_hash FROM sign_in_attempts")
            .fetch_all(store.pool())
            .await
            .unwrap();
        assert_eq!(stored, vec![sha256_hex(&old.state)]);
        store
            .start_sign_in(Platform::TikTok, "http://127.0.0.1:1/callback/", at(86_401))
            .await
            .unwrap();
        assert_eq!(
            store
                .claim_sign_in(Platform::TikTok, &old.state, at(86_402))
                .await
                .unwrap(),
            Err(CallbackRefused::UnknownState)
        );
    }
}
