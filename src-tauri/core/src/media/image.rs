//! Photos prepared so a platform accepts them (`../shared/platforms/meta-api.md` §1.10): JPEG,
//! sRGB, upright, within the width, aspect and size limits of the post type.
//!
//! Reading a photo's facts looks at its header only (a JPEG is also walked marker by marker, to
//! refuse a truncated file that decoders would silently fill with grey). Preparing it decodes it
//! under explicit limits (at most [`MAX_MEGAPIXELS`]), flattens transparency on white, crops or
//! pads only when the user chose to, scales it while still in the file's stored orientation
//! (block averaging down to twice the target, then Lanczos3), turns the small result upright,
//! converts a non-sRGB colour profile to sRGB, and encodes a JPEG small enough, written
//! atomically. A JPEG that needs nothing is copied byte for byte. An animated GIF or WebP gives
//! its first frame.
//!
//! Colour: an embedded RGB ICC profile that does not behave like sRGB (Display P3, Adobe RGB…) is
//! converted to sRGB with `moxcms`. CMYK JPEGs are converted to RGB by the decoder; their profile,
//! like a grey one, is not applied: those pixels are taken as sRGB, as browsers do for untagged
//! images.

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read, Seek, SeekFrom, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use fast_image_resize as fir;
use image::error::LimitErrorKind;
use image::metadata::Orientation;
use image::{
    ColorType, DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, Rgb,
    RgbImage,
};
use moxcms::{ColorProfile, DataColorSpace, Layout, Transform8BitExecutor, TransformOptions};
use serde::{Deserialize, Serialize};

mod geometry;
mod jpeg;

use self::geometry::{stored_rect, swaps_axes, Aspect, Geometry, Rect};
use self::jpeg::jpeg_layout;
use super::units;
use crate::error::{CoreError, CoreResult};
use crate::violation::Violation;

/// The largest photo Herald prepares, in megapixels. A 12,000×9,000 photo (108 MP) is prepared;
/// anything larger is refused before its pixels are decoded.
pub const MAX_MEGAPIXELS: u64 = 200;
const MAX_PIXELS: u64 = MAX_MEGAPIXELS * 1_000_000;
/// The most memory the decoded pixels may take (a 108 MP photo in 16-bit RGBA fits).
const DECODE_BUDGET: u64 = 1 << 30;
/// The largest photo file Herald reads (some decoders read the whole file to parse the header).
const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;
/// JPEG qualities tried in turn until the file is small enough.
const JPEG_QUALITIES: &[u8] = &[90, 85, 80, 75, 70, 60, 50];
/// A photo at least twice this many times its target size is first block-averaged down to this
/// many times the target, then resampled with Lanczos3.
const PRE_SHRINK_GAP: u32 = 2;
/// Relative slack when comparing ratios, so float noise never refuses an exact 4:5 or 1.91:1.
const RATIO_EPSILON: f64 = 1e-9;

/// How a photo outside the allowed aspect range is brought inside it. Never applied unless the
/// user chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum AspectFix {
    /// Keep the whole photo and add white bars up to the nearest allowed ratio.
    Fit,
    /// Cut the photo, centred, to the nearest allowed ratio.
    Crop,
}

impl AspectFix {
    /// Every value, in declaration order.
    pub const ALL: &'static [AspectFix] = &[AspectFix::Fit, AspectFix::Crop];

    /// The stored and displayed name: "fit" or "crop".
    pub fn as_str(self) -> &'static str {
        match self {
            AspectFix::Fit => "fit",
            AspectFix::Crop => "crop",
        }
    }

    /// The name as the user sees it on the button: "Fit" or "Crop".
    fn label(self) -> &'static str {
        match self {
            AspectFix::Fit => "Fit",
            AspectFix::Crop => "Crop",
        }
    }
}

impl fmt::Display for AspectFix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AspectFix {
    type Err = CoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AspectFix::ALL
            .iter()
            .copied()
            .find(|fix| fix.as_str() == s)
            .ok_or_else(|| CoreError::invalid(format!("'{s}' is not one of: fit, crop")))
    }
}

/// What a post type accepts for a photo.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageLimits {
    /// What the photos are called in messages, e.g. "Instagram feed photos".
    pub label: &'static str,
    /// Narrowest width / height accepted (0 for no limit).
    pub min_aspect: f64,
    /// Widest width / height accepted (`f64::INFINITY` for no limit).
    pub max_aspect: f64,
    /// Narrower photos are enlarged to this width.
    pub min_width: u32,
    /// Wider photos are scaled down to this width.
    pub max_width: u32,
    /// The largest file accepted.
    pub max_bytes: u64,
}

/// Instagram's limit on photo files: "less than 8 MiB" (error 2207004).
const INSTAGRAM_MAX_BYTES: u64 = 8 * 1024 * 1024;

/// Instagram feed and carousel photos: 4:5 to 1.91:1, 320–1440 px wide, 8 MiB.
pub const INSTAGRAM_FEED: ImageLimits = ImageLimits {
    label: "Instagram feed photos",
    min_aspect: 0.8,
    max_aspect: 1.91,
    min_width: 320,
    max_width: 1440,
    max_bytes: INSTAGRAM_MAX_BYTES,
};

/// Instagram story photos: any aspect (9:16 recommended), shown 1080 px wide, so scaled to at
/// most 1080 px; 8 MiB.
pub const INSTAGRAM_STORY: ImageLimits = ImageLimits {
    label: "Instagram story photos",
    min_aspect: 0.0,
    max_aspect: f64::INFINITY,
    min_width: 320,
    max_width: 1080,
    max_bytes: INSTAGRAM_MAX_BYTES,
};

/// TikTok photos (`../shared/platforms/tiktok-api.md` §4): JPEG (or WebP), at most 1080p, 20 MB,
/// any aspect.
pub const TIKTOK_PHOTO: ImageLimits = ImageLimits {
    label: "TikTok photos",
    min_aspect: 0.0,
    max_aspect: f64::INFINITY,
    min_width: 1,
    max_width: 1080,
    max_bytes: 20_000_000,
};

/// Instagram reel covers: any aspect (Instagram centre-crops them to 9:16 itself), at most
/// 1080 px wide like the reel they cover; 8 MiB.
pub const INSTAGRAM_COVER: ImageLimits = ImageLimits {
    label: "Instagram reel covers",
    min_aspect: 0.0,
    max_aspect: f64::INFINITY,
    min_width: 320,
    max_width: 1080,
    max_bytes: INSTAGRAM_MAX_BYTES,
};

impl ImageLimits {
    /// Whether these limits restrict the aspect ratio at all.
    pub fn limits_aspect(&self) -> bool {
        self.min_aspect > 0.0 || self.max_aspect.is_finite()
    }

    /// Whether a photo of this width / height ratio is accepted as it is.
    pub fn accepts_aspect(&self, ratio: f64) -> bool {
        ratio >= self.min_aspect * (1.0 - RATIO_EPSILON)
            && ratio <= self.max_aspect * (1.0 + RATIO_EPSILON)
    }
}

/// What a photo's header says, read without decoding its pixels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImageFacts {
    /// "jpeg", "png", "webp", "gif", "tiff" or "bmp".
    pub format: String,
    /// Width as shown, after the EXIF orientation is applied.
    pub width: u32,
    /// Height as shown, after the EXIF orientation is applied.
    pub height: u32,
    /// The EXIF orientation, 1 (upright) to 8.
    pub orientation: u8,
    /// Whether the pixels have an alpha channel.
    pub has_alpha: bool,
    /// Whether the photo is a CMYK JPEG (print colours), which preparing converts to RGB.
    pub cmyk: bool,
    /// Whether an ICC colour profile is embedded.
    pub has_icc_profile: bool,
    /// Whether that profile is an RGB profile other than sRGB, so preparing converts it.
    pub needs_srgb_conversion: bool,
    /// The file's size.
    pub size_bytes: u64,
}

/// What preparing a photo would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImagePlan {
    /// Each change, as a sentence ("Converted from PNG to JPEG").
    pub changes: Vec<String>,
    /// Set when the aspect ratio is out of range and the user has not chosen Fit or Crop:
    /// preparing refuses with this message until they do.
    pub needs_choice: Option<Violation>,
}

/// A photo written by [`prepare_image`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PreparedImage {
    /// The written photo's width.
    pub width: u32,
    /// The written photo's height.
    pub height: u32,
    /// The written file's size.
    pub bytes: u64,
    /// What was done, as sentences; empty when the file was copied unchanged.
    pub changes: Vec<String>,
}

/// Reads a photo's facts from its header (its pixels are not decoded).
pub fn read_image_facts(path: &Path) -> CoreResult<ImageFacts> {
    open(path).map(|opened| opened.facts)
}

/// What [`prepare_image`] would do to a photo with these facts.
pub fn plan_image(facts: &ImageFacts, limits: &ImageLimits, fix: Option<AspectFix>) -> ImagePlan {
    let geometry = Geometry::plan((facts.width, facts.height), limits, fix);
    ImagePlan {
        changes: describe_changes(facts, &geometry, facts.has_alpha),
        needs_choice: geometry.needs_choice(limits),
    }
}

/// Prepares `src` for a post type and writes the JPEG to `dest` (atomically: a temporary file in
/// the same directory, then a rename). Refuses, with a sentence saying why, a photo that cannot be
/// read, is larger than [`MAX_MEGAPIXELS`], is out of the aspect range with no `fix` chosen, or
/// cannot be made small enough.
pub fn prepare_image(
    src: &Path,
    dest: &Path,
    limits: &ImageLimits,
    fix: Option<AspectFix>,
) -> CoreResult<PreparedImage> {
    let opened = open(src)?;
    let facts = opened.facts.clone();
    let geometry = Geometry::plan((facts.width, facts.height), limits, fix);
    if let Some(problem) = geometry.needs_choice(limits) {
        return Err(CoreError::invalid(problem.message));
    }
    if is_ready_as_is(&facts, &geometry, limits) {
        return copy_unchanged(src, dest, &facts);
    }
    let (picture, transparent) = render(src, opened, &geometry)?;
    let (jpeg, quality) = encode_jpeg(&picture, limits)?;
    write_atomically(dest, &jpeg)?;
    let mut changes = describe_changes(&facts, &geometry, transparent);
    if quality < JPEG_QUALITIES[0] {
        changes.push(format!(
            "Compressed more (JPEG quality {quality}) to stay under {}",
            units::mebibytes(limits.max_bytes)
        ));
    }
    Ok(PreparedImage {
        width: picture.width(),
        height: picture.height(),
        bytes: jpeg.len() as u64,
        changes,
    })
}

/// A small upright JPEG of a photo, at most `max_side` pixels wide and high (never enlarged):
/// decoded under the same limits as [`prepare_image`], transparency on white, EXIF orientation
/// applied, colours converted to sRGB.
pub fn thumbnail_jpeg(path: &Path, max_side: u32) -> CoreResult<Vec<u8>> {
    let opened = open(path)?;
    let (width, height) = (opened.facts.width, opened.facts.height);
    let max_side = max_side.max(1);
    // The width that keeps the longer side within `max_side` (the geometry scales by width).
    let max_width = if height > width {
        let scaled = u64::from(max_side) * u64::from(width) / u64::from(height);
        u32::try_from(scaled).unwrap_or(max_side).max(1)
    } else {
        max_side
    };
    let limits = ImageLimits {
        label: "Thumbnails",
        min_aspect: 0.0,
        max_aspect: f64::INFINITY,
        min_width: 1,
        max_width: max_width.min(width),
        max_bytes: u64::MAX,
    };
    let geometry = Geometry::plan((width, height), &limits, None);
    let (picture, _) = render(path, opened, &geometry)?;
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
        .encode_image(&picture)
        .map_err(|err| CoreError::invalid(format!("the thumbnail cannot be encoded: {err}")))?;
    Ok(jpeg)
}

/// Decodes the photo and makes the output picture; also says whether any pixel was transparent.
fn render(
    path: &Path,
    opened: Opened<impl ImageDecoder>,
    geometry: &Geometry,
) -> CoreResult<(RgbImage, bool)> {
    let Opened {
        decoder,
        orientation,
        to_srgb,
        ..
    } = opened;
    let (pixels, transparent) = flatten_on_white(decode(path, decoder)?)?;
    let scaled = scale_in_stored_orientation(pixels, orientation, geometry)?;
    let mut upright = turn_upright(scaled, orientation);
    if let Some(transform) = &to_srgb {
        convert_to_srgb(&mut upright, transform.as_ref())?;
    }
    Ok((frame(upright, geometry), transparent))
}

// ---------------------------------------------------------------------------------------------
// Reading the header

/// A photo whose header has been read, ready to decode.
struct Opened<D> {
    facts: ImageFacts,
    decoder: D,
    orientation: Orientation,
    /// The conversion to sRGB, when the embedded profile is not sRGB.
    to_srgb: Option<Arc<Transform8BitExecutor>>,
}

/// Opens a photo and reads its header under the decoding limits.
fn open(path: &Path) -> CoreResult<Opened<impl ImageDecoder>> {
    let (file, size_bytes) = open_file(path)?;
    let (format, cmyk, mut decoder) = read_header(path, file)?;
    let (width, height) = decoder.dimensions();
    check_dimensions(path, width, height)?;
    let orientation = read_orientation(path, &mut decoder);
    let icc = decoder.icc_profile().ok().flatten();
    let color = decoder.color_type();
    let to_srgb = icc
        .as_deref()
        .and_then(|bytes| srgb_transform(path, bytes, color));
    let (width, height) = if swaps_axes(orientation) {
        (height, width)
    } else {
        (width, height)
    };
    let facts = ImageFacts {
        format: format_name(format).to_owned(),
        width,
        height,
        orientation: orientation.to_exif(),
        has_alpha: color.has_alpha(),
        cmyk,
        has_icc_profile: icc.is_some(),
        needs_srgb_conversion: to_srgb.is_some(),
        size_bytes,
    };
    Ok(Opened {
        facts,
        decoder,
        orientation,
        to_srgb,
    })
}

/// Opens a photo file that is neither empty nor larger than [`MAX_FILE_BYTES`]; returns its size.
fn open_file(path: &Path) -> CoreResult<(File, u64)> {
    let file = File::open(path).map_err(|err| unreadable(path, err))?;
    let size_bytes = file.metadata().map_err(|err| unreadable(path, err))?.len();
    if size_bytes == 0 {
        return Err(unreadable(path, "the file is empty"));
    }
    if size_bytes > MAX_FILE_BYTES {
        return Err(CoreError::invalid(format!(
            "'{}' is {}; Herald prepares photo files of up to {}.",
            path.display(),
            units::bytes(size_bytes),
            units::bytes(MAX_FILE_BYTES)
        )));
    }
    Ok((file, size_bytes))
}

/// Recognises the format from the content and reads the header, under the decoding limits.
/// Also says whether the photo is a CMYK JPEG.
fn read_header(path: &Path, file: File) -> CoreResult<(ImageFormat, bool, impl ImageDecoder)> {
    let reader = ImageReader::new(BufReader::new(file))
        .with_guessed_format()
        .map_err(|err| unreadable(path, err))?;
    let format = reader.format().ok_or_else(|| unknown_format(path))?;
    let (source, cmyk) = source(path, reader.into_inner(), format)?;
    let mut reader = ImageReader::with_format(source, format);
    reader.limits(decode_limits());
    let decoder = reader
        .into_decoder()
        .map_err(|err| image_error(path, err))?;
    Ok((format, cmyk, decoder))
}

/// Where to decode from: a JPEG is read whole (its decoder does so anyway) and checked to be
/// complete, since decoders fill a truncated JPEG with grey rather than fail; other formats are
/// streamed from the file. Also says whether the photo is a CMYK JPEG.
fn source(
    path: &Path,
    mut file: BufReader<File>,
    format: ImageFormat,
) -> CoreResult<(Source, bool)> {
    if format != ImageFormat::Jpeg {
        return Ok((Source::File(file), false));
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|err| unreadable(path, err))?;
    let layout = jpeg_layout(&bytes);
    if !layout.complete {
        return Err(unreadable(
            path,
            "the file is incomplete (it ends before the end of the picture) — was the copy interrupted?",
        ));
    }
    Ok((
        Source::Memory(Cursor::new(bytes)),
        layout.components == Some(4),
    ))
}

/// Where a photo's bytes are read from: memory for JPEG (already read whole), the file otherwise.
enum Source {
    Memory(Cursor<Vec<u8>>),
    File(BufReader<File>),
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Source::Memory(cursor) => cursor.read(buf),
            Source::File(file) => file.read(buf),
        }
    }
}

impl BufRead for Source {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        match self {
            Source::Memory(cursor) => cursor.fill_buf(),
            Source::File(file) => file.fill_buf(),
        }
    }

    fn consume(&mut self, amount: usize) {
        match self {
            Source::Memory(cursor) => cursor.consume(amount),
            Source::File(file) => file.consume(amount),
        }
    }
}

impl Seek for Source {
    fn seek(&mut self, position: SeekFrom) -> std::io::Result<u64> {
        match self {
            Source::Memory(cursor) => cursor.seek(position),
            Source::File(file) => file.seek(position),
        }
    }
}

/// The limits every photo is decoded under.
fn decode_limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(1_000_000);
    limits.max_image_height = Some(1_000_000);
    limits.max_alloc = Some(DECODE_BUDGET);
    limits
}

/// Refuses empty photos and photos over [`MAX_MEGAPIXELS`], before any pixel is decoded.
fn check_dimensions(path: &Path, width: u32, height: u32) -> CoreResult<()> {
    if width == 0 || height == 0 {
        return Err(unreadable(
            path,
            format!("it claims to be {width}×{height} pixels"),
        ));
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        return Err(CoreError::invalid(format!(
            "'{}' is {width}×{height} pixels ({} megapixels); Herald prepares photos of up to {MAX_MEGAPIXELS} megapixels.",
            path.display(),
            pixels.div_ceil(1_000_000)
        )));
    }
    Ok(())
}

/// The EXIF orientation; unreadable metadata counts as upright (the pixels are still fine).
fn read_orientation(path: &Path, decoder: &mut impl ImageDecoder) -> Orientation {
    decoder.orientation().unwrap_or_else(|err| {
        tracing::warn!(path = %path.display(), %err, "unreadable EXIF orientation; taken as upright");
        Orientation::NoTransforms
    })
}

/// The format's name in [`ImageFacts::format`].
fn format_name(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "jpeg",
        ImageFormat::Png => "png",
        ImageFormat::WebP => "webp",
        ImageFormat::Gif => "gif",
        ImageFormat::Tiff => "tiff",
        ImageFormat::Bmp => "bmp",
        other => other.extensions_str().first().copied().unwrap_or("unknown"),
    }
}

/// The format's name in sentences ("PNG", "WebP").
fn format_label(format: &str) -> String {
    match format {
        "webp" => "WebP".to_owned(),
        other => other.to_uppercase(),
    }
}

// ---------------------------------------------------------------------------------------------
// Colour profiles

/// The conversion from an embedded profile to sRGB, or `None` when no conversion is needed: the
/// profile is sRGB (or behaves like it), is not an RGB profile, or cannot be read (then the
/// pixels are taken as sRGB, as browsers do).
fn srgb_transform(path: &Path, icc: &[u8], color: ColorType) -> Option<Arc<Transform8BitExecutor>> {
    if !matches!(
        color,
        ColorType::Rgb8
            | ColorType::Rgba8
            | ColorType::Rgb16
            | ColorType::Rgba16
            | ColorType::Rgb32F
            | ColorType::Rgba32F
    ) {
        return None;
    }
    let profile = match ColorProfile::new_from_slice(icc) {
        Ok(profile) => profile,
        Err(err) => {
            tracing::warn!(path = %path.display(), ?err, "unreadable ICC profile; pixels taken as sRGB");
            return None;
        }
    };
    if profile.color_space != DataColorSpace::Rgb {
        return None;
    }
    let transform = profile
        .create_transform_8bit(
            Layout::Rgb,
            &ColorProfile::new_srgb(),
            Layout::Rgb,
            TransformOptions::default(),
        )
        .map_err(|err| {
            tracing::warn!(path = %path.display(), ?err, "unusable ICC profile; pixels taken as sRGB");
        })
        .ok()?;
    (!behaves_like_srgb(transform.as_ref())).then_some(transform)
}

/// Whether a transform to sRGB leaves colours (nearly) as they are: the profile is some
/// flavour of sRGB (they differ by rounding between vendors).
fn behaves_like_srgb(transform: &Transform8BitExecutor) -> bool {
    const STEPS: [u8; 5] = [0, 64, 128, 192, 255];
    let mut samples = Vec::with_capacity(STEPS.len().pow(3) * 3);
    for r in STEPS {
        for g in STEPS {
            for b in STEPS {
                samples.extend_from_slice(&[r, g, b]);
            }
        }
    }
    let mut out = vec![0; samples.len()];
    if transform.transform(&samples, &mut out).is_err() {
        return false;
    }
    samples.iter().zip(&out).all(|(a, b)| a.abs_diff(*b) <= 2)
}

/// Converts pixels to sRGB in place.
fn convert_to_srgb(image: &mut RgbImage, transform: &Transform8BitExecutor) -> CoreResult<()> {
    let mut out = vec![0; image.as_raw().len()];
    transform
        .transform(image.as_raw(), &mut out)
        .map_err(|err| {
            CoreError::invalid(format!("the colour profile cannot be applied: {err:?}"))
        })?;
    image.copy_from_slice(&out);
    Ok(())
}

/// The changes, as sentences, in the order they are made.
fn describe_changes(facts: &ImageFacts, geometry: &Geometry, transparent: bool) -> Vec<String> {
    let mut changes = Vec::new();
    if facts.format != "jpeg" {
        changes.push(format!(
            "Converted from {} to JPEG",
            format_label(&facts.format)
        ));
    }
    if facts.cmyk {
        changes.push("Converted from CMYK (print) colours to RGB".to_owned());
    }
    if transparent {
        changes.push("Transparent areas filled with white".to_owned());
    }
    if facts.orientation != 1 {
        changes.push(format!(
            "Turned upright (EXIF orientation {})",
            facts.orientation
        ));
    }
    if let Aspect::Fixed { fix, from, to } = geometry.aspect {
        let verb = match fix {
            AspectFix::Crop => "Cropped",
            AspectFix::Fit => "Padded with white bars",
        };
        changes.push(format!(
            "{verb} from {} to {} (you chose {})",
            units::short_ratio(from),
            units::short_ratio(to),
            fix.label()
        ));
    }
    if geometry.scales() {
        let (fw, fh) = geometry.frame;
        let (cw, ch) = geometry.canvas;
        let verb = if cw > fw { "Enlarged" } else { "Scaled" };
        changes.push(format!("{verb} from {fw}×{fh} to {cw}×{ch}"));
    }
    if facts.needs_srgb_conversion {
        changes.push("Colour profile converted to sRGB".to_owned());
    }
    changes
}

/// Whether the file can be sent exactly as it is.
fn is_ready_as_is(facts: &ImageFacts, geometry: &Geometry, limits: &ImageLimits) -> bool {
    facts.format == "jpeg"
        && !facts.cmyk
        && facts.orientation == 1
        && !facts.needs_srgb_conversion
        && geometry.aspect == Aspect::Accepted
        && !geometry.scales()
        && facts.size_bytes <= limits.max_bytes
}

// ---------------------------------------------------------------------------------------------
// Pixels

/// Decodes the pixels (a decoder that panics on a hostile file is reported, not propagated).
fn decode(path: &Path, decoder: impl ImageDecoder) -> CoreResult<DynamicImage> {
    if decoder.total_bytes() > DECODE_BUDGET {
        return Err(too_large(path));
    }
    match catch_unwind(AssertUnwindSafe(|| DynamicImage::from_decoder(decoder))) {
        Ok(Ok(image)) => Ok(image),
        Ok(Err(err)) => Err(image_error(path, err)),
        Err(_) => Err(unreadable(path, "the file is damaged (its decoder failed)")),
    }
}

/// 8-bit RGB with transparency composited on white; also says whether any pixel was
/// (partly) transparent. Works in place for 8-bit RGBA, the common case.
fn flatten_on_white(image: DynamicImage) -> CoreResult<(RgbImage, bool)> {
    if !image.color().has_alpha() {
        return Ok((image.into_rgb8(), false));
    }
    let rgba = image.into_rgba8();
    let (width, height) = rgba.dimensions();
    let mut buffer = rgba.into_raw();
    let pixels = buffer.len() / 4;
    let mut transparent = false;
    for i in 0..pixels {
        let [r, g, b, a] = [
            buffer[4 * i],
            buffer[4 * i + 1],
            buffer[4 * i + 2],
            buffer[4 * i + 3],
        ];
        transparent |= a < u8::MAX;
        // Pixel i is read from [4i, 4i+3] before being written to [3i, 3i+2]: never ahead.
        buffer[3 * i] = over_white(r, a);
        buffer[3 * i + 1] = over_white(g, a);
        buffer[3 * i + 2] = over_white(b, a);
    }
    buffer.truncate(pixels * 3);
    buffer.shrink_to_fit();
    let flat = RgbImage::from_raw(width, height, buffer)
        .ok_or_else(|| CoreError::invalid("the photo's pixels have an unexpected layout"))?;
    Ok((flat, transparent))
}

/// One channel composited over white.
fn over_white(value: u8, alpha: u8) -> u8 {
    let (v, a) = (u32::from(value), u32::from(alpha));
    ((v * a + 255 * (255 - a) + 127) / 255) as u8
}

/// Crops and scales in the file's stored orientation, so the full-size pixels are never
/// rotated; only the small result is.
fn scale_in_stored_orientation(
    pixels: RgbImage,
    orientation: Orientation,
    geometry: &Geometry,
) -> CoreResult<RgbImage> {
    let (stored_w, stored_h) = pixels.dimensions();
    let crop = stored_rect(orientation, (stored_w, stored_h), geometry.crop);
    let (cw, ch) = geometry.content;
    let (target_w, target_h) = if swaps_axes(orientation) {
        (ch, cw)
    } else {
        (cw, ch)
    };
    if crop == Rect::whole(stored_w, stored_h) && (target_w, target_h) == (stored_w, stored_h) {
        return Ok(pixels);
    }
    let target = (target_w, target_h);
    let whole = CropBox::from(crop);
    let (crop_w, crop_h) = (crop.width, crop.height);
    if crop_w >= target_w * 2 * PRE_SHRINK_GAP && crop_h >= target_h * 2 * PRE_SHRINK_GAP {
        // Much larger than the target: average blocks down to PRE_SHRINK_GAP times the target
        // first (a box filter, cheap), then Lanczos3 the rest of the way (Pillow's "reducing
        // gap"): the same result for a fraction of the work.
        let between = (target_w * PRE_SHRINK_GAP, target_h * PRE_SHRINK_GAP);
        let reduced = resize(&pixels, whole, between, fir::FilterType::Box)?;
        drop(pixels);
        let all = CropBox::from(Rect::whole(between.0, between.1));
        return resize(&reduced, all, target, fir::FilterType::Lanczos3);
    }
    resize(&pixels, whole, target, fir::FilterType::Lanczos3)
}

/// A crop in (possibly fractional) pixels, as the resizer takes it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct CropBox {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

impl From<Rect> for CropBox {
    fn from(rect: Rect) -> Self {
        CropBox {
            x: f64::from(rect.x),
            y: f64::from(rect.y),
            width: f64::from(rect.width),
            height: f64::from(rect.height),
        }
    }
}

/// Resamples a crop of `source` to `size` with a convolution filter.
fn resize(
    source: &RgbImage,
    crop: CropBox,
    size: (u32, u32),
    filter: fir::FilterType,
) -> CoreResult<RgbImage> {
    let failed =
        |err: &dyn fmt::Display| CoreError::invalid(format!("the photo cannot be resized: {err}"));
    let src = fir::images::ImageRef::new(
        source.width(),
        source.height(),
        source.as_raw(),
        fir::PixelType::U8x3,
    )
    .map_err(|err| failed(&err))?;
    let mut dst = fir::images::Image::new(size.0, size.1, fir::PixelType::U8x3);
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(filter))
        .crop(crop.x, crop.y, crop.width, crop.height);
    fir::Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|err| failed(&err))?;
    RgbImage::from_raw(size.0, size.1, dst.into_vec())
        .ok_or_else(|| failed(&"the resized buffer has the wrong size"))
}

/// Applies the EXIF orientation to (small, already scaled) pixels.
fn turn_upright(pixels: RgbImage, orientation: Orientation) -> RgbImage {
    if orientation == Orientation::NoTransforms {
        return pixels;
    }
    let mut image = DynamicImage::ImageRgb8(pixels);
    image.apply_orientation(orientation);
    image.into_rgb8()
}

/// Puts the picture on a white canvas when padding, centred.
fn frame(content: RgbImage, geometry: &Geometry) -> RgbImage {
    let (width, height) = geometry.canvas;
    if content.dimensions() == (width, height) {
        return content;
    }
    let mut canvas = RgbImage::from_pixel(width, height, Rgb([255, 255, 255]));
    let x = (width.saturating_sub(content.width())) / 2;
    let y = (height.saturating_sub(content.height())) / 2;
    image::imageops::replace(&mut canvas, &content, i64::from(x), i64::from(y));
    canvas
}

// ---------------------------------------------------------------------------------------------
// Writing

/// Encodes a JPEG at the best quality that fits the size limit; returns it and the quality.
fn encode_jpeg(pixels: &RgbImage, limits: &ImageLimits) -> CoreResult<(Vec<u8>, u8)> {
    let mut smallest = u64::MAX;
    for &quality in JPEG_QUALITIES {
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, quality)
            .encode_image(pixels)
            .map_err(|err| {
                CoreError::invalid(format!("the photo cannot be encoded as JPEG: {err}"))
            })?;
        if jpeg.len() as u64 <= limits.max_bytes {
            return Ok((jpeg, quality));
        }
        smallest = smallest.min(jpeg.len() as u64);
    }
    Err(CoreError::invalid(format!(
        "This photo is still {} as a JPEG at quality {}; {} must be at most {}.",
        units::bytes(smallest),
        JPEG_QUALITIES[JPEG_QUALITIES.len() - 1],
        limits.label,
        units::mebibytes(limits.max_bytes)
    )))
}

/// Copies a photo that needs no change.
fn copy_unchanged(src: &Path, dest: &Path, facts: &ImageFacts) -> CoreResult<PreparedImage> {
    let mut bytes = Vec::new();
    File::open(src)
        .and_then(|file| file.take(MAX_FILE_BYTES).read_to_end(&mut bytes))
        .map_err(|err| unreadable(src, err))?;
    write_atomically(dest, &bytes)?;
    Ok(PreparedImage {
        width: facts.width,
        height: facts.height,
        bytes: bytes.len() as u64,
        changes: Vec::new(),
    })
}

/// Writes a file whole or not at all: a temporary file beside it, synced, then renamed.
fn write_atomically(dest: &Path, bytes: &[u8]) -> CoreResult<()> {
    let context = || format!("cannot write the prepared photo '{}'", dest.display());
    let dir = match dest.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".herald-")
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(|err| CoreError::io(context(), err))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|err| CoreError::io(context(), err))?;
    temp.persist(dest)
        .map_err(|err| CoreError::io(context(), err.error))?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Errors

/// "'…' cannot be read as an image: {reason}".
fn unreadable(path: &Path, reason: impl fmt::Display) -> CoreError {
    CoreError::invalid(format!(
        "'{}' cannot be read as an image: {reason}",
        path.display()
    ))
}

/// A photo too large to decode safely.
fn too_large(path: &Path) -> CoreError {
    unreadable(
        path,
        format!("it is too large to open safely (Herald prepares photos of up to {MAX_MEGAPIXELS} megapixels)"),
    )
}

/// A file whose content is not a format Herald reads, named when recognisable.
fn unknown_format(path: &Path) -> CoreError {
    let mut head = Vec::new();
    let named = File::open(path)
        .and_then(|file| file.take(8192).read_to_end(&mut head))
        .ok()
        .and_then(|_| infer::get(&head))
        .map(|kind| {
            format!(
                "it is {} ({}), ",
                kind.extension().to_uppercase(),
                kind.mime_type()
            )
        })
        .unwrap_or_default();
    unreadable(
        path,
        format!("{named}not a format Herald converts (JPEG, PNG, WebP, GIF, TIFF or BMP)"),
    )
}

/// An `image` error as a sentence.
fn image_error(path: &Path, err: ImageError) -> CoreError {
    match err {
        ImageError::Limits(limit) => match limit.kind() {
            LimitErrorKind::DimensionError | LimitErrorKind::InsufficientMemory => too_large(path),
            _ => unreadable(path, limit),
        },
        ImageError::Unsupported(unsupported) => unreadable(
            path,
            format!("it uses a feature Herald cannot read ({unsupported})"),
        ),
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            unreadable(path, "the file is incomplete (it ends early)")
        }
        ImageError::Decoding(decoding) => {
            unreadable(path, format!("the file is damaged ({decoding})"))
        }
        other => unreadable(path, other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(format: &str, width: u32, height: u32) -> ImageFacts {
        ImageFacts {
            format: format.to_owned(),
            width,
            height,
            orientation: 1,
            has_alpha: false,
            cmyk: false,
            has_icc_profile: false,
            needs_srgb_conversion: false,
            size_bytes: 1000,
        }
    }

    #[test]
    fn aspect_fix_reads_and_writes_its_names() {
        assert_eq!("fit".parse::<AspectFix>().unwrap(), AspectFix::Fit);
        assert_eq!("crop".parse::<AspectFix>().unwrap(), AspectFix::Crop);
        assert!("stretch".parse::<AspectFix>().is_err());
        assert_eq!(AspectFix::Crop.to_string(), "crop");
        assert_eq!(serde_json::to_string(&AspectFix::Fit).unwrap(), "\"fit\"");
    }

    #[test]
    fn a_tall_photo_needs_a_choice_and_is_fixed_only_as_chosen() {
        let tall = facts("jpeg", 1080, 1920);
        let plan = plan_image(&tall, &INSTAGRAM_FEED, None);
        let problem = plan.needs_choice.expect("a choice is needed");
        assert_eq!(problem.code, "image_aspect");
        assert_eq!(
            problem.message,
            "This photo is 9:16 (0.56:1); Instagram feed photos must be between 4:5 and 1.91:1 — choose Fit or Crop."
        );
        assert!(plan.changes.is_empty(), "{:?}", plan.changes);

        let crop = Geometry::plan((1080, 1920), &INSTAGRAM_FEED, Some(AspectFix::Crop));
        assert_eq!(
            crop.crop,
            Rect {
                x: 0,
                y: 285,
                width: 1080,
                height: 1350
            }
        );
        assert_eq!(crop.canvas, (1080, 1350));
        let plan = plan_image(&tall, &INSTAGRAM_FEED, Some(AspectFix::Crop));
        assert_eq!(plan.changes, ["Cropped from 9:16 to 4:5 (you chose Crop)"]);
        assert!(plan.needs_choice.is_none());

        let fit = Geometry::plan((1080, 1920), &INSTAGRAM_FEED, Some(AspectFix::Fit));
        assert_eq!(fit.frame, (1536, 1920));
        assert_eq!(fit.canvas, (1440, 1800));
        assert_eq!(fit.content, (1013, 1800));
        let plan = plan_image(&tall, &INSTAGRAM_FEED, Some(AspectFix::Fit));
        assert_eq!(
            plan.changes,
            [
                "Padded with white bars from 9:16 to 4:5 (you chose Fit)",
                "Scaled from 1536×1920 to 1440×1800"
            ]
        );
    }

    #[test]
    fn wide_photos_are_cropped_or_padded_to_1_91() {
        let crop = Geometry::plan((3000, 1000), &INSTAGRAM_FEED, Some(AspectFix::Crop));
        assert_eq!(crop.crop.width, 1910);
        assert_eq!(crop.canvas, (1440, 754));
        let fit = Geometry::plan((3000, 1000), &INSTAGRAM_FEED, Some(AspectFix::Fit));
        assert_eq!(fit.frame, (3000, 1571));
        let (w, h) = fit.canvas;
        assert!(
            INSTAGRAM_FEED.accepts_aspect(f64::from(w) / f64::from(h)),
            "{w}×{h}"
        );
    }

    #[test]
    fn rounding_never_pushes_a_photo_out_of_range() {
        for width in [320_u32, 1000, 1440, 2000, 4032, 6000, 12_000] {
            for ratio in [0.8, 0.81, 1.0, 1.5, 1.9, 1.91] {
                let height = (f64::from(width) / ratio).round() as u32;
                let upright = (width, height);
                if !INSTAGRAM_FEED.accepts_aspect(f64::from(width) / f64::from(height)) {
                    continue;
                }
                let (w, h) = Geometry::plan(upright, &INSTAGRAM_FEED, None).canvas;
                assert!(
                    INSTAGRAM_FEED.accepts_aspect(f64::from(w) / f64::from(h)),
                    "{width}×{height} -> {w}×{h}"
                );
                assert!((320..=1440).contains(&w));
            }
            for (ratio, fix) in [
                (0.3, AspectFix::Crop),
                (0.3, AspectFix::Fit),
                (4.0, AspectFix::Crop),
                (4.0, AspectFix::Fit),
            ] {
                let height = (f64::from(width) / ratio).round() as u32;
                let (w, h) = Geometry::plan((width, height), &INSTAGRAM_FEED, Some(fix)).canvas;
                assert!(
                    INSTAGRAM_FEED.accepts_aspect(f64::from(w) / f64::from(h)),
                    "{fix} {width}×{height} -> {w}×{h}"
                );
            }
        }
    }

    #[test]
    fn small_photos_are_enlarged_to_the_minimum_width_only() {
        let geometry = Geometry::plan((200, 200), &INSTAGRAM_FEED, None);
        assert_eq!(geometry.canvas, (320, 320));
        let plan = plan_image(&facts("png", 200, 200), &INSTAGRAM_FEED, None);
        assert_eq!(
            plan.changes,
            [
                "Converted from PNG to JPEG",
                "Enlarged from 200×200 to 320×320"
            ]
        );
        let geometry = Geometry::plan((1000, 1000), &INSTAGRAM_FEED, None);
        assert_eq!(geometry.canvas, (1000, 1000));
    }

    #[test]
    fn stories_take_any_aspect() {
        let plan = plan_image(&facts("jpeg", 1000, 5000), &INSTAGRAM_STORY, None);
        assert!(plan.needs_choice.is_none());
        assert!(plan.changes.is_empty());
    }

    /// A small image whose every pixel is distinct, to check where pixels land.
    fn numbered(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| Rgb([x as u8, y as u8, 7]))
    }

    #[test]
    fn stored_rects_match_cropping_after_orientation() {
        let stored = numbered(7, 5);
        for exif in 1..=8 {
            let orientation = Orientation::from_exif(exif).unwrap();
            let mut upright = DynamicImage::ImageRgb8(stored.clone());
            upright.apply_orientation(orientation);
            let upright = upright.into_rgb8();
            let rect = Rect {
                x: 1,
                y: 2,
                width: 2,
                height: 3,
            };
            let rect = Rect {
                width: rect.width.min(upright.width() - 1),
                height: rect.height.min(upright.height() - 2),
                ..rect
            };
            let expected =
                image::imageops::crop_imm(&upright, rect.x, rect.y, rect.width, rect.height)
                    .to_image();
            let s = stored_rect(orientation, stored.dimensions(), rect);
            let cropped =
                image::imageops::crop_imm(&stored, s.x, s.y, s.width, s.height).to_image();
            let turned = turn_upright(cropped, orientation);
            assert_eq!(turned, expected, "orientation {exif}");
        }
    }

    #[test]
    fn flattening_composites_on_white() {
        let mut rgba = image::RgbaImage::from_pixel(2, 1, image::Rgba([0, 0, 0, 255]));
        rgba.put_pixel(1, 0, image::Rgba([0, 0, 0, 0]));
        let (flat, transparent) = flatten_on_white(DynamicImage::ImageRgba8(rgba)).unwrap();
        assert!(transparent);
        assert_eq!(flat.get_pixel(0, 0), &Rgb([0, 0, 0]));
        assert_eq!(flat.get_pixel(1, 0), &Rgb([255, 255, 255]));
        assert_eq!(over_white(0, 128), 127);
    }

    #[test]
    fn srgb_profiles_are_left_alone_and_others_converted() {
        let srgb = ColorProfile::new_srgb().encode().unwrap();
        let p3 = ColorProfile::new_display_p3().encode().unwrap();
        let path = Path::new("x.png");
        assert!(srgb_transform(path, &srgb, ColorType::Rgb8).is_none());
        assert!(srgb_transform(path, &p3, ColorType::Rgb8).is_some());
        assert!(srgb_transform(path, &p3, ColorType::L8).is_none());
        assert!(srgb_transform(path, b"not a profile", ColorType::Rgb8).is_none());
    }
}
