//! `herald tray` with no window open publishes a due post and raises a desktop notification,
//! observed on the session bus's `org.freedesktop.Notifications` interface as a desktop shell
//! would see it. Needs a D-Bus session with the OS keyring (`make test` provides one).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{keyring_enabled, now, start_sandbox, Herald};

#[test]
fn the_tray_publishes_a_due_post_and_notifies_with_the_link() {
    if !keyring_enabled() {
        return;
    }
    let (sandbox, _runtime) = start_sandbox();
    let herald = Herald::with_sandbox(&sandbox);
    let page = herald.import_sandbox_pages(&sandbox).remove(0);

    // Listen on the bus before anything is sent.
    let mut monitor = Command::new("dbus-monitor")
        .args([
            "--session",
            "interface='org.freedesktop.Notifications',member='Notify'",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-monitor (Debian package dbus-bin)");
    let (lines_tx, lines) = mpsc::channel();
    let stdout = monitor.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    std::thread::sleep(Duration::from_millis(300));

    let mut tray = herald
        .command(&["tray"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let post = herald.json(&[
        "posts",
        "create",
        "--account",
        &page,
        "--at",
        &now(),
        "--caption",
        "Notify me",
        "--json",
    ]);
    let published = herald.wait_published(&post["id"].to_string());
    let permalink = published["targets"][0]["permalink"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut seen = String::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline
        && !(seen.contains("Published on Facebook") && seen.contains(&permalink))
    {
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) {
            seen.push_str(&line);
            seen.push('\n');
        }
    }
    let _ = tray.kill();
    let _ = tray.wait();
    let _ = monitor.kill();
    let _ = monitor.wait();
    assert!(
        seen.contains("member=Notify"),
        "no Notify call on the bus:\n{seen}"
    );
    assert!(seen.contains("Published on Facebook"), "{seen}");
    assert!(
        seen.contains(&permalink),
        "the notification carries the link:\n{seen}"
    );
    assert_eq!(
        sandbox
            .live()
            .iter()
            .filter(|p| p.message.as_deref() == Some("Notify me"))
            .count(),
        1
    );
}
