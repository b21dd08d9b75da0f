//! Hidden commands for the trials with the real binary.
//!
//! - The crash-during-save trial (`tests/crash_trial.sh`): one command edits and saves a
//!   project in a loop until it is killed, the other tells what state a killed loop left
//!   the project in. Each round writes the same counter into the project description and
//!   into the note of the first annotation of every document, then saves: a multi-file
//!   save. A project is consistent when every counter is the same.
//! - The several-writers trial (`tests/process_trial.rs`, issue 21): [`writer`] is one
//!   person's session in its own process — random edits (tag, note, delete, link to a new
//!   entry, rename an entry, retitle, add a document), saves at random moments, conflicts
//!   resolved with a random choice — and logs every edit it saved. Each edit writes a token
//!   (`tq-NAME-N-qt`) into the data, so the driver can tell whether every saved edit is in
//!   the final project.

use crate::model::{Edit, Transaction};
use crate::session::Session;
use anyhow::{Context as _, bail};
use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};

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

/// A token written by edit `n` of writer `name`.
pub fn token(name: &str, n: u64) -> String {
    format!("tq-{name}-{n}-qt")
}

/// Every token in `text`.
pub fn tokens_in(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("tq-") {
        let tail = &rest[i..];
        match tail.find("-qt") {
            Some(j) if j <= 80 && !tail[3..j].contains(char::is_whitespace) => {
                out.insert(tail[..j + 3].to_owned());
                rest = &tail[j + 3..];
            }
            _ => rest = &tail[3..],
        }
    }
    out
}

/// Every token a project holds: in notes, entry names and notes, titles, and every version
/// of a record kept in a conflict.
pub fn project_tokens(p: &crate::model::Project) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in p.registry.values() {
        out.extend(tokens_in(&e.name));
        out.extend(tokens_in(&e.note));
    }
    for d in p.documents.values() {
        out.extend(tokens_in(&d.meta.title));
        for a in d.annotations.values() {
            out.extend(tokens_in(&a.note));
        }
    }
    for c in &p.conflicts {
        out.extend(tokens_in(&format!("{:?}", c)));
    }
    out
}

/// What [`writer`] is asked to do.
#[derive(Clone, Debug)]
pub struct WriterOptions {
    /// Annotator name, also the tokens' name part.
    pub name: String,
    pub seed: u64,
    /// Edits to make (0: only resolve conflicts and save).
    pub steps: u64,
    /// Where saved edits are logged: `saved TOKEN` once a save holding it returned, `gone
    /// TOKEN` when this writer's edit removed a token (logged before the save).
    pub log: PathBuf,
    /// Longest pause between steps, in milliseconds.
    pub pause_ms: u64,
}

/// What a writer did, printed at the end.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriterSummary {
    pub edits: u64,
    pub saves: u64,
    /// Records another writer saved, merged in by this writer's saves.
    pub merged: usize,
    pub conflicts_resolved: usize,
}

/// A small deterministic random source (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// One person's session in its own process, for the several-writers trial (see the
/// module documentation). Opens `project`, makes `steps` random edits, saves at random
/// moments and at the end; a save refused for merge conflicts resolves them with a random
/// choice (mine, theirs, both) and saves again.
pub fn writer(project: &Path, o: &WriterOptions) -> anyhow::Result<WriterSummary> {
    use std::io::Write as _;
    let mut log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&o.log)
        .with_context(|| format!("cannot open the log {}", o.log.display()))?;
    let mut s =
        Session::open(project).with_context(|| format!("cannot open {}", project.display()))?;
    s.stamper = Some(crate::model::Stamper {
        by: o.name.clone(),
        clock: crate::model::Clock::System,
    });
    let mut rng = Rng(o.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut sum = WriterSummary::default();
    // Tokens of edits not saved yet.
    let mut pending: BTreeSet<String> = BTreeSet::new();
    let mut n = 0;
    for _ in 0..o.steps {
        n += 1;
        let tok = token(&o.name, n);
        let before = project_tokens(&s.project);
        if let Some(tx) = random_edit(&s, &mut rng, &tok, &o.name)? {
            // A random edit the project refuses changes nothing.
            if s.commit(tx).is_ok() {
                sum.edits += 1;
                let after = project_tokens(&s.project);
                for gone in before.difference(&after) {
                    writeln!(log, "gone {gone}")?;
                    pending.remove(gone);
                }
                pending.extend(after.difference(&before).cloned());
            }
        }
        if rng.chance(30) {
            save(&mut s, &mut rng, &mut log, &mut pending, &mut sum)?;
        }
        if o.pause_ms > 0 {
            std::thread::sleep(std::time::Duration::from_millis(rng.below(o.pause_ms)));
        }
    }
    save(&mut s, &mut rng, &mut log, &mut pending, &mut sum)?;
    Ok(sum)
}

/// Saves, resolving conflicts a save runs into, and logs the tokens now on disk.
fn save(
    s: &mut Session,
    rng: &mut Rng,
    log: &mut std::fs::File,
    pending: &mut BTreeSet<String>,
    sum: &mut WriterSummary,
) -> anyhow::Result<()> {
    use crate::model::merge::Choice;
    use crate::store::StoreError;
    use std::io::Write as _;
    for _ in 0..20 {
        if !s.project.conflicts.is_empty() {
            let before = project_tokens(&s.project);
            // One conflict at a time, a random choice first; a choice the project refuses
            // (it would leave a reference dangling) is followed by the others.
            let choices = [Choice::Mine, Choice::Theirs, Choice::Both];
            let first = rng.below(3) as usize;
            let mut left = s.project.conflicts.len();
            let mut stuck = 0;
            while left > 0 && stuck < left {
                let at = stuck;
                let done =
                    (0..3).any(|k| s.resolve_conflicts(&[at], choices[(first + k) % 3]).is_ok());
                if done {
                    sum.conflicts_resolved += 1;
                } else {
                    stuck += 1;
                }
                left = s.project.conflicts.len();
            }
            if left > 0 {
                // Each alone dangles; all at once, mine, resolves them together.
                let all: Vec<usize> = (0..left).collect();
                s.resolve_conflicts(&all, Choice::Both)
                    .or_else(|_| s.resolve_conflicts(&all, Choice::Theirs))
                    .or_else(|_| s.resolve_conflicts(&all, Choice::Mine))?;
                sum.conflicts_resolved += left;
            }
            let after = project_tokens(&s.project);
            for gone in before.difference(&after) {
                writeln!(log, "gone {gone}")?;
                pending.remove(gone);
            }
        }
        match s.save() {
            Ok(r) => {
                sum.saves += 1;
                sum.merged += r.merged;
                let now = project_tokens(&s.project);
                for t in std::mem::take(pending) {
                    if now.contains(&t) {
                        writeln!(log, "saved {t}")?;
                    }
                }
                log.flush()?;
                return Ok(());
            }
            Err(StoreError::MergeConflicts { incoming, .. }) => {
                sum.merged += incoming;
            }
            Err(e) => return Err(e).context("cannot save"),
        }
    }
    anyhow::bail!("conflicts kept coming back in 20 saves")
}

/// A random edit carrying token `tok`, or `None` when the project offers nothing to do it on.
fn random_edit(
    s: &Session,
    rng: &mut Rng,
    tok: &str,
    name: &str,
) -> anyhow::Result<Option<Transaction>> {
    use crate::model::ops::{core, document, registry, tagging};
    let p = &s.project;
    let docs: Vec<_> = p.documents.values().filter(|d| d.text.is_some()).collect();
    if docs.is_empty() {
        return Ok(None);
    }
    let d = docs[rng.below(docs.len() as u64) as usize];
    let doc = d.id();
    let anns: Vec<_> = d.annotations.values().collect();
    let ann = (!anns.is_empty()).then(|| anns[rng.below(anns.len() as u64) as usize]);
    let entity = p.schema.entity_types.first().map(|t| t.id.clone());
    let tx = match rng.below(100) {
        // Tag a span, with the token as its note.
        0..=29 => {
            let (Some(ty), Some(text)) = (entity, d.text.as_ref()) else {
                return Ok(None);
            };
            let len = text.len_chars() as u64;
            if len < 2 {
                return Ok(None);
            }
            let start = rng.below(len - 1) as usize;
            let end = (start + 1 + rng.below(12) as usize).min(len as usize);
            let Ok((tx, id)) =
                tagging::tag_mention(p, doc, &[crate::model::Span::new(start, end)], &ty)
            else {
                return Ok(None);
            };
            let mut trial = p.clone();
            tx.apply(&mut trial)?;
            let note = core::set_note(&trial, doc, id, tok)?;
            let mut all = tx;
            all.edits.extend(note.edits);
            all
        }
        // Append the token to a note.
        30..=54 => {
            let Some(a) = ann else { return Ok(None) };
            core::set_note(p, doc, a.id, format!("{} {tok}", a.note).trim())?
        }
        // Delete an annotation no event or relation refers to (deleting a required role's
        // only filler leaves the event incomplete, which `check` reports; a person would
        // fill the role again — outside what this trial is about).
        55..=66 => {
            let Some(a) = ann else { return Ok(None) };
            let id = a.id.to_string();
            if d.annotations
                .values()
                .any(|o| o.id != a.id && format!("{:?}", o.body).contains(&id))
            {
                return Ok(None);
            }
            tagging::delete(p, doc, a.id)?
        }
        // Link a mention to a new entry named with the token.
        67..=76 => {
            let Some(a) = ann.filter(|a| a.as_mention().is_some()) else {
                return Ok(None);
            };
            tagging::create_entry_and_link(p, doc, a.id, &format!("Entry {tok}"), None)?.0
        }
        // Rename an entry (its old tokens go).
        77..=86 => {
            let entries: Vec<_> = p.registry.keys().copied().collect();
            if entries.is_empty() {
                return Ok(None);
            }
            let id = entries[rng.below(entries.len() as u64) as usize];
            registry::rename_entry(p, id, &format!("Renamed {tok}"), false)?
        }
        // Retitle a document (append the token).
        87..=94 => document::set_title(p, doc, &format!("{} {tok}", d.meta.title))?,
        // Add a document: a new source file in the project folder.
        _ => {
            let src = s.dir().join("sources").join(format!("{tok}.txt"));
            std::fs::create_dir_all(s.dir().join("sources"))?;
            std::fs::write(
                &src,
                format!("A letter {name} transcribed: {tok}.\nIt has a second line.\n"),
            )?;
            let mut new = crate::store::document_from_source(s.dir(), &src)?;
            new.meta.title = format!("Letter {tok}");
            Transaction::new("Add documents").with(crate::model::Edit::Document {
                before: None,
                after: Some(Box::new(new)),
            })
        }
    };
    Ok(Some(tx))
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

    #[test]
    fn tokens_are_found_whole() {
        let t = tokens_in("a tq-Alice-1-qt b tq-Alice-17-qt tq- broken tq-Bob-2-qt");
        let want: BTreeSet<String> = ["tq-Alice-1-qt", "tq-Alice-17-qt", "tq-Bob-2-qt"]
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(t, want);
    }

    #[test]
    fn a_writer_logs_what_it_saved_and_it_is_on_disk() {
        let tmp = tempfile::tempdir().unwrap();
        copy(&crate::cli::sample_project(), tmp.path());
        let log = tmp.path().join("alice.log");
        let o = WriterOptions {
            name: "Alice".into(),
            seed: 7,
            steps: 30,
            log: log.clone(),
            pause_ms: 0,
        };
        let sum = writer(tmp.path(), &o).unwrap();
        assert!(sum.saves >= 1 && sum.edits > 10, "{sum:?}");
        let text = std::fs::read_to_string(&log).unwrap();
        let saved: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("saved "))
            .collect();
        assert!(!saved.is_empty(), "{text}");
        let on_disk = project_tokens(&crate::store::load(tmp.path()).unwrap().project);
        for t in saved {
            let gone = text.lines().any(|l| l == format!("gone {t}"));
            assert!(gone || on_disk.contains(t), "{t} saved but not on disk");
        }
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
