//! Re-anchoring and position-mapping benchmark: a 4 MB document with 50,000 annotations.
//!
//! Run with `cargo bench --bench reanchor`. The text is made of the words of the FRUS
//! excerpt in tests/fixtures (shuffled into sentences and paragraphs, so contexts rarely
//! repeat, as in a real document); annotations are one to three words long. Prints:
//! - re-anchoring all 50,000 after an outside change (scattered word corrections, inserted
//!   sentences), and after a change of line endings only; target ≤ 1 s;
//! - one keystroke: building the change, applying it to the 4 MB text, and mapping every
//!   anchor through it; target ≤ 16 ms.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use marginalia::model::anchor::TextAnchor;
use marginalia::model::changeset::ChangeSet;
use marginalia::model::reanchor::{Options, Tally, reanchor_anchors};
use marginalia::model::{SourceText, Span};
use std::time::{Duration, Instant};

#[path = "support/mod.rs"]
mod support;
use support::Rng;

const TEXT_BYTES: usize = 4_000_000;
const ANNOTATIONS: usize = 50_000;

fn build_text(rng: &mut Rng) -> String {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/reanchor/frus1936v03-excerpt.txt"
    );
    let src = std::fs::read_to_string(fixture)
        .unwrap_or_else(|e| panic!("cannot read the benchmark's word source {fixture}: {e}"));
    let words: Vec<&str> = src.split_whitespace().collect();
    let mut out = String::with_capacity(TEXT_BYTES + 1000);
    while out.len() < TEXT_BYTES {
        let sentence = 5 + rng.below(20);
        for i in 0..sentence {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(words[rng.below(words.len())]);
        }
        out.push_str(if rng.below(6) == 0 { ".\n\n" } else { ". " });
    }
    out
}

/// Word starts and ends (code points).
fn words(text: &SourceText) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.as_str().chars().enumerate() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Span::new(s, i));
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn anchors(text: &SourceText, rng: &mut Rng) -> Vec<TextAnchor> {
    let w = words(text);
    let step = w.len() / ANNOTATIONS;
    (0..ANNOTATIONS)
        .map(|i| {
            let k = i * step + rng.below(step.saturating_sub(3).max(1));
            let n = 1 + rng.below(3);
            TextAnchor::span(text, w[k].start, w[(k + n - 1).min(w.len() - 1)].end).unwrap()
        })
        .collect()
}

/// An outside change: 500 word corrections and 50 inserted sentences, scattered.
fn outside_change(text: &SourceText, rng: &mut Rng) -> ChangeSet {
    let w = words(text);
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for _ in 0..500 {
        let s = w[rng.below(w.len())];
        let word: String = text.slice(s.start, s.end).chars().rev().collect();
        edits.push((s.start, s.end, word));
    }
    for _ in 0..50 {
        let s = w[rng.below(w.len())];
        edits.push((
            s.start,
            s.start,
            "A sentence restored from the archive copy. ".into(),
        ));
    }
    edits.sort_by_key(|e| (e.0, e.1));
    edits.dedup_by(|b, a| b.0 < a.1 || b.0 == a.0);
    ChangeSet::from_replacements(text.len_chars(), &edits).unwrap()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let mut rng = Rng(0x5EED_2026);
    let text = SourceText::from_str_normalizing(&build_text(&mut rng));
    let anchors = anchors(&text, &mut rng);
    let refs: Vec<&TextAnchor> = anchors.iter().collect();
    println!(
        "document: {} bytes, {} characters, {} annotations",
        text.as_str().len(),
        text.len_chars(),
        anchors.len()
    );

    // Re-anchoring after an outside change.
    let change = outside_change(&text, &mut rng);
    let changed = change.apply(&text).unwrap();
    let mut times = Vec::new();
    let mut tally = Tally::default();
    for _ in 0..5 {
        let t = Instant::now();
        let out = reanchor_anchors(&changed, &refs, Options::default());
        times.push(t.elapsed());
        tally = Tally::default();
        out.iter().for_each(|o| tally.add(o));
    }
    println!(
        "re-anchor 50,000 after 500 word corrections + 50 sentences: {:.1} ms (median of 5; target ≤ 1000 ms); unchanged {}, moved {}, review {}, orphaned {}",
        ms(median(times)),
        tally.unchanged,
        tally.moved,
        tally.review,
        tally.orphaned
    );
    let truth_right = anchors
        .iter()
        .zip(reanchor_anchors(&changed, &refs, Options::default()))
        .filter(|(a, o)| match (change.map_anchor(a, &changed), o) {
            (Some(t), marginalia::model::reanchor::Outcome::Moved(m)) => t.fragments == m.fragments,
            (Some(t), marginalia::model::reanchor::Outcome::Unchanged) => {
                t.fragments == a.fragments
            }
            _ => false,
        })
        .count();
    println!("  placed exactly right: {truth_right} of {}", anchors.len());

    let crlf = SourceText::from_str_normalizing(&text.as_str().replace('\n', "\r\n"));
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let out = reanchor_anchors(&crlf, &refs, Options::default());
        times.push(t.elapsed());
        assert!(
            out.iter()
                .all(|o| *o == marginalia::model::reanchor::Outcome::Unchanged)
        );
    }
    println!(
        "re-anchor 50,000 after a change of line endings only: {:.1} ms (median of 5)",
        ms(median(times))
    );

    // One keystroke in the middle of the document.
    let mut build = Vec::new();
    let mut apply = Vec::new();
    let mut map = Vec::new();
    let mut total = Vec::new();
    for i in 0..21 {
        let at = text.len_chars() / 2 + i * 7;
        let t0 = Instant::now();
        let c = ChangeSet::replace(text.len_chars(), at, at, "x").unwrap();
        let t1 = Instant::now();
        let next = c.apply(&text).unwrap();
        let t2 = Instant::now();
        let mapped = c.map_anchors(anchors.iter(), &next);
        let t3 = Instant::now();
        assert_eq!(mapped.len(), anchors.len());
        build.push(t1 - t0);
        apply.push(t2 - t1);
        map.push(t3 - t2);
        total.push(t3 - t0);
    }
    println!(
        "one keystroke in 4 MB with 50,000 anchors: {:.2} ms total (median of 21; target ≤ 16 ms): change {:.3} ms, apply to text {:.2} ms, map every anchor {:.2} ms",
        ms(median(total)),
        ms(median(build)),
        ms(median(apply)),
        ms(median(map))
    );
}
