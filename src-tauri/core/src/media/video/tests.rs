use super::*;
use crate::media::testing::{write_mp4, MinimalMp4};

/// Writes `spec` to a temporary file and probes it.
fn probe(spec: &MinimalMp4) -> CoreResult<VideoFacts> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.mp4");
    write_mp4(&path, spec).unwrap();
    probe_video(&path)
}

fn codes(violations: &[Violation]) -> Vec<&str> {
    violations.iter().map(|v| v.code.as_str()).collect()
}

#[test]
fn probes_a_fast_start_h264_video() {
    let facts = probe(&MinimalMp4::default()).unwrap();
    assert_eq!(facts.container, "mp4");
    assert_eq!(facts.duration_ms, 10_000);
    assert_eq!((facts.width, facts.height), (1080, 1920));
    assert_eq!(facts.video_codec.as_deref(), Some("h264"));
    assert_eq!(facts.audio_codec.as_deref(), Some("aac"));
    assert_eq!(facts.audio_channels, Some(2));
    assert_eq!(facts.audio_sample_rate, Some(48_000));
    assert_eq!(facts.frame_rate, Some(30.0));
    assert!(facts.moov_before_mdat);
    assert!(facts.size_bytes > 1024);
    assert_eq!(check_video(&facts, &INSTAGRAM_REEL), []);
    assert_eq!(check_video(&facts, &INSTAGRAM_STORY_VIDEO), []);
}

#[test]
fn probes_hevc_mov_rotated_without_sound() {
    let facts = probe(&MinimalMp4 {
        width: 1920,
        height: 1080,
        video_codec: "hvc1",
        rotation: 90,
        with_audio: false,
        brand: "qt  ",
        frame_rate: 60,
        ..MinimalMp4::default()
    })
    .unwrap();
    assert_eq!(facts.container, "mov");
    assert_eq!(facts.video_codec.as_deref(), Some("hevc"));
    assert_eq!(
        (facts.width, facts.height),
        (1080, 1920),
        "turned by the matrix"
    );
    assert_eq!(facts.audio_codec, None);
    assert_eq!(facts.frame_rate, Some(60.0));
    assert_eq!(check_video(&facts, &INSTAGRAM_REEL), []);
}

#[test]
fn names_each_broken_limit() {
    let long = probe(&MinimalMp4 {
        duration_ms: 980_000,
        ..MinimalMp4::default()
    })
    .unwrap();
    let violations = check_video(&long, &INSTAGRAM_REEL);
    assert_eq!(codes(&violations), ["video_duration"]);
    assert_eq!(
        violations[0].message,
        "This video is 16 min 20 s; Instagram reels must be 3 s to 15 min."
    );
    assert_eq!(
        check_video(&long, &INSTAGRAM_STORY_VIDEO)[0].message,
        "This video is 16 min 20 s; Instagram story videos must be 3 s to 60 s."
    );

    let short = probe(&MinimalMp4 {
        duration_ms: 2_400,
        ..MinimalMp4::default()
    })
    .unwrap();
    assert_eq!(
        check_video(&short, &INSTAGRAM_REEL)[0].message,
        "This video is 2.4 s; Instagram reels must be 3 s to 15 min."
    );

    let wide = probe(&MinimalMp4 {
        width: 3840,
        height: 240,
        video_codec: "mp4v",
        moov_first: false,
        ..MinimalMp4::default()
    })
    .unwrap();
    assert!(!wide.moov_before_mdat);
    assert_eq!(wide.video_codec.as_deref(), Some("mp4v"));
    let violations = check_video(&wide, &INSTAGRAM_REEL);
    assert_eq!(
        codes(&violations),
        ["video_aspect", "video_width", "video_codec", "video_moov"]
    );
    assert_eq!(
        violations[0].message,
        "This video is 16:1 (3840×240); Instagram reels must be between 0.01:1 and 10:1."
    );
    assert_eq!(
        violations[1].message,
        "This video is 3840 px wide; Instagram reels must be at most 1920 px wide — re-export it at 1080p."
    );
    assert_eq!(
        violations[2].message,
        "This video is encoded as MP4V; Instagram reels must be H.264 or HEVC — re-export it as H.264."
    );
    assert_eq!(
        violations[3].message,
        "The video's index (moov) is at the end of the file; Instagram needs it at the front — re-export with 'fast start'."
    );
}

#[test]
fn names_sound_and_frame_rate_problems() {
    let facts = probe(&MinimalMp4 {
        audio_sample_rate: 96_000,
        frame_rate: 15,
        ..MinimalMp4::default()
    })
    .unwrap();
    let violations = check_video(&facts, &INSTAGRAM_REEL);
    assert_eq!(
        codes(&violations),
        ["audio_sample_rate", "video_frame_rate"]
    );
    assert_eq!(
        violations[0].message,
        "This video's sound is sampled at 96 kHz; Instagram reels allow up to 48 kHz."
    );
    assert_eq!(
        violations[1].message,
        "This video is 15 frames per second; Instagram reels must be 23 to 60 fps."
    );
}

#[test]
fn size_limit_is_checked_from_the_file_without_reading_it() {
    let facts = probe(&MinimalMp4 {
        mdat_bytes: 101_000_000,
        ..MinimalMp4::default()
    })
    .unwrap();
    assert_eq!(check_video(&facts, &INSTAGRAM_REEL), []);
    let violations = check_video(&facts, &INSTAGRAM_STORY_VIDEO);
    assert_eq!(codes(&violations), ["video_size"]);
    assert_eq!(
        violations[0].message,
        "This video is 101 MB; Instagram story videos must be at most 100 MB."
    );
}

#[test]
fn an_unknown_codec_is_not_a_violation() {
    let mut facts = probe(&MinimalMp4::default()).unwrap();
    facts.video_codec = None;
    facts.audio_codec = None;
    facts.frame_rate = None;
    assert_eq!(check_video(&facts, &INSTAGRAM_REEL), []);
}

#[test]
fn refuses_truncated_and_foreign_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.mp4");
    write_mp4(
        &path,
        &MinimalMp4 {
            moov_first: false,
            mdat_bytes: 100_000,
            ..MinimalMp4::default()
        },
    )
    .unwrap();
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    let full = file.metadata().unwrap().len();
    // Cut inside the index at the end.
    file.set_len(full - 50).unwrap();
    let err = probe_video(&path).unwrap_err().to_string();
    assert!(err.contains("cannot be read as a video"), "{err}");
    assert!(err.contains("incomplete"), "{err}");
    // Cut inside the media data: no index at all.
    file.set_len(50_000).unwrap();
    let err = probe_video(&path).unwrap_err().to_string();
    assert!(err.contains("incomplete"), "{err}");

    std::fs::write(&path, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01").unwrap();
    let err = probe_video(&path).unwrap_err().to_string();
    assert!(err.contains("not an MP4 or MOV video"), "{err}");

    std::fs::write(&path, b"").unwrap();
    assert!(probe_video(&path)
        .unwrap_err()
        .to_string()
        .contains("empty"));

    // A well-formed box structure with a damaged index.
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"\0\0\0\x10ftypisom\0\0\0\0");
    bytes.extend_from_slice(b"\0\0\0\x18moov\0\0\0\x10mvhd\xff\xff\xff\xff\xff\xff\xff\xff");
    std::fs::write(&path, &bytes).unwrap();
    let err = probe_video(&path).unwrap_err().to_string();
    assert!(err.contains("cannot be read as a video"), "{err}");
}

#[test]
fn refuses_an_oversized_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.mp4");
    let file = File::create(&path).unwrap();
    let mut head = Vec::new();
    head.extend_from_slice(b"\0\0\0\x10ftypisom\0\0\0\0");
    let moov = MAX_MOOV_BYTES + 16;
    head.extend_from_slice(&u32::try_from(moov).unwrap().to_be_bytes());
    head.extend_from_slice(b"moov");
    std::io::Write::write_all(&mut &file, &head).unwrap();
    file.set_len(16 + moov).unwrap();
    let err = probe_video(&path).unwrap_err().to_string();
    assert!(err.contains("Herald reads indexes of up to"), "{err}");
}

#[test]
fn random_bytes_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.mp4");
    let mut good = Vec::new();
    write_mp4(&path, &MinimalMp4::default()).unwrap();
    std::io::Read::read_to_end(&mut File::open(&path).unwrap(), &mut good).unwrap();
    // Flip bytes through the index, one at a time, and truncate at many lengths.
    let mut seed = 0x2545_f491_u32;
    for round in 0..400 {
        let mut bytes = good.clone();
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let at = (seed as usize) % bytes.len();
        bytes[at] ^= (seed >> 8) as u8 | 1;
        if round % 4 == 0 {
            bytes.truncate(at.max(1));
        }
        std::fs::write(&path, &bytes).unwrap();
        let _ = probe_video(&path);
    }
}

#[test]
fn a_fragmented_file_takes_its_duration_from_mehd() {
    let mvhd = Mvhd {
        creation_time: 0,
        modification_time: 0,
        timescale: 1000,
        duration: 0,
        rate: 1.into(),
        volume: 1.into(),
        matrix: Default::default(),
        next_track_id: 2,
    };
    let video = Trak::default();
    assert_eq!(duration_ms(&mvhd, Some(12_500), &video), 12_500);
    assert_eq!(duration_ms(&mvhd, None, &video), 0);
    let whole = Mvhd {
        duration: 20_000,
        ..mvhd
    };
    assert_eq!(duration_ms(&whole, Some(12_500), &video), 20_000);
}

#[test]
fn an_unknown_duration_is_said_plainly() {
    let mut facts = probe(&MinimalMp4::default()).unwrap();
    facts.duration_ms = 0;
    let violations = check_video(&facts, &INSTAGRAM_REEL);
    assert_eq!(codes(&violations), ["video_duration"]);
    assert!(
        violations[0]
            .message
            .starts_with("Herald cannot tell how long this video is"),
        "{}",
        violations[0].message
    );
}
