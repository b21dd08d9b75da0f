//! `marginalia agree PROJECT [COPY …]`: inter-annotator agreement (issue 26).
//!
//! One project: its annotators' layers are compared. Two or more projects: copies of one
//! project (clones, a colleague's folder), each copy one annotator, documents matched by id.
//! What every number means is in `docs/agreement.md`.

use crate::model::Project;
use crate::model::agreement::{self, Filter, Labels, Report, Study};
use crate::store;
use anyhow::Context as _;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What `agree` was asked.
#[derive(Clone, Debug, Default)]
pub struct AgreeArgs {
    pub projects: Vec<PathBuf>,
    pub filter: Filter,
    /// Write the unit table here (`document,offset,annotator,label`).
    pub units_csv: Option<PathBuf>,
}

/// Splits a comma-separated option value (`--annotators a,b`), dropping empty items.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The name a copy's annotator goes by: the copy's folder name, or the path as given when
/// two copies share a folder name.
fn copy_names(paths: &[PathBuf], dirs: &[PathBuf]) -> Vec<String> {
    let short: Vec<String> = dirs
        .iter()
        .map(|d| {
            d.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| d.display().to_string())
        })
        .collect();
    short
        .iter()
        .enumerate()
        .map(|(i, n)| {
            if short.iter().filter(|m| *m == n).count() > 1 {
                paths[i].display().to_string()
            } else {
                n.clone()
            }
        })
        .collect()
}

/// Loads the projects, computes the report, writes the unit table if asked.
pub fn run(args: &AgreeArgs) -> anyhow::Result<Report> {
    anyhow::ensure!(
        !args.projects.is_empty(),
        "agree needs a project (its annotator layers) or two or more copies of one"
    );
    let mut loaded = Vec::new();
    for p in &args.projects {
        let l = store::load(p).with_context(|| format!("cannot open project {}", p.display()))?;
        loaded.push(l);
    }
    let projects: Vec<&Project> = loaded.iter().map(|l| &l.project).collect();
    let dirs: Vec<PathBuf> = loaded.iter().map(|l| l.disk.dir.clone()).collect();
    let names = copy_names(&args.projects, &dirs);
    let study = if projects.len() == 1 {
        Study::from_layers(projects[0], &args.filter)?
    } else {
        let copies: Vec<(&str, &Project)> = names
            .iter()
            .map(String::as_str)
            .zip(projects.iter().copied())
            .collect();
        Study::from_copies(&copies, &args.filter)?
    };
    let labels = Labels::of(&study, &args.filter, Some(&projects[0].schema))?;
    if let Some(path) = &args.units_csv {
        write_units(&study, &labels, path)?;
    }
    Ok(agreement::compute(&study, &labels))
}

/// Writes the unit table atomically (a temporary file renamed into place).
fn write_units(study: &Study, labels: &Labels, path: &Path) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    agreement::units::write_csv(study, labels, &mut buf)
        .with_context(|| format!("cannot write the unit table {}", path.display()))?;
    crate::store::fs::write_atomic(path, &buf, crate::store::fs::Backup::Keep)
        .with_context(|| format!("cannot write the unit table {}", path.display()))?;
    Ok(())
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{v:.4}"))
}

/// The report as text: the overall numbers, a line per pair, a line per type.
pub fn format_text(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} annotators ({}), {}, {} character units ({} labelled by all)",
        r.annotators.len(),
        r.annotators.join(", "),
        crate::words::count(r.documents, "document", "documents"),
        r.units,
        r.complete_units
    );
    let _ = writeln!(
        s,
        "observed {}  Fleiss' κ {}  Krippendorff's α {}  α_u {}",
        num(r.observed),
        num(r.fleiss_kappa),
        num(r.krippendorff_alpha),
        num(r.krippendorff_alpha_u)
    );
    let _ = writeln!(s, "\npairs:");
    for p in &r.pairs {
        let _ = writeln!(
            s,
            "  {} / {}: Cohen's κ {}  F1 exact {}  F1 overlap {}  α_u {}  links {}  event roles {}",
            p.a,
            p.b,
            num(p.cohen_kappa),
            num(p.f1_exact),
            num(p.f1_overlap),
            num(p.alpha_u),
            num(p.links.agreement),
            num(p.events.f1_roles)
        );
    }
    if !r.per_type.is_empty() {
        let _ = writeln!(s, "\ntypes:");
    }
    for (t, tr) in &r.per_type {
        let _ = writeln!(
            s,
            "  {t}: Fleiss' κ {}  α {}  α_u {}",
            num(tr.fleiss_kappa),
            num(tr.krippendorff_alpha),
            num(tr.alpha_u)
        );
        for p in &tr.pairs {
            let _ = writeln!(
                s,
                "    {} / {}: κ {}  F1 exact {}  F1 overlap {}",
                p.a,
                p.b,
                num(p.cohen_kappa),
                num(p.f1_exact),
                num(p.f1_overlap)
            );
        }
    }
    if !r.left_out.is_empty() {
        let _ = writeln!(s, "\nleft out:");
        for l in &r.left_out {
            let who = l
                .annotator
                .as_deref()
                .map(|a| format!(" ({a})"))
                .unwrap_or_default();
            let _ = writeln!(s, "  {} {}{who}: {}", l.document, l.title, l.reason);
        }
    }
    s
}
