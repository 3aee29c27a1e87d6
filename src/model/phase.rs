//! Where a model's run is, for a profiler: each model marks the part of its run that analyses what its events left
//! (percentiles from the histograms, bins and summaries, a sweep's quantiles). The page and the workers install a
//! hook that turns these into User Timing measures (`analyse <model>` inside `simulate <model>`); without a hook
//! (native tools, tests) a mark is a read of a thread-local and nothing more. Never inside an event loop.

use std::cell::Cell;

/// Told `true` when an analysis begins and `false` when it ends.
pub type Hook = fn(bool);

thread_local! {
    static HOOK: Cell<Option<Hook>> = const { Cell::new(None) };
}

/// Installs (or, with `None`, removes) the hook for this thread; returns the previous one.
pub fn set_hook(hook: Option<Hook>) -> Option<Hook> {
    HOOK.replace(hook)
}

/// The analysis of a run, from now until the returned guard is dropped.
#[must_use = "the analysis ends when the guard is dropped"]
pub fn analyse() -> Analysis {
    let hook = HOOK.get();
    if let Some(h) = hook {
        h(true);
    }
    Analysis(hook)
}

/// An analysis under way ([`analyse`]).
pub struct Analysis(Option<Hook>);

impl Drop for Analysis {
    fn drop(&mut self) {
        if let Some(h) = self.0 {
            h(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static SEEN: std::cell::RefCell<Vec<bool>> = const { std::cell::RefCell::new(Vec::new()) };
    }

    #[test]
    fn every_model_marks_its_analysis_once_per_run() {
        use crate::model::scenario::{ModelKind, Scenario};
        fn record(begins: bool) {
            SEEN.with_borrow_mut(|s| s.push(begins));
        }
        // A short curve, so the test is quick.
        let load = crate::model::load::LoadCurve::from_pairs(&[(0.0, 20.0), (120.0, 20.0)]).unwrap();
        let s = Scenario { load, ..Scenario::default() };
        let before = set_hook(Some(record));
        assert!(before.is_none());
        for kind in ModelKind::ALL.into_iter().filter(|k| *k != ModelKind::Validation) {
            SEEN.with_borrow_mut(Vec::clear);
            let _ = kind.run(&s);
            let seen = SEEN.with_borrow(Vec::clone);
            // Begins and ends in turn, at least one analysis (a sweep or a chain analyses each of its runs).
            assert!(!seen.is_empty(), "{kind:?} marks no analysis");
            assert!(seen.chunks(2).all(|c| c == [true, false]), "{kind:?}: {seen:?}");
        }
        set_hook(None);
        SEEN.with_borrow_mut(Vec::clear);
        let _ = ModelKind::Scaling.run(&s);
        assert!(SEEN.with_borrow(Vec::is_empty), "no hook, no calls");
    }
}
