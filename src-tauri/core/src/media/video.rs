//! Videos probed so they can be checked against each post type's limits before scheduling
//! (`../shared/platforms/meta-api.md` §1.10).
//!
//! Probing walks the file's top-level boxes with seeks, reading only their 8–16 byte headers,
//! then reads `ftyp` and `moov` (the index; at most [`MAX_MOOV_BYTES`]) and parses them with
//! `mp4-atom`. The media data (`mdat`), which is nearly all of the file, is never read: probing
//! a 300 MB video reads a few kilobytes.

use std::fmt;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use mp4_atom::{Codec, Decode, FourCC, Ftyp, Header, Mvex, Mvhd, ReadFrom, Trak};
use serde::{Deserialize, Serialize};

use super::units;
use crate::error::{CoreError, CoreResult};
use crate::violation::Violation;

/// The largest index (`moov`) Herald reads. A 15-minute 60 fps video's index is a few MB.
pub const MAX_MOOV_BYTES: u64 = 64 * 1024 * 1024;
/// The largest `ftyp` read (real ones are a few dozen bytes).
const MAX_FTYP_BYTES: u64 = 4096;
/// A file with more top-level boxes than this is not a video anyone recorded.
const MAX_TOP_LEVEL_BOXES: usize = 100_000;
/// Top-level boxes a video may start with.
const FIRST_BOXES: &[&[u8; 4]] = &[
    b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid", b"styp", b"sidx",
    b"pdin", b"meta",
];
/// Slack on frame-rate limits: variable-rate phone videos measure a little off their nominal
/// rate (29.97 for 30).
const FRAME_RATE_SLACK: f64 = 0.5;

/// What a video's index says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VideoFacts {
    /// "mp4", or "mov" for QuickTime files.
    pub container: String,
    /// The file's size.
    pub size_bytes: u64,
    /// The movie's length.
    pub duration_ms: u64,
    /// Width as shown, after the track's rotation.
    pub width: u32,
    /// Height as shown, after the track's rotation.
    pub height: u32,
    /// "h264", "hevc", "vp9", "av1"… or the sample entry's four-character code.
    pub video_codec: Option<String>,
    /// "aac", "mp3", "opus", "pcm"… or the sample entry's four-character code; `None` when
    /// the video has no sound.
    pub audio_codec: Option<String>,
    /// The sound's channel count (2 for stereo), when known.
    pub audio_channels: Option<u16>,
    /// The sound's sample rate in Hz, when known.
    pub audio_sample_rate: Option<u32>,
    /// Frames per second, averaged over the video track.
    pub frame_rate: Option<f64>,
    /// Whether the index comes before the media data ("fast start").
    pub moov_before_mdat: bool,
}

/// What a post type accepts for a video.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VideoLimits {
    /// What the videos are called in messages, e.g. "Instagram reels".
    pub label: &'static str,
    /// The largest file accepted.
    pub max_bytes: u64,
    /// The shortest video accepted.
    pub min_duration_ms: u64,
    /// The longest video accepted.
    pub max_duration_ms: u64,
    /// Narrowest width / height accepted.
    pub min_aspect: f64,
    /// Widest width / height accepted.
    pub max_aspect: f64,
    /// The widest picture accepted, in pixels.
    pub max_width: u32,
    /// Video codecs accepted, as in [`VideoFacts::video_codec`].
    pub codecs: &'static [&'static str],
    /// Sound codecs accepted, as in [`VideoFacts::audio_codec`].
    pub audio_codecs: &'static [&'static str],
    /// The most sound channels accepted.
    pub max_audio_channels: u16,
    /// The highest sound sample rate accepted, in Hz.
    pub max_audio_sample_rate: u32,
    /// The lowest frame rate accepted (frames per second).
    pub min_frame_rate: f64,
    /// The highest frame rate accepted (frames per second).
    pub max_frame_rate: f64,
    /// Whether the index must precede the media data.
    pub needs_moov_first: bool,
}

/// Instagram reels (and feed and carousel videos, which follow the reel specs): MP4/MOV with the
/// index first, 300 MB, 3 s – 15 min, 0.01:1 – 10:1, at most 1920 px wide, H.264 or HEVC,
/// 23–60 fps, AAC sound of at most 48 kHz and 2 channels.
pub const INSTAGRAM_REEL: VideoLimits = VideoLimits {
    label: "Instagram reels",
    max_bytes: 300_000_000,
    min_duration_ms: 3_000,
    max_duration_ms: 15 * 60_000,
    min_aspect: 0.01,
    max_aspect: 10.0,
    max_width: 1920,
    codecs: &["h264", "hevc"],
    audio_codecs: &["aac"],
    max_audio_channels: 2,
    max_audio_sample_rate: 48_000,
    min_frame_rate: 23.0,
    max_frame_rate: 60.0,
    needs_moov_first: true,
};

/// TikTok videos (`../shared/platforms/tiktok-api.md` §4): MP4, MOV or WebM, H.264, H.265, VP8 or
/// VP9, 23–60 fps, up to 4 GB and 10 minutes (each creator's own maximum is checked apart), up
/// to 4096 px.
pub const TIKTOK_VIDEO: VideoLimits = VideoLimits {
    label: "TikTok videos",
    max_bytes: 4 * 1024 * 1024 * 1024,
    min_duration_ms: 1_000,
    max_duration_ms: 10 * 60_000,
    min_aspect: 0.01,
    max_aspect: 100.0,
    max_width: 4096,
    codecs: &["h264", "hevc", "vp08", "vp09", "vp8", "vp9"],
    audio_codecs: &["aac", "mp3", "opus"],
    max_audio_channels: 8,
    max_audio_sample_rate: 96_000,
    min_frame_rate: 23.0,
    max_frame_rate: 60.0,
    needs_moov_first: false,
};

/// Instagram story videos: as reels, but 100 MB, 3–60 s and 0.1:1 – 10:1.
pub const INSTAGRAM_STORY_VIDEO: VideoLimits = VideoLimits {
    label: "Instagram story videos",
    max_bytes: 100_000_000,
    min_duration_ms: 3_000,
    max_duration_ms: 60_000,
    min_aspect: 0.1,
    max_aspect: 10.0,
    ..INSTAGRAM_REEL
};

/// Reads a video's facts from its index, without reading its media data.
pub fn probe_video(path: &Path) -> CoreResult<VideoFacts> {
    let file = File::open(path).map_err(|err| unreadable(path, err))?;
    let size_bytes = file.metadata().map_err(|err| unreadable(path, err))?.len();
    if size_bytes == 0 {
        return Err(unreadable(path, "the file is empty"));
    }
    // Unbuffered: each box header is one small read, and a buffer would be refilled after
    // every seek.
    let mut reader = file;
    let top = walk_top_level(&mut reader, size_bytes).map_err(|why| unreadable(path, why))?;
    let Some(moov) = top.moov else {
        return Err(unreadable(path, missing_moov(top.has_mdat)));
    };
    let movie = parse_moov_guarded(&moov).map_err(|why| unreadable(path, why))?;
    Ok(VideoFacts {
        container: container_name(top.ftyp.as_ref()).to_owned(),
        size_bytes,
        duration_ms: movie.duration_ms,
        width: movie.width,
        height: movie.height,
        video_codec: movie.video_codec,
        audio_codec: movie.audio.as_ref().and_then(|audio| audio.codec.clone()),
        audio_channels: movie.audio.as_ref().and_then(|audio| audio.channels),
        audio_sample_rate: movie.audio.as_ref().and_then(|audio| audio.sample_rate),
        frame_rate: movie.frame_rate,
        moov_before_mdat: top.moov_before_mdat,
    })
}

/// Every limit a video breaks, each naming the limit and the actual value. A codec that could
/// not be recognised is not a violation.
pub fn check_video(facts: &VideoFacts, limits: &VideoLimits) -> Vec<Violation> {
    [
        check_size(facts, limits),
        check_duration(facts, limits),
        check_aspect(facts, limits),
        check_width(facts, limits),
        check_codec(facts, limits),
        check_audio_codec(facts, limits),
        check_audio_format(facts, limits),
        check_frame_rate(facts, limits),
        check_moov(facts, limits),
    ]
    .into_iter()
    .flatten()
    .collect()
}

// ---------------------------------------------------------------------------------------------
// Checks

fn check_size(facts: &VideoFacts, limits: &VideoLimits) -> Option<Violation> {
    (facts.size_bytes > limits.max_bytes).then(|| {
        Violation::new(
            "video_size",
            format!(
                "This video is {}; {} must be at most {}.",
                units::bytes(facts.size_bytes),
                limits.label,
                units::bytes(limits.max_bytes)
            ),
        )
    })
}

fn check_duration(facts: &VideoFacts, limits: &VideoLimits) -> Option<Violation> {
    if facts.duration_ms == 0 {
        return Some(Violation::new(
            "video_duration",
            format!(
                "Herald cannot tell how long this video is (its index gives no duration, as in \
                 fragmented or streaming MP4s); {} must be {} to {} — re-export it as a regular MP4.",
                limits.label,
                units::duration(limits.min_duration_ms),
                units::duration(limits.max_duration_ms)
            ),
        ));
    }
    let range = limits.min_duration_ms..=limits.max_duration_ms;
    (!range.contains(&facts.duration_ms)).then(|| {
        Violation::new(
            "video_duration",
            format!(
                "This video is {}; {} must be {} to {}.",
                units::duration(facts.duration_ms),
                limits.label,
                units::duration(limits.min_duration_ms),
                units::duration(limits.max_duration_ms)
            ),
        )
    })
}

fn check_aspect(facts: &VideoFacts, limits: &VideoLimits) -> Option<Violation> {
    if facts.width == 0 || facts.height == 0 {
        return None;
    }
    let ratio = f64::from(facts.width) / f64::from(facts.height);
    let accepted =
        ratio >= limits.min_aspect * (1.0 - 1e-9) && ratio <= limits.max_aspect * (1.0 + 1e-9);
    (!accepted).then(|| {
        Violation::new(
            "video_aspect",
            format!(
                "This video is {} ({}×{}); {} must be between {} and {}.",
                units::describe_ratio(ratio),
                facts.width,
                facts.height,
                limits.label,
                units::limit_ratio(limits.min_aspect),
                units::limit_ratio(limits.max_aspect)
            ),
        )
    })
}

fn check_width(facts: &VideoFacts, limits: &VideoLimits) -> Option<Violation> {
    (facts.width > limits.max_width).then(|| {
        Violation::new(
            "video_width",
            format!(
                "This video is {} px wide; {} must be at most {} px wide — re-export it at 1080p.",
                facts.width, limits.label, limits.max_width
            ),
        )
    })
}

fn check_codec(facts: &VideoFacts, limits: &VideoLimits) -> Option<Violation> {
    let codec = facts.video_codec.as_deref()?;
    (!limits.codecs.contains(&codec)).then(|| {
        Violation::new(
            "video_codec",
            format!(
                "This video is encoded as {}; {} must be {} — re-export it as H.264.",
                codec_label(codec),
                limits.label,
                either(limits.codecs)
            ),
        )
    })
}

fn check_audio_codec(facts: &VideoFacts, limits: &VideoLimits) -> Option<Violation> {
    let codec = facts.audio_codec.as_deref()?;
    (!limits.audio_codecs.contains(&codec)).then(|| {
        Violation::new(
            "audio_codec",
            format!(
                "This video's sound is {}; {} need {} sound — re-export it with AAC audio.",
                codec_label(codec),
                limits.label,
                either(limits.audio_codecs)
            ),
        )
    })
}

fn check_audio_format(facts: &VideoFacts, limits: &VideoLimits) -> Option<Violation> {
    if let Some(rate) = facts
        .audio_sample_rate
        .filter(|rate| *rate > limits.max_audio_sample_rate)
    {
        return Some(Violation::new(
            "audio_sample_rate",
            format!(
                "This video's sound is sampled at {} kHz; {} allow up to {} kHz.",
                f64::from(rate) / 1000.0,
                limits.label,
                f64::from(limits.max_audio_sample_rate) / 1000.0
            ),
        ));
    }
    let channels = facts
        .audio_channels
        .filter(|channels| *channels > limits.max_audio_channels)?;
    Some(Violation::new(
        "audio_channels",
        format!(
            "This video's sound has {channels} channels; {} allow at most {} (stereo).",
            limits.label, limits.max_audio_channels
        ),
    ))
}

fn check_frame_rate(facts: &VideoFacts, limits: &VideoLimits) -> Option<Violation> {
    let fps = facts.frame_rate?;
    let accepted = fps >= limits.min_frame_rate - FRAME_RATE_SLACK
        && fps <= limits.max_frame_rate + FRAME_RATE_SLACK;
    (!accepted).then(|| {
        Violation::new(
            "video_frame_rate",
            format!(
                "This video is {} frames per second; {} must be {} to {} fps.",
                trim_number(fps),
                limits.label,
                trim_number(limits.min_frame_rate),
                trim_number(limits.max_frame_rate)
            ),
        )
    })
}

fn check_moov(facts: &VideoFacts, limits: &VideoLimits) -> Option<Violation> {
    (limits.needs_moov_first && !facts.moov_before_mdat).then(|| {
        Violation::new(
            "video_moov",
            "The video's index (moov) is at the end of the file; Instagram needs it at the front — re-export with 'fast start'.",
        )
    })
}

/// A codec's name in sentences.
fn codec_label(codec: &str) -> String {
    match codec {
        "h264" => "H.264".to_owned(),
        "hevc" => "HEVC".to_owned(),
        "aac" => "AAC".to_owned(),
        "pcm" => "uncompressed PCM".to_owned(),
        "eac3" => "E-AC-3".to_owned(),
        "ac3" => "AC-3".to_owned(),
        "opus" | "flac" => {
            let mut chars = codec.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
        other if other.len() <= 4 && other.chars().all(|c| c.is_ascii_alphanumeric()) => {
            other.to_uppercase()
        }
        other => format!("'{other}'"),
    }
}

/// "H.264 or HEVC".
fn either(codecs: &[&str]) -> String {
    let labels: Vec<String> = codecs.iter().map(|codec| codec_label(codec)).collect();
    match labels.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => "a supported codec".to_owned(),
    }
}

/// "29.97", "30".
fn trim_number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

// ---------------------------------------------------------------------------------------------
// The top-level walk

/// What the top level of the file holds.
#[derive(Default)]
struct TopLevel {
    ftyp: Option<Ftyp>,
    /// The whole `moov` box, header included.
    moov: Option<Vec<u8>>,
    has_mdat: bool,
    moov_before_mdat: bool,
}

/// One top-level box's place in the file.
struct BoxAt {
    kind: FourCC,
    /// Where the box starts.
    start: u64,
    /// Where it ends (the next box starts).
    end: u64,
}

/// Walks the top-level boxes by their headers, reading only `ftyp` and `moov`.
fn walk_top_level<R: Read + Seek>(reader: &mut R, size: u64) -> Result<TopLevel, Unreadable> {
    let mut top = TopLevel::default();
    let mut offset = 0;
    let mut count = 0;
    while size - offset >= 8 {
        count += 1;
        if count > MAX_TOP_LEVEL_BOXES {
            return Err(Unreadable::TooManyBoxes);
        }
        let at = read_box_header(reader, offset, size)?;
        if count == 1 && !FIRST_BOXES.iter().any(|kind| at.kind == FourCC::new(kind)) {
            return Err(Unreadable::NotAVideo);
        }
        match &at.kind.into() {
            b"ftyp" if top.ftyp.is_none() => top.ftyp = read_ftyp(reader, &at),
            b"moov" if top.moov.is_none() => {
                top.moov = Some(read_whole_box(reader, &at)?);
                top.moov_before_mdat = !top.has_mdat;
            }
            b"mdat" => top.has_mdat = true,
            _ => {}
        }
        offset = at.end;
    }
    Ok(top)
}

/// Reads the header of the box at `offset` and checks it fits in the file.
fn read_box_header<R: Read + Seek>(
    reader: &mut R,
    offset: u64,
    size: u64,
) -> Result<BoxAt, Unreadable> {
    reader.seek(SeekFrom::Start(offset))?;
    let header =
        Header::read_from(reader).map_err(|err| Unreadable::DamagedBoxHeader(err.to_string()))?;
    let body_start = reader.stream_position()?;
    if !is_printable(header.kind) {
        return Err(if offset == 0 {
            Unreadable::NotAVideo
        } else {
            Unreadable::NoBoxAt(offset)
        });
    }
    let end = match header.size {
        None => size,
        Some(body) => body_start
            .checked_add(body as u64)
            .ok_or(Unreadable::ImpossibleSize(header.kind))?,
    };
    if end > size {
        return Err(Unreadable::Incomplete {
            kind: header.kind,
            needs: end - offset,
            has: size - offset,
        });
    }
    Ok(BoxAt {
        kind: header.kind,
        start: offset,
        end,
    })
}

/// Whether a box type is four printable characters, as every real one is.
fn is_printable(kind: FourCC) -> bool {
    <[u8; 4]>::from(kind)
        .iter()
        .all(|byte| (0x20..0x7f).contains(byte) || *byte == 0xa9)
}

/// Reads and parses a (small) `ftyp`; a damaged one is ignored, its brand only names the
/// container.
fn read_ftyp<R: Read + Seek>(reader: &mut R, at: &BoxAt) -> Option<Ftyp> {
    if at.end - at.start > MAX_FTYP_BYTES {
        return None;
    }
    let bytes = read_whole_box(reader, at).ok()?;
    Ftyp::decode(&mut bytes.as_slice()).ok()
}

/// Reads a whole box into memory (only `ftyp` and `moov`, whose size is capped).
fn read_whole_box<R: Read + Seek>(reader: &mut R, at: &BoxAt) -> Result<Vec<u8>, Unreadable> {
    let length = at.end - at.start;
    if length > MAX_MOOV_BYTES {
        return Err(Unreadable::IndexTooLarge(length));
    }
    reader.seek(SeekFrom::Start(at.start))?;
    let mut bytes = Vec::new();
    reader.take(length).read_to_end(&mut bytes)?;
    if (bytes.len() as u64) < length {
        return Err(Unreadable::EndsInsideIndex);
    }
    Ok(bytes)
}

/// Why a file without `moov` cannot be used.
fn missing_moov(has_mdat: bool) -> &'static str {
    if has_mdat {
        "it has no index (moov): the file is incomplete — was it still being recorded or copied?"
    } else {
        "it has no index (moov), so it is not a playable MP4 or MOV video"
    }
}

/// "mov" for QuickTime files (brand `qt  `, or no `ftyp` at all), "mp4" otherwise.
fn container_name(ftyp: Option<&Ftyp>) -> &'static str {
    match ftyp {
        Some(ftyp) if ftyp.major_brand != FourCC::new(b"qt  ") => "mp4",
        _ => "mov",
    }
}

// ---------------------------------------------------------------------------------------------
// The index

/// What the index says, in Herald's terms.
#[derive(Debug, Default)]
struct Movie {
    duration_ms: u64,
    width: u32,
    height: u32,
    video_codec: Option<String>,
    frame_rate: Option<f64>,
    audio: Option<Sound>,
}

/// The first sound track.
#[derive(Debug)]
struct Sound {
    codec: Option<String>,
    channels: Option<u16>,
    sample_rate: Option<u32>,
}

/// Parses `moov`; a parser panic on a hostile file is reported, not propagated.
fn parse_moov_guarded(moov: &[u8]) -> Result<Movie, Unreadable> {
    catch_unwind(AssertUnwindSafe(|| parse_moov(moov))).unwrap_or(Err(Unreadable::ParserGaveUp))
}

/// Parses `mvhd` and each `trak` on its own, so an odd track (timed metadata, chapters) that
/// the parser rejects does not hide the video track.
fn parse_moov(moov: &[u8]) -> Result<Movie, Unreadable> {
    let mut body = moov;
    Header::decode(&mut body).map_err(|err| Unreadable::DamagedIndex(err.to_string()))?;
    let mut mvhd = None;
    let mut fragments = None;
    let mut traks = Vec::new();
    let mut first_error = None;
    while body.len() >= 8 {
        let child = next_child(&mut body)?;
        let kind: [u8; 4] = child.0.into();
        match &kind {
            b"mvhd" => {
                mvhd = Some(
                    Mvhd::decode(&mut &child.1[..])
                        .map_err(|err| Unreadable::DamagedMovieHeader(err.to_string()))?,
                )
            }
            b"mvex" => {
                fragments = Mvex::decode(&mut &child.1[..])
                    .ok()
                    .and_then(|mvex| mvex.mehd)
                    .map(|mehd| mehd.fragment_duration)
            }
            b"trak" => match Trak::decode(&mut &child.1[..]) {
                Ok(trak) => traks.push(trak),
                Err(err) => {
                    tracing::debug!(%err, "skipping a track the MP4 parser rejects");
                    first_error.get_or_insert(err);
                }
            },
            _ => {}
        }
    }
    let mvhd = mvhd.ok_or(Unreadable::NoMovieHeader)?;
    movie_from(&mvhd, fragments, &traks).ok_or_else(|| match first_error {
        Some(err) => Unreadable::VideoTrack(err.to_string()),
        None => Unreadable::NoVideoTrack,
    })
}

/// Splits the next child box (kind, whole box bytes) off the front of `body`.
fn next_child<'a>(body: &mut &'a [u8]) -> Result<(FourCC, &'a [u8]), Unreadable> {
    let mut cursor = *body;
    let header =
        Header::decode(&mut cursor).map_err(|err| Unreadable::DamagedIndex(err.to_string()))?;
    let header_len = body.len() - cursor.len();
    let length = match header.size {
        None => body.len(),
        Some(size) => header_len
            .checked_add(size)
            .filter(|length| *length <= body.len())
            .ok_or(Unreadable::Overrun(header.kind))?,
    };
    let (child, rest) = body.split_at(length);
    *body = rest;
    Ok((header.kind, child))
}

/// The facts from the movie header and the first video and sound tracks; `None` without a
/// video track. `fragments` is a fragmented file's total duration (`mehd`), if it has one.
fn movie_from(mvhd: &Mvhd, fragments: Option<u64>, traks: &[Trak]) -> Option<Movie> {
    let video = traks.iter().find(|trak| handler_is(trak, b"vide"))?;
    let (width, height) = display_size(video);
    let audio = traks
        .iter()
        .find(|trak| handler_is(trak, b"soun"))
        .map(sound);
    Some(Movie {
        duration_ms: duration_ms(mvhd, fragments, video),
        width,
        height,
        video_codec: video
            .mdia
            .minf
            .stbl
            .stsd
            .codecs
            .first()
            .and_then(video_codec_name),
        frame_rate: frame_rate(video),
        audio,
    })
}

fn handler_is(trak: &Trak, handler: &[u8; 4]) -> bool {
    trak.mdia.hdlr.handler == FourCC::new(handler)
}

/// The movie's duration, from `mvhd`; else, in a fragmented file, from `mehd`; else the video
/// track's.
fn duration_ms(mvhd: &Mvhd, fragments: Option<u64>, video: &Trak) -> u64 {
    let unset =
        |duration: u64| duration == 0 || duration == u64::MAX || duration == u64::from(u32::MAX);
    if mvhd.timescale > 0 {
        if let Some(duration) = [Some(mvhd.duration), fragments]
            .into_iter()
            .flatten()
            .find(|duration| !unset(*duration))
        {
            return scale_ms(duration, mvhd.timescale);
        }
    }
    let mdhd = &video.mdia.mdhd;
    if mdhd.timescale > 0 && !unset(mdhd.duration) {
        return scale_ms(mdhd.duration, mdhd.timescale);
    }
    0
}

/// `units` at `timescale` per second, in milliseconds.
fn scale_ms(units: u64, timescale: u32) -> u64 {
    let ms = u128::from(units) * 1000 / u128::from(timescale);
    u64::try_from(ms).unwrap_or(u64::MAX)
}

/// The picture's size as shown: the track header's size (or the sample entry's), turned by the
/// track's matrix when it rotates a quarter turn (phones record portrait video that way).
fn display_size(video: &Trak) -> (u32, u32) {
    let tkhd = &video.tkhd;
    let (mut width, mut height) = (
        u32::from(tkhd.width.integer()),
        u32::from(tkhd.height.integer()),
    );
    if width == 0 || height == 0 {
        if let Some(visual) = video
            .mdia
            .minf
            .stbl
            .stsd
            .codecs
            .first()
            .and_then(Codec::visual)
        {
            (width, height) = (u32::from(visual.width), u32::from(visual.height));
        }
    }
    let matrix = &tkhd.matrix;
    if matrix.a == 0 && matrix.d == 0 && matrix.b != 0 && matrix.c != 0 {
        (width, height) = (height, width);
    }
    (width, height)
}

/// Frames per second: samples over the track's duration in its time-to-sample table.
fn frame_rate(video: &Trak) -> Option<f64> {
    let timescale = video.mdia.mdhd.timescale;
    let (samples, ticks) =
        video
            .mdia
            .minf
            .stbl
            .stts
            .entries
            .iter()
            .fold((0_u64, 0_u64), |(samples, ticks), entry| {
                (
                    samples + u64::from(entry.sample_count),
                    ticks.saturating_add(
                        u64::from(entry.sample_count) * u64::from(entry.sample_delta),
                    ),
                )
            });
    if timescale == 0 || ticks == 0 || samples == 0 {
        return None;
    }
    let fps = samples as f64 * f64::from(timescale) / ticks as f64;
    Some((fps * 1000.0).round() / 1000.0)
}

/// A video sample entry's codec name; `None` when it cannot be named.
fn video_codec_name(codec: &Codec) -> Option<String> {
    let name = match codec {
        Codec::Avc1(_) | Codec::Avc3(_) => "h264",
        Codec::Hev1(_) | Codec::Hvc1(_) => "hevc",
        Codec::Vp08(_) => "vp8",
        Codec::Vp09(_) => "vp9",
        Codec::Av01(_) => "av1",
        Codec::Jpeg(_) => "jpeg",
        Codec::Uncv(_) => "uncompressed",
        Codec::Unknown(kind, _) => return fourcc_name(*kind),
        _ => return None,
    };
    Some(name.to_owned())
}

/// The first sound track's codec, channels and sample rate.
fn sound(trak: &Trak) -> Sound {
    let codec = trak.mdia.minf.stbl.stsd.codecs.first();
    let entry = codec.and_then(Codec::audio);
    let aac = match codec {
        Some(Codec::Mp4a(mp4a)) => mp4a.esds.es_desc.dec_config.dec_specific.as_ref(),
        _ => None,
    };
    let sample_rate = aac
        .and_then(|config| aac_sample_rate(config.freq_index))
        .or_else(|| entry.map(|audio| u32::from(audio.sample_rate.integer())))
        .filter(|rate| *rate > 0);
    let channels = aac
        .map(|config| u16::from(config.chan_conf))
        .filter(|channels| (1..=6).contains(channels))
        .or_else(|| entry.map(|audio| audio.channel_count))
        .filter(|channels| *channels > 0);
    Sound {
        codec: codec.and_then(audio_codec_name),
        channels,
        sample_rate,
    }
}

/// The AAC sampling frequency of an AudioSpecificConfig index (ISO/IEC 14496-3 §1.6.3.4).
fn aac_sample_rate(index: u8) -> Option<u32> {
    const RATES: [u32; 13] = [
        96_000, 88_200, 64_000, 48_000, 44_100, 32_000, 24_000, 22_050, 16_000, 12_000, 11_025,
        8_000, 7_350,
    ];
    RATES.get(usize::from(index)).copied()
}

/// An audio sample entry's codec name; `None` when it cannot be named.
fn audio_codec_name(codec: &Codec) -> Option<String> {
    let name = match codec {
        Codec::Mp4a(mp4a) => match mp4a.esds.es_desc.dec_config.object_type_indication {
            0x40 | 0x66..=0x68 => "aac",
            0x69 | 0x6b => "mp3",
            _ => "mp4a",
        },
        Codec::Mp3(_) => "mp3",
        Codec::Opus(_) => "opus",
        Codec::Flac(_) => "flac",
        Codec::Ac3(_) => "ac3",
        Codec::Eac3(_) => "eac3",
        Codec::Ipcm(_)
        | Codec::Fpcm(_)
        | Codec::Sowt(_)
        | Codec::Twos(_)
        | Codec::Lpcm(_)
        | Codec::In24(_)
        | Codec::In32(_)
        | Codec::Fl32(_)
        | Codec::Fl64(_)
        | Codec::S16l(_) => "pcm",
        Codec::Samr(_) => "amr",
        Codec::Unknown(kind, _) => return fourcc_name(*kind),
        _ => return None,
    };
    Some(name.to_owned())
}

/// A four-character code as text, trailing spaces trimmed; `None` unless printable.
fn fourcc_name(kind: FourCC) -> Option<String> {
    let bytes = <[u8; 4]>::from(kind);
    if !bytes
        .iter()
        .all(|byte| byte.is_ascii_graphic() || *byte == b' ')
    {
        return None;
    }
    let text: String = bytes.iter().map(|byte| char::from(*byte)).collect();
    Some(text.trim_end().to_owned()).filter(|text| !text.is_empty())
}

/// "'…' cannot be read as a video: {reason}".
/// Why a file cannot be read as a video (the sentence follows "… cannot be read as a video: ").
#[derive(Debug, thiserror::Error)]
enum Unreadable {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("it has more than {MAX_TOP_LEVEL_BOXES} top-level boxes")]
    TooManyBoxes,
    #[error("it is not an MP4 or MOV video")]
    NotAVideo,
    #[error("a box header is damaged ({0})")]
    DamagedBoxHeader(String),
    #[error("it is damaged at byte {0} (no box header there)")]
    NoBoxAt(u64),
    #[error("the '{0}' box has an impossible size")]
    ImpossibleSize(FourCC),
    #[error(
        "the file is incomplete: its '{kind}' box needs {} but the file ends after {} — was the copy interrupted?",
        units::bytes(*needs),
        units::bytes(*has)
    )]
    Incomplete { kind: FourCC, needs: u64, has: u64 },
    #[error(
        "its index (moov) is {}; Herald reads indexes of up to {}",
        units::bytes(*.0),
        units::bytes(MAX_MOOV_BYTES)
    )]
    IndexTooLarge(u64),
    #[error("the file is incomplete (it ends inside its index)")]
    EndsInsideIndex,
    #[error("its index (moov) is damaged")]
    ParserGaveUp,
    #[error("its index (moov) is damaged ({0})")]
    DamagedIndex(String),
    #[error("its index (moov) is damaged (the '{0}' box overruns it)")]
    Overrun(FourCC),
    #[error("its movie header (mvhd) is damaged ({0})")]
    DamagedMovieHeader(String),
    #[error("its index (moov) has no movie header (mvhd)")]
    NoMovieHeader,
    #[error("its video track cannot be read ({0})")]
    VideoTrack(String),
    #[error("it has no video track")]
    NoVideoTrack,
}

fn unreadable(path: &Path, reason: impl fmt::Display) -> CoreError {
    CoreError::invalid(format!(
        "'{}' cannot be read as a video: {reason}",
        path.display()
    ))
}

#[cfg(test)]
mod tests;
