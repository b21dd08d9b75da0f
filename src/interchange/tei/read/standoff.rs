//! Our own `standOff` annotations (mentions, events, relations, notes); registry lists (`listPerson`, `listPlace`, `listOrg`, `listObject`, wherever they stand:
//! `standOff`, `back`, the header) and named elements with ids outside the body; authority ids.

use super::*;

/// Reads the registry lists and FRUS-style named elements with ids outside `body`. An entry
/// whose edition-scoped `xml:id` or authority URI an earlier file already had is that
/// entry: its new authority ids are added and an empty note is filled.
pub(super) fn read_registry(project: &mut Project, root: &El, ctx: &mut Ctx, seen: &mut Seen) {
    pub(super) fn walk<'a>(
        project: &mut Project,
        e: &'a El,
        ctx: &mut Ctx,
        seen: &mut Seen,
        in_body: bool,
        item: Option<&'a El>,
    ) {
        for c in e.elements() {
            let ty = match c.name.as_str() {
                "person" => Some(Slug::new("person")),
                "org" | "personGrp" => Some(Slug::new("organization")),
                "place" => Some(Slug::new("place")),
                "object" => Some(slug_of(c.attr("type").unwrap_or("object"))),
                "persName" | "orgName" | "placeName" if !in_body && c.attr("xml:id").is_some() => {
                    mention_type(project, c)
                }
                // An abbreviations list: `<item><term xml:id="t_ARA1">ARA</term>, Bureau …</item>`.
                "term" if !in_body && c.attr("xml:id").is_some() => Some(Slug::new("abbreviation")),
                _ => None,
            };
            if let (Some(ty), Some(xid)) = (ty, c.attr("xml:id")) {
                let id = uuid_after(xid, ENTRY_ID_PREFIX).map_or_else(EntryId::new, EntryId);
                let mut entry = entry_from(c, id, ty, ctx.exact);
                if c.name != "person" && entry.note.is_empty() {
                    // FRUS persons lists: `<item><persName xml:id=…>X</persName>, Ambassador …</item>`.
                    entry.note = item.map(|i| description_after(i, c)).unwrap_or_default();
                }
                let mut keys = vec![format!("{}#{xid}", ctx.edition)];
                keys.extend(entry.authority.iter().map(authority_key));
                let known = keys.iter().find_map(|k| seen.entry_keys.get(k)).copied();
                let id = match known.and_then(|k| project.registry.get_mut(&k)) {
                    Some(old) => {
                        for a in entry.authority {
                            if !old.authority.contains(&a) {
                                old.authority.push(a);
                            }
                        }
                        if old.note.is_empty() {
                            old.note = entry.note;
                        }
                        old.id
                    }
                    None => {
                        ensure_entity_type(project, &entry.type_id);
                        project.registry.entry(id).or_insert(entry);
                        id
                    }
                };
                for k in keys {
                    seen.entry_keys.entry(k).or_insert(id);
                }
                ctx.entries.insert(xid.to_owned(), id);
                continue;
            }
            let item = if c.name == "item" { Some(c) } else { item };
            walk(project, c, ctx, seen, in_body || c.name == "body", item);
        }
    }
    walk(project, root, ctx, seen, false, None);
}

/// The text after `name` in the list `item` that holds it (a persons list's description:
/// "Ambassador in Russia"), without leading punctuation.
pub(super) fn description_after(item: &El, name: &El) -> String {
    let holds =
        |e: &El| std::ptr::eq(e, name) || e.descendants().iter().any(|d| std::ptr::eq(*d, name));
    let mut after = false;
    let mut out = String::new();
    for c in &item.children {
        match c {
            Node::El(e) if !after && holds(e) => after = true,
            Node::El(e) if after => out.push_str(&e.text()),
            Node::Text(t) if after => out.push_str(t),
            _ => {}
        }
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    out.trim_start_matches([',', ';', ':', ' ', '—', '–'])
        .trim()
        .to_owned()
}

pub(super) fn entry_from(el: &El, id: EntryId, type_id: Slug, exact: bool) -> Entry {
    let mut e = Entry::new(type_id, String::new());
    e.id = id;
    if matches!(
        el.name.as_str(),
        "persName" | "orgName" | "placeName" | "term"
    ) {
        e.name = collapse(&el.text());
        return e;
    }
    let holder = el.child("objectIdentifier").unwrap_or(el);
    let names: Vec<&El> = holder
        .elements()
        .filter(|c| {
            matches!(
                c.name.as_str(),
                "persName" | "orgName" | "placeName" | "objectName" | "name" | "geogName"
            )
        })
        .collect();
    let canonical = names
        .iter()
        .position(|n| n.attr("type") == Some("canonical"))
        .unwrap_or(0);
    for (i, n) in names.iter().enumerate() {
        if i == canonical {
            e.name = name_as_written(n, exact);
        } else {
            e.aliases.push(Alias {
                name: name_as_written(n, exact),
                kind: n
                    .attr("type")
                    .and_then(AliasKind::parse)
                    .unwrap_or(AliasKind::Variant),
                note: n.attr("n").unwrap_or_default().to_owned(),
            });
        }
    }
    for idno in holder.elements().filter(|c| c.name == "idno") {
        let id = idno.text_in(exact);
        if id.trim().is_empty() {
            continue;
        }
        let a = if id.trim().starts_with("http://") || id.trim().starts_with("https://") {
            let scheme = idno
                .attr("subtype")
                .filter(|s| !s.is_empty())
                .or_else(|| idno.attr("type"))
                .unwrap_or("url");
            authority_from_url(&id, scheme)
        } else {
            AuthorityId {
                scheme: Authority::parse(idno.attr("type").unwrap_or("other")),
                id,
            }
        };
        if !e.authority.contains(&a) {
            e.authority.push(a);
        }
    }
    if let Some(n) = el.child("note") {
        e.note = n.text_in(exact);
    }
    // The edition's authority ids in `@ana` (a drama's characters: Wikidata URIs).
    for uri in el
        .attr("ana")
        .unwrap_or_default()
        .split_whitespace()
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
    {
        let a = authority_from_url(uri, "url");
        if !e.authority.contains(&a) {
            e.authority.push(a);
        }
    }
    // A person's life as the list gives it (birth, death, occupation, sex).
    if !exact && el.name == "person" {
        let mut life = Vec::new();
        for c in el.elements() {
            let what = match c.name.as_str() {
                "birth" => "Born",
                "death" => "Died",
                "occupation" => "Occupation",
                "sex" => "Sex",
                "floruit" => "Active",
                "residence" => "Residence",
                "affiliation" => "Affiliation",
                _ => continue,
            };
            let text = collapse(&c.text());
            let value = if text.is_empty() {
                c.attr("value").unwrap_or_default().to_owned()
            } else {
                text
            };
            if !value.is_empty() {
                life.push(format!("{what}: {value}"));
            }
        }
        if !life.is_empty() {
            if !e.note.is_empty() {
                e.note.push('\n');
            }
            e.note.push_str(&life.join("\n"));
        }
    }
    // A place's own coordinates (`location/geo`), not those of places named inside it.
    if e.coordinates.is_none()
        && let Some(geo) = holder
            .elements()
            .filter(|c| c.name == "location")
            .find_map(|l| l.child("geo"))
            .or_else(|| holder.child("geo"))
    {
        e.coordinates = parse_geo(&geo.text());
    }
    e
}

/// A name as the edition writes it: a `persName` made of `surname` and `forename` parts
/// (`<forename>Arthur</forename><surname>Schnitzler</surname>`) is "Schnitzler, Arthur",
/// the form the edition's own lists and headers use; any other name is its text.
pub(super) fn name_as_written(n: &El, exact: bool) -> String {
    let parts = |name: &str| -> Vec<String> {
        n.elements()
            .filter(|c| c.name == name)
            .map(|c| collapse(&c.text()))
            .filter(|t| !t.is_empty())
            .collect()
    };
    let loose_text = n
        .children
        .iter()
        .any(|c| matches!(c, Node::Text(t) if !t.trim().is_empty()));
    let (surnames, forenames) = (parts("surname"), parts("forename"));
    if loose_text || surnames.is_empty() || forenames.is_empty() {
        return n.text_in(exact);
    }
    // Name links ("von"), additions and role names stay with the part they follow.
    let mut sur = Vec::new();
    let mut fore = Vec::new();
    let mut last_sur = false;
    for c in n.elements() {
        let t = collapse(&c.text());
        if t.is_empty() {
            continue;
        }
        match c.name.as_str() {
            "surname" => {
                sur.push(t);
                last_sur = true;
            }
            "forename" => {
                fore.push(t);
                last_sur = false;
            }
            _ if last_sur => sur.push(t),
            _ => fore.push(t),
        }
    }
    format!("{}, {}", sur.join(" "), fore.join(" "))
}

/// TEI `<geo>` as latitude and longitude: "48.2066 16.37341", "48.2066,16.37341", or with
/// decimal commas as the Austrian editions write it ("48,2066 16,37341"). `None` when it
/// is not two numbers in range.
pub(super) fn parse_geo(s: &str) -> Option<crate::model::registry::Coordinates> {
    let s = s.trim();
    let parts: Vec<String> = if s.split_whitespace().count() == 2 {
        s.split_whitespace().map(|p| p.replace(',', ".")).collect()
    } else {
        s.split(',').map(|p| p.trim().to_owned()).collect()
    };
    let [lat, lon] = parts.as_slice() else {
        return None;
    };
    let (lat, lon) = (lat.parse::<f64>().ok()?, lon.parse::<f64>().ok()?);
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
        .then_some(crate::model::registry::Coordinates { lat, lon })
}

/// Our own `standOff` encoding: mentions that cross elements or paragraphs
/// (`listAnnotation type="mentions"`, anchored by `anchors` placed in the text or by zones),
/// events (`listEvent`), relations (`listRelation`) and notes and attributes
/// (`listAnnotation type="notes"`).
#[allow(clippy::too_many_arguments)]
pub(super) fn stand_off_annotations<'a>(
    project: &mut Project,
    seen: &mut Seen,
    ctx: &Ctx,
    b: &mut DocBuild<'a>,
    stand_off: &[&'a El],
    anchors: &HashMap<String, usize>,
    facsimile: &mut Facsimile,
    preserve: bool,
) -> Result<(), ImportError> {
    let file = b.file;
    let pairs = |el: &El, target: &str| -> Result<Vec<Span>, ImportError> {
        let ids: Vec<&str> = target
            .split_whitespace()
            .map(|t| t.trim_start_matches('#'))
            .collect();
        ids.chunks(2)
            .map(|c| {
                let get = |k: &str| {
                    anchors.get(k).copied().ok_or_else(|| {
                        bad_anchor(file, el, format!("no anchor \"{k}\" in the text"))
                    })
                };
                let s = get(c[0])?;
                let e = get(c.get(1).copied().unwrap_or(c[0]))?;
                Ok(Span::new(s.min(e), s.max(e)))
            })
            .collect()
    };
    // Every standOff annotation's id first, so pointers may point forward.
    for so in stand_off {
        for e in so.descendants() {
            if matches!(e.name.as_str(), "event" | "relation")
                || (e.name == "annotation" && e.attr("motivation") == Some("identifying"))
            {
                b.new_id(e.attr("xml:id"));
            }
        }
    }
    // Standoff mentions.
    for so in stand_off {
        for list in so.elements().filter(|e| e.name == "listAnnotation") {
            if list.attr("type") != Some("mentions") {
                continue;
            }
            for an in list.elements().filter(|e| e.name == "annotation") {
                let Some(inner) = an
                    .elements()
                    .filter(|n| n.name == "note")
                    .flat_map(El::elements)
                    .find(|e| mention_type(project, e).is_some())
                else {
                    continue;
                };
                // Zones in the target are the mention's own place on a page.
                let target = an.attr("target").unwrap_or_default();
                let (zones, anchors): (Vec<&str>, Vec<&str>) = target
                    .split_whitespace()
                    .partition(|t| facsimile.zones.contains_key(t.trim_start_matches('#')));
                let spans = pairs(an, &anchors.join(" "))?;
                let id = b.new_id(an.attr("xml:id"));
                if spans.is_empty() && zones.is_empty() {
                    return Err(bad_anchor(
                        b.file,
                        an,
                        "a standoff mention needs anchors or a zone in its @target".into(),
                    ));
                }
                let mut a =
                    b.make_mention(project, ctx, inner, &spans, id, &mut seen.entry_keys)?;
                if let Some(z) = zones.first() {
                    a.region = facsimile.region(z);
                    facsimile.own(z, id);
                }
                if let Some(fx) = inner.attr("facs") {
                    b.facs_links.push((id, fx, inner));
                }
                add_annotation(&mut b.annotations, seen, a, b.file, an)?;
            }
        }
    }
    let target_of = |r: &str, ann_ids: &HashMap<String, AnnId>| -> Option<Target> {
        let k = r.trim().trim_start_matches('#');
        ann_ids
            .get(k)
            .map(|a| Target::Annotation(*a))
            .or_else(|| ctx.entries.get(k).map(|e| Target::Entry(*e)))
    };
    // Events and relations.
    for so in stand_off {
        for ev in so
            .elements()
            .filter(|e| e.name == "listEvent")
            .flat_map(El::elements)
            .filter(|e| e.name == "event")
        {
            let id = b.new_id(ev.attr("xml:id"));
            let type_id = slug_of(ev.attr("type").unwrap_or("event"));
            ensure_event_type(project, &type_id);
            let mut trigger = None;
            let mut roles: BTreeMap<Slug, Vec<Target>> = BTreeMap::new();
            for p in ev.elements().filter(|e| e.name == "ptr") {
                let ty = p.attr("type").unwrap_or("participant");
                let tgt = p.attr("target").unwrap_or_default();
                if ty == TRIGGER_PTR {
                    let spans = pairs(p, tgt)?;
                    trigger = Some(
                        TextAnchor::new(&b.text, &spans)
                            .map_err(|e| bad_anchor(b.file, p, e.to_string()))?,
                    );
                } else if let Some(t) = target_of(tgt, &b.ann_ids) {
                    roles.entry(slug_of(ty)).or_default().push(t);
                }
            }
            let mut a = Annotation::new(Body::Event(Event {
                type_id,
                trigger,
                roles,
                date: date_of(ev),
            }));
            a.id = id;
            a.cert = ev.attr("cert").and_then(Certainty::parse);
            a.resp = ctx.resp_of(ev);
            a.adjudicated_from = ctx.adjudicated_of(ev);
            add_annotation(&mut b.annotations, seen, a, b.file, ev)?;
        }
        for rel in so
            .elements()
            .filter(|e| e.name == "listRelation")
            .flat_map(El::elements)
            .filter(|e| e.name == "relation")
        {
            let (Some(from), Some(to)) = (
                rel.attr("active").and_then(|r| target_of(r, &b.ann_ids)),
                rel.attr("passive").and_then(|r| target_of(r, &b.ann_ids)),
            ) else {
                continue;
            };
            let id = b.new_id(rel.attr("xml:id"));
            let type_id = slug_of(rel.attr("name").unwrap_or("related"));
            ensure_relation_type(project, &type_id);
            let mut a = Annotation::new(Body::Relation(Relation { type_id, from, to }));
            a.id = id;
            a.cert = rel.attr("cert").and_then(Certainty::parse);
            a.resp = ctx.resp_of(rel);
            a.adjudicated_from = ctx.adjudicated_of(rel);
            add_annotation(&mut b.annotations, seen, a, b.file, rel)?;
        }
        // Notes.
        for an in so
            .elements()
            .filter(|e| e.name == "listAnnotation" && e.attr("type") == Some("notes"))
            .flat_map(El::elements)
        {
            let Some(t) = an
                .attr("target")
                .and_then(|r| b.ann_ids.get(r.trim_start_matches('#')))
            else {
                continue;
            };
            let Some(a) = b.annotations.get_mut(t) else {
                continue;
            };
            for n in an.elements().filter(|e| e.name == "note") {
                match (n.attr("type"), n.attr("n")) {
                    (Some("attribute"), Some(k)) => {
                        if let Some(v) = attr_from_text(
                            n.attr("subtype").unwrap_or("text"),
                            &n.text_in(preserve),
                        ) && Slug::is_valid(k)
                        {
                            let k = Slug::new(k);
                            admit_attribute(&mut project.schema, a.type_id(), &k, &v);
                            a.attributes.insert(k, v);
                        }
                    }
                    _ => a.note = n.text_in(preserve),
                }
            }
        }
    }
    Ok(())
}
