//! The pool at one time of a run, for the live view: every instance and what it is doing, the requests on them and in
//! the queue, and the counts so far. It comes from the same run as the figures ([`super::simulate`]: same seed, same
//! events), stopped at that time ([`pool_states`]): a deterministic re-run, so nothing is recorded while the figures
//! are computed and memory does not grow with the curve.

pub use super::core::{pool_states, Next, Replay, Sim};
use serde::{Deserialize, Serialize};

/// The pool at time `t` of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoolState {
    /// When [s].
    pub t: f64,
    /// The live instances, provisioned ones first, then on-demand ones in the order of their table slots.
    pub instances: Vec<InstanceState>,
    /// The requests on instances (in service, or waiting for their instance's init).
    pub requests: Vec<RequestState>,
    /// When each request waiting in the queue arrived [s], oldest first.
    pub queued: Vec<f64>,
    /// Counts since the start, of user requests that arrived in the measured span (after the warm-up), as the run's
    /// bins count them: arrived, throttled, timed out in the queue, completed, and completed after a cold start.
    pub arrivals: u64,
    pub throttled: u64,
    pub timed_out: u64,
    pub completed: u64,
    pub cold_completed: u64,
    /// On-demand instances started so far (each a cold start), and removed so far.
    pub started: u64,
    pub removed: u64,
    /// Requests refused so far (throttled or timed out; the warm-up's too).
    pub refused: u64,
    /// The autoscaler's last decision, under a scheduled policy.
    pub decision: Option<Decision>,
}

/// One decision of the autoscaler (monitor → analyse → predict → adjust): what it measured, what it expected, the
/// instances it computed and kept, what it had, and what it started and removed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// When [s].
    pub t: f64,
    /// What the policy measured: the mean requests in flight over its window (target tracking), the curve's rate
    /// (the proportional schedule), the observed rate (predictive) [requests, or req/s].
    pub measured: f64,
    /// What it expects: the forecast one cold start ahead (predictive), else what it measured.
    pub predicted: f64,
    /// The instances it computed (after its cap and the instance limit), and the most of its recent ones it keeps
    /// (the scale-down stabilisation).
    pub desired: u32,
    pub keep: u32,
    /// Instances it had before deciding.
    pub alive: u32,
    /// Instances it started (fewer than asked when the scaling-rate limit refused some) and removed.
    pub started: u32,
    pub removed: u32,
}

/// An instance at the time of a [`PoolState`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct InstanceState {
    /// A provisioned instance (ready from the start, never expiring).
    pub provisioned: bool,
    pub phase: Phase,
}

/// What an instance is doing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Phase {
    /// Initialising (a cold start) until then [s], with `requests` waiting for it.
    Init { until: f64, requests: u32 },
    /// Serving this many requests.
    Busy { requests: u32 },
    /// Idle since then [s]; removed at `expires` (infinite for a provisioned instance, or under a scheduled
    /// policy, where the autoscaler removes instances instead).
    Idle { since: f64, expires: f64 },
}

/// A request on an instance at the time of a [`PoolState`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RequestState {
    /// When it arrived and when its service starts or started [s] (later than now: waiting for its instance's init).
    pub arrival: f64,
    pub start: f64,
    /// Its instance, as an index into [`PoolState::instances`].
    pub instance: u32,
    /// It pays a cold start.
    pub cold: bool,
    /// A pre-warming ping, not a user request.
    pub ping: bool,
}

impl PoolState {
    /// Instances initialising, busy and idle.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for i in &self.instances {
            match i.phase {
                Phase::Init { .. } => c.0 += 1,
                Phase::Busy { .. } => c.1 += 1,
                Phase::Idle { .. } => c.2 += 1,
            }
        }
        c
    }
}

/// A flash crowd over a small limit with a queue (tests): cold starts, a queue, throttles and time-outs.
#[cfg(test)]
pub(crate) fn crowd() -> (crate::model::load::LoadCurve, super::ScalingParams) {
    let curve = crate::model::load::LoadCurve::from_pairs(&[
        (0.0, 5.0),
        (120.0, 5.0),
        (130.0, 400.0),
        (240.0, 400.0),
        (250.0, 5.0),
        (420.0, 5.0),
    ])
    .unwrap();
    let p = super::ScalingParams {
        max_instances: 40,
        overflow: super::Overflow::Queue { max_len: 50, timeout: 0.2 },
        provisioned: 2,
        ..super::ScalingParams::default()
    };
    (curve, p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::engine::{simulate, Policy, ScalingParams};

    /// The view is the run the figures come from: between two bin edges it counts exactly the bin's arrivals and
    /// throttles, and at the end every completion, cold start and time-out of the run.
    #[test]
    fn the_view_counts_what_the_runs_bins_count() {
        let tracking =
            Policy::TargetTracking { target: 0.6, interval: 2.0, window: 60.0, stabilization: 60.0, max_scale: 1000 };
        for policy in [Policy::PerRequest, tracking] {
            let (curve, p) = crowd();
            let p = ScalingParams { policy, ..p };
            let r = simulate(&curve, &p, 7);
            let width = r.bins[1].t - r.bins[0].t;
            let mut times: Vec<f64> = (0..=r.bins.len()).map(|k| k as f64 * width).collect();
            times.push(1e9);
            let states = pool_states(&curve, &p, 7, &times);
            for (k, b) in r.bins.iter().enumerate() {
                let (a, z) = (&states[k], &states[k + 1]);
                assert_eq!(z.arrivals - a.arrivals, b.arrivals, "{policy:?} bin {k}: arrivals");
                assert_eq!(z.throttled - a.throttled, b.throttled, "{policy:?} bin {k}: throttled");
            }
            let end = states.last().unwrap();
            let sum = |f: fn(&crate::model::engine::Bin) -> u64| r.bins.iter().map(f).sum::<u64>();
            assert_eq!(end.completed, sum(|b| b.completed), "{policy:?}");
            assert_eq!(end.cold_completed, sum(|b| b.cold_starts), "{policy:?}");
            assert_eq!(end.timed_out, sum(|b| b.timed_out), "{policy:?}");
            assert_eq!(end.started, r.summary.instances_started, "{policy:?}");
            assert!(end.throttled > 0 && end.timed_out > 0 && end.cold_completed > 0, "{policy:?}: {end:?}");
        }
    }

    /// A state does not depend on the states taken before it, and it is consistent: every request is on a live
    /// instance whose phase counts it, the provisioned instances come first and never expire.
    #[test]
    fn a_state_is_the_same_however_it_is_reached_and_consistent() {
        let (curve, p) = crowd();
        let alone = pool_states(&curve, &p, 3, &[180.0]);
        let after = pool_states(&curve, &p, 3, &[10.0, 125.5, 179.9, 180.0]);
        assert_eq!(alone[0], after[3]);
        for s in &after {
            let mut on = vec![0u32; s.instances.len()];
            for r in &s.requests {
                on[r.instance as usize] += 1;
                assert!(r.arrival <= s.t, "{r:?} at {}", s.t);
            }
            for (i, inst) in s.instances.iter().enumerate() {
                match inst.phase {
                    Phase::Init { until, requests } => assert!(until >= s.t && requests == on[i]),
                    Phase::Busy { requests } => assert_eq!(requests, on[i]),
                    Phase::Idle { since, expires } => {
                        assert_eq!(on[i], 0);
                        assert!(since <= s.t && expires > s.t);
                        assert_eq!(expires.is_infinite(), inst.provisioned);
                    }
                }
            }
            assert!(s.instances.iter().take(2).all(|i| i.provisioned));
            assert!(s.instances.len() <= 42);
        }
        let (_, busy, _) = after[3].counts();
        assert!(busy > 10, "the crowd keeps instances busy: {:?}", after[3].counts());
        assert!(!after[3].queued.is_empty() || after[3].throttled > 0);
    }

    /// A replay built in uneven pieces gives the states of a run from the start, at any time, with a bounded number
    /// of copies; the next cold start after a time is where an instance starts.
    #[test]
    fn a_replay_gives_the_states_of_the_run() {
        let (curve, p) = crowd();
        let mut r = Replay::new(&curve, &p, 5);
        assert!(r.states(&[10.0]).is_none(), "not built yet");
        let mut to = 0.0;
        for chunk in [0.5, 7.0, 33.0, 1.0, 90.0, 400.0] {
            to += chunk;
            r.extend(to);
        }
        assert!(r.done() && r.reached() == curve.duration());
        assert!(r.marks() <= Replay::COPIES + 1);
        let times = [0.0, 3.3, 119.99, 125.0, 131.7, 239.0, 400.0, 420.0];
        let whole = pool_states(&curve, &p, 5, &times);
        for (k, &t) in times.iter().enumerate() {
            assert_eq!(r.states(&[t]).unwrap()[0], whole[k], "at {t}");
        }
        assert_eq!(r.states(&[131.0, 132.0]).unwrap(), pool_states(&curve, &p, 5, &[131.0, 132.0]));
        // Played forward in frames (each from where the last left off), then back: the same states.
        for k in 0..40 {
            let t = 125.0 + 0.7 * k as f64;
            assert_eq!(r.states(&[t - 1.0, t]).unwrap(), pool_states(&curve, &p, 5, &[t - 1.0, t]), "frame at {t}");
        }
        assert_eq!(r.states(&[50.0]).unwrap(), pool_states(&curve, &p, 5, &[50.0]));
        let at = r.next(Next::ColdStart, 120.0, 420.0).expect("the crowd starts instances");
        let [before, after] = <[PoolState; 2]>::try_from(r.states(&[at - 0.01, at]).unwrap()).unwrap();
        assert!(after.started > before.started, "an instance starts between {} and {at}", at - 0.01);
        assert!(after.instances.iter().any(|i| matches!(i.phase, Phase::Init { .. })), "and initialises at {at}");
        let refused = r.next(Next::Refused, 120.0, 420.0).expect("the crowd is throttled");
        let [a, b] = <[PoolState; 2]>::try_from(r.states(&[refused - 0.01, refused]).unwrap()).unwrap();
        assert!(b.refused > a.refused);
        let removed = r.next(Next::Removal, 240.0, 2000.0);
        assert!(removed.is_none(), "with a 10 min keep-alive no instance expires before the curve's end");
        assert!(r.next(Next::Decision, 0.0, 420.0).is_none(), "no autoscaler under the per-request policy");
    }

    /// A seek made in slices of a few requests each, from anywhere, arrives where one re-run does, with the same
    /// states after it; a search for the next event made in slices finds what one search finds.
    #[test]
    fn a_seek_and_a_search_in_slices_arrive_where_one_run_does() {
        let (curve, p) = crowd();
        let mut r = Replay::new(&curve, &p, 9);
        r.extend(1e9);
        let mut slices = 0;
        for (from, to) in [(0.0, 300.0), (300.0, 131.5), (131.5, 200.25), (400.0, 2.0)] {
            r.states(&[from]).unwrap();
            while !r.seek(to - 1.0, 150.0) {
                slices += 1;
                assert!(slices < 1000, "a seek to {to} makes progress");
            }
            assert_eq!(
                r.states(&[to - 1.0, to]).unwrap(),
                pool_states(&curve, &p, 9, &[to - 1.0, to]),
                "{from} → {to}"
            );
        }
        assert!(slices > 4, "the seeks into the crowd take several slices each ({slices})");
        assert!(!r.seek(-1.0, 10.0) && !r.seek(1e9, 10.0), "outside the run");
        let whole = r.next(Next::Refused, 100.0, 420.0).unwrap();
        let mut from = 100.0;
        let sliced = loop {
            let limit = r.by_work(from, 420.0, 40.0).min(from + 5.0);
            if let Some(at) = r.next(Next::Refused, from, limit) {
                break at;
            }
            assert!(limit < 420.0, "found before the end");
            from = limit;
        };
        assert!((sliced - whole).abs() < 0.011, "{sliced} vs {whole}");
        assert_eq!(r.states(&[whole]).unwrap(), pool_states(&curve, &p, 9, &[whole]));
    }

    /// Under target tracking the replay keeps the autoscaler's decisions: one per bin, and the state's last one.
    #[test]
    fn a_replay_keeps_the_autoscalers_decisions() {
        let (curve, p) = crowd();
        let tracking =
            Policy::TargetTracking { target: 0.6, interval: 2.0, window: 60.0, stabilization: 60.0, max_scale: 1000 };
        let p = ScalingParams { policy: tracking, ..p };
        let mut r = Replay::new(&curve, &p, 5);
        r.extend(1e9);
        let bins = r.decisions().unwrap();
        assert!(bins.iter().filter(|d| d.is_some()).count() > 100);
        let at = r.next(Next::Decision, 130.0, 420.0).unwrap();
        let s = &r.states(&[at]).unwrap()[0];
        let d = s.decision.unwrap();
        assert!((d.t - at).abs() <= 0.01 + 1e-9 && d.t <= at);
        assert!(d.measured > 0.0 && d.desired >= 1);
        // In the crowd it asks for more than it has, and gets them as far as the limits allow.
        let crowd = bins.iter().flatten().find(|d| d.t > 135.0 && d.desired > d.alive).expect("a decision to grow");
        assert!(crowd.started <= crowd.desired - crowd.alive);
    }
}
