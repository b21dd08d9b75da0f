//! Project → Export… and Project → Import…: two small windows. Folder and file choices come
//! from the window's file chooser (app::pick); exports and imports run on a background thread and
//! report back over channels, so the window stays responsive. The work itself is started by
//! [`Message::Export`] and [`Message::Import`], which tests can queue without any dialog.

use crate::app::{AppState, Message};
use crate::interchange::export::ExportReport;
use crate::interchange::import::{ImportOptions, Imported};
use std::path::PathBuf;
use std::sync::mpsc;

/// Which path field a file dialog fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    ExportOut,
    ImportSource,
    ImportOut,
}

/// A message from a background thread.
enum Msg {
    Picked(Field, PathBuf),
    Progress(f32),
    Exported(Result<ExportReport, Failure>),
    /// The new project and what it did not keep, or why the import failed.
    Imported(Result<Imported, String>),
    /// Where to write the full list of the last report.
    SaveReport(PathBuf),
}

/// Where a job stands.
#[derive(Debug, Default)]
enum Job {
    #[default]
    Idle,
    Running(f32),
    Exported(ExportReport),
    Imported(Imported),
    Failed(String),
    /// The output folder holds files of an earlier export (the first one named).
    Exists(PathBuf),
}

/// Why an export failed: files already there (the window offers to replace them), or
/// anything else, in words.
#[derive(Debug)]
enum Failure {
    Exists(PathBuf),
    Other(String),
}

/// The export and import windows and their background work.
pub struct Interchange {
    export_open: bool,
    import_open: bool,
    export_format: String,
    export_out: String,
    /// Replace files an earlier export left in the output folder.
    export_overwrite: bool,
    import_format: String,
    import_source: String,
    import_out: String,
    /// Refuse an import that would not keep everything.
    import_strict: bool,
    /// The outcome of writing the last report's full list.
    report_saved: Option<String>,
    job: Job,
    tx: mpsc::Sender<Msg>,
    rx: mpsc::Receiver<Msg>,
}

impl Default for Interchange {
    fn default() -> Self {
        let (tx, rx) = mpsc::channel();
        Self {
            export_open: false,
            import_open: false,
            export_format: crate::interchange::formats::exporters()
                .first()
                .map_or_else(String::new, |e| e.id().to_owned()),
            export_out: String::new(),
            export_overwrite: false,
            import_format: crate::interchange::formats::importers()
                .first()
                .map_or_else(String::new, |e| e.id().to_owned()),
            import_source: String::new(),
            import_out: String::new(),
            import_strict: false,
            report_saved: None,
            job: Job::Idle,
            tx,
            rx,
        }
    }
}

impl Interchange {
    /// Shows the export window.
    pub fn open_export(&mut self) {
        self.export_open = true;
        self.import_open = false;
        if !matches!(self.job, Job::Running(_)) {
            self.job = Job::Idle;
        }
    }

    /// Shows the import window.
    pub fn open_import(&mut self) {
        self.import_open = true;
        self.export_open = false;
        if !matches!(self.job, Job::Running(_)) {
            self.job = Job::Idle;
        }
    }

    /// Whether an export or import is running.
    pub fn busy(&self) -> bool {
        matches!(self.job, Job::Running(_))
    }

    /// Starts exporting the open project as `format` into `out` on a background thread.
    pub fn start_export(
        &mut self,
        st: &mut AppState,
        ctx: &egui::Context,
        format: &str,
        out: PathBuf,
        overwrite: bool,
    ) {
        if self.busy() {
            st.status = "An export or import is already running".to_owned();
            return;
        }
        let Some(project) = st.project().cloned() else {
            st.status = "Open a project to export it".to_owned();
            return;
        };
        // Files already in the folder are replaced only when asked for ("Replace files of
        // an earlier export"); the project's own folder is refused either way.
        let options = crate::interchange::export::ExportOptions {
            overwrite,
            project_dir: st.session.as_ref().map(|s| s.dir().to_path_buf()),
        };
        let Some(exporter) = crate::interchange::formats::exporter(format) else {
            self.job = Job::Failed(format!("unknown export format \"{format}\""));
            return;
        };
        self.export_open = true;
        self.export_format = format.to_owned();
        self.export_out = out.display().to_string();
        self.job = Job::Running(0.0);
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let progress_tx = tx.clone();
            let progress_ctx = ctx.clone();
            let result = exporter
                .export(&project, &out, &options, &mut |p| {
                    let _ = progress_tx.send(Msg::Progress(p));
                    progress_ctx.request_repaint();
                })
                .map_err(|e| match e {
                    crate::interchange::export::ExportError::Exists { path } => {
                        Failure::Exists(path)
                    }
                    e => Failure::Other(format!("{} export failed: {e}", exporter.label())),
                });
            let _ = tx.send(Msg::Exported(result));
            ctx.request_repaint();
        });
    }

    /// Starts importing `source` as `format` into the new project folder `out`; the new
    /// project is opened when the import succeeds.
    pub fn start_import(
        &mut self,
        st: &mut AppState,
        ctx: &egui::Context,
        format: &str,
        source: PathBuf,
        out: PathBuf,
    ) {
        if self.busy() {
            st.status = "An export or import is already running".to_owned();
            return;
        }
        let Some(importer) = crate::interchange::formats::importer(format) else {
            self.job = Job::Failed(format!("unknown import format \"{format}\""));
            return;
        };
        self.import_open = true;
        self.import_format = format.to_owned();
        self.import_source = source.display().to_string();
        self.import_out = out.display().to_string();
        self.job = Job::Running(0.0);
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        let options = ImportOptions {
            strict: self.import_strict,
            ..ImportOptions::default()
        };
        std::thread::spawn(move || {
            let result = crate::interchange::import::run_reporting(
                importer.as_ref(),
                &source,
                &out,
                &options,
            )
            .map_err(|e| format!("{} import failed: {e}", importer.label()));
            let _ = tx.send(Msg::Imported(result));
            ctx.request_repaint();
        });
    }

    /// Takes in background results and draws the open window.
    pub fn ui(&mut self, ctx: &egui::Context, st: &mut AppState) {
        while let Ok(msg) = self.rx.try_recv() {
            match msg {
                Msg::Picked(field, p) => {
                    let s = p.display().to_string();
                    match field {
                        Field::ExportOut => self.export_out = s,
                        Field::ImportSource => self.import_source = s,
                        Field::ImportOut => self.import_out = s,
                    }
                }
                Msg::Progress(p) => {
                    if let Job::Running(x) = &mut self.job {
                        *x = p;
                    }
                }
                Msg::Exported(Ok(report)) => {
                    self.report_saved = None;
                    st.status = format!(
                        "Exported {}, {} left out",
                        crate::words::count(report.files.len(), "file", "files"),
                        crate::words::count(report.omitted.len(), "thing", "things")
                    );
                    self.job = Job::Exported(report);
                }
                Msg::Imported(Ok(done)) => {
                    st.status = if done.report.is_empty() {
                        format!("Imported into {}", done.project_file.display())
                    } else {
                        format!(
                            "Imported into {}, {} things not kept",
                            done.project_file.display(),
                            done.report.items.iter().map(|i| i.count).sum::<usize>()
                        )
                    };
                    st.push(Message::Open(done.project_file.clone()));
                    self.job = Job::Imported(done);
                }
                Msg::SaveReport(path) => {
                    let text =
                        match &self.job {
                            Job::Exported(r) => Some(r.full_text("Export report")),
                            Job::Imported(d) => Some(d.report.full_text(&format!(
                                "Import report for {}",
                                d.project_file.display()
                            ))),
                            _ => None,
                        };
                    if let Some(text) = text {
                        let outcome = crate::store::fs::write_atomic(
                            &path,
                            text.as_bytes(),
                            crate::store::fs::Backup::Keep,
                        );
                        let msg = match outcome {
                            Ok(()) => format!("Full list written to {}", path.display()),
                            Err(e) => format!("Cannot write the list: {e}"),
                        };
                        st.status.clone_from(&msg);
                        self.report_saved = Some(msg);
                    }
                }
                Msg::Exported(Err(Failure::Exists(path))) => {
                    st.status = format!(
                        "Not exported: the folder holds files of an earlier export ({})",
                        path.file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default()
                    );
                    self.job = Job::Exists(path);
                }
                Msg::Exported(Err(Failure::Other(e))) | Msg::Imported(Err(e)) => {
                    st.status = e.clone();
                    self.job = Job::Failed(e);
                }
            }
        }
        if self.export_open {
            self.export_window(ctx, st);
        }
        if self.import_open {
            self.import_window(ctx, st);
        }
    }

    fn export_window(&mut self, ctx: &egui::Context, st: &mut AppState) {
        let mut open = true;
        let shown = super::show_window(
            super::window(ctx, "Export")
                .open(&mut open)
                .default_size([520.0, 420.0])
                .max_width((ctx.content_rect().width() - 32.0).max(200.0))
                .constrain(true),
            ctx,
            |ui| {
                if st.project().is_none() {
                    ui.label("Open a project to export it.");
                    return;
                }
                let busy = self.busy();
                let mut again = false;
                ui.add_enabled_ui(!busy, |ui| {
                    // The formats wrap onto as many rows as the window needs: every one is
                    // in view at 700 points wide.
                    ui.label("Format");
                    ui.horizontal_wrapped(|ui| {
                        for e in crate::interchange::formats::exporters() {
                            ui.radio_value(&mut self.export_format, e.id().to_owned(), e.label());
                        }
                    });
                    self.path_row(ui, ctx, &mut st.chooser, "Output folder", Field::ExportOut);
                    ui.checkbox(
                        &mut self.export_overwrite,
                        "Replace files of an earlier export in this folder",
                    );
                    let out = self.export_out.trim().to_owned();
                    if ui
                        .add_enabled(!out.is_empty(), egui::Button::new("Export"))
                        .clicked()
                    {
                        again = true;
                    }
                });
                if let Job::Exists(path) = &self.job {
                    ui.add(
                        egui::Label::new(
                            egui::RichText::new(format!(
                                "This folder already holds files of an earlier export ({}). Replace them, or choose another folder.",
                                path.display()
                            ))
                            .color(ui.visuals().warn_fg_color),
                        )
                        .wrap(),
                    );
                    if ui.button("Replace them and export").clicked() {
                        self.export_overwrite = true;
                        again = true;
                    }
                } else {
                    self.job_ui(ui, ctx, &mut st.chooser);
                }
                let out = self.export_out.trim().to_owned();
                if again && !out.is_empty() {
                    self.report_saved = None;
                    st.push(Message::Export {
                        format: self.export_format.clone(),
                        out: PathBuf::from(out),
                        overwrite: self.export_overwrite,
                    });
                }
            },
        );
        if super::esc_closes(ctx, &shown) {
            open = false;
        }
        if !open {
            self.export_open = false;
        }
    }

    fn import_window(&mut self, ctx: &egui::Context, st: &mut AppState) {
        let mut open = true;
        let shown = super::show_window(
            super::window(ctx, "Import")
                .open(&mut open)
                .default_size([520.0, 300.0])
                .max_width((ctx.content_rect().width() - 32.0).max(200.0))
                .constrain(true),
            ctx,
            |ui| {
                let busy = self.busy();
                ui.add_enabled_ui(!busy, |ui| {
                    ui.label("Format");
                    ui.horizontal_wrapped(|ui| {
                        for i in crate::interchange::formats::importers() {
                            ui.radio_value(&mut self.import_format, i.id().to_owned(), i.label());
                        }
                    });
                    self.path_row(
                        ui,
                        ctx,
                        &mut st.chooser,
                        "Source file or folder",
                        Field::ImportSource,
                    );
                    self.path_row(
                        ui,
                        ctx,
                        &mut st.chooser,
                        "New project folder",
                        Field::ImportOut,
                    );
                    ui.checkbox(
                        &mut self.import_strict,
                        "Refuse the import if anything would not be kept",
                    );
                    let source = self.import_source.trim().to_owned();
                    let out = self.import_out.trim().to_owned();
                    if ui
                        .add_enabled(
                            !source.is_empty() && !out.is_empty(),
                            egui::Button::new("Import"),
                        )
                        .clicked()
                    {
                        self.report_saved = None;
                        st.push(Message::Import {
                            format: self.import_format.clone(),
                            source: PathBuf::from(source),
                            out: PathBuf::from(out),
                        });
                    }
                });
                self.job_ui(ui, ctx, &mut st.chooser);
            },
        );
        if super::esc_closes(ctx, &shown) {
            open = false;
        }
        if !open {
            self.import_open = false;
        }
    }

    /// A labelled path field (type or paste a path) with "Choose…" buttons that ask through
    /// the window's file chooser (app::pick).
    fn path_row(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &egui::Context,
        chooser: &mut crate::app::pick::Chooser,
        label: &str,
        field: Field,
    ) {
        use crate::app::pick::{Kind, Spec};
        let tx = self.tx.clone();
        let text = match field {
            Field::ExportOut => &mut self.export_out,
            Field::ImportSource => &mut self.import_source,
            Field::ImportOut => &mut self.import_out,
        };
        let start = Some(PathBuf::from(text.trim()))
            .filter(|p| p.is_dir())
            .or_else(|| PathBuf::from(text.trim()).parent().map(PathBuf::from))
            .filter(|p| p.is_dir());
        // Wrapped: in a narrow window the buttons go below the field, never past the edge.
        ui.horizontal_wrapped(|ui| {
            let l = ui.label(label);
            let w = (ui.available_width() - 8.0).clamp(120.0, 300.0);
            ui.add(egui::TextEdit::singleline(text).desired_width(w))
                .labelled_by(l.id);
            let folder_only = field != Field::ImportSource;
            let mut choose = |kind: Kind| {
                let tx = tx.clone();
                let spec = Spec {
                    kind,
                    title: if kind == Kind::Folder {
                        "Choose a folder"
                    } else {
                        "Choose a file"
                    },
                    filter: None,
                    dir: start.clone(),
                    file_name: None,
                };
                chooser.choose(
                    ctx,
                    spec,
                    Box::new(move |paths| {
                        if let Some(p) = paths.into_iter().next() {
                            let _ = tx.send(Msg::Picked(field, p));
                        }
                    }),
                );
            };
            if ui.button("Choose folder…").clicked() {
                choose(Kind::Folder);
            }
            if !folder_only && ui.button("Choose file…").clicked() {
                choose(Kind::File);
            }
        });
    }

    fn job_ui(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &egui::Context,
        chooser: &mut crate::app::pick::Chooser,
    ) {
        let lines = match &self.job {
            Job::Idle => return,
            Job::Running(p) => {
                ui.add(egui::ProgressBar::new(*p).show_percentage());
                return;
            }
            Job::Failed(e) => {
                ui.add(
                    egui::Label::new(egui::RichText::new(e).color(ui.visuals().error_fg_color))
                        .wrap(),
                );
                return;
            }
            Job::Exists(_) => return,
            Job::Imported(done) => {
                ui.label(format!(
                    "Created and opened {}",
                    done.project_file.display()
                ));
                if done.report.is_empty() {
                    ui.label("Everything was kept.");
                    return;
                }
                let n: usize = done.report.items.iter().map(|i| i.count).sum();
                ui.label(format!(
                    "{} not kept:",
                    crate::words::count(n, "thing was", "things were")
                ));
                done.report.grouped()
            }
            Job::Exported(report) => {
                ui.label(format!(
                    "{} written:",
                    crate::words::count(report.files.len(), "file", "files")
                ));
                egui::ScrollArea::vertical()
                    .id_salt("export files")
                    .max_height(120.0)
                    .show(ui, |ui| {
                        for f in &report.files {
                            ui.label(f.display().to_string());
                        }
                    });
                if report.omitted.is_empty() {
                    ui.label("Nothing was left out.");
                    return;
                }
                ui.label(format!(
                    "{} the format cannot express {} left out:",
                    crate::words::count(report.omitted.len(), "thing", "things"),
                    if report.omitted.len() == 1 {
                        "was"
                    } else {
                        "were"
                    }
                ));
                report.grouped()
            }
        };
        // One line per kind, with its count and first places; the full list on request.
        egui::ScrollArea::vertical()
            .id_salt("report lines")
            .max_height(180.0)
            .show(ui, |ui| {
                for line in lines {
                    ui.add(egui::Label::new(line).wrap());
                }
            });
        if ui.button("Save the full list…").clicked() {
            use crate::app::pick::{Kind, Spec};
            let tx = self.tx.clone();
            chooser.choose(
                ctx,
                Spec {
                    kind: Kind::Save,
                    title: "Save the full list",
                    filter: None,
                    dir: None,
                    file_name: Some("report.txt".to_owned()),
                },
                Box::new(move |paths| {
                    if let Some(p) = paths.into_iter().next() {
                        let _ = tx.send(Msg::SaveReport(p));
                    }
                }),
            );
        }
        if let Some(m) = &self.report_saved {
            ui.label(m);
        }
    }

    /// The error of the last export or import, when it failed.
    pub fn failed(&self) -> Option<&str> {
        match &self.job {
            Job::Failed(e) => Some(e),
            _ => None,
        }
    }

    /// The last export's report, once it has finished.
    pub fn last_export(&self) -> Option<&ExportReport> {
        match &self.job {
            Job::Exported(r) => Some(r),
            _ => None,
        }
    }
}
