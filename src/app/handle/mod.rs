//! Handling of queued actions: the dispatch table. Each arm names the handler of one
//! command or message; the handlers live beside this file by group (project files, editing
//! and view, the reader, annotating). The only place where actions change state.

mod annotate;
mod edit;
mod facsimile;
mod project;
mod reader;
mod review;
mod suggest;
mod text_edit;

use super::message::{Action, Message};
use super::pick::{Pick, pick};
use super::{App, Command};

impl App {
    /// Handles one command or message.
    pub fn handle(&mut self, ctx: &egui::Context, a: impl Into<Action>) {
        match a.into() {
            Action::Command(c) => self.command(ctx, c),
            Action::Message(m) => self.message(ctx, m),
        }
    }

    fn command(&mut self, ctx: &egui::Context, c: Command) {
        use Command as C;
        let st = &mut self.state;
        match c {
            C::NewFromFolderDialog => pick(st, ctx, Pick::Folder),
            C::OpenDialog => pick(st, ctx, Pick::Project),
            C::SaveAsDialog => pick(st, ctx, Pick::SaveAs),
            C::SaveCopyDialog => pick(st, ctx, Pick::SaveCopy),
            C::AddDocumentsDialog => pick(st, ctx, Pick::Sources),
            C::AddManifestDialog => self.archive.ask_url(),
            C::CancelAdding => self.archive.cancel(),
            C::ExportDialog => self.interchange.open_export(),
            C::ImportDialog => self.interchange.open_import(),
            C::Save => self.save(),
            C::Close => self.close(),
            C::Quit => self.quit(ctx),
            C::OpenSample => self.open_sample(),
            C::Undo => self.undo_redo(ctx, true),
            C::Redo => self.undo_redo(ctx, false),
            C::Find => self.find(),
            C::FindInProject => self.find_in_project(),
            C::Palette => self.toggle_palette(),
            C::ToggleTextEdit => self.toggle_text_edit(),
            C::ToggleReview => self.toggle_review(),
            C::ToggleDocuments => st.prefs.show_documents ^= true,
            C::ToggleInspector => st.prefs.show_inspector ^= true,
            C::ToggleRegistry => st.prefs.show_registry ^= true,
            C::ToggleTheme => st.prefs.dark ^= true,
            C::TextLarger => st.prefs.ui_scale = super::start::next_scale(st.prefs.ui_scale, true),
            C::TextSmaller => {
                st.prefs.ui_scale = super::start::next_scale(st.prefs.ui_scale, false);
            }
            C::ToggleSnap => st.prefs.snap_words ^= true,
            C::ToggleSchemaEditor => st.schema_editor_open ^= true,
            C::About => st.about_open ^= true,
            C::ToggleLegend => st.legend_open ^= true,
            C::ToggleMetadata => st.metadata_open ^= true,
            C::ToggleProblems => st.problems_open ^= true,
            C::ToggleAgreement => st.agreement_open ^= true,
            C::ToggleCuration => st.curation_open ^= true,
            C::ToggleIndependent | C::ToggleLayerDone => {
                let tx = st.session.as_ref().zip(st.doc).and_then(|(s, d)| {
                    if c == C::ToggleIndependent {
                        Some(crate::model::layers::toggle_independent(&s.project, d))
                    } else {
                        crate::model::layers::toggle_done(
                            &s.project,
                            d,
                            st.prefs.annotator.as_deref(),
                        )
                    }
                });
                match tx {
                    Some(tx) => {
                        self.commit(ctx, tx);
                    }
                    None => {
                        st.status =
                            "Set your name as annotator in an independent document first".to_owned()
                    }
                }
            }
            C::ToggleConflicts => st.conflicts_open ^= true,
            C::AnnotatorName => st.ask_annotator(),
            C::CycleRegion(forward) => {
                if let Some(r) = super::a11y::cycle_region(ctx, forward) {
                    st.status = format!("{} panel", r.name());
                }
            }
            C::ShowView(v) => st.view = if st.view == Some(v) { None } else { Some(v) },
            C::SaveViewPictures => self.views.save_pictures(&self.state),
            C::NextAnnotation => self.step_annotation(true),
            C::PrevAnnotation => self.step_annotation(false),
            C::Caret(m, extend) => self.caret(m, extend),
            C::ClearSelection => self.clear_selection(),
            C::AddFragment => self.add_fragment(),
            // Enter on a suggestion (nothing selected, caret in it) accepts it.
            C::TagPopup => {
                if self.suggestion_at_caret().is_some() {
                    self.accept_current_suggestion(ctx);
                } else {
                    self.tag_popup(ctx);
                }
            }
            C::NextSuggestion => self.step_suggestion(true),
            C::PrevSuggestion => self.step_suggestion(false),
            C::AcceptSuggestion => self.accept_current_suggestion(ctx),
            C::RejectSuggestion => self.reject_current_suggestion(),
            C::AcceptAllSuggestions(project_wide) => self.accept_all_review(project_wide),
            C::ToggleSuggestions => st.suggest.hidden ^= true,
            C::TagAs(ty) => self.tag_as(ctx, ty),
            C::ChangeType(ty) => self.change_type(ctx, &ty),
            C::Respan => self.respan(ctx),
            C::DeleteAnnotation => self.delete_annotation(ctx),
            C::LinkSearch => self.link_search(),
            C::AddRelation => self.add_relation(),
            C::TagAllReview(project_wide) => self.tag_all_review(project_wide),
            C::NewEvent(ty) => self.new_event(ctx, &ty),
            C::AddPagesDialog => pick(st, ctx, Pick::Pages),
            C::TogglePages => st.prefs.show_pages ^= true,
            C::ToggleTranscription => st.prefs.show_transcription ^= true,
            C::LinkToSelectedRegion => self.link_to_selected_region(ctx),
            C::PageBreakHere => self.page_break_here(ctx),
        }
    }

    fn message(&mut self, ctx: &egui::Context, m: Message) {
        use Message as M;
        match m {
            // Say plainly when the path is no project (app::start), before asking anything.
            M::Open(path) if super::start::sources_without_project(&path) => {
                self.state.dialog = Some(super::state::Dialog::OfferProject(path));
            }
            M::Open(path) => match super::start::not_a_project(&path) {
                Some(text) => {
                    self.state.status = text.lines().next().unwrap_or_default().to_owned();
                    self.state.dialog = Some(super::state::Dialog::Message(text));
                }
                None => self.open(path),
            },
            M::OpenInUse { path, read_only } => self.open_in_use(path, read_only),
            M::SourceChoice { doc, theirs } => self.source_choice(doc, theirs),
            M::NewFromFolder(dir) => self.new_from_folder(ctx, dir),
            M::Reload => self.reload(),
            M::SaveAs(path) => self.save_as(path),
            M::SaveCopy(dir) => self.save_copy(dir),
            M::AddDocuments(paths) => self.add_documents(ctx, &paths),
            M::AddArchive(sources) => self.archive.start(ctx, &mut self.state, sources),
            M::ArchiveAdded { tx, docs, note } => {
                if self.commit(ctx, tx) {
                    self.offer_new_documents(&docs, note);
                }
            }
            M::Export {
                format,
                out,
                overwrite,
            } => {
                self.interchange
                    .start_export(&mut self.state, ctx, &format, out, overwrite);
            }
            M::Import {
                format,
                source,
                out,
            } => self
                .interchange
                .start_import(&mut self.state, ctx, &format, source, out),
            M::SelectDocument(d) => self.select_document(d),
            M::SelectAnnotation(a) => self.select_annotation(ctx, a),
            M::Jump { doc, span } => self.jump(doc, span),
            M::Apply(tx) => {
                self.commit(ctx, tx);
            }
            M::Link { entry, alias } => self.link(ctx, entry, alias),
            M::CreateEntry { name, alias } => self.create_entry(ctx, &name, alias),
            M::FillRole { event, role } => self.fill_role(event, role),
            M::CancelFill => self.state.filling = None,
            M::AddFiller {
                event,
                role,
                target,
            } => self.add_filler(ctx, event, role, target),
            M::OpenEntry(e) => self.state.entry_page = e,
            M::Pages(m) => self.pages_message(ctx, m),
            M::Suggestions(c) => self.suggestions_computed(*c),
            M::SuggestionsInProject(of, all) => self.suggestions_in_project(*of, all),
            M::SuggestionClicked(offset) => self.suggestion_clicked(ctx, offset),
            M::AcceptSuggestions(list) => {
                self.accept_suggestions(ctx, &list);
            }
            M::CloseAcceptAll => self.state.suggest.accept_all = None,
        }
    }
}
