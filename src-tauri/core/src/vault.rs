//! The secrets vault: one OS-keyring entry per secret, and a [`Secret`] type that cannot leak.
//!
//! A [`Secret`] prints and serialises as `[redacted]`, has no `sqlx` encoding and no IPC type, so
//! the compiler refuses to put one in the database or send one to the window. SQLite holds only
//! the name of an entry ([`SecretKey`]), never its value.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::domain::{AccountId, Platform};

/// What a [`Secret`] shows instead of itself.
pub const REDACTED: &str = "[redacted]";

/// The keyring service name entries are filed under, unless `HERALD_KEYRING_SERVICE` says
/// otherwise (tests use their own).
pub const DEFAULT_KEYRING_SERVICE: &str = "app.herald.desktop";

/// A token, client secret or access key. Only [`Secret::expose`] reveals it.
///
/// It cannot be bound into SQL (no `sqlx::Encode`), so it can never reach the database:
///
/// ```compile_fail
/// let secret = herald_core::vault::Secret::new("token");
/// let _ = sqlx::query::<sqlx::Sqlite>("INSERT INTO settings VALUES ('k', ?)").bind(secret);
/// ```
///
/// while the same statement with a plain string compiles:
///
/// ```
/// let _ = sqlx::query::<sqlx::Sqlite>("INSERT INTO settings VALUES ('k', ?)").bind("value");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value, for the one place that must send it (an HTTP request, the keyring).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

/// The name of one keyring entry. The database may store these; never the values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SecretKey {
    /// An account's access token.
    AccessToken(AccountId),
    /// An account's refresh token (TikTok rotates these).
    RefreshToken(AccountId),
    /// The long-lived user token a Facebook Page account was connected with (used only to
    /// revoke Herald's access when the user's last Page is disconnected).
    LoginToken(AccountId),
    /// The client secret of the user's own developer app on a platform.
    AppSecret(Platform),
    /// The secret access key of the media relay bucket.
    RelaySecretKey,
}

impl SecretKey {
    /// Every keyring entry an account can have.
    pub fn of_account(id: AccountId) -> [SecretKey; 3] {
        [
            SecretKey::AccessToken(id),
            SecretKey::RefreshToken(id),
            SecretKey::LoginToken(id),
        ]
    }

    /// The keyring "user" of the entry, e.g. `account:7:access_token`.
    pub fn entry_name(&self) -> String {
        match self {
            SecretKey::AccessToken(id) => format!("account:{id}:access_token"),
            SecretKey::RefreshToken(id) => format!("account:{id}:refresh_token"),
            SecretKey::LoginToken(id) => format!("account:{id}:login_token"),
            SecretKey::AppSecret(platform) => format!("app:{platform}:client_secret"),
            SecretKey::RelaySecretKey => "relay:secret_access_key".to_owned(),
        }
    }
}

/// Why the vault could not do what was asked. Never contains a secret value.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// No usable keyring service: no Secret Service on the bus, a locked keyring…
    #[error(
        "no OS keyring is available ({reason}). Herald keeps tokens only in the OS keyring: \
         on Linux start and unlock a Secret Service provider such as GNOME Keyring, KWallet \
         or KeePassXC, then try again"
    )]
    Unavailable { reason: String },
    /// The platform keyring refused a value this long (Windows caps entries near 1.3 KB).
    #[error("the secret for {entry} is too long for this keyring")]
    TooLong { entry: String },
    /// Any other keyring failure.
    #[error("the OS keyring failed for {entry}: {reason}")]
    Failed { entry: String, reason: String },
}

/// Where secrets are kept. Implementations are blocking: call them from `spawn_blocking`.
pub trait Vault: Send + Sync {
    /// Stores (or replaces) a secret.
    fn store(&self, key: &SecretKey, secret: &Secret) -> Result<(), VaultError>;
    /// Reads a secret; `None` when there is no such entry.
    fn load(&self, key: &SecretKey) -> Result<Option<Secret>, VaultError>;
    /// Deletes a secret; deleting an absent entry is not an error.
    fn delete(&self, key: &SecretKey) -> Result<(), VaultError>;
}

/// The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager).
#[derive(Debug, Clone)]
pub struct KeyringVault {
    service: String,
}

impl KeyringVault {
    /// A vault filing entries under `service`.
    pub fn new(service: impl Into<String>) -> Self {
        KeyringVault {
            service: service.into(),
        }
    }

    /// The vault for this environment: `HERALD_KEYRING_SERVICE` or [`DEFAULT_KEYRING_SERVICE`].
    pub fn from_env() -> Self {
        let service = std::env::var("HERALD_KEYRING_SERVICE")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| DEFAULT_KEYRING_SERVICE.to_owned());
        KeyringVault::new(service)
    }

    fn entry(&self, key: &SecretKey) -> Result<keyring::Entry, VaultError> {
        keyring::Entry::new(&self.service, &key.entry_name())
            .map_err(|err| map_keyring_error(key, err))
    }
}

impl Vault for KeyringVault {
    fn store(&self, key: &SecretKey, secret: &Secret) -> Result<(), VaultError> {
        self.entry(key)?
            .set_password(secret.expose())
            .map_err(|err| map_keyring_error(key, err))
    }

    fn load(&self, key: &SecretKey) -> Result<Option<Secret>, VaultError> {
        match self.entry(key)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(map_keyring_error(key, err)),
        }
    }

    fn delete(&self, key: &SecretKey) -> Result<(), VaultError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(map_keyring_error(key, err)),
        }
    }
}

/// Turns a keyring error into a [`VaultError`], dropping anything that could hold secret bytes.
fn map_keyring_error(key: &SecretKey, err: keyring::Error) -> VaultError {
    let entry = key.entry_name();
    match err {
        keyring::Error::PlatformFailure(inner) => VaultError::Unavailable {
            reason: inner.to_string(),
        },
        keyring::Error::NoStorageAccess(inner) => VaultError::Unavailable {
            reason: inner.to_string(),
        },
        keyring::Error::TooLong(..) => VaultError::TooLong { entry },
        // BadEncoding carries the stored bytes: never echo them.
        keyring::Error::BadEncoding(_) => VaultError::Failed {
            entry,
            reason: "the stored value is not valid UTF-8".to_owned(),
        },
        other => VaultError::Failed {
            entry,
            reason: other.to_string(),
        },
    }
}

/// An in-memory vault for tests and for machines where the user chose not to keep secrets.
#[derive(Debug, Default)]
pub struct MemoryVault {
    entries: Mutex<HashMap<SecretKey, Secret>>,
}

impl MemoryVault {
    /// An empty vault.
    pub fn new() -> Self {
        MemoryVault::default()
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<SecretKey, Secret>> {
        // A panic while holding the lock cannot leave a HashMap half-written; keep going.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Vault for MemoryVault {
    fn store(&self, key: &SecretKey, secret: &Secret) -> Result<(), VaultError> {
        self.entries().insert(key.clone(), secret.clone());
        Ok(())
    }

    fn load(&self, key: &SecretKey) -> Result<Option<Secret>, VaultError> {
        Ok(self.entries().get(key).cloned())
    }

    fn delete(&self, key: &SecretKey) -> Result<(), VaultError> {
        self.entries().remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUE: &str = "EAAB-very-secret-token";

    #[test]
    fn secrets_redact_in_debug_display_and_serde() {
        let secret = Secret::new(VALUE);
        assert_eq!(format!("{secret:?}"), REDACTED);
        assert_eq!(format!("{secret}"), REDACTED);
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"[redacted]\"");

        #[derive(Debug, Serialize)]
        struct Holder {
            token: Secret,
        }
        let holder = Holder { token: secret };
        assert!(!format!("{holder:?}").contains(VALUE));
        assert!(!serde_json::to_string(&holder).unwrap().contains(VALUE));
    }

    #[test]
    fn secrets_deserialize_from_plain_strings() {
        let secret: Secret = serde_json::from_str(&format!("\"{VALUE}\"")).unwrap();
        assert_eq!(secret.expose(), VALUE);
    }

    #[test]
    fn entry_names_are_one_per_secret() {
        assert_eq!(
            SecretKey::AccessToken(7).entry_name(),
            "account:7:access_token"
        );
        assert_eq!(
            SecretKey::AppSecret(Platform::TikTok).entry_name(),
            "app:tiktok:client_secret"
        );
    }

    #[test]
    fn memory_vault_stores_loads_and_deletes() {
        let vault = MemoryVault::new();
        let key = SecretKey::RefreshToken(3);
        assert!(vault.load(&key).unwrap().is_none());
        vault.store(&key, &Secret::new(VALUE)).unwrap();
        assert_eq!(vault.load(&key).unwrap().unwrap().expose(), VALUE);
        vault.delete(&key).unwrap();
        vault.delete(&key).unwrap();
        assert!(vault.load(&key).unwrap().is_none());
    }

    #[test]
    fn unavailable_keyring_says_what_to_do() {
        let err = map_keyring_error(
            &SecretKey::RelaySecretKey,
            keyring::Error::NoStorageAccess("locked".into()),
        );
        let text = err.to_string();
        assert!(text.contains("no OS keyring is available"), "{text}");
        assert!(text.contains("Secret Service"), "{text}");
    }

    #[test]
    fn bad_encoding_never_echoes_the_stored_bytes() {
        let err = map_keyring_error(
            &SecretKey::AccessToken(1),
            keyring::Error::BadEncoding(VALUE.as_bytes().to_vec()),
        );
        assert!(!err.to_string().contains(VALUE));
        assert!(!format!("{err:?}").contains(VALUE));
    }
}
