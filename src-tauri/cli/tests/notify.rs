//! `herald tray` with no window open publishes a due post and raises a desktop notification,
//! observed on the session bus's `org.freedesktop.Notifications` interface as a desktop shell
//! would see it.
//!
//! Needs a D-Bus session with the OS keyring: `make test` runs it inside one (GNOME Keyring);
//! elsewhere set `HERALD_TEST_REAL_KEYRING=1` inside such a session.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use herald_sandbox::SandboxConfig;
use serde_json::Value;

#[test]
fn the_tray_publishes_a_due_post_and_notifies_with_the_link() {
    if std::env::var("HERALD_TEST_REAL_KEYRING").as_deref() != Ok("1") {
        eprintln!("skipped: set HERALD_TEST_REAL_KEYRING=1 in a D-Bus session (make test does)");
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let sandbox = runtime
        .block_on(herald_sandbox::start(SandboxConfig::default()))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let herald = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_herald"));
        command
            .args(args)
            .env("HERALD_DATA_DIR", dir.path())
            .env(
                "HERALD_KEYRING_SERVICE",
                format!("herald-notify-test-{}", std::process::id()),
            )
            .env("HERALD_DESKTOP_BIN", "/bin/false")
            .stdin(Stdio::null());
        for (key, value) in sandbox.env() {
            command.env(key, value);
        }
        command
    };
    let json = |args: &[&str]| -> Value {
        let out = herald(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };

    let token_file = dir.path().join("token.json");
    std::fs::write(
        &token_file,
        format!(r#"{{"access_token":"{}"}}"#, sandbox.tokens().user_token()),
    )
    .unwrap();
    let pages = json(&[
        "accounts",
        "import",
        "--platform",
        "facebook",
        "--token-file",
        token_file.to_str().unwrap(),
        "--json",
    ]);
    let page = pages[0]["id"].to_string();

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

    let mut tray = herald(&["tray"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let now = jiff::Timestamp::now().to_string();
    let post = json(&[
        "posts",
        "create",
        "--account",
        &page,
        "--at",
        &now,
        "--caption",
        "Notify me",
        "--json",
    ]);
    let id = post["id"].to_string();

    let deadline = Instant::now() + Duration::from_secs(30);
    let mut published = Value::Null;
    while Instant::now() < deadline {
        published = json(&["posts", "show", &id, "--json"]);
        if published["targets"][0]["status"] == "published" {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(
        published["targets"][0]["status"], "published",
        "{published}"
    );
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
