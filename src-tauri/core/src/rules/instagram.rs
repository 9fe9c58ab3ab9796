//! Instagram's rules (`../shared/platforms/meta-api.md` §1.7, §1.10, §1.13): caption limits, post
//! kinds and what media each accepts.

use crate::domain::{MediaKind, PostKind};
use crate::media::image::{self, ImageLimits};
use crate::media::video::{self, VideoLimits};
use crate::rules::text;
use crate::rules::{MediaItem, NetworkCheck, PostContent};
use crate::violation::Violation;

/// Caption length, in characters.
pub const MAX_CAPTION_CHARS: usize = 2_200;
/// Hashtags the API accepts in a caption.
pub const MAX_HASHTAGS: usize = 30;
/// Hashtags Instagram's apps show since December 2025 (the API may accept more).
pub const SHOWN_HASHTAGS: usize = 5;
/// @mentions in a caption.
pub const MAX_MENTIONS: usize = 20;
/// Alternative text of a photo, in characters.
pub const MAX_ALT_TEXT_CHARS: usize = 1_000;
/// Items in a carousel.
pub const CAROUSEL_ITEMS: std::ops::RangeInclusive<usize> = 2..=10;

/// How Instagram will publish a post of this kind with these media.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One photo in the feed.
    Image,
    Carousel,
    Reel,
    StoryImage,
    StoryVideo,
}

/// Checks a post against Instagram's rules.
pub fn check(content: &PostContent) -> NetworkCheck {
    let mut check = NetworkCheck::default();
    let shape = match shape(content) {
        Ok(shape) => shape,
        Err(violation) => {
            check.violations.push(violation);
            return check;
        }
    };
    check_caption(content, shape, &mut check);
    if let Some(comment) = &content.options.instagram.first_comment {
        let chars = text::characters(comment);
        if chars > MAX_CAPTION_CHARS {
            check.violations.push(violation(
                "first_comment_length",
                format!("The first comment is {chars} characters; Instagram accepts up to {MAX_CAPTION_CHARS}."),
            ));
        }
    }
    for (index, item) in content.media.iter().enumerate() {
        check_media(content, shape, index, item, &mut check);
    }
    if shape == Shape::Reel {
        check_cover(content, &mut check);
    }
    check
}

/// The shape a post takes on Instagram, or why it cannot be published there.
pub fn shape(content: &PostContent) -> Result<Shape, Violation> {
    let count = content.media.len();
    let first = content.media.first().map(|m| m.kind);
    match (content.kind, count, first) {
        (_, 0, _) => Err(violation(
            "media_missing",
            "Instagram posts need a photo or a video.".to_owned(),
        )),
        (PostKind::Post | PostKind::Photo, 1, Some(MediaKind::Image)) => Ok(Shape::Image),
        (PostKind::Post | PostKind::Photo | PostKind::Video, 1, Some(MediaKind::Video)) => {
            Err(violation(
                "video_needs_reel",
                "Instagram publishes single videos as reels: choose Reel as the post kind."
                    .to_owned(),
            ))
        }
        (PostKind::Post | PostKind::Photo, _, _) => Err(violation(
            "several_media",
            format!("This post has {count} files; choose Carousel to publish several photos or videos on Instagram."),
        )),
        (PostKind::Carousel, n, _) if !CAROUSEL_ITEMS.contains(&n) => Err(violation(
            "carousel_items",
            format!(
                "This carousel has {n} item{}; Instagram carousels take 2 to 10.",
                if n == 1 { "" } else { "s" }
            ),
        )),
        (PostKind::Carousel, _, _) => Ok(Shape::Carousel),
        (PostKind::Reel, 1, Some(MediaKind::Video)) => Ok(Shape::Reel),
        (PostKind::Reel, 1, _) => Err(violation(
            "reel_needs_video",
            "A reel is a video; this post has a photo. Choose Post or Story for a photo.".to_owned(),
        )),
        (PostKind::Reel | PostKind::Story, n, _) if n > 1 => Err(violation(
            "one_file_only",
            format!(
                "A {} takes exactly one file; this post has {n}.",
                content.kind
            ),
        )),
        (PostKind::Story, _, Some(MediaKind::Image)) => Ok(Shape::StoryImage),
        (PostKind::Story, _, _) => Ok(Shape::StoryVideo),
        (PostKind::Video, _, _) | (PostKind::Reel, _, _) => Err(violation(
            "video_needs_reel",
            "Instagram publishes videos as reels: choose Reel as the post kind.".to_owned(),
        )),
    }
}

fn check_caption(content: &PostContent, shape: Shape, check: &mut NetworkCheck) {
    let caption = content.caption.as_str();
    if matches!(shape, Shape::StoryImage | Shape::StoryVideo) {
        if !caption.trim().is_empty() {
            check.notices.push(
                "Instagram stories have no caption; the caption is not published there.".to_owned(),
            );
        }
        return;
    }
    let chars = text::characters(caption);
    if chars > MAX_CAPTION_CHARS {
        check.violations.push(violation(
            "caption_length",
            format!(
                "The caption is {chars} characters; Instagram accepts up to {MAX_CAPTION_CHARS}."
            ),
        ));
    }
    let hashtags = text::hashtags(caption).len();
    if hashtags > MAX_HASHTAGS {
        check.violations.push(violation(
            "caption_hashtags",
            format!("The caption has {hashtags} hashtags; Instagram accepts up to {MAX_HASHTAGS}."),
        ));
    } else if hashtags > SHOWN_HASHTAGS {
        check.notices.push(format!(
            "The caption has {hashtags} hashtags; Instagram's apps now show at most {SHOWN_HASHTAGS}."
        ));
    }
    let mentions = text::mentions(caption).len();
    if mentions > MAX_MENTIONS {
        check.violations.push(violation(
            "caption_mentions",
            format!("The caption mentions {mentions} accounts; Instagram accepts up to {MAX_MENTIONS} @mentions."),
        ));
    }
}

fn check_media(
    content: &PostContent,
    shape: Shape,
    index: usize,
    item: &MediaItem,
    check: &mut NetworkCheck,
) {
    let label = if content.media.len() > 1 {
        format!("Item {}: ", index + 1)
    } else {
        String::new()
    };
    match item.kind {
        MediaKind::Image => {
            let limits = image_limits(shape);
            match image::read_image_facts(&item.path) {
                Ok(facts) => {
                    let plan =
                        image::plan_image(&facts, &limits, content.options.instagram.aspect_fix);
                    if let Some(problem) = plan.needs_choice {
                        check.violations.push(prefixed(&label, problem));
                    }
                    check
                        .changes
                        .extend(plan.changes.into_iter().map(|c| format!("{label}{c}")));
                }
                Err(err) => check
                    .violations
                    .push(violation("image_unreadable", format!("{label}{err}"))),
            }
            if let Some(alt) = &item.alt_text {
                let chars = text::characters(alt);
                if chars > MAX_ALT_TEXT_CHARS {
                    check.violations.push(violation(
                        "alt_text_length",
                        format!("{label}alt text is {chars} characters; Instagram accepts up to {MAX_ALT_TEXT_CHARS}."),
                    ));
                }
            }
        }
        MediaKind::Video => {
            let limits = video_limits(shape);
            match video::probe_video(&item.path) {
                Ok(facts) => {
                    check.violations.extend(
                        video::check_video(&facts, &limits)
                            .into_iter()
                            .map(|v| prefixed(&label, v)),
                    );
                    if shape == Shape::Reel {
                        if let Some(offset) = content.options.instagram.thumb_offset_ms {
                            if u64::from(offset) >= facts.duration_ms {
                                check.violations.push(violation(
                                    "thumb_offset",
                                    format!(
                                        "The cover frame is at {} s but the video is {} s long.",
                                        offset / 1000,
                                        facts.duration_ms / 1000
                                    ),
                                ));
                            }
                        }
                    }
                }
                Err(err) => check
                    .violations
                    .push(violation("video_unreadable", format!("{label}{err}"))),
            }
            if item.alt_text.is_some() {
                check
                    .notices
                    .push(format!("{label}Instagram takes alt text on photos only; it is not sent for this video."));
            }
        }
    }
}

fn check_cover(content: &PostContent, check: &mut NetworkCheck) {
    let Some(cover) = &content.options.instagram.cover else {
        return;
    };
    match image::read_image_facts(std::path::Path::new(cover)) {
        Ok(facts) => {
            let plan = image::plan_image(
                &facts,
                &image::INSTAGRAM_COVER,
                Some(image::AspectFix::Crop),
            );
            check
                .changes
                .extend(plan.changes.into_iter().map(|c| format!("Cover: {c}")));
        }
        Err(err) => check
            .violations
            .push(violation("cover_unreadable", format!("Cover: {err}"))),
    }
}

/// The image limits for a shape.
pub fn image_limits(shape: Shape) -> ImageLimits {
    match shape {
        Shape::StoryImage | Shape::StoryVideo => image::INSTAGRAM_STORY,
        Shape::Image | Shape::Carousel | Shape::Reel => image::INSTAGRAM_FEED,
    }
}

/// The video limits for a shape.
pub fn video_limits(shape: Shape) -> VideoLimits {
    match shape {
        Shape::StoryImage | Shape::StoryVideo => video::INSTAGRAM_STORY_VIDEO,
        Shape::Image | Shape::Carousel | Shape::Reel => video::INSTAGRAM_REEL,
    }
}

fn violation(code: &str, message: String) -> Violation {
    Violation {
        code: code.to_owned(),
        message,
    }
}

fn prefixed(label: &str, violation: Violation) -> Violation {
    Violation {
        code: violation.code,
        message: format!("{label}{}", violation.message),
    }
}
