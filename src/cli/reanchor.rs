//! `marginalia reanchor PROJECT [--json]`: re-anchor the annotations of every document whose
//! source changed outside Marginalia, save, and report what moved, what needs review and
//! what is orphaned.

use crate::model::reanchor::{self, Options, Tally};
use crate::model::{DocId, SourceText};
use crate::store;
use anyhow::Context as _;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::Path;

/// What `reanchor` did to one document.
#[derive(Debug, Serialize)]
pub struct DocReport {
    pub id: String,
    pub title: String,
    pub source: String,
    pub counts: Tally,
}

/// What `reanchor` prints.
#[derive(Debug, Serialize)]
pub struct ReanchorReport {
    pub project: String,
    pub file: String,
    /// Documents whose source no longer matched its stored hash.
    pub documents: Vec<DocReport>,
    pub totals: Tally,
    /// Files written, relative to the project folder.
    pub written: Vec<String>,
}

/// Loads the project, re-anchors every document whose source changed, and saves the
/// documents that changed: moved anchors, review marks, and the new source hash (so the
/// project loads clean). Annotations that need review keep their old anchors.
pub fn run(path: &Path) -> anyhow::Result<ReanchorReport> {
    let mut loaded =
        store::load(path).with_context(|| format!("cannot open project {}", path.display()))?;
    let dir = loaded.disk.dir.clone();
    let mut documents = Vec::new();
    let mut totals = Tally::default();
    let mut to_save: BTreeSet<DocId> = BTreeSet::new();
    for doc in loaded.project.documents.values_mut() {
        let Some(src) = doc.meta.source.clone() else {
            continue;
        };
        if doc.text.is_none() {
            // Missing source: the load reported it; nothing to re-anchor against.
            continue;
        }
        let native = src.path.to_native(&dir);
        let bytes = std::fs::read(&native)
            .with_context(|| format!("cannot read source {}", native.display()))?;
        let hash = store::hash_bytes(&bytes).to_hex().to_string();
        if hash == src.hash {
            continue;
        }
        // Re-read from these very bytes, so the hash recorded is that of the text used.
        let text = SourceText::from_bytes(&bytes)
            .with_context(|| format!("cannot decode source {}", native.display()))?;
        if let Some(info) = doc.meta.source.as_mut() {
            info.hash = hash.clone();
            info.line_ending = text.line_ending();
            info.bom = text.had_bom();
        }
        doc.text = Some(text);
        let plan = reanchor::plan_document(doc, Options::default());
        let (counts, _) = reanchor::apply_plan(doc, plan, &hash);
        totals.merge(counts);
        to_save.insert(doc.id());
        documents.push(DocReport {
            id: doc.id().to_string(),
            title: doc.meta.title.clone(),
            source: src.path.to_string(),
            counts,
        });
    }
    let written = if to_save.is_empty() {
        Vec::new()
    } else {
        let file = loaded.disk.project_file.clone();
        store::save(&loaded.project, &mut loaded.disk, false, &to_save)
            .with_context(|| format!("cannot save project {}", file.display()))?
            .written
    };
    Ok(ReanchorReport {
        project: loaded.project.info.name.clone(),
        file: loaded.disk.project_file.display().to_string(),
        documents,
        totals,
        written,
    })
}

/// The human-readable form of a report.
pub fn format_text(r: &ReanchorReport) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "{} ({})", r.project, r.file);
    if r.documents.is_empty() {
        let _ = writeln!(s, "no source changed; nothing to re-anchor");
        return s;
    }
    let line = |t: &Tally| {
        format!(
            "moved {}, needs review {}, orphaned {} (unchanged {})",
            t.moved, t.review, t.orphaned, t.unchanged
        )
    };
    for d in &r.documents {
        let _ = writeln!(s, "{} [{}]: {}", d.title, d.source, line(&d.counts));
    }
    let _ = writeln!(s, "total: {}", line(&r.totals));
    if r.totals.review + r.totals.orphaned > 0 {
        let _ = writeln!(
            s,
            "annotations that need review keep their old place; `marginalia check` lists them"
        );
    }
    for f in &r.written {
        let _ = writeln!(s, "wrote {f}");
    }
    s
}
