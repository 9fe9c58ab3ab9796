//! Facebook Page videos, reels and stories (`../shared/platforms/meta-api.md` §2.4–2.7).
//!
//! Videos go from the disk to Facebook in chunks, streamed (DESIGN.md §6): memory holds at
//! most a small read buffer, never the file. After every chunk the bytes Facebook confirmed
//! are recorded, so a crash, a kill or a dropped connection resumes where Facebook says the
//! upload stands (the offset Facebook reports always wins over the one recorded).
//!
//! | post | upload | publish step (non-idempotent) | how a lost answer is reconciled |
//! |---|---|---|---|
//! | feed video | `POST graph-video/{page}/videos upload_phase=start\|transfer` | `upload_phase=finish` | `GET /{video-id}?fields=status` |
//! | reel | `POST /{page}/video_reels upload_phase=start`, rupload | `upload_phase=finish video_state=PUBLISHED\|SCHEDULED` | `GET /{video-id}?fields=status` |
//! | video story | `POST /{page}/video_stories upload_phase=start`, rupload | `upload_phase=finish` | `GET /{page}/stories` (media id) |
//! | photo story | `POST /{page}/photos published=false` | `POST /{page}/photo_stories` | `GET /{page}/stories` (media id) |
//!
//! Uploads need no app id (the legacy chunked protocol and rupload both hang off the Page), so
//! the publisher does not need the store. Every publish step is preceded by a recorded intent;
//! an attempt that finds an intent without a result asks Facebook what happened first. The video
//! id is known before the publish step, so the question is asked about that exact video rather
//! than by matching captions and times.
//!
//! Videos and reels due later are handed to Facebook (`scheduled_publish_time`) and the target
//! remembers the *video* id, so that moving or deleting the post in Herald withdraws that video.
//! Stories cannot be scheduled at Facebook: Herald keeps them and publishes them at their time.

use std::io::SeekFrom;
use std::time::Duration;

use herald_core::domain::{MediaKind, MediaView, PostKind};
use herald_core::failpoint::pause_point;
use herald_core::publish::{
    CancelOutcome, Progress, PublishFailure, PublishJob, PublishMode, PublishOutcome, Retry,
};
use herald_core::vault::Secret;
use jiff::Timestamp;
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::multipart::{Form, Part};
use reqwest::{Body, Method};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::facebook::{bad, never};
use crate::graph::GraphFailure;
use crate::http::{describe, str_field, GraphHost, GRAPH_VERSION};
use crate::Endpoints;

/// The platform's name in sentences.
const NETWORK: &str = "Facebook";
/// Bytes per upload request when Herald chooses (rupload); the legacy protocol says its own.
const CHUNK_BYTES: u64 = 4 * 1024 * 1024;
/// The read buffer a chunk is streamed through.
const STREAM_BUFFER: usize = 64 * 1024;
/// The largest legacy chunk Herald sends in one request even if Facebook offers more.
const MAX_LEGACY_CHUNK: u64 = 64 * 1024 * 1024;
/// Facebook wants `scheduled_publish_time` more than 10 minutes ahead; below this, Herald keeps
/// the uploaded video and publishes it itself at its time.
const MIN_SCHEDULE_AHEAD: i64 = 11 * 60;
/// Waits before re-sending a chunk after a failure in the same attempt; after the last, the
/// attempt ends and the engine's backoff takes over (the next attempt resumes).
const CHUNK_RETRY_WAITS: [Duration; 3] = [
    Duration::from_millis(250),
    Duration::from_secs(1),
    Duration::from_secs(3),
];
/// Times in a row Facebook may send Herald to another offset before the attempt gives up.
const MAX_RESYNCS: u32 = 4;
/// Status checks after publishing now (seconds between them), before "not live yet".
const LIVE_POLL: [u64; 5] = [1, 1, 2, 3, 5];
/// Status checks after handing a video over, to catch a video Facebook cannot process.
const HANDOFF_POLL: [u64; 3] = [1, 2, 3];
/// How soon to look again while Facebook is still processing a published video.
const STILL_PROCESSING: Duration = Duration::from_secs(30);
/// After this long in processing, a published video counts as a failed attempt.
const PROCESSING_PATIENCE: i64 = 2 * 3600;
/// Largest answer read from rupload.
const MAX_RUPLOAD_ANSWER: usize = 64 * 1024;
/// Largest photo a Page story takes (meta-api.md §2.7).
const MAX_STORY_PHOTO_BYTES: i64 = 10 * 1024 * 1024;
/// Stories scanned when looking for one a lost answer was about.
const STORIES_PAGE: &str = "50";

/// Whether this post goes through this module: it has a video, or its kind is one only this
/// module publishes (reel, story, video).
pub(crate) fn handles(job: &PublishJob) -> bool {
    job.post.media.iter().any(|m| m.kind == MediaKind::Video)
        || matches!(
            job.post.kind,
            PostKind::Reel | PostKind::Story | PostKind::Video
        )
}

/// Whether Facebook can hold this post until its time. Stories cannot be scheduled at
/// Facebook: in hand-over mode they wait, and the engine publishes them at their time.
pub fn can_hand_off(job: &PublishJob) -> bool {
    job.post.kind != PostKind::Story
}

/// Whether a remote id is a video id (what a handed-over video or reel records) rather than a
/// post id (`{page-id}_{post-id}`).
pub(crate) fn is_video_id(remote_id: &str) -> bool {
    !remote_id.is_empty() && remote_id.bytes().all(|b| b.is_ascii_digit())
}

/// Which of the four publishing flows a post takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Flow {
    /// A video in the Page's feed (legacy chunked upload on the video host).
    Video,
    Reel,
    VideoStory,
    PhotoStory,
}

impl Flow {
    fn name(self) -> &'static str {
        match self {
            Flow::Video => "video",
            Flow::Reel => "reel",
            Flow::VideoStory => "video_story",
            Flow::PhotoStory => "photo_story",
        }
    }

    fn uses_rupload(self) -> bool {
        matches!(self, Flow::Reel | Flow::VideoStory)
    }
}

/// What a video attempt records between calls.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct VideoProgress {
    #[serde(default)]
    flow: Option<Flow>,
    /// The video Facebook created for the upload (start phase).
    #[serde(default)]
    video_id: Option<String>,
    /// The legacy protocol's session (feed videos).
    #[serde(default)]
    upload_session_id: Option<String>,
    /// Where rupload takes the bytes (reels, video stories).
    #[serde(default)]
    upload_url: Option<String>,
    /// The file's size when the upload began.
    #[serde(default)]
    file_size: Option<u64>,
    /// Bytes Facebook confirmed.
    #[serde(default)]
    uploaded: u64,
    /// The unpublished photo of a photo story.
    #[serde(default)]
    photo_id: Option<String>,
    /// When the publish step was requested (Unix seconds): set *before* the call.
    #[serde(default)]
    publish_requested_at: Option<i64>,
    /// The `scheduled_publish_time` that step asked for (`None`: publish now).
    #[serde(default)]
    scheduled_for: Option<i64>,
    /// When the publish step was known to have happened.
    #[serde(default)]
    publish_done_at: Option<i64>,
    /// The post's id once known (stories).
    #[serde(default)]
    post_id: Option<String>,
    #[serde(default)]
    permalink: Option<String>,
}

impl VideoProgress {
    fn fresh(flow: Flow) -> Self {
        VideoProgress {
            flow: Some(flow),
            ..Default::default()
        }
    }

    /// Forgets the upload (Facebook no longer has it), keeping nothing else.
    fn restart_upload(&mut self) {
        *self = VideoProgress {
            flow: self.flow,
            ..Default::default()
        };
    }
}

/// One attempt's fixed inputs.
struct Ctx<'a> {
    job: &'a PublishJob,
    token: &'a Secret,
    progress: &'a Progress,
    flow: Flow,
    media: &'a MediaView,
    page: &'a str,
}

impl Ctx<'_> {
    async fn save(
        &self,
        state: &VideoProgress,
        remote_id: Option<&str>,
    ) -> Result<(), PublishFailure> {
        let value = serde_json::to_value(state).unwrap_or(Value::Null);
        self.progress
            .save(&value, remote_id)
            .await
            .map_err(|err| PublishFailure {
                code: "storage".to_owned(),
                message: format!(
                    "Herald could not record its progress ({err}); it will try again."
                ),
                retry: Retry::After(Duration::from_secs(30)),
            })
    }

    /// A crash-test pause point named after this flow: `facebook.reel.publish.before_call`.
    fn point(&self, step: &str) {
        pause_point(&format!("facebook.{}.{step}", self.flow.name()));
    }

    fn fail(&self, failure: GraphFailure) -> PublishFailure {
        video_failure(self.flow, failure)
    }
}

/// What Facebook says about a video.
#[derive(Debug, Default)]
struct VideoState {
    /// `status.video_status`: uploading, upload_complete, processing, ready, error, expired…
    status: String,
    /// `status.uploading_phase.bytes_transfered`.
    bytes: Option<u64>,
    /// `status.publishing_phase.publish_status`: published, scheduled, draft…
    publish_status: Option<String>,
    post_id: Option<String>,
    permalink: Option<String>,
    published: bool,
    /// Why processing failed, when it did.
    error: Option<String>,
}

impl VideoState {
    fn parse(v: &Value) -> Self {
        let text = |pointer: &str| {
            v.pointer(pointer)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let status = text("/status/video_status").unwrap_or_default();
        let publish_status = text("/status/publishing_phase/publish_status");
        let publishing_done =
            text("/status/publishing_phase/status").as_deref() == Some("complete");
        let error = if status == "error"
            || text("/status/processing_phase/status").as_deref() == Some("error")
        {
            Some(
                text("/status/processing_phase/error/message")
                    .unwrap_or_else(|| "Facebook did not say why".to_owned()),
            )
        } else {
            None
        };
        VideoState {
            bytes: v
                .pointer("/status/uploading_phase/bytes_transfered")
                .or_else(|| v.pointer("/status/uploading_phase/bytes_transferred"))
                .and_then(as_u64),
            published: v.get("published").and_then(Value::as_bool).unwrap_or(false)
                || (publish_status.as_deref() == Some("published") && publishing_done),
            post_id: v.get("post_id").and_then(id_text),
            permalink: v
                .get("permalink_url")
                .and_then(Value::as_str)
                .map(absolute_link),
            status,
            publish_status,
            error,
        }
    }

    /// Whether the publish step (finish) reached Facebook.
    fn publish_seen(&self) -> bool {
        self.publish_status.is_some()
            || self.post_id.is_some()
            || self.published
            || matches!(self.status.as_str(), "processing" | "error")
    }

    /// The upload is lost at Facebook (expired or failed before publishing).
    fn upload_lost(&self) -> bool {
        matches!(self.status.as_str(), "expired" | "upload_failed")
    }
}

/// How one chunk went.
enum ChunkError {
    /// Facebook has another offset: ask it where the upload stands and go on from there.
    Resync,
    /// The connection or Facebook failed for now: wait, ask where the upload stands, retry.
    Transient(PublishFailure),
    /// Stop the attempt with this failure.
    Stop(PublishFailure),
}

/// A chunk Facebook took: where the next one starts (and, legacy, ends).
struct ChunkAck {
    next: u64,
    end: Option<u64>,
}

/// Where an upload stands at Facebook.
enum Remote {
    Offset(u64),
    /// Facebook no longer has the upload.
    Gone,
}

/// Publishes videos, reels and stories to Facebook Pages.
#[derive(Debug, Clone)]
pub(crate) struct FacebookVideo {
    /// graph.facebook.com
    graph: GraphHost,
    /// graph-video.facebook.com
    video: GraphHost,
    /// For rupload.facebook.com.
    http: reqwest::Client,
    /// The rupload base URL (no trailing slash): the only place Herald sends bytes with the
    /// token in an `Authorization: OAuth` header.
    rupload: String,
}

impl FacebookVideo {
    pub(crate) fn new(http: reqwest::Client, endpoints: &Endpoints) -> Self {
        FacebookVideo {
            graph: GraphHost::new(http.clone(), &endpoints.facebook_graph),
            video: GraphHost::new(http.clone(), &endpoints.facebook_video),
            http,
            rupload: endpoints.rupload.trim_end_matches('/').to_owned(),
        }
    }

    /// Publishes, hands over or verifies one video, reel or story target.
    pub(crate) async fn publish(
        &self,
        job: &PublishJob,
        token: &Secret,
        progress: &Progress,
    ) -> PublishOutcome {
        self.run(job, token, progress)
            .await
            .unwrap_or_else(PublishOutcome::Failed)
    }

    async fn run(
        &self,
        job: &PublishJob,
        token: &Secret,
        progress: &Progress,
    ) -> Result<PublishOutcome, PublishFailure> {
        if job.mode == PublishMode::Verify {
            return self.verify(job, token).await;
        }
        let (flow, media) = plan(job)?;
        if job.mode == PublishMode::Handoff && !can_hand_off(job) {
            // Facebook cannot hold a story: wait, and publish it at its time (mode Now).
            return Ok(PublishOutcome::NotYetLive {
                check_again_in: until(job.due_at.as_second()),
            });
        }
        let mut state = load_state(job, flow)?;
        let ctx = Ctx {
            job,
            token,
            progress,
            flow,
            media,
            page: job.platform_account_id.as_str(),
        };
        match flow {
            Flow::Video | Flow::Reel => self.video_or_reel(&ctx, &mut state).await,
            Flow::VideoStory => self.video_story(&ctx, &mut state).await,
            Flow::PhotoStory => self.photo_story(&ctx, &mut state).await,
        }
    }

    // ---- feed videos and reels ---------------------------------------------------------

    async fn video_or_reel(
        &self,
        ctx: &Ctx<'_>,
        state: &mut VideoProgress,
    ) -> Result<PublishOutcome, PublishFailure> {
        let due = ctx.job.due_at.as_second();
        if state.publish_requested_at.is_some() && state.scheduled_for.is_some_and(|at| at != due) {
            // Facebook may hold this video for a time the post no longer has.
            if let Some(live) = self.withdraw_stale(ctx, state).await? {
                return Ok(live);
            }
        }
        if state.publish_done_at.is_none() && state.publish_requested_at.is_some() {
            ctx.point("publish.reconcile");
            if self.publish_happened(ctx, state).await? {
                tracing::info!(
                    page = ctx.page,
                    flow = ctx.flow.name(),
                    "the publish step a lost answer was about happened; not repeating it"
                );
                state.publish_done_at = Some(now());
                ctx.save(state, state.video_id.as_deref()).await?;
            }
        }
        if state.publish_done_at.is_none() {
            self.upload(ctx, state).await?;
            let scheduled_for = match ctx.job.mode {
                PublishMode::Handoff => {
                    if due - now() < MIN_SCHEDULE_AHEAD {
                        // Too close for Facebook's scheduler: the video is uploaded; publish it
                        // at its time.
                        return Ok(PublishOutcome::NotYetLive {
                            check_again_in: until(due),
                        });
                    }
                    Some(due)
                }
                _ => None,
            };
            state.publish_requested_at = Some(now());
            state.scheduled_for = scheduled_for;
            ctx.save(state, None).await?;
            ctx.point("publish.before_call");
            self.finish_video(ctx, state).await?;
            ctx.point("publish.after_call");
            state.publish_done_at = Some(now());
            ctx.save(state, state.video_id.as_deref()).await?;
        }
        self.after_publish(ctx, state).await
    }

    /// Asks Facebook whether a requested publish step (finish) happened.
    async fn publish_happened(
        &self,
        ctx: &Ctx<'_>,
        state: &mut VideoProgress,
    ) -> Result<bool, PublishFailure> {
        let Some(video_id) = state.video_id.clone() else {
            return Ok(false);
        };
        match self.read_video(&video_id, ctx.token).await {
            Ok(Some(video)) => Ok(video.publish_seen()),
            Ok(None) => {
                // Gone: it may have been published and deleted on Facebook. Herald cannot tell,
                // so it does not publish again on its own.
                *state = VideoProgress::fresh(ctx.flow);
                ctx.save(state, None).await?;
                Err(never(
                    "video_gone",
                    "Facebook no longer has the video Herald uploaded for this post, and Herald cannot tell whether it went out before it disappeared. Check the Page on Facebook; retry the post in Herald if it is not there.",
                ))
            }
            Err(failure) => Err(ctx.fail(failure)),
        }
    }

    /// The publish step of a feed video (legacy finish) or a reel (finish with a state).
    async fn finish_video(
        &self,
        ctx: &Ctx<'_>,
        state: &VideoProgress,
    ) -> Result<(), PublishFailure> {
        let caption = ctx.job.post.caption.trim();
        let request = match ctx.flow {
            Flow::Video => {
                let Some(session) = state.upload_session_id.as_deref() else {
                    return Err(bad("no upload session before publishing"));
                };
                let mut body = json!({ "upload_phase": "finish", "upload_session_id": session });
                if !caption.is_empty() {
                    body["description"] = json!(caption);
                }
                if let Some(at) = state.scheduled_for {
                    body["published"] = Value::Bool(false);
                    body["scheduled_publish_time"] = json!(at);
                }
                self.video
                    .request(Method::POST, &format!("{}/videos", ctx.page), ctx.token)
                    .json(&body)
            }
            _ => {
                let Some(video_id) = state.video_id.as_deref() else {
                    return Err(bad("no video id before publishing"));
                };
                let mut body = json!({
                    "upload_phase": "finish",
                    "video_id": video_id,
                    "video_state": if state.scheduled_for.is_some() { "SCHEDULED" } else { "PUBLISHED" },
                });
                if !caption.is_empty() {
                    body["description"] = json!(caption);
                }
                if let Some(at) = state.scheduled_for {
                    body["scheduled_publish_time"] = json!(at);
                }
                self.graph
                    .request(
                        Method::POST,
                        &format!("{}/video_reels", ctx.page),
                        ctx.token,
                    )
                    .json(&body)
            }
        };
        let host = if ctx.flow == Flow::Video {
            &self.video
        } else {
            &self.graph
        };
        let answer = host.send(request).await.map_err(|f| ctx.fail(f))?;
        if answer.get("success").and_then(Value::as_bool) == Some(false) {
            return Err(bad(
                "Facebook answered the publish step with success: false",
            ));
        }
        Ok(())
    }

    /// After the publish step: watch the video until it is live (or held for its time).
    async fn after_publish(
        &self,
        ctx: &Ctx<'_>,
        state: &VideoProgress,
    ) -> Result<PublishOutcome, PublishFailure> {
        let Some(video_id) = state.video_id.clone() else {
            return Err(bad("no video id after publishing"));
        };
        let held = state.scheduled_for.is_some();
        let waits: &[u64] = if held { &HANDOFF_POLL } else { &LIVE_POLL };
        for wait in waits.iter().copied().map(Some).chain([None]) {
            let video = self
                .read_video(&video_id, ctx.token)
                .await
                .map_err(|f| ctx.fail(f))?
                .ok_or_else(|| {
                    never(
                        "video_gone",
                        "Facebook no longer has the video Herald published for this post (was it deleted on Facebook?).",
                    )
                })?;
            if let Some(reason) = &video.error {
                return Err(processing_failure(reason));
            }
            if video.published {
                return Ok(PublishOutcome::Published {
                    remote_id: video.post_id.unwrap_or(video_id),
                    permalink: video.permalink,
                });
            }
            if held && (video.status == "ready" || video.post_id.is_some()) {
                return Ok(PublishOutcome::HandedOff {
                    remote_id: video_id,
                });
            }
            match wait {
                Some(secs) => tokio::time::sleep(Duration::from_secs(secs)).await,
                None => break,
            }
        }
        if held {
            // Still processing: Facebook holds it; checking at its time catches a failure.
            return Ok(PublishOutcome::HandedOff {
                remote_id: video_id,
            });
        }
        if state
            .publish_done_at
            .is_some_and(|done| now() - done > PROCESSING_PATIENCE)
        {
            return Err(PublishFailure {
                code: "video_processing_slow".to_owned(),
                message: "Facebook has been processing the video for more than two hours and it is not live yet. Herald will look again later; check the Page's videos on Facebook.".to_owned(),
                retry: Retry::After(Duration::from_secs(30 * 60)),
            });
        }
        Ok(PublishOutcome::NotYetLive {
            check_again_in: STILL_PROCESSING,
        })
    }

    /// A video that Facebook may hold for a time the post no longer has (the post moved after
    /// an attempt that could not record its hand-over): withdraws it so that it can be handed
    /// over again for the new time. Returns the post when it is already live.
    async fn withdraw_stale(
        &self,
        ctx: &Ctx<'_>,
        state: &mut VideoProgress,
    ) -> Result<Option<PublishOutcome>, PublishFailure> {
        let happened = state.publish_done_at.is_some() || self.publish_happened(ctx, state).await?;
        if !happened {
            // The step never reached Facebook: keep the upload, ask again with the new time.
            state.publish_requested_at = None;
            state.scheduled_for = None;
            ctx.save(state, None).await?;
            return Ok(None);
        }
        if let Some(video_id) = state.video_id.clone() {
            if let Some(video) = self
                .read_video(&video_id, ctx.token)
                .await
                .map_err(|f| ctx.fail(f))?
            {
                if video.published {
                    return Ok(Some(PublishOutcome::Published {
                        remote_id: video.post_id.unwrap_or(video_id),
                        permalink: video.permalink,
                    }));
                }
                let request = self.graph.request(Method::DELETE, &video_id, ctx.token);
                match self.graph.send(request).await {
                    Ok(_) => {}
                    Err(GraphFailure::Api { error, .. }) if error.code == 100 => {}
                    Err(other) => return Err(ctx.fail(other)),
                }
                tracing::info!(
                    page = ctx.page,
                    "withdrew a video Facebook held for the post's old time"
                );
            }
        }
        *state = VideoProgress::fresh(ctx.flow);
        ctx.save(state, None).await?;
        Ok(None)
    }

    // ---- stories -----------------------------------------------------------------------

    async fn video_story(
        &self,
        ctx: &Ctx<'_>,
        state: &mut VideoProgress,
    ) -> Result<PublishOutcome, PublishFailure> {
        if state.post_id.is_none() {
            if let (Some(_), Some(video_id)) = (state.publish_requested_at, state.video_id.clone())
            {
                ctx.point("publish.reconcile");
                self.reconcile_story(ctx, state, &video_id).await?;
            }
        }
        if state.post_id.is_none() {
            self.upload(ctx, state).await?;
            let Some(video_id) = state.video_id.clone() else {
                return Err(bad("no video id before publishing the story"));
            };
            state.publish_requested_at = Some(now());
            ctx.save(state, None).await?;
            ctx.point("publish.before_call");
            let request = self
                .graph
                .request(
                    Method::POST,
                    &format!("{}/video_stories", ctx.page),
                    ctx.token,
                )
                .json(&json!({ "upload_phase": "finish", "video_id": video_id }));
            let answer = self.graph.send(request).await.map_err(|f| ctx.fail(f))?;
            ctx.point("publish.after_call");
            let post_id = graph_id(&answer, "post_id").map_err(|f| ctx.fail(f))?;
            state.post_id = Some(post_id);
            state.publish_done_at = Some(now());
            ctx.save(state, state.post_id.as_deref()).await?;
        }
        self.story_published(ctx, state).await
    }

    async fn photo_story(
        &self,
        ctx: &Ctx<'_>,
        state: &mut VideoProgress,
    ) -> Result<PublishOutcome, PublishFailure> {
        if state.post_id.is_none() {
            if let (Some(_), Some(photo_id)) = (state.publish_requested_at, state.photo_id.clone())
            {
                ctx.point("publish.reconcile");
                self.reconcile_story(ctx, state, &photo_id).await?;
            }
        }
        if state.post_id.is_none() {
            let photo_id = match state.photo_id.clone() {
                Some(id) => id,
                None => {
                    // Unpublished until the story uses it: repeating this publishes nothing.
                    let id = self.upload_photo(ctx).await?;
                    state.photo_id = Some(id.clone());
                    ctx.save(state, None).await?;
                    id
                }
            };
            state.publish_requested_at = Some(now());
            ctx.save(state, None).await?;
            ctx.point("publish.before_call");
            let request = self
                .graph
                .request(
                    Method::POST,
                    &format!("{}/photo_stories", ctx.page),
                    ctx.token,
                )
                .json(&json!({ "photo_id": photo_id }));
            let answer = self.graph.send(request).await.map_err(|f| ctx.fail(f))?;
            ctx.point("publish.after_call");
            let post_id = graph_id(&answer, "post_id").map_err(|f| ctx.fail(f))?;
            state.post_id = Some(post_id);
            state.publish_done_at = Some(now());
            ctx.save(state, state.post_id.as_deref()).await?;
        }
        self.story_published(ctx, state).await
    }

    /// Looks among the Page's stories for the one a lost answer was about.
    async fn reconcile_story(
        &self,
        ctx: &Ctx<'_>,
        state: &mut VideoProgress,
        media_id: &str,
    ) -> Result<(), PublishFailure> {
        if let Some((post_id, url)) = self
            .find_story(ctx.page, ctx.token, media_id)
            .await
            .map_err(|f| ctx.fail(f))?
        {
            tracing::info!(
                page = ctx.page,
                "found the story a lost answer was about; not publishing again"
            );
            state.post_id = Some(post_id);
            state.permalink = url;
            state.publish_done_at = Some(now());
            ctx.save(state, state.post_id.as_deref()).await?;
        }
        Ok(())
    }

    async fn story_published(
        &self,
        ctx: &Ctx<'_>,
        state: &mut VideoProgress,
    ) -> Result<PublishOutcome, PublishFailure> {
        let Some(post_id) = state.post_id.clone() else {
            return Err(bad("no story id after publishing"));
        };
        if state.permalink.is_none() {
            let media = match ctx.flow {
                Flow::PhotoStory => state.photo_id.clone(),
                _ => state.video_id.clone(),
            };
            if let Some(media) = media {
                // Only for the link: a failure here does not undo the story.
                if let Ok(Some((_, url))) = self.find_story(ctx.page, ctx.token, &media).await {
                    state.permalink = url;
                }
            }
        }
        Ok(PublishOutcome::Published {
            permalink: state
                .permalink
                .clone()
                .or_else(|| Some(format!("https://www.facebook.com/{post_id}"))),
            remote_id: post_id,
        })
    }

    /// The story (post id, link) made from `media_id`, if the Page has one.
    async fn find_story(
        &self,
        page: &str,
        token: &Secret,
        media_id: &str,
    ) -> Result<Option<(String, Option<String>)>, GraphFailure> {
        let request = self
            .graph
            .request(Method::GET, &format!("{page}/stories"), token)
            .query(&[
                (
                    "fields",
                    "post_id,status,media_type,media_id,url,creation_time",
                ),
                ("limit", STORIES_PAGE),
            ]);
        let answer = self.graph.send(request).await?;
        Ok(answer
            .get("data")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|story| story.get("media_id").and_then(id_text).as_deref() == Some(media_id))
            .and_then(|story| {
                let post = story.get("post_id").and_then(id_text)?;
                let url = story.get("url").and_then(Value::as_str).map(absolute_link);
                Some((post, url))
            }))
    }

    async fn upload_photo(&self, ctx: &Ctx<'_>) -> Result<String, PublishFailure> {
        let photo = ctx.media;
        if photo.size_bytes > MAX_STORY_PHOTO_BYTES {
            return Err(never(
                "photo_too_large",
                &format!(
                    "{} is larger than 10 MB, which Facebook refuses for a story. Use a smaller JPG or PNG.",
                    photo.path
                ),
            ));
        }
        let bytes = tokio::fs::read(&photo.path)
            .await
            .map_err(|err| disk_failure(&photo.path, &err))?;
        let name = std::path::Path::new(&photo.path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "photo".to_owned());
        let part = Part::bytes(bytes)
            .file_name(name)
            .mime_str(&photo.mime)
            .map_err(|err| bad(&err.to_string()))?;
        let form = Form::new().part("source", part).text("published", "false");
        let request = self
            .graph
            .request(Method::POST, &format!("{}/photos", ctx.page), ctx.token)
            .multipart(form);
        let answer = self.graph.send(request).await.map_err(|f| ctx.fail(f))?;
        graph_id(&answer, "id").map_err(|f| ctx.fail(f))
    }

    // ---- uploading ---------------------------------------------------------------------

    /// Makes sure Facebook has the whole file: starts an upload if there is none, resumes the
    /// recorded one from where Facebook says it stands, and records every chunk it takes.
    async fn upload(&self, ctx: &Ctx<'_>, state: &mut VideoProgress) -> Result<(), PublishFailure> {
        let path = ctx.media.path.as_str();
        let size = tokio::fs::metadata(path)
            .await
            .map_err(|err| disk_failure(path, &err))?
            .len();
        if size == 0 {
            return Err(never(
                "empty_video",
                &format!("{path} is empty. Attach the video again."),
            ));
        }
        if state.video_id.is_some() && state.file_size != Some(size) {
            tracing::warn!(
                page = ctx.page,
                "the video file changed size since its upload began; uploading it again"
            );
            state.restart_upload();
        }
        let mut end_hint = None;
        if state.video_id.is_some() {
            // Facebook's count wins over the recorded one (a lost answer may have been applied).
            match self.remote_offset(ctx, state).await? {
                Remote::Offset(at) => state.uploaded = at,
                Remote::Gone => {
                    tracing::warn!(
                        page = ctx.page,
                        "Facebook no longer has the upload; starting it again"
                    );
                    state.restart_upload();
                }
            }
        }
        if state.video_id.is_none() {
            end_hint = self.start_upload(ctx, state, size).await?;
            ctx.save(state, None).await?;
            ctx.point("upload.started");
        }
        let mut failures = 0usize;
        let mut resyncs = 0u32;
        while state.uploaded < size {
            let offset = state.uploaded;
            let len = match end_hint {
                Some(end) if end > offset => (end - offset).min(MAX_LEGACY_CHUNK),
                _ => CHUNK_BYTES,
            }
            .min(size - offset);
            match self.send_chunk(ctx, state, offset, len, size).await {
                Ok(ack) if ack.next > offset && ack.next <= size => {
                    state.uploaded = ack.next;
                    end_hint = ack.end;
                    failures = 0;
                    resyncs = 0;
                    ctx.save(state, None).await?;
                    ctx.point("upload.after_chunk");
                }
                Ok(_) | Err(ChunkError::Resync) if resyncs >= MAX_RESYNCS => {
                    return Err(PublishFailure {
                        code: "upload_offset".to_owned(),
                        message: "Facebook kept refusing the point Herald resumed the video upload from. Herald will try again.".to_owned(),
                        retry: Retry::After(Duration::from_secs(60)),
                    });
                }
                Ok(_) | Err(ChunkError::Resync) => {
                    resyncs += 1;
                    end_hint = None;
                    self.resync(ctx, state, size).await?;
                }
                Err(ChunkError::Transient(failure)) => {
                    let Some(wait) = CHUNK_RETRY_WAITS.get(failures) else {
                        return Err(failure);
                    };
                    failures += 1;
                    tracing::info!(page = ctx.page, offset, code = %failure.code, "a video chunk failed; resuming");
                    tokio::time::sleep(*wait).await;
                    end_hint = None;
                    self.resync(ctx, state, size).await?;
                }
                Err(ChunkError::Stop(failure)) => return Err(failure),
            }
        }
        Ok(())
    }

    /// Takes Facebook's offset for the recorded upload.
    async fn resync(
        &self,
        ctx: &Ctx<'_>,
        state: &mut VideoProgress,
        size: u64,
    ) -> Result<(), PublishFailure> {
        match self.remote_offset(ctx, state).await? {
            Remote::Offset(at) if at <= size => {
                state.uploaded = at;
                ctx.save(state, None).await
            }
            Remote::Offset(_) => Err(bad("Facebook reports more bytes than the file has")),
            Remote::Gone => {
                // Started again on the next attempt.
                state.restart_upload();
                ctx.save(state, None).await?;
                Err(PublishFailure {
                    code: "upload_lost".to_owned(),
                    message: "Facebook dropped the unfinished video upload. Herald will upload the video again.".to_owned(),
                    retry: Retry::After(Duration::from_secs(30)),
                })
            }
        }
    }

    /// Where Facebook says the recorded upload stands.
    async fn remote_offset(
        &self,
        ctx: &Ctx<'_>,
        state: &VideoProgress,
    ) -> Result<Remote, PublishFailure> {
        let Some(video_id) = state.video_id.as_deref() else {
            return Ok(Remote::Gone);
        };
        match self.read_video(video_id, ctx.token).await {
            Ok(Some(video)) if video.upload_lost() => Ok(Remote::Gone),
            Ok(Some(video)) => Ok(Remote::Offset(video.bytes.unwrap_or(state.uploaded))),
            Ok(None) => Ok(Remote::Gone),
            Err(failure) => Err(ctx.fail(failure)),
        }
    }

    /// Opens an upload at Facebook; returns the end of the first chunk when Facebook says it.
    async fn start_upload(
        &self,
        ctx: &Ctx<'_>,
        state: &mut VideoProgress,
        size: u64,
    ) -> Result<Option<u64>, PublishFailure> {
        let mut fresh = VideoProgress::fresh(ctx.flow);
        fresh.file_size = Some(size);
        let end = match ctx.flow {
            Flow::Video => {
                let request = self
                    .video
                    .request(Method::POST, &format!("{}/videos", ctx.page), ctx.token)
                    .json(&json!({ "upload_phase": "start", "file_size": size }));
                let answer = self.video.send(request).await.map_err(|f| ctx.fail(f))?;
                fresh.video_id = Some(graph_id(&answer, "video_id").map_err(|f| ctx.fail(f))?);
                fresh.upload_session_id =
                    Some(graph_id(&answer, "upload_session_id").map_err(|f| ctx.fail(f))?);
                fresh.uploaded = answer
                    .get("start_offset")
                    .and_then(as_u64)
                    .unwrap_or(0)
                    .min(size);
                answer.get("end_offset").and_then(as_u64)
            }
            _ => {
                let edge = if ctx.flow == Flow::Reel {
                    "video_reels"
                } else {
                    "video_stories"
                };
                let request = self
                    .graph
                    .request(Method::POST, &format!("{}/{edge}", ctx.page), ctx.token)
                    .json(&json!({ "upload_phase": "start" }));
                let answer = self.graph.send(request).await.map_err(|f| ctx.fail(f))?;
                let video_id = graph_id(&answer, "video_id").map_err(|f| ctx.fail(f))?;
                let returned = answer.get("upload_url").and_then(Value::as_str);
                fresh.upload_url = Some(self.upload_url(returned, &video_id));
                fresh.video_id = Some(video_id);
                None
            }
        };
        *state = fresh;
        Ok(end)
    }

    /// Where rupload takes this video's bytes: the URL Facebook returned when it is on the
    /// configured rupload host (the token goes there), else the documented one.
    fn upload_url(&self, returned: Option<&str>, video_id: &str) -> String {
        let built = format!("{}/video-upload/{GRAPH_VERSION}/{video_id}", self.rupload);
        match returned {
            Some(url)
                if url.starts_with(&format!("{}/", self.rupload))
                    && !url.contains(['?', '#', '@', ' ']) =>
            {
                url.to_owned()
            }
            Some(_) => {
                tracing::warn!("Facebook returned an upload URL off the rupload host; using the documented one");
                built
            }
            None => built,
        }
    }

    /// Sends `len` bytes of the file from `offset`, streamed from the disk.
    async fn send_chunk(
        &self,
        ctx: &Ctx<'_>,
        state: &VideoProgress,
        offset: u64,
        len: u64,
        size: u64,
    ) -> Result<ChunkAck, ChunkError> {
        let body = file_body(&ctx.media.path, offset, len)
            .await
            .map_err(|err| ChunkError::Stop(disk_failure(&ctx.media.path, &err)))?;
        if ctx.flow.uses_rupload() {
            self.rupload_chunk(ctx, state, body, offset, len, size)
                .await
        } else {
            self.legacy_chunk(ctx, state, body, offset, len).await
        }
    }

    async fn legacy_chunk(
        &self,
        ctx: &Ctx<'_>,
        state: &VideoProgress,
        body: Body,
        offset: u64,
        len: u64,
    ) -> Result<ChunkAck, ChunkError> {
        let Some(session) = state.upload_session_id.clone() else {
            return Err(ChunkError::Stop(bad(
                "no upload session to send the video to",
            )));
        };
        let part = Part::stream_with_length(body, len)
            .file_name("chunk")
            .mime_str("application/octet-stream")
            .map_err(|err| ChunkError::Stop(bad(&err.to_string())))?;
        let form = Form::new()
            .text("upload_phase", "transfer")
            .text("upload_session_id", session)
            .text("start_offset", offset.to_string())
            .part("video_file_chunk", part);
        let request = self
            .video
            .request(Method::POST, &format!("{}/videos", ctx.page), ctx.token)
            .multipart(form);
        match self.video.send(request).await {
            Ok(answer) => {
                let next = answer
                    .get("start_offset")
                    .and_then(as_u64)
                    .ok_or_else(|| ChunkError::Stop(bad("the chunk answer has no start_offset")))?;
                Ok(ChunkAck {
                    next,
                    end: answer.get("end_offset").and_then(as_u64),
                })
            }
            // "Invalid start offset": ask Facebook where the upload stands. (The answer's
            // error_data has the offsets too, but GraphError does not keep it.)
            Err(GraphFailure::Api { error, .. }) if error.error_subcode == Some(1363037) => {
                Err(ChunkError::Resync)
            }
            Err(failure) => Err(chunk_error(ctx.fail(failure))),
        }
    }

    async fn rupload_chunk(
        &self,
        ctx: &Ctx<'_>,
        state: &VideoProgress,
        body: Body,
        offset: u64,
        len: u64,
        size: u64,
    ) -> Result<ChunkAck, ChunkError> {
        let Some(url) = state.upload_url.clone() else {
            return Err(ChunkError::Stop(bad("no upload URL to send the video to")));
        };
        let auth = oauth_header(ctx.token).map_err(ChunkError::Stop)?;
        let sent = self
            .http
            .post(url)
            .header(AUTHORIZATION, auth)
            .header("offset", offset.to_string())
            .header("file_size", size.to_string())
            .header(CONTENT_LENGTH, len.to_string())
            .header(CONTENT_TYPE, "application/octet-stream")
            .body(body)
            .send()
            .await;
        let network = |err: &reqwest::Error| {
            ChunkError::Transient(GraphFailure::Network(describe(err)).to_publish_failure(NETWORK))
        };
        let response = sent.map_err(|err| network(&err))?;
        let status = response.status().as_u16();
        let answer = read_small(response).await.map_err(|err| network(&err))?;
        if (200..300).contains(&status) {
            return Ok(ChunkAck {
                next: offset + len,
                end: None,
            });
        }
        Err(rupload_error(status, &answer))
    }

    // ---- reading, verifying, cancelling ------------------------------------------------

    /// A video's status, post and link; `None` when Facebook no longer has it.
    async fn read_video(
        &self,
        video_id: &str,
        token: &Secret,
    ) -> Result<Option<VideoState>, GraphFailure> {
        let request = self
            .graph
            .request(Method::GET, video_id, token)
            .query(&[("fields", "status,post_id,permalink_url,published")]);
        match self.graph.send(request).await {
            Ok(answer) => Ok(Some(VideoState::parse(&answer))),
            Err(GraphFailure::Api { error, .. }) if error.code == 100 => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// Checks that a video or reel handed to Facebook went live.
    async fn verify(
        &self,
        job: &PublishJob,
        token: &Secret,
    ) -> Result<PublishOutcome, PublishFailure> {
        let flow = plan(job).map(|(flow, _)| flow).unwrap_or(Flow::Video);
        let Some(remote_id) = job.remote_id.clone().filter(|id| is_video_id(id)) else {
            return Err(bad("a handed-over video without its Facebook video id"));
        };
        match self.read_video(&remote_id, token).await {
            Ok(Some(video)) => {
                if let Some(reason) = &video.error {
                    return Err(processing_failure(reason));
                }
                if video.published {
                    Ok(PublishOutcome::Published {
                        remote_id: video.post_id.unwrap_or(remote_id),
                        permalink: video.permalink,
                    })
                } else {
                    Ok(PublishOutcome::NotYetLive {
                        check_again_in: Duration::from_secs(60),
                    })
                }
            }
            Ok(None) => Err(never(
                "100",
                "Facebook no longer has the video it was holding for this time (was it deleted on Facebook?). Publish it again from Herald if you still want it.",
            )),
            Err(failure) => Err(video_failure(flow, failure)),
        }
    }

    /// Withdraws a video or reel Facebook holds for later.
    pub(crate) async fn cancel_scheduled(&self, video_id: &str, token: &Secret) -> CancelOutcome {
        match self.read_video(video_id, token).await {
            Ok(Some(video)) if video.published => {
                return CancelOutcome::AlreadyPublished {
                    permalink: video.permalink,
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => return CancelOutcome::Cancelled,
            Err(_) => return CancelOutcome::RetryAfter(Duration::from_secs(60)),
        }
        let request = self.graph.request(Method::DELETE, video_id, token);
        match self.graph.send(request).await {
            Ok(_) => CancelOutcome::Cancelled,
            Err(GraphFailure::Api { error, .. }) if error.code == 100 => CancelOutcome::Cancelled,
            Err(_) => CancelOutcome::RetryAfter(Duration::from_secs(60)),
        }
    }
}

/// The flow of a post and its one media file, or a plain refusal of what Facebook cannot take.
fn plan(job: &PublishJob) -> Result<(Flow, &MediaView), PublishFailure> {
    let media = &job.post.media;
    let videos = media.iter().filter(|m| m.kind == MediaKind::Video).count();
    match job.post.kind {
        PostKind::Story => match media.as_slice() {
            [one] if one.kind == MediaKind::Video => Ok((Flow::VideoStory, one)),
            [one] => Ok((Flow::PhotoStory, one)),
            [] => Err(never(
                "story_needs_media",
                "A Facebook story needs one photo or one video; this one has none. Attach one and publish again.",
            )),
            more => Err(never(
                "story_one_media",
                &format!(
                    "A Facebook story takes one photo or one video; this one has {} files. Make one story per file.",
                    more.len()
                ),
            )),
        },
        PostKind::Reel => match media.as_slice() {
            [one] if one.kind == MediaKind::Video => Ok((Flow::Reel, one)),
            _ => Err(never(
                "reel_needs_one_video",
                "A Facebook reel needs exactly one video (and no photos). Change the attachments and publish again.",
            )),
        },
        _ => match media.as_slice() {
            [one] if one.kind == MediaKind::Video => Ok((Flow::Video, one)),
            _ if videos == 0 => Err(never(
                "video_needs_video",
                "A video post needs one video; this one has none. Attach a video, or make it a photo post.",
            )),
            _ if videos > 1 => Err(never(
                "one_video_per_post",
                &format!(
                    "A Facebook post takes one video; this one has {videos}. Make one post per video."
                ),
            )),
            _ => Err(never(
                "video_with_photos",
                "A Facebook post takes either photos or one video, not both. Remove the photos or the video, or make two posts.",
            )),
        },
    }
}

/// The recorded progress of this target, or a fresh one for `flow`.
fn load_state(job: &PublishJob, flow: Flow) -> Result<VideoProgress, PublishFailure> {
    let state: VideoProgress = job
        .progress
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    match state.flow {
        Some(recorded) if recorded == flow => Ok(state),
        Some(_) if state.publish_requested_at.is_some() => Err(never(
            "post_changed",
            "This post changed after Herald asked Facebook to publish it, so Herald cannot tell whether the earlier attempt went out. Check the Page on Facebook; to publish it again, cancel the post in Herald and schedule it anew.",
        )),
        _ => Ok(VideoProgress::fresh(flow)),
    }
}

/// A file range as a streamed request body: nothing but a small buffer is held in memory.
pub(crate) async fn file_body(path: &str, offset: u64, len: u64) -> std::io::Result<Body> {
    let mut file = tokio::fs::File::open(path).await?;
    file.seek(SeekFrom::Start(offset)).await?;
    let stream = tokio_util::io::ReaderStream::with_capacity(file.take(len), STREAM_BUFFER);
    Ok(Body::wrap_stream(stream))
}

/// `Authorization: OAuth <token>` (what rupload wants), marked sensitive so it is never
/// printed.
fn oauth_header(token: &Secret) -> Result<HeaderValue, PublishFailure> {
    let mut value = HeaderValue::from_str(&format!("OAuth {}", token.expose())).map_err(|_| {
        PublishFailure {
            code: "bad_token".to_owned(),
            message: "The Page token Herald holds cannot be sent to Facebook (it has characters HTTP does not allow). Reconnect the account.".to_owned(),
            retry: Retry::Reconnect,
        }
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Reads a short answer (rupload sends a few hundred bytes at most).
async fn read_small(mut response: reqwest::Response) -> Result<Vec<u8>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_RUPLOAD_ANSWER {
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A refused rupload chunk: `{"debug_info":{"retriable","type","message"}}`.
fn rupload_error(status: u16, body: &[u8]) -> ChunkError {
    let answer: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let kind = answer
        .pointer("/debug_info/type")
        .and_then(Value::as_str)
        .unwrap_or("");
    let retriable = answer
        .pointer("/debug_info/retriable")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let raw = answer
        .pointer("/debug_info/message")
        .and_then(Value::as_str)
        .unwrap_or("");
    // The message is sometimes JSON itself: {"success":false,"error":{"message":"…"}}.
    let detail = serde_json::from_str::<Value>(raw)
        .ok()
        .and_then(|inner| {
            inner
                .pointer("/error/message")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| raw.to_owned());
    let detail = if detail.is_empty() {
        format!("HTTP {status}")
    } else {
        detail
    };
    let code = if kind.is_empty() {
        format!("rupload_{status}")
    } else {
        kind.to_owned()
    };
    match (status, kind) {
        (_, "OffsetInvalidError" | "PartialRequestError") => ChunkError::Resync,
        (401 | 403, _) => ChunkError::Stop(PublishFailure {
            code,
            message: format!("Facebook refused Herald's access while uploading the video ({detail}). Reconnect the account in Herald."),
            retry: Retry::Reconnect,
        }),
        _ if retriable || status >= 500 || status == 429 => ChunkError::Transient(PublishFailure {
            code,
            message: format!("Facebook had a temporary problem receiving the video ({detail}). Herald will resume the upload."),
            retry: Retry::After(Duration::from_secs(30)),
        }),
        _ => ChunkError::Stop(PublishFailure {
            code,
            message: format!("Facebook refused the video upload ({detail}). Herald will try again."),
            retry: Retry::After(Duration::from_secs(60)),
        }),
    }
}

/// A failed chunk call: retried within the attempt if it may pass on a second try.
fn chunk_error(failure: PublishFailure) -> ChunkError {
    match failure.retry {
        Retry::After(_) => ChunkError::Transient(failure),
        _ => ChunkError::Stop(failure),
    }
}

/// Video errors in plain sentences (meta-api.md §2.4, §2.6); the rest as every Graph error.
fn video_failure(flow: Flow, failure: GraphFailure) -> PublishFailure {
    if let GraphFailure::Api { error, .. } = &failure {
        let detail = error
            .error_user_msg
            .clone()
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| error.message.clone());
        let mapped = match (error.code, error.error_subcode) {
            (_, Some(1363022)) | (382, _) => Some((
                "The video is too small for Facebook (under 1 KB, or not really a video). Replace it and publish again.".to_owned(),
                Retry::Never,
            )),
            (_, Some(1363023)) => Some((
                "The video is larger than Facebook accepts. Export a shorter or lower-resolution version and publish again.".to_owned(),
                Retry::Never,
            )),
            (_, Some(1363030)) => Some((
                "Facebook timed out while receiving the video. Herald will resume the upload.".to_owned(),
                Retry::After(Duration::from_secs(60)),
            )),
            (_, Some(1363037)) => Some((
                "Facebook and Herald disagreed on how much of the video was uploaded. Herald will resume from where Facebook says it stands.".to_owned(),
                Retry::After(Duration::from_secs(30)),
            )),
            (389, _) => Some((
                format!("Facebook could not fetch the video ({detail}). Herald will try again."),
                Retry::After(Duration::from_secs(60)),
            )),
            (6000 | 6001, _) => Some((
                format!("Facebook had a problem receiving the video ({detail}). Herald will try the upload again."),
                Retry::After(Duration::from_secs(60)),
            )),
            (9, _) if flow == Flow::Reel => Some((
                "Facebook lets apps like Herald publish 30 reels per Page in 24 hours, and this Page has reached that. Try again tomorrow: retry the post in Herald then, or publish the reel from Facebook.".to_owned(),
                Retry::Never,
            )),
            _ => None,
        };
        if let Some((message, retry)) = mapped {
            return PublishFailure {
                code: error.code_text(),
                message,
                retry,
            };
        }
    }
    failure.to_publish_failure(NETWORK)
}

/// A video Facebook could not process: final, with Facebook's reason.
fn processing_failure(reason: &str) -> PublishFailure {
    PublishFailure {
        code: "video_processing".to_owned(),
        message: format!(
            "Facebook could not process the video: {reason}. Export it as an MP4 (H.264 video, AAC audio) and publish again."
        ),
        retry: Retry::Never,
    }
}

fn disk_failure(path: &str, err: &std::io::Error) -> PublishFailure {
    if err.kind() == std::io::ErrorKind::NotFound {
        never(
            "media_missing",
            &format!("{path} is no longer there. Put it back or attach the file again, then retry the post."),
        )
    } else {
        PublishFailure {
            code: "media_unreadable".to_owned(),
            message: format!("Herald could not read {path} ({err}); it will try again."),
            retry: Retry::After(Duration::from_secs(60)),
        }
    }
}

/// An id field that is safe to put in a URL path (Graph ids are digits and underscores).
fn graph_id(value: &Value, name: &str) -> Result<String, GraphFailure> {
    let id = str_field(value, name)?;
    if id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        Ok(id)
    } else {
        Err(GraphFailure::Malformed(format!(
            "'{name}' is not a Graph id"
        )))
    }
}

/// An id given as a string or a number.
fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A count given as a number or a string (`"4194304"`).
fn as_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Facebook sometimes gives links relative to facebook.com.
fn absolute_link(url: &str) -> String {
    if url.starts_with('/') {
        format!("https://www.facebook.com{url}")
    } else {
        url.to_owned()
    }
}

fn now() -> i64 {
    Timestamp::now().as_second()
}

/// From now until `at` (Unix seconds), at least a second.
fn until(at: i64) -> Duration {
    Duration::from_secs(u64::try_from(at - now()).unwrap_or(0).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::GraphError;
    use herald_core::domain::{Platform, PostView};

    fn job(kind: PostKind, media: &[MediaKind]) -> PublishJob {
        PublishJob {
            target_id: 1,
            mode: PublishMode::Now,
            post: PostView {
                id: 1,
                caption: "c".into(),
                due_at: None,
                timezone: "UTC".into(),
                kind,
                draft: false,
                media: media
                    .iter()
                    .enumerate()
                    .map(|(i, kind)| MediaView {
                        id: i as i64,
                        path: format!("/m/{i}"),
                        kind: *kind,
                        mime: "video/mp4".into(),
                        size_bytes: 2048,
                        alt_text: None,
                    })
                    .collect(),
                targets: Vec::new(),
                options: Default::default(),
            },
            due_at: Timestamp::UNIX_EPOCH,
            account_id: 1,
            platform: Platform::Facebook,
            platform_account_id: "200000000000001".into(),
            simulated: false,
            progress: None,
            remote_id: None,
        }
    }

    fn api(code: i64, subcode: Option<i64>) -> GraphFailure {
        GraphFailure::Api {
            status: 400,
            error: GraphError {
                message: "msg".into(),
                code,
                error_subcode: subcode,
                ..Default::default()
            },
            retry_after: None,
        }
    }

    #[test]
    fn each_post_takes_its_flow_and_odd_attachments_are_refused_plainly() {
        use MediaKind::{Image, Video};
        let flow = |kind, media: &[MediaKind]| plan(&job(kind, media)).map(|(f, _)| f);
        assert_eq!(flow(PostKind::Video, &[Video]), Ok(Flow::Video));
        assert_eq!(flow(PostKind::Post, &[Video]), Ok(Flow::Video));
        assert_eq!(flow(PostKind::Reel, &[Video]), Ok(Flow::Reel));
        assert_eq!(flow(PostKind::Story, &[Video]), Ok(Flow::VideoStory));
        assert_eq!(flow(PostKind::Story, &[Image]), Ok(Flow::PhotoStory));
        for (kind, media) in [
            (PostKind::Reel, vec![Image]),
            (PostKind::Story, vec![Image, Image]),
            (PostKind::Post, vec![Video, Image]),
            (PostKind::Post, vec![Video, Video]),
            (PostKind::Video, vec![]),
        ] {
            let failure = flow(kind, &media).unwrap_err();
            assert_eq!(failure.retry, Retry::Never, "{kind:?} {media:?}");
            assert!(failure.message.ends_with('.'), "{}", failure.message);
        }
        assert!(handles(&job(PostKind::Post, &[Video])));
        assert!(handles(&job(PostKind::Story, &[Image])));
        assert!(!handles(&job(PostKind::Post, &[Image])));
        assert!(!can_hand_off(&job(PostKind::Story, &[Video])));
        assert!(can_hand_off(&job(PostKind::Reel, &[Video])));
    }

    #[test]
    fn video_errors_read_as_sentences() {
        let too_small = video_failure(Flow::Video, api(382, Some(1363022)));
        assert_eq!(too_small.code, "382/1363022");
        assert_eq!(too_small.retry, Retry::Never);
        assert!(too_small.message.contains("too small"));
        assert_eq!(
            video_failure(Flow::Video, api(6000, Some(1363023))).retry,
            Retry::Never
        );
        assert!(matches!(
            video_failure(Flow::Video, api(6001, None)).retry,
            Retry::After(_)
        ));
        assert!(matches!(
            video_failure(Flow::Reel, api(6000, Some(1363030))).retry,
            Retry::After(_)
        ));
        let quota = video_failure(Flow::Reel, api(9, None));
        assert_eq!(quota.retry, Retry::Never);
        assert!(quota.message.contains("30 reels") && quota.message.contains("tomorrow"));
        // Everything else is classified as any Graph error.
        assert_eq!(
            video_failure(Flow::Reel, api(190, Some(463))).retry,
            Retry::Reconnect
        );
        assert!(processing_failure("Resolution too low")
            .message
            .contains("Resolution too low"));
    }

    #[test]
    fn rupload_answers_are_classified() {
        let body = |kind: &str, retriable: bool| {
            json!({"debug_info": {"retriable": retriable, "type": kind,
                "message": "{\"success\":false,\"error\":{\"message\":\"unauthorized user request\"}}"}})
            .to_string()
            .into_bytes()
        };
        assert!(matches!(
            rupload_error(400, &body("OffsetInvalidError", false)),
            ChunkError::Resync
        ));
        match rupload_error(401, &body("ProcessingFailedError", false)) {
            ChunkError::Stop(f) => {
                assert_eq!(f.retry, Retry::Reconnect);
                assert!(
                    f.message.contains("unauthorized user request"),
                    "{}",
                    f.message
                );
            }
            _ => panic!("a refused token stops the upload"),
        }
        assert!(matches!(
            rupload_error(500, b"not json"),
            ChunkError::Transient(_)
        ));
        assert!(matches!(
            rupload_error(400, &body("ProcessingFailedError", true)),
            ChunkError::Transient(_)
        ));
    }

    #[test]
    fn video_status_is_read_in_every_shape() {
        let video = VideoState::parse(&json!({
            "status": {"video_status": "uploading",
                "uploading_phase": {"status": "in_progress", "bytes_transfered": 4096},
                "publishing_phase": {"status": "not_started"}}
        }));
        assert_eq!(video.bytes, Some(4096));
        assert!(!video.publish_seen());
        let ready = VideoState::parse(&json!({
            "status": {"video_status": "ready",
                "publishing_phase": {"status": "complete", "publish_status": "published"}},
            "post_id": "1_2", "permalink_url": "/reel/2"
        }));
        assert!(ready.published && ready.publish_seen());
        assert_eq!(
            ready.permalink.as_deref(),
            Some("https://www.facebook.com/reel/2")
        );
        let failed = VideoState::parse(&json!({
            "status": {"video_status": "error",
                "processing_phase": {"status": "error", "error": {"message": "Resolution too low"}}}
        }));
        assert_eq!(failed.error.as_deref(), Some("Resolution too low"));
        assert!(is_video_id("1000000000000013"));
        assert!(!is_video_id("200000000000001_1000000000000013"));
        assert_eq!(as_u64(&json!("4194304")), Some(4_194_304));
    }

    #[test]
    fn the_token_goes_to_rupload_only() {
        let endpoints = Endpoints::from_lookup(|_| None);
        let client = FacebookVideo::new(reqwest::Client::new(), &endpoints);
        assert_eq!(
            client.upload_url(
                Some("https://rupload.facebook.com/video-upload/v25.0/123"),
                "123"
            ),
            "https://rupload.facebook.com/video-upload/v25.0/123"
        );
        for elsewhere in [
            "https://attacker.example/video-upload/v25.0/123",
            "https://rupload.facebook.com.attacker.example/x",
            "https://rupload.facebook.com/video-upload/v25.0/123?x=1",
        ] {
            assert_eq!(
                client.upload_url(Some(elsewhere), "123"),
                format!("https://rupload.facebook.com/video-upload/{GRAPH_VERSION}/123")
            );
        }
        let header = oauth_header(&Secret::new("EAAB-secret")).unwrap();
        assert!(header.is_sensitive());
        assert!(!format!("{header:?}").contains("EAAB-secret"));
    }
}
