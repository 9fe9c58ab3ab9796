//! Routing of graph.instagram.com calls: token, call budget, then the node or edge.

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::json;

use super::{comments, containers, media, oauth, publish, Usage, World};
use crate::facebook::GraphReq;
use crate::graph::{GraphError, GraphResult, Reply};
use crate::shared::{lock, Shared};

/// What a path's first id names, as far as the caller may see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// The caller's own account (`me`, its IG user id or app-scoped id).
    Account,
    Container,
    Media,
    Comment,
}

/// Objects of other accounts are "not found", as Graph answers.
fn resolve(w: &World, caller: &str, id: &str) -> Option<Target> {
    if w.own_account(caller, id).is_some() {
        return Some(Target::Account);
    }
    if w.containers.get(id).is_some_and(|c| c.owner == caller) {
        return Some(Target::Container);
    }
    if w.media.get(id).is_some_and(|m| m.owner == caller) {
        return Some(Target::Media);
    }
    let on_own_media = |media_id: &str| w.media.get(media_id).is_some_and(|m| m.owner == caller);
    if w.comments
        .get(id)
        .is_some_and(|c| !c.deleted && on_own_media(&c.media_id))
    {
        return Some(Target::Comment);
    }
    None
}

fn not_simulated(what: &str) -> GraphError {
    GraphError::new(
        100,
        format!("Unsupported request: the sandbox does not simulate {what} yet"),
    )
    .sub(33)
    .kind("GraphMethodException")
    .status(StatusCode::NOT_FOUND)
}

fn unsupported(method: &str, edge: &str) -> GraphError {
    GraphError::new(
        100,
        format!(
            "(#100) Unsupported {} request on edge {edge}",
            method.to_ascii_lowercase()
        ),
    )
}

fn buc_header(user_id: &str, u: Usage) -> String {
    json!({ user_id: [{
        "type": "instagram",
        "call_count": u.percent,
        "total_cputime": u.percent / 2,
        "total_time": u.percent / 2,
        "estimated_time_to_regain_access": u.regain_minutes,
    }]})
    .to_string()
}

/// Handle a call to the graph.instagram.com host.
pub(crate) async fn handle_graph(shared: &Arc<Shared>, req: GraphReq) -> Reply {
    let mut usage: Option<(String, Usage)> = None;
    let mut reply = match route(shared, &req, &mut usage).await {
        Ok(r) => r,
        Err(e) => e.reply(),
    };
    if let Some((user_id, u)) = usage {
        if u.percent > 50 || u.limited {
            reply = reply.header("x-business-use-case-usage", &buc_header(&user_id, u));
        }
    }
    reply
}

async fn route(
    shared: &Arc<Shared>,
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
        ["access_token"] => return oauth::exchange_token(shared, req),
        ["refresh_access_token"] => return oauth::refresh_token(shared, req),
        _ => {}
    }
    let method = req.method.as_str();
    let (caller, target, first) = {
        let mut w = lock(&shared.instagram);
        let caller = w.authenticate(req.token().as_deref(), now)?;
        let u = w.count_call(&caller, now, &shared.seed);
        *usage = Some((caller.clone(), u));
        if u.limited {
            return Err(GraphError::new(
                80002,
                "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
            ));
        }
        let first = if segs[0] == "me" {
            caller.clone()
        } else {
            segs[0].to_string()
        };
        let target = resolve(&w, &caller, &first);
        (caller, target, first)
    };
    let Some(target) = target else {
        return Err(GraphError::no_object(method, &first));
    };
    match (target, &segs[1..]) {
        (Target::Account, []) => match method {
            "GET" => {
                let w = lock(&shared.instagram);
                let account = w
                    .accounts
                    .get(&caller)
                    .ok_or_else(|| GraphError::no_object(method, &first))?;
                Ok(Reply::ok(media::user_value(
                    &w,
                    account,
                    req.fields().as_deref(),
                )?))
            }
            _ => Err(GraphError::no_object(method, &first)),
        },
        (Target::Account, [edge]) => match (method, *edge) {
            ("GET", "media") => media::list_media(shared, req, &caller),
            ("POST", "media") => containers::create(shared, req, &caller).await,
            ("POST", "media_publish") => publish::media_publish(shared, req, &caller),
            ("GET", "content_publishing_limit") => publish::publishing_limit(shared, req, &caller),
            ("GET", "stories") => media::list_stories(shared, req, &caller, now),
            ("GET", "insights") => Err(not_simulated("Instagram insights")),
            ("GET", _) => Err(GraphError::nonexisting_field(edge, "IGUser")),
            _ => Err(unsupported(method, edge)),
        },
        (Target::Container, []) => match method {
            "GET" => {
                let w = lock(&shared.instagram);
                let c = w
                    .containers
                    .get(&first)
                    .ok_or_else(|| GraphError::no_object(method, &first))?;
                Ok(Reply::ok(containers::container_value(
                    c,
                    req.fields().as_deref(),
                    now,
                    shared.seed.instagram_video_processing,
                )?))
            }
            _ => Err(GraphError::no_object(method, &first)),
        },
        (Target::Container, [edge]) => match method {
            "GET" => Err(GraphError::nonexisting_field(edge, "ShadowIGMediaBuilder")),
            _ => Err(unsupported(method, edge)),
        },
        (Target::Media, []) => match method {
            "GET" => {
                let w = lock(&shared.instagram);
                let m = w
                    .media
                    .get(&first)
                    .ok_or_else(|| GraphError::no_object(method, &first))?;
                Ok(Reply::ok(media::media_value(
                    &w,
                    m,
                    req.fields().as_deref(),
                )?))
            }
            "POST" => media::edit_media(shared, req, &first),
            // Instagram Login cannot delete media (only Facebook Login can)
            _ => Err(GraphError::no_object(method, &first)),
        },
        (Target::Media, [edge]) => match (method, *edge) {
            ("GET", "comments") => comments::list(shared, req, &caller, &first),
            ("POST", "comments") => comments::create(shared, req, &caller, &first),
            ("GET", "children") => media::list_children(shared, req, &first),
            ("GET", "insights") => Err(not_simulated("Instagram insights")),
            ("GET", _) => Err(GraphError::nonexisting_field(edge, "IGMedia")),
            _ => Err(unsupported(method, edge)),
        },
        (Target::Comment, []) => match method {
            "GET" => comments::get(shared, req, &caller, &first),
            "POST" => comments::hide(shared, req, &caller, &first),
            "DELETE" => comments::delete(shared, &caller, &first),
            _ => Err(GraphError::no_object(method, &first)),
        },
        (Target::Comment, [edge]) => match (method, *edge) {
            ("GET", "replies") => comments::list_replies(shared, req, &caller, &first),
            ("POST", "replies") => comments::reply(shared, req, &caller, &first),
            ("GET", _) => Err(GraphError::nonexisting_field(edge, "IGComment")),
            _ => Err(unsupported(method, edge)),
        },
        (_, _) => Err(GraphError::unknown_path(&segs[1..].join("/"))),
    }
}
