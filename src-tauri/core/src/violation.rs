//! A rule a post breaks, said so the user can fix it.

use serde::{Deserialize, Serialize};

/// One rule a post breaks, named so the user can fix it: the limit and the actual value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Violation {
    /// A stable machine name, e.g. `image_aspect`, `video_duration`.
    pub code: String,
    /// A sentence naming the limit and the actual value, e.g. "This video is 16 min 20 s;
    /// Instagram reels must be 3 s to 15 min."
    pub message: String,
}

impl Violation {
    /// A violation with the given code and sentence.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Violation {
            code: code.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
