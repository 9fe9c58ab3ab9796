//! Instagram's rules checked when a post is scheduled: each bad input gets its documented,
//! clear outcome (converted, asked, or refused), nothing crashes, and a draft is never lost.

mod common;

use std::path::{Path, PathBuf};

use common::{account, in_minutes, now, scheduled};
use herald_core::domain::{Platform, PostKind};
use herald_core::media::image::AspectFix;
use herald_core::options::{InstagramOptions, PostOptions};
use herald_core::posts::{NewMedia, NewPost};
use herald_core::Store;

fn jpeg(dir: &Path, name: &str, width: u32, height: u32) -> PathBuf {
    let path = dir.join(name);
    image::RgbImage::from_pixel(width, height, image::Rgb([180, 120, 60]))
        .save(&path)
        .unwrap();
    path
}

async fn setup() -> (tempfile::TempDir, Store, i64) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let ig = account(&store, Platform::Instagram, "bakery").await;
    (dir, store, ig.id)
}

fn photo_post(account: i64, caption: &str, media: Vec<PathBuf>) -> NewPost {
    NewPost {
        caption: caption.to_owned(),
        media: media.into_iter().map(NewMedia::from).collect(),
        ..scheduled(&[account], in_minutes(30), "UTC")
    }
}

/// Creating it refuses with a message containing `expected`; as a draft it is kept, and the
/// check names the same problem.
async fn refused_but_kept_as_draft(store: &Store, new: NewPost, expected: &str) {
    let err = store
        .create_post(new.clone(), now())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains(expected), "{err}");
    assert!(store
        .list_all_posts()
        .await
        .unwrap()
        .iter()
        .all(|p| p.draft));
    let draft = store
        .create_post(NewPost { draft: true, ..new }, now())
        .await
        .unwrap();
    let checks = store.check_post(draft.id).await.unwrap();
    let messages: Vec<&str> = checks
        .iter()
        .flat_map(|c| c.violations.iter().map(|v| v.message.as_str()))
        .collect();
    assert!(
        messages.iter().any(|m| m.contains(expected)),
        "{messages:?}"
    );
}

#[tokio::test]
async fn caption_limits_name_the_limit_and_the_actual_value() {
    let (dir, store, ig) = setup().await;
    let photo = jpeg(dir.path(), "ok.jpg", 1080, 1080);

    let long = "a".repeat(2_201);
    refused_but_kept_as_draft(
        &store,
        photo_post(ig, &long, vec![photo.clone()]),
        "The caption is 2201 characters; Instagram accepts up to 2200.",
    )
    .await;

    let tags: String = (0..31).map(|n| format!("#tag{n} ")).collect();
    refused_but_kept_as_draft(
        &store,
        photo_post(ig, &tags, vec![photo.clone()]),
        "The caption has 31 hashtags; Instagram accepts up to 30.",
    )
    .await;

    let mentions: String = (0..21).map(|n| format!("@friend{n} ")).collect();
    refused_but_kept_as_draft(
        &store,
        photo_post(ig, &mentions, vec![photo.clone()]),
        "mentions 21 accounts; Instagram accepts up to 20",
    )
    .await;

    // Exactly at the limits: accepted, with a note about the hashtags the apps show.
    let at_limit: String = (0..30).map(|n| format!("#t{n} ")).collect();
    let post = store
        .create_post(photo_post(ig, &at_limit, vec![photo]), now())
        .await
        .unwrap();
    let checks = store.check_post(post.id).await.unwrap();
    assert!(checks[0].is_ok());
    assert!(
        checks[0].notices.iter().any(|n| n.contains("at most 5")),
        "{checks:?}"
    );
}

#[tokio::test]
async fn bad_photos_are_refused_asked_about_or_converted() {
    let (dir, store, ig) = setup().await;

    // Corrupt: refused with a clear reason.
    let corrupt = dir.path().join("corrupt.jpg");
    let mut bytes = std::fs::read(jpeg(dir.path(), "whole.jpg", 400, 400)).unwrap();
    bytes.truncate(bytes.len() / 3);
    bytes.extend_from_slice(&[0u8; 64]);
    std::fs::write(&corrupt, &bytes).unwrap();
    let err = store
        .create_post(photo_post(ig, "Corrupt", vec![corrupt]), now())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("Instagram:"), "{err}");

    // 9:16 for the feed: the user is asked to choose Fit or Crop; with a choice it is accepted.
    let tall = jpeg(dir.path(), "tall.jpg", 1080, 1920);
    refused_but_kept_as_draft(
        &store,
        photo_post(ig, "Tall", vec![tall.clone()]),
        "Fit or Crop",
    )
    .await;
    let cropped = store
        .create_post(
            NewPost {
                options: PostOptions {
                    instagram: InstagramOptions {
                        aspect_fix: Some(AspectFix::Fit),
                        ..InstagramOptions::default()
                    },
                    ..PostOptions::default()
                },
                ..photo_post(ig, "Tall, padded", vec![tall])
            },
            now(),
        )
        .await
        .unwrap();
    let checks = store.check_post(cropped.id).await.unwrap();
    assert!(checks[0].is_ok(), "{checks:?}");

    // PNG with transparency: converted, and the change is listed.
    let png = dir.path().join("logo.png");
    image::RgbaImage::from_pixel(800, 800, image::Rgba([10, 20, 30, 100]))
        .save(&png)
        .unwrap();
    let post = store
        .create_post(photo_post(ig, "Logo", vec![png]), now())
        .await
        .unwrap();
    let changes = store.check_post(post.id).await.unwrap()[0]
        .changes
        .join(" | ");
    assert!(changes.contains("JPEG"), "{changes}");
}

#[tokio::test]
async fn kinds_and_carousel_sizes_follow_instagram() {
    let (dir, store, ig) = setup().await;
    let photo = jpeg(dir.path(), "p.jpg", 1080, 1080);

    let one = NewPost {
        kind: PostKind::Carousel,
        ..photo_post(ig, "One", vec![photo.clone()])
    };
    refused_but_kept_as_draft(
        &store,
        one,
        "This carousel has 1 item; Instagram carousels take 2 to 10.",
    )
    .await;

    let eleven = NewPost {
        kind: PostKind::Carousel,
        ..photo_post(ig, "Eleven", vec![photo.clone(); 11])
    };
    refused_but_kept_as_draft(&store, eleven, "This carousel has 11 items").await;

    let text_only = photo_post(ig, "Just words", vec![]);
    refused_but_kept_as_draft(&store, text_only, "need a photo or a video").await;

    let reel_of_photo = NewPost {
        kind: PostKind::Reel,
        ..photo_post(ig, "Not a video", vec![photo.clone()])
    };
    refused_but_kept_as_draft(&store, reel_of_photo, "A reel is a video").await;

    let ten = NewPost {
        kind: PostKind::Carousel,
        ..photo_post(ig, "Ten", vec![photo; 10])
    };
    store.create_post(ten, now()).await.unwrap();
}
