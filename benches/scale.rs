//! Scale benchmark (issue 29): the store benchmark's project at ten times its size —
//! 20,000 documents, 2,000,000 annotations, 30,000 registry entries — opened, edited,
//! saved, searched, viewed, merged, exported, re-anchored and checked.
//!
//! Run with `cargo bench --bench scale`; `MARGINALIA_SCALE=200k` runs the 2,000-document
//! project (200,000 annotations, 3,000 entries) instead, so both columns of
//! `docs/benchmarks.md` can be measured. `MARGINALIA_SCALE_SKIP=merge,export` leaves
//! stages out. Prints one `name=value` line per figure (times in milliseconds, memory in
//! MB), then the targets of issue 29 with ok or MISSED.
//!
//! Without a window, `first_frame_ms` is the time to everything the window's first frame
//! needs: [`Session::open`] (the document list and the first document's annotations) — the
//! window draws nothing before it returns.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use marginalia::interchange::export::ExportOptions;
use marginalia::interchange::formats;
use marginalia::model::merge::{Labels, merge_projects};
use marginalia::model::query::find::FindIndex;
use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store::{self, DiskState};
use marginalia::views::concordance::{KwicQuery, KwicSort, kwic};
use marginalia::views::network::{Network, NetworkFilter};
use marginalia::views::timeline::{RowMode, Timeline, TimelineFilter};
use std::collections::BTreeSet;
use std::time::Instant;

#[path = "support/mod.rs"]
mod support;
use support::Rng;

/// Changes a side in the merge of two divergent copies.
const CHANGES: usize = 10_000;
/// The word searched for (find in project, concordance search).
const WORD: &str = "Panmunjom";
/// How many hits the find-in-project window lists (`app::panels::find`).
const SHOWN_HITS: usize = 2_000;

fn peak_memory_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn timed<R>(f: impl FnOnce() -> R) -> (R, f64) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed().as_secs_f64() * 1e3)
}

struct Figures(Vec<(&'static str, f64)>);

impl Figures {
    fn put(&mut self, name: &'static str, value: f64) {
        println!("{name}={value:.0}");
        self.0.push((name, value));
    }
    fn get(&self, name: &str) -> Option<f64> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }
}

/// `CHANGES` edits as a user would make them (notes, new mentions, deletions of
/// unreferenced annotations, registry notes), to a copy of `base`.
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
            0..8 => doc.annotations.get_mut(&pick).unwrap().note = format!("{side} {i}"),
            8 => {
                let text = doc.text.clone().unwrap();
                let start = rng.below(text.len_chars() - 20);
                let anchor = TextAnchor::span(&text, start, start + 5).unwrap();
                let a = Annotation::new(Body::Mention(Mention {
                    type_id: Slug::new("person"),
                    anchor,
                    entry: None,
                    date: None,
                }));
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
    let small = std::env::var("MARGINALIA_SCALE").is_ok_and(|v| v == "200k");
    let skip = std::env::var("MARGINALIA_SCALE_SKIP").unwrap_or_default();
    let skip = |stage: &str| skip.split(',').any(|s| s == stage);
    let (docs, entries) = if small {
        (2_000, 3_000)
    } else {
        (20_000, 30_000)
    };
    let out = std::env::var_os("MARGINALIA_BENCH_OUT").map_or_else(std::env::temp_dir, Into::into);
    let tmp = tempfile::tempdir_in(out).unwrap();
    let dir = tmp.path().join("project");
    std::fs::create_dir_all(&dir).unwrap();
    let mut f = Figures(Vec::new());

    let ((project, first), gen_ms) = timed(|| support::store_project(&dir, docs, 100, entries));
    println!(
        "# {} documents, {} annotations, {} registry entries, generated in {gen_ms:.0} ms under {}",
        project.documents.len(),
        project.annotation_count(),
        project.registry.len(),
        dir.display()
    );
    let mut disk = DiskState::new(dir.join("bench.marginalia.ron"));
    let all: BTreeSet<DocId> = project.documents.keys().copied().collect();
    let (_, ms) = timed(|| store::save(&project, &mut disk, true, &all).unwrap());
    f.put("save_full_ms", ms);
    drop(project);
    let generated_mb = peak_memory_mb();

    // Opening: the load alone, then the session the window opens.
    let (loaded, ms) = timed(|| store::load(&dir).unwrap());
    f.put("load_ms", ms);
    let (report, ms) = timed(|| {
        marginalia::cli::check::report(
            &loaded.project,
            &loaded.disk.project_file,
            false,
            loaded.problems.clone(),
        )
    });
    f.put("check_ms", f.get("load_ms").unwrap() + ms);
    assert!(report.conflicts.is_empty());
    drop(loaded);
    let (s, ms) = timed(|| Session::open(&dir).unwrap());
    let mut s = s;
    f.put("first_frame_ms", ms);
    f.put("open_ms", ms);

    // Save after one annotation changed (through the history, as the window does).
    let ann = *s.project.documents[&first]
        .annotations
        .keys()
        .next()
        .unwrap();
    let tx = ops::core::set_note(&s.project, first, ann, "edited").unwrap();
    s.commit(tx).unwrap();
    let (report, ms) = timed(|| s.save().unwrap());
    assert_eq!(report.written.len(), 1, "{:?}", report.written);
    // The first look for other writers' changes reads every file once (the window's file
    // watcher makes it soon after opening); later ones read only files whose status changed.
    f.put("save_one_first_ms", ms);
    let tx = ops::core::set_note(&s.project, first, ann, "edited again").unwrap();
    s.commit(tx).unwrap();
    let (report, ms) = timed(|| s.save().unwrap());
    assert_eq!(report.written.len(), 1, "{:?}", report.written);
    f.put("save_one_ms", ms);
    let (_, ms) = timed(|| s.save().unwrap());
    f.put("save_nothing_ms", ms);
    f.put("peak_mb", peak_memory_mb());
    // What every save added before issue 29: the merge base as a full copy of the project.
    let (copy, ms) = timed(|| s.project.clone());
    f.put("project_copy_ms", ms);
    drop(copy);
    // What every save (and every look for another writer's changes) also did before: read
    // and hash every annotation file.
    let (_, ms) = timed(|| {
        for d in s.disk.docs.values() {
            let bytes = std::fs::read(d.file.to_native(&s.disk.dir)).unwrap();
            std::hint::black_box(store::hash_bytes(&bytes));
        }
    });
    f.put("hash_all_ms", ms);

    let source = s.project.documents[&first]
        .meta
        .source
        .clone()
        .unwrap()
        .path;

    // Find in project, as its window searches: each document's index, in order.
    let p = &s.project;
    let (first_hits, ms) = timed(|| {
        let mut hits = 0;
        for d in p.documents.values() {
            if let Some(t) = &d.text {
                hits += FindIndex::new(t, false).search(WORD, false).hits.len();
            }
            if hits >= SHOWN_HITS {
                break;
            }
        }
        hits
    });
    f.put("find_first_ms", ms);
    let (all_hits, ms) = timed(|| {
        p.documents
            .values()
            .filter_map(|d| d.text.as_ref())
            .map(|t| FindIndex::new(t, false).search(WORD, false).hits.len())
            .sum::<usize>()
    });
    f.put("find_all_ms", ms);
    println!("# find {WORD}: {first_hits} hits shown first, {all_hits} in all");

    // Timeline and network.
    let (_, ms) = timed(|| {
        let index = marginalia::views::Index::build(p);
        let t = Timeline::build(p, &index, &TimelineFilter::default(), RowMode::ByType);
        let n = Network::build(p, &index, &NetworkFilter::default());
        (t.events.len(), n.nodes.len())
    });
    f.put("views_ms", ms);

    // Concordance: a registry entry's mentions, and a word.
    let someone = *p.registry.keys().nth(7).unwrap();
    let (lines, ms) = timed(|| kwic(p, &KwicQuery::Entry(someone), 40, KwicSort::Left).len());
    f.put("concordance_ms", ms);
    let (words, ms) = timed(|| kwic(p, &KwicQuery::Search(WORD.into()), 40, KwicSort::Left).len());
    f.put("concordance_word_ms", ms);
    println!("# concordance: {lines} lines for the entry, {words} for {WORD}");

    if !skip("export") {
        for (id, name) in [("tei", "export_tei_ms"), ("csv", "export_csv_ms")] {
            let exporter = formats::exporter(id).unwrap();
            let to = tmp.path().join(id);
            let (_, ms) = timed(|| {
                exporter
                    .export(&s.project, &to, &ExportOptions::default(), &mut |_| {})
                    .unwrap()
            });
            f.put(name, ms);
            let _ = std::fs::remove_dir_all(&to);
        }
    }

    let base = std::mem::take(&mut s.project);
    drop(s);
    if !skip("merge") {
        let ours = diverge(&base, 0x1234_5678_9ABC_DEF1, "ours");
        let theirs = diverge(&base, 0x0FED_CBA9_8765_4321, "theirs");
        let (merged, ms) = timed(|| merge_projects(&base, &ours, &theirs, &Labels::default()));
        f.put("merge_ms", ms);
        println!(
            "# merge: {} conflicts; peak memory with base, ours, theirs and result: {:.0} MB",
            merged.new_conflicts.len(),
            peak_memory_mb()
        );
    }
    drop(base);
    // Re-anchoring after one source changed on disk, as `marginalia reanchor` does it:
    // open, compare every source's hash, re-anchor the changed document, save.
    let src = source.to_native(&dir);
    let mut text = std::fs::read_to_string(&src).unwrap();
    text.insert_str(0, "Inserted line.\n");
    std::fs::write(&src, text).unwrap();
    let (report, ms) = timed(|| marginalia::cli::reanchor::run_as(&dir, None).unwrap());
    assert_eq!(report.documents.len(), 1);
    f.put("reanchor_ms", ms);

    println!("# peak memory after generating (before the save): {generated_mb:.0} MB");

    let targets: &[(&str, f64)] = &[
        ("first_frame_ms", 1_500.0),
        ("save_one_ms", 50.0),
        ("find_first_ms", 200.0),
        ("find_all_ms", 2_000.0),
        ("views_ms", 500.0),
        ("concordance_ms", 200.0),
        ("concordance_word_ms", 200.0),
        ("merge_ms", 10_000.0),
        ("export_tei_ms", 10_000.0),
        ("export_csv_ms", 10_000.0),
        ("peak_mb", 3_072.0),
    ];
    for (name, target) in targets {
        if let Some(v) = f.get(name) {
            let verdict = if v <= *target { "ok" } else { "MISSED" };
            println!("# {name}: {v:.0} (target ≤ {target:.0}): {verdict}");
        }
    }
}
