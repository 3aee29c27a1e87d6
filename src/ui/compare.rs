//! The A/B comparison: scenario A (pinned) beside the scenario being edited (B), the parameters that differ and the
//! key figures of every model for both. The charts draw A as thin reference lines.

use super::i18n::tr;
use super::ScenarioCtx;
use crate::model::registry::{FigureSpec, ModelKind};
use crate::model::share::differences;
use leptos::prelude::*;

/// The A/B table's rows: every figure of every model that has a compare label ([`FigureSpec::compare`]), in the
/// registry's order.
fn rows() -> impl Iterator<Item = (ModelKind, &'static FigureSpec)> {
    ModelKind::ALL
        .into_iter()
        .flat_map(|k| k.model().figures().iter().filter(|f| f.compare.is_some()).map(move |f| (k, f)))
}

/// The comparison table (shown while comparing).
#[component]
pub fn CompareTable() -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let comparing = move || ctx.pinned.with(|p| p.is_some());
    let diffs = move || {
        ctx.pinned.with(|p| p.as_ref().map(|p| ctx.scenario.with(|b| differences(&p.scenario, b))).unwrap_or_default())
    };
    view! {
        <Show when=comparing>
            <section class="card compare" id="compare" aria-labelledby="compare-title" data-testid="compare">
                <div class="card-head">
                    <h2 id="compare-title">{move || tr("cmp.title")}</h2>
                    <p class="hint">{move || tr("cmp.intro")}</p>
                </div>
                <div class="split">
                    <div class="table-scroll" tabindex="0">
                        <table class="data-table" data-testid="compare-figures">
                            <caption>{move || tr("cmp.figures")}</caption>
                            <thead><tr><th scope="col">{move || tr("cmp.figure")}</th><th scope="col">"A"</th><th scope="col">"B"</th><th scope="col">"B − A"</th></tr></thead>
                            <tbody>
                                {rows().map(|(kind, f)| {
                                    let key = f.compare.unwrap_or(f.label);
                                    let fmt = move |v: f64| f.unit.fmt(v, 4);
                                    // A is read with A's scenario, B with B's.
                                    let a = move || ctx.pinned.with(|p| {
                                        let p = p.as_ref()?;
                                        Some((f.read)(&p.scenario, p.output(kind)?)?.value)
                                    });
                                    let b = move || ctx.scenario.with(|s| ctx.with_output(kind, |o| Some((f.read)(s, o)?.value)));
                                    // B's model still running for the edit: its figure is the previous one.
                                    let running = move || ctx.lanes.get(kind).busy.get();
                                    view! {
                                        <tr>
                                            <th scope="row">{move || tr(key)}</th>
                                            <td>{move || a().map_or("–".into(), fmt)}</td>
                                            <td>{move || b().map_or("–".into(), fmt)}{move || running().then_some(" …")}</td>
                                            <td>{move || match (a(), b()) {
                                                _ if running() => "…".to_string(),
                                                (Some(x), Some(y)) if y - x == 0.0 => "=".to_string(),
                                                (Some(x), Some(y)) => format!("{}{}", if y > x { "+" } else { "−" }, fmt((y - x).abs())),
                                                _ => "–".into(),
                                            }}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <div class="table-scroll" tabindex="0">
                        <table class="data-table" data-testid="compare-params">
                            <caption>{move || tr("cmp.params")}</caption>
                            <thead><tr><th scope="col">{move || tr("cmp.param")}</th><th scope="col">"A"</th><th scope="col">"B"</th></tr></thead>
                            <tbody>
                                {move || {
                                    let d = diffs();
                                    if d.is_empty() {
                                        view! { <tr><td colspan="3">{move || tr("cmp.same")}</td></tr> }.into_any()
                                    } else {
                                        d.into_iter().map(|(p, a, b)| view! { <tr><td><code>{p}</code></td><td>{a}</td><td>{b}</td></tr> }).collect_view().into_any()
                                    }
                                }}
                            </tbody>
                        </table>
                    </div>
                </div>
            </section>
        </Show>
    }
}
