//! Agreement on spans, links, relations and event roles between two annotators' versions of
//! one document: precision, recall and F1 of one against the other, exact and overlapping.

use super::Version;
use crate::model::{AnnId, Annotation, Body, EntryId, Span, Target};
use serde::Serialize;

/// A mention reduced to what is compared: its label (type index, from 1) and fragments.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mention<'a> {
    pub label: u16,
    pub fragments: &'a [Span],
    pub entry: Option<EntryId>,
}

/// Counts of one type between annotators a and b.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SpanCounts {
    /// Mentions of a, of b.
    pub a: u64,
    pub b: u64,
    /// Mentions of a with a mention of b of the same type and the same spans (paired one to
    /// one).
    pub exact: u64,
    /// Mentions of a that share a code point with a mention of b of the same type; and of b
    /// with one of a.
    pub overlap_a: u64,
    pub overlap_b: u64,
}

impl SpanCounts {
    pub fn add(&mut self, o: &SpanCounts) {
        self.a += o.a;
        self.b += o.b;
        self.exact += o.exact;
        self.overlap_a += o.overlap_a;
        self.overlap_b += o.overlap_b;
    }

    /// Precision, recall and F1 of a against b, exact.
    pub fn exact(&self) -> Prf {
        Prf::new(self.exact, self.a, self.exact, self.b)
    }

    /// Precision, recall and F1 of a against b, overlapping.
    pub fn overlap(&self) -> Prf {
        Prf::new(self.overlap_a, self.a, self.overlap_b, self.b)
    }
}

/// Precision, recall and F1; `None` where a denominator is 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Prf {
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
}

impl Prf {
    fn new(hit_a: u64, a: u64, hit_b: u64, b: u64) -> Self {
        let frac = |x: u64, n: u64| (n > 0).then(|| x as f64 / n as f64);
        let precision = frac(hit_a, a);
        let recall = frac(hit_b, b);
        let f1 = match (precision, recall) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            (Some(_), Some(_)) => Some(0.0),
            // One side has nothing: F1 is 0 when the other has something, undefined when
            // neither has.
            _ if a + b > 0 => Some(0.0),
            _ => None,
        };
        Self {
            precision,
            recall,
            f1,
        }
    }
}

/// Registry links of the mentions both annotated alike (same type, same spans).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LinkCounts {
    /// Pairs of such mentions where at least one is linked to a registry entry.
    pub linked: u64,
    /// Of those, pairs linked to the same entry.
    pub same: u64,
}

impl LinkCounts {
    pub fn add(&mut self, o: &LinkCounts) {
        self.linked += o.linked;
        self.same += o.same;
    }
}

/// Events (same type and trigger spans) and their roles; relations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FrameCounts {
    /// Events with a trigger, of a and of b, and those matched (same type, same trigger).
    pub events_a: u64,
    pub events_b: u64,
    pub events_matched: u64,
    /// (role, filler) pairs of the matched events, of a, of b and in both.
    pub roles_a: u64,
    pub roles_b: u64,
    pub roles_both: u64,
    /// Relations of a, of b and in both (same type, same ends).
    pub relations_a: u64,
    pub relations_b: u64,
    pub relations_both: u64,
}

impl FrameCounts {
    pub fn add(&mut self, o: &FrameCounts) {
        self.events_a += o.events_a;
        self.events_b += o.events_b;
        self.events_matched += o.events_matched;
        self.roles_a += o.roles_a;
        self.roles_b += o.roles_b;
        self.roles_both += o.roles_both;
        self.relations_a += o.relations_a;
        self.relations_b += o.relations_b;
        self.relations_both += o.relations_both;
    }
}

/// Everything compared between two annotators in one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct PairCounts {
    /// By label (index 0, "none", stays empty).
    pub spans: Vec<SpanCounts>,
    pub links: LinkCounts,
    pub frames: FrameCounts,
}

impl PairCounts {
    pub fn add(&mut self, o: &PairCounts) {
        if self.spans.len() < o.spans.len() {
            self.spans.resize(o.spans.len(), SpanCounts::default());
        }
        for (x, y) in self.spans.iter_mut().zip(&o.spans) {
            x.add(y);
        }
        self.links.add(&o.links);
        self.frames.add(&o.frames);
    }
}

/// How many items two sorted lists share, counting duplicates once per pair; calls `pair`
/// for each matched pair of indexes.
fn matched<K: Ord>(a: &[K], b: &[K], mut pair: impl FnMut(usize, usize)) -> u64 {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                pair(i, j);
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

fn overlaps(x: &[Span], y: &[Span]) -> bool {
    x.iter().any(|s| y.iter().any(|t| s.overlaps(t)))
}

/// Compares the mentions of a and b (already filtered to the types studied).
pub(crate) fn compare_mentions(
    a: &[Mention],
    b: &[Mention],
    labels: usize,
) -> (Vec<SpanCounts>, LinkCounts) {
    let mut spans = vec![SpanCounts::default(); labels];
    type Keyed<'m> = ((u16, &'m [Span]), Option<EntryId>);
    let mut ka: Vec<Keyed> = a
        .iter()
        .map(|m| ((m.label, m.fragments), m.entry))
        .collect();
    let mut kb: Vec<Keyed> = b
        .iter()
        .map(|m| ((m.label, m.fragments), m.entry))
        .collect();
    ka.sort();
    kb.sort();
    for m in a {
        spans[m.label as usize].a += 1;
    }
    for m in b {
        spans[m.label as usize].b += 1;
    }
    let mut links = LinkCounts::default();
    let ka_keys: Vec<(u16, &[Span])> = ka.iter().map(|(k, _)| *k).collect();
    let kb_keys: Vec<(u16, &[Span])> = kb.iter().map(|(k, _)| *k).collect();
    matched(&ka_keys, &kb_keys, |i, j| {
        spans[ka[i].0.0 as usize].exact += 1;
        let (ea, eb) = (ka[i].1, kb[j].1);
        if ea.is_some() || eb.is_some() {
            links.linked += 1;
            if ea == eb {
                links.same += 1;
            }
        }
    });
    for m in a {
        if b.iter()
            .any(|o| o.label == m.label && overlaps(m.fragments, o.fragments))
        {
            spans[m.label as usize].overlap_a += 1;
        }
    }
    for m in b {
        if a.iter()
            .any(|o| o.label == m.label && overlaps(m.fragments, o.fragments))
        {
            spans[m.label as usize].overlap_b += 1;
        }
    }
    (spans, links)
}

/// What a role filler or relation end is, comparable across versions.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum End {
    /// A mention or a triggered event: its type and spans.
    Text(String, Vec<Span>),
    /// An event without a trigger: its type only.
    Untriggered(String),
    Entry(EntryId),
    Missing,
}

fn end_of(version: &Version, target: &Target) -> End {
    match target {
        Target::Entry(e) => End::Entry(*e),
        Target::Annotation(id) => match version.get(*id) {
            Some(a) => match (&a.body, a.anchor()) {
                (Body::Event(e), None) => End::Untriggered(e.type_id.0.clone()),
                (_, Some(anchor)) => End::Text(a.type_id().0.clone(), anchor.fragments.clone()),
                (_, None) => End::Missing,
            },
            None => End::Missing,
        },
    }
}

/// Events with a trigger as (type, trigger spans) with their (role, filler) pairs.
type Frame = ((String, Vec<Span>), Vec<(String, End)>);

fn frames(version: &Version) -> Vec<Frame> {
    let mut out: Vec<Frame> = version
        .annotations
        .iter()
        .filter_map(|a| {
            let ev = a.as_event()?;
            let trigger = ev.trigger.as_ref()?;
            let mut roles: Vec<(String, End)> = ev
                .roles
                .iter()
                .flat_map(|(role, fillers)| {
                    fillers
                        .iter()
                        .map(move |t| (role.0.clone(), end_of(version, t)))
                })
                .collect();
            roles.sort();
            Some(((ev.type_id.0.clone(), trigger.fragments.clone()), roles))
        })
        .collect();
    out.sort();
    out
}

fn relations(version: &Version) -> Vec<(String, End, End)> {
    let mut out: Vec<(String, End, End)> = version
        .annotations
        .iter()
        .filter_map(|a| {
            let r = a.as_relation()?;
            Some((
                r.type_id.0.clone(),
                end_of(version, &r.from),
                end_of(version, &r.to),
            ))
        })
        .collect();
    out.sort();
    out
}

/// Compares the events (by type and trigger, then their roles) and relations of a and b.
pub(crate) fn compare_frames(a: &Version, b: &Version) -> FrameCounts {
    let (fa, fb) = (frames(a), frames(b));
    let mut c = FrameCounts {
        events_a: fa.len() as u64,
        events_b: fb.len() as u64,
        ..FrameCounts::default()
    };
    let keys_a: Vec<&(String, Vec<Span>)> = fa.iter().map(|(k, _)| k).collect();
    let keys_b: Vec<&(String, Vec<Span>)> = fb.iter().map(|(k, _)| k).collect();
    let mut role_pairs = Vec::new();
    c.events_matched = matched(&keys_a, &keys_b, |i, j| role_pairs.push((i, j)));
    for (i, j) in role_pairs {
        let (ra, rb) = (&fa[i].1, &fb[j].1);
        c.roles_a += ra.len() as u64;
        c.roles_b += rb.len() as u64;
        c.roles_both += matched(ra, rb, |_, _| {});
    }
    let (ra, rb) = (relations(a), relations(b));
    c.relations_a = ra.len() as u64;
    c.relations_b = rb.len() as u64;
    c.relations_both = matched(&ra, &rb, |_, _| {});
    c
}

impl Version<'_> {
    pub(crate) fn get(&self, id: AnnId) -> Option<&Annotation> {
        self.all.get(&id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(v: &[(usize, usize)]) -> Vec<Span> {
        v.iter().map(|(s, e)| Span::new(*s, *e)).collect()
    }

    #[test]
    fn exact_and_overlapping_matches_per_type() {
        let (f1, f2, f3, f4) = (
            sp(&[(0, 5)]),
            sp(&[(0, 4)]),
            sp(&[(10, 12)]),
            sp(&[(20, 22)]),
        );
        let e = EntryId::new();
        let a = [
            Mention {
                label: 1,
                fragments: &f1,
                entry: Some(e),
            },
            Mention {
                label: 1,
                fragments: &f3,
                entry: None,
            },
            Mention {
                label: 2,
                fragments: &f4,
                entry: None,
            },
        ];
        let b = [
            Mention {
                label: 1,
                fragments: &f1,
                entry: Some(e),
            },
            Mention {
                label: 1,
                fragments: &f2,
                entry: None,
            },
            Mention {
                label: 2,
                fragments: &f3,
                entry: None,
            },
        ];
        let (spans, links) = compare_mentions(&a, &b, 3);
        assert_eq!(
            spans[1],
            SpanCounts {
                a: 2,
                b: 2,
                exact: 1,
                overlap_a: 1,
                overlap_b: 2
            }
        );
        assert_eq!(
            spans[2],
            SpanCounts {
                a: 1,
                b: 1,
                exact: 0,
                overlap_a: 0,
                overlap_b: 0
            }
        );
        assert_eq!(links, LinkCounts { linked: 1, same: 1 });
        let p = spans[1].overlap();
        assert_eq!(p.precision, Some(0.5));
        assert_eq!(p.recall, Some(1.0));
        assert!((p.f1.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(spans[1].exact().f1, Some(0.5));
        assert_eq!(SpanCounts::default().exact().f1, None);
    }
}
