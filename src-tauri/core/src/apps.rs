//! The user's own developer apps ("bring your own app"): the app id and redirect URI in the
//! database, the app secret in the keyring.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::domain::Platform;
use crate::error::{CoreError, CoreResult};
use crate::store::Store;
use crate::time;
use crate::vault::{Secret, SecretKey, Vault};

/// The redirect URI of a TikTok desktop app: the loopback listener on any port. Register it
/// exactly so in the TikTok app.
pub const TIKTOK_REDIRECT_PATTERN: &str = "http://127.0.0.1:*/callback/";

/// A developer app as shown in Settings. The secret is never shown, only whether it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeveloperApp {
    pub platform: Platform,
    /// The Instagram app id, Meta app id or TikTok client key.
    pub client_id: String,
    /// Where the platform sends the browser back: the hosted redirect page for Meta, the
    /// loopback pattern for TikTok.
    pub redirect_uri: String,
}

/// What the user typed for a developer app.
#[derive(Debug, Clone)]
pub struct DeveloperAppInput<'a> {
    pub platform: Platform,
    pub client_id: &'a str,
    /// Required for Instagram and Facebook; ignored for TikTok (always the loopback).
    pub redirect_uri: Option<&'a str>,
    /// `None` keeps the secret already stored.
    pub secret: Option<&'a Secret>,
}

/// Checks a Meta redirect URI: absolute `https`, a host, no fragment. Meta compares it with
/// the registered one character for character, so it is kept exactly as typed (trimmed).
pub fn check_meta_redirect_uri(uri: &str) -> CoreResult<()> {
    let problem = if !uri.starts_with("https://") {
        Some("must start with https:// (Meta accepts no other redirect)")
    } else if uri.len() > 512 {
        Some("is longer than 512 characters")
    } else if uri.contains('#') {
        Some("must not contain #")
    } else if uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("must not contain spaces")
    } else if uri["https://".len()..]
        .split('/')
        .next()
        .unwrap_or("")
        .is_empty()
    {
        Some("has no host name")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(CoreError::invalid(format!(
            "the redirect page address {problem}; enter the address of your hosted Herald redirect page, e.g. https://you.github.io/herald/oauth/instagram/"
        ))),
        None => Ok(()),
    }
}

impl Store {
    /// Stores a developer app: the secret goes to the keyring first, then the id to the
    /// database, so the database never names an app whose secret is missing.
    pub async fn set_developer_app(
        &self,
        input: &DeveloperAppInput<'_>,
        vault: &dyn Vault,
        now: Timestamp,
    ) -> CoreResult<DeveloperApp> {
        let platform = input.platform;
        let client_id = input.client_id.trim();
        if client_id.is_empty() {
            return Err(CoreError::invalid("the app id is empty"));
        }
        if client_id.len() > 128 || client_id.chars().any(|c| c.is_whitespace()) {
            return Err(CoreError::invalid(
                "the app id has spaces or is too long; copy it again from the developer dashboard",
            ));
        }
        let redirect_uri = match platform {
            Platform::TikTok => TIKTOK_REDIRECT_PATTERN.to_owned(),
            Platform::Instagram | Platform::Facebook => {
                let uri = input.redirect_uri.map(str::trim).unwrap_or_default();
                check_meta_redirect_uri(uri)?;
                uri.to_owned()
            }
        };
        let key = SecretKey::AppSecret(platform);
        match input.secret {
            Some(secret) if !secret.is_empty() => vault.store(&key, secret)?,
            _ => {
                if vault.load(&key)?.is_none() {
                    return Err(CoreError::invalid(
                        "the app secret is empty; enter it (on the command line, pipe it on standard input)",
                    ));
                }
            }
        }
        let platform_name = platform.as_str();
        let now_s = time::to_epoch(now);
        sqlx::query!(
            "INSERT INTO developer_apps (platform, client_id, redirect_uri, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (platform) DO UPDATE SET client_id = excluded.client_id,
                 redirect_uri = excluded.redirect_uri, updated_at = excluded.updated_at",
            platform_name,
            client_id,
            redirect_uri,
            now_s
        )
        .execute(self.pool())
        .await?;
        Ok(DeveloperApp {
            platform,
            client_id: client_id.to_owned(),
            redirect_uri,
        })
    }

    /// The app id configured for a platform, if any.
    pub async fn developer_app_id(&self, platform: Platform) -> CoreResult<Option<String>> {
        Ok(self.developer_app(platform).await?.map(|app| app.client_id))
    }

    /// The developer app configured for a platform, if any.
    pub async fn developer_app(&self, platform: Platform) -> CoreResult<Option<DeveloperApp>> {
        let name = platform.as_str();
        let row = sqlx::query!(
            "SELECT client_id, redirect_uri FROM developer_apps WHERE platform = ?",
            name
        )
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|row| DeveloperApp {
            platform,
            client_id: row.client_id,
            redirect_uri: match platform {
                Platform::TikTok => TIKTOK_REDIRECT_PATTERN.to_owned(),
                _ => row.redirect_uri.unwrap_or_default(),
            },
        }))
    }

    /// Every configured developer app.
    pub async fn developer_apps(&self) -> CoreResult<Vec<DeveloperApp>> {
        let mut apps = Vec::new();
        for &platform in Platform::ALL {
            if let Some(app) = self.developer_app(platform).await? {
                apps.push(app);
            }
        }
        Ok(apps)
    }

    /// Forgets a developer app: its secret leaves the keyring, then its row the database.
    /// Connected accounts keep working (their tokens do not depend on it) until a token must
    /// be exchanged again.
    pub async fn remove_developer_app(
        &self,
        platform: Platform,
        vault: &dyn Vault,
    ) -> CoreResult<()> {
        vault.delete(&SecretKey::AppSecret(platform))?;
        let name = platform.as_str();
        sqlx::query!("DELETE FROM developer_apps WHERE platform = ?", name)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_redirects_must_be_https_pages() {
        assert!(check_meta_redirect_uri("https://me.github.io/herald/oauth/instagram/").is_ok());
        for bad in [
            "http://me.github.io/oauth/",
            "herald://oauth/instagram",
            "https:///oauth",
            "https://x.test/cb#_",
            "https://x.test/a b",
            "",
        ] {
            assert!(check_meta_redirect_uri(bad).is_err(), "{bad}");
        }
    }
}
