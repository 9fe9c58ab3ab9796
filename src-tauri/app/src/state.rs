//! What the window keeps for its commands.

use std::path::PathBuf;
use std::sync::Mutex;

use herald_core::domain::PostId;
use herald_core::Store;

/// Shared by every command.
pub struct AppState {
    pub store: Store,
    pub data_dir: PathBuf,
    /// A post a link asked to show before the UI was listening (cold start).
    pending_post: Mutex<Option<PostId>>,
}

impl AppState {
    /// The state over one database.
    pub fn new(store: Store, data_dir: PathBuf) -> Self {
        AppState {
            store,
            data_dir,
            pending_post: Mutex::new(None),
        }
    }

    /// Remembers a post to show.
    pub fn set_pending_post(&self, id: PostId) {
        *self
            .pending_post
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(id);
    }

    /// Takes the post to show, if any.
    pub fn take_pending_post(&self) -> Option<PostId> {
        self.pending_post
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }
}
