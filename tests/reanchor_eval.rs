//! Re-anchoring evaluation on real text: the sample cable (with its real annotations) and
//! two excerpts of FRUS volumes (public domain; mentions from their TEI name, place and date
//! markup, plus capitalized names), changed by realistic edit scripts whose true effect on
//! every annotation is known (each script is a [`ChangeSet`], mapped by the boundary rule).
//!
//! Prints, per script: the share re-anchored to exactly the right place, sent to review,
//! orphaned, and silently misplaced (placed as certain at a wrong position: must be 0).
//! Run with `cargo test --test reanchor_eval -- --nocapture` to see the table.
#![allow(clippy::unwrap_used)]

use marginalia::model::anchor::TextAnchor;
use marginalia::model::changeset::ChangeSet;
use marginalia::model::reanchor::{self, Options, Outcome};
use marginalia::model::{SourceText, Span};
use std::path::PathBuf;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reanchor");

/// A small deterministic generator (xorshift64*), so the figures are reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 > 1.0 - p
    }
}

struct Corpus {
    name: &'static str,
    text: SourceText,
    anchors: Vec<TextAnchor>,
}

fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "cannot read the re-anchoring evaluation text {}: {e}",
            path.display()
        )
    })
}

/// Every capitalized word of at least 4 letters that starts a run of capitalized words
/// (a rough proper-name finder), every `step`th one.
fn capitalized(text: &SourceText, step: usize) -> Vec<Span> {
    let chars: Vec<char> = text.as_str().chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut n = 0;
    while i < chars.len() {
        let word_start = i == 0 || !chars[i - 1].is_alphanumeric();
        if word_start && chars[i].is_uppercase() {
            let mut j = i;
            while j < chars.len() && chars[j].is_alphabetic() {
                j += 1;
            }
            if j - i >= 4 {
                if n % step == 0 {
                    out.push(Span::new(i, j));
                }
                n += 1;
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

fn corpora() -> Vec<Corpus> {
    let mut out = Vec::new();
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
    let loaded = marginalia::store::load(&project)
        .unwrap_or_else(|e| panic!("cannot load the sample project {}: {e}", project.display()));
    for doc in loaded.project.documents.values() {
        let Some(text) = doc.text.clone() else {
            continue;
        };
        let mut anchors: Vec<TextAnchor> = doc
            .annotations
            .values()
            .filter_map(|a| a.anchor().cloned())
            .collect();
        for s in capitalized(&text, 1) {
            anchors.push(TextAnchor::span(&text, s.start, s.end).unwrap());
        }
        out.push(Corpus {
            name: "sample cable",
            text,
            anchors,
        });
    }
    for (name, stem) in [
        ("FRUS 1936 vol. III", "frus1936v03-excerpt"),
        ("FRUS 1894 Nicaragua", "frus1894-nicaragua-excerpt"),
    ] {
        let dir = PathBuf::from(FIXTURES);
        let text = SourceText::from_str_normalizing(&read(&dir.join(format!("{stem}.txt"))));
        let mut anchors = Vec::new();
        for line in read(&dir.join(format!("{stem}.spans"))).lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut f = line.split_whitespace();
            let s: usize = f.next().unwrap().parse().unwrap();
            let e: usize = f.next().unwrap().parse().unwrap();
            anchors.push(TextAnchor::span(&text, s, e).unwrap());
        }
        for s in capitalized(&text, 3) {
            anchors.push(TextAnchor::span(&text, s.start, s.end).unwrap());
        }
        out.push(Corpus {
            name,
            text,
            anchors,
        });
    }
    out
}

/// A change: sequential change sets, or a paragraph move (old `[p0, p1)` now starts at
/// `to` in the new text; everything else follows the change set).
struct Script {
    steps: Vec<ChangeSet>,
    moved: Option<(usize, usize, usize)>,
}

type Edits = Vec<(usize, usize, String)>;

/// Sorted, disjoint edits from candidates (later overlapping ones are dropped).
fn disjoint(mut edits: Edits) -> Edits {
    edits.sort_by_key(|e| (e.0, e.1));
    let mut out: Edits = Vec::new();
    for e in edits {
        if out.last().is_none_or(|l| l.1 < e.0) {
            out.push(e);
        }
    }
    out
}

fn occurrences(chars: &[char], pat: &str) -> Vec<usize> {
    let p: Vec<char> = pat.chars().collect();
    (0..chars.len().saturating_sub(p.len() - 1))
        .filter(|&i| chars[i..i + p.len()] == p[..])
        .collect()
}

/// OCR confusions corrected (or introduced): rn↔m, l↔1, O↔0, cl↔d, about one per 150 chars.
fn ocr(text: &SourceText, rng: &mut Rng) -> Edits {
    let chars: Vec<char> = text.as_str().chars().collect();
    let pairs = [
        ("rn", "m"),
        ("m", "rn"),
        ("l", "1"),
        ("1", "l"),
        ("O", "0"),
        ("0", "O"),
        ("cl", "d"),
        ("d", "cl"),
    ];
    let mut edits = Vec::new();
    for (from, to) in pairs {
        for at in occurrences(&chars, from) {
            if rng.chance(1.0 / 150.0 * 8.0 * from.len() as f64 / 6.0) {
                edits.push((at, at + from.chars().count(), to.to_owned()));
            }
        }
    }
    disjoint(edits)
}

/// Word corrections: about one word in 40 gets a letter swapped, dropped or doubled.
fn words(text: &SourceText, rng: &mut Rng) -> Edits {
    let chars: Vec<char> = text.as_str().chars().collect();
    let mut edits = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_alphabetic() && (i == 0 || !chars[i - 1].is_alphabetic()) {
            let mut j = i;
            while j < chars.len() && chars[j].is_alphabetic() {
                j += 1;
            }
            if j - i >= 4 && rng.chance(1.0 / 40.0) {
                let w: Vec<char> = chars[i..j].to_vec();
                let k = 1 + rng.below(w.len() - 2);
                let mut v = w.clone();
                match rng.below(3) {
                    0 => v.swap(k, k + 1),
                    1 => {
                        v.remove(k);
                    }
                    _ => v.insert(k, w[k]),
                }
                edits.push((i, j, v.into_iter().collect()));
            }
            i = j;
        } else {
            i += 1;
        }
    }
    disjoint(edits)
}

/// Three sentences inserted and three deleted at sentence boundaries.
fn sentences(text: &SourceText, rng: &mut Rng) -> Edits {
    let chars: Vec<char> = text.as_str().chars().collect();
    let ends = occurrences(&chars, ". ");
    let mut edits = Vec::new();
    if ends.len() < 8 {
        return edits;
    }
    for _ in 0..3 {
        let at = ends[rng.below(ends.len())] + 2;
        edits.push((
            at,
            at,
            "A passage restored from the carbon copy follows here. ".to_owned(),
        ));
    }
    for _ in 0..3 {
        let k = rng.below(ends.len() - 1);
        edits.push((ends[k] + 2, ends[k + 1] + 2, String::new()));
    }
    disjoint(edits)
}

/// Typewriter spacing: two spaces after every full stop, a trailing space on every line.
fn whitespace(text: &SourceText) -> Edits {
    let chars: Vec<char> = text.as_str().chars().collect();
    let mut edits: Edits = occurrences(&chars, ". ")
        .into_iter()
        .map(|i| (i + 1, i + 1, " ".to_owned()))
        .collect();
    edits.extend(
        occurrences(&chars, "\n")
            .into_iter()
            .map(|i| (i, i, " ".to_owned())),
    );
    disjoint(edits)
}

/// A re-transcription: 2 % of the characters substituted, deleted or doubled.
fn retranscription(text: &SourceText, rng: &mut Rng) -> Edits {
    let chars: Vec<char> = text.as_str().chars().collect();
    let letters: Vec<char> = "etaoinshrdlucmfwypvbgk".chars().collect();
    let mut edits = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        if rng.chance(0.02) {
            match rng.below(3) {
                0 => edits.push((i, i + 1, letters[rng.below(letters.len())].to_string())),
                1 => edits.push((i, i + 1, String::new())),
                _ => edits.push((i, i + 1, format!("{c}{c}"))),
            }
        }
    }
    disjoint(edits)
}

fn change(text: &SourceText, edits: &Edits) -> ChangeSet {
    ChangeSet::from_replacements(text.len_chars(), edits).unwrap()
}

/// Moves a paragraph from the middle to near the start.
fn paragraph_move(text: &SourceText, rng: &mut Rng) -> Script {
    let chars: Vec<char> = text.as_str().chars().collect();
    let breaks = occurrences(&chars, "\n\n");
    let k = breaks.len() / 2 + rng.below(breaks.len() / 4 + 1);
    let (p0, p1) = (breaks[k] + 2, breaks[k + 1] + 2);
    let to = breaks[rng.below(breaks.len() / 4)] + 2;
    let para = text.slice(p0, p1).to_owned();
    let c = change(text, &vec![(to, to, para), (p0, p1, String::new())]);
    Script {
        steps: vec![c],
        moved: Some((p0, p1, to)),
    }
}

fn scripts(text: &SourceText, rng: &mut Rng) -> Vec<(&'static str, Script)> {
    let one = |c: ChangeSet| Script {
        steps: vec![c],
        moved: None,
    };
    let mut out = vec![
        ("OCR substitutions", one(change(text, &ocr(text, rng)))),
        ("word corrections", one(change(text, &words(text, rng)))),
        ("sentences in/out", one(change(text, &sentences(text, rng)))),
        ("whitespace", one(change(text, &whitespace(text)))),
        (
            "line endings only",
            one(ChangeSet::replace(text.len_chars(), 0, 0, "").unwrap()),
        ),
        (
            "re-transcription 2 %",
            one(change(text, &retranscription(text, rng))),
        ),
    ];
    if occurrences(&text.as_str().chars().collect::<Vec<_>>(), "\n\n").len() > 8 {
        out.push(("paragraph moved", paragraph_move(text, rng)));
    }
    // Everything but the move, one after another.
    let mut steps = Vec::new();
    let mut t = text.clone();
    for f in [ocr, words, sentences] {
        let c = change(&t, &f(&t, rng));
        t = c.apply(&t).unwrap();
        steps.push(c);
    }
    let c = change(&t, &whitespace(&t));
    steps.push(c);
    out.push(("all of the above", Script { steps, moved: None }));
    out
}

#[derive(Default, Clone, Copy)]
struct Figures {
    total: usize,
    right: usize,
    review: usize,
    orphaned: usize,
    misplaced: usize,
    /// Annotations whose text the change deleted entirely (they must not be placed).
    deleted: usize,
}

impl Figures {
    fn add(&mut self, o: Figures) {
        self.total += o.total;
        self.right += o.right;
        self.review += o.review;
        self.orphaned += o.orphaned;
        self.misplaced += o.misplaced;
        self.deleted += o.deleted;
    }
    fn pct(&self, n: usize) -> f64 {
        100.0 * n as f64 / self.total.max(1) as f64
    }
    fn row(&self, name: &str) -> String {
        format!(
            "{name:<24} {:>6} {:>8.2}% {:>8.2}% {:>8.2}% {:>9} {:>8}",
            self.total,
            self.pct(self.right),
            self.pct(self.review),
            self.pct(self.orphaned),
            self.misplaced,
            self.deleted
        )
    }
}

fn evaluate(corpus: &Corpus, script: &Script, opts: Options) -> Figures {
    let mut text = corpus.text.clone();
    let mut truth: Vec<Option<TextAnchor>> = corpus.anchors.iter().cloned().map(Some).collect();
    for c in &script.steps {
        let next = c.apply(&text).unwrap();
        truth = truth
            .iter()
            .map(|a| a.as_ref().and_then(|a| c.map_anchor(a, &next)))
            .collect();
        text = next;
    }
    if let Some((p0, p1, to)) = script.moved {
        for (t, a) in truth.iter_mut().zip(&corpus.anchors) {
            let ext = a.extent();
            if ext.start >= p0 && ext.end <= p1 {
                let frags: Vec<Span> = a
                    .fragments
                    .iter()
                    .map(|f| Span::new(f.start - p0 + to, f.end - p0 + to))
                    .collect();
                *t = Some(TextAnchor::new(&text, &frags).unwrap());
            }
        }
    }
    let refs: Vec<&TextAnchor> = corpus.anchors.iter().collect();
    let outcomes = reanchor::reanchor_anchors(&text, &refs, opts);
    let mut f = Figures::default();
    for ((old, truth), outcome) in corpus.anchors.iter().zip(&truth).zip(&outcomes) {
        f.total += 1;
        let placed = match outcome {
            Outcome::Unchanged => Some(old.fragments.clone()),
            Outcome::Moved(a) => Some(a.fragments.clone()),
            Outcome::Review(_) => {
                f.review += 1;
                None
            }
            Outcome::Orphaned => {
                f.orphaned += 1;
                None
            }
        };
        if truth.is_none() {
            f.deleted += 1;
        }
        if let Some(p) = placed {
            match truth {
                Some(t) if t.fragments == p => f.right += 1,
                _ => {
                    f.misplaced += 1;
                    eprintln!(
                        "  misplaced in {}: {:?} {:?} -> {:?}, truth {:?}",
                        corpus.name,
                        old.quote.exact,
                        old.fragments,
                        p,
                        truth.as_ref().map(|t| (&t.quote.exact, &t.fragments))
                    );
                }
            }
        }
    }
    f
}

fn run(opts: Options, label: &str) -> (Figures, Vec<(&'static str, Figures)>) {
    let corpora = corpora();
    let mut by_script: Vec<(&'static str, Figures)> = Vec::new();
    let mut all = Figures::default();
    for (ci, corpus) in corpora.iter().enumerate() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (ci as u64 + 1));
        for (name, script) in scripts(&corpus.text, &mut rng) {
            let f = evaluate(corpus, &script, opts);
            all.add(f);
            match by_script.iter_mut().find(|(n, _)| *n == name) {
                Some((_, g)) => g.add(f),
                None => by_script.push((name, f)),
            }
        }
    }
    println!(
        "\nre-anchoring evaluation ({label}); {} texts",
        corpora.len()
    );
    println!(
        "{:<24} {:>6} {:>9} {:>9} {:>9} {:>9} {:>8}",
        "script", "anns", "right", "review", "orphaned", "misplaced", "deleted"
    );
    for (name, f) in &by_script {
        println!("{}", f.row(name));
    }
    println!("{}", all.row("all scripts"));
    (all, by_script)
}

#[test]
fn reanchoring_evaluation_on_real_text() {
    let (all, by_script) = run(Options::default(), "pinned approximate matches are certain");
    assert!(all.total > 1000, "too few annotations: {}", all.total);
    assert_eq!(all.misplaced, 0, "annotations silently misplaced");
    // Measured floors (see docs/reanchoring.md), so a regression fails the test; the
    // issue's 99 % goal holds for the scripts in the first group.
    for (name, f) in &by_script {
        let floor = match *name {
            "OCR substitutions" | "whitespace" | "line endings only" | "paragraph moved" => 99.0,
            "word corrections" | "sentences in/out" => 98.0,
            _ => 90.0,
        };
        assert!(
            f.pct(f.right) + f.pct(f.deleted) >= floor,
            "{name}: only {:.2}% exactly right (floor {floor}%)",
            f.pct(f.right)
        );
    }
    assert!(
        all.pct(all.right) >= 97.0,
        "{:.2}% exactly right overall",
        all.pct(all.right)
    );
    let (strict, _) = run(
        Options {
            pinned_approximate_is_certain: false,
            ..Options::default()
        },
        "every approximate match to review",
    );
    assert_eq!(strict.misplaced, 0, "annotations silently misplaced");
    assert!(strict.right <= all.right);
}
