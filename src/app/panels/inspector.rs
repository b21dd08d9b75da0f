//! The inspector: the selected annotation's type, text, registry entry, attributes,
//! certainty and note. Every change is an undoable transaction.

use super::View;
use crate::app::{AppState, Command, Focus, Message, Queue};
use crate::model::annotation::{AttrValue, Certainty};
use crate::model::ops::{events, tagging};
use crate::model::query::registry::link_suggestions;
use crate::model::registry::AliasKind;
use crate::model::schema::{AttrKind, TypeKind};
use crate::model::{AnnId, Annotation, DocId, NormalizedDate, Project};

#[derive(Default)]
pub struct Inspector {
    /// The note being edited, and for which annotation: bound to the annotation's note, so
    /// a change under it (merge, undo, redo) shows, and one made while editing asks.
    note: Option<(AnnId, crate::app::bound::Bound)>,
    /// Text and number attribute fields being edited.
    attr_edit: Option<(AnnId, String, String)>,
    /// A dated mention's date field being edited, and for which annotation.
    date_edit: Option<(AnnId, String)>,
    /// The selected event's roles, or relation's arguments.
    frame: super::event_frame::EventFrameView,
    /// The annotation whose long note the user asked to see in full.
    note_in_full: Option<AnnId>,
    /// The annotators of the open document, for the reader's filter: (generation, document,
    /// names).
    annotators: Option<(u64, DocId, Vec<String>)>,
}

/// Notes longer than this (bytes) are shown cut short, with "Show all".
pub const NOTE_PREVIEW_BYTES: usize = 4_000;

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn prefix_at_char_boundary(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn alias_label(k: Option<AliasKind>) -> &'static str {
    k.map_or("no", AliasKind::label)
}

impl View for Inspector {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        crate::app::a11y::heading(ui, "Inspector");
        ui.separator();
        let (Some(p), Some(doc)) = (st.session.as_ref().map(|s| &s.project), st.doc) else {
            ui.label("Open a document to annotate it.");
            return;
        };
        // Which annotator's annotations the reader shows (names cached per generation).
        let generation = st.generation();
        if self
            .annotators
            .as_ref()
            .is_none_or(|(g, d, _)| (*g, *d) != (generation, doc))
        {
            let names = crate::app::prefs::annotation_annotators(p, Some(doc));
            self.annotators = Some((generation, doc, names));
        }
        if let Some((_, _, names)) = &self.annotators
            && (!names.is_empty() || st.reader_annotator.is_some())
        {
            crate::app::prefs::annotator_combo(
                ui,
                "Show annotations by",
                names,
                &mut st.reader_annotator,
            );
        }
        // While annotating independently, another annotator's layer stays hidden here as in
        // the reader (a curator looks at the layers in the Curation window).
        if let Some(a) = st.selected.and_then(|a| p.annotation(doc, a))
            && !crate::model::layers::seen(p, doc, a, st.viewer())
        {
            ui.add(
                egui::Label::new(format!(
                    "The selected annotation is in {}'s layer, hidden while you annotate this \
                     document independently.",
                    super::cut(a.layer.as_deref().unwrap_or_default(), 40)
                ))
                .wrap(),
            );
            return;
        }
        // One state at a time: a text selection wins over a selected annotation (commands
        // act on it), except while a role is being filled.
        let text_selected = !st.sel.is_empty() && st.filling.is_none();
        if text_selected || st.selected.and_then(|a| p.annotation(doc, a)).is_none() {
            self.selection_help(ui, st, doc);
            return;
        }
        egui::ScrollArea::vertical()
            .id_salt("inspector")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                self.frame.ui(ui, st);
                // The session is taken out while the annotation is borrowed from it (no
                // copy: its note may be huge); it is always put back.
                let Some(session) = st.session.take() else {
                    return;
                };
                if let Some(ann) = st.selected.and_then(|a| session.project.annotation(doc, a)) {
                    self.annotation(ui, st, &session.project, doc, ann);
                }
                st.session = Some(session);
            });
    }
}

impl Inspector {
    // Rows of buttons wrap (horizontal_wrapped, Button::wrap): in a narrow window a row
    // wider than the panel would widen the panel and squeeze the reader.
    fn selection_help(&mut self, ui: &mut egui::Ui, st: &mut AppState, doc: DocId) {
        let Some(p) = st.session.as_ref().map(|s| &s.project) else {
            return;
        };
        let spans = st.sel.spans();
        if spans.is_empty() {
            ui.label("Select text with the mouse or Shift+arrows, then press a type's key (or Enter for a list). Click an annotation, or press ] and [, to inspect it.");
            return;
        }
        let Some(d) = p.documents.get(&doc) else {
            return;
        };
        let text = d.text_or_empty();
        let quoted: Vec<&str> = spans.iter().map(|s| text.slice(s.start, s.end)).collect();
        ui.label(format!("Selected: “{}”", quoted.join(" … ")));
        ui.label("Tag as:");
        let mut cmds = Queue::default();
        // Entity types, then event types: the same list as the reader's "Tag as" popup.
        let types = super::reader::popup_types(&p.schema);
        let first_event = types
            .iter()
            .position(|t| matches!(t.0, Command::NewEvent(_)));
        for (part, range) in [
            (None, 0..first_event.unwrap_or(types.len())),
            (
                Some("New event:"),
                first_event.unwrap_or(types.len())..types.len(),
            ),
        ] {
            if range.is_empty() {
                continue;
            }
            if let Some(h) = part {
                ui.label(h);
            }
            ui.horizontal_wrapped(|ui| {
                for (cmd, label, key, _) in types.get(range).unwrap_or_default() {
                    let label = match key {
                        Some(k) => format!("{label} ({})", k.to_ascii_uppercase()),
                        None => label.clone(),
                    };
                    if ui.button(label).clicked() {
                        cmds.push(cmd.clone());
                    }
                }
            });
        }
        if !st.sel.fragments.is_empty() {
            ui.label(format!("{} fragments (discontinuous)", spans.len()));
        }
        // An event selected before, that the text only implies: the selection can become
        // its trigger.
        if let Some(ann) = st.selected.and_then(|a| p.annotation(doc, a))
            && ann.as_event().is_some()
            && ann.anchor().is_none()
        {
            ui.separator();
            ui.label(format!(
                "Also selected before: {} event (no trigger)",
                p.schema.label(ann.type_id())
            ));
            if ui
                .add(egui::Button::new("Trigger := selection").wrap())
                .on_hover_text("Anchor that event on the selected words")
                .clicked()
            {
                match events::set_trigger(p, doc, ann.id, Some(&spans)) {
                    Ok(tx) => cmds.push(Message::Apply(tx)),
                    Err(e) => st.status = format!("Cannot set the trigger: {e}"),
                }
            }
        }
        // The annotation selected before this text: only a target for "Move here".
        if let Some(ann) = st.selected.and_then(|a| p.annotation(doc, a))
            && let Some(anchor) = ann.anchor()
        {
            ui.separator();
            let covered = anchor.covered_text(text);
            let short: String = covered.chars().take(24).collect();
            let short = if short.len() < covered.len() {
                format!("{short}…")
            } else {
                short
            };
            ui.label(format!(
                "Also selected before: {} “{short}”",
                p.schema.label(ann.type_id())
            ));
            // Wrapped: a long quote must not widen the inspector.
            if ui
                .add(egui::Button::new(format!("Move “{short}” here (Ctrl+R)")).wrap())
                .on_hover_text("Re-span that annotation to the selected text")
                .clicked()
            {
                cmds.push(Command::Respan);
            }
            ui.weak("Delete does nothing while text is selected: click the annotation (or press Esc) to act on it.");
        }
        st.queue.extend(cmds);
    }

    /// The selected annotation: its type and text, then (by kind) its date, registry entry,
    /// certainty, attributes and note. Every change is a queued transaction.
    fn annotation(
        &mut self,
        ui: &mut egui::Ui,
        st: &mut AppState,
        p: &Project,
        doc: DocId,
        ann: &Annotation,
    ) {
        let mut cmds = Queue::default();
        type_row(ui, p, ann, &mut cmds);
        // Who made it and who changed it last
        if let Some(line) =
            crate::model::stamp::provenance(ann.created.as_ref(), ann.modified.as_ref(), &ann.resp)
        {
            ui.small(line);
        }
        text_and_actions(ui, st, p, doc, ann, &mut cmds);
        ui.separator();
        if let Some(m) = ann.as_mention() {
            let dated = p.schema.entity(&m.type_id).is_some_and(|t| t.dated);
            if dated {
                self.date(ui, p, doc, ann, m, &mut cmds, &mut st.status);
            }
            // A date is seldom a registry entry: the section is there for one that is
            // linked, and folded away otherwise.
            if !dated || m.entry.is_some() {
                registry_section(ui, st, p, m, &mut cmds);
            } else {
                egui::CollapsingHeader::new("Registry entry")
                    .id_salt("date-registry")
                    .default_open(false)
                    .show(ui, |ui| registry_section(ui, st, p, m, &mut cmds));
            }
            ui.separator();
        }
        certainty_row(ui, p, doc, ann, &mut cmds);
        self.attributes(ui, st, p, doc, ann, &mut cmds);
        self.note(ui, p, doc, ann, &mut cmds);
        st.queue.extend(cmds);
    }

    /// A dated mention's normalized date: one field (ISO 8601, a range `A – B`, `after A`,
    /// `before B`), and the reading of its text — prefilled from the document's date for
    /// "tomorrow at 0800" — with its certainty, to take with one click.
    #[allow(clippy::too_many_arguments)]
    fn date(
        &mut self,
        ui: &mut egui::Ui,
        p: &Project,
        doc: DocId,
        ann: &Annotation,
        m: &crate::model::Mention,
        cmds: &mut Queue,
        status: &mut String,
    ) {
        ui.strong("Date");
        let context = p.documents.get(&doc).and_then(document_date);
        let reading = crate::model::date::guess(&m.anchor.quote.exact, context.as_ref());
        let shown = m.date.as_ref().map(|d| d.to_string()).unwrap_or_default();
        let editing = matches!(&self.date_edit, Some((a, _)) if *a == ann.id);
        let mut buf = match &self.date_edit {
            Some((a, b)) if *a == ann.id => b.clone(),
            _ => shown.clone(),
        };
        let l = ui.label("Normalized (ISO 8601)");
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut buf)
                    .hint_text("1951-07-10T15:00, A – B, after A")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(l.id);
        if r.changed() || r.has_focus() {
            self.date_edit = Some((ann.id, buf.clone()));
        } else if editing && !r.lost_focus() {
            self.date_edit = None;
        }
        if r.lost_focus() {
            self.date_edit = None;
            if buf.trim() != shown {
                match NormalizedDate::parse(&buf) {
                    Ok(d) => match tagging::set_mention_date(
                        p,
                        doc,
                        ann.id,
                        (!d.is_empty()).then_some(d),
                        None,
                    ) {
                        Ok(tx) => cmds.push(Message::Apply(tx)),
                        Err(crate::model::ops::OpError::NoChange) => {}
                        Err(e) => *status = format!("Cannot set the date: {e}"),
                    },
                    Err(e) => *status = format!("Not a date: {e}"),
                }
            }
        }
        match &reading {
            Some(g) if m.date.as_ref() != Some(&g.date) => {
                ui.label(format!(
                    "Read from the text: {} ({}; certainty {})",
                    g.date,
                    g.basis,
                    g.cert.as_str()
                ));
                let label = if m.date.is_none() {
                    format!("Use {}", g.date)
                } else {
                    format!("Replace with {}", g.date)
                };
                if ui
                    .add(egui::Button::new(label).wrap())
                    .on_hover_text("Set this date and certainty (Undo takes it back)")
                    .clicked()
                    && let Ok(tx) = tagging::set_mention_date(
                        p,
                        doc,
                        ann.id,
                        Some(g.date.clone()),
                        Some(g.cert),
                    )
                {
                    cmds.push(Message::Apply(tx));
                }
            }
            Some(_) => {
                ui.weak("The date matches the text.");
            }
            None if m.date.is_none() => {
                ui.weak(if context.is_none() {
                    "No date read from the text. Type one; a document date (Project → Document metadata…) lets words like “tomorrow” be read."
                } else {
                    "No date read from the text: type one."
                });
            }
            None => {}
        }
    }

    fn attributes(
        &mut self,
        ui: &mut egui::Ui,
        st: &mut AppState,
        p: &Project,
        doc: DocId,
        ann: &Annotation,
        cmds: &mut Queue,
    ) {
        for def in p.schema.attributes_for(ann.type_id()) {
            let cur = ann.attributes.get(&def.id).cloned();
            match &def.kind {
                AttrKind::Choice(options) => {
                    let fitting = match &cur {
                        Some(AttrValue::Choice(s)) if options.contains(s) => Some(s.clone()),
                        _ => None,
                    };
                    // A value that no longer fits (its kind or options changed in the
                    // schema) is shown and kept: drawing never edits.
                    let misfit = cur.as_ref().filter(|_| fitting.is_none());
                    let shown = match misfit {
                        Some(v) => format!("{v} (does not fit)"),
                        None => fitting.clone().unwrap_or_else(|| "—".into()),
                    };
                    let mut v = fitting.clone();
                    let mut picked = false;
                    crate::app::panels::labelled_combo(
                        ui,
                        &def.label,
                        egui::ComboBox::from_id_salt(&def.label).selected_text(shown),
                        |ui| {
                            picked |= ui.selectable_value(&mut v, None, "—").clicked();
                            for o in options {
                                picked |= ui.selectable_value(&mut v, Some(o.clone()), o).clicked();
                            }
                        },
                    );
                    if let Some(old) = misfit {
                        ui.label(format!(
                            "\"{old}\" does not fit {}; kept until you choose a value",
                            def.label
                        ));
                    }
                    let new = v.map(AttrValue::Choice);
                    if picked && new != cur {
                        cmds.push_opt(attr_tx(p, doc, ann.id, &def.id, new, &mut st.status));
                    }
                }
                AttrKind::YesNo => {
                    let mut b = matches!(cur, Some(AttrValue::YesNo(true)));
                    if ui.checkbox(&mut b, &def.label).changed() {
                        cmds.push_opt(attr_tx(
                            p,
                            doc,
                            ann.id,
                            &def.id,
                            Some(AttrValue::YesNo(b)),
                            &mut st.status,
                        ));
                    }
                }
                AttrKind::Text | AttrKind::Number | AttrKind::Date => {
                    self.typed_attribute(ui, st, p, doc, ann, def, cur, cmds);
                }
            }
        }
    }

    /// A text, number or date attribute: typed, and applied when the field loses focus.
    #[allow(clippy::too_many_arguments)]
    fn typed_attribute(
        &mut self,
        ui: &mut egui::Ui,
        st: &mut AppState,
        p: &Project,
        doc: DocId,
        ann: &Annotation,
        def: &crate::model::schema::AttributeDef,
        cur: Option<AttrValue>,
        cmds: &mut Queue,
    ) {
        let shown = cur.as_ref().map(|v| v.to_string()).unwrap_or_default();
        let editing =
            matches!(&self.attr_edit, Some((a, id, _)) if *a == ann.id && id == def.id.as_str());
        let mut buf = if editing {
            self.attr_edit
                .as_ref()
                .map(|x| x.2.clone())
                .unwrap_or_default()
        } else {
            shown.clone()
        };
        let l = ui.label(&def.label);
        let r = ui.text_edit_singleline(&mut buf).labelled_by(l.id);
        if r.changed() || r.has_focus() {
            self.attr_edit = Some((ann.id, def.id.0.clone(), buf.clone()));
        }
        if !r.lost_focus() || buf == shown {
            if r.lost_focus() {
                self.attr_edit = None;
            }
            return;
        }
        self.attr_edit = None;
        let v = buf.trim();
        let new = if v.is_empty() {
            None
        } else {
            match def.kind {
                AttrKind::Number => v
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .map(AttrValue::Number),
                AttrKind::Date => NormalizedDate::parse(v).ok().map(AttrValue::Date),
                _ => Some(AttrValue::Text(v.to_owned())),
            }
        };
        if new.is_none() && !v.is_empty() {
            st.status = format!("“{v}” is not a valid {}", def.label);
        } else {
            cmds.push_opt(attr_tx(p, doc, ann.id, &def.id, new, &mut st.status));
        }
    }

    /// The note. A huge note is shown cut short until asked for in full: laying out
    /// megabytes of text would freeze the window every time the annotation is selected.
    fn note(
        &mut self,
        ui: &mut egui::Ui,
        p: &Project,
        doc: DocId,
        ann: &Annotation,
        cmds: &mut Queue,
    ) {
        if ann.note.len() > NOTE_PREVIEW_BYTES && self.note_in_full != Some(ann.id) {
            ui.label("Note");
            ui.label(format!(
                "{}…",
                prefix_at_char_boundary(&ann.note, NOTE_PREVIEW_BYTES)
            ));
            ui.horizontal_wrapped(|ui| {
                ui.label(format!(
                    "({} KB more not shown)",
                    (ann.note.len() - NOTE_PREVIEW_BYTES) / 1024
                ));
                if ui.button("Show all").clicked() {
                    self.note_in_full = Some(ann.id);
                }
            });
            return;
        }
        let editing = matches!(&self.note, Some((a, _)) if *a == ann.id);
        if !editing {
            self.note = Some((ann.id, crate::app::bound::Bound::new(&ann.note)));
        }
        if let Some((_, buf)) = &mut self.note {
            buf.sync(&ann.note);
            let l = ui.label("Note");
            let r = ui
                .add(
                    egui::TextEdit::multiline(&mut buf.text)
                        .desired_rows(3)
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(l.id);
            let asked = buf.ask_ui(ui, "note");
            for e in [buf.after(&r, &ann.note), asked] {
                if let crate::app::bound::Edit::Write(note) = e
                    && let Ok(tx) = events::set_note(p, doc, ann.id, &note)
                {
                    cmds.push(Message::Apply(tx));
                }
            }
        }
    }
}

/// The date of the document, for reading "tomorrow" and "10 July": its archival date, else
/// a full date in its title ("Cable No. 21677, Mao Zedong to Filippov, 11 July 1951").
pub fn document_date(d: &crate::model::Document) -> Option<NormalizedDate> {
    if let Some(date) = d.meta.archival.date.clone().filter(|x| !x.is_empty()) {
        return Some(date);
    }
    crate::model::date::guess(&d.meta.title, None)
        .map(|g| g.date)
        .filter(|x| x.when.as_deref().is_some_and(|w| w.len() >= 10))
}

/// The type drop-down: types of the annotation's own kind only (a mention never becomes an
/// event).
fn type_row(ui: &mut egui::Ui, p: &Project, ann: &Annotation, cmds: &mut Queue) {
    let types: Vec<(crate::model::Slug, String)> = match p.schema.kind_of(ann.type_id()) {
        Some(TypeKind::Event) => p
            .schema
            .event_types
            .iter()
            .map(|t| (t.id.clone(), t.label.clone()))
            .collect(),
        Some(TypeKind::Relation) => p
            .schema
            .relation_types
            .iter()
            .map(|t| (t.id.clone(), t.label.clone()))
            .collect(),
        _ => p
            .schema
            .entity_types
            .iter()
            .map(|t| (t.id.clone(), t.label.clone()))
            .collect(),
    };
    crate::app::panels::labelled_combo(
        ui,
        "Type",
        egui::ComboBox::from_id_salt("Type").selected_text(p.schema.label(ann.type_id())),
        |ui| {
            for (id, label) in &types {
                if ui.selectable_label(id == ann.type_id(), label).clicked() && id != ann.type_id()
                {
                    cmds.push(Command::ChangeType(id.clone()));
                }
            }
        },
    );
}

/// The annotation's text, and what can be done with it: move it to the selection, delete
/// it, tag every occurrence.
fn text_and_actions(
    ui: &mut egui::Ui,
    st: &AppState,
    p: &Project,
    doc: DocId,
    ann: &Annotation,
    cmds: &mut Queue,
) {
    if let Some(anchor) = ann.anchor() {
        if let Some(d) = p.documents.get(&doc) {
            ui.label(format!(
                "Text: “{}”",
                anchor.covered_text(d.text_or_empty())
            ));
        }
        if anchor.fragments.len() > 1 {
            ui.small(format!("{} fragments", anchor.fragments.len()));
        }
    }
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(!st.sel.is_empty(), egui::Button::new("Move to selection"))
            .on_hover_text("Re-span this annotation to the selected text (Ctrl+R)")
            .clicked()
        {
            cmds.push(Command::Respan);
        }
        if ui
            .button("Delete")
            .on_hover_text("Delete this annotation (Delete)")
            .clicked()
        {
            cmds.push(Command::DeleteAnnotation);
        }
    });
    ui.horizontal_wrapped(|ui| {
        if ui.button("Tag all in document…").clicked() {
            cmds.push(Command::TagAllReview(false));
        }
        if ui.button("…in project").clicked() {
            cmds.push(Command::TagAllReview(true));
        }
    });
}

/// The name a new registry entry gets: the mention's own words, unless the search field
/// holds a name that is not part of them ("Mao Zedong" typed for "the Chairman"); a search
/// for part of the name ("Zhou" for "Zhou Enlai") never names the entry. `None` when there
/// are no words (a region on a page image with nothing typed).
pub fn new_entry_name(quote: &str, query: &str) -> Option<String> {
    let quote = quote.trim();
    let query = query.trim();
    let folded = |s: &str| crate::model::matching::fold(s);
    let name = if query.is_empty() || folded(quote).contains(&folded(query)) {
        quote
    } else {
        query
    };
    (!name.is_empty()).then(|| name.to_owned())
}

/// A mention's registry entry: linked or not, the search, "Create entry", suggestions.
fn registry_section(
    ui: &mut egui::Ui,
    st: &mut AppState,
    p: &Project,
    m: &crate::model::Mention,
    cmds: &mut Queue,
) {
    ui.strong("Registry entry");
    // The rows keep their places whether or not the mention is linked, so that a second
    // click lands on the same button (never on a "Link to …" that moved in).
    let linked = m.entry.and_then(|e| p.registry.get(&e));
    ui.horizontal_wrapped(|ui| {
        match linked {
            Some(e) => ui.label(format!("→ {}", e.name)),
            None => ui.label("Not linked."),
        };
        if ui
            .add_enabled(linked.is_some(), egui::Button::new("Entry page"))
            .clicked()
        {
            cmds.push(Message::OpenEntry(linked.map(|e| e.id)));
        }
        if ui
            .add_enabled(linked.is_some(), egui::Button::new("Unlink"))
            .clicked()
        {
            cmds.push(Message::Link {
                entry: None,
                alias: None,
            });
        }
    });
    let l = ui.label("Link to entry");
    let resp = ui
        .add(
            egui::TextEdit::singleline(&mut st.link_query)
                .hint_text("name or alias (Ctrl+L)")
                .desired_width(f32::INFINITY),
        )
        .labelled_by(l.id);
    if st.focus == Some(Focus::Link) {
        resp.request_focus();
        resp.scroll_to_me(Some(egui::Align::Center));
        st.focus = None;
    }
    let query = if st.link_query.trim().is_empty() {
        m.anchor.quote.exact.clone()
    } else {
        st.link_query.clone()
    };
    let sugg = link_suggestions(p, &query, &m.type_id, m.entry, 8);
    let enter = resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    crate::app::panels::labelled_combo(
        ui,
        "Add the text as alias",
        egui::ComboBox::from_id_salt("Add the text as alias")
            .selected_text(alias_label(st.link_alias)),
        |ui| {
            ui.selectable_value(&mut st.link_alias, None, alias_label(None));
            for k in AliasKind::ALL {
                ui.selectable_value(&mut st.link_alias, Some(k), alias_label(Some(k)));
            }
        },
    );
    let new_name = new_entry_name(&m.anchor.quote.exact, &st.link_query);
    // Typing in the Link field says what Enter would do (a screen reader hears the
    // suggestions as they change).
    if resp.changed() && !st.link_query.trim().is_empty() {
        st.status = match (sugg.first(), &new_name) {
            (Some(s), _) => format!(
                "{}: Enter links to {} · {}",
                crate::words::count(sugg.len(), "suggestion", "suggestions"),
                s.label,
                s.type_label
            ),
            (None, Some(n)) => format!("No entry matches: Enter creates “{n}”"),
            (None, None) => "No entry matches".to_owned(),
        };
    }
    if enter && !st.link_query.trim().is_empty() {
        match (sugg.first(), &new_name) {
            (Some(s), _) => cmds.push(Message::Link {
                entry: Some(s.entry),
                alias: st.link_alias,
            }),
            (None, Some(name)) => cmds.push(Message::CreateEntry {
                name: name.clone(),
                alias: st.link_alias,
            }),
            (None, None) => {}
        }
    }
    // "Create entry" comes before the suggestions, which may grow or shrink; it is off
    // while the mention is linked to an entry of that very name (a second click of a double
    // click does nothing), and when there is no name to give (a region with nothing typed).
    let already = linked.is_some_and(|e| Some(&e.name) == new_name.as_ref());
    let label = match &new_name {
        Some(n) => format!("Create entry “{n}”"),
        None => "Create entry (type its name above)".to_owned(),
    };
    if ui
        .add_enabled(
            !already && new_name.is_some(),
            egui::Button::new(label).wrap(),
        )
        .on_disabled_hover_text(if already {
            "Linked to an entry of this name"
        } else {
            "Type the entry's name in the field above"
        })
        .clicked()
        && let Some(name) = new_name
    {
        cmds.push(Message::CreateEntry {
            name,
            alias: st.link_alias,
        });
    }
    if !sugg.is_empty() {
        ui.weak("Or link to:");
    }
    for s in &sugg {
        let mut text = egui::RichText::new(format!("Link to {} · {}", s.label, s.type_label));
        if !s.same_type {
            text = text.weak();
        }
        if ui.add(egui::Button::new(text).wrap()).clicked() {
            cmds.push(Message::Link {
                entry: Some(s.entry),
                alias: st.link_alias,
            });
        }
    }
}

/// How sure the annotator is (TEI `@cert`).
fn certainty_row(ui: &mut egui::Ui, p: &Project, doc: DocId, ann: &Annotation, cmds: &mut Queue) {
    let mut cert = ann.cert;
    crate::app::panels::labelled_combo(
        ui,
        "Certainty",
        egui::ComboBox::from_id_salt("Certainty")
            .selected_text(cert.map_or("not stated", |c| c.as_str())),
        |ui| {
            ui.selectable_value(&mut cert, None, "not stated");
            for c in Certainty::ALL {
                ui.selectable_value(&mut cert, Some(c), c.as_str());
            }
        },
    );
    if cert != ann.cert
        && let Ok(tx) = events::set_certainty(p, doc, ann.id, cert)
    {
        cmds.push(Message::Apply(tx));
    }
}

fn attr_tx(
    p: &Project,
    doc: DocId,
    ann: AnnId,
    id: &crate::model::Slug,
    value: Option<AttrValue>,
    status: &mut String,
) -> Option<Message> {
    events::set_attribute(p, doc, ann, id, value)
        .map_err(|e| *status = e.to_string())
        .ok()
        .filter(|tx| !tx.is_empty())
        .map(Message::Apply)
}
