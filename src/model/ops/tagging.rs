//! Tagging: the data side of the reader's actions. Each function builds a [`Transaction`]
//! for one user action (tag a span, tag every occurrence, change type, re-span, delete, link
//! to a registry entry) without changing the project; commit it through
//! `Session::commit` so it can be undone.

use crate::model::anchor::{AnchorError, Span, TextAnchor};
use crate::model::annotation::{Annotation, Body, Mention};
use crate::model::ids::{AnnId, DocId, EntryId, Slug};
use crate::model::registry::{Alias, AliasKind, Entry};
use crate::model::text::SourceText;
use crate::model::{Edit, Project, Transaction};
use thiserror::Error;

/// Why a tagging action cannot be built.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum TagError {
    #[error("document {0} is not in the project")]
    NoDocument(DocId),
    #[error("document {0} has no text to tag")]
    NoText(DocId),
    #[error(transparent)]
    Anchor(#[from] AnchorError),
    #[error("\"{0}\" is not an entity type of the schema")]
    UnknownType(Slug),
    #[error("annotation {0} is not in the document")]
    NoAnnotation(AnnId),
    #[error("annotation {0} is not a mention")]
    NotAMention(AnnId),
    #[error("registry entry {0} does not exist")]
    NoEntry(EntryId),
    #[error("an entry needs a name")]
    EmptyName,
    #[error("nothing to change")]
    NoChange,
}

/// Whether `c` belongs to a word for boundary snapping: letters, digits, combining marks,
/// and the apostrophe and hyphen inside words.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || ('\u{300}'..='\u{36f}').contains(&c)
}

/// Chinese ideographs and Japanese kana: scripts written without spaces, where every
/// character is its own snapping unit.
fn is_unspaced(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// Widens `span` to whole words and trims spaces and punctuation at its edges. A span with no
/// word character, and text in unspaced scripts, is only trimmed.
pub fn snap_to_words(text: &SourceText, span: Span) -> Span {
    let chars: Vec<char> = text.slice(0, text.len_chars()).chars().collect();
    snap_chars(&chars, span)
}

fn snap_chars(chars: &[char], span: Span) -> Span {
    let n = chars.len();
    let (mut s, mut e) = (span.start.min(n), span.end.min(n));
    if s >= e {
        return Span::new(s, s);
    }
    let word = |i: usize| is_word_char(chars[i]);
    // Trim non-word characters at both ends, unless nothing else remains.
    let (mut ts, mut te) = (s, e);
    while ts < te && !word(ts) {
        ts += 1;
    }
    while te > ts && !word(te - 1) {
        te -= 1;
    }
    if ts == te {
        return Span::new(s, e);
    }
    (s, e) = (ts, te);
    if !is_unspaced(chars[s]) {
        while s > 0 && word(s - 1) && !is_unspaced(chars[s - 1]) {
            s -= 1;
        }
    }
    if !is_unspaced(chars[e - 1]) {
        while e < n && word(e) && !is_unspaced(chars[e]) {
            e += 1;
        }
    }
    Span::new(s, e)
}

fn doc_text(project: &Project, doc: DocId) -> Result<&SourceText, TagError> {
    project
        .documents
        .get(&doc)
        .ok_or(TagError::NoDocument(doc))?
        .text
        .as_ref()
        .ok_or(TagError::NoText(doc))
}

fn annotation(project: &Project, doc: DocId, ann: AnnId) -> Result<&Annotation, TagError> {
    project
        .documents
        .get(&doc)
        .ok_or(TagError::NoDocument(doc))?
        .annotations
        .get(&ann)
        .ok_or(TagError::NoAnnotation(ann))
}

fn check_entity_type(project: &Project, type_id: &Slug) -> Result<(), TagError> {
    if project.schema.entity(type_id).is_some() {
        Ok(())
    } else {
        Err(TagError::UnknownType(type_id.clone()))
    }
}

/// Tags `spans` (one, or several for a discontinuous mention) as a mention of `type_id`.
/// Returns the transaction and the new annotation's id.
pub fn tag_mention(
    project: &Project,
    doc: DocId,
    spans: &[Span],
    type_id: &Slug,
) -> Result<(Transaction, AnnId), TagError> {
    check_entity_type(project, type_id)?;
    let text = doc_text(project, doc)?;
    let anchor = TextAnchor::new(text, spans)?;
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

/// Applies `change` to a copy of annotation `ann` and returns the edit as a transaction.
pub fn update(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    label: &str,
    change: impl FnOnce(&mut Annotation),
) -> Result<Transaction, TagError> {
    let before = annotation(project, doc, ann)?.clone();
    let mut after = before.clone();
    change(&mut after);
    if after == before {
        return Err(TagError::NoChange);
    }
    Ok(Transaction::new(label).with(Edit::update_annotation(doc, before, after)))
}

/// Changes the type of a mention, event or relation.
pub fn change_type(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    type_id: &Slug,
) -> Result<Transaction, TagError> {
    if project.schema.kind_of(type_id).is_none() {
        return Err(TagError::UnknownType(type_id.clone()));
    }
    let label = format!("Change type to {}", project.schema.label(type_id));
    update(project, doc, ann, &label, |a| {
        a.set_type_id(type_id.clone())
    })
}

/// Moves a mention (or an event's trigger) to new spans.
pub fn respan(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    spans: &[Span],
) -> Result<Transaction, TagError> {
    let text = doc_text(project, doc)?;
    let anchor = TextAnchor::new(text, spans)?;
    let a = annotation(project, doc, ann)?;
    if a.anchor().is_none() {
        return Err(TagError::NotAMention(ann));
    }
    update(project, doc, ann, "Change span", |a| {
        if let Some(an) = a.anchor_mut() {
            *an = anchor;
        }
    })
}

/// Deletes an annotation and what would dangle without it (see
/// [`super::events::delete_annotation`]): role fillers naming it are dropped, relations with
/// it as an argument are deleted.
pub fn delete(project: &Project, doc: DocId, ann: AnnId) -> Result<Transaction, TagError> {
    annotation(project, doc, ann)?;
    super::events::delete_annotation(project, doc, ann).map_err(|_| TagError::NoAnnotation(ann))
}

/// Links a mention to a registry entry (`None` unlinks). With `alias`, the mention's text is
/// also added to the entry as that kind of alias when the entry has no such name yet.
pub fn link_entry(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    entry: Option<EntryId>,
    alias: Option<AliasKind>,
) -> Result<Transaction, TagError> {
    let a = annotation(project, doc, ann)?;
    let m = a.as_mention().ok_or(TagError::NotAMention(ann))?;
    let quote = m.anchor.quote.exact.clone();
    let label = match entry {
        Some(id) => {
            let e = project.registry.get(&id).ok_or(TagError::NoEntry(id))?;
            format!("Link to {}", e.name)
        }
        None => "Unlink entry".to_owned(),
    };
    let mut tx = Transaction::new(label);
    if let (Some(id), Some(kind)) = (entry, alias) {
        let before = project.registry[&id].clone();
        let folded = crate::model::registry::fold(&quote);
        if !before
            .names()
            .any(|n| crate::model::registry::fold(n) == folded)
        {
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
        return Err(TagError::NoChange);
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
) -> Result<(Transaction, EntryId), TagError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(TagError::EmptyName);
    }
    let a = annotation(project, doc, ann)?;
    let m = a.as_mention().ok_or(TagError::NotAMention(ann))?;
    let mut entry = Entry::new(m.type_id.clone(), name);
    let quote = m.anchor.quote.exact.trim();
    if let Some(kind) = alias
        && crate::model::registry::fold(quote) != crate::model::registry::fold(name)
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

/// How to match text when finding occurrences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FindOptions {
    pub case_sensitive: bool,
    /// Only hits that start and end at word boundaries.
    pub whole_words: bool,
}

impl Default for FindOptions {
    fn default() -> Self {
        Self {
            case_sensitive: false,
            whole_words: true,
        }
    }
}

fn fold_char(c: char, case_sensitive: bool) -> char {
    if case_sensitive {
        c
    } else {
        // One code point in, one out, so offsets stay put.
        let mut l = c.to_lowercase();
        match (l.next(), l.next()) {
            (Some(x), None) => x,
            _ => c,
        }
    }
}

/// Every occurrence of `needle` in `text`, as code-point spans, in order, non-overlapping.
pub fn find_occurrences(text: &SourceText, needle: &str, opts: FindOptions) -> Vec<Span> {
    let needle: Vec<char> = needle
        .chars()
        .map(|c| fold_char(c, opts.case_sensitive))
        .collect();
    if needle.is_empty() {
        return Vec::new();
    }
    let hay: Vec<char> = text
        .as_str()
        .chars()
        .map(|c| fold_char(c, opts.case_sensitive))
        .collect();
    let m = needle.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i + m <= hay.len() {
        if hay[i] == needle[0] && hay[i..i + m] == needle[..] {
            let ok = !opts.whole_words
                || ((i == 0
                    || !is_word_char(hay[i - 1])
                    || is_unspaced(hay[i - 1])
                    || is_unspaced(hay[i]))
                    && (i + m == hay.len()
                        || !is_word_char(hay[i + m])
                        || is_unspaced(hay[i + m])
                        || is_unspaced(hay[i + m - 1])));
            if ok {
                out.push(Span::new(i, i + m));
                i += m;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// One place "tag all occurrences" proposes to tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub doc: DocId,
    pub span: Span,
    /// A mention of the same type already covers exactly this span.
    pub already_tagged: bool,
}

/// Occurrences of `needle` in one document (`Some(doc)`) or the whole project, for review
/// before [`tag_all`].
pub fn occurrences(
    project: &Project,
    doc: Option<DocId>,
    needle: &str,
    type_id: &Slug,
    opts: FindOptions,
) -> Vec<Occurrence> {
    let mut out = Vec::new();
    for d in project.documents.values() {
        if doc.is_some_and(|id| id != d.id()) {
            continue;
        }
        let Some(text) = &d.text else { continue };
        for span in find_occurrences(text, needle, opts) {
            let already_tagged = d.annotations.values().any(|a| {
                a.as_mention()
                    .is_some_and(|m| &m.type_id == type_id && m.anchor.fragments == [span])
            });
            out.push(Occurrence {
                doc: d.id(),
                span,
                already_tagged,
            });
        }
    }
    out
}

/// Tags every given occurrence as `type_id`, linked to `entry` when given, in one
/// transaction. Occurrences already tagged are skipped.
pub fn tag_all(
    project: &Project,
    type_id: &Slug,
    entry: Option<EntryId>,
    hits: &[Occurrence],
) -> Result<Transaction, TagError> {
    check_entity_type(project, type_id)?;
    if let Some(id) = entry
        && !project.registry.contains_key(&id)
    {
        return Err(TagError::NoEntry(id));
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
        return Err(TagError::NoChange);
    }
    Ok(tx)
}

#[cfg(test)]
mod tests {
    use super::*;
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
    fn snapping_widens_to_words_and_trims() {
        let t = SourceText::from_str_normalizing(TEXT);
        let f = pos("FILIPPOV");
        // "LIPP" → "FILIPPOV"
        assert_eq!(
            snap_to_words(&t, Span::new(f + 2, f + 6)),
            Span::new(f, f + 8)
        );
        // " FILIPPOV." → "FILIPPOV"
        assert_eq!(
            snap_to_words(&t, Span::new(f - 1, f + 9)),
            Span::new(f, f + 8)
        );
        let k = pos("Ир");
        assert_eq!(snap_to_words(&t, Span::new(k, k + 1)), Span::new(k, k + 2));
        let h = pos("김일성");
        assert_eq!(
            snap_to_words(&t, Span::new(h + 1, h + 2)),
            Span::new(h, h + 3)
        );
        // Unspaced scripts: only the selected characters.
        let m = pos("泽东");
        assert_eq!(snap_to_words(&t, Span::new(m, m + 2)), Span::new(m, m + 2));
        // Only punctuation: left as selected.
        let dot = pos(".\nMao");
        assert_eq!(
            snap_to_words(&t, Span::new(dot, dot + 1)),
            Span::new(dot, dot + 1)
        );
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
            Err(TagError::NoChange)
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
            TagError::UnknownType(Slug::new("ship"))
        );
        assert!(matches!(
            tag_mention(&p, doc, &[Span::new(3, 3)], &Slug::new("person")),
            Err(TagError::Anchor(AnchorError::Empty))
        ));
        assert!(matches!(
            tag_mention(&p, doc, &[Span::new(3, 9999)], &Slug::new("person")),
            Err(TagError::Anchor(AnchorError::OutOfBounds { .. }))
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
            Err(TagError::NoChange)
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
            TagError::EmptyName
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
    fn find_respects_case_and_words() {
        let t = SourceText::from_str_normalizing(TEXT);
        let hits = find_occurrences(&t, "filippov", FindOptions::default());
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0], Span::new(pos("FILIPPOV"), pos("FILIPPOV") + 8));
        let exact = FindOptions {
            case_sensitive: true,
            whole_words: true,
        };
        assert_eq!(find_occurrences(&t, "Filippov", exact).len(), 1);
        assert!(find_occurrences(&t, "ilippo", FindOptions::default()).is_empty());
        let loose = FindOptions {
            case_sensitive: false,
            whole_words: false,
        };
        assert_eq!(find_occurrences(&t, "ilippo", loose).len(), 2);
        // Unspaced scripts match inside runs.
        assert_eq!(
            find_occurrences(&t, "泽东", FindOptions::default()).len(),
            1
        );
        assert_eq!(
            find_occurrences(&t, "김일성", FindOptions::default()).len(),
            1
        );
        assert!(find_occurrences(&t, "", FindOptions::default()).is_empty());
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
            Err(TagError::NoChange)
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
