//! The workbench window (egui). The only module that draws; it reads and changes the
//! project through [`Session`] and the operations in [`crate::model::ops`].
//!
//! Layout: menu bar, document list (left), reader (centre), inspector and registry (right),
//! status bar (bottom). Every action is a [`Command`] queued by a panel, menu, shortcut or
//! the palette and handled in [`App::handle`], once per frame.

pub mod command;
pub mod fonts;
pub mod panels;
pub mod recovery;

use crate::model::ops::events;
use crate::model::ops::tagging::{self, FindOptions, Occurrence, TagError};
use crate::model::{AnnId, DocId, Edit, Project, Span, Target, Transaction};
use crate::session::Session;
use crate::store::{self, StoreError};
pub use command::{CaretMove, Command, Menu};
use panels::View;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// Seconds after the last change before an autosave.
pub const AUTOSAVE_SECS: f64 = 3.0;
/// Seconds after the last change before the recovery copy is written.
pub const RECOVERY_SECS: f64 = 1.0;
/// Key of the preferences in eframe's storage.
pub const PREFS_KEY: &str = "marginalia-prefs";

/// Preferences kept between runs (never project data).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    pub recent: Vec<PathBuf>,
    pub dark: bool,
    pub text_size: f32,
    pub show_documents: bool,
    pub show_inspector: bool,
    pub show_registry: bool,
    pub snap_words: bool,
}

impl Default for Prefs {
    fn default() -> Self {
        Self {
            recent: Vec::new(),
            dark: false,
            text_size: 16.0,
            show_documents: true,
            show_inspector: true,
            show_registry: true,
            snap_words: true,
        }
    }
}

/// Where the project stands relative to its files.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveState {
    Saved,
    Unsaved,
    Saving,
    Error(String),
}

/// The reader's text selection: a caret, its anchor, and fragments kept for a
/// discontinuous span. Offsets are code points.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    pub anchor: usize,
    pub caret: usize,
    pub fragments: Vec<Span>,
}

impl Selection {
    pub fn at(offset: usize) -> Self {
        Self {
            anchor: offset,
            caret: offset,
            fragments: Vec::new(),
        }
    }

    pub fn span(&self) -> Span {
        Span::new(self.anchor.min(self.caret), self.anchor.max(self.caret))
    }

    /// The kept fragments plus the current span, non-empty ones only.
    pub fn spans(&self) -> Vec<Span> {
        let mut v = self.fragments.clone();
        let s = self.span();
        if !s.is_empty() {
            v.push(s);
        }
        v
    }

    pub fn is_empty(&self) -> bool {
        self.spans().is_empty()
    }
}

/// Which text field should take keyboard focus next frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Find,
    ProjectFind,
    Link,
    Palette,
}

/// "Tag all occurrences" awaiting review.
#[derive(Clone, Debug)]
pub struct TagAllReview {
    pub needle: String,
    pub type_id: crate::model::Slug,
    pub entry: Option<crate::model::EntryId>,
    pub hits: Vec<(Occurrence, bool)>,
}

/// A modal question or message.
#[derive(Clone, Debug)]
pub enum Dialog {
    /// Unsaved changes; run `then` after saving or discarding.
    Unsaved {
        then: Box<Command>,
    },
    /// The project changed on disk.
    Conflict(String),
    /// A recovery copy newer than the project was found.
    Recovery(recovery::Recovery),
    TagAll(TagAllReview),
    Message(String),
}

/// Find in document and find in project.
#[derive(Clone, Debug, Default)]
pub struct FindState {
    pub open: bool,
    pub query: String,
    pub hits: Vec<Span>,
    pub current: usize,
    /// Query the hits were computed for, with the session generation.
    pub hits_for: Option<(String, DocId, u64)>,
    pub project_open: bool,
    pub project_query: String,
    /// (document, span, line of context)
    pub project_hits: Vec<(DocId, Span, String)>,
}

/// Everything the panels read and write. Panels change data only by queuing commands.
pub struct AppState {
    pub session: Option<Session>,
    pub doc: Option<DocId>,
    pub sel: Selection,
    pub selected: Option<AnnId>,
    pub prefs: Prefs,
    pub queue: Vec<Command>,
    pub save_state: SaveState,
    pub status: String,
    pub dialog: Option<Dialog>,
    pub focus: Option<Focus>,
    /// Scroll the reader so this offset is visible.
    pub scroll_to: Option<usize>,
    pub find: FindState,
    pub palette_open: bool,
    pub palette_query: String,
    /// Screen position for the "Tag as" popup, when open.
    pub tag_popup: Option<egui::Pos2>,
    pub link_query: String,
    pub link_alias: Option<crate::model::AliasKind>,
    /// Time of the last change not yet autosaved / written to the recovery copy.
    pub last_change: Option<f64>,
    pub recovery_written: bool,
    pub allow_close: bool,
    /// The event role being filled: mentions clicked in the reader go into it.
    pub filling: Option<(AnnId, crate::model::Slug)>,
    /// The registry entry whose page is open.
    pub entry_page: Option<crate::model::EntryId>,
    pub schema_editor_open: bool,
    /// Whether the About window is shown.
    pub about_open: bool,
    pub metadata_open: bool,
    files_tx: mpsc::Sender<Command>,
    files_rx: mpsc::Receiver<Command>,
}

impl AppState {
    pub fn project(&self) -> Option<&Project> {
        self.session.as_ref().map(|s| &s.project)
    }

    pub fn generation(&self) -> u64 {
        self.session.as_ref().map_or(0, |s| s.generation)
    }

    pub fn push(&mut self, c: Command) {
        self.queue.push(c);
    }

    pub fn is_dirty(&self) -> bool {
        self.session.as_ref().is_some_and(Session::is_dirty)
    }
}

/// Screenshot mode: render a few frames, write a PNG, exit.
struct Screenshot {
    path: PathBuf,
    frames: u32,
    requested: bool,
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// The workbench window.
pub struct App {
    pub state: AppState,
    doc_list: panels::doc_list::DocList,
    /// The reader, public for the benchmark.
    pub reader: panels::reader::Reader,
    inspector: panels::inspector::Inspector,
    registry: panels::registry::RegistryList,
    status: panels::status::StatusBar,
    find: panels::find::Find,
    palette: panels::palette::Palette,
    /// The export and import windows, public so tests can read the last report.
    pub interchange: panels::interchange::Interchange,
    entry_page: panels::entry_page::EntryPageWindow,
    schema_editor: panels::schema_editor::SchemaEditor,
    metadata: panels::metadata::MetadataEditor,
    about: panels::about::About,
    fonts_installed: bool,
    title: String,
    screenshot: Option<Screenshot>,
}

impl App {
    /// A window with no project open.
    pub fn new(prefs: Prefs) -> Self {
        let (files_tx, files_rx) = mpsc::channel();
        Self {
            state: AppState {
                session: None,
                doc: None,
                sel: Selection::default(),
                selected: None,
                prefs,
                queue: Vec::new(),
                save_state: SaveState::Saved,
                status: String::new(),
                dialog: None,
                focus: None,
                scroll_to: None,
                find: FindState::default(),
                palette_open: false,
                palette_query: String::new(),
                tag_popup: None,
                link_query: String::new(),
                link_alias: None,
                last_change: None,
                recovery_written: false,
                allow_close: false,
                filling: None,
                entry_page: None,
                schema_editor_open: false,
                about_open: false,
                metadata_open: false,
                files_tx,
                files_rx,
            },
            doc_list: Default::default(),
            reader: Default::default(),
            inspector: Default::default(),
            registry: Default::default(),
            status: Default::default(),
            find: panels::find::Find {
                whole_words: true,
                case_sensitive: false,
            },
            palette: Default::default(),
            interchange: Default::default(),
            entry_page: Default::default(),
            schema_editor: Default::default(),
            metadata: Default::default(),
            about: panels::about::About,
            fonts_installed: false,
            title: String::new(),
            screenshot: None,
        }
    }

    /// A window that opens `project` on its first frame.
    pub fn with_project(prefs: Prefs, project: &Path) -> Self {
        let mut app = Self::new(prefs);
        app.state.push(Command::Open(project.to_path_buf()));
        app
    }

    /// Writes a PNG of the window to `path` after the first frames, then closes.
    pub fn screenshot_to(mut self, path: PathBuf) -> Self {
        self.screenshot = Some(Screenshot {
            path,
            frames: 0,
            requested: false,
            done: Default::default(),
        });
        self
    }

    /// One frame: input, panels, then the queued commands.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if !self.fonts_installed {
            fonts::install(&ctx);
            self.fonts_installed = true;
        }
        ctx.set_theme(if self.state.prefs.dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
        while let Ok(c) = self.state.files_rx.try_recv() {
            self.state.push(c);
        }
        // One command table per frame, read by the shortcuts and the menu bar.
        let table = command::table(self.state.project().map(|p| &p.schema));
        self.shortcuts(&ctx, &table);
        self.dropped_files(&ctx);
        self.menu_bar(ui, &table);
        self.panels(ui);
        self.dialogs(&ctx);
        let queued = std::mem::take(&mut self.state.queue);
        for c in queued {
            self.handle(&ctx, c);
        }
        self.background(&ctx);
        self.close_request(&ctx);
        self.update_title(&ctx);
        self.screenshot_step(&ctx);
    }

    fn panels(&mut self, ui: &mut egui::Ui) {
        let st = &mut self.state;
        egui::Panel::bottom("status").show(ui, |ui| self.status.ui(ui, st));
        if st.find.open {
            egui::Panel::top("find").show(ui, |ui| self.find.ui(ui, st));
        }
        if st.prefs.show_documents {
            egui::Panel::left("documents")
                .default_size(240.0)
                .resizable(true)
                .show(ui, |ui| self.doc_list.ui(ui, st));
        }
        if st.prefs.show_inspector || st.prefs.show_registry {
            egui::Panel::right("right")
                .default_size(330.0)
                .resizable(true)
                .show(ui, |ui| {
                    if st.prefs.show_registry {
                        egui::Panel::bottom("registry")
                            .default_size(320.0)
                            .min_size(160.0)
                            .resizable(true)
                            .show(ui, |ui| self.registry.ui(ui, st));
                    }
                    if st.prefs.show_inspector {
                        egui::CentralPanel::default().show(ui, |ui| self.inspector.ui(ui, st));
                    }
                });
        }
        egui::CentralPanel::default().show(ui, |ui| self.reader.ui(ui, st));
        self.find.project_window(ui.ctx(), st);
        self.palette.ui(ui, st);
        self.interchange.ui(ui.ctx(), st);
        self.entry_page.ui(ui, st);
        self.schema_editor.ui(ui, st);
        self.metadata.ui(ui, st);
        self.about.ui(ui, st);
    }

    fn shortcuts(&mut self, ctx: &egui::Context, table: &[command::CommandSpec]) {
        let typing = ctx.egui_wants_keyboard_input();
        let modal = self.state.dialog.is_some() || self.state.palette_open;
        for spec in table {
            let Some(sc) = spec.shortcut else { continue };
            if command::is_plain(&sc) && (typing || modal) {
                continue;
            }
            if modal && !matches!(spec.command, Command::Palette | Command::Quit) {
                continue;
            }
            if ctx.input_mut(|i| i.consume_shortcut(&sc)) {
                self.state.push(spec.command.clone());
            }
        }
    }

    fn dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if dropped.is_empty() {
            return;
        }
        let mut sources = Vec::new();
        for p in dropped {
            let name = p.to_string_lossy();
            if name.ends_with(store::PROJECT_SUFFIX) {
                self.state.push(Command::Open(p));
            } else if p.is_dir() {
                if store::resolve_project_file(&p).is_ok() {
                    self.state.push(Command::Open(p));
                } else {
                    self.state.push(Command::NewFromFolder(p));
                }
            } else if is_source(&p) {
                sources.push(p);
            }
        }
        if !sources.is_empty() {
            self.state.push(Command::AddDocuments(sources));
        }
    }

    fn menu_bar(&mut self, ui: &mut egui::Ui, table: &[command::CommandSpec]) {
        let st = &mut self.state;
        egui::Panel::top("menu").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                for (menu, title) in [
                    (Menu::Project, "Project"),
                    (Menu::Edit, "Edit"),
                    (Menu::View, "View"),
                    (Menu::Annotate, "Annotate"),
                    (Menu::Help, "Help"),
                ] {
                    ui.menu_button(title, |ui| {
                        for spec in table.iter().filter(|s| s.menu == menu) {
                            let mut label = spec.label.clone();
                            match (&spec.command, st.session.as_ref()) {
                                (Command::Undo, Some(s)) => {
                                    if let Some(l) = s.history.undo_label() {
                                        label = format!("Undo {l}");
                                    }
                                }
                                (Command::Redo, Some(s)) => {
                                    if let Some(l) = s.history.redo_label() {
                                        label = format!("Redo {l}");
                                    }
                                }
                                (Command::ToggleSnap, _) => {
                                    label = format!(
                                        "{label}: {}",
                                        if st.prefs.snap_words { "on" } else { "off" }
                                    );
                                }
                                _ => {}
                            }
                            let mut b = egui::Button::new(label);
                            if let Some(sc) = spec.shortcut {
                                b = b.shortcut_text(ui.ctx().format_shortcut(&sc));
                            }
                            if ui.add(b).clicked() {
                                st.queue.push(spec.command.clone());
                                ui.close();
                            }
                        }
                        if menu == Menu::Project && !st.prefs.recent.is_empty() {
                            ui.separator();
                            ui.menu_button("Open Recent", |ui| {
                                for p in st.prefs.recent.clone() {
                                    if ui.button(p.display().to_string()).clicked() {
                                        st.queue.push(Command::Open(p));
                                        ui.close();
                                    }
                                }
                            });
                        }
                    });
                }
            });
        });
    }

    fn dialogs(&mut self, ctx: &egui::Context) {
        let Some(dialog) = self.state.dialog.clone() else {
            return;
        };
        let mut close = false;
        let st = &mut self.state;
        egui::Modal::new(egui::Id::unique("dialog")).show(ctx, |ui| {
            ui.set_max_width(520.0);
            match &dialog {
                Dialog::Unsaved { then } => {
                    ui.heading("Unsaved changes");
                    ui.label("The project has changes that are not saved yet.");
                    ui.horizontal(|ui| {
                        if ui.button("Save").clicked() {
                            st.queue.push(Command::Save);
                            st.queue.push((**then).clone());
                            close = true;
                        }
                        if ui.button("Discard changes").clicked() {
                            recovery::remove(st.session.as_ref());
                            st.session = None;
                            st.doc = None;
                            st.selected = None;
                            st.allow_close = true;
                            st.queue.push((**then).clone());
                            close = true;
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                }
                Dialog::Conflict(msg) => {
                    ui.heading("The project changed on disk");
                    ui.label(msg);
                    ui.label("Your changes are not saved. Reload the project from disk (dropping your changes), or keep yours by saving them as a copy.");
                    ui.horizontal(|ui| {
                        if ui.button("Save mine as a copy…").clicked() {
                            st.queue.push(Command::SaveAsDialog);
                            close = true;
                        }
                        if ui.button("Reload from disk").clicked() {
                            st.queue.push(Command::Reload);
                            close = true;
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                }
                Dialog::Recovery(r) => {
                    ui.heading("Recover unsaved work?");
                    ui.label(format!(
                        "A recovery copy from an earlier session holds changes to {} document(s) that were never saved.",
                        r.docs.len()
                    ));
                    ui.horizontal(|ui| {
                        if ui.button("Restore changes").clicked() {
                            if let Some(p) = st.project() {
                                match r.transaction(p) {
                                    Ok(tx) => st.queue.push(Command::Apply(tx)),
                                    Err(e) => st.status = format!("cannot restore: {e}"),
                                }
                            }
                            close = true;
                        }
                        if ui.button("Discard recovery copy").clicked() {
                            recovery::remove(st.session.as_ref());
                            close = true;
                        }
                    });
                }
                Dialog::TagAll(review) => {
                    let mut review = review.clone();
                    ui.heading(format!("Tag all \"{}\"", review.needle));
                    let project = st.project();
                    ui.label(format!(
                        "{} occurrence(s); untick any that are not a {}.",
                        review.hits.len(),
                        project.map_or("", |p| p.schema.label(&review.type_id))
                    ));
                    egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
                        for (occ, keep) in &mut review.hits {
                            let label = project
                                .map(|p| occurrence_label(p, occ))
                                .unwrap_or_default();
                            ui.add_enabled(
                                !occ.already_tagged,
                                egui::Checkbox::new(keep, label),
                            );
                        }
                    });
                    ui.horizontal(|ui| {
                        if ui.button("Apply").clicked() {
                            let chosen: Vec<Occurrence> = review
                                .hits
                                .iter()
                                .filter(|(_, k)| *k)
                                .map(|(o, _)| o.clone())
                                .collect();
                            if let Some(p) = st.project() {
                                match tagging::tag_all(p, &review.type_id, review.entry, &chosen) {
                                    Ok(tx) => st.queue.push(Command::Apply(tx)),
                                    Err(e) => st.status = e.to_string(),
                                }
                            }
                            close = true;
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                    if !close {
                        st.dialog = Some(Dialog::TagAll(review));
                    }
                }
                Dialog::Message(m) => {
                    ui.label(m);
                    if ui.button("OK").clicked() {
                        close = true;
                    }
                }
            }
        });
        if close {
            self.state.dialog = None;
        }
    }

    fn background(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        let st = &mut self.state;
        if st.is_dirty() {
            if st.save_state == SaveState::Saved {
                st.save_state = SaveState::Unsaved;
            }
            if let Some(t) = st.last_change {
                if !st.recovery_written && now - t >= RECOVERY_SECS {
                    if let Some(s) = &st.session
                        && let Err(e) = recovery::write(s)
                    {
                        st.status = format!("cannot write recovery copy: {e}");
                    }
                    st.recovery_written = true;
                }
                if now - t >= AUTOSAVE_SECS
                    && st.dialog.is_none()
                    && !matches!(st.save_state, SaveState::Error(_))
                {
                    st.last_change = None;
                    self.handle(ctx, Command::Save);
                } else {
                    ctx.request_repaint_after(std::time::Duration::from_millis(500));
                }
            }
        }
    }

    fn close_request(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && self.state.is_dirty()
            && !self.state.allow_close
            && self.screenshot.is_none()
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.state.dialog = Some(Dialog::Unsaved {
                then: Box::new(Command::Quit),
            });
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = match &self.state.session {
            Some(s) => format!(
                "{}{} — Marginalia",
                if s.is_dirty() { "• " } else { "" },
                s.name()
            ),
            None => "Marginalia".to_owned(),
        };
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    /// The window title as last set.
    pub fn title(&self) -> &str {
        &self.title
    }

    fn screenshot_step(&mut self, ctx: &egui::Context) {
        let Some(shot) = &mut self.screenshot else {
            return;
        };
        shot.frames += 1;
        ctx.request_repaint();
        if shot.done.load(std::sync::atomic::Ordering::SeqCst) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        } else if shot.frames >= 8 && !shot.requested {
            shot.requested = true;
            let path = shot.path.clone();
            let done = shot.done.clone();
            let repaint = ctx.clone();
            ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(
                egui::ScreenshotCallback::new(move |img| {
                    if let Err(e) = write_png(&path, &img) {
                        eprintln!("error: cannot write screenshot: {e}: {}", path.display());
                    }
                    done.store(true, std::sync::atomic::Ordering::SeqCst);
                    repaint.request_repaint();
                }),
            ));
        }
    }

    /// Handles one command. The only place where commands change state.
    pub fn handle(&mut self, ctx: &egui::Context, c: Command) {
        let st = &mut self.state;
        match c {
            Command::NewFromFolderDialog => pick(st, ctx, Pick::Folder),
            Command::OpenDialog => pick(st, ctx, Pick::Project),
            Command::SaveAsDialog => pick(st, ctx, Pick::SaveAs),
            Command::AddDocumentsDialog => pick(st, ctx, Pick::Sources),
            Command::ExportDialog => self.interchange.open_export(),
            Command::ImportDialog => self.interchange.open_import(),
            Command::Export { format, out } => {
                self.interchange.start_export(st, ctx, &format, out);
            }
            Command::Import {
                format,
                source,
                out,
            } => self.interchange.start_import(st, ctx, &format, source, out),
            Command::Open(path) => {
                if st.is_dirty() {
                    st.dialog = Some(Dialog::Unsaved {
                        then: Box::new(Command::Open(path)),
                    });
                    return;
                }
                match Session::open(&path) {
                    Ok(s) => self.set_session(s, &path),
                    Err(e) => self.error(&format!("Cannot open the project: {e}")),
                }
            }
            Command::NewFromFolder(dir) => {
                if st.is_dirty() {
                    st.dialog = Some(Dialog::Unsaved {
                        then: Box::new(Command::NewFromFolder(dir)),
                    });
                    return;
                }
                match new_project_from_folder(&dir) {
                    Ok(s) => {
                        let file = s.disk.project_file.clone();
                        self.set_session(s, &file);
                        self.state.last_change = Some(ctx.input(|i| i.time));
                    }
                    Err(e) => self.error(&format!("Cannot create a project: {e}")),
                }
            }
            Command::Reload => {
                if let Some(s) = &st.session {
                    let file = s.disk.project_file.clone();
                    match Session::open(&file) {
                        Ok(s) => self.set_session(s, &file),
                        Err(e) => self.error(&format!("Cannot reload the project: {e}")),
                    }
                }
            }
            Command::Save => self.save(),
            Command::SaveAs(path) => {
                if let Some(s) = &mut st.session {
                    let old = s.disk.project_file.clone();
                    match s.save_as(path.clone()) {
                        Ok(r) => {
                            recovery::remove_for(&old);
                            st.save_state = SaveState::Saved;
                            st.status =
                                format!("Saved as {} ({} files)", path.display(), r.written.len());
                            remember(&mut st.prefs, &path);
                        }
                        Err(e) => {
                            st.save_state = SaveState::Error(e.to_string());
                            self.error(&format!("Cannot save: {e}"));
                        }
                    }
                }
            }
            Command::AddDocuments(paths) => {
                let Some(s) = &st.session else { return };
                let mut tx = Transaction::new("Add documents");
                let known: Vec<String> = s
                    .project
                    .documents
                    .values()
                    .filter_map(|d| d.meta.source.as_ref().map(|x| x.path.to_string()))
                    .collect();
                let mut errors = Vec::new();
                for p in &paths {
                    match store::document_from_source(s.dir(), p) {
                        Ok(d) => {
                            let rel = d.meta.source.as_ref().map(|x| x.path.to_string());
                            if rel.is_some_and(|r| known.contains(&r)) {
                                continue;
                            }
                            tx.push(Edit::Document {
                                before: None,
                                after: Some(Box::new(d)),
                            });
                        }
                        Err(e) => errors.push(e.to_string()),
                    }
                }
                let n = tx.edits.len();
                self.commit(ctx, tx);
                let st = &mut self.state;
                st.status = format!("Added {n} document(s)");
                if !errors.is_empty() {
                    st.dialog = Some(Dialog::Message(format!(
                        "Some files were not added:\n{}",
                        errors.join("\n")
                    )));
                }
            }
            Command::Close => {
                if st.is_dirty() {
                    st.dialog = Some(Dialog::Unsaved {
                        then: Box::new(Command::Close),
                    });
                    return;
                }
                recovery::remove(st.session.as_ref());
                st.session = None;
                st.doc = None;
                st.selected = None;
                st.sel = Selection::default();
                st.save_state = SaveState::Saved;
            }
            Command::Quit => {
                if st.is_dirty() && !st.allow_close {
                    st.dialog = Some(Dialog::Unsaved {
                        then: Box::new(Command::Quit),
                    });
                    return;
                }
                st.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Command::Undo | Command::Redo => {
                let Some(s) = &mut st.session else { return };
                let r = if c == Command::Undo {
                    s.undo()
                } else {
                    s.redo()
                };
                match r {
                    Ok(true) => {
                        st.last_change = Some(ctx.input(|i| i.time));
                        st.recovery_written = false;
                        st.save_state = SaveState::Unsaved;
                        let gone = st
                            .selected
                            .zip(st.doc)
                            .is_some_and(|(a, d)| s.project.annotation(d, a).is_none());
                        if gone {
                            st.selected = None;
                        }
                    }
                    Ok(false) => st.status = "Nothing to undo or redo".into(),
                    Err(e) => st.status = format!("Cannot undo or redo: {e}"),
                }
            }
            Command::Find => {
                st.find.open = true;
                st.focus = Some(Focus::Find);
                if let (Some(p), Some(d)) = (st.project(), st.doc) {
                    let s = st.sel.span();
                    if !s.is_empty() && s.len() < 200 {
                        st.find.query = p.documents[&d]
                            .text_or_empty()
                            .slice(s.start, s.end)
                            .to_owned();
                    }
                }
            }
            Command::FindInProject => {
                st.find.project_open = true;
                st.focus = Some(Focus::ProjectFind);
            }
            Command::Palette => {
                st.palette_open = !st.palette_open;
                st.palette_query.clear();
                st.focus = st.palette_open.then_some(Focus::Palette);
            }
            Command::ToggleDocuments => st.prefs.show_documents ^= true,
            Command::ToggleInspector => st.prefs.show_inspector ^= true,
            Command::ToggleRegistry => st.prefs.show_registry ^= true,
            Command::ToggleTheme => st.prefs.dark ^= true,
            Command::TextLarger => st.prefs.text_size = (st.prefs.text_size + 1.0).min(40.0),
            Command::TextSmaller => st.prefs.text_size = (st.prefs.text_size - 1.0).max(9.0),
            Command::ToggleSnap => st.prefs.snap_words ^= true,
            Command::SelectDocument(d) => {
                st.doc = Some(d);
                st.sel = Selection::default();
                st.selected = None;
                st.scroll_to = Some(0);
                st.find.hits_for = None;
            }
            Command::SelectAnnotation(a) => {
                if let (Some((event, role)), Some(a)) = (st.filling.clone(), a)
                    && a != event
                {
                    self.handle(
                        ctx,
                        Command::AddFiller {
                            event,
                            role,
                            target: Target::Annotation(a),
                        },
                    );
                    return;
                }
                st.selected = a;
                st.link_query.clear();
                if let (Some(a), Some(d), Some(p)) = (a, st.doc, st.project())
                    && let Some(an) = p.annotation(d, a).and_then(|x| x.anchor())
                {
                    st.scroll_to = Some(an.extent().start);
                }
            }
            Command::NextAnnotation | Command::PrevAnnotation => {
                let (Some(p), Some(d)) = (st.project(), st.doc) else {
                    return;
                };
                let mut anns: Vec<(usize, usize, AnnId)> = p.documents[&d]
                    .annotations
                    .values()
                    .filter_map(|a| {
                        a.anchor()
                            .map(|an| (an.extent().start, an.extent().end, a.id))
                    })
                    .collect();
                anns.sort();
                let cur = st
                    .selected
                    .and_then(|id| anns.iter().position(|x| x.2 == id));
                let next = match (cur, c == Command::NextAnnotation) {
                    (None, true) => anns.iter().position(|x| x.0 >= st.sel.caret),
                    (None, false) => anns.iter().rposition(|x| x.0 < st.sel.caret),
                    (Some(i), true) => (i + 1 < anns.len()).then_some(i + 1),
                    (Some(i), false) => i.checked_sub(1),
                };
                if let Some(i) = next {
                    st.selected = Some(anns[i].2);
                    st.sel = Selection::at(anns[i].0);
                    st.scroll_to = Some(anns[i].0);
                    st.link_query.clear();
                }
            }
            Command::Caret(m, extend) => {
                let (Some(p), Some(d)) = (st.project(), st.doc) else {
                    return;
                };
                let text = p.documents[&d].text_or_empty();
                let caret = move_caret(text, st.sel.caret, m);
                st.sel.caret = caret;
                if !extend {
                    st.sel.anchor = caret;
                    st.sel.fragments.clear();
                }
                st.scroll_to = Some(caret);
            }
            Command::ClearSelection => {
                if st.filling.take().is_some() {
                    st.status = "Stopped filling the role".into();
                } else if st.find.open {
                    st.find.open = false;
                } else if st.tag_popup.is_some() {
                    st.tag_popup = None;
                } else if !st.sel.is_empty() {
                    st.sel = Selection::at(st.sel.caret);
                } else {
                    st.selected = None;
                }
            }
            Command::AddFragment => {
                let s = st.sel.span();
                if !s.is_empty() {
                    st.sel.fragments.push(s);
                    st.sel.anchor = st.sel.caret;
                    st.status = format!(
                        "{} fragment(s) kept; select the next one",
                        st.sel.fragments.len()
                    );
                }
            }
            Command::TagPopup => {
                if !st.sel.is_empty() {
                    let pos = ctx.content_rect().center();
                    st.tag_popup = Some(st.tag_popup.unwrap_or(pos));
                }
            }
            Command::TagAs(ty) => {
                let (Some(p), Some(d)) = (st.project(), st.doc) else {
                    return;
                };
                let mut spans = st.sel.spans();
                if spans.is_empty() {
                    // With no selection, a type key changes the selected annotation's type.
                    if st.selected.is_some() {
                        self.handle(ctx, Command::ChangeType(ty));
                    }
                    return;
                }
                if st.prefs.snap_words {
                    let text = p.documents[&d].text_or_empty();
                    spans = spans
                        .iter()
                        .map(|s| tagging::snap_to_words(text, *s))
                        .collect();
                }
                match tagging::tag_mention(p, d, &spans, &ty) {
                    Ok((tx, id)) => {
                        if self.commit(ctx, tx) {
                            let st = &mut self.state;
                            st.selected = Some(id);
                            st.sel = Selection::at(st.sel.caret);
                            st.tag_popup = None;
                            st.link_query.clear();
                        }
                    }
                    Err(e) => st.status = format!("Cannot tag: {e}"),
                }
            }
            Command::ChangeType(ty) => {
                let (Some(p), Some(d), Some(a)) = (st.project(), st.doc, st.selected) else {
                    return;
                };
                match tagging::change_type(p, d, a, &ty) {
                    Ok(tx) => {
                        self.commit(ctx, tx);
                    }
                    Err(TagError::NoChange) => {}
                    Err(e) => st.status = format!("Cannot change type: {e}"),
                }
            }
            Command::Respan => {
                let (Some(p), Some(d), Some(a)) = (st.project(), st.doc, st.selected) else {
                    return;
                };
                let mut spans = st.sel.spans();
                if st.prefs.snap_words {
                    let text = p.documents[&d].text_or_empty();
                    spans = spans
                        .iter()
                        .map(|s| tagging::snap_to_words(text, *s))
                        .collect();
                }
                match tagging::respan(p, d, a, &spans) {
                    Ok(tx) => {
                        if self.commit(ctx, tx) {
                            let st = &mut self.state;
                            st.sel = Selection::at(st.sel.caret);
                        }
                    }
                    Err(e) => st.status = format!("Cannot change span: {e}"),
                }
            }
            Command::DeleteAnnotation => {
                let (Some(p), Some(d), Some(a)) = (st.project(), st.doc, st.selected) else {
                    return;
                };
                match tagging::delete(p, d, a) {
                    Ok(tx) => {
                        if self.commit(ctx, tx) {
                            self.state.selected = None;
                        }
                    }
                    Err(e) => st.status = format!("Cannot delete: {e}"),
                }
            }
            Command::LinkSearch => {
                if st.selected.is_some() {
                    st.prefs.show_inspector = true;
                    st.focus = Some(Focus::Link);
                }
            }
            Command::Link { entry, alias } => {
                let (Some(p), Some(d), Some(a)) = (st.project(), st.doc, st.selected) else {
                    return;
                };
                match tagging::link_entry(p, d, a, entry, alias) {
                    Ok(tx) => {
                        if self.commit(ctx, tx) {
                            self.state.link_query.clear();
                        }
                    }
                    Err(TagError::NoChange) => {}
                    Err(e) => st.status = format!("Cannot link: {e}"),
                }
            }
            Command::CreateEntry { name, alias } => {
                let (Some(p), Some(d), Some(a)) = (st.project(), st.doc, st.selected) else {
                    return;
                };
                match tagging::create_entry_and_link(p, d, a, &name, alias) {
                    Ok((tx, _)) => {
                        if self.commit(ctx, tx) {
                            self.state.link_query.clear();
                        }
                    }
                    Err(e) => st.status = format!("Cannot create entry: {e}"),
                }
            }
            Command::TagAllReview(project_wide) => {
                let (Some(p), Some(d)) = (st.project(), st.doc) else {
                    return;
                };
                let text = p.documents[&d].text_or_empty();
                // The needle and type come from the selected mention, or the selection.
                let (needle, type_id, entry) = match st
                    .selected
                    .and_then(|a| p.annotation(d, a))
                    .and_then(|a| a.as_mention())
                {
                    Some(m) => (m.anchor.quote.exact.clone(), m.type_id.clone(), m.entry),
                    None => {
                        let s = st.sel.span();
                        let Some(ty) = p.schema.entity_types.first() else {
                            return;
                        };
                        (text.slice(s.start, s.end).to_owned(), ty.id.clone(), None)
                    }
                };
                if needle.trim().is_empty() {
                    st.status = "Select a mention or some text first".into();
                    return;
                }
                let hits = tagging::occurrences(
                    p,
                    (!project_wide).then_some(d),
                    &needle,
                    &type_id,
                    FindOptions::default(),
                );
                st.dialog = Some(Dialog::TagAll(TagAllReview {
                    needle,
                    type_id,
                    entry,
                    hits: hits
                        .into_iter()
                        .map(|o| {
                            let keep = !o.already_tagged;
                            (o, keep)
                        })
                        .collect(),
                }));
            }
            Command::Jump { doc, span } => {
                if st.doc != Some(doc) {
                    st.doc = Some(doc);
                    st.selected = None;
                    st.find.hits_for = None;
                }
                st.sel = Selection {
                    anchor: span.start,
                    caret: span.end,
                    fragments: Vec::new(),
                };
                st.scroll_to = Some(span.start);
            }
            Command::Apply(tx) => {
                self.commit(ctx, tx);
            }
            Command::NewEvent(ty) => {
                let (Some(p), Some(d)) = (st.project(), st.doc) else {
                    return;
                };
                let mut spans = st.sel.spans();
                if st.prefs.snap_words {
                    let text = p.documents[&d].text_or_empty();
                    spans = spans
                        .iter()
                        .map(|s| tagging::snap_to_words(text, *s))
                        .collect();
                }
                let trigger = (!spans.is_empty()).then_some(spans.as_slice());
                match events::create_event(p, d, &ty, trigger) {
                    Ok((tx, id)) => {
                        if self.commit(ctx, tx) {
                            let st = &mut self.state;
                            st.selected = Some(id);
                            st.sel = Selection::at(st.sel.caret);
                            st.filling = None;
                            st.prefs.show_inspector = true;
                        }
                    }
                    Err(e) => st.status = format!("Cannot create the event: {e}"),
                }
            }
            Command::FillRole { event, role } => {
                let label = st
                    .project()
                    .and_then(|p| {
                        let (_, a) = p.find_annotation(event)?;
                        p.schema
                            .event(a.type_id())?
                            .role(&role)
                            .map(|r| r.label.clone())
                    })
                    .unwrap_or_else(|| role.to_string());
                st.filling = Some((event, role));
                st.selected = Some(event);
                st.status = format!(
                    "Click a mention to add it as {label}, or pick one from the list; Esc stops"
                );
            }
            Command::CancelFill => st.filling = None,
            Command::AddFiller {
                event,
                role,
                target,
            } => {
                let (Some(p), Some(d)) = (st.project(), st.doc) else {
                    return;
                };
                match events::add_filler(p, d, event, &role, target) {
                    Ok(tx) => {
                        if self.commit(ctx, tx) {
                            let st = &mut self.state;
                            st.selected = Some(event);
                            let full = st
                                .project()
                                .and_then(|p| events::event_frame(p, d, event).ok())
                                .is_none_or(|f| f.roles.iter().any(|r| r.id == role && r.full));
                            if full {
                                st.filling = None;
                            }
                        }
                    }
                    Err(e) => st.status = format!("Cannot add: {e}"),
                }
            }
            Command::OpenEntry(e) => st.entry_page = e,
            Command::ToggleSchemaEditor => st.schema_editor_open ^= true,
            Command::About => st.about_open ^= true,
            Command::ToggleMetadata => st.metadata_open ^= true,
        }
    }

    /// Commits a transaction; reports failure in the status bar.
    fn commit(&mut self, ctx: &egui::Context, tx: Transaction) -> bool {
        let st = &mut self.state;
        let Some(s) = &mut st.session else {
            return false;
        };
        if tx.is_empty() {
            return false;
        }
        let label = tx.label.clone();
        match s.commit(tx) {
            Ok(()) => {
                st.status = label;
                st.last_change = Some(ctx.input(|i| i.time));
                st.recovery_written = false;
                st.save_state = SaveState::Unsaved;
                true
            }
            Err(e) => {
                st.status = format!("{label} failed: {e}");
                false
            }
        }
    }

    fn save(&mut self) {
        let st = &mut self.state;
        let Some(s) = &mut st.session else { return };
        st.save_state = SaveState::Saving;
        match s.save() {
            Ok(r) => {
                recovery::remove(Some(s));
                st.save_state = SaveState::Saved;
                st.last_change = None;
                st.status = if r.written.is_empty() {
                    "Saved (nothing changed)".to_owned()
                } else {
                    format!("Saved {} file(s)", r.written.len())
                };
            }
            Err(e @ StoreError::Conflict { .. }) => {
                st.save_state = SaveState::Error("changed on disk".into());
                st.dialog = Some(Dialog::Conflict(e.to_string()));
            }
            Err(e) => {
                st.save_state = SaveState::Error(e.to_string());
                st.status = format!("Cannot save: {e}");
            }
        }
    }

    fn set_session(&mut self, s: Session, path: &Path) {
        let st = &mut self.state;
        st.doc = s.project.documents.keys().next().copied();
        let recovered = recovery::read(&s);
        st.session = Some(s);
        st.sel = Selection::default();
        st.selected = None;
        st.save_state = SaveState::Saved;
        st.find = FindState::default();
        st.last_change = None;
        st.allow_close = false;
        st.scroll_to = Some(0);
        st.status = format!("Opened {}", path.display());
        remember(&mut st.prefs, path);
        match recovered {
            Ok(Some(r)) => st.dialog = Some(Dialog::Recovery(r)),
            Ok(None) => {}
            Err(e) => st.status = format!("Recovery copy unreadable: {e}"),
        }
    }

    fn error(&mut self, msg: &str) {
        self.state.status = msg.to_owned();
        self.state.dialog = Some(Dialog::Message(msg.to_owned()));
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, PREFS_KEY, &self.state.prefs);
    }
}

/// Which file dialog to show.
enum Pick {
    Project,
    Folder,
    SaveAs,
    Sources,
}

/// Shows a file dialog on its own thread; the choice comes back as a command.
fn pick(st: &mut AppState, ctx: &egui::Context, what: Pick) {
    let tx = st.files_tx.clone();
    let ctx = ctx.clone();
    let dir = st.session.as_ref().map(|s| s.dir().to_path_buf());
    std::thread::spawn(move || {
        let mut d = rfd::FileDialog::new();
        if let Some(dir) = &dir {
            d = d.set_directory(dir);
        }
        let cmd = match what {
            Pick::Project => d
                .add_filter("Marginalia project", &["ron"])
                .pick_file()
                .map(Command::Open),
            Pick::Folder => d.pick_folder().map(Command::NewFromFolder),
            Pick::SaveAs => d
                .add_filter("Marginalia project", &["ron"])
                .save_file()
                .map(|p| {
                    let name = p.to_string_lossy();
                    if name.ends_with(store::PROJECT_SUFFIX) {
                        Command::SaveAs(p)
                    } else {
                        let stem = name.trim_end_matches(".ron").to_owned();
                        Command::SaveAs(PathBuf::from(format!("{stem}{}", store::PROJECT_SUFFIX)))
                    }
                }),
            Pick::Sources => d
                .add_filter("Text", &["txt", "md"])
                .pick_files()
                .map(Command::AddDocuments),
        };
        if let Some(c) = cmd {
            let _ = tx.send(c);
            ctx.request_repaint();
        }
    });
}

fn remember(prefs: &mut Prefs, path: &Path) {
    let p = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    prefs.recent.retain(|x| x != &p);
    prefs.recent.insert(0, p);
    prefs.recent.truncate(10);
}

/// A source file the app can add: `.txt` or `.md`.
pub fn is_source(p: &Path) -> bool {
    p.is_file()
        && p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("md"))
}

/// A new project over the `.txt` and `.md` files under `dir` (or the project already there).
pub fn new_project_from_folder(dir: &Path) -> Result<Session, StoreError> {
    if let Ok(file) = store::resolve_project_file(dir) {
        return Session::open(&file);
    }
    let name = dir.file_name().map_or_else(
        || "Project".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut sources = Vec::new();
    collect_sources(dir, &mut sources, 0);
    sources.sort();
    let mut project = Project::new(name.clone());
    for src in &sources {
        let d = store::document_from_source(dir, src)?;
        project.documents.insert(d.id(), d);
    }
    let file = dir.join(format!(
        "{}{}",
        crate::import::slug_file_name(&name),
        store::PROJECT_SUFFIX
    ));
    Ok(Session::create(project, file))
}

fn collect_sources(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let hidden = p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() && depth < 4 {
            collect_sources(&p, out, depth + 1);
        } else if is_source(&p) {
            out.push(p);
        }
    }
}

/// Moves a caret in `text`.
pub fn move_caret(text: &crate::model::SourceText, caret: usize, m: CaretMove) -> usize {
    let n = text.len_chars();
    let caret = caret.min(n);
    let char_at = |i: usize| text.slice(i, i + 1).chars().next().unwrap_or(' ');
    match m {
        CaretMove::CharLeft => caret.saturating_sub(1),
        CaretMove::CharRight => (caret + 1).min(n),
        CaretMove::WordRight => {
            let mut i = caret;
            while i < n && !tagging::is_word_char(char_at(i)) {
                i += 1;
            }
            while i < n && tagging::is_word_char(char_at(i)) {
                i += 1;
            }
            i
        }
        CaretMove::WordLeft => {
            let mut i = caret;
            while i > 0 && !tagging::is_word_char(char_at(i - 1)) {
                i -= 1;
            }
            while i > 0 && tagging::is_word_char(char_at(i - 1)) {
                i -= 1;
            }
            i
        }
        CaretMove::LineUp | CaretMove::LineDown => {
            let line = text.line_of(caret);
            let col = caret - text.line_range(line).start;
            let target = if m == CaretMove::LineUp {
                match line.checked_sub(1) {
                    Some(l) => l,
                    None => return 0,
                }
            } else if line + 1 < text.line_count() {
                line + 1
            } else {
                return n;
            };
            let r = text.line_range(target);
            (r.start + col).min(r.end)
        }
    }
}

fn occurrence_label(p: &Project, o: &Occurrence) -> String {
    let Some(d) = p.documents.get(&o.doc) else {
        return String::new();
    };
    let t = d.text_or_empty();
    let before = t
        .slice(o.span.start.saturating_sub(30), o.span.start)
        .replace('\n', " ");
    let after = t.slice(o.span.end, o.span.end + 30).replace('\n', " ");
    let mut s = format!(
        "{}: …{before}[{}]{after}…",
        d.meta.title,
        t.slice(o.span.start, o.span.end)
    );
    if o.already_tagged {
        s.push_str(" (already tagged)");
    }
    s
}

fn write_png(path: &Path, img: &egui::ColorImage) -> anyhow::Result<()> {
    let [w, h] = img.size;
    let bytes: Vec<u8> = img.pixels.iter().flat_map(|c| c.to_array()).collect();
    let buf = image::RgbaImage::from_raw(w as u32, h as u32, bytes)
        .ok_or_else(|| anyhow::anyhow!("screenshot has the wrong size"))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    buf.save(path)?;
    Ok(())
}

/// Runs the window on `project` (None: no project); with `screenshot`, writes a PNG of the
/// first frames and exits.
pub fn run(project: Option<PathBuf>, screenshot: Option<PathBuf>) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Marginalia")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true),
        persist_window: screenshot.is_none(),
        ..Default::default()
    };
    eframe::run_native(
        "Marginalia",
        options,
        Box::new(move |cc| {
            let prefs: Prefs = if screenshot.is_some() {
                Prefs::default()
            } else {
                cc.storage
                    .and_then(|s| eframe::get_value(s, PREFS_KEY))
                    .unwrap_or_default()
            };
            fonts::install(&cc.egui_ctx);
            let mut app = match &project {
                Some(p) => App::with_project(prefs, p),
                None => App::new(prefs),
            };
            if let Some(path) = screenshot {
                app = app.screenshot_to(path);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}
