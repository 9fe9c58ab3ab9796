//! Starting the resident process (`herald tray`) when the window opens and it is not running,
//! so that closing the window never stops publishing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use herald_core::resident::running_resident;

/// The environment variable naming the `herald` binary (default: beside this one).
const HERALD_BIN_ENV: &str = "HERALD_BIN";

/// Starts `herald tray` unless a resident process already holds the lock.
pub fn ensure_running(data_dir: &Path) {
    if let Some(state) = running_resident(data_dir) {
        tracing::info!(pid = state.pid, "resident process already running");
        return;
    }
    let binary = match herald_binary() {
        Some(binary) if binary.exists() => binary,
        other => {
            tracing::warn!(
                ?other,
                "cannot find the herald binary; publishing is stopped until `herald tray` runs"
            );
            return;
        }
    };
    match Command::new(&binary)
        .arg("tray")
        .env(herald_core::paths::DATA_DIR_ENV, data_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(mut child) => {
            tracing::info!(pid = child.id(), "started the resident process");
            // It outlives the window; a thread reaps it if it exits first.
            std::thread::spawn(move || {
                let _ = child.wait();
            });
        }
        Err(err) => {
            tracing::error!(%err, binary = %binary.display(), "cannot start the resident process")
        }
    }
}

fn herald_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(HERALD_BIN_ENV).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let exe = std::env::current_exe().ok()?;
    Some(exe.with_file_name(format!("herald{}", std::env::consts::EXE_SUFFIX)))
}
