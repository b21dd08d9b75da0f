//! The file-system seam the store writes through: the real file system, and in tests a
//! file system that fails (or stops, like a killed process) at a chosen step.
//!
//! Every call that changes the disk, or reads what a save depends on, is one step here, so
//! a test can interrupt a save between any two of them.

use std::io::{self, Read as _, Write as _};
use std::path::Path;
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
        Ok(Box::new(RealFile(std::fs::File::create(path)?)))
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
    let not_regular = |ft: std::fs::FileType| {
        let what = if ft.is_dir() {
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
    };
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
            file: std::fs::File::create(path)?,
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
}
