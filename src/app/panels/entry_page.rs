//! A registry entry's page, in a window: name, type, note, aliases with their kind,
//! authority ids as links, every mention across the project grouped by document, the events
//! and relations the entry takes part in; merging another entry into it and splitting
//! chosen mentions and aliases off into a new entry. Each change is one undoable command.

use super::{View, labelled_field};
use crate::app::bound::{Bound, Edit as BoundEdit};
use crate::app::{AppState, Message, Queue};
use crate::model::ops::registry::{self, EntryPage, Split};
use crate::model::registry::{AliasKind, Authority};
use crate::model::{AnnId, DocId, EntryId, Project, Span};
use std::collections::BTreeSet;

/// The page's editing state (never project data).
#[derive(Default)]
pub struct EntryPageWindow {
    /// The entry the buffers below belong to.
    entry: Option<EntryId>,
    /// Bound to the entry's name and note: refreshed when they change under the page.
    name: Bound,
    note: Bound,
    alias_name: String,
    alias_kind: Option<AliasKind>,
    auth_scheme: Option<Authority>,
    auth_id: String,
    merge_query: String,
    split_name: String,
    split_mentions: BTreeSet<(DocId, AnnId)>,
    split_aliases: BTreeSet<usize>,
    /// Coordinates as typed ("37.97, 126.55").
    /// Bound to the entry's coordinates, shown as "lat, lon".
    coordinates: Bound,
    /// Bound to each alias's note, by alias index.
    alias_notes: Vec<Bound>,
    error: Option<String>,
}

const SCHEMES: [Authority; 5] = [
    Authority::Wikidata,
    Authority::Viaf,
    Authority::Gnd,
    Authority::GeoNames,
    Authority::Lcnaf,
];

impl View for EntryPageWindow {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        let Some(id) = st.entry_page else {
            self.entry = None;
            return;
        };
        let Some(p) = st.session.as_ref().map(|s| &s.project) else {
            return;
        };
        let page = match registry::entry_page(p, id) {
            Ok(page) => page,
            Err(_) => {
                // The entry was merged away or deleted (or undone out of existence).
                st.entry_page = None;
                return;
            }
        };
        let coords = coordinates_text(p.registry.get(&id).and_then(|e| e.coordinates));
        if self.entry != Some(id) {
            *self = Self {
                entry: Some(id),
                name: Bound::new(&page.name),
                note: Bound::new(&page.note),
                coordinates: Bound::new(&coords),
                alias_notes: page.aliases.iter().map(|a| Bound::new(&a.note)).collect(),
                ..Self::default()
            };
        }
        self.name.sync(&page.name);
        self.note.sync(&page.note);
        self.coordinates.sync(&coords);
        if self.alias_notes.len() != page.aliases.len() {
            // An alias added or removed: the buffers follow the list again.
            self.alias_notes = page.aliases.iter().map(|a| Bound::new(&a.note)).collect();
        }
        for (b, a) in self.alias_notes.iter_mut().zip(&page.aliases) {
            b.sync(&a.note);
        }
        let mut cmds = Queue::default();
        let mut open = true;
        super::show_window(
            super::window(ui.ctx(), format!("Entry: {}", super::cut(&page.name, 48)))
                .id(egui::Id::unique("entry-page"))
                .open(&mut open)
                .default_width(480.0)
                .default_height(560.0),
            ui.ctx(),
            |ui| {
                if ui.button("Close page").clicked() {
                    cmds.push(Message::OpenEntry(None));
                }
                egui::ScrollArea::vertical()
                    .auto_shrink([false, false])
                    .show(ui, |ui| self.page(ui, p, &page, &mut cmds));
            },
        );
        if !open {
            cmds.push(Message::OpenEntry(None));
        }
        st.queue.extend(cmds);
    }
}

/// Coordinates as the field shows them ("37.97, 126.55"); empty when not recorded.
fn coordinates_text(c: Option<crate::model::registry::Coordinates>) -> String {
    c.map_or_else(String::new, |c| format!("{}, {}", c.lat, c.lon))
}

/// Queues a prepared change, or keeps its error to show.
fn push(
    r: Result<crate::model::Transaction, registry::RegistryError>,
    error: &mut Option<String>,
    cmds: &mut Queue,
) {
    match r {
        Ok(tx) => {
            *error = None;
            cmds.push(Message::Apply(tx));
        }
        Err(e) => *error = Some(e.to_string()),
    }
}

impl EntryPageWindow {
    /// Where the entry is on the globe ("37.97, 126.55", latitude first), for maps;
    /// emptied, it is cleared.
    fn coordinates_row(&mut self, ui: &mut egui::Ui, p: &Project, id: EntryId, cmds: &mut Queue) {
        let r = labelled_field(
            ui,
            "Coordinates",
            &mut self.coordinates.text,
            "latitude, longitude",
        );
        let current = p.registry.get(&id).and_then(|e| e.coordinates);
        let asked = self.coordinates.ask_ui(ui, "coordinates");
        for e in [
            self.coordinates.after(&r, &coordinates_text(current)),
            asked,
        ] {
            if let BoundEdit::Write(typed) = e {
                self.write_coordinates(p, id, current, &typed, cmds);
            }
        }
    }

    /// Writes typed coordinates when they parse and differ from the entry's.
    fn write_coordinates(
        &mut self,
        p: &Project,
        id: EntryId,
        current: Option<crate::model::registry::Coordinates>,
        typed: &str,
        cmds: &mut Queue,
    ) {
        let typed = typed.trim();
        let parsed = if typed.is_empty() {
            Ok(None)
        } else {
            let nums: Vec<Option<f64>> = typed
                .split([',', ' ', ';'])
                .filter(|x| !x.is_empty())
                .map(|x| x.parse::<f64>().ok().filter(|v| v.is_finite()))
                .collect();
            match nums.as_slice() {
                [Some(lat), Some(lon)] => Ok(Some(crate::model::registry::Coordinates {
                    lat: *lat,
                    lon: *lon,
                })),
                _ => Err(format!(
                    "“{typed}” is not a latitude and a longitude (decimal degrees, like 37.97, 126.55)"
                )),
            }
        };
        match parsed {
            Ok(c) if c == current => {}
            Ok(c) => push(registry::set_coordinates(p, id, c), &mut self.error, cmds),
            Err(e) => self.error = Some(e),
        }
    }

    fn page(&mut self, ui: &mut egui::Ui, p: &Project, page: &EntryPage, cmds: &mut Queue) {
        self.identity(ui, p, page, cmds);
        ui.separator();
        self.aliases(ui, p, page, cmds);
        ui.separator();
        self.authority_ids(ui, p, page, cmds);
        ui.separator();
        self.mentions(ui, page, cmds);
        ui.separator();
        self.events_and_relations(ui, p, page, cmds);
        ui.separator();
        self.merge_and_split(ui, p, page, cmds);
    }

    /// Name, type, note and coordinates.
    fn identity(&mut self, ui: &mut egui::Ui, p: &Project, page: &EntryPage, cmds: &mut Queue) {
        let id = page.id;
        // Name, type, note.
        let r = labelled_field(ui, "Name", &mut self.name.text, "canonical name");
        let asked = self.name.ask_ui(ui, "name");
        for e in [self.name.after(&r, &page.name), asked] {
            if let BoundEdit::Write(name) = e
                && name.trim() != page.name
            {
                push(
                    registry::rename_entry(p, id, &name, true),
                    &mut self.error,
                    cmds,
                );
            }
        }
        let mut ty = page.type_id.clone();
        crate::app::panels::labelled_combo(
            ui,
            "Type",
            egui::ComboBox::from_id_salt("Type").selected_text(&page.type_label),
            |ui| {
                for t in &p.schema.entity_types {
                    ui.selectable_value(&mut ty, t.id.clone(), &t.label);
                }
            },
        );
        if ty != page.type_id {
            push(registry::set_entry_type(p, id, &ty), &mut self.error, cmds);
        }
        let l = ui.label("Note");
        let r = ui
            .add(
                egui::TextEdit::multiline(&mut self.note.text)
                    .desired_rows(2)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(l.id);
        let asked = self.note.ask_ui(ui, "note");
        for e in [self.note.after(&r, &page.note), asked] {
            if let BoundEdit::Write(note) = e {
                push(
                    registry::set_entry_note(p, id, &note),
                    &mut self.error,
                    cmds,
                );
            }
        }
        self.coordinates_row(ui, p, id, cmds);
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
    }

    /// Other names, each with its kind and note; added, removed, ticked for a split.
    fn aliases(&mut self, ui: &mut egui::Ui, p: &Project, page: &EntryPage, cmds: &mut Queue) {
        let id = page.id;
        ui.strong(format!("Aliases ({})", page.aliases.len()));
        for (i, a) in page.aliases.iter().enumerate() {
            ui.horizontal_wrapped(|ui| {
                let mut chosen = self.split_aliases.contains(&i);
                if ui
                    .checkbox(&mut chosen, format!("{} — {}", a.name, a.kind_label))
                    .on_hover_text("Tick to split it off into a new entry")
                    .changed()
                {
                    if chosen {
                        self.split_aliases.insert(i);
                    } else {
                        self.split_aliases.remove(&i);
                    }
                }
                // The alias's note ("used in cables to Moscow"), applied when left; bound
                // to the alias, so a merged change shows and is never written back over.
                if let Some(buf) = self.alias_notes.get_mut(i) {
                    let r = ui
                        .add(
                            egui::TextEdit::singleline(&mut buf.text)
                                .hint_text("note")
                                .desired_width(140.0),
                        )
                        .on_hover_text(format!("Note on the alias {}", a.name));
                    ui.ctx().accesskit_node_builder(r.id, |node| {
                        node.set_label(format!("Note on {}", a.name));
                    });
                    let asked = buf.ask_ui(ui, &format!("note on {}", a.name));
                    for e in [buf.after(&r, &a.note), asked] {
                        if let BoundEdit::Write(typed) = e
                            && typed.trim() != a.note
                            && let Some(e) = p.registry.get(&id)
                            && let Some(alias) = e.aliases.get(i)
                        {
                            let mut changed = alias.clone();
                            changed.note = typed.trim().to_owned();
                            push(
                                registry::edit_alias(p, id, i, changed),
                                &mut self.error,
                                cmds,
                            );
                        }
                    }
                }
                if super::small_action(ui, "×", &format!("Remove alias {}", a.name)).clicked() {
                    self.split_aliases.clear();
                    push(registry::remove_alias(p, id, i), &mut self.error, cmds);
                }
            });
        }
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("New alias");
            ui.add(egui::TextEdit::singleline(&mut self.alias_name).desired_width(150.0))
                .labelled_by(l.id);
            crate::app::panels::labelled_combo(
                ui,
                "Alias kind",
                egui::ComboBox::from_id_salt("Alias kind")
                    .selected_text(self.alias_kind.map_or("kind…", AliasKind::label)),
                |ui| {
                    for k in AliasKind::ALL {
                        ui.selectable_value(&mut self.alias_kind, Some(k), k.label());
                    }
                },
            );
            if ui.button("Add alias").clicked() {
                let kind = self.alias_kind.unwrap_or(AliasKind::Variant);
                push(
                    registry::add_alias(p, id, &self.alias_name, kind, ""),
                    &mut self.error,
                    cmds,
                );
                self.alias_name.clear();
            }
        });
    }

    /// Ids in authority files (Wikidata, VIAF …), linked; added and removed.
    fn authority_ids(
        &mut self,
        ui: &mut egui::Ui,
        p: &Project,
        page: &EntryPage,
        cmds: &mut Queue,
    ) {
        let id = page.id;
        ui.strong("Authority ids");
        for (i, a) in page.authority.iter().enumerate() {
            ui.horizontal_wrapped(|ui| {
                match &a.url {
                    Some(url) => {
                        ui.hyperlink_to(format!("{} {}", a.scheme, a.id), url);
                    }
                    None => {
                        ui.label(format!("{} {}", a.scheme, a.id));
                    }
                }
                if super::small_action(ui, "×", &format!("Remove id {} {}", a.scheme, a.id))
                    .clicked()
                {
                    push(registry::remove_authority(p, id, i), &mut self.error, cmds);
                }
            });
        }
        ui.horizontal_wrapped(|ui| {
            crate::app::panels::labelled_combo(
                ui,
                "Scheme",
                egui::ComboBox::from_id_salt("Scheme").selected_text(
                    self.auth_scheme
                        .as_ref()
                        .map_or("scheme…", Authority::as_str),
                ),
                |ui| {
                    for s in SCHEMES {
                        let label = s.as_str().to_owned();
                        ui.selectable_value(&mut self.auth_scheme, Some(s), label);
                    }
                },
            );
            let l = ui.label("Id or URL");
            ui.add(egui::TextEdit::singleline(&mut self.auth_id).desired_width(140.0))
                .labelled_by(l.id);
            if ui.button("Add id").clicked() {
                let scheme = self.auth_scheme.clone().unwrap_or(Authority::Wikidata);
                push(
                    registry::add_authority(p, id, scheme, &self.auth_id),
                    &mut self.error,
                    cmds,
                );
                self.auth_id.clear();
            }
        });
    }

    /// Mentions by document, each ticked for a split or shown in the text.
    fn mentions(&mut self, ui: &mut egui::Ui, page: &EntryPage, cmds: &mut Queue) {
        ui.strong(format!("Mentions ({})", page.mention_count));
        for d in &page.mentions {
            // A document's title is cut to a line (a 300-character title must not widen the
            // page); the whole title is on the document list and in the status bar.
            egui::CollapsingHeader::new(format!(
                "{} ({})",
                super::cut(&d.title, 60),
                d.mentions.len()
            ))
            .id_salt(("entry-doc", d.doc))
            .default_open(true)
            .show(ui, |ui| {
                for m in &d.mentions {
                    ui.horizontal_wrapped(|ui| {
                        let key = (d.doc, m.ann);
                        let mut chosen = self.split_mentions.contains(&key);
                        let line = m.line.map_or_else(String::new, |l| format!("line {l}: "));
                        if ui
                            .checkbox(&mut chosen, format!("{line}“{}”", m.text))
                            .on_hover_text("Tick to split it off into a new entry")
                            .changed()
                        {
                            if chosen {
                                self.split_mentions.insert(key);
                            } else {
                                self.split_mentions.remove(&key);
                            }
                        }
                        if ui
                            .small_button("Show")
                            .on_hover_text("Show it in the text")
                            .clicked()
                        {
                            cmds.push(Message::Jump {
                                doc: d.doc,
                                span: Span::new(m.start, m.start),
                            });
                            cmds.push(Message::SelectAnnotation(Some(m.ann)));
                        }
                    });
                }
            });
        }
    }

    /// The events and relations the entry takes part in, each a link to it.
    fn events_and_relations(
        &mut self,
        ui: &mut egui::Ui,
        p: &Project,
        page: &EntryPage,
        cmds: &mut Queue,
    ) {
        ui.strong(format!("Events ({})", page.events.len()));
        for e in &page.events {
            let date = e
                .date
                .as_ref()
                .map(|d| format!("{d} · "))
                .unwrap_or_default();
            let title = p
                .documents
                .get(&e.doc)
                .map_or_else(String::new, |d| super::cut(&d.meta.title, 60));
            if ui
                .link(format!(
                    "{date}{} — as {} ({title})",
                    e.label,
                    e.roles.join(", ")
                ))
                .clicked()
            {
                cmds.push(Message::SelectDocument(e.doc));
                cmds.push(Message::SelectAnnotation(Some(e.ann)));
            }
        }
        if !page.relations.is_empty() {
            ui.strong(format!("Relations ({})", page.relations.len()));
            for r in &page.relations {
                if ui.link(&r.label).clicked() {
                    cmds.push(Message::SelectDocument(r.doc));
                    cmds.push(Message::SelectAnnotation(Some(r.ann)));
                }
            }
        }
    }

    /// Merging another entry into this one; splitting off what is ticked.
    fn merge_and_split(
        &mut self,
        ui: &mut egui::Ui,
        p: &Project,
        page: &EntryPage,
        cmds: &mut Queue,
    ) {
        let id = page.id;
        ui.strong("Merge another entry into this one");
        labelled_field(ui, "Entry to merge", &mut self.merge_query, "name or alias");
        if !self.merge_query.trim().is_empty() {
            let q = registry::RegistryQuery {
                text: self.merge_query.clone(),
                types: vec![page.type_id.clone()],
                sort: registry::SortBy::Relevance,
            };
            for row in registry::query(p, &q)
                .into_iter()
                .filter(|r| r.id != id)
                .take(5)
            {
                if ui
                    .button(format!(
                        "Merge “{}” ({} mentions) into this",
                        row.name, row.mentions
                    ))
                    .clicked()
                {
                    match registry::merge_entries(p, id, row.id) {
                        Ok((tx, _)) => {
                            cmds.push(Message::Apply(tx));
                            self.merge_query.clear();
                        }
                        Err(e) => self.error = Some(e.to_string()),
                    }
                }
            }
        }
        // Split.
        ui.strong("Split off the chosen mentions and aliases");
        labelled_field(
            ui,
            "New entry name",
            &mut self.split_name,
            "name of the other entity",
        );
        let n = self.split_mentions.len() + self.split_aliases.len();
        if ui
            .add_enabled(
                n > 0,
                egui::Button::new(format!(
                    "Split off {}",
                    crate::words::count(n, "item", "items")
                )),
            )
            .clicked()
        {
            let split = Split {
                name: self.split_name.clone(),
                mentions: self.split_mentions.iter().copied().collect(),
                aliases: self.split_aliases.iter().copied().collect(),
                authority: Vec::new(),
            };
            match registry::split_entry(p, id, &split) {
                Ok((tx, new)) => {
                    cmds.push(Message::Apply(tx));
                    cmds.push(Message::OpenEntry(Some(new)));
                }
                Err(e) => self.error = Some(e.to_string()),
            }
        }
    }
}
