//! `marginalia merge BASE OURS THEIRS [--path P]`: the git merge driver for
//! `*.marginalia.ron` and `*.ann.ron` files.
//!
//! Git calls it as `marginalia merge %O %A %B --path %P`. The merged file is written into
//! OURS (`%A`) in every case but an error: clean → exit 0; conflicts → the file records them
//! (it still loads) and the exit status is 1, so git reports a conflict.

use crate::model::merge::{Conflict, Labels, RecordKey, Side};
use crate::model::{DocId, RelPath};
use crate::store::merge::{
    FileKind, OutsideReferences, Version, changed_references, merge_file_with, parse_document_file,
};
use anyhow::{Context as _, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// What the driver did.
#[derive(Debug)]
pub struct Outcome {
    pub kind: FileKind,
    pub conflicts: Vec<Conflict>,
}

/// Side names from the command line; a missing, empty or unexpanded (`%X`) one falls back to
/// "ours" / "theirs".
pub fn labels(ours: Option<String>, theirs: Option<String>) -> Labels {
    let usable = |s: &Option<String>| {
        s.as_ref()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty() && !s.starts_with('%'))
            .map(str::to_owned)
    };
    let d = Labels::default();
    Labels {
        ours: usable(&ours).unwrap_or(d.ours),
        theirs: usable(&theirs).unwrap_or(d.theirs),
    }
}

/// Reads one of git's versions through the store's guarded reader: a regular file, at most
/// the loader's limit (a FIFO or `/dev/zero` in its place is refused, never read).
fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    crate::store::fs::read_regular(path, crate::store::Limits::default().max_ron_bytes)
        .with_context(|| format!("cannot read {}", path.display()))
}

/// Refuses a merged file that Marginalia would not load: over the loader's size limit, or
/// not parsed by its strict parser (a document listed twice, say). Nothing is written then,
/// and git reports a conflict.
fn refuse_unloadable(kind: FileKind, bytes: &[u8], shown: &Path) -> anyhow::Result<()> {
    refuse_unloadable_within(
        kind,
        bytes,
        shown,
        crate::store::Limits::default().max_ron_bytes,
    )
}

/// [`refuse_unloadable`] with the size limit given.
fn refuse_unloadable_within(
    kind: FileKind,
    bytes: &[u8],
    shown: &Path,
    limit: u64,
) -> anyhow::Result<()> {
    if bytes.len() as u64 > limit {
        bail!(
            "the merged file would be {} bytes, over the limit of {limit} bytes a project loads with; not written (git keeps the conflict): {}",
            bytes.len(),
            shown.display()
        );
    }
    match kind {
        FileKind::Project => {
            let pf = crate::store::merge::parse_project_file(shown, bytes)?;
            let mut ids = BTreeSet::new();
            let mut files = BTreeSet::new();
            for r in &pf.documents {
                if !ids.insert(r.id) || !files.insert(r.file.clone()) {
                    bail!(
                        "the merged project file would list document {} or its file \"{}\" twice, and would not open; not written: {}",
                        r.id,
                        r.file,
                        shown.display()
                    );
                }
            }
        }
        FileKind::Document => {
            parse_document_file(shown, bytes)?;
        }
    }
    Ok(())
}

/// The commits git is merging, as it names them to the driver (`%S`, `%X`, `%Y`); each is
/// used only if git resolves it to a commit.
#[derive(Clone, Debug, Default)]
pub struct Revisions {
    pub base: Option<String>,
    pub ours: Option<String>,
    pub theirs: Option<String>,
}

/// Merges the three files and writes the result into `ours`. `path` is the file's path in
/// the repository (git's `%P`), used to tell the kind of file and in messages. For a project
/// file merged in a git repository, `revs` lets the driver read the annotation files of the
/// commits being merged, so a registry entry or type deleted on one side while the other
/// side's new annotations refer to it is restored with a conflict rather than left dangling.
pub fn run(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    path: Option<&Path>,
    labels: &Labels,
    revs: &Revisions,
) -> anyhow::Result<Outcome> {
    let (b, o, t) = (read(base)?, read(ours)?, read(theirs)?);
    let kind = path
        .and_then(FileKind::of_path)
        .or_else(|| FileKind::of_path(ours))
        .or_else(|| FileKind::sniff(&o))
        .or_else(|| FileKind::sniff(&t));
    let Some(kind) = kind else {
        bail!(
            "not a Marginalia project (*.marginalia.ron) or annotation (*.ann.ron) file: {}",
            path.unwrap_or(ours).display()
        );
    };
    let shown = |p: &Path| path.map_or_else(|| p.to_path_buf(), Path::to_path_buf);
    let (sb, so, st) = (shown(base), shown(ours), shown(theirs));
    let mut outside = match (kind, path) {
        (FileKind::Project, Some(p)) => GitOutside::new(p, revs),
        _ => None,
    };
    let merged = merge_file_with(
        kind,
        Version {
            path: &sb,
            bytes: &b,
        },
        Version {
            path: &so,
            bytes: &o,
        },
        Version {
            path: &st,
            bytes: &t,
        },
        labels,
        outside.as_mut().map(|g| g as &mut dyn OutsideReferences),
    )?;
    if let Some(g) = &outside {
        for n in &g.notes {
            eprintln!("marginalia: {n}");
        }
    }
    refuse_unloadable(kind, &merged.bytes, &so)?;
    if merged.bytes != o {
        // No backup: git's `%A` is a scratch file in the work tree (and a user's own
        // `NAME.bak` stays untouched).
        crate::store::write_atomic(ours, &merged.bytes, crate::store::Backup::Skip)?;
    }
    Ok(Outcome {
        kind,
        conflicts: merged.new_conflicts,
    })
}

/// What the driver prints on standard error for git's log.
pub fn report(outcome: &Outcome, path: &Path) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    if outcome.conflicts.is_empty() {
        return s;
    }
    let _ = writeln!(
        s,
        "marginalia: {} conflict{} recorded in the file (both versions kept; `marginalia check` lists them): {}",
        outcome.conflicts.len(),
        if outcome.conflicts.len() == 1 {
            ""
        } else {
            "s"
        },
        path.display()
    );
    for c in &outcome.conflicts {
        let _ = writeln!(s, "  {}", c.summary());
    }
    s
}

/// One error per unresolved conflict, located at its document and annotation.
pub fn conflict_problems(project: &crate::model::Project) -> Vec<crate::model::Problem> {
    project
        .conflicts
        .iter()
        .map(|c| {
            let mut p =
                crate::model::Problem::error(format!("unresolved merge conflict: {}", c.summary()));
            match &c.record {
                crate::model::merge::RecordKey::Annotation(d, a) => p = p.in_doc(*d).on(*a),
                crate::model::merge::RecordKey::Document(d) => p = p.in_doc(*d),
                crate::model::merge::RecordKey::Entry(e) => p.entry = Some(*e),
                _ => {}
            }
            p
        })
        .collect()
}

/// Every version of every conflict, one RON line each, for `marginalia check`.
pub fn conflict_details(conflicts: &[Conflict]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for c in conflicts {
        let _ = writeln!(s, "conflict: {}", c.summary());
        let versions = [
            ("base", &c.base),
            (c.ours_label.as_str(), &c.ours),
            (c.theirs_label.as_str(), &c.theirs),
        ];
        for (label, v) in versions {
            let text = match v {
                None => "(absent)".to_owned(),
                Some(r) => ron::to_string(r).unwrap_or_else(|e| format!("(cannot show: {e})")),
            };
            let _ = writeln!(s, "    {label}: {text}");
        }
    }
    s
}

/// Reads blobs of other commits through one `git cat-file --batch` process.
struct GitFiles {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl GitFiles {
    fn start() -> Option<Self> {
        let mut child = Command::new("git")
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let stdin = child.stdin.take()?;
        let stdout = BufReader::new(child.stdout.take()?);
        Some(Self {
            child,
            stdin: Some(stdin),
            stdout,
        })
    }

    /// The blob `rev:path`, or `None` when there is none.
    fn read(&mut self, rev: &str, path: &str) -> Option<Vec<u8>> {
        if path.contains('\n') {
            return None;
        }
        let stdin = self.stdin.as_mut()?;
        writeln!(stdin, "{rev}:{path}").ok()?;
        stdin.flush().ok()?;
        let mut header = String::new();
        self.stdout.read_line(&mut header).ok()?;
        let mut parts = header.split_whitespace();
        let (_, kind, size) = (parts.next()?, parts.next()?, parts.next());
        let size: usize = size?.parse().ok()?;
        let mut buf = vec![0; size + 1];
        self.stdout.read_exact(&mut buf).ok()?;
        buf.pop();
        (kind == "blob").then_some(buf)
    }
}

impl Drop for GitFiles {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// The commit git names `label` (its first word: rebase labels add the subject), if any.
fn resolve(label: Option<&str>) -> Option<String> {
    let word = label?.split_whitespace().next()?;
    if word.starts_with('%') {
        return None;
    }
    let out = Command::new("git")
        .args(["rev-parse", "--verify", "--quiet"])
        .arg(format!("{word}^{{commit}}"))
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let sha = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    (out.status.success() && !sha.is_empty()).then_some(sha)
}

/// [`OutsideReferences`] answered from the commits being merged.
struct GitOutside {
    files: Option<GitFiles>,
    /// The project folder, relative to the repository, with a trailing `/` (or empty).
    prefix: String,
    base: Option<String>,
    ours: Option<String>,
    theirs: Option<String>,
    /// What could not be checked, for git's log.
    notes: Vec<String>,
}

impl GitOutside {
    fn new(path: &Path, revs: &Revisions) -> Option<Self> {
        let ours = resolve(revs.ours.as_deref());
        let theirs = resolve(revs.theirs.as_deref());
        if ours.is_none() && theirs.is_none() {
            return None;
        }
        let prefix = path
            .parent()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .filter(|p| !p.is_empty())
            .map_or_else(String::new, |p| format!("{p}/"));
        Some(Self {
            files: None,
            prefix,
            base: resolve(revs.base.as_deref()),
            ours,
            theirs,
            notes: Vec::new(),
        })
    }

    fn read_doc(
        &mut self,
        rev: &str,
        file: &RelPath,
    ) -> Option<crate::store::format::DocumentFile> {
        let path = format!("{}{file}", self.prefix);
        if self.files.is_none() {
            self.files = GitFiles::start();
        }
        let bytes = self.files.as_mut()?.read(rev, &path)?;
        match parse_document_file(Path::new(&path), &bytes) {
            Ok(df) => Some(df),
            Err(e) => {
                self.notes
                    .push(format!("references from it are not checked: {e}"));
                None
            }
        }
    }
}

impl OutsideReferences for GitOutside {
    fn referring(
        &mut self,
        side: Side,
        deleted: &BTreeSet<RecordKey>,
        files: &BTreeMap<DocId, RelPath>,
        base_files: &BTreeMap<DocId, RelPath>,
    ) -> BTreeMap<RecordKey, Vec<RecordKey>> {
        let mut out: BTreeMap<RecordKey, Vec<RecordKey>> = BTreeMap::new();
        let rev = match side {
            Side::Ours => self.ours.clone(),
            Side::Theirs => self.theirs.clone(),
            Side::Base => None,
        };
        let Some(rev) = rev else {
            self.notes.push(format!(
                "cannot read the {side:?} side's annotation files from git; links from them to the {} deleted registry entries or types are not checked",
                deleted.len()
            ));
            return out;
        };
        let base_rev = self.base.clone();
        for (doc, file) in files {
            let Some(side_file) = self.read_doc(&rev, file) else {
                continue;
            };
            let base_file = match (&base_rev, base_files.get(doc)) {
                (Some(b), Some(f)) => self.read_doc(b, f),
                _ => None,
            };
            for (key, by) in changed_references(&side_file, base_file.as_ref(), deleted) {
                out.entry(key).or_default().push(by);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 21: two loadable 220 MB sides merged (exit 0) into a 290 MB file over the
    /// 256 MiB load limit. The same check on a small limit: refused, naming the file and
    /// both sizes; a result within the limit passes.
    #[test]
    fn a_merged_file_over_the_load_limit_is_refused() -> Result<(), Box<dyn std::error::Error>> {
        let file = crate::build_info::sample_project().join("korean-armistice-1951.marginalia.ron");
        let bytes = std::fs::read(&file)?;
        let n = bytes.len() as u64;
        let e = refuse_unloadable_within(FileKind::Project, &bytes, &file, n - 1)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains(&format!("{n} bytes")) && e.contains(&(n - 1).to_string()),
            "{e}"
        );
        assert!(e.ends_with(&file.display().to_string()), "{e}");
        refuse_unloadable_within(FileKind::Project, &bytes, &file, n)?;
        Ok(())
    }
}
