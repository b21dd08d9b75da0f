//! The data behind the project views: [`timeline`], [`network`], [`concordance`] and
//! [`query`]. Plain Rust, no UI: a panel draws what these build, and the command line and
//! the network exports read the same data.
//!
//! Everything starts from an [`Index`]: every event of the project resolved once — its
//! normalized time range ([`TimeRange`], minutes on one axis) and its role fillers resolved
//! to [`Actor`]s (registry entries, or unlinked mentions grouped by their folded text).
//! Output order never depends on hashing: the same project gives the same data.

pub mod concordance;
pub mod network;
pub mod query;
pub mod svg;
pub mod timeline;

use crate::model::registry::fold;
use crate::model::{AnnId, Annotation, Body, DocId, Document, EntryId, NormalizedDate, Project};
use crate::model::{Slug, Target};
use serde::Serialize;
use std::collections::BTreeMap;

/// Where a result lives: a document and, when there is one, the annotation in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Link {
    pub doc: DocId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ann: Option<AnnId>,
}

/// Minutes since 0000-03-01 (proleptic Gregorian): one axis for every date and time.
pub type Minute = i64;

/// A normalized date as a half-open interval of minutes `[start, end)`; an open end is
/// `None`. Invariant: at least one end is set, and `start < end` when both are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimeRange {
    pub start: Option<Minute>,
    pub end: Option<Minute>,
    /// The date as the annotator wrote it ("1951-07-10T15:00 – 1951-07-10T17:00").
    pub label: String,
}

impl TimeRange {
    /// The range a normalized date denotes: `when` covers its whole precision ("1951-07"
    /// is all of July); `not_before`/`not_after` bound a range. `None` when empty or not
    /// ISO 8601.
    pub fn of(d: &NormalizedDate) -> Option<Self> {
        let (start, end) = match (&d.when, &d.not_before, &d.not_after) {
            (Some(w), _, _) => {
                let (a, b) = iso_bounds(w)?;
                (Some(a), Some(b))
            }
            (None, nb, na) => {
                let a = match nb {
                    Some(s) => Some(iso_bounds(s)?.0),
                    None => None,
                };
                let b = match na {
                    Some(s) => Some(iso_bounds(s)?.1),
                    None => None,
                };
                (a, b)
            }
        };
        if start.is_none() && end.is_none() {
            return None;
        }
        let end = match (start, end) {
            (Some(a), Some(b)) if b <= a => Some(a + 1),
            _ => end,
        };
        Some(Self {
            start,
            end,
            label: d.to_string(),
        })
    }

    /// A range from an ISO start to an ISO end (inclusive of the end's precision).
    pub fn between(from: &str, to: &str) -> Option<Self> {
        Self::of(&NormalizedDate::range(from, to))
    }

    /// Whether this range and `[from, to)` share a minute; an open end reaches forever.
    pub fn overlaps(&self, from: Minute, to: Minute) -> bool {
        self.start.is_none_or(|s| s < to) && self.end.is_none_or(|e| from < e)
    }

    /// The earliest minute, else the latest: for sorting.
    pub fn sort_key(&self) -> Minute {
        self.start.or(self.end).unwrap_or(0)
    }

    /// The smallest range holding both.
    pub fn union(&self, other: &TimeRange) -> TimeRange {
        let start = match (self.start, other.start) {
            (Some(a), Some(b)) => Some(a.min(b)),
            _ => None,
        };
        let end = match (self.end, other.end) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
        Self::span(start, end)
    }

    /// The range `[start, end)` labelled with its ends as ISO minutes.
    pub fn span(start: Option<Minute>, end: Option<Minute>) -> TimeRange {
        let label = match (start, end) {
            (Some(a), Some(b)) => format!("{} – {}", iso_minute(a), iso_minute(b - 1)),
            (Some(a), None) => format!("after {}", iso_minute(a)),
            (None, Some(b)) => format!("before {}", iso_minute(b - 1)),
            (None, None) => String::new(),
        };
        TimeRange { start, end, label }
    }
}

/// Days from 0000-03-01 to `y-m-d` (Howard Hinnant's algorithm, shifted to stay positive).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The first minute of an ISO 8601 value and the first minute after it, at its precision.
pub fn iso_bounds(s: &str) -> Option<(Minute, Minute)> {
    crate::model::date::check_iso(s).ok()?;
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut parts = date.split('-').map(|p| p.parse::<i64>().ok());
    let y = parts.next()??;
    let m = parts.next().flatten();
    let d = parts.next().flatten();
    let day = |y, m, d| days_from_civil(y, m, d) * 1440;
    Some(match (m, d, time) {
        (None, _, _) => (day(y, 1, 1), day(y + 1, 1, 1)),
        (Some(m), None, _) => {
            let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            (day(y, m, 1), day(ny, nm, 1))
        }
        (Some(m), Some(d), None) => (day(y, m, d), day(y, m, d) + 1440),
        (Some(m), Some(d), Some(t)) => {
            let mut tp = t.split(':').map(|p| p.parse::<i64>().ok());
            let h = tp.next()??;
            let mi = tp.next()??;
            let at = day(y, m, d) + h * 60 + mi;
            (at, at + 1)
        }
    })
}

/// `YYYY-MM-DDThh:mm` for a minute.
pub fn iso_minute(t: Minute) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(1440));
    let r = t.rem_euclid(1440);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}", r / 60, r % 60)
}

/// `YYYY-MM-DD` for a minute.
pub fn iso_day(t: Minute) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(1440));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Who or what fills a role: a registry entry, or an unlinked mention standing for its
/// folded text within its entity type (all unlinked "Kim Il Sung" person mentions are one
/// actor, kept apart from the registry). An unlinked actor is shown as it is written
/// (`label`, the words of its first mention); only `type_id` and the folded `text` make
/// its identity.
#[derive(Clone, Debug, Serialize)]
pub enum Actor {
    Entry(EntryId),
    Unlinked {
        type_id: Slug,
        text: String,
        label: String,
    },
}

impl Actor {
    /// What identifies the actor: the entry, or the type and the folded text.
    fn key(&self) -> (u8, Option<EntryId>, Option<(&Slug, &str)>) {
        match self {
            Actor::Entry(id) => (0, Some(*id), None),
            Actor::Unlinked { type_id, text, .. } => (1, None, Some((type_id, text.as_str()))),
        }
    }
}

impl PartialEq for Actor {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Actor {}

impl PartialOrd for Actor {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Actor {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl std::hash::Hash for Actor {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

/// One role filler of an event, resolved.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Filler {
    pub target: Target,
    /// The actor, when the filler is an entry or an entity mention.
    pub actor: Option<Actor>,
    /// The entity type of the filler (entry or mention), if it is one.
    pub entity_type: Option<Slug>,
    pub label: String,
}

/// An event with its time and its fillers resolved.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventInfo {
    pub link: Link,
    pub type_id: Slug,
    /// Type label and trigger words ("Meeting: meeting resumed").
    pub label: String,
    pub doc_title: String,
    /// Role id → fillers, in the event's order.
    pub roles: BTreeMap<Slug, Vec<Filler>>,
    /// `None`: undated.
    pub range: Option<TimeRange>,
    /// Where the range came from: `date`, a role id, or `via <role>` (an agenda point dated
    /// by its meeting).
    pub dated_by: String,
    /// The annotator (TEI `@resp`).
    pub resp: String,
    /// The schema's label of each role in `roles` ("End time" for `end_time`).
    pub role_labels: BTreeMap<Slug, String>,
}

impl EventInfo {
    /// How people read role `id` of this event: its label in the schema, else the id.
    pub fn role_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.role_labels
            .iter()
            .find(|(r, _)| r.as_str() == id)
            .map_or(id, |(_, l)| l.as_str())
    }

    /// Where the date came from, in words: "" for an explicit date, "Time", "via Meeting".
    pub fn dated_by_label(&self) -> String {
        match self.dated_by.strip_prefix("via ") {
            _ if self.dated_by == "date" => String::new(),
            Some(r) => format!("via {}", self.role_label(r)),
            None => self.role_label(&self.dated_by).to_owned(),
        }
    }

    /// The actors filling `role`.
    pub fn actors(&self, role: &str) -> impl Iterator<Item = &Actor> {
        self.roles
            .iter()
            .filter(move |(r, _)| r.as_str() == role)
            .flat_map(|(_, f)| f.iter().filter_map(|f| f.actor.as_ref()))
    }

    /// Whether `entry` fills `role` (any role when `None`).
    pub fn has(&self, entry: EntryId, role: Option<&str>) -> bool {
        self.roles
            .iter()
            .filter(|(r, _)| role.is_none_or(|x| r.as_str() == x))
            .any(|(_, f)| f.iter().any(|f| f.actor == Some(Actor::Entry(entry))))
    }
}

/// A relation whose two ends are resolved.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RelationInfo {
    pub link: Link,
    pub type_id: Slug,
    pub from: Filler,
    pub to: Filler,
}

/// Every event and relation of a project, resolved once; the views are built from it.
#[derive(Clone, Debug, Default)]
pub struct Index {
    /// In document order, then annotation id order.
    pub events: Vec<EventInfo>,
    pub relations: Vec<RelationInfo>,
}

/// Roles whose dated filler ends an event rather than starts it.
fn is_end_role(role: &str) -> bool {
    role == "end_time" || role.starts_with("end_")
}

impl Index {
    pub fn build(project: &Project) -> Self {
        let mut idx = Index::default();
        for doc in project.documents.values() {
            for a in doc.annotations.values() {
                match &a.body {
                    Body::Event(_) => idx.events.push(event_info(project, doc, a, 0)),
                    Body::Relation(r) => idx.relations.push(RelationInfo {
                        link: Link {
                            doc: doc.id(),
                            ann: Some(a.id),
                        },
                        type_id: r.type_id.clone(),
                        from: filler(project, doc, &r.from),
                        to: filler(project, doc, &r.to),
                    }),
                    Body::Mention(_) => {}
                }
            }
        }
        idx
    }
}

/// The label of an event: its type label, and its trigger's words when it has some.
pub fn event_label(project: &Project, a: &Annotation) -> String {
    let ty = project.schema.label(a.type_id());
    match a.anchor() {
        Some(t) => format!("{ty}: {}", t.quote.exact),
        None => ty.to_owned(),
    }
}

fn event_info(project: &Project, doc: &Document, a: &Annotation, depth: u8) -> EventInfo {
    let role_labels: BTreeMap<Slug, String> = project
        .schema
        .event(a.type_id())
        .map(|t| {
            t.roles
                .iter()
                .map(|r| (r.id.clone(), r.label.clone()))
                .collect()
        })
        .unwrap_or_default();
    let mut roles = BTreeMap::new();
    let mut range = None;
    let mut dated_by = String::new();
    let Some(ev) = a.as_event() else {
        return EventInfo {
            link: Link {
                doc: doc.id(),
                ann: Some(a.id),
            },
            type_id: a.type_id().clone(),
            label: event_label(project, a),
            doc_title: doc.meta.title.clone(),
            roles,
            range,
            dated_by,
            resp: a.annotator().to_owned(),
            role_labels,
        };
    };
    for (role, targets) in &ev.roles {
        roles.insert(
            role.clone(),
            targets.iter().map(|t| filler(project, doc, t)).collect(),
        );
    }
    if let Some(d) = &ev.date {
        range = TimeRange::of(d);
        dated_by = "date".into();
    }
    if range.is_none() {
        let dated = |end: bool| {
            ev.roles
                .iter()
                .filter(move |(r, _)| is_end_role(r.as_str()) == end)
                .flat_map(|(r, ts)| ts.iter().map(move |t| (r, t)))
                .find_map(|(r, t)| match t {
                    Target::Annotation(id) => doc
                        .annotations
                        .get(id)
                        .and_then(Annotation::as_mention)
                        .and_then(|m| m.date.as_ref())
                        .and_then(TimeRange::of)
                        .map(|tr| (r.as_str(), tr)),
                    Target::Entry(_) => None,
                })
        };
        let start = dated(false);
        let end = dated(true);
        match (start, end) {
            (Some((r, s)), Some((_, e))) => {
                // An end time marks the moment the event ended, not a span of its own.
                let end_at = e.start.or(e.end);
                let mut tr = s.clone();
                if let (Some(a), Some(b)) = (s.start, end_at)
                    && b > a
                {
                    tr.end = Some(b);
                    tr.label = format!("{} – {}", s.label, e.label);
                }
                range = Some(tr);
                dated_by = r.to_owned();
            }
            (Some((r, s)), None) => {
                range = Some(s);
                dated_by = r.to_owned();
            }
            (None, Some((r, e))) => {
                range = Some(TimeRange {
                    start: None,
                    end: e.start.or(e.end),
                    label: format!("before {}", e.label),
                });
                dated_by = r.to_owned();
            }
            (None, None) => {}
        }
    }
    if range.is_none() && depth == 0 {
        // An agenda point, or any event that is part of another, takes that event's time.
        'outer: for (role, targets) in &ev.roles {
            for t in targets {
                if let Target::Annotation(id) = t
                    && let Some(other) = doc.annotations.get(id)
                    && other.as_event().is_some()
                    && role.as_str() != "forwards"
                    && role.as_str() != "document"
                {
                    let info = event_info(project, doc, other, 1);
                    if let Some(r) = info.range {
                        range = Some(r);
                        dated_by = format!("via {role}");
                        break 'outer;
                    }
                }
            }
        }
    }
    EventInfo {
        link: Link {
            doc: doc.id(),
            ann: Some(a.id),
        },
        type_id: ev.type_id.clone(),
        label: event_label(project, a),
        doc_title: doc.meta.title.clone(),
        roles,
        range,
        dated_by,
        resp: a.annotator().to_owned(),
        role_labels,
    }
}

/// Resolves one role filler or relation end within `doc`.
pub fn filler(project: &Project, doc: &Document, t: &Target) -> Filler {
    match t {
        Target::Entry(id) => {
            let e = project.registry.get(id);
            Filler {
                target: *t,
                actor: Some(Actor::Entry(*id)),
                entity_type: e.map(|e| e.type_id.clone()),
                label: e.map_or_else(
                    || format!("missing entry {}", id.short()),
                    |e| e.name.clone(),
                ),
            }
        }
        Target::Annotation(id) => match doc.annotations.get(id) {
            Some(a) => match &a.body {
                Body::Mention(m) => Filler {
                    target: *t,
                    actor: Some(match m.entry {
                        Some(e) => Actor::Entry(e),
                        None => Actor::Unlinked {
                            type_id: m.type_id.clone(),
                            text: fold(m.anchor.quote.exact.trim()),
                            label: m.anchor.quote.exact.trim().to_owned(),
                        },
                    }),
                    entity_type: Some(m.type_id.clone()),
                    label: m.anchor.quote.exact.clone(),
                },
                _ => Filler {
                    target: *t,
                    actor: None,
                    entity_type: None,
                    label: event_label(project, a),
                },
            },
            None => Filler {
                target: *t,
                actor: None,
                entity_type: None,
                label: format!("missing annotation {}", id.short()),
            },
        },
    }
}

/// The display name of an actor: the entry's name, or the unlinked text.
pub fn actor_label(project: &Project, actor: &Actor) -> String {
    match actor {
        Actor::Entry(id) => project.registry.get(id).map_or_else(
            || format!("missing entry {}", id.short()),
            |e| e.name.clone(),
        ),
        Actor::Unlinked { label, .. } => label.clone(),
    }
}

/// The entity type of an actor, if known.
pub fn actor_type<'a>(project: &'a Project, actor: &'a Actor) -> Option<&'a Slug> {
    match actor {
        Actor::Entry(id) => project.registry.get(id).map(|e| &e.type_id),
        Actor::Unlinked { type_id, .. } => Some(type_id),
    }
}

/// Finds a registry entry by id or by its best-matching name or alias (exact, prefix or
/// word match; ties go to the first entry in id order).
pub fn find_entry(project: &Project, query: &str) -> Option<EntryId> {
    if let Ok(id) = query.parse::<EntryId>()
        && project.registry.contains_key(&id)
    {
        return Some(id);
    }
    let mut best: Option<(u32, EntryId)> = None;
    for e in project.registry.values() {
        if let Some(s) = e.match_score(query)
            && s >= 60
            && best.is_none_or(|(b, _)| s > b)
        {
            best = Some((s, e.id));
        }
    }
    best.map(|(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_bounds_cover_their_precision() {
        let (a, b) = iso_bounds("1951-07-10").unwrap();
        assert_eq!(b - a, 1440);
        assert_eq!(iso_minute(a), "1951-07-10T00:00");
        let (a, b) = iso_bounds("1951").unwrap();
        assert_eq!(iso_day(a), "1951-01-01");
        assert_eq!(iso_day(b), "1952-01-01");
        let (a, b) = iso_bounds("1952-02").unwrap();
        assert_eq!((b - a) / 1440, 29);
        let (a, _) = iso_bounds("1951-07-10T15:30").unwrap();
        assert_eq!(iso_minute(a), "1951-07-10T15:30");
        assert_eq!(iso_bounds("1951-13"), None);
        assert_eq!(iso_day(iso_bounds("0001-01-01").unwrap().0), "0001-01-01");
    }

    #[test]
    fn ranges_from_uncertain_dates() {
        let r = TimeRange::of(&NormalizedDate::range(
            "1951-07-10T17:00",
            "1951-07-11T00:00",
        ))
        .unwrap();
        assert_eq!(r.end.unwrap() - r.start.unwrap(), 7 * 60 + 1);
        let open = TimeRange::of(&NormalizedDate {
            when: None,
            not_before: Some("1951-07".into()),
            not_after: None,
        })
        .unwrap();
        assert_eq!(open.end, None);
        let (a, b) = iso_bounds("1960").unwrap();
        assert!(open.overlaps(a, b));
        assert!(!r.overlaps(a, b));
        assert_eq!(TimeRange::of(&NormalizedDate::default()), None);
    }
}
