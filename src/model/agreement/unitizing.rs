//! Krippendorff's α_u for unitizing (Krippendorff 1995; 2004, §12.4), computed as DKPro
//! Statistics' `KrippendorffAlphaUnitizingAgreement` computes it and INCEpTION reports it:
//! one continuum per document (its code points), each annotator's mentions of a category as
//! units, everything between them as gaps. `docs/agreement.md` writes the formulas out.

/// One unit: an annotator marked `[begin, begin + len)` as `category`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unit {
    pub rater: usize,
    pub category: usize,
    pub begin: u64,
    pub len: u64,
}

/// Observed and expected disagreement for one category.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CategoryDisagreement {
    pub category: usize,
    pub observed: f64,
    pub expected: f64,
}

impl CategoryDisagreement {
    /// `1 − D_o/D_e`; 0 when the two are equal (DKPro's convention); `None` when not finite.
    pub fn alpha(&self) -> Option<f64> {
        alpha_of(self.observed, self.expected)
    }
}

fn alpha_of(d_o: f64, d_e: f64) -> Option<f64> {
    if d_o == d_e {
        return Some(0.0);
    }
    super::coding::ratio(d_e - d_o, d_e)
}

/// A unitizing study of one continuum `[0, length)` by `raters` annotators.
#[derive(Clone, Debug)]
pub struct Study {
    pub length: u64,
    pub raters: usize,
    units: Vec<Unit>,
}

/// One stretch of an annotator's continuum for one category: a unit or the gap between two.
#[derive(Clone, Copy, Debug)]
struct Segment {
    begin: u64,
    end: u64,
    unit: bool,
}

impl Study {
    /// A study of the units given; per annotator and category, a unit that overlaps one
    /// before it (in order of start, longer first) is left out, as INCEpTION does, so each
    /// annotator's units of a category never overlap.
    pub fn new(length: u64, raters: usize, mut units: Vec<Unit>) -> Self {
        units.retain(|u| u.len > 0 && u.begin + u.len <= length);
        units.sort_by(|a, b| {
            (a.rater, a.category, a.begin, std::cmp::Reverse(a.len)).cmp(&(
                b.rater,
                b.category,
                b.begin,
                std::cmp::Reverse(b.len),
            ))
        });
        let mut kept = Vec::with_capacity(units.len());
        let mut last: Option<(usize, usize, u64)> = None;
        for u in units {
            // The furthest end of every earlier unit (kept or not) of this rater and category.
            let reach = match last {
                Some((r, c, end)) if r == u.rater && c == u.category => end,
                _ => 0,
            };
            if u.begin >= reach {
                kept.push(u);
            }
            last = Some((u.rater, u.category, reach.max(u.begin + u.len)));
        }
        Self {
            length,
            raters,
            units: kept,
        }
    }

    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// The categories that have at least one unit, in order.
    pub fn categories(&self) -> Vec<usize> {
        let mut c: Vec<usize> = self.units.iter().map(|u| u.category).collect();
        c.sort_unstable();
        c.dedup();
        c
    }

    /// Annotator `rater`'s continuum for `category`: units and gaps, in order, covering it.
    fn segments(&self, rater: usize, category: usize) -> Vec<Segment> {
        let mut out = Vec::new();
        let mut pos = 0;
        for u in self
            .units
            .iter()
            .filter(|u| u.rater == rater && u.category == category)
        {
            if u.begin > pos {
                out.push(Segment {
                    begin: pos,
                    end: u.begin,
                    unit: false,
                });
            }
            out.push(Segment {
                begin: u.begin,
                end: u.begin + u.len,
                unit: true,
            });
            pos = u.begin + u.len;
        }
        if pos < self.length {
            out.push(Segment {
                begin: pos,
                end: self.length,
                unit: false,
            });
        }
        out
    }

    /// Observed disagreement for `category`: over every pair of annotators and every pair
    /// of their segments that overlap, δ = (b₁−b₂)² + (e₁−e₂)² for two units, ℓ² for a unit
    /// lying wholly inside the other's gap, 0 otherwise; summed, times 2, divided by
    /// `R(R−1)L²`.
    pub fn observed(&self, category: usize) -> f64 {
        let r = self.raters;
        let l = self.length as f64;
        let mut sum = 0.0;
        let segs: Vec<Vec<Segment>> = (0..r).map(|x| self.segments(x, category)).collect();
        for r1 in 0..r {
            for r2 in r1 + 1..r {
                sum += pair_distance(&segs[r1], &segs[r2]);
            }
        }
        2.0 * sum / (r as f64 * (r as f64 - 1.0) * l * l)
    }

    /// Expected disagreement for `category` (Krippendorff 2004, as DKPro computes it):
    /// `2/L · Σ_units [(N_c − 1)·ℓ(ℓ−1)(2ℓ−1)/3 + ℓ²·Σ_{gaps g ≥ ℓ}(g − ℓ + 1)]
    ///  / (R·L·(R·L − 1) − Σ_units ℓ(ℓ−1))`, gaps of every annotator.
    pub fn expected(&self, category: usize) -> f64 {
        let r = self.raters as f64;
        let l = self.length as f64;
        let mut gaps: Vec<u64> = Vec::new();
        for x in 0..self.raters {
            gaps.extend(
                self.segments(x, category)
                    .iter()
                    .filter(|s| !s.unit)
                    .map(|s| s.end - s.begin),
            );
        }
        gaps.sort_unstable();
        // suffix[i] = Σ gaps[i..] and their count, for Σ_{g ≥ ℓ}(g − ℓ + 1).
        let mut suffix = vec![0u128; gaps.len() + 1];
        for i in (0..gaps.len()).rev() {
            suffix[i] = suffix[i + 1] + u128::from(gaps[i]);
        }
        let lens: Vec<u64> = self
            .units
            .iter()
            .filter(|u| u.category == category)
            .map(|u| u.len)
            .collect();
        let n_c = lens.len() as f64;
        let squared: f64 = lens.iter().map(|x| (*x as f64) * (*x as f64 - 1.0)).sum();
        let mut sum = 0.0;
        for &len in &lens {
            let lf = len as f64;
            let within = (n_c - 1.0) * (2.0 * lf * lf * lf - 3.0 * lf * lf + lf) / 3.0;
            let i = gaps.partition_point(|g| *g < len);
            let count = (gaps.len() - i) as u128;
            // Σ_{g ≥ ℓ} (g − ℓ + 1) = Σ g − (ℓ − 1)·count, exact in integers.
            let fits = suffix[i] - u128::from(len - 1) * count;
            sum += within + lf * lf * fits as f64;
        }
        sum * (2.0 / l) / (r * l * (r * l - 1.0) - squared)
    }

    /// Disagreements for every category with units.
    pub fn by_category(&self) -> Vec<CategoryDisagreement> {
        self.categories()
            .into_iter()
            .map(|c| CategoryDisagreement {
                category: c,
                observed: self.observed(c),
                expected: self.expected(c),
            })
            .collect()
    }

    /// α_u over all categories: `1 − mean D_o / mean D_e`; `None` without units, with fewer
    /// than two annotators or an empty continuum.
    pub fn alpha(&self) -> Option<f64> {
        let cats = self.by_category();
        if cats.is_empty() || self.raters < 2 || self.length == 0 {
            return None;
        }
        let n = cats.len() as f64;
        let d_o = cats.iter().map(|c| c.observed).sum::<f64>() / n;
        let d_e = cats.iter().map(|c| c.expected).sum::<f64>() / n;
        alpha_of(d_o, d_e)
    }

    /// The same continuum seen by two of its annotators only (renumbered 0 and 1).
    pub fn pair(&self, a: usize, b: usize) -> Study {
        let units = self
            .units
            .iter()
            .filter(|u| u.rater == a || u.rater == b)
            .map(|u| Unit {
                rater: usize::from(u.rater == b),
                ..*u
            })
            .collect();
        Study {
            length: self.length,
            raters: 2,
            units,
        }
    }
}

/// Σ δ over the overlapping segment pairs of two annotators' continua (both cover
/// `[0, L)`), walked together boundary by boundary.
fn pair_distance(s1: &[Segment], s2: &[Segment]) -> f64 {
    let (mut i, mut j) = (0, 0);
    let mut sum = 0.0;
    while i < s1.len() && j < s2.len() {
        let (a, b) = (s1[i], s2[j]);
        sum += delta(a, b);
        match a.end.cmp(&b.end) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

fn delta(a: Segment, b: Segment) -> f64 {
    let sq = |x: i128| (x * x) as f64;
    match (a.unit, b.unit) {
        (true, true) => {
            sq(i128::from(a.begin) - i128::from(b.begin))
                + sq(i128::from(a.end) - i128::from(b.end))
        }
        (true, false) if b.begin <= a.begin && a.end <= b.end => sq(i128::from(a.end - a.begin)),
        (false, true) if a.begin <= b.begin && b.end <= a.end => sq(i128::from(b.end - b.begin)),
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Krippendorff's (1995: 57) example as DKPro's tests build it: four categories, two
    /// annotators each, on a continuum of 24 stretched by `stretch`.
    fn example(stretch: f64) -> Study {
        let s = |x: f64| (x * stretch) as u64;
        let mut units = Vec::new();
        let mut add = |begin: f64, len: f64, rater: usize, category: usize| {
            units.push(Unit {
                rater,
                category,
                begin: s(begin),
                len: s(len),
            })
        };
        // A
        add(2., 8., 0, 0);
        add(14., 6., 0, 0);
        add(4., 4., 1, 0);
        add(15., 2., 1, 0);
        // B
        add(0., 18., 0, 1);
        for (b, l) in [
            (0., 2.),
            (2., 1.),
            (3., 1.),
            (4., 1.),
            (5., 1.),
            (6., 3.),
            (9., 1.),
        ] {
            add(b, l, 1, 1);
        }
        // C
        for (b, l) in [(2., 6.), (10., 2.), (14., 4.), (20., 2.)] {
            add(b, l, 0, 2);
        }
        for (b, l) in [(0., 2.), (4., 4.), (10., 4.), (16., 2.), (20., 2.)] {
            add(b, l, 1, 2);
        }
        // D
        for (b, l) in [(0., 2.), (2., 8.), (10., 4.), (14., 6.), (20., 4.)] {
            add(b, l, 0, 3);
        }
        for (b, l) in [(0., 4.), (4., 4.), (8., 7.), (15., 2.), (17., 7.)] {
            add(b, l, 1, 3);
        }
        Study::new(s(24.), 2, units)
    }

    #[test]
    fn observed_disagreement_matches_krippendorff_1995() {
        let st = example(1.0);
        let close = |x: f64, y: f64| (x - y).abs() < 1e-5;
        assert!(close(st.observed(0), 0.03125), "{}", st.observed(0));
        assert!(close(st.observed(1), 2.26736), "{}", st.observed(1));
        assert!(close(st.observed(2), 0.02777), "{}", st.observed(2));
        assert!(close(st.observed(3), 0.38715), "{}", st.observed(3));
    }

    #[test]
    fn expected_disagreement_and_alpha_match_krippendorff_1995() {
        // The published values are for a continuum long enough to be near-continuous.
        let st = example(1_200_000.0 / 24.0);
        let close = |x: f64, y: f64, tol: f64| (x - y).abs() < tol;
        let want = [
            (0.06990, 0.553),
            (1.17731, -0.926),
            (0.08642, 0.679),
            (0.41445, 0.066),
        ];
        for (c, (d_e, alpha)) in want.into_iter().enumerate() {
            assert!(close(st.expected(c), d_e, 0.005), "{c}: {}", st.expected(c));
            let a = CategoryDisagreement {
                category: c,
                observed: st.observed(c),
                expected: st.expected(c),
            }
            .alpha()
            .unwrap();
            assert!(close(a, alpha, 0.02), "{c}: {a}");
        }
    }

    #[test]
    fn varying_lengths_match_dkpro() {
        // DKPro's testVaryingLengths for category C.
        for (stretch, d_e) in [(0.5, 0.05494), (5.0, 0.08234), (50.0, 0.08600)] {
            let st = example(stretch);
            assert!((st.observed(2) - 0.02777).abs() < 1e-5);
            let tol = if stretch < 1.0 { 1e-5 } else { 0.005 };
            assert!(
                (st.expected(2) - d_e).abs() < tol,
                "{stretch}: {}",
                st.expected(2)
            );
        }
    }

    #[test]
    fn identical_unitizations_agree_fully() {
        let units = |r| {
            vec![
                Unit {
                    rater: r,
                    category: 0,
                    begin: 3,
                    len: 5,
                },
                Unit {
                    rater: r,
                    category: 1,
                    begin: 10,
                    len: 2,
                },
            ]
        };
        let mut all = units(0);
        all.extend(units(1));
        all.extend(units(2));
        let st = Study::new(40, 3, all);
        assert_eq!(st.alpha(), Some(1.0));
        assert_eq!(st.pair(0, 2).alpha(), Some(1.0));
    }

    #[test]
    fn overlapping_units_of_one_annotator_are_left_out_as_inception_does() {
        // [0,5) kept; [3,8) overlaps it; [6,9) overlaps the left-out [3,8) and goes too;
        // [9,12) starts where everything before ended and stays.
        let u = |begin, len| Unit {
            rater: 0,
            category: 0,
            begin,
            len,
        };
        let st = Study::new(20, 1, vec![u(0, 5), u(3, 5), u(6, 3), u(9, 3)]);
        assert_eq!(st.units(), &[u(0, 5), u(9, 3)]);
    }

    #[test]
    fn no_units_no_alpha() {
        assert_eq!(Study::new(10, 2, Vec::new()).alpha(), None);
    }
}
