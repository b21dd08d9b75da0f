//! A save of several files is one step for the project: crash it, or fill the disk, at
//! every file-system call of a save and the project still loads entirely old or entirely
//! new, and the session never reports a false conflict afterwards.
#![allow(clippy::unwrap_used)]

use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store::fs::{Fault, FaultyFs, RealFs};
use marginalia::store::journal::{self, Recovery};
use marginalia::store::{self, StoreError};
use std::path::Path;

const PROJECT: &str = "test.marginalia.ron";

/// A saved project with two sources, each with one mention of one registry entry.
fn saved_project(dir: &Path) -> Session {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let mut project = Project::new("Crash test");
    let mut ids = Vec::new();
    for (name, text) in [
        ("a.txt", "To Cde. FILIPPOV\r\nfrom Mao Zedong.\r\n"),
        ("b.txt", "Li Kenong reports from Kaesong.\n"),
    ] {
        let src = dir.join("sources").join(name);
        std::fs::write(&src, text).unwrap();
        let doc = store::document_from_source(dir, &src).unwrap();
        ids.push(doc.id());
        project.documents.insert(doc.id(), doc);
    }
    let mut s = Session::create(project, dir.join(PROJECT));
    let mut tx = Transaction::new("tag");
    for id in ids {
        let text = s.project.documents[&id].text.clone().unwrap();
        let e = Entry::new(Slug::new("person"), "Somebody");
        let m = Annotation::new(Body::Mention(Mention {
            type_id: Slug::new("person"),
            anchor: TextAnchor::span(&text, 0, 2).unwrap(),
            entry: Some(e.id),
            date: None,
        }));
        tx = tx
            .with(Edit::add_entry(e))
            .with(Edit::add_annotation(id, m));
    }
    s.commit(tx).unwrap();
    s.save().unwrap();
    s
}

/// Changes every document's note and the project description: a save writes three files.
fn edit_everything(s: &mut Session, word: &str) {
    let mut tx = Transaction::new("edit");
    for (d, doc) in &s.project.documents {
        let before = doc.annotations.values().next().unwrap().clone();
        let mut after = before.clone();
        after.note = format!("{word} {d}");
        tx = tx.with(Edit::update_annotation(*d, before, after));
    }
    let mut info = s.project.info.clone();
    info.description = word.into();
    tx = tx.with(Edit::Info {
        before: s.project.info.clone(),
        after: info,
    });
    s.commit(tx).unwrap();
}

/// Changes the first document's note only.
fn edit_one(s: &mut Session, word: &str) {
    let (d, doc) = s.project.documents.iter().next().unwrap();
    let before = doc.annotations.values().next().unwrap().clone();
    let mut after = before.clone();
    after.note = word.into();
    let d = *d;
    s.commit(Transaction::new("one").with(Edit::update_annotation(d, before, after)))
        .unwrap();
}

/// The number of file-system steps of the three-file save.
fn steps_of_a_save() -> usize {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = saved_project(tmp.path());
    edit_everything(&mut s, "count");
    let fs = FaultyFs::new(usize::MAX, Fault::Crash);
    let report = s.save_with(&fs).unwrap();
    assert_eq!(report.written.len(), 3, "{report:?}");
    fs.steps()
}

fn no_journal(dir: &Path) -> bool {
    !journal::journal_path(&dir.join(PROJECT)).exists()
}

#[test]
fn crash_at_every_step_leaves_the_project_old_or_new() {
    let steps = steps_of_a_save();
    assert!(steps > 10, "a three-file save takes {steps} steps");
    let (mut old_count, mut new_count) = (0, 0);
    for n in 0..steps {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let mut s = saved_project(dir);
        let old = s.project.clone();
        edit_everything(&mut s, "new");
        let new = s.project.clone();
        let fs = FaultyFs::new(n, Fault::Crash);
        let result = s.save_with(&fs);
        assert!(fs.fired(), "step {n} of {steps} was not reached");
        assert!(result.is_err(), "crash at step {n} reported success");
        drop(s);
        // The process is gone; a new one opens the project.
        let loaded = store::load(dir).unwrap_or_else(|e| panic!("step {n}: {e}"));
        if loaded.project == old {
            old_count += 1;
        } else if loaded.project == new {
            new_count += 1;
        } else {
            panic!("crash at step {n} of {steps} left a mixed project");
        }
        assert!(no_journal(dir), "step {n}: the journal is still there");
        // And it saves again without a false conflict.
        let mut s = Session::open(dir).unwrap();
        edit_everything(&mut s, "again");
        s.save().unwrap_or_else(|e| panic!("step {n}: {e}"));
        assert_eq!(store::load(dir).unwrap().project, s.project);
    }
    println!("crash at each of {steps} steps: {old_count} old, {new_count} new, 0 mixed");
    // The journal is the commit point, so both outcomes occur.
    assert!(
        old_count > 0 && new_count > 0,
        "{old_count} old, {new_count} new"
    );
}

/// A crash while a crashed save is being finished: the next load finishes it.
#[test]
fn crash_during_recovery_is_recovered_next_time() {
    let steps = steps_of_a_save();
    let mut recoveries_crashed = 0;
    for n in 0..steps {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let mut s = saved_project(dir);
        let old = s.project.clone();
        edit_everything(&mut s, "new");
        let new = s.project.clone();
        let _ = s.save_with(&FaultyFs::new(n, Fault::Crash));
        drop(s);
        if no_journal(dir) {
            continue;
        }
        for m in 0.. {
            // Each time from the state the crashed save left.
            let copy = tempfile::tempdir().unwrap();
            copy_dir(dir, copy.path());
            let fs = FaultyFs::new(m, Fault::Crash);
            let r = journal::recover(&fs, &copy.path().join(PROJECT));
            if !fs.fired() {
                assert!(
                    matches!(r, Ok(Some(Recovery::RolledForward { .. }))),
                    "{r:?}"
                );
                break;
            }
            recoveries_crashed += 1;
            // Crashed at step m of the recovery: the next load finishes the save.
            let loaded = store::load(copy.path()).unwrap();
            assert!(
                loaded.project != old || old == new,
                "save crash {n}, recovery crash {m}: old after the commit point"
            );
            assert!(
                loaded.project == new,
                "save crash {n}, recovery crash {m}: mixed"
            );
            assert!(no_journal(copy.path()));
        }
        assert_eq!(store::load(dir).unwrap().project, new);
    }
    println!("{recoveries_crashed} crashes during recovery, all finished by the next load");
    assert!(recoveries_crashed > 0);
}

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Item 4 of issue 8: a full disk at any step, then space is freed and the user makes one
/// more edit: Save works and reports no conflict, and what the session believes is on disk
/// is true all along.
#[test]
fn full_disk_at_every_step_then_save_again_without_false_conflict() {
    let steps = steps_of_a_save();
    let mut failed = 0;
    for n in 0..steps {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let mut s = saved_project(dir);
        let old = s.project.clone();
        edit_everything(&mut s, "new");
        let new = s.project.clone();
        let fs = FaultyFs::new(n, Fault::NoSpace);
        let result = s.save_with(&fs);
        assert!(fs.fired());
        match &result {
            Ok(_) => assert!(!s.is_dirty()),
            Err(e) => {
                failed += 1;
                assert!(
                    s.is_dirty(),
                    "step {n}: a failed save marked the project saved"
                );
                assert!(
                    matches!(e, StoreError::Io { .. }),
                    "step {n}: unexpected error {e}"
                );
            }
        }
        // What the session believes: each file holds its recorded version, or one of
        // the versions a failed save may have left.
        let believed = |rel: &Path, hash: Option<store::Hash>| {
            let native = dir.join(rel);
            let actual = std::fs::read(&native).ok().map(|b| store::hash_bytes(&b));
            let possible = s.disk.attempted.get(&native);
            assert!(
                actual == hash || actual.is_some_and(|a| possible.is_some_and(|p| p.contains(&a))),
                "step {n}: the session is wrong about {}",
                rel.display()
            );
        };
        believed(Path::new(PROJECT), s.disk.project_hash);
        for d in s.disk.docs.values() {
            believed(Path::new(d.file.as_str()), d.hash);
        }
        // On disk the project is entirely old or entirely new.
        let loaded = store::load(dir).unwrap();
        assert!(
            loaded.project == old || loaded.project == new,
            "step {n}: mixed"
        );
        if result.is_ok() {
            assert_eq!(loaded.project, new, "step {n}");
        }
        // Space freed; one more edit; save.
        edit_one(&mut s, "after the disk was full");
        s.save_with(&RealFs)
            .unwrap_or_else(|e| panic!("step {n}: save after freeing space: {e}"));
        assert!(!s.is_dirty());
        assert_eq!(store::load(dir).unwrap().project, s.project, "step {n}");
        assert!(no_journal(dir));
    }
    println!("full disk at each of {steps} steps: {failed} saves failed, 0 false conflicts");
    assert!(failed > 0);
}

/// A journal left by a crash is applied before anything is read, and noted as a warning.
#[test]
fn load_reports_a_finished_interrupted_save() {
    let steps = steps_of_a_save();
    let mut seen = false;
    for n in 0..steps {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let mut s = saved_project(dir);
        edit_everything(&mut s, "new");
        let _ = s.save_with(&FaultyFs::new(n, Fault::Crash));
        if no_journal(dir) {
            continue;
        }
        let loaded = store::load(dir).unwrap();
        assert!(
            loaded.problems[0]
                .message
                .contains("interrupted by a crash"),
            "{:?}",
            loaded.problems
        );
        seen = true;
        break;
    }
    assert!(seen, "no crash point left a journal");
}

/// Save As into a new folder on a full disk, at every step: retrying it after one more
/// edit is no false conflict, and the new folder loads as saved. A project whose only
/// file is the project file takes the one-file path (no journal) too.
#[test]
fn full_disk_during_save_as_then_retry_without_false_conflict() {
    for with_documents in [true, false] {
        let count = {
            let tmp = tempfile::tempdir().unwrap();
            let mut s = saved_project(&tmp.path().join("a"));
            if !with_documents {
                s.project.documents.clear();
            }
            let fs = FaultyFs::new(usize::MAX, Fault::NoSpace);
            s.save_as_with(&fs, tmp.path().join(PROJECT)).unwrap();
            fs.steps()
        };
        for n in 0..count {
            let tmp = tempfile::tempdir().unwrap();
            let mut s = saved_project(&tmp.path().join("a"));
            if !with_documents {
                s.project.documents.clear();
            }
            let target = tmp.path().join("b").join(PROJECT);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            let _ = s.save_as_with(&FaultyFs::new(n, Fault::NoSpace), target.clone());
            let mut info = s.project.info.clone();
            info.description = "after the disk was full".into();
            s.commit(Transaction::new("d").with(Edit::Info {
                before: s.project.info.clone(),
                after: info,
            }))
            .unwrap();
            s.save_as(target.clone())
                .unwrap_or_else(|e| panic!("documents {with_documents}, step {n}: {e}"));
            let loaded = store::load(&target).unwrap();
            assert_eq!(loaded.project.info, s.project.info);
        }
    }
}
