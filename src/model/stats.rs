//! Streaming statistics: latency histograms with bounded relative error, and quantiles from them.
//!
//! The histogram is log-linear (as in HdrHistogram): each power of two is split into 64 equal buckets, so a value is
//! known to within 1/64 of itself and the bucket midpoint is within 0.79 % of any value in the bucket. Values from
//! 2⁻¹⁷ s (7.6 µs) to 2¹⁵ s (9.1 h) are resolved; smaller or larger values land in the end buckets (the exact
//! minimum and maximum are kept apart). Memory is fixed: 2,048 counters per histogram, whatever the number of values.

use serde::{Deserialize, Serialize};

const SUB_BITS: u32 = 6;
const SUB: usize = 1 << SUB_BITS;
const MIN_EXP: i32 = -17;
const MAX_EXP: i32 = 15;
/// Buckets per histogram.
pub const BUCKETS: usize = ((MAX_EXP - MIN_EXP) as usize) * SUB;

/// A latency histogram [s].
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    counts: Vec<u32>,
    n: u64,
    sum: f64,
    min: f64,
    max: f64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram { counts: vec![0; BUCKETS], n: 0, sum: 0.0, min: f64::INFINITY, max: 0.0 }
    }
}

#[inline(always)]
fn bucket(v: f64) -> usize {
    // Exponent and top mantissa bits straight from the IEEE-754 representation: as a signed integer shifted right,
    // sign, exponent and the top SUB_BITS of the mantissa in one number that grows with v, so the bucket is one
    // subtraction and a clamp (no branches). Zero, negatives and values below 2^MIN_EXP land in bucket 0, values from
    // 2^MAX_EXP up (and infinity) in the last.
    let top = (v.to_bits() as i64) >> (52 - SUB_BITS);
    (top - ((1023 + MIN_EXP as i64) << SUB_BITS)).clamp(0, BUCKETS as i64 - 1) as usize
}

fn bucket_mid(i: usize) -> f64 {
    let exp = (i / SUB) as i32 + MIN_EXP;
    let sub = (i % SUB) as f64;
    2f64.powi(exp) * (1.0 + (sub + 0.5) / SUB as f64)
}

impl Histogram {
    /// Records one value [s].
    #[inline(always)]
    pub fn record(&mut self, v: f64) {
        self.counts[bucket(v)] += 1;
        self.n += 1;
        self.sum += v;
        // Plain comparisons: recorded values are never NaN.
        self.min = if v < self.min { v } else { self.min };
        self.max = if v > self.max { v } else { self.max };
    }

    /// Adds another histogram's values.
    pub fn merge(&mut self, o: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        self.n += o.n;
        self.sum += o.sum;
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
    }

    /// The values of this histogram that are not in `part` (which holds a subset of them), given the exact
    /// smallest and largest of those values [s] (a histogram does not keep them per bucket).
    pub fn without(&self, part: &Histogram, min: f64, max: f64) -> Histogram {
        let mut h = Histogram {
            counts: self.counts.iter().zip(&part.counts).map(|(a, b)| a - b).collect(),
            n: self.n - part.n,
            sum: self.sum - part.sum,
            min,
            max,
        };
        if h.n == 0 {
            h = Histogram::default();
        }
        h
    }

    /// Number of values.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Mean [s] (0 when empty).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum / self.n as f64
        }
    }

    /// Largest value [s] (0 when empty).
    pub fn max(&self) -> f64 {
        self.max
    }

    /// The `q`-quantile (0 ≤ q ≤ 1) [s], within 0.79 % of the exact order statistic; 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.n as f64).ceil() as u64).max(1);
        if rank >= self.n {
            return self.max;
        }
        if rank == 1 {
            return self.min;
        }
        let mut seen = 0u64;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c as u64;
            if seen >= rank {
                // The top bucket also holds everything beyond the range: only the maximum is known there.
                return if i == BUCKETS - 1 { self.max } else { bucket_mid(i).clamp(self.min, self.max) };
            }
        }
        self.max
    }

    /// The usual summary of this histogram.
    pub fn percentiles(&self) -> Percentiles {
        Percentiles {
            count: self.n,
            mean: self.mean(),
            p50: self.quantile(0.5),
            p95: self.quantile(0.95),
            p99: self.quantile(0.99),
            max: self.max,
        }
    }
}

/// Latency summary [s].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    /// Number of requests.
    pub count: u64,
    /// Mean [s].
    pub mean: f64,
    /// Median [s].
    pub p50: f64,
    /// 95th percentile [s].
    pub p95: f64,
    /// 99th percentile [s].
    pub p99: f64,
    /// Maximum [s].
    pub max: f64,
}

/// Calls `f(bin, seconds)` for each of `n` bins of `width` seconds that `[a, b)` overlaps; the last bin takes
/// everything past it. The bin index advances explicitly, so rounding at an edge cannot stall the walk.
pub fn split_by_bins(a: f64, b: f64, width: f64, n: usize, mut f: impl FnMut(usize, f64)) {
    if b <= a || n == 0 {
        return;
    }
    let mut k = ((a / width) as usize).min(n - 1);
    let mut t = a;
    loop {
        let edge = if k + 1 >= n { b } else { ((k + 1) as f64 * width).min(b) };
        if edge > t {
            f(k, edge - t);
            t = edge;
        }
        if t >= b || k + 1 >= n {
            return;
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_leaves_the_other_values() {
        let (mut all, mut part, mut rest) = (Histogram::default(), Histogram::default(), Histogram::default());
        for k in 1..=1000 {
            let v = k as f64 * 0.01;
            all.record(v);
            if k % 7 == 0 {
                part.record(v)
            } else {
                rest.record(v)
            }
        }
        let got = all.without(&part, rest.min, rest.max);
        assert_eq!(got.counts, rest.counts);
        assert_eq!((got.n, got.min, got.max), (rest.n, rest.min, rest.max));
        assert!((got.sum - rest.sum).abs() < 1e-9);
        assert_eq!(all.without(&all, f64::INFINITY, 0.0), Histogram::default());
    }

    #[test]
    fn quantiles_within_one_percent_of_exact() {
        let mut h = Histogram::default();
        let mut xs: Vec<f64> = (1..=100_000).map(|i| 0.001 * (i as f64).powf(1.3)).collect();
        for &x in &xs {
            h.record(x);
        }
        xs.sort_by(f64::total_cmp);
        for q in [0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0] {
            let exact = xs[((q * xs.len() as f64).ceil() as usize).max(1) - 1];
            let est = h.quantile(q);
            assert!((est - exact).abs() <= 0.01 * exact, "q={q}: {est} vs {exact}");
        }
        assert_eq!(h.count(), 100_000);
        assert_eq!(h.max(), xs[xs.len() - 1]);
    }

    #[test]
    fn splitting_by_bins_covers_the_interval_once() {
        let mut got = vec![0.0; 4];
        split_by_bins(0.5, 3.7, 1.0, 4, |k, dt| got[k] += dt);
        assert_eq!(got, vec![0.5, 1.0, 1.0, 0.7000000000000002]);
        let mut total = 0.0;
        split_by_bins(9.0, 100.0, 1.0, 4, |k, dt| {
            assert_eq!(k, 3);
            total += dt;
        });
        assert_eq!(total, 91.0);
        // An edge where t / width rounds down must not stall.
        let w = 0.1;
        let a = 3.0 * w;
        let mut n = 0;
        split_by_bins(a, a + 0.25, w, 10, |_, _| n += 1);
        assert!(n <= 4);
    }

    #[test]
    fn edges_and_merge() {
        let mut h = Histogram::default();
        assert_eq!(h.quantile(0.5), 0.0);
        h.record(0.0);
        h.record(1e-9);
        h.record(1e9);
        // Beyond the top bucket the maximum is still exact.
        assert_eq!(h.quantile(1.0), 1e9);
        assert_eq!(h.quantile(0.0), 0.0);
        let mut g = Histogram::default();
        g.record(2.0);
        g.merge(&h);
        assert_eq!(g.count(), 4);
        assert_eq!(g.percentiles().max, 1e9);
    }

    /// The bucket by exponent and mantissa bits, written out with branches: what the branch-free `bucket` must equal.
    fn bucket_by_parts(v: f64) -> usize {
        let bits = v.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i32 - 1023;
        if exp < MIN_EXP || v <= 0.0 {
            return 0;
        }
        if exp >= MAX_EXP {
            return BUCKETS - 1;
        }
        ((exp - MIN_EXP) as usize) * SUB + ((bits >> (52 - SUB_BITS)) & (SUB as u64 - 1)) as usize
    }

    #[test]
    fn branch_free_bucket_equals_the_bucket_by_parts() {
        let edges = [0.0, -0.0, -1.0, f64::MIN_POSITIVE, 1e-300, 2f64.powi(MIN_EXP), 2f64.powi(MAX_EXP), f64::INFINITY];
        let mut r = crate::model::dist::rng(9, 0);
        let spread = (0..100_000).map(|_| 10f64.powf(rand::Rng::random_range(&mut r, -8.0..7.0)));
        for v in edges.into_iter().chain(spread) {
            assert_eq!(bucket(v), bucket_by_parts(v), "{v}");
            let (below, above) = (f64::from_bits(v.to_bits().wrapping_sub(1)), f64::from_bits(v.to_bits() + 1));
            if v > 0.0 && v.is_finite() {
                assert_eq!((bucket(below), bucket(above)), (bucket_by_parts(below), bucket_by_parts(above)), "{v}");
            }
        }
    }
}
