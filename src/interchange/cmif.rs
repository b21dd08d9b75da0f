//! CMIF (`--format cmif`): the Correspondence Metadata Interchange Format behind
//! correspSearch, a TEI profile. One `cmif.xml` with a `<correspDesc>` per Communication
//! event: `<correspAction type="sent">` with the senders, the place sent from and the
//! date; `type="received"` with the recipients (copies as `subtype="cc"`); `type="transmitted"`
//! with the `via` fillers. Names carry authority URIs in `@ref` (GND, VIAF, Wikidata,
//! GeoNames, LCNAF) where the entry has them. Each letter points to its document in
//! `sourceDesc` (`@source`). Valid against tei_all.

use super::common::xml::escape as xml;
use super::export::{ExportError, ExportReport, Exporter, Output, Progress};
use crate::model::{Project, Slug};
use crate::views::{Actor, EventInfo, Filler, Index, TimeRange, iso_day};
use std::fmt::Write as _;

/// Writes `cmif.xml`.
pub struct CmifExporter;

/// The `@ref` attribute for a filler: its entry's authority URIs, space-separated.
fn ref_attr(project: &Project, f: &Filler) -> String {
    let Some(Actor::Entry(id)) = &f.actor else {
        return String::new();
    };
    let urls: Vec<String> = project
        .registry
        .get(id)
        .map(|e| e.authority.iter().filter_map(|a| a.url()).collect())
        .unwrap_or_default();
    if urls.is_empty() {
        String::new()
    } else {
        format!(" ref=\"{}\"", xml(&urls.join(" ")))
    }
}

/// The name of a filler: the entry's canonical name, else the words of the mention.
fn name(project: &Project, f: &Filler) -> String {
    match &f.actor {
        Some(a) => crate::views::actor_label(project, a),
        None => f.label.clone(),
    }
    .replace('\n', " ")
}

fn name_element(project: &Project, f: &Filler) -> Option<String> {
    let tag = match f.entity_type.as_ref().map(Slug::as_str) {
        Some("person") => "persName",
        Some("organization") => "orgName",
        Some("place") => "placeName",
        _ => return None,
    };
    Some(format!(
        "<{tag}{}>{}</{tag}>",
        ref_attr(project, f),
        xml(&name(project, f))
    ))
}

/// `@when` for a single day, else `@notBefore`/`@notAfter` (CMIF dates are days).
fn date_element(r: &TimeRange) -> String {
    let (a, b) = (r.start.map(iso_day), r.end.map(|t| iso_day(t - 1)));
    match (a, b) {
        (Some(a), Some(b)) if a == b => format!("<date when=\"{a}\"/>"),
        (a, b) => {
            let mut s = String::from("<date");
            if let Some(a) = a {
                let _ = write!(s, " notBefore=\"{a}\"");
            }
            if let Some(b) = b {
                let _ = write!(s, " notAfter=\"{b}\"");
            }
            s.push_str("/>");
            s
        }
    }
}

fn fillers<'a>(e: &'a EventInfo, role: &str) -> impl Iterator<Item = &'a Filler> {
    e.roles
        .iter()
        .filter(move |(r, _)| r.as_str() == role)
        .flat_map(|(_, f)| f.iter())
}

/// The CMIF document for `project`, and what it leaves out.
pub fn cmif(project: &Project, index: &Index) -> (String, Vec<String>) {
    let mut omitted = Vec::new();
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TEI xmlns=\"http://www.tei-c.org/ns/1.0\">\n  <teiHeader>\n    <fileDesc>\n      <titleStmt>\n");
    let _ = writeln!(
        s,
        "        <title>{}</title>\n      </titleStmt>\n      <publicationStmt>\n        <publisher>{}</publisher>\n      </publicationStmt>\n      <sourceDesc>",
        xml(&project.info.name),
        xml(&format!(
            "Correspondence metadata exported by Marginalia from the project \"{}\"",
            project.info.name
        ))
    );
    let letters: Vec<&EventInfo> = index
        .events
        .iter()
        .filter(|e| e.type_id.as_str() == "communication")
        .collect();
    let mut docs: Vec<_> = letters.iter().map(|e| e.link.doc).collect();
    docs.dedup();
    for d in &docs {
        let Some(doc) = project.documents.get(d) else {
            continue;
        };
        let url = &doc.meta.archival.url;
        let _ = writeln!(
            s,
            "        <bibl xml:id=\"doc-{d}\">{}{}</bibl>",
            xml(&doc.meta.title),
            if url.is_empty() {
                String::new()
            } else {
                format!(" <ref target=\"{}\">{}</ref>", xml(url), xml(url))
            }
        );
    }
    if docs.is_empty() {
        s.push_str("        <p>The project records no communications.</p>\n");
    }
    s.push_str("      </sourceDesc>\n    </fileDesc>\n    <profileDesc>\n");
    for e in &letters {
        let key = e.link.ann.map(|a| a.to_string()).unwrap_or_default();
        let _ = writeln!(
            s,
            "      <correspDesc key=\"{key}\" source=\"#doc-{}\">",
            e.link.doc
        );
        let mut actions: Vec<(&str, Option<&str>, Vec<String>)> = Vec::new();
        let mut sent: Vec<String> = fillers(e, "sender")
            .filter_map(|f| name_element(project, f))
            .collect();
        sent.extend(fillers(e, "place").filter_map(|f| name_element(project, f)));
        if let Some(r) = &e.range {
            sent.push(date_element(r));
            if r.start.is_some_and(|a| a % 1440 != 0) || r.end.is_some_and(|b| b % 1440 != 0) {
                omitted.push(format!(
                    "CMIF keeps dates to the day, not the time {} of Communication {key}",
                    r.label
                ));
            }
        }
        actions.push(("sent", None, sent));
        actions.push((
            "received",
            None,
            fillers(e, "recipient")
                .filter_map(|f| name_element(project, f))
                .collect(),
        ));
        actions.push((
            "received",
            Some("cc"),
            fillers(e, "copy_to")
                .filter_map(|f| name_element(project, f))
                .collect(),
        ));
        actions.push((
            "transmitted",
            None,
            fillers(e, "via")
                .filter_map(|f| name_element(project, f))
                .collect(),
        ));
        for (ty, sub, items) in actions {
            if items.is_empty() {
                continue;
            }
            let sub = sub.map_or_else(String::new, |x| format!(" subtype=\"{x}\""));
            let _ = writeln!(s, "        <correspAction type=\"{ty}\"{sub}>");
            for i in items {
                let _ = writeln!(s, "          {i}");
            }
            s.push_str("        </correspAction>\n");
        }
        let other: Vec<&str> = e
            .roles
            .keys()
            .map(Slug::as_str)
            .filter(|r| {
                !matches!(
                    *r,
                    "sender" | "recipient" | "copy_to" | "via" | "place" | "date"
                )
            })
            .collect();
        if !other.is_empty() {
            omitted.push(format!(
                "CMIF cannot express the role(s) {} of Communication {key} in \"{}\"",
                other.join(", "),
                e.doc_title
            ));
        }
        s.push_str("      </correspDesc>\n");
    }
    s.push_str("    </profileDesc>\n  </teiHeader>\n  <text>\n    <body>\n      <p/>\n    </body>\n  </text>\n</TEI>\n");
    if !letters.is_empty() {
        omitted.push(
            "CMIF expects the edition's editor (with e-mail), URL, publication date and licence in the header, which the project does not record; add them before submitting to correspSearch".to_owned(),
        );
    }
    (s, omitted)
}

impl Exporter for CmifExporter {
    fn id(&self) -> &'static str {
        "cmif"
    }

    fn label(&self) -> &'static str {
        "CMIF correspondence metadata (TEI)"
    }

    fn write(
        &self,
        project: &Project,
        out: &mut Output,
        progress: Progress<'_>,
    ) -> Result<ExportReport, ExportError> {
        let index = Index::build(project);
        progress(0.5);
        let (text, omitted) = cmif(project, &index);
        let file = out.add("cmif.xml", text.into_bytes())?;
        progress(1.0);
        Ok(ExportReport {
            files: vec![file],
            omitted,
        })
    }
}
