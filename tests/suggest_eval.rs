//! Suggestions measured on real data: the two FRUS volumes of ../shared (gold `persName`,
//! `placeName` and `date` tags). The documents are put in their edition order and split
//! alternately: the annotations of every other document are the project's only knowledge,
//! the other half is hidden and its tags are the gold. Prints precision and recall per
//! type for each recommender (and for the project recommender at several thresholds);
//! the figures are recorded in docs/suggestions.md.
//!
//! A person counts as correct only with the right entry. FRUS volumes carry no person keys,
//! so each distinct person name (folded) of the known half becomes one registry entry, and
//! the known mentions are linked to it, as an annotator working through the volume would;
//! a hidden mention's right entry is that of its name (or none when the known half never
//! names it). A date counts as correct when its span is the gold span and its value is the
//! gold `@when` (when the gold has one).
//!
//! Run: `cargo test --release --test suggest_eval -- --ignored --nocapture` (about a minute).

#![allow(clippy::unwrap_used)]

mod support;

use marginalia::interchange::tei::TeiImporter;
use marginalia::model::matching::fold;
use marginalia::model::suggest::dates::DateRecommender;
use marginalia::model::suggest::project::ProjectRecommender;
use marginalia::model::suggest::{Recommender, Rejections, Suggestion, filter};
use marginalia::model::{Body, DocId, Entry, EntryId, Project, Slug};
use std::collections::{BTreeMap, HashMap};

use support::shared;

/// (document, start, end, type) → (entry, date value).
type Gold = HashMap<(DocId, usize, usize, String), (Option<EntryId>, Option<String>)>;

fn order_key(p: &Project, d: DocId) -> (u64, String) {
    let m = &p.documents[&d].meta;
    let digits: String = m
        .archival
        .source_id
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    (
        digits.parse().unwrap_or(u64::MAX),
        m.archival.source_id.clone(),
    )
}

/// Splits `p` into the known project (hidden documents without annotations) and the gold.
fn split(mut p: Project) -> (Project, Vec<DocId>, Gold) {
    let mut ids: Vec<DocId> = p.documents.keys().copied().collect();
    ids.sort_by_key(|d| order_key(&p, *d));
    let hidden: Vec<DocId> = ids.iter().copied().skip(1).step_by(2).collect();
    // One entry per distinct person name of the known half, for mentions without one.
    let mut by_name: BTreeMap<String, EntryId> = BTreeMap::new();
    for id in ids.iter().step_by(2) {
        let d = p.documents.get_mut(id).unwrap();
        // The edition's tagging of a document is complete by its own rules: what it left
        // untagged was left on purpose (the project recommender counts it against a
        // string only in documents marked done).
        d.meta.status = marginalia::model::document::DocStatus::Done;
        for a in d.annotations.values_mut() {
            if let Body::Mention(m) = &mut a.body
                && m.type_id.0 == "person"
                && m.entry.is_none()
            {
                let name = m.anchor.quote.exact.clone();
                let e = *by_name.entry(fold(&name)).or_insert_with(|| {
                    let e = Entry {
                        id: EntryId::new(),
                        type_id: Slug::new("person"),
                        name: name.clone(),
                        aliases: Vec::new(),
                        authority: Vec::new(),
                        note: String::new(),
                        coordinates: None,
                        created: None,
                        modified: None,
                    };
                    let id = e.id;
                    p.registry.insert(id, e);
                    id
                });
                m.entry = Some(e);
            }
        }
    }
    let mut gold = Gold::new();
    for id in &hidden {
        let d = p.documents.get_mut(id).unwrap();
        for a in d.annotations.values() {
            let Some(m) = a.as_mention() else { continue };
            if m.anchor.fragments.len() != 1 {
                continue;
            }
            let s = m.anchor.fragments[0];
            let entry = if m.type_id.0 == "person" {
                m.entry
                    .or_else(|| by_name.get(&fold(&m.anchor.quote.exact)).copied())
            } else {
                m.entry
            };
            gold.insert(
                (*id, s.start, s.end, m.type_id.0.clone()),
                (entry, m.date.as_ref().and_then(|d| d.when.clone())),
            );
        }
        d.annotations.clear();
    }
    (p, hidden, gold)
}

fn correct(s: &Suggestion, gold: &Gold) -> bool {
    let key = (s.doc, s.span.start, s.span.end, s.type_id.0.clone());
    let Some((entry, when)) = gold.get(&key) else {
        return false;
    };
    match s.type_id.0.as_str() {
        "person" => s.entry == *entry,
        // "1936-05-20T14:00:00" in the edition is "1936-05-20T14:00" here.
        "date" => {
            let short = |w: &String| {
                w.strip_suffix(":00")
                    .filter(|x| x.len() == 16)
                    .map_or(w.clone(), str::to_owned)
            };
            when.is_none()
                || s.date.as_ref().and_then(|d| d.when.as_ref()).map(short)
                    == when.as_ref().map(short)
        }
        _ => true,
    }
}

/// Only the suggestions on lines where the edition tagged something of their type: FRUS
/// tags people only in headings (sender, recipient) and dates only in datelines, so
/// elsewhere a right suggestion has no gold to match.
fn on_gold_lines(p: &Project, sugg: &[Suggestion], gold: &Gold) -> Vec<Suggestion> {
    let lines: std::collections::HashSet<(DocId, usize, String)> = gold
        .keys()
        .map(|k| {
            (
                k.0,
                p.documents[&k.0].text_or_empty().line_of(k.1),
                k.3.clone(),
            )
        })
        .collect();
    sugg.iter()
        .filter(|s| {
            let line = p.documents[&s.doc].text_or_empty().line_of(s.span.start);
            lines.contains(&(s.doc, line, s.type_id.0.clone()))
        })
        .cloned()
        .collect()
}

fn table(name: &str, rec: &str, sugg: &[Suggestion], gold: &Gold, min: f32) {
    let mut types: Vec<String> = gold.keys().map(|k| k.3.clone()).collect();
    types.sort();
    types.dedup();
    for ty in types {
        let n_gold = gold.keys().filter(|k| k.3 == ty).count();
        let mine: Vec<&Suggestion> = sugg
            .iter()
            .filter(|s| s.type_id.0 == ty && s.score >= min)
            .collect();
        if !matches!(ty.as_str(), "person" | "place" | "date") {
            continue;
        }
        if mine.is_empty() && !rec.starts_with("dates") && ty == "date" {
            continue;
        }
        if rec.starts_with("dates") && ty != "date" {
            continue;
        }
        let tp = mine.iter().filter(|s| correct(s, gold)).count();
        let p = tp as f64 / mine.len().max(1) as f64;
        let r = tp as f64 / n_gold.max(1) as f64;
        println!(
            "| {name} | {rec} | ≥{min:.1} | {ty} | {} | {} | {tp} | {p:.3} | {r:.3} |",
            n_gold,
            mine.len()
        );
    }
}

fn evaluate(file: &str) {
    let path = shared(&format!("corpora/tei/frus/{file}"));
    let tmp = tempfile::tempdir().unwrap();
    let (p, _) =
        marginalia::interchange::import::import_into(&TeiImporter, &path, tmp.path()).unwrap();
    let (p, hidden, gold) = split(p);
    let none = Rejections::new();
    let t = std::time::Instant::now();
    let mut pr = ProjectRecommender::new(&p, &none);
    pr.min_score = 0.0;
    let learn = t.elapsed();
    let dr = DateRecommender::default();
    let mut by_rec: Vec<(&str, Vec<Suggestion>)> = Vec::new();
    for (rec, r) in [("project", &pr as &dyn Recommender), ("dates", &dr)] {
        let mut all = Vec::new();
        for id in &hidden {
            let d = &p.documents[id];
            all.extend(filter(r.suggest(&p, d).unwrap(), d, &none));
        }
        by_rec.push((rec, all));
    }
    println!(
        "{file}: {} documents, {} hidden; gold {} mentions; learnt {} strings in {:?}",
        p.documents.len(),
        hidden.len(),
        gold.len(),
        pr.len(),
        learn
    );
    println!(
        "| volume | recommender | score | type | gold | suggested | correct | precision | recall |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (rec, all) in &by_rec {
        let mins: &[f32] = if *rec == "project" {
            &[0.3, 0.5, 0.7, 0.9]
        } else {
            &[0.0]
        };
        for &m in mins {
            table(file, rec, all, &gold, m);
        }
    }
    println!(
        "On the lines where the edition tagged that type (headings for people, datelines for dates):"
    );
    for (rec, all) in &by_rec {
        let mine = on_gold_lines(&p, all, &gold);
        let mins: &[f32] = if *rec == "project" {
            &[0.5, 0.7]
        } else {
            &[0.0]
        };
        for &m in mins {
            table(file, &format!("{rec} (gold lines)"), &mine, &gold, m);
        }
    }
    // Where dates go wrong: the first suggestions that are not gold, and gold not found.
    let dates = &by_rec[1].1;
    for s in dates.iter().filter(|s| !correct(s, &gold)).take(12) {
        println!(
            "  date not in gold: “{}” = {:?}",
            s.quote,
            s.date.as_ref().map(ToString::to_string)
        );
    }
    let found: std::collections::HashSet<_> = dates
        .iter()
        .map(|s| (s.doc, s.span.start, s.span.end))
        .collect();
    for (k, v) in gold
        .iter()
        .filter(|(k, _)| k.3 == "date" && !found.contains(&(k.0, k.1, k.2)))
        .take(12)
    {
        let q = p.documents[&k.0].text_or_empty().slice(k.1, k.2).to_owned();
        println!("  gold date missed: “{q}” = {:?}", v.1);
    }
    let people = &by_rec[0].1;
    for s in people
        .iter()
        .filter(|s| s.type_id.0 == "person" && s.score >= 0.5 && !correct(s, &gold))
        .take(12)
    {
        println!(
            "  person wrong: “{}” ({:.2}; {})",
            s.quote, s.score, s.basis
        );
    }
}

#[test]
#[ignore = "needs ../shared/corpora; run with --ignored --nocapture"]
fn frus_1936_v03() {
    evaluate("frus1936v03.xml");
}

#[test]
#[ignore = "needs ../shared/corpora; run with --ignored --nocapture"]
fn frus_1894_nicaragua() {
    evaluate("frus1894Nicaragua.xml");
}
