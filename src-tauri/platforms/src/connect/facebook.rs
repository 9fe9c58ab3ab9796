//! Facebook Login for Pages (`../shared/platforms/meta-api.md` §2.1): the Login dialog, the
//! code → user token exchange, the long-lived user token, a check of the granted permissions,
//! then every Page the user manages with its own Page token (which does not expire).

use herald_core::domain::AccountView;
use herald_core::vault::Secret;
use herald_core::{CoreError, CoreResult};
use jiff::Timestamp;
use reqwest::Method;
use serde_json::Value;

use super::accounts::read_failure;
use super::{url_with, AppCredentials, Connector};
use crate::graph::GraphFailure;
use crate::http::{http_client, str_field, GraphHost, GRAPH_VERSION};
use crate::Endpoints;

/// The permissions Herald asks for: Pages, posting, comments, insights, business-owned Pages.
pub const SCOPES: &str = "pages_show_list,pages_manage_posts,pages_read_engagement,pages_manage_engagement,pages_read_user_content,read_insights,business_management,publish_video";

/// Without these Herald cannot publish at all.
const REQUIRED: [&str; 3] = [
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
];

pub(super) fn authorize_url(
    endpoints: &Endpoints,
    client_id: &str,
    redirect_uri: &str,
    state: &str,
) -> CoreResult<String> {
    url_with(
        &endpoints.facebook_dialog,
        &format!("/{GRAPH_VERSION}/dialog/oauth"),
        &[
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
            ("state", state),
            ("response_type", "code"),
            ("scope", SCOPES),
            // Asks again for permissions the user declined last time.
            ("auth_type", "rerequest"),
        ],
    )
}

pub(super) async fn finish(
    connector: &Connector,
    app: &AppCredentials,
    redirect_uri: &str,
    code: &Secret,
    now: Timestamp,
) -> CoreResult<Vec<AccountView>> {
    let endpoints = &connector.endpoints;
    let graph = GraphHost::new(http_client(), &endpoints.facebook_graph);
    let token_url = format!(
        "{}/{GRAPH_VERSION}/oauth/access_token",
        endpoints.facebook_graph
    );
    // POST with a form keeps the app secret and the code out of URLs.
    let short = graph
        .send(http_client().request(Method::POST, &token_url).form(&[
            ("client_id", app.client_id.as_str()),
            ("client_secret", app.secret.expose()),
            ("redirect_uri", redirect_uri),
            ("code", code.expose()),
        ]))
        .await
        .map_err(|failure| exchange_failure(&failure))?;
    let short = Secret::new(str_field(&short, "access_token").map_err(|f| exchange_failure(&f))?);
    let long = graph
        .send(http_client().request(Method::POST, &token_url).form(&[
            ("grant_type", "fb_exchange_token"),
            ("client_id", app.client_id.as_str()),
            ("client_secret", app.secret.expose()),
            ("fb_exchange_token", short.expose()),
        ]))
        .await
        .map_err(|failure| exchange_failure(&failure))?;
    let user_token =
        Secret::new(str_field(&long, "access_token").map_err(|f| exchange_failure(&f))?);

    let granted = graph
        .send(graph.request(Method::GET, "me/permissions", &user_token))
        .await
        .map_err(|failure| read_failure("Facebook", &failure))?;
    let missing = missing_permissions(&granted);
    if !missing.is_empty() {
        return Err(CoreError::invalid(format!(
            "Facebook did not grant Herald {}. Connect again and keep every permission switched on (Herald asks for them again)",
            missing.join(", ")
        )));
    }
    let me = graph
        .send(
            graph
                .request(Method::GET, "me", &user_token)
                .query(&[("fields", "id")]),
        )
        .await
        .map_err(|failure| read_failure("Facebook", &failure))?;
    let user_id = str_field(&me, "id").map_err(|f| read_failure("Facebook", &f))?;
    super::accounts::save_facebook_pages(
        &connector.store,
        &connector.vault,
        endpoints,
        &user_token,
        Some((&user_id, &user_token)),
        now,
    )
    .await
}

/// The required permissions `/me/permissions` does not list as granted.
fn missing_permissions(answer: &Value) -> Vec<&'static str> {
    let granted: Vec<&str> = answer
        .get("data")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter(|p| p.get("status").and_then(Value::as_str) == Some("granted"))
                .filter_map(|p| p.get("permission").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    REQUIRED
        .into_iter()
        .filter(|needed| !granted.contains(needed))
        .collect()
}

/// A failed code or token exchange, as a sentence with what to do.
fn exchange_failure(failure: &GraphFailure) -> CoreError {
    match failure {
        GraphFailure::Api { error, .. } => match (error.code, error.error_subcode) {
            (100, Some(36007 | 36009)) => CoreError::Conflict(
                "Facebook no longer accepts this sign-in (its code was already used or has expired). Connect again.".into(),
            ),
            (100, Some(36008)) => CoreError::invalid(
                "Facebook refused the redirect address: it must match the one registered in the app (Facebook Login → Settings → Valid OAuth Redirect URIs) exactly",
            ),
            (1 | 101, _) => CoreError::invalid(
                "Facebook refused the app id or secret. Check the Meta app id and secret in Settings → Platforms, then connect again",
            ),
            _ => read_failure("Facebook", failure),
        },
        other => read_failure("Facebook", other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_required_permissions_not_granted() {
        let answer = json!({"data": [
            {"permission": "pages_show_list", "status": "granted"},
            {"permission": "pages_manage_posts", "status": "declined"},
        ]});
        assert_eq!(
            missing_permissions(&answer),
            vec!["pages_manage_posts", "pages_read_engagement"]
        );
    }
}
