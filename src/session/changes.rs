//! What each recent generation of a session touched, so that a view deriving data from the
//! project (the suggestion worker's copy) can follow an edit by the documents it touched
//! instead of looking at every document of the project.

use crate::model::Touched;
use std::collections::VecDeque;

/// How many generations are remembered; a view further behind looks at everything.
const KEPT: usize = 256;

/// The touched parts of the last [`KEPT`] generations. Derived, in memory only.
#[derive(Debug, Default)]
pub struct ChangeLog {
    /// (generation reached, what that change touched), oldest first.
    recent: VecDeque<(u64, Touched)>,
    /// Changes up to this generation are not known part by part (a merge from disk, or
    /// forgotten): asking about them answers `None`.
    floor: u64,
}

impl ChangeLog {
    /// `generation` was reached by a change that touched `touched`.
    pub fn record(&mut self, generation: u64, touched: Touched) {
        if self.recent.len() == KEPT
            && let Some((g, _)) = self.recent.pop_front()
        {
            self.floor = g;
        }
        self.recent.push_back((generation, touched));
    }

    /// `generation` was reached by a change whose parts are not listed (anything may
    /// have changed).
    pub fn record_unknown(&mut self, generation: u64) {
        self.recent.clear();
        self.floor = generation;
    }

    /// Everything touched after `since` up to now, or `None` when that is not known part
    /// by part (then the caller must look at everything).
    pub fn since(&self, since: u64) -> Option<Touched> {
        if since < self.floor {
            return None;
        }
        let mut all = Touched::default();
        for (g, t) in &self.recent {
            if *g > since {
                all.merge(t.clone());
            }
        }
        Some(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DocId;

    fn doc(n: u128) -> Touched {
        let mut t = Touched::default();
        t.docs.insert(DocId(uuid::Uuid::from_u128(n)));
        t
    }

    #[test]
    fn since_merges_what_came_after_and_not_before() {
        let mut log = ChangeLog::default();
        log.record(1, doc(1));
        log.record(2, doc(2));
        log.record(3, doc(3));
        let t = log.since(1).unwrap_or_default();
        assert_eq!(t.docs.len(), 2);
        assert!(!t.docs.contains(&DocId(uuid::Uuid::from_u128(1))));
        assert!(log.since(3).is_some_and(|t| t.is_empty()));
    }

    #[test]
    fn an_unknown_change_or_a_forgotten_one_answers_none() {
        let mut log = ChangeLog::default();
        log.record(1, doc(1));
        log.record_unknown(2);
        assert!(log.since(1).is_none());
        assert!(log.since(2).is_some_and(|t| t.is_empty()));
        for g in 3..(3 + KEPT as u64 + 1) {
            log.record(g, doc(g as u128));
        }
        assert!(log.since(2).is_none(), "generation 3 was forgotten");
        assert!(log.since(3).is_some());
    }
}
