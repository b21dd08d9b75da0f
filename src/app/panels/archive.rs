//! Adding archive files to the open project: PDFs, PAGE/ALTO/hOCR files, METS files and
//! IIIF manifests (a dropped or added file, or an address typed in "Add from a IIIF
//! manifest…"). Each is imported on a background thread
//! ([`crate::interchange::into_project`]) while a small window shows what is being done with
//! a progress bar and a Cancel button; when it is done the documents are committed as one
//! undoable step and go through the new-documents window (title, status), with what the
//! import did not keep as the window's note.

use crate::app::{AppState, Command, Message};
use crate::interchange::into_project;
use crate::model::{DocId, Edit, Transaction};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};

/// One running import of one or more sources.
struct Job {
    cancel: Arc<AtomicBool>,
    /// (share done, what is being done), written by the worker thread.
    progress: Arc<Mutex<(f32, String)>>,
    rx: Receiver<Result<Message, String>>,
    sources: usize,
}

/// The adding window and its background job.
#[derive(Default)]
pub struct ArchiveAdding {
    job: Option<Job>,
    /// The IIIF address being typed, while that prompt is open.
    url: Option<String>,
}

impl ArchiveAdding {
    /// Whether an import is running.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// Opens the prompt for a IIIF manifest's address.
    pub fn ask_url(&mut self) {
        self.url = Some(String::new());
    }

    /// Stops the running import at its next step; nothing of it is added.
    pub fn cancel(&mut self) {
        if let Some(j) = &self.job {
            j.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Starts importing `sources` (paths or addresses) into the open project.
    pub fn start(&mut self, ctx: &egui::Context, st: &mut AppState, sources: Vec<String>) {
        if self.job.is_some() {
            st.status = "Files are being added already; wait or cancel".into();
            return;
        }
        let Some(s) = &st.session else { return };
        let dir = s.dir().to_path_buf();
        let project = s.project.clone();
        let cancel = Arc::new(AtomicBool::new(false));
        let progress = Arc::new(Mutex::new((0.0, String::new())));
        let (tx, rx) = channel();
        let n = sources.len();
        let (c, p, ctx2) = (cancel.clone(), progress.clone(), ctx.clone());
        std::thread::spawn(move || {
            let result = run(&sources, &dir, &project, c, p, &ctx2);
            let _ = tx.send(result);
            ctx2.request_repaint();
        });
        self.job = Some(Job {
            cancel,
            progress,
            rx,
            sources: n,
        });
        st.status = format!("Adding {n} file(s)…");
    }

    /// Draws the progress window (and the address prompt); hands a finished import to the
    /// queue.
    pub fn ui(&mut self, ctx: &egui::Context, st: &mut AppState) {
        if let Some(job) = &self.job {
            match job.rx.try_recv() {
                Ok(Ok(m)) => {
                    st.push(m);
                    self.job = None;
                }
                Ok(Err(e)) => {
                    // A cancelled import needs no dialog: the status line says so.
                    if !job.cancel.load(Ordering::Relaxed) {
                        st.dialog = Some(crate::app::Dialog::Message(e.clone()));
                    }
                    st.status = e;
                    self.job = None;
                }
                Err(_) => {
                    let (done, what) = job.progress.lock().map(|g| g.clone()).unwrap_or_default();
                    let cancelling = job.cancel.load(Ordering::Relaxed);
                    let sources = job.sources;
                    egui::Window::new("Adding documents").collapsible(false).show(ctx, |ui| {
                        ui.label(format!(
                            "Importing {sources} file(s) into the project. Pages are rendered or fetched now."
                        ));
                        ui.add(egui::ProgressBar::new(done).show_percentage());
                        ui.label(if cancelling { "Cancelling…" } else { what.as_str() });
                        if ui
                            .add_enabled(!cancelling, egui::Button::new("Cancel"))
                            .clicked()
                        {
                            st.push(Command::CancelAdding);
                        }
                    });
                    ctx.request_repaint_after(std::time::Duration::from_millis(100));
                }
            }
        }
        if let Some(url) = &mut self.url {
            let mut close = false;
            let mut add = None;
            egui::Window::new("Add from a IIIF manifest").collapsible(false).show(ctx, |ui| {
                ui.label("The address of a IIIF manifest (Presentation 2 or 3). Its images are fetched at reading size and kept in the project.");
                let r = super::labelled_field(ui, "Manifest address", url, "https://…/manifest.json");
                let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    let ok = url.trim().starts_with("http://") || url.trim().starts_with("https://");
                    if (ui.add_enabled(ok, egui::Button::new("Add")).clicked() || (enter && ok))
                        && !url.trim().is_empty()
                    {
                        add = Some(url.trim().to_owned());
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            });
            if let Some(u) = add {
                st.push(Message::AddArchive(vec![u]));
                close = true;
            }
            if close {
                self.url = None;
            }
        }
    }
}

/// Imports each source in turn; the message that commits them all, or the first error.
fn run(
    sources: &[String],
    dir: &std::path::Path,
    project: &crate::model::Project,
    cancel: Arc<AtomicBool>,
    progress: Arc<Mutex<(f32, String)>>,
    ctx: &egui::Context,
) -> Result<Message, String> {
    let mut tx = Transaction::new("Add documents");
    let mut schema = project.schema.clone();
    let mut docs: Vec<DocId> = Vec::new();
    let mut notes = Vec::new();
    let n = sources.len().max(1);
    for (i, src) in sources.iter().enumerate() {
        let Some(format) = into_project::detect(src) else {
            notes.push(format!(
                "not a PDF, PAGE, ALTO, hOCR, METS or IIIF file: {src}"
            ));
            continue;
        };
        let (p, c) = (progress.clone(), ctx.clone());
        let report: crate::interchange::import::ProgressFn =
            Arc::new(move |done: f32, what: &str| {
                if let Ok(mut g) = p.lock() {
                    *g = ((i as f32 + done) / n as f32, what.to_owned());
                }
                c.request_repaint();
            });
        let importer = into_project::importer(format, Some(cancel.clone()), Some(report))
            .ok_or_else(|| format!("no importer for {format}"))?;
        let mut current = project.clone();
        current.schema = schema.clone();
        let added = into_project::import_into(&*importer, std::path::Path::new(src), dir, &current)
            .map_err(|e| {
                if cancel.load(Ordering::Relaxed) {
                    "Adding was cancelled; nothing was added".to_owned()
                } else {
                    format!("{} import failed: {e}", importer.label())
                }
            })?;
        schema = added.schema;
        notes.extend(added.not_kept.grouped());
        for d in added.documents {
            docs.push(d.meta.id);
            tx.push(Edit::Document {
                before: None,
                after: Some(Box::new(d)),
            });
        }
    }
    if schema != project.schema {
        tx.edits.insert(
            0,
            Edit::Schema {
                before: Box::new(project.schema.clone()),
                after: Box::new(schema),
            },
        );
    }
    let note = (!notes.is_empty()).then(|| notes.join("\n"));
    Ok(Message::ArchiveAdded { tx, docs, note })
}
