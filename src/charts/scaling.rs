//! The scaling engine's charts: latency over time, instances by state, and what went wrong (cold starts,
//! throttles, time-outs, queue). Each turns the engine's bins into labelled series; no statistics are computed here.

use super::timeseries::{Series, Style, TimeChart};
use crate::model::engine::SimResult;

fn mid(r: &SimResult, k: usize) -> f64 {
    r.bins[k].t + 0.5 * r.bin_width
}

fn series(
    r: &SimResult,
    label: &str,
    color: usize,
    style: Style,
    f: impl Fn(&crate::model::engine::Bin) -> f64,
) -> Series {
    Series {
        label: label.into(),
        color,
        style,
        points: r.bins.iter().enumerate().map(|(k, b)| (mid(r, k), f(b))).collect(),
    }
}

/// Latency percentiles of the requests arriving in each bin [s].
pub fn latency(r: &SimResult, duration: f64) -> TimeChart {
    let served = |f: fn(&crate::model::engine::Bin) -> f64| {
        move |b: &crate::model::engine::Bin| if b.completed > 0 { f(b) } else { 0.0 }
    };
    TimeChart {
        duration,
        y_desc: "latency [s]".into(),
        series: vec![
            series(r, "p99", 1, Style::Line, served(|b| b.latency.p99)),
            series(r, "p95", 4, Style::Line, served(|b| b.latency.p95)),
            series(r, "p50", 0, Style::Line, served(|b| b.latency.p50)),
        ],
    }
}

/// Mean instances by state, stacked: busy at the bottom, then initialising, then idle [instances].
pub fn instances(r: &SimResult, duration: f64) -> TimeChart {
    TimeChart {
        duration,
        y_desc: "instances".into(),
        series: vec![
            series(r, "idle", 5, Style::Stacked, |b| b.busy + b.initializing + b.idle),
            series(r, "initialising", 1, Style::Stacked, |b| b.busy + b.initializing),
            series(r, "busy", 0, Style::Stacked, |b| b.busy),
        ],
    }
}

/// Cold starts, throttles and time-outs per second, and the mean queue length (arrivals are on the load chart; on
/// the same scale they would flatten these).
pub fn events(r: &SimResult, duration: f64) -> TimeChart {
    let w = r.bin_width;
    TimeChart {
        duration,
        y_desc: "per second / requests".into(),
        series: vec![
            series(r, "cold starts [1/s]", 1, Style::Line, move |b| b.cold_starts as f64 / w),
            series(r, "throttled + timed out [1/s]", 3, Style::Line, move |b| (b.throttled + b.timed_out) as f64 / w),
            series(r, "queue [requests]", 2, Style::Line, |b| b.queue),
        ],
    }
}
