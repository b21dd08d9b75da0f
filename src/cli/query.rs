//! `marginalia query PROJECT …`: the questions of the views panel for scripts, as text or
//! `--json`. Entries are named by id or by name or alias ("Filippov"); dates are ISO 8601.

use crate::model::{Project, Slug};
use crate::views::concordance::{KwicQuery, KwicSort, kwic, stats};
use crate::views::network::{Network, NetworkFilter};
use crate::views::query::{DocSelector, Hit, Question, answer};
use crate::views::timeline::{RowMode, Timeline, TimelineFilter};
use crate::views::{Index, Minute, find_entry, iso_bounds};
use anyhow::{Context as _, bail};
use serde::Serialize;
use std::path::PathBuf;

/// The arguments of `marginalia query`.
#[derive(Debug, clap::Args)]
pub struct QueryArgs {
    /// Project file or folder.
    pub project: PathBuf,
    /// Print the answer as JSON.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub question: Ask,
}

/// One question.
#[derive(Debug, clap::Subcommand)]
pub enum Ask {
    /// Events where an entry fills a role: `events --entry "Nam Il" --type meeting --role
    /// participant` (meetings Nam Il attended), `--type agenda_point --role opposed_by`.
    Events {
        /// Registry entry: id, name or alias.
        #[arg(long)]
        entry: String,
        /// Event type id (meeting, communication, agenda_point …); default any.
        #[arg(long = "type")]
        event_type: Option<String>,
        /// Role id (participant, sender, opposed_by …); default any.
        #[arg(long)]
        role: Option<String>,
    },
    /// Communications from one entry to another (either may be left open).
    Communications {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        /// Do not count copies (copy_to) as received.
        #[arg(long)]
        no_copies: bool,
    },
    /// What happened on a date or in a period: `period 1951-07-10` or `period 1951-07 1951-08`.
    Period {
        /// ISO 8601 start (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm).
        from: String,
        /// ISO 8601 end, inclusive at its precision (default: the start's).
        to: Option<String>,
    },
    /// Entries mentioned in some documents but never in others. Selectors: event:TYPE
    /// (documents with such an event), archive:TEXT, title:TEXT.
    Mentioned {
        #[arg(long = "in")]
        mentioned_in: String,
        #[arg(long = "not-in")]
        not_in: String,
    },
    /// Key word in context: every mention of an entry or type, or every occurrence of a text.
    Kwic {
        #[arg(long, conflicts_with_all = ["entity_type", "search"])]
        entry: Option<String>,
        #[arg(long = "type", conflicts_with = "search")]
        entity_type: Option<String>,
        #[arg(long)]
        search: Option<String>,
        /// Sort by doc, left, right or date.
        #[arg(long, default_value = "doc")]
        sort: String,
        /// Characters of context on each side.
        #[arg(long, default_value_t = 40)]
        width: usize,
    },
    /// Counts per type, status, document and annotator.
    Stats,
    /// Dated events in time order, and the undated ones.
    Timeline {
        /// Event type ids to keep (repeatable).
        #[arg(long = "type")]
        types: Vec<String>,
        #[arg(long)]
        entry: Option<String>,
        #[command(flatten)]
        pictures: Pictures,
    },
    /// The network's edges (communication, copy, meeting, relations), optionally in a period.
    Network {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[command(flatten)]
        pictures: Pictures,
    },
}

/// Where to draw the timeline or network as pictures (besides printing the answer).
#[derive(Debug, clap::Args)]
pub struct Pictures {
    /// Also write the picture as SVG to this file.
    #[arg(long, value_name = "PATH")]
    pub svg: Option<PathBuf>,
    /// Also write the picture as PNG (the SVG rasterized) to this file.
    #[arg(long, value_name = "PATH")]
    pub png: Option<PathBuf>,
}

impl Pictures {
    /// Writes the SVG and its PNG where asked; nothing when neither is.
    fn write(&self, svg: impl FnOnce() -> String) -> anyhow::Result<()> {
        if self.svg.is_none() && self.png.is_none() {
            return Ok(());
        }
        let svg = svg();
        // Atomic; a regular file there is replaced (without backup), anything else refused.
        let write = |path: &std::path::Path, bytes: &[u8]| {
            crate::store::write_atomic(path, bytes, crate::store::Backup::Skip)
        };
        if let Some(path) = &self.svg {
            write(path, svg.as_bytes())?;
        }
        if let Some(path) = &self.png {
            let png = crate::views::svg::png_from_svg(&svg, 1.0)
                .with_context(|| format!("cannot draw the PNG {}", path.display()))?;
            write(path, &png)?;
        }
        Ok(())
    }
}

fn entry(project: &Project, name: &str) -> anyhow::Result<crate::model::EntryId> {
    find_entry(project, name).with_context(|| {
        format!(
            "no registry entry matches \"{name}\" in project \"{}\"",
            project.info.name
        )
    })
}

fn period(from: &str, to: Option<&str>) -> anyhow::Result<(Minute, Minute)> {
    let bad = |s: &str| {
        format!("\"{s}\" is not an ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm)")
    };
    let (a, b) = iso_bounds(from).with_context(|| bad(from))?;
    let b = match to {
        Some(t) => iso_bounds(t).with_context(|| bad(t))?.1,
        None => b,
    };
    if b <= a {
        bail!(
            "the period ends before it starts: {from} – {}",
            to.unwrap_or(from)
        );
    }
    Ok((a, b))
}

/// Prints the answer; a closed pipe (`| head`) ends the output quietly.
fn print<T: Serialize>(json: bool, value: &T, text: impl FnOnce() -> String) -> anyhow::Result<()> {
    use std::io::Write as _;
    let out = if json {
        let mut s = serde_json::to_string_pretty(value)?;
        s.push('\n');
        s
    } else {
        text()
    };
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(e).context("cannot write the answer to standard output"))
        }
        _ => Ok(()),
    }
}

fn hits_text(hits: &[Hit]) -> String {
    let mut s = String::new();
    for h in hits {
        s.push_str(&format!(
            "{}\t{}\t{}\t{} [{}{}]\n",
            h.date.as_deref().unwrap_or("-"),
            h.label,
            h.detail,
            h.doc_title,
            h.link.doc,
            h.link.ann.map_or_else(String::new, |a| format!("#{a}"))
        ));
    }
    s.push_str(&format!("{} result(s)\n", hits.len()));
    s
}

/// Loads the project and answers the question, printing the answer.
pub fn run(args: &QueryArgs) -> anyhow::Result<()> {
    let loaded = crate::store::load(&args.project)
        .with_context(|| format!("cannot open project {}", args.project.display()))?;
    let p = &loaded.project;
    let json = args.json;
    let ask = |q: Question| {
        let hits = answer(p, &Index::build(p), &q);
        print(json, &hits, || hits_text(&hits))
    };
    match &args.question {
        Ask::Events {
            entry: e,
            event_type,
            role,
        } => ask(Question::EntryInRole {
            entry: entry(p, e)?,
            event_type: event_type.as_deref().map(Slug::new),
            role: role.as_deref().map(Slug::new),
        }),
        Ask::Communications {
            from,
            to,
            no_copies,
        } => ask(Question::Communications {
            from: from.as_deref().map(|x| entry(p, x)).transpose()?,
            to: to.as_deref().map(|x| entry(p, x)).transpose()?,
            copies: !no_copies,
        }),
        Ask::Period { from, to } => {
            let (from, to) = period(from, to.as_deref())?;
            ask(Question::During { from, to })
        }
        Ask::Mentioned {
            mentioned_in,
            not_in,
        } => ask(Question::MentionedOnlyIn {
            mentioned_in: DocSelector::parse(mentioned_in).map_err(anyhow::Error::msg)?,
            never_in: DocSelector::parse(not_in).map_err(anyhow::Error::msg)?,
        }),
        Ask::Kwic {
            entry: e,
            entity_type,
            search,
            sort,
            width,
        } => {
            let q = match (e, entity_type, search) {
                (Some(e), _, _) => KwicQuery::Entry(entry(p, e)?),
                (_, Some(t), _) => KwicQuery::Type(Slug::new(t.as_str())),
                (_, _, Some(s)) => KwicQuery::Search(s.clone()),
                _ => bail!("kwic needs --entry, --type or --search"),
            };
            let sort = match sort.as_str() {
                "doc" => KwicSort::Document,
                "left" => KwicSort::Left,
                "right" => KwicSort::Right,
                "date" => KwicSort::Date,
                other => bail!("unknown sort \"{other}\" (doc, left, right or date)"),
            };
            let lines = kwic(p, &q, *width, sort);
            print(json, &lines, || {
                let mut s = String::new();
                for l in &lines {
                    s.push_str(&format!(
                        "{:>w$} [{}] {}\t{}\n",
                        l.left,
                        l.keyword,
                        l.right,
                        l.doc_title,
                        w = *width
                    ));
                }
                s.push_str(&format!("{} line(s)\n", lines.len()));
                s
            })
        }
        Ask::Stats => {
            let st = stats(p);
            print(json, &st, || {
                let mut s = String::from("annotations by type:\n");
                for (t, n) in &st.by_type {
                    s.push_str(&format!("  {t}\t{n}\n"));
                }
                s.push_str("documents by status:\n");
                for (t, n) in &st.by_status {
                    s.push_str(&format!("  {t}\t{n}\n"));
                }
                s.push_str("annotators:\n");
                for (who, a) in &st.annotators {
                    let who = if who.is_empty() { "(none)" } else { who };
                    s.push_str(&format!(
                        "  {who}\t{} in {}\n",
                        crate::words::count(a.annotations, "annotation", "annotations"),
                        crate::words::count(a.documents, "document", "documents")
                    ));
                }
                s
            })
        }
        Ask::Timeline {
            types,
            entry: e,
            pictures,
        } => {
            let filter = TimelineFilter {
                types: types.iter().map(|t| Slug::new(t.as_str())).collect(),
                entry: e.as_deref().map(|x| entry(p, x)).transpose()?,
                ..TimelineFilter::default()
            };
            let t = Timeline::build(p, &Index::build(p), &filter, RowMode::ByType);
            pictures.write(|| crate::views::svg::timeline_svg(p, &t))?;
            #[derive(Serialize)]
            struct Out<'a> {
                events: &'a [crate::views::EventInfo],
                undated: &'a [crate::views::EventInfo],
            }
            print(
                json,
                &Out {
                    events: &t.events,
                    undated: &t.undated,
                },
                || {
                    let mut s = String::new();
                    for e in t.events.iter().chain(&t.undated) {
                        s.push_str(&format!(
                            "{}\t{}\t{} [{}{}]\n",
                            e.range.as_ref().map_or("undated", |r| r.label.as_str()),
                            e.label,
                            e.doc_title,
                            e.link.doc,
                            e.link.ann.map_or_else(String::new, |a| format!("#{a}"))
                        ));
                    }
                    s
                },
            )
        }
        Ask::Network { from, to, pictures } => {
            let window = match from {
                Some(f) => Some(period(f, to.as_deref())?),
                None if to.is_some() => bail!("--to needs --from"),
                None => None,
            };
            let filter = NetworkFilter {
                window,
                ..NetworkFilter::default()
            };
            let net = Network::build(p, &Index::build(p), &filter);
            pictures.write(|| {
                let pos = crate::views::network::layout(&net);
                crate::views::svg::network_svg(p, &net, &pos)
            })?;
            print(json, &net, || {
                let mut s = String::new();
                for e in &net.edges {
                    s.push_str(&format!(
                        "{}\t{} {} {}\tweight {}\n",
                        e.kind.label(p),
                        net.nodes[e.source].label,
                        if e.directed { "->" } else { "--" },
                        net.nodes[e.target].label,
                        e.weight
                    ));
                }
                s.push_str(&format!(
                    "{} node(s), {} edge(s)\n",
                    net.nodes.len(),
                    net.edges.len()
                ));
                s
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_replace_a_file_atomically_and_refuse_anything_else() {
        let tmp = tempfile::tempdir().unwrap();
        let svg = tmp.path().join("t.svg");
        std::fs::write(&svg, "old").unwrap();
        let pictures = |svg: &std::path::Path| Pictures {
            svg: Some(svg.to_path_buf()),
            png: None,
        };
        pictures(&svg).write(|| "<svg/>".into()).unwrap();
        assert_eq!(std::fs::read_to_string(&svg).unwrap(), "<svg/>");
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["t.svg"], "no temporary file or backup left");
        #[cfg(unix)]
        {
            let link = tmp.path().join("link.svg");
            std::os::unix::fs::symlink(&svg, &link).unwrap();
            let err = pictures(&link)
                .write(|| "<svg>new</svg>".into())
                .unwrap_err();
            let msg = format!("{err:#}");
            assert!(msg.contains("symbolic link"), "{msg}");
            assert!(msg.ends_with(&link.display().to_string()), "{msg}");
            assert_eq!(std::fs::read_to_string(&svg).unwrap(), "<svg/>");
        }
    }
}
