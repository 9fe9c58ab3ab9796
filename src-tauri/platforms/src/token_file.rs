//! The JSON file `herald accounts import --token-file` reads:
//! `{"access_token", "refresh_token"?, "expires_in"?, "refresh_expires_in"?, "scope"?}`.

use std::path::Path;

use herald_core::vault::Secret;
use herald_core::{CoreError, CoreResult};
use serde::Deserialize;

/// The largest token file accepted; real ones are well under a kilobyte.
const MAX_BYTES: u64 = 64 * 1024;

/// Tokens a user obtained from a platform, to import as an account.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenFile {
    pub access_token: Secret,
    #[serde(default)]
    pub refresh_token: Option<Secret>,
    /// Seconds until the access token expires.
    #[serde(default)]
    pub expires_in: Option<u64>,
    /// Seconds until the refresh token expires.
    #[serde(default)]
    pub refresh_expires_in: Option<u64>,
    #[serde(default)]
    pub scope: Option<String>,
}

impl TokenFile {
    /// Reads and checks a token file. Errors name the problem, never the tokens.
    pub fn read(path: &Path) -> CoreResult<TokenFile> {
        let shown = path.display();
        let metadata = std::fs::metadata(path).map_err(|err| {
            CoreError::invalid(format!("cannot read token file '{shown}': {err}"))
        })?;
        if metadata.len() > MAX_BYTES {
            return Err(CoreError::invalid(format!(
                "token file '{shown}' is too large to be a token file"
            )));
        }
        let text = std::fs::read_to_string(path).map_err(|err| {
            CoreError::invalid(format!("cannot read token file '{shown}': {err}"))
        })?;
        Self::parse(&text).map_err(|reason| {
            CoreError::invalid(format!("token file '{shown}' is not valid: {reason}"))
        })
    }

    /// Parses the JSON text of a token file. The error describes the JSON's shape only
    /// (serde's messages name fields and positions, not values).
    pub fn parse(text: &str) -> Result<TokenFile, TokenFileError> {
        let file: TokenFile = serde_json::from_str(text).map_err(|err| {
            // Keep only the category and position: a message could quote a value.
            TokenFileError::Json {
                category: format!("{:?}", err.classify()),
                line: err.line(),
                column: err.column(),
            }
        })?;
        if file.access_token.expose().trim().is_empty() {
            return Err(TokenFileError::EmptyAccessToken);
        }
        Ok(file)
    }
}

/// Why a token file's text is refused (never quoting its values).
#[derive(Debug, thiserror::Error)]
pub enum TokenFileError {
    #[error("{category} error at line {line} column {column}")]
    Json {
        category: String,
        line: usize,
        column: usize,
    },
    #[error("access_token is empty")]
    EmptyAccessToken,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_fields() {
        let file = TokenFile::parse(
            r#"{"access_token":"IGQ-secret","refresh_token":"r-secret","expires_in":5184000,"scope":"a,b"}"#,
        )
        .unwrap();
        assert_eq!(file.access_token.expose(), "IGQ-secret");
        assert_eq!(file.expires_in, Some(5_184_000));
        assert!(!format!("{file:?}").contains("secret\""));
        assert!(!format!("{file:?}").contains("IGQ-secret"));
    }

    #[test]
    fn errors_never_quote_the_token() {
        for bad in [
            r#"{"access_token": 12, "refresh_token": "r-secret-value"}"#,
            r#"{"access_token":"IGQ-secret-value","extra":"x"}"#,
            r#"{"access_token":"IGQ-secret-value""#,
            r#"{"access_token":"  "}"#,
        ] {
            let err = TokenFile::parse(bad).unwrap_err().to_string();
            assert!(!err.contains("secret-value"), "{err}");
        }
    }
}
