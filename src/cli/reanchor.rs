//! `marginalia reanchor PROJECT [--json]`: re-anchor the annotations of every document whose
//! source changed outside Marginalia, save, and report what moved, what needs review and
//! what is orphaned. A writer like the window: through [`Session`], holding the presence
//! lock, refused while the project is open elsewhere.

use crate::model::DocId;
use crate::model::ops::review;
use crate::model::reanchor::Tally;
use crate::session::Session;
use crate::store;
use crate::store::lock::Presence;
use anyhow::Context as _;
use serde::Serialize;
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

/// Opens the project as a writer (refused while someone else has it open; the presence
/// lock is held until the end), re-anchors every document whose source changed, commits
/// each as one transaction through the session, and saves: moved anchors, review marks,
/// and the new source hash (so the project loads clean). Annotations that need review keep
/// their old anchors. Sources are never written.
/// Changed annotations are stamped by [`crate::annotator::default_annotator`]; see [`run_as`].
pub fn run(path: &Path) -> anyhow::Result<ReanchorReport> {
    run_as(path, crate::annotator::cli_stamper(None))
}

/// [`run`], stamping the annotations it changes with `stamper` (`None`: no stamps).
pub fn run_as(
    path: &Path,
    stamper: Option<crate::model::Stamper>,
) -> anyhow::Result<ReanchorReport> {
    let mut s =
        Session::open(path).with_context(|| format!("cannot open project {}", path.display()))?;
    s.stamper = stamper;
    let file = s.disk.project_file.clone();
    if let Presence::Held(info) = store::lock::presence(&file) {
        anyhow::bail!(
            "the project is open in Marginalia by {}; close it there first: {}",
            info.describe(),
            file.display()
        );
    }
    s.acquire_lock()
        .with_context(|| format!("cannot take the presence lock of {}", file.display()))?;
    let (documents, totals) = reanchor_session(&mut s)?;
    let written = if documents.is_empty() {
        Vec::new()
    } else {
        s.save()
            .with_context(|| format!("cannot save project {}", file.display()))?
            .written
    };
    Ok(ReanchorReport {
        project: s.project.info.name.clone(),
        file: file.display().to_string(),
        documents,
        totals,
        written,
    })
}

/// Re-anchors, in `s`, every document whose source bytes (as loaded) no longer match its
/// stored hash: one committed (undoable) transaction per document. Returns what each got
/// and the totals. Nothing is saved. Shared by the command line and the window (which runs
/// it when a project opens).
pub fn reanchor_session(s: &mut Session) -> anyhow::Result<(Vec<DocReport>, Tally)> {
    let mut documents = Vec::new();
    let mut totals = Tally::default();
    let changed: Vec<(DocId, String)> = s
        .project
        .documents
        .values()
        .filter(|d| d.text.is_some())
        .filter_map(|d| {
            let src = d.meta.source.as_ref()?;
            // The hash of the bytes the loaded text was read from.
            let on_disk = s.disk.sources.get(&d.id())?.to_hex().to_string();
            (on_disk != src.hash).then_some((d.id(), on_disk))
        })
        .collect();
    for (id, hash) in changed {
        let (tx, counts) = review::reanchor_document(&s.project, id, &hash)
            .with_context(|| format!("cannot re-anchor document {id}"))?;
        let Some(d) = s.project.documents.get(&id) else {
            continue;
        };
        documents.push(DocReport {
            id: id.to_string(),
            title: d.meta.title.clone(),
            source: d
                .meta
                .source
                .as_ref()
                .map(|src| src.path.to_string())
                .unwrap_or_default(),
            counts,
        });
        totals.merge(counts);
        s.commit(tx)
            .with_context(|| format!("cannot re-anchor document {id}"))?;
    }
    Ok((documents, totals))
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
