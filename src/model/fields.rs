//! A model's number fields as the page edits them: what each is, its unit (which owns the scale between the value
//! the model keeps and the value shown), its slider's range, and how to read and write it in the scenario. Plain
//! data, so a model lists its fields in the registry ([`crate::model::registry::Panel`]) and the page draws them.

use super::scenario::Scenario;
use super::units::{sig, FieldUnit};

/// Slider positions (0 to this).
pub const SLIDER_STEPS: f64 = 1000.0;

/// A slider's range for a number field: `lo` to `hi`, logarithmic when `log` (then `lo` > 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Smallest slider value.
    pub lo: f64,
    /// Largest slider value.
    pub hi: f64,
    /// Logarithmic scale.
    pub log: bool,
}

impl Range {
    /// A linear range.
    pub const fn lin(lo: f64, hi: f64) -> Self {
        Range { lo, hi, log: false }
    }
    /// A logarithmic range (`lo` > 0).
    pub const fn log(lo: f64, hi: f64) -> Self {
        Range { lo, hi, log: true }
    }
    pub fn to_pos(self, v: f64) -> f64 {
        let f = if self.log {
            (v.max(self.lo).ln() - self.lo.ln()) / (self.hi.ln() - self.lo.ln())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        };
        (f.clamp(0.0, 1.0) * SLIDER_STEPS).round()
    }
    pub fn value_at(self, pos: f64) -> f64 {
        let f = pos / SLIDER_STEPS;
        let v = if self.log {
            (self.lo.ln() + f * (self.hi.ln() - self.lo.ln())).exp()
        } else {
            self.lo + f * (self.hi - self.lo)
        };
        // Three significant digits: slider values read as round numbers.
        sig(v, 3).replace(',', "").parse().unwrap_or(v)
    }
}

/// A number field bound to one scenario value, by name: what it is, its unit (which owns the scale between the
/// value kept and the value shown) and how to read and write it in the model's own unit.
#[derive(Clone, Copy)]
pub struct Field {
    /// String key of the label.
    pub label: &'static str,
    /// String key of the explanation.
    pub hint: &'static str,
    /// `data-testid` of the number input.
    pub testid: &'static str,
    /// The unit shown, and its scale from the model's value.
    pub unit: FieldUnit,
    /// Only whole numbers (checked before the edit).
    pub whole: bool,
    /// The slider's range, in the unit shown, if the field has one.
    pub range: Option<Range>,
    /// Reads the value from the scenario, in the model's unit.
    pub get: fn(&Scenario) -> f64,
    /// Writes a value, in the model's unit.
    pub set: fn(&mut Scenario, f64),
    /// The input's `step` when not whole numbers nor any value.
    pub step: Option<&'static str>,
}

impl Field {
    /// The field with an input `step` of its own (the memory's 64 MB).
    pub fn with_step(self, step: &'static str) -> Self {
        Field { step: Some(step), ..self }
    }
}
