//! Routing of graph.facebook.com / graph-video.facebook.com / rupload.facebook.com calls.

use axum::http::{header, HeaderMap, Method};
use jiff::Timestamp;
use serde_json::json;

use super::nodes::{self, FeedFilter};
use super::{publish, video, Principal, Usage, VideoProduct};
use crate::graph::{GraphError, GraphResult, Reply};
use crate::request::{FilePart, Params, RawBody};
use crate::shared::{lock, Shared};

/// A Graph request, parsed.
pub(crate) struct GraphReq {
    pub method: Method,
    /// `facebook` or `facebook-video` (or `rupload`).
    pub host: &'static str,
    /// The path after the host prefix, as received.
    pub path: String,
    /// Decoded path segments with the version prefix removed.
    pub segments: Vec<String>,
    pub version: Option<String>,
    pub headers: HeaderMap,
    pub params: Params,
    pub files: Vec<FilePart>,
    /// The counted body of a raw upload (`upload:` sessions, rupload).
    pub raw: Option<RawBody>,
}

impl GraphReq {
    /// `Authorization: Bearer|OAuth <token>`, else the `access_token` parameter.
    pub fn token(&self) -> Option<String> {
        if let Some(auth) = self
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        {
            let auth = auth.trim();
            for scheme in ["Bearer ", "OAuth ", "bearer ", "oauth "] {
                if let Some(t) = auth.strip_prefix(scheme) {
                    return Some(t.trim().to_string());
                }
            }
        }
        self.params.str("access_token")
    }

    pub fn fields(&self) -> Option<String> {
        self.params.str("fields")
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.trim().to_string())
    }

    /// The URL of this list without its `after` cursor (for `paging.next`).
    pub fn next_base(&self, base_url: &str) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.params.pairs_without(&["after"]) {
            q.append_pair(&k, &v);
        }
        let q = q.finish();
        if q.is_empty() {
            format!("{base_url}/{}{}", self.host, self.path)
        } else {
            format!("{base_url}/{}{}?{q}", self.host, self.path)
        }
    }

    pub fn version_or_default(&self) -> String {
        self.version.clone().unwrap_or_else(|| "v25.0".to_string())
    }
}

/// Is this path segment a Graph version (`v25.0`, `v3`)?
pub(crate) fn is_version(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('v') else {
        return false;
    };
    let mut parts = rest.splitn(2, '.');
    let major = parts.next().unwrap_or("");
    let minor = parts.next().unwrap_or("0");
    !major.is_empty()
        && major.bytes().all(|b| b.is_ascii_digit())
        && !minor.is_empty()
        && minor.bytes().all(|b| b.is_ascii_digit())
}

/// Handle a call to the Graph host (or the graph-video host).
pub(crate) async fn handle_graph(shared: &Shared, req: GraphReq) -> Reply {
    let mut usage: Option<(String, Usage)> = None;
    let mut reply = match route(shared, &req, &mut usage).await {
        Ok(r) => r,
        Err(e) => e.reply(),
    };
    if let Some((page, u)) = usage {
        if u.percent > 50 || u.limited {
            reply = reply.header("x-business-use-case-usage", &buc_header(&page, u));
        }
    }
    reply
}

fn buc_header(page: &str, u: Usage) -> String {
    json!({ page: [{
        "type": "pages",
        "call_count": u.percent,
        "total_cputime": u.percent / 2,
        "total_time": u.percent / 2,
        "estimated_time_to_regain_access": u.regain_minutes,
    }]})
    .to_string()
}

async fn route(
    shared: &Shared,
    req: &GraphReq,
    usage: &mut Option<(String, Usage)>,
) -> GraphResult<Reply> {
    let now = shared.now();
    let segs: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    match segs.as_slice() {
        [] => {
            return Err(GraphError::new(
                100,
                "(#100) Unsupported request: a node or edge is required",
            ))
        }
        ["oauth", "access_token"] => return nodes::oauth_access_token(shared, req, now),
        ["debug_token"] => return nodes::debug_token(shared, req, now),
        _ => {}
    }
    let principal = lock(&shared.world).authenticate(req.token().as_deref(), now)?;
    let first =
        match (segs[0], &principal) {
            ("me", Principal::Page { page_id, .. }) => page_id.clone(),
            ("me", Principal::User(u)) => u.clone(),
            ("me", Principal::App) => return Err(GraphError::new(
                2500,
                "An active access token must be used to query information about the current user.",
            )),
            (id, _) => id.to_string(),
        };

    // The Page this call is counted against.
    {
        let mut w = lock(&shared.world);
        let page = w.owner_page(&first).or_else(|| match &principal {
            Principal::Page { page_id, .. } => Some(page_id.clone()),
            _ => None,
        });
        if let Some(page) = page {
            let u = w.count_call(&page, now, &shared.seed);
            *usage = Some((page.clone(), u));
            if u.limited {
                return Err(match principal {
                    Principal::Page { .. } => GraphError::new(
                        80001,
                        "(#80001) There have been too many calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
                    ),
                    _ => GraphError::new(32, "(#32) Page request limit reached"),
                });
            }
        }
    }

    let method = req.method.as_str();
    match &segs[1..] {
        [] if first.starts_with("upload:") => match method {
            "GET" => video::upload_status(shared, &first),
            "POST" => video::upload_chunk(shared, req, &first),
            _ => Err(GraphError::no_object(method, &first)),
        },
        [] => object(shared, req, &principal, &first, now),
        ["uploads"] if method == "POST" => video::create_upload(shared, req, &first),
        [edge] => edge_call(shared, req, &principal, &first, edge, now).await,
        more => Err(GraphError::unknown_path(&more.join("/"))),
    }
}

/// `GET|POST|DELETE /{id}`.
fn object(
    shared: &Shared,
    req: &GraphReq,
    principal: &Principal,
    id: &str,
    now: Timestamp,
) -> GraphResult<Reply> {
    let method = req.method.as_str();
    let fields = req.fields();
    {
        let w = lock(&shared.world);
        if let Some(u) = w.users.get(id) {
            let own = matches!(principal, Principal::User(me) if me == id);
            return match method {
                "GET" if own => Ok(Reply::ok(nodes::user_value(u, fields.as_deref())?)),
                _ => Err(GraphError::no_object(method, id)),
            };
        }
        if let Some(p) = w.pages.get(id) {
            let manager = matches!(principal, Principal::User(u) if w.users.get(u).is_some_and(|u| u.pages.iter().any(|x| x == id)));
            return match method {
                "GET" => Ok(Reply::ok(nodes::page_value(
                    p,
                    fields.as_deref(),
                    manager,
                    &["name", "id"],
                )?)),
                _ => Err(GraphError::no_object(method, id)),
            };
        }
        let Some(owner) = w.owner_page(id) else {
            return Err(GraphError::no_object(method, id));
        };
        if !w.can_read(principal, &owner) {
            return Err(GraphError::no_object(method, id));
        }
        if method == "GET" {
            if let Some(post) = w.posts.get(id).filter(|p| !p.deleted) {
                return Ok(Reply::ok(nodes::post_value(&w, post, fields.as_deref())?));
            }
            if let Some(photo) = w.photos.get(id).filter(|p| !p.deleted) {
                return Ok(Reply::ok(nodes::photo_value(&w, photo, fields.as_deref())?));
            }
            if let Some(v) = w.videos.get(id).filter(|v| !v.deleted) {
                return Ok(Reply::ok(nodes::video_value(
                    &w,
                    v,
                    fields.as_deref(),
                    now,
                    &shared.seed,
                )?));
            }
            return Err(GraphError::no_object(method, id));
        }
    }
    match method {
        "POST" => publish::edit(shared, req, principal, id, now),
        "DELETE" => publish::delete(shared, principal, id),
        _ => Err(GraphError::no_object(method, id)),
    }
}

/// `GET|POST|DELETE /{id}/{edge}`.
async fn edge_call(
    shared: &Shared,
    req: &GraphReq,
    principal: &Principal,
    id: &str,
    edge: &str,
    now: Timestamp,
) -> GraphResult<Reply> {
    let method = req.method.as_str();
    let (is_user, is_page, node) = {
        let w = lock(&shared.world);
        let node = if w.users.contains_key(id) {
            "User"
        } else if w.pages.contains_key(id) {
            "Page"
        } else if w.posts.contains_key(id) {
            "Post"
        } else if w.photos.contains_key(id) {
            "Photo"
        } else if w.videos.contains_key(id) {
            "Video"
        } else {
            ""
        };
        let visible = match node {
            "User" => matches!(principal, Principal::User(u) if u == id),
            "" => false,
            // publishing edges check the Page token themselves: (#200) rather than "no object"
            "Page" if method == "POST" => true,
            _ => w.owner_page(id).is_some_and(|p| w.can_read(principal, &p)),
        };
        if !visible {
            return Err(GraphError::no_object(method, id));
        }
        (node == "User", node == "Page", node)
    };
    if is_user {
        return match (method, edge) {
            ("GET", "accounts") => nodes::me_accounts(shared, req, id),
            ("GET", "permissions") => nodes::me_permissions(shared, id),
            ("DELETE", "permissions") => nodes::revoke(shared, id),
            _ => Err(GraphError::nonexisting_field(edge, node)),
        };
    }
    if !is_page {
        return Err(GraphError::nonexisting_field(edge, node));
    }
    match (method, edge) {
        ("GET", "feed" | "posts") => nodes::list_posts(shared, req, id, FeedFilter::All),
        ("GET", "published_posts") => nodes::list_posts(shared, req, id, FeedFilter::Published),
        ("GET", "scheduled_posts") => nodes::list_posts(shared, req, id, FeedFilter::Scheduled),
        ("GET", "photos") => nodes::list_photos(shared, req, id),
        ("GET", "videos") => nodes::list_videos(shared, req, id, VideoProduct::Video, now),
        ("GET", "video_reels") => nodes::list_videos(shared, req, id, VideoProduct::Reel, now),
        ("GET", "stories") => nodes::list_stories(shared, req, id),
        ("POST", "feed") => publish::post_feed(shared, req, principal, id, now),
        ("POST", "photos") => publish::post_photo(shared, req, principal, id).await,
        ("POST", "photo_stories") => publish::photo_story(shared, req, principal, id, now),
        ("POST", "videos") => video::post_video(shared, req, principal, id).await,
        ("POST", "video_reels") => video::reels(shared, req, principal, id, VideoProduct::Reel),
        ("POST", "video_stories") => video::reels(shared, req, principal, id, VideoProduct::Story),
        ("GET", _) => Err(GraphError::nonexisting_field(edge, node)),
        _ => Err(GraphError::new(
            100,
            format!(
                "(#100) Unsupported {} request on edge {edge}",
                method.to_ascii_lowercase()
            ),
        )),
    }
}

/// Handle a call to rupload.facebook.com (`/video-upload/{version}/{video-id}`).
pub(crate) async fn handle_rupload(shared: &Shared, req: GraphReq) -> Reply {
    video::rupload(shared, req).await
}
