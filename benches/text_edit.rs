//! Keystroke latency when correcting a transcription: one document of 4 MB with 50,000
//! mentions; one character typed near the start (every anchor after it shifts), in the
//! middle and at the end, through `ops::text::edit_text` and `History::commit`, then undone.
//!
//! Run with `cargo bench --bench text_edit`. Prints, per place, the median and worst of
//! several runs for building the transaction, committing it and undoing it. Target: build
//! plus commit within one frame, 16 ms.
//!
//! Then the same with the find bar open on a query ("resumed", about 50,000 hits): each
//! keystroke also brings the find index up to the changed text and finds the hits again, as
//! the bar does after each change. Per place, 120 characters typed and as many Backspaces;
//! the median and 99th percentile of build + commit + find. "Before" is the old way (the
//! whole document folded again, then searched), over fewer keystrokes. Target: 16 ms.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use marginalia::model::ops::text::edit_text;
use marginalia::model::query::find::{FindIndex, Found};
use marginalia::model::*;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const BYTES: usize = 4 << 20;
const MENTIONS: usize = 50_000;
const RUNS: usize = 7;

const WORDS: &[&str] = &[
    "the",
    "meeting",
    "resumed",
    "Comrade",
    "FILIPPOV",
    "Panmunjom",
    "Ли",
    "李克农",
    "김일성",
    "re\u{301}sume\u{301}",
];

fn project() -> (Project, DocId) {
    let mut s = String::with_capacity(BYTES + 64);
    let mut i = 0usize;
    while s.len() < BYTES {
        s.push_str(WORDS[i % WORDS.len()]);
        s.push(if i % 11 == 10 { '\n' } else { ' ' });
        i += 1;
    }
    let text = SourceText::from_str_normalizing(&s);
    let len = text.len_chars();
    let step = len / MENTIONS;
    let mut annotations = BTreeMap::new();
    for k in 0..MENTIONS {
        let start = k * step + 1;
        let a = Annotation::new(Body::Mention(Mention {
            type_id: Slug::new("person"),
            anchor: TextAnchor::span(&text, start, start + step / 2).unwrap(),
            entry: None,
            date: None,
        }));
        annotations.insert(a.id, a);
    }
    let meta = DocumentMeta {
        id: DocId::new(),
        title: "big".into(),
        source: Some(SourceInfo {
            path: RelPath::parse("big.txt").unwrap(),
            hash: String::new(),
            line_ending: LineEnding::Lf,
            bom: false,
        }),
        images: vec![],
        status: DocStatus::NotStarted,
        archival: Default::default(),
    };
    let doc = meta.id;
    let mut p = Project::new("bench");
    p.documents.insert(
        doc,
        Document {
            meta,
            text: Some(text),
            annotations,
        },
    );
    (p, doc)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The find bar's query.
const QUERY: &str = "resumed";

/// The median and 99th percentile of `v` (sorted here), in ms.
fn median_p99(v: &mut [Duration]) -> (f64, f64) {
    v.sort();
    let p99 = ((v.len() as f64 * 0.99).ceil() as usize).clamp(1, v.len()) - 1;
    (ms(v[v.len() / 2]), ms(v[p99]))
}

/// Keystrokes at code point `at` with the find bar open: `typed` characters typed there, then
/// as many Backspaces. `incremental`: the index follows the edit and the hits are found again
/// around it (now); else the document is folded again and searched (before). Returns the
/// times of build + commit + find, and of the find part alone.
fn keystrokes_with_find(
    p: &mut Project,
    h: &mut History,
    doc: DocId,
    at: usize,
    typed: usize,
    incremental: bool,
) -> (Vec<Duration>, Vec<Duration>) {
    let mut idx = FindIndex::new(p.documents[&doc].text.as_ref().unwrap(), false);
    let mut found: Found = idx.search(QUERY, false);
    let mut version = idx.version();
    let (mut total, mut find) = (vec![], vec![]);
    let chars: Vec<char> = "the meeting resumed ".chars().collect();
    let mut caret = at;
    for k in 0..2 * typed {
        let t = Instant::now();
        let tx = if k < typed {
            let c = chars[k % chars.len()].to_string();
            caret += 1;
            edit_text(p, doc, caret - 1..caret - 1, &c).unwrap()
        } else {
            caret -= 1;
            edit_text(p, doc, caret..caret + 1, "").unwrap()
        };
        h.commit(p, tx).unwrap();
        let f = Instant::now();
        let now = p.documents[&doc].text.as_ref().unwrap();
        if incremental {
            idx.follow(now);
            found = idx.search_since(QUERY, false, Some((version, &found)));
            version = idx.version();
        } else {
            idx = FindIndex::new(now, false);
            found = idx.search(QUERY, false);
        }
        find.push(f.elapsed());
        total.push(t.elapsed());
        std::hint::black_box(&found);
    }
    // The hits are exactly those of a fresh search.
    let fresh = FindIndex::new(p.documents[&doc].text.as_ref().unwrap(), false);
    assert_eq!(found, fresh.search(QUERY, false));
    (total, find)
}

fn main() {
    let (mut p, doc) = project();
    let len = p.documents[&doc].text.as_ref().unwrap().len_chars();
    println!(
        "text_edit: {} bytes, {len} code points, {MENTIONS} mentions",
        p.documents[&doc].text.as_ref().unwrap().as_str().len()
    );
    let mut h = History::default();
    for (place, at) in [("start", 0), ("middle", len / 2), ("end", len)] {
        let (mut build, mut commit, mut undo) = (vec![], vec![], vec![]);
        for _ in 0..RUNS {
            let t = Instant::now();
            let tx = edit_text(&p, doc, at..at, "x").unwrap();
            build.push(t.elapsed());
            let t = Instant::now();
            h.commit(&mut p, tx).unwrap();
            commit.push(t.elapsed());
            let t = Instant::now();
            h.undo(&mut p).unwrap().unwrap();
            undo.push(t.elapsed());
        }
        for v in [&mut build, &mut commit, &mut undo] {
            v.sort();
        }
        let total: Vec<f64> = (0..RUNS).map(|i| ms(build[i] + commit[i])).collect();
        println!(
            "keystroke_{place}: build median {:.2} ms worst {:.2} ms; commit median {:.2} ms worst {:.2} ms; \
             build+commit median {:.2} ms (target 16 ms); undo median {:.2} ms",
            ms(build[RUNS / 2]),
            ms(build[RUNS - 1]),
            ms(commit[RUNS / 2]),
            ms(commit[RUNS - 1]),
            total[RUNS / 2],
            ms(undo[RUNS / 2]),
        );
    }
    let hits = FindIndex::new(p.documents[&doc].text.as_ref().unwrap(), false)
        .search(QUERY, false)
        .hits
        .len();
    println!("with the find bar open on \"{QUERY}\" ({hits} hits):");
    for (place, at) in [("start", 0), ("middle", len / 2), ("end", len)] {
        for (label, incremental, typed) in [("now", true, 120), ("before", false, 10)] {
            let (mut total, mut find) =
                keystrokes_with_find(&mut p, &mut h, doc, at, typed, incremental);
            let mut edit: Vec<Duration> = total.iter().zip(&find).map(|(t, f)| *t - *f).collect();
            let (tm, tp) = median_p99(&mut total);
            let (fm, fp) = median_p99(&mut find);
            let (em, ep) = median_p99(&mut edit);
            println!(
                "keystroke_find_open_{place} ({label}, {} keystrokes): build+commit+find median {tm:.2} ms p99 {tp:.2} ms \
                 (target 16 ms); find part median {fm:.2} ms p99 {fp:.2} ms; build+commit part median {em:.2} ms \
                 p99 {ep:.2} ms",
                total.len()
            );
        }
    }
}
