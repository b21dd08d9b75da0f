//! Text changes as a sequence of retain / delete / insert operations over code points
//! (as helix's `ChangeSet`), and the mapping of positions and anchors through them.
//!
//! A [`ChangeSet`] is written against a text of [`ChangeSet::len`] code points (LF-normalized,
//! like every text in Marginalia) and turns it into a text of [`ChangeSet::len_after`].
//! Canonical form: no empty operations, no two neighbouring operations of the same kind,
//! and a deletion always comes before an insertion at the same place (a *replacement*).
//!
//! Boundary rule for mentions (see [`ChangeSet::map_span`]): text inserted exactly at the
//! start or at the end of a span stays outside it; text inserted strictly inside it, or
//! replacing a part of it, becomes part of it. A span whose text is deleted entirely
//! (alone or with more) disappears.

use super::anchor::{CONTEXT_CHARS, Span, TextAnchor};
use super::text::{SourceText, normalize_line_endings};
use thiserror::Error;

/// One operation of a [`ChangeSet`]; lengths count code points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operation {
    /// Keep this many code points.
    Retain(usize),
    /// Remove this many code points.
    Delete(usize),
    /// Insert this LF-normalized text.
    Insert(String),
}

/// Which side of text inserted exactly at a position the position sticks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assoc {
    /// The position stays before the inserted text.
    Before,
    /// The position moves after the inserted text.
    After,
}

/// Why a change cannot be built or applied.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ChangeError {
    #[error("the change is written for a text of {expected} characters, but this one has {found}")]
    LengthMismatch { expected: usize, found: usize },
    #[error("range [{start}, {end}) does not lie within the text of {len} characters")]
    OutOfBounds {
        start: usize,
        end: usize,
        len: usize,
    },
}

/// A change to a whole text. Invariant: canonical (see the module doc); `len` is the sum of
/// retained and deleted lengths, `len_after` of retained and inserted lengths.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeSet {
    ops: Vec<Operation>,
    len: usize,
    len_after: usize,
}

/// One replacement in old-text coordinates: `[start, end)` becomes `text` (`inserted` code points).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Edit<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    inserted: usize,
}

impl ChangeSet {
    /// The empty change for a text of `len` code points is built by [`Self::retain`]ing it;
    /// this starts with nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// A change that replaces `[start, end)` of a text of `len` code points with `text`
    /// (`\r\n` and `\r` in `text` become `\n`).
    pub fn replace(len: usize, start: usize, end: usize, text: &str) -> Result<Self, ChangeError> {
        if start > end || end > len {
            return Err(ChangeError::OutOfBounds { start, end, len });
        }
        let mut c = Self::new();
        c.retain(start);
        c.delete(end - start);
        c.insert(text);
        c.retain(len - end);
        Ok(c)
    }

    /// Several replacements, each `(start, end, text)` in the coordinates of the original
    /// text; sorted and disjoint (touching is allowed).
    pub fn from_replacements(
        len: usize,
        edits: &[(usize, usize, String)],
    ) -> Result<Self, ChangeError> {
        let mut c = Self::new();
        let mut at = 0;
        for (start, end, text) in edits {
            if *start < at || start > end || *end > len {
                return Err(ChangeError::OutOfBounds {
                    start: *start,
                    end: *end,
                    len,
                });
            }
            c.retain(start - at);
            c.delete(end - start);
            c.insert(text);
            at = *end;
        }
        c.retain(len - at);
        Ok(c)
    }

    pub fn ops(&self) -> &[Operation] {
        &self.ops
    }

    /// Length in code points of the text this change applies to.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Length in code points of the changed text.
    pub fn len_after(&self) -> usize {
        self.len_after
    }

    /// True when applying the change leaves every text as it was.
    pub fn is_empty(&self) -> bool {
        self.ops.iter().all(|op| matches!(op, Operation::Retain(_)))
    }

    pub fn retain(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        self.len += n;
        self.len_after += n;
        if let Some(Operation::Retain(m)) = self.ops.last_mut() {
            *m += n;
        } else {
            self.ops.push(Operation::Retain(n));
        }
    }

    pub fn delete(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        self.len += n;
        match self.ops.as_mut_slice() {
            [.., Operation::Delete(m)] => *m += n,
            // Keep deletions before insertions: [.., Delete, Insert] or [.., Insert].
            [.., Operation::Delete(m), Operation::Insert(_)] => *m += n,
            [.., Operation::Insert(_)] => {
                let at = self.ops.len() - 1;
                self.ops.insert(at, Operation::Delete(n));
            }
            _ => self.ops.push(Operation::Delete(n)),
        }
    }

    /// Inserts `text`, normalizing its line endings to `\n`.
    pub fn insert(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let normalized;
        let text = if text.contains('\r') {
            normalized = normalize_line_endings(text).0;
            normalized.as_str()
        } else {
            text
        };
        self.len_after += text.chars().count();
        if let Some(Operation::Insert(s)) = self.ops.last_mut() {
            s.push_str(text);
        } else {
            self.ops.push(Operation::Insert(text.to_owned()));
        }
    }

    /// The replacements, in order, in old-text coordinates.
    fn edits(&self) -> Vec<Edit<'_>> {
        let mut out: Vec<Edit<'_>> = Vec::new();
        let mut at = 0;
        let mut open: Option<Edit<'_>> = None;
        for op in &self.ops {
            match op {
                Operation::Retain(n) => {
                    out.extend(open.take());
                    at += n;
                }
                Operation::Delete(n) => {
                    let e = open.get_or_insert(Edit {
                        start: at,
                        end: at,
                        text: "",
                        inserted: 0,
                    });
                    e.end += n;
                    at += n;
                }
                Operation::Insert(s) => {
                    let e = open.get_or_insert(Edit {
                        start: at,
                        end: at,
                        text: "",
                        inserted: 0,
                    });
                    e.text = s;
                    e.inserted = s.chars().count();
                }
            }
        }
        out.extend(open);
        out
    }

    /// Applies the change to `text`, giving the changed text (line endings and BOM kept).
    pub fn apply(&self, text: &SourceText) -> Result<SourceText, ChangeError> {
        if text.len_chars() != self.len {
            return Err(ChangeError::LengthMismatch {
                expected: self.len,
                found: text.len_chars(),
            });
        }
        let edits = self.edits();
        if edits.len() <= IN_PLACE_EDITS {
            let mut new = text.clone();
            self.apply_edits_in_place(&edits, &mut new)?;
            return Ok(new);
        }
        let s = text.as_str();
        let mut out = String::with_capacity(s.len());
        let mut at = 0;
        for e in edits {
            out.push_str(&s[text.byte_of(at)..text.byte_of(e.start)]);
            out.push_str(e.text);
            at = e.end;
        }
        out.push_str(&s[text.byte_of(at)..]);
        let mut new = SourceText::from_str_normalizing(&out);
        new.set_line_ending_and_bom(text.line_ending(), text.had_bom());
        Ok(new)
    }

    /// Applies the change to `text` in place, one replacement at a time from the last, with
    /// the text's indexes updated around each ([`SourceText::replace_range`]): for a
    /// keystroke in a long text this costs one move of the bytes after it, not a rebuild.
    pub fn apply_in_place(&self, text: &mut SourceText) -> Result<(), ChangeError> {
        if text.len_chars() != self.len {
            return Err(ChangeError::LengthMismatch {
                expected: self.len,
                found: text.len_chars(),
            });
        }
        self.apply_edits_in_place(&self.edits(), text)
    }

    fn apply_edits_in_place(
        &self,
        edits: &[Edit<'_>],
        text: &mut SourceText,
    ) -> Result<(), ChangeError> {
        for e in edits.iter().rev() {
            text.replace_range(e.start, e.end, e.text)
                .map_err(|r| ChangeError::OutOfBounds {
                    start: r.start,
                    end: r.end,
                    len: r.len,
                })?;
        }
        Ok(())
    }

    /// [`Self::map_anchors`] given the text *before* the change: new quotes are read from a
    /// window of the changed text around the anchors that need them (their extents plus
    /// [`CONTEXT_CHARS`]), so the whole changed text is never built. Same results.
    pub fn map_anchors_from_old(
        &self,
        anchors: &[&TextAnchor],
        old: &SourceText,
    ) -> Result<Vec<Option<TextAnchor>>, ChangeError> {
        if old.len_chars() != self.len {
            return Err(ChangeError::LengthMismatch {
                expected: self.len,
                found: old.len_chars(),
            });
        }
        let edits = self.edits();
        enum Mapped {
            Gone,
            Kept(TextAnchor),
            Requote(Vec<Span>),
        }
        let (mut lo, mut hi) = (usize::MAX, 0);
        let mapped: Vec<Mapped> = anchors
            .iter()
            .map(|a| {
                let ext = a.extent();
                let l = ext.start.saturating_sub(CONTEXT_CHARS);
                let h = ext.end + CONTEXT_CHARS;
                let first = edits.partition_point(|e| e.end < l);
                let touched = edits.get(first).is_some_and(|e| e.start <= h);
                let frags: Vec<Span> = a
                    .fragments
                    .iter()
                    .filter_map(|s| map_span_in(&edits, *s))
                    .collect();
                if frags.is_empty() {
                    return Mapped::Gone;
                }
                if !touched && frags.len() == a.fragments.len() {
                    return Mapped::Kept(TextAnchor {
                        fragments: frags,
                        quote: a.quote.clone(),
                    });
                }
                for f in &frags {
                    lo = lo.min(f.start);
                    hi = hi.max(f.end);
                }
                Mapped::Requote(frags)
            })
            .collect();
        let wa = lo.min(hi).saturating_sub(CONTEXT_CHARS);
        let wb = (hi + CONTEXT_CHARS).min(self.len_after);
        let window = self.window_of_changed(&edits, old, wa, wb);
        Ok(mapped
            .into_iter()
            .map(|m| match m {
                Mapped::Gone => None,
                Mapped::Kept(a) => Some(a),
                Mapped::Requote(frags) => {
                    let local: Vec<Span> = frags
                        .iter()
                        .map(|f| Span::new(f.start - wa, f.end - wa))
                        .collect();
                    TextAnchor::new(&window, &local).ok().map(|mut a| {
                        for f in &mut a.fragments {
                            f.start += wa;
                            f.end += wa;
                        }
                        a
                    })
                }
            })
            .collect())
    }

    /// Code points `[wa, wb)` of the text this change makes of `old`.
    fn window_of_changed(
        &self,
        edits: &[Edit<'_>],
        old: &SourceText,
        wa: usize,
        wb: usize,
    ) -> SourceText {
        let mut out = String::new();
        if wa >= wb {
            return SourceText::default();
        }
        // Old text `[old_start, old_start + n)` kept at `[new_start, new_start + n)`.
        let push_old = |out: &mut String, new_start: usize, old_start: usize, n: usize| {
            let (a, b) = (wa.max(new_start), wb.min(new_start + n));
            if a < b {
                out.push_str(old.slice(old_start + (a - new_start), old_start + (b - new_start)));
            }
        };
        let (mut new_pos, mut old_pos) = (0, 0);
        for e in edits {
            if new_pos >= wb {
                break;
            }
            let n = e.start - old_pos;
            push_old(&mut out, new_pos, old_pos, n);
            new_pos += n;
            let (a, b) = (wa.max(new_pos), wb.min(new_pos + e.inserted));
            if a < b {
                out.extend(e.text.chars().skip(a - new_pos).take(b - a));
            }
            new_pos += e.inserted;
            old_pos = e.end;
        }
        if new_pos < wb {
            push_old(&mut out, new_pos, old_pos, self.len - old_pos);
        }
        SourceText::from_str_normalizing(&out)
    }

    /// The change decomposed once, for testing and shifting many anchors.
    pub fn mapper(&self) -> AnchorMapper<'_> {
        let edits = self.edits();
        let mut after = Vec::with_capacity(edits.len());
        let mut delta = 0isize;
        for e in &edits {
            delta += e.inserted as isize - (e.end - e.start) as isize;
            after.push(delta);
        }
        AnchorMapper { edits, after }
    }

    /// The change that undoes this one, given the text this one applies to.
    pub fn invert(&self, original: &SourceText) -> Result<ChangeSet, ChangeError> {
        if original.len_chars() != self.len {
            return Err(ChangeError::LengthMismatch {
                expected: self.len,
                found: original.len_chars(),
            });
        }
        let mut inv = ChangeSet::new();
        let mut at = 0;
        for e in self.edits() {
            inv.retain(e.start - at);
            inv.delete(e.inserted);
            inv.insert(original.slice(e.start, e.end));
            at = e.end;
        }
        inv.retain(self.len - at);
        Ok(inv)
    }

    /// Where old position `pos` lies in the changed text. A position inside deleted text (or
    /// at its start) collapses to where the deletion was, and `assoc` says on which side of
    /// its replacement text it lands; so does a position where text is purely inserted. A
    /// position at the end of a deletion lies after the replacement text.
    pub fn map_pos(&self, pos: usize, assoc: Assoc) -> usize {
        let mut delta: isize = 0;
        for e in self.edits() {
            let shift = e.inserted as isize - (e.end - e.start) as isize;
            if e.end < pos || (e.end == pos && e.start < e.end) {
                delta += shift;
            } else if e.start < pos || (e.start == pos && e.start < e.end) {
                // Inside a deletion (or at the start of a replacement): collapse.
                let base = (e.start as isize + delta) as usize;
                return match assoc {
                    Assoc::Before => base,
                    Assoc::After => base + e.inserted,
                };
            } else if e.start == pos {
                // A pure insertion exactly at `pos`.
                return match assoc {
                    Assoc::Before => (pos as isize + delta) as usize,
                    Assoc::After => (pos as isize + delta) as usize + e.inserted,
                };
            } else {
                break;
            }
        }
        (pos as isize + delta) as usize
    }

    /// Maps the span `[start, end)` by the mention boundary rule (module doc); `None` when
    /// its text is deleted entirely.
    pub fn map_span(&self, span: Span) -> Option<Span> {
        map_span_in(&self.edits(), span)
    }

    /// Maps every fragment of `anchor`, drops fragments whose text is gone, and refreshes
    /// the quote from `new_text` (the result of [`Self::apply`]); `None` when all of the
    /// anchor's text was deleted.
    pub fn map_anchor(&self, anchor: &TextAnchor, new_text: &SourceText) -> Option<TextAnchor> {
        let edits = self.edits();
        map_anchor_in(&edits, anchor, new_text)
    }

    /// [`Self::map_anchor`] for many anchors at once; cheaper, because the change is
    /// decomposed once and quotes are rebuilt only for anchors whose quote or context an
    /// edit touched (all others keep their quote and only shift).
    pub fn map_anchors<'a>(
        &self,
        anchors: impl IntoIterator<Item = &'a TextAnchor>,
        new_text: &SourceText,
    ) -> Vec<Option<TextAnchor>> {
        let edits = self.edits();
        anchors
            .into_iter()
            .map(|a| map_anchor_in(&edits, a, new_text))
            .collect()
    }
}

/// Up to this many replacements, [`ChangeSet::apply`] copies the text and edits the copy in
/// place; more are cheaper as one rebuild.
const IN_PLACE_EDITS: usize = 8;

/// A [`ChangeSet`] decomposed for mapping many anchors (see [`ChangeSet::mapper`]).
/// Invariant: `after[i]` is the total length change of edits `0..=i`.
#[derive(Debug)]
pub struct AnchorMapper<'a> {
    edits: Vec<Edit<'a>>,
    after: Vec<isize>,
}

impl AnchorMapper<'_> {
    /// True when the change reaches `anchor`'s text or its quote context
    /// ([`CONTEXT_CHARS`] on each side, edit boundaries included): only then can its
    /// fragments or quote change other than by a pure shift.
    pub fn touches(&self, anchor: &TextAnchor) -> bool {
        let ext = anchor.extent();
        let lo = ext.start.saturating_sub(CONTEXT_CHARS);
        let hi = ext.end + CONTEXT_CHARS;
        let first = self.edits.partition_point(|e| e.end < lo);
        self.edits.get(first).is_some_and(|e| e.start <= hi)
    }

    /// How far the change moves `anchor` when it does not [`touch`](Self::touches) it;
    /// `None` when it does.
    pub fn shift_of(&self, anchor: &TextAnchor) -> Option<isize> {
        let ext = anchor.extent();
        let lo = ext.start.saturating_sub(CONTEXT_CHARS);
        let hi = ext.end + CONTEXT_CHARS;
        let first = self.edits.partition_point(|e| e.end < lo);
        if self.edits.get(first).is_some_and(|e| e.start <= hi) {
            return None;
        }
        Some(first.checked_sub(1).map_or(0, |i| self.after[i]))
    }

    /// Moves an anchor the change does not [`touch`](Self::touches) by the length change of
    /// the edits before it; its quote stays true. Touched anchors need
    /// [`ChangeSet::map_anchor`] instead.
    pub fn shift(&self, anchor: &mut TextAnchor) {
        let lo = anchor.extent().start.saturating_sub(CONTEXT_CHARS);
        let first = self.edits.partition_point(|e| e.end < lo);
        shift_by(anchor, first.checked_sub(1).map_or(0, |i| self.after[i]));
    }
}

/// Moves every fragment of `anchor` by `delta` code points (which keeps them within the
/// text when `delta` comes from [`AnchorMapper::shift_of`]).
pub fn shift_by(anchor: &mut TextAnchor, delta: isize) {
    if delta == 0 {
        return;
    }
    for f in &mut anchor.fragments {
        f.start = (f.start as isize + delta) as usize;
        f.end = (f.end as isize + delta) as usize;
    }
}

fn map_anchor_in(
    edits: &[Edit<'_>],
    anchor: &TextAnchor,
    new_text: &SourceText,
) -> Option<TextAnchor> {
    let ext = anchor.extent();
    let lo = ext.start.saturating_sub(CONTEXT_CHARS);
    let hi = ext.end + CONTEXT_CHARS;
    // Edits are sorted: find the first that can touch [lo, hi].
    let first = edits.partition_point(|e| e.end < lo);
    let touched = edits.get(first).is_some_and(|e| e.start <= hi);
    let frags: Vec<Span> = anchor
        .fragments
        .iter()
        .filter_map(|s| map_span_in(edits, *s))
        .collect();
    if frags.is_empty() {
        return None;
    }
    if !touched && frags.len() == anchor.fragments.len() {
        return Some(TextAnchor {
            fragments: frags,
            quote: anchor.quote.clone(),
        });
    }
    // Spans from a change written for another text fail here and are dropped.
    TextAnchor::new(new_text, &frags).ok()
}

fn map_span_in(edits: &[Edit<'_>], span: Span) -> Option<Span> {
    let (s, e) = (span.start, span.end);
    let mut delta: isize = 0;
    let mut new_start: Option<usize> = None;
    let mut new_end: Option<usize> = None;
    let at = |p: usize, d: isize| (p as isize + d) as usize;
    for ed in edits {
        let shift = ed.inserted as isize - (ed.end - ed.start) as isize;
        let (a, b) = (ed.start, ed.end);
        if b <= s {
            // Before the span (an insertion exactly at its start stays outside).
            delta += shift;
            continue;
        }
        if a >= e {
            break;
        }
        if s <= a && b <= e {
            // Inside: the new text becomes part of the span.
            if new_start.is_none() {
                new_start = Some(at(s, delta));
            }
            delta += shift;
            continue;
        }
        if a <= s && b >= e {
            // Covers the whole span and more: its text is gone.
            return None;
        }
        if a < s {
            // Straddles the start: the surviving part begins after the new text.
            new_start = Some(at(a, delta) + ed.inserted);
            delta += shift;
            continue;
        }
        // Straddles the end: the span ends where the deletion began.
        if new_start.is_none() {
            new_start = Some(at(s, delta));
        }
        new_end = Some(at(a, delta));
        break;
    }
    let start = new_start.unwrap_or_else(|| at(s, delta));
    let end = new_end.unwrap_or_else(|| at(e, delta));
    (start < end).then(|| Span::new(start, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::anchor::AnchorCheck;
    use proptest::prelude::*;

    fn text(s: &str) -> SourceText {
        SourceText::from_str_normalizing(s)
    }

    fn mapped(src: &str, span: (usize, usize), edit: (usize, usize, &str)) -> Option<String> {
        let t = text(src);
        let c = ChangeSet::replace(t.len_chars(), edit.0, edit.1, edit.2).unwrap();
        let n = c.apply(&t).unwrap();
        let a = TextAnchor::span(&t, span.0, span.1).unwrap();
        c.map_anchor(&a, &n).map(|a| {
            assert_eq!(a.check(&n), AnchorCheck::Ok);
            a.covered_text(&n)
        })
    }

    #[test]
    fn boundary_rule() {
        let s = "to Kim Il Sung from";
        // "Kim Il Sung" is [3, 14).
        assert_eq!(
            mapped(s, (3, 14), (14, 14, "!")).as_deref(),
            Some("Kim Il Sung")
        );
        assert_eq!(
            mapped(s, (3, 14), (3, 3, "Mr ")).as_deref(),
            Some("Kim Il Sung")
        );
        assert_eq!(
            mapped(s, (3, 14), (6, 6, "-")).as_deref(),
            Some("Kim- Il Sung")
        );
        // Correcting a misread name in place keeps the mention, with the new text.
        assert_eq!(
            mapped(s, (3, 14), (3, 14, "Kim Il-sung")).as_deref(),
            Some("Kim Il-sung")
        );
        assert_eq!(
            mapped(s, (3, 14), (10, 14, "Song")).as_deref(),
            Some("Kim Il Song")
        );
        assert_eq!(
            mapped(s, (3, 14), (3, 6, "Kimm")).as_deref(),
            Some("Kimm Il Sung")
        );
        // Deleting the whole mention, alone or with more, removes it.
        assert_eq!(mapped(s, (3, 14), (3, 14, "")), None);
        assert_eq!(mapped(s, (3, 14), (2, 14, "")), None);
        assert_eq!(mapped(s, (3, 14), (0, 19, "x")), None);
        // Straddling a boundary keeps what survives.
        assert_eq!(
            mapped(s, (3, 14), (0, 7, "by ")).as_deref(),
            Some("Il Sung")
        );
        assert_eq!(mapped(s, (3, 14), (10, 19, "")).as_deref(), Some("Kim Il "));
    }

    #[test]
    fn map_pos_assoc() {
        let c = ChangeSet::replace(10, 4, 4, "abc").unwrap();
        assert_eq!(c.map_pos(4, Assoc::Before), 4);
        assert_eq!(c.map_pos(4, Assoc::After), 7);
        assert_eq!(c.map_pos(3, Assoc::After), 3);
        assert_eq!(c.map_pos(5, Assoc::Before), 8);
        let d = ChangeSet::replace(10, 2, 6, "x").unwrap();
        assert_eq!(d.map_pos(4, Assoc::Before), 2);
        assert_eq!(d.map_pos(4, Assoc::After), 3);
        assert_eq!(d.map_pos(6, Assoc::Before), 3);
        assert_eq!(d.map_pos(9, Assoc::Before), 6);
    }

    #[test]
    fn canonical_and_invert() {
        let mut c = ChangeSet::new();
        c.retain(2);
        c.insert("xy");
        c.delete(3);
        c.retain(1);
        assert_eq!(
            c.ops(),
            &[
                Operation::Retain(2),
                Operation::Delete(3),
                Operation::Insert("xy".into()),
                Operation::Retain(1)
            ]
        );
        let t = text("абвгде");
        let n = c.apply(&t).unwrap();
        assert_eq!(n.as_str(), "абxyе");
        let inv = c.invert(&t).unwrap();
        assert_eq!(inv.apply(&n).unwrap().as_str(), t.as_str());
        assert_eq!(
            c.apply(&text("abc")),
            Err(ChangeError::LengthMismatch {
                expected: 6,
                found: 3
            })
        );
    }

    #[test]
    fn inserted_crlf_is_normalized() {
        let t = text("a\nb");
        let c = ChangeSet::replace(3, 1, 1, "\r\nx\r").unwrap();
        assert_eq!(c.apply(&t).unwrap().as_str(), "a\nx\n\nb");
        assert_eq!(c.len_after(), 6);
    }

    #[test]
    fn untouched_anchor_keeps_quote_and_shifts() {
        let body = "x".repeat(100);
        let t = text(&format!("{body} Mao Zedong {body}"));
        let a = TextAnchor::span(&t, 105, 111).unwrap();
        let c = ChangeSet::replace(t.len_chars(), 0, 0, "Ж").unwrap();
        let n = c.apply(&t).unwrap();
        let m = c.map_anchor(&a, &n).unwrap();
        assert_eq!(m.fragments, vec![Span::new(106, 112)]);
        assert_eq!(m.check(&n), AnchorCheck::Ok);
        assert_eq!(m.quote, a.quote);
    }

    #[test]
    fn mapper_shifts_untouched_anchors_like_map_anchor() {
        let body = "y".repeat(80);
        let t = text(&format!("{body} Mao {body} Жуков {body}"));
        let mao = TextAnchor::span(&t, 81, 84).unwrap();
        let zhukov = TextAnchor::span(&t, 166, 171).unwrap();
        // Far from both, then inside Mao's context, then at Zhukov's start.
        for (at, touches_mao, touches_zhukov) in
            [(0, false, false), (110, true, false), (166, false, true)]
        {
            let c = ChangeSet::replace(t.len_chars(), at, at, "ёж").unwrap();
            let n = c.apply(&t).unwrap();
            let m = c.mapper();
            for (a, touched) in [(&mao, touches_mao), (&zhukov, touches_zhukov)] {
                assert_eq!(m.touches(a), touched, "edit at {at}");
                if !touched {
                    let mut shifted = a.clone();
                    m.shift(&mut shifted);
                    assert_eq!(Some(shifted), c.map_anchor(a, &n));
                }
            }
        }
    }

    fn unicode_text() -> impl Strategy<Value = String> {
        "(\\PC|\r\n|\n|e\u{301}|한국|毛泽东|Жуков|😀👍🏽|  ){1,120}"
    }

    fn piece() -> impl Strategy<Value = String> {
        "(\\PC|\r\n|\n|e\u{301}|한|毛|Ж|😀){0,6}"
    }

    proptest! {
        #[test]
        fn random_changes_keep_every_quote_true(
            src in unicode_text(),
            spans in prop::collection::vec((0usize..400, 1usize..20), 1..12),
            steps in prop::collection::vec(prop::collection::vec((0usize..400, 0usize..8, piece()), 1..4), 1..6),
        ) {
            let mut t = text(&src);
            let n = t.len_chars();
            prop_assume!(n > 0);
            let mut anchors: Vec<TextAnchor> = spans
                .iter()
                .filter_map(|(s, l)| {
                    let s = s % n;
                    TextAnchor::span(&t, s, (s + l).min(n)).ok()
                })
                .collect();
            let original = t.clone();
            let mut undo: Vec<(ChangeSet, SourceText)> = Vec::new();
            for step in steps {
                let len = t.len_chars();
                let mut edits: Vec<(usize, usize, String)> = Vec::new();
                let mut at = 0;
                let mut raw: Vec<(usize, usize, String)> = step
                    .into_iter()
                    .map(|(p, l, s)| (p % (len + 1), l, s))
                    .collect();
                raw.sort_by_key(|e| e.0);
                for (p, l, s) in raw {
                    if p < at { continue; }
                    let end = (p + l).min(len);
                    edits.push((p, end, s));
                    at = end;
                }
                let c = ChangeSet::from_replacements(len, &edits).unwrap();
                let next = c.apply(&t).unwrap();
                prop_assert_eq!(next.len_chars(), c.len_after());
                let mapped = c.map_anchors(anchors.iter(), &next);
                let refs: Vec<&TextAnchor> = anchors.iter().collect();
                prop_assert_eq!(&c.map_anchors_from_old(&refs, &t).unwrap(), &mapped);
                // Anchors the change does not touch shift exactly as they map.
                let m = c.mapper();
                for (a, mapped) in anchors.iter().zip(&mapped) {
                    if !m.touches(a) {
                        let mut shifted = a.clone();
                        m.shift(&mut shifted);
                        prop_assert_eq!(Some(&shifted), mapped.as_ref());
                    }
                }
                // One-by-one mapping agrees with the batch.
                for (a, m) in anchors.iter().zip(&mapped) {
                    prop_assert_eq!(&c.map_anchor(a, &next), m);
                }
                anchors = mapped.into_iter().flatten().collect();
                for a in &anchors {
                    prop_assert_eq!(a.check(&next), AnchorCheck::Ok);
                    prop_assert_eq!(a, &TextAnchor::new(&next, &a.fragments).unwrap());
                }
                undo.push((c.invert(&t).unwrap(), next.clone()));
                t = next;
            }
            for (inv, after) in undo.into_iter().rev() {
                prop_assert_eq!(after.as_str(), t.as_str());
                t = inv.apply(&t).unwrap();
            }
            prop_assert_eq!(t.as_str(), original.as_str());
            prop_assert_eq!(t.to_original_line_endings(), original.to_original_line_endings());
        }

        #[test]
        fn map_pos_is_monotonic(src in unicode_text(), p in 0usize..400, l in 0usize..10, ins in piece()) {
            let t = text(&src);
            let n = t.len_chars();
            let start = p % (n + 1);
            let c = ChangeSet::replace(n, start, (start + l).min(n), &ins).unwrap();
            let (mut last_b, mut last_a) = (0, 0);
            for pos in 0..=n {
                let b = c.map_pos(pos, Assoc::Before);
                let a = c.map_pos(pos, Assoc::After);
                prop_assert!(b <= a && last_b <= b && last_a <= a && a <= c.len_after());
                (last_b, last_a) = (b, a);
            }
            prop_assert_eq!(c.map_pos(n, Assoc::After), c.len_after());
        }
    }
}
