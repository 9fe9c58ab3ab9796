//! `herald apps set` and `herald accounts connect|complete|disconnect` against the sandbox's
//! sign-in pages and the real OS keyring (Secret Service in a D-Bus session): the app secret and
//! the tokens live only in the keyring, the sign-in address goes to standard output, the link
//! the redirect page offers is pasted on standard input, and disconnecting the last Page leaves
//! no keyring entry behind and stops its pending posts.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use common::{keyring_enabled, start_sandbox, Herald};
use herald_core::vault::{KeyringVault, SecretKey, Vault};

const FB_REDIRECT: &str = "https://herald.example/oauth/facebook/";

/// Stores the sandbox's Facebook app as the user's own (secret on standard input).
fn set_facebook_app(herald: &Herald, app_id: &str, secret: &str) {
    let mut child = herald
        .command(&[
            "apps",
            "set",
            "--platform",
            "facebook",
            "--client-id",
            app_id,
            "--redirect-uri",
            FB_REDIRECT,
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(secret.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The browser: follows the sign-in page to where Facebook sends it back.
fn approve(url: &str) -> String {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let answer = browser.get(url).send().await.unwrap();
        assert_eq!(answer.status(), 302);
        answer.headers()["location"].to_str().unwrap().to_owned()
    })
}

#[test]
fn connect_pastes_the_redirect_and_disconnect_leaves_nothing_in_the_keyring() {
    if !keyring_enabled() {
        return;
    }
    let (sandbox, _runtime) = start_sandbox();
    let herald = Herald::with_sandbox(&sandbox);
    let tokens = sandbox.tokens();
    set_facebook_app(
        &herald,
        &tokens.facebook_app_id,
        &tokens.facebook_app_secret,
    );
    let apps = herald.json(&["apps", "list", "--json"]);
    assert_eq!(apps[0]["redirect_uri"], FB_REDIRECT, "{apps}");
    assert!(!apps.to_string().contains(&tokens.facebook_app_secret));

    let mut connect = herald
        .command(&["accounts", "connect", "facebook", "--no-browser", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(connect.stdout.take().unwrap());
    let mut url = String::new();
    stdout.read_line(&mut url).unwrap();
    assert!(url.contains("/facebook-www/v25.0/dialog/oauth?"), "{url}");
    // The redirect page's address as the browser shows it, pasted back.
    let location = approve(url.trim());
    writeln!(connect.stdin.take().unwrap(), "{location}").unwrap();
    let out = connect.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    let pages: serde_json::Value = serde_json::from_str(&rest).unwrap();
    let ids: Vec<i64> = pages
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{pages}");

    // Pasting the same address again is refused: it was used.
    let again = herald.fails(&["accounts", "complete", &location]);
    assert!(again.contains("already used"), "{again}");

    // Nothing secret in the database.
    let db = std::fs::read(herald.dir.path().join("herald.db")).unwrap();
    let text = String::from_utf8_lossy(&db);
    assert!(!text.contains(&tokens.facebook_app_secret));
    assert!(!text.contains(tokens.user_token()));

    let later = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(3)).to_string();
    let post = herald.json(&[
        "posts",
        "create",
        "--account",
        &ids[1].to_string(),
        "--at",
        &later,
        "--caption",
        "Waits for its Page",
        "--json",
    ]);
    let vault = KeyringVault::new(herald.keyring_service());
    for id in &ids {
        assert!(vault.load(&SecretKey::AccessToken(*id)).unwrap().is_some());
        assert!(vault.load(&SecretKey::LoginToken(*id)).unwrap().is_some());
    }
    let first = herald.json(&["accounts", "disconnect", &ids[0].to_string(), "--json"]);
    assert_eq!(first["revoked"], serde_json::Value::Null, "{first}");
    let last = herald.json(&["accounts", "disconnect", &ids[1].to_string(), "--json"]);
    assert_eq!(last["revoked"], true, "{last}");
    assert_eq!(last["stopped_targets"], 1, "{last}");
    for id in &ids {
        for key in SecretKey::of_account(*id) {
            assert!(
                vault.load(&key).unwrap().is_none(),
                "{key:?} left in the keyring"
            );
        }
    }
    let shown = herald.json(&["posts", "show", &post["id"].to_string(), "--json"]);
    assert_eq!(shown["targets"][0]["status"], "draft", "{shown}");
    herald.run(&["apps", "remove", "--platform", "facebook"]);
    assert!(vault
        .load(&SecretKey::AppSecret(
            herald_core::domain::Platform::Facebook
        ))
        .unwrap()
        .is_none());
}
