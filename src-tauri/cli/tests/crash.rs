//! Crash safety (DESIGN.md §3): `herald run` is killed with SIGKILL at each persisted step of a
//! Facebook publish and started again; the sandbox's record of what went live must show every
//! target published exactly once, and nothing may stay stuck in `publishing`.
//!
//! Uses the OS keyring (tokens are imported into it): `make test` runs it inside a D-Bus session
//! with GNOME Keyring; elsewhere set `HERALD_TEST_REAL_KEYRING=1` to run it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use herald_sandbox::{RunningSandbox, SandboxConfig};
use serde_json::Value;

struct Env {
    dir: tempfile::TempDir,
    sandbox_env: Vec<(String, String)>,
}

impl Env {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_herald"));
        command
            .args(args)
            .env("HERALD_DATA_DIR", self.dir.path())
            .env(
                "HERALD_KEYRING_SERVICE",
                format!("herald-crash-test-{}", std::process::id()),
            )
            .env_remove("HERALD_PAUSE_AT")
            .stdin(Stdio::null());
        for (key, value) in &self.sandbox_env {
            command.env(key, value);
        }
        command
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.command(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Starts `herald run --until-idle` paused at `point`, and SIGKILLs it there.
    fn kill_at(&self, point: &str) {
        let mut child = self
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

    fn run_until_idle(&self) {
        let out = self.command(&["run", "--until-idle"]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn enabled() -> bool {
    std::env::var("HERALD_TEST_REAL_KEYRING").as_deref() == Ok("1")
}

fn start_sandbox() -> (RunningSandbox, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let sandbox = runtime
        .block_on(herald_sandbox::start(SandboxConfig::default()))
        .unwrap();
    (sandbox, runtime)
}

/// One scenario: a post for both sandbox Pages, killed at each of `points` in turn, then run
/// to the end.
fn scenario(sandbox: &RunningSandbox, caption: &str, points: &[&str]) {
    let env = Env {
        dir: tempfile::tempdir().unwrap(),
        sandbox_env: sandbox.env(),
    };
    let token_file = env.dir.path().join("token.json");
    std::fs::write(
        &token_file,
        format!(r#"{{"access_token":"{}"}}"#, sandbox.tokens().user_token()),
    )
    .unwrap();
    let pages = env.json(&[
        "accounts",
        "import",
        "--platform",
        "facebook",
        "--token-file",
        token_file.to_str().unwrap(),
        "--json",
    ]);
    let ids: Vec<String> = pages
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].to_string())
        .collect();
    assert_eq!(ids.len(), 2);
    let now = jiff::Timestamp::now().to_string();
    let post = env.json(&[
        "posts",
        "create",
        "--account",
        &ids[0],
        "--account",
        &ids[1],
        "--at",
        &now,
        "--caption",
        caption,
        "--json",
    ]);
    let id = post["id"].to_string();

    for point in points {
        env.kill_at(point);
    }
    env.run_until_idle();

    let post = env.json(&["posts", "show", &id, "--json"]);
    for target in post["targets"].as_array().unwrap() {
        assert_eq!(target["status"], "published", "{caption}: {target}");
        assert!(target["permalink"]
            .as_str()
            .is_some_and(|p| p.contains("facebook.com")));
    }
    let live = sandbox
        .live()
        .into_iter()
        .filter(|p| p.message.as_deref() == Some(caption))
        .count();
    assert_eq!(live, 2, "{caption}: exactly once per Page, got {live}");
}

#[test]
fn killed_at_every_step_each_target_is_published_exactly_once() {
    if !enabled() {
        eprintln!("skipped: set HERALD_TEST_REAL_KEYRING=1 (make test does)");
        return;
    }
    let (sandbox, _runtime) = start_sandbox();
    scenario(
        &sandbox,
        "killed before the call",
        &["facebook.feed.before_call"],
    );
    scenario(
        &sandbox,
        "killed after the call",
        &["facebook.feed.after_call"],
    );
    scenario(
        &sandbox,
        "killed after the call, then while reconciling",
        &["facebook.feed.after_call", "facebook.feed.reconcile"],
    );
    scenario(
        &sandbox,
        "killed twice before the call",
        &["facebook.feed.before_call", "facebook.feed.before_call"],
    );
}
