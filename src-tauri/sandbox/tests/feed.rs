//! Feed posts, native scheduling, albums, edits and deletes.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;

#[tokio::test]
async fn feed_post_reads_back_with_permalink() {
    let e = sandbox().await;
    let id = e.bakery_post("Fresh croissants").await;
    assert!(id.starts_with(&format!("{}_", e.bakery)), "{id}");

    let (s, v) = e
        .get(&format!(
            "{}/{id}?fields=id,permalink_url,is_published,scheduled_publish_time,message,created_time&access_token={}",
            e.fb, e.bakery_token
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["id"], id);
    assert_eq!(v["message"], "Fresh croissants");
    assert_eq!(v["is_published"], true);
    assert_eq!(v["permalink_url"], format!("https://www.facebook.com/{id}"));
    assert!(v["created_time"].as_str().unwrap().ends_with("+0000"));
    assert!(v.get("scheduled_publish_time").is_none());

    let live = e.sb.live();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].platform, "facebook");
    assert_eq!(live[0].account_id, e.bakery);
    assert_eq!(live[0].post_id, id);
    assert_eq!(live[0].kind, "feed");
    assert_eq!(live[0].message.as_deref(), Some("Fresh croissants"));
    assert!(!live[0].scheduled);

    // read-after-write: fields on the create call
    let (s, v) = e
        .post(
            &format!("{}/{}/feed?fields=id,permalink_url", e.fb, e.bakery),
            &[
                ("message", "Second"),
                ("link", "https://example.com"),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert!(v["permalink_url"]
        .as_str()
        .unwrap()
        .starts_with("https://www.facebook.com/"));

    // empty post
    let (_, v) = e
        .post(
            &format!("{}/{}/feed", e.fb, e.bakery),
            &[("access_token", &e.bakery_token)],
        )
        .await;
    assert_graph_error(&v, 100, None);
}

#[tokio::test]
async fn duplicate_message_in_a_row_is_506_but_every_create_is_live() {
    let e = sandbox().await;
    e.bakery_post("Same").await;
    let (s, v) = e
        .post(
            &format!("{}/{}/feed", e.fb, e.bakery),
            &[("message", "Same"), ("access_token", &e.bakery_token)],
        )
        .await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 506, None);
    // Not consecutive: another post in between → accepted, and both copies are live.
    e.bakery_post("Other").await;
    e.bakery_post("Same").await;
    let same: Vec<_> =
        e.sb.live()
            .into_iter()
            .filter(|l| l.message.as_deref() == Some("Same"))
            .collect();
    assert_eq!(same.len(), 2);
    // Another Page may say the same thing.
    let (s, _) = e
        .post(
            &format!("{}/{}/feed", e.fb, e.studio),
            &[("message", "Other"), ("access_token", &e.studio_token)],
        )
        .await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn scheduled_post_goes_live_only_when_the_sandbox_clock_passes() {
    let e = sandbox().await;
    let feed = format!("{}/{}/feed", e.fb, e.bakery);
    let now = e.now_secs();

    // window checks (sandbox clock): 5 minutes, 31 days, and published=true are refused
    for (t, published) in [
        (now + 300, "false"),
        (now + 31 * 86_400, "false"),
        (now + 3600, "true"),
    ] {
        let (s, v) = e
            .post(
                &feed,
                &[
                    ("message", "too soon"),
                    ("published", published),
                    ("scheduled_publish_time", &t.to_string()),
                    ("access_token", &e.bakery_token),
                ],
            )
            .await;
        assert_eq!(s, 400, "{v}");
        assert_graph_error(&v, 100, None);
    }

    let at = now + 3600;
    let (s, v) = e
        .post(
            &feed,
            &[
                ("message", "Opening at noon"),
                ("published", "false"),
                ("scheduled_publish_time", &at.to_string()),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    assert!(e.sb.live().is_empty());

    // visible as scheduled in /feed and /scheduled_posts
    let (_, v) = e
        .get(&format!(
            "{feed}?fields=id,message,created_time,is_published,scheduled_publish_time&access_token={}",
            e.bakery_token
        ))
        .await;
    let item = &v["data"][0];
    assert_eq!(item["id"], id);
    assert_eq!(item["is_published"], false);
    assert_eq!(item["scheduled_publish_time"], at);
    assert!(item["created_time"].is_string());
    let (_, v) = e
        .get(&format!(
            "{}/{}/scheduled_posts?access_token={}",
            e.fb, e.bakery, e.bakery_token
        ))
        .await;
    assert_eq!(v["data"].as_array().unwrap().len(), 1);

    // 59 minutes later: still not live
    e.sb.clock().advance(Duration::from_secs(59 * 60));
    assert!(e.sb.live().is_empty());
    // past the time: live, with Herald not calling at all (control API moves the clock)
    let (s, _) = e
        .post_json(
            &format!("{}/_sandbox/clock", e.sb.base_url()),
            &json!({"advance_seconds": 120}),
        )
        .await;
    assert_eq!(s, 200);
    let live = e.sb.live();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].post_id, id);
    assert!(live[0].scheduled);
    assert_eq!(live[0].published_at.as_second(), at);
    let (_, v) = e
        .get(&format!(
            "{}/{id}?fields=is_published&access_token={}",
            e.fb, e.bakery_token
        ))
        .await;
    assert_eq!(v["is_published"], true);
    let (_, v) = e
        .get(&format!(
            "{}/{}/scheduled_posts?access_token={}",
            e.fb, e.bakery, e.bakery_token
        ))
        .await;
    assert!(v["data"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn scheduled_time_as_iso_and_clock_set() {
    let e = sandbox().await;
    e.sb.clock().set("2030-01-01T00:00:00Z".parse().unwrap());
    let (s, v) = e
        .post(
            &format!("{}/{}/feed", e.fb, e.bakery),
            &[
                ("message", "New year"),
                ("published", "false"),
                ("scheduled_publish_time", "2030-01-02T09:00:00+0000"),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, _) = e
        .post_json(
            &format!("{}/_sandbox/clock", e.sb.base_url()),
            &json!({"set": "2030-01-02T09:00:01Z"}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(e.sb.live().len(), 1);
}

#[tokio::test]
async fn edit_and_delete_a_scheduled_post() {
    let e = sandbox().await;
    let at = e.now_secs() + 7200;
    let (_, v) = e
        .post_json(
            &format!("{}/{}/feed", e.fb, e.bakery),
            &json!({"message": "Draft text", "published": false, "scheduled_publish_time": at,
                    "access_token": e.bakery_token}),
        )
        .await;
    let id = v["id"].as_str().unwrap().to_string();
    let later = at + 3600;
    let (s, v) = e
        .post(
            &format!("{}/{id}", e.fb),
            &[
                ("message", "Final text"),
                ("scheduled_publish_time", &later.to_string()),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v, json!({"success": true}));
    let (_, v) = e
        .get(&format!(
            "{}/{id}?fields=message,scheduled_publish_time&access_token={}",
            e.fb, e.bakery_token
        ))
        .await;
    assert_eq!(v["message"], "Final text");
    assert_eq!(v["scheduled_publish_time"], later);
    // the old time passes: nothing
    e.sb.clock().advance(Duration::from_secs(7300));
    assert!(e.sb.live().is_empty());
    // a user token cannot edit
    let (_, v) = e
        .post(
            &format!("{}/{id}", e.fb),
            &[("message", "x"), ("access_token", &e.user_token)],
        )
        .await;
    assert_graph_error(&v, 200, None);

    let (s, v) = e
        .delete(&format!("{}/{id}?access_token={}", e.fb, e.bakery_token))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["success"], true);
    e.sb.clock().advance(Duration::from_secs(86_400));
    assert!(e.sb.live().is_empty());
    let (_, v) = e
        .get(&format!("{}/{id}?access_token={}", e.fb, e.bakery_token))
        .await;
    assert_graph_error(&v, 100, Some(33));

    // deleting a live post keeps it in live(), marked deleted
    let id = e.bakery_post("gone soon").await;
    e.delete(&format!("{}/{id}?access_token={}", e.fb, e.bakery_token))
        .await;
    let live = e.sb.live();
    assert_eq!(live.len(), 1);
    assert!(live[0].deleted);
}

#[tokio::test]
async fn album_via_attached_media() {
    let e = sandbox().await;
    let photos = format!("{}/{}/photos", e.fb, e.bakery);
    let mut ids = Vec::new();
    for _ in 0..3 {
        let form = reqwest::multipart::Form::new()
            .text("published", "false")
            .text("temporary", "true")
            .text("access_token", e.bakery_token.clone())
            .part(
                "source",
                reqwest::multipart::Part::bytes(jpeg(2000)).file_name("p.jpg"),
            );
        let (s, v) = json_of(e.http.post(&photos).multipart(form).send().await.unwrap()).await;
        assert_eq!(s, 200, "{v}");
        assert!(
            v.get("post_id").is_none(),
            "unpublished photo has no post: {v}"
        );
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    assert!(e.sb.live().is_empty());

    // form-encoded attached_media[0]=…
    let a0 = json!({"media_fbid": ids[0]}).to_string();
    let a1 = json!({"media_fbid": ids[1]}).to_string();
    let (s, v) = e
        .post(
            &format!("{}/{}/feed", e.fb, e.bakery),
            &[
                ("message", "Two cakes"),
                ("attached_media[0]", &a0),
                ("attached_media[1]", &a1),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let album = v["id"].as_str().unwrap().to_string();
    let live = e.sb.live();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].kind, "album");
    assert_eq!(live[0].media_count, 2);
    assert_eq!(live[0].post_id, album);

    // a photo cannot be attached twice
    let (_, v) = e
        .post_json(
            &format!("{}/{}/feed", e.fb, e.bakery),
            &json!({"message": "again", "attached_media": [{"media_fbid": ids[0]}], "access_token": e.bakery_token}),
        )
        .await;
    assert_graph_error(&v, 100, Some(1366051));
    // JSON array form, one photo
    let (s, v) = e
        .post_json(
            &format!("{}/{}/feed", e.fb, e.bakery),
            &json!({"message": "One", "attached_media": [{"media_fbid": ids[2]}], "access_token": e.bakery_token}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    // a photo of another Page is refused
    let (_, v) = e
        .post_json(
            &format!("{}/{}/feed", e.fb, e.studio),
            &json!({"attached_media": [{"media_fbid": ids[2]}], "access_token": e.studio_token}),
        )
        .await;
    assert_graph_error(&v, 100, None);

    let (_, v) = e
        .get(&format!(
            "{}/{album}?fields=attachments,status_type&access_token={}",
            e.fb, e.bakery_token
        ))
        .await;
    assert_eq!(v["status_type"], "added_photos");
    assert_eq!(
        v["attachments"]["data"][0]["subattachments"]["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let (_, v) = e
        .get(&format!(
            "{photos}?type=uploaded&access_token={}",
            e.bakery_token
        ))
        .await;
    assert_eq!(v["data"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn posting_too_fast_when_the_seed_sets_a_pace() {
    let e = sandbox_with(herald_sandbox::Seed {
        min_post_interval: Some(Duration::from_secs(60)),
        ..fast_seed()
    })
    .await;
    e.bakery_post("one").await;
    let (s, v) = e
        .post(
            &format!("{}/{}/feed", e.fb, e.bakery),
            &[("message", "two"), ("access_token", &e.bakery_token)],
        )
        .await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 368, Some(1390008));
    e.sb.clock().advance(Duration::from_secs(61));
    e.bakery_post("two").await;
    assert_eq!(e.sb.live().len(), 2);
}
