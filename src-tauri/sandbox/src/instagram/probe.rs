//! Looking at media bytes as Meta does: the image format, a JPEG's dimensions, and
//! whether a file is an MP4/MOV.

/// The format of an image by its first bytes (`jpeg`, `png`, `gif`, `webp`, `heic`, …).
pub(super) fn image_format(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("png")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("gif")
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else if bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(&bytes[8..12], b"heic" | b"heix" | b"mif1" | b"avif")
    {
        Some("heif")
    } else if bytes.starts_with(b"BM") && bytes.len() > 14 {
        Some("bmp")
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Some("tiff")
    } else {
        None
    }
}

/// `(width, height)` from a JPEG's frame header (SOF0…SOF15, except DHT/JPG/DAC), or
/// `None` when the bytes are not a JPEG or have no frame header before the scan.
pub(super) fn jpeg_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut i = 2;
    loop {
        // markers may be padded with any number of 0xFF fill bytes
        if *bytes.get(i)? != 0xFF {
            return None;
        }
        while *bytes.get(i)? == 0xFF {
            i += 1;
        }
        let marker = *bytes.get(i)?;
        i += 1;
        match marker {
            // standalone markers: no length
            0x01 | 0xD0..=0xD7 => continue,
            // start of scan or end of image before any frame header
            0xD9 | 0xDA => return None,
            _ => {}
        }
        let len = u16::from_be_bytes([*bytes.get(i)?, *bytes.get(i + 1)?]) as usize;
        if len < 2 {
            return None;
        }
        let is_sof = (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            // length(2) precision(1) height(2) width(2)
            let height = u16::from_be_bytes([*bytes.get(i + 3)?, *bytes.get(i + 4)?]);
            let width = u16::from_be_bytes([*bytes.get(i + 5)?, *bytes.get(i + 6)?]);
            if width == 0 || height == 0 {
                return None;
            }
            return Some((u32::from(width), u32::from(height)));
        }
        i += len;
    }
}

/// Is the aspect ratio `width:height` within 4:5 … 1.91:1 (feed and carousel images)?
pub(super) fn feed_aspect_ok(width: u32, height: u32) -> bool {
    let (w, h) = (u64::from(width), u64::from(height));
    // w/h >= 4/5  and  w/h <= 191/100
    w * 5 >= h * 4 && w * 100 <= h * 191
}

/// An MP4 or MOV by its first box: `ftyp` (or, for old QuickTime files, `moov`, `wide`,
/// `free`, `skip`).
pub(super) fn is_mp4_or_mov(head: &[u8]) -> bool {
    head.len() >= 8
        && matches!(&head[4..8], b"ftyp" | b"moov" | b"wide" | b"free" | b"skip")
        && image_format(head).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(width: u16, height: u16) -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        // APP0 JFIF
        v.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
        v.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        // SOF0
        v.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08]);
        v.extend_from_slice(&height.to_be_bytes());
        v.extend_from_slice(&width.to_be_bytes());
        v.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        v.extend_from_slice(&[0xFF, 0xD9]);
        v
    }

    #[test]
    fn reads_jpeg_dimensions() {
        assert_eq!(jpeg_dimensions(&jpeg(1080, 1350)), Some((1080, 1350)));
        assert_eq!(image_format(&jpeg(1, 1)), Some("jpeg"));
        // magic bytes only: no frame header
        assert_eq!(jpeg_dimensions(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0]), None);
        assert_eq!(jpeg_dimensions(b"\x89PNG\r\n\x1a\n"), None);
    }

    #[test]
    fn aspect_bounds() {
        assert!(feed_aspect_ok(1080, 1350)); // 4:5
        assert!(feed_aspect_ok(1080, 1080));
        assert!(feed_aspect_ok(1910, 1000)); // 1.91:1
        assert!(!feed_aspect_ok(1080, 1920)); // 9:16
        assert!(!feed_aspect_ok(2000, 1000)); // 2:1
    }

    #[test]
    fn recognises_videos() {
        let mut mp4 = vec![0, 0, 0, 0x20];
        mp4.extend_from_slice(b"ftypisom");
        assert!(is_mp4_or_mov(&mp4));
        assert!(!is_mp4_or_mov(b"RIFF\0\0\0\0AVI LIST"));
        let mut heic = vec![0, 0, 0, 0x18];
        heic.extend_from_slice(b"ftypheic");
        assert!(!is_mp4_or_mov(&heic));
    }
}
