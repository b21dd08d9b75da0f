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
    /// The lane each event is drawn in, parallel to `events`: events whose times overlap
    /// go in different lanes, so none hides another (up to [`MAX_LANES`]).
    pub lanes: Vec<u16>,
    /// How many lanes the row has (at least one).
    pub lane_count: u16,
}

/// Most lanes a row is given: beyond, overlapping events share the last lane.
pub const MAX_LANES: u16 = 6;

impl Row {
    fn new(key: RowKey, label: String, events: Vec<usize>, all: &[EventInfo]) -> Self {
        let (lanes, lane_count) = lanes(&events, all);
        Self {
            key,
            label,
            events,
            lanes,
            lane_count,
        }
    }
}

/// Puts each event (by start time) in the first lane free at its start: greedy interval
/// packing, so a row of events that never overlap stays one lane.
fn lanes(events: &[usize], all: &[EventInfo]) -> (Vec<u16>, u16) {
    let mut ends: Vec<Minute> = Vec::new();
    let mut out = Vec::with_capacity(events.len());
    for &i in events {
        let r = all.get(i).and_then(|e| e.range.as_ref());
        let start = r.and_then(|r| r.start).unwrap_or(Minute::MIN);
        let end = r
            .and_then(|r| r.end.or(r.start.map(|s| s + 1)))
            .unwrap_or(Minute::MAX);
        let lane = match ends.iter().position(|&e| e <= start) {
            Some(l) => l,
            None if ends.len() < usize::from(MAX_LANES) => {
                ends.push(Minute::MIN);
                ends.len() - 1
            }
            None => ends.len() - 1,
        };
        if let Some(e) = ends.get_mut(lane) {
            *e = (*e).max(end);
        }
        out.push(lane as u16);
    }
    (out, (ends.len() as u16).max(1))
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
                    .map(|(ty, events)| {
                        let label = project.schema.label(&ty).to_owned();
                        Row::new(RowKey::Type(ty), label, events, &t.events)
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
                    .map(|(id, events)| {
                        let label = super::actor_label(project, &Actor::Entry(id));
                        Row::new(RowKey::Entry(id), label, events, &t.events)
                    })
                    .collect();
                t.rows
                    .sort_by(|a, b| a.label.cmp(&b.label).then(a.events.cmp(&b.events)));
            }
        }
        t
    }

    /// The top of each row and the bottom of the last, for rows `lane_h` high per lane.
    pub fn row_tops(&self, lane_h: f32) -> Vec<f32> {
        let mut tops = Vec::with_capacity(self.rows.len() + 1);
        let mut y = 0.0;
        tops.push(y);
        for r in &self.rows {
            y += f32::from(r.lane_count) * lane_h;
            tops.push(y);
        }
        tops
    }
}
