//! Store benchmark: a synthetic project of 2,000 documents and 200,000 annotations.
//!
//! Run with `cargo bench --bench store`. Prints load time, full save time, the time to save
//! after changing one annotation, and peak memory (VmHWM). Targets on a 2-core machine:
//! load and full save under 1.5 s, one-document save under 100 ms.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use marginalia::model::*;
use marginalia::store::{self, DiskState};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

#[path = "support/mod.rs"]
mod support;

const DOCS: usize = 2_000;
const ANNS_PER_DOC: usize = 100;

fn make_project(dir: &std::path::Path) -> (Project, DocId) {
    support::store_project(dir, DOCS, ANNS_PER_DOC, 3_000)
}

fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Processor time this process has used so far, all threads (clock ticks of 10 ms).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|f| f.parse::<u64>().ok()))
        .sum();
    Duration::from_millis(ticks * 10)
}

/// Runs `f`, returning its result, wall time and processor time.
fn timed<R>(f: impl FnOnce() -> R) -> (R, Duration, Duration) {
    let (t, c) = (Instant::now(), cpu_time());
    let r = f();
    (r, t.elapsed(), cpu_time() - c)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let t = Instant::now();
    let (project, first) = make_project(dir);
    let anns: usize = project
        .documents
        .values()
        .map(|d| d.annotations.len())
        .sum();
    println!(
        "generated {} documents, {anns} annotations, {} registry entries in {}",
        project.documents.len(),
        project.registry.len(),
        ms(t.elapsed())
    );
    let base_mem = peak_memory_mb();

    // Full save: a project not yet on disk, so every file is written.
    let mut disk = DiskState::new(dir.join("bench.marginalia.ron"));
    let all: BTreeSet<DocId> = project.documents.keys().copied().collect();
    let (report, full_save, full_save_cpu) =
        timed(|| store::save(&project, &mut disk, true, &all).unwrap());
    assert_eq!(report.written.len(), DOCS + 1);
    drop(project);
    let ann_bytes: u64 = std::fs::read_dir(dir.join("sources"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".ann.ron"))
        .map(|e| e.metadata().unwrap().len())
        .sum();

    let (loaded, load, load_cpu) = timed(|| store::load(dir).unwrap());
    let mut loaded = loaded;
    assert_eq!(
        loaded
            .project
            .documents
            .values()
            .map(|d| d.annotations.len())
            .sum::<usize>(),
        anns
    );

    // Saving with every document marked changed but nothing different: serializes all,
    // writes nothing.
    let (report, unchanged_save, unchanged_cpu) =
        timed(|| store::save(&loaded.project, &mut loaded.disk, true, &all).unwrap());
    assert!(report.written.is_empty(), "{:?}", report.written);

    // One annotation changed in one document.
    let doc = loaded.project.documents.get_mut(&first).unwrap();
    let ann = doc.annotations.values_mut().next().unwrap();
    ann.note = "edited".into();
    let one: BTreeSet<DocId> = [first].into_iter().collect();
    let (report, one_save, one_cpu) =
        timed(|| store::save(&loaded.project, &mut loaded.disk, false, &one).unwrap());
    assert_eq!(report.written.len(), 1);

    let verdict = |d: Duration, limit_ms: u64| {
        if d <= Duration::from_millis(limit_ms) {
            "ok"
        } else {
            "MISSED"
        }
    };
    println!(
        "annotation files: {:.1} MB",
        ann_bytes as f64 / (1024.0 * 1024.0)
    );
    println!(
        "wall time (processor time, all threads); machine load: {}",
        load_average()
    );
    println!(
        "load:                  {:>8} ({:>8})  target 1500 ms: {}",
        ms(load),
        ms(load_cpu),
        verdict(load, 1500)
    );
    println!(
        "full save:             {:>8} ({:>8})  target 1500 ms: {}",
        ms(full_save),
        ms(full_save_cpu),
        verdict(full_save, 1500)
    );
    println!(
        "save, nothing changed: {:>8} ({:>8})",
        ms(unchanged_save),
        ms(unchanged_cpu)
    );
    println!(
        "save one annotation:   {:>8} ({:>8})  target 100 ms: {}",
        ms(one_save),
        ms(one_cpu),
        verdict(one_save, 100)
    );
    if let (Some(base), Some(peak)) = (base_mem, peak_memory_mb()) {
        println!("peak memory (VmHWM):  {peak:.0} MB (after generating alone: {base:.0} MB)");
    }
}
