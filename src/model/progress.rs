//! How far a run is, for a progress bar: the models report the share of their run that is done, at coarse points
//! (every 0.2 % of the expected arrivals, from the arrival stream the engine, the chain and the breaker read; each
//! run of the fan-out sweep and of the availability Monte Carlo), and a model made of several runs gives each its
//! stage ([`stage`]: a level of the provisioned sweep, a run of the chain, a variant of the breaker), so the reports
//! rise from 0 to 1 over the whole run. The workers install a hook that passes them to the page
//! (`public/worker.js`), which shows them instead of an estimate from the last run's speed; without a hook (native
//! tools, tests, the page's own short runs) a report is a read of a thread-local and nothing more. Reports never
//! change what a model computes.

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

/// The share `from ..= to` (0 ..= 1) of the current stage, until the returned guard is dropped: the reports made
/// meanwhile are scaled into it, and its end is reported when the guard is dropped. Stages nest. (A guard, not a
/// closure: wrapping the breaker's runs in closures made them 1.5–2 % slower in wasm.)
#[must_use = "the stage ends when the guard is dropped"]
pub fn stage(from: f64, to: f64) -> Stage {
    let outer = SPAN.get();
    SPAN.set((outer.0 + outer.1 * from, outer.1 * (to - from)));
    Stage { outer, to }
}

/// A stage under way ([`stage`]).
pub struct Stage {
    outer: (f64, f64),
    to: f64,
}

impl Drop for Stage {
    fn drop(&mut self) {
        SPAN.set(self.outer);
        report(self.to);
    }
}

/// Consecutive stages as long as `weights`: the share `from ..= to` of each (all the whole if no weight is positive).
pub fn spans(weights: &[f64]) -> Vec<(f64, f64)> {
    let total: f64 = weights.iter().sum();
    let mut done = 0.0;
    weights
        .iter()
        .map(|&w| {
            let span = if total > 0.0 { (done / total, (done + w) / total) } else { (0.0, 1.0) };
            done += w;
            span
        })
        .collect()
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
        for (n, (from, to)) in [1, 2].into_iter().zip(spans(&[1.0, 3.0])) {
            let _stage = stage(from, to);
            for k in 1..=n {
                report(k as f64 / n as f64);
            }
        }
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
            let quiet = kind.run(&s);
            SEEN.with_borrow_mut(Vec::clear);
            set_hook(Some(record));
            let reported = kind.run(&s);
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
