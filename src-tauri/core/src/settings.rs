//! Settings shared by every Herald process through the database (so pausing publishing in the
//! tray shows in the window and the command line at once).

use crate::error::CoreResult;
use crate::store::Store;

/// The default grace window: an overdue post within it is still published, later it is missed.
pub const DEFAULT_GRACE_MINUTES: i64 = 15;

const PUBLISHING_PAUSED: &str = "publishing_paused";
const GRACE_MINUTES: &str = "grace_minutes";
const AUTOSTART: &str = "autostart";
const SANDBOX_PORT: &str = "sandbox_port";

impl Store {
    async fn setting(&self, key: &str) -> CoreResult<Option<String>> {
        Ok(
            sqlx::query_scalar!("SELECT value FROM settings WHERE key = ?", key)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    async fn set_setting(&self, key: &str, value: &str) -> CoreResult<()> {
        sqlx::query!(
            "INSERT INTO settings (key, value) VALUES (?, ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            key,
            value
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Whether the user paused publishing.
    pub async fn publishing_paused(&self) -> CoreResult<bool> {
        Ok(self.setting(PUBLISHING_PAUSED).await?.as_deref() == Some("true"))
    }

    /// Pauses or resumes publishing everywhere.
    pub async fn set_publishing_paused(&self, paused: bool) -> CoreResult<()> {
        self.set_setting(PUBLISHING_PAUSED, if paused { "true" } else { "false" })
            .await
    }

    /// Minutes an overdue post may still be published before it counts as missed.
    pub async fn grace_minutes(&self) -> CoreResult<i64> {
        Ok(self
            .setting(GRACE_MINUTES)
            .await?
            .and_then(|v| v.parse().ok())
            .filter(|m: &i64| *m >= 0)
            .unwrap_or(DEFAULT_GRACE_MINUTES))
    }

    /// Sets the grace window in minutes.
    pub async fn set_grace_minutes(&self, minutes: i64) -> CoreResult<()> {
        self.set_setting(GRACE_MINUTES, &minutes.max(0).to_string())
            .await
    }

    /// The port of the built-in sandbox on 127.0.0.1 while "Try Herald with sandbox accounts"
    /// is on; `None` when it is off.
    pub async fn sandbox_port(&self) -> CoreResult<Option<u16>> {
        Ok(self
            .setting(SANDBOX_PORT)
            .await?
            .and_then(|v| v.parse().ok()))
    }

    /// Turns the built-in sandbox on (at `port`) or off.
    pub async fn set_sandbox_port(&self, port: Option<u16>) -> CoreResult<()> {
        match port {
            Some(port) => self.set_setting(SANDBOX_PORT, &port.to_string()).await,
            None => {
                sqlx::query!("DELETE FROM settings WHERE key = ?", SANDBOX_PORT)
                    .execute(self.pool())
                    .await?;
                Ok(())
            }
        }
    }

    /// Whether the resident process starts at login.
    pub async fn autostart(&self) -> CoreResult<bool> {
        Ok(self.setting(AUTOSTART).await?.as_deref() == Some("true"))
    }

    /// Records the autostart choice (the caller installs or removes the login entry).
    pub async fn set_autostart(&self, enabled: bool) -> CoreResult<()> {
        self.set_setting(AUTOSTART, if enabled { "true" } else { "false" })
            .await
    }
}
