//! The data behind the views on the sample project `projects/korean-armistice-1951`: the
//! 10 July session, Li Kenong → Mao with copies to Kim Il Sung and Peng Dehuai, and point 3
//! opposed by the other side's delegation.
#![allow(clippy::unwrap_used)]

use marginalia::model::{EntryId, Project, Slug};
use marginalia::views::concordance::{KwicQuery, KwicSort, kwic, stats};
use marginalia::views::network::{EdgeKind, Network, NetworkFilter, layout};
use marginalia::views::query::{DocSelector, Question, answer, role_names};
use marginalia::views::timeline::{RowKey, RowMode, Timeline, TimelineFilter};
use marginalia::views::{Actor, Index, find_entry, iso_bounds, iso_minute};
use std::path::Path;

fn sample() -> Project {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
    marginalia::store::load(&dir).unwrap().project
}

fn entry(p: &Project, name: &str) -> EntryId {
    find_entry(p, name).unwrap_or_else(|| panic!("no entry {name}"))
}

#[test]
fn the_10_july_session_on_the_timeline() {
    let p = sample();
    let idx = Index::build(&p);
    let t = Timeline::build(&p, &idx, &TimelineFilter::default(), RowMode::ByType);
    let session = t
        .events
        .iter()
        .find(|e| e.label == "Meeting: meeting resumed")
        .unwrap();
    let r = session.range.as_ref().unwrap();
    assert_eq!(iso_minute(r.start.unwrap()), "1951-07-10T15:00");
    assert_eq!(iso_minute(r.end.unwrap()), "1951-07-10T17:00");
    assert_eq!(session.dated_by, "time");
    // The next session was set for 0800 on 11 July.
    let next = t
        .events
        .iter()
        .find(|e| e.label == "Meeting: new meeting")
        .unwrap();
    assert_eq!(
        iso_minute(next.range.as_ref().unwrap().start.unwrap()),
        "1951-07-11T08:00"
    );
    // Agenda points take their meeting's time.
    let points: Vec<_> = t
        .events
        .iter()
        .filter(|e| e.type_id.as_str() == "agenda_point" && e.dated_by == "via meeting")
        .collect();
    assert!(points.len() >= 5, "{}", points.len());
    assert!(points.iter().any(|e| e.range.as_ref() == Some(r)));
    // The verification has no time: listed aside.
    assert!(
        t.undated
            .iter()
            .any(|e| e.label == "Archival handling: Verified")
    );
    // Rows per type in schema order; sorted by start inside each row.
    let keys: Vec<_> = t.rows.iter().map(|r| r.key.clone()).collect();
    assert_eq!(keys[0], RowKey::Type(Slug::new("meeting")));
    for row in &t.rows {
        let starts: Vec<_> = row
            .events
            .iter()
            .map(|&i| t.events[i].range.as_ref().unwrap().sort_key())
            .collect();
        assert!(starts.windows(2).all(|w| w[0] <= w[1]));
    }
    let (lo, hi) = t.extent.unwrap();
    assert!(lo <= r.start.unwrap() && hi >= r.end.unwrap());
}

#[test]
fn timeline_rows_per_entry_and_filters() {
    let p = sample();
    let idx = Index::build(&p);
    let nam = entry(&p, "Nam Il");
    let filter = TimelineFilter {
        entry: Some(nam),
        ..TimelineFilter::default()
    };
    let t = Timeline::build(&p, &idx, &filter, RowMode::ByEntry);
    assert!(t.events.iter().all(|e| e.has(nam, None)));
    assert!(
        t.events
            .iter()
            .any(|e| e.label == "Meeting: meeting resumed")
    );
    let row = t.rows.iter().find(|r| r.key == RowKey::Entry(nam)).unwrap();
    assert_eq!(row.events.len(), t.events.len());
    let only_handling = TimelineFilter {
        types: vec![Slug::new("handling")],
        annotator: Some("Marginalia sample".into()),
        ..TimelineFilter::default()
    };
    let t = Timeline::build(&p, &idx, &only_handling, RowMode::ByType);
    assert!(!t.events.is_empty());
    assert!(t.events.iter().all(|e| e.type_id.as_str() == "handling"));
    let nobody = TimelineFilter {
        annotator: Some("someone else".into()),
        ..TimelineFilter::default()
    };
    assert!(
        Timeline::build(&p, &idx, &nobody, RowMode::ByType)
            .events
            .is_empty()
    );
}

#[test]
fn li_kenong_to_mao_with_copies() {
    let p = sample();
    let idx = Index::build(&p);
    let (li, mao) = (entry(&p, "Li Kenong"), entry(&p, "Mao Zedong"));
    let hits = answer(
        &p,
        &idx,
        &Question::Communications {
            from: Some(li),
            to: Some(mao),
            copies: false,
        },
    );
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert_eq!(hits[0].label, "Communication: Brief report");
    let ev = idx.events.iter().find(|e| e.link == hits[0].link).unwrap();
    let mut copies = role_names(&p, ev, "copy_to");
    copies.sort();
    assert_eq!(copies, ["Kim Il Sung", "Peng Dehuai"]);
    // Kim Il Sung received it only as a copy.
    let kim = entry(&p, "Kim Il Sung");
    let to_kim = |copies| {
        answer(
            &p,
            &idx,
            &Question::Communications {
                from: Some(li),
                to: Some(kim),
                copies,
            },
        )
        .len()
    };
    assert_eq!((to_kim(false), to_kim(true)), (0, 1));

    let net = Network::build(&p, &idx, &NetworkFilter::default());
    let node = |id| net.node_of(&Actor::Entry(id)).unwrap();
    let edge = |kind: EdgeKind, a, b| {
        net.edges
            .iter()
            .find(|e| e.kind == kind && e.source == node(a) && e.target == node(b))
            .unwrap_or_else(|| panic!("no {kind:?} edge"))
    };
    let e = edge(EdgeKind::Communication, li, mao);
    assert!(e.directed);
    assert_eq!(e.weight, 1);
    assert_eq!(e.links, [hits[0].link]);
    assert_eq!(edge(EdgeKind::Copy, li, kim).weight, 1);
    assert_eq!(edge(EdgeKind::Copy, li, entry(&p, "Peng Dehuai")).weight, 1);
    // Mao forwarded it to Stalin.
    edge(EdgeKind::Communication, mao, entry(&p, "Stalin"));
}

#[test]
fn point_3_opposed_by_the_other_side() {
    let p = sample();
    let idx = Index::build(&p);
    let unc = entry(&p, "United Nations Command delegation");
    let hits = answer(
        &p,
        &idx,
        &Question::EntryInRole {
            entry: unc,
            event_type: Some(Slug::new("agenda_point")),
            role: Some(Slug::new("opposed_by")),
        },
    );
    assert!(!hits.is_empty());
    let point3 = hits
        .iter()
        .map(|h| idx.events.iter().find(|e| e.link == h.link).unwrap())
        .find(|e| {
            e.roles
                .get(&Slug::new("number"))
                .is_some_and(|f| f[0].label == "3")
        })
        .unwrap();
    assert!(point3.has(unc, Some("opposed_by")));
    assert!(!point3.has(unc, Some("proposed_by")));
    assert_eq!(
        point3.range.as_ref().map(|r| r.label.as_str()),
        Some("1951-07-10T15:00 – 1951-07-10T17:00")
    );
    // Our side proposed it.
    let ours = entry(&p, "Korean-Chinese delegation");
    assert!(point3.has(ours, Some("proposed_by")));
    assert!(!point3.has(ours, Some("opposed_by")));
}

#[test]
fn meetings_attended_and_what_happened_on_a_day() {
    let p = sample();
    let idx = Index::build(&p);
    let nam = entry(&p, "Nam Il");
    let hits = answer(
        &p,
        &idx,
        &Question::EntryInRole {
            entry: nam,
            event_type: Some(Slug::new("meeting")),
            role: Some(Slug::new("participant")),
        },
    );
    assert_eq!(
        hits.iter().map(|h| h.label.as_str()).collect::<Vec<_>>(),
        ["Meeting: meeting resumed"]
    );
    let (from, to) = iso_bounds("1951-07-10").unwrap();
    let day = answer(&p, &idx, &Question::During { from, to });
    let labels: Vec<&str> = day.iter().map(|h| h.label.as_str()).collect();
    assert!(labels.contains(&"Meeting: meeting resumed"), "{labels:?}");
    assert!(!labels.contains(&"Meeting: new meeting"), "{labels:?}");
    // Sorted by time.
    let (from11, to11) = iso_bounds("1951-07-11").unwrap();
    let next_day = answer(
        &p,
        &idx,
        &Question::During {
            from: from11,
            to: to11,
        },
    );
    assert!(next_day.iter().any(|h| h.label == "Meeting: new meeting"));
    assert!(next_day.iter().all(|h| h.date.is_some()));
}

#[test]
fn network_time_window_and_layout() {
    let p = sample();
    let idx = Index::build(&p);
    let all = Network::build(&p, &idx, &NetworkFilter::default());
    assert!(all.edges.iter().any(|e| e.kind == EdgeKind::Meeting));
    assert!(
        all.edges
            .iter()
            .any(|e| e.kind == EdgeKind::Relation(Slug::new("member_of")))
    );
    // Weights are the number of events behind each edge; degrees sum them.
    for e in &all.edges {
        assert_eq!(e.weight, e.links.len());
        assert!(e.directed || e.source <= e.target);
    }
    let total: usize = all.nodes.iter().map(|n| n.degree).sum();
    assert_eq!(total, 2 * all.edges.iter().map(|e| e.weight).sum::<usize>());
    // Only 11 July: no co-participation from the 10 July session between Nam Il and the
    // UN Command delegation.
    let (from, to) = iso_bounds("1951-07-11T09:00").unwrap();
    let window = NetworkFilter {
        window: Some((from, to + 24 * 60)),
        ..NetworkFilter::default()
    };
    let later = Network::build(&p, &idx, &window);
    assert!(later.edges.len() < all.edges.len());
    assert!(later.node_of(&Actor::Entry(entry(&p, "Nam Il"))).is_none());
    for e in later.edges.iter().filter(|e| e.range.is_some()) {
        assert!(e.range.as_ref().unwrap().overlaps(from, to + 24 * 60));
    }
    // The layout is deterministic, inside the unit square, and separates nodes.
    let a = layout(&all);
    assert_eq!(a, layout(&all));
    assert_eq!(a.len(), all.nodes.len());
    assert!(a.iter().flatten().all(|v| (0.0..=1.0).contains(v)));
    for (i, x) in a.iter().enumerate() {
        for y in &a[i + 1..] {
            let d = ((x[0] - y[0]).powi(2) + (x[1] - y[1]).powi(2)).sqrt();
            assert!(d > 0.005, "{x:?} {y:?}");
        }
    }
}

#[test]
fn concordance_and_statistics() {
    let p = sample();
    let stalin = entry(&p, "Filippov");
    let lines = kwic(&p, &KwicQuery::Entry(stalin), 30, KwicSort::Document);
    assert_eq!(lines.len(), p.mentions_of(stalin).len());
    assert!(lines.iter().all(|l| l.link.ann.is_some()));
    assert!(lines.iter().any(|l| l.keyword == "Filippov"));
    assert!(lines.iter().any(|l| l.keyword == "Stalin"));
    let first = &lines[0];
    assert_eq!(first.keyword.chars().count(), first.end - first.start);
    assert!(first.left.chars().count() <= 30 && !first.left.contains('\n'));
    let by_right = kwic(&p, &KwicQuery::Entry(stalin), 30, KwicSort::Right);
    let rights: Vec<String> = by_right
        .iter()
        .map(|l| marginalia::model::registry::fold(l.right.trim_start()))
        .collect();
    assert!(rights.windows(2).all(|w| w[0] <= w[1]));
    let search = kwic(
        &p,
        &KwicQuery::Search("CONFERENCE".into()),
        20,
        KwicSort::Left,
    );
    assert_eq!(search.len(), 1);
    assert_eq!(search[0].keyword, "conference");
    assert_eq!(search[0].link.ann, None);
    // A match inside a mention links to it.
    let li = kwic(
        &p,
        &KwicQuery::Search("li kenong".into()),
        10,
        KwicSort::Document,
    );
    assert!(li.len() >= 2);
    let linked: Vec<_> = li.iter().filter_map(|l| l.link.ann).collect();
    assert!(!linked.is_empty());
    for a in linked {
        let m = p.find_annotation(a).unwrap().1.as_mention().unwrap();
        assert_eq!(m.entry, Some(entry(&p, "Li Kenong")));
    }
    let dates = kwic(&p, &KwicQuery::Type(Slug::new("date")), 20, KwicSort::Date);
    assert!(dates.len() >= 5);
    let s = stats(&p);
    assert_eq!(s.documents.len(), 1);
    assert_eq!(s.by_status["Done"], 1);
    assert_eq!(
        s.by_type.values().sum::<usize>(),
        p.annotation_count(),
        "{:?}",
        s.by_type
    );
    assert_eq!(s.annotators["Marginalia sample"].documents, 1);
}

#[test]
fn entries_mentioned_in_some_documents_but_never_in_others() {
    let p = sample();
    let hits = answer(
        &p,
        &Index::build(&p),
        &Question::MentionedOnlyIn {
            mentioned_in: DocSelector::HasEvent(Slug::new("communication")),
            never_in: DocSelector::Title("no such title".into()),
        },
    );
    assert!(hits.iter().any(|h| h.label == "Li Kenong"));
    assert!(hits.iter().all(|h| h.link.ann.is_some()));
    let none = answer(
        &p,
        &Index::build(&p),
        &Question::MentionedOnlyIn {
            mentioned_in: DocSelector::HasEvent(Slug::new("communication")),
            never_in: DocSelector::Archive("president".into()),
        },
    );
    assert!(none.is_empty());
    assert!(DocSelector::parse("colour:red").is_err());
}

#[test]
fn query_command_line_answers_in_json() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_marginalia"))
            .arg("query")
            .arg(&dir)
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&[
        "--json",
        "events",
        "--entry",
        "Nam Il",
        "--type",
        "meeting",
        "--role",
        "participant",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["label"], "Meeting: meeting resumed");
    assert_eq!(hits[0]["date"], "1951-07-10T15:00 – 1951-07-10T17:00");
    assert!(hits[0]["link"]["ann"].is_string());
    // --json after the question, too.
    let out = run(&["period", "1951-07-11", "--json"]);
    assert!(out.status.success());
    let day: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        day.as_array()
            .unwrap()
            .iter()
            .any(|h| h["label"] == "Meeting: new meeting")
    );
    let out = run(&["events", "--entry", "Nobody at all"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no registry entry matches \"Nobody at all\""),
        "{err}"
    );
    let out = run(&["period", "1951-13"]);
    assert_eq!(out.status.code(), Some(2));
}
