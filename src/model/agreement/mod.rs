//! Inter-annotator agreement (issue 26): how far several annotators' versions of the same
//! documents agree. Plain Rust over the model; `marginalia agree` and the window's agreement
//! panel show what [`compute`] returns. Every number is defined in `docs/agreement.md`.
//!
//! A [`Study`] is the documents with one version per annotator: the annotators' layers of
//! one project ([`Study::from_layers`]) or several copies of a project, one per annotator
//! ([`Study::from_copies`]). An annotator who did not annotate a document has no version of
//! it (their labels there are missing, not "none").
//!
//! - [`units`]: every non-whitespace code point is a unit, labelled by each annotator with
//!   the type of the innermost mention covering it, or "none"; on these, observed agreement,
//!   Cohen's κ per pair, Fleiss' κ and Krippendorff's α ([`coding`]).
//! - [`spans`]: precision/recall/F1 of mentions, exact and overlapping, per type; registry
//!   links of mentions annotated alike; event roles; relations.
//! - [`unitizing`]: Krippendorff's α_u per document, as INCEpTION reports it.

pub mod coding;
pub mod spans;
pub mod unitizing;
pub mod units;

use crate::model::{AnnId, Annotation, DocId, DocStatus, Project, SourceText};
use coding::Tally;
use rayon::prelude::*;
use serde::Serialize;
use spans::{FrameCounts, LinkCounts, PairCounts, Prf, SpanCounts};
use std::collections::{BTreeMap, BTreeSet};
use thiserror::Error;

/// One annotator's version of a document.
#[derive(Clone, Debug)]
pub struct Version<'a> {
    /// The annotator's annotations of the document.
    pub annotations: Vec<&'a Annotation>,
    /// Every annotation of the document as the annotator's project holds it, to look up
    /// what roles and relations point at.
    pub all: &'a BTreeMap<AnnId, Annotation>,
}

/// A document of a study with each annotator's version (`None`: not annotated by them).
#[derive(Clone, Debug)]
pub struct StudyDoc<'a> {
    pub id: DocId,
    pub title: &'a str,
    pub text: &'a SourceText,
    pub versions: Vec<Option<Version<'a>>>,
}

/// Documents with the versions of several annotators.
#[derive(Clone, Debug, Default)]
pub struct Study<'a> {
    pub annotators: Vec<String>,
    /// By document id.
    pub documents: Vec<StudyDoc<'a>>,
    /// Documents or versions that could not be compared, and why.
    pub left_out: Vec<LeftOut>,
}

/// A document (or one annotator's version of it) the study leaves out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    pub document: String,
    pub title: String,
    /// The annotator whose version was left out; `None`: the whole document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotator: Option<String>,
    pub reason: String,
}

/// What to compare.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only these annotators (by name); `None`: all.
    pub annotators: Option<Vec<String>>,
    /// Only mentions of these entity types (slugs); `None`: every type used.
    pub types: Option<Vec<String>>,
    /// Only these documents: ids, unique id prefixes (8 or more hex digits) or exact
    /// titles; `None`: all.
    pub documents: Option<Vec<String>>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum AgreeError {
    #[error("agreement needs at least two annotators; found {found}")]
    TooFewAnnotators { found: usize },
    #[error("no annotator is called \"{name}\" (annotators: {known})")]
    UnknownAnnotator { name: String, known: String },
    #[error(
        "no document matches \"{0}\" (give an id, 8 or more leading hex digits of one, or a title)"
    )]
    UnknownDocument(String),
    #[error("\"{0}\" matches several documents; give more of the id")]
    AmbiguousDocument(String),
    #[error("no entity type \"{name}\" in the schema (types: {known})")]
    UnknownType { name: String, known: String },
    #[error(
        "the project has no annotator layers; switch on independent annotation, or compare copies: marginalia agree COPY COPY …"
    )]
    NoLayers,
}

/// Whether a copy's document counts as annotated: it has an annotation, or its status says
/// someone worked on it.
fn annotated_in_copy(doc: &crate::model::Document) -> bool {
    !doc.annotations.is_empty() || doc.meta.status != DocStatus::NotStarted
}

impl<'a> Study<'a> {
    /// One version per copy of a project (`copies[i]` is annotator `names[i]`), documents
    /// matched by id. A copy's document is its annotator's version when it has an
    /// annotation or a status other than "not started"; a copy whose text of a document
    /// differs from the first copy's is left out for that document.
    pub fn from_copies(
        copies: &[(&str, &'a Project)],
        filter: &Filter,
    ) -> Result<Self, AgreeError> {
        let names: Vec<String> = copies.iter().map(|(n, _)| (*n).to_owned()).collect();
        let chosen = choose_annotators(&names, filter)?;
        let mut ids: BTreeSet<DocId> = BTreeSet::new();
        for (_, p) in copies {
            ids.extend(p.documents.keys());
        }
        let titles: Vec<(DocId, &str)> = ids
            .iter()
            .filter_map(|id| {
                copies
                    .iter()
                    .find_map(|(_, p)| p.documents.get(id))
                    .map(|d| (*id, d.meta.title.as_str()))
            })
            .collect();
        let wanted = choose_documents(&titles, filter)?;
        let mut study = Study {
            annotators: chosen.iter().map(|i| names[*i].clone()).collect(),
            ..Study::default()
        };
        for id in ids.into_iter().filter(|id| wanted.contains(id)) {
            let mut text: Option<(&'a SourceText, &str)> = None;
            let mut title = "";
            let mut versions = Vec::new();
            let mut left = Vec::new();
            for &i in &chosen {
                let (name, project) = copies[i];
                let Some(doc) = project.documents.get(&id) else {
                    versions.push(None);
                    continue;
                };
                if title.is_empty() {
                    title = &doc.meta.title;
                }
                if !annotated_in_copy(doc) {
                    versions.push(None);
                    continue;
                }
                let Some(t) = doc.text.as_ref() else {
                    left.push((Some(name), "no transcription in this copy".to_owned()));
                    versions.push(None);
                    continue;
                };
                match text {
                    None => text = Some((t, name)),
                    Some((first, first_name)) if first.as_str() != t.as_str() => {
                        left.push((
                            Some(name),
                            format!("its text differs from {first_name}'s copy"),
                        ));
                        versions.push(None);
                        continue;
                    }
                    Some(_) => {}
                }
                versions.push(Some(Version {
                    annotations: doc.annotations.values().collect(),
                    all: &doc.annotations,
                }));
            }
            for (annotator, reason) in left {
                study.left_out.push(LeftOut {
                    document: id.to_string(),
                    title: title.to_owned(),
                    annotator: annotator.map(str::to_owned),
                    reason,
                });
            }
            if let Some((text, _)) = text {
                study.documents.push(StudyDoc {
                    id,
                    title,
                    text,
                    versions,
                });
            }
        }
        Ok(study)
    }

    /// The annotators' layers of one project: every document with a layer, each annotator's
    /// layer of it as their version. An annotator has a version of a document when their
    /// layer there has an annotation or they marked it done.
    pub fn from_layers(project: &'a Project, filter: &Filter) -> Result<Self, AgreeError> {
        let mut names: BTreeSet<String> = BTreeSet::new();
        let mut docs = Vec::new();
        for doc in project.documents.values() {
            let layers = crate::model::layers::layers_of(project, doc);
            if !layers.is_empty() {
                names.extend(layers.iter().cloned());
                docs.push((doc, layers));
            }
        }
        if names.is_empty() {
            return Err(AgreeError::NoLayers);
        }
        let names: Vec<String> = names.into_iter().collect();
        let chosen = choose_annotators(&names, filter)?;
        let titles: Vec<(DocId, &str)> = docs
            .iter()
            .map(|(d, _)| (d.id(), d.meta.title.as_str()))
            .collect();
        let wanted = choose_documents(&titles, filter)?;
        let mut study = Study {
            annotators: chosen.iter().map(|i| names[*i].clone()).collect(),
            ..Study::default()
        };
        for (doc, layers) in docs.into_iter().filter(|(d, _)| wanted.contains(&d.id())) {
            let Some(text) = doc.text.as_ref() else {
                study.left_out.push(LeftOut {
                    document: doc.id().to_string(),
                    title: doc.meta.title.clone(),
                    annotator: None,
                    reason: "no transcription".to_owned(),
                });
                continue;
            };
            let versions = chosen
                .iter()
                .map(|&i| {
                    let name = &names[i];
                    layers.contains(name).then(|| Version {
                        annotations: doc
                            .annotations
                            .values()
                            .filter(|a| a.layer.as_deref() == Some(name.as_str()))
                            .collect(),
                        all: &doc.annotations,
                    })
                })
                .collect();
            study.documents.push(StudyDoc {
                id: doc.id(),
                title: &doc.meta.title,
                text,
                versions,
            });
        }
        Ok(study)
    }
}

/// Indexes into `names` of the annotators the filter keeps (all when it names none).
fn choose_annotators(names: &[String], filter: &Filter) -> Result<Vec<usize>, AgreeError> {
    let chosen: Vec<usize> = match &filter.annotators {
        None => (0..names.len()).collect(),
        Some(wanted) => wanted
            .iter()
            .map(|w| {
                names
                    .iter()
                    .position(|n| n == w)
                    .ok_or_else(|| AgreeError::UnknownAnnotator {
                        name: w.clone(),
                        known: names.join(", "),
                    })
            })
            .collect::<Result<_, _>>()?,
    };
    if chosen.len() < 2 {
        return Err(AgreeError::TooFewAnnotators {
            found: chosen.len(),
        });
    }
    Ok(chosen)
}

/// The documents the filter keeps.
fn choose_documents(
    docs: &[(DocId, &str)],
    filter: &Filter,
) -> Result<BTreeSet<DocId>, AgreeError> {
    let Some(wanted) = &filter.documents else {
        return Ok(docs.iter().map(|(id, _)| *id).collect());
    };
    let mut out = BTreeSet::new();
    for w in wanted {
        let w_lower = w.to_ascii_lowercase();
        let by_id: Vec<DocId> = docs
            .iter()
            .filter(|(id, _)| {
                let s = id.to_string();
                s == w_lower || (w_lower.len() >= 8 && s.starts_with(&w_lower))
            })
            .map(|(id, _)| *id)
            .collect();
        let hits = if by_id.is_empty() {
            docs.iter()
                .filter(|(_, t)| *t == w)
                .map(|(id, _)| *id)
                .collect()
        } else {
            by_id
        };
        match hits.len() {
            0 => return Err(AgreeError::UnknownDocument(w.clone())),
            1 => {
                out.insert(hits[0]);
            }
            _ if filter_is_title(docs, w) => out.extend(hits),
            _ => return Err(AgreeError::AmbiguousDocument(w.clone())),
        }
    }
    Ok(out)
}

/// A title shared by several documents selects them all; an id prefix must be unique.
fn filter_is_title(docs: &[(DocId, &str)], w: &str) -> bool {
    docs.iter().any(|(_, t)| *t == w)
}

/// The labels of a study: "none" and the entity types compared, by slug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Labels {
    /// Index 0 is "none"; then the types in slug order.
    pub names: Vec<String>,
}

impl Labels {
    /// The types named by the filter (each must be an entity type of `schema` or used by a
    /// mention), else every type a mention in the study uses.
    pub fn of(
        study: &Study,
        filter: &Filter,
        schema: Option<&crate::model::Schema>,
    ) -> Result<Self, AgreeError> {
        let mut used: BTreeSet<String> = BTreeSet::new();
        for d in &study.documents {
            for v in d.versions.iter().flatten() {
                for a in &v.annotations {
                    if let Some(m) = a.as_mention() {
                        used.insert(m.type_id.0.clone());
                    }
                }
            }
        }
        let types: BTreeSet<String> = match &filter.types {
            None => used,
            Some(wanted) => {
                let mut known = used.clone();
                if let Some(s) = schema {
                    known.extend(s.entity_types.iter().map(|t| t.id.0.clone()));
                }
                for w in wanted {
                    if !known.contains(w) {
                        return Err(AgreeError::UnknownType {
                            name: w.clone(),
                            known: known.iter().cloned().collect::<Vec<_>>().join(", "),
                        });
                    }
                }
                wanted.iter().cloned().collect()
            }
        };
        let mut names = vec!["none".to_owned()];
        names.extend(types);
        Ok(Self { names })
    }

    pub fn index(&self, slug: &str) -> Option<u16> {
        self.names[1..]
            .binary_search_by(|n| n.as_str().cmp(slug))
            .ok()
            .map(|i| (i + 1) as u16)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.len() <= 1
    }
}

/// The mentions of a version that are compared: of a studied type, with text spans.
pub(crate) fn mentions<'v>(version: &'v Version, labels: &Labels) -> Vec<spans::Mention<'v>> {
    version
        .annotations
        .iter()
        .filter_map(|a| {
            let m = a.as_mention()?;
            let label = labels.index(&m.type_id.0)?;
            (!m.anchor.fragments.is_empty()).then_some(spans::Mention {
                label,
                fragments: &m.anchor.fragments,
                entry: m.entry,
            })
        })
        .collect()
}

/// What one document contributes to the report.
struct DocWork {
    tally: Tally,
    /// By pair; default where the pair did not both annotate the document.
    pairs: Vec<PairCounts>,
    /// α_u over the annotators present, by pair, and by label (category agreement).
    alpha_u: Option<f64>,
    alpha_u_pairs: Vec<Option<f64>>,
    alpha_u_labels: Vec<Option<f64>>,
    /// Mentions per annotator, by label.
    mentions: Vec<Vec<u64>>,
}

fn work(doc: &StudyDoc, labels: &Labels, raters: usize) -> DocWork {
    let present: Vec<bool> = doc.versions.iter().map(Option::is_some).collect();
    let ms: Vec<Vec<spans::Mention>> = doc
        .versions
        .iter()
        .map(|v| v.as_ref().map(|v| mentions(v, labels)).unwrap_or_default())
        .collect();
    let len = doc.text.len_chars();
    // Character units.
    let painted: Vec<Vec<u16>> = ms
        .iter()
        .zip(&present)
        .map(|(m, p)| if *p { units::paint(len, m) } else { Vec::new() })
        .collect();
    let mut tally = Tally::new(raters, labels.len(), present.clone());
    let mut row = vec![0u16; raters];
    for (offset, c) in doc.text.as_str().chars().enumerate() {
        if c.is_whitespace() {
            continue;
        }
        for (a, p) in painted.iter().enumerate() {
            row[a] = p.get(offset).copied().unwrap_or(0);
        }
        tally.add_unit(&row);
    }
    // Spans, links, frames.
    let pair_list = coding::pairs(raters);
    let pairs = pair_list
        .iter()
        .map(|&(a, b)| match (&doc.versions[a], &doc.versions[b]) {
            (Some(va), Some(vb)) => {
                let (spans, links) = spans::compare_mentions(&ms[a], &ms[b], labels.len());
                PairCounts {
                    spans,
                    links,
                    frames: spans::compare_frames(va, vb),
                }
            }
            _ => PairCounts::default(),
        })
        .collect();
    // Unitizing.
    let index: Vec<usize> = (0..raters).filter(|a| present[*a]).collect();
    let units: Vec<unitizing::Unit> = index
        .iter()
        .enumerate()
        .flat_map(|(r, &a)| {
            ms[a].iter().flat_map(move |m| {
                m.fragments.iter().map(move |f| unitizing::Unit {
                    rater: r,
                    category: m.label as usize,
                    begin: f.start as u64,
                    len: f.len() as u64,
                })
            })
        })
        .collect();
    let study = unitizing::Study::new(len as u64, index.len(), units);
    let alpha_u = study.alpha();
    let alpha_u_pairs = pair_list
        .iter()
        .map(|(a, b)| {
            let ia = index.iter().position(|x| x == a)?;
            let ib = index.iter().position(|x| x == b)?;
            study.pair(ia, ib).alpha()
        })
        .collect();
    let mut alpha_u_labels = vec![None; labels.len()];
    if index.len() >= 2 && len > 0 {
        for c in study.by_category() {
            alpha_u_labels[c.category] = c.alpha();
        }
    }
    let mentions = ms
        .iter()
        .map(|m| {
            let mut n = vec![0u64; labels.len()];
            for x in m {
                n[x.label as usize] += 1;
            }
            n
        })
        .collect();
    DocWork {
        tally,
        pairs,
        alpha_u,
        alpha_u_pairs,
        alpha_u_labels,
        mentions,
    }
}

/// The whole report, as `marginalia agree --json` prints it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub annotators: Vec<String>,
    /// The entity types compared.
    pub types: Vec<String>,
    /// Documents compared.
    pub documents: usize,
    /// Character units: non-whitespace code points of the documents compared.
    pub units: u64,
    /// Units every annotator labelled (documents all of them annotated).
    pub complete_units: u64,
    /// Share of agreeing annotator pairs over the complete units.
    pub observed: Option<f64>,
    /// Fleiss' κ (1971), over the complete units.
    pub fleiss_kappa: Option<f64>,
    /// Davies & Fleiss' κ (1982): chance averaged over pairs, over the complete units.
    pub davies_fleiss_kappa: Option<f64>,
    pub krippendorff_alpha: Option<f64>,
    /// Mean over documents of α_u among the annotators of each.
    pub krippendorff_alpha_u: Option<f64>,
    pub pairs: Vec<PairReport>,
    pub per_type: BTreeMap<String, TypeReport>,
    pub per_document: Vec<DocReport>,
    pub left_out: Vec<LeftOut>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairReport {
    pub a: String,
    pub b: String,
    /// Units both labelled.
    pub units: u64,
    pub observed: Option<f64>,
    pub cohen_kappa: Option<f64>,
    pub f1_exact: Option<f64>,
    pub f1_overlap: Option<f64>,
    pub exact: Prf,
    pub overlap: Prf,
    /// Mean over the documents both annotated of α_u between the two.
    pub alpha_u: Option<f64>,
    pub links: LinkReport,
    pub events: EventReport,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinkReport {
    #[serde(flatten)]
    pub counts: LinkCounts,
    /// same / linked.
    pub agreement: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventReport {
    #[serde(flatten)]
    pub counts: FrameCounts,
    /// F1 of events matched by type and trigger spans.
    pub f1_events: Option<f64>,
    /// F1 over (role, filler) pairs of the matched events.
    pub f1_roles: Option<f64>,
    pub f1_relations: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TypeReport {
    /// Mentions of the type per annotator.
    pub mentions: BTreeMap<String, u64>,
    /// On the units seen as "this type" or not.
    pub observed: Option<f64>,
    pub fleiss_kappa: Option<f64>,
    pub krippendorff_alpha: Option<f64>,
    /// Mean over documents of the type's α_u (category agreement).
    pub alpha_u: Option<f64>,
    pub pairs: Vec<TypePairReport>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TypePairReport {
    pub a: String,
    pub b: String,
    pub cohen_kappa: Option<f64>,
    pub f1_exact: Option<f64>,
    pub f1_overlap: Option<f64>,
    pub counts: SpanCounts,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocReport {
    pub id: String,
    pub title: String,
    /// The annotators who annotated it.
    pub annotators: Vec<String>,
    pub units: u64,
    pub observed: Option<f64>,
    pub fleiss_kappa: Option<f64>,
    pub krippendorff_alpha: Option<f64>,
    pub alpha_u: Option<f64>,
    /// Over all pairs of its annotators.
    pub f1_exact: Option<f64>,
    pub f1_overlap: Option<f64>,
}

fn f1(both: u64, a: u64, b: u64) -> Option<f64> {
    (a + b > 0).then(|| 2.0 * both as f64 / (a + b) as f64)
}

fn mean(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let (mut s, mut n) = (0.0, 0u32);
    for v in values.flatten() {
        s += v;
        n += 1;
    }
    (n > 0).then(|| s / f64::from(n))
}

/// Computes every number of the report. Documents are processed in parallel.
pub fn compute(study: &Study, labels: &Labels) -> Report {
    let raters = study.annotators.len();
    let works: Vec<DocWork> = study
        .documents
        .par_iter()
        .map(|d| work(d, labels, raters))
        .collect();
    let pair_list = coding::pairs(raters);
    let all = vec![true; raters];
    let tallies = || works.iter().map(|w| &w.tally);
    let fleiss = coding::fleiss(tallies(), &all);

    // Pairs.
    let mut pairs = Vec::new();
    for (p, &(a, b)) in pair_list.iter().enumerate() {
        let c = coding::cohen(tallies(), p);
        let mut sum = PairCounts::default();
        for w in &works {
            sum.add(&w.pairs[p]);
        }
        let mut spans_all = SpanCounts::default();
        for s in &sum.spans {
            spans_all.add(s);
        }
        let fr = sum.frames;
        pairs.push(PairReport {
            a: study.annotators[a].clone(),
            b: study.annotators[b].clone(),
            units: c.units,
            observed: c.observed,
            cohen_kappa: c.kappa,
            f1_exact: spans_all.exact().f1,
            f1_overlap: spans_all.overlap().f1,
            exact: spans_all.exact(),
            overlap: spans_all.overlap(),
            alpha_u: mean(works.iter().map(|w| w.alpha_u_pairs[p])),
            links: LinkReport {
                counts: sum.links,
                agreement: (sum.links.linked > 0)
                    .then(|| sum.links.same as f64 / sum.links.linked as f64),
            },
            events: EventReport {
                counts: fr,
                f1_events: f1(fr.events_matched, fr.events_a, fr.events_b),
                f1_roles: f1(fr.roles_both, fr.roles_a, fr.roles_b),
                f1_relations: f1(fr.relations_both, fr.relations_a, fr.relations_b),
            },
        });
    }

    // Types.
    let mut per_type = BTreeMap::new();
    for (k, name) in labels.names.iter().enumerate().skip(1) {
        let binary: Vec<Tally> = works.iter().map(|w| w.tally.binary(k)).collect();
        let f = coding::fleiss(binary.iter(), &all);
        let mut mentions = BTreeMap::new();
        for (a, annotator) in study.annotators.iter().enumerate() {
            mentions.insert(
                annotator.clone(),
                works.iter().map(|w| w.mentions[a][k]).sum(),
            );
        }
        let type_pairs = pair_list
            .iter()
            .enumerate()
            .map(|(p, &(a, b))| {
                let mut counts = SpanCounts::default();
                for w in &works {
                    if let Some(s) = w.pairs[p].spans.get(k) {
                        counts.add(s);
                    }
                }
                TypePairReport {
                    a: study.annotators[a].clone(),
                    b: study.annotators[b].clone(),
                    cohen_kappa: coding::cohen(binary.iter(), p).kappa,
                    f1_exact: counts.exact().f1,
                    f1_overlap: counts.overlap().f1,
                    counts,
                }
            })
            .collect();
        per_type.insert(
            name.clone(),
            TypeReport {
                mentions,
                observed: f.observed,
                fleiss_kappa: f.kappa,
                krippendorff_alpha: coding::krippendorff_alpha(binary.iter()),
                alpha_u: mean(works.iter().map(|w| w.alpha_u_labels[k])),
                pairs: type_pairs,
            },
        );
    }

    // Documents.
    let per_document = study
        .documents
        .iter()
        .zip(&works)
        .map(|(d, w)| {
            let one = std::slice::from_ref(&w.tally);
            let f = coding::fleiss(one.iter(), &w.tally.present);
            let mut spans_all = SpanCounts::default();
            for pc in &w.pairs {
                for s in &pc.spans {
                    spans_all.add(s);
                }
            }
            DocReport {
                id: d.id.to_string(),
                title: d.title.to_owned(),
                annotators: study
                    .annotators
                    .iter()
                    .zip(&w.tally.present)
                    .filter(|(_, p)| **p)
                    .map(|(n, _)| n.clone())
                    .collect(),
                units: w.tally.units,
                observed: f.observed,
                fleiss_kappa: f.kappa,
                krippendorff_alpha: coding::krippendorff_alpha(one.iter()),
                alpha_u: w.alpha_u,
                f1_exact: spans_all.exact().f1,
                f1_overlap: spans_all.overlap().f1,
            }
        })
        .collect();

    Report {
        annotators: study.annotators.clone(),
        types: labels.names[1..].to_vec(),
        documents: study.documents.len(),
        units: works.iter().map(|w| w.tally.units).sum(),
        complete_units: fleiss.units,
        observed: fleiss.observed,
        fleiss_kappa: fleiss.kappa,
        davies_fleiss_kappa: fleiss.davies_fleiss,
        krippendorff_alpha: coding::krippendorff_alpha(tallies()),
        krippendorff_alpha_u: mean(works.iter().map(|w| w.alpha_u)),
        pairs,
        per_type,
        per_document,
        left_out: study.left_out.clone(),
    }
}

#[cfg(test)]
mod tests;
