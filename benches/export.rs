//! Export benchmark: a generated project of 2,000 documents with 100 annotations each
//! (200,000 annotations: mentions, events with several roles, relations, in Latin,
//! Cyrillic and CJK text) is exported by every exporter in `formats::exporters()`; prints the
//! time per format: the whole export (`seconds`), the part spent making the files in memory
//! (`make s`) and the process's user and system CPU time over the whole export (`user s`,
//! `sys s`; on a machine shared with other builds, CPU time shows the export's own cost
//! better than wall time), and `floor s`: the same files written by a plain loop
//! (`std::fs::write`, no temporary, no sync) into a fresh folder beside — what the file
//! system alone costs here. Run with `cargo bench --bench export`.
//!
//! The exports go under Cargo's `CARGO_TARGET_TMPDIR` (or `MARGINALIA_BENCH_OUT`), not the
//! system temporary folder, and are removed at the end, not between formats: on an ext4
//! without a journal (this build machine), creating a file skips every inode deleted in the
//! last minutes in its block group (`recently_deleted` in the kernel's `find_inode_bit`), so
//! a folder where compilers and linkers have just deleted thousands of temporaries (`/tmp`)
//! costs up to 0.7 ms a file instead of 0.03 ms. See docs/interchange.md.
#![allow(clippy::unwrap_used)]

use marginalia::interchange::export::{ExportOptions, Output};
use marginalia::interchange::formats;
use marginalia::model::*;
use std::collections::BTreeMap;
use std::time::Instant;

const DOCUMENTS: usize = 2_000;
/// Per document: 60 mentions, 20 events, 20 relations.
const MENTIONS: usize = 60;
const EVENTS: usize = 20;
const RELATIONS: usize = 20;

const SENTENCE: &str = "On 10 July 1951 Kim Il Sung met Peng Dehuai at Kaesong; Ли Кэ-нун (李克农) reported to FILIPPOV.\n";

fn project() -> Project {
    let mut project = Project::new("Benchmark");
    let mut entries = Vec::new();
    for i in 0..500 {
        let mut e = Entry::new(Slug::new("person"), format!("Person {i}"));
        if i % 3 == 0 {
            e.authority.push(AuthorityId {
                scheme: Authority::Wikidata,
                id: format!("Q{}", 1000 + i),
            });
        }
        entries.push(e.id);
        project.registry.insert(e.id, e);
    }
    // Mentions: "Kim Il Sung", "Peng Dehuai", "Kaesong", "李克农" in each sentence.
    let words = [
        ("Kim Il Sung", "person"),
        ("Peng Dehuai", "person"),
        ("Kaesong", "place"),
        ("李克农", "person"),
        ("10 July 1951", "date"),
        ("Ли Кэ-нун", "person"),
    ];
    let sentences = MENTIONS / words.len();
    let raw: String = SENTENCE.repeat(sentences);
    for d in 0..DOCUMENTS {
        let text = SourceText::from_str_normalizing(&raw);
        let mut anns: BTreeMap<AnnId, Annotation> = BTreeMap::new();
        let mut mentions = Vec::new();
        let sentence_len = SENTENCE.chars().count();
        for s in 0..sentences {
            for (w, ty) in words {
                let byte = SENTENCE.find(w).unwrap();
                let start = s * sentence_len + SENTENCE[..byte].chars().count();
                let anchor = TextAnchor::span(&text, start, start + w.chars().count()).unwrap();
                let mut a = Annotation::new(Body::Mention(Mention {
                    type_id: Slug::new(ty),
                    anchor,
                    entry: (ty == "person").then(|| entries[(d * 7 + s) % entries.len()]),
                    date: None,
                }));
                if s % 4 == 0 {
                    a.note = "checked against the Russian original".into();
                }
                mentions.push((a.id, start));
                anns.insert(a.id, a);
            }
        }
        for e in 0..EVENTS {
            let s = e % sentences;
            let sentence_start = s * sentence_len;
            let met = SENTENCE[..SENTENCE.find("met").unwrap()].chars().count();
            let trigger =
                TextAnchor::span(&text, sentence_start + met, sentence_start + met + 3).unwrap();
            let base = s * words.len();
            let mut roles = BTreeMap::new();
            roles.insert(
                Slug::new("participant"),
                vec![
                    Target::Annotation(mentions[base].0),
                    Target::Annotation(mentions[base + 1].0),
                ],
            );
            roles.insert(
                Slug::new("place"),
                vec![Target::Annotation(mentions[base + 2].0)],
            );
            roles.insert(
                Slug::new("time"),
                vec![Target::Annotation(mentions[base + 4].0)],
            );
            let mut a = Annotation::new(Body::Event(Event {
                type_id: Slug::new("meeting"),
                trigger: Some(trigger),
                roles,
                date: None,
            }));
            a.attributes
                .insert(Slug::new("status"), AttrValue::Choice("held".into()));
            anns.insert(a.id, a);
        }
        for r in 0..RELATIONS {
            let base = (r % sentences) * words.len();
            let a = Annotation::new(Body::Relation(Relation {
                type_id: Slug::new("subordinate_of"),
                from: Target::Annotation(mentions[base + 1].0),
                to: Target::Annotation(mentions[base].0),
            }));
            anns.insert(a.id, a);
        }
        let doc = Document {
            meta: DocumentMeta {
                id: DocId::new(),
                title: format!("cable {d:04}"),
                source: Some(SourceInfo {
                    path: RelPath::parse(&format!("sources/cable-{d:04}.txt")).unwrap(),
                    hash: String::new(),
                    line_ending: LineEnding::Lf,
                    bom: false,
                }),
                images: vec![],
                status: DocStatus::InProgress,
                archival: ArchivalMeta::default(),
            },
            text: Some(text),
            annotations: anns,
        };
        project.documents.insert(doc.id(), doc);
    }
    project
}

/// This process's (user, system) CPU seconds so far, from `/proc/self/stat` (Linux; clock
/// ticks of 1/100 s); zeros elsewhere.
fn cpu_seconds() -> (f64, f64) {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return (0.0, 0.0);
    };
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0) / 100.0;
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (tick(11), tick(12))
}

fn main() {
    let t = Instant::now();
    let project = project();
    println!(
        "generated {} documents, {} annotations in {:.2?}",
        project.documents.len(),
        project.annotation_count(),
        t.elapsed()
    );
    assert_eq!(
        project.annotation_count(),
        DOCUMENTS * (MENTIONS + EVENTS + RELATIONS)
    );
    let base = std::env::var_os("MARGINALIA_BENCH_OUT").map_or_else(
        || std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")),
        Into::into,
    );
    let tmp = base.join(format!("marginalia-bench-export-{}", std::process::id()));
    println!("writing under {}", tmp.display());
    println!(
        "{:<12} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>12}",
        "format", "seconds", "make s", "user s", "sys s", "floor s", "files", "MiB written"
    );
    // `cargo bench --bench export -- tei brat` measures only those formats.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let mut slow_floor = false;
    for exporter in formats::exporters() {
        if !only.is_empty() && !only.iter().any(|f| f == exporter.id()) {
            continue;
        }
        let out = tmp.join(exporter.id());
        let t = Instant::now();
        exporter
            .write(&project, &mut Output::new(&out), &mut |_| {})
            .unwrap();
        let make = t.elapsed().as_secs_f64();
        // The file system's own cost: the same files, plainly written, one after another.
        let mut made = Output::new(&tmp.join(format!("{}-floor", exporter.id())));
        exporter.write(&project, &mut made, &mut |_| {}).unwrap();
        let t = Instant::now();
        for (path, bytes) in made.files() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        let floor = t.elapsed().as_secs_f64();
        drop(made);
        let (u0, s0) = cpu_seconds();
        let t = Instant::now();
        let files = exporter
            .export(&project, &out, &ExportOptions::default(), &mut |_| {})
            .unwrap()
            .files;
        let secs = t.elapsed().as_secs_f64();
        let (u1, s1) = cpu_seconds();
        let bytes: u64 = files
            .iter()
            .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
            .sum();
        println!(
            "{:<12} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8} {:>12.1}",
            exporter.id(),
            secs,
            make,
            u1 - u0,
            s1 - s0,
            floor,
            files.len(),
            bytes as f64 / (1 << 20) as f64
        );
        if files.len() >= 100 && floor / files.len() as f64 > 2e-4 {
            slow_floor = true;
        }
    }
    if slow_floor {
        println!(
            "note: a plain loop took over 0.2 ms a file here (`floor s`): on ext4 without a \
             journal, files deleted in the last minutes in this folder's block group (an \
             earlier run of this bench, a build) make each new file slow; run again later or \
             set MARGINALIA_BENCH_OUT to another folder"
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
