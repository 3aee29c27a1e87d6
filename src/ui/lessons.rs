//! Lessons for the classroom, each a guided experiment ([`crate::model::lessons`]): the Lessons section lists them;
//! a lesson started shows its guide, a panel beside the page that walks through its steps (set-up, watch, predict,
//! change, check, close) with Back and Next; the step is in the page's address (`#lesson=ID&step=N`) so a teacher
//! can send step 3. The guide outlines the fields that matter, makes the change when asked ("Do it for me"), and
//! checks the prediction against the figure before and after the change, read from the model's own run in the page.
//! Presentation mode (the guide's button or the P key) shows only the lesson, in large type for a projector.

use super::i18n::{lang, lookup, tr, trf, Lang};
use super::ScenarioCtx;
use crate::model::lessons::{Answer, Lesson, Step};
use crate::model::registry::{FigureSpec, ModelKind, Shown};
use crate::model::scenario::Scenario;
use crate::model::share;
use leptos::prelude::*;

/// The lesson under way, shared by the Lessons section, the guide and the keys.
#[derive(Clone, Copy)]
pub struct LessonState {
    /// The lesson, if one is under way.
    pub current: RwSignal<Option<Lesson>>,
    /// Its step (0 for the first).
    pub step: RwSignal<usize>,
    /// The learner's prediction.
    pub prediction: RwSignal<Option<Answer>>,
    /// The lesson's figure for its set-up, once the model has run it: its value and its text.
    pub before: RwSignal<Option<(f64, String)>>,
    /// Presentation mode.
    pub presenting: RwSignal<bool>,
    /// A lesson link that could not be followed (the id it named), said in the Lessons section.
    pub link_error: RwSignal<Option<String>>,
    /// A lesson link's step that this lesson does not have (as given), said in the guide until the next step.
    pub step_error: RwSignal<Option<String>>,
    /// The reader's own scenario from before the lessons: "Back to the previous scenario" returns to it from any
    /// lesson, however many were started since (each start replaced the one before).
    own: StoredValue<Option<Scenario>>,
    /// The scenario when the last lesson ended: a lesson started on it unchanged leaves [`LessonState::own`] alone.
    left: StoredValue<Option<Scenario>>,
}

impl LessonState {
    /// No lesson; one from the page's address (`#lesson=ID&step=N`) is started once the page is there.
    pub fn new() -> Self {
        let state = LessonState {
            current: RwSignal::new(None),
            step: RwSignal::new(0),
            prediction: RwSignal::new(None),
            before: RwSignal::new(None),
            presenting: RwSignal::new(false),
            link_error: RwSignal::new(None),
            step_error: RwSignal::new(None),
            own: StoredValue::new(None),
            left: StoredValue::new(None),
        };
        let ctx = expect_context::<ScenarioCtx>();
        state.follow_link(ctx);
        // A lesson link typed or pasted into the address of the open page.
        let handle = window_event_listener(leptos::ev::hashchange, move |_| state.follow_link(ctx));
        on_cleanup(move || handle.remove());
        state
    }

    /// Follows a lesson link in the page's address (`#lesson=ID&step=N`), if there is one: the lesson starts (unless
    /// it is the one under way) at that step; a lesson that does not exist is said.
    fn follow_link(self, ctx: ScenarioCtx) {
        let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
        let Some((id, step)) = share::lesson_of(&hash) else { return };
        match Lesson::from_id(id) {
            Some(l) => {
                self.link_error.set(None);
                if self.current.get_untracked() != Some(l) {
                    self.start(ctx, l);
                    // A link that carries its scenario too (an embedded lesson's frame) keeps it: that is where
                    // the learner was.
                    if share::is_scenario_fragment(&hash) {
                        ctx.restore_previous();
                    }
                }
                let n = l.steps().len();
                let at = match step {
                    Ok(k) if k <= n => Ok(k),
                    Ok(_) => Err(n),
                    Err(_) => Err(1),
                };
                self.step_error.set(at.err().map(|_| match step {
                    Ok(k) => k.to_string(),
                    Err(given) => given.to_string(),
                }));
                self.step.set(at.unwrap_or_else(|k| k) - 1);
            }
            None => {
                self.end(ctx);
                self.link_error.set(Some(id.to_string()));
            }
        }
    }

    /// Starts lesson `l` at its first step: its scenario replaces the reader's (which "Back to the previous
    /// scenario" restores).
    pub fn start(self, ctx: ScenarioCtx, l: Lesson) {
        let now = ctx.scenario.get_untracked();
        let reader_s = self.current.get_untracked().is_none() && self.left.with_value(|s| s.as_ref() != Some(&now));
        if reader_s || self.own.with_value(Option::is_none) {
            self.own.set_value(Some(now));
        }
        ctx.replace(l.scenario());
        ctx.previous.set(self.own.get_value());
        super::show_section(l.section());
        self.before.set(None);
        self.prediction.set(None);
        self.step.set(0);
        self.current.set(Some(l));
    }

    /// Ends the lesson (the scenario stays as it is).
    pub fn end(self, ctx: ScenarioCtx) {
        if self.current.get_untracked().is_some() {
            self.left.set_value(Some(ctx.scenario.get_untracked()));
        }
        self.current.set(None);
        self.presenting.set(false);
    }

    /// Moves `by` steps (−1 back, +1 on), within the lesson.
    pub fn go(self, by: isize) {
        let Some(l) = self.current.get_untracked() else { return };
        let last = l.steps().len() - 1;
        self.step.update(|s| *s = s.saturating_add_signed(by).min(last));
        self.step_error.set(None);
    }
}

/// String keys of a lesson's texts (`title`, `text`, `question`, …).
pub fn key(l: Lesson, part: &str) -> String {
    format!("lesson.{}.{part}", l.id())
}

/// Every string key of a lesson (the string table's test checks them all).
pub fn keys_of(l: Lesson) -> Vec<String> {
    let live = l.guide().live.map(|_| "watch");
    ["title", "text", "question", "change", "close", "try"].into_iter().chain(live).map(|p| key(l, p)).collect()
}

/// A figure's value as the check says it: the number in its unit, or its word ("never"); not the figure's whole
/// text, which may hold a second number ("1.15 s / 185 ms", the run without the breaker "→" with it).
fn shown_text(spec: &FigureSpec, s: &Scenario, out: &crate::model::registry::Output) -> Option<String> {
    let r = (spec.read)(s, out)?;
    Some(match r.shown {
        Some(Shown::Key(k)) => tr(k).to_string(),
        _ => spec.unit.fmt(r.value, 3),
    })
}

/// An answer's label in `lang` ("It stays about the same (within ±10 %)"), for the guide and the teacher's sheet.
fn answer_text(lang: Lang, a: Answer, same_within: f64) -> String {
    let text = lookup(lang, &format!("lessons.answer.{}", a.id()));
    text.replace("{0}", &format!("{:.0}", same_within * 100.0))
}

/// What the check step can say.
#[derive(Clone, PartialEq)]
enum Check {
    /// The change is not in the scenario.
    NotMade,
    /// The model has not run the changed scenario yet.
    Waiting,
    /// Before (if known) and after: value and text.
    Done { before: Option<(f64, String)>, after: (f64, String) },
}

/// The guide's effects: the set-up's figure kept once the model has run it, the address kept on the lesson's step,
/// and the fields of the lesson outlined (and, presenting, the rest of the page hidden) by a style sheet.
fn follow(state: LessonState, ctx: ScenarioCtx) {
    // The figure before the change: the run of the set-up itself (the whole scenario still the set-up's).
    Effect::new(move |_| {
        let Some(l) = state.current.get() else { return };
        if state.before.with(Option::is_some) {
            return;
        }
        let Some((kind, spec)) = ModelKind::figure(l.guide().figure) else { return };
        let lane = ctx.lanes.get(kind);
        // Both tracked whatever they say: a run's end and its output can come in different tasks.
        lane.output.track();
        if lane.busy.get() {
            return;
        }
        let setup = l.scenario();
        let read = ctx.scenario.with(|s| {
            (*s == setup && lane.inputs() == kind.inputs(s))
                .then(|| {
                    lane.output
                        .with(|o| o.as_ref().and_then(|o| Some(((spec.read)(s, o)?.value, shown_text(spec, s, o)?))))
                })
                .flatten()
        });
        if read.is_some() {
            state.before.set(read);
        }
    });
    // The address names the lesson's step (and nothing once it ends: the page's own address again); embedded, the
    // frame's own link does ([`super::embed::Embedded`]).
    let embedded = super::embed::asked().is_some();
    Effect::new(move |was: Option<bool>| {
        if embedded {
            return false;
        }
        let here = state.current.get().map(|l| share::to_lesson_fragment(l.id(), state.step.get() + 1));
        if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
            match &here {
                Some(frag) => {
                    let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#{frag}")));
                }
                None if was == Some(true) => {
                    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
                    let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
                }
                None => {}
            }
        }
        here.is_some()
    });
    // Presenting marks the document (the style sheet below and main.css do the rest) and starts at the lesson's
    // section.
    Effect::new(move |_| {
        let lesson = state.current.get().filter(|_| state.presenting.get());
        if let Some(el) = document().document_element() {
            let _ = el.class_list().toggle_with_force("presenting", lesson.is_some());
        }
        if let Some(l) = lesson {
            super::show_section(l.section());
        }
    });
}

/// The style sheet of the lesson under way: its fields outlined; presenting, only its section(s), its fields and
/// its charts. (`:has` keeps it independent of when the sections are mounted.)
fn lesson_css(l: Lesson) -> String {
    let g = l.guide();
    let has = |f: &&str| format!(":has([data-testid=\"{f}\"])");
    let fields: Vec<String> = g.fields.iter().map(|f| format!(".field{}", has(f))).collect();
    let lone: Vec<String> = g.fields.iter().map(|f| format!("input[data-testid=\"{f}\"]")).collect();
    let not_fields: String = g.fields.iter().map(|f| format!(":not({})", has(f))).collect();
    let sections: String = std::iter::once(format!("#{}", l.section()))
        .chain(g.fields.iter().map(|f| format!("section.card{}", has(f))))
        .map(|s| format!(":not({s})"))
        .collect();
    format!(
        "{fields} {{ outline: 3px solid var(--lesson); outline-offset: 4px; border-radius: 4px; }}\n\
         .figures > div:has(> dd[data-testid=\"{figure}\"]) {{ outline: 3px dashed var(--lesson); outline-offset: 4px; border-radius: 4px; }}\n\
         {lone} {{ outline: 3px solid var(--lesson); }}\n\
         :is(html.presenting main, .embed-lesson) > section.card:not(.heavy){sections} {{ display: none; }}\n\
         html.presenting #{sec} .params > .field{not_fields} {{ display: none; }}\n\
         {live}",
        fields = fields.join(", "),
        lone = lone.join(", "),
        sec = l.section(),
        figure = g.figure,
        live = if g.live.is_some() { "" } else { "html.presenting .live { display: none; }" },
    )
}

/// The Lessons section: the list, and what a bad lesson link asked.
#[component]
pub fn Lessons() -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let state = expect_context::<LessonState>();
    view! {
        <section class="card" id="lessons" aria-labelledby="lessons-title">
            <div class="card-head">
                <h2 id="lessons-title">{move || tr("lessons.title")}</h2>
                <p class="hint">{move || tr("lessons.intro")}</p>
            </div>
            {move || state.link_error.get().map(|id| {
                let ids = Lesson::ALL.map(Lesson::id).join(", ");
                view! { <p class="error" role="alert" data-testid="lesson-link-error">{trf("lessons.link_error", &[&id, &ids])}</p> }
            })}
            <ol class="lesson-list">
                {Lesson::ALL.into_iter().map(|l| {
                    let title = key(l, "title");
                    view! {
                        <li><button type="button" class="lesson" data-testid=format!("lesson-{}", l.id())
                            aria-pressed=move || (state.current.get() == Some(l)).to_string()
                            on:click=move |_| state.start(ctx, l)>{move || tr(&title)}</button></li>
                    }
                }).collect_view()}
            </ol>
            <p class="hint"><a href="#sheet" target="_blank" data-testid="lesson-sheet-link">{move || tr("lessons.sheet")}</a></p>
        </section>
    }
}

/// The guide of the lesson under way: a panel beside the page with the lesson's step, Back and Next.
#[component]
pub fn LessonGuide() -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let state = expect_context::<LessonState>();
    follow(state, ctx);
    keys(state);
    move || {
        let l = state.current.get()?;
        let steps = l.steps();
        let n = steps.len();
        let g = l.guide();
        let (kind, spec) = ModelKind::figure(g.figure)?;
        let figure_label = spec.label;
        let section_title = super::section_key(l.section());
        let made = Memo::new(move |_| ctx.scenario.with(|s| (g.made)(s)));
        // The check: the change made, the model's run of it, the figure before and after.
        let check = Memo::new(move |_| {
            let lane = ctx.lanes.get(kind);
            lane.output.track();
            if !made.get() {
                return Check::NotMade;
            }
            ctx.scenario.with(|s| {
                if lane.busy.get() || lane.inputs() != kind.inputs(s) {
                    return Check::Waiting;
                }
                let after = lane
                    .output
                    .with(|o| o.as_ref().and_then(|o| Some(((spec.read)(s, o)?.value, shown_text(spec, s, o)?))));
                match after {
                    Some(after) => Check::Done { before: state.before.get(), after },
                    None => Check::Waiting,
                }
            })
        });
        let answer_label = move |a: Answer| answer_text(lang(), a, g.same_within);
        let predict_step = steps.iter().position(|s| *s == Step::Predict).unwrap_or(0) + 1;
        let body = move |step: Step| -> AnyView {
            match step {
                Step::SetUp => {
                    let where_ = section_title.clone().map(|k| tr(&k).to_string()).unwrap_or_default();
                    view! {
                        <p>{tr(&key(l, "text"))}</p>
                        <p class="hint">{trf("lessons.fields", &[&where_])}" "
                            <button type="button" class="small secondary" data-testid="lesson-go"
                                on:click=move |_| super::show_section(l.section())>{tr("lessons.go")}</button></p>
                    }.into_any()
                }
                Step::Watch => view! {
                    <p>{tr(&key(l, "watch"))}</p>
                    <p><button type="button" class="small secondary" data-testid="lesson-go-live"
                        on:click=move |_| {
                            if let Some(live) = g.live {
                                super::show_element(format!("[data-testid=\"{live}\"]"));
                            }
                        }>{tr("lessons.go_live")}</button></p>
                }.into_any(),
                Step::Predict => view! {
                    <fieldset class="lesson-predict" data-testid="lesson-predict">
                        <legend>{tr(&key(l, "question"))}</legend>
                        {Answer::ALL.into_iter().map(|a| view! {
                            <label>
                                <input type="radio" name="lesson-prediction" data-testid=format!("lesson-answer-{}", a.id())
                                    prop:checked=move || state.prediction.get() == Some(a)
                                    on:change=move |_| state.prediction.set(Some(a)) />
                                " "{answer_label(a)}
                            </label>
                        }).collect_view()}
                    </fieldset>
                    {move || state.prediction.get().is_none().then(|| view! { <p class="hint">{tr("lessons.predict_first")}</p> })}
                }.into_any(),
                Step::Change => view! {
                    <p>{tr(&key(l, "change"))}</p>
                    <p class="toolbar">
                        // Not before the set-up's own run is in: the figure before the change is what the check
                        // compares with (a change made sooner cancels that run).
                        <button type="button" data-testid="lesson-do-it"
                            disabled=move || made.get() || state.before.with(Option::is_none)
                            on:click=move |_| { let _ = ctx.try_edit(g.change); }>{tr("lessons.do_it")}</button>
                        <span data-testid="lesson-made" class=move || if made.get() { "status" } else { "hint" }>
                            {move || tr(if made.get() { "lessons.made" } else { "lessons.not_made" })}
                        </span>
                    </p>
                    {move || (state.before.with(Option::is_none) && !made.get())
                        .then(|| view! { <p class="hint" data-testid="lesson-setup-running">{tr("lessons.setup_running")}</p> })}
                    {move || state.prediction.get().map(|a| view! { <p class="hint">{trf("lessons.predicted", &[&answer_label(a)])}</p> })}
                }.into_any(),
                Step::Check => view! {
                    <div data-testid="lesson-check" aria-live="polite">
                        {move || match check.get() {
                            Check::NotMade => view! { <p class="error" data-testid="lesson-not-made">{tr("lessons.check.not_made")}</p> }.into_any(),
                            Check::Waiting => view! { <p class="hint">{tr("lessons.check.waiting")}</p> }.into_any(),
                            Check::Done { before: None, after } => view! {
                                <p class="lesson-number" data-testid="lesson-after">{tr(figure_label)}": "{after.1}</p>
                                <p class="hint">{tr("lessons.check.before_unknown")}" "
                                    <button type="button" class="small" data-testid="lesson-restart"
                                        on:click=move |_| state.start(ctx, l)>{tr("lessons.restart")}</button></p>
                            }.into_any(),
                            Check::Done { before: Some(before), after } => {
                                let did = Answer::of(before.0, after.0, g.same_within);
                                let said = trf("lessons.check.result", &[tr(figure_label), &before.1, &after.1, tr(&format!("lessons.did.{}", did.id()))]);
                                let verdict = match state.prediction.get() {
                                    Some(p) if p == did => view! { <p class="lesson-right" data-testid="lesson-right">"✓ "{trf("lessons.check.right", &[&answer_label(p)])}</p> }.into_any(),
                                    Some(p) => view! { <p class="lesson-wrong" data-testid="lesson-wrong">"✗ "{trf("lessons.check.wrong", &[&answer_label(p)])}</p> }.into_any(),
                                    None => view! { <p class="hint" data-testid="lesson-no-prediction">{trf("lessons.check.none", &[&predict_step.to_string()])}</p> }.into_any(),
                                };
                                view! { <p class="lesson-number" data-testid="lesson-result">{said}</p>{verdict} }.into_any()
                            }
                        }}
                    </div>
                }.into_any(),
                Step::Close => view! {
                    <p>{tr(&key(l, "close"))}</p>
                    <p><strong>{tr("lessons.try")}</strong>" "{tr(&key(l, "try"))}</p>
                }.into_any(),
            }
        };
        // The step shown (a lesson's link may name one past its last).
        let k = Memo::new(move |_| state.step.get().min(n - 1));
        let step = Memo::new(move |_| steps[k.get()]);
        let css = lesson_css(l);
        Some(view! {
            <style>{css}</style>
            <aside class="lesson-guide" data-testid="lesson-guide" aria-labelledby="lesson-guide-title" data-fields=g.fields.join(" ")>
                <div class="lesson-guide-head">
                    <h2 id="lesson-guide-title">
                        <span class="hint">{move || tr("lessons.guide")}" · "</span>{move || tr(&key(l, "title"))}
                    </h2>
                    <button type="button" class="small secondary" data-testid="lesson-end" on:click=move |_| state.end(ctx)
                        title=move || tr("lessons.end")>{move || tr("lessons.end")}</button>
                </div>
                {move || state.step_error.get().map(|given| view! {
                    <p class="error" role="alert" data-testid="lesson-step-error">
                        {trf("lessons.step_error", &[&given, &n.to_string(), &(state.step.get() + 1).to_string()])}
                    </p>
                })}
                <p class="lesson-step" data-testid="lesson-step" aria-live="polite">{move || {
                    trf("lessons.step_of", &[&(k.get() + 1).to_string(), &n.to_string(), tr(&format!("lessons.step.{}", step.get().id()))])
                }}</p>
                <div class="lesson-body" data-testid=move || format!("lesson-step-{}", step.get().id())>
                    {move || { let _ = lang(); body(step.get()) }}
                </div>
                <div class="lesson-nav">
                    <button type="button" data-testid="lesson-back" disabled=move || { state.step.get() == 0 }
                        on:click=move |_| state.go(-1)>{move || tr("lessons.back")}</button>
                    <button type="button" data-testid="lesson-next" disabled=move || { state.step.get() + 1 >= n }
                        on:click=move |_| state.go(1)>{move || tr("lessons.next")}</button>
                    <button type="button" class="secondary" data-testid="lesson-present" aria-pressed=move || state.presenting.get().to_string()
                        title=move || tr("lessons.present.hint")
                        on:click=move |_| state.presenting.update(|p| *p = !*p)>
                        {move || tr(if state.presenting.get() { "lessons.present.leave" } else { "lessons.present" })}
                    </button>
                </div>
            </aside>
        })
    }
}

/// Whether a key press belongs to a control that uses keys itself: a field, a slider, or a view that took it (the
/// live views' arrows and space, the load editor's).
fn typing(e: &web_sys::KeyboardEvent) -> bool {
    let tag =
        e.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()).map(|el| el.tag_name());
    e.default_prevented() || matches!(tag.as_deref(), Some("INPUT" | "SELECT" | "TEXTAREA"))
}

/// The keys of a lesson: P presents (and leaves), Esc leaves; presenting, the arrows and Page Up/Down step.
fn keys(state: LessonState) {
    // Not in a frame of another page: that page's keys are its own.
    if super::embed::asked().is_some() {
        return;
    }
    let handle = window_event_listener(leptos::ev::keydown, move |e| {
        if state.current.get_untracked().is_none() || e.ctrl_key() || e.meta_key() || e.alt_key() || typing(&e) {
            return;
        }
        let presenting = state.presenting.get_untracked();
        match e.key().as_str() {
            "p" | "P" => state.presenting.set(!presenting),
            "Escape" if presenting => state.presenting.set(false),
            "ArrowRight" | "PageDown" if presenting => state.go(1),
            "ArrowLeft" | "PageUp" if presenting => state.go(-1),
            _ => return,
        }
        e.prevent_default();
    });
    on_cleanup(move || handle.remove());
}

/// The teacher's sheet (`#sheet`): every lesson's question, its expected answer and the figure that shows it, in
/// English and 简体中文, for printing.
#[component]
pub fn TeacherSheet() -> impl IntoView {
    let both = |key: &str| (lookup(Lang::En, key), lookup(Lang::Zh, key));
    let (title_en, title_zh) = both("sheet.title");
    view! {
        <main class="wrap sheet" data-testid="sheet">
            <h1>{title_en}<br /><span lang="zh-CN">{title_zh}</span></h1>
            <p class="hint">{lookup(Lang::En, "sheet.intro")}<br /><span lang="zh-CN">{lookup(Lang::Zh, "sheet.intro")}</span></p>
            <button type="button" class="no-print" data-testid="sheet-print" on:click=move |_| { let _ = window().print(); }>
                {lookup(Lang::En, "sheet.print")}" · "<span lang="zh-CN">{lookup(Lang::Zh, "sheet.print")}</span>
            </button>
            <ol class="sheet-list">
                {Lesson::ALL.into_iter().map(|l| {
                    let g = l.guide();
                    let (_, spec) = ModelKind::figure(g.figure).expect("every lesson's figure is a model's");
                    let section = super::section_key(l.section()).unwrap_or_default();
                    let one = move |lang: Lang| {
                        let t = |k: &str| lookup(lang, k);
                        let answer = answer_text(lang, g.answer, g.same_within);
                        view! {
                            <div class="sheet-lang" lang=lang.tag()>
                                <h2>{t(&key(l, "title"))}</h2>
                                <p><strong>{t("sheet.question")}</strong>" "{t(&key(l, "question"))}</p>
                                <p><strong>{t("sheet.answer")}</strong>" "{answer}</p>
                                <p><strong>{t("sheet.figure")}</strong>" "{t(spec.label)}" ("{t(&section)}")"</p>
                                <p>{t(&key(l, "close"))}</p>
                            </div>
                        }
                    };
                    let link = format!("{}#{}", super::page_address(), share::to_lesson_fragment(l.id(), 1));
                    view! {
                        <li class="sheet-lesson" data-testid=format!("sheet-{}", l.id())>
                            {one(Lang::En)}{one(Lang::Zh)}
                            <p class="sheet-link"><a href=link.clone()>{link.clone()}</a></p>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </main>
    }
}
