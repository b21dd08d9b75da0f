//! IIIF (International Image Interoperability Framework): the vocabulary both directions
//! share — Presentation API 2 and 3 contexts, labels and language maps, Image API request
//! URLs — the fetcher ([`fetch`]), the manifest reader ([`read`]) and the writer of
//! manifests with W3C annotation pages ([`write`]).

pub mod fetch;
pub mod read;
pub mod write;

pub use read::IiifImporter;
pub use write::IiifExporter;

use serde_json::Value;

/// The Presentation API 3 context.
pub const PRESENTATION_3: &str = "http://iiif.io/api/presentation/3/context.json";
/// The Web Annotation context, for annotation pages read on their own.
pub const ANNOTATION_CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";

/// The longer side, in pixels, of the page images fetched from an Image API service.
pub const READING_SIDE: u32 = 2_000;

/// Which Presentation API a manifest follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V2,
    V3,
}

/// The version of a manifest: by its `@context`, else by its shape.
pub fn version(manifest: &Value) -> Version {
    let ctx = manifest.get("@context");
    let mentions = |needle: &str| match ctx {
        Some(Value::String(s)) => s.contains(needle),
        Some(Value::Array(a)) => a
            .iter()
            .any(|v| v.as_str().is_some_and(|s| s.contains(needle))),
        _ => false,
    };
    if mentions("presentation/3") {
        Version::V3
    } else if mentions("presentation/2") || manifest.get("sequences").is_some() {
        Version::V2
    } else {
        Version::V3
    }
}

/// A label, summary or metadata value as text: a plain string, a v2 `{"@value"}` object or
/// list of them (the first in `lang`, else the first), or a v3 language map (`lang`, else
/// `none`, else the first language). Lists of values are joined with "; ".
pub fn text_of(v: &Value, lang: &str) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            // v2: [{"@value", "@language"}, …] in several languages: one of them.
            let tagged: Vec<&Value> = items
                .iter()
                .filter(|i| i.get("@language").is_some())
                .collect();
            if !tagged.is_empty() {
                let pick = tagged
                    .iter()
                    .find(|i| i.get("@language").and_then(Value::as_str) == Some(lang))
                    .unwrap_or(&tagged[0]);
                return text_of(pick, lang);
            }
            items
                .iter()
                .map(|i| text_of(i, lang))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("; ")
        }
        Value::Object(m) => {
            if let Some(v) = m.get("@value") {
                return text_of(v, lang);
            }
            let values = m
                .get(lang)
                .or_else(|| m.get("none"))
                .or_else(|| m.values().next());
            values.map_or_else(String::new, |v| text_of(v, lang))
        }
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// The `id` (v3) or `@id` (v2) of a resource.
pub fn id_of(v: &Value) -> Option<&str> {
    v.get("id")
        .or_else(|| v.get("@id"))
        .and_then(Value::as_str)
        .or_else(|| v.as_str())
}

/// A whole number of a resource (`width`, `height`), when it is one above zero.
pub fn dimension(v: &Value, key: &str) -> Option<u32> {
    v.get(key)
        .and_then(Value::as_f64)
        .filter(|x| x.is_finite() && *x >= 1.0 && *x <= f64::from(u32::MAX))
        // Checked to be in range above.
        .map(|x| x.round() as u32)
}

/// Text with HTML tags (IIIF allows a few in labels and values) removed.
pub fn strip_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_owned()
}

/// The Image API request for the full region of `service` (its id without a trailing
/// `/`) at `width` × `height` pixels: `w,` in version 2 (what static level-0 trees are made
/// with), `w,h` in version 3 (the only size form level 0 must support).
pub fn image_request(service: &str, v3: bool, width: u32, height: u32, full: bool) -> String {
    let base = service.trim_end_matches('/');
    let size = match (full, v3) {
        (true, false) => "full".to_owned(),
        (true, true) => "max".to_owned(),
        (false, false) => format!("{width},"),
        (false, true) => format!("{width},{height}"),
    };
    format!("{base}/full/{size}/0/default.jpg")
}

/// The size to ask an image service for, given its `info.json`: the smallest listed size
/// whose longer side reaches [`READING_SIDE`] (else the largest listed), or — without a
/// list, from a service that can scale — the full image scaled down to it. `None` when
/// the full image is what to ask for. The second value says whether the size is one the
/// service listed (level 0 serves only those).
pub fn reading_size(info: &Value) -> Option<((u32, u32), bool)> {
    let (w, h) = (dimension(info, "width")?, dimension(info, "height")?);
    let sizes: Vec<(u32, u32)> = info
        .get("sizes")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| Some((dimension(s, "width")?, dimension(s, "height")?)))
                .collect()
        })
        .unwrap_or_default();
    if !sizes.is_empty() {
        let mut sorted = sizes;
        sorted.sort_by_key(|(a, b)| (*a).max(*b));
        let pick = sorted
            .iter()
            .find(|(a, b)| (*a).max(*b) >= READING_SIDE)
            .or(sorted.last())
            .copied()?;
        return Some((pick, true));
    }
    let long = w.max(h);
    if long <= READING_SIDE {
        return None;
    }
    let f = f64::from(READING_SIDE) / f64::from(long);
    // Smaller than the original, so the casts cannot overflow.
    let size = (
        (f64::from(w) * f).round().max(1.0) as u32,
        (f64::from(h) * f).round().max(1.0) as u32,
    );
    Some((size, false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn labels_in_both_versions() {
        assert_eq!(text_of(&json!("p. 1"), "en"), "p. 1");
        assert_eq!(
            text_of(
                &json!([{"@value": "S. 1", "@language": "de"}, {"@value": "p. 1", "@language": "en"}]),
                "en"
            ),
            "p. 1"
        );
        assert_eq!(text_of(&json!({"en": ["Folio 1r"]}), "en"), "Folio 1r");
        assert_eq!(text_of(&json!({"none": ["1r"]}), "en"), "1r");
        assert_eq!(text_of(&json!({"fr": ["un", "deux"]}), "en"), "un; deux");
        assert_eq!(
            strip_html("<a href='x'>Bodleian</a> Libraries"),
            "Bodleian Libraries"
        );
    }

    #[test]
    fn image_sizes() {
        let level0 = json!({"width": 6000, "height": 8000, "sizes": [{"width": 750, "height": 1000}, {"width": 1500, "height": 2000}, {"width": 3000, "height": 4000}]});
        assert_eq!(reading_size(&level0), Some(((1500, 2000), true)));
        let level2 = json!({"width": 4000, "height": 3000});
        assert_eq!(reading_size(&level2), Some(((2000, 1500), false)));
        assert_eq!(reading_size(&json!({"width": 800, "height": 600})), None);
        assert_eq!(
            image_request("https://x/iiif/a/", true, 1500, 2000, false),
            "https://x/iiif/a/full/1500,2000/0/default.jpg"
        );
        assert_eq!(
            image_request("https://x/iiif/a", false, 1500, 2000, false),
            "https://x/iiif/a/full/1500,/0/default.jpg"
        );
    }
}
