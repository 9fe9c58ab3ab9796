//! `/{page-id}/photos`: multipart uploads, size and format checks, URLs the sandbox fetches.

mod common;

use axum::routing::get;
use common::*;
use reqwest::multipart::{Form, Part};

async fn upload(e: &Env, bytes: Vec<u8>, extra: &[(&str, &str)]) -> (u16, serde_json::Value) {
    let mut form = Form::new().text("access_token", e.bakery_token.clone());
    for (k, v) in extra {
        form = form.text(k.to_string(), v.to_string());
    }
    form = form.part("source", Part::bytes(bytes).file_name("photo.bin"));
    json_of(
        e.http
            .post(format!("{}/{}/photos", e.fb, e.bakery))
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn multipart_photo_is_published_and_checked() {
    let e = sandbox().await;
    let (s, v) = upload(&e, jpeg(50_000), &[("message", "Our bread")]).await;
    assert_eq!(s, 200, "{v}");
    let photo = v["id"].as_str().unwrap().to_string();
    let post = v["post_id"].as_str().unwrap().to_string();
    assert!(post.starts_with(&format!("{}_", e.bakery)));
    let live = e.sb.live();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].kind, "photo");
    assert_eq!(live[0].media_count, 1);
    assert_eq!(live[0].message.as_deref(), Some("Our bread"));
    let (_, v) = e
        .get(&format!(
            "{}/{photo}?fields=id,name,page_story_id,link&access_token={}",
            e.fb, e.bakery_token
        ))
        .await;
    assert_eq!(v["page_story_id"], post);
    assert_eq!(v["name"], "Our bread");

    // PNG and GIF by magic bytes
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    png.resize(100, 0);
    let (s, _) = upload(&e, png, &[("published", "false")]).await;
    assert_eq!(s, 200);
    let mut gif = b"GIF89a".to_vec();
    gif.resize(100, 0);
    let (s, _) = upload(&e, gif, &[("published", "false")]).await;
    assert_eq!(s, 200);

    // over 4 MB → 1366046
    let (s, v) = upload(&e, jpeg(4 * 1024 * 1024 + 1), &[]).await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 100, Some(1366046));
    // not an image → 324
    let (s, v) = upload(&e, b"%PDF-1.7 definitely not an image".to_vec(), &[]).await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 324, Some(2069019));
    // nothing at all
    let (_, v) = e
        .post(
            &format!("{}/{}/photos", e.fb, e.bakery),
            &[("access_token", &e.bakery_token)],
        )
        .await;
    assert_graph_error(&v, 324, None);
    // bad boolean
    let (_, v) = upload(&e, jpeg(100), &[("published", "maybe")]).await;
    assert_graph_error(&v, 100, None);
    assert_eq!(e.sb.live().len(), 1);
}

#[tokio::test]
async fn photo_url_is_fetched_from_a_local_server() {
    let e = sandbox().await;
    // a tiny media server on 127.0.0.1
    let app = axum::Router::new()
        .route("/cake.jpg", get(|| async { jpeg(10_000) }))
        .route("/huge.jpg", get(|| async { jpeg(5 * 1024 * 1024) }))
        .route("/page.html", get(|| async { "<html>not an image</html>" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let media = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let photos = format!("{}/{}/photos", e.fb, e.bakery);
    let (s, v) = e
        .post(
            &photos,
            &[
                ("url", &format!("{media}/cake.jpg")),
                ("message", "From URL"),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert!(v["post_id"].is_string());

    let (_, v) = e
        .post(
            &photos,
            &[
                ("url", &format!("{media}/missing.jpg")),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_graph_error(&v, 100, Some(2061006));
    assert!(
        v["error"]["message"].as_str().unwrap().contains("404"),
        "{v}"
    );
    let (_, v) = e
        .post(
            &photos,
            &[
                ("url", &format!("{media}/huge.jpg")),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_graph_error(&v, 100, Some(1366046));
    let (_, v) = e
        .post(
            &photos,
            &[
                ("url", &format!("{media}/page.html")),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_graph_error(&v, 324, Some(2069019));
    let (_, v) = e
        .post(
            &photos,
            &[
                ("url", "ftp://nowhere/x.jpg"),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_graph_error(&v, 100, Some(2061006));
    assert_eq!(e.sb.live().len(), 1);
}

#[tokio::test]
async fn photo_story_and_stories_list() {
    let e = sandbox().await;
    let (_, v) = upload(&e, jpeg(1000), &[("published", "false")]).await;
    let photo = v["id"].as_str().unwrap().to_string();
    let (s, v) = e
        .post(
            &format!("{}/{}/photo_stories", e.fb, e.bakery),
            &[("photo_id", &photo), ("access_token", &e.bakery_token)],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["success"], true);
    let post = v["post_id"].as_str().unwrap().to_string();
    // the same media cannot be used again
    let (_, v) = e
        .post(
            &format!("{}/{}/photo_stories", e.fb, e.bakery),
            &[("photo_id", &photo), ("access_token", &e.bakery_token)],
        )
        .await;
    assert_graph_error(&v, 100, Some(1366051));
    let live = e.sb.live();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].kind, "story");
    let (_, v) = e
        .get(&format!(
            "{}/{}/stories?access_token={}",
            e.fb, e.bakery, e.bakery_token
        ))
        .await;
    assert_eq!(v["data"][0]["post_id"], post);
    assert_eq!(v["data"][0]["media_type"], "photo");
    assert_eq!(v["data"][0]["status"], "PUBLISHED");
    // stories do not show in the feed
    let (_, v) = e
        .get(&format!(
            "{}/{}/feed?access_token={}",
            e.fb, e.bakery, e.bakery_token
        ))
        .await;
    assert!(v["data"].as_array().unwrap().is_empty());
}
