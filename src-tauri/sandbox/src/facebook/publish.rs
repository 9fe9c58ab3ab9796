//! Publishing: `/feed` (text, link, albums, native scheduling), `/photos`, photo stories,
//! editing and deleting.

use bytes::Bytes;
use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value};

use super::handlers::GraphReq;
use super::nodes::post_value;
use super::{check_schedule_window, success, Photo, PostKind, Principal};
use crate::fetch::{fetch, FetchError};
use crate::graph::{parse_time, GraphError, GraphResult, Reply};
use crate::request::{NotBool, Params};
use crate::shared::{lock, Shared};

/// Longest `message` the Graph API takes.
const MAX_MESSAGE_CHARS: usize = 63_206;
/// Feed posts and photos can be scheduled up to 30 days ahead (Pages posts guide).
pub(super) const FEED_SCHEDULE_MAX: SignedDuration = SignedDuration::from_hours(24 * 30);

pub(super) fn bool_param(p: &Params, name: &str) -> GraphResult<Option<bool>> {
    p.bool(name)
        .map_err(|NotBool(n)| GraphError::param(format!("Param {n} must be a boolean")))
}

/// `scheduled_publish_time`, parsed (UNIX seconds or ISO-8601).
pub(super) fn schedule_param(p: &Params) -> GraphResult<Option<Timestamp>> {
    match p.str("scheduled_publish_time") {
        None => Ok(None),
        Some(s) => parse_time(&s)
            .map(Some)
            .ok_or_else(|| GraphError::param("The specified scheduled publish time is invalid.")),
    }
}

fn message_param(p: &Params, name: &str) -> GraphResult<Option<String>> {
    let m = p.str(name);
    if let Some(m) = &m {
        if m.chars().count() > MAX_MESSAGE_CHARS {
            return Err(GraphError::param(format!(
                "Param {name} must be at most {MAX_MESSAGE_CHARS} characters long"
            )));
        }
    }
    Ok(m)
}

/// The reply to a create: `{"id": …}`, or the post's `fields=` when asked (read-after-write).
fn created(shared: &Shared, req: &GraphReq, post_id: &str) -> GraphResult<Reply> {
    if let Some(fields) = req.fields() {
        let w = lock(&shared.world);
        if let Some(post) = w.posts.get(post_id) {
            return Ok(Reply::ok(post_value(&w, post, Some(&fields))?));
        }
    }
    Ok(Reply::ok(json!({ "id": post_id })))
}

/// `POST /{page-id}/feed`.
pub(super) fn post_feed(
    shared: &Shared,
    req: &GraphReq,
    principal: &Principal,
    page_id: &str,
    now: Timestamp,
) -> GraphResult<Reply> {
    let p = &req.params;
    let message = message_param(p, "message")?;
    let link = p.str("link");
    let published = bool_param(p, "published")?;
    let scheduled = schedule_param(p)?;
    let attached: Vec<String> = match p.json("attached_media").map_err(GraphError::param)? {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.get("media_fbid")
                    .and_then(|v| match v {
                        Value::String(s) => Some(s.clone()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .ok_or_else(|| {
                        GraphError::param(
                            "Param attached_media must be an array of {\"media_fbid\": id} objects",
                        )
                    })
            })
            .collect::<GraphResult<_>>()?,
        Some(_) => {
            return Err(GraphError::param(
                "Param attached_media must be an array of {\"media_fbid\": id} objects",
            ))
        }
    };
    if message.is_none() && link.is_none() && attached.is_empty() {
        return Err(GraphError::param(
            "The post is empty: send message, link or attached_media",
        ));
    }
    if let Some(l) = &link {
        if !(l.starts_with("http://") || l.starts_with("https://"))
            || l.contains(char::is_whitespace)
        {
            return Err(GraphError::param("Param link must be a valid URL").sub(2061006));
        }
    }
    if let Some(at) = scheduled {
        if published != Some(false) {
            return Err(GraphError::param(
                "Cannot specify a scheduled publish time on a published post",
            ));
        }
        check_schedule_window(at, now, FEED_SCHEDULE_MAX, "post")?;
    }
    let publish_now = published != Some(false);

    let mut w = lock(&shared.world);
    w.require_publisher(principal, page_id)?;
    for (i, id) in attached.iter().enumerate() {
        let Some(ph) = w
            .photos
            .get(id)
            .filter(|ph| ph.page_id == page_id && !ph.deleted)
        else {
            return Err(GraphError::param(format!(
                "attached_media[{i}]: media_fbid {id} is not a photo of this Page"
            )));
        };
        if ph.published || ph.post_id.is_some() {
            return Err(GraphError::new(
                100,
                format!("(#100) attached_media[{i}]: photo {id} is already posted"),
            )
            .sub(1366051));
        }
    }
    if publish_now && attached.is_empty() {
        if let Some(msg) = &message {
            // Same status twice in a row on a Page: 506. "In a row" = the Page's previous
            // immediately published post (stories and scheduled posts aside) was this status.
            let last = w.page_posts(page_id).into_iter().find(|q| {
                q.kind != PostKind::Story && q.scheduled_publish_time.is_none() && q.published
            });
            if last.is_some_and(|q| {
                q.kind == PostKind::Feed && q.message.as_ref() == Some(msg) && q.link == link
            }) {
                return Err(GraphError::new(506, "(#506) Duplicate status message").user(
                    "Duplicate Status Update",
                    "This status update is identical to the last one you posted. Try posting something different, or delete your previous update.",
                ));
            }
        }
    }
    if publish_now || scheduled.is_some() {
        w.check_pace(page_id, now, &shared.seed)?;
    }
    let kind = match attached.len() {
        0 => PostKind::Feed,
        1 => PostKind::Photo,
        _ => PostKind::Album,
    };
    let post_id = w.create_post(page_id, kind, message, link, attached.clone(), None, now);
    for id in &attached {
        if let Some(ph) = w.photos.get_mut(id) {
            ph.post_id = Some(post_id.clone());
        }
    }
    if publish_now {
        w.go_live(&post_id, now, false);
        w.note_publish(page_id, now);
    } else if let Some(at) = scheduled {
        w.schedule(&post_id, at);
        w.note_publish(page_id, now);
    }
    drop(w);
    created(shared, req, &post_id)
}

/// Recognise an image by its first bytes.
pub(super) fn image_format(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("png")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("gif")
    } else if bytes.starts_with(b"BM") && bytes.len() > 14 {
        Some("bmp")
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Some("tiff")
    } else {
        None
    }
}

fn photo_error_size(max: u64) -> GraphError {
    GraphError::new(
        100,
        format!("(#100) The photo is larger than {max} bytes"),
    )
    .sub(1366046)
    .user(
        "Photo Couldn't Be Uploaded",
        "Photos should be smaller than 4 MB and saved as JPG, PNG, GIF, TIFF, HEIF or WebP files.",
    )
}

fn invalid_image() -> GraphError {
    GraphError::new(324, "(#324) Missing or invalid image file").sub(2069019)
}

/// `POST /{page-id}/photos`: multipart `source` or `url` (fetched by the sandbox).
pub(super) async fn post_photo(
    shared: &Shared,
    req: &GraphReq,
    principal: &Principal,
    page_id: &str,
) -> GraphResult<Reply> {
    let p = &req.params;
    lock(&shared.world).require_publisher(principal, page_id)?;
    let message = match message_param(p, "message")? {
        Some(m) => Some(m),
        None => message_param(p, "caption")?,
    };
    let published = bool_param(p, "published")?;
    // `temporary` is accepted (and must be a boolean); it changes nothing here.
    bool_param(p, "temporary")?;
    let scheduled = schedule_param(p)?;
    let max = shared.seed.max_photo_bytes;

    let bytes: Bytes = if let Some(file) = req.files.iter().find(|f| f.name == "source") {
        file.bytes.clone()
    } else if let Some(url) = p.str("url") {
        match fetch(&shared.http, &url, max.saturating_add(1)).await {
            Ok(b) => b,
            Err(FetchError::TooLarge) => return Err(photo_error_size(max)),
            Err(e) => {
                return Err(GraphError::param(format!(
                    "Could not fetch the image from url: {}",
                    e.message()
                ))
                .sub(2061006))
            }
        }
    } else {
        return Err(GraphError::new(324, "(#324) Requires upload file"));
    };
    if bytes.len() as u64 > max {
        return Err(photo_error_size(max));
    }
    let format = image_format(&bytes).ok_or_else(invalid_image)?;

    let now = shared.now();
    if let Some(at) = scheduled {
        if published != Some(false) {
            return Err(GraphError::param(
                "Cannot specify a scheduled publish time on a published post",
            ));
        }
        check_schedule_window(at, now, FEED_SCHEDULE_MAX, "photo")?;
    }
    let publish_now = published != Some(false);

    let mut w = lock(&shared.world);
    // the token may have been checked before a slow fetch: check again
    w.require_publisher(principal, page_id)?;
    if publish_now || scheduled.is_some() {
        w.check_pace(page_id, now, &shared.seed)?;
    }
    let photo_id = w.new_id();
    w.photos.insert(
        photo_id.clone(),
        Photo {
            id: photo_id.clone(),
            page_id: page_id.to_string(),
            created_time: now,
            caption: message.clone(),
            published: publish_now,
            format,
            post_id: None,
            deleted: false,
        },
    );
    let mut body = json!({ "id": photo_id });
    if publish_now || scheduled.is_some() {
        let post_id = w.create_post(
            page_id,
            PostKind::Photo,
            message,
            None,
            vec![photo_id.clone()],
            None,
            now,
        );
        if let Some(ph) = w.photos.get_mut(&photo_id) {
            ph.post_id = Some(post_id.clone());
        }
        if publish_now {
            w.go_live(&post_id, now, false);
        } else if let Some(at) = scheduled {
            w.schedule(&post_id, at);
        }
        w.note_publish(page_id, now);
        body["post_id"] = json!(post_id);
    }
    Ok(Reply::ok(body))
}

/// `POST /{page-id}/photo_stories {"photo_id"}`.
pub(super) fn photo_story(
    shared: &Shared,
    req: &GraphReq,
    principal: &Principal,
    page_id: &str,
    now: Timestamp,
) -> GraphResult<Reply> {
    let photo_id = req
        .params
        .str("photo_id")
        .ok_or_else(|| GraphError::param("The parameter photo_id is required"))?;
    let mut w = lock(&shared.world);
    w.require_publisher(principal, page_id)?;
    let Some(ph) = w
        .photos
        .get(&photo_id)
        .filter(|ph| ph.page_id == page_id && !ph.deleted)
    else {
        return Err(GraphError::param(format!(
            "photo_id {photo_id} is not a photo of this Page"
        )));
    };
    if ph.published || ph.post_id.is_some() {
        return Err(GraphError::param(format!(
            "photo {photo_id} was already used in a post; upload it again with published=false"
        ))
        .sub(1366051));
    }
    w.check_pace(page_id, now, &shared.seed)?;
    let post_id = w.create_post(
        page_id,
        PostKind::Story,
        None,
        None,
        vec![photo_id.clone()],
        None,
        now,
    );
    if let Some(ph) = w.photos.get_mut(&photo_id) {
        ph.post_id = Some(post_id.clone());
    }
    w.go_live(&post_id, now, false);
    w.note_publish(page_id, now);
    Ok(Reply::ok(json!({"success": true, "post_id": post_id})))
}

/// `POST /{post-id}`: edit `message`, reschedule, or publish a scheduled post now.
pub(super) fn edit(
    shared: &Shared,
    req: &GraphReq,
    principal: &Principal,
    id: &str,
    now: Timestamp,
) -> GraphResult<Reply> {
    let p = &req.params;
    let message = message_param(p, "message")?;
    let scheduled = schedule_param(p)?;
    let publish = bool_param(p, "is_published")?;
    let mut w = lock(&shared.world);
    let Some(post) = w.posts.get(id).filter(|p| !p.deleted).cloned() else {
        return Err(GraphError::no_object("post", id));
    };
    w.require_publisher(principal, &post.page_id)?;
    if let Some(at) = scheduled {
        if post.published {
            return Err(GraphError::param(
                "Cannot change the scheduled publish time of a published post",
            ));
        }
        check_schedule_window(at, now, FEED_SCHEDULE_MAX, "post")?;
    }
    if message.is_none() && scheduled.is_none() && publish.is_none() {
        return Err(GraphError::param(
            "Nothing to update: send message, scheduled_publish_time or is_published",
        ));
    }
    if let Some(pm) = w.posts.get_mut(id) {
        if let Some(m) = message {
            pm.message = Some(m);
        }
        pm.updated_time = now;
    }
    if let Some(at) = scheduled {
        w.schedule(id, at);
    }
    if publish == Some(true) && !post.published {
        w.go_live(id, now, false);
    }
    // keep the live record's message in step with the post
    if let Some(i) = w.posts.get(id).and_then(|p| p.live_index) {
        let msg = w.posts.get(id).and_then(|p| p.message.clone());
        if let Some(l) = w.live.get_mut(i) {
            l.message = msg;
        }
    }
    Ok(Reply::ok(success()))
}

/// `DELETE /{id}` for a post, photo or video.
pub(super) fn delete(shared: &Shared, principal: &Principal, id: &str) -> GraphResult<Reply> {
    let mut w = lock(&shared.world);
    let Some(owner) = w.owner_page(id) else {
        return Err(GraphError::no_object("delete", id));
    };
    w.require_publisher(principal, &owner)?;
    if w.posts.get(id).is_some_and(|p| !p.deleted) {
        w.delete_post(id);
        return Ok(Reply::ok(success()));
    }
    if let Some(ph) = w.photos.get_mut(id).filter(|p| !p.deleted) {
        ph.deleted = true;
        let post = ph.post_id.clone();
        if let Some(post) =
            post.filter(|p| w.posts.get(p).is_some_and(|p| p.kind == PostKind::Photo))
        {
            w.delete_post(&post);
        }
        return Ok(Reply::ok(success()));
    }
    if let Some(v) = w.videos.get_mut(id).filter(|v| !v.deleted) {
        v.deleted = true;
        let post = v.post_id.clone();
        if let Some(post) = post {
            w.delete_post(&post);
        }
        return Ok(Reply::ok(success()));
    }
    Err(GraphError::no_object("delete", id))
}
