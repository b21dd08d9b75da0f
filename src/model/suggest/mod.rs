//! Suggestions: the project annotates itself ahead of the annotator.
//!
//! A [`Recommender`] reads one document and proposes [`Suggestion`]s — a span, an entity
//! type, perhaps a registry entry and a normalized date, with a score in 0…1 and the
//! reason in words. Three recommenders exist:
//!
//! - [`project::ProjectRecommender`] — every string annotated anywhere in the project and
//!   every registry name and alias, matched whole-word with the project's folding (accents
//!   and case, [`crate::model::matching::fold`]); it learns at once from what is accepted,
//!   rejected or annotated by hand;
//! - [`dates::DateRecommender`] — absolute and relative date expressions in English,
//!   German, French and Russian, normalized against the document's date by
//!   [`crate::model::date::guess`];
//! - [`external::ExternalRecommender`] — an outside program speaking a small JSON protocol
//!   (see `docs/suggestions.md`), so a spaCy or Flair model can plug in.
//!
//! Suggestions are not annotations: they live beside the project, are never counted or
//! exported, and become annotations only when accepted ([`accept`]: one transaction, so
//! one undo step, stamped by the session's annotator when committed). Rejections are
//! remembered per project ([`Rejections`]) and not proposed again.

pub mod dates;
pub mod external;
pub mod project;
mod tokens;

use crate::model::anchor::{Span, TextAnchor};
use crate::model::annotation::{Annotation, Body, Certainty, Mention};
use crate::model::date::NormalizedDate;
use crate::model::document::Document;
use crate::model::ids::{DocId, EntryId, Slug};
use crate::model::matching::fold;
use crate::model::ops::error::OpError;
use crate::model::{Edit, Project, Transaction};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One proposed mention.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub doc: DocId,
    /// Code-point span over the LF-normalized text, half-open.
    pub span: Span,
    /// The text of the span.
    pub quote: String,
    /// Entity type id from the schema ("person", "date").
    #[serde(rename = "type")]
    pub type_id: Slug,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<EntryId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NormalizedDate>,
    /// Which recommender proposed it: "project", "dates", "external:NAME".
    pub recommender: String,
    /// How sure the recommender is, 0…1.
    pub score: f32,
    /// Why, for people: "annotated 12 times as Person, linked to Acheson".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub basis: String,
}

impl Suggestion {
    /// What a rejection of this suggestion remembers.
    pub fn reject_key(&self) -> RejectKey {
        RejectKey {
            doc: self.doc,
            start: self.span.start,
            end: self.span.end,
            type_id: self.type_id.clone(),
            text: fold(&self.quote),
        }
    }
}

/// Errors of recommenders.
#[derive(Debug, thiserror::Error)]
pub enum SuggestError {
    #[error("external recommender {name}: {message}")]
    External { name: String, message: String },
}

/// What a recommender learns from.
#[derive(Clone, Debug)]
pub enum Feedback<'a> {
    /// Document `doc` changed (annotations added, removed or changed by hand, or by
    /// accepting a suggestion): learn its annotations again.
    Document(DocId),
    /// A suggestion was rejected.
    Rejected(&'a Suggestion),
}

/// A source of suggestions.
pub trait Recommender: Send + Sync {
    /// A short id, as suggestions name it ("project", "dates").
    fn id(&self) -> &str;
    /// Suggestions for one document, in text order.
    fn suggest(&self, project: &Project, doc: &Document) -> Result<Vec<Suggestion>, SuggestError>;
    /// Learns from what the annotator did; the next [`Recommender::suggest`] reflects it.
    fn learn(&mut self, _project: &Project, _feedback: &Feedback<'_>) {}
}

/// A rejected suggestion: this text, at this place, as this type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RejectKey {
    pub doc: DocId,
    pub start: usize,
    pub end: usize,
    #[serde(rename = "type")]
    pub type_id: Slug,
    /// The folded text, so a rejection does not hold after the text at the place changed.
    pub text: String,
}

/// Rejected suggestions of one project, saved beside it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejections {
    #[serde(default = "rejections_format")]
    pub format: u32,
    #[serde(default)]
    pub rejected: BTreeSet<RejectKey>,
}

fn rejections_format() -> u32 {
    Rejections::FORMAT
}

impl Rejections {
    pub const FORMAT: u32 = 1;

    pub fn new() -> Self {
        Self {
            format: Self::FORMAT,
            rejected: BTreeSet::new(),
        }
    }

    pub fn contains(&self, s: &Suggestion) -> bool {
        self.rejected.contains(&s.reject_key())
    }

    /// Remembers `s` as rejected; `false` when it already was.
    pub fn reject(&mut self, s: &Suggestion) -> bool {
        self.rejected.insert(s.reject_key())
    }

    /// How many rejections name this folded text as this type (the project recommender
    /// counts them against the string).
    pub fn count_for(&self, text: &str, type_id: &Slug) -> usize {
        self.rejected
            .iter()
            .filter(|k| k.text == text && &k.type_id == type_id)
            .count()
    }

    /// RON text, deterministic.
    pub fn to_ron(&self) -> String {
        ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default()).unwrap_or_default()
    }

    pub fn from_ron(s: &str) -> Result<Self, ron::error::SpannedError> {
        ron::from_str(s)
    }
}

/// The suggestions of all `recommenders` for `doc`, without those rejected, those over
/// text a mention already covers, and duplicates (of the same span, the best score wins;
/// overlapping suggestions of one recommender keep the longer). In text order. The
/// recommenders run side by side (one thread each, as cores allow).
pub fn suggest_document(
    recommenders: &[&dyn Recommender],
    project: &Project,
    doc: &Document,
    rejections: &Rejections,
) -> (Vec<Suggestion>, Vec<SuggestError>) {
    use rayon::prelude::*;
    let mut all = Vec::new();
    let mut errors = Vec::new();
    let results: Vec<_> = recommenders
        .par_iter()
        .map(|r| r.suggest(project, doc))
        .collect();
    for r in results {
        match r {
            Ok(s) => all.extend(s),
            Err(e) => errors.push(e),
        }
    }
    (filter(all, doc, rejections), errors)
}

/// Drops rejected suggestions, those over annotated text, and overlaps (see
/// [`suggest_document`]).
pub fn filter(
    mut all: Vec<Suggestion>,
    doc: &Document,
    rejections: &Rejections,
) -> Vec<Suggestion> {
    let mut covered: Vec<Span> = doc
        .annotations
        .values()
        .filter_map(Annotation::as_mention)
        .flat_map(|m| m.anchor.fragments.iter().copied())
        .collect();
    covered.sort();
    let is_covered = |s: &Span| {
        let i = covered.partition_point(|c| c.end <= s.start);
        covered[i..]
            .iter()
            .take_while(|c| c.start < s.end)
            .any(|c| c.overlaps(s))
    };
    // Rejections of this document by place first: folding every suggestion's text to
    // compare (a 4 MB document has ~180,000) costs more than all the rest of the filter.
    let rejected_here: std::collections::HashSet<(usize, usize)> = rejections
        .rejected
        .iter()
        .filter(|k| k.doc == doc.id())
        .map(|k| (k.start, k.end))
        .collect();
    let rejected = |s: &Suggestion| {
        rejected_here.contains(&(s.span.start, s.span.end)) && rejections.contains(s)
    };
    all.retain(|s| !s.span.is_empty() && !rejected(s) && !is_covered(&s.span));
    // Longer first at the same start, then higher score.
    all.sort_by(|a, b| {
        a.span
            .start
            .cmp(&b.span.start)
            .then(b.span.end.cmp(&a.span.end))
            .then(b.score.total_cmp(&a.score))
    });
    let mut out: Vec<Suggestion> = Vec::with_capacity(all.len());
    for s in all {
        if let Some(last) = out.last_mut()
            && last.span.overlaps(&s.span)
        {
            // The same span from another recommender with a higher score replaces it;
            // otherwise the first (longer, or earlier) stays.
            if last.span == s.span && s.score > last.score {
                *last = s;
            }
            continue;
        }
        out.push(s);
    }
    out
}

/// The transaction that accepts `suggestions` (of one or many documents) as mentions:
/// one undo step. Each becomes a mention of its type with its entry and date; a
/// suggestion whose type is not in the schema, whose span is out of the text or already
/// tagged as that type is skipped and counted in the second value.
pub fn accept(
    project: &Project,
    suggestions: &[Suggestion],
) -> Result<(Transaction, usize), OpError> {
    let label = match suggestions {
        [one] => format!(
            "Accept “{}” as {}",
            one.quote,
            project.schema.label(&one.type_id)
        ),
        many => format!(
            "Accept {}",
            crate::words::count(many.len(), "suggestion", "suggestions")
        ),
    };
    let mut tx = Transaction::new(label);
    let mut skipped = 0;
    let mut seen: BTreeMap<DocId, BTreeSet<(usize, usize, Slug)>> = BTreeMap::new();
    for s in suggestions {
        let Some(doc) = project.documents.get(&s.doc) else {
            skipped += 1;
            continue;
        };
        let fresh =
            seen.entry(s.doc)
                .or_default()
                .insert((s.span.start, s.span.end, s.type_id.clone()));
        let Some(text) = &doc.text else {
            skipped += 1;
            continue;
        };
        let ok_entry = s.entry.is_none_or(|e| project.registry.contains_key(&e));
        if !fresh
            || project.schema.entity(&s.type_id).is_none()
            || !ok_entry
            || crate::model::ops::tagging::already_tagged(project, s.doc, &[s.span], &s.type_id)
                .is_some()
        {
            skipped += 1;
            continue;
        }
        let Ok(anchor) = TextAnchor::new(text, &[s.span]) else {
            skipped += 1;
            continue;
        };
        let mut ann = Annotation::new(Body::Mention(Mention {
            type_id: s.type_id.clone(),
            anchor,
            entry: s.entry,
            date: s.date.clone(),
        }));
        if s.date.is_some() && s.score < 0.9 {
            ann.cert = Some(Certainty::Medium);
        }
        tx = tx.with(Edit::add_annotation(s.doc, ann));
    }
    if tx.edits.is_empty() {
        return Err(OpError::NoChange);
    }
    Ok((tx, skipped))
}

/// Every suggestion in `all` with the same folded text, type and entry as `s` (for
/// "accept all of this string in this document / project").
pub fn same_string<'a>(all: &'a [Suggestion], s: &Suggestion) -> Vec<&'a Suggestion> {
    let key = fold(&s.quote);
    all.iter()
        .filter(|o| o.type_id == s.type_id && o.entry == s.entry && fold(&o.quote) == key)
        .collect()
}

#[cfg(test)]
mod tests;
