//! `<facsimile>`: page images (surfaces with a `graphic`), zones as regions, and their links
//! to the text.

use super::*;

/// A TEI file's `<facsimile>`: its pages (surfaces with a `graphic`) and zones.
#[derive(Clone, Default)]
pub(super) struct Facsimile {
    /// Page images in surface order.
    pub(super) images: Vec<RelPath>,
    /// Surface `xml:id` → page index.
    pub(super) surfaces: HashMap<String, usize>,
    /// Zone `xml:id` → (page index, shape).
    pub(super) zones: HashMap<String, (usize, Shape)>,
    /// Zone `xml:id` → the region mention made for it.
    pub(super) owners: HashMap<String, AnnId>,
}

impl Facsimile {
    /// Reads the `<facsimile>` children of `tei`. A surface without `<graphic url>` has no
    /// page image and is skipped with its zones; a zone without coordinates is skipped.
    pub(super) fn read(tei: &El, file: &Path, staging: &Path) -> Result<Self, ImportError> {
        let mut out = Self::default();
        let surfaces: Vec<&El> = tei
            .elements()
            .filter(|e| e.name == "facsimile")
            .flat_map(El::descendants)
            .filter(|e| e.name == "surface")
            .collect();
        if surfaces.is_empty() {
            return Ok(out);
        }
        let base = file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tree = SourceTree::scan(base)?;
        let bad = |el: &El, message: String| ImportError::Syntax {
            path: file.to_path_buf(),
            line: el.line,
            message,
        };
        for s in surfaces {
            let Some(url) = s
                .descendants()
                .into_iter()
                .find(|g| g.name == "graphic")
                .and_then(|g| g.attr("url"))
            else {
                continue;
            };
            let path = page_image(&tree, base, url, staging).map_err(|m| bad(s, m))?;
            let page = match out.images.iter().position(|p| *p == path) {
                Some(i) => i,
                None => {
                    out.images.push(path);
                    out.images.len() - 1
                }
            };
            if let Some(id) = s.attr("xml:id") {
                out.surfaces.insert(id.to_owned(), page);
            }
            for z in s.descendants().into_iter().filter(|z| z.name == "zone") {
                let Some(id) = z.attr("xml:id") else { continue };
                let Some(shape) = zone_shape(z).map_err(|m| bad(z, format!("<zone>: {m}")))? else {
                    continue;
                };
                out.zones.insert(id.to_owned(), (page, shape));
            }
        }
        Ok(out)
    }

    /// A region for zone pointer `z` (`#id` or `id`), not yet linked.
    pub(super) fn region(&self, z: &str) -> Option<PageRegion> {
        self.zones
            .get(z.trim_start_matches('#'))
            .map(|(page, shape)| PageRegion {
                page: *page,
                shape: shape.clone(),
                text: None,
            })
    }

    /// Records that zone `z` is the place of region mention `id`.
    pub(super) fn own(&mut self, z: &str, id: AnnId) {
        self.owners.insert(z.trim_start_matches('#').to_owned(), id);
    }

    /// Applies the text mentions' `@facs`: a zone named after the mention itself (our
    /// `z-<uuid>`) is its own place; a zone of another region mention links that region to
    /// the text mention; any other zone becomes a new region mention of the text mention's
    /// type and entry, linked to it.
    pub(super) fn link(
        &mut self,
        links: &[(AnnId, &str, &El)],
        annotations: &mut BTreeMap<AnnId, Annotation>,
        seen: &mut Seen,
        file: &Path,
    ) -> Result<(), ImportError> {
        let zone_ids = |zones: &HashMap<String, (usize, Shape)>, fx: &str| -> Vec<String> {
            fx.split_whitespace()
                .map(|t| t.trim_start_matches('#').to_owned())
                .filter(|t| zones.contains_key(t))
                .collect()
        };
        for (id, fx, _) in links {
            for z in zone_ids(&self.zones, fx) {
                if uuid_after(&z, ZONE_ID_PREFIX) == Some(id.0)
                    && let Some(a) = annotations.get_mut(id)
                {
                    a.region = self.region(&z);
                    self.own(&z, *id);
                }
            }
        }
        for (id, fx, el) in links {
            for z in zone_ids(&self.zones, fx) {
                if let Some(owner) = self.owners.get(&z).copied() {
                    if owner != *id
                        && let Some(r) = annotations.get_mut(&owner).and_then(|a| a.region.as_mut())
                        && r.text.is_none()
                    {
                        r.text = Some(*id);
                    }
                    continue;
                }
                let Some(text_mention) = annotations.get(id) else {
                    continue;
                };
                let mut a = text_mention.clone();
                a.id = uuid_after(&z, ZONE_ID_PREFIX).map_or_else(AnnId::new, AnnId);
                a.note.clear();
                a.attributes.clear();
                if let Some(an) = a.anchor_mut() {
                    an.fragments.clear();
                    an.quote = Default::default();
                }
                a.region = self.region(&z).map(|r| PageRegion {
                    text: Some(*id),
                    ..r
                });
                self.own(&z, a.id);
                add_annotation(annotations, seen, a, file, el)?;
            }
        }
        Ok(())
    }

    /// Gives `doc` its page images: every page for a whole file, else the pages its
    /// regions and page breaks point at (in surface order); page breaks pointing at a
    /// surface record its image's path.
    pub(super) fn place(&self, doc: &mut Document, whole: bool) {
        if self.images.is_empty() {
            return;
        }
        let surface_of = |facs: &str| self.surfaces.get(facs.trim_start_matches('#')).copied();
        let mut used: Vec<bool> = vec![whole; self.images.len()];
        for a in doc.annotations.values() {
            if let Some(r) = &a.region
                && let Some(u) = used.get_mut(r.page)
            {
                *u = true;
            }
        }
        for pb in &doc.meta.archival.page_breaks {
            if let Some(u) = surface_of(&pb.facs).and_then(|p| used.get_mut(p)) {
                *u = true;
            }
        }
        let mut new_index = vec![0; self.images.len()];
        doc.meta.images.clear();
        for (i, img) in self.images.iter().enumerate() {
            if used[i] {
                new_index[i] = doc.meta.images.len();
                doc.meta.images.push(img.clone());
            }
        }
        for a in doc.annotations.values_mut() {
            if let Some(r) = &mut a.region {
                r.page = new_index[r.page];
            }
        }
        for pb in &mut doc.meta.archival.page_breaks {
            if let Some(p) = surface_of(&pb.facs) {
                pb.facs = self.images[p].as_str().to_owned();
            }
        }
    }
}

/// A zone's shape: `@points` as a polygon, else `@ulx @uly @lrx @lry` as a rectangle;
/// `None` when it has neither.
pub(super) fn zone_shape(z: &El) -> Result<Option<Shape>, String> {
    let shape = if let Some(p) = z.attr("points") {
        Shape::Polygon(parse_points(p)?)
    } else {
        let num = |k: &str| -> Result<Option<u32>, String> {
            z.attr(k)
                .map(|v| parse_points(&format!("{v},0")).map(|p| p[0].0))
                .transpose()
        };
        let (Some(x0), Some(y0), Some(x1), Some(y1)) =
            (num("ulx")?, num("uly")?, num("lrx")?, num("lry")?)
        else {
            return Ok(None);
        };
        Shape::Rect {
            x: x0.min(x1),
            y: y0.min(y1),
            width: x0.abs_diff(x1),
            height: y0.abs_diff(y1),
        }
    };
    shape.check().map_err(|e| e.to_string())?;
    Ok(Some(shape))
}
