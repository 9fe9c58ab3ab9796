//! TikTok's rules (`../shared/platforms/tiktok-api.md` §3.3, §3.7, §4, §7): an explicit privacy
//! level the creator offers, interactions the creator allows, branded content never private,
//! captions counted in UTF-16 units, videos within the creator's longest duration, 1–35 photos.

use crate::creator::TikTokCreator;
use crate::domain::{MediaKind, PostKind};
use crate::media::image::{self, TIKTOK_PHOTO};
use crate::media::video::{self, TIKTOK_VIDEO};
use crate::options::TikTokPrivacy;
use crate::rules::text;
use crate::rules::{NetworkCheck, PostContent};
use crate::violation::Violation;

/// Video caption (`title`), in UTF-16 units.
pub const MAX_VIDEO_CAPTION_UNITS: usize = 2_200;
/// Photo post title, in UTF-16 units.
pub const MAX_PHOTO_TITLE_UNITS: usize = 90;
/// Photo post description (the caption), in UTF-16 units.
pub const MAX_PHOTO_DESCRIPTION_UNITS: usize = 4_000;
/// Photos in one post.
pub const MAX_PHOTOS: usize = 35;

/// What a post is on TikTok.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Video,
    Photos,
}

/// The sentence TikTok requires before publishing (§7), for what the post declares.
pub fn consent_sentence(branded_content: bool) -> &'static str {
    if branded_content {
        "By posting, you agree to TikTok's Branded Content Policy and Music Usage Confirmation."
    } else {
        "By posting, you agree to TikTok's Music Usage Confirmation."
    }
}

/// Checks a post against TikTok's rules and, when known, the creator's own options.
pub fn check(content: &PostContent, creator: Option<&TikTokCreator>) -> NetworkCheck {
    let mut check = NetworkCheck::default();
    let shape = match shape(content) {
        Ok(shape) => shape,
        Err(problem) => {
            check.violations.push(problem);
            return check;
        }
    };
    let options = &content.options.tiktok;
    let inbox = options.draft_in_app && shape == Shape::Video;
    if !inbox {
        check_privacy(content, creator, &mut check);
        check_interactions(content, shape, creator, &mut check);
    } else {
        check.notices.push(
            "The video goes to the creator's TikTok inbox as a draft: open TikTok to finish and post it."
                .to_owned(),
        );
    }
    match shape {
        Shape::Video => check_video(content, creator, &mut check),
        Shape::Photos => check_photos(content, &mut check),
    }
    match creator {
        Some(creator) => check.notices.push(format!(
            "Posts as {} on TikTok. {}",
            creator.nickname,
            consent_sentence(options.branded_content)
        )),
        None => check
            .notices
            .push(consent_sentence(options.branded_content).to_owned()),
    }
    check
}

/// The shape a post takes on TikTok, or why it cannot be posted there.
pub fn shape(content: &PostContent) -> Result<Shape, Violation> {
    let videos = content
        .media
        .iter()
        .filter(|m| m.kind == MediaKind::Video)
        .count();
    let photos = content.media.len() - videos;
    match (videos, photos) {
        (0, 0) => Err(violation(
            "media_missing",
            "TikTok posts need a video or photos.".to_owned(),
        )),
        (1, 0) if content.kind != PostKind::Story => Ok(Shape::Video),
        (0, n) if n <= MAX_PHOTOS && content.kind != PostKind::Reel => Ok(Shape::Photos),
        (0, n) if n > MAX_PHOTOS => Err(violation(
            "too_many_photos",
            format!("This post has {n} photos; TikTok photo posts take 1 to {MAX_PHOTOS}."),
        )),
        (v, p) if v > 0 && p > 0 => Err(violation(
            "mixed_media",
            "TikTok posts are either one video or photos, not both.".to_owned(),
        )),
        (v, _) if v > 1 => Err(violation(
            "several_videos",
            format!("This post has {v} videos; a TikTok post takes one."),
        )),
        _ => Err(violation(
            "kind_not_on_tiktok",
            format!("TikTok has no {}; choose Video or Photo.", content.kind),
        )),
    }
}

fn check_privacy(content: &PostContent, creator: Option<&TikTokCreator>, check: &mut NetworkCheck) {
    let options = &content.options.tiktok;
    let Some(privacy) = options.privacy_level else {
        check.violations.push(violation(
            "tiktok_privacy_missing",
            "Choose who can see this post on TikTok (Everyone, Friends, Followers or Only me); TikTok requires an explicit choice.".to_owned(),
        ));
        return;
    };
    if let Some(creator) = creator {
        if !creator.offers(privacy) {
            check.violations.push(violation(
                "tiktok_privacy_not_offered",
                format!(
                    "{} cannot post to '{}' on TikTok; the choices are: {}.",
                    creator.nickname,
                    privacy.label(),
                    creator.offered_labels()
                ),
            ));
        }
    }
    if options.branded_content && privacy == TikTokPrivacy::SelfOnly {
        check.violations.push(violation(
            "tiktok_branded_private",
            "Branded content visibility cannot be set to private: choose Everyone or Friends, or turn off Branded content.".to_owned(),
        ));
    }
}

fn check_interactions(
    content: &PostContent,
    shape: Shape,
    creator: Option<&TikTokCreator>,
    check: &mut NetworkCheck,
) {
    let options = &content.options.tiktok;
    let Some(creator) = creator else {
        return;
    };
    let mut refused = Vec::new();
    if options.allow_comment && creator.comment_disabled {
        refused.push("comments");
    }
    if shape == Shape::Video {
        if options.allow_duet && creator.duet_disabled {
            refused.push("duets");
        }
        if options.allow_stitch && creator.stitch_disabled {
            refused.push("stitches");
        }
    }
    if !refused.is_empty() {
        check.violations.push(violation(
            "tiktok_interaction_disabled",
            format!(
                "{} has turned off {} on TikTok; turn them off for this post too.",
                creator.nickname,
                refused.join(" and ")
            ),
        ));
    }
}

fn check_video(content: &PostContent, creator: Option<&TikTokCreator>, check: &mut NetworkCheck) {
    let units = text::utf16_units(&content.caption);
    if units > MAX_VIDEO_CAPTION_UNITS {
        check.violations.push(violation(
            "caption_length",
            format!("The caption is {units} UTF-16 units (emoji count as two); TikTok accepts up to {MAX_VIDEO_CAPTION_UNITS}."),
        ));
    }
    let Some(item) = content.media.first() else {
        return;
    };
    match video::probe_video(&item.path) {
        Ok(facts) => {
            check
                .violations
                .extend(video::check_video(&facts, &TIKTOK_VIDEO));
            if let Some(creator) = creator {
                let max_ms = u64::from(creator.max_video_post_duration_sec) * 1000;
                if max_ms > 0 && facts.duration_ms > max_ms {
                    check.violations.push(violation(
                        "tiktok_duration",
                        format!(
                            "This video is {} s; {} can post videos up to {} s on TikTok.",
                            facts.duration_ms.div_ceil(1000),
                            creator.nickname,
                            creator.max_video_post_duration_sec
                        ),
                    ));
                }
            }
        }
        Err(err) => check
            .violations
            .push(violation("video_unreadable", err.to_string())),
    }
}

fn check_photos(content: &PostContent, check: &mut NetworkCheck) {
    let options = &content.options.tiktok;
    if let Some(title) = &options.photo_title {
        let units = text::utf16_units(title);
        if units > MAX_PHOTO_TITLE_UNITS {
            check.violations.push(violation(
                "photo_title_length",
                format!("The photo title is {units} UTF-16 units; TikTok accepts up to {MAX_PHOTO_TITLE_UNITS}."),
            ));
        }
    }
    let units = text::utf16_units(&content.caption);
    if units > MAX_PHOTO_DESCRIPTION_UNITS {
        check.violations.push(violation(
            "caption_length",
            format!("The description is {units} UTF-16 units; TikTok photo posts accept up to {MAX_PHOTO_DESCRIPTION_UNITS}."),
        ));
    }
    let several = content.media.len() > 1;
    for (index, item) in content.media.iter().enumerate() {
        let label = if several {
            format!("Photo {}: ", index + 1)
        } else {
            String::new()
        };
        match image::read_image_facts(&item.path) {
            Ok(facts) => {
                let plan = image::plan_image(&facts, &TIKTOK_PHOTO, None);
                check
                    .changes
                    .extend(plan.changes.into_iter().map(|c| format!("{label}{c}")));
            }
            Err(err) => check
                .violations
                .push(violation("image_unreadable", format!("{label}{err}"))),
        }
    }
    check.notices.push(
        "TikTok fetches photos from your media relay; its domain must be verified with TikTok (URL properties in the TikTok developer portal).".to_owned(),
    );
}

fn violation(code: &str, message: String) -> Violation {
    Violation {
        code: code.to_owned(),
        message,
    }
}
