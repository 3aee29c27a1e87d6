//! A circuit breaker between a function and a failing dependency, with and without it, on the same requests.
//!
//! # Model
//! Requests arrive as in the scaling engine (Poisson with the load curve's rate). Each does `work` seconds of its
//! own, then calls the dependency. A call takes a log-normal time whose mean is the dependency's latency at that
//! moment; if it would exceed the client `timeout` it fails as a time-out after exactly `timeout`; otherwise it fails
//! with the dependency's error rate at that moment. A failed call is retried up to `retries` times after an
//! exponential back-off (`backoff`, 2×, 4×, …). The dependency is healthy (`base_*`) except during `episodes`.
//!
//! The breaker follows Resilience4j's count-based circuit breaker: outcomes of the last `window` calls are kept; once
//! at least `minimum_calls` are recorded and the failure rate (or the slow-call rate) reaches its threshold, the
//! breaker opens. While open, calls fail at once without reaching the dependency (and are not retried). After
//! `wait_open`, it lets `half_open_calls` trial calls through; when they have all finished, it closes if their failure
//! rate is under the threshold and opens again otherwise. Outcomes are recorded when calls finish, so a breaker
//! learns of time-outs late, as a real one does. Defaults are Resilience4j's (domain facts): 50 %, 100 calls,
//! 100 minimum, 60 s open, 10 half-open calls, slow calls 60 s.
//!
//! # Outputs
//! Per time bin, with and without the breaker: success and error rates, latency percentiles, calls reaching the
//! dependency (retry storms show here), and the billed time spent waiting on calls that failed; the breaker's state
//! over time.

use super::dist::{Dist, Sampler, SimRng};
use super::engine::arrivals::ArrivalStream;
use super::engine::{bin_width, MAX_BINS};
use super::events::EventQueue;
use super::fields::{Field, Range};
use super::fmin;
use super::load::LoadCurve;
use super::registry::{
    digest_json, parts_of, ChartInput, ChartSpec, FigureSpec, Formula, Gap, Model, ModelKind, Output, Panel, Reading,
};
use super::scenario::Scenario;
use super::stats::{split_by_bins, Histogram, Percentiles};
use super::units::FieldUnit;
use super::units::{fmt_duration, sig, Unit};
use crate::charts::models as mc;
use crate::charts::scaling::Tr;
use crate::charts::spec::Chart;
use crate::charts::timeseries::TimeChart;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// A period when the dependency misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Episode {
    /// Start [s].
    pub start: f64,
    /// End [s].
    pub end: f64,
    /// Share of calls that fail [-].
    pub error_rate: f64,
    /// Mean call latency [s].
    pub latency: f64,
}

/// Resilience4j-style breaker settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakerSettings {
    /// Failure rate that opens the breaker [-] (Resilience4j: 0.5).
    pub failure_rate_threshold: f64,
    /// Calls in the sliding window (Resilience4j: 100).
    pub window: u32,
    /// Calls recorded before the rate is judged (Resilience4j: 100).
    pub minimum_calls: u32,
    /// Time the breaker stays open [s] (Resilience4j: 60 s).
    pub wait_open: f64,
    /// Trial calls in the half-open state (Resilience4j: 10).
    pub half_open_calls: u32,
    /// A call slower than this is slow [s] (Resilience4j: 60 s).
    pub slow_call_threshold: f64,
    /// Share of slow calls that opens the breaker [-] (Resilience4j: 1.0).
    pub slow_call_rate_threshold: f64,
}

impl Default for BreakerSettings {
    fn default() -> Self {
        BreakerSettings {
            failure_rate_threshold: 0.5,
            window: 100,
            minimum_calls: 100,
            wait_open: 60.0,
            half_open_calls: 10,
            slow_call_threshold: 60.0,
            slow_call_rate_threshold: 1.0,
        }
    }
}

/// Everything the breaker model needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakerParams {
    /// The function's own work per request [s].
    pub work: f64,
    /// Healthy error rate of the dependency [-].
    pub base_error_rate: f64,
    /// Healthy mean latency of the dependency [s].
    pub base_latency: f64,
    /// Coefficient of variation of call latency (log-normal) [-].
    pub latency_cv: f64,
    /// Bad periods. Default: one, from 40 % to 60 % of the curve, 90 % errors and 10 s hangs.
    pub episodes: Vec<Episode>,
    /// Client time-out per call [s].
    pub timeout: f64,
    /// Retries after a failed call.
    pub retries: u32,
    /// First back-off [s]; doubles each retry.
    pub backoff: f64,
    /// The breaker's settings.
    pub breaker: BreakerSettings,
    /// Memory of the function [MB], for the billed waiting.
    pub memory_mb: f64,
}

impl BreakerParams {
    /// Defaults for a curve of `duration` seconds (the episode sits in its middle).
    pub fn for_duration(duration: f64) -> Self {
        BreakerParams {
            work: 0.02,
            base_error_rate: 0.001,
            base_latency: 0.05,
            latency_cv: 0.5,
            episodes: vec![Episode { start: 0.4 * duration, end: 0.6 * duration, error_rate: 0.9, latency: 10.0 }],
            timeout: 3.0,
            retries: 2,
            backoff: 0.2,
            breaker: BreakerSettings::default(),
            memory_mb: 512.0,
        }
    }

    /// Moves the failure episodes with a change of the load curve's duration from `from` to `to` [s], keeping
    /// their place in it: the default episode at 40–60 % of an hour is at 40–60 % of a day after a day's preset
    /// (it stayed in the first hour, so a day or a week showed hardly any failures).
    pub fn rescale(&mut self, from: f64, to: f64) {
        if from > 0.0 && to > 0.0 && from != to {
            let k = to / from;
            for e in &mut self.episodes {
                e.start *= k;
                e.end *= k;
            }
        }
    }

    /// The first failure episode, for a curve of `duration` seconds; the default one is added if there is none (a
    /// scenario may list none), so an edit of the incident is never lost.
    pub fn first_episode(&mut self, duration: f64) -> &mut Episode {
        if self.episodes.is_empty() {
            self.episodes = BreakerParams::for_duration(duration).episodes;
        }
        &mut self.episodes[0]
    }

    /// Checks every field; the message names it.
    pub fn validate(&self) -> Result<(), String> {
        let t = |v: f64, name: &str| {
            if v.is_finite() && (0.0..=3600.0).contains(&v) {
                Ok(())
            } else {
                Err(format!("breaker.{name}: must be between 0 and 3600 s"))
            }
        };
        let share = |v: f64, name: &str| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(format!("breaker.{name}: must be between 0 and 1"))
            }
        };
        t(self.work, "work")?;
        share(self.base_error_rate, "base_error_rate")?;
        t(self.base_latency, "base_latency")?;
        if !(self.latency_cv.is_finite() && (0.0..=5.0).contains(&self.latency_cv)) {
            return Err("breaker.latency_cv: must be between 0 and 5".into());
        }
        for (i, e) in self.episodes.iter().enumerate() {
            if !(e.start.is_finite() && e.end.is_finite() && e.start < e.end && e.start >= 0.0) {
                return Err(format!(
                    "breaker.episodes[{i}]: the incident must start at 0 s or later and before it ends (start {} s, end {} s)",
                    super::units::sig(e.start, 4),
                    super::units::sig(e.end, 4)
                ));
            }
            share(e.error_rate, &format!("episodes[{i}].error_rate"))?;
            t(e.latency, &format!("episodes[{i}].latency"))?;
        }
        if !(self.timeout.is_finite() && self.timeout > 0.0 && self.timeout <= 3600.0) {
            return Err("breaker.timeout: must be between 0 and 3600 s".into());
        }
        if self.retries > 10 {
            return Err("breaker.retries: at most 10".into());
        }
        t(self.backoff, "backoff")?;
        let b = &self.breaker;
        share(b.failure_rate_threshold, "breaker.failure_rate_threshold")?;
        share(b.slow_call_rate_threshold, "breaker.slow_call_rate_threshold")?;
        if !(1..=100_000).contains(&b.window) {
            return Err("breaker.breaker.window: must be between 1 and 100000 calls".into());
        }
        if !(1..=100_000).contains(&b.minimum_calls) {
            return Err("breaker.breaker.minimum_calls: must be between 1 and 100000 calls".into());
        }
        if !(1..=10_000).contains(&b.half_open_calls) {
            return Err("breaker.breaker.half_open_calls: must be between 1 and 10000".into());
        }
        t(b.wait_open, "breaker.wait_open")?;
        if !(b.slow_call_threshold.is_finite() && b.slow_call_threshold > 0.0) {
            return Err("breaker.breaker.slow_call_threshold: must be above 0 s".into());
        }
        if !(self.memory_mb.is_finite() && (128.0..=10_240.0).contains(&self.memory_mb)) {
            return Err("breaker.memory_mb: must be between 128 and 10240 MB".into());
        }
        Ok(())
    }

    /// Roughly the work of the run with the breaker and of the run without, for a run over `curve` [requests plus
    /// 3.7 per dependency call]: each request costs one unit, each call to the dependency 3.7 more (its retries and
    /// outcomes go through the event queue; measured in wasm: docs/performance.md). Without the breaker a request in a period whose calls fail with probability f makes
    /// 1 + f + … + f^retries calls (a call slower on average than the time-out counted as failing); with it, an
    /// episode that opens the breaker lets through about its minimum calls and half-open trials per open wait. The two
    /// variants' estimates are in the ratio of their measured times, so an edit of the breaker's settings, which
    /// reruns only the run with it, is known to be short.
    pub fn variant_work(&self, curve: &LoadCurve) -> [f64; 2] {
        const CALL: f64 = 3.7;
        let total = curve.expected_requests();
        let failing = |err: f64, latency: f64| if latency >= self.timeout { 1.0 } else { err };
        let calls = |f: f64| (0..=self.retries).map(|k| f.powi(k as i32)).sum::<f64>();
        let (mut with, mut without, mut inside) = (0.0, 0.0, 0.0);
        for e in &self.episodes {
            let n = curve.expected_between(e.start, e.end);
            let f = failing(e.error_rate, e.latency);
            inside += n;
            without += n * calls(f);
            with += if f >= self.breaker.failure_rate_threshold {
                let waits = ((e.end - e.start) / self.breaker.wait_open).max(1.0);
                ((self.breaker.minimum_calls + self.breaker.half_open_calls) as f64 * waits).min(n)
            } else {
                n * calls(f)
            };
        }
        let healthy = (total - inside).max(0.0) * calls(failing(self.base_error_rate, self.base_latency));
        [total + CALL * (with + healthy), total + CALL * (without + healthy)]
    }

    /// The dependency's condition at `t`: 0 when healthy, 1 + i during episode i (the first that covers `t`).
    fn condition_at(&self, t: f64) -> usize {
        self.episodes.iter().position(|e| (e.start..e.end).contains(&t)).map_or(0, |i| i + 1)
    }
}

/// The breaker's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Calls go through.
    Closed,
    /// Calls fail at once.
    Open,
    /// A few trial calls go through.
    HalfOpen,
}

/// One time bin, for one variant (with or without the breaker).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BreakerBin {
    /// Start [s].
    pub t: f64,
    /// Requests that arrived [requests].
    pub requests: u64,
    /// Requests that succeeded [requests].
    pub succeeded: u64,
    /// Calls that reached the dependency (retries included) [calls].
    pub dependency_calls: u64,
    /// Latency of the requests arriving in the bin [s].
    pub latency: Percentiles,
    /// Billed time spent waiting on calls that failed [GB-s].
    pub wasted_gb_s: f64,
    /// Share of the bin the breaker was open [-].
    pub open_share: f64,
}

/// Totals for one variant.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BreakerSummary {
    /// Requests [requests].
    pub requests: u64,
    /// Success rate [-].
    pub success_rate: f64,
    /// Calls reaching the dependency per request [-] (above 1: retries).
    pub calls_per_request: f64,
    /// Peak calls reaching the dependency per second, over bins [calls/s].
    pub peak_dependency_rate: f64,
    /// Latency of all requests [s].
    pub latency: Percentiles,
    /// Billed time spent waiting on failed calls [GB-s].
    pub wasted_gb_s: f64,
}

/// Both variants side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakerResult {
    /// Width of the bins [s].
    pub bin_width: f64,
    /// With the breaker.
    pub with_breaker: Vec<BreakerBin>,
    /// Without it.
    pub without_breaker: Vec<BreakerBin>,
    /// Totals with the breaker.
    pub summary_with: BreakerSummary,
    /// Totals without it.
    pub summary_without: BreakerSummary,
    /// The breaker's state changes: (time [s], new state).
    pub transitions: Vec<(f64, State)>,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// A call attempt starts: (arrival time, attempt number).
    Attempt(f64, u32),
    /// A call's outcome reaches the breaker: (failed, slow).
    Outcome(bool, bool),
}

struct Breaker {
    s: BreakerSettings,
    state: State,
    since: f64,
    window: VecDeque<(bool, bool)>,
    failures: u32,
    slows: u32,
    trial_started: u32,
    trial_done: u32,
    trial_failed: u32,
    transitions: Vec<(f64, State)>,
}

impl Breaker {
    fn new(s: BreakerSettings) -> Self {
        Breaker {
            s,
            state: State::Closed,
            since: 0.0,
            window: VecDeque::new(),
            failures: 0,
            slows: 0,
            trial_started: 0,
            trial_done: 0,
            trial_failed: 0,
            transitions: Vec::new(),
        }
    }

    fn go(&mut self, t: f64, state: State) {
        self.state = state;
        self.since = t;
        self.transitions.push((t, state));
        self.window.clear();
        self.failures = 0;
        self.slows = 0;
        self.trial_started = 0;
        self.trial_done = 0;
        self.trial_failed = 0;
    }

    /// Whether a call may go through at `t`.
    fn permit(&mut self, t: f64) -> bool {
        if self.state == State::Open && t >= self.since + self.s.wait_open {
            self.go(t, State::HalfOpen);
        }
        match self.state {
            State::Closed => true,
            State::Open => false,
            State::HalfOpen if self.trial_started < self.s.half_open_calls => {
                self.trial_started += 1;
                true
            }
            State::HalfOpen => false,
        }
    }

    fn record(&mut self, t: f64, failed: bool, slow: bool) {
        match self.state {
            State::Closed => {
                self.window.push_back((failed, slow));
                self.failures += failed as u32;
                self.slows += slow as u32;
                if self.window.len() > self.s.window as usize {
                    let (f, s) = self.window.pop_front().expect("non-empty");
                    self.failures -= f as u32;
                    self.slows -= s as u32;
                }
                let n = self.window.len() as f64;
                if self.window.len() >= self.s.minimum_calls.min(self.s.window) as usize
                    && (self.failures as f64 / n >= self.s.failure_rate_threshold
                        || self.slows as f64 / n >= self.s.slow_call_rate_threshold)
                {
                    self.go(t, State::Open);
                }
            }
            State::HalfOpen => {
                self.trial_done += 1;
                self.trial_failed += failed as u32;
                if self.trial_done >= self.s.half_open_calls {
                    let rate = self.trial_failed as f64 / self.trial_done as f64;
                    self.go(t, if rate >= self.s.failure_rate_threshold { State::Open } else { State::Closed });
                }
            }
            // Outcomes of calls started before the breaker opened: the count-based window was reset on opening.
            State::Open => {}
        }
    }
}

fn run(
    p: &BreakerParams,
    curve: &LoadCurve,
    seed: u64,
    use_breaker: bool,
) -> (Vec<BreakerBin>, BreakerSummary, Vec<(f64, State)>) {
    let end = curve.duration();
    let width = bin_width(end, MAX_BINS);
    let nb = ((end / width).ceil() as usize).max(1);
    // A multiplication by the inverse, as in the engine: a division per event was costly (docs/performance.md).
    let inv_width = 1.0 / width;
    let bin = |t: f64| ((t * inv_width) as usize).min(nb - 1);
    let mut bins: Vec<BreakerBin> = (0..nb).map(|k| BreakerBin { t: k as f64 * width, ..Default::default() }).collect();
    // Each bin's latencies; the run's are their sum, added up at the end (not recorded twice per request).
    let mut hists: Vec<Histogram> = (0..nb).map(|_| Histogram::default()).collect();
    // Arrivals share the engine's stream; call outcomes have their own, the same in both variants as far as the
    // calls coincide.
    let mut rng: SimRng = super::dist::rng(seed, 30);
    let mut arrivals = ArrivalStream::new(curve, seed);
    let mut next_arrival = arrivals.take();
    let mut queue: EventQueue<Kind> = EventQueue::default();
    let mut br = Breaker::new(p.breaker);
    let gb = p.memory_mb / 1024.0;
    // The dependency's conditions, healthy first and then each episode: its error rate and a ready sampler of its
    // call latency (built once: building one per call took two logarithms).
    let conditions: Vec<(f64, Option<Sampler>)> = std::iter::once((p.base_error_rate, p.base_latency))
        .chain(p.episodes.iter().map(|e| (e.error_rate, e.latency)))
        .map(|(err, mean)| (err, (mean > 0.0).then(|| Dist::LogNormal { mean, cv: p.latency_cv }.sampler())))
        .collect();
    let finish = |bins: &mut Vec<BreakerBin>, hists: &mut Vec<Histogram>, arrival: f64, t: f64, ok: bool| {
        let k = bin(arrival);
        bins[k].succeeded += ok as u64;
        hists[k].record(t - arrival);
    };
    loop {
        let t_ev = queue.next_time();
        if t_ev == f64::INFINITY && next_arrival == f64::INFINITY {
            break;
        }
        // A request's first call comes `work` after it arrives: in arrival order, so straight from the arrival
        // stream, not through the queue (which then holds only retries and outcomes: most calls never enter it).
        let first_call = next_arrival + p.work;
        let (t, kind) = if first_call < t_ev {
            let a = next_arrival;
            bins[bin(a)].requests += 1;
            next_arrival = arrivals.take();
            (first_call, Kind::Attempt(a, 0))
        } else {
            queue.pop().expect("an event is due")
        };
        match kind {
            Kind::Outcome(failed, slow) => {
                if use_breaker {
                    br.record(t, failed, slow);
                }
            }
            Kind::Attempt(arrival, attempt) => {
                if use_breaker && !br.permit(t) {
                    // Not permitted: fails at once and is not retried.
                    finish(&mut bins, &mut hists, arrival, t, false);
                    continue;
                }
                bins[bin(t)].dependency_calls += 1;
                let (err, latency) = conditions[p.condition_at(t)];
                let d = latency.map_or(0.0, |s| s.sample(&mut rng));
                let (dur, failed) = if d >= p.timeout { (p.timeout, true) } else { (d, rng.random::<f64>() < err) };
                // Only a breaker learns the outcome (without one, the event would be pushed and popped for nothing;
                // leaving it out keeps the order of all others, as the queue orders by time, then by push order).
                if use_breaker {
                    queue.push(t + dur, Kind::Outcome(failed, dur >= p.breaker.slow_call_threshold));
                }
                if failed {
                    bins[bin(arrival)].wasted_gb_s += dur * gb;
                    if attempt < p.retries {
                        queue
                            .push(t + dur + p.backoff * 2f64.powi(attempt as i32), Kind::Attempt(arrival, attempt + 1));
                        continue;
                    }
                }
                finish(&mut bins, &mut hists, arrival, t + dur, !failed);
            }
        }
    }
    let _analysis = crate::model::observe::analyse();
    // Time the breaker was open, per bin.
    if use_breaker {
        let mut tr = br.transitions.clone();
        tr.push((f64::INFINITY, State::Closed));
        let mut open_from: Option<f64> = None;
        for &(t, s) in &tr {
            if let Some(a) = open_from.take() {
                split_by_bins(fmin(a, end), fmin(t, end), width, nb, |k, dt| bins[k].open_share += dt / width);
            }
            if s == State::Open {
                open_from = Some(t);
            }
        }
    }
    let requests: u64 = bins.iter().map(|b| b.requests).sum();
    let succeeded: u64 = bins.iter().map(|b| b.succeeded).sum();
    let calls: u64 = bins.iter().map(|b| b.dependency_calls).sum();
    let mut all = Histogram::default();
    for (b, h) in bins.iter_mut().zip(&hists) {
        b.latency = h.percentiles();
        all.merge(h);
    }
    let summary = BreakerSummary {
        requests,
        success_rate: if requests > 0 { succeeded as f64 / requests as f64 } else { 1.0 },
        calls_per_request: if requests > 0 { calls as f64 / requests as f64 } else { 0.0 },
        peak_dependency_rate: bins.iter().map(|b| b.dependency_calls as f64 / width).fold(0.0, f64::max),
        latency: all.percentiles(),
        wasted_gb_s: bins.iter().map(|b| b.wasted_gb_s).sum(),
    };
    (bins, summary, br.transitions)
}

/// Runs both variants on the same requests (validate first).
pub fn simulate(p: &BreakerParams, curve: &LoadCurve, seed: u64) -> BreakerResult {
    simulate_variants(p, curve, seed, true, true)
}

/// A part of [`simulate`]'s result: the run with the breaker, the one without, or both (a variant left out has
/// no bins and a zero summary). The two parts run apart (in separate workers) merge with [`BreakerResult::merge`]
/// into exactly what [`simulate`] gives (validate first).
pub fn simulate_variants(p: &BreakerParams, curve: &LoadCurve, seed: u64, with: bool, without: bool) -> BreakerResult {
    let mut r = BreakerResult {
        bin_width: bin_width(curve.duration(), MAX_BINS),
        with_breaker: Vec::new(),
        without_breaker: Vec::new(),
        summary_with: BreakerSummary::default(),
        summary_without: BreakerSummary::default(),
        transitions: Vec::new(),
    };
    // Each variant run a stage of the progress, as long as its expected work ([`BreakerParams::variant_work`]).
    let [w_with, w_without] = p.variant_work(curve);
    let weight = |run: bool, w: f64| if run { w } else { 0.0 };
    let spans = crate::model::observe::spans(&[weight(with, w_with), weight(without, w_without)]);
    if with {
        let _stage = crate::model::observe::stage(spans[0].0, spans[0].1);
        (r.with_breaker, r.summary_with, r.transitions) = run(p, curve, seed, true);
    }
    if without {
        let _stage = crate::model::observe::stage(spans[1].0, spans[1].1);
        (r.without_breaker, r.summary_without, _) = run(p, curve, seed, false);
    }
    r
}

impl BreakerResult {
    /// Calls reaching the dependency per request in the bins that lie wholly in `from`..`to` [s] (a failure
    /// episode, where the retry-amplification formula applies), without and with the breaker; over the whole run
    /// if no bin does.
    pub fn calls_per_request_in(&self, from: f64, to: f64) -> (f64, f64) {
        let w = self.bin_width;
        let ratio = |bins: &[BreakerBin], whole: f64| {
            let inside = bins.iter().filter(|b| b.t >= from && b.t + w <= to);
            let (calls, requests) = inside.fold((0u64, 0u64), |(c, r), b| (c + b.dependency_calls, r + b.requests));
            if requests > 0 {
                calls as f64 / requests as f64
            } else {
                whole
            }
        };
        (
            ratio(&self.without_breaker, self.summary_without.calls_per_request),
            ratio(&self.with_breaker, self.summary_with.calls_per_request),
        )
    }

    /// The run with the breaker and the run without, each as a result of its own (as [`simulate_variants`] gives
    /// it for that variant alone): merged ([`BreakerResult::merge`]) they give this result back.
    pub fn variants(&self) -> [BreakerResult; 2] {
        let with =
            BreakerResult { without_breaker: Vec::new(), summary_without: BreakerSummary::default(), ..self.clone() };
        let without = BreakerResult {
            with_breaker: Vec::new(),
            summary_with: BreakerSummary::default(),
            transitions: Vec::new(),
            ..self.clone()
        };
        [with, without]
    }

    /// The whole result from its two parts ([`simulate_variants`]), in any order; an error says which is missing.
    pub fn merge(parts: Vec<BreakerResult>) -> Result<BreakerResult, String> {
        let mut parts = parts.into_iter();
        let mut whole = parts.next().ok_or("no part of the breaker model to merge")?;
        for part in parts {
            if !part.with_breaker.is_empty() {
                (whole.with_breaker, whole.summary_with, whole.transitions) =
                    (part.with_breaker, part.summary_with, part.transitions);
            }
            if !part.without_breaker.is_empty() {
                (whole.without_breaker, whole.summary_without) = (part.without_breaker, part.summary_without);
            }
        }
        match (whole.with_breaker.is_empty(), whole.without_breaker.is_empty()) {
            (false, false) => Ok(whole),
            (true, _) => Err("the breaker model's parts do not fit: the run with the breaker is missing".into()),
            (_, true) => Err("the breaker model's parts do not fit: the run without it is missing".into()),
        }
    }
}

/// The breaker's entry in the registry: two pieces, the run with the breaker and the run without it (which never
/// reads the breaker's settings, so an edit of a threshold, the window or the open wait reruns only the other).
pub struct BreakerModel;

/// A figure of both runs, "without → with"; the A/B table compares the run with the breaker.
macro_rules! both {
    ($f:expr) => {
        |_: &Scenario, o: &Output| {
            let r = o.breaker()?;
            let f: fn(&BreakerSummary) -> (f64, String) = $f;
            let ((_, a), (v, b)) = (f(&r.summary_without), f(&r.summary_with));
            Some(Reading::text(v, format!("{a} → {b}")))
        }
    };
}

const FIGURES: &[FigureSpec] = &[
    FigureSpec {
        section: "resilience",
        label: "br.f.success",
        id: "success",
        compare: None,
        unit: Unit::Share,
        read: both!(|s| (s.success_rate, format!("{} %", sig(s.success_rate * 100.0, 4)))),
    },
    FigureSpec {
        section: "resilience",
        label: "br.f.peak",
        id: "peak-dependency",
        compare: Some("cmp.breaker_peak"),
        unit: Unit::Number,
        read: both!(|s| (s.peak_dependency_rate, Unit::PerSecond.fmt(s.peak_dependency_rate, 3))),
    },
    FigureSpec {
        section: "resilience",
        label: "br.f.p99",
        id: "breaker-p99",
        compare: None,
        unit: Unit::Duration,
        read: both!(|s| (s.latency.p99, fmt_duration(s.latency.p99))),
    },
    FigureSpec {
        section: "resilience",
        label: "br.f.wasted",
        id: "wasted",
        compare: None,
        unit: Unit::GbS,
        read: both!(|s| (s.wasted_gb_s, Unit::GbS.fmt(s.wasted_gb_s, 3))),
    },
];

/// Expected calls per request without a breaker when each call fails with probability p (the first incident's
/// error rate) and is retried up to r times: 1 + p + … + pʳ.
pub fn retry_amplification(p: &BreakerParams) -> f64 {
    let fail = p.episodes.first().map_or(p.base_error_rate, |e| e.error_rate);
    (0..=p.retries).map(|k| fail.powi(k as i32)).sum()
}

impl Model for BreakerModel {
    fn kind(&self) -> ModelKind {
        ModelKind::Breaker
    }
    fn section(&self) -> &'static str {
        "resilience"
    }
    fn work_unit(&self) -> &'static str {
        "work.calls"
    }
    fn prior_rate(&self) -> f64 {
        55_000.0
    }
    fn inputs(&self, s: &Scenario) -> String {
        serde_json::to_string(&(s.seed, &s.load, &s.breaker)).unwrap_or_default()
    }
    fn work(&self, s: &Scenario) -> f64 {
        s.breaker.variant_work(&s.load).iter().sum()
    }
    fn run(&self, s: &Scenario) -> Output {
        Output::Breaker(simulate(&s.breaker, &s.load, s.seed))
    }
    fn pieces(&self, s: &Scenario) -> Vec<f64> {
        s.breaker.variant_work(&s.load).to_vec()
    }
    fn piece_keys(&self, s: &Scenario) -> Option<Vec<String>> {
        let without = BreakerParams { breaker: Default::default(), ..s.breaker.clone() };
        let common = digest_json(&(s.seed, &s.load, &without));
        let settings = serde_json::to_string(&s.breaker.breaker).unwrap_or_default();
        Some(vec![format!("{common}|with {settings}"), format!("{common}|without")])
    }
    fn run_some(&self, s: &Scenario, which: &[usize]) -> Output {
        Output::Breaker(simulate_variants(&s.breaker, &s.load, s.seed, which.contains(&0), which.contains(&1)))
    }
    fn merge(&self, parts: Vec<Output>) -> Result<Output, String> {
        let parts = parts_of(parts, |o| match o {
            Output::Breaker(b) => Some(b),
            _ => None,
        })?;
        Ok(Output::Breaker(BreakerResult::merge(parts)?))
    }
    fn piece_outputs(&self, _s: &Scenario, out: &Output) -> Vec<Output> {
        out.breaker().map_or(Vec::new(), |b| b.variants().into_iter().map(Output::Breaker).collect())
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
    /// The retry amplification beside the simulation where it applies: during the (first) failure episode.
    fn formulas(&self, s: &Scenario, out: &Output) -> Vec<Formula> {
        let Some(r) = out.breaker() else { return Vec::new() };
        let amp = sig(retry_amplification(&s.breaker), 3);
        vec![match s.breaker.episodes.first() {
            Some(e) => {
                let (without, with) = r.calls_per_request_in(e.start, e.end);
                Formula { key: "br.formula", args: vec![amp, sig(without, 3), sig(with, 3)] }
            }
            None => Formula {
                key: "br.formula_all",
                args: vec![amp, sig(r.summary_without.calls_per_request, 3), sig(r.summary_with.calls_per_request, 3)],
            },
        }]
    }
    fn cli(&self, s: &Scenario) -> Option<serde_json::Value> {
        let out = &self.run(s);
        let r = out.breaker()?;
        Some(serde_json::json!({ "with_breaker": r.summary_with, "without_breaker": r.summary_without,
                                 "transitions": r.transitions }))
    }
}

/// The Resilience section: the page's generic panel.
static PANEL: Panel = Panel {
    title: "br.title",
    intro: "br.intro",
    fields: &[
        Field {
            label: "br.retries",
            hint: "br.retries.hint",
            testid: "retries",
            unit: FieldUnit::Plain,
            whole: true,
            step: None,
            range: Some(Range::lin(0.0, 10.0)),
            get: |s| s.breaker.retries as f64,
            set: |s, v| s.breaker.retries = v as u32,
        },
        Field {
            label: "br.timeout",
            hint: "br.timeout.hint",
            testid: "timeout",
            unit: FieldUnit::Seconds,
            whole: false,
            step: None,
            range: Some(Range::log(0.05, 60.0)),
            get: |s| s.breaker.timeout,
            set: |s, v| s.breaker.timeout = v,
        },
        Field {
            label: "br.backoff",
            hint: "br.backoff.hint",
            testid: "backoff",
            unit: FieldUnit::Seconds,
            whole: false,
            step: None,
            range: Some(Range::log(0.01, 10.0)),
            get: |s| s.breaker.backoff,
            set: |s, v| s.breaker.backoff = v,
        },
        Field {
            label: "br.threshold",
            hint: "br.threshold.hint",
            testid: "failure-threshold",
            unit: FieldUnit::Percent,
            whole: false,
            step: None,
            range: Some(Range::lin(1.0, 100.0)),
            get: |s| s.breaker.breaker.failure_rate_threshold,
            set: |s, v| s.breaker.breaker.failure_rate_threshold = v,
        },
        Field {
            label: "br.wait",
            hint: "br.wait.hint",
            testid: "wait-open",
            unit: FieldUnit::Seconds,
            whole: false,
            step: None,
            range: Some(Range::log(1.0, 600.0)),
            get: |s| s.breaker.breaker.wait_open,
            set: |s, v| s.breaker.breaker.wait_open = v,
        },
        Field {
            label: "br.window",
            hint: "br.window.hint",
            testid: "window",
            unit: FieldUnit::Plain,
            whole: true,
            step: None,
            range: Some(Range::log(2.0, 1000.0)),
            get: |s| s.breaker.breaker.window as f64,
            set: |s, v| {
                s.breaker.breaker.window = v as u32;
                s.breaker.breaker.minimum_calls = s.breaker.breaker.minimum_calls.min(v as u32)
            },
        },
        Field {
            label: "br.episode_errors",
            hint: "br.episode_errors.hint",
            testid: "episode-errors",
            unit: FieldUnit::Percent,
            whole: false,
            step: None,
            range: Some(Range::lin(0.0, 100.0)),
            get: |s| s.breaker.episodes.first().map_or(0.0, |e| e.error_rate),
            set: |s, v| {
                s.breaker.first_episode(s.load.duration());
                s.breaker.episodes.iter_mut().for_each(|e| e.error_rate = v)
            },
        },
        Field {
            label: "br.episode_latency",
            hint: "br.episode_latency.hint",
            testid: "episode-latency",
            unit: FieldUnit::Seconds,
            whole: false,
            step: None,
            range: Some(Range::log(0.01, 60.0)),
            get: |s| s.breaker.episodes.first().map_or(0.0, |e| e.latency),
            set: |s, v| {
                s.breaker.first_episode(s.load.duration());
                s.breaker.episodes.iter_mut().for_each(|e| e.latency = v)
            },
        },
        // Where the (first) incident lies, as a share of the curve: it keeps that place when the curve changes.
        Field {
            label: "br.episode_start",
            hint: "br.episode_start.hint",
            testid: "episode-start",
            unit: FieldUnit::Percent,
            whole: false,
            step: None,
            range: Some(Range::lin(0.0, 100.0)),
            get: |s| s.breaker.episodes.first().map_or(0.0, |e| e.start / s.load.duration()),
            set: |s, v| {
                let d = s.load.duration();
                s.breaker.first_episode(d).start = v * d
            },
        },
        Field {
            label: "br.episode_end",
            hint: "br.episode_end.hint",
            testid: "episode-end",
            unit: FieldUnit::Percent,
            whole: false,
            step: None,
            range: Some(Range::lin(0.0, 100.0)),
            get: |s| s.breaker.episodes.first().map_or(0.0, |e| e.end / s.load.duration()),
            set: |s, v| {
                let d = s.load.duration();
                s.breaker.first_episode(d).end = v * d
            },
        },
    ],
    note: Some("br.arrow"),
    formula_id: "br-formula",
    // Beside the formula, the simulation where it applies: during the (first) failure episode, else the whole run.
    formulas: &["br.formula", "br.formula_all"],
    gap: Gap::Text("br.gap"),
};

/// The breaker's charts, over the curve.
static CHARTS: &[ChartSpec] = &[
    ChartSpec {
        section: "resilience",
        title: "br.c.calls",
        id: "chart-breaker-calls",
        draw: |c| time(c, mc::breaker_calls),
    },
    ChartSpec {
        section: "resilience",
        title: "br.c.success",
        id: "chart-breaker-success",
        draw: |c| time(c, mc::breaker_outcome),
    },
    ChartSpec {
        section: "resilience",
        title: "br.c.latency",
        id: "chart-breaker-latency",
        draw: |c| time(c, mc::breaker_latency),
    },
];

fn time(c: &ChartInput, f: fn(&BreakerResult, f64, Option<&BreakerResult>, Tr) -> TimeChart) -> Option<Chart> {
    Some(Chart::Time(f(c.out.breaker()?, c.s.load.duration(), c.a_out().and_then(Output::breaker), c.t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_machine_by_hand() {
        let mut b =
            Breaker::new(BreakerSettings { window: 10, minimum_calls: 10, half_open_calls: 3, ..Default::default() });
        for i in 0..9 {
            b.record(i as f64, true, false);
            assert_eq!(b.state, State::Closed, "fewer than the minimum calls: not judged yet");
        }
        b.record(9.0, true, false);
        assert_eq!(b.state, State::Open);
        assert!(!b.permit(30.0));
        assert!(b.permit(70.0), "after 60 s a trial call goes through");
        assert_eq!(b.state, State::HalfOpen);
        assert!(b.permit(70.1) && b.permit(70.2) && !b.permit(70.3), "three trials, no more");
        b.record(71.0, false, false);
        b.record(71.1, false, false);
        b.record(71.2, true, false);
        assert_eq!(b.state, State::Closed, "1 failure of 3 is under 50 %");
        assert_eq!(
            b.transitions.iter().map(|t| t.1).collect::<Vec<_>>(),
            vec![State::Open, State::HalfOpen, State::Closed]
        );
        // Half the window failing reopens it.
        for i in 0..10 {
            b.record(80.0 + i as f64, i % 2 == 0, false);
        }
        assert_eq!(b.state, State::Open);
    }
}
