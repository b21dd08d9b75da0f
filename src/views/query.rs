//! Structured questions historians ask, answered from the events and the registry. Each
//! answer row links to a document and an annotation.
//!
//! Not a query language: a [`Question`] is picked and filled in (event type, role, entry,
//! dates), in the panel or on the command line (`marginalia query`).

use super::{Actor, EventInfo, Index, Link, Minute, TimeRange};
use crate::model::{Body, DocId, Document, EntryId, Project, Slug};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Which documents a question is about ("documents of type …"). Documents have no type of
/// their own, so a selector says what makes one: an event type it contains (every
/// document with a communication: the cables), its archive or collection, or its title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocSelector {
    /// Documents holding at least one event of this type.
    HasEvent(Slug),
    /// Documents whose archive or collection contains this text (case-insensitive).
    Archive(String),
    /// Documents whose title contains this text (case-insensitive).
    Title(String),
}

impl DocSelector {
    pub fn matches(&self, doc: &Document) -> bool {
        let has = |hay: &str, needle: &str| hay.to_lowercase().contains(&needle.to_lowercase());
        match self {
            Self::HasEvent(t) => doc
                .annotations
                .values()
                .any(|a| matches!(&a.body, Body::Event(e) if &e.type_id == t)),
            Self::Archive(s) => {
                has(&doc.meta.archival.archive, s) || has(&doc.meta.archival.collection, s)
            }
            Self::Title(s) => has(&doc.meta.title, s),
        }
    }

    /// Reads `event:TYPE`, `archive:TEXT` or `title:TEXT`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.split_once(':') {
            Some(("event", t)) if !t.is_empty() => Ok(Self::HasEvent(Slug::new(t))),
            Some(("archive", t)) if !t.is_empty() => Ok(Self::Archive(t.to_owned())),
            Some(("title", t)) if !t.is_empty() => Ok(Self::Title(t.to_owned())),
            _ => Err(format!(
                "\"{s}\" is not a document selector (event:TYPE, archive:TEXT or title:TEXT)"
            )),
        }
    }
}

/// A question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Question {
    /// Events where `entry` fills `role` ("meetings that X attended": type `meeting`, role
    /// `participant`; "agenda points that X opposed": `agenda_point`, `opposed_by`). `None`
    /// type or role: any.
    EntryInRole {
        entry: EntryId,
        event_type: Option<Slug>,
        role: Option<Slug>,
    },
    /// Communications from `from` to `to` (either may be open); copies count as received
    /// when `copies` is set.
    Communications {
        from: Option<EntryId>,
        to: Option<EntryId>,
        copies: bool,
    },
    /// Events whose time overlaps `[from, to)` (minutes, see [`super::iso_bounds`]).
    During { from: Minute, to: Minute },
    /// Entries mentioned in documents that `mentioned_in` selects but in none that
    /// `never_in` selects.
    MentionedOnlyIn {
        mentioned_in: DocSelector,
        never_in: DocSelector,
    },
}

/// One answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    pub link: Link,
    pub doc_title: String,
    /// What the row is: an event's label, or an entry's name.
    pub label: String,
    /// The event type id, or the entry's type id.
    pub type_id: Slug,
    /// The time, as written ("1951-07-10T15:00 – 1951-07-10T17:00").
    pub date: Option<String>,
    /// A one-line summary: role fillers, or where the entry is mentioned.
    pub detail: String,
}

fn summary(e: &EventInfo) -> String {
    e.roles
        .iter()
        .filter(|(_, f)| f.iter().any(|f| f.actor.is_some()))
        .map(|(r, f)| {
            let names: Vec<&str> = f
                .iter()
                .filter(|f| f.actor.is_some())
                .map(|f| f.label.as_str())
                .collect();
            format!("{}: {}", e.role_label(r.as_str()), names.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn event_hit(e: &EventInfo) -> Hit {
    Hit {
        link: e.link,
        doc_title: e.doc_title.clone(),
        label: e.label.clone(),
        type_id: e.type_id.clone(),
        date: e.range.as_ref().map(|r| r.label.clone()),
        detail: summary(e),
    }
}

/// Dated hits by time, undated last; then document order.
fn by_time(index: &Index, keep: impl Fn(&EventInfo) -> bool) -> Vec<Hit> {
    let mut hits: Vec<(&EventInfo, Hit)> = index
        .events
        .iter()
        .filter(|e| keep(e))
        .map(|e| (e, event_hit(e)))
        .collect();
    hits.sort_by_key(|(e, h)| {
        (
            e.range.is_none(),
            e.range.as_ref().map(TimeRange::sort_key),
            h.link,
        )
    });
    hits.into_iter().map(|(_, h)| h).collect()
}

/// Answers `q` over `index` (built from `project`).
pub fn answer(project: &Project, index: &Index, q: &Question) -> Vec<Hit> {
    match q {
        Question::EntryInRole {
            entry,
            event_type,
            role,
        } => by_time(index, |e| {
            event_type.as_ref().is_none_or(|t| &e.type_id == t)
                && e.has(*entry, role.as_ref().map(Slug::as_str))
        }),
        Question::Communications { from, to, copies } => by_time(index, |e| {
            e.type_id.as_str() == "communication"
                && from.is_none_or(|x| e.has(x, Some("sender")))
                && to.is_none_or(|x| {
                    e.has(x, Some("recipient")) || (*copies && e.has(x, Some("copy_to")))
                })
        }),
        Question::During { from, to } => by_time(index, |e| {
            e.range.as_ref().is_some_and(|r| r.overlaps(*from, *to))
        }),
        Question::MentionedOnlyIn {
            mentioned_in,
            never_in,
        } => mentioned_only_in(project, mentioned_in, never_in),
    }
}

fn mentioned_only_in(project: &Project, yes: &DocSelector, no: &DocSelector) -> Vec<Hit> {
    let mut excluded: BTreeSet<EntryId> = BTreeSet::new();
    // Entry → (first mention, documents it is mentioned in).
    let mut found: BTreeMap<EntryId, (Link, String, BTreeSet<DocId>)> = BTreeMap::new();
    for doc in project.documents.values() {
        let (is_yes, is_no) = (yes.matches(doc), no.matches(doc));
        if !is_yes && !is_no {
            continue;
        }
        for a in doc.annotations.values() {
            let Some(e) = a.as_mention().and_then(|m| m.entry) else {
                continue;
            };
            if is_no {
                excluded.insert(e);
            }
            if is_yes {
                found
                    .entry(e)
                    .or_insert_with(|| {
                        (
                            Link {
                                doc: doc.id(),
                                ann: Some(a.id),
                            },
                            doc.meta.title.clone(),
                            BTreeSet::new(),
                        )
                    })
                    .2
                    .insert(doc.id());
            }
        }
    }
    let mut hits: Vec<Hit> = found
        .into_iter()
        .filter(|(e, _)| !excluded.contains(e))
        .filter_map(|(e, (link, title, docs))| {
            let entry = project.registry.get(&e)?;
            Some(Hit {
                link,
                doc_title: title,
                label: entry.name.clone(),
                type_id: entry.type_id.clone(),
                date: None,
                detail: format!(
                    "mentioned in {}",
                    crate::words::count(docs.len(), "document", "documents")
                ),
            })
        })
        .collect();
    hits.sort_by(|a, b| a.label.cmp(&b.label).then(a.link.cmp(&b.link)));
    hits
}

/// The actors of an event's role, by name: for tests and summaries.
pub fn role_names(project: &Project, e: &EventInfo, role: &str) -> Vec<String> {
    e.actors(role)
        .map(|a: &Actor| super::actor_label(project, a))
        .collect()
}
