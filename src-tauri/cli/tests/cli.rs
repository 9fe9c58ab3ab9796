//! The `herald` command line as scripts use it: the JSON contract, one-line errors, and bad input
//! that changes nothing. Each test has its own data directory.

mod common;

use std::path::Path;
use std::process::Stdio;

use common::Herald;
use serde_json::Value;

fn future(days: i64) -> String {
    let at = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * days);
    let day = at.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    format!("{day}T10:00:00Z")
}

#[test]
fn create_show_list_reschedule_and_delete_speak_the_json_contract() {
    let herald = Herald::new();
    let at = future(2);
    let post = herald.json(&[
        "posts",
        "create",
        "--at",
        &at,
        "--caption",
        "Hello",
        "--timezone",
        "Europe/Paris",
        "--json",
    ]);
    let id = post["id"].as_i64().expect("numeric id");
    assert_eq!(post["caption"], "Hello");
    assert_eq!(post["due_at"], Value::String(at.clone()));
    assert_eq!(post["timezone"], "Europe/Paris");
    assert_eq!(post["media"], Value::Array(vec![]));
    assert_eq!(post["targets"], Value::Array(vec![]));

    let shown = herald.json(&["posts", "show", &id.to_string(), "--json"]);
    assert_eq!(shown, post);
    assert_eq!(
        herald
            .json(&["posts", "list", "--json"])
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    let later = future(5);
    let out = herald.run(&["posts", "reschedule", &id.to_string(), "--at", &later]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = herald.json(&["posts", "show", &id.to_string(), "--json"]);
    assert_eq!(shown["due_at"], Value::String(later));

    let in_range = herald.json(&[
        "posts",
        "list",
        "--from",
        &future(4),
        "--to",
        &future(6),
        "--json",
    ]);
    assert_eq!(in_range.as_array().map(Vec::len), Some(1));
    let out_of_range = herald.json(&["posts", "list", "--from", &future(6), "--json"]);
    assert_eq!(out_of_range.as_array().map(Vec::len), Some(0));

    assert!(herald
        .run(&["posts", "delete", &id.to_string()])
        .status
        .success());
    assert_eq!(
        herald.json(&["posts", "list", "--json"]),
        Value::Array(vec![])
    );
}

#[test]
fn bad_input_gives_one_line_and_changes_nothing() {
    let herald = Herald::new();
    let existing = herald.json(&[
        "posts",
        "create",
        "--at",
        &future(3),
        "--caption",
        "keep me",
        "--json",
    ]);
    let before = herald.json(&["posts", "list", "--json"]);

    assert!(herald
        .fails(&["posts", "show", "4242"])
        .contains("no post with id 4242"));
    assert!(herald
        .fails(&["posts", "create", "--at", "tomorrow-ish"])
        .contains("not a time"));
    let gap = herald.fails(&[
        "posts",
        "create",
        "--at",
        "2030-03-31T02:30",
        "--timezone",
        "Europe/Paris",
    ]);
    assert!(gap.contains("does not exist in Europe/Paris"), "{gap}");
    let missing = herald.fails(&[
        "posts",
        "create",
        "--at",
        &future(3),
        "--media",
        "/no/such/photo.jpg",
    ]);
    assert!(missing.contains("does not exist"), "{missing}");
    assert!(herald
        .fails(&["posts", "create", "--at", &future(3), "--account", "77"])
        .contains("no account with id 77"));
    assert!(herald
        .fails(&["posts", "create", "--at", "2001-01-01T00:00:00Z"])
        .contains("already passed"));
    let id = existing["id"].to_string();
    assert!(herald
        .fails(&["posts", "reschedule", &id, "--at", "garbage"])
        .contains("not a time"));
    assert!(herald
        .fails(&["posts", "delete", "999"])
        .contains("no post"));
    assert!(herald
        .fails(&["accounts", "disconnect", "5"])
        .contains("no account"));

    assert_eq!(herald.json(&["posts", "list", "--json"]), before);
}

#[test]
fn drafts_may_have_no_date() {
    let herald = Herald::new();
    let draft = herald.json(&["posts", "create", "--draft", "--caption", "idea", "--json"]);
    assert_eq!(draft["draft"], true);
    assert_eq!(draft["due_at"], Value::Null);
    assert!(herald
        .fails(&["posts", "create", "--caption", "no time"])
        .contains("needs a time"));
}

#[test]
fn accounts_import_checks_the_token_file_and_says_what_went_wrong() {
    let mut herald = Herald::new();
    // Nothing listens on port 9 of this machine.
    herald.env.push((
        "HERALD_INSTAGRAM_GRAPH_URL".to_owned(),
        "http://127.0.0.1:9".to_owned(),
    ));
    assert_eq!(
        herald.json(&["accounts", "list", "--json"]),
        Value::Array(vec![])
    );
    let file = herald.dir.path().join("token.json");
    std::fs::write(
        &file,
        r#"{"access_token":"IGQ-planted-token-123","expires_in":5184000}"#,
    )
    .unwrap();
    // Instagram's host cannot be reached from a test: a clear sentence, never the token.
    let line = herald.fails(&[
        "accounts",
        "import",
        "--platform",
        "instagram",
        "--token-file",
        file.to_str().unwrap(),
    ]);
    assert!(line.contains("could not reach Instagram"), "{line}");
    assert!(!line.contains("IGQ-planted-token-123"));

    std::fs::write(&file, r#"{"access_token":"IGQ-planted-token-123""#).unwrap();
    let line = herald.fails(&[
        "accounts",
        "import",
        "--platform",
        "tiktok",
        "--token-file",
        file.to_str().unwrap(),
    ]);
    assert!(
        line.contains("not valid") && !line.contains("IGQ-planted"),
        "{line}"
    );
    let line = herald.fails(&[
        "accounts",
        "import",
        "--platform",
        "myspace",
        "--token-file",
        file.to_str().unwrap(),
    ]);
    assert!(line.contains("myspace"), "{line}");
}

#[test]
fn run_until_idle_exits_when_nothing_is_due() {
    let herald = Herald::new();
    herald.json(&["posts", "create", "--at", &future(1), "--json"]);
    let out = herald.run(&["run", "--until-idle"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn pause_and_resume_are_shared_settings() {
    let herald = Herald::new();
    assert!(herald.run(&["pause"]).status.success());
    let db = herald.dir.path().join("herald.db");
    assert!(Path::new(&db).exists());
    assert!(herald.run(&["resume"]).status.success());
    assert!(herald
        .run(&["settings", "grace-minutes", "45"])
        .status
        .success());
    let settings = herald.json(&["settings", "show", "--json"]);
    assert_eq!(settings["grace_minutes"], 45);
    assert_eq!(settings["publishing_paused"], false);
    assert!(herald
        .fails(&["settings", "grace-minutes", "-3"])
        .contains("herald"));
}

/// Needs the OS keyring: `make test` runs it inside a D-Bus session with GNOME Keyring.
#[test]
fn apps_set_keeps_the_secret_in_the_keyring_only() {
    if !common::keyring_enabled() {
        return;
    }
    let herald = Herald::new();
    let secret = "app-secret-planted-5f2a";
    let mut child = herald
        .command(&[
            "apps",
            "set",
            "--platform",
            "tiktok",
            "--client-id",
            "awk123",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{secret}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let everything: Vec<u8> = walk(herald.dir.path())
        .iter()
        .flat_map(|f| std::fs::read(f).unwrap_or_default())
        .collect();
    assert!(
        !everything
            .windows(secret.len())
            .any(|w| w == secret.as_bytes()),
        "secret on disk"
    );
    assert!(
        everything.windows(6).any(|w| w == b"awk123"),
        "the app id is stored"
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
