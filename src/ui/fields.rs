//! Form fields that edit the scenario (a number with slider, unit and inline error; a choice from a list) and the
//! status line of a model's run (progress, cancel, time taken). Labels, units and hints are string keys.

use super::compute::Lane;
use super::i18n::{tr, trf};
use crate::model::fields::SLIDER_STEPS;
pub use crate::model::fields::{Field, Range};
use crate::model::units::sig;
use leptos::prelude::*;

/// A labelled number with its unit, a slider when `range` is given, and a hint naming the source of the default
/// (shown on hover and focus). A value the model refuses shows the model's message under the field and leaves the
/// scenario (and the results on screen) as they were.
#[component]
pub fn NumberField(
    /// String key of the label.
    label: &'static str,
    /// String key of the unit.
    unit: &'static str,
    /// String key of the explanation, with the default's source.
    hint: &'static str,
    /// `data-testid` of the number input.
    testid: &'static str,
    /// Current value, in the field's unit.
    #[prop(into)]
    value: Signal<f64>,
    /// Applies a new value; an error message is shown instead when it is refused.
    set: Callback<f64, Result<(), String>>,
    /// Input `step` ("1" for whole numbers).
    #[prop(default = "any")]
    step: &'static str,
    /// The slider's range, if the field has one.
    #[prop(optional, into)]
    range: Option<Range>,
) -> impl IntoView {
    // The inputs are written only when this field's value changes, not on every edit of the scenario (each field
    // reads its value from the whole scenario).
    let value = Memo::new(move |_| value.get());
    let error = RwSignal::new(None::<String>);
    let id = format!("f-{testid}");
    let hint_id = format!("{id}-hint");
    let whole = step == "1";
    let apply = move |v: f64| error.set(set.run(v).err());
    let on_change = move |ev: leptos::ev::Event| {
        let raw = event_target_value(&ev);
        match raw.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => apply(v),
            _ => error.set(Some(trf("field.not_a_number", &[&raw]))),
        }
    };
    let slider = range.filter(|r| r.lo.is_finite()).map(|r| {
        let hint_id = hint_id.clone();
        view! {
            <input type="range" class="slider" min="0" max=SLIDER_STEPS.to_string() step="1" data-testid=format!("{testid}-slider")
                aria-label=move || format!("{} ({})", tr(label), tr("field.slider"))
                aria-describedby=hint_id
                prop:value=move || r.to_pos(value.get()).to_string()
                on:input=move |ev| {
                    if let Ok(p) = event_target_value(&ev).parse::<f64>() {
                        let v = r.value_at(p);
                        // A slider lands between whole numbers; a typed fraction is refused by the field instead.
                        apply(if whole { v.round() } else { v });
                    }
                } />
        }
    });
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone() title=move || tr(hint)>{move || tr(label)}</label>
            <div class="field-input">
                <input id=id type="number" step=step data-testid=testid title=move || tr(hint)
                    aria-describedby=hint_id.clone()
                    aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                    prop:value=move || sig(value.get(), 6).replace(',', "")
                    on:change=on_change />
                <span class="unit">{move || tr(unit)}</span>
            </div>
            {slider}
            <span class="field-hint" id=hint_id>{move || tr(hint)}</span>
            {move || error.get().map(|e| view! { <span class="field-error" role="alert" data-testid=format!("{testid}-error")>{e}</span> })}
        </div>
    }
}

/// A labelled drop-down of `(id, label key)` choices.
#[component]
pub fn SelectField(
    /// String key of the label.
    label: &'static str,
    /// String key of the explanation.
    hint: &'static str,
    /// `data-testid` of the select.
    testid: &'static str,
    /// The choices: (id, label key).
    options: Vec<(&'static str, &'static str)>,
    /// The id currently chosen.
    #[prop(into)]
    value: Signal<&'static str>,
    /// Applies a choice.
    set: Callback<String>,
) -> impl IntoView {
    let value = Memo::new(move |_| value.get());
    let id = format!("f-{testid}");
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field">
            <label for=id.clone() title=move || tr(hint)>{move || tr(label)}</label>
            <select id=id data-testid=testid title=move || tr(hint) aria-describedby=hint_id.clone()
                on:change=move |ev| set.run(event_target_value(&ev))>
                {options.into_iter().map(|(k, l)| view! { <option value=k selected=move || value.get() == k>{move || tr(l)}</option> }).collect_view()}
            </select>
            <span class="field-hint" id=hint_id>{move || tr(hint)}</span>
        </div>
    }
}

/// A whole, non-negative number from a field, or the reason it is not one.
pub fn whole(v: f64) -> Result<u32, String> {
    if v < 0.0 || v.fract() != 0.0 || v > u32::MAX as f64 {
        return Err(trf("field.whole", &[&v.to_string()]));
    }
    Ok(v as u32)
}

/// A run's progress row (bar, time left, Cancel) shows once the run has gone on this long [ms]. A shorter run ends
/// before anyone could read the row, and showing and hiding it cost layout, paint and raster work that took a
/// core's share from the run itself (docs/performance.md). Until then the
/// status keeps the last run's line, and `aria-busy` says the section is computing.
const PROGRESS_AFTER_MS: f64 = 200.0;

/// The state of a model's run: time taken; or a progress estimate with Cancel while it runs in the worker (after
/// [`PROGRESS_AFTER_MS`]); or a note that the figures are for an earlier scenario after a cancel, with Run again;
/// or the error. `aria-busy` is true while a run is under way.
#[component]
pub fn LaneStatus(
    /// The model's lane.
    lane: Lane,
) -> impl IntoView {
    let tick = RwSignal::new(0.0);
    let timer = StoredValue::new_local(Some(gloo_timers::callback::Interval::new(100, move || {
        if lane.busy.get_untracked() {
            tick.set(super::now_ms());
        }
    })));
    on_cleanup(move || timer.update_value(|t| drop(t.take())));
    let id = lane.kind.id();
    // The share done and the seconds left, from the run's start and its expected time; nothing until a part is in a
    // worker, and no time left until the estimate rests on a measurement ([`Lane::estimate_known`]).
    let progress = move || {
        tick.track();
        if !lane.running.get() {
            return (0.0, None);
        }
        let elapsed = super::now_ms() - lane.started_ms.get();
        let est = lane.estimate_ms.get().max(1.0);
        let left = lane.estimate_known.get().then(|| ((est - elapsed) / 1000.0).max(0.1));
        ((elapsed / est).min(0.97), left)
    };
    // Changes only when the row is to show or go (the tick re-evaluates it every 100 ms of a run).
    let show_progress = Memo::new(move |_| {
        tick.track();
        lane.busy.get() && super::now_ms() - lane.posted_ms.get() >= PROGRESS_AFTER_MS
    });
    let progress_text = move || match (lane.running.get(), progress().1) {
        (false, _) => tr("run.queued").to_string(),
        (true, None) => tr("run.computing_first").to_string(),
        (true, Some(left)) => trf("run.computing", &[&sig(left, 2)]),
    };
    view! {
        <div class="lane-status" data-testid=format!("status-{id}") aria-live="polite" aria-busy=move || lane.busy.get().to_string()>
            {move || {
                if let Some(e) = lane.error.get().filter(|_| !lane.busy.get()) {
                    view! {
                        <p class="error" role="alert" data-testid=format!("error-{id}")>{trf("run.failed", &[&e])}" "
                            <button type="button" class="small" data-testid=format!("retry-{id}") on:click=move |_| lane.rerun()>{move || tr("run.retry")}</button>
                        </p>
                    }.into_any()
                } else if show_progress.get() {
                    view! {
                        <div class="progress-row">
                            <progress max="1" value=move || progress().0.to_string() aria-label=move || tr("run.progress")></progress>
                            <span>{progress_text}</span>
                            <button type="button" class="small" data-testid=format!("cancel-{id}") on:click=move |_| lane.cancel()>{move || tr("run.cancel")}</button>
                        </div>
                    }.into_any()
                } else if let Some(h) = lane.held.get() {
                    view! {
                        <p class="stale" data-testid=format!("held-{id}")>{move || trf("run.held", &[&super::heavy::held_text(lane.kind, h)])}" "
                            <button type="button" class="small" data-testid=format!("run-anyway-{id}") on:click=move |_| lane.run_anyway()>{move || tr("run.anyway")}</button>
                        </p>
                    }.into_any()
                } else if lane.stale.get() {
                    view! {
                        <p class="stale">{move || tr("run.cancelled")}" "
                            <button type="button" class="small" data-testid=format!("rerun-{id}") on:click=move |_| lane.rerun()>{move || tr("run.again")}</button>
                        </p>
                    }.into_any()
                } else if lane.output.with(|o| o.is_some()) {
                    view! {
                        <p class="hint" data-testid=format!("took-{id}")>{move || {
                            let key = if lane.recalled.get() { "run.recalled" } else { "run.took" };
                            trf(key, &[&sig(lane.last_ms.get(), 3)])
                        }}</p>
                    }.into_any()
                } else {
                    // The validation runs only on request: before that there is no result to wait for.
                    let idle = lane.kind.model().on_request() && !lane.busy.get();
                    view! { <p class="hint">{move || tr(if idle { "run.not_run" } else { "run.waiting" })}</p> }.into_any()
                }
            }}
        </div>
    }
}

/// A [`Field`] as a [`NumberField`]: the edit lands only if the whole scenario stays valid.
pub fn field(f: Field) -> impl IntoView {
    let ctx = expect_context::<super::ScenarioCtx>();
    let Field { label, hint, testid, unit, whole: only_whole, range, get, set, step } = f;
    let apply = Callback::new(move |v: f64| {
        if only_whole {
            whole(v)?;
        }
        ctx.try_edit(|s| set(s, unit.model(v)))
    });
    let step = step.unwrap_or(if only_whole { "1" } else { "any" });
    view! {
        <NumberField label=label unit=unit.key() hint=hint testid=testid step=step range=range.unwrap_or(Range::lin(f64::NAN, f64::NAN))
            value=Signal::derive(move || ctx.scenario.with(|s| unit.shown(get(s)))) set=apply />
    }
}
