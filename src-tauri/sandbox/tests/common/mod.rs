//! Helpers shared by the sandbox's HTTP tests.
#![allow(dead_code)]

use std::time::Duration;

use herald_sandbox::{start, RunningSandbox, SandboxConfig, Seed, SeededTokens, VideoProcessing};
use serde_json::Value;

pub struct Env {
    pub sb: RunningSandbox,
    pub http: reqwest::Client,
    pub t: SeededTokens,
    /// `<base>/facebook/v25.0`
    pub fb: String,
    /// `<base>/facebook-video/v25.0`
    pub fbv: String,
    pub bakery: String,
    pub bakery_token: String,
    pub studio: String,
    pub studio_token: String,
    pub user_token: String,
}

pub fn fast_seed() -> Seed {
    Seed {
        video_processing: VideoProcessing::RealTime(Duration::from_millis(150)),
        ..Seed::default()
    }
}

pub async fn sandbox() -> Env {
    sandbox_with(fast_seed()).await
}

pub async fn sandbox_with(seed: Seed) -> Env {
    let sb = start(SandboxConfig { port: 0, seed })
        .await
        .expect("sandbox starts");
    let t = sb.tokens();
    let base = sb.base_url();
    let bakery = t.page(0).expect("bakery").clone();
    let studio = t.page(1).expect("studio").clone();
    Env {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client"),
        fb: format!("{base}/facebook/v25.0"),
        fbv: format!("{base}/facebook-video/v25.0"),
        bakery: bakery.id,
        bakery_token: bakery.token,
        studio: studio.id,
        studio_token: studio.token,
        user_token: t.user_token().to_string(),
        t,
        sb,
    }
}

pub async fn json_of(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, v)
}

impl Env {
    pub async fn get(&self, url: &str) -> (u16, Value) {
        json_of(self.http.get(url).send().await.expect("GET")).await
    }

    pub async fn post(&self, url: &str, form: &[(&str, &str)]) -> (u16, Value) {
        json_of(self.http.post(url).form(form).send().await.expect("POST")).await
    }

    pub async fn post_json(&self, url: &str, body: &Value) -> (u16, Value) {
        json_of(self.http.post(url).json(body).send().await.expect("POST")).await
    }

    pub async fn delete(&self, url: &str) -> (u16, Value) {
        json_of(self.http.delete(url).send().await.expect("DELETE")).await
    }

    /// `POST /{bakery}/feed` with the Bakery's token.
    pub async fn bakery_post(&self, message: &str) -> String {
        let (s, v) = self
            .post(
                &format!("{}/{}/feed", self.fb, self.bakery),
                &[("message", message), ("access_token", &self.bakery_token)],
            )
            .await;
        assert_eq!(s, 200, "{v}");
        v["id"].as_str().expect("id").to_string()
    }

    pub fn now_secs(&self) -> i64 {
        self.sb.clock().now().as_second()
    }
}

/// Assert a Graph error envelope with this code (and subcode).
pub fn assert_graph_error(v: &Value, code: i64, subcode: Option<i64>) {
    let e = &v["error"];
    assert_eq!(e["code"].as_i64(), Some(code), "{v}");
    assert_eq!(e["error_subcode"].as_i64(), subcode, "{v}");
    assert!(e["message"].is_string(), "{v}");
    assert!(e["type"].is_string(), "{v}");
    assert!(
        e["fbtrace_id"].as_str().is_some_and(|s| !s.is_empty()),
        "{v}"
    );
}

/// A JPEG of `n` bytes (the magic bytes and zeros).
pub fn jpeg(n: usize) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0];
    v.resize(n.max(4), 0);
    v
}

/// An MP4 of `n` bytes (an `ftyp` box and zeros).
pub fn mp4(n: usize) -> Vec<u8> {
    let mut v = vec![0, 0, 0, 0x20];
    v.extend_from_slice(b"ftypisom");
    v.resize(n.max(12), 0);
    v
}

/// Poll until `f` returns Some, for at most `secs` seconds.
pub async fn eventually<T, F, Fut>(secs: u64, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(std::time::Instant::now() < deadline, "timed out");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
