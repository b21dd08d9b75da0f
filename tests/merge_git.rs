//! The merge driver under real `git`: a copy of the sample project in a temporary
//! repository, set up with `marginalia git-setup`, edited on two branches and merged.
//! Skipped, with a message, only when git is not installed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use marginalia::model::*;
use marginalia::session::Session;
use std::path::{Path, PathBuf};
use std::process::Command;

mod support;
use support::git::{available as git_available, output as git_out, run as git};

const BIN: &str = env!("CARGO_BIN_EXE_marginalia");
const PROJECT: &str = "korean-armistice-1951.marginalia.ron";

/// A repository holding a copy of the sample project, set up with `git-setup`, committed on
/// branch `main`.
fn repo() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("project");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    std::fs::copy(src.join(PROJECT), dir.join(PROJECT)).unwrap();
    for e in std::fs::read_dir(src.join("sources")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join("sources").join(e.file_name())).unwrap();
    }
    // A line of the user's own, which git-setup must keep.
    std::fs::write(dir.join(".gitignore"), "notes-to-self.txt\n").unwrap();
    support::git::init_with_setup(&dir, BIN, "sample");
    (tmp, dir)
}

/// Opens the project, applies `f` as one transaction, saves.
fn edit(dir: &Path, f: impl FnOnce(&Project) -> Transaction) {
    let mut s = Session::open(&dir.join(PROJECT)).unwrap();
    let tx = f(&s.project);
    s.commit(tx).unwrap();
    s.save().unwrap();
}

fn the_doc(p: &Project) -> &Document {
    p.documents.values().next().unwrap()
}

/// A transaction adding a person mention over `[start, end)` with a note.
fn add_mention(p: &Project, start: usize, end: usize, note: &str) -> (Transaction, AnnId) {
    let doc = the_doc(p);
    let mut a = Annotation::new(Body::Mention(Mention {
        type_id: Slug::new("person"),
        anchor: TextAnchor::span(doc.text.as_ref().unwrap(), start, end).unwrap(),
        entry: None,
        date: None,
    }));
    a.note = note.into();
    let id = a.id;
    let tx = Transaction::new("tag").with(Edit::Annotation {
        doc: doc.id(),
        before: None,
        after: Some(Box::new(a)),
    });
    (tx, id)
}

fn set_note(p: &Project, ann: AnnId, note: &str) -> Transaction {
    let doc = the_doc(p);
    let before = doc.annotations.get(&ann).unwrap().clone();
    let mut after = before.clone();
    after.note = note.into();
    Transaction::new("note").with(Edit::Annotation {
        doc: doc.id(),
        before: Some(Box::new(before)),
        after: Some(Box::new(after)),
    })
}

fn check(dir: &Path) -> (bool, serde_json::Value, String) {
    let json = Command::new(BIN)
        .arg("check")
        .arg(dir.join(PROJECT))
        .arg("--json")
        .current_dir(dir)
        .output()
        .unwrap();
    let text = Command::new(BIN)
        .arg("check")
        .arg(dir.join(PROJECT))
        .current_dir(dir)
        .output()
        .unwrap();
    (
        json.status.success(),
        serde_json::from_slice(&json.stdout).unwrap_or_else(|e| {
            panic!(
                "check --json printed no JSON ({e}): {}",
                String::from_utf8_lossy(&json.stderr)
            )
        }),
        String::from_utf8_lossy(&text.stdout).into_owned(),
    )
}

#[test]
fn git_setup_writes_attributes_ignore_and_driver() {
    if !git_available() {
        eprintln!("SKIPPED: git is not installed");
        return;
    }
    let (_tmp, dir) = repo();
    let attrs = std::fs::read_to_string(dir.join(".gitattributes")).unwrap();
    assert!(
        attrs.contains("*.marginalia.ron merge=marginalia -text"),
        "{attrs}"
    );
    assert!(
        attrs.contains("*.ann.ron merge=marginalia -text"),
        "{attrs}"
    );
    assert!(attrs.contains("*.txt -text"), "{attrs}");
    let ignore = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(ignore.starts_with("notes-to-self.txt\n"), "{ignore}");
    for l in ["*.bak", "*.recovery", "*.marginalia.ron.lock"] {
        assert!(ignore.lines().any(|x| x == l), "{l} in {ignore}");
    }
    let driver = git(&dir, &["config", "--local", "merge.marginalia.driver"]);
    assert!(driver.contains(" merge %O %A %B --path %P"), "{driver}");
    // Running it again adds nothing.
    let o = Command::new(BIN)
        .args(["git-setup", "."])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.join(".gitattributes")).unwrap(),
        attrs
    );
    assert_eq!(
        std::fs::read_to_string(dir.join(".gitignore")).unwrap(),
        ignore
    );
    assert!(git(&dir, &["status", "--porcelain"]).is_empty());
}

#[test]
fn two_branches_annotating_one_document_merge_cleanly() {
    if !git_available() {
        eprintln!("SKIPPED: git is not installed");
        return;
    }
    let (_tmp, dir) = repo();
    git(&dir, &["checkout", "-q", "-b", "alice"]);
    let mut a_id = None;
    edit(&dir, |p| {
        let (tx, id) = add_mention(p, 0, 5, "tagged by Alice");
        a_id = Some(id);
        tx
    });
    git(&dir, &["commit", "-q", "-am", "Alice tags"]);
    git(&dir, &["checkout", "-q", "main"]);
    git(&dir, &["checkout", "-q", "-b", "bob"]);
    let mut b_id = None;
    edit(&dir, |p| {
        let (tx, id) = add_mention(p, 10, 16, "tagged by Bob");
        b_id = Some(id);
        tx
    });
    git(&dir, &["commit", "-q", "-am", "Bob tags"]);
    let o = git_out(&dir, &["merge", "--no-edit", "alice"]);
    assert!(
        o.status.success(),
        "merge: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let loaded = marginalia::store::load(&dir.join(PROJECT)).unwrap();
    let doc = the_doc(&loaded.project);
    assert_eq!(doc.annotations[&a_id.unwrap()].note, "tagged by Alice");
    assert_eq!(doc.annotations[&b_id.unwrap()].note, "tagged by Bob");
    assert!(loaded.project.conflicts.is_empty());
    let (ok, report, text) = check(&dir);
    assert!(ok, "{text}");
    assert!(report.get("conflicts").is_none(), "{report}");
    assert!(git(&dir, &["status", "--porcelain"]).is_empty());
    // The merged file holds exactly what a save writes.
    let mut s = Session::open(&dir.join(PROJECT)).unwrap();
    s.unsaved.project = true;
    s.unsaved.docs = s.project.documents.keys().copied().collect();
    assert!(s.save().unwrap().written.is_empty());
}

#[test]
fn the_same_annotation_changed_on_both_branches_is_a_recorded_conflict() {
    if !git_available() {
        eprintln!("SKIPPED: git is not installed");
        return;
    }
    let (_tmp, dir) = repo();
    let base = marginalia::store::load(&dir.join(PROJECT)).unwrap().project;
    let target = *the_doc(&base).annotations.keys().next().unwrap();
    git(&dir, &["checkout", "-q", "-b", "alice"]);
    edit(&dir, |p| set_note(p, target, "Alice: this is Mao"));
    git(&dir, &["commit", "-q", "-am", "Alice notes"]);
    git(&dir, &["checkout", "-q", "main"]);
    edit(&dir, |p| set_note(p, target, "Bob: this is Stalin"));
    git(&dir, &["commit", "-q", "-am", "Bob notes"]);
    let o = git_out(&dir, &["merge", "--no-edit", "alice"]);
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!o.status.success(), "git must report the conflict: {out}");
    assert!(out.contains("CONFLICT"), "{out}");
    assert!(out.contains("1 conflict recorded"), "{out}");

    // The file loads, with no conflict markers, and the conflict keeps both versions.
    let doc_file = dir.join("sources/cable-21677-mao-to-filippov-1951-07-11.txt.ann.ron");
    let text = std::fs::read_to_string(&doc_file).unwrap();
    assert!(
        !text.contains("<<<<<<<") && !text.contains(">>>>>>>"),
        "{text}"
    );
    let loaded = marginalia::store::load(&dir.join(PROJECT)).unwrap();
    assert_eq!(loaded.project.conflicts.len(), 1);
    let c = &loaded.project.conflicts[0];
    assert_eq!(
        c.record,
        merge::RecordKey::Annotation(the_doc(&base).id(), target)
    );
    let note = |r: &Option<merge::Record>| match r {
        Some(merge::Record::Annotation(a)) => a.note.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(note(&c.ours), "Bob: this is Stalin");
    assert_eq!(note(&c.theirs), "Alice: this is Mao");
    // git ≥ 2.44 names the sides; older versions leave the driver's defaults.
    assert!(
        ["alice", "theirs"].contains(&c.theirs_label.as_str()),
        "{}",
        c.theirs_label
    );
    // The merged project holds ours until someone decides.
    assert_eq!(
        the_doc(&loaded.project).annotations[&target].note,
        "Bob: this is Stalin"
    );

    let (ok, report, text) = check(&dir);
    assert!(
        !ok,
        "check must fail while a conflict is unresolved: {text}"
    );
    assert!(text.contains("unresolved merge conflict"), "{text}");
    assert!(
        text.contains("Alice: this is Mao") && text.contains("Bob: this is Stalin"),
        "{text}"
    );
    let conflicts = report["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1);
    let json = conflicts[0].to_string();
    assert!(
        json.contains("Alice: this is Mao") && json.contains("Bob: this is Stalin"),
        "{json}"
    );

    // Resolving it (here: taking theirs and dropping the record) and committing gives a clean
    // project.
    let mut s = Session::open(&dir.join(PROJECT)).unwrap();
    let tx = set_note(&s.project, target, "Alice: this is Mao");
    s.commit(tx).unwrap();
    s.project.conflicts.clear();
    s.save().unwrap();
    let (ok, _, text) = check(&dir);
    assert!(ok, "{text}");
    git(&dir, &["commit", "-q", "-am", "resolved"]);
    assert!(git(&dir, &["status", "--porcelain"]).is_empty());
}

fn link(p: &Project, ann: AnnId, entry: EntryId) -> Edit {
    let doc = the_doc(p);
    let before = doc.annotations.get(&ann).unwrap().clone();
    let mut after = before.clone();
    if let Body::Mention(m) = &mut after.body {
        m.entry = Some(entry);
    }
    Edit::Annotation {
        doc: doc.id(),
        before: Some(Box::new(before)),
        after: Some(Box::new(after)),
    }
}

fn remove_entry(p: &Project, entry: EntryId) -> Edit {
    Edit::Entry {
        before: Some(Box::new(p.registry[&entry].clone())),
        after: None,
    }
}

/// One branch deletes a registry entry, the other links a mention to it (annotation file)
/// and adds an entry of its own (so both changed the project file and git runs the driver
/// on it): the project-file driver reads the other branch's annotation files through git
/// and restores the entry with a conflict instead of leaving the link dangling.
#[test]
fn deleting_an_entry_another_branch_links_to_is_a_conflict_not_a_dangling_link() {
    if !git_available() {
        eprintln!("SKIPPED: git is not installed");
        return;
    }
    let (_tmp, dir) = repo();
    let ship = Entry::new(Slug::new("organization"), "Jutlandia (hospital ship)");
    edit(&dir, |_| {
        Transaction::new("add").with(Edit::Entry {
            before: None,
            after: Some(Box::new(ship.clone())),
        })
    });
    git(&dir, &["commit", "-q", "-am", "entry"]);
    let base = marginalia::store::load(&dir.join(PROJECT)).unwrap().project;
    let mention = the_doc(&base)
        .annotations
        .values()
        .find(|a| {
            a.as_mention()
                .is_some_and(|m| m.type_id.as_str() == "organization")
        })
        .unwrap()
        .id;
    git(&dir, &["checkout", "-q", "-b", "alice"]);
    edit(&dir, |p| {
        Transaction::new("link")
            .with(link(p, mention, ship.id))
            .with(Edit::Entry {
                before: None,
                after: Some(Box::new(Entry::new(Slug::new("person"), "Peng Dehuai"))),
            })
    });
    git(&dir, &["commit", "-q", "-am", "Alice links"]);
    git(&dir, &["checkout", "-q", "main"]);
    edit(&dir, |p| {
        Transaction::new("delete").with(remove_entry(p, ship.id))
    });
    git(&dir, &["commit", "-q", "-am", "Bob deletes the entry"]);
    let o = git_out(&dir, &["merge", "--no-edit", "alice"]);
    let out = format!(
        "{}{}{}",
        git(&dir, &["log", "--stat", "--format=%s", "-3", "--all"]),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!o.status.success(), "git must report the conflict: {out}");
    let loaded = marginalia::store::load(&dir.join(PROJECT)).unwrap();
    assert_eq!(loaded.project.registry.get(&ship.id), Some(&ship), "{out}");
    assert_eq!(loaded.project.conflicts.len(), 1, "{out}");
    let c = &loaded.project.conflicts[0];
    assert_eq!(c.record, merge::RecordKey::Entry(ship.id));
    assert_eq!(c.kind, merge::ConflictKind::DeletedButReferenced);
    assert_eq!(
        c.referenced_by,
        vec![merge::RecordKey::Annotation(the_doc(&base).id(), mention)]
    );
    let (ok, _, text) = check(&dir);
    assert!(!ok);
    assert!(!text.contains("missing registry entry"), "{text}");
    assert!(text.contains("unresolved merge conflict"), "{text}");
}

/// Merging two registry entries on one branch (relink, then delete) while the other branch
/// edits unrelated annotations and adds an entry stays a clean merge.
#[test]
fn merging_entries_on_one_branch_stays_clean() {
    if !git_available() {
        eprintln!("SKIPPED: git is not installed");
        return;
    }
    let (_tmp, dir) = repo();
    let base = marginalia::store::load(&dir.join(PROJECT)).unwrap().project;
    let counts = base.mention_counts();
    let mut linked = counts.keys().copied();
    let (gone, keep) = (linked.next().unwrap(), linked.next().unwrap());
    let other = the_doc(&base)
        .annotations
        .values()
        .find(|a| !a.targets().contains(&Target::Entry(gone)))
        .unwrap()
        .id;
    git(&dir, &["checkout", "-q", "-b", "alice"]);
    // Alice also adds an entry, so both branches changed the project file and git runs the
    // driver on it: her unchanged mentions of the merged entry must not count as new links.
    edit(&dir, |p| {
        let mut tx = set_note(p, other, "Alice was here");
        tx.push(Edit::Entry {
            before: None,
            after: Some(Box::new(Entry::new(Slug::new("person"), "Peng Dehuai"))),
        });
        tx
    });
    git(&dir, &["commit", "-q", "-am", "Alice notes"]);
    git(&dir, &["checkout", "-q", "main"]);
    edit(&dir, |p| {
        let mut tx = Transaction::new("merge entries");
        for (_, a) in p.mentions_of(gone) {
            tx.push(link(p, a, keep));
        }
        tx.push(remove_entry(p, gone));
        tx
    });
    git(&dir, &["commit", "-q", "-am", "Bob merges two entries"]);
    let o = git_out(&dir, &["merge", "--no-edit", "alice"]);
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let loaded = marginalia::store::load(&dir.join(PROJECT)).unwrap();
    assert!(!loaded.project.registry.contains_key(&gone));
    assert!(loaded.project.conflicts.is_empty());
    assert_eq!(
        the_doc(&loaded.project).annotations[&other].note,
        "Alice was here"
    );
    let (ok, _, text) = check(&dir);
    assert!(ok, "{text}");
}

/// The limit of a per-file driver: when each branch changed a different file (one deleted an
/// entry in the project file, the other linked to it in an annotation file), git merges
/// without calling any driver. `marginalia check` catches the dangling link.
#[test]
fn a_link_git_merges_without_the_driver_is_caught_by_check() {
    if !git_available() {
        eprintln!("SKIPPED: git is not installed");
        return;
    }
    let (_tmp, dir) = repo();
    let ship = Entry::new(Slug::new("organization"), "Jutlandia (hospital ship)");
    edit(&dir, |_| {
        Transaction::new("add").with(Edit::Entry {
            before: None,
            after: Some(Box::new(ship.clone())),
        })
    });
    git(&dir, &["commit", "-q", "-am", "entry"]);
    let base = marginalia::store::load(&dir.join(PROJECT)).unwrap().project;
    let mention = the_doc(&base)
        .annotations
        .values()
        .find(|a| {
            a.as_mention()
                .is_some_and(|m| m.type_id.as_str() == "organization")
        })
        .unwrap()
        .id;
    git(&dir, &["checkout", "-q", "-b", "alice"]);
    edit(&dir, |p| {
        Transaction::new("link").with(link(p, mention, ship.id))
    });
    git(&dir, &["commit", "-q", "-am", "Alice links"]);
    git(&dir, &["checkout", "-q", "main"]);
    edit(&dir, |p| {
        Transaction::new("delete").with(remove_entry(p, ship.id))
    });
    git(&dir, &["commit", "-q", "-am", "Bob deletes the entry"]);
    git(&dir, &["merge", "--no-edit", "alice"]);
    let (ok, _, text) = check(&dir);
    assert!(!ok, "{text}");
    assert!(text.contains("missing registry entry"), "{text}");
}

/// Issue 21: a window killed in the middle of a save of several files, then `git commit -a`
/// without reopening the project, committed the half-written save. git-setup's pre-commit
/// hook refuses while the save journal is there, naming the project and the way to recover;
/// after `marginalia check` (which finishes or rolls back the save, as opening it does) the
/// commit goes through and the committed project passes `check`. A real process of the
/// binary saving in a loop (`debug-edit-loop`: every save writes the project file and an
/// annotation file, through the journal) is killed with SIGKILL at random moments until a
/// kill lands inside a save.
#[test]
fn the_pre_commit_hook_refuses_a_save_torn_by_kill_9() {
    if !git_available() {
        eprintln!("SKIPPED: git is not installed");
        return;
    }
    let (_tmp, dir) = repo();
    let journal = dir.join(format!(".{PROJECT}.journal"));
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut tries = 0;
    while !journal.exists() {
        tries += 1;
        assert!(tries <= 300, "no kill landed inside a save in 300 tries");
        let mut child = Command::new(BIN)
            .arg("debug-edit-loop")
            .arg(&dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(std::time::Duration::from_millis(150 + seed % 400));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        if !journal.exists() {
            // Not inside a save: bring the folder back to a finished state for the next try.
            let o = Command::new(BIN).arg("check").arg(&dir).output().unwrap();
            assert!(o.status.success() || o.status.code() == Some(1));
        }
    }
    git(&dir, &["add", "-A"]);
    let refused = git_out(&dir, &["commit", "-q", "-m", "after the crash"]);
    let said = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(!refused.status.success(), "the commit went through: {said}");
    assert!(said.contains("a save was interrupted"), "{said}");
    assert!(said.contains(PROJECT), "names the project: {said}");
    assert!(
        said.contains("Open the project in Marginalia") && said.contains(" check "),
        "says how to recover: {said}"
    );
    // Recover as the message says, then commit.
    let o = Command::new(BIN).arg("check").arg(&dir).output().unwrap();
    assert!(
        !journal.exists(),
        "check finished or rolled back the save: {o:?}"
    );
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "after the crash, recovered"]);
    // What was committed loads and passes check, in a fresh clone.
    let clone = dir.parent().unwrap().join("clone");
    git(
        dir.parent().unwrap(),
        &[
            "clone",
            "-q",
            dir.to_str().unwrap(),
            clone.to_str().unwrap(),
        ],
    );
    let o = Command::new(BIN).arg("check").arg(&clone).output().unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A pre-commit hook the user already has is never replaced: git-setup writes
/// Marginalia's beside it and says which line to add; running it again changes nothing.
#[test]
fn git_setup_leaves_a_users_own_pre_commit_hook_alone() {
    if !git_available() {
        eprintln!("SKIPPED: git is not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("project");
    std::fs::create_dir_all(&dir).unwrap();
    let file = marginalia::build_info::install_sample(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    let hooks = dir.join(".git/hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    let mine = "#!/bin/sh\n# my own checks\nexit 0\n";
    std::fs::write(hooks.join("pre-commit"), mine).unwrap();
    for _ in 0..2 {
        let o = Command::new(BIN)
            .arg("git-setup")
            .arg(&file)
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(o.status.success(), "{out}");
        assert!(out.contains("pre-commit hook NOT installed"), "{out}");
        assert!(out.contains("pre-commit.marginalia || exit 1"), "{out}");
        assert_eq!(
            std::fs::read_to_string(hooks.join("pre-commit")).unwrap(),
            mine
        );
        let ours = std::fs::read_to_string(hooks.join("pre-commit.marginalia")).unwrap();
        assert!(ours.contains(marginalia::cli::git_setup::HOOK_MARKER));
    }
    // Without a hook of the user's, Marginalia's is the pre-commit hook itself.
    std::fs::remove_file(hooks.join("pre-commit")).unwrap();
    let o = Command::new(BIN)
        .arg("git-setup")
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success());
    let hook = std::fs::read_to_string(hooks.join("pre-commit")).unwrap();
    assert!(hook.contains(marginalia::cli::git_setup::HOOK_MARKER));
}
