//! Event-driven chains: k functions in sequence, each with its own instances, linked synchronously or by a queue.
//!
//! # Model
//! Requests arrive at the first function with the load curve's rate (Poisson). Each function (hop) scales per
//! request like Lambda: a warm idle instance if there is one (the most recently used, so older ones can expire after
//! `keep_alive`), otherwise a new instance paying a cold start, unless the hop is at `max_instances`, in which case
//! the request waits in the hop's FIFO backlog. A hop works for its service time, then triggers the next hop:
//! - `Sync`: the caller invokes the next function and waits for the answer, keeping its instance busy (and billed)
//!   until the rest of the synchronous segment returns;
//! - `Queue`: the caller puts a message on a queue and returns; the next hop receives it after `delay` (poll or
//!   delivery time).
//!
//! Each hop draws its cold starts and service times from its own random stream.
//!
//! # Per-length comparison
//! The chain of j hops is compared for every j ≤ k. A chain of j hops whose next hop is behind a queue behaves
//! exactly as the first j hops of a longer chain (nothing after a queue holds them, and their draws come from their
//! own streams), so its figures are taken inside the shortest longer run that is needed anyway ([`runs`]); a length
//! whose next hop is called synchronously is a run of its own (there, the longer chain keeps the caller busy).
//!
//! # Formula beside it
//! The seeds' E(k) = E_init + E_trigger·k: one initialisation plus k hops of trigger and execution time. It charges
//! one cold start per chain; the simulation shows that each hop can be cold on its own, so the chance that at least
//! one hop is cold grows with k, and with it the tail.

pub mod live;

use super::cost::Pricing;
use super::dist::{rng, Dist, Sampler, SimRng};
use super::engine::arrivals::ArrivalStream;
use super::engine::heap::{TimeHeap, Timed};
use super::engine::{bin_width, MAX_BINS};
use super::fmin;
use super::load::LoadCurve;
use super::registry::{
    digest_json, parts_of, ChartInput, ChartSpec, FigureSpec, Formula, Model, ModelKind, Output, Reading,
};
use super::scenario::Scenario;
use super::stats::{split_by_bins, Histogram, Percentiles};
use super::units::{fmt_duration, Unit};
use crate::charts::models as mc;
use crate::charts::spec::Chart;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Arc;

/// How a hop is triggered by the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "LinkJson")]
pub enum Link {
    /// Direct invocation; the caller waits.
    Sync,
    /// Through a queue: the message arrives after `delay` [s].
    Queue {
        /// Delivery delay [s].
        delay: f64,
    },
}

/// The JSON form of a [`Link`], read as one object ([`crate::model::need`]).
#[derive(Deserialize)]
#[serde(expecting = "a link (an object with a kind)")]
struct LinkJson {
    kind: String,
    delay: Option<f64>,
}

impl TryFrom<LinkJson> for Link {
    type Error = String;
    fn try_from(j: LinkJson) -> Result<Self, String> {
        Ok(match j.kind.as_str() {
            "sync" => Link::Sync,
            "queue" => Link::Queue { delay: crate::model::need(j.delay, "delay")? },
            other => return Err(crate::model::unknown_kind(other, &["sync", "queue"])),
        })
    }
}

/// One function of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hop {
    /// Service time of a warm request [s].
    pub service: Dist,
    /// Cold-start latency [s].
    pub init: Dist,
    /// Idle time before an instance is removed [s].
    pub keep_alive: f64,
    /// Most instances at once.
    pub max_instances: u32,
    /// How this hop is triggered by the previous one (ignored for the first).
    pub link: Link,
    /// Memory [MB].
    pub memory_mb: f64,
}

impl Default for Hop {
    fn default() -> Self {
        Hop {
            service: Dist::LogNormal { mean: 0.1, cv: 0.5 },
            init: Dist::LogNormal { mean: 0.265, cv: 354.0 / 265.0 },
            keep_alive: 600.0,
            max_instances: 1000,
            link: Link::Sync,
            memory_mb: 512.0,
        }
    }
}

/// The chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainParams {
    /// The functions, first to last (1–20). Default: four hops, the middle one behind a queue (50 ms delivery).
    pub hops: Vec<Hop>,
}

impl Default for ChainParams {
    fn default() -> Self {
        let h = Hop::default();
        ChainParams { hops: vec![h, h, Hop { link: Link::Queue { delay: 0.05 }, ..h }, h] }
    }
}

impl ChainParams {
    /// Checks every field; the message names it.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=20).contains(&self.hops.len()) {
            return Err("chain.hops: between 1 and 20 functions".into());
        }
        for (i, h) in self.hops.iter().enumerate() {
            h.service.validate(&format!("chain.hops[{i}].service"))?;
            h.init.validate(&format!("chain.hops[{i}].init"))?;
            if !(h.keep_alive.is_finite() && h.keep_alive > 0.0) {
                return Err(format!("chain.hops[{i}].keep_alive: must be above 0 s"));
            }
            if !(1..=100_000).contains(&h.max_instances) {
                return Err(format!("chain.hops[{i}].max_instances: must be between 1 and 100000"));
            }
            if let Link::Queue { delay } = h.link {
                if !(delay.is_finite() && (0.0..=3600.0).contains(&delay)) {
                    return Err(format!("chain.hops[{i}].link.delay: must be between 0 and 3600 s"));
                }
            }
            if !(h.memory_mb.is_finite() && (128.0..=10_240.0).contains(&h.memory_mb)) {
                return Err(format!("chain.hops[{i}].memory_mb: must be between 128 and 10240 MB"));
            }
        }
        Ok(())
    }

    /// The seeds' E(k) = E_init + E_trigger·k for the first `k` hops [s]: one mean init plus, per hop, its mean
    /// service and queue delay.
    pub fn seed_formula(&self, k: usize) -> f64 {
        let e_init = self.hops[0].init.mean();
        e_init
            + self.hops[..k]
                .iter()
                .map(|h| h.service.mean() + if let Link::Queue { delay } = h.link { delay } else { 0.0 })
                .sum::<f64>()
    }
}

/// One time bin.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChainBin {
    /// Start [s].
    pub t: f64,
    /// Requests that arrived [requests].
    pub requests: u64,
    /// End-to-end latency of the requests arriving in the bin [s].
    pub latency: Percentiles,
    /// Requests with at least one cold hop [requests].
    pub cold: u64,
    /// Mean requests waiting in the hops' backlogs [requests].
    pub backlog: f64,
}

/// Results for one chain length.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ChainSummary {
    /// Hops [-].
    pub hops: usize,
    /// End-to-end latency [s].
    pub latency: Percentiles,
    /// Latency of requests with no cold hop [s].
    pub latency_all_warm: Percentiles,
    /// Probability that at least one hop is cold [-].
    pub any_cold_prob: f64,
    /// Share of p99 due to cold hops: (p99 − p99 all-warm) / p99 [-].
    pub p99_cold_share: f64,
    /// Billed compute per request, sync waiting included [GB-s].
    pub gb_s_per_request: f64,
    /// Pay-per-use price per request: one invocation per hop plus the billed compute, without free tier [$].
    pub cost_per_request: f64,
    /// The seeds' E(k) [s].
    pub seed_formula: f64,
}

/// Results of the chain model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChainResult {
    /// Bin width [s].
    pub bin_width: f64,
    /// The whole chain over time.
    pub bins: Vec<ChainBin>,
    /// The whole chain.
    pub summary: ChainSummary,
    /// Chains of 1, 2, …, k hops (the first hops of this chain), for the latency-per-length chart.
    pub by_length: Vec<ChainSummary>,
}

/// An event: request `r` enters hop `hop`, or, with [`WORKED`] set, finishes its own work there (on the instance
/// its `inst` names). 16 bytes, so the heap moves little (a third faster in wasm than
/// the breaker's 32-byte entries, with the same results: docs/performance.md).
#[derive(Debug, Clone, Copy)]
struct Ev {
    t: f64,
    r: u32,
    hop: u32,
}

const WORKED: u32 = 1 << 31;

impl Timed for Ev {
    #[inline(always)]
    fn time(&self) -> f64 {
        self.t
    }
}

#[derive(Debug, Default, Clone)]
struct Pool {
    /// Idle instances (index, idle since), most recently idle last.
    idle: VecDeque<(u32, f64)>,
    /// Live instances.
    live: u32,
    next_id: u32,
    /// Backlog: (request, time it started waiting).
    backlog: VecDeque<(u32, f64)>,
    /// When each instance started being billed for the request it holds.
    busy_since: Vec<f64>,
    /// When each instance's initialisation ends (its cold start) [s].
    ready_at: Vec<f64>,
}

#[derive(Debug, Clone, Default)]
struct Req {
    arrival: f64,
    cold: bool,
    /// The instance it holds at the hop it is in (a request is at one hop at a time).
    inst: u32,
    /// Instances held by a synchronous segment, waiting for the answer: (hop, instance).
    held: Vec<(u32, u32)>,
    /// The hop it is at, or on its way to through a queue (`delivering`); for the live view ([`live::ChainState`]).
    at: u32,
    delivering: bool,
}

#[derive(Clone)]
struct Sim {
    /// Shared, so that a run's state can be kept and copied ([`live::Replay`]).
    p: Arc<ChainParams>,
    /// One stream per hop, so a hop's draws do not depend on the hops after it (see [`runs`]).
    rngs: Vec<SimRng>,
    services: Vec<Sampler>,
    inits: Vec<Sampler>,
    pools: Vec<Pool>,
    reqs: Vec<Req>,
    free_reqs: Vec<u32>,
    /// Pending events; at most one per request. Events at equal times (none, but by chance, with continuous
    /// draws) come out in the order of the heap's moves, the same on every run.
    queue: TimeHeap<Ev>,
    /// Billed compute per hop [GB-s].
    billed_gb_s: Vec<f64>,
    /// Requests in all the hops' backlogs.
    waiting: usize,
}

/// `push`, `release`, `release_held` and `Cut::record` are always inlined: at opt-level "s" (the browser build) they
/// stayed calls, which V8's wasm code pays for by storing and reloading the loop's live values. `enter` stays a
/// call: inlined at its five places it added much code for little (docs/performance.md).
impl Sim {
    #[inline(always)]
    fn push(&mut self, t: f64, r: u32, hop: u32) {
        self.queue.push_late(Ev { t, r, hop });
    }

    /// Gives request `r` an instance of hop `h` at `t`, or puts it in the backlog.
    fn enter(&mut self, t: f64, r: u32, h: u32) {
        let hop = self.p.hops[h as usize];
        let pool = &mut self.pools[h as usize];
        // Instances idle longer than the keep-alive are gone (the list is in the order they became idle).
        while pool.idle.front().is_some_and(|&(_, since)| t - since > hop.keep_alive) {
            pool.idle.pop_front();
            pool.live -= 1;
        }
        // The most recently used idle instance, so older ones can expire.
        let (inst, ready) = if let Some((i, _)) = pool.idle.pop_back() {
            (i, t)
        } else if pool.live < hop.max_instances {
            pool.live += 1;
            let i = pool.next_id;
            pool.next_id += 1;
            pool.busy_since.push(0.0);
            let ready = t + self.inits[h as usize].sample(&mut self.rngs[h as usize]);
            pool.ready_at.push(ready);
            self.reqs[r as usize].cold = true;
            (i, ready)
        } else {
            pool.backlog.push_back((r, t));
            self.waiting += 1;
            (self.reqs[r as usize].at, self.reqs[r as usize].delivering) = (h, false);
            return;
        };
        self.pools[h as usize].busy_since[inst as usize] = t;
        let done = ready + self.services[h as usize].sample(&mut self.rngs[h as usize]);
        let q = &mut self.reqs[r as usize];
        (q.inst, q.at, q.delivering) = (inst, h, false);
        self.push(done, r, h | WORKED);
    }

    /// The synchronous callers of request `r` get their answer at `t`: frees the instances they held, innermost
    /// caller first (keeping the list's allocation for the slot's next request).
    #[inline(always)]
    fn release_held(&mut self, t: f64, r: u32) {
        let mut held = std::mem::take(&mut self.reqs[r as usize].held);
        for &(h, i) in held.iter().rev() {
            self.release(t, h, i);
        }
        held.clear();
        self.reqs[r as usize].held = held;
    }

    /// Frees instance `i` of hop `h` at `t` and serves that hop's backlog.
    #[inline(always)]
    fn release(&mut self, t: f64, h: u32, i: u32) {
        let gb = self.p.hops[h as usize].memory_mb / 1024.0;
        let pool = &mut self.pools[h as usize];
        self.billed_gb_s[h as usize] += (t - pool.busy_since[i as usize]) * gb;
        pool.idle.push_back((i, t));
        if let Some((r, _)) = pool.backlog.pop_front() {
            self.waiting -= 1;
            self.enter(t, r, h);
        }
    }
}

/// The end-to-end figures of one chain length, gathered while a run passes its last hop.
#[derive(Default, Clone)]
struct Cut {
    all: Histogram,
    warm: Histogram,
    cold: u64,
}

impl Cut {
    /// A request that has passed the length's last hop `lat` seconds after it arrived.
    #[inline(always)]
    fn record(&mut self, lat: f64, cold: bool) {
        self.all.record(lat);
        if cold {
            self.cold += 1;
        } else {
            self.warm.record(lat);
        }
    }
}

/// Simulates the first `m` hops; returns the bins of those `m` hops and the summaries of each length in `lengths`
/// (`m`, or shorter lengths whose next hop is behind a queue: [`runs`]).
fn run(
    p: &ChainParams,
    m: usize,
    lengths: &[usize],
    curve: &LoadCurve,
    pricing: &Pricing,
    seed: u64,
) -> (Vec<ChainBin>, Vec<ChainSummary>) {
    let mut r = Run::new(p, m, lengths, curve, seed);
    r.step(f64::INFINITY);
    let _analysis = crate::model::observe::analyse();
    r.finish(pricing)
}

/// A run of the first `m` hops that can stop at any time and go on ([`Run::step`]): what [`run`] does in one go, and
/// what a [`live::Replay`] keeps copies of (public only for its sake; its fields are private).
#[derive(Clone)]
pub struct Run {
    s: Sim,
    m: usize,
    end: f64,
    width: f64,
    inv_width: f64,
    bins: Vec<ChainBin>,
    /// The latencies of each bin's requests (none in a replay's copies).
    hists: Vec<Option<Box<Histogram>>>,
    /// Per hop: the length whose figures are taken when a request leaves it (its index in `cuts`), if any.
    cut_after: Vec<Option<usize>>,
    cuts: Vec<Cut>,
    arrivals: ArrivalStream,
    next_arrival: f64,
    /// When the last event was [s].
    last: f64,
    requests: u64,
    /// Requests that have left the last hop.
    completed: u64,
}

impl Run {
    fn new(p: &ChainParams, m: usize, lengths: &[usize], curve: &LoadCurve, seed: u64) -> Run {
        let end = curve.duration();
        let width = bin_width(end, MAX_BINS);
        let nb = ((end / width).ceil() as usize).max(1);
        let mut cut_after: Vec<Option<usize>> = vec![None; m];
        let mut cuts: Vec<Cut> = Vec::new();
        for &j in lengths.iter().filter(|&&j| (1..=m).contains(&j)) {
            cut_after[j - 1] = Some(cuts.len());
            cuts.push(Cut::default());
        }
        let s = Sim {
            p: Arc::new(p.clone()),
            rngs: (0..m).map(|h| rng(seed, 40 + h as u64)).collect(),
            services: p.hops.iter().map(|h| h.service.sampler()).collect(),
            inits: p.hops.iter().map(|h| h.init.sampler()).collect(),
            pools: (0..m).map(|_| Pool::default()).collect(),
            reqs: Vec::new(),
            free_reqs: Vec::new(),
            queue: TimeHeap::default(),
            billed_gb_s: vec![0.0; m],
            waiting: 0,
        };
        let mut arrivals = ArrivalStream::new(curve, seed);
        let next_arrival = arrivals.take();
        Run {
            s,
            m,
            end,
            width,
            inv_width: 1.0 / width,
            bins: (0..nb).map(|i| ChainBin { t: i as f64 * width, ..Default::default() }).collect(),
            hists: vec![None; nb],
            cut_after,
            cuts,
            arrivals,
            next_arrival,
            last: 0.0,
            requests: 0,
            completed: 0,
        }
    }

    #[inline(always)]
    fn bin(&self, t: f64) -> usize {
        ((t * self.inv_width) as usize).min(self.bins.len() - 1)
    }

    /// Takes the events before `stop` [s]; whether any are left.
    fn step(&mut self, stop: f64) -> bool {
        let (m, end, width, nb) = (self.m, self.end, self.width, self.bins.len());
        loop {
            let s = &mut self.s;
            let t_ev = s.queue.peek_time();
            let t = fmin(t_ev, self.next_arrival);
            if t == f64::INFINITY {
                return false;
            }
            if t >= stop {
                return true;
            }
            // Backlog, time-averaged per bin (clipped to the curve).
            let waiting = s.waiting;
            if waiting > 0 {
                let bins = &mut self.bins;
                split_by_bins(fmin(self.last, end), fmin(t, end), width, nb, |i, dt| {
                    bins[i].backlog += waiting as f64 * dt / width
                });
            }
            self.last = t;
            if self.next_arrival <= t_ev {
                let r = match s.free_reqs.pop() {
                    Some(r) => {
                        // Set in place: the slot's `held` list is empty and keeps its allocation (a new `Req` here
                        // dropped the old one, a call per request in wasm).
                        let q = &mut s.reqs[r as usize];
                        (q.arrival, q.cold, q.inst) = (t, false, 0);
                        r
                    }
                    None => {
                        s.reqs.push(Req { arrival: t, ..Req::default() });
                        (s.reqs.len() - 1) as u32
                    }
                };
                let b = self.bin(t);
                self.bins[b].requests += 1;
                self.requests += 1;
                self.s.enter(t, r, 0);
                self.next_arrival = self.arrivals.take();
                continue;
            }
            let Ev { r, hop, .. } = s.queue.pop().expect("an event is due");
            let h = hop & !WORKED;
            if hop & WORKED == 0 {
                s.enter(t, r, h);
                continue;
            }
            let i = s.reqs[r as usize].inst;
            let next = h as usize + 1;
            if next < m {
                match s.p.hops[next].link {
                    Link::Sync => {
                        s.reqs[r as usize].held.push((h, i));
                        s.enter(t, r, next as u32);
                    }
                    Link::Queue { delay } => {
                        s.release(t, h, i);
                        // The segment before the queue returns now: its waiting callers are released.
                        s.release_held(t, r);
                        // Here the chain of `next` hops would have ended, and so far it went just as this one:
                        // its end-to-end figures.
                        if let Some(c) = self.cut_after[h as usize] {
                            let req = &s.reqs[r as usize];
                            self.cuts[c].record(t - req.arrival, req.cold);
                        }
                        let q = &mut s.reqs[r as usize];
                        (q.at, q.delivering) = (next as u32, true);
                        s.push(t + delay, r, next as u32);
                    }
                }
            } else {
                s.release(t, h, i);
                s.release_held(t, r);
                let req = &s.reqs[r as usize];
                let (arrival, cold) = (req.arrival, req.cold);
                let lat = t - arrival;
                let b = self.bin(arrival);
                self.hists[b].get_or_insert_with(Default::default).record(lat);
                if cold {
                    self.bins[b].cold += 1;
                }
                if let Some(c) = self.cut_after[h as usize] {
                    self.cuts[c].record(lat, cold);
                }
                self.s.free_reqs.push(r);
                self.completed += 1;
            }
        }
    }

    fn finish(mut self, pricing: &Pricing) -> (Vec<ChainBin>, Vec<ChainSummary>) {
        let p = Arc::clone(&self.s.p);
        for (b, h) in self.bins.iter_mut().zip(&self.hists) {
            b.latency = h.as_deref().map(Histogram::percentiles).unwrap_or_default();
        }
        let requests = self.requests;
        let per_request = |x: f64| if requests > 0 { x / requests as f64 } else { 0.0 };
        let (s, cuts) = (&self.s, &self.cuts);
        let summaries = self
            .cut_after
            .iter()
            .enumerate()
            .filter_map(|(h, c)| c.map(|c| (h + 1, &cuts[c])))
            .map(|(j, cut)| {
                let (latency, latency_all_warm) = (cut.all.percentiles(), cut.warm.percentiles());
                let gb_s_per_request = per_request(s.billed_gb_s[..j].iter().sum());
                ChainSummary {
                    hops: j,
                    latency,
                    latency_all_warm,
                    any_cold_prob: per_request(cut.cold as f64),
                    p99_cold_share: if latency.p99 > 0.0 {
                        ((latency.p99 - latency_all_warm.p99) / latency.p99).max(0.0)
                    } else {
                        0.0
                    },
                    gb_s_per_request,
                    cost_per_request: if requests > 0 {
                        j as f64 * pricing.per_million_requests / 1e6 + gb_s_per_request * pricing.per_gb_s
                    } else {
                        0.0
                    },
                    seed_formula: p.seed_formula(j),
                }
            })
            .collect();
        (self.bins, summaries)
    }
}

/// The runs the per-length comparison needs, each with the lengths it gives (ascending). A chain of j hops whose
/// next hop is behind a queue behaves exactly as the first j hops of a longer chain (nothing after a queue holds
/// them, and each hop draws from its own stream), so it comes from the shortest longer run; every other length is
/// a run of its own. Default chain (queue before the third hop): runs of 1, 3 (giving 2 and 3) and 4 hops, 8 hop
/// passes per request instead of 10.
pub fn runs(p: &ChainParams) -> Vec<(usize, Vec<usize>)> {
    let k = p.hops.len();
    let mut runs: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut waiting: Vec<usize> = Vec::new();
    for j in 1..=k {
        waiting.push(j);
        if j == k || !matches!(p.hops[j].link, Link::Queue { .. }) {
            runs.push((j, std::mem::take(&mut waiting)));
        }
    }
    runs
}

/// Runs the chain, and its first 1, 2, … hops for the per-length comparison, priced with `pricing` (validate first).
pub fn simulate(p: &ChainParams, curve: &LoadCurve, pricing: &Pricing, seed: u64) -> ChainResult {
    let all: Vec<usize> = (1..=p.hops.len()).collect();
    simulate_lengths(p, curve, pricing, seed, &all)
}

/// The chain's first `j` hops for each `j` of `lengths` (1 ..= k), from the runs that give them ([`runs`]): a part
/// of [`simulate`]'s result. The whole chain's bins and summary are there only if `k` is among `lengths` (otherwise
/// no bins); parts run apart (in separate workers) merge with [`ChainResult::merge`] into exactly what
/// [`simulate`] gives (validate first).
pub fn simulate_lengths(
    p: &ChainParams,
    curve: &LoadCurve,
    pricing: &Pricing,
    seed: u64,
    lengths: &[usize],
) -> ChainResult {
    let k = p.hops.len();
    let bin_width = bin_width(curve.duration(), MAX_BINS);
    let mut r = ChainResult { bin_width, bins: Vec::new(), summary: ChainSummary::default(), by_length: Vec::new() };
    let wanted: Vec<usize> = lengths.iter().map(|&j| j.clamp(1, k)).collect();
    let todo: Vec<(usize, Vec<usize>)> = runs(p)
        .into_iter()
        .map(|(m, gives)| (m, gives.into_iter().filter(|j| wanted.contains(j)).collect::<Vec<_>>()))
        .filter(|(_, these)| !these.is_empty())
        .collect();
    // Each run a stage of the progress, as long as its hop visits and arrivals (as in `Scenario::pieces`).
    let weights: Vec<f64> = todo.iter().map(|(m, _)| (m + 1) as f64).collect();
    for ((m, these), (from, to)) in todo.iter().zip(crate::model::observe::spans(&weights)) {
        let _stage = crate::model::observe::stage(from, to);
        let (mut bins, summaries) = run(p, *m, these, curve, pricing, seed);
        for s in summaries {
            if s.hops == k {
                r.bins = std::mem::take(&mut bins);
                r.summary = s;
            }
            r.by_length.push(s);
        }
    }
    r.by_length.sort_by_key(|s| s.hops);
    r
}

impl ChainResult {
    /// The part of this result a run giving `lengths` yields ([`simulate_lengths`] of those lengths): their
    /// summaries, and the whole chain's bins and summary if `whole` (the run of the whole chain).
    pub fn part(&self, lengths: &[usize], whole: bool) -> ChainResult {
        ChainResult {
            bin_width: self.bin_width,
            bins: if whole { self.bins.clone() } else { Vec::new() },
            summary: if whole { self.summary } else { ChainSummary::default() },
            by_length: self.by_length.iter().filter(|s| lengths.contains(&s.hops)).copied().collect(),
        }
    }

    /// The whole result from parts of it ([`simulate_lengths`] over disjoint lengths that cover 1 ..= k); an error
    /// says which length is missing or repeated.
    pub fn merge(parts: Vec<ChainResult>) -> Result<ChainResult, String> {
        let mut parts = parts.into_iter();
        let mut whole = parts.next().ok_or("no part of the chain model to merge")?;
        for part in parts {
            if !part.bins.is_empty() {
                whole.bins = part.bins;
                whole.summary = part.summary;
            }
            whole.by_length.extend(part.by_length);
        }
        whole.by_length.sort_by_key(|s| s.hops);
        for (i, s) in whole.by_length.iter().enumerate() {
            if s.hops != i + 1 {
                return Err(format!("the chain model's parts do not fit: length {} where {} belongs", s.hops, i + 1));
            }
        }
        if whole.bins.is_empty() || whole.summary.hops != whole.by_length.len() {
            return Err("the chain model's parts do not fit: the whole chain is missing".into());
        }
        Ok(whole)
    }
}

/// The chain's entry in the registry: one piece per run of [`runs`]; a run of m hops reads the first m hops only,
/// so a chain made longer keeps its shorter runs (the run of the whole chain, which gives its bins, is keyed apart).
pub struct ChainModel;

/// A figure read from the chain's summary alone.
macro_rules! from_summary {
    ($f:expr) => {
        |_: &Scenario, o: &Output| o.chain().map(|r| &r.summary).map($f)
    };
}

const FIGURES: &[FigureSpec] = &[
    FigureSpec {
        section: "chains",
        label: "ch.f.p50",
        id: "chain-p50",
        compare: None,
        unit: Unit::Duration,
        read: from_summary!(|s| Reading::of(s.latency.p50)),
    },
    FigureSpec {
        section: "chains",
        label: "ch.f.p99",
        id: "chain-p99",
        compare: Some("cmp.chain_p99"),
        unit: Unit::Duration,
        read: from_summary!(|s| Reading::of(s.latency.p99)),
    },
    FigureSpec {
        section: "chains",
        label: "ch.f.cold",
        id: "chain-cold",
        compare: None,
        unit: Unit::Share,
        read: from_summary!(|s| Reading::of(s.any_cold_prob)),
    },
    FigureSpec {
        section: "chains",
        label: "ch.f.cold_share",
        id: "chain-cold-share",
        compare: None,
        unit: Unit::Share,
        read: from_summary!(|s| Reading::of(s.p99_cold_share)),
    },
    FigureSpec {
        section: "chains",
        label: "ch.f.cost",
        id: "chain-cost",
        compare: None,
        unit: Unit::Usd,
        read: from_summary!(|s| Reading::of(s.cost_per_request * 1e6)),
    },
];

impl Model for ChainModel {
    fn kind(&self) -> ModelKind {
        ModelKind::Chain
    }
    fn section(&self) -> &'static str {
        "chains"
    }
    fn work_unit(&self) -> &'static str {
        "work.visits"
    }
    fn prior_rate(&self) -> f64 {
        15_000.0
    }
    fn inputs(&self, s: &Scenario) -> String {
        serde_json::to_string(&(s.seed, &s.load, &s.chain, &s.scaling.pricing)).unwrap_or_default()
    }
    fn work(&self, s: &Scenario) -> f64 {
        self.pieces(s).iter().sum()
    }
    fn run(&self, s: &Scenario) -> Output {
        Output::Chain(simulate(&s.chain, &s.load, &s.scaling.pricing, s.seed))
    }
    /// A run of m hops: m hop visits and the arrival per request.
    fn pieces(&self, s: &Scenario) -> Vec<f64> {
        let requests = s.load.expected_requests();
        runs(&s.chain).iter().map(|(m, _)| requests * (m + 1) as f64).collect()
    }
    fn piece_keys(&self, s: &Scenario) -> Option<Vec<String>> {
        let common = digest_json(&(s.seed, &s.load, &s.scaling.pricing));
        let hops = &s.chain.hops;
        let key = |(m, gives): &(usize, Vec<usize>)| {
            let run = serde_json::to_string(&(&hops[..*m], gives, *m == hops.len()));
            format!("{common}|{}", run.unwrap_or_default())
        };
        Some(runs(&s.chain).iter().map(key).collect())
    }
    fn run_some(&self, s: &Scenario, which: &[usize]) -> Output {
        let runs = runs(&s.chain);
        let lengths: Vec<usize> = which.iter().flat_map(|&i| runs[i].1.iter().copied()).collect();
        Output::Chain(simulate_lengths(&s.chain, &s.load, &s.scaling.pricing, s.seed, &lengths))
    }
    fn merge(&self, parts: Vec<Output>) -> Result<Output, String> {
        let parts = parts_of(parts, |o| match o {
            Output::Chain(c) => Some(c),
            _ => None,
        })?;
        Ok(Output::Chain(ChainResult::merge(parts)?))
    }
    fn piece_outputs(&self, s: &Scenario, out: &Output) -> Vec<Output> {
        let Some(c) = out.chain() else { return Vec::new() };
        let k = s.chain.hops.len();
        runs(&s.chain).iter().map(|(m, gives)| Output::Chain(c.part(gives, *m == k))).collect()
    }
    fn charts(&self) -> &'static [ChartSpec] {
        CHARTS
    }
    fn figures(&self) -> &'static [FigureSpec] {
        FIGURES
    }
    fn formulas(&self, _s: &Scenario, out: &Output) -> Vec<Formula> {
        let Some(r) = out.chain() else { return Vec::new() };
        let s = &r.summary;
        let args = vec![
            s.hops.to_string(),
            fmt_duration(s.seed_formula),
            fmt_duration(s.latency.mean),
            fmt_duration(s.latency.p99),
        ];
        vec![Formula { key: "ch.formula", args }]
    }
    fn cli(&self, s: &Scenario) -> Option<serde_json::Value> {
        let out = &self.run(s);
        let r = out.chain()?;
        Some(serde_json::json!({ "summary": r.summary, "by_length": r.by_length }))
    }
}

/// The chain's charts.
static CHARTS: &[ChartSpec] = &[
    ChartSpec {
        section: "chains",
        title: "ch.c.length",
        id: "chart-chain-length",
        draw: |c| Some(Chart::Xy(mc::chain_by_length(c.out.chain()?, c.a_out().and_then(Output::chain), c.t))),
    },
    ChartSpec {
        section: "chains",
        title: "ch.c.time",
        id: "chart-chain-time",
        draw: |c: &ChartInput| Some(Chart::Time(mc::chain_over_time(c.out.chain()?, c.s.load.duration(), c.t))),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// A length taken inside a longer run ([`runs`]) is the same, to the last bit, as that length run on its own.
    #[test]
    fn a_length_before_a_queue_is_the_same_inside_a_longer_run() {
        let curve = LoadCurve::from_pairs(&[(0.0, 5.0), (300.0, 80.0), (600.0, 5.0)]).unwrap();
        let pricing = Pricing::default();
        let queue = Link::Queue { delay: 0.05 };
        let mut all_queues = ChainParams::default();
        for h in &mut all_queues.hops {
            h.link = queue;
            h.max_instances = 6; // backlogs too (80 req/s of 0.1 s is 8 busy)
        }
        for p in [ChainParams::default(), all_queues] {
            let k = p.hops.len();
            for (m, gives) in runs(&p) {
                let (_, inside) = run(&p, m, &gives, &curve, &pricing, 7);
                assert_eq!(inside.iter().map(|s| s.hops).collect::<Vec<_>>(), gives);
                for s in inside {
                    let (_, alone) = run(&p, s.hops, &[s.hops], &curve, &pricing, 7);
                    assert_eq!(alone, vec![s], "length {} inside the run of {m}", s.hops);
                }
            }
            let count = runs(&p).len();
            assert_eq!(count, if p == ChainParams::default() { 3 } else { 1 }, "runs of {k} hops");
        }
    }
}
