//! How media measurements are said to a user: aspect ratios, durations, sizes.

/// Ratios people know by name, as (width, height, name).
const NAMED_RATIOS: &[(f64, f64, &str)] = &[
    (1.0, 1.0, "1:1"),
    (4.0, 5.0, "4:5"),
    (5.0, 4.0, "5:4"),
    (3.0, 4.0, "3:4"),
    (4.0, 3.0, "4:3"),
    (2.0, 3.0, "2:3"),
    (3.0, 2.0, "3:2"),
    (9.0, 16.0, "9:16"),
    (16.0, 9.0, "16:9"),
    (1.91, 1.0, "1.91:1"),
    (21.0, 9.0, "21:9"),
];

/// How close (relative) a ratio must be to a named one to be called by that name.
const NAME_TOLERANCE: f64 = 0.005;

/// The name of a well-known ratio close to `ratio` (width / height), if there is one.
fn named_ratio(ratio: f64) -> Option<&'static str> {
    NAMED_RATIOS
        .iter()
        .find(|(w, h, _)| ((ratio - w / h) / (w / h)).abs() <= NAME_TOLERANCE)
        .map(|(_, _, name)| *name)
}

/// A ratio as a number, e.g. "0.56:1".
fn numeric_ratio(ratio: f64) -> String {
    if !(0.1..10.0).contains(&ratio) {
        format!("{}:1", trim_zeros(format!("{ratio:.3}")))
    } else {
        format!("{ratio:.2}:1")
    }
}

/// "9:16 (0.56:1)" for a named ratio, "0.50:1" otherwise: how a photo or video is described.
pub(crate) fn describe_ratio(ratio: f64) -> String {
    let numeric = numeric_ratio(ratio);
    match named_ratio(ratio) {
        Some(name) if name != numeric => format!("{name} ({numeric})"),
        _ => numeric,
    }
}

/// "4:5" for a named ratio, "0.01:1" otherwise: how a limit is said.
pub(crate) fn limit_ratio(ratio: f64) -> String {
    match named_ratio(ratio) {
        Some(name) => name.to_owned(),
        None => format!("{}:1", trim_zeros(format!("{ratio:.2}"))),
    }
}

/// A short name of a ratio, for change lists: "4:5" or "0.56:1".
pub(crate) fn short_ratio(ratio: f64) -> String {
    named_ratio(ratio).map_or_else(|| numeric_ratio(ratio), str::to_owned)
}

/// "2.4 s", "45 s", "16 min 20 s", "15 min": a duration as people say it.
pub(crate) fn duration(ms: u64) -> String {
    if ms <= 60_000 {
        let tenths = (ms + 50) / 100;
        if tenths.is_multiple_of(10) || ms >= 10_000 {
            format!("{} s", (ms + 500) / 1000)
        } else {
            format!("{}.{} s", tenths / 10, tenths % 10)
        }
    } else {
        let seconds = (ms + 500) / 1000;
        match seconds % 60 {
            0 => format!("{} min", seconds / 60),
            rest => format!("{} min {rest} s", seconds / 60),
        }
    }
}

/// "312 MB", "8.4 MB", "950 KB" (decimal units, as file managers show them).
pub(crate) fn bytes(n: u64) -> String {
    const KB: f64 = 1_000.0;
    const MB: f64 = 1_000_000.0;
    const GB: f64 = 1_000_000_000.0;
    let n = n as f64;
    if n >= GB {
        format!("{} GB", trim_zeros(format!("{:.1}", n / GB)))
    } else if n >= MB {
        format!("{} MB", trim_zeros(format!("{:.1}", n / MB)))
    } else {
        format!("{} KB", (n / KB).ceil())
    }
}

/// "8 MiB" for Instagram's photo limit, which its errors state in binary units.
pub(crate) fn mebibytes(n: u64) -> String {
    format!(
        "{} MiB",
        trim_zeros(format!("{:.1}", n as f64 / (1024.0 * 1024.0)))
    )
}

/// "1.50" -> "1.5", "2.00" -> "2".
fn trim_zeros(text: String) -> String {
    if !text.contains('.') {
        return text;
    }
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_named_when_well_known() {
        assert_eq!(describe_ratio(1080.0 / 1920.0), "9:16 (0.56:1)");
        assert_eq!(describe_ratio(0.5), "0.50:1");
        assert_eq!(describe_ratio(1.91), "1.91:1");
        assert_eq!(limit_ratio(0.8), "4:5");
        assert_eq!(limit_ratio(1.91), "1.91:1");
        assert_eq!(limit_ratio(0.01), "0.01:1");
        assert_eq!(limit_ratio(10.0), "10:1");
        assert_eq!(short_ratio(0.8), "4:5");
        assert_eq!(short_ratio(0.5), "0.50:1");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(2_400), "2.4 s");
        assert_eq!(duration(3_000), "3 s");
        assert_eq!(duration(45_300), "45 s");
        assert_eq!(duration(60_000), "60 s");
        assert_eq!(duration(980_000), "16 min 20 s");
        assert_eq!(duration(900_000), "15 min");
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(bytes(312_000_000), "312 MB");
        assert_eq!(bytes(8_400_000), "8.4 MB");
        assert_eq!(bytes(950_000), "950 KB");
        assert_eq!(mebibytes(8 * 1024 * 1024), "8 MiB");
    }
}
