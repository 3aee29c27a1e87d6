//! Running the models without blocking the page. Each model has a [`Lane`]: a run estimated to take less than
//! [`INLINE_MS`] is done at once on the main thread (the edit redraws in the same frame); a longer one goes to the
//! lane's Web Worker, which loads the page's own wasm module (`public/worker.js`), while the page keeps the previous
//! results, shows a progress estimate and a Cancel button, and stays responsive. A newer edit supersedes: a run with
//! more than [`SUPERSEDE_MS`] left is cancelled and restarted, a shorter one finishes and the newest edit runs next.
//! Every run leaves User Timing marks (`compute <model>` on the page, `simulate <model>` in the worker).
//! Workers run at most [`worker_slots`] at once (one core is left to the page while the scaling run is under way);
//! the others wait their turn ([`pump`]: the scaling run first, so on a two-core machine the scaling run of a huge
//! curve is not slowed by five others; then the longest run in one slot and the shortest first in the others).

use crate::model::scenario::{ModelKind, Output, Scenario};
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::VecDeque;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Runs expected to take less than this are done on the main thread [ms] (about half a frame).
pub const INLINE_MS: f64 = 8.0;
/// A running job with more than this left is cancelled by a newer edit [ms].
pub const SUPERSEDE_MS: f64 = 1000.0;
/// Throughput assumed before a model's first run [work units per ms]: low, so a first run goes to the worker.
const FIRST_RATE: f64 = 500.0;

type Handler = Closure<dyn FnMut(web_sys::MessageEvent)>;

/// One model's runs and their state.
#[derive(Clone, Copy)]
pub struct Lane {
    /// Which model.
    pub kind: ModelKind,
    /// The last finished result (kept while a newer run is under way).
    pub output: RwSignal<Option<Output>>,
    /// A run is under way in the worker.
    pub busy: RwSignal<bool>,
    /// When it started [ms since page load].
    pub started_ms: RwSignal<f64>,
    /// How long it is expected to take [ms].
    pub estimate_ms: RwSignal<f64>,
    /// How long the last finished run took [ms].
    pub last_ms: RwSignal<f64>,
    /// The results are from an older scenario: the run for the current one was cancelled.
    pub stale: RwSignal<bool>,
    /// Why the last run failed, if it did.
    pub error: RwSignal<Option<String>>,
    rate: StoredValue<f64>,
    generation: StoredValue<u64>,
    job_work: StoredValue<f64>,
    inputs: StoredValue<String>,
    /// The inputs of the run under way (worker or inline), and of the result shown.
    job_inputs: StoredValue<String>,
    shown_inputs: StoredValue<String>,
    /// The prices the shown result is priced with (a price edit reprices it in place).
    prices: StoredValue<String>,
    queued: StoredValue<Option<Scenario>>,
    latest: StoredValue<Option<Scenario>>,
    worker: StoredValue<Option<(web_sys::Worker, Handler)>, LocalStorage>,
    /// A run waiting for a worker slot: its scenario and estimate [ms].
    waiting: StoredValue<Option<(Scenario, f64)>>,
    /// This lane's worker run holds one of the slots.
    holding: StoredValue<bool>,
}

/// Worker runs allowed at once. One core is left to the page, except on a two-core machine once the scaling run is
/// done: there the page is idle while the other models run (its longest task stayed under 50 ms), and the second
/// worker cut the time until every model of a 24-hour curve is drawn by a quarter. While the scaling run, the chart a
/// reader looks at first, is under way, no other run starts beside it on such a machine (sharing the cores made it
/// 10.1 → 12.8 s on that curve).
fn worker_slots(scaling_running: bool) -> usize {
    let cores = web_sys::window().map_or(2.0, |w| w.navigator().hardware_concurrency()) as usize;
    let spare = cores.saturating_sub(1).max(1);
    if scaling_running {
        spare
    } else {
        spare.max(cores.min(2))
    }
}

/// Runs under way in workers and lanes waiting for a slot.
#[derive(Default)]
struct Pool {
    /// Slots taken.
    running: usize,
    /// The scaling lane holds one of them.
    scaling_running: bool,
    /// The lane that took a slot as the longest waiting run, while it holds it.
    longest: Option<ModelKind>,
    /// Waiting; see [`pump`] for the order.
    waiting: VecDeque<Lane>,
}

thread_local! {
    static POOL: RefCell<Pool> = RefCell::new(Pool::default());
}

/// Starts waiting runs while there are free slots. The scaling run goes first. With two slots or more, one of them
/// takes the longest waiting run and the others the shortest first: the short runs' charts come at once and the
/// longest run is not left to start last (24-hour curve, two cores: every model drawn 174 → 146 s; in the order
/// the lanes asked, the chain model's 125 s began after the others).
fn pump() {
    loop {
        let next = POOL.with(|p| {
            let mut p = p.borrow_mut();
            let estimate = |l: &Lane| l.waiting.with_value(|w| w.as_ref().map_or(0.0, |(_, e)| *e));
            let scaling = p.waiting.iter().position(|l| l.kind == ModelKind::Scaling);
            let longest = scaling.is_none() && p.longest.is_none() && worker_slots(false) >= 2;
            let by_estimate = |a: &(usize, &Lane), b: &(usize, &Lane)| estimate(a.1).total_cmp(&estimate(b.1));
            let at = match scaling {
                Some(at) => at,
                None if longest => p.waiting.iter().enumerate().max_by(by_estimate)?.0,
                None => p.waiting.iter().enumerate().min_by(by_estimate)?.0,
            };
            // The scaling run may take the second slot of a two-core machine; the others wait while it runs.
            if p.running >= worker_slots(p.scaling_running && scaling.is_none()) {
                return None;
            }
            let lane = p.waiting.remove(at)?;
            p.running += 1;
            p.scaling_running |= lane.kind == ModelKind::Scaling;
            if longest {
                p.longest = Some(lane.kind);
            }
            Some(lane)
        });
        let Some(lane) = next else { break };
        lane.holding.set_value(true);
        match lane.waiting.get_value() {
            Some((s, estimate)) => {
                lane.waiting.set_value(None);
                lane.start(&s, estimate);
            }
            None => lane.release(),
        }
    }
}

fn perf() -> Option<web_sys::Performance> {
    web_sys::window().and_then(|w| w.performance())
}

impl Lane {
    /// A lane with no result yet.
    pub fn new(kind: ModelKind) -> Self {
        Lane {
            kind,
            output: RwSignal::new(None),
            busy: RwSignal::new(false),
            started_ms: RwSignal::new(0.0),
            estimate_ms: RwSignal::new(0.0),
            last_ms: RwSignal::new(0.0),
            stale: RwSignal::new(false),
            error: RwSignal::new(None),
            rate: StoredValue::new(FIRST_RATE),
            generation: StoredValue::new(0),
            job_work: StoredValue::new(1.0),
            inputs: StoredValue::new(String::new()),
            prices: StoredValue::new(String::new()),
            job_inputs: StoredValue::new(String::new()),
            shown_inputs: StoredValue::new(String::new()),
            queued: StoredValue::new(None),
            latest: StoredValue::new(None),
            worker: StoredValue::new_local(None),
            waiting: StoredValue::new(None),
            holding: StoredValue::new(false),
        }
    }

    /// The inputs (as [`Scenario::inputs_of`]) of the result shown.
    pub fn inputs(&self) -> String {
        self.shown_inputs.get_value()
    }

    /// Runs the model for `s` unless its inputs are those of the last run.
    pub fn submit(&self, s: &Scenario) {
        let key = s.inputs_of(self.kind);
        if self.inputs.with_value(|k| *k == key) && !self.stale.get_untracked() {
            self.reprice(s);
            return;
        }
        self.inputs.set_value(key);
        self.latest.set_value(Some(s.clone()));
        self.stale.set(false);
        let estimate = s.work_of(self.kind) / self.rate.get_value();
        if self.waiting.with_value(Option::is_some) {
            // Not started yet: the newer scenario takes its place in the line.
            self.waiting.set_value(Some((s.clone(), estimate)));
            self.estimate_ms.set(estimate);
            return;
        }
        if self.busy.get_untracked() {
            let left = self.estimate_ms.get_untracked() - (super::now_ms() - self.started_ms.get_untracked());
            if left <= SUPERSEDE_MS {
                self.queued.set_value(Some(s.clone()));
                return;
            }
            self.stop_worker();
        }
        if estimate < INLINE_MS || !workers_available() {
            self.run_inline(s);
        } else {
            self.post(s, estimate);
        }
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

    /// Gives back this lane's worker slot, if it holds one, and lets the next waiting run start.
    fn release(&self) {
        if self.holding.get_value() {
            self.holding.set_value(false);
            let (kind, scaling) = (self.kind, self.kind == ModelKind::Scaling);
            POOL.with(|p| {
                let mut p = p.borrow_mut();
                p.running = p.running.saturating_sub(1);
                p.scaling_running &= !scaling;
                if p.longest == Some(kind) {
                    p.longest = None;
                }
            });
        }
        pump();
    }

    fn stop_worker(&self) {
        self.waiting.set_value(None);
        let kind = self.kind;
        POOL.with(|p| p.borrow_mut().waiting.retain(|l| l.kind != kind));
        self.release();
        self.queued.set_value(None);
        self.generation.update_value(|g| *g += 1);
        self.worker.update_value(|w| {
            if let Some((w, _)) = w.take() {
                w.terminate();
            }
        });
    }

    fn run_inline(&self, s: &Scenario) {
        self.generation.update_value(|g| *g += 1);
        self.job_inputs.set_value(s.inputs_of(self.kind));
        self.mark_start();
        let t0 = super::now_ms();
        let out = s.run(self.kind);
        let ms = super::now_ms() - t0;
        self.measure();
        self.finish(out, ms, s.work_of(self.kind));
    }

    /// Prices the shown result with the prices of `s`, if they changed.
    fn reprice(&self, s: &Scenario) {
        if !matches!(self.kind, ModelKind::Scaling | ModelKind::Provisioned) {
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

    fn finish(&self, mut out: Output, ms: f64, work: f64) {
        // Priced with the newest prices, which may have changed while the run was under way.
        if let Some(s) = self.latest.get_value() {
            out.reprice(&s);
            self.prices.set_value(price_key(&s));
        }
        if ms > 0.5 {
            // Smoothed throughput: one odd run (a GC pause, a busy machine) does not swing the next estimate.
            self.rate.update_value(|r| *r = 0.5 * *r + 0.5 * work / ms);
        }
        self.last_ms.set(ms);
        self.error.set(None);
        self.shown_inputs.set_value(self.job_inputs.get_value());
        self.output.set(Some(out));
    }

    /// Runs `s` in the worker when a slot is free; until then the lane shows as busy with the previous results.
    fn post(&self, s: &Scenario, estimate: f64) {
        self.waiting.set_value(Some((s.clone(), estimate)));
        self.busy.set(true);
        self.started_ms.set(super::now_ms());
        self.estimate_ms.set(estimate);
        let kind = self.kind;
        POOL.with(|p| {
            let mut p = p.borrow_mut();
            if !p.waiting.iter().any(|l| l.kind == kind) {
                p.waiting.push_back(*self);
            }
        });
        pump();
    }

    fn start(&self, s: &Scenario, estimate: f64) {
        let lane = *self;
        if self.worker.with_value(|w| w.is_none()) {
            match spawn_worker(move |ev| lane.on_message(ev)) {
                Ok(w) => self.worker.set_value(Some(w)),
                Err(e) => {
                    self.error.set(Some(e));
                    self.busy.set(false);
                    self.release();
                    self.run_inline(s);
                    return;
                }
            }
        }
        self.generation.update_value(|g| *g += 1);
        let id = self.generation.get_value();
        self.job_work.set_value(s.work_of(self.kind));
        self.job_inputs.set_value(s.inputs_of(self.kind));
        let msg = js_sys::Object::new();
        let json = serde_json::to_string(s).unwrap_or_default();
        let _ = js_sys::Reflect::set(&msg, &"id".into(), &JsValue::from_f64(id as f64));
        let _ = js_sys::Reflect::set(&msg, &"kind".into(), &self.kind.id().into());
        let _ = js_sys::Reflect::set(&msg, &"scenario".into(), &json.into());
        self.worker.with_value(|w| {
            if let Some((w, _)) = w {
                let _ = w.post_message(&msg);
            }
        });
        self.mark_start();
        self.busy.set(true);
        self.started_ms.set(super::now_ms());
        self.estimate_ms.set(estimate);
    }

    fn on_message(&self, ev: web_sys::MessageEvent) {
        let data = ev.data();
        let get = |k: &str| js_sys::Reflect::get(&data, &k.into()).ok();
        let id = get("id").and_then(|v| v.as_f64()).unwrap_or(-2.0);
        if id >= 0.0 && id as u64 != self.generation.get_value() {
            return;
        }
        let started = self.started_ms.get_untracked();
        self.measure();
        // User Timing: reading the result and handing it to the page, named `result <model>`.
        let result_mark = format!("result {}", self.kind.id());
        if let Some(p) = perf() {
            let _ = p.mark(&format!("{result_mark} start"));
        }
        let error = get("error").and_then(|v| v.as_string());
        let parsed = get("out")
            .and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok())
            .map(|bytes| Output::from_bytes(&bytes.to_vec()));
        match (error, parsed) {
            (None, Some(Ok(out))) => {
                let ms = get("ms").and_then(|v| v.as_f64()).unwrap_or(super::now_ms() - started);
                self.finish(out, ms, self.job_work.get_value());
            }
            (Some(e), _) => self.error.set(Some(e)),
            (None, Some(Err(e))) => self.error.set(Some(e)),
            (None, None) => self.error.set(Some("the worker sent an empty answer".into())),
        }
        if let Some(p) = perf() {
            let _ = p.measure_with_start_mark(&result_mark, &format!("{result_mark} start"));
        }
        // The charts of the result are drawn in the tasks that follow, not in this one (under load, reading a
        // result and drawing its first chart in one task made it last over 50 ms).
        super::chart_canvas::task_is_full();
        self.busy.set(false);
        self.release();
        if id < 0.0 {
            // The worker could not start: drop it; the next run tries again or falls back to the main thread.
            self.worker.update_value(|w| *w = None);
        }
        if let Some(next) = self.queued.get_value() {
            self.queued.set_value(None);
            let estimate = next.work_of(self.kind) / self.rate.get_value();
            self.post(&next, estimate);
        }
    }
}

/// The prices a scaling result is priced with.
fn price_key(s: &Scenario) -> String {
    serde_json::json!([s.scaling.pricing, s.scaling.always_on]).to_string()
}

/// Where the page's own wasm-bindgen module is (Trunk preloads it), if the page was built by Trunk.
fn module_url() -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let href = doc.query_selector("link[rel=modulepreload]").ok()??.get_attribute("href")?;
    let base = web_sys::window()?.location().href().ok()?;
    web_sys::Url::new_with_base(&href, &base).ok().map(|u| u.href())
}

fn workers_available() -> bool {
    cfg!(target_arch = "wasm32") && module_url().is_some()
}

fn spawn_worker(on_message: impl FnMut(web_sys::MessageEvent) + 'static) -> Result<(web_sys::Worker, Handler), String> {
    let js = module_url().ok_or("no module to load in a worker")?;
    let url = web_sys::Url::new_with_base("worker.js", &js).map_err(|_| "no worker address")?.href();
    let opts = web_sys::WorkerOptions::new();
    opts.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options(&url, &opts).map_err(|e| format!("no Web Worker: {e:?}"))?;
    let handler: Handler = Closure::new(on_message);
    worker.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    let init = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&init, &"init".into(), &true.into());
    let _ = js_sys::Reflect::set(&init, &"js".into(), &js.into());
    let _ = js_sys::Reflect::set(&init, &"module".into(), &wasm_bindgen::module());
    worker.post_message(&init).map_err(|e| format!("the worker refused its module: {e:?}"))?;
    Ok((worker, handler))
}

/// Entry point of the worker (`public/worker.js`): runs one model on a scenario given as JSON and returns the
/// output as bytes ([`Output::to_bytes`]; a `Uint8Array` the worker hands over without a copy), or throws a message
/// naming the problem.
#[wasm_bindgen]
pub fn worker_run(kind: &str, scenario_json: &str) -> Result<Vec<u8>, String> {
    let kind = ModelKind::from_id(kind).ok_or_else(|| format!("unknown model '{kind}'"))?;
    let s = Scenario::from_json(scenario_json).map_err(|e| e.to_string())?;
    Ok(s.run(kind).to_bytes())
}
