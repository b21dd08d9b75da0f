//! Choosing files and folders. Where the desktop has a file dialog (a desktop portal on the
//! session bus, or `zenity`), rfd shows it on its own thread so the window never waits.
//! Where it has none (a bare X session, Xvfb), or when the system dialog comes back empty
//! at once (it was never shown), a dialog inside the window takes its place: egui_file, in
//! which a path can also be typed or pasted. The choice comes back through the request's
//! [`Done`] callback, which for the project flows queues a [`Message`].

use super::message::Message;
use super::state::AppState;
use crate::store;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Which project flow a choice is for.
pub(super) enum Pick {
    Project,
    Folder,
    SaveAs,
    SaveCopy,
    Sources,
    /// Page images for the open document.
    Pages,
}

/// What is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One existing file.
    File,
    /// One or more existing files.
    Files,
    /// One folder.
    Folder,
    /// A file name to write, existing or not.
    Save,
}

/// A dialog to show: everything but what happens with the answer.
#[derive(Clone, Debug)]
pub struct Spec {
    pub kind: Kind,
    pub title: &'static str,
    /// A filter's name and its extensions (without dots); files of other names are hidden.
    pub filter: Option<(&'static str, &'static [&'static str])>,
    /// The folder the dialog starts in.
    pub dir: Option<PathBuf>,
    /// The file name a save dialog proposes.
    pub file_name: Option<String>,
}

/// Receives the chosen paths, never an empty list; not called on cancel.
pub type Done = Box<dyn FnOnce(Vec<PathBuf>) + Send>;

/// Shows a system dialog and waits for it; `None` on cancel or when nothing was shown.
pub type System = fn(&Spec) -> Option<Vec<PathBuf>>;

/// A system dialog that answers faster than this showed nothing: no person cancels a file
/// dialog within half a second.
const SHOWN_NOTHING: Duration = Duration::from_millis(500);

/// The file choosers of one window: whether the system dialog is used, and the in-window
/// dialog while it is open (at most one at a time).
pub struct Chooser {
    system: Option<System>,
    open: Option<(egui_file::FileDialog, Spec, Done)>,
    /// Requests whose system dialog showed nothing, sent back by their thread.
    fallback_tx: mpsc::Sender<(Spec, Done)>,
    fallback_rx: mpsc::Receiver<(Spec, Done)>,
}

impl Default for Chooser {
    fn default() -> Self {
        let probe = native_possible(|k| std::env::var_os(k), |p| p.exists());
        Self::with_system(probe.then_some(rfd_dialog as System))
    }
}

impl Chooser {
    /// A chooser that tries `system` first (`None`: always the in-window dialog).
    pub fn with_system(system: Option<System>) -> Self {
        let (fallback_tx, fallback_rx) = mpsc::channel();
        Self {
            system,
            open: None,
            fallback_tx,
            fallback_rx,
        }
    }

    /// Whether the system's dialog is tried first; tests and people without a working one
    /// switch it off (also `MARGINALIA_FILE_DIALOG=window`).
    pub fn set_native(&mut self, on: bool) {
        self.system = on.then_some(rfd_dialog as System);
    }

    /// Whether the system's dialog is tried first.
    pub fn native(&self) -> bool {
        self.system.is_some()
    }

    /// Whether the in-window dialog is open.
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// The folder the in-window dialog shows, while it is open.
    pub fn directory(&self) -> Option<&Path> {
        self.open.as_ref().map(|(d, _, _)| d.directory())
    }

    /// Asks for a path: the system dialog on its own thread, or the in-window one. An
    /// in-window dialog already open is replaced (its request is dropped, as on cancel).
    pub fn choose(&mut self, ctx: &egui::Context, spec: Spec, done: Done) {
        let Some(system) = self.system else {
            self.open_in_window(spec, done);
            return;
        };
        let back = self.fallback_tx.clone();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            match system(&spec) {
                Some(paths) if !paths.is_empty() => done(paths),
                _ if started.elapsed() < SHOWN_NOTHING => {
                    let _ = back.send((spec, done));
                }
                _ => {}
            }
            ctx.request_repaint();
        });
    }

    fn open_in_window(&mut self, spec: Spec, done: Done) {
        let d = window_dialog(&spec);
        self.open = Some((d, spec, done));
    }

    /// Takes in requests the system dialog could not show and draws the in-window dialog;
    /// returns a line for the status bar when the system dialog turned out to be missing.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<String> {
        let mut note = None;
        while let Ok((spec, done)) = self.fallback_rx.try_recv() {
            self.system = None;
            note = Some(
                "No system file dialog on this desktop: choose in the window, or type or paste a path."
                    .to_owned(),
            );
            self.open_in_window(spec, done);
        }
        let (dialog, spec, _) = self.open.as_mut()?;
        // Enter on a row of the list (a button to egui: it clicks, which only selects) is
        // read before the dialog draws: on a folder it opens the folder, as a double click.
        let enter_on_row = ctx.input(|i| i.key_pressed(egui::Key::Enter))
            && ctx.memory(|m| m.focused()).is_some_and(|f| {
                egui::TextEdit::load_state(ctx, f).is_none()
                    && ctx.viewport(|v| {
                        // As drawn last frame: this frame's widgets come with the dialog.
                        v.prev_pass
                            .widgets
                            .get(f)
                            .is_some_and(|w| w.layer_id.id == dialog_id())
                    })
            });
        let state = dialog.show(ctx).state();
        if enter_on_row
            && state == egui_file::State::Open
            && let Some(dir) = dialog
                .path()
                .map(Path::to_path_buf)
                .into_iter()
                .chain(dialog.selection().into_iter().map(Path::to_path_buf))
                .find(|p| p.is_dir() && p.parent() == Some(dialog.directory()))
        {
            dialog.set_path(dir);
            // Focus goes to the dialog's first control again (the row is gone).
            super::a11y::window_reopened(ctx, dialog_id());
        }
        dialog_access(ctx, spec.kind);
        match state {
            egui_file::State::Open => {}
            egui_file::State::Selected => {
                let paths = chosen(dialog, spec.kind);
                if let Some((_, _, done)) = self.open.take()
                    && !paths.is_empty()
                {
                    done(paths);
                }
            }
            egui_file::State::Cancelled | egui_file::State::Closed => self.open = None,
        }
        note
    }
}

/// The in-window dialog for a keyboard and a screen reader: it takes focus when it opens
/// and keeps Tab inside (as every window does, `app::a11y::window_shown`), and its icon
/// buttons get names ("⬆" reads "Parent folder", "⟲" "Reload"), and so do its two text
/// fields (egui_file labels neither): "Folder path" on top, the name field below.
/// The id of the in-window dialog's window.
fn dialog_id() -> egui::Id {
    egui::Id::unique("marginalia file dialog")
}

fn dialog_access(ctx: &egui::Context, kind: Kind) {
    let field_names = [
        "Folder path",
        if kind == Kind::Folder {
            "New folder name"
        } else {
            "Name or path"
        },
    ];
    let id = egui::Id::unique("marginalia file dialog");
    let layers: Vec<egui::LayerId> = ctx.viewport(|v| {
        v.this_pass
            .widgets
            .layer_ids()
            .filter(|l| l.id == id)
            .collect()
    });
    for layer in layers {
        super::a11y::window_shown(ctx, layer);
        let ids: Vec<egui::Id> =
            ctx.viewport(|v| v.this_pass.widgets.get_layer(layer).map(|w| w.id).collect());
        let mut fields = field_names.iter();
        for w in ids {
            if !ctx.has_accesskit_node(w) {
                continue;
            }
            ctx.accesskit_node_builder(w, |n| {
                if n.role() == egui::accesskit::Role::TextInput {
                    if let Some(name) = fields.next()
                        && n.label().is_none_or(str::is_empty)
                        && n.labelled_by().is_empty()
                    {
                        n.set_label(*name);
                    }
                    return;
                }
                let name = match n.label() {
                    Some("⬆") => "Parent folder",
                    Some("⟲") => "Reload",
                    Some("+") => "New folder",
                    _ => return,
                };
                n.set_label(name);
            });
        }
    }
}

/// The paths an in-window dialog confirmed: the ticked files of a multiple choice, or else
/// the one chosen or typed.
fn chosen(d: &egui_file::FileDialog, kind: Kind) -> Vec<PathBuf> {
    let ticked: Vec<PathBuf> = if kind == Kind::Files {
        d.selection().into_iter().map(Path::to_path_buf).collect()
    } else {
        Vec::new()
    };
    if !ticked.is_empty() {
        return ticked;
    }
    d.path().map(|p| vec![p.to_path_buf()]).unwrap_or_default()
}

/// The in-window dialog for `spec`, open.
fn window_dialog(spec: &Spec) -> egui_file::FileDialog {
    use egui_file::FileDialog as D;
    let mut d = match spec.kind {
        Kind::File | Kind::Files => D::open_file(),
        Kind::Folder => D::select_folder(),
        Kind::Save => D::save_file(),
    }
    .title(spec.title)
    .id(egui::Id::unique("marginalia file dialog"))
    .default_size([520.0, 420.0])
    .multi_select(spec.kind == Kind::Files)
    .show_rename(false)
    .show_new_folder(matches!(spec.kind, Kind::Folder | Kind::Save))
    .file_label_text("Name or path:".into())
    .keep_on_top(true);
    if spec.kind == Kind::Folder {
        // In a folder dialog the name field only names a new folder: Enter there must not
        // choose the folder shown instead of the one typed. Paths go in the field on top.
        d = d
            .open_button_text("Choose this folder".into())
            .file_label_text("New folder name:".into())
            .filename_filter(Box::new(|_: &str| false));
    }
    let start = spec
        .dir
        .clone()
        .or_else(|| std::env::var_os("HOME").map(PathBuf::from))
        .or_else(|| std::env::current_dir().ok());
    if let Some(dir) = start {
        d = d.initial_path(dir);
    }
    if let Some(name) = &spec.file_name {
        d = d.default_filename(name.clone());
    }
    if let Some((_, exts)) = spec.filter {
        d = d.show_files_filter(Box::new(move |p: &Path| has_extension(p, exts)));
    }
    d.open();
    d
}

/// Whether the file name of `p` ends in `.EXT` for one of `exts`.
fn has_extension(p: &Path, exts: &[&str]) -> bool {
    let name = p.file_name().map(|n| n.to_string_lossy().to_lowercase());
    name.is_some_and(|n| exts.iter().any(|e| n.ends_with(&format!(".{e}"))))
}

/// rfd's dialog for `spec`, shown and waited for on the calling thread.
fn rfd_dialog(spec: &Spec) -> Option<Vec<PathBuf>> {
    let mut d = rfd::FileDialog::new().set_title(spec.title);
    if let Some(dir) = &spec.dir {
        d = d.set_directory(dir);
    }
    if let Some(name) = &spec.file_name {
        d = d.set_file_name(name);
    }
    if let Some((name, exts)) = spec.filter {
        d = d.add_filter(name, exts);
    }
    match spec.kind {
        Kind::File => d.pick_file().map(|p| vec![p]),
        Kind::Files => d.pick_files(),
        Kind::Folder => d.pick_folder().map(|p| vec![p]),
        Kind::Save => d.save_file().map(|p| vec![p]),
    }
}

/// Whether a system file dialog can be shown, from the environment (`var`) and the files
/// (`exists`): always on Windows and macOS; elsewhere when `zenity` is on the PATH, or a
/// session bus is reachable and the desktop portal is installed on it. The variable
/// `MARGINALIA_FILE_DIALOG` (`window` or `system`) overrides the guess.
pub fn native_possible(
    var: impl Fn(&str) -> Option<std::ffi::OsString>,
    exists: impl Fn(&Path) -> bool,
) -> bool {
    match var("MARGINALIA_FILE_DIALOG")
        .as_ref()
        .and_then(|v| v.to_str())
    {
        Some("window") => return false,
        Some("system") => return true,
        _ => {}
    }
    if cfg!(any(windows, target_os = "macos")) {
        return true;
    }
    let on_path = var("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| exists(&dir.join("zenity"))));
    if on_path {
        return true;
    }
    let bus = var("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty())
        || var("XDG_RUNTIME_DIR").is_some_and(|d| exists(&PathBuf::from(d).join("bus")));
    if !bus {
        return false;
    }
    let mut data_dirs: Vec<PathBuf> = var("XDG_DATA_DIRS")
        .filter(|d| !d.is_empty())
        .map(|d| std::env::split_paths(&d).collect())
        .unwrap_or_else(|| vec!["/usr/local/share".into(), "/usr/share".into()]);
    if let Some(home) = var("XDG_DATA_HOME")
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".local/share").into_os_string()))
    {
        data_dirs.push(home.into());
    }
    data_dirs.iter().any(|d| {
        exists(
            &d.join("dbus-1/services")
                .join("org.freedesktop.portal.Desktop.service"),
        )
    })
}

/// Asks for the path of a project flow; the answer is queued as its message.
pub(super) fn pick(st: &mut AppState, ctx: &egui::Context, what: Pick) {
    let tx = st.files_tx.clone();
    let dir = st.session.as_ref().map(|s| s.dir().to_path_buf());
    const PROJECT: (&str, &[&str]) = ("Marginalia project", &["ron"]);
    const PAGES: (&str, &[&str]) = ("Page images", &crate::facsimile::pages::IMAGE_EXTENSIONS);
    let (kind, title, filter, file_name) = match what {
        Pick::Project => (Kind::File, "Open a project", Some(PROJECT), None),
        Pick::Folder => (
            Kind::Folder,
            "New project from a folder of sources",
            None,
            None,
        ),
        Pick::SaveAs => (
            Kind::Save,
            "Save the project as",
            Some(PROJECT),
            st.session
                .as_ref()
                .map(|s| format!("{}{}", s.name(), store::PROJECT_SUFFIX)),
        ),
        Pick::SaveCopy => (Kind::Folder, "Save a copy into a folder", None, None),
        Pick::Sources => (
            Kind::Files,
            "Add documents",
            Some((
                "Texts, PDF, PAGE, ALTO, hOCR, METS, IIIF",
                &["txt", "md", "pdf", "xml", "hocr", "html", "json"][..],
            )),
            None,
        ),
        Pick::Pages => (Kind::Files, "Add page images", Some(PAGES), None),
    };
    let spec = Spec {
        kind,
        title,
        filter,
        dir,
        file_name,
    };
    let done: Done = Box::new(move |paths| {
        if let Some(m) = message_for(what, paths) {
            let _ = tx.send(m.into());
        }
    });
    st.chooser.choose(ctx, spec, done);
}

/// The message a choice for `what` becomes; a Save As name gets the project suffix.
fn message_for(what: Pick, mut paths: Vec<PathBuf>) -> Option<Message> {
    if matches!(what, Pick::Sources) {
        return (!paths.is_empty()).then_some(Message::AddDocuments(paths));
    }
    if matches!(what, Pick::Pages) {
        return (!paths.is_empty()).then_some(Message::Pages(
            super::panels::facsimile::PagesMsg::AddPages(paths),
        ));
    }
    let p = paths.drain(..).next()?;
    Some(match what {
        Pick::Project => Message::Open(p),
        Pick::Folder => Message::NewFromFolder(p),
        Pick::SaveCopy => Message::SaveCopy(p),
        Pick::Sources => Message::AddDocuments(vec![p]),
        Pick::Pages => Message::Pages(super::panels::facsimile::PagesMsg::AddPages(vec![p])),
        Pick::SaveAs => {
            let name = p.to_string_lossy();
            if name.ends_with(store::PROJECT_SUFFIX) {
                Message::SaveAs(p)
            } else {
                let stem = name.trim_end_matches(".ron").to_owned();
                Message::SaveAs(PathBuf::from(format!("{stem}{}", store::PROJECT_SUFFIX)))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::ffi::OsString;

    fn probe(vars: &[(&str, &str)], files: &[&str]) -> bool {
        let vars: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), OsString::from(v)))
            .collect();
        native_possible(
            |k| vars.get(k).cloned(),
            |p| files.iter().any(|f| Path::new(f) == p),
        )
    }

    #[test]
    #[cfg(all(unix, not(target_os = "macos")))]
    fn a_bare_x_session_has_no_system_dialog_and_a_portal_or_zenity_gives_one() {
        let bare = [("PATH", "/usr/bin:/bin"), ("DISPLAY", ":0")];
        assert!(!probe(&bare, &[]), "no bus, no zenity");
        let bus = [
            ("PATH", "/usr/bin:/bin"),
            ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/0/bus"),
        ];
        assert!(!probe(&bus, &[]), "a bus without a portal shows nothing");
        assert!(probe(
            &bus,
            &["/usr/share/dbus-1/services/org.freedesktop.portal.Desktop.service"]
        ));
        assert!(probe(&bare, &["/usr/bin/zenity"]));
        let forced = [("MARGINALIA_FILE_DIALOG", "window"), ("PATH", "/usr/bin")];
        assert!(!probe(&forced, &["/usr/bin/zenity"]));
    }

    #[test]
    fn a_system_dialog_that_shows_nothing_falls_back_to_the_window() {
        let ctx = egui::Context::default();
        let mut c = Chooser::with_system(Some(|_| None));
        let (tx, rx) = mpsc::channel();
        let spec = Spec {
            kind: Kind::File,
            title: "Open",
            filter: None,
            dir: None,
            file_name: None,
        };
        c.choose(
            &ctx,
            spec,
            Box::new(move |p| {
                let _ = tx.send(p);
            }),
        );
        let mut note = None;
        for _ in 0..200 {
            let mut out = ctx.run_ui(Default::default(), |ui| {
                if let Some(n) = c.ui(ui.ctx()) {
                    note = Some(n);
                }
            });
            out.textures_delta.clear();
            if c.is_open() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(c.is_open(), "the in-window dialog took over");
        assert!(!c.native(), "the system dialog is not tried again");
        assert!(note.is_some_and(|n| n.contains("type or paste a path")));
        assert!(rx.try_recv().is_err(), "nothing chosen yet");
    }

    #[test]
    fn save_as_gets_the_project_suffix_and_sources_keep_every_file() {
        let m = message_for(Pick::SaveAs, vec![PathBuf::from("/t/copy.ron")]);
        assert!(matches!(m, Some(Message::SaveAs(p)) if p == Path::new("/t/copy.marginalia.ron")));
        let files = vec![PathBuf::from("/a.txt"), PathBuf::from("/b.md")];
        assert!(
            matches!(message_for(Pick::Sources, files.clone()), Some(Message::AddDocuments(f)) if f == files)
        );
        assert!(message_for(Pick::Project, vec![]).is_none());
        assert!(has_extension(Path::new("/x/P.Marginalia.RON"), &["ron"]));
        assert!(!has_extension(Path::new("/x/notes.txt"), &["ron"]));
    }
}
