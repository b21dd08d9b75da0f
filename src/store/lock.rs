//! Presence: a small lock file beside the project file saying who has the project open.
//!
//! The lock is advice, never a barrier: it lets a second writer see who else has the
//! project open (user, machine, since when) and choose to continue or open read-only. A
//! stale lock — its process is gone on this machine, or on another machine it was not
//! refreshed for [`STALE_AFTER_SECS`] — is replaced silently; nothing ever waits on a lock.
//! The file is written atomically and removed on close when it is still ours.

use super::StoreError;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Format version of the lock file.
pub const LOCK_VERSION: u32 = 1;
/// A lock from another machine not refreshed for this long is stale.
pub const STALE_AFTER_SECS: u64 = 6 * 3600;
/// How often an open project refreshes its lock (well under [`STALE_AFTER_SECS`]).
pub const REFRESH_SECS: u64 = 10 * 60;
/// Locks are tiny; anything bigger is not a lock and is treated as stale.
const MAX_LOCK_BYTES: u64 = 4096;

/// Who holds a project open. Times are Unix seconds (UTC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    pub version: u32,
    pub user: String,
    pub host: String,
    pub pid: u32,
    pub since: u64,
    /// Last time the holder said it is still there.
    #[serde(default)]
    pub refreshed: u64,
}

impl LockInfo {
    /// A lock for this process, now.
    pub fn current() -> Self {
        let now = now_secs();
        Self {
            version: LOCK_VERSION,
            user: user_name(),
            host: host_name(),
            pid: std::process::id(),
            since: now,
            refreshed: now,
        }
    }

    /// Whether this process wrote the lock.
    pub fn is_mine(&self) -> bool {
        self.pid == std::process::id() && self.host == host_name()
    }

    /// Whether the holder may still have the project open at `now`.
    pub fn is_live(&self, now: u64) -> bool {
        if self.host == host_name() {
            // Where that cannot be told, assume running: a live colleague is never
            // taken for stale.
            super::fs::process_running(self.pid).unwrap_or(true)
        } else {
            now.saturating_sub(self.refreshed.max(self.since)) < STALE_AFTER_SECS
        }
    }

    /// "anna on archive-pc (process 4242) since 2026-11-30 01:02 UTC".
    pub fn describe(&self) -> String {
        format!(
            "{} on {} (process {}) since {}",
            self.user,
            self.host,
            self.pid,
            utc_string(self.since)
        )
    }
}

/// What the lock beside a project file says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Presence {
    /// No lock, or our own.
    Free,
    /// A lock whose holder is gone (or an unreadable lock); it will be replaced.
    Stale(Option<LockInfo>),
    /// Someone else has the project open.
    Held(LockInfo),
}

/// The lock file of a project file: the project file's name plus `.lock`, beside it.
pub fn lock_path(project_file: &Path) -> PathBuf {
    let mut name = project_file
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".lock");
    project_file.with_file_name(name)
}

/// Reads the lock beside `project_file` and says whether someone else holds it.
pub fn presence(project_file: &Path) -> Presence {
    presence_at(project_file, now_secs())
}

/// [`presence`] at a given time (tests).
pub fn presence_at(project_file: &Path, now: u64) -> Presence {
    match read(&lock_path(project_file)) {
        Ok(None) => Presence::Free,
        Ok(Some(info)) if info.is_mine() => Presence::Free,
        Ok(Some(info)) if info.is_live(now) => Presence::Held(info),
        Ok(Some(info)) => Presence::Stale(Some(info)),
        Err(_) => Presence::Stale(None),
    }
}

/// Reads a lock file; `Ok(None)` when there is none.
pub fn read(path: &Path) -> Result<Option<LockInfo>, StoreError> {
    let bytes = match super::load::read_limited(path, MAX_LOCK_BYTES) {
        Ok(b) => b,
        Err(StoreError::Io { err, .. }) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let text = std::str::from_utf8(&bytes).map_err(|e| StoreError::Invalid {
        path: path.to_path_buf(),
        message: format!("lock file is not UTF-8 ({e})"),
    })?;
    ron::from_str(text)
        .map(Some)
        .map_err(|e| StoreError::Parse {
            path: path.to_path_buf(),
            line: e.span.start.line,
            col: e.span.start.col,
            message: e.code.to_string(),
        })
}

/// This process's presence on an open project. Dropping it removes the lock file when the
/// file still holds this lock (a colleague who took over a lock keeps theirs).
#[derive(Debug)]
pub struct ProjectLock {
    path: PathBuf,
    info: LockInfo,
}

impl ProjectLock {
    /// Writes this process's lock beside `project_file`, replacing whatever is there (the
    /// caller has asked the user when [`presence`] said the project is held).
    pub fn acquire(project_file: &Path) -> Result<Self, StoreError> {
        let lock = Self {
            path: lock_path(project_file),
            info: LockInfo::current(),
        };
        lock.write()?;
        Ok(lock)
    }

    pub fn info(&self) -> &LockInfo {
        &self.info
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Says we are still here (for holders on other machines to see the lock is live).
    pub fn refresh(&mut self) -> Result<(), StoreError> {
        self.info.refreshed = now_secs();
        self.write()
    }

    fn write(&self) -> Result<(), StoreError> {
        let text = ron::ser::to_string_pretty(&self.info, ron::ser::PrettyConfig::default())
            .map_err(|e| StoreError::Serialize {
                path: self.path.clone(),
                message: e.to_string(),
            })?;
        // A lock is no user's work: no backup of it is kept.
        super::write_atomic(
            &self.path,
            format!("{text}\n").as_bytes(),
            super::Backup::Skip,
        )
    }
}

impl Drop for ProjectLock {
    fn drop(&mut self) {
        // Only our own lock is removed; errors are moot on close (a leftover lock is stale).
        if let Ok(Some(on_disk)) = read(&self.path)
            && on_disk.pid == self.info.pid
            && on_disk.host == self.info.host
            && on_disk.since == self.info.since
        {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// "2026-11-30 01:02 UTC".
pub fn utc_string(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

fn user_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown user".into())
}

fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| {
            std::fs::read_to_string(p)
                .ok()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        })
        .or_else(|| {
            ["HOSTNAME", "COMPUTERNAME"]
                .iter()
                .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        })
        .unwrap_or_else(|| "unknown machine".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_lock(project_file: &Path, info: &LockInfo) {
        let text = ron::ser::to_string(info).expect("serializes");
        std::fs::write(lock_path(project_file), text).expect("writes");
    }

    /// A pid that is not running here.
    fn dead_pid() -> u32 {
        (4_000_000..4_100_000)
            .find(|p| !Path::new("/proc").join(p.to_string()).exists())
            .expect("a free pid")
    }

    #[test]
    fn acquire_writes_and_drop_removes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("p.marginalia.ron");
        let lock = ProjectLock::acquire(&file).expect("acquire");
        let path = dir.path().join("p.marginalia.ron.lock");
        assert_eq!(lock.path(), path);
        let on_disk = read(&path).expect("reads").expect("exists");
        assert_eq!(&on_disk, lock.info());
        assert_eq!(on_disk.pid, std::process::id());
        // Our own lock does not count as someone else's.
        assert_eq!(presence(&file), Presence::Free);
        let mut lock = lock;
        lock.refresh().expect("refresh");
        drop(lock);
        assert!(!path.exists());
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert!(left.is_empty(), "a lock leaves nothing behind: {left:?}");
    }

    #[test]
    fn live_process_on_this_host_holds_the_project() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("p.marginalia.ron");
        let mut info = LockInfo::current();
        info.pid = 1; // init is always alive
        info.user = "anna".into();
        write_lock(&file, &info);
        match presence(&file) {
            Presence::Held(i) => assert!(i.describe().starts_with("anna on "), "{i:?}"),
            other => panic!("expected held, got {other:?}"),
        }
    }

    #[test]
    fn dead_process_on_this_host_is_stale_and_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("p.marginalia.ron");
        let mut info = LockInfo::current();
        info.pid = dead_pid();
        write_lock(&file, &info);
        assert_eq!(presence(&file), Presence::Stale(Some(info)));
        let lock = ProjectLock::acquire(&file).expect("replaces a stale lock");
        assert!(read(lock.path()).expect("reads").expect("exists").is_mine());
    }

    #[test]
    fn other_host_is_live_until_not_refreshed_for_hours() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("p.marginalia.ron");
        let info = LockInfo {
            version: LOCK_VERSION,
            user: "ben".into(),
            host: format!("{}-elsewhere", host_name()),
            pid: dead_pid(),
            since: 1_000_000,
            refreshed: 1_000_000,
        };
        write_lock(&file, &info);
        assert!(matches!(
            presence_at(&file, 1_000_000 + 60),
            Presence::Held(_)
        ));
        assert!(matches!(
            presence_at(&file, 1_000_000 + STALE_AFTER_SECS + 1),
            Presence::Stale(_)
        ));
    }

    #[test]
    fn garbage_lock_is_stale_not_a_block() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("p.marginalia.ron");
        std::fs::write(lock_path(&file), "not a lock").expect("writes");
        assert_eq!(presence(&file), Presence::Stale(None));
    }

    #[test]
    fn drop_keeps_a_lock_someone_else_took_over() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("p.marginalia.ron");
        let lock = ProjectLock::acquire(&file).expect("acquire");
        let mut other = LockInfo::current();
        other.pid = 1;
        write_lock(&file, &other);
        drop(lock);
        assert_eq!(
            read(&lock_path(&file)).expect("reads"),
            Some(other),
            "a colleague's lock survives our close"
        );
    }

    #[test]
    fn utc_dates() {
        assert_eq!(utc_string(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_string(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc_string(1_796_000_000), "2026-11-30 00:53 UTC");
    }
}
