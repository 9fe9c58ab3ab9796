//! TikTok from the command line: the creator's rules enforced when scheduling, and a refresh that
//! rotates the refresh token followed by a SIGKILL — the refresh token left in the OS keyring
//! still works. Also a benchmark (ignored by default; `make bench-tiktok`): the peak memory of
//! `herald run` sending a 300 MB video.
//!
//! Uses the OS keyring: `make test` runs it inside a D-Bus session with GNOME Keyring; elsewhere
//! set `HERALD_TEST_REAL_KEYRING=1`.

mod common;

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use common::{keyring_enabled, kill_at, now, path, start_sandbox, Herald};
use herald_core::media::testing::{write_mp4, MinimalMp4};
use herald_sandbox::RunningSandbox;

/// Sets the sandbox's TikTok app and imports creator A with an access token about to expire.
fn import_creator(herald: &Herald, sandbox: &RunningSandbox, expires_in: u64) -> String {
    let tokens = sandbox.tokens();
    let mut set = herald
        .command(&[
            "apps",
            "set",
            "--platform",
            "tiktok",
            "--client-id",
            &tokens.tiktok_client_key,
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    set.stdin
        .take()
        .unwrap()
        .write_all(tokens.tiktok_client_secret.as_bytes())
        .unwrap();
    assert!(set.wait().unwrap().success());
    let creator = &tokens.tiktok_creators[0];
    let file = herald.dir.path().join("tiktok.json");
    std::fs::write(
        &file,
        format!(
            r#"{{"access_token":"{}","refresh_token":"{}","expires_in":{expires_in},"refresh_expires_in":31536000}}"#,
            creator.access_token, creator.refresh_token
        ),
    )
    .unwrap();
    let accounts = herald.json(&[
        "accounts",
        "import",
        "--platform",
        "tiktok",
        "--token-file",
        path(&file),
        "--json",
    ]);
    assert_eq!(accounts[0]["name"], "@sandbox.bakery", "{accounts}");
    accounts[0]["id"].to_string()
}

fn video(herald: &Herald, name: &str, bytes: u64) -> String {
    let file = herald.dir.path().join(name);
    write_mp4(
        &file,
        &MinimalMp4 {
            mdat_bytes: bytes,
            ..MinimalMp4::default()
        },
    )
    .unwrap();
    path(&file).to_owned()
}

#[test]
fn killed_right_after_a_rotating_refresh_the_keyring_holds_a_working_refresh_token() {
    if !keyring_enabled() {
        return;
    }
    let (sandbox, _runtime) = start_sandbox();
    let herald = Herald::with_sandbox(&sandbox);
    // Expires in 10 minutes: Herald refreshes before publishing.
    let account = import_creator(&herald, &sandbox, 600);
    let clip = video(&herald, "clip.mp4", 1_000_000);
    let post = herald.json(&[
        "posts",
        "create",
        "--account",
        &account,
        "--at",
        &now(),
        "--media",
        &clip,
        "--kind",
        "video",
        "--tiktok-privacy",
        "everyone",
        "--json",
    ]);
    kill_at(&herald, "tiktok.refresh.refresh_token_saved");
    // The seeded refresh token was rotated away at TikTok; only the one in the keyring works.
    let out = herald.run(&["run", "--until-idle"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = herald.json(&["posts", "show", &post["id"].to_string(), "--json"]);
    assert_eq!(shown["targets"][0]["status"], "published", "{shown}");
    let live = sandbox
        .live()
        .into_iter()
        .filter(|p| p.platform == "tiktok")
        .count();
    assert_eq!(live, 1);
}

#[test]
fn killed_mid_upload_the_next_run_resumes_at_the_confirmed_chunk() {
    if !keyring_enabled() {
        return;
    }
    let (sandbox, _runtime) = start_sandbox();
    let herald = Herald::with_sandbox(&sandbox);
    let account = import_creator(&herald, &sandbox, 86_400);
    let clip = video(&herald, "medium.mp4", 70_000_000);
    let post = herald.json(&[
        "posts",
        "create",
        "--account",
        &account,
        "--at",
        &now(),
        "--media",
        &clip,
        "--kind",
        "video",
        "--tiktok-privacy",
        "everyone",
        "--json",
    ]);
    kill_at(&herald, "tiktok.upload.after_chunk");
    // Killed after TikTok confirmed the first chunk: the post shows how far the upload got.
    let halfway = herald.json(&["posts", "show", &post["id"].to_string(), "--json"]);
    let upload = &halfway["targets"][0]["upload"];
    assert_eq!(upload["sent_bytes"], 10_000_000, "{halfway}");
    assert_eq!(
        upload["total_bytes"], halfway["media"][0]["size_bytes"],
        "{halfway}"
    );
    let out = herald.run(&["run", "--until-idle"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = herald.json(&["posts", "show", &post["id"].to_string(), "--json"]);
    assert_eq!(shown["targets"][0]["status"], "published", "{shown}");
    let uploads = sandbox.tiktok_uploads();
    assert_eq!(uploads.len(), 1, "the same upload was resumed: {uploads:?}");
    assert_eq!(uploads[0].chunks.len(), 7);
    let puts = sandbox
        .journal()
        .into_iter()
        .filter(|e| e.host == "tiktok-upload" && e.method == "PUT")
        .count();
    assert_eq!(puts, 7, "no chunk sent twice");
    let live = sandbox
        .live()
        .into_iter()
        .filter(|p| p.platform == "tiktok")
        .count();
    assert_eq!(live, 1);
}

#[test]
fn tiktok_posts_need_an_explicit_privacy_the_creator_offers() {
    if !keyring_enabled() {
        return;
    }
    let (sandbox, _runtime) = start_sandbox();
    let herald = Herald::with_sandbox(&sandbox);
    let account = import_creator(&herald, &sandbox, 86_400);
    let clip = video(&herald, "clip.mp4", 1_000_000);
    let err = herald.fails(&[
        "posts",
        "create",
        "--account",
        &account,
        "--at",
        &now(),
        "--media",
        &clip,
        "--kind",
        "video",
    ]);
    assert!(
        err.contains("Choose who can see this post on TikTok"),
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
        &clip,
        "--kind",
        "video",
        "--tiktok-privacy",
        "only-me",
        "--tiktok-branded-content",
    ]);
    assert!(
        err.contains("Branded content visibility cannot be set to private"),
        "{err}"
    );
    let created = herald.run(&[
        "posts",
        "create",
        "--account",
        &account,
        "--at",
        &now(),
        "--media",
        &clip,
        "--kind",
        "video",
        "--tiktok-privacy",
        "friends",
        "--tiktok-your-brand",
    ]);
    let stderr = String::from_utf8_lossy(&created.stderr);
    assert!(created.status.success(), "{stderr}");
    assert!(
        stderr.contains("By posting, you agree to TikTok's Music Usage Confirmation."),
        "{stderr}"
    );
    assert!(
        stderr.contains("Sandbox Bakery"),
        "the creator's nickname is shown: {stderr}"
    );
}

#[test]
fn disconnect_revokes_at_tiktok_empties_the_keyring_and_stops_pending_posts() {
    if !keyring_enabled() {
        return;
    }
    let (sandbox, _runtime) = start_sandbox();
    let herald = Herald::with_sandbox(&sandbox);
    let account = import_creator(&herald, &sandbox, 86_400);
    let clip = video(&herald, "clip.mp4", 1_000_000);
    let later = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(5)).to_string();
    let post = herald.json(&[
        "posts",
        "create",
        "--account",
        &account,
        "--at",
        &later,
        "--media",
        &clip,
        "--kind",
        "video",
        "--tiktok-privacy",
        "everyone",
        "--json",
    ]);
    let report = herald.json(&["accounts", "disconnect", &account, "--json"]);
    assert_eq!(report["revoked"], true, "{report}");
    assert_eq!(report["stopped_targets"], 1, "{report}");
    // The keyring has nothing left of this account (the real Secret Service).
    let vault = herald_core::vault::KeyringVault::new(herald.keyring_service());
    let id: i64 = account.parse().unwrap();
    for key in [
        herald_core::vault::SecretKey::AccessToken(id),
        herald_core::vault::SecretKey::RefreshToken(id),
    ] {
        assert!(
            herald_core::vault::Vault::load(&vault, &key)
                .unwrap()
                .is_none(),
            "{key:?} left"
        );
    }
    // TikTok no longer accepts the token: importing it again is refused.
    let file = herald.dir.path().join("tiktok.json");
    let err = herald.fails(&[
        "accounts",
        "import",
        "--platform",
        "tiktok",
        "--token-file",
        path(&file),
    ]);
    assert!(err.contains("TikTok refused the access token"), "{err}");
    let shown = herald.json(&["posts", "show", &post["id"].to_string(), "--json"]);
    assert_eq!(shown["targets"][0]["status"], "draft", "{shown}");
    let accounts = herald.json(&["accounts", "list", "--json"]);
    assert_eq!(accounts[0]["status"], "disconnected");
}

/// `make bench-tiktok`: peak memory (VmHWM) of `herald run` publishing a 300 MB video.
#[test]
#[ignore = "benchmark: make bench-tiktok"]
fn bench_peak_memory_of_herald_run_sending_a_300_mb_video() {
    if !keyring_enabled() {
        return;
    }
    let (sandbox, _runtime) = start_sandbox();
    let herald = Herald::with_sandbox(&sandbox);
    let account = import_creator(&herald, &sandbox, 86_400);
    let clip = video(&herald, "big.mp4", 300_000_000);
    herald.json(&[
        "posts",
        "create",
        "--account",
        &account,
        "--at",
        &now(),
        "--media",
        &clip,
        "--kind",
        "video",
        "--tiktok-privacy",
        "everyone",
        "--json",
    ]);
    let started = std::time::Instant::now();
    let mut child = herald
        .command(&["run", "--until-idle"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    while child.try_wait().unwrap().is_none() {
        if let Ok(status) = std::fs::read_to_string(&status_file) {
            if let Some(kb) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
            {
                peak_kb = peak_kb.max(kb);
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let upload = sandbox.tiktok_uploads().pop().unwrap();
    println!(
        "herald run: 300 MB video ({} chunks, complete: {}) in {:.1} s, peak RSS (VmHWM) {:.1} MiB",
        upload.chunks.len(),
        upload.complete,
        started.elapsed().as_secs_f64(),
        peak_kb as f64 / 1024.0
    );
}
