//! CSV export for spreadsheets and network tools (Gephi): `mentions.csv`, `entities.csv`,
//! `events.csv` (one row per role filler) and `relations.csv`.
//!
//! RFC 4180 (comma, `"` quoting, CRLF rows), UTF-8 without BOM. Every text cell that a
//! spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a
//! leading `'`. Offsets are code points in the LF-normalized text, `[start, end)`.

use super::common::table::guard;
use super::export::{ExportError, ExportReport, Exporter, Output, Part, Progress, omit_parts};
use crate::model::{Annotation, Body, Document, Project, Target};
use std::path::{Path, PathBuf};

/// Writes the four CSV tables.
pub struct CsvExporter;

/// One table being written.
struct Table {
    name: &'static str,
    writer: ::csv::Writer<Vec<u8>>,
}

impl Table {
    fn new(name: &'static str, header: &[&str]) -> Result<Self, ExportError> {
        let mut t = Self {
            name,
            writer: ::csv::WriterBuilder::new()
                .terminator(::csv::Terminator::CRLF)
                .from_writer(Vec::new()),
        };
        t.row(header.iter().map(|s| (*s).to_owned()), Path::new(""))?;
        Ok(t)
    }

    fn row(
        &mut self,
        cells: impl IntoIterator<Item = String>,
        out_dir: &Path,
    ) -> Result<(), ExportError> {
        let cells: Vec<String> = cells.into_iter().map(|c| guard(&c).into_owned()).collect();
        self.writer
            .write_record(&cells)
            .map_err(|e| ExportError::Format {
                path: out_dir.join(self.name),
                message: e.to_string(),
            })
    }

    fn finish(self, output: &mut Output) -> Result<PathBuf, ExportError> {
        let path = output.dir().join(self.name);
        let bytes = self.writer.into_inner().map_err(|e| ExportError::Format {
            path: path.clone(),
            message: e.to_string(),
        })?;
        output.add(self.name, bytes)
    }
}

fn opt(s: Option<&str>) -> String {
    s.unwrap_or_default().to_owned()
}

/// Annotation id, label and linked entry id of a role filler or relation end.
fn target_cells(project: &Project, doc: &Document, t: &Target) -> [String; 3] {
    let label = project.target_label(doc.id(), t);
    match t {
        Target::Entry(e) => [String::new(), label, e.to_string()],
        Target::Annotation(a) => {
            let entry = doc
                .annotations
                .get(a)
                .and_then(Annotation::as_mention)
                .and_then(|m| m.entry)
                .map(|e| e.to_string())
                .unwrap_or_default();
            [a.to_string(), label, entry]
        }
    }
}

impl Exporter for CsvExporter {
    fn id(&self) -> &'static str {
        "csv"
    }

    fn label(&self) -> &'static str {
        "CSV tables"
    }

    fn write(
        &self,
        project: &Project,
        output: &mut Output,
        progress: Progress<'_>,
    ) -> Result<ExportReport, ExportError> {
        let out_dir = &output.dir().to_path_buf();
        let schema = &project.schema;
        let mut mentions = Table::new(
            "mentions.csv",
            &[
                "document",
                "id",
                "type",
                "text",
                "start",
                "end",
                "fragments",
                "entry id",
                "entry name",
                "date when",
                "date notBefore",
                "date notAfter",
                "cert",
                "resp",
                "note",
            ],
        )?;
        let mut events = Table::new(
            "events.csv",
            &[
                "event id",
                "type",
                "document",
                "trigger text",
                "role",
                "filler id",
                "filler label",
                "filler entry",
            ],
        )?;
        let mut relations = Table::new(
            "relations.csv",
            &[
                "id",
                "type",
                "document",
                "Source",
                "Target",
                "source label",
                "target label",
                "source annotation",
                "target annotation",
            ],
        )?;
        let n = project.documents.len().max(1);
        progress(0.0);
        let mut omitted = Vec::new();
        for (i, doc) in project.documents.values().enumerate() {
            let title = &doc.meta.title;
            for ann in doc.annotations.values() {
                match &ann.body {
                    Body::Mention(m) => {
                        let extent = m.anchor.extent();
                        let entry = m.entry.and_then(|e| project.registry.get(&e));
                        let date = m.date.as_ref();
                        mentions.row(
                            [
                                title.clone(),
                                ann.id.to_string(),
                                schema.label(&m.type_id).to_owned(),
                                m.anchor.covered_text(doc.text_or_empty()),
                                extent.start.to_string(),
                                extent.end.to_string(),
                                m.anchor
                                    .fragments
                                    .iter()
                                    .map(|s| format!("{}-{}", s.start, s.end))
                                    .collect::<Vec<_>>()
                                    .join(";"),
                                m.entry.map(|e| e.to_string()).unwrap_or_default(),
                                entry.map(|e| e.name.clone()).unwrap_or_default(),
                                opt(date.and_then(|d| d.when.as_deref())),
                                opt(date.and_then(|d| d.not_before.as_deref())),
                                opt(date.and_then(|d| d.not_after.as_deref())),
                                ann.cert.map(|c| c.as_str().to_owned()).unwrap_or_default(),
                                ann.annotator().to_owned(),
                                ann.note.clone(),
                            ],
                            out_dir,
                        )?;
                    }
                    Body::Event(ev) => {
                        let head = [
                            ann.id.to_string(),
                            schema.label(&ev.type_id).to_owned(),
                            title.clone(),
                            ev.trigger
                                .as_ref()
                                .map(|t| t.covered_text(doc.text_or_empty()))
                                .unwrap_or_default(),
                        ];
                        let role_label = |r: &crate::model::Slug| {
                            schema
                                .event(&ev.type_id)
                                .and_then(|t| t.role(r))
                                .map_or_else(|| r.to_string(), |s| s.label.clone())
                        };
                        let mut any = false;
                        for (role, fillers) in &ev.roles {
                            for f in fillers {
                                any = true;
                                let [id, label, entry] = target_cells(project, doc, f);
                                events.row(
                                    head.iter().cloned().chain([
                                        role_label(role),
                                        id,
                                        label,
                                        entry,
                                    ]),
                                    out_dir,
                                )?;
                            }
                        }
                        if !any {
                            events.row(
                                head.iter()
                                    .cloned()
                                    .chain(std::iter::repeat_n(String::new(), 4)),
                                out_dir,
                            )?;
                        }
                    }
                    Body::Relation(r) => {
                        let [from_id, from_label, from_entry] = target_cells(project, doc, &r.from);
                        let [to_id, to_label, to_entry] = target_cells(project, doc, &r.to);
                        let node = |entry: &String, id: &String| {
                            if entry.is_empty() {
                                id.clone()
                            } else {
                                entry.clone()
                            }
                        };
                        relations.row(
                            [
                                ann.id.to_string(),
                                schema.label(&r.type_id).to_owned(),
                                title.clone(),
                                node(&from_entry, &from_id),
                                node(&to_entry, &to_id),
                                from_label,
                                to_label,
                                from_id,
                                to_id,
                            ],
                            out_dir,
                        )?;
                    }
                }
            }
            super::export::omit_archival(&mut omitted, "CSV", doc);
            super::facs::omit_facsimile(&mut omitted, "CSV", project, doc);
            for a in doc.annotations.values() {
                let parts: &[Part] = match &a.body {
                    Body::Mention(_) => &[Part::Attributes],
                    Body::Event(_) => &[
                        Part::Attributes,
                        Part::Note,
                        Part::Certainty,
                        Part::Annotator,
                        Part::Date,
                    ],
                    Body::Relation(_) => &[
                        Part::Attributes,
                        Part::Note,
                        Part::Certainty,
                        Part::Annotator,
                    ],
                };
                omit_parts(&mut omitted, "CSV", parts, project, doc, a);
            }
            progress((i + 1) as f32 / n as f32);
        }
        let mut entities = Table::new(
            "entities.csv",
            &[
                "id",
                "type",
                "name",
                "aliases",
                "authority ids",
                "mention count",
            ],
        )?;
        let counts = project.mention_counts();
        for e in project.registry.values() {
            entities.row(
                [
                    e.id.to_string(),
                    schema.label(&e.type_id).to_owned(),
                    e.name.clone(),
                    e.aliases
                        .iter()
                        .map(|a| format!("{} ({})", a.name, a.kind.as_str()))
                        .collect::<Vec<_>>()
                        .join("; "),
                    e.authority
                        .iter()
                        .map(|a| format!("{}:{}", a.scheme.as_str(), a.id))
                        .collect::<Vec<_>>()
                        .join("; "),
                    counts.get(&e.id).copied().unwrap_or(0).to_string(),
                ],
                out_dir,
            )?;
        }
        let files = vec![
            mentions.finish(output)?,
            entities.finish(output)?,
            events.finish(output)?,
            relations.finish(output)?,
        ];
        progress(1.0);
        Ok(ExportReport { files, omitted })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_guarded() {
        for bad in ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx"] {
            assert_eq!(guard(bad), format!("'{bad}"));
        }
        for ok in ["Filippov", "1951-07-10", "", "a=b", "'quoted"] {
            assert_eq!(guard(ok), ok);
        }
    }
}
