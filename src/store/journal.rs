//! Saves of several files as one step for the project, and cleaning up after a crash.
//!
//! A save that replaces more than one file writes every new version to a temporary file
//! beside its target (`.NAME.tmp-PID`, fsynced), then a journal naming the targets and the
//! hash of each new version (`.PROJECT.journal` beside the project file, written to a
//! temporary file, fsynced and renamed into place), then renames each temporary file over
//! its target, and removes the journal last. The journal is the commit point:
//!
//! - no journal: no target was replaced; temporary files are leftovers, removed when
//!   provably stale ([`sweep_stale_temps`]);
//! - a journal: every temporary file it names was complete before it was written, so the
//!   save is finished ("rolled forward") by [`recover`] before anything else is read. If a
//!   temporary file is missing or does not hold the recorded bytes (and its target does not
//!   either), the journal was not ours to trust: the save is rolled back instead, removing
//!   the temporary files it names and leaving every target as it is.

use super::StoreError;
use super::fs::{Backup, Fs, back_up, check_replaceable, write_atomic_with, write_temp};
use super::{Hash, hash_bytes};
use crate::model::RelPath;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

/// The journal of a project file: `.<name>.journal` in the same folder.
pub fn journal_path(project_file: &Path) -> PathBuf {
    let name = file_name(project_file);
    project_file.with_file_name(format!(".{name}.journal"))
}

pub use super::fs::temp_path;

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What the journal file holds.
#[derive(Debug, Serialize, Deserialize)]
struct JournalFile {
    /// Always [`JOURNAL_MAGIC`].
    journal: String,
    /// The process that wrote the temporary files.
    pid: u32,
    files: Vec<JournalEntry>,
}

const JOURNAL_MAGIC: &str = "marginalia save journal 1";

#[derive(Debug, Serialize, Deserialize)]
struct JournalEntry {
    /// The file to replace, relative to the project folder.
    target: String,
    /// BLAKE3 (hex) of its new contents.
    hash: String,
    /// BLAKE3 (hex) of the version the save replaces, "" when there was no file; absent in
    /// journals of earlier versions. A target holding neither this nor the new version was
    /// changed after the interrupted save (another writer, `git pull`): it is not
    /// overwritten, and the interrupted save is rolled back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    replaces: Option<String>,
}

/// One file of a multi-file save.
pub(crate) struct Replace<'a> {
    pub target: &'a Path,
    pub bytes: &'a [u8],
    /// What the target held when the save looked (`Some(None)`: no file); `None`: not known.
    pub replaces: Option<Option<Hash>>,
}

/// The bytes of a journal for `files` (paths under `dir`).
fn journal_bytes(dir: &Path, files: &[Replace<'_>]) -> Result<Vec<u8>, StoreError> {
    let mut entries = Vec::with_capacity(files.len());
    for f in files {
        let rel = RelPath::from_native(dir, f.target).map_err(|e| StoreError::Invalid {
            path: f.target.to_path_buf(),
            message: format!("cannot save outside the project folder ({e})"),
        })?;
        entries.push(JournalEntry {
            target: rel.as_str().to_owned(),
            hash: hash_bytes(f.bytes).to_hex().to_string(),
            replaces: f
                .replaces
                .map(|h| h.map_or_else(String::new, |h| h.to_hex().to_string())),
        });
    }
    let j = JournalFile {
        journal: JOURNAL_MAGIC.to_owned(),
        pid: std::process::id(),
        files: entries,
    };
    serde_json::to_vec_pretty(&j).map_err(|e| StoreError::Serialize {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })
}

fn exists(fs: &dyn Fs, p: &Path) -> Result<bool, StoreError> {
    fs.exists(p).map_err(|e| StoreError::io("look at", p, e))
}

/// The folder relative paths of a project start from, as given (empty for a project file
/// named without a folder, as [`super::DiskState`] has it).
fn base(project_file: &Path) -> &Path {
    project_file.parent().unwrap_or(Path::new(""))
}

/// The folder of `p`, as a path the file system can open (`.` for none).
fn parent(p: &Path) -> &Path {
    p.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Replaces every file in `files` as one step for the project whose file is
/// `project_file` (see the module documentation). On error before the journal is in place
/// nothing was replaced; after it, the save is finished by [`recover`] (here, or on the next
/// load or save if that fails too).
pub(crate) fn replace_all(
    fs: &dyn Fs,
    project_file: &Path,
    files: &[Replace<'_>],
) -> Result<(), StoreError> {
    match files {
        [] => return Ok(()),
        [one] => {
            let d = parent(one.target);
            fs.create_dir_all(d)
                .map_err(|e| StoreError::io("create folder", d, e))?;
            return write_atomic_with(fs, one.target, one.bytes, Backup::Keep);
        }
        _ => {}
    }
    let dir = parent(project_file);
    let pid = std::process::id();
    let remove_temps = || {
        for f in files {
            let _ = fs.remove_file(&temp_path(f.target, pid));
        }
    };
    // 1. Every new version in a temporary file, fsynced.
    let write = |f: &Replace<'_>| -> Result<(), StoreError> {
        let d = parent(f.target);
        fs.create_dir_all(d)
            .map_err(|e| StoreError::io("create folder", d, e))?;
        // Only a regular file is replaced (as by a single-file save).
        check_replaceable(fs, f.target)?;
        write_temp(fs, f.target, f.bytes).map(|_| ())
    };
    let written: Vec<Result<(), StoreError>> = if fs.parallel() {
        use rayon::prelude::*;
        super::save::on_io_threads(|| files.par_iter().map(write).collect())
    } else {
        files.iter().map(write).collect()
    };
    if let Some(err) = written.into_iter().find_map(Result::err) {
        remove_temps();
        return Err(err);
    }
    // 2. The journal: the commit point.
    let journal = journal_path(project_file);
    let committed = (|| {
        let bytes = journal_bytes(base(project_file), files)?;
        let tmp = write_temp(fs, &journal, &bytes)?;
        fs.rename(&tmp, &journal)
            .map_err(|e| StoreError::io("write journal", &journal, e))?;
        fs.sync_dir(dir)
            .map_err(|e| StoreError::io("sync folder", dir, e))
    })();
    if let Err(err) = committed {
        let _ = fs.remove_file(&journal);
        let _ = fs.remove_file(&temp_path(&journal, pid));
        remove_temps();
        return Err(err);
    }
    // 3. Replace every target, then 4. drop the journal.
    let finished = (|| {
        let put = |f: &Replace<'_>| -> Result<(), StoreError> {
            if exists(fs, f.target)? {
                back_up(fs, f.target)?;
            }
            fs.rename(&temp_path(f.target, pid), f.target)
                .map_err(|e| StoreError::io("replace", f.target, e))
        };
        // The order of the renames does not matter any more: the journal is in place.
        let put: Vec<Result<(), StoreError>> = if fs.parallel() {
            use rayon::prelude::*;
            super::save::on_io_threads(|| files.par_iter().map(put).collect())
        } else {
            files.iter().map(put).collect()
        };
        put.into_iter().collect::<Result<(), StoreError>>()?;
        let dirs: BTreeSet<&Path> = files.iter().map(|f| parent(f.target)).collect();
        for d in &dirs {
            fs.sync_dir(d)
                .map_err(|e| StoreError::io("sync folder", d, e))?;
        }
        fs.remove_file(&journal)
            .map_err(|e| StoreError::io("remove journal", &journal, e))?;
        fs.sync_dir(dir)
            .map_err(|e| StoreError::io("sync folder", dir, e))
    })();
    match finished {
        Ok(()) => Ok(()),
        // Past the commit point the save is finished, not undone: try once more now (a
        // transient failure, a backup that could not be made); if that fails too, the
        // journal stays for the next load or save.
        Err(err) => {
            let done = recover(fs, project_file).is_ok() && !exists(fs, &journal).unwrap_or(true);
            if done { Ok(()) } else { Err(err) }
        }
    }
}

/// What [`recover`] did with a journal left behind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recovery {
    /// Every file was complete: the interrupted save was finished.
    RolledForward { files: Vec<String> },
    /// The journal could not be trusted: its temporary files were removed and no target
    /// was touched.
    RolledBack { reason: String },
}

/// Finishes or undoes a save of `project_file` interrupted by a crash, if its journal is
/// there. Must run before the project's files are read.
pub fn recover(fs: &dyn Fs, project_file: &Path) -> Result<Option<Recovery>, StoreError> {
    let journal = journal_path(project_file);
    let bytes = match fs.read(&journal) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::io("read journal", &journal, e)),
    };
    let dir = parent(project_file);
    let finish = |outcome: Recovery| -> Result<Option<Recovery>, StoreError> {
        fs.remove_file(&journal)
            .map_err(|e| StoreError::io("remove journal", &journal, e))?;
        fs.sync_dir(dir)
            .map_err(|e| StoreError::io("sync folder", dir, e))?;
        Ok(Some(outcome))
    };
    let parsed: JournalFile = match serde_json::from_slice(&bytes) {
        Ok(j) => j,
        Err(e) => {
            // Never written by a save (the journal is renamed into place whole): nothing
            // it names can be trusted, so nothing is touched but the journal itself.
            return finish(Recovery::RolledBack {
                reason: format!("unreadable journal ({e})"),
            });
        }
    };
    if parsed.journal != JOURNAL_MAGIC {
        return finish(Recovery::RolledBack {
            reason: "not a journal of this version".into(),
        });
    }
    // Every name must be a safe relative path inside the project folder.
    let mut plan = Vec::with_capacity(parsed.files.len());
    let mut replaced = Vec::with_capacity(parsed.files.len());
    let mut bad = None;
    let canonical_dir = dir.canonicalize().ok();
    for e in &parsed.files {
        let Ok(rel) = RelPath::parse(&e.target) else {
            bad = Some(format!("unsafe path \"{}\"", e.target));
            break;
        };
        let target = rel.to_native(base(project_file));
        let inside = match (&canonical_dir, parent(&target).canonicalize()) {
            (Some(d), Ok(p)) => p.starts_with(d),
            _ => false,
        };
        let Ok(hash) = blake3::Hash::from_hex(&e.hash) else {
            bad = Some(format!("bad hash for \"{}\"", e.target));
            break;
        };
        if !inside {
            bad = Some(format!("\"{}\" is outside the project folder", e.target));
            break;
        }
        // What the target held before the save: `Some(None)` no file, `None` not recorded.
        let replaces = match e.replaces.as_deref() {
            None => None,
            Some("") => Some(None),
            Some(h) => match blake3::Hash::from_hex(h) {
                Ok(h) => Some(Some(h)),
                Err(_) => {
                    bad = Some(format!("bad hash for \"{}\"", e.target));
                    break;
                }
            },
        };
        plan.push((rel, target, hash));
        replaced.push(replaces);
    }
    let temps_of = |plan: &[(RelPath, PathBuf, Hash)]| -> Vec<PathBuf> {
        plan.iter()
            .map(|(_, t, _)| temp_path(t, parsed.pid))
            .collect()
    };
    if let Some(reason) = bad {
        for tmp in temps_of(&plan) {
            remove_if_file(fs, &tmp)?;
        }
        return finish(Recovery::RolledBack { reason });
    }
    // Forward only when every file is either complete in its temporary file or already
    // in place.
    let mut pending = Vec::new();
    for ((rel, target, hash), replaces) in plan.iter().zip(&replaced) {
        let tmp = temp_path(target, parsed.pid);
        let tmp_hash = read_hash(fs, &tmp)?;
        if tmp_hash == Some(*hash) {
            // Changed since the interrupted save (a `git pull`, a writer of an older
            // version): finishing the save would overwrite that; it is undone instead.
            if let Some(before) = replaces {
                let now = read_hash(fs, target)?;
                if now != *before && now != Some(*hash) {
                    for tmp in temps_of(&plan) {
                        remove_if_file(fs, &tmp)?;
                    }
                    return finish(Recovery::RolledBack {
                        reason: format!(
                            "\"{rel}\" changed after the interrupted save; not overwritten"
                        ),
                    });
                }
            }
            pending.push((rel, target, tmp));
        } else if read_hash(fs, target)? != Some(*hash) {
            for tmp in temps_of(&plan) {
                remove_if_file(fs, &tmp)?;
            }
            return finish(Recovery::RolledBack {
                reason: format!("\"{rel}\" was not saved completely"),
            });
        }
    }
    let mut dirs = BTreeSet::new();
    for (_, target, tmp) in &pending {
        if exists(fs, target)? {
            // The data comes first: a backup that cannot be made does not stop the save.
            let _ = back_up(fs, target);
        }
        fs.rename(tmp, target)
            .map_err(|e| StoreError::io("finish interrupted save of", target, e))?;
        dirs.insert(parent(target).to_path_buf());
    }
    for d in &dirs {
        fs.sync_dir(d)
            .map_err(|e| StoreError::io("sync folder", d, e))?;
    }
    finish(Recovery::RolledForward {
        files: pending.iter().map(|(rel, _, _)| rel.to_string()).collect(),
    })
}

fn read_hash(fs: &dyn Fs, p: &Path) -> Result<Option<Hash>, StoreError> {
    match fs.read(p) {
        Ok(b) => Ok(Some(hash_bytes(&b))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        // A special file or folder in the way: not a complete version of anything.
        Err(e) if e.kind() == io::ErrorKind::InvalidInput => Ok(None),
        Err(e) => Err(StoreError::io("read", p, e)),
    }
}

fn remove_if_file(fs: &dyn Fs, p: &Path) -> Result<(), StoreError> {
    match std::fs::symlink_metadata(p) {
        Ok(m) if m.is_file() => fs
            .remove_file(p)
            .map_err(|e| StoreError::io("remove temporary file", p, e)),
        _ => Ok(()),
    }
}

/// Removes the temporary files a save of `targets` left behind in a crash: only
/// `.NAME.tmp-PID` beside a file of this project, and only when process PID is no longer
/// running. Returns the files removed. Run after [`recover`], so no journal needs them.
pub fn sweep_stale_temps(fs: &dyn Fs, targets: &[PathBuf]) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let mut by_dir: std::collections::BTreeMap<&Path, BTreeSet<String>> = Default::default();
    for t in targets {
        by_dir.entry(parent(t)).or_default().insert(file_name(t));
    }
    for (dir, names) in by_dir {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some((target, pid)) = super::fs::parse_temp_name(&name) else {
                continue;
            };
            if !names.contains(target) || super::fs::process_running(pid) != Some(false) {
                continue;
            }
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_file()) && fs.remove_file(&path).is_ok() {
                removed.push(path);
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::fs::RealFs;

    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let project = tmp.path().join("p.marginalia.ron");
        let ann = tmp.path().join("sources").join("a.txt.ann.ron");
        std::fs::create_dir_all(ann.parent().unwrap()).unwrap();
        std::fs::write(&project, "old project").unwrap();
        std::fs::write(&ann, "old ann").unwrap();
        (tmp, project, ann)
    }

    #[test]
    fn replace_all_replaces_every_file_and_keeps_backups() {
        let (_t, project, ann) = setup();
        let files = [
            Replace {
                target: &ann,
                bytes: b"new ann",
                replaces: None,
            },
            Replace {
                target: &project,
                bytes: b"new project",
                replaces: None,
            },
        ];
        replace_all(&RealFs, &project, &files).unwrap();
        assert_eq!(std::fs::read(&project).unwrap(), b"new project");
        assert_eq!(std::fs::read(&ann).unwrap(), b"new ann");
        assert_eq!(
            std::fs::read(ann.with_file_name("a.txt.ann.ron.bak")).unwrap(),
            b"old ann"
        );
        assert!(!journal_path(&project).exists());
    }

    /// A project file named without a folder (`marginalia p.marginalia.ron`).
    #[test]
    fn journal_paths_relative_to_a_bare_project_file_name() {
        let files = [Replace {
            target: Path::new("sources/a.txt.ann.ron"),
            bytes: b"x",
            replaces: None,
        }];
        let bytes = journal_bytes(base(Path::new("p.marginalia.ron")), &files).unwrap();
        let j: JournalFile = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(j.files[0].target, "sources/a.txt.ann.ron");
        assert_eq!(
            RelPath::parse(&j.files[0].target)
                .unwrap()
                .to_native(base(Path::new("p.marginalia.ron"))),
            Path::new("sources/a.txt.ann.ron")
        );
    }

    #[test]
    fn hostile_journal_touches_nothing_outside() {
        let (t, project, ann) = setup();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim.txt");
        std::fs::write(&victim, "keep").unwrap();
        let j = JournalFile {
            journal: JOURNAL_MAGIC.into(),
            pid: 1,
            files: vec![
                JournalEntry {
                    target: "../victim.txt".into(),
                    hash: hash_bytes(b"evil").to_hex().to_string(),
                    replaces: None,
                },
                JournalEntry {
                    target: "sources/a.txt.ann.ron".into(),
                    hash: hash_bytes(b"evil").to_hex().to_string(),
                    replaces: None,
                },
            ],
        };
        std::fs::write(journal_path(&project), serde_json::to_vec(&j).unwrap()).unwrap();
        let r = recover(&RealFs, &project).unwrap();
        assert!(matches!(r, Some(Recovery::RolledBack { .. })), "{r:?}");
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert_eq!(std::fs::read(&ann).unwrap(), b"old ann");
        assert!(!journal_path(&project).exists());
        drop(t);
    }

    /// Found by the multi-process trial (issue 21): a writer killed in the middle of a save
    /// left its journal and temporary files (ignored by git); `git pull` then brought a
    /// merged version of the files; the next load finished the dead save over it, and a
    /// colleague's edits merged by git were gone. A target that changed since the
    /// interrupted save is never overwritten: the save is rolled back.
    #[test]
    fn an_interrupted_save_is_not_finished_over_files_changed_since() {
        let (_t, project, ann) = setup();
        let old = hash_bytes(b"old ann");
        // The interrupted save: the new version complete in its temporary file, the journal
        // in place, the target not replaced yet.
        let pid = std::process::id();
        std::fs::write(temp_path(&ann, pid), b"new ann").unwrap();
        let j = JournalFile {
            journal: JOURNAL_MAGIC.into(),
            pid,
            files: vec![JournalEntry {
                target: "sources/a.txt.ann.ron".into(),
                hash: hash_bytes(b"new ann").to_hex().to_string(),
                replaces: Some(old.to_hex().to_string()),
            }],
        };
        std::fs::write(journal_path(&project), serde_json::to_vec(&j).unwrap()).unwrap();
        // Then `git pull` writes the merged version.
        std::fs::write(&ann, b"merged by git").unwrap();
        let r = recover(&RealFs, &project).unwrap();
        assert!(matches!(r, Some(Recovery::RolledBack { .. })), "{r:?}");
        assert_eq!(std::fs::read(&ann).unwrap(), b"merged by git");
        assert!(!temp_path(&ann, pid).exists() && !journal_path(&project).exists());
        // Still holding the version the save replaced: finished as before.
        std::fs::write(&ann, b"old ann").unwrap();
        std::fs::write(temp_path(&ann, pid), b"new ann").unwrap();
        std::fs::write(journal_path(&project), serde_json::to_vec(&j).unwrap()).unwrap();
        let r = recover(&RealFs, &project).unwrap();
        assert!(matches!(r, Some(Recovery::RolledForward { .. })), "{r:?}");
        assert_eq!(std::fs::read(&ann).unwrap(), b"new ann");
    }

    #[test]
    fn stale_temps_of_dead_processes_only_are_swept() {
        let (_t, project, ann) = setup();
        if !Path::new("/proc/self").exists() {
            return;
        }
        // No process has a pid near u32::MAX (Linux caps pids at 2^22); ours is alive.
        let dead = temp_path(&ann, u32::MAX - 1);
        let alive = temp_path(&ann, std::process::id());
        let foreign = ann.with_file_name(".notes.txt.tmp-4000000");
        for p in [&dead, &alive, &foreign] {
            std::fs::write(p, "x").unwrap();
        }
        let removed = sweep_stale_temps(&RealFs, &[project, ann]);
        assert_eq!(removed, vec![dead.clone()]);
        assert!(!dead.exists() && alive.exists() && foreign.exists());
    }
}
