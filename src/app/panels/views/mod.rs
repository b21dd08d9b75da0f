//! The views across the project (issue 15), drawn from [`crate::views`]: a timeline, a
//! network, a concordance, structured questions and statistics, one file each. They share
//! one strip below the reader (tabs; View menu and palette open them through
//! [`Command::ShowView`]), one [`Index`] rebuilt only when the project changes, and jump to
//! the text through [`go_to`].

pub mod concordance;
mod defaults;
pub mod network;
mod network_mesh;
pub mod query;
pub mod stats;
pub mod timeline;

use crate::app::{AppState, Command, Message};
use crate::model::{Project, Span};
use crate::views::{Index, Link};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One of the views.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ViewKind {
    Timeline,
    Network,
    Concordance,
    Questions,
    Statistics,
}

impl ViewKind {
    pub const ALL: [ViewKind; 5] = [
        Self::Timeline,
        Self::Network,
        Self::Concordance,
        Self::Questions,
        Self::Statistics,
    ];

    /// Reads a view's name, in any case: "timeline", "Network" …
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.label().eq_ignore_ascii_case(s.trim()))
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Timeline => "Timeline",
            Self::Network => "Network",
            Self::Concordance => "Concordance",
            Self::Questions => "Questions",
            Self::Statistics => "Statistics",
        }
    }
}

/// What identifies the project data an index was built from: folder, edit generation and
/// sizes (a reopened or reloaded project differs in one of them).
type DataKey = (PathBuf, u64, usize, usize, usize);

fn data_key(st: &AppState) -> Option<DataKey> {
    let s = st.session.as_ref()?;
    let p = &s.project;
    let anns = p.documents.values().map(|d| d.annotations.len()).sum();
    Some((
        s.dir().to_path_buf(),
        s.generation,
        p.documents.len(),
        p.registry.len(),
        anns,
    ))
}

/// The views' strip: the tabs, each view's state, and the shared index.
#[derive(Default)]
pub struct Views {
    pub timeline: timeline::TimelineView,
    pub network: network::NetworkView,
    pub concordance: concordance::ConcordanceView,
    pub query: query::QueryView,
    pub stats: stats::StatsView,
    index: Option<(DataKey, Arc<Index>)>,
    /// Folder for "Save view as SVG and PNG"; empty: the project's `pictures` folder.
    pub picture_dir: String,
    /// The files the last save wrote, or why it failed.
    pub saved: Option<Result<Vec<PathBuf>, String>>,
    /// Fill empty concordance and question fields once the index is built (a view opened
    /// at start with `--view`).
    pub prefill: bool,
}

impl Views {
    /// The index of the open project, rebuilt when its data changed. `None` without one.
    fn index(&mut self, st: &AppState) -> Option<(DataKey, Arc<Index>)> {
        let key = data_key(st)?;
        let p = st.project()?;
        match &self.index {
            Some((k, idx)) if *k == key => Some((key, idx.clone())),
            _ => {
                let idx = Arc::new(Index::build(p));
                self.index = Some((key.clone(), idx.clone()));
                Some((key, idx))
            }
        }
    }

    /// Draws the open view with its tab strip; nothing when no view is open.
    pub fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        let Some(kind) = st.view else { return };
        ui.horizontal_wrapped(|ui| {
            for k in ViewKind::ALL {
                if ui.selectable_label(k == kind, k.label()).clicked() && k != kind {
                    st.push(Command::ShowView(k));
                }
            }
            ui.separator();
            if matches!(kind, ViewKind::Timeline | ViewKind::Network)
                && ui
                    .button("Save as SVG and PNG")
                    .on_hover_text("Writes the picture into the folder below")
                    .clicked()
            {
                st.push(Command::SaveViewPictures);
            }
            if ui.button("Close views").clicked() {
                st.push(Command::ShowView(kind));
            }
        });
        if let Some(saved) = &self.saved {
            match saved {
                Ok(files) => {
                    let names: Vec<String> =
                        files.iter().map(|f| f.display().to_string()).collect();
                    ui.small(format!("Saved {}", names.join(", ")));
                }
                Err(e) => {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
            }
        }
        ui.separator();
        let Some((key, index)) = self.index(st) else {
            ui.label("Open a project to see its views.");
            return;
        };
        if std::mem::take(&mut self.prefill)
            && let Some(p) = st.project()
        {
            self.fill_defaults(p, &index);
        }
        match kind {
            ViewKind::Timeline => self.timeline.ui(ui, st, &key, &index),
            ViewKind::Network => {
                let window = self.timeline.visible();
                self.network.ui(ui, st, &key, &index, window)
            }
            ViewKind::Concordance => self.concordance.ui(ui, st, &key),
            ViewKind::Questions => self.query.ui(ui, st, &index),
            ViewKind::Statistics => self.stats.ui(ui, st, &key),
        }
    }

    /// Writes the open view (timeline or network, as filtered now) as SVG and PNG into
    /// [`Views::picture_dir`] (default: `pictures` in the project folder). Never replaces
    /// a file: a taken name gets a number (`timeline-2.svg`).
    pub fn save_pictures(&mut self, st: &AppState) {
        let Some((_, index)) = self.index(st) else {
            return;
        };
        let (Some(p), Some(s)) = (st.project(), st.session.as_ref()) else {
            return;
        };
        let (name, svg) = match st.view {
            Some(ViewKind::Timeline) => (
                "timeline",
                crate::views::svg::timeline_svg(p, &self.timeline.data(p, &index)),
            ),
            Some(ViewKind::Network) => {
                let (net, pos) = self.network.data(p, &index);
                ("network", crate::views::svg::network_svg(p, &net, &pos))
            }
            _ => {
                self.saved = Some(Err(
                    "Only the timeline and the network are saved as pictures.".into(),
                ));
                return;
            }
        };
        let dir = if self.picture_dir.trim().is_empty() {
            s.dir().join("pictures")
        } else {
            PathBuf::from(self.picture_dir.trim())
        };
        self.saved = Some(write_pictures(&dir, name, &svg).map_err(|e| format!("{e:#}")));
    }
}

/// Writes `name.svg` and `name.png` into `dir` (created if missing) under the first free
/// name (`name`, `name-2`, …); returns the two paths.
pub fn write_pictures(dir: &Path, name: &str, svg: &str) -> anyhow::Result<Vec<PathBuf>> {
    use anyhow::Context as _;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    let (svg_path, png_path) = (1..)
        .map(|i| {
            let stem = if i == 1 {
                name.to_owned()
            } else {
                format!("{name}-{i}")
            };
            (
                dir.join(format!("{stem}.svg")),
                dir.join(format!("{stem}.png")),
            )
        })
        // Free: not even a (dangling) link there.
        .find(|(a, b)| {
            std::fs::symlink_metadata(a).is_err() && std::fs::symlink_metadata(b).is_err()
        })
        .context("no free file name")?;
    let png = crate::views::svg::png_from_svg(svg, 1.0)
        .with_context(|| format!("cannot draw the PNG {}", png_path.display()))?;
    // Atomic, and never over a file put there meanwhile.
    crate::store::fs::write_new(&svg_path, svg.as_bytes())?;
    crate::store::fs::write_new(&png_path, &png)?;
    Ok(vec![svg_path, png_path])
}

/// The messages that show `link` in the reader: open its document, scroll to the
/// annotation and select it. Empty when the project no longer has the document.
pub fn go_to(p: &Project, link: Link) -> Vec<Message> {
    let Some(d) = p.documents.get(&link.doc) else {
        return Vec::new();
    };
    let mut go = vec![Message::SelectDocument(link.doc)];
    if let Some(a) = link.ann.and_then(|a| d.annotations.get(&a)) {
        // An event the text only implies is shown where its fillers are.
        let span = d.place_of(a.id).unwrap_or(Span::new(0, 0));
        go.push(Message::Jump {
            doc: link.doc,
            span: Span::new(span.start, span.start),
        });
        go.push(Message::SelectAnnotation(Some(a.id)));
    }
    go
}

/// Queues the messages of [`go_to`].
pub fn push_go_to(st: &mut AppState, link: Link) {
    let go = st.project().map(|p| go_to(p, link)).unwrap_or_default();
    for m in go {
        st.push(m);
    }
}

/// An egui colour from `[r, g, b]`.
pub fn color32([r, g, b]: [u8; 3]) -> egui::Color32 {
    egui::Color32::from_rgb(r, g, b)
}
