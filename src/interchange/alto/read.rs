//! The ALTO reader: each `Layout/Page` of an `alto` file as a [`LayoutPage`].
//!
//! - Blocks in file order (`TextBlock`, inside `ComposedBlock`s too; ALTO has no reading
//!   order of its own); `Illustration`s are graphic regions.
//! - A line's text is its `String/@CONTENT`s with a space for each `SP` and the `HYP`'s
//!   content as given. A file without any `SP` (converters that drop them) gets a space where
//!   the gap between two words is wider than 15 % of the line's height: touching boxes
//!   ("Frage" ":") stay together.
//! - Boxes from `HPOS`/`VPOS`/`WIDTH`/`HEIGHT`, or `Shape/Polygon/@POINTS` where given, in the
//!   file's `MeasurementUnit`, scaled to the image's pixels by the page's `WIDTH`/`HEIGHT`.
//! - `String/@WC` → `word_confidence`; `STYLE`/`STYLEREFS` font styles → `text_style`
//!   mentions; `TAGREFS` to `NamedEntityTag`s → mentions of their type (a tag on several
//!   consecutive words, across lines too, is one mention).
//! - The page image: `sourceImageInformation/fileName`, else the METS file's scan.
//! - Not kept, and counted: `CC` character confidences, `GraphicalElement`s, margins,
//!   `SUBS_CONTENT` (the hyphenated word's whole form), other tag kinds, page confidence.

use super::super::common::xml::El;
use super::super::import::ImportError;
use super::super::layout::{self, LayoutFormat, LayoutPage, Line, NotKept, Region, Tag, style_tag};
use super::{FONT_STYLES, entity_type};
use std::collections::HashMap;
use std::path::Path;

/// Reads ALTO files, folders of them and METS files that list them.
pub type AltoImporter = layout::LayoutImporter<AltoFormat>;

/// ALTO as a [`LayoutFormat`].
#[derive(Clone, Copy, Debug, Default)]
pub struct AltoFormat;

/// A word's share of the gap (in line heights) above which two words without `SP` between
/// them are read as separated by a space.
const SPACE_GAP: f64 = 0.15;

impl LayoutFormat for AltoFormat {
    fn name(&self) -> &'static str {
        "ALTO"
    }

    fn id(&self) -> &'static str {
        "alto"
    }

    fn label(&self) -> &'static str {
        "ALTO XML"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["xml", "alto"]
    }

    fn in_mets_group(&self, use_or_mime: &str) -> bool {
        use_or_mime.eq_ignore_ascii_case("application/alto+xml")
            || use_or_mime.eq_ignore_ascii_case("text/xml+alto")
            || use_or_mime.to_ascii_uppercase().contains("ALTO")
    }

    fn is_own(&self, root: &El) -> bool {
        root.name == "alto"
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
        let image = root
            .find("sourceImageInformation")
            .and_then(|s| s.child("fileName"))
            .map(|f| f.all_text().trim().to_owned())
            .filter(|f| !f.is_empty());
        // Font styles by id, named-entity tags by id.
        let mut styles: HashMap<&str, Vec<&'static str>> = HashMap::new();
        let mut tags: HashMap<&str, (String, String, String)> = HashMap::new();
        if let Some(s) = root.child("Styles") {
            for ts in s.children_named("TextStyle") {
                if let Some(id) = ts.attr("ID") {
                    styles.insert(id, emphasis(ts.attr("FONTSTYLE").unwrap_or_default()));
                }
            }
        }
        if let Some(t) = root.child("Tags") {
            for tag in t.elements() {
                let Some(id) = tag.attr("ID") else { continue };
                if tag.name == "NamedEntityTag" {
                    let name = tag
                        .attr("TYPE")
                        .or_else(|| tag.attr("LABEL"))
                        .unwrap_or("entity");
                    let (ty, label) = entity_type(name);
                    let note = tag.attr("DESCRIPTION").unwrap_or_default().to_owned();
                    tags.insert(id, (ty, label, note));
                } else {
                    not_kept.add(format!("ALTO {}s", tag.name), place(tag));
                }
            }
        }
        let any_sp = root.find("SP").is_some();
        let ctx = Ctx {
            styles,
            tags,
            any_sp,
            file,
        };
        let layout_el = root.child("Layout");
        let mut pages = Vec::new();
        for page in layout_el.iter().flat_map(|l| l.children_named("Page")) {
            if page.attr("PC").is_some() {
                not_kept.add("ALTO page confidences (Page/@PC)", place(page));
            }
            let size = match (num(page, "WIDTH"), num(page, "HEIGHT")) {
                (Some(w), Some(h)) if w > 0.0 && h > 0.0 => Some((w, h)),
                _ => None,
            };
            let mut regions = Vec::new();
            for e in page.descendants() {
                match e.name.as_str() {
                    "TextBlock" => regions.push(ctx.block(e, not_kept)),
                    "Illustration" => regions.push(Region {
                        id: e.attr("ID").unwrap_or_default().to_owned(),
                        kind: e.attr("TYPE").unwrap_or("illustration").to_owned(),
                        outline: outline(e),
                        graphic: true,
                        ..Region::default()
                    }),
                    "GraphicalElement" => not_kept.add("ALTO GraphicalElements", place(e)),
                    "TopMargin" | "LeftMargin" | "RightMargin" | "BottomMargin" | "PrintSpace"
                        if e.attr("HPOS").is_some() =>
                    {
                        not_kept.add(format!("ALTO {} outlines", e.name), place(e));
                    }
                    _ => {}
                }
            }
            let label = page.attr("PRINTED_IMG_NR").unwrap_or_default().to_owned();
            pages.push(LayoutPage {
                file: file.to_path_buf(),
                image: image.clone(),
                image_file: None,
                size,
                label,
                regions,
            });
        }
        if pages.is_empty() {
            return Err(ImportError::Invalid {
                path: file.to_path_buf(),
                message: "this ALTO file has no <Layout>/<Page>".into(),
            });
        }
        Ok(pages)
    }
}

fn num(e: &El, key: &str) -> Option<f64> {
    e.attr(key)?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// The element's box (`HPOS`, `VPOS`, `WIDTH`, `HEIGHT`).
fn bbox(e: &El) -> Option<(f64, f64, f64, f64)> {
    Some((
        num(e, "HPOS")?,
        num(e, "VPOS")?,
        num(e, "WIDTH")?,
        num(e, "HEIGHT")?,
    ))
}

/// `Shape/Polygon/@POINTS` where given, else the box.
fn outline(e: &El) -> Option<Vec<(f64, f64)>> {
    if let Some(p) = e
        .child("Shape")
        .and_then(|s| s.child("Polygon"))
        .and_then(|p| p.attr("POINTS"))
        .and_then(layout::parse_points)
    {
        return Some(p);
    }
    let (x, y, w, h) = bbox(e)?;
    Some(layout::box_points(x, y, w, h))
}

/// The emphasis of a `FONTSTYLE`/`STYLE` value ("bold italics").
fn emphasis(s: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    for w in s.split_whitespace() {
        if let Some((_, e)) = FONT_STYLES.iter().find(|(k, _)| k.eq_ignore_ascii_case(w))
            && !e.is_empty()
            && !out.contains(e)
        {
            out.push(*e);
        }
    }
    out
}

struct Ctx<'a> {
    styles: HashMap<&'a str, Vec<&'static str>>,
    tags: HashMap<&'a str, (String, String, String)>,
    any_sp: bool,
    file: &'a Path,
}

impl Ctx<'_> {
    fn place(&self, e: &El) -> String {
        format!("{} line {}", self.file.display(), e.line)
    }

    /// The emphasis of an element's `STYLE` and `STYLEREFS`.
    fn emph_of(&self, e: &El) -> Vec<&'static str> {
        let mut out = emphasis(e.attr("STYLE").unwrap_or_default());
        for r in e.attr("STYLEREFS").unwrap_or_default().split_whitespace() {
            for s in self.styles.get(r).into_iter().flatten() {
                if !out.contains(s) {
                    out.push(s);
                }
            }
        }
        out
    }

    fn block(&self, b: &El, not_kept: &mut NotKept) -> Region {
        let block_emph = self.emph_of(b);
        let lines: Vec<&El> = b.children_named("TextLine").collect();
        // The entity tags of each line's first word, so a tag running on is joined.
        let first_tags: Vec<Vec<&str>> = lines
            .iter()
            .map(|l| {
                l.children_named("String")
                    .next()
                    .map(|s| {
                        s.attr("TAGREFS")
                            .unwrap_or_default()
                            .split_whitespace()
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();
        let mut out = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            let next_first = first_tags.get(i + 1).cloned().unwrap_or_default();
            out.push(self.line(l, &block_emph, &next_first, not_kept));
        }
        Region {
            id: b.attr("ID").unwrap_or_default().to_owned(),
            kind: String::new(),
            outline: outline(b),
            confidence: None,
            lines: out,
            text: None,
            graphic: false,
        }
    }

    fn line(
        &self,
        l: &El,
        block_emph: &[&'static str],
        next_first: &[&str],
        not_kept: &mut NotKept,
    ) -> Line {
        let height = num(l, "HEIGHT").unwrap_or(0.0);
        let mut text = String::new();
        let mut len = 0usize;
        let mut words: Vec<(usize, usize, &El)> = Vec::new();
        let mut word_confidences = Vec::new();
        let mut prev_end: Option<f64> = None;
        let mut pending_space = false;
        for e in l.elements() {
            match e.name.as_str() {
                "String" => {
                    let content = e.attr("CONTENT").unwrap_or_default();
                    let infer = !self.any_sp
                        && prev_end.is_some_and(|end| {
                            num(e, "HPOS").is_some_and(|x| x - end > SPACE_GAP * height)
                        });
                    if (pending_space || infer) && !text.is_empty() {
                        text.push(' ');
                        len += 1;
                    }
                    pending_space = false;
                    let start = len;
                    text.push_str(content);
                    len += content.chars().count();
                    words.push((start, len, e));
                    prev_end = bbox(e).map(|(x, _, w, _)| x + w);
                    if let Some(wc) = num(e, "WC") {
                        word_confidences.push((content.to_owned(), wc));
                    }
                    if e.attr("CC").is_some() {
                        not_kept.add("ALTO character confidences (String/@CC)", self.place(e));
                    }
                    if e.attr("SUBS_CONTENT").is_some() {
                        not_kept.add(
                            "ALTO hyphenated words' whole forms (String/@SUBS_CONTENT)",
                            self.place(e),
                        );
                    }
                }
                "SP" => pending_space = true,
                "HYP" => {
                    let c = e.attr("CONTENT").unwrap_or("-");
                    text.push_str(c);
                    len += c.chars().count();
                }
                _ => {}
            }
        }
        let mut whole: Vec<&'static str> = block_emph.to_vec();
        for e in self.emph_of(l) {
            if !whole.contains(&e) {
                whole.push(e);
            }
        }
        let mut tags: Vec<Tag> = style_tag(&whole, 0, len).into_iter().collect();
        // Runs of consecutive words with the same extra emphasis, and with the same tag.
        let mut run: Option<(Vec<&'static str>, usize, usize)> = None;
        let flush = |run: &mut Option<(Vec<&'static str>, usize, usize)>, tags: &mut Vec<Tag>| {
            if let Some((e, s, end)) = run.take()
                && let Some(t) = style_tag(&e, s, end)
            {
                tags.push(t);
            }
        };
        for &(s, e, w) in &words {
            let extra: Vec<&'static str> = self
                .emph_of(w)
                .into_iter()
                .filter(|x| !whole.contains(x))
                .collect();
            match &mut run {
                Some((em, _, end)) if *em == extra => *end = e,
                _ => {
                    flush(&mut run, &mut tags);
                    if !extra.is_empty() {
                        run = Some((extra, s, e));
                    }
                }
            }
        }
        flush(&mut run, &mut tags);
        let mut open: Vec<(&str, usize, usize)> = Vec::new();
        let mut done: Vec<(&str, usize, usize)> = Vec::new();
        for &(s, e, w) in &words {
            let refs: Vec<&str> = w
                .attr("TAGREFS")
                .unwrap_or_default()
                .split_whitespace()
                .collect();
            let (keep, gone): (Vec<_>, Vec<_>) =
                open.into_iter().partition(|(id, _, _)| refs.contains(id));
            done.extend(gone);
            open = keep;
            for r in refs {
                if let Some(o) = open.iter_mut().find(|(id, _, _)| *id == r) {
                    o.2 = e;
                } else {
                    open.push((r, s, e));
                }
            }
        }
        let last: Vec<&str> = open.iter().map(|o| o.0).collect();
        done.extend(open);
        for (id, s, e) in done {
            let Some((ty, label, note)) = self.tags.get(id) else {
                not_kept.add("ALTO TAGREFS to tags that are not declared", self.place(l));
                continue;
            };
            let mut t = Tag::new(ty, label, s, e);
            t.note = note.clone();
            t.continued = last.contains(&id) && next_first.contains(&id);
            tags.push(t);
        }
        Line {
            id: l.attr("ID").unwrap_or_default().to_owned(),
            text,
            outline: outline(l),
            confidence: None,
            word_confidences,
            tags,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interchange::common::xml::parse;

    #[test]
    fn words_spaces_styles_and_tags() {
        let xml = r#"<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#">
          <Description><MeasurementUnit>pixel</MeasurementUnit><sourceImageInformation><fileName>scan.png</fileName></sourceImageInformation></Description>
          <Styles><TextStyle ID="b" FONTSTYLE="bold"/></Styles>
          <Tags><NamedEntityTag ID="t1" TYPE="Person" LABEL="Kant"/><LayoutTag ID="x"/></Tags>
          <Layout><Page WIDTH="100" HEIGHT="50" PRINTED_IMG_NR="17"><PrintSpace>
            <TextBlock ID="b1" HPOS="0" VPOS="0" WIDTH="90" HEIGHT="40">
              <TextLine ID="l1" HPOS="0" VPOS="0" WIDTH="90" HEIGHT="20">
                <String CONTENT="Immanuel" WC="0.9" TAGREFS="t1" HPOS="0" VPOS="0" WIDTH="30" HEIGHT="20"/><SP/>
                <String CONTENT="Kant" TAGREFS="t1" STYLEREFS="b" HPOS="35" VPOS="0" WIDTH="20" HEIGHT="20"/><SP/>
                <String CONTENT="Auf" HPOS="60" VPOS="0" WIDTH="20" HEIGHT="20" SUBS_CONTENT="Aufklärung"/><HYP CONTENT="¬"/>
              </TextLine></TextBlock>
            <Illustration ID="i1" HPOS="1" VPOS="41" WIDTH="5" HEIGHT="5"/>
          </PrintSpace></Page></Layout></alto>"#;
        let root = parse(xml, Path::new("a.xml")).unwrap();
        let mut nk = NotKept::default();
        let pages = AltoFormat
            .pages(&root, Path::new("a.xml"), &mut nk)
            .unwrap();
        let p = &pages[0];
        assert_eq!(
            (p.image.as_deref(), p.label.as_str()),
            (Some("scan.png"), "17")
        );
        let l = &p.regions[0].lines[0];
        assert_eq!(l.text, "Immanuel Kant Auf¬");
        assert_eq!(l.word_confidences, vec![("Immanuel".to_owned(), 0.9)]);
        let kinds: Vec<(&str, usize, usize)> = l
            .tags
            .iter()
            .map(|t| (t.type_id.as_str(), t.start, t.end))
            .collect();
        assert!(kinds.contains(&("person", 0, 13)), "{kinds:?}");
        assert!(kinds.contains(&("text_style", 9, 13)), "{kinds:?}");
        assert!(p.regions[1].graphic);
        assert_eq!(nk.count("ALTO LayoutTags"), 1);
    }

    #[test]
    fn spaces_from_gaps_when_the_file_has_no_sp() {
        let xml = r#"<alto><Layout><Page WIDTH="100" HEIGHT="50"><PrintSpace><TextBlock>
              <TextLine HEIGHT="20" HPOS="0" VPOS="0" WIDTH="90">
                <String CONTENT="Frage" HPOS="0" VPOS="0" WIDTH="30" HEIGHT="20"/>
                <String CONTENT=":" HPOS="30" VPOS="0" WIDTH="3" HEIGHT="20"/>
                <String CONTENT="Was" HPOS="40" VPOS="0" WIDTH="20" HEIGHT="20"/>
              </TextLine></TextBlock></PrintSpace></Page></Layout></alto>"#;
        let root = parse(xml, Path::new("a.xml")).unwrap();
        let pages = AltoFormat
            .pages(&root, Path::new("a.xml"), &mut NotKept::default())
            .unwrap();
        assert_eq!(pages[0].regions[0].lines[0].text, "Frage: Was");
    }
}
