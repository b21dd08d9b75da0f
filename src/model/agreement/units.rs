//! Character units: every non-whitespace code point of a document is a unit; an annotator's
//! label for it is the type of the innermost of their mentions covering it — the one with
//! the fewest code points, then the earliest start, then the type id — or "none".

use super::spans::Mention;
use super::{Labels, Study, mentions};

/// Each code point's label (0 = none) over a text of `len` code points.
pub(crate) fn paint(len: usize, mentions: &[Mention]) -> Vec<u16> {
    let mut out = vec![0u16; len];
    let key = |m: &Mention| {
        let size: usize = m.fragments.iter().map(|f| f.len()).sum();
        let start = m.fragments.first().map_or(0, |f| f.start);
        (size, start, m.label)
    };
    let mut order: Vec<(usize, usize, u16, usize)> = mentions
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let (s, st, l) = key(m);
            (s, st, l, i)
        })
        .collect();
    // Paint the outermost first, so the innermost (smallest key) is painted last and wins.
    order.sort_unstable_by_key(|x| std::cmp::Reverse((x.0, x.1, x.2)));
    for (_, _, label, i) in order {
        for f in mentions[i].fragments {
            let end = f.end.min(len);
            if f.start < end {
                out[f.start..end].fill(label);
            }
        }
    }
    out
}

/// Writes the unit table, one row per unit and annotator who annotated its document:
/// `document,offset,annotator,label` (document id, code-point offset, annotator name, type
/// id or `none`), documents in study order, then offset, then annotator. Returns the rows.
pub fn write_csv(study: &Study, labels: &Labels, out: impl std::io::Write) -> csv::Result<u64> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["document", "offset", "annotator", "label"])?;
    let mut rows = 0;
    for doc in &study.documents {
        let id = doc.id.to_string();
        let len = doc.text.len_chars();
        let painted: Vec<Option<Vec<u16>>> = doc
            .versions
            .iter()
            .map(|v| v.as_ref().map(|v| paint(len, &mentions(v, labels))))
            .collect();
        let mut offset_buf = itoa_buf();
        for (offset, c) in doc.text.as_str().chars().enumerate() {
            if c.is_whitespace() {
                continue;
            }
            let off = offset_buf.format(offset);
            for (a, p) in painted.iter().enumerate() {
                if let Some(p) = p {
                    let label = &labels.names[p[offset] as usize];
                    w.write_record([id.as_str(), off, &study.annotators[a], label])?;
                    rows += 1;
                }
            }
        }
    }
    w.flush()?;
    Ok(rows)
}

/// A small integer formatter reusing one buffer.
struct OffsetBuf(String);

fn itoa_buf() -> OffsetBuf {
    OffsetBuf(String::with_capacity(12))
}

impl OffsetBuf {
    fn format(&mut self, n: usize) -> &str {
        use std::fmt::Write as _;
        self.0.clear();
        let _ = write!(self.0, "{n}");
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;

    #[test]
    fn the_innermost_mention_labels_a_code_point() {
        // "Comrade Stalin": org [0,14) around person [8,14); a crossing place [5,10).
        let (outer, inner, cross) = (
            vec![Span::new(0, 14)],
            vec![Span::new(8, 14)],
            vec![Span::new(5, 10)],
        );
        let ms = [
            Mention {
                label: 1,
                fragments: &outer,
                entry: None,
            },
            Mention {
                label: 2,
                fragments: &inner,
                entry: None,
            },
            Mention {
                label: 3,
                fragments: &cross,
                entry: None,
            },
        ];
        let p = paint(16, &ms);
        assert_eq!(&p[0..5], &[1; 5]);
        // [5,8): only the crossing place (5 long) and the org (14) cover it.
        assert_eq!(&p[5..8], &[3; 3]);
        // [8,10): person (6) and place (5) both cover it: the place is shorter.
        assert_eq!(&p[8..10], &[3; 2]);
        assert_eq!(&p[10..14], &[2; 4]);
        assert_eq!(&p[14..16], &[0; 2]);
    }

    #[test]
    fn ties_go_to_the_earliest_start_then_the_type_id() {
        let (a, b) = (vec![Span::new(0, 4)], vec![Span::new(2, 6)]);
        let p = paint(
            6,
            &[
                Mention {
                    label: 2,
                    fragments: &b,
                    entry: None,
                },
                Mention {
                    label: 1,
                    fragments: &a,
                    entry: None,
                },
            ],
        );
        // Same length: [2,4) goes to the one starting earlier.
        assert_eq!(p, vec![1, 1, 1, 1, 2, 2]);
        let p = paint(
            4,
            &[
                Mention {
                    label: 2,
                    fragments: &a,
                    entry: None,
                },
                Mention {
                    label: 1,
                    fragments: &a,
                    entry: None,
                },
            ],
        );
        // Same span: the smaller type id.
        assert_eq!(p, vec![1, 1, 1, 1]);
    }

    #[test]
    fn a_discontinuous_mention_covers_its_fragments_only() {
        let f = vec![Span::new(0, 2), Span::new(5, 7)];
        let p = paint(
            8,
            &[Mention {
                label: 1,
                fragments: &f,
                entry: None,
            }],
        );
        assert_eq!(p, vec![1, 1, 0, 0, 0, 1, 1, 0]);
    }
}
