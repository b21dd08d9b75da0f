//! Tables for spreadsheets and network tools (CSV, Gephi, Palladio): cells guarded against
//! formulas, RFC 4180 files built in memory, and what a network table cannot hold.

use crate::interchange::export::{ExportError, Output};
use crate::model::Project;
use crate::views::network::Network;
use crate::views::{Index, Link};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// A cell made safe to open in a spreadsheet: a leading `'` before `=`, `+`, `-`, `@`, tab
/// or CR.
pub fn guard(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Builds a CSV file in memory.
pub fn table(
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
pub fn network_omissions(
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
