//! Fault injection, the journal, rate limits and the control API.

mod common;

use std::time::{Duration, Instant};

use common::*;
use herald_sandbox::{FaultAction, FaultRule, Seed};
use serde_json::{json, Value};

#[tokio::test]
async fn status_fault_answers_without_applying() {
    let e = sandbox().await;
    e.sb.faults().add(
        FaultRule::new(FaultAction::Status {
            status: 500,
            body: None,
        })
        .path_contains("/feed"),
    );
    let (s, v) = e
        .post(
            &format!("{}/{}/feed", e.fb, e.bakery),
            &[("message", "x"), ("access_token", &e.bakery_token)],
        )
        .await;
    assert_eq!(s, 500);
    assert_graph_error(&v, 2, None);
    assert_eq!(v["error"]["is_transient"], true);
    assert!(e.sb.live().is_empty());
    // used up: the next call goes through
    e.bakery_post("x").await;
    assert_eq!(e.sb.live().len(), 1);

    // custom body, method and host filters, count
    e.sb.faults().add(
        FaultRule::new(FaultAction::Status {
            status: 503,
            body: Some(json!({"error": {"code": 1}})),
        })
        .method("GET")
        .host("facebook")
        .count(2),
    );
    let me = format!("{}/me?access_token={}", e.fb, e.user_token);
    assert_eq!(e.get(&me).await, (503, json!({"error": {"code": 1}})));
    // the video host is not matched
    let (s, _) = e
        .get(&format!("{}/me?access_token={}", e.fbv, e.user_token))
        .await;
    assert_eq!(s, 200);
    assert_eq!(e.get(&me).await.0, 503);
    assert_eq!(e.get(&me).await.0, 200);
}

#[tokio::test]
async fn delay_fault_waits_then_applies() {
    let e = sandbox().await;
    e.sb.faults()
        .add(FaultRule::new(FaultAction::Delay { ms: 300 }).method("POST"));
    let t = Instant::now();
    e.bakery_post("slow").await;
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(e.sb.live().len(), 1);
    let j = e.sb.journal();
    assert_eq!(j.last().unwrap().fault.as_deref(), Some("delay"));
    assert_eq!(j.last().unwrap().status, Some(200));
}

#[tokio::test]
async fn drop_before_apply_closes_without_a_post() {
    let e = sandbox().await;
    e.sb.faults()
        .add(FaultRule::new(FaultAction::Drop).path_contains("/feed"));
    let r = e
        .http
        .post(format!("{}/{}/feed", e.fb, e.bakery))
        .form(&[("message", "lost"), ("access_token", &e.bakery_token)])
        .send()
        .await;
    assert!(r.is_err(), "the connection is dropped: {r:?}");
    assert!(e.sb.live().is_empty());
    let last = e.sb.journal().pop().unwrap();
    assert_eq!(last.fault.as_deref(), Some("drop"));
    assert_eq!(last.status, None);
    // the server keeps serving
    e.bakery_post("after").await;
}

#[tokio::test]
async fn drop_after_apply_creates_the_post_but_no_answer() {
    let e = sandbox().await;
    e.sb.faults().add(
        FaultRule::new(FaultAction::DropAfterApply)
            .method("POST")
            .path_contains("/feed"),
    );
    let r = e
        .http
        .post(format!("{}/{}/feed", e.fb, e.bakery))
        .form(&[
            ("message", "Did it go through?"),
            ("access_token", &e.bakery_token),
        ])
        .send()
        .await;
    assert!(r.is_err(), "no response: {r:?}");
    let live = e.sb.live();
    assert_eq!(live.len(), 1, "the post went live");
    assert_eq!(live[0].message.as_deref(), Some("Did it go through?"));
    // what an engine does next: look at the feed to find it
    let (_, v) = e
        .get(&format!(
            "{}/{}/feed?fields=id,message,created_time&access_token={}",
            e.fb, e.bakery, e.bakery_token
        ))
        .await;
    assert_eq!(v["data"][0]["message"], "Did it go through?");
    assert_eq!(v["data"][0]["id"], live[0].post_id.as_str());
    // a blind retry with the same message is a 506 and leaves one post
    let (s, v) = e
        .post(
            &format!("{}/{}/feed", e.fb, e.bakery),
            &[
                ("message", "Did it go through?"),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 506, None);
    assert_eq!(e.sb.live().len(), 1);
}

#[tokio::test]
async fn journal_records_every_request() {
    let e = sandbox().await;
    e.get(&format!(
        "{}/me?fields=id&access_token={}",
        e.fb, e.user_token
    ))
    .await;
    e.get(&format!("{}/me", e.fb)).await;
    e.bakery_post("hello").await;
    e.get(&format!("{}/tiktok/v2/user/info/", e.sb.base_url()))
        .await;
    // control calls are not journaled
    e.get(&format!("{}/_sandbox/live", e.sb.base_url())).await;
    let j = e.sb.journal();
    assert_eq!(j.len(), 4, "{j:?}");
    assert_eq!(j[0].method, "GET");
    assert_eq!(j[0].host, "facebook");
    assert_eq!(j[0].path, "/v25.0/me");
    assert!(j[0].query.contains("fields=id"));
    assert_eq!(j[0].status, Some(200));
    assert_eq!(j[1].status, Some(400));
    assert_eq!(j[2].method, "POST");
    assert_eq!(j[2].path, format!("/v25.0/{}/feed", e.bakery));
    assert_eq!(j[3].host, "tiktok");
    // no token: TikTok's 401 access_token_invalid
    assert_eq!(j[3].status, Some(401));
    assert!(j
        .windows(2)
        .all(|w| w[0].seq < w[1].seq && w[0].time <= w[1].time));

    // the same over the control API
    let (_, v) = e
        .get(&format!("{}/_sandbox/journal", e.sb.base_url()))
        .await;
    assert_eq!(v.as_array().unwrap().len(), 4);
    assert_eq!(v[2]["host"], "facebook");
}

#[tokio::test]
async fn rate_limit_error_and_header() {
    let e = sandbox_with(Seed {
        page_call_limit: 4,
        rate_window: Duration::from_secs(600),
        ..fast_seed()
    })
    .await;
    let read = format!("{}/{}/feed?access_token={}", e.fb, e.bakery, e.bakery_token);
    let r = e.http.get(&read).send().await.unwrap();
    assert!(
        r.headers().get("x-business-use-case-usage").is_none(),
        "25 %: no header yet"
    );
    e.http.get(&read).send().await.unwrap();
    let r = e.http.get(&read).send().await.unwrap();
    let usage: Value =
        serde_json::from_str(r.headers()["x-business-use-case-usage"].to_str().unwrap()).unwrap();
    assert_eq!(usage[&e.bakery][0]["type"], "pages");
    assert_eq!(usage[&e.bakery][0]["call_count"], 75);
    e.http.get(&read).send().await.unwrap();

    let r = e.http.get(&read).send().await.unwrap();
    let header: Value =
        serde_json::from_str(r.headers()["x-business-use-case-usage"].to_str().unwrap()).unwrap();
    let (s, v) = json_of(r).await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 80001, None);
    let regain = header[&e.bakery][0]["estimated_time_to_regain_access"]
        .as_i64()
        .unwrap();
    assert!((1..=10).contains(&regain), "{header}");
    // a user token reading the same Page gets code 32
    let (_, v) = e
        .get(&format!(
            "{}/{}/feed?access_token={}",
            e.fb, e.bakery, e.user_token
        ))
        .await;
    assert_graph_error(&v, 32, None);
    // the other Page has its own budget
    let (s, _) = e
        .get(&format!(
            "{}/{}/feed?access_token={}",
            e.fb, e.studio, e.studio_token
        ))
        .await;
    assert_eq!(s, 200);
    // the window rolls on
    e.sb.clock().advance(Duration::from_secs(20 * 60));
    let (s, _) = e.get(&read).await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn control_api_faults_accounts_reset() {
    let e = sandbox().await;
    let base = e.sb.base_url();
    let (_, v) = e.get(&format!("{base}/_sandbox/accounts")).await;
    assert_eq!(v["facebook_pages"][0]["name"], "Sandbox Bakery");
    assert_eq!(v["facebook_pages"][0]["token"], e.bakery_token);
    assert_eq!(v["facebook_users"][1]["expired"], true);

    let (s, v) = e
        .post_json(
            &format!("{base}/_sandbox/faults"),
            &json!({"method": "POST", "path_contains": "/feed", "host": "facebook", "count": 1,
                    "action": {"kind": "drop_after_apply"}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let r = e
        .http
        .post(format!("{}/{}/feed", e.fb, e.bakery))
        .form(&[("message", "m"), ("access_token", &e.bakery_token)])
        .send()
        .await;
    assert!(r.is_err());
    let (_, live) = e.get(&format!("{base}/_sandbox/live")).await;
    assert_eq!(live[0]["kind"], "feed");
    assert_eq!(live[0]["account_id"], e.bakery);

    // invalid rules are refused; DELETE clears
    let (s, _) = e
        .post_json(
            &format!("{base}/_sandbox/faults"),
            &json!({"action": {"kind": "explode"}}),
        )
        .await;
    assert_eq!(s, 400);
    e.post_json(
        &format!("{base}/_sandbox/faults"),
        &json!({"action": {"kind": "drop"}, "count": 5}),
    )
    .await;
    let (s, _) = e.delete(&format!("{base}/_sandbox/faults")).await;
    assert_eq!(s, 200);
    assert!(e.sb.faults().list().is_empty());

    let (s, _) = e.post(&format!("{base}/_sandbox/reset"), &[]).await;
    assert_eq!(s, 200);
    assert!(e.sb.live().is_empty());
    assert!(e.sb.journal().is_empty());

    // Instagram's Graph host is simulated (a Graph error without a token); its OAuth host
    // answers with its own not-found envelope, and TikTok with its envelope for a method
    // its API does not have (status/fetch takes POST)
    let (s, v) = e.get(&format!("{base}/instagram-graph/v25.0/me")).await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 190, Some(467));
    let (s, v) = e
        .get(&format!("{base}/instagram-api/oauth/access_token"))
        .await;
    assert_eq!(s, 404);
    assert_eq!(v["error_type"], "OAuthException");
    let (_, v) = e
        .get(&format!("{base}/tiktok/v2/post/publish/status/fetch/"))
        .await;
    assert_eq!(v["error"]["code"], "not_found");
    assert!(v["error"]["log_id"].is_string());
}
