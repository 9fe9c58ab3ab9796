//! Media files attached to posts: checked when attached, so a post never points at something
//! that cannot be published; photos prepared for each platform ([`image`]) and videos probed
//! against each post type's limits ([`video`]).

pub mod image;
mod preview;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod units;
pub mod video;

pub use self::image::{
    plan_image, prepare_image, read_image_facts, thumbnail_jpeg, AspectFix, ImageFacts,
    ImageLimits, ImagePlan, PreparedImage,
};
pub use self::preview::{media_facts, thumbnail, MediaFacts, THUMBNAIL_SIZE};
pub use self::video::{check_video, probe_video, VideoFacts, VideoLimits};

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::domain::MediaKind;
use crate::error::{CoreError, CoreResult};

/// How many leading bytes are read to recognise a file's format.
const SNIFF_BYTES: u64 = 8192;

/// A media file that exists, is readable, and is an image or a video.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaFile {
    /// The absolute path.
    pub path: PathBuf,
    pub kind: MediaKind,
    /// The MIME type recognised from the file's content (not its name).
    pub mime: String,
    pub size_bytes: u64,
}

/// Checks a media file and recognises its type from its content.
pub fn inspect(path: &Path) -> CoreResult<MediaFile> {
    let shown = path.display();
    let absolute = std::fs::canonicalize(path).map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => {
            CoreError::invalid(format!("media file '{shown}' does not exist"))
        }
        _ => CoreError::invalid(format!("media file '{shown}' cannot be opened: {err}")),
    })?;
    let metadata = std::fs::metadata(&absolute)
        .map_err(|err| CoreError::invalid(format!("media file '{shown}' cannot be read: {err}")))?;
    if !metadata.is_file() {
        return Err(CoreError::invalid(format!("media '{shown}' is not a file")));
    }
    if metadata.len() == 0 {
        return Err(CoreError::invalid(format!("media file '{shown}' is empty")));
    }
    let mut head = Vec::new();
    std::fs::File::open(&absolute)
        .and_then(|file| file.take(SNIFF_BYTES).read_to_end(&mut head))
        .map_err(|err| CoreError::invalid(format!("media file '{shown}' cannot be read: {err}")))?;
    let (kind, mime) = match infer::get(&head) {
        Some(t) if t.matcher_type() == infer::MatcherType::Image => {
            (MediaKind::Image, t.mime_type())
        }
        Some(t) if t.matcher_type() == infer::MatcherType::Video => {
            (MediaKind::Video, t.mime_type())
        }
        Some(t) => {
            return Err(CoreError::invalid(format!(
                "media file '{shown}' is {} ({}), not an image or a video",
                t.extension(),
                t.mime_type()
            )))
        }
        None => {
            return Err(CoreError::invalid(format!(
                "media file '{shown}' is not an image or a video Herald recognises"
            )))
        }
    };
    Ok(MediaFile {
        path: absolute,
        kind,
        mime: mime.to_owned(),
        size_bytes: metadata.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest valid PNG header Herald's sniffing needs.
    const PNG_HEAD: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn recognises_an_image_by_content_not_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("photo.txt");
        std::fs::write(&path, PNG_HEAD).unwrap();
        let media = inspect(&path).unwrap();
        assert_eq!(media.kind, MediaKind::Image);
        assert_eq!(media.mime, "image/png");
        assert!(media.path.is_absolute());
    }

    #[test]
    fn refuses_missing_empty_and_foreign_files() {
        let dir = tempfile::tempdir().unwrap();
        let missing = inspect(&dir.path().join("nope.jpg")).unwrap_err();
        assert!(missing.to_string().contains("does not exist"), "{missing}");

        let empty = dir.path().join("empty.jpg");
        std::fs::write(&empty, b"").unwrap();
        assert!(inspect(&empty)
            .unwrap_err()
            .to_string()
            .contains("is empty"));

        let pdf = dir.path().join("doc.jpg");
        std::fs::write(&pdf, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n").unwrap();
        let err = inspect(&pdf).unwrap_err().to_string();
        assert!(err.contains("not an image or a video"), "{err}");

        assert!(inspect(dir.path())
            .unwrap_err()
            .to_string()
            .contains("not a file"));
    }
}
