//! Who did what: the stamps recording who created a record and who last changed it, and
//! when (UTC, whole seconds).
//!
//! Stamps are data of the record they sit on: set by [`crate::model::ops::core::stamp`]
//! when a session commits a change, restored by undo with the rest of the record, and never
//! rewritten on save.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A moment in UTC, in whole seconds since 1970-01-01T00:00:00Z. Saved and shown as
/// RFC 3339 with a `Z` ("2026-11-30T03:39:22Z").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcTime(pub i64);

/// Who made or changed a record, and when. Saved on one line as the time, a space and the
/// name: `"2026-11-30T03:39:22Z Anna Petrova"` (just the time when the name is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// The annotator's name as set in the preferences (or as an import gave it).
    pub by: String,
    pub at: UtcTime,
}

/// Where the time of a stamp comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// The system clock.
    System,
    /// Always this moment (tests, so their results are deterministic).
    Fixed(UtcTime),
}

impl Clock {
    pub fn now(self) -> UtcTime {
        match self {
            Self::System => UtcTime::now(),
            Self::Fixed(t) => t,
        }
    }
}

/// Who is making changes in a session, and the clock their stamps read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamper {
    pub by: String,
    pub clock: Clock,
}

impl Stamper {
    /// The stamp for a change made now.
    pub fn stamp(&self) -> Stamp {
        Stamp {
            by: self.by.clone(),
            at: self.clock.now(),
        }
    }
}

/// One line saying who made a record and who changed it last, and when: "Created by Anna
/// on 2026-11-30 03:39 UTC, changed by Ben on 2026-12-01 10:02 UTC". `resp` is a name an
/// import gave without times. `None` when nothing is known.
pub fn provenance(created: Option<&Stamp>, modified: Option<&Stamp>, resp: &str) -> Option<String> {
    let part = |verb: &str, s: &Stamp| {
        let by = if s.by.is_empty() {
            String::new()
        } else {
            format!(" by {}", s.by)
        };
        format!("{verb}{by} on {}", s.at.short())
    };
    let mut out = match created {
        Some(c) => part("Created", c),
        None if !resp.is_empty() => format!("Made by {resp}"),
        None => String::new(),
    };
    if let Some(m) = modified.filter(|m| Some(*m) != created) {
        let changed = part("changed", m);
        out = if out.is_empty() {
            format!("C{}", &changed[1..])
        } else {
            format!("{out}, {changed}")
        };
    }
    (!out.is_empty()).then_some(out)
}

impl UtcTime {
    /// To the minute for people: "2026-11-30 03:39 UTC".
    pub fn short(self) -> String {
        let (y, mo, d, h, mi, _) = self.parts();
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02} UTC")
    }

    /// The system clock, truncated to the second (before 1970: the epoch).
    pub fn now() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self(i64::try_from(secs).unwrap_or(i64::MAX))
    }

    /// The moment at midnight UTC starting a day, plus hours, minutes and seconds.
    pub fn from_parts(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Self {
        let days = days_from_civil(y, i64::from(mo), i64::from(d));
        Self(days * 86_400 + i64::from(h) * 3_600 + i64::from(mi) * 60 + i64::from(s))
    }

    /// Reads RFC 3339 / ISO 8601 date-times: `YYYY-MM-DDTHH:MM:SS`, optional fraction
    /// (dropped: second precision), then `Z` or an offset `±HH:MM` (converted to UTC); a
    /// space may stand for the `T`. A bare date is midnight UTC. `None` when malformed or
    /// out of range.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let num = |t: &str| -> Option<u32> {
            (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse().ok())
                .flatten()
        };
        let (date, rest) = match s.find(['T', 't', ' ']) {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s, None),
        };
        let mut dp = date.splitn(3, '-');
        let (y, mo, d) = (dp.next()?, dp.next()?, dp.next()?);
        if y.len() != 4 || mo.len() != 2 || d.len() != 2 {
            return None;
        }
        let (y, mo, d) = (i64::from(num(y)?), num(mo)?, num(d)?);
        if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) {
            return None;
        }
        let Some(rest) = rest else {
            return Some(Self::from_parts(y, mo, d, 0, 0, 0));
        };
        // Split off the zone designator.
        let (clock, offset) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
            (c, 0)
        } else {
            let i = rest.rfind(['+', '-'])?;
            let (c, z) = (&rest[..i], &rest[i..]);
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let z = &z[1..];
            let (zh, zm) = match z.split_once(':') {
                Some((h, m)) => (h, m),
                None if z.len() == 4 => z.split_at(2),
                None => (z, "00"),
            };
            let (zh, zm) = (num(zh)?, num(zm)?);
            if zh > 23 || zm > 59 {
                return None;
            }
            (c, sign * (i64::from(zh) * 3_600 + i64::from(zm) * 60))
        };
        let clock = clock
            .split_once(['.', ','])
            .map_or(clock, |(c, frac)| if num(frac).is_some() { c } else { "" });
        let mut cp = clock.split(':');
        let (h, mi) = (cp.next()?, cp.next()?);
        let sec = cp.next().unwrap_or("00");
        if cp.next().is_some() || h.len() != 2 || mi.len() != 2 || sec.len() != 2 {
            return None;
        }
        let (h, mi, sec) = (num(h)?, num(mi)?, num(sec)?);
        // 60: a leap second, read as the last second of the minute.
        if h > 23 || mi > 59 || sec > 60 {
            return None;
        }
        let local = Self::from_parts(y, mo, d, h, mi, sec.min(59));
        Some(Self(local.0 - offset))
    }

    /// The calendar date (year, month, day) and time (hour, minute, second) in UTC.
    pub fn parts(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        // Each part is in range by construction (month 1..=12, day 1..=31, secs < 86,400).
        let small = |v: i64| u32::try_from(v).unwrap_or(0);
        (
            y,
            small(m),
            small(d),
            small(secs / 3_600),
            small(secs / 60 % 60),
            small(secs % 60),
        )
    }

    /// The date alone, "2026-11-30", for compact display.
    pub fn date(self) -> String {
        let (y, m, d, ..) = self.parts();
        format!("{y:04}-{m:02}-{d:02}")
    }
}

impl fmt::Display for UtcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.parts();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

impl Serialize for UtcTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for UtcTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "\"{s}\" is not a UTC time like \"2026-11-30T03:39:22Z\""
            ))
        })
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.by.is_empty() {
            write!(f, "{}", self.at)
        } else {
            write!(f, "{} {}", self.at, self.by)
        }
    }
}

impl Stamp {
    /// Reads what [`Stamp`]'s `Display` writes; `None` when the time is malformed.
    pub fn parse(s: &str) -> Option<Self> {
        let (at, by) = s.split_once(' ').unwrap_or((s, ""));
        Some(Self {
            by: by.to_owned(),
            at: UtcTime::parse(at)?,
        })
    }
}

impl Serialize for Stamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "\"{s}\" is not a stamp like \"2026-11-30T03:39:22Z Anna Petrova\""
            ))
        })
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_rfc3339() {
        let t = UtcTime::from_parts(2026, 11, 30, 3, 39, 22);
        assert_eq!(t.to_string(), "2026-11-30T03:39:22Z");
        assert_eq!(UtcTime::parse("2026-11-30T03:39:22Z"), Some(t));
        assert_eq!(UtcTime::parse("2026-11-30T04:39:22.123+01:00"), Some(t));
        assert_eq!(UtcTime::parse("2026-11-29 22:39:22-0500"), Some(t));
        assert_eq!(UtcTime(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(UtcTime(-1).to_string(), "1969-12-31T23:59:59Z");
        assert_eq!(
            UtcTime::parse("2024-02-29").map(|t| t.date()).as_deref(),
            Some("2024-02-29")
        );
        for bad in [
            "",
            "2026-11-30T03:39:22",
            "2023-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-11-30T24:00:00Z",
            "2026-11-30T03:39:22.x Z",
            "yesterday",
        ] {
            assert_eq!(UtcTime::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn provenance_lines() {
        let s = |by: &str, at| Stamp {
            by: by.into(),
            at: UtcTime(at),
        };
        let (a, b) = (s("Anna", 1_700_000_000), s("Ben", 1_700_090_000));
        assert_eq!(
            provenance(Some(&a), Some(&a), "").as_deref(),
            Some("Created by Anna on 2023-11-14 22:13 UTC")
        );
        assert_eq!(
            provenance(Some(&a), Some(&b), "").as_deref(),
            Some("Created by Anna on 2023-11-14 22:13 UTC, changed by Ben on 2023-11-15 23:13 UTC")
        );
        assert_eq!(
            provenance(None, Some(&s("", 0)), "").as_deref(),
            Some("Changed on 1970-01-01 00:00 UTC")
        );
        assert_eq!(provenance(None, None, "ak").as_deref(), Some("Made by ak"));
        assert_eq!(provenance(None, None, ""), None);
    }

    #[test]
    fn every_day_round_trips() {
        // 0001-01-01 to 9999-12-31, every fifth day.
        for day in (-719_162..2_932_897_i64).step_by(5) {
            let t = UtcTime(day * 86_400 + 3_661);
            assert_eq!(UtcTime::parse(&t.to_string()), Some(t), "{t}");
        }
    }

    #[test]
    fn stamps_save_as_readable_ron() {
        let s = Stamper {
            by: "Анна".into(),
            clock: Clock::Fixed(UtcTime(1_700_000_000)),
        }
        .stamp();
        let text = ron::to_string(&s).expect("serialize");
        assert_eq!(text, "\"2023-11-14T22:13:20Z Анна\"");
        assert_eq!(ron::from_str::<Stamp>(&text).expect("parse"), s);
        let nobody = Stamp {
            by: String::new(),
            at: UtcTime(0),
        };
        let text = ron::to_string(&nobody).expect("serialize");
        assert_eq!(text, "\"1970-01-01T00:00:00Z\"");
        assert_eq!(ron::from_str::<Stamp>(&text).expect("parse"), nobody);
        let spaced = Stamp::parse("2023-11-14T22:13:20Z  Anna  Petrova ").expect("parse");
        assert_eq!(spaced.by, " Anna  Petrova ", "the name is kept as it was");
        let err = ron::from_str::<Stamp>("\"soon Anna\"").unwrap_err();
        assert!(err.to_string().contains("is not a stamp"), "{err}");
    }
}
