//! What a view opened at start (`--view NAME`) shows before anyone typed: the concordance of
//! the most-mentioned registry entry and the question "meetings that X attended" for the
//! person with the most meeting links, answered. Only empty fields are filled.

use super::Views;
use crate::model::{EntryId, Project};
use crate::views::network::{EdgeKind, Network, NetworkFilter};
use crate::views::query::answer;
use crate::views::{Actor, Index};

/// The registry entry with the most links in the project's network — counting only edges
/// of `kind` when given — people first; ties go to the earlier node (the network's order is
/// deterministic).
pub fn most_linked_entry(p: &Project, index: &Index, kind: Option<&EdgeKind>) -> Option<EntryId> {
    let net = Network::build(p, index, &NetworkFilter::default());
    let mut degree = vec![0usize; net.nodes.len()];
    for e in net
        .edges
        .iter()
        .filter(|e| kind.is_none_or(|k| *k == e.kind))
    {
        for n in [e.source, e.target] {
            if let Some(d) = degree.get_mut(n) {
                *d += e.weight;
            }
        }
    }
    let mut best: Option<(bool, usize, EntryId)> = None;
    for (n, &d) in net.nodes.iter().zip(&degree) {
        let Actor::Entry(id) = n.actor else { continue };
        let person = n.type_id.as_str() == "person";
        if d > 0 && best.is_none_or(|(bp, bd, _)| (person, d) > (bp, bd)) {
            best = Some((person, d, id));
        }
    }
    best.map(|(_, _, id)| id)
}

impl Views {
    /// Fills the empty concordance and question fields with the most-linked entry and asks
    /// the question; fields someone already filled stay as they are.
    pub(super) fn fill_defaults(&mut self, p: &Project, index: &Index) {
        let name = |kind: Option<&EdgeKind>| {
            most_linked_entry(p, index, kind)
                .and_then(|id| p.registry.get(&id))
                .map(|e| e.name.clone())
        };
        // The most-mentioned entry (the first by id among equals).
        let most_mentioned = p
            .mention_counts()
            .into_iter()
            .fold(None, |best: Option<(EntryId, usize)>, (id, n)| match best {
                Some((_, b)) if b >= n => best,
                _ => Some((id, n)),
            })
            .and_then(|(id, _)| p.registry.get(&id))
            .map(|e| e.name.clone());
        if self.concordance.entry.trim().is_empty()
            && let Some(n) = most_mentioned.or_else(|| name(None))
        {
            self.concordance.entry = n;
        }
        let q = &mut self.query;
        if q.entry.trim().is_empty()
            && q.event_type.is_none()
            && q.answer.is_none()
            && let Some(n) = name(Some(&EdgeKind::Meeting)).or_else(|| name(None))
        {
            q.entry = n;
            if let Some(t) = p
                .schema
                .event_types
                .iter()
                .find(|t| t.id.as_str() == "meeting")
            {
                q.event_type = Some(t.id.clone());
                q.role = t
                    .roles
                    .iter()
                    .find(|r| r.id.as_str() == "participant")
                    .map(|r| r.id.clone());
            }
            q.answer = Some(q.question(p).map(|x| answer(p, index, &x)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::find_entry;

    #[test]
    fn the_sample_fills_concordance_and_question_with_a_person() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
        let s = crate::session::Session::open(&dir).expect("the sample project opens");
        let p = &s.project;
        let index = Index::build(p);
        let id = most_linked_entry(p, &index, None).expect("the sample has linked entries");
        let e = p.registry.get(&id).expect("entry");
        assert_eq!(e.type_id.as_str(), "person", "{}", e.name);
        let counts = p.mention_counts();
        let most = counts.values().max().copied().expect("mentions");
        let m = most_linked_entry(p, &index, Some(&EdgeKind::Meeting)).expect("a participant");
        let m = p.registry.get(&m).expect("entry");
        let mut v = Views::default();
        v.fill_defaults(p, &index);
        let c = find_entry(p, &v.concordance.entry).expect("the concordance names an entry");
        assert_eq!(counts.get(&c), Some(&most), "{}", v.concordance.entry);
        assert_eq!(v.query.entry, m.name);
        let hits = match &v.query.answer {
            Some(Ok(h)) => h,
            other => panic!("no answer: {other:?}"),
        };
        assert!(!hits.is_empty(), "{} attended no meeting", m.name);
        // Filled fields stay.
        v.concordance.entry = "Filippov".into();
        v.fill_defaults(p, &index);
        assert_eq!(v.concordance.entry, "Filippov");
    }
}
