//! The event heap of the scaling engine and the chain model (events of 16 bytes, ordered by time), also the fan-out
//! model's instances by their next free time.

use super::table::Table;
use std::hint::select_unpredictable;

/// An event with a time [s]; small and `Copy`, since the heap moves events as it sifts.
pub trait Timed: Copy {
    /// When it happens [s]; never NaN, never negative.
    fn time(&self) -> f64;
}

/// Earlier time first. Ties are not broken by a sequence number: one comparison per step is most of the heap's
/// speed, and the order of events at equal times is still fixed by the heap's own moves, so it is the same on every
/// run and platform; breaking ties the other way changes no output (test `tie_break_changes_no_result`, thousands of
/// ties in fixed-time jobs). The times are compared as their bit patterns, as unsigned integers: for times that are
/// never negative (and never NaN) this is the same order, and quicker (docs/performance.md).
#[inline(always)]
fn before<E: Timed>(a: &E, b: &E) -> bool {
    let (x, y) = (a.time(), b.time());
    debug_assert!(x.is_sign_positive() && y.is_sign_positive(), "event times are never negative: {x}, {y}");
    #[cfg(test)]
    if x == y {
        TIES.set(TIES.get() + 1);
    }
    #[cfg(test)]
    if OTHER_TIES.get() {
        // The other tie-break (tests only): an event goes before one at the same time.
        return x.to_bits() <= y.to_bits();
    }
    x.to_bits() < y.to_bits()
}

#[cfg(test)]
thread_local! {
    /// Break ties between events at equal times the other way (`tie_break_changes_no_result`).
    pub(crate) static OTHER_TIES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Comparisons of two events at the same time (tests only).
    pub(crate) static TIES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// A 4-ary min-heap of events. Shallower than a binary heap (half the levels), and `pop` walks the hole down to a
/// leaf before placing the last entry (bottom-up), so it compares children only; event times are never NaN or
/// negative, so their bit patterns order them (`before`).
#[derive(Debug, Clone)]
pub struct TimeHeap<E> {
    v: Table<E>,
}

impl<E> Default for TimeHeap<E> {
    fn default() -> Self {
        TimeHeap { v: Table::default() }
    }
}

impl<E: Timed> TimeHeap<E> {
    /// The time of the earliest event; infinite when there is none.
    #[inline(always)]
    pub fn peek_time(&self) -> f64 {
        self.v.first().map_or(f64::INFINITY, |e| e.time())
    }

    /// Schedules `e`, walking every level with selects (see `rise`): for events whose place is a coin toss
    /// (exponential times: by memorylessness a new event is as likely to be before as after any pending one).
    #[inline]
    pub fn push(&mut self, e: E) {
        self.v.push(e);
        let i = self.v.len() - 1;
        self.rise(i, e);
    }

    /// Schedules `e`, stopping at the first ancestor not later than it: for events that are usually later than most
    /// pending ones (service times less variable than exponential), which then stay near the bottom and the branch
    /// is predictable. The chain's hops (log-normal, CV 0.5) on one hour at 1,000 req/s: 12 % faster natively and
    /// 13 % in wasm than with [`TimeHeap::push`].
    #[inline]
    pub fn push_late(&mut self, e: E) {
        self.v.push(e);
        let i = self.v.len() - 1;
        self.sift_up(i, e);
    }

    /// Places `e` at or above the hole `i`, stopping at the first ancestor not later than `e` (after a `pop`, the
    /// entry placed rises little, and predictably).
    #[inline(always)]
    fn sift_up(&mut self, mut i: usize, e: E) {
        let v = &mut self.v;
        while i > 0 {
            let parent = (i - 1) / 4;
            if before(&e, &v[parent]) {
                v[i] = v[parent];
                i = parent;
            } else {
                break;
            }
        }
        v[i] = e;
    }

    /// Places `e` at or above the hole `i`. Walks every level to the root with selects instead of stopping at the
    /// first ancestor not later than `e`: how far a new event rises is a coin toss a branch would mispredict, while
    /// the number of levels (about 4 for 200 events) is the same for every push. Past that ancestor nothing moves
    /// any more: ancestors are never later than their children, so the comparison stays false up to the root.
    /// The entry that moves down is chosen by its index, not as a select between two events, which in wasm was a
    /// select of floats and slower (docs/performance.md).
    #[inline(always)]
    fn rise(&mut self, mut i: usize, e: E) {
        let v = &mut self.v;
        let mut hole = i;
        while i > 0 {
            let parent = (i - 1) / 4;
            let up = before(&e, &v[parent]);
            v[i] = v[select_unpredictable(up, parent, i)];
            hole = select_unpredictable(up, parent, hole);
            i = parent;
        }
        v[hole] = e;
    }

    /// Takes the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<E> {
        let last = self.v.pop()?;
        if self.v.is_empty() {
            return Some(last);
        }
        // The last entry takes the earliest one's place.
        self.replace_top(last)
    }

    /// Takes the earliest event and schedules `e` in its stead, in one walk instead of a pop and a push: for a
    /// resource taken and given back later (the fan-out model's instances). `None`, and `e` not scheduled, when
    /// the heap is empty.
    #[inline]
    pub fn replace_top(&mut self, e: E) -> Option<E> {
        let top = *self.v.first()?;
        let i = self.sink_top();
        self.sift_up(i, e);
        Some(top)
    }

    /// Walks the hole at the top down to a leaf, moving the earlier child up at each level; returns where it ends.
    #[inline(always)]
    fn sink_top(&mut self) -> usize {
        let n = self.v.len();
        let v = &mut self.v;
        let mut i = 0;
        loop {
            let first = 4 * i + 1;
            if first >= n {
                break;
            }
            // The smallest of the four children (read as one array: one bounds check, not four) by a tournament of
            // two independent comparisons and then one, chosen with selects: which child wins is a coin toss that
            // a branch would mispredict.
            let m = if first + 3 < n {
                let k: &[E; 4] = v.0[first..first + 4].try_into().expect("four children");
                let a = select_unpredictable(before(&k[1], &k[0]), 1, 0);
                let b = select_unpredictable(before(&k[3], &k[2]), 3, 2);
                first + select_unpredictable(before(&k[b], &k[a]), b, a)
            } else {
                let mut m = first;
                for c in first + 1..n {
                    m = select_unpredictable(before(&v[c], &v[m]), c, m);
                }
                m
            };
            v[i] = v[m];
            i = m;
        }
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dist::rng;
    use rand::Rng;

    #[derive(Debug, Clone, Copy)]
    struct Ev {
        t: f64,
    }

    impl Timed for Ev {
        fn time(&self) -> f64 {
            self.t
        }
    }

    #[test]
    fn event_heap_gives_earliest_first() {
        let mut h = TimeHeap::<Ev>::default();
        let mut r = rng(5, 0);
        let mut all = Vec::new();
        // Coarse times so many tie; both kinds of push, and pops and replacements of the earliest interleaved with
        // them, as in the event loop; heaps of every size up to a few thousand, so nodes with one to four children
        // all occur.
        for i in 0..5_000u32 {
            let e = Ev { t: (r.random_range(0..200) as f64) * 0.5 };
            if i % 2 == 0 {
                h.push(e)
            } else {
                h.push_late(e)
            }
            all.push(e.t);
            if i % 3 == 0 {
                let got = h.pop().unwrap();
                let (k, _) = all.iter().enumerate().min_by(|a, b| a.1.total_cmp(b.1)).unwrap();
                assert_eq!(got.t, all.swap_remove(k));
            }
            // The earliest taken and another given in its stead, earlier or later than it.
            if i % 5 == 0 && h.peek_time() < f64::INFINITY {
                let e = Ev { t: (r.random_range(0..200) as f64) * 0.5 };
                let got = h.replace_top(e).unwrap();
                let (k, _) = all.iter().enumerate().min_by(|a, b| a.1.total_cmp(b.1)).unwrap();
                assert_eq!(got.t, std::mem::replace(&mut all[k], e.t));
            }
        }
        all.sort_by(f64::total_cmp);
        for want in all {
            assert_eq!(h.pop().map(|e| e.t), Some(want));
        }
        assert!(h.pop().is_none() && h.peek_time() == f64::INFINITY);
        assert!(h.replace_top(Ev { t: 1.0 }).is_none() && h.peek_time() == f64::INFINITY);
    }
}

#[cfg(test)]
mod tie_tests {
    use super::{OTHER_TIES, TIES};
    use crate::model::engine::Policy;
    use crate::model::load::LoadCurve;
    use crate::model::registry::ModelKind;
    use crate::model::scenario::Scenario;

    /// The heap breaks ties between events at the same time by its own moves, not by a sequence number. Events do
    /// meet at equal times (fixed service and cold-start times, keep-alive expiries, policy ticks on a grid): the
    /// other tie-break gives the same output to the bit for every policy, so the heap's choice changes no result.
    #[test]
    fn tie_break_changes_no_result() {
        let mut s = Scenario {
            load: LoadCurve::from_pairs(&[(0.0, 5.0), (300.0, 60.0), (600.0, 5.0)]).unwrap(),
            ..Scenario::default()
        };
        // Fixed times make ties: arrivals are random, but completions and expiries land on shared grids.
        s.scaling.warm_service = crate::model::dist::Dist::Fixed { value: 0.5 };
        s.scaling.keep_alive = 10.0;
        s.scaling.cold =
            crate::model::engine::ColdMode::InitThenWarm { init: crate::model::dist::Dist::Fixed { value: 0.25 } };
        // The fan-out job with fixed times: its instances come free at equal times all the time.
        s.parallel.task_time = crate::model::dist::Dist::Fixed { value: 1.0 };
        s.parallel.cold_start = crate::model::dist::Dist::Fixed { value: 0.2 };
        s.parallel.straggler_prob = 0.0;
        s.parallel.runs = 3;
        for h in &mut s.chain.hops {
            h.service = crate::model::dist::Dist::Fixed { value: 0.05 };
        }
        let policies = [
            Policy::PerRequest,
            Policy::TargetTracking { target: 0.6, interval: 2.0, window: 60.0, stabilization: 30.0, max_scale: 9 },
            Policy::Proportional { r_min: 1, r_max: 8, interval: 10.0 },
            Policy::Predictive { alpha: 0.5, beta: 0.2, interval: 5.0, target: 0.7, stabilization: 60.0, max_scale: 3 },
        ];
        TIES.set(0);
        for p in policies {
            s.scaling.policy = p;
            s.validate().unwrap();
            for k in [ModelKind::Scaling, ModelKind::Parallel, ModelKind::Chain] {
                let one = k.run(&s).to_bytes();
                OTHER_TIES.set(true);
                let other = k.run(&s).to_bytes();
                OTHER_TIES.set(false);
                assert!(one == other, "{k:?} with {p:?}: the tie-break changed the output");
            }
        }
        assert!(
            TIES.get() > 1000,
            "only {} comparisons met a tie: the test does not exercise the tie-break",
            TIES.get()
        );
    }
}
