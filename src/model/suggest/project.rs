//! The project recommender: every string annotated anywhere in the project, and every
//! registry name and alias, proposed wherever it occurs again as whole words (folded for
//! accents and case), with the type it was given and the entry it was linked to — an
//! alias suggests its entry ("FILIPPOV" → Stalin, as cover name).
//!
//! The score of a string is how often it was annotated as its most common type, out of
//! that plus every time it was left unannotated in a document marked done, plus its
//! rejections: "Washington" annotated 3 times as a place and left 9 times scores 0.25.
//! Documents still being annotated say nothing against a string (their annotator has not
//! reached it yet). A
//! registry name counts as one annotation. A string only ever annotated with a capital
//! letter is not proposed where it starts lowercase ("hull" of a ship is not Hull). Date
//! mentions are left to the date recommender, which reads their value in context.
//!
//! Learning is incremental: [`ProjectRecommender::learn`] with a changed document removes
//! what that document taught and reads it again; new strings are looked for in every other
//! annotated document at once (a new tag of "Nam Il" is proposed everywhere within the
//! next call).

use super::tokens::{Interner, SPACE, Tok, phrase, tokenize, tokenize_known};
use super::{Feedback, Recommender, Rejections, SuggestError, Suggestion};
use crate::model::Project;
use crate::model::anchor::Span;
use crate::model::annotation::Annotation;
use crate::model::document::Document;
use crate::model::ids::{DocId, EntryId, Slug};
use crate::model::registry::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The type, entry, score and reason given to a string.
type Verdict = (Slug, Option<EntryId>, f32, String);

/// What is known about one string.
#[derive(Clone, Debug, Default)]
struct KeyStats {
    toks: Vec<u32>,
    /// Annotations of this string by (type, entry).
    annotated: HashMap<(Slug, Option<EntryId>), u32>,
    /// Registry entries of this name: (type, entry, "cover name of Stalin").
    registry: Vec<(Slug, EntryId, String)>,
    /// Times seen in an annotated document without a mention over it.
    unannotated: u32,
    rejected: u32,
    /// Annotated (or named in the registry) starting with a lowercase letter at least once.
    lower_ok: bool,
}

/// What one document taught.
#[derive(Clone, Debug, Default)]
struct DocState {
    toks: Vec<Tok>,
    annotated: Vec<(usize, Slug, Option<EntryId>, bool)>,
    unannotated: Vec<usize>,
    /// Holds at least one mention: only such documents count strings left unannotated.
    has_mentions: bool,
    /// Marked done: every string left in it was left on purpose.
    done: bool,
    mentions: Vec<Span>,
}

/// The project recommender.
#[derive(Clone, Debug)]
pub struct ProjectRecommender {
    interner: Interner,
    keys: Vec<KeyStats>,
    key_of: HashMap<Vec<u32>, usize>,
    /// Keys by their first token, longest first.
    by_first: HashMap<u32, Vec<usize>>,
    docs: BTreeMap<DocId, DocState>,
    /// Suggestions scoring below this are not made.
    pub min_score: f32,
}

/// One match of a key in a token run: token range and key.
struct Hit {
    from: usize,
    to: usize,
    key: usize,
}

impl ProjectRecommender {
    /// The default threshold: at least as often annotated as not.
    pub const MIN_SCORE: f32 = 0.5;

    /// Learns the whole project: registry names and aliases, every mention, and every
    /// rejection.
    pub fn new(project: &Project, rejections: &Rejections) -> Self {
        let mut r = Self {
            interner: Interner::default(),
            keys: Vec::new(),
            key_of: HashMap::new(),
            by_first: HashMap::new(),
            docs: BTreeMap::new(),
            min_score: Self::MIN_SCORE,
        };
        for e in project.registry.values() {
            r.learn_entry(e);
        }
        for doc in project.documents.values() {
            let st = r.read_document(doc);
            r.docs.insert(doc.id(), st);
        }
        let ids: Vec<DocId> = r.docs.keys().copied().collect();
        for id in ids {
            r.count_unannotated(id, None);
        }
        for k in &rejections.rejected {
            let (toks, _) = phrase(&k.text, &mut r.interner);
            if let Some(&i) = r.key_of.get(&toks) {
                r.keys[i].rejected += 1;
            }
        }
        r
    }

    /// The number of distinct strings known.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    fn key(&mut self, toks: Vec<u32>) -> (usize, bool) {
        if let Some(&i) = self.key_of.get(&toks) {
            return (i, false);
        }
        let i = self.keys.len();
        let first = toks[0];
        self.key_of.insert(toks.clone(), i);
        self.keys.push(KeyStats {
            toks,
            ..KeyStats::default()
        });
        let list = self.by_first.entry(first).or_default();
        list.push(i);
        let keys = &self.keys;
        list.sort_by_key(|&k| std::cmp::Reverse(keys[k].toks.len()));
        (i, true)
    }

    fn learn_entry(&mut self, e: &Entry) {
        let mut names: Vec<(String, String)> =
            vec![(e.name.clone(), format!("the name of {}", e.name))];
        // "Stalin, Joseph Vissarionovich" is also written "Joseph Vissarionovich Stalin".
        if let Some((last, first)) = e.name.split_once(", ")
            && !first.contains(',')
        {
            names.push((format!("{first} {last}"), format!("the name of {}", e.name)));
            names.push((last.to_owned(), format!("the surname of {}", e.name)));
        }
        for a in &e.aliases {
            names.push((
                a.name.clone(),
                format!("{} of {}", a.kind.label().to_lowercase(), e.name),
            ));
        }
        for (name, basis) in names {
            let (toks, lower) = phrase(&name, &mut self.interner);
            if toks.is_empty() {
                continue;
            }
            let (k, _) = self.key(toks);
            let ks = &mut self.keys[k];
            ks.lower_ok |= lower;
            if !ks.registry.iter().any(|(_, id, _)| *id == e.id) {
                ks.registry.push((e.type_id.clone(), e.id, basis));
            }
        }
    }

    /// Tokenizes `doc` and adds what its mentions teach; returns its state.
    fn read_document(&mut self, doc: &Document) -> DocState {
        let mut st = DocState {
            done: doc.meta.status == crate::model::document::DocStatus::Done,
            ..DocState::default()
        };
        let Some(text) = &doc.text else { return st };
        st.toks = tokenize(text.as_str(), &mut self.interner);
        for a in doc.annotations.values() {
            let Some(m) = a.as_mention() else { continue };
            st.has_mentions = true;
            st.mentions.extend(m.anchor.fragments.iter().copied());
            // Dates are read by the date recommender, with their value in context.
            if m.anchor.fragments.len() != 1 || m.date.is_some() || m.type_id.0 == "date" {
                continue;
            }
            let (toks, lower) = phrase(&m.anchor.quote.exact, &mut self.interner);
            if toks.is_empty() {
                continue;
            }
            let (k, _) = self.key(toks);
            let ks = &mut self.keys[k];
            *ks.annotated
                .entry((m.type_id.clone(), m.entry))
                .or_insert(0) += 1;
            st.annotated.push((k, m.type_id.clone(), m.entry, lower));
            // `lower_ok` is recomputed on removal; a lowercase annotation allows lowercase.
            ks.lower_ok |= lower;
        }
        st.mentions.sort();
        st
    }

    /// Counts, in document `id` (when it has mentions and is marked done), the occurrences
    /// of keys (all, or only those in `only`) that no mention covers. Only a document
    /// marked done says that what is left in it was left on purpose: one still being
    /// annotated holds strings the annotator has not reached yet, so a new tag of "Nam Il"
    /// is not outvoted by every occurrence not yet looked at (in other documents, or
    /// further down the same one).
    fn count_unannotated(&mut self, id: DocId, only: Option<&HashSet<usize>>) {
        let Some(st) = self.docs.get(&id) else { return };
        if !st.has_mentions || !st.done {
            return;
        }
        let hits = self.hits(&st.toks, only);
        let mut found = Vec::new();
        for h in hits {
            let span = Span::new(
                st.toks[h.from].start as usize,
                st.toks[h.to - 1].end as usize,
            );
            let i = st.mentions.partition_point(|m| m.end <= span.start);
            let covered = st.mentions[i..]
                .iter()
                .take_while(|m| m.start < span.end)
                .any(|m| m.overlaps(&span));
            if !covered {
                found.push(h.key);
            }
        }
        for &k in &found {
            self.keys[k].unannotated += 1;
        }
        if let Some(st) = self.docs.get_mut(&id) {
            st.unannotated.extend(found);
        }
    }

    /// Removes what document `id` taught.
    fn forget_document(&mut self, id: DocId) {
        let Some(st) = self.docs.remove(&id) else {
            return;
        };
        for (k, ty, entry, _) in st.annotated {
            let ks = &mut self.keys[k];
            if let Some(n) = ks.annotated.get_mut(&(ty.clone(), entry)) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    ks.annotated.remove(&(ty, entry));
                }
            }
        }
        for k in st.unannotated {
            self.keys[k].unannotated = self.keys[k].unannotated.saturating_sub(1);
        }
    }

    /// Every match of a known key in `toks`, longest first at each place, not overlapping.
    fn hits(&self, toks: &[Tok], only: Option<&HashSet<usize>>) -> Vec<Hit> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            let t = toks[i];
            let mut next = i + 1;
            if t.word
                && let Some(cands) = self.by_first.get(&t.id)
            {
                for &k in cands {
                    if only.is_some_and(|o| !o.contains(&k)) {
                        continue;
                    }
                    let kt = &self.keys[k].toks;
                    let end = i + kt.len();
                    if end <= toks.len() && toks[i..end].iter().map(|t| t.id).eq(kt.iter().copied())
                    {
                        out.push(Hit {
                            from: i,
                            to: end,
                            key: k,
                        });
                        next = end;
                        break;
                    }
                }
            }
            i = next;
        }
        out
    }

    /// The type, entry, score and reason this recommender gives key `k`.
    fn verdict(&self, k: usize, project: &Project) -> Option<Verdict> {
        let ks = &self.keys[k];
        let mut by_type: BTreeMap<&Slug, (u32, BTreeMap<EntryId, u32>)> = BTreeMap::new();
        for ((ty, entry), n) in &ks.annotated {
            let slot = by_type.entry(ty).or_default();
            slot.0 += n;
            if let Some(e) = entry {
                *slot.1.entry(*e).or_insert(0) += n;
            }
        }
        for (ty, e, _) in &ks.registry {
            let slot = by_type.entry(ty).or_default();
            slot.0 += 1;
            *slot.1.entry(*e).or_insert(0) += 1;
        }
        let total: u32 = by_type.values().map(|v| v.0).sum();
        let (ty, (n_ty, entries)) = by_type
            .into_iter()
            .max_by_key(|(t, v)| (v.0, std::cmp::Reverse(*t)))?;
        let denom = (total + ks.unannotated + ks.rejected).max(1) as f32;
        let mut score = n_ty as f32 / denom;
        let linked: u32 = entries.values().sum();
        let entry = entries
            .iter()
            .max_by_key(|(id, n)| (**n, std::cmp::Reverse(**id)))
            .map(|(id, n)| {
                score *= *n as f32 / linked.max(1) as f32;
                *id
            });
        if entry.is_some_and(|e| !project.registry.contains_key(&e)) {
            return None;
        }
        let label = project.schema.label(ty);
        let mut basis = if let Some((_, _, why)) = ks
            .registry
            .iter()
            .find(|(t, e, _)| t == ty && Some(*e) == entry)
            && ks.annotated.is_empty()
        {
            why.clone()
        } else {
            let n_ann: u32 = ks
                .annotated
                .iter()
                .filter(|((t, _), _)| t == ty)
                .map(|(_, n)| n)
                .sum();
            let mut b = format!("annotated {} as {label}", times(n_ann));
            if let Some(e) = entry.and_then(|e| project.registry.get(&e)) {
                b.push_str(&format!(", linked to {}", e.name));
            }
            b
        };
        if ks.unannotated > 0 {
            basis.push_str(&format!(
                "; left {} in annotated documents",
                times(ks.unannotated)
            ));
        }
        if ks.rejected > 0 {
            basis.push_str(&format!("; rejected {}", times(ks.rejected)));
        }
        Some((ty.clone(), entry, score, basis))
    }
}

fn times(n: u32) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

impl Recommender for ProjectRecommender {
    fn id(&self) -> &str {
        "project"
    }

    fn suggest(&self, project: &Project, doc: &Document) -> Result<Vec<Suggestion>, SuggestError> {
        let Some(text) = &doc.text else {
            return Ok(Vec::new());
        };
        let toks = tokenize_known(text.as_str(), &self.interner);
        let mut verdicts: HashMap<usize, Option<Verdict>> = HashMap::new();
        let mut out = Vec::new();
        for h in self.hits(&toks, None) {
            let ks = &self.keys[h.key];
            if toks[h.from].lower && !ks.lower_ok {
                continue;
            }
            let v = verdicts
                .entry(h.key)
                .or_insert_with(|| self.verdict(h.key, project));
            let Some((ty, entry, score, basis)) = v.clone() else {
                continue;
            };
            if score < self.min_score {
                continue;
            }
            let span = Span::new(toks[h.from].start as usize, toks[h.to - 1].end as usize);
            debug_assert!(toks[h.from].id != SPACE);
            out.push(Suggestion {
                doc: doc.id(),
                span,
                quote: text.slice(span.start, span.end).to_owned(),
                type_id: ty,
                entry,
                date: None,
                recommender: "project".into(),
                score,
                basis,
            });
        }
        Ok(out)
    }

    fn learn(&mut self, project: &Project, feedback: &Feedback<'_>) {
        match feedback {
            Feedback::Document(id) => {
                let before = self.keys.len();
                self.forget_document(*id);
                // Lowercase permission is recomputed from what remains (cheap: per key).
                if let Some(doc) = project.documents.get(id) {
                    let st = self.read_document(doc);
                    self.docs.insert(*id, st);
                }
                // Registry names added since are learnt too.
                for e in project.registry.values() {
                    self.learn_entry(e);
                }
                let fresh: HashSet<usize> = (before..self.keys.len()).collect();
                if !fresh.is_empty() {
                    let others: Vec<DocId> =
                        self.docs.keys().copied().filter(|d| d != id).collect();
                    for d in others {
                        self.count_unannotated(d, Some(&fresh));
                    }
                }
                self.count_unannotated(*id, None);
            }
            Feedback::Rejected(s) => {
                let (toks, _) = phrase(&s.quote, &mut self.interner);
                if let Some(&k) = self.key_of.get(&toks) {
                    self.keys[k].rejected += 1;
                }
            }
        }
    }
}

/// Whether `a` is a mention this recommender learns from (single span).
pub fn teaches(a: &Annotation) -> bool {
    a.as_mention()
        .is_some_and(|m| m.anchor.fragments.len() == 1)
}
