//! `marginalia suggest PROJECT [--documents …] [--json]`: every suggestion the
//! recommenders make for a project's documents (document id, span, type, entry,
//! recommender, score), so anyone can score them. Rejected suggestions are left out, as in
//! the window. Nothing is written.

use crate::model::suggest::dates::DateRecommender;
use crate::model::suggest::external::{Endpoint, ExternalRecommender};
use crate::model::suggest::project::ProjectRecommender;
use crate::model::suggest::{Recommender, Suggestion, suggest_document};
use crate::model::{DocId, Project};
use anyhow::{Context as _, bail};
use rayon::prelude::*;
use serde::Serialize;
use std::path::PathBuf;

/// The arguments of `marginalia suggest`.
#[derive(Debug, clap::Args)]
pub struct SuggestArgs {
    /// Project file or folder.
    pub project: PathBuf,
    /// Only these documents: ids, or exact titles (repeat the flag or separate by commas).
    #[arg(long, value_delimiter = ',')]
    pub documents: Vec<String>,
    /// Print JSON (one object with a `suggestions` list).
    #[arg(long)]
    pub json: bool,
    /// Project recommender: the lowest score proposed (0…1).
    #[arg(long, default_value_t = ProjectRecommender::MIN_SCORE)]
    pub min_score: f32,
    /// Which built-in recommenders run: project, dates (comma-separated; default both).
    #[arg(long, value_delimiter = ',', default_value = "project,dates")]
    pub recommenders: Vec<String>,
    /// An external recommender: a command run once per document with the request on its
    /// standard input (see docs/suggestions.md), e.g. `--external-command "python3 ner.py"`.
    #[arg(long)]
    pub external_command: Option<String>,
    /// An external recommender at an HTTP endpoint on 127.0.0.1 or localhost.
    #[arg(long)]
    pub external_url: Option<String>,
}

/// One suggestion as printed.
#[derive(Serialize)]
struct Out<'a> {
    document: DocId,
    title: &'a str,
    spans: [[usize; 2]; 1],
    quote: &'a str,
    #[serde(rename = "type")]
    type_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    recommender: &'a str,
    score: f32,
    basis: &'a str,
}

/// The documents `sel` names (all when empty); an unknown one is an error.
fn documents(p: &Project, sel: &[String]) -> anyhow::Result<Vec<DocId>> {
    if sel.is_empty() {
        return Ok(p.documents.keys().copied().collect());
    }
    let mut out = Vec::new();
    for s in sel {
        let s = s.trim();
        let found = s
            .parse::<DocId>()
            .ok()
            .filter(|id| p.documents.contains_key(id))
            .or_else(|| {
                p.documents
                    .values()
                    .find(|d| d.meta.title == s)
                    .map(|d| d.id())
            });
        match found {
            Some(id) => out.push(id),
            None => bail!("no document with the id or title “{s}”"),
        }
    }
    Ok(out)
}

/// Every suggestion for `docs` of `project` by `recs`, in document then text order;
/// errors of recommenders are returned beside them.
pub fn suggest_all(
    project: &Project,
    docs: &[DocId],
    recs: &[&dyn Recommender],
    rejections: &crate::model::suggest::Rejections,
) -> (Vec<Suggestion>, Vec<String>) {
    let per: Vec<_> = docs
        .par_iter()
        .filter_map(|id| project.documents.get(id))
        .map(|d| suggest_document(recs, project, d, rejections))
        .collect();
    let mut all = Vec::new();
    let mut errors = Vec::new();
    for (s, e) in per {
        all.extend(s);
        errors.extend(e.into_iter().map(|e| e.to_string()));
    }
    (all, errors)
}

pub fn run(args: &SuggestArgs) -> anyhow::Result<()> {
    let loaded = crate::store::load(&args.project)
        .with_context(|| format!("cannot open project {}", args.project.display()))?;
    let file = crate::store::resolve_project_file(&args.project)?;
    let rejections = crate::store::suggestions::load_rejections(&file)?;
    let p = &loaded.project;
    let docs = documents(p, &args.documents)?;
    let mut owned: Vec<Box<dyn Recommender>> = Vec::new();
    for r in &args.recommenders {
        match r.trim() {
            "project" => {
                let mut pr = ProjectRecommender::new(p, &rejections);
                pr.min_score = args.min_score;
                owned.push(Box::new(pr));
            }
            "dates" => owned.push(Box::new(DateRecommender::default())),
            "" => {}
            other => bail!("unknown recommender “{other}” (project, dates)"),
        }
    }
    if let Some(cmd) = &args.external_command {
        let mut words = cmd.split_whitespace().map(str::to_owned);
        let program = words.next().context("--external-command is empty")?;
        let ext = ExternalRecommender::new(
            "command",
            Endpoint::Command {
                program,
                args: words.collect(),
            },
        )?;
        owned.push(Box::new(ext));
    }
    if let Some(url) = &args.external_url {
        owned.push(Box::new(ExternalRecommender::new(
            "http",
            Endpoint::Http { url: url.clone() },
        )?));
    }
    let recs: Vec<&dyn Recommender> = owned
        .iter()
        .map(|b| b.as_ref() as &dyn Recommender)
        .collect();
    let (all, errors) = suggest_all(p, &docs, &recs, &rejections);
    if !errors.is_empty() {
        bail!("{}", errors.join("\n"));
    }
    let rows: Vec<Out<'_>> = all
        .iter()
        .map(|s| Out {
            document: s.doc,
            title: p
                .documents
                .get(&s.doc)
                .map_or("", |d| d.meta.title.as_str()),
            spans: [[s.span.start, s.span.end]],
            quote: &s.quote,
            type_id: &s.type_id.0,
            entry: s.entry.map(|e| e.to_string()),
            entry_name: s
                .entry
                .and_then(|e| p.registry.get(&e))
                .map(|e| e.name.as_str()),
            date: s.date.as_ref().map(ToString::to_string),
            recommender: &s.recommender,
            score: s.score,
            basis: &s.basis,
        })
        .collect();
    if args.json {
        #[derive(Serialize)]
        struct All<'a> {
            suggestions: Vec<Out<'a>>,
        }
        println!(
            "{}",
            serde_json::to_string_pretty(&All { suggestions: rows })?
        );
    } else {
        for r in &rows {
            let what = match (r.entry_name, &r.date) {
                (Some(e), _) => format!(" → {e}"),
                (None, Some(d)) => format!(" = {d}"),
                _ => String::new(),
            };
            println!(
                "{}\t{}–{}\t“{}”\t{}{}\t{} {:.2}",
                r.title,
                r.spans[0][0],
                r.spans[0][1],
                r.quote,
                r.type_id,
                what,
                r.recommender,
                r.score
            );
        }
        println!(
            "{}",
            crate::words::count(rows.len(), "suggestion", "suggestions")
        );
    }
    Ok(())
}
