//! The output's geometry, decided from the header alone: what is kept, the padding, the size.

use image::metadata::Orientation;

use super::{AspectFix, ImageLimits};
use crate::media::units;
use crate::violation::Violation;

/// A rectangle of pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Rect {
    pub(super) x: u32,
    pub(super) y: u32,
    pub(super) width: u32,
    pub(super) height: u32,
}

impl Rect {
    pub(super) fn whole(width: u32, height: u32) -> Rect {
        Rect {
            x: 0,
            y: 0,
            width,
            height,
        }
    }
}

/// What happens to the aspect ratio.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Aspect {
    /// Already within the limits.
    Accepted,
    /// Out of range, and the user has not chosen how to fix it.
    NeedsChoice { ratio: f64 },
    /// Out of range and fixed as the user chose, to the nearest allowed ratio.
    Fixed { fix: AspectFix, from: f64, to: f64 },
}

/// The output's geometry, in upright coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Geometry {
    /// The photo as shown (after EXIF orientation).
    pub(super) upright: (u32, u32),
    pub(super) aspect: Aspect,
    /// The part of the photo kept.
    pub(super) crop: Rect,
    /// The picture before scaling: the crop, or the padded canvas.
    pub(super) frame: (u32, u32),
    /// The output's size.
    pub(super) canvas: (u32, u32),
    /// The kept part's size in the output (smaller than the canvas when padded).
    pub(super) content: (u32, u32),
}

impl Geometry {
    /// Decides the output of a photo of this upright size.
    pub(super) fn plan(
        upright: (u32, u32),
        limits: &ImageLimits,
        fix: Option<AspectFix>,
    ) -> Geometry {
        let (aspect, crop, frame) = fix_aspect(upright, limits, fix);
        let canvas = scaled_canvas(frame, limits, matches!(aspect, Aspect::NeedsChoice { .. }));
        let padded = matches!(
            aspect,
            Aspect::Fixed {
                fix: AspectFix::Fit,
                ..
            }
        );
        let content = if padded {
            scale_into(upright, frame, canvas)
        } else {
            canvas
        };
        Geometry {
            upright,
            aspect,
            crop,
            frame,
            canvas,
            content,
        }
    }

    /// The refusal to give while the user has not chosen Fit or Crop.
    pub(super) fn needs_choice(&self, limits: &ImageLimits) -> Option<Violation> {
        let Aspect::NeedsChoice { ratio } = self.aspect else {
            return None;
        };
        Some(Violation::new(
            "image_aspect",
            format!(
                "This photo is {}; {} must be between {} and {} — choose Fit or Crop.",
                units::describe_ratio(ratio),
                limits.label,
                units::limit_ratio(limits.min_aspect),
                units::limit_ratio(limits.max_aspect),
            ),
        ))
    }

    /// Whether the output is a different size from the (cropped or padded) picture.
    pub(super) fn scales(&self) -> bool {
        self.canvas != self.frame
    }
}

/// What happens to the aspect ratio, the part kept, and the picture before scaling (the crop, or
/// the padded canvas).
fn fix_aspect(
    upright: (u32, u32),
    limits: &ImageLimits,
    fix: Option<AspectFix>,
) -> (Aspect, Rect, (u32, u32)) {
    let (width, height) = upright;
    let ratio = f64::from(width) / f64::from(height);
    let whole = Rect::whole(width, height);
    if limits.accepts_aspect(ratio) {
        return (Aspect::Accepted, whole, upright);
    }
    let Some(fix) = fix else {
        return (Aspect::NeedsChoice { ratio }, whole, upright);
    };
    let aspect = Aspect::Fixed {
        fix,
        from: ratio,
        to: ratio.clamp(limits.min_aspect, limits.max_aspect),
    };
    match fix {
        AspectFix::Crop => {
            let crop = crop_to_ratio(width, height, limits);
            (aspect, crop, (crop.width, crop.height))
        }
        AspectFix::Fit => (aspect, whole, pad_to_ratio(width, height, limits)),
    }
}

/// `floor(x)`, forgiving float noise just under a whole number (1080 / 0.8 = 1349.99…).
fn floor_px(x: f64) -> u32 {
    ((x + 1e-6).floor() as u32).max(1)
}

/// `ceil(x)`, forgiving float noise just over a whole number.
fn ceil_px(x: f64) -> u32 {
    ((x - 1e-6).ceil() as u32).max(1)
}

/// The centred crop of a photo to the nearest allowed ratio.
fn crop_to_ratio(width: u32, height: u32, limits: &ImageLimits) -> Rect {
    let ratio = f64::from(width) / f64::from(height);
    let (w, h) = if ratio < limits.min_aspect {
        (
            width,
            floor_px(f64::from(width) / limits.min_aspect).min(height),
        )
    } else {
        (
            floor_px(f64::from(height) * limits.max_aspect).min(width),
            height,
        )
    };
    Rect {
        x: (width - w) / 2,
        y: (height - h) / 2,
        width: w,
        height: h,
    }
}

/// The canvas a photo is padded to, at the nearest allowed ratio.
fn pad_to_ratio(width: u32, height: u32, limits: &ImageLimits) -> (u32, u32) {
    let ratio = f64::from(width) / f64::from(height);
    if ratio < limits.min_aspect {
        (
            ceil_px(f64::from(height) * limits.min_aspect).max(width),
            height,
        )
    } else {
        (
            width,
            ceil_px(f64::from(width) / limits.max_aspect).max(height),
        )
    }
}

/// The output size: the frame scaled down to `max_width` or up to `min_width`, keeping its
/// ratio within the limits despite rounding.
fn scaled_canvas(frame: (u32, u32), limits: &ImageLimits, out_of_range: bool) -> (u32, u32) {
    let (width, height) = frame;
    let target = width.clamp(limits.min_width, limits.max_width.max(limits.min_width));
    if target == width {
        return frame;
    }
    let scaled = (f64::from(height) * f64::from(target) / f64::from(width)).round();
    let mut new_height = (scaled as u32).max(1);
    if limits.limits_aspect() && !out_of_range {
        let lowest = if limits.max_aspect.is_finite() {
            ceil_px(f64::from(target) / limits.max_aspect)
        } else {
            1
        };
        let highest = if limits.min_aspect > 0.0 {
            floor_px(f64::from(target) / limits.min_aspect)
        } else {
            u32::MAX
        };
        if lowest <= highest {
            new_height = new_height.clamp(lowest, highest);
        }
    }
    (target, new_height)
}

/// The size of `inner` once `outer` is scaled to `scaled_outer`.
fn scale_into(inner: (u32, u32), outer: (u32, u32), scaled_outer: (u32, u32)) -> (u32, u32) {
    let sx = f64::from(scaled_outer.0) / f64::from(outer.0);
    let sy = f64::from(scaled_outer.1) / f64::from(outer.1);
    let w = ((f64::from(inner.0) * sx).round() as u32).clamp(1, scaled_outer.0);
    let h = ((f64::from(inner.1) * sy).round() as u32).clamp(1, scaled_outer.1);
    (w, h)
}

/// Whether an orientation turns the photo a quarter turn (so width and height swap).
pub(super) fn swaps_axes(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// Where an upright rectangle lies in the stored (not yet oriented) pixels.
pub(super) fn stored_rect(orientation: Orientation, stored: (u32, u32), upright: Rect) -> Rect {
    let (w, h) = stored;
    let Rect {
        x,
        y,
        width,
        height,
    } = upright;
    let (sx, sy, swapped) = match orientation {
        Orientation::NoTransforms => (x, y, false),
        Orientation::FlipHorizontal => (w - x - width, y, false),
        Orientation::Rotate180 => (w - x - width, h - y - height, false),
        Orientation::FlipVertical => (x, h - y - height, false),
        Orientation::Rotate90 => (y, h - x - width, true),
        Orientation::Rotate270 => (w - y - height, x, true),
        Orientation::Rotate90FlipH => (y, x, true),
        Orientation::Rotate270FlipH => (w - y - height, h - x - width, true),
    };
    let (sw, sh) = if swapped {
        (height, width)
    } else {
        (width, height)
    };
    Rect {
        x: sx,
        y: sy,
        width: sw,
        height: sh,
    }
}
