//! Invertible edits and the undo history.
//!
//! Every change to a [`Project`] is an [`Edit`] that records the value before and after, so
//! its inverse is the same edit with the two swapped. A [`Transaction`] groups the edits of
//! one user action; it applies all or nothing. [`History`] keeps undone and redoable
//! transactions for the session only — it is never saved into a project.

use super::annotation::Annotation;
use super::changeset::{ChangeSet, shift_by};
use super::conflict::Conflict;
use super::document::{Document, DocumentMeta};
use super::ids::{AnnId, DocId, EntryId};
use super::project::{Project, ProjectInfo};
use super::registry::Entry;
use super::schema::Schema;
use std::collections::BTreeSet;
use thiserror::Error;

/// One reversible change. `None` before means insert; `None` after means remove.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    Annotation {
        doc: DocId,
        before: Option<Box<Annotation>>,
        after: Option<Box<Annotation>>,
    },
    Entry {
        before: Option<Box<Entry>>,
        after: Option<Box<Entry>>,
    },
    DocumentMeta {
        before: Box<DocumentMeta>,
        after: Box<DocumentMeta>,
    },
    /// Adds or removes a whole document with its text and annotations.
    Document {
        before: Option<Box<Document>>,
        after: Option<Box<Document>>,
    },
    Schema {
        before: Box<Schema>,
        after: Box<Schema>,
    },
    Info {
        before: ProjectInfo,
        after: ProjectInfo,
    },
    /// Changes the text of document `doc` by `change`; `inverse` undoes it. Every anchor of
    /// the document not named in `explicit` shifts with the text — applying fails unless
    /// the change [touches](crate::model::changeset::AnchorMapper::touches) none of them, so
    /// the shift is exact and inverts exactly. The annotations in `explicit` are left alone:
    /// the transaction updates them by explicit edits (see [`crate::model::ops::text`]).
    /// Invariant: `inverse` is `change.invert(text)`.
    Text {
        doc: DocId,
        change: Box<ChangeSet>,
        inverse: Box<ChangeSet>,
        explicit: BTreeSet<AnnId>,
    },
    /// Replaces the project's recorded merge conflicts (a merge from disk adds some,
    /// resolving one removes it).
    Conflicts {
        before: Vec<Conflict>,
        after: Vec<Conflict>,
    },
}

/// An edit did not fit the project's current state (the project was changed elsewhere).
#[derive(Debug, Error, PartialEq, Eq)]
pub enum EditError {
    #[error("document {0} is not in the project")]
    NoDocument(DocId),
    #[error("annotation {0} is not as the edit expects")]
    AnnotationMismatch(AnnId),
    #[error("registry entry {0} is not as the edit expects")]
    EntryMismatch(EntryId),
    #[error("document {0} is not as the edit expects")]
    DocumentMismatch(DocId),
    #[error("the schema is not as the edit expects")]
    SchemaMismatch,
    #[error("the project information is not as the edit expects")]
    InfoMismatch,
    #[error("the text of document {0} is not as the edit expects")]
    TextMismatch(DocId),
    #[error("the recorded merge conflicts are not as the edit expects")]
    ConflictsMismatch,
    #[error("an edit must change something")]
    Empty,
    /// A transaction that would leave the project invalid by its schema; the reason.
    #[error("refused: {0}")]
    Refused(String),
    /// An undo or redo that no longer applies because changes merged from disk (made by
    /// `by`) changed its records since: applying it would remove their work.
    #[error(
        "{inner}: changed since by {by} (merged from disk); undoing it would remove their work, so it was not undone"
    )]
    ChangedByOthers { inner: Box<EditError>, by: String },
}

/// What an edit changed, so the store knows which files to write.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Touched {
    /// The project file (schema, registry, info, document list).
    pub project: bool,
    /// Document files.
    pub docs: BTreeSet<DocId>,
    /// Documents whose transcription (source file) was edited; only these sources are
    /// ever written.
    pub sources: BTreeSet<DocId>,
}

impl Touched {
    pub fn merge(&mut self, other: Touched) {
        self.project |= other.project;
        self.docs.extend(other.docs);
        self.sources.extend(other.sources);
    }

    pub fn is_empty(&self) -> bool {
        !self.project && self.docs.is_empty() && self.sources.is_empty()
    }
}

fn swap<T>(before: &Option<T>, after: &Option<T>) -> (Option<T>, Option<T>)
where
    T: Clone,
{
    (after.clone(), before.clone())
}

impl Edit {
    pub fn add_annotation(doc: DocId, ann: Annotation) -> Self {
        Self::Annotation {
            doc,
            before: None,
            after: Some(Box::new(ann)),
        }
    }

    pub fn remove_annotation(doc: DocId, ann: Annotation) -> Self {
        Self::Annotation {
            doc,
            before: Some(Box::new(ann)),
            after: None,
        }
    }

    pub fn update_annotation(doc: DocId, before: Annotation, after: Annotation) -> Self {
        Self::Annotation {
            doc,
            before: Some(Box::new(before)),
            after: Some(Box::new(after)),
        }
    }

    pub fn add_entry(entry: Entry) -> Self {
        Self::Entry {
            before: None,
            after: Some(Box::new(entry)),
        }
    }

    pub fn remove_entry(entry: Entry) -> Self {
        Self::Entry {
            before: Some(Box::new(entry)),
            after: None,
        }
    }

    pub fn update_entry(before: Entry, after: Entry) -> Self {
        Self::Entry {
            before: Some(Box::new(before)),
            after: Some(Box::new(after)),
        }
    }

    /// The edit that undoes this one.
    pub fn invert(&self) -> Self {
        match self {
            Self::Annotation { doc, before, after } => {
                let (before, after) = swap(before, after);
                Self::Annotation {
                    doc: *doc,
                    before,
                    after,
                }
            }
            Self::Entry { before, after } => {
                let (before, after) = swap(before, after);
                Self::Entry { before, after }
            }
            Self::DocumentMeta { before, after } => Self::DocumentMeta {
                before: after.clone(),
                after: before.clone(),
            },
            Self::Document { before, after } => {
                let (before, after) = swap(before, after);
                Self::Document { before, after }
            }
            Self::Schema { before, after } => Self::Schema {
                before: after.clone(),
                after: before.clone(),
            },
            Self::Info { before, after } => Self::Info {
                before: after.clone(),
                after: before.clone(),
            },
            Self::Text {
                doc,
                change,
                inverse,
                explicit,
            } => Self::Text {
                doc: *doc,
                change: inverse.clone(),
                inverse: change.clone(),
                explicit: explicit.clone(),
            },
            Self::Conflicts { before, after } => Self::Conflicts {
                before: after.clone(),
                after: before.clone(),
            },
        }
    }

    /// Applies the edit if the project is in its `before` state.
    pub fn apply(&self, project: &mut Project) -> Result<Touched, EditError> {
        let mut touched = Touched::default();
        match self {
            Self::Annotation { doc, before, after } => {
                let id = annotation_edit_id(before, after)?;
                let d = project
                    .documents
                    .get_mut(doc)
                    .ok_or(EditError::NoDocument(*doc))?;
                if d.annotations.get(&id) != before.as_deref() {
                    return Err(EditError::AnnotationMismatch(id));
                }
                match after {
                    Some(a) => d.annotations.insert(id, (**a).clone()),
                    None => d.annotations.remove(&id),
                };
                touched.docs.insert(*doc);
            }
            Self::Entry { before, after } => {
                let id = entry_edit_id(before, after)?;
                if project.registry.get(&id) != before.as_deref() {
                    return Err(EditError::EntryMismatch(id));
                }
                match after {
                    Some(e) => project.registry.insert(id, (**e).clone()),
                    None => project.registry.remove(&id),
                };
                touched.project = true;
            }
            Self::DocumentMeta { before, after } => {
                let d = project
                    .documents
                    .get_mut(&before.id)
                    .ok_or(EditError::NoDocument(before.id))?;
                let next = changed_meta(&d.meta, before, after)
                    .ok_or(EditError::DocumentMismatch(before.id))?;
                // A new stored source hash: the source file is compared (and, when the text
                // differs from it, written) at the next save.
                if d.meta.source.as_ref().map(|s| &s.hash) != next.source.as_ref().map(|s| &s.hash)
                    && d.text.is_some()
                {
                    touched.sources.insert(before.id);
                }
                d.meta = next;
                touched.docs.insert(before.id);
            }
            Self::Document { before, after } => {
                let id = before
                    .as_ref()
                    .or(after.as_ref())
                    .map(|d| d.id())
                    .ok_or(EditError::Empty)?;
                if project.documents.get(&id) != before.as_deref() {
                    return Err(EditError::DocumentMismatch(id));
                }
                match after {
                    Some(d) => project.documents.insert(id, (**d).clone()),
                    None => project.documents.remove(&id),
                };
                touched.project = true;
                touched.docs.insert(id);
                // Replacing a document with another text (a merge from disk, or its undo)
                // changes its transcription too.
                if let (Some(b), Some(a)) = (before, after)
                    && b.text != a.text
                {
                    touched.sources.insert(id);
                }
            }
            Self::Schema { before, after } => {
                if project.schema != **before {
                    return Err(EditError::SchemaMismatch);
                }
                project.schema = (**after).clone();
                touched.project = true;
            }
            Self::Info { before, after } => {
                if project.info != *before {
                    return Err(EditError::InfoMismatch);
                }
                project.info = after.clone();
                touched.project = true;
            }
            Self::Text {
                doc,
                change,
                inverse,
                explicit,
            } => {
                let d = project
                    .documents
                    .get_mut(doc)
                    .ok_or(EditError::NoDocument(*doc))?;
                let mismatch = || EditError::TextMismatch(*doc);
                let text = d.text.as_mut().ok_or_else(mismatch)?;
                if text.len_chars() != change.len() {
                    return Err(mismatch());
                }
                // One pass: shift each anchor; on meeting one the change touches, shift the
                // ones already moved back (the inverse moves each back exactly).
                let m = change.mapper();
                let mut moved = 0;
                let mut touched_one = false;
                for a in d.annotations.values_mut() {
                    if explicit.contains(&a.id) {
                        continue;
                    }
                    let Some(an) = a.anchor_mut() else { continue };
                    match m.shift_of(an) {
                        Some(delta) => shift_by(an, delta),
                        None => {
                            touched_one = true;
                            break;
                        }
                    }
                    moved += 1;
                }
                if touched_one {
                    let back = inverse.mapper();
                    for an in d
                        .annotations
                        .values_mut()
                        .filter(|a| !explicit.contains(&a.id))
                        .filter_map(Annotation::anchor_mut)
                        .take(moved)
                    {
                        back.shift(an);
                    }
                    return Err(mismatch());
                }
                change.apply_in_place(text).map_err(|_| mismatch())?;
                touched.docs.insert(*doc);
                touched.sources.insert(*doc);
            }
            Self::Conflicts { before, after } => {
                if project.conflicts != *before {
                    return Err(EditError::ConflictsMismatch);
                }
                project.conflicts = after.clone();
                // Conflicts are saved in the project file and in the annotation files of
                // the documents they are about.
                touched.project = true;
                touched.docs.extend(
                    before
                        .iter()
                        .chain(after)
                        .filter_map(|c| c.record.document()),
                );
            }
        }
        Ok(touched)
    }
}

/// The edits of one user action, applied all or nothing.
#[derive(Clone, Debug, PartialEq)]
pub struct Transaction {
    /// What the action was, for menus ("Undo Tag as Person").
    pub label: String,
    pub edits: Vec<Edit>,
}

impl Transaction {
    pub fn new(label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            edits: Vec::new(),
        }
    }

    pub fn with(mut self, edit: Edit) -> Self {
        self.edits.push(edit);
        self
    }

    pub fn push(&mut self, edit: Edit) {
        self.edits.push(edit);
    }

    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// The transaction that undoes this one: each edit inverted, in reverse order.
    pub fn invert(&self) -> Self {
        Self {
            label: self.label.clone(),
            edits: self.edits.iter().rev().map(Edit::invert).collect(),
        }
    }

    /// Applies every edit, or none: on the first failure the applied ones are rolled back.
    pub fn apply(&self, project: &mut Project) -> Result<Touched, EditError> {
        let mut touched = Touched::default();
        for (i, edit) in self.edits.iter().enumerate() {
            match edit.apply(project) {
                Ok(t) => touched.merge(t),
                Err(e) => {
                    for done in self.edits[..i].iter().rev() {
                        // Inverting what just applied cannot mismatch.
                        let _ = done.invert().apply(project);
                    }
                    return Err(e);
                }
            }
        }
        Ok(touched)
    }
}

/// Linear undo/redo history, unlimited within a session.
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Transaction>,
    redo: Vec<Transaction>,
}

impl History {
    /// Applies `tx` and records it; clears the redo stack. Empty transactions are ignored.
    pub fn commit(&mut self, project: &mut Project, tx: Transaction) -> Result<Touched, EditError> {
        if tx.is_empty() {
            return Ok(Touched::default());
        }
        let touched = tx.apply(project)?;
        self.undo.push(tx);
        self.redo.clear();
        Ok(touched)
    }

    /// Undoes the last transaction; `None` when there is nothing to undo. A transaction that
    /// no longer applies changes nothing, is dropped (so the one before it can be undone
    /// next) and its error is returned for the caller to report.
    pub fn undo(&mut self, project: &mut Project) -> Option<Result<Touched, EditError>> {
        let tx = self.undo.pop()?;
        let result = tx.invert().apply(project);
        if result.is_ok() {
            self.redo.push(tx);
        }
        Some(result)
    }

    /// Redoes the last undone transaction; `None` when there is nothing to redo. Like
    /// [`History::undo`], one that no longer applies is dropped and its error returned.
    pub fn redo(&mut self, project: &mut Project) -> Option<Result<Touched, EditError>> {
        let tx = self.redo.pop()?;
        let result = tx.apply(project);
        if result.is_ok() {
            self.undo.push(tx);
        }
        Some(result)
    }

    /// Applies `tx` and joins it to the last recorded transaction (one undo step for both,
    /// labelled `label`), as typing bursts are; records it alone when there is none.
    /// Joining is sound because `tx` was built against the state the last one left.
    pub fn commit_joined(
        &mut self,
        project: &mut Project,
        tx: Transaction,
        label: &str,
    ) -> Result<Touched, EditError> {
        if tx.is_empty() {
            return Ok(Touched::default());
        }
        let touched = tx.apply(project)?;
        match self.undo.last_mut() {
            Some(last) => {
                last.edits.extend(tx.edits);
                last.label = label.to_owned();
            }
            None => self.undo.push(tx),
        }
        self.redo.clear();
        Ok(touched)
    }

    /// Applies `tx` as part of the last recorded transaction, without clearing the redo
    /// stack (bookkeeping that belongs with it, such as the source hash a save refreshes).
    /// `None` when nothing is recorded.
    pub fn amend_last(
        &mut self,
        project: &mut Project,
        tx: Transaction,
    ) -> Option<Result<Touched, EditError>> {
        let last = self.undo.last_mut()?;
        let r = tx.apply(project);
        if r.is_ok() {
            last.edits.extend(tx.edits);
        }
        Some(r)
    }

    /// The annotations (document, id) the next undo (`true`) or redo (`false`) would
    /// change, in edit order, each once; empty when there is nothing to undo or redo.
    pub fn next_annotations(&self, undo: bool) -> Vec<(DocId, AnnId)> {
        let tx = if undo {
            self.undo.last()
        } else {
            self.redo.last()
        };
        let mut out: Vec<(DocId, AnnId)> = Vec::new();
        for e in tx.into_iter().flat_map(|t| &t.edits) {
            if let Edit::Annotation { doc, before, after } = e
                && let Ok(id) = annotation_edit_id(before, after)
                && !out.contains(&(*doc, id))
            {
                out.push((*doc, id));
            }
        }
        out
    }

    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|t| t.label.as_str())
    }

    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|t| t.label.as_str())
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}

/// The metadata `current` becomes under a metadata edit from `before` to `after`: only the
/// fields the edit changes are compared with `current` and set (the stored source hash
/// counts as a field of its own), so an edit of the title still applies — and undoes —
/// after a save refreshed the source hash or a colleague's merge changed the status. `None`
/// when a changed field is not as the edit expects, or the edit names two documents.
fn changed_meta(
    current: &DocumentMeta,
    before: &DocumentMeta,
    after: &DocumentMeta,
) -> Option<DocumentMeta> {
    fn field<T: PartialEq + Clone>(cur: &T, b: &T, a: &T, out: &mut T) -> bool {
        if b == a {
            return true;
        }
        if cur != b {
            return false;
        }
        *out = a.clone();
        true
    }
    if before.id != after.id || current.id != before.id {
        return None;
    }
    let mut next = current.clone();
    let mut ok = field(&current.title, &before.title, &after.title, &mut next.title)
        && field(
            &current.images,
            &before.images,
            &after.images,
            &mut next.images,
        )
        && field(
            &current.status,
            &before.status,
            &after.status,
            &mut next.status,
        )
        && field(
            &current.archival,
            &before.archival,
            &after.archival,
            &mut next.archival,
        );
    match (&current.source, &before.source, &after.source) {
        _ if before.source == after.source => {}
        (Some(c), Some(b), Some(a)) => {
            let strip = |s: &super::document::SourceInfo| {
                let mut s = s.clone();
                s.hash.clear();
                s
            };
            let (mut rest, mut hash) = (strip(c), c.hash.clone());
            ok &= field(&strip(c), &strip(b), &strip(a), &mut rest)
                && field(&c.hash, &b.hash, &a.hash, &mut hash);
            rest.hash = hash;
            next.source = Some(rest);
        }
        (cur, b, a) => ok &= field(cur, b, a, &mut next.source),
    }
    ok.then_some(next)
}

/// The annotation an annotation edit is about: `before` and `after` name the same one, and
/// at least one is there.
pub(crate) fn annotation_edit_id(
    before: &Option<Box<Annotation>>,
    after: &Option<Box<Annotation>>,
) -> Result<AnnId, EditError> {
    if let (Some(b), Some(a)) = (before, after)
        && b.id != a.id
    {
        return Err(EditError::AnnotationMismatch(a.id));
    }
    before
        .as_ref()
        .or(after.as_ref())
        .map(|a| a.id)
        .ok_or(EditError::Empty)
}

/// The registry entry an entry edit is about, checked as [`annotation_edit_id`] checks.
pub(crate) fn entry_edit_id(
    before: &Option<Box<Entry>>,
    after: &Option<Box<Entry>>,
) -> Result<EntryId, EditError> {
    if let (Some(b), Some(a)) = (before, after)
        && b.id != a.id
    {
        return Err(EditError::EntryMismatch(a.id));
    }
    before
        .as_ref()
        .or(after.as_ref())
        .map(|e| e.id)
        .ok_or(EditError::Empty)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::anchor::TextAnchor;
    use crate::model::annotation::{Body, Mention};
    use crate::model::document::{DocStatus, DocumentMeta};
    use crate::model::ids::Slug;
    use crate::model::text::SourceText;

    fn project_with_doc() -> (Project, DocId) {
        let mut p = Project::new("t");
        let meta = DocumentMeta {
            id: DocId::new(),
            title: "d".into(),
            source: None,
            images: vec![],
            status: DocStatus::NotStarted,
            archival: Default::default(),
        };
        let id = meta.id;
        p.documents.insert(
            id,
            Document {
                meta,
                text: Some(SourceText::from_str_normalizing("Mao Zedong to Filippov")),
                annotations: Default::default(),
            },
        );
        (p, id)
    }

    fn mention(p: &Project, doc: DocId, s: usize, e: usize) -> Annotation {
        let text = p.documents[&doc].text.as_ref().unwrap();
        Annotation::new(Body::Mention(Mention {
            type_id: Slug::new("person"),
            anchor: TextAnchor::span(text, s, e).unwrap(),
            entry: None,
            date: None,
        }))
    }

    #[test]
    fn undo_redo_restores_exact_state() {
        let (mut p, doc) = project_with_doc();
        let original = p.clone();
        let mut h = History::default();
        let a = mention(&p, doc, 0, 10);
        let stalin = Entry::new(Slug::new("person"), "Stalin");
        let mut linked = a.clone();
        if let Body::Mention(m) = &mut linked.body {
            m.entry = Some(stalin.id);
        }
        h.commit(
            &mut p,
            Transaction::new("tag").with(Edit::add_annotation(doc, a.clone())),
        )
        .unwrap();
        let tagged = p.clone();
        let t = h
            .commit(
                &mut p,
                Transaction::new("link")
                    .with(Edit::add_entry(stalin))
                    .with(Edit::update_annotation(doc, a, linked)),
            )
            .unwrap();
        assert!(t.project && t.docs.contains(&doc));
        let linked_state = p.clone();
        h.undo(&mut p).unwrap().unwrap();
        assert_eq!(p, tagged);
        h.undo(&mut p).unwrap().unwrap();
        assert_eq!(p, original);
        assert!(h.undo(&mut p).is_none());
        h.redo(&mut p).unwrap().unwrap();
        h.redo(&mut p).unwrap().unwrap();
        assert_eq!(p, linked_state);
        assert_eq!(h.undo_label(), Some("link"));
    }

    #[test]
    fn failed_transaction_changes_nothing() {
        let (mut p, doc) = project_with_doc();
        let a = mention(&p, doc, 0, 3);
        let b = mention(&p, doc, 4, 10);
        p.documents
            .get_mut(&doc)
            .unwrap()
            .annotations
            .insert(b.id, b.clone());
        let before = p.clone();
        // Second edit expects `b` absent: it must fail and roll back the first.
        let tx = Transaction::new("bad")
            .with(Edit::add_annotation(doc, a))
            .with(Edit::add_annotation(doc, b.clone()));
        assert_eq!(tx.apply(&mut p), Err(EditError::AnnotationMismatch(b.id)));
        assert_eq!(p, before);
    }

    #[test]
    fn failed_undo_is_dropped_not_stuck() {
        let (mut p, doc) = project_with_doc();
        let mut h = History::default();
        let a = mention(&p, doc, 0, 3);
        let b = mention(&p, doc, 4, 10);
        h.commit(
            &mut p,
            Transaction::new("a").with(Edit::add_annotation(doc, a.clone())),
        )
        .unwrap();
        h.commit(
            &mut p,
            Transaction::new("b").with(Edit::add_annotation(doc, b.clone())),
        )
        .unwrap();
        // Someone removes `b` behind the history's back: undoing "b" cannot apply.
        p.documents.get_mut(&doc).unwrap().annotations.remove(&b.id);
        let changed = p.clone();
        assert_eq!(
            h.undo(&mut p),
            Some(Err(EditError::AnnotationMismatch(b.id)))
        );
        assert_eq!(p, changed, "a failed undo changes nothing");
        assert_eq!(h.undo_label(), Some("a"), "the failed step is dropped");
        assert!(!h.can_redo());
        h.undo(&mut p).unwrap().unwrap();
        assert!(p.documents[&doc].annotations.is_empty());
        // The same for redo: something now stands where "a" would go.
        let mut blocker = mention(&p, doc, 4, 10);
        blocker.id = a.id;
        p.documents
            .get_mut(&doc)
            .unwrap()
            .annotations
            .insert(a.id, blocker);
        assert_eq!(
            h.redo(&mut p),
            Some(Err(EditError::AnnotationMismatch(a.id)))
        );
        assert!(!h.can_redo(), "the failed redo is dropped");
        assert!(!h.can_undo());
    }

    #[test]
    fn nan_attribute_can_still_be_removed() {
        use crate::model::annotation::AttrValue;
        let (mut p, doc) = project_with_doc();
        let mut a = mention(&p, doc, 0, 3);
        a.attributes
            .insert(Slug::new("age"), AttrValue::Number(f64::NAN));
        p.documents
            .get_mut(&doc)
            .unwrap()
            .annotations
            .insert(a.id, a.clone());
        let mut h = History::default();
        h.commit(
            &mut p,
            Transaction::new("delete").with(Edit::remove_annotation(doc, a)),
        )
        .unwrap();
        assert!(p.documents[&doc].annotations.is_empty());
        h.undo(&mut p).unwrap().unwrap();
        assert_eq!(p.documents[&doc].annotations.len(), 1);
    }

    #[test]
    fn inverse_of_inverse_is_identity() {
        let (p, doc) = project_with_doc();
        let a = mention(&p, doc, 0, 3);
        let e = Edit::add_annotation(doc, a);
        assert_eq!(e.invert().invert(), e);
    }

    #[test]
    fn next_annotations_names_what_undo_and_redo_would_change() {
        let (mut p, doc) = crate::model::ops::events::tests::fixture();
        let a = crate::model::ops::events::tests::mention(&mut p, doc, "person", "Nam Il");
        let before = p.annotation(doc, a).cloned().expect("mention");
        let mut after = before.clone();
        after.note = "head of delegation".into();
        let mut h = History::default();
        assert!(h.next_annotations(true).is_empty());
        let tx = Transaction::new("note")
            .with(Edit::update_annotation(doc, before.clone(), after.clone()))
            .with(Edit::update_annotation(doc, after.clone(), before.clone()))
            .with(Edit::update_annotation(doc, before, after));
        h.commit(&mut p, tx).expect("commit");
        assert_eq!(h.next_annotations(true), vec![(doc, a)]);
        assert!(h.next_annotations(false).is_empty());
        h.undo(&mut p).expect("undo").expect("applies");
        assert_eq!(h.next_annotations(false), vec![(doc, a)]);
        assert!(h.next_annotations(true).is_empty());
    }
}
