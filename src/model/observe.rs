//! One observer for a run: a model reports how far its run is ([`report`], scaled into its [`stage`]s) and where
//! the analysis of what its events left begins and ends ([`analyse`]). The page and the workers install an
//! [`Observer`] for a run ([`watch`]) that turns these into a progress bar and User Timing measures; without one
//! (native tools, tests, a run nobody watches) a report is a read of a thread-local and nothing more. Reports come at
//! coarse points (every 0.2 % of the expected arrivals, each run of a sweep or a Monte Carlo, never inside an event
//! loop) and never change what a model computes.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Watches a run ([`watch`]). Both methods do nothing unless overridden.
pub trait Observer {
    /// The share of the whole run that is done (0 ..= 1), rising.
    fn progress(&self, _done: f64) {}
    /// An analysis of the run's events begins (`true`) or ends (`false`).
    fn analysis(&self, _begins: bool) {}
}

thread_local! {
    static OBSERVER: RefCell<Option<Rc<dyn Observer>>> = const { RefCell::new(None) };
    /// The part of the whole run the current stage covers: where it begins and how long it is (shares of the run).
    static SPAN: Cell<(f64, f64)> = const { Cell::new((0.0, 1.0)) };
}

/// Runs `run` with `observer` told its progress and analyses (the previous observer, if any, comes back after).
pub fn watch<T>(observer: Rc<dyn Observer>, run: impl FnOnce() -> T) -> T {
    let before = OBSERVER.replace(Some(observer));
    let span = SPAN.replace((0.0, 1.0));
    let out = run();
    OBSERVER.set(before);
    SPAN.set(span);
    out
}

fn tell(f: impl FnOnce(&dyn Observer)) {
    OBSERVER.with_borrow(|o| {
        if let Some(o) = o {
            f(o.as_ref())
        }
    });
}

/// Reports that the share `done` (0 ..= 1) of the current stage is done.
#[inline]
pub fn report(done: f64) {
    let (from, len) = SPAN.get();
    tell(|o| o.progress(from + len * done.clamp(0.0, 1.0)));
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

/// The analysis of a run, from now until the returned guard is dropped.
#[must_use = "the analysis ends when the guard is dropped"]
pub fn analyse() -> Analysis {
    tell(|o| o.analysis(true));
    Analysis
}

/// An analysis under way ([`analyse`]).
pub struct Analysis;

impl Drop for Analysis {
    fn drop(&mut self) {
        tell(|o| o.analysis(false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scenario::{ModelKind, Scenario};

    /// What an observer was told: progress as a number, an analysis's begin and end as +1 and −1.
    #[derive(Default)]
    struct Record(RefCell<Vec<f64>>, RefCell<Vec<bool>>);

    impl Observer for Record {
        fn progress(&self, done: f64) {
            self.0.borrow_mut().push(done);
        }
        fn analysis(&self, begins: bool) {
            self.1.borrow_mut().push(begins);
        }
    }

    fn watched<T>(run: impl FnOnce() -> T) -> (T, Vec<f64>, Vec<bool>) {
        let r = Rc::new(Record::default());
        let out = watch(r.clone(), run);
        let (p, a) = (r.0.borrow().clone(), r.1.borrow().clone());
        (out, p, a)
    }

    #[test]
    fn stages_nest_and_scale_their_reports() {
        let ((), seen, _) = watched(|| {
            for (n, (from, to)) in [1, 2].into_iter().zip(spans(&[1.0, 3.0])) {
                let _stage = stage(from, to);
                for k in 1..=n {
                    report(k as f64 / n as f64);
                }
            }
        });
        // First stage 0 ..= 0.25 (one report and its end), second 0.25 ..= 1 (two reports and its end).
        assert_eq!(seen, vec![0.25, 0.25, 0.625, 1.0, 1.0]);
        // Nobody watching: nothing is told, and nothing fails.
        report(0.5);
        let _ = analyse();
    }

    /// Every model reports from 0 to 1, rising, marks its analyses in begin/end pairs, and being watched changes
    /// none of its outputs.
    #[test]
    fn every_model_reports_rising_to_the_end_and_marks_its_analyses() {
        let load = crate::model::load::LoadCurve::from_pairs(&[(0.0, 20.0), (600.0, 40.0)]).unwrap();
        let s = Scenario { load, ..Scenario::default() };
        for kind in ModelKind::ALL.into_iter().filter(|k| *k != ModelKind::Validation) {
            let quiet = kind.run(&s);
            let (watched_out, seen, analyses) = watched(|| kind.run(&s));
            assert_eq!(quiet.to_bytes(), watched_out.to_bytes(), "{kind:?}: being watched changed the output");
            assert!(seen.len() >= 3, "{kind:?} reports {seen:?}");
            assert!(seen.windows(2).all(|w| w[1] >= w[0] - 1e-12), "{kind:?} goes back: {seen:?}");
            assert!((seen.last().copied().unwrap_or(0.0) - 1.0).abs() < 1e-9, "{kind:?} ends below 1: {seen:?}");
            assert!(seen.iter().all(|x| (0.0..=1.0 + 1e-12).contains(x)), "{kind:?}: {seen:?}");
            // Begins and ends in turn, at least one analysis (a sweep or a chain analyses each of its runs).
            assert!(!analyses.is_empty(), "{kind:?} marks no analysis");
            assert!(analyses.chunks(2).all(|c| c == [true, false]), "{kind:?}: {analyses:?}");
        }
    }

    #[test]
    fn observers_nest_and_the_outer_one_comes_back() {
        let outer = Rc::new(Record::default());
        watch(outer.clone(), || {
            report(0.1);
            let ((), inner, _) = watched(|| report(0.5));
            assert_eq!(inner, vec![0.5]);
            report(0.9);
        });
        assert_eq!(*outer.0.borrow(), vec![0.1, 0.9]);
    }
}
