//! The parts the fuzz harnesses (tests/store_fuzz.rs, tests/import_fuzz.rs) share: byte
//! edits of real inputs, a seeded runner, a time limit on a thread, and folder copies and
//! snapshots.

use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// A change to a file's bytes that does not depend on its format. Positions are taken
/// modulo the length, so every edit applies to any file.
#[derive(Clone, Debug)]
pub enum Edit {
    /// Removes `len` bytes at `at`.
    Delete {
        at: usize,
        len: usize,
    },
    /// Copies `len` bytes from `from` to `to`.
    Duplicate {
        from: usize,
        len: usize,
        to: usize,
    },
    /// Replaces the `nth` number ([`numbers`]) with another.
    Number {
        nth: usize,
        value: &'static str,
    },
    /// Replaces the contents of the `nth` quoted string ([`strings`]).
    Str {
        nth: usize,
        value: String,
    },
    SwapLines {
        a: usize,
        b: usize,
    },
    Truncate {
        at: usize,
    },
    FlipBit {
        at: usize,
        bit: u8,
    },
}

impl Edit {
    pub fn apply(&self, bytes: &mut Vec<u8>) {
        let n = bytes.len().max(1);
        match self {
            Edit::Delete { at, len } => {
                let at = at % n;
                let end = (at + len).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            Edit::Duplicate { from, len, to } => {
                let from = from % n;
                let end = (from + len).min(bytes.len());
                let piece = bytes[from.min(end)..end].to_vec();
                insert(bytes, *to, &piece);
            }
            Edit::Number { nth, value } => replace_nth(bytes, numbers(bytes), *nth, value),
            Edit::Str { nth, value } => replace_nth(bytes, strings(bytes), *nth, value),
            Edit::SwapLines { a, b } => {
                let mut lines: Vec<Vec<u8>> =
                    bytes.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
                let l = lines.len();
                lines.swap(a % l, b % l);
                *bytes = lines.join(&b'\n');
            }
            Edit::Truncate { at } => bytes.truncate(at % n),
            Edit::FlipBit { at, bit } => {
                if !bytes.is_empty() {
                    let at = at % bytes.len();
                    bytes[at] ^= 1 << bit;
                }
            }
        }
    }
}

fn replace_nth(bytes: &mut Vec<u8>, found: Vec<(usize, usize)>, nth: usize, value: &str) {
    if let Some(&(s, e)) = found.get(nth % found.len().max(1)) {
        bytes.splice(s..e, value.bytes());
    }
}

/// Inserts `piece` at `at` (modulo the length plus one).
pub fn insert(bytes: &mut Vec<u8>, at: usize, piece: &[u8]) {
    let at = at % (bytes.len() + 1);
    bytes.splice(at..at, piece.iter().copied());
}

/// Inserts `depth` times `open` then `depth` times `close` at `at`.
pub fn nest(bytes: &mut Vec<u8>, at: usize, depth: usize, open: &str, close: &str) {
    let mut piece = open.repeat(depth);
    piece.push_str(&close.repeat(depth));
    insert(bytes, at, piece.as_bytes());
}

/// Byte ranges of numbers.
pub fn numbers(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

/// Byte ranges of the contents of `"…"` strings.
pub fn strings(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'"' {
            let start = i + 1;
            let mut j = start;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            let end = j.min(b.len());
            out.push((start, end));
            i = end + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// A runner whose cases are the same on every run with the same `seed`.
pub fn seeded_runner(seed: u64) -> TestRunner {
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRunner::new_with_rng(
        Config {
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    )
}

/// Runs `f` on a thread for at most `limit`: `None` when it hangs (the thread cannot be
/// stopped and goes on), else its result or its panic.
pub fn within<T: Send + 'static>(
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Option<std::thread::Result<T>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(std::panic::catch_unwind(AssertUnwindSafe(f)));
    });
    rx.recv_timeout(limit).ok()
}

/// The long runs' time per target: `FUZZ_SECONDS`, else `default`.
pub fn seconds_from_env(default: u64) -> Duration {
    let secs = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    Duration::from_secs(secs)
}

/// Every file and folder under `dir` (links not followed) with its contents' hash, or the
/// link's target.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            let what = if meta.is_dir() {
                stack.push(p.clone());
                "folder".to_owned()
            } else if meta.is_file() {
                blake3::hash(&std::fs::read(&p).unwrap()).to_string()
            } else {
                format!("link or special: {:?}", std::fs::read_link(&p).ok())
            };
            out.insert(p, what);
        }
    }
    out
}

/// Copies a folder of regular files and folders.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}
