//! Checking `POST /{ig-user-id}/media` parameters before anything is fetched: the kind of
//! container, which URL it needs, caption limits, tags (§1.7, §1.13).

use serde_json::Value;

use super::Kind;
use crate::graph::{GraphError, GraphResult};
use crate::request::{NotBool, Params};

/// Longest caption, in characters.
pub(super) const MAX_CAPTION_CHARS: usize = 2200;
/// Most hashtags in a caption.
pub(super) const MAX_HASHTAGS: usize = 30;
/// Most @mentions in a caption (and most `user_tags`).
pub(super) const MAX_MENTIONS: usize = 20;
/// Longest `alt_text`, in characters.
pub(super) const MAX_ALT_TEXT_CHARS: usize = 1000;
/// Most `collaborators`.
pub(super) const MAX_COLLABORATORS: usize = 3;
/// Carousel item count bounds.
pub(super) const MIN_CHILDREN: usize = 2;
pub(super) const MAX_CHILDREN: usize = 10;

/// A validated container request.
#[derive(Debug, Clone)]
pub(super) struct Spec {
    pub kind: Kind,
    pub image_url: Option<String>,
    pub video_url: Option<String>,
    pub resumable: bool,
    pub caption: Option<String>,
    pub alt_text: Option<String>,
    pub share_to_feed: Option<bool>,
    pub thumb_offset: Option<u64>,
    pub cover_url: Option<String>,
    pub user_tags: Option<Value>,
    pub collaborators: Vec<String>,
    pub children: Vec<String>,
}

pub(super) fn bool_param(p: &Params, name: &str) -> GraphResult<Option<bool>> {
    p.bool(name)
        .map_err(|NotBool(n)| GraphError::param(format!("Param {n} must be a boolean")))
}

fn unknown_media_type(value: &str) -> GraphError {
    GraphError::new(100, format!("The media type {value} is unknown."))
        .sub(2207023)
        .user(
            "Unknown Media Type",
            &format!("The media type {value} is unknown. Use REELS, STORIES, CAROUSEL, or VIDEO for a carousel item; send no media_type for a single image."),
        )
}

fn required(name: &str, what: &str) -> GraphError {
    GraphError::param(format!("The parameter {name} is required for {what}"))
}

/// Parse and check the parameters of a container request.
pub(super) fn parse(p: &Params) -> GraphResult<Spec> {
    let media_type = p.str("media_type");
    let is_item = bool_param(p, "is_carousel_item")?.unwrap_or(false);
    let image_url = p.str("image_url");
    let video_url = p.str("video_url");
    let resumable = match p.str("upload_type").as_deref() {
        None => false,
        Some("resumable") => true,
        Some(other) => {
            return Err(GraphError::param(format!(
                "Param upload_type must be resumable (got '{other}')"
            )))
        }
    };
    let has_video = video_url.is_some() || resumable;

    let kind = match (media_type.as_deref(), is_item) {
        (None | Some("IMAGE"), item) => {
            if has_video && image_url.is_none() {
                return Err(GraphError::param(
                    "A video needs media_type: REELS, STORIES, or VIDEO with is_carousel_item=true",
                ));
            }
            if item {
                Kind::CarouselImage
            } else {
                Kind::Image
            }
        }
        (Some("VIDEO"), true) => Kind::CarouselVideo,
        (Some("VIDEO"), false) => {
            return Err(GraphError::new(
                100,
                "The media type VIDEO is only for carousel items (is_carousel_item=true); publish single videos with media_type=REELS",
            )
            .sub(2207023))
        }
        (Some("REELS"), false) => Kind::Reel,
        (Some("STORIES"), false) => {
            if image_url.is_some() && !has_video {
                Kind::StoryImage
            } else {
                Kind::StoryVideo
            }
        }
        (Some("CAROUSEL"), false) => Kind::Carousel,
        (Some(t @ ("REELS" | "STORIES" | "CAROUSEL")), true) => {
            return Err(GraphError::param(format!(
                "media_type {t} cannot be a carousel item: carousel items are images or media_type=VIDEO"
            )))
        }
        (Some(other), _) => return Err(unknown_media_type(other)),
    };

    check_sources(kind, &image_url, &video_url, resumable)?;

    let caption = p.str("caption");
    if caption.is_some() {
        if kind.is_story() {
            return Err(GraphError::param(
                "The parameter caption is not supported for stories",
            ));
        }
        if kind.is_carousel_item() {
            return Err(GraphError::param(
                "The parameter caption is not supported for carousel items: set it on the CAROUSEL container",
            ));
        }
    }
    if let Some(c) = &caption {
        check_caption(c)?;
    }

    let alt_text = p.str("alt_text");
    if alt_text
        .as_ref()
        .is_some_and(|a| a.chars().count() > MAX_ALT_TEXT_CHARS)
    {
        return Err(GraphError::param(format!(
            "Param alt_text must be at most {MAX_ALT_TEXT_CHARS} characters long"
        )));
    }
    // alt_text applies to images only; elsewhere it is ignored
    let alt_text = alt_text.filter(|_| matches!(kind, Kind::Image | Kind::CarouselImage));

    let share_to_feed = bool_param(p, "share_to_feed")?.filter(|_| kind == Kind::Reel);
    let thumb_offset = match p.str("thumb_offset") {
        None => None,
        Some(s) => match s.trim().parse::<i64>() {
            Ok(n) if n >= 0 => Some(n.unsigned_abs()),
            Ok(_) => {
                return Err(GraphError::new(
                    1,
                    "The thumbnail offset must be greater than or equal to 0 and less than the video duration",
                )
                .sub(2207057))
            }
            Err(_) => {
                return Err(GraphError::param(
                    "Param thumb_offset must be an integer (milliseconds)",
                ))
            }
        },
    };
    let cover_url = p.str("cover_url").filter(|_| kind == Kind::Reel);

    let user_tags = user_tags(p, kind)?;
    let collaborators = collaborators(p, kind)?;
    let children = if kind == Kind::Carousel {
        let children = children(p)?;
        if children.len() < MIN_CHILDREN || children.len() > MAX_CHILDREN {
            return Err(GraphError::new(
                100,
                format!(
                    "The carousel must have at least {MIN_CHILDREN} and at most {MAX_CHILDREN} items; children lists {}",
                    children.len()
                ),
            )
            .sub(2207028)
            .user(
                "Carousel Item Count",
                "Carousels need at least 2 and no more than 10 photos or videos.",
            ));
        }
        children
    } else {
        Vec::new()
    };

    Ok(Spec {
        kind,
        image_url,
        video_url,
        resumable,
        caption,
        alt_text,
        share_to_feed,
        thumb_offset,
        cover_url,
        user_tags,
        collaborators,
        children,
    })
}

/// Which of `image_url` / `video_url` / `upload_type=resumable` the kind needs.
fn check_sources(
    kind: Kind,
    image_url: &Option<String>,
    video_url: &Option<String>,
    resumable: bool,
) -> GraphResult<()> {
    if video_url.is_some() && resumable {
        return Err(GraphError::param(
            "Omit video_url with upload_type=resumable: send the bytes to the returned uri",
        ));
    }
    let has_video = video_url.is_some() || resumable;
    match kind {
        Kind::Image | Kind::CarouselImage | Kind::StoryImage => {
            if resumable {
                return Err(GraphError::param(
                    "upload_type=resumable is only for videos: images always need image_url",
                ));
            }
            if video_url.is_some() {
                return Err(GraphError::param(
                    "Send only one of image_url and video_url",
                ));
            }
            if image_url.is_none() {
                return Err(required("image_url", "an image"));
            }
        }
        Kind::Reel | Kind::CarouselVideo | Kind::StoryVideo => {
            if image_url.is_some() {
                return Err(GraphError::param(if kind == Kind::StoryVideo {
                    "Send only one of image_url and video_url"
                } else {
                    "image_url cannot be used for a video: send video_url"
                }));
            }
            if !has_video {
                return Err(required(
                    "video_url",
                    "a video (or use upload_type=resumable)",
                ));
            }
        }
        Kind::Carousel => {
            if image_url.is_some() || has_video {
                return Err(GraphError::param(
                    "A CAROUSEL container takes children, not image_url or video_url",
                ));
            }
        }
    }
    Ok(())
}

/// Count `#tags` in a caption.
pub(super) fn hashtags(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(2)
        .filter(|w| w[0] == '#' && (w[1].is_alphanumeric() || w[1] == '_'))
        .count()
}

/// Count `@mentions` in a caption (an `@` not preceded by a word character, followed by a
/// username character: e-mail addresses do not count).
pub(super) fn mentions(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len())
        .filter(|&i| {
            chars[i] == '@'
                && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'))
                && chars
                    .get(i + 1)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
        })
        .count()
}

fn caption_error(detail: String) -> GraphError {
    GraphError::new(36004, format!("(#36004) {detail}"))
        .sub(2207010)
        .user(
            "Caption Too Long",
            "The caption exceeds the maximum length of 2,200 characters, 30 hashtags, or 20 @ tags.",
        )
}

fn too_many_tags(count: usize) -> GraphError {
    GraphError::new(
        100,
        format!("Cannot use more than {MAX_MENTIONS} tags per created media ({count} sent)"),
    )
    .sub(2207040)
    .user("Too Many Tags", "You can tag up to 20 people in a post.")
}

/// 2,200 characters, 30 hashtags (36004/2207010), 20 @mentions (100/2207040).
pub(super) fn check_caption(caption: &str) -> GraphResult<()> {
    let len = caption.chars().count();
    if len > MAX_CAPTION_CHARS {
        return Err(caption_error(format!(
            "The caption is {len} characters long: at most {MAX_CAPTION_CHARS} are allowed"
        )));
    }
    let tags = hashtags(caption);
    if tags > MAX_HASHTAGS {
        return Err(caption_error(format!(
            "The caption has {tags} hashtags: at most {MAX_HASHTAGS} are allowed"
        )));
    }
    let at = mentions(caption);
    if at > MAX_MENTIONS {
        return Err(too_many_tags(at));
    }
    Ok(())
}

/// `user_tags`: a JSON array of `{"username", "x", "y"}`; x/y in 0…1 are required on feed
/// images, optional on stories and videos; at most 20.
fn user_tags(p: &Params, kind: Kind) -> GraphResult<Option<Value>> {
    let Some(tags) = p.json("user_tags").map_err(GraphError::param)? else {
        return Ok(None);
    };
    if kind == Kind::Carousel {
        return Err(GraphError::param(
            "user_tags go on the carousel items, not on the CAROUSEL container",
        ));
    }
    let Value::Array(items) = &tags else {
        return Err(GraphError::param(
            "Param user_tags must be a JSON array of {\"username\",\"x\",\"y\"} objects",
        ));
    };
    if items.len() > MAX_MENTIONS {
        return Err(too_many_tags(items.len()));
    }
    let needs_position = matches!(kind, Kind::Image | Kind::CarouselImage);
    for (i, t) in items.iter().enumerate() {
        if !t.get("username").is_some_and(Value::is_string) {
            return Err(GraphError::param(format!(
                "user_tags[{i}] needs a username"
            )));
        }
        for axis in ["x", "y"] {
            match t.get(axis).map(Value::as_f64) {
                None if needs_position => {
                    return Err(GraphError::param(format!(
                        "user_tags[{i}] needs {axis} (0.0 to 1.0) on an image"
                    )))
                }
                None => {}
                Some(Some(v)) if (0.0..=1.0).contains(&v) => {}
                Some(_) => {
                    return Err(GraphError::param(format!(
                        "user_tags[{i}].{axis} must be a number from 0.0 to 1.0"
                    )))
                }
            }
        }
    }
    Ok(Some(tags))
}

/// `collaborators`: a JSON array of up to 3 usernames; not on stories or carousel items.
fn collaborators(p: &Params, kind: Kind) -> GraphResult<Vec<String>> {
    let Some(value) = p.json("collaborators").map_err(GraphError::param)? else {
        return Ok(Vec::new());
    };
    if kind.is_story() || kind.is_carousel_item() {
        return Err(GraphError::param(
            "param collaborators is not allowed for stories and carousel items",
        ));
    }
    let names: Option<Vec<String>> = match &value {
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => None,
    };
    let names = names.ok_or_else(|| {
        GraphError::param("Param collaborators must be a JSON array of usernames")
    })?;
    if names.len() > MAX_COLLABORATORS {
        return Err(GraphError::param(format!(
            "At most {MAX_COLLABORATORS} collaborators can be invited ({} sent)",
            names.len()
        )));
    }
    Ok(names)
}

/// `children`: comma-separated ids, or a JSON array of ids.
fn children(p: &Params) -> GraphResult<Vec<String>> {
    let ids: Vec<String> = match p.get("children") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.trim().to_string(),
                other => other.to_string(),
            })
            .collect(),
        Some(Value::String(s)) if s.trim_start().starts_with('[') => {
            let parsed: Vec<Value> = serde_json::from_str(s).map_err(|e| {
                GraphError::param(format!("Param children must be a list of ids: {e}"))
            })?;
            parsed
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.trim().to_string(),
                    other => other.to_string(),
                })
                .collect()
        }
        Some(Value::String(s)) => s.split(',').map(|s| s.trim().to_string()).collect(),
        Some(other) => vec![other.to_string()],
    };
    Ok(ids.into_iter().filter(|s| !s.is_empty()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_tags_and_mentions() {
        assert_eq!(hashtags("#a #b c#d # e ##f"), 4);
        assert_eq!(mentions("@ann hi @bob.x mail me@example.com @"), 2);
    }

    #[test]
    fn caption_limits() {
        assert!(check_caption(&"a".repeat(2200)).is_ok());
        let e = check_caption(&"a".repeat(2201)).err();
        assert_eq!(e.map(|e| (e.code, e.subcode)), Some((36004, Some(2207010))));
        let tags: String = (0..31).map(|i| format!("#t{i} ")).collect();
        let e = check_caption(&tags).err();
        assert_eq!(e.map(|e| (e.code, e.subcode)), Some((36004, Some(2207010))));
        let at: String = (0..21).map(|i| format!("@u{i} ")).collect();
        let e = check_caption(&at).err();
        assert_eq!(e.map(|e| (e.code, e.subcode)), Some((100, Some(2207040))));
    }

    #[test]
    fn kinds_from_params() {
        let kind = |q: &str| parse(&Params::from_query(q)).map(|s| s.kind);
        assert_eq!(kind("image_url=http://x/a.jpg").ok(), Some(Kind::Image));
        assert_eq!(
            kind("image_url=http://x/a.jpg&is_carousel_item=true").ok(),
            Some(Kind::CarouselImage)
        );
        assert_eq!(
            kind("media_type=VIDEO&is_carousel_item=true&video_url=http://x/a.mp4").ok(),
            Some(Kind::CarouselVideo)
        );
        assert_eq!(
            kind("media_type=STORIES&image_url=http://x/a.jpg").ok(),
            Some(Kind::StoryImage)
        );
        assert_eq!(
            kind("media_type=STORIES&upload_type=resumable").ok(),
            Some(Kind::StoryVideo)
        );
        let e = kind("media_type=GIF&image_url=http://x/a.jpg").err();
        assert_eq!(e.map(|e| (e.code, e.subcode)), Some((100, Some(2207023))));
        assert!(kind("media_type=REELS").is_err());
        assert!(kind("media_type=STORIES&image_url=a&video_url=b").is_err());
        assert!(kind("media_type=STORIES&image_url=a&caption=hi").is_err());
        assert!(kind("image_url=a&upload_type=resumable").is_err());
    }
}
