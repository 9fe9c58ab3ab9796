//! Tokens, accounts and the error envelope, over real HTTP.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn missing_invalid_and_expired_tokens_get_190() {
    let e = sandbox().await;
    let (s, v) = e.get(&format!("{}/me", e.fb)).await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 190, Some(467));
    assert_eq!(v["error"]["type"], "OAuthException");

    let (s, v) = e.get(&format!("{}/me?access_token=nonsense", e.fb)).await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 190, Some(467));

    let expired = e.t.expired_user_token().to_string();
    let (s, v) = e.get(&format!("{}/me?access_token={expired}", e.fb)).await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 190, Some(463));
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Session has expired"));

    // The long-lived user token expires after ~60 days of sandbox time.
    e.sb.clock()
        .advance(std::time::Duration::from_secs(61 * 86_400));
    let (_, v) = e
        .get(&format!("{}/me?access_token={}", e.fb, e.user_token))
        .await;
    assert_graph_error(&v, 190, Some(463));
    // Page tokens never expire.
    let (s, v) = e
        .get(&format!("{}/me?access_token={}", e.fb, e.bakery_token))
        .await;
    assert_eq!(s, 200, "{v}");
    e.sb.shutdown().await;
}

#[tokio::test]
async fn token_transports_query_form_json_bearer() {
    let e = sandbox().await;
    let url = format!("{}/me", e.fb);
    let r = e
        .http
        .get(&url)
        .bearer_auth(&e.user_token)
        .send()
        .await
        .unwrap();
    let (s, v) = json_of(r).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["name"], "Sandbox User");
    assert_eq!(v["id"], e.t.user().unwrap().id);

    let r = e
        .http
        .get(&url)
        .header("authorization", format!("OAuth {}", e.user_token))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r).await.0, 200);

    // form body
    let (s, v) = e
        .post(
            &format!("{}/{}/feed", e.fb, e.bakery),
            &[("message", "form"), ("access_token", &e.bakery_token)],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    // JSON body
    let (s, v) = e
        .post_json(
            &format!("{}/{}/feed", e.fb, e.bakery),
            &json!({"message": "json", "access_token": e.bakery_token}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    // version prefix is optional
    let base = e.sb.base_url();
    let (s, _) = e
        .get(&format!("{base}/facebook/me?access_token={}", e.user_token))
        .await;
    assert_eq!(s, 200);
    let (s, _) = e
        .get(&format!(
            "{base}/facebook/v19.0/me?access_token={}",
            e.user_token
        ))
        .await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn publishing_needs_the_page_token_of_that_page() {
    let e = sandbox().await;
    let feed = format!("{}/{}/feed", e.fb, e.bakery);
    let (s, v) = e
        .post(&feed, &[("message", "hi"), ("access_token", &e.user_token)])
        .await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 200, None);
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("(#200)"));
    let (_, v) = e
        .post(
            &feed,
            &[("message", "hi"), ("access_token", &e.studio_token)],
        )
        .await;
    assert_graph_error(&v, 200, None);
    assert!(e.sb.live().is_empty());
}

#[tokio::test]
async fn me_accounts_permissions_and_paging() {
    let e = sandbox().await;
    let (s, v) = e
        .get(&format!(
            "{}/me/accounts?fields=id,name,access_token,tasks,category&access_token={}",
            e.fb, e.user_token
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    let data = v["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["name"], "Sandbox Bakery");
    assert_eq!(data[0]["access_token"], e.bakery_token);
    assert!(data[0]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t == "CREATE_CONTENT"));
    assert_eq!(data[1]["name"], "Sandbox Studio");

    // paging: one per page, follow `next`
    let (_, v) = e
        .get(&format!(
            "{}/me/accounts?limit=1&access_token={}",
            e.fb, e.user_token
        ))
        .await;
    assert_eq!(v["data"].as_array().unwrap().len(), 1);
    let next = v["paging"]["next"].as_str().expect("next").to_string();
    let (_, v2) = e.get(&next).await;
    assert_eq!(v2["data"][0]["name"], "Sandbox Studio");
    assert!(v2["paging"]["next"].is_null());

    let (_, v) = e
        .get(&format!(
            "{}/me/permissions?access_token={}",
            e.fb, e.user_token
        ))
        .await;
    let perms = v["data"].as_array().unwrap();
    assert!(perms
        .iter()
        .any(|p| p["permission"] == "pages_manage_posts" && p["status"] == "granted"));

    // /me with a Page token is the Page
    let (_, v) = e
        .get(&format!("{}/me?access_token={}", e.fb, e.bakery_token))
        .await;
    assert_eq!(v["id"], e.bakery);
    // a Page has no accounts edge
    let (_, v) = e
        .get(&format!(
            "{}/me/accounts?access_token={}",
            e.fb, e.bakery_token
        ))
        .await;
    assert_graph_error(&v, 100, None);
    // bad fields
    let (_, v) = e
        .get(&format!(
            "{}/me?fields=id,bogus&access_token={}",
            e.fb, e.user_token
        ))
        .await;
    assert_graph_error(&v, 100, None);
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("nonexisting field (bogus)"));
    // unknown object
    let (_, v) = e
        .get(&format!("{}/999999?access_token={}", e.fb, e.user_token))
        .await;
    assert_graph_error(&v, 100, Some(33));
}

#[tokio::test]
async fn debug_token_reports_validity_and_expiry() {
    let e = sandbox().await;
    let app = e.t.app_token();
    let dbg = |input: &str| {
        format!(
            "{}/debug_token?input_token={input}&access_token={app}",
            e.fb
        )
    };
    let (s, v) = e.get(&dbg(&e.user_token)).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["is_valid"], true);
    assert_eq!(v["data"]["type"], "USER");
    assert!(v["data"]["expires_at"].as_i64().unwrap() > e.now_secs());
    assert!(v["data"]["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s == "pages_manage_posts"));

    let (_, v) = e.get(&dbg(&e.bakery_token)).await;
    assert_eq!(v["data"]["type"], "PAGE");
    assert_eq!(v["data"]["expires_at"], 0);
    assert_eq!(v["data"]["profile_id"], e.bakery);

    let (_, v) = e.get(&dbg(e.t.expired_user_token())).await;
    assert_eq!(v["data"]["is_valid"], false);
    assert_eq!(v["data"]["error"]["subcode"], 463);

    let (_, v) = e.get(&dbg("garbage")).await;
    assert_eq!(v["data"]["is_valid"], false);
}

#[tokio::test]
async fn oauth_dialog_code_exchange_and_revocation() {
    let e = sandbox().await;
    let base = e.sb.base_url();
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = no_redirect
        .get(format!(
            "{base}/_sandbox/facebook/dialog/oauth?client_id={}&redirect_uri=https://example.test/cb&state=xyz",
            e.t.facebook_app_id
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 302);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("https://example.test/cb?code="),
        "{location}"
    );
    assert!(location.contains("state=xyz") && location.ends_with("#_"));
    let code = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();

    let exchange = |code: &str, redirect: &str| {
        format!(
            "{}/oauth/access_token?client_id={}&client_secret={}&redirect_uri={redirect}&code={code}",
            e.fb, e.t.facebook_app_id, e.t.facebook_app_secret
        )
    };
    let (s, v) = e.get(&exchange(&code, "https://example.test/cb")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["access_token"], e.user_token);
    assert_eq!(v["token_type"], "bearer");
    // single use
    let (_, v) = e.get(&exchange(&code, "https://example.test/cb")).await;
    assert_eq!(v["error"]["code"], 100);

    let (s, v) = e
        .get(&format!(
            "{}/oauth/access_token?grant_type=fb_exchange_token&client_id={}&client_secret={}&fb_exchange_token={}",
            e.fb, e.t.facebook_app_id, e.t.facebook_app_secret, e.user_token
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["expires_in"], 5_183_944);

    // The user removes the app: user and Page tokens die with 190/458.
    let (s, v) = e
        .delete(&format!(
            "{}/me/permissions?access_token={}",
            e.fb, e.user_token
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, v) = e
        .get(&format!("{}/me?access_token={}", e.fb, e.bakery_token))
        .await;
    assert_graph_error(&v, 190, Some(458));
}
