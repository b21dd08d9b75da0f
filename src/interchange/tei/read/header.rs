//! The `teiHeader`: the volume's title, series, editors and publisher; a letter's
//! `correspDesc`; the archival identity in `sourceDesc`; `revisionDesc` stamps.

use super::*;

/// Stamps from `revisionDesc/change` elements that name an annotation or entry (`@target`,
/// `@type` `created` or `modified`, `@when`, `@who` → a `respStmt`), as the TEI export
/// writes them. An annotation whose creator is its `@resp` keeps the name in its stamp only.
pub(super) fn read_changes(project: &mut Project, ctx: &Ctx, header: &El) {
    let mut stamps: HashMap<AnnId, [Option<Stamp>; 2]> = HashMap::new();
    let mut entry_stamps: HashMap<EntryId, [Option<Stamp>; 2]> = HashMap::new();
    for c in header
        .descendants()
        .into_iter()
        .filter(|e| e.name == "change")
    {
        let slot = match c.attr("type") {
            Some("created") => 0,
            Some("modified") => 1,
            _ => continue,
        };
        let (Some(at), Some(target)) = (c.attr("when").and_then(UtcTime::parse), c.attr("target"))
        else {
            continue;
        };
        let by = c.attr("who").map_or_else(String::new, |w| {
            let key = w.trim().trim_start_matches('#');
            ctx.resp.get(key).cloned().unwrap_or_else(|| key.to_owned())
        });
        for t in target
            .split_whitespace()
            .filter_map(|t| t.strip_prefix('#'))
        {
            let s = Some(Stamp { by: by.clone(), at });
            if let Some(id) = uuid_after(t, ANN_ID_PREFIX) {
                stamps.entry(AnnId(id)).or_default()[slot] = s;
            } else if let Some(id) = uuid_after(t, ENTRY_ID_PREFIX) {
                entry_stamps.entry(EntryId(id)).or_default()[slot] = s;
            }
        }
    }
    for (id, [created, modified]) in entry_stamps {
        if let Some(e) = project.registry.get_mut(&id) {
            e.created = created;
            e.modified = modified;
        }
    }
    if stamps.is_empty() {
        return;
    }
    for doc in project.documents.values_mut() {
        for a in doc.annotations.values_mut() {
            if let Some([created, modified]) = stamps.remove(&a.id) {
                if created.as_ref().is_some_and(|c| c.by == a.resp) {
                    a.resp.clear();
                }
                a.created = created;
                a.modified = modified;
            }
        }
    }
}

/// The volume's identity from a header: the project is named after the volume (the complete
/// or monograph title, else the series title) and its description names the series, the
/// editors and the publisher. Fills only what is still empty.
pub(super) fn volume_info(project: &mut Project, header: &El) {
    let file_desc = header.child("fileDesc");
    let title_stmt = file_desc.and_then(|f| f.child("titleStmt"));
    let titles: Vec<&El> = title_stmt
        .map(|t| t.elements().filter(|e| e.name == "title").collect())
        .unwrap_or_default();
    let find = |pred: &dyn Fn(&El) -> bool| {
        titles
            .iter()
            .find(|t| pred(t))
            .map(|t| collapse(&t.text()))
            .filter(|t| !t.is_empty())
    };
    let series = find(&|t| t.attr("type") == Some("series") || t.attr("level") == Some("s"));
    let volume = find(&|t| t.attr("type") == Some("complete") || t.attr("level") == Some("m"))
        .or_else(|| series.clone());
    if project.info.name.is_empty()
        && let Some(v) = &volume
    {
        project.info.name.clone_from(v);
    }
    if !project.info.description.is_empty() {
        return;
    }
    let mut lines = Vec::new();
    if let Some(v) = &volume {
        lines.push(v.clone());
    }
    if let Some(s) = series.filter(|s| Some(s) != volume.as_ref()) {
        lines.push(format!("Series: {s}"));
    }
    let editors: Vec<String> = title_stmt
        .into_iter()
        .flat_map(El::elements)
        .filter(|e| e.name == "editor")
        .flat_map(|e| {
            let names: Vec<String> = e
                .elements()
                .filter(|n| matches!(n.name.as_str(), "name" | "persName"))
                .map(|n| collapse(&n.text()))
                .collect();
            if names.is_empty() {
                vec![collapse(&e.text())]
            } else {
                names
            }
        })
        .filter(|n| !n.is_empty())
        .collect();
    if !editors.is_empty() {
        lines.push(format!("Editors: {}", editors.join("; ")));
    }
    if let Some(ps) = file_desc.and_then(|f| f.child("publicationStmt")) {
        let part = |n: &str| ps.child(n).map(|e| collapse(&e.text()));
        let publ: Vec<String> = [part("publisher"), part("pubPlace"), part("date")]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect();
        if !publ.is_empty() {
            lines.push(format!("Published: {}", publ.join(", ")));
        }
    }
    project.info.description = lines.join("\n");
}

/// A letter's `correspDesc`: a Communication event with the sender and recipient (and the
/// place and date of sending) as registry entries, linked by `@ref` to the file's lists or
/// to an authority URI shared across files. The received action's place and date, when it
/// has them, are an Archival handling event (`action` received) by the recipients of that
/// Communication. A date's `@evidence` ("conjecture") or `@cert` sets the event's certainty
/// and is named in its note; `correspContext` (the neighbouring letters) is the
/// Communication's note.
pub(super) fn correspondence(
    project: &mut Project,
    ctx: &Ctx,
    seen: &mut Seen,
    corresp: &El,
    annotations: &mut BTreeMap<AnnId, Annotation>,
) {
    let mut roles: BTreeMap<Slug, Vec<Target>> = BTreeMap::new();
    let mut date = None;
    let mut notes: Vec<String> = Vec::new();
    let mut cert = None;
    let mut received: Option<Received> = None;
    for action in corresp.elements().filter(|e| e.name == "correspAction") {
        let kind = action.attr("type").unwrap_or_default();
        let role = match kind {
            "sent" => "sender",
            "received" => "recipient",
            _ => continue,
        };
        for c in action.elements() {
            let (ty, role) = match (c.name.as_str(), kind) {
                ("persName" | "name", _) => ("person", role),
                ("orgName", _) => ("organization", role),
                ("placeName" | "settlement", "sent") => ("place", "place"),
                ("placeName" | "settlement", _) => {
                    let id = header_entry(project, ctx, seen, c, "place");
                    received.get_or_insert_default().1.push(Target::Entry(id));
                    continue;
                }
                ("date", _) => {
                    let (c_cert, note) = date_certainty(c, kind);
                    if kind == "sent" {
                        date = date_of(c);
                        cert = cert.or(c_cert);
                        notes.extend(note);
                    } else {
                        let r = received.get_or_insert_default();
                        r.0 = date_of(c);
                        r.2 = c_cert;
                        r.3 = note.unwrap_or_default();
                    }
                    continue;
                }
                _ => continue,
            };
            let id = header_entry(project, ctx, seen, c, ty);
            let slot = roles.entry(Slug::new(role)).or_default();
            if !slot.contains(&Target::Entry(id)) {
                slot.push(Target::Entry(id));
            }
        }
    }
    if !(roles.contains_key(&Slug::new("sender")) && roles.contains_key(&Slug::new("recipient"))) {
        return;
    }
    // The neighbouring letters, as the edition lists them.
    for r in corresp
        .elements()
        .filter(|e| e.name == "correspContext")
        .flat_map(El::elements)
        .filter(|e| e.name == "ref")
    {
        let what = match (r.attr("subtype"), r.attr("type")) {
            (Some("previous_letter"), _) => "Previous letter",
            (Some("next_letter"), _) => "Next letter",
            (_, Some("belongsToCorrespondence")) => "Correspondence",
            _ => "Related",
        };
        let scope = match r.attr("type") {
            Some("withinCollection") => " in the collection",
            Some("withinCorrespondence") => " in the correspondence",
            _ => "",
        };
        let target = r
            .attr("target")
            .map(|t| format!(" ({t})"))
            .unwrap_or_default();
        notes.push(format!("{what}{scope}: {}{target}", collapse(&r.text())));
    }
    let ty = Slug::new("communication");
    ensure_event_type(project, &ty);
    let recipients = roles
        .get(&Slug::new("recipient"))
        .cloned()
        .unwrap_or_default();
    let mut a = Annotation::new(Body::Event(Event {
        type_id: ty,
        trigger: None,
        roles,
        date,
    }));
    a.cert = cert;
    a.note = notes.join("\n");
    let comm = a.id;
    annotations.insert(a.id, a);
    let Some((date, places, cert, note)) = received else {
        return;
    };
    let ty = Slug::new("handling");
    ensure_event_type(project, &ty);
    ensure_role(project, &ty, "agent", "Agent", &["person", "organization"]);
    ensure_role(
        project,
        &ty,
        "document",
        "Document",
        &["docref", "communication"],
    );
    ensure_role(project, &ty, "place", "Place", &["place"]);
    let action = Slug::new("action");
    let value = crate::model::AttrValue::Choice("received".into());
    admit_attribute(&mut project.schema, &ty, &action, &value);
    let mut roles: BTreeMap<Slug, Vec<Target>> = BTreeMap::new();
    roles.insert(Slug::new("agent"), recipients);
    roles.insert(Slug::new("document"), vec![Target::Annotation(comm)]);
    if !places.is_empty() {
        roles.insert(Slug::new("place"), places);
    }
    let mut h = Annotation::new(Body::Event(Event {
        type_id: ty,
        trigger: None,
        roles,
        date,
    }));
    h.attributes.insert(action, value);
    h.cert = cert;
    h.note = note;
    annotations.insert(h.id, h);
}

/// A received action: its date, places, the date's certainty and evidence note.
type Received = (
    Option<NormalizedDate>,
    Vec<Target>,
    Option<Certainty>,
    String,
);

/// A header date's certainty: `@cert` as it is, `@evidence="conjecture"` as medium; and a
/// note naming the evidence ("Date received: conjecture (TEI @evidence)").
fn date_certainty(date: &El, action: &str) -> (Option<Certainty>, Option<String>) {
    let cert = date.attr("cert").and_then(Certainty::parse);
    match date.attr("evidence") {
        Some(ev) => (
            cert.or((ev == "conjecture").then_some(Certainty::Medium)),
            Some(format!(
                "Date {action}: {ev} (TEI @evidence), as the edition writes it: {}",
                collapse(&date.text())
            )),
        ),
        None => (cert, None),
    }
}

/// Adds role `id` to event type `ty` when it has none of that id (optional, any number).
pub(super) fn ensure_role(
    project: &mut Project,
    ty: &Slug,
    id: &str,
    label: &str,
    fillers: &[&str],
) {
    if let Some(et) = project.schema.event_types.iter_mut().find(|e| &e.id == ty)
        && !et.roles.iter().any(|r| r.id.as_str() == id)
    {
        et.roles.push(crate::model::schema::RoleSlot {
            id: Slug::new(id),
            label: label.to_owned(),
            fillers: fillers.iter().map(|f| Slug::new(*f)).collect(),
            min: 0,
            max: None,
        });
    }
}

/// The registry entry a header name points at: the file's list entry for `#id`, the entry
/// an earlier file made for the same authority URI or `@key`, else a new entry named as here.
pub(super) fn header_entry(
    project: &mut Project,
    ctx: &Ctx,
    seen: &mut Seen,
    el: &El,
    ty: &str,
) -> EntryId {
    if let Some(id) = ctx.entry_ref(el) {
        return id;
    }
    let name = collapse(&el.text());
    let r = el.attr("ref").and_then(|r| r.split_whitespace().next());
    let key = match (r, el.attr("key")) {
        (Some(r), _) if r.starts_with('#') => format!("{}{r}", ctx.edition),
        (Some(r), _) => authority_key(&authority_from_url(r, "url")),
        (None, Some(k)) => format!("key:{k}"),
        (None, None) => format!("name:{ty}:{name}"),
    };
    if let Some(id) = seen.entry_keys.get(&key) {
        return *id;
    }
    let mut e = Entry::new(Slug::new(ty), name);
    if let Some(r) = r.filter(|r| r.starts_with("http")) {
        e.authority.push(authority_from_url(r, "url"));
    }
    ensure_entity_type(project, &e.type_id);
    let id = e.id;
    project.registry.insert(id, e);
    seen.entry_keys.insert(key, id);
    id
}

pub(super) fn archival(header: Option<&El>, citation: &str, tb: &TextBuilder<'_>) -> ArchivalMeta {
    let mut m = ArchivalMeta {
        citation: citation.to_owned(),
        ..ArchivalMeta::default()
    };
    let source_desc = header
        .and_then(|h| h.child("fileDesc"))
        .and_then(|f| f.child("sourceDesc"));
    if let Some(sd) = source_desc
        && tb.preserve
    {
        if let Some(ms) = sd.child("msDesc").and_then(|m| m.child("msIdentifier")) {
            m.country = ms
                .child("country")
                .map(|e| e.text_in(true))
                .unwrap_or_default();
            m.settlement = ms
                .child("settlement")
                .map(|e| e.text_in(true))
                .unwrap_or_default();
            m.archive = ms
                .child("repository")
                .map(|e| e.text_in(true))
                .unwrap_or_default();
            m.collection = ms
                .child("collection")
                .map(|e| e.text_in(true))
                .unwrap_or_default();
            m.call_number = ms
                .child("idno")
                .map(|e| e.text_in(true))
                .unwrap_or_default();
        }
        if let Some(b) = sd.child("bibl") {
            for c in b.elements() {
                match (c.name.as_str(), c.attr("type")) {
                    ("date", _) => m.date = date_of(c),
                    ("textLang", _) => {
                        m.original_language = c
                            .attr("mainLang")
                            .map_or_else(|| c.text_in(true), str::to_owned);
                    }
                    ("ref", _) => m.url = c.attr("target").unwrap_or_default().to_owned(),
                    ("idno", Some("number")) => m.number = c.text_in(true),
                    ("idno", Some("source-id")) => m.source_id = c.text_in(true),
                    ("note", Some("citation")) => m.citation = c.text_in(true),
                    ("note", Some("translation")) => m.translation_note = c.text_in(true),
                    _ => {}
                }
            }
        }
    }
    // An edition's manuscript description (a letter's `listWit/witness/msDesc`): the
    // holding archive and the shelfmark.
    if !tb.preserve
        && let Some(ms) = source_desc.and_then(|sd| {
            sd.descendants()
                .into_iter()
                .find(|e| e.name == "msIdentifier")
        })
    {
        let get = |n: &str| ms.child(n).map(|e| collapse(&e.text())).unwrap_or_default();
        m.country = get("country");
        m.settlement = get("settlement");
        m.archive = get("repository");
        m.collection = get("collection");
        m.call_number = get("idno");
    }
    if m.date.is_none() && !tb.preserve {
        m.date = tb
            .found
            .iter()
            .find(|f| f.el.name == "date")
            .and_then(|f| date_of(f.el));
    }
    m
}

/// The file number in a FRUS source note ("711.90H/41", "File No. 861.51/131",
/// "795.00/7–1051: Telegram" → "795.00/7–1051"): a first word that starts with a digit and
/// has a slash.
pub(super) fn file_number(note: &str) -> Option<String> {
    let t = note.trim();
    let t = t
        .strip_prefix("File No.")
        .or_else(|| t.strip_prefix("File no."))
        .unwrap_or(t)
        .trim_start();
    let word = t
        .split(|c: char| c.is_whitespace() || c == ':' || c == ',' || c == ';')
        .next()?
        .trim_end_matches('.');
    (word.starts_with(|c: char| c.is_ascii_digit()) && word.contains('/')).then(|| word.to_owned())
}

/// Relations between the participants a header lists (`particDesc//listRelation/relation`:
/// a drama's family and social ties): one relation annotation per pair of entries, `@active`
/// to `@passive`, or each pair of `@mutual`; the relation's `@name` is its type.
pub(super) fn participant_relations(
    project: &mut Project,
    ctx: &Ctx,
    header: Option<&El>,
    annotations: &mut BTreeMap<AnnId, Annotation>,
) {
    let Some(pd) = header
        .and_then(|h| h.child("profileDesc"))
        .and_then(|p| p.child("particDesc"))
    else {
        return;
    };
    let ids = |v: Option<&str>| -> Vec<EntryId> {
        v.unwrap_or_default()
            .split_whitespace()
            .filter_map(|r| ctx.entries.get(r.trim_start_matches('#')).copied())
            .collect()
    };
    for rel in pd
        .descendants()
        .into_iter()
        .filter(|e| e.name == "relation")
    {
        let ty = slug_of(
            rel.attr("name")
                .or_else(|| rel.attr("type"))
                .unwrap_or("related"),
        );
        let mut pairs = Vec::new();
        let mutual = ids(rel.attr("mutual"));
        for (i, a) in mutual.iter().enumerate() {
            for b in &mutual[i + 1..] {
                pairs.push((*a, *b));
            }
        }
        for a in ids(rel.attr("active")) {
            for b in ids(rel.attr("passive")) {
                pairs.push((a, b));
            }
        }
        if pairs.is_empty() {
            continue;
        }
        ensure_relation_type(project, &ty);
        if !mutual.is_empty()
            && let Some(rt) = project
                .schema
                .relation_types
                .iter_mut()
                .find(|r| r.id == ty)
        {
            rt.symmetric = true;
        }
        for (from, to) in pairs {
            let mut a = Annotation::new(Body::Relation(Relation {
                type_id: ty.clone(),
                from: Target::Entry(from),
                to: Target::Entry(to),
            }));
            a.cert = rel.attr("cert").and_then(Certainty::parse);
            annotations.insert(a.id, a);
        }
    }
}
