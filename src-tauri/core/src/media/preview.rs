//! What the composer shows of a media file before it is attached: its facts (kind, size,
//! dimensions, duration) or why it cannot be used, and a small cached thumbnail.
//!
//! Both read at most a file's header (a JPEG is read whole, as [`super::image`] always does, to
//! refuse a truncated one), never panic on a hostile file, and are meant to run on a blocking
//! thread.

use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{image, inspect, video};
use crate::domain::MediaKind;
use crate::error::CoreResult;

/// The longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIZE: u32 = 256;

/// The folder of cached thumbnails, under the data directory.
const THUMBNAIL_DIR: &str = "thumbnails";

/// What Herald reads from a media file's header, before it is attached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MediaFacts {
    /// The path as it was asked for.
    pub path: String,
    pub kind: Option<MediaKind>,
    /// The MIME type recognised from the content (not the name).
    pub mime: Option<String>,
    pub size_bytes: Option<u64>,
    /// Width as shown (photos: after the EXIF orientation).
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Videos: how long they play.
    pub duration_ms: Option<u64>,
    /// Why the file cannot be used, as a sentence.
    pub problem: Option<String>,
}

impl MediaFacts {
    fn unknown(path: &Path) -> MediaFacts {
        MediaFacts {
            path: path.display().to_string(),
            kind: None,
            mime: None,
            size_bytes: None,
            width: None,
            height: None,
            duration_ms: None,
            problem: None,
        }
    }
}

/// The facts of one file, or why it cannot be used (`problem`); never fails and never panics.
pub fn media_facts(path: &Path) -> MediaFacts {
    let mut facts = MediaFacts::unknown(path);
    match catch_unwind(AssertUnwindSafe(|| read_facts(path, &mut facts))) {
        Ok(Ok(())) => {}
        Ok(Err(err)) => facts.problem = Some(sentence(&err.to_string())),
        Err(_) => {
            facts.problem = Some(format!(
                "'{}' is damaged: Herald could not read it.",
                path.display()
            ))
        }
    }
    facts
}

fn read_facts(path: &Path, facts: &mut MediaFacts) -> CoreResult<()> {
    let file = inspect(path)?;
    facts.kind = Some(file.kind);
    facts.mime = Some(file.mime.clone());
    facts.size_bytes = Some(file.size_bytes);
    match file.kind {
        MediaKind::Image => {
            let image = image::read_image_facts(&file.path)?;
            facts.width = Some(image.width);
            facts.height = Some(image.height);
        }
        MediaKind::Video => {
            let video = video::probe_video(&file.path)?;
            facts.width = Some(video.width);
            facts.height = Some(video.height);
            facts.duration_ms = Some(video.duration_ms);
        }
    }
    Ok(())
}

/// A core error as a sentence: capital first letter, final full stop.
fn sentence(message: &str) -> String {
    let message = message.trim();
    let mut chars = message.chars();
    let mut out = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
        None => return "This file cannot be used.".to_owned(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// A thumbnail of a photo as a `data:image/jpeg;base64,…` URL, at most [`THUMBNAIL_SIZE`]
/// pixels on its longer side, upright; `None` for videos and for files that cannot be read.
/// Cached under `<data_dir>/thumbnails/`, keyed by the path, modification time and size, so an
/// edited file gets a new one.
pub fn thumbnail(path: &Path, data_dir: &Path) -> Option<String> {
    let metadata = std::fs::metadata(path).ok()?;
    if !metadata.is_file() {
        return None;
    }
    let cached = cache_path(path, &metadata, data_dir);
    if let Ok(jpeg) = std::fs::read(&cached) {
        if !jpeg.is_empty() {
            return Some(data_url(&jpeg));
        }
    }
    let file = inspect(path).ok()?;
    if file.kind != MediaKind::Image {
        return None;
    }
    let jpeg = match catch_unwind(AssertUnwindSafe(|| {
        image::thumbnail_jpeg(&file.path, THUMBNAIL_SIZE)
    })) {
        Ok(Ok(jpeg)) => jpeg,
        Ok(Err(err)) => {
            tracing::debug!(path = %path.display(), %err, "no thumbnail");
            return None;
        }
        Err(_) => {
            tracing::warn!(path = %path.display(), "the decoder failed making a thumbnail");
            return None;
        }
    };
    if let Err(err) = write_cache(&cached, &jpeg) {
        tracing::warn!(path = %cached.display(), %err, "cannot cache a thumbnail");
    }
    Some(data_url(&jpeg))
}

/// `<data_dir>/thumbnails/<sha256 of path, mtime and size>.jpg`.
fn cache_path(path: &Path, metadata: &std::fs::Metadata, data_dir: &Path) -> PathBuf {
    let modified = metadata
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let mut hasher = Sha256::new();
    hasher.update(path.as_os_str().as_encoded_bytes());
    hasher.update([0]);
    hasher.update(modified.to_le_bytes());
    hasher.update(metadata.len().to_le_bytes());
    let hex = crate::hex::to_hex(&hasher.finalize());
    data_dir.join(THUMBNAIL_DIR).join(format!("{hex}.jpg"))
}

/// Writes a cached thumbnail whole or not at all.
fn write_cache(dest: &Path, jpeg: &[u8]) -> std::io::Result<()> {
    let dir = dest.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".thumb-")
        .suffix(".part")
        .tempfile_in(dir)?;
    temp.write_all(jpeg)?;
    temp.persist(dest).map_err(|err| err.error)?;
    Ok(())
}

fn data_url(jpeg: &[u8]) -> String {
    format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(jpeg)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::testing::{write_mp4, MinimalMp4};

    fn png(path: &Path, width: u32, height: u32) {
        ::image::RgbaImage::from_pixel(width, height, ::image::Rgba([200, 30, 30, 128]))
            .save(path)
            .unwrap();
    }

    #[test]
    fn facts_of_a_photo_and_a_video() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("wide.png");
        png(&photo, 300, 200);
        let facts = media_facts(&photo);
        assert_eq!(facts.kind, Some(MediaKind::Image));
        assert_eq!(facts.mime.as_deref(), Some("image/png"));
        assert_eq!((facts.width, facts.height), (Some(300), Some(200)));
        assert_eq!(facts.problem, None);
        assert_eq!(facts.path, photo.display().to_string());

        let film = dir.path().join("clip.mp4");
        write_mp4(&film, &MinimalMp4::default()).unwrap();
        let facts = media_facts(&film);
        assert_eq!(facts.kind, Some(MediaKind::Video));
        assert!(facts.duration_ms.unwrap_or(0) > 0, "{facts:?}");
        assert_eq!(facts.problem, None);
    }

    #[test]
    fn a_corrupt_or_missing_file_has_a_problem_sentence() {
        let dir = tempfile::tempdir().unwrap();
        let corrupt = dir.path().join("broken.jpg");
        // A JPEG start, then garbage: recognised as a JPEG, unreadable as one.
        let mut bytes = vec![
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0,
        ];
        bytes.extend(std::iter::repeat_n(0x5A, 4000));
        std::fs::write(&corrupt, &bytes).unwrap();
        let facts = media_facts(&corrupt);
        assert_eq!(facts.kind, Some(MediaKind::Image));
        let problem = facts.problem.expect("a problem");
        assert!(problem.contains("cannot be read as an image"), "{problem}");
        assert!(problem.ends_with(['.', '?']), "{problem}");

        let missing = media_facts(&dir.path().join("nope.png"));
        let problem = missing.problem.expect("a problem");
        assert!(problem.starts_with("Media file"), "{problem}");
        assert!(problem.contains("does not exist"), "{problem}");

        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "just words, not a picture").unwrap();
        assert!(media_facts(&text).problem.is_some());

        let fake_video = dir.path().join("fake.mp4");
        let mut bytes = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
        bytes.extend(std::iter::repeat_n(0xAB, 5000));
        std::fs::write(&fake_video, &bytes).unwrap();
        let facts = media_facts(&fake_video);
        assert_eq!(facts.kind, Some(MediaKind::Video));
        assert!(facts.problem.is_some(), "{facts:?}");
    }

    #[test]
    fn a_png_thumbnail_is_a_small_cached_jpeg_data_url() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let photo = dir.path().join("tall.png");
        png(&photo, 600, 1200);
        let url = thumbnail(&photo, &data).expect("a thumbnail");
        let encoded = url
            .strip_prefix("data:image/jpeg;base64,")
            .expect("a JPEG data URL");
        let jpeg = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap();
        let decoded = ::image::load_from_memory(&jpeg).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (128, 256));

        let cached = std::fs::read_dir(data.join(THUMBNAIL_DIR))
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "jpg"))
            .count();
        assert_eq!(cached, 1);
        assert_eq!(thumbnail(&photo, &data).as_deref(), Some(url.as_str()));
    }

    #[test]
    fn no_thumbnail_for_videos_or_unreadable_files() {
        let dir = tempfile::tempdir().unwrap();
        let film = dir.path().join("clip.mp4");
        write_mp4(&film, &MinimalMp4::default()).unwrap();
        assert_eq!(thumbnail(&film, dir.path()), None);
        let corrupt = dir.path().join("broken.png");
        std::fs::write(&corrupt, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRgarbage").unwrap();
        assert_eq!(thumbnail(&corrupt, dir.path()), None);
        assert_eq!(thumbnail(&dir.path().join("missing.png"), dir.path()), None);
        assert_eq!(thumbnail(dir.path(), dir.path()), None);
    }
}
