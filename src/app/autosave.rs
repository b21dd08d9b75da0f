//! Autosave, the recovery copy, and the unsaved-changes question on closing the window.

use super::state::{Dialog, SaveState};
use super::{AUTOSAVE_SECS, App, Command, RECOVERY_SECS, recovery};

impl App {
    pub(super) fn background(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        let st = &mut self.state;
        if let Some(s) = &mut st.session {
            if let Err(e) = s.keep_presence() {
                st.status = format!("cannot refresh the presence lock: {e}");
            }
            if s.lock.is_some() {
                ctx.request_repaint_after(std::time::Duration::from_secs(
                    crate::store::lock::REFRESH_SECS,
                ));
            }
        }
        if st.is_dirty() {
            if st.save_state == SaveState::Saved {
                st.save_state = SaveState::Unsaved;
            }
            if let Some(t) = st.last_change {
                if !st.recovery_written && now - t >= RECOVERY_SECS {
                    if let Some(s) = &st.session
                        && let Err(e) = recovery::write(s)
                    {
                        st.status = format!("cannot write recovery copy: {e}");
                    }
                    st.recovery_written = true;
                }
                if now - t >= AUTOSAVE_SECS
                    && st.dialog.is_none()
                    && !matches!(st.save_state, SaveState::Error(_))
                {
                    st.last_change = None;
                    self.handle(ctx, Command::Save);
                } else {
                    ctx.request_repaint_after(std::time::Duration::from_millis(500));
                }
            }
        }
    }

    pub(super) fn close_request(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && self.state.is_dirty()
            && !self.state.allow_close
            && self.screenshot.is_none()
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.state.dialog = Some(Dialog::Unsaved {
                then: Box::new(Command::Quit.into()),
            });
        }
    }
}
