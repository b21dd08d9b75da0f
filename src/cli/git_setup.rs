//! `marginalia git-setup [PROJECT]`: prepares a project in a git repository for group work.
//!
//! Writes, in the project folder, `.gitattributes` (the Marginalia merge driver for project
//! and annotation files, and `-text` so git never rewrites line endings of those files or of
//! the sources, whose hashes the annotations depend on) and `.gitignore` (backups, recovery
//! copies, lock and temporary files), and registers the driver in the repository's own git
//! config. Existing lines of either file are kept; only missing lines are appended.
//!
//! It also installs a git `pre-commit` hook that refuses to commit while a project's save
//! journal (`.<project file>.journal`) exists — a window or command killed in the middle of a
//! save of several files leaves the folder half-written until the project is opened again,
//! and the journal is git-ignored, so `git commit -a` would record the torn save. A
//! `pre-commit` hook the user already has is never replaced: Marginalia's is written beside
//! it as `pre-commit.marginalia` and the report says which line calls it.

use crate::store::{self, DOC_SUFFIX, PROJECT_SUFFIX};
use anyhow::{Context as _, bail};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The driver's name in `.gitattributes` and git config.
pub const DRIVER: &str = "marginalia";

/// What `.gitignore` must hold: Marginalia's working files ([`store::WORKING_FILES`]:
/// backups, recovery copies, presence and save locks, save journals, temporary files of an
/// interrupted save, and the `.theirs` copies of a source changed on disk).
pub const IGNORED: &[&str] = store::WORKING_FILES;

/// `.gitignore` and `.gitattributes` are small; anything bigger is not read.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// What git-setup did.
#[derive(Debug)]
pub struct SetupReport {
    pub dir: PathBuf,
    /// Lines appended, per file name.
    pub appended: Vec<(String, Vec<String>)>,
    /// The driver command registered in git config.
    pub driver: String,
    /// What became of the pre-commit hook.
    pub hook: HookOutcome,
}

/// The pre-commit hook git-setup installs.
#[derive(Debug, PartialEq, Eq)]
pub enum HookOutcome {
    /// Written (new, or Marginalia's own brought up to date) at this path.
    Installed(PathBuf),
    /// The repository has a pre-commit hook of its own, left as it is; Marginalia's was
    /// written to `ours`, and `call` is the line the user's hook needs to run it.
    BesideExisting {
        existing: PathBuf,
        ours: PathBuf,
        call: String,
    },
}

/// A line every hook Marginalia writes holds: a `pre-commit` with it is Marginalia's own
/// (rewritten by git-setup), one without it is the user's (never touched).
pub const HOOK_MARKER: &str = "# marginalia: refuse to commit an unfinished save";

/// The pre-commit hook: refuses to commit while any `.*.marginalia.ron.journal` exists in
/// the work tree, naming each project file and how to recover it (`exe check FILE`, which
/// loads the project and so finishes or rolls back the interrupted save, as opening it in
/// the window does).
pub fn pre_commit_hook(exe: &Path) -> String {
    let exe = shell_quote(&exe.to_string_lossy());
    format!(
        r#"#!/bin/sh
{HOOK_MARKER}
# Installed by `marginalia git-setup`. A save of several files writes a journal first
# (.<project file>.journal) and removes it when every file is in place: while it is
# there, the folder may hold a half-written save (the window or command was stopped in
# the middle), which must not be committed.
top=$(git rev-parse --show-toplevel) || exit 1
found=$(find "$top" -name .git -prune -o -type f -name '.*{PROJECT_SUFFIX}.journal' -print)
[ -z "$found" ] && exit 0
echo "marginalia: not committing: a save was interrupted and is unfinished." >&2
printf '%s
' "$found" | while IFS= read -r journal; do
    name=$(basename "$journal")
    name=${{name#.}}
    project="$(dirname "$journal")/${{name%.journal}}"
    echo "  project: $project" >&2
    echo "  its save journal is still there: $journal" >&2
    echo "  Open the project in Marginalia (it finishes or rolls back the save), or run:" >&2
    echo "    {exe} check '$project'" >&2
done
echo "Then commit again." >&2
exit 1
"#
    )
}

/// Writes Marginalia's pre-commit hook into the repository at `dir` (the hooks folder git
/// uses, `core.hooksPath` included), never over a hook of the user's own.
fn install_hook(dir: &Path, exe: &Path) -> anyhow::Result<HookOutcome> {
    let hooks = git(dir, &["rev-parse", "--git-path", "hooks"])?;
    let hooks = dir.join(hooks);
    std::fs::create_dir_all(&hooks)
        .with_context(|| format!("cannot create the git hooks folder {}", hooks.display()))?;
    let hook = hooks.join("pre-commit");
    let script = pre_commit_hook(exe);
    let existing = match std::fs::symlink_metadata(&hook) {
        Ok(_) => Some(
            store::fs::read_regular(&hook, MAX_CONFIG_BYTES)
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned()),
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", hook.display())),
    };
    let outcome = match existing {
        Some(Some(text)) if text.contains(HOOK_MARKER) => {
            write_hook(&hook, &script)?;
            HookOutcome::Installed(hook)
        }
        None => {
            write_hook(&hook, &script)?;
            HookOutcome::Installed(hook)
        }
        // The user's own hook (or something not a readable regular file): left alone.
        Some(_) => {
            let ours = hooks.join("pre-commit.marginalia");
            write_hook(&ours, &script)?;
            let call = format!("{} || exit 1", shell_quote(&ours.to_string_lossy()));
            HookOutcome::BesideExisting {
                existing: hook,
                ours,
                call,
            }
        }
    };
    Ok(outcome)
}

/// Writes an executable hook script.
fn write_hook(path: &Path, script: &str) -> anyhow::Result<()> {
    store::write_atomic(path, script.as_bytes(), store::Backup::Skip)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("cannot make the hook executable: {}", path.display()))?;
    }
    Ok(())
}

/// The `.gitattributes` lines for a project whose sources have these file extensions.
pub fn attribute_lines(source_extensions: &BTreeSet<String>) -> Vec<String> {
    let mut out = vec![
        format!("*{PROJECT_SUFFIX} merge={DRIVER} -text"),
        format!("*{DOC_SUFFIX} merge={DRIVER} -text"),
    ];
    for ext in source_extensions {
        out.push(format!("*.{ext} -text"));
    }
    out
}

/// Quotes a word for the POSIX shell git runs drivers with.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@".contains(c))
    {
        return s.to_owned();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The driver command git runs, for the executable `exe`. `%X` and `%Y` are the names git
/// gives the two sides (git 2.44 and later; older versions pass them unexpanded, which the
/// driver ignores).
pub fn driver_command(exe: &Path) -> String {
    format!(
        "{} merge %O %A %B --path %P --base-label %S --ours-label %X --theirs-label %Y",
        shell_quote(&exe.to_string_lossy())
    )
}

/// Appends to `path` every line of `wanted` it does not hold yet (compared trimmed); never
/// changes or removes an existing line. Returns the lines appended.
pub fn append_missing(path: &Path, header: &str, wanted: &[String]) -> anyhow::Result<Vec<String>> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // The store's guarded read: a regular file inside the folder, bounded (a FIFO or a link
    // to /dev/zero in its place is refused, never read).
    let existing = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        _ => {
            let bytes = store::fs::read_inside(dir, path, MAX_CONFIG_BYTES)
                .with_context(|| format!("cannot read {}", path.display()))?;
            String::from_utf8(bytes)
                .with_context(|| format!("not UTF-8 text: {}", path.display()))?
        }
    };
    let have: BTreeSet<&str> = existing.lines().map(str::trim).collect();
    let missing: Vec<String> = wanted
        .iter()
        .filter(|l| !have.contains(l.trim()))
        .cloned()
        .collect();
    if missing.is_empty() {
        return Ok(missing);
    }
    let mut out = existing.clone();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !have.contains(header.trim()) {
        out.push_str(header);
        out.push('\n');
    }
    for l in &missing {
        out.push_str(l);
        out.push('\n');
    }
    crate::store::write_atomic(path, out.as_bytes(), crate::store::Backup::Skip)?;
    Ok(missing)
}

fn git(dir: &Path, args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .with_context(|| format!("cannot run git (is it installed?) in {}", dir.display()))?;
    if !out.status.success() {
        bail!(
            "git {} failed: {} in {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim(),
            dir.display()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Sets up the project at `project` (its file or folder) for git, registering `exe` as the
/// merge driver.
pub fn run(project: &Path, exe: &Path) -> anyhow::Result<SetupReport> {
    let file = store::resolve_project_file(project)?;
    let loaded = store::load(&file)?;
    let dir = loaded.disk.dir.clone();
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    if git(&dir, &["rev-parse", "--is-inside-work-tree"]).map_or(true, |s| s != "true") {
        bail!(
            "not inside a git repository; run `git init` first: {}",
            dir.display()
        );
    }
    let extensions: BTreeSet<String> = loaded
        .project
        .documents
        .values()
        .filter_map(|d| d.meta.source.as_ref())
        .filter_map(|s| {
            let name = s.path.file_name();
            let (_, ext) = name.rsplit_once('.')?;
            (!ext.is_empty()
                && ext
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .then(|| ext.to_owned())
        })
        .collect();
    let mut appended = Vec::new();
    let attrs = append_missing(
        &dir.join(".gitattributes"),
        "# Marginalia: merge by record, keep line endings as written",
        &attribute_lines(&extensions),
    )?;
    appended.push((".gitattributes".to_owned(), attrs));
    let ignore: Vec<String> = IGNORED.iter().map(|s| (*s).to_owned()).collect();
    let ign = append_missing(
        &dir.join(".gitignore"),
        "# Marginalia: backups, recovery copies, locks, unfinished saves",
        &ignore,
    )?;
    appended.push((".gitignore".to_owned(), ign));
    let driver = driver_command(exe);
    git(
        &dir,
        &[
            "config",
            "--local",
            &format!("merge.{DRIVER}.name"),
            "Marginalia: three-way merge by record",
        ],
    )?;
    git(
        &dir,
        &[
            "config",
            "--local",
            &format!("merge.{DRIVER}.driver"),
            &driver,
        ],
    )?;
    let hook = install_hook(&dir, exe)?;
    Ok(SetupReport {
        dir,
        appended,
        driver,
        hook,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_spaces_and_quotes() {
        assert_eq!(shell_quote("/usr/bin/marginalia"), "/usr/bin/marginalia");
        assert_eq!(shell_quote("/a b/m"), "'/a b/m'");
        assert_eq!(shell_quote("/it's/m"), "'/it'\\''s/m'");
        assert_eq!(
            driver_command(Path::new("/opt/m")),
            "/opt/m merge %O %A %B --path %P --base-label %S --ours-label %X --theirs-label %Y"
        );
    }

    #[test]
    fn existing_lines_are_kept_and_only_missing_ones_appended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".gitignore");
        std::fs::write(&path, "target/\n*.bak").unwrap();
        let wanted = vec!["*.bak".to_owned(), "*.recovery".to_owned()];
        let added = append_missing(&path, "# M", &wanted).unwrap();
        assert_eq!(added, vec!["*.recovery".to_owned()]);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "target/\n*.bak\n# M\n*.recovery\n"
        );
        assert!(append_missing(&path, "# M", &wanted).unwrap().is_empty());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
