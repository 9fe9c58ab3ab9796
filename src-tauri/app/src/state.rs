//! What the window keeps for its commands.

use std::path::PathBuf;
use std::sync::Mutex;

use herald_core::domain::PostId;
use herald_core::Store;
use tauri::async_runtime::JoinHandle;

use crate::sign_in::SignInFinished;

/// Shared by every command.
pub struct AppState {
    pub store: Store,
    pub data_dir: PathBuf,
    /// A post a link asked to show before the UI was listening (cold start).
    pending_post: Mutex<Option<PostId>>,
    /// How the last sign-in ended, until the UI takes it.
    sign_in_result: Mutex<Option<SignInFinished>>,
    /// The TikTok sign-in waiting on its loopback listener, if any.
    tiktok_sign_in: Mutex<Option<JoinHandle<()>>>,
}

impl AppState {
    /// The state over one database.
    pub fn new(store: Store, data_dir: PathBuf) -> Self {
        AppState {
            store,
            data_dir,
            pending_post: Mutex::new(None),
            sign_in_result: Mutex::new(None),
            tiktok_sign_in: Mutex::new(None),
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

    /// Remembers how a sign-in ended.
    pub fn set_sign_in_result(&self, finished: SignInFinished) {
        *lock(&self.sign_in_result) = Some(finished);
    }

    /// Takes how the last sign-in ended, if not taken yet.
    pub fn take_sign_in_result(&self) -> Option<SignInFinished> {
        lock(&self.sign_in_result).take()
    }

    /// Keeps the task of a new TikTok sign-in, stopping the previous one (its listener closes).
    pub fn replace_tiktok_sign_in(&self, task: JoinHandle<()>) {
        if let Some(previous) = lock(&self.tiktok_sign_in).replace(task) {
            previous.abort();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
