//! How a media file reaches a platform that fetches it (Instagram, TikTok photos): photos are
//! prepared (JPEG, upright, sRGB, within size and aspect limits) into a publishing copy, then put
//! in the user's media relay for the platform to fetch through a presigned URL. Publishing copies
//! and relay objects are deleted once the platform has the media.

use std::path::{Path, PathBuf};
use std::time::Duration;

use herald_core::domain::{MediaKind, MediaView};
use herald_core::media::image::{self, AspectFix, ImageLimits};
use herald_core::publish::{PublishFailure, Retry};
use jiff::Timestamp;

use crate::relay::{Relay, RelayedObject};

/// The folder of one target's publishing copies.
pub(crate) fn copies_dir(work_dir: &Path, target_id: i64) -> PathBuf {
    work_dir.join(format!("target-{target_id}"))
}

/// Removes a target's publishing copies (nothing to do if there are none).
pub(crate) async fn remove_copies(work_dir: &Path, target_id: i64) {
    let dir = copies_dir(work_dir, target_id);
    match tokio::fs::remove_dir_all(&dir).await {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => tracing::warn!(
            target = target_id,
            "could not remove publishing copies: {err}"
        ),
    }
}

/// A file ready to upload: a prepared copy (photos) or the original (videos).
pub(crate) struct Staged {
    pub path: String,
    pub mime: String,
    pub size: u64,
}

/// Prepares one media item for Instagram.
pub(crate) async fn prepare(
    item: &MediaView,
    index: usize,
    limits: ImageLimits,
    fix: Option<AspectFix>,
    dir: &Path,
) -> Result<Staged, PublishFailure> {
    match item.kind {
        MediaKind::Video => Ok(original(item)),
        MediaKind::Image => {
            prepare_photo(
                Path::new(&item.path),
                &format!("item-{index}.jpg"),
                limits,
                fix,
                dir,
            )
            .await
        }
    }
}

/// A video as it is: checked when it was scheduled, sent unchanged (streamed from disk).
pub(crate) fn original(item: &MediaView) -> Staged {
    Staged {
        path: item.path.clone(),
        mime: item.mime.clone(),
        size: u64::try_from(item.size_bytes).unwrap_or(0),
    }
}

/// Prepares a photo (or a reel cover) as a JPEG publishing copy named `name` in `dir`.
pub(crate) async fn prepare_photo(
    source: &Path,
    name: &str,
    limits: ImageLimits,
    fix: Option<AspectFix>,
    dir: &Path,
) -> Result<Staged, PublishFailure> {
    let source = source.to_path_buf();
    let dest = dir.join(name);
    let dir = dir.to_path_buf();
    let prepared = tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&dir)?;
        image::prepare_image(&source, &dest, &limits, fix)
            .map(|prepared| (dest, prepared))
            .map_err(|err| std::io::Error::other(err.to_string()))
    })
    .await
    .map_err(|err| PublishFailure {
        code: "internal".to_owned(),
        message: format!("Herald could not prepare the photo ({err}); it will try again."),
        retry: Retry::After(Duration::from_secs(60)),
    })?;
    match prepared {
        Ok((dest, prepared)) => Ok(Staged {
            path: dest.to_string_lossy().into_owned(),
            mime: "image/jpeg".to_owned(),
            size: prepared.bytes,
        }),
        Err(err) => Err(PublishFailure {
            code: "media_not_ready".to_owned(),
            message: format!("The photo cannot be prepared for Instagram: {err}"),
            retry: Retry::Never,
        }),
    }
}

/// Puts a staged file in the relay and returns its object (key + presigned URL).
pub(crate) async fn relay(
    relay: Option<&Relay>,
    staged: &Staged,
    now: Timestamp,
) -> Result<RelayedObject, PublishFailure> {
    let Some(relay) = relay else {
        return Err(no_relay());
    };
    relay
        .upload(Path::new(&staged.path), &staged.mime, now)
        .await
        .map_err(|err| PublishFailure {
            code: "relay".to_owned(),
            message: format!("Herald could not put the media in the relay bucket: {err}"),
            retry: Retry::After(Duration::from_secs(60)),
        })
}

/// Deletes relay objects; a failure is logged and left to the sweeper.
pub(crate) async fn delete_objects(relay: Option<&Relay>, keys: &[String]) -> Vec<String> {
    let Some(relay) = relay else {
        return keys.to_vec();
    };
    let mut left = Vec::new();
    for key in keys {
        if let Err(err) = relay.delete(key).await {
            tracing::warn!("a relay object could not be deleted (the sweeper will): {err}");
            left.push(key.clone());
        }
    }
    left
}

/// Instagram cannot take media without a relay (TikTok's photo posts say so themselves).
pub(crate) fn no_relay() -> PublishFailure {
    PublishFailure {
        code: "no_relay".to_owned(),
        message: "Instagram fetches media from a web address, so Herald needs a media relay: set your S3-compatible bucket in Settings → Media relay (or `herald relay set`), then retry the post.".to_owned(),
        retry: Retry::Never,
    }
}
