//! Merge benchmark: two divergent copies of a 2,000-document, 200,000-annotation project,
//! 10,000 changes on each side, merged by record.
//!
//! Run with `cargo bench --bench merge`. Prints the merge time (best and median of a few
//! runs) and the conflicts found. Target on a 2-core machine: ≤ 2 s.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use marginalia::model::merge::{Labels, merge_projects};
use marginalia::model::*;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

#[path = "support/mod.rs"]
mod support;
use support::Rng;

const DOCS: usize = 2_000;
const ANNS_PER_DOC: usize = 100;
const CHANGES: usize = 10_000;

const WORDS: &[&str] = &[
    "the",
    "meeting",
    "resumed",
    "at",
    "Comrade",
    "FILIPPOV",
    "telegram",
    "Panmunjom",
    "armistice",
    "Kim",
    "Il",
    "Sung",
    "Peng",
    "Dehuai",
    "Moscow",
    "1951",
    "July",
    "Ли",
    "Кэ-нун",
    "Сталин",
    "李克农",
    "毛泽东",
    "김일성",
    "—",
    "№",
];

fn source_text(rng: &mut Rng) -> String {
    let target = 2_000 + rng.below(3_000);
    let mut s = String::with_capacity(target + 64);
    while s.len() < target {
        s.push_str(WORDS[rng.below(WORDS.len())]);
        s.push(if rng.below(12) == 0 { '\n' } else { ' ' });
    }
    s
}

fn mention(text: &SourceText, rng: &mut Rng, entry: Option<EntryId>) -> Annotation {
    let n = text.len_chars();
    let start = rng.below(n - 40);
    Annotation::new(Body::Mention(Mention {
        type_id: Slug::new("person"),
        anchor: TextAnchor::span(text, start, start + 3 + rng.below(20)).unwrap(),
        entry,
        date: None,
    }))
}

fn make_project() -> Project {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut project = Project::new("Benchmark");
    let people: Vec<EntryId> = (0..3_000)
        .map(|i| {
            let e = Entry::new(Slug::new("person"), format!("Person {i}"));
            let id = e.id;
            project.registry.insert(id, e);
            id
        })
        .collect();
    for d in 0..DOCS {
        let text = SourceText::from_str_normalizing(&source_text(&mut rng));
        let meta = DocumentMeta {
            id: DocId::new(),
            title: format!("Document {d}"),
            source: None,
            images: Vec::new(),
            status: DocStatus::InProgress,
            archival: ArchivalMeta::default(),
        };
        let mut annotations = BTreeMap::new();
        let mut mentions = Vec::new();
        for i in 0..ANNS_PER_DOC {
            let a = if i % 10 < 8 || mentions.len() < 2 {
                let entry = (rng.below(2) == 0).then(|| people[rng.below(people.len())]);
                let a = mention(&text, &mut rng, entry);
                mentions.push(a.id);
                a
            } else {
                let p = mentions[rng.below(mentions.len())];
                let q = mentions[rng.below(mentions.len())];
                Annotation::new(Body::Event(Event {
                    type_id: Slug::new("meeting"),
                    trigger: None,
                    roles: BTreeMap::from([(
                        Slug::new("participant"),
                        vec![Target::Annotation(p), Target::Annotation(q)],
                    )]),
                    date: None,
                }))
            };
            annotations.insert(a.id, a);
        }
        project.documents.insert(
            meta.id,
            Document {
                meta,
                text: Some(text),
                annotations,
            },
        );
    }
    project
}

/// `CHANGES` edits as a user would make them: notes, new mentions, deletions of unreferenced
/// annotations, renamed registry entries.
fn diverge(base: &Project, seed: u64, side: &str) -> Project {
    let mut p = base.clone();
    let mut rng = Rng(seed);
    let doc_ids: Vec<DocId> = p.documents.keys().copied().collect();
    let entry_ids: Vec<EntryId> = p.registry.keys().copied().collect();
    for i in 0..CHANGES {
        if i % 50 == 0 {
            let id = entry_ids[rng.below(entry_ids.len())];
            p.registry.get_mut(&id).unwrap().note = format!("{side} {i}");
            continue;
        }
        let doc = p
            .documents
            .get_mut(&doc_ids[rng.below(doc_ids.len())])
            .unwrap();
        let ids: Vec<AnnId> = doc.annotations.keys().copied().collect();
        let pick = ids[rng.below(ids.len())];
        match rng.below(10) {
            0..7 => doc.annotations.get_mut(&pick).unwrap().note = format!("{side} {i}"),
            7..9 => {
                let text = doc.text.clone().unwrap();
                let a = mention(&text, &mut rng, None);
                doc.annotations.insert(a.id, a);
            }
            _ => {
                let used = doc
                    .annotations
                    .values()
                    .flat_map(Annotation::targets)
                    .any(|t| t == Target::Annotation(pick));
                if !used {
                    doc.annotations.remove(&pick);
                }
            }
        }
    }
    p
}

fn main() {
    let t = Instant::now();
    let base = make_project();
    let ours = diverge(&base, 0x1234_5678_9ABC_DEF1, "ours");
    let theirs = diverge(&base, 0x0FED_CBA9_8765_4321, "theirs");
    println!(
        "generated: {} documents, {} annotations, {CHANGES} changes per side, in {:.1} s",
        base.documents.len(),
        base.annotation_count(),
        t.elapsed().as_secs_f64()
    );
    let labels = Labels::default();
    let mut times: Vec<Duration> = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let t = Instant::now();
        let merged = merge_projects(&base, &ours, &theirs, &labels);
        times.push(t.elapsed());
        last = Some(merged);
    }
    times.sort();
    let merged = last.unwrap();
    println!(
        "merge: best {:.0} ms, median {:.0} ms (target ≤ 2000 ms); result {} annotations, {} conflicts",
        times[0].as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3,
        merged.project.annotation_count(),
        merged.new_conflicts.len()
    );
    assert!(
        marginalia::model::merge::missing_references(&merged.project).is_empty(),
        "the merge left a dangling reference"
    );
}
