//! What each network accepts, checked before a post is scheduled (not when it fails): every
//! broken rule is a [`Violation`] naming the limit and the actual value, and every change Herald
//! would make to the media on the way (conversion, scaling) is listed so nothing happens silently.

pub mod instagram;
pub mod text;
pub mod tiktok;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::creator::TikTokCreator;
use crate::domain::{MediaKind, Platform, PostKind, PostView};
use crate::options::PostOptions;
use crate::violation::Violation;

/// The parts of a post the rules look at.
#[derive(Debug, Clone)]
pub struct PostContent {
    pub caption: String,
    pub kind: PostKind,
    pub media: Vec<MediaItem>,
    pub options: PostOptions,
}

/// One attached file.
#[derive(Debug, Clone)]
pub struct MediaItem {
    pub path: PathBuf,
    pub kind: MediaKind,
    pub alt_text: Option<String>,
}

/// What a post would be on one network.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NetworkCheck {
    pub platform: Option<Platform>,
    /// The account checked, for rules that depend on the account (TikTok's creator options).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Rules the post breaks there; it cannot be scheduled until they are fixed.
    pub violations: Vec<Violation>,
    /// What Herald will change on the way, in plain sentences ("Converted from PNG to JPEG").
    pub changes: Vec<String>,
    /// Worth knowing, not blocking ("Instagram shows at most 5 hashtags…").
    pub notices: Vec<String>,
}

impl NetworkCheck {
    /// True when nothing blocks the post.
    pub fn is_ok(&self) -> bool {
        self.violations.is_empty()
    }
}

impl PostContent {
    /// The same content with a network's own caption instead of the shared one (when given).
    pub fn with_caption(&self, caption: Option<&str>) -> PostContent {
        let mut content = self.clone();
        if let Some(caption) = caption {
            content.caption = caption.to_owned();
        }
        content
    }
}

impl From<&PostView> for PostContent {
    fn from(post: &PostView) -> Self {
        PostContent {
            caption: post.caption.clone(),
            kind: post.kind,
            media: post
                .media
                .iter()
                .map(|m| MediaItem {
                    path: PathBuf::from(&m.path),
                    kind: m.kind,
                    alt_text: m.alt_text.clone(),
                })
                .collect(),
            options: post.options.clone(),
        }
    }
}

/// Checks a post against one network's rules; for TikTok, against the creator's own options
/// too when they are known. Facebook's are checked at publishing time only (for now).
pub fn check(
    platform: Platform,
    content: &PostContent,
    creator: Option<&TikTokCreator>,
) -> NetworkCheck {
    let mut check = match platform {
        Platform::Instagram => instagram::check(content),
        Platform::TikTok => tiktok::check(content, creator),
        Platform::Facebook => NetworkCheck::default(),
    };
    check.platform = Some(platform);
    check
}
