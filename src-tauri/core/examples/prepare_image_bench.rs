//! How long preparing a 24-megapixel photo for the Instagram feed takes and how much memory it
//! needs; and the same for probing a 200 MB video, to show its media data is never read.
//!
//! ```text
//! cargo run --release -p herald-core --features testing --example prepare_image_bench
//! ```
//!
//! Peak memory is the process's VmHWM (Linux), reset before each measured step when the kernel
//! allows it (`/proc/self/clear_refs`), so each figure is that step's own peak.

use std::path::Path;
use std::time::Instant;

use herald_core::media::image::{prepare_image, INSTAGRAM_FEED};
use herald_core::media::testing::{write_mp4, MinimalMp4};
use herald_core::media::video::{check_video, probe_video, INSTAGRAM_REEL};
use image::codecs::jpeg::JpegEncoder;
use image::RgbImage;

fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    bench_photo(dir.path());
    bench_video(dir.path());
}

/// A 6000×4000 JPEG of noisy gradients, like a camera photo, prepared for the feed.
fn bench_photo(dir: &Path) {
    let src = dir.join("camera.jpg");
    let jpeg = noisy_jpeg(6000, 4000);
    let encoded = jpeg.len();
    std::fs::write(&src, jpeg).expect("the photo is written");
    println!(
        "input:   6000×4000 JPEG, {:.1} MB",
        encoded as f64 / 1_000_000.0
    );

    let baseline = reset_peak();
    let started = Instant::now();
    let prepared = prepare_image(&src, &dir.join("feed.jpg"), &INSTAGRAM_FEED, None)
        .expect("the photo is prepared");
    let elapsed = started.elapsed();
    println!(
        "prepare: {}×{} JPEG, {:.2} MB, {:?}",
        prepared.width,
        prepared.height,
        prepared.bytes as f64 / 1_000_000.0,
        prepared.changes
    );
    report("prepare_image", elapsed, baseline);
}

/// A 200 MB MP4, index first and then index last, probed and checked against the reel limits.
fn bench_video(dir: &Path) {
    for moov_first in [true, false] {
        let src = dir.join(format!("clip-{moov_first}.mp4"));
        let spec = MinimalMp4 {
            duration_ms: 60_000,
            mdat_bytes: 200 * 1024 * 1024,
            moov_first,
            ..MinimalMp4::default()
        };
        write_mp4(&src, &spec).expect("the video is written");
        let size = std::fs::metadata(&src).expect("the video exists").len();
        let layout = if moov_first {
            "moov first"
        } else {
            "moov last"
        };
        println!(
            "\ninput:   MP4 of {:.1} MB, {layout}",
            size as f64 / 1_000_000.0
        );

        let baseline = reset_peak();
        let started = Instant::now();
        let facts = probe_video(&src).expect("the video is probed");
        let violations = check_video(&facts, &INSTAGRAM_REEL);
        let elapsed = started.elapsed();
        println!(
            "probe:   {}×{} {:?}, {} ms, violations {:?}",
            facts.width,
            facts.height,
            facts.video_codec,
            facts.duration_ms,
            violations
                .iter()
                .map(|v| v.code.as_str())
                .collect::<Vec<_>>()
        );
        report("probe_video", elapsed, baseline);
    }
}

/// Prints a step's time and peak memory.
fn report(step: &str, elapsed: std::time::Duration, baseline: Option<u64>) {
    let peak = status_kib("VmHWM:");
    let described = match (peak, baseline) {
        (Some(peak), Some(before)) => format!(
            "peak RSS {:.1} MiB ({:+.1} MiB over the {:.1} MiB before it)",
            peak as f64 / 1024.0,
            (peak as f64 - before as f64) / 1024.0,
            before as f64 / 1024.0
        ),
        (Some(peak), None) => format!(
            "process peak RSS {:.1} MiB (could not reset)",
            peak as f64 / 1024.0
        ),
        _ => "peak RSS unknown (no /proc/self/status)".to_owned(),
    };
    println!(
        "{step}: {:.1} ms, {described}",
        elapsed.as_secs_f64() * 1000.0
    );
}

/// Resets VmHWM to the current RSS; returns that RSS (KiB) when the reset worked.
fn reset_peak() -> Option<u64> {
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    status_kib("VmRSS:")
}

/// A `/proc/self/status` field in KiB.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|line| line.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// A JPEG (quality 92) of gradients with per-pixel noise, which compresses like a real photo.
fn noisy_jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut seed = 0x9e37_79b9_u32;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        (seed % 48) as i32 - 24
    };
    let mut pixels = Vec::with_capacity(width as usize * height as usize * 3);
    for y in 0..height {
        for x in 0..width {
            let base = [
                (x * 255 / width) as i32,
                (y * 255 / height) as i32,
                ((x + y) * 255 / (width + height)) as i32,
            ];
            pixels.extend(base.map(|c| (c + noise()).clamp(0, 255) as u8));
        }
    }
    let image = RgbImage::from_raw(width, height, pixels).expect("a full buffer");
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 92)
        .encode_image(&image)
        .expect("the photo is encoded");
    jpeg
}
