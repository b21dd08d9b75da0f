//! Modal dialogs: unsaved changes, a conflict on disk, recovery, "tag all" review, the
//! titles and status of documents just added, messages.

use super::message::Message;
use super::state::{Dialog, NewDocRow, NewDocuments, TagAllReview};
use super::{App, Command, recovery};
use crate::model::ops::document;
use crate::model::ops::tagging::{self, Occurrence};
use crate::model::{DocStatus, Project, SourceText, Transaction};

/// Enter and Esc as a dialog gets them: read before its widgets, and only when no
/// drop-down was open at the start of the frame (there Esc closes the list and Enter picks,
/// and the dialog must not also take them).
#[derive(Clone, Copy, Default)]
struct Keys {
    enter: bool,
    esc: bool,
}

impl Keys {
    fn take(ctx: &egui::Context) -> Self {
        if egui::Popup::is_any_open(ctx) || super::a11y::popup_was_open(ctx) {
            return Self::default();
        }
        ctx.input_mut(|i| Self {
            enter: i.consume_key(egui::Modifiers::NONE, egui::Key::Enter),
            esc: i.consume_key(egui::Modifiers::NONE, egui::Key::Escape),
        })
    }
}

impl App {
    /// The open dialog, if any. Each is one function below; each returns whether it closed.
    /// Esc means its Cancel (or OK), Enter its first button, where it has such a button.
    pub(super) fn dialogs(&mut self, ctx: &egui::Context) {
        self.annotator_prompt(ctx);
        let Some(dialog) = self.state.dialog.clone() else {
            return;
        };
        let keys = Keys::take(ctx);
        let st = &mut self.state;
        let modal = egui::Modal::new(egui::Id::unique("dialog"));
        let shown = modal.show(ctx, |ui| {
            ui.set_max_width((ctx.content_rect().width() - 48.0).clamp(200.0, 520.0));
            match &dialog {
                Dialog::Unsaved { then } => unsaved(ui, st, then, keys),
                Dialog::Conflict(msg) => conflict(ui, st, msg, keys),
                Dialog::SourceChanged { doc, title } => source_changed(ui, st, *doc, title),
                Dialog::InUse { path, who } => in_use(ui, st, path, who, keys),
                Dialog::Recovery(r) => recovery_question(ui, st, r),
                Dialog::TagAll(review) => tag_all(ui, st, review, keys),
                Dialog::Message(m) => message(ui, m, keys),
                Dialog::OfferProject(dir) => offer_project(ui, st, dir, keys),
                Dialog::NewDocuments(nd) => new_documents(ui, st, nd, keys),
            }
        });
        super::a11y::dialog_shown(ctx, shown.response.layer_id);
        super::a11y::dialog_node(ctx, &shown.response, &dialog.title());
        let close = shown.inner;
        if close {
            self.state.dialog = None;
        }
    }
}

/// A row of buttons; the index of the one clicked.
fn buttons(ui: &mut egui::Ui, labels: &[&str]) -> Option<usize> {
    let mut hit = None;
    ui.horizontal_wrapped(|ui| {
        for (i, l) in labels.iter().enumerate() {
            if ui.button(*l).clicked() {
                hit = Some(i);
            }
        }
    });
    hit
}

fn unsaved(ui: &mut egui::Ui, st: &mut super::AppState, then: &super::Action, keys: Keys) -> bool {
    crate::app::a11y::heading_at(ui, "Unsaved changes", 1);
    ui.label("The project has changes that are not saved yet.");
    let hit = buttons(ui, &["Save", "Discard changes", "Cancel"]);
    match hit.or(keys.enter.then_some(0)).or(keys.esc.then_some(2)) {
        Some(0) => {
            st.queue.push(Command::Save);
            st.queue.push(then.clone());
            true
        }
        Some(1) => {
            recovery::remove(st.session.as_ref());
            st.session = None;
            st.doc = None;
            st.selected = None;
            st.allow_close = true;
            st.queue.push(then.clone());
            true
        }
        Some(_) => true,
        None => false,
    }
}

fn conflict(ui: &mut egui::Ui, st: &mut super::AppState, msg: &str, keys: Keys) -> bool {
    crate::app::a11y::heading_at(ui, "The project changed on disk", 1);
    ui.label(msg);
    ui.label("Your changes are not saved. Reload the project from disk (dropping your changes), or keep yours by saving them as a copy.");
    match buttons(ui, &["Save mine as a copy…", "Reload from disk", "Cancel"])
        .or(keys.esc.then_some(2))
    {
        Some(0) => {
            st.queue.push(Command::SaveCopyDialog);
            true
        }
        Some(1) => {
            st.queue.push(Message::Reload);
            true
        }
        Some(_) => true,
        None => false,
    }
}

fn source_changed(
    ui: &mut egui::Ui,
    st: &mut super::AppState,
    doc: crate::model::DocId,
    title: &str,
) -> bool {
    crate::app::a11y::heading_at(ui, "A source changed on disk", 1);
    ui.label(format!(
        "The source file of {title} changed on disk, and you have unsaved edits of its text."
    ));
    ui.label("Keep mine: your next save writes your text (theirs is copied beside the file). Take theirs: your edits of this text are replaced by the file's (Undo brings them back).");
    // No Esc: one of the two must be chosen.
    match buttons(ui, &["Keep mine", "Take theirs"]) {
        Some(i) => {
            st.queue.push(Message::SourceChoice {
                doc,
                theirs: i == 1,
            });
            true
        }
        None => false,
    }
}

fn in_use(
    ui: &mut egui::Ui,
    st: &mut super::AppState,
    path: &std::path::Path,
    who: &str,
    keys: Keys,
) -> bool {
    crate::app::a11y::heading_at(ui, "The project is open elsewhere", 1);
    ui.label(format!("Open by {who}."));
    ui.label(
        "Continue to work on it too (changes are merged when either saves), or open it read-only.",
    );
    match buttons(ui, &["Continue", "Open read-only", "Cancel"]).or(keys.esc.then_some(2)) {
        Some(i @ (0 | 1)) => {
            st.queue.push(Message::OpenInUse {
                path: path.to_path_buf(),
                read_only: i == 1,
            });
            true
        }
        Some(_) => true,
        None => false,
    }
}

fn recovery_question(ui: &mut egui::Ui, st: &mut super::AppState, r: &recovery::Recovery) -> bool {
    crate::app::a11y::heading_at(ui, "Recover unsaved work?", 1);
    let whose = st
        .session
        .as_ref()
        .map_or_else(String::new, |s| r.describe_for(s));
    ui.label(format!(
        "{whose}: a recovery copy holds changes to {} that were never saved. Restoring merges them with what is on disk now.",
        crate::words::count(r.docs.len(), "document", "documents")
    ));
    // No Esc: discarding the copy must be chosen on purpose.
    match buttons(ui, &["Restore changes", "Discard recovery copy"]) {
        Some(0) => {
            if let Some(session) = st.session.as_ref() {
                match r.transaction(&session.project, session.dir()) {
                    Ok(tx) => {
                        st.queue.push(Message::Apply(tx));
                        // Now this session's work: its own copy keeps it.
                        r.discard();
                    }
                    Err(e) => st.status = format!("cannot restore: {e}"),
                }
            }
            true
        }
        Some(_) => {
            r.discard();
            true
        }
        None => false,
    }
}

fn tag_all(ui: &mut egui::Ui, st: &mut super::AppState, review: &TagAllReview, keys: Keys) -> bool {
    let mut review = review.clone();
    crate::app::a11y::heading_at(ui, &format!("Tag all \"{}\"", review.needle), 1);
    let project = st.project();
    // The type to tag as, chosen here (it starts as the selected mention's type, or the
    // first entity type for a bare text selection).
    if let Some(p) = project {
        let mut ty = review.type_id.clone();
        crate::app::panels::labelled_combo(
            ui,
            "Tag as",
            egui::ComboBox::from_id_salt("Tag as").selected_text(p.schema.label(&ty)),
            |ui| {
                for t in &p.schema.entity_types {
                    ui.selectable_value(&mut ty, t.id.clone(), &t.label);
                }
            },
        );
        if ty != review.type_id {
            retype(&mut review, p, ty);
        }
    }
    ui.label(format!(
        "{}; untick any that are not a {}.",
        crate::words::count(review.hits.len(), "occurrence", "occurrences"),
        project.map_or("", |p| p.schema.label(&review.type_id))
    ));
    egui::ScrollArea::vertical()
        .max_height(320.0)
        .show(ui, |ui| {
            for (occ, keep) in &mut review.hits {
                let label = project
                    .map(|p| occurrence_label(p, occ))
                    .unwrap_or_default();
                ui.add_enabled(!occ.already_tagged, egui::Checkbox::new(keep, label));
            }
        });
    let close = match buttons(ui, &["Apply", "Cancel"])
        .or(keys.enter.then_some(0))
        .or(keys.esc.then_some(1))
    {
        Some(0) => {
            let chosen: Vec<Occurrence> = review
                .hits
                .iter()
                .filter(|(_, k)| *k)
                .map(|(o, _)| o.clone())
                .collect();
            if let Some(p) = st.project() {
                match tagging::tag_all(p, &review.type_id, review.entry, &chosen) {
                    Ok(tx) => st.queue.push(Message::Apply(tx)),
                    Err(e) => st.status = e.to_string(),
                }
            }
            true
        }
        Some(_) => true,
        None => false,
    };
    if !close {
        st.dialog = Some(Dialog::TagAll(review));
    }
    close
}

/// A message: OK, Enter or Esc closes it.
fn message(ui: &mut egui::Ui, m: &str, keys: Keys) -> bool {
    ui.label(m);
    let ok = ui.button("OK");
    if !ui.ctx().memory(|mem| mem.focused().is_some()) {
        ok.request_focus();
    }
    ok.clicked() || keys.enter || keys.esc
}

fn offer_project(
    ui: &mut egui::Ui,
    st: &mut super::AppState,
    dir: &std::path::Path,
    keys: Keys,
) -> bool {
    crate::app::a11y::heading_at(ui, "No project in this folder yet", 1);
    ui.label(super::start::offer_text(dir));
    match buttons(ui, &["Create a project here", "Cancel"])
        .or(keys.enter.then_some(0))
        .or(keys.esc.then_some(1))
    {
        Some(0) => {
            st.queue.push(Message::NewFromFolder(dir.to_path_buf()));
            true
        }
        Some(_) => true,
        None => false,
    }
}

fn new_documents(
    ui: &mut egui::Ui,
    st: &mut super::AppState,
    nd: &NewDocuments,
    keys: Keys,
) -> bool {
    let mut nd = nd.clone();
    let mut close = false;
    match new_documents_ui(ui, st.project(), &mut nd, keys) {
        NewDocsChoice::Apply => match st.project().map(|p| new_documents_tx(p, &nd.rows)) {
            Some(Ok(tx)) => {
                if !tx.is_empty() {
                    st.queue.push(Message::Apply(tx));
                }
                close = true;
            }
            Some(Err(e)) => nd.error = Some(e),
            None => close = true,
        },
        NewDocsChoice::Keep => {
            st.status = format!(
                "Kept the {} as they are",
                crate::words::count(nd.rows.len(), "new document", "new documents")
            );
            close = true;
        }
        NewDocsChoice::Stay => {}
    }
    if !close {
        st.dialog = Some(Dialog::NewDocuments(nd));
    }
    close
}

/// What the new-documents window was asked to do this frame.
enum NewDocsChoice {
    Stay,
    /// "Apply" or Enter.
    Apply,
    /// "Keep as they are" or Esc.
    Keep,
}

/// Width of a row's title field, in points.
const TITLE_WIDTH: f32 = 210.0;

/// Longest file name shown in a row (the whole name is on hover).
const FILE_CHARS: usize = 24;

/// The new-documents window's content: one row per document (file name, title, status),
/// helpers above, Apply / Keep below. Tab moves through the fields, Enter applies, Esc keeps.
fn new_documents_ui(
    ui: &mut egui::Ui,
    p: Option<&Project>,
    nd: &mut NewDocuments,
    keys: Keys,
) -> NewDocsChoice {
    let n = nd.rows.len();
    crate::app::a11y::heading_at(
        ui,
        if n == 1 {
            "New document"
        } else {
            "New documents"
        },
        1,
    );
    ui.label(if n == 1 {
        "1 document added. Its title is the file name: give it a better one and a status, or keep it as it is.".to_owned()
    } else {
        format!("{n} documents added. Each title is the file name: give them better ones and a status, or keep them as they are.")
    });
    if let Some(note) = &nd.note {
        ui.colored_label(ui.visuals().warn_fg_color, note);
    }
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Titles from first lines")
            .on_hover_text("Use the first line of each text as its title")
            .clicked()
            && let Some(p) = p
        {
            for row in &mut nd.rows {
                if let Some(t) = p
                    .documents
                    .get(&row.doc)
                    .and_then(|d| d.text.as_ref())
                    .and_then(first_line_title)
                {
                    row.title = t;
                }
            }
        }
        if n > 1 {
            let mut all = None;
            let l = ui.label("Status of all:");
            let c = egui::ComboBox::from_id_salt("new-documents-all")
                .selected_text("choose…")
                .show_ui(ui, |ui| {
                    for s in DocStatus::ALL {
                        if ui.selectable_label(false, s.label()).clicked() {
                            all = Some(s);
                        }
                    }
                });
            ui.ctx().accesskit_node_builder(c.response.id, |node| {
                node.set_label("Status of all");
                node.push_labelled_by(l.id.accesskit_id());
            });
            if let Some(s) = all {
                nd.rows.iter_mut().for_each(|r| r.status = s);
            }
        }
    });
    let max_height = (ui.ctx().content_rect().height() - 280.0).max(140.0);
    // The list's full height from the first frame (else the window grows frame by frame
    // and buttons move under the pointer).
    egui::ScrollArea::vertical()
        .id_salt("new-documents")
        .max_height(max_height)
        .min_scrolled_height(max_height)
        .show(ui, |ui| {
            egui::Grid::new("new-documents-grid")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    ui.strong("File");
                    ui.strong("Title");
                    ui.strong("Status");
                    ui.end_row();
                    for (i, row) in nd.rows.iter_mut().enumerate() {
                        let shown: String = if row.file.chars().count() > FILE_CHARS {
                            let cut: String = row.file.chars().take(FILE_CHARS - 1).collect();
                            format!("{cut}…")
                        } else {
                            row.file.clone()
                        };
                        ui.label(shown).on_hover_text(&row.file);
                        // A grid cell gives a text field no width of its own: ask for it.
                        let t = ui.add(
                            egui::TextEdit::singleline(&mut row.title)
                                .hint_text("title")
                                .min_size(egui::vec2(TITLE_WIDTH, 0.0))
                                .desired_width(TITLE_WIDTH),
                        );
                        let c = super::panels::metadata::status_combo(
                            ui,
                            egui::ComboBox::from_id_salt(("new-document-status", i)),
                            &mut row.status,
                        );
                        ui.end_row();
                        for (r, what) in [(&t, "Title"), (&c, "Status")] {
                            let label = format!("{what} of {}", row.file);
                            ui.ctx()
                                .accesskit_node_builder(r.id, |node| node.set_label(label));
                            // Tab into a row below the fold scrolls it into view.
                            if r.gained_focus() {
                                r.scroll_to_me(None);
                            }
                        }
                        if i == 0 && !nd.focused {
                            t.request_focus();
                            nd.focused = true;
                        }
                    }
                });
        });
    if let Some(e) = &nd.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    let mut choice = NewDocsChoice::Stay;
    if nd.confirm_discard {
        // Esc with titles typed: they are dropped only when that is said twice.
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "Drop the titles and status you typed, and keep the file names as titles?",
        );
        match buttons(ui, &["Drop them", "Go back to the titles"]).or(keys.esc.then_some(0)) {
            Some(0) => choice = NewDocsChoice::Keep,
            Some(_) => nd.confirm_discard = false,
            None => {}
        }
        return choice;
    }
    ui.horizontal(|ui| {
        if ui.button("Apply").on_hover_text("Enter").clicked() {
            choice = NewDocsChoice::Apply;
        }
        if ui.button("Keep as they are").on_hover_text("Esc").clicked() {
            choice = NewDocsChoice::Keep;
        }
    });
    // Keys are for the window unless a status list was open (there they pick and close:
    // see `Keys`).
    if keys.enter {
        choice = NewDocsChoice::Apply;
    } else if keys.esc {
        if p.is_some_and(|p| typed_something(p, &nd.rows)) {
            nd.confirm_discard = true;
        } else {
            choice = NewDocsChoice::Keep;
        }
    }
    choice
}

/// Whether any row's title or status differs from its document's: work Esc must not drop
/// without asking.
fn typed_something(p: &Project, rows: &[NewDocRow]) -> bool {
    rows.iter().any(|r| {
        p.documents
            .get(&r.doc)
            .is_some_and(|d| d.meta.title != r.title || d.meta.status != r.status)
    })
}

/// One transaction that gives each new document its row's title and status (documents whose
/// row is unchanged are left alone). Refused, with the reason, when a title is empty or a
/// document is no longer in the project; nothing is applied then.
pub fn new_documents_tx(p: &Project, rows: &[NewDocRow]) -> Result<Transaction, String> {
    let mut tx = Transaction::new(if rows.len() == 1 {
        "Set the new document's title and status".to_owned()
    } else {
        format!("Set titles and status of {} new documents", rows.len())
    });
    let gone = rows
        .iter()
        .filter(|r| !p.documents.contains_key(&r.doc))
        .count();
    if gone > 0 {
        return Err(format!(
            "{gone} of these documents are no longer in the project (was adding them undone?): Redo brings them back. Your titles are kept here."
        ));
    }
    for r in rows {
        let Some(d) = p.documents.get(&r.doc) else {
            continue;
        };
        if r.title.trim().is_empty() {
            return Err(format!("The title of {} is empty.", r.file));
        }
        let one = document::set_metadata(p, r.doc, &r.title, r.status, d.meta.archival.clone())
            .map_err(|e| format!("{}: {e}", r.file))?;
        tx.edits.extend(one.edits);
    }
    Ok(tx)
}

/// A Markdown heading's text without its marks: "## Minutes ##" is "Minutes". A line that
/// only starts with "#" ("#12 of the series") is left as it is.
fn strip_heading_marks(line: &str) -> &str {
    let hashes = line.len() - line.trim_start_matches('#').len();
    if (1..=6).contains(&hashes) && line[hashes..].starts_with([' ', '\t']) {
        line[hashes..].trim().trim_end_matches('#').trim_end()
    } else {
        line
    }
}

/// Longest title taken from a first line, in characters.
const FIRST_LINE_CHARS: usize = 80;

/// The text's first non-blank line, trimmed, as a title (cut at a word before 80
/// characters, with "…"); `None` when the text is blank.
pub fn first_line_title(text: &SourceText) -> Option<String> {
    let line = text
        .as_str()
        .lines()
        .map(|l| strip_heading_marks(l.trim()))
        .find(|l| !l.is_empty())?;
    if line.chars().count() <= FIRST_LINE_CHARS {
        return Some(line.to_owned());
    }
    let cut: String = line.chars().take(FIRST_LINE_CHARS - 1).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > FIRST_LINE_CHARS / 2 => cut[..i].trim_end().to_owned(),
        _ => cut,
    };
    Some(format!("{cut}…"))
}

impl App {
    /// Opens the new-documents window for `docs` (just added); `note` names files that were
    /// not added. Nothing opens when no document was added.
    pub(super) fn offer_new_documents(
        &mut self,
        docs: &[crate::model::DocId],
        note: Option<String>,
    ) {
        let st = &mut self.state;
        let Some(p) = st.project() else { return };
        let rows: Vec<NewDocRow> = docs
            .iter()
            .filter_map(|id| p.documents.get(id))
            .map(|d| NewDocRow {
                doc: d.meta.id,
                file: d.meta.source.as_ref().map_or_else(
                    || d.meta.title.clone(),
                    |s| {
                        let s = s.path.to_string();
                        s.rsplit('/').next().unwrap_or(&s).to_owned()
                    },
                ),
                title: d.meta.title.clone(),
                status: d.meta.status,
            })
            .collect();
        if rows.is_empty() {
            if let Some(note) = note {
                st.dialog = Some(Dialog::Message(note));
            }
            return;
        }
        st.dialog = Some(Dialog::NewDocuments(NewDocuments {
            rows,
            note,
            error: None,
            focused: false,
            confirm_discard: false,
        }));
    }
}

/// Changes the type a tag-all review tags as: each occurrence is re-checked for a mention
/// of the new type on exactly its span; an occurrence whose "already tagged" state changes
/// is ticked when it can be tagged and unticked when it cannot.
fn retype(review: &mut TagAllReview, p: &Project, ty: crate::model::Slug) {
    for (occ, keep) in &mut review.hits {
        let tagged = p.documents.get(&occ.doc).is_some_and(|d| {
            d.annotations.values().any(|a| {
                a.as_mention()
                    .is_some_and(|m| m.type_id == ty && m.anchor.fragments == [occ.span])
            })
        });
        if tagged != occ.already_tagged {
            occ.already_tagged = tagged;
            *keep = !tagged;
        }
    }
    review.type_id = ty;
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

impl Dialog {
    /// The dialog's accessible name: its heading, or for a message the message itself.
    fn title(&self) -> String {
        match self {
            Dialog::Unsaved { .. } => "Unsaved changes".to_owned(),
            Dialog::Conflict(_) => "The project changed on disk".to_owned(),
            Dialog::SourceChanged { .. } => "A source changed on disk".to_owned(),
            Dialog::InUse { .. } => "The project is open elsewhere".to_owned(),
            Dialog::Recovery(_) => "Recover unsaved work?".to_owned(),
            Dialog::TagAll(r) => format!("Tag all \"{}\"", r.needle),
            Dialog::Message(m) => m.clone(),
            Dialog::OfferProject(_) => "No project in this folder yet".to_owned(),
            Dialog::NewDocuments(nd) if nd.rows.len() == 1 => "New document".to_owned(),
            Dialog::NewDocuments(_) => "New documents".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Slug;
    use crate::model::ops::tagging::{occurrences, tag_mention};
    use crate::model::query::text::FindOptions;

    #[test]
    fn retyping_a_review_rechecks_what_is_already_tagged() {
        let mut p = Project::new("t");
        let meta = crate::model::DocumentMeta {
            id: crate::model::DocId::new(),
            title: "d".into(),
            source: None,
            images: vec![],
            status: crate::model::DocStatus::NotStarted,
            archival: Default::default(),
        };
        let d = meta.id;
        let text = crate::model::SourceText::from_str_normalizing("Paris and Paris.");
        p.documents.insert(
            d,
            crate::model::Document {
                meta,
                text: Some(text),
                annotations: Default::default(),
            },
        );
        let (person, place) = (Slug::new("person"), Slug::new("place"));
        // The second "Paris" is already tagged as a place.
        let target = crate::model::Span::new(10, 15);
        let (tx, _) = tag_mention(&p, d, &[target], &place).unwrap();
        tx.apply(&mut p).unwrap();
        let hits = occurrences(&p, Some(d), "Paris", &person, FindOptions::default());
        assert_eq!(hits.len(), 2);
        let mut review = TagAllReview {
            needle: "Paris".into(),
            type_id: person.clone(),
            entry: None,
            hits: hits
                .into_iter()
                .map(|o| {
                    let keep = !o.already_tagged;
                    (o, keep)
                })
                .collect(),
        };
        let at = |r: &TagAllReview| r.hits.iter().find(|(o, _)| o.span == target).cloned();
        assert_eq!(
            at(&review).map(|(o, k)| (o.already_tagged, k)),
            Some((false, true))
        );
        retype(&mut review, &p, place.clone());
        assert_eq!(review.type_id, place);
        assert_eq!(
            at(&review).map(|(o, k)| (o.already_tagged, k)),
            Some((true, false))
        );
        // The other occurrence stays ticked.
        assert!(review.hits.iter().any(|(o, k)| o.span != target && *k));
        retype(&mut review, &p, person);
        assert_eq!(
            at(&review).map(|(o, k)| (o.already_tagged, k)),
            Some((false, true))
        );
    }

    fn project_with(texts: &[&str]) -> (Project, Vec<crate::model::DocId>) {
        let mut p = Project::new("t");
        let mut ids = Vec::new();
        for (i, t) in texts.iter().enumerate() {
            let meta = crate::model::DocumentMeta {
                id: crate::model::DocId::new(),
                title: format!("file{i}"),
                source: None,
                images: vec![],
                status: DocStatus::NotStarted,
                archival: Default::default(),
            };
            ids.push(meta.id);
            p.documents.insert(
                meta.id,
                crate::model::Document {
                    meta,
                    text: Some(SourceText::from_str_normalizing(t)),
                    annotations: Default::default(),
                },
            );
        }
        (p, ids)
    }

    fn rows(p: &Project, ids: &[crate::model::DocId]) -> Vec<NewDocRow> {
        ids.iter()
            .filter_map(|id| p.documents.get(id))
            .map(|d| NewDocRow {
                doc: d.meta.id,
                file: format!("{}.txt", d.meta.title),
                title: d.meta.title.clone(),
                status: d.meta.status,
            })
            .collect()
    }

    #[test]
    fn new_document_titles_and_status_are_one_undoable_step() {
        let (mut p, ids) = project_with(&["a", "b", "c"]);
        let mut r = rows(&p, &ids);
        r[0].title = "  Minutes of 10 July ".into();
        r[1].status = DocStatus::InProgress;
        let tx = new_documents_tx(&p, &r).unwrap();
        assert_eq!(tx.edits.len(), 2, "the unchanged third row adds nothing");
        let before = p.clone();
        tx.apply(&mut p).unwrap();
        let meta = |p: &Project, i: usize| {
            p.documents
                .get(&ids[i])
                .map(|d| (d.meta.title.clone(), d.meta.status))
        };
        assert_eq!(
            meta(&p, 0),
            Some(("Minutes of 10 July".into(), DocStatus::NotStarted))
        );
        assert_eq!(meta(&p, 1), Some(("file1".into(), DocStatus::InProgress)));
        tx.invert().apply(&mut p).unwrap();
        assert_eq!(p, before);
    }

    #[test]
    fn new_document_rows_refuse_an_empty_title_or_a_document_undone() {
        let (mut p, ids) = project_with(&["a", "b"]);
        let mut r = rows(&p, &ids);
        r[1].title = " ".into();
        let e = new_documents_tx(&p, &r).unwrap_err();
        assert!(e.contains("file1.txt") && e.contains("empty"), "{e}");
        r[1].title = "Letter".into();
        p.documents.remove(&ids[0]);
        let e = new_documents_tx(&p, &r).unwrap_err();
        assert!(e.contains("1 of these") && e.contains("Redo"), "{e}");
    }

    #[test]
    fn a_title_from_the_first_line_skips_blank_lines_and_cuts_at_a_word() {
        let t = |s: &str| first_line_title(&SourceText::from_str_normalizing(s));
        assert_eq!(
            t("# Minutes of the meeting\n").as_deref(),
            Some("Minutes of the meeting")
        );
        assert_eq!(t("\n## Cable 21677 ##\n").as_deref(), Some("Cable 21677"));
        assert_eq!(
            t("#12 of the series\n").as_deref(),
            Some("#12 of the series")
        );
        assert_eq!(t("#\n\nText\n").as_deref(), Some("#"));
        assert_eq!(
            t("\n  \n  Minutes of the meeting  \nbody"),
            Some("Minutes of the meeting".into())
        );
        assert_eq!(t(" \n\t\n"), None);
        let long = "word ".repeat(40);
        let title = t(&long).unwrap();
        assert!(title.ends_with("word…"), "{title}");
        assert!(title.chars().count() <= FIRST_LINE_CHARS, "{title}");
    }
}
