//! The Leptos interface: one page, one editable `Scenario`, charts drawn from model output.

mod chart_canvas;
mod download;
mod load_editor;

pub use chart_canvas::ChartCanvas;
pub use load_editor::LoadEditor;

use crate::model::load::LoadCurve;
use crate::model::scenario::Scenario;
use leptos::prelude::*;

/// How many earlier curves Undo can go back to.
const UNDO_DEPTH: usize = 100;

/// The shared state every section reads: the scenario (single source of truth) and the undo history.
#[derive(Clone, Copy)]
pub struct ScenarioCtx {
    /// The scenario being edited.
    pub scenario: RwSignal<Scenario>,
    /// Earlier load curves, newest last.
    history: RwSignal<Vec<LoadCurve>>,
}

impl ScenarioCtx {
    fn new(scenario: Scenario) -> Self {
        ScenarioCtx { scenario: RwSignal::new(scenario), history: RwSignal::new(Vec::new()) }
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
        <main class="wrap">
            <LoadEditor />
        </main>
        <footer class="wrap foot">
            <p>"Figures are model output, not provider guarantees. Prices and platform behaviour are dated and sourced where they are used."</p>
        </footer>
    }
}
