//! Charts of the cost, availability, fan-out, breaker and chain models and of the validation: each turns a model's
//! output into labelled series (no statistics are computed here). `t` translates string keys; `base` is the pinned
//! scenario A of an A/B comparison, drawn as thin reference lines.

use super::bars::{BarChart, BarGroup};
use super::scaling::{base_label, Tr};
use super::timeline::Timeline;
use super::timeseries::{Series, Style, TimeChart};
use super::xy::XyChart;
use crate::model::availability::{AvailabilityResult, MONTH_S};
use crate::model::breaker::{BreakerBin, BreakerResult};
use crate::model::chain::ChainResult;
use crate::model::cost::{break_even_rps, monthly_pay_per_use, AlwaysOn, Pricing, MONTH_H};
use crate::model::engine::SimResult;
use crate::model::parallel::ParallelResult;
use crate::model::scenario::ProvisionedPoint;
use crate::model::validation::Report;

fn line(label: String, color: usize, style: Style, points: Vec<(f64, f64)>) -> Series {
    Series { label, color, style, points }
}

fn cumulative(r: &SimResult) -> Vec<(f64, f64)> {
    let mut acc = 0.0;
    let mut pts = vec![(0.0, 0.0)];
    pts.extend(r.bins.iter().map(|b| {
        acc += b.cost;
        (b.t + r.bin_width, acc)
    }));
    pts
}

/// Cumulative cost of pay-per-use against the always-on fleet over the curve [$].
pub fn cost_over_time(r: &SimResult, duration: f64, base: Option<&SimResult>, t: Tr) -> TimeChart {
    let mut s = vec![
        line(t("chart.serverless").into(), 0, Style::Line, cumulative(r)),
        line(t("chart.always_on").into(), 1, Style::Line, vec![(0.0, 0.0), (duration, r.summary.always_on_cost)]),
    ];
    if let Some(b) = base {
        s.push(line(base_label(t, "chart.serverless"), 3, Style::Reference, cumulative(b)));
    }
    TimeChart { duration, y_desc: t("chart.cumulative_cost").into(), series: s }
}

/// Monthly cost against a constant request rate: pay-per-use at this function's billed GB-s per request, the
/// always-on fleet in steps of one server, the break-even rate and the curve's mean rate marked. The rates span
/// three decades up to a few times the larger of the two marks, so the crossing is not flattened against the
/// bottom of a linear cost axis. `base` is A's run and prices.
pub fn break_even(
    r: &SimResult,
    pricing: &Pricing,
    fleet: &AlwaysOn,
    mean_rate: f64,
    base: Option<(&SimResult, &Pricing)>,
    t: Tr,
) -> XyChart {
    let gb_s = r.summary.gb_s_per_request;
    let be = break_even_rps(gb_s, pricing, fleet);
    let top = (mean_rate * 3.0).max(be.unwrap_or(0.0) * 3.0).max(fleet.capacity_rps * 2.0).max(1.0);
    let lo = (top / 1e3).max(1e-3);
    let rates: Vec<f64> = (0..=160).map(|i| lo * (top / lo).powf(i as f64 / 160.0)).collect();
    let ppu = rates.iter().map(|&x| (x, monthly_pay_per_use(x, gb_s, pricing))).collect();
    let vm = rates.iter().map(|&x| (x, fleet.servers_for(x) as f64 * fleet.price_per_hour * MONTH_H)).collect();
    let mut markers = vec![(mean_rate.max(lo), t("chart.this_curve").to_string())];
    if let Some(b) = be {
        markers.push((b, t("chart.break_even").to_string()));
    }
    XyChart {
        x_desc: t("chart.rate_rps").into(),
        y_desc: t("chart.monthly_cost").into(),
        log_x: true,
        log_y: true,
        series: vec![
            line(t("chart.serverless").into(), 0, Style::Line, ppu),
            line(t("chart.always_on").into(), 1, Style::Line, vm),
        ]
        .into_iter()
        .chain(base.map(|(b, bp)| {
            let g = b.summary.gb_s_per_request;
            let pts = rates.iter().map(|&x| (x, monthly_pay_per_use(x, g, bp))).collect();
            line(base_label(t, "chart.serverless"), 3, Style::Reference, pts)
        }))
        .collect(),
        markers,
    }
}

/// What provisioned concurrency costs, against how many instances are provisioned [$].
pub fn provisioned_cost(sweep: &[ProvisionedPoint], base: Option<&[ProvisionedPoint]>, t: Tr) -> XyChart {
    let mut c = XyChart {
        x_desc: t("chart.provisioned_instances").into(),
        y_desc: t("chart.cost_usd").into(),
        log_x: false,
        log_y: false,
        series: vec![
            line(
                t("chart.total_cost").into(),
                0,
                Style::Line,
                sweep.iter().map(|p| (p.provisioned as f64, p.cost)).collect(),
            ),
            line(
                t("chart.provisioned_part").into(),
                1,
                Style::Line,
                sweep.iter().map(|p| (p.provisioned as f64, p.provisioned_cost)).collect(),
            ),
        ],
        markers: vec![],
    };
    if let Some(b) = base {
        let pts = b.iter().map(|p| (p.provisioned as f64, p.cost)).collect();
        c.series.push(line(base_label(t, "chart.total_cost"), 3, Style::Reference, pts));
    }
    c
}

/// What provisioned concurrency buys: cold starts [%] against instances provisioned (the p99 at each level is in
/// the table beside it; on one axis with the percentage it would flatten it).
pub fn provisioned_benefit(sweep: &[ProvisionedPoint], base: Option<&[ProvisionedPoint]>, t: Tr) -> XyChart {
    let pct = |v: &[ProvisionedPoint]| v.iter().map(|p| (p.provisioned as f64, p.cold_start_prob * 100.0)).collect();
    let mut series = vec![line(t("chart.cold_pct").into(), 1, Style::Line, pct(sweep))];
    if let Some(b) = base {
        series.push(line(base_label(t, "chart.cold_pct"), 3, Style::Reference, pct(b)));
    }
    XyChart {
        x_desc: t("chart.provisioned_instances").into(),
        y_desc: t("chart.cold_pct").into(),
        log_x: false,
        log_y: false,
        series,
        markers: vec![],
    }
}

/// The first run's outages per region.
pub fn outage_timeline(r: &AvailabilityResult, regions: usize, horizon_days: f64, t: Tr) -> Timeline {
    Timeline {
        rows: (1..=regions).map(|i| format!("{} {i}", t("chart.region"))).collect(),
        outages: r.timeline.clone(),
        horizon: horizon_days * 86_400.0,
        legend: [t("chart.failing").into(), t("chart.failed_over").into(), t("chart.all_regions").into()],
        x_words: [t("chart.time_days").into(), t("chart.day").into()],
    }
}

fn downtime_cdf(r: &AvailabilityResult) -> Vec<(f64, f64)> {
    let d = &r.monthly_downtime_min;
    let n = d.len();
    let step = (n / 400).max(1);
    let mut pts: Vec<(f64, f64)> = (0..n).step_by(step).map(|i| (d[i], (i + 1) as f64 / n as f64 * 100.0)).collect();
    if let Some(&last) = d.last() {
        pts.push((last, 100.0));
    }
    pts
}

/// Share of months with at most so much downtime (the distribution over all simulated months), with the SLA's
/// allowance marked.
pub fn downtime_distribution(r: &AvailabilityResult, sla: f64, base: Option<&AvailabilityResult>, t: Tr) -> XyChart {
    let mut s = vec![line(t("chart.months_at_most").into(), 0, Style::Line, downtime_cdf(r))];
    if let Some(b) = base {
        s.push(line(base_label(t, "chart.months_at_most"), 3, Style::Reference, downtime_cdf(b)));
    }
    XyChart {
        x_desc: t("chart.downtime_min").into(),
        y_desc: t("chart.share_months").into(),
        log_x: false,
        log_y: false,
        series: s,
        markers: vec![((1.0 - sla) * MONTH_S / 60.0, t("chart.sla_allows").into())],
    }
}

/// The nines of each way of computing availability, with the SLA's.
pub fn nines(r: &AvailabilityResult, sla: f64, base: Option<&AvailabilityResult>, t: Tr) -> BarChart {
    let n = |a: f64| if a >= 1.0 { 9.0 } else { -(1.0 - a).log10() };
    let vals = |r: &AvailabilityResult| vec![n(r.formulas.single), n(r.formulas.parallel), n(r.formulas.seed), r.nines];
    let mut groups = vec![BarGroup { label: t("chart.nines").into(), color: 0, values: vals(r) }];
    if let Some(b) = base {
        groups.push(BarGroup { label: base_label(t, "chart.nines"), color: 3, values: vals(b) });
    }
    BarChart {
        categories: vec![
            t("chart.one_region").into(),
            t("chart.parallel_formula").into(),
            t("chart.seed_formula").into(),
            t("chart.simulated").into(),
        ],
        groups,
        x_desc: t("chart.nines_axis").into(),
        reference: Some((n(sla), t("chart.sla").into())),
    }
}

/// Mean makespan (with its 5th–95th percentile band) and the seed's N/P·t against P [s].
pub fn makespan(r: &ParallelResult, base: Option<&ParallelResult>, t: Tr) -> XyChart {
    let pts = |f: fn(&crate::model::parallel::SweepPoint) -> f64| r.sweep.iter().map(|p| (p.p as f64, f(p))).collect();
    let mut s = vec![
        line(t("chart.makespan_mean").into(), 0, Style::Line, pts(|p| p.makespan)),
        line(t("chart.makespan_p95").into(), 5, Style::Reference, pts(|p| p.makespan_p95)),
        line(t("chart.makespan_p5").into(), 5, Style::Reference, pts(|p| p.makespan_p5)),
        line(t("chart.seed_np").into(), 1, Style::Reference, pts(|p| p.seed_formula)),
    ];
    if let Some(b) = base {
        s.push(line(
            base_label(t, "chart.makespan_mean"),
            3,
            Style::Reference,
            b.sweep.iter().map(|p| (p.p as f64, p.makespan)).collect(),
        ));
    }
    XyChart {
        x_desc: t("chart.instances_p").into(),
        y_desc: t("chart.makespan_s").into(),
        log_x: true,
        log_y: false,
        series: s,
        markers: vec![],
    }
}

/// Speedup against P with Amdahl's bound and the knee marked.
pub fn speedup(r: &ParallelResult, base: Option<&ParallelResult>, t: Tr) -> XyChart {
    let mut s = vec![
        line(t("chart.speedup").into(), 0, Style::Line, r.sweep.iter().map(|p| (p.p as f64, p.speedup)).collect()),
        line(t("chart.amdahl").into(), 1, Style::Reference, r.sweep.iter().map(|p| (p.p as f64, p.amdahl)).collect()),
    ];
    if let Some(b) = base {
        s.push(line(
            base_label(t, "chart.speedup"),
            3,
            Style::Reference,
            b.sweep.iter().map(|p| (p.p as f64, p.speedup)).collect(),
        ));
    }
    XyChart {
        x_desc: t("chart.instances_p").into(),
        y_desc: t("chart.speedup_axis").into(),
        log_x: true,
        log_y: false,
        series: s,
        markers: vec![(r.knee as f64, t("chart.knee").into())],
    }
}

/// Cost of one job against P [$].
pub fn parallel_cost(r: &ParallelResult, base: Option<&ParallelResult>, t: Tr) -> XyChart {
    let mut s = vec![line(
        t("chart.cost_per_job").into(),
        0,
        Style::Line,
        r.sweep.iter().map(|p| (p.p as f64, p.cost)).collect(),
    )];
    if let Some(b) = base {
        s.push(line(
            base_label(t, "chart.cost_per_job"),
            3,
            Style::Reference,
            b.sweep.iter().map(|p| (p.p as f64, p.cost)).collect(),
        ));
    }
    XyChart {
        x_desc: t("chart.instances_p").into(),
        y_desc: t("chart.cost_usd").into(),
        log_x: true,
        log_y: false,
        series: s,
        markers: vec![],
    }
}

fn bins(r: &BreakerResult, with: bool, f: impl Fn(&BreakerBin) -> f64) -> Vec<(f64, f64)> {
    let b = if with { &r.with_breaker } else { &r.without_breaker };
    b.iter().map(|x| (x.t + 0.5 * r.bin_width, f(x))).collect()
}

/// Calls reaching the failing dependency per second, with and without the breaker.
pub fn breaker_calls(r: &BreakerResult, duration: f64, base: Option<&BreakerResult>, t: Tr) -> TimeChart {
    let w = r.bin_width;
    let mut c = TimeChart {
        duration,
        y_desc: t("chart.calls_per_s").into(),
        series: vec![
            line(t("chart.without_breaker").into(), 1, Style::Line, bins(r, false, |b| b.dependency_calls as f64 / w)),
            line(t("chart.with_breaker").into(), 0, Style::Line, bins(r, true, |b| b.dependency_calls as f64 / w)),
            line(
                t("chart.breaker_open").into(),
                5,
                Style::Area,
                bins(r, true, |b| b.open_share * b.requests as f64 / w),
            ),
        ],
    };
    if let Some(b) = base {
        let w = b.bin_width;
        c.series.push(line(
            base_label(t, "chart.with_breaker"),
            3,
            Style::Reference,
            bins(b, true, |x| x.dependency_calls as f64 / w),
        ));
    }
    c
}

/// Share of requests that succeeded and p99 latency, with and without the breaker.
pub fn breaker_outcome(r: &BreakerResult, duration: f64, base: Option<&BreakerResult>, t: Tr) -> TimeChart {
    let ok = |b: &BreakerBin| if b.requests > 0 { b.succeeded as f64 / b.requests as f64 * 100.0 } else { 100.0 };
    let mut series = vec![
        line(t("chart.without_breaker").into(), 1, Style::Line, bins(r, false, ok)),
        line(t("chart.with_breaker").into(), 0, Style::Line, bins(r, true, ok)),
    ];
    if let Some(b) = base {
        series.push(line(base_label(t, "chart.with_breaker"), 3, Style::Reference, bins(b, true, ok)));
    }
    TimeChart { duration, y_desc: t("chart.succeeded_pct").into(), series }
}

/// p99 latency with and without the breaker [s].
pub fn breaker_latency(r: &BreakerResult, duration: f64, base: Option<&BreakerResult>, t: Tr) -> TimeChart {
    let p99 = |key: &str| format!("{} · {}", t("chart.p99"), t(key));
    let mut series = vec![
        line(p99("chart.without_breaker"), 1, Style::Line, bins(r, false, |b| b.latency.p99)),
        line(p99("chart.with_breaker"), 0, Style::Line, bins(r, true, |b| b.latency.p99)),
    ];
    if let Some(b) = base {
        series.push(line(
            format!("A · {}", p99("chart.with_breaker")),
            3,
            Style::Reference,
            bins(b, true, |x| x.latency.p99),
        ));
    }
    TimeChart { duration, y_desc: t("chart.latency_s").into(), series }
}

/// End-to-end latency against the chain's length, with the all-warm p99 and the seeds' E(k) [s].
pub fn chain_by_length(r: &ChainResult, base: Option<&ChainResult>, t: Tr) -> XyChart {
    let pts =
        |f: fn(&crate::model::chain::ChainSummary) -> f64| r.by_length.iter().map(|c| (c.hops as f64, f(c))).collect();
    let mut s = vec![
        line(t("chart.p99").into(), 1, Style::Line, pts(|c| c.latency.p99)),
        line(t("chart.p50").into(), 0, Style::Line, pts(|c| c.latency.p50)),
        line(t("chart.p99_all_warm").into(), 2, Style::Reference, pts(|c| c.latency_all_warm.p99)),
        line(t("chart.seed_ek").into(), 4, Style::Reference, pts(|c| c.seed_formula)),
    ];
    if let Some(b) = base {
        s.push(line(
            base_label(t, "chart.p99"),
            3,
            Style::Reference,
            b.by_length.iter().map(|c| (c.hops as f64, c.latency.p99)).collect(),
        ));
    }
    XyChart {
        x_desc: t("chart.hops").into(),
        y_desc: t("chart.latency_s").into(),
        log_x: false,
        log_y: false,
        series: s,
        markers: vec![],
    }
}

/// End-to-end latency of the whole chain over time [s].
pub fn chain_over_time(r: &ChainResult, duration: f64, t: Tr) -> TimeChart {
    let pts = |f: fn(&crate::model::chain::ChainBin) -> f64| {
        r.bins.iter().map(|b| (b.t + 0.5 * r.bin_width, if b.requests > 0 { f(b) } else { 0.0 })).collect()
    };
    TimeChart {
        duration,
        y_desc: t("chart.latency_s").into(),
        series: vec![
            line(t("chart.p99").into(), 1, Style::Line, pts(|b| b.latency.p99)),
            line(t("chart.p50").into(), 0, Style::Line, pts(|b| b.latency.p50)),
        ],
    }
}

/// Cold-start probability of each AWS experiment: measured, simulated and PACS, against the arrival rate [%].
pub fn validation(r: &Report, t: Tr) -> XyChart {
    let mut rows: Vec<_> = r.rows.iter().collect();
    rows.sort_by(|a, b| a.experiment.rate.total_cmp(&b.experiment.rate));
    let pts = |f: &dyn Fn(&crate::model::validation::Row) -> f64| {
        rows.iter().map(|x| (x.experiment.rate, f(x) * 100.0)).collect()
    };
    XyChart {
        x_desc: t("chart.rate_rps").into(),
        y_desc: t("chart.cold_pct").into(),
        log_x: true,
        log_y: false,
        series: vec![
            line(t("chart.measured").into(), 2, Style::Line, pts(&|x| x.experiment.cold_prob)),
            line(t("chart.simulated").into(), 0, Style::Line, pts(&|x| x.simulated.cold_prob)),
            line(t("chart.pacs").into(), 1, Style::Reference, pts(&|x| x.pacs.cold_prob)),
        ],
        markers: vec![],
    }
}
