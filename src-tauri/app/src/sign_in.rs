//! Accounts in the window: the user's developer apps, signing in at a platform (the browser
//! comes back by a `herald://oauth/…` link or to TikTok's loopback listener), pasting the link
//! by hand, and disconnecting. Sign-ins finish in Rust, so they complete even before the UI
//! listens (cold start); the outcome is sent as [`SignInFinished`] and kept for the UI to take.

use std::sync::Arc;
use std::time::Duration;

use herald_core::apps::{DeveloperApp, DeveloperAppInput};
use herald_core::domain::{AccountId, AccountView, Platform};
use herald_core::time::{Clock, SystemClock};
use herald_core::vault::{KeyringVault, Secret, Vault};
use herald_core::CoreResult;
use herald_platforms::connect::{browser, Connected, Connector, OAuthCallback, SignIn};
use herald_platforms::{disconnect, Endpoints, PlatformPublisher};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State};
use tauri_specta::Event;

use crate::error::AppError;
use crate::state::AppState;

type CommandResult<T> = Result<T, AppError>;

/// How long Herald waits for the browser to come back from TikTok.
const TIKTOK_WAIT: Duration = Duration::from_secs(10 * 60);

/// How a sign-in ended, for the window (sent as an event and kept until taken).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SignInFinished {
    pub platform: Platform,
    pub ok: bool,
    /// What happened, as a sentence ("Connected Instagram account @acme.").
    pub message: String,
    pub accounts: Vec<AccountView>,
}

impl SignInFinished {
    fn from_result(platform: Platform, result: CoreResult<Connected>) -> Self {
        match result {
            Ok(connected) => SignInFinished {
                platform,
                ok: true,
                message: connected.sentence(),
                accounts: connected.accounts,
            },
            Err(err) => SignInFinished {
                platform,
                ok: false,
                message: err.to_string(),
                accounts: Vec::new(),
            },
        }
    }
}

/// A sign-in opened in the browser.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SignInStarted {
    pub platform: Platform,
    /// The platform's sign-in page, to copy when the browser did not open.
    pub authorize_url: String,
    /// Why the browser could not be opened, if it could not.
    pub browser_problem: Option<String>,
}

/// A developer app as the user types it in Settings → Platforms.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct DeveloperAppForm {
    pub platform: Platform,
    pub client_id: String,
    /// Instagram and Facebook: the hosted redirect page.
    pub redirect_uri: Option<String>,
    /// Empty or absent keeps the secret already stored. It goes to the keyring and never
    /// comes back to the window.
    pub secret: Option<String>,
}

/// What disconnecting an account did, in sentences.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct DisconnectSummary {
    pub message: String,
    pub notes: Vec<String>,
}

fn connector(state: &AppState) -> Connector {
    let vault: Arc<dyn Vault> = Arc::new(KeyringVault::from_env());
    Connector::new(state.store.clone(), vault, Endpoints::from_env())
}

/// The developer apps set up so far (never their secrets).
#[tauri::command]
#[specta::specta]
pub async fn list_developer_apps(state: State<'_, AppState>) -> CommandResult<Vec<DeveloperApp>> {
    Ok(state.store.developer_apps().await?)
}

/// Stores a developer app; its secret goes to the keyring.
#[tauri::command]
#[specta::specta]
pub async fn set_developer_app(
    state: State<'_, AppState>,
    app: DeveloperAppForm,
) -> CommandResult<DeveloperApp> {
    let vault = KeyringVault::from_env();
    let secret = app
        .secret
        .filter(|s| !s.trim().is_empty())
        .map(|s| Secret::new(s.trim()));
    Ok(state
        .store
        .set_developer_app(
            &DeveloperAppInput {
                platform: app.platform,
                client_id: &app.client_id,
                redirect_uri: app.redirect_uri.as_deref(),
                secret: secret.as_ref(),
            },
            &vault,
            SystemClock.now(),
        )
        .await?)
}

/// Forgets a developer app and deletes its secret.
#[tauri::command]
#[specta::specta]
pub async fn remove_developer_app(
    state: State<'_, AppState>,
    platform: Platform,
) -> CommandResult<()> {
    let vault = KeyringVault::from_env();
    Ok(state.store.remove_developer_app(platform, &vault).await?)
}

/// Starts connecting accounts of `platform`: opens the platform's sign-in page in the system
/// browser. Instagram and Facebook come back as a `herald://oauth/…` link; TikTok to a
/// listener on 127.0.0.1 that this starts (a newer TikTok sign-in replaces an older one).
/// Either way the outcome arrives as [`SignInFinished`].
#[tauri::command]
#[specta::specta]
pub async fn start_sign_in(
    app: AppHandle,
    state: State<'_, AppState>,
    platform: Platform,
) -> CommandResult<SignInStarted> {
    let connector = connector(&state);
    let now = SystemClock.now();
    let sign_in: SignIn = if platform == Platform::TikTok {
        let (sign_in, waiting) = connector.start_tiktok(now).await?;
        let handle = app.clone();
        let task = tauri::async_runtime::spawn(async move {
            let finished =
                SignInFinished::from_result(Platform::TikTok, waiting.finish(TIKTOK_WAIT).await);
            announce(&handle, finished);
        });
        state.replace_tiktok_sign_in(task);
        sign_in
    } else {
        connector.start_meta(platform, now).await?
    };
    let browser_problem = browser::open_in_browser(&sign_in.authorize_url)
        .err()
        .map(|err| err.to_string());
    Ok(SignInStarted {
        platform,
        authorize_url: sign_in.authorize_url,
        browser_problem,
    })
}

/// Finishes an Instagram or Facebook sign-in from the link the redirect page offers (when the
/// browser could not hand it to Herald by itself).
#[tauri::command]
#[specta::specta]
pub async fn complete_sign_in(
    app: AppHandle,
    state: State<'_, AppState>,
    link: String,
) -> CommandResult<SignInFinished> {
    let connected = connector(&state)
        .finish_pasted(&link, SystemClock.now())
        .await?;
    let _ = crate::DataChanged.emit(&app);
    Ok(SignInFinished::from_result(
        connected.platform,
        Ok(connected),
    ))
}

/// The outcome of a sign-in that finished before the window listened (cold start), if any.
#[tauri::command]
#[specta::specta]
pub async fn take_sign_in_result(
    state: State<'_, AppState>,
) -> CommandResult<Option<SignInFinished>> {
    Ok(state.take_sign_in_result())
}

/// Disconnects an account: cancels what the platform holds for later, revokes Herald's
/// access where the platform allows, deletes its keyring entries, and keeps its posts as
/// drafts (or deletes them).
#[tauri::command]
#[specta::specta]
pub async fn disconnect_account(
    state: State<'_, AppState>,
    account_id: AccountId,
    delete_posts: bool,
) -> CommandResult<DisconnectSummary> {
    let vault: Arc<dyn Vault> = Arc::new(KeyringVault::from_env());
    let endpoints = Endpoints::from_env();
    let account = state.store.account(account_id).await?;
    let publisher = PlatformPublisher::new(&endpoints, vault.clone()).with_store(
        state.store.clone(),
        state.data_dir.join("publishing"),
        &endpoints,
    );
    publisher.set_sandbox_port(state.store.sandbox_port().await?);
    let report = disconnect::disconnect_account(
        &state.store,
        vault,
        &publisher,
        &endpoints,
        account_id,
        delete_posts,
        SystemClock.now(),
    )
    .await?;
    let mut message = format!(
        "Disconnected {} ({}).",
        account.name,
        account.platform.display_name()
    );
    if report.deleted_posts > 0 {
        message.push_str(&format!(" Deleted {} post(s).", report.deleted_posts));
    } else if report.stopped_targets > 0 {
        message.push_str(&format!(
            " {} pending post(s) for it are kept as drafts.",
            report.stopped_targets
        ));
    }
    if report.revoked == Some(true) {
        message.push_str(&format!(
            " {} access was revoked.",
            account.platform.display_name()
        ));
    }
    Ok(DisconnectSummary {
        message,
        notes: report.notes,
    })
}

/// Finishes a sign-in that came back as a `herald://oauth/…` link.
pub fn finish_from_link(app: &AppHandle, callback: OAuthCallback) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    let connector = connector(&state);
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        let platform = callback.platform;
        let result = connector.finish(&callback, SystemClock.now()).await;
        announce(&handle, SignInFinished::from_result(platform, result));
    });
}

/// Tells the window how a sign-in ended (and keeps it for a window that is not listening yet).
fn announce(app: &AppHandle, finished: SignInFinished) {
    if let Some(state) = app.try_state::<AppState>() {
        state.set_sign_in_result(finished.clone());
    }
    crate::focus_main_window(app);
    let _ = finished.emit(app);
    let _ = crate::DataChanged.emit(app);
}
