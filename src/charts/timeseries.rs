//! A time-series chart shared by the models: lines, filled areas and stacked areas over a time axis with units.

use super::xy::csv_field;
use super::{finish, plan_legend, time_axes, y_top, ChartError, LegendEntry, Mark, PlotMapping, Theme, TimeContext};
use crate::model::units::{fmt_duration, sig};
use plotters::coord::Shift;
use plotters::prelude::*;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A line.
    Line,
    /// A thin dashed line, for references such as a formula's prediction, an all-warm line or the compared scenario.
    Reference,
    /// A translucent area filled down to zero.
    Area,
    /// An opaque area filled down to zero: for stacked series, drawn from the top layer down.
    Stacked,
}

/// One labelled series: `(time [s], value)` points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label, with unit where it differs from the axis.
    pub label: String,
    /// Palette index.
    pub color: usize,
    /// How to draw it.
    pub style: Style,
    /// The points, in time order.
    pub points: Vec<(f64, f64)>,
}

/// A chart of several series against time.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeChart {
    /// Time span shown [s].
    pub duration: f64,
    /// Y-axis description with unit, e.g. "latency [s]".
    pub y_desc: String,
    /// The series, drawn in order (areas first for stacking).
    pub series: Vec<Series>,
}

impl TimeChart {
    /// The values of each series at the point nearest time `t` [s], as one line of text.
    pub fn readout(&self, t: f64) -> Option<String> {
        let mut at = None;
        let parts: Vec<String> = self
            .series
            .iter()
            .filter_map(|s| {
                let &(x, y) = s.points.iter().min_by(|a, b| (a.0 - t).abs().total_cmp(&(b.0 - t).abs()))?;
                at.get_or_insert(x);
                Some(format!("{}: {}", s.label, sig(y, 4)))
            })
            .collect();
        at.map(|x| format!("{} · {}", fmt_duration(x), parts.join(" · ")))
    }
    /// Every point as CSV rows `series,time_s,value`.
    pub fn to_csv(&self) -> String {
        let mut out = format!("series,time_s,{}\n", csv_field(&self.y_desc));
        for s in &self.series {
            for &(t, v) in &s.points {
                out.push_str(&format!("{},{t},{v}\n", csv_field(&s.label)));
            }
        }
        out
    }
}

/// Draws the chart; returns where the plotting area is.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &TimeChart,
    theme: &Theme,
) -> Result<PlotMapping, ChartError> {
    let duration = data.duration.max(1e-9);
    let max =
        data.series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).filter(|v| v.is_finite()).fold(0.0, f64::max);
    let series: Vec<&[(f64, f64)]> = data.series.iter().map(|s| s.points.as_slice()).collect();
    let labels: Vec<&str> = data.series.iter().map(|s| s.label.as_str()).collect();
    let (legend, y_max) = plan_legend(area, theme, &labels, &series, (0.0, duration), (0.0, y_top(max)));
    let (mut chart, unit) = time_axes(area, theme, duration, y_max, &data.y_desc)?;
    let mut entries = Vec::with_capacity(data.series.len());
    for s in &data.series {
        let pts = s.points.iter().map(|&(t, v)| (t / unit, v)).collect();
        entries.push(draw_styled(&mut chart, s, pts, theme, false)?);
    }
    finish(area, &mut chart, theme, legend, &entries, (0.0, duration), (0.0, y_max))
}

/// Draws one series in its style and returns its legend entry; `dots` marks each point of a line (sparse x values).
pub(crate) fn draw_styled<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeContext<'a, DB>,
    s: &Series,
    pts: Vec<(f64, f64)>,
    theme: &Theme,
    dots: bool,
) -> Result<LegendEntry, ChartError> {
    let color = theme.series(s.color);
    let lw = theme.px(2.0);
    let mut mark = Mark::Block(color.to_rgba());
    match s.style {
        Style::Line => {
            if dots {
                let r = theme.px(3.0);
                chart.draw_series(pts.iter().map(|&p| Circle::new(p, r, color.filled())))?;
            }
            chart.draw_series(LineSeries::new(pts, color.stroke_width(lw)))?;
        }
        Style::Reference => {
            // Dashed, so a formula, all-warm or comparison line stays visible where it runs along a solid one (and
            // in grey print); its legend entry is a dashed stroke too.
            let style = color.mix(0.9).stroke_width(theme.px(1.5));
            chart.draw_series(DashedLineSeries::new(pts, theme.px(6.0), theme.px(4.0), style))?;
            mark = Mark::Dashed(color.to_rgba());
        }
        Style::Area | Style::Stacked => {
            let fill = if s.style == Style::Area { color.mix(0.3).filled() } else { color.filled() };
            chart.draw_series(AreaSeries::new(pts, 0.0, fill).border_style(color.stroke_width(1)))?;
        }
    }
    Ok(LegendEntry { label: s.label.clone(), mark })
}
