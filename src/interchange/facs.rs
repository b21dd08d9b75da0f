//! Page images and regions in interchange: parsing the selectors and zones other tools
//! write (W3C `FragmentSelector` / `SvgSelector`, TEI `@points`), finding the page images
//! an imported file names, and the report lines of formats that cannot hold pages or
//! regions.

use super::common::{SourceTree, copy_file_into};
use super::export::omission;
use crate::facsimile;
use crate::model::region::Shape;
use crate::model::{Document, Project, RelPath};
use std::path::Path;

/// The Media Fragments specification, the `conformsTo` of a `FragmentSelector`.
pub const MEDIA_FRAGMENTS: &str = "http://www.w3.org/TR/media-frags/";

/// A coordinate as written by browser tools (`"270.5"`), rounded to a whole pixel.
/// Negative values are clamped to 0; non-numbers and values beyond `u32` are refused.
fn pixel(s: &str) -> Result<u32, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("\"{}\" is not a number", s.trim()))?;
    if !v.is_finite() || v > f64::from(u32::MAX) {
        return Err(format!("coordinate {v} is out of range"));
    }
    // In range and finite: the cast cannot truncate beyond rounding.
    Ok(v.round().max(0.0) as u32)
}

/// A Media Fragments `xywh` value (`xywh=pixel:x,y,w,h` or `xywh=x,y,w,h`) as a rectangle.
/// Percent values are refused (they need the image's size).
pub fn parse_media_fragment(value: &str) -> Result<Shape, String> {
    let v = value.trim();
    let Some(rest) = v.strip_prefix("xywh=") else {
        return Err(format!("FragmentSelector \"{v}\" is not an xywh= fragment"));
    };
    if rest.starts_with("percent:") {
        return Err(format!(
            "FragmentSelector \"{v}\" is in percent; only pixel coordinates can be placed on a page"
        ));
    }
    let rest = rest.strip_prefix("pixel:").unwrap_or(rest);
    let nums: Vec<&str> = rest.split(',').collect();
    let [x, y, w, h] = nums.as_slice() else {
        return Err(format!(
            "FragmentSelector \"{v}\" needs four numbers x,y,w,h"
        ));
    };
    let shape = Shape::Rect {
        x: pixel(x)?,
        y: pixel(y)?,
        width: pixel(w)?,
        height: pixel(h)?,
    };
    shape
        .check()
        .map_err(|e| format!("FragmentSelector \"{v}\": {e}"))?;
    Ok(shape)
}

/// An SVG / TEI points list (`"x,y x,y …"`; commas or spaces between numbers).
pub fn parse_points(points: &str) -> Result<Vec<(u32, u32)>, String> {
    let nums: Vec<&str> = points
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .collect();
    if !nums.len().is_multiple_of(2) {
        return Err(format!(
            "points \"{points}\" has an odd number of coordinates"
        ));
    }
    nums.chunks(2)
        .map(|c| Ok((pixel(c[0])?, pixel(c[1])?)))
        .collect()
}

/// A polygon from an `SvgSelector` value: the `points` of its `<polygon>` (or `<polyline>`).
pub fn parse_svg(value: &str) -> Result<Shape, String> {
    let short: String = value.chars().take(60).collect();
    let Some(at) = value.find("<polygon").or_else(|| value.find("<polyline")) else {
        return Err(format!(
            "SvgSelector \"{short}\" has no <polygon>; only polygons can be placed on a page"
        ));
    };
    let el = &value[at..];
    let el = &el[..el.find('>').unwrap_or(el.len())];
    let Some(p) = el.find("points=") else {
        return Err(format!(
            "SvgSelector \"{short}\": the polygon has no points"
        ));
    };
    let rest = &el[p + "points=".len()..];
    let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
        return Err(format!("SvgSelector \"{short}\": points are not quoted"));
    };
    let body = &rest[1..];
    let Some(end) = body.find(quote) else {
        return Err(format!("SvgSelector \"{short}\": points are not closed"));
    };
    let shape =
        Shape::Polygon(parse_points(&body[..end]).map_err(|e| format!("SvgSelector: {e}"))?);
    shape.check().map_err(|e| format!("SvgSelector: {e}"))?;
    Ok(shape)
}

/// The `SvgSelector` value of a shape: an SVG document with one polygon.
pub fn svg_value(shape: &Shape) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><polygon points=\"{}\"/></svg>",
        shape.svg_points()
    )
}

/// The project path of a page image named `url` by a file in folder `base` of `tree`.
/// When the image is in the tree its header is checked and it is copied into `staging`
/// (keeping its path relative to the tree); otherwise `url` itself is kept as the path,
/// and the project reports the image missing until it is put there. A web address or
/// absolute path names the image of its file name beside the file; when there is none it
/// is refused (page images are files of the project).
pub fn page_image(
    tree: &SourceTree,
    base: &Path,
    url: &str,
    staging: &Path,
) -> Result<RelPath, String> {
    let (rel, file) = match RelPath::parse(url) {
        Ok(rel) => (rel, base.join(url)),
        Err(e) => {
            // A web address (Annotorious, IIIF): the image of that name beside the file.
            let name = url
                .split(['?', '#'])
                .next()
                .unwrap_or_default()
                .rsplit('/')
                .next()
                .unwrap_or_default();
            let file = base.join(name);
            match RelPath::parse(name) {
                Ok(rel) if tree.contains(&file) => (rel, file),
                _ => {
                    return Err(format!(
                        "page image \"{url}\" is not a relative path ({e}) and no image of its name is beside the file; download it and put it there"
                    ));
                }
            }
        }
    };
    if !tree.contains(&file) {
        return Ok(rel);
    }
    facsimile::decode::header(&file, &facsimile::DecodeLimits::default())
        .map_err(|e| format!("page image {}: {}", file.display(), e.reason()))?;
    let dest = copy_file_into(tree, &file, staging).map_err(|e| e.to_string())?;
    RelPath::from_native(staging, &dest).map_err(|e| e.to_string())
}

/// Report lines for a format that holds neither page images nor regions: one line for the
/// document's page images and page breaks, and one per region (grouped by
/// [`super::export::group_omissions`]).
pub fn omit_facsimile(omitted: &mut Vec<String>, format: &str, project: &Project, doc: &Document) {
    let pages = doc.meta.images.len();
    if pages > 0 {
        omitted.push(format!(
            "{format} cannot express page images ({pages}) of \"{}\"",
            doc.meta.title
        ));
    }
    let breaks = doc.meta.archival.page_breaks.len();
    if breaks > 0 {
        omitted.push(format!(
            "{format} cannot express page breaks ({breaks}) of \"{}\"",
            doc.meta.title
        ));
    }
    for a in doc.annotations.values().filter(|a| a.region.is_some()) {
        omitted.push(omission(
            format,
            "a region of a page image",
            project,
            doc,
            a,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_as_browser_tools_write_them() {
        let r = |x, y, width, height| Shape::Rect {
            x,
            y,
            width,
            height,
        };
        assert_eq!(
            parse_media_fragment("xywh=pixel:10,20,30,40"),
            Ok(r(10, 20, 30, 40))
        );
        assert_eq!(
            parse_media_fragment("xywh=10,20,30,40"),
            Ok(r(10, 20, 30, 40))
        );
        assert_eq!(
            parse_media_fragment("xywh=pixel:270.4,120.6,30.5,40"),
            Ok(r(270, 121, 31, 40))
        );
        assert!(
            parse_media_fragment("xywh=percent:1,2,3,4")
                .unwrap_err()
                .contains("percent")
        );
        assert!(parse_media_fragment("xywh=1,2,3").is_err());
        assert!(parse_media_fragment("xywh=1,2,0,3").is_err());
        assert!(parse_media_fragment("t=10").is_err());
        assert!(parse_media_fragment("xywh=a,2,3,4").is_err());
    }

    #[test]
    fn svg_polygons() {
        let tri = Shape::Polygon(vec![(5, 1), (9, 8), (1, 8)]);
        assert_eq!(parse_svg(&svg_value(&tri)), Ok(tri.clone()));
        assert_eq!(
            parse_svg("<svg><polygon points='5,1 9,8 1.4,8'></polygon></svg>"),
            Ok(tri)
        );
        assert!(
            parse_svg("<svg><circle cx='1' cy='1' r='2'/></svg>")
                .unwrap_err()
                .contains("no <polygon>")
        );
        assert!(parse_svg("<svg><polygon points=\"1,1 2,2\"/></svg>").is_err());
        assert!(parse_points("1,2 3").is_err());
        assert_eq!(parse_points("1 2, 3 4"), Ok(vec![(1, 2), (3, 4)]));
    }
}
