//! Running the models without blocking the page: the browser side of each model's runs. What an edit does (show a
//! kept result, run on the page, split the run for the workers, hold a long one for the reader, let a run about to
//! end finish) is decided by [`LaneState`] and what starts in which worker slot by [`Pool`] (`crate::sched`, plain
//! types tested natively); this module passes them the clock and the cores, does what they say (starts Web Workers
//! that load the page's own wasm module, `public/worker.js`; stops them; runs a short run on the page) and mirrors
//! the state into each [`Lane`]'s signals: the previous results stay while a run goes on, with a progress estimate
//! and Cancel. A part that another model's whole run gives (the provisioned sweep's level at the scenario's own count
//! is the scaling run) waits for that result ([`offer_given_pieces`]). Every run leaves User Timing measures:
//! `compute <model>` on the page from the edit's submit to the result shown, `simulate <model>` in the worker,
//! `analyse <model>` for each analysis of a run's events ([`RunObserver`]), `result <model>` for reading a worker's
//! answer, and `draw <chart>` for each chart drawn ([`super::chart_canvas`]).

use super::perf;
use crate::model::observe::{self, Observer};
use crate::model::plan;
use crate::model::scenario::{ModelKind, Output, Scenario};
use crate::sched::lane::{Edit, Ended, LaneState, Pieces};
pub use crate::sched::lane::{Held, LONG_RUN_MS};
use crate::sched::{Pool, Waiting};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A worker's message and error handlers, kept alive with it.
type Handler = (Closure<dyn FnMut(web_sys::MessageEvent)>, Closure<dyn FnMut(web_sys::ErrorEvent)>);

/// One model's runs as the page shows them: signals mirrored from its [`LaneState`], and its workers.
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
    /// How long it is expected to take from its start [ms]: from the workers' progress reports once they come,
    /// before that from this model's measured speed.
    pub estimate_ms: RwSignal<f64>,
    /// [`Lane::estimate_ms`] rests on a measurement: a progress report of this run, or a run of this model before
    /// (the first run's estimate, from the model's prior speed, is a guess and not shown).
    pub estimate_known: RwSignal<bool>,
    /// How long the last finished run took [ms].
    pub last_ms: RwSignal<f64>,
    /// The results are from an older scenario: the run for the current one was cancelled.
    pub stale: RwSignal<bool>,
    /// Why the last run failed, if it did.
    pub error: RwSignal<Option<String>>,
    /// The result shown was kept from an earlier run of the same inputs, not simulated again.
    pub recalled: RwSignal<bool>,
    /// The run for the current inputs is expected to take over [`LONG_RUN_MS`] here, so it waits for the reader:
    /// its expected time and work.
    pub held: RwSignal<Option<Held>>,
    state: StoredValue<LaneState>,
    /// One worker per part of a run, kept for the next run.
    workers: StoredValue<Vec<Option<(web_sys::Worker, Handler)>>, LocalStorage>,
}

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
    /// Each model's lane, for the pool's answers (which name a model).
    static LANES: RefCell<Vec<Lane>> = const { RefCell::new(Vec::new()) };
}

/// Worker slots for a run's parts: 0 when there are no workers (the run goes on the page).
fn slots() -> usize {
    if workers_available() {
        POOL.with_borrow(Pool::all_slots)
    } else {
        0
    }
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
            let piece = lane.state.with_value(|st| {
                let run = st.run()?;
                GIVERS.with_borrow(|g| {
                    let (_, _, out) = g.iter().find(|(k, i, _)| *k == by && *i == inputs)?;
                    plan::piece_from(&run.scenario, w.kind, out)
                })
            });
            match piece {
                Some(piece) => {
                    let ended = lane.state.try_update_value(|st| st.given(w.part, piece, super::now_ms())).flatten();
                    lane.settle(ended, None);
                }
                // Cannot happen (the giver's output is of its kind); run the part after all.
                None => POOL.with_borrow_mut(|p| p.queue(Waiting { given_by: None, ..w })),
            }
        }
    }
}

/// Stops a worker whose handlers are being dropped: an event of it already queued finds no handler instead of a
/// dropped closure.
fn stop_worker(w: &web_sys::Worker) {
    w.set_onmessage(None);
    w.set_onerror(None);
    w.terminate();
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

/// Watches a run on the page or in a worker ([`observe::watch`]): its analyses become User Timing measures
/// (`analyse <model>`); in a worker its progress goes to the page ([`worker_run`]).
struct RunObserver {
    /// The analysis measure's name.
    analysis: String,
    /// The worker's progress callback and when it was last called [ms since 1970].
    progress: Option<(js_sys::Function, Cell<f64>)>,
    /// Test hook: the run is paced to last at least this long [ms] from `t0` ([`test_hook`] `playgroundTestSlow`).
    slow_ms: f64,
    t0: f64,
}

/// A worker's progress reports go to the page at most this often [ms] (the progress row redraws every 100 ms).
const PROGRESS_EVERY_MS: f64 = 100.0;

impl RunObserver {
    fn new(kind: ModelKind, progress: Option<js_sys::Function>, slow_ms: f64) -> Rc<Self> {
        let now = js_sys::Date::now();
        Rc::new(RunObserver {
            analysis: format!("analyse {}", kind.id()),
            progress: progress.map(|f| (f, Cell::new(now))),
            slow_ms,
            t0: now,
        })
    }

    /// The test hook's pace: waits until the share `done` of `slow_ms` has passed.
    fn pace(&self, done: f64) {
        while self.slow_ms > 0.0 && js_sys::Date::now() - self.t0 < done * self.slow_ms {}
    }
}

impl Observer for RunObserver {
    fn progress(&self, done: f64) {
        self.pace(done);
        if let Some((f, last)) = &self.progress {
            let now = js_sys::Date::now();
            if now - last.get() >= PROGRESS_EVERY_MS {
                last.set(now);
                let _ = f.call1(&JsValue::NULL, &JsValue::from_f64(done));
            }
        }
    }

    fn analysis(&self, begins: bool) {
        let Some(p) = perf() else { return };
        let start = format!("{} start", self.analysis);
        let _ = if begins { p.mark(&start) } else { p.measure_with_start_mark(&self.analysis, &start) };
    }
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
            state: StoredValue::new(LaneState::new(kind)),
            workers: StoredValue::new_local(Vec::new()),
        };
        LANES.with_borrow_mut(|l| {
            l.retain(|x| x.kind != kind);
            l.push(lane);
        });
        lane
    }

    /// The inputs (as [`ModelKind::inputs`]) of the result shown.
    pub fn inputs(&self) -> String {
        self.state.with_value(|st| st.shown_inputs().to_string())
    }

    /// Runs the model for `s` unless its inputs are those of the last run.
    pub fn submit(&self, s: &Scenario) {
        let again = self.stale.get_untracked();
        let edit = self.state.try_update_value(|st| st.edit(s, super::now_ms(), slots(), again));
        match edit {
            Some(Edit::Same) => self.reprice(s),
            Some(edit) => {
                if again {
                    self.stale.set(false);
                }
                self.apply(edit)
            }
            None => {}
        }
    }

    /// Starts the run that waits for the reader ([`Lane::held`]), however long it takes.
    pub fn run_anyway(&self) {
        if let Some(edit) = self.state.try_update_value(|st| st.run_anyway(slots())).flatten() {
            self.apply(edit);
        }
    }

    /// Runs the model for the last submitted scenario again (after a cancel or a failure).
    pub fn rerun(&self) {
        if let Some(s) = self.state.with_value(|st| st.latest().cloned()) {
            self.stale.set(true);
            self.submit(&s);
        }
    }

    /// Stops the run under way; the previous results stay, marked as being for an older scenario.
    pub fn cancel(&self) {
        if self.busy.get_untracked() {
            let stop = self.state.try_update_value(LaneState::dropped).unwrap_or_default();
            self.stop(stop);
            self.busy.set(false);
            self.stale.set(true);
        }
    }

    /// Does what an edit decided.
    fn apply(&self, edit: Edit) {
        let latest = || self.state.with_value(|st| st.latest().cloned());
        match edit {
            Edit::Same | Edit::Queued => {}
            Edit::Recall { mut out, took_ms, stop } => {
                self.stop(stop);
                if let Some(p) = perf() {
                    let _ = p.mark(&format!("recall {}", self.kind.id()));
                }
                self.state.update_value(|st| st.recalled(&mut out));
                if let Some(s) = latest() {
                    self.show(*out, took_ms, &s);
                }
                self.recalled.set(true);
            }
            Edit::Hold { held, stop } => {
                self.stop(stop);
                self.held.set(Some(held));
            }
            Edit::Page { pieces, stop } => {
                self.stop(stop);
                self.mark_kept();
                if let Some(s) = latest() {
                    self.run_on_page(&s, pieces);
                }
            }
            Edit::Workers { waiting, whole, stop } => {
                self.stop(stop);
                self.mark_kept();
                self.post(waiting, whole);
            }
        }
    }

    /// Stops the run dropped by an edit: its waiting parts leave the pool's line, its parts in workers give back
    /// their slots and their workers are stopped (the others stay for the next run); the next waiting runs may start.
    fn stop(&self, running: Vec<usize>) {
        let kind = self.kind;
        POOL.with_borrow_mut(|p| p.withdraw(kind));
        for &part in &running {
            free_slot(kind, part);
        }
        self.workers.update_value(|ws| {
            for part in running {
                if let Some(Some((w, _))) = ws.get_mut(part).map(Option::take) {
                    stop_worker(&w);
                }
            }
        });
        if self.busy.get_untracked() {
            self.busy.set(false);
        }
        if self.held.get_untracked().is_some() {
            self.held.set(None);
        }
        pump();
    }

    /// User Timing: a run that takes some of its pieces from earlier runs is marked `kept <model> <kept>/<all>`.
    fn mark_kept(&self) {
        if let (Some((kept, all)), Some(p)) = (self.state.with_value(LaneState::kept_last), perf()) {
            let _ = p.mark(&format!("kept {} {kept}/{all}", self.kind.id()));
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

    /// Runs `s` on the main thread ([`Edit::Page`]): with `pieces`, only the missing ones, merged with the kept ones.
    fn run_on_page(&self, s: &Scenario, pieces: Option<Pieces>) {
        self.mark_start();
        let t0 = super::now_ms();
        let work = pieces.as_ref().map_or_else(|| self.kind.work(s), |p| p.work);
        let observer = RunObserver::new(self.kind, None, 0.0);
        let (out, keys) = observe::watch(observer, || self.state.with_value(|st| st.run_on_page(s, pieces)));
        let ms = super::now_ms() - t0;
        self.measure();
        match out {
            Ok(out) => {
                let out = self.state.try_update_value(|st| st.finished(out, s, ms, ms, work, keys));
                if let Some(out) = out {
                    self.show(out, ms, s);
                }
            }
            Err(e) => self.error.set(Some(e)),
        }
    }

    /// Prices the shown result with the prices of `s`, if they changed.
    fn reprice(&self, s: &Scenario) {
        if self.state.try_update_value(|st| st.prices_changed(s)).unwrap_or(false) {
            self.output.update(|o| {
                if let Some(o) = o {
                    o.reprice(s)
                }
            });
        }
    }

    /// Shows `out`, a result for scenario `s` that the reader waited `took_ms` for.
    fn show(&self, out: Output, took_ms: f64, s: &Scenario) {
        self.last_ms.set(took_ms);
        if self.error.get_untracked().is_some() {
            self.error.set(None);
        }
        if self.recalled.get_untracked() {
            self.recalled.set(false);
        }
        // A result that gives a piece of another model's run is kept for it.
        let gives = ModelKind::ALL.iter().any(|&k| plan::given_piece(s, k).is_some_and(|(by, _)| by == self.kind));
        if gives {
            let (kind, inputs) = (self.kind, self.inputs());
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

    /// Puts the parts of a run for the workers in the pool's line ([`Edit::Workers`]); until a slot takes one, the
    /// lane shows as busy with the previous results.
    fn post(&self, waiting: Vec<Waiting>, whole: bool) {
        let (estimate, measured, inputs) =
            self.state.with_value(|st| (st.estimate_ms(), st.measured(), st.run_inputs().to_string()));
        self.busy.set(true);
        self.posted_ms.set(super::now_ms());
        self.started_ms.set(super::now_ms());
        self.running.set(false);
        self.estimate_ms.set(estimate);
        self.estimate_known.set(measured);
        POOL.with_borrow_mut(|p| {
            // A whole run: parts of other models' runs that its result gives wait for it.
            if whole {
                p.run_under_way(self.kind, inputs);
            }
            waiting.into_iter().for_each(|w| p.queue(w));
        });
        offer_given_pieces();
        pump();
    }

    /// Sends part `part` of the run under way to its worker (it holds a slot from now on).
    fn start(&self, part: usize) {
        let lane = *self;
        let now = super::now_ms();
        let Some((json, pieces)) =
            self.state.with_value(|st| st.run().map(|r| (r.json.clone(), r.parts[part].clone())))
        else {
            free_slot(self.kind, part);
            return;
        };
        let first = self.state.try_update_value(|st| st.part_started(part, now)).unwrap_or(false);
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
                    let s = self.state.with_value(|st| st.run().map(|r| r.scenario.clone()));
                    let stop = self.state.try_update_value(LaneState::dropped).unwrap_or_default();
                    self.stop(stop);
                    if let Some(s) = s {
                        self.run_on_page(&s, None);
                    }
                    return;
                }
            }
        }
        let msg = js_sys::Object::new();
        let pieces: Vec<u32> = pieces.iter().map(|&i| i as u32).collect();
        let generation = self.state.with_value(LaneState::generation);
        let _ = js_sys::Reflect::set(&msg, &"id".into(), &JsValue::from_f64(generation as f64));
        let _ = js_sys::Reflect::set(&msg, &"kind".into(), &self.kind.id().into());
        let _ = js_sys::Reflect::set(&msg, &"scenario".into(), &JsValue::from_str(&json));
        let _ = js_sys::Reflect::set(&msg, &"pieces".into(), &js_sys::Uint32Array::from(&pieces[..]));
        // Test hooks: `window.playgroundTestCrash = '<model id>'` makes that model's worker crash instead of
        // answering; `window.playgroundTestSlow = { '<model id>': ms }` makes its runs in workers last that long.
        if test_hook("playgroundTestCrash", self.kind).is_some() {
            let _ = js_sys::Reflect::set(&msg, &"crash".into(), &true.into());
        }
        if let Some(slow) = test_hook("playgroundTestSlow", self.kind).and_then(|v| v.as_f64()) {
            let _ = js_sys::Reflect::set(&msg, &"slow".into(), &JsValue::from_f64(slow));
        }
        self.workers.with_value(|ws| {
            if let Some(Some((w, _))) = ws.get(part) {
                let _ = w.post_message(&msg);
            }
        });
        if first {
            self.mark_start();
            self.started_ms.set(now);
            self.running.set(true);
        }
    }

    fn on_message(&self, part: usize, ev: web_sys::MessageEvent) {
        let read_since = super::now_ms();
        let data = ev.data();
        let get = |k: &str| js_sys::Reflect::get(&data, &k.into()).ok();
        let id = get("id").and_then(|v| v.as_f64()).unwrap_or(-2.0);
        if id >= 0.0 && id as u64 != self.state.with_value(LaneState::generation) {
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
        self.part_done(part, outcome, ms, read_since);
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
        let running = self.state.with_value(|st| st.run().is_some_and(|r| r.running().contains(&part)));
        self.workers.update_value(|ws| {
            if let Some(Some((w, _))) = ws.get_mut(part).map(Option::take) {
                stop_worker(&w);
            }
        });
        if running {
            self.part_done(part, Err(why), 0.0, super::now_ms());
        }
    }

    /// Part `part` of the run under way reports the share `done` of its work done.
    fn progressed(&self, part: usize, done: f64) {
        let now = super::now_ms();
        POOL.with_borrow_mut(|p| p.heard(self.kind, part, now));
        if let Some(estimate) = self.state.try_update_value(|st| st.progressed(part, done, now)).flatten() {
            self.estimate_ms.set(estimate);
            if !self.estimate_known.get_untracked() {
                self.estimate_known.set(true);
            }
        }
    }

    /// Part `part` of the run under way ended in its worker with `outcome` after `ms` there; the page began reading
    /// its answer at `read_since` [ms since page load]. Its slot is free.
    fn part_done(&self, part: usize, outcome: Result<Output, String>, ms: f64, read_since: f64) {
        // A failed part ends the run: the other parts in workers give back their slots (their answers will be
        // ignored; their workers are left to end, so that an error event of theirs still finds its handler).
        let others: Vec<usize> = match outcome {
            Ok(_) => Vec::new(),
            Err(_) => self.state.with_value(|st| st.run().map(|r| r.running()).unwrap_or_default()),
        };
        free_slot(self.kind, part);
        let ended = self.state.try_update_value(|st| st.part_done(part, outcome, ms, super::now_ms())).flatten();
        others.into_iter().filter(|&p| p != part).for_each(|p| free_slot(self.kind, p));
        self.settle(ended, Some(read_since));
    }

    /// After a part ended (in a worker, or given by another lane's result; `read_since`: when the page began
    /// reading a worker's answer): shows the run if that was its last part, starts what may start next.
    fn settle(&self, ended: Option<Ended>, read_since: Option<f64>) {
        let done = ended.is_some();
        if let Some(ended) = ended {
            self.measure();
            match self.state.try_update_value(|st| st.ended(ended)) {
                Some(Ok((out, s, took_ms))) => self.show(out, took_ms, &s),
                Some(Err(e)) => self.error.set(Some(e)),
                None => {}
            }
            POOL.with_borrow_mut(|p| p.withdraw(self.kind));
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
            if let Some(next) = self.state.try_update_value(LaneState::next_queued).flatten() {
                let edit = self.state.try_update_value(|st| st.edit(&next, super::now_ms(), slots(), true));
                if let Some(edit) = edit {
                    self.apply(edit);
                }
            }
        }
    }
}

/// Where the page's own wasm-bindgen module is (Trunk preloads it), if the page was built by Trunk.
fn module_url() -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let href = doc.query_selector("link[rel=modulepreload]").ok()??.get_attribute("href")?;
    let base = web_sys::window()?.location().href().ok()?;
    web_sys::Url::new_with_base(&href, &base).ok().map(|u| u.href())
}

/// A test hook's value for `kind`: `window[name]` is the model's id, or an object with a value under its id.
fn test_hook(name: &str, kind: ModelKind) -> Option<JsValue> {
    let v = js_sys::Reflect::get(&JsValue::from(web_sys::window()?), &name.into()).ok()?;
    if v.as_string().is_some_and(|id| id == kind.id()) {
        return Some(v);
    }
    let under = js_sys::Reflect::get(&v, &kind.id().into()).ok().filter(|x| !x.is_undefined() && !x.is_null());
    under.filter(|_| v.is_object())
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
/// naming the problem. `on_progress`, if given, is called with the share of the run done ([`RunObserver`]) at most
/// every [`PROGRESS_EVERY_MS`]. `slow_ms`: a test hook's pace (`window.playgroundTestSlow`), 0 for none.
#[wasm_bindgen]
pub fn worker_run(
    kind: &str,
    scenario_json: &str,
    pieces: &[u32],
    on_progress: Option<js_sys::Function>,
    slow_ms: Option<f64>,
) -> Result<Vec<u8>, String> {
    let kind = ModelKind::from_id(kind).ok_or_else(|| format!("unknown model '{kind}'"))?;
    let s = Scenario::from_json(scenario_json).map_err(|e| e.to_string())?;
    let pieces: Vec<usize> = pieces.iter().map(|&i| i as usize).collect();
    let observer = RunObserver::new(kind, on_progress, slow_ms.unwrap_or(0.0).max(0.0));
    let out = observe::watch(observer.clone(), || {
        if pieces.is_empty() {
            Ok(kind.run(&s))
        } else {
            kind.run_pieces(&s, &pieces)
        }
    });
    observer.pace(1.0);
    Ok(out?.to_bytes())
}

/// The registry's models as JSON, for the browser tests (which list no model themselves): each model's `id`,
/// whether it `runs_on_edit` (or only on request), and the test ids of its `figures` and `charts`.
#[wasm_bindgen]
pub fn models() -> String {
    let list: Vec<serde_json::Value> = ModelKind::ALL
        .iter()
        .map(|k| {
            let figures: Vec<&str> = k.model().figures().iter().map(|f| f.id).collect();
            let charts: Vec<&str> = k.model().charts().iter().map(|c| c.id).collect();
            serde_json::json!({ "id": k.id(), "runs_on_edit": !k.model().on_request(), "figures": figures, "charts": charts })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}
