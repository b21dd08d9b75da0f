//! The registry: creating and editing entries, aliases and authority ids, merging two
//! entries that are one, splitting one that is two; searching, sorting and filtering it;
//! and the data of an entry's page.

use super::core::{self, rewrite};
use super::error::OpError;
use crate::model::annotation::{Annotation, Body, Target};
use crate::model::edit::{Edit, Transaction};
use crate::model::ids::{AnnId, DocId, EntryId, Slug};
use crate::model::project::Project;
use crate::model::registry::{Alias, AliasKind, Authority, AuthorityId, Entry};

pub use crate::model::query::registry::{
    AliasRow, AuthorityRow, DocMentions, EntryPage, EventRow, MentionRow, RegistryQuery,
    RegistryRow, RelationRow, SortBy, entry_page, query, query_counted,
};
use std::collections::BTreeSet;

/// Former name of [`OpError`] for registry actions.
pub type RegistryError = OpError;

fn entry_of(project: &Project, id: EntryId) -> Result<&Entry, OpError> {
    core::entry(project, id)
}

fn name_of(name: &str) -> Result<String, OpError> {
    let n = name.trim();
    if n.is_empty() {
        Err(OpError::EmptyName("an entry"))
    } else {
        Ok(n.to_owned())
    }
}

fn update_tx(label: String, before: &Entry, after: Entry) -> Transaction {
    let mut tx = Transaction::new(label);
    if after != *before {
        tx.push(Edit::update_entry(before.clone(), after));
    }
    tx
}

/// A new entry of entity type `type_id` named `name`; returns its id.
pub fn create_entry(
    project: &Project,
    type_id: &Slug,
    name: &str,
) -> Result<(Transaction, EntryId), OpError> {
    if project.schema.entity(type_id).is_none() {
        return Err(OpError::unknown_entity_type(type_id));
    }
    let name = name_of(name)?;
    let entry = Entry::new(type_id.clone(), name.clone());
    let id = entry.id;
    let tx = Transaction::new(format!("New entry {name}")).with(Edit::add_entry(entry));
    Ok((tx, id))
}

/// Renames an entry. With `keep_old_as_alias`, the old name stays as a variant alias.
pub fn rename_entry(
    project: &Project,
    id: EntryId,
    name: &str,
    keep_old_as_alias: bool,
) -> Result<Transaction, OpError> {
    let e = entry_of(project, id)?;
    let name = name_of(name)?;
    let mut after = e.clone();
    let old = std::mem::replace(&mut after.name, name.clone());
    after
        .aliases
        .retain(|a| a.name != name || a.kind != AliasKind::Variant);
    if keep_old_as_alias && old != name && !after.aliases.iter().any(|a| a.name == old) {
        after.aliases.push(Alias {
            name: old.clone(),
            kind: AliasKind::Variant,
            note: String::new(),
        });
    }
    Ok(update_tx(format!("Rename {old} to {name}"), e, after))
}

/// Sets an entry's note.
pub fn set_entry_note(project: &Project, id: EntryId, note: &str) -> Result<Transaction, OpError> {
    let e = entry_of(project, id)?;
    let mut after = e.clone();
    after.note = note.to_owned();
    Ok(update_tx(format!("Edit note of {}", e.name), e, after))
}

/// Sets where an entry (a place) is, in decimal degrees, or clears it with `None`;
/// refused outside latitude −90…90 and longitude −180…180.
pub fn set_coordinates(
    project: &Project,
    id: EntryId,
    at: Option<crate::model::registry::Coordinates>,
) -> Result<Transaction, OpError> {
    let e = entry_of(project, id)?;
    if let Some(c) = at
        && !((-90.0..=90.0).contains(&c.lat) && (-180.0..=180.0).contains(&c.lon))
    {
        return Err(OpError::BadCoordinates {
            lat: c.lat.to_string(),
            lon: c.lon.to_string(),
        });
    }
    if e.coordinates == at {
        return Err(OpError::NoChange);
    }
    let mut after = e.clone();
    after.coordinates = at;
    Ok(update_tx(format!("Place {}", e.name), e, after))
}

/// Changes an entry's entity type, and the type of every mention linked to it that had the
/// entry's old type; refused if a role or relation those mentions fill would not take it.
pub fn set_entry_type(
    project: &Project,
    id: EntryId,
    type_id: &Slug,
) -> Result<Transaction, OpError> {
    let e = entry_of(project, id)?;
    if project.schema.entity(type_id).is_none() {
        return Err(OpError::unknown_entity_type(type_id));
    }
    let old = e.type_id.clone();
    let mut after = e.clone();
    after.type_id = type_id.clone();
    let mut tx = update_tx(
        format!("Make {} a {}", e.name, project.schema.label(type_id)),
        e,
        after,
    );
    // One pass: the documents that name the entry; only there can anything change or break.
    let scope: BTreeSet<DocId> = project
        .documents
        .values()
        .filter(|d| {
            d.annotations
                .values()
                .any(|a| a.points_at(|t| *t == Target::Entry(id)))
        })
        .map(|d| d.id())
        .collect();
    tx.edits.extend(rewrite(
        project,
        BTreeSet::new(),
        &BTreeSet::new(),
        Some(&scope),
        |a| a.as_mention().is_some_and(|m| m.entry == Some(id)),
        |_, a| {
            if let Body::Mention(m) = &mut a.body
                && m.entry == Some(id)
                && m.type_id == old
            {
                m.type_id = type_id.clone();
            }
        },
    ));
    core::refuse_new_errors_in(project, &tx, Some(&scope))?;
    Ok(tx)
}

/// Adds an alias; refused when the entry already has that name with that kind, or it is
/// the entry's own name.
pub fn add_alias(
    project: &Project,
    id: EntryId,
    name: &str,
    kind: AliasKind,
    note: &str,
) -> Result<Transaction, OpError> {
    let e = entry_of(project, id)?;
    let name = name_of(name)?;
    if e.name == name {
        return Err(OpError::DuplicateAlias {
            entry: e.name.clone(),
            name,
            kind: "its canonical name".into(),
        });
    }
    if e.aliases.iter().any(|a| a.name == name && a.kind == kind) {
        return Err(OpError::DuplicateAlias {
            entry: e.name.clone(),
            name,
            kind: kind.label().to_lowercase(),
        });
    }
    let mut after = e.clone();
    after.aliases.push(Alias {
        name: name.clone(),
        kind,
        note: note.to_owned(),
    });
    Ok(update_tx(format!("Add alias {name}"), e, after))
}

/// Replaces alias number `index` (its name, kind and note).
pub fn edit_alias(
    project: &Project,
    id: EntryId,
    index: usize,
    alias: Alias,
) -> Result<Transaction, OpError> {
    let e = entry_of(project, id)?;
    if index >= e.aliases.len() {
        return Err(OpError::NoItem {
            entry: e.name.clone(),
            what: "alias",
            index,
        });
    }
    let name = name_of(&alias.name)?;
    if e.name == name
        || e.aliases
            .iter()
            .enumerate()
            .any(|(i, a)| i != index && a.name == name && a.kind == alias.kind)
    {
        return Err(OpError::DuplicateAlias {
            entry: e.name.clone(),
            name,
            kind: alias.kind.label().to_lowercase(),
        });
    }
    let mut after = e.clone();
    after.aliases[index] = Alias { name, ..alias };
    Ok(update_tx(format!("Edit alias of {}", e.name), e, after))
}

/// Removes alias number `index`.
pub fn remove_alias(project: &Project, id: EntryId, index: usize) -> Result<Transaction, OpError> {
    let e = entry_of(project, id)?;
    if index >= e.aliases.len() {
        return Err(OpError::NoItem {
            entry: e.name.clone(),
            what: "alias",
            index,
        });
    }
    let mut after = e.clone();
    let gone = after.aliases.remove(index);
    Ok(update_tx(format!("Remove alias {}", gone.name), e, after))
}

/// What ids of a scheme look like, and whether `s` is one.
fn authority_shape(scheme: &Authority, s: &str) -> Result<(), &'static str> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let ok = match scheme {
        Authority::Wikidata => s.strip_prefix('Q').is_some_and(digits),
        Authority::Viaf | Authority::GeoNames => digits(s),
        Authority::Gnd => {
            s.starts_with(|c: char| c.is_ascii_digit())
                && s.bytes()
                    .all(|b| b.is_ascii_digit() || b == b'-' || b == b'X')
        }
        Authority::Lcnaf => {
            let letters = s.bytes().take_while(u8::is_ascii_lowercase).count();
            (1..=3).contains(&letters) && digits(&s[letters..])
        }
        Authority::Other(_) => !s.is_empty() && !s.contains(char::is_whitespace),
    };
    if ok {
        return Ok(());
    }
    Err(match scheme {
        Authority::Wikidata => "Q followed by digits, e.g. Q855",
        Authority::Viaf => "digits, e.g. 101787139",
        Authority::GeoNames => "digits, e.g. 1835848",
        Authority::Gnd => "digits, hyphens or X, e.g. 118642618",
        Authority::Lcnaf => "a letter prefix and digits, e.g. n79021164",
        Authority::Other(_) => "an id without spaces",
    })
}

/// Reads an authority id typed or pasted by the user: the bare id ("Q855", "q855") or a
/// URL of the scheme ("https://www.wikidata.org/wiki/Q855").
pub fn parse_authority(scheme: Authority, input: &str) -> Result<AuthorityId, OpError> {
    let raw = input.trim();
    let norm = |s: &str| match scheme {
        Authority::Wikidata => s.to_ascii_uppercase(),
        Authority::Lcnaf => s.to_ascii_lowercase(),
        _ => s.to_owned(),
    };
    let candidate = if raw.contains("://") {
        raw.split(['/', '?', '#'])
            .skip(3)
            .map(norm)
            .find(|seg| authority_shape(&scheme, seg).is_ok())
    } else {
        Some(norm(raw))
    };
    match candidate {
        Some(id) if authority_shape(&scheme, &id).is_ok() => Ok(AuthorityId { scheme, id }),
        _ => Err(OpError::BadAuthorityId {
            scheme: scheme.as_str().to_owned(),
            id: raw.to_owned(),
            expected: authority_shape(&scheme, "").err().unwrap_or("an id"),
        }),
    }
}

/// Adds an authority id, typed or pasted as a URL (see [`parse_authority`]).
pub fn add_authority(
    project: &Project,
    id: EntryId,
    scheme: Authority,
    input: &str,
) -> Result<Transaction, OpError> {
    let e = entry_of(project, id)?;
    let auth = parse_authority(scheme, input)?;
    if e.authority.contains(&auth) {
        return Err(OpError::DuplicateAuthority {
            entry: e.name.clone(),
            scheme: auth.scheme.as_str().to_owned(),
            id: auth.id,
        });
    }
    let mut after = e.clone();
    let label = format!("Add {} {} to {}", auth.scheme.as_str(), auth.id, e.name);
    after.authority.push(auth);
    Ok(update_tx(label, e, after))
}

/// Removes authority id number `index`.
pub fn remove_authority(
    project: &Project,
    id: EntryId,
    index: usize,
) -> Result<Transaction, OpError> {
    let e = entry_of(project, id)?;
    if index >= e.authority.len() {
        return Err(OpError::NoItem {
            entry: e.name.clone(),
            what: "authority id",
            index,
        });
    }
    let mut after = e.clone();
    after.authority.remove(index);
    Ok(update_tx(
        format!("Remove authority id of {}", e.name),
        e,
        after,
    ))
}

/// Deletes an entry: its mentions stay but are unlinked, role fillers naming it are dropped
/// and relations with it as an argument are deleted.
pub fn delete_entry(project: &Project, id: EntryId) -> Result<Transaction, OpError> {
    let e = entry_of(project, id)?;
    let edits = rewrite(
        project,
        BTreeSet::new(),
        &BTreeSet::from([id]),
        None,
        |_| false,
        |_, _| {},
    );
    Ok(Transaction {
        label: format!("Delete entry {}", e.name),
        edits,
    })
}

/// What a merge moved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeSummary {
    pub mentions: usize,
    pub aliases: usize,
    pub authority: usize,
    /// Events and relations that named the absorbed entry directly.
    pub retargeted: usize,
    /// Relations between the two entries, deleted because they would link an entry to itself.
    pub relations_deleted: usize,
}

/// Merges `absorb` into `keep` (same entity type): `absorb`'s name becomes a variant alias
/// of `keep`, its aliases, authority ids and note move over, its mentions link to `keep`,
/// and events and relations naming it name `keep`. Relations between the two are deleted.
/// `absorb` is removed.
pub fn merge_entries(
    project: &Project,
    keep: EntryId,
    absorb: EntryId,
) -> Result<(Transaction, MergeSummary), OpError> {
    if keep == absorb {
        return Err(OpError::SameEntry);
    }
    let k = entry_of(project, keep)?;
    let a = entry_of(project, absorb)?;
    if k.type_id != a.type_id {
        return Err(OpError::TypesDiffer {
            keep: k.name.clone(),
            keep_type: project.schema.label(&k.type_id).to_owned(),
            absorb: a.name.clone(),
            absorb_type: project.schema.label(&a.type_id).to_owned(),
        });
    }
    let mut summary = MergeSummary::default();
    let mut merged = k.clone();
    let incoming = std::iter::once(Alias {
        name: a.name.clone(),
        kind: AliasKind::Variant,
        note: String::new(),
    })
    .chain(a.aliases.iter().cloned());
    for alias in incoming {
        if alias.name == merged.name && alias.note.is_empty() {
            continue;
        }
        match merged
            .aliases
            .iter_mut()
            .find(|x| x.name == alias.name && x.kind == alias.kind)
        {
            Some(x) if x.note == alias.note || alias.note.is_empty() => {}
            Some(x) if x.note.is_empty() => x.note = alias.note,
            Some(x) => x.note = format!("{}; {}", x.note, alias.note),
            None => {
                merged.aliases.push(alias);
                summary.aliases += 1;
            }
        }
    }
    for auth in &a.authority {
        if !merged.authority.contains(auth) {
            merged.authority.push(auth.clone());
            summary.authority += 1;
        }
    }
    if !a.note.is_empty() && a.note != merged.note {
        merged.note = if merged.note.is_empty() {
            a.note.clone()
        } else {
            format!("{}\n\n{}", merged.note, a.note)
        };
    }
    // Coordinates: the kept entry's win; different ones of the absorbed entry go to the note.
    match (merged.coordinates, a.coordinates) {
        (None, Some(c)) => merged.coordinates = Some(c),
        (Some(x), Some(c)) if x != c => {
            let line = format!("Coordinates of \"{}\": {}, {}", a.name, c.lat, c.lon);
            merged.note = if merged.note.is_empty() {
                line
            } else {
                format!("{}\n\n{line}", merged.note)
            };
        }
        _ => {}
    }
    // One pass over the project: the documents that name `absorb`, and the relations
    // between the two entries.
    let pair = [Target::Entry(keep), Target::Entry(absorb)];
    let mut doomed = BTreeSet::new();
    let mut scope = BTreeSet::new();
    for doc in project.documents.values() {
        for ann in doc.annotations.values() {
            if !ann.points_at(|t| *t == Target::Entry(absorb)) {
                continue;
            }
            scope.insert(doc.id());
            if let Some(r) = ann.as_relation()
                && pair.contains(&r.from)
                && pair.contains(&r.to)
            {
                doomed.insert((doc.id(), ann.id));
            }
        }
    }
    summary.relations_deleted = doomed.len();
    let retarget = |t: &mut Target| {
        if *t == Target::Entry(absorb) {
            *t = Target::Entry(keep);
        }
    };
    let mut tx = Transaction::new(format!("Merge {} into {}", a.name, k.name));
    tx.push(Edit::update_entry(k.clone(), merged));
    let edits = rewrite(
        project,
        doomed,
        &BTreeSet::from([absorb]),
        Some(&scope),
        |ann| ann.points_at(|t| *t == Target::Entry(absorb)),
        |_, ann| match &mut ann.body {
            Body::Mention(m) => {
                if m.entry == Some(absorb) {
                    m.entry = Some(keep);
                    summary.mentions += 1;
                }
            }
            Body::Event(e) => {
                let before = e.roles.clone();
                for fillers in e.roles.values_mut() {
                    fillers.iter_mut().for_each(retarget);
                    let mut seen = BTreeSet::new();
                    fillers.retain(|t| seen.insert(*t));
                }
                if e.roles != before {
                    summary.retargeted += 1;
                }
            }
            Body::Relation(r) => {
                if r.from == Target::Entry(absorb) || r.to == Target::Entry(absorb) {
                    retarget(&mut r.from);
                    retarget(&mut r.to);
                    summary.retargeted += 1;
                }
            }
        },
    );
    tx.edits.extend(edits);
    Ok((tx, summary))
}

/// What to move out of an entry into a new one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Split {
    /// The new entry's name.
    pub name: String,
    /// Mentions linked to the entry to link to the new one instead.
    pub mentions: Vec<(DocId, AnnId)>,
    /// Indexes of aliases to move.
    pub aliases: Vec<usize>,
    /// Indexes of authority ids to move.
    pub authority: Vec<usize>,
}

/// Splits `source`: a new entry of the same type named `split.name` takes the chosen
/// mentions, aliases and authority ids. Events and relations naming `source` directly stay
/// with it. Returns the new entry's id.
pub fn split_entry(
    project: &Project,
    source: EntryId,
    split: &Split,
) -> Result<(Transaction, EntryId), OpError> {
    let s = entry_of(project, source)?;
    let name = name_of(&split.name)?;
    if split.mentions.is_empty() && split.aliases.is_empty() && split.authority.is_empty() {
        return Err(OpError::NothingToSplit);
    }
    if let Some(&index) = split.aliases.iter().find(|&&i| i >= s.aliases.len()) {
        return Err(OpError::NoItem {
            entry: s.name.clone(),
            what: "alias",
            index,
        });
    }
    if let Some(&index) = split.authority.iter().find(|&&i| i >= s.authority.len()) {
        return Err(OpError::NoItem {
            entry: s.name.clone(),
            what: "authority id",
            index,
        });
    }
    let mut moved = BTreeSet::new();
    for &(doc, ann) in &split.mentions {
        let linked = project
            .annotation(doc, ann)
            .and_then(Annotation::as_mention)
            .is_some_and(|m| m.entry == Some(source));
        if !linked {
            return Err(OpError::MentionNotOfEntry(ann));
        }
        moved.insert((doc, ann));
    }
    let mut new = Entry::new(s.type_id.clone(), name.clone());
    let mut rest = s.clone();
    let aliases: BTreeSet<usize> = split.aliases.iter().copied().collect();
    let auths: BTreeSet<usize> = split.authority.iter().copied().collect();
    new.aliases = s
        .aliases
        .iter()
        .enumerate()
        .filter(|(i, a)| aliases.contains(i) && a.name != name)
        .map(|(_, a)| a.clone())
        .collect();
    // An alias chosen as the new name moves as the name itself, not lost.
    rest.aliases = s
        .aliases
        .iter()
        .enumerate()
        .filter(|(i, _)| !aliases.contains(i))
        .map(|(_, a)| a.clone())
        .collect();
    new.authority = auths.iter().map(|&i| s.authority[i].clone()).collect();
    rest.authority = s
        .authority
        .iter()
        .enumerate()
        .filter(|(i, _)| !auths.contains(i))
        .map(|(_, a)| a.clone())
        .collect();
    let new_id = new.id;
    let mut tx = Transaction::new(format!("Split {name} from {}", s.name));
    tx.push(Edit::add_entry(new));
    if rest != *s {
        tx.push(Edit::update_entry(s.clone(), rest));
    }
    for &(doc, ann) in &moved {
        if let Some(a) = project.annotation(doc, ann) {
            let mut after = a.clone();
            if let Body::Mention(m) = &mut after.body {
                m.entry = Some(new_id);
            }
            tx.push(Edit::update_annotation(doc, a.clone(), after));
        }
    }
    Ok((tx, new_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ops::events::tests::{
        apply, commit_and_check_undo, errors, fixture, mention,
    };
    use crate::model::ops::events::{add_filler, create_event, create_relation};

    fn link(p: &mut Project, doc: DocId, ann: AnnId, entry: EntryId) {
        let a = p
            .documents
            .get_mut(&doc)
            .unwrap()
            .annotations
            .get_mut(&ann)
            .unwrap();
        if let Body::Mention(m) = &mut a.body {
            m.entry = Some(entry);
        }
    }

    fn entry(p: &mut Project, ty: &str, name: &str) -> EntryId {
        let (tx, id) = create_entry(p, &ty.into(), name).unwrap();
        apply(p, tx);
        id
    }

    #[test]
    fn create_and_edit_entries() {
        let (mut p, _) = fixture();
        let (tx, mao) = create_entry(&p, &"person".into(), "  Mao Zedong ").unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(p.registry[&mao].name, "Mao Zedong");
        assert_eq!(
            create_entry(&p, &"meeting".into(), "x").unwrap_err(),
            OpError::unknown_entity_type(&"meeting".into())
        );
        assert_eq!(
            create_entry(&p, &"person".into(), " ").unwrap_err(),
            OpError::EmptyName("an entry")
        );
        let tx = add_alias(&p, mao, "Mao Tse-tung", AliasKind::Transliteration, "").unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(matches!(
            add_alias(&p, mao, "Mao Tse-tung", AliasKind::Transliteration, ""),
            Err(OpError::DuplicateAlias { .. })
        ));
        assert!(matches!(
            add_alias(&p, mao, "Mao Zedong", AliasKind::Variant, ""),
            Err(OpError::DuplicateAlias { .. })
        ));
        let tx = edit_alias(
            &p,
            mao,
            0,
            Alias {
                name: "Mao Tse-tung".into(),
                kind: AliasKind::Transliteration,
                note: "Wade–Giles".into(),
            },
        )
        .unwrap();
        commit_and_check_undo(&mut p, tx);
        let tx = rename_entry(&p, mao, "Mao, Zedong", true).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(p.registry[&mao].aliases[1].name, "Mao Zedong");
        let tx = remove_alias(&p, mao, 1).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(matches!(
            remove_alias(&p, mao, 5),
            Err(OpError::NoItem { index: 5, .. })
        ));
        let tx = set_entry_note(&p, mao, "Chairman of the CPC").unwrap();
        commit_and_check_undo(&mut p, tx);
    }

    #[test]
    fn authority_ids_typed_or_pasted() {
        let (mut p, _) = fixture();
        let stalin = entry(&mut p, "person", "Stalin");
        let tx = add_authority(&p, stalin, Authority::Wikidata, "q855").unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(matches!(
            add_authority(
                &p,
                stalin,
                Authority::Wikidata,
                "https://www.wikidata.org/wiki/Q855"
            ),
            Err(OpError::DuplicateAuthority { .. })
        ));
        let tx = add_authority(
            &p,
            stalin,
            Authority::Viaf,
            "https://viaf.org/viaf/101787139/",
        )
        .unwrap();
        commit_and_check_undo(&mut p, tx);
        let a = &p.registry[&stalin].authority;
        assert_eq!(a[0].id, "Q855");
        assert_eq!(a[1].id, "101787139");
        assert_eq!(
            parse_authority(
                Authority::GeoNames,
                "https://www.geonames.org/1835848/seoul.html"
            )
            .unwrap()
            .id,
            "1835848"
        );
        assert_eq!(
            parse_authority(Authority::Lcnaf, "N79021164").unwrap().id,
            "n79021164"
        );
        let err = add_authority(&p, stalin, Authority::Wikidata, "Stalin").unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"Stalin\" is not a wikidata id; expected Q followed by digits, e.g. Q855"
        );
        assert!(parse_authority(Authority::Viaf, "12a").is_err());
        assert!(parse_authority(Authority::Gnd, "118642618").is_ok());
        let tx = remove_authority(&p, stalin, 0).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(p.registry[&stalin].authority.len(), 1);
    }

    #[test]
    fn coordinates_are_set_checked_and_cleared() {
        use crate::model::registry::Coordinates;
        let (mut p, _) = fixture();
        let kaesong = entry(&mut p, "place", "Kaesong");
        let at = Coordinates {
            lat: 37.97,
            lon: 126.55,
        };
        let tx = set_coordinates(&p, kaesong, Some(at)).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(p.registry[&kaesong].coordinates, Some(at));
        let swapped = Coordinates {
            lat: 126.55,
            lon: 37.97,
        };
        assert!(matches!(
            set_coordinates(&p, kaesong, Some(swapped)),
            Err(OpError::BadCoordinates { .. })
        ));
        assert_eq!(
            set_coordinates(&p, kaesong, Some(at)),
            Err(OpError::NoChange)
        );
        let tx = set_coordinates(&p, kaesong, None).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(p.registry[&kaesong].coordinates, None);
    }

    #[test]
    fn merge_keeps_both_entries_coordinates() {
        use crate::model::registry::Coordinates;
        let (mut p, _) = fixture();
        let a = entry(&mut p, "place", "Kaesong");
        let b = entry(&mut p, "place", "Kaesŏng");
        let c = entry(&mut p, "place", "Gaeseong");
        let here = Coordinates {
            lat: 37.97,
            lon: 126.55,
        };
        let there = Coordinates {
            lat: 38.0,
            lon: 126.5,
        };
        p.registry.get_mut(&b).unwrap().coordinates = Some(here);
        let (tx, _) = merge_entries(&p, a, b).unwrap();
        apply(&mut p, tx);
        assert_eq!(p.registry[&a].coordinates, Some(here));
        p.registry.get_mut(&c).unwrap().coordinates = Some(there);
        let (tx, _) = merge_entries(&p, a, c).unwrap();
        apply(&mut p, tx);
        assert_eq!(p.registry[&a].coordinates, Some(here));
        assert!(
            p.registry[&a]
                .note
                .contains("Coordinates of \"Gaeseong\": 38, 126.5")
        );
    }

    #[test]
    fn merge_moves_everything_and_undoes() {
        let (mut p, doc) = fixture();
        let m1 = mention(&mut p, doc, "person", "Mao");
        let m2 = mention(&mut p, doc, "person", "Li Kenong");
        let stalin = entry(&mut p, "person", "Stalin, Joseph");
        let filippov = entry(&mut p, "person", "Filippov");
        let tx = add_alias(
            &p,
            filippov,
            "Fyn Si",
            AliasKind::CoverName,
            "in Chinese cables",
        )
        .unwrap();
        apply(&mut p, tx);
        let tx = add_authority(&p, filippov, Authority::Wikidata, "Q855").unwrap();
        apply(&mut p, tx);
        let tx = set_entry_note(&p, filippov, "cover name").unwrap();
        apply(&mut p, tx);
        link(&mut p, doc, m1, filippov);
        link(&mut p, doc, m2, stalin);
        let (tx, comm) = create_event(&p, doc, &"communication".into(), None).unwrap();
        apply(&mut p, tx);
        let tx = add_filler(&p, doc, comm, &"sender".into(), Target::Annotation(m2)).unwrap();
        apply(&mut p, tx);
        for t in [Target::Entry(filippov), Target::Entry(stalin)] {
            let tx = add_filler(&p, doc, comm, &"recipient".into(), t).unwrap();
            apply(&mut p, tx);
        }
        let (tx, alias_rel) = create_relation(
            &p,
            doc,
            &"alias_of".into(),
            Target::Entry(filippov),
            Target::Entry(stalin),
        )
        .unwrap();
        apply(&mut p, tx);
        let (tx, kept_rel) = create_relation(
            &p,
            doc,
            &"subordinate_of".into(),
            Target::Annotation(m2),
            Target::Entry(filippov),
        )
        .unwrap();
        apply(&mut p, tx);
        assert_eq!(
            merge_entries(&p, stalin, stalin).unwrap_err(),
            OpError::SameEntry
        );
        let (tx, summary) = merge_entries(&p, stalin, filippov).unwrap();
        assert_eq!(
            summary,
            MergeSummary {
                mentions: 1,
                aliases: 2,
                authority: 1,
                retargeted: 2,
                relations_deleted: 1
            }
        );
        commit_and_check_undo(&mut p, tx);
        assert!(!p.registry.contains_key(&filippov));
        let s = &p.registry[&stalin];
        let names: Vec<(&str, AliasKind)> = s
            .aliases
            .iter()
            .map(|a| (a.name.as_str(), a.kind))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Filippov", AliasKind::Variant),
                ("Fyn Si", AliasKind::CoverName)
            ]
        );
        assert_eq!(s.authority[0].id, "Q855");
        assert_eq!(s.note, "cover name");
        assert_eq!(p.mentions_of(stalin), vec![(doc, m1), (doc, m2)]);
        let ev = p.annotation(doc, comm).unwrap().as_event().unwrap();
        assert_eq!(
            ev.roles[&Slug::new("recipient")],
            vec![Target::Entry(stalin)]
        );
        assert!(p.annotation(doc, alias_rel).is_none());
        assert_eq!(
            p.annotation(doc, kept_rel)
                .unwrap()
                .as_relation()
                .unwrap()
                .to,
            Target::Entry(stalin)
        );
        assert_eq!(errors(&p), Vec::<String>::new());
        // Types must agree.
        let kaesong = entry(&mut p, "place", "Kaesong");
        assert!(matches!(
            merge_entries(&p, stalin, kaesong),
            Err(OpError::TypesDiffer { .. })
        ));
    }

    #[test]
    fn split_moves_chosen_mentions_and_aliases() {
        let (mut p, doc) = fixture();
        let kim = entry(&mut p, "person", "Kim");
        for (name, kind) in [
            ("Kim Il Sung", AliasKind::Variant),
            ("Kim Ir Sen", AliasKind::Transliteration),
            ("Kim Chaek", AliasKind::Variant),
        ] {
            let tx = add_alias(&p, kim, name, kind, "").unwrap();
            apply(&mut p, tx);
        }
        let tx = add_authority(&p, kim, Authority::Wikidata, "Q39464").unwrap();
        apply(&mut p, tx);
        let m1 = mention(&mut p, doc, "person", "Kim Il Sung");
        let m2 = mention(&mut p, doc, "person", "Nam Il");
        link(&mut p, doc, m1, kim);
        link(&mut p, doc, m2, kim);
        let split = Split {
            name: "Kim Il Sung".into(),
            mentions: vec![(doc, m1)],
            aliases: vec![0, 1],
            authority: vec![0],
        };
        let (tx, new) = split_entry(&p, kim, &split).unwrap();
        commit_and_check_undo(&mut p, tx);
        let n = &p.registry[&new];
        assert_eq!(n.name, "Kim Il Sung");
        assert_eq!(
            n.aliases.len(),
            1,
            "the alias that became the name is not repeated"
        );
        assert_eq!(n.aliases[0].name, "Kim Ir Sen");
        assert_eq!(n.authority[0].id, "Q39464");
        let rest = &p.registry[&kim];
        assert_eq!(rest.aliases.len(), 1);
        assert_eq!(rest.aliases[0].name, "Kim Chaek");
        assert!(rest.authority.is_empty());
        assert_eq!(p.mentions_of(new), vec![(doc, m1)]);
        assert_eq!(p.mentions_of(kim), vec![(doc, m2)]);
        // Bad splits.
        let empty = Split {
            name: "X".into(),
            ..Split::default()
        };
        assert_eq!(
            split_entry(&p, kim, &empty).unwrap_err(),
            OpError::NothingToSplit
        );
        let wrong = Split {
            name: "X".into(),
            mentions: vec![(doc, m1)],
            ..Split::default()
        };
        assert_eq!(
            split_entry(&p, kim, &wrong).unwrap_err(),
            OpError::MentionNotOfEntry(m1)
        );
        let wrong = Split {
            name: "X".into(),
            aliases: vec![7],
            ..Split::default()
        };
        assert!(matches!(
            split_entry(&p, kim, &wrong),
            Err(OpError::NoItem { index: 7, .. })
        ));
        // Merging back restores the mentions to one entry.
        let (tx, _) = merge_entries(&p, kim, new).unwrap();
        apply(&mut p, tx);
        assert_eq!(p.mentions_of(kim).len(), 2);
    }

    #[test]
    fn delete_entry_unlinks_and_drops_pointers() {
        let (mut p, doc) = fixture();
        let mao = entry(&mut p, "person", "Mao");
        let m = mention(&mut p, doc, "person", "Mao");
        link(&mut p, doc, m, mao);
        let (tx, comm) = create_event(&p, doc, &"communication".into(), None).unwrap();
        apply(&mut p, tx);
        let tx = add_filler(&p, doc, comm, &"copy_to".into(), Target::Entry(mao)).unwrap();
        apply(&mut p, tx);
        let tx = delete_entry(&p, mao).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(
            p.annotation(doc, m)
                .unwrap()
                .as_mention()
                .unwrap()
                .entry
                .is_none()
        );
        let ev = p.annotation(doc, comm).unwrap().as_event().unwrap();
        assert!(ev.roles.is_empty());
    }

    #[test]
    fn entry_type_change_follows_mentions() {
        let (mut p, doc) = fixture();
        let kaesong = entry(&mut p, "place", "Kaesong");
        let m = mention(&mut p, doc, "place", "Kaesong");
        link(&mut p, doc, m, kaesong);
        let tx = set_entry_type(&p, kaesong, &"organization".into()).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(
            p.annotation(doc, m).unwrap().type_id().as_str(),
            "organization"
        );
        // A meeting's place must stay a Place.
        let tx = set_entry_type(&p, kaesong, &"place".into()).unwrap();
        apply(&mut p, tx);
        let (tx, meeting) = create_event(&p, doc, &"meeting".into(), None).unwrap();
        apply(&mut p, tx);
        let tx = add_filler(&p, doc, meeting, &"place".into(), Target::Annotation(m)).unwrap();
        apply(&mut p, tx);
        let err = set_entry_type(&p, kaesong, &"organization".into()).unwrap_err();
        assert!(matches!(err, OpError::WouldInvalidate { .. }), "{err}");
    }

    #[test]
    fn query_search_sort_filter() {
        let (mut p, doc) = fixture();
        let mao = entry(&mut p, "person", "Mao Zedong");
        let li = entry(&mut p, "person", "Li Kenong");
        let nam = entry(&mut p, "person", "Nam Il");
        let kaesong = entry(&mut p, "place", "Kaesong");
        let tx = add_alias(&p, li, "Li Ke-nung", AliasKind::Transliteration, "").unwrap();
        apply(&mut p, tx);
        for (w, e) in [
            ("Mao", mao),
            ("Li Kenong", li),
            ("Nam Il", nam),
            ("Kaesong", kaesong),
        ] {
            let m = mention(&mut p, doc, "person", w);
            link(&mut p, doc, m, e);
        }
        let m = mention(&mut p, doc, "person", "Kaesong.");
        link(&mut p, doc, m, kaesong);
        let ids = |q: &RegistryQuery| query(&p, q).into_iter().map(|r| r.id).collect::<Vec<_>>();
        let all = RegistryQuery {
            sort: SortBy::Name,
            ..Default::default()
        };
        assert_eq!(ids(&all), vec![kaesong, li, mao, nam]);
        let by_count = RegistryQuery {
            sort: SortBy::MentionCount,
            ..Default::default()
        };
        assert_eq!(ids(&by_count), vec![kaesong, li, mao, nam]);
        assert_eq!(query(&p, &by_count)[0].mentions, 2);
        let people = RegistryQuery {
            types: vec!["person".into()],
            sort: SortBy::MentionCount,
            ..Default::default()
        };
        assert_eq!(ids(&people), vec![li, mao, nam]);
        let search = RegistryQuery {
            text: "ke-nung".into(),
            ..Default::default()
        };
        assert_eq!(ids(&search), vec![li]);
        let search = RegistryQuery {
            text: "na".into(),
            ..Default::default()
        };
        // "Nam Il" starts with it (80); "Kaesong"… no; "Li Kenong" as a subsequence? no "a".
        let rows = query(&p, &search);
        assert_eq!(rows[0].id, nam);
        assert!(rows.iter().all(|r| r.score > 0));
    }

    #[test]
    fn entry_page_groups_mentions_and_lists_events() {
        let (mut p, doc) = fixture();
        let li = entry(&mut p, "person", "Li Kenong");
        let tx = add_alias(&p, li, "Li Ke-nung", AliasKind::Transliteration, "").unwrap();
        apply(&mut p, tx);
        let tx = add_authority(&p, li, Authority::Wikidata, "Q716556").unwrap();
        apply(&mut p, tx);
        let cpv = entry(&mut p, "organization", "CPV");
        let m = mention(&mut p, doc, "person", "Li Kenong");
        link(&mut p, doc, m, li);
        let (tx, comm) = create_event(&p, doc, &"communication".into(), None).unwrap();
        apply(&mut p, tx);
        let tx = add_filler(&p, doc, comm, &"sender".into(), Target::Annotation(m)).unwrap();
        apply(&mut p, tx);
        let (tx, _) = create_relation(
            &p,
            doc,
            &"member_of".into(),
            Target::Entry(li),
            Target::Entry(cpv),
        )
        .unwrap();
        apply(&mut p, tx);
        let page = entry_page(&p, li).unwrap();
        assert_eq!(page.type_label, "Person");
        assert_eq!(page.aliases[0].kind_label, "Transliteration");
        assert_eq!(
            page.authority[0].url.as_deref(),
            Some("https://www.wikidata.org/wiki/Q716556")
        );
        assert_eq!(page.mention_count, 1);
        assert_eq!(page.mentions[0].title, "cable");
        assert_eq!(page.mentions[0].mentions[0].text, "Li Kenong");
        assert_eq!(page.mentions[0].mentions[0].line, Some(1));
        assert_eq!(page.events.len(), 1);
        assert_eq!(page.events[0].ann, comm);
        assert_eq!(page.events[0].roles, vec!["Sender".to_owned()]);
        assert_eq!(page.relations[0].label, "Li Kenong — Member of — CPV");
        assert!(matches!(
            entry_page(&p, EntryId::new()),
            Err(OpError::NoEntry(_))
        ));
    }
}
