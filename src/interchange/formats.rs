//! The list of every format: which exporters and importers exist, in menu order. The only
//! module that names every format; the traits they implement are in [`super::export`] and
//! [`super::import`], which name none. Registering a format is one line here.

use super::export::Exporter;
use super::import::Importer;
use super::layout::Group;
use super::{
    alto, brat, cmif, conll, csv, gephi, gexf, hocr, iiif, jsonl, page, palladio, pdf, tei, text,
    w3c, webanno_tsv,
};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Every exporter, in menu order.
pub fn exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(tei::TeiExporter),
        Box::new(brat::BratExporter),
        Box::new(w3c::W3cExporter),
        Box::new(w3c::RecogitoExporter),
        Box::new(csv::CsvExporter),
        Box::new(jsonl::JsonlExporter),
        Box::new(conll::ConllExporter),
        Box::new(webanno_tsv::WebAnnoTsvExporter),
        Box::new(gephi::GephiExporter),
        Box::new(gexf::GexfExporter),
        Box::new(palladio::PalladioExporter),
        Box::new(cmif::CmifExporter),
        Box::new(iiif::IiifExporter::default()),
    ]
}

/// Every importer, in menu order.
pub fn importers() -> Vec<Box<dyn Importer>> {
    vec![
        Box::new(brat::BratImporter),
        Box::new(text::TextImporter),
        Box::new(tei::TeiImporter),
        Box::new(w3c::W3cImporter),
        Box::new(webanno_tsv::WebAnnoTsvImporter),
        Box::new(page::PageImporter::default()),
        Box::new(alto::AltoImporter::default()),
        Box::new(hocr::HocrImporter::default()),
        Box::new(pdf::PdfImporter::default()),
        Box::new(iiif::IiifImporter::default()),
    ]
}

/// The exporter with command-line name `id`.
pub fn exporter(id: &str) -> Option<Box<dyn Exporter>> {
    exporters().into_iter().find(|e| e.id() == id)
}

/// The importer with command-line name `id`.
pub fn importer(id: &str) -> Option<Box<dyn Importer>> {
    importers().into_iter().find(|e| e.id() == id)
}

/// The importer with command-line name `id`, grouping pages as `group` where the format
/// has pages to group (PAGE, ALTO, hOCR).
pub fn importer_grouped(id: &str, group: Group) -> Option<Box<dyn Importer>> {
    Some(match id {
        "page" => Box::new(page::PageImporter::grouped(group)),
        "alto" => Box::new(alto::AltoImporter::grouped(group)),
        "hocr" => Box::new(hocr::HocrImporter::grouped(group)),
        _ => return importer(id),
    })
}

/// The importer with command-line name `id`, with `cancel` and `progress` where its import
/// is long (PDF, IIIF).
pub fn importer_cancellable(
    id: &str,
    cancel: Option<Arc<AtomicBool>>,
    progress: Option<super::import::ProgressFn>,
) -> Option<Box<dyn Importer>> {
    Some(match id {
        "pdf" => Box::new(pdf::PdfImporter { cancel, progress }),
        "iiif" => Box::new(iiif::IiifImporter {
            cancel,
            progress,
            ranges: false,
        }),
        _ => return importer(id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_ids_are_unique_and_found_by_id() {
        let ex: Vec<_> = exporters().iter().map(|e| e.id()).collect();
        let im: Vec<_> = importers().iter().map(|i| i.id()).collect();
        for ids in [&ex, &im] {
            let set: std::collections::BTreeSet<_> = ids.iter().collect();
            assert_eq!(set.len(), ids.len(), "{ids:?}");
        }
        assert!(
            ex.iter()
                .all(|id| exporter(id).is_some_and(|e| e.id() == *id))
        );
        assert!(
            im.iter()
                .all(|id| importer(id).is_some_and(|i| i.id() == *id))
        );
        assert!(exporter("nonesuch").is_none() && importer("nonesuch").is_none());
    }
}
