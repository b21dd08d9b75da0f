//! CoNLL-2003 style export: one token per line, `TOKEN _ _ TAG`, with IOB2 tags
//! (`B-PER`, `I-PER`, `O`); each document starts with `-DOCSTART- -X- O O` and sentences
//! are separated by blank lines.
//!
//! Tokens and sentences follow Unicode text segmentation (UAX #29): words split at word
//! boundaries (each CJK ideograph is a token), sentences at sentence boundaries and line
//! breaks. CoNLL cannot nest, so when mentions overlap **the outermost wins**: mentions are
//! taken by start, longest first, and one overlapping an earlier-taken mention is left out.
//! A discontinuous mention tags the tokens of each fragment, each fragment starting with
//! `B-`; the tokens in its gaps are `O`. A token partly inside a fragment takes its tag.

use super::common::ner_label;
use super::export::{
    ExportError, ExportReport, Exporter, Output, Part, Progress, omission, omit_parts,
};
use crate::model::{Annotation, Body, Document, Project};
use std::fmt::Write as _;
use unicode_segmentation::UnicodeSegmentation;

/// Writes `documents.conll`.
pub struct ConllExporter;

/// One fragment of a mention that won its place.
struct Frag {
    start: usize,
    end: usize,
    label: String,
    /// Index of the mention among the kept ones.
    mention: usize,
}

/// What CoNLL leaves out of `doc`: mentions inside or crossing a kept one, every mention's
/// registry link, date, attributes, note, certainty and annotator, and all events and
/// relations.
fn omissions(project: &Project, doc: &Document, omitted: &mut Vec<String>) {
    const CONLL: &str = "CoNLL";
    let mut mentions: Vec<(&Annotation, crate::model::Span)> = doc
        .annotations
        .values()
        .filter_map(|a| a.as_mention().map(|m| (a, m.anchor.extent())))
        .collect();
    mentions.sort_by_key(|(_, e)| (e.start, std::cmp::Reverse(e.end)));
    let mut covered_to = 0;
    for (a, e) in mentions {
        if e.start < covered_to || e.is_empty() {
            omitted.push(omission(
                CONLL,
                "a mention overlapping an outer one, or empty",
                project,
                doc,
                a,
            ));
            continue;
        }
        covered_to = e.end;
        omit_parts(
            omitted,
            CONLL,
            &[
                Part::Entry,
                Part::Date,
                Part::Attributes,
                Part::Note,
                Part::Certainty,
                Part::Annotator,
            ],
            project,
            doc,
            a,
        );
    }
    for a in doc.annotations.values() {
        match &a.body {
            Body::Event(_) => omitted.push(omission(CONLL, "an event", project, doc, a)),
            Body::Relation(_) => omitted.push(omission(CONLL, "a relation", project, doc, a)),
            Body::Mention(_) => {}
        }
    }
}

/// The fragments of the mentions kept under "outermost wins", in text order.
fn kept_fragments(doc: &Document) -> Vec<Frag> {
    let mut mentions: Vec<_> = doc
        .annotations
        .values()
        .filter_map(|a| a.as_mention())
        .collect();
    mentions.sort_by_key(|m| {
        let e = m.anchor.extent();
        (e.start, std::cmp::Reverse(e.end))
    });
    let mut out = Vec::new();
    let mut covered_to = 0;
    let mut kept = 0;
    for m in mentions {
        let e = m.anchor.extent();
        if e.start < covered_to || e.is_empty() {
            continue;
        }
        covered_to = e.end;
        let label = ner_label(&m.type_id);
        let mention = kept;
        kept += 1;
        out.extend(m.anchor.fragments.iter().map(|f| Frag {
            start: f.start,
            end: f.end,
            label: label.clone(),
            mention,
        }));
    }
    out
}

/// Code-point offsets where sentences start (after the first), leaving out any that falls
/// inside a kept mention, so no mention is cut by a sentence break.
fn sentence_starts(text: &str, frags: &[Frag]) -> Vec<usize> {
    let mut out = Vec::new();
    let (mut last_byte, mut last_char) = (0usize, 0usize);
    for (b, _) in text.split_sentence_bound_indices().skip(1) {
        last_char += text[last_byte..b].chars().count();
        last_byte = b;
        out.push(last_char);
    }
    // Extents of kept mentions (fragments of one mention are adjacent in `frags`).
    let mut extents: Vec<(usize, usize, usize)> = Vec::new();
    for f in frags {
        match extents.last_mut() {
            Some(last) if f.mention == last.2 => last.1 = f.end,
            _ => extents.push((f.start, f.end, f.mention)),
        }
    }
    // Kept mentions are disjoint and sorted, so the one that could hold `b` is the last
    // starting before it.
    out.retain(|&b| {
        let i = extents.partition_point(|&(s, _, _)| s < b);
        i == 0 || extents[i - 1].1 <= b
    });
    out
}

/// The CoNLL text of one document, `-DOCSTART-` line included.
pub fn document_conll(doc: &Document) -> String {
    let text = doc.text_or_empty().as_str();
    let frags = kept_fragments(doc);
    let starts = sentence_starts(text, &frags);
    let mut out = String::from("-DOCSTART- -X- O O\n\n");
    let (mut last_byte, mut last_char) = (0usize, 0usize);
    let (mut fi, mut si) = (0, 0);
    let mut tagged_frag: Option<usize> = None;
    let mut in_sentence = false;
    for (byte, word) in text.split_word_bound_indices() {
        if word.trim().is_empty() {
            continue;
        }
        last_char += text[last_byte..byte].chars().count();
        last_byte = byte;
        let (ts, te) = (last_char, last_char + word.chars().count());
        while si < starts.len() && starts[si] <= ts {
            if in_sentence {
                out.push('\n');
                in_sentence = false;
            }
            si += 1;
        }
        while fi < frags.len() && frags[fi].end <= ts {
            fi += 1;
        }
        let tag = match frags.get(fi) {
            Some(f) if f.start < te => {
                let prefix = if tagged_frag == Some(fi) { "I" } else { "B" };
                tagged_frag = Some(fi);
                format!("{prefix}-{}", f.label)
            }
            _ => "O".to_owned(),
        };
        let _ = writeln!(out, "{word} _ _ {tag}");
        in_sentence = true;
    }
    if in_sentence {
        out.push('\n');
    }
    out
}

impl Exporter for ConllExporter {
    fn id(&self) -> &'static str {
        "conll"
    }

    fn label(&self) -> &'static str {
        "CoNLL-2003 (IOB)"
    }

    fn write(
        &self,
        project: &Project,
        output: &mut Output,
        progress: Progress<'_>,
    ) -> Result<ExportReport, ExportError> {
        let mut out = String::new();
        let n = project.documents.len().max(1);
        progress(0.0);
        let mut omitted = Vec::new();
        for (i, doc) in project.documents.values().enumerate() {
            out.push_str(&document_conll(doc));
            super::export::omit_archival(&mut omitted, "CoNLL", doc);
            super::facs::omit_facsimile(&mut omitted, "CoNLL", project, doc);
            omissions(project, doc, &mut omitted);
            progress((i + 1) as f32 / n as f32);
        }
        let file = output.add("documents.conll", out.into_bytes())?;
        progress(1.0);
        Ok(ExportReport {
            files: vec![file],
            omitted,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Slug;
    use crate::model::{Annotation, Body, Mention, SourceText, Span, TextAnchor};

    fn doc(text: &str, mentions: &[(&str, &[(usize, usize)])]) -> Document {
        let t = SourceText::from_str_normalizing(text);
        let mut d = Document {
            meta: crate::model::DocumentMeta {
                id: crate::model::DocId::new(),
                title: "t".into(),
                source: None,
                images: vec![],
                status: Default::default(),
                archival: Default::default(),
            },
            text: Some(t.clone()),
            annotations: Default::default(),
        };
        for (ty, spans) in mentions {
            let spans: Vec<Span> = spans.iter().map(|&(a, b)| Span::new(a, b)).collect();
            let a = Annotation::new(Body::Mention(Mention {
                type_id: Slug::new(*ty),
                anchor: TextAnchor::new(&t, &spans).unwrap(),
                entry: None,
                date: None,
            }));
            d.annotations.insert(a.id, a);
        }
        d
    }

    #[test]
    fn outermost_wins_and_sentences_split() {
        // "Kim Il Sung" (person) contains "Il" tagged as place: the person wins.
        let d = doc(
            "Kim Il Sung met 毛泽东. Then left.",
            &[
                ("person", &[(0, 11)]),
                ("place", &[(4, 6)]),
                ("person", &[(16, 19)]),
            ],
        );
        let c = document_conll(&d);
        let expect = "-DOCSTART- -X- O O\n\nKim _ _ B-PER\nIl _ _ I-PER\nSung _ _ I-PER\nmet _ _ O\n毛 _ _ B-PER\n泽 _ _ I-PER\n东 _ _ I-PER\n. _ _ O\n\nThen _ _ O\nleft _ _ O\n. _ _ O\n\n";
        assert_eq!(c, expect);
    }

    #[test]
    fn no_sentence_break_inside_a_mention() {
        // Unicode sentence rules break after "No. " here (a capital follows the number).
        let d = doc(
            "Cable No. 21677 Sent today. Next one.",
            &[("docref", &[(6, 15)])],
        );
        let c = document_conll(&d);
        assert!(
            c.contains("No _ _ B-DOCREF\n. _ _ I-DOCREF\n21677 _ _ I-DOCREF\nSent _ _ O\ntoday _ _ O\n. _ _ O\n\nNext"),
            "{c}"
        );
    }

    #[test]
    fn discontinuous_fragments_restart_with_b() {
        let d = doc("Kim and Peng said", &[("person", &[(0, 3), (8, 12)])]);
        let c = document_conll(&d);
        assert!(
            c.contains("Kim _ _ B-PER\nand _ _ O\nPeng _ _ B-PER\nsaid _ _ O\n"),
            "{c}"
        );
    }
}
