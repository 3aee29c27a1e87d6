//! A model's figures, formula lines and charts as the registry gives them ([`crate::model::registry`]): every
//! section shows its figures through [`Figures`], and "—" until the model's first result exists (never a
//! placeholder that reads as a result, such as a cost of $0), and its charts through [`Charts`].

use super::chart_canvas::SpecChart;
use super::i18n::{tr, trf};
use super::{ChartGrid, ScenarioCtx};
use crate::charts::spec::Chart;
use crate::model::registry::{ChartInput, ChartSpec, ModelKind, Shown};
use leptos::prelude::*;

/// Shown for a figure whose model has no result yet.
pub const NONE_YET: &str = "—";

/// The figures of `kind` that belong to the section `section`, each with its label and `data-testid`.
#[component]
pub fn Figures(
    /// Whose figures.
    kind: ModelKind,
    /// Which section's (a model can show figures in two sections, as the scaling run does in Cost).
    section: &'static str,
) -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let specs = kind.model().figures().iter().filter(move |f| f.section == section);
    view! {
        <dl class="figures">
            {specs.map(|f| {
                let value = Memo::new(move |_| {
                    let shown = ctx.scenario.with(|s| ctx.with_output(kind, |o| f.shown(s, o)));
                    match shown {
                        Some(Shown::Text(t)) => t,
                        Some(Shown::Key(k)) => tr(k).to_string(),
                        None => NONE_YET.to_string(),
                    }
                });
                let changed = changed_lately(value);
                view! {
                    <div><dt>{move || tr(f.label)}</dt>
                    <dd data-testid=f.id class:changed=move || changed.get()>{move || value.get()}</dd></div>
                }
            }).collect_view()}
        </dl>
    }
}

/// How long a figure that changed is marked `changed` (presentation mode makes it flash) [ms].
const CHANGED_MS: u32 = 1600;

/// Whether `value` changed in the last [`CHANGED_MS`] (from one result to another: not its first result, nor a
/// change of language).
fn changed_lately(value: Memo<String>) -> RwSignal<bool> {
    let changed = RwSignal::new(false);
    let timer = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    let lang = super::i18n::lang;
    Effect::new(move |prev: Option<(String, super::i18n::Lang)>| {
        let (v, l) = (value.get(), lang());
        if let Some((p, pl)) = prev {
            if p != v && p != NONE_YET && pl == l {
                changed.set(true);
                timer.set_value(Some(gloo_timers::callback::Timeout::new(CHANGED_MS, move || {
                    changed.try_set(false);
                })));
            }
        }
        (v, l)
    });
    changed
}

/// The arguments of `kind`'s formula line `key` for the current scenario and result (tracked), or `None` before
/// the first result (or when the model gives no such line, as PACS on a curve that is not steady).
pub fn formula_args(ctx: ScenarioCtx, kind: ModelKind, key: &str) -> Option<Vec<String>> {
    ctx.scenario.with(|s| {
        ctx.with_output(kind, |o| kind.model().formulas(s, o).into_iter().find(|f| f.key == key).map(|f| f.args))
    })
}

/// The first of `kind`'s formula lines `keys` that the model gives, in the reader's language (with its key), or
/// `None` before the first result.
pub fn formula_any(ctx: ScenarioCtx, kind: ModelKind, keys: &[&str]) -> Option<String> {
    ctx.scenario.with(|s| {
        ctx.with_output(kind, |o| {
            let lines = kind.model().formulas(s, o);
            let f = keys.iter().find_map(|k| lines.iter().find(|f| f.key == *k))?;
            Some(trf(f.key, &f.args.iter().map(String::as_str).collect::<Vec<_>>()))
        })
    })
}

/// `kind`'s formula line `key` in the reader's language, or "—" before the first result.
pub fn formula_line(ctx: ScenarioCtx, kind: ModelKind, key: &'static str) -> String {
    match formula_args(ctx, kind, key) {
        Some(args) => trf(key, &args.iter().map(String::as_str).collect::<Vec<_>>()),
        None => NONE_YET.to_string(),
    }
}

/// The charts of every model that belong to the section `section`, in the registry's order, each with its title.
#[component]
pub fn Charts(section: &'static str) -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let specs: Vec<(ModelKind, &'static ChartSpec)> = ModelKind::ALL
        .into_iter()
        .flat_map(|k| k.model().charts().iter().filter(move |c| c.section == section).map(move |c| (k, c)))
        .collect();
    view! {
        <ChartGrid>
            {specs.clone().into_iter().map(|(kind, c)| {
                let spec = move || -> Option<Chart> {
                    let t = &tr;
                    ctx.scenario.with(|s| {
                        ctx.with_output(kind, |out| {
                            ctx.pinned.with(|p| {
                                let a = p.as_ref().and_then(|p| Some((&p.scenario, p.output(kind)?)));
                                (c.draw)(&ChartInput { s, out, a, t })
                            })
                        })
                    })
                };
                view! { <div><h3>{move || tr(c.title)}</h3><SpecChart spec=spec label=c.title testid=c.id /></div> }
            }).collect_view()}
        </ChartGrid>
    }
}
