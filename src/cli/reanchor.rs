//! `marginalia reanchor PROJECT [--json]`: re-anchor the annotations of every document whose
//! source changed outside Marginalia, save, and report what moved, what needs review and
//! what is orphaned. A writer like the window: through [`Session`], holding the presence
//! lock, refused while the project is open elsewhere.

use crate::model::reanchor::Tally;
use crate::session::Session;
use crate::store;
use crate::store::lock::Presence;
use anyhow::Context as _;
use serde::Serialize;
use std::path::Path;

pub use crate::session::reanchor::DocReport;

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
    if let Presence::Held(others) = store::lock::presence(&file) {
        anyhow::bail!(
            "the project is open in Marginalia by {}; close it there first: {}",
            store::lock::describe_all(&others),
            file.display()
        );
    }
    s.acquire_lock()
        .with_context(|| format!("cannot take the presence lock of {}", file.display()))?;
    let (documents, totals) = s.reanchor_changed_sources()?;
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
