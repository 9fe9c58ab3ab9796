//! The resident process's lock and status file, `<data dir>/tray.lock`. Holding an exclusive
//! lock on it keeps `herald tray` single; its content tells the window whether the tray icon is
//! shown.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreResult};

/// The lock file name inside the data directory.
pub const LOCK_FILE: &str = "tray.lock";

/// What the resident process says about itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResidentState {
    pub pid: u32,
    /// Whether a tray host shows the icon; `None` until known.
    pub tray_icon: Option<bool>,
}

/// The held lock of the one resident process. Released when dropped or when the process dies.
#[derive(Debug)]
pub struct ResidentLock {
    file: File,
    path: PathBuf,
}

impl ResidentLock {
    /// Takes the lock, or returns `None` when another resident process holds it.
    pub fn acquire(data_dir: &Path) -> CoreResult<Option<ResidentLock>> {
        std::fs::create_dir_all(data_dir)
            .map_err(|err| CoreError::io(format!("cannot create {}", data_dir.display()), err))?;
        let path = data_dir.join(LOCK_FILE);
        let file = open(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Ok(None),
            Err(TryLockError::Error(err)) => {
                return Err(CoreError::io(
                    format!("cannot lock {}", path.display()),
                    err,
                ))
            }
        }
        let mut lock = ResidentLock { file, path };
        lock.write_state(&ResidentState {
            pid: std::process::id(),
            tray_icon: None,
        })?;
        Ok(Some(lock))
    }

    /// Records whether the tray icon is shown.
    pub fn set_tray_icon(&mut self, shown: bool) -> CoreResult<()> {
        self.write_state(&ResidentState {
            pid: std::process::id(),
            tray_icon: Some(shown),
        })
    }

    fn write_state(&mut self, state: &ResidentState) -> CoreResult<()> {
        let text = serde_json::to_string(state).unwrap_or_default();
        let context = || format!("cannot write {}", self.path.display());
        self.file
            .set_len(0)
            .and_then(|()| self.file.seek(SeekFrom::Start(0)))
            .and_then(|_| self.file.write_all(text.as_bytes()))
            .and_then(|()| self.file.flush())
            .map_err(|err| CoreError::io(context(), err))
    }
}

/// The running resident process's state, or `None` when no resident process holds the lock.
pub fn running_resident(data_dir: &Path) -> Option<ResidentState> {
    let path = data_dir.join(LOCK_FILE);
    let mut file = File::open(&path).ok()?;
    match file.try_lock_shared() {
        // Nobody holds it: no resident process.
        Ok(()) => {
            let _ = file.unlock();
            None
        }
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            Some(serde_json::from_str(&text).unwrap_or_default())
        }
        Err(TryLockError::Error(_)) => None,
    }
}

fn open(path: &Path) -> CoreResult<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|err| CoreError::io(format!("cannot open {}", path.display()), err))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_resident_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        assert!(running_resident(dir.path()).is_none());
        let mut lock = ResidentLock::acquire(dir.path())
            .unwrap()
            .expect("first lock");
        assert!(ResidentLock::acquire(dir.path()).unwrap().is_none());
        lock.set_tray_icon(false).unwrap();
        let state = running_resident(dir.path()).expect("running");
        assert_eq!(state.pid, std::process::id());
        assert_eq!(state.tray_icon, Some(false));
        drop(lock);
        assert!(running_resident(dir.path()).is_none());
        assert!(ResidentLock::acquire(dir.path()).unwrap().is_some());
    }
}
