//! Editing a document's metadata: title, status and archival description.

use super::error::OpError;
use crate::model::date::NormalizedDate;
use crate::model::document::{ArchivalMeta, DocStatus, DocumentMeta};
use crate::model::edit::{Edit, Transaction};
use crate::model::ids::DocId;
use crate::model::project::Project;

/// Former name of [`OpError`] for metadata edits.
pub type DocumentError = OpError;

fn meta_of(project: &Project, doc: DocId) -> Result<&DocumentMeta, OpError> {
    project
        .documents
        .get(&doc)
        .map(|d| &d.meta)
        .ok_or(OpError::NoDocument(doc))
}

fn meta_tx(label: String, before: &DocumentMeta, after: DocumentMeta) -> Transaction {
    let mut tx = Transaction::new(label);
    if after != *before {
        tx.push(Edit::DocumentMeta {
            before: Box::new(before.clone()),
            after: Box::new(after),
        });
    }
    tx
}

/// Checks and tidies archival fields: each trimmed, the URL http(s), the date ISO 8601
/// (an empty date becomes none).
pub fn check_archival(mut a: ArchivalMeta) -> Result<ArchivalMeta, OpError> {
    for field in [
        &mut a.archive,
        &mut a.collection,
        &mut a.call_number,
        &mut a.citation,
        &mut a.url,
        &mut a.original_language,
        &mut a.translation_note,
    ] {
        let trimmed = field.trim();
        if trimmed.len() != field.len() {
            *field = trimmed.to_owned();
        }
    }
    if !(a.url.is_empty() || a.url.starts_with("http://") || a.url.starts_with("https://")) {
        return Err(OpError::BadUrl(a.url));
    }
    if let Some(d) = &a.date {
        d.validate()?;
    }
    a.date = a.date.filter(|d: &NormalizedDate| !d.is_empty());
    Ok(a)
}

/// Replaces the document's archival description.
pub fn set_archival(
    project: &Project,
    doc: DocId,
    archival: ArchivalMeta,
) -> Result<Transaction, OpError> {
    let meta = meta_of(project, doc)?;
    let mut after = meta.clone();
    after.archival = check_archival(archival)?;
    Ok(meta_tx(
        format!("Edit archival data of {}", meta.title),
        meta,
        after,
    ))
}

/// Sets how far work on the document has come.
pub fn set_status(
    project: &Project,
    doc: DocId,
    status: DocStatus,
) -> Result<Transaction, OpError> {
    let meta = meta_of(project, doc)?;
    let mut after = meta.clone();
    after.status = status;
    Ok(meta_tx(
        format!("Mark {} {}", meta.title, status.label().to_lowercase()),
        meta,
        after,
    ))
}

/// Sets the project's name and description (the project file's `info`).
pub fn set_project_info(
    project: &Project,
    name: &str,
    description: &str,
) -> Result<Transaction, OpError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(OpError::EmptyName("a project"));
    }
    let after = crate::model::ProjectInfo {
        name: name.to_owned(),
        description: description.trim().to_owned(),
        ..project.info.clone()
    };
    if after == project.info {
        return Err(OpError::NoChange);
    }
    Ok(
        Transaction::new(format!("Describe the project {name}")).with(Edit::Info {
            before: project.info.clone(),
            after,
        }),
    )
}

/// Renames the document.
pub fn set_title(project: &Project, doc: DocId, title: &str) -> Result<Transaction, OpError> {
    let meta = meta_of(project, doc)?;
    let title = title.trim();
    if title.is_empty() {
        return Err(OpError::EmptyName("a document"));
    }
    let mut after = meta.clone();
    after.title = title.to_owned();
    Ok(meta_tx(
        format!("Rename {} to {title}", meta.title),
        meta,
        after,
    ))
}

/// Title, status and archival description at once, as a metadata form saves them.
pub fn set_metadata(
    project: &Project,
    doc: DocId,
    title: &str,
    status: DocStatus,
    archival: ArchivalMeta,
) -> Result<Transaction, OpError> {
    let meta = meta_of(project, doc)?;
    let title = title.trim();
    if title.is_empty() {
        return Err(OpError::EmptyName("a document"));
    }
    let mut after = meta.clone();
    after.title = title.to_owned();
    after.status = status;
    after.archival = check_archival(archival)?;
    Ok(meta_tx(
        format!("Edit metadata of {}", meta.title),
        meta,
        after,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ops::events::tests::{commit_and_check_undo, fixture};

    #[test]
    fn edit_metadata_and_undo() {
        let (mut p, doc) = fixture();
        let archival = ArchivalMeta {
            archive: " Archive of the President of the Russian Federation ".into(),
            call_number: "f. 45, op. 1, d. 339".into(),
            url: "https://digitalarchive.wilsoncenter.org/document/114221".into(),
            original_language: "ru".into(),
            date: Some(NormalizedDate::when("1951-07-11")),
            ..Default::default()
        };
        let tx = set_archival(&p, doc, archival.clone()).unwrap();
        commit_and_check_undo(&mut p, tx);
        let a = &p.documents[&doc].meta.archival;
        assert_eq!(
            a.archive,
            "Archive of the President of the Russian Federation"
        );
        assert_eq!(a.call_number, "f. 45, op. 1, d. 339");
        let tx = set_status(&p, doc, DocStatus::InProgress).unwrap();
        assert_eq!(tx.label, "Mark cable in progress");
        commit_and_check_undo(&mut p, tx);
        let tx = set_title(&p, doc, "Cable No. 21677").unwrap();
        commit_and_check_undo(&mut p, tx);
        let tx = set_metadata(
            &p,
            doc,
            "Cable 21677",
            DocStatus::Done,
            ArchivalMeta::default(),
        )
        .unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(p.documents[&doc].meta.archival, ArchivalMeta::default());
        // Unchanged: nothing to commit.
        assert!(set_status(&p, doc, DocStatus::Done).unwrap().is_empty());
    }

    #[test]
    fn project_name_and_description_are_set_and_undone() {
        let (mut p, _) = fixture();
        let tx = set_project_info(&p, " Korean armistice ", " Cables of July 1951 ").unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(p.info.name, "Korean armistice");
        assert_eq!(p.info.description, "Cables of July 1951");
        assert_eq!(
            set_project_info(&p, "Korean armistice", "Cables of July 1951"),
            Err(OpError::NoChange)
        );
        assert_eq!(
            set_project_info(&p, "  ", ""),
            Err(OpError::EmptyName("a project"))
        );
    }

    #[test]
    fn bad_metadata_is_refused() {
        let (p, doc) = fixture();
        let bad_url = ArchivalMeta {
            url: "digitalarchive.wilsoncenter.org".into(),
            ..Default::default()
        };
        assert_eq!(
            set_archival(&p, doc, bad_url).unwrap_err().to_string(),
            "\"digitalarchive.wilsoncenter.org\" is not a web address; it must start with http:// or https://"
        );
        let bad_date = ArchivalMeta {
            date: Some(NormalizedDate::when("11 July 1951")),
            ..Default::default()
        };
        assert!(matches!(
            set_archival(&p, doc, bad_date),
            Err(OpError::Date(_))
        ));
        assert_eq!(
            set_title(&p, doc, "  ").unwrap_err(),
            OpError::EmptyName("a document")
        );
        let ghost = DocId::new();
        assert_eq!(
            set_status(&p, ghost, DocStatus::Done).unwrap_err(),
            OpError::NoDocument(ghost)
        );
    }
}
