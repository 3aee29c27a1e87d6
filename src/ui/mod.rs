//! The Leptos interface: one page, one editable `Scenario`, charts drawn from model output.

mod bench;
mod chart_canvas;
mod download;
mod fields;
mod load_editor;
mod scaling_panel;

pub use chart_canvas::ChartCanvas;
pub use load_editor::LoadEditor;
pub use scaling_panel::ScalingPanel;

use crate::model::engine::SimResult;
use crate::model::load::LoadCurve;
use crate::model::scenario::Scenario;
use leptos::prelude::*;

/// Runs shorter than this [ms] are redone on every edit; longer ones wait for the edits to pause.
const INSTANT_MS: f64 = 30.0;
/// Pause after the last edit before a long run starts [ms].
const DEBOUNCE_MS: u32 = 150;

/// Milliseconds from the page's time origin (for User Timing and the run-time read-out).
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// How many earlier curves Undo can go back to.
const UNDO_DEPTH: usize = 100;

/// The shared state every section reads: the scenario (single source of truth), the results derived from it, and
/// the undo history.
#[derive(Clone, Copy)]
pub struct ScenarioCtx {
    /// The scenario being edited; always valid (edits are checked before they land).
    pub scenario: RwSignal<Scenario>,
    /// The scaling simulation of the last committed scenario.
    pub result: Memo<SimResult>,
    /// Whether an edit is waiting to be simulated.
    pub pending: RwSignal<bool>,
    /// How long the last simulation took [ms].
    pub sim_ms: RwSignal<f64>,
    /// Earlier load curves, newest last.
    history: RwSignal<Vec<LoadCurve>>,
}

impl ScenarioCtx {
    fn new(initial: Scenario) -> Self {
        let scenario = RwSignal::new(initial.clone());
        let committed = RwSignal::new(initial);
        let pending = RwSignal::new(false);
        let sim_ms = RwSignal::new(0.0);
        let result = Memo::new(move |_| {
            let t0 = now_ms();
            let r = committed.with(|s| s.simulate());
            let ms = now_ms() - t0;
            // Outside the memo's own tracking: the timing is a read-out, not an input.
            sim_ms.try_set(ms);
            r
        });
        let generation = StoredValue::new(0u64);
        Effect::new(move |_| {
            let s = scenario.get();
            if committed.with_untracked(|c| c == &s) {
                return;
            }
            let g = generation.get_value() + 1;
            generation.set_value(g);
            if sim_ms.get_untracked() < INSTANT_MS {
                committed.set(s);
                return;
            }
            pending.set(true);
            gloo_timers::callback::Timeout::new(DEBOUNCE_MS, move || {
                if generation.get_value() == g {
                    committed.set(scenario.get_untracked());
                    pending.set(false);
                }
            })
            .forget();
        });
        ScenarioCtx { scenario, result, pending, sim_ms, history: RwSignal::new(Vec::new()) }
    }

    /// Applies an edit if the edited scenario is valid; otherwise leaves everything as it was and returns why.
    pub fn try_edit(&self, f: impl FnOnce(&mut Scenario)) -> Result<(), String> {
        let mut s = self.scenario.get_untracked();
        f(&mut s);
        s.validate().map_err(|e| e.to_string())?;
        self.scenario.set(s);
        Ok(())
    }
    /// Remembers the current curve so the next edit can be undone.
    pub fn push_history(&self) {
        let c = self.scenario.with_untracked(|s| s.load.clone());
        self.history.update(|h| {
            if h.last() != Some(&c) {
                h.push(c);
            }
            if h.len() > UNDO_DEPTH {
                h.remove(0);
            }
        });
    }
    /// Goes back to the previous curve.
    pub fn undo(&self) {
        let mut prev = None;
        self.history.update(|h| prev = h.pop());
        if let Some(c) = prev {
            self.scenario.update(|s| s.load = c);
        }
    }
    /// Whether there is anything to undo.
    pub fn can_undo(&self) -> bool {
        self.history.with(|h| !h.is_empty())
    }
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    provide_context(ScenarioCtx::new(Scenario::default()));
    view! {
        <header class="top">
            <div class="wrap">
                <h1>"Serverless Playground"</h1>
                <p class="tagline">
                    "Draw a load curve, set up a serverless platform, and see what happens to latency, cost and uptime. "
                    "Every model runs in your browser and shows the textbook formula it replaces beside the simulated result."
                </p>
            </div>
        </header>
        <nav class="wrap sections" aria-label="Sections">
            <a href="#load">"Load curve"</a>
            <a href="#scaling">"Scaling"</a>
        </nav>
        <main class="wrap">
            <LoadEditor />
            <ScalingPanel />
        </main>
        <footer class="wrap foot">
            <p>"Figures are model output, not provider guarantees. Prices and platform behaviour are dated and sourced where they are used."</p>
        </footer>
    }
}
