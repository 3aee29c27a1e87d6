//! The models' registry: every model implements [`Model`] once, and everything that runs, keys, splits, merges,
//! prices, summarises or lists the models (the page's lanes and figures, the A/B table, `playground-cli run`, the
//! browser tests' list) goes through [`ModelKind::model`]. Adding a model means: its file with its `impl Model`, a
//! variant of [`ModelKind`] and of [`Output`] here (the compiler then names every match to fill, and there is no
//! wildcard arm over the models anywhere), its strings and its tests.

use super::fields::Field;
use super::units::Unit;
use super::{availability, breaker, chain, observe, parallel, provisioned, scaling, validation};
use super::{availability::AvailabilityResult, breaker::BreakerResult, chain::ChainResult};
use super::{engine::SimResult, parallel::ParallelResult, provisioned::ProvisionedPoint, validation::Report};
use crate::charts::scaling::Tr;
use crate::charts::spec::Chart;
use crate::model::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// What the page, the workers and the command line need of a model. Only [`Model::run`] and the few methods
/// without a default are required; a model that runs whole keeps the defaults of the piece methods.
pub trait Model: Sync {
    /// Which model this is.
    fn kind(&self) -> ModelKind;

    /// Among runs waiting for a worker, a lower priority starts first; equal priorities go shortest first.
    fn priority(&self) -> u8 {
        1
    }

    /// The id of the page section that shows the model's run (its status, its charts).
    fn section(&self) -> &'static str;

    /// The string key of what [`Model::work`] counts, for a reader asked whether to start a long run
    /// (`work.requests`, `work.calls`, …).
    fn work_unit(&self) -> &'static str;

    /// Whether the model runs only when the reader asks (a button), not on every edit of its inputs.
    fn on_request(&self) -> bool {
        false
    }

    /// Work units per millisecond a first run of this model is expected to do in a worker, before a run has been
    /// measured: about half what it does natively (a first run in V8's baseline code is up to twice as slow).
    fn prior_rate(&self) -> f64;

    /// The parts of the scenario the model reads, as text: two scenarios with the same inputs give the same output,
    /// so an edit elsewhere need not rerun it.
    fn inputs(&self, s: &Scenario) -> String;

    /// Roughly how much work a run is, in simulated events (requests, failures, tasks), for its expected time.
    fn work(&self, s: &Scenario) -> f64;

    /// The whole run (validate the scenario first).
    fn run(&self, s: &Scenario) -> Output;

    /// The independent runs the model is made of, as their shares of [`Model::work`]; one piece by default.
    fn pieces(&self, s: &Scenario) -> Vec<f64> {
        vec![self.work(s)]
    }

    /// A key per piece for a model whose pieces outlive some edits of its inputs: two pieces with the same key give
    /// the same output to the bit. `None` when every piece changes with any input.
    fn piece_keys(&self, _s: &Scenario) -> Option<Vec<String>> {
        None
    }

    /// Runs some of the pieces: `which` is ascending, valid and not all of them ([`ModelKind::run_pieces`]).
    fn run_some(&self, s: &Scenario, _which: &[usize]) -> Output {
        self.run(s)
    }

    /// One output from the outputs of disjoint groups of pieces that cover them all; an error names what does not
    /// fit. Called with two parts or more.
    fn merge(&self, _parts: Vec<Output>) -> Result<Output, String> {
        Err("this model does not run in parts".into())
    }

    /// The outputs of each piece of a whole run's output, in order (for the models with [`Model::piece_keys`]).
    fn piece_outputs(&self, _s: &Scenario, _out: &Output) -> Vec<Output> {
        Vec::new()
    }

    /// Whether the model's inputs leave prices out: a price edit then reprices its last output
    /// ([`Model::reprice`]) instead of running it again.
    fn reprices(&self) -> bool {
        false
    }

    /// Prices an output again with the prices of `s`, for a model that [`Model::reprices`].
    fn reprice(&self, _out: &mut Output, _s: &Scenario) {}

    /// The piece of this model's run that another model's whole run gives without simulating again, if any:
    /// that model and the piece's index.
    fn given_piece(&self, _s: &Scenario) -> Option<(ModelKind, usize)> {
        None
    }

    /// The output of [`Model::given_piece`] from the other model's output `given` (of the same scenario).
    fn piece_from(&self, _s: &Scenario, _given: &Output) -> Option<Output> {
        None
    }

    /// The figures the page shows for this model, in order (labels are known before any result).
    fn figures(&self) -> &'static [FigureSpec];

    /// The charts the page shows for this model, in order.
    fn charts(&self) -> &'static [ChartSpec];

    /// Its section, when the page's generic one fits it ([`Panel`]); `None` when the page has a panel of its own for
    /// it (choices from lists, tables, its own controls).
    fn panel(&self) -> Option<&'static Panel> {
        None
    }

    /// The textbook formulas beside the simulation, computed from the scenario and the output.
    fn formulas(&self, _s: &Scenario, _out: &Output) -> Vec<Formula> {
        Vec::new()
    }

    /// The model's summary of a run of `s` for `playground-cli run`, or `None` (without running) for a model the
    /// command leaves out.
    fn cli(&self, s: &Scenario) -> Option<serde_json::Value>;
}

/// One figure of a model: where it is shown, how it reads a result.
pub struct FigureSpec {
    /// The section it is shown in (`scaling`, `cost`, …).
    pub section: &'static str,
    /// Its label's string key.
    pub label: &'static str,
    /// Its `data-testid` in the page.
    pub id: &'static str,
    /// The label of its row in the A/B table, if it has one.
    pub compare: Option<&'static str>,
    /// How its value reads.
    pub unit: Unit,
    /// Its value from a scenario and the model's output of it (`None` if the output is not this model's).
    pub read: fn(&Scenario, &Output) -> Option<Reading>,
}

/// A model's section as the page's generic panel shows it ([`Model::panel`]): its title and introduction, its
/// number fields, a note under them; then its figures, its formula box, and its charts.
pub struct Panel {
    /// String keys of the section's title and introduction.
    pub title: &'static str,
    pub intro: &'static str,
    /// Its number fields, in order.
    pub fields: &'static [Field],
    /// A hint under the fields, if any (string key).
    pub note: Option<&'static str>,
    /// The formula box's `data-testid`.
    pub formula_id: &'static str,
    /// The formula lines it may show, in order of preference: the first that [`Model::formulas`] gives is shown.
    pub formulas: &'static [&'static str],
    /// The hint under the formula.
    pub gap: Gap,
}

/// The hint under a formula ([`Panel::gap`]).
pub enum Gap {
    /// A text (string key).
    Text(&'static str),
    /// A line of [`Model::formulas`] with its values, by key (nothing before the first result).
    Formula(&'static str),
}

/// One chart of a model: where it is shown, its title, how it is drawn from a result.
pub struct ChartSpec {
    /// The section it is shown in (`scaling`, `cost`, …).
    pub section: &'static str,
    /// Its title's string key (also its label for screen readers and exported files).
    pub title: &'static str,
    /// Its canvas's `data-testid` (also the name of its exported files).
    pub id: &'static str,
    /// The chart, from a result of the model (`None` if the output is not this model's).
    pub draw: fn(&ChartInput) -> Option<Chart>,
}

/// What a chart is drawn from.
pub struct ChartInput<'a> {
    /// The scenario and the model's result for it.
    pub s: &'a Scenario,
    pub out: &'a Output,
    /// Scenario A and its result of the model, when comparing.
    pub a: Option<(&'a Scenario, &'a Output)>,
    /// The page's language.
    pub t: Tr<'a>,
}

impl ChartInput<'_> {
    /// Scenario A's result of the model, when comparing.
    pub fn a_out(&self) -> Option<&Output> {
        self.a.map(|(_, o)| o)
    }
}

/// A figure's value: the number the A/B table compares, and what is shown when it is more than that number in
/// its unit (a value with the warm p99 beside it, the run without and with the breaker, a word such as "never").
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The number.
    pub value: f64,
    /// What is shown instead of the number in its unit, if anything.
    pub shown: Option<Shown>,
}

/// A figure's text other than its number in its unit.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    /// This text.
    Text(String),
    /// The string of this key, in the reader's language.
    Key(&'static str),
}

impl Reading {
    /// A plain number.
    pub fn of(value: f64) -> Self {
        Reading { value, shown: None }
    }
    /// A number shown as `text`.
    pub fn text(value: f64, text: String) -> Self {
        Reading { value, shown: Some(Shown::Text(text)) }
    }
    /// A number shown as the string of `key`.
    pub fn word(value: f64, key: &'static str) -> Self {
        Reading { value, shown: Some(Shown::Key(key)) }
    }
}

impl FigureSpec {
    /// What the figure shows for an output, in the page's precision, or `None` for another model's output.
    pub fn shown(&self, s: &Scenario, out: &Output) -> Option<Shown> {
        let r = (self.read)(s, out)?;
        Some(r.shown.unwrap_or_else(|| Shown::Text(self.unit.fmt(r.value, 3))))
    }
}

/// A textbook formula's line: the string key of its sentence and the values that fill it, already formatted.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    /// The sentence's string key.
    pub key: &'static str,
    /// Its arguments, in order.
    pub args: Vec<String>,
}

/// The models a scenario feeds, run one at a time (in a Web Worker in the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// The scaling engine.
    Scaling,
    /// The scaling engine at several provisioned-concurrency levels.
    Provisioned,
    /// The availability Monte Carlo.
    Availability,
    /// The fan-out sweep.
    Parallel,
    /// The circuit breaker with and without.
    Breaker,
    /// The chain of functions.
    Chain,
    /// The 20 AWS Lambda experiments beside this simulator and PACS (reads only the seed).
    Validation,
}

impl ModelKind {
    /// Every model, in the order of [`ModelKind::index`].
    pub const ALL: [ModelKind; 7] = [
        ModelKind::Scaling,
        ModelKind::Provisioned,
        ModelKind::Availability,
        ModelKind::Parallel,
        ModelKind::Breaker,
        ModelKind::Chain,
        ModelKind::Validation,
    ];

    /// The model's implementation: the one match over the models.
    pub fn model(self) -> &'static dyn Model {
        match self {
            ModelKind::Scaling => &scaling::ScalingModel,
            ModelKind::Provisioned => &provisioned::ProvisionedModel,
            ModelKind::Availability => &availability::AvailabilityModel,
            ModelKind::Parallel => &parallel::ParallelModel,
            ModelKind::Breaker => &breaker::BreakerModel,
            ModelKind::Chain => &chain::ChainModel,
            ModelKind::Validation => &validation::ValidationModel,
        }
    }

    /// Its place in [`ModelKind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Stable name (worker messages, performance marks, the CLI's keys).
    pub fn id(self) -> &'static str {
        match self {
            ModelKind::Scaling => "scaling",
            ModelKind::Provisioned => "provisioned",
            ModelKind::Availability => "availability",
            ModelKind::Parallel => "parallel",
            ModelKind::Breaker => "breaker",
            ModelKind::Chain => "chain",
            ModelKind::Validation => "validation",
        }
    }

    /// The model with this name.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    /// The figure with this `data-testid` and the model that gives it.
    pub fn figure(id: &str) -> Option<(ModelKind, &'static FigureSpec)> {
        Self::ALL.into_iter().find_map(|k| k.model().figures().iter().find(|f| f.id == id).map(|f| (k, f)))
    }

    /// Runs the model on `s` (validate first). Its progress is reported as it goes ([`progress`]), its end as 1.
    pub fn run(self, s: &Scenario) -> Output {
        let _whole = observe::stage(0.0, 1.0);
        self.model().run(s)
    }

    /// The model's inputs in `s` ([`Model::inputs`]).
    pub fn inputs(self, s: &Scenario) -> String {
        self.model().inputs(s)
    }

    /// The model's work on `s` ([`Model::work`]).
    pub fn work(self, s: &Scenario) -> f64 {
        self.model().work(s)
    }

    /// The model's pieces on `s` ([`Model::pieces`]).
    pub fn pieces(self, s: &Scenario) -> Vec<f64> {
        self.model().pieces(s)
    }

    /// The keys of the model's pieces on `s` ([`Model::piece_keys`]).
    pub fn piece_keys(self, s: &Scenario) -> Option<Vec<String>> {
        self.model().piece_keys(s)
    }

    /// Runs the given pieces of the model ([`Model::pieces`]; all of them: [`ModelKind::run`]) (validate first).
    /// An index past the model's pieces is an error; the output is the same whatever the order of `which`.
    pub fn run_pieces(self, s: &Scenario, which: &[usize]) -> Result<Output, String> {
        let _whole = observe::stage(0.0, 1.0);
        let count = self.pieces(s).len();
        if let Some(i) = which.iter().find(|&&i| i >= count) {
            return Err(format!("the {} model has {count} parts, not a part {}", self.id(), i + 1));
        }
        let mut which = which.to_vec();
        which.sort_unstable();
        which.dedup();
        if which.len() == count {
            return Ok(self.model().run(s));
        }
        Ok(self.model().run_some(s, &which))
    }

    /// Roughly how long a run of `work` units takes at `rate` units per millisecond, on top of the model's own
    /// prior when no run has been measured ([`Model::prior_rate`]) [ms].
    pub fn expected_ms(self, work: f64, rate: Option<f64>) -> f64 {
        work / rate.unwrap_or_else(|| self.model().prior_rate())
    }
}

/// What one model produced. It crosses the worker boundary as bytes ([`Output::to_bytes`], postcard: fields in
/// order, integers as varints, floats as their 8 bytes), not as JSON: faster to read on the page and a smaller
/// module (see docs/performance.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)]
pub enum Output {
    /// The scaling simulation.
    Scaling(SimResult),
    /// The provisioned-concurrency sweep.
    Provisioned(Vec<ProvisionedPoint>),
    /// The availability Monte Carlo.
    Availability(AvailabilityResult),
    /// The fan-out sweep.
    Parallel(ParallelResult),
    /// The breaker, with and without.
    Breaker(BreakerResult),
    /// The chain.
    Chain(ChainResult),
    /// The validation against the AWS measurements.
    Validation(Report),
}

impl Output {
    /// The model that produced it.
    pub fn kind(&self) -> ModelKind {
        match self {
            Output::Scaling(_) => ModelKind::Scaling,
            Output::Provisioned(_) => ModelKind::Provisioned,
            Output::Availability(_) => ModelKind::Availability,
            Output::Parallel(_) => ModelKind::Parallel,
            Output::Breaker(_) => ModelKind::Breaker,
            Output::Chain(_) => ModelKind::Chain,
            Output::Validation(_) => ModelKind::Validation,
        }
    }

    /// One model's output from the outputs of disjoint groups of its pieces ([`ModelKind::run_pieces`]) that
    /// together cover them all; an error names what does not fit.
    pub fn merge(parts: Vec<Output>) -> Result<Output, String> {
        let kind = parts.first().ok_or("no output to merge")?.kind();
        if parts.iter().any(|p| p.kind() != kind) {
            return Err("parts of different models".into());
        }
        if parts.len() == 1 {
            return parts.into_iter().next().ok_or_else(String::new);
        }
        kind.model().merge(parts)
    }

    /// The outputs of the pieces of this whole run of `s`, in order; merged they give this output back. Empty for
    /// the models without [`Model::piece_keys`].
    pub fn piece_outputs(&self, s: &Scenario) -> Vec<Output> {
        self.kind().model().piece_outputs(s, self)
    }

    /// Prices the result again with the prices of `s` (the models whose inputs leave prices out; the others rerun
    /// when their prices change).
    pub fn reprice(&mut self, s: &Scenario) {
        self.kind().model().reprice(self, s)
    }

    /// The output as bytes, for the worker to send to the page.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Every result type is plain data (numbers, strings, vectors, enums), all of which postcard writes.
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// An output from [`Output::to_bytes`]; an error names what was wrong with the bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Output, String> {
        postcard::from_bytes(bytes).map_err(|e| format!("the result could not be read: {e}"))
    }

    /// The scaling result, if this is one.
    pub fn scaling(&self) -> Option<&SimResult> {
        if let Output::Scaling(r) = self {
            Some(r)
        } else {
            None
        }
    }
    /// The provisioned sweep, if this is one.
    pub fn provisioned(&self) -> Option<&[ProvisionedPoint]> {
        if let Output::Provisioned(r) = self {
            Some(r)
        } else {
            None
        }
    }
    /// The availability result, if this is one.
    pub fn availability(&self) -> Option<&AvailabilityResult> {
        if let Output::Availability(r) = self {
            Some(r)
        } else {
            None
        }
    }
    /// The fan-out result, if this is one.
    pub fn parallel(&self) -> Option<&ParallelResult> {
        if let Output::Parallel(r) = self {
            Some(r)
        } else {
            None
        }
    }
    /// The breaker result, if this is one.
    pub fn breaker(&self) -> Option<&BreakerResult> {
        if let Output::Breaker(r) = self {
            Some(r)
        } else {
            None
        }
    }
    /// The chain result, if this is one.
    pub fn chain(&self) -> Option<&ChainResult> {
        if let Output::Chain(r) = self {
            Some(r)
        } else {
            None
        }
    }
    /// The validation report, if this is one.
    pub fn validation(&self) -> Option<&Report> {
        if let Output::Validation(r) = self {
            Some(r)
        } else {
            None
        }
    }
}

/// Every part of a merge as the output of one model, or an error (a model's [`Model::merge`] building block).
pub(crate) fn parts_of<T>(parts: Vec<Output>, f: impl Fn(Output) -> Option<T>) -> Result<Vec<T>, String> {
    parts.into_iter().map(|o| f(o).ok_or_else(|| "parts of different models".to_string())).collect()
}

/// 128 bits of a text, as hex: SipHash (std's) and FNV-1a side by side; two texts that differ give the same
/// digest with a chance of about 2⁻¹²⁸. Piece keys hash the inputs their pieces share this way (a curve can be a
/// trace of thousands of points, and a lane keeps dozens of pieces).
pub(crate) fn digest(text: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut sip = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut sip);
    let fnv = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
    format!("{:016x}{fnv:016x}", sip.finish())
}

/// [`digest`] of a value's JSON.
pub(crate) fn digest_json(v: &impl Serialize) -> String {
    digest(&serde_json::to_string(v).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_lists_every_model_once_in_order() {
        for (i, k) in ModelKind::ALL.into_iter().enumerate() {
            assert_eq!(k.index(), i);
            assert_eq!(k.model().kind(), k, "{k:?}'s model says it is another");
            assert_eq!(ModelKind::from_id(k.id()), Some(k));
            assert!(k.model().prior_rate() > 0.0);
            for f in k.model().figures() {
                assert!(!f.label.is_empty() && !f.id.is_empty(), "{k:?}");
            }
        }
        let figures = ModelKind::ALL.iter().flat_map(|k| k.model().figures().iter().map(|f| f.id));
        let charts = ModelKind::ALL.iter().flat_map(|k| k.model().charts().iter().map(|c| c.id));
        let mut ids: Vec<&str> = figures.chain(charts).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "figure and chart test ids are unique");
    }

    /// A generic panel's fields read back what they write and keep the scenario valid; its formula box shows a line
    /// the model gives.
    #[test]
    fn generic_panels_fit_their_models() {
        let load = crate::model::load::LoadCurve::from_pairs(&[(0.0, 20.0), (300.0, 40.0)]).unwrap();
        let s = Scenario { load, ..Scenario::default() };
        let mut panels = 0;
        for k in ModelKind::ALL {
            let Some(p) = k.model().panel() else { continue };
            panels += 1;
            for f in p.fields {
                let mut edited = s.clone();
                let v = (f.get)(&s);
                (f.set)(&mut edited, v);
                assert_eq!((f.get)(&edited), v, "{k:?} {}", f.testid);
                assert!(edited.validate().is_ok(), "{k:?} {}", f.testid);
                assert_eq!(
                    k.inputs(&edited),
                    k.inputs(&s),
                    "{k:?} {}: writing the value read changed the inputs",
                    f.testid
                );
            }
            let lines = k.model().formulas(&s, &k.run(&s));
            assert!(p.formulas.iter().any(|key| lines.iter().any(|l| l.key == *key)), "{k:?}: no formula line to show");
            if let Gap::Formula(key) = p.gap {
                assert!(lines.iter().any(|l| l.key == key), "{k:?}: no line {key}");
            }
        }
        assert!(panels >= 2);
    }

    /// Every chart draws from a result of its model, and from no other model's; with A's result beside it too.
    #[test]
    fn every_chart_draws_from_its_models_result() {
        let load = crate::model::load::LoadCurve::from_pairs(&[(0.0, 20.0), (300.0, 40.0)]).unwrap();
        let s = Scenario { load, ..Scenario::default() };
        let t: Tr = &|_| "";
        let outs: Vec<Output> = ModelKind::ALL.iter().map(|k| k.run(&s)).collect();
        for (k, out) in ModelKind::ALL.iter().zip(&outs) {
            assert!(!k.model().charts().is_empty(), "{k:?} has no chart");
            for c in k.model().charts() {
                for a in [None, Some((&s, out))] {
                    assert!((c.draw)(&ChartInput { s: &s, out, a, t }).is_some(), "{k:?} {} draws nothing", c.id);
                }
                for other in outs.iter().filter(|o| o.kind() != *k) {
                    let input = ChartInput { s: &s, out: other, a: None, t };
                    assert!((c.draw)(&input).is_none(), "{} draws from {:?}", c.id, other.kind());
                }
            }
        }
    }
}
