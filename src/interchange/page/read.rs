//! The PAGE XML reader: a `PcGts` file's `Page` as a [`LayoutPage`].
//!
//! - Regions in `ReadingOrder` (ordered groups by `index`, unordered ones in file order,
//!   nested groups in place), then any region it does not list, in file order; without a
//!   reading order, file order. Text regions nested in others (and table cells) are regions
//!   of their own.
//! - A line's text is its `TextEquiv` (the lowest `index`) as written; a line without one
//!   joins its words' texts with spaces. Lines keep their order in the file, or Transkribus's
//!   `readingOrder {index}` when every line has one.
//! - Coordinates from `Coords/@points` (2013, 2019) or `Coords/Point` (2010).
//! - `TextEquiv/@conf` of lines and regions → `confidence`; of words → `word_confidence`.
//! - `custom` tags of lines (Transkribus: `person`, `place`, `date`, `abbrev`, `textStyle` …,
//!   offsets in the line) and the emphasis of `TextStyle` on regions, lines and words →
//!   mentions; a region's `@type` (or `structure {type}`) → `region_type`.
//! - Not kept, and counted: glyphs, word outlines, baselines, separator and noise regions,
//!   borders and print spaces, the other `TextStyle` attributes (font family, size …),
//!   alternative images, tags on words, `Metadata`.

use super::super::common::xml::El;
use super::super::import::ImportError;
use super::super::layout::{
    self, EMPHASIS, LayoutFormat, LayoutPage, Line, NotKept, Region, Tag, style_tag,
};
use super::{GRAPHIC_REGIONS, SKIPPED_REGIONS, TEXT_REGION, custom_tag, parse_custom};
use std::collections::HashSet;
use std::path::Path;

/// Reads PAGE XML files, folders of them and METS files that list them.
pub type PageImporter = layout::LayoutImporter<PageFormat>;

/// PAGE XML as a [`LayoutFormat`].
#[derive(Clone, Copy, Debug, Default)]
pub struct PageFormat;

impl LayoutFormat for PageFormat {
    fn name(&self) -> &'static str {
        "PAGE XML"
    }

    fn id(&self) -> &'static str {
        "page"
    }

    fn label(&self) -> &'static str {
        "PAGE XML (Transkribus, eScriptorium, OCR-D)"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["xml"]
    }

    fn in_mets_group(&self, use_or_mime: &str) -> bool {
        use_or_mime.eq_ignore_ascii_case("application/vnd.prima.page+xml")
            || use_or_mime.to_ascii_uppercase().contains("PAGE")
    }

    fn is_own(&self, root: &El) -> bool {
        root.name == "PcGts"
    }

    fn parse(&self, text: &str, file: &Path) -> Result<El, ImportError> {
        super::super::common::xml::parse(text, file)
    }

    fn pages(
        &self,
        root: &El,
        file: &Path,
        not_kept: &mut NotKept,
    ) -> Result<Vec<LayoutPage>, ImportError> {
        let place = |e: &El| format!("{} line {}", file.display(), e.line);
        if let Some(m) = root.child("Metadata") {
            for e in m.elements() {
                not_kept.add(format!("PAGE Metadata <{}>", e.name), place(e));
            }
        }
        let mut pages = Vec::new();
        for page in root.children_named("Page") {
            pages.push(read_page(page, file, not_kept));
        }
        if pages.is_empty() {
            return Err(ImportError::Invalid {
                path: file.to_path_buf(),
                message: "this PAGE file has no <Page>".into(),
            });
        }
        Ok(pages)
    }
}

fn number(e: &El, key: &str) -> Option<f64> {
    e.attr(key)?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// An element's outline: `Coords/@points`, or PAGE 2010's `Coords/Point`.
fn outline(e: &El) -> Option<Vec<(f64, f64)>> {
    let c = e.child("Coords")?;
    if let Some(p) = c.attr("points") {
        return layout::parse_points(p);
    }
    let pts: Option<Vec<(f64, f64)>> = c
        .children_named("Point")
        .map(|p| Some((number(p, "x")?, number(p, "y")?)))
        .collect();
    pts.filter(|v| !v.is_empty())
}

/// The `TextEquiv` of `e` with the lowest `index` (the first when none has one): its
/// `Unicode` text as written and its confidence.
fn text_equiv(e: &El) -> Option<(String, Option<f64>)> {
    let best = e.children_named("TextEquiv").min_by_key(|t| {
        t.attr("index")
            .and_then(|i| i.parse::<i64>().ok())
            .unwrap_or(i64::MAX)
    })?;
    let text = best.child("Unicode").map(El::all_text)?;
    Some((text, number(best, "conf")))
}

/// The emphasis a `TextStyle` element gives, and the names of its other attributes.
fn text_style(e: &El) -> (Vec<&'static str>, Vec<String>) {
    let Some(s) = e.child("TextStyle") else {
        return (Vec::new(), Vec::new());
    };
    let emph = EMPHASIS
        .iter()
        .copied()
        .filter(|n| s.attr(n) == Some("true"))
        .collect();
    let other = s
        .attrs
        .iter()
        .filter(|(k, _)| !EMPHASIS.contains(&k.as_str()))
        .map(|(k, _)| k.clone())
        .collect();
    (emph, other)
}

fn read_page(page: &El, file: &Path, not_kept: &mut NotKept) -> LayoutPage {
    let place = |e: &El| format!("{} line {}", file.display(), e.line);
    let size = match (number(page, "imageWidth"), number(page, "imageHeight")) {
        (Some(w), Some(h)) if w > 0.0 && h > 0.0 => Some((w, h)),
        _ => None,
    };
    // Every region element, in file order, nested ones after their parent.
    let mut all: Vec<&El> = Vec::new();
    for e in page.descendants() {
        let name = e.name.as_str();
        if name == TEXT_REGION || GRAPHIC_REGIONS.iter().any(|g| g.0 == name) {
            all.push(e);
        } else if SKIPPED_REGIONS.contains(&name) {
            not_kept.add(format!("PAGE {name}s"), place(e));
        } else if matches!(
            name,
            "Border" | "PrintSpace" | "AlternativeImage" | "TableRegion"
        ) {
            not_kept.add(
                match name {
                    "TableRegion" => {
                        "PAGE table outlines (TableRegion; its cells are kept)".to_owned()
                    }
                    other => format!("PAGE <{other}>"),
                },
                place(e),
            );
        } else if name == "Glyph" {
            not_kept.add("PAGE glyphs (Glyph)", place(e));
        } else if name == "Baseline" {
            not_kept.add("PAGE baselines (Baseline)", place(e));
        } else if matches!(
            name,
            "Relations" | "Layers" | "Labels" | "UserDefined" | "Roles"
        ) {
            not_kept.add(format!("PAGE <{name}>"), place(e));
        }
    }
    let order = reading_order(page);
    let mut ordered: Vec<&El> = Vec::new();
    let mut seen: HashSet<*const El> = HashSet::new();
    for id in &order {
        if let Some(r) = all.iter().find(|r| r.attr("id") == Some(id.as_str()))
            && seen.insert(*r as *const El)
        {
            ordered.push(r);
        }
    }
    for r in &all {
        if seen.insert(*r as *const El) {
            ordered.push(r);
        }
    }
    let regions = ordered
        .into_iter()
        .map(|r| read_region(r, file, not_kept))
        .collect();
    LayoutPage {
        file: file.to_path_buf(),
        image: page.attr("imageFilename").map(str::to_owned),
        image_file: None,
        size,
        label: String::new(),
        regions,
    }
}

/// The region ids of `ReadingOrder`, flattened: ordered groups by `index`, unordered groups
/// in file order, nested groups in place.
fn reading_order(page: &El) -> Vec<String> {
    let Some(ro) = page.child("ReadingOrder") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // An explicit stack of child lists: input nesting cannot exhaust the call stack.
    let mut stack: Vec<std::vec::IntoIter<&El>> =
        vec![ro.elements().collect::<Vec<_>>().into_iter()];
    while let Some(top) = stack.last_mut() {
        let Some(e) = top.next() else {
            stack.pop();
            continue;
        };
        if let Some(r) = e.attr("regionRef") {
            out.push(r.to_owned());
        }
        if e.name.contains("Group") {
            let mut kids: Vec<&El> = e.elements().collect();
            if e.name.starts_with("OrderedGroup") {
                kids.sort_by_key(|k| {
                    k.attr("index")
                        .and_then(|i| i.parse::<i64>().ok())
                        .unwrap_or(i64::MAX)
                });
            }
            stack.push(kids.into_iter());
        }
    }
    out
}

fn read_region(r: &El, file: &Path, not_kept: &mut NotKept) -> Region {
    let place = |e: &El| format!("{} line {}", file.display(), e.line);
    let custom = r.attr("custom").map(parse_custom).unwrap_or_default();
    if let Some(graphic) = GRAPHIC_REGIONS.iter().find(|g| g.0 == r.name) {
        return Region {
            id: r.attr("id").unwrap_or_default().to_owned(),
            kind: r.attr("type").unwrap_or(graphic.1).to_owned(),
            outline: outline(r),
            confidence: None,
            lines: Vec::new(),
            text: None,
            graphic: true,
        };
    }
    let kind = r
        .attr("type")
        .map(str::to_owned)
        .or_else(|| {
            custom
                .iter()
                .find(|c| c.name == "structure")
                .and_then(|c| c.get("type"))
                .map(str::to_owned)
        })
        .unwrap_or_default();
    for c in &custom {
        if !matches!(c.name.as_str(), "readingOrder" | "structure") {
            not_kept.add(
                format!("PAGE custom tags on regions ({})", c.name),
                place(r),
            );
        }
    }
    let (region_emph, region_other) = text_style(r);
    for o in region_other {
        not_kept.add(format!("PAGE TextStyle @{o}"), place(r));
    }
    let mut lines: Vec<(Option<i64>, Line)> = r
        .children_named("TextLine")
        .map(|l| {
            let line_custom = l.attr("custom").map(parse_custom).unwrap_or_default();
            let index = line_custom
                .iter()
                .find(|c| c.name == "readingOrder")
                .and_then(|c| c.get("index"))
                .and_then(|i| i.parse().ok());
            (
                index,
                read_line(l, &line_custom, &region_emph, file, not_kept),
            )
        })
        .collect();
    if lines.iter().all(|(i, _)| i.is_some()) {
        lines.sort_by_key(|(i, _)| *i);
    }
    let (text, confidence) = match text_equiv(r) {
        Some((t, c)) => (Some(t), c),
        None => (None, None),
    };
    Region {
        id: r.attr("id").unwrap_or_default().to_owned(),
        kind,
        outline: outline(r),
        confidence,
        lines: lines.into_iter().map(|(_, l)| l).collect(),
        text,
        graphic: false,
    }
}

fn read_line(
    l: &El,
    custom: &[super::CustomEntry],
    region_emph: &[&'static str],
    file: &Path,
    not_kept: &mut NotKept,
) -> Line {
    let place = |e: &El| format!("{} line {}", file.display(), e.line);
    let words: Vec<&El> = l.children_named("Word").collect();
    let word_texts: Vec<(String, Option<f64>)> = words
        .iter()
        .map(|w| text_equiv(w).unwrap_or_default())
        .collect();
    let (text, confidence) = match text_equiv(l) {
        Some((t, c)) => (t, c),
        None => {
            let joined = word_texts
                .iter()
                .map(|(t, _)| t.as_str())
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            (joined, None)
        }
    };
    let mut tags: Vec<Tag> = custom.iter().filter_map(|c| custom_tag(c, &text)).collect();
    let (line_emph, line_other) = text_style(l);
    for o in line_other {
        not_kept.add(format!("PAGE TextStyle @{o}"), place(l));
    }
    let len = text.chars().count();
    let mut whole: Vec<&'static str> = region_emph.to_vec();
    for e in line_emph {
        if !whole.contains(&e) {
            whole.push(e);
        }
    }
    let has_custom_style = tags.iter().any(|t| t.type_id.as_str() == "text_style");
    if !has_custom_style && let Some(t) = style_tag(&whole, 0, len) {
        tags.push(t);
    }
    // Words: their place in the line's text (found in order), emphasis the line does not
    // already have, confidences.
    let mut word_confidences = Vec::new();
    let mut from = 0usize;
    for (w, (wt, conf)) in words.iter().zip(&word_texts) {
        if let Some(c) = conf {
            word_confidences.push((wt.clone(), *c));
        }
        if w.child("Coords").is_some() {
            not_kept.add("PAGE word outlines (Word/Coords)", place(w));
        }
        for c in w.attr("custom").map(parse_custom).unwrap_or_default() {
            if !matches!(c.name.as_str(), "readingOrder" | "textStyle") {
                not_kept.add(format!("PAGE custom tags on words ({})", c.name), place(w));
            }
        }
        let (emph, other) = text_style(w);
        for o in other {
            not_kept.add(format!("PAGE TextStyle @{o}"), place(w));
        }
        let Some(at) = find_chars(&text, wt, from) else {
            continue;
        };
        let end = at + wt.chars().count();
        from = end;
        let extra: Vec<&str> = emph.into_iter().filter(|e| !whole.contains(e)).collect();
        if !has_custom_style && let Some(t) = style_tag(&extra, at, end) {
            tags.push(t);
        }
    }
    Line {
        id: l.attr("id").unwrap_or_default().to_owned(),
        text,
        outline: outline(l),
        confidence,
        word_confidences,
        tags,
    }
}

/// The code-point offset of `needle` in `hay` at or after code point `from`.
fn find_chars(hay: &str, needle: &str, from: usize) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let byte_from = hay.char_indices().nth(from).map_or(hay.len(), |(b, _)| b);
    let at = hay[byte_from..].find(needle)? + byte_from;
    Some(hay[..at].chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interchange::common::xml::parse;

    fn pages(xml: &str) -> (Vec<LayoutPage>, NotKept) {
        let root = parse(xml, Path::new("p.xml")).unwrap();
        let mut nk = NotKept::default();
        let p = PageFormat
            .pages(&root, Path::new("p.xml"), &mut nk)
            .unwrap();
        (p, nk)
    }

    #[test]
    fn reading_order_then_the_rest() {
        let (p, nk) = pages(
            r#"<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15">
            <Page imageFilename="a.png" imageWidth="100" imageHeight="200">
              <ReadingOrder><OrderedGroup id="g">
                <RegionRefIndexed index="1" regionRef="r1"/>
                <OrderedGroupIndexed index="0" id="g2"><RegionRefIndexed index="0" regionRef="r3"/></OrderedGroupIndexed>
              </OrderedGroup></ReadingOrder>
              <TextRegion id="r1" type="paragraph"><Coords points="0,0 10,0 10,10 0,10"/>
                <TextLine id="l1"><Coords points="1,1 9,1 9,5 1,5"/><Baseline points="1,5 9,5"/>
                  <Word><TextEquiv conf="0.5"><Unicode>Kant</Unicode></TextEquiv></Word>
                  <TextEquiv index="1" conf="0.9"><Unicode>Kant Aufklä-</Unicode></TextEquiv>
                  <TextEquiv index="0"><Unicode>Kant, Aufklä-</Unicode></TextEquiv>
                  <TextStyle bold="true" fontSize="12"/>
                </TextLine></TextRegion>
              <TextRegion id="r2"><TextLine id="l2"><Word><TextEquiv><Unicode>a</Unicode></TextEquiv></Word><Word><TextEquiv><Unicode>b</Unicode></TextEquiv></Word></TextLine></TextRegion>
              <TextRegion id="r3"><Coords><Point x="1" y="2"/><Point x="3" y="2"/><Point x="3" y="4"/></Coords></TextRegion>
              <SeparatorRegion id="s"/>
            </Page></PcGts>"#,
        );
        let p = &p[0];
        assert_eq!(p.image.as_deref(), Some("a.png"));
        assert_eq!(p.size, Some((100.0, 200.0)));
        let ids: Vec<&str> = p.regions.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["r3", "r1", "r2"]);
        assert_eq!(
            p.regions[0].outline,
            Some(vec![(1.0, 2.0), (3.0, 2.0), (3.0, 4.0)])
        );
        let l1 = &p.regions[1].lines[0];
        assert_eq!(l1.text, "Kant, Aufklä-");
        assert_eq!(l1.confidence, None);
        assert_eq!(l1.word_confidences, vec![("Kant".to_owned(), 0.5)]);
        assert_eq!(l1.tags.len(), 1);
        assert_eq!((l1.tags[0].start, l1.tags[0].end), (0, 13));
        assert_eq!(p.regions[1].kind, "paragraph");
        assert_eq!(p.regions[2].lines[0].text, "a b");
        assert_eq!(nk.count("PAGE SeparatorRegions"), 1);
        assert_eq!(nk.count("PAGE baselines (Baseline)"), 1);
        assert_eq!(nk.count("PAGE TextStyle @fontSize"), 1);
    }
}
