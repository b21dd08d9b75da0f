//! The `marginalia` executable: the workbench window, and the command line.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use marginalia::cli;
use marginalia::interchange::{export, import};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "marginalia", version = cli::VERSION, about = "An annotation workbench for archival documents")]
#[command(args_conflicts_with_subcommands = true)]
struct Args {
    /// Project file or folder to open (default: the sample project).
    project: Option<PathBuf>,
    /// Render the first frames of the window into this PNG file and exit.
    #[arg(long, value_name = "PATH")]
    screenshot: Option<PathBuf>,
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
        /// Format: tei, brat, w3c, csv, jsonl, conll, gephi, gexf, palladio or cmif.
        #[arg(long)]
        format: String,
        /// Folder to write into (created if missing; never the project's own folder).
        #[arg(long)]
        out: PathBuf,
        /// Replace files that already exist in the folder (each old file is kept as .bak).
        #[arg(long)]
        force: bool,
    },
    /// Ask a project questions: events by role, communications, a period, concordance …
    Query(cli::query::QueryArgs),
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
            force,
        }) => {
            let exporter = export::by_id(&format).with_context(|| {
                let known: Vec<_> = export::all().iter().map(|e| e.id()).collect();
                format!(
                    "unknown export format \"{format}\" (known: {})",
                    known.join(", ")
                )
            })?;
            let loaded = marginalia::store::load(&project)
                .with_context(|| format!("cannot open project {}", project.display()))?;
            let options = export::ExportOptions {
                overwrite: force,
                project_dir: Some(loaded.disk.dir.clone()),
            };
            let report = exporter
                .export(&loaded.project, &out, &options, &mut |_| {})
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
        Some(Cmd::Query(q)) => {
            cli::query::run(&q)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Import {
            format,
            source,
            out,
        }) => {
            let importer = import::by_id(&format).with_context(|| {
                let known: Vec<_> = import::all().iter().map(|e| e.id()).collect();
                format!(
                    "unknown import format \"{format}\" (known: {})",
                    known.join(", ")
                )
            })?;
            let file = import::run(importer.as_ref(), &source, &out)
                .with_context(|| format!("{} import failed", importer.label()))?;
            println!("created project {}", file.display());
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let project = args.project.unwrap_or_else(cli::sample_project);
            marginalia::app::run(Some(project), args.screenshot)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
