//! The IIIF importer: a Presentation 2 or 3 manifest (a web address or a file) becomes one
//! document with a page per canvas.
//!
//! - Each canvas's image is fetched from its Image API service at reading size (the
//!   smallest size the service lists whose longer side reaches
//!   [`READING_SIDE`](super::READING_SIDE) pixels, or the image scaled to it by a service
//!   that scales; the whole image when it is smaller), else from the image's own address,
//!   and kept inside the project (`NAME/c0001.jpg` …), so the project works offline and
//!   its folder stays self-contained. Every image is checked to be a PNG, JPEG or TIFF.
//! - The transcription starts empty, one blank line per canvas, with a page break at each
//!   (`n` = the canvas label), ready for Edit ▸ Correct transcription.
//! - The manifest's label is the title; its metadata, attribution and rights go into the
//!   archival description (holding institution, collection, shelf mark, date, language,
//!   citation, address); the canvases' ids and sizes are kept
//!   ([`ArchivalMeta::canvases`](crate::model::ArchivalMeta)) so an IIIF export places
//!   annotations on the library's own canvases.
//! - Reported as not kept: metadata without a place in the description, ranges
//!   (`structures`), annotations already on the canvases, and images that could not be
//!   fetched (the import then fails: a page without its image is no page).

use super::super::common::{join_inside, slug_name};
use super::super::import::{ImportError, Importer};
use super::super::layout::NotKept;
use super::fetch::{Client, Location, MAX_IMAGE_BYTES, MAX_JSON_BYTES};
use super::{Version, dimension, id_of, image_request, reading_size, strip_html, text_of, version};
use crate::model::{ArchivalMeta, Canvas, DocStatus, NormalizedDate, PageBreak, Project, RelPath};
use crate::store;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Reads IIIF manifests.
#[derive(Clone, Default)]
pub struct IiifImporter {
    /// Set to stop the import; it then fails as cancelled and leaves nothing behind.
    pub cancel: Option<Arc<AtomicBool>>,
    pub progress: Option<super::super::pdf::read::ProgressFn>,
}

impl std::fmt::Debug for IiifImporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IiifImporter")
    }
}

/// One canvas: what it is called and where its image is.
struct CanvasRef {
    id: String,
    label: String,
    width: Option<u32>,
    height: Option<u32>,
    /// The Image API service and whether it speaks version 3.
    service: Option<(String, bool)>,
    /// The image's own address.
    image: Option<String>,
}

impl Importer for IiifImporter {
    fn id(&self) -> &'static str {
        "iiif"
    }

    fn label(&self) -> &'static str {
        "IIIF manifest (web address or file)"
    }

    fn import(&self, source: &Path, staging: &Path) -> Result<Project, ImportError> {
        Ok(self.import_reporting(source, staging)?.0)
    }

    fn import_reporting(
        &self,
        source: &Path,
        staging: &Path,
    ) -> Result<(Project, Vec<String>), ImportError> {
        let invalid = |message: String| ImportError::Invalid {
            path: source.to_path_buf(),
            message,
        };
        let client = Client::new();
        let text = source.to_string_lossy().into_owned();
        let location = Location::parse(&text);
        let manifest: Value = match &location {
            Location::Web(url) => client.json(url).map_err(invalid)?,
            Location::File(p) => {
                let bytes = store::read_guarded(p, MAX_JSON_BYTES)?;
                serde_json::from_slice(&bytes).map_err(|e| ImportError::Syntax {
                    path: p.clone(),
                    line: e.line(),
                    message: format!("not JSON: {e}"),
                })?
            }
        };
        let ty = manifest
            .get("type")
            .or_else(|| manifest.get("@type"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        if ty.ends_with("Collection") {
            return Err(invalid(
                "this is a IIIF collection; import its manifests one by one".into(),
            ));
        }
        if !ty.ends_with("Manifest") {
            return Err(invalid(format!(
                "not a IIIF manifest (its type is \"{ty}\")"
            )));
        }
        let v = version(&manifest);
        let mut not_kept = NotKept::default();
        let place = text.clone();
        let canvases = canvases(&manifest, v, &mut not_kept, &place);
        if canvases.is_empty() {
            return Err(invalid("the manifest has no canvases".into()));
        }
        let lang = "en";
        let title = strip_html(&text_of(
            manifest.get("label").unwrap_or(&Value::Null),
            lang,
        ));
        let title = if title.is_empty() {
            "IIIF manifest".to_owned()
        } else {
            title
        };
        let stem = slug_name(&title, "manifest");
        let mut archival = describe(&manifest, v, lang, &mut not_kept, &place);
        if archival.url.is_empty()
            && let Location::Web(url) = &location
        {
            archival.url = url.clone();
        }
        archival.manifest = id_of(&manifest)
            .map(str::to_owned)
            .or_else(|| match &location {
                Location::Web(url) => Some(url.clone()),
                Location::File(_) => None,
            })
            .unwrap_or_default();
        let n = canvases.len();
        let width = n.to_string().len().max(4);
        let mut images = Vec::with_capacity(n);
        let mut text = String::new();
        let mut breaks = Vec::with_capacity(n);
        for (i, c) in canvases.iter().enumerate() {
            if self
                .cancel
                .as_ref()
                .is_some_and(|f| f.load(Ordering::Relaxed))
            {
                return Err(invalid("the import was cancelled".into()));
            }
            if let Some(p) = &self.progress {
                p(
                    i as f32 / n as f32,
                    &format!("{title}: image {} of {n}", i + 1),
                );
            }
            let (bytes, size) = self
                .fetch_image(&client, c)
                .map_err(|m| invalid(format!("canvas {} (\"{}\"): {m}", i + 1, c.label)))?;
            let ext = match image::guess_format(&bytes) {
                Ok(image::ImageFormat::Png) => "png",
                Ok(image::ImageFormat::Tiff) => "tif",
                _ => "jpg",
            };
            let rel = format!("{stem}/c{:0width$}.{ext}", i + 1);
            let path = join_inside(staging, &rel).map_err(invalid)?;
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| ImportError::io("create folder", parent, e))?;
            }
            store::fs::write_new(&path, &bytes)?;
            let rel = RelPath::parse(&rel).map_err(|e| invalid(e.to_string()))?;
            if i > 0 {
                text.push('\n');
            }
            breaks.push(PageBreak {
                offset: i,
                n: c.label.clone(),
                facs: rel.file_name().to_owned(),
            });
            archival.canvases.push(Canvas {
                id: c.id.clone(),
                width: c.width.unwrap_or(size.0),
                height: c.height.unwrap_or(size.1),
            });
            images.push(rel);
        }
        let txt = join_inside(staging, &format!("{stem}.txt")).map_err(invalid)?;
        store::fs::write_new(&txt, text.as_bytes())?;
        let mut doc = store::document_from_source(staging, &txt)?;
        doc.meta.title = title;
        doc.meta.images = images;
        doc.meta.status = DocStatus::NotStarted;
        archival.page_breaks = breaks;
        doc.meta.archival = archival;
        let mut project = Project::new("");
        project.documents.insert(doc.id(), doc);
        Ok((project, not_kept.lines()))
    }
}

impl IiifImporter {
    /// The image of canvas `c` at reading size, and its pixel size.
    fn fetch_image(&self, client: &Client, c: &CanvasRef) -> Result<(Vec<u8>, (u32, u32)), String> {
        let mut urls = Vec::new();
        if let Some((service, v3)) = &c.service {
            let info_url = format!("{}/info.json", service.trim_end_matches('/'));
            match client.json(&info_url) {
                Ok(info) => {
                    let v3 = *v3 || info_v3(&info);
                    match reading_size(&info) {
                        Some(((w, h), _listed)) => {
                            urls.push(image_request(service, v3, w, h, false));
                        }
                        None => urls.push(image_request(service, v3, 0, 0, true)),
                    }
                }
                Err(e) if c.image.is_none() => return Err(e),
                Err(_) => {}
            }
        }
        urls.extend(c.image.clone());
        let mut last = "the canvas names no image".to_owned();
        for url in urls {
            match client.get(&url, MAX_IMAGE_BYTES) {
                Ok(bytes) => {
                    let size = crate::facsimile::decode::dimensions(&bytes, Path::new(&url))
                        .map_err(|e| format!("{}: {url}", e.reason()))?;
                    return Ok((bytes, size));
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }
}

/// Whether an `info.json` is Image API 3.
fn info_v3(info: &Value) -> bool {
    let ctx = info.get("@context");
    let has3 = |s: &str| s.contains("image/3");
    match ctx {
        Some(Value::String(s)) => has3(s),
        Some(Value::Array(a)) => a.iter().any(|v| v.as_str().is_some_and(has3)),
        _ => info.get("type").and_then(Value::as_str) == Some("ImageService3"),
    }
}

/// The canvases of a manifest, in order.
fn canvases(m: &Value, v: Version, not_kept: &mut NotKept, place: &str) -> Vec<CanvasRef> {
    let empty = Vec::new();
    let list: &Vec<Value> = match v {
        Version::V2 => m
            .get("sequences")
            .and_then(Value::as_array)
            .and_then(|s| s.first())
            .and_then(|s| s.get("canvases"))
            .and_then(Value::as_array)
            .unwrap_or(&empty),
        Version::V3 => m.get("items").and_then(Value::as_array).unwrap_or(&empty),
    };
    if let Version::V2 = v
        && m.get("sequences")
            .and_then(Value::as_array)
            .is_some_and(|s| s.len() > 1)
    {
        not_kept.add("IIIF sequences after the first", place);
    }
    if m.get("structures")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty())
    {
        not_kept.add("IIIF ranges (structures)", place);
    }
    let mut out = Vec::new();
    for c in list {
        let ty = c
            .get("type")
            .or_else(|| c.get("@type"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !ty.ends_with("Canvas") {
            continue;
        }
        if c.get("annotations")
            .or_else(|| c.get("otherContent"))
            .is_some()
        {
            not_kept.add("IIIF annotations already on canvases (not read)", place);
        }
        let body = match v {
            Version::V2 => c
                .get("images")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .and_then(|a| a.get("resource")),
            Version::V3 => c
                .get("items")
                .and_then(Value::as_array)
                .and_then(|p| p.first())
                .and_then(|p| p.get("items"))
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .and_then(|a| a.get("body")),
        };
        // A choice of images: the first.
        let body = body.map(|b| {
            b.get("items")
                .or_else(|| b.get("default"))
                .and_then(|i| i.as_array().and_then(|a| a.first()).or(Some(i)))
                .filter(|_| {
                    b.get("type")
                        .or_else(|| b.get("@type"))
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.ends_with("Choice"))
                })
                .unwrap_or(b)
        });
        let service = body.and_then(|b| b.get("service")).and_then(|s| {
            let s = s.as_array().and_then(|a| a.first()).unwrap_or(s);
            let id = id_of(s)?.to_owned();
            let t = s
                .get("type")
                .or_else(|| s.get("@type"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            Some((id, t == "ImageService3"))
        });
        out.push(CanvasRef {
            id: id_of(c).unwrap_or_default().to_owned(),
            label: strip_html(&text_of(c.get("label").unwrap_or(&Value::Null), "en")),
            width: dimension(c, "width"),
            height: dimension(c, "height"),
            service,
            image: body.and_then(id_of).map(str::to_owned),
        });
    }
    out
}

/// The archival description from a manifest's metadata, attribution and links.
fn describe(
    m: &Value,
    v: Version,
    lang: &str,
    not_kept: &mut NotKept,
    place: &str,
) -> ArchivalMeta {
    let mut a = ArchivalMeta::default();
    let txt = |v: &Value| strip_html(&text_of(v, lang));
    for pair in m
        .get("metadata")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let label = txt(pair.get("label").unwrap_or(&Value::Null));
        let value = txt(pair.get("value").unwrap_or(&Value::Null));
        if value.is_empty() {
            continue;
        }
        let key = label.to_lowercase();
        let slot = |k: &str| key.contains(k);
        let target: Option<&mut String> = if slot("repository")
            || slot("holding")
            || slot("institution")
            || slot("library")
            || slot("archive")
        {
            Some(&mut a.archive)
        } else if slot("collection") || slot("fonds") {
            Some(&mut a.collection)
        } else if slot("shelf")
            || slot("call number")
            || slot("signatur")
            || slot("classmark")
            || slot("identifier")
        {
            Some(&mut a.call_number)
        } else if slot("language") {
            Some(&mut a.original_language)
        } else {
            None
        };
        match target {
            Some(t) if t.is_empty() => *t = value,
            _ if slot("date") && a.date.is_none() => {
                let d = NormalizedDate::when(value.trim());
                if d.validate().is_ok() {
                    a.date = Some(d);
                } else {
                    not_kept.add(
                        format!("IIIF metadata that is not an ISO date ({label})"),
                        place,
                    );
                }
            }
            _ => not_kept.add(
                format!("IIIF metadata without a place in the archival description ({label})"),
                place,
            ),
        }
    }
    let attribution = match v {
        Version::V2 => m.get("attribution").map(txt),
        Version::V3 => m.get("requiredStatement").map(|r| {
            let l = txt(r.get("label").unwrap_or(&Value::Null));
            let v = txt(r.get("value").unwrap_or(&Value::Null));
            if l.is_empty() { v } else { format!("{l}: {v}") }
        }),
    };
    let rights = m.get("rights").or_else(|| m.get("license")).and_then(|r| {
        r.as_str()
            .map(str::to_owned)
            .or_else(|| id_of(r).map(str::to_owned))
    });
    let mut citation = attribution.unwrap_or_default();
    if let Some(r) = rights {
        if !citation.is_empty() {
            citation.push_str(". ");
        }
        citation.push_str(&format!("Rights: {r}"));
    }
    a.citation = citation;
    let home = m
        .get("homepage")
        .or_else(|| m.get("related"))
        .map(|h| h.as_array().and_then(|x| x.first()).unwrap_or(h))
        .and_then(id_of);
    if let Some(h) = home {
        a.url = h.to_owned();
    }
    if let Some(p) = m
        .get("provider")
        .and_then(Value::as_array)
        .and_then(|p| p.first())
        && a.archive.is_empty()
    {
        a.archive = txt(p.get("label").unwrap_or(&Value::Null));
    }
    for k in [
        "summary",
        "description",
        "navDate",
        "seeAlso",
        "logo",
        "thumbnail",
    ] {
        if m.get(k).is_some() {
            not_kept.add(format!("IIIF manifest {k}"), place);
        }
    }
    a
}
