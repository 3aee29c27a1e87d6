//! The question a heavy scenario asks before anything long runs: which runs would take longer than
//! [`LONG_RUN_MS`] on this device (what they simulate and about how long), and the choices: simulate a shorter part
//! of the curve, run them anyway, or leave them. Opening a link never starts such a run unasked.

use super::compute::{Held, LONG_RUN_MS};
use super::i18n::{tr, trf};
use super::ScenarioCtx;
use crate::model::registry::ModelKind;
use crate::model::units::{fmt_count, fmt_duration};
use leptos::prelude::*;

/// What a held run would do, in the reader's language: "2.6 T requests, about 2 d here".
pub fn held_text(kind: ModelKind, h: Held) -> String {
    trf("heavy.what", &[&fmt_count(h.work), tr(kind.model().work_unit()), &fmt_duration(h.expected_ms / 1000.0)])
}

/// A run that waits should take about this long once the curve is cut to a part of it [ms].
const SHORTER_TARGET_MS: f64 = 10_000.0;

/// The length of the curve's first part that brings every held run that follows the curve under
/// [`SHORTER_TARGET_MS`], if cutting the curve brings them all under [`LONG_RUN_MS`] [s].
fn shorter_part(ctx: ScenarioCtx, held: &[(ModelKind, Held)]) -> Option<f64> {
    let s = ctx.scenario.get_untracked();
    let longest = held.iter().map(|(_, h)| h.expected_ms).fold(0.0, f64::max);
    let d = s.load.duration() * SHORTER_TARGET_MS / longest;
    let mut cut = s.clone();
    cut.set_load(s.load.head(d));
    // Each held run's expected time scales with its work; a model whose work does not follow the curve stays long.
    let fits = held.iter().all(|(k, h)| k.work(&cut) / h.work * h.expected_ms <= LONG_RUN_MS);
    (fits && d < s.load.duration()).then_some(cut.load.duration())
}

/// The question, shown while any run waits for the reader and until the reader leaves it.
#[component]
pub fn HeavyAsk() -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let left = RwSignal::new(false);
    // A new scenario asks again.
    Effect::new(move |_| {
        ctx.scenario.track();
        left.set(false);
    });
    let held = move || -> Vec<(ModelKind, Held)> {
        ctx.lanes.all().iter().filter_map(|l| l.held.get().map(|h| (l.kind, h))).collect()
    };
    let shorter = Memo::new(move |_| shorter_part(ctx, &held()));
    let cut = move |_| {
        if let Some(d) = shorter.get_untracked() {
            let mut s = ctx.scenario.get_untracked();
            s.set_load(s.load.head(d));
            ctx.replace(s);
        }
    };
    let anyway =
        move |_| ctx.lanes.all().iter().filter(|l| l.held.get_untracked().is_some()).for_each(|l| l.run_anyway());
    view! {
        <Show when=move || !left.get() && !held().is_empty()>
            <section class="card heavy" role="alertdialog" aria-labelledby="heavy-title" data-testid="heavy">
                <h2 id="heavy-title">{move || tr("heavy.title")}</h2>
                <p>{move || tr("heavy.intro")}</p>
                <ul data-testid="heavy-list">
                    {move || held().into_iter().map(|(k, h)| {
                        let section = format!("nav.{}", k.model().section());
                        view! { <li><strong>{tr(&section)}</strong>": "{held_text(k, h)}</li> }
                    }).collect_view()}
                </ul>
                <p class="actions">
                    <Show when=move || shorter.get().is_some()>
                        <button type="button" data-testid="heavy-shorter" on:click=cut>
                            {move || trf("heavy.shorter", &[&fmt_duration(shorter.get().unwrap_or(0.0))])}
                        </button>
                    </Show>
                    <button type="button" data-testid="heavy-anyway" on:click=anyway>{move || tr("heavy.anyway")}</button>
                    <button type="button" data-testid="heavy-leave" on:click=move |_| left.set(true)>{move || tr("heavy.leave")}</button>
                </p>
                <p class="hint">{move || tr("heavy.hint")}</p>
            </section>
        </Show>
    }
}
