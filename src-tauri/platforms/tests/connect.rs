//! Signing in at each platform, end to end against the sandbox's OAuth pages: the browser is a
//! plain HTTP client that follows the platform's redirect, the way the hosted redirect page and
//! the OS hand the result back. Forged, replayed, late, cancelled and expired sign-ins are all
//! refused with a sentence; tokens land in the keyring; reconnecting reuses the account; the
//! Instagram token is refreshed once it is a day old; Facebook access is revoked with the last
//! Page.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::endpoints;
use herald_core::apps::DeveloperAppInput;
use herald_core::domain::{AccountStatus, Platform};
use herald_core::vault::{MemoryVault, Secret, SecretKey, Vault};
use herald_core::Store;
use herald_platforms::connect::{parse_callback, CallbackResult, Connector, OAuthCallback};
use herald_platforms::disconnect::disconnect_account;
use herald_platforms::{Endpoints, PlatformPublisher};
use herald_sandbox::{RunningSandbox, SandboxConfig, Seed};
use jiff::{SignedDuration, Timestamp};

const IG_REDIRECT: &str = "https://herald.example/oauth/instagram/";
const FB_REDIRECT: &str = "https://herald.example/oauth/facebook/";

struct World {
    sandbox: RunningSandbox,
    store: Store,
    vault: Arc<MemoryVault>,
    endpoints: Endpoints,
    connector: Connector,
    _dir: tempfile::TempDir,
}

impl World {
    async fn new() -> World {
        let sandbox = herald_sandbox::start(SandboxConfig {
            port: 0,
            seed: Seed::default(),
        })
        .await
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let vault = Arc::new(MemoryVault::new());
        let tokens = sandbox.tokens();
        for (platform, id, secret, redirect) in [
            (
                Platform::Instagram,
                tokens.instagram_app_id.clone(),
                tokens.instagram_app_secret.clone(),
                Some(IG_REDIRECT),
            ),
            (
                Platform::Facebook,
                tokens.facebook_app_id.clone(),
                tokens.facebook_app_secret.clone(),
                Some(FB_REDIRECT),
            ),
            (
                Platform::TikTok,
                tokens.tiktok_client_key.clone(),
                tokens.tiktok_client_secret.clone(),
                None,
            ),
        ] {
            store
                .set_developer_app(
                    &DeveloperAppInput {
                        platform,
                        client_id: &id,
                        redirect_uri: redirect,
                        secret: Some(&Secret::new(secret)),
                    },
                    vault.as_ref(),
                    Timestamp::now(),
                )
                .await
                .unwrap();
        }
        let endpoints = endpoints(&sandbox);
        let connector = Connector::new(store.clone(), vault.clone(), endpoints.clone());
        World {
            sandbox,
            store,
            vault,
            endpoints,
            connector,
            _dir: dir,
        }
    }

    /// The user's browser at the platform's sign-in page: `choice` is what the sandbox's
    /// user does (e.g. `&sandbox_decision=deny`). Returns where the platform sends the
    /// browser back.
    async fn browse(&self, authorize_url: &str, choice: &str) -> String {
        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let answer = browser
            .get(format!("{authorize_url}{choice}"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 302, "{}", answer.text().await.unwrap());
        answer.headers()["location"].to_str().unwrap().to_owned()
    }

    /// The callback the redirect page forwards for a browser sent back to `location`.
    fn callback(platform: Platform, redirect: &str, location: &str) -> OAuthCallback {
        let query = location
            .strip_prefix(redirect)
            .and_then(|rest| rest.strip_prefix('?'))
            .unwrap_or_else(|| panic!("sent back elsewhere: {location}"));
        parse_callback(platform, query).unwrap()
    }

    async fn sign_in_to_instagram(&self, choice: &str) -> OAuthCallback {
        let sign_in = self
            .connector
            .start_meta(Platform::Instagram, Timestamp::now())
            .await
            .unwrap();
        let location = self.browse(&sign_in.authorize_url, choice).await;
        World::callback(Platform::Instagram, IG_REDIRECT, &location)
    }

    fn keyring(&self, key: SecretKey) -> Option<Secret> {
        self.vault.load(&key).unwrap()
    }
}

#[tokio::test]
async fn instagram_sign_in_connects_once_and_reconnecting_reuses_the_account() {
    let w = World::new().await;
    let callback = w.sign_in_to_instagram("").await;
    let connected = w
        .connector
        .finish(&callback, Timestamp::now())
        .await
        .unwrap();
    assert_eq!(connected.accounts.len(), 1);
    let account = &connected.accounts[0];
    assert_eq!(account.platform, Platform::Instagram);
    assert_eq!(
        account.name,
        w.sandbox.tokens().instagram_accounts[0].username
    );
    assert!(connected
        .sentence()
        .starts_with("Connected Instagram account"));
    // A long-lived token (60 days) in the keyring, not the seeded one.
    let token = w.keyring(SecretKey::AccessToken(account.id)).unwrap();
    assert_ne!(
        token.expose(),
        w.sandbox.tokens().instagram_accounts[0].token
    );
    let expires: Timestamp = account
        .token_expires_at
        .as_deref()
        .unwrap()
        .parse()
        .unwrap();
    assert!(expires > Timestamp::now() + SignedDuration::from_hours(59 * 24));

    // The same link again is refused, and changes nothing.
    let replay = w
        .connector
        .finish(&callback, Timestamp::now())
        .await
        .unwrap_err();
    assert!(replay.to_string().contains("already used"), "{replay}");

    // Signing in again reconnects the same account (its posts stay with it).
    w.store
        .mark_needs_reconnect(account.id, "Instagram refused the token.")
        .await
        .unwrap();
    let again = w.sign_in_to_instagram("").await;
    let reconnected = w.connector.finish(&again, Timestamp::now()).await.unwrap();
    assert_eq!(reconnected.accounts[0].id, account.id);
    assert_eq!(reconnected.accounts[0].status, AccountStatus::Connected);
    assert_eq!(reconnected.accounts[0].reconnect_reason, None);
    assert_eq!(w.store.list_accounts().await.unwrap().len(), 1);
}

#[tokio::test]
async fn forged_late_and_cancelled_sign_ins_connect_nothing() {
    let w = World::new().await;
    // A callback whose state Herald never issued.
    let genuine = w.sign_in_to_instagram("").await;
    let forged = OAuthCallback {
        state: "ab".repeat(32),
        ..genuine.clone()
    };
    let err = w
        .connector
        .finish(&forged, Timestamp::now())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("did not start"), "{err}");

    // The genuine one, but more than 10 minutes after it started.
    let late = Timestamp::now() + SignedDuration::from_mins(11);
    let err = w.connector.finish(&genuine, late).await.unwrap_err();
    assert!(err.to_string().contains("10 minutes"), "{err}");

    // The user cancels at Instagram.
    let cancelled = w.sign_in_to_instagram("&sandbox_decision=deny").await;
    let err = w
        .connector
        .finish(&cancelled, Timestamp::now())
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("You cancelled the Instagram sign-in"),
        "{err}"
    );
    assert!(w.store.list_accounts().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_expired_code_and_a_wrong_secret_are_explained() {
    let w = World::new().await;
    let callback = w.sign_in_to_instagram("").await;
    // The browser took two hours to come back: Instagram's code lives one.
    w.sandbox.clock().advance(Duration::from_secs(2 * 3600));
    let err = w
        .connector
        .finish(&callback, Timestamp::now())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("no longer accepts this sign-in"),
        "{err}"
    );

    w.store
        .set_developer_app(
            &DeveloperAppInput {
                platform: Platform::Instagram,
                client_id: &w.sandbox.tokens().instagram_app_id,
                redirect_uri: Some(IG_REDIRECT),
                secret: Some(&Secret::new("not-the-secret")),
            },
            w.vault.as_ref(),
            Timestamp::now(),
        )
        .await
        .unwrap();
    let callback = w.sign_in_to_instagram("").await;
    let err = w
        .connector
        .finish(&callback, Timestamp::now())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("app id or secret"), "{err}");
    assert!(!err.to_string().contains("not-the-secret"));
    assert!(w.store.list_accounts().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_redirect_pages_address_can_be_pasted_instead_of_the_link() {
    let w = World::new().await;
    let sign_in = w
        .connector
        .start_meta(Platform::Instagram, Timestamp::now())
        .await
        .unwrap();
    let location = w.browse(&sign_in.authorize_url, "").await;
    // What the address bar shows on the redirect page (Meta's `#_` included).
    let connected = w
        .connector
        .finish_pasted(&location, Timestamp::now())
        .await
        .unwrap();
    assert_eq!(connected.platform, Platform::Instagram);
    let err = w
        .connector
        .finish_pasted("https://evil.example/?code=x", Timestamp::now())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("not a Herald sign-in link"),
        "{err}"
    );
}

#[tokio::test]
async fn facebook_sign_in_connects_every_page_and_the_last_disconnect_revokes() {
    let w = World::new().await;
    let sign_in = w
        .connector
        .start_meta(Platform::Facebook, Timestamp::now())
        .await
        .unwrap();
    let location = w.browse(&sign_in.authorize_url, "").await;
    assert!(location.ends_with("#_"), "Meta's suffix: {location}");
    let callback = World::callback(Platform::Facebook, FB_REDIRECT, &location);
    let connected = w
        .connector
        .finish(&callback, Timestamp::now())
        .await
        .unwrap();
    let user = &w.sandbox.tokens().facebook_users[0];
    assert_eq!(connected.accounts.len(), user.page_ids.len());
    assert!(
        connected.accounts.len() >= 2,
        "the seed's user manages two Pages"
    );
    for page in &connected.accounts {
        assert!(w.keyring(SecretKey::AccessToken(page.id)).is_some());
        assert!(w.keyring(SecretKey::LoginToken(page.id)).is_some());
        assert_eq!(page.token_expires_at, None, "Page tokens do not expire");
    }

    // Cancelling at Facebook's dialog.
    let sign_in = w
        .connector
        .start_meta(Platform::Facebook, Timestamp::now())
        .await
        .unwrap();
    let location = w
        .browse(&sign_in.authorize_url, "&sandbox_decision=deny")
        .await;
    let cancelled = World::callback(Platform::Facebook, FB_REDIRECT, &location);
    let err = w
        .connector
        .finish(&cancelled, Timestamp::now())
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("You cancelled the Facebook sign-in"),
        "{err}"
    );

    let publisher = PlatformPublisher::new(&w.endpoints, w.vault.clone());
    let first = &connected.accounts[0];
    let report = disconnect_account(
        &w.store,
        w.vault.clone(),
        &publisher,
        &w.endpoints,
        first.id,
        false,
        Timestamp::now(),
    )
    .await
    .unwrap();
    assert_eq!(
        report.revoked, None,
        "another Page of the user is still connected"
    );
    assert!(
        report.notes[0].contains("stays granted"),
        "{:?}",
        report.notes
    );
    for key in SecretKey::of_account(first.id) {
        assert!(w.keyring(key).is_none());
    }

    let last = &connected.accounts[connected.accounts.len() - 1];
    let page_token = w.keyring(SecretKey::AccessToken(last.id)).unwrap();
    let report = disconnect_account(
        &w.store,
        w.vault.clone(),
        &publisher,
        &w.endpoints,
        last.id,
        false,
        Timestamp::now(),
    )
    .await
    .unwrap();
    assert_eq!(report.revoked, Some(true));
    for key in SecretKey::of_account(last.id) {
        assert!(w.keyring(key).is_none());
    }
    // Facebook no longer accepts the Page's token.
    let graph = reqwest::Client::new()
        .get(format!("{}/v25.0/me", w.endpoints.facebook_graph))
        .bearer_auth(page_token.expose())
        .send()
        .await
        .unwrap();
    assert_eq!(graph.status(), 400);
    assert!(graph.text().await.unwrap().contains("190"));
}

#[tokio::test]
async fn tiktok_sign_in_comes_back_to_the_loopback_with_pkce() {
    let w = World::new().await;
    let (sign_in, waiting) = w.connector.start_tiktok(Timestamp::now()).await.unwrap();
    let url = url::Url::parse(&sign_in.authorize_url).unwrap();
    let params: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    let redirect = params["redirect_uri"].clone();
    assert!(redirect.starts_with("http://127.0.0.1:") && redirect.ends_with("/callback/"));
    assert_eq!(params["code_challenge"].len(), 64, "hex SHA-256");
    assert_eq!(params["code_challenge_method"], "S256");

    let finishing = tokio::spawn(waiting.finish(Duration::from_secs(30)));
    // Something else on this machine calls the listener first: it is turned away.
    let stranger = reqwest::get(format!("{redirect}?code=x&state={}", "0".repeat(64)))
        .await
        .unwrap();
    assert_eq!(stranger.status(), 400);
    // The browser follows TikTok's redirect back to the listener.
    let page = reqwest::get(&sign_in.authorize_url).await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Herald is connected to TikTok"), "{page}");
    let connected = finishing.await.unwrap().unwrap();
    let account = &connected.accounts[0];
    assert_eq!(account.platform, Platform::TikTok);
    assert!(w.keyring(SecretKey::AccessToken(account.id)).is_some());
    assert!(w.keyring(SecretKey::RefreshToken(account.id)).is_some());
    assert!(w.store.tiktok_creator(account.id).await.unwrap().is_some());
    // The listener is gone after one use.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(reqwest::get(&redirect).await.is_err());
}

#[tokio::test]
async fn a_cancelled_tiktok_sign_in_says_so_in_the_browser_and_in_herald() {
    let w = World::new().await;
    let (sign_in, waiting) = w.connector.start_tiktok(Timestamp::now()).await.unwrap();
    let finishing = tokio::spawn(waiting.finish(Duration::from_secs(30)));
    let page = reqwest::get(format!("{}&sandbox_decision=deny", sign_in.authorize_url))
        .await
        .unwrap();
    assert_eq!(page.status(), 400);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("You cancelled the TikTok sign-in"));
    let err = finishing.await.unwrap().unwrap_err();
    assert!(err.to_string().starts_with("You cancelled"), "{err}");
    assert!(w.store.list_accounts().await.unwrap().is_empty());

    // Nobody comes back: Herald stops waiting.
    let (_, waiting) = w.connector.start_tiktok(Timestamp::now()).await.unwrap();
    let err = waiting
        .finish(Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not finished in time"), "{err}");
}

#[tokio::test]
async fn instagram_tokens_are_refreshed_after_a_day_and_a_refused_one_asks_for_a_reconnect() {
    let w = World::new().await;
    let callback = w.sign_in_to_instagram("").await;
    let account = w
        .connector
        .finish(&callback, Timestamp::now())
        .await
        .unwrap()
        .accounts[0]
        .clone();
    let first = w.keyring(SecretKey::AccessToken(account.id)).unwrap();
    let publisher = PlatformPublisher::new(&w.endpoints, w.vault.clone()).with_store(
        w.store.clone(),
        std::env::temp_dir(),
        &w.endpoints,
    );

    // Under a day old: left alone.
    assert!(publisher
        .refresh_instagram_tokens(Timestamp::now())
        .await
        .is_empty());
    assert_eq!(
        w.keyring(SecretKey::AccessToken(account.id)).unwrap(),
        first
    );

    // A day later: refreshed; the new token is stored and works, the old one is retired.
    w.sandbox.clock().advance(Duration::from_secs(25 * 3600));
    let later = Timestamp::now() + SignedDuration::from_hours(25);
    assert!(publisher.refresh_instagram_tokens(later).await.is_empty());
    let second = w.keyring(SecretKey::AccessToken(account.id)).unwrap();
    assert_ne!(second, first);
    let after = w.store.account(account.id).await.unwrap();
    let expires: Timestamp = after.token_expires_at.as_deref().unwrap().parse().unwrap();
    assert!(expires > later + SignedDuration::from_hours(59 * 24));

    // Instagram refuses the token (revoked in the app): the account needs reconnecting.
    w.vault
        .store(
            &SecretKey::AccessToken(account.id),
            &Secret::new("revoked-token"),
        )
        .unwrap();
    let much_later = later + SignedDuration::from_hours(25);
    w.sandbox.clock().advance(Duration::from_secs(25 * 3600));
    let lost = publisher.refresh_instagram_tokens(much_later).await;
    assert_eq!(lost.len(), 1);
    assert!(lost[0].1.contains("Reconnect"), "{}", lost[0].1);
    let account = w.store.account(account.id).await.unwrap();
    assert_eq!(account.status, AccountStatus::NeedsReconnect);
    assert!(account.reconnect_reason.is_some());
}

#[tokio::test]
async fn no_sign_in_without_the_users_own_app() {
    let w = World::new().await;
    w.store
        .remove_developer_app(Platform::Instagram, w.vault.as_ref())
        .await
        .unwrap();
    let err = w
        .connector
        .start_meta(Platform::Instagram, Timestamp::now())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Settings → Platforms"), "{err}");
}

/// Everything a sign-in logs, at every level, for the test's thread.
#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn sign_ins_log_no_code_state_or_token() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let w = World::new().await;

    let callback = w.sign_in_to_instagram("").await;
    let account = w
        .connector
        .finish(&callback, Timestamp::now())
        .await
        .unwrap()
        .accounts[0]
        .clone();
    let _ = w.connector.finish(&callback, Timestamp::now()).await;
    let (sign_in, waiting) = w.connector.start_tiktok(Timestamp::now()).await.unwrap();
    let finishing = tokio::spawn(waiting.finish(Duration::from_secs(30)));
    let page = reqwest::get(&sign_in.authorize_url).await.unwrap();
    assert_eq!(page.status(), 200);
    let tiktok = finishing.await.unwrap().unwrap().accounts[0].clone();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("sign-in finished"), "{logs}");
    assert!(logs.contains("refused a sign-in callback"), "{logs}");
    let CallbackResult::Code(code) = &callback.result else {
        panic!("no code")
    };
    let tiktok_state = url::Url::parse(&sign_in.authorize_url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let mut secrets = vec![
        code.expose().to_owned(),
        callback.state.clone(),
        tiktok_state,
        w.sandbox.tokens().instagram_app_secret.clone(),
        w.sandbox.tokens().tiktok_client_secret.clone(),
    ];
    for key in [
        SecretKey::AccessToken(account.id),
        SecretKey::AccessToken(tiktok.id),
        SecretKey::RefreshToken(tiktok.id),
    ] {
        secrets.push(w.keyring(key).unwrap().expose().to_owned());
    }
    for secret in secrets {
        assert!(!logs.contains(&secret), "a secret reached the log");
    }
}
