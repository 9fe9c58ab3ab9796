//! `herald tray`, the resident process (DESIGN.md §2a): the scheduler, the tray icon and the
//! notifications, in a few MB and without a webview. A lock in the data directory keeps it
//! single; with no tray host it keeps publishing without an icon.

mod icon;
mod notify;

use std::sync::Arc;
use std::time::Duration;

use herald_core::change::{watch_changes, DEFAULT_POLL};
use herald_core::resident::{running_resident, ResidentLock};
use herald_core::scheduler::Scheduler;
use herald_core::time::{Clock, SystemClock};
use herald_core::{logging, paths, CoreResult, Store};
use tokio::sync::{mpsc, watch};

use crate::launch;
use crate::sandbox_host::SandboxHost;

/// What the tray menu (or the tray host) asks the resident process to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayCommand {
    OpenWindow,
    SetPaused(bool),
    Quit,
    /// The tray host appeared (`true`) or went away (`false`).
    IconShown(bool),
}

/// Runs the resident process until *Quit Herald*, SIGTERM or Ctrl+C.
pub async fn run() -> CoreResult<()> {
    let data_dir = paths::data_dir()?;
    let _logs = logging::init(&data_dir, "tray", false)?;
    let Some(mut lock) = ResidentLock::acquire(&data_dir)? else {
        let pid = running_resident(&data_dir)
            .map(|s| s.pid)
            .unwrap_or_default();
        eprintln!("Herald is already publishing in the background (process {pid}).");
        return Ok(());
    };
    tracing::info!(pid = std::process::id(), data_dir = %data_dir.display(), "resident process started");
    let store = Store::open(&data_dir).await?;
    let changes = watch_changes(&store, DEFAULT_POLL).await?;

    let (commands_tx, mut commands) = mpsc::unbounded_channel();
    let paused = store.publishing_paused().await?;
    let icon = icon::spawn(commands_tx.clone(), paused).await;
    if icon.is_none() {
        let _ = lock.set_tray_icon(false);
    }

    let publisher = crate::commands::platform_publisher(&store, &data_dir);
    let mut sandbox = SandboxHost::default();
    sandbox.sync(&store, &publisher).await;
    let (events_tx, events) = mpsc::unbounded_channel();
    let scheduler = Scheduler::new(
        store.clone(),
        publisher.clone(),
        Arc::new(SystemClock) as Arc<dyn Clock>,
        format!("herald-tray-{}", std::process::id()),
    )
    .with_events(events_tx);
    let (stop, stopped) = watch::channel(false);
    let scheduler_task = tokio::spawn({
        let changes = changes.clone();
        async move { scheduler.run(changes, stopped).await }
    });
    tokio::spawn(notify::deliver(events));
    tokio::spawn(keep_tokens_fresh(publisher.clone()));
    spawn_signal_handler(commands_tx.clone());

    let mut changes = changes;
    loop {
        tokio::select! {
            command = commands.recv() => {
                tracing::info!(?command, "tray command");
                match command {
                Some(TrayCommand::OpenWindow) => {
                    if let Err(err) = launch::open_window() {
                        tracing::error!(%err, "cannot open the window");
                        notify::problem("Herald cannot open its window", &err.to_string()).await;
                    }
                }
                Some(TrayCommand::SetPaused(paused)) => {
                    if let Err(err) = store.set_publishing_paused(paused).await {
                        tracing::error!(%err, "cannot change the pause setting");
                    }
                    if let Some(icon) = &icon { icon.show_paused(paused).await; }
                }
                Some(TrayCommand::IconShown(shown)) => {
                    tracing::info!(shown, "tray host changed");
                    let _ = lock.set_tray_icon(shown);
                }
                Some(TrayCommand::Quit) | None => break,
            }},
            Ok(()) = changes.changed() => {
                // Another process may have paused publishing or turned the sandbox on or off.
                if let (Some(icon), Ok(paused)) = (&icon, store.publishing_paused().await) {
                    icon.show_paused(paused).await;
                }
                sandbox.sync(&store, &publisher).await;
            }
        }
    }
    tracing::info!("resident process stopping");
    let _ = stop.send(true);
    let _ = scheduler_task.await;
    sandbox.stop().await;
    if let Some(icon) = icon {
        icon.shutdown().await;
    }
    store.close().await;
    drop(lock);
    Ok(())
}

/// How often Instagram tokens are checked for a refresh (each is refreshed once a day old).
const TOKEN_UPKEEP_EVERY: Duration = Duration::from_secs(6 * 60 * 60);

/// Refreshes Instagram's long-lived tokens at start and every few hours, so none reaches its
/// 60 days while Herald runs at least now and then; a token Instagram refuses is reported.
async fn keep_tokens_fresh(publisher: herald_platforms::PlatformPublisher) {
    let mut ticker = tokio::time::interval(TOKEN_UPKEEP_EVERY);
    loop {
        ticker.tick().await;
        for (account, reason) in publisher
            .refresh_instagram_tokens(jiff::Timestamp::now())
            .await
        {
            tracing::warn!(account, "an Instagram account needs reconnecting");
            notify::problem(
                "Reconnect your Instagram account",
                &format!("{reason} Its scheduled posts wait until you reconnect it in Herald (Settings → Accounts)."),
            )
            .await;
        }
    }
}

/// Turns SIGTERM and Ctrl+C into a clean quit.
fn spawn_signal_handler(commands: mpsc::UnboundedSender<TrayCommand>) {
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            match signal(SignalKind::terminate()) {
                Ok(mut term) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = tokio::signal::ctrl_c() => {}
                    }
                }
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        let _ = commands.send(TrayCommand::Quit);
    });
}
