//! Agreement and curation speed (issue 26): the store benchmark's kind of project — 2,000
//! documents of 2–5 kB (Latin, Cyrillic, CJK words), 100 annotations each (80 mentions, 10
//! meetings, 10 relations: 200,000) — annotated independently by 3 annotators: each
//! annotator's layer is that set with their own differences (5 % left out, 5 % of mentions
//! retyped, 5 % with the end moved), 3 × ~190,000 annotations in layers.
//!
//! Prints `name=value` lines: `agreement_s` (`Study::from_layers` + `Labels::of` +
//! `agreement::compute`, as `marginalia agree` and the panel run it; best of 3) and its parts,
//! and the curation window's frame time (`curation_*_ms`) while scrolling its list with the
//! wheel, through the real app frame (egui `Context::run_ui` + tessellation, no GPU, as
//! `benches/reader.rs` measures the reader) on the document with the most places and on one
//! document with 3 × 3,000 annotations (`curation_big_*`). Run: `cargo bench --bench agreement`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use marginalia::app::{App, Prefs};
use marginalia::model::agreement::{self, Filter, Labels, Study};
use marginalia::model::layers::Independence;
use marginalia::model::*;
use marginalia::session::Session;
use std::collections::BTreeMap;
use std::time::Instant;

#[path = "support/mod.rs"]
mod support;
use support::{Rng, WORDS, source_text};

const DOCS: usize = 2_000;
const ANNS_PER_DOC: usize = 100;
const ANNOTATORS: [&str; 3] = ["ada", "ben", "chen"];

/// The base annotations of one document (as `benches/store.rs` makes them).
fn base(rng: &mut Rng, text: &SourceText, people: &[EntryId], n: usize) -> Vec<Annotation> {
    let len = text.len_chars();
    let mut out = Vec::new();
    let mut mentions: Vec<AnnId> = Vec::new();
    for i in 0..n {
        let kind = i % 10;
        let body = if kind < 8 || mentions.len() < 2 {
            let start = rng.below(len - 40);
            let l = 3 + rng.below(20);
            let dated = rng.below(10) == 0;
            Body::Mention(Mention {
                type_id: Slug::new(if dated { "date" } else { "person" }),
                anchor: TextAnchor::span(text, start, start + l).unwrap(),
                entry: (!dated && rng.below(2) == 0).then(|| *rng.pick(people)),
                date: None,
            })
        } else if kind == 8 {
            support::meeting(rng, text, &mentions, people)
        } else {
            support::relation(rng, &mentions)
        };
        let a = Annotation::new(body);
        if matches!(a.body, Body::Mention(_)) {
            mentions.push(a.id);
        }
        out.push(a);
    }
    out
}

/// `who`'s layer: a copy of `base` with new ids and the annotator's own differences.
fn layer(rng: &mut Rng, text: &SourceText, base: &[Annotation], who: &str) -> Vec<Annotation> {
    let mut ids: BTreeMap<AnnId, AnnId> = BTreeMap::new();
    let mut out = Vec::new();
    for a in base {
        if rng.below(20) == 0 {
            continue;
        }
        let mut c = a.clone();
        c.id = AnnId::new();
        c.layer = Some(who.to_owned());
        ids.insert(a.id, c.id);
        if let Body::Mention(m) = &mut c.body {
            match rng.below(20) {
                0 => m.type_id = Slug::new("place"),
                1 => {
                    let e = m.anchor.extent();
                    if e.end < text.len_chars() && m.anchor.fragments.len() == 1 {
                        m.anchor = TextAnchor::span(text, e.start, e.end + 1).unwrap();
                    }
                }
                _ => {}
            }
        }
        out.push(c);
    }
    let map = |t: &Target| match t {
        Target::Annotation(x) => ids.get(x).map(|y| Target::Annotation(*y)),
        e => Some(*e),
    };
    out.retain_mut(|c| match &mut c.body {
        Body::Event(e) => {
            for fs in e.roles.values_mut() {
                *fs = fs.iter().filter_map(map).collect();
            }
            true
        }
        Body::Relation(r) => match (map(&r.from), map(&r.to)) {
            (Some(f), Some(t)) => {
                r.from = f;
                r.to = t;
                true
            }
            _ => false,
        },
        Body::Mention(_) => true,
    });
    out
}

fn document(title: String, text: SourceText) -> Document {
    Document {
        meta: DocumentMeta {
            id: DocId::new(),
            title,
            source: None,
            images: vec![],
            status: DocStatus::InProgress,
            archival: Default::default(),
        },
        text: Some(text),
        annotations: Default::default(),
    }
}

fn make_project() -> (Project, usize) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut project = Project::new("Agreement benchmark");
    project.info.independent = Some(Independence {
        all: true,
        ..Independence::default()
    });
    let people = support::people(&mut project, 3_000, true);
    let mut base_count = 0;
    for d in 0..DOCS {
        let text = SourceText::from_str_normalizing(&source_text(&mut rng, WORDS, Some(4)));
        let mut doc = document(format!("doc-{d:04}"), text.clone());
        let b = base(&mut rng, &text, &people, ANNS_PER_DOC);
        base_count += b.len();
        for who in ANNOTATORS {
            for a in layer(&mut rng, &text, &b, who) {
                doc.annotations.insert(a.id, a);
            }
        }
        project.documents.insert(doc.id(), doc);
    }
    (project, base_count)
}

/// One document of about 60 kB with 3,000 base annotations in every layer.
fn big_document(project: &mut Project) -> DocId {
    let mut rng = Rng(0x51ED_270B_27F4_1A31);
    let people: Vec<EntryId> = project.registry.keys().copied().collect();
    let raw: String = (0..16)
        .map(|_| source_text(&mut rng, WORDS, None))
        .collect::<Vec<_>>()
        .join("\n");
    let text = SourceText::from_str_normalizing(&raw);
    let mut doc = document("big".into(), text.clone());
    let b = base(&mut rng, &text, &people, 3_000);
    for who in ANNOTATORS {
        for a in layer(&mut rng, &text, &b, who) {
            doc.annotations.insert(a.id, a);
        }
    }
    let id = doc.id();
    project.documents.insert(id, doc);
    id
}

fn agreement_once(project: &Project) -> (f64, f64, f64, u64, f64) {
    let filter = Filter::default();
    let t = Instant::now();
    let study = Study::from_layers(project, &filter).unwrap();
    let study_s = t.elapsed().as_secs_f64();
    let labels = Labels::of(&study, &filter, Some(&project.schema)).unwrap();
    let labels_s = t.elapsed().as_secs_f64() - study_s;
    let report = agreement::compute(&study, &labels);
    let total = t.elapsed().as_secs_f64();
    (
        total,
        study_s,
        labels_s,
        report.units,
        report.krippendorff_alpha.unwrap_or(f64::NAN),
    )
}

/// Frame times of the curation window over `doc` while its list is scrolled.
fn curation_frames(label: &str, project: Project, doc: DocId) {
    let places = curation::differences(&project, &project.documents[&doc]).len();
    println!("{label}places={places}");
    let mut app = App::new(Prefs::default());
    app.state.session = Some(Session::create(
        project,
        std::env::temp_dir().join("agreement-bench.marginalia.ron"),
    ));
    app.state.doc = Some(doc);
    app.state.curation_open = true;
    let screen = support::headless::Headless::new(1400.0, 900.0);
    let frame = |app: &mut App, events: Vec<egui::Event>, t: f64| screen.frame(app, events, t);
    let first = frame(&mut app, vec![], 0.0);
    let mut t = 0.0;
    for _ in 0..5 {
        t += 1.0 / 60.0;
        frame(&mut app, vec![], t);
    }
    // Over the window's list (the window opens centred at the top).
    let over = egui::pos2(700.0, 400.0);
    let mut times = Vec::new();
    for i in 0..300 {
        t += 1.0 / 60.0;
        let delta = if i < 200 { -120.0 } else { 300.0 };
        let events = vec![
            egui::Event::PointerMoved(over),
            support::headless::wheel(delta),
        ];
        times.push(frame(&mut app, events, t));
    }
    times.sort_by(f64::total_cmp);
    println!("{label}first_frame_ms={first:.1}");
    println!("{label}median_ms={:.2}", times[times.len() / 2]);
    println!("{label}p99_ms={:.2}", times[times.len() * 99 / 100]);
}

fn main() {
    let t = Instant::now();
    let (mut project, base_count) = make_project();
    let layered: usize = project
        .documents
        .values()
        .map(|d| d.annotations.len())
        .sum();
    println!("documents={DOCS}");
    println!("annotators={}", ANNOTATORS.len());
    println!("base_annotations={base_count}");
    println!("layer_annotations={layered}");
    eprintln!("generated in {:.1} s", t.elapsed().as_secs_f64());
    let mut best = (f64::MAX, 0.0, 0.0, 0, 0.0);
    for _ in 0..3 {
        let r = agreement_once(&project);
        if r.0 < best.0 {
            best = r;
        }
    }
    println!("agreement_s={:.3}", best.0);
    println!("agreement_study_s={:.3}", best.1);
    println!("agreement_labels_s={:.3}", best.2);
    println!("agreement_units={}", best.3);
    println!("agreement_alpha={:.4}", best.4);
    let busiest = project
        .documents
        .values()
        .max_by_key(|d| curation::differences(&project, d).len())
        .map(|d| d.id())
        .unwrap();
    let big = big_document(&mut project);
    curation_frames("curation_", project.clone(), busiest);
    curation_frames("curation_big_", project, big);
}
