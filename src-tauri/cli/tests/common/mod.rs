//! What the command-line tests share: the `herald` binary run against a data directory of the
//! test's own (and, when asked, the sandbox), and the sandbox itself.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use herald_sandbox::{RunningSandbox, SandboxConfig};
use serde_json::Value;

/// Whether the tests that need the OS keyring run (`make test` sets this inside a D-Bus session
/// with GNOME Keyring); prints why a test is skipped otherwise.
pub fn keyring_enabled() -> bool {
    let enabled = std::env::var("HERALD_TEST_REAL_KEYRING").as_deref() == Ok("1");
    if !enabled {
        eprintln!("skipped: set HERALD_TEST_REAL_KEYRING=1 in a D-Bus session (make test does)");
    }
    enabled
}

/// The `herald` binary with a data directory, keyring service and environment of its own.
pub struct Herald {
    pub dir: tempfile::TempDir,
    /// Extra environment of every command (the sandbox's base URLs…).
    pub env: Vec<(String, String)>,
}

impl Herald {
    /// A fresh data directory.
    pub fn new() -> Self {
        Herald {
            dir: tempfile::tempdir().expect("temp dir"),
            env: Vec::new(),
        }
    }

    /// A fresh data directory whose platform base URLs point at `sandbox`.
    pub fn with_sandbox(sandbox: &RunningSandbox) -> Self {
        let mut herald = Herald::new();
        herald.env = sandbox.env();
        herald
    }

    /// The keyring service this Herald's secrets are stored under: its own, so tests running
    /// side by side never see each other's entries.
    pub fn keyring_service(&self) -> String {
        let dir = self
            .dir
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        format!("herald-test-{}-{dir}", std::process::id())
    }

    /// `herald <args>`, not started yet.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_herald"));
        command
            .args(args)
            .env("HERALD_DATA_DIR", self.dir.path())
            .env("HERALD_KEYRING_SERVICE", self.keyring_service())
            .env("HERALD_DESKTOP_BIN", "/bin/false")
            .env_remove("HERALD_LOG")
            .env_remove("HERALD_PAUSE_AT")
            .stdin(Stdio::null());
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command
    }

    /// Runs a command to the end.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run herald")
    }

    /// Runs a command that must succeed and print one JSON document.
    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("one JSON document")
    }

    /// Runs a command that must fail; returns its single stderr line.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "{args:?} should fail");
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "one line expected: {stderr:?}"
        );
        assert!(stderr.starts_with("herald: "), "{stderr}");
        stderr
    }

    /// Imports the sandbox user's Pages (tokens into the keyring); returns their account ids.
    pub fn import_sandbox_pages(&self, sandbox: &RunningSandbox) -> Vec<String> {
        let token_file = self.dir.path().join("token.json");
        std::fs::write(
            &token_file,
            format!(r#"{{"access_token":"{}"}}"#, sandbox.tokens().user_token()),
        )
        .expect("token file");
        let pages = self.json(&[
            "accounts",
            "import",
            "--platform",
            "facebook",
            "--token-file",
            path(&token_file),
            "--json",
        ]);
        pages
            .as_array()
            .expect("accounts")
            .iter()
            .map(|p| p["id"].to_string())
            .collect()
    }

    /// Waits (up to 30 s) until every target of a post is published; returns the post.
    pub fn wait_published(&self, post_id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let post = self.json(&["posts", "show", post_id, "--json"]);
            let targets = post["targets"].as_array().cloned().unwrap_or_default();
            if !targets.is_empty() && targets.iter().all(|t| t["status"] == "published") {
                return post;
            }
            assert!(Instant::now() < deadline, "not published in time: {post}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// A path as a command-line argument.
pub fn path(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temp path")
}

/// Starts the sandbox on a runtime of its own (kept alive by the returned runtime).
pub fn start_sandbox() -> (RunningSandbox, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let sandbox = runtime
        .block_on(herald_sandbox::start(SandboxConfig::default()))
        .expect("sandbox");
    (sandbox, runtime)
}

/// Now, as `--at` takes it.
pub fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// Starts `herald run --until-idle` paused at the named publish step, and SIGKILLs it there.
pub fn kill_at(herald: &Herald, point: &str) {
    let mut child = herald
        .command(&["run", "--until-idle"])
        .env("HERALD_PAUSE_AT", point)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("paused at") {
                let _ = tx.send(line);
            }
        }
    });
    let reached = rx.recv_timeout(Duration::from_secs(30));
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    assert!(
        reached.is_ok_and(|l| l.contains(point)),
        "never reached {point}"
    );
}
