//! The scaling engine's charts: latency over time, instances by state, what went wrong (cold starts, throttles,
//! time-outs, queue) and the latency distribution of warm and cold requests. Each turns the engine's output into
//! labelled series; no statistics are computed here. `t` translates string keys; `base` is the pinned scenario A of
//! an A/B comparison, drawn as thin reference lines.

use super::bars::{BarChart, BarGroup};
use super::timeseries::{Series, Style, TimeChart};
use crate::model::engine::state::Decision;
use crate::model::engine::{Bin, SimResult};

/// Looks up an interface string by key.
pub type Tr<'a> = &'a dyn Fn(&str) -> &'static str;

fn series(r: &SimResult, label: String, color: usize, style: Style, f: impl Fn(&Bin) -> f64) -> Series {
    Series { label, color, style, points: r.bins.iter().map(|b| (b.t + 0.5 * r.bin_width, f(b))).collect() }
}

/// "A · label", for a baseline's series.
pub fn base_label(t: Tr, key: &str) -> String {
    format!("A · {}", t(key))
}

/// `f` of a bin, 0 where no request completed.
fn p(f: impl Fn(&Bin) -> f64) -> impl Fn(&Bin) -> f64 {
    move |b: &Bin| if b.completed > 0 { f(b) } else { 0.0 }
}

/// Latency percentiles of the requests arriving in each bin [s].
pub fn latency(r: &SimResult, duration: f64, base: Option<&SimResult>, t: Tr) -> TimeChart {
    let mut s = vec![
        series(r, t("chart.p99").into(), 1, Style::Line, p(|b| b.latency.p99)),
        series(r, t("chart.p95").into(), 4, Style::Line, p(|b| b.latency.p95)),
        series(r, t("chart.p50").into(), 0, Style::Line, p(|b| b.latency.p50)),
    ];
    if let Some(b) = base {
        s.push(series(b, base_label(t, "chart.p99"), 3, Style::Reference, p(|b| b.latency.p99)));
    }
    TimeChart { duration, y_desc: t("chart.latency_s").into(), series: s }
}

/// Where the latency of the requests arriving in each bin goes, stacked: service at the bottom, then waiting for
/// an instance's initialisation (cold starts), then waiting in the queue [s]; the mean of all of them, or of the
/// slowest 1 % (`slowest`). Their top is the mean latency of those requests.
pub fn latency_parts(r: &SimResult, duration: f64, base: Option<&SimResult>, t: Tr, slowest: bool) -> TimeChart {
    let parts = move |b: &Bin| if slowest { b.parts.slowest } else { b.parts.all };
    let mut s = vec![
        series(r, t("chart.part_queue").into(), 2, Style::Stacked, p(move |b| parts(b).total())),
        series(r, t("chart.part_init").into(), 1, Style::Stacked, p(move |b| parts(b).init + parts(b).service)),
        series(r, t("chart.part_service").into(), 0, Style::Stacked, p(move |b| parts(b).service)),
    ];
    if let Some(b) = base {
        s.push(series(b, base_label(t, "chart.part_total"), 3, Style::Reference, p(move |b| parts(b).total())));
    }
    TimeChart { duration, y_desc: t("chart.latency_s").into(), series: s }
}

/// Mean instances by state, stacked: busy at the bottom, then initialising, then idle [instances].
pub fn instances(r: &SimResult, duration: f64, base: Option<&SimResult>, t: Tr) -> TimeChart {
    let mut s = vec![
        series(r, t("chart.idle").into(), 5, Style::Stacked, |b| b.busy + b.initializing + b.idle),
        series(r, t("chart.initialising").into(), 1, Style::Stacked, |b| b.busy + b.initializing),
        series(r, t("chart.busy").into(), 0, Style::Stacked, |b| b.busy),
    ];
    if let Some(b) = base {
        s.push(series(b, base_label(t, "chart.all_instances"), 3, Style::Reference, |b| {
            b.busy + b.initializing + b.idle
        }));
    }
    TimeChart { duration, y_desc: t("chart.instances").into(), series: s }
}

/// Cold starts, throttles and time-outs per second, and the mean queue length.
pub fn events(r: &SimResult, duration: f64, base: Option<&SimResult>, t: Tr) -> TimeChart {
    let w = r.bin_width;
    let mut s = vec![
        series(r, t("chart.cold_per_s").into(), 1, Style::Line, move |b| b.cold_starts as f64 / w),
        series(r, t("chart.rejected_per_s").into(), 3, Style::Line, move |b| (b.throttled + b.timed_out) as f64 / w),
        series(r, t("chart.queue").into(), 2, Style::Line, |b| b.queue),
    ];
    if let Some(b) = base {
        let bw = b.bin_width;
        s.push(series(b, base_label(t, "chart.cold_per_s"), 5, Style::Reference, move |x| x.cold_starts as f64 / bw));
    }
    TimeChart { duration, y_desc: t("chart.per_s_or_requests").into(), series: s }
}

/// Latency percentiles of warm, cold and all requests side by side [s].
pub fn latency_split(r: &SimResult, base: Option<&SimResult>, t: Tr) -> BarChart {
    let q = |p: &crate::model::stats::Percentiles| vec![p.p50, p.p95, p.p99, p.max];
    let s = &r.summary;
    let mut groups = vec![
        BarGroup { label: t("chart.warm").into(), color: 0, values: q(&s.latency_warm) },
        BarGroup {
            label: t("chart.cold").into(),
            color: 1,
            values: if s.latency_cold.count > 0 { q(&s.latency_cold) } else { vec![f64::NAN; 4] },
        },
        BarGroup { label: t("chart.all_requests").into(), color: 2, values: q(&s.latency) },
    ];
    if let Some(b) = base {
        groups.push(BarGroup { label: base_label(t, "chart.all_requests"), color: 3, values: q(&b.summary.latency) });
    }
    BarChart {
        categories: vec!["p50".into(), "p95".into(), "p99".into(), "max".into()],
        groups,
        x_desc: t("chart.latency_s").into(),
        reference: None,
    }
}

/// What became of the requests arriving in each bin, stacked [req/s]: served warm, after a cold start, throttled,
/// timed out in the queue (scale-per-request decides this for every arrival).
pub fn arrival_outcomes(r: &SimResult, duration: f64, _base: Option<&SimResult>, t: Tr) -> TimeChart {
    let per_s = |n: u64| n as f64 / r.bin_width.max(1e-9);
    let warm = |b: &Bin| per_s(b.arrivals.saturating_sub(b.cold_starts + b.throttled + b.timed_out));
    let s = vec![
        series(r, t("chart.timed_out").into(), 5, Style::Stacked, move |b| {
            warm(b) + per_s(b.cold_starts + b.throttled + b.timed_out)
        }),
        series(r, t("chart.throttled").into(), 1, Style::Stacked, move |b| {
            warm(b) + per_s(b.cold_starts + b.throttled)
        }),
        series(r, t("chart.cold").into(), 3, Style::Stacked, move |b| warm(b) + per_s(b.cold_starts)),
        series(r, t("chart.warm").into(), 0, Style::Stacked, warm),
    ];
    TimeChart { duration, y_desc: t("chart.req_per_s").into(), series: s }
}

/// The autoscaler's loop over time, from its last decision in each bin: the instances it asked for, kept (its
/// scale-down stabilisation) and had, and, under target tracking (`in_flight`), the requests in flight it measured.
pub fn autoscaler(decisions: &[Option<Decision>], duration: f64, in_flight: bool, t: Tr) -> TimeChart {
    let points =
        |f: fn(&Decision) -> f64| -> Vec<(f64, f64)> { decisions.iter().flatten().map(|d| (d.t, f(d))).collect() };
    let mut s = Vec::new();
    if in_flight {
        s.push(Series {
            label: t("chart.in_flight").into(),
            color: 2,
            style: Style::Area,
            points: points(|d| d.measured),
        });
    }
    s.push(Series { label: t("chart.had").into(), color: 0, style: Style::Line, points: points(|d| d.alive as f64) });
    s.push(Series {
        label: t("chart.kept").into(),
        color: 4,
        style: Style::Reference,
        points: points(|d| d.keep as f64),
    });
    s.push(Series {
        label: t("chart.asked").into(),
        color: 1,
        style: Style::Line,
        points: points(|d| d.desired as f64),
    });
    TimeChart { duration, y_desc: t("chart.instances").into(), series: s }
}
