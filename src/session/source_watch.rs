//! A document's source file changed on disk while its project is open (a colleague corrected
//! the transcription and the user ran `git pull`). Found by content: the file's bytes against
//! the hash this session last read or wrote ([`crate::store::DiskState::sources`]), so our
//! own saves of a source are no change. A document without unsaved text edits of ours takes
//! the new text and is re-anchored by the code the open path uses, as one undoable history
//! entry; with unsaved text edits the user chooses "Keep mine" or "Take theirs"
//! (the window's `Dialog::SourceChanged`).
//!
//! Every read of a source file here goes through the store's guarded reader
//! ([`crate::store::fs::read_inside`]): a regular file inside the project folder, bounded in
//! size — a `git pull` that turns a source into a link to `/etc/passwd`, `/dev/zero` or a FIFO
//! is refused, never read.

use crate::model::ops::review;
use crate::model::reanchor::Tally;
use crate::model::{DocId, Edit, SourceText, Transaction};
use crate::session::Session;
use crate::store;
use anyhow::Context as _;
use std::path::PathBuf;

/// The source file of document `doc`, when it has one and its text was read.
fn source_file(s: &Session, doc: DocId) -> Option<PathBuf> {
    let d = s.project.documents.get(&doc)?;
    d.text.as_ref()?;
    Some(d.meta.source.as_ref()?.path.to_native(&s.disk.dir))
}

/// Reads a source file of the session's project through the store's guarded reader: a
/// regular file inside the project folder (after links), at most the loader's source limit.
fn read_source(s: &Session, path: &std::path::Path) -> Result<Vec<u8>, store::StoreError> {
    store::fs::read_inside(&s.disk.dir, path, store::Limits::default().max_source_bytes)
}

/// The documents whose source file now holds other bytes than this session last read or
/// wrote (a version a failed save of ours may have left is no change), and — unless the
/// session is read-only — those without unsaved text edits whose text was read from bytes
/// other than the ones they were anchored to (a merge from disk brought a new text in, as
/// opening would). A missing or unreadable file is no change here: saving reports it.
///
/// `stats` holds each source's modification time and length when it was last hashed: a
/// file whose metadata did not change since is not read again.
pub fn changed_sources(s: &Session, stats: &mut super::watch::SourceStats) -> Vec<DocId> {
    s.project
        .documents
        .iter()
        .filter(|(id, d)| {
            let Some(path) = source_file(s, **id) else {
                return false;
            };
            let Some(known) = s.disk.sources.get(id) else {
                return false;
            };
            let stale = d
                .meta
                .source
                .as_ref()
                .is_some_and(|src| src.hash != known.to_hex().as_str());
            if stale && !s.is_read_only() && !s.unsaved.sources.contains(id) {
                return true;
            }
            // Not following a link: a link's own change is seen, what it points at is not read.
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                return false;
            };
            let stat = (meta.modified().ok(), meta.len());
            if stats.get(&path) == Some(&stat) {
                return false;
            }
            let Ok(bytes) = read_source(s, &path) else {
                return false;
            };
            let now = store::hash_bytes(&bytes);
            let changed = now != *known
                && !s
                    .disk
                    .attempted
                    .get(&path)
                    .is_some_and(|v| v.contains(&now));
            // A changed file is read again until it is taken or kept (a dialog about
            // another document may come first).
            if !changed {
                stats.insert(path, stat);
            }
            changed
        })
        .map(|(id, _)| *id)
        .collect()
}

/// Replaces the text of `doc` by what its source file holds now and re-anchors its
/// annotations to it, as one history entry (undo restores the text and the anchors); the
/// file's hash becomes the one this session knows, so saving writes nothing over it.
/// Returns the document's title and what the re-anchoring did.
pub fn take_theirs(s: &mut Session, doc: DocId) -> anyhow::Result<(String, Tally)> {
    let path = source_file(s, doc).context("the document has no source text")?;
    let bytes = read_source(s, &path)?;
    let text =
        SourceText::from_bytes(&bytes).map_err(|e| anyhow::anyhow!("{e}: {}", path.display()))?;
    let hash = store::hash_bytes(&bytes);
    let before = s
        .project
        .documents
        .get(&doc)
        .cloned()
        .context("the document is no longer in the project")?;
    let title = before.meta.title.clone();
    let label = format!("Source of {title} changed on disk");
    let mut after = before.clone();
    after.text = Some(text);
    let replaced = after.text != before.text;
    if replaced {
        let mut tx = Transaction::new(label.clone());
        tx.push(Edit::Document {
            before: Some(Box::new(before)),
            after: Some(Box::new(after)),
        });
        s.commit(tx)?;
    }
    let (mut tx, tally) = review::reanchor_document(&s.project, doc, hash.to_hex().as_str())?;
    // `commit` stamps by itself; `commit_joined` does not.
    if replaced && let Some(st) = &s.stamper {
        crate::model::ops::core::stamp(&mut tx, &st.stamp());
    }
    if replaced {
        s.commit_joined(tx, &label)?;
    } else if !tx.is_empty() {
        tx.label = label;
        s.commit(tx)?;
    }
    s.disk.sources.insert(doc, hash);
    Ok((title, tally))
}

/// Keeps our unsaved text of `doc`: what the file holds now is copied beside it (as
/// `NAME.theirs`, or `NAME.theirs-2`, … when that exists) and its hash becomes the one this
/// session knows, so our next save writes our text over it. Returns the copy's path.
pub fn keep_mine(s: &mut Session, doc: DocId) -> anyhow::Result<PathBuf> {
    let path = source_file(s, doc).context("the document has no source text")?;
    let bytes = read_source(s, &path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // A name nothing has; `write_new` never replaces a file that appears meanwhile.
    let copy = (1..)
        .map(|n| match n {
            1 => path.with_file_name(format!("{name}.theirs")),
            n => path.with_file_name(format!("{name}.theirs-{n}")),
        })
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .context("no free name for the copy")?;
    store::fs::write_new(&copy, &bytes)
        .with_context(|| format!("cannot write {}", copy.display()))?;
    s.disk.sources.insert(doc, store::hash_bytes(&bytes));
    Ok(copy)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::Project;
    use std::collections::HashMap;

    /// A saved project of two documents, opened again: (folder, session, the two ids).
    fn two_documents() -> (tempfile::TempDir, Session, [DocId; 2]) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::create_dir_all(dir.join("sources")).unwrap();
        let mut project = Project::new("Two");
        let mut ids = Vec::new();
        for name in ["a", "b"] {
            let src = dir.join(format!("sources/{name}.txt"));
            std::fs::write(&src, format!("Text {name}.\n")).unwrap();
            let doc = store::document_from_source(dir, &src).unwrap();
            ids.push(doc.id());
            project.documents.insert(doc.id(), doc);
        }
        let file = dir.join("two.marginalia.ron");
        Session::create(project, file.clone()).save().unwrap();
        let s = Session::open(&file).unwrap();
        (tmp, s, [ids[0], ids[1]])
    }

    #[test]
    fn unchanged_sources_are_not_read_again_and_changed_ones_stay_changed_until_taken() {
        let (tmp, mut s, [a, b]) = two_documents();
        let mut stats = HashMap::new();
        assert!(changed_sources(&s, &mut stats).is_empty());
        assert_eq!(stats.len(), 2, "both hashed once and remembered");
        for name in ["a", "b"] {
            std::fs::write(
                tmp.path().join(format!("sources/{name}.txt")),
                format!("Revised {name}.\n"),
            )
            .unwrap();
        }
        let mut both = vec![a, b];
        both.sort();
        // Asked twice (a dialog about the first came in between): both still changed.
        assert_eq!(changed_sources(&s, &mut stats), both);
        assert_eq!(changed_sources(&s, &mut stats), both);
        // The first is taken: only the second is still a change.
        take_theirs(&mut s, a).unwrap();
        assert_eq!(changed_sources(&s, &mut stats), vec![b]);
        assert_eq!(
            s.project
                .documents
                .get(&a)
                .unwrap()
                .text_or_empty()
                .as_str(),
            "Revised a.\n"
        );
    }
}
