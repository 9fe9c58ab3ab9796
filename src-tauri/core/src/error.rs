//! The core's error type. Every message is a sentence a user can act on; none carries a secret.

use crate::vault::VaultError;

/// What can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Input that cannot be accepted as given (bad time, unknown name, unreadable media…).
    #[error("{0}")]
    InvalidInput(String),
    /// The named thing does not exist.
    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: i64 },
    /// The request is valid but the thing is in a state that forbids it.
    #[error("{0}")]
    Conflict(String),
    /// The feature exists but cannot run yet (for example a platform whose client is not built).
    #[error("{0}")]
    Unavailable(String),
    /// The database failed.
    #[error("database error: {0}")]
    Storage(#[from] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The OS keyring failed.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// A file or directory could not be used.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl CoreError {
    /// An [`CoreError::InvalidInput`] with the given sentence.
    pub fn invalid(message: impl Into<String>) -> Self {
        CoreError::InvalidInput(message.into())
    }

    /// A [`CoreError::Conflict`] with the given sentence.
    pub fn conflict(message: impl Into<String>) -> Self {
        CoreError::Conflict(message.into())
    }

    /// An I/O error with what Herald was doing when it happened.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        CoreError::Io {
            context: context.into(),
            source,
        }
    }
}

/// The core's result type.
pub type CoreResult<T> = Result<T, CoreError>;
