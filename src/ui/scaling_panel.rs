//! The Scaling section: the platform's parameters, the simulated figures beside the textbook formula, and charts.

use super::fields::{whole, LaneStatus, NumberField, Range, SelectField};
use super::figures::{formula_any, formula_args, formula_line, Charts, Figures, NONE_YET};
use super::i18n::{tr, trf};
use super::ScenarioCtx;
use crate::model::analytic::mg_inf_busy;
use crate::model::dist::Dist;
use crate::model::engine::{ColdMode, Overflow, Policy, ScalingParams};
use crate::model::scaling::cold_dist;
use crate::model::scenario::ModelKind;
use crate::model::units::{fmt_count, fmt_duration, sig};
use leptos::prelude::*;

fn set_cold_dist(p: &mut ScalingParams, d: Dist) {
    match &mut p.cold {
        ColdMode::InitThenWarm { init } => *init = d,
        ColdMode::SeparateCold { cold_service } => *cold_service = d,
    }
}

const POLICIES: [(&str, &str); 4] = [
    ("per_request", "sc.policy.per_request"),
    ("target_tracking", "sc.policy.target"),
    ("proportional", "sc.policy.proportional"),
    ("predictive", "sc.policy.predictive"),
];

fn policy_id(p: &Policy) -> &'static str {
    match p {
        Policy::PerRequest => "per_request",
        Policy::TargetTracking { .. } => "target_tracking",
        Policy::Proportional { .. } => "proportional",
        Policy::Predictive { .. } => "predictive",
    }
}

/// The default parameters of each policy (Knative's 2 s tick and 60 s window; Cloud Run's 60 % target).
fn policy_of(id: &str, peak_instances: u32) -> Policy {
    match id {
        "target_tracking" => {
            Policy::TargetTracking { target: 0.6, interval: 2.0, window: 60.0, stabilization: 60.0, max_scale: 1000 }
        }
        "proportional" => Policy::Proportional { r_min: 1, r_max: peak_instances.max(2), interval: 5.0 },
        "predictive" => Policy::Predictive {
            alpha: 0.5,
            beta: 0.3,
            interval: 5.0,
            target: 0.7,
            stabilization: 60.0,
            max_scale: 1000,
        },
        _ => Policy::PerRequest,
    }
}

/// The Scaling section.
#[component]
pub fn ScalingPanel() -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let sc = ctx.scenario;
    let lane = ctx.lanes.get(ModelKind::Scaling);
    let p = move || sc.with(|s| s.scaling.clone());
    let edit = move |f: fn(&mut ScalingParams, f64), scale: f64| {
        Callback::new(move |v: f64| ctx.try_edit(|s| f(&mut s.scaling, v * scale)))
    };

    let policy_set = Callback::new(move |id: String| {
        let peak = sc.with_untracked(|s| (s.load.peak() * s.scaling.warm_service.mean()).ceil() as u32 + 1);
        let _ = ctx.try_edit(|s| {
            s.scaling.policy = policy_of(&id, peak);
            if !matches!(s.scaling.policy, Policy::PerRequest) {
                if let ColdMode::SeparateCold { cold_service } = s.scaling.cold {
                    s.scaling.cold = ColdMode::InitThenWarm { init: cold_service };
                }
                if s.scaling.overflow == Overflow::Throttle {
                    s.scaling.overflow = Overflow::Queue { max_len: 100_000, timeout: 30.0 };
                }
            }
        });
    });
    let overflow_set = Callback::new(move |id: String| {
        let _ = ctx.try_edit(|s| {
            s.scaling.overflow =
                if id == "queue" { Overflow::Queue { max_len: 100_000, timeout: 30.0 } } else { Overflow::Throttle };
        });
    });

    // One argument of the scaling model's formula line `key`, or "—" before the first result.
    let arg = move |key: &str, i: usize| {
        formula_args(ctx, ModelKind::Scaling, key).and_then(|a| a.get(i).cloned()).unwrap_or_else(|| NONE_YET.into())
    };
    let mean_rate = move || sc.with(|s| s.load.mean());
    let formula_busy = move || sc.with(|s| mg_inf_busy(s.load.mean(), s.scaling.warm_service.mean()));
    let steady = move || sc.with(|s| s.load.points().iter().all(|q| q.rate == s.load.points()[0].rate));
    let _duration = move || sc.with(|s| s.load.duration());
    view! {
        <section class="card" id="scaling" aria-labelledby="scaling-title">
            <div class="card-head">
                <h2 id="scaling-title">{move || tr("sc.title")}</h2>
                <p class="hint">{move || tr("sc.intro")}</p>
            </div>
            <div class="params">
                <NumberField label="sc.memory" unit="u.mb" testid="memory" step="64" range=Range::log(128.0, 10240.0)
                    hint="sc.memory.hint"
                    value=Signal::derive(move || p().memory_mb) set=edit(|p, v| p.memory_mb = v, 1.0) />
                <NumberField label="sc.warm" unit="u.ms" testid="warm-mean" range=Range::log(1.0, 60_000.0)
                    hint="sc.warm.hint"
                    value=Signal::derive(move || p().warm_service.mean() * 1000.0)
                    set=edit(|p, v| p.warm_service = p.warm_service.with_mean(v), 0.001) />
                <NumberField label="sc.cv" unit="u.none" testid="warm-cv" range=Range::lin(0.0, 3.0)
                    hint="sc.cv.hint"
                    value=Signal::derive(move || p().warm_service.cv())
                    set=edit(|p, v| p.warm_service = p.warm_service.with_cv(v), 1.0) />
                <NumberField label="sc.cold" unit="u.ms" testid="cold-mean" range=Range::log(1.0, 30_000.0)
                    hint="sc.cold.hint"
                    value=Signal::derive(move || cold_dist(&p()).mean() * 1000.0)
                    set=edit(|p, v| { let d = cold_dist(p).with_mean(v); set_cold_dist(p, d) }, 0.001) />
                <NumberField label="sc.keep_alive" unit="u.s" testid="keep-alive" range=Range::log(1.0, 7200.0)
                    hint="sc.keep_alive.hint"
                    value=Signal::derive(move || p().keep_alive) set=edit(|p, v| p.keep_alive = v, 1.0) />
                <NumberField label="sc.concurrency" unit="u.none" testid="concurrency" step="1" range=Range::log(1.0, 1000.0)
                    hint="sc.concurrency.hint"
                    value=Signal::derive(move || p().concurrency_per_instance as f64)
                    set=Callback::new(move |v: f64| { let n = whole(v)?; ctx.try_edit(|s| s.scaling.concurrency_per_instance = n) }) />
                <NumberField label="sc.limit" unit="u.instances" testid="max-instances" step="1" range=Range::log(1.0, 10_000.0)
                    hint="sc.limit.hint"
                    value=Signal::derive(move || p().max_instances as f64)
                    set=Callback::new(move |v: f64| { let n = whole(v)?; ctx.try_edit(|s| s.scaling.max_instances = n) }) />
                <NumberField label="sc.provisioned" unit="u.instances" testid="provisioned" step="1" range=Range::lin(0.0, 200.0)
                    hint="sc.provisioned.hint"
                    value=Signal::derive(move || p().provisioned as f64)
                    set=Callback::new(move |v: f64| { let n = whole(v)?; ctx.try_edit(|s| s.scaling.provisioned = n) }) />
                <SelectField label="sc.policy" testid="policy" options=POLICIES.to_vec()
                    hint="sc.policy.hint"
                    value=Signal::derive(move || policy_id(&p().policy)) set=policy_set />
                <SelectField label="sc.overflow" testid="overflow"
                    options=vec![("throttle", "sc.overflow.throttle"), ("queue", "sc.overflow.queue")]
                    hint="sc.overflow.hint"
                    value=Signal::derive(move || if matches!(p().overflow, Overflow::Throttle) { "throttle" } else { "queue" })
                    set=overflow_set />
                <NumberField label="sc.seed" unit="u.none" testid="seed" step="1"
                    hint="sc.seed.hint"
                    value=Signal::derive(move || sc.with(|s| s.seed as f64))
                    set=Callback::new(move |v: f64| { let n = whole(v)?; ctx.try_edit(|s| s.seed = n as u64) }) />
            </div>
            <LaneStatus lane=lane />
            <p class="hint" data-testid="sim-status">
                {move || ctx.with_output(ModelKind::Scaling, |o| o.scaling().map(|r| r.summary.arrivals)).map(|n| {
                    // The run's own time (the "computed in" line above says it too), as a rate.
                    let ms = lane.last_ms.get();
                    let rate = if ms > 0.0 { sig(n as f64 / ms / 1000.0, 3) } else { "–".to_string() };
                    trf("sc.simulated", &[&fmt_count(n as f64), &rate])
                })}
            </p>
            <Figures kind=ModelKind::Scaling section="scaling" />
            <p class="tail" data-testid="tail">{move || formula_any(ctx, ModelKind::Scaling, &["sc.tail.cold", "sc.tail.warm", "sc.tail.none"])}</p>
            <div class="formula" data-testid="formula">
                <h3>{move || tr("formula.title")}</h3>
                <p>
                    // M/G/∞: the busy instances λ·E[S] from the scenario alone; the simulated ones once a result exists.
                    <strong>{move || tr("sc.mginf")}</strong>
                    {move || format!(" {} req/s × {} = {}", sig(mean_rate(), 4), fmt_duration(sc.with(|s| s.scaling.warm_service.mean())), sig(formula_busy(), 4))}
                    <strong>{move || tr("sc.sim_busy")}</strong>
                    <span data-testid="sim-busy">{move || arg("sc.mginf", 3)}</span>
                    <strong>{move || tr("sc.all_instances")}</strong>{move || arg("sc.mginf", 4)}
                </p>
                <p class="hint">{move || formula_args(ctx, ModelKind::Scaling, "sc.gap").map(|a| trf("sc.gap", &[&a[0], &a[1], &a[2], &a[3]]))}</p>
                <Show when=steady>
                    <p data-testid="pacs">{move || formula_line(ctx, ModelKind::Scaling, "sc.pacs")}</p>
                </Show>
            </div>
            <super::live::LiveView />
            <Charts section="scaling" />
        </section>
    }
}
