//! Arrival times of a non-homogeneous Poisson process whose rate is a piecewise-linear load curve.
//!
//! Exact, by time change (Çinlar's method): if E₁, E₂, … are the points of a unit-rate Poisson process, then
//! Λ⁻¹(E₁), Λ⁻¹(E₂), … are the arrival times, where Λ(t) = ∫₀ᵗ rate is the cumulative rate. On a segment with
//! rate a + b·s (s the time into the segment) Λ is quadratic, b·s²/2 + a·s = m, and its inverse has the closed form
//! s = 2m / (a + √(a² + 2bm)), stable for any sign of b. No per-second discretisation, no thinning.

use crate::model::dist::{exp, SimRng};
use crate::model::load::LoadCurve;

/// Generates arrival times [s] in increasing order.
#[derive(Debug, Clone)]
pub struct Arrivals {
    /// (start time, start rate, slope, mass) of each segment with positive mass.
    segs: Vec<(f64, f64, f64, f64)>,
    seg: usize,
    /// Cumulative rate consumed in the current segment [requests].
    used: f64,
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
        Arrivals { segs, seg: 0, used: 0.0 }
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
                let s = if b == 0.0 { m / a } else { 2.0 * m / (a + (a * a + 2.0 * b * m).max(0.0).sqrt()) };
                return Some(t0 + s);
            }
            e -= left;
            self.seg += 1;
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
