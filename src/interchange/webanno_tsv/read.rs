//! Parsing WebAnno TSV 3.3 into a [`TsvDoc`].
//!
//! Follows INCEpTION's reader: the text is rebuilt from the `#Text=` lines, each sentence
//! placed at its first token's offset (a gap is a line break then spaces); a value with a
//! `[n]` suffix continues the annotation with disambiguation id `n` from an earlier row;
//! columns of one layer at the same stacking index belong to one annotation; relation and
//! slot references are resolved after the whole body is read.

use super::{
    ANY_TYPE, Chain, Column, FORMAT_LINE, Layer, LayerKind, Link, Node, RelAnn, Sentence, SpanAnn,
    TOKEN_LAYER, Token, TsvDoc, split_unescaped, unescape_text, unescape_value, utf16_len,
};
use std::collections::{BTreeMap, HashMap};

/// Why a file is not WebAnno TSV 3.3, with its 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

fn err<T>(line: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        line,
        message: message.into(),
    })
}

/// A token or sub-token row.
struct Unit {
    begin: usize,
    end: usize,
    /// The token index, for token rows.
    token: Option<usize>,
    /// Span annotations on this row: (layer, stacking index, span index).
    spans: Vec<(usize, usize, usize)>,
}

/// A reference to resolve once every row is read.
struct Pending {
    line: usize,
    kind: PendingKind,
}

enum PendingKind {
    Link {
        span: usize,
        feature: String,
        role: Option<String>,
        target: String,
        layer: Option<String>,
    },
    Relation {
        layer: usize,
        unit: String,
        dependent_id: usize,
        governor: String,
        governor_id: usize,
        features: Vec<(String, String)>,
    },
}

/// Parses a whole file.
pub fn parse(raw: &str) -> Result<TsvDoc, ParseError> {
    let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
    let lines: Vec<&str> = raw
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let first = lines.first().copied().unwrap_or("");
    if !first.starts_with("#FORMAT=WebAnno TSV 3") {
        return err(
            1,
            format!("not WebAnno TSV 3: the first line must be \"{FORMAT_LINE}\""),
        );
    }
    let mut doc = TsvDoc::default();
    let mut i = 1;
    while i < lines.len() {
        let line = lines[i];
        let kind = [LayerKind::Span, LayerKind::Chain, LayerKind::Relation]
            .into_iter()
            .find_map(|k| {
                line.strip_prefix(&format!("#{}=", k.prefix()))
                    .map(|rest| (k, rest))
            });
        let Some((kind, spec)) = kind else { break };
        doc.layers.push(parse_layer(kind, spec, i + 1)?);
        i += 1;
    }
    Body::new(&mut doc).read(&lines, i)?;
    Ok(doc)
}

/// Parses a layer declaration (the text after `#T_xx=`).
pub fn parse_layer(kind: LayerKind, spec: &str, line: usize) -> Result<Layer, ParseError> {
    let fields: Vec<&str> = spec.split('|').filter(|f| !f.is_empty()).collect();
    let Some(name) = fields.first() else {
        return err(line, "a layer declaration without a type name");
    };
    let mut columns = Vec::new();
    for decl in &fields[1..] {
        let col = match kind {
            LayerKind::Span if decl.starts_with("ROLE_") => {
                let rest = &decl["ROLE_".len()..];
                let Some((_, after)) = rest.split_once(':') else {
                    return err(line, format!("slot column \"{decl}\" lacks \":\""));
                };
                let Some((feature, link_type)) = after.split_once('_') else {
                    return err(line, format!("slot column \"{decl}\" lacks a link type"));
                };
                Column::SlotRole {
                    feature: feature.to_owned(),
                    link_type: link_type.to_owned(),
                }
            }
            LayerKind::Relation if decl.starts_with("BT_") => Column::Governor {
                base: decl["BT_".len()..].to_owned(),
            },
            LayerKind::Chain if *decl == "referenceType" => Column::ChainType,
            LayerKind::Chain if *decl == "referenceRelation" => Column::ChainRelation,
            LayerKind::Span if decl.contains('.') => {
                if !matches!(columns.last(), Some(Column::SlotRole { .. })) {
                    return err(
                        line,
                        format!("slot target column \"{decl}\" must follow a ROLE_ column"),
                    );
                }
                Column::SlotTarget {
                    target: (*decl).to_owned(),
                }
            }
            _ => Column::Feature((*decl).to_owned()),
        };
        columns.push(col);
    }
    if columns.is_empty() {
        columns.push(Column::Placeholder);
    }
    if kind == LayerKind::Relation && !columns.iter().any(|c| matches!(c, Column::Governor { .. }))
    {
        return err(line, format!("relation layer {name} has no BT_ column"));
    }
    if matches!(columns.last(), Some(Column::SlotRole { .. })) {
        return err(
            line,
            format!("layer {name}: a ROLE_ column needs a target column after it"),
        );
    }
    Ok(Layer {
        kind,
        name: (*name).to_owned(),
        columns,
    })
}

/// Splits a disambiguation suffix `[n]` (or `[a_b]`) off a value.
fn split_suffix(v: &str) -> (&str, Option<&str>) {
    if v.ends_with(']')
        && !v.ends_with("\\]")
        && let Some(open) = v.rfind('[')
    {
        return (&v[..open], Some(&v[open + 1..v.len() - 1]));
    }
    (v, None)
}

/// Splits a chain link suffix `->c-l` off a value.
fn split_chain(v: &str) -> Option<(&str, usize, usize)> {
    let pos = v.rfind("->")?;
    if pos > 0 && v.as_bytes()[pos - 1] == b'\\' {
        return None;
    }
    let (c, l) = v[pos + 2..].split_once('-')?;
    Some((&v[..pos], c.parse().ok()?, l.parse().ok()?))
}

struct Body<'d> {
    doc: &'d mut TsvDoc,
    text_len: usize,
    units: HashMap<String, Unit>,
    by_id: HashMap<usize, usize>,
    chain_links: BTreeMap<(usize, usize, usize), usize>,
    pending: Vec<Pending>,
    columns: usize,
    /// Some sentence has a CR LF line break: gaps between sentences then start with CR LF
    /// too (where they have room), so the whole text keeps one line-ending style.
    crlf: bool,
}

impl<'d> Body<'d> {
    fn new(doc: &'d mut TsvDoc) -> Self {
        let columns = doc.layers.iter().map(|l| l.columns.len()).sum();
        Self {
            doc,
            text_len: 0,
            units: HashMap::new(),
            by_id: HashMap::new(),
            chain_links: BTreeMap::new(),
            pending: Vec::new(),
            columns,
            crlf: false,
        }
    }

    fn read(mut self, lines: &[&str], start: usize) -> Result<(), ParseError> {
        self.crlf = lines[start.min(lines.len())..]
            .iter()
            .any(|l| l.starts_with("#Text=") && l.ends_with("\\r") && !l.ends_with("\\\\r"));
        let mut sentence_text: Option<String> = None;
        let mut sentence_id: Option<String> = None;
        let mut in_sentence = false;
        let mut current_token: Option<(String, usize)> = None;
        for (n, line) in lines.iter().enumerate().skip(start) {
            let ln = n + 1;
            if line.is_empty() {
                if in_sentence {
                    self.close_sentence();
                    in_sentence = false;
                }
                continue;
            }
            if let Some(id) = line.strip_prefix("#Sentence.id=") {
                if in_sentence {
                    return err(
                        ln,
                        "a sentence header inside a sentence (missing blank line)",
                    );
                }
                sentence_id = Some(unescape_text(id));
                continue;
            }
            if let Some(t) = line.strip_prefix("#Text=") {
                if in_sentence {
                    return err(
                        ln,
                        "a sentence header inside a sentence (missing blank line)",
                    );
                }
                let s = sentence_text.get_or_insert_with(String::new);
                s.push_str(&unescape_text(t));
                s.push('\n');
                continue;
            }
            if line.starts_with('#') {
                return err(ln, format!("unexpected header line \"{line}\""));
            }
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() < 3 + self.columns {
                return err(
                    ln,
                    format!(
                        "{} fields, but the header declares {} annotation columns after id, offsets and text",
                        fields.len(),
                        self.columns
                    ),
                );
            }
            let id = fields[0];
            let Some((b, e)) = fields[1].split_once('-') else {
                return err(ln, format!("offsets \"{}\" are not begin-end", fields[1]));
            };
            let (Ok(begin), Ok(end)) = (b.parse::<usize>(), e.parse::<usize>()) else {
                return err(ln, format!("offsets \"{}\" are not numbers", fields[1]));
            };
            if end < begin {
                return err(
                    ln,
                    format!("offsets \"{}\" end before they begin", fields[1]),
                );
            }
            let is_sub = id.contains('.');
            if !is_sub && !in_sentence {
                let Some(text) = sentence_text.take() else {
                    return err(ln, "a token row without a #Text= sentence header before it");
                };
                self.open_sentence(&text, begin, sentence_id.take(), ln)?;
                in_sentence = true;
            } else if !in_sentence {
                return err(ln, "a sub-token row outside a sentence");
            }
            let token = if is_sub {
                let Some((parent, _)) = &current_token else {
                    return err(ln, "a sub-token row before any token row");
                };
                if !id.starts_with(&format!("{parent}.")) {
                    return err(
                        ln,
                        format!("sub-token {id} does not belong to token {parent}"),
                    );
                }
                None
            } else {
                if let Some(last) = self.doc.tokens.last()
                    && begin < last.end
                {
                    return err(ln, format!("token {id} overlaps the token before it"));
                }
                if end > self.text_len {
                    return err(ln, format!("token {id} ends after its sentence text"));
                }
                self.doc.tokens.push(Token { begin, end });
                current_token = Some((id.to_owned(), self.doc.tokens.len() - 1));
                Some(self.doc.tokens.len() - 1)
            };
            if self.units.contains_key(id) {
                return err(ln, format!("row id {id} appears twice"));
            }
            self.units.insert(
                id.to_owned(),
                Unit {
                    begin,
                    end,
                    token,
                    spans: Vec::new(),
                },
            );
            self.row(id, &fields[3..], ln)?;
        }
        if in_sentence {
            self.close_sentence();
        }
        if self.crlf && self.doc.text.ends_with('\n') && !self.doc.text.ends_with("\r\n") {
            self.doc.text.pop();
            self.doc.text.push_str("\r\n");
        }
        self.resolve()
    }

    fn open_sentence(
        &mut self,
        text: &str,
        begin: usize,
        id: Option<String>,
        ln: usize,
    ) -> Result<(), ParseError> {
        if self.text_len > begin {
            if self.text_len == begin + 1 && self.doc.text.ends_with('\n') {
                self.doc.text.pop();
                self.text_len -= 1;
            } else {
                return err(
                    ln,
                    format!("the sentence starts at {begin}, inside the sentence before it"),
                );
            }
        }
        if self.crlf
            && self.text_len < begin
            && self.doc.text.ends_with('\n')
            && !self.doc.text.ends_with("\r\n")
        {
            self.doc.text.pop();
            self.doc.text.push_str("\r\n");
            self.text_len += 1;
        }
        while self.text_len < begin {
            self.doc.text.push(' ');
            self.text_len += 1;
        }
        self.doc.sentences.push(Sentence {
            begin,
            end: begin,
            id,
        });
        self.doc.text.push_str(text);
        self.text_len += utf16_len(text);
        Ok(())
    }

    fn close_sentence(&mut self) {
        if let Some(s) = self.doc.sentences.last_mut() {
            // The text ends with the line break after the last `#Text=` line.
            s.end = self.text_len.saturating_sub(1).max(s.begin);
        }
    }

    /// Reads the annotation columns of one row.
    fn row(&mut self, unit: &str, cells: &[&str], ln: usize) -> Result<(), ParseError> {
        let mut col = 0;
        for li in 0..self.doc.layers.len() {
            let ncols = self.doc.layers[li].columns.len();
            let layer_cells = &cells[col..col + ncols];
            col += ncols;
            let stacks: Vec<Vec<&str>> = layer_cells
                .iter()
                .map(|c| {
                    if *c == "_" {
                        Vec::new()
                    } else {
                        split_unescaped(c, '|')
                    }
                })
                .collect();
            let depth = stacks.iter().map(Vec::len).max().unwrap_or(0);
            for si in 0..depth {
                let vals: Vec<Option<&str>> = stacks.iter().map(|s| s.get(si).copied()).collect();
                match self.doc.layers[li].kind {
                    LayerKind::Span => self.span_cell(li, si, unit, &vals, ln)?,
                    LayerKind::Chain => self.chain_cell(li, si, unit, &vals, ln)?,
                    LayerKind::Relation => self.relation_cell(li, unit, &vals, ln)?,
                }
            }
        }
        Ok(())
    }

    /// Finds or creates the span annotation at stacking index `si` of layer `li` on `unit`.
    fn span_at(
        &mut self,
        li: usize,
        si: usize,
        unit: &str,
        id: Option<usize>,
        ln: usize,
    ) -> Result<(usize, bool), ParseError> {
        let Some(u) = self.units.get(unit) else {
            return err(ln, format!("unknown row {unit}"));
        };
        let (ub, ue) = (u.begin, u.end);
        if let Some(&(_, _, s)) = u.spans.iter().find(|(l, i, _)| *l == li && *i == si) {
            return Ok((s, false));
        }
        let found = id.and_then(|id| self.by_id.get(&id).copied());
        let (s, new) = match found {
            Some(s) => {
                let ann = &mut self.doc.spans[s];
                if ann.layer != li {
                    return err(
                        ln,
                        format!(
                            "disambiguation id [{}] is used on two layers",
                            id.unwrap_or(0)
                        ),
                    );
                }
                ann.begin = ann.begin.min(ub);
                ann.end = ann.end.max(ue);
                (s, false)
            }
            None => {
                self.doc.spans.push(SpanAnn {
                    layer: li,
                    begin: ub,
                    end: ue,
                    features: Vec::new(),
                    links: Vec::new(),
                });
                (self.doc.spans.len() - 1, true)
            }
        };
        if let Some(id) = id {
            self.by_id.insert(id, s);
        }
        if let Some(u) = self.units.get_mut(unit) {
            u.spans.push((li, si, s));
        }
        Ok((s, new))
    }

    fn span_cell(
        &mut self,
        li: usize,
        si: usize,
        unit: &str,
        vals: &[Option<&str>],
        ln: usize,
    ) -> Result<(), ParseError> {
        let columns = self.doc.layers[li].columns.clone();
        let mut id = None;
        for (c, v) in columns.iter().zip(vals) {
            if matches!(c, Column::SlotTarget { .. }) {
                continue;
            }
            if let Some(v) = v
                && let (_, Some(d)) = split_suffix(v)
            {
                match d.parse::<usize>() {
                    Ok(n) => id = Some(n),
                    Err(_) => return err(ln, format!("bad disambiguation id [{d}]")),
                }
                break;
            }
        }
        let (s, new) = self.span_at(li, si, unit, id, ln)?;
        for (k, (c, v)) in columns.iter().zip(vals).enumerate() {
            let Some(v) = v else { continue };
            match c {
                Column::Feature(f) => {
                    let (v, _) = split_suffix(v);
                    if v != "*" && self.doc.spans[s].feature(f).is_none() {
                        self.doc.spans[s]
                            .features
                            .push((f.clone(), unescape_value(v)));
                    }
                }
                Column::SlotRole { feature, .. } if new => {
                    let (roles, _) = split_suffix(v);
                    let targets = match (columns.get(k + 1), vals.get(k + 1)) {
                        (Some(Column::SlotTarget { target }), Some(Some(t))) => {
                            Some((target.clone(), *t))
                        }
                        _ => None,
                    };
                    let Some((target_layer, targets)) = targets else {
                        if roles == "_" {
                            continue;
                        }
                        return err(ln, format!("slot roles \"{roles}\" without targets"));
                    };
                    if roles == "_" || targets == "*" {
                        continue;
                    }
                    let roles = split_unescaped(roles, ';');
                    let targets = split_unescaped(targets, ';');
                    if roles.len() != targets.len() {
                        return err(
                            ln,
                            format!("{} slot roles but {} targets", roles.len(), targets.len()),
                        );
                    }
                    for (r, t) in roles.into_iter().zip(targets) {
                        self.pending.push(Pending {
                            line: ln,
                            kind: PendingKind::Link {
                                span: s,
                                feature: feature.clone(),
                                role: (r != "*").then(|| unescape_value(r)),
                                target: t.to_owned(),
                                layer: (target_layer != ANY_TYPE).then(|| target_layer.clone()),
                            },
                        });
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn chain_cell(
        &mut self,
        li: usize,
        si: usize,
        unit: &str,
        vals: &[Option<&str>],
        ln: usize,
    ) -> Result<(), ParseError> {
        let columns = self.doc.layers[li].columns.clone();
        let mut ty = None;
        let mut rel = None;
        for (c, v) in columns.iter().zip(vals) {
            let Some(v) = v else { continue };
            match c {
                Column::ChainType => {
                    let (value, chain) = split_suffix(v);
                    ty = Some((value, chain.and_then(|c| c.parse::<usize>().ok())));
                }
                Column::ChainRelation => match split_chain(v) {
                    Some(x) => rel = Some(x),
                    None => return err(ln, format!("chain link \"{v}\" lacks ->chain-link")),
                },
                _ => {}
            }
        }
        let Some((rel_value, chain, link)) = rel else {
            return err(ln, "a chain link without a referenceRelation value");
        };
        let Some(u) = self.units.get(unit) else {
            return err(ln, format!("unknown row {unit}"));
        };
        let (ub, ue) = (u.begin, u.end);
        let s = match self.chain_links.get(&(li, chain, link)) {
            Some(&s) => {
                let a = &mut self.doc.spans[s];
                a.begin = a.begin.min(ub);
                a.end = a.end.max(ue);
                s
            }
            None => {
                let mut features = Vec::new();
                if let Some((t, _)) = ty
                    && t != "*"
                {
                    features.push(("referenceType".to_owned(), unescape_value(t)));
                }
                if rel_value != "*" {
                    features.push(("referenceRelation".to_owned(), unescape_value(rel_value)));
                }
                self.doc.spans.push(SpanAnn {
                    layer: li,
                    begin: ub,
                    end: ue,
                    features,
                    links: Vec::new(),
                });
                let s = self.doc.spans.len() - 1;
                self.chain_links.insert((li, chain, link), s);
                s
            }
        };
        if let Some(u) = self.units.get_mut(unit) {
            u.spans.push((li, si, s));
        }
        Ok(())
    }

    fn relation_cell(
        &mut self,
        li: usize,
        unit: &str,
        vals: &[Option<&str>],
        ln: usize,
    ) -> Result<(), ParseError> {
        let columns = &self.doc.layers[li].columns;
        let mut features = Vec::new();
        let mut governor = None;
        for (c, v) in columns.iter().zip(vals) {
            let Some(v) = v else { continue };
            match c {
                Column::Feature(f) if *v != "*" => features.push((f.clone(), unescape_value(v))),
                Column::Governor { .. } => {
                    let (r, ids) = split_suffix(v);
                    let (g, d) = match ids {
                        Some(ids) => {
                            let Some((g, d)) = ids.split_once('_') else {
                                return err(ln, format!("relation ids [{ids}] are not [a_b]"));
                            };
                            match (g.parse(), d.parse()) {
                                (Ok(g), Ok(d)) => (g, d),
                                _ => {
                                    return err(
                                        ln,
                                        format!("relation ids [{ids}] are not numbers"),
                                    );
                                }
                            }
                        }
                        None => (0, 0),
                    };
                    governor = Some((r.to_owned(), g, d));
                }
                _ => {}
            }
        }
        let Some((governor, governor_id, dependent_id)) = governor else {
            return err(ln, "a relation without its governor column");
        };
        self.pending.push(Pending {
            line: ln,
            kind: PendingKind::Relation {
                layer: li,
                unit: unit.to_owned(),
                dependent_id,
                governor,
                governor_id,
                features,
            },
        });
        Ok(())
    }

    /// The annotation a reference `unit` (+ id) means, on `layer` (`None`: any span layer).
    fn node(
        &self,
        unit: &str,
        id: usize,
        layer: Option<&str>,
        ln: usize,
    ) -> Result<Node, ParseError> {
        if id > 0 {
            return match self.by_id.get(&id) {
                Some(&s) => Ok(Node::Span(s)),
                None => err(ln, format!("no annotation has disambiguation id [{id}]")),
            };
        }
        let Some(u) = self.units.get(unit) else {
            return err(ln, format!("reference to unknown row {unit}"));
        };
        if layer == Some(TOKEN_LAYER) {
            return match u.token {
                Some(t) => Ok(Node::Token(t)),
                None => err(ln, format!("row {unit} is a sub-token, not a token")),
            };
        }
        let hit = u
            .spans
            .iter()
            .find(|(l, _, _)| layer.is_none_or(|name| self.doc.layers[*l].name == name));
        match (hit, u.token) {
            (Some(&(_, _, s)), _) => Ok(Node::Span(s)),
            (None, Some(t)) if layer.is_none() => Ok(Node::Token(t)),
            _ => err(
                ln,
                format!(
                    "row {unit} has no annotation of layer {}",
                    layer.unwrap_or(ANY_TYPE)
                ),
            ),
        }
    }

    fn resolve(mut self) -> Result<(), ParseError> {
        for p in std::mem::take(&mut self.pending) {
            match p.kind {
                PendingKind::Link {
                    span,
                    feature,
                    role,
                    target,
                    layer,
                } => {
                    let (unit, id) = split_suffix(&target);
                    let id = match id.map(str::parse::<usize>) {
                        Some(Ok(n)) => n,
                        Some(Err(_)) => {
                            return err(p.line, format!("bad slot target \"{target}\""));
                        }
                        None => 0,
                    };
                    let node = self.node(unit, id, layer.as_deref(), p.line)?;
                    self.doc.spans[span].links.push(Link {
                        feature,
                        role,
                        target: node,
                    });
                }
                PendingKind::Relation {
                    layer,
                    unit,
                    dependent_id,
                    governor,
                    governor_id,
                    features,
                } => {
                    let base = self.doc.layers[layer]
                        .base()
                        .filter(|b| *b != ANY_TYPE)
                        .map(str::to_owned);
                    let dependent = self.node(&unit, dependent_id, base.as_deref(), p.line)?;
                    let governor = self.node(&governor, governor_id, base.as_deref(), p.line)?;
                    self.doc.relations.push(RelAnn {
                        layer,
                        governor,
                        dependent,
                        features,
                    });
                }
            }
        }
        let mut chains: BTreeMap<(usize, usize), Vec<(usize, usize)>> = BTreeMap::new();
        for (&(layer, chain, link), &s) in &self.chain_links {
            chains.entry((layer, chain)).or_default().push((link, s));
        }
        for ((layer, _), mut links) in chains {
            links.sort();
            self.doc.chains.push(Chain {
                layer,
                links: links.into_iter().map(|(_, s)| s).collect(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC_EXAMPLE: &str = "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value\n#T_RL=webanno.custom.Relation|value|BT_de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity\n\n\n#Text=This is a test .\n1-1\t0-4\tThis\t*\t_\t_\t\n1-2\t5-7\tis\t_\t_\t_\t\n1-3\t8-9\ta\t_\t_\t_\t\n1-4\t10-14\ttest\t_\t_\t_\t\n1-5\t15-16\t.\t*[1]|*[2]\t*\t1-1[0_1]\t\n";

    #[test]
    fn relation_with_disambiguation_ids() {
        let d = parse(SPEC_EXAMPLE).unwrap();
        assert_eq!(d.text, "This is a test .\n");
        assert_eq!(d.spans.len(), 3);
        assert_eq!(d.relations.len(), 1);
        let r = &d.relations[0];
        assert_eq!(r.governor, Node::Span(0));
        assert_eq!(r.dependent, Node::Span(1));
    }

    #[test]
    fn emoji_offsets_are_utf16() {
        let f = "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n\n\n#Text=I like it 😊 .\n1-1\t0-1\tI\t_\t\n1-2\t2-6\tlike\t_\t\n1-3\t7-9\tit\t_\t\n1-4\t10-12\t😊\tsmile\t\n1-5\t13-14\t.\t_\t\n";
        let d = parse(f).unwrap();
        assert_eq!(d.spans[0].begin, 10);
        assert_eq!(d.spans[0].end, 12);
        assert_eq!(d.spans[0].feature("value"), Some("smile"));
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("#FORMAT=WebAnno TSV 3.3\n\n\n1-1\t0-4\tThis\t\n").unwrap_err();
        assert_eq!(e.line, 4);
        let e = parse("hello").unwrap_err();
        assert_eq!(e.line, 1);
    }
}
