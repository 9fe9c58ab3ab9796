//! Settings shared by every Herald process through the database (so pausing publishing in the
//! tray shows in the window and the command line at once).

use jiff::civil::Time;

use crate::error::{CoreError, CoreResult};
use crate::store::Store;

/// The default grace window: an overdue post within it is still published, later it is missed.
pub const DEFAULT_GRACE_MINUTES: i64 = 15;

const PUBLISHING_PAUSED: &str = "publishing_paused";
const GRACE_MINUTES: &str = "grace_minutes";
const AUTOSTART: &str = "autostart";
const SANDBOX_PORT: &str = "sandbox_port";
const DEFAULT_POST_TIME: &str = "default_post_time";

/// The time of day a draft dropped on a day is scheduled at, unless the user chose another.
pub const DEFAULT_POST_TIME_OF_DAY: Time = Time::constant(9, 0, 0, 0);

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

    /// The time of day (in the post's own zone) a draft dropped on a day is scheduled at;
    /// 09:00 unless set.
    pub async fn default_post_time(&self) -> CoreResult<Time> {
        Ok(self
            .setting(DEFAULT_POST_TIME)
            .await?
            .and_then(|v| parse_time_of_day(&v).ok())
            .unwrap_or(DEFAULT_POST_TIME_OF_DAY))
    }

    /// Sets the time of day drafts dropped on a day are scheduled at (`HH:MM`).
    pub async fn set_default_post_time(&self, time: &str) -> CoreResult<Time> {
        let parsed = parse_time_of_day(time)?;
        self.set_setting(DEFAULT_POST_TIME, &parsed.strftime("%H:%M").to_string())
            .await?;
        Ok(parsed)
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

/// A time of day written `HH:MM` (seconds are dropped).
fn parse_time_of_day(text: &str) -> CoreResult<Time> {
    text.trim()
        .parse::<Time>()
        .map(|t| t.with().second(0).subsec_nanosecond(0).build().unwrap_or(t))
        .map_err(|_| {
            CoreError::invalid(format!(
                "'{text}' is not a time of day; use HH:MM, e.g. 09:00"
            ))
        })
}
