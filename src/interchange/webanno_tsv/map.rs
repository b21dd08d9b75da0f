//! Between a [`TsvDoc`] and a Marginalia document.
//!
//! Import: a span layer becomes an entity type (mentions), a span layer with slot features
//! an event type (the span is the trigger, each slot role a role slot), a chain layer an
//! entity type for its links plus a relation type `<type>_next` joining consecutive links,
//! a relation layer a relation type (label: the layer name) between its base type. Every
//! primitive feature becomes a text attribute of its type, labelled with the feature name,
//! so nothing is lost. Tokens and sentences become mentions of the types Token and
//! Sentence (relations and slots may point at tokens, and `#Sentence.id` is kept as an
//! attribute). A zero-width span is anchored on the character beside it (anchors are never
//! empty) and carries the attribute "WebAnno zero-width offset" with its true offset.
//! Each imported type's description records its header line and position
//! (`WebAnno TSV layer 2: T_SP=…`), which export reads back to restore the column order,
//! slot link types and layer names.
//!
//! Export of a project that never came from TSV: each entity type is a span layer
//! `webanno.custom.<Label>` with its attributes as features, each event type a span layer
//! with one untyped slot feature `roles`, each relation type a relation layer; documents
//! without Token/Sentence mentions are split into sentences at line breaks and into tokens
//! at spaces and punctuation.

use super::{
    ANY_TYPE, Chain, Column, Layer, LayerKind, Link, Node, RelAnn, SENTENCE_LAYER, Sentence,
    SpanAnn, TOKEN_LAYER, Token, TsvDoc, utf16_len,
};
use crate::interchange::export::{Part, omission, omit_parts};
use crate::model::schema::{AttrKind, AttributeDef, EntityType, EventType, RelationType, RoleSlot};
use crate::model::{
    AnnId, Annotation, AttrValue, Body, Document, EntryId, Event, Mention, Project, Relation, Slug,
    SourceText, Target, TextAnchor,
};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Start of an imported type's description.
pub const DESCRIPTION_PREFIX: &str = "WebAnno TSV layer ";
/// Label of the attribute holding a zero-width span's true offset (code points).
pub const ZERO_WIDTH_LABEL: &str = "WebAnno zero-width offset";
/// Label of the Sentence type's attribute holding `#Sentence.id`.
pub const SENTENCE_ID_LABEL: &str = "id";

const PALETTE: [&str; 8] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
];

/// The description recording a layer's header line and position.
fn describe_layer(order: usize, layer: &Layer) -> String {
    format!(
        "{DESCRIPTION_PREFIX}{order}: {}={}",
        layer.kind.prefix(),
        layer.spec()
    )
}

/// Reads back [`describe_layer`]: (position, layer).
pub fn parse_description(desc: &str) -> Option<(usize, Layer)> {
    let rest = desc.strip_prefix(DESCRIPTION_PREFIX)?;
    let (order, spec) = rest.split_once(": ")?;
    let order = order.parse().ok()?;
    let (prefix, spec) = spec.lines().next()?.split_once('=')?;
    let kind = [LayerKind::Span, LayerKind::Chain, LayerKind::Relation]
        .into_iter()
        .find(|k| k.prefix() == prefix)?;
    let layer = super::read::parse_layer(kind, spec, 0).ok()?;
    Some((order, layer))
}

/// The last dot-separated part of a UIMA type name.
fn short_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// The role slot id for role `role` of slot feature `feature`.
fn role_base(feature: &str, role: Option<&str>) -> Slug {
    Slug::from_label(&format!("{feature} {}", role.unwrap_or("any")))
}

/// Offsets of one document: UTF-16 unit → code point of the LF-normalized text.
fn utf16_to_cp(raw: &str) -> Vec<usize> {
    let mut out = Vec::with_capacity(raw.len() + 1);
    let mut n = 0;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        for _ in 0..c.len_utf16() {
            out.push(n);
        }
        if !(c == '\r' && chars.peek() == Some(&'\n')) {
            n += 1;
        }
    }
    out.push(n);
    out
}

/// Schema decisions shared by all documents of one import.
#[derive(Default)]
pub struct ImportBuilder {
    types: HashMap<(LayerKind, String), Slug>,
    attrs: HashMap<(Slug, String), Slug>,
    roles: HashMap<(Slug, String, Option<String>), Slug>,
    zero_attr: Option<Slug>,
    layer_count: usize,
}

impl ImportBuilder {
    fn color(&self) -> String {
        PALETTE[self.layer_count % PALETTE.len()].to_owned()
    }

    /// The type of a layer, created when first seen.
    fn layer_type(&mut self, project: &mut Project, layer: &Layer) -> Slug {
        let key = (layer.kind, layer.name.clone());
        if let Some(s) = self.types.get(&key) {
            return s.clone();
        }
        let label = short_name(&layer.name).to_owned();
        // Tokens and sentences underline every word: a quiet grey keeps them out of the way.
        let color = if layer.name == TOKEN_LAYER || layer.name == SENTENCE_LAYER {
            "#c8c8c8".to_owned()
        } else {
            self.color()
        };
        self.layer_count += 1;
        let description = describe_layer(self.layer_count, layer);
        let schema = &mut project.schema;
        let id = schema.fresh_slug(&label);
        match layer.kind {
            LayerKind::Span if layer.slots().next().is_some() => {
                schema.event_types.push(EventType {
                    id: id.clone(),
                    label,
                    color,
                    hotkey: None,
                    roles: Vec::new(),
                    description,
                });
            }
            LayerKind::Span | LayerKind::Chain => {
                schema.entity_types.push(EntityType {
                    id: id.clone(),
                    label: label.clone(),
                    color: color.clone(),
                    hotkey: None,
                    dated: false,
                    description,
                });
                if layer.kind == LayerKind::Chain {
                    let mut next = Slug(format!("{}_next", id.0));
                    let mut n = 2;
                    while schema.kind_of(&next).is_some() || schema.attribute(&next).is_some() {
                        next = Slug(format!("{}_next_{n}", id.0));
                        n += 1;
                    }
                    schema.relation_types.push(RelationType {
                        id: next,
                        label: format!("{label} next"),
                        color,
                        from: vec![id.clone()],
                        to: vec![id.clone()],
                        symmetric: false,
                        hotkey: None,
                    });
                }
            }
            LayerKind::Relation => {
                schema.relation_types.push(RelationType {
                    id: id.clone(),
                    label: layer.name.clone(),
                    color,
                    from: Vec::new(),
                    to: Vec::new(),
                    symmetric: false,
                    hotkey: None,
                });
            }
        }
        self.types.insert(key, id.clone());
        // Every declared feature is an attribute, in column order, even when no
        // annotation has a value for it.
        for c in &layer.columns {
            match c {
                Column::Feature(f) => {
                    self.attr(project, &id, f);
                }
                Column::ChainType => {
                    self.attr(project, &id, "referenceType");
                }
                Column::ChainRelation => {
                    self.attr(project, &id, "referenceRelation");
                }
                _ => {}
            }
        }
        id
    }

    /// The text attribute for feature `feature` of type `ty`.
    fn attr(&mut self, project: &mut Project, ty: &Slug, feature: &str) -> Slug {
        let key = (ty.clone(), feature.to_owned());
        if let Some(s) = self.attrs.get(&key) {
            return s.clone();
        }
        let id = project.schema.fresh_slug(feature);
        project.schema.attributes.push(AttributeDef {
            id: id.clone(),
            label: feature.to_owned(),
            kind: AttrKind::Text,
            applies_to: vec![ty.clone()],
        });
        self.attrs.insert(key, id.clone());
        id
    }

    /// The zero-width attribute, made to apply to `ty`.
    fn zero_attr(&mut self, project: &mut Project, ty: &Slug) -> Slug {
        let id = match &self.zero_attr {
            Some(s) => s.clone(),
            None => {
                let id = project.schema.fresh_slug(ZERO_WIDTH_LABEL);
                project.schema.attributes.push(AttributeDef {
                    id: id.clone(),
                    label: ZERO_WIDTH_LABEL.to_owned(),
                    kind: AttrKind::Number,
                    applies_to: Vec::new(),
                });
                self.zero_attr = Some(id.clone());
                id
            }
        };
        if let Some(a) = project.schema.attributes.iter_mut().find(|a| a.id == id)
            && !a.applies_to.contains(ty)
        {
            a.applies_to.push(ty.clone());
        }
        id
    }

    /// The role slot for `role` of slot feature `feature` of event type `ty`.
    fn role(
        &mut self,
        project: &mut Project,
        ty: &Slug,
        feature: &str,
        role: Option<&str>,
        filler: Option<Slug>,
    ) -> Slug {
        let key = (ty.clone(), feature.to_owned(), role.map(str::to_owned));
        if let Some(s) = self.roles.get(&key) {
            return s.clone();
        }
        let Some(ev) = project.schema.event_types.iter_mut().find(|e| &e.id == ty) else {
            return role_base(feature, role);
        };
        let base = role_base(feature, role);
        let mut id = base.clone();
        let mut n = 2;
        while ev.roles.iter().any(|r| r.id == id) {
            id = Slug(format!("{}_{n}", base.0));
            n += 1;
        }
        ev.roles.push(RoleSlot {
            id: id.clone(),
            label: role.unwrap_or("").to_owned(),
            fillers: filler.into_iter().collect(),
            min: 0,
            max: None,
        });
        self.roles.insert(key, id.clone());
        id
    }

    /// Adds the annotations of `tsv` to `document` (whose text was written from
    /// `tsv.text`), extending the project's schema.
    pub fn add_document(
        &mut self,
        project: &mut Project,
        document: &mut Document,
        tsv: &TsvDoc,
    ) -> Result<(), String> {
        let token_layer = Layer {
            kind: LayerKind::Span,
            name: TOKEN_LAYER.to_owned(),
            columns: vec![Column::Placeholder],
        };
        let sentence_layer = Layer {
            kind: LayerKind::Span,
            name: SENTENCE_LAYER.to_owned(),
            columns: vec![Column::Placeholder],
        };
        let token_ty = self.layer_type(project, &token_layer);
        let sentence_ty = self.layer_type(project, &sentence_layer);
        let layer_types: Vec<Slug> = tsv
            .layers
            .iter()
            .map(|l| self.layer_type(project, l))
            .collect();
        // Relation ends and slot fillers.
        let type_of_layer = |name: &str, me: &Self| -> Option<Slug> {
            if name == TOKEN_LAYER {
                return Some(token_ty.clone());
            }
            me.types
                .get(&(LayerKind::Span, name.to_owned()))
                .or_else(|| me.types.get(&(LayerKind::Chain, name.to_owned())))
                .cloned()
        };
        for (l, ty) in tsv.layers.iter().zip(&layer_types) {
            if l.kind == LayerKind::Relation
                && let Some(base) = l.base().and_then(|b| type_of_layer(b, self))
                && let Some(rt) = project
                    .schema
                    .relation_types
                    .iter_mut()
                    .find(|r| &r.id == ty)
                && rt.from.is_empty()
            {
                rt.from = vec![base.clone()];
                rt.to = vec![base];
            }
        }

        let text = document.text.clone().unwrap_or_default();
        let map = utf16_to_cp(&tsv.text);
        if map.last().copied() != Some(text.len_chars()) {
            return Err("the rebuilt text does not match its source file".into());
        }
        let cp = |u: usize| map.get(u).copied().unwrap_or(text.len_chars());
        let mut anns: Vec<Annotation> = Vec::new();
        let mut token_ids = Vec::with_capacity(tsv.tokens.len());
        for t in &tsv.tokens {
            let mut a = Annotation::new(Body::Mention(Mention {
                type_id: token_ty.clone(),
                anchor: self
                    .anchor(project, &text, cp(t.begin), cp(t.end), &token_ty)?
                    .0,
                entry: None,
                date: None,
            }));
            if t.begin == t.end {
                let z = self.zero_attr(project, &token_ty);
                a.attributes
                    .insert(z, AttrValue::Number(cp(t.begin) as f64));
            }
            token_ids.push(a.id);
            anns.push(a);
        }
        for s in &tsv.sentences {
            let (anchor, zero) =
                self.anchor(project, &text, cp(s.begin), cp(s.end), &sentence_ty)?;
            let mut a = Annotation::new(Body::Mention(Mention {
                type_id: sentence_ty.clone(),
                anchor,
                entry: None,
                date: None,
            }));
            if let Some((z, v)) = zero {
                a.attributes.insert(z, v);
            }
            if let Some(id) = &s.id {
                let attr = self.attr(project, &sentence_ty, SENTENCE_ID_LABEL);
                a.attributes.insert(attr, AttrValue::Text(id.clone()));
            }
            anns.push(a);
        }
        let span_ids: Vec<AnnId> = tsv.spans.iter().map(|_| AnnId::new()).collect();
        let node_id = |n: Node| match n {
            Node::Span(s) => span_ids.get(s).copied(),
            Node::Token(t) => token_ids.get(t).copied(),
        };
        for (i, s) in tsv.spans.iter().enumerate() {
            let layer = &tsv.layers[s.layer];
            let ty = layer_types[s.layer].clone();
            let (anchor, zero) = self.anchor(project, &text, cp(s.begin), cp(s.end), &ty)?;
            let body = if layer.kind == LayerKind::Span && layer.slots().next().is_some() {
                let mut roles: BTreeMap<Slug, Vec<Target>> = BTreeMap::new();
                for Link {
                    feature,
                    role,
                    target,
                } in &s.links
                {
                    let filler = layer
                        .slot_target(feature)
                        .filter(|t| *t != ANY_TYPE)
                        .and_then(|t| type_of_layer(t, self));
                    let slot = self.role(project, &ty, feature, role.as_deref(), filler);
                    let Some(id) = node_id(*target) else {
                        return Err(format!("a slot of {} points at nothing", layer.name));
                    };
                    roles.entry(slot).or_default().push(Target::Annotation(id));
                }
                Body::Event(Event {
                    type_id: ty.clone(),
                    trigger: Some(anchor),
                    roles,
                    date: None,
                })
            } else {
                Body::Mention(Mention {
                    type_id: ty.clone(),
                    anchor,
                    entry: None,
                    date: None,
                })
            };
            let mut a = Annotation::new(body);
            a.id = span_ids[i];
            if let Some((z, v)) = zero {
                a.attributes.insert(z, v);
            }
            for (f, v) in &s.features {
                let attr = self.attr(project, &ty, f);
                a.attributes.insert(attr, AttrValue::Text(v.clone()));
            }
            anns.push(a);
        }
        for r in &tsv.relations {
            let ty = layer_types[r.layer].clone();
            let (Some(from), Some(to)) = (node_id(r.governor), node_id(r.dependent)) else {
                return Err(format!(
                    "a relation of {} points at nothing",
                    tsv.layers[r.layer].name
                ));
            };
            let mut a = Annotation::new(Body::Relation(Relation {
                type_id: ty.clone(),
                from: Target::Annotation(from),
                to: Target::Annotation(to),
            }));
            for (f, v) in &r.features {
                let attr = self.attr(project, &ty, f);
                a.attributes.insert(attr, AttrValue::Text(v.clone()));
            }
            anns.push(a);
        }
        for c in &tsv.chains {
            let link_ty = &layer_types[c.layer];
            let Some(next) = project
                .schema
                .relation_types
                .iter()
                .find(|r| {
                    r.from == [link_ty.clone()]
                        && r.id.0.starts_with(&format!("{}_next", link_ty.0))
                })
                .map(|r| r.id.clone())
            else {
                return Err(format!(
                    "no link relation type for chain layer {}",
                    tsv.layers[c.layer].name
                ));
            };
            for w in c.links.windows(2) {
                anns.push(Annotation::new(Body::Relation(Relation {
                    type_id: next.clone(),
                    from: Target::Annotation(span_ids[w[0]]),
                    to: Target::Annotation(span_ids[w[1]]),
                })));
            }
        }
        document.annotations = anns.into_iter().map(|a| (a.id, a)).collect();
        Ok(())
    }

    /// An anchor for `[b, e)` (code points); a zero-width one covers the character after
    /// (or before, at the end) and returns the zero-width attribute to set.
    fn anchor(
        &mut self,
        project: &mut Project,
        text: &SourceText,
        b: usize,
        e: usize,
        ty: &Slug,
    ) -> Result<(TextAnchor, Option<(Slug, AttrValue)>), String> {
        if b < e {
            return TextAnchor::span(text, b, e)
                .map(|a| (a, None))
                .map_err(|err| err.to_string());
        }
        let len = text.len_chars();
        let (s, t) = if b < len {
            (b, b + 1)
        } else if len > 0 {
            (len - 1, len)
        } else {
            return Err("a zero-width annotation in an empty document".into());
        };
        let anchor = TextAnchor::span(text, s, t).map_err(|err| err.to_string())?;
        let z = self.zero_attr(project, ty);
        Ok((anchor, Some((z, AttrValue::Number(b as f64)))))
    }
}

/// The feature name an attribute is written under: its label when that is a plain name
/// (letters, digits, `_`, starting with a letter), else its id.
fn feature_name(a: &AttributeDef) -> String {
    let plain = a
        .label
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && a.label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        a.label.clone()
    } else {
        a.id.0.clone()
    }
}

/// `name`, or `name2`, `name3` … when `taken` has it; records the result in `taken`.
fn unique(name: String, taken: &mut HashSet<String>) -> String {
    let mut out = name.clone();
    let mut n = 2;
    while !taken.insert(out.clone()) {
        out = format!("{name}{n}");
        n += 1;
    }
    out
}

/// `webanno.custom.<Label in CamelCase>` for a type that did not come from TSV.
fn native_layer_name(label: &str, id: &Slug) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out = format!("T{}", id.0);
    }
    format!("webanno.custom.{out}")
}

/// How a span layer's columns map onto a type.
struct SpanLayer {
    /// Feature name → attribute.
    features: Vec<(String, Slug)>,
    /// Role slot → (slot feature, role name; `None` is written `*`).
    roles: HashMap<Slug, (String, Option<String>)>,
}

/// The layers of a project's export, worked out once from the schema.
pub struct ExportLayers {
    layers: Vec<Layer>,
    spans: Vec<Option<SpanLayer>>,
    by_type: HashMap<Slug, usize>,
    /// Chain link relation type → chain layer.
    chain_next: HashMap<Slug, usize>,
    /// Relation layer → (feature, attribute).
    rel_features: HashMap<usize, Vec<(String, Slug)>>,
    token_ty: Option<Slug>,
    sentence_ty: Option<Slug>,
    sentence_id: Option<Slug>,
    zero_attr: Option<Slug>,
}

impl ExportLayers {
    pub fn new(project: &Project) -> Self {
        let schema = &project.schema;
        let zero_attr = schema
            .attributes
            .iter()
            .find(|a| a.label == ZERO_WIDTH_LABEL && a.kind == AttrKind::Number)
            .map(|a| a.id.clone());
        let mut token_ty = None;
        let mut sentence_ty = None;
        // (kind, order, schema position, layer, type, is event)
        let mut found: Vec<(LayerKind, usize, usize, Layer, Slug)> = Vec::new();
        let types = schema
            .entity_types
            .iter()
            .map(|t| (&t.id, &t.label, &t.description, false))
            .chain(
                schema
                    .event_types
                    .iter()
                    .map(|t| (&t.id, &t.label, &t.description, true)),
            );
        for (pos, (id, label, desc, is_event)) in types.enumerate() {
            if let Some((order, layer)) = parse_description(desc) {
                if layer.name == TOKEN_LAYER {
                    token_ty = Some(id.clone());
                    continue;
                }
                if layer.name == SENTENCE_LAYER {
                    sentence_ty = Some(id.clone());
                    continue;
                }
                found.push((layer.kind, order, pos, layer, id.clone()));
            } else {
                let name = native_layer_name(label, id);
                let columns = if is_event {
                    vec![
                        Column::SlotRole {
                            feature: "roles".into(),
                            link_type: format!("{name}RolesLink"),
                        },
                        Column::SlotTarget {
                            target: ANY_TYPE.into(),
                        },
                    ]
                } else {
                    Vec::new()
                };
                let layer = Layer {
                    kind: LayerKind::Span,
                    name,
                    columns,
                };
                found.push((LayerKind::Span, usize::MAX, pos, layer, id.clone()));
            }
        }
        let sentence_id = sentence_ty.as_ref().and_then(|s| {
            schema
                .attributes_for(s)
                .find(|a| a.label == SENTENCE_ID_LABEL)
                .map(|a| a.id.clone())
        });
        found.sort_by_key(|(k, o, p, _, _)| (*k, *o, *p));
        let mut out = Self {
            layers: Vec::new(),
            spans: Vec::new(),
            by_type: HashMap::new(),
            chain_next: HashMap::new(),
            rel_features: HashMap::new(),
            token_ty,
            sentence_ty,
            sentence_id,
            zero_attr,
        };
        let mut layer_names = HashSet::new();
        for (_, _, _, mut layer, ty) in found {
            layer.name = unique(layer.name, &mut layer_names);
            let mut features = Vec::new();
            let attrs: Vec<&AttributeDef> = schema
                .attributes_for(&ty)
                .filter(|a| Some(&a.id) != out.zero_attr.as_ref())
                .collect();
            let mut used = HashSet::new();
            for c in &layer.columns {
                let name = match c {
                    Column::Feature(f) => f.as_str(),
                    Column::ChainType => "referenceType",
                    Column::ChainRelation => "referenceRelation",
                    _ => continue,
                };
                if let Some(a) = attrs.iter().find(|a| feature_name(a) == name) {
                    features.push((name.to_owned(), a.id.clone()));
                    used.insert(a.id.clone());
                }
            }
            let mut feature_names: HashSet<String> =
                features.iter().map(|(n, _)| n.clone()).collect();
            for a in attrs.iter().filter(|a| !used.contains(&a.id)) {
                if layer.columns == [Column::Placeholder] {
                    layer.columns.clear();
                }
                let name = unique(feature_name(a), &mut feature_names);
                layer.columns.push(Column::Feature(name.clone()));
                features.push((name, a.id.clone()));
            }
            if layer.columns.is_empty() {
                layer.columns.push(Column::Placeholder);
            }
            let mut roles = HashMap::new();
            if let Some(ev) = schema.event(&ty) {
                let slots: Vec<String> = layer.slots().map(str::to_owned).collect();
                for r in &ev.roles {
                    let owner = slots
                        .iter()
                        .filter(|f| {
                            let p = Slug::from_label(f).0;
                            r.id.0 == p || r.id.0.starts_with(&format!("{p}_"))
                        })
                        .max_by_key(|f| f.len())
                        .or(slots.first());
                    if let Some(f) = owner {
                        let role = (!r.label.is_empty()).then(|| r.label.clone());
                        roles.insert(r.id.clone(), (f.clone(), role));
                    }
                }
            }
            if layer.kind == LayerKind::Chain
                && let Some(rt) = schema.relation_types.iter().find(|r| {
                    r.from == [ty.clone()] && r.id.0.starts_with(&format!("{}_next", ty.0))
                })
            {
                out.chain_next.insert(rt.id.clone(), out.layers.len());
            }
            out.by_type.insert(ty.clone(), out.layers.len());
            out.layers.push(layer);
            out.spans.push(Some(SpanLayer { features, roles }));
        }
        let layer_name = |ty: &Slug, me: &Self| -> Option<String> {
            if Some(ty) == me.token_ty.as_ref() {
                return Some(TOKEN_LAYER.to_owned());
            }
            me.by_type.get(ty).map(|&l| me.layers[l].name.clone())
        };
        for rt in &schema.relation_types {
            if out.chain_next.contains_key(&rt.id) {
                continue;
            }
            let name = if rt.label.contains('.') {
                rt.label.clone()
            } else {
                native_layer_name(&rt.label, &rt.id)
            };
            let name = unique(name, &mut layer_names);
            let base = match rt.from.as_slice() {
                [one] => layer_name(one, &out).unwrap_or_else(|| ANY_TYPE.to_owned()),
                _ => ANY_TYPE.to_owned(),
            };
            let mut columns = Vec::new();
            let mut features = Vec::new();
            let mut feature_names = HashSet::new();
            for a in schema.attributes_for(&rt.id) {
                let n = unique(feature_name(a), &mut feature_names);
                columns.push(Column::Feature(n.clone()));
                features.push((n, a.id.clone()));
            }
            columns.push(Column::Governor { base });
            out.by_type.insert(rt.id.clone(), out.layers.len());
            out.rel_features.insert(out.layers.len(), features);
            out.layers.push(Layer {
                kind: LayerKind::Relation,
                name,
                columns,
            });
            out.spans.push(None);
        }
        out
    }

    /// The TSV form of `doc`; what it cannot hold is added to `omitted`.
    pub fn document(&self, project: &Project, doc: &Document, omitted: &mut Vec<String>) -> TsvDoc {
        const FMT: &str = "WebAnno TSV";
        let text = doc.text_or_empty();
        let s = text.as_str();
        // The file gets the source's own line endings back (a CR is written `\r` at the
        // end of a `#Text=` line, as INCEpTION does), so offsets count them.
        let newline = text.line_ending().as_str();
        let newline_units = utf16_len(newline);
        let mut u16_at = Vec::with_capacity(text.len_chars() + 1);
        let mut n = 0;
        for c in s.chars() {
            u16_at.push(n);
            n += if c == '\n' {
                newline_units
            } else {
                c.len_utf16()
            };
        }
        u16_at.push(n);
        let u = |cp: usize| u16_at.get(cp).copied().unwrap_or(n);
        crate::interchange::export::omit_archival(omitted, FMT, doc);
        crate::interchange::facs::omit_facsimile(omitted, FMT, project, doc);

        let zero_of = |a: &Annotation| -> Option<usize> {
            let z = self.zero_attr.as_ref()?;
            match a.attributes.get(z) {
                Some(AttrValue::Number(v)) if *v >= 0.0 => Some(*v as usize),
                _ => None,
            }
        };
        let range = |a: &Annotation| -> Option<(usize, usize)> {
            if let Some(p) = zero_of(a) {
                return Some((u(p), u(p)));
            }
            let e = a.anchor()?.extent();
            Some((u(e.start), u(e.end)))
        };

        // Tokens and sentences.
        let mut tokens: Vec<(usize, usize, AnnId)> = Vec::new();
        let mut sentences: Vec<(usize, usize, Option<String>)> = Vec::new();
        for a in doc.annotations.values() {
            let Some(m) = a.as_mention() else { continue };
            if Some(&m.type_id) == self.token_ty.as_ref() {
                if let Some((b, e)) = range(a) {
                    tokens.push((b, e, a.id));
                }
            } else if Some(&m.type_id) == self.sentence_ty.as_ref()
                && let Some((b, e)) = range(a)
            {
                let id = self
                    .sentence_id
                    .as_ref()
                    .and_then(|k| a.attributes.get(k))
                    .map(ToString::to_string);
                sentences.push((b, e, id));
            }
        }
        tokens.sort();
        sentences.sort();
        if sentences.is_empty() {
            let mut start = 0;
            for line in s.split('\n') {
                let len = line.chars().count();
                let lead = line.chars().take_while(|c| c.is_whitespace()).count();
                let trail = line.chars().rev().take_while(|c| c.is_whitespace()).count();
                if lead < len {
                    sentences.push((u(start + lead), u(start + len - trail), None));
                }
                start += len + 1;
            }
        }
        let mut token_ids: HashMap<AnnId, usize> = HashMap::new();
        let mut tsv_tokens: Vec<Token> = Vec::new();
        if tokens.is_empty() {
            let chars: Vec<char> = s.chars().collect();
            for &(b, e, _) in &sentences {
                let (bc, ec) = (
                    u16_at.partition_point(|&x| x < b),
                    u16_at.partition_point(|&x| x < e),
                );
                let mut i = bc;
                while i < ec.min(chars.len()) {
                    let c = chars[i];
                    if c.is_whitespace() {
                        i += 1;
                    } else if c.is_alphanumeric() {
                        let st = i;
                        while i < ec && chars.get(i).is_some_and(|c| c.is_alphanumeric()) {
                            i += 1;
                        }
                        tsv_tokens.push(Token {
                            begin: u(st),
                            end: u(i),
                        });
                    } else {
                        tsv_tokens.push(Token {
                            begin: u(i),
                            end: u(i + 1),
                        });
                        i += 1;
                    }
                }
            }
        } else {
            let mut last_end = 0;
            for (b, e, id) in tokens {
                if b < last_end || b == e {
                    omitted.push(format!(
                        "{FMT} cannot express overlapping or empty tokens: token {id} in \"{}\"",
                        doc.meta.title
                    ));
                    continue;
                }
                last_end = e;
                token_ids.insert(id, tsv_tokens.len());
                tsv_tokens.push(Token { begin: b, end: e });
            }
        }
        // Each sentence starts at its first token; sentences without tokens are dropped,
        // and tokens outside every sentence get a sentence of their own.
        let mut tsv_sentences: Vec<Sentence> = Vec::new();
        let mut ti = 0;
        for (b, e, id) in sentences {
            while ti < tsv_tokens.len() && tsv_tokens[ti].begin < b {
                let t = tsv_tokens[ti];
                tsv_sentences.push(Sentence {
                    begin: t.begin,
                    end: t.end,
                    id: None,
                });
                ti += 1;
            }
            let first = ti;
            while ti < tsv_tokens.len() && tsv_tokens[ti].begin < e {
                ti += 1;
            }
            if ti > first {
                let end = e.max(tsv_tokens[ti - 1].end);
                tsv_sentences.push(Sentence {
                    begin: tsv_tokens[first].begin,
                    end,
                    id,
                });
            }
        }
        while ti < tsv_tokens.len() {
            let t = tsv_tokens[ti];
            tsv_sentences.push(Sentence {
                begin: t.begin,
                end: t.end,
                id: None,
            });
            ti += 1;
        }

        // Spans.
        let mut spans: Vec<SpanAnn> = Vec::new();
        let mut node_of: HashMap<AnnId, Node> = token_ids
            .iter()
            .map(|(id, &t)| (*id, Node::Token(t)))
            .collect();
        let mut pending_links: Vec<(usize, String, Option<String>, Target, &Annotation)> =
            Vec::new();
        let parts = [
            Part::Note,
            Part::Certainty,
            Part::Annotator,
            Part::Date,
            Part::Entry,
        ];
        for a in doc.annotations.values() {
            let ty = a.type_id();
            if Some(ty) == self.token_ty.as_ref() || Some(ty) == self.sentence_ty.as_ref() {
                continue;
            }
            if matches!(a.body, Body::Relation(_)) {
                continue;
            }
            let Some(&li) = self.by_type.get(ty) else {
                omitted.push(omission(
                    FMT,
                    "an annotation of a type missing from the schema",
                    project,
                    doc,
                    a,
                ));
                continue;
            };
            let Some(layer) = self.spans.get(li).and_then(Option::as_ref) else {
                continue;
            };
            // A region mention without words has no span; the facsimile report line names it.
            if a.region.is_some() && a.anchor().is_some_and(|an| an.fragments.is_empty()) {
                continue;
            }
            let Some((b, e)) = range(a) else {
                omitted.push(omission(FMT, "an event without a trigger", project, doc, a));
                continue;
            };
            if a.anchor().is_some_and(|an| an.fragments.len() > 1) {
                omitted.push(omission(
                    FMT,
                    "a discontinuous span (written as one span from its first to its last character)",
                    project,
                    doc,
                    a,
                ));
            }
            omit_parts(omitted, FMT, &parts, project, doc, a);
            let mut features = Vec::new();
            for (k, v) in &a.attributes {
                if Some(k) == self.zero_attr.as_ref() {
                    continue;
                }
                match layer.features.iter().find(|(_, id)| id == k) {
                    Some((name, _)) => features.push((name.clone(), v.to_string())),
                    None => omitted.push(omission(
                        FMT,
                        &format!("the attribute \"{k}\", not declared for its type"),
                        project,
                        doc,
                        a,
                    )),
                }
            }
            // Keep the layer's feature order.
            features.sort_by_key(|(n, _)| layer.features.iter().position(|(f, _)| f == n));
            let idx = spans.len();
            if let Body::Event(ev) = &a.body {
                let slot_order: Vec<&Slug> = project
                    .schema
                    .event(ty)
                    .map(|t| t.roles.iter().map(|r| &r.id).collect())
                    .unwrap_or_default();
                let mut roles: Vec<(&Slug, &Vec<Target>)> = ev.roles.iter().collect();
                roles.sort_by_key(|(r, _)| slot_order.iter().position(|s| s == r));
                for (role, targets) in roles {
                    let Some((feature, name)) = layer.roles.get(role) else {
                        omitted.push(omission(
                            FMT,
                            &format!("the role \"{role}\", not declared for its type"),
                            project,
                            doc,
                            a,
                        ));
                        continue;
                    };
                    for t in targets {
                        pending_links.push((idx, feature.clone(), name.clone(), *t, a));
                    }
                }
            }
            node_of.insert(a.id, Node::Span(idx));
            spans.push(SpanAnn {
                layer: li,
                begin: b,
                end: e,
                features,
                links: Vec::new(),
            });
        }
        // A registry entry stands for its first mention (by position) in the document.
        let mut first_mention: HashMap<EntryId, (usize, Node)> = HashMap::new();
        for a in doc.annotations.values() {
            if let Some(m) = a.as_mention()
                && let Some(e) = m.entry
                && let Some(&n) = node_of.get(&a.id)
            {
                let start = m.anchor.extent().start;
                let slot = first_mention.entry(e).or_insert((start, n));
                if start < slot.0 {
                    *slot = (start, n);
                }
            }
        }
        let resolve = |t: Target, a: &Annotation, what: &str, omitted: &mut Vec<String>| match t {
            Target::Annotation(id) => {
                let n = node_of.get(&id).copied();
                if n.is_none() {
                    omitted.push(omission(
                        FMT,
                        &format!("{what} that is an annotation it does not write"),
                        project,
                        doc,
                        a,
                    ));
                }
                n
            }
            Target::Entry(e) => {
                let n = first_mention.get(&e).map(|&(_, n)| n);
                let how = if n.is_some() {
                    "written as the entry's first mention in the document"
                } else {
                    "left out: no mention of the entry in the document"
                };
                omitted.push(omission(
                    FMT,
                    &format!("{what} that is a registry entry ({how})"),
                    project,
                    doc,
                    a,
                ));
                n
            }
        };
        for (idx, feature, role, target, a) in pending_links {
            if let Some(n) = resolve(target, a, "a role filler", omitted) {
                spans[idx].links.push(Link {
                    feature,
                    role,
                    target: n,
                });
            }
        }

        // Relations and chains.
        let mut relations = Vec::new();
        let mut next: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut has_prev: HashSet<usize> = HashSet::new();
        for a in doc.annotations.values() {
            let Body::Relation(r) = &a.body else { continue };
            let from = resolve(r.from, a, "a relation end", omitted);
            let to = resolve(r.to, a, "a relation end", omitted);
            let (Some(from), Some(to)) = (from, to) else {
                continue;
            };
            if self.chain_next.contains_key(&r.type_id) {
                if let (Node::Span(f), Node::Span(t)) = (from, to) {
                    next.entry(f).or_default().push(t);
                    has_prev.insert(t);
                }
                continue;
            }
            let Some(&li) = self.by_type.get(&r.type_id) else {
                omitted.push(omission(
                    FMT,
                    "a relation of a type missing from the schema",
                    project,
                    doc,
                    a,
                ));
                continue;
            };
            omit_parts(omitted, FMT, &parts, project, doc, a);
            let feats = self.rel_features.get(&li);
            let mut features = Vec::new();
            for (k, v) in &a.attributes {
                match feats.and_then(|f| f.iter().find(|(_, id)| id == k)) {
                    Some((name, _)) => features.push((name.clone(), v.to_string())),
                    None => omitted.push(omission(
                        FMT,
                        &format!("the attribute \"{k}\", not declared for its type"),
                        project,
                        doc,
                        a,
                    )),
                }
            }
            relations.push(RelAnn {
                layer: li,
                governor: from,
                dependent: to,
                features,
            });
        }
        let mut chains = Vec::new();
        let mut seen = HashSet::new();
        for (i, sp) in spans.iter().enumerate() {
            if self.layers[sp.layer].kind != LayerKind::Chain || has_prev.contains(&i) {
                continue;
            }
            let mut links = vec![i];
            seen.insert(i);
            let mut cur = i;
            while let Some(&n) = next.get(&cur).and_then(|v| v.first()) {
                if !seen.insert(n) {
                    break;
                }
                links.push(n);
                cur = n;
            }
            chains.push(Chain {
                layer: sp.layer,
                links,
            });
        }
        for (i, sp) in spans.iter().enumerate() {
            if self.layers[sp.layer].kind == LayerKind::Chain && !seen.contains(&i) {
                omitted.push(format!(
                    "{FMT} cannot express a chain that forks or loops: a link in \"{}\" is written as a chain of its own",
                    doc.meta.title
                ));
                chains.push(Chain {
                    layer: sp.layer,
                    links: vec![i],
                });
            }
        }

        TsvDoc {
            text: text.to_original_line_endings(),
            layers: self.layers.clone(),
            sentences: tsv_sentences,
            tokens: tsv_tokens,
            spans,
            relations,
            chains,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_map_counts_pairs_and_crlf() {
        assert_eq!(utf16_to_cp("a😊b"), vec![0, 1, 1, 2, 3]);
        assert_eq!(utf16_to_cp("a\r\nb"), vec![0, 1, 1, 2, 3]);
    }

    #[test]
    fn description_round_trips() {
        let layer = super::super::read::parse_layer(
            LayerKind::Span,
            "webanno.custom.ComplexLinkHost|ROLE_webanno.custom.ComplexLinkHost:links_webanno.custom.ComplexLinkType|webanno.custom.SimpleSpan|value",
            1,
        )
        .unwrap();
        let d = describe_layer(3, &layer);
        assert_eq!(parse_description(&d), Some((3, layer)));
    }

    #[test]
    fn colliding_layer_names_are_made_unique() {
        let mut p = Project::new("t");
        p.schema.entity_types.truncate(1);
        p.schema.event_types.clear();
        p.schema.relation_types.clear();
        p.schema.attributes.clear();
        let mut twin = p.schema.entity_types[0].clone();
        twin.id = Slug::new("twin");
        p.schema.entity_types.push(twin);
        let layers = ExportLayers::new(&p);
        let names: Vec<&str> = layers.layers.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names.len(), 2);
        assert_ne!(names[0], names[1]);
        assert_eq!(format!("{}2", names[0]), names[1]);
    }

    #[test]
    fn native_names() {
        assert_eq!(
            native_layer_name("Agenda point", &Slug::new("agenda_point")),
            "webanno.custom.AgendaPoint"
        );
    }
}
