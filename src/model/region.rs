//! Regions: places on a document's page images that an annotation marks.
//!
//! A region mention is a [`Mention`](super::Mention) whose annotation carries a
//! [`PageRegion`]; its text anchor has no fragments when the region has no transcription
//! (image-only documents), or marks the transcribed words too. Coordinates are pixels of
//! the full-size page image, origin top-left, so they map directly to a W3C
//! `FragmentSelector` (`xywh=pixel:x,y,w,h`), an `SvgSelector` polygon, and a TEI `<zone>`
//! (`@ulx @uly @lrx @lry` or `@points`) on the `<surface>` of page `page + 1`.

use super::ids::AnnId;
use serde::{Deserialize, Serialize};

/// A rectangle or polygon on page `page` (0-based index into the document's `images`),
/// optionally linked to the text mention that transcribes what it shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRegion {
    pub page: usize,
    pub shape: Shape,
    /// The text mention in the same document that transcribes this region (the "FILIPPOV"
    /// of the transcription for that word on the scan). The reverse link is looked up with
    /// [`regions_showing`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<AnnId>,
}

impl PageRegion {
    /// A new region mention of entity type `type_id` with no transcribed words.
    pub fn into_mention(self, type_id: super::Slug) -> super::Annotation {
        let mut a = super::Annotation::new(super::Body::Mention(super::Mention {
            type_id,
            anchor: super::TextAnchor {
                fragments: Vec::new(),
                quote: super::TextQuote::default(),
            },
            entry: None,
            date: None,
        }));
        a.region = Some(self);
        a
    }
}

/// A shape in full-size image pixels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shape {
    /// `[x, x + width) × [y, y + height)`.
    Rect {
        x: u32,
        y: u32,
        width: u32,
        height: u32,
    },
    /// Vertices in order (pixel-corner coordinates: a vertex may lie on the right or bottom
    /// edge); the last joins the first.
    Polygon(Vec<(u32, u32)>),
}

/// Why a region is not acceptable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    #[error("a rectangle needs a width and a height above zero")]
    EmptyRect,
    #[error("a polygon needs at least 3 points, has {0}")]
    FewPoints(usize),
    #[error(
        "the region ({x0}, {y0})–({x1}, {y1}) reaches outside the {width} × {height} page image"
    )]
    Outside {
        x0: u64,
        y0: u64,
        x1: u64,
        y1: u64,
        width: u32,
        height: u32,
    },
}

impl Shape {
    /// The bounding box as `(x0, y0, x1, y1)`, half-open; `None` for a polygon without points.
    pub fn bounds(&self) -> Option<(u64, u64, u64, u64)> {
        match self {
            Self::Rect {
                x,
                y,
                width,
                height,
            } => Some((
                u64::from(*x),
                u64::from(*y),
                u64::from(*x) + u64::from(*width),
                u64::from(*y) + u64::from(*height),
            )),
            Self::Polygon(points) => {
                let xs = points.iter().map(|p| u64::from(p.0));
                let ys = points.iter().map(|p| u64::from(p.1));
                Some((xs.clone().min()?, ys.clone().min()?, xs.max()?, ys.max()?))
            }
        }
    }

    /// Checks the shape on its own: a rectangle has an area, a polygon 3 points or more.
    pub fn check(&self) -> Result<(), RegionError> {
        match self {
            Self::Rect { width, height, .. } if *width == 0 || *height == 0 => {
                Err(RegionError::EmptyRect)
            }
            Self::Polygon(p) if p.len() < 3 => Err(RegionError::FewPoints(p.len())),
            _ => Ok(()),
        }
    }

    /// Checks the shape against a `width × height` page image: valid and inside it.
    pub fn check_inside(&self, width: u32, height: u32) -> Result<(), RegionError> {
        self.check()?;
        let Some((x0, y0, x1, y1)) = self.bounds() else {
            return Err(RegionError::FewPoints(0));
        };
        if x1 > u64::from(width) || y1 > u64::from(height) {
            return Err(RegionError::Outside {
                x0,
                y0,
                x1,
                y1,
                width,
                height,
            });
        }
        Ok(())
    }

    /// The W3C Media Fragments value of a rectangle (`xywh=pixel:x,y,w,h`), the bounding box
    /// for a polygon.
    pub fn media_fragment(&self) -> Option<String> {
        let (x0, y0, x1, y1) = self.bounds()?;
        Some(format!("xywh=pixel:{x0},{y0},{},{}", x1 - x0, y1 - y0))
    }

    /// The SVG polygon `points` value (`"x,y x,y …"`), for a W3C `SvgSelector` or TEI `@points`.
    pub fn svg_points(&self) -> String {
        let pts: Vec<(u64, u64)> = match self {
            Self::Polygon(p) => p.iter().map(|&(x, y)| (x.into(), y.into())).collect(),
            Self::Rect { .. } => match self.bounds() {
                Some((x0, y0, x1, y1)) => vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)],
                None => Vec::new(),
            },
        };
        pts.iter()
            .map(|(x, y)| format!("{x},{y}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The region annotations of `doc` linked to the text mention `text`, in id order.
pub fn regions_showing(doc: &super::Document, text: AnnId) -> Vec<AnnId> {
    doc.annotations
        .values()
        .filter(|a| a.region.as_ref().is_some_and(|r| r.text == Some(text)))
        .map(|a| a.id)
        .collect()
}

/// Problems with the regions of one document that need no image: page numbers in range,
/// shapes valid, text links pointing at a text mention of the same document.
pub fn problems(doc: &super::Document) -> Vec<super::Problem> {
    let mut out = Vec::new();
    for ann in doc.annotations.values() {
        let Some(region) = &ann.region else {
            continue;
        };
        let err = |m: String| super::Problem::error(m).in_doc(doc.id()).on(ann.id);
        if ann.as_mention().is_none() {
            out.push(err("only a mention can mark a region of a page".into()));
        }
        if region.page >= doc.meta.images.len() {
            out.push(err(format!(
                "region is on page {} but the document has {} page image(s)",
                region.page + 1,
                doc.meta.images.len()
            )));
        }
        if let Err(e) = region.shape.check() {
            out.push(err(format!("region: {e}")));
        }
        if let Some(t) = region.text {
            let target = doc.annotations.get(&t);
            let is_text = target.is_some_and(|a| {
                a.id != ann.id
                    && a.as_mention()
                        .is_some_and(|m| !m.anchor.fragments.is_empty())
            });
            if !is_text {
                out.push(err(format!(
                    "region is linked to {t}, which is not a text mention of this document"
                )));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x: u32, y: u32, width: u32, height: u32) -> Shape {
        Shape::Rect {
            x,
            y,
            width,
            height,
        }
    }

    #[test]
    fn shapes_are_checked_against_the_image() {
        assert_eq!(rect(0, 0, 10, 10).check_inside(10, 10), Ok(()));
        assert!(matches!(
            rect(1, 0, 10, 10).check_inside(10, 10),
            Err(RegionError::Outside { x1: 11, .. })
        ));
        assert_eq!(rect(0, 0, 0, 10).check(), Err(RegionError::EmptyRect));
        assert_eq!(
            Shape::Polygon(vec![(0, 0), (1, 1)]).check(),
            Err(RegionError::FewPoints(2))
        );
        let tri = Shape::Polygon(vec![(5, 1), (9, 8), (1, 8)]);
        assert_eq!(tri.check_inside(10, 9), Ok(()));
        assert_eq!(
            tri.check_inside(9, 8),
            Ok(()),
            "vertices may lie on the edge"
        );
        assert!(tri.check_inside(8, 8).is_err());
        assert!(
            rect(u32::MAX, 0, u32::MAX, 1)
                .check_inside(u32::MAX, 1)
                .is_err()
        );
    }

    #[test]
    fn selectors_for_interchange() {
        assert_eq!(
            rect(10, 20, 30, 40).media_fragment().as_deref(),
            Some("xywh=pixel:10,20,30,40")
        );
        assert_eq!(rect(1, 2, 3, 4).svg_points(), "1,2 4,2 4,6 1,6");
        let tri = Shape::Polygon(vec![(5, 1), (9, 8), (1, 8)]);
        assert_eq!(tri.svg_points(), "5,1 9,8 1,8");
        assert_eq!(tri.media_fragment().as_deref(), Some("xywh=pixel:1,1,8,7"));
    }
}
