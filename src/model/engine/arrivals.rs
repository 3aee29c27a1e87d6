//! Arrival times of a non-homogeneous Poisson process whose rate is a piecewise-linear load curve.
//!
//! Exact, by time change (Çinlar's method): if E₁, E₂, … are the points of a unit-rate Poisson process, then
//! Λ⁻¹(E₁), Λ⁻¹(E₂), … are the arrival times, where Λ(t) = ∫₀ᵗ rate is the cumulative rate. On a segment with
//! rate a + b·s (s the time into the segment) Λ is quadratic, b·s²/2 + a·s = m, and its inverse has the closed form
//! s = 2m / (a + √(a² + 2bm)), stable for any sign of b. No per-second discretisation, no thinning.

use crate::model::dist::{exp, rng, SimRng};
use crate::model::fmax;
use crate::model::load::LoadCurve;

/// Arrival times generated at a time by [`ArrivalStream`].
const BATCH: usize = 64;

/// The arrival times of a run, read one at a time from batches: the generator runs over a batch with its state in
/// registers, and the event loop reads the next time from the buffer, which is faster than a call of [`Arrivals::next`] per arrival
/// (docs/performance.md).
#[derive(Debug, Clone)]
pub struct ArrivalStream {
    gen: Arrivals,
    /// Arrivals have their own stream, so two scenarios that differ only in the platform see the same requests
    /// (common random numbers: their difference is the platform's, not the dice's).
    rng: SimRng,
    batch: Box<[f64; BATCH]>,
    /// Where the last time taken is in `batch`.
    pos: usize,
}

impl ArrivalStream {
    /// The arrivals of `curve` with the run's `seed`.
    pub fn new(curve: &LoadCurve, seed: u64) -> Self {
        ArrivalStream { gen: Arrivals::new(curve), rng: rng(seed, 2), batch: Box::new([0.0; BATCH]), pos: BATCH - 1 }
    }

    /// The next arrival time [s]; infinite after the end of the curve.
    #[inline(always)]
    pub fn take(&mut self) -> f64 {
        self.pos += 1;
        if self.pos == BATCH {
            self.gen.fill(&mut self.rng, &mut self.batch[..]);
            self.pos = 0;
        }
        self.batch[self.pos % BATCH]
    }
}

/// Generates arrival times [s] in increasing order.
#[derive(Debug, Clone)]
pub struct Arrivals {
    /// (start time, start rate, slope, mass) of each segment with positive mass.
    segs: Vec<(f64, f64, f64, f64)>,
    seg: usize,
    /// Cumulative rate consumed in the current segment [requests].
    used: f64,
    /// The mass of the segments before the current one, and of all [requests].
    passed: f64,
    total: f64,
    /// The share of the expected arrivals at which progress is reported next ([`crate::model::observe`]).
    next_report: f64,
}

impl Arrivals {
    /// Arrivals over the whole curve.
    pub fn new(curve: &LoadCurve) -> Self {
        let segs = curve
            .points()
            .windows(2)
            .filter_map(|w| {
                let (p, q) = (w[0], w[1]);
                let dt = q.t - p.t;
                let mass = 0.5 * (p.rate + q.rate) * dt;
                (mass > 0.0).then_some((p.t, p.rate, (q.rate - p.rate) / dt, mass))
            })
            .collect();
        let total = curve.expected_requests();
        Arrivals { segs, seg: 0, used: 0.0, passed: 0.0, total, next_report: 0.0 }
    }

    /// Reports the run's progress ([`crate::model::observe`]) as the share of the curve's expected arrivals
    /// generated so far (the work of the models that read their arrivals from here follows their requests), every
    /// 0.2 % of them, from [`Arrivals::fill`] (so the event loops stay as they were: a check per bin in the loops of
    /// the chain and the breaker made them 1–4 % slower in wasm, and a check beside the fill's call the engine's 2–4 %).
    #[inline]
    fn progressed(&mut self) {
        let done = self.done();
        if done >= self.next_report {
            crate::model::observe::report(done);
            self.next_report = done + 0.002;
        }
    }

    /// The share of the expected arrivals generated so far (0 ..= 1; 1 for a curve without any).
    fn done(&self) -> f64 {
        if self.total > 0.0 {
            ((self.passed + self.used) / self.total).min(1.0)
        } else {
            1.0
        }
    }

    /// Fills `buf` with the next arrival times [s] in order; past the end of the curve the rest is infinite. The
    /// same times as calls of [`Arrivals::next`], in batches: the event loop reads them from the buffer, and the
    /// generator's state stays in registers across a batch.
    #[inline(never)]
    pub fn fill(&mut self, rng: &mut SimRng, buf: &mut [f64]) {
        let mut i = 0;
        let mut e = exp(rng, 1.0);
        loop {
            let Some(&(t0, a, b, mass)) = self.segs.get(self.seg) else {
                buf[i..].fill(f64::INFINITY);
                return;
            };
            // This segment's times, until the buffer is full or a draw passes the segment's end; the same
            // operations as `next`, with the segment in registers.
            let mut used = self.used;
            while e < mass - used {
                used += e;
                buf[i] =
                    t0 + if b == 0.0 { used / a } else { 2.0 * used / (a + fmax(a * a + 2.0 * b * used, 0.0).sqrt()) };
                i += 1;
                if i == buf.len() {
                    self.used = used;
                    self.progressed();
                    return;
                }
                e = exp(rng, 1.0);
            }
            e -= mass - used;
            self.seg += 1;
            self.passed += mass;
            self.used = 0.0;
        }
    }

    /// The next arrival time [s], or `None` after the end of the curve.
    #[inline]
    pub fn next(&mut self, rng: &mut SimRng) -> Option<f64> {
        let mut e = exp(rng, 1.0);
        loop {
            let &(t0, a, b, mass) = self.segs.get(self.seg)?;
            let left = mass - self.used;
            if e < left {
                self.used += e;
                let m = self.used;
                let s = if b == 0.0 { m / a } else { 2.0 * m / (a + fmax(a * a + 2.0 * b * m, 0.0).sqrt()) };
                return Some(t0 + s);
            }
            e -= left;
            self.seg += 1;
            self.passed += mass;
            self.used = 0.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dist::rng;

    #[test]
    fn counts_follow_the_curve() {
        // Triangle: 0 → 100 req/s at 500 s → 0 at 1000 s; 50,000 expected, half in each half.
        let c = LoadCurve::from_pairs(&[(0.0, 0.0), (500.0, 100.0), (1000.0, 0.0)]).unwrap();
        let mut a = Arrivals::new(&c);
        let mut r = rng(11, 0);
        let (mut n, mut first_half, mut first_tenth, mut last) = (0u32, 0u32, 0u32, 0.0);
        while let Some(t) = a.next(&mut r) {
            assert!(t >= last && t <= 1000.0);
            last = t;
            n += 1;
            first_half += (t < 500.0) as u32;
            first_tenth += (t < 100.0) as u32;
        }
        // Poisson: sd = √50000 ≈ 224; 4 sd.
        assert!((n as f64 - 50_000.0).abs() < 900.0, "{n}");
        assert!((first_half as f64 - 25_000.0).abs() < 640.0, "{first_half}");
        // ∫₀¹⁰⁰ 0.2 t dt = 1000.
        assert!((first_tenth as f64 - 1000.0).abs() < 130.0, "{first_tenth}");
    }

    #[test]
    fn batches_give_the_times_of_single_calls() {
        // Ramps up and down, a flat stretch, an idle gap and the end, in batches of several sizes.
        let c = LoadCurve::from_pairs(&[
            (0.0, 5.0),
            (20.0, 80.0),
            (30.0, 80.0),
            (31.0, 0.0),
            (40.0, 0.0),
            (40.5, 30.0),
            (60.0, 1.0),
        ])
        .unwrap();
        let mut single = Arrivals::new(&c);
        let mut r = rng(7, 2);
        let expected: Vec<f64> = std::iter::from_fn(|| single.next(&mut r)).collect();
        assert!(expected.len() > 1000, "{}", expected.len());
        for size in [1, 3, 64] {
            let (mut batched, mut r, mut got) = (Arrivals::new(&c), rng(7, 2), Vec::new());
            let mut buf = vec![0.0; size];
            while got.last().is_none_or(|t: &f64| t.is_finite()) {
                batched.fill(&mut r, &mut buf);
                got.extend_from_slice(&buf);
            }
            let n = got.iter().position(|t| t.is_infinite()).unwrap();
            assert_eq!(n, expected.len(), "batch of {size}");
            assert!(got[..n].iter().zip(&expected).all(|(a, b)| a.to_bits() == b.to_bits()), "batch of {size}");
        }
    }

    #[test]
    fn zero_curve_has_no_arrivals_and_gaps_are_skipped() {
        let z = LoadCurve::constant(0.0, 100.0).unwrap();
        assert_eq!(Arrivals::new(&z).next(&mut rng(1, 0)), None);
        let gap =
            LoadCurve::from_pairs(&[(0.0, 10.0), (10.0, 10.0), (10.5, 0.0), (90.0, 0.0), (90.5, 10.0), (100.0, 10.0)])
                .unwrap();
        let mut a = Arrivals::new(&gap);
        let mut r = rng(2, 0);
        while let Some(t) = a.next(&mut r) {
            assert!(!(10.5..90.0).contains(&t), "no arrival in the idle gap: {t}");
        }
    }
}
