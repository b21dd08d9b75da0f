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
use std::collections::{BTreeMap, BTreeSet};

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

type EdgeKey = (EdgeKind, Actor, Actor);

struct Builder<'a> {
    project: &'a Project,
    filter: &'a NetworkFilter,
    edges: BTreeMap<EdgeKey, (bool, Vec<Link>, Option<TimeRange>)>,
}

impl Builder<'_> {
    fn node_ok(&self, a: &Actor) -> bool {
        (self.filter.unlinked || matches!(a, Actor::Entry(_)))
            && actor_type(self.project, a).is_some_and(|t| self.filter.node_types.contains(t))
    }

    fn add(
        &mut self,
        kind: EdgeKind,
        directed: bool,
        a: &Actor,
        b: &Actor,
        link: Link,
        range: Option<&TimeRange>,
    ) {
        if a == b || !self.node_ok(a) || !self.node_ok(b) {
            return;
        }
        let (a, b) = if directed || a < b { (a, b) } else { (b, a) };
        let e = self
            .edges
            .entry((kind, a.clone(), b.clone()))
            .or_insert((directed, Vec::new(), None));
        if e.1.last() != Some(&link) {
            e.1.push(link);
        }
        if let Some(r) = range {
            e.2 = Some(match &e.2 {
                Some(x) => x.union(r),
                None => r.clone(),
            });
        }
    }
}

impl Network {
    pub fn build(project: &Project, index: &Index, filter: &NetworkFilter) -> Self {
        let mut b = Builder {
            project,
            filter,
            edges: BTreeMap::new(),
        };
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
                    let senders: Vec<&Actor> = e.actors("sender").collect();
                    for s in &senders {
                        for r in e.actors("recipient") {
                            b.add(EdgeKind::Communication, true, s, r, e.link, range);
                        }
                        for r in e.actors("copy_to") {
                            b.add(EdgeKind::Copy, true, s, r, e.link, range);
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
                            b.add(EdgeKind::Meeting, false, x, y, e.link, range);
                        }
                    }
                }
                _ => {}
            }
        }
        let in_window: Option<BTreeSet<Actor>> = filter.window.map(|_| {
            b.edges
                .keys()
                .flat_map(|(_, x, y)| [x.clone(), y.clone()])
                .collect()
        });
        for r in &index.relations {
            if filter.document.is_some_and(|d| d != r.link.doc) {
                continue;
            }
            let (Some(x), Some(y)) = (&r.from.actor, &r.to.actor) else {
                continue;
            };
            if let Some(keep) = &in_window
                && !(keep.contains(x) && keep.contains(y))
            {
                continue;
            }
            let symmetric = project
                .schema
                .relation(&r.type_id)
                .is_some_and(|t| t.symmetric);
            b.add(
                EdgeKind::Relation(r.type_id.clone()),
                !symmetric,
                x,
                y,
                r.link,
                None,
            );
        }
        let mut actors: BTreeSet<&Actor> = BTreeSet::new();
        for (_, x, y) in b.edges.keys() {
            actors.insert(x);
            actors.insert(y);
        }
        let mut nodes: Vec<Node> = actors
            .into_iter()
            .map(|a| Node {
                actor: a.clone(),
                id: match a {
                    Actor::Entry(id) => id.to_string(),
                    Actor::Unlinked { type_id, text } => format!("text:{type_id}:{text}"),
                },
                label: actor_label(project, a),
                type_id: actor_type(project, a).cloned().unwrap_or_default_slug(),
                degree: 0,
            })
            .collect();
        nodes.sort_by(|a, b| a.label.cmp(&b.label).then(a.id.cmp(&b.id)));
        let pos: BTreeMap<&Actor, usize> =
            nodes.iter().enumerate().map(|(i, n)| (&n.actor, i)).collect();
        let mut edges = Vec::with_capacity(b.edges.len());
        for ((kind, x, y), (directed, links, range)) in &b.edges {
            let (Some(&s), Some(&t)) = (pos.get(x), pos.get(y)) else {
                continue;
            };
            let (s, t) = if *directed || s <= t { (s, t) } else { (t, s) };
            edges.push(Edge {
                source: s,
                target: t,
                kind: kind.clone(),
                directed: *directed,
                weight: links.len(),
                links: links.clone(),
                range: range.clone(),
            });
        }
        edges.sort_by(|a, b| {
            (&a.kind, a.source, a.target).cmp(&(&b.kind, b.source, b.target))
        });
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

/// Node positions in the unit square, `[x, y]` per node in [`Network::nodes`] order.
///
/// Fruchterman–Reingold with a fixed start (nodes on a golden-angle spiral in node order),
/// a fixed number of rounds and a cooling schedule, so the same network always gets the
/// same picture. Repulsion is counted only between nodes in neighbouring grid cells, which
/// keeps a round linear in the number of nodes.
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
    let mut temp = 0.1;
    let mut disp = vec![[0.0f64; 2]; n];
    for _ in 0..rounds {
        disp.iter_mut().for_each(|d| *d = [0.0, 0.0]);
        let mut grid: BTreeMap<(i64, i64), Vec<usize>> = BTreeMap::new();
        for (i, q) in p.iter().enumerate() {
            grid.entry(((q[0] / cell).floor() as i64, (q[1] / cell).floor() as i64))
                .or_default()
                .push(i);
        }
        for (&(cx, cy), members) in &grid {
            for dx in -1..=1 {
                for dy in -1..=1 {
                    let Some(others) = grid.get(&(cx + dx, cy + dy)) else {
                        continue;
                    };
                    for &i in members {
                        for &j in others {
                            if i == j {
                                continue;
                            }
                            let d = [p[i][0] - p[j][0], p[i][1] - p[j][1]];
                            let dist2 = (d[0] * d[0] + d[1] * d[1]).max(1e-9);
                            let dist = dist2.sqrt();
                            if dist > cell {
                                continue;
                            }
                            let f = k * k / dist;
                            disp[i][0] += d[0] / dist * f;
                            disp[i][1] += d[1] / dist * f;
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
