//! Suggestions: the time to propose for a 4 MB document (project strings — 1,000 registry
//! people with cover names and the strings annotated in another document — and dates), and
//! the learn-to-propose latency on the 2,000-document bench project: "Nam Il" is tagged in
//! one document, the project recommender learns that document again, and every other
//! document is asked for suggestions; the time until all of them propose "Nam Il".
//!
//! Run with `cargo bench --bench suggest`. Targets: ≤ 200 ms for the 4 MB document, ≤ 1 s
//! learn-to-propose. Recorded in docs/benchmarks.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use marginalia::model::ops::tagging::tag_mention;
use marginalia::model::suggest::dates::DateRecommender;
use marginalia::model::suggest::project::ProjectRecommender;
use marginalia::model::suggest::{Feedback, Recommender, Rejections, suggest_document};
use marginalia::model::*;
use rayon::prelude::*;
use std::time::{Duration, Instant};
use support::Rng;

const BYTES: usize = 4 << 20;

const WORDS: &[&str] = &[
    "the",
    "meeting",
    "resumed",
    "at",
    "Comrade",
    "FILIPPOV",
    "telegram",
    "on",
    "11 July 1951,",
    "tomorrow at 0800",
    "Kaesong",
    "Ли",
    "李克农",
    "김일성",
    "re\u{301}sume\u{301}",
    "Pérez",
    "delegation",
    "of",
    "and",
    "armistice",
    "Person 12 Лицо 人物",
    "Alias 33",
    "в 15 часов",
    "Nam",
    "Il",
    "🇰🇵",
];

fn doc(text: &str, title: &str) -> Document {
    Document {
        meta: DocumentMeta {
            id: DocId::new(),
            title: title.into(),
            source: None,
            images: Vec::new(),
            status: DocStatus::default(),
            archival: ArchivalMeta {
                date: Some(NormalizedDate::when("1951-07-10")),
                ..ArchivalMeta::default()
            },
        },
        text: Some(SourceText::from_str_normalizing(text)),
        annotations: Default::default(),
    }
}

fn tag(p: &mut Project, d: DocId, needle: &str, ty: &str) {
    let t = p.documents[&d].text.clone().unwrap();
    let b = t.as_str().find(needle).unwrap();
    let s = t.as_str()[..b].chars().count();
    let (tx, _) = tag_mention(
        p,
        d,
        &[Span::new(s, s + needle.chars().count())],
        &Slug::new(ty),
    )
    .unwrap();
    History::default().commit(p, tx).unwrap();
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn big_document() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut s = String::with_capacity(BYTES + 64);
    let mut n = 0;
    while s.len() < BYTES {
        let w: &&str = rng.pick(WORDS);
        s.push_str(w);
        n += 1;
        s.push(if n % 14 == 0 { '\n' } else { ' ' });
    }
    let mut p = Project::new("bench");
    support::people(&mut p, 1_000, false);
    let teacher = doc(
        "Kaesong talks: Comrade FILIPPOV, Pérez and 李克农 and Ли.",
        "teacher",
    );
    let tid = teacher.id();
    p.documents.insert(tid, teacher);
    for (w, ty) in [
        ("Kaesong", "place"),
        ("FILIPPOV", "person"),
        ("Pérez", "person"),
        ("李克农", "person"),
        ("Ли", "person"),
    ] {
        tag(&mut p, tid, w, ty);
    }
    let big = doc(&s, "big");
    let bid = big.id();
    p.documents.insert(bid, big);
    let t = Instant::now();
    let pr = ProjectRecommender::new(&p, &Rejections::new());
    let build = t.elapsed();
    let dr = DateRecommender::default();
    let d = &p.documents[&bid];
    let mut tp = Vec::new();
    let mut td = Vec::new();
    let mut tall = Vec::new();
    let mut count = (0, 0, 0);
    for _ in 0..5 {
        let t = Instant::now();
        count.0 = pr.suggest(&p, d).unwrap().len();
        tp.push(t.elapsed());
        let t = Instant::now();
        count.1 = dr.suggest(&p, d).unwrap().len();
        td.push(t.elapsed());
        let t = Instant::now();
        count.2 = suggest_document(&[&pr, &dr], &p, d, &Rejections::new())
            .0
            .len();
        tall.push(t.elapsed());
    }
    println!(
        "4 MB document ({} chars): learning the project (both documents, 1,000 people) {:.0} ms",
        d.text_or_empty().len_chars(),
        ms(build)
    );
    println!(
        "  project recommender: {:.0} ms median of 5 ({} suggestions)",
        ms(median(tp)),
        count.0
    );
    println!(
        "  date recommender:    {:.0} ms median of 5 ({} suggestions)",
        ms(median(td)),
        count.1
    );
    println!(
        "  both, filtered (one background job): {:.0} ms median of 5 ({} suggestions; target 200 ms)",
        ms(median(tall)),
        count.2
    );
}

fn learn_to_propose() {
    const DOCS: usize = 2_000;
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut p = Project::new("bench");
    support::people(&mut p, 500, false);
    let words: Vec<&str> = support::WORDS.iter().copied().chain(["Nam Il"]).collect();
    let mut ids = Vec::new();
    for i in 0..DOCS {
        let d = doc(
            &support::source_text(&mut rng, &words, Some(7)),
            &format!("doc {i}"),
        );
        ids.push(d.id());
        p.documents.insert(d.id(), d);
    }
    // Half the documents annotated: every "FILIPPOV" tagged.
    for id in ids.iter().step_by(2) {
        if p.documents[id]
            .text_or_empty()
            .as_str()
            .contains("FILIPPOV")
        {
            tag(&mut p, *id, "FILIPPOV", "person");
        }
    }
    let with_nam: Vec<DocId> = ids
        .iter()
        .copied()
        .filter(|d| p.documents[d].text_or_empty().as_str().contains("Nam Il"))
        .collect();
    let total_kb: usize = p
        .documents
        .values()
        .map(|d| d.text_or_empty().as_str().len())
        .sum::<usize>()
        / 1024;
    let t = Instant::now();
    let mut pr = ProjectRecommender::new(&p, &Rejections::new());
    let build = t.elapsed();
    let first = with_nam[0];
    tag(&mut p, first, "Nam Il", "person");
    let t = Instant::now();
    pr.learn(&p, &Feedback::Document(first));
    let learn = t.elapsed();
    let found: usize = ids
        .par_iter()
        .filter(|d| **d != first)
        .map(|d| {
            let s = pr.suggest(&p, &p.documents[d]).unwrap();
            usize::from(s.iter().any(|s| s.quote == "Nam Il"))
        })
        .sum();
    let total = t.elapsed();
    assert_eq!(
        found,
        with_nam.len() - 1,
        "every other document with Nam Il proposes it"
    );
    println!(
        "2,000 documents ({total_kb} KB): learning the project {:.0} ms; after tagging “Nam Il”: learn {:.1} ms, \
         proposed in all {found} other documents that hold it after {:.0} ms (target 1,000 ms; all 2,000 documents asked, {} threads)",
        ms(build),
        ms(learn),
        ms(total),
        rayon::current_num_threads()
    );
}

fn main() {
    big_document();
    learn_to_propose();
}
