use super::dates::{DateRecommender, find_dates};
use super::project::ProjectRecommender;
use super::*;
use crate::model::registry::{Alias, AliasKind, Entry};
use crate::model::text::SourceText;
use crate::model::{Document, DocumentMeta};

fn doc(text: &str) -> Document {
    Document {
        meta: DocumentMeta {
            id: DocId::new(),
            title: "d".into(),
            source: None,
            images: Vec::new(),
            status: Default::default(),
            archival: Default::default(),
        },
        text: Some(SourceText::from_str_normalizing(text)),
        annotations: Default::default(),
    }
}

fn entry(name: &str, aliases: &[(&str, AliasKind)]) -> Entry {
    Entry {
        id: EntryId::new(),
        type_id: Slug::new("person"),
        name: name.into(),
        aliases: aliases
            .iter()
            .map(|(n, k)| Alias {
                name: (*n).into(),
                kind: *k,
                note: String::new(),
            })
            .collect(),
        authority: Vec::new(),
        note: String::new(),
        coordinates: None,
        created: None,
        modified: None,
    }
}

fn add(p: &mut Project, d: Document) -> DocId {
    let id = d.id();
    p.documents.insert(id, d);
    id
}

/// Tags the first occurrence of `s` in `doc` as `ty` (with `entry`).
fn tag(p: &mut Project, doc: DocId, s: &str, ty: &str, entry: Option<EntryId>) {
    let t = p.documents[&doc].text.clone().unwrap_or_default();
    let b = t.as_str().find(s).unwrap_or(0);
    let start = t.as_str()[..b].chars().count();
    let span = Span::new(start, start + s.chars().count());
    let (tx, id) = crate::model::ops::tagging::tag_mention(p, doc, &[span], &Slug::new(ty))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut h = crate::model::History::default();
    h.commit(p, tx).unwrap_or_else(|e| panic!("{e}"));
    if let Some(e) = entry {
        let Some(d) = p.documents.get_mut(&doc) else {
            return;
        };
        if let Some(a) = d.annotations.get_mut(&id)
            && let Body::Mention(m) = &mut a.body
        {
            m.entry = Some(e);
        }
    }
}

fn quotes(s: &[Suggestion]) -> Vec<&str> {
    s.iter().map(|s| s.quote.as_str()).collect()
}

#[test]
fn an_alias_suggests_its_entry_folded_for_case_and_accents() {
    let mut p = Project::new("t");
    let stalin = entry(
        "Stalin, Joseph Vissarionovich",
        &[("Filippov", AliasKind::CoverName)],
    );
    let sid = stalin.id;
    p.registry.insert(sid, stalin);
    let d = add(
        &mut p,
        doc("To Cde. FILIPPOV.\nJoseph Vissarionovich Stalin agreed; filippovka is not."),
    );
    let r = ProjectRecommender::new(&p, &Rejections::new());
    let s = r.suggest(&p, &p.documents[&d]).unwrap();
    assert_eq!(quotes(&s), ["FILIPPOV", "Joseph Vissarionovich Stalin"]);
    assert!(
        s.iter()
            .all(|s| s.entry == Some(sid) && s.type_id.0 == "person")
    );
    assert!(
        s[0].basis.contains("cover name of Stalin"),
        "{}",
        s[0].basis
    );
}

#[test]
fn accents_fold_both_ways() {
    let mut p = Project::new("t");
    let a = add(&mut p, doc("Señor Pérez arrived."));
    let b = add(&mut p, doc("PEREZ and Pe\u{301}rez and perez left."));
    tag(&mut p, a, "Pérez", "person", None);
    let r = ProjectRecommender::new(&p, &Rejections::new());
    let s = r.suggest(&p, &p.documents[&b]).unwrap();
    // Lowercase "perez" is not proposed: the name was only ever written with a capital.
    assert_eq!(quotes(&s), ["PEREZ", "Pe\u{301}rez"]);
}

#[test]
fn learning_is_immediate_and_counts_what_was_left() {
    let mut p = Project::new("t");
    let a = add(
        &mut p,
        doc("Nam Il spoke. Then Washington, and Washington again, and Washington."),
    );
    // Marked done: what is left in it counts against a string.
    p.documents.get_mut(&a).unwrap().meta.status = crate::model::document::DocStatus::Done;
    let b = add(&mut p, doc("Later Nam Il left Washington."));
    let mut r = ProjectRecommender::new(&p, &Rejections::new());
    assert!(r.suggest(&p, &p.documents[&b]).unwrap().is_empty());
    tag(&mut p, a, "Nam Il", "person", None);
    r.learn(&p, &Feedback::Document(a));
    let s = r.suggest(&p, &p.documents[&b]).unwrap();
    assert_eq!(quotes(&s), ["Nam Il"]);
    assert_eq!(s[0].score, 1.0);
    // Washington tagged once but left twice in the same document: 1/3, below the threshold.
    tag(&mut p, a, "Washington", "place", None);
    r.learn(&p, &Feedback::Document(a));
    assert_eq!(
        quotes(&r.suggest(&p, &p.documents[&b]).unwrap()),
        ["Nam Il"]
    );
    r.min_score = 0.3;
    let s = r.suggest(&p, &p.documents[&b]).unwrap();
    assert_eq!(quotes(&s), ["Nam Il", "Washington"]);
    assert!((s[1].score - 1.0 / 3.0).abs() < 1e-6, "{}", s[1].score);
    // A rejection counts against the string.
    let w = s[1].clone();
    r.learn(&p, &Feedback::Rejected(&w));
    assert!(
        r.suggest(&p, &p.documents[&b])
            .unwrap()
            .iter()
            .all(|s| s.quote != "Washington")
    );
}

#[test]
fn only_documents_marked_done_count_a_string_as_left() {
    let mut p = Project::new("t");
    // The second Nam Il of a, not reached yet, does not count either.
    let a = add(&mut p, doc("Nam Il spoke with Kim. Nam Il left."));
    let b = add(&mut p, doc("Kim and Nam Il, Nam Il, Nam Il."));
    let c = add(&mut p, doc("Nam Il again, Nam Il. Kim."));
    let d = add(&mut p, doc("Nam Il."));
    // b and c are being annotated (Kim is tagged in each); c is marked done.
    tag(&mut p, b, "Kim", "person", None);
    tag(&mut p, c, "Kim", "person", None);
    p.documents.get_mut(&c).unwrap().meta.status = crate::model::document::DocStatus::Done;
    let mut r = ProjectRecommender::new(&p, &Rejections::new());
    tag(&mut p, a, "Nam Il", "person", None);
    r.learn(&p, &Feedback::Document(a));
    // b (in progress, Nam Il never tagged there) says nothing; c (done) left it twice.
    let s = r.suggest(&p, &p.documents[&d]).unwrap();
    assert!(s.is_empty(), "1 of 3: {s:?}");
    r.min_score = 0.3;
    let s = r.suggest(&p, &p.documents[&d]).unwrap();
    assert!((s[0].score - 1.0 / 3.0).abs() < 1e-6, "{}", s[0].score);
    // c back in progress: the new tag is not outvoted.
    p.documents.get_mut(&c).unwrap().meta.status = crate::model::document::DocStatus::InProgress;
    r.learn(&p, &Feedback::Document(c));
    let s = r.suggest(&p, &p.documents[&d]).unwrap();
    assert_eq!(s[0].score, 1.0);
    assert_eq!(
        r.suggest(&p, &p.documents[&d]).unwrap(),
        ProjectRecommender::new(&p, &Rejections::new())
            .suggest(&p, &p.documents[&d])
            .unwrap(),
        "learning equals a rebuild"
    );
}

#[test]
fn rebuilding_equals_learning_step_by_step() {
    let mut p = Project::new("t");
    let a = add(
        &mut p,
        doc("Kim Il Sung met Peng Dehuai. Kim Il Sung left."),
    );
    let b = add(&mut p, doc("Peng Dehuai and Kim Il Sung."));
    let mut r = ProjectRecommender::new(&p, &Rejections::new());
    tag(&mut p, a, "Kim Il Sung", "person", None);
    r.learn(&p, &Feedback::Document(a));
    tag(&mut p, b, "Peng Dehuai", "person", None);
    r.learn(&p, &Feedback::Document(b));
    let fresh = ProjectRecommender::new(&p, &Rejections::new());
    for d in [a, b] {
        let x = r.suggest(&p, &p.documents[&d]).unwrap();
        let y = fresh.suggest(&p, &p.documents[&d]).unwrap();
        assert_eq!(x, y);
    }
}

#[test]
fn filter_drops_rejected_covered_and_overlapping() {
    let mut p = Project::new("t");
    let a = add(&mut p, doc("Kim Il Sung and Kim met."));
    tag(&mut p, a, "Kim Il Sung", "person", None);
    let d = p.documents[&a].clone();
    let mk = |s: usize, e: usize, score: f32| Suggestion {
        doc: a,
        span: Span::new(s, e),
        quote: d.text_or_empty().slice(s, e).to_owned(),
        type_id: Slug::new("person"),
        entry: None,
        date: None,
        recommender: "t".into(),
        score,
        basis: String::new(),
    };
    let mut rej = Rejections::new();
    let kept = filter(
        vec![mk(0, 3, 0.9), mk(16, 19, 0.5), mk(16, 19, 0.7)],
        &d,
        &rej,
    );
    assert_eq!(kept.len(), 1);
    assert_eq!((kept[0].span, kept[0].score), (Span::new(16, 19), 0.7));
    rej.reject(&kept[0]);
    assert!(filter(vec![mk(16, 19, 0.7)], &d, &rej).is_empty());
    // Saved and read back.
    let back = Rejections::from_ron(&rej.to_ron()).unwrap();
    assert_eq!(back, rej);
    // A file without the newer fields reads with defaults.
    assert_eq!(Rejections::from_ron("()").unwrap(), Rejections::new());
}

#[test]
fn accepting_is_one_undoable_step() {
    let mut p = Project::new("t");
    let e = entry("Acheson, Dean", &[]);
    let eid = e.id;
    p.registry.insert(eid, e);
    let a = add(&mut p, doc("Acheson saw Acheson on 11 July 1951."));
    let r = ProjectRecommender::new(&p, &Rejections::new());
    let dr = DateRecommender::default();
    let (s, errs) = suggest_document(&[&r, &dr], &p, &p.documents[&a], &Rejections::new());
    assert!(errs.is_empty());
    assert_eq!(quotes(&s), ["Acheson", "Acheson", "11 July 1951"]);
    let before = p.clone();
    let (tx, skipped) = accept(&p, &s).unwrap();
    assert_eq!(skipped, 0);
    let mut h = crate::model::History::default();
    h.commit(&mut p, tx).unwrap();
    let ms: Vec<_> = p.documents[&a]
        .annotations
        .values()
        .filter_map(|a| a.as_mention())
        .collect();
    assert_eq!(ms.len(), 3);
    assert_eq!(ms.iter().filter(|m| m.entry == Some(eid)).count(), 2);
    assert!(
        ms.iter()
            .any(|m| m.date.as_ref().and_then(|d| d.when.as_deref()) == Some("1951-07-11"))
    );
    assert!(h.undo(&mut p).is_some());
    assert_eq!(p, before);
    // Accepting what is now annotated does nothing.
    h.redo(&mut p);
    assert!(matches!(accept(&p, &s), Err(OpError::NoChange)));
}

fn when(text: &str, ctx: Option<&str>) -> Vec<(String, String)> {
    let ctx = ctx.map(NormalizedDate::when);
    find_dates(text, ctx.as_ref())
        .into_iter()
        .map(|(s, d, _, _)| {
            let q: String = text.chars().skip(s.start).take(s.len()).collect();
            (q, d.to_string())
        })
        .collect()
}

#[test]
fn dates_in_four_languages() {
    let c = Some("1951-07-10");
    let pairs = |v: &[(&str, &str)]| {
        v.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        when(
            "Received 11 July 1951. Meet tomorrow at 0800 as agreed on July 9, 1951.",
            c
        ),
        pairs(&[
            ("11 July 1951", "1951-07-11"),
            ("tomorrow at 0800", "1951-07-11T08:00"),
            ("July 9, 1951", "1951-07-09")
        ])
    );
    assert_eq!(
        when("Your cable of 10.VII.51 and 1951-07-08.", c),
        pairs(&[("10.VII.51", "1951-07-10"), ("1951-07-08", "1951-07-08")])
    );
    assert_eq!(
        when("Встреча 11 июля 1951 г. в 15 часов, или в 15 часов.", c),
        pairs(&[
            ("11 июля 1951 г. в 15 часов", "1951-07-11T15:00"),
            ("в 15 часов", "1951-07-10T15:00")
        ])
    );
    assert_eq!(
        when(
            "Die Sitzung ist am 11. Juli 1951 und nicht morgen, sondern gestern.",
            c
        ),
        pairs(&[
            ("11. Juli 1951", "1951-07-11"),
            ("morgen", "1951-07-11"),
            ("gestern", "1951-07-09")
        ])
    );
    assert_eq!(
        when(
            "La réunion est le 11 juillet 1951 et les délégués partent demain à 15 heures.",
            c
        ),
        pairs(&[
            ("11 juillet 1951", "1951-07-11"),
            ("demain à 15 heures", "1951-07-11T15:00")
        ])
    );
    assert_eq!(
        when("Washington, May 20, 1936—2 p.m. Received at noon.", c),
        pairs(&[
            ("May 20, 1936—2 p.m.", "1936-05-20T14:00"),
            ("at noon", "1951-07-10T12:00")
        ])
    );
    // English text: "hier", "Mai" and "may" are not dates; "May 5" is.
    assert_eq!(
        when("I may go hier with Mai; the talks of May 5 ended.", c),
        pairs(&[("May 5", "1951-05-05")])
    );
    // No document date: relative words cannot be placed, full dates still can.
    assert_eq!(
        when("tomorrow, or 3 August 1950", None),
        pairs(&[("3 August 1950", "1950-08-03")])
    );
}

mod props {
    use super::*;
    use proptest::prelude::*;

    const PIECES: [&str; 12] = [
        "Ким Ир Сен",
        "毛泽东",
        "e\u{301}te\u{301}",
        "👩‍👩‍👧",
        "\r\n",
        " ",
        ", ",
        "word",
        "Straße",
        "🇰🇵",
        "\n\n",
        "x",
    ];

    proptest! {
        /// Wherever the name lands among Cyrillic, CJK, combining marks, emoji and CRLF,
        /// every suggestion's span slices exactly its quote from the LF-normalized text,
        /// and each inserted name is found at its code-point offset.
        #[test]
        fn offsets_hold_over_any_script(parts in proptest::collection::vec(0..PIECES.len() + 1, 1..40)) {
            let mut p = Project::new("t");
            let e = entry("Nam Il", &[("남일", AliasKind::OriginalScript)]);
            let eid = e.id;
            p.registry.insert(eid, e);
            let mut raw = String::new();
            for i in &parts {
                match PIECES.get(*i) {
                    Some(s) => raw.push_str(s),
                    None => raw.push_str(" Nam Il 남일 11 July 1951 "),
                }
            }
            let d = add(&mut p, doc(&raw));
            let text = p.documents[&d].text_or_empty().clone();
            let r = ProjectRecommender::new(&p, &Rejections::new());
            let dr = DateRecommender::default();
            let (s, _) = suggest_document(&[&r, &dr], &p, &p.documents[&d], &Rejections::new());
            for x in &s {
                prop_assert_eq!(text.slice(x.span.start, x.span.end), x.quote.as_str());
            }
            let inserted = parts.iter().filter(|i| **i == PIECES.len()).count();
            prop_assert_eq!(s.iter().filter(|x| x.entry == Some(eid)).count(), 2 * inserted);
            prop_assert_eq!(s.iter().filter(|x| x.quote == "11 July 1951").count(), inserted);
        }
    }
}
