//! A real S3-compatible bucket on 127.0.0.1, for Herald's media relay (DESIGN.md §6): `s3s`
//! speaks the S3 protocol and verifies every request's SigV4 signature (an `Authorization`
//! header or a presigned query string) against one access key; `s3s-fs` keeps the objects on
//! disk. Path-style addressing: `http://127.0.0.1:PORT/{bucket}/{key}`.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let s3 = herald_sandbox::start_s3(herald_sandbox::S3Config::default()).await?;
//! for (name, value) in s3.env() {
//!     println!("export {name}={value}");
//! }
//! s3.shutdown().await;
//! # Ok(())
//! # }
//! ```

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use s3s::access::{S3Access, S3AccessContext};
use s3s::auth::SimpleAuth;
use s3s::service::{S3Service, S3ServiceBuilder};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The journal keeps this many of the latest requests.
const JOURNAL_CAPACITY: usize = 10_000;

/// How to start an S3-compatible server.
#[derive(Debug, Clone)]
pub struct S3Config {
    /// Port on 127.0.0.1; 0 = any free port.
    pub port: u16,
    /// Where objects are stored; `None` = a temporary directory owned (and removed) by the
    /// server.
    pub root: Option<PathBuf>,
    /// The one access key the server accepts.
    pub access_key_id: String,
    /// Its secret.
    pub secret_access_key: String,
    /// The bucket created at start.
    pub bucket: String,
    /// The region clients must sign for.
    pub region: String,
}

impl Default for S3Config {
    fn default() -> Self {
        S3Config {
            port: 0,
            root: None,
            access_key_id: "herald-sandbox-key".to_owned(),
            secret_access_key: "herald-sandbox-secret".to_owned(),
            bucket: "herald-relay".to_owned(),
            region: "us-east-1".to_owned(),
        }
    }
}

/// One request the S3 server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Request {
    /// `GET`, `PUT`, `DELETE`…
    pub method: String,
    /// The URL path as sent (percent-encoded), e.g. `/herald-relay/herald-relay/ab12/photo.jpg`.
    pub path: String,
    /// Whether the signature came in the query string (a presigned URL).
    pub presigned: bool,
    /// Whether the request carried an `Authorization` header.
    pub authorization_header: bool,
    /// The declared `Content-Length`, if any.
    pub content_length: Option<u64>,
    /// The status answered; 0 when the connection was aborted instead.
    pub status: u16,
}

/// An S3 server that is serving. Dropping it stops accepting connections; [`RunningS3::shutdown`]
/// stops it and waits until it has.
pub struct RunningS3 {
    addr: SocketAddr,
    config: S3Config,
    root: PathBuf,
    journal: Journal,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    /// Removed when the server is dropped (after `task` has been told to stop).
    _temp: Option<tempfile::TempDir>,
}

/// Start an S3-compatible server on 127.0.0.1 with `config.bucket` created (empty unless
/// `config.root` already holds objects).
pub async fn start_s3(config: S3Config) -> std::io::Result<RunningS3> {
    let (root, temp) = storage_root(config.root.as_deref())?;
    std::fs::create_dir_all(root.join(&config.bucket))?;
    let service = build_service(&root, &config)?;
    let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
    let addr = listener.local_addr()?;
    let journal = Journal::default();
    let (stop, stop_rx) = watch::channel(false);
    let task = tokio::spawn(serve(listener, service, journal.clone(), stop_rx));
    Ok(RunningS3 {
        addr,
        config,
        root,
        journal,
        stop,
        task,
        _temp: temp,
    })
}

impl RunningS3 {
    /// `http://127.0.0.1:PORT`
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The configuration the server runs with (its port is the requested one; see
    /// [`RunningS3::addr`] for the actual one).
    pub fn config(&self) -> &S3Config {
        &self.config
    }

    /// The `HERALD_RELAY_*` variables that point Herald's media relay here.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("HERALD_RELAY_ENDPOINT", self.endpoint()),
            ("HERALD_RELAY_REGION", self.config.region.clone()),
            ("HERALD_RELAY_BUCKET", self.config.bucket.clone()),
            (
                "HERALD_RELAY_ACCESS_KEY_ID",
                self.config.access_key_id.clone(),
            ),
            (
                "HERALD_RELAY_SECRET_ACCESS_KEY",
                self.config.secret_access_key.clone(),
            ),
            ("HERALD_RELAY_PATH_STYLE", "true".to_owned()),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
    }

    /// The keys of the objects in the bucket now, read from disk, sorted.
    pub fn object_keys(&self) -> Vec<String> {
        let bucket = self.root.join(&self.config.bucket);
        let mut keys = Vec::new();
        collect_keys(&bucket, "", &mut keys);
        keys.sort();
        keys
    }

    /// The requests received, oldest first (the latest 10,000).
    pub fn requests(&self) -> Vec<S3Request> {
        self.journal.entries()
    }

    /// Stop serving and wait for the accept loop to end (open connections are closed).
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// The directory objects live in, and the temporary directory to remove at the end, if any.
fn storage_root(root: Option<&Path>) -> std::io::Result<(PathBuf, Option<tempfile::TempDir>)> {
    match root {
        Some(root) => {
            std::fs::create_dir_all(root)?;
            Ok((root.to_path_buf(), None))
        }
        None => {
            let temp = tempfile::Builder::new()
                .prefix("herald-sandbox-s3-")
                .tempdir()?;
            Ok((temp.path().to_path_buf(), Some(temp)))
        }
    }
}

/// The s3s service: objects on disk under `root`, SigV4 enforced for one key pair.
fn build_service(root: &Path, config: &S3Config) -> std::io::Result<S3Service> {
    let fs = s3s_fs::FileSystem::new(root).map_err(|e| std::io::Error::other(format!("{e:?}")))?;
    let mut builder = S3ServiceBuilder::new(fs);
    builder.set_auth(SimpleAuth::from_single(
        config.access_key_id.clone(),
        config.secret_access_key.clone(),
    ));
    builder.set_access(BucketsOnDisk {
        root: root.to_path_buf(),
    });
    Ok(builder.build())
}

/// Access rules: a valid signature is required (s3s's default), and a bucket that does not
/// exist is `NoSuchBucket` like on AWS (s3s-fs would create it on the first PUT).
struct BucketsOnDisk {
    root: PathBuf,
}

#[async_trait::async_trait]
impl S3Access for BucketsOnDisk {
    async fn check(&self, cx: &mut S3AccessContext<'_>) -> s3s::S3Result<()> {
        if cx.credentials().is_none() {
            return Err(s3s::s3_error!(AccessDenied, "Signature is required"));
        }
        let creating = cx.s3_op().name() == "CreateBucket";
        match cx.s3_path().get_bucket_name() {
            Some(bucket) if !creating && !self.root.join(bucket).is_dir() => {
                Err(s3s::s3_error!(NoSuchBucket))
            }
            _ => Ok(()),
        }
    }
}

/// Every file under `dir`, as a key relative to the bucket directory.
fn collect_keys(dir: &Path, prefix: &str, keys: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let key = format!("{prefix}{name}");
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => collect_keys(&entry.path(), &format!("{key}/"), keys),
            Ok(kind) if kind.is_file() => keys.push(key),
            _ => {}
        }
    }
}

/// What the server received, bounded.
#[derive(Clone, Default)]
struct Journal(Arc<Mutex<VecDeque<S3Request>>>);

impl Journal {
    fn lock(&self) -> MutexGuard<'_, VecDeque<S3Request>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn push(&self, entry: S3Request) {
        let mut entries = self.lock();
        if entries.len() == JOURNAL_CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    fn entries(&self) -> Vec<S3Request> {
        self.lock().iter().cloned().collect()
    }
}

/// Accept connections until `stop` changes (or its sender is dropped).
async fn serve(
    listener: TcpListener,
    service: S3Service,
    journal: Journal,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            _ = stop.changed() => break,
            a = listener.accept() => a,
        };
        match accepted {
            Ok((stream, _)) => {
                let conn = serve_connection(stream, service.clone(), journal.clone(), stop.clone());
                tokio::spawn(conn);
            }
            Err(e) => {
                tracing::warn!("sandbox s3: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// One HTTP/1.1 connection, every request journaled.
async fn serve_connection(
    stream: TcpStream,
    service: S3Service,
    journal: Journal,
    mut stop: watch::Receiver<bool>,
) {
    let handler = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        let service = service.clone();
        let journal = journal.clone();
        async move {
            let mut entry = describe(&req);
            let answer = hyper::service::Service::call(&service, req).await;
            entry.status = answer.as_ref().map_or(0, |resp| resp.status().as_u16());
            journal.push(entry);
            answer
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), handler);
    tokio::select! {
        _ = conn => {}
        _ = stop.changed() => {}
    }
}

/// The journal entry for a request (its status is filled in once answered).
fn describe<B>(req: &hyper::Request<B>) -> S3Request {
    let query = req.uri().query().unwrap_or("");
    let presigned = form_urlencoded::parse(query.as_bytes())
        .any(|(name, _)| name.eq_ignore_ascii_case("X-Amz-Signature"));
    let content_length = req
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    S3Request {
        method: req.method().to_string(),
        path: req.uri().path().to_owned(),
        presigned,
        authorization_header: req.headers().contains_key(hyper::header::AUTHORIZATION),
        content_length,
        status: 0,
    }
}
