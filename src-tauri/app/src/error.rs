//! The one error type that crosses IPC: a tagged enum the UI can `switch` on (`code`), with a
//! sentence to show (`message`). Built from the core's errors, which never carry a secret.

use herald_core::CoreError;
use serde::Serialize;

/// An error returned by a command.
#[derive(Debug, Clone, Serialize, specta::Type, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppError {
    #[error("{message}")]
    NotFound { message: String },
    #[error("{message}")]
    InvalidInput { message: String },
    #[error("{message}")]
    Conflict { message: String },
    /// Something Herald needs is missing (no keyring, a platform not supported yet…).
    #[error("{message}")]
    Unavailable { message: String },
    #[error("{message}")]
    Storage { message: String },
    #[error("{message}")]
    Internal { message: String },
}

impl From<CoreError> for AppError {
    fn from(err: CoreError) -> Self {
        let message = err.to_string();
        match err {
            CoreError::NotFound { .. } => AppError::NotFound { message },
            CoreError::InvalidInput(_) => AppError::InvalidInput { message },
            CoreError::Conflict(_) => AppError::Conflict { message },
            CoreError::Unavailable(_) | CoreError::Vault(_) => AppError::Unavailable { message },
            CoreError::Storage(_) | CoreError::Migration(_) => AppError::Storage { message },
            CoreError::Io { .. } => AppError::Internal { message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_a_tagged_object() {
        let err = AppError::from(CoreError::NotFound {
            what: "post",
            id: 4,
        });
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["code"], "not_found");
        assert_eq!(json["message"], "no post with id 4");
    }
}
