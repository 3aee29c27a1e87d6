//! A chart of several series against a numeric x (not time): instances, request rate, chain length, provisioned
//! concurrency. The x axis can be logarithmic (drawn as log₁₀ x with labels in x).

use super::timeseries::{draw_styled, Series};
use super::{finish, value_axes, y_top, ChartError, PlotMapping, Theme};
use crate::model::units::sig;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Series with at most this many points have each point marked.
const MAX_DOTS: usize = 40;

/// A chart of series against a numeric x.
#[derive(Debug, Clone, PartialEq)]
pub struct XyChart {
    /// X-axis description with unit.
    pub x_desc: String,
    /// Y-axis description with unit.
    pub y_desc: String,
    /// Logarithmic x axis (every x must be above 0).
    pub log_x: bool,
    /// The series; their points are (x, y) in the axes' units.
    pub series: Vec<Series>,
    /// Vertical marker lines: (x, label).
    pub markers: Vec<(f64, String)>,
}

impl XyChart {
    fn tx(&self, x: f64) -> f64 {
        if self.log_x {
            x.max(1e-300).log10()
        } else {
            x
        }
    }
    /// The x range in axis coordinates (log₁₀ x on a log axis).
    fn x_range(&self) -> (f64, f64) {
        let xs = self.series.iter().flat_map(|s| s.points.iter().map(|p| self.tx(p.0)));
        let (lo, hi) =
            xs.filter(|v| v.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        if !lo.is_finite() {
            (0.0, 1.0)
        } else if hi - lo < 1e-9 {
            (lo - 0.5, hi + 0.5)
        } else {
            (lo, hi)
        }
    }
    /// An x value in axis coordinates back in x units.
    pub fn x_of(&self, axis_x: f64) -> f64 {
        if self.log_x {
            10f64.powf(axis_x)
        } else {
            axis_x
        }
    }
    /// The values of each series at the point nearest `axis_x` (axis coordinates), as one line of text.
    pub fn readout(&self, axis_x: f64) -> Option<String> {
        let mut parts = Vec::new();
        let mut at = None;
        for s in &self.series {
            let best =
                s.points.iter().min_by(|a, b| (self.tx(a.0) - axis_x).abs().total_cmp(&(self.tx(b.0) - axis_x).abs()));
            if let Some(&(x, y)) = best {
                at.get_or_insert(x);
                parts.push(format!("{}: {}", s.label, sig(y, 4)));
            }
        }
        at.map(|x| format!("{} = {} · {}", self.x_desc, sig(x, 4), parts.join(" · ")))
    }
    /// Every point as CSV rows `series,x,y`, with the axes' descriptions in the header.
    pub fn to_csv(&self) -> String {
        let mut out = format!("series,{},{}\n", csv_field(&self.x_desc), csv_field(&self.y_desc));
        for s in &self.series {
            for &(x, y) in &s.points {
                out.push_str(&format!("{},{x},{y}\n", csv_field(&s.label)));
            }
        }
        out
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Draws the chart; returns where the plotting area is (x in axis coordinates).
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &XyChart,
    theme: &Theme,
) -> Result<PlotMapping, ChartError> {
    let (x0, x1) = data.x_range();
    let max =
        data.series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).filter(|v| v.is_finite()).fold(0.0, f64::max);
    let y_max = y_top(max);
    let fg = theme.foreground();
    let log = data.log_x;
    let x_label = |v: &f64| sig(if log { 10f64.powf(*v) } else { *v }, 3);
    let mut chart = value_axes(area, theme, (x0, x1), y_max, (&data.x_desc, &data.y_desc), &x_label)?;
    for (x, label) in &data.markers {
        let x = data.tx(*x);
        if x >= x0 && x <= x1 {
            chart.draw_series(LineSeries::new([(x, 0.0), (x, y_max)], fg.mix(0.6).stroke_width(theme.px(1.0))))?;
            // Labelled near the bottom, clear of the legend in the upper right.
            chart.draw_series(std::iter::once(Text::new(
                format!(" {label}"),
                (x, y_max * 0.08),
                ("sans-serif", theme.tick_font()).into_font().color(&fg),
            )))?;
        }
    }
    for s in &data.series {
        let pts = s.points.iter().map(|&(x, y)| (data.tx(x), y)).collect();
        // Points of a sweep are marked; a dense curve (a rate scan) is drawn as a plain line.
        let dots = s.points.len() <= MAX_DOTS;
        draw_styled(&mut chart, s, pts, theme, dots)?;
    }
    finish(area, &mut chart, theme, SeriesLabelPosition::UpperRight, (x0, x1), (0.0, y_max))
}
