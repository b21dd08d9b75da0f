//! The date recommender: finds date and time expressions in running text — "11 July
//! 1951", "July 11, 1951", "11. Juli 1951", "le 11 juillet 1951", "11 июля 1951 г.",
//! "10.VII.51", "1951-07-11", "tomorrow at 0800", "в 15 часов", "gestern", "demain" — and
//! normalizes each against the document's date by [`crate::model::date::guess`], so the
//! value a suggestion carries is the one the date field would prefill.
//!
//! Words that are also ordinary words in another language ("hier" is German "here",
//! "morgen" German "morning" as well as "tomorrow") are only read in documents whose
//! language is that of the date word (a count of common words decides).

use super::{Recommender, SuggestError, Suggestion};
use crate::model::Project;
use crate::model::anchor::Span;
use crate::model::annotation::Certainty;
use crate::model::date::guess::{HOUR_WORDS, month_of, roman_month};
use crate::model::date::{NormalizedDate, guess};
use crate::model::document::Document;
use crate::model::ids::Slug;

/// A token of the finder: code-point span and kind.
#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Word(String),
    Num(String),
    Sep(char),
}

#[derive(Clone, Debug)]
struct T {
    kind: Kind,
    start: usize,
    end: usize,
    /// A blank line (paragraph break) lies before this token.
    para: bool,
}

fn scan(text: &str) -> Vec<T> {
    let mut out = Vec::new();
    let mut it = text.chars().enumerate().peekable();
    let mut newlines = 0;
    while let Some(&(i, c)) = it.peek() {
        if c.is_ascii_digit() {
            let mut n = String::new();
            let mut end = i;
            while let Some(&(j, d)) = it.peek().filter(|(_, d)| d.is_ascii_digit()) {
                n.push(d);
                end = j + 1;
                it.next();
            }
            out.push(T {
                kind: Kind::Num(n),
                start: i,
                end,
                para: newlines > 1,
            });
        } else if c.is_alphabetic() {
            let mut raw: Vec<char> = Vec::new();
            while let Some(&(_, d)) = it.peek().filter(|(_, d)| {
                d.is_alphabetic()
                    || *d == '\''
                    || *d == '’'
                    || crate::model::matching::is_combining_mark(*d)
            }) {
                raw.push(d);
                it.next();
            }
            while raw.last().is_some_and(|c| matches!(c, '\'' | '’')) {
                raw.pop();
            }
            let end = i + raw.len();
            let w: String = raw.iter().flat_map(|c| c.to_lowercase()).collect();
            out.push(T {
                kind: Kind::Word(w),
                start: i,
                end,
                para: newlines > 1,
            });
        } else if c.is_whitespace() {
            if c == '\n' {
                newlines += 1;
            }
            it.next();
            continue;
        } else {
            out.push(T {
                kind: Kind::Sep(c),
                start: i,
                end: i + 1,
                para: newlines > 1,
            });
            it.next();
        }
        newlines = 0;
    }
    out
}

/// Languages of a text, by common words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Langs {
    pub de: bool,
    pub fr: bool,
}

fn langs(toks: &[T]) -> Langs {
    let (mut en, mut de, mut fr) = (0usize, 0usize, 0usize);
    for t in toks.iter().take(20_000) {
        if let Kind::Word(w) = &t.kind {
            match w.as_str() {
                "the" | "and" | "of" | "to" | "is" => en += 1,
                "der" | "die" | "und" | "das" | "nicht" | "ist" => de += 1,
                "le" | "la" | "les" | "et" | "des" | "du" | "est" => fr += 1,
                _ => {}
            }
        }
    }
    let top = en.max(de).max(fr).max(1);
    Langs {
        de: de * 3 >= top && de >= 2,
        fr: fr * 3 >= top && fr >= 2,
    }
}

/// Relative day words, and the languages they need.
fn relative(w: &str, l: Langs) -> bool {
    match w {
        "today"
        | "tomorrow"
        | "yesterday"
        | "tonight"
        | "сегодня"
        | "завтра"
        | "вчера"
        | "послезавтра"
        | "позавчера"
        | "übermorgen"
        | "vorgestern"
        | "aujourd'hui"
        | "aujourd’hui" => true,
        "heute" | "morgen" | "gestern" => l.de,
        "demain" | "hier" => l.fr,
        _ => false,
    }
}

/// Words that introduce a time ("at 0800", "um 8 Uhr", "à 15 heures", "в 15 часов").
const TIME_INTRO: [&str; 5] = ["at", "um", "à", "в", "by"];
const ORDINAL: [&str; 6] = ["st", "nd", "rd", "th", "er", "of"];
const YEAR_AFTER: [&str; 3] = ["г", "года", "году"];

struct Finder<'a> {
    t: &'a [T],
    l: Langs,
}

impl Finder<'_> {
    fn word(&self, i: usize) -> Option<&str> {
        match self.t.get(i).map(|t| &t.kind) {
            Some(Kind::Word(w)) => Some(w.as_str()),
            _ => None,
        }
    }
    fn num(&self, i: usize) -> Option<&str> {
        match self.t.get(i).map(|t| &t.kind) {
            Some(Kind::Num(n)) => Some(n.as_str()),
            _ => None,
        }
    }
    fn sep(&self, i: usize, c: char) -> bool {
        self.t
            .get(i)
            .is_some_and(|t| t.kind == Kind::Sep(c) && !t.para)
    }
    /// Token `i` exists and follows the one before in the same paragraph.
    fn joined(&self, i: usize) -> bool {
        self.t.get(i).is_some_and(|t| !t.para)
    }
    fn day(&self, i: usize) -> bool {
        self.num(i)
            .is_some_and(|n| n.len() <= 2 && (1..=31).contains(&n.parse::<u32>().unwrap_or(0)))
    }
    fn year(&self, i: usize) -> bool {
        self.num(i)
            .is_some_and(|n| n.len() == 4 && (1000..=2999).contains(&n.parse::<u32>().unwrap_or(0)))
    }
    fn month(&self, i: usize) -> bool {
        self.word(i).is_some_and(|w| {
            month_of(w).is_some()
                && (self.l.de
                    || self.l.fr
                    || !matches!(w, "mai" | "juni" | "juli" | "mars" | "juin"))
        })
    }
    fn year_tail(&self, mut j: usize) -> usize {
        // After the year: "г." / "года".
        if self.joined(j) && self.word(j).is_some_and(|w| YEAR_AFTER.contains(&w)) {
            j += 1;
            if self.sep(j, '.') {
                j += 1;
            }
        }
        j
    }
    /// A calendar date starting at `i`; the end (exclusive token index).
    fn date(&self, i: usize) -> Option<usize> {
        // 1951-07-11, 11.7.1951, 11/07/1951
        if let (Some(a), true) = (self.num(i), self.joined(i + 1)) {
            for s in ['-', '.', '/'] {
                if self.sep(i + 1, s)
                    && self.num(i + 2).is_some()
                    && self.sep(i + 3, s)
                    && let Some(c) = self.num(i + 4)
                    && (a.len() == 4 || c.len() == 4 || (s == '.' && c.len() == 2))
                    && self.t[i + 1].start == self.t[i].end
                    && self.t[i + 4].start == self.t[i + 3].end
                {
                    return Some(i + 5);
                }
            }
            // 10.VII.51
            if self.sep(i + 1, '.')
                && self.word(i + 2).and_then(roman_month).is_some()
                && self.sep(i + 3, '.')
                && self
                    .num(i + 4)
                    .is_some_and(|n| n.len() == 2 || n.len() == 4)
            {
                return Some(i + 5);
            }
        }
        // 11 July 1951, 11. Juli 1951, 11th of July, 1er juillet, 11 июля 1951 г.
        if self.day(i) {
            let mut j = i + 1;
            if self.sep(j, '.') {
                j += 1;
            }
            while self.joined(j) && self.word(j).is_some_and(|w| ORDINAL.contains(&w)) {
                j += 1;
            }
            if self.joined(j) && self.month(j) {
                j += 1;
                if self.sep(j, '.') {
                    j += 1;
                }
                if self.sep(j, ',') && self.year(j + 1) {
                    j += 1;
                }
                if self.joined(j) && self.year(j) {
                    j = self.year_tail(j + 1);
                }
                return Some(j);
            }
        }
        // July 11, 1951; July 11; July 1951
        if self.month(i) {
            let mut j = i + 1;
            if self.sep(j, '.') {
                j += 1;
            }
            if self.joined(j) && self.day(j) {
                j += 1;
                if self.joined(j) && self.word(j).is_some_and(|w| ORDINAL[..4].contains(&w)) {
                    j += 1;
                }
                if self.sep(j, ',') && self.year(j + 1) {
                    j += 1;
                }
                if self.joined(j) && self.year(j) {
                    j = self.year_tail(j + 1);
                }
                return Some(j);
            }
            if self.sep(j, ',') && self.year(j + 1) {
                j += 1;
            }
            if self.joined(j) && self.year(j) {
                return Some(self.year_tail(j + 1));
            }
        }
        None
    }
    /// A time starting at `i` ("at 0800", "0800 hours", "08:00", "в 15 часов"); `marked`:
    /// the bare time must say it is one (an intro word or an hour word).
    fn time(&self, i: usize, after_date: bool) -> Option<usize> {
        let intro = self.word(i).is_some_and(|w| TIME_INTRO.contains(&w));
        let k = if intro { i + 1 } else { i };
        if !self.joined(k) || (intro && !self.joined(i)) {
            return None;
        }
        if let Some(w) = self.word(k)
            && matches!(w, "noon" | "midnight" | "midday")
            && (intro || after_date)
        {
            return Some(k + 1);
        }
        let n = self.num(k)?;
        // 2 p.m., 10 a.m.
        if n.len() <= 2
            && self.joined(k + 1)
            && matches!(self.word(k + 1), Some("p" | "a"))
            && self.sep(k + 2, '.')
            && self.word(k + 3) == Some("m")
        {
            return Some(if self.sep(k + 4, '.') { k + 5 } else { k + 4 });
        }
        if n.len() <= 2 && self.joined(k + 1) && matches!(self.word(k + 1), Some("pm" | "am")) {
            return Some(k + 2);
        }
        // 08:00
        if n.len() <= 2 && self.sep(k + 1, ':') && self.num(k + 2).is_some_and(|m| m.len() == 2) {
            let mut j = k + 3;
            if self
                .word(j)
                .is_some_and(|w| matches!(w, "am" | "pm" | "uhr" | "h"))
            {
                j += 1;
            } else if matches!(self.word(j), Some("p" | "a"))
                && self.sep(j + 1, '.')
                && self.word(j + 2) == Some("m")
            {
                j += if self.sep(j + 3, '.') { 4 } else { 3 };
            }
            return Some(j);
        }
        if n.len() <= 2
            && self.joined(k + 1)
            && self.word(k + 1).is_some_and(|w| HOUR_WORDS.contains(&w))
        {
            let mut j = k + 2;
            if self.joined(j) && self.num(j).is_some_and(|m| m.len() == 2) {
                j += 1;
            }
            return Some(j);
        }
        if n.len() == 4
            && n.parse::<u32>()
                .is_ok_and(|v| v / 100 <= 24 && v % 100 < 60)
        {
            let hours = self.joined(k + 1)
                && self
                    .word(k + 1)
                    .is_some_and(|w| matches!(w, "hours" | "hrs" | "local" | "z" | "gmt"));
            if intro || hours || after_date {
                return Some(if hours { k + 2 } else { k + 1 });
            }
        }
        None
    }
    /// The expression starting at `i`, if any: (end, has a date part).
    fn expression(&self, i: usize) -> Option<usize> {
        // A time first: "at 0800 tomorrow", or a time alone.
        if let Some(j) = self.time(i, false) {
            if let Some(w) = self.word(j)
                && self.joined(j)
                && relative(w, self.l)
            {
                return Some(j + 1);
            }
            if self.joined(j)
                && self
                    .word(j)
                    .is_some_and(|w| matches!(w, "on" | "am" | "le"))
                && let Some(k) = self.date(j + 1)
            {
                return Some(k);
            }
            return Some(j);
        }
        let end = if let Some(w) = self.word(i)
            && relative(w, self.l)
        {
            i + 1
        } else {
            self.date(i)?
        };
        // And a time after it: "tomorrow at 0800", "11 July 1951, 1500 hours".
        let k = if self.sep(end, ',') || self.sep(end, '—') || self.sep(end, '–') {
            end + 1
        } else {
            end
        };
        if let Some(j) = self.time(k, true) {
            return Some(j);
        }
        Some(end)
    }
}

/// The date recommender.
#[derive(Clone, Debug)]
pub struct DateRecommender {
    /// The entity type suggestions take ("date").
    pub type_id: Slug,
}

impl Default for DateRecommender {
    fn default() -> Self {
        Self {
            type_id: Slug::new("date"),
        }
    }
}

/// Every date or time expression in `text`, read against `context` (the document's date):
/// span, value and certainty.
pub fn find_dates(
    text: &str,
    context: Option<&NormalizedDate>,
) -> Vec<(Span, NormalizedDate, Certainty, String)> {
    let t = scan(text);
    let f = Finder {
        t: &t,
        l: langs(&t),
    };
    let mut out = Vec::new();
    let mut i = 0;
    // Code-point → byte, for slicing the surface.
    let bytes: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain([text.len()])
        .collect();
    while i < t.len() {
        let Some(end) = f.expression(i) else {
            i += 1;
            continue;
        };
        let span = Span::new(t[i].start, t[end - 1].end);
        let surface = &text[bytes[span.start]..bytes[span.end]];
        if let Some(g) = guess(surface, context) {
            out.push((span, g.date, g.cert, g.basis));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

impl Recommender for DateRecommender {
    fn id(&self) -> &str {
        "dates"
    }

    fn suggest(&self, project: &Project, doc: &Document) -> Result<Vec<Suggestion>, SuggestError> {
        let Some(text) = &doc.text else {
            return Ok(Vec::new());
        };
        if project.schema.entity(&self.type_id).is_none() {
            return Ok(Vec::new());
        }
        let context = doc.meta.archival.date.as_ref();
        Ok(find_dates(text.as_str(), context)
            .into_iter()
            .map(|(span, date, cert, basis)| Suggestion {
                doc: doc.id(),
                span,
                quote: text.slice(span.start, span.end).to_owned(),
                type_id: self.type_id.clone(),
                entry: None,
                score: match cert {
                    Certainty::High => 0.95,
                    Certainty::Medium => 0.8,
                    _ => 0.6,
                },
                date: Some(date),
                recommender: "dates".into(),
                basis,
            })
            .collect())
    }
}
