//! TikTok: Login Kit OAuth (code with hex PKCE, refresh rotation, revoke), user info,
//! creator info, Direct Post and inbox video uploads in chunks streamed from disk, photo
//! posts and `PULL_FROM_URL` videos fetched from a local server, status, cancel, caps,
//! rate limits, faults and the control API.

mod common;

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use common::*;
use herald_sandbox::{FaultAction, FaultRule, Seed, SeededTikTokCreator, VideoProcessing};
use serde_json::{json, Value};

// ---- a local media server ---------------------------------------------------------------

#[derive(Default)]
struct Store {
    files: HashMap<String, Vec<u8>>,
    hits: HashMap<String, u32>,
}

/// Serves bytes put under a name at `http://127.0.0.1:PORT/<name>`; names starting with
/// `slow-` are answered after 1.5 s. Counts the GETs.
struct Files {
    base: String,
    store: Arc<Mutex<Store>>,
}

async fn serve_file(State(store): State<Arc<Mutex<Store>>>, req: Request) -> Response {
    let name = req.uri().path().trim_start_matches('/').to_string();
    if name.starts_with("slow-") {
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    let mut s = store.lock().unwrap();
    *s.hits.entry(name.clone()).or_default() += 1;
    match s.files.get(&name) {
        Some(bytes) => bytes.clone().into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

impl Files {
    async fn start() -> Files {
        let store = Arc::new(Mutex::new(Store::default()));
        let app = axum::Router::new()
            .fallback(serve_file)
            .with_state(store.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Files { base, store }
    }

    fn put(&self, name: &str, bytes: Vec<u8>) -> String {
        self.store
            .lock()
            .unwrap()
            .files
            .insert(name.to_string(), bytes);
        format!("{}/{name}", self.base)
    }

    fn hits(&self, name: &str) -> u32 {
        self.store
            .lock()
            .unwrap()
            .hits
            .get(name)
            .copied()
            .unwrap_or(0)
    }
}

fn webp(n: usize) -> Vec<u8> {
    let mut v = b"RIFF\0\0\0\0WEBPVP8 ".to_vec();
    v.resize(n, 0);
    v
}

fn png(n: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.resize(n, 0);
    v
}

/// Write an MP4-looking file of `size` bytes (an `ftyp` box, then pseudo-random bytes);
/// its CRC-32.
fn write_video(path: &Path, size: u64) -> u32 {
    let mut f = std::fs::File::create(path).unwrap();
    let mut hasher = crc32fast::Hasher::new();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut written = 0u64;
    let mut buf = vec![0u8; 1 << 20];
    while written < size {
        let n = ((size - written) as usize).min(buf.len());
        for b in buf[..n].iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
        if written == 0 {
            buf[..12].copy_from_slice(b"\0\0\0\x20ftypisom");
        }
        f.write_all(&buf[..n]).unwrap();
        hasher.update(&buf[..n]);
        written += n as u64;
    }
    hasher.finalize()
}

/// `len` bytes of the file from `offset`, read from disk.
fn read_range(path: &Path, offset: u64, len: u64) -> Vec<u8> {
    let mut f = std::fs::File::open(path).unwrap();
    f.seek(SeekFrom::Start(offset)).unwrap();
    let mut buf = vec![0u8; len as usize];
    f.read_exact(&mut buf).unwrap();
    buf
}

// ---- the TikTok test environment -----------------------------------------------------------

struct Tt {
    e: Env,
    files: Files,
    /// `<base>/tiktok`
    api: String,
    a: SeededTikTokCreator,
    b: SeededTikTokCreator,
}

/// Fast processing and room for many inits and polls; the rate-limit test uses the
/// documented limits.
fn tt_seed() -> Seed {
    Seed {
        tiktok_processing: VideoProcessing::RealTime(Duration::from_millis(100)),
        tiktok_init_per_minute: 1000,
        tiktok_status_per_minute: 1000,
        ..fast_seed()
    }
}

async fn tt_with(seed: Seed) -> Tt {
    let e = sandbox_with(seed).await;
    let a = e.t.tiktok(0).expect("creator A").clone();
    let b = e.t.tiktok(1).expect("creator B").clone();
    Tt {
        api: format!("{}/tiktok", e.sb.base_url()),
        files: Files::start().await,
        a,
        b,
        e,
    }
}

async fn tt() -> Tt {
    tt_with(tt_seed()).await
}

fn file_source(size: u64, chunk: u64, count: u64) -> Value {
    json!({"source": "FILE_UPLOAD", "video_size": size, "chunk_size": chunk, "total_chunk_count": count})
}

fn post_info(privacy: &str) -> Value {
    json!({"title": "Fresh #bread @sandbox", "privacy_level": privacy,
        "disable_comment": false, "disable_duet": false, "disable_stitch": false,
        "video_cover_timestamp_ms": 1000, "brand_content_toggle": false, "brand_organic_toggle": false})
}

fn direct(privacy: &str, source: Value) -> Value {
    json!({"post_info": post_info(privacy), "source_info": source})
}

/// Assert a v2 error envelope with this code.
fn assert_tt_error(v: &Value, code: &str) {
    assert_eq!(v["error"]["code"], code, "{v}");
    assert!(v["error"]["message"].is_string(), "{v}");
    assert!(
        v["error"]["log_id"].as_str().is_some_and(|s| s.len() == 34),
        "{v}"
    );
}

fn assert_oauth_error(v: &Value, error: &str) {
    assert_eq!(v["error"], error, "{v}");
    assert!(v["error_description"].is_string(), "{v}");
    assert!(v["log_id"].is_string(), "{v}");
    assert!(v.get("access_token").is_none(), "{v}");
}

impl Tt {
    async fn post(&self, token: &str, path: &str, body: &Value) -> (u16, Value) {
        json_of(
            self.e
                .http
                .post(format!("{}{path}", self.api))
                .bearer_auth(token)
                .json(body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        json_of(
            self.e
                .http
                .get(format!("{}{path}", self.api))
                .bearer_auth(token)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    async fn oauth(&self, form: &[(&str, &str)]) -> (u16, Value) {
        self.e
            .post(&format!("{}/v2/oauth/token/", self.api), form)
            .await
    }

    async fn creator_info(&self, token: &str) -> (u16, Value) {
        self.post(token, "/v2/post/publish/creator_info/query/", &json!({}))
            .await
    }

    async fn init(&self, token: &str, body: Value) -> (u16, Value) {
        self.post(token, "/v2/post/publish/video/init/", &body)
            .await
    }

    /// A Direct Post init that must succeed: `(publish_id, upload_url)`.
    async fn init_ok(&self, token: &str, body: Value) -> (String, String) {
        let (s, v) = self.init(token, body).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["error"]["code"], "ok", "{v}");
        (
            v["data"]["publish_id"].as_str().unwrap().to_string(),
            v["data"]["upload_url"].as_str().unwrap_or("").to_string(),
        )
    }

    async fn status_as(&self, token: &str, publish_id: &str) -> (u16, Value) {
        self.post(
            token,
            "/v2/post/publish/status/fetch/",
            &json!({ "publish_id": publish_id }),
        )
        .await
    }

    async fn status(&self, publish_id: &str) -> Value {
        let (s, v) = self.status_as(&self.a.access_token, publish_id).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["error"]["code"], "ok", "{v}");
        v["data"].clone()
    }

    /// Poll until the publish leaves `PROCESSING_*`; its status data.
    async fn settled(&self, token: &str, publish_id: &str) -> Value {
        eventually(10, || async {
            let (_, v) = self.status_as(token, publish_id).await;
            let status = v["data"]["status"].as_str().unwrap_or("");
            (!status.starts_with("PROCESSING")).then(|| v["data"].clone())
        })
        .await
    }

    /// `PUT` a chunk with the headers TikTok wants.
    async fn put(&self, url: &str, bytes: Vec<u8>, first: u64, total: u64) -> reqwest::Response {
        let last = first + bytes.len() as u64 - 1;
        self.e
            .http
            .put(url)
            .header("Content-Type", "video/mp4")
            .header("Content-Range", format!("bytes {first}-{last}/{total}"))
            .body(bytes)
            .send()
            .await
            .unwrap()
    }

    /// A whole small video as one chunk: init, PUT, wait. Its publish id and status.
    async fn post_small(&self, token: &str, privacy: &str) -> (String, Value) {
        let size = 3_000_000u64;
        let (id, url) = self
            .init_ok(token, direct(privacy, file_source(size, size, 1)))
            .await;
        let r = self.put(&url, mp4(size as usize), 0, size).await;
        assert_eq!(r.status().as_u16(), 201);
        (id.clone(), self.settled(token, &id).await)
    }

    fn tiktok_live(&self) -> Vec<herald_sandbox::LivePost> {
        self.e
            .sb
            .live()
            .into_iter()
            .filter(|l| l.platform == "tiktok")
            .collect()
    }
}

// ---- OAuth -------------------------------------------------------------------------------

#[tokio::test]
async fn code_exchange_with_hex_pkce_then_revoke() {
    let t = tt().await;
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = "13d31e961a1ad8ec2f16b10c4c982e0876a878ad6df144566ee1894acb70f9c3";
    let redirect = "http://127.0.0.1:53682/callback/";
    let code =
        t.e.sb
            .tiktok_issue_code("sandbox.bakery", redirect, Some(challenge))
            .expect("code");
    assert!(code.contains('*') && code.contains('!'), "{code}");
    assert!(t.e.sb.tiktok_issue_code("nobody", redirect, None).is_none());
    let key = t.e.t.tiktok_client_key.clone();
    let secret = t.e.t.tiktok_client_secret.clone();
    let exchange = |code: String, redirect: &'static str, verifier: &'static str| {
        let key = key.clone();
        let secret = secret.clone();
        let t = &t;
        async move {
            t.oauth(&[
                ("client_key", key.as_str()),
                ("client_secret", secret.as_str()),
                ("code", code.as_str()),
                ("grant_type", "authorization_code"),
                ("redirect_uri", redirect),
                ("code_verifier", verifier),
            ])
            .await
        }
    };
    // another port than the one the code was issued for
    let (s, v) = exchange(code.clone(), "http://127.0.0.1:53683/callback/", verifier).await;
    assert_eq!(s, 400);
    assert_oauth_error(&v, "invalid_request");
    assert!(v["error_description"]
        .as_str()
        .unwrap()
        .starts_with("Redirect_uri is not matched"));
    // the RFC 7636 (base64url) reading of the same verifier is not TikTok's
    let (s, v) = exchange(
        code.clone(),
        "http://127.0.0.1:53682/callback/",
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM-wrong-verifier-x",
    )
    .await;
    assert_eq!(s, 400);
    assert_oauth_error(&v, "invalid_grant");
    let (s, v) = exchange(code.clone(), "http://127.0.0.1:53682/callback/", verifier).await;
    assert_eq!(s, 200, "{v}");
    let access = v["access_token"].as_str().unwrap().to_string();
    assert!(access.starts_with("act."), "{v}");
    assert!(v["refresh_token"].as_str().unwrap().starts_with("rft."));
    assert_eq!(v["expires_in"], 86_400);
    assert_eq!(v["refresh_expires_in"], 31_536_000);
    assert_eq!(v["open_id"], t.a.open_id.as_str());
    assert_eq!(v["scope"], "user.info.basic,video.publish,video.upload");
    assert_eq!(v["token_type"], "Bearer");
    // codes work once
    let (s, v) = exchange(code, "http://127.0.0.1:53682/callback/", verifier).await;
    assert_eq!(s, 400);
    assert_oauth_error(&v, "invalid_grant");
    let (s, _) = t.get(&access, "/v2/user/info/?fields=open_id").await;
    assert_eq!(s, 200);

    // JSON bodies, other clients and other grants are refused
    let (s, v) = t
        .e
        .post_json(
            &format!("{}/v2/oauth/token/", t.api),
            &json!({"client_key": t.e.t.tiktok_client_key, "client_secret": t.e.t.tiktok_client_secret,
                "grant_type": "refresh_token", "refresh_token": t.a.refresh_token}),
        )
        .await;
    assert_eq!(s, 400);
    assert_oauth_error(&v, "invalid_request");
    let (s, v) = t
        .oauth(&[
            ("client_key", &t.e.t.tiktok_client_key),
            ("client_secret", "wrong"),
            ("grant_type", "refresh_token"),
            ("refresh_token", &t.a.refresh_token),
        ])
        .await;
    assert_eq!(s, 401);
    assert_oauth_error(&v, "invalid_client");
    let (_, v) = t
        .oauth(&[
            ("client_key", &t.e.t.tiktok_client_key),
            ("client_secret", &t.e.t.tiktok_client_secret),
            ("grant_type", "client_credentials"),
        ])
        .await;
    assert_oauth_error(&v, "unsupported_grant_type");

    // revoke: the creator's whole authorization goes, seeded tokens included
    let (s, v) =
        t.e.post(
            &format!("{}/v2/oauth/revoke/", t.api),
            &[
                ("client_key", t.e.t.tiktok_client_key.as_str()),
                ("client_secret", t.e.t.tiktok_client_secret.as_str()),
                ("token", access.as_str()),
            ],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    for token in [access.as_str(), t.a.access_token.as_str()] {
        let (s, v) = t.get(token, "/v2/user/info/?fields=open_id").await;
        assert_eq!(s, 401);
        assert_tt_error(&v, "access_token_invalid");
    }
    let (_, v) = t
        .oauth(&[
            ("client_key", &t.e.t.tiktok_client_key),
            ("client_secret", &t.e.t.tiktok_client_secret),
            ("grant_type", "refresh_token"),
            ("refresh_token", &t.a.refresh_token),
        ])
        .await;
    assert_oauth_error(&v, "invalid_grant");
    // B is untouched
    assert_eq!(t.creator_info(&t.b.access_token).await.0, 200);
}

#[tokio::test]
async fn refresh_rotates_and_the_old_refresh_token_is_refused() {
    let t = tt().await;
    let refresh = |token: String| {
        let t = &t;
        async move {
            t.oauth(&[
                ("client_key", t.e.t.tiktok_client_key.as_str()),
                ("client_secret", t.e.t.tiktok_client_secret.as_str()),
                ("grant_type", "refresh_token"),
                ("refresh_token", token.as_str()),
            ])
            .await
        }
    };
    t.e.sb.clock().advance(Duration::from_secs(3600));
    let (s, v) = refresh(t.a.refresh_token.clone()).await;
    assert_eq!(s, 200, "{v}");
    let new_refresh = v["refresh_token"].as_str().unwrap().to_string();
    let new_access = v["access_token"].as_str().unwrap().to_string();
    assert_ne!(new_refresh, t.a.refresh_token);
    assert_ne!(new_access, t.a.access_token);
    assert_eq!(v["expires_in"], 86_400);
    // the 365-day window keeps running (whole seconds, so maybe one less)
    let left = v["refresh_expires_in"].as_i64().unwrap();
    assert!(
        (31_536_000 - 3602..=31_536_000 - 3600).contains(&left),
        "{v}"
    );
    assert_eq!(v["open_id"], t.a.open_id.as_str());
    // the old refresh token is dead, the new one works (and rotates again)
    let (s, v) = refresh(t.a.refresh_token.clone()).await;
    assert_eq!(s, 400);
    assert_oauth_error(&v, "invalid_grant");
    let (s, v) = refresh(new_refresh.clone()).await;
    assert_eq!(s, 200, "{v}");
    assert_ne!(v["refresh_token"], new_refresh.as_str());
    let (s, v) = t
        .get(&new_access, "/v2/user/info/?fields=open_id,display_name")
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["user"]["display_name"], "Sandbox Bakery");

    // without rotation the same refresh token comes back and keeps working
    let t = tt_with(Seed {
        tiktok_rotate_refresh_tokens: false,
        ..tt_seed()
    })
    .await;
    for _ in 0..2 {
        let (s, v) = t
            .oauth(&[
                ("client_key", &t.e.t.tiktok_client_key),
                ("client_secret", &t.e.t.tiktok_client_secret),
                ("grant_type", "refresh_token"),
                ("refresh_token", &t.a.refresh_token),
            ])
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["refresh_token"], t.a.refresh_token.as_str());
    }
}

#[tokio::test]
async fn expired_access_token_is_401_until_refreshed() {
    let t = tt().await;
    assert_eq!(t.creator_info(&t.a.access_token).await.0, 200);
    t.e.sb.clock().advance(Duration::from_secs(86_401));
    let (s, v) = t.creator_info(&t.a.access_token).await;
    assert_eq!(s, 401);
    assert_tt_error(&v, "access_token_invalid");
    assert_eq!(v["data"], json!({}));
    let (s, v) = t
        .get(&t.a.access_token, "/v2/user/info/?fields=open_id")
        .await;
    assert_eq!(s, 401);
    assert_tt_error(&v, "access_token_invalid");
    // no token, a made-up one
    let (s, v) = json_of(
        t.e.http
            .get(format!("{}/v2/user/info/?fields=open_id", t.api))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 401);
    assert_tt_error(&v, "access_token_invalid");
    assert_eq!(t.creator_info("act.made-up").await.0, 401);
    let (s, v) = t
        .oauth(&[
            ("client_key", &t.e.t.tiktok_client_key),
            ("client_secret", &t.e.t.tiktok_client_secret),
            ("grant_type", "refresh_token"),
            ("refresh_token", &t.a.refresh_token),
        ])
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, _) = t.creator_info(v["access_token"].as_str().unwrap()).await;
    assert_eq!(s, 200);
}

// ---- user info and creator info -------------------------------------------------------------

#[tokio::test]
async fn user_info_fields_need_their_scopes() {
    let t = tt().await;
    let (s, v) = t
        .get(
            &t.a.access_token,
            "/v2/user/info/?fields=open_id,union_id,avatar_url,display_name",
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["error"]["code"], "ok");
    let user = &v["data"]["user"];
    assert_eq!(user["open_id"], t.a.open_id.as_str());
    assert_eq!(user["display_name"], "Sandbox Bakery");
    assert!(user["avatar_url"].as_str().unwrap().starts_with("https://"));
    assert!(user.get("username").is_none());
    // A has user.info.basic only
    let (s, v) = t
        .get(&t.a.access_token, "/v2/user/info/?fields=open_id,username")
        .await;
    assert_eq!(s, 400);
    assert_tt_error(&v, "scope_permission_missed");
    let (s, v) = t.get(&t.a.access_token, "/v2/user/info/").await;
    assert_eq!(s, 400);
    assert_tt_error(&v, "invalid_params");
    let (s, v) = t
        .get(&t.a.access_token, "/v2/user/info/?fields=open_id,shoe_size")
        .await;
    assert_eq!(s, 400);
    assert_tt_error(&v, "invalid_params");
    // B granted profile and stats
    let (s, v) = t
        .get(
            &t.b.access_token,
            "/v2/user/info/?fields=username,is_verified,follower_count,video_count",
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["user"]["username"], "sandbox.studio");
    assert_eq!(v["data"]["user"]["video_count"], 4);
}

#[tokio::test]
async fn creator_info_reports_each_creators_options() {
    let t = tt().await;
    let (s, v) = t.creator_info(&t.a.access_token).await;
    assert_eq!(s, 200, "{v}");
    let d = &v["data"];
    assert_eq!(d["creator_username"], "sandbox.bakery");
    assert_eq!(d["creator_nickname"], "Sandbox Bakery");
    assert_eq!(
        d["privacy_level_options"],
        json!(["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"])
    );
    assert_eq!(d["comment_disabled"], false);
    assert_eq!(d["duet_disabled"], false);
    assert_eq!(d["stitch_disabled"], false);
    assert_eq!(d["max_video_post_duration_sec"], 600);
    assert!(d["creator_avatar_url"].is_string());
    let (_, v) = t.creator_info(&t.b.access_token).await;
    let d = &v["data"];
    assert_eq!(
        d["privacy_level_options"],
        json!(["FOLLOWER_OF_CREATOR", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"])
    );
    assert_eq!(d["duet_disabled"], true);
    assert_eq!(d["stitch_disabled"], true);
    assert_eq!(d["max_video_post_duration_sec"], 60);
}

#[tokio::test]
async fn spam_risk_too_many_posts_is_http_200_on_creator_info() {
    let mut seed = tt_seed();
    seed.tiktok_creators[0].posts_today = 15;
    seed.tiktok_creators[0].access_token_expires_in = 3 * 86_400;
    let t = tt_with(seed).await;
    let (s, v) = t.creator_info(&t.a.access_token).await;
    assert_eq!(s, 200, "the code, not the status, says it failed");
    assert_tt_error(&v, "spam_risk_too_many_posts");
    let (s, v) = t
        .init(
            &t.a.access_token,
            direct("SELF_ONLY", file_source(3_000_000, 3_000_000, 1)),
        )
        .await;
    assert_eq!(s, 403);
    assert_tt_error(&v, "spam_risk_too_many_posts");
    // the cap is per creator
    let (_, v) = t.creator_info(&t.b.access_token).await;
    assert_eq!(v["error"]["code"], "ok");
    // the window rolls on
    t.e.sb.clock().advance(Duration::from_secs(86_400));
    let (_, v) = t.creator_info(&t.a.access_token).await;
    assert_eq!(v["error"]["code"], "ok", "{v}");

    // a banned creator, an app at its creator cap
    let mut seed = tt_seed();
    seed.tiktok_creators[1].banned_from_posting = true;
    let t = tt_with(seed).await;
    let (s, v) = t.creator_info(&t.b.access_token).await;
    assert_eq!(s, 200);
    assert_tt_error(&v, "spam_risk_user_banned_from_posting");
    let mut seed = tt_seed();
    seed.tiktok_active_creator_cap = Some(1);
    let t2 = tt_with(seed).await;
    t2.post_small(&t2.a.access_token, "SELF_ONLY").await;
    let (s, v) = t2.creator_info(&t2.b.access_token).await;
    assert_eq!(s, 200);
    assert_tt_error(&v, "reached_active_user_cap");
}

// ---- video init ----------------------------------------------------------------------------

#[tokio::test]
async fn chunk_math_accepts_and_refuses_per_the_media_transfer_guide() {
    let t = tt().await;
    let token = t.a.access_token.clone();
    let accepted: &[(u64, u64, u64)] = &[
        (3_000_000, 3_000_000, 1),        // < 5 MB: whole
        (4_194_304, 4_194_304, 1),        // the guide's example
        (50_000_123, 10_000_000, 5),      // the 5th chunk absorbs 123 bytes
        (64_000_000, 64_000_000, 1),      // the largest single chunk
        (70_000_000, 10_000_000, 7),      // 70 MB must be chunked
        (70_000_000, 35_000_000, 2),      //
        (300_000_000, 10_000_000, 30),    // 300 MB
        (300_000_000, 64_000_000, 4),     // last chunk 108 MB ≤ 128 MB
        (4_294_967_296, 10_000_000, 429), // 4 GiB
    ];
    for &(size, chunk, count) in accepted {
        let (s, v) = t
            .init(&token, direct("SELF_ONLY", file_source(size, chunk, count)))
            .await;
        assert_eq!(s, 200, "{size}/{chunk}/{count}: {v}");
        assert!(v["data"]["upload_url"]
            .as_str()
            .unwrap()
            .contains("/tiktok-upload/video/?upload_id="));
    }
    let refused: &[(u64, u64, u64, &str)] = &[
        (3_000_000, 1_000_000, 3, "The chunk size is invalid"), // < 5 MB must be whole
        (3_000_000, 3_000_000, 2, "The total chunk count is invalid"),
        (3_000_000, 4_000_000, 1, "The chunk size is invalid"), // chunk > video
        (
            50_000_123,
            10_000_000,
            6,
            "The total chunk count is invalid",
        ), // ceil
        (
            70_000_000,
            64_000_000,
            2,
            "The total chunk count is invalid",
        ), // 64 + 6: ceil
        (70_000_000, 64_000_000, 1, "The chunk size is invalid"), // one chunk ≠ the file
        (70_000_000, 70_000_000, 1, "The chunk size is invalid"), // > 64 MB whole
        (300_000_000, 4_000_000, 75, "The chunk size is invalid"), // < 5 MiB chunks
        (300_000_000, 67_108_864, 4, "The chunk size is invalid"), // 64 MiB > 64 MB
        (
            300_000_000,
            10_000_000,
            0,
            "The total chunk count is invalid",
        ),
        (5_000_000_000, 10_000_000, 500, "The video size is invalid"),
    ];
    for &(size, chunk, count, message) in refused {
        let (s, v) = t
            .init(&token, direct("SELF_ONLY", file_source(size, chunk, count)))
            .await;
        assert_eq!(s, 400, "{size}/{chunk}/{count}: {v}");
        assert_tt_error(&v, "invalid_params");
        assert_eq!(v["error"]["message"], message, "{size}/{chunk}/{count}");
    }
    // missing fields and sources
    for source in [
        json!({"source": "FILE_UPLOAD", "video_size": 3_000_000}),
        json!({"source": "DROPBOX"}),
        json!({"source": "PULL_FROM_URL"}),
    ] {
        let (s, v) = t.init(&token, direct("SELF_ONLY", source)).await;
        assert_eq!(s, 400, "{v}");
        assert_tt_error(&v, "invalid_params");
    }
    // nothing was uploaded, nothing went live
    assert_eq!(t.e.sb.tiktok_uploads().len(), accepted.len());
    assert!(t.tiktok_live().is_empty());
}

#[tokio::test]
async fn post_info_checks_privacy_branding_and_title_length() {
    let t = tt().await;
    let small = || file_source(3_000_000, 3_000_000, 1);
    // B is private: no PUBLIC_TO_EVERYONE
    let (s, v) = t
        .init(&t.b.access_token, direct("PUBLIC_TO_EVERYONE", small()))
        .await;
    assert_eq!(s, 403);
    assert_tt_error(&v, "privacy_level_option_mismatch");
    // unknown or missing privacy levels are parameter errors
    let (s, v) = t.init(&t.a.access_token, direct("EVERYONE", small())).await;
    assert_eq!(s, 400);
    assert_tt_error(&v, "invalid_params");
    let (s, v) = t
        .init(
            &t.a.access_token,
            json!({"post_info": {"title": "x", "brand_content_toggle": false}, "source_info": small()}),
        )
        .await;
    assert_eq!(s, 400);
    assert_tt_error(&v, "invalid_params");
    // brand_content_toggle is required, and branded content cannot be private
    let (s, v) = t
        .init(
            &t.a.access_token,
            json!({"post_info": {"privacy_level": "SELF_ONLY"}, "source_info": small()}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    let mut info = post_info("SELF_ONLY");
    info["brand_content_toggle"] = json!(true);
    let (s, v) = t
        .init(
            &t.a.access_token,
            json!({"post_info": info, "source_info": small()}),
        )
        .await;
    assert_eq!(s, 400);
    assert_tt_error(&v, "invalid_params");
    assert!(v["error"]["message"].as_str().unwrap().contains("private"));
    // titles count UTF-16 units: 1101 emoji are 1101 chars but 2202 units
    let mut info = post_info("SELF_ONLY");
    info["title"] = json!("😀".repeat(1101));
    let (s, v) = t
        .init(
            &t.a.access_token,
            json!({"post_info": info, "source_info": small()}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert_tt_error(&v, "invalid_params");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("2202"),
        "{v}"
    );
    let mut info = post_info("SELF_ONLY");
    info["title"] = json!("😀".repeat(1100));
    let (s, v) = t
        .init(
            &t.a.access_token,
            json!({"post_info": info, "source_info": small()}),
        )
        .await;
    assert_eq!(s, 200, "2200 units fit: {v}");
    // a private account's duet and stitch are forced off
    let (id, _) = t
        .init_ok(&t.b.access_token, direct("MUTUAL_FOLLOW_FRIENDS", small()))
        .await;
    let p =
        t.e.sb
            .tiktok_publishes()
            .into_iter()
            .find(|p| p.publish_id == id)
            .unwrap();
    assert!(p.disable_duet && p.disable_stitch && !p.disable_comment);
    assert_eq!(p.video_cover_timestamp_ms, Some(1000));
    assert!(id.starts_with("v_pub_file~v2-1."), "{id}");
}

#[tokio::test]
async fn unaudited_client_posts_only_self_only_to_private_accounts() {
    let t = tt_with(Seed {
        tiktok_audited: false,
        ..tt_seed()
    })
    .await;
    let small = || file_source(3_000_000, 3_000_000, 1);
    // A is public: refused whatever the privacy
    for privacy in ["SELF_ONLY", "PUBLIC_TO_EVERYONE"] {
        let (s, v) = t.init(&t.a.access_token, direct(privacy, small())).await;
        assert_eq!(s, 403, "{v}");
        assert_tt_error(&v, "unaudited_client_can_only_post_to_private_accounts");
    }
    // B is private: SELF_ONLY only
    let (s, v) = t
        .init(&t.b.access_token, direct("MUTUAL_FOLLOW_FRIENDS", small()))
        .await;
    assert_eq!(s, 403);
    assert_tt_error(&v, "unaudited_client_can_only_post_to_private_accounts");
    let (s, v) = t
        .init(&t.b.access_token, direct("SELF_ONLY", small()))
        .await;
    assert_eq!(s, 200, "{v}");
}

#[tokio::test]
async fn seventh_init_in_a_minute_is_429() {
    // the documented limits: 6 inits and 30 status calls per token per minute
    let t = tt_with(Seed {
        tiktok_processing: VideoProcessing::RealTime(Duration::from_millis(100)),
        ..fast_seed()
    })
    .await;
    let small = || direct("SELF_ONLY", file_source(3_000_000, 3_000_000, 1));
    let mut first = String::new();
    for i in 0..6 {
        let (id, _) = t.init_ok(&t.a.access_token, small()).await;
        if i == 0 {
            first = id;
        }
    }
    let (s, v) = t.init(&t.a.access_token, small()).await;
    assert_eq!(s, 429);
    assert_tt_error(&v, "rate_limit_exceeded");
    // per token: B is fine
    t.init_ok(&t.b.access_token, small()).await;
    // status: 30 per minute
    for _ in 0..30 {
        assert_eq!(t.status_as(&t.a.access_token, &first).await.0, 200);
    }
    let (s, v) = t.status_as(&t.a.access_token, &first).await;
    assert_eq!(s, 429);
    assert_tt_error(&v, "rate_limit_exceeded");
    // the window slides on the sandbox clock
    t.e.sb.clock().advance(Duration::from_secs(61));
    t.init_ok(&t.a.access_token, small()).await;
    assert_eq!(t.status_as(&t.a.access_token, &first).await.0, 200);
    // 21st creator_info in a minute
    for _ in 0..20 {
        assert_eq!(t.creator_info(&t.b.access_token).await.0, 200);
    }
    assert_eq!(t.creator_info(&t.b.access_token).await.0, 429);
}

// ---- uploads -------------------------------------------------------------------------------

#[tokio::test]
async fn direct_post_streamed_from_disk_in_chunks_goes_live_once() {
    let t = tt().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.mp4");
    let size = 25_000_000u64;
    let chunk = 6_000_000u64;
    let crc = write_video(&path, size);
    // the creator info comes first, as the guidelines want
    let (_, info) = t.creator_info(&t.a.access_token).await;
    let privacy = info["data"]["privacy_level_options"][0]
        .as_str()
        .unwrap()
        .to_string();
    let (id, url) = t
        .init_ok(
            &t.a.access_token,
            direct(&privacy, file_source(size, chunk, size / chunk)),
        )
        .await;
    let status = t.status(&id).await;
    assert_eq!(status["status"], "PROCESSING_UPLOAD");
    assert_eq!(status["uploaded_bytes"], 0);
    let count = size / chunk;
    for i in 0..count {
        let first = i * chunk;
        let len = if i + 1 == count { size - first } else { chunk };
        let r = t
            .put(&url, read_range(&path, first, len), first, size)
            .await;
        let range = r.headers()["content-range"].to_str().unwrap().to_string();
        assert_eq!(range, format!("bytes 0-{}/{size}", first + len - 1));
        if i + 1 < count {
            assert_eq!(r.status().as_u16(), 206);
            let s = t.status(&id).await;
            assert_eq!(s["status"], "PROCESSING_UPLOAD");
            assert_eq!(s["uploaded_bytes"], first + len);
        } else {
            assert_eq!(r.status().as_u16(), 201);
        }
    }
    let done = t.settled(&t.a.access_token, &id).await;
    assert_eq!(done["status"], "PUBLISH_COMPLETE", "{done}");
    assert_eq!(done["uploaded_bytes"], size);
    assert!(done.get("fail_reason").is_none());

    let uploads = t.e.sb.tiktok_uploads();
    assert_eq!(uploads.len(), 1);
    let u = &uploads[0];
    assert!(u.complete);
    assert_eq!(u.received_bytes, size);
    assert_eq!(u.crc32, crc, "the file arrived whole");
    assert_eq!(u.content_type.as_deref(), Some("video/mp4"));
    let ranges: Vec<&str> = u.chunks.iter().map(|c| c.content_range.as_str()).collect();
    assert_eq!(
        ranges,
        [
            "bytes 0-5999999/25000000",
            "bytes 6000000-11999999/25000000",
            "bytes 12000000-17999999/25000000",
            "bytes 18000000-24999999/25000000",
        ]
    );
    assert_eq!(
        u.chunks.iter().map(|c| c.status).collect::<Vec<_>>(),
        [206, 206, 206, 201]
    );
    assert!(u.refused.is_empty());

    // exactly one live post, whoever looks and however often
    t.status(&id).await;
    let live = t.tiktok_live();
    assert_eq!(live.len(), 1, "{live:?}");
    let post = &live[0];
    assert_eq!(post.kind, "video");
    assert_eq!(post.account_id, t.a.open_id);
    assert_eq!(post.message.as_deref(), Some("Fresh #bread @sandbox"));
    assert_eq!(post.publish_id.as_deref(), Some(id.as_str()));
    assert_eq!(post.privacy_level.as_deref(), Some("PUBLIC_TO_EVERYONE"));
    assert!(post
        .permalink
        .as_deref()
        .unwrap()
        .starts_with("https://www.tiktok.com/@sandbox.bakery/video/"));
    // the public id: a JSON number beyond 2^53, the live post's id
    let (_, raw) = t.status_as(&t.a.access_token, &id).await;
    let ids = raw["data"]["publicaly_available_post_id"]
        .as_array()
        .unwrap();
    assert_eq!(ids.len(), 1);
    assert!(ids[0].is_u64(), "a number, not a string: {raw}");
    let n = ids[0].as_u64().unwrap();
    assert!(n > 1 << 53);
    assert_eq!(n.to_string(), post.post_id);
    let p = &t.e.sb.tiktok_publishes()[0];
    assert_eq!(p.status, "PUBLISH_COMPLETE");
    assert_eq!(p.post_id.as_deref(), Some(post.post_id.as_str()));
}

#[tokio::test]
async fn wrong_chunks_are_refused_and_the_offset_stays() {
    let t = tt().await;
    let size = 25_000_000u64;
    let chunk = 6_000_000u64;
    let (id, url) = t
        .init_ok(
            &t.a.access_token,
            direct("SELF_ONLY", file_source(size, chunk, 4)),
        )
        .await;
    let body = |n: u64| mp4(n as usize);
    let r = t.put(&url, body(chunk), 0, size).await;
    assert_eq!(r.status().as_u16(), 206);

    // a start that is not the expected offset → 400, the offset unchanged
    let r = t.put(&url, body(chunk), 2 * chunk, size).await;
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(
        r.headers()["content-range"].to_str().unwrap(),
        "bytes 0-5999999/25000000"
    );
    let (_, v) = json_of(r).await;
    assert_tt_error(&v, "invalid_params");
    assert_eq!(t.e.sb.tiktok_uploads()[0].received_bytes, chunk);
    assert_eq!(t.status(&id).await["uploaded_bytes"], chunk);
    // a total that is not the video_size → 416
    let r = t.put(&url, body(chunk), chunk, size + 1).await;
    assert_eq!(r.status().as_u16(), 416);
    // a range past the end of the file → 416
    let r =
        t.e.http
            .put(&url)
            .header("Content-Type", "video/mp4")
            .header(
                "Content-Range",
                format!("bytes {chunk}-18446744073709551615/{size}"),
            )
            .body(body(chunk))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status().as_u16(), 416);
    // a range whose length is not the Content-Length → 400
    let r =
        t.e.http
            .put(&url)
            .header("Content-Type", "video/mp4")
            .header(
                "Content-Range",
                format!("bytes {chunk}-{}/{size}", 2 * chunk - 2),
            )
            .body(body(chunk))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    // a non-final chunk that is not chunk_size → 400
    let r = t.put(&url, body(chunk + 1), chunk, size).await;
    assert_eq!(r.status().as_u16(), 400);
    let (_, v) = json_of(r).await;
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Chunk 2 of 4"),
        "{v}"
    );
    // a Content-Type that is not a video → 400
    let r =
        t.e.http
            .put(&url)
            .header("Content-Type", "application/octet-stream")
            .header(
                "Content-Range",
                format!("bytes {chunk}-{}/{size}", 2 * chunk - 1),
            )
            .body(body(chunk))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    // no upload task: 404 (unknown id, wrong token)
    let r = t
        .put(
            &url.replace("upload_id=", "upload_id=9"),
            body(chunk),
            chunk,
            size,
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
    let r = t
        .put(
            &url.replace("upload_token=", "upload_token=x"),
            body(chunk),
            chunk,
            size,
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
    let u = &t.e.sb.tiktok_uploads()[0];
    assert_eq!(u.received_bytes, chunk);
    assert_eq!(u.chunks.len(), 1);
    assert_eq!(
        u.refused.iter().map(|c| c.status).collect::<Vec<_>>(),
        [400, 416, 416, 400, 400, 400]
    );
    assert_eq!(
        u.refused[0].content_range,
        "bytes 12000000-17999999/25000000"
    );
    // the right chunk still goes through
    let r = t.put(&url, body(chunk), chunk, size).await;
    assert_eq!(r.status().as_u16(), 206);

    // the upload URL dies an hour after the init (sandbox clock)
    t.e.sb.clock().advance(Duration::from_secs(3601));
    let r = t.put(&url, body(chunk), 2 * chunk, size).await;
    assert_eq!(r.status().as_u16(), 403);
    let done = t.settled(&t.a.access_token, &id).await;
    assert_eq!(done["status"], "FAILED");
    assert!(t.tiktok_live().is_empty());
}

#[tokio::test]
async fn resume_after_a_connection_dropped_mid_chunk() {
    let t = tt().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.mp4");
    let size = 25_000_000u64;
    let chunk = 6_000_000u64;
    let crc = write_video(&path, size);
    let (id, url) = t
        .init_ok(
            &t.a.access_token,
            direct("MUTUAL_FOLLOW_FRIENDS", file_source(size, chunk, 4)),
        )
        .await;
    let part = |i: u64| {
        let first = i * chunk;
        let len = if i == 3 { size - first } else { chunk };
        (read_range(&path, first, len), first)
    };
    for i in 0..2 {
        let (bytes, first) = part(i);
        assert_eq!(t.put(&url, bytes, first, size).await.status().as_u16(), 206);
    }
    // the connection goes down a megabyte into chunk 3
    t.e.sb.faults().add(
        FaultRule::new(FaultAction::DropMidBody {
            after_bytes: 1_000_000,
        })
        .host("tiktok-upload")
        .method("PUT"),
    );
    let (bytes, first) = part(2);
    let last = first + bytes.len() as u64 - 1;
    let r =
        t.e.http
            .put(&url)
            .header("Content-Type", "video/mp4")
            .header("Content-Range", format!("bytes {first}-{last}/{size}"))
            .body(bytes)
            .send()
            .await;
    assert!(r.is_err(), "the connection is dropped: {r:?}");
    let entry = t.e.sb.journal().pop().unwrap();
    assert_eq!(entry.host, "tiktok-upload");
    assert_eq!(entry.path, "/video/");
    assert!(entry.query.contains("upload_id="));
    assert_eq!(entry.fault.as_deref(), Some("drop_mid_body"));
    assert_eq!(entry.status, None);
    // nothing of chunk 3 counts: resume from the offset the status reports
    let s = t.status(&id).await;
    assert_eq!(s["status"], "PROCESSING_UPLOAD");
    assert_eq!(s["uploaded_bytes"], 2 * chunk);
    let (bytes, first) = part(2);
    assert_eq!(t.put(&url, bytes, first, size).await.status().as_u16(), 206);
    // a 5xx on the last chunk: retry the same range
    t.e.sb.faults().add(
        FaultRule::new(FaultAction::Status {
            status: 503,
            body: None,
        })
        .host("tiktok-upload"),
    );
    let (bytes, first) = part(3);
    let r = t.put(&url, bytes.clone(), first, size).await;
    assert_eq!(r.status().as_u16(), 503);
    let (_, v) = json_of(r).await;
    assert_tt_error(&v, "internal_error");
    assert_eq!(t.put(&url, bytes, first, size).await.status().as_u16(), 201);

    let done = t.settled(&t.a.access_token, &id).await;
    assert_eq!(done["status"], "PUBLISH_COMPLETE");
    // not public: no public id
    assert_eq!(done["publicaly_available_post_id"], json!([]));
    let u = &t.e.sb.tiktok_uploads()[0];
    assert_eq!(u.crc32, crc);
    assert_eq!(u.chunks.len(), 4);
    assert_eq!(t.tiktok_live().len(), 1);
}

#[tokio::test]
async fn inbox_upload_is_sent_to_the_user_inbox() {
    let t = tt_with(Seed {
        tiktok_pending_share_cap: 1,
        ..tt_seed()
    })
    .await;
    let size = 3_000_000u64;
    let source = json!({"source_info": file_source(size, size, 1)});
    // B did not grant video.upload
    let (s, v) = t
        .post(
            &t.b.access_token,
            "/v2/post/publish/inbox/video/init/",
            &source,
        )
        .await;
    assert_eq!(s, 401);
    assert_tt_error(&v, "scope_not_authorized");
    let (s, v) = t
        .post(
            &t.a.access_token,
            "/v2/post/publish/inbox/video/init/",
            &source,
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let id = v["data"]["publish_id"].as_str().unwrap().to_string();
    assert!(id.starts_with("v_inbox_file~v2."), "{id}");
    let url = v["data"]["upload_url"].as_str().unwrap().to_string();
    assert_eq!(
        t.put(&url, mp4(size as usize), 0, size)
            .await
            .status()
            .as_u16(),
        201
    );
    let done = t.settled(&t.a.access_token, &id).await;
    assert_eq!(done["status"], "SEND_TO_USER_INBOX", "{done}");
    assert_eq!(done["publicaly_available_post_id"], json!([]));
    // a draft is not a live post
    assert!(t.tiktok_live().is_empty());
    let p = &t.e.sb.tiktok_publishes()[0];
    assert_eq!(p.flow, "INBOX");
    assert_eq!(p.status, "SEND_TO_USER_INBOX");
    // one pending draft is the cap here
    let (s, v) = t
        .post(
            &t.a.access_token,
            "/v2/post/publish/inbox/video/init/",
            &source,
        )
        .await;
    assert_eq!(s, 403);
    assert_tt_error(&v, "spam_risk_too_many_pending_share");
    // the creator posts it from the app
    assert!(t.e.sb.tiktok_post_from_inbox(&id));
    assert!(!t.e.sb.tiktok_post_from_inbox(&id), "only once");
    assert_eq!(t.status(&id).await["status"], "PUBLISH_COMPLETE");
    let live = t.tiktok_live();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].from_inbox, Some(true));
    assert_eq!(live[0].privacy_level, None);
    // no longer pending
    let (s, _) = t
        .post(
            &t.a.access_token,
            "/v2/post/publish/inbox/video/init/",
            &source,
        )
        .await;
    assert_eq!(s, 200);
}

// ---- PULL_FROM_URL -------------------------------------------------------------------------

#[tokio::test]
async fn pull_from_url_video_is_downloaded_from_a_verified_host() {
    let t = tt().await;
    let url = t.files.put("clip.mp4", mp4(2_000_000));
    let (s, v) = t
        .init(
            &t.a.access_token,
            direct(
                "SELF_ONLY",
                json!({"source": "PULL_FROM_URL", "video_url": url}),
            ),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let id = v["data"]["publish_id"].as_str().unwrap().to_string();
    assert!(id.starts_with("v_pub_url~"), "{id}");
    assert!(v["data"].get("upload_url").is_none());
    let done = t.settled(&t.a.access_token, &id).await;
    assert_eq!(done["status"], "PUBLISH_COMPLETE", "{done}");
    assert_eq!(done["downloaded_bytes"], 2_000_000);
    assert_eq!(t.files.hits("clip.mp4"), 1);
    assert_eq!(t.tiktok_live().len(), 1);
    // not a video, not there
    t.files
        .put("notes.txt", b"hello there, not a video".to_vec());
    for (name, reason) in [
        ("notes.txt", "file_format_check_failed"),
        ("gone.mp4", "video_pull_failed"),
    ] {
        let (id, _) = t
            .init_ok(
                &t.a.access_token,
                direct(
                    "SELF_ONLY",
                    json!({"source": "PULL_FROM_URL", "video_url": format!("{}/{name}", t.files.base)}),
                ),
            )
            .await;
        let done = t.settled(&t.a.access_token, &id).await;
        assert_eq!(done["status"], "FAILED");
        assert_eq!(done["fail_reason"], reason);
    }
    // localhost is not a verified property
    let other = t.files.base.replace("127.0.0.1", "localhost") + "/clip.mp4";
    let (s, v) = t
        .init(
            &t.a.access_token,
            direct(
                "SELF_ONLY",
                json!({"source": "PULL_FROM_URL", "video_url": other}),
            ),
        )
        .await;
    assert_eq!(s, 403);
    assert_tt_error(&v, "url_ownership_unverified");
    assert_eq!(t.tiktok_live().len(), 1);

    // nothing verified at all
    let t = tt_with(Seed {
        tiktok_verified_url_prefixes: Vec::new(),
        ..tt_seed()
    })
    .await;
    let url = t.files.put("clip.mp4", mp4(1000));
    let (s, v) = t
        .init(
            &t.a.access_token,
            direct(
                "SELF_ONLY",
                json!({"source": "PULL_FROM_URL", "video_url": url}),
            ),
        )
        .await;
    assert_eq!(s, 403);
    assert_tt_error(&v, "url_ownership_unverified");
    assert_eq!(t.files.hits("clip.mp4"), 0);
}

#[tokio::test]
async fn cancel_stops_a_download_only() {
    let t = tt().await;
    let url = t.files.put("slow-clip.mp4", mp4(100_000));
    let (id, _) = t
        .init_ok(
            &t.a.access_token,
            direct(
                "SELF_ONLY",
                json!({"source": "PULL_FROM_URL", "video_url": url}),
            ),
        )
        .await;
    assert_eq!(t.status(&id).await["status"], "PROCESSING_DOWNLOAD");
    let (s, v) = t
        .post(
            &t.a.access_token,
            "/v2/post/publish/cancel/",
            &json!({ "publish_id": id }),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["error"]["code"], "ok");
    let s = t.status(&id).await;
    assert_eq!(s["status"], "FAILED");
    assert_eq!(s["fail_reason"], "publish_cancelled");
    // the download ends later and changes nothing
    tokio::time::sleep(Duration::from_millis(1800)).await;
    assert_eq!(t.status(&id).await["fail_reason"], "publish_cancelled");
    assert!(t.tiktok_live().is_empty());
    // a cancelled or FILE_UPLOAD publish cannot be cancelled
    let (file_id, _) = t
        .init_ok(
            &t.a.access_token,
            direct("SELF_ONLY", file_source(3_000_000, 3_000_000, 1)),
        )
        .await;
    for target in [&id, &file_id] {
        let (s, v) = t
            .post(
                &t.a.access_token,
                "/v2/post/publish/cancel/",
                &json!({ "publish_id": target }),
            )
            .await;
        assert_eq!(s, 400);
        assert_tt_error(&v, "publish_not_cancellable");
    }
}

// ---- photos --------------------------------------------------------------------------------

fn photo_body(mode: &str, urls: &[String], cover: u64) -> Value {
    json!({
        "media_type": "PHOTO",
        "post_mode": mode,
        "post_info": {"title": "Two loaves", "description": "Fresh this morning #bread",
            "privacy_level": "PUBLIC_TO_EVERYONE", "disable_comment": true, "auto_add_music": true,
            "brand_content_toggle": false, "brand_organic_toggle": true},
        "source_info": {"source": "PULL_FROM_URL", "photo_cover_index": cover, "photo_images": urls},
    })
}

#[tokio::test]
async fn photo_post_with_two_images_from_a_local_server() {
    let t = tt().await;
    let urls = vec![
        t.files.put("one.jpg", jpeg(40_000)),
        t.files.put("two.webp", webp(30_000)),
    ];
    let (s, v) = t
        .post(
            &t.a.access_token,
            "/v2/post/publish/content/init/",
            &photo_body("DIRECT_POST", &urls, 1),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let id = v["data"]["publish_id"].as_str().unwrap().to_string();
    assert!(id.starts_with("p_pub_url~v2."), "{id}");
    let done = t.settled(&t.a.access_token, &id).await;
    assert_eq!(done["status"], "PUBLISH_COMPLETE", "{done}");
    assert_eq!(done["downloaded_bytes"], 70_000);
    assert_eq!(t.files.hits("one.jpg"), 1);
    assert_eq!(t.files.hits("two.webp"), 1);
    let live = t.tiktok_live();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].kind, "photo");
    assert_eq!(live[0].media_count, 2);
    assert_eq!(live[0].title.as_deref(), Some("Two loaves"));
    assert_eq!(
        live[0].message.as_deref(),
        Some("Fresh this morning #bread")
    );
    let p = &t.e.sb.tiktok_publishes()[0];
    assert_eq!(p.photo_images, urls);
    assert_eq!(p.photo_cover_index, Some(1));
    assert_eq!(p.auto_add_music, Some(true));
    assert!(p.brand_organic_toggle);

    // the checks
    let title = |n: usize| {
        let mut b = photo_body("DIRECT_POST", &urls, 0);
        b["post_info"]["title"] = json!("a".repeat(n));
        b
    };
    let many: Vec<String> = (0..36).map(|_| urls[0].clone()).collect();
    let mut video = photo_body("DIRECT_POST", &urls, 0);
    video["media_type"] = json!("VIDEO");
    let mut file = photo_body("DIRECT_POST", &urls, 0);
    file["source_info"]["source"] = json!("FILE_UPLOAD");
    for bad in [
        title(91),
        photo_body("DIRECT_POST", &many, 0),
        photo_body("DIRECT_POST", &[], 0),
        photo_body("DIRECT_POST", &urls, 2),
        photo_body("DIRECT POST", &urls, 0),
        video,
        file,
    ] {
        let (s, v) = t
            .post(&t.a.access_token, "/v2/post/publish/content/init/", &bad)
            .await;
        assert_eq!(s, 400, "{bad}: {v}");
        assert_tt_error(&v, "invalid_params");
    }
    let (s, _) = t
        .post(
            &t.a.access_token,
            "/v2/post/publish/content/init/",
            &title(90),
        )
        .await;
    assert_eq!(s, 200);
    let unverified = vec![urls[0].replace("127.0.0.1", "localhost")];
    let (s, v) = t
        .post(
            &t.a.access_token,
            "/v2/post/publish/content/init/",
            &photo_body("DIRECT_POST", &unverified, 0),
        )
        .await;
    assert_eq!(s, 403);
    assert_tt_error(&v, "url_ownership_unverified");
    // B cannot upload drafts, and its options lack PUBLIC_TO_EVERYONE
    let (s, v) = t
        .post(
            &t.b.access_token,
            "/v2/post/publish/content/init/",
            &photo_body("MEDIA_UPLOAD", &urls, 0),
        )
        .await;
    assert_eq!(s, 401);
    assert_tt_error(&v, "scope_not_authorized");
    let (s, v) = t
        .post(
            &t.b.access_token,
            "/v2/post/publish/content/init/",
            &photo_body("DIRECT_POST", &urls, 0),
        )
        .await;
    assert_eq!(s, 403);
    assert_tt_error(&v, "privacy_level_option_mismatch");
    // PNG is not accepted; a missing image fails the pull
    let bad = vec![urls[0].clone(), t.files.put("three.png", png(5000))];
    let missing = vec![format!("{}/missing.jpg", t.files.base)];
    for (list, reason) in [
        (bad, "file_format_check_failed"),
        (missing, "photo_pull_failed"),
    ] {
        let (s, v) = t
            .post(
                &t.a.access_token,
                "/v2/post/publish/content/init/",
                &photo_body("DIRECT_POST", &list, 0),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        let id = v["data"]["publish_id"].as_str().unwrap().to_string();
        let done = t.settled(&t.a.access_token, &id).await;
        assert_eq!(done["status"], "FAILED");
        assert_eq!(done["fail_reason"], reason);
    }
    // a draft: MEDIA_UPLOAD
    let (s, v) = t
        .post(
            &t.a.access_token,
            "/v2/post/publish/content/init/",
            &photo_body("MEDIA_UPLOAD", &urls, 0),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let id = v["data"]["publish_id"].as_str().unwrap().to_string();
    assert!(id.starts_with("p_inbox_url~v2."), "{id}");
    assert_eq!(
        t.settled(&t.a.access_token, &id).await["status"],
        "SEND_TO_USER_INBOX"
    );
}

// ---- status --------------------------------------------------------------------------------

#[tokio::test]
async fn status_errors_fail_reasons_and_public_ids() {
    let t = tt().await;
    let (s, v) = t
        .status_as(&t.a.access_token, "v_pub_file~v2-1.123456789")
        .await;
    assert_eq!(s, 400);
    assert_tt_error(&v, "invalid_publish_id");
    let (s, v) = t
        .post(
            &t.a.access_token,
            "/v2/post/publish/status/fetch/",
            &json!({}),
        )
        .await;
    assert_eq!(s, 400);
    assert_tt_error(&v, "invalid_params");
    let (id, done) = t.post_small(&t.a.access_token, "SELF_ONLY").await;
    assert_eq!(done["status"], "PUBLISH_COMPLETE");
    // SELF_ONLY posts never get a public id
    assert_eq!(done["publicaly_available_post_id"], json!([]));
    let (s, v) = t.status_as(&t.b.access_token, &id).await;
    assert_eq!(s, 400);
    assert_tt_error(&v, "token_not_authorized_for_specified_publish_id");

    // an injected fail_reason: FAILED, nothing live
    t.e.sb.tiktok_set_fail_reason(Some("spam_risk_text"));
    let (_, done) = t.post_small(&t.a.access_token, "PUBLIC_TO_EVERYONE").await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["fail_reason"], "spam_risk_text");
    assert_eq!(t.tiktok_live().len(), 1);
    t.e.sb.tiktok_set_fail_reason(None);

    // a file that is not a video
    let size = 3_000_000u64;
    let (id, url) = t
        .init_ok(
            &t.a.access_token,
            direct("SELF_ONLY", file_source(size, size, 1)),
        )
        .await;
    assert_eq!(
        t.put(&url, jpeg(size as usize), 0, size)
            .await
            .status()
            .as_u16(),
        201
    );
    let done = t.settled(&t.a.access_token, &id).await;
    assert_eq!(done["fail_reason"], "file_format_check_failed");

    // the mode that never fills publicaly_available_post_id
    let t = tt_with(Seed {
        tiktok_fill_public_post_id: false,
        ..tt_seed()
    })
    .await;
    let (_, done) = t.post_small(&t.a.access_token, "PUBLIC_TO_EVERYONE").await;
    assert_eq!(done["status"], "PUBLISH_COMPLETE");
    assert_eq!(done["publicaly_available_post_id"], json!([]));
    assert_eq!(t.tiktok_live().len(), 1);

    // moderation on the sandbox clock: the id comes after it
    let t = tt_with(Seed {
        tiktok_moderation: VideoProcessing::SandboxClock(Duration::from_secs(60)),
        ..tt_seed()
    })
    .await;
    let (id, done) = t.post_small(&t.a.access_token, "PUBLIC_TO_EVERYONE").await;
    assert_eq!(done["publicaly_available_post_id"], json!([]));
    t.e.sb.clock().advance(Duration::from_secs(61));
    assert_eq!(
        t.status(&id).await["publicaly_available_post_id"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn removing_the_app_fails_unfinished_posts_with_auth_removed() {
    let t = tt().await;
    let size = 25_000_000u64;
    let (id, url) = t
        .init_ok(
            &t.a.access_token,
            direct("SELF_ONLY", file_source(size, 6_000_000, 4)),
        )
        .await;
    assert_eq!(
        t.put(&url, mp4(6_000_000), 0, size).await.status().as_u16(),
        206
    );
    assert!(t.e.sb.tiktok_deauthorize("sandbox.bakery"));
    let p =
        t.e.sb
            .tiktok_publishes()
            .into_iter()
            .find(|p| p.publish_id == id)
            .unwrap();
    assert_eq!(p.status, "FAILED");
    assert_eq!(p.fail_reason.as_deref(), Some("auth_removed"));
    assert_eq!(t.creator_info(&t.a.access_token).await.0, 401);
}

#[tokio::test]
async fn video_list_and_query_show_public_posts() {
    let mut seed = tt_seed();
    seed.tiktok_creators[0].scopes.push("video.list".into());
    seed.tiktok_fill_public_post_id = false;
    let t = tt_with(seed).await;
    t.post_small(&t.a.access_token, "PUBLIC_TO_EVERYONE").await;
    t.post_small(&t.a.access_token, "SELF_ONLY").await;
    let live = t.tiktok_live();
    assert_eq!(live.len(), 2);
    let (s, v) = t
        .post(
            &t.a.access_token,
            "/v2/video/list/?fields=id,title,create_time,share_url",
            &json!({"max_count": 20}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let videos = v["data"]["videos"].as_array().unwrap();
    assert_eq!(videos.len(), 1, "only the public one: {v}");
    assert_eq!(videos[0]["id"], live[0].post_id.as_str());
    assert_eq!(videos[0]["title"], "Fresh #bread @sandbox");
    assert_eq!(v["data"]["has_more"], false);
    let (s, v) = t
        .post(
            &t.a.access_token,
            "/v2/video/query/?fields=id,like_count",
            &json!({"filters": {"video_ids": [live[0].post_id, live[1].post_id]}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["videos"].as_array().unwrap().len(), 1);
    // B has no video.list
    let (s, v) = t
        .post(&t.b.access_token, "/v2/video/list/?fields=id", &json!({}))
        .await;
    assert_eq!(s, 401);
    assert_tt_error(&v, "scope_not_authorized");
}

// ---- faults, journal, control API ---------------------------------------------------------------

#[tokio::test]
async fn faults_and_the_journal_cover_the_tiktok_hosts() {
    let t = tt().await;
    t.e.sb.faults().add(
        FaultRule::new(FaultAction::Status {
            status: 500,
            body: None,
        })
        .host("tiktok")
        .path_contains("/video/init/"),
    );
    let small = || direct("SELF_ONLY", file_source(3_000_000, 3_000_000, 1));
    let (s, v) = t.init(&t.a.access_token, small()).await;
    assert_eq!(s, 500);
    assert_tt_error(&v, "internal_error");
    assert!(t.e.sb.tiktok_publishes().is_empty(), "not applied");
    // drop after apply: the publish exists, the client never heard of it
    t.e.sb.faults().add(
        FaultRule::new(FaultAction::DropAfterApply)
            .host("tiktok")
            .path_contains("/video/init/"),
    );
    let r =
        t.e.http
            .post(format!("{}/v2/post/publish/video/init/", t.api))
            .bearer_auth(&t.a.access_token)
            .json(&small())
            .send()
            .await;
    assert!(r.is_err());
    assert_eq!(t.e.sb.tiktok_publishes().len(), 1);
    // a delay on status
    t.e.sb.faults().add(
        FaultRule::new(FaultAction::Delay { ms: 200 })
            .host("tiktok")
            .path_contains("/status/"),
    );
    let id = t.e.sb.tiktok_publishes()[0].publish_id.clone();
    let started = std::time::Instant::now();
    t.status(&id).await;
    assert!(started.elapsed() >= Duration::from_millis(200));
    // 429 injected on status
    t.e.sb.faults().add(
        FaultRule::new(FaultAction::Status {
            status: 429,
            body: Some(json!({"data": {}, "error": {"code": "rate_limit_exceeded",
                "message": "slow down", "log_id": "20260101000000ABCDEF0123456789ABCD"}})),
        })
        .host("tiktok"),
    );
    let (s, v) = t.status_as(&t.a.access_token, &id).await;
    assert_eq!(s, 429);
    assert_eq!(v["error"]["code"], "rate_limit_exceeded");

    let j = t.e.sb.journal();
    let hosts: Vec<&str> = j.iter().map(|e| e.host.as_str()).collect();
    assert!(hosts.iter().all(|h| *h == "tiktok"), "{hosts:?}");
    let faults: Vec<Option<&str>> = j.iter().map(|e| e.fault.as_deref()).collect();
    assert_eq!(
        faults,
        [
            Some("status"),
            Some("drop_after_apply"),
            Some("delay"),
            Some("status")
        ]
    );
    assert_eq!(j[0].path, "/v2/post/publish/video/init/");
    assert_eq!(j[1].status, None);
    // unknown paths and methods
    let (s, v) = t
        .get(&t.a.access_token, "/v2/post/publish/status/fetch/")
        .await;
    assert_eq!(s, 404);
    assert_tt_error(&v, "not_found");
}

#[tokio::test]
async fn control_api_lists_tiktok_accounts_uploads_and_publishes() {
    let t = tt().await;
    let base = t.e.sb.base_url();
    let (_, v) = t.e.get(&format!("{base}/_sandbox/accounts")).await;
    assert_eq!(v["tiktok_client_key"], "sbx-tiktok-client-key");
    let creators = &v["tiktok_creators"];
    assert_eq!(creators[0]["username"], "sandbox.bakery");
    assert_eq!(creators[0]["access_token"], t.a.access_token.as_str());
    assert!(t.a.access_token.starts_with("act.sandbox-a"));
    assert!(t.a.refresh_token.starts_with("rft.sandbox-a"));
    assert_eq!(creators[0]["private_account"], false);
    assert_eq!(creators[1]["private_account"], true);
    let (id, _) = t.post_small(&t.a.access_token, "PUBLIC_TO_EVERYONE").await;
    let (_, v) = t.e.get(&format!("{base}/_sandbox/tiktok/publishes")).await;
    assert_eq!(v[0]["publish_id"], id.as_str());
    assert_eq!(v[0]["status"], "PUBLISH_COMPLETE");
    assert!(v[0]["publicaly_available_post_id"][0].is_u64());
    let (_, v) = t.e.get(&format!("{base}/_sandbox/tiktok/uploads")).await;
    assert_eq!(v[0]["complete"], true);
    assert_eq!(
        v[0]["chunks"][0]["content_range"],
        "bytes 0-2999999/3000000"
    );
    let (_, live) = t.e.get(&format!("{base}/_sandbox/live")).await;
    assert_eq!(live[0]["platform"], "tiktok");
    assert_eq!(live[0]["publish_id"], id.as_str());
    let (s, v) =
        t.e.post_json(
            &format!("{base}/_sandbox/tiktok/code"),
            &json!({"creator": "sandbox.studio", "redirect_uri": "http://127.0.0.1:9/cb/"}),
        )
        .await;
    assert_eq!(s, 200);
    let code = v["code"].as_str().unwrap();
    let (s, v) = t
        .oauth(&[
            ("client_key", &t.e.t.tiktok_client_key),
            ("client_secret", &t.e.t.tiktok_client_secret),
            ("code", code),
            ("grant_type", "authorization_code"),
            ("redirect_uri", "http://127.0.0.1:9/cb/"),
        ])
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["open_id"], t.b.open_id.as_str());

    // drop_mid_body over the control API
    let (s, v) = t
        .e
        .post_json(
            &format!("{base}/_sandbox/faults"),
            &json!({"host": "tiktok-upload", "action": {"kind": "drop_mid_body", "after_bytes": 1000}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        t.e.sb.faults().list()[0].action,
        FaultAction::DropMidBody { after_bytes: 1000 }
    );
    let (_, v) = t.e.get(&format!("{base}/_sandbox/faults")).await;
    assert_eq!(v[0]["action"]["kind"], "drop_mid_body");

    t.e.sb.reset();
    assert!(t.e.sb.faults().list().is_empty());
    assert!(t.e.sb.tiktok_publishes().is_empty());
    assert!(t.e.sb.tiktok_uploads().is_empty());
    assert!(t.e.sb.live().is_empty());
}
