//! The load-curve chart: rate over time, the area under it shaded, the control points as handles.

use super::{mapping_of, time_axes, y_top, ChartError, PlotMapping, Theme};
use crate::model::load::LoadCurve;
use plotters::coord::Shift;
use plotters::prelude::*;

/// What the load chart shows.
#[derive(Debug, Clone, Copy)]
pub struct LoadChart<'a> {
    /// The curve.
    pub curve: &'a LoadCurve,
    /// Index of the selected control point, drawn highlighted.
    pub selected: Option<usize>,
    /// Whether to draw the control points as handles (off for curves with many points, e.g. an imported trace).
    pub handles: bool,
}

/// Draws the chart and returns where its plotting area is, for pointer hit-testing.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &LoadChart,
    theme: &Theme,
) -> Result<PlotMapping, ChartError> {
    let duration = data.curve.duration();
    let y_max = y_top(data.curve.peak());
    let (mut chart, unit) = time_axes(area, theme, duration, y_max, theme.words.load)?;
    let accent = theme.series(0);
    let pts: Vec<(f64, f64)> = data.curve.points().iter().map(|p| (p.t / unit, p.rate)).collect();
    chart.draw_series(AreaSeries::new(pts.iter().copied(), 0.0, accent.mix(0.15)))?;
    chart.draw_series(LineSeries::new(pts.iter().copied(), accent.stroke_width(theme.px(2.0))))?;
    if data.handles {
        let r = theme.px(5.0) as i32;
        chart.draw_series(pts.iter().enumerate().map(|(i, &(x, y))| {
            if Some(i) == data.selected {
                Circle::new((x, y), r + theme.px(2.0) as i32, theme.series(1).filled())
            } else {
                Circle::new((x, y), r, accent.filled())
            }
        }))?;
    }
    let m = mapping_of(&chart, theme, (0.0, duration), (0.0, y_max));
    area.present()?;
    Ok(m)
}
