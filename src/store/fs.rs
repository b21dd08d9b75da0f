//! The file-system seam the store writes through: the real file system, and in tests a
//! file system that fails (or stops, like a killed process) at a chosen step.
//!
//! Every call that changes the disk, or reads what a save depends on, is one step here, so
//! a test can interrupt a save between any two of them.
//!
//! It is also the one home of writing a file atomically ([`write_atomic`], [`write_new`]):
//! every writer puts its bytes in a temporary file `.NAME.tmp-PID` beside the target
//! ([`temp_path`]), syncs it, and only then moves it into place.

use super::StoreError;
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// A file being written.
pub trait WriteFile: Send {
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Flushes the file's contents to stable storage (fsync).
    fn sync_all(&mut self) -> io::Result<()>;
}

/// The operations a save and a journal recovery use.
pub trait Fs: Send + Sync {
    fn create_dir_all(&self, dir: &Path) -> io::Result<()>;
    /// Creates `path`, truncating it if it exists.
    fn create(&self, path: &Path) -> io::Result<Box<dyn WriteFile>>;
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    fn remove_file(&self, path: &Path) -> io::Result<()>;
    fn hard_link(&self, original: &Path, link: &Path) -> io::Result<()>;
    fn copy(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Whether something is at `path` (without following a final symbolic link).
    fn exists(&self, path: &Path) -> io::Result<bool>;
    /// What is at `path` (without following a final symbolic link); `None`: nothing.
    fn file_type(&self, path: &Path) -> io::Result<Option<std::fs::FileType>>;
    /// Reads a regular file whole (`NotFound` when it does not exist).
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// Makes renames and removals in `dir` durable; a no-op where folders cannot be opened.
    fn sync_dir(&self, dir: &Path) -> io::Result<()>;
    /// Whether independent files may be written on several threads at once.
    fn parallel(&self) -> bool {
        true
    }
}

/// The real file system.
#[derive(Clone, Copy, Debug, Default)]
pub struct RealFs;

struct RealFile(std::fs::File);

impl WriteFile for RealFile {
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.0.write_all(bytes)
    }
    fn sync_all(&mut self) -> io::Result<()> {
        self.0.sync_all()
    }
}

impl Fs for RealFs {
    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)
    }
    fn create(&self, path: &Path) -> io::Result<Box<dyn WriteFile>> {
        Ok(Box::new(RealFile(create_file(path)?)))
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        std::fs::rename(from, to)
    }
    fn remove_file(&self, path: &Path) -> io::Result<()> {
        std::fs::remove_file(path)
    }
    fn hard_link(&self, original: &Path, link: &Path) -> io::Result<()> {
        std::fs::hard_link(original, link)
    }
    fn copy(&self, from: &Path, to: &Path) -> io::Result<()> {
        std::fs::copy(from, to).map(|_| ())
    }
    fn exists(&self, path: &Path) -> io::Result<bool> {
        match std::fs::symlink_metadata(path) {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }
    fn file_type(&self, path: &Path) -> io::Result<Option<std::fs::FileType>> {
        match std::fs::symlink_metadata(path) {
            Ok(m) => Ok(Some(m.file_type())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let mut f = open_regular(path)?;
        let mut out = Vec::new();
        f.read_to_end(&mut out)?;
        Ok(out)
    }
    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        // Not every platform can open a folder; where it cannot, renames are as durable
        // as that platform makes them.
        match std::fs::File::open(dir) {
            Ok(d) => d.sync_all(),
            Err(_) => Ok(()),
        }
    }
}

/// Whether process `pid` runs on this machine, from `/proc`; `None` where that cannot be
/// told. This process always runs. Callers choose what an unknown means: removing a
/// leftover needs `Some(false)`, honouring a lock treats `None` as running.
pub fn process_running(pid: u32) -> Option<bool> {
    if pid == std::process::id() {
        return Some(true);
    }
    let proc = Path::new("/proc");
    proc.join("self")
        .exists()
        .then(|| proc.join(pid.to_string()).exists())
}

/// Flushes every written file of the file system that holds `folder` to disk in one call
/// (Linux `syncfs`). `Ok(false)` where the platform has no such call: the caller syncs
/// each file itself. Writing thousands of files and syncing them one by one costs a few
/// milliseconds each on common disks; one `syncfs` flushes them together.
pub fn sync_filesystem(folder: &Path) -> io::Result<bool> {
    #[cfg(target_os = "linux")]
    {
        let dir = std::fs::File::open(folder)?;
        rustix::fs::syncfs(&dir)?;
        Ok(true)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = folder;
        Ok(false)
    }
}

/// Opens `path` for reading only if it is a regular file (after following links): a FIFO,
/// device or folder is an `InvalidInput` error, never a read that blocks. Checked before
/// opening, opened without blocking, and checked again on the opened handle.
pub fn open_regular(path: &Path) -> io::Result<std::fs::File> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(not_regular(meta.file_type()));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // Swapped for a FIFO between the check and the open: do not wait for a writer.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let f = options.open(path)?;
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(meta.file_type()));
    }
    Ok(f)
}

/// The one guarded read of a file from outside the program: a regular file (after links;
/// a FIFO, device or folder is an error naming it, never a read that waits), at most `limit`
/// bytes (checked before reading, and again while reading a file that grows).
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, StoreError> {
    super::load::read_limited(path, limit)
}

/// [`read_regular`] for a file that must lie inside the folder `dir`: refused, naming it,
/// when it (after resolving links) lies outside — a link to `/etc/passwd` or `/dev/zero`
/// put in a project folder is never read.
pub fn read_inside(dir: &Path, path: &Path, limit: u64) -> Result<Vec<u8>, StoreError> {
    let canonical_dir = dir
        .canonicalize()
        .map_err(|e| StoreError::io("resolve folder", dir, e))?;
    let real = path
        .canonicalize()
        .map_err(|e| StoreError::io("read", path, e))?;
    if !real.starts_with(&canonical_dir) {
        return Err(StoreError::Escapes {
            path: path.to_path_buf(),
            target: real.display().to_string(),
        });
    }
    read_regular(&real, limit).map_err(|e| match e {
        // Name the file as the caller knows it, not where its links led.
        StoreError::Io { action, err, .. } => StoreError::Io {
            action,
            path: path.to_path_buf(),
            err,
        },
        StoreError::TooLarge { size, limit, .. } => StoreError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit,
        },
        other => other,
    })
}

/// The error for something that is not a regular file (type `ft`): `InvalidInput`, saying
/// what it is.
fn not_regular(ft: std::fs::FileType) -> io::Error {
    let what = if ft.is_symlink() {
        "a symbolic link"
    } else if ft.is_dir() {
        "a folder"
    } else if is_fifo(&ft) {
        "a FIFO (named pipe)"
    } else {
        "a device or other special file"
    };
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("not a regular file but {what}"),
    )
}

fn is_fifo(ft: &std::fs::FileType) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        ft.is_fifo()
    }
    #[cfg(not(unix))]
    {
        let _ = ft;
        false
    }
}

/// Creates (or truncates) `path` for writing, never through a symbolic link (the open
/// fails) and never waiting for a reader of a FIFO; anything but a regular file that was
/// opened anyway is refused.
pub fn create_file(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let f = options.open(path)?;
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(meta.file_type()));
    }
    Ok(f)
}

/// The temporary file process `pid` writes before putting `target` in place:
/// `.NAME.tmp-PID` in the same folder. Every writer of the program names its temporary
/// files so, and [`parse_temp_name`] reads the name back for the sweepers of leftovers.
pub fn temp_path(target: &Path, pid: u32) -> PathBuf {
    target.with_file_name(format!(".{}.tmp-{pid}", file_name(target)))
}

/// The target's file name and the process of a temporary file named by [`temp_path`];
/// `None` for any other name.
pub fn parse_temp_name(name: &str) -> Option<(&str, u32)> {
    let (target, pid) = name.strip_prefix('.')?.rsplit_once(".tmp-")?;
    if target.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((target, pid.parse().ok()?))
}

/// Where [`Backup::Keep`] keeps the replaced `target`: `NAME.bak` beside it.
pub fn backup_path(target: &Path) -> PathBuf {
    target.with_file_name(format!("{}.bak", file_name(target)))
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The folder of `p`, as a path the file system can open (`.` for none).
fn folder_of(p: &Path) -> &Path {
    p.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Whether [`write_atomic`] keeps the file it replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backup {
    /// As `NAME.bak` beside it ([`backup_path`]; a hard link where possible, else a
    /// copy), replacing an older `NAME.bak`.
    Keep,
    /// Not at all; a `NAME.bak` already there is left as it is.
    Skip,
}

/// Writes `bytes` to `path` atomically: a temporary file beside it ([`temp_path`]), its
/// data synced, the old file kept as `NAME.bak` when `backup` says so, then renamed over
/// `path`, and the folder synced. A failure at any step leaves `path` as it was and
/// removes the temporary file. Only a regular file is replaced: a symbolic link, folder,
/// FIFO or device at `path` is an error naming it. The folder must exist.
pub fn write_atomic(path: &Path, bytes: &[u8], backup: Backup) -> Result<(), StoreError> {
    write_atomic_with(&RealFs, path, bytes, backup)
}

/// [`write_atomic`] through the file-system seam `fs`.
pub fn write_atomic_with(
    fs: &dyn Fs,
    path: &Path,
    bytes: &[u8],
    backup: Backup,
) -> Result<(), StoreError> {
    let existed = check_replaceable(fs, path)?;
    let tmp = write_temp(fs, path, bytes)?;
    let result = (|| {
        if existed && backup == Backup::Keep {
            back_up(fs, path)?;
        }
        fs.rename(&tmp, path)
            .map_err(|e| StoreError::io("replace", path, e))?;
        let dir = folder_of(path);
        fs.sync_dir(dir)
            .map_err(|e| StoreError::io("sync folder", dir, e))
    })();
    if result.is_err() {
        let _ = fs.remove_file(&tmp);
    }
    result
}

/// Whether there is a file at `target` to replace: `false` when nothing is there, `true`
/// for a regular file; anything else (a symbolic link, folder, FIFO, device) is an error
/// naming `target`, so a writer never replaces it.
pub(crate) fn check_replaceable(fs: &dyn Fs, target: &Path) -> Result<bool, StoreError> {
    match fs.file_type(target) {
        Ok(None) => Ok(false),
        Ok(Some(t)) if t.is_file() => Ok(true),
        Ok(Some(t)) => Err(StoreError::io("replace", target, not_regular(t))),
        Err(e) => Err(StoreError::io("look at", target, e)),
    }
}

/// Writes `bytes` to this process's temporary file for `target` ([`temp_path`]) and syncs
/// it; returns its path. On failure a temporary file it created is removed.
pub(crate) fn write_temp(fs: &dyn Fs, target: &Path, bytes: &[u8]) -> Result<PathBuf, StoreError> {
    let tmp = temp_path(target, std::process::id());
    let mut f = fs
        .create(&tmp)
        .map_err(|e| StoreError::io("create the temporary file", &tmp, e))?;
    let written = f
        .write_all(bytes)
        .map_err(|e| StoreError::io("write", &tmp, e))
        .and_then(|()| f.sync_all().map_err(|e| StoreError::io("sync", &tmp, e)));
    drop(f);
    match written {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = fs.remove_file(&tmp);
            Err(e)
        }
    }
}

/// Keeps the current `target` as `NAME.bak` ([`backup_path`]): a hard link where possible,
/// else a copy, replacing an older backup.
pub(crate) fn back_up(fs: &dyn Fs, target: &Path) -> Result<(), StoreError> {
    let bak = backup_path(target);
    match fs.remove_file(&bak) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(StoreError::io("replace backup", &bak, e)),
    }
    if fs.hard_link(target, &bak).is_err() {
        fs.copy(target, &bak)
            .map_err(|e| StoreError::io("back up", &bak, e))?;
    }
    Ok(())
}

/// Writes `bytes` as a new file at `path`, atomically (a temporary file, synced, then moved
/// into place without replacing anything, and the folder synced): never replaces what is
/// there, even something put there while writing — that is an error naming `path`.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    match write_new_first(std::iter::once(path.to_path_buf()), bytes)? {
        Some(_) => Ok(()),
        None => Err(StoreError::io(
            "create",
            path,
            io::Error::new(io::ErrorKind::AlreadyExists, "something is already there"),
        )),
    }
}

/// [`write_new`] at the first of `candidates` with nothing there (each in an existing
/// folder); returns the path written, or `None` when every candidate is taken. The bytes
/// are written and synced once, named after the first free candidate.
pub fn write_new_first(
    candidates: impl IntoIterator<Item = PathBuf>,
    bytes: &[u8],
) -> Result<Option<PathBuf>, StoreError> {
    let free = |p: &PathBuf| std::fs::symlink_metadata(p).is_err();
    let mut candidates = candidates.into_iter().filter(free);
    let Some(first) = candidates.next() else {
        return Ok(None);
    };
    let tmp = write_temp(&RealFs, &first, bytes)?;
    let placed = (|| {
        for dest in std::iter::once(first).chain(candidates) {
            if place_new(&tmp, &dest, bytes).map_err(|e| StoreError::io("create", &dest, e))? {
                let dir = folder_of(&dest);
                RealFs
                    .sync_dir(dir)
                    .map_err(|e| StoreError::io("sync folder", dir, e))?;
                return Ok(Some(dest));
            }
        }
        Ok(None)
    })();
    // Moved into place, or linked there: either way the temporary name goes.
    let _ = std::fs::remove_file(&tmp);
    placed
}

/// Puts the complete file `tmp` (holding `bytes`) at `dest` unless something is there:
/// `Ok(false)` when it is. A rename that refuses to replace where the platform and file
/// system have one, else a hard link, else a copy into a file created only if new.
fn place_new(tmp: &Path, dest: &Path, bytes: &[u8]) -> io::Result<bool> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        match renameat_with(CWD, tmp, CWD, dest, RenameFlags::NOREPLACE) {
            Ok(()) => return Ok(true),
            Err(Errno::EXIST) => return Ok(false),
            // This file system cannot rename without replacing: link instead.
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {}
            Err(e) => return Err(e.into()),
        }
    }
    match std::fs::hard_link(tmp, dest) {
        Ok(()) => return Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
        // No hard links here: copy.
        Err(_) => {}
    }
    let mut f = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(dest)
    {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(e),
    };
    let copied = f.write_all(bytes).and_then(|()| f.sync_all());
    drop(f);
    if let Err(e) = copied {
        // Created just now by this call: nobody else's.
        let _ = std::fs::remove_file(dest);
        return Err(e);
    }
    Ok(true)
}

/// How a [`FaultyFs`] fails at its chosen step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The step fails with "no space left on device" (a write writes half its bytes
    /// first); every later step works, as when space is freed right away.
    NoSpace,
    /// The process "dies" at the step: it does not happen (a write writes half its
    /// bytes), and neither does any later step, so the disk is left as a killed process
    /// would leave it. Every call then fails.
    Crash,
}

/// A file system for tests: the real one, except that step number `fail_at` (counting from
/// 0 over every call, including writes and syncs of open files) fails as `fault` says.
/// Never runs calls in parallel, so step numbers are the same on every run.
#[derive(Clone, Debug)]
pub struct FaultyFs {
    inner: Arc<FaultState>,
}

#[derive(Debug)]
struct FaultState {
    fail_at: usize,
    fault: Fault,
    steps: AtomicUsize,
    dead: AtomicBool,
}

/// Whether an error is the one a [`FaultyFs`] returns for [`Fault::Crash`].
pub fn is_simulated_crash(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::Interrupted && err.to_string().contains(CRASH_MESSAGE)
}

const CRASH_MESSAGE: &str = "simulated crash";

impl FaultyFs {
    /// Fails step `fail_at`; `usize::MAX` never fails (to count the steps of a save).
    pub fn new(fail_at: usize, fault: Fault) -> Self {
        Self {
            inner: Arc::new(FaultState {
                fail_at,
                fault,
                steps: AtomicUsize::new(0),
                dead: AtomicBool::new(false),
            }),
        }
    }

    /// The number of steps taken so far (including the failed one).
    pub fn steps(&self) -> usize {
        self.inner.steps.load(Ordering::SeqCst)
    }

    /// Whether the chosen step has been reached.
    pub fn fired(&self) -> bool {
        self.steps() > self.inner.fail_at
    }

    /// `Ok(true)`: go ahead; `Ok(false)`: this step is the one that fails (after a partial
    /// write where that applies); `Err`: the process is dead.
    fn step(&self) -> io::Result<bool> {
        let s = &self.inner;
        if s.dead.load(Ordering::SeqCst) {
            return Err(crash_error());
        }
        let n = s.steps.fetch_add(1, Ordering::SeqCst);
        if n != s.fail_at {
            return Ok(true);
        }
        if s.fault == Fault::Crash {
            s.dead.store(true, Ordering::SeqCst);
        }
        Ok(false)
    }

    fn error(&self) -> io::Error {
        match self.inner.fault {
            Fault::Crash => crash_error(),
            Fault::NoSpace => no_space(),
        }
    }

    fn guard(&self) -> io::Result<()> {
        if self.step()? {
            Ok(())
        } else {
            Err(self.error())
        }
    }
}

fn crash_error() -> io::Error {
    io::Error::new(io::ErrorKind::Interrupted, CRASH_MESSAGE)
}

/// The error a full disk gives: ENOSPC.
pub fn no_space() -> io::Error {
    #[cfg(unix)]
    {
        io::Error::from_raw_os_error(libc::ENOSPC)
    }
    #[cfg(not(unix))]
    {
        io::Error::new(io::ErrorKind::StorageFull, "no space left on device")
    }
}

struct FaultyFile {
    fs: FaultyFs,
    file: std::fs::File,
}

impl WriteFile for FaultyFile {
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.fs.step()? {
            self.file.write_all(bytes)
        } else {
            self.file.write_all(&bytes[..bytes.len() / 2])?;
            Err(self.fs.error())
        }
    }
    fn sync_all(&mut self) -> io::Result<()> {
        self.fs.guard()?;
        self.file.sync_all()
    }
}

impl Fs for FaultyFs {
    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        self.guard()?;
        RealFs.create_dir_all(dir)
    }
    fn create(&self, path: &Path) -> io::Result<Box<dyn WriteFile>> {
        self.guard()?;
        Ok(Box::new(FaultyFile {
            fs: self.clone(),
            file: create_file(path)?,
        }))
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.guard()?;
        RealFs.rename(from, to)
    }
    fn remove_file(&self, path: &Path) -> io::Result<()> {
        self.guard()?;
        RealFs.remove_file(path)
    }
    fn hard_link(&self, original: &Path, link: &Path) -> io::Result<()> {
        self.guard()?;
        RealFs.hard_link(original, link)
    }
    fn copy(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.guard()?;
        RealFs.copy(from, to)
    }
    fn exists(&self, path: &Path) -> io::Result<bool> {
        self.guard()?;
        RealFs.exists(path)
    }
    fn file_type(&self, path: &Path) -> io::Result<Option<std::fs::FileType>> {
        self.guard()?;
        RealFs.file_type(path)
    }
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.guard()?;
        RealFs.read(path)
    }
    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        self.guard()?;
        RealFs.sync_dir(dir)
    }
    fn parallel(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faulty_fs_fails_exactly_the_chosen_step() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("a");
        let fs = FaultyFs::new(1, Fault::NoSpace);
        let mut f = fs.create(&p).unwrap();
        let err = f.write_all(b"0123456789").unwrap_err();
        assert_eq!(err.raw_os_error(), no_space().raw_os_error());
        // Half the bytes reached the file, as a write on a full disk can leave it.
        assert_eq!(std::fs::read(&p).unwrap(), b"01234");
        f.sync_all().unwrap();
        assert_eq!(fs.steps(), 3);
    }

    #[test]
    fn after_a_crash_nothing_runs() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("a");
        let fs = FaultyFs::new(0, Fault::Crash);
        assert!(is_simulated_crash(&fs.create(&p).err().unwrap()));
        assert!(!p.exists());
        assert!(is_simulated_crash(&fs.read(&p).unwrap_err()));
        assert!(fs.fired());
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_refused_without_blocking() {
        let tmp = tempfile::tempdir().unwrap();
        let err = open_regular(tmp.path()).unwrap_err();
        assert!(err.to_string().contains("folder"), "{err}");
        let fifo = tmp.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let err = open_regular(&fifo).unwrap_err();
            assert!(err.to_string().contains("FIFO"), "{err}");
        }
        let err = open_regular(Path::new("/dev/null")).unwrap_err();
        assert!(err.to_string().contains("device"), "{err}");
    }

    /// Names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn temp_names_are_read_back_and_nothing_else_is() {
        let t = temp_path(Path::new("/p/sources/a.tmp-3.txt"), 42);
        assert_eq!(t, Path::new("/p/sources/.a.tmp-3.txt.tmp-42"));
        let name = t.file_name().unwrap().to_str().unwrap();
        assert_eq!(parse_temp_name(name), Some(("a.tmp-3.txt", 42)));
        for other in [
            "a.txt",
            ".a.txt",
            ".a.txt.tmp-",
            ".a.txt.tmp-+4",
            ".a.txt.tmp-4x",
            "..tmp-4",
        ] {
            assert_eq!(parse_temp_name(other), None, "{other}");
        }
    }

    #[test]
    fn replaces_with_or_without_a_backup_and_leaves_no_temporary() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("a.svg");
        write_atomic(&p, b"one", Backup::Skip).unwrap();
        write_atomic(&p, b"two", Backup::Skip).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(names(tmp.path()), ["a.svg"]);

        write_atomic(&p, b"three", Backup::Keep).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"three");
        assert_eq!(std::fs::read(backup_path(&p)).unwrap(), b"two");
        write_atomic(&p, b"four", Backup::Keep).unwrap();
        assert_eq!(std::fs::read(backup_path(&p)).unwrap(), b"three");
        // Without a backup, one already there (perhaps the user's own) is left alone.
        write_atomic(&p, b"five", Backup::Skip).unwrap();
        assert_eq!(std::fs::read(backup_path(&p)).unwrap(), b"three");
        assert_eq!(std::fs::read(&p).unwrap(), b"five");
        assert_eq!(names(tmp.path()), ["a.svg", "a.svg.bak"]);
        // A new file has nothing to back up.
        let q = tmp.path().join("b.svg");
        write_atomic(&q, b"new", Backup::Keep).unwrap();
        assert!(!backup_path(&q).exists());
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let refused = |target: &Path, what: &str| {
            let err = write_atomic(target, b"new", Backup::Keep).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains(what), "{msg}");
            assert!(msg.ends_with(&target.display().to_string()), "{msg}");
            assert_eq!(err.path(), target);
        };
        // A link (to a file, or dangling) stays a link, its file untouched.
        let real = dir.join("real.svg");
        std::fs::write(&real, b"mine").unwrap();
        let link = dir.join("link.svg");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        refused(&link, "symbolic link");
        let dangling = dir.join("dangling.svg");
        std::os::unix::fs::symlink(dir.join("none"), &dangling).unwrap();
        refused(&dangling, "symbolic link");
        assert_eq!(std::fs::read(&real).unwrap(), b"mine");
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        // A folder, a FIFO (refused without waiting for a reader), a device.
        let folder = dir.join("folder.svg");
        std::fs::create_dir(&folder).unwrap();
        refused(&folder, "folder");
        let fifo = dir.join("pipe.svg");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo is needed");
        refused(&fifo, "FIFO");
        refused(Path::new("/dev/null"), "device");
        // Nothing was written beside them.
        assert_eq!(
            names(dir),
            [
                "dangling.svg",
                "folder.svg",
                "link.svg",
                "pipe.svg",
                "real.svg"
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_the_way_of_the_temporary_file_is_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let secret = tmp.path().join("secret");
        std::fs::write(&secret, b"keep me").unwrap();
        let target = tmp.path().join("a.svg");
        std::os::unix::fs::symlink(&secret, temp_path(&target, std::process::id())).unwrap();
        write_atomic(&target, b"new", Backup::Skip).unwrap_err();
        assert_eq!(std::fs::read(&secret).unwrap(), b"keep me");
        assert!(!target.exists());
    }

    #[test]
    fn a_failure_at_any_step_keeps_the_old_file_and_sweeps_the_temporary() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("a.ron");
        let counter = FaultyFs::new(usize::MAX, Fault::NoSpace);
        write_atomic_with(&counter, &p, b"old", Backup::Keep).unwrap();
        write_atomic_with(&counter, &p, b"old", Backup::Keep).unwrap();
        let start = counter.steps();
        write_atomic_with(&counter, &p, b"new", Backup::Keep).unwrap();
        let steps = counter.steps() - start;
        assert!(steps >= 6, "{steps} steps");
        let mut failed = 0;
        for n in 0..steps {
            std::fs::write(&p, b"old").unwrap();
            let fs = FaultyFs::new(n, Fault::NoSpace);
            let result = write_atomic_with(&fs, &p, b"new", Backup::Keep);
            assert!(fs.fired());
            let now = std::fs::read(&p).unwrap();
            match result {
                Err(e) => {
                    failed += 1;
                    assert!(e.to_string().contains("No space"), "{e}");
                    // Only the last step (syncing the folder) fails after the rename.
                    assert!(now == b"old" || n == steps - 1, "step {n}: {now:?}");
                }
                // A failed hard link for the backup falls back to a copy.
                Ok(()) => {
                    assert_eq!(now, b"new", "step {n}");
                    assert_eq!(std::fs::read(backup_path(&p)).unwrap(), b"old");
                }
            }
            assert!(
                !temp_path(&p, std::process::id()).exists(),
                "step {n} left its temporary file"
            );
        }
        assert!(
            failed >= steps - 1,
            "{failed} of {steps} steps failed the write"
        );
    }

    #[test]
    fn a_crash_at_any_step_leaves_the_old_file_or_the_new_one() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("a.ron");
        for n in 0..8 {
            std::fs::write(&p, b"old").unwrap();
            let fs = FaultyFs::new(n, Fault::Crash);
            let _ = write_atomic_with(&fs, &p, b"new", Backup::Keep);
            let now = std::fs::read(&p).unwrap();
            assert!(now == b"old" || now == b"new", "step {n}: {now:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_target_in_a_read_only_folder_is_named_in_the_error() {
        use std::os::unix::fs::PermissionsExt as _;
        let tmp = tempfile::tempdir().unwrap();
        let ro = tmp.path().join("ro");
        std::fs::create_dir(&ro).unwrap();
        std::fs::write(ro.join("a.svg"), b"old").unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        // Root writes into any folder whatever its mode; the kernel's /sys refuses even root.
        let probe = ro.join("probe");
        let folder = if std::fs::write(&probe, b"").is_ok() {
            assert!(
                Path::new("/sys/kernel").is_dir(),
                "no read-only folder to test in"
            );
            PathBuf::from("/sys/kernel")
        } else {
            ro.clone()
        };
        let target = folder.join("a.svg");
        for result in [
            write_atomic(&target, b"new", Backup::Keep),
            write_new(&target, b"new"),
        ] {
            let err = result.unwrap_err();
            let StoreError::Io { err: io, .. } = &err else {
                panic!("{err}");
            };
            assert_eq!(io.kind(), io::ErrorKind::PermissionDenied, "{err}");
            let msg = err.to_string();
            assert!(
                msg.contains(&*folder.to_string_lossy()) && msg.contains("a.svg"),
                "{msg}"
            );
        }
        if folder == ro {
            assert_eq!(std::fs::read(ro.join("a.svg")).unwrap(), b"old");
        }
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn new_files_never_replace_anything() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("scan.png");
        write_new(&p, b"first").unwrap();
        let err = write_new(&p, b"second").unwrap_err();
        assert!(err.to_string().ends_with(&p.display().to_string()), "{err}");
        assert_eq!(std::fs::read(&p).unwrap(), b"first");
        // The first free of several names; a dangling link counts as taken.
        #[cfg(unix)]
        std::os::unix::fs::symlink(tmp.path().join("none"), tmp.path().join("scan-2.png")).unwrap();
        let candidates = ["scan.png", "scan-2.png", "scan-3.png"].map(|n| tmp.path().join(n));
        let got = write_new_first(candidates.clone(), b"third").unwrap();
        assert_eq!(got, Some(tmp.path().join("scan-3.png")));
        assert_eq!(
            std::fs::read(tmp.path().join("scan-3.png")).unwrap(),
            b"third"
        );
        assert_eq!(write_new_first(candidates, b"fourth").unwrap(), None);
        assert!(
            names(tmp.path()).iter().all(|n| !n.contains(".tmp-")),
            "{:?}",
            names(tmp.path())
        );
    }

    #[test]
    fn a_new_file_taken_while_writing_is_not_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("scan.png");
        let staged = tmp.path().join("staged");
        std::fs::write(&staged, b"mine").unwrap();
        std::fs::write(&dest, b"theirs").unwrap();
        assert!(!place_new(&staged, &dest, b"mine").unwrap());
        assert_eq!(std::fs::read(&dest).unwrap(), b"theirs");
        let free = tmp.path().join("free.png");
        assert!(place_new(&staged, &free, b"mine").unwrap());
        assert_eq!(std::fs::read(&free).unwrap(), b"mine");
    }
}
