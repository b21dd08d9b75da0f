//! Network data: people and organizations as nodes; edges from communications (sender →
//! recipient, sender → copy), shared meetings (co-participation) and relations, weighted by
//! the number of events or relations behind them; and a deterministic layout.
//!
//! Nodes are registry entries and, kept apart, unlinked mentions grouped by their folded
//! text within their type ([`Actor::Unlinked`]), so an unlinked name still shows up.
//! The Gephi, GEXF and Palladio exports write this same data.

use super::{Actor, Index, Link, Minute, TimeRange, actor_label, actor_type};
use crate::model::{DocId, Project, Slug};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// What an edge stands for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum EdgeKind {
    /// Sender → recipient of a communication.
    Communication,
    /// Sender → copy recipient of a communication.
    Copy,
    /// Two participants (or chair) of the same meeting; undirected.
    Meeting,
    /// A relation of this type; directed unless the type is symmetric.
    Relation(Slug),
}

impl EdgeKind {
    /// A short name: `communication`, `copy`, `meeting`, or the relation type id.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Communication => "communication",
            Self::Copy => "copy",
            Self::Meeting => "meeting",
            Self::Relation(s) => s.as_str(),
        }
    }

    /// A label for people: "Communication", "Copy", "Shared meeting", the relation's label.
    pub fn label<'a>(&'a self, project: &'a Project) -> &'a str {
        match self {
            Self::Communication => "Communication",
            Self::Copy => "Copy",
            Self::Meeting => "Shared meeting",
            Self::Relation(s) => project.schema.label(s),
        }
    }
}

/// A person or organization in the network.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    pub actor: Actor,
    /// A stable id for exports: the entry id, or `text:<type>:<folded text>`.
    pub id: String,
    pub label: String,
    pub type_id: Slug,
    /// Sum of the weights of the node's edges.
    pub degree: usize,
}

/// An edge, with every event or relation behind it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Edge {
    /// Indexes into [`Network::nodes`]; for undirected edges `source <= target`.
    pub source: usize,
    pub target: usize,
    pub kind: EdgeKind,
    pub directed: bool,
    /// The number of events or relations behind the edge.
    pub weight: usize,
    /// The events or relations, in index order.
    pub links: Vec<Link>,
    /// The union of the dated events' ranges; `None` when none is dated.
    pub range: Option<TimeRange>,
}

/// Which events and relations a network is built from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkFilter {
    /// Entity types that become nodes.
    pub node_types: Vec<Slug>,
    /// Keep events whose range overlaps `[from, to)`. Undated events are left out; undated
    /// relations stay only between nodes that have an event in the window.
    pub window: Option<(Minute, Minute)>,
    pub document: Option<DocId>,
    /// Whether unlinked mentions become nodes.
    pub unlinked: bool,
}

impl Default for NetworkFilter {
    fn default() -> Self {
        Self {
            node_types: vec![Slug::new("person"), Slug::new("organization")],
            window: None,
            document: None,
            unlinked: true,
        }
    }
}

/// The data a network panel draws, and the network exports write.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Network {
    /// By label, then id.
    pub nodes: Vec<Node>,
    /// By kind, then source, then target.
    pub edges: Vec<Edge>,
}

/// An edge being collected: its links and the extent of its dated events.
struct Acc {
    directed: bool,
    links: Vec<Link>,
    /// `Some(None)`: some event's range is open at that end.
    start: Option<Option<Minute>>,
    end: Option<Option<Minute>>,
}

struct Builder<'a> {
    project: &'a Project,
    filter: &'a NetworkFilter,
    /// Actors interned to dense ids, with whether each may be a node.
    ids: HashMap<&'a Actor, u32>,
    actors: Vec<(&'a Actor, bool)>,
    kinds: Vec<EdgeKind>,
    edges: HashMap<(u16, u32, u32), Acc>,
}

impl<'a> Builder<'a> {
    fn intern(&mut self, a: &'a Actor) -> (u32, bool) {
        if let Some(&i) = self.ids.get(a) {
            return (i, self.actors[i as usize].1);
        }
        let ok = (self.filter.unlinked || matches!(a, Actor::Entry(_)))
            && actor_type(self.project, a).is_some_and(|t| self.filter.node_types.contains(t));
        let i = self.actors.len() as u32;
        self.ids.insert(a, i);
        self.actors.push((a, ok));
        (i, ok)
    }

    fn kind(&mut self, kind: EdgeKind) -> u16 {
        match self.kinds.iter().position(|k| *k == kind) {
            Some(i) => i as u16,
            None => {
                self.kinds.push(kind);
                (self.kinds.len() - 1) as u16
            }
        }
    }

    fn add(
        &mut self,
        kind: u16,
        directed: bool,
        a: &'a Actor,
        b: &'a Actor,
        link: Link,
        range: Option<&TimeRange>,
    ) {
        let ((x, okx), (y, oky)) = (self.intern(a), self.intern(b));
        if x == y || !okx || !oky {
            return;
        }
        let (x, y) = if directed || a < b { (x, y) } else { (y, x) };
        let e = self.edges.entry((kind, x, y)).or_insert(Acc {
            directed,
            links: Vec::new(),
            start: None,
            end: None,
        });
        if e.links.last() != Some(&link) {
            e.links.push(link);
        }
        if let Some(r) = range {
            e.start = Some(match e.start {
                None => r.start,
                Some(s) => s.zip(r.start).map(|(p, q)| p.min(q)),
            });
            e.end = Some(match e.end {
                None => r.end,
                Some(s) => s.zip(r.end).map(|(p, q)| p.max(q)),
            });
        }
    }
}

impl Network {
    pub fn build(project: &Project, index: &Index, filter: &NetworkFilter) -> Self {
        let mut b = Builder {
            project,
            filter,
            ids: HashMap::new(),
            actors: Vec::new(),
            kinds: Vec::new(),
            edges: HashMap::new(),
        };
        let (comm, copy, meeting) = (
            b.kind(EdgeKind::Communication),
            b.kind(EdgeKind::Copy),
            b.kind(EdgeKind::Meeting),
        );
        for e in &index.events {
            if filter.document.is_some_and(|d| d != e.link.doc) {
                continue;
            }
            if let Some((from, to)) = filter.window
                && !e.range.as_ref().is_some_and(|r| r.overlaps(from, to))
            {
                continue;
            }
            let range = e.range.as_ref();
            match e.type_id.as_str() {
                "communication" => {
                    for s in e.actors("sender") {
                        for r in e.actors("recipient") {
                            b.add(comm, true, s, r, e.link, range);
                        }
                        for r in e.actors("copy_to") {
                            b.add(copy, true, s, r, e.link, range);
                        }
                    }
                }
                "meeting" => {
                    let mut people: Vec<&Actor> =
                        e.actors("participant").chain(e.actors("chair")).collect();
                    people.sort();
                    people.dedup();
                    for (i, x) in people.iter().enumerate() {
                        for y in &people[i + 1..] {
                            b.add(meeting, false, x, y, e.link, range);
                        }
                    }
                }
                _ => {}
            }
        }
        let in_window: Option<HashSet<u32>> = filter
            .window
            .map(|_| b.edges.keys().flat_map(|&(_, x, y)| [x, y]).collect());
        for r in &index.relations {
            if filter.document.is_some_and(|d| d != r.link.doc) {
                continue;
            }
            let (Some(x), Some(y)) = (&r.from.actor, &r.to.actor) else {
                continue;
            };
            if let Some(keep) = &in_window {
                let inside = |a: &Actor| b.ids.get(a).is_some_and(|i| keep.contains(i));
                if !(inside(x) && inside(y)) {
                    continue;
                }
            }
            let symmetric = project
                .schema
                .relation(&r.type_id)
                .is_some_and(|t| t.symmetric);
            let kind = b.kind(EdgeKind::Relation(r.type_id.clone()));
            b.add(kind, !symmetric, x, y, r.link, None);
        }
        // Nodes: the actors with an edge, by label then id.
        let mut used = vec![false; b.actors.len()];
        for &(_, x, y) in b.edges.keys() {
            used[x as usize] = true;
            used[y as usize] = true;
        }
        let mut nodes: Vec<(u32, Node)> = b
            .actors
            .iter()
            .enumerate()
            .filter(|(i, _)| used[*i])
            .map(|(i, (a, _))| {
                (
                    i as u32,
                    Node {
                        actor: (*a).clone(),
                        id: match a {
                            Actor::Entry(id) => id.to_string(),
                            Actor::Unlinked { type_id, text, .. } => {
                                format!("text:{type_id}:{text}")
                            }
                        },
                        label: actor_label(project, a),
                        type_id: actor_type(project, a).cloned().unwrap_or_default_slug(),
                        degree: 0,
                    },
                )
            })
            .collect();
        nodes.sort_by(|(_, a), (_, b)| a.label.cmp(&b.label).then(a.id.cmp(&b.id)));
        let mut pos = vec![0usize; b.actors.len()];
        for (n, (i, _)) in nodes.iter().enumerate() {
            pos[*i as usize] = n;
        }
        let mut nodes: Vec<Node> = nodes.into_iter().map(|(_, n)| n).collect();
        let kinds = std::mem::take(&mut b.kinds);
        let mut edges: Vec<Edge> = b
            .edges
            .into_iter()
            .map(|((k, x, y), acc)| {
                let (s, t) = (pos[x as usize], pos[y as usize]);
                let (s, t) = if acc.directed || s <= t {
                    (s, t)
                } else {
                    (t, s)
                };
                let range = match (acc.start, acc.end) {
                    (Some(a), Some(b)) if a.is_some() || b.is_some() => Some(TimeRange::span(a, b)),
                    _ => None,
                };
                Edge {
                    source: s,
                    target: t,
                    kind: kinds[k as usize].clone(),
                    directed: acc.directed,
                    weight: acc.links.len(),
                    links: acc.links,
                    range,
                }
            })
            .collect();
        edges.sort_by(|a, b| (&a.kind, a.source, a.target).cmp(&(&b.kind, b.source, b.target)));
        for e in &edges {
            nodes[e.source].degree += e.weight;
            nodes[e.target].degree += e.weight;
        }
        Network { nodes, edges }
    }

    /// The edges between two nodes, either direction.
    pub fn edges_between(&self, a: usize, b: usize) -> impl Iterator<Item = &Edge> {
        self.edges
            .iter()
            .filter(move |e| (e.source, e.target) == (a, b) || (e.source, e.target) == (b, a))
    }

    /// The node of an actor.
    pub fn node_of(&self, actor: &Actor) -> Option<usize> {
        self.nodes.iter().position(|n| &n.actor == actor)
    }
}

trait OrDefaultSlug {
    fn unwrap_or_default_slug(self) -> Slug;
}

impl OrDefaultSlug for Option<Slug> {
    fn unwrap_or_default_slug(self) -> Slug {
        self.unwrap_or_else(|| Slug::new("unknown"))
    }
}

/// Repulsion partners counted per node and round, at most.
const MAX_NEIGHBOURS: usize = 64;

/// Node positions in the unit square, `[x, y]` per node in [`Network::nodes`] order.
///
/// Fruchterman–Reingold with a fixed start (nodes on a golden-angle spiral in node order),
/// a fixed number of rounds and a cooling schedule, so the same network always gets the
/// same picture. Repulsion is counted only between nodes in neighbouring grid cells, which
/// keeps a round linear in the number of nodes
/// (at most [`MAX_NEIGHBOURS`] partners each).
pub fn layout(net: &Network) -> Vec<[f32; 2]> {
    let n = net.nodes.len();
    if n == 0 {
        return Vec::new();
    }
    let k = (1.0 / n as f64).sqrt();
    let mut p: Vec<[f64; 2]> = (0..n)
        .map(|i| {
            let r = 0.5 * ((i as f64 + 0.5) / n as f64).sqrt();
            let a = i as f64 * 2.399_963_229_728_653;
            [0.5 + r * a.cos(), 0.5 + r * a.sin()]
        })
        .collect();
    let rounds = if n > 1000 { 40 } else { 120 };
    let cell = 2.0 * k;
    let mut temp = 0.1f64.min(20.0 * k);
    let mut disp = vec![[0.0f64; 2]; n];
    let key = |q: &[f64; 2]| ((q[0] / cell).floor() as i64, (q[1] / cell).floor() as i64);
    for _ in 0..rounds {
        disp.iter_mut().for_each(|d| *d = [0.0, 0.0]);
        // Cell members in node order; lookups only, so the sums run in a fixed order.
        let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
        for (i, q) in p.iter().enumerate() {
            grid.entry(key(q)).or_default().push(i);
        }
        for i in 0..n {
            let (cx, cy) = key(&p[i]);
            let mut seen = 0;
            'cells: for dx in -1..=1 {
                for dy in -1..=1 {
                    let Some(others) = grid.get(&(cx + dx, cy + dy)) else {
                        continue;
                    };
                    for &j in others {
                        if i == j {
                            continue;
                        }
                        let d = [p[i][0] - p[j][0], p[i][1] - p[j][1]];
                        let dist2 = (d[0] * d[0] + d[1] * d[1]).max(1e-12);
                        let dist = dist2.sqrt();
                        if dist > cell {
                            continue;
                        }
                        let f = k * k / dist;
                        disp[i][0] += d[0] / dist * f;
                        disp[i][1] += d[1] / dist * f;
                        // Crowded spots count their nearest cells only, keeping a round linear.
                        seen += 1;
                        if seen >= MAX_NEIGHBOURS {
                            break 'cells;
                        }
                    }
                }
            }
        }
        for e in &net.edges {
            let (i, j) = (e.source, e.target);
            if i == j {
                continue;
            }
            let d = [p[i][0] - p[j][0], p[i][1] - p[j][1]];
            let dist = (d[0] * d[0] + d[1] * d[1]).sqrt().max(1e-6);
            let w = 1.0 + (e.weight as f64).ln();
            let f = dist * dist / k * w;
            for c in 0..2 {
                disp[i][c] -= d[c] / dist * f;
                disp[j][c] += d[c] / dist * f;
            }
        }
        for (q, d) in p.iter_mut().zip(&disp) {
            // A weak pull to the centre keeps separate components on the canvas.
            let g = [0.5 - q[0], 0.5 - q[1]];
            let d = [d[0] + g[0] * 0.05 * k, d[1] + g[1] * 0.05 * k];
            let len = (d[0] * d[0] + d[1] * d[1]).sqrt();
            if len > 0.0 {
                let step = len.min(temp);
                q[0] += d[0] / len * step;
                q[1] += d[1] / len * step;
            }
        }
        temp *= 0.95;
    }
    // Fit into the unit square with a margin.
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for q in &p {
        for c in 0..2 {
            lo[c] = lo[c].min(q[c]);
            hi[c] = hi[c].max(q[c]);
        }
    }
    let span = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(1e-9);
    p.iter()
        .map(|q| {
            [
                (0.05 + 0.9 * (q[0] - lo[0]) / span) as f32,
                (0.05 + 0.9 * (q[1] - lo[1]) / span) as f32,
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EntryId;

    fn node(i: usize) -> Node {
        let id = EntryId::new();
        Node {
            actor: Actor::Entry(id),
            id: id.to_string(),
            label: format!("n{i}"),
            type_id: Slug::new("person"),
            degree: 0,
        }
    }

    #[test]
    fn layout_pulls_linked_nodes_together_and_is_stable() {
        // Two triangles with no edge between them, and one loner.
        let net = Network {
            nodes: (0..7).map(node).collect(),
            edges: [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)]
                .into_iter()
                .map(|(s, t)| Edge {
                    source: s,
                    target: t,
                    kind: EdgeKind::Meeting,
                    directed: false,
                    weight: 1,
                    links: Vec::new(),
                    range: None,
                })
                .collect(),
        };
        let p = layout(&net);
        assert_eq!(p, layout(&net));
        let d =
            |a: usize, b: usize| ((p[a][0] - p[b][0]).powi(2) + (p[a][1] - p[b][1]).powi(2)).sqrt();
        let inside = d(0, 1).max(d(1, 2)).max(d(0, 2));
        let across = d(0, 3).min(d(1, 4)).min(d(2, 5));
        assert!(inside < across, "{inside} {across}");
        assert!(p.iter().flatten().all(|v| (0.0..=1.0).contains(v)));
        assert!(layout(&Network::default()).is_empty());
    }
}
