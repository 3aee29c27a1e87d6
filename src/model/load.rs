//! The load curve: requests per second over time.
//!
//! A curve is a list of control points `(time [s], rate [req/s])`, joined by straight lines. The first point is at
//! 0 s and the last at the curve's duration, so the curve covers `[0, duration]` exactly. Every method that edits the
//! curve keeps these invariants:
//!
//! - at least two points; times strictly increasing, the first at 0 s, the last at `duration`;
//! - every time and rate finite, rates ≥ 0 and ≤ [`MAX_RATE`], duration ≤ [`MAX_DURATION`].
//!
//! The expected number of requests over the curve is its integral, computed exactly by the trapezoid rule (the curve
//! *is* piecewise linear, so the rule has no error). A Poisson arrival process driven by this rate has that many
//! arrivals on average.
//!
//! Two text formats are read:
//! - CSV `time_s,rate_rps` (an optional header line, one point per line; the format [`LoadCurve::to_csv`] writes);
//! - one function row of the Azure Functions 2019 trace ("Serverless in the Wild", Shahrad et al., USENIX ATC 2020):
//!   `HashOwner,HashApp,HashFunction,Trigger,1,…,1440`, the invocations in each minute of one day. Each minute's count
//!   becomes a point at the middle of the minute with rate `count / 60`; the two end points repeat the first and last
//!   minute's rate, which makes the curve's integral equal the day's total count exactly.
//!
//! Every malformed input is refused with a [`LoadError`] that names the line, the column and the problem.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Largest rate a point may have [req/s]: far above any single function's load, small enough that counts stay exact.
pub const MAX_RATE: f64 = 1.0e6;
/// Longest curve [s]: 31 days, a month of traffic.
pub const MAX_DURATION: f64 = 31.0 * 86_400.0;
/// Shortest curve [s].
pub const MIN_DURATION: f64 = 1.0;
/// Longest steady-state run [s] (about 317 years of simulated time): steady runs of rare functions need far more
/// than the editor's 31 days to see enough requests.
pub const MAX_STEADY_HORIZON: f64 = 1.0e10;
/// Most control points a curve may have (an Azure day has 1,442).
pub const MAX_POINTS: usize = 20_000;

/// One control point of a load curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Time since the start of the curve [s].
    pub t: f64,
    /// Arrival rate at that time [req/s].
    pub rate: f64,
}

/// A piecewise-linear load curve; see the module docs for its invariants.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadCurve {
    points: Vec<Point>,
}

/// Why a curve, an edit or an imported text was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// A problem at a place in an imported text (1-based line and column).
    At {
        /// Line number, counting from 1.
        line: usize,
        /// Column number, counting from 1 (0 when the whole line is at fault).
        column: usize,
        /// Column name, when the format names it.
        field: String,
        /// What is wrong.
        problem: String,
    },
    /// A problem with the curve or edit as a whole.
    Invalid(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::At { line, column: 0, problem, .. } => write!(f, "line {line}: {problem}"),
            LoadError::At { line, column, field, problem } if field.is_empty() => {
                write!(f, "line {line}, column {column}: {problem}")
            }
            LoadError::At { line, column, field, problem } => {
                write!(f, "line {line}, column {column} ({field}): {problem}")
            }
            LoadError::Invalid(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for LoadError {}

fn invalid(msg: impl Into<String>) -> LoadError {
    LoadError::Invalid(msg.into())
}

/// The named shapes offered in the preset picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// One hour at a constant 50 req/s.
    Steady,
    /// A day following a business-hours cycle: night trough, morning rise, midday peak, evening fall.
    DailyCycle,
    /// One hour of 20 req/s with a 25× spike lasting five minutes (a link shared on social media).
    FlashCrowd,
    /// One hour rising linearly from 0 to 200 req/s (a launch, a migration).
    RampUp,
    /// One hour alternating five minutes at 100 req/s and five minutes idle (batch jobs, cron bursts).
    OnOffBursts,
    /// A week of daily cycles with quieter Saturday and Sunday.
    WeekWithWeekend,
}

impl Preset {
    /// Every preset, in the order the picker lists them.
    pub const ALL: [Preset; 6] = [
        Preset::Steady,
        Preset::DailyCycle,
        Preset::FlashCrowd,
        Preset::RampUp,
        Preset::OnOffBursts,
        Preset::WeekWithWeekend,
    ];

    /// Stable identifier (used in URLs and the picker).
    pub fn id(self) -> &'static str {
        match self {
            Preset::Steady => "steady",
            Preset::DailyCycle => "daily",
            Preset::FlashCrowd => "flash",
            Preset::RampUp => "ramp",
            Preset::OnOffBursts => "bursts",
            Preset::WeekWithWeekend => "week",
        }
    }

    /// The preset with this identifier.
    pub fn from_id(id: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.id() == id)
    }

    /// Human-readable name.
    pub fn label(self) -> &'static str {
        match self {
            Preset::Steady => "Steady (1 h, 50 req/s)",
            Preset::DailyCycle => "Daily cycle (24 h)",
            Preset::FlashCrowd => "Flash-crowd spike (1 h)",
            Preset::RampUp => "Ramp-up (1 h, 0 → 200 req/s)",
            Preset::OnOffBursts => "On/off bursts (1 h)",
            Preset::WeekWithWeekend => "Week with weekend dip (7 d)",
        }
    }

    /// Builds the curve.
    pub fn curve(self) -> LoadCurve {
        let pts: Vec<(f64, f64)> = match self {
            Preset::Steady => vec![(0.0, 50.0), (3600.0, 50.0)],
            Preset::DailyCycle => daily_cycle(0.0, 1.0, 100.0),
            Preset::FlashCrowd => vec![
                (0.0, 20.0),
                (1500.0, 20.0),
                (1560.0, 500.0),
                (1800.0, 500.0),
                (2100.0, 60.0),
                (2400.0, 20.0),
                (3600.0, 20.0),
            ],
            Preset::RampUp => vec![(0.0, 0.0), (3600.0, 200.0)],
            Preset::OnOffBursts => {
                let mut v = Vec::new();
                for k in 0..6 {
                    let s = k as f64 * 600.0;
                    v.extend([(s, 100.0), (s + 299.0, 100.0), (s + 300.0, 0.0), (s + 599.0, 0.0)]);
                }
                v.push((3600.0, 100.0));
                v
            }
            Preset::WeekWithWeekend => {
                let mut v = Vec::new();
                for day in 0..7 {
                    let peak = if day >= 5 { 40.0 } else { 100.0 };
                    let mut d = daily_cycle(day as f64 * 86_400.0, peak / 100.0, 100.0);
                    if day > 0 {
                        d.remove(0);
                    }
                    v.extend(d);
                }
                v
            }
        };
        LoadCurve::from_pairs(&pts).expect("presets are valid curves")
    }
}

/// A day of traffic starting at `start` [s]: hourly points following a typical business-hours profile, scaled so
/// that the peak is `scale × peak` req/s.
fn daily_cycle(start: f64, scale: f64, peak: f64) -> Vec<(f64, f64)> {
    // Share of the peak in each hour 0..=24 (hour 24 closes the day): a night trough at 4 am, a morning rise, a
    // midday peak and an evening tail. Shape after the diurnal pattern in Shahrad et al. (2020), Fig. 4.
    const SHAPE: [f64; 25] = [
        0.30, 0.24, 0.20, 0.18, 0.17, 0.19, 0.26, 0.40, 0.60, 0.78, 0.90, 0.97, 1.00, 0.98, 0.95, 0.92, 0.88, 0.82,
        0.72, 0.62, 0.54, 0.46, 0.39, 0.34, 0.30,
    ];
    SHAPE.iter().enumerate().map(|(h, s)| (start + h as f64 * 3600.0, s * scale * peak)).collect()
}

impl Default for LoadCurve {
    fn default() -> Self {
        Preset::FlashCrowd.curve()
    }
}

impl<'de> Deserialize<'de> for LoadCurve {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            points: Vec<Point>,
        }
        let raw = Raw::deserialize(d)?;
        LoadCurve::new(raw.points).map_err(serde::de::Error::custom)
    }
}

impl LoadCurve {
    /// A curve from control points; refuses points that break the invariants (module docs).
    pub fn new(points: Vec<Point>) -> Result<Self, LoadError> {
        check_points(&points)?;
        Ok(LoadCurve { points })
    }

    /// A curve from `(time, rate)` pairs.
    pub fn from_pairs(pairs: &[(f64, f64)]) -> Result<Self, LoadError> {
        Self::new(pairs.iter().map(|&(t, rate)| Point { t, rate }).collect())
    }

    /// A constant rate [req/s] for `duration` [s].
    pub fn constant(rate: f64, duration: f64) -> Result<Self, LoadError> {
        Self::from_pairs(&[(0.0, rate), (duration, rate)])
    }

    /// A constant rate [req/s] for a steady-state run of `horizon` [s], which may exceed [`MAX_DURATION`] (up to
    /// [`MAX_STEADY_HORIZON`]).
    pub fn steady(rate: f64, horizon: f64) -> Result<Self, LoadError> {
        if !horizon.is_finite() || !(MIN_DURATION..=MAX_STEADY_HORIZON).contains(&horizon) {
            return Err(invalid(format!("a steady run lasts between 1 s and {} s", fmt_num(MAX_STEADY_HORIZON))));
        }
        if !rate.is_finite() || !(0.0..=MAX_RATE).contains(&rate) {
            return Err(invalid(format!("rate must be between 0 and {} req/s", fmt_num(MAX_RATE))));
        }
        Ok(LoadCurve { points: vec![Point { t: 0.0, rate }, Point { t: horizon, rate }] })
    }

    /// The control points, in time order.
    pub fn points(&self) -> &[Point] {
        &self.points
    }

    /// Length of the curve [s].
    pub fn duration(&self) -> f64 {
        self.points[self.points.len() - 1].t
    }

    /// Rate at time `t` [req/s]; 0 outside `[0, duration]`.
    pub fn rate_at(&self, t: f64) -> f64 {
        if !(0.0..=self.duration()).contains(&t) {
            return 0.0;
        }
        let i = self.points.partition_point(|p| p.t <= t);
        if i == 0 {
            return self.points[0].rate;
        }
        if i >= self.points.len() {
            return self.points[self.points.len() - 1].rate;
        }
        let (a, b) = (self.points[i - 1], self.points[i]);
        a.rate + (b.rate - a.rate) * (t - a.t) / (b.t - a.t)
    }

    /// Expected number of requests over the whole curve: the integral of the rate [requests].
    pub fn expected_requests(&self) -> f64 {
        self.points.windows(2).map(|w| 0.5 * (w[0].rate + w[1].rate) * (w[1].t - w[0].t)).sum()
    }

    /// Expected number of requests in `[a, b]` [requests] (clipped to the curve).
    pub fn expected_between(&self, a: f64, b: f64) -> f64 {
        let (a, b) = (a.max(0.0), b.min(self.duration()));
        if b <= a {
            return 0.0;
        }
        let mut sum = 0.0;
        for w in self.points.windows(2) {
            let (lo, hi) = (w[0].t.max(a), w[1].t.min(b));
            if hi > lo {
                sum += 0.5 * (self.rate_at(lo) + self.rate_at(hi)) * (hi - lo);
            }
        }
        sum
    }

    /// The curve's first `d` seconds (at least [`MIN_DURATION`]; the whole curve if it is not longer): its points
    /// before `d` and the rate at `d`. A heavy scenario offers it as a shorter part to simulate.
    pub fn head(&self, d: f64) -> LoadCurve {
        if d.is_nan() || d >= self.duration() {
            return self.clone();
        }
        let d = d.max(MIN_DURATION);
        if d >= self.duration() {
            return self.clone();
        }
        let mut points: Vec<Point> = self.points.iter().copied().filter(|p| p.t < d).collect();
        points.push(Point { t: d, rate: self.rate_at(d) });
        LoadCurve { points }
    }

    /// Highest rate [req/s].
    pub fn peak(&self) -> f64 {
        self.points.iter().map(|p| p.rate).fold(0.0, f64::max)
    }

    /// Mean rate over the curve [req/s].
    pub fn mean(&self) -> f64 {
        self.expected_requests() / self.duration()
    }

    /// Moves point `i` to `(t, rate)`, clamped so the curve stays valid: the end points keep their times, an inner
    /// point stays strictly between its neighbours, the rate stays in `[0, MAX_RATE]`. Returns the point as placed.
    pub fn move_point(&mut self, i: usize, t: f64, rate: f64) -> Result<Point, LoadError> {
        let n = self.points.len();
        if i >= n {
            return Err(invalid(format!("there is no point {} (the curve has {n})", i + 1)));
        }
        if !t.is_finite() || !rate.is_finite() {
            return Err(invalid("time and rate must be finite numbers"));
        }
        let t = if i == 0 || i == n - 1 {
            self.points[i].t
        } else {
            let (lo, hi) = (self.points[i - 1].t, self.points[i + 1].t);
            let gap = min_gap(lo, hi);
            t.clamp(lo + gap, hi - gap)
        };
        let p = Point { t, rate: rate.clamp(0.0, MAX_RATE) };
        self.points[i] = p;
        Ok(p)
    }

    /// Inserts a point at time `t` strictly inside the curve; returns its index.
    pub fn insert_point(&mut self, t: f64, rate: f64) -> Result<usize, LoadError> {
        if !t.is_finite() || !rate.is_finite() {
            return Err(invalid("time and rate must be finite numbers"));
        }
        if t <= 0.0 || t >= self.duration() {
            return Err(invalid(format!(
                "a new point must lie strictly inside the curve (0 s < t < {} s)",
                fmt_num(self.duration())
            )));
        }
        if self.points.len() >= MAX_POINTS {
            return Err(invalid(format!("a curve has at most {MAX_POINTS} points")));
        }
        if !(0.0..=MAX_RATE).contains(&rate) {
            return Err(invalid(format!("rate must be between 0 and {} req/s", fmt_num(MAX_RATE))));
        }
        let i = self.points.partition_point(|p| p.t < t);
        if self.points[i].t == t {
            return Err(invalid(format!("there is already a point at {} s", fmt_num(t))));
        }
        self.points.insert(i, Point { t, rate });
        Ok(i)
    }

    /// Removes inner point `i`; the end points cannot be removed.
    pub fn delete_point(&mut self, i: usize) -> Result<Point, LoadError> {
        let n = self.points.len();
        if i >= n {
            return Err(invalid(format!("there is no point {} (the curve has {n})", i + 1)));
        }
        if i == 0 || i == n - 1 {
            return Err(invalid("the first and last points mark the curve's start and end and cannot be removed"));
        }
        Ok(self.points.remove(i))
    }

    /// Multiplies every rate by `factor` (≥ 0).
    pub fn scale_rates(&mut self, factor: f64) -> Result<(), LoadError> {
        if !factor.is_finite() || factor < 0.0 {
            return Err(invalid("the scale factor must be a finite number ≥ 0"));
        }
        if self.peak() * factor > MAX_RATE {
            return Err(invalid(format!("the peak would exceed {} req/s", fmt_num(MAX_RATE))));
        }
        for p in &mut self.points {
            p.rate *= factor;
        }
        Ok(())
    }

    /// Scales all rates so the peak becomes `peak` [req/s]. A flat zero curve becomes a constant `peak`.
    pub fn set_peak(&mut self, peak: f64) -> Result<(), LoadError> {
        if !peak.is_finite() || !(0.0..=MAX_RATE).contains(&peak) {
            return Err(invalid(format!("peak must be between 0 and {} req/s", fmt_num(MAX_RATE))));
        }
        let old = self.peak();
        if old == 0.0 {
            for p in &mut self.points {
                p.rate = peak;
            }
            return Ok(());
        }
        self.scale_rates(peak / old)
    }

    /// Stretches or squeezes the curve in time to last `duration` [s], keeping its shape.
    pub fn set_duration(&mut self, duration: f64) -> Result<(), LoadError> {
        if !duration.is_finite() || !(MIN_DURATION..=MAX_DURATION).contains(&duration) {
            return Err(invalid(format!(
                "duration must be between {} s and {} s (31 days)",
                fmt_num(MIN_DURATION),
                fmt_num(MAX_DURATION)
            )));
        }
        let k = duration / self.duration();
        let mut pts: Vec<Point> = self.points.iter().map(|p| Point { t: p.t * k, rate: p.rate }).collect();
        let last = pts.len() - 1;
        pts[last].t = duration;
        check_points(&pts).map_err(|_| invalid("that duration squeezes the points too close together"))?;
        self.points = pts;
        Ok(())
    }

    /// The curve as CSV `time_s,rate_rps`, with a header line. Numbers round-trip exactly.
    pub fn to_csv(&self) -> String {
        let mut s = String::from("time_s,rate_rps\n");
        for p in &self.points {
            s.push_str(&format!("{},{}\n", p.t, p.rate));
        }
        s
    }

    /// Reads CSV `time_s,rate_rps` (header optional; `#` comment lines and blank lines ignored).
    pub fn from_csv(text: &str) -> Result<Self, LoadError> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        let mut points: Vec<Point> = Vec::new();
        const FIELDS: [&str; 2] = ["time_s", "rate_rps"];
        for (k, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(|e| csv_error(&e))?;
            let line = rec.position().map_or(k + 1, |p| p.line() as usize);
            if rec.len() == 1 && rec[0].is_empty() {
                continue;
            }
            if points.is_empty() && k == 0 && rec.get(0).is_some_and(|f| f.parse::<f64>().is_err()) {
                let header: Vec<&str> = rec.iter().collect();
                if header.len() == 2 && header[0].eq_ignore_ascii_case("time_s") {
                    continue;
                }
                if header.len() >= 5 && header[0] == "HashOwner" {
                    return Err(LoadError::At {
                        line,
                        column: 0,
                        field: String::new(),
                        problem: "this looks like an Azure Functions trace row; import it as a trace".into(),
                    });
                }
            }
            if rec.len() != 2 {
                return Err(LoadError::At {
                    line,
                    column: 0,
                    field: String::new(),
                    problem: format!("expected 2 columns (time_s,rate_rps), found {}", rec.len()),
                });
            }
            let mut vals = [0.0; 2];
            for (c, v) in vals.iter_mut().enumerate() {
                *v = parse_number(&rec[c], line, c + 1, FIELDS[c])?;
            }
            let [t, rate] = vals;
            let at = |column: usize, problem: String| LoadError::At {
                line,
                column,
                field: FIELDS[column - 1].into(),
                problem,
            };
            if rate < 0.0 {
                return Err(at(2, format!("a rate cannot be negative (found {})", &rec[1])));
            }
            if rate > MAX_RATE {
                return Err(at(2, format!("a rate above {} req/s is not supported", fmt_num(MAX_RATE))));
            }
            match points.last() {
                None if t != 0.0 => {
                    return Err(at(1, format!("the first point must be at 0 s (found {})", &rec[0])));
                }
                Some(prev) if t <= prev.t => {
                    return Err(at(
                        1,
                        format!("times must increase: {} s does not come after {} s", &rec[0], fmt_num(prev.t)),
                    ));
                }
                _ => {}
            }
            if t > MAX_DURATION {
                return Err(at(1, "a curve can last at most 31 days (2678400 s)".into()));
            }
            if points.len() >= MAX_POINTS {
                return Err(at(0, format!("a curve has at most {MAX_POINTS} points")));
            }
            points.push(Point { t, rate });
        }
        if points.len() < 2 {
            return Err(invalid(format!(
                "a curve needs at least two points (time_s,rate_rps); found {}",
                points.len()
            )));
        }
        LoadCurve::new(points)
    }

    /// Reads one function row of the Azure Functions 2019 invocation trace (header line optional); see module docs.
    pub fn from_azure_2019(text: &str) -> Result<Self, LoadError> {
        const META: [&str; 4] = ["HashOwner", "HashApp", "HashFunction", "Trigger"];
        const MINUTES: usize = 1440;
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut row: Option<(usize, csv::StringRecord)> = None;
        for (k, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(|e| csv_error(&e))?;
            let line = rec.position().map_or(k + 1, |p| p.line() as usize);
            if rec.len() == 1 && rec[0].is_empty() {
                continue;
            }
            if rec.get(0) == Some("HashOwner") {
                continue;
            }
            if row.is_some() {
                return Err(LoadError::At {
                    line,
                    column: 0,
                    field: String::new(),
                    problem: "found a second function row; paste one function's row at a time".into(),
                });
            }
            row = Some((line, rec));
        }
        let (line, rec) =
            row.ok_or_else(|| invalid("no function row found (HashOwner,HashApp,HashFunction,Trigger,1…1440)"))?;
        if rec.len() != META.len() + MINUTES {
            return Err(LoadError::At {
                line,
                column: 0,
                field: String::new(),
                problem: format!(
                    "an Azure 2019 row has {} columns (4 names and 1440 minutes), found {}",
                    META.len() + MINUTES,
                    rec.len()
                ),
            });
        }
        let mut counts = Vec::with_capacity(MINUTES);
        for m in 0..MINUTES {
            let c = META.len() + m;
            let field = format!("minute {}", m + 1);
            let raw = &rec[c];
            let v: u64 = raw.parse().map_err(|_| LoadError::At {
                line,
                column: c + 1,
                field: field.clone(),
                problem: format!("'{raw}' is not a whole number of invocations"),
            })?;
            if v as f64 / 60.0 > MAX_RATE {
                return Err(LoadError::At { line, column: c + 1, field, problem: "count too large".into() });
            }
            counts.push(v as f64);
        }
        let mut pts = Vec::with_capacity(MINUTES + 2);
        pts.push(Point { t: 0.0, rate: counts[0] / 60.0 });
        for (m, c) in counts.iter().enumerate() {
            pts.push(Point { t: m as f64 * 60.0 + 30.0, rate: c / 60.0 });
        }
        pts.push(Point { t: MINUTES as f64 * 60.0, rate: counts[MINUTES - 1] / 60.0 });
        LoadCurve::new(pts)
    }

    /// Reads either format, choosing by the text: a row of more than 1,000 columns or a `HashOwner` header is an
    /// Azure trace row, anything else is `time_s,rate_rps` CSV.
    pub fn import(text: &str) -> Result<Self, LoadError> {
        let first = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).unwrap_or("");
        if first.starts_with("HashOwner") || first.matches(',').count() > 1000 {
            Self::from_azure_2019(text)
        } else {
            Self::from_csv(text)
        }
    }
}

/// Smallest spacing kept between neighbouring points when dragging [s].
fn min_gap(lo: f64, hi: f64) -> f64 {
    ((hi - lo) * 1e-6).max(1e-9 * hi.abs().max(1.0))
}

fn check_points(points: &[Point]) -> Result<(), LoadError> {
    if points.len() < 2 {
        return Err(invalid("a curve needs at least two points"));
    }
    if points.len() > MAX_POINTS {
        return Err(invalid(format!("a curve has at most {MAX_POINTS} points")));
    }
    if points[0].t != 0.0 {
        return Err(invalid("the first point must be at 0 s"));
    }
    for (i, p) in points.iter().enumerate() {
        if !p.t.is_finite() || !p.rate.is_finite() {
            return Err(invalid(format!("point {}: time and rate must be finite numbers", i + 1)));
        }
        if !(0.0..=MAX_RATE).contains(&p.rate) {
            return Err(invalid(format!("point {}: rate must be between 0 and {} req/s", i + 1, fmt_num(MAX_RATE))));
        }
        if i > 0 && p.t <= points[i - 1].t {
            return Err(invalid(format!("point {}: times must increase", i + 1)));
        }
    }
    let d = points[points.len() - 1].t;
    if !(MIN_DURATION..=MAX_DURATION).contains(&d) {
        return Err(invalid(format!(
            "the curve must last between {} s and {} s (31 days)",
            fmt_num(MIN_DURATION),
            fmt_num(MAX_DURATION)
        )));
    }
    Ok(())
}

fn parse_number(raw: &str, line: usize, column: usize, field: &str) -> Result<f64, LoadError> {
    let at = |problem: String| LoadError::At { line, column, field: field.into(), problem };
    if raw.is_empty() {
        return Err(at("the value is missing".into()));
    }
    let v: f64 = raw.parse().map_err(|_| at(format!("'{raw}' is not a number")))?;
    if !v.is_finite() {
        return Err(at(format!("'{raw}' is not a finite number")));
    }
    Ok(v)
}

fn csv_error(e: &csv::Error) -> LoadError {
    let line = e.position().map_or(0, |p| p.line() as usize);
    LoadError::At { line, column: 0, field: String::new(), problem: format!("unreadable CSV: {e}") }
}

/// Formats a number without trailing zeros, for messages.
fn fmt_num(v: f64) -> String {
    format!("{v}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_of_a_curve_keeps_its_start_and_ends_on_the_curve() {
        let c = LoadCurve::from_pairs(&[(0.0, 10.0), (100.0, 30.0), (200.0, 0.0)]).unwrap();
        let h = c.head(150.0);
        assert_eq!(
            h.points(),
            &[Point { t: 0.0, rate: 10.0 }, Point { t: 100.0, rate: 30.0 }, Point { t: 150.0, rate: 15.0 }]
        );
        assert!(check_points(h.points()).is_ok());
        assert_eq!(c.head(500.0), c);
        assert_eq!(c.head(0.0).duration(), MIN_DURATION);
        assert_eq!(c.head(f64::NAN), c);
    }

    fn curve(p: &[(f64, f64)]) -> LoadCurve {
        LoadCurve::from_pairs(p).unwrap()
    }

    #[test]
    fn integral_rate_peak_mean_by_hand() {
        // Triangle 0 → 10 req/s at 50 s → 0 at 100 s: 500 requests, mean 5.
        let c = curve(&[(0.0, 0.0), (50.0, 10.0), (100.0, 0.0)]);
        assert_eq!(c.expected_requests(), 500.0);
        assert_eq!(c.peak(), 10.0);
        assert_eq!(c.mean(), 5.0);
        assert_eq!(c.rate_at(25.0), 5.0);
        assert_eq!(c.rate_at(75.0), 5.0);
        assert_eq!(c.rate_at(100.0), 0.0);
        assert_eq!(c.rate_at(-1.0), 0.0);
        assert_eq!(c.rate_at(101.0), 0.0);
        assert_eq!(c.expected_between(0.0, 50.0), 250.0);
        assert_eq!(c.expected_between(25.0, 75.0), 375.0);
    }

    #[test]
    fn constructor_refuses_broken_points() {
        assert!(LoadCurve::from_pairs(&[(0.0, 1.0)]).is_err());
        assert!(LoadCurve::from_pairs(&[(1.0, 1.0), (2.0, 1.0)]).is_err());
        assert!(LoadCurve::from_pairs(&[(0.0, 1.0), (0.0, 1.0)]).is_err());
        assert!(LoadCurve::from_pairs(&[(0.0, -1.0), (10.0, 1.0)]).is_err());
        assert!(LoadCurve::from_pairs(&[(0.0, f64::NAN), (10.0, 1.0)]).is_err());
        assert!(LoadCurve::from_pairs(&[(0.0, 1.0), (f64::INFINITY, 1.0)]).is_err());
        assert!(LoadCurve::from_pairs(&[(0.0, 1.0), (0.5, 1.0)]).is_err(), "shorter than 1 s");
    }

    #[test]
    fn edits_keep_invariants() {
        let mut c = curve(&[(0.0, 1.0), (10.0, 2.0), (20.0, 3.0)]);
        // End points keep their time; inner points stay between neighbours; rates clamp at 0.
        assert_eq!(c.move_point(0, 5.0, 4.0).unwrap(), Point { t: 0.0, rate: 4.0 });
        let p = c.move_point(1, 50.0, -3.0).unwrap();
        assert!(p.t < 20.0 && p.t > 19.9 && p.rate == 0.0);
        assert!(c.move_point(1, f64::NAN, 1.0).is_err());
        assert!(c.move_point(7, 1.0, 1.0).is_err());
        assert_eq!(c.insert_point(5.0, 9.0).unwrap(), 1);
        assert!(c.insert_point(5.0, 9.0).is_err(), "duplicate time");
        assert!(c.insert_point(0.0, 9.0).is_err());
        assert!(c.insert_point(20.0, 9.0).is_err());
        assert!(c.delete_point(0).is_err());
        assert!(c.delete_point(c.points().len() - 1).is_err());
        assert_eq!(c.delete_point(1).unwrap().rate, 9.0);
        c.set_peak(8.0).unwrap();
        assert_eq!(c.peak(), 8.0);
        c.set_duration(40.0).unwrap();
        assert_eq!(c.duration(), 40.0);
        assert!(c.set_duration(0.0).is_err());
        assert!(c.scale_rates(-1.0).is_err());
        let mut z = curve(&[(0.0, 0.0), (10.0, 0.0)]);
        z.set_peak(3.0).unwrap();
        assert_eq!(z.expected_requests(), 30.0);
    }

    #[test]
    fn presets_are_valid_and_distinct() {
        let mut totals = Vec::new();
        for p in Preset::ALL {
            let c = p.curve();
            assert!(c.expected_requests() > 0.0, "{p:?}");
            assert_eq!(Preset::from_id(p.id()), Some(p));
            totals.push(c.expected_requests());
        }
        assert_eq!(Preset::Steady.curve().expected_requests(), 180_000.0);
        assert_eq!(Preset::RampUp.curve().expected_requests(), 360_000.0);
        assert_eq!(Preset::WeekWithWeekend.curve().duration(), 7.0 * 86_400.0);
        // Weekend days carry less than weekdays.
        let w = Preset::WeekWithWeekend.curve();
        assert!(w.expected_between(5.0 * 86_400.0, 6.0 * 86_400.0) < 0.5 * w.expected_between(0.0, 86_400.0));
        totals.dedup();
        assert_eq!(totals.len(), Preset::ALL.len());
    }

    #[test]
    fn csv_round_trip_exact() {
        let c = Preset::DailyCycle.curve();
        assert_eq!(LoadCurve::from_csv(&c.to_csv()).unwrap(), c);
        let c = curve(&[(0.0, 0.1), (1.0 / 3.0 + 1.0, 2.0 / 7.0)]);
        assert_eq!(LoadCurve::import(&c.to_csv()).unwrap(), c);
    }

    #[test]
    fn csv_without_header_with_comments_and_blanks() {
        let c = LoadCurve::from_csv("# my curve\n0, 5\n\n60 ,10\n").unwrap();
        assert_eq!(c.points().len(), 2);
        assert_eq!(c.expected_requests(), 450.0);
    }

    fn err(text: &str) -> String {
        LoadCurve::from_csv(text).unwrap_err().to_string()
    }

    #[test]
    fn csv_errors_name_line_column_and_problem() {
        assert_eq!(err("time_s,rate_rps\n0,1\n10,abc\n"), "line 3, column 2 (rate_rps): 'abc' is not a number");
        assert_eq!(err("0,1\n10,-2\n"), "line 2, column 2 (rate_rps): a rate cannot be negative (found -2)");
        assert_eq!(
            err("0,1\n10,2\n5,1\n"),
            "line 3, column 1 (time_s): times must increase: 5 s does not come after 10 s"
        );
        assert_eq!(err("5,1\n10,2\n"), "line 1, column 1 (time_s): the first point must be at 0 s (found 5)");
        assert_eq!(err("0,1,2\n"), "line 1: expected 2 columns (time_s,rate_rps), found 3");
        assert_eq!(err("0,1\n10,\n"), "line 2, column 2 (rate_rps): the value is missing");
        assert_eq!(err("0,1\n10,inf\n"), "line 2, column 2 (rate_rps): 'inf' is not a finite number");
        assert_eq!(err("0,1\n"), "a curve needs at least two points (time_s,rate_rps); found 1");
        assert_eq!(err(""), "a curve needs at least two points (time_s,rate_rps); found 0");
        assert!(err("0,1\n0.5,1\n").contains("between 1 s"));
    }

    fn azure_row(counts: &[u64]) -> String {
        let mut s = String::from("o1,a1,f1,http");
        for c in counts {
            s.push_str(&format!(",{c}"));
        }
        s
    }

    fn azure_header() -> String {
        let mut s = String::from("HashOwner,HashApp,HashFunction,Trigger");
        for m in 1..=1440 {
            s.push_str(&format!(",{m}"));
        }
        s
    }

    #[test]
    fn azure_row_keeps_the_daily_total() {
        let counts: Vec<u64> = (0..1440).map(|m| (m % 97) as u64 * 3).collect();
        let total: u64 = counts.iter().sum();
        let text = format!("{}\n{}\n", azure_header(), azure_row(&counts));
        let c = LoadCurve::import(&text).unwrap();
        assert_eq!(c.duration(), 86_400.0);
        assert_eq!(c.points().len(), 1442);
        assert!((c.expected_requests() - total as f64).abs() < 1e-6 * total as f64);
        assert_eq!(c.rate_at(90.0), counts[1] as f64 / 60.0);
        // Without header too.
        assert_eq!(LoadCurve::import(&azure_row(&counts)).unwrap(), c);
    }

    #[test]
    fn azure_errors_name_the_minute() {
        let mut counts: Vec<String> = (0..1440).map(|_| "1".to_string()).collect();
        counts[9] = "x".into();
        let text = format!("o,a,f,http,{}", counts.join(","));
        let e = LoadCurve::from_azure_2019(&text).unwrap_err().to_string();
        assert_eq!(e, "line 1, column 14 (minute 10): 'x' is not a whole number of invocations");
        let e = LoadCurve::from_azure_2019("o,a,f,http,1,2").unwrap_err().to_string();
        assert!(e.contains("found 6"), "{e}");
        let two = format!("{}\n{}", azure_row(&[1; 1440]), azure_row(&[1; 1440]));
        assert!(LoadCurve::from_azure_2019(&two).unwrap_err().to_string().contains("line 2"));
        assert!(LoadCurve::from_azure_2019(&azure_header()).is_err());
        assert!(LoadCurve::from_csv(&azure_header()).unwrap_err().to_string().contains("Azure"));
    }

    #[test]
    fn serde_refuses_invalid_curves() {
        let ok: LoadCurve = serde_json::from_str(r#"{"points":[{"t":0,"rate":1},{"t":10,"rate":2}]}"#).unwrap();
        assert_eq!(ok.duration(), 10.0);
        let bad = serde_json::from_str::<LoadCurve>(r#"{"points":[{"t":0,"rate":1},{"t":0,"rate":2}]}"#);
        assert!(bad.unwrap_err().to_string().contains("times must increase"));
    }
}
