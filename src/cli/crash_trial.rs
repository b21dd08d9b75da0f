//! Hidden commands for the crash-during-save trial (`tests/crash_trial.sh`): one edits and
//! saves a project in a loop until it is killed, the other tells what state a killed
//! loop left the project in.
//!
//! Each round writes the same counter into the project description and into the note of
//! the first annotation of every document, then saves: a multi-file save. A project is
//! consistent when every counter is the same.

use crate::model::{Edit, Transaction};
use crate::session::Session;
use anyhow::{Context as _, bail};
use std::io::Write as _;
use std::path::Path;

const PREFIX: &str = "crash trial ";

fn counter(s: &str) -> Option<u64> {
    s.strip_prefix(PREFIX)?.parse().ok()
}

/// Edits and saves `project` `rounds` times (forever when `None`), printing
/// `saved N` after each save returns.
pub fn edit_loop(project: &Path, rounds: Option<u64>) -> anyhow::Result<()> {
    let mut s =
        Session::open(project).with_context(|| format!("cannot open {}", project.display()))?;
    let mut n = counter(&s.project.info.description).unwrap_or(0);
    let mut done = 0;
    let mut out = std::io::stdout().lock();
    while rounds.is_none_or(|r| done < r) {
        n += 1;
        let mut tx = Transaction::new("crash trial");
        let mut info = s.project.info.clone();
        info.description = format!("{PREFIX}{n}");
        tx = tx.with(Edit::Info {
            before: s.project.info.clone(),
            after: info,
        });
        for (id, doc) in &s.project.documents {
            if let Some(a) = doc.annotations.values().next() {
                let mut after = a.clone();
                after.note = format!("{PREFIX}{n}");
                tx = tx.with(Edit::update_annotation(*id, a.clone(), after));
            }
        }
        s.commit(tx).context("cannot apply the edit")?;
        s.save()
            .with_context(|| format!("cannot save {}", project.display()))?;
        writeln!(out, "saved {n}")?;
        out.flush()?;
        done += 1;
    }
    Ok(())
}

/// Loads `project` and describes its state in one line: `state N` when every counter is
/// `N`, `mixed ...` when they differ, `torn: ERROR` when it does not load.
pub fn probe(project: &Path) -> anyhow::Result<String> {
    let loaded = match crate::store::load(project) {
        Ok(l) => l,
        Err(e) => return Ok(format!("torn: {e}")),
    };
    let mut seen = vec![counter(&loaded.project.info.description)];
    for doc in loaded.project.documents.values() {
        if let Some(a) = doc.annotations.values().next() {
            seen.push(counter(&a.note));
        }
    }
    if seen.len() < 2 {
        bail!("the project needs a document with an annotation for the trial");
    }
    Ok(match seen[0] {
        _ if seen.iter().any(|c| *c != seen[0]) => format!("mixed {seen:?}"),
        Some(n) => format!("state {n}"),
        None => "state 0".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loop_and_probe_agree_on_the_sample_project() {
        let tmp = tempfile::tempdir().unwrap();
        let src = crate::cli::sample_project();
        copy(&src, tmp.path());
        assert_eq!(probe(tmp.path()).unwrap(), "state 0");
        edit_loop(tmp.path(), Some(2)).unwrap();
        assert_eq!(probe(tmp.path()).unwrap(), "state 2");
    }

    fn copy(from: &Path, to: &Path) {
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let t = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                std::fs::create_dir_all(&t).unwrap();
                copy(&e.path(), &t);
            } else {
                std::fs::copy(e.path(), &t).unwrap();
            }
        }
    }
}
