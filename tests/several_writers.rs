//! Regression tests for issue 21 ("No lost edit among several writers"), one or more per
//! item, each built from the kind of input the issue describes. The real-process trial over
//! many schedules is `tests/process_trial.rs`.
#![allow(clippy::unwrap_used)]

use marginalia::model::merge::{Choice, Labels, merge_projects};
use marginalia::model::ops::{document, events, tagging, text};
use marginalia::model::*;
use marginalia::session::{DiskSync, Session, recovery};
use marginalia::store;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_marginalia");

/// The sample project copied into `dir`; returns its project file.
fn sample(dir: &Path) -> PathBuf {
    marginalia::build_info::install_sample(dir).unwrap()
}

fn first_doc(s: &Session) -> DocId {
    *s.project.documents.keys().next().unwrap()
}

fn stamper(name: &str) -> Option<Stamper> {
    Some(Stamper {
        by: name.into(),
        clock: Clock::System,
    })
}

/// Tags code points `start..end` of the first document as a person with `note`.
fn tag(s: &mut Session, start: usize, end: usize, note: &str) -> AnnId {
    let d = first_doc(s);
    let (tx, id) = tagging::tag_mention(
        &s.project,
        d,
        &[Span::new(start, end)],
        &Slug::new("person"),
    )
    .unwrap();
    s.commit(tx).unwrap();
    let tx = marginalia::model::ops::core::set_note(&s.project, d, id, note).unwrap();
    s.commit(tx).unwrap();
    id
}

fn notes(file: &Path) -> Vec<String> {
    let p = store::load(file).unwrap().project;
    p.documents
        .values()
        .flat_map(|d| d.annotations.values().map(|a| a.note.clone()))
        .collect()
}

// ---------------------------------------------------------------- 1. one writer at a time

/// Two windows each tag a different word and save at the same moment: both tags on disk,
/// 20 times (issue: 5 of 31 trials lost one).
#[test]
fn two_saves_at_the_same_moment_keep_both_tags() {
    for round in 0..20 {
        let tmp = tempfile::tempdir().unwrap();
        let file = sample(tmp.path());
        let mut a = Session::open(&file).unwrap();
        let mut b = Session::open(&file).unwrap();
        let na = format!("Alice {round}");
        let nb = format!("Bob {round}");
        tag(&mut a, 0, 5, &na);
        tag(&mut b, 10, 15, &nb);
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let (ba, bb) = (barrier.clone(), barrier);
        let ta = std::thread::spawn(move || {
            ba.wait();
            a.save().map(|_| a)
        });
        let tb = std::thread::spawn(move || {
            bb.wait();
            b.save().map(|_| b)
        });
        let a = ta.join().unwrap().unwrap();
        let b = tb.join().unwrap().unwrap();
        let on_disk = notes(&file);
        assert!(
            on_disk.contains(&na) && on_disk.contains(&nb),
            "round {round}: {on_disk:?}"
        );
        // And each session holds both, as its author's screen would.
        for s in [&a, &b] {
            let mine: Vec<&String> = s
                .project
                .documents
                .values()
                .flat_map(|d| d.annotations.values().map(|a| &a.note))
                .collect();
            assert!(mine.contains(&&na) || mine.contains(&&nb));
        }
    }
}

/// Two `marginalia add PROJECT FILE --copy` started together: both succeed and both
/// documents are in the project (issue: 9 of 30 trials lost one, 11 refused one).
#[test]
fn two_concurrent_adds_both_succeed() {
    for round in 0..10 {
        let tmp = tempfile::tempdir().unwrap();
        let file = sample(&tmp.path().join("p"));
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        let files: Vec<PathBuf> = (0..2)
            .map(|k| {
                let f = outside.join(format!("letter-{round}-{k}.txt"));
                std::fs::write(&f, format!("Letter {k} of round {round}.\n")).unwrap();
                f
            })
            .collect();
        let children: Vec<_> = files
            .iter()
            .map(|f| {
                Command::new(BIN)
                    .arg("add")
                    .arg(&file)
                    .arg(f)
                    .arg("--copy")
                    .output()
            })
            .collect();
        for c in children {
            let c = c.unwrap();
            assert!(
                c.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&c.stderr)
            );
        }
        let p = store::load(&file).unwrap().project;
        for k in 0..2 {
            let src = format!("sources/letter-{round}-{k}.txt");
            assert!(
                p.documents.values().any(|d| d
                    .meta
                    .source
                    .as_ref()
                    .is_some_and(|s| s.path.as_str() == src)),
                "round {round}: {src} missing"
            );
        }
    }
}

/// A file system where another writer, not honouring the save lock, saves its version of
/// the file being saved just before the save makes its backup and renames: the save finds
/// that it replaced something it did not expect, merges it back, and both edits are kept.
struct Intruder {
    target: PathBuf,
    theirs: Vec<u8>,
    done: std::sync::atomic::AtomicBool,
}

impl store::fs::Fs for Intruder {
    fn create_dir_all(&self, dir: &Path) -> std::io::Result<()> {
        store::fs::RealFs.create_dir_all(dir)
    }
    fn create(&self, path: &Path) -> std::io::Result<Box<dyn store::fs::WriteFile>> {
        store::fs::RealFs.create(path)
    }
    fn rename(&self, from: &Path, to: &Path) -> std::io::Result<()> {
        store::fs::RealFs.rename(from, to)
    }
    fn remove_file(&self, path: &Path) -> std::io::Result<()> {
        // The backup of the target is about to be made: the intruder saves first.
        if path == store::fs::backup_path(&self.target)
            && !self.done.swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            std::fs::write(&self.target, &self.theirs)?;
        }
        store::fs::RealFs.remove_file(path)
    }
    fn hard_link(&self, original: &Path, link: &Path) -> std::io::Result<()> {
        store::fs::RealFs.hard_link(original, link)
    }
    fn copy(&self, from: &Path, to: &Path) -> std::io::Result<()> {
        store::fs::RealFs.copy(from, to)
    }
    fn exists(&self, path: &Path) -> std::io::Result<bool> {
        store::fs::RealFs.exists(path)
    }
    fn file_type(&self, path: &Path) -> std::io::Result<Option<std::fs::FileType>> {
        store::fs::RealFs.file_type(path)
    }
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        store::fs::RealFs.read(path)
    }
    fn sync_dir(&self, dir: &Path) -> std::io::Result<()> {
        store::fs::RealFs.sync_dir(dir)
    }
}

#[test]
fn a_writer_that_ignores_the_lock_is_found_after_the_rename_and_merged_back() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sample(tmp.path());
    let mut a = Session::open(&file).unwrap();
    let mut b = Session::open(&file).unwrap();
    tag(&mut b, 10, 15, "Bob's tag");
    let ann_file = b.disk.docs.values().next().unwrap().file.to_native(b.dir());
    let before = std::fs::read(&ann_file).unwrap();
    b.save().unwrap();
    let theirs = std::fs::read(&ann_file).unwrap();
    // Put the old version back: A looks, sees nothing changed, and the intruder strikes
    // between A's look and A's rename.
    std::fs::write(&ann_file, &before).unwrap();
    tag(&mut a, 0, 5, "Alice's tag");
    let fs = Intruder {
        target: ann_file.clone(),
        theirs,
        done: false.into(),
    };
    a.save_with(&fs).unwrap();
    assert!(fs.done.load(std::sync::atomic::Ordering::SeqCst));
    let on_disk = notes(&file);
    assert!(on_disk.contains(&"Alice's tag".to_owned()), "{on_disk:?}");
    assert!(on_disk.contains(&"Bob's tag".to_owned()), "{on_disk:?}");
}

// ---------------------------------------------------------------- 2. per-session files

#[test]
fn recovery_copies_are_per_session_and_offered_only_when_their_session_is_gone() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sample(tmp.path());
    let mut alice = Session::open(&file).unwrap();
    alice.stamper = stamper("Alice");
    tag(&mut alice, 0, 5, "Alice unsaved");
    recovery::write(&alice).unwrap();
    let mut bob = Session::open(&file).unwrap();
    bob.stamper = stamper("Bob");
    tag(&mut bob, 10, 15, "Bob saved");
    bob.recovery_copy_written_then_saved();
    // Bob's save does not delete Alice's copy; Bob is not offered her live work.
    assert_eq!(
        recovery::copies(&file).len(),
        1,
        "only Alice's copy is left"
    );
    assert!(
        recovery::read(&bob).unwrap().is_none(),
        "Alice is still working"
    );
    // Alice's window dies: her copy is offered, as hers, never as Bob's own.
    drop(alice);
    let mut carol = Session::open(&file).unwrap();
    carol.stamper = stamper("Bob");
    let r = recovery::read(&carol)
        .unwrap()
        .expect("offered once Alice is gone");
    let said = r.describe_for(&carol);
    assert!(said.starts_with("Alice's unsaved work from "), "{said}");
    // Restoring merges it with Bob's saved tag.
    let tx = r.transaction(&carol.project, carol.dir()).unwrap();
    carol.commit(tx).unwrap();
    r.discard();
    carol.save().unwrap();
    let on_disk = notes(&file);
    assert!(
        on_disk.contains(&"Alice unsaved".to_owned()) && on_disk.contains(&"Bob saved".to_owned())
    );
    assert!(recovery::copies(&file).is_empty());
    // A read-only session writes none.
    let mut ro = Session::open(&file).unwrap();
    ro.set_read_only("in use elsewhere".into());
    tag(&mut ro, 20, 25, "read-only");
    recovery::write(&ro).unwrap();
    assert!(recovery::copies(&file).is_empty());
}

trait SaveAndRemove {
    fn recovery_copy_written_then_saved(&mut self);
}

impl SaveAndRemove for Session {
    /// What the window does: a recovery copy a second after the change, removed after the
    /// clean save.
    fn recovery_copy_written_then_saved(&mut self) {
        recovery::write(self).unwrap();
        self.save().unwrap();
        recovery::remove(Some(self));
    }
}

#[test]
fn two_large_saves_do_not_collide_on_one_journal() {
    // Every save of several files writes the one journal; with the save lock they take
    // turns (issue: "cannot remove journal: No such file or directory").
    let tmp = tempfile::tempdir().unwrap();
    let file = sample(tmp.path());
    let mut handles = Vec::new();
    for k in 0..4 {
        let file = file.clone();
        handles.push(std::thread::spawn(move || {
            let mut s = Session::open(&file).unwrap();
            for round in 0..10 {
                // A tag and a new registry entry: a save of two files, with a journal.
                // A span of its own each round: the same span tagged twice is refused.
                let start = (k * 10 + round) * 6;
                tag(&mut s, start, start + 4, &format!("w{k} r{round}"));
                let (tx, _) = marginalia::model::ops::registry::create_entry(
                    &s.project,
                    &Slug::new("person"),
                    &format!("Entry w{k} r{round}"),
                )
                .unwrap();
                s.commit(tx).unwrap();
                s.save().unwrap();
            }
        }));
    }
    for h in handles {
        h.join().unwrap();
    }
    let on_disk = notes(&file);
    let entries: Vec<String> = store::load(&file)
        .unwrap()
        .project
        .registry
        .values()
        .map(|e| e.name.clone())
        .collect();
    for k in 0..4 {
        for round in 0..10 {
            assert!(on_disk.contains(&format!("w{k} r{round}")));
            assert!(entries.contains(&format!("Entry w{k} r{round}")));
        }
    }
}

// ---------------------------------------------------------------- 5. undo is per person

#[test]
fn undo_of_a_record_a_colleague_changed_since_says_whose_work_it_would_remove() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sample(tmp.path());
    let mut a = Session::open(&file).unwrap();
    a.stamper = stamper("Alice");
    let ann = tag(&mut a, 0, 5, "Alice's note");
    a.save().unwrap();
    let mut b = Session::open(&file).unwrap();
    b.stamper = stamper("Bob");
    let d = first_doc(&b);
    let tx = marginalia::model::ops::core::set_note(&b.project, d, ann, "Bob's note").unwrap();
    b.commit(tx).unwrap();
    b.save().unwrap();
    assert!(matches!(a.sync_from_disk().unwrap(), DiskSync::Merged(_)));
    let e = a.undo().unwrap_err().to_string();
    assert!(
        e.contains("Bob") && e.contains("would remove their work"),
        "{e}"
    );
    assert_eq!(a.project.annotation(d, ann).unwrap().note, "Bob's note");
}

// ---------------------------------------------------------------- 6. git pull with conflicts

#[test]
fn conflicts_brought_by_a_pull_open_the_review_at_once_naming_who_made_theirs() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sample(tmp.path());
    let base = store::load(&file).unwrap().project;
    let d = *base.documents.keys().next().unwrap();
    let ann = *base.documents[&d].annotations.keys().next().unwrap();
    let mut s = Session::open(&file).unwrap();
    // What git's merge driver leaves: one annotation changed on two branches.
    let edit = |note: &str, by: &str| {
        let mut p = base.clone();
        let a = p
            .documents
            .get_mut(&d)
            .unwrap()
            .annotations
            .get_mut(&ann)
            .unwrap();
        a.note = note.into();
        a.modified = Some(Stamp {
            by: by.into(),
            at: UtcTime(1_800_000_000),
        });
        p
    };
    let labels = Labels {
        ours: "main".into(),
        theirs: "1f2e3d4c".into(),
    };
    let merged = merge_projects(
        &base,
        &edit("mine", "Alice"),
        &edit("theirs", "Bob"),
        &labels,
    );
    assert_eq!(merged.new_conflicts.len(), 1);
    let mut disk = s.disk.clone();
    let all = merged.project.documents.keys().copied().collect();
    store::save(&merged.project, &mut disk, true, &all).unwrap();
    // The watcher's look: merged, with the conflict for review at once.
    let DiskSync::Merged(m) = s.sync_from_disk().unwrap() else {
        panic!("a pull's conflicts are merged and shown at once");
    };
    assert!(m.incoming >= 1, "{}", m.summary());
    assert_eq!(m.conflicts.len(), 1, "{}", m.summary());
    assert!(m.summary().contains("1 conflict"), "{}", m.summary());
    let c = &s.project.conflicts[0];
    assert!(c.theirs_label.contains("Bob"), "{}", c.theirs_label);
    // Ids people can tell apart: not the time prefix every record of a day shares.
    assert!(
        c.record.describe().contains(&ann.tail()),
        "{}",
        c.record.describe()
    );
    s.resolve_conflicts(&[0], Choice::Theirs).unwrap();
    s.save().unwrap();
}

// ---------------------------------------------------------------- 7. merges that open

#[test]
fn the_same_source_added_on_both_branches_merges_into_one_document() {
    use marginalia::store::merge::{FileKind, Version, merge_file};
    let tmp = tempfile::tempdir().unwrap();
    let file = sample(tmp.path());
    let src = tmp.path().join("korean-armistice-1951/sources/third.txt");
    let dir = file.parent().unwrap().to_path_buf();
    std::fs::write(dir.join("sources/third.txt"), "A third letter.\n").unwrap();
    let _ = src;
    let base_bytes = std::fs::read(&file).unwrap();
    // Both branches add the same file: two documents, two ids, one annotation file.
    let branch = |note: &str| {
        let mut s = Session::open(&file).unwrap();
        let d = store::document_from_source(&dir, &dir.join("sources/third.txt")).unwrap();
        let id = d.id();
        s.commit(Transaction::new("add").with(Edit::Document {
            before: None,
            after: Some(Box::new(d)),
        }))
        .unwrap();
        let (tx, ann) =
            tagging::tag_mention(&s.project, id, &[Span::new(2, 7)], &Slug::new("person")).unwrap();
        s.commit(tx).unwrap();
        let tx = marginalia::model::ops::core::set_note(&s.project, id, ann, note).unwrap();
        s.commit(tx).unwrap();
        let mut disk = s.disk.clone();
        let all = s.project.documents.keys().copied().collect();
        let out = tempfile::tempdir().unwrap();
        disk.project_file = out.path().join(file.file_name().unwrap());
        disk.dir = out.path().to_path_buf();
        for dd in disk.docs.values_mut() {
            dd.hash = None;
        }
        std::fs::create_dir_all(out.path().join("sources")).unwrap();
        store::save(&s.project, &mut disk, true, &all).unwrap();
        let pf = std::fs::read(&disk.project_file).unwrap();
        let af = std::fs::read(out.path().join("sources/third.txt.ann.ron")).unwrap();
        (pf, af)
    };
    let (op, oa) = branch("ours");
    let (tp, ta) = branch("theirs");
    let labels = Labels::default();
    let pm = merge_file(
        FileKind::Project,
        Version {
            path: &file,
            bytes: &base_bytes,
        },
        Version {
            path: &file,
            bytes: &op,
        },
        Version {
            path: &file,
            bytes: &tp,
        },
        &labels,
    )
    .unwrap();
    let ann_path = dir.join("sources/third.txt.ann.ron");
    let am = merge_file(
        FileKind::Document,
        Version {
            path: &ann_path,
            bytes: b"",
        },
        Version {
            path: &ann_path,
            bytes: &oa,
        },
        Version {
            path: &ann_path,
            bytes: &ta,
        },
        &labels,
    )
    .unwrap();
    std::fs::write(&file, &pm.bytes).unwrap();
    std::fs::write(&ann_path, &am.bytes).unwrap();
    let loaded = store::load(&file).expect("the merged project opens");
    let third: Vec<_> = loaded
        .project
        .documents
        .values()
        .filter(|d| {
            d.meta
                .source
                .as_ref()
                .is_some_and(|s| s.path.as_str() == "sources/third.txt")
        })
        .collect();
    assert_eq!(third.len(), 1, "one document");
    let ns: Vec<&str> = third[0]
        .annotations
        .values()
        .map(|a| a.note.as_str())
        .collect();
    assert!(ns.contains(&"ours") && ns.contains(&"theirs"), "{ns:?}");
}

#[test]
fn an_annotation_file_listed_by_no_document_is_reported_by_check() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sample(tmp.path());
    let dir = file.parent().unwrap();
    // What `git add -A` keeps after "deleted on one branch, annotated on the other".
    let ann = std::fs::read(
        std::fs::read_dir(dir.join("sources"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().ends_with(".ann.ron"))
            .unwrap(),
    )
    .unwrap();
    std::fs::write(dir.join("sources/gone.txt.ann.ron"), ann).unwrap();
    let r = marginalia::cli::check::run(&file).unwrap();
    let text = marginalia::cli::check::format_text(&r);
    assert!(
        text.contains("sources/gone.txt.ann.ron") && text.contains("listed by no document"),
        "{text}"
    );
}

#[test]
fn a_branch_listing_one_file_twice_still_merges_into_a_project_that_opens() {
    // Both branches' `add` of one source gives two ids for one file; the driver's result
    // lists it once, so the project opens and the window can show it.
    let tmp = tempfile::tempdir().unwrap();
    let file = sample(tmp.path());
    let text = std::fs::read_to_string(&file).unwrap();
    let start = text.find("documents: [").unwrap();
    let entry_start = text[start..].find('(').unwrap() + start;
    let entry_end = text[entry_start..].find(')').unwrap() + entry_start + 1;
    let entry = &text[entry_start..entry_end];
    let id_at = entry.find("id: \"").unwrap() + 5;
    let other = entry.replacen(&entry[id_at..id_at + 8], "00000000", 1);
    let twice = text.replacen(entry, &format!("{entry},\n        {other}"), 1);
    assert!(store::load(&file).is_ok());
    let (base, theirs) = (tmp.path().join("base"), tmp.path().join("theirs"));
    std::fs::write(&base, &text).unwrap();
    std::fs::write(&theirs, &twice).unwrap();
    let out = Command::new(BIN)
        .arg("merge")
        .args([&base, &file, &theirs])
        .arg("--path")
        .arg(file.file_name().unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let loaded = store::load(&file).expect("the merged project opens");
    assert_eq!(loaded.project.documents.len(), 1);
}

// ---------------------------------------------------------------- 8. guarded reads

#[cfg(unix)]
#[test]
fn a_source_turned_into_a_link_to_a_file_outside_is_not_taken() {
    use marginalia::session::source_watch::changed_sources;
    let tmp = tempfile::tempdir().unwrap();
    let file = sample(tmp.path());
    let s = Session::open(&file).unwrap();
    let d = first_doc(&s);
    let src = s.project.documents[&d]
        .meta
        .source
        .as_ref()
        .unwrap()
        .path
        .to_native(s.dir());
    // What a hostile `git pull` can do: the source becomes a link to /etc/passwd, then to
    // /dev/zero, then a FIFO.
    for target in ["/etc/passwd", "/dev/zero"] {
        std::fs::remove_file(&src).unwrap();
        std::os::unix::fs::symlink(target, &src).unwrap();
        let mut stats = Default::default();
        assert!(changed_sources(&s, &mut stats).is_empty(), "{target} taken");
    }
    std::fs::remove_file(&src).unwrap();
    let fifo = Command::new("mkfifo").arg(&src).status();
    if fifo.is_ok_and(|s| s.success()) {
        let started = std::time::Instant::now();
        let mut stats = Default::default();
        assert!(changed_sources(&s, &mut stats).is_empty());
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "a FIFO froze it"
        );
    }
}

#[cfg(unix)]
#[test]
fn add_copy_and_the_merge_driver_refuse_fifos_and_devices() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sample(&tmp.path().join("p"));
    let out = Command::new(BIN)
        .arg("add")
        .arg(&file)
        .arg("/dev/zero")
        .arg("--copy")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not a regular file") && err.contains("/dev/zero"),
        "{err}"
    );
    let ours = tmp.path().join("ours.marginalia.ron");
    std::fs::copy(&file, &ours).unwrap();
    let out = Command::new(BIN)
        .arg("merge")
        .arg("/dev/zero")
        .arg(&ours)
        .arg(&ours)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a regular file"), "{err}");
}

// ---------------------------------------------------------------- 9. nothing check rejects

#[test]
fn an_entity_type_on_an_event_is_refused_when_committed() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sample(tmp.path());
    let mut s = Session::open(&file).unwrap();
    let d = first_doc(&s);
    let (tx, ev) = events::create_event(&s.project, d, &Slug::new("meeting"), None).unwrap();
    s.commit(tx).unwrap();
    // The op refuses it with the reason...
    let e = tagging::change_type(&s.project, d, ev, &Slug::new("stamp"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("stamp"), "{e}");
    // ...and so does the commit of a transaction built by hand.
    let before = s.project.annotation(d, ev).unwrap().clone();
    let mut after = before.clone();
    after.set_type_id(Slug::new("stamp"));
    let err = s
        .commit(Transaction::new("retype").with(Edit::update_annotation(d, before, after)))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("refused"), "{err}");
    s.save().unwrap();
    assert!(marginalia::cli::check::run(&file).unwrap().ok);
}

// ---------------------------------------------------------------- 10. the hash refresh

/// Issue 21, item 10, the exact reproduction: a save set the edited document's source hash
/// outside the history, so undoing the title change failed with DocumentMismatch and the
/// next undo took back the text edit instead.
#[test]
fn undo_after_a_save_that_refreshed_the_source_hash_takes_back_the_title() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sample(tmp.path());
    let mut s = Session::open(&file).unwrap();
    let d = first_doc(&s);
    let title = s.project.documents[&d].meta.title.clone();
    let tx = text::edit_text(&s.project, d, 0..0, "X").unwrap();
    s.commit(tx).unwrap();
    let tx = document::set_title(&s.project, d, "A new title").unwrap();
    s.commit(tx).unwrap();
    s.save().unwrap();
    assert!(s.undo().unwrap(), "the title change is undone");
    assert_eq!(s.project.documents[&d].meta.title, title);
    assert!(
        s.project.documents[&d]
            .text
            .as_ref()
            .unwrap()
            .as_str()
            .starts_with('X')
    );
    assert!(s.undo().unwrap(), "then the text edit");
    assert!(
        !s.project.documents[&d]
            .text
            .as_ref()
            .unwrap()
            .as_str()
            .starts_with('X')
    );
    // Redo both, save, and the project loads clean (the hash matches the file).
    s.redo().unwrap();
    s.redo().unwrap();
    s.save().unwrap();
    let back = store::load(&file).unwrap();
    assert_eq!(back.project.documents[&d].meta.title, "A new title");
    assert!(
        !back.problems.iter().any(|p| p.message.contains("changed")),
        "{:?}",
        back.problems
    );
}

// ---------------------------------------------------------------- 11. small ones

#[test]
fn git_setup_ignores_journals_and_theirs_copies_like_a_new_project() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sample(tmp.path());
    let dir = file.parent().unwrap();
    if Command::new("git").arg("--version").output().is_err() {
        return;
    }
    assert!(
        Command::new("git")
            .args(["init", "-q"])
            .current_dir(dir)
            .status()
            .unwrap()
            .success()
    );
    marginalia::cli::git_setup::run(&file, Path::new(BIN)).unwrap();
    let ignore = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    for l in [".*.journal", "*.theirs", ".*.save-lock", "*.recovery"] {
        assert!(ignore.lines().any(|x| x == l), "{l} missing:\n{ignore}");
    }
}
