//! "Try Herald with sandbox accounts" from the command line: `herald sandbox on` adds simulated
//! Pages, the resident process hosts the sandbox and publishes to it, `herald sandbox off`
//! removes everything again. Needs the OS keyring (`make test` provides one).

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{keyring_enabled, now, Herald};
use serde_json::Value;

#[test]
fn sandbox_accounts_publish_locally_and_are_removed_in_one_step() {
    if !keyring_enabled() {
        return;
    }
    let herald = Herald::new();
    let port = two_free_ports();

    let on = herald.run(&["sandbox", "on", "--port", &port.to_string()]);
    assert!(
        on.status.success(),
        "{}",
        String::from_utf8_lossy(&on.stderr)
    );
    let accounts = herald.json(&["accounts", "list", "--json"]);
    let accounts = accounts.as_array().unwrap();
    assert_eq!(
        accounts.len(),
        6,
        "two Pages, two Instagram accounts, two TikTok creators"
    );
    assert!(accounts
        .iter()
        .all(|a| a["simulated"] == true && a["name"].as_str().unwrap().contains("(sandbox)")));

    let mut tray = herald
        .command(&["tray"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let account = accounts[0]["id"].to_string();
    let post = herald.json(&[
        "posts",
        "create",
        "--account",
        &account,
        "--at",
        &now(),
        "--caption",
        "Hello sandbox",
        "--json",
    ]);
    herald.wait_published(&post["id"].to_string());

    // A sandbox Instagram account publishes a photo through the sandbox's own media relay.
    let instagram = accounts
        .iter()
        .find(|a| a["platform"] == "instagram")
        .unwrap()["id"]
        .to_string();
    let photo = herald.dir.path().join("bread.jpg");
    image::RgbImage::from_pixel(1080, 1080, image::Rgb([200, 150, 90]))
        .save(&photo)
        .unwrap();
    let post = herald.json(&[
        "posts",
        "create",
        "--account",
        &instagram,
        "--at",
        &now(),
        "--caption",
        "Hello sandbox Instagram",
        "--media",
        photo.to_str().unwrap(),
        "--json",
    ]);
    let published = herald.wait_published(&post["id"].to_string());
    assert!(published["targets"][0]["permalink"]
        .as_str()
        .is_some_and(|p| p.starts_with("https://www.instagram.com/")));

    // And a sandbox TikTok creator a video, with the privacy TikTok requires.
    let tiktok = accounts.iter().find(|a| a["platform"] == "tiktok").unwrap()["id"].to_string();
    let clip = herald.dir.path().join("clip.mp4");
    herald_core::media::testing::write_mp4(&clip, &Default::default()).unwrap();
    let post = herald.json(&[
        "posts",
        "create",
        "--account",
        &tiktok,
        "--at",
        &now(),
        "--kind",
        "video",
        "--media",
        clip.to_str().unwrap(),
        "--tiktok-privacy",
        "everyone",
        "--json",
    ]);
    let published = herald.wait_published(&post["id"].to_string());
    assert!(published["targets"][0]["permalink"]
        .as_str()
        .is_some_and(|p| p.starts_with("https://www.tiktok.com/@")));

    let off = herald.run(&["sandbox", "off"]);
    assert!(
        off.status.success(),
        "{}",
        String::from_utf8_lossy(&off.stderr)
    );
    assert_eq!(
        herald.json(&["accounts", "list", "--json"]),
        Value::Array(vec![])
    );
    assert_eq!(
        herald.json(&["posts", "list", "--json"]),
        Value::Array(vec![]),
        "the sandbox's posts go too"
    );
    // The resident process stops serving the sandbox.
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "sandbox still serving"
    );
    let _ = tray.kill();
    let _ = tray.wait();
}

/// A port whose next port is free too (the sandbox's media relay listens there).
fn two_free_ports() -> u16 {
    loop {
        let first = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = first.local_addr().unwrap().port();
        if port < u16::MAX && std::net::TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            return port;
        }
    }
}
