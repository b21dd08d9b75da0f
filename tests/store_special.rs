//! Special files, leftovers of crashed saves, and a byte-order mark on the project file.
#![allow(clippy::unwrap_used)]

use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store::{self, StoreError, journal};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

const PROJECT: &str = "test.marginalia.ron";
const ANN: &str = "sources/cable.txt.ann.ron";
const SOURCE: &str = "sources/cable.txt";

fn saved_project(dir: &Path) -> Session {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join(SOURCE);
    std::fs::write(&src, "To Cde. FILIPPOV\nfrom Mao Zedong.\n").unwrap();
    let doc = store::document_from_source(dir, &src).unwrap();
    let mut project = Project::new("Special");
    project.documents.insert(doc.id(), doc);
    let mut s = Session::create(project, dir.join(PROJECT));
    s.save().unwrap();
    s
}

/// Loads `path` on another thread; fails the test if that takes more than 10 s (a hang).
fn load_within_limit(path: &Path) -> Result<store::Loaded, StoreError> {
    let (tx, rx) = mpsc::channel();
    let p = path.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(store::load(&p));
    });
    rx.recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|_| panic!("loading {} hangs", path.display()))
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .expect("mkfifo runs (coreutils)")
        .success();
    assert!(ok, "mkfifo {}", p.display());
}

/// Regression for issue 8 item 9: a FIFO in place of a source, annotation or project file
/// blocked `check` and the window forever.
#[cfg(unix)]
#[test]
fn fifo_in_place_of_any_file_is_a_clear_error_not_a_hang() {
    for rel in [SOURCE, ANN, PROJECT] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        saved_project(dir);
        let p = dir.join(rel);
        std::fs::remove_file(&p).unwrap();
        mkfifo(&p);
        let target = if rel == PROJECT {
            p.clone()
        } else {
            dir.into()
        };
        let err = load_within_limit(&target).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("FIFO"), "{rel}: {msg}");
        assert_eq!(err.path(), p, "{rel}: {msg}");
    }
}

#[test]
fn folder_in_place_of_a_file_is_a_clear_error() {
    for rel in [SOURCE, ANN] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        saved_project(dir);
        let p = dir.join(rel);
        std::fs::remove_file(&p).unwrap();
        std::fs::create_dir(&p).unwrap();
        let err = load_within_limit(dir).unwrap_err();
        assert!(err.to_string().contains("folder"), "{rel}: {err}");
        assert_eq!(err.path(), p);
    }
}

/// A device (here `/dev/zero`, which never ends) linked in as a source.
#[cfg(unix)]
#[test]
fn device_as_a_new_source_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    saved_project(dir);
    let link = dir.join("sources/zero.txt");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let err = store::document_from_source(dir, &link).unwrap_err();
    // Outside the folder, and a device: refused either way, by name.
    assert_eq!(err.path(), link, "{err}");
}

/// Regression for issue 8 item 13: a UTF-8 byte-order mark on the project file gave a
/// misleading parse error.
#[test]
fn byte_order_mark_on_project_and_annotation_files_loads() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let s = saved_project(dir);
    for rel in [PROJECT, ANN] {
        let p = dir.join(rel);
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(std::fs::read(&p).unwrap());
        std::fs::write(&p, bytes).unwrap();
    }
    let loaded = store::load(dir).unwrap();
    assert_eq!(loaded.project, s.project);
    // And the next save is not a conflict: the file is what was loaded.
    let mut s = Session::open(dir).unwrap();
    let mut info = s.project.info.clone();
    info.description = "saved over a BOM".into();
    s.commit(Transaction::new("d").with(Edit::Info {
        before: s.project.info.clone(),
        after: info,
    }))
    .unwrap();
    s.save().unwrap();
    assert!(
        std::fs::read_to_string(dir.join(PROJECT))
            .unwrap()
            .contains("saved over a BOM")
    );
}

/// A process id that is not running now.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

/// Regression for issue 8 item 13: temporary files of crashed saves stayed forever.
#[test]
fn stale_temporary_files_of_dead_processes_are_removed_on_load() {
    if !Path::new("/proc/self").exists() {
        eprintln!("no /proc: liveness of a process cannot be told; nothing to test");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    saved_project(dir);
    let dead = dead_pid();
    let mut stale: Vec<PathBuf> = [PROJECT, ANN]
        .iter()
        .map(|rel| journal::temp_path(&dir.join(rel), dead))
        .collect();
    // The journal's own temporary file, from a crash while it was written.
    stale.push(journal::temp_path(
        &journal::journal_path(&dir.join(PROJECT)),
        dead,
    ));
    let keep: Vec<PathBuf> = vec![
        // A running process (this one) may be saving right now.
        journal::temp_path(&dir.join(ANN), std::process::id()),
        // Not a file of this project.
        journal::temp_path(&dir.join("sources/notes.txt"), dead),
        dir.join("sources/.cable.txt.ann.ron.tmp-notapid"),
    ];
    for p in stale.iter().chain(&keep) {
        std::fs::write(p, "partial").unwrap();
    }
    store::load(dir).unwrap();
    for p in &stale {
        assert!(!p.exists(), "{} is still there", p.display());
    }
    for p in &keep {
        assert!(p.exists(), "{} was removed", p.display());
    }
}

/// A journal whose temporary files are missing (its process died before they were
/// complete, and someone removed them): rolled back, no target touched.
#[test]
fn journal_with_missing_temporary_files_is_rolled_back() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let s = saved_project(dir);
    let journal = journal::journal_path(&dir.join(PROJECT));
    std::fs::write(
        &journal,
        format!(
            r#"{{"journal":"marginalia save journal 1","pid":{},"files":[{{"target":"{ANN}","hash":"{}"}}]}}"#,
            dead_pid(),
            store::hash_bytes(b"lost").to_hex()
        ),
    )
    .unwrap();
    let before = std::fs::read(dir.join(ANN)).unwrap();
    let loaded = store::load(dir).unwrap();
    assert_eq!(loaded.project, s.project);
    assert_eq!(std::fs::read(dir.join(ANN)).unwrap(), before);
    assert!(!journal.exists());
    assert!(
        loaded.problems[0].message.contains("undone"),
        "{:?}",
        loaded.problems
    );
}
