//! The IIIF importer: a Presentation 2 or 3 manifest (a web address or a file) becomes one
//! document with a page per canvas (or, with [`IiifImporter::ranges`], a document per range
//! and one for the canvases no range holds).
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
//!   (`structures`) when not importing by range, annotations already on the canvases, and images that could not be
//!   fetched (the import then fails: a page without its image is no page).

use super::super::common::{join_inside, slug_name};
use super::super::import::{ImportContext, ImportError, Importer};
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
    pub progress: Option<super::super::import::ProgressFn>,
    /// A document per range (`structures`: the top-level ranges, or the children of a
    /// single top-level table of contents) and one for the canvases no range holds,
    /// instead of one per manifest (`--group range`).
    pub ranges: bool,
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

    fn import(&self, source: &Path, cx: &mut ImportContext<'_>) -> Result<Project, ImportError> {
        let staging = cx.staging;
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
        let canvases = canvases(&manifest, v, &mut not_kept, &place, self.ranges);
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
        // The documents: the manifest, or (with `ranges`) one per range and one for the
        // canvases no range holds.
        let parts: Vec<(String, Vec<usize>)> = if self.ranges {
            let found = ranges(&manifest, v, &canvases);
            if found.is_empty() {
                not_kept.add(
                    "IIIF ranges asked for, but the manifest has none: one document",
                    &place,
                );
                vec![(title.clone(), (0..canvases.len()).collect())]
            } else {
                let mut held = vec![false; canvases.len()];
                for (_, members) in &found {
                    for &i in members {
                        held[i] = true;
                    }
                }
                let rest: Vec<usize> = (0..canvases.len()).filter(|&i| !held[i]).collect();
                let mut parts: Vec<(String, Vec<usize>)> = found
                    .into_iter()
                    .map(|(label, members)| {
                        let label = if label.is_empty() {
                            title.clone()
                        } else {
                            format!("{title}: {label}")
                        };
                        (label, members)
                    })
                    .collect();
                if !rest.is_empty() {
                    parts.push((format!("{title}: pages in no range"), rest));
                }
                parts
            }
        } else {
            vec![(title.clone(), (0..canvases.len()).collect())]
        };
        let total: usize = parts.iter().map(|(_, m)| m.len()).sum();
        let mut done = 0;
        let mut stems = std::collections::HashSet::new();
        let mut project = Project::new("");
        for (doc_title, members) in &parts {
            let base = slug_name(doc_title, "manifest");
            let mut stem = base.clone();
            let mut k = 2;
            while !stems.insert(stem.to_lowercase()) {
                stem = format!("{base}-{k}");
                k += 1;
            }
            let refs: Vec<&CanvasRef> = members.iter().map(|&i| &canvases[i]).collect();
            let doc = self.build(
                &client,
                staging,
                &stem,
                doc_title,
                &refs,
                archival.clone(),
                (done, total),
                &invalid,
            )?;
            done += refs.len();
            project.documents.insert(doc.id(), doc);
        }
        not_kept.report_into(&mut cx.report);
        Ok(project)
    }
}

impl IiifImporter {
    /// One document of `canvases` (its pages in this order), their images fetched into
    /// `staging/stem/`. `done` of `total` canvases were fetched before (for the progress).
    #[allow(clippy::too_many_arguments)]
    fn build(
        &self,
        client: &Client,
        staging: &Path,
        stem: &str,
        title: &str,
        canvases: &[&CanvasRef],
        mut archival: ArchivalMeta,
        (done, total): (usize, usize),
        invalid: &dyn Fn(String) -> ImportError,
    ) -> Result<crate::model::Document, ImportError> {
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
                    (done + i) as f32 / total.max(1) as f32,
                    &format!("{title}: image {} of {n}", i + 1),
                );
            }
            let (bytes, size) = self
                .fetch_image(client, c)
                .map_err(|m| invalid(format!("canvas \"{}\" ({}): {m}", c.label, c.id)))?;
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
        doc.meta.title = title.to_owned();
        doc.meta.images = images;
        doc.meta.status = DocStatus::NotStarted;
        archival.page_breaks = breaks;
        doc.meta.archival = archival;
        Ok(doc)
    }

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
fn canvases(
    m: &Value,
    v: Version,
    not_kept: &mut NotKept,
    place: &str,
    ranges: bool,
) -> Vec<CanvasRef> {
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
    if !ranges
        && m.get("structures")
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

/// The ranges of a manifest to make documents of, each with its label and the indices of
/// its canvases (in manifest order, each once): the top-level ranges (those marked `top`,
/// else those no other range lists), or — when there
/// is one top-level range that holds ranges (a table of contents) — its child ranges.
/// Ranges that hold no canvas of the manifest are left out.
fn ranges<'a>(m: &'a Value, v: Version, canvases: &[CanvasRef]) -> Vec<(String, Vec<usize>)> {
    let all: Vec<&Value> = m
        .get("structures")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let by_id: std::collections::HashMap<&str, &Value> =
        all.iter().filter_map(|r| Some((id_of(r)?, *r))).collect();
    let index: std::collections::HashMap<&str, usize> = canvases
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    // The child ranges of a range, resolved (v2 lists ids; v3 nests them or refers by id).
    let children = |r: &'a Value| -> Vec<&'a Value> { range_children(r, v, &by_id) };
    let marked: Vec<&Value> = all
        .iter()
        .copied()
        .filter(|r| {
            r.get("viewingHint").and_then(Value::as_str) == Some("top")
                || r.get("behavior").and_then(Value::as_str) == Some("top")
        })
        .collect();
    let top: Vec<&Value> = if marked.is_empty() {
        let listed: std::collections::HashSet<&str> = all
            .iter()
            .flat_map(|r| children(r))
            .filter_map(id_of)
            .collect();
        all.iter()
            .copied()
            .filter(|r| id_of(r).is_none_or(|id| !listed.contains(id)))
            .collect()
    } else {
        marked
    };
    let top = match top.as_slice() {
        [only] if !children(only).is_empty() => children(only),
        _ => top,
    };
    // Every canvas a range holds, its sub-ranges included (each range once: ranges may
    // refer to each other in circles).
    fn collect<'a>(
        r: &'a Value,
        v: Version,
        children: &dyn Fn(&'a Value) -> Vec<&'a Value>,
        index: &std::collections::HashMap<&str, usize>,
        seen: &mut std::collections::HashSet<*const Value>,
        out: &mut Vec<usize>,
    ) {
        if !seen.insert(std::ptr::from_ref(r)) {
            return;
        }
        let direct: Vec<&Value> = match v {
            Version::V2 => r
                .get("canvases")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(
                    r.get("members")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter(|c| c.get("@type").and_then(Value::as_str) == Some("sc:Canvas")),
                )
                .collect(),
            Version::V3 => r
                .get("items")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|c| match c.get("type").and_then(Value::as_str) {
                    Some("Canvas") => Some(c),
                    Some("SpecificResource") => c.get("source"),
                    _ => None,
                })
                .collect(),
        };
        for c in direct {
            // `canvas#xywh=…` is a part of the canvas: the canvas.
            if let Some(&i) = id_of(c).and_then(|id| index.get(id.split('#').next().unwrap_or(id)))
            {
                out.push(i);
            }
        }
        for child in children(r) {
            collect(child, v, children, index, seen, out);
        }
    }
    let mut out = Vec::new();
    for r in top {
        let mut members = Vec::new();
        collect(
            r,
            v,
            &children,
            &index,
            &mut Default::default(),
            &mut members,
        );
        members.sort_unstable();
        members.dedup();
        if !members.is_empty() {
            let label = strip_html(&text_of(r.get("label").unwrap_or(&Value::Null), "en"));
            out.push((label, members));
        }
    }
    out
}

/// The child ranges of range `r`, resolved (v2 lists their ids; v3 nests them or refers
/// to them by id).
fn range_children<'a>(
    r: &'a Value,
    v: Version,
    by_id: &std::collections::HashMap<&'a str, &'a Value>,
) -> Vec<&'a Value> {
    let mut out = Vec::new();
    match v {
        Version::V2 => {
            for key in ["ranges", "members"] {
                for c in r.get(key).and_then(Value::as_array).into_iter().flatten() {
                    let is_range = c.as_str().is_some()
                        || c.get("@type").and_then(Value::as_str) == Some("sc:Range");
                    if let Some(found) = id_of(c).and_then(|id| by_id.get(id))
                        && is_range
                    {
                        out.push(*found);
                    }
                }
            }
        }
        Version::V3 => {
            for c in r
                .get("items")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if c.get("type").and_then(Value::as_str) == Some("Range") {
                    out.push(if c.get("items").is_none() {
                        id_of(c).and_then(|id| by_id.get(id).copied()).unwrap_or(c)
                    } else {
                        c
                    });
                }
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn canvas(id: &str) -> CanvasRef {
        CanvasRef {
            id: id.to_owned(),
            label: String::new(),
            width: None,
            height: None,
            service: None,
            image: None,
        }
    }

    #[test]
    fn v2_ranges_top_marked_nested_and_circular() {
        let cs = [canvas("c1"), canvas("c2"), canvas("c3")];
        // Two top ranges; the second lists a sub-range that lists it back (a circle).
        let m = json!({"structures": [
            {"@id": "r1", "@type": "sc:Range", "label": "Brief", "viewingHint": "top",
             "canvases": ["c3", "c1"]},
            {"@id": "r2", "@type": "sc:Range", "label": "Beilage", "viewingHint": "top",
             "ranges": ["r3"]},
            {"@id": "r3", "@type": "sc:Range", "label": "Teil", "canvases": ["c2", "nowhere"],
             "ranges": ["r2"]}
        ]});
        assert_eq!(
            ranges(&m, Version::V2, &cs),
            [
                ("Brief".to_owned(), vec![0, 2]),
                ("Beilage".to_owned(), vec![1])
            ]
        );
        // Without `top`: the ranges no other lists (none here: r2 and r3 list each other).
        let m = json!({"structures": [
            {"@id": "r2", "@type": "sc:Range", "label": "A", "ranges": ["r3"]},
            {"@id": "r3", "@type": "sc:Range", "label": "B", "canvases": ["c2"], "ranges": ["r2"]}
        ]});
        assert!(ranges(&m, Version::V2, &cs).is_empty());
        assert!(ranges(&json!({}), Version::V3, &cs).is_empty());
    }
}
