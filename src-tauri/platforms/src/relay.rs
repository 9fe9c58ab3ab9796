//! The media relay (DESIGN.md §6, meta-api.md §3.1): Instagram fetches media from a public
//! URL, so Herald uploads the prepared file to a user-configured S3-compatible bucket (AWS S3,
//! Cloudflare R2, Backblaze B2, MinIO…), hands Instagram a presigned GET URL that expires
//! within an hour, and deletes the object as soon as Instagram has fetched it.
//! [`Relay::sweep`] removes what a crash left behind.
//!
//! Every object lives under [`RELAY_PREFIX`] with a US-ASCII key. Requests are presigned with
//! `rusty-s3` (SigV4, `UNSIGNED-PAYLOAD`) and sent with `reqwest`; files are streamed from
//! disk. No error message holds the secret key or a signed URL.
//!
//! ```no_run
//! # async fn demo(config: herald_platforms::relay::RelayConfig) -> Result<(), herald_platforms::relay::RelayError> {
//! use herald_platforms::relay::Relay;
//! let relay = Relay::from_config(config)?;
//! let now = jiff::Timestamp::now();
//! let object = relay.upload("photo.jpg".as_ref(), "image/jpeg", now).await?;
//! // … hand `object.url` to Instagram, wait until the container is FINISHED …
//! relay.delete(&object.key).await?;
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use herald_core::vault::Secret;
use jiff::{SignedDuration, Timestamp};
use reqwest::{Response, StatusCode, Url};
use rusty_s3::actions::ListObjectsV2;
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use tokio_util::io::ReaderStream;

use crate::http::describe;

/// Every relayed object's key starts with this; [`Relay::sweep`] looks nowhere else.
pub const RELAY_PREFIX: &str = "herald-relay/";
/// The longest a presigned GET URL may live.
pub const MAX_URL_LIFETIME: Duration = Duration::from_secs(60 * 60);
/// How long a presigned GET URL lives unless [`Relay::with_url_lifetime`] says otherwise.
pub const DEFAULT_URL_LIFETIME: Duration = MAX_URL_LIFETIME;
/// How many keys one ListObjectsV2 page asks for, unless [`Relay::with_list_page_size`] says
/// otherwise (S3's own maximum).
pub const DEFAULT_LIST_PAGE_SIZE: usize = 1000;

/// Requests that are sent at once are signed for this long (servers check it on arrival).
const REQUEST_SIGNATURE_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// Overall timeout for small requests (list, delete, the check).
const SMALL_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// An upload's overall timeout: this much, plus one second per [`SLOWEST_UPLOAD_BYTES_PER_SEC`].
const UPLOAD_BASE_TIMEOUT: Duration = Duration::from_secs(60);
/// The slowest upload speed Herald waits for (256 KiB/s: 200 MB get about 14 minutes).
const SLOWEST_UPLOAD_BYTES_PER_SEC: u64 = 256 * 1024;
/// Files are read and sent in pieces of this size.
const UPLOAD_CHUNK_BYTES: usize = 256 * 1024;
/// The largest error answer read.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;
/// The largest ListObjectsV2 page read.
const MAX_LIST_BODY_BYTES: usize = 16 * 1024 * 1024;
/// The longest sanitised file name in a key.
const MAX_FILE_NAME_CHARS: usize = 100;

/// Where the relay bucket is and how to sign for it (Settings → Media relay).
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// The S3 API endpoint, without the bucket: `https://s3.eu-west-1.amazonaws.com`,
    /// `https://<account>.r2.cloudflarestorage.com`, `http://127.0.0.1:9000`.
    pub endpoint: String,
    /// The signing region (`us-east-1`, `eu-west-1`; `auto` for R2).
    pub region: String,
    /// The bucket's name.
    pub bucket: String,
    /// The access key ID.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: Secret,
    /// `true`: `https://endpoint/bucket/key` (MinIO, R2, local servers); `false`:
    /// `https://bucket.endpoint/key` (AWS's default).
    pub path_style: bool,
}

/// A client for the relay bucket. Cheap to clone.
#[derive(Clone)]
pub struct Relay {
    http: reqwest::Client,
    inner: Arc<Inner>,
    url_lifetime: Duration,
    list_page_size: usize,
}

/// What does not change between clones.
struct Inner {
    bucket: Bucket,
    credentials: Credentials,
    /// `host[:port]`, for messages.
    host: String,
}

/// A file in the relay bucket, and the URL that fetches it.
#[derive(Clone, PartialEq, Eq)]
pub struct RelayedObject {
    /// The object's key, under [`RELAY_PREFIX`]; US-ASCII.
    pub key: String,
    /// A presigned GET URL: anyone holding it can fetch the object until `expires_at`. Its
    /// query string holds a signature — do not log it.
    pub url: String,
    /// When `url` stops working (by the `now` given to [`Relay::upload`]).
    pub expires_at: Timestamp,
    /// The object's size.
    pub size_bytes: u64,
}

impl fmt::Debug for RelayedObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RelayedObject")
            .field("key", &self.key)
            .field("url", &redact_url(&self.url))
            .field("expires_at", &self.expires_at)
            .field("size_bytes", &self.size_bytes)
            .finish()
    }
}

/// Why the relay failed. Each message says what happened and what to do; none holds the
/// secret key or a signed URL.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// The endpoint is not an `http(s)://host` URL.
    #[error("The relay endpoint is not usable: {reason}. Enter it as https://host[:port] (for example https://s3.eu-west-1.amazonaws.com) in Settings → Media relay.")]
    InvalidEndpoint {
        /// What is wrong with it.
        reason: String,
    },
    /// The bucket name breaks S3's naming rules.
    #[error("The relay bucket name \"{bucket}\" is not valid: {reason}. Check it in Settings → Media relay.")]
    InvalidBucket {
        /// The name as configured.
        bucket: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// A setting is empty.
    #[error("The relay's {setting} is empty. Fill it in under Settings → Media relay.")]
    MissingSetting {
        /// Which setting.
        setting: &'static str,
    },
    /// A key that is not one of Herald's relay objects.
    #[error(
        "Herald only deletes its own relay objects (keys under \"herald-relay/\"), not \"{key}\"."
    )]
    ForeignKey {
        /// The key refused.
        key: String,
    },
    /// The media file could not be read.
    #[error("Herald could not read the media file \"{file}\" ({detail}). Check that it still exists and is readable.")]
    File {
        /// The file's name (not its full path).
        file: String,
        /// The I/O error.
        detail: String,
    },
    /// No connection to the bucket.
    #[error("Herald could not reach the relay bucket at {host} while {operation} ({detail}). Check the endpoint in Settings → Media relay and your internet connection.")]
    Unreachable {
        /// `host[:port]`.
        host: String,
        /// What Herald was doing.
        operation: &'static str,
        /// The transport error, without URL.
        detail: String,
    },
    /// The bucket took too long.
    #[error("The relay bucket at {host} did not finish {operation} within {seconds} s. Try again later; on a slow connection, large videos take longer.")]
    TimedOut {
        /// `host[:port]`.
        host: String,
        /// What Herald was doing.
        operation: &'static str,
        /// The timeout that ran out.
        seconds: u64,
    },
    /// The signature did not verify: the secret is wrong.
    #[error("The relay bucket refused the access key (HTTP {status} {code}). Check the secret access key in Settings → Media relay.")]
    WrongSecret {
        /// HTTP status.
        status: u16,
        /// S3 error code.
        code: String,
    },
    /// The access key ID is unknown to the bucket's provider.
    #[error("The relay bucket does not know the access key ID (HTTP {status} {code}). Check the access key ID in Settings → Media relay.")]
    UnknownAccessKey {
        /// HTTP status.
        status: u16,
        /// S3 error code.
        code: String,
    },
    /// The computer's clock is too far off for signatures to be accepted.
    #[error("The relay bucket refused the request because this computer's clock is off by more than 15 minutes (HTTP {status} {code}). Set the clock automatically and try again.")]
    ClockSkew {
        /// HTTP status.
        status: u16,
        /// S3 error code.
        code: String,
    },
    /// The bucket is in another region than the one configured.
    #[error("The relay bucket is in another region than the one configured (HTTP {status} {code}). Check the region and endpoint in Settings → Media relay.")]
    WrongRegion {
        /// HTTP status.
        status: u16,
        /// S3 error code.
        code: String,
    },
    /// The key may not do what Herald asked.
    #[error("The relay bucket denied {operation} ({answer}). Give the access key permission to put, get, list and delete objects in the bucket.")]
    AccessDenied {
        /// What Herald was doing.
        operation: &'static str,
        /// HTTP status.
        status: u16,
        /// `HTTP 403 AccessDenied`.
        answer: String,
    },
    /// The bucket does not exist at that endpoint.
    #[error("The relay bucket \"{bucket}\" does not exist at {host}. Check the bucket name, endpoint and region in Settings → Media relay.")]
    NoSuchBucket {
        /// The bucket's name.
        bucket: String,
        /// `host[:port]`.
        host: String,
    },
    /// The provider is failing or throttling.
    #[error("The relay bucket is having trouble while {operation} ({answer}). Try again in a few minutes.")]
    Unavailable {
        /// What Herald was doing.
        operation: &'static str,
        /// HTTP status.
        status: u16,
        /// `HTTP 503 SlowDown`.
        answer: String,
    },
    /// Any other refusal.
    #[error("The relay bucket refused {operation} ({answer}). Check the endpoint, bucket name and region in Settings → Media relay.")]
    Rejected {
        /// What Herald was doing.
        operation: &'static str,
        /// HTTP status.
        status: u16,
        /// `HTTP 400 InvalidArgument: the provider's message` (shortened, URLs and
        /// signatures redacted).
        answer: String,
    },
    /// An answer Herald cannot read.
    #[error("The relay bucket gave an answer Herald cannot read while {operation} ({detail}). Check that the endpoint is an S3-compatible API.")]
    Malformed {
        /// What Herald was doing.
        operation: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// The object could not be fetched back through its presigned URL.
    #[error("The relay bucket stored the test object but did not serve it back through its presigned URL ({detail}). Instagram could not fetch media either: check the endpoint (it must be reachable from the internet) and the bucket's settings.")]
    FetchFailed {
        /// What went wrong.
        detail: String,
    },
    /// No randomness for an object name.
    #[error("Herald could not pick a random name for the relayed file ({detail}).")]
    Random {
        /// The OS error.
        detail: String,
    },
}

impl Relay {
    /// A relay for `config`, sending with `http` (give it a 10-second connect timeout, like
    /// [`Relay::from_config`]'s client). Checks the endpoint, bucket name and keys; sends
    /// nothing.
    pub fn new(http: reqwest::Client, config: RelayConfig) -> Result<Relay, RelayError> {
        require_settings(&config)?;
        validate_bucket_name(&config.bucket)?;
        let endpoint = parse_endpoint(&config.endpoint)?;
        let host = host_of(&endpoint);
        let style = if config.path_style {
            UrlStyle::Path
        } else {
            UrlStyle::VirtualHost
        };
        let bucket = Bucket::new(endpoint, style, config.bucket, config.region).map_err(|e| {
            RelayError::InvalidEndpoint {
                reason: bucket_error(e, config.path_style),
            }
        })?;
        let credentials = Credentials::new(
            config.access_key_id,
            config.secret_access_key.expose().to_owned(),
        );
        Ok(Relay {
            http,
            inner: Arc::new(Inner {
                bucket,
                credentials,
                host,
            }),
            url_lifetime: DEFAULT_URL_LIFETIME,
            list_page_size: DEFAULT_LIST_PAGE_SIZE,
        })
    }

    /// [`Relay::new`] with Herald's HTTP client (connect timeout 10 s).
    pub fn from_config(config: RelayConfig) -> Result<Relay, RelayError> {
        Relay::new(crate::http::http_client(), config)
    }

    /// How long presigned GET URLs live: between 1 second and [`MAX_URL_LIFETIME`] (longer
    /// values are cut to one hour).
    pub fn with_url_lifetime(mut self, lifetime: Duration) -> Relay {
        self.url_lifetime = lifetime.clamp(Duration::from_secs(1), MAX_URL_LIFETIME);
        self
    }

    /// How many keys each ListObjectsV2 page asks for in [`Relay::sweep`] (1–1000).
    pub fn with_list_page_size(mut self, size: usize) -> Relay {
        self.list_page_size = size.clamp(1, DEFAULT_LIST_PAGE_SIZE);
        self
    }

    /// How long presigned GET URLs live.
    pub fn url_lifetime(&self) -> Duration {
        self.url_lifetime
    }

    /// Uploads `file` (streamed from disk, in bounded memory) under a new key and returns a
    /// presigned GET URL for it. If the upload fails, Herald tries to delete whatever may have
    /// arrived; [`Relay::sweep`] gets anything left.
    ///
    /// `now` is Herald's clock and dates `expires_at`; signatures use the system clock, since
    /// servers refuse requests dated more than 15 minutes from their own time.
    pub async fn upload(
        &self,
        file: &Path,
        content_type: &str,
        now: Timestamp,
    ) -> Result<RelayedObject, RelayError> {
        let handle = tokio::fs::File::open(file)
            .await
            .map_err(|e| file_error(file, &e))?;
        let size = handle
            .metadata()
            .await
            .map_err(|e| file_error(file, &e))?
            .len();
        let key = new_key(&file_name_of(file))?;
        let sent = self.put_file(&key, handle, size, content_type).await;
        if let Err(err) = sent {
            self.forget(&key).await;
            return Err(err);
        }
        Ok(self.relayed(key, size, now))
    }

    /// Deletes the object at `key` (one of [`Relay::upload`]'s). An object that is already
    /// gone counts as deleted.
    pub async fn delete(&self, key: &str) -> Result<(), RelayError> {
        if !key.starts_with(RELAY_PREFIX) || key.len() == RELAY_PREFIX.len() {
            return Err(RelayError::ForeignKey {
                key: key.to_owned(),
            });
        }
        let url = self
            .inner
            .bucket
            .delete_object(Some(&self.inner.credentials), key)
            .sign(REQUEST_SIGNATURE_LIFETIME);
        let operation = "deleting a relayed file";
        let response = self
            .send(self.http.delete(url), operation, SMALL_REQUEST_TIMEOUT)
            .await?;
        if response.status().is_success() || response.status() == StatusCode::NOT_FOUND {
            return Ok(());
        }
        Err(self.refusal(response, operation).await)
    }

    /// Deletes every relayed object (under [`RELAY_PREFIX`]) last modified more than
    /// `older_than` before `now`; returns how many. Listing is paginated.
    pub async fn sweep(&self, older_than: Duration, now: Timestamp) -> Result<usize, RelayError> {
        let cutoff = SignedDuration::try_from(older_than)
            .ok()
            .and_then(|age| now.checked_sub(age).ok())
            .unwrap_or(Timestamp::MIN);
        let mut deleted = 0;
        let mut token: Option<String> = None;
        loop {
            let page = self.list_page(token.as_deref()).await?;
            for key in stale_keys(&page, cutoff) {
                self.delete(&key).await?;
                deleted += 1;
            }
            match page.next_continuation_token {
                Some(next) if token.as_deref() == Some(next.as_str()) => {
                    return Err(RelayError::Malformed {
                        operation: "listing relayed files",
                        detail: "the same page came back twice".to_owned(),
                    });
                }
                Some(next) => token = Some(next),
                None => return Ok(deleted),
            }
        }
    }

    /// Settings → Media relay → "Test relay": puts a tiny object, fetches it back through its
    /// presigned URL (as Instagram would), and deletes it.
    pub async fn check(&self, now: Timestamp) -> Result<(), RelayError> {
        let key = new_key("herald-check.txt")?;
        let body = format!("Herald media relay check, {now}\n").into_bytes();
        self.put_bytes(&key, body.clone(), "text/plain").await?;
        let url = self.presign_get(&key, Duration::from_secs(60));
        let fetched = self.fetch_back(&url, &body).await;
        let deleted = self.delete(&key).await;
        fetched.and(deleted)
    }

    /// The object after a successful upload.
    fn relayed(&self, key: String, size: u64, now: Timestamp) -> RelayedObject {
        let url = self.presign_get(&key, self.url_lifetime);
        let expires_at = SignedDuration::try_from(self.url_lifetime)
            .ok()
            .and_then(|lifetime| now.checked_add(lifetime).ok())
            .unwrap_or(now);
        RelayedObject {
            key,
            url,
            expires_at,
            size_bytes: size,
        }
    }

    /// A presigned GET URL for `key`, valid for `lifetime` from now (system clock).
    fn presign_get(&self, key: &str, lifetime: Duration) -> String {
        self.inner
            .bucket
            .get_object(Some(&self.inner.credentials), key)
            .sign(lifetime)
            .into()
    }

    /// A presigned PUT URL for `key`.
    fn presign_put(&self, key: &str) -> Url {
        self.inner
            .bucket
            .put_object(Some(&self.inner.credentials), key)
            .sign(REQUEST_SIGNATURE_LIFETIME)
    }

    /// PUTs an open file of `size` bytes, streamed.
    async fn put_file(
        &self,
        key: &str,
        file: tokio::fs::File,
        size: u64,
        content_type: &str,
    ) -> Result<(), RelayError> {
        let stream = ReaderStream::with_capacity(file, UPLOAD_CHUNK_BYTES);
        let request = self
            .http
            .put(self.presign_put(key))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .header(reqwest::header::CONTENT_LENGTH, size)
            .body(reqwest::Body::wrap_stream(stream));
        let operation = "uploading a file";
        let response = self.send(request, operation, upload_timeout(size)).await?;
        if response.status().is_success() {
            return Ok(());
        }
        Err(self.refusal(response, operation).await)
    }

    /// PUTs a small body.
    async fn put_bytes(
        &self,
        key: &str,
        body: Vec<u8>,
        content_type: &str,
    ) -> Result<(), RelayError> {
        let request = self
            .http
            .put(self.presign_put(key))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        let operation = "uploading a test file";
        let response = self.send(request, operation, SMALL_REQUEST_TIMEOUT).await?;
        if response.status().is_success() {
            return Ok(());
        }
        Err(self.refusal(response, operation).await)
    }

    /// GETs the check object through its presigned URL, with no other credentials.
    async fn fetch_back(&self, url: &str, expected: &[u8]) -> Result<(), RelayError> {
        let failed = |detail: String| RelayError::FetchFailed { detail };
        let response = self
            .http
            .get(url)
            .timeout(SMALL_REQUEST_TIMEOUT)
            .send()
            .await
            .map_err(|e| failed(describe(&e)))?;
        let status = response.status();
        let body = read_bounded(response, MAX_ERROR_BODY_BYTES)
            .await
            .map_err(|e| failed(describe(&e)))?;
        if !status.is_success() {
            return Err(failed(format!("HTTP {}", status.as_u16())));
        }
        if body != expected {
            return Err(failed("it came back different".to_owned()));
        }
        Ok(())
    }

    /// Best-effort delete after a failed upload; the sweeper is the backstop.
    async fn forget(&self, key: &str) {
        if let Err(err) = self.delete(key).await {
            tracing::debug!("relay: could not delete after a failed upload: {err}");
        }
    }

    /// One ListObjectsV2 page under [`RELAY_PREFIX`].
    async fn list_page(
        &self,
        token: Option<&str>,
    ) -> Result<rusty_s3::actions::ListObjectsV2Response, RelayError> {
        let mut action = self
            .inner
            .bucket
            .list_objects_v2(Some(&self.inner.credentials));
        action.with_prefix(RELAY_PREFIX);
        action.with_max_keys(self.list_page_size);
        if let Some(token) = token {
            action.with_continuation_token(token);
        }
        let url = action.sign(REQUEST_SIGNATURE_LIFETIME);
        let operation = "listing relayed files";
        let response = self
            .send(self.http.get(url), operation, SMALL_REQUEST_TIMEOUT)
            .await?;
        if !response.status().is_success() {
            return Err(self.refusal(response, operation).await);
        }
        let body = read_bounded(response, MAX_LIST_BODY_BYTES)
            .await
            .map_err(|e| self.transport_error(&e, operation, SMALL_REQUEST_TIMEOUT))?;
        let text = String::from_utf8_lossy(&body);
        ListObjectsV2::parse_response(&text).map_err(|e| RelayError::Malformed {
            operation,
            detail: format!("not a ListObjectsV2 answer: {e}"),
        })
    }

    /// Sends `request` with an overall `timeout`; transport failures become errors.
    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        operation: &'static str,
        timeout: Duration,
    ) -> Result<Response, RelayError> {
        request
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| self.transport_error(&e, operation, timeout))
    }

    /// A transport error, without its (signed) URL.
    fn transport_error(
        &self,
        err: &reqwest::Error,
        operation: &'static str,
        timeout: Duration,
    ) -> RelayError {
        if err.is_timeout() {
            return RelayError::TimedOut {
                host: self.inner.host.clone(),
                operation,
                seconds: timeout.as_secs(),
            };
        }
        RelayError::Unreachable {
            host: self.inner.host.clone(),
            operation,
            detail: redact_text(&describe(err)),
        }
    }

    /// The error for a non-success answer.
    async fn refusal(&self, response: Response, operation: &'static str) -> RelayError {
        let status = response.status().as_u16();
        let body = read_bounded(response, MAX_ERROR_BODY_BYTES)
            .await
            .unwrap_or_default();
        let body = String::from_utf8_lossy(&body);
        let code = xml_field(&body, "Code").unwrap_or_default();
        let message = xml_field(&body, "Message").unwrap_or_default();
        self.classify(operation, status, code, &message)
    }

    /// Names the problem behind an S3 error code.
    fn classify(
        &self,
        operation: &'static str,
        status: u16,
        code: String,
        message: &str,
    ) -> RelayError {
        match (status, code.as_str()) {
            (_, "SignatureDoesNotMatch") => RelayError::WrongSecret { status, code },
            (_, "InvalidAccessKeyId" | "NotSignedUp") => {
                RelayError::UnknownAccessKey { status, code }
            }
            (_, "RequestTimeTooSkewed") => RelayError::ClockSkew { status, code },
            (_, "PermanentRedirect" | "AuthorizationHeaderMalformed") => {
                RelayError::WrongRegion { status, code }
            }
            (_, "AuthorizationQueryParametersError") if message.contains("region") => {
                RelayError::WrongRegion { status, code }
            }
            (_, "NoSuchBucket") => RelayError::NoSuchBucket {
                bucket: self.inner.bucket.name().to_owned(),
                host: self.inner.host.clone(),
            },
            (403, _) => RelayError::AccessDenied {
                operation,
                status,
                answer: answer(status, &code, ""),
            },
            (429 | 500..=599, _) => RelayError::Unavailable {
                operation,
                status,
                answer: answer(status, &code, ""),
            },
            _ => RelayError::Rejected {
                operation,
                status,
                answer: answer(status, &code, message),
            },
        }
    }
}

impl fmt::Debug for Relay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Relay")
            .field("bucket", &self.inner.bucket.name())
            .field("host", &self.inner.host)
            .field("region", &self.inner.bucket.region())
            .field("url_lifetime", &self.url_lifetime)
            .finish_non_exhaustive()
    }
}

/// Every setting that may not be empty.
fn require_settings(config: &RelayConfig) -> Result<(), RelayError> {
    let missing = [
        ("endpoint", config.endpoint.trim().is_empty()),
        ("region", config.region.trim().is_empty()),
        ("bucket name", config.bucket.is_empty()),
        ("access key ID", config.access_key_id.trim().is_empty()),
        ("secret access key", config.secret_access_key.is_empty()),
    ];
    match missing.into_iter().find(|(_, empty)| *empty) {
        Some((setting, _)) => Err(RelayError::MissingSetting { setting }),
        None => Ok(()),
    }
}

/// `http(s)://host[:port][/path]`, no credentials, query or fragment.
fn parse_endpoint(text: &str) -> Result<Url, RelayError> {
    let invalid = |reason: &str| RelayError::InvalidEndpoint {
        reason: reason.to_owned(),
    };
    let url = Url::parse(text.trim()).map_err(|e| invalid(&format!("it is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(
            "it must start with https:// (or http:// for a local server)",
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host name"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "it must not contain a user name or password; the keys go in their own fields",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not contain '?' or '#'"));
    }
    Ok(url)
}

/// S3's bucket naming rules (3–63 lowercase letters, digits, dots and hyphens; a letter or
/// digit at each end; no "..").
fn validate_bucket_name(bucket: &str) -> Result<(), RelayError> {
    let invalid = |reason| RelayError::InvalidBucket {
        bucket: bucket.to_owned(),
        reason,
    };
    if !(3..=63).contains(&bucket.len()) {
        return Err(invalid("it must be 3 to 63 characters long"));
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-';
    if !bucket.chars().all(allowed) {
        return Err(invalid(
            "it may only hold lowercase letters, digits, dots and hyphens",
        ));
    }
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge(bucket.chars().next()) || !edge(bucket.chars().last()) {
        return Err(invalid("it must start and end with a letter or digit"));
    }
    if bucket.contains("..") {
        return Err(invalid("it must not contain two dots in a row"));
    }
    Ok(())
}

/// Why rusty-s3 refused the endpoint.
fn bucket_error(err: rusty_s3::BucketError, path_style: bool) -> String {
    match err {
        rusty_s3::BucketError::UnsupportedScheme => "it must start with https://".to_owned(),
        rusty_s3::BucketError::MissingHost => "it has no host name".to_owned(),
        rusty_s3::BucketError::ParseError(_) if !path_style => {
            "the bucket cannot go in front of this host name; turn on path-style addressing"
                .to_owned()
        }
        rusty_s3::BucketError::ParseError(e) => format!("it is not a URL ({e})"),
    }
}

/// `host[:port]` of a URL.
fn host_of(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// The overall timeout for uploading `size` bytes.
fn upload_timeout(size: u64) -> Duration {
    UPLOAD_BASE_TIMEOUT + Duration::from_secs(size / SLOWEST_UPLOAD_BYTES_PER_SEC)
}

/// `herald-relay/{32 random hex digits}/{file name}`.
fn new_key(file_name: &str) -> Result<String, RelayError> {
    let id = herald_core::hex::random_hex(16).map_err(|e| RelayError::Random {
        detail: e.to_string(),
    })?;
    Ok(format!(
        "{RELAY_PREFIX}{id}/{}",
        sanitize_file_name(file_name)
    ))
}

/// A file's name, lossily as UTF-8.
fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A US-ASCII file name for a key (Instagram refuses non-ASCII URLs): common accented
/// letters lose their accents, anything else outside `[A-Za-z0-9._-]` becomes `-`, runs of
/// `-` collapse, and the name is at most 100 characters. `café ☕.jpg` → `cafe.jpg`.
pub fn sanitize_file_name(name: &str) -> String {
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, Some(ext)),
        _ => (name, None),
    };
    let extension = extension
        .map(ascii_part)
        .filter(|ext| !ext.is_empty())
        .map(|ext| ext.chars().take(10).collect::<String>());
    let budget = MAX_FILE_NAME_CHARS - extension.as_ref().map_or(0, |e| e.len() + 1);
    let mut stem: String = ascii_part(stem).chars().take(budget).collect();
    stem = stem.trim_end_matches(['-', '.']).to_owned();
    if stem.is_empty() {
        stem = "media".to_owned();
    }
    match extension {
        Some(ext) => format!("{stem}.{ext}"),
        None => stem,
    }
}

/// `text` in `[A-Za-z0-9._-]`, without leading/trailing `-` or `.`, no `--`.
fn ascii_part(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let mapped = transliterate(c);
        for m in mapped.chars() {
            if m == '-' && (out.is_empty() || out.ends_with('-')) {
                continue;
            }
            out.push(m);
        }
    }
    out.trim_matches(['-', '.']).to_owned()
}

/// One character as US-ASCII: itself if safe, its letter without accents if common, `-`
/// otherwise.
fn transliterate(c: char) -> String {
    if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
        return c.to_string();
    }
    let plain = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ą' => "A",
        'ç' | 'ć' | 'č' => "c",
        'Ç' | 'Ć' | 'Č' => "C",
        'ď' | 'đ' => "d",
        'Ď' | 'Đ' => "D",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ę' | 'Ě' => "E",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => "I",
        'ł' => "l",
        'Ł' => "L",
        'ñ' | 'ń' | 'ň' => "n",
        'Ñ' | 'Ń' | 'Ň' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ő' => "O",
        'ř' => "r",
        'Ř' => "R",
        'ś' | 'š' | 'ş' => "s",
        'Ś' | 'Š' | 'Ş' => "S",
        'ť' | 'ţ' => "t",
        'Ť' | 'Ţ' => "T",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' | 'Ÿ' => "Y",
        'ź' | 'ż' | 'ž' => "z",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'ß' => "ss",
        'æ' => "ae",
        'Æ' => "AE",
        'œ' => "oe",
        'Œ' => "OE",
        _ => "-",
    };
    plain.to_owned()
}

/// The keys on a listing page last modified before `cutoff`. Objects whose date cannot be
/// read are kept.
fn stale_keys(page: &rusty_s3::actions::ListObjectsV2Response, cutoff: Timestamp) -> Vec<String> {
    page.contents
        .iter()
        .filter(|object| object.key.starts_with(RELAY_PREFIX))
        .filter(|object| {
            object
                .last_modified
                .as_deref()
                .and_then(|date| date.parse::<Timestamp>().ok())
                .is_some_and(|modified| modified < cutoff)
        })
        .map(|object| object.key.clone())
        .collect()
}

/// A response body, at most `limit` bytes (the rest is not read).
async fn read_bounded(mut response: Response, limit: usize) -> Result<Vec<u8>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = limit.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= limit {
            break;
        }
    }
    Ok(body)
}

/// The text of the first `<name>…</name>` in an S3 error document.
fn xml_field(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find(&close)?;
    Some(xml[start..start + len].trim().to_owned())
}

/// `HTTP 400 InvalidArgument: message`, as much of it as there is; the message is shortened
/// and redacted.
fn answer(status: u16, code: &str, message: &str) -> String {
    let mut text = format!("HTTP {status}");
    if !code.is_empty() {
        text.push(' ');
        text.push_str(code);
    }
    let message = shorten(&redact_text(message));
    if !message.is_empty() {
        text.push_str(": ");
        text.push_str(&message);
    }
    text
}

/// At most 200 characters.
fn shorten(text: &str) -> String {
    const LIMIT: usize = 200;
    if text.chars().count() <= LIMIT {
        return text.to_owned();
    }
    let cut: String = text.chars().take(LIMIT).collect();
    format!("{cut}…")
}

/// A URL without its query string (which holds the signature).
fn redact_url(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?…"),
        None => url.to_owned(),
    }
}

/// Text with every URL's query string and every long hex run (signatures) removed.
fn redact_text(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            if word.contains("://") {
                redact_url(word)
            } else if word.len() >= 32 && word.chars().all(|c| c.is_ascii_hexdigit()) {
                "…".to_owned()
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The error for a file that cannot be read.
fn file_error(path: &Path, err: &std::io::Error) -> RelayError {
    RelayError::File {
        file: file_name_of(path),
        detail: err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_become_ascii() {
        assert_eq!(sanitize_file_name("café ☕.jpg"), "cafe.jpg");
        assert_eq!(
            sanitize_file_name("Ünïcödé Straße.PNG"),
            "Unicode-Strasse.PNG"
        );
        assert_eq!(sanitize_file_name("☕☕☕.mp4"), "media.mp4");
        assert_eq!(sanitize_file_name(".hidden"), "hidden");
        assert_eq!(sanitize_file_name("a/b?c#d.jpg"), "a-b-c-d.jpg");
        assert_eq!(sanitize_file_name("照片.jpeg"), "media.jpeg");
        assert_eq!(sanitize_file_name(""), "media");
        let long = format!("{}.jpg", "x".repeat(500));
        assert_eq!(sanitize_file_name(&long).len(), MAX_FILE_NAME_CHARS);
        for name in ["café ☕.jpg", "..--..", "a b\tc.é"] {
            let clean = sanitize_file_name(name);
            assert!(clean
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)));
        }
    }

    #[test]
    fn keys_are_random_and_prefixed() {
        let a = new_key("x.jpg").expect("random");
        let b = new_key("x.jpg").expect("random");
        assert_ne!(a, b);
        assert!(a.starts_with(RELAY_PREFIX) && a.ends_with("/x.jpg"));
        assert_eq!(a.len(), RELAY_PREFIX.len() + 32 + "/x.jpg".len());
    }

    #[test]
    fn bucket_names_follow_s3_rules() {
        assert!(validate_bucket_name("herald-relay").is_ok());
        assert!(validate_bucket_name("my.bucket.1").is_ok());
        for bad in ["ab", "Upper", "-start", "end-", "two..dots", "under_score"] {
            assert!(validate_bucket_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn endpoints_must_be_plain_http_urls() {
        assert!(parse_endpoint("https://s3.eu-west-1.amazonaws.com").is_ok());
        assert!(parse_endpoint("http://127.0.0.1:9000").is_ok());
        for bad in [
            "s3.amazonaws.com",
            "ftp://host",
            "https://user:pw@host",
            "https://host/?x=1",
        ] {
            assert!(parse_endpoint(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn redaction_removes_signatures() {
        let text = "error sending request for url (http://h/k?X-Amz-Signature=abc) sig 0123456789abcdef0123456789abcdef0123";
        let clean = redact_text(text);
        assert!(!clean.contains("X-Amz-Signature"), "{clean}");
        assert!(
            !clean.contains("0123456789abcdef0123456789abcdef"),
            "{clean}"
        );
    }

    #[test]
    fn upload_timeout_grows_with_size() {
        assert_eq!(upload_timeout(0), Duration::from_secs(60));
        assert!(upload_timeout(200_000_000) > Duration::from_secs(13 * 60));
    }
}
