//! The chain at one time of its run, for the Chains section's live view: per hop (one lane each), its instances and
//! what each is doing (initialising for a request that found no warm instance, working, held by a synchronous caller
//! waiting for the answer, idle with its keep-alive), the requests waiting in its backlog or on their way to it
//! through its queue, and its cold starts so far. It comes from the run of the whole chain that gives the figures
//! (same seed, same events), stopped at that time, through a [`Replay`] of copies.

use super::{ChainParams, Run};
use crate::model::load::LoadCurve;
use crate::model::replay::{self, Rerun};
use serde::{Deserialize, Serialize};

/// The whole chain's run kept as copies along the curve.
pub type Replay = replay::Replay<Run>;

/// The chain at time `t`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChainState {
    /// When [s].
    pub t: f64,
    /// The hops, first to last.
    pub hops: Vec<HopState>,
    /// Requests that entered the chain so far, and that left its last hop.
    pub arrived: u64,
    pub completed: u64,
}

/// One hop at the time of a [`ChainState`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HopState {
    /// Its live instances, in the order they started.
    pub instances: Vec<HopPhase>,
    /// Requests waiting in its backlog (all its instances busy, at its instance limit).
    pub backlog: u32,
    /// Requests on their way to it through its queue.
    pub delivering: u32,
    /// Instances started so far (each a cold start).
    pub cold_starts: u64,
}

/// What an instance of a hop is doing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum HopPhase {
    /// Initialising until then [s], for the request that started it (that request's hop is cold).
    Init { until: f64 },
    /// Working on a request.
    Working,
    /// Done with its part, held by a synchronous call to the next hop until the answer comes back.
    Held,
    /// Idle; removed at `expires` [s] unless a request comes.
    Idle { expires: f64 },
}

impl HopState {
    /// Instances initialising, working, held and idle.
    pub fn counts(&self) -> [usize; 4] {
        let mut c = [0; 4];
        for p in &self.instances {
            c[match p {
                HopPhase::Init { .. } => 0,
                HopPhase::Working => 1,
                HopPhase::Held => 2,
                HopPhase::Idle { .. } => 3,
            }] += 1;
        }
        c
    }
}

impl Rerun for Run {
    fn run_to(&mut self, _from: f64, t: f64, _curve: &LoadCurve) {
        self.step(t);
    }

    /// Without the latency histograms.
    fn copy(&self) -> Run {
        let mut r = self.clone();
        r.hists.iter_mut().for_each(|h| *h = None);
        r
    }
}

impl Replay {
    /// A replay of the whole chain `p` under `curve` with `seed` (the run whose bins the figures show), built up to
    /// time 0.
    pub fn new(curve: &LoadCurve, p: &ChainParams, seed: u64) -> Replay {
        Replay::of(curve, Run::new(p, p.hops.len(), &[], curve, seed))
    }

    /// The chain at each of `times` [s] (ascending, within what is built).
    pub fn states(&self, times: &[f64]) -> Option<Vec<ChainState>> {
        self.read(times, |r, t| r.state(t))
    }
}

/// The chain at each of `times` [s] (ascending) in the run of the whole chain `p` under `curve` with `seed`.
pub fn chain_states(curve: &LoadCurve, p: &ChainParams, seed: u64, times: &[f64]) -> Vec<ChainState> {
    let mut r = Run::new(p, p.hops.len(), &[], curve, seed);
    times
        .iter()
        .map(|&t| {
            r.step(t);
            r.state(t)
        })
        .collect()
}

impl Run {
    /// The chain now, at `t` (after the events before `t`).
    fn state(&self, t: f64) -> ChainState {
        let s = &self.s;
        let mut phases: Vec<Vec<Option<HopPhase>>> = s.pools.iter().map(|p| vec![None; p.next_id as usize]).collect();
        let mut free = vec![false; s.reqs.len()];
        for &r in &s.free_reqs {
            free[r as usize] = true;
        }
        let mut waiting = vec![false; s.reqs.len()];
        for pool in &s.pools {
            for &(r, _) in &pool.backlog {
                waiting[r as usize] = true;
            }
        }
        let mut delivering = vec![0u32; s.pools.len()];
        for (r, q) in s.reqs.iter().enumerate() {
            if free[r] {
                continue;
            }
            for &(h, i) in &q.held {
                phases[h as usize][i as usize] = Some(HopPhase::Held);
            }
            if q.delivering {
                delivering[q.at as usize] += 1;
            } else if !waiting[r] {
                let until = s.pools[q.at as usize].ready_at[q.inst as usize];
                phases[q.at as usize][q.inst as usize] =
                    Some(if until > t { HopPhase::Init { until } } else { HopPhase::Working });
            }
        }
        let hops = s
            .pools
            .iter()
            .enumerate()
            .map(|(h, pool)| {
                let keep_alive = s.p.hops[h].keep_alive;
                // Idle instances past their keep-alive are gone (the run removes them when it next looks).
                for &(i, since) in pool.idle.iter().filter(|&&(_, since)| t - since <= keep_alive) {
                    phases[h][i as usize] = Some(HopPhase::Idle { expires: since + keep_alive });
                }
                HopState {
                    instances: std::mem::take(&mut phases[h]).into_iter().flatten().collect(),
                    backlog: pool.backlog.len() as u32,
                    delivering: delivering[h],
                    cold_starts: pool.next_id as u64,
                }
            })
            .collect();
        ChainState { t, hops, arrived: self.requests, completed: self.completed }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::chain::{simulate, Hop, Link};
    use crate::model::cost::Pricing;

    /// Three hops, the last behind a queue, the middle one small enough to fill its backlog in a crowd.
    fn chain() -> (LoadCurve, ChainParams) {
        let curve = LoadCurve::from_pairs(&[
            (0.0, 5.0),
            (60.0, 5.0),
            (70.0, 150.0),
            (150.0, 150.0),
            (160.0, 5.0),
            (300.0, 5.0),
        ])
        .unwrap();
        let h = Hop { keep_alive: 30.0, ..Hop::default() };
        let p = ChainParams {
            hops: vec![h, Hop { max_instances: 12, ..h }, Hop { link: Link::Queue { delay: 0.5 }, ..h }],
        };
        (curve, p)
    }

    /// The view is the run the figures come from: between two bin edges it counts exactly the bin's arrivals; at the
    /// end every request has left and every hop's instances started are its cold starts.
    #[test]
    fn the_view_counts_what_the_runs_bins_count() {
        let (curve, p) = chain();
        let r = simulate(&p, &curve, &Pricing::default(), 11);
        let width = r.bin_width;
        let mut times: Vec<f64> = (0..=r.bins.len()).map(|k| k as f64 * width).collect();
        times.push(1e9);
        let states = chain_states(&curve, &p, 11, &times);
        for (k, b) in r.bins.iter().enumerate() {
            assert_eq!(states[k + 1].arrived - states[k].arrived, b.requests, "bin {k}");
        }
        let end = states.last().unwrap();
        assert_eq!(end.completed, end.arrived);
        assert!(end.hops.iter().all(|h| h.backlog == 0 && h.delivering == 0));
        assert!(end.hops.iter().all(|h| h.counts()[..3] == [0, 0, 0]), "nothing works after the end");
    }

    /// Every state is consistent: each request in the chain is at one place, a synchronous caller is held while the
    /// next hop works, the small hop fills its backlog in the crowd, requests travel through the queue, and a
    /// replay built in pieces gives the states of a run from the start.
    #[test]
    fn states_are_consistent_and_a_replay_gives_them() {
        let (curve, p) = chain();
        let times: Vec<f64> = (0..120).map(|k| 2.5 * k as f64).collect();
        let states = chain_states(&curve, &p, 4, &times);
        let (mut held, mut backlog, mut delivering, mut init) = (0, 0, 0, 0);
        for s in &states {
            let in_chain = s.arrived - s.completed;
            let [i0, w0, h0, _] = s.hops[0].counts();
            let [i1, w1, h1, _] = s.hops[1].counts();
            let [i2, w2, h2, _] = s.hops[2].counts();
            // A request is working or initialising at one hop, or waiting in a backlog, or on its way through the
            // queue; the held instances are its synchronous callers.
            let placed = (i0 + w0 + i1 + w1 + i2 + w2) as u64
                + s.hops.iter().map(|h| (h.backlog + h.delivering) as u64).sum::<u64>();
            assert_eq!(placed, in_chain, "at {}", s.t);
            assert_eq!(
                h0,
                i1 + w1 + s.hops[1].backlog as usize,
                "hop 1 holds a caller per request at hop 2, at {}",
                s.t
            );
            assert_eq!(h1 + h2, 0, "the queue releases its callers");
            assert!(s.hops[1].instances.len() <= 12);
            held += h0;
            backlog += s.hops[1].backlog;
            delivering += s.hops[2].delivering;
            init += i0 + i1 + i2;
        }
        assert!(held > 0 && backlog > 0 && delivering > 0 && init > 0, "{held} {backlog} {delivering} {init}");
        let mut r = Replay::new(&curve, &p, 4);
        for to in [3.0, 50.0, 71.0, 200.0, 1e9] {
            r.extend(to);
        }
        assert!(r.done());
        for &t in &[0.0, 12.5, 75.0, 149.0, 151.25, 299.0] {
            assert_eq!(r.states(&[t]).unwrap(), chain_states(&curve, &p, 4, &[t]), "at {t}");
        }
        while !r.seek(140.0, 50.0) {}
        assert_eq!(r.states(&[140.0, 141.0]).unwrap(), chain_states(&curve, &p, 4, &[140.0, 141.0]));
    }
}
