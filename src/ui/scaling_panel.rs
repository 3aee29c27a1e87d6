//! The Scaling section: the platform's parameters, the simulated figures beside the textbook formula, and charts.

use super::chart_canvas::ChartCanvas;
use super::fields::{NumberField, SelectField};
use super::ScenarioCtx;
use crate::charts::{scaling as scaling_charts, timeseries, Theme};
use crate::model::analytic::{mg_inf_busy, pacs};
use crate::model::dist::Dist;
use crate::model::engine::{ColdMode, Overflow, Policy, ScalingParams};
use crate::model::units::{fmt_count, fmt_duration, sig};
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::DrawingArea;
use plotters_canvas::CanvasBackend;

/// A distribution with a new mean, keeping its shape.
fn with_mean(d: Dist, mean: f64) -> Dist {
    match d {
        Dist::Fixed { .. } => Dist::Fixed { value: mean },
        Dist::Exponential { .. } => Dist::Exponential { mean },
        Dist::LogNormal { cv, .. } => Dist::LogNormal { mean, cv },
    }
}

/// A distribution with a new coefficient of variation (log-normal unless 0 or 1 match the current shape).
fn with_cv(d: Dist, cv: f64) -> Dist {
    let mean = d.mean();
    match d {
        Dist::Fixed { .. } if cv == 0.0 => d,
        Dist::Exponential { .. } if cv == 1.0 => d,
        _ => Dist::LogNormal { mean, cv },
    }
}

fn cold_dist(p: &ScalingParams) -> Dist {
    match p.cold {
        ColdMode::InitThenWarm { init } => init,
        ColdMode::SeparateCold { cold_service } => cold_service,
    }
}

fn set_cold_dist(p: &mut ScalingParams, d: Dist) {
    match &mut p.cold {
        ColdMode::InitThenWarm { init } => *init = d,
        ColdMode::SeparateCold { cold_service } => *cold_service = d,
    }
}

const POLICIES: [(&str, &str); 4] = [
    ("per_request", "Scale per request (Lambda)"),
    ("target_tracking", "Target tracking (Knative, Cloud Run)"),
    ("proportional", "Proportional R(t) (the seeds' formula)"),
    ("predictive", "Predictive (Holt forecast)"),
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

type Area<'a> = DrawingArea<CanvasBackend, Shift>;

/// The Scaling section.
#[component]
pub fn ScalingPanel() -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let sc = ctx.scenario;
    let result = ctx.result;
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

    let s = move || result.get().summary;
    let mean_rate = move || sc.with(|s| s.load.mean());
    let formula_busy = move || sc.with(|s| mg_inf_busy(s.load.mean(), s.scaling.warm_service.mean()));
    let steady = move || sc.with(|s| s.load.points().iter().all(|q| q.rate == s.load.points()[0].rate));

    let duration = move || sc.with(|s| s.load.duration());
    let chart = move |f: fn(&crate::model::engine::SimResult, f64) -> timeseries::TimeChart| {
        move |area: &Area, theme: &Theme| {
            let d = duration();
            result.with(|r| timeseries::draw(area, &f(r, d), theme))
        }
    };

    view! {
        <section class="card" id="scaling" aria-labelledby="scaling-title">
            <div class="card-head">
                <h2 id="scaling-title">"Scaling"</h2>
                <p class="hint">"A discrete-event simulation of the function's instances under the load curve: cold starts, keep-alive, limits and the scaling policy."</p>
            </div>
            <div class="params">
                <NumberField label="Memory" unit="MB" testid="memory" step="64"
                    hint="Memory of one instance; prices scale with it. AWS Lambda allows 128–10,240 MB."
                    value=Signal::derive(move || p().memory_mb) set=edit(|p, v| p.memory_mb = v, 1.0) />
                <NumberField label="Warm service time (mean)" unit="ms" testid="warm-mean"
                    hint="Mean time a warm instance takes per request. Default 200 ms, a typical API handler."
                    value=Signal::derive(move || p().warm_service.mean() * 1000.0)
                    set=edit(|p, v| p.warm_service = with_mean(p.warm_service, v), 0.001) />
                <NumberField label="Warm service variability (CV)" unit="" testid="warm-cv"
                    hint="Standard deviation / mean of the warm service time (log-normal). 0 = always the same."
                    value=Signal::derive(move || p().warm_service.cv())
                    set=edit(|p, v| p.warm_service = with_cv(p.warm_service, v), 1.0) />
                <NumberField label="Cold start (mean)" unit="ms" testid="cold-mean"
                    hint="Init latency added to the first request of a new instance. Default 265 ms ± 354 ms: Lambda 128 MB, Wang et al., USENIX ATC 2018. Java or large packages take seconds."
                    value=Signal::derive(move || cold_dist(&p()).mean() * 1000.0)
                    set=edit(|p, v| { let d = with_mean(cold_dist(p), v); set_cold_dist(p, d) }, 0.001) />
                <NumberField label="Keep-alive" unit="s" testid="keep-alive"
                    hint="An idle instance is removed this long after its last request. Lambda ≈ 600 s (observed, not documented); Azure ≈ 1200 s."
                    value=Signal::derive(move || p().keep_alive) set=edit(|p, v| p.keep_alive = v, 1.0) />
                <NumberField label="Requests per instance" unit="" testid="concurrency" step="1"
                    hint="Requests one instance serves at once: 1 on Lambda, up to 80 by default on Cloud Run."
                    value=Signal::derive(move || p().concurrency_per_instance as f64)
                    set=Callback::new(move |v: f64| { let n = whole(v)?; ctx.try_edit(|s| s.scaling.concurrency_per_instance = n) }) />
                <NumberField label="Concurrency limit" unit="instances" testid="max-instances" step="1"
                    hint="Most instances at once; beyond it requests are throttled or queued. Lambda: 1,000 per account and region by default."
                    value=Signal::derive(move || p().max_instances as f64)
                    set=Callback::new(move |v: f64| { let n = whole(v)?; ctx.try_edit(|s| s.scaling.max_instances = n) }) />
                <NumberField label="Provisioned concurrency" unit="instances" testid="provisioned" step="1"
                    hint="Instances kept warm all the time, used first, billed while enabled (AWS price list)."
                    value=Signal::derive(move || p().provisioned as f64)
                    set=Callback::new(move |v: f64| { let n = whole(v)?; ctx.try_edit(|s| s.scaling.provisioned = n) }) />
                <SelectField label="Scaling policy" testid="policy" options=POLICIES.to_vec()
                    hint="How instances are added: per request like Lambda, or by an autoscaler every few seconds."
                    value=Signal::derive(move || policy_id(&p().policy)) set=policy_set />
                <SelectField label="Beyond the limit" testid="overflow"
                    options=vec![("throttle", "Throttle (HTTP 429)"), ("queue", "Queue (30 s timeout)")]
                    hint="Lambda throttles synchronous calls at its limits; a queue makes requests wait instead."
                    value=Signal::derive(move || if matches!(p().overflow, Overflow::Throttle) { "throttle" } else { "queue" })
                    set=overflow_set />
                <NumberField label="Random seed" unit="" testid="seed" step="1"
                    hint="Same seed, same result. Change it to see another run of the same scenario."
                    value=Signal::derive(move || sc.with(|s| s.seed as f64))
                    set=Callback::new(move |v: f64| { let n = whole(v)?; ctx.try_edit(|s| s.seed = n as u64) }) />
            </div>
            <p class="hint" data-testid="sim-status">
                {move || if ctx.pending.get() { "Updating…".to_string() } else {
                    format!("Simulated {} requests in {} ms.", fmt_count(s().arrivals as f64), sig(ctx.sim_ms.get(), 3))
                }}
            </p>
            <dl class="figures">
                <div><dt>"Cold starts"</dt><dd data-testid="cold-prob">{move || format!("{} %", sig(s().cold_start_prob * 100.0, 3))}</dd></div>
                <div><dt>"Rejected"</dt><dd data-testid="rejected">{move || format!("{} %", sig(s().rejection_prob * 100.0, 3))}</dd></div>
                <div><dt>"Latency p50"</dt><dd data-testid="p50">{move || fmt_duration(s().latency.p50)}</dd></div>
                <div><dt>"p99 (all / warm only)"</dt><dd data-testid="p99">{move || format!("{} / {}", fmt_duration(s().latency.p99), fmt_duration(s().latency_warm.p99))}</dd></div>
                <div><dt>"Mean instances"</dt><dd data-testid="avg-instances">{move || sig(s().avg_instances, 3)}</dd></div>
                <div><dt>"Utilisation"</dt><dd data-testid="utilization">{move || format!("{} %", sig(s().utilization * 100.0, 3))}</dd></div>
                <div><dt>"Cost (this curve)"</dt><dd data-testid="cost">{move || format!("${}", sig(s().bill.total, 3))}</dd></div>
                <div><dt>"Per million requests"</dt><dd data-testid="cost-per-million">{move || format!("${}", sig(s().cost_per_million, 3))}</dd></div>
                <div><dt>"Always-on servers"</dt><dd data-testid="always-on">{move || format!("${} ({})", sig(s().always_on_cost, 3), s().always_on_servers)}</dd></div>
            </dl>
            <div class="formula" data-testid="formula">
                <h3>"Textbook formula beside the simulation"</h3>
                <p>
                    <strong>"M/G/∞: busy instances = λ̄ · E[S] = "</strong>
                    {move || format!("{} req/s × {} = {}", sig(mean_rate(), 4), fmt_duration(sc.with(|s| s.scaling.warm_service.mean())), sig(formula_busy(), 4))}
                    <strong>" · simulated busy: "</strong>
                    <span data-testid="sim-busy">{move || sig(s().avg_running + s().avg_initializing, 4)}</span>
                    <strong>", all instances: "</strong>{move || sig(s().avg_instances, 4)}
                </p>
                <p class="hint">
                    {move || {
                        let r = s();
                        format!(
                            "The formula assumes instances appear instantly and vanish when idle. The simulation adds cold starts ({} % of requests wait about {} more), keeps idle instances for the keep-alive ({} idle on average, never counted by the formula) and enforces the limits ({} % rejected).",
                            sig(r.cold_start_prob * 100.0, 2), fmt_duration(cold_dist(&p()).mean()), sig(r.avg_idle, 3), sig(r.rejection_prob * 100.0, 2)
                        )
                    }}
                </p>
                <Show when=steady>
                    <p data-testid="pacs">
                        {move || {
                            let sc2 = sc.get();
                            let a = pacs(sc2.load.mean(), sc2.scaling.warm_service.mean(), sc2.scaling.warm_service.mean() + cold_dist(&sc2.scaling).mean(), sc2.scaling.keep_alive, sc2.scaling.max_instances);
                            format!("PACS steady-state model (Erlang-B cold starts, exponential service): P(cold) = {} %, instances = {} — simulated {} %, {}.",
                                sig(a.cold_prob * 100.0, 3), sig(a.avg_instances, 3), sig(s().cold_start_prob * 100.0, 3), sig(s().avg_instances, 3))
                        }}
                    </p>
                </Show>
            </div>
            <h3>"Latency of the requests arriving at each moment"</h3>
            <ChartCanvas draw=chart(scaling_charts::latency) height=260 label="Latency percentiles over time" testid="chart-latency" />
            <h3>"Instances by state"</h3>
            <ChartCanvas draw=chart(scaling_charts::instances) height=260 label="Busy, initialising and idle instances over time" testid="chart-instances" />
            <h3>"Cold starts, throttles and queue"</h3>
            <ChartCanvas draw=chart(scaling_charts::events) height=260 label="Cold starts, throttled requests and queue length over time" testid="chart-events" />
        </section>
    }
}

/// A whole, non-negative number from a field, or the reason it is not one.
fn whole(v: f64) -> Result<u32, String> {
    if v < 0.0 || v.fract() != 0.0 || v > u32::MAX as f64 {
        return Err(format!("must be a whole number ≥ 0 (got {v})"));
    }
    Ok(v as u32)
}
