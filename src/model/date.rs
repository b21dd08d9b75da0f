//! Normalized dates and times beside their surface text.
//!
//! Values are ISO 8601 strings of the forms `YYYY`, `YYYY-MM`, `YYYY-MM-DD`,
//! `YYYY-MM-DDThh:mm` or `YYYY-MM-DDThh:mm:ss` (as TEI's `@when` takes them). An uncertain
//! date is a range: `not_before` / `not_after` (TEI `@notBefore` / `@notAfter`).
//!
//! Military "2400 10 July 1951", the midnight that ends 10 July, is written
//! `1951-07-11T00:00`; an hour of 24 is not accepted. Surface text is read into a guess by
//! [`guess`] (the window prefills its date field with it); the annotator confirms it.

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub(crate) mod guess;
pub use guess::{Guess, guess};

/// A normalized date: an exact `when`, or a range, or both empty (unknown).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalizedDate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum DateError {
    #[error("\"{0}\" is not an ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss])")]
    NotIso(String),
    #[error("not_before {0} is after not_after {1}")]
    EmptyRange(String, String),
}

impl NormalizedDate {
    pub fn when(iso: impl Into<String>) -> Self {
        Self {
            when: Some(iso.into()),
            ..Self::default()
        }
    }

    pub fn range(not_before: impl Into<String>, not_after: impl Into<String>) -> Self {
        Self {
            when: None,
            not_before: Some(not_before.into()),
            not_after: Some(not_after.into()),
        }
    }

    /// Checks each value is ISO 8601 and the range is not empty.
    pub fn validate(&self) -> Result<(), DateError> {
        for v in [&self.when, &self.not_before, &self.not_after]
            .into_iter()
            .flatten()
        {
            check_iso(v)?;
        }
        if let (Some(a), Some(b)) = (&self.not_before, &self.not_after) {
            // Same-precision ISO strings compare correctly as text; a prefix sorts first.
            if a > b && !a.starts_with(b.as_str()) {
                return Err(DateError::EmptyRange(a.clone(), b.clone()));
            }
        }
        Ok(())
    }

    /// The earliest instant the date may denote, for sorting a timeline.
    pub fn sort_key(&self) -> Option<&str> {
        self.when
            .as_deref()
            .or(self.not_before.as_deref())
            .or(self.not_after.as_deref())
    }

    pub fn is_empty(&self) -> bool {
        self.when.is_none() && self.not_before.is_none() && self.not_after.is_none()
    }

    /// Reads a date as [`Display`](std::fmt::Display) writes it, so a field shows and takes
    /// the same text: `1951-07-10T15:00`, a range `A – B` (also `A/B` or `A to B`),
    /// `after A`, `before B`; empty or `unknown` is no date. Each value must be ISO 8601
    /// and a range not empty.
    pub fn parse(s: &str) -> Result<Self, DateError> {
        let s = s.trim();
        let d = if s.is_empty() || s.eq_ignore_ascii_case("unknown") {
            Self::default()
        } else if let Some(a) = s.strip_prefix("after ") {
            Self {
                not_before: Some(a.trim().to_owned()),
                ..Self::default()
            }
        } else if let Some(b) = s.strip_prefix("before ") {
            Self {
                not_after: Some(b.trim().to_owned()),
                ..Self::default()
            }
        } else if let Some((a, b)) = ["–", "—", "/", " to ", ".."]
            .iter()
            .find_map(|sep| s.split_once(sep))
        {
            Self::range(a.trim(), b.trim())
        } else {
            Self::when(s)
        };
        d.validate()?;
        Ok(d)
    }
}

impl std::fmt::Display for NormalizedDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.when, &self.not_before, &self.not_after) {
            (Some(w), _, _) => f.write_str(w),
            (None, Some(a), Some(b)) => write!(f, "{a} – {b}"),
            (None, Some(a), None) => write!(f, "after {a}"),
            (None, None, Some(b)) => write!(f, "before {b}"),
            (None, None, None) => f.write_str("unknown"),
        }
    }
}

/// Checks `s` against the ISO 8601 forms listed in the module docs.
pub fn check_iso(s: &str) -> Result<(), DateError> {
    let bad = || DateError::NotIso(s.to_owned());
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let num = |p: &str, len: usize| -> Option<u32> {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (y, m, d) = match parts.as_slice() {
        [y] => (num(y, 4), None, None),
        [y, m] => (num(y, 4), Some(num(m, 2)), None),
        [y, m, d] => (num(y, 4), Some(num(m, 2)), Some(num(d, 2))),
        _ => return Err(bad()),
    };
    let y = y.ok_or_else(bad)?;
    if let Some(m) = m {
        let m = m.ok_or_else(bad)?;
        if !(1..=12).contains(&m) {
            return Err(bad());
        }
        if let Some(d) = d {
            let d = d.ok_or_else(bad)?;
            if d < 1 || d > days_in_month(y, m) {
                return Err(bad());
            }
        }
    }
    if let Some(t) = time {
        if d.is_none() {
            return Err(bad());
        }
        let tp: Vec<&str> = t.split(':').collect();
        let ok = match tp.as_slice() {
            [h, mi] => num(h, 2).is_some_and(|h| h < 24) && num(mi, 2).is_some_and(|m| m < 60),
            [h, mi, se] => {
                num(h, 2).is_some_and(|h| h < 24)
                    && num(mi, 2).is_some_and(|m| m < 60)
                    && num(se, 2).is_some_and(|s| s < 60)
            }
            _ => false,
        };
        if !ok {
            return Err(bad());
        }
    }
    Ok(())
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_forms() {
        for ok in [
            "1951",
            "1951-07",
            "1951-07-11",
            "1951-07-11T00:00",
            "1952-02-29T23:59:59",
        ] {
            assert_eq!(check_iso(ok), Ok(()), "{ok}");
        }
        for bad in [
            "51",
            "1951-13",
            "1951-02-29",
            "1951-07-11T24:00",
            "1951-07T10:00",
            "July",
        ] {
            assert!(check_iso(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parse_reads_what_display_writes() {
        for d in [
            NormalizedDate::when("1951-07-10T15:00"),
            NormalizedDate::range("1951-07-10T12:00", "1951-07-10T18:00"),
            NormalizedDate {
                not_before: Some("1951-07".into()),
                ..Default::default()
            },
            NormalizedDate {
                not_after: Some("1952".into()),
                ..Default::default()
            },
            NormalizedDate::default(),
        ] {
            assert_eq!(NormalizedDate::parse(&d.to_string()), Ok(d.clone()), "{d}");
        }
        assert_eq!(
            NormalizedDate::parse("1951-07-10/1951-07-12"),
            Ok(NormalizedDate::range("1951-07-10", "1951-07-12"))
        );
        assert!(NormalizedDate::parse("14 July 1951").is_err());
        assert!(NormalizedDate::parse("1951-07-12 – 1951-07-10").is_err());
    }

    #[test]
    fn ranges() {
        assert!(
            NormalizedDate::range("1951-07-10", "1951-07-11")
                .validate()
                .is_ok()
        );
        assert!(
            NormalizedDate::range("1951-07-12", "1951-07-11")
                .validate()
                .is_err()
        );
        assert!(
            NormalizedDate::range("1951-07-11T08:00", "1951-07-11")
                .validate()
                .is_ok()
        );
    }
}
