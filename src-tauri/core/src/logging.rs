//! Structured logs: a daily-rotating file per process in `<data dir>/logs`, filtered by
//! `HERALD_LOG` (e.g. `info`, `herald_core=debug`). Secrets cannot reach them: the only way to
//! read a [`crate::vault::Secret`] is `expose()`, and it formats as `[redacted]`.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::prelude::*;
use tracing_subscriber::EnvFilter;

use crate::error::{CoreError, CoreResult};
use crate::paths;

/// The environment variable holding the log filter.
pub const LOG_ENV: &str = "HERALD_LOG";

/// How many daily files are kept per process.
const KEPT_FILES: usize = 7;

/// Keeps the log writer alive; logs are flushed when it is dropped.
#[must_use = "logs stop being written when the guard is dropped"]
pub struct LogGuard {
    _file: WorkerGuard,
}

/// Starts logging for one process (`process` names its file, e.g. `tray` → `tray.log.2026-11-24`).
/// With `to_stderr`, lines are also printed (for `herald run` in a terminal).
pub fn init(data_dir: &Path, process: &str, to_stderr: bool) -> CoreResult<LogGuard> {
    let dir = paths::logs_dir(data_dir);
    std::fs::create_dir_all(&dir)
        .map_err(|err| CoreError::io(format!("cannot create {}", dir.display()), err))?;
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix(format!("{process}.log"))
        .max_log_files(KEPT_FILES)
        .build(&dir)
        .map_err(|err| CoreError::Unavailable(format!("cannot open the log file: {err}")))?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = || EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new("info"));
    let file_layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(writer)
        .with_filter(filter());
    let stderr_layer = to_stderr.then(|| {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_filter(filter())
    });
    // A second init in the same process (tests) keeps the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer)
        .try_init();
    Ok(LogGuard { _file: guard })
}
