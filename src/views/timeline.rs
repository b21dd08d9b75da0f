//! Timeline data: every event with its normalized time range, in rows per event type or
//! per registry entry; undated events listed aside.

use super::{Actor, EventInfo, Index, Minute};
use crate::model::{DocId, EntryId, Project, Slug};
use serde::Serialize;
use std::collections::BTreeMap;

/// Which events a timeline shows. Empty / `None` fields do not filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimelineFilter {
    /// Event type ids to keep.
    pub types: Vec<Slug>,
    /// Keep events that `entry` fills any role of.
    pub entry: Option<EntryId>,
    pub document: Option<DocId>,
    /// Keep events made by this annotator (`resp`).
    pub annotator: Option<String>,
}

impl TimelineFilter {
    pub fn keeps(&self, e: &EventInfo) -> bool {
        (self.types.is_empty() || self.types.contains(&e.type_id))
            && self.entry.is_none_or(|x| e.has(x, None))
            && self.document.is_none_or(|d| e.link.doc == d)
            && self.annotator.as_ref().is_none_or(|r| &e.resp == r)
    }
}

/// How events are put in rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RowMode {
    /// One row per event type, in schema order.
    #[default]
    ByType,
    /// One row per registry entry filling a role (an event appears in each of its entries'
    /// rows), entries by name.
    ByEntry,
}

/// What a row stands for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum RowKey {
    Type(Slug),
    Entry(EntryId),
}

/// One row of the timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub key: RowKey,
    pub label: String,
    /// Indexes into [`Timeline::events`], by start time.
    pub events: Vec<usize>,
}

/// The data a timeline panel draws.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Timeline {
    /// Dated events kept by the filter, by start (open starts first), then by link.
    pub events: Vec<EventInfo>,
    pub rows: Vec<Row>,
    /// Events kept by the filter that have no date, in document order.
    pub undated: Vec<EventInfo>,
    /// The extent of all dated events, `[start, end)`; `None` when nothing is dated.
    pub extent: Option<(Minute, Minute)>,
}

impl Timeline {
    pub fn build(project: &Project, index: &Index, filter: &TimelineFilter, mode: RowMode) -> Self {
        let mut t = Timeline::default();
        for e in index.events.iter().filter(|e| filter.keeps(e)) {
            if e.range.is_some() {
                t.events.push(e.clone());
            } else {
                t.undated.push(e.clone());
            }
        }
        t.events.sort_by(|a, b| {
            let ka = a.range.as_ref().map(|r| (r.start, r.end));
            let kb = b.range.as_ref().map(|r| (r.start, r.end));
            ka.cmp(&kb).then(a.link.cmp(&b.link))
        });
        for r in t.events.iter().filter_map(|e| e.range.as_ref()) {
            let lo = r.start.or(r.end).unwrap_or(0);
            let hi = r.end.or(r.start.map(|s| s + 1)).unwrap_or(lo + 1);
            t.extent = Some(match t.extent {
                Some((a, b)) => (a.min(lo), b.max(hi)),
                None => (lo, hi),
            });
        }
        match mode {
            RowMode::ByType => {
                let mut by: BTreeMap<usize, (Slug, Vec<usize>)> = BTreeMap::new();
                for (i, e) in t.events.iter().enumerate() {
                    let pos = project
                        .schema
                        .event_types
                        .iter()
                        .position(|x| x.id == e.type_id)
                        .unwrap_or(usize::MAX);
                    by.entry(pos)
                        .or_insert_with(|| (e.type_id.clone(), Vec::new()))
                        .1
                        .push(i);
                }
                t.rows = by
                    .into_values()
                    .map(|(ty, events)| Row {
                        label: project.schema.label(&ty).to_owned(),
                        key: RowKey::Type(ty),
                        events,
                    })
                    .collect();
            }
            RowMode::ByEntry => {
                let mut by: BTreeMap<EntryId, Vec<usize>> = BTreeMap::new();
                for (i, e) in t.events.iter().enumerate() {
                    let mut seen: Vec<EntryId> = Vec::new();
                    for f in e.roles.values().flatten() {
                        if let Some(Actor::Entry(id)) = f.actor
                            && !seen.contains(&id)
                        {
                            seen.push(id);
                            by.entry(id).or_default().push(i);
                        }
                    }
                }
                t.rows = by
                    .into_iter()
                    .map(|(id, events)| Row {
                        key: RowKey::Entry(id),
                        label: super::actor_label(project, &Actor::Entry(id)),
                        events,
                    })
                    .collect();
                t.rows
                    .sort_by(|a, b| a.label.cmp(&b.label).then(a.events.cmp(&b.events)));
            }
        }
        t
    }
}
