//! Native file dialogs, each on its own thread so the window never waits; the choice
//! comes back over a channel as a [`Message`] read at the start of the next frame.

use super::message::Message;
use super::state::AppState;
use crate::store;
use std::path::PathBuf;

/// Which file dialog to show.
pub(super) enum Pick {
    Project,
    Folder,
    SaveAs,
    SaveCopy,
    Sources,
    /// Page images for the open document.
    Pages,
}

/// Shows a file dialog on its own thread; the choice comes back as a command.
pub(super) fn pick(st: &mut AppState, ctx: &egui::Context, what: Pick) {
    let tx = st.files_tx.clone();
    let ctx = ctx.clone();
    let dir = st.session.as_ref().map(|s| s.dir().to_path_buf());
    std::thread::spawn(move || {
        let mut d = rfd::FileDialog::new();
        if let Some(dir) = &dir {
            d = d.set_directory(dir);
        }
        let cmd = match what {
            Pick::Project => d
                .add_filter("Marginalia project", &["ron"])
                .pick_file()
                .map(Message::Open),
            Pick::Folder => d.pick_folder().map(Message::NewFromFolder),
            Pick::SaveAs => d
                .add_filter("Marginalia project", &["ron"])
                .save_file()
                .map(|p| {
                    let name = p.to_string_lossy();
                    if name.ends_with(store::PROJECT_SUFFIX) {
                        Message::SaveAs(p)
                    } else {
                        let stem = name.trim_end_matches(".ron").to_owned();
                        Message::SaveAs(PathBuf::from(format!("{stem}{}", store::PROJECT_SUFFIX)))
                    }
                }),
            Pick::SaveCopy => d.pick_folder().map(Message::SaveCopy),
            Pick::Sources => d
                .add_filter("Text", &["txt", "md"])
                .pick_files()
                .map(Message::AddDocuments),
            Pick::Pages => d
                .add_filter("Page images", &crate::facsimile::pages::IMAGE_EXTENSIONS)
                .pick_files()
                .map(|p| Message::Pages(super::panels::facsimile::PagesMsg::AddPages(p))),
        };
        if let Some(c) = cmd {
            let _ = tx.send(c.into());
            ctx.request_repaint();
        }
    });
}
