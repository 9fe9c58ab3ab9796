//! Sign-in flows over real HTTP: the authorize pages of www.instagram.com, www.tiktok.com and
//! www.facebook.com (`/instagram-www`, `/tiktok-www`, `/facebook-www`), the code exchanges,
//! Instagram's long-lived token and refresh, and what the app does with the tokens after.

mod common;

use std::time::Duration;

use common::*;
use herald_sandbox::{FaultAction, FaultRule};
use serde_json::{json, Value};

const IG_REDIRECT: &str = "https://herald.test/oauth/instagram/";
const FB_REDIRECT: &str = "https://herald.test/oauth/facebook/";
const TT_REDIRECT: &str = "http://127.0.0.1:53682/callback/";
const STATE: &str = "st4te-0123456789abcdef";
const IG_SCOPES: &str = "instagram_business_basic,instagram_business_content_publish";
/// The TikTok notes' PKCE test vector (§1.2).
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "13d31e961a1ad8ec2f16b10c4c982e0876a878ad6df144566ee1894acb70f9c3";
const LONG_LIVED: i64 = 5_183_944;

/// A sandbox, and a client that does not follow redirects (the browser's part is the test's).
struct Auth {
    e: Env,
    browser: reqwest::Client,
    base: String,
}

/// What a sign-in page answered: the status, the raw `Location` and the body.
struct Page {
    status: u16,
    location: Option<String>,
    body: String,
}

impl Page {
    /// The redirect target, parsed (panics unless this was a redirect).
    fn target(&self) -> reqwest::Url {
        let location = self.location.as_deref().expect("a Location header");
        reqwest::Url::parse(location).expect("an absolute Location")
    }

    /// A decoded query parameter of the redirect target.
    fn param(&self, name: &str) -> Option<String> {
        self.target()
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// An error page: HTTP 400, no redirect.
    fn assert_refused(&self, says: &str) {
        assert_eq!(self.status, 400, "{}", self.body);
        assert!(self.location.is_none(), "{:?}", self.location);
        assert!(self.body.contains(says), "{}", self.body);
    }
}

async fn auth() -> Auth {
    let e = sandbox().await;
    let base = e.sb.base_url();
    Auth {
        browser: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client"),
        e,
        base,
    }
}

/// A query string from pairs, encoded.
fn query(pairs: &[(&str, &str)]) -> String {
    let mut q = form_urlencoded_pairs(pairs);
    if !q.is_empty() {
        q.insert(0, '?');
    }
    q
}

fn form_urlencoded_pairs(pairs: &[(&str, &str)]) -> String {
    let mut url = reqwest::Url::parse("http://x.invalid/").expect("url");
    url.query_pairs_mut().extend_pairs(pairs);
    url.query().unwrap_or("").to_string()
}

/// Replace or add `name=value` in a list of pairs.
fn with<'a>(
    pairs: &[(&'a str, &'a str)],
    name: &'a str,
    value: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut out: Vec<(&str, &str)> = pairs.iter().filter(|(k, _)| *k != name).cloned().collect();
    out.push((name, value));
    out
}

/// The pairs without `name`.
fn without<'a>(pairs: &[(&'a str, &'a str)], name: &str) -> Vec<(&'a str, &'a str)> {
    pairs.iter().filter(|(k, _)| *k != name).cloned().collect()
}

fn ig_authorize_params(app_id: &str) -> Vec<(&str, &str)> {
    vec![
        ("client_id", app_id),
        ("redirect_uri", IG_REDIRECT),
        ("response_type", "code"),
        ("scope", IG_SCOPES),
        ("state", STATE),
    ]
}

fn tt_authorize_params(client_key: &str) -> Vec<(&str, &str)> {
    vec![
        ("client_key", client_key),
        ("response_type", "code"),
        ("scope", "user.info.basic,video.publish,video.upload"),
        ("redirect_uri", TT_REDIRECT),
        ("state", STATE),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]
}

fn fb_dialog_params(app_id: &str) -> Vec<(&str, &str)> {
    vec![
        ("client_id", app_id),
        ("redirect_uri", FB_REDIRECT),
        ("state", STATE),
        ("response_type", "code"),
        (
            "scope",
            "pages_show_list,pages_manage_posts,pages_read_engagement",
        ),
    ]
}

impl Auth {
    /// Open a sign-in page (`path` after the base URL) as a browser would.
    async fn open(&self, path: &str, pairs: &[(&str, &str)]) -> Page {
        let r = self
            .browser
            .get(format!("{}{path}{}", self.base, query(pairs)))
            .send()
            .await
            .expect("GET");
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = r.text().await.unwrap_or_default();
        Page {
            status,
            location,
            body,
        }
    }

    fn ig_app(&self) -> (String, String) {
        (
            self.e.t.instagram_app_id.clone(),
            self.e.t.instagram_app_secret.clone(),
        )
    }

    /// Approve on Instagram's page (extra pairs added); the code.
    async fn ig_code(&self, extra: &[(&str, &str)]) -> String {
        let (app_id, _) = self.ig_app();
        let mut pairs = ig_authorize_params(&app_id);
        pairs.extend_from_slice(extra);
        let page = self.open("/instagram-www/oauth/authorize", &pairs).await;
        assert_eq!(page.status, 302, "{}", page.body);
        page.param("code").expect("code")
    }

    /// `POST /instagram-api/oauth/access_token` (form).
    async fn ig_exchange(&self, code: &str, redirect_uri: &str) -> (u16, Value) {
        let (app_id, secret) = self.ig_app();
        self.e
            .post(
                &format!("{}/instagram-api/oauth/access_token", self.base),
                &[
                    ("client_id", app_id.as_str()),
                    ("client_secret", secret.as_str()),
                    ("grant_type", "authorization_code"),
                    ("redirect_uri", redirect_uri),
                    ("code", code),
                ],
            )
            .await
    }

    /// `GET /instagram-graph/access_token?grant_type=ig_exchange_token…`.
    async fn ig_long_lived(&self, short: &str, secret: &str) -> (u16, Value) {
        self.e
            .get(&format!(
                "{}/instagram-graph/access_token{}",
                self.base,
                query(&[
                    ("grant_type", "ig_exchange_token"),
                    ("client_secret", secret),
                    ("access_token", short),
                ])
            ))
            .await
    }

    /// `GET /instagram-graph/refresh_access_token?grant_type=ig_refresh_token…`.
    async fn ig_refresh(&self, token: &str) -> (u16, Value) {
        self.e
            .get(&format!(
                "{}/instagram-graph/refresh_access_token{}",
                self.base,
                query(&[("grant_type", "ig_refresh_token"), ("access_token", token)])
            ))
            .await
    }

    /// `GET /instagram-graph/v25.0/me` with a Bearer token.
    async fn ig_me(&self, token: &str) -> (u16, Value) {
        json_of(
            self.e
                .http
                .get(format!(
                    "{}/instagram-graph/v25.0/me?fields=user_id,username",
                    self.base
                ))
                .bearer_auth(token)
                .send()
                .await
                .expect("GET"),
        )
        .await
    }

    /// The whole Instagram sign-in: a long-lived token for the account that approves.
    async fn ig_long_lived_token(&self, extra: &[(&str, &str)]) -> String {
        let code = self.ig_code(extra).await;
        let (s, v) = self.ig_exchange(&code, IG_REDIRECT).await;
        assert_eq!(s, 200, "{v}");
        let short = v["data"][0]["access_token"]
            .as_str()
            .expect("token")
            .to_string();
        let (_, secret) = self.ig_app();
        let (s, v) = self.ig_long_lived(&short, &secret).await;
        assert_eq!(s, 200, "{v}");
        v["access_token"].as_str().expect("token").to_string()
    }

    fn advance(&self, secs: u64) {
        self.e.sb.clock().advance(Duration::from_secs(secs));
    }

    /// Approve on TikTok's page (extra pairs replace or add to the standard ones).
    async fn tt_page(&self, extra: &[(&str, &str)]) -> Page {
        let key = self.e.t.tiktok_client_key.clone();
        let mut pairs = tt_authorize_params(&key);
        for (k, v) in extra {
            pairs = with(&pairs, k, v);
        }
        self.open("/tiktok-www/v2/auth/authorize/", &pairs).await
    }

    /// `POST /tiktok/v2/oauth/token/` for a code.
    async fn tt_exchange(&self, code: &str, redirect_uri: &str, verifier: &str) -> (u16, Value) {
        self.e
            .post(
                &format!("{}/tiktok/v2/oauth/token/", self.base),
                &[
                    ("client_key", self.e.t.tiktok_client_key.as_str()),
                    ("client_secret", self.e.t.tiktok_client_secret.as_str()),
                    ("code", code),
                    ("grant_type", "authorization_code"),
                    ("redirect_uri", redirect_uri),
                    ("code_verifier", verifier),
                ],
            )
            .await
    }

    /// A TikTok v2 call with a Bearer token.
    async fn tt_call(&self, method: reqwest::Method, path: &str, token: &str) -> (u16, Value) {
        let mut req = self
            .e
            .http
            .request(method.clone(), format!("{}/tiktok{path}", self.base))
            .bearer_auth(token);
        if method == reqwest::Method::POST {
            req = req.json(&json!({}));
        }
        json_of(req.send().await.expect("call")).await
    }

    /// Open Facebook's Login dialog on the www host.
    async fn fb_dialog(&self, extra: &[(&str, &str)]) -> Page {
        let app_id = self.e.t.facebook_app_id.clone();
        let mut pairs = fb_dialog_params(&app_id);
        for (k, v) in extra {
            pairs = with(&pairs, k, v);
        }
        self.open("/facebook-www/v25.0/dialog/oauth", &pairs).await
    }

    /// Facebook's code exchange.
    async fn fb_exchange(&self, code: &str, redirect_uri: &str) -> (u16, Value) {
        self.e
            .get(&format!(
                "{}/oauth/access_token{}",
                self.e.fb,
                query(&[
                    ("client_id", self.e.t.facebook_app_id.as_str()),
                    ("client_secret", self.e.t.facebook_app_secret.as_str()),
                    ("redirect_uri", redirect_uri),
                    ("code", code),
                ])
            ))
            .await
    }
}

fn assert_ig_api_error(s: u16, v: &Value, message: &str) {
    assert_eq!(s, 400, "{v}");
    assert_eq!(
        *v,
        json!({"error_type": "OAuthException", "code": 400, "error_message": message})
    );
}

fn assert_tt_oauth_error(s: u16, v: &Value, error: &str) {
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["error"], error, "{v}");
    assert!(v["error_description"].is_string(), "{v}");
    assert!(v.get("access_token").is_none(), "{v}");
}

// ---- Instagram -------------------------------------------------------------------------------

#[tokio::test]
async fn instagram_sign_in_to_long_lived_token_that_publishes() {
    let a = auth().await;
    assert_eq!(a.e.t.instagram_app_id, "990000000000001");
    assert_eq!(a.e.t.instagram_app_secret, "sandbox-instagram-secret");
    let (app_id, secret) = a.ig_app();
    let page = a
        .open(
            "/instagram-www/oauth/authorize",
            &ig_authorize_params(&app_id),
        )
        .await;
    assert_eq!(page.status, 302, "{}", page.body);
    let location = page.location.clone().expect("Location");
    assert!(
        location.starts_with(&format!("{IG_REDIRECT}?code=AQB")),
        "{location}"
    );
    assert!(
        location.ends_with(&format!("&state={STATE}#_")),
        "{location}"
    );
    assert_eq!(page.target().fragment(), Some("_"));
    let code = page.param("code").expect("code");
    assert!(code.len() >= 40, "{code}");
    assert!(code.contains('-') || code.contains('_'), "{code}");
    assert!(code
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));

    let (s, v) = a.ig_exchange(&code, IG_REDIRECT).await;
    assert_eq!(s, 200, "{v}");
    let entry = &v["data"][0];
    let short = entry["access_token"].as_str().expect("token").to_string();
    assert_eq!(entry["user_id"], "27000000000000001", "{v}");
    let permissions = entry["permissions"].as_str().expect("permissions");
    assert!(permissions
        .split(',')
        .any(|p| p == "instagram_business_content_publish"));
    assert!(permissions
        .split(',')
        .any(|p| p == "instagram_business_basic"));

    // the short-lived token works for /me
    let (s, v) = a.ig_me(&short).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["username"], "sandbox.bakery");
    assert_eq!(v["user_id"], "17841400000000001");

    // → long-lived: a new string, ~60 days
    let (s, v) = a.ig_long_lived(&short, "wrong-secret").await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 101, None);
    let (s, v) = a.ig_long_lived(&short, &secret).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["token_type"], "bearer");
    assert_eq!(v["expires_in"], LONG_LIVED);
    let long = v["access_token"].as_str().expect("token").to_string();
    assert_ne!(long, short);
    assert_ne!(long, a.e.t.instagram_token(0));
    // a long-lived token is not exchanged again
    let (_, v) = a.ig_long_lived(&long, &secret).await;
    assert_graph_error(&v, 190, Some(467));
    let (_, v) = a.ig_long_lived("IGAA-forged", &secret).await;
    assert_graph_error(&v, 190, Some(467));

    // the long-lived token publishes: a reel by resumable upload, then media_publish
    let ig = format!("{}/instagram-graph/v25.0", a.base);
    let (s, v) = json_of(
        a.e.http
            .post(format!("{ig}/me/media"))
            .bearer_auth(&long)
            .json(
                &json!({"media_type": "REELS", "upload_type": "resumable", "caption": "Signed in"}),
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let container = v["id"].as_str().unwrap().to_string();
    let uri = v["uri"].as_str().unwrap().to_string();
    let bytes = mp4(20_000);
    let (s, v) = json_of(
        a.e.http
            .post(&uri)
            .header("authorization", format!("OAuth {long}"))
            .header("offset", "0")
            .header("file_size", bytes.len().to_string())
            .body(bytes)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    eventually(10, || {
        let url = format!("{ig}/{container}?fields=status_code&access_token={long}");
        let e = &a.e;
        async move {
            let (_, v) = e.get(&url).await;
            (v["status_code"] == "FINISHED").then_some(())
        }
    })
    .await;
    let (s, v) = json_of(
        a.e.http
            .post(format!("{ig}/me/media_publish"))
            .bearer_auth(&long)
            .json(&json!({"creation_id": container}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let live = a.e.sb.live();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].platform, "instagram");
    assert_eq!(live[0].account_id, "17841400000000001");
    // the seeded token still works as before
    let (s, _) = a.ig_me(a.e.t.instagram_token(0)).await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn instagram_other_user_and_multipart_exchange() {
    let a = auth().await;
    let code = a.ig_code(&[("sandbox_user", "sandbox.studio")]).await;
    let (app_id, secret) = a.ig_app();
    let form = reqwest::multipart::Form::new()
        .text("client_id", app_id)
        .text("client_secret", secret)
        .text("grant_type", "authorization_code")
        .text("redirect_uri", IG_REDIRECT)
        .text("code", code);
    let (s, v) = json_of(
        a.e.http
            .post(format!("{}/instagram-api/oauth/access_token", a.base))
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"][0]["user_id"], "27000000000000002");
    let short = v["data"][0]["access_token"].as_str().unwrap().to_string();
    let (_, me) = a.ig_me(&short).await;
    assert_eq!(me["username"], "sandbox.studio");
    // studio was not granted comments: the permissions say so
    let perms = v["data"][0]["permissions"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        !perms.contains("instagram_business_manage_comments"),
        "{perms}"
    );
    // sandbox_user also takes the IG user id
    let long = a
        .ig_long_lived_token(&[("sandbox_user", "17841400000000002")])
        .await;
    let (_, v) = a.ig_me(&long).await;
    assert_eq!(v["username"], "sandbox.studio");
}

#[tokio::test]
async fn instagram_authorize_refuses_bad_requests_and_reports_a_denial() {
    let a = auth().await;
    let (app_id, _) = a.ig_app();
    let good = ig_authorize_params(&app_id);
    let path = "/instagram-www/oauth/authorize";
    // the Facebook App ID is not the Instagram App ID
    let fb_app = a.e.t.facebook_app_id.clone();
    a.open(path, &with(&good, "client_id", &fb_app))
        .await
        .assert_refused("Invalid platform app");
    a.open(path, &without(&good, "client_id"))
        .await
        .assert_refused("Invalid platform app");
    a.open(path, &without(&good, "redirect_uri"))
        .await
        .assert_refused("redirect_uri");
    a.open(path, &with(&good, "response_type", "token"))
        .await
        .assert_refused("response_type");
    a.open(
        path,
        &with(&good, "scope", "instagram_business_content_publish"),
    )
    .await
    .assert_refused("instagram_business_basic");
    a.open(path, &without(&good, "scope"))
        .await
        .assert_refused("instagram_business_basic");
    a.open(path, &with(&good, "sandbox_user", "nobody"))
        .await
        .assert_refused("sandbox_user");

    // the user cancels
    let page = a.open(path, &with(&good, "sandbox_decision", "deny")).await;
    assert_eq!(page.status, 302);
    assert_eq!(
        page.location.as_deref(),
        Some(
            format!(
                "{IG_REDIRECT}?error=access_denied&error_reason=user_denied&error_description=Permissions+error&state={STATE}#_"
            )
            .as_str()
        )
    );
    assert!(page.param("code").is_none());

    // a redirect URI with a query gets `&`; no state, no state parameter
    let page = a
        .open(
            path,
            &without(
                &with(&good, "redirect_uri", "https://herald.test/cb?x=1"),
                "state",
            ),
        )
        .await;
    assert_eq!(page.status, 302, "{}", page.body);
    let location = page.location.clone().unwrap();
    assert!(
        location.starts_with("https://herald.test/cb?x=1&code=AQB"),
        "{location}"
    );
    assert!(!location.contains("state="), "{location}");
    assert!(location.ends_with("#_"));
}

#[tokio::test]
async fn instagram_codes_are_single_use_bound_and_expire() {
    let a = auth().await;
    // forged
    let (s, v) = a
        .ig_exchange(
            "AQBforged-code_0123456789012345678901234567890",
            IG_REDIRECT,
        )
        .await;
    assert_ig_api_error(s, &v, "Matching code was not found or was already used");
    let (s, v) = a.ig_exchange("", IG_REDIRECT).await;
    assert_ig_api_error(s, &v, "Matching code was not found or was already used");

    // replayed after a success
    let code = a.ig_code(&[]).await;
    let (s, _) = a.ig_exchange(&code, IG_REDIRECT).await;
    assert_eq!(s, 200);
    let (s, v) = a.ig_exchange(&code, IG_REDIRECT).await;
    assert_ig_api_error(s, &v, "Matching code was not found or was already used");

    // another redirect_uri: refused, and the code is spent
    let code = a.ig_code(&[]).await;
    let (s, v) = a
        .ig_exchange(&code, "https://herald.test/oauth/instagram")
        .await;
    assert_ig_api_error(s, &v, "Matching code was not found or was already used");
    let (s, v) = a.ig_exchange(&code, IG_REDIRECT).await;
    assert_ig_api_error(s, &v, "Matching code was not found or was already used");

    // a wrong client
    let (app_id, secret) = a.ig_app();
    let code = a.ig_code(&[]).await;
    let exchange = |client_id: &str, client_secret: &str, grant: &str, code: &str| {
        let url = format!("{}/instagram-api/oauth/access_token", a.base);
        let form: Vec<(String, String)> = [
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("grant_type", grant),
            ("redirect_uri", IG_REDIRECT),
            ("code", code),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let e = &a.e;
        async move { json_of(e.http.post(url).form(&form).send().await.unwrap()).await }
    };
    let (s, v) = exchange(&app_id, "wrong", "authorization_code", &code).await;
    assert_ig_api_error(s, &v, "Error validating client secret");
    let code = a.ig_code(&[]).await;
    let fb_app = a.e.t.facebook_app_id.clone();
    let (s, v) = exchange(&fb_app, &secret, "authorization_code", &code).await;
    assert_ig_api_error(s, &v, "Invalid platform app");
    let code = a.ig_code(&[]).await;
    let (s, v) = exchange(&app_id, &secret, "client_credentials", &code).await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["error_type"], "OAuthException");

    // expired: a code lives one hour
    let code = a.ig_code(&[]).await;
    let fresh = a.ig_code(&[]).await;
    a.advance(59 * 60);
    let (s, _) = a.ig_exchange(&fresh, IG_REDIRECT).await;
    assert_eq!(s, 200);
    a.advance(61);
    let (s, v) = a.ig_exchange(&code, IG_REDIRECT).await;
    assert_ig_api_error(s, &v, "This authorization code has expired");
    // … and it is spent too
    let (s, v) = a.ig_exchange(&code, IG_REDIRECT).await;
    assert_ig_api_error(s, &v, "Matching code was not found or was already used");
}

#[tokio::test]
async fn instagram_refresh_after_24_hours_retires_the_old_token() {
    let a = auth().await;
    let long = a.ig_long_lived_token(&[]).await;
    let too_young = json!({"message": "The access token can be refreshed only 24 hours after it was issued",
        "type": "OAuthException", "code": 100});
    let (s, v) = a.ig_refresh(&long).await;
    assert_eq!(s, 400, "{v}");
    assert_graph_error(&v, 100, None);
    for key in ["message", "type", "code"] {
        assert_eq!(v["error"][key], too_young[key], "{v}");
    }
    // the seeded token was issued at the start: too young as well
    let seeded = a.e.t.instagram_token(1).to_string();
    let (s, v) = a.ig_refresh(&seeded).await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 100, None);
    // unknown, and the wrong grant
    let (_, v) = a.ig_refresh("IGAA-forged").await;
    assert_graph_error(&v, 190, Some(467));
    let (s, v) = a
        .e
        .get(&format!(
            "{}/instagram-graph/refresh_access_token?grant_type=ig_exchange_token&access_token={long}",
            a.base
        ))
        .await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 100, None);

    a.advance(24 * 3600 + 1);
    let (s, v) = a.ig_refresh(&long).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["token_type"], "bearer");
    assert_eq!(v["expires_in"], LONG_LIVED);
    let fresh = v["access_token"].as_str().unwrap().to_string();
    assert_ne!(fresh, long);
    // the old string is retired
    let (s, v) = a.ig_me(&long).await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 190, Some(467));
    let (_, v) = a.ig_refresh(&long).await;
    assert_graph_error(&v, 190, Some(467));
    let (s, v) = a.ig_me(&fresh).await;
    assert_eq!(s, 200, "{v}");
    // the new token is new: too young to refresh again
    let (_, v) = a.ig_refresh(&fresh).await;
    assert_graph_error(&v, 100, None);
    // the seeded token is refreshable now, and is retired by it
    let (s, v) = a.ig_refresh(&seeded).await;
    assert_eq!(s, 200, "{v}");
    let (_, v) = a.ig_me(&seeded).await;
    assert_graph_error(&v, 190, Some(467));

    // ~60 days later the refreshed token has expired: 190/463 everywhere, no refresh
    a.advance(LONG_LIVED as u64);
    let (s, v) = a.ig_me(&fresh).await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 190, Some(463));
    let (s, v) = a.ig_refresh(&fresh).await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 190, Some(463));
    let (_, v) = json_of(
        a.e.http
            .get(format!(
                "{}/instagram-graph/v25.0/me/content_publishing_limit",
                a.base
            ))
            .bearer_auth(&fresh)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_graph_error(&v, 190, Some(463));
}

#[tokio::test]
async fn instagram_short_lived_token_expires_after_an_hour() {
    let a = auth().await;
    let code = a.ig_code(&[]).await;
    let (_, v) = a.ig_exchange(&code, IG_REDIRECT).await;
    let short = v["data"][0]["access_token"].as_str().unwrap().to_string();
    a.advance(3600);
    let (s, v) = a.ig_me(&short).await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 190, Some(463));
    let (_, secret) = a.ig_app();
    let (_, v) = a.ig_long_lived(&short, &secret).await;
    assert_graph_error(&v, 190, Some(463));
}

// ---- Facebook --------------------------------------------------------------------------------

#[tokio::test]
async fn facebook_dialog_on_the_www_host_to_page_tokens() {
    let a = auth().await;
    let page = a.fb_dialog(&[]).await;
    assert_eq!(page.status, 302, "{}", page.body);
    let location = page.location.clone().unwrap();
    assert!(
        location.starts_with(&format!("{FB_REDIRECT}?code=")),
        "{location}"
    );
    assert!(
        location.ends_with(&format!("&state={STATE}#_")),
        "{location}"
    );
    let code = page.param("code").unwrap();
    // any version, and none
    let app_id = a.e.t.facebook_app_id.clone();
    for path in [
        "/facebook-www/v19.0/dialog/oauth",
        "/facebook-www/dialog/oauth/",
    ] {
        let p = a.open(path, &fb_dialog_params(&app_id)).await;
        assert_eq!(p.status, 302, "{path}: {}", p.body);
    }
    let p = a
        .open(
            "/facebook-www/latest/dialog/oauth",
            &fb_dialog_params(&app_id),
        )
        .await;
    assert_eq!(p.status, 404);

    let (s, v) = a.fb_exchange(&code, FB_REDIRECT).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["token_type"], "bearer");
    let user_token = v["access_token"].as_str().unwrap().to_string();
    let (s, v) = a
        .e
        .get(&format!(
            "{}/oauth/access_token?grant_type=fb_exchange_token&client_id={}&client_secret={}&fb_exchange_token={user_token}",
            a.e.fb, a.e.t.facebook_app_id, a.e.t.facebook_app_secret
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["expires_in"], LONG_LIVED);
    let (s, v) =
        a.e.get(&format!(
            "{}/me/accounts?fields=id,name,access_token,tasks&access_token={user_token}",
            a.e.fb
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    let pages = v["data"].as_array().unwrap();
    assert_eq!(pages.len(), 2);
    for p in pages {
        let token = p["access_token"].as_str().unwrap();
        let (s, v) =
            a.e.get(&format!("{}/me?access_token={token}", a.e.fb))
                .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["id"], p["id"]);
    }
    // the Page token publishes
    let bakery_token = pages[0]["access_token"].as_str().unwrap();
    let (s, v) =
        a.e.post(
            &format!("{}/{}/feed", a.e.fb, pages[0]["id"].as_str().unwrap()),
            &[("message", "Signed in"), ("access_token", bakery_token)],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(a.e.sb.live().len(), 1);

    // sandbox_user picks who signs in (here the user whose seeded token had expired)
    let page = a.fb_dialog(&[("sandbox_user", "100000000000200")]).await;
    let code = page.param("code").unwrap();
    let (s, v) = a.fb_exchange(&code, FB_REDIRECT).await;
    assert_eq!(s, 200, "{v}");
    let token = v["access_token"].as_str().unwrap();
    let (s, v) =
        a.e.get(&format!("{}/me?access_token={token}", a.e.fb))
            .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["id"], "100000000000200");
    let page = a.fb_dialog(&[("sandbox_user", "999")]).await;
    page.assert_refused("sandbox_user");
}

#[tokio::test]
async fn facebook_denial_and_forged_replayed_mismatched_expired_codes() {
    let a = auth().await;
    let page = a.fb_dialog(&[("sandbox_decision", "deny")]).await;
    assert_eq!(page.status, 302);
    assert_eq!(
        page.location.as_deref(),
        Some(
            format!(
                "{FB_REDIRECT}?error=access_denied&error_code=200&error_description=Permissions+error&error_reason=user_denied&state={STATE}#_"
            )
            .as_str()
        )
    );
    let page = a.fb_dialog(&[("sandbox_decision", "maybe")]).await;
    page.assert_refused("sandbox_decision");

    let (s, v) = a.fb_exchange("AQforged", FB_REDIRECT).await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 100, Some(36009));

    let code = a.fb_dialog(&[]).await.param("code").unwrap();
    assert_eq!(a.fb_exchange(&code, FB_REDIRECT).await.0, 200);
    let (_, v) = a.fb_exchange(&code, FB_REDIRECT).await;
    assert_graph_error(&v, 100, Some(36009));

    let code = a.fb_dialog(&[]).await.param("code").unwrap();
    let (_, v) = a.fb_exchange(&code, "https://herald.test/elsewhere/").await;
    assert_graph_error(&v, 100, Some(36008));
    let (_, v) = a.fb_exchange(&code, FB_REDIRECT).await;
    assert_graph_error(&v, 100, Some(36009));

    let code = a.fb_dialog(&[]).await.param("code").unwrap();
    a.advance(3601);
    let (_, v) = a.fb_exchange(&code, FB_REDIRECT).await;
    assert_graph_error(&v, 100, Some(36007));
}

#[tokio::test]
async fn facebook_removing_the_app_kills_the_user_and_page_tokens() {
    let a = auth().await;
    let code = a.fb_dialog(&[]).await.param("code").unwrap();
    let (_, v) = a.fb_exchange(&code, FB_REDIRECT).await;
    let user_token = v["access_token"].as_str().unwrap().to_string();
    let (_, v) =
        a.e.get(&format!("{}/me/accounts?access_token={user_token}", a.e.fb))
            .await;
    let page_tokens: Vec<String> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["access_token"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(page_tokens.len(), 2);
    let (s, v) =
        a.e.delete(&format!(
            "{}/me/permissions?access_token={user_token}",
            a.e.fb
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    for token in std::iter::once(&user_token).chain(&page_tokens) {
        let (s, v) =
            a.e.get(&format!("{}/me?access_token={token}", a.e.fb))
                .await;
        assert_eq!(s, 400, "{v}");
        assert_graph_error(&v, 190, Some(458));
    }
}

// ---- TikTok ----------------------------------------------------------------------------------

#[tokio::test]
async fn tiktok_sign_in_to_user_info_and_creator_info() {
    let a = auth().await;
    let page = a
        .tt_page(&[(
            "scope",
            "user.info.basic,video.publish,video.upload,video.list",
        )])
        .await;
    assert_eq!(page.status, 302, "{}", page.body);
    let location = page.location.clone().unwrap();
    assert!(
        location.starts_with(&format!("{TT_REDIRECT}?code=")),
        "{location}"
    );
    // the code's `*` and `!` arrive percent-encoded
    assert!(
        location.contains("%2A") && location.contains("%21"),
        "{location}"
    );
    assert!(!location.contains('#'), "{location}");
    assert!(
        location.ends_with(&format!(
            "&scopes=user.info.basic,video.publish,video.upload&state={STATE}"
        )),
        "{location}"
    );
    let code = page.param("code").unwrap();
    assert!(code.contains('*') && code.contains('!'), "{code}");
    assert_eq!(
        page.param("scopes").as_deref(),
        Some("user.info.basic,video.publish,video.upload")
    );

    let (s, v) = a.tt_exchange(&code, TT_REDIRECT, VERIFIER).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["open_id"], a.e.t.tiktok(0).unwrap().open_id.as_str());
    assert_eq!(v["scope"], "user.info.basic,video.publish,video.upload");
    let access = v["access_token"].as_str().unwrap().to_string();
    let (s, v) = a
        .tt_call(
            reqwest::Method::GET,
            "/v2/user/info/?fields=open_id,display_name",
            &access,
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["user"]["display_name"], "Sandbox Bakery");
    let (s, v) = a
        .tt_call(
            reqwest::Method::POST,
            "/v2/post/publish/creator_info/query/",
            &access,
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["error"]["code"], "ok");

    // without the trailing slash, another creator, fewer scopes ticked
    let key = a.e.t.tiktok_client_key.clone();
    let mut pairs = tt_authorize_params(&key);
    pairs.push(("sandbox_user", "sandbox.studio"));
    pairs.push(("sandbox_scopes", "user.info.basic"));
    let page = a.open("/tiktok-www/v2/auth/authorize", &pairs).await;
    assert_eq!(page.status, 302, "{}", page.body);
    assert_eq!(page.param("scopes").as_deref(), Some("user.info.basic"));
    let code = page.param("code").unwrap();
    let (s, v) = a.tt_exchange(&code, TT_REDIRECT, VERIFIER).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["open_id"], a.e.t.tiktok(1).unwrap().open_id.as_str());
    assert_eq!(v["scope"], "user.info.basic");
    let access = v["access_token"].as_str().unwrap().to_string();
    let (s, v) = a
        .tt_call(
            reqwest::Method::POST,
            "/v2/post/publish/creator_info/query/",
            &access,
        )
        .await;
    assert_eq!(s, 401, "{v}");
    assert_eq!(v["error"]["code"], "scope_not_authorized");
    // profile fields need user.info.profile, which the app does not have
    let (s, v) = a
        .tt_call(
            reqwest::Method::GET,
            "/v2/user/info/?fields=open_id,username",
            &access,
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["error"]["code"], "scope_permission_missed");
    // by open_id, on localhost
    let open_id = a.e.t.tiktok(1).unwrap().open_id.clone();
    let page = a
        .tt_page(&[
            ("sandbox_user", open_id.as_str()),
            ("redirect_uri", "http://localhost:3455/callback/"),
        ])
        .await;
    assert_eq!(page.status, 302, "{}", page.body);
    let code = page.param("code").unwrap();
    let (s, v) = a
        .tt_exchange(&code, "http://localhost:3455/callback/", VERIFIER)
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["open_id"], open_id.as_str());
}

#[tokio::test]
async fn tiktok_authorize_refuses_bad_requests_and_reports_a_denial() {
    let a = auth().await;
    a.tt_page(&[("client_key", "sbx-other-client")])
        .await
        .assert_refused("client_key");
    for redirect in [
        "https://herald.test/oauth/tiktok/",
        "http://127.0.0.1/callback/",
        "http://127.0.0.1:*/callback/",
        "http://127.0.0.1:53682/callback/?x=1",
        "http://192.168.1.2:53682/callback/",
        "herald://oauth/tiktok",
    ] {
        a.tt_page(&[("redirect_uri", redirect)])
            .await
            .assert_refused("redirect_uri");
    }
    for challenge in [
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "13D31E961A1AD8EC2F16B10C4C982E0876A878AD6DF144566EE1894ACB70F9C3",
        &CHALLENGE[..63],
        "",
    ] {
        a.tt_page(&[("code_challenge", challenge)])
            .await
            .assert_refused("Code verifier or code challenge is invalid");
    }
    a.tt_page(&[("code_challenge_method", "plain")])
        .await
        .assert_refused("Code verifier or code challenge is invalid");
    a.tt_page(&[("scope", "video.list")])
        .await
        .assert_refused("scope");
    a.tt_page(&[("sandbox_user", "nobody")])
        .await
        .assert_refused("sandbox_user");

    let page = a.tt_page(&[("sandbox_decision", "deny")]).await;
    assert_eq!(page.status, 302);
    assert_eq!(
        page.location.as_deref(),
        Some(
            format!(
                "{TT_REDIRECT}?error=access_denied&error_description=The+user+denied+the+request&state={STATE}"
            )
            .as_str()
        )
    );
}

#[tokio::test]
async fn tiktok_codes_are_single_use_bound_and_live_ten_minutes() {
    let a = auth().await;
    let (s, v) = a.tt_exchange("forged*0!1234", TT_REDIRECT, VERIFIER).await;
    assert_tt_oauth_error(s, &v, "invalid_grant");

    let code = a.tt_page(&[]).await.param("code").unwrap();
    // another redirect URI (another port)
    let (s, v) = a
        .tt_exchange(&code, "http://127.0.0.1:53683/callback/", VERIFIER)
        .await;
    assert_tt_oauth_error(s, &v, "invalid_request");
    // another verifier
    let (s, v) = a
        .tt_exchange(
            &code,
            TT_REDIRECT,
            "another-verifier-another-verifier-another-verifier",
        )
        .await;
    assert_tt_oauth_error(s, &v, "invalid_grant");
    let (s, v) = a.tt_exchange(&code, TT_REDIRECT, VERIFIER).await;
    assert_eq!(s, 200, "{v}");
    // replayed
    let (s, v) = a.tt_exchange(&code, TT_REDIRECT, VERIFIER).await;
    assert_tt_oauth_error(s, &v, "invalid_grant");

    // expired: a code lives ten minutes
    let code = a.tt_page(&[]).await.param("code").unwrap();
    let fresh = a.tt_page(&[]).await.param("code").unwrap();
    a.advance(9 * 60);
    assert_eq!(a.tt_exchange(&fresh, TT_REDIRECT, VERIFIER).await.0, 200);
    a.advance(61);
    let (s, v) = a.tt_exchange(&code, TT_REDIRECT, VERIFIER).await;
    assert_tt_oauth_error(s, &v, "invalid_grant");
}

// ---- journal, faults, listing ----------------------------------------------------------------

#[tokio::test]
async fn sign_in_hosts_are_journaled_take_faults_and_are_listed() {
    let a = auth().await;
    let code = a.ig_code(&[]).await;
    let (s, _) = a.ig_exchange(&code, IG_REDIRECT).await;
    assert_eq!(s, 200);
    let journal = a.e.sb.journal();
    let authorize = journal
        .iter()
        .find(|j| j.host == "instagram-www")
        .expect("journaled");
    assert_eq!(authorize.path, "/oauth/authorize");
    assert_eq!(authorize.status, Some(302));
    let exchange = journal
        .iter()
        .find(|j| j.host == "instagram-api")
        .expect("journaled");
    assert_eq!(exchange.path, "/oauth/access_token");
    assert_eq!(exchange.status, Some(200));

    a.e.sb.faults().add(
        FaultRule::new(FaultAction::Status {
            status: 503,
            body: None,
        })
        .host("tiktok-www"),
    );
    let page = a.tt_page(&[]).await;
    assert_eq!(page.status, 503);
    assert!(page.location.is_none());
    assert_eq!(a.tt_page(&[]).await.status, 302);
    a.e.sb.faults().add(
        FaultRule::new(FaultAction::Status {
            status: 500,
            body: None,
        })
        .host("instagram-api"),
    );
    let code = a.ig_code(&[]).await;
    let (s, v) = a.ig_exchange(&code, IG_REDIRECT).await;
    assert_eq!(s, 500);
    assert_eq!(v["error_type"], "OAuthException");
    let tt =
        a.e.sb
            .journal()
            .into_iter()
            .filter(|j| j.host == "tiktok-www")
            .map(|j| (j.status, j.fault))
            .collect::<Vec<_>>();
    assert_eq!(
        tt,
        vec![(Some(503), Some("status".to_string())), (Some(302), None)]
    );

    let (s, v) = a.e.get(&format!("{}/_sandbox/", a.base)).await;
    assert_eq!(s, 200);
    let listed: Vec<&str> = v["sign_in"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for route in [
        "GET /instagram-www/oauth/authorize",
        "GET /tiktok-www/v2/auth/authorize/",
        "GET /facebook-www/{version}/dialog/oauth",
        "POST /instagram-api/oauth/access_token",
        "GET /instagram-graph/refresh_access_token?grant_type=ig_refresh_token",
    ] {
        assert!(listed.contains(&route), "{route}: {v}");
    }
    let (_, v) = a.e.get(&format!("{}/_sandbox/accounts", a.base)).await;
    assert_eq!(v["instagram_app_id"], "990000000000001");
    assert_eq!(v["instagram_app_secret"], "sandbox-instagram-secret");
    // other paths on the sign-in hosts are not pages
    let page = a.open("/instagram-www/accounts/login", &[]).await;
    assert_eq!(page.status, 404);
}
