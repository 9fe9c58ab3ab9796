//! Instagram from the command line: the relay set up with `herald relay` (secret into the OS
//! keyring) or the `HERALD_RELAY_*` variables, posts refused with the limit named, and a
//! `herald run` killed between `media_publish` being sent and its answer being stored, then
//! started again: exactly one live post, and nothing left in the relay.
//!
//! Uses the OS keyring: `make test` runs it inside a D-Bus session with GNOME Keyring; elsewhere
//! set `HERALD_TEST_REAL_KEYRING=1`.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::{keyring_enabled, kill_at, now, path, start_sandbox, Herald};
use herald_sandbox::{RunningS3, RunningSandbox, S3Config};

/// The sandbox, its S3 relay, and a Herald whose environment points at both.
fn setup() -> (RunningSandbox, RunningS3, tokio::runtime::Runtime, Herald) {
    let (sandbox, runtime) = start_sandbox();
    let s3 = runtime
        .block_on(herald_sandbox::start_s3(S3Config::default()))
        .expect("s3");
    let mut herald = Herald::with_sandbox(&sandbox);
    herald.env.extend(s3.env());
    (sandbox, s3, runtime, herald)
}

/// Imports the sandbox's first Instagram account; returns its id.
fn import_instagram(herald: &Herald, sandbox: &RunningSandbox) -> String {
    let token_file = herald.dir.path().join("ig.json");
    std::fs::write(
        &token_file,
        format!(
            r#"{{"access_token":"{}"}}"#,
            sandbox.tokens().instagram_token(0)
        ),
    )
    .unwrap();
    let accounts = herald.json(&[
        "accounts",
        "import",
        "--platform",
        "instagram",
        "--token-file",
        path(&token_file),
        "--json",
    ]);
    assert_eq!(accounts[0]["platform"], "instagram", "{accounts}");
    accounts[0]["id"].to_string()
}

fn photo(herald: &Herald, name: &str, width: u32, height: u32) -> String {
    let file = herald.dir.path().join(name);
    image::RgbImage::from_pixel(width, height, image::Rgb([200, 150, 90]))
        .save(&file)
        .unwrap();
    path(&file).to_owned()
}

#[test]
fn killed_around_media_publish_it_is_published_exactly_once() {
    if !keyring_enabled() {
        return;
    }
    for points in [
        &["instagram.publish.after_call"][..],
        &[
            "instagram.publish.before_call",
            "instagram.publish.after_call",
        ],
        &[
            "instagram.publish.after_call",
            "instagram.publish.reconcile",
        ],
    ] {
        let (sandbox, s3, _runtime, herald) = setup();
        let account = import_instagram(&herald, &sandbox);
        let media = photo(&herald, "bread.jpg", 1080, 1350);
        let post = herald.json(&[
            "posts",
            "create",
            "--account",
            &account,
            "--at",
            &now(),
            "--caption",
            "Killed mid-publish",
            "--media",
            &media,
            "--json",
        ]);
        let id = post["id"].to_string();
        for point in points {
            kill_at(&herald, point);
        }
        let out = herald.run(&["run", "--until-idle"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let post = herald.json(&["posts", "show", &id, "--json"]);
        let target = &post["targets"][0];
        assert_eq!(target["status"], "published", "{points:?}: {target}");
        assert!(target["permalink"]
            .as_str()
            .is_some_and(|p| p.contains("instagram.com")));
        let live: Vec<_> = sandbox
            .live()
            .into_iter()
            .filter(|p| p.platform == "instagram")
            .collect();
        assert_eq!(live.len(), 1, "{points:?}: {live:?}");
        assert!(
            s3.object_keys().is_empty(),
            "{points:?}: {:?}",
            s3.object_keys()
        );
    }
}

#[test]
fn the_relay_is_set_tested_shown_and_cleared_with_its_secret_in_the_keyring() {
    if !keyring_enabled() {
        return;
    }
    let (sandbox, s3, _runtime, mut herald) = setup();
    // Settings this time, not the environment.
    herald
        .env
        .retain(|(name, _)| !name.starts_with("HERALD_RELAY_"));
    let config = S3Config::default();
    let mut set = herald
        .command(&[
            "relay",
            "set",
            "--endpoint",
            &s3.endpoint(),
            "--region",
            &config.region,
            "--bucket",
            &config.bucket,
            "--access-key-id",
            &config.access_key_id,
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    set.stdin
        .take()
        .unwrap()
        .write_all(config.secret_access_key.as_bytes())
        .unwrap();
    let out = set.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let shown = herald.run(&["relay", "show"]);
    let shown = String::from_utf8_lossy(&shown.stdout).to_string();
    assert!(shown.contains(&config.bucket), "{shown}");
    assert!(
        !shown.contains(&config.secret_access_key),
        "the secret was printed"
    );
    let db = std::fs::read(herald.dir.path().join("herald.db")).unwrap_or_default();
    assert!(
        !db.windows(config.secret_access_key.len())
            .any(|w| w == config.secret_access_key.as_bytes()),
        "the secret is in the database"
    );
    let tested = herald.run(&["relay", "test"]);
    assert!(
        tested.status.success(),
        "{}",
        String::from_utf8_lossy(&tested.stderr)
    );
    assert!(s3.object_keys().is_empty());

    // Publishing uses the stored relay.
    let account = import_instagram(&herald, &sandbox);
    let media = photo(&herald, "square.jpg", 1080, 1080);
    let post = herald.json(&[
        "posts",
        "create",
        "--account",
        &account,
        "--at",
        &now(),
        "--caption",
        "Via settings",
        "--media",
        &media,
        "--first-comment",
        "#bread",
        "--json",
    ]);
    let id = post["id"].to_string();
    let out = herald.run(&["run", "--until-idle"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let post = herald.json(&["posts", "show", &id, "--json"]);
    assert_eq!(post["targets"][0]["status"], "published", "{post}");
    assert!(
        post["targets"][0]["first_comment"]["id"].is_string(),
        "{post}"
    );

    assert!(herald.run(&["relay", "clear"]).status.success());
    let gone = herald.run(&["relay", "show"]);
    assert!(String::from_utf8_lossy(&gone.stdout).contains("No media relay"));
}

#[test]
fn posts_over_instagram_limits_are_refused_with_the_limit_named() {
    if !keyring_enabled() {
        return;
    }
    let (sandbox, _s3, _runtime, herald) = setup();
    let account = import_instagram(&herald, &sandbox);
    let media = photo(&herald, "ok.jpg", 1080, 1080);
    let tall = photo(&herald, "tall.jpg", 1080, 1920);
    let long = "x".repeat(2_201);
    let err = herald.fails(&[
        "posts",
        "create",
        "--account",
        &account,
        "--at",
        &now(),
        "--caption",
        &long,
        "--media",
        &media,
    ]);
    assert!(
        err.contains("2201 characters; Instagram accepts up to 2200"),
        "{err}"
    );
    let err = herald.fails(&[
        "posts",
        "create",
        "--account",
        &account,
        "--at",
        &now(),
        "--media",
        &tall,
    ]);
    assert!(err.contains("Fit or Crop"), "{err}");
    // As a draft it is kept, and `posts check` says what is wrong.
    let draft = herald.json(&[
        "posts",
        "create",
        "--account",
        &account,
        "--draft",
        "--caption",
        &long,
        "--media",
        &tall,
        "--json",
    ]);
    let checks = herald.json(&["posts", "check", &draft["id"].to_string(), "--json"]);
    let violations = checks[0]["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 2, "{checks}");
    // With --aspect crop the tall photo is accepted.
    herald.json(&[
        "posts",
        "create",
        "--account",
        &account,
        "--at",
        &now(),
        "--media",
        &tall,
        "--aspect",
        "crop",
        "--json",
    ]);
}
