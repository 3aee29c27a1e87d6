//! Horizontal grouped bars: one row per category (a percentile, a way of computing the nines), one bar per group
//! (warm, cold; formula, simulation), with an optional reference line (an SLA).

use super::xy::csv_field;
use super::{finish, legend_box, row_axes, row_labels, y_top, ChartError, LegendEntry, Mark, PlotMapping, Theme};
use crate::model::units::sig;
use plotters::coord::Shift;
use plotters::prelude::*;

/// One group of bars: a value per category.
#[derive(Debug, Clone, PartialEq)]
pub struct BarGroup {
    /// Legend label.
    pub label: String,
    /// Palette index.
    pub color: usize,
    /// One value per category (same order); non-finite values are not drawn.
    pub values: Vec<f64>,
}

/// A bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// Category names, top to bottom.
    pub categories: Vec<String>,
    /// The groups.
    pub groups: Vec<BarGroup>,
    /// Value-axis description with unit.
    pub x_desc: String,
    /// A vertical reference line: (value, label).
    pub reference: Option<(f64, String)>,
}

impl BarChart {
    /// The category under `axis_y` (rows are 1 unit tall, the first at the top) with every group's value.
    pub fn readout(&self, axis_y: f64) -> Option<String> {
        let n = self.categories.len();
        let row = n.checked_sub(1 + axis_y.floor().max(0.0) as usize)?;
        let parts: Vec<String> = self
            .groups
            .iter()
            .filter_map(|g| g.values.get(row).map(|v| format!("{}: {}", g.label, sig(*v, 4))))
            .collect();
        Some(format!("{} · {}", self.categories[row], parts.join(" · ")))
    }
    /// CSV with a row per category and a column per group.
    pub fn to_csv(&self) -> String {
        let mut out =
            format!("category,{}\n", self.groups.iter().map(|g| csv_field(&g.label)).collect::<Vec<_>>().join(","));
        for (i, c) in self.categories.iter().enumerate() {
            let vals: Vec<String> =
                self.groups.iter().map(|g| g.values.get(i).map_or(String::new(), |v| v.to_string())).collect();
            out.push_str(&format!("{},{}\n", csv_field(c), vals.join(",")));
        }
        out
    }
}

/// Draws the chart; the mapping's y axis counts rows from the bottom.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &BarChart,
    theme: &Theme,
) -> Result<PlotMapping, ChartError> {
    let n = data.categories.len().max(1);
    let max = data
        .groups
        .iter()
        .flat_map(|g| g.values.iter().copied())
        .chain(data.reference.iter().map(|r| r.0))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    // Room on the right for the legend, so it never sits on a bar.
    let labels: Vec<&str> = data.groups.iter().map(|g| g.label.as_str()).collect();
    let x_max = y_top(max) / (1.0 - legend_box(area, theme, &labels).0);
    let fg = theme.foreground();
    let font = ("sans-serif", theme.tick_font()).into_font().color(&fg);
    let label_w = data.categories.iter().map(|c| c.chars().count()).max().unwrap_or(4) as f64 * 7.5 + 12.0;
    let mut chart = row_axes(area, theme, x_max, n as f64, &data.x_desc, label_w.clamp(40.0, 220.0))?;
    let ng = data.groups.len().max(1) as f64;
    let h = 0.8 / ng;
    for (gi, g) in data.groups.iter().enumerate() {
        let color = theme.series(g.color);
        let bars = g.values.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, &v)| {
            let top = (n - i) as f64 - 0.1 - gi as f64 * h;
            Rectangle::new([(0.0, top), (v, top - h)], color.filled())
        });
        chart.draw_series(bars)?;
    }
    let entries: Vec<LegendEntry> = data
        .groups
        .iter()
        .map(|g| LegendEntry { label: g.label.clone(), mark: Mark::Block(theme.series(g.color).to_rgba()) })
        .collect();
    if let Some((v, label)) = &data.reference {
        chart.draw_series(LineSeries::new([(*v, 0.0), (*v, n as f64)], theme.series(1).stroke_width(theme.px(2.0))))?;
        chart.draw_series(std::iter::once(Text::new(label.clone(), (*v, n as f64 * 0.999), font.clone())))?;
    }
    row_labels(area, &chart, theme, &data.categories, n)?;
    finish(area, &mut chart, theme, SeriesLabelPosition::LowerRight, &entries, (0.0, x_max), (0.0, n as f64))
}
