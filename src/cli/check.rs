//! `marginalia check PROJECT [--json]`: load, validate, count, report.

use crate::model::validate::{Problem, Severity};
use crate::model::{Counts, Project};
use crate::store;
use serde::Serialize;
use std::path::Path;

/// The report `check` prints.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub project: String,
    pub file: String,
    pub ok: bool,
    pub read_only: bool,
    pub counts: Counts,
    pub problems: Vec<Problem>,
    /// Unresolved merge conflicts, each with every version of its record.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<crate::model::merge::Conflict>,
}

/// Loads and validates; a load failure is returned as the error.
pub fn run(path: &Path) -> Result<CheckReport, store::StoreError> {
    let loaded = store::load(path)?;
    Ok(report(
        &loaded.project,
        &loaded.disk.project_file,
        loaded.disk.read_only.is_some(),
        loaded.problems,
    ))
}

pub fn report(
    project: &Project,
    file: &Path,
    read_only: bool,
    mut problems: Vec<Problem>,
) -> CheckReport {
    problems.extend(super::merge::conflict_problems(project));
    if let Some(dir) = file.parent() {
        let limits = crate::facsimile::DecodeLimits::default();
        for doc in project.documents.values() {
            problems.extend(crate::facsimile::check::page_problems(doc, dir, &limits));
        }
    }
    CheckReport {
        project: project.info.name.clone(),
        file: file.display().to_string(),
        ok: !problems.iter().any(|p| p.severity == Severity::Error),
        read_only,
        counts: project.counts(),
        problems,
        conflicts: project.conflicts.clone(),
    }
}

/// The human-readable form of a report.
pub fn format_text(r: &CheckReport) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "{} ({})", r.project, r.file);
    let _ = writeln!(s, "documents: {}", r.counts.documents);
    let list = |m: &std::collections::BTreeMap<String, usize>| {
        if m.is_empty() {
            "none".to_owned()
        } else {
            m.iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let _ = writeln!(s, "registry: {}", list(&r.counts.registry));
    let _ = writeln!(s, "mentions: {}", list(&r.counts.mentions));
    let _ = writeln!(s, "events: {}", list(&r.counts.events));
    let _ = writeln!(s, "relations: {}", list(&r.counts.relations));
    if r.problems.is_empty() {
        let _ = writeln!(s, "no problems");
    }
    for p in &r.problems {
        let sev = match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut loc = String::new();
        if let Some(d) = p.document {
            let _ = write!(loc, " [document {}]", d.short());
        }
        if let Some(a) = p.annotation {
            let _ = write!(loc, " [annotation {}]", a.short());
        }
        let _ = writeln!(s, "{sev}: {}{loc}", p.message);
    }
    s.push_str(&super::merge::conflict_details(&r.conflicts));
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::{Edit, Transaction};

    /// Issue 22: the same span tagged twice with the same type (from an import, or a file
    /// edited by hand) is reported, naming the text and the type.
    #[test]
    fn exact_duplicates_are_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let file = crate::build_info::install_sample(tmp.path()).unwrap();
        let mut s = crate::session::Session::open(&file).unwrap();
        let (doc, copy) = {
            let d = s.project.documents.values().next().unwrap();
            let a = d
                .annotations
                .values()
                .find(|a| a.as_mention().is_some())
                .unwrap();
            // The same in every field a user writes, under a new id.
            let mut copy = a.clone();
            copy.id = crate::model::AnnId::new();
            (d.id(), copy)
        };
        let before = run(&file).unwrap();
        assert!(
            !before.problems.iter().any(|p| p.message.contains("twice")),
            "the sample has no duplicates"
        );
        s.commit(Transaction::new("copy").with(Edit::add_annotation(doc, copy)))
            .unwrap();
        s.save().unwrap();
        let r = run(&file).unwrap();
        let dup: Vec<&Problem> = r
            .problems
            .iter()
            .filter(|p| p.message.contains("twice (an exact duplicate"))
            .collect();
        assert_eq!(dup.len(), 1, "{:?}", r.problems);
        assert!(format_text(&r).contains("twice"));
    }
}
