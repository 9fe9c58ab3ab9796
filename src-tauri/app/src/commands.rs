//! The window's commands: each one is a thin call into the core.

use herald_core::domain::{AccountId, AccountView, PostId, PostView};
use herald_core::resident::running_resident;
use herald_core::time::{self, Clock, SystemClock};
use std::sync::Arc;

use herald_core::creator::TikTokCreator;
use herald_core::relay::RelaySettings;
use herald_core::rules::NetworkCheck;
use herald_core::vault::{KeyringVault, Secret, Vault};
use herald_platforms::demo;
use herald_platforms::publisher::relay_client;
use serde::Serialize;
use tauri::State;

use crate::error::AppError;
use crate::state::AppState;

/// Whether anything is publishing in the background.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PublishingState {
    /// The resident process runs and publishing is on.
    Running,
    /// The user paused publishing.
    Paused,
    /// No resident process: nothing publishes until it starts again.
    Stopped,
}

/// What the window shows in its status banner.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AppStatus {
    pub publishing: PublishingState,
    /// Whether "Try Herald with sandbox accounts" is on.
    pub sandbox: bool,
    /// Whether a tray host shows the icon (`None`: unknown or no resident process).
    pub tray_icon: Option<bool>,
    pub data_dir: String,
}

type CommandResult<T> = Result<T, AppError>;

/// The posting-limit warnings (Instagram's quota, TikTok's daily cap) the post would get if it
/// were moved to `at` (RFC 3339): the calendar asks before such a move. Changes nothing.
#[tauri::command]
#[specta::specta]
pub async fn move_warnings(
    state: State<'_, AppState>,
    id: PostId,
    at: String,
) -> CommandResult<Vec<String>> {
    let at = time::parse_due_time(&at, Some("UTC"))?.at;
    Ok(state.store.warnings_if_moved(id, at).await?)
}

/// Every publishing attempt of a post's targets, oldest first (the post detail's history).
#[tauri::command]
#[specta::specta]
pub async fn get_post_history(
    state: State<'_, AppState>,
    id: PostId,
) -> CommandResult<Vec<herald_core::history::AttemptView>> {
    Ok(state.store.post_history(id).await?)
}

/// Posts due in `[from, to)` (RFC 3339 instants): the calendar's visible range.
#[tauri::command]
#[specta::specta]
pub async fn list_posts(
    state: State<'_, AppState>,
    from: String,
    to: String,
) -> CommandResult<Vec<PostView>> {
    let from = time::parse_due_time(&from, Some("UTC"))?.at;
    let to = time::parse_due_time(&to, Some("UTC"))?.at;
    Ok(state.store.list_posts(from, to).await?)
}

/// Drafts that have no date yet.
#[tauri::command]
#[specta::specta]
pub async fn list_drafts(state: State<'_, AppState>) -> CommandResult<Vec<PostView>> {
    Ok(state.store.list_undated_drafts().await?)
}

/// Posts with a failed or missed target (the *Needs attention* list).
#[tauri::command]
#[specta::specta]
pub async fn list_attention(state: State<'_, AppState>) -> CommandResult<Vec<PostView>> {
    Ok(state.store.list_needing_attention().await?)
}

/// One post.
#[tauri::command]
#[specta::specta]
pub async fn get_post(state: State<'_, AppState>, id: PostId) -> CommandResult<PostView> {
    Ok(state.store.post(id).await?)
}

/// Moves a post to an exact instant, keeping its zone.
#[tauri::command]
#[specta::specta]
pub async fn reschedule_post(
    state: State<'_, AppState>,
    id: PostId,
    at: String,
) -> CommandResult<PostView> {
    let post = state.store.post(id).await?;
    let due = time::parse_due_time(&at, Some(&post.timezone))?;
    Ok(state
        .store
        .reschedule_post(id, due, SystemClock.now())
        .await?)
}

/// Moves a post to another day (`YYYY-MM-DD`) at the same wall-clock time in its own zone.
#[tauri::command]
#[specta::specta]
pub async fn move_post_to_day(
    state: State<'_, AppState>,
    id: PostId,
    date: String,
) -> CommandResult<PostView> {
    let day = time::parse_day(&date)?;
    Ok(state
        .store
        .move_post_to_day(id, day, SystemClock.now())
        .await?)
}

/// Tries the failed or missed targets of a post again now (optionally one account's only).
#[tauri::command]
#[specta::specta]
pub async fn retry_post(
    state: State<'_, AppState>,
    id: PostId,
    account_id: Option<AccountId>,
) -> CommandResult<PostView> {
    Ok(state
        .store
        .retry_post(id, account_id, SystemClock.now())
        .await?)
}

/// Publishes a scheduled post now instead of at its time.
#[tauri::command]
#[specta::specta]
pub async fn publish_post_now(state: State<'_, AppState>, id: PostId) -> CommandResult<PostView> {
    Ok(state.store.publish_post_now(id, SystemClock.now()).await?)
}

/// Stops a post (or one account's target of it) from being published; it becomes a draft.
#[tauri::command]
#[specta::specta]
pub async fn cancel_post(
    state: State<'_, AppState>,
    id: PostId,
    account_id: Option<AccountId>,
) -> CommandResult<PostView> {
    Ok(state
        .store
        .cancel_post(id, account_id, SystemClock.now())
        .await?)
}

/// Turns on "Try Herald with sandbox accounts": simulated Pages that publish to the local
/// sandbox hosted by the resident process.
#[tauri::command]
#[specta::specta]
pub async fn enable_sandbox(state: State<'_, AppState>) -> CommandResult<AppStatus> {
    let vault: Arc<dyn Vault> = Arc::new(KeyringVault::from_env());
    demo::enable_sandbox(
        &state.store,
        vault,
        demo::DEFAULT_SANDBOX_PORT,
        SystemClock.now(),
    )
    .await?;
    status(&state).await
}

/// Removes the sandbox accounts and their posts, and turns the sandbox off.
#[tauri::command]
#[specta::specta]
pub async fn disable_sandbox(state: State<'_, AppState>) -> CommandResult<AppStatus> {
    let vault: Arc<dyn Vault> = Arc::new(KeyringVault::from_env());
    demo::disable_sandbox(&state.store, vault).await?;
    status(&state).await
}

/// The post a `herald://post/<id>` link asked to show before the window was ready, if any
/// (asked once when the UI starts; later links arrive as the `OpenPost` event).
#[tauri::command]
#[specta::specta]
pub async fn take_pending_post(state: State<'_, AppState>) -> CommandResult<Option<PostId>> {
    Ok(state.take_pending_post())
}

/// Every account.
#[tauri::command]
#[specta::specta]
pub async fn list_accounts(state: State<'_, AppState>) -> CommandResult<Vec<AccountView>> {
    Ok(state.store.list_accounts().await?)
}

/// The publishing status for the banner.
#[tauri::command]
#[specta::specta]
pub async fn get_status(state: State<'_, AppState>) -> CommandResult<AppStatus> {
    status(&state).await
}

/// Pauses or resumes publishing in every Herald process.
#[tauri::command]
#[specta::specta]
pub async fn set_publishing_paused(
    state: State<'_, AppState>,
    paused: bool,
) -> CommandResult<AppStatus> {
    state.store.set_publishing_paused(paused).await?;
    status(&state).await
}

async fn status(state: &AppState) -> CommandResult<AppStatus> {
    let resident = running_resident(&state.data_dir);
    let paused = state.store.publishing_paused().await?;
    let publishing = match (&resident, paused) {
        (None, _) => PublishingState::Stopped,
        (Some(_), true) => PublishingState::Paused,
        (Some(_), false) => PublishingState::Running,
    };
    Ok(AppStatus {
        publishing,
        sandbox: state.store.sandbox_port().await?.is_some(),
        tray_icon: resident.and_then(|r| r.tray_icon),
        data_dir: state.data_dir.display().to_string(),
    })
}

/// What a post would be on each of its networks: broken rules, media changes, notices.
#[tauri::command]
#[specta::specta]
pub async fn check_post(
    state: State<'_, AppState>,
    id: PostId,
) -> CommandResult<Vec<NetworkCheck>> {
    Ok(state.store.check_post(id).await?)
}

/// The media relay in effect (settings and environment), never its secret.
#[tauri::command]
#[specta::specta]
pub async fn get_relay(state: State<'_, AppState>) -> CommandResult<Option<RelaySettings>> {
    let vault = KeyringVault::from_env();
    let relay = state
        .store
        .relay_in_effect(&vault, |name| std::env::var(name).ok())
        .await?;
    Ok(relay.map(|r| r.settings))
}

/// Saves the media relay; the secret access key goes to the keyring and never comes back.
#[tauri::command]
#[specta::specta]
pub async fn set_relay(
    state: State<'_, AppState>,
    settings: RelaySettings,
    secret_access_key: String,
) -> CommandResult<RelaySettings> {
    let vault = KeyringVault::from_env();
    let secret = Secret::new(secret_access_key);
    Ok(state.store.set_relay(settings, &secret, &vault).await?)
}

/// Uploads a tiny object to the relay, fetches it through a presigned URL and deletes it.
#[tauri::command]
#[specta::specta]
pub async fn test_relay(state: State<'_, AppState>) -> CommandResult<()> {
    let vault = KeyringVault::from_env();
    let credentials = state
        .store
        .relay_in_effect(&vault, |name| std::env::var(name).ok())
        .await?
        .ok_or_else(|| herald_core::CoreError::invalid("no media relay is set"))?;
    let relay = relay_client(credentials)
        .map_err(|err| herald_core::CoreError::invalid(err.to_string()))?;
    relay
        .check(SystemClock.now())
        .await
        .map_err(|err| herald_core::CoreError::Unavailable(err.to_string()))?;
    Ok(())
}

/// Forgets the media relay and deletes its secret from the keyring.
#[tauri::command]
#[specta::specta]
pub async fn clear_relay(state: State<'_, AppState>) -> CommandResult<()> {
    let vault = KeyringVault::from_env();
    Ok(state.store.clear_relay(&vault).await?)
}

/// What TikTok last said about an account's creator (nickname, privacy levels offered,
/// interactions they allow, longest video), for the composer's TikTok controls.
#[tauri::command]
#[specta::specta]
pub async fn get_tiktok_creator(
    state: State<'_, AppState>,
    account_id: AccountId,
) -> CommandResult<Option<TikTokCreator>> {
    Ok(state.store.tiktok_creator(account_id).await?)
}
