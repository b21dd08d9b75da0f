//! Presence: a small file beside the project file listing everyone who has the project
//! open (annotator name, user, machine, process, since when).
//!
//! It is advice, never a barrier: a writer opening the project sees who else is in and may
//! continue or open read-only. Joining adds an entry and never replaces another person's;
//! stale entries — their process is gone on this machine, or on another machine they were
//! not refreshed for [`STALE_AFTER_SECS`] — are dropped by whoever rewrites the list. The
//! list is read and rewritten under the project's save lock ([`super::WriteLock`]), so two
//! people joining at once both end up in it; each session removes its own entry on close.

use super::StoreError;
use super::write_lock::WriteLock;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Format version of the presence file (1: one holder; 2: a list).
pub const LOCK_VERSION: u32 = 2;
/// An entry from another machine not refreshed for this long is stale.
pub const STALE_AFTER_SECS: u64 = 6 * 3600;
/// How often an open project refreshes its entry (well under [`STALE_AFTER_SECS`]).
pub const REFRESH_SECS: u64 = 10 * 60;
/// Presence files are small; anything bigger is not one and is treated as stale.
const MAX_LOCK_BYTES: u64 = 256 * 1024;

/// One person with the project open. Times are Unix seconds (UTC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    pub version: u32,
    /// The system user.
    pub user: String,
    pub host: String,
    pub pid: u32,
    pub since: u64,
    /// Last time the holder said it is still there.
    #[serde(default)]
    pub refreshed: u64,
    /// The annotator name the person works under (empty in version-1 files).
    #[serde(default)]
    pub annotator: String,
    /// The session within its process (one process may open a project twice).
    #[serde(default)]
    pub session: String,
}

/// The presence file.
#[derive(Debug, Default, Serialize, Deserialize)]
struct PresenceFile {
    version: u32,
    holders: Vec<LockInfo>,
}

impl LockInfo {
    /// An entry for this process, now.
    pub fn current() -> Self {
        let now = now_secs();
        Self {
            version: LOCK_VERSION,
            user: user_name(),
            host: host_name(),
            pid: std::process::id(),
            since: now,
            refreshed: now,
            annotator: String::new(),
            session: String::new(),
        }
    }

    /// Whether this process wrote the entry.
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

    /// The person's name: the annotator name, else the system user.
    pub fn name(&self) -> &str {
        if self.annotator.trim().is_empty() {
            &self.user
        } else {
            &self.annotator
        }
    }

    /// "Alice on archive-pc (process 4242) since 2026-11-30 01:02 UTC".
    pub fn describe(&self) -> String {
        format!(
            "{} on {} (process {}) since {}",
            self.name(),
            self.host,
            self.pid,
            utc_string(self.since)
        )
    }
}

/// "Alice on archive-pc (…) since …; Bob on …".
pub fn describe_all(holders: &[LockInfo]) -> String {
    holders
        .iter()
        .map(LockInfo::describe)
        .collect::<Vec<_>>()
        .join("; ")
}

/// What the presence file beside a project file says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Presence {
    /// Nobody else (no file, only our own process, or an empty list).
    Free,
    /// Only entries whose holders are gone (or an unreadable file); they will be dropped.
    Stale(Option<LockInfo>),
    /// Others have the project open: everyone live, in the order they joined.
    Held(Vec<LockInfo>),
}

/// The presence file of a project file: the project file's name plus `.lock`, beside it.
pub fn lock_path(project_file: &Path) -> PathBuf {
    let mut name = project_file
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".lock");
    project_file.with_file_name(name)
}

/// Reads the presence file beside `project_file` and says whether others are in.
pub fn presence(project_file: &Path) -> Presence {
    presence_at(project_file, now_secs())
}

/// [`presence`] at a given time (tests).
pub fn presence_at(project_file: &Path, now: u64) -> Presence {
    match read_all(&lock_path(project_file)) {
        Ok(list) => {
            let others: Vec<LockInfo> = list.iter().filter(|i| !i.is_mine()).cloned().collect();
            let live: Vec<LockInfo> = others.iter().filter(|i| i.is_live(now)).cloned().collect();
            if !live.is_empty() {
                Presence::Held(live)
            } else if let Some(stale) = others.into_iter().next() {
                Presence::Stale(Some(stale))
            } else {
                Presence::Free
            }
        }
        Err(_) => Presence::Stale(None),
    }
}

/// Everyone live in the presence file beside `project_file`, ourselves included.
pub fn everyone(project_file: &Path) -> Vec<LockInfo> {
    let now = now_secs();
    read_all(&lock_path(project_file))
        .unwrap_or_default()
        .into_iter()
        .filter(|i| i.is_live(now))
        .collect()
}

/// Reads the first entry of a presence file; `Ok(None)` when there is none.
pub fn read(path: &Path) -> Result<Option<LockInfo>, StoreError> {
    Ok(read_all(path)?.into_iter().next())
}

/// Reads every entry of a presence file (a version-1 file holds one); empty when there is
/// no file.
pub fn read_all(path: &Path) -> Result<Vec<LockInfo>, StoreError> {
    let bytes = match super::load::read_limited(path, MAX_LOCK_BYTES) {
        Ok(b) => b,
        Err(StoreError::Io { err, .. }) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Vec::new());
        }
        Err(e) => return Err(e),
    };
    let text = std::str::from_utf8(&bytes).map_err(|e| StoreError::Invalid {
        path: path.to_path_buf(),
        message: format!("presence file is not UTF-8 ({e})"),
    })?;
    if let Ok(file) = ron::from_str::<PresenceFile>(text) {
        return Ok(file.holders);
    }
    ron::from_str::<LockInfo>(text)
        .map(|one| vec![one])
        .map_err(|e| StoreError::Parse {
            path: path.to_path_buf(),
            line: e.span.start.line,
            col: e.span.start.col,
            message: e.code.to_string(),
        })
}

/// Rewrites the presence file: `change` edits the list of live entries (stale ones are
/// dropped first); an empty list removes the file. Under the project's save lock.
fn update(project_file: &Path, change: impl FnOnce(&mut Vec<LockInfo>)) -> Result<(), StoreError> {
    let path = lock_path(project_file);
    let _lock = WriteLock::acquire(project_file)?;
    let now = now_secs();
    let mut list: Vec<LockInfo> = read_all(&path)
        .unwrap_or_default()
        .into_iter()
        .filter(|i| i.is_live(now))
        .collect();
    change(&mut list);
    if list.is_empty() {
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(StoreError::io("remove presence file", &path, e))
            }
            _ => Ok(()),
        };
    }
    let file = PresenceFile {
        version: LOCK_VERSION,
        holders: list,
    };
    let text =
        ron::ser::to_string_pretty(&file, ron::ser::PrettyConfig::default()).map_err(|e| {
            StoreError::Serialize {
                path: path.clone(),
                message: e.to_string(),
            }
        })?;
    // Presence is no user's work: no backup of it is kept.
    super::write_atomic(&path, format!("{text}\n").as_bytes(), super::Backup::Skip)
}

/// This session's entry in the presence file of an open project. Dropping it removes the
/// entry (and nobody else's).
#[derive(Debug)]
pub struct ProjectLock {
    project_file: PathBuf,
    path: PathBuf,
    info: LockInfo,
}

impl ProjectLock {
    /// Adds this session's entry (annotator name `annotator`, session `session`) beside
    /// `project_file`, keeping everyone else's live entry.
    pub fn acquire(
        project_file: &Path,
        annotator: &str,
        session: &str,
    ) -> Result<Self, StoreError> {
        let mut info = LockInfo::current();
        info.annotator = annotator.to_owned();
        info.session = session.to_owned();
        let lock = Self {
            project_file: project_file.to_path_buf(),
            path: lock_path(project_file),
            info,
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

    /// Says we are still here (for machines that cannot see our process), putting our
    /// entry back if someone dropped it.
    pub fn refresh(&mut self) -> Result<(), StoreError> {
        self.info.refreshed = now_secs();
        self.write()
    }

    fn same(&self, i: &LockInfo) -> bool {
        i.pid == self.info.pid && i.host == self.info.host && i.session == self.info.session
    }

    fn write(&self) -> Result<(), StoreError> {
        update(&self.project_file, |list| {
            list.retain(|i| !self.same(i));
            list.push(self.info.clone());
            list.sort_by_key(|i| i.since);
        })
    }
}

impl Drop for ProjectLock {
    fn drop(&mut self) {
        // Errors are moot on close: a leftover entry of a gone process is stale.
        let _ = update(&self.project_file, |list| list.retain(|i| !self.same(i)));
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

/// The system user running this process.
pub fn user_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown user".into())
}

/// The name of this machine.
pub fn host_name() -> String {
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
        let lock = ProjectLock::acquire(&file, "Alice", "s1").expect("acquire");
        let path = dir.path().join("p.marginalia.ron.lock");
        assert_eq!(lock.path(), path);
        let on_disk = read(&path).expect("reads").expect("exists");
        assert_eq!(&on_disk, lock.info());
        assert_eq!(on_disk.annotator, "Alice");
        // Our own entry does not count as someone else's.
        assert_eq!(presence(&file), Presence::Free);
        let mut lock = lock;
        lock.refresh().expect("refresh");
        drop(lock);
        assert!(!path.exists());
    }

    /// Issue 21: the second window's Continue replaced the first person's lock, and when it
    /// quit nobody was shown although Alice was still in.
    #[test]
    fn joining_keeps_everyone_and_leaving_removes_only_ones_own_entry() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("p.marginalia.ron");
        // Alice: another live process on this machine (init never dies).
        let mut alice = LockInfo::current();
        alice.pid = 1;
        alice.annotator = "Alice".into();
        alice.session = "a".into();
        write_lock(&file, &alice);
        let bob = ProjectLock::acquire(&file, "Bob", "b").expect("Bob joins");
        let all = everyone(&file);
        let names: Vec<&str> = all.iter().map(LockInfo::name).collect();
        assert_eq!(names, ["Alice", "Bob"], "{all:?}");
        match presence(&file) {
            Presence::Held(h) => {
                assert_eq!(h.len(), 1);
                assert!(describe_all(&h).starts_with("Alice on "), "{h:?}");
            }
            other => panic!("expected held, got {other:?}"),
        }
        drop(bob);
        let left: Vec<String> = everyone(&file)
            .iter()
            .map(|i| i.name().to_owned())
            .collect();
        assert_eq!(left, ["Alice"], "Alice is still in after Bob quits");
    }

    #[test]
    fn dead_process_on_this_host_is_stale_and_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("p.marginalia.ron");
        let mut info = LockInfo::current();
        info.pid = dead_pid();
        write_lock(&file, &info);
        assert_eq!(presence(&file), Presence::Stale(Some(info)));
        let lock = ProjectLock::acquire(&file, "Bob", "b").expect("joins");
        let all = read_all(lock.path()).expect("reads");
        assert_eq!(all.len(), 1, "the dead entry is dropped: {all:?}");
        assert!(all[0].is_mine());
    }

    #[test]
    fn other_host_is_live_until_not_refreshed_for_hours() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("p.marginalia.ron");
        let info = LockInfo {
            version: 1,
            user: "ben".into(),
            host: format!("{}-elsewhere", host_name()),
            pid: dead_pid(),
            since: 1_000_000,
            refreshed: 1_000_000,
            annotator: String::new(),
            session: String::new(),
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
    fn utc_dates() {
        assert_eq!(utc_string(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_string(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc_string(1_796_000_000), "2026-11-30 00:53 UTC");
    }
}
