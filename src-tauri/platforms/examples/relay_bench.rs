//! Media relay figures: upload a 200 MiB file to an S3-compatible bucket, fetch it back
//! through its presigned URL (streamed, hashed), delete it; print times, throughput and the
//! process's peak RSS (VmHWM).
//!
//! ```text
//! cargo run --release -p herald-platforms --example relay_bench [-- SIZE_MIB]
//! ```
//!
//! By default the sandbox's S3 server runs in this process (so the peak RSS counts it too).
//! With `HERALD_RELAY_ENDPOINT`, `_REGION`, `_BUCKET`, `_ACCESS_KEY_ID` and
//! `_SECRET_ACCESS_KEY` set (e.g. from `herald-sandbox --s3` in another terminal), the bench
//! uses that bucket instead and the peak RSS is the relay client's alone.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use herald_core::vault::Secret;
use herald_platforms::relay::{Relay, RelayConfig};
use herald_sandbox::{start_s3, RunningS3, S3Config};
use jiff::Timestamp;
use sha2::{Digest, Sha256};

const MIB: u64 = 1024 * 1024;

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> BenchResult<()> {
    let size_mib: u64 = match std::env::args().nth(1) {
        Some(arg) => arg.parse()?,
        None => 200,
    };
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("bench-video.mp4");
    let generated = Instant::now();
    let expected = generate(&file, size_mib * MIB)?;
    println!(
        "generated {size_mib} MiB in {:.2} s; peak RSS so far {}",
        generated.elapsed().as_secs_f64(),
        peak_rss()
    );

    let (config, server) = bucket().await?;
    let relay = Relay::from_config(config)?;

    let started = Instant::now();
    let object = relay.upload(&file, "video/mp4", Timestamp::now()).await?;
    report("upload", size_mib, started.elapsed());

    let started = Instant::now();
    let (fetched, digest) = fetch_hashed(&object.url).await?;
    report("fetch via presigned URL", size_mib, started.elapsed());
    if fetched != object.size_bytes || digest != expected {
        return Err("the bytes fetched back differ from the file".into());
    }
    println!("sha256 matches ({})", hex(&digest));

    let started = Instant::now();
    relay.delete(&object.key).await?;
    println!("delete: {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);

    println!("peak RSS (VmHWM): {}", peak_rss());
    if let Some(server) = server {
        let left = server.object_keys();
        println!("objects left in the bucket: {}", left.len());
        server.shutdown().await;
    }
    Ok(())
}

/// The relay settings: from `HERALD_RELAY_*` if set, else an in-process sandbox bucket.
async fn bucket() -> BenchResult<(RelayConfig, Option<RunningS3>)> {
    if let Ok(endpoint) = std::env::var("HERALD_RELAY_ENDPOINT") {
        let var = |name: &str| std::env::var(format!("HERALD_RELAY_{name}"));
        let config = RelayConfig {
            endpoint,
            region: var("REGION")?,
            bucket: var("BUCKET")?,
            access_key_id: var("ACCESS_KEY_ID")?,
            secret_access_key: Secret::new(var("SECRET_ACCESS_KEY")?),
            path_style: true,
        };
        println!("bucket: {} (external)", config.endpoint);
        return Ok((config, None));
    }
    let server = start_s3(S3Config::default()).await?;
    let c = server.config();
    let config = RelayConfig {
        endpoint: server.endpoint(),
        region: c.region.clone(),
        bucket: c.bucket.clone(),
        access_key_id: c.access_key_id.clone(),
        secret_access_key: Secret::new(c.secret_access_key.clone()),
        path_style: true,
    };
    println!("bucket: {} (sandbox, in this process)", config.endpoint);
    Ok((config, Some(server)))
}

/// Writes `len` pseudo-random bytes 1 MiB at a time; returns their SHA-256.
fn generate(path: &Path, len: u64) -> BenchResult<Vec<u8>> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut hasher = Sha256::new();
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    let mut chunk = vec![0u8; MIB as usize];
    let mut left = len;
    while left > 0 {
        for word in chunk.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        let n = left.min(MIB) as usize;
        out.write_all(&chunk[..n])?;
        hasher.update(&chunk[..n]);
        left -= n as u64;
    }
    out.flush()?;
    Ok(hasher.finalize().to_vec())
}

/// GETs `url` with a plain client, hashing the body as it streams; returns its length and
/// SHA-256.
async fn fetch_hashed(url: &str) -> BenchResult<(u64, Vec<u8>)> {
    let mut response = reqwest::Client::new().get(url).send().await?;
    if !response.status().is_success() {
        return Err(format!("presigned GET answered HTTP {}", response.status()).into());
    }
    let mut hasher = Sha256::new();
    let mut len = 0u64;
    while let Some(chunk) = response.chunk().await? {
        len += chunk.len() as u64;
        hasher.update(&chunk);
    }
    Ok((len, hasher.finalize().to_vec()))
}

fn report(what: &str, size_mib: u64, took: Duration) {
    let secs = took.as_secs_f64();
    println!(
        "{what}: {size_mib} MiB in {secs:.2} s = {:.0} MiB/s",
        size_mib as f64 / secs
    );
}

/// VmHWM from /proc/self/status (Linux), or "n/a".
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "n/a".to_owned())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
