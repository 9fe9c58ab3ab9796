//! The media relay's settings (DESIGN.md §6): the user's own S3-compatible bucket that Instagram
//! fetches media from. The endpoint, region, bucket and access key id are ordinary settings; the
//! secret access key lives in the keyring. `HERALD_RELAY_*` environment variables override each
//! of them (for scripts and tests).

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreResult};
use crate::store::Store;
use crate::vault::{Secret, SecretKey, Vault};

const RELAY: &str = "relay";

/// The environment variables that override the relay settings, field by field.
pub const ENDPOINT_VAR: &str = "HERALD_RELAY_ENDPOINT";
pub const REGION_VAR: &str = "HERALD_RELAY_REGION";
pub const BUCKET_VAR: &str = "HERALD_RELAY_BUCKET";
pub const ACCESS_KEY_ID_VAR: &str = "HERALD_RELAY_ACCESS_KEY_ID";
pub const SECRET_ACCESS_KEY_VAR: &str = "HERALD_RELAY_SECRET_ACCESS_KEY";

/// Where Herald puts media for Instagram to fetch (everything but the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RelaySettings {
    /// The S3 endpoint, e.g. `https://s3.eu-west-1.amazonaws.com` or an R2/B2/MinIO URL.
    pub endpoint: String,
    pub region: String,
    pub bucket: String,
    pub access_key_id: String,
}

/// The relay in effect: settings plus the secret access key.
#[derive(Debug, Clone)]
pub struct RelayCredentials {
    pub settings: RelaySettings,
    pub secret_access_key: Secret,
}

impl RelaySettings {
    /// Checks the fields, with a sentence naming what is wrong.
    pub fn validate(&self) -> CoreResult<()> {
        let endpoint = self.endpoint.trim();
        if !(endpoint.starts_with("https://") || endpoint.starts_with("http://"))
            || endpoint.len() <= "https://".len()
        {
            return Err(CoreError::invalid(format!(
                "the relay endpoint '{endpoint}' must be an http:// or https:// URL"
            )));
        }
        if self.region.trim().is_empty() {
            return Err(CoreError::invalid(
                "the relay needs a region (for example us-east-1; R2 uses 'auto')",
            ));
        }
        let bucket = self.bucket.trim();
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
            && !bucket.starts_with(['-', '.'])
            && !bucket.ends_with(['-', '.']);
        if !valid_bucket {
            return Err(CoreError::invalid(format!(
                "'{bucket}' is not a valid bucket name: 3 to 63 lowercase letters, digits, dots or hyphens"
            )));
        }
        if self.access_key_id.trim().is_empty() {
            return Err(CoreError::invalid("the relay needs an access key id"));
        }
        Ok(())
    }

    fn trimmed(self) -> RelaySettings {
        RelaySettings {
            endpoint: self.endpoint.trim().trim_end_matches('/').to_owned(),
            region: self.region.trim().to_owned(),
            bucket: self.bucket.trim().to_owned(),
            access_key_id: self.access_key_id.trim().to_owned(),
        }
    }
}

impl Store {
    /// The relay settings saved by the user (without environment overrides).
    pub async fn saved_relay_settings(&self) -> CoreResult<Option<RelaySettings>> {
        let text = sqlx::query_scalar!("SELECT value FROM settings WHERE key = ?", RELAY)
            .fetch_optional(self.pool())
            .await?;
        text.map(|t| {
            serde_json::from_str(&t).map_err(|err| {
                CoreError::invalid(format!("the saved relay settings are unreadable: {err}"))
            })
        })
        .transpose()
    }

    /// Saves the relay settings and its secret access key (into the keyring, first).
    pub async fn set_relay(
        &self,
        settings: RelaySettings,
        secret_access_key: &Secret,
        vault: &dyn Vault,
    ) -> CoreResult<RelaySettings> {
        let settings = settings.trimmed();
        settings.validate()?;
        if secret_access_key.expose().trim().is_empty() {
            return Err(CoreError::invalid("the relay needs a secret access key"));
        }
        vault.store(&SecretKey::RelaySecretKey, secret_access_key)?;
        let text =
            serde_json::to_string(&settings).map_err(|err| CoreError::invalid(err.to_string()))?;
        sqlx::query!(
            "INSERT INTO settings (key, value) VALUES (?, ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            RELAY,
            text
        )
        .execute(self.pool())
        .await?;
        Ok(settings)
    }

    /// Forgets the relay: its settings and its keyring entry.
    pub async fn clear_relay(&self, vault: &dyn Vault) -> CoreResult<()> {
        vault.delete(&SecretKey::RelaySecretKey)?;
        sqlx::query!("DELETE FROM settings WHERE key = ?", RELAY)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The relay in effect: saved settings with each `HERALD_RELAY_*` variable found by
    /// `lookup` overriding its field. `None` when no relay is configured at all.
    pub async fn relay_in_effect(
        &self,
        vault: &dyn Vault,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> CoreResult<Option<RelayCredentials>> {
        let saved = self.saved_relay_settings().await?;
        let env = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let field = |name: &str, saved: Option<&str>| env(name).or(saved.map(str::to_owned));
        let endpoint = field(ENDPOINT_VAR, saved.as_ref().map(|s| s.endpoint.as_str()));
        let Some(endpoint) = endpoint else {
            return Ok(None);
        };
        let settings = RelaySettings {
            endpoint,
            region: field(REGION_VAR, saved.as_ref().map(|s| s.region.as_str()))
                .unwrap_or_else(|| "us-east-1".to_owned()),
            bucket: field(BUCKET_VAR, saved.as_ref().map(|s| s.bucket.as_str()))
                .unwrap_or_default(),
            access_key_id: field(
                ACCESS_KEY_ID_VAR,
                saved.as_ref().map(|s| s.access_key_id.as_str()),
            )
            .unwrap_or_default(),
        }
        .trimmed();
        settings.validate()?;
        let secret = match env(SECRET_ACCESS_KEY_VAR) {
            Some(secret) => Secret::new(secret),
            None => vault.load(&SecretKey::RelaySecretKey)?.ok_or_else(|| {
                CoreError::invalid(
                    "the relay's secret access key is not in the keyring; set the relay again",
                )
            })?,
        };
        Ok(Some(RelayCredentials {
            settings,
            secret_access_key: secret,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> RelaySettings {
        RelaySettings {
            endpoint: "http://127.0.0.1:9000/".to_owned(),
            region: "us-east-1".to_owned(),
            bucket: "herald-relay".to_owned(),
            access_key_id: "key".to_owned(),
        }
    }

    #[test]
    fn validation_names_the_bad_field() {
        assert!(settings().validate().is_ok());
        let bad = RelaySettings {
            endpoint: "ftp://x".to_owned(),
            ..settings()
        };
        assert!(bad.validate().unwrap_err().to_string().contains("endpoint"));
        let bad = RelaySettings {
            bucket: "My_Bucket".to_owned(),
            ..settings()
        };
        assert!(bad
            .validate()
            .unwrap_err()
            .to_string()
            .contains("not a valid bucket name"));
    }
}
