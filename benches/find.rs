//! Find as you type on a 4 MB document: folding the document once (when find first runs on
//! it, and again after each change to the project), then each keystroke of "Kaesong" and of
//! "résumé" typed letter by letter, searched with `FindIndex::search`, whole words off and
//! on. The old way (`find_occurrences`, a copy of the document per keystroke) is measured
//! beside it.
//!
//! Then a text edit with the find bar open: one character typed at the start, in the middle
//! and at the end of the document, and the index following it (`FindIndex::follow`: only
//! the changed stretch is refolded) and the hits found again around it
//! (`FindIndex::search_since`), against folding again and searching the whole document;
//! for "Kaesong" (hits all over) and "Wonsan" (no hit).
//!
//! Run with `cargo bench --bench find`. Prints the fold time and, per query, the median and
//! worst keystroke. Target: each keystroke within one frame, 16 ms.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use marginalia::model::ops::tagging::{FindOptions, find_occurrences};
use marginalia::model::query::find::{FindIndex, Found};
use marginalia::model::text::SourceText;
use std::time::{Duration, Instant};
use support::Rng;

const BYTES: usize = 4 << 20;

const WORDS: &[&str] = &[
    "the",
    "meeting",
    "resumed",
    "Comrade",
    "FILIPPOV",
    "Kaesong",
    "Panmunjom",
    "Ли",
    "李克农",
    "김일성",
    "re\u{301}sume\u{301}",
    "Pérez",
    "delegation",
    "of",
    "and",
    "armistice",
];

fn document() -> SourceText {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut s = String::with_capacity(BYTES + 64);
    let mut line = 0;
    while s.len() < BYTES {
        let w: &&str = rng.pick(WORDS);
        s.push_str(w);
        line += 1;
        s.push(if line % 14 == 0 { '\n' } else { ' ' });
    }
    SourceText::from_str_normalizing(&s)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn keystrokes(label: &str, query: &str, mut search: impl FnMut(&str) -> usize) {
    let mut times = Vec::new();
    let mut hits = 0;
    let chars: Vec<char> = query.chars().collect();
    for n in 1..=chars.len() {
        let q: String = chars[..n].iter().collect();
        let t = Instant::now();
        hits = search(&q);
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "{label:<44} median {:7.2} ms  worst {:7.2} ms  ({} keystrokes, {hits} hits at the end)",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len()
    );
}

fn main() {
    let text = document();
    println!(
        "find: one document of {:.1} MB, {} code points",
        text.as_str().len() as f64 / 1e6,
        text.len_chars()
    );
    let t = Instant::now();
    let idx = FindIndex::new(&text, false);
    println!(
        "fold once (case folded)                      {:7.2} ms",
        ms(t.elapsed())
    );
    let t = Instant::now();
    let cased = FindIndex::new(&text, true);
    println!(
        "fold once (match case)                       {:7.2} ms",
        ms(t.elapsed())
    );
    for q in ["Kaesong", "résumé"] {
        keystrokes(&format!("index, {q}, anywhere"), q, |q| {
            idx.search(q, false).hits.len()
        });
        keystrokes(&format!("index, {q}, whole words"), q, |q| {
            idx.search(q, true).hits.len()
        });
        keystrokes(&format!("index, {q}, match case, whole words"), q, |q| {
            cased.search(q, true).hits.len()
        });
        keystrokes(&format!("old find_occurrences, {q}, whole words"), q, |q| {
            find_occurrences(&text, q, FindOptions::default()).len()
        });
    }
    // A query with hits all over, and one with none (its search reads the whole text).
    for q in ["Kaesong", "Wonsan"] {
        follow_edits(&text, &idx, q);
    }
}

/// One character typed (then deleted again) at the start, middle and end of `text`, and
/// the index and the hits of `query` brought up to it, 41 times per place.
fn follow_edits(text: &SourceText, idx: &FindIndex, query: &str) {
    const RUNS: usize = 41;
    let len = text.len_chars();
    for (place, at) in [("start", 0), ("middle", len / 2), ("end", len)] {
        let mut t = text.clone();
        // Made anew, not cloned: a clone has no room to grow, as the one the window makes has.
        let mut idx = FindIndex::new(&t, idx.case_sensitive());
        let mut found: Found = idx.search(query, false);
        let (mut follow, mut again, mut refold) = (vec![], vec![], vec![]);
        for k in 0..RUNS {
            if k % 2 == 0 {
                t.replace_range(at, at, "K").unwrap();
            } else {
                t.replace_range(at, at + 1, "").unwrap();
            }
            let v = idx.version();
            let s = Instant::now();
            idx.follow(&t);
            follow.push(s.elapsed());
            let s = Instant::now();
            found = idx.search_since(query, false, Some((v, &found)));
            again.push(s.elapsed());
            let s = Instant::now();
            let fresh = FindIndex::new(&t, false);
            let fresh = fresh.search(query, false);
            refold.push(s.elapsed());
            assert_eq!(found, fresh);
        }
        for v in [&mut follow, &mut again, &mut refold] {
            v.sort();
        }
        println!(
            "{query}, edit at the {place:<6}: follow median {:6.2} ms worst {:6.2} ms; hits again median {:6.2} ms \
             worst {:6.2} ms; before (fold + search) median {:6.2} ms",
            ms(follow[RUNS / 2]),
            ms(follow[RUNS - 1]),
            ms(again[RUNS / 2]),
            ms(again[RUNS - 1]),
            ms(refold[RUNS / 2]),
        );
    }
}
