//! Re-anchoring the documents whose source changed outside Marginalia: shared by the
//! window (when a project opens) and `marginalia reanchor`.

use super::Session;
use crate::model::DocId;
use crate::model::ops::review;
use crate::model::reanchor::Tally;
use anyhow::Context as _;
use serde::Serialize;

/// What re-anchoring did to one document.
#[derive(Debug, Serialize)]
pub struct DocReport {
    pub id: String,
    pub title: String,
    pub source: String,
    pub counts: Tally,
}

impl Session {
    /// Re-anchors, in `s`, every document whose source bytes (as loaded) no longer match its
    /// stored hash: one committed (undoable) transaction per document. Returns what each got
    /// and the totals. Nothing is saved. Shared by the command line and the window (which runs
    /// it when a project opens).
    pub fn reanchor_changed_sources(&mut self) -> anyhow::Result<(Vec<DocReport>, Tally)> {
        let s = self;
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
}
