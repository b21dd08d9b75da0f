//! One writer at a time, between processes: an advisory lock on a lock file in the project
//! folder (`.<project file>.save-lock`), held across a save's read-hash-merge-write and
//! across every load (which may finish an interrupted save).
//!
//! The lock is the operating system's (`flock` on Unix, `LockFileEx` on Windows, through
//! [`std::fs::File::lock`]): a second process waits in the kernel until the first lets go,
//! never in a polling loop, and a process killed with `kill -9` lets go with it. The lock
//! file itself holds nothing and is never removed (removing a lock file others may have
//! open would let two writers hold "the" lock at once).
//!
//! Some network and synced folders do not honour such locks; a save therefore also checks
//! after its renames that it replaced what it expected (see `crate::store::save`), so an
//! update lost that way is found and merged again.
//!
//! Within one process the lock is not re-entrant: a caller holding a [`WriteLock`] uses the
//! `*_locked` functions of the store, never [`crate::store::load`] or the plain saves.

use super::StoreError;
use std::path::{Path, PathBuf};

/// The lock file of a project file: `.<project file name>.save-lock` beside it.
pub fn lock_path(project_file: &Path) -> PathBuf {
    let name = project_file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    project_file.with_file_name(format!(".{name}.save-lock"))
}

/// The environment variable that turns the lock and the after-rename check off. For the
/// multi-process trial only: it shows that the trial finds the edits lost without them.
pub const BREAK_FOR_TRIAL: &str = "MARGINALIA_TRIAL_BREAK_SAVE_LOCK";

/// Whether the lock (and the check after a save's renames) is turned off for a trial.
pub fn broken_for_trial() -> bool {
    std::env::var_os(BREAK_FOR_TRIAL).is_some_and(|v| v == "1")
}

/// The inter-process lock of one project, held until dropped.
#[derive(Debug)]
pub struct WriteLock {
    /// `None`: nothing to hold (turned off for a trial, or a folder where no lock file can
    /// be made, for a load from read-only media).
    _file: Option<std::fs::File>,
    path: PathBuf,
}

impl WriteLock {
    /// Takes the lock of the project saved as `project_file`, waiting while another process
    /// holds it. Creates the folder and the lock file when needed (a first save).
    pub fn acquire(project_file: &Path) -> Result<Self, StoreError> {
        let path = lock_path(project_file);
        if broken_for_trial() {
            return Ok(Self { _file: None, path });
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::io("create folder", dir, e))?;
        }
        let file =
            open_lock_file(&path).map_err(|e| StoreError::io("open the save lock", &path, e))?;
        file.lock()
            .map_err(|e| StoreError::io("take the save lock", &path, e))?;
        Ok(Self {
            _file: Some(file),
            path,
        })
    }

    /// The lock for a reader: taken when the lock file is there, so the read never sees half
    /// of a save (nor finishes a save another process is in the middle of). Where there is
    /// none, no writer that takes it has ever saved here, and the reader creates nothing: a
    /// project is never changed by looking at it (nor can a lock file be made on read-only
    /// media).
    pub fn for_reading(project_file: &Path) -> Self {
        let path = lock_path(project_file);
        let none = |path| Self { _file: None, path };
        if broken_for_trial() {
            return none(path);
        }
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
        }
        match options.open(&path) {
            Ok(f) if f.metadata().is_ok_and(|m| m.is_file()) && f.lock().is_ok() => Self {
                _file: Some(f),
                path,
            },
            _ => none(path),
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Opens (creating) the lock file for writing, never through a symbolic link and never
/// waiting on a FIFO; anything but a regular file there is refused.
fn open_lock_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let f = options.open(path)?;
    if !f.metadata()?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Barrier};
    use std::time::Duration;

    #[test]
    fn a_second_holder_waits_until_the_first_lets_go() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("p.marginalia.ron");
        let first = WriteLock::acquire(&file)?;
        assert_eq!(first.path(), dir.path().join(".p.marginalia.ron.save-lock"));
        let got = Arc::new(AtomicBool::new(false));
        let started = Arc::new(Barrier::new(2));
        let t = {
            let (got, started, file) = (got.clone(), started.clone(), file.clone());
            std::thread::spawn(move || {
                started.wait();
                // A separate open file: the lock conflicts as it would between processes.
                let _second = WriteLock::acquire(&file);
                got.store(true, Ordering::SeqCst);
            })
        };
        started.wait();
        std::thread::sleep(Duration::from_millis(200));
        assert!(!got.load(Ordering::SeqCst), "the second writer waits");
        drop(first);
        t.join().map_err(|_| "thread panicked")?;
        assert!(
            got.load(Ordering::SeqCst),
            "and gets the lock once it is free"
        );
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_place_of_the_lock_file_is_refused() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("p.marginalia.ron");
        let outside = dir.path().join("outside");
        std::fs::write(&outside, "x")?;
        std::os::unix::fs::symlink(&outside, lock_path(&file))?;
        assert!(WriteLock::acquire(&file).is_err());
        assert_eq!(std::fs::read_to_string(&outside)?, "x");
        Ok(())
    }
}
