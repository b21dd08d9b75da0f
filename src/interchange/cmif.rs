//! CMIF (`--format cmif`): the Correspondence Metadata Interchange Format behind
//! correspSearch, a TEI profile. One `cmif.xml` with a `<correspDesc>` per Communication
//! event: `<correspAction type="sent">` with the senders, the place sent from and the
//! date; `type="received"` with the recipients (copies as `subtype="cc"`), and the place
//! and date of receipt from an Archival handling event (`action` received) of that
//! Communication; the `via` fillers are reported (CMIF has only sent and received). The
//! header carries what the CMIF schema requires: editors (the project's annotators), the
//! file's URL (its name; set the published address before submitting), the date of the
//! latest change, and CMIF's CC-BY 4.0 licence; each source is a `bibl type="online"` (with
//! a URL) or `"print"`. Valid against `cmi-customization.rng`. Names carry authority URIs in `@ref` (GND, VIAF, Wikidata,
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

/// The place and date of receipt of Communication `comm` in document `doc`: from an
/// Archival handling event whose `document` is the communication and whose `action` is
/// received (as the TEI import makes from a letter's received `correspAction`).
fn receipt(
    project: &Project,
    doc: crate::model::DocId,
    comm: crate::model::AnnId,
) -> Option<Vec<String>> {
    let d = project.documents.get(&doc)?;
    d.annotations.values().find_map(|a| {
        let ev = a.as_event()?;
        let received = a.attributes.get(&Slug::new("action"))
            == Some(&crate::model::AttrValue::Choice("received".into()));
        let of_this = ev
            .roles
            .get(&Slug::new("document"))
            .is_some_and(|t| t.contains(&crate::model::Target::Annotation(comm)));
        if ev.type_id.as_str() != "handling" || !received || !of_this {
            return None;
        }
        let mut items = Vec::new();
        for t in ev.roles.get(&Slug::new("place")).into_iter().flatten() {
            if let crate::model::Target::Entry(id) = t
                && let Some(e) = project.registry.get(id)
            {
                let urls: Vec<String> = e.authority.iter().filter_map(|a| a.url()).collect();
                let r = if urls.is_empty() {
                    String::new()
                } else {
                    format!(" ref=\"{}\"", xml(&urls.join(" ")))
                };
                items.push(format!("<placeName{r}>{}</placeName>", xml(&e.name)));
            }
        }
        if let Some(d) = &ev.date {
            let mut s = String::from("<date");
            for (k, v) in [
                ("when", &d.when),
                ("notBefore", &d.not_before),
                ("notAfter", &d.not_after),
            ] {
                if let Some(v) = v {
                    let day: String = v.chars().take(10).collect();
                    let _ = write!(s, " {k}=\"{}\"", xml(&day));
                }
            }
            s.push_str("/>");
            items.push(s);
        }
        Some(items)
    })
}

/// The CMIF document for `project`, and what it leaves out.
pub fn cmif(project: &Project, index: &Index) -> (String, Vec<String>) {
    let mut omitted = Vec::new();
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TEI xmlns=\"http://www.tei-c.org/ns/1.0\">\n  <teiHeader>\n    <fileDesc>\n      <titleStmt>\n");
    // Who annotated, and when the project last changed: from the annotations' stamps.
    let mut editors: Vec<String> = Vec::new();
    let mut latest: Option<crate::model::UtcTime> = None;
    for a in project
        .documents
        .values()
        .flat_map(|d| d.annotations.values())
    {
        let who = a.annotator();
        if !who.is_empty() && !editors.iter().any(|e| e == who) {
            editors.push(who.to_owned());
        }
        for st in [&a.created, &a.modified].into_iter().flatten() {
            latest = Some(latest.map_or(st.at, |l| l.max(st.at)));
        }
    }
    editors.sort();
    if editors.is_empty() {
        editors.push(format!("The editors of {}", project.info.name));
    }
    let _ = writeln!(s, "        <title>{}</title>", xml(&project.info.name));
    for e in &editors {
        let _ = writeln!(s, "        <editor>{}</editor>", xml(e));
    }
    let _ = writeln!(
        s,
        "      </titleStmt>\n      <publicationStmt>\n        <publisher>{}</publisher>\n        <idno type=\"url\">cmif.xml</idno>\n        <date when=\"{}\"/>\n        <availability>\n          <licence target=\"https://creativecommons.org/licenses/by/4.0/\">This file is licensed under the terms of the Creative Commons licence CC-BY 4.0</licence>\n        </availability>\n      </publicationStmt>\n      <sourceDesc>",
        xml(&format!(
            "Correspondence metadata exported by Marginalia from the project \"{}\"",
            project.info.name
        )),
        latest.unwrap_or_else(crate::model::UtcTime::now).date()
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
            "        <bibl type=\"{}\" xml:id=\"doc-{d}\">{}{}</bibl>",
            if url.is_empty() { "print" } else { "online" },
            xml(&doc.meta.title),
            if url.is_empty() {
                String::new()
            } else {
                format!(" <ref target=\"{}\">{}</ref>", xml(url), xml(url))
            }
        );
    }
    if docs.is_empty() {
        let _ = writeln!(
            s,
            "        <bibl type=\"print\">{} (the project records no communications)</bibl>",
            xml(&project.info.name)
        );
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
        // Where and when it was received: an Archival handling event of this letter.
        if let Some(received) = e.link.ann.and_then(|id| receipt(project, e.link.doc, id)) {
            actions.push(("received", Some("receipt"), received));
        }
        let via: Vec<String> = fillers(e, "via").map(|f| name(project, f)).collect();
        if !via.is_empty() {
            omitted.push(format!(
                "CMIF cannot express the transmission (via {}) of Communication {key} in \"{}\"",
                via.join(", "),
                e.doc_title
            ));
        }
        // The receipt's place and date join the (first) received action.
        let receipt_items: Vec<String> = actions
            .iter()
            .filter(|(_, sub, _)| *sub == Some("receipt"))
            .flat_map(|(_, _, i)| i.clone())
            .collect();
        actions.retain(|(_, sub, _)| *sub != Some("receipt"));
        if let Some((_, _, items)) = actions
            .iter_mut()
            .find(|(ty, sub, items)| *ty == "received" && sub.is_none() && !items.is_empty())
        {
            items.extend(receipt_items);
        }
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
            "CMIF expects the edition's editor (with e-mail), the file's published URL and a licence, which the project does not record: the header names the annotators as editors, the file name as URL and CMIF's CC-BY 4.0; check them before submitting to correspSearch".to_owned(),
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
