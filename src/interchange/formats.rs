//! The list of every format: which exporters and importers exist, in menu order. The only
//! module that names every format; the traits they implement are in [`super::export`] and
//! [`super::import`], which name none. Registering a format is one line here.

use super::export::Exporter;
use super::import::Importer;
use super::{brat, cmif, conll, csv, gephi, gexf, jsonl, palladio, tei, text, w3c, webanno_tsv};

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
