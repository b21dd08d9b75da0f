//! What the benchmarks share: the deterministic generator behind their synthetic projects,
//! and the pieces of those projects that several benchmarks build alike.
//! (Not a benchmark itself: cargo only finds `benches/*.rs` and `benches/*/main.rs`.)
// Each benchmark uses part of this module.
#![allow(dead_code, clippy::unwrap_used)]

pub mod headless;

use marginalia::model::*;
use std::collections::BTreeMap;

/// A small deterministic generator (xorshift64*), so every run measures the same project.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// One of `items`, which must not be empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A scan-like `w` × `h` JPEG page at `path`: paper tone, lines of "type" and some noise, so
/// the JPEG is not trivial (the facsimile benchmarks).
pub fn write_scan(w: u32, h: u32, path: &std::path::Path) {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let line = (y / 60) % 2 == 0 && (y % 60) > 20 && (x / 37 + y / 60) % 7 != 0;
        let glyph = line && ((x * 7 + y * 3) % 23) < 9;
        let noise = ((x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 27) as u8;
        if glyph {
            image::Rgb([40 + noise, 38 + noise, 35 + noise])
        } else {
            image::Rgb([236 - noise, 230 - noise, 214 - noise])
        }
    });
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    image::codecs::jpeg::JpegEncoder::new_with_quality(file, 80)
        .encode_image(&img)
        .unwrap();
}

/// The words of the synthetic sources: Latin, Cyrillic, CJK and Hangul, combining marks,
/// punctuation and an emoji.
pub const WORDS: &[&str] = &[
    "the",
    "meeting",
    "resumed",
    "at",
    "Comrade",
    "FILIPPOV",
    "telegram",
    "delegation",
    "Panmunjom",
    "armistice",
    "proposal",
    "Kim",
    "Il",
    "Sung",
    "Peng",
    "Dehuai",
    "Moscow",
    "Beijing",
    "copy",
    "No.",
    "1951",
    "July",
    "10",
    "agenda",
    "point",
    "accepted",
    "Ли",
    "Кэ-нун",
    "товарищ",
    "Сталин",
    "телеграмма",
    "李克农",
    "毛泽东",
    "北京",
    "김일성",
    "평양",
    "re\u{301}sume\u{301}",
    "—",
    "«cipher»",
    "№",
    "📜",
];

/// A source of 2,000 to 5,000 bytes of `words` in lines of about 70 bytes; with
/// `crlf_one_in: Some(n)`, one line end in `n` (at random) is CRLF.
pub fn source_text(rng: &mut Rng, words: &[&str], crlf_one_in: Option<usize>) -> String {
    let target = 2_000 + rng.below(3_000);
    let mut s = String::with_capacity(target + 64);
    let mut line = 0;
    while s.len() < target {
        let w = rng.pick(words);
        s.push_str(w);
        line += w.len() + 1;
        if line > 70 {
            let crlf = crlf_one_in.is_some_and(|n| rng.below(n) == 0);
            s.push_str(if crlf { "\r\n" } else { "\n" });
            line = 0;
        } else {
            s.push(' ');
        }
    }
    s
}

/// `n` people in `project`'s registry ("Person i Лицо 人物"), every third with a cover
/// name and, when `wikidata`, a Wikidata id; returns their ids in order.
pub fn people(project: &mut Project, n: usize, wikidata: bool) -> Vec<EntryId> {
    (0..n)
        .map(|i| {
            let mut e = Entry::new(Slug::new("person"), format!("Person {i} Лицо 人物"));
            if i % 3 == 0 {
                e.aliases.push(Alias {
                    name: format!("Alias {i}"),
                    kind: AliasKind::CoverName,
                    note: String::new(),
                });
                if wikidata {
                    e.authority.push(AuthorityId {
                        scheme: Authority::Wikidata,
                        id: format!("Q{}", 1000 + i),
                    });
                }
            }
            let id = e.id;
            project.registry.insert(id, e);
            id
        })
        .collect()
}

/// A meeting triggered in `text`: two of `mentions` take part, one of `people` chairs.
pub fn meeting(rng: &mut Rng, text: &SourceText, mentions: &[AnnId], people: &[EntryId]) -> Body {
    let mut roles = BTreeMap::new();
    roles.insert(
        Slug::new("participant"),
        vec![
            Target::Annotation(*rng.pick(mentions)),
            Target::Annotation(*rng.pick(mentions)),
        ],
    );
    roles.insert(Slug::new("chair"), vec![Target::Entry(*rng.pick(people))]);
    let start = rng.below(text.len_chars() - 20);
    Body::Event(Event {
        type_id: Slug::new("meeting"),
        trigger: Some(TextAnchor::span(text, start, start + 7).unwrap()),
        roles,
        date: None,
    })
}

/// "subordinate_of" between two of `mentions`.
pub fn relation(rng: &mut Rng, mentions: &[AnnId]) -> Body {
    Body::Relation(Relation {
        type_id: Slug::new("subordinate_of"),
        from: Target::Annotation(*rng.pick(mentions)),
        to: Target::Annotation(*rng.pick(mentions)),
    })
}

/// The store benchmark's project, generated into `dir`: `docs` sources of 2–5 KB (a quarter
/// of lines CRLF) under `dir/sources`, `anns_per_doc` annotations each (80 % mentions, 10 %
/// meetings, 10 % relations; a fifth with a note, certainty and annotator) and `entries`
/// registry entries. Returns the project (not yet saved) and its first document.
pub fn store_project(
    dir: &std::path::Path,
    docs: usize,
    anns_per_doc: usize,
    entries: usize,
) -> (Project, DocId) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut project = Project::new("Benchmark");
    let people = people(&mut project, entries, true);
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let mut first = None;
    for d in 0..docs {
        let path = dir.join(format!("sources/doc-{d:05}.txt"));
        std::fs::write(&path, source_text(&mut rng, WORDS, Some(4))).unwrap();
        let mut doc = marginalia::store::document_from_source(dir, &path).unwrap();
        doc.meta.status = DocStatus::InProgress;
        doc.meta.archival.archive = "АПРФ".into();
        doc.meta.archival.call_number = format!("f. 45, op. 1, d. {d}");
        let text = doc.text.clone().unwrap();
        let n = text.len_chars();
        let mut mentions: Vec<AnnId> = Vec::new();
        for i in 0..anns_per_doc {
            let kind = i % 10;
            let body = if kind < 8 || mentions.len() < 2 {
                let start = rng.below(n - 40);
                let len = 3 + rng.below(20);
                let anchor = if rng.below(20) == 0 {
                    TextAnchor::new(
                        &text,
                        &[
                            Span::new(start, start + 3),
                            Span::new(start + 10, start + 10 + len),
                        ],
                    )
                    .unwrap()
                } else {
                    TextAnchor::span(&text, start, start + len).unwrap()
                };
                let dated = rng.below(10) == 0;
                Body::Mention(Mention {
                    type_id: Slug::new(if dated { "date" } else { "person" }),
                    anchor,
                    entry: (!dated && rng.below(2) == 0).then(|| *rng.pick(&people)),
                    date: dated.then(|| NormalizedDate::when("1951-07-10T15:00")),
                })
            } else if kind == 8 {
                meeting(&mut rng, &text, &mentions, &people)
            } else {
                relation(&mut rng, &mentions)
            };
            let mut ann = Annotation::new(body);
            if rng.below(5) == 0 {
                ann.note = "Checked against the Russian original; см. оригинал.".into();
                ann.cert = Some(Certainty::Medium);
                ann.resp = "#ab".into();
            }
            if matches!(ann.body, Body::Mention(_)) {
                mentions.push(ann.id);
            }
            doc.annotations.insert(ann.id, ann);
        }
        first.get_or_insert(doc.id());
        project.documents.insert(doc.id(), doc);
    }
    (project, first.unwrap())
}
