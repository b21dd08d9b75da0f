//! Find as you type: a document's text folded once ([`FindIndex`]) and searched per
//! keystroke without copying it again. Folding is [`crate::model::matching::fold`]'s
//! (NFD, without combining marks, lowercase unless case matters), so "perez" finds
//! "Pérez"; every folded byte keeps the code-point offset of the character it came from,
//! so hits come back as spans of the original text. After a text edit the index follows
//! the text ([`FindIndex::follow`]: only the changed stretch is folded again) and a search
//! is redone only around the change ([`FindIndex::search_since`]).

use crate::model::anchor::Span;
use crate::model::matching::is_combining_mark;
use crate::model::query::text::is_word_char;
use crate::model::text::SourceText;
use unicode_normalization::UnicodeNormalization;

/// At most this many hits are collected; a longer list is cut (and says so).
pub const MAX_HITS: usize = 200_000;

/// How many past changes an index remembers for [`FindIndex::change_since`].
const REMEMBERED_CHANGES: usize = 32;

/// A document's text folded for searching, able to follow later versions of the text.
///
/// Invariant: `folded` and `origin` are what [`FindIndex::new`] makes of `source`;
/// `origin` is non-decreasing, one entry per byte of `folded` plus one for the end.
#[derive(Clone, Debug)]
pub struct FindIndex {
    /// The folded text.
    folded: String,
    /// For each byte of `folded`, the code-point offset in the original text of the
    /// character it came from; one more entry for the end (the original length).
    origin: Vec<u32>,
    case_sensitive: bool,
    /// The (LF-normalized) text folded, kept to find what a later text changed.
    source: String,
    /// Names this state of the index: new with every index made and every change
    /// followed, never the same for two indexes of one process.
    version: u64,
    /// The last changes followed, as (version before, version after, change), oldest first.
    changes: std::collections::VecDeque<(u64, u64, Change)>,
}

/// One text changed into another: code points `[start, old_end)` of the old one became
/// `[start, new_end)` of the new one; everything before is the same, everything after is
/// the same shifted by `new_end - old_end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl Change {
    /// This change followed by `next` (a change of the text this one led to), as one.
    pub fn then(self, next: Change) -> Change {
        // The region both touch, in the coordinates of the text between them.
        let start = self.start.min(next.start);
        let mid_end = self.new_end.max(next.old_end);
        Change {
            start,
            old_end: mid_end + self.old_end - self.new_end,
            new_end: mid_end + next.new_end - next.old_end,
        }
    }
}

/// What changed in an index since a version of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Since {
    /// Nothing: the index is as it was.
    Unchanged,
    /// This one change covers everything that changed.
    Changed(Change),
    /// The index no longer remembers (too many changes, or a version it never had).
    Unknown,
}

/// What a search found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Found {
    /// Hits in text order, non-overlapping.
    pub hits: Vec<Span>,
    /// More than [`MAX_HITS`] hits: the list stops there.
    pub truncated: bool,
}

/// Appends the folding of `s`, whose first character is code point `first` of the whole
/// text, to `folded`, and the origin of each folded byte to `origin`.
fn fold_into(
    s: &str,
    first: usize,
    case_sensitive: bool,
    folded: &mut String,
    origin: &mut Vec<u32>,
) {
    for (i, c) in s.chars().enumerate() {
        let at = u32::try_from(first + i).unwrap_or(u32::MAX);
        let before = folded.len();
        if c.is_ascii() {
            folded.push(if case_sensitive {
                c
            } else {
                c.to_ascii_lowercase()
            });
        } else {
            for d in std::iter::once(c).nfd().filter(|d| !is_combining_mark(*d)) {
                if case_sensitive {
                    folded.push(d);
                } else {
                    folded.extend(d.to_lowercase());
                }
            }
        }
        origin.resize(origin.len() + (folded.len() - before), at);
    }
}

/// How many leading bytes `a` and `b` share.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 4096;
    let n = a.len().min(b.len());
    let mut i = 0;
    // Whole blocks first: slice equality is a `memcmp`.
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// How many trailing bytes `a` and `b` share.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 4096;
    let n = a.len().min(b.len());
    let (la, lb) = (a.len(), b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[la - i - BLOCK..la - i] == b[lb - i - BLOCK..lb - i] {
        i += BLOCK;
    }
    while i < n && a[la - i - 1] == b[lb - i - 1] {
        i += 1;
    }
    i
}

/// Replaces `v[range]` with `piece` and adds `shift` (wrapping) to every entry after it:
/// one pass over the entries after it, moved and shifted a block at a time.
fn splice_shifted(v: &mut Vec<u32>, range: std::ops::Range<usize>, piece: &[u32], shift: u32) {
    const BLOCK: usize = 4096;
    let (from, to, len) = (range.start, range.end, v.len());
    let dest = from + piece.len();
    if dest > to {
        // Growing: the tail moves right, its last block first.
        v.resize(len + dest - to, 0);
        let mut end = len;
        while end > to {
            let start = end.saturating_sub(BLOCK).max(to);
            let at = start + dest - to;
            v.copy_within(start..end, at);
            for o in &mut v[at..at + end - start] {
                *o = o.wrapping_add(shift);
            }
            end = start;
        }
    } else {
        // Shrinking or the same length: the tail moves left, its first block first.
        let mut start = to;
        while start < len {
            let end = (start + BLOCK).min(len);
            let at = start - (to - dest);
            v.copy_within(start..end, at);
            for o in &mut v[at..at + end - start] {
                *o = o.wrapping_add(shift);
            }
            start = end;
        }
        v.truncate(len - (to - dest));
    }
    v[from..dest].copy_from_slice(piece);
}

/// A version no index of this process had before.
fn next_version() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Whether byte `b` starts a character (is not a UTF-8 continuation byte).
fn starts_char(b: u8) -> bool {
    (b as i8) >= -0x40
}

impl FindIndex {
    /// Folds `text` once; `case_sensitive` keeps letter case (accents are folded either way).
    pub fn new(text: &SourceText, case_sensitive: bool) -> Self {
        let s = text.as_str();
        let mut folded = String::with_capacity(s.len());
        let mut origin = Vec::with_capacity(s.len() + 1);
        fold_into(s, 0, case_sensitive, &mut folded, &mut origin);
        origin.push(u32::try_from(text.len_chars()).unwrap_or(u32::MAX));
        // Room to grow, so the first characters typed do not copy everything elsewhere.
        let slack = s.len() / 32 + 64;
        folded.reserve(slack);
        origin.reserve(slack);
        let mut source = String::with_capacity(s.len() + slack);
        source.push_str(s);
        Self {
            folded,
            origin,
            case_sensitive,
            source,
            version: next_version(),
            changes: std::collections::VecDeque::new(),
        }
    }

    /// Whether this index keeps letter case.
    pub fn case_sensitive(&self) -> bool {
        self.case_sensitive
    }

    /// This state of the index, for [`FindIndex::change_since`].
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Makes the index that of `text`, refolding only the stretch where `text` differs
    /// from the text folded before (one compare of the two texts, one move of the folded
    /// bytes after the change). Returns that change, or `None` when the text is the same.
    pub fn follow(&mut self, text: &SourceText) -> Option<Change> {
        let (old, new) = (self.source.as_bytes(), text.as_str().as_bytes());
        let mut p = common_prefix(old, new);
        if p == old.len() && p == new.len() {
            return None;
        }
        // Back to a character start (the shared bytes before it end a character in both).
        while p > 0 && p < old.len() && !starts_char(old[p]) {
            p -= 1;
        }
        let mut s = common_suffix(&old[p..], &new[p..]);
        while s > 0 && !starts_char(old[old.len() - s]) {
            s -= 1;
        }
        let (old_to, new_to) = (old.len() - s, new.len() - s);
        let piece = &text.as_str()[p..new_to];
        let start = text.char_of(p);
        let change = Change {
            start,
            old_end: start + self.source[p..old_to].chars().count(),
            new_end: start + piece.chars().count(),
        };
        // The folded bytes of the changed characters, and their replacement.
        let n = self.folded.len();
        let f0 = self.folded_at(change.start);
        let f1 = f0 + self.origin[f0..n].partition_point(|&o| (o as usize) < change.old_end);
        let mut folded = String::with_capacity(piece.len());
        let mut origin = Vec::with_capacity(piece.len());
        fold_into(piece, start, self.case_sensitive, &mut folded, &mut origin);
        self.folded.replace_range(f0..f1, &folded);
        // Two's complement: adding the wrapped shift subtracts when it is negative.
        let shift = (change.new_end as u32).wrapping_sub(change.old_end as u32);
        splice_shifted(&mut self.origin, f0..f1, &origin, shift);
        self.source.replace_range(p..old_to, piece);
        let before = self.version;
        self.version = next_version();
        if self.changes.len() == REMEMBERED_CHANGES {
            self.changes.pop_front();
        }
        self.changes.push_back((before, self.version, change));
        Some(change)
    }

    /// What changed since this index was at `version` (a [`FindIndex::version`] of it),
    /// as one change.
    pub fn change_since(&self, version: u64) -> Since {
        if version == self.version {
            return Since::Unchanged;
        }
        let Some(first) = self.changes.iter().position(|&(b, _, _)| b == version) else {
            return Since::Unknown;
        };
        let mut out: Option<Change> = None;
        for &(_, _, c) in self.changes.iter().skip(first) {
            out = Some(out.map_or(c, |o| o.then(c)));
        }
        out.map_or(Since::Unknown, Since::Changed)
    }

    /// The first folded byte of code point `cp` or of the first character after it that
    /// folds to anything (the folded length at the end).
    fn folded_at(&self, cp: usize) -> usize {
        let n = self.folded.len();
        self.origin[..n].partition_point(|&o| (o as usize) < cp)
    }

    /// Every occurrence of `needle` (folded the same way), as spans of the original text;
    /// with `whole_words`, only those with no letter or digit right before or after. A
    /// Chinese or Japanese character is a word of its own, as in [`super::text`].
    pub fn search(&self, needle: &str, whole_words: bool) -> Found {
        let needle = fold_needle(needle, self.case_sensitive);
        let mut found = Found::default();
        self.scan(&needle, whole_words, 0, usize::MAX, |s| {
            found.hits.push(s);
            found.hits.len() < MAX_HITS
        });
        found.truncated = found.hits.len() >= MAX_HITS;
        found
    }

    /// The same as [`FindIndex::search`], given what it found (`before`) when the index
    /// was one `change` ago: the hits well before the change are kept and those well after
    /// it shifted; only the stretch between is searched. "Well before" and "well after"
    /// are [`FindIndex::sync_point`]s, where a search passes the same way whatever it met
    /// before, or the end of a hit found before (when the search meets it again, it goes
    /// on from there as it did then, over the same text).
    pub fn search_again(
        &self,
        needle: &str,
        whole_words: bool,
        before: &Found,
        change: Change,
    ) -> Found {
        if before.truncated {
            return self.search(needle, whole_words);
        }
        let needle = fold_needle(needle, self.case_sensitive);
        let n = needle.len();
        // Where the search starts again: after the last hit ending before the changed
        // characters (whose search read nothing the change touched), or a sync point
        // before the change when that is later.
        let mut keep = before.hits.partition_point(|h| h.end < change.start);
        let mut from = keep
            .checked_sub(1)
            .and_then(|k| before.hits.get(k))
            .map_or(0, |h| self.folded_at(h.end));
        let f0 = self.folded_at(change.start);
        if let Some(x) = f0
            .checked_sub(n + 4)
            .and_then(|at| self.sync_point(needle.as_bytes(), at, false))
            .filter(|&x| x > from)
        {
            from = x;
            let cp = self.origin[x] as usize;
            keep = before.hits.partition_point(|h| h.start < cp);
        }
        // Where it may stop: a sync point after the change.
        let f1 = self.folded_at(change.new_end);
        let limit = self.sync_point(needle.as_bytes(), f1 + n + 4, true);
        let mut found = Found {
            hits: before.hits[..keep].to_vec(),
            truncated: false,
        };
        let tail = &before.hits[before.hits.partition_point(|h| h.start < change.old_end)..];
        let shift = |x: usize| x + change.new_end - change.old_end;
        let mut rest: Option<&[Span]> = None;
        let stop = limit.unwrap_or(usize::MAX);
        self.scan(&needle, whole_words, from, stop, |s| {
            found.hits.push(s);
            if s.start >= change.new_end
                && let Ok(i) = tail.binary_search_by_key(&s.start, |h| shift(h.start))
                && tail.get(i).is_some_and(|h| shift(h.end) == s.end)
            {
                rest = tail.get(i + 1..);
                return false;
            }
            found.hits.len() < MAX_HITS
        });
        // Stopped at the limit (or the end): the hits after it are the old ones, shifted.
        let rest = rest.or_else(|| {
            let cp = self.origin.get(limit?).copied()? as usize;
            tail.get(tail.partition_point(|h| shift(h.start) < cp)..)
        });
        let room = MAX_HITS.saturating_sub(found.hits.len());
        found.hits.extend(
            rest.unwrap_or_default()
                .iter()
                .take(room)
                .map(|h| Span::new(shift(h.start), shift(h.end))),
        );
        found.truncated = found.hits.len() >= MAX_HITS;
        found
    }

    /// A folded byte near `at` (at or before it, or at or after it when `forward`) that
    /// starts the folding of a character and that no occurrence of `needle` (folded)
    /// overlaps from before it: a search passes it as if it started there, whatever it met
    /// before. `None` when there is none close by (a needle that overlaps itself in a text
    /// that repeats it, or a long needle).
    fn sync_point(&self, needle: &[u8], at: usize, forward: bool) -> Option<usize> {
        const TRIES: usize = 64;
        let hay = self.folded.as_bytes();
        let n = needle.len();
        if n > 256 {
            return None;
        }
        let mut x = at.min(hay.len());
        for _ in 0..TRIES {
            while x > 0 && x < hay.len() && self.origin[x - 1] == self.origin[x] {
                if forward {
                    x += 1;
                } else {
                    x -= 1;
                }
            }
            // Occurrences starting in the n - 1 bytes before x.
            let mut starts = (x + 1).saturating_sub(n.max(1))..x;
            let overlap = if forward {
                starts.rfind(|&s| hay[s..].starts_with(needle))
            } else {
                starts.find(|&s| hay[s..].starts_with(needle))
            };
            match overlap {
                None => return Some(x),
                // Past the last one, or back to the first one; then look again there.
                Some(s) if forward => x = s + n,
                Some(s) => x = s,
            }
        }
        None
    }

    /// [`FindIndex::search`], from what the same search found (`before`) when the index
    /// was at `version` when it can: the same hits when nothing changed since,
    /// [`FindIndex::search_again`] when the index remembers what did, a new search else.
    pub fn search_since(
        &self,
        needle: &str,
        whole_words: bool,
        before: Option<(u64, &Found)>,
    ) -> Found {
        match before.map(|(v, f)| (self.change_since(v), f)) {
            Some((Since::Unchanged, f)) => f.clone(),
            Some((Since::Changed(c), f)) => self.search_again(needle, whole_words, f, c),
            _ => self.search(needle, whole_words),
        }
    }

    /// Searches the folded text for `needle` (already folded) from folded byte `from` for
    /// occurrences starting before `limit`, calling `hit` with each hit in order until it
    /// returns `false`.
    fn scan(
        &self,
        needle: &str,
        whole_words: bool,
        mut from: usize,
        limit: usize,
        mut hit: impl FnMut(Span) -> bool,
    ) {
        if needle.is_empty() {
            return;
        }
        let hay = self.folded.as_str();
        // Only the bytes an occurrence starting before `limit` can reach are read.
        let mut end = limit.saturating_add(needle.len()).min(hay.len());
        while !hay.is_char_boundary(end) {
            end += 1;
        }
        while from < end
            && let Some(rel) = hay[from..end].find(needle)
        {
            let b = from + rel;
            if b >= limit {
                return;
            }
            let e = b + needle.len();
            let ok = !whole_words || (boundary_before(hay, b) && boundary_after(hay, e));
            if ok {
                let (start, end) = (self.origin[b], self.origin[e]);
                // A hit inside one decomposed character ("e" of "é") is no hit of its own.
                let whole_start = b == 0 || self.origin[b - 1] != self.origin[b];
                let whole_end = e == hay.len() || self.origin[e] != self.origin[e - 1];
                if whole_start && whole_end && !hit(Span::new(start as usize, end as usize)) {
                    return;
                }
                from = e;
            } else {
                from = b + hay[b..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
}

/// `needle` folded as [`FindIndex::new`] folds the text.
fn fold_needle(needle: &str, case_sensitive: bool) -> String {
    let n: String = needle.nfd().filter(|c| !is_combining_mark(*c)).collect();
    if case_sensitive { n } else { n.to_lowercase() }
}

/// A character that is a word by itself (CJK ideographs, kana): boundaries on both sides.
fn is_own_word(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

fn boundary_before(hay: &str, b: usize) -> bool {
    let (prev, next) = (hay[..b].chars().next_back(), hay[b..].chars().next());
    match (prev, next) {
        (None, _) => true,
        (Some(p), Some(n)) if is_own_word(p) || is_own_word(n) => true,
        (Some(p), _) => !is_word_char(p),
    }
}

fn boundary_after(hay: &str, e: usize) -> bool {
    let (prev, next) = (hay[..e].chars().next_back(), hay[e..].chars().next());
    match (prev, next) {
        (_, None) => true,
        (Some(p), Some(n)) if is_own_word(p) || is_own_word(n) => true,
        (_, Some(n)) => !is_word_char(n),
    }
}

/// A few words around `span` in `text`: up to `words` words before and after, on the same
/// line, as (before, the hit, after); an ellipsis marks a cut.
pub fn words_around(text: &SourceText, span: Span, words: usize) -> (String, String, String) {
    let n = text.len_chars();
    let (s, e) = (span.start.min(n), span.end.min(n));
    let line_start = text.line_range(text.line_of(s)).start;
    let line_end = text.line_range(text.line_of(e)).end;
    // Look at most 12 characters per word each way.
    let reach = words * 12;
    let before = text.slice(line_start.max(s.saturating_sub(reach)), s);
    let after = text.slice(e, line_end.min(e + reach));
    let before_words: Vec<&str> = before.split_whitespace().collect();
    let after_words: Vec<&str> = after.split_whitespace().collect();
    let keep_before = &before_words[before_words.len().saturating_sub(words)..];
    let keep_after = &after_words[..after_words.len().min(words)];
    let mut b = keep_before.join(" ");
    if before.ends_with(char::is_whitespace) && !b.is_empty() {
        b.push(' ');
    }
    if keep_before.len() < before_words.len() || (line_start < s.saturating_sub(reach)) {
        b.insert(0, '…');
    }
    let mut a = keep_after.join(" ");
    if after.starts_with(char::is_whitespace) && !a.is_empty() {
        a.insert(0, ' ');
    }
    if keep_after.len() < after_words.len() || line_end > e + reach {
        a.push('…');
    }
    (b, text.slice(s, e).to_owned(), a)
}

/// A document title cut to about `max` characters at a word boundary, for lists that
/// repeat it on every row.
pub fn short_title(title: &str, max: usize) -> String {
    if title.chars().count() <= max {
        return title.to_owned();
    }
    let mut out = String::new();
    for w in title.split_whitespace() {
        if !out.is_empty() && out.chars().count() + 1 + w.chars().count() > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if out.is_empty() {
        out = title.chars().take(max).collect();
    }
    out.trim_end_matches([',', ';', ':']).to_owned() + "…"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> SourceText {
        SourceText::from_str_normalizing(s)
    }

    fn spans(t: &SourceText, f: &Found) -> Vec<String> {
        f.hits
            .iter()
            .map(|s| t.slice(s.start, s.end).to_owned())
            .collect()
    }

    #[test]
    fn accents_and_case_fold_and_offsets_are_the_originals() {
        let t = text("Ms Pe\u{301}rez met PÉREZ and perezoso; Ærø, İstanbul.");
        let idx = FindIndex::new(&t, false);
        let f = idx.search("perez", false);
        assert_eq!(spans(&t, &f), ["Pe\u{301}rez", "PÉREZ", "perez"]);
        let f = idx.search("pérez", true);
        assert_eq!(spans(&t, &f), ["Pe\u{301}rez", "PÉREZ"], "whole words");
        let cased = FindIndex::new(&t, true);
        assert_eq!(spans(&t, &cased.search("Perez", false)), ["Pe\u{301}rez"]);
        // After a character that folds to two ("İ" → "i̇" lowercased), offsets stay right.
        assert_eq!(spans(&t, &idx.search("stanbul", false)), ["stanbul"]);
        assert_eq!(spans(&t, &idx.search("ærø", true)), ["Ærø"]);
    }

    #[test]
    fn whole_words_respect_letters_and_cjk() {
        let t = text("Kim Il Sung; Kimchi. 毛泽东 met 金日成");
        let idx = FindIndex::new(&t, false);
        assert_eq!(idx.search("kim", true).hits.len(), 1);
        assert_eq!(idx.search("kim", false).hits.len(), 2);
        assert_eq!(spans(&t, &idx.search("泽", true)), ["泽"]);
        assert_eq!(idx.search("", true), Found::default());
    }

    /// `idx` holds what a fresh index of `t` holds.
    fn assert_as_fresh(idx: &FindIndex, t: &SourceText) {
        let fresh = FindIndex::new(t, idx.case_sensitive());
        assert_eq!(idx.source, fresh.source);
        assert_eq!(idx.folded, fresh.folded);
        assert_eq!(idx.origin, fresh.origin);
    }

    #[test]
    fn follows_edits_that_change_folded_lengths() {
        let mut t = text("Straße, İstanbul, café; re\u{301}sume\u{301}\r\nЖук 毛 😀 ﬁn");
        let mut idx = FindIndex::new(&t, false);
        let before = idx.search("e", false);
        let v0 = idx.version();
        // A combining mark typed after "e", "ß" replaced by "ss", "İ" deleted, CJK and
        // emoji inserted before a line break.
        let edits: [(usize, usize, &str); 4] = [
            (3, 3, "\u{301}"),
            (5, 6, "ss"),
            (9, 10, ""),
            (20, 20, "泽👍🏽"),
        ];
        for (a, b, ins) in edits {
            t.replace_range(a, b, ins).unwrap();
            assert!(idx.follow(&t).is_some());
            assert_as_fresh(&idx, &t);
        }
        assert_eq!(idx.follow(&t), None, "no change, no work");
        let Since::Changed(c) = idx.change_since(v0) else {
            panic!("four changes are remembered");
        };
        for (needle, whole) in [
            ("e", false),
            ("ss", false),
            ("straße", true),
            ("istanbul", true),
            ("resume", true),
        ] {
            let was = FindIndex::new(
                &text("Straße, İstanbul, café; re\u{301}sume\u{301}\r\nЖук 毛 😀 ﬁn"),
                false,
            )
            .search(needle, whole);
            assert_eq!(
                idx.search_again(needle, whole, &was, c),
                idx.search(needle, whole),
                "{needle}"
            );
        }
        assert_eq!(
            idx.search_again("e", false, &before, c),
            idx.search("e", false)
        );
        assert_eq!(idx.change_since(idx.version()), Since::Unchanged);
        assert_eq!(
            idx.change_since(FindIndex::new(&t, false).version()),
            Since::Unknown
        );
    }

    #[test]
    fn a_search_again_starts_where_no_jump_of_the_search_crosses() {
        // "가" folds to two jamo; the search for "ᅡᅡ" meets the second of them with the
        // next "ᅡ" first (inside a character: no hit) and goes on past the last "ᅡ", so
        // there is no hit, though searching from the first lone "ᅡ" would find one.
        let mut t = text("가\u{1161}\u{1161}xxxxyyyy");
        let mut idx = FindIndex::new(&t, false);
        let before = idx.search("\u{1161}\u{1161}", false);
        assert_eq!(before, Found::default());
        let v = idx.version();
        // The change starts 16 folded bytes in: 16 - 6 (needle) - 4 is that "ᅡ".
        t.replace_range(7, 8, "z").unwrap();
        idx.follow(&t);
        let Since::Changed(c) = idx.change_since(v) else {
            panic!("one change");
        };
        assert_eq!(
            idx.search_again("\u{1161}\u{1161}", false, &before, c),
            before
        );
    }

    #[test]
    fn a_search_again_pairs_a_repeating_text_anew() {
        // "a a" in "a a a a …" pairs the first two, the next two, …; a change at the start
        // ("b" made "a") shifts the pairing of everything after it, so no later point is
        // passed alike.
        let mut t = text(&format!("b {}", "a ".repeat(40)));
        let mut idx = FindIndex::new(&t, false);
        let before = idx.search("a a", false);
        let v = idx.version();
        t.replace_range(0, 1, "a").unwrap();
        idx.follow(&t);
        let Since::Changed(c) = idx.change_since(v) else {
            panic!("one change");
        };
        let again = idx.search_again("a a", false, &before, c);
        assert_eq!(again, idx.search("a a", false));
        assert_eq!(again.hits.len(), 20);
    }

    #[test]
    fn changes_compose() {
        // "abcdef": "cd" → "XYZ" (abXYZef), then insert "!" at 0 (!abXYZef).
        let a = Change {
            start: 2,
            old_end: 4,
            new_end: 5,
        };
        let b = Change {
            start: 0,
            old_end: 0,
            new_end: 1,
        };
        assert_eq!(
            a.then(b),
            Change {
                start: 0,
                old_end: 4,
                new_end: 6
            }
        );
        // Then delete "f" at the end of "abXYZef" (abXYZe).
        let c = Change {
            start: 6,
            old_end: 7,
            new_end: 6,
        };
        assert_eq!(
            a.then(c),
            Change {
                start: 2,
                old_end: 6,
                new_end: 6
            }
        );
    }

    #[test]
    fn an_index_forgets_old_changes() {
        let mut t = text("abc");
        let mut idx = FindIndex::new(&t, false);
        let v0 = idx.version();
        for _ in 0..=REMEMBERED_CHANGES {
            t.replace_range(0, 0, "x").unwrap();
            idx.follow(&t);
        }
        assert_eq!(idx.change_since(v0), Since::Unknown);
    }

    proptest::proptest! {
        #[test]
        fn splice_shifted_is_a_splice_then_a_shift(
            len in 0usize..13_000,
            at in 0usize..13_000,
            n in 0usize..6000,
            piece in 0usize..9000,
            shift in -20i64..20,
        ) {
            let v: Vec<u32> = (0..len as u32).map(|x| x * 2 + 100).collect();
            let from = at.min(len);
            let to = (from + n).min(len);
            let piece: Vec<u32> = (0..piece as u32).map(|x| x + 7).collect();
            let mut want = v.clone();
            want.splice(from..to, piece.iter().copied());
            for x in &mut want[from + piece.len()..] {
                *x = (i64::from(*x) + shift) as u32;
            }
            let mut got = v;
            splice_shifted(&mut got, from..to, &piece, shift as u32);
            proptest::prop_assert_eq!(got, want);
        }

        #[test]
        fn an_index_following_edits_is_a_fresh_one(
            // Mixed scripts, or a text that repeats a few letters (needles overlapping
            // themselves: "a a" in "a a a a").
            s in proptest::prop_oneof![
                "(a|b|e|E|s|ß|e\u{301}|\u{301}|İ|ﬁ|Ж|ли|毛|泽|한|😀|👍🏽|\r\n|\n| ){0,120}",
                "(a| |s|e\u{301}|毛|가|\u{1161}|a a a a a a a a ){0,150}",
            ],
            edits in proptest::collection::vec(
                (
                    0usize..400,
                    0usize..12,
                    proptest::prop_oneof!["(a|e|s|ß|\u{301}|İ|Ж|ли|毛|한|😀|\r\n|\n| ){0,5}", "(a| |s|가|\u{1161}){0,6}"],
                    proptest::bool::ANY,
                ),
                1..10,
            ),
            case_sensitive in proptest::bool::ANY,
        ) {
            const NEEDLES: [&str; 14] = [
                "a", "e", "ss", "ß", "é", "и", "毛", "한", "😀", "a a", "aa", "s s", "a a a",
                "\u{1161}\u{1161}",
            ];
            let mut t = text(&s);
            let mut idx = FindIndex::new(&t, case_sensitive);
            // What each needle found, with the version it was found at.
            let mut was: Vec<(u64, Found, Found)> = NEEDLES
                .iter()
                .map(|n| (idx.version(), idx.search(n, false), idx.search(n, true)))
                .collect();
            for (k, (at, n, ins, follow_now)) in edits.iter().enumerate() {
                let len = t.len_chars();
                let start = at % (len + 1);
                let end = (start + n).min(len);
                let ins = crate::model::text::normalize_line_endings(ins).0;
                t.replace_range(start, end, &ins).unwrap();
                // Several edits may come between two looks (a frame with two keys, undo).
                if !follow_now && k + 1 < edits.len() {
                    continue;
                }
                idx.follow(&t);
                assert_as_fresh(&idx, &t);
                for (i, needle) in NEEDLES.iter().enumerate() {
                    let (version, any, whole) = &mut was[i];
                    let (fresh_any, fresh_whole) = (idx.search(needle, false), idx.search(needle, true));
                    if let Since::Changed(c) = idx.change_since(*version) {
                        proptest::prop_assert_eq!(&idx.search_again(needle, false, any, c), &fresh_any);
                        proptest::prop_assert_eq!(&idx.search_again(needle, true, whole, c), &fresh_whole);
                    } else {
                        proptest::prop_assert_eq!(idx.change_since(*version), Since::Unchanged);
                        proptest::prop_assert_eq!(&*any, &fresh_any);
                    }
                    // Every other needle keeps its old hits, to compose several changes.
                    if i % 2 == k % 2 {
                        *version = idx.version();
                        *any = fresh_any;
                        *whole = fresh_whole;
                    }
                }
            }
        }
    }

    #[test]
    fn context_is_a_few_words_on_the_line() {
        let t =
            text("First line.\nThe delegation of Nam Il arrived at Kaesong on the tenth.\nLast.");
        let s = t.as_str().find("Nam Il").unwrap();
        let start = t.as_str()[..s].chars().count();
        let (b, hit, a) = words_around(&t, Span::new(start, start + 6), 3);
        assert_eq!(hit, "Nam Il");
        assert_eq!(b, "The delegation of ");
        assert_eq!(a, " arrived at Kaesong…");
        assert_eq!(
            short_title(
                "Cable No. 21677, Mao Zedong to Cde. Filippov [Stalin], 11 July 1951",
                24
            ),
            "Cable No. 21677, Mao…"
        );
        assert_eq!(short_title("Short", 24), "Short");
    }
}
