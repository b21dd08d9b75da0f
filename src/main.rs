//! The `marginalia` executable: the workbench window, and the command line.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use marginalia::cli;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "marginalia", version = cli::VERSION, about = "An annotation workbench for archival documents")]
#[command(args_conflicts_with_subcommands = true)]
struct Args {
    /// Project file or folder to open (default: the sample project).
    project: Option<PathBuf>,
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
        None => {
            let project = args.project.unwrap_or_else(cli::sample_project);
            let report = cli::check::run(&project)
                .with_context(|| format!("cannot open project {}", project.display()))?;
            print!("{}", cli::check::format_text(&report));
            Ok(ExitCode::SUCCESS)
        }
    }
}
