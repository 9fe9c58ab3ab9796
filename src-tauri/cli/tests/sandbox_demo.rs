//! "Try Herald with sandbox accounts" from the command line: `herald sandbox on` adds simulated
//! Pages, the resident process hosts the sandbox and publishes to it, `herald sandbox off`
//! removes everything again. Needs the OS keyring (`make test` provides one).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

#[test]
fn sandbox_accounts_publish_locally_and_are_removed_in_one_step() {
    if std::env::var("HERALD_TEST_REAL_KEYRING").as_deref() != Ok("1") {
        eprintln!("skipped: set HERALD_TEST_REAL_KEYRING=1 (make test does)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let herald = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_herald"));
        command
            .args(args)
            .env("HERALD_DATA_DIR", dir.path())
            .env(
                "HERALD_KEYRING_SERVICE",
                format!("herald-sandbox-test-{}", std::process::id()),
            )
            .env("HERALD_DESKTOP_BIN", "/bin/false")
            .stdin(Stdio::null());
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

    let on = herald(&["sandbox", "on", "--port", &port.to_string()])
        .output()
        .unwrap();
    assert!(
        on.status.success(),
        "{}",
        String::from_utf8_lossy(&on.stderr)
    );
    let accounts = json(&["accounts", "list", "--json"]);
    let accounts = accounts.as_array().unwrap();
    assert_eq!(accounts.len(), 2);
    assert!(accounts
        .iter()
        .all(|a| a["simulated"] == true && a["name"].as_str().unwrap().contains("(sandbox)")));

    let mut tray = herald(&["tray"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let now = jiff::Timestamp::now().to_string();
    let account = accounts[0]["id"].to_string();
    let post = json(&[
        "posts",
        "create",
        "--account",
        &account,
        "--at",
        &now,
        "--caption",
        "Hello sandbox",
        "--json",
    ]);
    let id = post["id"].to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut shown = Value::Null;
    while Instant::now() < deadline {
        shown = json(&["posts", "show", &id, "--json"]);
        if shown["targets"][0]["status"] == "published" {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(shown["targets"][0]["status"], "published", "{shown}");

    let off = herald(&["sandbox", "off"]).output().unwrap();
    assert!(
        off.status.success(),
        "{}",
        String::from_utf8_lossy(&off.stderr)
    );
    assert_eq!(json(&["accounts", "list", "--json"]), Value::Array(vec![]));
    assert_eq!(
        json(&["posts", "list", "--json"]),
        Value::Array(vec![]),
        "the sandbox's posts go too"
    );
    // The resident process stops serving the sandbox.
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "sandbox still serving"
    );
    let _ = tray.kill();
    let _ = tray.wait();
}
