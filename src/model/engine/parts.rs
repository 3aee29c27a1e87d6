//! Where a request's time goes: waiting in the queue, waiting for its instance's initialisation (a cold start), and
//! its service. Each served request's three parts are known when it is given to an instance (the dispatch time, the
//! instance's ready time, the service drawn), so they are added up there, per time bin, by latency class: the mean of
//! all the bin's requests, and of its slowest 1 % (the classes from the top down to 1 % of the requests, the last class
//! taken in proportion: the 1 % to within one class, a factor of √2 of latency).

use serde::{Deserialize, Serialize};

/// Latency classes: two per octave from 2^[`LOW_EXP`] s (about 0.24 ms; everything faster is in the first) to
/// 2^[`HIGH_EXP`] s (about 68 min; everything slower is in the last).
const LOW_EXP: i64 = -12;
const HIGH_EXP: i64 = 12;
const CLASSES: usize = ((HIGH_EXP - LOW_EXP) * 2) as usize;

/// The mean parts of the latency of a bin's requests [s]: of all of them, and of the slowest 1 %.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencyParts {
    pub all: Parts,
    pub slowest: Parts,
}

/// Waiting in the queue, for the instance's initialisation, and service [s] (their sum is the latency).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Parts {
    pub queue: f64,
    pub init: f64,
    pub service: f64,
}

impl Parts {
    pub fn total(&self) -> f64 {
        self.queue + self.init + self.service
    }
}

/// A bin's sums by latency class: requests, queue, init, service.
#[derive(Debug, Clone)]
pub struct PartsAcc {
    classes: Box<[[f64; 4]; CLASSES]>,
}

impl Default for PartsAcc {
    fn default() -> Self {
        PartsAcc { classes: Box::new([[0.0; 4]; CLASSES]) }
    }
}

/// The class of a latency [s]: exponent and top mantissa bit straight from the IEEE-754 bits (as the histograms do).
#[inline(always)]
fn class(latency: f64) -> usize {
    let top = (latency.to_bits() as i64) >> 51;
    (top - ((1023 + LOW_EXP) << 1)).clamp(0, CLASSES as i64 - 1) as usize
}

impl PartsAcc {
    /// Adds one request's parts [s].
    #[inline(always)]
    pub fn add(&mut self, queue: f64, init: f64, service: f64) {
        let c = &mut self.classes[class(queue + init + service)];
        c[0] += 1.0;
        c[1] += queue;
        c[2] += init;
        c[3] += service;
    }

    /// The means of all the requests and of the slowest 1 % (at least one request).
    pub fn parts(&self) -> LatencyParts {
        let n: f64 = self.classes.iter().map(|c| c[0]).sum();
        if n == 0.0 {
            return LatencyParts::default();
        }
        let mean = |s: [f64; 4]| Parts { queue: s[1] / s[0], init: s[2] / s[0], service: s[3] / s[0] };
        let mut all = [0.0; 4];
        for c in self.classes.iter() {
            for k in 0..4 {
                all[k] += c[k];
            }
        }
        let want = (0.01 * n).ceil();
        let mut top = [0.0; 4];
        for c in self.classes.iter().rev().filter(|c| c[0] > 0.0) {
            let take = (want - top[0]).min(c[0]);
            if take <= 0.0 {
                break;
            }
            let share = take / c[0];
            for k in 0..4 {
                top[k] += c[k] * share;
            }
        }
        LatencyParts { all: mean(all), slowest: mean(top) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_grow_by_root_two_and_clamp_at_the_ends() {
        assert_eq!(class(0.0), 0);
        assert_eq!(class(1e-9), 0);
        assert_eq!(class(1e9), CLASSES - 1);
        assert_eq!(class(1.0), class(1.4));
        assert_eq!(class(1.0) + 1, class(1.5));
        assert_eq!(class(1.0) + 2, class(2.0));
    }

    /// 990 quick warm requests and 10 slow cold ones: the mean is mostly service, the slowest 1 % is the cold ones'
    /// parts exactly; with 12 slow ones, the slowest 1 % (10) is taken from their class in proportion.
    #[test]
    fn the_slowest_one_percent_are_the_slow_requests_parts() {
        let mut a = PartsAcc::default();
        for _ in 0..990 {
            a.add(0.0, 0.0, 0.1);
        }
        for _ in 0..10 {
            a.add(0.2, 1.0, 0.1);
        }
        let p = a.parts();
        assert!((p.all.total() - (990.0 * 0.1 + 10.0 * 1.3) / 1000.0).abs() < 1e-12);
        assert!((p.all.init - 0.01).abs() < 1e-12 && (p.all.queue - 0.002).abs() < 1e-12);
        let near =
            |a: Parts, b: Parts| (a.queue - b.queue).abs() + (a.init - b.init).abs() + (a.service - b.service).abs();
        assert!(near(p.slowest, Parts { queue: 0.2, init: 1.0, service: 0.1 }) < 1e-12, "{p:?}");
        a.add(0.0, 1.2, 0.1);
        a.add(0.0, 1.2, 0.1);
        let p = a.parts();
        // 1,002 requests: the slowest 11 are 11 twelfths of the 12 in the top class.
        assert!((p.slowest.queue - 0.2 * 10.0 / 12.0).abs() < 1e-12, "{p:?}");
        assert!((p.slowest.init - (10.0 + 2.4) / 12.0).abs() < 1e-12, "{p:?}");
        assert_eq!(PartsAcc::default().parts(), LatencyParts::default());
    }

    /// In a run, each bin's parts add up to its mean latency, the slowest 1 % are at least as slow as its p99 (to
    /// within a class), a flash crowd over a small limit with a queue waits in the queue and for inits, and nothing
    /// waits where the pool keeps up.
    #[test]
    fn a_runs_parts_add_up_to_its_latencies() {
        use crate::model::engine::{simulate, ScalingParams};
        use crate::model::load::LoadCurve;
        let (curve, p) = crate::model::engine::state::crowd();
        let r = simulate(&curve, &p, 3);
        let mut queued = 0.0;
        for b in r.bins.iter().filter(|b| b.completed > 0) {
            let (all, slow) = (b.parts.all, b.parts.slowest);
            assert!((all.total() - b.latency.mean).abs() < 1e-9 * b.latency.mean.max(1.0), "{b:?}");
            assert!(slow.total() >= b.latency.p99 / 2f64.sqrt() - 1e-9, "{b:?}");
            assert!(slow.total() <= b.latency.max + 1e-9, "{b:?}");
            assert!(all.queue >= 0.0 && all.init >= 0.0 && all.service > 0.0);
            if b.t >= 130.0 && b.t < 240.0 {
                queued += all.queue;
            }
        }
        assert!(queued > 0.0, "the crowd waits in the queue");
        assert!(r.bins.iter().any(|b| b.parts.slowest.init > b.parts.slowest.service), "cold starts set the slowest");
        let calm = simulate(&LoadCurve::constant(5.0, 600.0).unwrap(), &ScalingParams::default(), 3);
        assert!(calm.bins.iter().all(|b| b.parts.all.queue == 0.0), "no queue when the pool keeps up");
    }
}
