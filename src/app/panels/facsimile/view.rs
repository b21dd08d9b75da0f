//! The viewer's camera: which part of the (rotated) page the pane shows and at what zoom,
//! mapping between screen points and full-size image pixels. Plain arithmetic, tested
//! without a window.

use crate::facsimile::{Rotation, ViewRect};
use egui::{Pos2, Rect, Vec2, pos2, vec2};

/// Smallest and largest zoom, screen points per full-size image pixel.
pub const MIN_ZOOM: f64 = 1.0 / 256.0;
pub const MAX_ZOOM: f64 = 16.0;

/// Where the pane looks. Invariant: `zoom` is finite and within `MIN_ZOOM..=MAX_ZOOM`;
/// `center` is a point of the rotated page (full-size pixels) shown at the pane's centre.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    pub zoom: f64,
    pub center: (f64, f64),
    pub rotation: Rotation,
    /// Full-size image width and height (unrotated).
    pub size: (u32, u32),
}

impl Camera {
    /// A camera on a `width × height` page, fitted into `pane`.
    pub fn fit_page(size: (u32, u32), rotation: Rotation, pane: Vec2) -> Self {
        let mut c = Self {
            zoom: 1.0,
            center: (0.0, 0.0),
            rotation,
            size,
        };
        c.fit(pane, false);
        c
    }

    /// The rotated page size in full-size pixels.
    pub fn rotated(&self) -> (f64, f64) {
        let (w, h) = self.rotation.rotated_size(self.size.0, self.size.1);
        (f64::from(w.max(1)), f64::from(h.max(1)))
    }

    /// Fits the whole page (`width_only`: its width, showing the top) into `pane`.
    pub fn fit(&mut self, pane: Vec2, width_only: bool) {
        let (rw, rh) = self.rotated();
        let (pw, ph) = (f64::from(pane.x.max(1.0)), f64::from(pane.y.max(1.0)));
        let zoom = if width_only {
            pw / rw
        } else {
            (pw / rw).min(ph / rh)
        };
        self.set_zoom(zoom);
        let top = if width_only {
            (ph / 2.0 / self.zoom).min(rh / 2.0)
        } else {
            rh / 2.0
        };
        self.center = (rw / 2.0, top);
    }

    fn set_zoom(&mut self, zoom: f64) {
        self.zoom = if zoom.is_finite() {
            zoom.clamp(MIN_ZOOM, MAX_ZOOM)
        } else {
            1.0
        };
    }

    /// Zooms by `factor` keeping the page point under `anchor` (screen) where it is.
    pub fn zoom_at(&mut self, pane: Rect, anchor: Pos2, factor: f64) {
        let before = self.screen_to_view(pane, anchor);
        self.set_zoom(self.zoom * factor);
        let after = self.screen_to_view(pane, anchor);
        self.center.0 += before.0 - after.0;
        self.center.1 += before.1 - after.1;
        self.clamp_center();
    }

    /// Moves the view by `delta` screen points (content follows the pointer).
    pub fn pan(&mut self, delta: Vec2) {
        self.center.0 -= f64::from(delta.x) / self.zoom;
        self.center.1 -= f64::from(delta.y) / self.zoom;
        self.clamp_center();
    }

    /// Keeps the centre on the page so it cannot be lost off screen.
    fn clamp_center(&mut self) {
        let (rw, rh) = self.rotated();
        self.center.0 = self.center.0.clamp(0.0, rw);
        self.center.1 = self.center.1.clamp(0.0, rh);
    }

    /// Turns the page 90° clockwise, keeping the same page point at the centre.
    pub fn rotate(&mut self) {
        let (w, h) = (f64::from(self.size.0), f64::from(self.size.1));
        let img = self.rotation.to_image(w, h, self.center.0, self.center.1);
        self.rotation = self.rotation.clockwise();
        self.center = self.rotation.to_view(w, h, img.0, img.1);
    }

    /// Centres the view on image point `(x, y)`.
    pub fn center_on(&mut self, x: f64, y: f64) {
        let (w, h) = (f64::from(self.size.0), f64::from(self.size.1));
        self.center = self.rotation.to_view(w, h, x, y);
        self.clamp_center();
    }

    fn screen_to_view(&self, pane: Rect, p: Pos2) -> (f64, f64) {
        let c = pane.center();
        (
            self.center.0 + f64::from(p.x - c.x) / self.zoom,
            self.center.1 + f64::from(p.y - c.y) / self.zoom,
        )
    }

    /// The image pixel under screen point `p` (may lie outside the image).
    pub fn to_image(&self, pane: Rect, p: Pos2) -> (f64, f64) {
        let (u, v) = self.screen_to_view(pane, p);
        let (w, h) = (f64::from(self.size.0), f64::from(self.size.1));
        self.rotation.to_image(w, h, u, v)
    }

    /// The screen point of image point `(x, y)`.
    pub fn to_screen(&self, pane: Rect, x: f64, y: f64) -> Pos2 {
        let (w, h) = (f64::from(self.size.0), f64::from(self.size.1));
        let (u, v) = self.rotation.to_view(w, h, x, y);
        let c = pane.center();
        pos2(
            c.x + ((u - self.center.0) * self.zoom) as f32,
            c.y + ((v - self.center.1) * self.zoom) as f32,
        )
    }

    /// The screen rectangle covering image rectangle `r` (any rotation).
    pub fn rect_to_screen(&self, pane: Rect, r: ViewRect) -> Rect {
        Rect::from_two_pos(
            self.to_screen(pane, r.x0, r.y0),
            self.to_screen(pane, r.x1, r.y1),
        )
    }

    /// The part of the rotated page the pane shows, for [`crate::facsimile::Pyramid::visible_tiles`].
    pub fn viewport(&self, pane: Rect) -> ViewRect {
        let half = vec2(pane.width(), pane.height()) / 2.0;
        let (hx, hy) = (f64::from(half.x) / self.zoom, f64::from(half.y) / self.zoom);
        ViewRect {
            x0: self.center.0 - hx,
            y0: self.center.1 - hy,
            x1: self.center.0 + hx,
            y1: self.center.1 + hy,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pane() -> Rect {
        Rect::from_min_size(pos2(100.0, 50.0), vec2(400.0, 300.0))
    }

    #[test]
    fn fit_page_and_width() {
        let mut c = Camera::fit_page((2000, 3000), Rotation::R0, pane().size());
        assert!((c.zoom - 0.1).abs() < 1e-9, "300 / 3000");
        let top_left = c.to_screen(pane(), 0.0, 0.0);
        assert!((top_left.y - 50.0).abs() < 0.01);
        c.fit(pane().size(), true);
        assert!((c.zoom - 0.2).abs() < 1e-9, "400 / 2000");
        assert!(
            (c.to_screen(pane(), 0.0, 0.0).y - 50.0).abs() < 0.01,
            "top shown"
        );
        c.rotate();
        c.fit(pane().size(), false);
        assert!((c.zoom - 400.0 / 3000.0).abs() < 1e-9, "rotated: 3000 wide");
    }

    #[test]
    fn screen_and_image_round_trip_under_rotation() {
        for rot in [Rotation::R0, Rotation::R90, Rotation::R180, Rotation::R270] {
            let mut c = Camera::fit_page((1700, 2200), rot, pane().size());
            c.zoom_at(pane(), pos2(180.0, 120.0), 3.0);
            let p = c.to_screen(pane(), 870.0, 394.0);
            let (x, y) = c.to_image(pane(), p);
            assert!(
                (x - 870.0).abs() < 0.05 && (y - 394.0).abs() < 0.05,
                "{rot:?}"
            );
        }
    }

    #[test]
    fn zoom_keeps_the_point_under_the_pointer_and_pan_follows() {
        let mut c = Camera::fit_page((1000, 1000), Rotation::R0, pane().size());
        let at = pos2(200.0, 100.0);
        let before = c.to_image(pane(), at);
        c.zoom_at(pane(), at, 2.5);
        let after = c.to_image(pane(), at);
        assert!((before.0 - after.0).abs() < 1e-6 && (before.1 - after.1).abs() < 1e-6);
        let p = c.to_screen(pane(), 500.0, 500.0);
        c.pan(vec2(10.0, -4.0));
        let q = c.to_screen(pane(), 500.0, 500.0);
        assert!(((q - p) - vec2(10.0, -4.0)).length() < 0.01);
        c.zoom_at(pane(), at, f64::NAN);
        assert!(c.zoom.is_finite());
        c.zoom_at(pane(), at, 1e9);
        assert_eq!(c.zoom, MAX_ZOOM);
    }

    #[test]
    fn rotation_keeps_the_centre() {
        let mut c = Camera::fit_page((1000, 600), Rotation::R0, pane().size());
        c.center_on(200.0, 100.0);
        let mid = pane().center();
        for _ in 0..4 {
            c.rotate();
            let (x, y) = c.to_image(pane(), mid);
            assert!((x - 200.0).abs() < 1e-6 && (y - 100.0).abs() < 1e-6);
        }
        assert_eq!(c.rotation, Rotation::R0);
    }
}
