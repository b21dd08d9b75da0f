//! Suggestions in the window (issue 27, item 2): the recommenders of
//! [`crate::model::suggest`] run on a worker thread of their own, on a copy of the project
//! kept in step with the session; the reader never waits for them. The window asks for the
//! open document's suggestions whenever the document or the data changed; the answer comes
//! back as a [`Message::Suggestions`] and is handled with every other message. An answer
//! computed for an older state of the data is re-filtered against the document as it is
//! now (what was tagged since is dropped) when the text is the same, and thrown away when
//! the text changed; a new one is on its way either way.
//!
//! Learning: every change to a document (a tag, an accepted suggestion, an undo) reaches the
//! worker as the changed documents, which the project recommender learns at once; a
//! rejection is learnt and remembered in the project's rejections file
//! ([`crate::store::suggestions`]). Suggestions are never annotations: they live here, not
//! in the project, and are not counted, saved or exported.

use super::message::Message;
use crate::model::ids::{DocId, EntryId};
use crate::model::registry::Entry;
use crate::model::suggest::dates::DateRecommender;
use crate::model::suggest::project::ProjectRecommender;
use crate::model::suggest::{
    Feedback, Recommender, Rejections, Suggestion, filter, same_string, suggest_document,
};
use crate::model::{Document, Project, Schema};
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::mpsc;

/// What the window asks of the worker.
enum ToWorker {
    /// Documents changed (or were added); `removed` are gone.
    Docs(Vec<Document>, Vec<DocId>),
    /// The registry or schema changed: learn the project again.
    Registry(Box<(BTreeMap<EntryId, Entry>, Schema)>),
    Reject(Box<Suggestion>),
    /// The suggestions of one document, for the data at `generation`.
    Suggest {
        doc: DocId,
        generation: u64,
        text: u64,
    },
    /// Every suggestion in the project of the same string as this one.
    SameInProject(Box<Suggestion>),
}

/// The suggestions computed for one document.
#[derive(Clone, Debug, PartialEq)]
pub struct Computed {
    pub doc: DocId,
    /// The session generation they were computed for.
    pub generation: u64,
    /// A hash of the document's text they were computed on.
    pub text: u64,
    pub list: Vec<Suggestion>,
    /// Recommenders that failed, in words.
    pub errors: Vec<String>,
    /// How long the recommenders took, in milliseconds.
    pub millis: f64,
}

/// The worker thread's end: its recommenders and its copy of the project.
struct Worker {
    project: Project,
    rejections: Rejections,
    recommender: ProjectRecommender,
    dates: DateRecommender,
}

impl Worker {
    fn new(project: Project, rejections: Rejections) -> Self {
        let recommender = ProjectRecommender::new(&project, &rejections);
        Self {
            project,
            rejections,
            recommender,
            dates: DateRecommender::default(),
        }
    }

    fn suggest(&self, doc: &Document) -> (Vec<Suggestion>, Vec<String>) {
        let recs: [&dyn Recommender; 2] = [&self.recommender, &self.dates];
        let (list, errors) = suggest_document(&recs, &self.project, doc, &self.rejections);
        (list, errors.into_iter().map(|e| e.to_string()).collect())
    }

    /// Handles one request; an answer goes back through `out`.
    fn handle(&mut self, m: ToWorker, out: &mpsc::Sender<Message>) {
        match m {
            ToWorker::Docs(docs, removed) => {
                for id in removed {
                    self.project.documents.remove(&id);
                    self.recommender
                        .learn(&self.project, &Feedback::Document(id));
                }
                for d in docs {
                    let id = d.id();
                    self.project.documents.insert(id, d);
                    self.recommender
                        .learn(&self.project, &Feedback::Document(id));
                }
            }
            ToWorker::Registry(rs) => {
                let (registry, schema) = *rs;
                self.project.registry = registry;
                self.project.schema = schema;
                self.recommender = ProjectRecommender::new(&self.project, &self.rejections);
            }
            ToWorker::Reject(s) => {
                if self.rejections.reject(&s) {
                    self.recommender
                        .learn(&self.project, &Feedback::Rejected(&s));
                }
            }
            ToWorker::Suggest {
                doc,
                generation,
                text,
            } => {
                let Some(d) = self.project.documents.get(&doc) else {
                    return;
                };
                let t0 = std::time::Instant::now();
                let (list, errors) = self.suggest(d);
                let _ = out.send(Message::Suggestions(Box::new(Computed {
                    doc,
                    generation,
                    text,
                    list,
                    errors,
                    millis: t0.elapsed().as_secs_f64() * 1000.0,
                })));
            }
            ToWorker::SameInProject(s) => {
                let mut all = Vec::new();
                for d in self.project.documents.values() {
                    let (list, _) = self.suggest(d);
                    all.extend(same_string(&list, &s).into_iter().cloned());
                }
                let _ = out.send(Message::SuggestionsInProject(s, all));
            }
        }
    }
}

/// The window's end of the worker.
struct Channel {
    tx: mpsc::Sender<ToWorker>,
    rx: mpsc::Receiver<Message>,
    /// The session it was started for (project file and session id).
    session: String,
}

fn start(
    project: Project,
    rejections: Rejections,
    ctx: &egui::Context,
) -> (mpsc::Sender<ToWorker>, mpsc::Receiver<Message>) {
    let (tx, wrx) = mpsc::channel::<ToWorker>();
    let (wtx, rx) = mpsc::channel::<Message>();
    let ctx = ctx.clone();
    std::thread::spawn(move || {
        let mut w = Worker::new(project, rejections);
        while let Ok(first) = wrx.recv() {
            // Everything waiting is handled at once; of the document requests only the
            // last counts (the window asked again since).
            let mut batch = vec![first];
            batch.extend(wrx.try_iter());
            let last_suggest = batch
                .iter()
                .rposition(|m| matches!(m, ToWorker::Suggest { .. }));
            for (i, m) in batch.into_iter().enumerate() {
                if matches!(m, ToWorker::Suggest { .. }) && Some(i) != last_suggest {
                    continue;
                }
                w.handle(m, &wtx);
            }
            ctx.request_repaint();
        }
    });
    (tx, rx)
}

/// The "accept all of this string" review: what will be accepted, before it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AcceptAll {
    /// The suggestion whose string it is.
    pub of: Option<Suggestion>,
    pub project_wide: bool,
    /// `None` while the project's suggestions are being computed.
    pub items: Option<Vec<Suggestion>>,
    /// Which items are ticked.
    pub keep: Vec<bool>,
}

/// Suggestions as the window holds them.
#[derive(Default)]
pub struct SuggestState {
    channel: Option<Channel>,
    /// Whether the reader shows suggestions (View → Show suggestions).
    pub hidden: bool,
    /// The open document's suggestions, in text order.
    pub list: Vec<Suggestion>,
    /// The document and generation `list` is for.
    pub for_doc: Option<DocId>,
    pub generation: u64,
    /// A hash of the text `list` was computed on.
    text_print: u64,
    /// The suggestion the keys act on.
    pub current: Option<usize>,
    /// The last request sent: document, generation.
    requested: Option<(DocId, u64)>,
    /// The generation the worker's copy of the project was brought to.
    synced: u64,
    /// Per document: a fingerprint of its text and mentions as the worker has them.
    prints: HashMap<DocId, u64>,
    registry_print: u64,
    /// The project's rejections, as saved beside it.
    pub rejections: Rejections,
    /// The open "accept all" review.
    pub accept_all: Option<AcceptAll>,
    /// How long the last answer took, in milliseconds, and what failed.
    pub millis: f64,
    pub errors: Vec<String>,
}

/// Suggestion `s` in words: "Suggestion: “FILIPPOV” as Person, Stalin, Joseph (cover name
/// of Stalin, Joseph)".
pub fn describe(p: &Project, s: &Suggestion) -> String {
    let mut text = format!(
        "Suggestion: “{}” as {}",
        s.quote,
        p.schema.label(&s.type_id)
    );
    if let Some(e) = s.entry.and_then(|e| p.registry.get(&e)) {
        text.push_str(&format!(", {}", e.name));
    }
    if let Some(d) = &s.date {
        text.push_str(&format!(", {d}"));
    }
    if !s.basis.is_empty() {
        text.push_str(&format!(" ({})", s.basis));
    }
    text
}

fn text_print(doc: &Document) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    doc.text_or_empty().as_str().hash(&mut h);
    h.finish()
}

/// What the recommenders read of a document: its text's length, status and mentions.
fn doc_print(doc: &Document) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    doc.text_or_empty().len_chars().hash(&mut h);
    doc.meta.status.hash(&mut h);
    for a in doc.annotations.values() {
        if let Some(m) = a.as_mention() {
            a.id.hash(&mut h);
            m.type_id.hash(&mut h);
            m.entry.hash(&mut h);
            for f in &m.anchor.fragments {
                (f.start, f.end).hash(&mut h);
            }
            m.date.is_some().hash(&mut h);
        }
    }
    h.finish()
}

fn registry_print(p: &Project) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for e in p.registry.values() {
        e.id.hash(&mut h);
        e.name.hash(&mut h);
        e.type_id.hash(&mut h);
        for a in &e.aliases {
            a.name.hash(&mut h);
            a.kind.label().hash(&mut h);
        }
    }
    for t in &p.schema.entity_types {
        t.id.hash(&mut h);
    }
    h.finish()
}

impl SuggestState {
    /// Once per frame: starts the worker for a newly opened project, sends it what changed
    /// since, asks for the open document's suggestions when they are out of date, and
    /// queues the worker's answers as messages.
    pub fn sync(
        &mut self,
        session: Option<&crate::session::Session>,
        open: Option<DocId>,
        queue: &mut super::Queue,
        status: &mut String,
        ctx: &egui::Context,
    ) {
        let Some(s) = session else {
            *self = SuggestState {
                hidden: self.hidden,
                ..Default::default()
            };
            return;
        };
        let key = format!("{}|{:?}", s.disk.project_file.display(), s.id);
        if self.channel.as_ref().is_none_or(|c| c.session != key) {
            let rejections = crate::store::suggestions::load_rejections(&s.disk.project_file)
                .unwrap_or_else(|e| {
                    *status = format!("Rejected suggestions not read: {e}");
                    Rejections::new()
                });
            let (tx, rx) = start(s.project.clone(), rejections.clone(), ctx);
            *self = SuggestState {
                hidden: self.hidden,
                channel: Some(Channel {
                    tx,
                    rx,
                    session: key,
                }),
                rejections,
                synced: s.generation,
                prints: s
                    .project
                    .documents
                    .values()
                    .map(|d| (d.id(), doc_print(d)))
                    .collect(),
                registry_print: registry_print(&s.project),
                ..Default::default()
            };
        }
        let Some(ch) = &self.channel else { return };
        if self.synced != s.generation {
            // Only the documents the edits since touched are looked at (a 200k-annotation
            // project is not hashed on every edit); everything after a merge from disk.
            let touched = s.touched_since(self.synced);
            self.synced = s.generation;
            let p = &s.project;
            let project_touched = touched.as_ref().is_none_or(|t| t.project);
            let mut changed = Vec::new();
            let mut look = |d: &Document| {
                let print = doc_print(d);
                if self.prints.insert(d.id(), print) != Some(print) {
                    changed.push(d.clone());
                }
            };
            match &touched {
                Some(t) if !t.project => t
                    .docs
                    .union(&t.sources)
                    .filter_map(|id| p.documents.get(id))
                    .for_each(&mut look),
                _ => p.documents.values().for_each(&mut look),
            }
            let removed: Vec<DocId> = if project_touched {
                self.prints
                    .keys()
                    .copied()
                    .filter(|id| !p.documents.contains_key(id))
                    .collect()
            } else {
                Vec::new()
            };
            for id in &removed {
                self.prints.remove(id);
            }
            // The open document's text may change without its length (a typo fixed).
            if let Some(d) = open.and_then(|id| p.documents.get(&id))
                && !changed.iter().any(|c| c.id() == d.id())
                && self.for_doc == Some(d.id())
                && self.text_print != text_print(d)
            {
                changed.push(d.clone());
            }
            if !changed.is_empty() || !removed.is_empty() {
                let _ = ch.tx.send(ToWorker::Docs(changed, removed));
            }
            let rp = if project_touched {
                registry_print(p)
            } else {
                self.registry_print
            };
            if rp != self.registry_print {
                self.registry_print = rp;
                let _ = ch.tx.send(ToWorker::Registry(Box::new((
                    p.registry.clone(),
                    p.schema.clone(),
                ))));
            }
        }
        if !self.hidden
            && let Some(d) = open.and_then(|id| s.project.documents.get(&id))
            && self.requested != Some((d.id(), s.generation))
        {
            self.requested = Some((d.id(), s.generation));
            let _ = ch.tx.send(ToWorker::Suggest {
                doc: d.id(),
                generation: s.generation,
                text: text_print(d),
            });
        }
        while let Ok(m) = ch.rx.try_recv() {
            queue.push(m);
        }
    }
}

impl SuggestState {
    /// Takes an answer of the worker for the open document `doc` at `generation`,
    /// filtered again against the document and the rejections as they are now (only
    /// annotations may have changed since: the text is the same); dropped when the text
    /// changed or another document is open.
    pub fn receive(&mut self, c: Computed, doc: Option<&Document>, generation: u64) {
        let Some(doc) = doc.filter(|d| d.id() == c.doc) else {
            return;
        };
        let text = text_print(doc);
        if c.text != text {
            return;
        }
        let current = self.current_suggestion().map(|s| s.span);
        // Filtered again in any case: an answer may have been computed before a rejection
        // (which changes no data, so no generation) reached the worker.
        self.list = filter(c.list, doc, &self.rejections);
        self.for_doc = Some(c.doc);
        self.generation = generation;
        self.text_print = text;
        self.millis = c.millis;
        self.errors = c.errors;
        self.current = current.and_then(|sp| self.list.iter().position(|s| s.span == sp));
    }

    /// The open document's suggestions when they are for `doc` and shown.
    pub fn shown(&self, doc: DocId) -> &[Suggestion] {
        if self.hidden || self.for_doc != Some(doc) {
            &[]
        } else {
            &self.list
        }
    }

    pub fn current_suggestion(&self) -> Option<&Suggestion> {
        self.current.and_then(|i| self.list.get(i))
    }

    /// The suggestion over code point `offset` of document `doc`.
    pub fn at(&self, doc: DocId, offset: usize) -> Option<usize> {
        self.shown(doc)
            .iter()
            .position(|s| s.span.start <= offset && offset < s.span.end)
    }

    /// The next (or previous) suggestion from the current one, or from `caret`.
    pub fn step(&self, doc: DocId, caret: usize, forward: bool) -> Option<usize> {
        let list = self.shown(doc);
        match (self.current.filter(|&i| i < list.len()), forward) {
            (Some(i), true) => (i + 1 < list.len()).then_some(i + 1),
            (Some(i), false) => i.checked_sub(1),
            (None, true) => list.iter().position(|s| s.span.start >= caret),
            (None, false) => list.iter().rposition(|s| s.span.start < caret),
        }
    }

    /// Rejects suggestion `i`: gone from the list, remembered (saved beside the project
    /// file unless the project is read-only) and learnt by the worker. The error, if the
    /// file could not be written.
    pub fn reject(
        &mut self,
        i: usize,
        project_file: &std::path::Path,
        read_only: bool,
    ) -> Option<Result<Suggestion, String>> {
        if i >= self.list.len() {
            return None;
        }
        let s = self.list.remove(i);
        self.rejections.reject(&s);
        if let Some(ch) = &self.channel {
            let _ = ch.tx.send(ToWorker::Reject(Box::new(s.clone())));
        }
        // The next one takes the place of the rejected one.
        self.current = (i < self.list.len()).then_some(i);
        if read_only {
            return Some(Ok(s));
        }
        Some(
            crate::store::suggestions::save_rejections(project_file, &self.rejections)
                .map(|()| s)
                .map_err(|e| e.to_string()),
        )
    }

    /// Asks the worker for every suggestion of the same string as `s` in the project.
    pub fn ask_same_in_project(&self, s: &Suggestion) {
        if let Some(ch) = &self.channel {
            let _ = ch.tx.send(ToWorker::SameInProject(Box::new(s.clone())));
        }
    }

    /// Waits (at most `limit`) for the worker's next answer and queues it; for tests and
    /// the benchmark, which cannot watch the window's frames. `false` when none came.
    pub fn wait(&self, queue: &mut super::Queue, limit: std::time::Duration) -> bool {
        let Some(ch) = &self.channel else {
            return false;
        };
        match ch.rx.recv_timeout(limit) {
            Ok(m) => {
                queue.push(m);
                true
            }
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::anchor::{Span, TextAnchor};
    use crate::model::annotation::{Annotation, Body, Mention};
    use crate::model::ids::Slug;

    fn doc(text: &str) -> Document {
        Document {
            meta: crate::model::DocumentMeta {
                id: DocId::new(),
                title: "d".into(),
                source: None,
                images: Vec::new(),
                status: Default::default(),
                archival: Default::default(),
            },
            text: Some(crate::model::text::SourceText::from_str_normalizing(text)),
            annotations: Default::default(),
        }
    }

    fn computed(d: &Document, generation: u64, spans: &[(usize, usize)]) -> Computed {
        Computed {
            doc: d.id(),
            generation,
            text: text_print(d),
            list: spans
                .iter()
                .map(|&(a, b)| Suggestion {
                    doc: d.id(),
                    span: Span::new(a, b),
                    quote: d.text_or_empty().slice(a, b).to_owned(),
                    type_id: Slug::new("person"),
                    entry: None,
                    date: None,
                    recommender: "project".into(),
                    score: 1.0,
                    basis: String::new(),
                })
                .collect(),
            errors: Vec::new(),
            millis: 1.0,
        }
    }

    #[test]
    fn a_stale_answer_is_refiltered_when_the_text_is_the_same_and_dropped_when_not() {
        let mut d = doc("Nam Il met Nam Il.");
        let c = computed(&d, 1, &[(0, 6), (11, 17)]);
        // Since the answer was computed, the first "Nam Il" was tagged (generation 2).
        let text = d.text.clone().unwrap_or_else(|| unreachable!());
        let a = Annotation::new(Body::Mention(Mention {
            type_id: Slug::new("person"),
            anchor: TextAnchor::new(&text, &[Span::new(0, 6)]).unwrap_or_else(|_| unreachable!()),
            entry: None,
            date: None,
        }));
        d.annotations.insert(a.id, a);
        let mut st = SuggestState::default();
        st.receive(c.clone(), Some(&d), 2);
        let spans: Vec<Span> = st.list.iter().map(|s| s.span).collect();
        assert_eq!(spans, vec![Span::new(11, 17)], "the tagged one is dropped");
        // The text changed: the answer is not used at all.
        let other = doc("Nam Il met Kim Il Sung.");
        let mut st = SuggestState::default();
        let mut c2 = c;
        c2.doc = other.id();
        st.receive(c2, Some(&other), 2);
        assert!(st.list.is_empty() && st.for_doc.is_none());
        // An answer computed before a rejection reached the worker: the rejected one is
        // not shown again.
        let d2 = doc("Nam Il met Nam Il.");
        let c3 = computed(&d2, 2, &[(0, 6), (11, 17)]);
        let mut st = SuggestState::default();
        st.rejections.reject(&c3.list[0]);
        st.receive(c3, Some(&d2), 2);
        assert_eq!(st.list.len(), 1);
        assert_eq!(st.list[0].span, Span::new(11, 17));
        // Another document open: dropped.
        let mut st = SuggestState::default();
        st.receive(computed(&d, 2, &[(11, 17)]), Some(&other), 2);
        assert!(st.list.is_empty());
    }
}
