//! Parallel fan-out: a job of N tasks spread over at most P concurrent function instances.
//!
//! # Model
//! The job runs a serial split (`serial_before`), fans out, and ends with a serial reduce (`serial_after`). Up to
//! P instances start, paced by the platform's scaling-rate limit (a token bucket, as in the scaling engine); each pays
//! a cold start, then takes tasks from a shared queue until none is left (greedy list scheduling: the next task goes
//! to the first free instance). A task costs the invocation overhead plus its time, drawn from `task_time`; with
//! probability `straggler_prob` it is a straggler and takes `straggler_factor` times as long (the tail that makes the
//! slowest of N tasks dominate). Each task is one billed invocation; cold starts are billed when INIT billing is on.
//! Monte Carlo runs give the makespan's mean and spread for every P of a sweep.
//!
//! # Formulas beside it
//! - The seed: T = N/P × t, t the mean task time (its text writes 1/t for a per-task *rate*; read as a time per task,
//!   N/P × t is the ideal makespan with no start-up, no tail and no serial part).
//! - T(n) = T_init + T_exec·n: one instance paying one init and running n tasks in a row (the P = 1 case without
//!   overhead).
//! - Amdahl: S(P) = 1 / ((1 − f) + f/P), f the share of the single-instance time that can run in parallel. It bounds
//!   the speedup; cold starts, the rate limit and stragglers keep the simulation below it.

use super::cost::Pricing;
use super::dist::{rng, Dist, SimRng};
use super::engine::heap::{TimeHeap, Timed};
use super::engine::ScaleRate;
use crate::model::check;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Everything the fan-out model needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParallelParams {
    /// Tasks in the job (N).
    pub tasks: u32,
    /// Most instances at once (P) for the headline figures; the sweep goes up to it. Step Functions' Distributed
    /// Map runs up to 10,000 children in parallel by default.
    pub max_parallel: u32,
    /// Time of one task [s]. Default: log-normal, mean 2 s, CV 0.3.
    pub task_time: Dist,
    /// Probability that a task is a straggler [-]. Default 1 %.
    pub straggler_prob: f64,
    /// How many times longer a straggler takes [-]. Default 5.
    pub straggler_factor: f64,
    /// Cold start of each new instance [s]. Default: log-normal 265 ms ± 354 ms (Lambda, Wang et al. 2018).
    pub cold_start: Dist,
    /// Scaling-rate limit, if any. Default: Lambda's 1,000 per 10 s.
    pub scale_rate: Option<ScaleRate>,
    /// Invocation overhead per task [s]. Default 20 ms.
    pub invocation_overhead: f64,
    /// Serial split before the fan-out [s].
    pub serial_before: f64,
    /// Serial reduce after it [s].
    pub serial_after: f64,
    /// Memory of an instance [MB].
    pub memory_mb: f64,
    /// Monte Carlo runs per P.
    pub runs: u32,
}

impl Default for ParallelParams {
    fn default() -> Self {
        ParallelParams {
            tasks: 1000,
            max_parallel: 1000,
            task_time: Dist::LogNormal { mean: 2.0, cv: 0.3 },
            straggler_prob: 0.01,
            straggler_factor: 5.0,
            cold_start: Dist::LogNormal { mean: 0.265, cv: 354.0 / 265.0 },
            scale_rate: Some(ScaleRate { burst: 1000, per_seconds: 10.0 }),
            invocation_overhead: 0.02,
            serial_before: 1.0,
            serial_after: 2.0,
            memory_mb: 1024.0,
            runs: 50,
        }
    }
}

impl ParallelParams {
    /// Checks every field; the message names it.
    pub fn validate(&self) -> Result<(), String> {
        check((1..=1_000_000).contains(&self.tasks), "parallel.tasks: must be between 1 and 1000000")?;
        check((1..=100_000).contains(&self.max_parallel), "parallel.max_parallel: must be between 1 and 100000")?;
        self.task_time.validate("parallel.task_time")?;
        self.cold_start.validate("parallel.cold_start")?;
        check((0.0..=1.0).contains(&self.straggler_prob), "parallel.straggler_prob: must be between 0 and 1")?;
        check(
            self.straggler_factor.is_finite() && (1.0..=1000.0).contains(&self.straggler_factor),
            "parallel.straggler_factor: must be between 1 and 1000",
        )?;
        if let Some(r) = self.scale_rate {
            check(r.burst >= 1, "parallel.scale_rate.burst: at least 1")?;
            check(r.per_seconds.is_finite() && r.per_seconds > 0.0, "parallel.scale_rate.per_seconds: above 0 s")?;
        }
        for (name, v) in [
            ("invocation_overhead", self.invocation_overhead),
            ("serial_before", self.serial_before),
            ("serial_after", self.serial_after),
        ] {
            check(
                v.is_finite() && (0.0..=86_400.0).contains(&v),
                &format!("parallel.{name}: must be between 0 and 86400 s"),
            )?;
        }
        check(
            self.memory_mb.is_finite() && (128.0..=10_240.0).contains(&self.memory_mb),
            "parallel.memory_mb: must be between 128 and 10240 MB",
        )?;
        check((1..=10_000).contains(&self.runs), "parallel.runs: must be between 1 and 10000")?;
        // Bound the work of one call: runs × tasks × sweep points.
        check(
            self.runs as u64 * self.tasks as u64 <= 20_000_000,
            "parallel.runs: runs × tasks must stay below 20,000,000 (fewer runs for a large job)",
        )
    }

    /// Mean time of one task including overhead and stragglers [s].
    pub fn mean_task(&self) -> f64 {
        self.invocation_overhead
            + self.task_time.mean() * (1.0 - self.straggler_prob + self.straggler_prob * self.straggler_factor)
    }
}

/// One point of the sweep over P.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// Instances allowed.
    pub p: u32,
    /// Mean makespan [s].
    pub makespan: f64,
    /// 5th percentile [s].
    pub makespan_p5: f64,
    /// 95th percentile [s].
    pub makespan_p95: f64,
    /// Mean makespan at P = 1 / this mean [-].
    pub speedup: f64,
    /// Speedup / P [-].
    pub efficiency: f64,
    /// Amdahl's bound at this P [-].
    pub amdahl: f64,
    /// The seed's N/P × t plus the serial parts [s].
    pub seed_formula: f64,
    /// Cost of one job [$].
    pub cost: f64,
    /// Billed compute of one job [GB-s].
    pub gb_s: f64,
    /// Mean time of the slowest task [s].
    pub slowest_task: f64,
}

/// Results of the fan-out model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParallelResult {
    /// The sweep over P: 1, 2, 4, … and `max_parallel`.
    pub sweep: Vec<SweepPoint>,
    /// The sweep point at `max_parallel` (or at N, when fewer tasks than instances).
    pub at_max: SweepPoint,
    /// The smallest P reaching 90 % of the best mean makespan's speedup: beyond it more instances barely help.
    pub knee: u32,
    /// T(n) = T_init + T_exec·n for n = N (one instance, no overhead) [s].
    pub seed_chain: f64,
    /// Parallel share f used by Amdahl's law [-].
    pub parallel_share: f64,
}

fn draw_task(p: &ParallelParams, s: &super::dist::Sampler, rng: &mut SimRng) -> f64 {
    let mut t = s.sample(rng);
    if p.straggler_prob > 0.0 && rng.random::<f64>() < p.straggler_prob {
        t *= p.straggler_factor;
    }
    p.invocation_overhead + t
}

/// An instance's next free time, on a grid of whole nanoseconds [ns].
#[derive(Clone, Copy)]
struct Free(f64);

impl Timed for Free {
    fn time(&self) -> f64 {
        self.0
    }
}

/// `t` [s] truncated to whole nanoseconds [ns]: free times are kept on this grid, as when they were ordered as
/// integers, so the results are the same to the bit.
fn ns(t: f64) -> f64 {
    ((t * 1e9) as u64) as f64
}

/// One job with at most `pp` instances: (makespan [s], billed seconds, slowest task [s]).
fn run_once(p: &ParallelParams, pp: u32, pricing: &Pricing, rng: &mut SimRng) -> (f64, f64, f64) {
    let task = p.task_time.sampler();
    let cold = p.cold_start.sampler();
    let workers = pp.min(p.tasks);
    let (burst, rate) = p.scale_rate.map_or((f64::INFINITY, 0.0), |r| (r.burst as f64, r.burst as f64 / r.per_seconds));
    let start = p.serial_before;
    // The instances by their next free time, in the engine's 4-ary heap: each task takes the first free instance
    // and gives it back with its new free time in one walk ([`TimeHeap::replace_top`]). Which of two instances free
    // at the same nanosecond takes the task does not matter: only the free times, not the instances' identities,
    // enter the results. Against std's binary heap of (time in integer ns, instance number) keys: same results to
    // the bit (pinned hashes unchanged; test `same_as_pair_keyed_binary_heap`); the default job's sweep up to
    // P = 50 in cachegrind 266 -> 251 instructions and 0.73 -> 0.38 mispredicts per task, and in wasm in the page
    // 9.5 -> 7.9 ms (median of 40 runs, two alternated pages each).
    let mut free: TimeHeap<Free> = TimeHeap::default();
    let mut billed = 0.0;
    for k in 0..workers {
        let wait = if (k as f64) < burst { 0.0 } else { (k as f64 - burst + 1.0) / rate };
        let c = cold.sample(rng);
        if pricing.bill_init {
            billed += pricing.billed_seconds(c);
        }
        free.push(Free(ns(start + wait + c)));
    }
    let (mut end, mut slowest) = (start, 0.0f64);
    for _ in 0..p.tasks {
        let t_ns = free.peek_time();
        let d = draw_task(p, &task, rng);
        slowest = slowest.max(d);
        billed += pricing.billed_seconds(d);
        let done = t_ns * 1e-9 + d;
        end = end.max(done);
        free.replace_top(Free(ns(done)));
    }
    (end + p.serial_after, billed, slowest)
}

/// The instance counts P of the sweep: 1, 2, 4, … below the top, then the top (`max_parallel`, or N when there are
/// fewer tasks).
pub fn sweep_points(p: &ParallelParams) -> Vec<u32> {
    let top = p.max_parallel.min(p.tasks);
    let mut ps: Vec<u32> = std::iter::successors(Some(1u32), |&x| x.checked_mul(2)).take_while(|&x| x < top).collect();
    ps.push(top);
    ps
}

/// The work of the sweep's point at `pp` instances [tasks and instance starts simulated]: the points are
/// independent (each has its own random stream), so groups of them can run apart ([`simulate_points`]).
pub fn point_work(p: &ParallelParams, pp: u32) -> f64 {
    p.runs as f64 * (p.tasks as f64 + pp.min(p.tasks) as f64)
}

/// Runs the sweep (validate first).
pub fn simulate(p: &ParallelParams, pricing: &Pricing, seed: u64) -> ParallelResult {
    let all: Vec<usize> = (0..sweep_points(p).len()).collect();
    simulate_points(p, pricing, seed, &all)
}

/// Runs the sweep's points `which` (indices into [`sweep_points`], ascending; validate first): a part of
/// [`simulate`]'s result. Parts run apart (in separate workers) merge with [`ParallelResult::merge`] into exactly
/// what [`simulate`] gives; in a part, the speedups and the knee are relative to its own first point.
pub fn simulate_points(p: &ParallelParams, pricing: &Pricing, seed: u64, which: &[usize]) -> ParallelResult {
    let ps = sweep_points(p);
    let gb = p.memory_mb / 1024.0;
    let t1_work = p.tasks as f64 * p.mean_task();
    let serial = p.serial_before + p.serial_after;
    let f = t1_work / (t1_work + serial);
    // Each point's runs first, then their analysis (quantiles, costs, speedups), so a profile shows them apart.
    let mut runs = Vec::with_capacity(which.len());
    for &pp in which.iter().filter_map(|&i| ps.get(i)) {
        let mut r = rng(seed, 20 + pp as u64);
        let mut spans = Vec::with_capacity(p.runs as usize);
        let (mut billed_sum, mut slow_sum) = (0.0, 0.0);
        for _ in 0..p.runs {
            let (m, b, s) = run_once(p, pp, pricing, &mut r);
            spans.push(m);
            billed_sum += b;
            slow_sum += s;
        }
        runs.push((pp, spans, billed_sum, slow_sum));
    }
    let _analysis = crate::model::phase::analyse();
    let mut sweep: Vec<SweepPoint> = Vec::with_capacity(runs.len());
    for (pp, mut spans, billed_sum, slow_sum) in runs {
        spans.sort_by(f64::total_cmp);
        let n = spans.len();
        let q = |x: f64| spans[((x * n as f64).ceil() as usize).clamp(1, n) - 1];
        let mean = spans.iter().sum::<f64>() / n as f64;
        let gb_s = billed_sum / p.runs as f64 * gb;
        sweep.push(SweepPoint {
            p: pp,
            makespan: mean,
            makespan_p5: q(0.05),
            makespan_p95: q(0.95),
            speedup: 0.0,
            efficiency: 0.0,
            amdahl: 1.0 / ((1.0 - f) + f / pp as f64),
            seed_formula: p.tasks as f64 / pp as f64 * p.task_time.mean() + serial,
            cost: p.tasks as f64 * pricing.per_million_requests / 1e6 + gb_s * pricing.per_gb_s,
            gb_s,
            slowest_task: slow_sum / p.runs as f64,
        });
    }
    ParallelResult::from_sweep(sweep, p.cold_start.mean() + p.task_time.mean() * p.tasks as f64, f)
}

impl ParallelResult {
    /// The result of the sweep's points (ascending P, at least one): speedups against the first, the knee, the
    /// point at the top.
    fn from_sweep(mut sweep: Vec<SweepPoint>, seed_chain: f64, parallel_share: f64) -> ParallelResult {
        let t1 = sweep.first().map_or(0.0, |s| s.makespan);
        for s in &mut sweep {
            s.speedup = t1 / s.makespan;
            s.efficiency = s.speedup / s.p as f64;
        }
        // An empty sweep (none is shown: a validated job has at least P = 1) has an all-zero point at the top.
        let at_max = sweep.last().copied().unwrap_or_default();
        let best = sweep.iter().map(|s| s.speedup).fold(0.0, f64::max);
        let knee = sweep.iter().find(|s| s.speedup >= 0.9 * best).map_or(at_max.p, |s| s.p);
        ParallelResult { at_max, sweep, knee, seed_chain, parallel_share }
    }

    /// Each point of the sweep as a result of its own (as [`simulate_points`] gives it for that point alone):
    /// merged ([`ParallelResult::merge`]) they give this result back.
    pub fn points(&self) -> Vec<ParallelResult> {
        self.sweep.iter().map(|&s| ParallelResult::from_sweep(vec![s], self.seed_chain, self.parallel_share)).collect()
    }

    /// The whole sweep from the results of disjoint groups of its points ([`simulate_points`]) that together cover
    /// them all; an error names what does not fit (a point twice, P = 1 or a point between two others missing; the
    /// top point missing looks like a smaller job's sweep).
    pub fn merge(parts: Vec<ParallelResult>) -> Result<ParallelResult, String> {
        let first = parts.first().ok_or("no part of the fan-out sweep to merge")?;
        let (seed_chain, parallel_share) = (first.seed_chain, first.parallel_share);
        if parts.iter().any(|r| r.seed_chain.to_bits() != seed_chain.to_bits()) {
            return Err("the fan-out sweep's parts do not fit: they are of different jobs".into());
        }
        let mut sweep: Vec<SweepPoint> = parts.into_iter().flat_map(|r| r.sweep).collect();
        sweep.sort_by_key(|s| s.p);
        if sweep.first().is_none_or(|s| s.p != 1) {
            return Err("the fan-out sweep's parts do not fit: the point at P = 1 is missing".into());
        }
        // P doubles from point to point, up to the top, which may be less than double the point before it.
        for (i, w) in sweep.windows(2).enumerate() {
            let last = i + 2 == sweep.len();
            if w[1].p == w[0].p {
                return Err(format!("the fan-out sweep's parts do not fit: P = {} twice", w[1].p));
            }
            if (!last && w[1].p != 2 * w[0].p) || w[1].p > 2 * w[0].p {
                return Err(format!(
                    "the fan-out sweep's parts do not fit: a point between P = {} and {}",
                    w[0].p, w[1].p
                ));
            }
        }
        Ok(ParallelResult::from_sweep(sweep, seed_chain, parallel_share))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first version of [`run_once`]: std's binary heap of (free time in integer ns, instance number) keys.
    fn run_once_pair_keyed(p: &ParallelParams, pp: u32, pricing: &Pricing, rng: &mut SimRng) -> (f64, f64, f64) {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let task = p.task_time.sampler();
        let cold = p.cold_start.sampler();
        let workers = pp.min(p.tasks);
        let (burst, rate) =
            p.scale_rate.map_or((f64::INFINITY, 0.0), |r| (r.burst as f64, r.burst as f64 / r.per_seconds));
        let start = p.serial_before;
        let key = |t_ns: u64, k: u32| Reverse(((t_ns as u128) << 32) | k as u128);
        let mut free = BinaryHeap::new();
        let mut billed = 0.0;
        for k in 0..workers {
            let wait = if (k as f64) < burst { 0.0 } else { (k as f64 - burst + 1.0) / rate };
            let c = cold.sample(rng);
            if pricing.bill_init {
                billed += pricing.billed_seconds(c);
            }
            free.push(key(((start + wait + c) * 1e9) as u64, k));
        }
        let (mut end, mut slowest) = (start, 0.0f64);
        for _ in 0..p.tasks {
            let Reverse(packed) = free.pop().unwrap();
            let (t_ns, k) = ((packed >> 32) as u64, packed as u32);
            let d = draw_task(p, &task, rng);
            slowest = slowest.max(d);
            billed += pricing.billed_seconds(d);
            let done = t_ns as f64 * 1e-9 + d;
            end = end.max(done);
            free.push(key((done * 1e9) as u64, k));
        }
        (end + p.serial_after, billed, slowest)
    }

    /// The 4-ary heap of free times gives the same makespans, bills and slowest tasks to the bit as the binary heap
    /// of (time, instance) keys, with random cold starts and also with fixed ones and no rate limit (every instance
    /// free at the same nanosecond: ties everywhere), with fewer and more instances than tasks, and with a rate
    /// limit that spaces the starts.
    #[test]
    fn same_as_pair_keyed_binary_heap() {
        let pricing = Pricing::default();
        let mut cases = vec![ParallelParams { tasks: 300, runs: 1, ..ParallelParams::default() }];
        cases.push(ParallelParams {
            cold_start: Dist::Fixed { value: 0.25 },
            task_time: Dist::Fixed { value: 1.0 },
            straggler_prob: 0.1,
            scale_rate: None,
            ..cases[0].clone()
        });
        cases.push(ParallelParams { scale_rate: Some(ScaleRate { burst: 3, per_seconds: 1.0 }), ..cases[0].clone() });
        for (c, p) in cases.iter().enumerate() {
            for pp in [1, 2, 3, 7, 64, 299, 300, 1000] {
                let (mut a, mut b) = (rng(9, c as u64), rng(9, c as u64));
                for _ in 0..5 {
                    let (x, y) = (run_once(p, pp, &pricing, &mut a), run_once_pair_keyed(p, pp, &pricing, &mut b));
                    assert_eq!(
                        (x.0.to_bits(), x.1.to_bits(), x.2.to_bits()),
                        (y.0.to_bits(), y.1.to_bits(), y.2.to_bits()),
                        "case {c}, P = {pp}"
                    );
                }
            }
        }
    }

    #[test]
    fn mean_task_by_hand() {
        let p = ParallelParams::default();
        // 0.02 + 2 × (0.99 + 0.01 × 5) = 2.1
        assert!((p.mean_task() - 2.1).abs() < 1e-12);
    }
}
