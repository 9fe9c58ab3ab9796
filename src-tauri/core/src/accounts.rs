//! Connected accounts. Their tokens are in the keyring under names derived from the account id;
//! this table holds only what may be shown.

use jiff::Timestamp;

use crate::domain::{AccountId, AccountStatus, AccountView, Platform};
use crate::error::{CoreError, CoreResult};
use crate::quota::quota_view;
use crate::scheduler::RemoteChange;
use crate::store::Store;
use crate::time;
use crate::vault::{SecretKey, Vault};

/// An account as a platform describes it when it is connected.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub platform: Platform,
    /// The platform's own id of the account (stable across reconnects).
    pub platform_account_id: String,
    pub name: String,
    /// A sandbox account: publishes to the local simulation, never to the real platform.
    pub simulated: bool,
}

impl Store {
    /// Every account, in the order they were connected.
    pub async fn list_accounts(&self) -> CoreResult<Vec<AccountView>> {
        sqlx::query!(
            r#"SELECT id AS "id!", platform, name, status, simulated AS "simulated: bool",
                      quota_used, quota_total, quota_window_seconds, quota_checked_at,
                      reconnect_reason, token_expires_at
               FROM accounts ORDER BY id"#
        )
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|row| {
            Ok(AccountView {
                id: row.id,
                platform: row.platform.parse()?,
                name: row.name,
                status: row.status.parse()?,
                simulated: row.simulated,
                quota: quota_view(
                    row.quota_used,
                    row.quota_total,
                    row.quota_window_seconds,
                    row.quota_checked_at,
                ),
                reconnect_reason: row.reconnect_reason,
                token_expires_at: row
                    .token_expires_at
                    .map(time::from_epoch)
                    .transpose()?
                    .map(|at| at.to_string()),
            })
        })
        .collect()
    }

    /// One account.
    pub async fn account(&self, id: AccountId) -> CoreResult<AccountView> {
        self.list_accounts()
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or(CoreError::NotFound {
                what: "account",
                id,
            })
    }

    /// Records a connected account, or reconnects the existing one with the same platform id
    /// (so its posts stay with it).
    pub async fn upsert_account(
        &self,
        new: &NewAccount,
        now: Timestamp,
    ) -> CoreResult<AccountView> {
        let platform = new.platform.as_str();
        let now_s = time::to_epoch(now);
        let id = sqlx::query_scalar!(
            r#"INSERT INTO accounts (platform, platform_account_id, name, status, simulated, created_at)
               VALUES (?, ?, ?, 'connected', ?, ?)
               ON CONFLICT (platform, platform_account_id)
               DO UPDATE SET name = excluded.name, status = 'connected', simulated = excluded.simulated,
                             reconnect_reason = NULL
               RETURNING id AS "id!""#,
            platform,
            new.platform_account_id,
            new.name,
            new.simulated,
            now_s
        )
        .fetch_one(self.pool())
        .await?;
        self.account(id).await
    }

    /// Sets an account's status (e.g. *needs reconnect* after the platform refused its token).
    pub async fn set_account_status(&self, id: AccountId, status: AccountStatus) -> CoreResult<()> {
        let status = status.as_str();
        sqlx::query!("UPDATE accounts SET status = ? WHERE id = ?", status, id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Marks an account *needs reconnect* with the platform's reason in a sentence. Its
    /// scheduled targets stay scheduled and wait: the scheduler only publishes for connected
    /// accounts, and reconnecting lets them go.
    pub async fn mark_needs_reconnect(&self, id: AccountId, reason: &str) -> CoreResult<()> {
        sqlx::query!(
            "UPDATE accounts SET status = 'needs_reconnect', reconnect_reason = ?
             WHERE id = ? AND status = 'connected'",
            reason,
            id
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records that the account's access token was (re)issued at `issued_at` and when it
    /// expires (`None`: it does not, like a Facebook Page token).
    pub async fn record_token_issued(
        &self,
        id: AccountId,
        issued_at: Timestamp,
        expires_at: Option<Timestamp>,
    ) -> CoreResult<()> {
        let issued = time::to_epoch(issued_at);
        let expires = expires_at.map(time::to_epoch);
        sqlx::query!(
            "UPDATE accounts SET token_issued_at = ?, token_expires_at = ? WHERE id = ?",
            issued,
            expires,
            id
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Connected Instagram accounts whose token is at least `min_age` old (or of unknown age)
    /// and not yet expired: Instagram lets a long-lived token be refreshed from 24 h on.
    pub async fn instagram_tokens_to_refresh(
        &self,
        now: Timestamp,
        min_age: jiff::SignedDuration,
    ) -> CoreResult<Vec<(AccountId, bool)>> {
        let now_s = time::to_epoch(now);
        let issued_before = time::to_epoch(now.saturating_sub(min_age).unwrap_or(now));
        let rows = sqlx::query!(
            r#"SELECT id AS "id!", simulated AS "simulated: bool" FROM accounts
               WHERE platform = 'instagram' AND status = 'connected'
                 AND (token_issued_at IS NULL OR token_issued_at <= ?)
                 AND (token_expires_at IS NULL OR token_expires_at > ?)
               ORDER BY id"#,
            issued_before,
            now_s
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|r| (r.id, r.simulated)).collect())
    }

    /// Records which Facebook user's sign-in gave a Page account its token.
    pub async fn set_login_user(&self, id: AccountId, login_user_id: &str) -> CoreResult<()> {
        sqlx::query!(
            "UPDATE accounts SET login_user_id = ? WHERE id = ?",
            login_user_id,
            id
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The Facebook user an account was connected through, and the other accounts still
    /// connected (or waiting for a reconnect) through the same user.
    pub async fn login_user_and_siblings(
        &self,
        id: AccountId,
    ) -> CoreResult<Option<(String, Vec<AccountView>)>> {
        let user = sqlx::query_scalar!("SELECT login_user_id FROM accounts WHERE id = ?", id)
            .fetch_optional(self.pool())
            .await?
            .flatten();
        let Some(user) = user else { return Ok(None) };
        let ids = sqlx::query_scalar!(
            r#"SELECT id AS "id!" FROM accounts WHERE login_user_id = ? AND id <> ?
                 AND status <> 'disconnected'"#,
            user,
            id
        )
        .fetch_all(self.pool())
        .await?;
        let siblings = self
            .list_accounts()
            .await?
            .into_iter()
            .filter(|a| ids.contains(&a.id))
            .collect();
        Ok(Some((user, siblings)))
    }

    /// Removes every sandbox account with its posts (a post that also targets a real account
    /// keeps that target) and its keyring entries. Returns how many accounts were removed.
    pub async fn remove_simulated_accounts(&self, vault: &dyn Vault) -> CoreResult<usize> {
        let ids = sqlx::query_scalar!(r#"SELECT id AS "id!" FROM accounts WHERE simulated = 1"#)
            .fetch_all(self.pool())
            .await?;
        for id in &ids {
            for key in SecretKey::of_account(*id) {
                vault.delete(&key)?;
            }
        }
        let mut tx = self.pool().begin().await?;
        sqlx::query!(
            "DELETE FROM remote_changes WHERE account_id IN (SELECT id FROM accounts WHERE simulated = 1)"
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "DELETE FROM targets WHERE account_id IN (SELECT id FROM accounts WHERE simulated = 1)"
        )
        .execute(&mut *tx)
        .await?;
        // Posts left without any target were the sandbox's alone (undated drafts are kept).
        sqlx::query!(
            "DELETE FROM posts WHERE draft = 0 AND id NOT IN (SELECT post_id FROM targets)"
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("DELETE FROM accounts WHERE simulated = 1")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(ids.len())
    }

    /// Disconnects an account: deletes its keyring entries and marks it disconnected, so its
    /// scheduled targets never publish. Its posts are kept.
    pub async fn disconnect_account(&self, id: AccountId, vault: &dyn Vault) -> CoreResult<()> {
        self.account(id).await?;
        // Secrets first: a crash after this leaves a disconnected-looking account with no
        // token, never a token that outlives the user's wish.
        for key in SecretKey::of_account(id) {
            vault.delete(&key)?;
        }
        let status = AccountStatus::Disconnected.as_str();
        sqlx::query!("UPDATE accounts SET status = ? WHERE id = ?", status, id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The targets of an account that a platform holds for later (Facebook's native
    /// scheduling): they must be cancelled there while Herald still has the account's token.
    pub async fn handed_off_targets(&self, id: AccountId) -> CoreResult<Vec<RemoteChange>> {
        let rows = sqlx::query!(
            r#"SELECT t.id AS "id!", t.remote_id AS "remote_id!", a.platform,
                      a.simulated AS "simulated: bool"
               FROM targets t JOIN accounts a ON a.id = t.account_id
               WHERE t.account_id = ? AND t.handed_off = 1 AND t.status = 'scheduled'
                 AND t.remote_id IS NOT NULL"#,
            id
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(RemoteChange {
                    id: 0,
                    account_id: id,
                    platform: row.platform.parse()?,
                    remote_id: row.remote_id,
                    target_id: Some(row.id),
                    simulated: row.simulated,
                })
            })
            .collect()
    }

    /// Stops every pending target of an account (scheduled, failed or missed): they become
    /// drafts and are never published. Returns how many.
    pub async fn cancel_account_targets(&self, id: AccountId, now: Timestamp) -> CoreResult<u64> {
        let now_s = time::to_epoch(now);
        Ok(sqlx::query!(
            "UPDATE targets SET status = 'draft', handed_off = 0, remote_id = NULL, progress = NULL,
                    next_attempt_at = NULL, attempts = 0, updated_at = ?
             WHERE account_id = ? AND status IN ('scheduled', 'failed', 'missed')",
            now_s,
            id
        )
        .execute(self.pool())
        .await?
        .rows_affected())
    }

    /// Deletes an account's posts: posts that target only this account go entirely; from posts
    /// shared with other accounts only this account's target goes. Returns the posts deleted.
    pub async fn delete_account_posts(&self, id: AccountId) -> CoreResult<u64> {
        let mut tx = self.pool().begin().await?;
        let deleted = sqlx::query!(
            "DELETE FROM posts WHERE id IN (SELECT post_id FROM targets WHERE account_id = ?)
               AND id NOT IN (SELECT post_id FROM targets WHERE account_id <> ?)",
            id,
            id
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query!("DELETE FROM remote_changes WHERE account_id = ?", id)
            .execute(&mut *tx)
            .await?;
        sqlx::query!("DELETE FROM targets WHERE account_id = ?", id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(deleted)
    }
}
