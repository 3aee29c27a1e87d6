//! A run kept as a few copies of its state along the curve ([`Replay::COPIES`], whatever the curve's length), so
//! that its state at any time is a short re-run from the copy before it. The live views read the scaling engine's
//! pool ([`crate::model::engine::state`]) and the chain's hops ([`crate::model::chain::live`]) this way: the very run
//! the figures come from, stopped at the cursor, with memory bounded by the copies.
//!
//! It is built piece by piece ([`Replay::extend`]) so that no step of it blocks the page for long; a far cursor on a
//! long curve is reached in slices too ([`Replay::seek`]); playing forward goes on from where the last frame left
//! the run.

use super::load::LoadCurve;
use std::cell::RefCell;

/// A run that can stop at any time and go on.
pub trait Rerun: Clone {
    /// Takes the events before `t` [s]; `from` is where it stopped last (at most `t`).
    fn run_to(&mut self, from: f64, t: f64, curve: &LoadCurve);
    /// A copy to keep, without what a state does not read (the figures' histograms).
    fn copy(&self) -> Self;
}

/// Copies of a run `S` along the curve.
#[derive(Clone)]
pub struct Replay<S> {
    curve: LoadCurve,
    /// The copies, each with the events before its time taken: (time [s], run).
    marks: Vec<(f64, S)>,
    /// The run going on, and the time it has reached [s].
    ahead: S,
    reached: f64,
    /// Time between copies [s].
    every: f64,
    /// Where the last reader left the run: (time [s], run).
    last: RefCell<Option<(f64, S)>>,
}

impl<S: Rerun> Replay<S> {
    /// Copies kept along the curve.
    pub const COPIES: usize = 64;

    /// A replay of `run` (at time 0) under `curve`.
    pub fn of(curve: &LoadCurve, run: S) -> Replay<S> {
        let every = (curve.duration() / Self::COPIES as f64).max(1e-9);
        let marks = vec![(0.0, run.copy())];
        Replay { curve: curve.clone(), marks, ahead: run, reached: 0.0, every, last: Default::default() }
    }

    /// The curve's end [s]: the replay covers 0 ..= this.
    pub fn end(&self) -> f64 {
        self.curve.duration()
    }

    /// The copies kept (at most [`Replay::COPIES`] + 1, whatever the curve's length).
    pub fn marks(&self) -> usize {
        self.marks.len()
    }

    /// How far it is built [s].
    pub fn reached(&self) -> f64 {
        self.reached
    }

    /// Whether it covers the whole curve.
    pub fn done(&self) -> bool {
        self.reached >= self.end()
    }

    /// The run going on (at [`Replay::reached`]).
    pub fn ahead(&self) -> &S {
        &self.ahead
    }

    /// Runs on to time `to` [s] (at most the curve's end), keeping a copy at every mark passed.
    pub fn extend(&mut self, to: f64) {
        let to = to.min(self.end());
        while self.reached < to {
            let next_mark = self.marks.len() as f64 * self.every;
            let step = next_mark.min(to);
            self.ahead.run_to(self.reached, step, &self.curve);
            self.reached = step;
            if step >= next_mark && self.marks.len() <= Self::COPIES {
                self.marks.push((step, self.ahead.copy()));
            }
        }
    }

    /// `read` of the run at each of `times` [s] (ascending, within what is built): re-run from the copy before the
    /// first, or from where the last reader left the run when that is nearer (playing forward re-runs only the
    /// frame's own events; after [`Replay::seek`] to the first time, only the times' own).
    pub fn read<T>(&self, times: &[f64], read: impl Fn(&S, f64) -> T) -> Option<Vec<T>> {
        let first = *times.first()?;
        if times.last().is_some_and(|&t| t > self.reached) || first < 0.0 {
            return None;
        }
        let (mut at, mut s) = self.start_for(first);
        let mut out = Vec::with_capacity(times.len());
        for (k, &t) in times.iter().enumerate() {
            s.run_to(at, t, &self.curve);
            at = t;
            out.push(read(&s, t));
            if k == 0 {
                self.keep(t, s.clone());
            }
        }
        Some(out)
    }

    /// Brings the run [`Replay::read`] starts from toward `t` [s] (within what is built), re-running at most about
    /// `work` of the curve's expected requests; whether it is there. A scrub far into a long curve re-runs up to a
    /// gap between copies (a day at 1,000 req/s: 1.35 M requests, ~120 ms here), so the view makes the journey in
    /// slices, each a task of its own, and memory stays the copies'.
    pub fn seek(&self, t: f64, work: f64) -> bool {
        if t > self.reached || t < 0.0 {
            return false;
        }
        let (at, mut s) = self.start_for(t);
        let to = self.by_work(at, t, work);
        s.run_to(at, to, &self.curve);
        self.keep(to, s);
        to >= t
    }

    /// The time after `from` [s] by which the curve brings about `work` requests, at most `to` (and past `from`).
    pub fn by_work(&self, from: f64, to: f64, work: f64) -> f64 {
        if self.curve.expected_between(from, to) <= work {
            return to;
        }
        let (mut lo, mut hi) = (from, to);
        for _ in 0..48 {
            let mid = 0.5 * (lo + hi);
            if self.curve.expected_between(from, mid) <= work {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        if lo > from {
            lo
        } else {
            hi
        }
    }

    /// The run to re-run from for time `t`, and its time: where the last reader left it when that is at or before
    /// `t` and past the copy before `t`, else that copy. The caller gives it back with [`Replay::keep`].
    pub fn start_for(&self, t: f64) -> (f64, S) {
        let k = self.marks.partition_point(|(m, _)| *m <= t).max(1) - 1;
        let (mark, run) = &self.marks[k];
        match self.last.take() {
            Some((at, s)) if at <= t && at >= *mark => (at, s),
            _ => (*mark, run.clone()),
        }
    }

    /// Keeps `run` at time `at` [s] for the next reader to go on from.
    pub fn keep(&self, at: f64, run: S) {
        self.last.replace(Some((at, run)));
    }

    /// The curve.
    pub fn curve(&self) -> &LoadCurve {
        &self.curve
    }
}
