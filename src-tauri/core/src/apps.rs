//! The user's own developer apps ("bring your own app"): the app id in the database, its secret
//! in the keyring.

use jiff::Timestamp;

use crate::domain::Platform;
use crate::error::{CoreError, CoreResult};
use crate::store::Store;
use crate::time;
use crate::vault::{Secret, SecretKey, Vault};

impl Store {
    /// Stores a developer app: the secret goes to the keyring first, then the id to the
    /// database, so the database never names an app whose secret is missing.
    pub async fn set_developer_app(
        &self,
        platform: Platform,
        client_id: &str,
        secret: &Secret,
        vault: &dyn Vault,
        now: Timestamp,
    ) -> CoreResult<()> {
        let client_id = client_id.trim();
        if client_id.is_empty() {
            return Err(CoreError::invalid("the app id (--client-id) is empty"));
        }
        if secret.is_empty() {
            return Err(CoreError::invalid(
                "the app secret is empty; pipe it on standard input",
            ));
        }
        vault.store(&SecretKey::AppSecret(platform), secret)?;
        let platform = platform.as_str();
        let now_s = time::to_epoch(now);
        sqlx::query!(
            "INSERT INTO developer_apps (platform, client_id, updated_at) VALUES (?, ?, ?)
             ON CONFLICT (platform) DO UPDATE SET client_id = excluded.client_id, updated_at = excluded.updated_at",
            platform,
            client_id,
            now_s
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The app id configured for a platform, if any.
    pub async fn developer_app_id(&self, platform: Platform) -> CoreResult<Option<String>> {
        let platform = platform.as_str();
        Ok(sqlx::query_scalar!(
            "SELECT client_id FROM developer_apps WHERE platform = ?",
            platform
        )
        .fetch_optional(self.pool())
        .await?)
    }
}
