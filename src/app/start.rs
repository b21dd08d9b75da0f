//! The start screen, shown in the reader's place while no project is open: recent
//! projects, New project from a folder, Open…, and Open the sample (the sample embedded in
//! the binary, copied on first use into the user's data folder).

use super::message::Message;
use super::state::{AppState, Dialog};
use super::{App, Command};
use std::path::PathBuf;

/// The start screen's settings.
pub struct StartScreen {
    /// The folder the sample is copied into (`None`: no user data folder is known).
    pub data_dir: Option<PathBuf>,
}

impl Default for StartScreen {
    fn default() -> Self {
        Self {
            data_dir: crate::build_info::user_data_dir(),
        }
    }
}

impl StartScreen {
    /// Draws the start screen; buttons queue their commands.
    pub fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        ui.vertical_centered(|ui| {
            ui.add_space(24.0);
            crate::app::a11y::heading_at(ui, "Marginalia", 1);
            ui.label("Annotate archival documents: people, places, events, and their links.");
            ui.add_space(16.0);
            if ui.button("Open the sample").clicked() {
                st.push(Command::OpenSample);
            }
            if ui.button("Open…").clicked() {
                st.push(Command::OpenDialog);
            }
            if ui.button("New project from a folder…").clicked() {
                st.push(Command::NewFromFolderDialog);
            }
            ui.add_space(16.0);
            if st.prefs.recent.is_empty() {
                ui.weak("No recent projects. You can also drop a project file or a folder of .txt/.md sources here.");
            } else {
                ui.strong("Recent projects");
                for p in st.prefs.recent.clone() {
                    if ui.link(p.display().to_string()).clicked() {
                        st.push(Message::Open(p));
                    }
                }
            }
        });
    }
}

impl App {
    /// Copies the embedded sample into the user's data folder (keeping an existing copy as
    /// it is) and opens it.
    pub(super) fn open_sample(&mut self) {
        let Some(dir) = self.start.data_dir.clone() else {
            self.state.dialog = Some(Dialog::Message(
                "Cannot open the sample: there is no folder for your data.\nSet HOME or XDG_DATA_HOME, then try again.".to_owned(),
            ));
            return;
        };
        match crate::build_info::install_sample(&dir) {
            Ok(file) => self.state.push(Message::Open(file)),
            Err(e) => {
                self.state.dialog = Some(Dialog::Message(format!(
                    "Cannot open the sample. Check that you may write to that folder.\n{e}"
                )))
            }
        }
    }
}

/// Whether `path` is a folder with text sources (`.txt`, `.md`, in it or below) and no
/// project file: opening it offers to create a project there.
pub fn sources_without_project(path: &std::path::Path) -> bool {
    if !path.is_dir() || crate::store::resolve_project_file(path).is_ok() {
        return false;
    }
    walkdir::WalkDir::new(path)
        .max_depth(4)
        .into_iter()
        .flatten()
        .any(|e| {
            e.file_type().is_file()
                && e.path()
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("txt") || x.eq_ignore_ascii_case("md"))
        })
}

/// What the offer to create a project in `dir` says.
pub fn offer_text(dir: &std::path::Path) -> String {
    format!(
        "“{}” holds text files but no Marginalia project. Create a project there? The texts stay where they are; the project file is written beside them when you save.",
        dir.display()
    )
}

/// The `.gitignore` written into the folder of a new project: Marginalia's working files
/// beside the sources ([`crate::store::WORKING_FILES`], the list `git-setup` writes too).
pub fn gitignore_text() -> String {
    let mut s = String::from(
        "# Marginalia's working files (backups, recovery copies, presence and save locks, save journals, copies of changed sources)\n",
    );
    for p in crate::store::WORKING_FILES {
        s.push_str(p);
        s.push('\n');
    }
    s
}

/// Writes [`gitignore_text`] into `dir` unless the folder already has a `.gitignore` (a user's
/// own file is never changed). Returns whether it wrote one.
pub fn write_gitignore(dir: &std::path::Path) -> std::io::Result<bool> {
    let file = dir.join(".gitignore");
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
    {
        Ok(mut f) => {
            use std::io::Write;
            f.write_all(gitignore_text().as_bytes())?;
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(std::io::Error::new(
            e.kind(),
            format!("cannot write {}: {e}", file.display()),
        )),
    }
}

/// The scales Ctrl+= and Ctrl+- step through.
const SCALES: [f32; 11] = [0.67, 0.75, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5];

/// The next larger (`up`) or smaller scale after `now`, staying within [`SCALES`].
pub fn next_scale(now: f32, up: bool) -> f32 {
    let now = if now.is_finite() { now } else { 1.0 };
    let next = if up {
        SCALES.iter().copied().find(|s| *s > now + 0.001)
    } else {
        SCALES.iter().rev().copied().find(|s| *s < now - 0.001)
    };
    next.unwrap_or(if up {
        SCALES[SCALES.len() - 1]
    } else {
        SCALES[0]
    })
}

/// Sets the window's zoom to `scale` (clamped to [`SCALES`]) when it differs.
pub fn apply_scale(ctx: &egui::Context, scale: f32) {
    let z = if scale.is_finite() {
        scale.clamp(SCALES[0], SCALES[SCALES.len() - 1])
    } else {
        1.0
    };
    if (ctx.zoom_factor() - z).abs() > 0.001 {
        ctx.set_zoom_factor(z);
    }
}

/// When `path` cannot be a project by its name (a file not named `*.marginalia.ron`, or a
/// folder without one) and indeed does not load: the message for people. `None` when the
/// path should be opened as usual.
pub fn not_a_project(path: &std::path::Path) -> Option<String> {
    use crate::store::PROJECT_SUFFIX as SUFFIX;
    let named_right = if path.is_dir() {
        std::fs::read_dir(path)
            .ok()?
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(SUFFIX))
    } else if path.is_file() {
        path.to_string_lossy().ends_with(SUFFIX)
    } else {
        true
    };
    if named_right {
        return None;
    }
    crate::store::load(path)
        .err()
        .map(|e| open_error_text(path, &e))
}

/// What a failure to open `path` means for a person, and what to do, on the first line; the
/// technical detail on the second.
pub fn open_error_text(path: &std::path::Path, e: &crate::store::StoreError) -> String {
    use crate::store::StoreError as E;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let first = match e {
        E::NoProjectFile { .. } => format!(
            "The folder “{name}” holds no Marginalia project. To annotate the text files in it, use Project → New project from a folder of sources…"
        ),
        E::Parse { .. }
        | E::UnknownFields { .. }
        | E::InvalidUtf8 { .. }
        | E::TooLarge { .. }
        | E::Invalid { .. } => format!(
            "“{name}” is not a Marginalia project file. Open a file whose name ends in .marginalia.ron, or a folder that holds one; to annotate text files, use Project → New project from a folder of sources…"
        ),
        E::UnsupportedVersion { .. } => format!(
            "“{name}” was written by a different version of Marginalia. Open it with a Marginalia that reads this version."
        ),
        E::Io { .. } => {
            format!("Cannot read “{name}”. Check that it exists and that you may read it.")
        }
        _ => format!("Cannot open “{name}”."),
    };
    format!("{first}\nDetail: {e}")
}

/// What a failure to open the project at `path` means for a person, on the first line, and
/// the detail on the second (without the operating system's error numbers). A damaged file
/// is named with its line and column, and the copy a save kept beside it (`.bak`) is
/// offered; a path that is not there says so.
pub fn open_failure_text(path: &std::path::Path, e: &crate::store::StoreError) -> String {
    use crate::store::StoreError as E;
    let file = e.path();
    let name = |p: &std::path::Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string())
    };
    let detail = without_os_error(&e.to_string());
    let first = match e {
        E::Parse { line, col, .. } => damaged(file, &format!("at line {line}, column {col}")),
        E::InvalidUtf8 { line, .. } => damaged(file, &format!("at line {line} (not UTF-8 text)")),
        E::UnknownFields { fields, .. } => damaged(
            file,
            &format!("(fields this version does not know: {})", fields.join(", ")),
        ),
        E::Io { err, .. } if err.kind() == std::io::ErrorKind::NotFound => format!(
            "“{}” is not there: it was moved, renamed or deleted. Open it where it is now with Project → Open…",
            name(file)
        ),
        E::Io { err, .. } if err.kind() == std::io::ErrorKind::PermissionDenied => format!(
            "You may not read “{}”. Ask whoever manages the folder for access.",
            name(file)
        ),
        _ => return open_error_text(path, e),
    };
    format!("{first}\nDetail: {detail}")
}

/// "“x.ann.ron” is damaged at line 3, column 9. …" with what to do about it: the `.bak`
/// copy beside it when there is one.
fn damaged(file: &std::path::Path, at: &str) -> String {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string());
    let bak = crate::store::fs::backup_path(file);
    let fix = if bak.is_file() {
        format!(
            "The version before its last save is kept beside it as “{}”: to go back to it, close the project, move the damaged file aside and rename “{}” to “{name}”.",
            bak.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            bak.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        )
    } else {
        "There is no earlier copy (.bak) beside it; if the project is kept in git, “git checkout” brings back the last committed version.".to_owned()
    };
    format!("“{name}” is damaged {at}; nothing was opened or changed. {fix}")
}

/// An error's text without " (os error N)": the number says nothing to a person.
fn without_os_error(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(" (os error ") {
        out.push_str(&rest[..i]);
        rest = match rest[i..].find(')') {
            Some(j) => &rest[i + j + 1..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_file_names_its_line_and_the_bak_beside_it()
    -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let file = tmp.path().join("p.marginalia.ron");
        std::fs::write(&file, "(format_version: 1,\n  info: (name: \"x\"\n  oops\n")?;
        let e = crate::store::load(&file).err().ok_or("must not load")?;
        let text = open_failure_text(&file, &e);
        assert!(
            text.contains("“p.marginalia.ron” is damaged at line"),
            "{text}"
        );
        assert!(text.contains("no earlier copy (.bak)"), "{text}");
        std::fs::write(
            tmp.path().join("p.marginalia.ron.bak"),
            "(format_version: 1)",
        )?;
        let text = open_failure_text(&file, &e);
        assert!(
            text.contains("kept beside it as “p.marginalia.ron.bak”"),
            "{text}"
        );
        // A path that is gone: no "os error 2".
        let gone = tmp.path().join("gone.marginalia.ron");
        let e = crate::store::load(&gone).err().ok_or("must not load")?;
        let text = open_failure_text(&gone, &e);
        assert!(
            text.starts_with("“gone.marginalia.ron” is not there"),
            "{text}"
        );
        assert!(!text.contains("os error"), "{text}");
        Ok(())
    }

    #[test]
    fn a_random_file_is_explained_with_the_detail_second() -> Result<(), Box<dyn std::error::Error>>
    {
        let tmp = tempfile::tempdir()?;
        let f = tmp.path().join("os-release");
        std::fs::write(&f, "PRETTY_NAME=\"Debian GNU/Linux 13\"\nNAME=\"Debian\"\n")?;
        let text = not_a_project(&f).ok_or("a random file must be refused")?;
        let mut lines = text.lines();
        let first = lines.next().unwrap_or_default();
        assert!(
            first.contains("“os-release” is not a Marginalia project file"),
            "{first}"
        );
        assert!(first.contains("New project from a folder"), "{first}");
        assert!(
            !first.contains("PRETTY_NAME"),
            "no parser talk on the first line: {first}"
        );
        let second = lines.next().unwrap_or_default();
        assert!(second.starts_with("Detail: "), "{second}");
        assert!(second.ends_with(&f.display().to_string()), "{second}");
        Ok(())
    }

    #[test]
    fn gitignore_covers_the_working_files_and_never_replaces_a_users_own()
    -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        assert!(write_gitignore(tmp.path())?);
        let text = std::fs::read_to_string(tmp.path().join(".gitignore"))?;
        for name in [
            "a.marginalia.ron.bak",
            "a.marginalia.ron.recovery",
            "a.marginalia.ron.lock",
            ".a.marginalia.ron.journal",
        ] {
            let covered = text.lines().filter(|l| !l.starts_with('#')).any(|pat| {
                let pat = pat.trim_start_matches(".*");
                let pat = pat.trim_start_matches('*');
                name.ends_with(pat)
            });
            assert!(covered, "{name} not ignored by\n{text}");
        }
        std::fs::write(tmp.path().join(".gitignore"), "mine\n")?;
        assert!(!write_gitignore(tmp.path())?);
        assert_eq!(
            std::fs::read_to_string(tmp.path().join(".gitignore"))?,
            "mine\n"
        );
        Ok(())
    }

    #[test]
    fn a_folder_of_text_is_explained_and_a_project_is_left_alone()
    -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        std::fs::write(tmp.path().join("a.txt"), "text")?;
        assert!(sources_without_project(tmp.path()));
        let text = not_a_project(tmp.path()).ok_or("a folder without a project is refused")?;
        assert!(text.contains("holds no Marginalia project"), "{text}");
        let file = crate::build_info::install_sample(tmp.path())?;
        assert_eq!(not_a_project(&file), None);
        assert_eq!(not_a_project(file.parent().ok_or("dir")?), None);
        assert!(!sources_without_project(file.parent().ok_or("dir")?));
        assert!(!sources_without_project(&file));
        Ok(())
    }
}
