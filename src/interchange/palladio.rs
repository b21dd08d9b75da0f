//! Palladio (`--format palladio`): tables Palladio loads as they are.
//!
//! - `palladio-links.csv`: one row per event or relation behind an edge of the project
//!   network ([`crate::views::network`]): `Source`, `Source type`, `Target`,
//!   `Target type`, `Kind`, `Date` and `End date` (`YYYY-MM-DD`, the first and last day the
//!   event's normalized date allows; empty when undated), `Place` and `Coordinates`
//!   (`lat,lon` where the event's place entry has coordinates), `Document`, `Annotation`.
//! - `palladio-places.csv`: every place entry: `Place`, `Coordinates`, `Authority`.
//!
//! RFC 4180, UTF-8 without BOM, cells guarded against spreadsheet formulas.

use super::common::table::{network_omissions, table};
use super::export::{ExportError, ExportReport, Exporter, Output, Progress};
use crate::model::registry::Coordinates;
use crate::model::{EntryId, Project};
use crate::views::network::{Network, NetworkFilter};
use crate::views::{Actor, EventInfo, Index, Link, iso_day};
use std::collections::BTreeMap;

/// Writes the links and places tables.
pub struct PalladioExporter;

/// `lat,lon` as Palladio reads it.
pub fn coordinates_cell(c: &Coordinates) -> String {
    format!("{},{}", c.lat, c.lon)
}

/// The first place entry filling a `place` role of the event.
fn place_of(e: &EventInfo) -> Option<EntryId> {
    e.actors("place").find_map(|a| match a {
        Actor::Entry(id) => Some(*id),
        Actor::Unlinked { .. } => None,
    })
}

impl Exporter for PalladioExporter {
    fn id(&self) -> &'static str {
        "palladio"
    }

    fn label(&self) -> &'static str {
        "Palladio tables (links with dates and places)"
    }

    fn write(
        &self,
        project: &Project,
        out: &mut Output,
        progress: Progress<'_>,
    ) -> Result<ExportReport, ExportError> {
        let index = Index::build(project);
        progress(0.5);
        let net = Network::build(project, &index, &NetworkFilter::default());
        let events: BTreeMap<Link, &EventInfo> = index.events.iter().map(|e| (e.link, e)).collect();
        let doc_title = |l: &Link| {
            project
                .documents
                .get(&l.doc)
                .map_or_else(String::new, |d| d.meta.title.clone())
        };
        let mut rows = Vec::new();
        let mut places_without_coordinates = BTreeMap::new();
        for e in &net.edges {
            let (s, t) = (&net.nodes[e.source], &net.nodes[e.target]);
            for l in &e.links {
                let ev = events.get(l);
                let range = ev.and_then(|x| x.range.as_ref());
                let place = ev
                    .and_then(|x| place_of(x))
                    .and_then(|id| project.registry.get(&id));
                if let Some(p) = place
                    && p.coordinates.is_none()
                {
                    places_without_coordinates.insert(p.id, p.name.clone());
                }
                rows.push(vec![
                    s.label.clone(),
                    s.type_id.to_string(),
                    t.label.clone(),
                    t.type_id.to_string(),
                    e.kind.label(project).to_owned(),
                    range.and_then(|r| r.start).map(iso_day).unwrap_or_default(),
                    range
                        .and_then(|r| r.end)
                        .map(|t| iso_day(t - 1))
                        .unwrap_or_default(),
                    place.map(|p| p.name.clone()).unwrap_or_default(),
                    place
                        .and_then(|p| p.coordinates.as_ref())
                        .map(coordinates_cell)
                        .unwrap_or_default(),
                    doc_title(l),
                    l.ann.map(|a| a.to_string()).unwrap_or_default(),
                ]);
            }
        }
        let links = table(
            out,
            "palladio-links.csv",
            &[
                "Source",
                "Source type",
                "Target",
                "Target type",
                "Kind",
                "Date",
                "End date",
                "Place",
                "Coordinates",
                "Document",
                "Annotation",
            ],
            rows,
        )?;
        let places = table(
            out,
            "palladio-places.csv",
            &["Place", "Coordinates", "Authority"],
            project
                .registry
                .values()
                .filter(|e| e.type_id.as_str() == "place")
                .map(|e| {
                    vec![
                        e.name.clone(),
                        e.coordinates
                            .as_ref()
                            .map(coordinates_cell)
                            .unwrap_or_default(),
                        e.authority.iter().find_map(|a| a.url()).unwrap_or_default(),
                    ]
                }),
        )?;
        let files = vec![
            out.add("palladio-links.csv", links)?,
            out.add("palladio-places.csv", places)?,
        ];
        let mut omitted = network_omissions("Palladio", project, &index, &net);
        for (id, name) in places_without_coordinates {
            omitted.push(format!(
                "Palladio cannot map place \"{name}\" ({id}): its registry entry has no coordinates"
            ));
        }
        progress(1.0);
        Ok(ExportReport { files, omitted })
    }
}
