//! Publishing one target to Instagram: containers created (children first for a carousel),
//! polled until `FINISHED`, then `media_publish`, the permalink read back and the optional first
//! comment posted (`../shared/platforms/meta-api.md` §1.6–§1.9, §3.3).
//!
//! Every step is recorded before and after its call. `media_publish` is the only call that can
//! make something live: before it is repeated, the container's status is read (`PUBLISHED` means
//! it went live) and the account's recent media are searched for its id, so a crash or a lost
//! answer never publishes twice.

use std::time::Duration;

use herald_core::domain::{MediaKind, MediaView};
use herald_core::failpoint::pause_point;
use herald_core::publish::{Progress, PublishFailure, PublishJob, PublishOutcome, Retry};
use herald_core::rules::instagram::{self as rules, Shape};
use herald_core::rules::PostContent;
use herald_core::vault::Secret;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::errors::{self, Containers, InstagramFailure, NETWORK};
use super::{ContainerStatus, Instagram, NewContainer};
use crate::graph::GraphFailure;
use crate::relay::Relay;
use crate::staging::{self, Staged};

/// How far back (clock skew) a media found on the account may predate a recorded request.
const SKEW: i64 = 300;
/// How often `media_publish` is repeated while Instagram says the media is not ready (9007).
const NOT_READY_RETRIES: u32 = 5;

/// What an Instagram attempt records between calls.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct InstagramProgress {
    /// Finished carousel children, in media order.
    #[serde(default)]
    children: Vec<String>,
    /// The container to publish (the single container or the carousel's parent).
    #[serde(default)]
    container: Option<String>,
    /// Relay objects not deleted yet.
    #[serde(default)]
    relay_keys: Vec<String>,
    /// Instagram refused a resumable upload for this account: use the relay.
    #[serde(default)]
    resumable_refused: bool,
    /// When `media_publish` was requested (Unix seconds): set *before* the call.
    #[serde(default)]
    publish_requested_at: Option<i64>,
    /// The live media's id, once known.
    #[serde(default)]
    media_id: Option<String>,
    #[serde(default)]
    permalink: Option<String>,
    /// When the first comment was requested: set *before* the call.
    #[serde(default)]
    comment_requested_at: Option<i64>,
    #[serde(default)]
    comment_settled: bool,
}

/// One attempt's context.
struct Attempt<'a> {
    client: &'a Instagram,
    job: &'a PublishJob,
    token: &'a Secret,
    relay: Option<&'a Relay>,
    progress: &'a Progress,
    state: InstagramProgress,
}

impl Instagram {
    /// Publishes one target (Instagram has no native scheduling: the mode is always "now").
    pub async fn publish(
        &self,
        job: &PublishJob,
        token: &Secret,
        relay: Option<&Relay>,
        progress: &Progress,
    ) -> PublishOutcome {
        let state: InstagramProgress = job
            .progress
            .clone()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        let mut attempt = Attempt {
            client: self,
            job,
            token,
            relay,
            progress,
            state,
        };
        let outcome = match attempt.run().await {
            Ok(outcome) => outcome,
            Err(failed) => attempt.give_up(failed).await,
        };
        if matches!(outcome, PublishOutcome::Published { .. }) {
            staging::remove_copies(&self.work_dir, job.target_id).await;
        }
        outcome
    }
}

impl Attempt<'_> {
    fn user(&self) -> &str {
        &self.job.platform_account_id
    }

    async fn run(&mut self) -> Result<PublishOutcome, InstagramFailure> {
        if self.state.media_id.is_none() {
            self.forget_orphans().await?;
            if self.state.publish_requested_at.is_some() {
                self.reconcile().await?;
            }
        }
        if self.state.media_id.is_none() {
            let shape = rules::shape(&PostContent::from(&self.job.post))
                .map_err(|v| final_failure("not_for_instagram", v.message))?;
            self.check_quota().await?;
            if self.state.container.is_none() {
                self.create_containers(shape).await?;
            }
            let container = self
                .state
                .container
                .clone()
                .ok_or_else(|| bad("no container after creating it"))?;
            self.wait_until_finished(&container, is_video(shape))
                .await?;
            self.release_objects().await;
            self.publish_container(&container).await?;
        }
        let media_id = self
            .state
            .media_id
            .clone()
            .ok_or_else(|| bad("no media id after publishing"))?;
        if self.state.permalink.is_none() {
            // The post is live whatever happens here; a permalink that cannot be read is left out.
            match self.client.permalink(&media_id, self.token).await {
                Ok(permalink) => {
                    self.state.permalink = permalink;
                    self.save().await?;
                }
                Err(err) => tracing::warn!(
                    target = self.job.target_id,
                    "permalink not readable: {err:?}"
                ),
            }
        }
        self.first_comment(&media_id).await?;
        self.release_objects().await;
        Ok(PublishOutcome::Published {
            remote_id: media_id,
            permalink: self.state.permalink.clone(),
        })
    }

    /// Relay objects recorded without a container (a crash between upload and container) are
    /// deleted at once.
    async fn forget_orphans(&mut self) -> Result<(), InstagramFailure> {
        if self.state.container.is_none()
            && self.state.children.is_empty()
            && !self.state.relay_keys.is_empty()
        {
            self.release_objects().await;
            self.save().await?;
        }
        Ok(())
    }

    /// A previous attempt asked Instagram to publish and did not hear back: find out whether it
    /// went live before anything is repeated.
    async fn reconcile(&mut self) -> Result<(), InstagramFailure> {
        let Some(container) = self.state.container.clone() else {
            self.state.publish_requested_at = None;
            return self.save().await;
        };
        pause_point("instagram.publish.reconcile");
        let status = match self.client.container_status(&container, self.token).await {
            Ok(status) => status,
            Err(GraphFailure::Api { error, .. }) if error.code == 24 || error.code == 100 => {
                // The container is gone; whether it went live is told by the account's media.
                match self.find_published().await? {
                    Some(media_id) => {
                        self.state.media_id = Some(media_id);
                        return self.save().await;
                    }
                    None => return Err(self.start_over_failure().await),
                }
            }
            Err(other) => return Err(errors::classify(&other)),
        };
        match status.code.as_str() {
            "PUBLISHED" => {
                let media_id = match self.find_published().await? {
                    Some(id) => id,
                    None => {
                        tracing::warn!(
                            target = self.job.target_id,
                            "the container is live but its media id was not found; keeping the container id"
                        );
                        container.clone()
                    }
                };
                tracing::info!(
                    target = self.job.target_id,
                    "the lost media_publish answer was a success; not publishing again"
                );
                self.state.media_id = Some(media_id);
                self.save().await
            }
            // Not published: publishing it (once) is safe.
            "FINISHED" | "IN_PROGRESS" => {
                self.state.publish_requested_at = None;
                self.save().await
            }
            _ => Err(self.start_over_failure().await),
        }
    }

    /// The media a lost `media_publish` created: the newest media with this caption created
    /// since the request.
    async fn find_published(&self) -> Result<Option<String>, InstagramFailure> {
        let since = self.state.publish_requested_at.unwrap_or(0) - SKEW;
        let caption = self.caption(self.shape_or_image());
        let media = self
            .client
            .recent_media(self.user(), self.token)
            .await
            .map_err(|e| errors::classify(&e))?;
        Ok(media
            .iter()
            .find(|m| {
                let same_caption =
                    m.get("caption").and_then(Value::as_str).unwrap_or("") == caption;
                let recent = m
                    .get("timestamp")
                    .and_then(Value::as_str)
                    .and_then(parse_time)
                    .is_none_or(|at| at >= since);
                same_caption && recent
            })
            .and_then(|m| m.get("id").and_then(Value::as_str).map(str::to_owned)))
    }

    /// Reads the quota before publishing: a full quota waits for a free slot instead of
    /// failing at Instagram.
    async fn check_quota(&mut self) -> Result<(), InstagramFailure> {
        let quota = match self.client.quota(self.user(), self.token).await {
            Ok(quota) => quota,
            Err(err @ GraphFailure::Api { .. }) => {
                let classified = errors::classify(&err);
                if matches!(
                    classified.failure.retry,
                    Retry::Reconnect | Retry::RateLimited(_)
                ) {
                    return Err(classified);
                }
                // The quota could not be read: Instagram itself refuses a post over it (2207042).
                tracing::warn!(target = self.job.target_id, "quota not readable: {err:?}");
                return Ok(());
            }
            Err(err) => return Err(errors::classify(&err)),
        };
        let now = Timestamp::now();
        if let Err(err) = self
            .progress
            .record_quota(quota.used, quota.total, quota.window_seconds, now)
            .await
        {
            tracing::warn!("could not record the quota: {err}");
        }
        if quota.used < quota.total {
            return Ok(());
        }
        let next = self.progress.next_quota_slot(now).await.ok().flatten();
        let wait = next
            .map(|at| {
                Duration::from_secs(
                    u64::try_from(at.duration_since(now).as_secs().max(60)).unwrap_or(3600),
                )
            })
            .unwrap_or(Duration::from_secs(60 * 60));
        let when = next
            .map(|at| {
                let local = at.to_zoned_datetime(jiff::tz::TimeZone::system());
                format!("the next slot opens at {}", local.strftime("%H:%M"))
            })
            .unwrap_or_else(|| "Herald will try again in an hour".to_owned());
        Err(keep(PublishFailure {
            code: "quota_reached".to_owned(),
            message: format!(
                "Instagram's daily limit of {} posts is reached for this account; {when}.",
                quota.total
            ),
            retry: Retry::RateLimited(wait),
        }))
    }

    /// Creates the containers of the post: the carousel's children first, then the container
    /// to publish.
    async fn create_containers(&mut self, shape: Shape) -> Result<(), InstagramFailure> {
        let media = self.job.post.media.clone();
        let options = self.job.post.options.instagram.clone();
        let caption = self.caption(shape);
        let container = match shape {
            Shape::Carousel => {
                while self.state.children.len() < media.len() {
                    let index = self.state.children.len();
                    let item = &media[index];
                    let mut params = self
                        .media_params(item, index, shape, MediaRole::CarouselItem)
                        .await?;
                    params["is_carousel_item"] = json!(true);
                    let child = self.create_with_media(params, item).await?;
                    self.wait_until_finished(&child, item.kind == MediaKind::Video)
                        .await?;
                    self.state.children.push(child);
                    self.release_objects().await;
                    self.save().await?;
                }
                let params = json!({
                    "media_type": "CAROUSEL",
                    "children": self.state.children.join(","),
                    "caption": caption,
                });
                self.create(params).await?.id
            }
            Shape::Image => {
                let item = first(&media)?;
                let mut params = self.media_params(item, 0, shape, MediaRole::Feed).await?;
                params["caption"] = json!(caption);
                self.create_with_media(params, item).await?
            }
            Shape::Reel => {
                let item = first(&media)?;
                let mut params = json!({
                    "media_type": "REELS",
                    "caption": caption,
                    "share_to_feed": options.share_to_feed.unwrap_or(true),
                });
                if let Some(cover) = &options.cover {
                    let dir = staging::copies_dir(&self.client.work_dir, self.job.target_id);
                    let staged = staging::prepare_photo(
                        std::path::Path::new(cover),
                        "cover.jpg",
                        herald_core::media::image::INSTAGRAM_COVER,
                        Some(herald_core::media::image::AspectFix::Crop),
                        &dir,
                    )
                    .await
                    .map_err(keep)?;
                    params["cover_url"] = json!(self.relay_staged(&staged).await?);
                } else if let Some(offset) = options.thumb_offset_ms {
                    params["thumb_offset"] = json!(offset);
                }
                self.create_video(params, item).await?
            }
            Shape::StoryImage => {
                let item = first(&media)?;
                let mut params = self.media_params(item, 0, shape, MediaRole::Story).await?;
                params["media_type"] = json!("STORIES");
                self.create_with_media(params, item).await?
            }
            Shape::StoryVideo => {
                let item = first(&media)?;
                self.create_video(json!({ "media_type": "STORIES" }), item)
                    .await?
            }
        };
        self.state.container = Some(container);
        self.save().await
    }

    /// The parameters naming a photo's URL (prepared and relayed) or a carousel video's.
    async fn media_params(
        &mut self,
        item: &MediaView,
        index: usize,
        shape: Shape,
        role: MediaRole,
    ) -> Result<Value, InstagramFailure> {
        match item.kind {
            MediaKind::Image => {
                let dir = staging::copies_dir(&self.client.work_dir, self.job.target_id);
                let fix = self.job.post.options.instagram.aspect_fix;
                let staged = staging::prepare(item, index, rules::image_limits(shape), fix, &dir)
                    .await
                    .map_err(keep)?;
                let url = self.relay_staged(&staged).await?;
                let mut params = json!({ "image_url": url });
                if role != MediaRole::Story {
                    if let Some(alt) = item.alt_text.as_deref().filter(|a| !a.is_empty()) {
                        params["alt_text"] = json!(alt);
                    }
                }
                Ok(params)
            }
            MediaKind::Video => Ok(json!({ "media_type": "VIDEO" })),
        }
    }

    /// Creates a container whose media is a photo (URL in `params`) or a carousel video.
    async fn create_with_media(
        &mut self,
        params: Value,
        item: &MediaView,
    ) -> Result<String, InstagramFailure> {
        match item.kind {
            MediaKind::Image => Ok(self.create(params).await?.id),
            MediaKind::Video => self.create_video(params, item).await,
        }
    }

    /// Creates a video container: by resumable upload where the account allows it (no relay
    /// needed), else through the relay.
    async fn create_video(
        &mut self,
        mut params: Value,
        item: &MediaView,
    ) -> Result<String, InstagramFailure> {
        let staged = staging::original(item);
        if !self.state.resumable_refused {
            let mut resumable = params.clone();
            resumable["upload_type"] = json!("resumable");
            match self.create(resumable).await {
                Ok(container) => {
                    self.upload_resumable(&container, &staged).await?;
                    return Ok(container.id);
                }
                Err(refused) if is_capability_refusal(&refused) => {
                    tracing::info!(
                        target = self.job.target_id,
                        "resumable upload not allowed for this account; using the relay"
                    );
                    self.state.resumable_refused = true;
                    self.save().await?;
                }
                Err(other) => return Err(other),
            }
        }
        params["video_url"] = json!(self.relay_staged(&staged).await?);
        Ok(self.create(params).await?.id)
    }

    async fn upload_resumable(
        &self,
        container: &NewContainer,
        staged: &Staged,
    ) -> Result<(), InstagramFailure> {
        self.client
            .upload_resumable(container, self.token, &staged.path, staged.size)
            .await
            .map_err(|err| {
                // The container never got its bytes: the next attempt makes a new one.
                let mut failed = errors::classify(&err);
                failed.containers = Containers::Recreate;
                failed
            })
    }

    /// Uploads a staged file to the relay, recording the object before Instagram is told.
    async fn relay_staged(&mut self, staged: &Staged) -> Result<String, InstagramFailure> {
        let object = staging::relay(self.relay, staged, Timestamp::now())
            .await
            .map_err(keep)?;
        self.state.relay_keys.push(object.key.clone());
        self.save().await?;
        Ok(object.url)
    }

    async fn create(&self, params: Value) -> Result<NewContainer, InstagramFailure> {
        self.client
            .create_container(self.user(), self.token, &params)
            .await
            .map_err(|e| errors::classify(&e))
    }

    /// Polls a container until it is `FINISHED`, with growing pauses (images are usually ready
    /// at once; videos take minutes).
    async fn wait_until_finished(
        &mut self,
        container: &str,
        video: bool,
    ) -> Result<(), InstagramFailure> {
        let patience = if video {
            Duration::from_secs(15 * 60)
        } else {
            Duration::from_secs(3 * 60)
        };
        let started = std::time::Instant::now();
        let mut pause = Duration::from_millis(250);
        loop {
            let status: ContainerStatus = self
                .client
                .container_status(container, self.token)
                .await
                .map_err(|e| errors::classify(&e))?;
            match status.code.as_str() {
                "FINISHED" | "PUBLISHED" => return Ok(()),
                "ERROR" => return Err(errors::container_error(&status.detail)),
                "EXPIRED" => {
                    return Err(errors::container_error("Error: the container expired (2207020)"))
                }
                _ if started.elapsed() >= patience => {
                    return Err(keep(PublishFailure {
                        code: "still_processing".to_owned(),
                        message: "Instagram is still processing the media. Herald will check again in a minute.".to_owned(),
                        retry: Retry::After(Duration::from_secs(60)),
                    }))
                }
                _ => {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(10));
                }
            }
        }
    }

    /// `media_publish`, recorded before and after; "not ready yet" (9007) is waited out.
    async fn publish_container(&mut self, container: &str) -> Result<(), InstagramFailure> {
        let mut tries = 0;
        loop {
            self.state.publish_requested_at = Some(Timestamp::now().as_second());
            self.save().await?;
            pause_point("instagram.publish.before_call");
            match self
                .client
                .media_publish(self.user(), self.token, container)
                .await
            {
                Ok(media_id) => {
                    pause_point("instagram.publish.after_call");
                    self.state.media_id = Some(media_id);
                    return self.save().await;
                }
                Err(GraphFailure::Api { error, .. })
                    if error.error_subcode == Some(2207027) && tries < NOT_READY_RETRIES =>
                {
                    // Nothing was published; wait and ask again.
                    tries += 1;
                    self.state.publish_requested_at = None;
                    self.save().await?;
                    tokio::time::sleep(Duration::from_secs(2u64.pow(tries))).await;
                }
                Err(err @ GraphFailure::Api { .. }) => {
                    // Instagram answered: nothing went live.
                    self.state.publish_requested_at = None;
                    self.save().await?;
                    return Err(errors::classify(&err));
                }
                // No answer: whether it went live is settled by the next attempt's reconcile.
                Err(err) => return Err(errors::classify(&err)),
            }
        }
    }

    /// Posts the first comment once; its failure is reported apart and never fails the post.
    async fn first_comment(&mut self, media_id: &str) -> Result<(), InstagramFailure> {
        let Some(text) = self
            .job
            .post
            .options
            .instagram
            .first_comment
            .clone()
            .filter(|t| !t.trim().is_empty())
        else {
            return Ok(());
        };
        if self.state.comment_settled {
            return Ok(());
        }
        if self.state.comment_requested_at.is_some() {
            // A previous attempt asked and did not hear back: look before commenting again.
            if let Ok(comments) = self.client.comments(media_id, self.token).await {
                if let Some((id, _)) = comments.into_iter().find(|(_, t)| *t == text) {
                    return self.settle_comment(Some(&id), None).await;
                }
            }
        }
        self.state.comment_requested_at = Some(Timestamp::now().as_second());
        self.save().await?;
        match self.client.comment(media_id, self.token, &text).await {
            Ok(id) => self.settle_comment(Some(&id), None).await,
            Err(err) => {
                let reason = errors::classify(&err).failure.message;
                let message = format!(
                    "The post is live, but the first comment could not be posted: {reason}"
                );
                self.settle_comment(None, Some(&message)).await
            }
        }
    }

    async fn settle_comment(
        &mut self,
        id: Option<&str>,
        error: Option<&str>,
    ) -> Result<(), InstagramFailure> {
        self.progress
            .record_first_comment(id, error)
            .await
            .map_err(storage_failure)?;
        self.state.comment_settled = true;
        self.save().await
    }

    /// Deletes the relay objects Instagram no longer needs.
    async fn release_objects(&mut self) {
        if self.state.relay_keys.is_empty() {
            return;
        }
        let keys = std::mem::take(&mut self.state.relay_keys);
        self.state.relay_keys = staging::delete_objects(self.relay, &keys).await;
    }

    /// Ends a failed attempt: spent containers are forgotten (and their objects deleted) so the
    /// next attempt starts fresh.
    async fn give_up(&mut self, failed: InstagramFailure) -> PublishOutcome {
        if failed.containers == Containers::Recreate && self.state.media_id.is_none() {
            self.state.children.clear();
            self.state.container = None;
            self.state.publish_requested_at = None;
        }
        if failed.failure.retry == Retry::Never || failed.containers == Containers::Recreate {
            self.release_objects().await;
        }
        if let Err(err) = self.save().await {
            return PublishOutcome::Failed(err.failure);
        }
        if failed.failure.retry == Retry::Never {
            staging::remove_copies(&self.client.work_dir, self.job.target_id).await;
        }
        PublishOutcome::Failed(failed.failure)
    }

    async fn start_over_failure(&mut self) -> InstagramFailure {
        InstagramFailure {
            failure: PublishFailure {
                code: "container_spent".to_owned(),
                message: "Instagram no longer holds the prepared upload and the post did not go live. Herald will upload it again.".to_owned(),
                retry: Retry::After(Duration::from_secs(30)),
            },
            containers: Containers::Recreate,
        }
    }

    /// The caption Instagram takes for this shape (stories have none).
    fn caption(&self, shape: Shape) -> String {
        match shape {
            Shape::StoryImage | Shape::StoryVideo => String::new(),
            _ => self.job.post.caption.clone(),
        }
    }

    fn shape_or_image(&self) -> Shape {
        rules::shape(&PostContent::from(&self.job.post)).unwrap_or(Shape::Image)
    }

    async fn save(&self) -> Result<(), InstagramFailure> {
        let value = serde_json::to_value(&self.state).unwrap_or(Value::Null);
        self.progress
            .save(&value, self.state.media_id.as_deref())
            .await
            .map_err(storage_failure)
    }
}

/// What a photo is used as (stories take no alt text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaRole {
    Feed,
    CarouselItem,
    Story,
}

fn is_video(shape: Shape) -> bool {
    matches!(shape, Shape::Reel | Shape::StoryVideo | Shape::Carousel)
}

/// Instagram refusing a resumable upload for this kind of account (code 3: "Application does
/// not have the capability"), or an unsupported parameter.
fn is_capability_refusal(failed: &InstagramFailure) -> bool {
    failed.failure.code == "3" || failed.failure.code.starts_with("3/")
}

fn first(media: &[MediaView]) -> Result<&MediaView, InstagramFailure> {
    media.first().ok_or_else(|| {
        final_failure(
            "media_missing",
            "Instagram posts need a photo or a video.".to_owned(),
        )
    })
}

fn keep(failure: PublishFailure) -> InstagramFailure {
    InstagramFailure {
        failure,
        containers: Containers::Keep,
    }
}

fn final_failure(code: &str, message: String) -> InstagramFailure {
    keep(PublishFailure {
        code: code.to_owned(),
        message,
        retry: Retry::Never,
    })
}

fn bad(reason: &str) -> InstagramFailure {
    keep(GraphFailure::Malformed(reason.to_owned()).to_publish_failure(NETWORK))
}

fn storage_failure(err: herald_core::CoreError) -> InstagramFailure {
    keep(PublishFailure {
        code: "storage".to_owned(),
        message: format!("Herald could not record its progress ({err}); it will try again."),
        retry: Retry::After(Duration::from_secs(30)),
    })
}

/// Parses Instagram's times: RFC 3339 or `2026-11-24T12:00:00+0000`.
fn parse_time(text: &str) -> Option<i64> {
    if let Ok(at) = text.parse::<Timestamp>() {
        return Some(at.as_second());
    }
    jiff::fmt::strtime::parse("%Y-%m-%dT%H:%M:%S%z", text)
        .ok()?
        .to_timestamp()
        .ok()
        .map(|at| at.as_second())
}
