//! Gephi's spreadsheet import (`--format gephi`): `nodes.csv` (`Id`, `Label`, `Type`,
//! `Linked`) and `edges.csv` (`Source`, `Target`, `Type` Directed/Undirected, `Weight`,
//! `Label`, `Kind`, `Start`, `End`, `Events`). The tables are the project network of
//! [`crate::views::network`]: communications (sender → recipient, sender → copy), shared
//! meetings and relations between people and organizations, weighted by count.
//!
//! RFC 4180, UTF-8 without BOM, cells guarded against spreadsheet formulas as in the CSV
//! export.

use super::common::table::{network_omissions, table};
use super::export::{ExportError, ExportReport, Exporter, Output, Progress};
use crate::model::Project;
use crate::views::network::{Network, NetworkFilter};
use crate::views::{Index, iso_day};

/// Writes the node and edge tables.
pub struct GephiExporter;

impl Exporter for GephiExporter {
    fn id(&self) -> &'static str {
        "gephi"
    }

    fn label(&self) -> &'static str {
        "Gephi tables (nodes.csv, edges.csv)"
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
        let nodes = table(
            out,
            "nodes.csv",
            &["Id", "Label", "Type", "Linked"],
            net.nodes.iter().map(|n| {
                vec![
                    n.id.clone(),
                    n.label.clone(),
                    n.type_id.to_string(),
                    matches!(n.actor, crate::views::Actor::Entry(_)).to_string(),
                ]
            }),
        )?;
        let edges = table(
            out,
            "edges.csv",
            &[
                "Source", "Target", "Type", "Weight", "Label", "Kind", "Start", "End", "Events",
            ],
            net.edges.iter().map(|e| {
                let (start, end) = e.range.as_ref().map_or((None, None), |r| (r.start, r.end));
                vec![
                    net.nodes[e.source].id.clone(),
                    net.nodes[e.target].id.clone(),
                    if e.directed { "Directed" } else { "Undirected" }.to_owned(),
                    e.weight.to_string(),
                    e.kind.label(project).to_owned(),
                    e.kind.as_str().to_owned(),
                    start.map(iso_day).unwrap_or_default(),
                    end.map(|t| iso_day(t - 1)).unwrap_or_default(),
                    e.links
                        .iter()
                        .filter_map(|l| l.ann.map(|a| a.to_string()))
                        .collect::<Vec<_>>()
                        .join(" "),
                ]
            }),
        )?;
        let files = vec![out.add("nodes.csv", nodes)?, out.add("edges.csv", edges)?];
        progress(1.0);
        Ok(ExportReport {
            files,
            omitted: network_omissions("Gephi tables", project, &index, &net),
        })
    }
}
