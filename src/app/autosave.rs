//! Autosave, the recovery copy, and the unsaved-changes question on closing the window.

use super::state::{Dialog, SaveState};
use super::{AUTOSAVE_SECS, App, Command, RECOVERY_SECS, recovery, watch};

/// The environment variable that sets the autosave delay in seconds (`off`: no autosave,
/// only Ctrl+S saves). For trials that race two saves by hand (`.ci/checks/two_windows.sh`)
/// and for people who want to decide when their work is written; see `docs/design.md`.
pub const AUTOSAVE_ENV: &str = "MARGINALIA_AUTOSAVE_SECS";

/// Seconds after the last change before an autosave; `None`: autosave is off.
/// [`AUTOSAVE_SECS`] unless [`AUTOSAVE_ENV`] says otherwise (read once).
pub(crate) fn autosave_delay() -> Option<f64> {
    static DELAY: std::sync::LazyLock<Option<f64>> =
        std::sync::LazyLock::new(|| parse_autosave(std::env::var(AUTOSAVE_ENV).ok().as_deref()));
    *DELAY
}

/// The autosave delay a value of [`AUTOSAVE_ENV`] asks for: `off` (or `never`) → none, a
/// number of seconds ≥ 0 → that; unset or anything else → [`AUTOSAVE_SECS`] (with a
/// warning on standard error, so a typo does not silently turn autosave off).
fn parse_autosave(value: Option<&str>) -> Option<f64> {
    let Some(v) = value.map(str::trim) else {
        return Some(AUTOSAVE_SECS);
    };
    if v.eq_ignore_ascii_case("off") || v.eq_ignore_ascii_case("never") {
        return None;
    }
    match v.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs >= 0.0 => Some(secs),
        _ => {
            eprintln!(
                "marginalia: {AUTOSAVE_ENV}={v:?} is neither a number of seconds nor \"off\"; autosave stays at {AUTOSAVE_SECS} s"
            );
            Some(AUTOSAVE_SECS)
        }
    }
}

impl super::AppState {
    /// What every change to the project's data means for the window, whatever made it (a
    /// command, typing, undo or redo, a source taken from disk): `change` is what
    /// [`crate::session::Session::commit`] (or undo, redo) returned. Unsaved from now,
    /// autosave and the recovery copy counted from `now`, views revalidated.
    pub(crate) fn changed(&mut self, change: &crate::session::Change, now: f64) {
        self.status = change.label.clone();
        self.last_change = Some(now);
        self.recovery_written = false;
        self.save_state = SaveState::Unsaved;
        self.revalidate();
    }
}

impl App {
    pub(super) fn background(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        self.watch_disk(ctx, now);
        self.pick_up_sources();
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
                if autosave_delay().is_some_and(|d| now - t >= d)
                    && st.dialog.is_none()
                    && !matches!(st.save_state, SaveState::Error(_))
                {
                    st.last_change = None;
                    // An autosave that went well is shown by the status bar's save state, not
                    // spoken: the message (a live region) stays as it was. Merges and errors
                    // are said.
                    let before = st.status.clone();
                    self.handle(ctx, Command::Save);
                    let st = &mut self.state;
                    if st.save_state == SaveState::Saved && st.status.starts_with("Saved") {
                        st.status = before;
                    }
                } else if autosave_delay().is_some() || !st.recovery_written {
                    ctx.request_repaint_after(std::time::Duration::from_millis(500));
                }
            }
        }
    }

    /// Merges what other writers saved into the open project as soon as the watch sees it
    /// (see [`watch`]); says in the status bar what came in.
    fn watch_disk(&mut self, ctx: &egui::Context, now: f64) {
        let st = &mut self.state;
        let Some(s) = &mut st.session else {
            st.watch = None;
            return;
        };
        if s.disk.project_hash.is_none() {
            return;
        }
        if st
            .watch
            .as_ref()
            .is_none_or(|w| w.project_file != s.disk.project_file)
        {
            let ctx = ctx.clone();
            st.watch = Some(watch::Watch::start(s, move || ctx.request_repaint()));
        }
        let Some(w) = &mut st.watch else { return };
        if w.is_polling() {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(watch::POLL_SECS));
        }
        let was_dirty = s.is_dirty();
        let outcome = watch::check(w, s, now);
        if w.pending() {
            // Another writer was mid-save: look again soon, without waiting for input.
            ctx.request_repaint_after(watch::DEBOUNCE);
        }
        match outcome {
            watch::Outcome::Nothing => return,
            watch::Outcome::Merged { line, conflicts } => {
                st.status = line;
                if conflicts {
                    st.conflicts_open = true;
                    st.save_state = SaveState::Error("merge conflicts to resolve".into());
                } else if !was_dirty && !s.is_dirty() {
                    st.save_state = SaveState::Saved;
                } else {
                    st.last_change.get_or_insert(now);
                    st.recovery_written = false;
                }
            }
            watch::Outcome::Postponed(line) | watch::Outcome::Error(line) => st.status = line,
        }
        st.revalidate();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_autosave_delay_is_three_seconds_unless_the_environment_says_otherwise() {
        assert_eq!(parse_autosave(None), Some(AUTOSAVE_SECS));
        assert_eq!(parse_autosave(Some("off")), None);
        assert_eq!(parse_autosave(Some(" Never ")), None);
        assert_eq!(parse_autosave(Some("10")), Some(10.0));
        assert_eq!(parse_autosave(Some("0.5")), Some(0.5));
        for bad in ["", "-1", "NaN", "inf", "soon"] {
            assert_eq!(parse_autosave(Some(bad)), Some(AUTOSAVE_SECS), "{bad}");
        }
    }
}
