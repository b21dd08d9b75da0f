//! The `marginalia` executable: the workbench window (cargo feature `gui`), and the command
//! line.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use marginalia::{build_info, cli};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "marginalia", version = build_info::VERSION, about = "An annotation workbench for archival documents")]
#[command(args_conflicts_with_subcommands = true)]
struct Args {
    /// Project file or folder to open (default: the sample project).
    project: Option<PathBuf>,
    /// Render the first frames of the window into this PNG file and exit.
    #[arg(long, value_name = "PATH")]
    screenshot: Option<PathBuf>,
    /// Initial window size in logical pixels, e.g. 700x900.
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    window_size: Option<[f32; 2]>,
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Load and validate a project; print counts and every problem.
    Check {
        project: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Export a project to another tool's format.
    Export {
        project: PathBuf,
        /// Format: tei, brat, w3c, csv, jsonl or conll.
        #[arg(long)]
        format: String,
        /// Folder to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// Import another tool's files as a new project.
    Import {
        /// Format: brat, text, tei or w3c.
        #[arg(long)]
        format: String,
        /// File or folder to import.
        source: PathBuf,
        /// New project folder to create.
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Some(Cmd::Check { project, json }) => {
            let report = cli::check::run(&project)
                .with_context(|| format!("cannot check project {}", project.display()))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", cli::check::format_text(&report));
            }
            Ok(if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Some(Cmd::Export {
            project,
            format,
            out,
        }) => {
            let exporter = marginalia::export::by_id(&format).with_context(|| {
                let known: Vec<_> = marginalia::export::all().iter().map(|e| e.id()).collect();
                format!(
                    "unknown export format \"{format}\" (known: {})",
                    known.join(", ")
                )
            })?;
            let loaded = marginalia::store::load(&project)
                .with_context(|| format!("cannot open project {}", project.display()))?;
            let report = exporter
                .export(&loaded.project, &out, &mut |_| {})
                .with_context(|| format!("{} export failed", exporter.label()))?;
            println!("wrote {} files to {}", report.files.len(), out.display());
            if !report.omitted.is_empty() {
                eprintln!(
                    "{} things the {} format cannot express were left out:",
                    report.omitted.len(),
                    exporter.label()
                );
                for line in &report.omitted {
                    eprintln!("  {line}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Import {
            format,
            source,
            out,
        }) => {
            let importer = marginalia::import::by_id(&format).with_context(|| {
                let known: Vec<_> = marginalia::import::all().iter().map(|e| e.id()).collect();
                format!(
                    "unknown import format \"{format}\" (known: {})",
                    known.join(", ")
                )
            })?;
            let file = marginalia::import::run(importer.as_ref(), &source, &out)
                .with_context(|| format!("{} import failed", importer.label()))?;
            println!("created project {}", file.display());
            Ok(ExitCode::SUCCESS)
        }
        None => window(args.project, args.screenshot, args.window_size),
    }
}

/// Opens the window on `project` (default: the sample project).
#[cfg(feature = "gui")]
fn window(
    project: Option<PathBuf>,
    screenshot: Option<PathBuf>,
    size: Option<[f32; 2]>,
) -> anyhow::Result<ExitCode> {
    let project = project.unwrap_or_else(build_info::sample_project);
    marginalia::app::run(Some(project), screenshot, size)?;
    Ok(ExitCode::SUCCESS)
}

/// Without the `gui` feature there is no window: say so and name the commands there are.
#[cfg(not(feature = "gui"))]
fn window(
    _project: Option<PathBuf>,
    _screenshot: Option<PathBuf>,
    _size: Option<[f32; 2]>,
) -> anyhow::Result<ExitCode> {
    anyhow::bail!(
        "this marginalia was built without the window (cargo feature \"gui\"); use a subcommand: check, export or import (see --help)"
    )
}

/// Parses `WxH` (e.g. `700x900`) into a size of at least 200 × 200.
fn parse_size(s: &str) -> Result<[f32; 2], String> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("expected WIDTHxHEIGHT, like 700x900, not \"{s}\""))?;
    let num = |v: &str| {
        v.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (200..=16_384).contains(n))
            .map(|n| n as f32)
            .ok_or_else(|| format!("\"{v}\" is not a size between 200 and 16384"))
    };
    Ok([num(w)?, num(h)?])
}
