//! The schema editor window: add, rename, recolor and set the hotkey of entity, event and
//! relation types; add, edit and remove role slots and attributes; delete a type, asking
//! what to do with what uses it. Each change is one undoable command, checked by
//! [`crate::model::ops::schema`] so existing annotations stay valid.

use super::View;
use crate::app::{AppState, Command, Message, Queue};
use crate::model::ops::schema::{self as ops, InUse, RoleDef, SchemaError};
use crate::model::schema::{AttrKind, TypeKind, parse_color};
use crate::model::{Project, Slug, Transaction};

/// Which list the editor shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Tab {
    #[default]
    Entities,
    Events,
    Relations,
    Attributes,
}

/// A type field being typed into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Label,
    Color,
    Hotkey,
    Description,
}

/// The role form: adding to an event type, or editing one of its roles.
#[derive(Clone, Debug)]
struct RoleForm {
    event_type: Slug,
    role: Option<Slug>,
    label: String,
    fillers: Vec<Slug>,
    min: u32,
    max: u32,
    unbounded: bool,
}

/// A removal waiting for the user to say what to do with what uses it.
#[derive(Clone, Debug)]
enum Removing {
    Type {
        id: Slug,
        retype: Option<Slug>,
    },
    Role {
        event_type: Slug,
        role: Slug,
        move_to: Option<Slug>,
    },
    Attribute {
        id: Slug,
        move_to: Option<Slug>,
    },
}

/// The editor's state (never project data).
#[derive(Default)]
pub struct SchemaEditor {
    tab: Tab,
    editing: Option<(Slug, Field, String)>,
    new_label: String,
    new_color: String,
    new_hotkey: String,
    removing: Option<Removing>,
    role_form: Option<RoleForm>,
    /// The relation type whose arguments are being edited, with the chosen types.
    args_form: Option<(Slug, Vec<Slug>, Vec<Slug>)>,
    attr_label: String,
    attr_kind: usize,
    attr_choices: String,
    attr_applies: Vec<Slug>,
    error: Option<String>,
}

const ATTR_KINDS: [&str; 5] = ["Text", "Number", "Yes/no", "Date", "Choice"];

impl View for SchemaEditor {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        if !st.schema_editor_open {
            return;
        }
        let Some(p) = st.session.as_ref().map(|s| &s.project) else {
            return;
        };
        let mut cmds = Queue::default();
        let mut open = true;
        let shown = super::show_window(
            super::window(ui.ctx(), "Schema")
                .id(egui::Id::unique("schema-editor"))
                .open(&mut open)
                .default_width(560.0)
                .default_height(520.0),
            ui.ctx(),
            |ui| {
                ui.horizontal_wrapped(|ui| {
                    if ui.button("Close schema editor").clicked() {
                        cmds.push(Command::ToggleSchemaEditor);
                    }
                    for (t, label) in [
                        (Tab::Entities, "Entity types"),
                        (Tab::Events, "Event types"),
                        (Tab::Relations, "Relation types"),
                        (Tab::Attributes, "Attributes"),
                    ] {
                        if ui.selectable_label(self.tab == t, label).clicked() {
                            self.tab = t;
                            self.editing = None;
                        }
                    }
                });
                if let Some(e) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                ui.separator();
                self.removal(ui, p, &mut cmds);
                egui::ScrollArea::vertical()
                    .auto_shrink([false, false])
                    .show(ui, |ui| match self.tab {
                        Tab::Entities => self.types(ui, p, TypeKind::Entity, &mut cmds),
                        Tab::Events => self.types(ui, p, TypeKind::Event, &mut cmds),
                        Tab::Relations => self.types(ui, p, TypeKind::Relation, &mut cmds),
                        Tab::Attributes => self.attributes(ui, p, &mut cmds),
                    });
            },
        );
        if super::esc_closes(ui.ctx(), &shown) {
            open = false;
        }
        if !open {
            cmds.push(Command::ToggleSchemaEditor);
        }
        st.queue.extend(cmds);
    }
}

/// Every type of a kind as (id, label, color, hotkey).
fn types_of(p: &Project, kind: TypeKind) -> Vec<(Slug, String, String, Option<char>)> {
    let s = &p.schema;
    match kind {
        TypeKind::Entity => s
            .entity_types
            .iter()
            .map(|t| (t.id.clone(), t.label.clone(), t.color.clone(), t.hotkey))
            .collect(),
        TypeKind::Event => s
            .event_types
            .iter()
            .map(|t| (t.id.clone(), t.label.clone(), t.color.clone(), t.hotkey))
            .collect(),
        TypeKind::Relation => s
            .relation_types
            .iter()
            .map(|t| (t.id.clone(), t.label.clone(), t.color.clone(), t.hotkey))
            .collect(),
    }
}

/// Entity and event types, the ones roles and relations can name.
fn fillable(p: &Project) -> Vec<(Slug, String)> {
    p.schema
        .entity_types
        .iter()
        .map(|t| (t.id.clone(), t.label.clone()))
        .chain(
            p.schema
                .event_types
                .iter()
                .map(|t| (t.id.clone(), format!("{} (event)", t.label))),
        )
        .collect()
}

fn labels(p: &Project, ids: &[Slug]) -> String {
    if ids.is_empty() {
        return "any".into();
    }
    ids.iter()
        .map(|i| p.schema.label(i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checkboxes choosing types out of `all`.
fn choose_types(ui: &mut egui::Ui, all: &[(Slug, String)], chosen: &mut Vec<Slug>) {
    ui.horizontal_wrapped(|ui| {
        for (id, label) in all {
            let mut on = chosen.contains(id);
            if ui.checkbox(&mut on, label).changed() {
                if on {
                    chosen.push(id.clone());
                } else {
                    chosen.retain(|c| c != id);
                }
            }
        }
    });
}

impl SchemaEditor {
    fn result(&mut self, r: Result<Transaction, SchemaError>, cmds: &mut Queue) -> bool {
        match r {
            Ok(tx) => {
                self.error = None;
                if !tx.is_empty() {
                    cmds.push(Message::Apply(tx));
                }
                true
            }
            Err(e) => {
                self.error = Some(e.to_string());
                false
            }
        }
    }

    /// A text field showing `current`, committed when it loses focus; returns the new text.
    fn field(
        &mut self,
        ui: &mut egui::Ui,
        id: &Slug,
        field: Field,
        current: &str,
        label: &str,
        width: f32,
    ) -> Option<String> {
        let mine = matches!(&self.editing, Some((i, f, _)) if i == id && *f == field);
        let mut buf = match &self.editing {
            Some((_, _, b)) if mine => b.clone(),
            _ => current.to_owned(),
        };
        let l = ui.label(label);
        let width = if field == Field::Hotkey {
            key_field_width(ui)
        } else {
            width
        };
        let edit = egui::TextEdit::singleline(&mut buf).desired_width(width);
        // A key field keeps its width even at the end of a crowded row.
        let r = if field == Field::Hotkey {
            ui.add_sized([width + 8.0, ui.spacing().interact_size.y], edit)
        } else {
            ui.add(edit)
        }
        .labelled_by(l.id);
        if r.changed() || r.has_focus() {
            self.editing = Some((id.clone(), field, buf.clone()));
        }
        if r.lost_focus() {
            self.editing = None;
            if buf.trim() != current {
                return Some(buf);
            }
        }
        None
    }

    /// Below a type's row: its description (entity and event types), whether its mentions
    /// are dated (entity types), whether it reads both ways (relation types).
    fn type_details(
        &mut self,
        ui: &mut egui::Ui,
        p: &Project,
        kind: TypeKind,
        id: &Slug,
        label: &str,
        cmds: &mut Queue,
    ) {
        let s = &p.schema;
        ui.horizontal_wrapped(|ui| {
            ui.add_space(20.0);
            match kind {
                TypeKind::Entity | TypeKind::Event => {
                    let current = s
                        .entity(id)
                        .map(|t| t.description.clone())
                        .or_else(|| s.event(id).map(|t| t.description.clone()))
                        .unwrap_or_default();
                    let w = (ui.available_width() - 120.0).clamp(120.0, 320.0);
                    if let Some(new) = self.field(
                        ui,
                        id,
                        Field::Description,
                        &current,
                        &format!("Description of {label}"),
                        w,
                    ) {
                        let r = ops::describe_type(p, id, &new);
                        self.result(r, cmds);
                    }
                }
                TypeKind::Relation => {}
            }
            if let Some(t) = s.entity(id) {
                let mut dated = t.dated;
                if ui
                    .checkbox(&mut dated, format!("{label} mentions have a date"))
                    .on_hover_text(
                        "The inspector shows such a mention a normalized date (ISO 8601)",
                    )
                    .changed()
                {
                    let r = ops::set_dated(p, id, dated);
                    self.result(r, cmds);
                }
            }
            if let Some(t) = s.relation(id) {
                let mut both = t.symmetric;
                if ui
                    .checkbox(&mut both, format!("{label} reads the same both ways"))
                    .changed()
                {
                    let r = ops::set_symmetric(p, id, both);
                    self.result(r, cmds);
                }
            }
        });
    }

    fn types(&mut self, ui: &mut egui::Ui, p: &Project, kind: TypeKind, cmds: &mut Queue) {
        for (id, label, color, hotkey) in types_of(p, kind) {
            ui.horizontal_wrapped(|ui| {
                let c = parse_color(&color).map_or(egui::Color32::GRAY, |[r, g, b]| {
                    egui::Color32::from_rgb(r, g, b)
                });
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
                ui.painter().rect_filled(rect, 3.0, c);
                if let Some(new) = self.field(
                    ui,
                    &id,
                    Field::Label,
                    &label,
                    &format!("Name of {id}"),
                    140.0,
                ) {
                    let r = ops::rename_type(p, &id, &new);
                    self.result(r, cmds);
                }
                if let Some(new) = self.field(
                    ui,
                    &id,
                    Field::Color,
                    &color,
                    &format!("Color of {label}"),
                    70.0,
                ) {
                    let r = ops::recolor_type(p, &id, &new);
                    self.result(r, cmds);
                }
                let key = hotkey.map(String::from).unwrap_or_default();
                if let Some(new) = self.field(
                    ui,
                    &id,
                    Field::Hotkey,
                    &key,
                    &format!("Key of {label}"),
                    20.0,
                ) {
                    let mut chars = new.trim().chars();
                    let k = chars.next();
                    if chars.next().is_some() {
                        self.error = Some("A hotkey is one letter or digit".into());
                    } else {
                        let r = ops::set_hotkey(p, &id, k);
                        self.result(r, cmds);
                    }
                }
                if ui.button(format!("Delete {label}…")).clicked() {
                    self.removing = Some(Removing::Type {
                        id: id.clone(),
                        retype: None,
                    });
                    self.error = None;
                }
            });
            self.type_details(ui, p, kind, &id, &label, cmds);
            if kind == TypeKind::Event {
                self.roles(ui, p, &id, cmds);
            }
            if kind == TypeKind::Relation
                && let Some(rel) = p.schema.relation(&id)
            {
                ui.horizontal_wrapped(|ui| {
                    ui.add_space(20.0);
                    ui.weak(format!(
                        "from {} to {}",
                        labels(p, &rel.from),
                        labels(p, &rel.to)
                    ));
                    if ui
                        .small_button(format!("Edit arguments of {label}"))
                        .clicked()
                    {
                        self.args_form = Some((id.clone(), rel.from.clone(), rel.to.clone()));
                    }
                });
                if let Some((fid, mut from, mut to)) = self.args_form.clone()
                    && fid == id
                {
                    let all = fillable(p);
                    ui.label("First argument may be (none: any):");
                    choose_types(ui, &all, &mut from);
                    ui.label("Second argument may be (none: any):");
                    choose_types(ui, &all, &mut to);
                    self.args_form = Some((fid, from.clone(), to.clone()));
                    ui.horizontal_wrapped(|ui| {
                        if ui.button("Save arguments").clicked() {
                            let r = ops::set_relation_arguments(p, &id, from, to);
                            if self.result(r, cmds) {
                                self.args_form = None;
                            }
                        }
                        if ui.button("Cancel").clicked() {
                            self.args_form = None;
                        }
                    });
                }
            }
        }
        ui.separator();
        let what = match kind {
            TypeKind::Entity => "entity type",
            TypeKind::Event => "event type",
            TypeKind::Relation => "relation type",
        };
        ui.strong(format!("New {what}"));
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("Name");
            ui.add(egui::TextEdit::singleline(&mut self.new_label).desired_width(140.0))
                .labelled_by(l.id);
            let l = ui.label("Color");
            ui.add(
                egui::TextEdit::singleline(&mut self.new_color)
                    .hint_text("#rrggbb")
                    .desired_width(70.0),
            )
            .labelled_by(l.id);
            let l = ui.label("Key");
            let w = key_field_width(ui);
            ui.add_sized(
                [w + 8.0, ui.spacing().interact_size.y],
                egui::TextEdit::singleline(&mut self.new_hotkey).desired_width(w),
            )
            .labelled_by(l.id);
            if ui.button(format!("Add {what}")).clicked() {
                let color = if self.new_color.trim().is_empty() {
                    "#888888"
                } else {
                    self.new_color.trim()
                };
                let key = self.new_hotkey.trim().chars().next();
                match ops::add_type(p, kind, &self.new_label, color, key) {
                    Ok((tx, _)) => {
                        cmds.push(Message::Apply(tx));
                        self.new_label.clear();
                        self.new_color.clear();
                        self.new_hotkey.clear();
                        self.error = None;
                    }
                    Err(e) => self.error = Some(e.to_string()),
                }
            }
        });
    }

    fn roles(&mut self, ui: &mut egui::Ui, p: &Project, event_type: &Slug, cmds: &mut Queue) {
        let Some(ty) = p.schema.event(event_type) else {
            return;
        };
        egui::CollapsingHeader::new(format!("Roles of {} ({})", ty.label, ty.roles.len()))
            .id_salt(("roles", event_type))
            .show(ui, |ui| {
                for r in &ty.roles {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(format!(
                            "{} · {} · {}",
                            r.label,
                            labels(p, &r.fillers),
                            r.cardinality()
                        ));
                        if ui.small_button(format!("Edit role {}", r.label)).clicked() {
                            self.role_form = Some(RoleForm {
                                event_type: event_type.clone(),
                                role: Some(r.id.clone()),
                                label: r.label.clone(),
                                fillers: r.fillers.clone(),
                                min: r.min,
                                max: r.max.unwrap_or(r.min.max(1)),
                                unbounded: r.max.is_none(),
                            });
                        }
                        if ui
                            .small_button(format!("Remove role {}", r.label))
                            .clicked()
                        {
                            self.removing = Some(Removing::Role {
                                event_type: event_type.clone(),
                                role: r.id.clone(),
                                move_to: None,
                            });
                        }
                    });
                }
                if ui
                    .small_button(format!("Add a role to {}", ty.label))
                    .clicked()
                {
                    self.role_form = Some(RoleForm {
                        event_type: event_type.clone(),
                        role: None,
                        label: String::new(),
                        fillers: Vec::new(),
                        min: 0,
                        max: 1,
                        unbounded: true,
                    });
                }
                if let Some(mut f) = self
                    .role_form
                    .clone()
                    .filter(|f| &f.event_type == event_type)
                {
                    let l = ui.label("Role name");
                    ui.add(egui::TextEdit::singleline(&mut f.label))
                        .labelled_by(l.id);
                    ui.label("Filled by (none: anything):");
                    choose_types(ui, &fillable(p), &mut f.fillers);
                    ui.horizontal_wrapped(|ui| {
                        let l = ui.label("At least");
                        ui.add(egui::DragValue::new(&mut f.min).range(0..=99))
                            .labelled_by(l.id);
                        ui.checkbox(&mut f.unbounded, "no upper limit");
                        if !f.unbounded {
                            let l = ui.label("At most");
                            ui.add(egui::DragValue::new(&mut f.max).range(0..=99))
                                .labelled_by(l.id);
                        }
                    });
                    let def = RoleDef {
                        label: f.label.clone(),
                        fillers: f.fillers.clone(),
                        min: f.min,
                        max: (!f.unbounded).then_some(f.max),
                    };
                    self.role_form = Some(f.clone());
                    ui.horizontal_wrapped(|ui| {
                        if ui.button("Save role").clicked() {
                            let r = match &f.role {
                                Some(role) => ops::edit_role(p, event_type, role, &def),
                                None => ops::add_role(p, event_type, &def).map(|(tx, _)| tx),
                            };
                            if self.result(r, cmds) {
                                self.role_form = None;
                            }
                        }
                        if ui.button("Cancel").clicked() {
                            self.role_form = None;
                        }
                    });
                }
            });
    }

    fn attributes(&mut self, ui: &mut egui::Ui, p: &Project, cmds: &mut Queue) {
        for a in &p.schema.attributes {
            ui.horizontal_wrapped(|ui| {
                if let Some(new) = self.field(
                    ui,
                    &a.id,
                    Field::Label,
                    &a.label,
                    &format!("Name of attribute {}", a.id),
                    140.0,
                ) {
                    let r = ops::rename_attribute(p, &a.id, &new);
                    self.result(r, cmds);
                }
                let kind = match &a.kind {
                    AttrKind::Choice(o) => format!("one of {}", o.join(", ")),
                    k => format!("{k:?}").to_lowercase(),
                };
                ui.weak(format!("{kind} · for {}", labels(p, &a.applies_to)));
                if ui
                    .small_button(format!("Remove attribute {}", a.label))
                    .clicked()
                {
                    self.removing = Some(Removing::Attribute {
                        id: a.id.clone(),
                        move_to: None,
                    });
                }
            });
        }
        ui.separator();
        ui.strong("New attribute");
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("Attribute name");
            ui.add(egui::TextEdit::singleline(&mut self.attr_label).desired_width(140.0))
                .labelled_by(l.id);
            crate::app::panels::labelled_combo(
                ui,
                "Kind",
                egui::ComboBox::from_id_salt("Kind").selected_text(ATTR_KINDS[self.attr_kind]),
                |ui| {
                    for (i, k) in ATTR_KINDS.iter().enumerate() {
                        ui.selectable_value(&mut self.attr_kind, i, *k);
                    }
                },
            );
        });
        if self.attr_kind == 4 {
            let l = ui.label("Choices, comma-separated");
            ui.add(egui::TextEdit::singleline(&mut self.attr_choices))
                .labelled_by(l.id);
        }
        ui.label("For types (none: every type):");
        let all: Vec<(Slug, String)> = fillable(p)
            .into_iter()
            .chain(
                p.schema
                    .relation_types
                    .iter()
                    .map(|t| (t.id.clone(), format!("{} (relation)", t.label))),
            )
            .collect();
        choose_types(ui, &all, &mut self.attr_applies);
        if ui.button("Add attribute").clicked() {
            let kind = match self.attr_kind {
                0 => AttrKind::Text,
                1 => AttrKind::Number,
                2 => AttrKind::YesNo,
                3 => AttrKind::Date,
                _ => AttrKind::Choice(
                    self.attr_choices
                        .split(',')
                        .map(|c| c.trim().to_owned())
                        .filter(|c| !c.is_empty())
                        .collect(),
                ),
            };
            match ops::add_attribute(p, &self.attr_label, kind, self.attr_applies.clone()) {
                Ok((tx, _)) => {
                    cmds.push(Message::Apply(tx));
                    self.attr_label.clear();
                    self.attr_choices.clear();
                    self.attr_applies.clear();
                    self.error = None;
                }
                Err(e) => self.error = Some(e.to_string()),
            }
        }
    }

    /// The question a removal asks: nothing in use deletes at once; otherwise retype (or
    /// move) what uses it, or delete that too — never silently.
    fn removal(&mut self, ui: &mut egui::Ui, p: &Project, cmds: &mut Queue) {
        let Some(removing) = self.removing.clone() else {
            return;
        };
        let mut done = false;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            done = match removing {
                Removing::Type { id, retype } => self.remove_type(ui, p, id, retype, cmds),
                Removing::Role {
                    event_type,
                    role,
                    move_to,
                } => self.remove_role(ui, p, event_type, role, move_to, cmds),
                Removing::Attribute { id, move_to } => {
                    self.remove_attribute(ui, p, id, move_to, cmds)
                }
            };
        });
        if ui.button("Cancel").clicked() {
            done = true;
        }
        if done {
            self.removing = None;
        }
    }

    /// Deleting a type: at once when unused, else retyping or deleting what uses it.
    /// Whether the question is answered.
    fn remove_type(
        &mut self,
        ui: &mut egui::Ui,
        p: &Project,
        id: Slug,
        mut retype: Option<Slug>,
        cmds: &mut Queue,
    ) -> bool {
        let mut done = false;
        let usage = match ops::type_usage(p, &id) {
            Ok(u) => u,
            Err(e) => {
                self.error = Some(e.to_string());
                return true;
            }
        };
        ui.strong(format!("Delete type {}?", usage.label));
        ui.label(format!("Uses: {}.", usage.describe(&p.schema)));
        if !usage.in_use() {
            if ui.button("Delete it").clicked() {
                done = self.result(ops::delete_type(p, &id, &InUse::Refuse), cmds);
            }
        } else {
            let others: Vec<(Slug, String, String, Option<char>)> = types_of(p, usage.kind)
                .into_iter()
                .filter(|t| t.0 != id)
                .collect();
            ui.horizontal_wrapped(|ui| {
                crate::app::panels::labelled_combo(
                    ui,
                    "Retype them to",
                    egui::ComboBox::from_id_salt("Retype them to")
                        .selected_text(retype.as_ref().map_or("choose…", |r| p.schema.label(r))),
                    |ui| {
                        for (o, label, _, _) in &others {
                            ui.selectable_value(&mut retype, Some(o.clone()), label);
                        }
                    },
                );
                if let Some(r) = &retype
                    && ui.button("Retype and delete").clicked()
                {
                    done = self.result(ops::delete_type(p, &id, &InUse::RetypeTo(r.clone())), cmds);
                }
            });
            if ui
                .button("Delete them and everything that points at them")
                .clicked()
            {
                done = self.result(ops::delete_type(p, &id, &InUse::DeleteAnnotations), cmds);
            }
            if !done {
                self.removing = Some(Removing::Type { id, retype });
            }
        }
        done
    }

    /// Removing a role: at once when no event fills it, else moving or dropping the
    /// fillers. Whether the question is answered.
    fn remove_role(
        &mut self,
        ui: &mut egui::Ui,
        p: &Project,
        event_type: Slug,
        role: Slug,
        mut move_to: Option<Slug>,
        cmds: &mut Queue,
    ) -> bool {
        let mut done = false;
        let Some(ty) = p.schema.event(&event_type) else {
            return true;
        };
        let label = ty.role(&role).map_or(role.as_str(), |r| r.label.as_str());
        let used = ops::remove_role(p, &event_type, &role, &InUse::Refuse);
        match used {
            Ok(tx) => {
                ui.strong(format!(
                    "Remove role {label} of {}? No event fills it.",
                    ty.label
                ));
                if ui.button("Remove it").clicked() {
                    done = self.result(Ok(tx), cmds);
                }
            }
            Err(e) => {
                ui.strong(format!("Remove role {label} of {}?", ty.label));
                ui.label(e.to_string());
                ui.horizontal_wrapped(|ui| {
                    crate::app::panels::labelled_combo(
                        ui,
                        "Move the fillers to",
                        egui::ComboBox::from_id_salt("Move the fillers to").selected_text(
                            move_to
                                .as_ref()
                                .and_then(|m| ty.role(m))
                                .map_or("choose…", |r| r.label.as_str()),
                        ),
                        |ui| {
                            for r in ty.roles.iter().filter(|r| r.id != role) {
                                ui.selectable_value(&mut move_to, Some(r.id.clone()), &r.label);
                            }
                        },
                    );
                    if let Some(m) = &move_to
                        && ui.button("Move and remove").clicked()
                    {
                        done = self.result(
                            ops::remove_role(p, &event_type, &role, &InUse::RetypeTo(m.clone())),
                            cmds,
                        );
                    }
                });
                if ui.button("Drop the fillers (the mentions stay)").clicked() {
                    done = self.result(
                        ops::remove_role(p, &event_type, &role, &InUse::DeleteAnnotations),
                        cmds,
                    );
                }
                if !done {
                    self.removing = Some(Removing::Role {
                        event_type,
                        role,
                        move_to,
                    });
                }
            }
        }
        done
    }

    /// Removing an attribute: at once when no annotation has a value, else moving or
    /// dropping the values. Whether the question is answered.
    fn remove_attribute(
        &mut self,
        ui: &mut egui::Ui,
        p: &Project,
        id: Slug,
        mut move_to: Option<Slug>,
        cmds: &mut Queue,
    ) -> bool {
        let mut done = false;
        let label = p
            .schema
            .attribute(&id)
            .map_or(id.as_str(), |a| a.label.as_str());
        match ops::remove_attribute(p, &id, &InUse::Refuse) {
            Ok(tx) => {
                ui.strong(format!(
                    "Remove attribute {label}? No annotation has a value."
                ));
                if ui.button("Remove it").clicked() {
                    done = self.result(Ok(tx), cmds);
                }
            }
            Err(e) => {
                ui.strong(format!("Remove attribute {label}?"));
                ui.label(e.to_string());
                ui.horizontal_wrapped(|ui| {
                    crate::app::panels::labelled_combo(
                        ui,
                        "Move the values to",
                        egui::ComboBox::from_id_salt("Move the values to").selected_text(
                            move_to
                                .as_ref()
                                .and_then(|m| p.schema.attribute(m))
                                .map_or("choose…", |a| a.label.as_str()),
                        ),
                        |ui| {
                            for a in p.schema.attributes.iter().filter(|a| a.id != id) {
                                ui.selectable_value(&mut move_to, Some(a.id.clone()), &a.label);
                            }
                        },
                    );
                    if let Some(m) = &move_to
                        && ui.button("Move and remove").clicked()
                    {
                        done = self.result(
                            ops::remove_attribute(p, &id, &InUse::RetypeTo(m.clone())),
                            cmds,
                        );
                    }
                });
                if ui.button("Drop the values").clicked() {
                    done = self.result(
                        ops::remove_attribute(p, &id, &InUse::DeleteAnnotations),
                        cmds,
                    );
                }
                if !done {
                    self.removing = Some(Removing::Attribute { id, move_to });
                }
            }
        }
        done
    }
}

/// Width of a one-key field: the widest letter in the body font plus room for the cursor,
/// so the key is never clipped at any text size or zoom.
fn key_field_width(ui: &egui::Ui) -> f32 {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let w = ui
        .ctx()
        .fonts_mut(|f| f.glyph_width(&font, 'W').max(f.glyph_width(&font, 'M')));
    w + 6.0
}
