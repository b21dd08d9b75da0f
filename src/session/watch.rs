//! Watching the open project's files for other writers (a second window, a colleague on a
//! shared drive, `git pull`): file-system events through `notify`, debounced, or — when no
//! watcher can start (too many watches, a file system without events) — polling the files'
//! modification times. Either way this only says "look again"; whether the files really
//! changed is decided by content ([`Session::changed_on_disk`]), so our own saves are no
//! change, and what changed is merged by [`Session::sync_from_disk`]. Source files changed
//! by another writer are picked up by [`super::source_watch`] when [`Watch::sources_due`].

use crate::session::{DiskSync, Session};
use crate::store::{DOC_SUFFIX, PROJECT_SUFFIX};
use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

/// How long a burst of events (a save renames several files) is gathered before it is
/// reported once.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// How often the files' modification times are compared when there is no watcher.
pub const POLL_SECS: f64 = 2.0;

/// Each source file's modification time and length when it was last hashed.
pub type SourceStats = std::collections::HashMap<PathBuf, (Option<SystemTime>, u64)>;

/// Watches one project file and its annotation files. Invariant: `project_file` is the file
/// of the session it was started for; a session saved elsewhere needs a new watch.
pub struct Watch {
    pub project_file: PathBuf,
    mode: Mode,
    /// Look again at the next check (another writer was mid-save).
    again: bool,
    /// The files changed since the source files were last compared with what this session
    /// knows: [`super::source_watch`] looks at them and clears it.
    pub sources_due: bool,
    /// Each source file's modification time and length when it was last hashed, so a check
    /// reads only the sources whose metadata changed (a shared project of thousands of
    /// documents is not hashed again on every save by a colleague).
    pub source_stats: SourceStats,
}

enum Mode {
    Events {
        _debouncer: Debouncer<RecommendedWatcher>,
        rx: mpsc::Receiver<()>,
    },
    Poll {
        next: f64,
        mtimes: BTreeMap<PathBuf, Option<SystemTime>>,
    },
}

/// Whether an event on `path` can mean the project changed: the project file, an
/// annotation file, a save's journal (its removal ends another writer's save), or a source
/// text (one of `sources`, the project's source files when the watch started, or any `.txt`
/// file, so documents added later count too).
fn relevant(path: &Path, sources: &BTreeSet<PathBuf>) -> bool {
    sources.contains(path)
        || path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
            n.ends_with(PROJECT_SUFFIX)
                || n.ends_with(DOC_SUFFIX)
                || n.ends_with(".journal")
                || n.ends_with(".txt")
        })
}

/// The project's source files.
fn source_files(s: &Session) -> BTreeSet<PathBuf> {
    s.project
        .documents
        .values()
        .filter_map(|d| d.meta.source.as_ref())
        .map(|src| src.path.to_native(&s.disk.dir))
        .collect()
}

/// The files whose change means the project changed, with their modification times.
fn mtimes(s: &Session) -> BTreeMap<PathBuf, Option<SystemTime>> {
    let mut files = vec![s.disk.project_file.clone()];
    files.extend(s.disk.docs.values().map(|d| d.file.to_native(&s.disk.dir)));
    files.extend(source_files(s));
    files
        .into_iter()
        .map(|f| {
            let t = std::fs::metadata(&f).and_then(|m| m.modified()).ok();
            (f, t)
        })
        .collect()
}

impl Watch {
    /// Watches the session's folder; `wake` is called from the watcher's thread when
    /// something relevant happened (the window asks for a repaint there). Falls back to
    /// polling when the watcher cannot start.
    pub fn start(s: &Session, wake: impl Fn() + Send + 'static) -> Self {
        match Self::events(s, wake) {
            Ok(w) => w,
            Err(_) => Self::polling(s),
        }
    }

    fn events(
        s: &Session,
        wake: impl Fn() + Send + 'static,
    ) -> notify_debouncer_mini::notify::Result<Self> {
        let (tx, rx) = mpsc::channel();
        let sources = source_files(s);
        let mut debouncer = new_debouncer(DEBOUNCE, move |r: DebounceEventResult| {
            // An error from the watcher (events lost) is a reason to look, too.
            let look = r.map_or(true, |events| {
                events.iter().any(|e| relevant(&e.path, &sources))
            });
            if look && tx.send(()).is_ok() {
                wake();
            }
        })?;
        debouncer
            .watcher()
            .watch(&s.disk.dir, RecursiveMode::Recursive)?;
        Ok(Self {
            project_file: s.disk.project_file.clone(),
            mode: Mode::Events {
                _debouncer: debouncer,
                rx,
            },
            again: false,
            sources_due: false,
            source_stats: SourceStats::new(),
        })
    }

    /// Polls modification times every [`POLL_SECS`] instead of watching.
    pub fn polling(s: &Session) -> Self {
        Self {
            project_file: s.disk.project_file.clone(),
            mode: Mode::Poll {
                next: 0.0,
                mtimes: mtimes(s),
            },
            again: false,
            sources_due: false,
            source_stats: SourceStats::new(),
        }
    }

    /// Whether this watch polls (no watcher could start).
    pub fn is_polling(&self) -> bool {
        matches!(self.mode, Mode::Poll { .. })
    }

    /// Whether the files may have changed since the last call; `now` is a clock in seconds
    /// (the window's), used to pace polling.
    pub fn take_changed(&mut self, s: &Session, now: f64) -> bool {
        let again = std::mem::take(&mut self.again);
        match &mut self.mode {
            Mode::Events { rx, .. } => {
                let mut any = again;
                while rx.try_recv().is_ok() {
                    any = true;
                }
                any
            }
            Mode::Poll { next, mtimes: seen } => {
                if now < *next && !again {
                    return false;
                }
                *next = now + POLL_SECS;
                let current = mtimes(s);
                let changed = current != *seen;
                *seen = current;
                changed || again
            }
        }
    }

    /// Look again at the next check.
    pub fn again(&mut self) {
        self.again = true;
    }

    /// Whether the next check looks again whatever the watcher reports (another writer was
    /// mid-save): the caller checks again soon, not only at the next event.
    pub fn pending(&self) -> bool {
        self.again
    }
}

/// What a check of the disk brought, for the status bar and the window.
pub enum Outcome {
    Nothing,
    /// One line for the status bar, and whether conflicts now wait for review.
    Merged {
        line: String,
        conflicts: bool,
    },
    Postponed(String),
    Error(String),
}

/// Looks at the disk when `watch` says so and merges what another writer saved into the
/// session.
pub fn check(watch: &mut Watch, s: &mut Session, now: f64) -> Outcome {
    if !watch.take_changed(s, now) {
        return Outcome::Nothing;
    }
    watch.sources_due = true;
    match s.sync_from_disk() {
        Ok(DiskSync::Unchanged) => Outcome::Nothing,
        Ok(DiskSync::Busy) => {
            watch.again();
            Outcome::Nothing
        }
        Ok(DiskSync::Merged(m)) => Outcome::Merged {
            line: m.summary(),
            conflicts: !m.conflicts.is_empty(),
        },
        Ok(DiskSync::Postponed(m)) => Outcome::Postponed(format!(
            "The project changed on disk ({} change{}); {} conflict{} with your unsaved edits — saving will merge them for review",
            m.incoming,
            if m.incoming == 1 { "" } else { "s" },
            m.conflicts.len(),
            if m.conflicts.len() == 1 { "" } else { "s" },
        )),
        Err(e) => Outcome::Error(format!("Cannot read the changes on disk: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_annotation_journal_and_source_files_are_relevant() {
        let none = BTreeSet::new();
        let relevant = |p: &str| relevant(Path::new(p), &none);
        assert!(relevant("/p/x.marginalia.ron"));
        assert!(relevant("/p/sources/a.txt.ann.ron"));
        assert!(relevant("/p/.x.marginalia.ron.journal"));
        assert!(relevant("/p/sources/a.txt"));
        assert!(!relevant("/p/.x.marginalia.ron.tmp-12"));
        assert!(!relevant("/p/x.marginalia.ron.recovery"));
        assert!(!relevant("/p/sources/a.txt.bak"));
        assert!(!relevant("/p/sources/a.txt.theirs"));
        assert!(!relevant("/p/notes.md"));
    }

    #[test]
    fn a_source_of_the_project_is_relevant_whatever_its_name() {
        let sources = BTreeSet::from([PathBuf::from("/p/sources/letter.xml")]);
        assert!(relevant(Path::new("/p/sources/letter.xml"), &sources));
        assert!(!relevant(Path::new("/p/sources/other.xml"), &sources));
    }

    #[test]
    fn polling_sees_a_source_file_change() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path();
        std::fs::create_dir_all(dir.join("sources")).expect("sources dir");
        let src = dir.join("sources/a.txt");
        std::fs::write(&src, "one\n").expect("write source");
        let doc = crate::store::document_from_source(dir, &src).expect("document");
        let mut project = crate::model::Project::new("P");
        project.documents.insert(doc.id(), doc);
        let mut s = Session::create(project, dir.join("p.marginalia.ron"));
        s.save().expect("save");
        let mut w = Watch::polling(&s);
        assert!(!w.take_changed(&s, 0.0), "nothing changed yet");
        // A different modification time, whatever the file system's clock resolution.
        let f = std::fs::File::options()
            .write(true)
            .open(&src)
            .expect("open");
        f.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000))
            .expect("set mtime");
        assert!(w.take_changed(&s, POLL_SECS + 1.0));
    }
}
