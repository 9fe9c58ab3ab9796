//! The media relay against the sandbox's S3-compatible server, which really verifies SigV4
//! signatures and presigned URLs.

use std::path::{Path, PathBuf};
use std::time::Duration;

use herald_core::vault::Secret;
use herald_platforms::relay::{Relay, RelayConfig, RelayError, RELAY_PREFIX};
use herald_sandbox::{start_s3, RunningS3, S3Config};
use jiff::{SignedDuration, Timestamp};
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

const MB: usize = 1024 * 1024;

fn config(s3: &RunningS3) -> RelayConfig {
    let c = s3.config();
    RelayConfig {
        endpoint: s3.endpoint(),
        region: c.region.clone(),
        bucket: c.bucket.clone(),
        access_key_id: c.access_key_id.clone(),
        secret_access_key: Secret::new(c.secret_access_key.clone()),
        path_style: true,
    }
}

fn relay(s3: &RunningS3) -> Relay {
    Relay::from_config(config(s3)).expect("valid relay config")
}

/// A file of `len` pseudo-random bytes.
fn write_file(dir: &Path, name: &str, len: usize) -> PathBuf {
    let mut state = 0x9E37_79B9_7F4A_7C15_u64 ^ len as u64;
    let mut bytes = Vec::with_capacity(len);
    while bytes.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(len);
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write test file");
    path
}

async fn fetch(url: &str) -> (u16, Vec<u8>) {
    let response = reqwest::Client::new()
        .get(url)
        .send()
        .await
        .expect("GET sent");
    let status = response.status().as_u16();
    let body = response.bytes().await.expect("GET body");
    (status, body.to_vec())
}

/// Puts an object outside Herald's prefix, straight through rusty-s3.
async fn put_foreign(s3: &RunningS3, key: &str) {
    let c = s3.config();
    let endpoint = s3.endpoint().parse().expect("endpoint");
    let bucket =
        Bucket::new(endpoint, UrlStyle::Path, c.bucket.clone(), c.region.clone()).expect("bucket");
    let creds = Credentials::new(&c.access_key_id, &c.secret_access_key);
    let url = bucket
        .put_object(Some(&creds), key)
        .sign(Duration::from_secs(60));
    let response = reqwest::Client::new()
        .put(url.as_str())
        .body("not Herald's")
        .send()
        .await
        .expect("PUT sent");
    assert!(response.status().is_success());
}

fn assert_no_leak(message: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!message.contains(secret), "leaks {secret:?}: {message}");
    }
    for marker in ["X-Amz-Signature", "X-Amz-Credential", "Signature="] {
        assert!(!message.contains(marker), "leaks a signed URL: {message}");
    }
}

#[tokio::test]
async fn a_20_mb_file_comes_back_identical_through_the_presigned_url() {
    let s3 = start_s3(S3Config::default()).await.expect("start s3");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write_file(dir.path(), "video.mp4", 20 * MB);
    let now = Timestamp::now();

    let object = relay(&s3)
        .upload(&file, "video/mp4", now)
        .await
        .expect("upload");

    assert_eq!(object.size_bytes, 20 * MB as u64);
    assert!(object.key.starts_with(RELAY_PREFIX), "{}", object.key);
    assert!(object.key.ends_with("/video.mp4"), "{}", object.key);
    assert_eq!(object.expires_at, now + SignedDuration::from_hours(1));
    assert!(object.url.contains("X-Amz-Expires=3600"), "1 h URL");
    assert_eq!(s3.object_keys(), vec![object.key.clone()]);

    let (status, body) = fetch(&object.url).await;
    assert_eq!(status, 200);
    assert!(
        body == std::fs::read(&file).expect("read back"),
        "bytes differ"
    );

    let requests = s3.requests();
    let put = requests
        .iter()
        .find(|r| r.method == "PUT")
        .expect("the upload");
    assert_eq!(put.content_length, Some(20 * MB as u64));
    assert!(put.presigned && put.status == 200);
    let get = requests.last().expect("the fetch");
    assert_eq!(get.method, "GET");
    assert!(get.presigned && !get.authorization_header);
    s3.shutdown().await;
}

#[tokio::test]
async fn keys_are_ascii_even_for_unicode_file_names() {
    let s3 = start_s3(S3Config::default()).await.expect("start s3");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write_file(dir.path(), "café ☕.jpg", 1000);

    let object = relay(&s3)
        .upload(&file, "image/jpeg", Timestamp::now())
        .await
        .expect("upload");

    assert!(object.key.is_ascii() && object.url.is_ascii());
    assert!(object.key.ends_with("/cafe.jpg"), "{}", object.key);
    assert!(!object.key.contains(' '));
    let (status, body) = fetch(&object.url).await;
    assert_eq!(status, 200);
    assert_eq!(body.len(), 1000);
    s3.shutdown().await;
}

#[tokio::test]
async fn deleting_twice_is_fine_and_only_relay_keys_are_deleted() {
    let s3 = start_s3(S3Config::default()).await.expect("start s3");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write_file(dir.path(), "photo.jpg", 5000);
    let relay = relay(&s3);
    let object = relay
        .upload(&file, "image/jpeg", Timestamp::now())
        .await
        .expect("upload");

    relay.delete(&object.key).await.expect("first delete");
    assert!(s3.object_keys().is_empty());
    relay.delete(&object.key).await.expect("second delete");
    let (status, _) = fetch(&object.url).await;
    assert_eq!(status, 404, "gone");

    let refused = relay.delete("notes/keep.txt").await;
    assert!(matches!(refused, Err(RelayError::ForeignKey { .. })));
    s3.shutdown().await;
}

#[tokio::test]
async fn sweep_deletes_only_old_relay_objects_page_by_page() {
    let s3 = start_s3(S3Config::default()).await.expect("start s3");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write_file(dir.path(), "photo.jpg", 100);
    let relay = relay(&s3).with_list_page_size(2);
    put_foreign(&s3, "notes/keep.txt").await;
    for _ in 0..3 {
        relay
            .upload(&file, "image/jpeg", Timestamp::now())
            .await
            .expect("old upload");
    }
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let mut fresh = Vec::new();
    for _ in 0..2 {
        let object = relay
            .upload(&file, "image/jpeg", Timestamp::now())
            .await
            .expect("new upload");
        fresh.push(object.key);
    }
    let lists_before = list_requests(&s3);

    let swept = relay
        .sweep(Duration::from_secs(2), Timestamp::now())
        .await
        .expect("sweep");

    assert_eq!(swept, 3);
    fresh.push("notes/keep.txt".to_owned());
    fresh.sort();
    assert_eq!(s3.object_keys(), fresh);
    assert!(
        list_requests(&s3) - lists_before >= 3,
        "5 objects, pages of 2"
    );

    let later = Timestamp::now() + SignedDuration::from_hours(2);
    let swept = relay
        .sweep(Duration::from_secs(3600), later)
        .await
        .expect("sweep later");
    assert_eq!(swept, 2);
    assert_eq!(s3.object_keys(), vec!["notes/keep.txt".to_owned()]);
    s3.shutdown().await;
}

fn list_requests(s3: &RunningS3) -> usize {
    s3.requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == "/herald-relay/")
        .count()
}

#[tokio::test]
async fn a_wrong_secret_is_named_without_leaking_it() {
    let s3 = start_s3(S3Config::default()).await.expect("start s3");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write_file(dir.path(), "photo.jpg", 5000);
    let wrong = "wrong-secret-9f8e7d6c5b4a";
    let relay = Relay::from_config(RelayConfig {
        secret_access_key: Secret::new(wrong),
        ..config(&s3)
    })
    .expect("valid config");

    let err = relay
        .upload(&file, "image/jpeg", Timestamp::now())
        .await
        .expect_err("refused");

    assert!(
        matches!(err, RelayError::WrongSecret { status: 403, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("secret access key"), "{message}");
    assert!(message.contains("SignatureDoesNotMatch"), "{message}");
    assert_no_leak(&message, &[wrong, &s3.config().secret_access_key]);
    assert_no_leak(&format!("{err:?}"), &[wrong]);
    assert!(s3.object_keys().is_empty());

    let err = relay.check(Timestamp::now()).await.expect_err("refused");
    assert!(matches!(err, RelayError::WrongSecret { .. }), "{err:?}");
    s3.shutdown().await;
}

#[tokio::test]
async fn an_unknown_access_key_is_named() {
    let s3 = start_s3(S3Config::default()).await.expect("start s3");
    let relay = Relay::from_config(RelayConfig {
        access_key_id: "nobody".to_owned(),
        ..config(&s3)
    })
    .expect("valid config");
    let err = relay.check(Timestamp::now()).await.expect_err("refused");
    assert!(
        matches!(err, RelayError::UnknownAccessKey { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("access key ID"), "{err}");
    s3.shutdown().await;
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_clear_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write_file(dir.path(), "photo.jpg", 5000);
    let relay = Relay::from_config(RelayConfig {
        endpoint: format!("http://127.0.0.1:{port}"),
        region: "us-east-1".to_owned(),
        bucket: "herald-relay".to_owned(),
        access_key_id: "key".to_owned(),
        secret_access_key: Secret::new("top-secret-value"),
        path_style: true,
    })
    .expect("valid config");

    let err = relay
        .upload(&file, "image/jpeg", Timestamp::now())
        .await
        .expect_err("unreachable");

    assert!(matches!(err, RelayError::Unreachable { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert!(message.contains("could not reach"), "{message}");
    assert_no_leak(&message, &["top-secret-value"]);
}

#[tokio::test]
async fn check_round_trips_and_leaves_the_bucket_empty() {
    let s3 = start_s3(S3Config::default()).await.expect("start s3");
    relay(&s3).check(Timestamp::now()).await.expect("check");
    assert!(s3.object_keys().is_empty());
    let requests = s3.requests();
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["PUT", "GET", "DELETE"]);
    assert!(requests.iter().all(|r| r.presigned && r.status < 300));
    s3.shutdown().await;
}

#[tokio::test]
async fn url_lifetime_is_at_most_an_hour() {
    let s3 = start_s3(S3Config::default()).await.expect("start s3");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write_file(dir.path(), "photo.jpg", 10);
    let now = Timestamp::now();

    let long = relay(&s3).with_url_lifetime(Duration::from_secs(5 * 3600));
    assert_eq!(long.url_lifetime(), Duration::from_secs(3600));

    let short = relay(&s3).with_url_lifetime(Duration::from_secs(600));
    let object = short
        .upload(&file, "image/jpeg", now)
        .await
        .expect("upload");
    assert!(object.url.contains("X-Amz-Expires=600"));
    assert_eq!(object.expires_at, now + SignedDuration::from_mins(10));
    assert!(!format!("{object:?}").contains("X-Amz-Signature"));
    s3.shutdown().await;
}

#[tokio::test]
async fn bad_settings_are_refused_before_sending_anything() {
    let base = RelayConfig {
        endpoint: "https://s3.eu-west-1.amazonaws.com".to_owned(),
        region: "eu-west-1".to_owned(),
        bucket: "herald-relay".to_owned(),
        access_key_id: "AKIAEXAMPLE".to_owned(),
        secret_access_key: Secret::new("secret"),
        path_style: false,
    };
    let client = reqwest::Client::new();
    assert!(Relay::new(client.clone(), base.clone()).is_ok());

    let bad_bucket = Relay::new(
        client.clone(),
        RelayConfig {
            bucket: "My_Bucket".to_owned(),
            ..base.clone()
        },
    );
    assert!(matches!(bad_bucket, Err(RelayError::InvalidBucket { .. })));

    let bad_endpoint = Relay::new(
        client.clone(),
        RelayConfig {
            endpoint: "s3.amazonaws.com".to_owned(),
            ..base.clone()
        },
    );
    let message = bad_endpoint.expect_err("no scheme").to_string();
    assert!(message.contains("Settings → Media relay"), "{message}");

    let no_secret = Relay::new(
        client,
        RelayConfig {
            secret_access_key: Secret::new(""),
            ..base
        },
    );
    assert!(matches!(
        no_secret,
        Err(RelayError::MissingSetting {
            setting: "secret access key"
        })
    ));
}

#[tokio::test]
async fn a_missing_file_is_named() {
    let s3 = start_s3(S3Config::default()).await.expect("start s3");
    let err = relay(&s3)
        .upload(
            Path::new("/nonexistent/dir/photo.jpg"),
            "image/jpeg",
            Timestamp::now(),
        )
        .await
        .expect_err("no file");
    assert!(matches!(err, RelayError::File { .. }), "{err:?}");
    assert!(err.to_string().contains("photo.jpg"), "{err}");
    assert!(s3.requests().is_empty());
    s3.shutdown().await;
}

/// A TCP proxy to `upstream` that cuts each connection after `limit` bytes from the client.
async fn cutting_proxy(upstream: std::net::SocketAddr, limit: u64) -> std::net::SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind proxy");
    let addr = listener.local_addr().expect("proxy addr");
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = tokio::net::TcpStream::connect(upstream).await else {
                continue;
            };
            let (mut client_read, mut client_write) = client.into_split();
            let (mut server_read, mut server_write) = server.into_split();
            tokio::spawn(async move {
                let mut limited = (&mut client_read).take(limit);
                let _ = tokio::io::copy(&mut limited, &mut server_write).await;
                let _ = server_write.shutdown().await;
            });
            tokio::spawn(async move {
                let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn an_upload_cut_midway_leaves_nothing_behind() {
    let s3 = start_s3(S3Config::default()).await.expect("start s3");
    let proxy = cutting_proxy(s3.addr(), 2 * MB as u64).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write_file(dir.path(), "video.mp4", 8 * MB);
    let relay = Relay::from_config(RelayConfig {
        endpoint: format!("http://{proxy}"),
        ..config(&s3)
    })
    .expect("valid config");

    let err = relay
        .upload(&file, "video/mp4", Timestamp::now())
        .await
        .expect_err("cut midway");

    assert!(
        matches!(
            err,
            RelayError::Unreachable { .. }
                | RelayError::Unavailable { .. }
                | RelayError::Rejected { .. }
        ),
        "{err:?}"
    );
    assert_no_leak(&err.to_string(), &[&s3.config().secret_access_key]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(s3.object_keys().is_empty(), "{:?}", s3.object_keys());
    let methods: Vec<String> = s3.requests().into_iter().map(|r| r.method).collect();
    assert!(
        methods.contains(&"DELETE".to_owned()),
        "cleans up: {methods:?}"
    );
    s3.shutdown().await;
}

#[tokio::test]
async fn a_missing_bucket_is_named() {
    let s3 = start_s3(S3Config::default()).await.expect("start s3");
    let relay = Relay::from_config(RelayConfig {
        bucket: "no-such-bucket".to_owned(),
        ..config(&s3)
    })
    .expect("valid config");
    let err = relay.check(Timestamp::now()).await.expect_err("no bucket");
    assert!(matches!(err, RelayError::NoSuchBucket { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("\"no-such-bucket\" does not exist"),
        "{err}"
    );
    let err = relay
        .sweep(Duration::from_secs(60), Timestamp::now())
        .await
        .expect_err("no bucket");
    assert!(matches!(err, RelayError::NoSuchBucket { .. }), "{err:?}");
    s3.shutdown().await;
}
