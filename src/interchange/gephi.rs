//! Gephi's spreadsheet import (`--format gephi`): `nodes.csv` (`Id`, `Label`, `Type`,
//! `Linked`) and `edges.csv` (`Source`, `Target`, `Type` Directed/Undirected, `Weight`,
//! `Label`, `Kind`, `Start`, `End`, `Events`). The tables are the project network of
//! [`crate::views::network`]: communications (sender → recipient, sender → copy), shared
//! meetings and relations between people and organizations, weighted by count.
//!
//! RFC 4180, UTF-8 without BOM, cells guarded against spreadsheet formulas as in the CSV
//! export.

use super::csv::guard;
use super::export::{ExportError, ExportReport, Exporter, Output, Progress};
use crate::model::Project;
use crate::views::network::{Network, NetworkFilter};
use crate::views::{Index, Link, iso_day};
use std::collections::{BTreeMap, BTreeSet};

/// Writes the node and edge tables.
pub struct GephiExporter;

/// Builds a CSV file in memory.
pub(crate) fn table(
    out: &Output,
    name: &str,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<Vec<u8>, ExportError> {
    let err = |e: &dyn std::fmt::Display| ExportError::Format {
        path: out.dir().join(name),
        message: e.to_string(),
    };
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(header).map_err(|e| err(&e))?;
    for row in rows {
        let row: Vec<String> = row.iter().map(|c| guard(c).into_owned()).collect();
        w.write_record(&row).map_err(|e| err(&e))?;
    }
    w.into_inner().map_err(|e| err(&e))
}

/// What a network export cannot hold: the events and relations that link no two people or
/// organizations, one sentence per type naming each annotation.
pub(crate) fn network_omissions(
    format: &str,
    project: &Project,
    index: &Index,
    net: &Network,
) -> Vec<String> {
    let used: BTreeSet<Link> = net
        .edges
        .iter()
        .flat_map(|e| e.links.iter().copied())
        .collect();
    let mut left: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let all = index
        .events
        .iter()
        .map(|e| (e.link, &e.type_id))
        .chain(index.relations.iter().map(|r| (r.link, &r.type_id)));
    for (link, ty) in all {
        if !used.contains(&link) {
            left.entry(project.schema.label(ty).to_owned())
                .or_default()
                .push(link.ann.map_or_else(String::new, |a| a.to_string()));
        }
    }
    left.into_iter()
        .map(|(ty, ids)| {
            format!(
                "{format} cannot express {} {ty} annotation(s) that link no two people or organizations: {}",
                ids.len(),
                ids.join(", ")
            )
        })
        .collect()
}

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
