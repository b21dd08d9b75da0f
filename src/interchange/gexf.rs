//! GEXF 1.3 (`--format gexf`): the project network of [`crate::views::network`] as one
//! `network.gexf`, dynamic, so Gephi's timeline plays it through time.
//!
//! The graph is `mode="dynamic"` with `timeformat="dateTime"` and interval spells: each
//! edge has one `<spell>` per dated event behind it; a node starts at its first dated
//! edge (a node with an undated edge, such as a relation, is there all along). Undated
//! edges have no spells and are always shown. Node attribute `type` (and `latitude`,
//! `longitude` from the registry, for Gephi's Geo Layout, when a node's entry has
//! coordinates); edge attributes `kind` and `events` (annotation ids).

use super::common::xml::escape as xml;
use super::export::{ExportError, ExportReport, Exporter, Output, Progress};
use crate::model::Project;
use crate::model::registry::Coordinates;
use crate::views::network::{Network, NetworkFilter};
use crate::views::{Actor, Index, Link, Minute, TimeRange, iso_minute};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Writes `network.gexf`.
pub struct GexfExporter;

/// An `xsd:dateTime` for a minute.
fn date_time(t: Minute) -> String {
    format!("{}:00", iso_minute(t))
}

fn spell_attrs(r: &TimeRange) -> String {
    let mut s = String::new();
    if let Some(a) = r.start {
        let _ = write!(s, " start=\"{}\"", date_time(a));
    }
    if let Some(b) = r.end {
        let _ = write!(s, " end=\"{}\"", date_time(b));
    }
    s
}

/// The GEXF document for `net`.
pub fn gexf(project: &Project, index: &Index, net: &Network) -> String {
    let ranges: BTreeMap<Link, &TimeRange> = index
        .events
        .iter()
        .filter_map(|e| e.range.as_ref().map(|r| (e.link, r)))
        .collect();
    // A node starts at its earliest dated edge, unless an undated edge keeps it always.
    let mut node_start: Vec<Option<Option<Minute>>> = vec![None; net.nodes.len()];
    for e in &net.edges {
        let start = if e.range.is_some() && e.links.iter().all(|l| ranges.contains_key(l)) {
            e.range.as_ref().and_then(|r| r.start)
        } else {
            None
        };
        for n in [e.source, e.target] {
            node_start[n] = Some(match (node_start[n], start) {
                (None, s) => s,
                (Some(Some(a)), Some(b)) => Some(a.min(b)),
                _ => None,
            });
        }
    }
    let mut s = String::with_capacity(256 + net.edges.len() * 256);
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(
        "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n",
    );
    let _ = writeln!(
        s,
        "  <meta>\n    <creator>Marginalia</creator>\n    <description>{}</description>\n  </meta>",
        xml(&format!("Network of {}", project.info.name))
    );
    s.push_str(
        "  <graph mode=\"dynamic\" defaultedgetype=\"directed\" timeformat=\"dateTime\" timerepresentation=\"interval\">\n",
    );
    // Registry coordinates of the nodes' entries, for Gephi's Geo Layout (`latitude`,
    // `longitude`); declared only when some node has them.
    let coordinates: Vec<Option<&Coordinates>> = net
        .nodes
        .iter()
        .map(|n| match &n.actor {
            Actor::Entry(id) => project
                .registry
                .get(id)
                .and_then(|e| e.coordinates.as_ref()),
            Actor::Unlinked { .. } => None,
        })
        .collect();
    let geo = coordinates.iter().any(Option::is_some);
    s.push_str("    <attributes class=\"node\" mode=\"static\">\n      <attribute id=\"type\" title=\"Type\" type=\"string\"/>\n");
    if geo {
        s.push_str("      <attribute id=\"latitude\" title=\"latitude\" type=\"double\"/>\n      <attribute id=\"longitude\" title=\"longitude\" type=\"double\"/>\n");
    }
    s.push_str("    </attributes>\n");
    s.push_str("    <attributes class=\"edge\" mode=\"static\">\n      <attribute id=\"kind\" title=\"Kind\" type=\"string\"/>\n      <attribute id=\"events\" title=\"Events\" type=\"string\"/>\n    </attributes>\n");
    s.push_str("    <nodes>\n");
    for (i, n) in net.nodes.iter().enumerate() {
        let start = match node_start[i] {
            Some(Some(a)) => format!(" start=\"{}\"", date_time(a)),
            _ => String::new(),
        };
        let geo_values = coordinates[i].map_or_else(String::new, |c| {
            format!(
                "\n          <attvalue for=\"latitude\" value=\"{}\"/>\n          <attvalue for=\"longitude\" value=\"{}\"/>",
                c.lat, c.lon
            )
        });
        let _ = writeln!(
            s,
            "      <node id=\"{}\" label=\"{}\"{start}>\n        <attvalues>\n          <attvalue for=\"type\" value=\"{}\"/>{geo_values}\n        </attvalues>\n      </node>",
            xml(&n.id),
            xml(&n.label),
            xml(n.type_id.as_str())
        );
    }
    s.push_str("    </nodes>\n    <edges>\n");
    for (i, e) in net.edges.iter().enumerate() {
        let events: Vec<String> = e
            .links
            .iter()
            .filter_map(|l| l.ann.map(|a| a.to_string()))
            .collect();
        let _ = writeln!(
            s,
            "      <edge id=\"{i}\" source=\"{}\" target=\"{}\" type=\"{}\" weight=\"{}\" label=\"{}\">",
            xml(&net.nodes[e.source].id),
            xml(&net.nodes[e.target].id),
            if e.directed { "directed" } else { "undirected" },
            e.weight,
            xml(e.kind.label(project))
        );
        let _ = writeln!(
            s,
            "        <attvalues>\n          <attvalue for=\"kind\" value=\"{}\"/>\n          <attvalue for=\"events\" value=\"{}\"/>\n        </attvalues>",
            xml(e.kind.as_str()),
            events.join(" ")
        );
        let spells: Vec<&TimeRange> = e
            .links
            .iter()
            .filter_map(|l| ranges.get(l).copied())
            .collect();
        if !spells.is_empty() && spells.len() == e.links.len() {
            s.push_str("        <spells>\n");
            for r in spells {
                let _ = writeln!(s, "          <spell{}/>", spell_attrs(r));
            }
            s.push_str("        </spells>\n");
        }
        s.push_str("      </edge>\n");
    }
    s.push_str("    </edges>\n  </graph>\n</gexf>\n");
    s
}

impl Exporter for GexfExporter {
    fn id(&self) -> &'static str {
        "gexf"
    }

    fn label(&self) -> &'static str {
        "GEXF 1.3 network with dates (Gephi)"
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
        let mut omitted = super::common::table::network_omissions("GEXF", project, &index, &net);
        let undated: usize = net
            .edges
            .iter()
            .filter(|e| e.links.iter().any(|l| !index_has_range(&index, l)))
            .count();
        if undated > 0 {
            omitted.push(format!(
                "GEXF cannot place {undated} edge(s) in time: an event or relation behind them has no date, so they are shown throughout"
            ));
        }
        let file = out.add("network.gexf", gexf(project, &index, &net).into_bytes())?;
        progress(1.0);
        Ok(ExportReport {
            files: vec![file],
            omitted,
        })
    }
}

fn index_has_range(index: &Index, link: &Link) -> bool {
    index
        .events
        .binary_search_by(|e| e.link.cmp(link))
        .ok()
        .is_some_and(|i| index.events[i].range.is_some())
}
