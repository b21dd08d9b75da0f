//! Recovery copies: each session's unsaved work written beside the project file as
//! `.<project file>.<session>.recovery` a second after each change (fsynced), removed after
//! that session's clean save. One file per session, holding its owner (annotator name,
//! machine, process, since): nobody else's save deletes it, and no other window writes it.
//! A read-only session writes none.
//!
//! A copy also holds the versions the session had loaded (its merge base), so on a later
//! open it is merged three-way against what is on disk then — a colleague's work saved
//! meanwhile is kept, never reverted — and offered back as one undoable transaction. Only
//! copies whose session is gone are offered (its process ended — a crash, `kill -9` — or,
//! within this process, the session was closed): to its owner as their own unsaved work, to
//! anyone else as "Alice's unsaved work from …", never as "mine".

use super::{Session, SessionId};
use crate::model::merge::{Conflict, Labels, merge_projects, transaction_between};
use crate::model::{
    Annotation, DocId, DocumentMeta, Edit, Entry, Project, ProjectInfo, Schema, Transaction,
};
use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a recovery copy holds: the project-wide data and every document with unsaved changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recovery {
    pub info: ProjectInfo,
    pub schema: Schema,
    pub registry: Vec<Entry>,
    pub docs: Vec<RecoveredDoc>,
    /// The same records as the crashed session had loaded or last saved them (its merge
    /// base). `None` in copies written before it was kept: those are applied as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<Box<RecoveryBase>>,
    /// The merge conflicts the session held.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Conflict>,
    /// Whose unsaved work this is (`None` in copies from before copies were per session).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Owner>,
    /// The file it was read from (not saved).
    #[serde(skip)]
    pub file: PathBuf,
}

/// The session that wrote a recovery copy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    /// The annotator name (else the system user).
    pub annotator: String,
    pub host: String,
    pub pid: u32,
    /// When the session started (Unix seconds, UTC).
    pub since: u64,
    /// The session's id within its process.
    pub session: String,
    /// When the copy was written (Unix seconds, UTC).
    #[serde(default)]
    pub written: u64,
}

/// The base of a recovery copy: project-wide data, and the base version of each recovered
/// document that existed then (a document added since has none).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecoveryBase {
    pub info: ProjectInfo,
    pub schema: Schema,
    pub registry: Vec<Entry>,
    pub docs: Vec<RecoveredDoc>,
}

/// A document's metadata and annotations as they were in memory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecoveredDoc {
    pub meta: DocumentMeta,
    pub annotations: Vec<Annotation>,
}

/// The recovery file of session `id` for a project file.
pub fn path_for(project_file: &Path, id: &SessionId) -> PathBuf {
    let name = file_name(project_file);
    project_file.with_file_name(format!(".{name}.{}.recovery", id.file_part()))
}

/// The single recovery file earlier versions wrote for every window.
pub fn legacy_path_for(project_file: &Path) -> PathBuf {
    let mut s = project_file.as_os_str().to_owned();
    s.push(".recovery");
    PathBuf::from(s)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Every recovery copy of `project_file` in its folder (this version's and the legacy one).
pub fn copies(project_file: &Path) -> Vec<PathBuf> {
    let name = file_name(project_file);
    let (prefix, legacy) = (format!(".{name}."), format!("{name}.recovery"));
    let dir = project_file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            let ours = n.starts_with(&prefix) && n.ends_with(".recovery") && !n.contains(".tmp-");
            (ours || n == legacy).then(|| e.path())
        })
        .collect();
    out.sort();
    out
}

/// The sessions of this process that are open now, by [`SessionId::file_part`]: their
/// recovery copies are live work, never offered to another session.
fn live_here() -> &'static std::sync::Mutex<std::collections::BTreeSet<String>> {
    static LIVE: std::sync::OnceLock<std::sync::Mutex<std::collections::BTreeSet<String>>> =
        std::sync::OnceLock::new();
    LIVE.get_or_init(Default::default)
}

/// While it lives, session `id` of this process counts as open: its recovery copy is live
/// work. Dropped with the session, its copy becomes a closed session's, to be offered.
#[derive(Debug)]
pub(super) struct Live(String);

impl Live {
    pub(super) fn new(id: &SessionId) -> Self {
        let key = id.file_part();
        if let Ok(mut live) = live_here().lock() {
            live.insert(key.clone());
        }
        Self(key)
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        if let Ok(mut live) = live_here().lock() {
            live.remove(&self.0);
        }
    }
}

impl Owner {
    /// Whether the session that wrote the copy may still be running.
    pub fn is_live(&self) -> bool {
        if self.host != crate::store::lock::host_name() {
            // Another machine: live while it keeps its presence entry fresh.
            return false;
        }
        if self.pid == std::process::id() {
            return live_here()
                .lock()
                .map_or(true, |l| l.contains(&self.session));
        }
        crate::store::fs::process_running(self.pid).unwrap_or(true)
    }
}

impl Recovery {
    /// "Your unsaved work from 2026-11-30 01:02 UTC" or "Alice's unsaved work from …"
    /// (naming the machine when it is not this one), for the session `me`.
    pub fn describe_for(&self, me: &Session) -> String {
        let Some(o) = &self.owner else {
            return "Unsaved work from an earlier session".into();
        };
        let when = crate::store::lock::utc_string(if o.written > 0 { o.written } else { o.since });
        let here = crate::store::lock::host_name();
        if o.annotator == me.annotator() && o.host == here {
            format!("Your unsaved work from {when}")
        } else if o.host == here {
            format!("{}'s unsaved work from {when}", o.annotator)
        } else {
            format!("{}'s unsaved work from {when} (on {})", o.annotator, o.host)
        }
    }

    /// Removes this copy's file (after it was restored or discarded).
    pub fn discard(&self) {
        if !self.file.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.file);
        }
    }
}

/// Writes the recovery copy of a session's unsaved work; a read-only session writes none.
pub fn write(s: &Session) -> anyhow::Result<()> {
    if s.is_read_only() {
        return Ok(());
    }
    let r = Recovery {
        info: s.project.info.clone(),
        schema: s.project.schema.clone(),
        registry: s.project.registry.values().cloned().collect(),
        docs: s
            .unsaved
            .docs
            .iter()
            .filter_map(|id| s.project.documents.get(id))
            .map(|d| RecoveredDoc {
                meta: d.meta.clone(),
                annotations: d.annotations.values().cloned().collect(),
            })
            .collect(),
        base: Some(Box::new(RecoveryBase {
            info: s.base.info.clone(),
            schema: s.base.schema.clone(),
            registry: s.base.registry.values().cloned().collect(),
            docs: s
                .unsaved
                .docs
                .iter()
                .filter_map(|id| s.base.documents.get(id))
                .map(|d| RecoveredDoc {
                    meta: d.meta.clone(),
                    annotations: d.annotations.values().cloned().collect(),
                })
                .collect(),
        })),
        conflicts: s.project.conflicts.clone(),
        owner: Some(Owner {
            annotator: s.annotator(),
            host: s.id.host.clone(),
            pid: s.id.pid,
            since: s.id.since,
            session: s.id.file_part(),
            written: crate::store::lock::now_secs(),
        }),
        file: PathBuf::new(),
    };
    let text = ron::ser::to_string_pretty(&r, ron::ser::PrettyConfig::new())?;
    let path = path_for(&s.disk.project_file, &s.id);
    // Atomic, and a crash leaves a temporary file that [`sweep_leftovers`] removes once its
    // process is gone. No `.bak`: a recovery copy is itself the backup.
    crate::store::write_atomic(&path, text.as_bytes(), crate::store::Backup::Skip)?;
    Ok(())
}

/// Removes what crashed writers of recovery copies of `project_file` left: temporary files
/// of processes no longer running, and the `<recovery>.recovery` temporary of earlier
/// versions.
pub fn sweep_leftovers(project_file: &Path) {
    let mut targets = copies(project_file);
    targets.push(legacy_path_for(project_file));
    crate::store::journal::sweep_stale_temps(&crate::store::fs::RealFs, &targets);
    let legacy = legacy_path_for(&legacy_path_for(project_file));
    if std::fs::symlink_metadata(&legacy).is_ok_and(|m| m.file_type().is_file()) {
        let _ = std::fs::remove_file(legacy);
    }
}

/// Removes the recovery copy of a session, if any (only its own).
pub fn remove(s: Option<&Session>) {
    if let Some(s) = s {
        remove_for(&s.disk.project_file, &s.id);
    }
}

/// Removes session `id`'s recovery copy of a project file, if any.
pub fn remove_for(project_file: &Path, id: &SessionId) {
    let _ = std::fs::remove_file(path_for(project_file, id));
}

/// A recovery copy to offer the session `s`: the oldest copy of a session that is gone
/// (not this one, not one still running) that differs from the loaded project. Copies
/// that differ in nothing are removed.
pub fn read(s: &Session) -> anyhow::Result<Option<Recovery>> {
    sweep_leftovers(&s.disk.project_file);
    let mine = path_for(&s.disk.project_file, &s.id);
    for path in copies(&s.disk.project_file) {
        if path == mine {
            continue;
        }
        let bytes = crate::store::fs::read_regular(&path, 256 << 20)
            .with_context(|| format!("cannot read the recovery copy {}", path.display()))?;
        let text = String::from_utf8(bytes)
            .with_context(|| format!("the recovery copy is damaged: {}", path.display()))?;
        let mut r: Recovery = ron::from_str(&text)
            .with_context(|| format!("the recovery copy is damaged: {}", path.display()))?;
        r.file = path.clone();
        if r.owner.as_ref().is_some_and(Owner::is_live) {
            continue;
        }
        if r.transaction(&s.project, s.dir())?.is_empty() {
            r.discard();
            continue;
        }
        return Ok(Some(r));
    }
    Ok(None)
}

/// A document that was added after the last save, rebuilt from the recovery copy: its text
/// from its source file (if it has one), its metadata and annotations from the copy.
fn added_document(rd: &RecoveredDoc, dir: &Path) -> anyhow::Result<crate::model::Document> {
    let text = match &rd.meta.source {
        Some(src) => {
            let path = src.path.to_native(dir);
            crate::store::document_from_source(dir, &path)
                .with_context(|| {
                    format!(
                        "cannot restore document \"{}\": its source cannot be read",
                        rd.meta.title
                    )
                })?
                .text
        }
        None => None,
    };
    Ok(crate::model::Document {
        meta: rd.meta.clone(),
        text,
        annotations: rd.annotations.iter().map(|a| (a.id, a.clone())).collect(),
    })
}

impl Recovery {
    /// The transaction that brings `project` (whose folder is `dir`) to the recovered state.
    /// A document added after the last save comes back with its text read from its source
    /// in `dir`; one whose source cannot be read is an error naming it, and the copy stays.
    /// With a base, the recovered work is merged three-way into `project` (what is on disk
    /// now): records only the crashed session changed take its version, records only the
    /// disk changed keep the disk's, and records both changed differently become conflicts
    /// for review (the recovered version in place, the disk's kept with the conflict).
    pub fn transaction(&self, project: &Project, dir: &Path) -> anyhow::Result<Transaction> {
        if let Some(base) = &self.base {
            return self.merged_transaction(base, project, dir);
        }
        let mut tx = Transaction::new("Restore unsaved work");
        if self.info != project.info {
            tx.push(Edit::Info {
                before: project.info.clone(),
                after: self.info.clone(),
            });
        }
        if self.schema != project.schema {
            tx.push(Edit::Schema {
                before: Box::new(project.schema.clone()),
                after: Box::new(self.schema.clone()),
            });
        }
        let mine: BTreeMap<_, _> = self.registry.iter().map(|e| (e.id, e)).collect();
        for (id, e) in &project.registry {
            match mine.get(id) {
                None => tx.push(Edit::remove_entry(e.clone())),
                Some(m) if *m != e => tx.push(Edit::update_entry(e.clone(), (*m).clone())),
                _ => {}
            }
        }
        for (id, m) in &mine {
            if !project.registry.contains_key(id) {
                tx.push(Edit::add_entry((*m).clone()));
            }
        }
        for rd in &self.docs {
            let id: DocId = rd.meta.id;
            let Some(d) = project.documents.get(&id) else {
                tx.push(Edit::Document {
                    before: None,
                    after: Some(Box::new(added_document(rd, dir)?)),
                });
                continue;
            };
            if d.meta != rd.meta {
                tx.push(Edit::DocumentMeta {
                    before: Box::new(d.meta.clone()),
                    after: Box::new(rd.meta.clone()),
                });
            }
            let mine: BTreeMap<_, _> = rd.annotations.iter().map(|a| (a.id, a)).collect();
            for (aid, a) in &d.annotations {
                match mine.get(aid) {
                    None => tx.push(Edit::remove_annotation(id, a.clone())),
                    Some(m) if *m != a => {
                        tx.push(Edit::update_annotation(id, a.clone(), (*m).clone()))
                    }
                    _ => {}
                }
            }
            for (aid, m) in &mine {
                if !d.annotations.contains_key(aid) {
                    tx.push(Edit::add_annotation(id, (*m).clone()));
                }
            }
        }
        Ok(tx)
    }

    fn merged_transaction(
        &self,
        base: &RecoveryBase,
        theirs: &Project,
        dir: &Path,
    ) -> anyhow::Result<Transaction> {
        let entries = |v: &[Entry]| v.iter().map(|e| (e.id, e.clone())).collect();
        let anns = |rd: &RecoveredDoc| rd.annotations.iter().map(|a| (a.id, a.clone())).collect();
        let mut b = theirs.clone();
        b.info = base.info.clone();
        b.schema = base.schema.clone();
        b.registry = entries(&base.registry);
        let mut o = theirs.clone();
        o.info = self.info.clone();
        o.schema = self.schema.clone();
        o.registry = entries(&self.registry);
        o.conflicts = self.conflicts.clone();
        for rd in &self.docs {
            let id = rd.meta.id;
            let text = theirs.documents.get(&id).map(|d| d.text.clone());
            match base.docs.iter().find(|d| d.meta.id == id) {
                Some(bd) => {
                    b.documents.insert(
                        id,
                        crate::model::Document {
                            meta: bd.meta.clone(),
                            text: text.clone().flatten(),
                            annotations: anns(bd),
                        },
                    );
                }
                None => {
                    b.documents.remove(&id);
                }
            }
            let doc = match text {
                Some(text) => crate::model::Document {
                    meta: rd.meta.clone(),
                    text,
                    annotations: anns(rd),
                },
                None => added_document(rd, dir)?,
            };
            o.documents.insert(id, doc);
        }
        let labels = Labels {
            ours: match &self.owner {
                Some(o) => format!("{}'s unsaved work", o.annotator),
                None => "recovered".into(),
            },
            theirs: "on disk".into(),
        };
        let merged = merge_projects(&b, &o, theirs, &labels);
        Ok(transaction_between(
            theirs,
            &merged.project,
            "Restore unsaved work",
        ))
    }
}

#[cfg(test)]
mod leftover_tests {
    use super::*;

    #[test]
    fn crashed_recovery_writes_are_swept_and_live_ones_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let project = tmp.path().join("p.marginalia.ron");
        let recovery = legacy_path_for(&project);
        // Left by an earlier version, by a dead process, and by this (live) process.
        let legacy = legacy_path_for(&recovery);
        let dead = tmp.path().join(".p.marginalia.ron.recovery.tmp-4194303");
        let live = tmp.path().join(format!(
            ".p.marginalia.ron.recovery.tmp-{}",
            std::process::id()
        ));
        for f in [&legacy, &dead, &live] {
            std::fs::write(f, "x").unwrap();
        }
        sweep_leftovers(&project);
        assert!(!legacy.exists() && !dead.exists());
        assert!(
            live.exists(),
            "a running writer's file is not ours to remove"
        );
    }
}

#[cfg(test)]
mod added_document_tests {
    use super::*;
    use crate::model::{Annotation, Body, Mention, Slug, TextAnchor};

    #[test]
    fn a_document_added_after_the_last_save_is_restored_with_its_annotations() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("late.txt");
        std::fs::write(&src, "Kim Il Sung\n").unwrap();
        let doc = crate::store::document_from_source(tmp.path(), &src).unwrap();
        let text = doc.text.clone().unwrap();
        let ann = Annotation::new(Body::Mention(Mention {
            type_id: Slug::new("person"),
            anchor: TextAnchor::new(&text, &[crate::model::Span::new(0, 3)]).unwrap(),
            entry: None,
            date: None,
        }));
        let project = Project::new("p");
        let r = Recovery {
            info: project.info.clone(),
            schema: project.schema.clone(),
            registry: Vec::new(),
            docs: vec![RecoveredDoc {
                meta: doc.meta.clone(),
                annotations: vec![ann.clone()],
            }],
            base: None,
            conflicts: Vec::new(),
            owner: None,
            file: PathBuf::new(),
        };
        let tx = r.transaction(&project, tmp.path()).unwrap();
        assert!(!tx.is_empty(), "the added document must not be skipped");
        let mut restored = project.clone();
        crate::model::History::default()
            .commit(&mut restored, tx)
            .unwrap();
        let back = restored.documents.get(&doc.id()).unwrap();
        assert_eq!(back.text, doc.text);
        assert_eq!(back.annotations.get(&ann.id), Some(&ann));
        // Its source gone: an error naming it, not a silent skip.
        std::fs::remove_file(&src).unwrap();
        let err = r.transaction(&project, tmp.path()).unwrap_err();
        assert!(format!("{err:#}").contains("late"), "{err:#}");
    }
}

#[cfg(test)]
mod merge_tests {
    use super::*;
    use crate::model::{Body, Mention, Slug, TextAnchor};

    fn tag(s: &mut Session, start: usize, end: usize, note: &str) -> crate::model::AnnId {
        let (id, doc) = s.project.documents.iter().next().unwrap();
        let text = doc.text.as_ref().unwrap();
        let mut a = Annotation::new(Body::Mention(Mention {
            type_id: Slug::new("person"),
            anchor: TextAnchor::span(text, start, end).unwrap(),
            entry: None,
            date: None,
        }));
        a.note = note.into();
        let aid = a.id;
        s.commit(Transaction::new("tag").with(Edit::add_annotation(*id, a)))
            .unwrap();
        aid
    }

    #[test]
    fn a_crashed_sessions_work_is_merged_with_a_colleagues_save_not_over_it() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("cable.txt");
        std::fs::write(&src, "Stalin wrote to Mao from Moscow.\n").unwrap();
        let doc = crate::store::document_from_source(tmp.path(), &src).unwrap();
        let mut project = Project::new("p");
        project.documents.insert(doc.id(), doc);
        let file = tmp.path().join("p.marginalia.ron");
        crate::session::Session::create(project, file.clone())
            .save()
            .unwrap();
        // A tags Stalin and renames the project, writes its recovery copy, and crashes.
        let mut a = Session::open(&file).unwrap();
        let stalin = tag(&mut a, 0, 6, "from A");
        let mut info = a.project.info.clone();
        info.description = "A's description".into();
        a.commit(Transaction::new("info").with(Edit::Info {
            before: a.project.info.clone(),
            after: info,
        }))
        .unwrap();
        write(&a).unwrap();
        drop(a);
        // Meanwhile B tags Mao and saves.
        let mut b = Session::open(&file).unwrap();
        let mao = tag(&mut b, 16, 19, "from B");
        b.save().unwrap();
        // A reopens and restores: both tags are there, and B's is not reverted.
        let mut a = Session::open(&file).unwrap();
        let r = read(&a).unwrap().expect("the recovery copy is offered");
        let tx = r.transaction(&a.project, a.dir()).unwrap();
        a.commit(tx).unwrap();
        let d = a.project.documents.values().next().unwrap();
        assert!(d.annotations.contains_key(&stalin), "A's work restored");
        assert!(d.annotations.contains_key(&mao), "B's work kept");
        assert_eq!(a.project.info.description, "A's description");
        assert!(a.project.conflicts.is_empty());
        a.save().unwrap();
        let back = Session::open(&file).unwrap();
        assert_eq!(back.project.annotation_count(), 2);
        // Undo takes the restore back, and only it.
        a.undo().unwrap();
        let d = a.project.documents.values().next().unwrap();
        assert!(!d.annotations.contains_key(&stalin) && d.annotations.contains_key(&mao));
    }

    #[test]
    fn the_same_record_changed_by_the_crashed_session_and_on_disk_is_a_conflict() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("cable.txt");
        std::fs::write(&src, "Stalin wrote to Mao.\n").unwrap();
        let doc = crate::store::document_from_source(tmp.path(), &src).unwrap();
        let mut project = Project::new("p");
        project.documents.insert(doc.id(), doc);
        let file = tmp.path().join("p.marginalia.ron");
        let mut first = crate::session::Session::create(project, file.clone());
        let ann = tag(&mut first, 0, 6, "base");
        first.save().unwrap();
        let note = |s: &mut Session, n: &str| {
            let d = *s.project.documents.keys().next().unwrap();
            let before = s.project.annotation(d, ann).unwrap().clone();
            let mut after = before.clone();
            after.note = n.into();
            s.commit(Transaction::new("note").with(Edit::update_annotation(d, before, after)))
                .unwrap();
        };
        let mut a = Session::open(&file).unwrap();
        note(&mut a, "A's note");
        write(&a).unwrap();
        drop(a);
        let mut b = Session::open(&file).unwrap();
        note(&mut b, "B's note");
        b.save().unwrap();
        let mut a = Session::open(&file).unwrap();
        let r = read(&a).unwrap().unwrap();
        a.commit(r.transaction(&a.project, a.dir()).unwrap())
            .unwrap();
        assert_eq!(a.project.conflicts.len(), 1);
        let c = format!("{:?}", a.project.conflicts[0]);
        assert!(c.contains("A's note") && c.contains("B's note"), "{c}");
        assert!(a.save().is_err(), "saving waits for the review");
    }
}
