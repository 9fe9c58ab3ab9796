//! The marker structure of a JPEG: whether the file is complete, and its colour components.

/// What walking a JPEG's markers finds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct JpegLayout {
    /// Whether the segments run to an end-of-image marker after the last scan.
    pub(super) complete: bool,
    /// The colour components of the frame: 1 (grey), 3 (YCbCr/RGB) or 4 (CMYK/YCCK).
    pub(super) components: Option<u8>,
}

/// Walks a JPEG's marker segments (skipping their bodies by length) and the entropy-coded data
/// of each scan, to the end-of-image marker; data after it (a phone's embedded motion-photo
/// video) is ignored.
pub(super) fn jpeg_layout(bytes: &[u8]) -> JpegLayout {
    const EOI: u8 = 0xd9;
    const SOS: u8 = 0xda;
    let mut layout = JpegLayout::default();
    let mut i = 2;
    loop {
        let Some((at, marker)) = next_marker(bytes, i) else {
            return layout;
        };
        i = at;
        match marker {
            EOI => {
                layout.complete = true;
                return layout;
            }
            0x01 | 0xd0..=0xd7 => i += 2,
            _ => {
                let Some(length) = bytes.get(i + 2..i + 4) else {
                    return layout;
                };
                if is_frame_header(marker) {
                    layout.components = bytes.get(i + 9).copied();
                }
                i += 2 + usize::from(u16::from_be_bytes([length[0], length[1]]));
                if marker == SOS {
                    match next_marker_after_scan(bytes, i) {
                        Some(at) => i = at,
                        None => return layout,
                    }
                }
            }
        }
    }
}

/// The marker at or after `i` (fill bytes and stray bytes between segments are skipped, as
/// decoders do): where it starts and its code.
pub(super) fn next_marker(bytes: &[u8], mut i: usize) -> Option<(usize, u8)> {
    if bytes.get(i).is_some_and(|byte| *byte != 0xff) {
        i += bytes.get(i..)?.iter().position(|byte| *byte == 0xff)?;
    }
    while bytes.get(i) == Some(&0xff) && bytes.get(i + 1) == Some(&0xff) {
        i += 1;
    }
    match (bytes.get(i), bytes.get(i + 1)) {
        (Some(&0xff), Some(&marker)) => Some((i, marker)),
        _ => None,
    }
}

/// Whether a marker starts a frame header (SOF0–SOF15 but DHT, JPG and DAC).
pub(super) fn is_frame_header(marker: u8) -> bool {
    (0xc0..=0xcf).contains(&marker) && !matches!(marker, 0xc4 | 0xc8 | 0xcc)
}

/// Where the marker that ends a scan's entropy-coded data starts (stuffed 0xFF00 bytes and
/// restart markers belong to the data).
pub(super) fn next_marker_after_scan(bytes: &[u8], from: usize) -> Option<usize> {
    let data = bytes.get(from..)?;
    data.windows(2)
        .position(|pair| pair[0] == 0xff && pair[1] != 0 && !(0xd0..=0xd7).contains(&pair[1]))
        .map(|offset| from + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_layout_finds_the_end_and_the_colour_components() {
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
            .encode_image(&image::RgbImage::from_fn(40, 30, |x, y| {
                image::Rgb([x as u8, y as u8, 7])
            }))
            .unwrap();
        let layout = jpeg_layout(&jpeg);
        assert_eq!(
            layout,
            JpegLayout {
                complete: true,
                components: Some(3)
            }
        );

        let mut motion_photo = jpeg.clone();
        motion_photo.extend_from_slice(b"\0\0\0\x18ftypmp42 a video follows the picture");
        assert!(jpeg_layout(&motion_photo).complete);

        for cut in [3, 20, jpeg.len() / 2, jpeg.len() - 2] {
            assert!(!jpeg_layout(&jpeg[..cut]).complete, "cut at {cut}");
        }

        let sof = jpeg.windows(2).position(|w| w == [0xff, 0xc0]).unwrap();
        jpeg[sof + 9] = 4;
        assert_eq!(jpeg_layout(&jpeg).components, Some(4));
        assert!(!jpeg_layout(b"\xff\xd8").complete);
        assert!(!jpeg_layout(b"").complete);
    }
}
