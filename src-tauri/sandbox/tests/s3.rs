//! The sandbox's S3-compatible server really verifies SigV4: unsigned, wrongly signed, expired
//! and tampered requests are refused; properly signed ones and presigned GETs are served.

use std::time::Duration;

use herald_sandbox::{start_s3, RunningS3, S3Config};
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

const KEY: &str = "herald-relay/test/hello.txt";

fn bucket(s3: &RunningS3) -> Bucket {
    let endpoint = s3.endpoint().parse().expect("endpoint URL");
    let config = s3.config();
    Bucket::new(
        endpoint,
        UrlStyle::Path,
        config.bucket.clone(),
        config.region.clone(),
    )
    .expect("bucket")
}

fn credentials(s3: &RunningS3) -> Credentials {
    let config = s3.config();
    Credentials::new(&config.access_key_id, &config.secret_access_key)
}

async fn put(url: &str, body: &'static str) -> (u16, String) {
    let response = reqwest::Client::new()
        .put(url)
        .body(body)
        .send()
        .await
        .expect("PUT sent");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

async fn get(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.expect("GET sent");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

async fn put_signed(s3: &RunningS3) {
    let bucket = bucket(s3);
    let creds = credentials(s3);
    let url = bucket
        .put_object(Some(&creds), KEY)
        .sign(Duration::from_secs(60));
    let (status, body) = put(url.as_str(), "hello relay").await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn refuses_an_unsigned_put() {
    let s3 = start_s3(S3Config::default()).await.expect("start");
    let url = bucket(&s3).object_url(KEY);
    let (status, body) = put(url.as_str(), "nope").await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("AccessDenied"), "{body}");
    assert!(s3.object_keys().is_empty());
    s3.shutdown().await;
}

#[tokio::test]
async fn refuses_a_wrong_secret_and_an_unknown_key() {
    let s3 = start_s3(S3Config::default()).await.expect("start");
    let bucket = bucket(&s3);
    let wrong_secret = Credentials::new(&s3.config().access_key_id, "not-the-secret");
    let url = bucket
        .put_object(Some(&wrong_secret), KEY)
        .sign(Duration::from_secs(60));
    let (status, body) = put(url.as_str(), "nope").await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("SignatureDoesNotMatch"), "{body}");

    let unknown_key = Credentials::new("someone-else", &s3.config().secret_access_key);
    let url = bucket
        .put_object(Some(&unknown_key), KEY)
        .sign(Duration::from_secs(60));
    let (status, body) = put(url.as_str(), "nope").await;
    assert_eq!(status, 403, "{body}");
    assert!(s3.object_keys().is_empty());
    s3.shutdown().await;
}

#[tokio::test]
async fn accepts_a_signed_put_and_serves_a_presigned_get() {
    let s3 = start_s3(S3Config::default()).await.expect("start");
    put_signed(&s3).await;
    assert_eq!(s3.object_keys(), vec![KEY.to_owned()]);

    let url = bucket(&s3)
        .get_object(Some(&credentials(&s3)), KEY)
        .sign(Duration::from_secs(3600));
    let (status, body) = get(url.as_str()).await;
    assert_eq!(status, 200);
    assert_eq!(body, "hello relay");

    let last = s3.requests().pop().expect("journaled");
    assert_eq!(last.method, "GET");
    assert!(last.presigned);
    assert!(!last.authorization_header);
    assert_eq!(last.status, 200);
    assert_eq!(last.path, format!("/herald-relay/{KEY}"));
    s3.shutdown().await;
}

#[tokio::test]
async fn refuses_an_unsigned_get() {
    let s3 = start_s3(S3Config::default()).await.expect("start");
    put_signed(&s3).await;
    let (status, body) = get(bucket(&s3).object_url(KEY).as_str()).await;
    assert_eq!(status, 403, "{body}");
    assert!(!body.contains("hello relay"));
    s3.shutdown().await;
}

#[tokio::test]
async fn refuses_an_expired_presigned_get() {
    let s3 = start_s3(S3Config::default()).await.expect("start");
    put_signed(&s3).await;
    let url = bucket(&s3)
        .get_object(Some(&credentials(&s3)), KEY)
        .sign(Duration::from_secs(1));
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, body) = get(url.as_str()).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("expired"), "{body}");
    s3.shutdown().await;
}

#[tokio::test]
async fn refuses_a_tampered_presigned_get() {
    let s3 = start_s3(S3Config::default()).await.expect("start");
    put_signed(&s3).await;
    let bucket = bucket(&s3);
    let creds = credentials(&s3);

    // Another object, same signature.
    let url = bucket
        .get_object(Some(&creds), KEY)
        .sign(Duration::from_secs(3600));
    let other = url.as_str().replace("hello.txt", "other.txt");
    let (status, body) = get(&other).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("SignatureDoesNotMatch"), "{body}");

    // A longer expiry than the one signed.
    let longer = url
        .as_str()
        .replace("X-Amz-Expires=3600", "X-Amz-Expires=7200");
    assert_ne!(longer, url.as_str());
    let (status, body) = get(&longer).await;
    assert_eq!(status, 403, "{body}");
    s3.shutdown().await;
}

#[tokio::test]
async fn keeps_objects_in_a_given_root() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = S3Config {
        root: Some(dir.path().to_path_buf()),
        ..S3Config::default()
    };
    let s3 = start_s3(config).await.expect("start");
    put_signed(&s3).await;
    assert!(dir.path().join("herald-relay").join(KEY).is_file());
    let env = s3.env();
    let endpoint = env
        .iter()
        .find(|(name, _)| name == "HERALD_RELAY_ENDPOINT")
        .map(|(_, value)| value.clone());
    assert_eq!(endpoint, Some(s3.endpoint()));
    s3.shutdown().await;
}

#[tokio::test]
async fn a_missing_bucket_is_no_such_bucket() {
    let s3 = start_s3(S3Config::default()).await.expect("start");
    let config = s3.config();
    let endpoint = s3.endpoint().parse().expect("endpoint URL");
    let other = Bucket::new(
        endpoint,
        UrlStyle::Path,
        "other-bucket",
        config.region.clone(),
    )
    .expect("bucket");
    let url = other
        .put_object(Some(&credentials(&s3)), KEY)
        .sign(Duration::from_secs(60));
    let (status, body) = put(url.as_str(), "nope").await;
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("NoSuchBucket"), "{body}");
    s3.shutdown().await;
}
