//! Test helpers: a writer of minimal but well-formed MP4 files, for tests here and in other
//! crates (enable the `testing` feature). The boxes are written byte by byte from ISO/IEC
//! 14496-12, independently of the parser Herald reads them with.
//!
//! The media data is not real video: `mdat` is `mdat_bytes` zeros, made by extending the file
//! (sparse where the file system allows), so a 200 MB file costs neither memory nor time.

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::Path;

/// What [`write_mp4`] writes. `..MinimalMp4::default()` fills what a test does not care about.
#[derive(Debug, Clone, PartialEq)]
pub struct MinimalMp4 {
    /// The stored picture width (before `rotation`).
    pub width: u32,
    /// The stored picture height (before `rotation`).
    pub height: u32,
    pub duration_ms: u64,
    /// The video sample entry: "avc1" (with an `avcC`), "hvc1" (with an `hvcC`), or any other
    /// four-character code, written as a bare visual sample entry.
    pub video_codec: &'static str,
    /// Frames per second (a whole number).
    pub frame_rate: u32,
    /// Degrees clockwise in the track matrix: 0, 90, 180 or 270 (phones record portrait
    /// video as landscape turned 90°).
    pub rotation: u16,
    /// Adds an AAC (`mp4a` + `esds`) sound track.
    pub with_audio: bool,
    /// The sound's sample rate in Hz (AAC rates only: 8000–96000).
    pub audio_sample_rate: u32,
    /// The sound's channels.
    pub audio_channels: u16,
    /// Puts `moov` before `mdat` ("fast start"); otherwise after it, as cameras do.
    pub moov_first: bool,
    /// The size of the media data.
    pub mdat_bytes: u64,
    /// The `ftyp` major brand: "isom" for MP4, "qt  " for QuickTime.
    pub brand: &'static str,
}

impl Default for MinimalMp4 {
    /// A 10-second 1080×1920 H.264 + AAC video, index first, 1 KB of media data.
    fn default() -> Self {
        MinimalMp4 {
            width: 1080,
            height: 1920,
            duration_ms: 10_000,
            video_codec: "avc1",
            frame_rate: 30,
            rotation: 0,
            with_audio: true,
            audio_sample_rate: 48_000,
            audio_channels: 2,
            moov_first: true,
            mdat_bytes: 1024,
            brand: "isom",
        }
    }
}

/// Writes an MP4 (or MOV) file as described. Streams: memory use does not depend on
/// `mdat_bytes`.
pub fn write_mp4(path: &Path, spec: &MinimalMp4) -> io::Result<()> {
    let ftyp = ftyp(spec.brand);
    let mdat_header = mdat_header(spec.mdat_bytes);
    // The media data starts right after ftyp (+ moov when it comes first); moov's size does
    // not depend on the offset it records, so measure it first.
    let moov_len = moov(spec, 0).len() as u64;
    let mut data_start = (ftyp.len() + mdat_header.len()) as u64;
    if spec.moov_first {
        data_start += moov_len;
    }
    let moov = moov(spec, data_start);
    let mut file = File::create(path)?;
    file.write_all(&ftyp)?;
    if spec.moov_first {
        file.write_all(&moov)?;
    }
    file.write_all(&mdat_header)?;
    let data_end = file.stream_position()? + spec.mdat_bytes;
    file.set_len(data_end)?;
    file.seek(SeekFrom::Start(data_end))?;
    if !spec.moov_first {
        file.write_all(&moov)?;
    }
    file.sync_all()
}

/// A box: size, type, body.
fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(
        &u32::try_from(body.len() + 8)
            .unwrap_or(u32::MAX)
            .to_be_bytes(),
    );
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

/// A full box: a box whose body starts with a version and 24 bits of flags.
fn full_box(kind: &[u8; 4], version: u8, flags: u32, body: &[u8]) -> Vec<u8> {
    let mut content = Vec::with_capacity(body.len() + 4);
    content.extend_from_slice(&((u32::from(version) << 24) | (flags & 0x00ff_ffff)).to_be_bytes());
    content.extend_from_slice(body);
    boxed(kind, &content)
}

/// A box of boxes.
fn container(kind: &[u8; 4], children: &[Vec<u8>]) -> Vec<u8> {
    boxed(kind, &children.concat())
}

/// Appends big-endian integers.
struct Bytes(Vec<u8>);

impl Bytes {
    fn new() -> Self {
        Bytes(Vec::new())
    }
    fn u8(mut self, v: u8) -> Self {
        self.0.push(v);
        self
    }
    fn u16(mut self, v: u16) -> Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }
    fn u32(mut self, v: u32) -> Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }
    fn i32(mut self, v: i32) -> Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }
    fn raw(mut self, v: &[u8]) -> Self {
        self.0.extend_from_slice(v);
        self
    }
    fn zeros(mut self, n: usize) -> Self {
        self.0.resize(self.0.len() + n, 0);
        self
    }
    fn matrix(self, degrees: u16) -> Self {
        // a b u / c d v / x y w, 16.16 except u v w (2.30).
        let (a, b, c, d) = match degrees {
            90 => (0, 0x10000, -0x10000, 0),
            180 => (-0x10000, 0, 0, -0x10000),
            270 => (0, -0x10000, 0x10000, 0),
            _ => (0x10000, 0, 0, 0x10000),
        };
        self.i32(a)
            .i32(b)
            .i32(0)
            .i32(c)
            .i32(d)
            .i32(0)
            .i32(0)
            .i32(0)
            .i32(0x4000_0000)
    }
    fn done(self) -> Vec<u8> {
        self.0
    }
}

fn ftyp(brand: &str) -> Vec<u8> {
    let brand = four(brand);
    boxed(
        b"ftyp",
        &Bytes::new()
            .raw(&brand)
            .u32(0x200)
            .raw(&brand)
            .raw(b"iso2avc1mp41")
            .done(),
    )
}

/// A four-character code, space-padded or cut.
fn four(text: &str) -> [u8; 4] {
    let mut out = *b"    ";
    for (slot, byte) in out.iter_mut().zip(text.bytes()) {
        *slot = byte;
    }
    out
}

/// The `mdat` header; 64-bit ("largesize") when the data does not fit 32 bits.
fn mdat_header(data: u64) -> Vec<u8> {
    match u32::try_from(data + 8) {
        Ok(size) => Bytes::new().u32(size).raw(b"mdat").done(),
        Err(_) => Bytes::new()
            .u32(1)
            .raw(b"mdat")
            .raw(&(data + 16).to_be_bytes())
            .done(),
    }
}

/// Samples in the video track and in the sound track.
fn sample_counts(spec: &MinimalMp4) -> (u32, u32) {
    let video = spec.duration_ms * u64::from(spec.frame_rate) / 1000;
    // AAC frames are 1024 samples.
    let audio = spec.duration_ms * u64::from(spec.audio_sample_rate) / 1000 / 1024;
    (
        u32::try_from(video.max(1)).unwrap_or(u32::MAX),
        u32::try_from(audio.max(1)).unwrap_or(u32::MAX),
    )
}

fn moov(spec: &MinimalMp4, data_start: u64) -> Vec<u8> {
    let (video_samples, audio_samples) = sample_counts(spec);
    let total = u64::from(video_samples)
        + if spec.with_audio {
            u64::from(audio_samples)
        } else {
            0
        };
    let sample_size = u32::try_from((spec.mdat_bytes / total).max(1)).unwrap_or(u32::MAX);
    let mut children = vec![
        mvhd(spec),
        video_trak(spec, video_samples, sample_size, data_start),
    ];
    if spec.with_audio {
        let audio_start = data_start + u64::from(video_samples) * u64::from(sample_size);
        children.push(audio_trak(spec, audio_samples, sample_size, audio_start));
    }
    container(b"moov", &children)
}

fn mvhd(spec: &MinimalMp4) -> Vec<u8> {
    let body = Bytes::new()
        .u32(0) // creation time
        .u32(0) // modification time
        .u32(1000) // timescale
        .u32(u32::try_from(spec.duration_ms).unwrap_or(u32::MAX))
        .u32(0x0001_0000) // rate 1.0
        .u16(0x0100) // volume 1.0
        .zeros(10)
        .matrix(0)
        .zeros(24) // pre_defined
        .u32(3) // next track id
        .done();
    full_box(b"mvhd", 0, 0, &body)
}

fn tkhd(spec: &MinimalMp4, track_id: u32, video: bool) -> Vec<u8> {
    let (width, height, volume, rotation) = if video {
        (spec.width, spec.height, 0, spec.rotation)
    } else {
        (0, 0, 0x0100, 0)
    };
    let body = Bytes::new()
        .u32(0)
        .u32(0)
        .u32(track_id)
        .u32(0)
        .u32(u32::try_from(spec.duration_ms).unwrap_or(u32::MAX))
        .zeros(8)
        .u16(0) // layer
        .u16(0) // alternate group
        .u16(volume)
        .u16(0)
        .matrix(rotation)
        .u32(width << 16)
        .u32(height << 16)
        .done();
    full_box(b"tkhd", 0, 3, &body)
}

fn mdhd(timescale: u32, duration: u64) -> Vec<u8> {
    let body = Bytes::new()
        .u32(0)
        .u32(0)
        .u32(timescale)
        .u32(u32::try_from(duration).unwrap_or(u32::MAX))
        .u16(0x55c4) // "und"
        .u16(0)
        .done();
    full_box(b"mdhd", 0, 0, &body)
}

fn hdlr(handler: &[u8; 4], name: &str) -> Vec<u8> {
    let body = Bytes::new()
        .u32(0)
        .raw(handler)
        .zeros(12)
        .raw(name.as_bytes())
        .u8(0)
        .done();
    full_box(b"hdlr", 0, 0, &body)
}

fn dinf() -> Vec<u8> {
    let url = full_box(b"url ", 0, 1, &[]);
    let dref = full_box(b"dref", 0, 0, &Bytes::new().u32(1).raw(&url).done());
    container(b"dinf", &[dref])
}

/// `stts`, `stsc`, `stsz` and `stco` for one chunk of equal samples.
fn sample_tables(samples: u32, delta: u32, size: u32, offset: u64) -> Vec<Vec<u8>> {
    let offset = u32::try_from(offset).unwrap_or(u32::MAX);
    vec![
        full_box(
            b"stts",
            0,
            0,
            &Bytes::new().u32(1).u32(samples).u32(delta).done(),
        ),
        full_box(
            b"stsc",
            0,
            0,
            &Bytes::new().u32(1).u32(1).u32(samples).u32(1).done(),
        ),
        full_box(b"stsz", 0, 0, &Bytes::new().u32(size).u32(samples).done()),
        full_box(b"stco", 0, 0, &Bytes::new().u32(1).u32(offset).done()),
    ]
}

fn video_trak(spec: &MinimalMp4, samples: u32, sample_size: u32, offset: u64) -> Vec<u8> {
    let timescale = spec.frame_rate.max(1) * 1000;
    let stsd = full_box(
        b"stsd",
        0,
        0,
        &Bytes::new().u32(1).raw(&visual_entry(spec)).done(),
    );
    let mut stbl = vec![stsd];
    stbl.extend(sample_tables(samples, 1000, sample_size, offset));
    let vmhd = full_box(b"vmhd", 0, 1, &[0; 8]);
    let minf = container(b"minf", &[vmhd, dinf(), container(b"stbl", &stbl)]);
    let mdia = container(
        b"mdia",
        &[
            mdhd(timescale, u64::from(samples) * 1000),
            hdlr(b"vide", "VideoHandler"),
            minf,
        ],
    );
    container(b"trak", &[tkhd(spec, 1, true), mdia])
}

fn visual_entry(spec: &MinimalMp4) -> Vec<u8> {
    let kind = four(spec.video_codec);
    let mut body = Bytes::new()
        .zeros(6)
        .u16(1) // data reference index
        .zeros(16)
        .u16(u16::try_from(spec.width).unwrap_or(u16::MAX))
        .u16(u16::try_from(spec.height).unwrap_or(u16::MAX))
        .u32(0x0048_0000)
        .u32(0x0048_0000)
        .u32(0)
        .u16(1) // frame count
        .zeros(32) // compressor name
        .u16(0x18) // depth
        .u16(0xffff) // pre_defined = -1
        .done();
    match &kind {
        b"avc1" | b"avc3" => body.extend(avcc()),
        b"hvc1" | b"hev1" => body.extend(hvcc()),
        _ => {}
    }
    boxed(&kind, &body)
}

/// An `avcC` for High profile level 4.0 with a token SPS and PPS.
fn avcc() -> Vec<u8> {
    let sps = [0x67, 0x64, 0x00, 0x28, 0xac, 0xd9, 0x40, 0x78];
    let pps = [0x68, 0xeb, 0xec, 0xb2, 0x2c];
    let body = Bytes::new()
        .u8(1)
        .u8(0x64)
        .u8(0)
        .u8(0x28)
        .u8(0xff) // 4-byte NAL lengths
        .u8(0xe1) // one SPS
        .u16(sps.len() as u16)
        .raw(&sps)
        .u8(1)
        .u16(pps.len() as u16)
        .raw(&pps)
        .done();
    boxed(b"avcC", &body)
}

/// An `hvcC` for Main profile with no parameter-set arrays.
fn hvcc() -> Vec<u8> {
    let body = Bytes::new()
        .u8(1) // configuration version
        .u8(0x01) // profile space 0, tier 0, Main
        .u32(0x6000_0000) // compatibility flags
        .zeros(6) // constraint flags
        .u8(120) // level 4.0
        .u16(0xf000) // min spatial segmentation
        .u8(0xfc) // parallelism
        .u8(0xfd) // 4:2:0
        .u8(0xf8) // 8-bit luma
        .u8(0xf8) // 8-bit chroma
        .u16(0) // average frame rate
        .u8(0x0f) // 4-byte NAL lengths
        .u8(0) // no arrays
        .done();
    boxed(b"hvcC", &body)
}

fn audio_trak(spec: &MinimalMp4, samples: u32, sample_size: u32, offset: u64) -> Vec<u8> {
    let rate = spec.audio_sample_rate.max(1);
    let stsd = full_box(b"stsd", 0, 0, &Bytes::new().u32(1).raw(&mp4a(spec)).done());
    let mut stbl = vec![stsd];
    stbl.extend(sample_tables(samples, 1024, sample_size, offset));
    let smhd = full_box(b"smhd", 0, 0, &[0; 4]);
    let minf = container(b"minf", &[smhd, dinf(), container(b"stbl", &stbl)]);
    let mdia = container(
        b"mdia",
        &[
            mdhd(rate, u64::from(samples) * 1024),
            hdlr(b"soun", "SoundHandler"),
            minf,
        ],
    );
    container(b"trak", &[tkhd(spec, 2, false), mdia])
}

/// An AAC-LC sample entry with its `esds`.
fn mp4a(spec: &MinimalMp4) -> Vec<u8> {
    let rate = spec.audio_sample_rate;
    let body = Bytes::new()
        .zeros(6)
        .u16(1) // data reference index
        .zeros(8) // version, revision, vendor
        .u16(spec.audio_channels)
        .u16(16) // sample size
        .u32(0) // compression id, packet size
        .u32(u32::from(u16::try_from(rate).unwrap_or(0)) << 16)
        .raw(&esds(rate, spec.audio_channels))
        .done();
    boxed(b"mp4a", &body)
}

/// An `esds` for AAC-LC (ISO/IEC 14496-1 descriptors).
fn esds(rate: u32, channels: u16) -> Vec<u8> {
    const RATES: [u32; 13] = [
        96_000, 88_200, 64_000, 48_000, 44_100, 32_000, 24_000, 22_050, 16_000, 12_000, 11_025,
        8_000, 7_350,
    ];
    let index = RATES.iter().position(|r| *r == rate).unwrap_or(3) as u16;
    // AudioSpecificConfig: 5 bits object type (2 = LC), 4 bits rate index, 4 bits channels.
    let config = (2 << 11) | (index << 7) | ((channels & 0xf) << 3);
    let specific = descriptor(0x05, &config.to_be_bytes());
    let decoder = descriptor(
        0x04,
        &Bytes::new()
            .u8(0x40) // AAC
            .u8(0x15) // audio stream
            .raw(&[0, 0, 0]) // buffer size
            .u32(128_000)
            .u32(128_000)
            .raw(&specific)
            .done(),
    );
    let sl = descriptor(0x06, &[0x02]);
    let es = descriptor(
        0x03,
        &Bytes::new().u16(2).u8(0).raw(&decoder).raw(&sl).done(),
    );
    full_box(b"esds", 0, 0, &es)
}

/// A descriptor: tag, one-byte length (bodies here are short), body.
fn descriptor(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag, u8::try_from(body.len()).unwrap_or(u8::MAX)];
    out.extend_from_slice(body);
    out
}
