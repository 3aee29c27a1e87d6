//! Form fields that edit the scenario: a number with unit and an inline error, and a choice from a list.

use leptos::prelude::*;

/// A labelled number input with its unit and a hint naming the source of the default. A value the model refuses
/// shows the model's message under the field and leaves the scenario (and the results on screen) as they were.
#[component]
pub fn NumberField(
    /// Label text.
    label: &'static str,
    /// Unit shown after the input.
    unit: &'static str,
    /// Explanation shown on hover and focus, with the default's source.
    hint: &'static str,
    /// `data-testid` of the input.
    testid: &'static str,
    /// Current value, in the field's unit.
    #[prop(into)]
    value: Signal<f64>,
    /// Applies a new value; an error message is shown instead when it is refused.
    set: Callback<f64, Result<(), String>>,
    /// Input `step`.
    #[prop(default = "any")]
    step: &'static str,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let id = format!("f-{testid}");
    let hint_id = format!("{id}-hint");
    let on_change = move |ev: leptos::ev::Event| {
        let raw = event_target_value(&ev);
        let result = match raw.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => set.run(v),
            _ => Err(format!("'{raw}' is not a number")),
        };
        error.set(result.err());
    };
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone() title=hint>{label}</label>
            <div class="field-input">
                <input id=id type="number" step=step data-testid=testid title=hint
                    aria-describedby=hint_id.clone()
                    aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                    prop:value=move || crate::model::units::sig(value.get(), 6)
                    on:change=on_change />
                <span class="unit">{unit}</span>
            </div>
            <span class="sr-only" id=hint_id>{hint}</span>
            {move || error.get().map(|e| view! { <span class="field-error" role="alert" data-testid=format!("{testid}-error")>{e}</span> })}
        </div>
    }
}

/// A labelled drop-down of `(id, label)` choices.
#[component]
pub fn SelectField(
    /// Label text.
    label: &'static str,
    /// Explanation shown on hover.
    hint: &'static str,
    /// `data-testid` of the select.
    testid: &'static str,
    /// The choices: (id, label).
    options: Vec<(&'static str, &'static str)>,
    /// The id currently chosen.
    #[prop(into)]
    value: Signal<&'static str>,
    /// Applies a choice.
    set: Callback<String>,
) -> impl IntoView {
    let id = format!("f-{testid}");
    view! {
        <div class="field">
            <label for=id.clone() title=hint>{label}</label>
            <select id=id data-testid=testid title=hint on:change=move |ev| set.run(event_target_value(&ev))>
                {options.into_iter().map(|(k, l)| view! { <option value=k selected=move || value.get() == k>{l}</option> }).collect_view()}
            </select>
        </div>
    }
}
