//! The `marginalia` executable: the workbench window (cargo feature `gui`), and the command
//! line.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use marginalia::interchange::formats;
use marginalia::interchange::{export, import};
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
    /// Open a view below the reader: timeline, network, concordance, questions or statistics.
    #[arg(long, value_name = "VIEW")]
    view: Option<String>,
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
    /// Add source files to a project as documents, and save it.
    Add {
        project: PathBuf,
        /// Text files to add; those inside the project folder are added where they are.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Copy files from outside the project folder into its sources/ folder (without
        /// this, such files are refused).
        #[arg(long)]
        copy: bool,
        /// Title of the new document (only with one file; default: the file name).
        #[arg(long)]
        title: Option<String>,
        /// Status of the new documents: not-started, in-progress, done or needs-review.
        #[arg(long, value_parser = cli::add::parse_status)]
        status: Option<marginalia::model::DocStatus>,
    },
    /// Re-anchor annotations of documents whose source changed; print the counts.
    Reanchor {
        project: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// The annotator the changed annotations are stamped by (default: git's user.name,
        /// else the system user).
        #[arg(long)]
        by: Option<String>,
    },
    /// Export a project to another tool's format.
    Export {
        project: PathBuf,
        /// Format: tei, brat, w3c, w3c-recogito, webanno-tsv, csv, jsonl, conll, gephi, gexf, palladio, cmif or iiif.
        #[arg(long)]
        format: String,
        /// Folder to write into (created if missing; never the project's own folder).
        #[arg(long)]
        out: PathBuf,
        /// Replace files that already exist in the folder (each old file is kept as .bak).
        #[arg(long)]
        force: bool,
        /// iiif: the address the exported folder will be served at (ids are made under it;
        /// default http://127.0.0.1:8000/).
        #[arg(long)]
        base_url: Option<String>,
        /// Write the full list of what the format cannot hold to FILE (one line each).
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
    /// Ask a project questions: events by role, communications, a period, concordance …
    Query(cli::query::QueryArgs),
    /// Import another tool's files as a new project.
    Import {
        /// Format: brat, text, tei, w3c, webanno-tsv, page, alto, hocr, pdf or iiif.
        #[arg(long)]
        format: String,
        /// File or folder to import (for iiif: a manifest file or its http(s) address).
        source: String,
        /// New project folder to create.
        #[arg(long)]
        out: PathBuf,
        /// page, alto, hocr: a document per page, per book (a METS file, or the files of a
        /// folder), or auto (a METS file is a book, other files a document each).
        /// iiif: auto (a document per manifest) or range (a document per range).
        #[arg(long, default_value = "auto")]
        group: String,
        /// Write the full list of what was not kept to FILE (one line each).
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Refuse the import (create nothing) when anything would not be kept.
        #[arg(long)]
        strict: bool,
        /// W3C: what TextPositionSelector offsets count: `utf16` (JavaScript strings) or
        /// `code-points`; by default decided per file from the quotes.
        #[arg(long, value_name = "UNIT")]
        offsets: Option<String>,
    },
    /// Crash trial: edit and save in a loop until killed (tests/crash_trial.sh).
    #[command(hide = true)]
    DebugEditLoop {
        project: PathBuf,
        #[arg(long)]
        rounds: Option<u64>,
    },
    /// The PDF reader's child process (interchange::pdf::worker): a PDF on standard input,
    /// its text and page images on standard output.
    #[command(hide = true)]
    PdfWorker {
        #[arg(long)]
        text_only: bool,
    },
    /// Crash trial: print the state a killed edit loop left the project in.
    #[command(hide = true)]
    DebugProbe { project: PathBuf },
    /// Several-writers trial: one person's session making random edits and saves, logging
    /// what it saved (tests/process_trial.rs).
    #[command(hide = true)]
    DebugWriter {
        project: PathBuf,
        #[arg(long)]
        name: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 20)]
        steps: u64,
        #[arg(long)]
        log: PathBuf,
        #[arg(long, default_value_t = 0)]
        pause_ms: u64,
    },
    /// Git merge driver: three-way merge of one project or annotation file into OURS.
    /// Exits 0 when clean, 1 when conflicts were recorded in the file.
    Merge {
        base: PathBuf,
        ours: PathBuf,
        theirs: PathBuf,
        /// The file's path in the repository (git's %P).
        #[arg(long)]
        path: Option<PathBuf>,
        /// What to call our side in recorded conflicts (git's %X).
        #[arg(long)]
        ours_label: Option<String>,
        /// What to call their side in recorded conflicts (git's %Y).
        #[arg(long)]
        theirs_label: Option<String>,
        /// The base commit's name (git's %S).
        #[arg(long)]
        base_label: Option<String>,
    },
    /// Set up a project in a git repository: .gitattributes, .gitignore, merge driver.
    GitSetup {
        /// Project file or folder (default: the current folder).
        project: Option<PathBuf>,
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
        Some(Cmd::Add {
            project,
            files,
            copy,
            title,
            status,
        }) => {
            let meta = cli::add::NewMeta { title, status };
            let added = cli::add::run_with(&project, &files, copy, &meta)
                .with_context(|| format!("cannot add documents to {}", project.display()))?;
            print!("{}", cli::add::format_text(&added));
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Reanchor { project, json, by }) => {
            let stamper = marginalia::annotator::cli_stamper(by.as_deref());
            let report = cli::reanchor::run_as(&project, stamper)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", cli::reanchor::format_text(&report));
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Export {
            project,
            format,
            out,
            force,
            base_url,
            report: report_file,
        }) => {
            let exporter: Option<Box<dyn export::Exporter>> = match (&*format, &base_url) {
                ("iiif", Some(url)) => Some(Box::new(
                    marginalia::interchange::iiif::IiifExporter::with_base_url(url),
                )),
                (_, Some(_)) => anyhow::bail!("--base-url applies to --format iiif only"),
                _ => formats::exporter(&format),
            };
            let exporter = exporter.with_context(|| {
                let known: Vec<_> = formats::exporters().iter().map(|e| e.id()).collect();
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
                for line in report.grouped() {
                    eprintln!("  {line}");
                }
            }
            if let Some(file) = report_file {
                let title = format!(
                    "{} export of {} to {}",
                    exporter.label(),
                    project.display(),
                    out.display()
                );
                write_report(&file, &report.full_text(&title))?;
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
            group,
            report: report_file,
            strict,
            offsets,
        }) => {
            let importer = if format == "iiif" {
                let ranges = match group.as_str() {
                    "auto" => false,
                    "range" => true,
                    _ => anyhow::bail!("unknown --group \"{group}\" for iiif (known: auto, range)"),
                };
                Some(Box::new(marginalia::interchange::iiif::IiifImporter {
                    ranges,
                    ..Default::default()
                }) as Box<dyn import::Importer>)
            } else {
                let group =
                    marginalia::interchange::layout::Group::parse(&group).with_context(|| {
                        format!("unknown --group \"{group}\" (known: auto, page, book)")
                    })?;
                formats::importer_grouped(&format, group)
            };
            let importer = importer.with_context(|| {
                let known: Vec<_> = formats::importers().iter().map(|e| e.id()).collect();
                format!(
                    "unknown import format \"{format}\" (known: {})",
                    known.join(", ")
                )
            })?;
            let offsets = match offsets.as_deref() {
                None => None,
                Some("utf16" | "utf-16") => Some(import::OffsetUnit::Utf16),
                Some("code-points" | "codepoints" | "chars") => {
                    Some(import::OffsetUnit::CodePoints)
                }
                Some(other) => {
                    anyhow::bail!("unknown --offsets \"{other}\" (known: utf16, code-points)")
                }
            };
            let options = import::ImportOptions { strict, offsets };
            // A path, or for IIIF also an http(s) address: kept as written.
            let source = std::path::PathBuf::from(source);
            let done = import::run_reporting(importer.as_ref(), &source, &out, &options)
                .with_context(|| format!("{} import failed", importer.label()))?;
            println!("created project {}", done.project_file.display());
            if done.report.is_empty() {
                println!("everything in {} was kept", source.display());
            } else {
                let n: usize = done.report.items.iter().map(|i| i.count).sum();
                eprintln!("{n} things in {} were not kept:", source.display());
                for line in done.report.grouped() {
                    eprintln!("  {line}");
                }
            }
            if let Some(file) = report_file {
                let title = format!(
                    "{} import of {} into {}",
                    importer.label(),
                    source.display(),
                    out.display()
                );
                write_report(&file, &done.report.full_text(&title))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::DebugEditLoop { project, rounds }) => {
            cli::crash_trial::edit_loop(&project, rounds)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::PdfWorker { text_only }) => Ok(ExitCode::from(
            u8::try_from(marginalia::interchange::pdf::worker::serve_stdio(
                !text_only,
            ))
            .unwrap_or(1),
        )),
        Some(Cmd::DebugProbe { project }) => {
            println!("{}", cli::crash_trial::probe(&project)?);
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::DebugWriter {
            project,
            name,
            seed,
            steps,
            log,
            pause_ms,
        }) => {
            let o = cli::crash_trial::WriterOptions {
                name,
                seed,
                steps,
                log,
                pause_ms,
            };
            let s = cli::crash_trial::writer(&project, &o)?;
            println!(
                "writer {}: edits {} saves {} merged {} conflicts resolved {}",
                o.name, s.edits, s.saves, s.merged, s.conflicts_resolved
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Merge {
            base,
            ours,
            theirs,
            path,
            ours_label,
            theirs_label,
            base_label,
        }) => {
            let revs = cli::merge::Revisions {
                base: base_label,
                ours: ours_label.clone(),
                theirs: theirs_label.clone(),
            };
            let labels = cli::merge::labels(ours_label, theirs_label);
            let outcome = cli::merge::run(&base, &ours, &theirs, path.as_deref(), &labels, &revs)?;
            eprint!(
                "{}",
                cli::merge::report(&outcome, path.as_deref().unwrap_or(&ours))
            );
            Ok(if outcome.conflicts.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Some(Cmd::GitSetup { project }) => {
            let project = project.unwrap_or_else(|| PathBuf::from("."));
            let exe = std::env::current_exe().context("cannot find the marginalia executable")?;
            let report = cli::git_setup::run(&project, &exe)
                .with_context(|| format!("cannot set up git for {}", project.display()))?;
            for (file, lines) in &report.appended {
                println!("{file}: {} line(s) added", lines.len());
            }
            println!("merge driver: {}", report.driver);
            match &report.hook {
                cli::git_setup::HookOutcome::Installed(path) => println!(
                    "pre-commit hook (refuses to commit an unfinished save): {}",
                    path.display()
                ),
                cli::git_setup::HookOutcome::BesideExisting {
                    existing,
                    ours,
                    call,
                } => println!(
                    "pre-commit hook NOT installed: the repository has its own, left as it is: {}\n\
                     Marginalia's (refuses to commit an unfinished save) is at {}; to use it, add this line to yours:\n  {call}",
                    existing.display(),
                    ours.display()
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        None => window(args.project, args.screenshot, args.window_size, args.view),
    }
}

/// Opens the window on `project`; without one, on the repository's sample when run from
/// the source tree (`cargo run`), else on the start screen.
#[cfg(feature = "gui")]
fn window(
    project: Option<PathBuf>,
    screenshot: Option<PathBuf>,
    size: Option<[f32; 2]>,
    view: Option<String>,
) -> anyhow::Result<ExitCode> {
    let project = project.or_else(build_info::dev_sample);
    let view = view
        .map(|v| {
            marginalia::app::panels::views::ViewKind::parse(&v).with_context(|| {
                format!(
                    "unknown view \"{v}\" (timeline, network, concordance, questions or statistics)"
                )
            })
        })
        .transpose()?;
    marginalia::app::run(project, screenshot, size, view)?;
    Ok(ExitCode::SUCCESS)
}

/// Without the `gui` feature there is no window: say so and name the commands there are.
#[cfg(not(feature = "gui"))]
fn window(
    _project: Option<PathBuf>,
    _screenshot: Option<PathBuf>,
    _size: Option<[f32; 2]>,
    _view: Option<String>,
) -> anyhow::Result<ExitCode> {
    anyhow::bail!(
        "this marginalia was built without the window (cargo feature \"gui\"); use a subcommand such as check, add, export, import, query, merge or reanchor (see --help)"
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

/// Writes a report file atomically (never through a link; an existing file is replaced,
/// its old version kept as `.bak`).
fn write_report(file: &std::path::Path, text: &str) -> anyhow::Result<()> {
    marginalia::store::fs::write_atomic(file, text.as_bytes(), marginalia::store::fs::Backup::Keep)
        .with_context(|| format!("cannot write the report {}", file.display()))?;
    eprintln!("the full list is in {}", file.display());
    Ok(())
}
