//! Crash safety (DESIGN.md §3): `herald run` is killed with SIGKILL at each persisted step of a
//! Facebook publish and started again; the sandbox's record of what went live must show every
//! target published exactly once, and nothing may stay stuck in `publishing`.
//!
//! Uses the OS keyring (tokens are imported into it): `make test` runs it inside a D-Bus session
//! with GNOME Keyring; elsewhere set `HERALD_TEST_REAL_KEYRING=1` to run it.

mod common;

use common::{keyring_enabled, kill_at, start_sandbox, Herald};

/// What a scenario publishes.
struct Publish<'a> {
    caption: &'a str,
    kind: &'a str,
    /// File name and content of each media file.
    media: Vec<(&'a str, Vec<u8>)>,
    /// The sandbox's kind of live post (`feed`, `album`, `video`, `reel`, `story`).
    live_kind: &'a str,
}

/// One scenario on a fresh sandbox: a post for both sandbox Pages, killed at each of `points`
/// in turn, then run to the end; exactly one live post per Page, nothing left `publishing`.
fn scenario(what: Publish<'_>, points: &[&str]) {
    let (sandbox, _runtime) = start_sandbox();
    let env = Herald::with_sandbox(&sandbox);
    let ids = env.import_sandbox_pages(&sandbox);
    assert_eq!(ids.len(), 2);
    let now = jiff::Timestamp::now().to_string();
    let mut args = vec![
        "posts".to_owned(),
        "create".into(),
        "--account".into(),
        ids[0].clone(),
        "--account".into(),
        ids[1].clone(),
        "--at".into(),
        now,
        "--caption".into(),
        what.caption.into(),
        "--kind".into(),
        what.kind.into(),
        "--json".into(),
    ];
    for (name, bytes) in &what.media {
        let path = env.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        args.push("--media".into());
        args.push(path.to_string_lossy().into_owned());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let post = env.json(&args);
    let id = post["id"].to_string();

    for point in points {
        kill_at(&env, point);
    }
    let out = env.run(&["run", "--until-idle"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let post = env.json(&["posts", "show", &id, "--json"]);
    for target in post["targets"].as_array().unwrap() {
        assert_eq!(target["status"], "published", "{}: {target}", what.caption);
        assert!(target["permalink"]
            .as_str()
            .is_some_and(|p| p.contains("facebook.com")));
    }
    let live: Vec<_> = sandbox
        .live()
        .into_iter()
        .filter(|p| p.kind == what.live_kind && !p.deleted)
        .collect();
    for page in &sandbox.tokens().facebook_pages {
        let on_page = live.iter().filter(|p| p.account_id == page.id).count();
        assert_eq!(
            on_page, 1,
            "{}: exactly once on {}, got {on_page}: {live:?}",
            what.caption, page.name
        );
    }
}

/// An MP4-looking file (a valid `ftyp` box, then filler) of `len` bytes.
fn mp4(len: usize) -> Vec<u8> {
    let mut bytes = vec![0, 0, 0, 0x18];
    bytes.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
    bytes.extend((bytes.len()..len).map(|i| (i % 251) as u8));
    bytes.truncate(len);
    bytes
}

/// A 1×1 PNG.
fn png() -> Vec<u8> {
    vec![
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0,
        0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 0x0D, 0x49, 0x44,
        0x41, 0x54, 0x78, 0x9C, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0D, 0x0A, 0x2D, 0xB4, 0, 0, 0, 0,
        0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]
}

fn text(caption: &str) -> Publish<'_> {
    Publish {
        caption,
        kind: "post",
        media: vec![],
        live_kind: "feed",
    }
}

#[test]
fn killed_at_every_step_of_a_text_post_it_is_published_exactly_once() {
    if !keyring_enabled() {
        return;
    }
    scenario(
        text("killed before the call"),
        &["facebook.feed.before_call"],
    );
    scenario(text("killed after the call"), &["facebook.feed.after_call"]);
    scenario(
        text("killed after the call, then while reconciling"),
        &["facebook.feed.after_call", "facebook.feed.reconcile"],
    );
    scenario(
        text("killed twice before the call"),
        &["facebook.feed.before_call", "facebook.feed.before_call"],
    );
}

#[test]
fn killed_at_every_step_of_photo_and_video_posts_each_is_published_exactly_once() {
    if !keyring_enabled() {
        return;
    }
    let photos = || Publish {
        caption: "two photos",
        kind: "post",
        media: vec![("a.png", png()), ("b.png", png())],
        live_kind: "album",
    };
    scenario(
        photos(),
        &["facebook.feed.before_call", "facebook.feed.after_call"],
    );
    let reel = || Publish {
        caption: "a reel",
        kind: "reel",
        media: vec![("reel.mp4", mp4(9 * 1024 * 1024))],
        live_kind: "reel",
    };
    scenario(
        reel(),
        &[
            "facebook.reel.upload.after_chunk",
            "facebook.reel.publish.before_call",
        ],
    );
    scenario(
        reel(),
        &[
            "facebook.reel.publish.after_call",
            "facebook.reel.publish.reconcile",
        ],
    );
    let video = || Publish {
        caption: "a feed video",
        kind: "video",
        media: vec![("clip.mp4", mp4(3 * 1024 * 1024))],
        live_kind: "video",
    };
    scenario(
        video(),
        &[
            "facebook.video.upload.after_chunk",
            "facebook.video.publish.after_call",
        ],
    );
    let story = Publish {
        caption: "",
        kind: "story",
        media: vec![("story.png", png())],
        live_kind: "story",
    };
    scenario(story, &["facebook.photo_story.publish.after_call"]);
}
