//! The scaling engine: a discrete-event simulation of one serverless function's instances under a load curve.
//!
//! # What is simulated
//! - **Arrivals**: a non-homogeneous Poisson process with the load curve's rate, generated exactly ([`arrivals`]).
//! - **Instances** are *initialising* (cold start under way), *busy* (serving ≥ 1 request) or *idle*. Each serves up
//!   to `concurrency_per_instance` requests at once (1 like AWS Lambda, up to 1000 like Google Cloud Run).
//! - **Cold starts** ([`ColdMode`]): either an init latency drawn from its own distribution and added before the
//!   request's warm service (the platform view), or the SimFaaS convention where a cold request's whole service time
//!   is drawn from a separate cold distribution (Mahmoudi & Khazaei 2020, used to validate against their data).
//! - **Keep-alive**: an idle instance is removed `keep_alive` seconds after its last request ended (Lambda: ≈ 10 min,
//!   observed, not documented; Azure ≈ 20 min). Which idle instance takes a request is [`IdleChoice`]: the newest
//!   created (SimFaaS; it lets older instances expire), the most recently used, or the least recently used.
//! - **Provisioned concurrency**: a floor of instances, ready from the start, never expiring, used first (as Lambda
//!   routes to provisioned concurrency before on-demand), billed by enabled time at their own price.
//! - **Pre-warming pings**: every `interval`, `count` short requests arrive at once (a scheduled warmer); each takes an
//!   idle instance, resetting its keep-alive, or starts one. They are billed but excluded from user statistics.
//! - **Limits**: at most `max_instances` instances (Lambda's concurrency limit, 1,000 per region by default), and a
//!   scaling-rate limit as a token bucket (Lambda: 1,000 new environments per 10 s, refilling continuously). Beyond
//!   either, a request is throttled (HTTP 429, Lambda's synchronous behaviour) or waits in a FIFO queue with a
//!   maximum length and a timeout ([`Overflow`]).
//! - **Scaling policies** ([`Policy`]): scale per request (Lambda, SimFaaS: an arrival with no free slot starts an
//!   instance at once); target tracking (Knative, Cloud Run, Kubernetes HPA: every interval, desired =
//!   ⌈in-flight / (target × concurrency)⌉ averaged over a window, with a scale-down stabilisation window); the seeds'
//!   proportional schedule R(t) = Rmin + (Rmax − Rmin)·L(t)/Lmax; and predictive (Holt's linear smoothing of the
//!   observed rate, forecast one cold start ahead, sized by Little's law). Under the three scheduled policies
//!   instances are added and removed by the autoscaler only (keep-alive does not apply); requests that find no free
//!   slot wait for one (or are throttled, per [`Overflow`]); an instance that is still initialising takes waiting
//!   requests and serves them when ready. With no instance at all, the first waiting request starts one at once
//!   (Knative's activator).
//!
//! # Outputs
//! Per time bin and for the whole run ([`SimResult`]): arrivals, completions, throttles, time-outs, cold starts,
//! queue length, instances by state (time averages), latency percentiles from streaming histograms (≤ 1 % relative
//! error, [`crate::model::stats`]), cost. Memory grows with bins and instances, never with requests: nothing is kept
//! per request except while it waits in the queue.
//!
//! # Determinism
//! Generators seeded from the scenario; events at equal times are taken in an order fixed by the event heap's moves
//! (the same on every run and platform), so the same scenario gives the same result natively and in WebAssembly.
//!
//! # Where the textbook formulas differ
//! M/M/∞ predicts λ·E[S] busy instances and no waiting; the simulation adds cold starts (longer first requests),
//! keep-alive (idle instances that cost nothing on Lambda but hold memory), and limits. The PACS model
//! ([`crate::model::analytic::pacs`]) treats the instance count as a birth–death chain with Erlang-B cold starts; it
//! assumes exponential service and steady state, which a load curve rarely is.

pub mod arrivals;
mod core;
mod creation;
pub mod heap;
pub mod parts;
pub mod state;
// The crate's only unsafe code: unchecked indexing, with its safety argument in the module.
#[allow(unsafe_code)]
mod table;

pub use self::core::{simulate, MAX_BINS};

use super::cost::{period_bill, AlwaysOn, Bill, Pricing, Usage};
use super::dist::Dist;
use super::stats::Percentiles;
use crate::model::{check, need};
use serde::{Deserialize, Serialize};

/// How a cold start shows up in a request's latency.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "ColdModeJson")]
pub enum ColdMode {
    /// An init latency [s] is added before the warm service of the instance's first request.
    InitThenWarm {
        /// Init (cold-start) latency [s].
        init: Dist,
    },
    /// SimFaaS convention: a cold request's whole service time [s] comes from this distribution instead of the warm
    /// one. Only with [`Policy::PerRequest`].
    SeparateCold {
        /// Service time of a cold request, init included [s].
        cold_service: Dist,
    },
}

/// Which idle instance takes a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdleChoice {
    /// The most recently created idle instance (SimFaaS; lets older instances expire).
    NewestCreated,
    /// The instance that became idle last.
    MostRecentlyUsed,
    /// The instance that has been idle longest (spreads work, keeps more instances alive).
    LeastRecentlyUsed,
}

/// What happens to a request that finds no free slot and may not start a new instance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "OverflowJson")]
pub enum Overflow {
    /// Rejected at once (HTTP 429), as Lambda does for synchronous invocations.
    Throttle,
    /// Waits in a FIFO queue.
    Queue {
        /// Longest queue [requests]; an arrival that finds it full is throttled.
        max_len: u32,
        /// Longest wait [s]; a request still waiting then is dropped as timed out.
        timeout: f64,
    },
}

/// A scaling-rate limit: a token bucket of new instances.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScaleRate {
    /// Instances that may start at once (bucket size) [instances].
    pub burst: u32,
    /// Seconds to refill a full bucket, continuously [s]. Lambda: 1,000 per 10 s.
    pub per_seconds: f64,
}

/// Scheduled warm-up pings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Prewarm {
    /// Time between pings [s].
    pub interval: f64,
    /// Concurrent pings each time [requests].
    pub count: u32,
    /// Service time of a ping [s].
    pub duration: f64,
}

/// How the number of instances is decided.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "PolicyJson")]
pub enum Policy {
    /// Every request with no free slot starts a new instance (AWS Lambda, SimFaaS).
    PerRequest,
    /// Knative / Cloud Run / HPA style target tracking.
    TargetTracking {
        /// Target share of each instance's concurrency in use [-] (Cloud Run: 0.6).
        target: f64,
        /// Time between decisions [s] (Knative: 2 s).
        interval: f64,
        /// Window the in-flight count is averaged over [s] (Knative stable window: 60 s).
        window: f64,
        /// Scale down only to the highest desired count of this last window [s].
        stabilization: f64,
        /// Most instances the autoscaler asks for [instances].
        max_scale: u32,
    },
    /// The seeds' proportional schedule R(t) = Rmin + (Rmax − Rmin)·L(t)/Lmax, L the load curve's rate.
    Proportional {
        /// Instances at zero load [instances].
        r_min: u32,
        /// Instances at the curve's peak [instances].
        r_max: u32,
        /// Time between decisions [s].
        interval: f64,
    },
    /// Forecast the arrival rate one cold start ahead (Holt's linear smoothing) and provision for it.
    Predictive {
        /// Level smoothing factor α [-].
        alpha: f64,
        /// Trend smoothing factor β [-].
        beta: f64,
        /// Time between decisions [s].
        interval: f64,
        /// Target share of each instance's concurrency in use [-].
        target: f64,
        /// Scale down only to the highest desired count of this last window [s].
        stabilization: f64,
        /// Most instances the autoscaler asks for [instances].
        max_scale: u32,
    },
}

/// The JSON form of a [`ColdMode`], read as one object ([`crate::model::need`]).
#[derive(Deserialize)]
#[serde(expecting = "a cold-start mode (an object with a kind)")]
struct ColdModeJson {
    kind: String,
    init: Option<Dist>,
    cold_service: Option<Dist>,
}

impl TryFrom<ColdModeJson> for ColdMode {
    type Error = String;
    fn try_from(j: ColdModeJson) -> Result<Self, String> {
        Ok(match j.kind.as_str() {
            "init_then_warm" => ColdMode::InitThenWarm { init: need(j.init, "init")? },
            "separate_cold" => ColdMode::SeparateCold { cold_service: need(j.cold_service, "cold_service")? },
            other => return Err(crate::model::unknown_kind(other, &["init_then_warm", "separate_cold"])),
        })
    }
}

/// The JSON form of an [`Overflow`], read as one object ([`crate::model::need`]).
#[derive(Deserialize)]
#[serde(expecting = "an overflow rule (an object with a kind)")]
struct OverflowJson {
    kind: String,
    max_len: Option<u32>,
    timeout: Option<f64>,
}

impl TryFrom<OverflowJson> for Overflow {
    type Error = String;
    fn try_from(j: OverflowJson) -> Result<Self, String> {
        Ok(match j.kind.as_str() {
            "throttle" => Overflow::Throttle,
            "queue" => Overflow::Queue { max_len: need(j.max_len, "max_len")?, timeout: need(j.timeout, "timeout")? },
            other => return Err(crate::model::unknown_kind(other, &["throttle", "queue"])),
        })
    }
}

/// The JSON form of a [`Policy`], read as one object ([`crate::model::need`]).
#[derive(Deserialize)]
#[serde(expecting = "a scaling policy (an object with a kind)")]
struct PolicyJson {
    kind: String,
    target: Option<f64>,
    interval: Option<f64>,
    window: Option<f64>,
    stabilization: Option<f64>,
    max_scale: Option<u32>,
    r_min: Option<u32>,
    r_max: Option<u32>,
    alpha: Option<f64>,
    beta: Option<f64>,
}

impl TryFrom<PolicyJson> for Policy {
    type Error = String;
    fn try_from(j: PolicyJson) -> Result<Self, String> {
        Ok(match j.kind.as_str() {
            "per_request" => Policy::PerRequest,
            "target_tracking" => Policy::TargetTracking {
                target: need(j.target, "target")?,
                interval: need(j.interval, "interval")?,
                window: need(j.window, "window")?,
                stabilization: need(j.stabilization, "stabilization")?,
                max_scale: need(j.max_scale, "max_scale")?,
            },
            "proportional" => Policy::Proportional {
                r_min: need(j.r_min, "r_min")?,
                r_max: need(j.r_max, "r_max")?,
                interval: need(j.interval, "interval")?,
            },
            "predictive" => Policy::Predictive {
                alpha: need(j.alpha, "alpha")?,
                beta: need(j.beta, "beta")?,
                interval: need(j.interval, "interval")?,
                target: need(j.target, "target")?,
                stabilization: need(j.stabilization, "stabilization")?,
                max_scale: need(j.max_scale, "max_scale")?,
            },
            other => {
                return Err(crate::model::unknown_kind(
                    other,
                    &["per_request", "target_tracking", "proportional", "predictive"],
                ))
            }
        })
    }
}

impl Policy {
    /// Short name for tables and legends.
    pub fn name(&self) -> &'static str {
        match self {
            Policy::PerRequest => "per request",
            Policy::TargetTracking { .. } => "target tracking",
            Policy::Proportional { .. } => "proportional R(t)",
            Policy::Predictive { .. } => "predictive",
        }
    }
}

/// Everything about the platform and the function that the scaling engine needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalingParams {
    /// Service time of a warm request [s]. Default: log-normal, mean 200 ms, CV 0.5 (a typical API handler).
    pub warm_service: Dist,
    /// Cold-start behaviour. Default: init latency log-normal with mean 265 ms, sd 354 ms (Lambda 128 MB, "Peeking
    /// Behind the Curtains of Serverless Platforms", Wang et al., USENIX ATC 2018, as used by OpenDC).
    pub cold: ColdMode,
    /// Idle time after which an instance is removed [s]. Default 600 s (Lambda, observed).
    pub keep_alive: f64,
    /// Requests one instance serves at once [requests]. Default 1 (Lambda).
    pub concurrency_per_instance: u32,
    /// Which idle instance takes a request.
    pub idle_choice: IdleChoice,
    /// Provisioned-concurrency instances, always warm [instances].
    pub provisioned: u32,
    /// Scheduled warm-up pings, if any.
    pub prewarm: Option<Prewarm>,
    /// Most instances at once (concurrency limit) [instances]. Default 1,000 (Lambda account default per region).
    pub max_instances: u32,
    /// What happens beyond the limits.
    pub overflow: Overflow,
    /// Scaling-rate limit, if any. Default: 1,000 per 10 s (Lambda).
    pub scale_rate: Option<ScaleRate>,
    /// How instances are added and removed.
    pub policy: Policy,
    /// Memory of one instance [MB] (prices scale with it). Default 512 MB.
    pub memory_mb: f64,
    /// Pay-per-use prices.
    pub pricing: Pricing,
    /// Always-on fleet to compare with.
    pub always_on: AlwaysOn,
    /// Start of the measured period [s]: statistics ignore what happens before it (steady-state runs).
    pub warmup: f64,
}

impl Default for ScalingParams {
    fn default() -> Self {
        ScalingParams {
            warm_service: Dist::LogNormal { mean: 0.2, cv: 0.5 },
            cold: ColdMode::InitThenWarm { init: Dist::LogNormal { mean: 0.265, cv: 354.0 / 265.0 } },
            keep_alive: 600.0,
            concurrency_per_instance: 1,
            idle_choice: IdleChoice::NewestCreated,
            provisioned: 0,
            prewarm: None,
            max_instances: 1000,
            overflow: Overflow::Throttle,
            scale_rate: Some(ScaleRate { burst: 1000, per_seconds: 10.0 }),
            policy: Policy::PerRequest,
            memory_mb: 512.0,
            pricing: Pricing::default(),
            always_on: AlwaysOn::default(),
            warmup: 0.0,
        }
    }
}

fn positive(v: f64, max: f64) -> bool {
    v.is_finite() && v > 0.0 && v <= max
}

impl ScalingParams {
    /// The SimFaaS-compatible steady-state set-up: exponential warm and cold service times, cold replaces warm,
    /// newest idle instance first, rejection at the limit, no rate limit.
    pub fn simfaas(warm: f64, cold: f64, keep_alive: f64, max_instances: u32) -> Self {
        ScalingParams {
            warm_service: Dist::Exponential { mean: warm },
            cold: ColdMode::SeparateCold { cold_service: Dist::Exponential { mean: cold } },
            keep_alive,
            max_instances,
            scale_rate: None,
            ..ScalingParams::default()
        }
    }

    /// Checks every field; the message names the field and the allowed range.
    pub fn validate(&self) -> Result<(), String> {
        self.warm_service.validate("scaling.warm_service")?;
        match &self.cold {
            ColdMode::InitThenWarm { init } => init.validate("scaling.cold.init")?,
            ColdMode::SeparateCold { cold_service } => {
                cold_service.validate("scaling.cold.cold_service")?;
                check(
                    matches!(self.policy, Policy::PerRequest),
                    "scaling.cold: a separate cold service time (SimFaaS) only applies to the per-request policy; use an init latency",
                )?;
            }
        }
        check(
            positive(self.keep_alive, 30.0 * 86_400.0),
            "scaling.keep_alive: must be between 0 and 2592000 s (30 days)",
        )?;
        check(
            (1..=1000).contains(&self.concurrency_per_instance),
            "scaling.concurrency_per_instance: must be between 1 and 1000",
        )?;
        check((1..=100_000).contains(&self.max_instances), "scaling.max_instances: must be between 1 and 100000")?;
        check(self.provisioned <= self.max_instances, "scaling.provisioned: cannot exceed max_instances")?;
        if let Some(p) = &self.prewarm {
            check(positive(p.interval, 86_400.0), "scaling.prewarm.interval: must be between 0 and 86400 s")?;
            check((1..=10_000).contains(&p.count), "scaling.prewarm.count: must be between 1 and 10000")?;
            check(
                p.duration.is_finite() && (0.0..=60.0).contains(&p.duration),
                "scaling.prewarm.duration: must be between 0 and 60 s",
            )?;
        }
        if let Overflow::Queue { max_len, timeout } = self.overflow {
            check(max_len <= 10_000_000, "scaling.overflow.max_len: at most 10000000")?;
            check(positive(timeout, 86_400.0), "scaling.overflow.timeout: must be between 0 and 86400 s")?;
        }
        if let Some(r) = &self.scale_rate {
            check((1..=1_000_000).contains(&r.burst), "scaling.scale_rate.burst: must be between 1 and 1000000")?;
            check(positive(r.per_seconds, 86_400.0), "scaling.scale_rate.per_seconds: must be between 0 and 86400 s")?;
        }
        match self.policy {
            Policy::PerRequest => {}
            Policy::TargetTracking { target, interval, window, stabilization, max_scale } => {
                check(target > 0.0 && target <= 1.0, "scaling.policy.target: must be above 0 and at most 1")?;
                check(positive(interval, 3600.0), "scaling.policy.interval: must be between 0 and 3600 s")?;
                check(
                    window.is_finite() && window >= interval && window <= 86_400.0,
                    "scaling.policy.window: must be between the interval and 86400 s",
                )?;
                check(
                    stabilization.is_finite() && (0.0..=86_400.0).contains(&stabilization),
                    "scaling.policy.stabilization: must be between 0 and 86400 s",
                )?;
                check(max_scale >= 1, "scaling.policy.max_scale: at least 1")?;
            }
            Policy::Proportional { r_min, r_max, interval } => {
                check(r_min <= r_max, "scaling.policy.r_min: cannot exceed r_max")?;
                check(r_max >= 1, "scaling.policy.r_max: at least 1")?;
                check(positive(interval, 3600.0), "scaling.policy.interval: must be between 0 and 3600 s")?;
            }
            Policy::Predictive { alpha, beta, interval, target, stabilization, max_scale } => {
                check(alpha > 0.0 && alpha <= 1.0, "scaling.policy.alpha: must be above 0 and at most 1")?;
                check((0.0..=1.0).contains(&beta), "scaling.policy.beta: must be between 0 and 1")?;
                check(positive(interval, 3600.0), "scaling.policy.interval: must be between 0 and 3600 s")?;
                check(target > 0.0 && target <= 1.0, "scaling.policy.target: must be above 0 and at most 1")?;
                check(
                    stabilization.is_finite() && (0.0..=86_400.0).contains(&stabilization),
                    "scaling.policy.stabilization: must be between 0 and 86400 s",
                )?;
                check(max_scale >= 1, "scaling.policy.max_scale: at least 1")?;
            }
        }
        check(
            self.memory_mb.is_finite() && (128.0..=10_240.0).contains(&self.memory_mb),
            "scaling.memory_mb: must be between 128 and 10240 MB",
        )?;
        check(self.warmup.is_finite() && self.warmup >= 0.0, "scaling.warmup: must be a number ≥ 0 s")?;
        self.pricing.validate()?;
        self.always_on.validate()
    }
}

/// One time bin of the output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    /// Start of the bin [s].
    pub t: f64,
    /// User requests that arrived [requests].
    pub arrivals: u64,
    /// Requests that completed (counted in the bin they arrived in) [requests].
    pub completed: u64,
    /// Requests throttled [requests].
    pub throttled: u64,
    /// Requests dropped after waiting too long [requests].
    pub timed_out: u64,
    /// Requests that paid a cold start [requests].
    pub cold_starts: u64,
    /// Mean queue length [requests].
    pub queue: f64,
    /// Mean busy instances [instances].
    pub busy: f64,
    /// Mean idle instances [instances].
    pub idle: f64,
    /// Mean initialising instances [instances].
    pub initializing: f64,
    /// Latency of requests that arrived in the bin [s].
    pub latency: Percentiles,
    /// Where their time went (queue, initialisation, service), on average and for the slowest 1 % [s].
    #[serde(default)]
    pub parts: parts::LatencyParts,
    /// Pay-per-use cost accrued in the bin [$] (its share of the period's bill, free tier included).
    pub cost: f64,
    /// What the bin used, to be priced (requests and GB-s of the requests that arrived in it).
    #[serde(default)]
    pub usage: Usage,
}

/// Whole-run figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Measured period [s].
    pub measured_seconds: f64,
    /// User requests that arrived [requests].
    pub arrivals: u64,
    /// Completed [requests].
    pub completed: u64,
    /// Throttled [requests].
    pub throttled: u64,
    /// Timed out in the queue [requests].
    pub timed_out: u64,
    /// Still in flight when the run stopped (0: every run drains) [requests].
    pub in_flight: u64,
    /// Completed requests that paid a cold start [requests].
    pub cold_starts: u64,
    /// Cold starts / completed requests [-].
    pub cold_start_prob: f64,
    /// (Throttled + timed out) / arrivals [-].
    pub rejection_prob: f64,
    /// Latency of all completed requests [s].
    pub latency: Percentiles,
    /// Latency of warm requests [s].
    pub latency_warm: Percentiles,
    /// Latency of cold requests [s].
    pub latency_cold: Percentiles,
    /// Share of the overall p99 that is due to cold starts: (p99 − p99 warm) / p99 [-].
    pub p99_cold_share: f64,
    /// Mean time in the queue of completed requests [s].
    pub mean_wait: f64,
    /// Mean instances [instances].
    pub avg_instances: f64,
    /// Mean busy (running) instances [instances].
    pub avg_running: f64,
    /// Mean idle instances [instances].
    pub avg_idle: f64,
    /// Mean initialising instances [instances].
    pub avg_initializing: f64,
    /// Running / all instances, time-averaged [-].
    pub utilization: f64,
    /// Most instances at once [instances].
    pub peak_instances: u32,
    /// Instances started [instances].
    pub instances_started: u64,
    /// Mean requests in the system (in service, waiting, initialising) [requests].
    pub avg_in_system: f64,
    /// Pay-per-use bill for the measured period [$].
    pub bill: Bill,
    /// Bill per million completed requests [$].
    pub cost_per_million: f64,
    /// Billed duration per completed request, on-demand and provisioned [GB-s].
    pub gb_s_per_request: f64,
    /// Always-on fleet sized for the peak, same period [$].
    pub always_on_cost: f64,
    /// Servers in that fleet [servers].
    pub always_on_servers: u32,
}

/// What a run produces.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SimResult {
    /// Width of each bin [s].
    pub bin_width: f64,
    /// The bins, in time order.
    pub bins: Vec<Bin>,
    /// Whole-run figures.
    pub summary: Summary,
}

impl SimResult {
    /// What the whole measured period used.
    pub fn usage(&self) -> Usage {
        let mut u = Usage::default();
        for b in &self.bins {
            u.requests += b.usage.requests;
            u.gb_s += b.usage.gb_s;
            u.provisioned_duration_gb_s += b.usage.provisioned_duration_gb_s;
            u.provisioned_enabled_gb_s += b.usage.provisioned_enabled_gb_s;
        }
        u
    }

    /// Prices the run's usage with `pricing` and compares it with `always_on` sized for `peak` [req/s]: fills each
    /// bin's cost and the summary's bill, cost per million and always-on figures. The simulation itself depends on
    /// the prices only through the billing rules (granularity, INIT billing, memory), so a price edit reprices the
    /// last run instead of simulating again.
    pub fn reprice(&mut self, pricing: &Pricing, always_on: &AlwaysOn, peak: f64) {
        let usage = self.usage();
        let s = &mut self.summary;
        s.bill = period_bill(&usage, pricing, s.measured_seconds);
        let gross = pricing.price(&usage);
        // The free tier is shared out over the bins in proportion to their gross cost.
        let scale = if gross > 0.0 { s.bill.total / gross } else { 0.0 };
        for b in &mut self.bins {
            b.cost = pricing.price(&b.usage) * scale;
        }
        s.cost_per_million = if s.completed > 0 { s.bill.total / s.completed as f64 * 1e6 } else { 0.0 };
        s.always_on_servers = always_on.servers_for(peak);
        s.always_on_cost = s.always_on_servers as f64 * always_on.price_per_hour * s.measured_seconds / 3600.0;
    }
}

/// A bin width [s] giving at most `max_bins` bins over `duration`, rounded up to a readable value.
pub fn bin_width(duration: f64, max_bins: usize) -> f64 {
    const NICE: [f64; 22] = [
        0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0,
        10_800.0, 21_600.0, 43_200.0, 86_400.0, 172_800.0,
    ];
    let raw = duration / max_bins.max(1) as f64;
    NICE.into_iter().find(|&w| w >= raw).unwrap_or_else(|| (raw / 86_400.0).ceil() * 86_400.0)
}
