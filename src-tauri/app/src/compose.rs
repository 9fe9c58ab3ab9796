//! The composer and the calendar's drafts: creating and editing posts, duplicating them,
//! scheduling a draft dropped on a day, and the files the user adds (facts, thumbnails, the file
//! dialog, files dropped on the window). Each command parses its arguments and calls the core;
//! reading files runs on a blocking thread.

use std::path::PathBuf;

use herald_core::compose::{PostDraft, PostIntent};
use herald_core::domain::{PostId, PostView};
use herald_core::media::{self, MediaFacts};
use herald_core::rules::NetworkCheck;
use herald_core::time::{self, Clock, SystemClock};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::AppError;
use crate::state::AppState;

type CommandResult<T> = Result<T, AppError>;

/// The extensions the file dialog offers (both cases: GTK's patterns are case-sensitive).
const MEDIA_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "webp", "gif", "heic", "mp4", "mov", "JPG", "JPEG", "PNG", "WEBP", "GIF",
    "HEIC", "MP4", "MOV",
];

/// Files dropped from the desktop onto the window (absolute paths), for the composer.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct FilesDropped {
    pub paths: Vec<String>,
}

/// What a draft would be on each selected account (one check each): broken rules, media
/// changes, notices. Saves nothing.
#[tauri::command]
#[specta::specta]
pub async fn validate_post(
    state: State<'_, AppState>,
    draft: PostDraft,
) -> CommandResult<Vec<NetworkCheck>> {
    Ok(state.store.validate_draft(&draft).await?)
}

/// Saves a new post: as a draft, scheduled at its time, or due now. A post that breaks a rule
/// is only kept as a draft.
#[tauri::command]
#[specta::specta]
pub async fn create_post(
    state: State<'_, AppState>,
    draft: PostDraft,
    intent: PostIntent,
) -> CommandResult<PostView> {
    Ok(state
        .store
        .create_from_draft(&draft, intent, SystemClock.now())
        .await?)
}

/// Replaces a post with the composer's content (refused once it is publishing or published).
#[tauri::command]
#[specta::specta]
pub async fn update_post(
    state: State<'_, AppState>,
    id: PostId,
    draft: PostDraft,
    intent: PostIntent,
) -> CommandResult<PostView> {
    Ok(state
        .store
        .update_post(id, &draft, intent, SystemClock.now())
        .await?)
}

/// Deletes a post from Herald (not from the networks it was published to).
#[tauri::command]
#[specta::specta]
pub async fn delete_post(state: State<'_, AppState>, id: PostId) -> CommandResult<()> {
    Ok(state.store.delete_post(id).await?)
}

/// A copy of a post at `at` (RFC 3339), or an undated draft copy when `at` is null.
#[tauri::command]
#[specta::specta]
pub async fn duplicate_post(
    state: State<'_, AppState>,
    id: PostId,
    at: Option<String>,
) -> CommandResult<PostView> {
    let at = match at {
        Some(at) => {
            let post = state.store.post(id).await?;
            Some(time::parse_due_time(&at, Some(&post.timezone))?.at)
        }
        None => None,
    };
    Ok(state
        .store
        .duplicate_post(id, at, SystemClock.now())
        .await?)
}

/// Schedules a draft dropped on a day (`YYYY-MM-DD`) at the default time of day in its zone.
#[tauri::command]
#[specta::specta]
pub async fn schedule_draft_on_day(
    state: State<'_, AppState>,
    id: PostId,
    date: String,
) -> CommandResult<PostView> {
    let day = time::parse_day(&date)?;
    Ok(state
        .store
        .schedule_draft_on_day(id, day, SystemClock.now())
        .await?)
}

/// What each file is (kind, type, size, dimensions, duration), or why it cannot be used.
#[tauri::command]
#[specta::specta]
pub async fn media_facts(paths: Vec<String>) -> CommandResult<Vec<MediaFacts>> {
    blocking(move || {
        paths
            .iter()
            .map(|path| media::media_facts(&PathBuf::from(path)))
            .collect()
    })
    .await
}

/// A small JPEG preview of a photo as a data URL (cached); null for videos and unreadable files.
#[tauri::command]
#[specta::specta]
pub async fn thumbnail(state: State<'_, AppState>, path: String) -> CommandResult<Option<String>> {
    let data_dir = state.data_dir.clone();
    blocking(move || media::thumbnail(&PathBuf::from(path), &data_dir)).await
}

/// Opens the system file dialog for photos and videos; the chosen absolute paths (none when
/// cancelled).
#[tauri::command]
#[specta::specta]
pub async fn pick_media(app: AppHandle) -> CommandResult<Vec<String>> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let mut dialog = app
        .dialog()
        .file()
        .set_title("Add photos or videos")
        .add_filter("Photos and videos", MEDIA_EXTENSIONS);
    if let Some(window) = app.get_webview_window(crate::MAIN_WINDOW) {
        dialog = dialog.set_parent(&window);
    }
    dialog.pick_files(move |files| {
        let _ = sender.send(files);
    });
    let files = receiver.await.unwrap_or_default().unwrap_or_default();
    Ok(files
        .into_iter()
        .filter_map(|file| file.into_path().ok())
        .map(|path| path.display().to_string())
        .collect())
}

/// Runs file work on a blocking thread.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> CommandResult<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|err| AppError::Internal {
            message: format!("reading the files stopped unexpectedly: {err}"),
        })
}
