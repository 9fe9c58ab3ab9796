//! Instagram API with Instagram Login: profile, containers (images fetched at creation,
//! videos in the background, resumable uploads), publishing, quota, read-back, comments,
//! rate limits, faults. Test media is served by a small local file server so the sandbox
//! really downloads it, as Meta does with presigned URLs.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use common::*;
use herald_sandbox::{FaultAction, FaultRule, Seed, VideoProcessing};
use serde_json::{json, Value};

// ---- a local media server ---------------------------------------------------------------

#[derive(Default)]
struct Store {
    files: HashMap<String, Vec<u8>>,
    hits: HashMap<String, u32>,
}

/// Serves bytes put under a name at `http://127.0.0.1:PORT/<name>` (query strings, like a
/// presigned URL's signature, are ignored) and counts the GETs.
struct Files {
    base: String,
    store: Arc<Mutex<Store>>,
}

async fn serve_file(State(store): State<Arc<Mutex<Store>>>, req: Request) -> Response {
    let name = req.uri().path().trim_start_matches('/').to_string();
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

    /// Serve `bytes` as `name`; the URL looks like a presigned S3 GET.
    fn put(&self, name: &str, bytes: Vec<u8>) -> String {
        self.store
            .lock()
            .unwrap()
            .files
            .insert(name.to_string(), bytes);
        format!(
            "{}/{name}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Amz-Signature=abc123",
            self.base
        )
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

/// A JPEG with a real frame header (SOF0) of `width`×`height`, padded to at least `len`.
fn jpeg_sized(width: u16, height: u16, len: usize) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    v.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    v.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08]);
    v.extend_from_slice(&height.to_be_bytes());
    v.extend_from_slice(&width.to_be_bytes());
    v.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    v.extend_from_slice(&[0xFF, 0xD9]);
    if v.len() < len {
        v.resize(len, 0);
    }
    v
}

fn square_jpeg() -> Vec<u8> {
    jpeg_sized(1080, 1080, 2048)
}

fn png() -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.resize(2048, 0);
    v
}

// ---- the Instagram test environment --------------------------------------------------------

struct Ig {
    e: Env,
    files: Files,
    /// `<base>/instagram-graph/v25.0`
    ig: String,
    a: String,
    a_token: String,
    b: String,
    b_token: String,
}

fn ig_seed() -> Seed {
    Seed {
        instagram_video_processing: VideoProcessing::RealTime(Duration::from_millis(100)),
        ..fast_seed()
    }
}

/// Video containers stay `IN_PROGRESS` until the sandbox clock moves 60 s past the download.
fn clocked_seed() -> Seed {
    Seed {
        instagram_video_processing: VideoProcessing::SandboxClock(Duration::from_secs(60)),
        ..fast_seed()
    }
}

async fn ig_with(seed: Seed) -> Ig {
    let e = sandbox_with(seed).await;
    let a = e.t.instagram(0).expect("account A").clone();
    let b = e.t.instagram(1).expect("account B").clone();
    Ig {
        ig: format!("{}/instagram-graph/v25.0", e.sb.base_url()),
        files: Files::start().await,
        a: a.user_id,
        a_token: a.token,
        b: b.user_id,
        b_token: b.token,
        e,
    }
}

async fn ig() -> Ig {
    ig_with(ig_seed()).await
}

impl Ig {
    /// `POST /{user}/media` with a JSON body and `Authorization: Bearer`.
    async fn create_as(&self, token: &str, user: &str, body: Value) -> (u16, Value) {
        json_of(
            self.e
                .http
                .post(format!("{}/{user}/media", self.ig))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    async fn create(&self, body: Value) -> (u16, Value) {
        self.create_as(&self.a_token, &self.a, body).await
    }

    /// Create a container that must succeed; its id.
    async fn container(&self, body: Value) -> String {
        let (s, v) = self.create(body).await;
        assert_eq!(s, 200, "{v}");
        let id = v["id"].as_str().expect("id").to_string();
        assert_eq!(id.len(), 17, "{id}");
        id
    }

    async fn status_as(&self, token: &str, id: &str) -> Value {
        let (s, v) = self
            .e
            .get(&format!(
                "{}/{id}?fields=status_code,status,id&access_token={token}",
                self.ig
            ))
            .await;
        assert_eq!(s, 200, "{v}");
        v
    }

    async fn status(&self, id: &str) -> Value {
        self.status_as(&self.a_token, id).await
    }

    /// Poll until the container leaves `IN_PROGRESS`; its status.
    async fn settled(&self, id: &str) -> Value {
        eventually(10, || async {
            let v = self.status(id).await;
            (v["status_code"] != "IN_PROGRESS").then_some(v)
        })
        .await
    }

    /// Wait until the sandbox has the container's bytes (downloaded or uploaded).
    async fn downloaded(&self, id: &str) {
        eventually(10, || async {
            self.e
                .sb
                .instagram_containers()
                .into_iter()
                .find(|c| c.id == id && c.bytes > 0)
                .map(|_| ())
        })
        .await
    }

    /// `POST /{user}/media_publish?creation_id=…` (query transport).
    async fn publish_as(&self, token: &str, user: &str, creation_id: &str) -> (u16, Value) {
        self.e
            .post(
                &format!(
                    "{}/{user}/media_publish?creation_id={creation_id}&access_token={token}",
                    self.ig
                ),
                &[],
            )
            .await
    }

    async fn publish(&self, creation_id: &str) -> (u16, Value) {
        self.publish_as(&self.a_token, &self.a, creation_id).await
    }

    /// Create an image container, wait for it and publish it; the media id.
    async fn publish_image(&self, name: &str, caption: &str) -> String {
        let url = self.files.put(name, square_jpeg());
        let c = self
            .container(json!({"image_url": url, "caption": caption}))
            .await;
        assert_eq!(self.settled(&c).await["status_code"], "FINISHED");
        let (s, v) = self.publish(&c).await;
        assert_eq!(s, 200, "{v}");
        v["id"].as_str().unwrap().to_string()
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let sep = if path.contains('?') { '&' } else { '?' };
        self.e
            .get(&format!(
                "{}/{path}{sep}access_token={}",
                self.ig, self.a_token
            ))
            .await
    }
}

fn assert_error(v: &Value, code: i64, subcode: Option<i64>) {
    assert_graph_error(v, code, subcode);
}

// ---- profile and tokens ------------------------------------------------------------------------

#[tokio::test]
async fn me_reads_the_profile() {
    let t = ig().await;
    let fields = "user_id,username,name,account_type,profile_picture_url,followers_count,follows_count,media_count";
    let (s, v) = t.get(&format!("me?fields={fields}")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["user_id"], "17841400000000001", "user_id is a string");
    assert_eq!(v["username"], "sandbox.bakery");
    assert_eq!(v["name"], "Sandbox Bakery");
    assert_eq!(v["account_type"], "BUSINESS");
    assert_eq!(v["media_count"], 0);
    assert!(v["profile_picture_url"].is_string());
    assert!(v["id"].is_string());
    assert_ne!(v["id"], v["user_id"], "id is the app-scoped id");

    // Bearer, unversioned path, the IG user id as the node
    let (s, v) = json_of(
        t.e.http
            .get(format!(
                "{}/instagram-graph/{}?fields=username,account_type",
                t.e.sb.base_url(),
                t.a
            ))
            .bearer_auth(&t.a_token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["username"], "sandbox.bakery");

    // account B
    let (_, v) =
        t.e.get(&format!(
            "{}/me?fields=user_id,account_type&access_token={}",
            t.ig, t.b_token
        ))
        .await;
    assert_eq!(v["account_type"], "MEDIA_CREATOR");
    assert_eq!(v["user_id"], t.b.as_str());

    // a bad field fails the whole call
    let (s, v) = t.get("me?fields=user_id,nope").await;
    assert_eq!(s, 400);
    assert_error(&v, 100, None);
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Tried accessing nonexisting field (nope)"));

    // another account's node is not visible
    let (_, v) = t.get(&format!("{}?fields=username", t.b)).await;
    assert_error(&v, 100, Some(33));
}

#[tokio::test]
async fn unknown_missing_and_expired_tokens_are_190() {
    let t = ig().await;
    let (s, v) = t.e.get(&format!("{}/me?fields=user_id", t.ig)).await;
    assert_eq!(s, 400);
    assert_error(&v, 190, Some(467));
    let (_, v) =
        t.e.get(&format!("{}/me?access_token=IGAA-made-up", t.ig))
            .await;
    assert_error(&v, 190, Some(467));
    // a Facebook token is not an Instagram token
    let (_, v) =
        t.e.get(&format!("{}/me?access_token={}", t.ig, t.e.user_token))
            .await;
    assert_error(&v, 190, Some(467));

    // the long-lived token (60 days) expires on the sandbox clock
    t.e.sb.clock().advance(Duration::from_secs(61 * 24 * 3600));
    let (s, v) = t.get("me?fields=user_id").await;
    assert_eq!(s, 400);
    assert_error(&v, 190, Some(463));
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Session has expired"));
    // reset restores the seed
    t.e.sb.reset();
    assert_eq!(t.get("me?fields=user_id").await.0, 200);
}

// ---- publishing ------------------------------------------------------------------------------

#[tokio::test]
async fn single_image_end_to_end_with_permalink_read_back() {
    let t = ig().await;
    let jpeg = jpeg_sized(1080, 1350, 50_000);
    let url = t.files.put("bread.jpg", jpeg.clone());
    // form transport with access_token
    let (s, v) =
        t.e.post(
            &format!("{}/{}/media", t.ig, t.a),
            &[
                ("image_url", url.as_str()),
                ("caption", "Fresh bread #sourdough @sandbox.studio"),
                ("alt_text", "A loaf on a board"),
                ("access_token", &t.a_token),
            ],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let c = v["id"].as_str().unwrap().to_string();

    // the sandbox really downloaded the presigned URL, at creation
    assert_eq!(t.files.hits("bread.jpg"), 1);
    let containers = t.e.sb.instagram_containers();
    assert_eq!(containers.len(), 1);
    let rec = &containers[0];
    assert_eq!(rec.id, c);
    assert_eq!(rec.account_id, t.a);
    assert_eq!(rec.source_url.as_deref(), Some(url.as_str()));
    assert_eq!(rec.bytes, jpeg.len() as u64);
    assert!(!rec.by_rupload);
    assert_eq!((rec.width, rec.height), (Some(1080), Some(1350)));
    assert_eq!(rec.media_type, "IMAGE");

    // images are ready at once
    let v = t.status(&c).await;
    assert_eq!(v["status_code"], "FINISHED");
    assert_eq!(v["id"], c.as_str());
    assert!(
        t.e.sb.live().is_empty(),
        "nothing is live before media_publish"
    );

    let (s, v) = t.publish(&c).await;
    assert_eq!(s, 200, "{v}");
    let media = v["id"].as_str().unwrap().to_string();
    assert_eq!(media.len(), 17);
    assert!(media.bytes().all(|b| b.is_ascii_digit()));

    let live = t.e.sb.live();
    assert_eq!(live.len(), 1);
    let l = &live[0];
    assert_eq!(l.platform, "instagram");
    assert_eq!(l.account_id, t.a);
    assert_eq!(l.post_id, media);
    assert_eq!(l.kind, "image");
    assert_eq!(
        l.message.as_deref(),
        Some("Fresh bread #sourdough @sandbox.studio")
    );
    assert_eq!(l.media_count, 1);
    assert_eq!(l.media_product_type.as_deref(), Some("FEED"));
    assert_eq!(l.alt_text.as_deref(), Some("A loaf on a board"));
    assert_eq!(l.creation_id.as_deref(), Some(c.as_str()));

    // the container is PUBLISHED now
    assert_eq!(t.status(&c).await["status_code"], "PUBLISHED");

    // read-back
    let (s, v) = t
        .get(&format!(
            "{media}?fields=id,permalink,shortcode,timestamp,media_type,media_product_type,caption,alt_text,username,comments_count"
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    let shortcode = v["shortcode"].as_str().unwrap();
    assert_eq!(
        v["permalink"],
        format!("https://www.instagram.com/p/{shortcode}/")
    );
    assert_eq!(v["media_type"], "IMAGE");
    assert_eq!(v["media_product_type"], "FEED");
    assert_eq!(v["caption"], "Fresh bread #sourdough @sandbox.studio");
    assert_eq!(v["alt_text"], "A loaf on a board");
    assert_eq!(v["username"], "sandbox.bakery");
    assert!(v["timestamp"].as_str().unwrap().ends_with("+0000"));
    assert_eq!(l.permalink.as_deref(), v["permalink"].as_str());
    // an unknown media field
    let (_, v) = t.get(&format!("{media}?fields=id,views_count")).await;
    assert_error(&v, 100, None);

    let (_, v) = t.get("me?fields=media_count").await;
    assert_eq!(v["media_count"], 1);
    // B cannot see A's media
    let (_, v) =
        t.e.get(&format!("{}/{media}?access_token={}", t.ig, t.b_token))
            .await;
    assert_error(&v, 100, Some(33));
}

#[tokio::test]
async fn carousel_of_two_images_and_a_video() {
    let t = ig_with(clocked_seed()).await;
    let one = t.files.put("1.jpg", square_jpeg());
    let two = t.files.put("2.jpg", jpeg_sized(1080, 1350, 4096));
    let vid = t.files.put("3.mp4", mp4(200_000));
    let c1 = t
        .container(json!({"image_url": one, "is_carousel_item": true, "alt_text": "first"}))
        .await;
    let c2 = t
        .container(json!({"image_url": two, "is_carousel_item": "true"}))
        .await;
    let c3 = t
        .container(json!({"media_type": "VIDEO", "video_url": vid, "is_carousel_item": true}))
        .await;
    assert_eq!(t.status(&c1).await["status_code"], "FINISHED");
    assert_eq!(t.status(&c2).await["status_code"], "FINISHED");
    // the video is fetched in the background and then processed
    t.downloaded(&c3).await;
    assert_eq!(t.files.hits("3.mp4"), 1);
    assert_eq!(t.status(&c3).await["status_code"], "IN_PROGRESS");

    // a parent listing a child that is not FINISHED is refused
    let children = format!("{c1},{c2},{c3}");
    let (s, v) = t
        .create(json!({"media_type": "CAROUSEL", "children": children, "caption": "Three"}))
        .await;
    assert_eq!(s, 400);
    assert_error(&v, 24, Some(2207006));

    t.e.sb.clock().advance(Duration::from_secs(61));
    assert_eq!(t.status(&c3).await["status_code"], "FINISHED");
    let parent = t
        .container(json!({"media_type": "CAROUSEL", "children": children, "caption": "Three"}))
        .await;
    assert_eq!(t.settled(&parent).await["status_code"], "FINISHED");
    let (s, v) = t.publish(&parent).await;
    assert_eq!(s, 200, "{v}");
    let media = v["id"].as_str().unwrap().to_string();

    let live = t.e.sb.live();
    assert_eq!(live.len(), 1, "a carousel is one post");
    assert_eq!(live[0].kind, "carousel");
    assert_eq!(live[0].media_count, 3);
    assert_eq!(live[0].media_type.as_deref(), Some("CAROUSEL_ALBUM"));
    assert_eq!(live[0].message.as_deref(), Some("Three"));

    let (_, v) = t
        .get(&format!("{media}?fields=media_type,permalink,children"))
        .await;
    assert_eq!(v["media_type"], "CAROUSEL_ALBUM");
    assert!(v["permalink"].as_str().unwrap().contains("/p/"));
    assert_eq!(v["children"]["data"].as_array().unwrap().len(), 3);
    let (_, v) = t
        .get(&format!("{media}/children?fields=id,media_type,permalink"))
        .await;
    let kinds: Vec<&str> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["media_type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["IMAGE", "IMAGE", "VIDEO"]);
    assert!(
        v["data"][0].get("permalink").is_none(),
        "children have no permalink"
    );
    // the children were used up
    assert_eq!(t.status(&c1).await["status_code"], "PUBLISHED");
    let (_, v) = t
        .create(json!({"media_type": "CAROUSEL", "children": [c1, c2]}))
        .await;
    assert_error(&v, 24, Some(2207006));
}

#[tokio::test]
async fn reel_with_share_to_feed_thumb_offset_and_cover() {
    let t = ig().await;
    let video = mp4(300_000);
    let url = t.files.put("reel.mp4", video.clone());
    let cover = t.files.put("cover.jpg", jpeg_sized(1080, 1920, 3000));
    let c = t
        .container(json!({
            "media_type": "REELS", "video_url": url, "caption": "Behind the oven",
            "share_to_feed": false, "thumb_offset": 1500, "cover_url": cover,
        }))
        .await;
    assert_eq!(t.settled(&c).await["status_code"], "FINISHED");
    let rec = t.e.sb.instagram_containers().pop().unwrap();
    assert_eq!(rec.media_type, "REELS");
    assert_eq!(rec.bytes, video.len() as u64);
    assert_eq!(rec.share_to_feed, Some(false));
    assert_eq!(rec.thumb_offset, Some(1500));
    assert_eq!(rec.cover_bytes, Some(3000));
    assert_eq!(t.files.hits("cover.jpg"), 1);

    let (s, v) = t.publish(&c).await;
    assert_eq!(s, 200, "{v}");
    let media = v["id"].as_str().unwrap().to_string();
    let live = t.e.sb.live();
    assert_eq!(live[0].kind, "reel");
    assert_eq!(live[0].media_product_type.as_deref(), Some("REELS"));
    assert_eq!(live[0].share_to_feed, Some(false));
    let (_, v) = t
        .get(&format!(
            "{media}?fields=media_type,media_product_type,permalink,shortcode,is_shared_to_feed,thumbnail_url"
        ))
        .await;
    assert_eq!(v["media_type"], "VIDEO");
    assert_eq!(v["media_product_type"], "REELS");
    assert_eq!(v["is_shared_to_feed"], false);
    assert_eq!(
        v["permalink"],
        format!(
            "https://www.instagram.com/reel/{}/",
            v["shortcode"].as_str().unwrap()
        )
    );
    assert!(v["thumbnail_url"].is_string());
}

#[tokio::test]
async fn story_image_goes_live_as_a_story() {
    let t = ig().await;
    // 9:16 is fine for a story
    let url = t.files.put("story.jpg", jpeg_sized(1080, 1920, 4096));
    let (s, v) = t
        .create(json!({"media_type": "STORIES", "image_url": url, "caption": "no"}))
        .await;
    assert_eq!(s, 400, "no caption on stories");
    assert_error(&v, 100, None);
    let c = t
        .container(json!({"media_type": "STORIES", "image_url": url}))
        .await;
    assert_eq!(t.status(&c).await["status_code"], "FINISHED");
    let (s, v) = t.publish(&c).await;
    assert_eq!(s, 200, "{v}");
    let media = v["id"].as_str().unwrap().to_string();
    let live = t.e.sb.live();
    assert_eq!(live[0].kind, "story");
    assert_eq!(live[0].media_product_type.as_deref(), Some("STORY"));
    assert_eq!(live[0].media_type.as_deref(), Some("IMAGE"));
    let (_, v) = t
        .get(&format!("{media}?fields=media_product_type,permalink"))
        .await;
    assert_eq!(v["media_product_type"], "STORY");
    assert!(v["permalink"]
        .as_str()
        .unwrap()
        .starts_with("https://www.instagram.com/stories/sandbox.bakery/"));
    // stories are listed under /stories, not /media
    let (_, v) = t.get("me/media").await;
    assert_eq!(v["data"].as_array().unwrap().len(), 0);
    let (_, v) = t.get("me/stories?fields=id,media_product_type").await;
    assert_eq!(v["data"][0]["id"], media.as_str());
    // a story counts against the quota
    let (_, v) = t.get(&format!("{}/content_publishing_limit", t.a)).await;
    assert_eq!(v["data"][0]["quota_usage"], 1);
}

#[tokio::test]
async fn media_publish_before_finished_is_9007_then_succeeds() {
    let t = ig_with(clocked_seed()).await;
    let url = t.files.put("r.mp4", mp4(100_000));
    let c = t
        .container(json!({"media_type": "REELS", "video_url": url}))
        .await;
    t.downloaded(&c).await;
    let (s, v) = t.publish(&c).await;
    assert_eq!(s, 400);
    assert_error(&v, 9007, Some(2207027));
    let e = &v["error"];
    assert_eq!(e["message"], "Media ID is not available");
    assert_eq!(e["type"], "OAuthException");
    assert_eq!(e["is_transient"], false);
    assert_eq!(e["error_user_title"], "Cannot Publish");
    assert_eq!(
        e["error_user_msg"],
        "The media is not ready for publishing, please wait for a moment"
    );
    assert!(t.e.sb.live().is_empty());

    t.e.sb.clock().advance(Duration::from_secs(61));
    assert_eq!(t.status(&c).await["status_code"], "FINISHED");
    let (s, v) = t.publish(&c).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(t.e.sb.live().len(), 1);
}

#[tokio::test]
async fn publishing_twice_gives_one_live_post() {
    let t = ig().await;
    let url = t.files.put("a.jpg", square_jpeg());
    let c = t
        .container(json!({"image_url": url, "caption": "Once"}))
        .await;
    let (s, first) = t.publish(&c).await;
    assert_eq!(s, 200, "{first}");
    let (s, v) = t.publish(&c).await;
    assert_eq!(s, 400);
    assert_error(&v, 100, None);
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("already published"), "{msg}");
    assert!(msg.contains(first["id"].as_str().unwrap()), "{msg}");
    assert_eq!(t.e.sb.live().len(), 1);

    // two publishes racing for one container: exactly one wins
    let url = t.files.put("b.jpg", square_jpeg());
    let c = t.container(json!({"image_url": url})).await;
    let (x, y) = tokio::join!(t.publish(&c), t.publish(&c));
    let wins = [x.0, y.0].iter().filter(|s| **s == 200).count();
    assert_eq!(wins, 1, "{x:?} {y:?}");
    assert_eq!(t.e.sb.live().len(), 2);
}

#[tokio::test]
async fn drop_after_apply_on_media_publish_publishes_once() {
    let t = ig().await;
    let url = t.files.put("a.jpg", square_jpeg());
    let c = t
        .container(json!({"image_url": url, "caption": "Did it go through?"}))
        .await;
    t.e.sb.faults().add(
        FaultRule::new(FaultAction::DropAfterApply)
            .method("POST")
            .host("instagram-graph")
            .path_contains("/media_publish"),
    );
    let r =
        t.e.http
            .post(format!(
                "{}/{}/media_publish?creation_id={c}&access_token={}",
                t.ig, t.a, t.a_token
            ))
            .send()
            .await;
    assert!(r.is_err(), "the connection is dropped: {r:?}");
    let last = t.e.sb.journal().pop().unwrap();
    assert_eq!(last.host, "instagram-graph");
    assert_eq!(last.fault.as_deref(), Some("drop_after_apply"));
    assert_eq!(last.status, None);

    // what a client does next: look at the container, then the media list
    assert_eq!(t.status(&c).await["status_code"], "PUBLISHED");
    let live = t.e.sb.live();
    assert_eq!(live.len(), 1);
    let (_, v) = t.get("me/media?fields=id,caption").await;
    assert_eq!(v["data"][0]["id"], live[0].post_id.as_str());
    assert_eq!(v["data"][0]["caption"], "Did it go through?");
    // a blind retry does not publish again
    let (s, _) = t.publish(&c).await;
    assert_eq!(s, 400);
    assert_eq!(t.e.sb.live().len(), 1);
}

#[tokio::test]
async fn other_faults_apply_to_instagram_paths() {
    let t = ig().await;
    t.e.sb.faults().add(
        FaultRule::new(FaultAction::Status {
            status: 500,
            body: None,
        })
        .host("instagram-graph")
        .path_contains("/media"),
    );
    let url = t.files.put("a.jpg", square_jpeg());
    let (s, v) = t.create(json!({"image_url": url})).await;
    assert_eq!(s, 500);
    assert_error(&v, 2, None);
    assert_eq!(t.files.hits("a.jpg"), 0, "not applied");
    assert!(t.e.sb.instagram_containers().is_empty());
    // drop before apply
    t.e.sb.faults().add(
        FaultRule::new(FaultAction::Drop)
            .host("instagram-graph")
            .path_contains("/media"),
    );
    let r =
        t.e.http
            .post(format!("{}/{}/media", t.ig, t.a))
            .bearer_auth(&t.a_token)
            .json(&json!({"image_url": url}))
            .send()
            .await;
    assert!(r.is_err());
    assert!(t.e.sb.instagram_containers().is_empty());
    t.container(json!({"image_url": url})).await;
    let j = t.e.sb.journal();
    assert!(j.iter().all(|e| e.host == "instagram-graph"));
    assert_eq!(j.len(), 3);
}

// ---- creation errors -------------------------------------------------------------------------

#[tokio::test]
async fn creation_errors_have_the_documented_codes() {
    let t = ig().await;
    let good = t.files.put("good.jpg", square_jpeg());

    let cases: Vec<(&str, Value, i64, Option<i64>)> = vec![
        (
            "non-JPEG",
            json!({"image_url": t.files.put("p.png", png())}),
            36001,
            Some(2207005),
        ),
        (
            "JPEG without a frame header",
            json!({"image_url": t.files.put("bare.jpg", jpeg(4096))}),
            36001,
            Some(2207005),
        ),
        (
            "9:16 feed image",
            json!({"image_url": t.files.put("tall.jpg", jpeg_sized(1080, 1920, 4096))}),
            36003,
            Some(2207009),
        ),
        (
            "9:16 carousel image",
            json!({"image_url": t.files.put("tall2.jpg", jpeg_sized(1080, 1920, 4096)), "is_carousel_item": true}),
            36003,
            Some(2207009),
        ),
        (
            "over 8 MiB",
            json!({"image_url": t.files.put("big.jpg", jpeg_sized(1080, 1080, 8 * 1024 * 1024 + 1))}),
            36000,
            Some(2207004),
        ),
        (
            "404 URL",
            json!({"image_url": format!("{}/missing.jpg", t.files.base)}),
            9004,
            Some(2207052),
        ),
        (
            "2,201-character caption",
            json!({"image_url": good, "caption": "a".repeat(2201)}),
            36004,
            Some(2207010),
        ),
        (
            "31 hashtags",
            json!({"image_url": good, "caption": (0..31).map(|i| format!("#tag{i}")).collect::<Vec<_>>().join(" ")}),
            36004,
            Some(2207010),
        ),
        (
            "21 mentions",
            json!({"image_url": good, "caption": (0..21).map(|i| format!("@user{i}")).collect::<Vec<_>>().join(" ")}),
            100,
            Some(2207040),
        ),
        (
            "1 child",
            json!({"media_type": "CAROUSEL", "children": "17880000000000001"}),
            100,
            Some(2207028),
        ),
        (
            "11 children",
            json!({"media_type": "CAROUSEL", "children": (0..11).map(|i| format!("1788000000000010{i}")).collect::<Vec<_>>().join(",")}),
            100,
            Some(2207028),
        ),
        (
            "unknown media_type",
            json!({"media_type": "GIF", "image_url": good}),
            100,
            Some(2207023),
        ),
        (
            "caption on a carousel item",
            json!({"image_url": good, "is_carousel_item": true, "caption": "x"}),
            100,
            None,
        ),
        (
            "both URLs on a story",
            json!({"media_type": "STORIES", "image_url": good, "video_url": good}),
            100,
            None,
        ),
        ("neither URL", json!({"caption": "nothing"}), 100, None),
        (
            "reel without video_url",
            json!({"media_type": "REELS", "caption": "x"}),
            100,
            None,
        ),
        (
            "alt_text over 1,000 characters",
            json!({"image_url": good, "alt_text": "a".repeat(1001)}),
            100,
            None,
        ),
    ];
    for (name, body, code, sub) in cases {
        let (s, v) = t.create(body).await;
        assert_eq!(s, 400, "{name}: {v}");
        let e = &v["error"];
        assert_eq!(
            (e["code"].as_i64(), e["error_subcode"].as_i64()),
            (Some(code), sub),
            "{name}: {v}"
        );
        assert_graph_error(&v, code, sub);
    }
    assert!(
        t.e.sb.instagram_containers().is_empty(),
        "no container for a refused request"
    );
    // caption checks come before any download
    assert_eq!(t.files.hits("good.jpg"), 0);

    // an unreachable host
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (_, v) = t
        .create(json!({"image_url": format!("http://127.0.0.1:{closed}/x.jpg")}))
        .await;
    assert_error(&v, 9004, Some(2207052));

    // children that are not this account's FINISHED carousel items
    let single = t.container(json!({"image_url": good})).await;
    let item = t
        .container(json!({"image_url": good, "is_carousel_item": true}))
        .await;
    let (_, v) = t
        .create(json!({"media_type": "CAROUSEL", "children": format!("{single},{item}")}))
        .await;
    assert_error(&v, 24, Some(2207006));
    let url_b = t.files.put("b.jpg", square_jpeg());
    let (_, v) = t
        .create_as(
            &t.b_token,
            &t.b,
            json!({"image_url": url_b, "is_carousel_item": true}),
        )
        .await;
    let theirs = v["id"].as_str().unwrap().to_string();
    let (_, v) = t
        .create(json!({"media_type": "CAROUSEL", "children": [item, theirs]}))
        .await;
    assert_error(&v, 24, Some(2207006));
    let (_, v) = t
        .create(json!({"media_type": "CAROUSEL", "children": format!("{item},{item}")}))
        .await;
    assert_error(&v, 100, None);
    // a carousel item cannot be published alone
    let (_, v) = t.publish(&item).await;
    assert_error(&v, 100, None);
}

#[tokio::test]
async fn video_fetch_failures_put_the_container_in_error() {
    let t = ig().await;
    let missing = format!("{}/gone.mp4", t.files.base);
    let c = t
        .container(json!({"media_type": "REELS", "video_url": missing}))
        .await;
    let v = t.settled(&c).await;
    assert_eq!(v["status_code"], "ERROR");
    assert_eq!(
        v["status"],
        "Error: Media upload has failed with error code 2207052"
    );
    let (s, v) = t.publish(&c).await;
    assert_eq!(s, 400);
    assert_error(&v, -1, Some(2207032));

    // not an MP4/MOV
    let avi = t.files.put("clip.avi", b"RIFF\0\0\0\0AVI LIST".repeat(100));
    let c = t
        .container(json!({"media_type": "STORIES", "video_url": avi}))
        .await;
    let v = t.settled(&c).await;
    assert_eq!(v["status_code"], "ERROR");
    assert_eq!(
        v["status"],
        "Error: Media upload has failed with error code 2207026"
    );
    // a cover that is not a JPEG
    let url = t.files.put("r.mp4", mp4(10_000));
    let c = t
        .container(json!({"media_type": "REELS", "video_url": url, "cover_url": t.files.put("c.png", png())}))
        .await;
    assert_eq!(t.settled(&c).await["status_code"], "ERROR");
    assert!(t.e.sb.live().is_empty());
}

#[tokio::test]
async fn containers_expire_after_24_hours() {
    let t = ig().await;
    let url = t.files.put("a.jpg", square_jpeg());
    let c = t.container(json!({"image_url": url})).await;
    t.e.sb.clock().advance(Duration::from_secs(24 * 3600));
    let v = t.status(&c).await;
    assert_eq!(v["status_code"], "EXPIRED");
    let (_, v) = t.publish(&c).await;
    assert_error(&v, 24, Some(2207008));
    // unknown, and another account's container
    let (_, v) = t.publish("17889999999999999").await;
    assert_error(&v, 24, Some(2207008));
    let (_, v) = t
        .create_as(&t.b_token, &t.b, json!({"image_url": url}))
        .await;
    let theirs = v["id"].as_str().unwrap().to_string();
    let (_, v) = t.publish(&theirs).await;
    assert_error(&v, 24, Some(2207008));
    let (_, v) = t.get("17889999999999999?fields=status_code").await;
    assert_error(&v, 100, Some(33));
}

// ---- quota and limits ------------------------------------------------------------------------

#[tokio::test]
async fn quota_exhaustion_and_content_publishing_limit() {
    let mut seed = ig_seed();
    seed.instagram_quota_total = 3;
    seed.instagram_accounts[0].quota_usage = 1;
    let t = ig_with(seed).await;
    let limit = format!("{}/content_publishing_limit?fields=quota_usage,config", t.a);
    let (s, v) = t.get(&limit).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        v,
        json!({"data": [{"quota_usage": 1, "config": {"quota_total": 3, "quota_duration": 86400}}]})
    );
    // default fields: quota_usage only
    let (_, v) = t.get("me/content_publishing_limit").await;
    assert_eq!(v, json!({"data": [{"quota_usage": 1}]}));

    t.publish_image("1.jpg", "one").await;
    t.publish_image("2.jpg", "two").await;
    let (_, v) = t.get(&limit).await;
    assert_eq!(v["data"][0]["quota_usage"], 3);
    let since = t.e.now_secs() - 3600;
    let (_, v) = t.get(&format!("{limit}&since={since}")).await;
    assert_eq!(v["data"][0]["quota_usage"], 3);

    let url = t.files.put("3.jpg", square_jpeg());
    let c = t.container(json!({"image_url": url})).await;
    let (s, v) = t.publish(&c).await;
    assert_eq!(s, 400);
    assert_error(&v, 9, Some(2207042));
    assert_eq!(t.status(&c).await["status_code"], "FINISHED", "not used up");
    assert_eq!(t.e.sb.live().len(), 2);
    // B has its own quota
    let url_b = t.files.put("b.jpg", square_jpeg());
    let (_, v) = t
        .create_as(&t.b_token, &t.b, json!({"image_url": url_b}))
        .await;
    let (s, v) = t
        .publish_as(&t.b_token, &t.b, v["id"].as_str().unwrap())
        .await;
    assert_eq!(s, 200, "{v}");

    // the window rolls: 24 h later every slot is free again
    t.e.sb.clock().advance(Duration::from_secs(23 * 3600));
    let (_, v) = t.get(&limit).await;
    assert_eq!(v["data"][0]["quota_usage"], 3);
    t.e.sb.clock().advance(Duration::from_secs(3600));
    let (_, v) = t.get(&limit).await;
    assert_eq!(v["data"][0]["quota_usage"], 0);
    t.publish_image("4.jpg", "four").await;
}

#[tokio::test]
async fn container_limit_is_code_9() {
    let mut seed = ig_seed();
    seed.instagram_containers_per_day = 2;
    let t = ig_with(seed).await;
    let url = t.files.put("a.jpg", square_jpeg());
    t.container(json!({"image_url": url})).await;
    t.container(json!({"image_url": url})).await;
    let (s, v) = t.create(json!({"image_url": url})).await;
    assert_eq!(s, 400);
    assert_eq!(v["error"]["code"], 9, "{v}");
    t.e.sb.clock().advance(Duration::from_secs(24 * 3600));
    t.container(json!({"image_url": url})).await;
}

#[tokio::test]
async fn rate_limit_is_80002_with_the_buc_header() {
    let mut seed = ig_seed();
    seed.instagram_call_limit = 4;
    seed.instagram_rate_window = Duration::from_secs(600);
    let t = ig_with(seed).await;
    let read = format!("{}/me?fields=username&access_token={}", t.ig, t.a_token);
    let r = t.e.http.get(&read).send().await.unwrap();
    assert!(r.headers().get("x-business-use-case-usage").is_none());
    t.e.http.get(&read).send().await.unwrap();
    let r = t.e.http.get(&read).send().await.unwrap();
    let usage: Value =
        serde_json::from_str(r.headers()["x-business-use-case-usage"].to_str().unwrap()).unwrap();
    assert_eq!(usage[&t.a][0]["type"], "instagram");
    assert_eq!(usage[&t.a][0]["call_count"], 75);
    t.e.http.get(&read).send().await.unwrap();
    let r = t.e.http.get(&read).send().await.unwrap();
    let header: Value =
        serde_json::from_str(r.headers()["x-business-use-case-usage"].to_str().unwrap()).unwrap();
    let (s, v) = json_of(r).await;
    assert_eq!(s, 400);
    assert_error(&v, 80002, None);
    let regain = header[&t.a][0]["estimated_time_to_regain_access"]
        .as_i64()
        .unwrap();
    assert!((1..=10).contains(&regain), "{header}");
    // B has its own budget; the window rolls on
    let (s, _) =
        t.e.get(&format!("{}/me?access_token={}", t.ig, t.b_token))
            .await;
    assert_eq!(s, 200);
    t.e.sb.clock().advance(Duration::from_secs(20 * 60));
    assert_eq!(t.e.get(&read).await.0, 200);
}

// ---- resumable upload ------------------------------------------------------------------------

#[tokio::test]
async fn resumable_upload_for_a_and_code_3_for_b() {
    let t = ig().await;
    let (s, v) = t
        .create(json!({"media_type": "REELS", "upload_type": "resumable", "caption": "Local file"}))
        .await;
    assert_eq!(s, 200, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let uri = v["uri"].as_str().unwrap().to_string();
    assert_eq!(
        uri,
        format!("{}/rupload/ig-api-upload/v25.0/{id}", t.e.sb.base_url())
    );
    assert_eq!(t.status(&id).await["status_code"], "IN_PROGRESS");

    let bytes = mp4(64_000);
    let send = |token: &str, offset: usize, body: Vec<u8>| {
        t.e.http
            .post(&uri)
            .header("authorization", format!("OAuth {token}"))
            .header("offset", offset.to_string())
            .header("file_size", bytes.len().to_string())
            .body(body)
            .send()
    };
    // Bearer is not OAuth; another account's token is not the owner's
    let (s, v) = json_of(
        t.e.http
            .post(&uri)
            .bearer_auth(&t.a_token)
            .header("offset", "0")
            .header("file_size", bytes.len().to_string())
            .body(bytes.clone())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 401, "{v}");
    assert_eq!(v["debug_info"]["type"], "ProcessingFailedError");
    let (s, _) = json_of(send(&t.b_token, 0, bytes.clone()).await.unwrap()).await;
    assert_eq!(s, 404);

    let (s, v) = json_of(send(&t.a_token, 0, bytes[..30_000].to_vec()).await.unwrap()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v, json!({"success": true, "message": "Upload successful."}));
    assert_eq!(t.status(&id).await["status_code"], "IN_PROGRESS");
    // a wrong offset
    let (s, v) = json_of(send(&t.a_token, 10, bytes[10..].to_vec()).await.unwrap()).await;
    assert_eq!(s, 400);
    assert_eq!(v["debug_info"]["type"], "OffsetInvalidError");
    let (s, v) = json_of(
        send(&t.a_token, 30_000, bytes[30_000..].to_vec())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(t.settled(&id).await["status_code"], "FINISHED");
    let rec = t.e.sb.instagram_containers().pop().unwrap();
    assert!(rec.by_rupload);
    assert_eq!(rec.bytes, 64_000);
    assert_eq!(rec.source_url, None);
    let (s, v) = t.publish(&id).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(t.e.sb.live()[0].kind, "reel");
    // the upload is over
    let (s, _) = json_of(send(&t.a_token, 0, bytes.clone()).await.unwrap()).await;
    assert_eq!(s, 400);

    // a story video by file_url
    let (_, v) = t
        .create(json!({"media_type": "STORIES", "upload_type": "resumable"}))
        .await;
    let story_uri = v["uri"].as_str().unwrap().to_string();
    let story = v["id"].as_str().unwrap().to_string();
    let file_url = t.files.put("story.mp4", mp4(20_000));
    let (s, v) = json_of(
        t.e.http
            .post(&story_uri)
            .header("authorization", format!("OAuth {}", t.a_token))
            .header("file_url", &file_url)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(t.files.hits("story.mp4"), 1);
    assert_eq!(t.settled(&story).await["status_code"], "FINISHED");

    // the Facebook rupload path still works beside it (and reaches Facebook's world)
    let (s, v) = json_of(
        t.e.http
            .post(format!(
                "{}/rupload/video-upload/v25.0/123",
                t.e.sb.base_url()
            ))
            .header("authorization", format!("OAuth {}", t.e.bakery_token))
            .body(vec![0u8; 10])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 404, "{v}");
    assert_eq!(v["debug_info"]["type"], "ProcessingFailedError");

    // account B may not use resumable uploads
    let (s, v) = t
        .create_as(
            &t.b_token,
            &t.b,
            json!({"media_type": "REELS", "upload_type": "resumable"}),
        )
        .await;
    assert_eq!(s, 400);
    assert_error(&v, 3, None);
    assert_eq!(
        v["error"]["message"],
        "(#3) Application does not have the capability to make this API call."
    );
    // images never go by rupload
    let (_, v) = t
        .create(json!({"image_url": file_url, "upload_type": "resumable"}))
        .await;
    assert_error(&v, 100, None);
}

// ---- read-back and comments ----------------------------------------------------------------

#[tokio::test]
async fn media_list_is_newest_first_with_cursor_paging() {
    let t = ig().await;
    for n in 1..=3 {
        t.publish_image(&format!("{n}.jpg"), &format!("post {n}"))
            .await;
    }
    let (s, v) = t.get("me/media?fields=id,caption,media_type&limit=2").await;
    assert_eq!(s, 200, "{v}");
    let data = v["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["caption"], "post 3");
    assert_eq!(data[1]["caption"], "post 2");
    let next = v["paging"]["next"].as_str().unwrap().to_string();
    assert!(v["paging"]["cursors"]["after"].is_string());
    let (_, v) = t.e.get(&next).await;
    assert_eq!(v["data"][0]["caption"], "post 1");
    assert!(v["paging"].get("next").is_none());
    // the same through the IG user id
    let (_, v) = t.get(&format!("{}/media", t.a)).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 3);
    assert!(v["data"][0]["id"].is_string());
}

#[tokio::test]
async fn comments_need_the_manage_comments_permission() {
    let t = ig().await;
    let media = t.publish_image("a.jpg", "Comment on me").await;
    let comments = format!("{}/{media}/comments", t.ig);
    let (s, v) =
        t.e.post(
            &comments,
            &[("message", "First!"), ("access_token", &t.a_token)],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let comment = v["id"].as_str().unwrap().to_string();
    assert_eq!(comment.len(), 17);
    let (_, v) = t
        .get(&format!(
            "{media}/comments?fields=id,text,username,timestamp,hidden"
        ))
        .await;
    assert_eq!(v["data"][0]["id"], comment.as_str());
    assert_eq!(v["data"][0]["text"], "First!");
    assert_eq!(v["data"][0]["username"], "sandbox.bakery");
    assert_eq!(v["data"][0]["hidden"], false);
    let (_, v) = t.get(&format!("{media}?fields=comments_count")).await;
    assert_eq!(v["comments_count"], 1);

    // replies, hide, delete
    let (s, v) =
        t.e.post(
            &format!("{}/{comment}/replies", t.ig),
            &[("message", "Thanks"), ("access_token", &t.a_token)],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, v) = t.get(&format!("{comment}/replies?fields=text")).await;
    assert_eq!(v["data"][0]["text"], "Thanks");
    let (s, v) =
        t.e.post(
            &format!("{}/{comment}?hide=true", t.ig),
            &[("access_token", &t.a_token)],
        )
        .await;
    assert_eq!((s, v), (200, json!({"success": true})));
    let (_, v) = t.get(&format!("{comment}?fields=hidden,text")).await;
    assert_eq!(v["hidden"], true);
    let (s, _) =
        t.e.delete(&format!("{}/{comment}?access_token={}", t.ig, t.a_token))
            .await;
    assert_eq!(s, 200);
    let (_, v) = t.get(&format!("{media}/comments")).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 0);

    // comments off
    let (s, _) =
        t.e.post(
            &format!("{}/{media}?comment_enabled=false", t.ig),
            &[("access_token", &t.a_token)],
        )
        .await;
    assert_eq!(s, 200);
    let (s, v) =
        t.e.post(&comments, &[("message", "x"), ("access_token", &t.a_token)])
            .await;
    assert_eq!(s, 400);
    assert_error(&v, 100, None);

    // account B publishes fine but lacks instagram_business_manage_comments
    let url = t.files.put("b.jpg", square_jpeg());
    let (_, v) = t
        .create_as(&t.b_token, &t.b, json!({"image_url": url}))
        .await;
    let (_, v) = t
        .publish_as(&t.b_token, &t.b, v["id"].as_str().unwrap())
        .await;
    let theirs = v["id"].as_str().unwrap().to_string();
    let (s, v) =
        t.e.post(
            &format!("{}/{theirs}/comments", t.ig),
            &[("message", "First comment"), ("access_token", &t.b_token)],
        )
        .await;
    assert_eq!(s, 400);
    assert_error(&v, 10, None);
    let (_, v) =
        t.e.get(&format!(
            "{}/{theirs}/comments?access_token={}",
            t.ig, t.b_token
        ))
        .await;
    assert_error(&v, 10, None);
}

// ---- control API ---------------------------------------------------------------------------

#[tokio::test]
async fn control_api_lists_instagram_accounts_posts_and_containers() {
    let t = ig().await;
    let base = t.e.sb.base_url();
    let (_, v) = t.e.get(&format!("{base}/_sandbox/accounts")).await;
    let accounts = &v["instagram_accounts"];
    assert_eq!(accounts[0]["user_id"], "17841400000000001");
    assert_eq!(accounts[0]["username"], "sandbox.bakery");
    assert_eq!(accounts[0]["token"], "IGAA-sandbox-instagram-token");
    assert_eq!(accounts[0]["resumable_upload"], true);
    assert_eq!(accounts[1]["account_type"], "MEDIA_CREATOR");
    assert_eq!(accounts[1]["resumable_upload"], false);
    assert!(!accounts[1]["permissions"]
        .as_array()
        .unwrap()
        .contains(&json!("instagram_business_manage_comments")));

    let media = t.publish_image("a.jpg", "Hello").await;
    t.e.bakery_post("and Facebook").await;
    let (_, live) = t.e.get(&format!("{base}/_sandbox/live")).await;
    let live = live.as_array().unwrap();
    assert_eq!(live.len(), 2);
    assert_eq!(live[0]["platform"], "instagram");
    assert_eq!(live[0]["post_id"], media.as_str());
    assert_eq!(live[0]["media_product_type"], "FEED");
    assert_eq!(live[1]["platform"], "facebook");
    assert!(
        live[1].get("media_product_type").is_none(),
        "Facebook posts keep their shape"
    );
    let (_, v) =
        t.e.get(&format!("{base}/_sandbox/instagram/containers"))
            .await;
    assert_eq!(v[0]["status_code"], "PUBLISHED");
    assert_eq!(v[0]["media_id"], media.as_str());
    assert!(v[0]["source_url"].as_str().unwrap().contains("a.jpg"));

    t.e.sb.reset();
    assert!(t.e.sb.live().is_empty());
    assert!(t.e.sb.instagram_containers().is_empty());
    let (_, v) = t.get("me/media").await;
    assert_eq!(v["data"].as_array().unwrap().len(), 0);
}

/// The OAuth flows themselves are in `tests/oauth.rs`.
#[tokio::test]
async fn oauth_endpoints_answer_only_what_they_simulate() {
    let t = ig().await;
    let (s, v) =
        t.e.get(&format!(
            "{}/instagram-api/oauth/access_token",
            t.e.sb.base_url()
        ))
        .await;
    assert_eq!(s, 404);
    assert_eq!(v["error_type"], "OAuthException");
    let (s, v) =
        t.e.get(&format!(
            "{}/refresh_access_token?grant_type=ig_refresh_token&access_token={}",
            t.ig, t.a_token
        ))
        .await;
    // the seeded token was issued at the start: too young to refresh
    assert_eq!(s, 400);
    assert_error(&v, 100, None);
}
