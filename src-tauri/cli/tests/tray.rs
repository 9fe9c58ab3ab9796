//! `herald tray` without any desktop (no D-Bus session, no display): it still runs, stays
//! single, says where it stands in its lock file, and stops cleanly on SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_resident_process_is_single_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let herald = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_herald"));
        command
            .args(args)
            .env("HERALD_DATA_DIR", dir.path())
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/herald-test-bus",
            )
            .env_remove("DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    };
    let mut tray = herald(&["tray"]).spawn().unwrap();
    let lock = dir.path().join("tray.lock");
    wait_for("the lock file to name the tray", || {
        std::fs::read_to_string(&lock).is_ok_and(|t| t.contains("\"tray_icon\":false"))
    });
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&lock).unwrap()).unwrap();
    assert_eq!(state["pid"], tray.id());

    let second = herald(&["tray"]).output().unwrap();
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("already publishing"));

    assert!(Command::new("kill")
        .arg("-TERM")
        .arg(tray.id().to_string())
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = tray.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the tray did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    // The lock is free again: a new resident process can start.
    let mut again = herald(&["tray"]).spawn().unwrap();
    wait_for("a new tray to take the lock", || {
        std::fs::read_to_string(&lock).is_ok_and(|t| t.contains(&format!("\"pid\":{}", again.id())))
    });
    let _ = again.kill();
    let _ = again.wait();
}
