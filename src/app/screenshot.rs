//! Screenshot mode (`--screenshot PATH`): render a few frames, write a PNG, close.

use super::App;
use std::path::{Path, PathBuf};

/// Screenshot mode: render a few frames, write a PNG, exit.
pub(super) struct Screenshot {
    pub(super) path: PathBuf,
    pub(super) frames: u32,
    pub(super) requested: bool,
    pub(super) done: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl App {
    pub(super) fn screenshot_step(&mut self, ctx: &egui::Context) {
        let Some(shot) = &mut self.screenshot else {
            return;
        };
        shot.frames += 1;
        ctx.request_repaint();
        if shot.done.load(std::sync::atomic::Ordering::SeqCst) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        } else if shot.frames >= 8 && !shot.requested {
            shot.requested = true;
            let path = shot.path.clone();
            let done = shot.done.clone();
            let repaint = ctx.clone();
            ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(
                egui::ScreenshotCallback::new(move |img| {
                    if let Err(e) = write_png(&path, &img) {
                        eprintln!("error: cannot write screenshot: {e}: {}", path.display());
                    }
                    done.store(true, std::sync::atomic::Ordering::SeqCst);
                    repaint.request_repaint();
                }),
            ));
        }
    }
}

fn write_png(path: &Path, img: &egui::ColorImage) -> anyhow::Result<()> {
    let [w, h] = img.size;
    let bytes: Vec<u8> = img.pixels.iter().flat_map(|c| c.to_array()).collect();
    let buf = image::RgbaImage::from_raw(w as u32, h as u32, bytes)
        .ok_or_else(|| anyhow::anyhow!("screenshot has the wrong size"))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    buf.save(path)?;
    Ok(())
}
