//! Per-network options of a post: what a network accepts beyond a caption and media. Stored as
//! JSON in `posts.options`, so a network's options can grow without a migration each time.

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreResult};
use crate::media::image::AspectFix;

/// The options of one post, per network. Missing options take the network's default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PostOptions {
    #[serde(default)]
    pub instagram: InstagramOptions,
}

/// Instagram's options (`../shared/platforms/meta-api.md` §1.7).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InstagramOptions {
    /// A comment posted right after the media goes live (to keep hashtags out of the caption).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_comment: Option<String>,
    /// Reels: also show the reel in the main feed (Instagram's default: yes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_to_feed: Option<bool>,
    /// Reels: a JPEG chosen as the cover (an absolute path on this machine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover: Option<String>,
    /// Reels: the frame used as the cover, in milliseconds from the start (when no cover image).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumb_offset_ms: Option<u32>,
    /// What to do with photos outside Instagram's aspect range: pad them or crop them. Never
    /// applied unless the user chose it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_fix: Option<AspectFix>,
}

impl PostOptions {
    /// Reads stored options; a value Herald cannot read is an error, never silently dropped.
    pub fn from_json(text: &str) -> CoreResult<PostOptions> {
        serde_json::from_str(text).map_err(|err| {
            CoreError::invalid(format!("a post's stored options are unreadable: {err}"))
        })
    }

    /// The options as stored.
    pub fn to_json(&self) -> String {
        // Serialising plain strings, numbers and booleans cannot fail.
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_store_as_an_empty_object_and_round_trip() {
        assert_eq!(PostOptions::default().to_json(), r#"{"instagram":{}}"#);
        assert_eq!(
            PostOptions::from_json("{}").unwrap(),
            PostOptions::default()
        );
        let options = PostOptions {
            instagram: InstagramOptions {
                first_comment: Some("#sun #sea".to_owned()),
                aspect_fix: Some(AspectFix::Crop),
                ..InstagramOptions::default()
            },
        };
        let text = options.to_json();
        assert_eq!(PostOptions::from_json(&text).unwrap(), options);
        assert!(PostOptions::from_json("{\"instagram\":{\"aspect_fix\":\"stretch\"}}").is_err());
    }
}
