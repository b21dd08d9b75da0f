//! Coefficients over coded units: observed agreement, Cohen's κ, Fleiss' κ and
//! Krippendorff's α (nominal), computed from counts so that two million units cost no more
//! than their tally. `docs/agreement.md` defines each number; `.ci/checks/agreement.sh`
//! checks them against `nltk.metrics.agreement.AnnotationTask` and the `krippendorff`
//! package on the same unit table.

/// What one document contributes: for each annotator, how often they gave each label; for
/// each pair of annotators, how often both gave the same label (by label). Annotators who
/// did not annotate the document are not `present` and have all-zero rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Tally {
    /// Annotators in the study.
    pub raters: usize,
    /// Labels (index 0 is "none").
    pub labels: usize,
    /// Which annotators annotated the document.
    pub present: Vec<bool>,
    /// Units (non-whitespace code points) of the document.
    pub units: u64,
    /// `raters × labels`: units each annotator gave each label.
    pub hist: Vec<u64>,
    /// `pairs × labels`: units on which both annotators of a pair gave that label.
    pub diag: Vec<u64>,
}

/// The pairs of `raters` annotators in order: (0,1), (0,2) … (1,2) …
pub fn pairs(raters: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for a in 0..raters {
        for b in a + 1..raters {
            out.push((a, b));
        }
    }
    out
}

impl Tally {
    pub fn new(raters: usize, labels: usize, present: Vec<bool>) -> Self {
        let npairs = raters * raters.saturating_sub(1) / 2;
        Self {
            raters,
            labels,
            present,
            units: 0,
            hist: vec![0; raters * labels],
            diag: vec![0; npairs * labels],
        }
    }

    pub fn hist(&self, rater: usize) -> &[u64] {
        &self.hist[rater * self.labels..(rater + 1) * self.labels]
    }

    pub fn diag(&self, pair: usize) -> &[u64] {
        &self.diag[pair * self.labels..(pair + 1) * self.labels]
    }

    /// Counts one unit; `labels[a]` is annotator `a`'s label (ignored when not present).
    pub fn add_unit(&mut self, labels: &[u16]) {
        self.units += 1;
        let k = self.labels;
        for (a, &l) in labels.iter().enumerate() {
            if self.present[a] {
                self.hist[a * k + l as usize] += 1;
            }
        }
        let mut p = 0;
        for a in 0..self.raters {
            for b in a + 1..self.raters {
                if self.present[a] && self.present[b] && labels[a] == labels[b] {
                    self.diag[p * k + labels[a] as usize] += 1;
                }
                p += 1;
            }
        }
    }

    /// The same units seen as "labelled `label`" (index 0) or "anything else" (index 1).
    pub fn binary(&self, label: usize) -> Tally {
        let mut out = Tally::new(self.raters, 2, self.present.clone());
        out.units = self.units;
        for a in 0..self.raters {
            if self.present[a] {
                let h = self.hist(a)[label];
                out.hist[a * 2] = h;
                out.hist[a * 2 + 1] = self.units - h;
            }
        }
        for (p, (a, b)) in pairs(self.raters).into_iter().enumerate() {
            if self.present[a] && self.present[b] {
                let both = self.diag(p)[label];
                let either = self.hist(a)[label] + self.hist(b)[label] - both;
                out.diag[p * 2] = both;
                out.diag[p * 2 + 1] = self.units - either;
            }
        }
        out
    }

    fn present_count(&self) -> usize {
        self.present.iter().filter(|p| **p).count()
    }
}

/// Observed agreement and Cohen's κ of one pair, over the units both annotated.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PairCoding {
    pub units: u64,
    pub observed: Option<f64>,
    pub kappa: Option<f64>,
}

/// Cohen's κ of the pair `pair` = (a, b) over the documents both annotated:
/// `(A_o − A_e) / (1 − A_e)`, `A_e = Σ_k (n_ak / N)(n_bk / N)`.
pub fn cohen<'t>(tallies: impl Iterator<Item = &'t Tally>, pair: usize) -> PairCoding {
    let mut n = 0u64;
    let mut agree = 0u64;
    let mut ha: Vec<u64> = Vec::new();
    let mut hb: Vec<u64> = Vec::new();
    for t in tallies {
        let (a, b) = pairs(t.raters)[pair];
        if !(t.present[a] && t.present[b]) {
            continue;
        }
        if ha.is_empty() {
            ha = vec![0; t.labels];
            hb = vec![0; t.labels];
        }
        n += t.units;
        agree += t.diag(pair).iter().sum::<u64>();
        for (k, (x, y)) in t.hist(a).iter().zip(t.hist(b)).enumerate() {
            ha[k] += x;
            hb[k] += y;
        }
    }
    if n == 0 {
        return PairCoding::default();
    }
    let nf = n as f64;
    let ao = agree as f64 / nf;
    let ae: f64 = ha
        .iter()
        .zip(&hb)
        .map(|(x, y)| (*x as f64 / nf) * (*y as f64 / nf))
        .sum();
    PairCoding {
        units: n,
        observed: Some(ao),
        kappa: ratio(ao - ae, 1.0 - ae),
    }
}

/// Observed agreement and Fleiss' κ over the units every annotator in `required` labelled.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Multi {
    pub units: u64,
    pub observed: Option<f64>,
    /// Fleiss' κ (1971): chance from the pooled label shares (nltk's `pi()`, "multi-π").
    pub kappa: Option<f64>,
    /// Davies & Fleiss (1982): chance as the mean over pairs of Cohen's chance agreement
    /// (nltk's `multi_kappa()`).
    pub davies_fleiss: Option<f64>,
}

/// Fleiss' κ over the documents where every annotator in `required` is present, counting
/// only their labels: `P̄ = mean over units of the share of agreeing annotator pairs`,
/// `P_e = Σ_k p_k²` with `p_k` the share of all their labels that are `k`.
pub fn fleiss<'t>(tallies: impl Iterator<Item = &'t Tally>, required: &[bool]) -> Multi {
    let r = required.iter().filter(|x| **x).count();
    if r < 2 {
        return Multi::default();
    }
    let mut n = 0u64;
    let mut agree = 0u64;
    let mut totals: Vec<u64> = Vec::new();
    // Each annotator's label counts over these units, for the pairwise chance agreement.
    let mut hists: Vec<Vec<u64>> = Vec::new();
    for t in tallies {
        if required.iter().zip(&t.present).any(|(q, p)| *q && !*p) {
            continue;
        }
        if totals.is_empty() {
            totals = vec![0; t.labels];
            hists = vec![vec![0; t.labels]; t.raters];
        }
        for (a, h) in hists.iter_mut().enumerate() {
            for (k, x) in t.hist(a).iter().enumerate() {
                h[k] += x;
            }
        }
        n += t.units;
        for (p, (a, b)) in pairs(t.raters).into_iter().enumerate() {
            if required[a] && required[b] {
                agree += t.diag(p).iter().sum::<u64>();
            }
        }
        for (a, _) in required.iter().enumerate().filter(|(_, q)| **q) {
            for (k, x) in t.hist(a).iter().enumerate() {
                totals[k] += x;
            }
        }
    }
    if n == 0 {
        return Multi::default();
    }
    let rf = r as f64;
    let p_bar = 2.0 * agree as f64 / (rf * (rf - 1.0) * n as f64);
    let all = n as f64 * rf;
    let pe: f64 = totals.iter().map(|x| (*x as f64 / all).powi(2)).sum();
    let nf = n as f64;
    let (mut ae_sum, mut npairs) = (0.0, 0u32);
    for (a, b) in pairs(required.len()) {
        if required[a] && required[b] {
            ae_sum += hists[a]
                .iter()
                .zip(&hists[b])
                .map(|(x, y)| (*x as f64 / nf) * (*y as f64 / nf))
                .sum::<f64>();
            npairs += 1;
        }
    }
    let ae_pairs = ae_sum / f64::from(npairs);
    Multi {
        units: n,
        observed: Some(p_bar),
        kappa: ratio(p_bar - pe, 1.0 - pe),
        davies_fleiss: ratio(p_bar - ae_pairs, 1.0 - ae_pairs),
    }
}

/// Krippendorff's α (nominal) over every unit labelled by at least two annotators (missing
/// labels allowed): `α = 1 − (n − 1) · Σ_u (m_u² − Σ_k n_uk²)/(m_u − 1) / (n² − Σ_k n_k²)`,
/// `n` the pairable labels, `m_u` the labels of unit `u`. `None` when fewer than two
/// labels occur (no disagreement is expected, so α is undefined).
pub fn krippendorff_alpha<'t>(tallies: impl Iterator<Item = &'t Tally>) -> Option<f64> {
    let mut n = 0u64;
    // Σ_u (m_u² − Σ_k n_uk²) grouped by m_u, so the sum stays in integers until the end.
    let mut by_m: Vec<u128> = Vec::new();
    let mut totals: Vec<u64> = Vec::new();
    for t in tallies {
        let m = t.present_count();
        if m < 2 || t.units == 0 {
            continue;
        }
        if totals.is_empty() {
            totals = vec![0; t.labels];
        }
        if by_m.len() <= m {
            by_m.resize(m + 1, 0);
        }
        n += t.units * m as u64;
        let agree: u64 = (0..t.diag.len() / t.labels.max(1))
            .map(|p| t.diag(p).iter().sum::<u64>())
            .sum();
        // Σ_k n_uk² summed over units = N·m + 2·(agreeing pairs).
        by_m[m] += u128::from(t.units) * (m * m - m) as u128 - 2 * u128::from(agree);
        for a in (0..t.raters).filter(|a| t.present[*a]) {
            for (k, x) in t.hist(a).iter().enumerate() {
                totals[k] += x;
            }
        }
    }
    let nf = n as f64;
    let d_o: f64 = by_m
        .iter()
        .enumerate()
        .filter(|(m, _)| *m >= 2)
        .map(|(m, s)| *s as f64 / (m - 1) as f64)
        .sum();
    let d_e = nf * nf - totals.iter().map(|x| (*x as f64).powi(2)).sum::<f64>();
    if n == 0 || d_e <= 0.0 {
        return None;
    }
    Some(1.0 - (nf - 1.0) * d_o / d_e)
}

/// `num / den`, or `None` when that is not a finite number.
pub(crate) fn ratio(num: f64, den: f64) -> Option<f64> {
    let r = num / den;
    r.is_finite().then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tally from a unit table: `rows[u][a]` is annotator a's label of unit u, `None` missing.
    fn tally(rows: &[Vec<Option<u16>>], labels: usize) -> Vec<Tally> {
        // One tally per distinct presence pattern, as documents would give.
        let raters = rows[0].len();
        let mut out: Vec<Tally> = Vec::new();
        for row in rows {
            let present: Vec<bool> = row.iter().map(Option::is_some).collect();
            let idx = match out.iter().position(|t| t.present == present) {
                Some(i) => i,
                None => {
                    out.push(Tally::new(raters, labels, present));
                    out.len() - 1
                }
            };
            let ls: Vec<u16> = row.iter().map(|l| l.unwrap_or(0)).collect();
            out[idx].add_unit(&ls);
        }
        out
    }

    #[test]
    fn cohen_matches_the_textbook_example() {
        // Cohen (1960)-style 2×2 table: yes/yes 20, yes/no 5, no/yes 10, no/no 15.
        let mut rows = Vec::new();
        rows.extend(std::iter::repeat_n(vec![Some(1), Some(1)], 20));
        rows.extend(std::iter::repeat_n(vec![Some(1), Some(0)], 5));
        rows.extend(std::iter::repeat_n(vec![Some(0), Some(1)], 10));
        rows.extend(std::iter::repeat_n(vec![Some(0), Some(0)], 15));
        let t = tally(&rows, 2);
        let c = cohen(t.iter(), 0);
        assert_eq!(c.units, 50);
        assert!((c.observed.unwrap() - 0.7).abs() < 1e-12);
        // A_e = 0.5·0.6 + 0.5·0.4 = 0.5 → κ = 0.4.
        assert!((c.kappa.unwrap() - 0.4).abs() < 1e-12);
    }

    #[test]
    fn fleiss_matches_the_wikipedia_example() {
        // Fleiss (1971) as on Wikipedia: 10 subjects, 14 raters, 5 categories; κ = 0.210.
        let table: [[u16; 5]; 10] = [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ];
        let rows: Vec<Vec<Option<u16>>> = table
            .iter()
            .map(|counts| {
                counts
                    .iter()
                    .enumerate()
                    .flat_map(|(k, n)| std::iter::repeat_n(Some(k as u16), *n as usize))
                    .collect()
            })
            .collect();
        let t = tally(&rows, 5);
        let f = fleiss(t.iter(), &[true; 14]);
        assert!((f.kappa.unwrap() - 0.209_930_704_3).abs() < 1e-9, "{f:?}");
    }

    #[test]
    fn alpha_matches_krippendorffs_example_with_missing_values() {
        // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", nominal data
        // with missing values: 4 coders, 12 units; α = 0.743.
        let x = None;
        let data: [[Option<u16>; 12]; 4] = [
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(1),
                Some(4),
                Some(1),
                Some(2),
                x,
                x,
                x,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(2),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                x,
                Some(3),
            ],
            [
                x,
                Some(3),
                Some(3),
                Some(3),
                Some(2),
                Some(3),
                Some(4),
                Some(2),
                Some(2),
                Some(5),
                Some(1),
                x,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(4),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                Some(1),
                x,
            ],
        ];
        let rows: Vec<Vec<Option<u16>>> = (0..12)
            .map(|u| (0..4).map(|c| data[c][u]).collect())
            .collect();
        let t = tally(&rows, 6);
        let a = krippendorff_alpha(t.iter()).unwrap();
        assert!((a - 0.743_421_052_6).abs() < 1e-9, "{a}");
    }

    #[test]
    fn binary_view_counts_the_label_against_everything_else() {
        let rows = vec![
            vec![Some(1), Some(1)],
            vec![Some(1), Some(2)],
            vec![Some(2), Some(2)],
            vec![Some(0), Some(1)],
        ];
        let t = &tally(&rows, 3)[0];
        let b = t.binary(1);
        assert_eq!(b.hist(0), &[2, 2]);
        assert_eq!(b.hist(1), &[2, 2]);
        // Both "1": unit 0; both "not 1": unit 2.
        assert_eq!(b.diag(0), &[1, 1]);
    }

    #[test]
    fn undefined_values_are_none() {
        let rows = vec![vec![Some(0), Some(0)], vec![Some(0), Some(0)]];
        let t = tally(&rows, 2);
        assert_eq!(cohen(t.iter(), 0).kappa, None);
        assert_eq!(krippendorff_alpha(t.iter()), None);
        assert_eq!(fleiss(t.iter(), &[true, true]).kappa, None);
    }
}
