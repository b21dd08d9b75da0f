//! Tagging: the data side of the reader's actions. Each function builds a [`Transaction`]
//! for one user action (tag a span, tag every occurrence, change type, re-span, delete, link
//! to a registry entry) without changing the project; commit it through
//! `Session::commit` so it can be undone.

use super::core;
use super::error::OpError;
use crate::model::anchor::{Span, TextAnchor};
use crate::model::annotation::{Annotation, Body, Certainty, Mention};
use crate::model::date::NormalizedDate;
use crate::model::ids::{AnnId, DocId, EntryId, Slug};
use crate::model::matching::fold;
use crate::model::registry::{Alias, AliasKind, Entry};
use crate::model::text::SourceText;
use crate::model::{Edit, Project, Transaction};

pub use super::core::update_annotation as update;
pub use crate::model::query::text::{
    FindOptions, Occurrence, find_occurrences, is_word_char, occurrences, snap_to_words,
};

/// Former name of [`OpError`] for tagging actions.
pub type TagError = OpError;

fn doc_text(project: &Project, doc: DocId) -> Result<&SourceText, OpError> {
    core::text(project, doc)
}

fn annotation(project: &Project, doc: DocId, ann: AnnId) -> Result<&Annotation, OpError> {
    core::annotation(project, doc, ann)
}

fn check_entity_type(project: &Project, type_id: &Slug) -> Result<(), OpError> {
    if project.schema.entity(type_id).is_some() {
        Ok(())
    } else {
        Err(OpError::unknown_entity_type(type_id))
    }
}

/// Tags `spans` (one, or several for a discontinuous mention) as a mention of `type_id`.
/// Returns the transaction and the new annotation's id.
pub fn tag_mention(
    project: &Project,
    doc: DocId,
    spans: &[Span],
    type_id: &Slug,
) -> Result<(Transaction, AnnId), OpError> {
    check_entity_type(project, type_id)?;
    let text = doc_text(project, doc)?;
    let anchor = TextAnchor::new(text, spans)?;
    if let Some(same) = already_tagged(project, doc, &anchor.fragments, type_id) {
        return Err(OpError::AlreadyTagged {
            ann: same,
            quote: anchor.quote.exact.clone(),
            ty: project.schema.label(type_id).to_owned(),
        });
    }
    let ann = Annotation::new(Body::Mention(Mention {
        type_id: type_id.clone(),
        anchor,
        entry: None,
        date: None,
    }));
    let id = ann.id;
    let label = format!("Tag as {}", project.schema.label(type_id));
    Ok((
        Transaction::new(label).with(Edit::add_annotation(doc, ann)),
        id,
    ))
}

/// The mention of `type_id` in `doc` over exactly `spans`, or the event of `type_id` whose
/// trigger is exactly `spans`, if there is one: tagging the same text with the same type
/// again would make an exact duplicate.
pub fn already_tagged(
    project: &Project,
    doc: DocId,
    spans: &[Span],
    type_id: &Slug,
) -> Option<AnnId> {
    let d = project.documents.get(&doc)?;
    d.annotations.values().find_map(|a| {
        let fragments = match &a.body {
            Body::Mention(m) => &m.anchor.fragments,
            Body::Event(e) => &e.trigger.as_ref()?.fragments,
            Body::Relation(_) => return None,
        };
        (a.type_id() == type_id && fragments.as_slice() == spans).then_some(a.id)
    })
}

/// Sets a mention's normalized date (`None` clears it) and, when `cert` is given, its
/// certainty, in one step: a date read from "tomorrow at 0800" is as sure as the reading.
pub fn set_mention_date(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    date: Option<NormalizedDate>,
    cert: Option<Certainty>,
) -> Result<Transaction, OpError> {
    let a = annotation(project, doc, ann)?;
    let m = a.as_mention().ok_or(OpError::not_a_mention(ann))?;
    if let Some(d) = &date {
        d.validate()?;
    }
    let date = date.filter(|d| !d.is_empty());
    if m.date == date && cert.is_none_or(|c| a.cert == Some(c)) {
        return Err(OpError::NoChange);
    }
    let label = match &date {
        Some(d) => format!("Date “{}” as {d}", m.anchor.quote.exact),
        None => format!("Clear the date of “{}”", m.anchor.quote.exact),
    };
    update(project, doc, ann, &label, |a| {
        if let Body::Mention(m) = &mut a.body {
            m.date = date;
        }
        if let Some(c) = cert {
            a.cert = Some(c);
        }
    })
}

/// Changes the type of a mention, event or relation.
pub fn change_type(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    type_id: &Slug,
) -> Result<Transaction, OpError> {
    if project.schema.kind_of(type_id).is_none() {
        return Err(OpError::unknown_type(type_id));
    }
    let label = format!("Change type to {}", project.schema.label(type_id));
    let tx = update(project, doc, ann, &label, |a| {
        a.set_type_id(type_id.clone())
    })?;
    // An entity type on an event (or an event type on a mention) is refused here, with the
    // schema's reason, not saved for `check` to reject.
    core::refuse_new_errors(project, &tx)?;
    Ok(tx)
}

/// Moves a mention (or an event's trigger) to new spans.
pub fn respan(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    spans: &[Span],
) -> Result<Transaction, OpError> {
    let text = doc_text(project, doc)?;
    let anchor = TextAnchor::new(text, spans)?;
    let a = annotation(project, doc, ann)?;
    if a.anchor().is_none() {
        return Err(OpError::not_a_mention(ann));
    }
    update(project, doc, ann, "Change span", |a| {
        if let Some(an) = a.anchor_mut() {
            *an = anchor;
        }
    })
}

/// Deletes an annotation and what would dangle without it (see
/// [`core::delete_annotation`]): role fillers naming it are dropped, relations with
/// it as an argument are deleted.
pub fn delete(project: &Project, doc: DocId, ann: AnnId) -> Result<Transaction, OpError> {
    core::delete_annotation(project, doc, ann)
}

/// Links a mention to a registry entry (`None` unlinks). With `alias`, the mention's text is
/// also added to the entry as that kind of alias when the entry has no such name yet.
pub fn link_entry(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    entry: Option<EntryId>,
    alias: Option<AliasKind>,
) -> Result<Transaction, OpError> {
    let a = annotation(project, doc, ann)?;
    let m = a.as_mention().ok_or(OpError::not_a_mention(ann))?;
    let quote = m.anchor.quote.exact.clone();
    let label = match entry {
        Some(id) => {
            let e = project.registry.get(&id).ok_or(OpError::NoEntry(id))?;
            format!("Link to {}", e.name)
        }
        None => "Unlink entry".to_owned(),
    };
    let mut tx = Transaction::new(label);
    if let (Some(id), Some(kind)) = (entry, alias) {
        let before = core::entry(project, id)?.clone();
        let folded = fold(&quote);
        if !before.names().any(|n| fold(n) == folded) {
            let mut after = before.clone();
            after.aliases.push(Alias {
                name: quote,
                kind,
                note: String::new(),
            });
            tx.push(Edit::update_entry(before, after));
        }
    }
    if m.entry != entry {
        let mut after = a.clone();
        if let Body::Mention(mm) = &mut after.body {
            mm.entry = entry;
        }
        tx.push(Edit::update_annotation(doc, a.clone(), after));
    }
    if tx.is_empty() {
        return Err(OpError::NoChange);
    }
    Ok(tx)
}

/// Creates a registry entry named `name` with the mention's type and links the mention to
/// it. When the mention's text differs from `name`, it is added as an alias of kind
/// `alias` (a cover name, say). Returns the transaction and the new entry's id.
pub fn create_entry_and_link(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    name: &str,
    alias: Option<AliasKind>,
) -> Result<(Transaction, EntryId), OpError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(OpError::EmptyName("an entry"));
    }
    let a = annotation(project, doc, ann)?;
    let m = a.as_mention().ok_or(OpError::not_a_mention(ann))?;
    let mut entry = Entry::new(m.type_id.clone(), name);
    let quote = m.anchor.quote.exact.trim();
    if let Some(kind) = alias
        && fold(quote) != fold(name)
        && !quote.is_empty()
    {
        entry.aliases.push(Alias {
            name: quote.to_owned(),
            kind,
            note: String::new(),
        });
    }
    let id = entry.id;
    let mut after = a.clone();
    if let Body::Mention(mm) = &mut after.body {
        mm.entry = Some(id);
    }
    let tx = Transaction::new(format!("Create entry {name}"))
        .with(Edit::add_entry(entry))
        .with(Edit::update_annotation(doc, a.clone(), after));
    Ok((tx, id))
}

/// Tags every given occurrence as `type_id`, linked to `entry` when given, in one
/// transaction. Occurrences already tagged are skipped.
pub fn tag_all(
    project: &Project,
    type_id: &Slug,
    entry: Option<EntryId>,
    hits: &[Occurrence],
) -> Result<Transaction, OpError> {
    check_entity_type(project, type_id)?;
    if let Some(id) = entry
        && !project.registry.contains_key(&id)
    {
        return Err(OpError::NoEntry(id));
    }
    let mut tx = Transaction::new(format!("Tag all as {}", project.schema.label(type_id)));
    for hit in hits.iter().filter(|h| !h.already_tagged) {
        let text = doc_text(project, hit.doc)?;
        let anchor = TextAnchor::new(text, &[hit.span])?;
        tx.push(Edit::add_annotation(
            hit.doc,
            Annotation::new(Body::Mention(Mention {
                type_id: type_id.clone(),
                anchor,
                entry,
                date: None,
            })),
        ));
    }
    if tx.is_empty() {
        return Err(OpError::NoChange);
    }
    Ok(tx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::anchor::AnchorError;
    use crate::model::{DocStatus, Document, DocumentMeta, History, Target};

    const TEXT: &str =
        "To Cde. FILIPPOV.\nMao Zedong met Filippov; Ким Ир Сен 김일성 毛泽东 スターリン.";

    fn project() -> (Project, DocId) {
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
                text: Some(SourceText::from_str_normalizing(TEXT)),
                annotations: Default::default(),
            },
        );
        (p, id)
    }

    fn pos(needle: &str) -> usize {
        let b = TEXT.find(needle).unwrap();
        TEXT[..b].chars().count()
    }

    #[test]
    fn tagging_the_same_span_with_the_same_type_is_refused_and_names_the_first() {
        let (mut p, doc) = project();
        let f = pos("FILIPPOV");
        let span = [Span::new(f, f + 8)];
        let (tx, id) = tag_mention(&p, doc, &span, &Slug::new("person")).unwrap();
        let mut h = History::default();
        h.commit(&mut p, tx).unwrap();
        let err = tag_mention(&p, doc, &span, &Slug::new("person")).unwrap_err();
        assert_eq!(
            err,
            OpError::AlreadyTagged {
                ann: id,
                quote: "FILIPPOV".into(),
                ty: "Person".into()
            }
        );
        assert_eq!(err.to_string(), "“FILIPPOV” is already tagged as Person");
        // An event over the same words as its trigger, likewise (an event type).
        let (tx, ev) =
            crate::model::ops::events::create_event(&p, doc, &Slug::new("meeting"), Some(&span))
                .unwrap();
        h.commit(&mut p, tx).unwrap();
        let again =
            crate::model::ops::events::create_event(&p, doc, &Slug::new("meeting"), Some(&span));
        assert!(
            matches!(again, Err(OpError::AlreadyTagged { ann, .. }) if ann == ev),
            "{again:?}"
        );
        // Another type, or another span, is a new annotation.
        assert!(tag_mention(&p, doc, &span, &Slug::new("place")).is_ok());
        assert!(tag_mention(&p, doc, &[Span::new(f, f + 7)], &Slug::new("person")).is_ok());
    }

    #[test]
    fn a_mention_date_and_its_certainty_are_one_undoable_step() {
        let (mut p, doc) = project();
        let f = pos("FILIPPOV");
        let (tx, id) = tag_mention(&p, doc, &[Span::new(f, f + 8)], &Slug::new("date")).unwrap();
        let mut h = History::default();
        h.commit(&mut p, tx).unwrap();
        let before = p.clone();
        let d = NormalizedDate::range("1951-07-10T12:00", "1951-07-10T18:00");
        let tx = set_mention_date(&p, doc, id, Some(d.clone()), Some(Certainty::Medium)).unwrap();
        h.commit(&mut p, tx).unwrap();
        let a = &p.documents[&doc].annotations[&id];
        assert_eq!(a.as_mention().unwrap().date, Some(d.clone()));
        assert_eq!(a.cert, Some(Certainty::Medium));
        assert_eq!(
            set_mention_date(&p, doc, id, Some(d), None),
            Err(OpError::NoChange)
        );
        assert!(matches!(
            set_mention_date(&p, doc, id, Some(NormalizedDate::when("10 July")), None),
            Err(OpError::Date(_))
        ));
        h.undo(&mut p).unwrap().unwrap();
        assert_eq!(p, before);
    }

    #[test]
    fn tag_change_respan_delete_undo() {
        let (mut p, doc) = project();
        let original = p.clone();
        let mut h = History::default();
        let f = pos("FILIPPOV");
        let (tx, id) = tag_mention(&p, doc, &[Span::new(f, f + 8)], &Slug::new("person")).unwrap();
        assert_eq!(tx.label, "Tag as Person");
        h.commit(&mut p, tx).unwrap();
        let a = &p.documents[&doc].annotations[&id];
        assert_eq!(a.anchor().unwrap().quote.exact, "FILIPPOV");

        let tx = change_type(&p, doc, id, &Slug::new("place")).unwrap();
        h.commit(&mut p, tx).unwrap();
        assert_eq!(
            p.documents[&doc].annotations[&id].type_id().as_str(),
            "place"
        );
        assert_eq!(
            change_type(&p, doc, id, &Slug::new("place")),
            Err(OpError::NoChange)
        );

        let m = pos("Mao Zedong");
        let tx = respan(
            &p,
            doc,
            id,
            &[Span::new(m, m + 3), Span::new(m + 4, m + 10)],
        )
        .unwrap();
        h.commit(&mut p, tx).unwrap();
        let an = p.documents[&doc].annotations[&id].anchor().unwrap().clone();
        assert_eq!(
            an.covered_text(p.documents[&doc].text.as_ref().unwrap()),
            "Mao Zedong"
        );
        assert_eq!(an.fragments.len(), 2);

        let tx = delete(&p, doc, id).unwrap();
        h.commit(&mut p, tx).unwrap();
        assert!(p.documents[&doc].annotations.is_empty());
        for _ in 0..4 {
            h.undo(&mut p).unwrap().unwrap();
        }
        assert_eq!(p, original);
    }

    #[test]
    fn tagging_refuses_bad_input() {
        let (p, doc) = project();
        assert_eq!(
            tag_mention(&p, doc, &[Span::new(0, 2)], &Slug::new("ship")).unwrap_err(),
            OpError::unknown_entity_type(&Slug::new("ship"))
        );
        assert!(matches!(
            tag_mention(&p, doc, &[Span::new(3, 3)], &Slug::new("person")),
            Err(OpError::Anchor(AnchorError::Empty))
        ));
        assert!(matches!(
            tag_mention(&p, doc, &[Span::new(3, 9999)], &Slug::new("person")),
            Err(OpError::Anchor(AnchorError::OutOfBounds { .. }))
        ));
    }

    #[test]
    fn link_with_cover_name_and_create_entry() {
        let (mut p, doc) = project();
        let stalin = Entry::new(Slug::new("person"), "Stalin, Joseph Vissarionovich");
        let sid = stalin.id;
        p.registry.insert(sid, stalin);
        let f = pos("FILIPPOV");
        let (tx, id) = tag_mention(&p, doc, &[Span::new(f, f + 8)], &Slug::new("person")).unwrap();
        tx.apply(&mut p).unwrap();
        let tx = link_entry(&p, doc, id, Some(sid), Some(AliasKind::CoverName)).unwrap();
        assert_eq!(tx.edits.len(), 2);
        tx.apply(&mut p).unwrap();
        assert_eq!(p.registry[&sid].aliases[0].name, "FILIPPOV");
        assert_eq!(p.registry[&sid].aliases[0].kind, AliasKind::CoverName);
        assert_eq!(
            p.documents[&doc].annotations[&id]
                .as_mention()
                .unwrap()
                .entry,
            Some(sid)
        );
        // Linking again changes nothing; an existing alias is not duplicated.
        assert_eq!(
            link_entry(&p, doc, id, Some(sid), Some(AliasKind::CoverName)),
            Err(OpError::NoChange)
        );
        let (tx, eid) =
            create_entry_and_link(&p, doc, id, "Stalin (second)", Some(AliasKind::CoverName))
                .unwrap();
        tx.apply(&mut p).unwrap();
        let e = &p.registry[&eid];
        assert_eq!(e.type_id.as_str(), "person");
        assert_eq!(e.aliases[0].name, "FILIPPOV");
        assert_eq!(
            create_entry_and_link(&p, doc, id, "  ", None).unwrap_err(),
            OpError::EmptyName("an entry")
        );
        let tx = link_entry(&p, doc, id, None, None).unwrap();
        tx.apply(&mut p).unwrap();
        assert_eq!(
            p.documents[&doc].annotations[&id]
                .as_mention()
                .unwrap()
                .entry,
            None
        );
    }

    #[test]
    fn tag_all_skips_tagged_and_undoes_in_one_step() {
        let (mut p, doc) = project();
        let person = Slug::new("person");
        let f = pos("FILIPPOV");
        let (tx, _) = tag_mention(&p, doc, &[Span::new(f, f + 8)], &person).unwrap();
        tx.apply(&mut p).unwrap();
        let before = p.clone();
        let hits = occurrences(&p, Some(doc), "Filippov", &person, FindOptions::default());
        assert_eq!(hits.len(), 2);
        assert!(hits[0].already_tagged && !hits[1].already_tagged);
        let mut h = History::default();
        let tx = tag_all(&p, &person, None, &hits).unwrap();
        h.commit(&mut p, tx).unwrap();
        assert_eq!(p.documents[&doc].annotations.len(), 2);
        h.undo(&mut p).unwrap().unwrap();
        assert_eq!(p, before);
        let again = occurrences(&p, None, "FILIPPOV", &person, FindOptions::default());
        assert_eq!(
            tag_all(&p, &person, None, &again[..1]),
            Err(OpError::NoChange)
        );
    }

    #[test]
    fn delete_cleans_up_references() {
        use crate::model::annotation::{Event, Relation};
        let (mut p, doc) = project();
        let person = Slug::new("person");
        let f = pos("FILIPPOV");
        let (tx, a) = tag_mention(&p, doc, &[Span::new(f, f + 8)], &person).unwrap();
        tx.apply(&mut p).unwrap();
        let m = pos("Mao");
        let (tx, b) = tag_mention(&p, doc, &[Span::new(m, m + 3)], &person).unwrap();
        tx.apply(&mut p).unwrap();
        let mut roles = std::collections::BTreeMap::new();
        roles.insert(
            Slug::new("recipient"),
            vec![Target::Annotation(a), Target::Annotation(b)],
        );
        let ev = Annotation::new(Body::Event(Event {
            type_id: Slug::new("communication"),
            trigger: None,
            roles,
            date: None,
        }));
        let ev_id = ev.id;
        let rel = Annotation::new(Body::Relation(Relation {
            type_id: Slug::new("alias_of"),
            from: Target::Annotation(a),
            to: Target::Annotation(b),
        }));
        let d = p.documents.get_mut(&doc).unwrap();
        d.annotations.insert(ev.id, ev);
        d.annotations.insert(rel.id, rel);
        let before = p.clone();
        let tx = delete(&p, doc, a).unwrap();
        tx.apply(&mut p).unwrap();
        let d = &p.documents[&doc];
        assert_eq!(d.annotations.len(), 2, "mention b and the event remain");
        let ev = d.annotations[&ev_id].as_event().unwrap();
        assert_eq!(
            ev.roles[&Slug::new("recipient")],
            vec![Target::Annotation(b)]
        );
        tx.invert().apply(&mut p).unwrap();
        assert_eq!(p, before);
    }
}
