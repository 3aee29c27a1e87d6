//! The availability model's sample timeline: one row per region, its outages as bars (red while traffic still goes
//! there, amber once it has failed over), common-mode events across every row.

use super::xy::csv_field;
use super::{finish, row_axes, row_labels, ChartError, LegendEntry, Mark, PlotMapping, Theme};
use crate::model::availability::Outage;
use crate::model::units::sig;
use plotters::coord::Shift;
use plotters::prelude::*;

/// What the timeline shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// Row names (regions), top to bottom.
    pub rows: Vec<String>,
    /// The outages.
    pub outages: Vec<Outage>,
    /// Time shown [s].
    pub horizon: f64,
    /// Legend labels: requests failing, failed over, every region.
    pub legend: [String; 3],
    /// The x-axis title, with unit ("time [days]"), and the read-out's word for a day ("day").
    pub x_words: [String; 2],
}

const DAY: f64 = 86_400.0;

impl Timeline {
    /// The outages under day `axis_x` (± a pixel's worth `tol` days), as text.
    pub fn readout(&self, axis_x: f64, tol: f64) -> Option<String> {
        let t = axis_x * DAY;
        let hits: Vec<String> = self
            .outages
            .iter()
            .filter(|o| o.start <= t + tol * DAY && o.end >= t - tol * DAY)
            .map(|o| {
                let who = o.region.map_or(self.legend[2].clone(), |r| self.rows.get(r).cloned().unwrap_or_default());
                format!("{who}: {} h", sig((o.end - o.start) / 3600.0, 3))
            })
            .collect();
        Some(format!(
            "{} {} · {}",
            self.x_words[1],
            sig(axis_x, 4),
            if hits.is_empty() { "—".into() } else { hits.join(" · ") }
        ))
    }
    /// One row per outage: region, start, end, failed over at [s].
    pub fn to_csv(&self) -> String {
        let mut out = String::from("region,start_s,end_s,failed_over_at_s\n");
        for o in &self.outages {
            let who = o.region.map_or(self.legend[2].clone(), |r| self.rows.get(r).cloned().unwrap_or_default());
            let fo = o.failed_over_at.map_or(String::new(), |t| t.to_string());
            out.push_str(&format!("{},{},{},{fo}\n", csv_field(&who), o.start, o.end));
        }
        out
    }
}

/// Draws the timeline (x in days).
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &Timeline,
    theme: &Theme,
) -> Result<PlotMapping, ChartError> {
    let n = data.rows.len().max(1);
    let days = (data.horizon / DAY).max(1e-6);
    let mut chart = row_axes(area, theme, days, n as f64 + 0.6, &data.x_words[0], 90.0)?;
    let (down, moved, common) = (theme.series(1), theme.series(4), theme.series(3));
    // Outages last hours in a year: draw at least two pixels wide so each one is visible.
    let min_w = 2.0 * days / 900.0;
    let bar = |row: usize, a: f64, b: f64, c: RGBColor| {
        let y = (n - row) as f64 - 0.5;
        Rectangle::new([(a / DAY, y + 0.3), ((b / DAY).max(a / DAY + min_w), y - 0.3)], c.filled())
    };
    let mut rects = Vec::new();
    for o in &data.outages {
        match o.region {
            Some(r) => {
                let fo = o.failed_over_at.unwrap_or(o.end).min(o.end);
                rects.push(bar(r, o.start, fo, down));
                if fo < o.end {
                    rects.push(bar(r, fo, o.end, moved));
                }
            }
            None => (0..n).for_each(|r| rects.push(bar(r, o.start, o.end, common))),
        }
    }
    chart.draw_series(rects)?;
    let entries: Vec<LegendEntry> = data
        .legend
        .iter()
        .zip([down, moved, common])
        .map(|(label, c)| LegendEntry { label: label.clone(), mark: Mark::Block(c.to_rgba()) })
        .collect();
    row_labels(area, &chart, theme, &data.rows, n)?;
    finish(area, &mut chart, theme, SeriesLabelPosition::UpperRight, &entries, (0.0, days), (0.0, n as f64 + 0.6))
}
