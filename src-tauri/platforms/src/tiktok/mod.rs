//! TikTok (`../shared/platforms/tiktok-api.md`): the creator behind a token, their posting
//! options, access tokens refreshed ahead of use with rotating refresh tokens, and publishing
//! videos (Direct Post or the creator's inbox) and photo posts ([`publish`]).

mod api;
pub mod chunks;
mod errors;
pub mod pacing;
mod publish;
pub mod tokens;

use herald_core::creator::TikTokCreator;
use herald_core::vault::Secret;
use jiff::Timestamp;
use serde_json::{json, Value};

pub use api::{TikTokApi, TikTokFailure};

/// A failed TikTok call as the engine (and an import) words it.
pub fn classify_failure(failure: &TikTokFailure) -> herald_core::publish::PublishFailure {
    errors::classify(failure)
}

use crate::http::http_client;
use crate::Endpoints;

/// A creator as `/v2/user/info/` describes them.
#[derive(Debug, Clone, PartialEq)]
pub struct TikTokUser {
    /// Stable per app: the account's id.
    pub open_id: String,
    pub display_name: String,
    pub username: Option<String>,
}

/// The TikTok client.
#[derive(Debug, Clone)]
pub struct TikTok {
    api: TikTokApi,
    http: reqwest::Client,
    work_dir: std::path::PathBuf,
    /// Keeps Herald's calls under TikTok's per-token limits.
    pacer: pacing::Pacer,
}

impl TikTok {
    /// A client for the TikTok host in `endpoints`; publishing copies of photos go under
    /// `work_dir`.
    pub fn new(endpoints: &Endpoints, work_dir: std::path::PathBuf) -> Self {
        let http = http_client();
        TikTok {
            api: TikTokApi::new(http.clone(), &endpoints.tiktok_api),
            http,
            work_dir,
            pacer: pacing::Pacer::default(),
        }
    }

    /// The creator a token belongs to.
    pub async fn user(&self, token: &Secret) -> Result<TikTokUser, TikTokFailure> {
        let data = self
            .api
            .get(
                "/v2/user/info/",
                token,
                // `username` needs the user.info.profile scope; creator_info gives it instead.
                &[("fields", "open_id,union_id,avatar_url,display_name")],
            )
            .await?;
        let user = data.get("user").unwrap_or(&data);
        let open_id = api::text(user, "open_id")
            .ok_or_else(|| TikTokFailure::Malformed("the user has no open_id".into()))?;
        Ok(TikTokUser {
            display_name: api::text(user, "display_name").unwrap_or_else(|| open_id.clone()),
            username: api::text(user, "username"),
            open_id,
        })
    }

    /// The creator's posting options right now (`creator_info/query`). A creator who cannot post
    /// now is an error (`spam_risk_too_many_posts`… arrive with HTTP 200).
    pub async fn creator_info(&self, token: &Secret) -> Result<TikTokCreator, TikTokFailure> {
        let data = self
            .api
            .post("/v2/post/publish/creator_info/query/", token, &json!({}))
            .await?;
        let flag = |name: &str| data.get(name).and_then(Value::as_bool).unwrap_or(false);
        Ok(TikTokCreator {
            nickname: api::text(&data, "creator_nickname")
                .or_else(|| api::text(&data, "creator_username"))
                .unwrap_or_else(|| "this creator".to_owned()),
            username: api::text(&data, "creator_username"),
            privacy_level_options: data
                .get("privacy_level_options")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|o| o.as_str().map(str::to_owned))
                .collect(),
            comment_disabled: flag("comment_disabled"),
            duet_disabled: flag("duet_disabled"),
            stitch_disabled: flag("stitch_disabled"),
            max_video_post_duration_sec: data
                .get("max_video_post_duration_sec")
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0),
            checked_at: Timestamp::now().to_string(),
        })
    }
}
