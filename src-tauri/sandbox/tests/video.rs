//! Videos: resumable uploads, `/videos`, the legacy chunked protocol, Reels and video Stories.

mod common;

use std::time::Duration;

use common::*;
use herald_sandbox::{Seed, VideoProcessing};
use reqwest::multipart::{Form, Part};
use serde_json::Value;

async fn status_of(e: &Env, video: &str) -> Value {
    let (s, v) = e
        .get(&format!(
            "{}/{video}?fields=status,post_id,permalink_url&access_token={}",
            e.fb, e.bakery_token
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    v
}

async fn wait_ready(e: &Env, video: &str) -> Value {
    eventually(5, || async {
        let v = status_of(e, video).await;
        (v["status"]["video_status"] != "processing").then_some(v)
    })
    .await
}

#[tokio::test]
async fn resumable_upload_then_publish_on_the_video_host() {
    let e = sandbox().await;
    let app = &e.t.facebook_app_id;
    let bytes = mp4(3000);
    let (s, v) = e
        .post(
            &format!(
                "{}/{app}/uploads?file_name=v.mp4&file_length=3000&file_type=video/mp4",
                e.fb
            ),
            &[("access_token", &e.user_token)],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let session = v["id"].as_str().unwrap().to_string();
    assert!(session.starts_with("upload:"));

    let send = |offset: u64, body: Vec<u8>| {
        e.http
            .post(format!("{}/{session}", e.fb))
            .header("authorization", format!("OAuth {}", e.user_token))
            .header("file_offset", offset.to_string())
            .body(body)
            .send()
    };
    let (s, v) = json_of(send(0, bytes[..1000].to_vec()).await.unwrap()).await;
    assert_eq!(s, 200, "{v}");
    let handle = v["h"].as_str().unwrap().to_string();
    // a wrong offset is refused
    let (s, v) = json_of(send(500, bytes[500..].to_vec()).await.unwrap()).await;
    assert_eq!(s, 400);
    assert_graph_error(&v, 100, Some(1363037));
    // resume: ask where we are
    let (_, v) = json_of(
        e.http
            .get(format!("{}/{session}", e.fb))
            .header("authorization", format!("OAuth {}", e.user_token))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v["file_offset"], 1000);

    // an incomplete upload cannot be published
    let videos = format!("{}/{}/videos", e.fbv, e.bakery);
    let (_, v) = e
        .post(
            &videos,
            &[
                ("fbuploader_video_file_chunk", &handle),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_graph_error(&v, 6001, None);

    let (s, _) = json_of(send(1000, bytes[1000..].to_vec()).await.unwrap()).await;
    assert_eq!(s, 200);
    let form = Form::new()
        .text("access_token", e.bakery_token.clone())
        .text("title", "Oven tour")
        .text("description", "How we bake")
        .text("fbuploader_video_file_chunk", handle.clone());
    let (s, v) = json_of(e.http.post(&videos).multipart(form).send().await.unwrap()).await;
    assert_eq!(s, 200, "{v}");
    let video = v["id"].as_str().unwrap().to_string();

    let v = status_of(&e, &video).await;
    assert_eq!(v["status"]["video_status"], "processing");
    assert!(v.get("post_id").is_none());
    assert!(e.sb.live().is_empty());
    let v = wait_ready(&e, &video).await;
    assert_eq!(v["status"]["video_status"], "ready", "{v}");
    assert_eq!(
        v["status"]["publishing_phase"]["publish_status"],
        "published"
    );
    let post = v["post_id"].as_str().unwrap().to_string();
    assert!(v["permalink_url"].as_str().unwrap().contains(&video));
    let live = e.sb.live();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].kind, "video");
    assert_eq!(live[0].post_id, post);
    assert_eq!(live[0].message.as_deref(), Some("How we bake"));
}

#[tokio::test]
async fn video_by_file_url_legacy_chunks_and_bad_files() {
    let e = sandbox_with(Seed {
        video_processing: VideoProcessing::SandboxClock(Duration::from_secs(30)),
        ..Seed::default()
    })
    .await;
    let videos = format!("{}/{}/videos", e.fbv, e.bakery);

    // legacy chunked: start / transfer ×2 / finish
    let (s, v) = e
        .post(
            &videos,
            &[
                ("upload_phase", "start"),
                ("file_size", "5000"),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let video = v["video_id"].as_str().unwrap().to_string();
    let session = v["upload_session_id"].as_str().unwrap().to_string();
    assert_eq!(v["start_offset"], "0");
    let bytes = mp4(5000);
    let transfer = |start: usize, end: usize| {
        let form = Form::new()
            .text("access_token", e.bakery_token.clone())
            .text("upload_phase", "transfer")
            .text("upload_session_id", session.clone())
            .text("start_offset", start.to_string())
            .part(
                "video_file_chunk",
                Part::bytes(bytes[start..end].to_vec()).file_name("chunk"),
            );
        e.http.post(&videos).multipart(form).send()
    };
    let (s, v) = json_of(transfer(0, 2000).await.unwrap()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["start_offset"], "2000");
    let (_, v) = json_of(transfer(1000, 5000).await.unwrap()).await;
    assert_graph_error(&v, 6001, Some(1363037));
    assert_eq!(v["error"]["error_data"]["start_offset"], "2000");
    let (_, v) = json_of(transfer(2000, 5000).await.unwrap()).await;
    assert_eq!(v["start_offset"], "5000");
    assert_eq!(v["end_offset"], "5000");
    let (s, v) = e
        .post(
            &videos,
            &[
                ("upload_phase", "finish"),
                ("upload_session_id", &session),
                ("description", "Legacy"),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["success"], true);
    assert_eq!(
        status_of(&e, &video).await["status"]["video_status"],
        "processing"
    );
    // processing measured on the sandbox clock
    e.sb.clock().advance(Duration::from_secs(31));
    assert_eq!(
        status_of(&e, &video).await["status"]["video_status"],
        "ready"
    );
    assert_eq!(e.sb.live().len(), 1);

    // a file that is not a video ends in status error and never goes live
    let form = Form::new()
        .text("access_token", e.bakery_token.clone())
        .part(
            "source",
            Part::bytes(vec![b'x'; 4096]).file_name("notes.txt"),
        );
    let (s, v) = json_of(e.http.post(&videos).multipart(form).send().await.unwrap()).await;
    assert_eq!(s, 200, "{v}");
    let bad = v["id"].as_str().unwrap().to_string();
    e.sb.clock().advance(Duration::from_secs(31));
    let v = status_of(&e, &bad).await;
    assert_eq!(v["status"]["video_status"], "error");
    assert!(v["status"]["processing_phase"]["error"]["message"].is_string());
    assert_eq!(e.sb.live().len(), 1);

    // too small
    let form = Form::new()
        .text("access_token", e.bakery_token.clone())
        .part("source", Part::bytes(mp4(100)).file_name("tiny.mp4"));
    let (_, v) = json_of(e.http.post(&videos).multipart(form).send().await.unwrap()).await;
    assert_graph_error(&v, 382, Some(1363022));
    // unreachable file_url
    let (_, v) = e
        .post(
            &videos,
            &[
                ("file_url", "http://127.0.0.1:9/v.mp4"),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_graph_error(&v, 389, None);

    // scheduled video: goes live at its time
    let at = e.now_secs() + 86_400;
    let form = Form::new()
        .text("access_token", e.bakery_token.clone())
        .text("published", "false")
        .text("scheduled_publish_time", at.to_string())
        .part("source", Part::bytes(mp4(2048)).file_name("later.mp4"));
    let (s, v) = json_of(e.http.post(&videos).multipart(form).send().await.unwrap()).await;
    assert_eq!(s, 200, "{v}");
    e.sb.clock().advance(Duration::from_secs(3600));
    assert_eq!(e.sb.live().len(), 1);
    e.sb.clock().advance(Duration::from_secs(86_400));
    let live = e.sb.live();
    assert_eq!(live.len(), 2);
    assert!(live[1].scheduled);
    assert_eq!(live[1].published_at.as_second(), at);
}

#[tokio::test]
async fn reel_start_upload_resume_finish() {
    let e = sandbox().await;
    let reels = format!("{}/{}/video_reels", e.fb, e.bakery);
    let (s, v) = e
        .post(
            &reels,
            &[("upload_phase", "start"), ("access_token", &e.bakery_token)],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let video = v["video_id"].as_str().unwrap().to_string();
    let upload_url = v["upload_url"].as_str().unwrap().to_string();
    assert_eq!(
        upload_url,
        format!("{}/rupload/video-upload/v25.0/{video}", e.sb.base_url())
    );

    let bytes = mp4(10_000);
    let put = |offset: usize, end: usize, auth: String| {
        e.http
            .post(&upload_url)
            .header("authorization", auth)
            .header("offset", offset.to_string())
            .header("file_size", "10000")
            .body(bytes[offset..end].to_vec())
            .send()
    };
    let oauth = format!("OAuth {}", e.bakery_token);
    // Bearer is not what rupload takes
    let (s, v) = json_of(
        put(0, 4000, format!("Bearer {}", e.bakery_token))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 401);
    assert_eq!(v["debug_info"]["type"], "ProcessingFailedError");
    let (s, v) = json_of(put(0, 4000, oauth.clone()).await.unwrap()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["success"], true);
    // finishing early fails
    let (_, v) = e
        .post(
            &reels,
            &[
                ("upload_phase", "finish"),
                ("video_id", &video),
                ("video_state", "PUBLISHED"),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_graph_error(&v, 6000, None);
    // a gap is an OffsetInvalidError
    let (s, v) = json_of(put(6000, 10_000, oauth.clone()).await.unwrap()).await;
    assert_eq!(s, 400);
    assert_eq!(v["debug_info"]["type"], "OffsetInvalidError");
    // resume from what the status says
    let v = status_of(&e, &video).await;
    assert_eq!(v["status"]["video_status"], "uploading");
    let done = v["status"]["uploading_phase"]["bytes_transfered"]
        .as_u64()
        .unwrap() as usize;
    assert_eq!(done, 4000);
    let (s, _) = json_of(put(done, 10_000, oauth.clone()).await.unwrap()).await;
    assert_eq!(s, 200);
    assert_eq!(
        status_of(&e, &video).await["status"]["video_status"],
        "upload_complete"
    );

    let (s, v) = e
        .post(
            &reels,
            &[
                ("upload_phase", "finish"),
                ("video_id", &video),
                ("video_state", "PUBLISHED"),
                ("description", "Behind the counter"),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["success"], true);
    let v = wait_ready(&e, &video).await;
    assert_eq!(v["status"]["video_status"], "ready");
    assert!(v["permalink_url"].as_str().unwrap().contains("/reel/"));
    let live = e.sb.live();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].kind, "reel");
    assert_eq!(live[0].message.as_deref(), Some("Behind the counter"));

    // scheduled reel: window 10 min – 29 days
    let (_, v) = e
        .post(
            &reels,
            &[("upload_phase", "start"), ("access_token", &e.bakery_token)],
        )
        .await;
    let video2 = v["video_id"].as_str().unwrap().to_string();
    let url2 = v["upload_url"].as_str().unwrap().to_string();
    let r = e
        .http
        .post(&url2)
        .header("authorization", oauth.clone())
        .header("offset", "0")
        .header("file_size", "2000")
        .body(mp4(2000))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let too_far = (e.now_secs() + 30 * 86_400).to_string();
    let (_, v) = e
        .post(
            &reels,
            &[
                ("upload_phase", "finish"),
                ("video_id", &video2),
                ("video_state", "SCHEDULED"),
                ("scheduled_publish_time", &too_far),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_graph_error(&v, 100, None);
    let at = e.now_secs() + 3600;
    let (s, v) = e
        .post(
            &reels,
            &[
                ("upload_phase", "finish"),
                ("video_id", &video2),
                ("video_state", "SCHEDULED"),
                ("scheduled_publish_time", &at.to_string()),
                ("access_token", &e.bakery_token),
            ],
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let v = wait_ready(&e, &video2).await;
    assert_eq!(
        v["status"]["publishing_phase"]["publish_status"],
        "scheduled"
    );
    assert_eq!(e.sb.live().len(), 1);
    e.sb.clock().advance(Duration::from_secs(3601));
    let live = e.sb.live();
    assert_eq!(live.len(), 2);
    assert!(live[1].scheduled);
}

#[tokio::test]
async fn reel_quota_per_page() {
    let e = sandbox_with(Seed {
        reels_per_day: 2,
        ..fast_seed()
    })
    .await;
    let reels = format!("{}/{}/video_reels", e.fb, e.bakery);
    let mut last = None;
    for _ in 0..3 {
        let (_, v) = e
            .post(
                &reels,
                &[("upload_phase", "start"), ("access_token", &e.bakery_token)],
            )
            .await;
        let id = v["video_id"].as_str().unwrap().to_string();
        let r = e
            .http
            .post(v["upload_url"].as_str().unwrap())
            .header("authorization", format!("OAuth {}", e.bakery_token))
            .header("offset", "0")
            .header("file_size", "1500")
            .body(mp4(1500))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        last = Some(
            e.post(
                &reels,
                &[
                    ("upload_phase", "finish"),
                    ("video_id", &id),
                    ("video_state", "PUBLISHED"),
                    ("access_token", &e.bakery_token),
                ],
            )
            .await,
        );
    }
    let (s, v) = last.unwrap();
    assert_eq!(s, 400);
    assert_graph_error(&v, 9, None);
    // a day later there is room again
    e.sb.clock().advance(Duration::from_secs(86_401));
    let (_, v) = e
        .post(
            &reels,
            &[("upload_phase", "start"), ("access_token", &e.bakery_token)],
        )
        .await;
    assert!(v["video_id"].is_string());
}

#[tokio::test]
async fn video_story() {
    let e = sandbox().await;
    let stories = format!("{}/{}/video_stories", e.fb, e.bakery);
    let (s, v) = e
        .post_json(
            &stories,
            &serde_json::json!({"upload_phase": "start", "access_token": e.bakery_token}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let video = v["video_id"].as_str().unwrap().to_string();
    let r = e
        .http
        .post(v["upload_url"].as_str().unwrap())
        .header("authorization", format!("OAuth {}", e.bakery_token))
        .header("offset", "0")
        .header("file_size", "3000")
        .body(mp4(3000))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let (s, v) = e
        .post_json(&stories, &serde_json::json!({"upload_phase": "finish", "video_id": video, "access_token": e.bakery_token}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["success"], true);
    let post = v["post_id"].as_str().unwrap().to_string();
    let live = e.sb.live();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].kind, "story");
    assert_eq!(live[0].post_id, post);
    let (_, v) = e
        .get(&format!(
            "{}/{}/stories?access_token={}",
            e.fb, e.bakery, e.bakery_token
        ))
        .await;
    assert_eq!(v["data"][0]["media_type"], "video");
    assert_eq!(v["data"][0]["media_id"], video);
}
