//! What the window keeps for its commands.

use std::path::PathBuf;

use herald_core::Store;

/// Shared by every command.
pub struct AppState {
    pub store: Store,
    pub data_dir: PathBuf,
}
