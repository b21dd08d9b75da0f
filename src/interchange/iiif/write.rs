//! IIIF export (`--format iiif`): each document with page images becomes a Presentation 3
//! manifest whose canvases reference W3C annotation pages holding the document's regions.
//!
//! ```text
//! collection.json                       a Collection of every manifest
//! SLUG/manifest.json                    Manifest: a Canvas per page image, painted with it
//! SLUG/images/…                         the page images, copied (TIFF as JPEG)
//! SLUG/annotations/page-0001.json       AnnotationPage of page 1's annotations
//! ```
//!
//! Every id is an address under the base address (`--base-url`, default
//! `http://127.0.0.1:8000/`): serve the folder there (`python3 -m http.server 8000`) or
//! give the address it will be published at.
//!
//! - Canvases: a document imported from IIIF keeps its manifest's canvas ids and sizes
//!   (so the annotations fit the library's own manifest too); others get
//!   `SLUG/canvas/N` with the image's size.
//! - An annotation per region mention: its target the canvas with a `FragmentSelector`
//!   (`xywh=`, in canvas coordinates) for a rectangle, an `SvgSelector` polygon (and the
//!   bounding box as a `FragmentSelector`) for a polygon. A text mention that lies within a
//!   region mention (a name inside an imported line) targets that region's shape. Bodies:
//!   the type's label (`purpose: tagging`), the words (`describing`), the registry entry
//!   (`identifying`) and the note (`commenting`).
//! - Not written, and reported: text mentions on no region, events and relations,
//!   attributes, certainty and annotators, and documents without page images.

use super::super::export::{
    ExportError, ExportOptions, ExportReport, Exporter, Output, Progress, omission, run,
};
use super::{ANNOTATION_CONTEXT, PRESENTATION_3};
use crate::model::region::Shape;
use crate::model::{Annotation, Body, Document, Project};
use serde_json::{Value, json};
use std::path::PathBuf;

/// Writes IIIF manifests with annotation pages.
#[derive(Clone, Debug)]
pub struct IiifExporter {
    /// The address the export is served at, ending in `/`.
    pub base_url: String,
    /// The project folder, where page images are read from (set by [`Exporter::export`]
    /// from [`ExportOptions::project_dir`]).
    pub project_dir: Option<PathBuf>,
}

impl Default for IiifExporter {
    fn default() -> Self {
        Self {
            base_url: "http://127.0.0.1:8000/".to_owned(),
            project_dir: None,
        }
    }
}

impl IiifExporter {
    /// An exporter for files served at `base_url` (a `/` is added when missing).
    pub fn with_base_url(base_url: &str) -> Self {
        let mut b = base_url.trim().to_owned();
        if !b.ends_with('/') {
            b.push('/');
        }
        Self {
            base_url: b,
            project_dir: None,
        }
    }
}

const FORMAT: &str = "IIIF";

impl Exporter for IiifExporter {
    fn id(&self) -> &'static str {
        "iiif"
    }

    fn label(&self) -> &'static str {
        "IIIF manifests with annotation pages (Mirador)"
    }

    fn export(
        &self,
        project: &Project,
        out_dir: &std::path::Path,
        options: &ExportOptions,
        progress: Progress<'_>,
    ) -> Result<ExportReport, ExportError> {
        let with_dir = Self {
            base_url: self.base_url.clone(),
            project_dir: options
                .project_dir
                .clone()
                .or_else(|| self.project_dir.clone()),
        };
        run(&with_dir, project, out_dir, options, progress)
    }

    fn write(
        &self,
        project: &Project,
        out: &mut Output,
        progress: Progress<'_>,
    ) -> Result<ExportReport, ExportError> {
        let mut report = ExportReport::default();
        let mut manifests = Vec::new();
        let mut used = std::collections::HashSet::new();
        let n = project.documents.len().max(1);
        for (i, doc) in project.documents.values().enumerate() {
            progress(i as f32 / n as f32);
            if doc.meta.images.is_empty() {
                report.omitted.push(format!(
                    "{FORMAT} cannot express a document without page images: \"{}\"",
                    doc.meta.title
                ));
                continue;
            }
            let slug = super::super::common::unique_name(
                &super::super::common::slug_name(&doc.meta.title, "document"),
                "d",
                &mut used,
            );
            let slug = slug.trim_end_matches(".d").to_owned();
            // Only documents with page images need the folder their images are in.
            let Some(dir) = &self.project_dir else {
                return Err(ExportError::Format {
                    path: out.dir().to_path_buf(),
                    message: "an IIIF export needs the project's folder to read its page images"
                        .into(),
                });
            };
            let manifest_id = self.manifest(project, doc, dir, &slug, out, &mut report)?;
            manifests.push(json!({
                "id": manifest_id,
                "type": "Manifest",
                "label": {"none": [doc.meta.title]},
            }));
        }
        let collection = json!({
            "@context": PRESENTATION_3,
            "id": format!("{}collection.json", self.base_url),
            "type": "Collection",
            "label": {"none": [if project.info.name.is_empty() { "Marginalia export".to_owned() } else { project.info.name.clone() }]},
            "items": manifests,
        });
        report
            .files
            .push(out.add("collection.json", pretty(&collection)?)?);
        progress(1.0);
        Ok(report)
    }
}

fn pretty(v: &Value) -> Result<Vec<u8>, ExportError> {
    let mut bytes = serde_json::to_vec_pretty(v).map_err(|e| ExportError::Format {
        path: PathBuf::new(),
        message: e.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// A canvas in the export: its id, size and the scale from image pixels to it.
struct CanvasOut {
    id: String,
    width: u32,
    height: u32,
    sx: f64,
    sy: f64,
}

impl IiifExporter {
    /// Writes one document's manifest, images and annotation pages; returns the manifest id.
    fn manifest(
        &self,
        project: &Project,
        doc: &Document,
        dir: &std::path::Path,
        slug: &str,
        out: &mut Output,
        report: &mut ExportReport,
    ) -> Result<String, ExportError> {
        let base = format!("{}{slug}/", self.base_url);
        let manifest_id = format!("{base}manifest.json");
        let limits = crate::facsimile::DecodeLimits::default();
        let mut canvases = Vec::new();
        let mut items = Vec::new();
        let pages = doc.meta.images.len();
        let width = pages.to_string().len().max(4);
        for (k, img) in doc.meta.images.iter().enumerate() {
            let path = img.to_native(dir);
            let bytes = crate::store::read_guarded(&path, limits.max_file_bytes)?;
            let (iw, ih) = crate::facsimile::decode::dimensions(&bytes, &path).map_err(|e| {
                ExportError::Format {
                    path: path.clone(),
                    message: e.reason(),
                }
            })?;
            // Browsers show no TIFF: a TIFF page goes out as a JPEG (quality 90).
            let (bytes, format, ext) = match image::guess_format(&bytes) {
                Ok(image::ImageFormat::Png) => (bytes, "image/png", None),
                Ok(image::ImageFormat::Tiff) => {
                    let rgb =
                        crate::facsimile::decode::decode_page(&path, &limits).map_err(|e| {
                            ExportError::Format {
                                path: path.clone(),
                                message: e.reason(),
                            }
                        })?;
                    let mut jpeg = Vec::new();
                    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
                        .encode_image(&rgb)
                        .map_err(|e| ExportError::Format {
                            path: path.clone(),
                            message: e.to_string(),
                        })?;
                    (jpeg, "image/jpeg", Some("jpg"))
                }
                _ => (bytes, "image/jpeg", None),
            };
            let file_name = match ext {
                Some(ext) => {
                    let f = img.file_name();
                    format!("{}.{ext}", f.rsplit_once('.').map_or(f, |(s, _)| s))
                }
                None => img.file_name().to_owned(),
            };
            let name = format!("{slug}/images/{:0width$}-{file_name}", k + 1);
            let image_id = format!("{}{name}", self.base_url);
            report.files.push(out.add(&name, bytes)?);
            let c = match doc.meta.archival.canvases.get(k) {
                Some(c) if !c.id.is_empty() && c.width > 0 && c.height > 0 => CanvasOut {
                    id: c.id.clone(),
                    width: c.width,
                    height: c.height,
                    sx: f64::from(c.width) / f64::from(iw),
                    sy: f64::from(c.height) / f64::from(ih),
                },
                _ => CanvasOut {
                    id: format!("{base}canvas/{}", k + 1),
                    width: iw,
                    height: ih,
                    sx: 1.0,
                    sy: 1.0,
                },
            };
            let label = doc
                .meta
                .archival
                .page_breaks
                .iter()
                .find(|b| b.facs == img.file_name() && !b.n.is_empty())
                .map_or_else(|| format!("{}", k + 1), |b| b.n.clone());
            let page_id = format!("{base}annotations/page-{:0width$}.json", k + 1);
            items.push(json!({
                "id": c.id,
                "type": "Canvas",
                "label": {"none": [label]},
                "width": c.width,
                "height": c.height,
                "items": [{
                    "id": format!("{base}canvas/{}/paint", k + 1),
                    "type": "AnnotationPage",
                    "items": [{
                        "id": format!("{base}canvas/{}/paint/image", k + 1),
                        "type": "Annotation",
                        "motivation": "painting",
                        "body": {
                            "id": image_id,
                            "type": "Image",
                            "format": format,
                            "width": iw,
                            "height": ih,
                        },
                        "target": c.id,
                    }],
                }],
                "annotations": [{"id": page_id, "type": "AnnotationPage"}],
            }));
            canvases.push(c);
        }
        // Annotations by page.
        let mut by_page: Vec<Vec<Value>> = vec![Vec::new(); pages];
        for a in doc.annotations.values() {
            let placed = place(doc, a);
            let Some((page, shape)) = placed else {
                let what = match &a.body {
                    Body::Mention(_) => "a text mention on no region of a page",
                    Body::Event(_) => "an event",
                    Body::Relation(_) => "a relation",
                };
                report.omitted.push(omission(FORMAT, what, project, doc, a));
                continue;
            };
            let Some(c) = canvases.get(page) else {
                continue;
            };
            if !a.attributes.is_empty() || a.cert.is_some() || !a.annotator().is_empty() {
                report.omitted.push(omission(
                    FORMAT,
                    "attributes, certainty or the annotator",
                    project,
                    doc,
                    a,
                ));
            }
            by_page[page].push(annotation(
                project,
                doc,
                a,
                &shape,
                c,
                &self.base_url,
                slug,
                &manifest_id,
            ));
        }
        for (k, anns) in by_page.into_iter().enumerate() {
            let page_id = format!("{base}annotations/page-{:0width$}.json", k + 1);
            let page = json!({
                "@context": [ANNOTATION_CONTEXT, PRESENTATION_3],
                "id": page_id,
                "type": "AnnotationPage",
                "items": anns,
            });
            report.files.push(out.add(
                &format!("{slug}/annotations/page-{:0width$}.json", k + 1),
                pretty(&page)?,
            )?);
        }
        let mut metadata = Vec::new();
        let a = &doc.meta.archival;
        for (label, value) in [
            ("Repository", &a.archive),
            ("Collection", &a.collection),
            ("Shelf mark", &a.call_number),
            ("Language", &a.original_language),
            ("Number", &a.number),
        ] {
            if !value.is_empty() {
                metadata.push(json!({"label": {"en": [label]}, "value": {"none": [value]}}));
            }
        }
        if let Some(d) = &a.date {
            metadata.push(json!({"label": {"en": ["Date"]}, "value": {"none": [super::super::common::date_value(d)]}}));
        }
        let mut manifest = json!({
            "@context": PRESENTATION_3,
            "id": manifest_id,
            "type": "Manifest",
            "label": {"none": [doc.meta.title]},
            "items": items,
        });
        if !metadata.is_empty() {
            manifest["metadata"] = Value::Array(metadata);
        }
        if !a.citation.is_empty() {
            manifest["requiredStatement"] = json!({
                "label": {"en": ["Citation"]},
                "value": {"none": [a.citation]},
            });
        }
        if a.url.starts_with("http://") || a.url.starts_with("https://") {
            manifest["homepage"] = json!([{
                "id": a.url,
                "type": "Text",
                "label": {"none": [doc.meta.title]},
                "format": "text/html",
            }]);
        }
        if !a.translation_note.is_empty() || !a.source_id.is_empty() {
            report.omitted.push(format!(
                "{FORMAT} cannot express the translation note and source id of \"{}\"",
                doc.meta.title
            ));
        }
        report
            .files
            .push(out.add(&format!("{slug}/manifest.json"), pretty(&manifest)?)?);
        Ok(manifest_id)
    }
}

/// Where annotation `a` goes: its own region, or for a text mention the smallest region
/// mention whose words contain it.
fn place(doc: &Document, a: &Annotation) -> Option<(usize, Shape)> {
    if let Some(r) = &a.region {
        return Some((r.page, r.shape.clone()));
    }
    let m = a.as_mention()?;
    let ext = m.anchor.fragments.first().map(|f| f.start)?;
    let end = m.anchor.fragments.last().map(|f| f.end)?;
    doc.annotations
        .values()
        .filter_map(|r| {
            let region = r.region.as_ref()?;
            let an = r.anchor()?;
            let span = an.extent();
            (span.start <= ext && end <= span.end && !an.fragments.is_empty())
                .then(|| (span.end - span.start, region.page, region.shape.clone()))
        })
        .min_by_key(|t| t.0)
        .map(|(_, p, s)| (p, s))
}

/// One W3C annotation on canvas `c`.
#[allow(clippy::too_many_arguments)]
fn annotation(
    project: &Project,
    doc: &Document,
    a: &Annotation,
    shape: &Shape,
    c: &CanvasOut,
    base_url: &str,
    slug: &str,
    manifest_id: &str,
) -> Value {
    let scale = |x: u64, f: f64| (x as f64 * f).round() as u64;
    let (x0, y0, x1, y1) = shape.bounds().unwrap_or((0, 0, 1, 1));
    let (x0, y0, x1, y1) = (
        scale(x0, c.sx).min(u64::from(c.width)),
        scale(y0, c.sy).min(u64::from(c.height)),
        scale(x1, c.sx).min(u64::from(c.width)),
        scale(y1, c.sy).min(u64::from(c.height)),
    );
    let fragment = json!({
        "type": "FragmentSelector",
        "conformsTo": super::super::facs::MEDIA_FRAGMENTS,
        "value": format!("xywh={x0},{y0},{},{}", x1.saturating_sub(x0).max(1), y1.saturating_sub(y0).max(1)),
    });
    let selector = match shape {
        Shape::Rect { .. } => fragment,
        Shape::Polygon(points) => {
            let pts: Vec<String> = points
                .iter()
                .map(|&(x, y)| {
                    format!(
                        "{},{}",
                        scale(u64::from(x), c.sx),
                        scale(u64::from(y), c.sy)
                    )
                })
                .collect();
            json!([
                {
                    "type": "SvgSelector",
                    "value": format!(
                        "<svg xmlns=\"http://www.w3.org/2000/svg\"><polygon points=\"{}\"/></svg>",
                        pts.join(" ")
                    ),
                },
                fragment,
            ])
        }
    };
    let type_label = project
        .schema
        .entity_types
        .iter()
        .find(|t| &t.id == a.type_id())
        .map_or_else(|| a.type_id().to_string(), |t| t.label.clone());
    let words = a
        .anchor()
        .map(|an| an.covered_text(doc.text_or_empty()))
        .unwrap_or_default();
    let mut body = vec![
        json!({"type": "TextualBody", "purpose": "tagging", "value": type_label, "format": "text/plain"}),
    ];
    body.push(json!({
        "type": "TextualBody",
        "purpose": "describing",
        "value": if words.is_empty() { type_label.clone() } else { words },
        "format": "text/plain",
    }));
    if let Some(entry) = a
        .as_mention()
        .and_then(|m| m.entry)
        .and_then(|e| project.registry.get(&e))
    {
        body.push(json!({"type": "TextualBody", "purpose": "identifying", "value": entry.name, "format": "text/plain"}));
    }
    if !a.note.is_empty() {
        body.push(json!({"type": "TextualBody", "purpose": "commenting", "value": a.note, "format": "text/plain"}));
    }
    json!({
        "id": format!("{base_url}{slug}/annotation/{}", a.id),
        "type": "Annotation",
        "motivation": "commenting",
        "body": body,
        "target": {
            "type": "SpecificResource",
            "source": {"id": c.id, "type": "Canvas", "partOf": [{"id": manifest_id, "type": "Manifest"}]},
            "selector": selector,
        },
    })
}
