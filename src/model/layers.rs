//! Independent annotation (issue 26): each annotator's annotations of a document kept in a
//! layer of their own, beside the shared (curated) annotations, in the same annotation file.
//!
//! - [`Annotation::layer`](super::Annotation::layer) names the annotator whose layer an
//!   annotation is in; `None` is the shared layer: the project's annotations, what exports
//!   write, and in independent documents the curated (adjudicated) set.
//! - [`ProjectInfo::independent`](super::ProjectInfo::independent) says which documents are
//!   annotated independently, whether annotators see the others' layers after marking their
//!   own done, and who marked which layer done.
//!
//! Every layer annotation is a record of its own (by id) and the settings merge set by set
//! (see `model::merge`), so annotators working on clones of one repository never conflict
//! with each other. See `docs/agreement.md`.

use super::ids::DocId;
use super::project::Project;
use super::{Annotation, Document};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// When an annotator sees the other annotators' layers of an independent document.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum Reveal {
    /// Never while annotating (only the curation view shows them).
    #[default]
    Never,
    /// Once the annotator has marked their own layer of the document done.
    AfterDone,
}

/// The project's independent-annotation settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Independence {
    /// Every document is annotated independently.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all: bool,
    /// Documents annotated independently (besides all of them when `all`).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub documents: BTreeSet<DocId>,
    #[serde(default)]
    pub reveal: Reveal,
    /// (document, annotator): who has marked their layer of which document done.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub done: BTreeSet<(DocId, String)>,
}

impl Independence {
    pub fn covers(&self, doc: DocId) -> bool {
        self.all || self.documents.contains(&doc)
    }

    pub fn is_done(&self, doc: DocId, annotator: &str) -> bool {
        self.done.contains(&(doc, annotator.to_owned()))
    }
}

/// Whether document `doc` is annotated independently.
pub fn is_independent(project: &Project, doc: DocId) -> bool {
    project
        .info
        .independent
        .as_ref()
        .is_some_and(|i| i.covers(doc))
}

/// Which annotations an annotator sees while annotating.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Visible {
    /// Every annotation (the document is not independent, or no annotator name is set).
    All,
    /// Only the annotator's own layer.
    Own(String),
    /// Every layer (independent, but the annotator marked theirs done and the project
    /// reveals the others then); new annotations still go into the annotator's layer.
    Revealed(String),
    /// Only the shared (curated) layer: someone curating an independent document (the
    /// Curation window open) sees and edits the adjudicated set; new annotations go into it.
    Curated,
}

/// Who is looking: the annotator's name (preferences) and whether they are curating (the
/// Curation window is open).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Viewer<'a> {
    pub annotator: Option<&'a str>,
    pub curating: bool,
}

/// What `viewer` sees of document `doc`: [`Visible::Curated`] for a curator of an independent
/// document, else [`visible`].
pub fn visible_to(project: &Project, doc: DocId, viewer: Viewer<'_>) -> Visible {
    if viewer.curating && is_independent(project, doc) {
        Visible::Curated
    } else {
        visible(project, doc, viewer.annotator)
    }
}

impl Visible {
    pub fn shows(&self, a: &Annotation) -> bool {
        match self {
            Self::All | Self::Revealed(_) => true,
            Self::Own(name) => a.layer.as_deref() == Some(name.as_str()),
            Self::Curated => a.layer.is_none(),
        }
    }

    /// The layer new annotations go into.
    pub fn layer(&self) -> Option<&str> {
        match self {
            Self::All | Self::Curated => None,
            Self::Own(n) | Self::Revealed(n) => Some(n),
        }
    }
}

/// What `annotator` sees of document `doc`.
pub fn visible(project: &Project, doc: DocId, annotator: Option<&str>) -> Visible {
    let (Some(ind), Some(name)) = (project.info.independent.as_ref(), annotator) else {
        return Visible::All;
    };
    let name = name.trim();
    if name.is_empty() || !ind.covers(doc) {
        return Visible::All;
    }
    if ind.reveal == Reveal::AfterDone && ind.is_done(doc, name) {
        Visible::Revealed(name.to_owned())
    } else {
        Visible::Own(name.to_owned())
    }
}

/// Whether `annotator`, annotating, sees annotation `a` of document `doc` — in the reader and
/// in every list that shows annotations (registry occurrences and counts, the inspector): in
/// an independent document only their own layer, as the reader shows it.
pub fn seen(project: &Project, doc: DocId, a: &Annotation, viewer: Viewer<'_>) -> bool {
    visible_to(project, doc, viewer).shows(a)
}

/// The mentions of registry entry `entry` that `annotator` sees ([`seen`]), as
/// `Project::mentions_of` lists them.
pub fn mentions_seen(
    project: &Project,
    entry: super::EntryId,
    viewer: Viewer<'_>,
) -> Vec<(DocId, super::AnnId)> {
    project
        .mentions_of(entry)
        .into_iter()
        .filter(|(d, a)| {
            project
                .annotation(*d, *a)
                .is_some_and(|x| seen(project, *d, x, viewer))
        })
        .collect()
}

/// Mention counts per registry entry over the mentions `annotator` sees ([`seen`]).
pub fn mention_counts_seen(
    project: &Project,
    viewer: Viewer<'_>,
) -> std::collections::BTreeMap<super::EntryId, usize> {
    if project.info.independent.is_none() || !has_layers(project) {
        return project.mention_counts();
    }
    let mut out = std::collections::BTreeMap::new();
    for doc in project.documents.values() {
        for a in doc.annotations.values() {
            if let Some(e) = a.as_mention().and_then(|m| m.entry)
                && seen(project, doc.id(), a, viewer)
            {
                *out.entry(e).or_insert(0) += 1;
            }
        }
    }
    out
}

/// Puts the annotations a transaction creates in an independent document into the layer of
/// `annotator` (who is annotating in the window), so new work lands in their own layer.
/// Annotations that already name a layer, and documents that are not independent, are left
/// as they are.
pub fn into_layer(project: &Project, tx: &mut super::Transaction, viewer: Viewer<'_>) {
    for edit in &mut tx.edits {
        if let super::Edit::Annotation {
            doc,
            before: None,
            after: Some(a),
        } = edit
            && a.layer.is_none()
            && let Some(name) = visible_to(project, *doc, viewer).layer()
        {
            a.layer = Some(name.to_owned());
        }
    }
}

/// The project as exports see it: the shared layer only (in an independent document, the
/// curated set). Borrowed when no annotation is in a layer; otherwise a copy without them,
/// and one omission sentence per annotation left out ("annotator's layer, not curated: …"),
/// so an export reports what it did not write.
pub fn shared_only(project: &Project) -> (std::borrow::Cow<'_, Project>, Vec<String>) {
    if !has_layers(project) {
        return (std::borrow::Cow::Borrowed(project), Vec::new());
    }
    let mut out = project.clone();
    let mut omitted = Vec::new();
    for doc in out.documents.values_mut() {
        let title = doc.meta.title.clone();
        doc.annotations.retain(|id, a| match &a.layer {
            None => true,
            Some(who) => {
                omitted.push(format!(
                    "annotator's layer, not curated into the shared set: {} {id} of {who} in \"{title}\"",
                    a.type_id().0
                ));
                false
            }
        });
    }
    (std::borrow::Cow::Owned(out), omitted)
}

/// The edit that puts document `doc` into independent mode, or takes it out (its layers
/// stay as they are).
pub fn toggle_independent(project: &Project, doc: DocId) -> super::Transaction {
    let before = project.info.clone();
    let mut after = before.clone();
    let ind = after.independent.get_or_insert_with(Independence::default);
    let label = if ind.documents.remove(&doc) {
        "Stop independent annotation of this document"
    } else {
        ind.documents.insert(doc);
        "Annotate this document independently"
    };
    super::Transaction::new(label).with(super::Edit::Info { before, after })
}

/// The edit that marks `annotator`'s layer of `doc` done, or not done again; `None` when the
/// document is not independent or no annotator name is set.
pub fn toggle_done(
    project: &Project,
    doc: DocId,
    annotator: Option<&str>,
) -> Option<super::Transaction> {
    let name = annotator.map(str::trim).filter(|n| !n.is_empty())?;
    if !is_independent(project, doc) {
        return None;
    }
    let before = project.info.clone();
    let mut after = before.clone();
    let ind = after.independent.as_mut()?;
    let key = (doc, name.to_owned());
    let label = if ind.done.remove(&key) {
        "Mark my layer not done"
    } else {
        ind.done.insert(key);
        "Mark my layer done"
    };
    Some(super::Transaction::new(label).with(super::Edit::Info { before, after }))
}

/// The annotators with a layer in `doc` (annotations there or a done mark), sorted.
pub fn layers_of(project: &Project, doc: &Document) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = doc
        .annotations
        .values()
        .filter_map(|a| a.layer.clone())
        .collect();
    if let Some(ind) = &project.info.independent {
        out.extend(
            ind.done
                .iter()
                .filter(|(d, _)| *d == doc.id())
                .map(|(_, n)| n.clone()),
        );
    }
    out
}

/// Whether any annotation of the project is in an annotator's layer.
pub fn has_layers(project: &Project) -> bool {
    project
        .documents
        .values()
        .any(|d| d.annotations.values().any(|a| a.layer.is_some()))
}

/// Before the three-way merge of the project info: merges the "done" marks set by set
/// (each annotator marks their own layer on their own clone, so both sides' additions and
/// removals are kept) and writes the result into both sides, so marking done on two clones
/// is not a conflict. Called by `model::merge`; the rest of the info merges as one record.
pub fn align_done(
    base: &super::ProjectInfo,
    ours: &mut super::ProjectInfo,
    theirs: &mut super::ProjectInfo,
) {
    let empty = BTreeSet::new();
    let done = |i: &super::ProjectInfo| -> BTreeSet<(DocId, String)> {
        i.independent
            .as_ref()
            .map_or_else(|| empty.clone(), |x| x.done.clone())
    };
    let (b, o, t) = (done(base), done(ours), done(theirs));
    if o == t {
        return;
    }
    let merged: BTreeSet<(DocId, String)> = b
        .iter()
        .filter(|x| o.contains(*x) && t.contains(*x))
        .chain(o.difference(&b))
        .chain(t.difference(&b))
        .cloned()
        .collect();
    for side in [ours, theirs] {
        if let Some(ind) = side.independent.as_mut() {
            ind.done = merged.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProjectInfo;

    fn info(done: &[(DocId, &str)]) -> ProjectInfo {
        ProjectInfo {
            name: "p".into(),
            description: String::new(),
            independent: Some(Independence {
                all: true,
                done: done.iter().map(|(d, n)| (*d, (*n).to_owned())).collect(),
                ..Independence::default()
            }),
        }
    }

    #[test]
    fn done_marks_from_two_clones_are_both_kept_and_removals_too() {
        let (d1, d2) = (DocId::new(), DocId::new());
        let base = info(&[(d1, "ada"), (d2, "ben")]);
        // Ada marks d2 done; Ben takes back his mark of d2 and marks d1.
        let mut ours = info(&[(d1, "ada"), (d2, "ben"), (d2, "ada")]);
        let mut theirs = info(&[(d1, "ada"), (d1, "ben")]);
        align_done(&base, &mut ours, &mut theirs);
        assert_eq!(ours, theirs);
        let done = &ours
            .independent
            .as_ref()
            .map(|i| i.done.clone())
            .unwrap_or_default();
        let want: BTreeSet<(DocId, String)> = [(d1, "ada"), (d2, "ada"), (d1, "ben")]
            .iter()
            .map(|(d, n)| (*d, (*n).to_owned()))
            .collect();
        assert_eq!(done, &want);
    }

    #[test]
    fn exports_see_the_shared_layer_and_count_what_is_left_out() {
        let mut p = Project::new("p");
        assert!(matches!(shared_only(&p).0, std::borrow::Cow::Borrowed(_)));
        let text = crate::model::SourceText::from_str_normalizing("Ada");
        let mut d = crate::model::Document {
            meta: crate::model::DocumentMeta {
                id: DocId::new(),
                title: "letter".into(),
                source: None,
                images: Vec::new(),
                status: crate::model::DocStatus::InProgress,
                archival: Default::default(),
            },
            text: Some(text.clone()),
            annotations: Default::default(),
        };
        for layer in [None, Some("ada"), Some("ben")] {
            let Ok(anchor) = crate::model::TextAnchor::span(&text, 0, 3) else {
                panic!("anchor");
            };
            let mut a = Annotation::new(crate::model::Body::Mention(crate::model::Mention {
                type_id: crate::model::Slug::new("person"),
                anchor,
                entry: None,
                date: None,
            }));
            a.layer = layer.map(str::to_owned);
            d.annotations.insert(a.id, a);
        }
        p.documents.insert(d.id(), d);
        let (shared, left) = shared_only(&p);
        let n: usize = shared.documents.values().map(|d| d.annotations.len()).sum();
        assert_eq!(n, 1);
        assert_eq!(left.len(), 2);
        assert!(left[0].starts_with("annotator's layer, not curated into the shared set: person "));
        assert!(left.iter().any(|l| l.contains(" of ben in \"letter\"")));
    }

    #[test]
    fn independent_mode_and_done_marks_toggle_as_undoable_edits() {
        let mut p = Project::new("p");
        let d = DocId::new();
        assert!(toggle_done(&p, d, Some("ada")).is_none());
        let on = toggle_independent(&p, d);
        assert!(on.apply(&mut p).is_ok());
        assert!(is_independent(&p, d));
        assert!(toggle_done(&p, d, Some(" ")).is_none());
        let done = toggle_done(&p, d, Some("ada"));
        assert!(done.is_some_and(|tx| tx.apply(&mut p).is_ok()));
        assert!(
            p.info
                .independent
                .as_ref()
                .is_some_and(|i| i.is_done(d, "ada"))
        );
        let off = toggle_independent(&p, d);
        let undo = off.invert();
        assert!(off.apply(&mut p).is_ok());
        assert!(!is_independent(&p, d));
        assert!(undo.apply(&mut p).is_ok());
        assert!(is_independent(&p, d));
    }

    #[test]
    fn an_annotator_sees_only_their_layer_until_done_when_the_project_reveals_then() {
        let mut p = Project::new("p");
        let d = DocId::new();
        p.info.independent = Some(Independence {
            documents: [d].into(),
            reveal: Reveal::AfterDone,
            ..Independence::default()
        });
        let text = crate::model::SourceText::from_str_normalizing("Ada");
        let Ok(anchor) = crate::model::TextAnchor::span(&text, 0, 3) else {
            panic!("anchor");
        };
        let mut a = Annotation::new(crate::model::Body::Mention(crate::model::Mention {
            type_id: crate::model::Slug::new("person"),
            anchor,
            entry: None,
            date: None,
        }));
        a.layer = Some("ben".into());
        assert_eq!(visible(&p, d, Some("ada")), Visible::Own("ada".into()));
        assert!(!visible(&p, d, Some("ada")).shows(&a));
        assert_eq!(visible(&p, DocId::new(), Some("ada")), Visible::All);
        assert_eq!(visible(&p, d, None), Visible::All);
        if let Some(i) = p.info.independent.as_mut() {
            i.done.insert((d, "ada".into()));
        }
        let v = visible(&p, d, Some("ada"));
        assert_eq!(v, Visible::Revealed("ada".into()));
        assert!(v.shows(&a));
        assert_eq!(v.layer(), Some("ada"));
        if let Some(i) = p.info.independent.as_mut() {
            i.reveal = Reveal::Never;
        }
        assert!(!visible(&p, d, Some("ada")).shows(&a));
        // Registry counts and lists follow what one sees; a curator sees the shared layer.
        let entry = crate::model::EntryId::new();
        if let crate::model::Body::Mention(m) = &mut a.body {
            m.entry = Some(entry);
        }
        let mut doc = crate::model::Document {
            meta: crate::model::DocumentMeta {
                id: d,
                title: "d".into(),
                source: None,
                images: Vec::new(),
                status: crate::model::DocStatus::InProgress,
                archival: Default::default(),
            },
            text: Some(text.clone()),
            annotations: Default::default(),
        };
        let mut shared = a.clone();
        shared.id = crate::model::AnnId::new();
        shared.layer = None;
        doc.annotations.insert(a.id, a.clone());
        doc.annotations.insert(shared.id, shared.clone());
        p.documents.insert(d, doc);
        let ada = Viewer {
            annotator: Some("ada"),
            curating: false,
        };
        let ben = Viewer {
            annotator: Some("ben"),
            ..ada
        };
        let curator = Viewer {
            curating: true,
            ..ada
        };
        assert_eq!(mention_counts_seen(&p, ada).get(&entry), None);
        assert_eq!(mentions_seen(&p, entry, ben), [(d, a.id)]);
        assert_eq!(mentions_seen(&p, entry, curator), [(d, shared.id)]);
        assert_eq!(
            mention_counts_seen(&p, Viewer::default()).get(&entry),
            Some(&2)
        );
        assert_eq!(visible_to(&p, d, curator).layer(), None);
        p.documents.clear();
        // What Ada tags in the window goes into her layer; elsewhere into the shared one.
        let mut b = a.clone();
        b.layer = None;
        let mut tx = crate::model::Transaction::new("tag").with(crate::model::Edit::Annotation {
            doc: d,
            before: None,
            after: Some(Box::new(b.clone())),
        });
        into_layer(
            &p,
            &mut tx,
            Viewer {
                annotator: Some("ada"),
                curating: false,
            },
        );
        let crate::model::Edit::Annotation { after: Some(x), .. } = &tx.edits[0] else {
            panic!("an annotation edit");
        };
        assert_eq!(x.layer.as_deref(), Some("ada"));
        let mut tx = crate::model::Transaction::new("tag").with(crate::model::Edit::Annotation {
            doc: DocId::new(),
            before: None,
            after: Some(Box::new(b)),
        });
        into_layer(
            &p,
            &mut tx,
            Viewer {
                annotator: Some("ada"),
                curating: false,
            },
        );
        let crate::model::Edit::Annotation { after: Some(x), .. } = &tx.edits[0] else {
            panic!("an annotation edit");
        };
        assert_eq!(x.layer, None);
    }
}
