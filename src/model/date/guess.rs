//! Reading a date or time as people write it — "14 July 1951", "tomorrow at 0800", "in the
//! afternoon", "2400 10 July 1951", "14 июля 1951", "1951年7月14日" — into a
//! [`NormalizedDate`], given the date of the document it is written in. The result is a
//! guess that prefills the window's date field; the annotator confirms or corrects it, so
//! nothing here is stored without a person seeing it.
//!
//! Days are proleptic Gregorian; time zones are not read (a cable's "Moscow time" stays in
//! the text). Weekdays ("on Monday") are read as the next such day on or after the
//! document's date, with low certainty.

use super::NormalizedDate;
use crate::model::annotation::Certainty;

/// A reading of a surface text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guess {
    pub date: NormalizedDate,
    /// How sure the reading is: `High` when the text names the full date, `Medium` when the
    /// year or day came from the document's date, `Low` for weekdays and bare times.
    pub cert: Certainty,
    /// How it was read, for people: "tomorrow: the day after the document's date 1951-07-10".
    pub basis: String,
}

/// A calendar day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Day {
    y: i32,
    m: u32,
    d: u32,
}

impl Day {
    fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    fn serial(self) -> i64 {
        let y = i64::from(self.y) - i64::from(self.m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.m);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    fn from_serial(z: i64) -> Self {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i64::from(m <= 2);
        Self { y: y as i32, m, d }
    }

    fn plus(self, days: i64) -> Self {
        Self::from_serial(self.serial() + days)
    }

    /// 0 = Monday … 6 = Sunday.
    fn weekday(self) -> i64 {
        (self.serial() + 3).rem_euclid(7)
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

fn valid_day(y: i32, m: u32, d: u32) -> Option<Day> {
    ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then_some(Day { y, m, d })
}

/// What a document's date says: year, and month and day when it has them.
fn context_of(date: Option<&NormalizedDate>) -> (Option<i32>, Option<u32>, Option<Day>) {
    let Some(s) = date.and_then(|d| d.when.as_deref().or(d.not_before.as_deref())) else {
        return (None, None, None);
    };
    let date_part = s.split('T').next().unwrap_or_default();
    let mut parts = date_part.split('-');
    let y = parts.next().and_then(|p| p.parse::<i32>().ok());
    let m = parts.next().and_then(|p| p.parse::<u32>().ok());
    let d = parts.next().and_then(|p| p.parse::<u32>().ok());
    let day = match (y, m, d) {
        (Some(y), Some(m), Some(d)) => valid_day(y, m, d),
        _ => None,
    };
    (y, m, day)
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Num(String),
    Sep(char),
}

fn tokens(s: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut n = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n.push(d);
                chars.next();
            }
            out.push(Tok::Num(n));
        } else if matches!(c, '年' | '月' | '日' | '时' | '時' | '点' | '分') {
            out.push(Tok::Word(c.to_string()));
            chars.next();
        } else if c.is_alphabetic() || c == '\'' || c == '’' {
            let mut w = String::new();
            while let Some(&d) = chars
                .peek()
                .filter(|d| (d.is_alphabetic() || **d == '\'' || **d == '’') && !is_cjk_unit(**d))
            {
                w.extend(d.to_lowercase());
                chars.next();
            }
            out.push(Tok::Word(w));
        } else {
            if matches!(c, ':' | '.' | '/' | '-' | '–' | ',') {
                out.push(Tok::Sep(c));
            }
            chars.next();
        }
    }
    out
}

fn is_cjk_unit(c: char) -> bool {
    matches!(c, '年' | '月' | '日' | '时' | '時' | '点' | '分')
}

/// The month a word names (English, with abbreviations; Russian in any case ending).
pub(crate) fn month_of(w: &str) -> Option<u32> {
    const EN: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if w == "sept" {
        return Some(9);
    }
    if w.chars().count() >= 3
        && let Some(i) = EN.iter().position(|m| m.starts_with(w))
    {
        return Some(i as u32 + 1);
    }
    // German and French, whole words (with the common abbreviations).
    const DE_FR: [(&str, u32); 30] = [
        ("januar", 1),
        ("jänner", 1),
        ("februar", 2),
        ("märz", 3),
        ("mai", 5),
        ("juni", 6),
        ("juli", 7),
        ("oktober", 10),
        ("okt", 10),
        ("dezember", 12),
        ("dez", 12),
        ("janvier", 1),
        ("janv", 1),
        ("février", 2),
        ("fevrier", 2),
        ("févr", 2),
        ("mars", 3),
        ("avril", 4),
        ("avr", 4),
        ("juin", 6),
        ("juillet", 7),
        ("juil", 7),
        ("août", 8),
        ("aout", 8),
        ("septembre", 9),
        ("octobre", 10),
        ("novembre", 11),
        ("décembre", 12),
        ("decembre", 12),
        ("déc", 12),
    ];
    if let Some((_, m)) = DE_FR.iter().find(|(n, _)| *n == w) {
        return Some(*m);
    }
    const RU: [&str; 12] = [
        "январ",
        "феврал",
        "март",
        "апрел",
        "ма",
        "июн",
        "июл",
        "август",
        "сентябр",
        "октябр",
        "ноябр",
        "декабр",
    ];
    for (i, stem) in RU.iter().enumerate() {
        let fits = if *stem == "ма" {
            matches!(w, "май" | "мая" | "мае")
        } else {
            w.starts_with(stem) && w.chars().count() <= stem.chars().count() + 2
        };
        if fits {
            return Some(i as u32 + 1);
        }
    }
    None
}

fn weekday_of(w: &str) -> Option<i64> {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    DAYS.iter().position(|d| *d == w).map(|i| i as i64)
}

/// A part of the day, as a range of times.
fn part_of_day(w: &str) -> Option<(&'static str, &'static str)> {
    Some(match w {
        "morning" | "утром" | "утро" => ("06:00", "12:00"),
        "afternoon" | "днём" | "днем" => ("12:00", "18:00"),
        "evening" | "вечером" | "вечер" | "tonight" => ("18:00", "23:59"),
        "night" | "ночью" => ("20:00", "23:59"),
        _ => return None,
    })
}

const TIME_BEFORE: [&str; 11] = [
    "at", "from", "until", "till", "by", "before", "after", "about", "around", "circa", "ca",
];
const TIME_AFTER: [&str; 10] = [
    "hours", "hrs", "hr", "h", "hundred", "local", "z", "gmt", "utc", "o'clock",
];

/// Words after an hour ("15 часов", "15 Uhr", "15 heures", "3 o'clock").
pub(crate) const HOUR_WORDS: [&str; 8] = [
    "часов",
    "часа",
    "час",
    "uhr",
    "heures",
    "heure",
    "h",
    "o'clock",
];

/// The month a Roman numeral names ("VII" in "10.VII.51").
pub(crate) fn roman_month(w: &str) -> Option<u32> {
    const R: [&str; 12] = [
        "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii",
    ];
    R.iter().position(|r| *r == w).map(|i| i as u32 + 1)
}

struct Reading {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    /// Hours and minutes; 24:00 is the midnight that ends the day.
    time: Option<(u32, u32)>,
    part: Option<(&'static str, &'static str)>,
    /// Days after the document's date ("tomorrow": 1).
    relative: Option<(i64, &'static str)>,
    weekday: Option<i64>,
    /// early / mid / late in a month.
    third: Option<u8>,
}

fn read(s: &str) -> Reading {
    let lower = s
        .to_lowercase()
        .replace("a.m.", " am ")
        .replace("p.m.", " pm ")
        .replace("a. m.", " am ")
        .replace("p. m.", " pm ");
    let t = tokens(&lower);
    let mut r = Reading {
        year: None,
        month: None,
        day: None,
        time: None,
        part: None,
        relative: None,
        weekday: None,
        third: None,
    };
    let word = |i: usize| match t.get(i) {
        Some(Tok::Word(w)) => Some(w.as_str()),
        _ => None,
    };
    let num = |i: usize| match t.get(i) {
        Some(Tok::Num(n)) => Some(n.as_str()),
        _ => None,
    };
    let mut used = vec![false; t.len()];
    // Chinese and Japanese: 1951年7月14日, 15时/時.
    for (i, used) in used.iter_mut().enumerate() {
        if let (Some(n), Some(unit)) = (num(i), word(i + 1)) {
            let v: u32 = n.parse().unwrap_or(0);
            match unit {
                "年" if n.len() == 4 => r.year = Some(v as i32),
                "月" if (1..=12).contains(&v) => r.month = Some(v),
                "日" if (1..=31).contains(&v) => r.day = Some(v),
                "时" | "時" | "点" if v <= 24 => {
                    let min = num(i + 2)
                        .filter(|_| word(i + 3) == Some("分"))
                        .and_then(|m| m.parse().ok())
                        .unwrap_or(0);
                    r.time = Some((v, min));
                }
                _ => continue,
            }
            *used = true;
        }
    }
    // ISO 1951-07-14 and numeric 14.7.1951 / 14/7/1951 / 7/14/1951.
    for i in 0..t.len().saturating_sub(4) {
        let (Some(a), Some(Tok::Sep(s1)), Some(b), Some(Tok::Sep(s2)), Some(c)) =
            (num(i), t.get(i + 1), num(i + 2), t.get(i + 3), num(i + 4))
        else {
            continue;
        };
        if s1 != s2 || !matches!(s1, '-' | '.' | '/') {
            continue;
        }
        let (av, bv, cv): (u32, u32, u32) = (
            a.parse().unwrap_or(0),
            b.parse().unwrap_or(0),
            c.parse().unwrap_or(0),
        );
        let ymd = if a.len() == 4 {
            Some((av as i32, bv, cv))
        } else if c.len() == 4 || c.len() == 2 {
            let y = if c.len() == 2 {
                1900 + cv as i32
            } else {
                cv as i32
            };
            // Day first, as in most of the world, unless that cannot be.
            if bv > 12 && av <= 12 {
                Some((y, av, bv))
            } else {
                Some((y, bv, av))
            }
        } else {
            None
        };
        if let Some((y, m, d)) = ymd
            && valid_day(y, m, d).is_some()
        {
            (r.year, r.month, r.day) = (Some(y), Some(m), Some(d));
            used[i..=i + 4].iter_mut().for_each(|u| *u = true);
        }
    }
    // 10.VII.51, 10.VII.1951: day, Roman month, year.
    for i in 0..t.len().saturating_sub(4) {
        let (Some(d), Some(Tok::Sep('.')), Some(m), Some(Tok::Sep('.')), Some(y)) = (
            num(i),
            t.get(i + 1),
            word(i + 2).and_then(roman_month),
            t.get(i + 3),
            num(i + 4),
        ) else {
            continue;
        };
        let yv: i32 = y.parse().unwrap_or(0);
        let yv = match y.len() {
            2 => 1900 + yv,
            4 => yv,
            _ => continue,
        };
        if let Some(day) = valid_day(yv, m, d.parse().unwrap_or(0)) {
            (r.year, r.month, r.day) = (Some(day.y), Some(day.m), Some(day.d));
            used[i..=i + 4].iter_mut().for_each(|u| *u = true);
        }
    }
    // Month names, and the day and year beside them.
    for i in 0..t.len() {
        let Some(m) = word(i).and_then(month_of) else {
            continue;
        };
        // "may" and "march" are also verbs: months only next to a number.
        let near_number = (i > 0 && num(i - 1).is_some())
            || num(i + 1).is_some()
            || (i > 1 && num(i - 2).is_some() && matches!(word(i - 1), Some("of" | "th")));
        if matches!(word(i), Some("may" | "march" | "mar")) && !near_number {
            continue;
        }
        r.month = Some(m);
        used[i] = true;
        // The day: before ("14 July", "14th of July") or after ("July 14", "July 14th").
        let before = [i.checked_sub(1), i.checked_sub(2), i.checked_sub(3)]
            .into_iter()
            .flatten()
            .find(|&j| {
                num(j).is_some_and(|n| n.len() <= 2)
                    && (j + 1..i).all(|k| {
                        matches!(
                            word(k),
                            Some("th" | "st" | "nd" | "rd" | "er" | "of" | "the")
                        ) || matches!(t.get(k), Some(Tok::Sep('.')))
                    })
            });
        let filler = |k: usize| {
            matches!(word(k), Some("the")) || matches!(t.get(k), Some(Tok::Sep('.' | ',')))
        };
        let after = [i + 1, i + 2].into_iter().find(|&j| {
            num(j).is_some_and(|n| n.len() <= 2)
                && (i + 1..j).all(filler)
                && !matches!(t.get(j + 1), Some(Tok::Sep(':')))
                && !matches!(word(j + 1), Some("am" | "pm"))
        });
        if let Some(j) = before.or(after) {
            let v: u32 = num(j).and_then(|n| n.parse().ok()).unwrap_or(0);
            if (1..=31).contains(&v) {
                r.day = Some(v);
                used[j] = true;
            }
        }
        // The year: the first four-digit number after the month (past a day and commas).
        let mut j = i + 1;
        while j < t.len() && j <= i + 4 {
            if let Some(n) = num(j)
                && n.len() == 4
            {
                r.year = n.parse().ok();
                used[j] = true;
                break;
            }
            j += 1;
        }
        // "early July", "mid-July", "late July", "the end of July".
        let q = |k: Option<usize>| k.and_then(word);
        for k in [i.checked_sub(1), i.checked_sub(2), i.checked_sub(3)] {
            match q(k) {
                Some("early" | "beginning") => r.third = Some(0),
                Some("mid" | "middle") => r.third = Some(1),
                Some("late" | "end") => r.third = Some(2),
                _ => continue,
            }
            break;
        }
    }
    // Times: 08:00, 8.30 pm, 8 am, 0800 (hours), noon, midnight.
    for i in 0..t.len() {
        if used[i] {
            continue;
        }
        let Some(n) = num(i) else { continue };
        let v: u32 = n.parse().unwrap_or(99);
        if let (Some(Tok::Sep(':' | '.')), Some(mm)) = (t.get(i + 1), num(i + 2))
            && n.len() <= 2
            && mm.len() == 2
        {
            let mut h = v;
            let mi: u32 = mm.parse().unwrap_or(99);
            match word(i + 3) {
                Some("pm") if h < 12 => h += 12,
                Some("am") if h == 12 => h = 0,
                _ => {}
            }
            if h <= 24 && mi < 60 {
                r.time = Some((h, mi));
                used[i] = true;
                used[i + 2] = true;
            }
            continue;
        }
        if n.len() <= 2 && matches!(word(i + 1), Some("am" | "pm")) && (1..=12).contains(&v) {
            let h = match (word(i + 1), v) {
                (Some("pm"), 12) => 12,
                (Some("pm"), h) => h + 12,
                (_, 12) => 0,
                (_, h) => h,
            };
            r.time = Some((h, 0));
            used[i] = true;
            continue;
        }
        if n.len() <= 2 && v <= 24 && word(i + 1).is_some_and(|w| HOUR_WORDS.contains(&w)) {
            // "в 15 часов", "um 15 Uhr", "à 15 heures", "15 h 30".
            let mi = num(i + 2)
                .filter(|m| m.len() == 2 && matches!(word(i + 1), Some("h" | "uhr" | "heures")))
                .and_then(|m| m.parse().ok())
                .filter(|m: &u32| *m < 60)
                .unwrap_or(0);
            r.time = Some((v, mi));
            used[i] = true;
            continue;
        }
        if n.len() == 4 {
            let (h, mi) = (v / 100, v % 100);
            let as_time = h <= 24 && mi < 60 && (h < 24 || mi == 0);
            let said_time = i
                .checked_sub(1)
                .and_then(word)
                .is_some_and(|w| TIME_BEFORE.contains(&w))
                || word(i + 1).is_some_and(|w| TIME_AFTER.contains(&w));
            if as_time && (said_time || r.year.is_some()) {
                r.time = Some((h, mi));
                used[i] = true;
            } else if r.year.is_none() && (1000..=2999).contains(&v) {
                r.year = Some(v as i32);
                used[i] = true;
            } else if as_time {
                r.time = Some((h, mi));
                used[i] = true;
            }
        }
    }
    for (i, tok) in t.iter().enumerate() {
        let Tok::Word(w) = tok else { continue };
        let next = word(i + 1);
        let prev = i.checked_sub(1).and_then(word);
        match w.as_str() {
            "noon" | "midday" | "полдень" => r.time = r.time.or(Some((12, 0))),
            "midnight" | "полночь" => r.time = r.time.or(Some((24, 0))),
            "today" | "сегодня" | "heute" | "aujourd'hui" | "aujourd’hui" => {
                r.relative = Some((0, "today"));
            }
            "übermorgen" => r.relative = Some((2, "the day after tomorrow")),
            "vorgestern" => r.relative = Some((-2, "the day before yesterday")),
            "morgen" | "demain" if prev == Some("après") => {
                r.relative = Some((2, "the day after tomorrow"));
            }
            "morgen" | "demain" => r.relative = r.relative.or(Some((1, "tomorrow"))),
            "gestern" | "hier" if prev == Some("avant") => {
                r.relative = Some((-2, "the day before yesterday"));
            }
            "gestern" | "hier" => r.relative = r.relative.or(Some((-1, "yesterday"))),
            "tonight" => {
                r.relative = Some((0, "tonight"));
                r.part = r.part.or(part_of_day("tonight"));
            }
            "tomorrow" | "завтра" if prev == Some("after") => {
                r.relative = Some((2, "the day after tomorrow"));
            }
            "tomorrow" | "завтра" => {
                r.relative = r.relative.or(Some((1, "tomorrow")));
            }
            "послезавтра" => r.relative = Some((2, "the day after tomorrow")),
            "yesterday" | "вчера" if prev == Some("before") => {
                r.relative = Some((-2, "the day before yesterday"));
            }
            "yesterday" | "вчера" => r.relative = r.relative.or(Some((-1, "yesterday"))),
            "позавчера" => r.relative = Some((-2, "the day before yesterday")),
            "day" if matches!(prev, Some("next" | "following")) => {
                r.relative = r.relative.or(Some((1, "the next day")));
            }
            "day" if matches!(prev, Some("previous" | "preceding")) => {
                r.relative = r.relative.or(Some((-1, "the previous day")));
            }
            "day" if matches!(prev, Some("same" | "that")) => {
                r.relative = r.relative.or(Some((0, "the same day")));
            }
            "this" if next.and_then(part_of_day).is_some() => {
                r.relative = r.relative.or(Some((0, "today")));
            }
            _ => {
                if let Some(p) = part_of_day(w) {
                    r.part = r.part.or(Some(p));
                } else if let Some(d) = weekday_of(w) {
                    r.weekday = Some(d);
                }
            }
        }
    }
    r
}

/// Reads `surface` as a date, time or period; `context` is the date of the document it is
/// written in (for "tomorrow", "10 July" without a year, "at 1500"). `None` when the text
/// names no date or time that can be placed.
pub fn guess(surface: &str, context: Option<&NormalizedDate>) -> Option<Guess> {
    let r = read(surface);
    let (cy, _, cday) = context_of(context);
    let ctx = |d: Day| d.iso();
    let mut cert = Certainty::High;
    let mut basis = Vec::new();
    // The day, or a month or year when that is all there is.
    let day: Option<Day>;
    let mut coarse: Option<NormalizedDate> = None;
    if let (Some(m), Some(d)) = (r.month, r.day) {
        let y = match r.year {
            Some(y) => y,
            None => {
                let y = cy?;
                cert = Certainty::Medium;
                basis.push(format!("the year from the document's date ({y})"));
                y
            }
        };
        day = Some(valid_day(y, m, d)?);
    } else if let Some((n, what)) = r.relative {
        let c = cday?;
        cert = Certainty::Medium;
        basis.push(format!("{what}, from the document's date {}", ctx(c)));
        day = Some(c.plus(n));
    } else if let Some(w) = r.weekday {
        let c = cday?;
        let ahead = (w - c.weekday()).rem_euclid(7);
        cert = Certainty::Low;
        basis.push(format!(
            "the first such weekday on or after the document's date {}",
            ctx(c)
        ));
        day = Some(c.plus(ahead));
    } else if let Some(m) = r.month {
        let y = match r.year {
            Some(y) => y,
            None => {
                let y = cy?;
                cert = Certainty::Medium;
                basis.push(format!("the year from the document's date ({y})"));
                y
            }
        };
        if !(1..=12).contains(&m) {
            return None;
        }
        coarse = Some(match r.third {
            Some(third) => {
                let last = days_in_month(y, m);
                let (a, b) = match third {
                    0 => (1, 10),
                    1 => (11, 20),
                    _ => (21, last),
                };
                NormalizedDate::range(Day { y, m, d: a }.iso(), Day { y, m, d: b }.iso())
            }
            None => NormalizedDate::when(format!("{y:04}-{m:02}")),
        });
        day = None;
    } else if let Some(y) = r.year.filter(|_| r.time.is_none() || r.day.is_none()) {
        if r.time.is_some() && cday.is_none() {
            return None;
        }
        coarse = Some(NormalizedDate::when(format!("{y:04}")));
        day = None;
    } else if r.time.is_some() || r.part.is_some() {
        // A time alone ("at 1500", "in the afternoon"): on the document's day.
        let c = cday?;
        cert = Certainty::Low;
        basis.push(format!("on the document's date {}", ctx(c)));
        day = Some(c);
    } else {
        return None;
    }
    let date = match (day, coarse) {
        (_, Some(c)) => c,
        (Some(d), None) => match (r.time, r.part) {
            (Some((24, 0)), _) => {
                basis.push("24:00 is the midnight that ends the day".into());
                NormalizedDate::when(format!("{}T00:00", d.plus(1).iso()))
            }
            (Some((h, m)), _) => NormalizedDate::when(format!("{}T{h:02}:{m:02}", d.iso())),
            (None, Some((a, b))) => {
                basis.push("a part of the day, as a range".into());
                NormalizedDate::range(format!("{}T{a}", d.iso()), format!("{}T{b}", d.iso()))
            }
            (None, None) => NormalizedDate::when(d.iso()),
        },
        (None, None) => return None,
    };
    date.validate().ok()?;
    let basis = if basis.is_empty() {
        "as written".to_owned()
    } else {
        basis.join("; ")
    };
    Some(Guess { date, cert, basis })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn when(s: &str, ctx: Option<&str>) -> Option<String> {
        let c = ctx.map(NormalizedDate::when);
        guess(s, c.as_ref()).map(|g| g.date.to_string())
    }

    #[test]
    fn full_dates_as_written() {
        for (s, want) in [
            ("14 July 1951", "1951-07-14"),
            ("July 14, 1951", "1951-07-14"),
            ("the 14th of July 1951", "1951-07-14"),
            ("14.7.1951", "1951-07-14"),
            ("7/14/1951", "1951-07-14"),
            ("1951-07-14", "1951-07-14"),
            ("July 1951", "1951-07"),
            ("1951", "1951"),
            ("14 июля 1951", "1951-07-14"),
            ("1951年7月14日", "1951-07-14"),
            ("Sept. 3, 1951", "1951-09-03"),
        ] {
            let g = guess(s, None).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(g.date.to_string(), want, "{s}");
            assert_eq!(g.cert, Certainty::High, "{s}");
        }
    }

    #[test]
    fn relative_to_the_document_date() {
        let ctx = Some("1951-07-10");
        assert_eq!(
            when("tomorrow at 0800", ctx).as_deref(),
            Some("1951-07-11T08:00")
        );
        let g = guess(
            "tomorrow at 0800",
            Some(&NormalizedDate::when("1951-07-10")),
        )
        .unwrap();
        assert_eq!(g.cert, Certainty::Medium);
        assert!(g.basis.contains("1951-07-10"), "{}", g.basis);
        assert_eq!(
            when("in the afternoon", ctx).as_deref(),
            Some("1951-07-10T12:00 – 1951-07-10T18:00")
        );
        assert_eq!(when("yesterday", ctx).as_deref(), Some("1951-07-09"));
        assert_eq!(
            when("the day after tomorrow", ctx).as_deref(),
            Some("1951-07-12")
        );
        assert_eq!(when("10 July", ctx).as_deref(), Some("1951-07-10"));
        assert_eq!(when("at 1500", ctx).as_deref(), Some("1951-07-10T15:00"));
        assert_eq!(
            when("3 p.m. on 12 July", ctx).as_deref(),
            Some("1951-07-12T15:00")
        );
        // 10 July 1951 was a Tuesday.
        assert_eq!(when("on Friday", ctx).as_deref(), Some("1951-07-13"));
        assert_eq!(
            when("early August", ctx).as_deref(),
            Some("1951-08-01 – 1951-08-10")
        );
        assert_eq!(
            when("end of February", Some("1952")).as_deref(),
            Some("1952-02-21 – 1952-02-29")
        );
        // Month ends and year ends roll over.
        assert_eq!(
            when("tomorrow", Some("1951-12-31")).as_deref(),
            Some("1952-01-01")
        );
        assert_eq!(
            when("tomorrow", Some("1952-02-28")).as_deref(),
            Some("1952-02-29")
        );
    }

    #[test]
    fn military_midnight_is_the_next_day() {
        assert_eq!(
            when("2400 10 July 1951", None).as_deref(),
            Some("1951-07-11T00:00")
        );
        assert_eq!(
            when("1500 hours, 10 July 1951", None).as_deref(),
            Some("1951-07-10T15:00")
        );
    }

    #[test]
    fn nothing_to_read() {
        for s in [
            "the meeting",
            "Kaesong",
            "",
            "may we begin",
            "31 February 1951",
        ] {
            assert_eq!(when(s, Some("1951-07-10")), None, "{s}");
        }
        // Relative words need a document date.
        assert_eq!(when("tomorrow", None), None);
        assert_eq!(when("10 July", None), None);
    }

    #[test]
    fn day_arithmetic() {
        for (y, m, d) in [
            (1970, 1, 1),
            (1951, 7, 10),
            (2000, 2, 29),
            (1600, 3, 1),
            (1, 1, 1),
        ] {
            let day = Day { y, m, d };
            assert_eq!(Day::from_serial(day.serial()), day);
        }
        assert_eq!(
            Day {
                y: 1970,
                m: 1,
                d: 1
            }
            .serial(),
            0
        );
        assert_eq!(
            Day {
                y: 1951,
                m: 7,
                d: 10
            }
            .weekday(),
            1
        );
    }
}
