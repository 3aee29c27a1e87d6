//! Any of the playground's charts as one value: the page's chart component draws it, reads values under the pointer
//! from it and exports its data, whatever kind it is.

use super::bars::{self, BarChart};
use super::timeline::{self, Timeline};
use super::timeseries::{self, TimeChart};
use super::xy::{self, XyChart};
use super::{ChartError, PlotMapping, Theme};
use plotters::coord::Shift;
use plotters::prelude::*;

/// A chart of any kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    /// Series over time.
    Time(TimeChart),
    /// Series against a numeric x.
    Xy(XyChart),
    /// Grouped horizontal bars.
    Bars(BarChart),
    /// Outages per region.
    Timeline(Timeline),
}

impl Chart {
    /// Draws it; returns where the plotting area is.
    pub fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        theme: &Theme,
    ) -> Result<PlotMapping, ChartError> {
        match self {
            Chart::Time(c) => timeseries::draw(area, c, theme),
            Chart::Xy(c) => xy::draw(area, c, theme),
            Chart::Bars(c) => bars::draw(area, c, theme),
            Chart::Timeline(c) => timeline::draw(area, c, theme),
        }
    }
    /// What lies under the pointer at data coordinates (x, y); `x_per_px` is the x span of one CSS pixel.
    pub fn readout(&self, x: f64, y: f64, x_per_px: f64) -> Option<String> {
        match self {
            Chart::Time(c) => c.readout(x),
            Chart::Xy(c) => c.readout(x),
            Chart::Bars(c) => c.readout(y),
            Chart::Timeline(c) => c.readout(x, 3.0 * x_per_px),
        }
    }
    /// The chart's data as CSV.
    pub fn to_csv(&self) -> String {
        match self {
            Chart::Time(c) => c.to_csv(),
            Chart::Xy(c) => c.to_csv(),
            Chart::Bars(c) => c.to_csv(),
            Chart::Timeline(c) => c.to_csv(),
        }
    }
}
