//! Instagram API with Instagram Login (`../shared/platforms/meta-api.md` §1): reading the
//! professional account, and publishing feed photos, carousels, reels and stories through
//! media containers. The publishing state machine is in [`publish`]; how media reach Instagram
//! (prepared, then relayed or uploaded) is in [`crate::staging`]; errors in plain words in [`errors`].

mod errors;
mod publish;

use std::path::PathBuf;

use herald_core::vault::Secret;
use reqwest::header::{HeaderValue, AUTHORIZATION};
use reqwest::Method;
use serde_json::Value;

use crate::graph::{GraphError, GraphFailure};
use crate::http::{describe, http_client, str_field, GraphHost};
use crate::Endpoints;

/// A professional Instagram account, as `/me` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The Instagram user id used in every publishing path (`user_id`, not the app-scoped `id`).
    pub user_id: String,
    pub username: String,
    pub name: Option<String>,
    /// `BUSINESS` or `MEDIA_CREATOR`.
    pub account_type: Option<String>,
}

/// The account's publishing quota (`content_publishing_limit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub used: u32,
    pub total: u32,
    pub window_seconds: u32,
}

/// A container as Instagram reports it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ContainerStatus {
    /// `IN_PROGRESS | FINISHED | ERROR | EXPIRED | PUBLISHED`.
    pub code: String,
    /// On `ERROR`, the text carrying the error subcode.
    pub detail: String,
}

/// A new container, and where to send its bytes for a resumable upload.
#[derive(Debug, Clone)]
pub(crate) struct NewContainer {
    pub id: String,
    pub upload_uri: Option<String>,
}

/// The Instagram client.
#[derive(Debug, Clone)]
pub struct Instagram {
    graph: GraphHost,
    http: reqwest::Client,
    rupload_base: String,
    /// Where publishing copies of media are prepared (deleted once live).
    work_dir: PathBuf,
}

impl Instagram {
    /// A client for the hosts in `endpoints`, preparing media under `work_dir`.
    pub fn new(endpoints: &Endpoints, work_dir: PathBuf) -> Self {
        let http = http_client();
        Instagram {
            graph: GraphHost::new(http.clone(), &endpoints.instagram_graph),
            http,
            rupload_base: endpoints.rupload.trim_end_matches('/').to_owned(),
            work_dir,
        }
    }

    /// The professional account a token belongs to.
    pub async fn profile(&self, token: &Secret) -> Result<Profile, GraphFailure> {
        let request = self
            .graph
            .request(Method::GET, "me", token)
            .query(&[("fields", "user_id,username,name,account_type")]);
        let answer = self.graph.send(request).await?;
        // Some documentation shows `/me` wrapped in `data[]`; real answers are flat.
        let me = answer
            .get("data")
            .and_then(Value::as_array)
            .and_then(|d| d.first())
            .unwrap_or(&answer);
        let text = |name: &str| me.get(name).and_then(Value::as_str).map(str::to_owned);
        Ok(Profile {
            user_id: str_field(me, "user_id")?,
            username: str_field(me, "username")?,
            name: text("name").filter(|n| !n.is_empty()),
            account_type: text("account_type"),
        })
    }

    /// Refreshes a long-lived token (allowed once it is 24 hours old; no app secret needed).
    pub async fn refresh_token(
        &self,
        token: &Secret,
        now: jiff::Timestamp,
    ) -> Result<crate::connect::TokenRefresh, GraphFailure> {
        crate::connect::refresh_instagram_token(self.graph.base(), token, now).await
    }

    /// The account's publishing quota.
    pub async fn quota(&self, user: &str, token: &Secret) -> Result<Quota, GraphFailure> {
        let request = self
            .graph
            .request(
                Method::GET,
                &format!("{user}/content_publishing_limit"),
                token,
            )
            .query(&[("fields", "quota_usage,config")]);
        let answer = self.graph.send(request).await?;
        let entry = answer
            .pointer("/data/0")
            .ok_or_else(|| GraphFailure::Malformed("the quota answer has no data".into()))?;
        let number = |pointer: &str| {
            entry
                .pointer(pointer)
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
        };
        Ok(Quota {
            used: number("/quota_usage")
                .ok_or_else(|| GraphFailure::Malformed("the quota answer has no usage".into()))?,
            total: number("/config/quota_total")
                .ok_or_else(|| GraphFailure::Malformed("the quota answer has no total".into()))?,
            window_seconds: number("/config/quota_duration").unwrap_or(86_400),
        })
    }

    /// `POST /{user}/media`: a container for one photo, video, carousel or story.
    pub(crate) async fn create_container(
        &self,
        user: &str,
        token: &Secret,
        params: &Value,
    ) -> Result<NewContainer, GraphFailure> {
        let request = self
            .graph
            .request(Method::POST, &format!("{user}/media"), token)
            .json(params);
        let answer = self.graph.send(request).await?;
        let id = str_field(&answer, "id")?;
        let upload_uri = answer.get("uri").and_then(Value::as_str).map(str::to_owned);
        Ok(NewContainer { id, upload_uri })
    }

    /// `GET /{container}?fields=status_code,status`.
    pub(crate) async fn container_status(
        &self,
        container: &str,
        token: &Secret,
    ) -> Result<ContainerStatus, GraphFailure> {
        let request = self
            .graph
            .request(Method::GET, container, token)
            .query(&[("fields", "status_code,status,id")]);
        let answer = self.graph.send(request).await?;
        Ok(ContainerStatus {
            code: str_field(&answer, "status_code")?,
            detail: answer
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        })
    }

    /// `POST /{user}/media_publish`: makes a finished container live; returns the media id.
    pub(crate) async fn media_publish(
        &self,
        user: &str,
        token: &Secret,
        container: &str,
    ) -> Result<String, GraphFailure> {
        let request = self
            .graph
            .request(Method::POST, &format!("{user}/media_publish"), token)
            .json(&serde_json::json!({ "creation_id": container }));
        let answer = self.graph.send(request).await?;
        str_field(&answer, "id")
    }

    /// The permalink of a live media.
    pub(crate) async fn permalink(
        &self,
        media: &str,
        token: &Secret,
    ) -> Result<Option<String>, GraphFailure> {
        let request = self
            .graph
            .request(Method::GET, media, token)
            .query(&[("fields", "id,permalink,media_product_type")]);
        let answer = self.graph.send(request).await?;
        Ok(answer
            .get("permalink")
            .and_then(Value::as_str)
            .filter(|p| p.starts_with("https://"))
            .map(str::to_owned))
    }

    /// The account's most recent media (newest first): what a lost answer may have published.
    pub(crate) async fn recent_media(
        &self,
        user: &str,
        token: &Secret,
    ) -> Result<Vec<Value>, GraphFailure> {
        let request = self
            .graph
            .request(Method::GET, &format!("{user}/media"), token)
            .query(&[
                ("fields", "id,caption,timestamp,permalink"),
                ("limit", "25"),
            ]);
        let answer = self.graph.send(request).await?;
        Ok(answer
            .get("data")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default())
    }

    /// `POST /{media}/comments`: a comment by the account on its own media.
    pub(crate) async fn comment(
        &self,
        media: &str,
        token: &Secret,
        message: &str,
    ) -> Result<String, GraphFailure> {
        let request = self
            .graph
            .request(Method::POST, &format!("{media}/comments"), token)
            .json(&serde_json::json!({ "message": message }));
        let answer = self.graph.send(request).await?;
        str_field(&answer, "id")
    }

    /// The comments on a media (first page), as `(id, text)`.
    pub(crate) async fn comments(
        &self,
        media: &str,
        token: &Secret,
    ) -> Result<Vec<(String, String)>, GraphFailure> {
        let request = self
            .graph
            .request(Method::GET, &format!("{media}/comments"), token)
            .query(&[("fields", "id,text"), ("limit", "50")]);
        let answer = self.graph.send(request).await?;
        Ok(answer
            .get("data")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| {
                Some((
                    c.get("id")?.as_str()?.to_owned(),
                    c.get("text")?.as_str()?.to_owned(),
                ))
            })
            .collect())
    }

    /// Sends a video's bytes to a resumable container (`rupload`, `Authorization: OAuth`),
    /// streamed from disk.
    pub(crate) async fn upload_resumable(
        &self,
        container: &NewContainer,
        token: &Secret,
        path: &str,
        size: u64,
    ) -> Result<(), GraphFailure> {
        let url = self.upload_url(container);
        let body = crate::facebook_video::file_body(path, 0, size)
            .await
            .map_err(|err| GraphFailure::Malformed(format!("cannot read the video: {err}")))?;
        let mut auth =
            HeaderValue::from_str(&format!("OAuth {}", token.expose())).map_err(|_| {
                GraphFailure::Malformed("the token has characters HTTP does not allow".into())
            })?;
        auth.set_sensitive(true);
        let response = self
            .http
            .post(url)
            .header(AUTHORIZATION, auth)
            .header("offset", "0")
            .header("file_size", size.to_string())
            .header(reqwest::header::CONTENT_LENGTH, size.to_string())
            .timeout(upload_timeout(size))
            .body(body)
            .send()
            .await
            .map_err(|err| GraphFailure::Network(describe(&err)))?;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if (200..300).contains(&status)
            && answer.get("success").and_then(Value::as_bool) == Some(true)
        {
            return Ok(());
        }
        let message = answer
            .pointer("/debug_info/message")
            .and_then(Value::as_str)
            .unwrap_or("the upload was refused")
            .to_owned();
        Err(GraphFailure::Api {
            status,
            error: GraphError {
                message,
                code: if status >= 500 { 2 } else { 100 },
                is_transient: answer
                    .pointer("/debug_info/retriable")
                    .and_then(Value::as_bool),
                ..GraphError::default()
            },
            retry_after: None,
        })
    }

    /// Where a resumable container's bytes go: the `uri` Instagram returned when it is on the
    /// configured rupload host (a token is never sent anywhere else), else the documented path.
    fn upload_url(&self, container: &NewContainer) -> String {
        let documented = format!(
            "{}/ig-api-upload/{}/{}",
            self.rupload_base,
            crate::http::GRAPH_VERSION,
            container.id
        );
        match &container.upload_uri {
            Some(uri) if uri.starts_with(&format!("{}/", self.rupload_base)) => uri.clone(),
            _ => documented,
        }
    }
}

/// A generous upload deadline: a minute plus a minute per 20 MB.
fn upload_timeout(size: u64) -> std::time::Duration {
    std::time::Duration::from_secs(60 + size / (20 * 1024 * 1024) * 60)
}
