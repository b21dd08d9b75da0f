//! Several independent sessions on one project folder (issue 10 §2, §5): live merges from
//! disk, undoable merges, refused saves that merge, conflict resolution, the folder watch,
//! and the randomized reliability trial (sessions editing, saving, autosaving, watching and
//! reloading one folder, plus divergent copies merged by the git driver's file merge):
//! every saved edit ends in the project or in a surfaced conflict, and `check` passes.
#![allow(clippy::unwrap_used)]

use marginalia::model::merge::{Choice, Labels, Record};
use marginalia::model::*;
use marginalia::session::{DiskSync, Session};
use marginalia::store::{self, StoreError};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const PROJECT: &str = "group.marginalia.ron";
const TEXTS: [&str; 2] = [
    "Stalin met Mao in Moscow on 16 December 1949. Kim Il Sung wrote to Stalin from Pyongyang.",
    "Filippov replied that the Chinese comrades would decide. Zhou Enlai arrived in Moscow.",
];

fn make_project(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let mut project = Project::new("Group");
    for (i, t) in TEXTS.iter().enumerate() {
        let src = dir.join(format!("sources/doc{i}.txt"));
        std::fs::write(&src, format!("{t}\n")).unwrap();
        let doc = store::document_from_source(dir, &src).unwrap();
        project.documents.insert(doc.id(), doc);
    }
    let file = dir.join(PROJECT);
    Session::create(project, file.clone()).save().unwrap();
    file
}

fn docs(s: &Session) -> Vec<DocId> {
    s.project.documents.keys().copied().collect()
}

/// Tags code points `start..end` of document `d` as a person, with `note`.
fn tag(s: &mut Session, d: DocId, start: usize, end: usize, note: &str) -> AnnId {
    let text = s.project.documents[&d].text.clone().unwrap();
    let mut a = Annotation::new(Body::Mention(Mention {
        type_id: Slug::new("person"),
        anchor: TextAnchor::span(&text, start, end).unwrap(),
        entry: None,
        date: None,
    }));
    a.note = note.into();
    let id = a.id;
    s.commit(Transaction::new("tag").with(Edit::add_annotation(d, a)))
        .unwrap();
    id
}

fn set_note(s: &mut Session, d: DocId, a: AnnId, note: &str) {
    let before = s.project.annotation(d, a).unwrap().clone();
    let mut after = before.clone();
    after.note = note.into();
    s.commit(Transaction::new("note").with(Edit::update_annotation(d, before, after)))
        .unwrap();
}

fn has(s: &Session, d: DocId, a: AnnId) -> bool {
    s.project.annotation(d, a).is_some()
}

#[test]
fn another_sessions_save_is_merged_live_and_our_own_saves_are_no_change() {
    let tmp = tempfile::tempdir().unwrap();
    let file = make_project(tmp.path());
    let mut a = Session::open(&file).unwrap();
    let mut b = Session::open(&file).unwrap();
    let d = docs(&a)[0];
    assert!(matches!(a.sync_from_disk().unwrap(), DiskSync::Unchanged));
    let theirs = tag(&mut b, d, 0, 6, "B");
    b.save().unwrap();
    assert!(a.changed_on_disk());
    let DiskSync::Merged(m) = a.sync_from_disk().unwrap() else {
        panic!("a clean session takes the change at once");
    };
    assert_eq!(m.summary(), "Merged 1 change from disk");
    assert!(has(&a, d, theirs));
    assert!(!a.is_dirty(), "the session now equals the disk");
    // Our own save is not a change on disk.
    let mine = tag(&mut a, d, 11, 14, "A");
    a.save().unwrap();
    assert!(!a.changed_on_disk());
    assert!(matches!(a.sync_from_disk().unwrap(), DiskSync::Unchanged));
    assert!(matches!(b.sync_from_disk().unwrap(), DiskSync::Merged(_)));
    assert!(has(&b, d, mine) && has(&b, d, theirs));
}

/// Issue 21: undo is per person. A live merge used to go on top of the undo stack, so
/// Ctrl+Z took a colleague's tag back and the autosave deleted it from disk.
#[test]
fn a_live_merge_keeps_unsaved_edits_and_is_not_on_the_undo_stack() {
    let tmp = tempfile::tempdir().unwrap();
    let file = make_project(tmp.path());
    let mut a = Session::open(&file).unwrap();
    let mut b = Session::open(&file).unwrap();
    let d = docs(&a)[0];
    let mine = tag(&mut a, d, 0, 6, "A");
    let theirs = tag(&mut b, d, 11, 14, "B");
    b.save().unwrap();
    let DiskSync::Merged(m) = a.sync_from_disk().unwrap() else {
        panic!("no conflict: merged at once");
    };
    assert!(m.conflicts.is_empty());
    assert!(has(&a, d, mine) && has(&a, d, theirs));
    assert!(a.is_dirty(), "A's tag is still unsaved");
    // Undo takes back A's own tag, never B's.
    assert_eq!(a.history.undo_label(), Some("tag"));
    assert!(a.undo().unwrap());
    assert!(!has(&a, d, mine) && has(&a, d, theirs));
    assert!(!a.history.can_undo(), "the merge is not A's to undo");
    a.redo().unwrap();
    assert!(has(&a, d, mine) && has(&a, d, theirs));
    a.save().unwrap();
    let back = Session::open(&file).unwrap();
    assert!(has(&back, d, mine) && has(&back, d, theirs));
}

#[test]
fn a_conflict_waits_for_the_save_then_the_review_and_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let file = make_project(tmp.path());
    let mut first = Session::open(&file).unwrap();
    let d = docs(&first)[0];
    let ann = tag(&mut first, d, 0, 6, "base");
    first.save().unwrap();
    let mut a = Session::open(&file).unwrap();
    let mut b = Session::open(&file).unwrap();
    set_note(&mut a, d, ann, "A's note");
    set_note(&mut b, d, ann, "B's note");
    b.save().unwrap();
    let DiskSync::Postponed(m) = a.sync_from_disk().unwrap() else {
        panic!("a conflict with unsaved edits is not merged live");
    };
    assert_eq!(m.conflicts.len(), 1);
    assert_eq!(a.project.annotation(d, ann).unwrap().note, "A's note");
    // The save merges what B saved first; the conflict stops it, and it waits for review.
    assert!(matches!(
        a.save(),
        Err(StoreError::MergeConflicts { conflicts: 1, .. })
    ));
    let err = a.save().unwrap_err().to_string();
    assert!(err.contains("1 merge conflict is not resolved"), "{err}");
    assert!(err.ends_with(&file.display().to_string()), "{err}");
    a.resolve_conflicts(&[0], Choice::Both).unwrap();
    assert!(a.project.conflicts.is_empty());
    // Resolving is undoable.
    a.undo().unwrap();
    assert_eq!(a.project.conflicts.len(), 1);
    a.redo().unwrap();
    a.save().unwrap();
    let back = Session::open(&file).unwrap();
    let notes: BTreeSet<String> = back.project.documents[&d]
        .annotations
        .values()
        .map(|a| a.note.clone())
        .collect();
    assert!(
        notes.contains("A's note") && notes.contains("B's note"),
        "{notes:?}"
    );
    assert!(marginalia::cli::check::run(&file).unwrap().ok);
}

#[test]
fn two_processes_on_one_folder_the_cli_writes_and_the_session_merges() {
    let tmp = tempfile::tempdir().unwrap();
    let file = make_project(tmp.path());
    let mut a = Session::open(&file).unwrap();
    let d = docs(&a)[0];
    let mine = tag(&mut a, d, 0, 6, "A");
    // Another process adds a document to the project.
    std::fs::write(tmp.path().join("sources/late.txt"), "Nam Il signed.\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .arg("add")
        .arg(&file)
        .arg(tmp.path().join("sources/late.txt"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let DiskSync::Merged(_) = a.sync_from_disk().unwrap() else {
        panic!("the other process's save is merged");
    };
    assert_eq!(a.project.documents.len(), 3);
    assert!(has(&a, d, mine));
    a.save().unwrap();
    let back = Session::open(&file).unwrap();
    assert_eq!(back.project.documents.len(), 3);
    assert!(has(&back, d, mine));
}

mod watch {
    use super::*;
    use marginalia::session::watch::{Outcome, Watch, check};

    #[test]
    fn the_watcher_reports_another_writer_and_merges_it() {
        let tmp = tempfile::tempdir().unwrap();
        let file = make_project(tmp.path());
        let mut a = Session::open(&file).unwrap();
        let mut b = Session::open(&file).unwrap();
        let (woke, wakes) = std::sync::mpsc::channel();
        let mut w = Watch::start(&a, move || {
            let _ = woke.send(());
        });
        assert!(!w.is_polling(), "inotify is available here");
        let d = docs(&b)[0];
        let theirs = tag(&mut b, d, 0, 6, "B");
        b.save().unwrap();
        let mut merged = None;
        for _ in 0..50 {
            std::thread::sleep(std::time::Duration::from_millis(100));
            if let Outcome::Merged { line, .. } = check(&mut w, &mut a, 0.0) {
                merged = Some(line);
                break;
            }
        }
        assert_eq!(merged.as_deref(), Some("Merged 1 change from disk"));
        assert!(has(&a, d, theirs));
        // Our own save makes events but no change: wait for the watcher's event (not a
        // fixed sleep), then it must be judged no change.
        while wakes.try_recv().is_ok() {}
        tag(&mut a, d, 11, 14, "A");
        a.save().unwrap();
        wakes
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("our own save is seen by the watcher");
        assert!(matches!(check(&mut w, &mut a, 0.0), Outcome::Nothing));
    }

    #[test]
    fn without_a_watcher_modification_times_are_polled() {
        let tmp = tempfile::tempdir().unwrap();
        let file = make_project(tmp.path());
        let mut a = Session::open(&file).unwrap();
        let mut b = Session::open(&file).unwrap();
        let mut w = Watch::polling(&a);
        assert!(w.is_polling());
        assert!(matches!(check(&mut w, &mut a, 10.0), Outcome::Nothing));
        let d = docs(&b)[0];
        let theirs = tag(&mut b, d, 0, 6, "B");
        std::thread::sleep(std::time::Duration::from_millis(20));
        b.save().unwrap();
        // Not before the next poll is due.
        assert!(matches!(check(&mut w, &mut a, 11.0), Outcome::Nothing));
        assert!(matches!(
            check(&mut w, &mut a, 12.5),
            Outcome::Merged { .. }
        ));
        assert!(has(&a, d, theirs));
    }
}

// ------------------------------------------------------------------ the reliability trial

/// xorshift64*: deterministic schedules from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Every edit writes a unique token into a note; what a run must account for.
#[derive(Default)]
struct Ledger {
    next: usize,
    /// Tokens some session held when one of its saves succeeded.
    saved: BTreeSet<String>,
    /// Tokens removed on purpose: in an annotation someone deleted, or in a version of a
    /// record that a conflict surfaced for review.
    excused: BTreeSet<String>,
    conflicts: usize,
    saves: usize,
    merges: usize,
}

fn tokens(p: &Project) -> BTreeSet<String> {
    p.documents
        .values()
        .flat_map(|d| d.annotations.values())
        .flat_map(|a| a.note.split_whitespace().map(str::to_owned))
        .collect()
}

fn record_tokens(r: &Option<Record>) -> Vec<String> {
    match r {
        Some(Record::Annotation(a)) => a.note.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

impl Ledger {
    fn token(&mut self) -> String {
        self.next += 1;
        format!("t{}", self.next)
    }

    /// The conflicts a session holds are surfaced (the review shows every version); a
    /// random choice resolves them all.
    fn review(&mut self, s: &mut Session, rng: &mut Rng) {
        if s.project.conflicts.is_empty() {
            return;
        }
        self.conflicts += s.project.conflicts.len();
        for c in &s.project.conflicts {
            for r in [&c.base, &c.ours, &c.theirs] {
                self.excused.extend(record_tokens(r));
            }
        }
        let all: Vec<usize> = (0..s.project.conflicts.len()).collect();
        let choice = [Choice::Mine, Choice::Theirs, Choice::Both][rng.below(3)];
        if s.resolve_conflicts(&all, choice).is_err() {
            // A choice that would leave a reference dangling is refused; both is always safe
            // for annotations.
            s.resolve_conflicts(&all, Choice::Both).unwrap();
        }
    }

    /// A save (by hand or the autosave): a refused one merges from disk, has its conflicts
    /// reviewed, and saves again.
    fn save(&mut self, s: &mut Session, rng: &mut Rng) {
        self.review(s, rng);
        for _ in 0..3 {
            match s.save() {
                Ok(_) => {
                    self.saves += 1;
                    self.saved.extend(tokens(&s.project));
                    return;
                }
                // The save merged what others saved and found conflicts: review, again.
                Err(StoreError::MergeConflicts { .. }) => {
                    self.merges += 1;
                    self.review(s, rng);
                }
                Err(e) => panic!("save failed: {e}"),
            }
        }
        panic!("a save kept conflicting with nobody else writing");
    }

    /// One random edit.
    fn edit(&mut self, s: &mut Session, rng: &mut Rng) {
        let ds = docs(s);
        let d = ds[rng.below(ds.len())];
        let anns: Vec<AnnId> = s.project.documents[&d]
            .annotations
            .keys()
            .copied()
            .collect();
        match rng.below(10) {
            0..=4 => {
                let len = s.project.documents[&d].text.as_ref().unwrap().len_chars();
                let start = rng.below(len - 8);
                let t = self.token();
                tag(s, d, start, start + 1 + rng.below(6), &t);
            }
            5..=8 if !anns.is_empty() => {
                let a = anns[rng.below(anns.len())];
                let t = self.token();
                let note = format!("{} {t}", s.project.annotation(d, a).unwrap().note);
                set_note(s, d, a, note.trim());
            }
            _ if !anns.is_empty() => {
                let a = anns[rng.below(anns.len())];
                let ann = s.project.annotation(d, a).unwrap().clone();
                self.excused
                    .extend(ann.note.split_whitespace().map(str::to_owned));
                s.commit(Transaction::new("delete").with(Edit::remove_annotation(d, ann)))
                    .unwrap();
            }
            _ => {}
        }
    }

    /// Every saved token is in `p` or excused.
    fn lost(&self, p: &Project) -> Vec<String> {
        let have = tokens(p);
        self.saved
            .iter()
            .filter(|t| !have.contains(*t) && !self.excused.contains(*t))
            .cloned()
            .collect()
    }
}

/// Brings every session to the disk's state and saves until nobody has anything left.
fn settle(l: &mut Ledger, sessions: &mut [Session], rng: &mut Rng) {
    for _ in 0..4 {
        for s in sessions.iter_mut() {
            if let DiskSync::Merged(_) = s.sync_from_disk().unwrap() {
                l.merges += 1;
            }
            if s.is_dirty() || !s.project.conflicts.is_empty() {
                l.save(s, rng);
            }
        }
    }
}

/// The files of a project folder the git driver merges (relative path → bytes).
fn ron_files(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    walk(dir)
        .into_iter()
        .filter(|p| store::merge::FileKind::of_path(p).is_some())
        .map(|p| {
            (
                p.strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    for p in walk(from) {
        let rel = p.strip_prefix(from).unwrap();
        let name = rel.to_string_lossy();
        if name.ends_with(".lock") || name.ends_with(".bak") {
            continue;
        }
        let t = to.join(rel);
        std::fs::create_dir_all(t.parent().unwrap()).unwrap();
        std::fs::copy(&p, &t).unwrap();
    }
}

/// Statistics of a run of schedules.
#[derive(Debug, Default, PartialEq, Eq)]
struct Trial {
    schedules: usize,
    saves: usize,
    merges: usize,
    conflicts: usize,
    driver_merges: usize,
    saved_edits: usize,
    lost: usize,
    failed_checks: usize,
}

/// One schedule: three sessions on one folder for 60 random steps, then (every other
/// schedule) a fork into a second folder, 15 steps on each side, and the git driver's merge.
fn schedule(seed: u64, trial: &mut Trial) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut l = Ledger::default();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a");
    let file = make_project(&dir);
    let mut sessions: Vec<Session> = (0..3).map(|_| Session::open(&file).unwrap()).collect();
    for _ in 0..60 {
        let i = rng.below(sessions.len());
        let s = &mut sessions[i];
        match rng.below(10) {
            0..=5 => l.edit(s, &mut rng),
            6 => l.save(s, &mut rng),
            7 => {
                // The watcher: a live merge (a postponed one waits for the next save).
                if let DiskSync::Merged(_) = s.sync_from_disk().unwrap() {
                    l.merges += 1;
                    l.review(s, &mut rng);
                }
            }
            8 if s.is_dirty() => l.save(s, &mut rng), // the autosave
            9 => sessions[i] = Session::open(&file).unwrap(), // reload, dropping unsaved work
            _ => {}
        }
    }
    settle(&mut l, &mut sessions, &mut rng);
    if seed.is_multiple_of(2) {
        // Divergent copies: a fork merged back by the git driver's file merge.
        let fork = tmp.path().join("b");
        copy_dir(&dir, &fork);
        let base = ron_files(&dir);
        let mut ours = Session::open(&file).unwrap();
        let mut theirs = Session::open(&fork.join(PROJECT)).unwrap();
        for _ in 0..15 {
            l.edit(&mut ours, &mut rng);
            l.edit(&mut theirs, &mut rng);
        }
        l.save(&mut ours, &mut rng);
        l.save(&mut theirs, &mut rng);
        let (a_files, b_files) = (ron_files(&dir), ron_files(&fork));
        for (rel, a_bytes) in &a_files {
            let empty = Vec::new();
            let kind = store::merge::FileKind::of_path(rel).unwrap();
            let m = store::merge::merge_file(
                kind,
                store::merge::Version {
                    path: rel,
                    bytes: base.get(rel).unwrap_or(&empty),
                },
                store::merge::Version {
                    path: rel,
                    bytes: a_bytes,
                },
                store::merge::Version {
                    path: rel,
                    bytes: b_files.get(rel).unwrap_or(&empty),
                },
                &Labels::default(),
            )
            .unwrap();
            std::fs::write(dir.join(rel), &m.bytes).unwrap();
        }
        trial.driver_merges += 1;
        let mut merged = Session::open(&file).unwrap();
        l.save(&mut merged, &mut rng);
    }
    let report = marginalia::cli::check::run(&file).unwrap();
    if !report.ok {
        trial.failed_checks += 1;
        eprintln!("seed {seed}: check failed: {:?}", report.problems);
    }
    let last = Session::open(&file).unwrap();
    let lost = l.lost(&last.project);
    if !lost.is_empty() {
        eprintln!("seed {seed}: lost {lost:?}");
    }
    trial.schedules += 1;
    trial.saves += l.saves;
    trial.merges += l.merges;
    trial.conflicts += l.conflicts;
    trial.saved_edits += l.saved.len();
    trial.lost += lost.len();
}

fn run_trial(n: u64) -> Trial {
    let mut t = Trial::default();
    for seed in 1..=n {
        schedule(seed, &mut t);
    }
    println!("{t:?}");
    t
}

#[test]
fn reliability_short_trial_loses_nothing() {
    let t = run_trial(24);
    assert!(t.conflicts > 0 && t.driver_merges > 0, "{t:?}");
    assert_eq!((t.lost, t.failed_checks), (0, 0), "{t:?}");
}

#[test]
#[ignore = "1,000 schedules (a few minutes); run from .ci/checks/shared_reliability.sh"]
fn reliability_thousand_schedules_lose_nothing() {
    let t = run_trial(1000);
    assert_eq!((t.lost, t.failed_checks), (0, 0), "{t:?}");
}
