//! A chart of several series against a numeric x (not time): instances, request rate, chain length, provisioned
//! concurrency. The x axis can be logarithmic (drawn as log₁₀ x with labels in x).

use super::timeseries::{draw_styled, Series};
use super::{finish, plan_legend, value_axes_y, y_top, ChartError, PlotMapping, Theme, X_TICKS};
use crate::model::units::{fmt_amount, sig};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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
    /// Logarithmic y axis (values at or below 0 are left out of the drawing, not of the read-out or CSV).
    pub log_y: bool,
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
    fn ty(&self, y: f64) -> f64 {
        if self.log_y {
            if y > 0.0 {
                y.log10()
            } else {
                f64::NAN
            }
        } else {
            y
        }
    }
    /// The y range in axis coordinates: from 0 (linear) or from the smallest positive value's decade (log) to a
    /// rounded top.
    fn y_range(&self) -> (f64, f64) {
        let ys = self.series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).filter(|v| v.is_finite());
        if !self.log_y {
            return (0.0, y_top(ys.fold(0.0, f64::max)));
        }
        let (lo, hi) = ys.filter(|&v| v > 0.0).fold((f64::INFINITY, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
        if !lo.is_finite() {
            return (0.0, 1.0);
        }
        // At most four decades below the top: a value just above zero (a bill just past the free tier) would
        // otherwise stretch the axis over a dozen decades of nothing.
        let hi = hi.log10().ceil();
        let lo = lo.log10().floor().max(hi - 4.0);
        (lo, if hi > lo { hi } else { lo + 1.0 })
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
    /// Whether x is a count: its points all lie on whole numbers.
    fn count_x(&self) -> bool {
        self.series.iter().flat_map(|s| &s.points).all(|p| p.0.fract() == 0.0)
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
    let (y0, y1) = data.y_range();
    let series: Vec<Vec<(f64, f64)>> = data
        .series
        .iter()
        .map(|s| {
            s.points.iter().map(|&(x, y)| (data.tx(x), data.ty(y))).filter(|p| p.1.is_finite() && p.1 >= y0).collect()
        })
        .collect();
    let labels: Vec<&str> = data.series.iter().map(|s| s.label.as_str()).collect();
    let slices: Vec<&[(f64, f64)]> = series.iter().map(Vec::as_slice).collect();
    let (legend, y1) = plan_legend(area, theme, &labels, &slices, (x0, x1), (y0, y1));
    let fg = theme.foreground();
    let (log_x, log_y) = (data.log_x, data.log_y);
    // A count on x (hops, instances, workers): at most one tick per whole number, and none between them.
    let counts = data.count_x();
    let whole = !log_x && counts;
    let x_ticks = if whole { X_TICKS.min((x1 - x0).floor() as usize + 1) } else { X_TICKS };
    let x_label = |v: &f64| match (log_x, whole) {
        // Ticks on a log axis are evenly spaced in log x (1, 1.58, 2.51, 3.98, …): on a count, only those within
        // 2 % of a whole number are labelled, as that number (1, 4, 10, 16, 25, …; "1.58 instances" read oddly).
        (true, _) if counts => {
            let x = 10f64.powf(*v);
            if (x - x.round()).abs() <= 0.02 * x {
                format!("{}", x.round())
            } else {
                String::new()
            }
        }
        (true, _) => sig(10f64.powf(*v), 3),
        (false, true) if v.fract() != 0.0 => String::new(),
        _ => sig(*v, 3),
    };
    let y_label = |v: &f64| if log_y { fmt_amount(10f64.powf(*v)) } else { sig(*v, 4) };
    let axes = (&data.x_desc[..], &data.y_desc[..]);
    let mut chart = value_axes_y(area, theme, (x0, x1, x_ticks), (y0, y1), axes, (&x_label, &y_label))?;
    let label_y = if matches!(legend, SeriesLabelPosition::LowerLeft | SeriesLabelPosition::LowerRight) {
        y0 + 0.92 * (y1 - y0)
    } else {
        y0 + 0.04 * (y1 - y0)
    };
    let row = 0.07 * (y1 - y0) * if label_y > y0 + 0.5 * (y1 - y0) { -1.0 } else { 1.0 };
    for (i, (x, label)) in data.markers.iter().enumerate() {
        let x = data.tx(*x);
        // Each marker's label on its own row, so two close markers do not print over each other.
        let label_y = label_y + i as f64 * row;
        if x >= x0 && x <= x1 {
            chart.draw_series(LineSeries::new([(x, y0), (x, y1)], fg.mix(0.6).stroke_width(theme.px(1.0))))?;
            // Labelled at the end away from the legend; on the right half, to the left of the line so it is not cut.
            let right_half = x > x0 + 0.5 * (x1 - x0);
            let (text, h) =
                if right_half { (format!("{label} "), HPos::Right) } else { (format!(" {label}"), HPos::Left) };
            let style = ("sans-serif", theme.tick_font()).into_font().color(&fg).pos(Pos::new(h, VPos::Bottom));
            chart.draw_series(std::iter::once(Text::new(text, (x, label_y), style)))?;
        }
    }
    let mut entries = Vec::with_capacity(data.series.len());
    for (s, pts) in data.series.iter().zip(series) {
        // Points of a sweep are marked; a dense curve (a rate scan) is drawn as a plain line.
        let dots = s.points.len() <= MAX_DOTS;
        entries.push(draw_styled(&mut chart, s, pts, theme, dots)?);
    }
    finish(area, &mut chart, theme, legend, &entries, (x0, x1), (y0, y1))
}
