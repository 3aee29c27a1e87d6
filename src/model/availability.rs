//! Availability across regions: Monte Carlo of regions that fail and recover, health-check failover and capacity,
//! measured the way providers measure, set beside the textbook formulas.
//!
//! # Model
//! - Each region alternates up and down: time to failure exponential with mean MTBF, repair exponential with mean
//!   MTTR (steady state A = MTBF/(MTBF + MTTR)). An optional common-mode process (a bad global deploy, a shared
//!   dependency) takes every region down at once, with its own MTBF and MTTR.
//! - Traffic is split across regions in proportion to their capacity. When a region fails, its share fails until the
//!   health checks notice (on average half an interval plus `threshold` intervals: Route 53 style) and clients follow
//!   the DNS change (the TTL); then, with probability `failover_success`, the share moves to the surviving regions,
//!   otherwise it keeps failing until the region recovers. Survivors serve at most their capacity (a share of the
//!   total load); the excess fails.
//! - The load curve, repeated over the horizon, weights each moment: a failure at the daily peak costs more requests
//!   than one at night.
//! - Measurement as in the AWS Lambda SLA: the error rate of each 5-minute interval (failed / all requests), the
//!   monthly uptime percentage = 100 % − the mean of those error rates over the month's intervals, service credits by
//!   tier (< 99.95 %: 10 %, < 99.0 %: 25 %, < 95.0 %: 100 %).
//!
//! # Formulas beside it, and the assumption each makes
//! - One region: A = MTBF/(MTBF + MTTR) (steady state, no maintenance).
//! - Parallel redundancy: A = 1 − Π(1 − Aᵢ): independent failures, instant and always-successful failover, and each
//!   survivor able to carry all the load. Common-mode events, detection time, failed failovers and short capacity all
//!   make real systems fall short of it.
//! - The seed article: A = 1 − P·(1 − R)ⁿ with P the probability that a single point fails, R the probability that
//!   failover succeeds, n the number of data centres. Read literally, more data centres *lower* availability when
//!   R < 1 is small, and it ignores repair; it is shown as written, with P = 1 − A₁.

use super::dist::{exp, rng, SimRng};
use super::load::LoadCurve;
use super::registry::{ChartSpec, FigureSpec, Formula, Model, ModelKind, Output, Reading};
use super::scenario::Scenario;
use super::stats::Histogram;
use super::units::{sig, Unit};
use crate::charts::models as mc;
use crate::charts::spec::Chart;
use crate::model::{check, fmin};
use serde::{Deserialize, Serialize};

/// Length of a provider measurement interval [s] (AWS: 5 minutes).
pub const INTERVAL_S: f64 = 300.0;
/// Length of a billing month [s] (30 days).
pub const MONTH_S: f64 = 30.0 * 86_400.0;

/// One region or data centre.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Mean time between failures [h].
    pub mtbf_h: f64,
    /// Mean time to repair [h].
    pub mttr_h: f64,
    /// Load this region can serve, as a share of the whole load [-] (1 = all of it).
    pub capacity: f64,
}

/// A failure that hits every region at once.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommonMode {
    /// Mean time between such events [h].
    pub mtbf_h: f64,
    /// Mean time to repair [h].
    pub mttr_h: f64,
}

/// Everything the availability model needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityParams {
    /// The regions (1–6). Default: two regions at 99.95 % each (MTBF 2,000 h, MTTR 1 h), each able to carry the whole
    /// load; 99.95 % is the Lambda SLA per region.
    pub regions: Vec<Region>,
    /// Optional common-mode failure. Default: once every 2 years, 30 minutes to repair.
    pub common_mode: Option<CommonMode>,
    /// Health-check interval [s] (Route 53: 10 or 30 s).
    pub check_interval_s: f64,
    /// Consecutive failed checks before a region is declared unhealthy (commonly 3).
    pub failure_threshold: u32,
    /// DNS TTL and client delay before traffic moves [s].
    pub dns_ttl_s: f64,
    /// Probability that a failover succeeds [-].
    pub failover_success: f64,
    /// Simulated time per run [days]. Default 365.
    pub horizon_days: f64,
    /// Monte Carlo runs. Default 200.
    pub runs: u32,
    /// Monthly uptime the SLA promises [-]. Default 0.9995 (Lambda).
    pub sla: f64,
}

impl Default for AvailabilityParams {
    fn default() -> Self {
        let r = Region { mtbf_h: 2000.0, mttr_h: 1.0, capacity: 1.0 };
        AvailabilityParams {
            regions: vec![r, r],
            common_mode: Some(CommonMode { mtbf_h: 2.0 * 8760.0, mttr_h: 0.5 }),
            check_interval_s: 30.0,
            failure_threshold: 3,
            dns_ttl_s: 60.0,
            failover_success: 0.99,
            horizon_days: 365.0,
            runs: 200,
            sla: 0.9995,
        }
    }
}

impl AvailabilityParams {
    /// Checks every field; the message names it.
    pub fn validate(&self) -> Result<(), String> {
        check((1..=6).contains(&self.regions.len()), "availability.regions: between 1 and 6 regions")?;
        for (i, r) in self.regions.iter().enumerate() {
            let ok = |v: f64| v.is_finite() && v > 0.0 && v <= 1e7;
            check(ok(r.mtbf_h), &format!("availability.regions[{i}].mtbf_h: must be between 0 and 10000000 h"))?;
            check(ok(r.mttr_h), &format!("availability.regions[{i}].mttr_h: must be between 0 and 10000000 h"))?;
            check(
                r.capacity.is_finite() && (0.0..=10.0).contains(&r.capacity),
                &format!("availability.regions[{i}].capacity: must be between 0 and 10 (shares of the load)"),
            )?;
        }
        if let Some(c) = self.common_mode {
            check(c.mtbf_h.is_finite() && c.mtbf_h > 0.0, "availability.common_mode.mtbf_h: must be above 0 h")?;
            check(c.mttr_h.is_finite() && c.mttr_h > 0.0, "availability.common_mode.mttr_h: must be above 0 h")?;
        }
        check(
            self.check_interval_s.is_finite() && (0.0..=3600.0).contains(&self.check_interval_s),
            "availability.check_interval_s: must be between 0 and 3600 s",
        )?;
        check(self.failure_threshold <= 100, "availability.failure_threshold: at most 100")?;
        check(
            self.dns_ttl_s.is_finite() && (0.0..=86_400.0).contains(&self.dns_ttl_s),
            "availability.dns_ttl_s: must be between 0 and 86400 s",
        )?;
        check((0.0..=1.0).contains(&self.failover_success), "availability.failover_success: must be between 0 and 1")?;
        check(
            self.horizon_days.is_finite() && (1.0..=3650.0).contains(&self.horizon_days),
            "availability.horizon_days: must be between 1 and 3650 days",
        )?;
        check((1..=100_000).contains(&self.runs), "availability.runs: must be between 1 and 100000")?;
        check(self.sla > 0.0 && self.sla < 1.0, "availability.sla: must be between 0 and 1 (e.g. 0.9995)")
    }

    /// Mean delay from a failure to traffic moving [s]: detection (half an interval on average, plus the threshold's
    /// intervals) and the DNS TTL.
    pub fn failover_delay(&self) -> f64 {
        self.check_interval_s * (self.failure_threshold as f64 + 0.5) + self.dns_ttl_s
    }
}

/// One state change in the sample timeline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Outage {
    /// Region index, or `None` for a common-mode event.
    pub region: Option<usize>,
    /// Start [s].
    pub start: f64,
    /// End [s].
    pub end: f64,
    /// When its traffic moved to other regions [s], if it did.
    pub failed_over_at: Option<f64>,
}

/// Results of the Monte Carlo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AvailabilityResult {
    /// Share of requests served over all runs [-].
    pub availability: f64,
    /// −log₁₀(1 − availability).
    pub nines: f64,
    /// Share of time with every region down or unreachable [-].
    pub full_outage_time_share: f64,
    /// Downtime-equivalent per month [min]: (1 − monthly uptime) × the month's minutes; quantiles over all months.
    pub downtime_min_p50: f64,
    /// 90th percentile [min].
    pub downtime_min_p90: f64,
    /// 99th percentile [min].
    pub downtime_min_p99: f64,
    /// Mean [min].
    pub downtime_min_mean: f64,
    /// Monthly downtime samples, sorted, for the distribution chart [min] (one per simulated month).
    pub monthly_downtime_min: Vec<f64>,
    /// Probability that a month breaches the SLA [-].
    pub sla_breach_prob: f64,
    /// Mean service credit per month, as a share of the bill [-].
    pub mean_credit: f64,
    /// Failed requests per year under the load curve, mean over runs [requests].
    pub failed_requests_per_year: f64,
    /// The first run's outages, for the timeline chart.
    pub timeline: Vec<Outage>,
    /// Formulas beside the simulation.
    pub formulas: Formulas,
}

/// The textbook figures for the same parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Formulas {
    /// A = MTBF/(MTBF + MTTR) of the first region.
    pub single: f64,
    /// 1 − Π(1 − Aᵢ) over the regions.
    pub parallel: f64,
    /// The seed's 1 − P·(1 − R)ⁿ with P = 1 − A₁.
    pub seed: f64,
}

/// The formulas (module docs).
pub fn formulas(p: &AvailabilityParams) -> Formulas {
    let a = |r: &Region| r.mtbf_h / (r.mtbf_h + r.mttr_h);
    let single = a(&p.regions[0]);
    let parallel = 1.0 - p.regions.iter().map(|r| 1.0 - a(r)).product::<f64>();
    let seed = 1.0 - (1.0 - single) * (1.0 - p.failover_success).powi(p.regions.len() as i32);
    Formulas { single, parallel, seed }
}

/// Service credit of a month with this uptime (AWS Lambda tiers) [share of the bill].
pub fn credit(uptime: f64) -> f64 {
    if uptime < 0.95 {
        1.0
    } else if uptime < 0.99 {
        0.25
    } else if uptime < 0.9995 {
        0.10
    } else {
        0.0
    }
}

#[derive(Debug, Clone, Copy)]
struct RegionState {
    up: bool,
    next: f64,
    /// While down: whether its traffic has moved, and when it will.
    moved: bool,
    move_at: f64,
    outage: usize,
}

/// Accumulates failed and total requests per 5-minute interval and closes months.
struct Meter<'a> {
    curve: &'a LoadCurve,
    interval: usize,
    failed: f64,
    month_error_sum: f64,
    month_intervals: usize,
    months: Vec<f64>,
}

impl<'a> Meter<'a> {
    fn new(curve: &'a LoadCurve) -> Self {
        Meter { curve, interval: 0, failed: 0.0, month_error_sum: 0.0, month_intervals: 0, months: Vec::new() }
    }

    /// Expected requests in [a, b) [requests].
    fn expected(&self, a: f64, b: f64) -> f64 {
        // The curve repeats: split [a, b) at its period.
        let d = self.curve.duration();
        let (mut s, mut total) = (a, 0.0);
        let mut k = (s / d).floor();
        while s < b {
            let e = ((k + 1.0) * d).min(b);
            if e > s {
                total += self.curve.expected_between(s - k * d, e - k * d);
                s = e;
            }
            k += 1.0;
        }
        total
    }

    /// Moves the meter to interval `k`, closing the ones before it. Only the first can hold failures; the rest (a
    /// region is up nearly all the time, so between two outages lie thousands of intervals) are skipped over in
    /// whole months, not one by one (that walk was 95 % of the model's time).
    fn close_until(&mut self, k: usize) {
        let per_month = (MONTH_S / INTERVAL_S) as usize;
        if self.interval >= k {
            return;
        }
        let i = self.interval;
        if self.failed > 0.0 {
            let total = self.expected(i as f64 * INTERVAL_S, (i + 1) as f64 * INTERVAL_S);
            if total > 0.0 {
                self.month_error_sum += (self.failed / total).min(1.0);
            }
        }
        self.failed = 0.0;
        // Intervals i .. k, none failing after the first: the month under way ends if it can, then whole months
        // without errors, then the start of the next.
        let mut n = k - i;
        self.interval = k;
        if self.month_intervals + n < per_month {
            self.month_intervals += n;
            return;
        }
        n -= per_month - self.month_intervals;
        self.months.push(1.0 - self.month_error_sum / per_month as f64);
        self.month_error_sum = 0.0;
        self.months.extend(std::iter::repeat_n(1.0, n / per_month));
        self.month_intervals = n % per_month;
    }

    /// Adds failed requests for a constant failed share over [a, b).
    fn add(&mut self, a: f64, b: f64, share: f64) -> f64 {
        if share <= 0.0 || b <= a {
            return 0.0;
        }
        let mut lost = 0.0;
        let mut s = a;
        let mut k = (s / INTERVAL_S) as usize;
        while s < b {
            self.close_until(k);
            let e = ((k + 1) as f64 * INTERVAL_S).min(b);
            if e > s {
                let f = share * self.expected(s, e);
                self.failed += f;
                lost += f;
                s = e;
            }
            k += 1;
        }
        lost
    }
}

/// Runs the Monte Carlo (validate first).
pub fn simulate(p: &AvailabilityParams, curve: &LoadCurve, seed: u64) -> AvailabilityResult {
    let horizon = p.horizon_days * 86_400.0;
    let total_cap: f64 = p.regions.iter().map(|r| r.capacity).sum();
    let weights: Vec<f64> = p
        .regions
        .iter()
        .map(|r| if total_cap > 0.0 { r.capacity / total_cap } else { 1.0 / p.regions.len() as f64 })
        .collect();
    let mut rng = rng(seed, 10);
    let mut months = Vec::new();
    let mut lost_total = 0.0;
    let mut full_outage = 0.0;
    let mut timeline = Vec::new();
    for run in 0..p.runs {
        crate::model::observe::report(run as f64 / p.runs as f64);
        let mut m = Meter::new(curve);
        let mut outages: Vec<Outage> = Vec::new();
        let mut st: Vec<RegionState> = p
            .regions
            .iter()
            .map(|r| RegionState {
                up: true,
                next: exp(&mut rng, r.mtbf_h * 3600.0),
                moved: false,
                move_at: f64::INFINITY,
                outage: 0,
            })
            .collect();
        let mut common_up = true;
        let mut common_next = p.common_mode.map_or(f64::INFINITY, |c| exp(&mut rng, c.mtbf_h * 3600.0));
        let mut common_outage = 0;
        let mut t = 0.0;
        let mut lost = 0.0;
        while t < horizon {
            // Failed share of the load while nothing changes.
            let share = if !common_up {
                1.0
            } else {
                let mut direct = 0.0;
                let mut cap_up = 0.0;
                for (i, s) in st.iter().enumerate() {
                    if s.up {
                        cap_up += p.regions[i].capacity;
                    } else if !s.moved {
                        direct += weights[i];
                    }
                }
                (direct + ((1.0 - direct) - cap_up).max(0.0)).min(1.0)
            };
            let mut next = common_next;
            for s in &st {
                next = fmin(fmin(next, s.next), if s.up { f64::INFINITY } else { s.move_at });
            }
            let next = fmin(next, horizon);
            if share >= 1.0 {
                full_outage += next - t;
            }
            lost += m.add(t, next, share);
            t = next;
            if t >= horizon {
                break;
            }
            if t == common_next {
                if let Some(c) = p.common_mode {
                    if common_up {
                        common_up = false;
                        common_next = t + exp(&mut rng, c.mttr_h * 3600.0);
                        common_outage = outages.len();
                        outages.push(Outage { region: None, start: t, end: horizon, failed_over_at: None });
                    } else {
                        common_up = true;
                        common_next = t + exp(&mut rng, c.mtbf_h * 3600.0);
                        outages[common_outage].end = t;
                    }
                }
                continue;
            }
            for (i, s) in st.iter_mut().enumerate() {
                if !s.up && s.move_at == t {
                    s.moved = true;
                    s.move_at = f64::INFINITY;
                    outages[s.outage].failed_over_at = Some(t);
                } else if s.next == t {
                    let r = p.regions[i];
                    if s.up {
                        s.up = false;
                        s.next = t + exp(&mut rng, r.mttr_h * 3600.0);
                        s.moved = false;
                        let succeeds = unit(&mut rng) < p.failover_success && p.regions.len() > 1;
                        s.move_at = if succeeds { t + p.failover_delay() } else { f64::INFINITY };
                        if s.move_at >= s.next {
                            s.move_at = f64::INFINITY;
                        }
                        s.outage = outages.len();
                        outages.push(Outage { region: Some(i), start: t, end: horizon, failed_over_at: None });
                    } else {
                        s.up = true;
                        s.moved = false;
                        s.move_at = f64::INFINITY;
                        s.next = t + exp(&mut rng, r.mtbf_h * 3600.0);
                        outages[s.outage].end = t;
                    }
                }
            }
        }
        m.close_until((horizon / INTERVAL_S).ceil() as usize);
        months.extend(m.months);
        lost_total += lost;
        if run == 0 {
            timeline = outages;
        }
    }
    let _analysis = crate::model::observe::analyse();
    let total_requests = p.runs as f64 * Meter::new(curve).expected(0.0, horizon);
    let availability = if total_requests > 0.0 { 1.0 - lost_total / total_requests } else { 1.0 };
    let month_min = MONTH_S / 60.0;
    let mut downtime: Vec<f64> = months.iter().map(|u| (1.0 - u).max(0.0) * month_min).collect();
    downtime.sort_by(f64::total_cmp);
    let q = |f: f64| {
        if downtime.is_empty() {
            0.0
        } else {
            downtime[((f * downtime.len() as f64).ceil() as usize).clamp(1, downtime.len()) - 1]
        }
    };
    let nm = months.len().max(1) as f64;
    let mut h = Histogram::default();
    for &d in &downtime {
        h.record(d);
    }
    AvailabilityResult {
        availability,
        nines: if availability < 1.0 { -libm::log10(1.0 - availability) } else { f64::INFINITY },
        full_outage_time_share: full_outage / (horizon * p.runs as f64),
        downtime_min_p50: q(0.5),
        downtime_min_p90: q(0.9),
        downtime_min_p99: q(0.99),
        downtime_min_mean: h.mean(),
        sla_breach_prob: months.iter().filter(|&&u| u < p.sla).count() as f64 / nm,
        mean_credit: months.iter().map(|&u| credit(u)).sum::<f64>() / nm,
        failed_requests_per_year: lost_total / p.runs as f64 * (365.0 * 86_400.0 / horizon),
        monthly_downtime_min: downtime,
        timeline,
        formulas: formulas(p),
    }
}

fn unit(rng: &mut SimRng) -> f64 {
    use rand::Rng;
    rng.random::<f64>()
}

/// The availability model's entry in the registry.
pub struct AvailabilityModel;

const FIGURES: &[FigureSpec] = &[
    FigureSpec {
        section: "availability",
        label: "av.f.availability",
        id: "availability",
        compare: Some("cmp.availability"),
        unit: Unit::Nines,
        read: |_, o| o.availability().map(|r| Reading::of(r.availability)),
    },
    FigureSpec {
        section: "availability",
        label: "av.f.nines",
        id: "nines",
        compare: None,
        unit: Unit::Number,
        read: |_, o| o.availability().map(|r| Reading::of(r.nines)),
    },
    FigureSpec {
        section: "availability",
        label: "av.f.downtime",
        id: "downtime",
        compare: None,
        unit: Unit::Number,
        read: |_, o| {
            let r = o.availability()?;
            let text = format!("{} / {} min", sig(r.downtime_min_p50, 3), sig(r.downtime_min_p99, 3));
            Some(Reading::text(r.downtime_min_p50, text))
        },
    },
    FigureSpec {
        section: "availability",
        label: "av.f.breach",
        id: "breach",
        compare: None,
        unit: Unit::Share,
        read: |_, o| o.availability().map(|r| Reading::of(r.sla_breach_prob)),
    },
    FigureSpec {
        section: "availability",
        label: "av.f.failed",
        id: "failed-requests",
        compare: None,
        unit: Unit::Count,
        read: |_, o| o.availability().map(|r| Reading::of(r.failed_requests_per_year)),
    },
];

impl Model for AvailabilityModel {
    fn kind(&self) -> ModelKind {
        ModelKind::Availability
    }
    fn section(&self) -> &'static str {
        "availability"
    }
    fn work_unit(&self) -> &'static str {
        "work.outage_steps"
    }
    fn prior_rate(&self) -> f64 {
        18_000.0
    }
    fn inputs(&self, s: &Scenario) -> String {
        serde_json::to_string(&(s.seed, &s.load, &s.availability)).unwrap_or_default()
    }
    /// Each outage walks its 5-minute intervals; the months between outages are skipped over.
    fn work(&self, s: &Scenario) -> f64 {
        let a = &s.availability;
        let hours = a.runs as f64 * a.horizon_days * 24.0;
        let outages = |mtbf_h: f64, mttr_h: f64| hours / mtbf_h * (2.0 + 12.0 * mttr_h);
        a.regions.iter().map(|r| outages(r.mtbf_h, r.mttr_h)).sum::<f64>()
            + a.common_mode.map_or(0.0, |c| outages(c.mtbf_h, c.mttr_h) * a.regions.len() as f64)
            + a.runs as f64 * a.horizon_days / 30.0
    }
    fn run(&self, s: &Scenario) -> Output {
        Output::Availability(simulate(&s.availability, &s.load, s.seed))
    }
    fn charts(&self) -> &'static [ChartSpec] {
        CHARTS
    }
    fn figures(&self) -> &'static [FigureSpec] {
        FIGURES
    }
    fn formulas(&self, s: &Scenario, out: &Output) -> Vec<Formula> {
        let Some(r) = out.availability() else { return Vec::new() };
        let pct9 = |v: f64| Unit::Nines.fmt(v, 9);
        let f = &r.formulas;
        let n = s.availability.regions.len().to_string();
        vec![Formula {
            key: "av.formula",
            args: vec![pct9(f.single), n, pct9(f.parallel), pct9(f.seed), pct9(r.availability)],
        }]
    }
    /// The per-month samples and the timeline are for charts; the summary keeps the figures.
    fn cli(&self, s: &Scenario) -> Option<serde_json::Value> {
        let out = &self.run(s);
        let mut r = out.availability()?.clone();
        r.monthly_downtime_min.clear();
        r.timeline.clear();
        serde_json::to_value(r).ok()
    }
}

/// The Monte Carlo's charts.
static CHARTS: &[ChartSpec] = &[
    ChartSpec {
        section: "availability",
        title: "av.c.timeline",
        id: "chart-timeline",
        draw: |c| {
            let (n, h) = (c.s.availability.regions.len(), c.s.availability.horizon_days);
            Some(Chart::Timeline(mc::outage_timeline(c.out.availability()?, n, h, c.t)))
        },
    },
    ChartSpec {
        section: "availability",
        title: "av.c.downtime",
        id: "chart-downtime",
        draw: |c| {
            let (r, b) = (c.out.availability()?, c.a_out().and_then(Output::availability));
            Some(Chart::Xy(mc::downtime_distribution(r, c.s.availability.sla, b, c.t)))
        },
    },
    ChartSpec {
        section: "availability",
        title: "av.c.nines",
        id: "chart-nines",
        draw: |c| {
            let (r, b) = (c.out.availability()?, c.a_out().and_then(Output::availability));
            Some(Chart::Bars(mc::nines(r, c.s.availability.sla, b, c.t)))
        },
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_by_hand() {
        let p = AvailabilityParams::default();
        let f = formulas(&p);
        assert!((f.single - 2000.0 / 2001.0).abs() < 1e-15);
        assert!((f.parallel - (1.0 - (1.0 / 2001.0f64).powi(2))).abs() < 1e-15);
        assert!((f.seed - (1.0 - (1.0 / 2001.0) * 0.01f64.powi(2))).abs() < 1e-15);
        assert_eq!(credit(0.9999), 0.0);
        assert_eq!(credit(0.999), 0.10);
        assert_eq!(credit(0.98), 0.25);
        assert_eq!(credit(0.5), 1.0);
        assert_eq!(p.failover_delay(), 30.0 * 3.5 + 60.0);
    }
}
