//! Photos prepared for Instagram, end to end: every input is generated here.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use herald_core::media::image::{
    plan_image, prepare_image, read_image_facts, AspectFix, INSTAGRAM_FEED, INSTAGRAM_STORY,
};
use image::codecs::jpeg::JpegEncoder;
use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};

/// A temporary directory that holds the inputs and outputs of one test.
struct Scratch(tempfile::TempDir);

impl Scratch {
    fn new() -> Self {
        Scratch(tempfile::tempdir().unwrap())
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

/// A JPEG of `image` at quality 92.
fn jpeg_bytes(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 92)
        .encode_image(image)
        .unwrap();
    out
}

/// A JPEG with an ICC profile embedded.
fn jpeg_with_icc(image: &RgbImage, icc: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut out, 92);
    encoder.set_icc_profile(icc).unwrap();
    encoder
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

/// Inserts an EXIF APP1 segment holding only an orientation tag right after the JPEG's SOI.
fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2a\0\0\0\x08"); // big-endian TIFF, IFD0 at offset 8
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes()); // count
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]); // value padding
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec(); // SOI
    out.extend_from_slice(&[0xff, 0xe1]);
    out.extend_from_slice(&u16::try_from(app1.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// CRC-32 (ISO-HDLC), as PNG chunks carry.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffff_u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG chunk: length, type, data, CRC.
fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut typed = kind.to_vec();
    typed.extend_from_slice(data);
    let mut out = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    out.extend_from_slice(&typed);
    out.extend_from_slice(&crc32(&typed).to_be_bytes());
    out
}

/// A PNG made of a signature and an IHDR claiming `width`×`height` RGBA, then `rest`.
fn png_header(width: u32, height: u32, rest: &[u8]) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend_from_slice(&png_chunk(b"IHDR", &ihdr));
    out.extend_from_slice(rest);
    out
}

/// Decodes a prepared file.
fn open(path: &Path) -> RgbImage {
    image::open(path).unwrap().into_rgb8()
}

/// Whether two colours are within `tolerance` on every channel (JPEG is lossy).
fn near(a: &Rgb<u8>, b: [u8; 3], tolerance: u8) -> bool {
    a.0.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= tolerance)
}

#[test]
fn refuses_corrupt_images_with_a_sentence() {
    let dir = Scratch::new();
    let dest = dir.path("out.jpg");
    let photo = RgbImage::from_fn(640, 480, |x, y| Rgb([x as u8, y as u8, 90]));
    let jpeg = jpeg_bytes(&photo);

    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("header-only.jpg", jpeg[..120].to_vec()),
        ("half.jpg", jpeg[..jpeg.len() / 2].to_vec()),
        ("noise.png", png_header(64, 64, &[0x5a; 300])),
        ("zero.png", png_header(0, 10, &[])),
        ("nothing.png", b"\x89PNG\r\n\x1a\n".to_vec()),
        ("text.jpg", b"hello, this is not a photo at all".to_vec()),
    ];
    for (name, bytes) in cases {
        let src = dir.path(name);
        std::fs::write(&src, &bytes).unwrap();
        let err = prepare_image(&src, &dest, &INSTAGRAM_FEED, None)
            .expect_err(name)
            .to_string();
        assert!(err.contains("cannot be read as an image"), "{name}: {err}");
        assert!(!dest.exists(), "{name}: nothing is written");
    }

    let pdf = dir.path("doc.png");
    std::fs::write(&pdf, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n").unwrap();
    let err = read_image_facts(&pdf).unwrap_err().to_string();
    assert!(err.contains("it is PDF (application/pdf)"), "{err}");
}

#[test]
fn fills_transparency_with_white_and_converts_to_jpeg() {
    let dir = Scratch::new();
    let src = dir.path("logo.png");
    let mut logo = RgbaImage::from_pixel(800, 800, Rgba([0, 0, 0, 0]));
    for y in 300..500 {
        for x in 300..500 {
            logo.put_pixel(x, y, Rgba([200, 20, 20, 255]));
        }
    }
    logo.save(&src).unwrap();

    let facts = read_image_facts(&src).unwrap();
    assert_eq!(facts.format, "png");
    assert!(facts.has_alpha);
    let plan = plan_image(&facts, &INSTAGRAM_FEED, None);
    assert_eq!(
        plan.changes,
        [
            "Converted from PNG to JPEG",
            "Transparent areas filled with white"
        ]
    );

    let dest = dir.path("logo.jpg");
    let prepared = prepare_image(&src, &dest, &INSTAGRAM_FEED, None).unwrap();
    assert_eq!(prepared.changes, plan.changes);
    assert_eq!((prepared.width, prepared.height), (800, 800));
    assert_eq!(
        read_image_facts(&dest).unwrap().format,
        "jpeg",
        "the output is a JPEG"
    );
    let out = open(&dest);
    assert!(near(out.get_pixel(10, 10), [255, 255, 255], 3));
    assert!(near(out.get_pixel(400, 400), [200, 20, 20], 12));
    assert_eq!(prepared.bytes, std::fs::metadata(&dest).unwrap().len());
    let leftovers: Vec<_> = std::fs::read_dir(dir.0.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 2, "no temporary file is left behind");
}

/// A 12,000×9,000 gradient JPEG, made once and kept in Cargo's temporary directory for tests:
/// encoding 108 megapixels takes seconds in a debug build (the encoder is generic, so it is
/// compiled without the dependency's optimisation), decoding it does not.
fn big_jpeg() -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("herald-12000x9000.jpg");
    if read_image_facts(&path).is_ok_and(|facts| (facts.width, facts.height) == (12_000, 9_000)) {
        return path;
    }
    // Built row by row (a per-pixel closure is slow in a debug build).
    let (width, height) = (12_000_u32, 9_000_u32);
    let row: Vec<u8> = (0..width)
        .flat_map(|x| [(x / 47) as u8, 128, (x / 94) as u8])
        .collect();
    let mut pixels = Vec::with_capacity(row.len() * height as usize);
    for y in 0..height {
        pixels.extend_from_slice(&row);
        let start = pixels.len() - row.len();
        let shade = (y / 36) as u8;
        pixels[start + 1..]
            .iter_mut()
            .step_by(3)
            .for_each(|g| *g = shade);
    }
    let big = RgbImage::from_raw(width, height, pixels).unwrap();
    // Written whole then renamed, so a test running alongside never sees half a file.
    let mut temp = tempfile::NamedTempFile::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    std::io::Write::write_all(&mut temp, &jpeg_bytes(&big)).unwrap();
    temp.persist(&path).unwrap();
    path
}

#[test]
fn converts_a_108_megapixel_photo_instead_of_refusing_it() {
    let src = big_jpeg();
    let facts = read_image_facts(&src).unwrap();
    assert_eq!((facts.width, facts.height), (12_000, 9_000));

    let dir = Scratch::new();
    let dest = dir.path("big-prepared.jpg");
    let prepared = prepare_image(&src, &dest, &INSTAGRAM_FEED, None).unwrap();
    assert_eq!((prepared.width, prepared.height), (1440, 1080));
    assert!(prepared.bytes <= 8 * 1024 * 1024);
    assert_eq!(prepared.changes, ["Scaled from 12000×9000 to 1440×1080"]);
    let out = open(&dest);
    assert_eq!(out.dimensions(), (1440, 1080));
    // The gradient survives scaling: left is darker than right in red, top than bottom in green.
    let (left, right) = (out.get_pixel(10, 540), out.get_pixel(1430, 540));
    assert!(left.0[0] < 20 && right.0[0] > 230, "{left:?} {right:?}");
    let (top, bottom) = (out.get_pixel(720, 5), out.get_pixel(720, 1075));
    assert!(top.0[1] < 20 && bottom.0[1] > 230, "{top:?} {bottom:?}");
}

#[test]
fn a_tall_feed_photo_waits_for_a_choice_then_fits_or_crops_to_4_5() {
    let dir = Scratch::new();
    let src = dir.path("tall.jpg");
    // Blue bands at the top and bottom, red in the middle.
    let tall = RgbImage::from_fn(1080, 1920, |_, y| {
        if (400..1520).contains(&y) {
            Rgb([220, 30, 30])
        } else {
            Rgb([30, 30, 220])
        }
    });
    std::fs::write(&src, jpeg_bytes(&tall)).unwrap();
    let facts = read_image_facts(&src).unwrap();

    let plan = plan_image(&facts, &INSTAGRAM_FEED, None);
    let problem = plan.needs_choice.expect("a choice is needed");
    assert_eq!(problem.code, "image_aspect");
    assert!(
        problem.message.contains("9:16 (0.56:1)"),
        "{}",
        problem.message
    );
    let dest = dir.path("out.jpg");
    let err = prepare_image(&src, &dest, &INSTAGRAM_FEED, None)
        .unwrap_err()
        .to_string();
    assert_eq!(err, problem.message);
    assert!(!dest.exists(), "nothing is cropped or padded unasked");

    let fit = prepare_image(&src, &dest, &INSTAGRAM_FEED, Some(AspectFix::Fit)).unwrap();
    assert_eq!((fit.width, fit.height), (1440, 1800), "4:5");
    let out = open(&dest);
    assert!(near(out.get_pixel(5, 900), [255, 255, 255], 3), "white bar");
    assert!(
        near(out.get_pixel(1434, 900), [255, 255, 255], 3),
        "white bar"
    );
    assert!(near(out.get_pixel(720, 900), [220, 30, 30], 12), "photo");
    assert!(
        near(out.get_pixel(720, 20), [30, 30, 220], 12),
        "all of it kept"
    );
    assert!(fit
        .changes
        .contains(&"Padded with white bars from 9:16 to 4:5 (you chose Fit)".to_owned()));

    let crop = prepare_image(&src, &dest, &INSTAGRAM_FEED, Some(AspectFix::Crop)).unwrap();
    assert_eq!((crop.width, crop.height), (1080, 1350), "4:5");
    let out = open(&dest);
    assert!(
        near(out.get_pixel(540, 40), [30, 30, 220], 12),
        "band partly kept"
    );
    assert!(near(out.get_pixel(540, 675), [220, 30, 30], 12));
    assert!(near(out.get_pixel(2, 675), [220, 30, 30], 12), "no bars");
    assert_eq!(crop.changes, ["Cropped from 9:16 to 4:5 (you chose Crop)"]);

    // Stories take any aspect: no choice is needed.
    assert!(plan_image(&facts, &INSTAGRAM_STORY, None)
        .needs_choice
        .is_none());
}

#[test]
fn applies_exif_orientation() {
    let dir = Scratch::new();
    let src = dir.path("phone.jpg");
    // Stored landscape with a red top-left corner; orientation 6 = turn 90° clockwise.
    let stored = RgbImage::from_fn(400, 360, |x, y| {
        if x < 100 && y < 100 {
            Rgb([230, 20, 20])
        } else {
            Rgb([20, 200, 20])
        }
    });
    std::fs::write(&src, with_exif_orientation(&jpeg_bytes(&stored), 6)).unwrap();

    let facts = read_image_facts(&src).unwrap();
    assert_eq!(facts.orientation, 6);
    assert_eq!((facts.width, facts.height), (360, 400), "swapped");
    let dest = dir.path("upright.jpg");
    let prepared = prepare_image(&src, &dest, &INSTAGRAM_FEED, None).unwrap();
    assert_eq!((prepared.width, prepared.height), (360, 400));
    assert_eq!(prepared.changes, ["Turned upright (EXIF orientation 6)"]);
    let out = open(&dest);
    assert!(
        near(out.get_pixel(340, 20), [230, 20, 20], 16),
        "top-right after turning"
    );
    assert!(near(out.get_pixel(20, 20), [20, 200, 20], 16));
    assert_eq!(read_image_facts(&dest).unwrap().orientation, 1);
}

#[test]
fn accepts_the_1_91_boundary_and_copies_a_ready_photo_unchanged() {
    let dir = Scratch::new();
    let src = dir.path("wide.jpg");
    std::fs::write(
        &src,
        jpeg_bytes(&RgbImage::from_pixel(1910, 1000, Rgb([90, 120, 150]))),
    )
    .unwrap();
    let facts = read_image_facts(&src).unwrap();
    let plan = plan_image(&facts, &INSTAGRAM_FEED, None);
    assert!(plan.needs_choice.is_none());
    let prepared = prepare_image(&src, &dir.path("wide-out.jpg"), &INSTAGRAM_FEED, None).unwrap();
    assert_eq!((prepared.width, prepared.height), (1440, 754));

    let ready = dir.path("ready.jpg");
    let bytes = jpeg_bytes(&RgbImage::from_pixel(1080, 1350, Rgb([10, 20, 30])));
    std::fs::write(&ready, &bytes).unwrap();
    let dest = dir.path("ready-out.jpg");
    let prepared = prepare_image(&ready, &dest, &INSTAGRAM_FEED, None).unwrap();
    assert!(prepared.changes.is_empty());
    assert_eq!(std::fs::read(&dest).unwrap(), bytes, "copied byte for byte");
}

#[test]
fn converts_a_wide_gamut_profile_to_srgb() {
    let dir = Scratch::new();
    let photo = RgbImage::from_pixel(500, 500, Rgb([40, 200, 60]));
    let p3 = dir.path("p3.jpg");
    let profile = moxcms::ColorProfile::new_display_p3().encode().unwrap();
    std::fs::write(&p3, jpeg_with_icc(&photo, profile)).unwrap();
    let facts = read_image_facts(&p3).unwrap();
    assert!(facts.has_icc_profile && facts.needs_srgb_conversion);
    let dest = dir.path("p3-out.jpg");
    let prepared = prepare_image(&p3, &dest, &INSTAGRAM_FEED, None).unwrap();
    assert_eq!(prepared.changes, ["Colour profile converted to sRGB"]);
    let green = *open(&dest).get_pixel(250, 250);
    assert!(
        green.0[1] > 200 && green.0[0] < 40,
        "more saturated in sRGB: {green:?}"
    );

    let srgb = dir.path("srgb.jpg");
    let profile = moxcms::ColorProfile::new_srgb().encode().unwrap();
    std::fs::write(&srgb, jpeg_with_icc(&photo, profile)).unwrap();
    let facts = read_image_facts(&srgb).unwrap();
    assert!(facts.has_icc_profile && !facts.needs_srgb_conversion);
}

#[test]
fn converts_cmyk_to_rgb() {
    // 400×300, yellow at the top to blue at the bottom, saved as CMYK by ImageMagick.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cmyk.jpg");
    let facts = read_image_facts(&src).unwrap();
    assert!(facts.cmyk);
    let dir = Scratch::new();
    let dest = dir.path("rgb.jpg");
    let prepared = prepare_image(&src, &dest, &INSTAGRAM_FEED, None).unwrap();
    assert_eq!(
        prepared.changes,
        ["Converted from CMYK (print) colours to RGB"]
    );
    let out = open(&dest);
    let (top, bottom) = (out.get_pixel(200, 2), out.get_pixel(200, 297));
    assert!(
        top.0[0] > 200 && top.0[1] > 200 && top.0[2] < 60,
        "yellow: {top:?}"
    );
    assert!(bottom.0[2] > 200 && bottom.0[0] < 60, "blue: {bottom:?}");
    assert!(!read_image_facts(&dest).unwrap().cmyk);
}

#[test]
fn refuses_decompression_bombs_before_decoding() {
    let dir = Scratch::new();
    let dest = dir.path("out.jpg");
    let started = Instant::now();

    let png = dir.path("bomb.png");
    // A valid stream start (zlib header, one stored block) and an end: a real bomb's shape.
    let mut rest = png_chunk(
        b"IDAT",
        &[0x78, 0x01, 0x00, 0x04, 0x00, 0xfb, 0xff, 0, 0, 0, 0],
    );
    rest.extend_from_slice(&png_chunk(b"IEND", &[]));
    std::fs::write(&png, png_header(100_000, 100_000, &rest)).unwrap();
    let err = prepare_image(&png, &dest, &INSTAGRAM_FEED, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("10000 megapixels") && err.contains("up to 200 megapixels"),
        "{err}"
    );

    // A JPEG whose frame header claims 65,535 × 65,535.
    let mut jpeg = jpeg_bytes(&RgbImage::from_pixel(16, 16, Rgb([1, 2, 3])));
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xff, 0xc0])
        .expect("a baseline frame header");
    jpeg[sof + 5..sof + 9].copy_from_slice(&[0xff, 0xff, 0xff, 0xff]);
    let big = dir.path("bomb.jpg");
    std::fs::write(&big, jpeg).unwrap();
    let err = read_image_facts(&big).unwrap_err().to_string();
    assert!(err.contains("megapixels"), "{err}");

    assert!(
        started.elapsed() < Duration::from_secs(2),
        "refused quickly"
    );
    assert!(!dest.exists());
}
