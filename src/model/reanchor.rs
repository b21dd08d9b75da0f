//! Re-anchoring: finding where annotations belong after their source text changed outside
//! Marginalia, from what each anchor remembers (its offsets and its quote with context).
//!
//! Anchors are tried in order of confidence:
//! 1. the exact quote at the stored offsets, or at the offsets shifted as the anchor's
//!    preceding neighbour moved, with its context intact;
//! 2. the exact quote elsewhere: every occurrence near the expected place (then in the whole
//!    text), scored by how well the text around it matches the stored prefix and suffix;
//! 3. an approximate match: each boundary of the anchor is looked for on its own, as the
//!    64 characters around it (stored context plus quote), with Myers' bit-parallel
//!    approximate string matching under an error budget, then pinned by an alignment.
//!
//! Each anchor ends up [`Outcome::Moved`] (certain), [`Outcome::Review`] (approximate, or
//! several candidates of nearly the same score) or [`Outcome::Orphaned`]. "Certain" means:
//! one candidate is clearly better than any other, its context matches well, and the
//! characters right next to each boundary are unchanged, so the boundary cannot be placed
//! one way or another. Nothing is placed where that does not hold; such annotations keep
//! their old anchor and carry an [`AnchorReview`] with the proposed candidates.

use super::anchor::{Span, TextAnchor};
use super::document::Document;
use super::ids::AnnId;
use super::text::SourceText;
use serde::{Deserialize, Serialize};

/// Characters next to a boundary that must be unchanged for the boundary to be certain.
const PIN: usize = 3;
/// How far (in characters) from the expected place an exact quote with a slightly changed
/// context still counts as found where expected.
const NEAR: usize = 64;
/// Longest probe for the bit-parallel search (one machine word).
const PROBE: usize = 64;

/// Tuning of [`reanchor_anchors`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Characters searched either side of the expected place before the whole text.
    pub window: usize,
    /// Whether an approximate match whose both boundaries are pinned by unchanged
    /// characters, and that no other place matches nearly as well, counts as certain.
    /// When false every approximate match goes to review.
    pub pinned_approximate_is_certain: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            window: 4096,
            pinned_approximate_is_certain: true,
        }
    }
}

/// Why an annotation waits for a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ReviewKind {
    /// Candidates were found, but none is certain.
    NeedsReview,
    /// No acceptable match in the changed text.
    Orphaned,
}

/// How a candidate was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MatchKind {
    /// The quote, exactly.
    Exact,
    /// The quote with differences (see the candidate's quote).
    Approximate,
}

/// A proposed place for an anchor in the changed text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub anchor: TextAnchor,
    pub kind: MatchKind,
    /// How well quote and context match, in thousandths (1000: everything matches).
    pub score: u16,
}

/// Kept on an annotation whose anchor could not be moved with certainty; the annotation's
/// own anchor stays as it was (old offsets and quote) until a person decides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnchorReview {
    pub kind: ReviewKind,
    /// BLAKE3 hash (hex) of the source the candidates refer to.
    pub source_hash: String,
    /// Best first; empty when orphaned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<Candidate>,
}

/// What re-anchoring found for one anchor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The quote is still at the stored offsets with its context.
    Unchanged,
    /// Certainly here now (offsets changed, or the quote was refreshed).
    Moved(TextAnchor),
    /// Not certain: candidates, best first.
    Review(Vec<Candidate>),
    /// No acceptable match.
    Orphaned,
}

/// Counts of outcomes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub unchanged: usize,
    pub moved: usize,
    pub review: usize,
    pub orphaned: usize,
}

impl Tally {
    pub fn add(&mut self, o: &Outcome) {
        match o {
            Outcome::Unchanged => self.unchanged += 1,
            Outcome::Moved(_) => self.moved += 1,
            Outcome::Review(_) => self.review += 1,
            Outcome::Orphaned => self.orphaned += 1,
        }
    }

    pub fn merge(&mut self, o: Tally) {
        self.unchanged += o.unchanged;
        self.moved += o.moved;
        self.review += o.review;
        self.orphaned += o.orphaned;
    }

    pub fn total(&self) -> usize {
        self.unchanged + self.moved + self.review + self.orphaned
    }
}

/// Re-anchors every anchor against `text`; results in the order of `anchors`. Anchors are
/// visited in order of their stored start, so each expects the shift of the last anchor
/// placed with certainty before it.
pub fn reanchor_anchors(text: &SourceText, anchors: &[&TextAnchor], opts: Options) -> Vec<Outcome> {
    let m = Matcher::new(text, opts);
    let mut order: Vec<usize> = (0..anchors.len()).collect();
    order.sort_by_key(|&i| anchors[i].extent().start);
    let mut out = vec![Outcome::Orphaned; anchors.len()];
    let mut shift: isize = 0;
    for i in order {
        let a = anchors[i];
        let o = m.reanchor(a, shift);
        match &o {
            Outcome::Moved(n) => shift = n.extent().start as isize - a.extent().start as isize,
            Outcome::Unchanged => shift = 0,
            _ => {}
        }
        out[i] = o;
    }
    out
}

/// Re-anchors every anchored annotation of `doc` against its current text (the changed
/// source), in annotation-id order of the result.
pub fn plan_document(doc: &Document, opts: Options) -> Vec<(AnnId, Outcome)> {
    let Some(text) = &doc.text else {
        return Vec::new();
    };
    // A region mention without transcribed words has nothing in the text to follow.
    let anchored: Vec<(AnnId, &TextAnchor)> = doc
        .annotations
        .values()
        .filter_map(|a| a.anchor().map(|an| (a.id, an)))
        .filter(|(_, an)| !an.fragments.is_empty())
        .collect();
    let anchors: Vec<&TextAnchor> = anchored.iter().map(|(_, a)| *a).collect();
    let outcomes = reanchor_anchors(text, &anchors, opts);
    anchored
        .into_iter()
        .map(|(id, _)| id)
        .zip(outcomes)
        .collect()
}

/// Applies a plan from [`plan_document`]: moved anchors take their new place (and lose any
/// earlier review mark), the others keep their anchor and get an [`AnchorReview`] naming
/// `source_hash`. Returns the counts and whether anything in the document changed.
pub fn apply_plan(
    doc: &mut Document,
    plan: Vec<(AnnId, Outcome)>,
    source_hash: &str,
) -> (Tally, bool) {
    let mut tally = Tally::default();
    let mut changed = false;
    for (id, outcome) in plan {
        tally.add(&outcome);
        let Some(ann) = doc.annotations.get_mut(&id) else {
            continue;
        };
        let review = match outcome {
            Outcome::Unchanged => None,
            Outcome::Moved(new) => {
                if let Some(a) = ann.anchor_mut() {
                    *a = new;
                }
                changed = true;
                None
            }
            Outcome::Review(candidates) => Some(AnchorReview {
                kind: ReviewKind::NeedsReview,
                source_hash: source_hash.to_owned(),
                candidates,
            }),
            Outcome::Orphaned => Some(AnchorReview {
                kind: ReviewKind::Orphaned,
                source_hash: source_hash.to_owned(),
                candidates: Vec::new(),
            }),
        };
        if ann.reanchor != review {
            ann.reanchor = review;
            changed = true;
        }
    }
    (tally, changed)
}

/// A candidate place `[start, end)` for a whole anchor's extent, with its evidence.
#[derive(Clone, Copy, Debug)]
struct Place {
    start: usize,
    end: usize,
    /// Edit distance of the context (prefix + suffix) around the place.
    ctx_errors: usize,
    /// The characters just outside the start / just outside the end are unchanged.
    pinned: bool,
    distance: usize,
}

struct Matcher<'t> {
    text: &'t SourceText,
    chars: Vec<char>,
    opts: Options,
}

impl<'t> Matcher<'t> {
    fn new(text: &'t SourceText, opts: Options) -> Self {
        Self {
            text,
            chars: text.as_str().chars().collect(),
            opts,
        }
    }

    fn len(&self) -> usize {
        self.chars.len()
    }

    fn reanchor(&self, a: &TextAnchor, shift: isize) -> Outcome {
        let ext = a.extent();
        let quote: Vec<char> = a.quote.exact.chars().collect();
        let prefix: Vec<char> = a.quote.prefix.chars().collect();
        let suffix: Vec<char> = a.quote.suffix.chars().collect();
        if quote.is_empty() {
            return Outcome::Orphaned;
        }
        let old = ext.start;
        let expected = (old as isize + shift).max(0) as usize;
        // 1. At the stored or the expected offsets, context intact.
        for at in [old, expected] {
            if self.quote_at(at, &quote)
                && self.context_exact(at, at + quote.len(), &prefix, &suffix)
            {
                return if at == old {
                    Outcome::Unchanged
                } else {
                    self.moved(a, at)
                };
            }
        }
        // 2. The exact quote elsewhere.
        let lo = old.min(expected).saturating_sub(self.opts.window);
        let hi = (old.max(expected) + quote.len() + self.opts.window).min(self.len());
        let mut places = self.exact_places(lo, hi, &a.quote.exact, &prefix, &suffix, expected);
        // Without a good, pinned occurrence near the expected place, try an approximate
        // match near it; only when that fails too, look for the quote everywhere.
        let ctx_len = prefix.len() + suffix.len();
        let good_near = places
            .iter()
            .any(|p| p.pinned && p.ctx_errors * 4 <= ctx_len);
        let mut approx = None;
        if !good_near {
            approx = self.approximate(&prefix, &quote, &suffix, (lo, hi), expected);
            if approx.is_none() && (lo > 0 || hi < self.len()) {
                places =
                    self.exact_places(0, self.len(), &a.quote.exact, &prefix, &suffix, expected);
            }
        }
        places.sort_by_key(|p| (p.ctx_errors, !p.pinned, p.distance));
        if good_near
            && places
                .first()
                .is_none_or(|p| p.ctx_errors > 0 || p.start != expected)
        {
            approx = self.approximate(&prefix, &quote, &suffix, (lo, hi), expected);
        }
        if let Some(best) = places.first() {
            let margin = (ctx_len / 8).max(3);
            // Clearly best by context; or about as good as another, but where the
            // neighbours say it should be while the other is far from there.
            let clear = places[1..].iter().all(|p| {
                p.ctx_errors >= best.ctx_errors + margin
                    || (p.distance > 4 * NEAR && p.distance > 4 * best.distance)
            });
            let good = best.ctx_errors * 4 <= ctx_len;
            // Away from where the neighbours say it should be, the quote may have changed
            // there and this be a copy: only an intact context makes it certain.
            let near = best.distance <= NEAR;
            // An approximate match elsewhere that fits about as well is a rival.
            // So is a tie in the approximate search, away from the expected place.
            let rival = approx.is_some_and(|(p, ap)| {
                ((p.start, p.end) != (best.start, best.end)
                    && p.ctx_errors <= best.ctx_errors + margin)
                    || (ap.ambiguous && !near)
            });
            // A better-fitting occurrence farther away than another plausible one is a guess
            // between repeated passages.
            let nearer_plausible = places
                .iter()
                .any(|p| p.distance < best.distance && p.ctx_errors * 2 <= ctx_len);
            if clear
                && good
                && best.pinned
                && (near || best.ctx_errors == 0)
                && !rival
                && !nearer_plausible
            {
                return self.moved(a, best.start);
            }
        }
        let mut candidates: Vec<Candidate> = places
            .iter()
            .take(3)
            .filter_map(|p| {
                let anchor = self.shifted(a, p.start)?;
                Some(Candidate {
                    anchor,
                    kind: MatchKind::Exact,
                    score: score(p.ctx_errors, ctx_len),
                })
            })
            .collect();
        // 3. Approximate.
        if let Some((place, ap)) = approx {
            let certain = ap.certain;
            let single = a.fragments.len() == 1;
            // Exact occurrences elsewhere must all fit clearly worse than this place.
            let margin = (ctx_len / 8).max(3);
            let beats_exact = places
                .iter()
                .all(|p| p.ctx_errors >= place.ctx_errors + margin);
            if certain
                && single
                && self.opts.pinned_approximate_is_certain
                && beats_exact
                && let Ok(n) = TextAnchor::span(self.text, place.start, place.end)
            {
                return Outcome::Moved(n);
            }
            if let Some(anchor) = self.respanned(a, place.start, place.end) {
                let errors = place.ctx_errors;
                let c = Candidate {
                    anchor,
                    kind: MatchKind::Approximate,
                    score: score(errors, ctx_len + quote.len()),
                };
                if !candidates.iter().any(|x| x.anchor == c.anchor) {
                    candidates.push(c);
                    candidates.sort_by_key(|c| std::cmp::Reverse(c.score));
                }
            }
        }
        if candidates.is_empty() {
            Outcome::Orphaned
        } else {
            Outcome::Review(candidates)
        }
    }

    fn moved(&self, a: &TextAnchor, start: usize) -> Outcome {
        match self.shifted(a, start) {
            Some(n) => Outcome::Moved(n),
            None => Outcome::Orphaned,
        }
    }

    /// `a` with all fragments shifted so its extent starts at `start`.
    fn shifted(&self, a: &TextAnchor, start: usize) -> Option<TextAnchor> {
        let old = a.extent().start;
        let frags: Vec<Span> = a
            .fragments
            .iter()
            .map(|f| Span::new(f.start - old + start, f.end - old + start))
            .collect();
        TextAnchor::new(self.text, &frags).ok()
    }

    /// `a` re-spanned to `[start, end)`, inner fragment boundaries kept at the same
    /// distance from the start where they fit (a proposal only).
    fn respanned(&self, a: &TextAnchor, start: usize, end: usize) -> Option<TextAnchor> {
        let old = a.extent().start;
        let frags: Vec<Span> = a
            .fragments
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let s = if i == 0 {
                    start
                } else {
                    (f.start - old + start).min(end)
                };
                let e = if i + 1 == a.fragments.len() {
                    end
                } else {
                    (f.end - old + start).min(end)
                };
                Span::new(s.min(e), e)
            })
            .collect();
        TextAnchor::new(self.text, &frags).ok()
    }

    fn quote_at(&self, at: usize, quote: &[char]) -> bool {
        self.chars.get(at..at + quote.len()) == Some(quote)
    }

    fn before(&self, at: usize, n: usize) -> &[char] {
        &self.chars[at.saturating_sub(n)..at]
    }

    fn after(&self, at: usize, n: usize) -> &[char] {
        &self.chars[at..(at + n).min(self.len())]
    }

    fn context_exact(&self, start: usize, end: usize, prefix: &[char], suffix: &[char]) -> bool {
        self.before(start, prefix.len()) == prefix && self.after(end, suffix.len()) == suffix
    }

    /// Edits between the stored context and the text around `[start, end)`: the prefix
    /// against the end of the text before `start`, the suffix against the start of the
    /// text after `end` (so text inserted nearby costs its length, not more).
    fn context_errors(&self, start: usize, end: usize, prefix: &[char], suffix: &[char]) -> usize {
        let before = self.before(start, prefix.len());
        let after = self.after(end, suffix.len());
        if before == prefix && after == suffix {
            return 0;
        }
        let slack = |n: usize| n + n / 2 + 1;
        let rev = |s: &[char]| s.iter().rev().copied().collect::<Vec<char>>();
        let p = levenshtein_prefix(&rev(prefix), &rev(self.before(start, slack(prefix.len()))));
        let s = levenshtein_prefix(suffix, self.after(end, slack(suffix.len())));
        p + s
    }

    /// Every exact occurrence of `quote` starting in `[lo, hi)`, with its evidence.
    fn exact_places(
        &self,
        lo: usize,
        hi: usize,
        quote: &str,
        prefix: &[char],
        suffix: &[char],
        expected: usize,
    ) -> Vec<Place> {
        let (blo, bhi) = (self.text.byte_of(lo), self.text.byte_of(hi));
        let hay = &self.text.as_str()[blo..bhi];
        let qlen = quote.chars().count();
        let mut out = Vec::new();
        for (b, _) in hay.match_indices(quote) {
            let start = self.text.char_of(blo + b);
            let end = start + qlen;
            let before = self.before(start, prefix.len());
            let after = self.after(end, suffix.len());
            let ctx_errors = self.context_errors(start, end, prefix, suffix);
            // A boundary is sure when the characters beyond it are unchanged, or when the
            // character outside is of another kind (word, space, punctuation) than the one
            // inside: then it cannot be a changed copy of the anchor's own edge.
            let word_edge = |inside: char, outside: Option<&char>| {
                outside.is_none_or(|&c| char_class(c) != char_class(inside))
            };
            let pin_left = pinned_tail(prefix, before, start == prefix.len())
                || word_edge(
                    self.chars[start],
                    start.checked_sub(1).map(|i| &self.chars[i]),
                );
            let pin_right = pinned_head(suffix, after, end + suffix.len() == self.len())
                || word_edge(self.chars[end - 1], self.chars.get(end));
            out.push(Place {
                start,
                end,
                ctx_errors,
                pinned: pin_left && pin_right,
                distance: start.abs_diff(expected),
            });
            if out.len() > 10_000 {
                break;
            }
        }
        out
    }

    /// The best approximate place of the whole anchor, and whether it is certain.
    fn approximate(
        &self,
        prefix: &[char],
        quote: &[char],
        suffix: &[char],
        (lo, hi): (usize, usize),
        expected: usize,
    ) -> Option<(Place, Approx)> {
        let start = self.boundary(prefix, quote, suffix, 0, (lo, hi), expected)?;
        let end = self.boundary(
            prefix,
            quote,
            suffix,
            quote.len(),
            (lo, hi),
            expected + quote.len(),
        )?;
        let (s, e) = (start.pos, end.pos);
        if s >= e {
            return None;
        }
        let new_len = e - s;
        let budget = (quote.len() / 3).max(2);
        if new_len.abs_diff(quote.len()) > budget {
            return None;
        }
        let q_errors = if quote.len() <= 400 {
            let d = levenshtein(quote, &self.chars[s..e]);
            if d > budget {
                return None;
            }
            d
        } else {
            new_len.abs_diff(quote.len())
        };
        let ctx_errors = self.context_errors(s, e, prefix, suffix);
        let place = Place {
            start: s,
            end: e,
            ctx_errors: ctx_errors + q_errors,
            pinned: start.certain && end.certain,
            distance: 0,
        };
        let good = ctx_errors * 4 <= prefix.len() + suffix.len();
        Some((
            place,
            Approx {
                certain: place.pinned && good,
                ambiguous: !(start.clear && end.clear),
            },
        ))
    }

    /// Finds the new place of the boundary at `at` in `quote` (0: the start, `quote.len()`:
    /// the end) by searching for the characters around it.
    fn boundary(
        &self,
        prefix: &[char],
        quote: &[char],
        suffix: &[char],
        at: usize,
        (lo, hi): (usize, usize),
        expected: usize,
    ) -> Option<Boundary> {
        // The old text around the boundary: prefix + quote + suffix, cut to PROBE chars.
        let whole: Vec<char> = prefix.iter().chain(quote).chain(suffix).copied().collect();
        let b = prefix.len() + at;
        let left = b.min(PROBE / 2).max(PROBE.saturating_sub(whole.len() - b));
        let left = left.min(b);
        let from = b - left;
        let to = (from + PROBE).min(whole.len());
        let probe = &whole[from..to];
        if probe.len() < 8 {
            return None;
        }
        let k = probe.len() / 5;
        let search = |lo: usize, hi: usize| {
            let lo = lo.saturating_sub(PROBE);
            let hi = (hi + PROBE).min(self.len());
            let mut hits = myers_search(probe, &self.chars[lo..hi], k);
            for h in &mut hits {
                h.0 += lo;
            }
            hits
        };
        let mut hits = search(lo, hi);
        // Found only far from where the neighbours say it should be: a proposal at best.
        let mut far = false;
        if hits.is_empty() && (lo > 0 || hi < self.len()) {
            hits = search(0, self.len());
            far = true;
        }
        // Best first; of equally good ones, the nearest to where it is expected.
        let right = probe.len() - left;
        hits.sort_by_key(|h| (h.1, (h.0.saturating_sub(right)).abs_diff(expected)));
        let best = *hits.first()?;
        let clear = hits.get(1).is_none_or(|h| h.1 >= best.1 + 3);
        let seg_start = best.0.saturating_sub(probe.len() + k);
        let seg = &self.chars[seg_start..best.0];
        let (pos_a, pin_a) = align_boundary(probe, seg, left, at == 0, true);
        let (pos_b, pin_b) = align_boundary(probe, seg, left, at == 0, false);
        Some(Boundary {
            clear,
            pos: seg_start + pos_a,
            certain: clear && !far && pos_a == pos_b && pin_a && pin_b,
        })
    }
}

/// What the approximate search says about its best place.
#[derive(Clone, Copy, Debug)]
struct Approx {
    /// Both boundaries pinned, found near the expected place, and clearly best.
    certain: bool,
    /// Another place matches a boundary nearly as well.
    ambiguous: bool,
}

#[derive(Clone, Copy, Debug)]
struct Boundary {
    /// No other place matches nearly as well.
    clear: bool,
    pos: usize,
    certain: bool,
}

/// 0: word character, 1: white space, 2: anything else.
fn char_class(c: char) -> u8 {
    if c.is_alphanumeric() {
        0
    } else if c.is_whitespace() {
        1
    } else {
        2
    }
}

fn score(errors: usize, len: usize) -> u16 {
    if len == 0 {
        return 1000;
    }
    (1000 - (errors.min(len) * 1000 / len)) as u16
}

/// The stored prefix `want` ends like `got` (the text before a candidate): in its last
/// [`PIN`] characters, or entirely when it is shorter and `edge` (the text starts right
/// before `got`, as it did before `want`).
fn pinned_tail(want: &[char], got: &[char], edge: bool) -> bool {
    if want.len() >= PIN {
        got.len() >= PIN && want[want.len() - PIN..] == got[got.len() - PIN..]
    } else {
        edge && want == got
    }
}

/// The stored suffix `want` starts like `got` (the text after a candidate); as
/// [`pinned_tail`], with `edge`: the text ends right after `got`.
fn pinned_head(want: &[char], got: &[char], edge: bool) -> bool {
    if want.len() >= PIN {
        got.len() >= PIN && want[..PIN] == got[..PIN]
    } else {
        edge && want == got
    }
}

/// Edit distance (Levenshtein) of two short sequences.
pub fn levenshtein(a: &[char], b: &[char]) -> usize {
    if a == b {
        return 0;
    }
    if a.is_empty() || b.is_empty() {
        return a.len().max(b.len());
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (diag + usize::from(ca != cb)).min(up + 1).min(row[j] + 1);
            diag = up;
        }
    }
    row[b.len()]
}

/// Edits to turn `a` into some prefix of `b` (the best one).
pub fn levenshtein_prefix(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (diag + usize::from(ca != cb)).min(up + 1).min(row[j] + 1);
            diag = up;
        }
    }
    row.into_iter().min().unwrap_or(a.len())
}

/// Myers' bit-parallel approximate string matching (Myers 1999, "A fast bit-vector
/// algorithm for approximate string matching based on dynamic programming"): every end
/// position `j` (exclusive) in `text` where `pattern` (1 to 64 characters) matches a
/// substring ending there with at most `k` edits, as `(j, edits)`; of each run of hits
/// closer than half the pattern length only the best (the first best) is kept.
pub fn myers_search(pattern: &[char], text: &[char], k: usize) -> Vec<(usize, usize)> {
    let m = pattern.len();
    assert!(
        (1..=64).contains(&m),
        "pattern of {m} characters; 1 to 64 allowed"
    );
    let mut ascii = [0u64; 128];
    let mut other: Vec<(char, u64)> = Vec::new();
    for (i, &c) in pattern.iter().enumerate() {
        let bit = 1u64 << i;
        if c.is_ascii() {
            ascii[c as usize] |= bit;
        } else if let Some(e) = other.iter_mut().find(|e| e.0 == c) {
            e.1 |= bit;
        } else {
            other.push((c, bit));
        }
    }
    let high = 1u64 << (m - 1);
    let mut pv: u64 = if m == 64 { !0 } else { (1u64 << m) - 1 };
    let mut mv: u64 = 0;
    let mut score = m;
    let mut hits: Vec<(usize, usize)> = Vec::new();
    let gap = (m / 2).max(1);
    for (j, &c) in text.iter().enumerate() {
        let eq = if c.is_ascii() {
            ascii[c as usize]
        } else {
            other.iter().find(|e| e.0 == c).map_or(0, |e| e.1)
        };
        let xv = eq | mv;
        let xh = (((eq & pv).wrapping_add(pv)) ^ pv) | eq;
        let ph = mv | !(xh | pv);
        let mh = pv & xh;
        if ph & high != 0 {
            score += 1;
        } else if mh & high != 0 {
            score -= 1;
        }
        let ph = ph << 1;
        let mh = mh << 1;
        pv = mh | !(xv | ph);
        mv = ph & xv;
        if score <= k {
            let end = j + 1;
            match hits.last_mut() {
                Some(last) if end - last.0 < gap => {
                    if score < last.1 {
                        *last = (end, score);
                    }
                }
                _ => hits.push((end, score)),
            }
        }
    }
    hits
}

/// Aligns `probe` to the end of `seg` (free start in `seg`, fixed end) and returns where
/// the boundary before `probe[at]` falls in `seg`, and whether it is pinned: the
/// [`PIN`] characters on at least one side of it are matched unchanged and next to it.
/// `diag_first` picks one of two tie-breaking orders; a boundary both orders agree on does
/// not depend on how equally good alignments are chosen. Text inserted right at the
/// boundary goes outside the anchor: before a start (`is_start`), after an end.
fn align_boundary(
    probe: &[char],
    seg: &[char],
    at: usize,
    is_start: bool,
    diag_first: bool,
) -> (usize, bool) {
    let (m, n) = (probe.len(), seg.len());
    let w = n + 1;
    let mut d = vec![0u32; (m + 1) * w];
    for i in 1..=m {
        d[i * w] = i as u32;
        for j in 1..=n {
            let sub = d[(i - 1) * w + j - 1] + u32::from(probe[i - 1] != seg[j - 1]);
            let del = d[(i - 1) * w + j] + 1;
            let ins = d[i * w + j - 1] + 1;
            d[i * w + j] = sub.min(del).min(ins);
        }
    }
    // Trace back from (m, n); record the text position of each matched probe character
    // and the columns visited on row `at`.
    let mut matched: Vec<Option<usize>> = vec![None; m];
    let (mut i, mut j) = (m, n);
    let (mut row_lo, mut row_hi) = (usize::MAX, 0);
    loop {
        if i == at {
            row_lo = row_lo.min(j);
            row_hi = row_hi.max(j);
        }
        if i == 0 {
            break;
        }
        let here = d[i * w + j];
        let diag = j > 0 && here == d[(i - 1) * w + j - 1] + u32::from(probe[i - 1] != seg[j - 1]);
        let ins = j > 0 && here == d[i * w + j - 1] + 1;
        let step = if diag_first {
            if diag {
                0
            } else if ins {
                1
            } else {
                2
            }
        } else if ins {
            1
        } else if diag {
            0
        } else {
            2
        };
        match step {
            0 => {
                if probe[i - 1] == seg[j - 1] {
                    matched[i - 1] = Some(j - 1);
                }
                i -= 1;
                j -= 1;
            }
            1 => j -= 1,
            _ => i -= 1,
        }
    }
    let pos = if is_start { row_hi } else { row_lo };
    let left = at >= PIN && (0..PIN).all(|t| matched[at - 1 - t] == Some(pos.wrapping_sub(1 + t)));
    let right = m - at >= PIN && (0..PIN).all(|t| matched[at + t] == Some(pos + t));
    (pos, left || right)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::changeset::ChangeSet;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn myers_finds_approximate_ends() {
        let text = chars("the armistice negotiatons at Kaesong");
        let hits = myers_search(&chars("negotiations"), &text, 1);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].1, 1);
        assert_eq!(hits[0].0, "the armistice negotiatons".chars().count());
        assert!(myers_search(&chars("Panmunjom"), &text, 2).is_empty());
        let cyr = chars("телеграмма Филиппову");
        let hits = myers_search(&chars("Филипову"), &cyr, 1);
        assert_eq!(hits, vec![(cyr.len(), 1)]);
    }

    #[test]
    fn myers_agrees_with_dynamic_programming() {
        let text = chars("abcabxabcdeabdcabc xyz abacab");
        for pat in ["abc", "abcde", "cab", "zzz", "abdcab"] {
            let p = chars(pat);
            for k in 0..3 {
                let hits = myers_search(&p, &text, k);
                for (end, d) in hits {
                    let best = (0..end)
                        .map(|s| levenshtein(&p, &text[s..end]))
                        .min()
                        .unwrap_or(p.len());
                    assert_eq!(best, d, "{pat} k={k} end={end}");
                }
            }
        }
    }

    fn run(old: &str, new: &str, spans: &[(usize, usize)]) -> Vec<Outcome> {
        let t = SourceText::from_str_normalizing(old);
        let n = SourceText::from_str_normalizing(new);
        let anchors: Vec<TextAnchor> = spans
            .iter()
            .map(|&(s, e)| TextAnchor::span(&t, s, e).unwrap())
            .collect();
        let refs: Vec<&TextAnchor> = anchors.iter().collect();
        reanchor_anchors(&n, &refs, Options::default())
    }

    fn moved_text(o: &Outcome, new: &str) -> Option<String> {
        let n = SourceText::from_str_normalizing(new);
        match o {
            Outcome::Moved(a) => Some(a.covered_text(&n)),
            _ => None,
        }
    }

    #[test]
    fn unchanged_moved_review_orphaned() {
        let old =
            "To Comrade Filippov. The enemy proposed Kaesong as the place. Kim Il Sung agrees.";
        let new = "Top secret. To Comrade Filippov. The enemy proposed Kaesong as the place of talks. Kim Il Sung agrees.";
        let o = run(old, new, &[(3, 19), (40, 47), (62, 73)]);
        assert_eq!(moved_text(&o[0], new).as_deref(), Some("Comrade Filippov"));
        assert_eq!(moved_text(&o[1], new).as_deref(), Some("Kaesong"), "{o:?}");
        assert_eq!(moved_text(&o[2], new).as_deref(), Some("Kim Il Sung"));
        let same = run(old, old, &[(3, 19)]);
        assert_eq!(same[0], Outcome::Unchanged);
        let gone = run(
            old,
            "Nothing of this text remains here at all, none.",
            &[(40, 47)],
        );
        assert_eq!(gone[0], Outcome::Orphaned);
    }

    #[test]
    fn ocr_fix_inside_a_name_is_followed() {
        let old =
            "Report from the front. Comrade Kirn Il Sung has agreed to the proposal made today.";
        let new =
            "Report from the front. Comrade Kim Il Sung has agreed to the proposal made today.";
        let o = run(old, new, &[(31, 43)]);
        assert_eq!(moved_text(&o[0], new).as_deref(), Some("Kim Il Sung"));
    }

    #[test]
    fn equal_candidates_go_to_review() {
        // The context around the mention changed on both sides, and the name occurs twice.
        let old = "aaaa bbbb cccc Kaesong dddd eeee ffff gggg hhhh";
        let new = "xxxx yyyy Kaesong zzzz wwww; qqqq rrrr Kaesong pppp";
        let o = run(old, new, &[(15, 22)]);
        assert!(
            matches!(o[0], Outcome::Review(ref c) if c.len() >= 2),
            "{o:?}"
        );
    }

    #[test]
    fn apply_plan_keeps_old_anchor_for_review() {
        use crate::model::{Annotation, Body, Mention, Slug};
        let old = SourceText::from_str_normalizing("one Kaesong two Kaesong three");
        let a = TextAnchor::span(&old, 4, 11).unwrap();
        let mut doc = Document {
            meta: crate::model::DocumentMeta {
                id: crate::model::DocId::new(),
                title: "t".into(),
                source: None,
                images: Vec::new(),
                status: Default::default(),
                archival: Default::default(),
            },
            text: Some(SourceText::from_str_normalizing("Kaesong and Kaesong")),
            annotations: Default::default(),
        };
        let ann = Annotation::new(Body::Mention(Mention {
            type_id: Slug::new("place"),
            anchor: a.clone(),
            entry: None,
            date: None,
        }));
        let id = ann.id;
        doc.annotations.insert(id, ann);
        let plan = plan_document(&doc, Options::default());
        let (tally, changed) = apply_plan(&mut doc, plan, "abc");
        assert!(changed);
        assert_eq!(tally.review, 1);
        let ann = &doc.annotations[&id];
        assert_eq!(ann.anchor(), Some(&a));
        let review = ann.reanchor.as_ref().unwrap();
        assert_eq!(review.kind, ReviewKind::NeedsReview);
        assert_eq!(review.source_hash, "abc");
        assert_eq!(review.candidates.len(), 2);
    }

    #[test]
    fn discontinuous_anchor_moves_whole() {
        let old = SourceText::from_str_normalizing("Kim Il Sung and Peng Dehuai met at Kaesong.");
        let a = TextAnchor::new(&old, &[Span::new(0, 3), Span::new(16, 20)]).unwrap();
        let new = SourceText::from_str_normalizing(
            "On 10 July Kim Il Sung and Peng Dehuai met at Kaesong.",
        );
        let out = reanchor_anchors(&new, &[&a], Options::default());
        let Outcome::Moved(m) = &out[0] else {
            panic!("{out:?}")
        };
        assert_eq!(m.fragments, vec![Span::new(11, 14), Span::new(27, 31)]);
        assert_eq!(m.covered_text(&new), "Kim Peng");
    }

    #[test]
    fn mapping_and_reanchoring_agree_on_a_keystroke() {
        let old = SourceText::from_str_normalizing(
            "The delegation of the Korean People's Army arrived at Kaesong on 10 July.",
        );
        let spans = [(22, 42), (54, 61), (65, 72)];
        let anchors: Vec<TextAnchor> = spans
            .iter()
            .map(|&(s, e)| TextAnchor::span(&old, s, e).unwrap())
            .collect();
        let c = ChangeSet::replace(old.len_chars(), 4, 4, "first ").unwrap();
        let new = c.apply(&old).unwrap();
        let refs: Vec<&TextAnchor> = anchors.iter().collect();
        let out = reanchor_anchors(&new, &refs, Options::default());
        for (a, o) in anchors.iter().zip(out) {
            assert_eq!(o, Outcome::Moved(c.map_anchor(a, &new).unwrap()));
        }
    }
}
