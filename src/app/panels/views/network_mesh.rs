//! The network's edges (and, for thousands of nodes, its node squares) as meshes built once
//! per network, layout and zoom bucket, cut into tiles of a grid over the layout square.
//! Panning only moves the visible tiles (an in-place transform of an `Arc`'d mesh the frame
//! before gave back); a zoom within the bucket scales them; tiles off the plot are skipped.
//! Building again happens when the network, its layout, the zoom bucket or the theme change.

use super::color32;
use crate::model::Project;
use crate::views::network::{EdgeKind, Network};
use crate::views::svg;
use egui::emath::TSTransform;
use egui::{Color32, Mesh, Pos2, Rect, Shape, vec2};
use std::sync::Arc;

/// Tiles per side of the grid over the layout square.
const GRID: usize = 8;
/// Zoom buckets are powers of this: within one, widths are at most ~12% off.
const BUCKET: f32 = 1.25;

/// Node radius in points for a degree.
pub fn radius(degree: usize) -> f32 {
    3.0 + (degree as f32).sqrt().min(10.0)
}

/// What a cache was built for: the network and layout (by identity), the zoom bucket, the
/// theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key {
    net: usize,
    pos: usize,
    bucket: i32,
    dark: bool,
    squares: bool,
}

/// One tile: a mesh, its bounds in built coordinates, and the transform its vertices carry.
struct Tile {
    mesh: Arc<Mesh>,
    bounds: Rect,
    applied: TSTransform,
}

impl Tile {
    fn new(mesh: Mesh) -> Self {
        let bounds = mesh.calc_bounds();
        Self {
            mesh: Arc::new(mesh),
            bounds,
            applied: TSTransform::IDENTITY,
        }
    }

    /// The mesh moved to `to` (built coordinates → screen), as a shape.
    fn shape(&mut self, to: TSTransform) -> Shape {
        if self.applied != to {
            let delta = to * self.applied.inverse();
            Arc::make_mut(&mut self.mesh).transform(delta);
            self.applied = to;
        }
        Shape::Mesh(self.mesh.clone())
    }
}

/// Cached meshes of one network at one zoom bucket. Built coordinates: the layout's unit
/// square centred on the origin, `side` points wide.
pub struct MeshCache {
    key: Key,
    side: f32,
    edges: Vec<Tile>,
    nodes: Vec<Tile>,
}

fn bucket(side: f32) -> i32 {
    (side.max(1.0).ln() / BUCKET.ln()).round() as i32
}

fn cell(p: [f32; 2]) -> usize {
    let c = |x: f32| ((x.clamp(0.0, 0.999_999) * GRID as f32) as usize).min(GRID - 1);
    c(p[1]) * GRID + c(p[0])
}

impl MeshCache {
    /// Builds the tiles; `squares`: nodes as squares in meshes too.
    fn build(p: &Project, net: &Network, pos: &[[f32; 2]], key: Key) -> Self {
        let side = BUCKET.powi(key.bucket);
        let at = |q: [f32; 2]| Pos2::new((q[0] - 0.5) * side, (q[1] - 0.5) * side);
        let mut kinds: Vec<(EdgeKind, Color32)> = Vec::new();
        let mut edges: Vec<Mesh> = (0..GRID * GRID).map(|_| Mesh::default()).collect();
        for e in &net.edges {
            let (Some(&qa), Some(&qb)) = (pos.get(e.source), pos.get(e.target)) else {
                continue;
            };
            let c = match kinds.iter().find(|(k, _)| *k == e.kind) {
                Some((_, c)) => *c,
                None => {
                    let c = color32(svg::edge_color(p, &e.kind)).gamma_multiply(0.7);
                    kinds.push((e.kind.clone(), c));
                    c
                }
            };
            let (a, b) = (at(qa), at(qb));
            let d = b - a;
            let len = d.length();
            if len < 0.5 {
                continue;
            }
            let w = 0.8 + (e.weight as f32).ln_1p();
            let n = vec2(-d.y, d.x) / len * (w / 2.0);
            let Some(mesh) = edges.get_mut(cell([(qa[0] + qb[0]) / 2.0, (qa[1] + qb[1]) / 2.0]))
            else {
                continue;
            };
            let base = mesh.vertices.len() as u32;
            for q in [a + n, a - n, b - n, b + n] {
                mesh.colored_vertex(q, c);
            }
            mesh.add_triangle(base, base + 1, base + 2);
            mesh.add_triangle(base, base + 2, base + 3);
        }
        let mut nodes: Vec<Mesh> = (0..GRID * GRID).map(|_| Mesh::default()).collect();
        if key.squares {
            let mut types: Vec<(&crate::model::Slug, Color32)> = Vec::new();
            for (i, n) in net.nodes.iter().enumerate() {
                let Some(&q) = pos.get(i) else { continue };
                let fill = match types.iter().find(|(t, _)| *t == &n.type_id) {
                    Some((_, c)) => *c,
                    None => {
                        let c = color32(svg::type_color(p, &n.type_id));
                        types.push((&n.type_id, c));
                        c
                    }
                };
                let r = radius(n.degree);
                if let Some(mesh) = nodes.get_mut(cell(q)) {
                    mesh.add_colored_rect(Rect::from_center_size(at(q), vec2(r, r)), fill);
                }
            }
        }
        let tiles = |v: Vec<Mesh>| {
            v.into_iter()
                .filter(|m| !m.is_empty())
                .map(Tile::new)
                .collect::<Vec<_>>()
        };
        Self {
            key,
            side,
            edges: tiles(edges),
            nodes: tiles(nodes),
        }
    }

    /// The cache for this network, layout and zoom (`side`: points the unit square spans),
    /// built again only when one of them or the theme changed.
    pub fn ensure<'a>(
        slot: &'a mut Option<MeshCache>,
        p: &Project,
        net: &Arc<Network>,
        pos: &Arc<Vec<[f32; 2]>>,
        side: f32,
        dark: bool,
        squares: bool,
    ) -> &'a mut MeshCache {
        let key = Key {
            net: Arc::as_ptr(net) as usize,
            pos: Arc::as_ptr(pos) as usize,
            bucket: bucket(side),
            dark,
            squares,
        };
        if slot.as_ref().is_none_or(|c| c.key != key) {
            *slot = None;
        }
        slot.get_or_insert_with(|| MeshCache::build(p, net, pos, key))
    }

    /// Shapes of the edge tiles (then, if built, the node tiles) that reach into `visible`,
    /// for the unit square `side` points wide centred on `centre`.
    pub fn shapes(&mut self, centre: Pos2, side: f32, visible: Rect) -> (Vec<Shape>, Vec<Shape>) {
        let to = TSTransform::new(centre.to_vec2(), side / self.side);
        let pick = |tiles: &mut Vec<Tile>| {
            tiles
                .iter_mut()
                .filter(|t| visible.intersects(to * t.bounds))
                .map(|t| t.shape(to))
                .collect::<Vec<_>>()
        };
        (pick(&mut self.edges), pick(&mut self.nodes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_and_cells() {
        assert_eq!(bucket(BUCKET.powi(20)), 20);
        assert_eq!(bucket(BUCKET.powi(20) * 1.1), 20);
        assert_eq!(bucket(BUCKET.powi(20) * 1.2), 21);
        assert_eq!(cell([0.0, 0.0]), 0);
        assert_eq!(cell([1.0, 1.0]), GRID * GRID - 1);
        assert_eq!(cell([-3.0, 0.5]), (GRID / 2) * GRID);
    }

    #[test]
    fn a_tile_moves_to_each_transform_without_drifting() {
        let mut m = Mesh::default();
        m.add_colored_rect(
            Rect::from_min_max(Pos2::new(-1.0, -1.0), Pos2::new(1.0, 1.0)),
            Color32::RED,
        );
        let mut t = Tile::new(m);
        for i in 0..1000 {
            let _ = t.shape(TSTransform::new(vec2(i as f32, 2.0 * i as f32), 1.0));
        }
        let _ = t.shape(TSTransform::new(vec2(500.0, 300.0), 2.0));
        let b = t.mesh.calc_bounds();
        assert!((b.min.x - 498.0).abs() < 0.01, "{b:?}");
        assert!((b.max.y - 302.0).abs() < 0.01, "{b:?}");
    }
}
