//! `marginalia merge BASE OURS THEIRS [--path P]`: the git merge driver for
//! `*.marginalia.ron` and `*.ann.ron` files.
//!
//! Git calls it as `marginalia merge %O %A %B --path %P`. The merged file is written into
//! OURS (`%A`) in every case but an error: clean → exit 0; conflicts → the file records them
//! (it still loads) and the exit status is 1, so git reports a conflict.

use crate::model::merge::{Conflict, Labels};
use crate::store::merge::{FileKind, Version, merge_file};
use anyhow::{Context as _, bail};
use std::io::Write as _;
use std::path::Path;

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

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Merges the three files and writes the result into `ours`. `path` is the file's path in
/// the repository (git's `%P`), used to tell the kind of file and in messages.
pub fn run(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    path: Option<&Path>,
    labels: &Labels,
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
    let merged = merge_file(
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
    )?;
    if merged.bytes != o {
        write_replacing(ours, &merged.bytes)?;
    }
    Ok(Outcome {
        kind,
        conflicts: merged.new_conflicts,
    })
}

/// Replaces `path` with `bytes` through a temporary file and a rename, leaving no backup:
/// git's `%A` is a scratch file in the work tree.
fn write_replacing(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("cannot write the merged file {}", path.display()))
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
