//! Content hashes of files remembered by their status, so that asking "did another writer
//! change this file?" for 20,000 annotation files does not read 800 MB each time.
//!
//! A remembered hash is used only while the file's identity and status — device, inode,
//! size, modification and status-change times to the nanosecond — are exactly those seen
//! when it was read, and only once those times are [`SETTLED`] in the past: a write in the
//! same clock tick as the read could otherwise leave the times unchanged (git's "racily
//! clean" files). Any write, rename over, or `touch` changes the status-change time, so the
//! file is read again. Off Unix, nothing is remembered (every call reads the file).

use super::Hash;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// How long ago a file's times must be before its hash is remembered.
pub const SETTLED: Duration = Duration::from_secs(2);

/// Remembered hashes, by path. Derived data only: never saved, cleared with its owner.
#[derive(Debug, Default)]
pub struct HashMemo {
    seen: Mutex<HashMap<PathBuf, (Stamp, Hash)>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stamp {
    /// The status of the regular file at `path`, without following a link; `None` for
    /// anything else. `settled`: its times are at least [`SETTLED`] before `now`.
    #[cfg(unix)]
    fn of(path: &Path, now: SystemTime) -> Option<(Self, bool)> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::symlink_metadata(path).ok()?;
        if !m.file_type().is_file() {
            return None;
        }
        let stamp = Stamp {
            dev: m.dev(),
            ino: m.ino(),
            len: m.len(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
        };
        let limit = now
            .checked_sub(SETTLED)
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs() as i64);
        // Whole seconds, rounded down for the file: settled only when strictly older.
        let settled = stamp.mtime.0 < limit && stamp.ctime.0 < limit;
        Some((stamp, settled))
    }

    #[cfg(not(unix))]
    fn of(path: &Path, _now: SystemTime) -> Option<(Self, bool)> {
        let m = std::fs::symlink_metadata(path).ok()?;
        if !m.file_type().is_file() {
            return None;
        }
        let stamp = Stamp {
            dev: 0,
            ino: 0,
            len: m.len(),
            mtime: (0, 0),
            ctime: (0, 0),
        };
        Some((stamp, false))
    }
}

impl HashMemo {
    /// The hash of the bytes of the regular file at `path` (`None`: missing, not a regular
    /// file, or unreadable), read unless a settled, unchanged status says it is the one
    /// read before.
    pub fn hash_of(&self, path: &Path) -> Option<Hash> {
        let now = SystemTime::now();
        let (before, settled) = Stamp::of(path, now)?;
        if settled
            && let Ok(seen) = self.seen.lock()
            && let Some((stamp, hash)) = seen.get(path)
            && *stamp == before
        {
            return Some(*hash);
        }
        let bytes = std::fs::read(path).ok()?;
        let hash = super::hash_bytes(&bytes);
        // Remembered only when nothing changed while reading and the times are settled.
        if let Some((after, true)) = Stamp::of(path, now)
            && after == before
            && let Ok(mut seen) = self.seen.lock()
        {
            seen.insert(path.to_path_buf(), (after, hash));
        }
        Some(hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_file_is_read_again_and_a_settled_one_is_remembered() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("a.ann.ron");
        std::fs::write(&path, b"one").unwrap_or_else(|e| panic!("{e}"));
        let memo = HashMemo::default();
        // Fresh: read each time, never remembered.
        assert_eq!(memo.hash_of(&path), Some(super::super::hash_bytes(b"one")));
        assert!(memo.seen.lock().map(|s| s.is_empty()).unwrap_or(false));
        // Same size, new content, within the same second: still read.
        std::fs::write(&path, b"two").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(memo.hash_of(&path), Some(super::super::hash_bytes(b"two")));
        assert_eq!(memo.hash_of(&dir.path().join("missing")), None);
        std::fs::create_dir(dir.path().join("d")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(memo.hash_of(&dir.path().join("d")), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_settled_file_is_remembered_until_its_status_changes() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("a.ann.ron");
        std::fs::write(&path, b"one").unwrap_or_else(|e| panic!("{e}"));
        let memo = HashMemo::default();
        // As if the read happened SETTLED + 1 s later.
        let later = SystemTime::now() + SETTLED + Duration::from_secs(1);
        let (stamp, settled) = Stamp::of(&path, later).unwrap_or_else(|| panic!("no stamp"));
        assert!(settled);
        let fake = super::super::hash_bytes(b"remembered");
        if let Ok(mut seen) = memo.seen.lock() {
            seen.insert(path.clone(), (stamp, fake));
        }
        // Not settled yet at the real time: the file is read, the memo not used.
        assert_eq!(memo.hash_of(&path), Some(super::super::hash_bytes(b"one")));
        // Any write changes the status: a settled memo of the old status is not used.
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&path, b"two").unwrap_or_else(|e| panic!("{e}"));
        let (now, _) = Stamp::of(&path, later).unwrap_or_else(|| panic!("no stamp"));
        assert_ne!(now, stamp);
    }
}
