//! The report against a direct computation from the unit table, on small studies built by
//! hand and at random (Cyrillic, CJK, combining marks, emoji, whitespace).
#![allow(clippy::unwrap_used)]

use super::*;
use crate::model::layers::Independence;
use crate::model::{
    ArchivalMeta, Body, Document, DocumentMeta, Mention as ModelMention, Slug, Span, TextAnchor,
};
use proptest::prelude::*;
use std::collections::HashMap;

fn doc(text: &str) -> Document {
    Document {
        meta: DocumentMeta {
            id: DocId::new(),
            title: format!("doc {}", text.chars().take(6).collect::<String>()),
            source: None,
            images: Vec::new(),
            status: DocStatus::InProgress,
            archival: ArchivalMeta::default(),
        },
        text: Some(SourceText::from_str_normalizing(text)),
        annotations: BTreeMap::new(),
    }
}

fn mention(d: &Document, ty: &str, spans: &[(usize, usize)], layer: &str) -> Annotation {
    let spans: Vec<Span> = spans.iter().map(|(s, e)| Span::new(*s, *e)).collect();
    let mut a = Annotation::new(Body::Mention(ModelMention {
        type_id: Slug::new(ty),
        anchor: TextAnchor::new(d.text.as_ref().unwrap(), &spans).unwrap(),
        entry: None,
        date: None,
    }));
    a.layer = Some(layer.to_owned());
    a
}

fn add(d: &mut Document, a: Annotation) {
    d.annotations.insert(a.id, a);
}

/// The unit table by brute force: for each unit, each annotator's label.
fn unit_table(study: &Study, labels: &Labels) -> Vec<Vec<Option<u16>>> {
    let mut rows = Vec::new();
    for d in &study.documents {
        for (offset, c) in d.text.as_str().chars().enumerate() {
            if c.is_whitespace() {
                continue;
            }
            let row = d
                .versions
                .iter()
                .map(|v| {
                    let v = v.as_ref()?;
                    let best = v
                        .annotations
                        .iter()
                        .filter_map(|a| {
                            let m = a.as_mention()?;
                            let l = labels.index(&m.type_id.0)?;
                            let f = &m.anchor.fragments;
                            f.iter().any(|s| s.contains(offset)).then(|| {
                                let size: usize = f.iter().map(Span::len).sum();
                                (size, f[0].start, l)
                            })
                        })
                        .min();
                    Some(best.map_or(0, |(_, _, l)| l))
                })
                .collect();
            rows.push(row);
        }
    }
    rows
}

fn naive_cohen(rows: &[Vec<Option<u16>>], a: usize, b: usize) -> Option<f64> {
    let both: Vec<(u16, u16)> = rows.iter().filter_map(|r| Some((r[a]?, r[b]?))).collect();
    let n = both.len() as f64;
    let ao = both.iter().filter(|(x, y)| x == y).count() as f64 / n;
    let mut ca: HashMap<u16, f64> = HashMap::new();
    let mut cb: HashMap<u16, f64> = HashMap::new();
    for (x, y) in &both {
        *ca.entry(*x).or_default() += 1.0;
        *cb.entry(*y).or_default() += 1.0;
    }
    let ae: f64 = ca
        .iter()
        .map(|(k, v)| v / n * cb.get(k).copied().unwrap_or(0.0) / n)
        .sum();
    let k = (ao - ae) / (1.0 - ae);
    k.is_finite().then_some(k)
}

fn naive_fleiss(rows: &[Vec<Option<u16>>]) -> Option<f64> {
    let complete: Vec<Vec<u16>> = rows
        .iter()
        .filter_map(|r| r.iter().copied().collect::<Option<Vec<u16>>>())
        .collect();
    let n = complete.len() as f64;
    let r = complete.first()?.len() as f64;
    let mut pbar = 0.0;
    let mut tot: HashMap<u16, f64> = HashMap::new();
    for row in &complete {
        let mut c: HashMap<u16, f64> = HashMap::new();
        for l in row {
            *c.entry(*l).or_default() += 1.0;
            *tot.entry(*l).or_default() += 1.0;
        }
        pbar += (c.values().map(|x| x * x).sum::<f64>() - r) / (r * (r - 1.0));
    }
    pbar /= n;
    let pe: f64 = tot.values().map(|x| (x / (n * r)).powi(2)).sum();
    let k = (pbar - pe) / (1.0 - pe);
    k.is_finite().then_some(k)
}

/// Krippendorff's α by the coincidence matrix, as his 2011 paper computes it.
fn naive_alpha(rows: &[Vec<Option<u16>>]) -> Option<f64> {
    let mut o: HashMap<(u16, u16), f64> = HashMap::new();
    for r in rows {
        let vals: Vec<u16> = r.iter().flatten().copied().collect();
        let m = vals.len();
        if m < 2 {
            continue;
        }
        for i in 0..m {
            for j in 0..m {
                if i != j {
                    *o.entry((vals[i], vals[j])).or_default() += 1.0 / (m as f64 - 1.0);
                }
            }
        }
    }
    let mut nc: HashMap<u16, f64> = HashMap::new();
    for ((c, _), v) in &o {
        *nc.entry(*c).or_default() += v;
    }
    let n: f64 = nc.values().sum();
    let d_o: f64 = o.iter().filter(|((c, k), _)| c != k).map(|(_, v)| v).sum();
    let d_e: f64 = nc
        .iter()
        .flat_map(|(c, x)| {
            nc.iter()
                .filter(move |(k, _)| *k != c)
                .map(move |(_, y)| x * y)
        })
        .sum::<f64>()
        / (n - 1.0);
    let a = 1.0 - d_o / d_e;
    (d_e > 0.0).then_some(a)
}

fn close(x: Option<f64>, y: Option<f64>) -> bool {
    match (x, y) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        (None, None) => true,
        _ => false,
    }
}

fn project_with(docs: Vec<Document>) -> Project {
    let mut p = Project::new("agreement");
    p.info.independent = Some(Independence {
        all: true,
        ..Independence::default()
    });
    for d in docs {
        p.documents.insert(d.id(), d);
    }
    p
}

#[test]
fn three_layers_by_hand() {
    // "Comrade Stalin met Kim Il Sung in Moscow."
    let mut d = doc("Comrade Stalin met Kim Il Sung in Moscow.");
    {
        let m = mention(&d, "person", &[(8, 14)], "Anna");
        add(&mut d, m);
    }
    {
        let m = mention(&d, "person", &[(19, 30)], "Anna");
        add(&mut d, m);
    }
    {
        let m = mention(&d, "place", &[(34, 40)], "Anna");
        add(&mut d, m);
    }
    {
        let m = mention(&d, "person", &[(0, 14)], "Ben");
        add(&mut d, m);
    }
    {
        let m = mention(&d, "person", &[(19, 22)], "Ben");
        add(&mut d, m);
    }
    {
        let m = mention(&d, "organization", &[(34, 40)], "Ben");
        add(&mut d, m);
    }
    {
        let m = mention(&d, "person", &[(8, 14)], "Chen");
        add(&mut d, m);
    }
    {
        let m = mention(&d, "person", &[(19, 30)], "Chen");
        add(&mut d, m);
    }
    {
        let m = mention(&d, "place", &[(34, 40)], "Chen");
        add(&mut d, m);
    }
    let p = project_with(vec![d]);
    let study = Study::from_layers(&p, &Filter::default()).unwrap();
    assert_eq!(study.annotators, ["Anna", "Ben", "Chen"]);
    let labels = Labels::of(&study, &Filter::default(), Some(&p.schema)).unwrap();
    assert_eq!(labels.names, ["none", "organization", "person", "place"]);
    let r = compute(&study, &labels);
    // 41 code points, 7 spaces.
    assert_eq!(r.units, 34);
    assert_eq!(r.complete_units, 34);
    let rows = unit_table(&study, &labels);
    assert!(close(r.fleiss_kappa, naive_fleiss(&rows)));
    assert!(close(r.krippendorff_alpha, naive_alpha(&rows)));
    // Anna and Chen agree everywhere.
    let ac = &r.pairs[1];
    assert_eq!((ac.a.as_str(), ac.b.as_str()), ("Anna", "Chen"));
    assert_eq!(ac.observed, Some(1.0));
    assert_eq!(ac.cohen_kappa, Some(1.0));
    assert_eq!(ac.f1_exact, Some(1.0));
    assert_eq!(ac.alpha_u, Some(1.0));
    // Anna and Ben: one of three mentions exact, two overlapping (the place/organization
    // differs in type, so it does not overlap).
    let ab = &r.pairs[0];
    assert_eq!(ab.f1_exact, Some(0.0));
    assert!(close(ab.f1_overlap, Some(2.0 / 3.0)));
    assert!(close(ab.cohen_kappa, naive_cohen(&rows, 0, 1)));
    assert_eq!(r.per_type["person"].mentions["Ben"], 2);
    assert_eq!(r.per_document.len(), 1);
    assert!(close(r.per_document[0].fleiss_kappa, r.fleiss_kappa));
}

/// Computed by hand: CJK, an emoji outside the BMP, a combining mark, an ideographic space.
#[test]
fn code_point_units_by_hand_over_cjk_emoji_and_combining_marks() {
    // 毛0 泽1 东2 ␠3 到4 ␠5 北6 京7 U+3000 8 🎉9 ␠10 C11 a12 f13 e14 ◌́15: 12 units.
    let mut d = doc("毛泽东 到 北京\u{3000}🎉 Cafe\u{301}");
    for (ty, span, who) in [
        ("person", (0, 3), "A"),
        ("place", (6, 8), "A"),
        ("organization", (11, 16), "A"),
        ("person", (0, 3), "B"),
        ("place", (6, 8), "B"),
        ("place", (9, 10), "B"),
        ("organization", (11, 15), "B"),
    ] {
        let m = mention(&d, ty, &[span], who);
        add(&mut d, m);
    }
    let p = project_with(vec![d]);
    let study = Study::from_layers(&p, &Filter::default()).unwrap();
    let labels = Labels::of(&study, &Filter::default(), None).unwrap();
    let r = compute(&study, &labels);
    assert_eq!(r.units, 12);
    // They differ on 🎉 (none/place) and the combining mark (organization/none).
    assert!(close(r.observed, Some(10.0 / 12.0)));
    // A: person 3, none 2, place 2, organization 5; B: 3, 2, 3, 4.
    // A_e = (9 + 4 + 6 + 20)/144 → κ = (120 − 39)/(144 − 39) = 27/35.
    assert!(close(r.pairs[0].cohen_kappa, Some(27.0 / 35.0)));
    // Pooled: person 6, none 4, place 5, organization 9 of 24 → P_e = 158/576;
    // Fleiss (Scott's π for two) = (480 − 158)/(576 − 158) = 161/209.
    assert!(close(r.fleiss_kappa, Some(161.0 / 209.0)));
    // α = 1 − (24 − 1)·(2 + 2)/(576 − 158) = 163/209.
    assert!(close(r.krippendorff_alpha, Some(163.0 / 209.0)));
    // With two annotators Davies–Fleiss is Cohen.
    assert!(close(r.davies_fleiss_kappa, Some(27.0 / 35.0)));
    // Spans: exact 2 of A's 3 and B's 4 → F1 4/7; overlap: A 3/3, B 3/4 → F1 6/7.
    assert!(close(r.pairs[0].f1_exact, Some(4.0 / 7.0)));
    assert!(close(r.pairs[0].f1_overlap, Some(6.0 / 7.0)));
    // Organization vs the rest: A 5 units, B 4, both 4 → A_o 11/12, A_e 76/144 → 14/17.
    assert!(close(
        r.per_type["organization"].pairs[0].cohen_kappa,
        Some(14.0 / 17.0)
    ));
    // The unit table skips the spaces and the ideographic space, counts 🎉 and ◌́ once.
    let mut csv = Vec::new();
    assert_eq!(units::write_csv(&study, &labels, &mut csv).unwrap(), 24);
    let text = String::from_utf8(csv).unwrap();
    let id = study.documents[0].id;
    assert!(
        text.contains(&format!("{id},9,A,none\n{id},9,B,place\n")),
        "{text}"
    );
    assert!(text.contains(&format!("{id},15,A,organization\n{id},15,B,none\n")));
    assert!(!text.contains(&format!("{id},8,")) && !text.contains(&format!("{id},10,")));
}

#[test]
fn an_annotator_without_a_version_is_missing_not_none() {
    let mut d1 = doc("Kim Il Sung");
    {
        let m = mention(&d1, "person", &[(0, 11)], "Anna");
        add(&mut d1, m);
    }
    {
        let m = mention(&d1, "person", &[(0, 3)], "Ben");
        add(&mut d1, m);
    }
    let mut d2 = doc("Peng Dehuai");
    {
        let m = mention(&d2, "person", &[(0, 11)], "Anna");
        add(&mut d2, m);
    }
    let mut p = project_with(vec![d1, d2.clone()]);
    let study = Study::from_layers(&p, &Filter::default()).unwrap();
    assert!(study.documents.iter().any(|d| d.versions[1].is_none()));
    let labels = Labels::of(&study, &Filter::default(), None).unwrap();
    let r = compute(&study, &labels);
    assert_eq!(r.units, 9 + 10);
    assert_eq!(r.complete_units, 9);
    assert_eq!(r.pairs[0].units, 9);
    // Ben marks d2 done without annotating anything: now "none" everywhere there.
    p.info
        .independent
        .as_mut()
        .unwrap()
        .done
        .insert((d2.id(), "Ben".to_owned()));
    let study = Study::from_layers(&p, &Filter::default()).unwrap();
    let r2 = compute(&study, &labels);
    assert_eq!(r2.complete_units, 19);
    assert!(r2.pairs[0].observed.unwrap() < r.pairs[0].observed.unwrap());
}

#[test]
fn filters_name_what_they_do_not_find() {
    let mut d = doc("Kim Il Sung");
    {
        let m = mention(&d, "person", &[(0, 11)], "Anna");
        add(&mut d, m);
    }
    {
        let m = mention(&d, "person", &[(0, 3)], "Ben");
        add(&mut d, m);
    }
    let p = project_with(vec![d]);
    let f = Filter {
        annotators: Some(vec!["Anna".into(), "Zoe".into()]),
        ..Filter::default()
    };
    let e = Study::from_layers(&p, &f).unwrap_err();
    assert_eq!(
        e.to_string(),
        "no annotator is called \"Zoe\" (annotators: Anna, Ben)"
    );
    let f = Filter {
        annotators: Some(vec!["Anna".into()]),
        ..Filter::default()
    };
    assert_eq!(
        Study::from_layers(&p, &f).unwrap_err(),
        AgreeError::TooFewAnnotators { found: 1 }
    );
    let f = Filter {
        documents: Some(vec!["no such".into()]),
        ..Filter::default()
    };
    assert!(matches!(
        Study::from_layers(&p, &f),
        Err(AgreeError::UnknownDocument(_))
    ));
    let study = Study::from_layers(&p, &Filter::default()).unwrap();
    let f = Filter {
        types: Some(vec!["persn".into()]),
        ..Filter::default()
    };
    assert!(matches!(
        Labels::of(&study, &f, Some(&p.schema)),
        Err(AgreeError::UnknownType { .. })
    ));
    assert_eq!(
        Study::from_layers(&Project::new("x"), &Filter::default()).unwrap_err(),
        AgreeError::NoLayers
    );
}

#[test]
fn copies_are_matched_by_document_id_and_differing_texts_are_left_out() {
    let mut d = doc("Kim Il Sung met Peng");
    d.annotations.clear();
    let mut a = Project::new("a");
    let mut b = Project::new("b");
    let mut c = Project::new("c");
    let mut da = d.clone();
    let mut m = mention(&da, "person", &[(0, 11)], "x");
    m.layer = None;
    add(&mut da, m);
    let mut db = d.clone();
    let mut m = mention(&db, "person", &[(0, 3)], "x");
    m.layer = None;
    add(&mut db, m);
    let mut dc = d.clone();
    dc.text = Some(SourceText::from_str_normalizing("Kim Il Sung met Peng!"));
    a.documents.insert(da.id(), da);
    b.documents.insert(db.id(), db);
    c.documents.insert(dc.id(), dc);
    let copies = [("a", &a), ("b", &b), ("c", &c)];
    let study = Study::from_copies(&copies, &Filter::default()).unwrap();
    assert_eq!(study.documents.len(), 1);
    assert!(study.documents[0].versions[2].is_none());
    assert_eq!(study.left_out.len(), 1);
    assert_eq!(study.left_out[0].annotator.as_deref(), Some("c"));
    let labels = Labels::of(&study, &Filter::default(), None).unwrap();
    let r = compute(&study, &labels);
    // "Kim Il Sung met Peng": 16 non-whitespace code points.
    assert_eq!(r.pairs[0].units, 16);
    let mut csv = Vec::new();
    let rows = units::write_csv(&study, &labels, &mut csv).unwrap();
    assert_eq!(rows, 32);
    let text = String::from_utf8(csv).unwrap();
    assert!(text.starts_with("document,offset,annotator,label\n"));
    assert!(text.contains(&format!("{},4,b,none\n", study.documents[0].id)));
    assert!(text.contains(&format!("{},4,a,person\n", study.documents[0].id)));
}

const PIECES: &[&str] = &[
    "Сталин",
    "李克农",
    "re\u{301}sume\u{301}",
    "📜",
    "Kim",
    " ",
    "\n",
    "\t",
    "毛泽东",
    "Il",
];

fn arb_text() -> impl Strategy<Value = String> {
    prop::collection::vec(0..PIECES.len(), 3..30)
        .prop_map(|v| v.into_iter().map(|i| PIECES[i]).collect::<String>())
}

prop_compose! {
    fn arb_case()(texts in prop::collection::vec(arb_text(), 1..4),
                  seeds in prop::collection::vec(any::<u64>(), 40)) -> (Vec<String>, Vec<u64>) {
        (texts, seeds)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn the_report_equals_the_unit_table_computed_directly((texts, seeds) in arb_case()) {
        let types = ["person", "place", "organization"];
        let names = ["Anna", "Ben", "Chen"];
        let mut all = Vec::new();
        let mut done = Vec::new();
        let mut s = seeds.iter().cycle();
        let mut next = || *s.next().unwrap();
        for t in &texts {
            let mut d = doc(t);
            let len = d.text.as_ref().unwrap().len_chars();
            for (ai, name) in names.iter().enumerate() {
                let k = next();
                // One annotator in five skips a document (missing), unless it is the first.
                if k % 5 == 0 && ai > 0 {
                    continue;
                }
                for j in 0..(k % 6) {
                    let r = next();
                    let start = (r % len as u64) as usize;
                    let end = (start + 1 + (r >> 8) as usize % 6).min(len);
                    let mut spans = vec![(start, end)];
                    if j % 4 == 3 && end + 2 < len {
                        spans.push((end + 1, end + 2));
                    }
                    { let m = mention(&d, types[(r >> 16) as usize % 3], &spans, name); add(&mut d, m); }
                }
                // A version with nothing marked still counts once marked done: "none"
                // everywhere.
                done.push((d.id(), (*name).to_owned()));
            }
            all.push(d);
        }
        let mut p = project_with(all);
        p.info.independent.as_mut().unwrap().done.extend(done);
        let Ok(study) = Study::from_layers(&p, &Filter::default()) else { return Ok(()) };
        let labels = Labels::of(&study, &Filter::default(), None).unwrap();
        let r = compute(&study, &labels);
        let rows = unit_table(&study, &labels);
        prop_assert_eq!(r.units, rows.len() as u64);
        prop_assert!(close(r.krippendorff_alpha, naive_alpha(&rows)), "{:?} {:?}", r.krippendorff_alpha, naive_alpha(&rows));
        prop_assert!(close(r.fleiss_kappa, naive_fleiss(&rows)));
        for (p, (a, b)) in coding::pairs(study.annotators.len()).into_iter().enumerate() {
            prop_assert!(close(r.pairs[p].cohen_kappa, naive_cohen(&rows, a, b)));
        }
        let mut csv = Vec::new();
        let n = units::write_csv(&study, &labels, &mut csv).unwrap();
        prop_assert_eq!(n as usize, rows.iter().map(|r| r.iter().flatten().count()).sum::<usize>());
    }
}
