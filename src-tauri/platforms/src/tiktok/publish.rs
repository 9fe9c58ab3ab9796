//! Publishing one target to TikTok (`../shared/platforms/tiktok-api.md` §3): the creator's
//! options queried again, then a video sent by `FILE_UPLOAD` in TikTok's exact chunks (streamed
//! from disk, memory bounded by one read buffer), to Direct Post or to the creator's inbox, or
//! photos fetched by TikTok from the media relay; then the status polled to the end.
//!
//! The upload offset TikTok confirmed is recorded after every chunk, so an attempt that was cut
//! off resumes at the first chunk TikTok has not got. Once the last chunk was sent, only the
//! status is asked: TikTok starts posting when the last byte arrives.

use std::time::Duration;

use herald_core::creator::TikTokCreator;
use herald_core::domain::MediaKind;
use herald_core::failpoint::pause_point;
use herald_core::media::image::TIKTOK_PHOTO;
use herald_core::publish::{Progress, PublishFailure, PublishJob, PublishOutcome, Retry};
use herald_core::rules::tiktok::{self as rules, Shape};
use herald_core::rules::PostContent;
use herald_core::vault::Secret;
use jiff::Timestamp;
use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::api::{text, TikTokFailure};
use super::chunks::ChunkPlan;
use super::errors::{by_code, classify};
use super::pacing::Call;
use super::TikTok;
use crate::relay::Relay;
use crate::staging;

/// An upload URL is valid for an hour; after this long Herald starts over with a new one.
const UPLOAD_URL_LIFETIME_SECONDS: i64 = 55 * 60;
/// How often one chunk is tried again within an attempt after a dropped connection or a 5xx.
const CHUNK_TRIES: u32 = 3;
/// How long the status is polled within one attempt.
const STATUS_PATIENCE: Duration = Duration::from_secs(10 * 60);

/// What a TikTok attempt records between calls.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct TikTokProgress {
    #[serde(default)]
    publish_id: Option<String>,
    #[serde(default)]
    upload_url: Option<String>,
    /// When the upload was initialised (Unix seconds).
    #[serde(default)]
    init_at: Option<i64>,
    /// A photo post was requested (Unix seconds): set *before* the call, because TikTok may
    /// post it even if the answer is lost.
    #[serde(default)]
    photo_init_requested_at: Option<i64>,
    /// Bytes TikTok confirmed.
    #[serde(default)]
    offset: u64,
    /// The last chunk was sent: from here on only the status is asked.
    #[serde(default)]
    upload_done: bool,
    #[serde(default)]
    relay_keys: Vec<String>,
}

struct Attempt<'a> {
    client: &'a TikTok,
    job: &'a PublishJob,
    token: &'a Secret,
    relay: Option<&'a Relay>,
    progress: &'a Progress,
    state: TikTokProgress,
}

impl TikTok {
    /// Publishes one target (TikTok has no native scheduling: always "now").
    pub async fn publish(
        &self,
        job: &PublishJob,
        token: &Secret,
        relay: Option<&Relay>,
        progress: &Progress,
    ) -> PublishOutcome {
        let state = job
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
            Err(failure) => PublishOutcome::Failed(failure),
        };
        if !matches!(&outcome, PublishOutcome::Failed(f) if f.retry != Retry::Never) {
            attempt.release_objects().await;
            staging::remove_copies(&self.work_dir, job.target_id).await;
        }
        outcome
    }
}

impl Attempt<'_> {
    async fn run(&mut self) -> Result<PublishOutcome, PublishFailure> {
        let content = PostContent::from(&self.job.post);
        let shape = rules::shape(&content).map_err(|v| never("not_for_tiktok", v.message))?;
        let options = &self.job.post.options.tiktok;
        let inbox = options.draft_in_app && shape == Shape::Video;
        if self.state.publish_id.is_none() && self.state.photo_init_requested_at.is_some() {
            return Err(never(
                "tiktok_unknown_outcome",
                "Herald asked TikTok for this photo post and did not hear back, so it cannot tell whether TikTok posted it. Check the TikTok profile; retry only if it is not there.".to_owned(),
            ));
        }
        // The creator's options right now (TikTok requires a fresh look before posting).
        self.pace(Call::CreatorInfo).await;
        let creator = self
            .client
            .creator_info(self.token)
            .await
            .map_err(|e| classify(&e))?;
        if let Err(err) = self.progress.record_tiktok_creator(&creator).await {
            tracing::warn!("could not record the creator's options: {err}");
        }
        if !inbox && self.state.publish_id.is_none() {
            let check = rules::check(&content, Some(&creator));
            if let Some(problem) = check.violations.first() {
                return Err(never(&problem.code, problem.message.clone()));
            }
        }
        match shape {
            Shape::Video => self.publish_video(inbox, &creator).await,
            Shape::Photos => self.publish_photos(&creator).await,
        }
    }

    async fn publish_video(
        &mut self,
        inbox: bool,
        creator: &TikTokCreator,
    ) -> Result<PublishOutcome, PublishFailure> {
        let item = self
            .job
            .post
            .media
            .first()
            .ok_or_else(|| never("media_missing", "TikTok posts need a video.".to_owned()))?
            .clone();
        let size = std::fs::metadata(&item.path)
            .map_err(|err| {
                never(
                    "media_missing",
                    format!("The video {} cannot be read: {err}", item.path),
                )
            })?
            .len();
        let plan = ChunkPlan::for_size(size).map_err(|why| {
            never(
                "video_size",
                format!("TikTok cannot take this video: {why}."),
            )
        })?;
        if !self.state.upload_done {
            let stale = self
                .state
                .init_at
                .is_none_or(|at| Timestamp::now().as_second() - at > UPLOAD_URL_LIFETIME_SECONDS);
            if self.state.upload_url.is_none() || stale {
                self.init_video(&plan, inbox).await?;
            }
            self.upload(&plan, &item.path, &item.mime).await?;
        }
        self.finish(inbox, creator).await
    }

    /// `video/init` (Direct Post) or `inbox/video/init` (draft): a new publish and upload URL.
    async fn init_video(&mut self, plan: &ChunkPlan, inbox: bool) -> Result<(), PublishFailure> {
        let source = json!({
            "source": "FILE_UPLOAD",
            "video_size": plan.video_size,
            "chunk_size": plan.chunk_size,
            "total_chunk_count": plan.total_chunk_count,
        });
        let (path, body) = if inbox {
            (
                "/v2/post/publish/inbox/video/init/",
                json!({ "source_info": source }),
            )
        } else {
            (
                "/v2/post/publish/video/init/",
                json!({ "post_info": self.post_info(true), "source_info": source }),
            )
        };
        self.pace(Call::Init).await;
        let data = self
            .client
            .api
            .post(path, self.token, &body)
            .await
            .map_err(|e| classify(&e))?;
        let publish_id =
            text(&data, "publish_id").ok_or_else(|| bad("the init answer has no publish_id"))?;
        let upload_url =
            text(&data, "upload_url").ok_or_else(|| bad("the init answer has no upload_url"))?;
        if !(upload_url.starts_with("https://") || upload_url.starts_with("http://")) {
            return Err(bad("the upload URL is not a web address"));
        }
        self.state = TikTokProgress {
            publish_id: Some(publish_id),
            upload_url: Some(upload_url),
            init_at: Some(Timestamp::now().as_second()),
            ..TikTokProgress::default()
        };
        self.save().await
    }

    /// Sends the chunks TikTok has not got yet, in order.
    async fn upload(
        &mut self,
        plan: &ChunkPlan,
        path: &str,
        mime: &str,
    ) -> Result<(), PublishFailure> {
        let url = self
            .state
            .upload_url
            .clone()
            .ok_or_else(|| bad("no upload URL"))?;
        let content_type = match mime {
            "video/quicktime" | "video/webm" => mime,
            _ => "video/mp4",
        };
        while !self.state.upload_done {
            let index = plan
                .chunk_at(self.state.offset)
                .ok_or_else(|| bad("the confirmed offset is not a chunk boundary"))?;
            let range = plan.range(index);
            let last = index + 1 == plan.total_chunk_count;
            let mut tries = 0;
            loop {
                tries += 1;
                let body =
                    crate::facebook_video::file_body(path, range.start, range.end - range.start)
                        .await
                        .map_err(|err| {
                            never("media_missing", format!("The video cannot be read: {err}"))
                        })?;
                let sent = self
                    .client
                    .http
                    .put(&url)
                    .header(CONTENT_TYPE, content_type)
                    .header(CONTENT_LENGTH, range.end - range.start)
                    .header(
                        CONTENT_RANGE,
                        format!(
                            "bytes {}-{}/{}",
                            range.start,
                            range.end - 1,
                            plan.video_size
                        ),
                    )
                    .timeout(Duration::from_secs(
                        60 + (range.end - range.start) / (256 * 1024),
                    ))
                    .body(body)
                    .send()
                    .await;
                match sent {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        let confirmed = confirmed_end(response.headers().get(CONTENT_RANGE));
                        match status {
                            201 => {
                                self.state.offset = plan.video_size;
                                self.state.upload_done = true;
                                return self.save().await;
                            }
                            200 | 206 => {
                                self.state.offset = confirmed.unwrap_or(range.end);
                                if last && self.state.offset >= plan.video_size {
                                    self.state.upload_done = true;
                                }
                                self.save().await?;
                                pause_point("tiktok.upload.after_chunk");
                                break;
                            }
                            416 => {
                                // TikTok has a different offset: continue from what it confirms.
                                let Some(end) = confirmed else {
                                    return Err(self.start_over("TikTok lost track of the upload").await);
                                };
                                self.state.offset = end;
                                self.save().await?;
                                break;
                            }
                            403 | 404 => return Err(self.start_over("the upload link expired").await),
                            500..=599 if tries < CHUNK_TRIES => {
                                tokio::time::sleep(Duration::from_secs(u64::from(tries) * 2)).await;
                            }
                            _ => {
                                return Err(PublishFailure {
                                    code: format!("upload_{status}"),
                                    message: format!("TikTok refused part of the video (HTTP {status}). Herald will try again."),
                                    retry: Retry::After(Duration::from_secs(60)),
                                })
                            }
                        }
                    }
                    Err(err) if tries < CHUNK_TRIES => {
                        tracing::info!(
                            target = self.job.target_id,
                            chunk = index,
                            "chunk upload broke ({}); sending it again",
                            crate::http::describe(&err)
                        );
                        tokio::time::sleep(Duration::from_secs(u64::from(tries))).await;
                    }
                    Err(err) => {
                        return Err(classify(&TikTokFailure::Network(crate::http::describe(
                            &err,
                        ))))
                    }
                }
            }
        }
        Ok(())
    }

    /// Photos: prepared, put in the relay, and fetched by TikTok (`content/init`).
    async fn publish_photos(
        &mut self,
        creator: &TikTokCreator,
    ) -> Result<PublishOutcome, PublishFailure> {
        if self.state.publish_id.is_none() {
            let Some(relay) = self.relay else {
                return Err(never("no_relay", "TikTok fetches photos from a web address, so Herald needs a media relay on a domain verified with your TikTok app: set it in Settings → Media relay (or `herald relay set`), then retry.".to_owned()));
            };
            let dir = staging::copies_dir(&self.client.work_dir, self.job.target_id);
            let mut urls = Vec::new();
            for (index, item) in self.job.post.media.clone().iter().enumerate() {
                if item.kind != MediaKind::Image {
                    return Err(never(
                        "mixed_media",
                        "TikTok photo posts take photos only.".to_owned(),
                    ));
                }
                let staged = staging::prepare(item, index, TIKTOK_PHOTO, None, &dir).await?;
                let object = staging::relay(Some(relay), &staged, Timestamp::now()).await?;
                self.state.relay_keys.push(object.key);
                self.save().await?;
                urls.push(object.url);
            }
            let body = json!({
                "media_type": "PHOTO",
                "post_mode": "DIRECT_POST",
                "post_info": self.photo_post_info(),
                "source_info": { "source": "PULL_FROM_URL", "photo_cover_index": 0, "photo_images": urls },
            });
            self.pace(Call::Init).await;
            self.state.photo_init_requested_at = Some(Timestamp::now().as_second());
            self.save().await?;
            let data = match self
                .client
                .api
                .post("/v2/post/publish/content/init/", self.token, &body)
                .await
            {
                Ok(data) => data,
                Err(err @ TikTokFailure::Api { .. }) => {
                    // TikTok answered: nothing was posted.
                    self.state.photo_init_requested_at = None;
                    self.save().await?;
                    return Err(classify(&err));
                }
                Err(err) => return Err(classify(&err)),
            };
            self.state.publish_id = Some(
                text(&data, "publish_id")
                    .ok_or_else(|| bad("the photo answer has no publish_id"))?,
            );
            self.save().await?;
        }
        self.finish(false, creator).await
    }

    /// Polls the status until TikTok has posted (or delivered to the inbox) or failed.
    async fn finish(
        &mut self,
        inbox: bool,
        creator: &TikTokCreator,
    ) -> Result<PublishOutcome, PublishFailure> {
        let publish_id = self
            .state
            .publish_id
            .clone()
            .ok_or_else(|| bad("no publish id"))?;
        let started = std::time::Instant::now();
        let mut pause = Duration::from_millis(500);
        loop {
            self.pace(Call::Status).await;
            let data = self
                .client
                .api
                .post(
                    "/v2/post/publish/status/fetch/",
                    self.token,
                    &json!({ "publish_id": publish_id }),
                )
                .await
                .map_err(|e| classify(&e))?;
            let status = text(&data, "status").unwrap_or_default();
            match status.as_str() {
                "PUBLISH_COMPLETE" | "SEND_TO_USER_INBOX" => {
                    let post_id = data
                        .get("publicaly_available_post_id")
                        .and_then(Value::as_array)
                        .and_then(|ids| ids.first())
                        .map(|id| match id {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        });
                    let profile = creator.username.as_deref().map(|u| format!("https://www.tiktok.com/@{u}"));
                    let permalink = match (&post_id, &profile) {
                        (Some(id), Some(profile)) => Some(format!("{profile}/video/{id}")),
                        _ => profile,
                    };
                    if inbox || status == "SEND_TO_USER_INBOX" {
                        tracing::info!(target = self.job.target_id, "delivered to the creator's TikTok inbox");
                    }
                    return Ok(PublishOutcome::Published {
                        remote_id: post_id.unwrap_or(publish_id),
                        permalink,
                    });
                }
                "FAILED" => {
                    let reason = text(&data, "fail_reason").unwrap_or_else(|| "internal".to_owned());
                    let failure = by_code(&reason, "");
                    if failure.retry != Retry::Never {
                        // A new attempt starts a new publish.
                        self.state = TikTokProgress::default();
                        self.save().await?;
                    }
                    return Err(failure);
                }
                _ if started.elapsed() >= STATUS_PATIENCE => {
                    return Err(PublishFailure {
                        code: "still_processing".to_owned(),
                        message: "TikTok is still processing the post; Herald will check again in a minute. It may take a few minutes to show on the profile.".to_owned(),
                        retry: Retry::After(Duration::from_secs(60)),
                    })
                }
                _ => {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    async fn pace(&self, call: Call) {
        self.client.pacer.wait(self.job.account_id, call).await;
    }

    /// `post_info` for a video Direct Post: exactly the user's choices.
    fn post_info(&self, video: bool) -> Value {
        let options = &self.job.post.options.tiktok;
        let mut info = json!({
            "title": self.job.post.caption,
            "privacy_level": options.privacy_level.map(|p| p.as_str()),
            "disable_comment": !options.allow_comment,
            "brand_content_toggle": options.branded_content,
            "brand_organic_toggle": options.your_brand,
            "is_aigc": options.ai_generated,
        });
        if video {
            info["disable_duet"] = json!(!options.allow_duet);
            info["disable_stitch"] = json!(!options.allow_stitch);
            if let Some(ms) = options.cover_timestamp_ms {
                info["video_cover_timestamp_ms"] = json!(ms);
            }
        }
        info
    }

    fn photo_post_info(&self) -> Value {
        let options = &self.job.post.options.tiktok;
        let mut info = self.post_info(false);
        info["title"] = json!(options.photo_title.clone().unwrap_or_default());
        info["description"] = json!(self.job.post.caption);
        info["auto_add_music"] = json!(true);
        info
    }

    /// The upload cannot go on: the next attempt starts a new one.
    async fn start_over(&mut self, why: &str) -> PublishFailure {
        self.state = TikTokProgress::default();
        if let Err(failure) = self.save().await {
            return failure;
        }
        PublishFailure {
            code: "upload_restart".to_owned(),
            message: format!(
                "The TikTok upload has to start again ({why}); Herald will do so shortly."
            ),
            retry: Retry::After(Duration::from_secs(30)),
        }
    }

    async fn release_objects(&mut self) {
        if self.state.relay_keys.is_empty() {
            return;
        }
        let keys = std::mem::take(&mut self.state.relay_keys);
        self.state.relay_keys = staging::delete_objects(self.relay, &keys).await;
        let _ = self.save().await;
    }

    async fn save(&self) -> Result<(), PublishFailure> {
        let value = serde_json::to_value(&self.state).unwrap_or(Value::Null);
        self.progress
            .save(&value, self.state.publish_id.as_deref())
            .await
            .map_err(|err| PublishFailure {
                code: "storage".to_owned(),
                message: format!(
                    "Herald could not record its progress ({err}); it will try again."
                ),
                retry: Retry::After(Duration::from_secs(30)),
            })
    }
}

/// The end (exclusive) of what TikTok confirmed: `Content-Range: bytes 0-{last}/{total}`.
fn confirmed_end(header: Option<&reqwest::header::HeaderValue>) -> Option<u64> {
    let text = header?.to_str().ok()?;
    let range = text.trim().strip_prefix("bytes ")?;
    let (span, _) = range.split_once('/')?;
    let (_, last) = span.split_once('-')?;
    last.trim().parse::<u64>().ok().map(|last| last + 1)
}

fn never(code: &str, message: String) -> PublishFailure {
    PublishFailure {
        code: code.to_owned(),
        message,
        retry: Retry::Never,
    }
}

fn bad(reason: &str) -> PublishFailure {
    classify(&TikTokFailure::Malformed(reason.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_confirmed_range_gives_the_next_offset() {
        let value = reqwest::header::HeaderValue::from_static("bytes 0-9999999/50000123");
        assert_eq!(confirmed_end(Some(&value)), Some(10_000_000));
        let junk = reqwest::header::HeaderValue::from_static("nonsense");
        assert_eq!(confirmed_end(Some(&junk)), None);
        assert_eq!(confirmed_end(None), None);
    }
}
