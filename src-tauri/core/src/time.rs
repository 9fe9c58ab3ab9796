//! Due times: parsing what users type, DST gaps and folds, and an injectable clock.
//!
//! A due time is stored as a UTC instant plus the IANA zone the user planned in, so that "move to
//! Thursday" keeps 09:00 on the wall clock even across a daylight-saving change.

use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{Timestamp, ZonedDateTime};

use crate::error::{CoreError, CoreResult};

/// A moment a post is due, with the zone it was planned in.
#[derive(Debug, Clone, PartialEq)]
pub struct DueTime {
    /// The instant (UTC).
    pub at: Timestamp,
    /// The IANA zone name, e.g. `Europe/Paris`.
    pub zone: String,
}

/// Where "now" comes from, so that time-dependent code can be tested.
pub trait Clock: Send + Sync {
    /// The current wall-clock instant.
    fn now(&self) -> Timestamp;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// The user's IANA zone name, or `UTC` when the system's zone has no IANA name.
pub fn system_zone_name() -> String {
    TimeZone::system()
        .iana_name()
        .map(str::to_owned)
        .unwrap_or_else(|| "UTC".to_owned())
}

/// Looks up an IANA zone by name, with a clear error for a wrong one.
pub fn zone(name: &str) -> CoreResult<TimeZone> {
    TimeZone::get(name).map_err(|_| {
        CoreError::invalid(format!(
            "unknown time zone '{name}' (use an IANA name such as Europe/Paris or America/New_York)"
        ))
    })
}

/// Parses a due time as users and scripts write it:
/// - RFC 3339 with an offset (`2026-12-01T09:00:00Z`, `2026-12-01T09:00:00+01:00`);
/// - RFC 9557 with a zone (`2026-12-01T09:00:00+01:00[Europe/Paris]`), whose offset must match;
/// - a wall-clock time without offset (`2026-12-01T09:00`), read in `zone_name`, refused when it
///   falls in a DST gap or fold.
///
/// `zone_name` (default: the system's zone) is the zone recorded with the post, unless the input
/// names its own.
pub fn parse_due_time(input: &str, zone_name: Option<&str>) -> CoreResult<DueTime> {
    let input = input.trim();
    let zone_name = match zone_name {
        Some(name) => name.to_owned(),
        None => system_zone_name(),
    };
    let tz = zone(&zone_name)?;

    if input.ends_with(']') {
        let zoned: ZonedDateTime = input.parse().map_err(|err| {
            CoreError::invalid(format!(
                "'{input}' is not a valid time with a zone ({err}); check that the offset is right for that zone and date"
            ))
        })?;
        let zone = zoned
            .time_zone()
            .iana_name()
            .map(str::to_owned)
            .unwrap_or(zone_name);
        return Ok(DueTime {
            at: zoned.timestamp(),
            zone,
        });
    }
    if let Ok(at) = input.parse::<Timestamp>() {
        return Ok(DueTime {
            at,
            zone: zone_name,
        });
    }
    let civil: DateTime = input.parse().map_err(|_| {
        CoreError::invalid(format!(
            "'{input}' is not a time Herald understands; use RFC 3339 such as 2026-12-01T09:00:00Z \
             or 2026-12-01T09:00:00+01:00"
        ))
    })?;
    Ok(DueTime {
        at: resolve_wall_time(civil, &tz, &zone_name)?,
        zone: zone_name,
    })
}

/// The instant of a wall-clock time in a zone, refusing times that do not exist (DST gap) or
/// exist twice (DST fold), with a sentence saying what to do.
pub fn resolve_wall_time(civil: DateTime, tz: &TimeZone, zone_name: &str) -> CoreResult<Timestamp> {
    let ambiguous = tz.to_ambiguous_zoned_datetime(civil);
    match ambiguous.offset() {
        AmbiguousOffset::Unambiguous { offset } => offset
            .to_timestamp(civil)
            .map_err(|err| CoreError::invalid(format!("{civil} is out of range: {err}"))),
        AmbiguousOffset::Gap { before, after } => Err(CoreError::invalid(format!(
            "{civil} does not exist in {zone_name}: the clocks jump from {before} to {after} \
             for daylight saving time; pick a time outside that gap"
        ))),
        AmbiguousOffset::Fold { before, after } => Err(CoreError::invalid(format!(
            "{civil} happens twice in {zone_name} (offsets {before} and {after}) when the clocks \
             go back; add the offset you mean, e.g. {civil}{before}"
        ))),
    }
}

/// The same wall-clock time as `at` (in `zone_name`) on another day: what dragging a post to
/// another day in the month view means.
pub fn same_time_on_day(at: Timestamp, zone_name: &str, day: Date) -> CoreResult<Timestamp> {
    let tz = zone(zone_name)?;
    let time_of_day = at.to_zoned_datetime(tz.clone()).time();
    resolve_wall_time(day.to_datetime(time_of_day), &tz, zone_name)
}

/// Parses a calendar day written `YYYY-MM-DD`.
pub fn parse_day(input: &str) -> CoreResult<Date> {
    input
        .trim()
        .parse()
        .map_err(|_| CoreError::invalid(format!("'{input}' is not a date; use YYYY-MM-DD")))
}

/// Seconds since the Unix epoch, as stored in SQLite.
pub fn to_epoch(at: Timestamp) -> i64 {
    at.as_second()
}

/// The instant for stored epoch seconds.
pub fn from_epoch(seconds: i64) -> CoreResult<Timestamp> {
    Timestamp::from_second(seconds)
        .map_err(|err| CoreError::invalid(format!("stored time {seconds} is out of range: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_with_offset_is_an_exact_instant() {
        let due = parse_due_time("2026-12-01T09:00:00+01:00", Some("Europe/Paris")).unwrap();
        assert_eq!(due.at.to_string(), "2026-12-01T08:00:00Z");
        assert_eq!(due.zone, "Europe/Paris");
    }

    #[test]
    fn wall_time_is_read_in_the_given_zone() {
        let due = parse_due_time("2026-07-01T09:00", Some("Europe/Paris")).unwrap();
        assert_eq!(due.at.to_string(), "2026-07-01T07:00:00Z");
    }

    #[test]
    fn a_time_in_the_spring_gap_is_refused() {
        let err = parse_due_time("2027-03-28T02:30", Some("Europe/Paris")).unwrap_err();
        assert!(
            err.to_string().contains("does not exist in Europe/Paris"),
            "{err}"
        );
    }

    #[test]
    fn a_time_in_the_autumn_fold_asks_for_an_offset() {
        let err = parse_due_time("2026-10-25T02:30", Some("Europe/Paris")).unwrap_err();
        assert!(err.to_string().contains("happens twice"), "{err}");
    }

    #[test]
    fn a_zoned_time_whose_offset_is_wrong_for_the_gap_is_refused() {
        assert!(parse_due_time("2027-03-28T02:30:00+01:00[Europe/Paris]", None).is_err());
        let due = parse_due_time("2026-12-01T09:00:00+01:00[Europe/Paris]", Some("UTC")).unwrap();
        assert_eq!(due.zone, "Europe/Paris");
    }

    #[test]
    fn garbage_and_unknown_zones_get_clear_errors() {
        let err = parse_due_time("next tuesday", Some("UTC")).unwrap_err();
        assert!(err.to_string().contains("RFC 3339"), "{err}");
        let err = parse_due_time("2026-12-01T09:00:00Z", Some("Mars/Olympus")).unwrap_err();
        assert!(err.to_string().contains("unknown time zone"), "{err}");
    }

    #[test]
    fn moving_across_dst_keeps_the_wall_clock_time() {
        // 09:00 in Paris in winter (UTC+1) moved to a summer day (UTC+2) stays 09:00.
        let winter = parse_due_time("2027-03-20T09:00", Some("Europe/Paris")).unwrap();
        let summer =
            same_time_on_day(winter.at, "Europe/Paris", parse_day("2027-04-02").unwrap()).unwrap();
        assert_eq!(summer.to_string(), "2027-04-02T07:00:00Z");
    }

    #[test]
    fn moving_into_a_gap_is_refused() {
        let due = parse_due_time("2027-03-27T02:30", Some("Europe/Paris")).unwrap();
        let err =
            same_time_on_day(due.at, "Europe/Paris", parse_day("2027-03-28").unwrap()).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
}
