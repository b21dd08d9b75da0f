//! Fuzz harness for the loaders: structured mutations of real inputs (the sample project's
//! files), each run with a time limit, counting clear errors, panics, hangs and files
//! modified. The quick run is part of `cargo test`; the long one is
//! `cargo test --test store_fuzz -- --ignored --nocapture` (`FUZZ_SECONDS` per target,
//! default 120), and its figures go into `docs/reliability.md`.
//!
//! Adding a loader is one [`Target`]: a seed folder, the files in it to mutate, and the call.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What a target does with an input folder. `Err` holds the error message, which must name
/// a file or folder under `input` (a clear error). `out` is an empty folder it may write to.
type Run = fn(input: &Path, out: &Path) -> Result<(), String>;

/// One loader under test.
struct Target {
    name: &'static str,
    /// The folder of real inputs, copied for every case.
    seed: fn() -> PathBuf,
    /// Files under the seed folder the mutations apply to (one is picked per case).
    files: &'static [&'static str],
    run: Run,
}

const SAMPLE_PROJECT: &str = "korean-armistice-1951.marginalia.ron";
const SAMPLE_ANNOTATIONS: &str = "sources/cable-21677-mao-to-filippov-1951-07-11.txt.ann.ron";

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951")
}

fn load_project(input: &Path, _out: &Path) -> Result<(), String> {
    marginalia::store::load(input)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Every loader the harness covers.
const TARGETS: &[Target] = &[
    Target {
        name: "project file",
        seed: sample,
        files: &[SAMPLE_PROJECT],
        run: load_project,
    },
    Target {
        name: "annotation file",
        seed: sample,
        files: &[SAMPLE_ANNOTATIONS],
        run: load_project,
    },
];

/// One structured change to a text file.
#[derive(Clone, Debug)]
enum Mutation {
    /// Removes `len` bytes at `at` (positions are taken modulo the length).
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
    Insert {
        at: usize,
        token: &'static str,
    },
    /// Replaces the `nth` number with another.
    Number {
        nth: usize,
        value: &'static str,
    },
    /// Replaces the contents of the `nth` string.
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
    /// Wraps the value at `at` in `depth` brackets.
    Nest {
        at: usize,
        depth: usize,
        open: char,
    },
}

const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "r#\"",
    "'",
    "//",
    "/*",
    "*/",
    "\u{feff}",
    "\\u{feff}",
    "-",
    "NaN",
    "inf",
    "1e309",
    "Some(",
    "None",
    "()",
    "[]",
    "\n",
    "\0",
    "\r",
    "🦀",
    "\u{202e}",
    "format_version: 2,",
    "unknown_field: 1,",
    "id: \"0\",",
    "true",
    "\u{ffff}",
    "\\",
    "#",
    "#![enable(implicit_some)]",
];

const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "2",
    "255",
    "256",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "1e400",
    "-0",
    "0x10",
    "1.5",
    "NaN",
    "99999999999999999999999999",
];

fn string_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("../outside.txt".to_owned()),
        Just("/etc/passwd".to_owned()),
        Just("C:\\\\x".to_owned()),
        Just("sources".to_owned()),
        Just("sources/cable-21677-mao-to-filippov-1951-07-11.txt".to_owned()),
        Just(".".to_owned()),
        Just("0190a0b0-0000-7000-8000-000000000000".to_owned()),
        Just("\\u{0}".to_owned()),
        Just("x".repeat(70_000)),
        "[a-z_]{0,12}",
        any::<String>().prop_map(|s| s.replace(['"', '\\'], "")),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let pos = any::<usize>();
    prop_oneof![
        (pos, 1usize..64).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (pos, 1usize..256, pos).prop_map(|(from, len, to)| Mutation::Duplicate { from, len, to }),
        (pos, prop::sample::select(TOKENS)).prop_map(|(at, token)| Mutation::Insert { at, token }),
        (pos, prop::sample::select(NUMBERS))
            .prop_map(|(nth, value)| Mutation::Number { nth, value }),
        (pos, string_value()).prop_map(|(nth, value)| Mutation::Str { nth, value }),
        (pos, pos).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        pos.prop_map(|at| Mutation::Truncate { at }),
        (pos, 0u8..8).prop_map(|(at, bit)| Mutation::FlipBit { at, bit }),
        (pos, 1usize..2000, prop::sample::select(vec!['(', '[', '{']))
            .prop_map(|(at, depth, open)| Mutation::Nest { at, depth, open }),
    ]
}

/// A case: which file of the target to change, and how.
fn case() -> impl Strategy<Value = (usize, Vec<Mutation>)> {
    (any::<usize>(), prop::collection::vec(mutation(), 1..4))
}

/// Byte offsets of the starts of numbers, and the content ranges of strings.
fn numbers(b: &[u8]) -> Vec<(usize, usize)> {
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

fn strings(b: &[u8]) -> Vec<(usize, usize)> {
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

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len().max(1);
    match m {
        Mutation::Delete { at, len } => {
            let at = at % n;
            let end = (at + len).min(bytes.len());
            bytes.drain(at.min(end)..end);
        }
        Mutation::Duplicate { from, len, to } => {
            let from = from % n;
            let end = (from + len).min(bytes.len());
            let piece = bytes[from.min(end)..end].to_vec();
            let to = to % (bytes.len() + 1);
            bytes.splice(to..to, piece);
        }
        Mutation::Insert { at, token } => {
            let at = at % (bytes.len() + 1);
            bytes.splice(at..at, token.bytes());
        }
        Mutation::Number { nth, value } => {
            let found = numbers(bytes);
            if let Some(&(s, e)) = found.get(nth % found.len().max(1)) {
                bytes.splice(s..e, value.bytes());
            }
        }
        Mutation::Str { nth, value } => {
            let found = strings(bytes);
            if let Some(&(s, e)) = found.get(nth % found.len().max(1)) {
                bytes.splice(s..e, value.bytes());
            }
        }
        Mutation::SwapLines { a, b } => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let mut lines: Vec<&str> = text.split('\n').collect();
            let l = lines.len();
            lines.swap(a % l, b % l);
            *bytes = lines.join("\n").into_bytes();
        }
        Mutation::Truncate { at } => bytes.truncate(at % n),
        Mutation::FlipBit { at, bit } => {
            if !bytes.is_empty() {
                let at = at % bytes.len();
                bytes[at] ^= 1 << bit;
            }
        }
        Mutation::Nest { at, depth, open } => {
            let close = match open {
                '(' => ')',
                '[' => ']',
                _ => '}',
            };
            let at = at % (bytes.len() + 1);
            let mut piece = open.to_string().repeat(*depth);
            piece.push_str(&close.to_string().repeat(*depth));
            bytes.splice(at..at, piece.bytes());
        }
    }
}

/// Every file and folder under `dir` with its contents' hash.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<blake3::Hash>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                out.insert(p.clone(), None);
                stack.push(p);
            } else {
                out.insert(p.clone(), Some(blake3::hash(&std::fs::read(&p).unwrap())));
            }
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
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

#[derive(Debug, Default)]
struct Stats {
    inputs: usize,
    loaded: usize,
    clear_errors: usize,
    failures: Vec<String>,
}

/// The per-input time limit.
const LIMIT: Duration = Duration::from_secs(10);

/// Runs `target` on mutated inputs until `cases` inputs or `budget` time, whichever first.
fn fuzz(target: &Target, cases: usize, budget: Duration, seed: u64) -> Stats {
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config {
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let strategy = case();
    let seed_dir = (target.seed)();
    assert!(
        seed_dir.is_dir(),
        "the seed folder of {} is missing: {}",
        target.name,
        seed_dir.display()
    );
    let mut stats = Stats::default();
    let start = Instant::now();
    while stats.inputs < cases && start.elapsed() < budget {
        let (file_pick, mutations) = strategy.new_tree(&mut runner).unwrap().current();
        stats.inputs += 1;
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("in");
        let out = tmp.path().join("out");
        copy_dir(&seed_dir, &input);
        std::fs::create_dir_all(&out).unwrap();
        let rel = target.files[file_pick % target.files.len()];
        let file = input.join(rel);
        let mut bytes = std::fs::read(&file).unwrap();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        std::fs::write(&file, &bytes).unwrap();
        let before = snapshot(&input);
        let (tx, rx) = mpsc::channel();
        let (i2, o2, run) = (input.clone(), out.clone(), target.run);
        std::thread::spawn(move || {
            let r = std::panic::catch_unwind(AssertUnwindSafe(|| run(&i2, &o2)));
            let _ = tx.send(r);
        });
        let what = format!(
            "{} #{}: {rel} with {mutations:?}",
            target.name, stats.inputs
        );
        match rx.recv_timeout(LIMIT) {
            Err(_) => {
                stats.failures.push(format!("hang: {what}"));
                // The thread cannot be stopped; keep its folder alive and stop here.
                std::mem::forget(tmp);
                break;
            }
            Ok(Err(_)) => stats.failures.push(format!("panic: {what}")),
            Ok(Ok(Ok(()))) => stats.loaded += 1,
            Ok(Ok(Err(msg))) => {
                if msg.contains(&*input.to_string_lossy()) {
                    stats.clear_errors += 1;
                } else {
                    stats
                        .failures
                        .push(format!("error naming no file ({msg}): {what}"));
                }
            }
        }
        if snapshot(&input) != before {
            stats.failures.push(format!("files modified: {what}"));
        }
    }
    stats
}

fn run_all(cases: usize, budget: Duration) {
    let mut failures = Vec::new();
    for (i, t) in TARGETS.iter().enumerate() {
        let s = fuzz(t, cases, budget, 0x5eed + i as u64);
        println!(
            "fuzz {}: {} inputs, {} loaded, {} clear errors, {} failures",
            t.name,
            s.inputs,
            s.loaded,
            s.clear_errors,
            s.failures.len()
        );
        failures.extend(s.failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The quick run: at most 1,000 inputs or 6 s per target, well under 20 s.
#[test]
fn loaders_survive_mutated_inputs() {
    run_all(1000, Duration::from_secs(6));
}

/// The long run, by hand or from CI: `FUZZ_SECONDS` per target (default 120).
#[test]
#[ignore = "long fuzz run: cargo test --test store_fuzz -- --ignored --nocapture"]
fn loaders_survive_mutated_inputs_long() {
    let secs = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    run_all(usize::MAX, Duration::from_secs(secs));
}

/// The mutations change files, and inputs are reproducible from the seed.
#[test]
fn mutations_are_deterministic_and_effective() {
    let seed = [7u8; 32];
    let gen_cases = || {
        let mut r = TestRunner::new_with_rng(
            Config::default(),
            TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
        );
        (0..50)
            .map(|_| format!("{:?}", case().new_tree(&mut r).unwrap().current()))
            .collect::<Vec<_>>()
    };
    assert_eq!(gen_cases(), gen_cases());
    let original = b"(format_version: 1, name: \"x\", list: [1, 2])".to_vec();
    let mut b = original.clone();
    apply(
        &mut b,
        &Mutation::Number {
            nth: 0,
            value: "4294967296",
        },
    );
    assert_eq!(
        b,
        b"(format_version: 4294967296, name: \"x\", list: [1, 2])"
    );
    let mut b = original.clone();
    apply(
        &mut b,
        &Mutation::Str {
            nth: 0,
            value: "../a".into(),
        },
    );
    assert_eq!(b, b"(format_version: 1, name: \"../a\", list: [1, 2])");
}
