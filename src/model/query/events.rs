//! What an inspector shows of events and relations: an event's frame (its roles with
//! their fillers and state), its date and where it comes from, and what could fill a role
//! or be a relation's argument. Reads only; nothing here builds an edit.

use crate::model::annotation::{Event, Target};
use crate::model::date::NormalizedDate;
use crate::model::ids::{AnnId, DocId, Slug};
use crate::model::ops::core;
use crate::model::ops::error::OpError;
use crate::model::ops::events::{allowed_list, event_of, role_of};
use crate::model::project::Project;
use crate::model::registry::fold;
use crate::model::schema::{RoleSlot, Schema};

/// The role of an event type that dates it: the first whose fillers are all dated entity
/// types (Meeting → Time, Communication → Date).
pub fn time_role<'s>(schema: &'s Schema, event_type: &Slug) -> Option<&'s RoleSlot> {
    schema.event(event_type)?.roles.iter().find(|r| {
        !r.fillers.is_empty()
            && r.fillers
                .iter()
                .all(|f| schema.entity(f).is_some_and(|t| t.dated))
    })
}

/// Where an event's date comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateSource {
    /// The normalized date of the mention filling the time role.
    Role { role: Slug, mention: AnnId },
    /// The event's own explicit date.
    Explicit,
}

/// An event's date and where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventDate {
    pub date: NormalizedDate,
    pub source: DateSource,
}

/// The event's date: the normalized date of its time role's first dated filler, else its
/// explicit date, else `None`.
pub fn event_date(project: &Project, doc: DocId, event: &Event) -> Option<EventDate> {
    if let Some(slot) = time_role(&project.schema, &event.type_id) {
        let from_role = event
            .roles
            .get(&slot.id)
            .into_iter()
            .flatten()
            .find_map(|t| match t {
                Target::Annotation(a) => {
                    let m = project.annotation(doc, *a)?.as_mention()?;
                    let d = m.date.as_ref().filter(|d| !d.is_empty())?;
                    Some(EventDate {
                        date: d.clone(),
                        source: DateSource::Role {
                            role: slot.id.clone(),
                            mention: *a,
                        },
                    })
                }
                Target::Entry(_) => None,
            });
        if from_role.is_some() {
            return from_role;
        }
    }
    event.date.clone().map(|date| EventDate {
        date,
        source: DateSource::Explicit,
    })
}

/// One role slot of an event as an inspector shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleView {
    pub id: Slug,
    pub label: String,
    /// `1`, `0..1`, `1..n` …
    pub cardinality: String,
    /// The filler types it takes, as labels ("Person or Organization").
    pub allowed: String,
    /// Fillers in order, each with a short label.
    pub fillers: Vec<(Target, String)>,
    /// A required role with fewer fillers than its minimum.
    pub missing: bool,
    /// No more fillers fit.
    pub full: bool,
    /// A role the event has but its type no longer defines.
    pub unknown: bool,
}

/// An event with its roles, as an inspector shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventFrame {
    pub type_id: Slug,
    pub type_label: String,
    /// The trigger's text, if anchored.
    pub trigger: Option<String>,
    /// The type's roles in schema order, then any roles the schema does not define.
    pub roles: Vec<RoleView>,
    pub date: Option<EventDate>,
}

/// The frame of event `event`: every role slot with its fillers and state.
pub fn event_frame(project: &Project, doc: DocId, event: AnnId) -> Result<EventFrame, OpError> {
    let (ann, ev, ty) = event_of(project, doc, event)?;
    let label_all = |role: &Slug| -> Vec<(Target, String)> {
        ev.roles
            .get(role)
            .into_iter()
            .flatten()
            .map(|t| (*t, project.target_label(doc, t)))
            .collect()
    };
    let mut roles: Vec<RoleView> = ty
        .roles
        .iter()
        .map(|slot| {
            let fillers = label_all(&slot.id);
            RoleView {
                id: slot.id.clone(),
                label: slot.label.clone(),
                cardinality: slot.cardinality(),
                allowed: allowed_list(&project.schema, &slot.fillers),
                missing: fillers.len() < slot.min as usize,
                full: slot.max.is_some_and(|m| fillers.len() >= m as usize),
                unknown: false,
                fillers,
            }
        })
        .collect();
    for role in ev.roles.keys().filter(|r| ty.role(r).is_none()) {
        roles.push(RoleView {
            id: role.clone(),
            label: role.to_string(),
            cardinality: String::new(),
            allowed: String::new(),
            fillers: label_all(role),
            missing: false,
            full: true,
            unknown: true,
        });
    }
    Ok(EventFrame {
        type_id: ev.type_id.clone(),
        type_label: ty.label.clone(),
        trigger: ann.anchor().map(|a| a.quote.exact.clone()),
        roles,
        date: event_date(project, doc, ev),
    })
}

/// What a candidate is: a mention or event in the text, or a registry entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CandidateKind {
    Mention,
    Event,
    Entry,
}

impl CandidateKind {
    /// How a picker marks it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Mention => "mention",
            Self::Event => "event",
            Self::Entry => "registry entry",
        }
    }
}

/// Something that may fill a role, as a picker lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub target: Target,
    /// The mention's text, the event's type and trigger, or the entry's name.
    pub label: String,
    pub type_label: String,
    /// Where an annotation starts in the text; `None` for entries and triggerless events.
    pub position: Option<usize>,
    pub kind: CandidateKind,
    /// The document's title for annotations; empty for entries.
    pub document: String,
    /// 1-based line of the annotation's start; `None` for entries and triggerless events.
    pub line: Option<usize>,
    /// A few words around an annotation's text, with its text in «»; for an entry, its
    /// aliases. Empty when there is nothing to show.
    pub context: String,
}

impl Candidate {
    /// One line for a picker row: "«Nam Il» · Person · mention · Cable 12, line 4 · …said «Nam Il» today…".
    pub fn row_text(&self) -> String {
        let mut s = format!(
            "{} · {} · {}",
            self.label,
            self.type_label,
            self.kind.label()
        );
        if let Some(l) = self.line {
            if self.document.is_empty() {
                s.push_str(&format!(" · line {l}"));
            } else {
                s.push_str(&format!(" · {}, line {l}", self.document));
            }
        }
        if !self.context.is_empty() {
            s.push_str(" · ");
            s.push_str(&self.context);
        }
        s
    }
}

/// Up to `words` whole words at the end (`tail`) or start of `s`, on one line.
fn some_words(s: &str, words: usize, tail: bool) -> String {
    let flat: Vec<&str> = s.split_whitespace().collect();
    let n = flat.len();
    let take = if tail {
        &flat[n.saturating_sub(words)..]
    } else {
        &flat[..words.min(n)]
    };
    take.join(" ")
}

/// A few words around an annotation's text: "…prefix «exact» suffix…".
pub fn context_words(quote: &crate::model::anchor::TextQuote) -> String {
    let before = some_words(&quote.prefix, 4, true);
    let after = some_words(&quote.suffix, 4, false);
    let exact = quote.exact.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("…{before} «{exact}» {after}…")
}

/// A relation as one readable phrase: "Nam Il — member of → Korean-Chinese delegation"
/// (the type's label in lower case unless it is an acronym).
pub fn relation_phrase(
    project: &Project,
    doc: DocId,
    rel: &crate::model::annotation::Relation,
) -> String {
    format!(
        "{} — {} → {}",
        project.target_label(doc, &rel.from),
        lower_label(project.schema.label(&rel.type_id)),
        project.target_label(doc, &rel.to)
    )
}

/// `label` with its first letter in lower case, unless its second letter is a capital too
/// (an acronym such as "UN delegate").
fn lower_label(label: &str) -> String {
    let mut cs = label.chars();
    match (cs.next(), cs.next()) {
        (Some(a), second) if !second.is_some_and(char::is_uppercase) => {
            let mut s: String = a.to_lowercase().collect();
            s.push_str(&label[a.len_utf8()..]);
            s
        }
        _ => label.to_owned(),
    }
}

/// What could be added to the event's `role` now: annotations of the document and
/// registry entries whose type the role takes, not already in it and not the event itself,
/// whose label matches `query` (empty matches all). Ranked by [`candidates`]' order, the
/// distance measured from the event's trigger.
pub fn role_candidates(
    project: &Project,
    doc: DocId,
    event: AnnId,
    role: &Slug,
    query: &str,
) -> Result<Vec<Candidate>, OpError> {
    let (ann, ev, ty) = event_of(project, doc, event)?;
    let slot = role_of(ty, role)?;
    let mut exclude: Vec<Target> = ev.roles.get(role).cloned().unwrap_or_default();
    exclude.push(Target::Annotation(event));
    let origin = ann.anchor().map(|a| a.extent().start);
    candidates(project, doc, &slot.fillers, &exclude, query, origin)
}

/// What could be the second argument of a relation of `type_id` whose first argument is
/// `from` (or, with `reverse`, the first argument when `from` is the second), by the same
/// rules and order as [`role_candidates`], the distance measured from `from`.
pub fn relation_candidates(
    project: &Project,
    doc: DocId,
    type_id: &Slug,
    from: Target,
    reverse: bool,
    query: &str,
) -> Result<Vec<Candidate>, OpError> {
    let ty = project
        .schema
        .relation(type_id)
        .ok_or_else(|| OpError::unknown_relation_type(type_id))?;
    let allowed = if reverse { &ty.from } else { &ty.to };
    let origin = match from {
        Target::Annotation(a) => project
            .annotation(doc, a)
            .and_then(|a| a.anchor())
            .map(|a| a.extent().start),
        Target::Entry(_) => None,
    };
    candidates(project, doc, allowed, &[from], query, origin)
}

/// Annotations of `doc` (not relations) and registry entries of an `allowed` type (empty:
/// any), except `exclude`, matching `query`. Ranked by type compatibility first (a type
/// the constraint names before one let in by an empty constraint; among named types, the
/// constraint's order), then, for annotations, by distance from `origin` (text order when
/// there is none; triggerless events last), annotations before entries, and entries by
/// match quality and name.
fn candidates(
    project: &Project,
    doc: DocId,
    allowed: &[Slug],
    exclude: &[Target],
    query: &str,
    origin: Option<usize>,
) -> Result<Vec<Candidate>, OpError> {
    let fits = |t: &Slug| allowed.is_empty() || allowed.contains(t);
    // 0.. for the constraint's types in order; `allowed.len()` for any type.
    let compat = |t: &Slug| allowed.iter().position(|a| a == t).unwrap_or(allowed.len());
    let q = fold(query.trim());
    let schema = &project.schema;
    let d = core::document(project, doc)?;
    let text = d.text_or_empty();
    // (compatibility, group, distance or score, tie-break text, candidate)
    type Key = (usize, u8, u64, String);
    let mut all: Vec<(Key, Candidate)> = d
        .annotations
        .values()
        .filter(|a| a.as_relation().is_none() && fits(a.type_id()))
        .filter(|a| !exclude.contains(&Target::Annotation(a.id)))
        .filter_map(|a| {
            let target = Target::Annotation(a.id);
            let label = project.target_label(doc, &target);
            let type_label = schema.label(a.type_id());
            let matches =
                q.is_empty() || fold(&label).contains(&q) || fold(type_label).contains(&q);
            if !matches {
                return None;
            }
            let anchor = a.anchor();
            let position = anchor.map(|an| an.extent().start);
            let distance = match (position, origin) {
                (Some(p), Some(o)) => p.abs_diff(o) as u64,
                (Some(p), None) => p as u64,
                (None, _) => u64::MAX,
            };
            let kind = if a.as_event().is_some() {
                CandidateKind::Event
            } else {
                CandidateKind::Mention
            };
            let key = (compat(a.type_id()), 0, distance, String::new());
            Some((
                key,
                Candidate {
                    target,
                    label,
                    type_label: type_label.to_owned(),
                    position,
                    kind,
                    document: d.meta.title.clone(),
                    line: position.map(|p| text.line_of(p.min(text.len_chars())) + 1),
                    context: anchor
                        .map(|an| context_words(&an.quote))
                        .unwrap_or_default(),
                },
            ))
        })
        .collect();
    all.extend(
        project
            .registry
            .values()
            .filter(|e| fits(&e.type_id) && !exclude.contains(&Target::Entry(e.id)))
            .filter_map(|e| {
                let score = e.match_score(query.trim())?;
                let aliases: Vec<&str> = e.aliases.iter().map(|a| a.name.as_str()).collect();
                let key = (
                    compat(&e.type_id),
                    1,
                    u64::from(u32::MAX - score),
                    fold(&e.name),
                );
                Some((
                    key,
                    Candidate {
                        target: Target::Entry(e.id),
                        label: e.name.clone(),
                        type_label: schema.label(&e.type_id).to_owned(),
                        position: None,
                        kind: CandidateKind::Entry,
                        document: String::new(),
                        line: None,
                        context: if aliases.is_empty() {
                            String::new()
                        } else {
                            format!("also {}", aliases.join(", "))
                        },
                    },
                ))
            }),
    );
    all.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.target.cmp(&b.1.target)));
    Ok(all.into_iter().map(|(_, c)| c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::Relation;
    use crate::model::ops::events::tests::{fixture, mention};
    use crate::model::registry::Entry;

    #[test]
    fn candidates_carry_context_and_rank_by_type_then_distance() {
        let (mut p, doc) = fixture();
        let nam = mention(&mut p, doc, "person", "Nam Il");
        let li = mention(&mut p, doc, "person", "Li Kenong");
        let kim = mention(&mut p, doc, "person", "Kim Il Sung");
        let kaesong = mention(&mut p, doc, "place", "Kaesong");
        let e = Entry::new(Slug::new("person"), "Peng Dehuai");
        let peng = e.id;
        p.registry.insert(e.id, e);
        let trig = {
            let t = p.documents[&doc].text.as_ref().unwrap();
            let s = t.char_of(t.as_str().find("copies").unwrap());
            crate::model::Span::new(s, s + 6)
        };
        let (tx, comm) = crate::model::ops::events::create_event(
            &p,
            doc,
            &"communication".into(),
            Some(&[trig]),
        )
        .unwrap();
        tx.apply(&mut p).unwrap();
        // Recipient takes a person or an organization: persons nearest "copies" first, the
        // entry after the mentions of its type.
        let c = role_candidates(&p, doc, comm, &"recipient".into(), "").unwrap();
        let t: Vec<Target> = c.iter().map(|c| c.target).collect();
        assert_eq!(
            t,
            vec![
                Target::Annotation(kim),
                Target::Annotation(li),
                Target::Annotation(nam),
                Target::Entry(peng)
            ]
        );
        assert!(!t.contains(&Target::Annotation(kaesong)));
        let first = &c[0];
        assert_eq!(first.kind, CandidateKind::Mention);
        assert_eq!(first.document, "cable");
        assert_eq!(first.line, Some(1));
        assert!(first.context.contains("«Kim Il Sung»"), "{}", first.context);
        assert!(first.context.contains("Dehuai and"), "{}", first.context);
        let row = first.row_text();
        assert!(
            row.contains("Person") && row.contains("mention") && row.contains("cable, line 1"),
            "{row}"
        );
        let entry = c.last().unwrap();
        assert_eq!(entry.kind, CandidateKind::Entry);
        assert!(entry.row_text().contains("registry entry"));
        // Place accepts only places.
        let c = role_candidates(&p, doc, comm, &"place".into(), "").unwrap();
        assert_eq!(
            c.iter().map(|c| c.target).collect::<Vec<_>>(),
            vec![Target::Annotation(kaesong)]
        );
    }

    #[test]
    fn relation_phrase_reads_as_a_sentence() {
        let (mut p, doc) = fixture();
        let nam = mention(&mut p, doc, "person", "Nam Il");
        let li = mention(&mut p, doc, "person", "Li Kenong");
        let rel = Relation {
            type_id: Slug::new("member_of"),
            from: Target::Annotation(nam),
            to: Target::Annotation(li),
        };
        let label = p.schema.label(&rel.type_id).to_owned();
        let phrase = relation_phrase(&p, doc, &rel);
        assert_eq!(
            phrase,
            format!("Nam Il — {} → Li Kenong", lower_label(&label))
        );
        assert!(!phrase.contains(" to "), "{phrase}");
        assert_eq!(lower_label("Member of"), "member of");
        assert_eq!(lower_label("UN delegate of"), "UN delegate of");
    }

    #[test]
    fn context_words_are_few_and_on_one_line() {
        let q = crate::model::anchor::TextQuote {
            exact: "Nam\nIl".into(),
            prefix: "one two three four five six ".into(),
            suffix: " and\nJoy spoke; Li Kenong reported".into(),
        };
        assert_eq!(
            context_words(&q),
            "…three four five six «Nam Il» and Joy spoke; Li…"
        );
    }
}
