//! Views benchmark: the data behind the timeline, network, concordance and questions on a
//! generated project of 2,000 documents and 200,000 annotations (the generator of
//! `benches/store.rs`: 3,000 people, random Latin/Cyrillic/CJK text, 100 annotations per
//! document, in memory; here the events are meetings and communications with dated roles
//! spread over 1950–1953). Run with `cargo bench --bench views`; prints the median of
//! several runs for each. Targets: each view's data ≤ 200 ms, a query ≤ 100 ms.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use marginalia::model::*;
use marginalia::views::concordance::{KwicQuery, KwicSort, kwic, stats};
use marginalia::views::network::{Network, NetworkFilter, layout};
use marginalia::views::query::{DocSelector, Question, answer};
use marginalia::views::timeline::{RowMode, Timeline, TimelineFilter};
use marginalia::views::{Index, iso_bounds};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

#[path = "support/mod.rs"]
mod support;
use support::{Rng, WORDS, source_text};

const DOCS: usize = 2_000;
const ANNS_PER_DOC: usize = 100;

fn random_date(rng: &mut Rng) -> NormalizedDate {
    let y = 1950 + rng.below(4);
    let m = 1 + rng.below(12);
    let d = 1 + rng.below(28);
    match rng.below(4) {
        0 => NormalizedDate::range(
            format!("{y}-{m:02}-{d:02}"),
            format!("{y}-{m:02}-{:02}", (d + 2).min(28)),
        ),
        1 => NormalizedDate::when(format!("{y}-{m:02}")),
        _ => NormalizedDate::when(format!("{y}-{m:02}-{d:02}T{:02}:00", rng.below(24))),
    }
}

pub fn make_project() -> (Project, Vec<EntryId>) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut project = Project::new("Benchmark");
    let people = support::people(&mut project, 3_000, false);
    for d in 0..DOCS {
        let text = SourceText::from_str_normalizing(&source_text(&mut rng, WORDS, None));
        let n = text.len_chars();
        let mut anns = BTreeMap::new();
        let mut people_mentions: Vec<AnnId> = Vec::new();
        let mut dates: Vec<AnnId> = Vec::new();
        for i in 0..ANNS_PER_DOC {
            let kind = i % 10;
            let body = if kind < 8 || people_mentions.len() < 3 || dates.is_empty() {
                let start = rng.below(n - 40);
                let len = 3 + rng.below(20);
                let dated = rng.below(10) == 0 || dates.is_empty() && i > 5;
                Body::Mention(Mention {
                    type_id: Slug::new(if dated { "date" } else { "person" }),
                    anchor: TextAnchor::span(&text, start, start + len).unwrap(),
                    entry: (!dated && rng.below(2) == 0).then(|| *rng.pick(&people)),
                    date: dated.then(|| random_date(&mut rng)),
                })
            } else if kind == 8 {
                let mut roles = BTreeMap::new();
                let who = |rng: &mut Rng| Target::Annotation(*rng.pick(&people_mentions));
                let ty = if rng.below(2) == 0 {
                    roles.insert(Slug::new("participant"), vec![who(&mut rng), who(&mut rng)]);
                    roles.insert(Slug::new("chair"), vec![Target::Entry(*rng.pick(&people))]);
                    roles.insert(
                        Slug::new("time"),
                        vec![Target::Annotation(*rng.pick(&dates))],
                    );
                    "meeting"
                } else {
                    roles.insert(Slug::new("sender"), vec![who(&mut rng)]);
                    roles.insert(Slug::new("recipient"), vec![who(&mut rng)]);
                    roles.insert(
                        Slug::new("copy_to"),
                        vec![Target::Entry(*rng.pick(&people))],
                    );
                    roles.insert(
                        Slug::new("date"),
                        vec![Target::Annotation(*rng.pick(&dates))],
                    );
                    "communication"
                };
                let start = rng.below(n - 20);
                Body::Event(Event {
                    type_id: Slug::new(ty),
                    trigger: Some(TextAnchor::span(&text, start, start + 7).unwrap()),
                    roles,
                    date: None,
                })
            } else {
                Body::Relation(Relation {
                    type_id: Slug::new("subordinate_of"),
                    from: Target::Annotation(*rng.pick(&people_mentions)),
                    to: Target::Annotation(*rng.pick(&people_mentions)),
                })
            };
            let mut ann = Annotation::new(body);
            if rng.below(5) == 0 {
                ann.resp = "#ab".into();
            }
            if let Body::Mention(m) = &ann.body {
                if m.date.is_some() {
                    dates.push(ann.id);
                } else {
                    people_mentions.push(ann.id);
                }
            }
            anns.insert(ann.id, ann);
        }
        let doc = Document {
            meta: DocumentMeta {
                id: DocId::new(),
                title: format!("cable {d:04}"),
                source: None,
                images: vec![],
                status: if d % 3 == 0 {
                    DocStatus::Done
                } else {
                    DocStatus::InProgress
                },
                archival: ArchivalMeta {
                    archive: if d % 2 == 0 { "АПРФ" } else { "NARA" }.into(),
                    ..ArchivalMeta::default()
                },
            },
            text: Some(text),
            annotations: anns,
        };
        project.documents.insert(doc.id(), doc);
    }
    (project, people)
}

/// The median wall time of `runs` runs of `f`, and its last result.
fn median<R>(runs: usize, mut f: impl FnMut() -> R) -> (Duration, R) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let r = f();
        times.push(t.elapsed());
        last = Some(r);
    }
    times.sort();
    (times[runs / 2], last.expect("runs > 0"))
}

fn report(name: &str, target_ms: f64, d: Duration, what: String) -> bool {
    let ms = d.as_secs_f64() * 1000.0;
    let ok = ms <= target_ms;
    println!(
        "{name:<44} {ms:>8.1} ms  (target ≤ {target_ms:.0} ms{})  {what}",
        if ok { "" } else { ", MISSED" }
    );
    ok
}

fn main() {
    let t = Instant::now();
    let (p, people) = make_project();
    println!(
        "generated {} documents, {} annotations, {} registry entries in {:.2?}",
        p.documents.len(),
        p.annotation_count(),
        p.registry.len(),
        t.elapsed()
    );
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let mut ok = true;
    let (d, index) = median(5, || Index::build(&p));
    ok &= report(
        "index (events resolved, dated)",
        200.0,
        d,
        format!(
            "{} events, {} relations",
            index.events.len(),
            index.relations.len()
        ),
    );
    let (d, t) = median(5, || {
        Timeline::build(&p, &index, &TimelineFilter::default(), RowMode::ByType)
    });
    ok &= report(
        "timeline, rows by type",
        200.0,
        d,
        format!("{} dated, {} undated", t.events.len(), t.undated.len()),
    );
    let (d, t) = median(5, || {
        Timeline::build(&p, &index, &TimelineFilter::default(), RowMode::ByEntry)
    });
    ok &= report(
        "timeline, rows by entry",
        200.0,
        d,
        format!("{} rows", t.rows.len()),
    );
    let (d, net) = median(5, || Network::build(&p, &index, &NetworkFilter::default()));
    ok &= report(
        "network, whole project",
        200.0,
        d,
        format!("{} nodes, {} edges", net.nodes.len(), net.edges.len()),
    );
    let (a, b) = iso_bounds("1951").unwrap();
    let window = NetworkFilter {
        window: Some((a, b)),
        ..NetworkFilter::default()
    };
    let (d, small) = median(5, || Network::build(&p, &index, &window));
    ok &= report(
        "network, 1951 only",
        200.0,
        d,
        format!("{} nodes, {} edges", small.nodes.len(), small.edges.len()),
    );
    let (d, pos) = median(3, || layout(&net));
    println!(
        "{:<44} {:>8.1} ms  (computed once per network, not per frame)  {} nodes",
        "layout, whole network",
        d.as_secs_f64() * 1000.0,
        pos.len()
    );
    let few = NetworkFilter {
        window: Some(iso_bounds("1951-07").unwrap()),
        ..NetworkFilter::default()
    };
    let month = Network::build(&p, &index, &few);
    let (d, pos) = median(5, || layout(&month));
    ok &= report(
        "layout, one month's network",
        200.0,
        d,
        format!("{} nodes, {} edges", pos.len(), month.edges.len()),
    );
    let someone = people[7];
    let (d, lines) = median(5, || {
        kwic(&p, &KwicQuery::Entry(someone), 40, KwicSort::Left)
    });
    ok &= report(
        "concordance, one entry",
        200.0,
        d,
        format!("{} lines", lines.len()),
    );
    let (d, lines) = median(3, || {
        kwic(&p, &KwicQuery::Type(Slug::new("date")), 40, KwicSort::Date)
    });
    ok &= report(
        "concordance, a type (date)",
        200.0,
        d,
        format!("{} lines", lines.len()),
    );
    let (d, lines) = median(3, || {
        kwic(
            &p,
            &KwicQuery::Search("Panmunjom".into()),
            40,
            KwicSort::Right,
        )
    });
    ok &= report(
        "concordance, search \"Panmunjom\"",
        200.0,
        d,
        format!("{} lines", lines.len()),
    );
    let (d, s) = median(5, || stats(&p));
    ok &= report(
        "statistics",
        200.0,
        d,
        format!("{} documents", s.documents.len()),
    );
    let questions = [
        (
            "query: meetings an entry attended",
            Question::EntryInRole {
                entry: someone,
                event_type: Some(Slug::new("meeting")),
                role: None,
            },
        ),
        (
            "query: communications from anyone to X",
            Question::Communications {
                from: None,
                to: Some(someone),
                copies: true,
            },
        ),
        (
            "query: what happened in July 1951",
            Question::During {
                from: iso_bounds("1951-07").unwrap().0,
                to: iso_bounds("1951-07").unwrap().1,
            },
        ),
        (
            "query: in АПРФ documents, never in NARA",
            Question::MentionedOnlyIn {
                mentioned_in: DocSelector::Archive("АПРФ".into()),
                never_in: DocSelector::Archive("NARA".into()),
            },
        ),
    ];
    for (name, q) in &questions {
        let (d, hits) = median(5, || answer(&p, &index, q));
        ok &= report(name, 100.0, d, format!("{} hits", hits.len()));
    }
    let (d, hits) = median(3, || answer(&p, &Index::build(&p), &questions[0].1));
    ok &= report(
        "query with its index built (CLI)",
        200.0,
        d,
        format!("{} hits", hits.len()),
    );
    println!(
        "{}",
        if ok {
            "all targets met"
        } else {
            "SOME TARGETS MISSED"
        }
    );
}
