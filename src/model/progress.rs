//! How far a run is, for a progress bar: the models report the share of their run that is done, at coarse points
//! (a bin's worth of simulated time, a level of a sweep, a run of the fan-out or the availability Monte Carlo), and
//! a model made of several runs gives each its stage ([`stage`]), so the reports rise from 0 to 1 over the whole
//! run. The workers install a hook that passes them to the page (`public/worker.js`), which shows them instead of
//! an estimate from the last run's speed; without a hook (native tools, tests, the page's own short runs) a report
//! is a read of a thread-local and nothing more. Reports never change what a model computes.

use std::cell::Cell;

/// Told the share of the whole run that is done (0 ..= 1).
pub type Hook = fn(f64);

thread_local! {
    static HOOK: Cell<Option<Hook>> = const { Cell::new(None) };
    /// The part of the whole run the current stage covers: where it begins and how long it is (shares of the run).
    static SPAN: Cell<(f64, f64)> = const { Cell::new((0.0, 1.0)) };
}

/// Installs (or, with `None`, removes) the hook for this thread; returns the previous one.
pub fn set_hook(hook: Option<Hook>) -> Option<Hook> {
    SPAN.set((0.0, 1.0));
    HOOK.replace(hook)
}

/// Reports that the share `done` (0 ..= 1) of the current stage is done.
#[inline]
pub fn report(done: f64) {
    if let Some(h) = HOOK.get() {
        let (from, len) = SPAN.get();
        h(from + len * done.clamp(0.0, 1.0));
    }
}

/// Runs `f` as the share `from` ..= `to` (0 ..= 1) of the current stage: its reports are scaled into that share,
/// and its end is reported. Stages nest.
pub fn stage<R>(from: f64, to: f64, f: impl FnOnce() -> R) -> R {
    let outer = SPAN.get();
    SPAN.set((outer.0 + outer.1 * from, outer.1 * (to - from)));
    let r = f();
    SPAN.set(outer);
    report(to);
    r
}

/// Runs `f(i, item)` for each item as a stage of its own, the stages as long as the items' `weights`.
pub fn stages<T, R>(items: &[T], weights: &[f64], mut f: impl FnMut(usize, &T) -> R) -> Vec<R> {
    let total: f64 = weights.iter().sum();
    let mut done = 0.0;
    items
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let w = weights.get(i).copied().unwrap_or(0.0);
            let (from, to) = if total > 0.0 { (done / total, (done + w) / total) } else { (0.0, 1.0) };
            done += w;
            stage(from, to, || f(i, x))
        })
        .collect()
}

/// A run's progress through its bins of simulated time, each weighted by the work expected in it (its expected
/// requests, or more where a request costs more): with a spike in the load, simulated time alone would race through
/// the quiet stretch and stall in the spike. Built only when a hook is installed (a run in a worker).
pub struct ByBins(Vec<f64>);

impl ByBins {
    /// `nb` bins with the expected work `work(b)` in bin `b` (any unit).
    pub fn new(nb: usize, work: impl Fn(usize) -> f64) -> Self {
        if HOOK.get().is_none() {
            return ByBins(Vec::new());
        }
        let mut done = Vec::with_capacity(nb + 1);
        let mut sum = 0.0;
        for b in 0..nb {
            done.push(sum);
            sum += work(b).max(0.0);
        }
        done.push(sum);
        if sum > 0.0 {
            done.iter_mut().for_each(|x| *x /= sum);
        } else {
            // No expected work: simulated time it is.
            done.iter_mut().enumerate().for_each(|(b, x)| *x = b as f64 / nb.max(1) as f64);
        }
        ByBins(done)
    }

    /// Bins of the width `width` [s] weighted by the rate of `curve` at their middle.
    pub fn by_rate(curve: &crate::model::load::LoadCurve, width: f64, nb: usize) -> Self {
        Self::new(nb, |b| curve.rate_at((b as f64 + 0.5) * width))
    }

    /// Reports that the run has come to the start of bin `b` (past the last bin: its end).
    #[inline]
    pub fn reached(&self, b: usize) {
        if let Some(&x) = self.0.get(b).or(self.0.last()) {
            report(x);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static SEEN: std::cell::RefCell<Vec<f64>> = const { std::cell::RefCell::new(Vec::new()) };
    }

    fn record(done: f64) {
        SEEN.with_borrow_mut(|s| s.push(done));
    }

    #[test]
    fn stages_nest_and_scale_their_reports() {
        SEEN.with_borrow_mut(Vec::clear);
        set_hook(Some(record));
        stages(&[1, 2], &[1.0, 3.0], |_, &n| {
            for k in 1..=n {
                report(k as f64 / n as f64);
            }
        });
        set_hook(None);
        // First stage 0 ..= 0.25 (one report and its end), second 0.25 ..= 1 (two reports and its end).
        assert_eq!(SEEN.with_borrow(Vec::clone), vec![0.25, 0.25, 0.625, 1.0, 1.0]);
        report(0.5);
        assert_eq!(SEEN.with_borrow(Vec::len), 5, "no hook, no calls");
    }

    /// Every model reports from 0 to 1, rising, and reporting changes none of their outputs.
    #[test]
    fn every_model_reports_rising_to_the_end() {
        use crate::model::scenario::{ModelKind, Scenario};
        let load = crate::model::load::LoadCurve::from_pairs(&[(0.0, 20.0), (600.0, 40.0)]).unwrap();
        let s = Scenario { load, ..Scenario::default() };
        for kind in ModelKind::ALL.into_iter().filter(|k| *k != ModelKind::Validation) {
            let quiet = s.run(kind);
            SEEN.with_borrow_mut(Vec::clear);
            set_hook(Some(record));
            let reported = s.run(kind);
            set_hook(None);
            assert_eq!(quiet.to_bytes(), reported.to_bytes(), "{kind:?}: a report changed the output");
            let seen = SEEN.with_borrow(Vec::clone);
            assert!(seen.len() >= 3, "{kind:?} reports {seen:?}");
            assert!(seen.windows(2).all(|w| w[1] >= w[0] - 1e-12), "{kind:?} goes back: {seen:?}");
            assert!((seen.last().copied().unwrap_or(0.0) - 1.0).abs() < 1e-9, "{kind:?} ends below 1: {seen:?}");
            assert!(seen.iter().all(|x| (0.0..=1.0 + 1e-12).contains(x)), "{kind:?}: {seen:?}");
        }
    }
}
