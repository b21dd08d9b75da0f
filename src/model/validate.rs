//! Checks a project against its schema: types exist, roles fit their constraints, targets
//! resolve, anchors match their text.

use super::anchor::AnchorCheck;
use super::annotation::{Annotation, Body, Target};
use super::ids::{AnnId, DocId, EntryId, Slug};
use super::project::Project;
use super::registry::Entry;
use super::schema::{Schema, TypeKind};
use super::text::SourceText;
use serde::Serialize;

/// How serious a problem is: errors fail `marginalia check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Severity {
    Warning,
    Error,
}

/// One thing wrong with a project, located as precisely as possible.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<DocId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotation: Option<AnnId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<EntryId>,
    pub message: String,
}

impl Problem {
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            document: None,
            annotation: None,
            entry: None,
            message: message.into(),
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(message)
        }
    }

    pub fn in_doc(mut self, doc: DocId) -> Self {
        self.document = Some(doc);
        self
    }

    pub fn on(mut self, ann: AnnId) -> Self {
        self.annotation = Some(ann);
        self
    }
}

/// What validation reads of a project: the schema, annotations by document, and the
/// registry. [`Project`] is one; an operation's trial of a transaction is another.
pub(crate) trait View {
    fn schema(&self) -> &Schema;
    fn annotation(&self, doc: DocId, id: AnnId) -> Option<&Annotation>;
    fn entry(&self, id: EntryId) -> Option<&Entry>;
}

impl View for Project {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn annotation(&self, doc: DocId, id: AnnId) -> Option<&Annotation> {
        Project::annotation(self, doc, id)
    }

    fn entry(&self, id: EntryId) -> Option<&Entry> {
        self.registry.get(&id)
    }
}

/// Every problem in the project. Anchor mismatches are warnings (flagged for review).
pub fn validate(project: &Project) -> Vec<Problem> {
    let mut out = schema_problems(&project.schema);
    for entry in project.registry.values() {
        entry_problems(project, entry, &mut out);
    }
    for doc in project.documents.values() {
        out.extend(super::region::problems(doc));
        for ann in doc.annotations.values() {
            annotation_problems(project, doc.id(), doc.text.as_ref(), ann, &mut out);
        }
        duplicate_mentions(project, doc, &mut out);
    }
    out
}

/// Mentions (or events' triggers) of the same type over exactly the same text: tagging a span twice makes a
/// second annotation that lists the name twice on its entry page and in the concordance.
/// A warning on each copy after the first (in id order, the oldest is kept).
fn duplicate_mentions(project: &Project, doc: &super::document::Document, out: &mut Vec<Problem>) {
    use super::annotation::{Annotation, Body};
    // Per type and words, the annotations seen so far. An exact duplicate says the same in
    // every field a user writes: two on one span that differ in an attribute, a note or an
    // event's role fillers are two annotations (as WebAnno's stacked spans and slot hosts).
    // Copies in different layers (annotators' independent layers, the curated shared
    // layer) are each annotator's own version, not duplicates (docs/agreement.md).
    let same_content = |a: &Annotation, b: &Annotation| {
        a.layer == b.layer
            && a.body == b.body
            && a.attributes == b.attributes
            && a.note == b.note
            && a.cert == b.cert
            && a.region == b.region
    };
    let mut seen: std::collections::HashMap<(&Slug, &[super::anchor::Span]), Vec<&Annotation>> =
        std::collections::HashMap::new();
    // A copy some event or relation points at is told apart by that link (deleting it would
    // lose the link): not reported.
    let mut pointed_at = std::collections::HashSet::new();
    for a in doc.annotations.values() {
        a.points_at(|t| {
            if let super::annotation::Target::Annotation(id) = t {
                pointed_at.insert(*id);
            }
            false
        });
    }
    for ann in doc.annotations.values() {
        // A mention's text, or an event's trigger: the same words tagged as the same type.
        let anchor = match &ann.body {
            Body::Mention(m) => &m.anchor,
            Body::Event(e) => match &e.trigger {
                Some(t) => t,
                None => continue,
            },
            Body::Relation(_) => continue,
        };
        if anchor.fragments.is_empty() {
            continue;
        }
        let ty = ann.type_id();
        let earlier = seen.entry((ty, anchor.fragments.as_slice())).or_default();
        let same = earlier.iter().find(|b| same_content(ann, b)).map(|b| b.id);
        match same {
            Some(_) if pointed_at.contains(&ann.id) => earlier.push(ann),
            Some(first) => out.push(
                Problem::warning(format!(
                    "\"{}\" is tagged as {} twice (an exact duplicate of {first}; delete one)",
                    anchor.quote.exact,
                    project.schema.label(ty)
                ))
                .in_doc(doc.id())
                .on(ann.id),
            ),
            None => earlier.push(ann),
        }
    }
}

/// The schema's own problems, as errors.
pub(crate) fn schema_problems(schema: &Schema) -> Vec<Problem> {
    schema
        .problems()
        .into_iter()
        .map(|m| Problem::error(format!("schema: {m}")))
        .collect()
}

/// The problems of one registry entry.
pub(crate) fn entry_problems(view: &impl View, entry: &Entry, out: &mut Vec<Problem>) {
    if view.schema().entity(&entry.type_id).is_none() {
        out.push(Problem {
            entry: Some(entry.id),
            ..Problem::error(format!(
                "registry entry \"{}\" has unknown entity type \"{}\"",
                entry.name, entry.type_id
            ))
        });
    }
    if let Some(c) = entry.coordinates
        && !((-90.0..=90.0).contains(&c.lat) && (-180.0..=180.0).contains(&c.lon))
    {
        out.push(Problem {
            entry: Some(entry.id),
            ..Problem::error(format!(
                "registry entry \"{}\" has coordinates {}, {} outside latitude −90…90 / longitude −180…180",
                entry.name, c.lat, c.lon
            ))
        });
    }
}

/// The problems of one annotation of document `d`; its anchor is checked against `text`
/// when there is one.
pub(crate) fn annotation_problems(
    view: &impl View,
    d: DocId,
    text: Option<&SourceText>,
    ann: &Annotation,
    out: &mut Vec<Problem>,
) {
    let schema = view.schema();
    let err = |m: String| Problem::error(m).in_doc(d).on(ann.id);
    // A region mention without transcribed words has an anchor with no fragments.
    let text_anchor = ann
        .anchor()
        .filter(|a| ann.region.is_none() || !a.fragments.is_empty());
    if let (Some(anchor), Some(text)) = (text_anchor, text) {
        match anchor.check(text) {
            AnchorCheck::Ok => {}
            AnchorCheck::OutOfBounds => out.push(
                Problem::warning(format!(
                    "anchor of \"{}\" lies outside the text; flagged for review",
                    anchor.quote.exact
                ))
                .in_doc(d)
                .on(ann.id),
            ),
            AnchorCheck::QuoteMismatch { found } => out.push(
                Problem::warning(format!(
                    "anchor quotes \"{}\" but the text there now reads \"{found}\"; flagged for review",
                    anchor.quote.exact
                ))
                .in_doc(d)
                .on(ann.id),
            ),
        }
    }
    if let Some(review) = &ann.reanchor {
        let quote = ann.anchor().map_or("", |a| a.quote.exact.as_str());
        out.push(
            Problem::warning(match review.kind {
                super::reanchor::ReviewKind::NeedsReview => format!(
                    "\"{quote}\" needs review after its source changed: {} proposed places; its old place is kept",
                    review.candidates.len()
                ),
                super::reanchor::ReviewKind::Orphaned => format!(
                    "\"{quote}\" was not found in its changed source (orphaned); its old place is kept"
                ),
            })
            .in_doc(d)
            .on(ann.id),
        );
    }
    if let Some(anchor) = text_anchor {
        let ordered = anchor.fragments.windows(2).all(|w| w[0].end <= w[1].start);
        if anchor.fragments.is_empty() || anchor.fragments.iter().any(|s| s.is_empty()) || !ordered
        {
            out.push(err(
                "anchor fragments must be non-empty, sorted and disjoint".into(),
            ));
        }
    }
    for (attr, value) in &ann.attributes {
        match schema.attribute(attr) {
            None => out.push(err(format!("unknown attribute \"{attr}\""))),
            Some(def) if !def.applies_to.is_empty() && !def.applies_to.contains(ann.type_id()) => {
                out.push(err(format!(
                    "attribute \"{attr}\" does not apply to type \"{}\"",
                    ann.type_id()
                )));
            }
            Some(def) => {
                use super::annotation::AttrValue as V;
                use super::schema::AttrKind as K;
                let fits = match (&def.kind, value) {
                    (K::Choice(opts), V::Choice(c)) => opts.contains(c),
                    (K::Number, V::Number(n)) if !n.is_finite() => {
                        out.push(err(format!(
                            "attribute \"{attr}\" holds {value}, which is not a finite number"
                        )));
                        continue;
                    }
                    (K::Text, V::Text(_)) | (K::Number, V::Number(_)) | (K::YesNo, V::YesNo(_)) => {
                        true
                    }
                    (K::Date, V::Date(d)) => d.validate().is_ok(),
                    _ => false,
                };
                if !fits {
                    out.push(err(format!(
                        "attribute \"{attr}\" has value \"{value}\" of the wrong kind"
                    )));
                }
            }
        }
    }
    match &ann.body {
        Body::Mention(m) => {
            if schema.entity(&m.type_id).is_none() {
                out.push(err(format!(
                    "mention has unknown entity type \"{}\"",
                    m.type_id
                )));
            }
            if let Some(e) = m.entry {
                match view.entry(e) {
                    None => out.push(err(format!("mention links to missing registry entry {e}"))),
                    Some(entry) if entry.type_id != m.type_id => out.push(
                        Problem::warning(format!(
                            "mention \"{}\" is a {} but links to \"{}\", a {}",
                            m.anchor.quote.exact,
                            schema.label(&m.type_id),
                            entry.name,
                            schema.label(&entry.type_id)
                        ))
                        .in_doc(d)
                        .on(ann.id),
                    ),
                    Some(_) => {}
                }
            }
            if let Some(date) = &m.date
                && let Err(e) = date.validate()
            {
                out.push(err(format!("date of \"{}\": {e}", m.anchor.quote.exact)));
            }
        }
        Body::Event(ev) => {
            let Some(ty) = schema.event(&ev.type_id) else {
                out.push(err(format!("event has unknown type \"{}\"", ev.type_id)));
                return;
            };
            for (role, fillers) in &ev.roles {
                let Some(slot) = ty.role(role) else {
                    out.push(err(format!("{} has no role \"{role}\"", ty.label)));
                    continue;
                };
                if slot.max.is_some_and(|max| fillers.len() > max as usize) {
                    out.push(err(format!(
                        "{} role \"{}\" takes {} but has {} fillers",
                        ty.label,
                        slot.label,
                        slot.cardinality(),
                        fillers.len()
                    )));
                }
                for f in fillers {
                    check_target(
                        view,
                        d,
                        ann.id,
                        f,
                        &slot.fillers,
                        &|| format!("{} role \"{}\"", ty.label, slot.label),
                        out,
                    );
                }
            }
            for slot in &ty.roles {
                let n = ev.roles.get(&slot.id).map_or(0, Vec::len);
                if n < slot.min as usize {
                    out.push(err(format!(
                        "{} is missing required role \"{}\" ({})",
                        ty.label,
                        slot.label,
                        slot.cardinality()
                    )));
                }
            }
            if let Some(date) = &ev.date
                && let Err(e) = date.validate()
            {
                out.push(err(format!("date of {}: {e}", ty.label)));
            }
        }
        Body::Relation(r) => {
            let Some(ty) = schema.relation(&r.type_id) else {
                out.push(err(format!("relation has unknown type \"{}\"", r.type_id)));
                return;
            };
            check_target(
                view,
                d,
                ann.id,
                &r.from,
                &ty.from,
                &|| format!("{} (from)", ty.label),
                out,
            );
            check_target(
                view,
                d,
                ann.id,
                &r.to,
                &ty.to,
                &|| format!("{} (to)", ty.label),
                out,
            );
        }
    }
}

fn check_target(
    view: &impl View,
    doc: DocId,
    ann: AnnId,
    target: &Target,
    allowed: &[Slug],
    what: &dyn Fn() -> String,
    out: &mut Vec<Problem>,
) {
    let err = |m: String| Problem::error(m).in_doc(doc).on(ann);
    if *target == Target::Annotation(ann) {
        let what = what();
        out.push(err(format!("{what} points at its own annotation")));
        return;
    }
    let found = match target {
        Target::Annotation(a) => view
            .annotation(doc, *a)
            .map(|x| (x.type_id(), x.as_relation().is_some())),
        Target::Entry(e) => view.entry(*e).map(|x| (&x.type_id, false)),
    };
    let Some((ty, is_relation)) = found else {
        let what = what();
        out.push(err(match target {
            Target::Annotation(a) => {
                format!("{what} points at annotation {a}, which is not in this document")
            }
            Target::Entry(e) => format!("{what} points at missing registry entry {e}"),
        }));
        return;
    };
    if is_relation {
        let what = what();
        out.push(err(format!("{what} points at a relation")));
        return;
    }
    let schema = view.schema();
    if !allowed.is_empty() && !allowed.contains(ty) {
        let kind = match schema.kind_of(ty) {
            Some(TypeKind::Entity) | None => "",
            Some(TypeKind::Event) => " event",
            Some(TypeKind::Relation) => " relation",
        };
        let what = what();
        out.push(err(format!(
            "{what} may not be filled by a {}{kind} (allowed: {})",
            schema.label(ty),
            allowed
                .iter()
                .map(|s| schema.label(s))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Annotation, Body, DocStatus, Document, DocumentMeta, Entry, Event, Mention, SourceText,
        TextAnchor,
    };
    use std::collections::BTreeMap;

    fn fixture() -> (Project, DocId, Annotation) {
        let mut p = Project::new("t");
        let text = SourceText::from_str_normalizing("Mao met Nam Il in Kaesong.");
        let place = Annotation::new(Body::Mention(Mention {
            type_id: Slug::new("place"),
            anchor: TextAnchor::span(&text, 18, 25).unwrap(),
            entry: None,
            date: None,
        }));
        let meta = DocumentMeta {
            id: DocId::new(),
            title: "d".into(),
            source: None,
            images: vec![],
            status: DocStatus::NotStarted,
            archival: Default::default(),
        };
        let doc = meta.id;
        let mut annotations = BTreeMap::new();
        annotations.insert(place.id, place.clone());
        p.documents.insert(
            doc,
            Document {
                meta,
                text: Some(text),
                annotations,
            },
        );
        (p, doc, place)
    }

    fn add(p: &mut Project, doc: DocId, a: Annotation) {
        p.documents
            .get_mut(&doc)
            .unwrap()
            .annotations
            .insert(a.id, a);
    }

    fn messages(p: &Project) -> Vec<String> {
        validate(p).into_iter().map(|p| p.message).collect()
    }

    #[test]
    fn exact_duplicate_mentions_are_reported_once_per_copy() {
        let (mut p, doc, place) = fixture();
        assert!(messages(&p).is_empty());
        let mut copy = place.clone();
        copy.id = AnnId::new();
        add(&mut p, doc, copy.clone());
        // The same text as another type is no duplicate.
        let mut person = place.clone();
        person.id = AnnId::new();
        person.set_type_id(Slug::new("person"));
        add(&mut p, doc, person);
        let found = validate(&p);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].annotation, Some(copy.id.max(place.id)));
        assert!(
            found[0]
                .message
                .contains("\"Kaesong\" is tagged as Place twice"),
            "{}",
            found[0].message
        );
    }

    /// Independent annotation: the same mention in Ada's and Ben's layers and its curated
    /// copy in the shared layer are three versions, not duplicates; two in one layer are.
    #[test]
    fn equal_mentions_in_different_layers_are_not_duplicates() {
        let (mut p, doc, place) = fixture();
        for layer in ["ada", "ben"] {
            let mut copy = place.clone();
            copy.id = AnnId::new();
            copy.layer = Some(layer.into());
            add(&mut p, doc, copy);
        }
        assert!(validate(&p).is_empty(), "{:?}", validate(&p));
        let mut again = place.clone();
        again.id = AnnId::new();
        again.layer = Some("ada".into());
        add(&mut p, doc, again);
        assert_eq!(validate(&p).len(), 1);
    }

    #[test]
    fn two_events_of_one_type_on_one_trigger_are_reported() {
        let (mut p, doc, place) = fixture();
        let text = p.documents[&doc].text.clone().unwrap();
        let meeting = || {
            Annotation::new(Body::Event(crate::model::annotation::Event {
                type_id: Slug::new("meeting"),
                trigger: Some(TextAnchor::span(&text, 4, 7).unwrap()),
                roles: BTreeMap::new(),
                date: None,
            }))
        };
        let (a, b) = (meeting(), meeting());
        add(&mut p, doc, a.clone());
        assert!(messages(&p).is_empty(), "{:?}", messages(&p));
        // One with a role filled is another event on the same words (WebAnno slot hosts).
        let mut other = meeting();
        if let Body::Event(e) = &mut other.body {
            e.roles.insert(
                Slug::new("place"),
                vec![crate::model::Target::Annotation(place.id)],
            );
        }
        add(&mut p, doc, other);
        assert!(messages(&p).is_empty(), "{:?}", messages(&p));
        add(&mut p, doc, b.clone());
        let found = validate(&p);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].annotation, Some(a.id.max(b.id)));
        assert!(
            found[0]
                .message
                .contains("\"met\" is tagged as Meeting twice"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn coordinates_out_of_range_are_errors() {
        let (mut p, _, _) = fixture();
        let mut e = Entry::new(Slug::new("place"), "Kaesong");
        e.coordinates = Some(crate::model::registry::Coordinates {
            lat: 126.55,
            lon: 37.97,
        });
        p.registry.insert(e.id, e.clone());
        assert!(messages(&p).iter().any(|m| m.contains("outside latitude")));
        e.coordinates = Some(crate::model::registry::Coordinates {
            lat: 37.97,
            lon: 126.55,
        });
        p.registry.insert(e.id, e);
        assert!(!messages(&p).iter().any(|m| m.contains("outside latitude")));
    }

    #[test]
    fn clean_project_has_no_problems() {
        let (p, _, _) = fixture();
        assert_eq!(messages(&p), Vec::<String>::new());
    }

    #[test]
    fn role_constraints_are_enforced() {
        let (mut p, doc, place) = fixture();
        let stalin = Entry::new(Slug::new("person"), "Stalin");
        let mut roles = BTreeMap::new();
        // A place as a participant is not allowed; a person entry is.
        roles.insert(
            Slug::new("participant"),
            vec![Target::Annotation(place.id), Target::Entry(stalin.id)],
        );
        roles.insert(Slug::new("copy_to"), vec![Target::Entry(stalin.id)]);
        let ev = Annotation::new(Body::Event(Event {
            type_id: Slug::new("communication"),
            trigger: None,
            roles: roles.clone(),
            date: None,
        }));
        add(&mut p, doc, ev);
        let m = messages(&p);
        assert!(
            m.iter().any(|m| m.contains("has no role \"participant\"")),
            "{m:?}"
        );
        assert!(
            m.iter()
                .any(|m| m.contains("missing required role \"Sender\"")),
            "{m:?}"
        );
        assert!(
            m.iter().any(|m| m.contains("missing registry entry")),
            "{m:?}"
        );

        let (mut p, doc, place) = fixture();
        p.registry.insert(stalin.id, stalin.clone());
        let ev = Annotation::new(Body::Event(Event {
            type_id: Slug::new("meeting"),
            trigger: None,
            roles: BTreeMap::from([
                (
                    Slug::new("participant"),
                    vec![Target::Annotation(place.id), Target::Entry(stalin.id)],
                ),
                (Slug::new("place"), vec![Target::Annotation(place.id)]),
            ]),
            date: None,
        }));
        add(&mut p, doc, ev);
        let m = messages(&p);
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(
            m[0].contains("Participant\" may not be filled by a Place"),
            "{m:?}"
        );
    }

    #[test]
    fn changed_text_flags_anchor_as_warning() {
        let (mut p, doc, _) = fixture();
        p.documents.get_mut(&doc).unwrap().text = Some(SourceText::from_str_normalizing(
            "Mao met Nam Il in Panmunjom.",
        ));
        let problems = validate(&p);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].severity, Severity::Warning);
        assert!(problems[0].message.contains("flagged for review"));
    }

    #[test]
    fn non_finite_numbers_are_errors() {
        use crate::model::annotation::AttrValue;
        let (mut p, doc, place) = fixture();
        let mut q = place.clone();
        q.id = AnnId::new();
        q.set_type_id(Slug::new("quantity"));
        q.attributes
            .insert(Slug::new("count"), AttrValue::Number(f64::NAN));
        add(&mut p, doc, q);
        let m = messages(&p);
        assert!(
            m.iter()
                .any(|m| m == "attribute \"count\" holds NaN, which is not a finite number"),
            "{m:?}"
        );
        assert!(
            validate(&p)
                .iter()
                .any(|x| x.severity == Severity::Error && x.message.contains("finite"))
        );
    }
}
