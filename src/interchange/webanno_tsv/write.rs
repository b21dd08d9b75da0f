//! Printing a [`TsvDoc`] as WebAnno TSV 3.3, the way INCEpTION writes it.
//!
//! Each span is written on the tokens it covers whole and on a sub-token row (`1-2.1`) for
//! each token it covers in part; a zero-width span sits on a sub-token row of the token that
//! contains its offset (before the first token: moved to its start; between tokens: to the
//! end of the token before). Spans are visited by start, then longest first, which fixes
//! the order of stacked values and of sub-token rows. A span gets a disambiguation id when
//! it covers several rows, shares a row with another span of its layer, or is the target
//! of an untyped slot; ids are numbered in order of first appearance, as are chains.
//! Relations are written on the first row of their dependent.

use super::{Column, FORMAT_LINE, LayerKind, Node, TsvDoc, escape_text, escape_value};
use std::collections::HashMap;
use std::fmt::Write as _;

/// A row: a token, or a sub-token (token index, position among its sub-tokens).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Unit {
    Token(usize),
    Sub(usize, usize),
}

/// Numbers handed out on first request, from 1: disambiguation ids of spans, chain ids.
#[derive(Default)]
struct Ids {
    next: usize,
    of: HashMap<usize, usize>,
}

impl Ids {
    fn get(&mut self, key: usize) -> usize {
        if let Some(&id) = self.of.get(&key) {
            return id;
        }
        self.next += 1;
        self.of.insert(key, self.next);
        self.next
    }
}

/// Prints `doc`. Sentences without tokens are left out (the format cannot hold them).
pub fn print(doc: &TsvDoc) -> String {
    let mut out = String::new();
    out.push_str(FORMAT_LINE);
    out.push('\n');
    for l in &doc.layers {
        let _ = writeln!(out, "#{}={}", l.kind.prefix(), l.spec());
    }
    out.push_str("\n\n");

    // Byte offset of each UTF-16 position of the text.
    let mut byte_at = Vec::with_capacity(doc.text.len() + 1);
    for (b, c) in doc.text.char_indices() {
        for _ in 0..c.len_utf16() {
            byte_at.push(b);
        }
    }
    byte_at.push(doc.text.len());
    let slice = |b: usize, e: usize| -> &str {
        let bb = byte_at.get(b).copied().unwrap_or(doc.text.len());
        let be = byte_at.get(e).copied().unwrap_or(doc.text.len());
        doc.text.get(bb..be.max(bb)).unwrap_or("")
    };

    // Rows of every span, and the spans of every row.
    let tokens = &doc.tokens;
    let mut subs: Vec<Vec<(usize, usize)>> = vec![Vec::new(); tokens.len()];
    let mut order: Vec<usize> = (0..doc.spans.len()).collect();
    order.sort_by_key(|&s| (doc.spans[s].begin, std::cmp::Reverse(doc.spans[s].end), s));
    let mut units_of: Vec<Vec<Unit>> = vec![Vec::new(); doc.spans.len()];
    let mut at: HashMap<Unit, Vec<usize>> = HashMap::new();
    for &s in &order {
        let a = &doc.spans[s];
        let mut units = Vec::new();
        let covered: Vec<usize> = if a.begin < a.end {
            let first = tokens.partition_point(|t| t.end <= a.begin);
            (first..tokens.len())
                .take_while(|&t| tokens[t].begin < a.end)
                .collect()
        } else {
            Vec::new()
        };
        if covered.is_empty() {
            if let Some((t, p)) = zero_width_home(tokens, a.begin) {
                units.push(sub_unit(&mut subs, t, p, p));
            }
        } else {
            for t in covered {
                let tok = tokens[t];
                if a.begin <= tok.begin && a.end >= tok.end {
                    units.push(Unit::Token(t));
                } else {
                    let b = a.begin.max(tok.begin);
                    let e = a.end.min(tok.end);
                    units.push(sub_unit(&mut subs, t, b, e));
                }
            }
        }
        for u in &units {
            at.entry(*u).or_default().push(s);
        }
        units_of[s] = units;
    }

    let mut needs_id = vec![false; doc.spans.len()];
    for (s, a) in doc.spans.iter().enumerate() {
        if doc.layers[a.layer].kind != LayerKind::Span {
            continue;
        }
        let stacked = units_of[s].iter().any(|u| {
            at.get(u)
                .is_some_and(|v| v.iter().filter(|&&o| doc.spans[o].layer == a.layer).count() > 1)
        });
        needs_id[s] = units_of[s].len() > 1 || stacked;
    }
    for a in &doc.spans {
        for link in &a.links {
            let untyped = doc.layers[a.layer].slot_target(&link.feature) == Some(super::ANY_TYPE);
            if untyped && let Node::Span(t) = link.target {
                needs_id[t] = true;
            }
        }
    }

    let mut chain_of: HashMap<usize, (usize, usize)> = HashMap::new();
    for (c, ch) in doc.chains.iter().enumerate() {
        for (k, &s) in ch.links.iter().enumerate() {
            chain_of.insert(s, (c, k + 1));
        }
    }

    let unit_of_node = |n: Node| -> Option<Unit> {
        match n {
            Node::Token(t) => Some(Unit::Token(t)),
            Node::Span(s) => units_of.get(s).and_then(|u| u.first().copied()),
        }
    };
    let mut rel_at: HashMap<Unit, Vec<usize>> = HashMap::new();
    for (r, rel) in doc.relations.iter().enumerate() {
        if let Some(u) = unit_of_node(rel.dependent) {
            rel_at.entry(u).or_default().push(r);
        }
    }

    // Row names.
    let mut token_sentence = vec![(0usize, 0usize); tokens.len()];
    let mut per_sentence: Vec<Vec<usize>> = vec![Vec::new(); doc.sentences.len()];
    let mut si = 0;
    for (t, tok) in tokens.iter().enumerate() {
        // Sentences and tokens are both sorted: the sentence holding a token is the last
        // one starting at or before it.
        while si + 1 < doc.sentences.len() && doc.sentences[si + 1].begin <= tok.begin {
            si += 1;
        }
        if let Some(list) = per_sentence.get_mut(si) {
            list.push(t);
        }
    }
    let written: Vec<usize> = (0..doc.sentences.len())
        .filter(|&s| !per_sentence[s].is_empty())
        .collect();
    for (n, &s) in written.iter().enumerate() {
        for (k, &t) in per_sentence[s].iter().enumerate() {
            token_sentence[t] = (n + 1, k + 1);
        }
    }
    let name = |u: Unit| -> String {
        match u {
            Unit::Token(t) => {
                let (s, k) = token_sentence[t];
                format!("{s}-{k}")
            }
            Unit::Sub(t, i) => {
                let (s, k) = token_sentence[t];
                format!("{s}-{k}.{}", i + 1)
            }
        }
    };

    let mut p = Printer {
        doc,
        needs_id: &needs_id,
        chain_of: &chain_of,
        first_unit: &|n: Node| unit_of_node(n).map_or_else(String::new, name),
        ids: Ids::default(),
        chain_ids: Ids::default(),
    };
    let empty = Vec::new();
    for (n, &s) in written.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let sent = &doc.sentences[s];
        if let Some(id) = &sent.id {
            let _ = writeln!(out, "#Sentence.id={}", escape_text(id));
        }
        for line in slice(sent.begin, sent.end).split('\n') {
            let _ = writeln!(out, "#Text={}", escape_text(line));
        }
        for &t in &per_sentence[s] {
            let mut rows = vec![(Unit::Token(t), tokens[t].begin, tokens[t].end)];
            rows.extend(
                subs[t]
                    .iter()
                    .enumerate()
                    .map(|(i, &(b, e))| (Unit::Sub(t, i), b, e)),
            );
            for (u, b, e) in rows {
                let _ = write!(out, "{}\t{b}-{e}\t{}\t", name(u), escape_text(slice(b, e)));
                let spans_here = at.get(&u).unwrap_or(&empty);
                let rels_here = rel_at.get(&u).unwrap_or(&empty);
                for (li, layer) in doc.layers.iter().enumerate() {
                    let on_layer: Vec<usize> = if layer.kind == LayerKind::Relation {
                        rels_here
                            .iter()
                            .copied()
                            .filter(|&r| doc.relations[r].layer == li)
                            .collect()
                    } else {
                        spans_here
                            .iter()
                            .copied()
                            .filter(|&a| doc.spans[a].layer == li)
                            .collect()
                    };
                    for ci in 0..layer.columns.len() {
                        if on_layer.is_empty() {
                            out.push('_');
                        } else {
                            let vals: Vec<String> = on_layer
                                .iter()
                                .map(|&x| {
                                    if layer.kind == LayerKind::Relation {
                                        p.relation_value(x, &layer.columns[ci])
                                    } else {
                                        p.span_value(x, layer, ci)
                                    }
                                })
                                .collect();
                            out.push_str(&vals.join("|"));
                        }
                        out.push('\t');
                    }
                }
                out.push('\n');
            }
        }
    }
    out
}

/// What cell values need besides the document: ids and the row naming.
struct Printer<'a> {
    doc: &'a TsvDoc,
    needs_id: &'a [bool],
    chain_of: &'a HashMap<usize, (usize, usize)>,
    /// The name of the first row of a node (`1-3`, `1-3.1`).
    first_unit: &'a dyn Fn(Node) -> String,
    ids: Ids,
    chain_ids: Ids,
}

impl Printer<'_> {
    /// `[n]` when span `a` needs a disambiguation id, else nothing.
    fn suffix(&mut self, a: usize) -> String {
        if self.needs_id[a] {
            format!("[{}]", self.ids.get(a))
        } else {
            String::new()
        }
    }

    /// A reference to a node: its first row, with `[n]` when it needs an id.
    fn reference(&mut self, n: Node) -> String {
        let u = (self.first_unit)(n);
        match n {
            Node::Span(t) if self.needs_id[t] => format!("{u}[{}]", self.ids.get(t)),
            _ => u,
        }
    }

    /// The value of span `a` in column `ci` of `layer`.
    fn span_value(&mut self, a: usize, layer: &super::Layer, ci: usize) -> String {
        let ann = &self.doc.spans[a];
        let value = |f: &str| ann.feature(f).map_or("*".to_owned(), escape_value);
        match &layer.columns[ci] {
            Column::Feature(f) => format!("{}{}", value(f), self.suffix(a)),
            Column::Placeholder | Column::Governor { .. } => format!("*{}", self.suffix(a)),
            Column::SlotRole { feature, .. } => {
                let roles: Vec<String> = ann
                    .links
                    .iter()
                    .filter(|l| &l.feature == feature)
                    .map(|l| l.role.as_deref().map_or("*".to_owned(), escape_value))
                    .collect();
                let r = if roles.is_empty() {
                    "_".to_owned()
                } else {
                    roles.join(";")
                };
                format!("{r}{}", self.suffix(a))
            }
            Column::SlotTarget { .. } => {
                let feature = match ci.checked_sub(1).map(|i| &layer.columns[i]) {
                    Some(Column::SlotRole { feature, .. }) => feature.as_str(),
                    _ => "",
                };
                let targets: Vec<Node> = ann
                    .links
                    .iter()
                    .filter(|l| l.feature == feature)
                    .map(|l| l.target)
                    .collect();
                if targets.is_empty() {
                    return "*".to_owned();
                }
                let refs: Vec<String> = targets.into_iter().map(|t| self.reference(t)).collect();
                refs.join(";")
            }
            Column::ChainType => {
                let (ch, _) = self.chain_of.get(&a).copied().unwrap_or((usize::MAX, 1));
                format!("{}[{}]", value("referenceType"), self.chain_ids.get(ch))
            }
            Column::ChainRelation => {
                let (ch, k) = self.chain_of.get(&a).copied().unwrap_or((usize::MAX, 1));
                let v = value("referenceRelation");
                format!("{v}->{}-{k}", self.chain_ids.get(ch))
            }
        }
    }

    /// The value of relation `r` in column `col`.
    fn relation_value(&mut self, r: usize, col: &Column) -> String {
        let rel = &self.doc.relations[r];
        match col {
            Column::Feature(f) => rel
                .features
                .iter()
                .find(|(k, _)| k == f)
                .map_or("*".to_owned(), |(_, v)| escape_value(v)),
            Column::Governor { .. } => {
                let gu = (self.first_unit)(rel.governor);
                let needs = |n: Node| matches!(n, Node::Span(s) if self.needs_id[s]);
                let (g, d) = (rel.governor, rel.dependent);
                if !needs(g) && !needs(d) {
                    return gu;
                }
                let mut id = |n: Node| match n {
                    Node::Span(s) if self.needs_id[s] => self.ids.get(s),
                    _ => 0,
                };
                let gi = id(g);
                let di = id(d);
                format!("{gu}[{gi}_{di}]")
            }
            _ => "*".to_owned(),
        }
    }
}

/// The token a zero-width span at `p` is written under, and its (moved) offset.
fn zero_width_home(tokens: &[super::Token], p: usize) -> Option<(usize, usize)> {
    // The first token ending at or after `p`.
    let t = tokens.partition_point(|t| t.end < p);
    if tokens.get(t).is_some_and(|tok| tok.begin <= p) {
        return Some((t, p));
    }
    if t > 0 {
        return Some((t - 1, tokens[t - 1].end));
    }
    tokens.first().map(|tok| (0, tok.begin))
}

fn sub_unit(subs: &mut [Vec<(usize, usize)>], t: usize, b: usize, e: usize) -> Unit {
    let list = &mut subs[t];
    match list.iter().position(|&r| r == (b, e)) {
        Some(i) => Unit::Sub(t, i),
        None => {
            list.push((b, e));
            Unit::Sub(t, list.len() - 1)
        }
    }
}
