//! User commands: what a person can ask the window to do by menu, shortcut or palette.
//! One table, [`table`], gives each command its label, keyboard shortcut and menu; the menu
//! bar, the shortcut handler and the command palette all read it. Internal messages that
//! carry data from panels and dialogs are [`Message`](super::Message)s. Both are queued and
//! handled once per frame in `App::handle`.

pub use super::panels::views::ViewKind;
pub use crate::model::caret::CaretMove;
use crate::model::ids::Slug;
use crate::model::schema::Schema;
use egui::{Key, KeyboardShortcut, Modifiers};

/// A user command: a row of the [`table`], without data beyond what the row names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    // Project
    NewFromFolderDialog,
    OpenDialog,
    Save,
    SaveAsDialog,
    /// Pick a folder and save a complete copy of the project there, then open it.
    SaveCopyDialog,
    AddDocumentsDialog,
    /// Ask for a IIIF manifest's address and add its pages as a document.
    AddManifestDialog,
    /// Stop adding archive files (PDF, IIIF …) that are being imported.
    CancelAdding,
    Close,
    Quit,
    /// Copy the embedded sample into the user's data folder (once) and open it.
    OpenSample,
    /// Show the export window.
    ExportDialog,
    /// Show the import window.
    ImportDialog,
    // Edit
    Undo,
    Redo,
    Find,
    FindInProject,
    Palette,
    /// Turn the transcription edit mode on or off.
    ToggleTextEdit,
    /// Show or hide the re-anchoring review queue.
    ToggleReview,
    // View
    ToggleDocuments,
    ToggleInspector,
    ToggleRegistry,
    ToggleTheme,
    /// Show or hide the legend of types, colours and hotkeys.
    ToggleLegend,
    TextLarger,
    TextSmaller,
    /// Move keyboard focus to the next region (reader, documents, inspector, registry,
    /// status bar); `false`: the previous one.
    CycleRegion(bool),
    // Reader and annotations
    NextAnnotation,
    PrevAnnotation,
    /// Suggestions (`app::suggest`): move between them, accept or reject the current one,
    /// review "accept all of this string" in the document (`false`) or project (`true`).
    NextSuggestion,
    PrevSuggestion,
    AcceptSuggestion,
    RejectSuggestion,
    AcceptAllSuggestions(bool),
    ToggleSuggestions,
    /// Move the caret; `true` extends the selection.
    Caret(CaretMove, bool),
    ClearSelection,
    /// Keep the current selection as a fragment and start another (discontinuous span).
    AddFragment,
    ToggleSnap,
    /// Open the type popup for the selection.
    TagPopup,
    TagAs(Slug),
    ChangeType(Slug),
    /// Move the selected annotation to the current selection.
    Respan,
    DeleteAnnotation,
    /// Focus the inspector's registry search.
    LinkSearch,
    /// Open the inspector's new-relation form for the selected mention or event.
    AddRelation,
    /// Review every occurrence of the selected text in the document (`false`) or project.
    TagAllReview(bool),
    // Events, registry pages, schema and metadata
    /// A new event of this type, triggered by the selection if there is one.
    NewEvent(Slug),
    ToggleSchemaEditor,
    /// Show or hide the About window.
    About,
    ToggleMetadata,
    /// Show or hide the Problems panel (the same list as `marginalia check`).
    ToggleProblems,
    /// Show or hide the agreement of the annotators' independent layers (`marginalia agree`).
    ToggleAgreement,
    /// Show or hide the curation of the open document's annotator layers.
    ToggleCuration,
    /// Put the open document into independent annotation, or take it out.
    ToggleIndependent,
    /// Mark the annotator's layer of the open document done (or not done again).
    ToggleLayerDone,
    /// Show or hide the review of merge conflicts.
    ToggleConflicts,
    /// Ask for the annotator name stamped on changes.
    AnnotatorName,
    // Page images
    /// Pick image files to add as pages of the open document.
    AddPagesDialog,
    TogglePages,
    ToggleTranscription,
    /// Link the region selected in the page pane to the selected text mention.
    LinkToSelectedRegion,
    /// Record that a new page of the original begins at the caret.
    PageBreakHere,
    /// Show a view across the project below the reader (again: hide the views).
    ShowView(ViewKind),
    /// Save the timeline or network shown as SVG and PNG.
    SaveViewPictures,
}

/// Which menu a command is listed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Menu {
    Project,
    Edit,
    View,
    Annotate,
    Help,
    /// Shortcut and palette only.
    None,
}

/// One row of the command table.
#[derive(Clone, Debug)]
pub struct CommandSpec {
    pub command: Command,
    pub label: String,
    pub shortcut: Option<KeyboardShortcut>,
    pub menu: Menu,
    /// Place in its menu: rows are listed in the order [`table`] declares them, whatever
    /// order the shortcut matching needs.
    pub order: usize,
}

fn spec(
    command: Command,
    label: &str,
    shortcut: Option<KeyboardShortcut>,
    menu: Menu,
) -> CommandSpec {
    CommandSpec {
        command,
        label: label.to_owned(),
        shortcut,
        menu,
        order: 0,
    }
}

fn key(m: Modifiers, k: Key) -> Option<KeyboardShortcut> {
    Some(KeyboardShortcut::new(m, k))
}

const CMD: Modifiers = Modifiers::COMMAND;
const CMD_SHIFT: Modifiers = Modifiers {
    shift: true,
    ..Modifiers::COMMAND
};
const SHIFT: Modifiers = Modifiers::SHIFT;
const NONE: Modifiers = Modifiers::NONE;

/// The command table: fixed commands, then one "Tag as" row per entity type of `schema`
/// with the type's hotkey. Rows with more modifiers come first so that, say, Ctrl+Shift+Z
/// is matched before Ctrl+Z.
pub fn table(schema: Option<&Schema>) -> Vec<CommandSpec> {
    use Command as C;
    use Menu as M;
    let mut t: Vec<CommandSpec> = [
        project_rows(),
        edit_rows(),
        view_rows(),
        annotate_rows(),
        key_rows(),
        caret_rows(),
    ]
    .concat();
    if let Some(schema) = schema {
        for ty in &schema.entity_types {
            let shortcut = ty
                .hotkey
                .and_then(|c| Key::from_name(&c.to_ascii_uppercase().to_string()))
                .map(|k| KeyboardShortcut::new(NONE, k));
            t.push(spec(
                C::TagAs(ty.id.clone()),
                &format!("Tag as {}", ty.label),
                shortcut,
                M::Annotate,
            ));
        }
        for ty in &schema.event_types {
            let shortcut = ty
                .hotkey
                .and_then(|c| Key::from_name(&c.to_ascii_uppercase().to_string()))
                .map(|k| KeyboardShortcut::new(NONE, k));
            t.push(spec(
                C::NewEvent(ty.id.clone()),
                &format!("New {} event", ty.label),
                shortcut,
                M::Annotate,
            ));
        }
    }
    for (i, s) in t.iter_mut().enumerate() {
        s.order = i;
    }
    // More modifiers first: egui matches Ctrl+Z against Ctrl+Shift+Z too.
    t.sort_by_key(|s| {
        std::cmp::Reverse(s.shortcut.map_or(0, |k| {
            let m = k.modifiers;
            u8::from(m.shift) + u8::from(m.alt) + u8::from(m.command || m.ctrl)
        }))
    });
    t
}

/// Project and Help: files, export and import, windows, the sample, About.
fn project_rows() -> Vec<CommandSpec> {
    use Command as C;
    use Menu as M;
    vec![
        spec(
            C::NewFromFolderDialog,
            "New project from a folder of sources…",
            None,
            M::Project,
        ),
        spec(C::OpenDialog, "Open…", key(CMD, Key::O), M::Project),
        spec(C::Save, "Save", key(CMD, Key::S), M::Project),
        spec(
            C::SaveAsDialog,
            "Save As…",
            key(CMD_SHIFT, Key::S),
            M::Project,
        ),
        spec(C::SaveCopyDialog, "Save as copy…", None, M::Project),
        spec(C::AddDocumentsDialog, "Add documents…", None, M::Project),
        spec(
            C::AddManifestDialog,
            "Add from a IIIF manifest…",
            None,
            M::Project,
        ),
        spec(C::CancelAdding, "Cancel adding documents", None, M::None),
        spec(C::AddPagesDialog, "Add pages…", None, M::Project),
        spec(C::ExportDialog, "Export…", None, M::Project),
        spec(C::ImportDialog, "Import…", None, M::Project),
        spec(C::ToggleMetadata, "Document metadata…", None, M::Project),
        spec(C::ToggleSchemaEditor, "Schema editor…", None, M::Project),
        spec(C::ToggleConflicts, "Resolve conflicts…", None, M::Project),
        spec(C::Close, "Close project", key(CMD, Key::W), M::Project),
        spec(C::Quit, "Quit", key(CMD, Key::Q), M::Project),
        spec(C::OpenSample, "Open the sample project", None, M::Help),
        spec(C::About, "About Marginalia", None, M::Help),
    ]
}

/// Edit: undo, find, the palette, edit mode, the annotator name.
fn edit_rows() -> Vec<CommandSpec> {
    use Command as C;
    use Menu as M;
    vec![
        spec(C::Undo, "Undo", key(CMD, Key::Z), M::Edit),
        spec(C::Redo, "Redo", key(CMD_SHIFT, Key::Z), M::Edit),
        spec(C::Redo, "Redo (Ctrl+Y)", key(CMD, Key::Y), M::None),
        spec(C::Find, "Find", key(CMD, Key::F), M::Edit),
        spec(
            C::FindInProject,
            "Find in project",
            key(CMD_SHIFT, Key::F),
            M::Edit,
        ),
        spec(
            C::ToggleTextEdit,
            "Correct transcription",
            key(CMD, Key::E),
            M::Edit,
        ),
        spec(C::ToggleReview, "Re-anchoring review…", None, M::Annotate),
        spec(
            C::Palette,
            "Command palette",
            key(CMD_SHIFT, Key::P),
            M::Edit,
        ),
        spec(C::AnnotatorName, "Your name as annotator…", None, M::Edit),
    ]
}

/// View: panels, theme, legend, views across the project, text size, panel focus.
fn view_rows() -> Vec<CommandSpec> {
    use Command as C;
    use Menu as M;
    vec![
        spec(C::ToggleDocuments, "Show/hide documents", None, M::View),
        spec(C::ToggleInspector, "Show/hide inspector", None, M::View),
        spec(C::ToggleRegistry, "Show/hide registry", None, M::View),
        spec(C::ToggleTheme, "Light/dark theme", None, M::View),
        spec(C::ToggleLegend, "Legend", None, M::View),
        spec(C::ToggleSuggestions, "Show/hide suggestions", None, M::View),
        spec(C::ToggleProblems, "Show/hide problems", None, M::View),
        spec(
            C::ToggleAgreement,
            "Show/hide annotator agreement",
            None,
            M::View,
        ),
        spec(C::ToggleCuration, "Show/hide curation", None, M::View),
        spec(
            C::ToggleIndependent,
            "Annotate this document independently (on/off)",
            None,
            M::View,
        ),
        spec(
            C::ToggleLayerDone,
            "Mark my layer of this document done (on/off)",
            None,
            M::View,
        ),
        spec(C::TogglePages, "Show/hide page images", None, M::View),
        spec(
            C::ToggleTranscription,
            "Show/hide transcription",
            None,
            M::View,
        ),
        spec(C::ShowView(ViewKind::Timeline), "Timeline", None, M::View),
        spec(C::ShowView(ViewKind::Network), "Network", None, M::View),
        spec(
            C::ShowView(ViewKind::Concordance),
            "Concordance",
            None,
            M::View,
        ),
        spec(C::ShowView(ViewKind::Questions), "Questions", None, M::View),
        spec(
            C::ShowView(ViewKind::Statistics),
            "Statistics",
            None,
            M::View,
        ),
        spec(
            C::SaveViewPictures,
            "Save view as SVG and PNG",
            None,
            M::View,
        ),
        spec(C::TextLarger, "Larger text", key(CMD, Key::Plus), M::View),
        spec(
            C::TextLarger,
            "Larger text (Ctrl+=)",
            key(CMD, Key::Equals),
            M::None,
        ),
        spec(
            C::TextSmaller,
            "Smaller text",
            key(CMD, Key::Minus),
            M::View,
        ),
        spec(
            C::CycleRegion(true),
            "Next panel",
            key(NONE, Key::F6),
            M::View,
        ),
        spec(
            C::CycleRegion(false),
            "Previous panel",
            key(SHIFT, Key::F6),
            M::View,
        ),
    ]
}

/// Annotate: tagging, fragments, links, relations, deleting, moving between annotations.
fn annotate_rows() -> Vec<CommandSpec> {
    use Command as C;
    use Menu as M;
    vec![
        spec(
            C::TagPopup,
            "Tag selection…",
            key(NONE, Key::Enter),
            M::Annotate,
        ),
        spec(
            C::AddFragment,
            "Add fragment (discontinuous span)",
            key(CMD, Key::Enter),
            M::Annotate,
        ),
        spec(C::ToggleSnap, "Snap to word boundaries", None, M::Annotate),
        spec(
            C::LinkToSelectedRegion,
            "Link to the selected region",
            key(CMD_SHIFT, Key::L),
            M::Annotate,
        ),
        spec(C::PageBreakHere, "Page break at caret", None, M::Annotate),
        spec(
            C::LinkSearch,
            "Link to registry entry…",
            key(CMD, Key::L),
            M::Annotate,
        ),
        spec(
            C::AddRelation,
            "Add relation from the selected annotation…",
            None,
            M::Annotate,
        ),
        spec(
            C::Respan,
            "Move annotation to selection",
            key(CMD, Key::R),
            M::Annotate,
        ),
        spec(
            C::DeleteAnnotation,
            "Delete annotation",
            key(NONE, Key::Delete),
            M::Annotate,
        ),
        spec(
            C::TagAllReview(false),
            "Tag all occurrences in document…",
            key(CMD, Key::T),
            M::Annotate,
        ),
        spec(
            C::TagAllReview(true),
            "Tag all occurrences in project…",
            key(CMD_SHIFT, Key::T),
            M::Annotate,
        ),
        spec(
            C::NextAnnotation,
            "Next annotation",
            key(NONE, Key::CloseBracket),
            M::Annotate,
        ),
        spec(
            C::PrevAnnotation,
            "Previous annotation",
            key(NONE, Key::OpenBracket),
            M::Annotate,
        ),
        spec(
            C::NextSuggestion,
            "Next suggestion",
            key(NONE, Key::Period),
            M::Annotate,
        ),
        spec(
            C::PrevSuggestion,
            "Previous suggestion",
            key(NONE, Key::Comma),
            M::Annotate,
        ),
        // Enter accepts the current suggestion when nothing is selected (the "Tag
        // selection…" row's key; `handle::suggest`).
        spec(C::AcceptSuggestion, "Accept suggestion", None, M::Annotate),
        spec(
            C::RejectSuggestion,
            "Reject suggestion",
            key(NONE, Key::Backspace),
            M::Annotate,
        ),
        spec(
            C::AcceptAllSuggestions(false),
            "Accept all of this suggestion in document…",
            None,
            M::Annotate,
        ),
        spec(
            C::AcceptAllSuggestions(true),
            "Accept all of this suggestion in project…",
            None,
            M::Annotate,
        ),
    ]
}

/// Keys only (no menu): Esc, and Shift with arrows (extend the selection).
fn key_rows() -> Vec<CommandSpec> {
    use Command as C;
    use Menu as M;
    vec![
        spec(
            C::ClearSelection,
            "Clear selection",
            key(NONE, Key::Escape),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::WordLeft, true),
            "Extend selection by word left",
            key(CMD_SHIFT, Key::ArrowLeft),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::WordRight, true),
            "Extend selection by word right",
            key(CMD_SHIFT, Key::ArrowRight),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::CharLeft, true),
            "Extend selection left",
            key(SHIFT, Key::ArrowLeft),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::CharRight, true),
            "Extend selection right",
            key(SHIFT, Key::ArrowRight),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::LineUp, true),
            "Extend selection up",
            key(SHIFT, Key::ArrowUp),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::LineDown, true),
            "Extend selection down",
            key(SHIFT, Key::ArrowDown),
            M::None,
        ),
    ]
}

/// Keys only: the arrows, Home, End, Page Up/Down move the caret (with Shift, from Home on,
/// they extend the selection).
fn caret_rows() -> Vec<CommandSpec> {
    use Command as C;
    use Menu as M;
    vec![
        spec(
            C::Caret(CaretMove::WordLeft, false),
            "Word left",
            key(CMD, Key::ArrowLeft),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::WordRight, false),
            "Word right",
            key(CMD, Key::ArrowRight),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::CharLeft, false),
            "Caret left",
            key(NONE, Key::ArrowLeft),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::CharRight, false),
            "Caret right",
            key(NONE, Key::ArrowRight),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::LineUp, false),
            "Caret up",
            key(NONE, Key::ArrowUp),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::LineDown, false),
            "Caret down",
            key(NONE, Key::ArrowDown),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::LineStart, false),
            "Caret to line start",
            key(NONE, Key::Home),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::LineEnd, false),
            "Caret to line end",
            key(NONE, Key::End),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::LineStart, true),
            "Extend selection to line start",
            key(SHIFT, Key::Home),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::LineEnd, true),
            "Extend selection to line end",
            key(SHIFT, Key::End),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::DocStart, false),
            "Caret to document start",
            key(CMD, Key::Home),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::DocEnd, false),
            "Caret to document end",
            key(CMD, Key::End),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::DocStart, true),
            "Extend selection to document start",
            key(CMD_SHIFT, Key::Home),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::DocEnd, true),
            "Extend selection to document end",
            key(CMD_SHIFT, Key::End),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::PageUp, false),
            "Page up",
            key(NONE, Key::PageUp),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::PageDown, false),
            "Page down",
            key(NONE, Key::PageDown),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::PageUp, true),
            "Extend selection a page up",
            key(SHIFT, Key::PageUp),
            M::None,
        ),
        spec(
            C::Caret(CaretMove::PageDown, true),
            "Extend selection a page down",
            key(SHIFT, Key::PageDown),
            M::None,
        ),
    ]
}

/// The rows of `menu`, in the order the table declares them.
pub fn menu_rows(table: &[CommandSpec], menu: Menu) -> Vec<&CommandSpec> {
    let mut rows: Vec<&CommandSpec> = table.iter().filter(|s| s.menu == menu).collect();
    rows.sort_by_key(|s| s.order);
    rows
}

/// A shortcut as people read it on the key caps: "Ctrl+Shift+S", "]", "Ctrl++", "Esc"
/// (egui's own names say "CloseBracket" and "Ctrl+Plus"). On a Mac, Cmd instead of Ctrl.
pub fn shortcut_text(shortcut: &KeyboardShortcut, is_mac: bool) -> String {
    let mut s = egui::ModifierNames::NAMES.format(&shortcut.modifiers, is_mac);
    if !s.is_empty() {
        s.push('+');
    }
    let k = shortcut.logical_key;
    let name = match k {
        Key::Minus => "-",
        Key::Escape => "Esc",
        Key::ArrowLeft | Key::ArrowRight | Key::ArrowUp | Key::ArrowDown => k.name(),
        _ => {
            let sym = k.symbol_or_name();
            if sym.chars().count() == 1 && sym.chars().all(|c| c.is_ascii_punctuation()) {
                sym
            } else {
                k.name()
            }
        }
    };
    s.push_str(name);
    s
}

/// Whether a shortcut is a plain key (no Ctrl/Cmd), which only applies when no text field
/// has keyboard focus. Function keys (F6: next panel) are never plain: they type nothing.
pub fn is_plain(shortcut: &KeyboardShortcut) -> bool {
    use Key as K;
    let function_key = matches!(
        shortcut.logical_key,
        K::F1
            | K::F2
            | K::F3
            | K::F4
            | K::F5
            | K::F6
            | K::F7
            | K::F8
            | K::F9
            | K::F10
            | K::F11
            | K::F12
    );
    !function_key
        && !shortcut.modifiers.command
        && !shortcut.modifiers.ctrl
        && !shortcut.modifiers.alt
}

/// Ranks `label` against a palette query: `None` when it does not match. The registry's
/// matcher, in three tiers: prefix, word or substring, then letters in order — the last only
/// when they sit close together or start words ("sas" finds "Save As…"), never scattered
/// over the label ("meet" does not find "Smaller text").
pub fn palette_score(label: &str, query: &str) -> Option<u32> {
    let s = crate::model::matching::score(label, query)?;
    match s {
        80.. => Some(3),
        40.. => Some(2),
        _ if letters_close(label, query) => Some(1),
        _ => None,
    }
}

/// Whether the letters of `query` appear in `label` in order, each at the start of a word
/// or right after the letter matched before.
fn letters_close(label: &str, query: &str) -> bool {
    let fold = crate::model::matching::fold;
    let label: Vec<char> = fold(label).chars().collect();
    let query: Vec<char> = fold(query).chars().filter(|c| !c.is_whitespace()).collect();
    // Greedy left to right, preferring a word start or the next letter.
    fn go(label: &[char], query: &[char], from: usize, prev: Option<usize>) -> bool {
        let Some((&q, rest)) = query.split_first() else {
            return true;
        };
        (from..label.len()).any(|i| {
            let word_start = i == 0 || !label[i - 1].is_alphanumeric();
            let next = prev.is_some_and(|p| i == p + 1);
            label[i] == q && (word_start || next) && go(label, rest, i + 1, Some(i))
        })
    }
    !query.is_empty() && go(&label, &query, 0, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_are_unique_and_ordered() {
        let schema = Schema::default_diplomatic();
        let t = table(Some(&schema));
        let mut seen = std::collections::BTreeMap::new();
        for (i, s) in t.iter().enumerate() {
            if let Some(sc) = s.shortcut {
                let k = format!("{:?}", sc);
                assert!(
                    seen.insert(k.clone(), i).is_none(),
                    "duplicate shortcut {k}"
                );
                // A shortcut with fewer modifiers must not come before one it would shadow.
                for earlier in &t[..i] {
                    if let Some(e) = earlier.shortcut {
                        let shadows = e.logical_key == sc.logical_key
                            && sc.modifiers.matches_logically(e.modifiers)
                            && e.modifiers != sc.modifiers;
                        assert!(!shadows, "{} shadows {}", earlier.label, s.label);
                    }
                }
            }
        }
        let person = t
            .iter()
            .find(|s| s.command == Command::TagAs(Slug::new("person")))
            .unwrap();
        assert_eq!(person.shortcut, Some(KeyboardShortcut::new(NONE, Key::P)));
    }

    #[test]
    fn shortcuts_read_as_on_the_keys() {
        let t = |m, k| shortcut_text(&KeyboardShortcut::new(m, k), false);
        assert_eq!(t(NONE, Key::CloseBracket), "]");
        assert_eq!(t(NONE, Key::OpenBracket), "[");
        assert_eq!(t(CMD, Key::Plus), "Ctrl++");
        assert_eq!(t(CMD, Key::Minus), "Ctrl+-");
        assert_eq!(t(CMD, Key::Equals), "Ctrl+=");
        assert_eq!(t(CMD_SHIFT, Key::S), "Ctrl+Shift+S");
        assert_eq!(t(NONE, Key::Enter), "Enter");
        assert_eq!(t(NONE, Key::Delete), "Delete");
        assert_eq!(t(NONE, Key::Escape), "Esc");
        assert_eq!(t(CMD_SHIFT, Key::ArrowLeft), "Ctrl+Shift+Left");
        assert_eq!(
            shortcut_text(&KeyboardShortcut::new(CMD, Key::O), true),
            "Cmd+O"
        );
    }

    #[test]
    fn menus_list_rows_in_the_usual_order() {
        let t = table(Some(&Schema::default_diplomatic()));
        let labels =
            |m| -> Vec<String> { menu_rows(&t, m).iter().map(|s| s.label.clone()).collect() };
        let project = labels(Menu::Project);
        let pos = |l: &str| project.iter().position(|x| x == l).unwrap();
        let order = [
            "New project from a folder of sources…",
            "Open…",
            "Save",
            "Save As…",
            "Add documents…",
            "Export…",
            "Import…",
            "Close project",
            "Quit",
        ];
        for w in order.windows(2) {
            assert!(pos(w[0]) < pos(w[1]), "{} before {}", w[0], w[1]);
        }
        assert_eq!(project.last().map(String::as_str), Some("Quit"));
        let edit = labels(Menu::Edit);
        assert_eq!(&edit[..2], ["Undo", "Redo"]);
    }

    #[test]
    fn palette_matching() {
        assert_eq!(palette_score("Save As…", "save"), Some(3));
        assert_eq!(palette_score("Tag as Person", "person"), Some(2));
        assert_eq!(palette_score("Save As…", "sas"), Some(1));
        assert_eq!(palette_score("Tag as Person", "tap"), Some(1));
        assert_eq!(palette_score("Undo", "x"), None);
        // Letters scattered over the label are no match.
        assert_eq!(palette_score("Smaller text", "meet"), None);
        assert_eq!(palette_score("Tag as Person", "tgp"), None);
    }
}
