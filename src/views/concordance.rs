//! Key word in context (KWIC) for a registry entry, an entity type or a search string, and
//! statistics per type, document and annotator.

use super::Link;
use crate::model::registry::fold;
use crate::model::{Body, DocId, DocStatus, EntryId, Project, Slug};
use serde::Serialize;
use std::collections::BTreeMap;

/// What to list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KwicQuery {
    /// Every mention linked to the entry.
    Entry(EntryId),
    /// Every mention of the entity type.
    Type(Slug),
    /// Every occurrence of the text (ignoring case and combining marks), annotated or not;
    /// a match inside a mention links to it.
    Search(String),
}

/// How to sort the lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KwicSort {
    /// By document title, then position.
    #[default]
    Document,
    /// By the words just before the keyword, read backwards.
    Left,
    /// By the words just after the keyword.
    Right,
    /// By the document's date (undated last), then document and position.
    Date,
}

/// One line of a concordance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KwicLine {
    /// The document and, for a mention, its annotation.
    pub link: Link,
    pub doc_title: String,
    /// The document's date (its archival date), if any.
    pub date: Option<String>,
    /// Code-point offsets of the keyword, `[start, end)`.
    pub start: usize,
    pub end: usize,
    /// Context on one line: newlines become spaces.
    pub left: String,
    pub keyword: String,
    pub right: String,
}

/// Lists the occurrences `query` asks for with `width` characters of context on each side.
pub fn kwic(project: &Project, query: &KwicQuery, width: usize, sort: KwicSort) -> Vec<KwicLine> {
    let mut out = Vec::new();
    let needle: Vec<char> = match query {
        KwicQuery::Search(s) => fold(s).chars().collect(),
        _ => Vec::new(),
    };
    for doc in project.documents.values() {
        let text = doc.text_or_empty();
        let date = doc
            .meta
            .archival
            .date
            .as_ref()
            .and_then(|d| d.sort_key().map(str::to_owned));
        let chars: Vec<char> = text.as_str().chars().collect();
        let mut line = |start: usize, end: usize, ann| {
            let start = start.min(chars.len());
            let end = end.clamp(start, chars.len());
            let flat = |s: &[char]| -> String {
                s.iter()
                    .map(|&c| if c == '\n' || c == '\t' { ' ' } else { c })
                    .collect()
            };
            out.push(KwicLine {
                link: Link { doc: doc.id(), ann },
                doc_title: doc.meta.title.clone(),
                date: date.clone(),
                start,
                end,
                left: flat(&chars[start.saturating_sub(width)..start]),
                keyword: flat(&chars[start..end]),
                right: flat(&chars[end..(end + width).min(chars.len())]),
            });
        };
        match query {
            KwicQuery::Entry(_) | KwicQuery::Type(_) => {
                for a in doc.annotations.values() {
                    let Body::Mention(m) = &a.body else { continue };
                    let hit = match query {
                        KwicQuery::Entry(e) => m.entry == Some(*e),
                        KwicQuery::Type(t) => &m.type_id == t,
                        KwicQuery::Search(_) => false,
                    };
                    if hit {
                        let x = m.anchor.extent();
                        line(x.start, x.end, Some(a.id));
                    }
                }
            }
            KwicQuery::Search(_) => {
                if needle.is_empty() {
                    continue;
                }
                let (folded, at) = fold_with_offsets(&chars);
                let mut i = 0;
                while i + needle.len() <= folded.len() {
                    if folded[i] == needle[0] && folded[i..i + needle.len()] == needle[..] {
                        let start = at[i];
                        let mut end = at[i + needle.len() - 1] + 1;
                        // Take trailing combining marks with the match.
                        while chars.get(end).is_some_and(|&c| is_mark(c)) {
                            end += 1;
                        }
                        // Link the mention the match lies in, when one does.
                        let ann = doc
                            .annotations_in(start, end)
                            .filter(|a| a.as_mention().is_some())
                            .find(|a| {
                                a.anchor().is_some_and(|an| {
                                    let x = an.extent();
                                    x.start <= start && end <= x.end
                                })
                            })
                            .map(|a| a.id);
                        line(start, end, ann);
                        i += needle.len();
                    } else {
                        i += 1;
                    }
                }
            }
        }
    }
    sort_lines(&mut out, sort);
    out
}

fn is_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// The text folded as [`fold`] folds it (lowercase, combining marks dropped), with the
/// offset in `chars` each folded character comes from.
fn fold_with_offsets(chars: &[char]) -> (Vec<char>, Vec<usize>) {
    let mut folded = Vec::with_capacity(chars.len());
    let mut at = Vec::with_capacity(chars.len());
    // Character by character, exactly as `fold` does it: decompose, drop combining marks,
    // lowercase. (Canonical reordering in a whole-string decomposition moves only marks,
    // which are dropped.)
    let mut buf = [0u8; 4];
    for (i, &c) in chars.iter().enumerate() {
        for l in fold(c.encode_utf8(&mut buf)).chars() {
            folded.push(l);
            at.push(i);
        }
    }
    (folded, at)
}

/// Sorts lines in place; ties keep document then position order.
pub fn sort_lines(lines: &mut [KwicLine], sort: KwicSort) {
    let pos = |l: &KwicLine| (l.doc_title.clone(), l.link.doc, l.start);
    match sort {
        KwicSort::Document => lines.sort_by_key(pos),
        KwicSort::Left => lines.sort_by_cached_key(|l| {
            let rev: String = fold(&l.left).chars().rev().collect();
            (rev.trim_start().to_owned(), pos(l))
        }),
        KwicSort::Right => {
            lines.sort_by_cached_key(|l| (fold(l.right.trim_start()), pos(l)));
        }
        KwicSort::Date => lines.sort_by_cached_key(|l| (l.date.is_none(), l.date.clone(), pos(l))),
    }
}

/// Counts for one document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DocStats {
    pub doc: DocId,
    pub title: String,
    pub status: String,
    pub annotations: usize,
    /// By type id (mentions, events and relations alike).
    pub by_type: BTreeMap<String, usize>,
}

/// Counts for one annotator.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AnnotatorStats {
    pub annotations: usize,
    pub documents: usize,
    pub by_type: BTreeMap<String, usize>,
}

/// Statistics across the project.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Annotations by type id.
    pub by_type: BTreeMap<String, usize>,
    /// Documents by status label ("Done", "Not started" …).
    pub by_status: BTreeMap<String, usize>,
    /// In document title order.
    pub documents: Vec<DocStats>,
    /// By annotator (`resp`); annotations without one are under "".
    pub annotators: BTreeMap<String, AnnotatorStats>,
}

pub fn stats(project: &Project) -> Stats {
    let mut s = Stats::default();
    for st in DocStatus::ALL {
        s.by_status.insert(st.label().to_owned(), 0);
    }
    for doc in project.documents.values() {
        *s.by_status
            .entry(doc.meta.status.label().to_owned())
            .or_insert(0) += 1;
        let mut d = DocStats {
            doc: doc.id(),
            title: doc.meta.title.clone(),
            status: doc.meta.status.label().to_owned(),
            annotations: doc.annotations.len(),
            by_type: BTreeMap::new(),
        };
        let mut seen: Vec<&str> = Vec::new();
        for a in doc.annotations.values() {
            let ty = a.type_id().as_str();
            *d.by_type.entry(ty.to_owned()).or_insert(0) += 1;
            *s.by_type.entry(ty.to_owned()).or_insert(0) += 1;
            let an = s.annotators.entry(a.annotator().to_owned()).or_default();
            an.annotations += 1;
            *an.by_type.entry(ty.to_owned()).or_insert(0) += 1;
            if !seen.contains(&a.annotator()) {
                seen.push(a.annotator());
                an.documents += 1;
            }
        }
        s.documents.push(d);
    }
    s.documents
        .sort_by(|a, b| a.title.cmp(&b.title).then(a.doc.cmp(&b.doc)));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_folds_case_and_marks_but_keeps_offsets() {
        let chars: Vec<char> = "a Re\u{301}sume\u{301}! İx".chars().collect();
        let (folded, at) = fold_with_offsets(&chars);
        let text: String = folded.iter().collect();
        assert_eq!(text, fold("a Re\u{301}sume\u{301}! İx"));
        let i = text.find("resume").unwrap();
        // "resume" starts at "R" (2) and its last "e" is at 8, before the final mark.
        assert_eq!((at[i], at[i + 5]), (2, 8));
        // "İ" decomposes to "I" and a dot above; the dot is dropped, as `fold` drops it.
        let j = folded.iter().position(|&c| c == 'i').unwrap();
        assert_eq!((at[j], at[j + 1]), (12, 13));
    }
}
