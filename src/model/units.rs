//! Formatting of quantities with their units, shared by charts and the interface (no arithmetic beyond rounding).

/// A duration [s] in the largest unit that keeps it readable: `950 ms`, `42 s`, `12.5 min`, `3 h`, `7 d`.
pub fn fmt_duration(s: f64) -> String {
    let a = s.abs();
    if !s.is_finite() {
        "–".into()
    } else if a == 0.0 {
        "0 s".into()
    } else if a < 1.0 {
        format!("{} ms", sig(s * 1000.0, 3))
    } else if a < 120.0 {
        format!("{} s", sig(s, 3))
    } else if a < 2.0 * 3600.0 {
        format!("{} min", sig(s / 60.0, 3))
    } else if a < 3.0 * 86_400.0 {
        format!("{} h", sig(s / 3600.0, 3))
    } else {
        format!("{} d", sig(s / 86_400.0, 3))
    }
}

/// A count with thousands separators, or in millions, billions, trillions when large: `12,345`, `4.32 M`,
/// `1.2 B`, `2.6 T`.
/// `t` seconds as a clock on the curve: m:ss, or h:mm:ss from an hour on.
pub fn fmt_clock(t: f64) -> String {
    let s = t.max(0.0).round() as u64;
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

pub fn fmt_count(n: f64) -> String {
    let a = n.abs();
    if !n.is_finite() {
        "–".into()
    } else if a >= 1e12 {
        format!("{} T", sig(n / 1e12, 3))
    } else if a >= 1e9 {
        format!("{} B", sig(n / 1e9, 3))
    } else if a >= 1e6 {
        format!("{} M", sig(n / 1e6, 3))
    } else {
        let r = n.round() as i64;
        let digits = r.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(ch);
        }
        if r < 0 {
            out.insert(0, '-');
        }
        out
    }
}

/// A quantity for a figure: three significant digits below a thousand, grouped digits (or M, B) above, so a large
/// value is not printed as an unbroken row of digits.
pub fn fmt_amount(v: f64) -> String {
    if v.abs() >= 1000.0 {
        fmt_count(v)
    } else {
        sig(v, 3)
    }
}

/// A number with `digits` significant digits and no trailing zeros: `sig(1234.5, 3)` is `1230`, `sig(0.012345, 2)`
/// is `0.012`.
pub fn sig(v: f64, digits: i32) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v.is_finite() { "0".into() } else { "–".into() };
    }
    let mag = v.abs().log10().floor() as i32;
    let decimals = (digits - 1 - mag).max(0) as usize;
    let p = 10f64.powi(digits - 1 - mag);
    let rounded = (v * p).round() / p;
    let s = format!("{rounded:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// How a quantity reads: its unit and the scale between the model's value and the value shown (a share
/// 0.25 shows as 25 %, a duration in seconds in its most readable unit). Figures and the A/B table format through
/// it, so no panel converts by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A share 0 ..= 1, shown as a percentage.
    Share,
    /// A share shown with enough digits for many nines (availability).
    Nines,
    /// A duration [s], in its most readable unit ([`fmt_duration`]).
    Duration,
    /// Money [$].
    Usd,
    /// A plain number.
    Number,
    /// A count of things: grouped digits, or M and B when large ([`fmt_count`]).
    Count,
    /// A factor, shown with ×.
    Times,
    /// A rate [1/s].
    PerSecond,
    /// Requests per second.
    Rps,
    /// Billed memory-time [GB-s].
    GbS,
}

impl Unit {
    /// `v` in this unit with `digits` significant digits (a count and a duration choose their own).
    pub fn fmt(self, v: f64, digits: i32) -> String {
        match self {
            Unit::Share => format!("{} %", sig(v * 100.0, digits)),
            Unit::Nines => format!("{} %", sig(v * 100.0, 9)),
            Unit::Duration => fmt_duration(v),
            Unit::Usd => format!("${}", sig(v, digits)),
            Unit::Number => sig(v, digits),
            Unit::Count => fmt_count(v),
            Unit::Times => format!("{}×", sig(v, digits)),
            Unit::PerSecond => format!("{}/s", sig(v, digits)),
            Unit::Rps => format!("{} req/s", sig(v, digits)),
            Unit::GbS => format!("{} GB-s", fmt_amount(v)),
        }
    }
}

/// The unit a parameter field shows its value in, and the scale from the value the model keeps: a duration kept
/// in seconds shows in ms, a share kept as 0 ..= 1 shows in %. A field declares its unit once; the page converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldUnit {
    /// Milliseconds, of a value kept in seconds.
    Ms,
    /// Seconds.
    Seconds,
    /// Hours.
    Hours,
    /// Percent, of a share kept as 0 ..= 1.
    Percent,
    /// US dollars.
    Usd,
    /// US dollars per hour.
    UsdPerHour,
    /// Requests per second.
    Rps,
    /// Megabytes.
    Mb,
    /// A plain number.
    Plain,
    /// Instances.
    Instances,
    /// Servers.
    Servers,
    /// Tasks.
    Tasks,
    /// Functions.
    Functions,
    /// Regions.
    Regions,
}

impl FieldUnit {
    /// The unit's string key (`u.ms`, …).
    pub fn key(self) -> &'static str {
        match self {
            FieldUnit::Ms => "u.ms",
            FieldUnit::Seconds => "u.s",
            FieldUnit::Hours => "u.h",
            FieldUnit::Percent => "u.pct",
            FieldUnit::Usd => "u.usd",
            FieldUnit::UsdPerHour => "u.usd_h",
            FieldUnit::Rps => "u.rps",
            FieldUnit::Mb => "u.mb",
            FieldUnit::Plain => "u.none",
            FieldUnit::Instances => "u.instances",
            FieldUnit::Servers => "u.servers",
            FieldUnit::Tasks => "u.tasks",
            FieldUnit::Functions => "u.functions",
            FieldUnit::Regions => "u.regions",
        }
    }
    /// Shown value per model value.
    pub fn scale(self) -> f64 {
        match self {
            FieldUnit::Ms => 1000.0,
            FieldUnit::Percent => 100.0,
            _ => 1.0,
        }
    }
    /// The value shown for a model value.
    pub fn shown(self, v: f64) -> f64 {
        v * self.scale()
    }
    /// The model value of a value shown.
    pub fn model(self, shown: f64) -> f64 {
        shown / self.scale()
    }
}

/// Axis unit for time axes: the divisor [s] and its label, chosen from the axis span.
pub fn time_axis_unit(span_s: f64) -> (f64, &'static str) {
    if span_s <= 180.0 {
        (1.0, "s")
    } else if span_s <= 3.0 * 3600.0 {
        (60.0, "min")
    } else if span_s <= 3.0 * 86_400.0 {
        (3600.0, "h")
    } else {
        (86_400.0, "d")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(fmt_duration(0.25), "250 ms");
        assert_eq!(fmt_duration(42.0), "42 s");
        assert_eq!(fmt_duration(750.0), "12.5 min");
        assert_eq!(fmt_duration(3.0 * 3600.0), "3 h");
        assert_eq!(fmt_duration(7.0 * 86_400.0), "7 d");
        assert_eq!(fmt_duration(0.0), "0 s");
    }

    #[test]
    fn counts_and_sig() {
        assert_eq!(fmt_count(12_345.4), "12,345");
        assert_eq!(fmt_count(999.0), "999");
        assert_eq!(fmt_count(-1234.0), "-1,234");
        assert_eq!(fmt_count(4_321_000.0), "4.32 M");
        assert_eq!(fmt_count(1.2e9), "1.2 B");
        assert_eq!(fmt_count(2.592e12), "2.59 T");
        assert_eq!(sig(1234.5, 3), "1230");
        assert_eq!(sig(0.012345, 2), "0.012");
        assert_eq!(sig(2.5, 3), "2.5");
        assert_eq!(time_axis_unit(3600.0), (60.0, "min"));
        assert_eq!(time_axis_unit(86_400.0), (3600.0, "h"));
    }
}
