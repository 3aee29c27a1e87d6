//! The Leptos interface: one page, one editable `Scenario`, each model run in its [`compute::Lane`] (on the main
//! thread when quick, in a Web Worker otherwise), charts drawn from the results. Logic stays in `model`; components
//! bind, format and draw.

mod bench;
mod chain_live;
mod chart_canvas;
mod compare;
mod compute;
mod download;
mod embed;
mod fields;
mod figures;
mod heavy;
pub mod i18n;
mod lessons;
mod live;
mod live_run;
mod load_editor;
mod models_panels;
mod offline;
mod scaling_panel;
mod scenario_bar;
mod storage;

pub use chart_canvas::{ChartCanvas, SpecChart};
pub use compute::{models, worker_run, Lane};
pub use lessons::keys_of as lessons_keys;
pub use load_editor::LoadEditor;
pub use scaling_panel::ScalingPanel;

use crate::model::load::LoadCurve;
use crate::model::scenario::{ModelKind, Output, Scenario};
use i18n::{tr, I18n, Lang};
use leptos::prelude::*;

/// The `performance` object of this thread's global scope: the page's, or a worker's (which has no `window`).
pub fn perf() -> Option<web_sys::Performance> {
    wasm_bindgen::JsCast::dyn_into(js_sys::Reflect::get(&js_sys::global(), &"performance".into()).ok()?).ok()
}

/// Milliseconds from the page's time origin (for User Timing and the run-time read-outs).
pub fn now_ms() -> f64 {
    perf().map_or(0.0, |p| p.now())
}

/// How many earlier curves Undo can go back to.
const UNDO_DEPTH: usize = 100;

/// One lane per model.
#[derive(Clone, Copy)]
pub struct Lanes {
    lanes: [Lane; 7],
}

impl Lanes {
    fn new() -> Self {
        Lanes { lanes: ModelKind::ALL.map(Lane::new) }
    }
    /// The lane of a model.
    pub fn get(&self, kind: ModelKind) -> Lane {
        self.lanes[ModelKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)]
    }
    /// Every lane.
    pub fn all(&self) -> [Lane; 7] {
        self.lanes
    }
}

/// Scenario A of an A/B comparison: the scenario as it was pinned and the results it had.
#[derive(Debug, Clone, PartialEq)]
pub struct Pinned {
    /// The scenario.
    pub scenario: Scenario,
    /// Its results, by model (as [`ModelKind::ALL`]); `None` where a model had not finished when it was pinned.
    pub outputs: Vec<Option<Output>>,
}

impl Pinned {
    /// A's result of a model.
    pub fn output(&self, kind: ModelKind) -> Option<&Output> {
        self.outputs.get(ModelKind::ALL.iter().position(|k| *k == kind)?)?.as_ref()
    }
}

/// The shared state every section reads.
#[derive(Clone, Copy)]
pub struct ScenarioCtx {
    /// The scenario being edited; always valid (edits are checked before they land).
    pub scenario: RwSignal<Scenario>,
    /// The models' runs and results.
    pub lanes: Lanes,
    /// Scenario A while comparing.
    pub pinned: RwSignal<Option<Pinned>>,
    /// The scenario before the last lesson, reset, import or open replaced it (so that can be undone).
    pub previous: RwSignal<Option<Scenario>>,
    /// Earlier load curves, newest last.
    history: RwSignal<Vec<LoadCurve>>,
    /// The page's time cursor over the curve [s]: the live views show the runs then, every time chart a line.
    pub cursor: RwSignal<f64>,
    /// The cursor's playback (one for the page, whichever live view's controls move it).
    pub playback: live_run::Playback,
}

impl ScenarioCtx {
    fn new(initial: Scenario) -> Self {
        let scenario = RwSignal::new(initial);
        let lanes = Lanes::new();
        // Every edit: each model whose inputs changed runs again (those that run on request only when asked).
        Effect::new(move |_| {
            scenario.with(|s| {
                for lane in lanes.all() {
                    if !lane.kind.model().on_request() {
                        lane.submit(s);
                    }
                }
            })
        });
        let pinned = RwSignal::new(None::<Pinned>);
        // A model that had not finished when A was pinned: its result, once it comes and if it is for A's inputs,
        // completes A (otherwise A's overlay would be missing from that model's charts).
        for (i, lane) in lanes.all().into_iter().enumerate() {
            Effect::new(move |_| {
                if lane.output.with(Option::is_none) {
                    return;
                }
                let missing = pinned.with_untracked(|p| {
                    p.as_ref().is_some_and(|p| {
                        p.outputs.get(i).is_some_and(Option::is_none) && lane.kind.inputs(&p.scenario) == lane.inputs()
                    })
                });
                if missing {
                    let out = lane.output.get_untracked();
                    pinned.update(|p| {
                        if let Some(p) = p.as_mut() {
                            // The lane priced it with B's prices; A keeps its own.
                            let out = out.map(|mut o| {
                                o.reprice(&p.scenario);
                                o
                            });
                            if let Some(slot) = p.outputs.get_mut(i) {
                                *slot = out;
                            }
                        }
                    });
                }
            });
        }
        let cursor = RwSignal::new(scenario.with_untracked(|s| live::peak_time(&s.load)));
        let end = Memo::new(move |_| scenario.with(|s| s.load.duration()));
        let playback = live_run::Playback::new(cursor, end);
        ScenarioCtx {
            scenario,
            lanes,
            pinned,
            previous: RwSignal::new(None),
            history: RwSignal::new(Vec::new()),
            cursor,
            playback,
        }
    }

    /// Applies an edit if the edited scenario is valid; otherwise leaves everything as it was and returns why.
    pub fn try_edit(&self, f: impl FnOnce(&mut Scenario)) -> Result<(), String> {
        let mut s = self.scenario.get_untracked();
        f(&mut s);
        s.validate().map_err(|e| e.to_string())?;
        self.scenario.set(s);
        Ok(())
    }
    /// Replaces the whole scenario, keeping the current one so the replacement can be undone.
    pub fn replace(&self, s: Scenario) {
        self.previous.set(Some(self.scenario.get_untracked()));
        self.history.set(Vec::new());
        self.scenario.set(s);
    }
    /// Goes back to the scenario before the last replacement.
    pub fn restore_previous(&self) {
        if let Some(p) = self.previous.get_untracked() {
            self.replace(p);
        }
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
            self.scenario.update(|s| s.set_load(c));
        }
    }
    /// Whether there is anything to undo.
    pub fn can_undo(&self) -> bool {
        self.history.with(|h| !h.is_empty())
    }
    /// Reads a model's current result through `f` (tracked), or `None` before its first run.
    pub fn with_output<R>(&self, kind: ModelKind, f: impl FnOnce(&Output) -> Option<R>) -> Option<R> {
        self.lanes.get(kind).output.with(|o| o.as_ref().and_then(f))
    }
    /// Reads scenario A's result of a model through `f` (tracked), when comparing.
    pub fn with_pinned<R>(&self, kind: ModelKind, f: impl FnOnce(Option<&Output>) -> R) -> R {
        self.pinned.with(|p| f(p.as_ref().and_then(|p| p.output(kind))))
    }
    /// Pins the current scenario and its results as A.
    pub fn pin(&self) {
        let outputs = self.lanes.all().iter().map(|l| l.output.get_untracked()).collect();
        self.pinned.set(Some(Pinned { scenario: self.scenario.get_untracked(), outputs }));
    }
}

/// The page's sections, for the navigation (fragment, string key): the lessons, the load curve, then each model's
/// section in the registry's order (a model that shares another's section adds none).
pub fn sections() -> Vec<(&'static str, String)> {
    let mut v = vec![("lessons", "nav.lessons".to_string()), ("load", "nav.load".to_string())];
    for k in ModelKind::ALL {
        let id = k.model().section();
        if !v.iter().any(|(x, _)| *x == id) {
            v.push((id, format!("nav.{id}")));
        }
    }
    v
}

/// Sections mounted after the page's first task, one per task.
const LATER_SECTIONS: usize = ModelKind::ALL.len();

/// Mounts the sections below the load editor (below the fold on a laptop) one per task (`mounted` counts them), so
/// the page's first task builds only the top of the page: building every section in it made one task of
/// 300–600 ms (the sections' views, the lazy compilation of their wasm functions, style and layout of the whole
/// page). A link to a section (`#chains`) is followed once they are all there.
fn mount_later_sections(mounted: RwSignal<usize>) {
    gloo_timers::callback::Timeout::new(0, move || {
        let Some(n) = mounted.try_update(|n| {
            *n += 1;
            *n
        }) else {
            return;
        };
        if n < LATER_SECTIONS {
            mount_later_sections(mounted);
        } else {
            // Two tasks on: the last section's view is built by an effect after this one, and the charts of the
            // sections ([`ChartGrid`]) in tasks after theirs; the place to scroll to is where it is with all of them.
            gloo_timers::callback::Timeout::new(0, || {
                gloo_timers::callback::Timeout::new(0, scroll_to_place).forget();
            })
            .forget();
        }
    })
    .forget();
}

/// A section's charts, built in a task after the section itself ([`mount_later_sections`]). A section and its
/// charts in one task made a task over 50 ms on a slow machine (docs/performance.md).
#[component]
pub fn ChartGrid(children: ChildrenFn) -> impl IntoView {
    let ready = RwSignal::new(false);
    gloo_timers::callback::Timeout::new(0, move || {
        ready.try_set(true);
    })
    .forget();
    view! { <div class="chart-grid"><Show when=move || ready.get()>{children()}</Show></div> }
}

/// On a reload (or a return through the history), goes back to where the page was scrolled; otherwise shows the
/// element the address's fragment names (`#chains`), if it names one (a share link's `#s=…` does not).
fn scroll_to_place() {
    if let Some((el, offset)) = storage::scroll_to_restore() {
        // Unless the reader has already scrolled somewhere else meanwhile.
        if window().scroll_y().unwrap_or(0.0) == 0.0 {
            hold_place(el, offset);
        }
        return;
    }
    let fragment = window().location().hash().unwrap_or_default();
    if let Some(el) = fragment.strip_prefix('#').filter(|f| !f.is_empty()).and_then(|f| document().get_element_by_id(f))
    {
        hold_place(el, 0.0);
    }
}

/// The page's address without its fragment (the start of a link to a scenario, a lesson, a section).
pub fn page_address() -> String {
    let here = window().location().href().unwrap_or_default();
    here.split('#').next().unwrap_or_default().to_string()
}

/// The section title's string key of the section `id` (`nav.scaling`), if it is one of the page's.
pub fn section_key(id: &str) -> Option<String> {
    sections().into_iter().find(|(s, _)| *s == id).map(|(_, k)| k)
}

/// Shows the element `selector` names at the top of the window, once it is mounted (a lesson started from a link
/// starts before the later sections are there), and holds it there ([`hold_place`]).
pub fn show_element(selector: String) {
    fn wait(selector: String, frames: u32) {
        match document().query_selector(&selector).ok().flatten() {
            Some(el) => hold_place(el, 0.0),
            None if frames > 0 => request_animation_frame(move || wait(selector, frames - 1)),
            None => {}
        }
    }
    wait(selector, 600);
}

/// Shows the section `id` ([`show_element`]).
pub fn show_section(id: &str) {
    show_element(format!("#{id}"));
}

thread_local! {
    /// Which hold of a place is the current one: a newer one ends an older one ([`hold_place`]).
    static HOLD: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// How long the page keeps a linked section in place while what is around it is still arriving [ms].
const HOLD_MS: f64 = 8000.0;

/// The reader's events that end a hold: they are the reader's own move.
const HOLD_ENDS: [&str; 4] = ["wheel", "touchstart", "keydown", "pointerdown"];

/// Scrolls `el`'s top `offset` px above the top of the window and keeps it there, frame by frame, while the page
/// finishes loading: a section's results and charts arrive after it is mounted (from its worker, a task later), so
/// the page grows below a section scrolled to once, and the last section, scrolled as high as the page then allowed,
/// ended below the top (a fresh-clone CI run on a slower machine saw it). Stops at the reader's first wheel, touch,
/// key or click, or after [`HOLD_MS`].
fn hold_place(el: web_sys::Element, offset: f64) {
    let w = window();
    let start = js_sys::Date::now();
    let this = HOLD.with(|h| {
        h.set(h.get().wrapping_add(1));
        h.get()
    });
    let touched = std::rc::Rc::new(std::cell::Cell::new(false));
    let stop = {
        let touched = touched.clone();
        wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || touched.set(true))
    };
    for event in HOLD_ENDS {
        let _ = w.add_event_listener_with_callback(event, wasm_bindgen::JsCast::unchecked_ref(stop.as_ref()));
    }
    fn frame(
        el: web_sys::Element,
        offset: f64,
        start: f64,
        this: u32,
        touched: std::rc::Rc<std::cell::Cell<bool>>,
        stop: wasm_bindgen::closure::Closure<dyn FnMut()>,
    ) {
        let w = window();
        if touched.get() || js_sys::Date::now() - start > HOLD_MS || HOLD.with(|h| h.get()) != this {
            for event in HOLD_ENDS {
                let _ =
                    w.remove_event_listener_with_callback(event, wasm_bindgen::JsCast::unchecked_ref(stop.as_ref()));
            }
            return;
        }
        let off = el.get_bounding_client_rect().top() + offset;
        if off.abs() >= 1.0 {
            w.scroll_by_with_x_and_y(0.0, off);
        }
        request_animation_frame(move || frame(el, offset, start, this, touched, stop));
    }
    el.scroll_into_view();
    frame(el, offset, start, this, touched, stop);
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let lang = RwSignal::new(storage::stored_lang().unwrap_or_else(storage::browser_lang));
    provide_context(I18n(lang));
    Effect::new(move |_| {
        let l: Lang = lang.get();
        if let Some(el) = document().document_element() {
            let _ = el.set_attribute("lang", l.tag());
        }
        document().set_title(tr("app.title"));
        storage::store_lang(l);
    });
    let (initial, mut notice) = storage::initial_scenario();
    let ctx = ScenarioCtx::new(initial);
    // The link's time cursor, if it has one (a bad one is said, and the cursor starts at the curve's peak).
    match storage::initial_cursor() {
        Ok(Some(t)) => ctx.cursor.set(t.min(ctx.scenario.with_untracked(|s| s.load.duration()))),
        Ok(None) => {}
        Err(e) if matches!(notice, storage::Notice::FromLink) => notice = storage::Notice::BadCursor(e),
        Err(_) => {}
    }
    provide_context(ctx);
    // The teacher's sheet (`#sheet`): every lesson, for printing.
    if window().location().hash().is_ok_and(|h| h == "#sheet") {
        return view! { <lessons::TeacherSheet /> }.into_any();
    }
    provide_context(lessons::LessonState::new());
    // Embedded in another page (`#embed=…`): one section, its state in its own link, not in the autosave.
    if let Some(id) = embed::asked() {
        return view! { <embed::Embedded id=id notice=notice /> }.into_any();
    }
    storage::autosave(ctx);
    let mounted = RwSignal::new(0usize);
    mount_later_sections(mounted);
    storage::keep_scroll_on_leave();
    let from = move |k: usize| move || mounted.get() >= k;
    view! {
        <a class="skip" href="#load">{move || tr("app.skip")}</a>
        <header class="top">
            <div class="wrap head-row">
                <div>
                    <h1>{move || tr("app.title")}</h1>
                    <p class="tagline">{move || tr("app.tagline")}</p>
                </div>
                <div class="lang" role="group" aria-label=move || tr("app.language")>
                    <button type="button" data-testid="lang-en" aria-pressed=move || (lang.get() == Lang::En).to_string()
                        on:click=move |_| lang.set(Lang::En)>"English"</button>
                    <button type="button" data-testid="lang-zh" aria-pressed=move || (lang.get() == Lang::Zh).to_string()
                        on:click=move |_| lang.set(Lang::Zh)>"中文"</button>
                </div>
            </div>
        </header>
        <nav class="wrap sections" aria-label=move || tr("nav.label")>
            {sections().into_iter().map(|(id, key)| view! { <a href=format!("#{id}")>{move || tr(&key)}</a> }).collect_view()}
        </nav>
        <main class="wrap">
            <scenario_bar::ScenarioBar notice=notice />
            <heavy::HeavyAsk />
            <compare::CompareTable />
            <lessons::Lessons />
            <LoadEditor />
            {ModelKind::ALL.into_iter().enumerate().map(|(i, kind)| view! {
                <Show when=from(i + 1)>{move || models_panels::model_section(kind)}</Show>
            }).collect_view()}
        </main>
        <lessons::LessonGuide />
        <footer class="wrap foot">
            <p>{move || tr("app.footer")}</p>
            <offline::OfflineStatus />
        </footer>
    }
    .into_any()
}
