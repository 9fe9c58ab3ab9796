//! Finding and starting Herald's other binary: the window (`herald-desktop`) ships beside
//! `herald`; `HERALD_DESKTOP_BIN` overrides it (tests, unusual installs).

use std::path::PathBuf;
use std::process::{Command, Stdio};

use herald_core::{CoreError, CoreResult};

/// The environment variable naming the window binary.
pub const DESKTOP_BIN_ENV: &str = "HERALD_DESKTOP_BIN";

/// The path of the window binary.
pub fn desktop_binary() -> CoreResult<PathBuf> {
    if let Some(path) = std::env::var_os(DESKTOP_BIN_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe()
        .map_err(|err| CoreError::io("cannot find Herald's own binary", err))?;
    let name = format!("herald-desktop{}", std::env::consts::EXE_SUFFIX);
    Ok(exe.with_file_name(name))
}

/// Starts the window process detached from this one. A window already open is focused instead
/// (the window process is single-instance).
pub fn open_window() -> CoreResult<()> {
    open_window_with(&[])
}

/// Opens the window at a post (through its `herald://post/<id>` link).
pub fn open_post(post_id: i64) -> CoreResult<()> {
    open_window_with(&[format!("herald://post/{post_id}")])
}

fn open_window_with(args: &[String]) -> CoreResult<()> {
    let binary = desktop_binary()?;
    if !binary.exists() {
        return Err(CoreError::Unavailable(format!(
            "the Herald window is not installed at {} (set {DESKTOP_BIN_ENV})",
            binary.display()
        )));
    }
    let mut child = Command::new(&binary)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|err| CoreError::io(format!("cannot start {}", binary.display()), err))?;
    // Reap it when it exits so no zombie is left behind.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}
