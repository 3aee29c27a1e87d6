//! The scenario: everything a user can edit, in one serializable value. The interface keeps one `Scenario` as its
//! single source of truth; saving, sharing and the command-line runner all read and write this type (JSON).

use super::availability::{self, AvailabilityParams, AvailabilityResult};
use super::breaker::{self, BreakerParams, BreakerResult};
use super::chain::{self, ChainParams, ChainResult};
use super::cost::{period_bill, AlwaysOn, Usage};
use super::engine::{simulate, ScalingParams, SimResult};
use super::load::LoadCurve;
use super::parallel::{self, ParallelParams, ParallelResult};
use super::progress;
use super::validation::{self, Report};
use serde::{Deserialize, Serialize};

/// Arrivals simulated per AWS experiment in the validation panel (each runs at least 10⁶ s).
pub const VALIDATION_REQUESTS: f64 = 20_000.0;

/// Format version written into saved and shared scenarios; bumped when a field changes meaning.
pub const SCENARIO_VERSION: u32 = 1;

/// Everything a user can edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version ([`SCENARIO_VERSION`]).
    pub version: u32,
    /// Seed of every random draw [-]: same seed, same result.
    pub seed: u64,
    /// Requests per second over time.
    pub load: LoadCurve,
    /// The platform and function for the scaling engine.
    #[serde(default)]
    pub scaling: ScalingParams,
    /// Regions and failover for the availability model.
    #[serde(default)]
    pub availability: AvailabilityParams,
    /// The fan-out job for the parallel model.
    #[serde(default)]
    pub parallel: ParallelParams,
    /// The failing dependency and the circuit breaker.
    #[serde(default = "default_breaker")]
    pub breaker: BreakerParams,
    /// The chain of functions.
    #[serde(default)]
    pub chain: ChainParams,
}

fn default_breaker() -> BreakerParams {
    BreakerParams::for_duration(LoadCurve::default().duration())
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            version: SCENARIO_VERSION,
            seed: 1,
            load: LoadCurve::default(),
            scaling: ScalingParams::default(),
            availability: AvailabilityParams::default(),
            parallel: ParallelParams::default(),
            breaker: default_breaker(),
            chain: ChainParams::default(),
        }
    }
}

/// Why a scenario was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError(pub String);

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScenarioError {}

impl Scenario {
    /// Checks every field; the message names the field.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.version != SCENARIO_VERSION {
            return Err(ScenarioError(format!(
                "version: this scenario is format {}, this playground reads format {SCENARIO_VERSION}",
                self.version
            )));
        }
        self.scaling.validate().map_err(ScenarioError)?;
        self.availability.validate().map_err(ScenarioError)?;
        self.parallel.validate().map_err(ScenarioError)?;
        self.breaker.validate().map_err(ScenarioError)?;
        self.chain.validate().map_err(ScenarioError)
    }

    /// Reads a scenario from JSON and validates it; errors name the place or the field.
    pub fn from_json(text: &str) -> Result<Self, ScenarioError> {
        let s: Scenario = serde_json::from_str(text).map_err(|e| ScenarioError(format!("scenario JSON: {e}")))?;
        s.validate()?;
        Ok(s)
    }

    /// Replaces the load curve; the breaker's failure episodes keep their place in it ([`BreakerParams::rescale`]).
    pub fn set_load(&mut self, load: LoadCurve) {
        self.breaker.rescale(self.load.duration(), load.duration());
        self.load = load;
    }

    /// The scaling simulation of this scenario (validate first).
    pub fn simulate(&self) -> SimResult {
        simulate(&self.load, &self.scaling, self.seed)
    }

    /// The availability Monte Carlo (validate first).
    pub fn availability(&self) -> AvailabilityResult {
        availability::simulate(&self.availability, &self.load, self.seed)
    }

    /// The fan-out sweep, priced with the scaling section's prices (validate first).
    pub fn parallel(&self) -> ParallelResult {
        parallel::simulate(&self.parallel, &self.scaling.pricing, self.seed)
    }

    /// The circuit breaker, with and without (validate first).
    pub fn breaker(&self) -> BreakerResult {
        breaker::simulate(&self.breaker, &self.load, self.seed)
    }

    /// The chain, priced with the scaling section's prices (validate first).
    pub fn chain(&self) -> ChainResult {
        chain::simulate(&self.chain, &self.load, &self.scaling.pricing, self.seed)
    }

    /// The provisioned-concurrency levels the trade-off sweep tries: 0 and ¼, ½, ¾, 1 and 1¼ of the busy instances
    /// the peak needs (λ_peak · E[S] / concurrency), without repeats.
    pub fn provisioned_levels(&self) -> Vec<u32> {
        let c = self.scaling.concurrency_per_instance.max(1) as f64;
        let peak_busy = (self.load.peak() * self.scaling.warm_service.mean() / c).ceil().max(1.0);
        let mut levels: Vec<u32> = [0.0, 0.25, 0.5, 0.75, 1.0, 1.25]
            .iter()
            .map(|f| ((f * peak_busy).round() as u32).min(self.scaling.max_instances))
            .collect();
        levels.dedup();
        levels
    }

    /// The scaling simulation at each of [`Scenario::provisioned_levels`]: what provisioned concurrency buys (fewer
    /// cold starts, a lower p99) and what it costs (validate first).
    pub fn provisioned_sweep(&self) -> Vec<ProvisionedPoint> {
        self.provisioned_points(&self.provisioned_levels())
    }

    /// The sweep's points at the given levels only.
    fn provisioned_points(&self, levels: &[u32]) -> Vec<ProvisionedPoint> {
        levels
            .iter()
            .zip(progress::spans(&vec![1.0; levels.len()]))
            .map(|(&n, (from, to))| {
                let _stage = progress::stage(from, to);
                let mut s = self.clone();
                s.scaling.provisioned = n;
                ProvisionedPoint::of_run(n, &s.simulate())
            })
            .collect()
    }

    /// The piece of `kind`'s run ([`Scenario::pieces`]) that is this scenario's scaling run itself, if there is one:
    /// the provisioned sweep's level at the scenario's own provisioned count. [`Scenario::piece_from_scaling`] gives
    /// it from the scaling run's result, without simulating again.
    pub fn scaling_piece(&self, kind: ModelKind) -> Option<usize> {
        match kind {
            ModelKind::Provisioned => self.provisioned_levels().iter().position(|&n| n == self.scaling.provisioned),
            _ => None,
        }
    }

    /// The output of the piece [`Scenario::scaling_piece`] names, from `r`, this scenario's scaling run (the same
    /// as [`Scenario::run_pieces`] of that piece: the sweep runs the same scenario with the same seed).
    pub fn piece_from_scaling(&self, r: &SimResult) -> Output {
        Output::Provisioned(vec![ProvisionedPoint::of_run(self.scaling.provisioned, r)])
    }

    /// Runs one model (validate first). Its progress is reported as it goes ([`progress`]), its end as 1.
    pub fn run(&self, kind: ModelKind) -> Output {
        let _whole = progress::stage(0.0, 1.0);
        match kind {
            ModelKind::Scaling => Output::Scaling(self.simulate()),
            ModelKind::Provisioned => Output::Provisioned(self.provisioned_sweep()),
            ModelKind::Availability => Output::Availability(self.availability()),
            ModelKind::Parallel => Output::Parallel(self.parallel()),
            ModelKind::Breaker => Output::Breaker(self.breaker()),
            ModelKind::Chain => Output::Chain(self.chain()),
            ModelKind::Validation => Output::Validation(validation::report(VALIDATION_REQUESTS, self.seed)),
        }
    }

    /// The independent runs a model is made of, as their shares of [`Scenario::work_of`]: the provisioned sweep's
    /// levels, the breaker with and without, the runs that give the chain's lengths 1 ..= k, the fan-out sweep's
    /// points; the other models are one run. Disjoint groups of them can run at once (in separate workers,
    /// [`Scenario::split`], [`Scenario::run_pieces`]) and their outputs merge ([`Output::merge`]) into exactly what
    /// [`Scenario::run`] gives.
    pub fn pieces(&self, kind: ModelKind) -> Vec<f64> {
        let requests = self.load.expected_requests();
        match kind {
            ModelKind::Provisioned => vec![requests; self.provisioned_levels().len()],
            ModelKind::Breaker => self.breaker.variant_work(&self.load).to_vec(),
            // One piece per run of the chain (`chain::runs`); a run of m hops: m hop visits and the arrival per
            // request.
            ModelKind::Chain => chain::runs(&self.chain).iter().map(|(m, _)| requests * (m + 1) as f64).collect(),
            // One piece per point of the fan-out sweep (a point gives the same result in any group: common random
            // numbers, drawn per run).
            ModelKind::Parallel => parallel::sweep_points(&self.parallel)
                .iter()
                .map(|&pp| parallel::point_work(&self.parallel, pp))
                .collect(),
            _ => vec![self.work_of(kind)],
        }
    }

    /// A model's pieces ([`Scenario::pieces`]) in at most `n` groups of about equal work: the largest piece first,
    /// each into the group with the least work so far. Each group lists its pieces in ascending order. A piece
    /// `apart` is left out of the groups and comes last, in a group of its own.
    pub fn split(&self, kind: ModelKind, n: usize, apart: Option<usize>) -> Vec<Vec<usize>> {
        let all: Vec<usize> = (0..self.pieces(kind).len()).collect();
        self.split_pieces(kind, n, &all, apart)
    }

    /// [`Scenario::split`] of the pieces `which` only (the others are known: [`Scenario::piece_keys`]); `apart`
    /// is left alone unless it is one of them.
    pub fn split_pieces(&self, kind: ModelKind, n: usize, which: &[usize], apart: Option<usize>) -> Vec<Vec<usize>> {
        let pieces = self.pieces(kind);
        let which: Vec<usize> = which.iter().copied().filter(|&i| i < pieces.len()).collect();
        let apart = apart.filter(|a| which.contains(a));
        let others = which.len() - usize::from(apart.is_some());
        let n = n.clamp(1, others.max(1));
        let mut order: Vec<usize> = which.iter().copied().filter(|&i| Some(i) != apart).collect();
        order.sort_by(|&a, &b| pieces[b].total_cmp(&pieces[a]).then(a.cmp(&b)));
        let mut groups: Vec<(f64, Vec<usize>)> = vec![(0.0, Vec::new()); n];
        for i in order {
            let lightest = (0..n).min_by(|&a, &b| groups[a].0.total_cmp(&groups[b].0)).unwrap_or(0);
            groups[lightest].0 += pieces[i];
            groups[lightest].1.push(i);
        }
        groups
            .into_iter()
            .filter(|(_, g)| !g.is_empty())
            .map(|(_, mut g)| {
                g.sort_unstable();
                g
            })
            .chain(apart.map(|a| vec![a]))
            .collect()
    }

    /// A key for each of a model's pieces ([`Scenario::pieces`]), for the models whose pieces outlive some edits of
    /// their inputs: two pieces with the same key (a digest of their inputs), of this scenario or another, give the
    /// same output to the bit (the page keeps the pieces it ran and, after an edit, runs only those whose keys are
    /// new). `None` for the models whose every piece changes with any of their inputs (the scaling run, availability
    /// and the validation). The pieces that outlive edits:
    /// - the fan-out sweep's points: a point at P depends on the job, not on the top of the sweep, so an edit of
    ///   `max_parallel` runs only the new top point;
    /// - the provisioned sweep's levels: a level is the scaling run with that provisioned count, so an edit of the
    ///   provisioned count reruns none of them (the levels follow the peak, not the count), and prices are left out
    ///   as in [`Scenario::inputs_of`] (a price edit reprices);
    /// - the breaker's run without the breaker, which never reads the breaker's settings: an edit of a threshold,
    ///   the window or the open wait reruns only the run with it;
    /// - the chain's runs ([`chain::runs`]): a run of m hops reads the first m hops only, so a chain made longer
    ///   keeps its shorter runs (the run of the whole chain, which gives its bins, is keyed apart).
    pub fn piece_keys(&self, kind: ModelKind) -> Option<Vec<String>> {
        // The inputs the pieces share, as JSON, hashed (a curve can be a trace of thousands of points, and a lane
        // keeps dozens of pieces), then what tells the pieces apart.
        let json = |v: Result<String, serde_json::Error>| digest(&v.unwrap_or_default());
        match kind {
            ModelKind::Parallel => {
                let job = ParallelParams { max_parallel: 0, ..self.parallel.clone() };
                let common = json(serde_json::to_string(&(self.seed, &job, &self.scaling.pricing)));
                Some(parallel::sweep_points(&self.parallel).iter().map(|pp| format!("{common}|P {pp}")).collect())
            }
            ModelKind::Provisioned => {
                let sim = ScalingParams { provisioned: 0, ..self.scaling_inputs() };
                let common = json(serde_json::to_string(&(self.seed, &self.load, &sim)));
                Some(self.provisioned_levels().iter().map(|n| format!("{common}|level {n}")).collect())
            }
            ModelKind::Chain => {
                let common = json(serde_json::to_string(&(self.seed, &self.load, &self.scaling.pricing)));
                let hops = &self.chain.hops;
                let runs = chain::runs(&self.chain);
                Some(
                    runs.iter()
                        .map(|(m, gives)| {
                            let run = serde_json::to_string(&(&hops[..*m], gives, *m == hops.len()));
                            format!("{common}|{}", run.unwrap_or_default())
                        })
                        .collect(),
                )
            }
            ModelKind::Breaker => {
                let without = BreakerParams { breaker: Default::default(), ..self.breaker.clone() };
                let common = json(serde_json::to_string(&(self.seed, &self.load, &without)));
                let settings = serde_json::to_string(&self.breaker.breaker).unwrap_or_default();
                Some(vec![format!("{common}|with {settings}"), format!("{common}|without")])
            }
            _ => None,
        }
    }

    /// Runs the given pieces of a model ([`Scenario::pieces`]; all of them: [`Scenario::run`]) (validate first).
    /// An index past the model's pieces is an error.
    pub fn run_pieces(&self, kind: ModelKind, which: &[usize]) -> Result<Output, String> {
        let _whole = progress::stage(0.0, 1.0);
        let count = self.pieces(kind).len();
        if let Some(i) = which.iter().find(|&&i| i >= count) {
            return Err(format!("the {} model has {count} parts, not a part {}", kind.id(), i + 1));
        }
        if which.len() == count && which.iter().enumerate().all(|(at, &i)| at == i) {
            return Ok(self.run(kind));
        }
        Ok(match kind {
            ModelKind::Provisioned => {
                let levels = self.provisioned_levels();
                Output::Provisioned(self.provisioned_points(&which.iter().map(|&i| levels[i]).collect::<Vec<_>>()))
            }
            ModelKind::Breaker => Output::Breaker(breaker::simulate_variants(
                &self.breaker,
                &self.load,
                self.seed,
                which.contains(&0),
                which.contains(&1),
            )),
            ModelKind::Chain => {
                let runs = chain::runs(&self.chain);
                let lengths: Vec<usize> = which.iter().flat_map(|&i| runs[i].1.iter().copied()).collect();
                Output::Chain(chain::simulate_lengths(
                    &self.chain,
                    &self.load,
                    &self.scaling.pricing,
                    self.seed,
                    &lengths,
                ))
            }
            ModelKind::Parallel => {
                Output::Parallel(parallel::simulate_points(&self.parallel, &self.scaling.pricing, self.seed, which))
            }
            _ => self.run(kind),
        })
    }

    /// The parts of the scenario a model reads, as JSON: two scenarios with the same inputs give the same output,
    /// so an edit elsewhere need not rerun it. Serialised straight to text (a `json!` value first, then its text,
    /// built every part twice: every edit computes this for each model).
    pub fn inputs_of(&self, kind: ModelKind) -> String {
        let (seed, load, pricing) = (self.seed, &self.load, &self.scaling.pricing);
        match kind {
            ModelKind::Scaling | ModelKind::Provisioned => serde_json::to_string(&(seed, load, self.scaling_inputs())),
            ModelKind::Availability => serde_json::to_string(&(seed, load, &self.availability)),
            ModelKind::Parallel => serde_json::to_string(&(seed, &self.parallel, pricing)),
            ModelKind::Breaker => serde_json::to_string(&(seed, load, &self.breaker)),
            ModelKind::Chain => serde_json::to_string(&(seed, load, &self.chain, pricing)),
            ModelKind::Validation => serde_json::to_string(&(seed,)),
        }
        .unwrap_or_default()
    }

    /// The scaling parameters a scaling run reads, for its inputs' keys: prices are left out (their billing rules
    /// kept), as is the always-on comparison, since a price edit reprices the last run ([`Output::reprice`]) instead
    /// of simulating again.
    fn scaling_inputs(&self) -> ScalingParams {
        let mut sim = self.scaling.clone();
        sim.pricing = sim.pricing.rules_only();
        sim.always_on = AlwaysOn::default();
        sim
    }

    /// Roughly how much work a model is, in simulated events (requests, failures, tasks), to estimate its run time
    /// from the throughput measured on the previous run.
    pub fn work_of(&self, kind: ModelKind) -> f64 {
        let requests = self.load.expected_requests();
        match kind {
            ModelKind::Scaling => requests,
            ModelKind::Provisioned => requests * self.provisioned_levels().len() as f64,
            ModelKind::Availability => {
                // Each outage walks its 5-minute intervals; the months between outages are skipped over.
                let a = &self.availability;
                let hours = a.runs as f64 * a.horizon_days * 24.0;
                let outages = |mtbf_h: f64, mttr_h: f64| hours / mtbf_h * (2.0 + 12.0 * mttr_h);
                a.regions.iter().map(|r| outages(r.mtbf_h, r.mttr_h)).sum::<f64>()
                    + a.common_mode.map_or(0.0, |c| outages(c.mtbf_h, c.mttr_h) * a.regions.len() as f64)
                    + a.runs as f64 * a.horizon_days / 30.0
            }
            ModelKind::Parallel | ModelKind::Chain => self.pieces(kind).iter().sum(),
            ModelKind::Breaker => self.breaker.variant_work(&self.load).iter().sum(),
            ModelKind::Validation => {
                validation::experiments().iter().map(|e| validation::horizon(e, VALIDATION_REQUESTS) * e.rate).sum()
            }
        }
    }
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
    /// Every model.
    pub const ALL: [ModelKind; 7] = [
        ModelKind::Scaling,
        ModelKind::Provisioned,
        ModelKind::Availability,
        ModelKind::Parallel,
        ModelKind::Breaker,
        ModelKind::Chain,
        ModelKind::Validation,
    ];
    /// Stable name (worker messages, performance marks).
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
}

/// One point of the provisioned-concurrency trade-off.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProvisionedPoint {
    /// Provisioned instances [-].
    pub provisioned: u32,
    /// Whole bill for the curve [$].
    pub cost: f64,
    /// The provisioned-concurrency part of it [$].
    pub provisioned_cost: f64,
    /// Share of requests that waited for a cold start [-].
    pub cold_start_prob: f64,
    /// 99th-percentile latency [s].
    pub p99: f64,
    /// What the run used, to reprice it when only prices change.
    #[serde(default)]
    pub usage: Usage,
    /// Measured period [s].
    #[serde(default)]
    pub measured_seconds: f64,
}

/// 128 bits of a text, as hex: SipHash (std's) and FNV-1a side by side; two texts that differ give the same
/// digest with a chance of about 2⁻¹²⁸.
fn digest(text: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut sip = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut sip);
    let fnv = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
    format!("{:016x}{fnv:016x}", sip.finish())
}

impl ProvisionedPoint {
    /// The point of a scaling run `r` with `provisioned` instances.
    pub fn of_run(provisioned: u32, r: &SimResult) -> Self {
        let s = &r.summary;
        ProvisionedPoint {
            provisioned,
            cost: s.bill.total,
            provisioned_cost: s.bill.provisioned,
            cold_start_prob: s.cold_start_prob,
            p99: s.latency.p99,
            usage: r.usage(),
            measured_seconds: s.measured_seconds,
        }
    }
}

impl Output {
    /// Prices the result again with the prices of `s` (the scaling run and the provisioned sweep; the other models
    /// rerun when their prices change).
    pub fn reprice(&mut self, s: &Scenario) {
        let p = &s.scaling;
        match self {
            Output::Scaling(r) => r.reprice(&p.pricing, &p.always_on, s.load.peak()),
            Output::Provisioned(points) => {
                for pt in points {
                    let bill = period_bill(&pt.usage, &p.pricing, pt.measured_seconds);
                    pt.cost = bill.total;
                    pt.provisioned_cost = bill.provisioned;
                }
            }
            _ => {}
        }
    }
}

/// What one model produced. It crosses the worker boundary as bytes ([`Output::to_bytes`], postcard: fields in
/// order, integers as varints, floats as their 8 bytes), not as JSON: reading the scaling result's 108 KB of JSON
/// took 7–15 ms on the page (the bytes: 1.5 ms), and the module is 70 KB smaller (19 KB gzipped) without the JSON
/// reader and writer of every result type.
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
    /// One model's output from the outputs of disjoint groups of its pieces ([`Scenario::run_pieces`]) that
    /// together cover them all; an error names what does not fit.
    pub fn merge(parts: Vec<Output>) -> Result<Output, String> {
        if parts.len() == 1 {
            return parts.into_iter().next().ok_or_else(String::new);
        }
        fn all<T>(parts: Vec<Output>, f: impl Fn(Output) -> Option<T>) -> Result<Vec<T>, String> {
            parts.into_iter().map(|o| f(o).ok_or_else(|| "parts of different models".to_string())).collect()
        }
        match parts.first() {
            Some(Output::Provisioned(_)) => {
                let mut points: Vec<ProvisionedPoint> = all(parts, |o| match o {
                    Output::Provisioned(p) => Some(p),
                    _ => None,
                })?
                .concat();
                points.sort_by_key(|p| p.provisioned);
                if let Some(w) = points.windows(2).find(|w| w[0].provisioned == w[1].provisioned) {
                    return Err(format!("the sweep's parts do not fit: level {} twice", w[0].provisioned));
                }
                Ok(Output::Provisioned(points))
            }
            Some(Output::Breaker(_)) => Ok(Output::Breaker(BreakerResult::merge(all(parts, |o| match o {
                Output::Breaker(b) => Some(b),
                _ => None,
            })?)?)),
            Some(Output::Chain(_)) => Ok(Output::Chain(ChainResult::merge(all(parts, |o| match o {
                Output::Chain(c) => Some(c),
                _ => None,
            })?)?)),
            Some(Output::Parallel(_)) => Ok(Output::Parallel(ParallelResult::merge(all(parts, |o| match o {
                Output::Parallel(r) => Some(r),
                _ => None,
            })?)?)),
            Some(_) => Err("this model does not run in parts".into()),
            None => Err("no output to merge".into()),
        }
    }

    /// The outputs of the pieces of a whole run of `s` ([`Scenario::pieces`], in their order) of the models with
    /// [`Scenario::piece_keys`]; merged ([`Output::merge`]) they give this output back. Empty for the others.
    pub fn piece_outputs(&self, s: &Scenario) -> Vec<Output> {
        match self {
            Output::Chain(c) => {
                let k = s.chain.hops.len();
                chain::runs(&s.chain).iter().map(|(m, gives)| Output::Chain(c.part(gives, *m == k))).collect()
            }
            Output::Provisioned(points) => points.iter().map(|p| Output::Provisioned(vec![*p])).collect(),
            Output::Parallel(r) => r.points().into_iter().map(Output::Parallel).collect(),
            Output::Breaker(b) => b.variants().into_iter().map(Output::Breaker).collect(),
            _ => Vec::new(),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_and_errors_name_the_field() {
        let s = Scenario::default();
        let json = serde_json::to_string_pretty(&s).unwrap();
        assert_eq!(Scenario::from_json(&json).unwrap(), s);
        let bad = json.replace("\"keep_alive\": 600.0", "\"keep_alive\": -1.0");
        assert!(Scenario::from_json(&bad).unwrap_err().0.starts_with("scaling.keep_alive"));
        let unknown = json.replacen("\"seed\"", "\"sed\"", 1);
        assert!(Scenario::from_json(&unknown).unwrap_err().0.contains("unknown field `sed`"));
        let future = json.replace("\"version\": 1", "\"version\": 9");
        assert!(Scenario::from_json(&future).unwrap_err().0.starts_with("version:"));
        assert!(Scenario::from_json("{").unwrap_err().0.contains("line 1"));
        let bad_region = json.replace("\"failover_success\": 0.99", "\"failover_success\": 7.0");
        assert!(Scenario::from_json(&bad_region).unwrap_err().0.starts_with("availability.failover_success"));
    }

    /// The tagged enums (a distribution, the cold-start mode, the overflow rule, the policy, a chain's link) are read
    /// as one flat object each ([`crate::model::need`]): every variant comes back as it was written, and a missing
    /// field, an unknown kind or a kind that is not a string is named as serde names them.
    #[test]
    fn every_variant_of_the_tagged_enums_round_trips_and_errors_name_the_problem() {
        use crate::model::chain::Link;
        use crate::model::dist::Dist;
        use crate::model::engine::{ColdMode, Overflow, Policy};
        fn back<T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(x: T) {
            let json = serde_json::to_string(&x).unwrap();
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), x, "{json}");
        }
        let d = Dist::LogNormal { mean: 0.3, cv: 1.5 };
        for x in [Dist::Fixed { value: 0.1 }, Dist::Exponential { mean: 2.0 }, d] {
            back(x);
        }
        back(ColdMode::InitThenWarm { init: d });
        back(ColdMode::SeparateCold { cold_service: Dist::Fixed { value: 1.0 } });
        back(Overflow::Throttle);
        back(Overflow::Queue { max_len: 7, timeout: 3.5 });
        back(Link::Sync);
        back(Link::Queue { delay: 0.05 });
        back(Policy::PerRequest);
        back(Policy::TargetTracking { target: 0.6, interval: 2.0, window: 60.0, stabilization: 30.0, max_scale: 9 });
        back(Policy::Proportional { r_min: 1, r_max: 8, interval: 10.0 });
        let p =
            Policy::Predictive { alpha: 0.5, beta: 0.2, interval: 5.0, target: 0.7, stabilization: 60.0, max_scale: 3 };
        back(p);
        let err = |json: &str| serde_json::from_str::<Policy>(json).unwrap_err().to_string();
        assert!(err(r#"{"kind":"predictive","alpha":0.5}"#).starts_with("missing field `beta`"));
        assert!(err(r#"{"kind":"guess"}"#).starts_with("unknown variant `guess`, expected one of `per_request`,"));
        assert!(err(r#"{"kind":3}"#).starts_with("invalid type: integer `3`, expected a string"));
        assert!(err(r#"{"alpha":1}"#).starts_with("missing field `kind`"));
        assert!(err("4").starts_with("invalid type: integer `4`, expected a scaling policy (an object with a kind)"));
        let dist = |json: &str| serde_json::from_str::<Dist>(json).unwrap_err().to_string();
        assert!(
            dist(r#"{"kind":"log_normal","mean":"x","cv":1}"#).starts_with("invalid type: string \"x\", expected f64")
        );
        assert!(dist(r#"{"kind":"log_normal","mean":1}"#).starts_with("missing field `cv`"));
    }

    #[test]
    fn each_model_reruns_only_when_its_inputs_change() {
        let a = Scenario::default();
        let mut b = a.clone();
        b.parallel.tasks = 10;
        assert_eq!(a.inputs_of(ModelKind::Scaling), b.inputs_of(ModelKind::Scaling));
        assert_ne!(a.inputs_of(ModelKind::Parallel), b.inputs_of(ModelKind::Parallel));
        b.seed = 2;
        for k in ModelKind::ALL {
            assert_ne!(a.inputs_of(k), b.inputs_of(k), "{k:?} reads the seed");
            assert_eq!(ModelKind::from_id(k.id()), Some(k));
            assert!(a.work_of(k) > 0.0);
        }
    }

    #[test]
    fn a_price_edit_reprices_the_last_run_exactly() {
        let mut a = Scenario { load: LoadCurve::constant(30.0, 900.0).unwrap(), ..Scenario::default() };
        a.scaling.provisioned = 2;
        let mut b = a.clone();
        b.scaling.pricing.per_gb_s *= 3.0;
        b.scaling.pricing.per_million_requests = 0.5;
        b.scaling.pricing.provisioned_per_gb_s *= 2.0;
        b.scaling.pricing.free_tier = !a.scaling.pricing.free_tier;
        b.scaling.always_on.price_per_hour = 0.5;
        b.scaling.always_on.capacity_rps = 7.0;
        for k in [ModelKind::Scaling, ModelKind::Provisioned] {
            assert_eq!(a.inputs_of(k), b.inputs_of(k), "{k:?}: prices alone do not rerun it");
            let mut repriced = a.run(k);
            repriced.reprice(&b);
            let fresh = b.run(k);
            assert_ne!(fresh, a.run(k), "{k:?}: the prices matter");
            assert_eq!(repriced, fresh, "{k:?}");
        }
        // Billing rules do change what the simulation bills.
        b.scaling.pricing.granularity_ms = 100.0;
        assert_ne!(a.inputs_of(ModelKind::Scaling), b.inputs_of(ModelKind::Scaling));
    }

    #[test]
    fn outputs_survive_the_worker_boundary() {
        let mut s = Scenario { load: LoadCurve::constant(5.0, 600.0).unwrap(), ..Scenario::default() };
        s.parallel.runs = 2;
        s.availability.runs = 2;
        for k in ModelKind::ALL {
            let out = s.run(k);
            let bytes = out.to_bytes();
            assert!(!bytes.is_empty(), "{k:?}");
            assert_eq!(Output::from_bytes(&bytes), Ok(out), "{k:?}");
        }
        // Bytes that are not an output (cut short, or from another version) give an error, not a panic.
        let bytes = s.run(ModelKind::Scaling).to_bytes();
        for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
            assert!(Output::from_bytes(&bytes[..cut]).unwrap_err().starts_with("the result could not be read"));
        }
        assert!(Output::from_bytes(&[200, 1, 2, 3]).is_err());
    }

    #[test]
    fn a_model_run_in_parts_merges_into_the_whole_run() {
        let mut s = Scenario { load: LoadCurve::constant(20.0, 600.0).unwrap(), ..Scenario::default() };
        s.scaling.warm_service = crate::model::dist::Dist::Exponential { mean: 1.0 };
        for k in ModelKind::ALL {
            let pieces = s.pieces(k);
            assert!(!pieces.is_empty() && pieces.iter().all(|&w| w > 0.0), "{k:?}");
            assert!(
                (pieces.iter().sum::<f64>() - s.work_of(k)).abs() < 1e-6 * s.work_of(k),
                "{k:?}: shares of the work"
            );
            for n in 1..=7 {
                let groups = s.split(k, n, None);
                assert!(groups.len() <= n.min(pieces.len()), "{k:?} {n}");
                let mut covered: Vec<usize> = groups.concat();
                covered.sort_unstable();
                assert_eq!(covered, (0..pieces.len()).collect::<Vec<_>>(), "{k:?} {n}: each piece once");
            }
        }
        assert_eq!(s.pieces(ModelKind::Provisioned).len(), 6);
        assert_eq!(s.split(ModelKind::Provisioned, 2, None), vec![vec![0, 2, 4], vec![1, 3, 5]]);
        // The chain's runs of 1, 3 (giving lengths 2 and 3) and 4 hops weigh 2, 4, 5: {4} and {1, 3}.
        assert_eq!(s.split(ModelKind::Chain, 2, None), vec![vec![2], vec![0, 1]]);
        for k in [ModelKind::Provisioned, ModelKind::Breaker, ModelKind::Chain, ModelKind::Parallel] {
            let whole = s.run(k);
            for n in [2, 3] {
                let mut parts: Vec<Output> = s.split(k, n, None).iter().map(|g| s.run_pieces(k, g).unwrap()).collect();
                parts.reverse();
                // Through the worker boundary, as in the page.
                let parts = parts.iter().map(|o| Output::from_bytes(&o.to_bytes()).unwrap()).collect();
                assert_eq!(Output::merge(parts), Ok(whole.clone()), "{k:?} in {n} parts");
            }
            let first = s.split(k, 2, None)[0].clone();
            let half = s.run_pieces(k, &first).unwrap();
            assert!(Output::merge(vec![half.clone(), half]).is_err(), "{k:?}: a part missing, another twice");
        }
        // The fan-out sweep's points are P = 1, 2, 4, …, 512, 1000: a point left out, or no P = 1, does not merge.
        let points = s.pieces(ModelKind::Parallel).len();
        assert_eq!(points, 11);
        let run = |which: Vec<usize>| s.run_pieces(ModelKind::Parallel, &which).unwrap();
        let gap = Output::merge(vec![run(vec![0, 1]), run((3..points).collect())]).unwrap_err();
        assert!(gap.contains("between P = 2 and 8"), "{gap}");
        let first = Output::merge(vec![run(vec![1, 2]), run((3..points).collect())]).unwrap_err();
        assert!(first.contains("P = 1 is missing"), "{first}");
        assert!(s.run_pieces(ModelKind::Breaker, &[2]).unwrap_err().contains("not a part 3"));
        assert!(Output::merge(vec![s.run(ModelKind::Breaker), s.run(ModelKind::Chain)]).is_err());
        assert!(Output::merge(vec![s.run(ModelKind::Scaling), s.run(ModelKind::Scaling)]).is_err());
    }

    #[test]
    fn pieces_with_the_same_key_give_the_same_output() {
        let s = Scenario { load: LoadCurve::constant(20.0, 600.0).unwrap(), ..Scenario::default() };
        let bytes = |o: &Output| o.to_bytes();
        let same = |a: &Output, b: &Output| bytes(a) == bytes(b);
        for k in ModelKind::ALL {
            let Some(keys) = s.piece_keys(k) else {
                assert!(s.run(k).piece_outputs(&s).is_empty(), "{k:?}: no keys, no pieces to keep");
                continue;
            };
            let whole = s.run(k);
            let outs = whole.piece_outputs(&s);
            assert_eq!((keys.len(), outs.len()), (s.pieces(k).len(), s.pieces(k).len()), "{k:?}");
            assert_eq!(Output::merge(outs.clone()), Ok(whole.clone()), "{k:?}: the pieces merge into the run");
            for (i, o) in outs.iter().enumerate() {
                assert!(same(o, &s.run_pieces(k, &[i]).unwrap()), "{k:?}: piece {i} as run alone");
            }
            let mut distinct = keys.clone();
            distinct.sort();
            distinct.dedup();
            assert_eq!(distinct.len(), keys.len(), "{k:?}: one key per piece");
        }
        // An edit keeps the pieces whose keys it keeps: they give the same output, and with the new pieces they
        // merge into the edited scenario's run.
        let check = |edit: &dyn Fn(&mut Scenario), k: ModelKind, kept: &[usize]| {
            let mut e = s.clone();
            edit(&mut e);
            let (old, new) = (s.piece_keys(k).unwrap(), e.piece_keys(k).unwrap());
            let old_outs = s.run(k).piece_outputs(&s);
            let mut parts = Vec::new();
            let mut missing = Vec::new();
            for (i, key) in new.iter().enumerate() {
                match old.iter().position(|o| o == key) {
                    Some(at) => {
                        assert!(same(&old_outs[at], &e.run_pieces(k, &[i]).unwrap()), "{k:?}: kept piece {i}");
                        parts.push(old_outs[at].clone());
                    }
                    None => missing.push(i),
                }
            }
            let kept_now: Vec<usize> = (0..new.len()).filter(|i| !missing.contains(i)).collect();
            assert_eq!(kept_now, kept, "{k:?}: the pieces kept");
            if !missing.is_empty() {
                parts.push(e.run_pieces(k, &missing).unwrap());
            }
            assert!(same(&Output::merge(parts).unwrap(), &e.run(k)), "{k:?}: kept and new pieces make the run");
        };
        // The fan-out sweep's top from 1,000 to 37: P = 1 … 32 kept, 37 new.
        check(&|e| e.parallel.max_parallel = 37, ModelKind::Parallel, &[0, 1, 2, 3, 4, 5]);
        check(&|e| e.parallel.tasks = 900, ModelKind::Parallel, &[]);
        // The provisioned count: every level kept; the keep-alive: none.
        check(&|e| e.scaling.provisioned = 3, ModelKind::Provisioned, &[0, 1, 2, 3, 4, 5]);
        check(&|e| e.scaling.keep_alive = 300.0, ModelKind::Provisioned, &[]);
        // The breaker's threshold: the run without it kept; the retries: neither.
        check(&|e| e.breaker.breaker.failure_rate_threshold = 0.3, ModelKind::Breaker, &[1]);
        check(&|e| e.breaker.retries = 1, ModelKind::Breaker, &[]);
        // The chain one hop longer (runs of 1, 3, 4 and 5 hops): the runs of 1 and 3 kept; every hop slower: none.
        let longer = |e: &mut Scenario| {
            let last = *e.chain.hops.last().unwrap();
            e.chain.hops.push(last);
        };
        assert_eq!(chain::runs(&s.chain).len(), 3);
        check(&longer, ModelKind::Chain, &[0, 1]);
        check(&|e| e.chain.hops.iter_mut().for_each(|h| h.service = h.service.with_mean(0.2)), ModelKind::Chain, &[]);
    }

    #[test]
    fn the_sweeps_own_level_comes_from_the_scaling_run() {
        let mut s = Scenario { load: LoadCurve::constant(20.0, 600.0).unwrap(), ..Scenario::default() };
        let k = ModelKind::Provisioned;
        for (provisioned, own) in [(0, Some(0)), (7, None)] {
            s.scaling.provisioned = provisioned;
            assert_eq!(s.scaling_piece(k), own, "{provisioned}");
            for m in [ModelKind::Scaling, ModelKind::Chain] {
                assert_eq!(s.scaling_piece(m), None);
            }
        }
        s.scaling.provisioned = s.provisioned_levels()[2];
        let own = s.scaling_piece(k).expect("a level of the sweep");
        assert_eq!(own, 2);
        // The piece from the scaling run equals the piece simulated, to the last bit, and completes the sweep.
        let Output::Scaling(r) = Output::from_bytes(&s.run(ModelKind::Scaling).to_bytes()).unwrap() else {
            panic!("a scaling output")
        };
        assert_eq!(s.piece_from_scaling(&r), s.run_pieces(k, &[own]).unwrap());
        for n in [1, 2, 3] {
            let groups = s.split(k, n, Some(own));
            assert_eq!(groups.last(), Some(&vec![own]), "{n}: the own level last, alone");
            assert!(groups[..groups.len() - 1].iter().all(|g| !g.contains(&own)) && groups.len() <= n + 1);
            let parts: Vec<Output> = groups
                .iter()
                .map(|g| if g == &vec![own] { s.piece_from_scaling(&r) } else { s.run_pieces(k, g).unwrap() })
                .collect();
            assert_eq!(Output::merge(parts), Ok(s.run(k)), "{n} parts and the scaling run's level");
        }
    }

    #[test]
    fn provisioned_concurrency_buys_fewer_cold_starts_for_more_money() {
        // Bursts of 40 req/s of 1 s requests, five minutes apart: every burst needs ~40 new instances.
        let mut s = Scenario { load: crate::model::load::Preset::OnOffBursts.curve(), ..Scenario::default() };
        s.load.set_peak(40.0).unwrap();
        s.scaling.warm_service = crate::model::dist::Dist::LogNormal { mean: 1.0, cv: 0.3 };
        s.scaling.keep_alive = 120.0;
        let sweep = s.provisioned_sweep();
        assert_eq!(sweep.iter().map(|p| p.provisioned).collect::<Vec<_>>(), s.provisioned_levels());
        assert_eq!(sweep[0].provisioned, 0);
        assert_eq!(sweep[0].provisioned_cost, 0.0);
        let (first, last) = (sweep[0], sweep[sweep.len() - 1]);
        assert!(last.cold_start_prob < 0.2 * first.cold_start_prob, "{first:?} {last:?}");
        assert!(last.cost > first.cost && last.provisioned_cost > 0.0);
    }

    #[test]
    fn a_scenario_without_the_newer_sections_still_loads() {
        let s = Scenario::default();
        let mut v = serde_json::to_value(&s).unwrap();
        for k in ["availability", "parallel", "breaker", "chain"] {
            v.as_object_mut().unwrap().remove(k);
        }
        assert_eq!(Scenario::from_json(&v.to_string()).unwrap(), s);
    }
}
