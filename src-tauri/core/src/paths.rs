//! Where Herald keeps its files: the data directory (database, logs, locks).

use std::path::PathBuf;

use crate::error::{CoreError, CoreResult};

/// The environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "HERALD_DATA_DIR";

/// The data directory: `$HERALD_DATA_DIR`, else the OS app-data directory
/// (`~/.local/share/herald` on Linux, `~/Library/Application Support/app.herald.Herald` on
/// macOS, `%APPDATA%\herald\Herald\data` on Windows).
pub fn data_dir() -> CoreResult<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("app", "herald", "Herald")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| {
            CoreError::Unavailable(format!(
                "cannot find a home directory for Herald's data; set {DATA_DIR_ENV}"
            ))
        })
}

/// The folder of the rotating log files inside a data directory.
pub fn logs_dir(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("logs")
}
