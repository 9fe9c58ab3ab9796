//! Videos: the Resumable Upload API, `/videos` (handle, `file_url`, `source`, legacy
//! chunked), Reels and video Stories with their rupload byte transfer.

use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use super::handlers::GraphReq;
use super::publish::{bool_param, schedule_param};
use super::{
    check_schedule_window, success, Intent, PostKind, Principal, UploadSession, Video, VideoProduct,
};
use crate::fetch::{fetch_counted, FetchError};
use crate::graph::{rupload_error, GraphError, GraphResult, Reply};
use crate::request::RawBody;
use crate::shared::{lock, Shared};

/// Chunk size the legacy protocol hands out (`end_offset - start_offset`).
const LEGACY_CHUNK: u64 = 4 * 1024 * 1024;
/// Largest video the sandbox fetches from a `file_url` (10 GiB, Meta's limit).
const MAX_VIDEO_BYTES: u64 = 10 * 1024 * 1024 * 1024;
/// Page videos: `scheduled_publish_time` up to 6 months ahead.
const VIDEO_SCHEDULE_MAX: SignedDuration = SignedDuration::from_hours(24 * 183);
/// Reels: up to 29 days ahead.
const REEL_SCHEDULE_MAX: SignedDuration = SignedDuration::from_hours(24 * 29);

fn u64_param(value: Option<String>, name: &str) -> GraphResult<Option<u64>> {
    match value {
        None => Ok(None),
        Some(s) => {
            s.trim().parse::<u64>().map(Some).map_err(|_| {
                GraphError::param(format!("Param {name} must be a non-negative integer"))
            })
        }
    }
}

fn too_small() -> GraphError {
    GraphError::new(
        382,
        "(#382) The video file you tried to upload is too small. Please try again with a larger file.",
    )
    .sub(1363022)
}

fn bad_offset(expected: u64, size: u64) -> GraphError {
    GraphError::new(
        6001,
        "(#6001) The start offset does not match the uploaded bytes",
    )
    .sub(1363037)
    .user(
        "Invalid Start Offset",
        "The video chunk does not start where the previous one ended.",
    )
    .data(json!({"start_offset": expected.to_string(), "end_offset": size.to_string()}))
}

fn incomplete(received: u64, size: u64) -> GraphError {
    GraphError::new(
        6001,
        format!("(#6001) There was a problem uploading your video: {received} of {size} bytes were received"),
    )
}

// ---- Resumable Upload API (graph host) ------------------------------------------------------

/// `POST /{app-id}/uploads?file_name&file_length&file_type` → `{"id":"upload:<id>"}`.
pub(super) fn create_upload(shared: &Shared, req: &GraphReq, app_id: &str) -> GraphResult<Reply> {
    let mut w = lock(&shared.world);
    if app_id != w.app_id {
        return Err(GraphError::no_object("post", app_id));
    }
    let length = u64_param(req.params.str("file_length"), "file_length")?
        .filter(|l| *l > 0)
        .ok_or_else(|| GraphError::param("Param file_length must be a positive integer"))?;
    let n = w.new_id();
    let id = format!("upload:{n}");
    w.uploads.insert(
        id.clone(),
        UploadSession {
            id: id.clone(),
            file_length: length,
            received: 0,
            head: Vec::new(),
            handle: format!("4::sandbox-handle-{n}"),
        },
    );
    Ok(Reply::ok(json!({ "id": id })))
}

/// `GET /upload:<id>` → `{"id","file_offset"}`.
pub(super) fn upload_status(shared: &Shared, id: &str) -> GraphResult<Reply> {
    let w = lock(&shared.world);
    let s = w
        .uploads
        .get(id)
        .ok_or_else(|| GraphError::no_object("get", id))?;
    Ok(Reply::ok(json!({"id": s.id, "file_offset": s.received})))
}

/// `POST /upload:<id>` with `file_offset` header and raw bytes → `{"h": handle}`.
pub(super) fn upload_chunk(shared: &Shared, req: &GraphReq, id: &str) -> GraphResult<Reply> {
    let raw = req.raw.clone().unwrap_or_default();
    let offset = u64_param(req.header("file_offset"), "file_offset")?.unwrap_or(0);
    let mut w = lock(&shared.world);
    let s = w
        .uploads
        .get_mut(id)
        .ok_or_else(|| GraphError::no_object("post", id))?;
    if offset != s.received {
        return Err(GraphError::param(format!(
            "The file_offset {offset} does not match the current offset {} of this upload",
            s.received
        ))
        .sub(1363037)
        .data(json!({"file_offset": s.received})));
    }
    if raw.len == 0 {
        return Err(GraphError::param(
            "The request body is empty: send the file bytes",
        ));
    }
    if offset + raw.len > s.file_length {
        return Err(GraphError::param(format!(
            "More bytes than file_length: {} + {} > {}",
            offset, raw.len, s.file_length
        )));
    }
    if offset == 0 {
        s.head = raw.head.clone();
    }
    s.received += raw.len;
    Ok(Reply::ok(json!({ "h": s.handle })))
}

// ---- /{page-id}/videos --------------------------------------------------------------------

/// `POST /{page-id}/videos`.
pub(super) async fn post_video(
    shared: &Shared,
    req: &GraphReq,
    principal: &Principal,
    page_id: &str,
) -> GraphResult<Reply> {
    lock(&shared.world).require_publisher(principal, page_id)?;
    let p = &req.params;
    if let Some(phase) = p.str("upload_phase") {
        return legacy(shared, req, page_id, &phase.to_ascii_lowercase());
    }
    let body: RawBody = if let Some(handle) = p.str("fbuploader_video_file_chunk") {
        let w = lock(&shared.world);
        let s = w
            .uploads
            .values()
            .find(|s| s.handle == handle)
            .ok_or_else(|| GraphError::param("Invalid fbuploader_video_file_chunk handle"))?;
        if s.received < s.file_length {
            return Err(incomplete(s.received, s.file_length));
        }
        RawBody {
            len: s.received,
            head: s.head.clone(),
        }
    } else if let Some(url) = p.str("file_url") {
        match fetch_counted(&shared.http, &url, MAX_VIDEO_BYTES).await {
            Ok(raw) => raw,
            Err(FetchError::TooLarge) => {
                return Err(
                    GraphError::new(6000, "(#6000) The video file is too large").sub(1363023)
                )
            }
            Err(e) => {
                return Err(GraphError::new(
                    389,
                    format!(
                        "(#389) Unable to fetch video file from URL. ({})",
                        e.message()
                    ),
                ))
            }
        }
    } else if let Some(f) = req.files.iter().find(|f| f.name == "source") {
        let mut raw = RawBody::default();
        raw.push(&f.bytes);
        raw
    } else {
        return Err(GraphError::param(
            "Requires one of the params: file_url, source, fbuploader_video_file_chunk, upload_phase",
        ));
    };
    if body.len < 1024 {
        return Err(too_small());
    }
    let now = shared.now();
    let intent = publish_intent(req, now, VIDEO_SCHEDULE_MAX)?;
    let mut w = lock(&shared.world);
    w.require_publisher(principal, page_id)?;
    if matches!(intent, Intent::Published | Intent::Scheduled(_)) {
        w.check_pace(page_id, now, &shared.seed)?;
        w.note_publish(page_id, now);
    }
    let id = w.new_id();
    w.videos.insert(
        id.clone(),
        Video {
            id: id.clone(),
            page_id: page_id.to_string(),
            product: VideoProduct::Video,
            title: p.str("title"),
            description: p.str("description"),
            created_time: now,
            file_size: Some(body.len),
            received: body.len,
            head: body.head,
            finished_real: Some(std::time::Instant::now()),
            finished_at: Some(now),
            intent,
            post_id: None,
            legacy_session: None,
            deleted: false,
        },
    );
    w.watch_video(&id);
    Ok(Reply::ok(json!({ "id": id })))
}

/// `published` + `scheduled_publish_time` → what happens once the video is processed.
fn publish_intent(req: &GraphReq, now: Timestamp, max: SignedDuration) -> GraphResult<Intent> {
    let published = bool_param(&req.params, "published")?;
    match schedule_param(&req.params)? {
        Some(at) => {
            if published != Some(false) {
                return Err(GraphError::param(
                    "Cannot specify a scheduled publish time on a published video",
                ));
            }
            check_schedule_window(at, now, max, "video")?;
            Ok(Intent::Scheduled(at))
        }
        None if published == Some(false) => Ok(Intent::Unpublished),
        None => Ok(Intent::Published),
    }
}

/// The legacy chunked protocol: `upload_phase=start|transfer|finish`.
fn legacy(shared: &Shared, req: &GraphReq, page_id: &str, phase: &str) -> GraphResult<Reply> {
    let p = &req.params;
    let now = shared.now();
    match phase {
        "start" => {
            let size = u64_param(p.str("file_size"), "file_size")?
                .ok_or_else(|| GraphError::param("The parameter file_size is required"))?;
            if size < 1024 {
                return Err(too_small());
            }
            if size > MAX_VIDEO_BYTES {
                return Err(
                    GraphError::new(6000, "(#6000) The video file is too large").sub(1363023)
                );
            }
            let mut w = lock(&shared.world);
            let id = w.new_id();
            let session = w.new_id();
            w.videos.insert(
                id.clone(),
                Video {
                    id: id.clone(),
                    page_id: page_id.to_string(),
                    product: VideoProduct::Video,
                    title: None,
                    description: None,
                    created_time: now,
                    file_size: Some(size),
                    received: 0,
                    head: Vec::new(),
                    finished_real: None,
                    finished_at: None,
                    intent: Intent::Pending,
                    post_id: None,
                    legacy_session: Some(session.clone()),
                    deleted: false,
                },
            );
            Ok(Reply::ok(json!({
                "video_id": id,
                "upload_session_id": session,
                "start_offset": "0",
                "end_offset": LEGACY_CHUNK.min(size).to_string(),
            })))
        }
        "transfer" | "finish" => {
            let session = p
                .str("upload_session_id")
                .ok_or_else(|| GraphError::param("The parameter upload_session_id is required"))?;
            let intent = if phase == "finish" {
                Some(publish_intent(req, now, VIDEO_SCHEDULE_MAX)?)
            } else {
                None
            };
            let mut w = lock(&shared.world);
            let vid = w
                .videos
                .values()
                .find(|v| {
                    v.legacy_session.as_deref() == Some(session.as_str()) && v.page_id == page_id
                })
                .map(|v| v.id.clone())
                .ok_or_else(|| GraphError::param("Invalid upload_session_id"))?;
            if let Some(intent) = intent {
                if matches!(intent, Intent::Published | Intent::Scheduled(_)) {
                    w.check_pace(page_id, now, &shared.seed)?;
                    w.note_publish(page_id, now);
                }
                let v = w
                    .videos
                    .get_mut(&vid)
                    .ok_or_else(|| GraphError::param("Invalid upload_session_id"))?;
                if v.intent != Intent::Pending {
                    return Err(GraphError::param("This upload session is already finished"));
                }
                let size = v.file_size.unwrap_or(0);
                if v.received < size {
                    return Err(incomplete(v.received, size));
                }
                v.title = p.str("title");
                v.description = p.str("description");
                v.intent = intent;
                v.finished_real = Some(std::time::Instant::now());
                v.finished_at = Some(now);
                w.watch_video(&vid);
                return Ok(Reply::ok(success()));
            }
            let start = u64_param(p.str("start_offset"), "start_offset")?
                .ok_or_else(|| GraphError::param("The parameter start_offset is required"))?;
            let chunk = req
                .files
                .iter()
                .find(|f| f.name == "video_file_chunk")
                .ok_or_else(|| GraphError::param("The parameter video_file_chunk is required"))?;
            let v = w
                .videos
                .get_mut(&vid)
                .ok_or_else(|| GraphError::param("Invalid upload_session_id"))?;
            let size = v.file_size.unwrap_or(0);
            if v.intent != Intent::Pending {
                return Err(GraphError::param("This upload session is already finished"));
            }
            if start != v.received {
                return Err(bad_offset(
                    v.received,
                    (v.received + LEGACY_CHUNK).min(size),
                ));
            }
            let len = chunk.bytes.len() as u64;
            if len == 0 || start + len > size {
                return Err(bad_offset(
                    v.received,
                    (v.received + LEGACY_CHUNK).min(size),
                ));
            }
            if start == 0 {
                let mut raw = RawBody::default();
                raw.push(&chunk.bytes);
                v.head = raw.head;
            }
            v.received += len;
            let next = v.received;
            Ok(Reply::ok(json!({
                "start_offset": next.to_string(),
                "end_offset": (next + LEGACY_CHUNK).min(size).to_string(),
            })))
        }
        other => Err(GraphError::param(format!(
            "Invalid upload_phase '{other}': use start, transfer or finish"
        ))),
    }
}

// ---- Reels and video Stories -----------------------------------------------------------------

/// `POST /{page-id}/video_reels` and `POST /{page-id}/video_stories` (start / finish).
pub(super) fn reels(
    shared: &Shared,
    req: &GraphReq,
    principal: &Principal,
    page_id: &str,
    product: VideoProduct,
) -> GraphResult<Reply> {
    let p = &req.params;
    let now = shared.now();
    let phase = p.str("upload_phase").map(|s| s.to_ascii_lowercase());
    let mut w = lock(&shared.world);
    w.require_publisher(principal, page_id)?;
    match phase.as_deref() {
        Some("start") => {
            let id = w.new_id();
            w.videos.insert(
                id.clone(),
                Video {
                    id: id.clone(),
                    page_id: page_id.to_string(),
                    product,
                    title: None,
                    description: None,
                    created_time: now,
                    file_size: None,
                    received: 0,
                    head: Vec::new(),
                    finished_real: None,
                    finished_at: None,
                    intent: Intent::Pending,
                    post_id: None,
                    legacy_session: None,
                    deleted: false,
                },
            );
            let upload_url = format!(
                "{}/rupload/video-upload/{}/{id}",
                shared.base_url,
                req.version_or_default()
            );
            Ok(Reply::ok(json!({"video_id": id, "upload_url": upload_url})))
        }
        Some("finish") => {
            let vid = p
                .str("video_id")
                .ok_or_else(|| GraphError::param("The parameter video_id is required"))?;
            let Some(v) = w
                .videos
                .get(&vid)
                .filter(|v| v.page_id == page_id && v.product == product && !v.deleted)
                .cloned()
            else {
                return Err(GraphError::param(format!("Invalid video_id {vid}")));
            };
            if v.intent != Intent::Pending {
                return Err(GraphError::param("This video was already finished"));
            }
            if !v.upload_complete() {
                return Err(GraphError::new(
                    6000,
                    format!(
                        "(#6000) There was a problem uploading your video file: {} of {} bytes received",
                        v.received,
                        v.file_size.unwrap_or(0)
                    ),
                ));
            }
            if product == VideoProduct::Story {
                if !v.looks_like_video() {
                    return Err(GraphError::new(
                        6000,
                        "(#6000) The video file you uploaded is not in a format Facebook can process",
                    ));
                }
                w.check_pace(page_id, now, &shared.seed)?;
                let post_id = w.create_post(
                    page_id,
                    PostKind::Story,
                    None,
                    None,
                    Vec::new(),
                    Some(vid.clone()),
                    now,
                );
                if let Some(vm) = w.videos.get_mut(&vid) {
                    vm.intent = Intent::Published;
                    vm.finished_real = Some(std::time::Instant::now());
                    vm.finished_at = Some(now);
                    vm.post_id = Some(post_id.clone());
                }
                w.go_live(&post_id, now, false);
                w.note_publish(page_id, now);
                return Ok(Reply::ok(json!({"success": true, "post_id": post_id})));
            }
            let state = p
                .str("video_state")
                .map(|s| s.to_ascii_uppercase())
                .ok_or_else(|| {
                    GraphError::param(
                        "The parameter video_state is required (PUBLISHED, SCHEDULED or DRAFT)",
                    )
                })?;
            let scheduled = schedule_param(p)?;
            let intent = match state.as_str() {
                "PUBLISHED" if scheduled.is_none() => Intent::Published,
                "PUBLISHED" => {
                    return Err(GraphError::param(
                        "scheduled_publish_time needs video_state=SCHEDULED",
                    ))
                }
                "SCHEDULED" => {
                    let at = scheduled.ok_or_else(|| {
                        GraphError::param("video_state=SCHEDULED needs scheduled_publish_time")
                    })?;
                    check_schedule_window(at, now, REEL_SCHEDULE_MAX, "reel")?;
                    Intent::Scheduled(at)
                }
                "DRAFT" => Intent::Draft,
                other => {
                    return Err(GraphError::param(format!(
                        "Invalid video_state '{other}': use PUBLISHED, SCHEDULED or DRAFT"
                    )))
                }
            };
            if intent != Intent::Draft {
                let day = SignedDuration::from_hours(24);
                let quota = shared.seed.reels_per_day as usize;
                let log = w.reel_log.entry(page_id.to_string()).or_default();
                log.retain(|t| now.duration_since(*t) < day);
                if log.len() >= quota {
                    return Err(GraphError::new(
                        9,
                        format!(
                            "(#9) This Page has reached its limit of {quota} reels published through the API in 24 hours"
                        ),
                    )
                    .user(
                        "Reels Limit Reached",
                        "Pages can publish a limited number of reels through the API in a 24-hour period. Try again later.",
                    ));
                }
                w.check_pace(page_id, now, &shared.seed)?;
                w.reel_log.entry(page_id.to_string()).or_default().push(now);
                w.note_publish(page_id, now);
            }
            if let Some(vm) = w.videos.get_mut(&vid) {
                vm.intent = intent;
                vm.description = p.str("description");
                vm.title = p.str("title");
                vm.finished_real = Some(std::time::Instant::now());
                vm.finished_at = Some(now);
            }
            w.watch_video(&vid);
            Ok(Reply::ok(success()))
        }
        _ => Err(GraphError::param(
            "The parameter upload_phase is required: start or finish",
        )),
    }
}

/// `POST <base>/rupload/video-upload/{version}/{video-id}`.
pub(super) async fn rupload(shared: &Shared, req: GraphReq) -> Reply {
    let segs: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let id = match segs.as_slice() {
        ["video-upload", id] => id.to_string(),
        ["ig-api-upload", ..] => {
            return rupload_error(
                StatusCode::NOT_FOUND,
                "ProcessingFailedError",
                "Instagram resumable uploads are not simulated by this sandbox yet",
            )
        }
        _ => {
            return rupload_error(
                StatusCode::NOT_FOUND,
                "ProcessingFailedError",
                "unknown upload path",
            )
        }
    };
    if req.method != axum::http::Method::POST {
        return rupload_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "ProcessingFailedError",
            "use POST",
        );
    }
    let token = req
        .header("authorization")
        .and_then(|a| a.strip_prefix("OAuth ").map(|t| t.trim().to_string()));
    let now = shared.now();
    let principal = {
        let w = lock(&shared.world);
        match w.authenticate(token.as_deref(), now) {
            Ok(p) => p,
            Err(_) => {
                return rupload_error(
                    StatusCode::UNAUTHORIZED,
                    "ProcessingFailedError",
                    "unauthorized user request",
                )
            }
        }
    };
    let page_id = {
        let w = lock(&shared.world);
        match w
            .videos
            .get(&id)
            .filter(|v| !v.deleted && v.product != VideoProduct::Video)
        {
            Some(v) if v.intent == Intent::Pending => v.page_id.clone(),
            Some(_) => {
                return rupload_error(
                    StatusCode::BAD_REQUEST,
                    "ProcessingFailedError",
                    "this video was already finished",
                )
            }
            None => {
                return rupload_error(
                    StatusCode::NOT_FOUND,
                    "ProcessingFailedError",
                    "video not found",
                )
            }
        }
    };
    if lock(&shared.world)
        .require_publisher(&principal, &page_id)
        .is_err()
    {
        return rupload_error(
            StatusCode::UNAUTHORIZED,
            "ProcessingFailedError",
            "unauthorized user request",
        );
    }

    if let Some(url) = req.header("file_url") {
        let raw = match fetch_counted(&shared.http, &url, MAX_VIDEO_BYTES).await {
            Ok(raw) => raw,
            Err(e) => {
                return rupload_error(
                    StatusCode::BAD_REQUEST,
                    "ProcessingFailedError",
                    &format!("could not fetch file_url: {}", e.message()),
                )
            }
        };
        let mut w = lock(&shared.world);
        if let Some(v) = w.videos.get_mut(&id) {
            v.file_size = Some(raw.len);
            v.received = raw.len;
            v.head = raw.head;
        }
        return Reply::ok(success());
    }

    let parse = |name: &str| req.header(name).map(|s| s.parse::<u64>());
    let offset = match parse("offset") {
        None => 0,
        Some(Ok(o)) => o,
        Some(Err(_)) => {
            return rupload_error(
                StatusCode::BAD_REQUEST,
                "OffsetInvalidError",
                "the offset header must be a number",
            )
        }
    };
    let file_size = match parse("file_size") {
        Some(Ok(s)) if s > 0 => s,
        _ => {
            return rupload_error(
                StatusCode::BAD_REQUEST,
                "ProcessingFailedError",
                "the file_size header (a positive number of bytes) is required",
            )
        }
    };
    let raw = req.raw.clone().unwrap_or_default();
    let mut w = lock(&shared.world);
    let Some(v) = w.videos.get_mut(&id) else {
        return rupload_error(
            StatusCode::NOT_FOUND,
            "ProcessingFailedError",
            "video not found",
        );
    };
    if v.file_size.is_some_and(|s| s != file_size) {
        return rupload_error(
            StatusCode::BAD_REQUEST,
            "ProcessingFailedError",
            "file_size differs from the one sent with the first part of this upload",
        );
    }
    if offset > v.received {
        return rupload_error(
            StatusCode::BAD_REQUEST,
            "OffsetInvalidError",
            &format!(
                "offset {offset} is invalid: {} bytes were received so far; resume from there",
                v.received
            ),
        );
    }
    if raw.len == 0 || offset + raw.len > file_size {
        return rupload_error(
            StatusCode::BAD_REQUEST,
            "PartialRequestError",
            &format!(
                "the body must hold between 1 and {} bytes from offset {offset}",
                file_size.saturating_sub(offset)
            ),
        );
    }
    if offset == 0 {
        v.head = raw.head.clone();
    }
    v.file_size = Some(file_size);
    v.received = offset + raw.len;
    Reply::ok(success())
}
