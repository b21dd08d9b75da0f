//! The external recommender: an outside program — a spaCy or Flair model, a gazetteer
//! service — proposes spans through a small JSON protocol (described for implementers in
//! `docs/suggestions.md`, after INCEpTION's external recommender).
//!
//! One request per document, as JSON:
//! `{"protocol": 1, "document": "<id>", "text": "<LF-normalized text>", "date": "1951-07-10"
//! or null, "types": ["person", "place", …]}` — written to a command's standard input (the
//! command is run once per document) or POSTed to an HTTP endpoint on `127.0.0.1` /
//! `localhost` (nothing else is allowed: the text of the documents stays on this machine).
//! The answer: `{"suggestions": [{"start": 0, "end": 5, "type": "person", "score": 0.9,
//! "entry": "<entry id>"?, "date": "1951-07-11"?, "label": "…"?}]}`, offsets in code
//! points, half-open. Spans out of the text, unknown types or entries, and scores outside
//! 0…1 are errors naming the suggestion: a model that answers wrongly is told so, never
//! half-read.

use super::{Recommender, SuggestError, Suggestion};
use crate::model::Project;
use crate::model::anchor::Span;
use crate::model::date::NormalizedDate;
use crate::model::document::Document;
use crate::model::ids::{EntryId, Slug};
use serde::{Deserialize, Serialize};
use std::io::{Read as _, Write as _};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Where the outside model is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// A program and its arguments, run once per document.
    Command { program: String, args: Vec<String> },
    /// An `http://127.0.0.1:PORT/…` or `http://localhost:PORT/…` address.
    Http { url: String },
}

/// The external recommender.
#[derive(Clone, Debug)]
pub struct ExternalRecommender {
    pub name: String,
    pub endpoint: Endpoint,
    pub timeout: Duration,
    id: String,
}

#[derive(Serialize)]
struct Request<'a> {
    protocol: u32,
    document: String,
    text: &'a str,
    date: Option<&'a str>,
    types: Vec<&'a str>,
}

#[derive(Deserialize)]
struct Response {
    suggestions: Vec<Proposed>,
}

#[derive(Deserialize)]
struct Proposed {
    start: usize,
    end: usize,
    #[serde(rename = "type")]
    type_id: String,
    #[serde(default = "one")]
    score: f32,
    #[serde(default)]
    entry: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    label: String,
}

fn one() -> f32 {
    1.0
}

impl ExternalRecommender {
    /// `name` names it in suggestions ("external:NAME").
    pub fn new(name: impl Into<String>, endpoint: Endpoint) -> Result<Self, SuggestError> {
        let name = name.into();
        if let Endpoint::Http { url } = &endpoint {
            let rest = url.strip_prefix("http://").unwrap_or("");
            let host = rest.split(['/', ':']).next().unwrap_or("");
            if !matches!(host, "127.0.0.1" | "localhost") {
                return Err(SuggestError::External {
                    name,
                    message: format!(
                        "only http://127.0.0.1:PORT/ or http://localhost:PORT/ endpoints are allowed, not {url}"
                    ),
                });
            }
        }
        Ok(Self {
            id: format!("external:{name}"),
            name,
            endpoint,
            timeout: Duration::from_secs(60),
        })
    }

    fn err(&self, message: impl Into<String>) -> SuggestError {
        SuggestError::External {
            name: self.name.clone(),
            message: message.into(),
        }
    }

    fn call(&self, body: &[u8]) -> Result<Vec<u8>, SuggestError> {
        match &self.endpoint {
            Endpoint::Command { program, args } => {
                let mut child = Command::new(program)
                    .args(args)
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .map_err(|e| self.err(format!("cannot run {program}: {e}")))?;
                let mut stdin = child
                    .stdin
                    .take()
                    .ok_or_else(|| self.err("no standard input"))?;
                let body = body.to_vec();
                let writer = std::thread::spawn(move || {
                    let _ = stdin.write_all(&body);
                });
                let mut stdout = child
                    .stdout
                    .take()
                    .ok_or_else(|| self.err("no standard output"))?;
                let reader = std::thread::spawn(move || {
                    let mut out = Vec::new();
                    let r = stdout.read_to_end(&mut out);
                    r.map(|_| out)
                });
                let started = Instant::now();
                let status = loop {
                    match child.try_wait() {
                        Ok(Some(s)) => break s,
                        Ok(None) if started.elapsed() > self.timeout => {
                            let _ = child.kill();
                            let _ = child.wait();
                            return Err(self.err(format!(
                                "{program} gave no answer in {} s",
                                self.timeout.as_secs()
                            )));
                        }
                        Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                        Err(e) => return Err(self.err(format!("{program}: {e}"))),
                    }
                };
                let _ = writer.join();
                let out = reader
                    .join()
                    .map_err(|_| self.err("reading its answer failed"))?
                    .map_err(|e| self.err(format!("reading its answer: {e}")))?;
                if !status.success() {
                    let mut err = String::new();
                    if let Some(mut e) = child.stderr.take() {
                        let _ = e.read_to_string(&mut err);
                    }
                    return Err(self.err(format!("{program} failed ({status}): {}", err.trim())));
                }
                Ok(out)
            }
            Endpoint::Http { url } => {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .timeout_global(Some(self.timeout))
                    .build()
                    .into();
                let mut resp = agent
                    .post(url)
                    .header("Content-Type", "application/json")
                    .send(body)
                    .map_err(|e| self.err(format!("{url}: {e}")))?;
                resp.body_mut()
                    .with_config()
                    .limit(64 << 20)
                    .read_to_vec()
                    .map_err(|e| self.err(format!("{url}: {e}")))
            }
        }
    }
}

impl Recommender for ExternalRecommender {
    fn id(&self) -> &str {
        &self.id
    }

    fn suggest(&self, project: &Project, doc: &Document) -> Result<Vec<Suggestion>, SuggestError> {
        let Some(text) = &doc.text else {
            return Ok(Vec::new());
        };
        let date = doc
            .meta
            .archival
            .date
            .as_ref()
            .and_then(|d| d.when.as_deref().or(d.not_before.as_deref()));
        let req = Request {
            protocol: 1,
            document: doc.id().to_string(),
            text: text.as_str(),
            date,
            types: project
                .schema
                .entity_types
                .iter()
                .map(|e| e.id.0.as_str())
                .collect(),
        };
        let body = serde_json::to_vec(&req).map_err(|e| self.err(e.to_string()))?;
        let out = self.call(&body)?;
        let resp: Response = serde_json::from_slice(&out).map_err(|e| {
            self.err(format!(
                "its answer is not the protocol's JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ))
        })?;
        let n = text.len_chars();
        let mut list = Vec::new();
        for (i, p) in resp.suggestions.into_iter().enumerate() {
            let which = format!(
                "suggestion {} ({}..{} {})",
                i + 1,
                p.start,
                p.end,
                p.type_id
            );
            if p.start >= p.end || p.end > n {
                return Err(self.err(format!(
                    "{which}: the span is not within the text of {n} characters"
                )));
            }
            let type_id = Slug::new(&p.type_id);
            if project.schema.entity(&type_id).is_none() {
                return Err(self.err(format!(
                    "{which}: no entity type {} in the schema",
                    p.type_id
                )));
            }
            if !(0.0..=1.0).contains(&p.score) {
                return Err(self.err(format!("{which}: score {} is not within 0…1", p.score)));
            }
            let entry = match p.entry {
                Some(e) => Some(
                    e.parse::<EntryId>()
                        .ok()
                        .filter(|id| project.registry.contains_key(id))
                        .ok_or_else(|| self.err(format!("{which}: no registry entry {e}")))?,
                ),
                None => None,
            };
            let date = match p.date {
                Some(d) => Some(
                    NormalizedDate::parse(&d)
                        .map_err(|e| self.err(format!("{which}: date {d}: {e}")))?,
                ),
                None => None,
            };
            let span = Span::new(p.start, p.end);
            list.push(Suggestion {
                doc: doc.id(),
                span,
                quote: text.slice(span.start, span.end).to_owned(),
                type_id,
                entry,
                date,
                recommender: self.id.clone(),
                score: p.score,
                basis: if p.label.is_empty() {
                    format!("proposed by {}", self.name)
                } else {
                    p.label
                },
            });
        }
        Ok(list)
    }
}
