//! What the registry panel and an entry's page show: searching, sorting and filtering
//! entries, and everything that names one entry. Reads only.

use crate::model::annotation::{Annotation, Target};
use crate::model::date::NormalizedDate;
use crate::model::ids::{AnnId, DocId, EntryId, Slug};
use crate::model::matching::fold;
use crate::model::ops::core;
use crate::model::ops::error::OpError;
use crate::model::project::Project;
use crate::model::query::events::event_date;
use crate::model::registry::AliasKind;
use std::collections::BTreeMap;

/// How registry rows are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    /// Best match first (then most mentions, then name); by name when there is no search.
    #[default]
    Relevance,
    /// Alphabetical, ignoring case and diacritics.
    Name,
    /// Most mentions first, then by name.
    MentionCount,
}

impl SortBy {
    pub const ALL: [SortBy; 3] = [Self::Relevance, Self::Name, Self::MentionCount];

    pub fn label(self) -> &'static str {
        match self {
            Self::Relevance => "Best match",
            Self::Name => "Name",
            Self::MentionCount => "Mentions",
        }
    }
}

/// A search of the registry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistryQuery {
    /// Matched against names and aliases with [`Entry::match_score`]; empty matches all.
    pub text: String,
    /// Entity types to show; empty shows all.
    pub types: Vec<Slug>,
    pub sort: SortBy,
}

/// One row of the registry list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryRow {
    pub id: EntryId,
    pub name: String,
    pub type_id: Slug,
    pub mentions: usize,
    /// How well the search text matched (0 with no search).
    pub score: u32,
}

/// The entries matching `q`, in its order.
pub fn query(project: &Project, q: &RegistryQuery) -> Vec<RegistryRow> {
    query_counted(project, q, &project.mention_counts())
}

/// [`query`] with mention counts the caller already has (from
/// [`Project::mention_counts`], cached between changes).
pub fn query_counted(
    project: &Project,
    q: &RegistryQuery,
    counts: &BTreeMap<EntryId, usize>,
) -> Vec<RegistryRow> {
    let mut rows: Vec<(String, RegistryRow)> = project
        .registry
        .values()
        .filter(|e| q.types.is_empty() || q.types.contains(&e.type_id))
        .filter_map(|e| {
            let score = e.match_score(&q.text)?;
            Some((
                fold(&e.name),
                RegistryRow {
                    id: e.id,
                    name: e.name.clone(),
                    type_id: e.type_id.clone(),
                    mentions: counts.get(&e.id).copied().unwrap_or(0),
                    score,
                },
            ))
        })
        .collect();
    let by_name = |a: &(String, RegistryRow), b: &(String, RegistryRow)| {
        a.0.cmp(&b.0).then(a.1.id.cmp(&b.1.id))
    };
    match q.sort {
        SortBy::Name => rows.sort_by(by_name),
        SortBy::MentionCount => {
            rows.sort_by(|a, b| b.1.mentions.cmp(&a.1.mentions).then(by_name(a, b)));
        }
        SortBy::Relevance => rows.sort_by(|a, b| {
            b.1.score
                .cmp(&a.1.score)
                .then(b.1.mentions.cmp(&a.1.mentions))
                .then(by_name(a, b))
        }),
    }
    rows.into_iter().map(|(_, r)| r).collect()
}

/// An alias on an entry page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AliasRow {
    pub name: String,
    pub kind: AliasKind,
    /// "Cover name".
    pub kind_label: &'static str,
    pub note: String,
}

/// An authority id on an entry page, with its URL when the scheme has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorityRow {
    pub scheme: String,
    pub id: String,
    pub url: Option<String>,
}

/// One mention on an entry page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MentionRow {
    pub ann: AnnId,
    /// The quoted text.
    pub text: String,
    /// Where it starts, as a code-point offset.
    pub start: usize,
    /// The 1-based line it starts on, when the document has text.
    pub line: Option<usize>,
}

/// A document's mentions of an entry, in text order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocMentions {
    pub doc: DocId,
    pub title: String,
    pub mentions: Vec<MentionRow>,
}

/// An event an entry takes part in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    pub doc: DocId,
    pub ann: AnnId,
    /// "Meeting: resumed" or "Communication".
    pub label: String,
    /// Labels of the roles the entry fills, directly or through a mention.
    pub roles: Vec<String>,
    pub date: Option<NormalizedDate>,
}

/// A relation an entry is an argument of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationRow {
    pub doc: DocId,
    pub ann: AnnId,
    /// "Li Kenong — Member of — Chinese People's Volunteers".
    pub label: String,
}

/// Everything an entry page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryPage {
    pub id: EntryId,
    pub name: String,
    pub type_id: Slug,
    pub type_label: String,
    pub note: String,
    pub aliases: Vec<AliasRow>,
    pub authority: Vec<AuthorityRow>,
    /// Documents in title order, each with at least one mention.
    pub mentions: Vec<DocMentions>,
    pub mention_count: usize,
    /// Events by date (undated last), then document and id.
    pub events: Vec<EventRow>,
    pub relations: Vec<RelationRow>,
}

/// The data of the page of entry `id`.
pub fn entry_page(project: &Project, id: EntryId) -> Result<EntryPage, OpError> {
    let e = core::entry(project, id)?;
    let schema = &project.schema;
    let names_entry = |doc: DocId, t: &Target| match t {
        Target::Entry(x) => *x == id,
        Target::Annotation(a) => project
            .annotation(doc, *a)
            .and_then(Annotation::as_mention)
            .is_some_and(|m| m.entry == Some(id)),
    };
    let mut mentions = Vec::new();
    for doc in project.documents.values() {
        let mut rows: Vec<MentionRow> = doc
            .annotations
            .values()
            .filter_map(|a| {
                let m = a.as_mention().filter(|m| m.entry == Some(id))?;
                let start = m.anchor.extent().start;
                Some(MentionRow {
                    ann: a.id,
                    text: m.anchor.quote.exact.clone(),
                    start,
                    line: doc.text.as_ref().map(|t| t.line_of(start) + 1),
                })
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        rows.sort_by_key(|r| (r.start, r.ann));
        mentions.push(DocMentions {
            doc: doc.id(),
            title: doc.meta.title.clone(),
            mentions: rows,
        });
    }
    mentions.sort_by(|a, b| a.title.cmp(&b.title).then(a.doc.cmp(&b.doc)));
    let mention_count = mentions.iter().map(|d| d.mentions.len()).sum();
    let mut events = Vec::new();
    let mut relations = Vec::new();
    for (doc, ann) in project.events_involving(id) {
        let Some(ev) = project.annotation(doc, ann).and_then(Annotation::as_event) else {
            continue;
        };
        let ty = schema.event(&ev.type_id);
        let roles = ev
            .roles
            .iter()
            .filter(|(_, fillers)| fillers.iter().any(|t| names_entry(doc, t)))
            .map(|(r, _)| {
                ty.and_then(|t| t.role(r))
                    .map_or_else(|| r.to_string(), |s| s.label.clone())
            })
            .collect();
        events.push(EventRow {
            doc,
            ann,
            label: project.target_label(doc, &Target::Annotation(ann)),
            roles,
            date: event_date(project, doc, ev).map(|d| d.date),
        });
    }
    events.sort_by(|a, b| {
        let key = |r: &EventRow| {
            r.date
                .as_ref()
                .and_then(|d| d.sort_key().map(str::to_owned))
        };
        match (key(a), key(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then(a.doc.cmp(&b.doc))
        .then(a.ann.cmp(&b.ann))
    });
    for doc in project.documents.values() {
        let d = doc.id();
        for ann in doc.annotations.values() {
            if let Some(r) = ann.as_relation()
                && (names_entry(d, &r.from) || names_entry(d, &r.to))
            {
                relations.push(RelationRow {
                    doc: d,
                    ann: ann.id,
                    label: format!(
                        "{} — {} — {}",
                        project.target_label(d, &r.from),
                        schema.label(&r.type_id),
                        project.target_label(d, &r.to)
                    ),
                });
            }
        }
    }
    Ok(EntryPage {
        id,
        name: e.name.clone(),
        type_id: e.type_id.clone(),
        type_label: schema.label(&e.type_id).to_owned(),
        note: e.note.clone(),
        aliases: e
            .aliases
            .iter()
            .map(|a| AliasRow {
                name: a.name.clone(),
                kind: a.kind,
                kind_label: a.kind.label(),
                note: a.note.clone(),
            })
            .collect(),
        authority: e
            .authority
            .iter()
            .map(|a| AuthorityRow {
                scheme: a.scheme.as_str().to_owned(),
                id: a.id.clone(),
                url: a.url(),
            })
            .collect(),
        mentions,
        mention_count,
        events,
        relations,
    })
}

/// A registry entry offered to link a mention to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkSuggestion {
    pub entry: EntryId,
    /// The entry's name, with its aliases in brackets.
    pub label: String,
    pub type_label: String,
    /// The entry is of the mention's type.
    pub same_type: bool,
}

/// Registry entries matching `query` to link a mention of `type_id` to: entries of the
/// mention's type first, whatever their score (a weak match of the right type before a
/// strong match of another), then by match quality and name; at most `limit`, without
/// `except` (the entry already linked).
pub fn link_suggestions(
    p: &Project,
    query: &str,
    type_id: &Slug,
    except: Option<EntryId>,
    limit: usize,
) -> Vec<LinkSuggestion> {
    let mut v: Vec<(bool, u32, String, LinkSuggestion)> = p
        .registry
        .values()
        .filter(|e| Some(e.id) != except)
        .filter_map(|e| {
            let score = e.match_score(query)?;
            let aliases: Vec<&str> = e.aliases.iter().map(|a| a.name.as_str()).collect();
            let label = if aliases.is_empty() {
                e.name.clone()
            } else {
                format!("{} ({})", e.name, aliases.join(", "))
            };
            let same_type = &e.type_id == type_id;
            Some((
                same_type,
                score,
                fold(&e.name),
                LinkSuggestion {
                    entry: e.id,
                    label,
                    type_label: p.schema.label(&e.type_id).to_owned(),
                    same_type,
                },
            ))
        })
        .collect();
    v.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then(a.2.cmp(&b.2))
            .then(a.3.entry.cmp(&b.3.entry))
    });
    v.into_iter().take(limit).map(|x| x.3).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::registry::Entry;

    #[test]
    fn word_starts_rank_first_and_accents_fold() {
        let mut p = Project::new("p");
        for (ty, name) in [
            ("organization", "United Nations Command"),
            ("person", "Nam Il"),
            ("person", "Namgung Won"),
            ("person", "José Pérez"),
        ] {
            let e = Entry::new(Slug::new(ty), name);
            p.registry.insert(e.id, e);
        }
        let names = |text: &str| -> Vec<String> {
            let q = RegistryQuery {
                text: text.into(),
                ..Default::default()
            };
            query(&p, &q).into_iter().map(|r| r.name).collect()
        };
        let nam = names("nam");
        assert_eq!(nam.first().map(String::as_str), Some("Nam Il"), "{nam:?}");
        let unc = nam.iter().position(|n| n == "United Nations Command");
        assert!(
            unc.is_none_or(|i| i >= 2),
            "word starts before letters in order: {nam:?}"
        );
        assert_eq!(names("perez"), ["José Pérez"]);
        assert_eq!(names("PE\u{301}REZ"), ["José Pérez"]);
    }

    #[test]
    fn link_suggestions_put_the_mentions_type_first() {
        let mut p = Project::new("p");
        let mut ids = BTreeMap::new();
        for (ty, name) in [
            ("organization", "Central Committee"),
            ("organization", "Nam Il Committee"),
            ("person", "Nam Il"),
            ("person", "Namgung Won"),
        ] {
            let e = Entry::new(Slug::new(ty), name);
            ids.insert(name, e.id);
            p.registry.insert(e.id, e);
        }
        let names = |v: Vec<LinkSuggestion>| v.into_iter().map(|s| s.label).collect::<Vec<_>>();
        let s = link_suggestions(&p, "NAM IL", &Slug::new("person"), None, 8);
        assert_eq!(
            s.first().map(|s| (s.label.as_str(), s.same_type)),
            Some(("Nam Il", true))
        );
        let n = names(s);
        let pos = |x: &str| n.iter().position(|l| l == x);
        assert!(pos("Nam Il Committee") > pos("Nam Il"), "{n:?}");
        if let Some(c) = pos("Central Committee") {
            assert!(c > pos("Nam Il").unwrap_or(0), "{n:?}");
        }
        // For an organization mention the organizations come first.
        let s = link_suggestions(&p, "nam", &Slug::new("organization"), None, 8);
        assert_eq!(
            s.first().map(|s| s.label.as_str()),
            Some("Nam Il Committee")
        );
        // The linked entry is not offered again.
        let s = link_suggestions(
            &p,
            "NAM IL",
            &Slug::new("person"),
            ids.get("Nam Il").copied(),
            8,
        );
        assert!(s.iter().all(|x| x.label != "Nam Il"), "{:?}", names(s));
        assert_eq!(
            link_suggestions(&p, "", &Slug::new("person"), None, 2).len(),
            2
        );
    }
}
