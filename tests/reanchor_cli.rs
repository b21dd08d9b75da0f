//! `marginalia reanchor`: a copy of the sample project whose cable was corrected outside
//! Marginalia (a header added, "Filippov" retyped "Filipov", CRLF line endings) is
//! re-anchored, saved, and loads clean; what needs review keeps its old place and is listed
//! by `check`.
#![allow(clippy::unwrap_used)]

use marginalia::model::reanchor::ReviewKind;
use marginalia::model::validate::Severity;
use std::path::{Path, PathBuf};

const CABLE: &str = "sources/cable-21677-mao-to-filippov-1951-07-11.txt";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn sample_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    copy_dir(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951"),
        &dir,
    );
    (tmp, dir)
}

#[test]
fn reanchor_after_an_outside_correction() {
    let (_tmp, dir) = sample_copy();
    let src = dir.join(CABLE);
    let before = marginalia::store::load(&dir).unwrap();
    let old = std::fs::read_to_string(&src).unwrap();
    let n_filippov = old.matches("Filippov").count();
    assert!(n_filippov > 0);
    // The title line is rewritten too, so its mentions (whose words recur in the citation
    // below it) cannot be placed with certainty.
    let title_end = old.find('\n').unwrap();
    let new = format!(
        "[Transcription revised 2026]\n\nMao Zedong to Filippov, Cable No. 21677 of 11 July 1951{}",
        &old[title_end..]
    )
    .replace("Filippov", "Filipov")
    .replace('\n', "\r\n");
    std::fs::write(&src, &new).unwrap();

    let report = marginalia::cli::reanchor::run(&dir).unwrap();
    assert_eq!(report.documents.len(), 1);
    let t = report.totals;
    println!("{}", marginalia::cli::reanchor::format_text(&report));
    let anchored = before
        .project
        .documents
        .values()
        .flat_map(|d| d.annotations.values())
        // A region mention without words has nothing in the text to re-anchor.
        .filter(|a| a.anchor().is_some_and(|an| !an.fragments.is_empty()))
        .count();
    assert_eq!(t.total(), anchored);
    assert!(t.moved > anchored / 2, "{t:?}");
    assert!(t.review + t.orphaned > 0, "{t:?}");
    assert!(!report.written.is_empty());

    // Reload: the source matches its hash again; moved anchors match the new text, the
    // others kept their old anchor and carry a review mark that `check` lists.
    let after = marginalia::store::load(&dir).unwrap();
    assert!(
        !after
            .problems
            .iter()
            .any(|p| p.message.contains("source changed since")),
        "{:?}",
        after.problems
    );
    let doc = after.project.documents.values().next().unwrap();
    assert_eq!(
        doc.meta.source.as_ref().unwrap().line_ending,
        marginalia::model::LineEnding::Crlf
    );
    let text = doc.text.as_ref().unwrap();
    let old_doc = before.project.documents.values().next().unwrap();
    let mut reviews = 0;
    for ann in doc.annotations.values() {
        let Some(anchor) = ann.anchor().filter(|an| !an.fragments.is_empty()) else {
            continue;
        };
        match &ann.reanchor {
            None => {
                assert_eq!(
                    anchor.check(text),
                    marginalia::model::anchor::AnchorCheck::Ok,
                    "{anchor:?}"
                );
                // Every placed anchor covers the same words as before, with the correction.
                let was = old_doc.annotations[&ann.id].anchor().unwrap();
                assert_eq!(
                    anchor.quote.exact,
                    was.quote.exact.replace("Filippov", "Filipov")
                );
                assert!(was.extent().start > title_end, "{anchor:?}");
            }
            Some(r) => {
                reviews += 1;
                assert_eq!(Some(anchor), old_doc.annotations[&ann.id].anchor());
                if r.kind == ReviewKind::NeedsReview {
                    assert!(!r.candidates.is_empty());
                }
            }
        }
    }
    assert_eq!(reviews, t.review + t.orphaned);
    let check = marginalia::cli::check::run(&dir).unwrap();
    let listed = check
        .problems
        .iter()
        .filter(|p| {
            p.severity == Severity::Warning
                && (p.message.contains("needs review") || p.message.contains("orphaned"))
        })
        .count();
    assert_eq!(listed, reviews);

    // Nothing changed since: a second run does nothing and writes nothing.
    let again = marginalia::cli::reanchor::run(&dir).unwrap();
    assert!(again.documents.is_empty() && again.written.is_empty());
}

#[test]
fn binary_prints_json_counts() {
    let (_tmp, dir) = sample_copy();
    let src = dir.join(CABLE);
    let old = std::fs::read_to_string(&src).unwrap();
    std::fs::write(&src, format!("Archive copy.\n{old}")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .args(["reanchor", "--json"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let totals = &v["totals"];
    assert!(totals["moved"].as_u64().unwrap() > 50, "{v}");
    assert_eq!(totals["orphaned"].as_u64(), Some(0));
    assert_eq!(totals["unchanged"].as_u64(), Some(0));
}

#[test]
fn reanchor_is_refused_while_the_project_is_open_elsewhere_and_leaves_no_lock() {
    use marginalia::store::lock::{LockInfo, lock_path};
    let (_tmp, dir) = sample_copy();
    let file = dir.join("korean-armistice-1951.marginalia.ron");
    let src = dir.join(CABLE);
    let old = std::fs::read_to_string(&src).unwrap();
    std::fs::write(&src, old.replace("Filippov", "Filipov")).unwrap();
    let project_before = std::fs::read(&file).unwrap();

    // Another live process on this machine holds the project.
    let mut holder = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    let mut info = LockInfo::current();
    info.pid = holder.id();
    std::fs::write(lock_path(&file), ron::ser::to_string(&info).unwrap()).unwrap();
    let err = format!("{:#}", marginalia::cli::reanchor::run(&dir).unwrap_err());
    assert!(err.contains("is open in Marginalia"), "{err}");
    assert!(err.ends_with(&file.display().to_string()), "{err}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        project_before,
        "nothing written"
    );
    let _ = holder.kill();
    let _ = holder.wait();

    // The holder is gone: the stale lock is replaced, and ours is removed at the end.
    let report = marginalia::cli::reanchor::run(&dir).unwrap();
    assert_eq!(report.documents.len(), 1);
    assert!(report.totals.moved > 0);
    assert!(!lock_path(&file).exists(), "no lock left behind");
    assert!(
        marginalia::session::Session::open(&dir)
            .unwrap()
            .load_problems
            .is_empty()
    );
}

#[test]
fn reanchor_stamps_what_it_moves_by_the_given_annotator() {
    let (_tmp, dir) = sample_copy();
    let src = dir.join(CABLE);
    let old = std::fs::read_to_string(&src).unwrap();
    std::fs::write(&src, format!("[Revised]\n\n{old}")).unwrap();
    let at = marginalia::model::UtcTime(1_800_000_000);
    let stamper = marginalia::model::Stamper {
        by: "Ben Ortiz".into(),
        clock: marginalia::model::Clock::Fixed(at),
    };
    let report = marginalia::cli::reanchor::run_as(&dir, Some(stamper)).unwrap();
    assert!(report.totals.moved > 0);
    let after = marginalia::store::load(&dir).unwrap();
    let stamped = after
        .project
        .documents
        .values()
        .flat_map(|d| d.annotations.values())
        .filter(|a| {
            a.modified
                .as_ref()
                .is_some_and(|s| s.by == "Ben Ortiz" && s.at == at)
        })
        .count();
    assert!(
        stamped >= report.totals.moved,
        "{stamped} stamped, {} moved",
        report.totals.moved
    );
}
