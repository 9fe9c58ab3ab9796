//! Herald's domain vocabulary: platforms, statuses and the views of accounts and posts that the
//! command line prints as JSON and the window receives over IPC (one shape for both).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::error::CoreError;
use crate::options::PostOptions;

/// Database id of an account.
pub type AccountId = i64;
/// Database id of a post.
pub type PostId = i64;

/// Declares a closed set of lowercase names, stored as TEXT in SQLite and shown as-is to users.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $text)] $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and displayed name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = CoreError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(CoreError::invalid(format!(
                        "'{}' is not one of: {}",
                        other,
                        [$($text),+].join(", ")
                    ))),
                }
            }
        }
    };
}

text_enum! {
    /// A network Herald publishes to.
    Platform {
        Instagram => "instagram",
        Facebook => "facebook",
        TikTok => "tiktok",
    }
}

text_enum! {
    /// Where one target (a post on one account) stands in the publish state machine.
    TargetStatus {
        /// Not meant to go out yet.
        Draft => "draft",
        /// Waiting for its due time.
        Scheduled => "scheduled",
        /// Claimed by a process that is talking to the platform.
        Publishing => "publishing",
        /// Live; has a permalink.
        Published => "published",
        /// Gave up; carries the platform's code and a plain sentence.
        Failed => "failed",
        /// Overdue past the grace window while nothing could publish it.
        Missed => "missed",
    }
}

text_enum! {
    /// Whether an account can publish.
    AccountStatus {
        Connected => "connected",
        /// The platform rejected its token; the user must connect it again.
        NeedsReconnect => "needs_reconnect",
        Disconnected => "disconnected",
    }
}

text_enum! {
    /// What kind of post this is; each platform accepts some of them.
    PostKind {
        Post => "post",
        Carousel => "carousel",
        Reel => "reel",
        Story => "story",
        Video => "video",
        Photo => "photo",
    }
}

text_enum! {
    /// Whether a media file is a still image or a video.
    MediaKind {
        Image => "image",
        Video => "video",
    }
}

impl Platform {
    /// The platform's name as users write it.
    pub fn display_name(self) -> &'static str {
        match self {
            Platform::Instagram => "Instagram",
            Platform::Facebook => "Facebook",
            Platform::TikTok => "TikTok",
        }
    }
}

impl TargetStatus {
    /// Whether a target in this status may still be moved to another time.
    pub fn can_reschedule(self) -> bool {
        !matches!(self, TargetStatus::Publishing | TargetStatus::Published)
    }
}

/// An account as shown to the user (never with a token: those stay in the keyring).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AccountView {
    pub id: AccountId,
    pub platform: Platform,
    pub name: String,
    pub status: AccountStatus,
    /// A sandbox account ("Try Herald"): publishes to the local simulation only.
    pub simulated: bool,
    /// The publishing quota the platform last reported (Instagram), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota: Option<QuotaView>,
    /// Why the account needs reconnecting (when its status says so), as a sentence.
    pub reconnect_reason: Option<String>,
    /// When its access token expires (RFC 3339), if it does and is known.
    pub token_expires_at: Option<String>,
}

/// A platform's publishing quota for one account, as last read from the platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuotaView {
    /// Posts published in the rolling window.
    pub used: u32,
    /// Posts allowed in the rolling window.
    pub total: u32,
    /// The window's length in hours (24 for Instagram).
    pub window_hours: u32,
    /// When it was read (RFC 3339).
    pub checked_at: String,
}

/// A media file attached to a post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MediaView {
    pub id: i64,
    pub path: String,
    pub kind: MediaKind,
    pub mime: String,
    pub size_bytes: i64,
    /// Alternative text for screen readers (photos).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt_text: Option<String>,
}

/// Why a target failed: the platform's code and a sentence saying what to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TargetError {
    pub code: String,
    pub message: String,
}

/// One post on one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TargetView {
    pub account_id: AccountId,
    pub account_name: String,
    pub platform: Platform,
    pub status: TargetStatus,
    /// This network's own caption, when it overrides the post's shared one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permalink: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<TargetError>,
    /// The optional first comment's own outcome (its failure leaves the post published).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_comment: Option<FirstCommentView>,
    /// Something the user should know before this target's time, e.g. that it would exceed
    /// the account's daily publishing quota.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// While a video is being uploaded: how much of it the platform has confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload: Option<UploadProgress>,
}

/// How far a video upload has got, from what the platform confirmed (TikTok's chunks,
/// Facebook's resumable upload).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UploadProgress {
    pub sent_bytes: u64,
    pub total_bytes: u64,
}

impl UploadProgress {
    /// Reads a publishing target's recorded progress (`offset` or `uploaded` bytes, out of
    /// `file_size` or else the video's size). `None` when nothing was confirmed yet.
    pub fn from_recorded(progress: &str, video_size: Option<u64>) -> Option<UploadProgress> {
        let value: serde_json::Value = serde_json::from_str(progress).ok()?;
        let sent = value
            .get("offset")
            .or_else(|| value.get("uploaded"))
            .and_then(serde_json::Value::as_u64)?;
        let total = value
            .get("file_size")
            .and_then(serde_json::Value::as_u64)
            .or(video_size)?;
        (sent > 0 && total > 0).then_some(UploadProgress {
            sent_bytes: sent.min(total),
            total_bytes: total,
        })
    }
}

/// How posting a target's first comment went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FirstCommentView {
    /// The comment's id at the platform, once posted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Why it could not be posted, in plain words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A post with its media and targets. `due_at` is RFC 3339 in UTC, or `None` for a draft with
/// no date; `timezone` is the IANA zone the user planned it in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PostView {
    pub id: PostId,
    pub caption: String,
    pub due_at: Option<String>,
    pub timezone: String,
    pub kind: PostKind,
    pub draft: bool,
    pub media: Vec<MediaView>,
    pub targets: Vec<TargetView>,
    /// Per-network options (first comment, reel cover, Fit or Crop…).
    pub options: PostOptions,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text() {
        for status in TargetStatus::ALL {
            assert_eq!(status.as_str().parse::<TargetStatus>().unwrap(), *status);
        }
        assert_eq!("tiktok".parse::<Platform>().unwrap(), Platform::TikTok);
    }

    #[test]
    fn unknown_names_are_rejected_with_the_choices() {
        let err = "myspace".parse::<Platform>().unwrap_err().to_string();
        assert!(
            err.contains("is not one of: instagram, facebook, tiktok"),
            "{err}"
        );
    }

    #[test]
    fn serde_uses_the_stored_names() {
        let json = serde_json::to_string(&AccountStatus::NeedsReconnect).unwrap();
        assert_eq!(json, "\"needs_reconnect\"");
        assert_eq!(
            serde_json::to_string(&Platform::TikTok).unwrap(),
            "\"tiktok\""
        );
    }

    #[test]
    fn upload_progress_reads_what_the_platforms_record() {
        let tiktok = UploadProgress::from_recorded(
            r#"{"publish_id":"p","offset":30000000}"#,
            Some(300_000_000),
        );
        assert_eq!(
            tiktok,
            Some(UploadProgress {
                sent_bytes: 30_000_000,
                total_bytes: 300_000_000
            })
        );
        let facebook =
            UploadProgress::from_recorded(r#"{"uploaded":4194304,"file_size":8388608}"#, None);
        assert_eq!(
            facebook.map(|p| p.sent_bytes * 2 == p.total_bytes),
            Some(true)
        );
        assert_eq!(
            UploadProgress::from_recorded(r#"{"offset":0}"#, Some(10)),
            None
        );
        assert_eq!(UploadProgress::from_recorded("not json", Some(10)), None);
    }
}
