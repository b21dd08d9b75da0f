//! The real app's frames without a window, timed: what the frame benchmarks share.

use marginalia::app::App;
use std::time::Instant;

/// A screen of a fixed size on which the app's frames run headless.
pub struct Headless {
    ctx: egui::Context,
    size: egui::Vec2,
}

impl Headless {
    pub fn new(width: f32, height: f32) -> Self {
        Self {
            ctx: egui::Context::default(),
            size: egui::vec2(width, height),
        }
    }

    /// Runs one frame of `app` at time `t` with `events`, tessellated as a window would;
    /// returns its time in ms.
    pub fn frame(&self, app: &mut App, events: Vec<egui::Event>, t: f64) -> f64 {
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, self.size)),
            time: Some(t),
            events,
            ..Default::default()
        };
        let start = Instant::now();
        let out = self.ctx.run_ui(input, |ui| app.frame(ui));
        let _ = self.ctx.tessellate(out.shapes, out.pixels_per_point);
        start.elapsed().as_secs_f64() * 1000.0
    }
}

/// The wheel turned by `dy` points (negative: further down).
pub fn wheel(dy: f32) -> egui::Event {
    egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, dy),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
        modifiers: egui::Modifiers::NONE,
    }
}
