//! The A/B comparison: scenario A (pinned) beside the scenario being edited (B), the parameters that differ and the
//! key figures of every model for both. The charts draw A as thin reference lines.

use super::i18n::tr;
use super::ScenarioCtx;
use crate::model::scenario::{ModelKind, Output};
use crate::model::share::differences;
use crate::model::units::{fmt_duration, sig};
use leptos::prelude::*;

/// (string key, model, how to read the figure, whether more is better).
type Row = (&'static str, ModelKind, fn(&Output) -> Option<f64>, fn(f64) -> String);

const ROWS: [Row; 10] = [
    ("cmp.cold", ModelKind::Scaling, |o| o.scaling().map(|r| r.summary.cold_start_prob * 100.0), pct),
    ("cmp.p99", ModelKind::Scaling, |o| o.scaling().map(|r| r.summary.latency.p99), fmt_duration),
    ("cmp.rejected", ModelKind::Scaling, |o| o.scaling().map(|r| r.summary.rejection_prob * 100.0), pct),
    ("cmp.instances", ModelKind::Scaling, |o| o.scaling().map(|r| r.summary.avg_instances), num),
    ("cmp.cost", ModelKind::Scaling, |o| o.scaling().map(|r| r.summary.bill.total), usd),
    ("cmp.always_on", ModelKind::Scaling, |o| o.scaling().map(|r| r.summary.always_on_cost), usd),
    ("cmp.availability", ModelKind::Availability, |o| o.availability().map(|r| r.availability * 100.0), pct),
    ("cmp.makespan", ModelKind::Parallel, |o| o.parallel().map(|r| r.at_max.makespan), fmt_duration),
    ("cmp.breaker_peak", ModelKind::Breaker, |o| o.breaker().map(|r| r.summary_with.peak_dependency_rate), num),
    ("cmp.chain_p99", ModelKind::Chain, |o| o.chain().map(|r| r.summary.latency.p99), fmt_duration),
];

fn pct(v: f64) -> String {
    format!("{} %", sig(v, 4))
}
fn num(v: f64) -> String {
    sig(v, 4)
}
fn usd(v: f64) -> String {
    format!("${}", sig(v, 4))
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
                                {ROWS.iter().map(|&(key, kind, get, fmt)| {
                                    let a = move || ctx.with_pinned(kind, |o| o.and_then(get));
                                    let b = move || ctx.with_output(kind, get);
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
