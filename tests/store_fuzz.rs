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
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod support;
use support::fuzz::{Edit, copy_dir, insert, nest, seeded_runner, snapshot, within};

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
    Edit(Edit),
    Insert {
        at: usize,
        token: &'static str,
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
    let edit = Mutation::Edit;
    prop_oneof![
        (pos, 1usize..64).prop_map(move |(at, len)| edit(Edit::Delete { at, len })),
        (pos, 1usize..256, pos).prop_map(move |(from, len, to)| edit(Edit::Duplicate {
            from,
            len,
            to
        })),
        (pos, prop::sample::select(TOKENS)).prop_map(|(at, token)| Mutation::Insert { at, token }),
        (pos, prop::sample::select(NUMBERS))
            .prop_map(move |(nth, value)| edit(Edit::Number { nth, value })),
        (pos, string_value()).prop_map(move |(nth, value)| edit(Edit::Str { nth, value })),
        (pos, pos).prop_map(move |(a, b)| edit(Edit::SwapLines { a, b })),
        pos.prop_map(move |at| edit(Edit::Truncate { at })),
        (pos, 0u8..8).prop_map(move |(at, bit)| edit(Edit::FlipBit { at, bit })),
        (pos, 1usize..2000, prop::sample::select(vec!['(', '[', '{']))
            .prop_map(|(at, depth, open)| Mutation::Nest { at, depth, open }),
    ]
}

/// A case: which file of the target to change, and how.
fn case() -> impl Strategy<Value = (usize, Vec<Mutation>)> {
    (any::<usize>(), prop::collection::vec(mutation(), 1..4))
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    match m {
        Mutation::Edit(e) => e.apply(bytes),
        Mutation::Insert { at, token } => insert(bytes, *at, token.as_bytes()),
        Mutation::Nest { at, depth, open } => {
            let close = match open {
                '(' => ')',
                '[' => ']',
                _ => '}',
            };
            nest(bytes, *at, *depth, &open.to_string(), &close.to_string());
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
    let mut runner = seeded_runner(seed);
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
        let (i2, o2, run) = (input.clone(), out.clone(), target.run);
        let result = within(LIMIT, move || run(&i2, &o2));
        let what = format!(
            "{} #{}: {rel} with {mutations:?}",
            target.name, stats.inputs
        );
        match result {
            None => {
                stats.failures.push(format!("hang: {what}"));
                // The thread cannot be stopped; keep its folder alive and stop here.
                std::mem::forget(tmp);
                break;
            }
            Some(Err(_)) => stats.failures.push(format!("panic: {what}")),
            Some(Ok(Ok(()))) => stats.loaded += 1,
            Some(Ok(Err(msg))) => {
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
    run_all(usize::MAX, support::fuzz::seconds_from_env(120));
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
        &Mutation::Edit(Edit::Number {
            nth: 0,
            value: "4294967296",
        }),
    );
    assert_eq!(
        b,
        b"(format_version: 4294967296, name: \"x\", list: [1, 2])"
    );
    let mut b = original.clone();
    apply(
        &mut b,
        &Mutation::Edit(Edit::Str {
            nth: 0,
            value: "../a".into(),
        }),
    );
    assert_eq!(b, b"(format_version: 1, name: \"../a\", list: [1, 2])");
    let mut b = b"(a)".to_vec();
    apply(
        &mut b,
        &Mutation::Nest {
            at: 1,
            depth: 2,
            open: '[',
        },
    );
    assert_eq!(b, b"([[]]a)");
}
