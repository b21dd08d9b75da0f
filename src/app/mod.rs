//! The workbench window (egui). The only module that draws; it reads and changes the
//! project through [`Session`](crate::session::Session) and the operations in
//! [`crate::model::ops`].
//!
//! Layout: menu bar, document list (left), reader (centre), inspector and registry (right),
//! status bar (bottom). Every user action is a [`Command`] (menu, shortcut, palette) or a
//! [`Message`] carrying data (from a panel, dialog, drop or file picker); both are queued and
//! handled in [`App::handle`], once per frame. One concern per file: [`state`], `layout`,
//! `menus`, `dialogs`, `autosave`, `drop`, `pick`, `screenshot`, `start`, and the handlers
//! in `handle` (see `docs/window.md`).

pub mod a11y;
mod autosave;
pub mod bound;
pub mod command;
mod dialogs;
mod drop;
pub mod fonts;
mod handle;
pub mod layout;
pub mod menus;
pub mod message;
pub mod panels;
pub mod pick;
pub mod prefs;
pub use crate::session::recovery;
mod screenshot;
mod source_watch;
pub mod start;
pub mod state;
pub mod suggest;
pub use crate::session::watch;

pub use command::{CaretMove, Command, Menu};
pub use message::{Action, Message, Queue};
pub use state::{
    AUTOSAVE_SECS, AppState, Dialog, FindState, Focus, PREFS_KEY, Prefs, RECOVERY_SECS, SaveState,
    Selection, TagAllReview,
};
use std::path::{Path, PathBuf};

/// The workbench window.
pub struct App {
    pub state: AppState,
    doc_list: panels::doc_list::DocList,
    /// The reader, public for the benchmark.
    pub reader: panels::reader::Reader,
    /// The page pane, public for tests and the benchmark.
    pub pages: panels::facsimile::Facsimile,
    inspector: panels::inspector::Inspector,
    registry: panels::registry::RegistryList,
    status: panels::status::StatusBar,
    find: panels::find::Find,
    palette: panels::palette::Palette,
    /// The export and import windows, public so tests can read the last report.
    pub interchange: panels::interchange::Interchange,
    /// Adding PDFs, PAGE/ALTO/hOCR files and IIIF manifests to the open project.
    pub archive: panels::archive::ArchiveAdding,
    entry_page: panels::entry_page::EntryPageWindow,
    schema_editor: panels::schema_editor::SchemaEditor,
    metadata: panels::metadata::MetadataEditor,
    about: panels::about::About,
    problems: panels::problems::ProblemsWindow,
    agreement: panels::agreement::AgreementWindow,
    curation: panels::curation::CurationWindow,
    conflicts: panels::conflicts::ConflictsWindow,
    review: panels::review::ReviewWindow,
    /// The views across the project (timeline, network …), public for tests and benches.
    pub views: panels::views::Views,
    /// The start screen, shown while no project is open.
    pub start: start::StartScreen,
    fonts_installed: bool,
    title: String,
    screenshot: Option<screenshot::Screenshot>,
    announcer: a11y::Announcer,
    /// The menu-bar button whose menu is open, and the one to refocus after Esc closed it.
    open_menu: Option<egui::Id>,
    menu_escape: Option<egui::Id>,
    /// Where the panels were laid out in the last frame.
    pub panel_rects: layout::PanelRects,
    /// Holds back plain keys after a text field lost focus on its own.
    pub typing: menus::TypingGuard,
    /// What the last drawn frame showed (see [`AppState::drawn`]): a window that is hidden
    /// (covered by another, minimized) asks to be drawn once more when this changes.
    last_drawn: Option<(u64, String, SaveState, bool)>,
}

impl App {
    /// A window with no project open.
    pub fn new(prefs: Prefs) -> Self {
        Self {
            state: AppState::new(prefs),
            doc_list: Default::default(),
            reader: Default::default(),
            pages: Default::default(),
            inspector: Default::default(),
            registry: Default::default(),
            status: Default::default(),
            find: panels::find::Find::new(true, false),
            palette: Default::default(),
            interchange: Default::default(),
            archive: Default::default(),
            entry_page: Default::default(),
            schema_editor: Default::default(),
            metadata: Default::default(),
            about: panels::about::About,
            problems: Default::default(),
            agreement: Default::default(),
            curation: Default::default(),
            conflicts: Default::default(),
            review: Default::default(),
            views: Default::default(),
            start: Default::default(),
            fonts_installed: false,
            title: String::new(),
            screenshot: None,
            announcer: Default::default(),
            open_menu: None,
            menu_escape: None,
            panel_rects: Default::default(),
            typing: Default::default(),
            last_drawn: None,
        }
    }

    /// A window that opens `project` on its first frame.
    pub fn with_project(prefs: Prefs, project: &Path) -> Self {
        let mut app = Self::new(prefs);
        app.state.push(Message::Open(project.to_path_buf()));
        app
    }

    /// Writes a PNG of the window to `path` after the first frames, then closes.
    pub fn screenshot_to(mut self, path: PathBuf) -> Self {
        self.screenshot = Some(screenshot::Screenshot {
            path,
            frames: 0,
            requested: false,
            done: Default::default(),
        });
        self
    }

    /// One frame: input, panels, then the queued actions.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if !self.fonts_installed {
            fonts::install(&ctx);
            self.fonts_installed = true;
            // Ctrl+= and Ctrl+- are the app's commands, remembered in the preferences.
            ctx.options_mut(|o| o.zoom_with_keyboard = false);
        }
        let windows_before = (self.state.palette_open, self.state.dialog.is_some());
        start::apply_scale(&ctx, self.state.prefs.ui_scale);
        ctx.set_theme(if self.state.prefs.dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
        while let Ok(a) = self.state.files_rx.try_recv() {
            self.state.push(a);
        }
        // What the panels draw this frame. The queued actions and the background work run
        // after the panels: whatever they change (a live merge from the folder watch, a save
        // that merged another writer's work, a status line) is drawn by one more frame, asked
        // for below — without it the window and its accessibility tree kept the old state
        // until the next input (a colleague's tag stayed off screen).
        let drawn = self.state.drawn();
        // One command table per frame, read by the shortcuts and the menu bar.
        let table = command::table(self.state.project().map(|p| &p.schema));
        a11y::begin_frame(&ctx, &self.title);
        self.shortcuts(&ctx, &table);
        self.text_edit_input(&ctx);
        self.dropped_files(&ctx);
        self.menu_bar(ui, &table);
        if a11y::reader_shows_text(&self.state) {
            a11y::reader_tab_stop(&ctx);
        }
        let st = &mut self.state;
        st.suggest.sync(
            st.session.as_ref(),
            st.doc,
            &mut st.queue,
            &mut st.status,
            &ctx,
        );
        self.panels(ui);
        a11y::skip_resize_handles(&ctx);
        self.dialogs(&ctx);
        if let Some(note) = self.state.chooser.ui(&ctx) {
            self.state.status = note;
        }
        let status_before = self.state.status.clone();
        let mut resaid = false;
        for a in self.state.queue.take() {
            // A handler that says what was already said is heard again (a11y::said_again).
            let kept = std::mem::take(&mut self.state.status);
            self.handle(&ctx, a);
            if self.state.status.is_empty() {
                self.state.status = kept;
            } else if self.state.status == status_before {
                resaid = true;
            }
        }
        if resaid {
            a11y::said_again(&ctx);
        }
        self.announcer.announce(&mut self.state, &status_before);
        self.typing.observe(&ctx);
        if windows_before != (self.state.palette_open, self.state.dialog.is_some()) {
            self.typing.forget();
        }
        self.background(&ctx);
        let now_drawn = self.state.drawn();
        if now_drawn != drawn {
            ctx.request_repaint();
        }
        self.last_drawn = Some(now_drawn);
        self.close_request(&ctx);
        self.update_title(&ctx);
        self.screenshot_step(&ctx);
        a11y::end_frame(&ctx);
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

    /// The app's work while its window is hidden (fully covered by another window, or
    /// minimized), when eframe runs no frame but calls [`eframe::App::logic`] on each wake:
    /// the folder watch's live merge, autosave, the recovery copy and presence go on, and
    /// when that changed what the window shows, it asks for one frame drawn while hidden —
    /// so its accessibility tree (what a screen reader reads) and its pixels, once
    /// uncovered, hold a colleague's work without anyone touching the window. A visible
    /// window does all this in [`App::frame`].
    pub fn logic(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().visible()) != Some(false) {
            return;
        }
        self.background(ctx);
        if self.last_drawn.as_ref() != Some(&self.state.drawn()) {
            ctx.send_viewport_cmd(egui::ViewportCommand::RequestPaintWhileHidden);
            ctx.request_repaint();
        } else if self.state.is_dirty() && self.state.last_change.is_some() {
            // Autosave and the recovery copy are counted on the frames' clock, which stands
            // still while only the logic runs: the next wake (in half a second, asked for by
            // `background`) is a drawn frame, so unsaved work is saved in a hidden window too.
            ctx.send_viewport_cmd(egui::ViewportCommand::RequestPaintWhileHidden);
        }
    }

    /// The window title as last set.
    pub fn title(&self) -> &str {
        &self.title
    }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        App::logic(self, ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, PREFS_KEY, &self.state.prefs);
    }
}

/// The application icon (the packaged 256 px PNG, built in), shown by the window manager in
/// the title bar, task switcher and dock. A decoding failure cannot happen with the embedded
/// file (a test decodes it) but would only leave the system's default icon.
fn window_icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icons/marginalia-256.png"))
        .unwrap_or_default()
}

/// Runs the window on `project` (None: no project) at `size` (default 1400 × 900), with
/// `view` open below the reader; with `screenshot`, writes a PNG of the first frames and
/// exits.
pub fn run(
    project: Option<PathBuf>,
    screenshot: Option<PathBuf>,
    size: Option<[f32; 2]>,
    view: Option<panels::views::ViewKind>,
) -> anyhow::Result<()> {
    let scratch = screenshot.as_ref().map(|_| {
        std::env::temp_dir().join(format!("marginalia-screenshot-{}", std::process::id()))
    });
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Marginalia")
            .with_inner_size(size.unwrap_or([1400.0, 900.0]))
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true)
            .with_icon(window_icon()),
        persist_window: screenshot.is_none(),
        // A screenshot shows a fresh window: no panel sizes or preferences from earlier runs
        // are read, and nothing is written where the real ones live.
        persistence_path: scratch.clone(),
        ..Default::default()
    };
    let result = eframe::run_native(
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
            if screenshot.is_none() {
                app.ask_annotator_if_unset();
            }
            app.state.view = view;
            app.views.prefill = view.is_some();
            if let Some(path) = screenshot {
                app = app.screenshot_to(path);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"));
    if let Some(file) = scratch {
        let _ = std::fs::remove_file(file);
    }
    result
}

#[cfg(test)]
mod tests {
    #[test]
    fn window_icon_is_the_packaged_png_decoded() {
        let icon = super::window_icon();
        assert_eq!((icon.width, icon.height), (256, 256));
        assert_eq!(icon.rgba.len(), 256 * 256 * 4);
        assert!(
            icon.rgba.chunks(4).any(|px| px[3] == 255),
            "icon has opaque pixels"
        );
    }
}
