//! Parallel fan-out: a job of N tasks spread over at most P concurrent function instances.
//!
//! # Model
//! The job runs a serial split (`serial_before`), fans out, and ends with a serial reduce (`serial_after`). Up to
//! P instances start, paced by the platform's scaling-rate limit (a token bucket, as in the scaling engine); each pays
//! a cold start, then takes tasks from a shared queue until none is left (greedy list scheduling: the next task goes
//! to the first free instance). A task costs the invocation overhead plus its time, drawn from `task_time`; with
//! probability `straggler_prob` it is a straggler and takes `straggler_factor` times as long (the tail that makes the
//! slowest of N tasks dominate). Each task is one billed invocation; cold starts are billed when INIT billing is on.
//! Monte Carlo runs give the makespan's mean and spread for every P of a sweep, with common random numbers: run r
//! has the same task times and the same cold starts (the first P of them) at every P, so two points of the sweep
//! differ by the instance count alone, not by the noise of separate draws (the speedup curve is smoother for the
//! same runs), and the draws are made once per run for all the points computed together.
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
use super::fields::{Field, Range};
use super::registry::{
    digest_json, parts_of, ChartInput, ChartSpec, FigureSpec, Formula, Gap, Model, ModelKind, Output, Panel, Reading,
};
use super::scenario::Scenario;
use super::units::FieldUnit;
use super::units::{fmt_duration, sig, Unit};
use crate::charts::models as mc;
use crate::charts::scaling::Tr;
use crate::charts::spec::Chart;
use crate::charts::xy::XyChart;
use crate::model::{check, fmax};
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

/// One Monte Carlo run's draws, the same for every P (common random numbers): the tasks' times in the order the
/// queue hands them out (overhead and stragglers included) [s], and the cold starts of the instances in the order
/// they start [s]; a point at P uses the first min(P, N) cold starts. Each run has two random streams of its own,
/// one for the tasks and one for the cold starts, so the draws do not depend on which points are computed together
/// or how many cold starts the largest of them needs. The first point of a run draws the tasks as it goes
/// ([`RunDraws::first`]), the others reuse them ([`RunDraws::again`]).
struct RunDraws {
    /// The tasks' times [s].
    tasks: Vec<f64>,
    /// Their billed seconds, summed in task order [s].
    tasks_billed: f64,
    /// The slowest task [s].
    slowest: f64,
    /// The cold starts [s].
    colds: Vec<f64>,
    /// `colds_billed[k]`: the billed seconds of the first k cold starts, summed in order (0 without INIT billing).
    colds_billed: Vec<f64>,
}

/// The first random stream of the runs' draws ([`RunDraws`]): run r draws from streams `RUN_STREAMS + 2r` (tasks)
/// and `+ 1` (cold starts), apart from the other models' streams.
const RUN_STREAMS: u64 = 1 << 40;

impl RunDraws {
    fn new() -> Self {
        RunDraws { tasks: Vec::new(), tasks_billed: 0.0, slowest: 0.0, colds: Vec::new(), colds_billed: vec![0.0] }
    }

    /// Draws run `run`'s first `workers` cold starts, then runs the job with at most `pp` instances (`pp` ≤
    /// `workers`), drawing its tasks as they are taken: (makespan [s], billed seconds). The buffers are reused.
    fn first(
        &mut self,
        p: &ParallelParams,
        pricing: &Pricing,
        seed: u64,
        run: u32,
        workers: u32,
        pp: u32,
    ) -> (f64, f64) {
        let mut r = rng(seed, RUN_STREAMS + 2 * run as u64 + 1);
        let cold = p.cold_start.sampler();
        self.colds.clear();
        self.colds_billed.truncate(1);
        let mut billed = 0.0;
        for _ in 0..workers {
            let c = cold.sample(&mut r);
            if pricing.bill_init {
                billed += pricing.billed_seconds(c);
            }
            self.colds.push(c);
            self.colds_billed.push(billed);
        }
        let mut r = rng(seed, RUN_STREAMS + 2 * run as u64);
        let task = p.task_time.sampler();
        let (mut billed, mut slowest) = (0.0, 0.0f64);
        let tasks = &mut self.tasks;
        tasks.clear();
        let span = makespan(
            p,
            pp,
            &self.colds,
            (0..p.tasks).map(|_| {
                let d = draw_task(p, &task, &mut r);
                slowest = fmax(slowest, d);
                billed += pricing.billed_seconds(d);
                tasks.push(d);
                d
            }),
        );
        (self.tasks_billed, self.slowest) = (billed, slowest);
        (span, self.billed(p, pp))
    }

    /// The job with at most `pp` instances on the draws of the run [`RunDraws::first`] made (`pp` no more than the
    /// cold starts it drew): (makespan [s], billed seconds).
    fn again(&self, p: &ParallelParams, pp: u32) -> (f64, f64) {
        (makespan(p, pp, &self.colds, self.tasks.iter().copied()), self.billed(p, pp))
    }

    /// Billed seconds of the job with at most `pp` instances: its cold starts' (with INIT billing) and its tasks'.
    fn billed(&self, p: &ParallelParams, pp: u32) -> f64 {
        self.colds_billed[pp.min(p.tasks) as usize] + self.tasks_billed
    }
}

/// The makespan [s] of one job with at most `pp` instances, whose instances' cold starts are `colds` (the first
/// min(`pp`, N) of them) and whose tasks take `tasks` [s], in the order the queue hands them out.
#[inline(always)]
fn makespan(p: &ParallelParams, pp: u32, colds: &[f64], tasks: impl Iterator<Item = f64>) -> f64 {
    let workers = pp.min(p.tasks) as usize;
    let (burst, rate) = p.scale_rate.map_or((f64::INFINITY, 0.0), |r| (r.burst as f64, r.burst as f64 / r.per_seconds));
    let start = p.serial_before;
    // The instances by their next free time, in the engine's 4-ary heap: each task takes the first free instance
    // and gives it back with its new free time in one walk ([`TimeHeap::replace_top`]). Which of two instances free
    // at the same nanosecond takes the task does not matter: only the free times, not the instances' identities,
    // enter the results. The same results to the bit as std's binary heap of (ns, instance) keys (test
    // `same_as_pair_keyed_binary_heap`), and faster (docs/performance.md).
    let mut free: TimeHeap<Free> = TimeHeap::default();
    for (k, &c) in colds[..workers].iter().enumerate() {
        let wait = if (k as f64) < burst { 0.0 } else { (k as f64 - burst + 1.0) / rate };
        free.push(Free(ns(start + wait + c)));
    }
    let mut end = start;
    for t in tasks {
        let done = free.peek_time() * 1e-9 + t;
        end = fmax(end, done);
        free.replace_top(Free(ns(done)));
    }
    end + p.serial_after
}

/// The instance counts P of the sweep: 1, 2, 4, … below the top, then the top (`max_parallel`, or N when there are
/// fewer tasks).
pub fn sweep_points(p: &ParallelParams) -> Vec<u32> {
    let top = p.max_parallel.min(p.tasks);
    let mut ps: Vec<u32> = std::iter::successors(Some(1u32), |&x| x.checked_mul(2)).take_while(|&x| x < top).collect();
    ps.push(top);
    ps
}

/// The work of the sweep's point at `pp` instances [task steps]: each task walks the heap of W = min(P, N)
/// instances (1 + log4 W levels), each instance is drawn and pushed (counted twice). The points give the same result
/// whatever group they run in ([`RunDraws`]), so groups of them can run apart ([`simulate_points`]). Its ratios between
/// points follow the measured times (docs/performance.md), so the halves of a split sweep take about as long.
pub fn point_work(p: &ParallelParams, pp: u32) -> f64 {
    let w = pp.min(p.tasks) as f64;
    p.runs as f64 * (p.tasks as f64 * (1.0 + w.log2() / 2.0) + 2.0 * w)
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
    // The runs first, then their analysis (quantiles, costs, speedups), so a profile shows them apart. Each run's
    // draws are made once and serve every point asked for ([`RunDraws`]).
    let points: Vec<u32> = which.iter().filter_map(|&i| ps.get(i).copied()).collect();
    let most = points.iter().map(|&pp| pp.min(p.tasks)).max().unwrap_or(0);
    let mut spans = vec![Vec::with_capacity(p.runs as usize); points.len()];
    let mut billed_sum = vec![0.0; points.len()];
    let mut slow_sum = 0.0;
    let mut draws = RunDraws::new();
    for run in 0..p.runs {
        for (k, &pp) in points.iter().enumerate() {
            let (m, b) = if k == 0 { draws.first(p, pricing, seed, run, most, pp) } else { draws.again(p, pp) };
            spans[k].push(m);
            billed_sum[k] += b;
        }
        slow_sum += draws.slowest;
        crate::model::observe::report((run + 1) as f64 / p.runs as f64);
    }
    let _analysis = crate::model::observe::analyse();
    let mut sweep: Vec<SweepPoint> = Vec::with_capacity(points.len());
    for ((pp, mut spans), billed_sum) in points.into_iter().zip(spans).zip(billed_sum) {
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

/// The fan-out sweep's entry in the registry: one piece per instance count P (a point gives the same result in any
/// group: common random numbers, drawn per run), keyed by the job, so an edit of the top of the sweep runs only
/// the new top point.
pub struct ParallelModel;

const FIGURES: &[FigureSpec] = &[
    FigureSpec {
        section: "parallel",
        label: "par.f.makespan",
        id: "makespan",
        compare: Some("cmp.makespan"),
        unit: Unit::Duration,
        read: |_, o| o.parallel().map(|r| Reading::of(r.at_max.makespan)),
    },
    FigureSpec {
        section: "parallel",
        label: "par.f.speedup",
        id: "speedup",
        compare: None,
        unit: Unit::Times,
        read: |_, o| o.parallel().map(|r| Reading::of(r.at_max.speedup)),
    },
    FigureSpec {
        section: "parallel",
        label: "par.f.efficiency",
        id: "efficiency",
        compare: None,
        unit: Unit::Share,
        read: |_, o| o.parallel().map(|r| Reading::of(r.at_max.efficiency)),
    },
    FigureSpec {
        section: "parallel",
        label: "par.f.cost",
        id: "job-cost",
        compare: None,
        unit: Unit::Usd,
        read: |_, o| o.parallel().map(|r| Reading::of(r.at_max.cost)),
    },
    FigureSpec {
        section: "parallel",
        label: "par.f.knee",
        id: "knee",
        compare: None,
        unit: Unit::Number,
        read: |_, o| o.parallel().map(|r| Reading::text(r.knee as f64, r.knee.to_string())),
    },
];

impl Model for ParallelModel {
    fn kind(&self) -> ModelKind {
        ModelKind::Parallel
    }
    fn section(&self) -> &'static str {
        "parallel"
    }
    fn work_unit(&self) -> &'static str {
        "work.task_runs"
    }
    fn prior_rate(&self) -> f64 {
        90_000.0
    }
    fn inputs(&self, s: &Scenario) -> String {
        serde_json::to_string(&(s.seed, &s.parallel, &s.scaling.pricing)).unwrap_or_default()
    }
    fn work(&self, s: &Scenario) -> f64 {
        self.pieces(s).iter().sum()
    }
    fn run(&self, s: &Scenario) -> Output {
        Output::Parallel(simulate(&s.parallel, &s.scaling.pricing, s.seed))
    }
    fn pieces(&self, s: &Scenario) -> Vec<f64> {
        sweep_points(&s.parallel).iter().map(|&pp| point_work(&s.parallel, pp)).collect()
    }
    fn piece_keys(&self, s: &Scenario) -> Option<Vec<String>> {
        let job = ParallelParams { max_parallel: 0, ..s.parallel.clone() };
        let common = digest_json(&(s.seed, &job, &s.scaling.pricing));
        Some(sweep_points(&s.parallel).iter().map(|pp| format!("{common}|P {pp}")).collect())
    }
    fn run_some(&self, s: &Scenario, which: &[usize]) -> Output {
        Output::Parallel(simulate_points(&s.parallel, &s.scaling.pricing, s.seed, which))
    }
    fn merge(&self, parts: Vec<Output>) -> Result<Output, String> {
        let parts = parts_of(parts, |o| match o {
            Output::Parallel(r) => Some(r),
            _ => None,
        })?;
        Ok(Output::Parallel(ParallelResult::merge(parts)?))
    }
    fn piece_outputs(&self, _s: &Scenario, out: &Output) -> Vec<Output> {
        out.parallel().map_or(Vec::new(), |r| r.points().into_iter().map(Output::Parallel).collect())
    }
    fn charts(&self) -> &'static [ChartSpec] {
        CHARTS
    }
    fn panel(&self) -> Option<&'static Panel> {
        Some(&PANEL)
    }
    fn figures(&self) -> &'static [FigureSpec] {
        FIGURES
    }
    fn formulas(&self, s: &Scenario, out: &Output) -> Vec<Formula> {
        let Some(r) = out.parallel() else { return Vec::new() };
        let p = &r.at_max;
        vec![
            Formula {
                key: "par.formula",
                args: vec![sig(p.amdahl, 3), fmt_duration(p.seed_formula), sig(p.speedup, 3), fmt_duration(p.makespan)],
            },
            Formula {
                key: "par.gap",
                args: vec![
                    sig(r.parallel_share * 100.0, 4),
                    fmt_duration(p.slowest_task),
                    fmt_duration(s.parallel.mean_task()),
                ],
            },
        ]
    }
    fn cli(&self, s: &Scenario) -> Option<serde_json::Value> {
        let out = &self.run(s);
        let r = out.parallel()?;
        Some(serde_json::json!({ "at_max": r.at_max, "knee": r.knee, "seed_chain": r.seed_chain,
                                 "parallel_share": r.parallel_share, "sweep": r.sweep }))
    }
}

/// The fan-out section: the page's generic panel.
static PANEL: Panel = Panel {
    title: "par.title",
    intro: "par.intro",
    fields: &[
        Field {
            label: "par.tasks",
            hint: "par.tasks.hint",
            testid: "tasks",
            unit: FieldUnit::Tasks,
            whole: true,
            step: None,
            range: Some(Range::log(1.0, 100_000.0)),
            get: |s| s.parallel.tasks as f64,
            set: |s, v| s.parallel.tasks = v as u32,
        },
        Field {
            label: "par.p",
            hint: "par.p.hint",
            testid: "max-parallel",
            unit: FieldUnit::Instances,
            whole: true,
            step: None,
            range: Some(Range::log(1.0, 10_000.0)),
            get: |s| s.parallel.max_parallel as f64,
            set: |s, v| s.parallel.max_parallel = v as u32,
        },
        Field {
            label: "par.task",
            hint: "par.task.hint",
            testid: "task-time",
            unit: FieldUnit::Seconds,
            whole: false,
            step: None,
            range: Some(Range::log(0.01, 900.0)),
            get: |s| s.parallel.task_time.mean(),
            set: |s, v| s.parallel.task_time = s.parallel.task_time.with_mean(v),
        },
        Field {
            label: "par.cold",
            hint: "par.cold.hint",
            testid: "par-cold",
            unit: FieldUnit::Ms,
            whole: false,
            step: None,
            range: Some(Range::log(1.0, 30_000.0)),
            get: |s| s.parallel.cold_start.mean(),
            set: |s, v| s.parallel.cold_start = s.parallel.cold_start.with_mean(v),
        },
        Field {
            label: "par.straggler",
            hint: "par.straggler.hint",
            testid: "straggler",
            unit: FieldUnit::Percent,
            whole: false,
            step: None,
            range: Some(Range::lin(0.0, 20.0)),
            get: |s| s.parallel.straggler_prob,
            set: |s, v| s.parallel.straggler_prob = v,
        },
        Field {
            label: "par.before",
            hint: "par.before.hint",
            testid: "serial-before",
            unit: FieldUnit::Seconds,
            whole: false,
            step: None,
            range: Some(Range::lin(0.0, 120.0)),
            get: |s| s.parallel.serial_before,
            set: |s, v| s.parallel.serial_before = v,
        },
        Field {
            label: "par.after",
            hint: "par.after.hint",
            testid: "serial-after",
            unit: FieldUnit::Seconds,
            whole: false,
            step: None,
            range: Some(Range::lin(0.0, 120.0)),
            get: |s| s.parallel.serial_after,
            set: |s, v| s.parallel.serial_after = v,
        },
        Field {
            label: "par.memory",
            hint: "par.memory.hint",
            testid: "par-memory",
            unit: FieldUnit::Mb,
            whole: false,
            step: Some("64"),
            range: Some(Range::log(128.0, 10240.0)),
            get: |s| s.parallel.memory_mb,
            set: |s, v| s.parallel.memory_mb = v,
        },
    ],
    note: None,
    formula_id: "par-formula",
    formulas: &["par.formula"],
    gap: Gap::Formula("par.gap"),
};

/// The fan-out sweep's charts.
static CHARTS: &[ChartSpec] = &[
    ChartSpec { section: "parallel", title: "par.c.makespan", id: "chart-makespan", draw: |c| xy(c, mc::makespan) },
    ChartSpec { section: "parallel", title: "par.c.speedup", id: "chart-speedup", draw: |c| xy(c, mc::speedup) },
    ChartSpec {
        section: "parallel",
        title: "par.c.cost",
        id: "chart-parallel-cost",
        draw: |c| xy(c, mc::parallel_cost),
    },
];

fn xy(c: &ChartInput, f: fn(&ParallelResult, Option<&ParallelResult>, Tr) -> XyChart) -> Option<Chart> {
    Some(Chart::Xy(f(c.out.parallel()?, c.a_out().and_then(Output::parallel), c.t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first version of a run's job ([`makespan`] and its bill): std's binary heap of (free time in integer ns,
    /// instance number) keys.
    fn run_once_pair_keyed(p: &ParallelParams, pp: u32, d: &RunDraws) -> (f64, f64) {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let workers = pp.min(p.tasks);
        let (burst, rate) =
            p.scale_rate.map_or((f64::INFINITY, 0.0), |r| (r.burst as f64, r.burst as f64 / r.per_seconds));
        let start = p.serial_before;
        let key = |t_ns: u64, k: u32| Reverse(((t_ns as u128) << 32) | k as u128);
        let mut free = BinaryHeap::new();
        for k in 0..workers {
            let wait = if (k as f64) < burst { 0.0 } else { (k as f64 - burst + 1.0) / rate };
            free.push(key(((start + wait + d.colds[k as usize]) * 1e9) as u64, k));
        }
        let mut end = start;
        for &t in &d.tasks {
            let Reverse(packed) = free.pop().unwrap();
            let (t_ns, k) = ((packed >> 32) as u64, packed as u32);
            let done = t_ns as f64 * 1e-9 + t;
            end = end.max(done);
            free.push(key((done * 1e9) as u64, k));
        }
        (end + p.serial_after, d.colds_billed[workers as usize] + d.tasks_billed)
    }

    /// The 4-ary heap of free times gives the same makespans and bills to the bit as the binary heap of (time,
    /// instance) keys, with random cold starts and also with fixed ones and no rate limit (every instance free at
    /// the same nanosecond: ties everywhere), with fewer and more instances than tasks, and with a rate limit that
    /// spaces the starts.
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
        let mut d = RunDraws::new();
        for (c, p) in cases.iter().enumerate() {
            for run in 0..5 {
                let first = d.first(p, &pricing, 9 + c as u64, run, p.tasks, 1);
                assert_eq!(first, d.again(p, 1));
                for pp in [1, 2, 3, 7, 64, 299, 300, 1000] {
                    let (x, y) = (d.again(p, pp), run_once_pair_keyed(p, pp, &d));
                    assert_eq!((x.0.to_bits(), x.1.to_bits()), (y.0.to_bits(), y.1.to_bits()), "case {c}, P = {pp}");
                }
            }
        }
    }

    /// Common random numbers: every point sees the same runs' draws, so a point's result is the same whether it is
    /// computed alone or with others, and a job's slowest task is the same at every P; with equal tasks and no cold
    /// start, one instance more never makes a run slower.
    #[test]
    fn points_share_their_runs_draws() {
        let pricing = Pricing::default();
        let p = ParallelParams { tasks: 200, max_parallel: 64, runs: 30, ..ParallelParams::default() };
        let all = simulate(&p, &pricing, 5);
        let alone: Vec<ParallelResult> = (0..all.sweep.len()).map(|i| simulate_points(&p, &pricing, 5, &[i])).collect();
        assert_eq!(ParallelResult::merge(alone).unwrap(), all);
        let halves =
            vec![simulate_points(&p, &pricing, 5, &[0, 2, 4, 6]), simulate_points(&p, &pricing, 5, &[1, 3, 5])];
        assert_eq!(ParallelResult::merge(halves).unwrap(), all);
        assert!(all.sweep.iter().all(|s| s.slowest_task.to_bits() == all.sweep[0].slowest_task.to_bits()));
        let q = ParallelParams {
            task_time: Dist::Fixed { value: 1.0 },
            cold_start: Dist::Fixed { value: 0.0 },
            straggler_prob: 0.0,
            ..p.clone()
        };
        let r = simulate(&q, &pricing, 5);
        assert!(r.sweep.windows(2).all(|w| w[1].makespan <= w[0].makespan + 1e-9), "{:?}", r.sweep);
    }

    #[test]
    fn mean_task_by_hand() {
        let p = ParallelParams::default();
        // 0.02 + 2 × (0.99 + 0.01 × 5) = 2.1
        assert!((p.mean_task() - 2.1).abs() < 1e-12);
    }
}
