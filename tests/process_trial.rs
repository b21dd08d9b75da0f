//! Several writers as real processes (issue 21, "the proof"): 2–4 processes of the binary
//! (`marginalia debug-writer`, one person's session each: random edits, saves at random
//! moments, conflicts resolved with a random choice, every saved edit logged) on one project
//! folder, some killed with SIGKILL at a random moment, plus concurrent `marginalia add
//! --copy`; every third schedule instead runs writers in two git clones of one repository and
//! merges them through the Marginalia merge driver (`git pull`), resolving what the driver
//! recorded.
//!
//! Checked after each schedule: every edit a process logged as saved (or `add` reported
//! added) is in the final project or in a conflict version it holds — unless some process
//! removed it on purpose (a delete, a rename, a conflict choice: logged as `gone`) — and
//! `marginalia check` passes on the final project.
//!
//! `TRIAL_SCHEDULES` (default 1000), `TRIAL_SEED` (default 1), `TRIAL_GIT_EVERY` (default
//! 3; 0: no git schedules), `TRIAL_REPORT` (a file to append the figures to). Run it in
//! release: `cargo test --release --test process_trial -- --ignored --nocapture`.
//! `MARGINALIA_TRIAL_BREAK_SAVE_LOCK=1` in the environment turns the save lock and the
//! after-rename check off in the writers: then the trial must report lost edits
//! (`TRIAL_EXPECT_LOSS=1` makes that the test's assertion).
#![allow(clippy::unwrap_used)]

use marginalia::cli::crash_trial::{project_tokens, tokens_in};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under trial: `MARGINALIA_BIN` when set (a copy, so a long run is not
/// disturbed by a rebuild), else the one cargo built with this test.
fn bin() -> String {
    std::env::var("MARGINALIA_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_marginalia").to_owned())
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

#[derive(Default, Debug)]
struct Figures {
    schedules: u64,
    git_schedules: u64,
    processes: u64,
    killed: u64,
    adds: u64,
    saves: u64,
    merged: u64,
    conflicts_resolved: u64,
    git_merges: u64,
    driver_conflicts: u64,
    saved_edits: u64,
    lost: u64,
    failed_checks: u64,
    /// Writers or adds that exited with an error (not killed).
    failed_processes: u64,
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

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951")
}

/// One writer process, with the moment it is to be killed (if any).
struct Running {
    child: Child,
    kill_at: Option<Instant>,
    killed: bool,
    /// For an `add`: the token its file carries.
    add_token: Option<String>,
}

fn writer(project: &Path, name: &str, seed: u64, steps: u64, log: &Path, pause: u64) -> Child {
    Command::new(bin())
        .args(["debug-writer"])
        .arg(project)
        .args(["--name", name, "--seed", &seed.to_string()])
        .args([
            "--steps",
            &steps.to_string(),
            "--pause-ms",
            &pause.to_string(),
        ])
        .arg("--log")
        .arg(log)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for every process, killing each at its moment; adds up what the survivors said.
/// Returns the tokens `add` reported added.
fn run_all(mut procs: Vec<Running>, f: &mut Figures, why: &str) -> BTreeSet<String> {
    let mut added = BTreeSet::new();
    loop {
        let mut all_done = true;
        for p in &mut procs {
            if p.killed {
                continue;
            }
            match p.child.try_wait().unwrap() {
                Some(_) => {}
                None => {
                    all_done = false;
                    if p.kill_at.is_some_and(|t| Instant::now() >= t) {
                        let _ = p.child.kill();
                        let _ = p.child.wait();
                        p.killed = true;
                        f.killed += 1;
                    }
                }
            }
        }
        if all_done {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    for p in procs {
        if p.killed {
            continue;
        }
        let out = p.child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if let Some(t) = &p.add_token {
            // Two adds at once must both succeed (they merge and retry like the window).
            if out.status.success() && stdout.contains("added") {
                added.insert(t.clone());
            } else {
                f.failed_processes += 1;
                eprintln!("{why}: add of {t} failed: {stdout} {stderr}");
            }
            continue;
        }
        if !out.status.success() {
            f.failed_processes += 1;
            eprintln!("{why}: writer failed: {stdout} {stderr}");
            continue;
        }
        // "writer NAME: edits E saves S merged M conflicts resolved C"
        let w: Vec<u64> = stdout
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        if let [_, saves, merged, resolved] = w[..] {
            f.saves += saves;
            f.merged += merged;
            f.conflicts_resolved += resolved;
        }
    }
    added
}

/// Every `saved` and `gone` token in the logs of `dir`.
fn logged(dir: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut saved, mut gone) = (BTreeSet::new(), BTreeSet::new());
    for e in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        for l in text.lines() {
            if let Some(t) = l.strip_prefix("saved ") {
                saved.insert(t.to_owned());
            } else if let Some(t) = l.strip_prefix("gone ") {
                gone.insert(t.to_owned());
            }
        }
    }
    (saved, gone)
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Trial")
        .env("GIT_AUTHOR_EMAIL", "trial@example.org")
        .env("GIT_COMMITTER_NAME", "Trial")
        .env("GIT_COMMITTER_EMAIL", "trial@example.org")
        .output()
        .unwrap()
}

fn git_ok(dir: &Path, args: &[&str]) {
    let out = git(dir, args);
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Writers (and sometimes `add`s) on one folder.
fn spawn_writers(
    rng: &mut Rng,
    project: &Path,
    logs: &Path,
    prefix: &str,
    count: u64,
    schedule: u64,
    f: &mut Figures,
) -> Vec<Running> {
    let mut procs = Vec::new();
    let start = Instant::now();
    for k in 0..count {
        let name = format!("{prefix}{k}s{schedule}");
        let steps = 5 + rng.below(36);
        let pause = rng.below(25);
        let child = writer(
            project,
            &name,
            rng.next(),
            steps,
            &logs.join(format!("{name}.log")),
            pause,
        );
        let kill_at =
            (rng.below(100) < 35).then(|| start + Duration::from_millis(30 + rng.below(1500)));
        procs.push(Running {
            child,
            kill_at,
            killed: false,
            add_token: None,
        });
        f.processes += 1;
    }
    // Sometimes two `add --copy` of new files at once (issue 21: one used to vanish).
    if rng.below(100) < 30 {
        let outside = logs.parent().unwrap().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        for k in 0..2 {
            let tok = format!("tq-{prefix}Add{k}-{schedule}-qt");
            let file = outside.join(format!("{tok}.txt"));
            std::fs::write(&file, format!("A letter to add: {tok}.\n")).unwrap();
            let child = Command::new(bin())
                .arg("add")
                .arg(project)
                .arg(&file)
                .arg("--copy")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            procs.push(Running {
                child,
                kill_at: None,
                killed: false,
                add_token: Some(tok),
            });
            f.adds += 1;
        }
    }
    procs
}

/// Checks the final project: every saved token not removed on purpose is there, and
/// `check` passes. Returns the lost tokens.
fn account(project: &Path, logs: &Path, added: &BTreeSet<String>, f: &mut Figures, why: &str) {
    let (mut saved, gone) = logged(logs);
    saved.extend(added.iter().cloned());
    f.saved_edits += saved.len() as u64;
    let check = Command::new(bin())
        .arg("check")
        .arg(project)
        .output()
        .unwrap();
    if !check.status.success() {
        f.failed_checks += 1;
        eprintln!(
            "{why}: check failed: {}{}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
    }
    let present = match marginalia::store::load(project) {
        Ok(l) => {
            let mut t = project_tokens(&l.project);
            // Titles of added documents are file stems: also in the source file names.
            for d in l.project.documents.values() {
                if let Some(src) = &d.meta.source {
                    t.extend(tokens_in(src.path.as_str()));
                }
            }
            t
        }
        Err(e) => {
            f.failed_checks += 1;
            eprintln!("{why}: the final project does not load: {e}");
            BTreeSet::new()
        }
    };
    let lost: Vec<&String> = saved
        .iter()
        .filter(|t| !present.contains(*t) && !gone.contains(*t))
        .collect();
    if !lost.is_empty() {
        eprintln!("{why}: {} saved edits lost: {lost:?}", lost.len());
    }
    let failed = !lost.is_empty() || !check.status.success();
    if failed && let Ok(keep) = std::env::var("TRIAL_KEEP_FAILED") {
        // The whole schedule (project, clones, logs) for a post-mortem.
        let root = logs.parent().unwrap();
        let to = Path::new(&keep).join(format!("{}-{}", f.schedules, std::process::id()));
        let _ = Command::new("cp").arg("-a").arg(root).arg(&to).status();
        eprintln!("{why}: kept in {}", to.display());
    }
    f.lost += lost.len() as u64;
}

fn folder_schedule(rng: &mut Rng, root: &Path, i: u64, f: &mut Figures) {
    let project = root.join("work");
    copy_dir(&sample(), &project);
    let logs = root.join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let n = 2 + rng.below(3);
    let procs = spawn_writers(rng, &project, &logs, "W", n, i, f);
    let why = format!("schedule {i} (one folder, {n} writers)");
    let added = run_all(procs, f, &why);
    account(&project, &logs, &added, f, &why);
}

fn git_schedule(rng: &mut Rng, root: &Path, i: u64, f: &mut Figures) {
    f.git_schedules += 1;
    let hub = root.join("hub.git");
    std::fs::create_dir_all(&hub).unwrap();
    git_ok(&hub, &["init", "-q", "--bare", "-b", "main"]);
    let seed = root.join("seed");
    git_ok(root, &["clone", "-q", hub.to_str().unwrap(), "seed"]);
    copy_dir(&sample(), &seed);
    let setup = Command::new(bin())
        .arg("git-setup")
        .arg(&seed)
        .output()
        .unwrap();
    assert!(
        setup.status.success(),
        "git-setup {}: {}{}",
        setup.status,
        String::from_utf8_lossy(&setup.stdout),
        String::from_utf8_lossy(&setup.stderr)
    );
    git_ok(&seed, &["add", "-A"]);
    git_ok(&seed, &["commit", "-q", "-m", "sample"]);
    git_ok(&seed, &["push", "-q", "origin", "HEAD:main"]);
    let logs = root.join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let mut clones = Vec::new();
    for c in ["a", "b"] {
        git_ok(root, &["clone", "-q", hub.to_str().unwrap(), c]);
        let dir = root.join(c);
        let setup = Command::new(bin())
            .arg("git-setup")
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            setup.status.success(),
            "git-setup {}: {}{}",
            setup.status,
            String::from_utf8_lossy(&setup.stdout),
            String::from_utf8_lossy(&setup.stderr)
        );
        clones.push(dir);
    }
    let why = format!("schedule {i} (two git clones)");
    let mut procs = Vec::new();
    for (k, dir) in clones.iter().enumerate() {
        let n = 1 + rng.below(2);
        procs.extend(spawn_writers(rng, dir, &logs, &format!("G{k}x"), n, i, f));
    }
    let added = run_all(procs, f, &why);
    // Each person opens their project again before committing (a window killed mid-save
    // left a torn save, which the next load finishes; committing the folder as it is would
    // put the torn save into the repository — see docs/reliability.md).
    for dir in &clones {
        reopen(dir, &why);
    }
    let (a, b) = (&clones[0], &clones[1]);
    git_ok(a, &["add", "-A"]);
    git_ok(a, &["commit", "-q", "--allow-empty", "-m", "a"]);
    git_ok(a, &["push", "-q", "origin", "HEAD:main"]);
    git_ok(b, &["add", "-A"]);
    git_ok(b, &["commit", "-q", "--allow-empty", "-m", "b"]);
    let pull = git(
        b,
        &["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"],
    );
    f.git_merges += 1;
    // What the driver said, shown with any loss found below.
    let why = format!(
        "{why}; git pull said: {}{}",
        String::from_utf8_lossy(&pull.stdout),
        String::from_utf8_lossy(&pull.stderr)
    );
    if !pull.status.success() {
        // The driver recorded conflicts in the files (they load); a person reviews them.
        f.driver_conflicts += 1;
        git_ok(b, &["add", "-A"]);
        git_ok(b, &["commit", "-q", "--no-edit"]);
    }
    let conflicted = marginalia::store::load(b)
        .map(|l| !l.project.conflicts.is_empty())
        .unwrap_or(false);
    if conflicted {
        let name = format!("Rev{i}");
        let out = writer(
            b,
            &name,
            rng.next(),
            0,
            &logs.join(format!("{name}.log")),
            0,
        )
        .wait_with_output()
        .unwrap();
        if !out.status.success() {
            f.failed_processes += 1;
            eprintln!(
                "{why}: review failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        git_ok(b, &["add", "-A"]);
        git_ok(b, &["commit", "-q", "--allow-empty", "-m", "resolved"]);
    }
    account(b, &logs, &added, f, &why);
}

/// Opens the project in `dir` as its owner does after a crash (`check` loads it, which
/// finishes or rolls back an interrupted save).
fn reopen(dir: &Path, why: &str) {
    let out = Command::new(bin()).arg("check").arg(dir).output().unwrap();
    if out.status.code().is_none_or(|c| c > 1) {
        eprintln!(
            "{why}: reopening {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
#[ignore = "starts thousands of processes (and git); run by .ci/checks/process_trial.sh"]
fn several_writers_as_real_processes_lose_nothing() {
    let schedules = env_u64("TRIAL_SCHEDULES", 1000);
    let seed = env_u64("TRIAL_SEED", 1);
    let git_every = env_u64("TRIAL_GIT_EVERY", 3);
    let has_git = Command::new("git").arg("--version").output().is_ok();
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut f = Figures::default();
    let started = Instant::now();
    for i in 0..schedules {
        let tmp = tempfile::tempdir().unwrap();
        if has_git && git_every > 0 && i % git_every == git_every - 1 {
            git_schedule(&mut rng, tmp.path(), i, &mut f);
        } else {
            folder_schedule(&mut rng, tmp.path(), i, &mut f);
        }
        f.schedules += 1;
        if f.schedules % 100 == 0 {
            // Progress, so a long run's figures so far are known.
            eprintln!(
                "process trial: {f:?} after {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    let line = format!(
        "process trial (seed {seed}{}): {} schedules ({} on git) in {:.0} s; {} writer processes, {} killed, {} adds; {} saves, {} records merged from disk, {} conflicts resolved; {} git merges ({} with driver conflicts); {} saved edits, {} lost, {} failed checks, {} failed processes",
        if marginalia::store::write_lock::broken_for_trial() {
            ", SAVE LOCK BROKEN"
        } else {
            ""
        },
        f.schedules,
        f.git_schedules,
        started.elapsed().as_secs_f64(),
        f.processes,
        f.killed,
        f.adds,
        f.saves,
        f.merged,
        f.conflicts_resolved,
        f.git_merges,
        f.driver_conflicts,
        f.saved_edits,
        f.lost,
        f.failed_checks,
        f.failed_processes
    );
    println!("{line}");
    if let Ok(p) = std::env::var("TRIAL_REPORT") {
        use std::io::Write as _;
        let mut out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .unwrap();
        writeln!(out, "{line}").unwrap();
    }
    assert!(f.saved_edits > 0, "the trial saved nothing: {f:?}");
    if std::env::var("TRIAL_EXPECT_LOSS").is_ok_and(|v| v == "1") {
        // With the save lock broken on purpose: the trial must see the loss.
        assert!(
            f.lost > 0,
            "the trial did not see the edits lost without the lock: {line}"
        );
        return;
    }
    assert_eq!(f.lost, 0, "{line}");
    assert_eq!(f.failed_checks, 0, "{line}");
    assert_eq!(f.failed_processes, 0, "{line}");
}
