//! Independent annotation through git (issue 26): a project in independent mode committed
//! once, three clones, each annotator annotating the same documents in their own layer and
//! marking them done, the clones merged back with the merge driver (no conflicts between
//! layers), then `marginalia agree` on the merged project (layers) and on the three clones
//! (copies), which must report the same numbers.
//!
//! The ignored test `write_fixture` leaves the merged project in `$AGREEMENT_FIXTURE_OUT`
//! for `.ci/checks/agreement.sh`, which checks the numbers against nltk and krippendorff.
//! Skipped, with a message, only when git is not installed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use marginalia::model::layers::{Independence, Reveal};
use marginalia::model::*;
use marginalia::session::Session;
use std::path::{Path, PathBuf};
use std::process::Command;

mod support;
use support::git::{available as git_available, output as git_out, run as git};

const BIN: &str = env!("CARGO_BIN_EXE_marginalia");
const PROJECT: &str = "three-readers.marginalia.ron";
const CABLE: &str = "cable-21677-mao-to-filippov-1951-07-11.txt";
/// A second document: Cyrillic, CJK, an emoji, a combining mark, tabs and CRLF.
const MIXED: &str =
    "Пётр Ильич wrote to 毛泽东 from 北京 🎉\r\nat the Cafe\u{301} Европа,\tnear the Neva.\r\n";

const ANNOTATORS: [&str; 3] = ["ada", "ben", "chen"];

/// Each annotator's mentions: (phrase, type, which occurrences: None = all).
fn plan(annotator: &str) -> Vec<(&'static str, &'static str, Option<usize>)> {
    let mut p: Vec<(&str, &str, Option<usize>)> = vec![
        ("Mao Zedong", "person", None),
        ("MAO ZEDONG", "person", None),
        ("Stalin", "person", None),
        ("LI KENONG", "person", None),
        ("Li Kenong", "person", None),
        ("KIM IL SUNG", "person", None),
        ("PENG DEHUAI", "person", None),
        ("NAM IL", "person", None),
        ("BEIJING", "place", None),
        ("Korea", "place", None),
        ("UN", "organization", None),
        ("Wilson Center Digital Archive", "organization", None),
        ("GENERAL STAFF OF THE SOVIET ARMY", "organization", None),
        ("July 11, 1951", "date", None),
        ("11 July 1951", "date", None),
        ("10 July", "date", None),
        ("Cable No. 21677", "docref", None),
        ("Filippov", "person", None),
        ("FILIPPOV", "person", None),
        // The mixed document.
        ("Пётр Ильич", "person", None),
        ("毛泽东", "person", None),
        ("北京", "place", None),
        ("Cafe\u{301} Европа", "organization", None),
        ("Neva", "place", None),
    ];
    match annotator {
        "ben" => {
            // Wider spans, another type, a miss and an extra.
            p.retain(|(s, _, _)| !matches!(*s, "Filippov" | "Korea" | "UN" | "Neva"));
            p.push(("Cde. Filippov", "person", None));
            p.push(("UN", "place", None));
            p.push(("Leon Levy Foundation", "organization", None));
            p.push(("Neva", "organization", None));
        }
        "chen" => {
            p.retain(|(s, _, _)| !matches!(*s, "Stalin" | "10 July" | "NAM IL" | "北京"));
            p.push(("Stalin", "person", Some(0)));
            p.push(("2400 10 July 1951", "date", None));
            p.push(("NAM IL", "organization", None));
            p.push(("Cafe\u{301}", "place", None));
        }
        _ => {}
    }
    p
}

/// Code-point spans of whole-word occurrences of `phrase` in `text`.
fn find(text: &str, phrase: &str) -> Vec<(usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let pat: Vec<char> = phrase.chars().collect();
    let word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric());
    (0..chars.len().saturating_sub(pat.len() - 1))
        .filter(|&i| chars[i..i + pat.len()] == pat[..])
        .filter(|&i| {
            !word(i.checked_sub(1).and_then(|j| chars.get(j))) && !word(chars.get(i + pat.len()))
        })
        .map(|i| (i, i + pat.len()))
        .collect()
}

/// The project committed on `main` in `origin/`: both documents, independent mode for all
/// with others' layers revealed after done, one registry entry (Mao) to link to.
fn origin(tmp: &Path) -> PathBuf {
    let dir = tmp.join("origin");
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
    std::fs::copy(
        sample.join("sources").join(CABLE),
        dir.join("sources").join(CABLE),
    )
    .unwrap();
    std::fs::write(dir.join("sources/mixed.txt"), MIXED).unwrap();
    let mut project = Project::new("Three readers");
    project.info.independent = Some(Independence {
        all: true,
        reveal: Reveal::AfterDone,
        ..Independence::default()
    });
    for name in [CABLE, "mixed.txt"] {
        let doc =
            marginalia::store::document_from_source(&dir, &dir.join("sources").join(name)).unwrap();
        project.documents.insert(doc.id(), doc);
    }
    let mao = Entry::new(Slug::new("person"), "Mao Zedong");
    project.registry.insert(mao.id, mao);
    let mut s = Session::create(project, dir.join(PROJECT));
    s.save().unwrap();
    support::git::init_with_setup(&dir, BIN, "three readers");
    dir
}

/// In a clone: the annotator's mentions in their layer (Mao linked to the entry by Ada and
/// Ben), a meeting with a participant by Ada and Ben, and every document marked done.
fn annotate(dir: &Path, who: &str) {
    let mut s = Session::open(&dir.join(PROJECT)).unwrap();
    let mao = *s.project.registry.keys().next().unwrap();
    let mut tx = Transaction::new(format!("{who} annotates"));
    for doc in s.project.documents.values() {
        let text = doc.text.as_ref().unwrap();
        let mut nam_il = None;
        for (phrase, ty, which) in plan(who) {
            for (k, (start, end)) in find(text.as_str(), phrase).into_iter().enumerate() {
                if which.is_some_and(|w| w != k) {
                    continue;
                }
                let linked = phrase == "Mao Zedong" && who != "chen";
                let mut a = Annotation::new(Body::Mention(Mention {
                    type_id: Slug::new(ty),
                    anchor: TextAnchor::span(text, start, end).unwrap(),
                    entry: linked.then_some(mao),
                    date: None,
                }));
                a.layer = Some(who.to_owned());
                if phrase == "NAM IL" {
                    nam_il = Some(a.id);
                }
                tx = tx.with(Edit::Annotation {
                    doc: doc.id(),
                    before: None,
                    after: Some(Box::new(a)),
                });
            }
        }
        if who != "chen"
            && let (Some(filler), Some(&(start, end))) =
                (nam_il, find(text.as_str(), "The meeting resumed").first())
        {
            let mut roles = std::collections::BTreeMap::new();
            roles.insert(Slug::new("participant"), vec![Target::Annotation(filler)]);
            let mut e = Annotation::new(Body::Event(Event {
                type_id: Slug::new("meeting"),
                trigger: Some(TextAnchor::span(text, start, end).unwrap()),
                roles,
                date: None,
            }));
            e.layer = Some(who.to_owned());
            tx = tx.with(Edit::Annotation {
                doc: doc.id(),
                before: None,
                after: Some(Box::new(e)),
            });
        }
    }
    let before = s.project.info.clone();
    let mut after = before.clone();
    if let Some(ind) = after.independent.as_mut() {
        for id in s.project.documents.keys() {
            ind.done.insert((*id, who.to_owned()));
        }
    }
    tx = tx.with(Edit::Info { before, after });
    s.commit(tx).unwrap();
    s.save().unwrap();
}

/// Origin, three annotated clones (`clones/ada` …), and origin after pulling each.
fn three_readers(tmp: &Path) -> (PathBuf, Vec<PathBuf>) {
    let origin = origin(tmp);
    std::fs::create_dir_all(tmp.join("clones")).unwrap();
    let mut clones = Vec::new();
    for who in ANNOTATORS {
        git(
            &tmp.join("clones"),
            &["clone", "-q", origin.to_str().unwrap(), who],
        );
        let dir = tmp.join("clones").join(who);
        annotate(&dir, who);
        git(&dir, &["add", "-A"]);
        git(&dir, &["commit", "-q", "-m", &format!("{who}'s layer")]);
        clones.push(dir);
    }
    for dir in &clones {
        let o = git_out(
            &origin,
            &[
                "pull",
                "-q",
                "--no-rebase",
                "--no-edit",
                dir.to_str().unwrap(),
                "main",
            ],
        );
        assert!(
            o.status.success(),
            "pull {}: {}{}",
            dir.display(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    (origin, clones)
}

fn agree(args: &[&Path], extra: &[&str]) -> serde_json::Value {
    let o = Command::new(BIN)
        .arg("agree")
        .args(args)
        .arg("--json")
        .args(extra)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "agree: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn three_clones_merge_without_conflicts_and_agree_as_layers_and_as_copies() {
    if !git_available() {
        eprintln!("SKIPPED: git is not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (origin, clones) = three_readers(tmp.path());
    assert!(git(&origin, &["status", "--porcelain"]).is_empty());
    let merged = marginalia::store::load(&origin.join(PROJECT)).unwrap();
    assert!(
        merged.project.conflicts.is_empty(),
        "{:?}",
        merged.project.conflicts
    );
    // Every annotator's layer arrived whole, and every done mark.
    for (who, clone) in ANNOTATORS.iter().zip(&clones) {
        let theirs = marginalia::store::load(&clone.join(PROJECT))
            .unwrap()
            .project;
        for (id, doc) in &theirs.documents {
            let mine: Vec<_> = doc.annotations.values().collect();
            let there: Vec<_> = merged.project.documents[id]
                .annotations
                .values()
                .filter(|a| a.layer.as_deref() == Some(*who))
                .collect();
            assert!(!mine.is_empty());
            assert_eq!(mine, there, "{who}'s layer of {id}");
            let ind = merged.project.info.independent.as_ref().unwrap();
            assert!(ind.is_done(*id, who), "{who} done with {id}");
        }
    }
    let layers = agree(&[&origin.join(PROJECT)], &[]);
    let copies = agree(
        &clones.iter().map(PathBuf::as_path).collect::<Vec<_>>(),
        &[],
    );
    // The keys the issue names.
    for key in [
        "units",
        "observed",
        "fleiss_kappa",
        "krippendorff_alpha",
        "pairs",
        "per_type",
    ] {
        assert!(layers.get(key).is_some(), "{key} in {layers}");
    }
    let p0 = &layers["pairs"][0];
    for key in ["a", "b", "cohen_kappa", "f1_exact", "f1_overlap"] {
        assert!(p0.get(key).is_some(), "{key} in {p0}");
    }
    assert_eq!(layers["annotators"], serde_json::json!(ANNOTATORS));
    assert_eq!(copies["annotators"], serde_json::json!(ANNOTATORS));
    let non_ws = |s: &str| s.chars().filter(|c| !c.is_whitespace()).count() as u64;
    let cable = std::fs::read_to_string(origin.join("sources").join(CABLE)).unwrap();
    assert_eq!(
        layers["units"].as_u64().unwrap(),
        non_ws(&cable) + non_ws(MIXED)
    );
    for key in [
        "units",
        "observed",
        "fleiss_kappa",
        "davies_fleiss_kappa",
        "krippendorff_alpha",
        "krippendorff_alpha_u",
        "pairs",
        "per_type",
    ] {
        assert_eq!(layers[key], copies[key], "{key}: layers and copies differ");
    }
    // Ada and Ben agree on the link of every Mao mention both have; Chen links none.
    let pair = |a: &str, b: &str| {
        layers["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["a"] == a && p["b"] == b)
            .unwrap()
            .clone()
    };
    assert_eq!(pair("ada", "ben")["links"]["agreement"], 1.0);
    assert!(pair("ada", "chen")["links"]["agreement"].as_f64().unwrap() < 1.0);
    // Ada and Ben's meetings have the same trigger and participant span.
    assert_eq!(pair("ada", "ben")["events"]["f1_roles"], 1.0);
    // Agreement is neither perfect nor absent.
    let k = layers["fleiss_kappa"].as_f64().unwrap();
    assert!(k > 0.5 && k < 1.0, "{k}");
    // Filters: two annotators, one type, one document.
    let two = agree(
        &[&origin.join(PROJECT)],
        &[
            "--annotators",
            "ada,ben",
            "--types",
            "person",
            "--documents",
            "mixed",
        ],
    );
    assert_eq!(two["pairs"].as_array().unwrap().len(), 1);
    assert_eq!(two["types"], serde_json::json!(["person"]));
    assert_eq!(two["units"].as_u64().unwrap(), non_ws(MIXED));
}

/// For `.ci/checks/agreement.sh`: the merged three-annotator project, copied into
/// `$AGREEMENT_FIXTURE_OUT/project`.
#[test]
#[ignore = "writes the fixture for .ci/checks/agreement.sh"]
fn write_fixture() {
    let out = PathBuf::from(std::env::var("AGREEMENT_FIXTURE_OUT").expect("AGREEMENT_FIXTURE_OUT"));
    assert!(git_available(), "git is needed");
    let tmp = tempfile::tempdir().unwrap();
    let (origin, _) = three_readers(tmp.path());
    let dest = out.join("project");
    std::fs::create_dir_all(dest.join("sources")).unwrap();
    std::fs::copy(origin.join(PROJECT), dest.join(PROJECT)).unwrap();
    for e in std::fs::read_dir(origin.join("sources")).unwrap() {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x != "bak") {
            std::fs::copy(e.path(), dest.join("sources").join(e.file_name())).unwrap();
        }
    }
}
