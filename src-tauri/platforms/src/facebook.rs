//! Facebook Pages (`../shared/platforms/meta-api.md` §2): importing the Pages a user manages,
//! publishing text and photo posts, handing posts due later to Facebook's own scheduler, and
//! cancelling them. Videos, reels and stories go through [`crate::facebook_video`].
//!
//! Every non-idempotent call (`POST /{page}/feed`) is preceded by a recorded intent; an attempt
//! that finds an intent without a result first looks for the post on the Page before posting
//! again, so a crash or a lost answer never publishes twice. Photo uploads are unpublished until
//! the feed post attaches them, so repeating one cannot publish anything.

use std::time::Duration;

use herald_core::domain::MediaView;
use herald_core::failpoint::pause_point;
use herald_core::publish::{
    CancelOutcome, Progress, PublishFailure, PublishJob, PublishMode, PublishOutcome, Retry,
};
use herald_core::vault::Secret;
use jiff::{SignedDuration, Timestamp};
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::facebook_video::{self, FacebookVideo};
use crate::graph::GraphFailure;
use crate::http::{http_client, str_field, GraphHost};
use crate::Endpoints;

/// The platform's name in sentences.
const NETWORK: &str = "Facebook";
/// Facebook accepts `scheduled_publish_time` from 10 minutes to 30 days ahead; Herald keeps a
/// margin on both sides.
pub const HANDOFF_EARLIEST: SignedDuration = SignedDuration::from_mins(12);
pub const HANDOFF_LATEST: SignedDuration = SignedDuration::from_hours(29 * 24);
/// How far back (for clock skew) a post found on the Page may predate a recorded intent.
const SKEW: i64 = 300;
/// Photos Facebook takes from a Page (JPEG/PNG < 4 MB is what it recommends).
const MAX_PHOTO_BYTES: i64 = 4 * 1024 * 1024;
/// Photos in one multi-photo post.
const MAX_PHOTOS: usize = 10;

/// A Page the user manages, with its Page token.
#[derive(Debug)]
pub struct Page {
    pub id: String,
    pub name: String,
    pub token: Secret,
}

/// What a Facebook attempt records between calls.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct FacebookProgress {
    /// Unpublished photos uploaded so far, in media order.
    #[serde(default)]
    photo_ids: Vec<String>,
    /// When the feed post was requested (Unix seconds): set *before* the call.
    #[serde(default)]
    feed_requested_at: Option<i64>,
    /// The post's id once Facebook answered.
    #[serde(default)]
    post_id: Option<String>,
}

/// The Facebook Pages client.
#[derive(Debug, Clone)]
pub struct Facebook {
    graph: GraphHost,
    /// Videos, reels and stories (the video and rupload hosts).
    video: FacebookVideo,
}

impl Facebook {
    /// A client for the Graph, video and rupload hosts in `endpoints`.
    pub fn new(endpoints: &Endpoints) -> Self {
        let http = http_client();
        Facebook {
            graph: GraphHost::new(http.clone(), &endpoints.facebook_graph),
            video: FacebookVideo::new(http, endpoints),
        }
    }

    /// The Pages a (long-lived) user token manages, with their Page tokens.
    pub async fn pages(&self, user_token: &Secret) -> Result<Vec<Page>, GraphFailure> {
        let mut pages = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..20 {
            let mut request = self
                .graph
                .request(Method::GET, "me/accounts", user_token)
                .query(&[("fields", "id,name,access_token,tasks"), ("limit", "100")]);
            if let Some(cursor) = &after {
                request = request.query(&[("after", cursor.as_str())]);
            }
            let answer = self.graph.send(request).await?;
            let data = answer
                .get("data")
                .and_then(Value::as_array)
                .ok_or_else(|| GraphFailure::Malformed("the Pages list has no 'data'".into()))?;
            for page in data {
                pages.push(Page {
                    id: str_field(page, "id")?,
                    name: str_field(page, "name")?,
                    token: Secret::new(str_field(page, "access_token")?),
                });
            }
            after = answer
                .pointer("/paging/cursors/after")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .filter(|_| answer.pointer("/paging/next").is_some());
            if after.is_none() {
                break;
            }
        }
        Ok(pages)
    }

    /// Publishes, hands over or verifies one target with the Page's token.
    pub async fn publish(
        &self,
        job: &PublishJob,
        token: &Secret,
        progress: &Progress,
    ) -> PublishOutcome {
        if facebook_video::handles(job) {
            return self.video.publish(job, token, progress).await;
        }
        let result = match job.mode {
            PublishMode::Verify => self.verify(job, token).await,
            PublishMode::Now | PublishMode::Handoff => {
                self.publish_post(job, token, progress).await
            }
        };
        result.unwrap_or_else(PublishOutcome::Failed)
    }

    async fn publish_post(
        &self,
        job: &PublishJob,
        token: &Secret,
        progress: &Progress,
    ) -> Result<PublishOutcome, PublishFailure> {
        let page = job.platform_account_id.as_str();
        let photos = photos_of(job)?;
        let handoff = job.mode == PublishMode::Handoff;
        let mut state: FacebookProgress = job
            .progress
            .clone()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();

        if state.post_id.is_none() {
            while state.photo_ids.len() < photos.len() {
                let photo = photos[state.photo_ids.len()];
                let id = self
                    .upload_photo(page, token, photo, handoff)
                    .await
                    .map_err(fail)?;
                state.photo_ids.push(id);
                save(progress, &state).await?;
            }
            if let Some(requested_at) = state.feed_requested_at {
                // A previous attempt asked Facebook for the post and did not hear back.
                pause_point("facebook.feed.reconcile");
                state.post_id = self
                    .find_post(page, token, &job.post.caption, requested_at)
                    .await
                    .map_err(fail)?;
            }
            if state.post_id.is_none() {
                state.feed_requested_at = Some(Timestamp::now().as_second());
                save(progress, &state).await?;
                pause_point("facebook.feed.before_call");
                let id = self
                    .create_feed_post(page, token, job, &state.photo_ids, handoff)
                    .await
                    .map_err(fail)?;
                pause_point("facebook.feed.after_call");
                state.post_id = Some(id);
                save(progress, &state).await?;
            }
        }
        let Some(post_id) = state.post_id else {
            return Err(bad("no post id after publishing"));
        };
        let post = self.read_post(&post_id, token).await.map_err(fail)?;
        if post.is_published {
            Ok(PublishOutcome::Published {
                remote_id: post_id,
                permalink: post.permalink,
            })
        } else {
            Ok(PublishOutcome::HandedOff { remote_id: post_id })
        }
    }

    /// Checks that a post handed to Facebook's scheduler went live.
    async fn verify(
        &self,
        job: &PublishJob,
        token: &Secret,
    ) -> Result<PublishOutcome, PublishFailure> {
        let Some(post_id) = job.remote_id.clone() else {
            return Err(bad("a handed-over post without its Facebook id"));
        };
        match self.read_post(&post_id, token).await {
            Ok(post) if post.is_published => Ok(PublishOutcome::Published {
                remote_id: post_id,
                permalink: post.permalink,
            }),
            Ok(_) => Ok(PublishOutcome::NotYetLive {
                check_again_in: Duration::from_secs(60),
            }),
            Err(GraphFailure::Api { error, .. }) if error.code == 100 => Err(PublishFailure {
                code: error.code_text(),
                message: "Facebook no longer has the post it was holding for this time (was it deleted on Facebook?). Publish it again from Herald if you still want it.".to_owned(),
                retry: Retry::Never,
            }),
            Err(other) => Err(fail(other)),
        }
    }

    /// Cancels a post Facebook holds for later.
    pub async fn cancel_scheduled(&self, post_id: &str, token: &Secret) -> CancelOutcome {
        if facebook_video::is_video_id(post_id) {
            // A handed-over video or reel is held by its video id.
            return self.video.cancel_scheduled(post_id, token).await;
        }
        match self.read_post(post_id, token).await {
            Ok(post) if post.is_published => {
                return CancelOutcome::AlreadyPublished {
                    permalink: post.permalink,
                }
            }
            Ok(_) => {}
            Err(GraphFailure::Api { error, .. }) if error.code == 100 => {
                return CancelOutcome::Cancelled
            }
            Err(_) => return CancelOutcome::RetryAfter(Duration::from_secs(60)),
        }
        let request = self.graph.request(Method::DELETE, post_id, token);
        match self.graph.send(request).await {
            Ok(_) => CancelOutcome::Cancelled,
            Err(GraphFailure::Api { error, .. }) if error.code == 100 => CancelOutcome::Cancelled,
            Err(_) => CancelOutcome::RetryAfter(Duration::from_secs(60)),
        }
    }

    async fn upload_photo(
        &self,
        page: &str,
        token: &Secret,
        photo: &MediaView,
        temporary: bool,
    ) -> Result<String, GraphFailure> {
        let bytes = tokio::fs::read(&photo.path)
            .await
            .map_err(|err| GraphFailure::Malformed(format!("cannot read {}: {err}", photo.path)))?;
        let name = std::path::Path::new(&photo.path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "photo".to_owned());
        let part = Part::bytes(bytes)
            .file_name(name)
            .mime_str(&photo.mime)
            .map_err(|err| GraphFailure::Malformed(err.to_string()))?;
        let mut form = Form::new().part("source", part).text("published", "false");
        if temporary {
            form = form.text("temporary", "true");
        }
        let request = self
            .graph
            .request(Method::POST, &format!("{page}/photos"), token)
            .multipart(form);
        let answer = self.graph.send(request).await?;
        str_field(&answer, "id")
    }

    async fn create_feed_post(
        &self,
        page: &str,
        token: &Secret,
        job: &PublishJob,
        photo_ids: &[String],
        handoff: bool,
    ) -> Result<String, GraphFailure> {
        let mut body = json!({ "message": job.post.caption });
        if photo_ids.is_empty() {
            // A text post with a web address becomes a link post: Facebook shows its preview card.
            if let Some(link) = first_link(&job.post.caption) {
                body["link"] = Value::String(link.to_owned());
            }
        } else {
            body["attached_media"] = Value::Array(
                photo_ids
                    .iter()
                    .map(|id| json!({ "media_fbid": id }))
                    .collect(),
            );
        }
        if handoff {
            body["published"] = Value::Bool(false);
            body["scheduled_publish_time"] = json!(job.due_at.as_second());
        }
        let request = self
            .graph
            .request(Method::POST, &format!("{page}/feed"), token)
            .json(&body);
        let answer = self.graph.send(request).await?;
        str_field(&answer, "id")
    }

    /// Looks on the Page (published and scheduled posts) for a post with this message created
    /// since `requested_at` (less clock skew): the post a lost answer was about.
    async fn find_post(
        &self,
        page: &str,
        token: &Secret,
        message: &str,
        requested_at: i64,
    ) -> Result<Option<String>, GraphFailure> {
        for edge in ["feed", "scheduled_posts"] {
            let request = self
                .graph
                .request(Method::GET, &format!("{page}/{edge}"), token)
                .query(&[("fields", "id,message,created_time"), ("limit", "50")]);
            let answer = self.graph.send(request).await?;
            let found = answer
                .get("data")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|post| {
                    let same_text =
                        post.get("message").and_then(Value::as_str).unwrap_or("") == message;
                    let recent = post
                        .get("created_time")
                        .and_then(Value::as_str)
                        .and_then(parse_graph_time)
                        .is_none_or(|created| created >= requested_at - SKEW);
                    same_text && recent
                })
                .and_then(|post| post.get("id").and_then(Value::as_str).map(str::to_owned));
            if found.is_some() {
                tracing::info!(
                    page,
                    "found the post a lost answer was about; not posting again"
                );
                return Ok(found);
            }
        }
        Ok(None)
    }

    async fn read_post(&self, post_id: &str, token: &Secret) -> Result<PostState, GraphFailure> {
        let request = self
            .graph
            .request(Method::GET, post_id, token)
            .query(&[("fields", "id,permalink_url,is_published")]);
        let answer = self.graph.send(request).await?;
        Ok(PostState {
            is_published: answer
                .get("is_published")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            permalink: answer
                .get("permalink_url")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or_else(|| Some(format!("https://www.facebook.com/{post_id}"))),
        })
    }
}

struct PostState {
    is_published: bool,
    permalink: Option<String>,
}

/// The photos of a post, checked against what Facebook accepts (posts with a video never get
/// here: [`Facebook::publish`] sends them to [`crate::facebook_video`]).
fn photos_of(job: &PublishJob) -> Result<Vec<&MediaView>, PublishFailure> {
    let media = &job.post.media;
    if media.len() > MAX_PHOTOS {
        return Err(never(
            "too_many_photos",
            &format!(
                "Facebook takes at most {MAX_PHOTOS} photos in one post; this one has {}.",
                media.len()
            ),
        ));
    }
    if let Some(big) = media.iter().find(|m| m.size_bytes > MAX_PHOTO_BYTES) {
        return Err(never(
            "photo_too_large",
            &format!(
                "{} is larger than 4 MB, which Facebook refuses. Use a smaller JPG or PNG.",
                big.path
            ),
        ));
    }
    if media.is_empty() && job.post.caption.trim().is_empty() {
        return Err(never("empty_post", "The post has neither text nor photos."));
    }
    Ok(media.iter().collect())
}

/// The first http(s) address in a caption, without trailing punctuation.
fn first_link(caption: &str) -> Option<&str> {
    caption
        .split_whitespace()
        .find(|word| word.starts_with("https://") || word.starts_with("http://"))
        .map(|word| word.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'']))
        .filter(|link| link.len() > "https://".len())
}

/// Parses Graph times: RFC 3339 or `2026-11-24T12:00:00+0000`.
fn parse_graph_time(text: &str) -> Option<i64> {
    if let Ok(at) = text.parse::<Timestamp>() {
        return Some(at.as_second());
    }
    jiff::fmt::strtime::parse("%Y-%m-%dT%H:%M:%S%z", text)
        .ok()?
        .to_timestamp()
        .ok()
        .map(|at| at.as_second())
}

async fn save(progress: &Progress, state: &FacebookProgress) -> Result<(), PublishFailure> {
    let value = serde_json::to_value(state).unwrap_or(Value::Null);
    progress
        .save(&value, state.post_id.as_deref())
        .await
        .map_err(|err| PublishFailure {
            code: "storage".to_owned(),
            message: format!("Herald could not record its progress ({err}); it will try again."),
            retry: Retry::After(Duration::from_secs(30)),
        })
}

fn fail(failure: GraphFailure) -> PublishFailure {
    failure.to_publish_failure(NETWORK)
}

/// An answer Facebook should not have given, as a retryable failure.
pub(crate) fn bad(reason: &str) -> PublishFailure {
    GraphFailure::Malformed(reason.to_owned()).to_publish_failure(NETWORK)
}

/// A final failure with a plain sentence.
pub(crate) fn never(code: &str, message: &str) -> PublishFailure {
    PublishFailure {
        code: code.to_owned(),
        message: message.to_owned(),
        retry: Retry::Never,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_web_address_makes_a_link_post() {
        assert_eq!(
            first_link("New menu! https://bakery.example/menu. Come by"),
            Some("https://bakery.example/menu")
        );
        assert_eq!(
            first_link("see http://a.example/x)"),
            Some("http://a.example/x")
        );
        assert_eq!(first_link("no link, https:// alone"), None);
    }

    #[test]
    fn graph_times_parse_in_both_shapes() {
        assert_eq!(
            parse_graph_time("2026-11-24T12:00:00+0000"),
            Some(1_795_521_600)
        );
        assert_eq!(
            parse_graph_time("2026-11-24T12:00:00Z"),
            Some(1_795_521_600)
        );
        assert_eq!(parse_graph_time("yesterday"), None);
    }
}
