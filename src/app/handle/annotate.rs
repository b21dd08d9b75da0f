//! Annotating: tagging, retyping, respanning, deleting, linking to the registry, "tag all",
//! events and their roles.

use crate::app::App;
use crate::app::state::{Dialog, Focus, Selection, TagAllReview};
use crate::model::ops::events;
use crate::model::ops::tagging::{self, FindOptions, TagError};
use crate::model::{AliasKind, AnnId, EntryId, Slug, Span, Target};

impl App {
    /// The selection's spans, snapped to words when that preference is on; `None` without
    /// an open document.
    fn selection_spans(&self) -> Option<Vec<Span>> {
        let st = &self.state;
        let doc = st.project()?.documents.get(&st.doc?)?;
        let spans = st.sel.spans();
        Some(if st.prefs.snap_words {
            let text = doc.text_or_empty();
            spans
                .iter()
                .map(|s| tagging::snap_to_words(text, *s))
                .collect()
        } else {
            spans
        })
    }

    pub(super) fn tag_as(&mut self, ctx: &egui::Context, ty: Slug) {
        if self.tag_region_draft(ctx, &ty) {
            return;
        }
        let Some(spans) = self.selection_spans() else {
            return;
        };
        if spans.is_empty() {
            // With no selection, a type key retypes the selected annotation (within its
            // kind), or says what it needs.
            if self.state.selected.is_some() {
                self.change_type(ctx, &ty);
            } else {
                self.state.status = format!(
                    "Select text to tag it as {}, or click an annotation to retype it",
                    self.state.project().map_or("", |p| p.schema.label(&ty))
                );
            }
            return;
        }
        let st = &mut self.state;
        let (Some(p), Some(d)) = (st.project(), st.doc) else {
            return;
        };
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
            Err(TagError::AlreadyTagged { ann, quote, ty }) => {
                select_the_first(st, ann, &quote, &ty);
            }
            Err(e) => st.status = format!("Cannot tag: {e}"),
        }
    }

    /// Changes the selected annotation's type to `ty`, within its kind: a mention takes
    /// entity types, an event event types, a relation relation types. Across kinds nothing
    /// changes and the status bar says why (a key pressed by mistake must not turn a
    /// meeting into an organization).
    pub(super) fn change_type(&mut self, ctx: &egui::Context, ty: &Slug) {
        let st = &mut self.state;
        let (Some(p), Some(d), Some(a)) = (st.project(), st.doc, st.selected) else {
            return;
        };
        if let Some(why) = retype_refusal(p, d, a, ty) {
            st.status = why;
            return;
        }
        match tagging::change_type(p, d, a, ty) {
            Ok(tx) => {
                self.commit(ctx, tx);
            }
            Err(TagError::NoChange) => {}
            Err(e) => st.status = format!("Cannot change type: {e}"),
        }
    }

    pub(super) fn respan(&mut self, ctx: &egui::Context) {
        let Some(spans) = self.selection_spans() else {
            return;
        };
        let st = &mut self.state;
        let (Some(p), Some(d), Some(a)) = (st.project(), st.doc, st.selected) else {
            st.status =
                "No annotation selected: select one, then the new text, to move it there".into();
            return;
        };
        if spans.is_empty() {
            st.status = "Select the new text for the annotation first".into();
            return;
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

    pub(super) fn delete_annotation(&mut self, ctx: &egui::Context) {
        let st = &mut self.state;
        let (Some(p), Some(d), Some(a)) = (st.project(), st.doc, st.selected) else {
            st.status = "No annotation selected: nothing to delete".into();
            return;
        };
        // With text selected the annotation selected before is not what the user sees:
        // never delete it then (a page region selected in the page pane is).
        if !st.sel.is_empty() && st.pages.region != Some(a) {
            st.status = "Text is selected: click the annotation (or press Esc) to delete it".into();
            return;
        }
        match tagging::delete(p, d, a) {
            Ok(tx) => {
                if self.commit(ctx, tx) {
                    self.state.selected = None;
                }
            }
            Err(e) => st.status = format!("Cannot delete: {e}"),
        }
    }

    pub(super) fn link_search(&mut self) {
        let st = &mut self.state;
        if st.selected.is_some() {
            st.prefs.show_inspector = true;
            st.focus = Some(Focus::Link);
        } else {
            st.status = "No annotation selected: select a mention to link it".into();
        }
    }

    /// Opens the new-relation form for the selected mention or event, or says why not.
    pub(super) fn add_relation(&mut self) {
        let st = &mut self.state;
        let sel = match (st.project(), st.doc, st.selected) {
            (Some(p), Some(d), Some(a)) => p.annotation(d, a).map(|a| a.as_relation().is_some()),
            _ => None,
        };
        match sel {
            Some(false) => {
                st.prefs.show_inspector = true;
                st.focus = Some(Focus::Relation);
            }
            Some(true) => {
                st.status = "A relation cannot be an argument: select a mention or event".into()
            }
            None => {
                st.status = "Select a mention or event first, then add a relation from it".into()
            }
        }
    }

    pub(super) fn link(
        &mut self,
        ctx: &egui::Context,
        entry: Option<EntryId>,
        alias: Option<AliasKind>,
    ) {
        let st = &mut self.state;
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

    pub(super) fn create_entry(
        &mut self,
        ctx: &egui::Context,
        name: &str,
        alias: Option<AliasKind>,
    ) {
        let st = &mut self.state;
        let (Some(p), Some(d), Some(a)) = (st.project(), st.doc, st.selected) else {
            return;
        };
        match tagging::create_entry_and_link(p, d, a, name, alias) {
            Ok((tx, _)) => {
                if self.commit(ctx, tx) {
                    self.state.link_query.clear();
                }
            }
            Err(e) => st.status = format!("Cannot create entry: {e}"),
        }
    }

    pub(super) fn tag_all_review(&mut self, project_wide: bool) {
        let st = &mut self.state;
        let (Some(p), Some(d)) = (st.project(), st.doc) else {
            return;
        };
        let Some(doc) = p.documents.get(&d) else {
            return;
        };
        let text = doc.text_or_empty();
        // The needle and type come from the text selection when there is one (snapped as
        // tagging snaps it), else from the selected mention.
        let sel = st.sel.span();
        let sel = if st.prefs.snap_words {
            tagging::snap_to_words(text, sel)
        } else {
            sel
        };
        let (needle, type_id, entry) = match st
            .selected
            .filter(|_| sel.is_empty())
            .and_then(|a| p.annotation(d, a))
            .and_then(|a| a.as_mention())
        {
            Some(m) => (m.anchor.quote.exact.clone(), m.type_id.clone(), m.entry),
            None => {
                let s = sel;
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

    pub(super) fn new_event(&mut self, ctx: &egui::Context, ty: &Slug) {
        let Some(spans) = self.selection_spans() else {
            return;
        };
        let st = &mut self.state;
        let (Some(p), Some(d)) = (st.project(), st.doc) else {
            return;
        };
        // A type key with an event selected and no text selected retypes that event; with
        // a mention selected it says why it does nothing (menus and the palette, with
        // nothing selected, create an event the text only implies).
        if spans.is_empty()
            && let Some(a) = st.selected
            && p.annotation(d, a).is_some()
        {
            self.change_type(ctx, ty);
            return;
        }
        let trigger = (!spans.is_empty()).then_some(spans.as_slice());
        match events::create_event(p, d, ty, trigger) {
            Ok((tx, id)) => {
                if self.commit(ctx, tx) {
                    let st = &mut self.state;
                    st.selected = Some(id);
                    st.sel = Selection::at(st.sel.caret);
                    st.filling = None;
                    st.prefs.show_inspector = true;
                }
            }
            Err(TagError::AlreadyTagged { ann, quote, ty }) => {
                select_the_first(st, ann, &quote, &ty);
            }
            Err(e) => st.status = format!("Cannot create the event: {e}"),
        }
    }

    pub(super) fn fill_role(&mut self, event: AnnId, role: Slug) {
        let st = &mut self.state;
        let Some(label) = st.project().and_then(|p| {
            let (_, a) = p.find_annotation(event)?;
            Some(
                p.schema
                    .event(a.type_id())
                    .and_then(|e| e.role(&role))
                    .map_or_else(|| role.to_string(), |r| r.label.clone()),
            )
        }) else {
            return;
        };
        st.filling = Some((event, role));
        st.selected = Some(event);
        st.status =
            format!("Click a mention to add it as {label}, or pick one from the list; Esc stops");
    }

    pub(super) fn add_filler(
        &mut self,
        ctx: &egui::Context,
        event: AnnId,
        role: Slug,
        target: Target,
    ) {
        let st = &mut self.state;
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
}

/// The same span with the same type again: no duplicate, the first is selected and the
/// status bar says so.
fn select_the_first(st: &mut crate::app::AppState, ann: AnnId, quote: &str, ty: &str) {
    st.selected = Some(ann);
    st.sel = Selection::at(st.sel.caret);
    st.tag_popup = None;
    st.link_query.clear();
    st.status = format!("“{quote}” is already tagged as {ty}: selected it");
}

/// Why the annotation `ann` cannot take type `ty` (a type of another kind), for people; `None`
/// when it can.
fn retype_refusal(
    p: &crate::model::Project,
    doc: crate::model::DocId,
    ann: AnnId,
    ty: &Slug,
) -> Option<String> {
    use crate::model::schema::TypeKind;
    let a = p.annotation(doc, ann)?;
    let from = p.schema.kind_of(a.type_id())?;
    let to = p.schema.kind_of(ty)?;
    if from == to {
        return None;
    }
    let kind = |k: TypeKind| match k {
        TypeKind::Entity => "an entity type (for names in the text)",
        TypeKind::Event => "an event type",
        TypeKind::Relation => "a relation type",
    };
    let what = match from {
        TypeKind::Entity => "a mention",
        TypeKind::Event => "an event",
        TypeKind::Relation => "a relation",
    };
    let text = a
        .anchor()
        .map(|an| format!(" “{}”", an.quote.exact))
        .unwrap_or_default();
    Some(format!(
        "Not changed: {} is {}, and the selected {}{text} is {what}; a type key retypes only within its kind. Select text to tag it as {}.",
        p.schema.label(ty),
        kind(to),
        p.schema.label(a.type_id()),
        p.schema.label(ty)
    ))
}
