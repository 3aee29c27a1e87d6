//! The load-curve chart: rate over time, the area under it shaded, the control points as handles.

use super::{y_top, ChartError, PlotMapping, Theme};
use crate::model::load::LoadCurve;
use crate::model::units::{sig, time_axis_unit};
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
    area.fill(&theme.background())?;
    let duration = data.curve.duration();
    let (unit, unit_name) = time_axis_unit(duration);
    let y_max = y_top(data.curve.peak());
    let fg = theme.foreground();
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px(10.0))
        .margin_right(theme.px(18.0))
        .x_label_area_size(theme.px(40.0))
        .y_label_area_size(theme.px(64.0))
        .build_cartesian_2d(0.0..duration / unit, 0.0..y_max)?;
    chart
        .configure_mesh()
        .light_line_style(theme.background())
        .bold_line_style(theme.grid())
        .axis_style(fg)
        .x_desc(format!("time [{unit_name}]"))
        .y_desc("load [req/s]")
        .x_label_formatter(&|v| sig(*v, 4))
        .y_label_formatter(&|v| sig(*v, 4))
        .label_style(("sans-serif", theme.tick_font()).into_font().color(&fg))
        .axis_desc_style(("sans-serif", theme.label_font()).into_font().color(&fg))
        .x_labels(8)
        .y_labels(6)
        .draw()?;
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
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    area.present()?;
    let s = theme.scale;
    Ok(PlotMapping {
        left: xr.start as f64 / s,
        top: yr.start as f64 / s,
        width: (xr.end - xr.start) as f64 / s,
        height: (yr.end - yr.start) as f64 / s,
        x: (0.0, duration),
        y: (0.0, y_max),
    })
}
