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
    #[serde(default)]
    pub tiktok: TikTokOptions,
}

/// TikTok's Direct Post choices (`../shared/platforms/tiktok-api.md` §7): the privacy level has
/// no default, every interaction is off unless the user turns it on, and the commercial-content
/// disclosure is explicit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TikTokOptions {
    /// Who can see the post; must be one the creator offers. Required for Direct Post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_level: Option<TikTokPrivacy>,
    #[serde(default)]
    pub allow_comment: bool,
    #[serde(default)]
    pub allow_duet: bool,
    #[serde(default)]
    pub allow_stitch: bool,
    /// Promotes the creator's own business ("Your brand": labelled "Promotional content").
    #[serde(default)]
    pub your_brand: bool,
    /// A paid partnership ("Branded content": labelled "Paid partnership"; never private).
    #[serde(default)]
    pub branded_content: bool,
    /// Labelled as AI-generated.
    #[serde(default)]
    pub ai_generated: bool,
    /// Upload to the creator's TikTok inbox as a draft to finish in the app, instead of posting.
    #[serde(default)]
    pub draft_in_app: bool,
    /// Videos: the frame used as the cover, in milliseconds from the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover_timestamp_ms: Option<u32>,
    /// Photo posts: the title (up to 90 UTF-16 units; the caption is the description).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo_title: Option<String>,
}

/// Who can see a TikTok post, as TikTok names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TikTokPrivacy {
    PublicToEveryone,
    MutualFollowFriends,
    FollowerOfCreator,
    SelfOnly,
}

impl TikTokPrivacy {
    /// Every level.
    pub const ALL: [TikTokPrivacy; 4] = [
        TikTokPrivacy::PublicToEveryone,
        TikTokPrivacy::MutualFollowFriends,
        TikTokPrivacy::FollowerOfCreator,
        TikTokPrivacy::SelfOnly,
    ];

    /// TikTok's name (`PUBLIC_TO_EVERYONE`…).
    pub fn as_str(self) -> &'static str {
        match self {
            TikTokPrivacy::PublicToEveryone => "PUBLIC_TO_EVERYONE",
            TikTokPrivacy::MutualFollowFriends => "MUTUAL_FOLLOW_FRIENDS",
            TikTokPrivacy::FollowerOfCreator => "FOLLOWER_OF_CREATOR",
            TikTokPrivacy::SelfOnly => "SELF_ONLY",
        }
    }

    /// How TikTok's app words it.
    pub fn label(self) -> &'static str {
        match self {
            TikTokPrivacy::PublicToEveryone => "Everyone",
            TikTokPrivacy::MutualFollowFriends => "Friends",
            TikTokPrivacy::FollowerOfCreator => "Followers",
            TikTokPrivacy::SelfOnly => "Only me",
        }
    }
}

impl std::str::FromStr for TikTokPrivacy {
    type Err = CoreError;

    /// TikTok's names, case-insensitive, or the app's words (everyone, friends, followers, only-me).
    fn from_str(text: &str) -> CoreResult<TikTokPrivacy> {
        let wanted = text.trim().to_ascii_uppercase().replace(['-', ' '], "_");
        let alias = match wanted.as_str() {
            "EVERYONE" | "PUBLIC" => Some(TikTokPrivacy::PublicToEveryone),
            "FRIENDS" => Some(TikTokPrivacy::MutualFollowFriends),
            "FOLLOWERS" => Some(TikTokPrivacy::FollowerOfCreator),
            "ONLY_ME" | "PRIVATE" => Some(TikTokPrivacy::SelfOnly),
            _ => None,
        };
        alias
            .or_else(|| TikTokPrivacy::ALL.into_iter().find(|p| p.as_str() == wanted))
            .ok_or_else(|| {
                CoreError::invalid(format!(
                    "'{text}' is not a TikTok privacy level: everyone, friends, followers or only-me"
                ))
            })
    }
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
        assert_eq!(
            PostOptions::default().to_json(),
            r#"{"instagram":{},"tiktok":{"allow_comment":false,"allow_duet":false,"allow_stitch":false,"your_brand":false,"branded_content":false,"ai_generated":false,"draft_in_app":false}}"#
        );
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
            ..PostOptions::default()
        };
        let text = options.to_json();
        assert_eq!(PostOptions::from_json(&text).unwrap(), options);
        assert!(PostOptions::from_json("{\"instagram\":{\"aspect_fix\":\"stretch\"}}").is_err());
        assert_eq!(
            "only-me".parse::<TikTokPrivacy>().unwrap(),
            TikTokPrivacy::SelfOnly
        );
        assert_eq!(
            "PUBLIC_TO_EVERYONE".parse::<TikTokPrivacy>().unwrap(),
            TikTokPrivacy::PublicToEveryone
        );
        assert!("world".parse::<TikTokPrivacy>().is_err());
    }
}
