//! Property test of the three-way merge: random edits on two sides of the sample project.
//! No edit is lost (every record a side changed is in the result or in a conflict with that
//! side's version), no id dangles, and the result is as valid as the two sides; the merged
//! project, conflicts and all, survives save → load unchanged.
#![allow(clippy::unwrap_used)]

use marginalia::model::merge::{
    Labels, Record, merge_projects, missing_references, record, record_keys,
};
use marginalia::model::validate::validate;
use marginalia::model::*;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

static SAMPLE: LazyLock<Project> = LazyLock::new(|| {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
    marginalia::store::load(&dir).unwrap().project
});

/// One random edit; indices pick among the records present when it is applied.
#[derive(Clone, Debug)]
enum Op {
    Note(usize, u8),
    Cert(usize, bool),
    DeleteUnreferenced(usize),
    AddMention(usize, usize),
    AddMeeting(usize, usize),
    Link(usize, usize),
    RenameEntry(usize, u8),
    DeleteUnlinkedEntry(usize),
    AddEntry(u8),
    Describe(u8),
    Title(u8),
    RelabelType(usize, u8),
    AddAttribute(u8),
    RegionNote(usize, u8),
    /// Deletes a text mention a page region shows (with the window's delete, which unlinks
    /// the region), and with `true` the region first.
    DeleteShownText(usize, bool),
}

fn op() -> impl Strategy<Value = Op> {
    let i = || 0..16usize;
    let v = || 0..3u8;
    prop_oneof![
        4 => (i(), v()).prop_map(|(a, b)| Op::Note(a, b)),
        1 => (i(), any::<bool>()).prop_map(|(a, b)| Op::Cert(a, b)),
        2 => i().prop_map(Op::DeleteUnreferenced),
        2 => (i(), 1..20usize).prop_map(|(a, b)| Op::AddMention(a, b)),
        2 => (i(), i()).prop_map(|(a, b)| Op::AddMeeting(a, b)),
        2 => (i(), i()).prop_map(|(a, b)| Op::Link(a, b)),
        2 => (i(), v()).prop_map(|(a, b)| Op::RenameEntry(a, b)),
        1 => i().prop_map(Op::DeleteUnlinkedEntry),
        1 => v().prop_map(Op::AddEntry),
        1 => v().prop_map(Op::Describe),
        1 => v().prop_map(Op::Title),
        1 => (i(), v()).prop_map(|(a, b)| Op::RelabelType(a, b)),
        1 => v().prop_map(Op::AddAttribute),
        2 => (i(), v()).prop_map(|(a, b)| Op::RegionNote(a, b)),
        2 => (i(), any::<bool>()).prop_map(|(a, b)| Op::DeleteShownText(a, b)),
    ]
}

fn doc(p: &mut Project) -> &mut Document {
    p.documents.values_mut().next().unwrap()
}

/// The document with page regions (the cable with its scan); none once earlier edits
/// deleted every region.
fn region_doc(p: &mut Project) -> Option<&mut Document> {
    p.documents
        .values_mut()
        .find(|d| d.annotations.values().any(|a| a.region.is_some()))
}

fn pick<T: Copy>(items: &[T], i: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[i % items.len()])
}

fn mentions_of(d: &Document, types: &[&str]) -> Vec<AnnId> {
    d.annotations
        .values()
        .filter(|a| {
            a.as_mention()
                .is_some_and(|m| types.contains(&m.type_id.as_str()))
        })
        .map(|a| a.id)
        .collect()
}

/// Applies an edit the way the window would, keeping the side a valid project.
fn apply(p: &mut Project, op: &Op) {
    let words = ["alpha", "beta", "gamma"];
    match *op {
        Op::Note(i, v) => {
            let ids: Vec<AnnId> = doc(p).annotations.keys().copied().collect();
            if let Some(id) = pick(&ids, i) {
                doc(p).annotations.get_mut(&id).unwrap().note = words[v as usize].into();
            }
        }
        Op::Cert(i, high) => {
            let ids: Vec<AnnId> = doc(p).annotations.keys().copied().collect();
            if let Some(id) = pick(&ids, i) {
                doc(p).annotations.get_mut(&id).unwrap().cert = Some(if high {
                    Certainty::High
                } else {
                    Certainty::Low
                });
            }
        }
        Op::DeleteUnreferenced(i) => {
            let d = doc(p);
            let referenced: Vec<AnnId> = d
                .annotations
                .values()
                .flat_map(Annotation::targets)
                .filter_map(|t| match t {
                    Target::Annotation(a) => Some(a),
                    Target::Entry(_) => None,
                })
                .collect();
            let free: Vec<AnnId> = d
                .annotations
                .keys()
                .copied()
                .filter(|a| !referenced.contains(a))
                .collect();
            if let Some(id) = pick(&free, i) {
                d.annotations.remove(&id);
            }
        }
        Op::AddMention(start, len) => {
            let d = doc(p);
            let text = d.text.clone().unwrap();
            let n = text.len_chars();
            let s = start % (n - 25);
            let a = Annotation::new(Body::Mention(Mention {
                type_id: Slug::new("person"),
                anchor: TextAnchor::span(&text, s, s + len).unwrap(),
                entry: None,
                date: None,
            }));
            d.annotations.insert(a.id, a);
        }
        Op::AddMeeting(x, y) => {
            let d = doc(p);
            let people = mentions_of(d, &["person", "organization"]);
            let (Some(a), Some(b)) = (pick(&people, x), pick(&people, y)) else {
                return;
            };
            let mut fillers = vec![Target::Annotation(a)];
            if a != b {
                fillers.push(Target::Annotation(b));
            }
            let ev = Annotation::new(Body::Event(Event {
                type_id: Slug::new("meeting"),
                trigger: None,
                roles: BTreeMap::from([(Slug::new("participant"), fillers)]),
                date: None,
            }));
            d.annotations.insert(ev.id, ev);
        }
        Op::Link(x, y) => {
            let people: Vec<EntryId> = p
                .registry
                .values()
                .filter(|e| e.type_id.as_str() == "person")
                .map(|e| e.id)
                .collect();
            let d = doc(p);
            let mentions = mentions_of(d, &["person"]);
            if let (Some(m), Some(e)) = (pick(&mentions, x), pick(&people, y))
                && let Body::Mention(m) = &mut d.annotations.get_mut(&m).unwrap().body
            {
                m.entry = Some(e);
            }
        }
        Op::RenameEntry(i, v) => {
            let ids: Vec<EntryId> = p.registry.keys().copied().collect();
            if let Some(id) = pick(&ids, i) {
                p.registry.get_mut(&id).unwrap().name = words[v as usize].into();
            }
        }
        Op::DeleteUnlinkedEntry(i) => {
            let used: Vec<EntryId> = p
                .documents
                .values()
                .flat_map(|d| d.annotations.values().flat_map(Annotation::targets))
                .filter_map(|t| match t {
                    Target::Entry(e) => Some(e),
                    Target::Annotation(_) => None,
                })
                .collect();
            let free: Vec<EntryId> = p
                .registry
                .keys()
                .copied()
                .filter(|e| !used.contains(e))
                .collect();
            if let Some(id) = pick(&free, i) {
                p.registry.remove(&id);
            }
        }
        Op::AddEntry(v) => {
            let e = Entry::new(Slug::new("person"), words[v as usize]);
            p.registry.insert(e.id, e);
        }
        Op::Describe(v) => p.info.description = words[v as usize].into(),
        Op::Title(v) => doc(p).meta.title = words[v as usize].into(),
        Op::RelabelType(i, v) => {
            let n = p.schema.entity_types.len();
            p.schema.entity_types[i % n].label = words[v as usize].into();
        }
        Op::RegionNote(i, v) => {
            let Some(d) = region_doc(p) else {
                return;
            };
            let ids: Vec<AnnId> = d
                .annotations
                .values()
                .filter(|a| a.region.is_some())
                .map(|a| a.id)
                .collect();
            if let Some(id) = pick(&ids, i) {
                d.annotations.get_mut(&id).unwrap().note = words[v as usize].into();
            }
        }
        Op::DeleteShownText(i, region_too) => {
            let Some(d) = region_doc(p) else {
                return;
            };
            let doc = d.id();
            let shown: Vec<(AnnId, AnnId)> = d
                .annotations
                .values()
                .filter_map(|a| Some((a.id, a.region.as_ref()?.text?)))
                .collect();
            let Some((region, text)) = pick(&shown, i) else {
                return;
            };
            let mut delete = |id| {
                if let Ok(tx) = ops::tagging::delete(p, doc, id) {
                    tx.apply(p).unwrap();
                }
            };
            if region_too {
                delete(region);
            }
            delete(text);
        }
        Op::AddAttribute(v) => {
            let id = Slug::new(format!("attr_{}", words[v as usize]));
            if p.schema.attribute(&id).is_none() {
                p.schema.attributes.push(schema::AttributeDef {
                    id,
                    label: words[v as usize].into(),
                    kind: schema::AttrKind::Text,
                    applies_to: vec![],
                });
            }
        }
    }
}

fn errors(p: &Project) -> Vec<String> {
    validate(p)
        .into_iter()
        .filter(|x| x.severity == Severity::Error)
        .map(|x| x.message)
        .collect()
}

/// Every record `side` changed relative to `base` is in `merged` as that side has it, or in
/// a conflict that keeps that side's version.
fn assert_nothing_lost(
    base: &Project,
    side: &Project,
    merged: &Project,
    pick_side: impl Fn(&marginalia::model::merge::Conflict) -> &Option<Record>,
) -> Result<(), TestCaseError> {
    let keys = record_keys(base).into_iter().chain(record_keys(side));
    for key in keys {
        let mine = record(side, &key);
        if mine == record(base, &key) || mine == record(merged, &key) {
            continue;
        }
        let kept = merged
            .conflicts
            .iter()
            .any(|c| c.record == key && *pick_side(c) == mine);
        prop_assert!(kept, "edit lost: {key:?} = {mine:?}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_edit_is_lost(ours_ops in prop::collection::vec(op(), 0..12),
                       theirs_ops in prop::collection::vec(op(), 0..12),
                       shared in prop::collection::vec(op(), 0..4)) {
        let base = SAMPLE.clone();
        let mut ours = base.clone();
        // Some edits made on both sides alike must come out once.
        for o in &shared {
            apply(&mut ours, o);
        }
        let mut theirs = ours.clone();
        for o in &ours_ops {
            apply(&mut ours, o);
        }
        for o in &theirs_ops {
            apply(&mut theirs, o);
        }
        prop_assume!(errors(&ours).is_empty() && errors(&theirs).is_empty());
        let merged = merge_projects(&base, &ours, &theirs, &Labels::default());
        let p = &merged.project;
        assert_nothing_lost(&base, &ours, p, |c| &c.ours)?;
        assert_nothing_lost(&base, &theirs, p, |c| &c.theirs)?;
        prop_assert!(missing_references(p).is_empty(), "{:?}", missing_references(p));
        prop_assert_eq!(errors(p), Vec::<String>::new());
        prop_assert_eq!(&p.conflicts, &merged.new_conflicts);
        if ours_ops.is_empty() && shared.is_empty() {
            prop_assert!(merged.is_clean());
            prop_assert_eq!(p, &theirs);
        }

        // The merged project, conflicts included, is written and read back unchanged.
        let dir = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
        let file = dir.path().join("merged.marginalia.ron");
        std::fs::create_dir_all(dir.path().join("sources")).unwrap();
        for e in std::fs::read_dir(src.join("sources")).unwrap() {
            let e = e.unwrap();
            if e.file_name().to_string_lossy().ends_with(".txt") {
                std::fs::copy(e.path(), dir.path().join("sources").join(e.file_name())).unwrap();
            }
        }
        // Written by the store itself: a session refuses to save unresolved conflicts.
        let mut disk = marginalia::store::DiskState::new(file.clone());
        let all = p.documents.keys().copied().collect();
        marginalia::store::save(p, &mut disk, true, &all).unwrap();
        let loaded = marginalia::store::load(&file).unwrap();
        prop_assert_eq!(&loaded.project, p);
    }
}
