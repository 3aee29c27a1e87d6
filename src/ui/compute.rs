//! Running the models without blocking the page: the browser side of the worker pool. Each model has a [`Lane`]:
//! a run estimated to take less than [`INLINE_MS`] (or [`INLINE_ONE_PART_MS`], when it would not be split) is done
//! at once on the main thread; a longer one goes to Web Workers that load the page's own wasm module
//! (`public/worker.js`), while the page keeps the previous results, shows a progress estimate and a Cancel button,
//! and stays responsive. A run expected to take over [`LONG_RUN_MS`] waits for the reader ([`Lane::held`]). A newer
//! edit supersedes: a run with more than [`crate::sched::SUPERSEDE_MS`] left is cancelled and restarted, a shorter
//! one finishes and the newest edit runs next. What starts where and when is decided by [`Pool`] (`crate::sched`, tested
//! natively); this module passes it the cores and the clock, starts the workers it picks, and splits a model made
//! of independent runs into parts ([`plan::split_pieces`]) whose outputs merge ([`Output::merge`]). A part that
//! another model's whole run gives (the provisioned sweep's level at the scenario's own count is the scaling run)
//! waits for that result ([`offer_given_pieces`]). Every run leaves User Timing measures: `compute <model>` on the
//! page from the edit's submit to the result shown, `simulate <model>` in the worker, `analyse <model>` for each
//! analysis of a run's events ([`crate::model::phase`]), `result <model>` for reading a worker's answer, and
//! `draw <chart>` for each chart drawn ([`super::chart_canvas`]).

use super::perf;
use crate::model::plan;
use crate::model::scenario::{ModelKind, Output, Scenario};
use crate::sched::{Pool, Waiting};
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Runs expected to take less than this are done on the main thread [ms] (about half a frame).
pub const INLINE_MS: f64 = 8.0;
/// A run that would go to one worker (a model run whole, or the one piece of it an edit left to run) is done on the
/// main thread when expected to take less than this [ms] (most of a frame): in a worker it ended later than on the
/// page by the worker's round trip and by the page's own rendering beside it on two cores (docs/performance.md).
const INLINE_ONE_PART_MS: f64 = 14.0;
/// A run expected to take longer than this on this device does not start until the reader says so [ms]
/// ([`Lane::held`]): opening a link to a month at a million requests a second must not start a run of days.
pub const LONG_RUN_MS: f64 = 30_000.0;
/// Throughput assumed before a model's first run, for the choice to run it on the page [work units per ms]: low,
/// so a first run goes to a worker.
const FIRST_RATE: f64 = 500.0;

/// A worker's message and error handlers, kept alive with it.
type Handler = (Closure<dyn FnMut(web_sys::MessageEvent)>, Closure<dyn FnMut(web_sys::ErrorEvent)>);

/// One model's runs and their state.
#[derive(Clone, Copy)]
pub struct Lane {
    /// Which model.
    pub kind: ModelKind,
    /// The last finished result (kept while a newer run is under way).
    pub output: RwSignal<Option<Output>>,
    /// A run is under way in the workers (or waiting for them).
    pub busy: RwSignal<bool>,
    /// When it was asked for [ms since page load].
    pub posted_ms: RwSignal<f64>,
    /// When it started: its first part went to a worker [ms since page load].
    pub started_ms: RwSignal<f64>,
    /// A part of it is in a worker (until then all its parts wait for a free worker).
    pub running: RwSignal<bool>,
    /// How long it is expected to take from its start [ms]: from the workers' progress reports once they come
    /// ([`crate::model::progress`]), before that from the speed of this lane's last run.
    pub estimate_ms: RwSignal<f64>,
    /// [`Lane::estimate_ms`] rests on a measurement: a progress report of this run, or a run of this model before
    /// (the first run's estimate, from the model's prior rate, is a guess and not shown).
    pub estimate_known: RwSignal<bool>,
    /// How long the last finished run took [ms].
    pub last_ms: RwSignal<f64>,
    /// The results are from an older scenario: the run for the current one was cancelled.
    pub stale: RwSignal<bool>,
    /// Why the last run failed, if it did.
    pub error: RwSignal<Option<String>>,
    /// The result shown was kept from an earlier run of the same inputs ([`Lane::recent`]), not simulated again.
    pub recalled: RwSignal<bool>,
    /// The run for the current inputs is expected to take over [`LONG_RUN_MS`] here, so it waits for the reader:
    /// its expected time and work.
    pub held: RwSignal<Option<Held>>,
    /// The inputs the reader chose to run however long they take ([`Lane::run_anyway`]).
    allowed: StoredValue<String>,
    rate: StoredValue<f64>,
    /// [`Lane::rate`] was measured by a run.
    rate_measured: StoredValue<bool>,
    generation: StoredValue<u64>,
    inputs: StoredValue<String>,
    /// The inputs of the run under way (worker or inline), and of the result shown.
    job_inputs: StoredValue<String>,
    shown_inputs: StoredValue<String>,
    /// The prices the shown result is priced with (a price edit reprices it in place).
    prices: StoredValue<String>,
    queued: StoredValue<Option<Scenario>>,
    latest: StoredValue<Option<Scenario>>,
    /// One worker per part of a run, kept for the next run.
    workers: StoredValue<Vec<Option<(web_sys::Worker, Handler)>>, LocalStorage>,
    /// The worker run under way, if any.
    job: StoredValue<Option<Job>>,
    /// The last few results with their inputs, newest last ([`RECENT`]): an edit back to one of them (undo, a field
    /// set back, a preset chosen again) shows it at once instead of simulating again.
    recent: StoredValue<VecDeque<(String, Output, f64)>>,
    /// The pieces of the last runs with their keys ([`Scenario::piece_keys`], at most [`KEPT`], newest last): a run
    /// takes the pieces it shares with them from here and runs only the others.
    kept: StoredValue<VecDeque<(String, Output)>>,
}

/// A run that waits for the reader because it would take long ([`Lane::held`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Held {
    /// Its expected time on this device [ms].
    pub expected_ms: f64,
    /// Its work, in the model's unit ([`crate::model::registry::Model::work_unit`]).
    pub work: f64,
}

/// Pieces each lane keeps ([`Lane::kept`]; the fan-out sweep has up to 15 points of ~200 bytes, the provisioned
/// sweep 6 levels, the breaker 2 runs of ~200 bins).
const KEPT: usize = 48;

/// The pieces of a run of a model that has them ([`Scenario::piece_keys`]): their keys (computed once per run,
/// for looking them up and for keeping them), those kept from earlier runs, and those still to run with their work
/// ([`Scenario::pieces`]).
struct Pieces {
    keys: Vec<String>,
    kept: Vec<Output>,
    missing: Vec<usize>,
    work: f64,
}

/// Results each lane keeps for an edit back to their inputs (a scaling result of 300 bins is about 60 KB).
const RECENT: usize = 8;

/// A model's run in the workers: its pieces in parts ([`Scenario::split`]), each part in its own worker, at once
/// when there are slots for them; the outputs merge when the last part is done ([`Output::merge`]).
struct Job {
    scenario: Scenario,
    /// The scenario as the workers get it (JSON), made once for all the parts.
    json: Arc<str>,
    /// Each part's pieces ([`Scenario::pieces`]).
    parts: Vec<Vec<usize>>,
    /// Each part's expected time [ms].
    estimates: Vec<f64>,
    state: Vec<Part>,
    /// The share of each part done, as its worker last reported it (0 ..= 1).
    progress: Vec<f64>,
    /// The pieces kept from earlier runs ([`Lane::kept`]), merged with the parts' outputs.
    kept: Vec<Output>,
    /// The keys of the run's pieces, if the model has them ([`Pieces::keys`]).
    keys: Option<Vec<String>>,
    /// Time the finished parts took in their workers [ms].
    worker_ms: f64,
    /// The work the workers do (the model's work, less a part the scaling run gives).
    work: f64,
    /// A part has gone to its worker.
    started: bool,
    /// The part that another model's whole run gives ([`plan::given_piece`]), its work, that model and its inputs:
    /// taken from that model's result ([`offer_given_pieces`]) if it comes while the part still waits for a slot.
    given: Option<Given>,
}

impl Job {
    /// The share of the run's work done (0 ..= 1), by the parts' reports ([`Lane::progressed`]).
    fn share_done(&self) -> f64 {
        let given = self.given.as_ref().map(|g| g.part);
        let (mut done, mut all) = (0.0, 0.0);
        for (p, (w, state)) in self.estimates.iter().zip(&self.state).enumerate().filter(|(p, _)| Some(*p) != given) {
            all += w;
            done += w * match state {
                Part::Done(_) => 1.0,
                Part::Running => self.progress[p],
                Part::Waiting => 0.0,
            };
        }
        if all > 0.0 {
            done / all
        } else {
            0.0
        }
    }
}

/// A part of a run that another model's result gives ([`Job::given`]).
#[derive(Clone)]
struct Given {
    part: usize,
    work: f64,
    by: ModelKind,
    inputs: String,
}

#[derive(Clone)]
enum Part {
    /// Waiting for a worker slot.
    Waiting,
    /// In its worker, holding a slot.
    Running,
    /// Finished with this output.
    Done(Box<Output>),
}

/// A model's run is split into at most this many parts (more workers cost memory and start-up for little gain:
/// the sweep has six pieces, the chain four, the breaker two, the fan-out sweep one per instance count).
const MAX_PARTS: usize = 4;

/// The machine's logical cores (the pool leaves one to the page).
fn cores() -> usize {
    web_sys::window().map_or(2.0, |w| w.navigator().hardware_concurrency()) as usize
}

thread_local! {
    /// The worker slots and the parts waiting for them ([`Pool`]: the decisions; this module starts the workers).
    static POOL: RefCell<Pool> = RefCell::new(Pool::new(cores()));
    /// The last whole result of each model that gives a piece of another's run ([`plan::given_piece`]), with its
    /// inputs.
    static GIVERS: RefCell<Vec<(ModelKind, String, Output)>> = const { RefCell::new(Vec::new()) };
}

/// Completes the waiting parts that a result already at hand gives (the provisioned sweep's level at the scenario's
/// own count is the scaling run itself: simulating it again gives the same bits). Called when such a result
/// arrives and when a run is queued.
fn offer_given_pieces() {
    let givers = GIVERS.with_borrow(|g| g.iter().map(|(k, i, _)| (*k, i.clone())).collect::<Vec<_>>());
    for (by, inputs) in givers {
        let given = POOL.with_borrow_mut(|p| p.take_given(by, &inputs));
        for w in given {
            let Some(lane) = lane_of(w.kind) else { continue };
            let piece = lane.job.with_value(|j| {
                let j = j.as_ref()?;
                GIVERS.with_borrow(|g| {
                    let (_, _, out) = g.iter().find(|(k, i, _)| *k == by && *i == inputs)?;
                    plan::piece_from(&j.scenario, w.kind, out)
                })
            });
            match piece {
                Some(piece) => {
                    // The workers do not do this part's work.
                    lane.job.update_value(|j| {
                        if let Some(j) = j {
                            j.work -= j.given.as_ref().map_or(0.0, |g| g.work);
                        }
                    });
                    lane.part_done(w.part, Ok(piece), 0.0, None)
                }
                // Cannot happen (the giver's output is of its kind); run the part after all.
                None => POOL.with_borrow_mut(|p| p.queue(Waiting { given_by: None, ..w })),
            }
        }
    }
}

thread_local! {
    /// Each model's lane, for the pool's answers (which name a model).
    static LANES: RefCell<Vec<Lane>> = const { RefCell::new(Vec::new()) };
}

/// The lane of a model ([`Lane::new`] registers it).
fn lane_of(kind: ModelKind) -> Option<Lane> {
    LANES.with_borrow(|l| l.iter().find(|l| l.kind == kind).copied())
}

/// Starts waiting parts while the pool lets them ([`Pool::next`]).
fn pump() {
    while let Some(w) = POOL.with_borrow_mut(|p| p.next(super::now_ms())) {
        match lane_of(w.kind) {
            Some(lane) => lane.start(w.part),
            None => free_slot(w.kind, w.part),
        }
    }
}

/// Gives back the slot of part `part` of `kind`'s run.
fn free_slot(kind: ModelKind, part: usize) {
    POOL.with_borrow_mut(|p| p.free(kind, part));
}

/// Every few seconds, the parts whose workers have stopped answering ([`Pool::silent`]) are stopped and their runs
/// fail in their own sections, with Try again. Started with the first worker.
fn watch_silent_workers() {
    thread_local! {
        static WATCH: RefCell<Option<gloo_timers::callback::Interval>> = const { RefCell::new(None) };
    }
    WATCH.with_borrow_mut(|w| {
        w.get_or_insert_with(|| {
            gloo_timers::callback::Interval::new(5_000, || {
                let silent = POOL.with_borrow(|p| p.silent(super::now_ms()));
                for (kind, part) in silent {
                    if let Some(lane) = lane_of(kind) {
                        lane.worker_failed(part, "its worker stopped answering".into());
                    }
                }
            })
        });
    });
}

thread_local! {
    /// The name of the analysis measure of the model running on this thread (`analyse <model>`).
    static ANALYSIS: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The models' analysis hook ([`crate::model::phase`]): a User Timing mark where the analysis of a run begins, a
/// measure where it ends, in the page or in a worker ([`perf`]).
fn analysis_mark(begins: bool) {
    let Some(p) = perf() else { return };
    ANALYSIS.with_borrow(|name| {
        let start = format!("{name} start");
        let _ = if begins { p.mark(&start) } else { p.measure_with_start_mark(name, &start) };
    });
}

/// Runs `run` with the analyses of model `kind` measured as `analyse <model>`.
fn with_analysis_marks<T>(kind: ModelKind, run: impl FnOnce() -> T) -> T {
    if !cfg!(target_arch = "wasm32") {
        return run();
    }
    ANALYSIS.with_borrow_mut(|n| *n = format!("analyse {}", kind.id()));
    let before = crate::model::phase::set_hook(Some(analysis_mark));
    let out = run();
    crate::model::phase::set_hook(before);
    out
}

impl Lane {
    /// A lane with no result yet.
    pub fn new(kind: ModelKind) -> Self {
        let lane = Lane {
            kind,
            output: RwSignal::new(None),
            busy: RwSignal::new(false),
            posted_ms: RwSignal::new(0.0),
            started_ms: RwSignal::new(0.0),
            running: RwSignal::new(false),
            estimate_ms: RwSignal::new(0.0),
            estimate_known: RwSignal::new(false),
            last_ms: RwSignal::new(0.0),
            stale: RwSignal::new(false),
            error: RwSignal::new(None),
            recalled: RwSignal::new(false),
            held: RwSignal::new(None),
            allowed: StoredValue::new(String::new()),
            rate: StoredValue::new(kind.model().prior_rate()),
            rate_measured: StoredValue::new(false),
            generation: StoredValue::new(0),
            inputs: StoredValue::new(String::new()),
            prices: StoredValue::new(String::new()),
            job_inputs: StoredValue::new(String::new()),
            shown_inputs: StoredValue::new(String::new()),
            queued: StoredValue::new(None),
            latest: StoredValue::new(None),
            workers: StoredValue::new_local(Vec::new()),
            job: StoredValue::new(None),
            recent: StoredValue::new(VecDeque::new()),
            kept: StoredValue::new(VecDeque::new()),
        };
        LANES.with_borrow_mut(|l| {
            l.retain(|x| x.kind != kind);
            l.push(lane);
        });
        lane
    }

    /// The inputs (as [`Scenario::inputs_of`]) of the result shown.
    pub fn inputs(&self) -> String {
        self.shown_inputs.get_value()
    }

    /// Runs the model for `s` unless its inputs are those of the last run.
    pub fn submit(&self, s: &Scenario) {
        let key = self.kind.inputs(s);
        if self.inputs.with_value(|k| *k == key) && !self.stale.get_untracked() {
            self.reprice(s);
            return;
        }
        let known = self.recent.with_value(|r| r.iter().find(|(k, ..)| *k == key).map(|(_, o, ms)| (o.clone(), *ms)));
        self.latest.set_value(Some(s.clone()));
        self.stale.set(false);
        if let Some((out, took_ms)) = known {
            self.inputs.set_value(key.clone());
            self.show_known(key, out, took_ms, s);
            return;
        }
        self.inputs.set_value(key.clone());
        let started = self.job.with_value(|j| j.as_ref().map(|j| j.started));
        match started {
            // Not started yet: the newer scenario takes its place in the line.
            Some(false) => self.withdraw(),
            Some(true) => {
                let left = self.estimate_ms.get_untracked() - (super::now_ms() - self.started_ms.get_untracked());
                if !crate::sched::supersedes(left) {
                    self.queued.set_value(Some(s.clone()));
                    return;
                }
                self.stop_worker();
            }
            None => {}
        }
        self.launch(s, key);
    }

    /// Runs `s`, whose inputs are `key`: on the main thread if it is expected to take under [`INLINE_MS`], or under
    /// [`INLINE_ONE_PART_MS`] when it would go to one worker (or there are no workers), otherwise in the workers.
    /// Pieces kept from earlier runs ([`Lane::kept`]) are not run again.
    fn launch(&self, s: &Scenario, key: String) {
        let pieces = self.pieces_of(s);
        let work = pieces.as_ref().map_or_else(|| self.kind.work(s), |p| p.work);
        // A model without keyed pieces (the scaling run, availability, the validation) runs whole, in one part.
        let parts = pieces.as_ref().map_or(1, |p| p.missing.len());
        // The expected time here, from the measured runs or the model's prior: a long run waits for the reader.
        let expected_here = work / self.rate.get_value();
        if expected_here > LONG_RUN_MS && self.allowed.with_value(|a| *a != key) {
            self.hold(key, Held { expected_ms: expected_here, work });
            return;
        }
        if self.held.get_untracked().is_some() {
            self.held.set(None);
        }
        let rate = if self.rate_measured.get_value() { self.rate.get_value() } else { FIRST_RATE };
        let expected = work / rate;
        if expected < INLINE_MS || (parts <= 1 && expected < INLINE_ONE_PART_MS) || !workers_available() {
            if self.busy.get_untracked() {
                self.busy.set(false);
            }
            self.run_inline(s, key, pieces);
        } else {
            self.post(s, key, pieces);
        }
    }

    /// The pieces of `s`'s run, if the model has them ([`Scenario::piece_keys`]): those this lane has kept and those
    /// it has not.
    fn pieces_of(&self, s: &Scenario) -> Option<Pieces> {
        let keys = self.kind.piece_keys(s)?;
        let (mut kept, mut missing) = (Vec::new(), Vec::new());
        self.kept.with_value(|k| {
            for (i, key) in keys.iter().enumerate() {
                match k.iter().find(|(x, _)| x == key) {
                    Some((_, out)) => kept.push(out.clone()),
                    None => missing.push(i),
                }
            }
        });
        if !kept.is_empty() {
            if let Some(p) = perf() {
                let _ = p.mark(&format!("kept {} {}/{}", self.kind.id(), kept.len(), keys.len()));
            }
        }
        let shares = self.kind.pieces(s);
        let work = missing.iter().map(|&i| shares[i]).sum();
        Some(Pieces { keys, kept, missing, work })
    }

    /// Keeps the pieces of `out`, a whole run of `s` ([`Output::piece_outputs`]), for the runs to come; `keys` are
    /// their keys if the run had them at hand.
    fn keep_pieces(&self, out: &Output, s: &Scenario, keys: Option<Vec<String>>) {
        let Some(keys) = keys.or_else(|| self.kind.piece_keys(s)) else { return };
        let outs = out.piece_outputs(s);
        if outs.len() != keys.len() {
            return;
        }
        self.kept.update_value(|k| {
            for (key, out) in keys.into_iter().zip(outs) {
                k.retain(|(x, _)| *x != key);
                if k.len() == KEPT {
                    k.pop_front();
                }
                k.push_back((key, out));
            }
        });
    }

    /// Leaves the run for `key` unstarted: it is expected to take longer than [`LONG_RUN_MS`] ([`Lane::held`]).
    fn hold(&self, key: String, held: Held) {
        if self.job.with_value(Option::is_some) {
            self.stop_worker();
        }
        self.queued.set_value(None);
        self.job_inputs.set_value(key);
        if self.busy.get_untracked() {
            self.busy.set(false);
        }
        self.held.set(Some(held));
    }

    /// Starts the run that waits for the reader ([`Lane::held`]), however long it takes.
    pub fn run_anyway(&self) {
        let Some(s) = self.latest.get_value() else { return };
        let key = self.kind.inputs(&s);
        self.allowed.set_value(key.clone());
        self.launch(&s, key);
    }

    /// Runs the model for the last submitted scenario again (after a cancel).
    pub fn rerun(&self) {
        if let Some(s) = self.latest.get_value() {
            self.stale.set(true);
            self.submit(&s);
        }
    }

    /// Stops the run under way; the previous results stay, marked as being for an older scenario.
    pub fn cancel(&self) {
        if self.busy.get_untracked() {
            self.stop_worker();
            self.busy.set(false);
            self.stale.set(true);
        }
    }

    /// User Timing: the start of a run of this model.
    fn mark_start(&self) {
        if let Some(p) = perf() {
            let _ = p.mark(&format!("compute {} start", self.kind.id()));
        }
    }
    /// User Timing: a measure from the run's start mark to now, named `compute <model>`.
    fn measure(&self) {
        if let Some(p) = perf() {
            let name = format!("compute {}", self.kind.id());
            let _ = p.measure_with_start_mark(&name, &format!("{name} start"));
        }
    }

    /// Drops the run under way, if any: its waiting parts leave the line, its running parts give back their slots
    /// (their answers will be ignored), and the next waiting runs may start.
    fn withdraw(&self) {
        let kind = self.kind;
        POOL.with_borrow_mut(|p| p.withdraw(kind));
        if let Some(job) = self.job.try_update_value(|j| j.take()).flatten() {
            for (part, _) in job.state.iter().enumerate().filter(|(_, p)| matches!(p, Part::Running)) {
                free_slot(kind, part);
            }
        }
        self.generation.update_value(|g| *g += 1);
        pump();
    }

    fn stop_worker(&self) {
        let running = self.job.with_value(|j| {
            j.as_ref().map_or(Vec::new(), |j| j.state.iter().map(|p| matches!(p, Part::Running)).collect())
        });
        self.withdraw();
        self.queued.set_value(None);
        // Only the workers still computing are stopped; the others stay for the next run.
        self.workers.update_value(|ws| {
            for (w, run) in ws.iter_mut().zip(running) {
                if run {
                    if let Some((w, _)) = w.take() {
                        w.terminate();
                    }
                }
            }
        });
    }

    /// Shows `out`, a result kept for `inputs`, those of `s` ([`Lane::recent`]): a run under way for other inputs
    /// stops (its workers, if computing, are stopped; the next run starts fresh ones).
    fn show_known(&self, inputs: String, out: Output, took_ms: f64, s: &Scenario) {
        if self.job.with_value(Option::is_some) {
            self.stop_worker();
        }
        self.queued.set_value(None);
        if self.busy.get_untracked() {
            self.busy.set(false);
        }
        self.generation.update_value(|g| *g += 1);
        self.job_inputs.set_value(inputs);
        if let Some(p) = perf() {
            let _ = p.mark(&format!("recall {}", self.kind.id()));
        }
        self.finish(out, took_ms, 0.0, 0.0, s, None);
        self.recalled.set(true);
    }

    /// Runs `s`, whose inputs are `key` ([`Scenario::inputs_of`]), on the main thread: with `pieces`, only the
    /// missing ones, merged with the kept ones.
    fn run_inline(&self, s: &Scenario, key: String, pieces: Option<Pieces>) {
        self.generation.update_value(|g| *g += 1);
        self.job_inputs.set_value(key);
        self.mark_start();
        let t0 = super::now_ms();
        let work = pieces.as_ref().map_or_else(|| self.kind.work(s), |p| p.work);
        let (out, keys) = match pieces {
            None => (Ok(with_analysis_marks(self.kind, || self.kind.run(s))), None),
            Some(Pieces { keys, mut kept, missing, .. }) => {
                let out = with_analysis_marks(self.kind, || {
                    if !missing.is_empty() {
                        kept.push(self.kind.run_pieces(s, &missing)?);
                    }
                    Output::merge(kept)
                });
                (out, Some(keys))
            }
        };
        let ms = super::now_ms() - t0;
        self.measure();
        match out {
            Ok(out) => self.finish(out, ms, ms, work, s, keys),
            Err(e) => self.error.set(Some(e)),
        }
    }

    /// Prices the shown result with the prices of `s`, if they changed.
    fn reprice(&self, s: &Scenario) {
        if !self.kind.model().reprices() {
            return;
        }
        let key = price_key(s);
        if self.prices.with_value(|k| *k != key) {
            self.prices.set_value(key);
            self.output.update(|o| {
                if let Some(o) = o {
                    o.reprice(s)
                }
            });
        }
    }

    /// Shows a finished run of scenario `s`: `took_ms` is its time as the reader waited for it, `cpu_ms` the time its
    /// parts computed, all together (for the throughput that estimates the next run).
    fn finish(&self, mut out: Output, took_ms: f64, cpu_ms: f64, work: f64, s: &Scenario, keys: Option<Vec<String>>) {
        // Priced with the newest prices, which may have changed while the run was under way.
        if let Some(latest) = self.latest.get_value() {
            out.reprice(&latest);
            self.prices.set_value(price_key(&latest));
        }
        if cpu_ms > 0.5 {
            // Smoothed throughput: one odd run (a GC pause, a busy machine) does not swing the next estimate.
            let first = !self.rate_measured.get_value();
            self.rate.update_value(|r| *r = if first { work / cpu_ms } else { 0.5 * *r + 0.5 * work / cpu_ms });
            self.rate_measured.set_value(true);
        }
        self.last_ms.set(took_ms);
        self.error.set(None);
        self.shown_inputs.set_value(self.job_inputs.get_value());
        let inputs = self.job_inputs.get_value();
        self.recent.update_value(|r| {
            r.retain(|(k, ..)| *k != inputs);
            if r.len() == RECENT {
                r.pop_front();
            }
            r.push_back((inputs, out.clone(), took_ms));
        });
        if self.recalled.get_untracked() {
            self.recalled.set(false);
        }
        self.keep_pieces(&out, s, keys);
        // A result that gives a piece of another model's run is kept for it.
        let gives = ModelKind::ALL.iter().any(|&k| plan::given_piece(s, k).is_some_and(|(by, _)| by == self.kind));
        if gives {
            let (kind, inputs) = (self.kind, self.job_inputs.get_value());
            GIVERS.with_borrow_mut(|g| {
                g.retain(|(k, ..)| *k != kind);
                g.push((kind, inputs, out.clone()));
            });
        }
        self.output.set(Some(out));
        if gives {
            offer_given_pieces();
        }
    }

    /// Runs `s` in the workers, in as many parts as there are slots (at most [`MAX_PARTS`]), as slots come free;
    /// until then the lane shows as busy with the previous results. `key` is `s`'s inputs ([`Scenario::inputs_of`]);
    /// with `pieces`, only the missing ones run.
    fn post(&self, s: &Scenario, key: String, pieces: Option<Pieces>) {
        let slots = POOL.with_borrow(Pool::all_slots);
        let shares = self.kind.pieces(s);
        let (which, kept, work, keys) = match pieces {
            Some(p) => (p.missing, p.kept, p.work, Some(p.keys)),
            None => ((0..shares.len()).collect(), Vec::new(), shares.iter().sum(), None),
        };
        // The piece that another model's run gives goes last, in a part of its own, which that run's result
        // usually completes before a slot comes free for it.
        let whole = which.len() == shares.len();
        let given = plan::given_piece(s, self.kind).filter(|(_, a)| which.contains(a));
        let apart = given.map(|(_, a)| a);
        let parts = plan::split_pieces(&shares, slots.min(MAX_PARTS), &which, apart);
        let rate = self.rate.get_value();
        let estimates: Vec<f64> = parts.iter().map(|g| g.iter().map(|&i| shares[i]).sum::<f64>() / rate).collect();
        // The parts run side by side if there are slots for them all, else some after others.
        let computed = &estimates[..parts.len() - usize::from(apart.is_some())];
        let rounds = computed.len().div_ceil(slots) as f64;
        let estimate = computed.iter().copied().fold(0.0, f64::max) * rounds;
        let given = given.map(|(by, a)| Given { part: parts.len() - 1, work: shares[a], by, inputs: by.inputs(s) });
        self.generation.update_value(|g| *g += 1);
        self.job_inputs.set_value(key);
        let n = parts.len();
        self.job.set_value(Some(Job {
            scenario: s.clone(),
            json: serde_json::to_string(s).unwrap_or_default().into(),
            parts,
            estimates,
            state: vec![Part::Waiting; n],
            progress: vec![0.0; n],
            kept,
            keys,
            worker_ms: 0.0,
            work,
            started: false,
            given,
        }));
        self.busy.set(true);
        self.posted_ms.set(super::now_ms());
        self.started_ms.set(super::now_ms());
        self.running.set(false);
        self.estimate_ms.set(estimate);
        self.estimate_known.set(self.rate_measured.get_value());
        let waiting: Vec<Waiting> = self.job.with_value(|j| {
            let Some(j) = j else { return Vec::new() };
            (0..n)
                .map(|part| Waiting {
                    kind: self.kind,
                    part,
                    estimate_ms: j.estimates[part],
                    given_by: j.given.as_ref().filter(|g| g.part == part).map(|g| (g.by, g.inputs.clone())),
                })
                .collect()
        });
        POOL.with_borrow_mut(|p| {
            // A whole run: parts of other models' runs that its result gives wait for it.
            if whole {
                p.run_under_way(self.kind, self.job_inputs.get_value());
            }
            waiting.into_iter().for_each(|w| p.queue(w));
        });
        offer_given_pieces();
        pump();
    }

    /// Sends part `part` of the run under way to its worker (it holds a slot from now on).
    fn start(&self, part: usize) {
        let lane = *self;
        let Some((json, pieces, first)) =
            self.job.with_value(|j| j.as_ref().map(|j| (j.json.clone(), j.parts[part].clone(), !j.started)))
        else {
            free_slot(self.kind, part);
            return;
        };
        self.job.update_value(|j| {
            if let Some(j) = j {
                j.state[part] = Part::Running;
                j.started = true;
            }
        });
        if self.workers.with_value(|ws| ws.get(part).is_none_or(Option::is_none)) {
            watch_silent_workers();
            match spawn_worker(move |ev| lane.on_message(part, ev), move |ev| lane.on_worker_error(part, ev)) {
                Ok(w) => self.workers.update_value(|ws| {
                    ws.resize_with(ws.len().max(part + 1), || None);
                    ws[part] = Some(w);
                }),
                Err(e) => {
                    // No worker: the whole run on the main thread instead.
                    self.error.set(Some(e));
                    let scenario = self.job.with_value(|j| j.as_ref().map(|j| j.scenario.clone()));
                    let key = self.job_inputs.get_value();
                    self.withdraw();
                    self.busy.set(false);
                    if let Some(scenario) = scenario {
                        self.run_inline(&scenario, key, None);
                    }
                    return;
                }
            }
        }
        let msg = js_sys::Object::new();
        let pieces: Vec<u32> = pieces.iter().map(|&i| i as u32).collect();
        let _ = js_sys::Reflect::set(&msg, &"id".into(), &JsValue::from_f64(self.generation.get_value() as f64));
        let _ = js_sys::Reflect::set(&msg, &"kind".into(), &self.kind.id().into());
        let _ = js_sys::Reflect::set(&msg, &"scenario".into(), &JsValue::from_str(&json));
        let _ = js_sys::Reflect::set(&msg, &"pieces".into(), &js_sys::Uint32Array::from(&pieces[..]));
        // Test hook: `window.playgroundTestCrash = '<model id>'` makes that model's worker crash instead of answering.
        if test_crash(self.kind) {
            let _ = js_sys::Reflect::set(&msg, &"crash".into(), &true.into());
        }
        self.workers.with_value(|ws| {
            if let Some(Some((w, _))) = ws.get(part) {
                let _ = w.post_message(&msg);
            }
        });
        if first {
            self.mark_start();
            self.started_ms.set(super::now_ms());
            self.running.set(true);
        }
    }

    fn on_message(&self, part: usize, ev: web_sys::MessageEvent) {
        let read_since = super::now_ms();
        let data = ev.data();
        let get = |k: &str| js_sys::Reflect::get(&data, &k.into()).ok();
        let id = get("id").and_then(|v| v.as_f64()).unwrap_or(-2.0);
        if id >= 0.0 && id as u64 != self.generation.get_value() {
            return;
        }
        if let Some(done) = get("progress").and_then(|v| v.as_f64()) {
            self.progressed(part, done);
            return;
        }
        // User Timing: reading the result and handing it to the page, named `result <model>`.
        let result_mark = format!("result {}", self.kind.id());
        if let Some(p) = perf() {
            let _ = p.mark(&format!("{result_mark} start"));
        }
        let error = get("error").and_then(|v| v.as_string());
        let parsed = get("out")
            .and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok())
            .map(|bytes| Output::from_bytes(&bytes.to_vec()));
        let ms = get("ms").and_then(|v| v.as_f64()).unwrap_or(0.0);
        let outcome = match (error, parsed) {
            (None, Some(Ok(out))) => Ok(out),
            (Some(e), _) | (None, Some(Err(e))) => Err(e),
            (None, None) => Err("the worker sent an empty answer".to_string()),
        };
        if id < 0.0 {
            // The worker could not start: drop it; the next run tries again or falls back to the main thread.
            self.workers.update_value(|ws| {
                if let Some(w) = ws.get_mut(part) {
                    *w = None;
                }
            });
        }
        self.part_done(part, outcome, ms, Some(read_since));
        if let Some(p) = perf() {
            let _ = p.measure_with_start_mark(&result_mark, &format!("{result_mark} start"));
        }
    }

    /// Part `part`'s worker crashed: it is stopped (the next run starts a fresh one), and the run ends with the
    /// error in its own section, with Try again; the other models go on.
    fn on_worker_error(&self, part: usize, ev: web_sys::ErrorEvent) {
        // Handled here: not also reported as an uncaught error of the page.
        ev.prevent_default();
        let what = ev.message();
        let what = if what.is_empty() { "no message".to_string() } else { what };
        self.worker_failed(part, format!("its worker stopped ({what})"));
    }

    /// Part `part`'s worker failed (crashed, or stopped answering): it is stopped, and the run ends with `why`.
    fn worker_failed(&self, part: usize, why: String) {
        let running =
            self.job.with_value(|j| j.as_ref().is_some_and(|j| matches!(j.state.get(part), Some(Part::Running))));
        self.workers.update_value(|ws| {
            if let Some(Some((w, _))) = ws.get_mut(part).map(Option::take) {
                w.terminate();
            }
        });
        if running {
            self.part_done(part, Err(why), 0.0, Some(super::now_ms()));
        }
    }

    /// Part `part` of the run under way reports the share `done` of its work done: the run's expected time becomes
    /// the time since it started over the share of the whole run done (the parts weighted by their expected
    /// times; a part done counts whole, one waiting for a worker nothing).
    fn progressed(&self, part: usize, done: f64) {
        POOL.with_borrow_mut(|p| p.heard(self.kind, part, super::now_ms()));
        let share = self
            .job
            .try_update_value(|j| {
                let j = j.as_mut()?;
                *j.progress.get_mut(part)? = done.clamp(0.0, 1.0);
                Some(j.share_done())
            })
            .flatten()
            .unwrap_or(0.0);
        let elapsed = super::now_ms() - self.started_ms.get_untracked();
        if share > 0.0 && elapsed > 0.0 {
            self.estimate_ms.set(elapsed / share);
            if !self.estimate_known.get_untracked() {
                self.estimate_known.set(true);
            }
        }
    }

    /// Part `part` of the run under way ended with `outcome` after `ms` in its worker; the last part merges the run
    /// and shows it. `read_since`: when the page began reading the worker's answer [ms since page load], if it came
    /// from a worker (which then held a slot, now free); `None` for a part another lane's result gave.
    fn part_done(&self, part: usize, outcome: Result<Output, String>, ms: f64, read_since: Option<f64>) {
        let held_slot = read_since.is_some();
        let whole = match outcome {
            Ok(out) => {
                if held_slot {
                    free_slot(self.kind, part);
                }
                self.job
                    .try_update_value(|j| {
                        let job = j.as_mut()?;
                        job.state[part] = Part::Done(Box::new(out));
                        job.worker_ms += ms;
                        if !job.state.iter().all(|p| matches!(p, Part::Done(_))) {
                            return None;
                        }
                        let j = j.take()?;
                        let outs =
                            j.state.into_iter().filter_map(|p| if let Part::Done(o) = p { Some(*o) } else { None });
                        let merged =
                            Output::merge(j.kept.into_iter().chain(outs).collect()).map(|o| (o, j.scenario, j.keys));
                        Some((merged, j.parts.len(), j.worker_ms, j.work))
                    })
                    .flatten()
            }
            Err(e) => Some((Err(e), 0, 0.0, 0.0)),
        };
        let done = whole.is_some();
        if let Some((merged, parts, worker_ms, work)) = whole {
            self.measure();
            let took = if parts > 1 { super::now_ms() - self.started_ms.get_untracked() } else { worker_ms };
            match merged {
                Ok((out, s, keys)) => self.finish(out, took, worker_ms, work, &s, keys),
                Err(e) => self.error.set(Some(e)),
            }
            // A failed part ends the run; the other parts' answers will be ignored.
            self.withdraw();
            self.busy.set(false);
        }
        // The charts of the result are drawn in what is left of this task's drawing budget after reading the result,
        // the others in the tasks that follow (under load, reading a result and drawing all its charts in one task
        // made it last over 50 ms). A part given by another lane's result (the provisioned sweep's own level, from
        // the scaling result) counts nothing itself: the giving lane's reading counts the whole task once. Marking the
        // task full sent the giving result's own charts to a later task (docs/performance.md).
        if let Some(t0) = read_since {
            super::chart_canvas::task_spent(super::now_ms() - t0)
        }
        pump();
        if done {
            if let Some(next) = self.queued.get_value() {
                self.queued.set_value(None);
                self.launch(&next, self.kind.inputs(&next));
            }
        }
    }
}

/// The prices a scaling result is priced with.
fn price_key(s: &Scenario) -> String {
    serde_json::to_string(&(&s.scaling.pricing, &s.scaling.always_on)).unwrap_or_default()
}

/// Where the page's own wasm-bindgen module is (Trunk preloads it), if the page was built by Trunk.
fn module_url() -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let href = doc.query_selector("link[rel=modulepreload]").ok()??.get_attribute("href")?;
    let base = web_sys::window()?.location().href().ok()?;
    web_sys::Url::new_with_base(&href, &base).ok().map(|u| u.href())
}

/// Whether the page asked for `kind`'s worker to crash (`window.playgroundTestCrash`, a test hook).
fn test_crash(kind: ModelKind) -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"playgroundTestCrash".into()).ok())
        .and_then(|v| v.as_string())
        .is_some_and(|id| id == kind.id())
}

fn workers_available() -> bool {
    cfg!(target_arch = "wasm32") && module_url().is_some()
}

fn spawn_worker(
    on_message: impl FnMut(web_sys::MessageEvent) + 'static,
    on_error: impl FnMut(web_sys::ErrorEvent) + 'static,
) -> Result<(web_sys::Worker, Handler), String> {
    let js = module_url().ok_or("no module to load in a worker")?;
    let url = web_sys::Url::new_with_base("worker.js", &js).map_err(|_| "no worker address")?.href();
    let opts = web_sys::WorkerOptions::new();
    opts.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options(&url, &opts).map_err(|e| format!("no Web Worker: {e:?}"))?;
    let handler: Handler = (Closure::new(on_message), Closure::new(on_error));
    worker.set_onmessage(Some(handler.0.as_ref().unchecked_ref()));
    // A worker that crashes (an uncaught error, out of memory) sends no answer: its error event ends its part.
    worker.set_onerror(Some(handler.1.as_ref().unchecked_ref()));
    let init = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&init, &"init".into(), &true.into());
    let _ = js_sys::Reflect::set(&init, &"js".into(), &js.into());
    let _ = js_sys::Reflect::set(&init, &"module".into(), &wasm_bindgen::module());
    worker.post_message(&init).map_err(|e| format!("the worker refused its module: {e:?}"))?;
    Ok((worker, handler))
}

/// Entry point of the worker (`public/worker.js`): runs one model on a scenario given as JSON and returns the
/// output as bytes ([`Output::to_bytes`]; a `Uint8Array` the worker hands over without a copy), or throws a message
/// naming the problem. `on_progress`, if given, is called with the share of the run done
/// ([`crate::model::progress`]) at most every [`PROGRESS_EVERY_MS`].
#[wasm_bindgen]
pub fn worker_run(
    kind: &str,
    scenario_json: &str,
    pieces: &[u32],
    on_progress: Option<js_sys::Function>,
) -> Result<Vec<u8>, String> {
    let kind = ModelKind::from_id(kind).ok_or_else(|| format!("unknown model '{kind}'"))?;
    let s = Scenario::from_json(scenario_json).map_err(|e| e.to_string())?;
    let pieces: Vec<usize> = pieces.iter().map(|&i| i as usize).collect();
    let reporting = on_progress.is_some();
    if let Some(f) = on_progress {
        PROGRESS.with_borrow_mut(|p| *p = Some((f, js_sys::Date::now())));
        crate::model::progress::set_hook(Some(progress_to_page));
    }
    let out =
        with_analysis_marks(kind, || if pieces.is_empty() { Ok(kind.run(&s)) } else { kind.run_pieces(&s, &pieces) });
    if reporting {
        crate::model::progress::set_hook(None);
        PROGRESS.with_borrow_mut(|p| *p = None);
    }
    Ok(out?.to_bytes())
}

/// The registry's models as JSON, for the browser tests (which list no model themselves): each model's `id`,
/// whether it `runs_on_edit` (or only on request), and the test ids of its `figures`.
#[wasm_bindgen]
pub fn models() -> String {
    let list: Vec<serde_json::Value> = ModelKind::ALL
        .iter()
        .map(|k| {
            let figures: Vec<&str> = k.model().figures().iter().map(|f| f.id).collect();
            serde_json::json!({ "id": k.id(), "runs_on_edit": !k.model().on_request(), "figures": figures })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

/// A worker's progress reports go to the page at most this often [ms] (the progress row redraws every 100 ms).
const PROGRESS_EVERY_MS: f64 = 100.0;

thread_local! {
    /// The worker's progress callback ([`worker_run`]) and when it was last called [ms since 1970].
    static PROGRESS: RefCell<Option<(js_sys::Function, f64)>> = const { RefCell::new(None) };
}

/// The progress hook of a worker's run: passes the share done to the callback, at most every [`PROGRESS_EVERY_MS`].
fn progress_to_page(done: f64) {
    PROGRESS.with_borrow_mut(|p| {
        if let Some((f, last)) = p {
            let now = js_sys::Date::now();
            if now - *last >= PROGRESS_EVERY_MS {
                *last = now;
                let _ = f.call1(&JsValue::NULL, &JsValue::from_f64(done));
            }
        }
    });
}
