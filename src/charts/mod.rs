//! Charts: each draws data the model already shaped onto any plotters backend (a canvas in the page, an SVG string
//! in native tests). They compute no statistics.

pub mod bars;
pub mod load;
pub mod models;
pub mod scaling;
pub mod spec;
pub mod timeline;
pub mod timeseries;
pub mod xy;

use crate::model::units::{sig, time_axis_unit};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::RGBColor;

/// Words a chart draws itself (axis titles that are not the data's), in the interface language.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Words {
    /// The time axis: "time".
    pub time: &'static str,
    /// The load chart's y axis, with unit: "load [req/s]".
    pub load: &'static str,
}

impl Default for Words {
    fn default() -> Self {
        Words { time: "time", load: "load [req/s]" }
    }
}

/// Colours, size factor and words shared by every chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    /// Device pixels per CSS pixel: fonts, lines and margins are multiplied by it so a 2× screen stays sharp.
    pub scale: f64,
    /// Dark colour scheme.
    pub dark: bool,
    /// Axis words in the interface language.
    pub words: Words,
}

impl Default for Theme {
    fn default() -> Self {
        Theme { scale: 1.0, dark: false, words: Words::default() }
    }
}

impl Theme {
    /// A length in CSS pixels, as backing-store pixels.
    pub fn px(&self, css: f64) -> u32 {
        (css * self.scale).round().max(1.0) as u32
    }
    /// Chart background.
    pub fn background(&self) -> RGBColor {
        if self.dark {
            RGBColor(0x1b, 0x1e, 0x24)
        } else {
            RGBColor(0xff, 0xff, 0xff)
        }
    }
    /// Text and axes.
    pub fn foreground(&self) -> RGBColor {
        if self.dark {
            RGBColor(0xe6, 0xe8, 0xeb)
        } else {
            RGBColor(0x22, 0x26, 0x2e)
        }
    }
    /// Grid lines.
    pub fn grid(&self) -> RGBColor {
        if self.dark {
            RGBColor(0x3a, 0x3f, 0x48)
        } else {
            RGBColor(0xe3, 0xe6, 0xea)
        }
    }
    /// Series colours, distinguishable for the common colour-vision deficiencies (Okabe–Ito palette).
    pub fn series(&self, i: usize) -> RGBColor {
        const LIGHT: [RGBColor; 6] = [
            RGBColor(0x00, 0x72, 0xb2),
            RGBColor(0xd5, 0x5e, 0x00),
            RGBColor(0x00, 0x9e, 0x73),
            RGBColor(0xcc, 0x79, 0xa7),
            RGBColor(0xe6, 0x9f, 0x00),
            RGBColor(0x56, 0xb4, 0xe9),
        ];
        const DARK: [RGBColor; 6] = [
            RGBColor(0x56, 0xb4, 0xe9),
            RGBColor(0xf0, 0x8a, 0x3c),
            RGBColor(0x2e, 0xc4, 0x9a),
            RGBColor(0xe0, 0x9a, 0xc4),
            RGBColor(0xf0, 0xc0, 0x40),
            RGBColor(0x9a, 0xd0, 0xf5),
        ];
        if self.dark {
            DARK[i % 6]
        } else {
            LIGHT[i % 6]
        }
    }
    /// Font size for tick labels [backing px].
    pub fn tick_font(&self) -> u32 {
        self.px(13.0)
    }
    /// Font size for axis titles [backing px].
    pub fn label_font(&self) -> u32 {
        self.px(14.0)
    }
}

/// Where a chart's plotting area landed, to turn pointer positions back into data (CSS pixels).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotMapping {
    /// Left edge of the plotting area [CSS px].
    pub left: f64,
    /// Top edge of the plotting area [CSS px].
    pub top: f64,
    /// Width of the plotting area [CSS px].
    pub width: f64,
    /// Height of the plotting area [CSS px].
    pub height: f64,
    /// Data range shown on the x axis (in the x quantity's base unit, e.g. seconds).
    pub x: (f64, f64),
    /// Data range shown on the y axis.
    pub y: (f64, f64),
}

impl PlotMapping {
    /// Data coordinates of a point given in CSS pixels (may lie outside the ranges).
    pub fn to_data(&self, px: f64, py: f64) -> (f64, f64) {
        let fx = (px - self.left) / self.width.max(1.0);
        let fy = (self.top + self.height - py) / self.height.max(1.0);
        (self.x.0 + fx * (self.x.1 - self.x.0), self.y.0 + fy * (self.y.1 - self.y.0))
    }
    /// CSS-pixel position of a data point.
    pub fn to_pixel(&self, x: f64, y: f64) -> (f64, f64) {
        let fx = (x - self.x.0) / (self.x.1 - self.x.0);
        let fy = (y - self.y.0) / (self.y.1 - self.y.0);
        (self.left + fx * self.width, self.top + self.height - fy * self.height)
    }
    /// Whether a CSS-pixel position is inside the plotting area (with `slack` pixels around it).
    pub fn contains(&self, px: f64, py: f64, slack: f64) -> bool {
        px >= self.left - slack
            && px <= self.left + self.width + slack
            && py >= self.top - slack
            && py <= self.top + self.height + slack
    }
}

/// A chart could not be drawn (the backend failed).
#[derive(Debug, Clone, PartialEq)]
pub struct ChartError(pub String);

impl std::fmt::Display for ChartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "chart could not be drawn: {}", self.0)
    }
}

impl<E: std::error::Error + Send + Sync> From<plotters::drawing::DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: plotters::drawing::DrawingAreaErrorKind<E>) -> Self {
        ChartError(e.to_string())
    }
}

/// A y-axis top with some headroom over `max`, never zero.
pub fn y_top(max: f64) -> f64 {
    if max > 0.0 && max.is_finite() {
        max * 1.12
    } else {
        1.0
    }
}

/// A chart of two continuous axes (time or any value on x, a value on y).
pub type TimeContext<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Margins around every chart's plotting area [CSS px]: outer margin, extra on the right (the last x tick label),
/// the x axis's label area, and the y axis's for value charts (row charts size theirs to their names).
const MARGIN: f64 = 10.0;
const MARGIN_RIGHT: f64 = 18.0;
const X_LABEL_AREA: f64 = 40.0;
const Y_LABEL_AREA: f64 = 64.0;

/// Clears the area and lays out an empty chart over `x` × `y` with `y_label_width` CSS px left of it.
fn frame<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    theme: &Theme,
    x: (f64, f64),
    y: (f64, f64),
    y_label_width: f64,
) -> Result<TimeContext<'a, DB>, ChartError> {
    area.fill(&theme.background())?;
    Ok(ChartBuilder::on(area)
        .margin(theme.px(MARGIN))
        .margin_right(theme.px(MARGIN_RIGHT))
        .x_label_area_size(theme.px(X_LABEL_AREA))
        .y_label_area_size(theme.px(y_label_width))
        .build_cartesian_2d(x.0..x.1, y.0..y.1)?)
}

/// Clears the area and draws the axes every line chart shares: `x` on the x axis labelled by `x_label`, 0 to
/// `y_max` on y, grid, tick labels and axis titles with units.
pub fn value_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    theme: &Theme,
    x: (f64, f64),
    y_max: f64,
    descs: (&str, &str),
    x_label: &dyn Fn(&f64) -> String,
) -> Result<TimeContext<'a, DB>, ChartError> {
    value_axes_y(area, theme, (x.0, x.1, X_TICKS), (0.0, y_max), descs, (x_label, &|v| sig(*v, 4)))
}

/// Tick labels on an x axis, at most.
pub const X_TICKS: usize = 8;

/// Formats an axis tick value.
pub type TickLabel<'f> = dyn Fn(&f64) -> String + 'f;

/// [`value_axes`] with any y range and y tick labels (a logarithmic axis passes log₁₀ values and labels 10^v), and
/// x given as (from, to, most tick labels).
pub fn value_axes_y<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    theme: &Theme,
    (x0, x1, x_ticks): (f64, f64, usize),
    y: (f64, f64),
    (x_desc, y_desc): (&str, &str),
    (x_label, y_label): (&TickLabel<'_>, &TickLabel<'_>),
) -> Result<TimeContext<'a, DB>, ChartError> {
    let fg = theme.foreground();
    let mut chart = frame(area, theme, (x0, x1), y, Y_LABEL_AREA)?;
    chart
        .configure_mesh()
        .light_line_style(theme.background())
        .bold_line_style(theme.grid())
        .axis_style(fg)
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(x_label)
        .y_label_formatter(y_label)
        .label_style(("sans-serif", theme.tick_font()).into_font().color(&fg))
        .axis_desc_style(("sans-serif", theme.label_font()).into_font().color(&fg))
        .x_labels(x_ticks)
        .y_labels(6)
        .draw()?;
    Ok(chart)
}

/// [`value_axes`] with time on x in a readable unit. Returns the chart and the time unit [s].
pub fn time_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    theme: &Theme,
    duration: f64,
    y_max: f64,
    y_desc: &str,
) -> Result<(TimeContext<'a, DB>, f64), ChartError> {
    let (unit, unit_name) = time_axis_unit(duration);
    let x_desc = format!("{} [{unit_name}]", theme.words.time);
    let chart = value_axes(area, theme, (0.0, duration / unit), y_max, (&x_desc, y_desc), &|v| sig(*v, 4))?;
    Ok((chart, unit))
}

/// Where a chart's plotting area landed, in CSS pixels, with the data ranges the mapping reports for its axes.
pub fn mapping_of<DB: DrawingBackend>(
    chart: &TimeContext<DB>,
    theme: &Theme,
    x: (f64, f64),
    y: (f64, f64),
) -> PlotMapping {
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let k = theme.scale;
    PlotMapping {
        left: xr.start as f64 / k,
        top: yr.start as f64 / k,
        width: (xr.end - xr.start) as f64 / k,
        height: (yr.end - yr.start) as f64 / k,
        x,
        y,
    }
}

/// The legend box's width and height as shares of the plotting area (as laid out by `value_axes` and `finish`).
pub fn legend_box<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, theme: &Theme, labels: &[&str]) -> (f64, f64) {
    let (w, h) = area.dim_in_pixel();
    let plot_w = (w as f64 - theme.px(MARGIN + MARGIN_RIGHT + Y_LABEL_AREA) as f64).max(1.0);
    let plot_h = (h as f64 - theme.px(2.0 * MARGIN + X_LABEL_AREA) as f64).max(1.0);
    let font = theme.tick_font() as f64;
    let chars = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    let box_w = ((chars * 0.55 * font + theme.px(40.0) as f64) / plot_w).min(0.9);
    let box_h = ((labels.len() as f64 * font * 1.3 + theme.px(16.0) as f64) / plot_h).min(0.9);
    (box_w, box_h)
}

/// Where a chart's legend goes: the corner where its box covers the fewest data (points, and the segments
/// between them), and, when every corner covers some, a raised y top that makes room for it above the data.
/// `series` are in axis coordinates within `x` × `y`; `labels` are the legend's entries. Returns the corner and the
/// y top to use.
pub fn plan_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
    labels: &[&str],
    series: &[&[(f64, f64)]],
    x: (f64, f64),
    y: (f64, f64),
) -> (SeriesLabelPosition, f64) {
    let upper_right = SeriesLabelPosition::UpperRight;
    if labels.is_empty() {
        return (upper_right, y.1);
    }
    let (box_w, box_h) = legend_box(area, theme, labels);
    let (xw, yh) = ((x.1 - x.0).max(1e-300), (y.1 - y.0).max(1e-300));
    let mut hits = [0usize; 4];
    let mut count = |u: f64, v: f64| {
        let (left, right, top, bottom) = (u <= box_w, u >= 1.0 - box_w, v >= 1.0 - box_h, v <= box_h);
        hits[0] += (right && top) as usize;
        hits[1] += (left && top) as usize;
        hits[2] += (right && bottom) as usize;
        hits[3] += (left && bottom) as usize;
    };
    for pts in series {
        for (k, &(px, py)) in pts.iter().enumerate() {
            let (u, v) = ((px - x.0) / xw, (py - y.0) / yh);
            count(u, v);
            // Along the segment to the next point, so a line crossing a corner between two points counts.
            if let Some(&(qx, qy)) = pts.get(k + 1) {
                let (u2, v2) = ((qx - x.0) / xw, (qy - y.0) / yh);
                for j in 1..8 {
                    let f = j as f64 / 8.0;
                    count(u + (u2 - u) * f, v + (v2 - v) * f);
                }
            }
        }
    }
    let corners = [
        SeriesLabelPosition::UpperRight,
        SeriesLabelPosition::UpperLeft,
        SeriesLabelPosition::LowerRight,
        SeriesLabelPosition::LowerLeft,
    ];
    let best = (0..4).min_by_key(|&i| hits[i]).unwrap_or(0);
    if hits[best] == 0 {
        (corners[best].clone(), y.1)
    } else {
        // No clear corner: raise the top so the box fits above the highest data, in the upper right.
        (upper_right, y.0 + yh / (1.0 - box_h).max(0.1))
    }
}

/// What a legend entry shows before its text.
#[derive(Debug, Clone, Copy)]
pub enum Mark {
    /// A filled block (a line, an area, a bar).
    Block(RGBAColor),
    /// A dashed stroke (a reference line).
    Dashed(RGBAColor),
}

/// One entry of a chart's legend.
#[derive(Debug, Clone)]
pub struct LegendEntry {
    /// The series' name.
    pub label: String,
    /// How the series is drawn, in small.
    pub mark: Mark,
}

/// Ends every chart with a legend the same way: draws the `legend` at `position`, presents the area, and returns
/// where the plotting area landed (with the data ranges `x` and `y`).
pub fn finish<'a, DB: DrawingBackend + 'a>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut TimeContext<'a, DB>,
    theme: &Theme,
    position: SeriesLabelPosition,
    legend: &[LegendEntry],
    x: (f64, f64),
    y: (f64, f64),
) -> Result<PlotMapping, ChartError> {
    draw_legend(chart, theme, &position, legend)?;
    let m = mapping_of(chart, theme, x, y);
    area.present()?;
    Ok(m)
}

/// Where a legend box of `w` × `h` goes in an area of `aw` × `ah` [px] (plotters' own layout of series labels).
fn legend_origin(position: &SeriesLabelPosition, (w, h): (i32, i32), (aw, ah): (i32, i32)) -> (i32, i32) {
    use SeriesLabelPosition::*;
    let x = match position {
        UpperLeft | MiddleLeft | LowerLeft => 5,
        UpperMiddle | MiddleMiddle | LowerMiddle => (aw - w) / 2,
        UpperRight | MiddleRight | LowerRight => aw - w - 5,
        Coordinate(x, _) => *x,
    };
    let y = match position {
        UpperLeft | UpperMiddle | UpperRight => 5,
        MiddleLeft | MiddleMiddle | MiddleRight => (ah - h) / 2,
        LowerLeft | LowerMiddle | LowerRight => ah - h - 5,
        Coordinate(_, y) => *y,
    };
    (x, y)
}

/// Draws the legend box in the plotting area, laid out as plotters lays out series labels (a mark 30 px wide, then
/// the text; lines 1.25 font sizes apart), but with the text measured by the backend and the marks in CSS px (as
/// the text is: on a HiDPI screen plotters' marks were half as big). Plotters measures each label with its font
/// data instead, which in the browser is a `<span>` added to the page and read back: every label forced the page's
/// layout (~0.2 ms), twice per chart.
fn draw_legend<DB: DrawingBackend>(
    chart: &TimeContext<DB>,
    theme: &Theme,
    position: &SeriesLabelPosition,
    legend: &[LegendEntry],
) -> Result<(), ChartError> {
    if legend.is_empty() {
        return Ok(());
    }
    let area = chart.plotting_area().strip_coord_spec();
    let font = ("sans-serif", theme.tick_font()).into_font().color(&theme.foreground());
    let line = theme.tick_font() as f64 * 1.25;
    let mut lines = Vec::with_capacity(legend.len());
    let (mut w, mut h) = (0, 0);
    for (i, e) in legend.iter().enumerate() {
        let (tw, th) = area.estimate_text_size(&e.label, &font)?;
        let top = (i as f64 * line).round() as i32;
        w = w.max(tw as i32);
        h = h.max(top + th as i32);
        lines.push((top, th as i32));
    }
    let px = |css: f64| theme.px(css) as i32;
    let (mark_area, margin) = (px(30.0), px(6.0));
    let (w, h) = (w + mark_area + 2 * margin, h + 2 * margin);
    let (aw, ah) = area.dim_in_pixel();
    // Inside the area even when the box is wider than it (a phone): the marks then stay in sight and the end of the
    // longest label is what is cut.
    let (x, y) = legend_origin(position, (w, h), (aw as i32, ah as i32));
    let (x, y) = (x.max(0), y.max(0));
    area.draw(&Rectangle::new([(x, y), (x + w, y + h)], theme.background().mix(0.85).filled()))?;
    area.draw(&Rectangle::new([(x, y), (x + w, y + h)], theme.grid()))?;
    for (e, (top, th)) in legend.iter().zip(lines) {
        let top = y + margin + top;
        area.draw(&Text::new(e.label.as_str(), (x + margin + mark_area, top), font.clone()))?;
        let (mx, my) = (x + margin, top + th / 2);
        match e.mark {
            Mark::Block(c) => {
                area.draw(&Rectangle::new([(mx, my - px(5.0)), (mx + px(16.0), my + px(5.0))], c.filled()))?
            }
            Mark::Dashed(c) => {
                let (dy, dash) = (px(1.0), px(6.0));
                area.draw(&Rectangle::new([(mx, my - dy), (mx + dash, my + dy)], c.filled()))?;
                area.draw(&Rectangle::new([(mx + px(10.0), my - dy), (mx + px(16.0), my + dy)], c.filled()))?;
            }
        }
    }
    Ok(())
}

/// Clears the area and draws the axes of a chart with rows (bars, timeline): `0..x_max` on x with its
/// description, `0..y_top` rows on y without a mesh or ticks (the rows are named by [`row_labels`]), and
/// `label_width` CSS px on the left for the names.
pub fn row_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    theme: &Theme,
    x_max: f64,
    y_top: f64,
    x_desc: &str,
    label_width: f64,
) -> Result<TimeContext<'a, DB>, ChartError> {
    let fg = theme.foreground();
    let mut chart = frame(area, theme, (0.0, x_max), (0.0, y_top), label_width)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .light_line_style(theme.background())
        .bold_line_style(theme.grid())
        .axis_style(fg)
        .x_desc(x_desc)
        .x_label_formatter(&|v| sig(*v, 4))
        .label_style(("sans-serif", theme.tick_font()).into_font().color(&fg))
        .axis_desc_style(("sans-serif", theme.label_font()).into_font().color(&fg))
        .x_labels(8)
        .draw()?;
    Ok(chart)
}

/// Writes one name per row to the left of the plotting area, rows 1 unit tall with the first at the top of `rows`
/// (bar categories, timeline regions).
pub fn row_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &TimeContext<DB>,
    theme: &Theme,
    names: &[String],
    rows: usize,
) -> Result<(), ChartError> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let font = ("sans-serif", theme.tick_font()).into_font().color(&theme.foreground());
    for (i, name) in names.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(0.0, (rows - i) as f64 - 0.5));
        area.draw(&Text::new(
            name.clone(),
            (px - theme.px(6.0) as i32, py),
            font.clone().pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    Ok(())
}

/// An empty chart area with a message in its middle (before the first result, or when there is nothing to draw).
pub fn placeholder<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
    text: &str,
) -> Result<PlotMapping, ChartError> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    area.fill(&theme.background())?;
    let (w, h) = area.dim_in_pixel();
    let style = ("sans-serif", theme.label_font()).into_font().color(&theme.foreground().mix(0.7));
    area.draw(&Text::new(
        text.to_string(),
        (w as i32 / 2, h as i32 / 2),
        style.pos(Pos::new(HPos::Center, VPos::Center)),
    ))?;
    area.present()?;
    let k = theme.scale;
    Ok(PlotMapping { left: 0.0, top: 0.0, width: w as f64 / k, height: h as f64 / k, x: (0.0, 1.0), y: (0.0, 1.0) })
}
