//! The sections after Scaling: Cost, Availability, Parallel (fan-out), Resilience (circuit breaker), Chains and the
//! Validation panel. Each binds its parameters, shows its figures beside the textbook formula with a line on the
//! gap, and draws its charts from its lane's result (and scenario A's, when comparing).

use super::chart_canvas::SpecChart;
use super::fields::{num, LaneStatus, Range, SelectField};
use super::figures::{formula_args, formula_line, Figures};
use super::i18n::{tr, trf};
use super::{ChartGrid, ScenarioCtx};
use crate::charts::models as mc;
use crate::charts::scaling::Tr;
use crate::charts::spec::Chart;
use crate::charts::timeseries::TimeChart;
use crate::charts::xy::XyChart;
use crate::model::availability::CommonMode;
use crate::model::breaker::BreakerResult;
use crate::model::chain::Link;
use crate::model::cost::PricingPreset;
use crate::model::scenario::{ModelKind, Output, ProvisionedPoint, Scenario};
use crate::model::units::{fmt_duration, sig};
use leptos::prelude::*;

/// A percentage with three significant digits.
fn pct(v: f64) -> String {
    format!("{} %", sig(v, 3))
}

fn t() -> Tr<'static> {
    &tr
}

/// A section's frame: title, introduction, the lane's status and the content.
#[component]
fn Section(
    id: &'static str,
    title: &'static str,
    intro: &'static str,
    kind: ModelKind,
    children: Children,
) -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let title_id = format!("{id}-title");
    view! {
        <section class="card" id=id aria-labelledby=title_id.clone()>
            <div class="card-head">
                <h2 id=title_id.clone()>{move || tr(title)}</h2>
                <p class="hint">{move || tr(intro)}</p>
            </div>
            {children()}
            <LaneStatus lane=ctx.lanes.get(kind) />
        </section>
    }
}

/// A chart with its heading.
fn titled(
    title: &'static str,
    testid: &'static str,
    spec: impl Fn() -> Option<Chart> + Send + Sync + 'static,
) -> impl IntoView {
    view! { <div><h3>{move || tr(title)}</h3><SpecChart spec=spec label=title testid=testid /></div> }
}

/// The Cost section: pay-per-use against always-on, break-even, provisioned concurrency.
#[component]
pub fn CostPanel() -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let sc = ctx.scenario;
    let preset = Callback::new(move |id: String| {
        let p = if id == "arm64" { PricingPreset::AwsLambdaArm64 } else { PricingPreset::AwsLambdaX86 };
        let _ = ctx.try_edit(|s| {
            let (free, init) = (s.scaling.pricing.free_tier, s.scaling.pricing.bill_init);
            s.scaling.pricing = p.pricing();
            s.scaling.pricing.free_tier = free;
            s.scaling.pricing.bill_init = init;
        });
    });
    let flag =
        move |f: fn(&mut Scenario, bool)| Callback::new(move |v: String| drop(ctx.try_edit(|s| f(s, v == "on"))));
    let onoff = vec![("on", "cost.on"), ("off", "cost.off")];
    let duration = move || sc.with(|s| s.load.duration());
    let cum = move || {
        let d = duration();
        ctx.with_output(ModelKind::Scaling, |o| {
            let r = o.scaling()?;
            Some(Chart::Time(
                ctx.with_pinned(ModelKind::Scaling, |b| mc::cost_over_time(r, d, b.and_then(Output::scaling), t())),
            ))
        })
    };
    let be_chart = move || {
        let (p, f, m) = sc.with(|s| (s.scaling.pricing, s.scaling.always_on, s.load.mean()));
        let a_prices = ctx.pinned.with(|a| a.as_ref().map(|a| a.scenario.scaling.pricing));
        ctx.with_output(ModelKind::Scaling, |o| {
            let r = o.scaling()?;
            Some(Chart::Xy(ctx.with_pinned(ModelKind::Scaling, |b| {
                let base = b.and_then(Output::scaling).zip(a_prices.as_ref());
                mc::break_even(r, &p, &f, m, base, t())
            })))
        })
    };
    let sweep_chart = move |f: fn(&[ProvisionedPoint], Option<&[ProvisionedPoint]>, Tr) -> XyChart| {
        move || {
            ctx.with_output(ModelKind::Provisioned, |o| {
                let v = o.provisioned()?;
                Some(Chart::Xy(ctx.with_pinned(ModelKind::Provisioned, |b| f(v, b.and_then(Output::provisioned), t()))))
            })
        }
    };
    let sweep = move || ctx.with_output(ModelKind::Provisioned, |o| o.provisioned().map(|v| v.to_vec()));
    view! {
        <Section id="cost" title="cost.title" intro="cost.intro" kind=ModelKind::Provisioned>
            <div class="params">
                <SelectField label="cost.preset" hint="cost.preset.hint" testid="pricing"
                    options=vec![("x86", "cost.x86"), ("arm64", "cost.arm64")]
                    value=Signal::derive(move || if sc.with(|s| s.scaling.pricing.per_gb_s < PricingPreset::AwsLambdaX86.pricing().per_gb_s) { "arm64" } else { "x86" })
                    set=preset />
                <SelectField label="cost.free_tier" hint="cost.free_tier.hint" testid="free-tier" options=onoff.clone()
                    value=Signal::derive(move || if sc.with(|s| s.scaling.pricing.free_tier) { "on" } else { "off" })
                    set=flag(|s, v| s.scaling.pricing.free_tier = v) />
                <SelectField label="cost.bill_init" hint="cost.bill_init.hint" testid="bill-init" options=onoff
                    value=Signal::derive(move || if sc.with(|s| s.scaling.pricing.bill_init) { "on" } else { "off" })
                    set=flag(|s, v| s.scaling.pricing.bill_init = v) />
                {num("cost.per_million", "u.usd", "cost.per_million.hint", "price-requests", "any", None,
                    |s| s.scaling.pricing.per_million_requests, |s, v| s.scaling.pricing.per_million_requests = v)}
                {num("cost.per_gb_s", "u.usd", "cost.per_gb_s.hint", "price-gb-s", "any", None,
                    |s| s.scaling.pricing.per_gb_s, |s, v| s.scaling.pricing.per_gb_s = v)}
                {num("cost.vm_price", "u.usd_h", "cost.vm_price.hint", "vm-price", "any", Some(Range::log(0.004, 5.0)),
                    |s| s.scaling.always_on.price_per_hour, |s, v| s.scaling.always_on.price_per_hour = v)}
                {num("cost.vm_capacity", "u.rps", "cost.vm_capacity.hint", "vm-capacity", "any", Some(Range::log(1.0, 5000.0)),
                    |s| s.scaling.always_on.capacity_rps, |s, v| s.scaling.always_on.capacity_rps = v)}
                {num("cost.vm_min", "u.servers", "cost.vm_min.hint", "vm-min", "1", Some(Range::lin(1.0, 10.0)),
                    |s| s.scaling.always_on.min_servers as f64, |s, v| s.scaling.always_on.min_servers = v as u32)}
            </div>
            <Figures kind=ModelKind::Scaling section="cost" />
            <div class="formula" data-testid="cost-formula">
                <h3>{move || tr("formula.title")}</h3>
                <p>{move || formula_line(ctx, ModelKind::Scaling, "cost.formula")}</p>
                <p class="hint">{move || tr("cost.gap")}</p>
            </div>
            <ChartGrid>
                {titled("cost.c.cumulative", "chart-cost", cum)}
                {titled("cost.c.break_even", "chart-break-even", be_chart)}
                {titled("cost.c.prov_cost", "chart-provisioned-cost", sweep_chart(mc::provisioned_cost))}
                {titled("cost.c.prov_benefit", "chart-provisioned-benefit", sweep_chart(mc::provisioned_benefit))}
            </ChartGrid>
            <div class="table-scroll" tabindex="0">
            <table class="data-table" data-testid="provisioned-table">
                <caption>{move || tr("cost.prov_table")}</caption>
                <thead><tr>
                    <th scope="col">{move || tr("cost.t.provisioned")}</th><th scope="col">{move || tr("cost.t.cost")}</th>
                    <th scope="col">{move || tr("cost.t.cold")}</th><th scope="col">"p99"</th>
                </tr></thead>
                <tbody>
                    {move || sweep().unwrap_or_default().into_iter().map(|p| view! {
                        <tr><td>{p.provisioned}</td><td>{format!("${}", sig(p.cost, 3))}</td>
                        <td>{format!("{} %", sig(p.cold_start_prob * 100.0, 3))}</td><td>{fmt_duration(p.p99)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </Section>
    }
}

/// The Availability section.
#[component]
pub fn AvailabilityPanel() -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let sc = ctx.scenario;
    let sla = move || sc.with(|s| s.availability.sla);
    view! {
        <Section id="availability" title="av.title" intro="av.intro" kind=ModelKind::Availability>
            <div class="params">
                {num("av.regions", "u.regions", "av.regions.hint", "regions", "1", Some(Range::lin(1.0, 6.0)),
                    |s| s.availability.regions.len() as f64,
                    |s, v| { let r = s.availability.regions[0]; s.availability.regions.resize((v as usize).min(1000), r); })}
                {num("av.mtbf", "u.h", "av.mtbf.hint", "mtbf", "any", Some(Range::log(10.0, 100_000.0)),
                    |s| s.availability.regions[0].mtbf_h, |s, v| s.availability.regions.iter_mut().for_each(|r| r.mtbf_h = v))}
                {num("av.mttr", "u.h", "av.mttr.hint", "mttr", "any", Some(Range::log(0.01, 100.0)),
                    |s| s.availability.regions[0].mttr_h, |s, v| s.availability.regions.iter_mut().for_each(|r| r.mttr_h = v))}
                {num("av.capacity", "u.pct", "av.capacity.hint", "capacity", "any", Some(Range::lin(10.0, 100.0)),
                    |s| s.availability.regions[0].capacity * 100.0, |s, v| s.availability.regions.iter_mut().for_each(|r| r.capacity = v / 100.0))}
                {num("av.common", "u.h", "av.common.hint", "common-mode", "any", Some(Range::log(100.0, 1_000_000.0)),
                    |s| s.availability.common_mode.map_or(0.0, |c| c.mtbf_h),
                    |s, v| s.availability.common_mode = if v > 0.0 { Some(CommonMode { mtbf_h: v, mttr_h: s.availability.common_mode.map_or(0.5, |c| c.mttr_h) }) } else { None })}
                {num("av.check", "u.s", "av.check.hint", "check-interval", "any", Some(Range::log(1.0, 300.0)),
                    |s| s.availability.check_interval_s, |s, v| s.availability.check_interval_s = v)}
                {num("av.threshold", "u.none", "av.threshold.hint", "threshold", "1", Some(Range::lin(1.0, 10.0)),
                    |s| s.availability.failure_threshold as f64, |s, v| s.availability.failure_threshold = v as u32)}
                {num("av.ttl", "u.s", "av.ttl.hint", "dns-ttl", "any", Some(Range::log(1.0, 3600.0)),
                    |s| s.availability.dns_ttl_s, |s, v| s.availability.dns_ttl_s = v)}
                {num("av.failover", "u.pct", "av.failover.hint", "failover-success", "any", Some(Range::lin(0.0, 100.0)),
                    |s| s.availability.failover_success * 100.0, |s, v| s.availability.failover_success = v / 100.0)}
                {num("av.sla", "u.pct", "av.sla.hint", "sla", "any", None,
                    |s| s.availability.sla * 100.0, |s, v| s.availability.sla = v / 100.0)}
                {num("av.runs", "u.none", "av.runs.hint", "runs", "1", Some(Range::log(10.0, 2000.0)),
                    |s| s.availability.runs as f64, |s, v| s.availability.runs = v as u32)}
            </div>
            <Figures kind=ModelKind::Availability section="availability" />
            <div class="formula" data-testid="av-formula">
                <h3>{move || tr("formula.title")}</h3>
                <p>{move || formula_line(ctx, ModelKind::Availability, "av.formula")}</p>
                <p class="hint">{move || trf("av.gap", &[&fmt_duration(sc.with(|s| s.availability.failover_delay()))])}</p>
            </div>
            <ChartGrid>
                {titled("av.c.timeline", "chart-timeline", move || {
                    let (n, h) = sc.with(|s| (s.availability.regions.len(), s.availability.horizon_days));
                    ctx.with_output(ModelKind::Availability, |o| Some(Chart::Timeline(mc::outage_timeline(o.availability()?, n, h, t()))))
                })}
                {titled("av.c.downtime", "chart-downtime", move || {
                    let l = sla();
                    ctx.with_output(ModelKind::Availability, |o| {
                        let r = o.availability()?;
                        Some(Chart::Xy(ctx.with_pinned(ModelKind::Availability, |b| mc::downtime_distribution(r, l, b.and_then(Output::availability), t()))))
                    })
                })}
                {titled("av.c.nines", "chart-nines", move || {
                    let l = sla();
                    ctx.with_output(ModelKind::Availability, |o| {
                        let r = o.availability()?;
                        Some(Chart::Bars(ctx.with_pinned(ModelKind::Availability, |b| mc::nines(r, l, b.and_then(Output::availability), t()))))
                    })
                })}
            </ChartGrid>
        </Section>
    }
}

/// The Parallel (fan-out) section.
#[component]
pub fn ParallelPanel() -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let chart = move |f: fn(
        &crate::model::parallel::ParallelResult,
        Option<&crate::model::parallel::ParallelResult>,
        Tr,
    ) -> crate::charts::xy::XyChart| {
        move || {
            ctx.with_output(ModelKind::Parallel, |o| {
                let r = o.parallel()?;
                Some(Chart::Xy(ctx.with_pinned(ModelKind::Parallel, |b| f(r, b.and_then(Output::parallel), t()))))
            })
        }
    };
    view! {
        <Section id="parallel" title="par.title" intro="par.intro" kind=ModelKind::Parallel>
            <div class="params">
                {num("par.tasks", "u.tasks", "par.tasks.hint", "tasks", "1", Some(Range::log(1.0, 100_000.0)),
                    |s| s.parallel.tasks as f64, |s, v| s.parallel.tasks = v as u32)}
                {num("par.p", "u.instances", "par.p.hint", "max-parallel", "1", Some(Range::log(1.0, 10_000.0)),
                    |s| s.parallel.max_parallel as f64, |s, v| s.parallel.max_parallel = v as u32)}
                {num("par.task", "u.s", "par.task.hint", "task-time", "any", Some(Range::log(0.01, 900.0)),
                    |s| s.parallel.task_time.mean(), |s, v| s.parallel.task_time = s.parallel.task_time.with_mean(v))}
                {num("par.cold", "u.ms", "par.cold.hint", "par-cold", "any", Some(Range::log(1.0, 30_000.0)),
                    |s| s.parallel.cold_start.mean() * 1000.0, |s, v| s.parallel.cold_start = s.parallel.cold_start.with_mean(v / 1000.0))}
                {num("par.straggler", "u.pct", "par.straggler.hint", "straggler", "any", Some(Range::lin(0.0, 20.0)),
                    |s| s.parallel.straggler_prob * 100.0, |s, v| s.parallel.straggler_prob = v / 100.0)}
                {num("par.before", "u.s", "par.before.hint", "serial-before", "any", Some(Range::lin(0.0, 120.0)),
                    |s| s.parallel.serial_before, |s, v| s.parallel.serial_before = v)}
                {num("par.after", "u.s", "par.after.hint", "serial-after", "any", Some(Range::lin(0.0, 120.0)),
                    |s| s.parallel.serial_after, |s, v| s.parallel.serial_after = v)}
                {num("par.memory", "u.mb", "par.memory.hint", "par-memory", "64", Some(Range::log(128.0, 10240.0)),
                    |s| s.parallel.memory_mb, |s, v| s.parallel.memory_mb = v)}
            </div>
            <Figures kind=ModelKind::Parallel section="parallel" />
            <div class="formula" data-testid="par-formula">
                <h3>{move || tr("formula.title")}</h3>
                <p>{move || formula_line(ctx, ModelKind::Parallel, "par.formula")}</p>
                <p class="hint">{move || formula_args(ctx, ModelKind::Parallel, "par.gap").map(|a| trf("par.gap", &[&a[0], &a[1], &a[2]]))}</p>
            </div>
            <ChartGrid>
                {titled("par.c.makespan", "chart-makespan", chart(mc::makespan))}
                {titled("par.c.speedup", "chart-speedup", chart(mc::speedup))}
                {titled("par.c.cost", "chart-parallel-cost", chart(mc::parallel_cost))}
            </ChartGrid>
        </Section>
    }
}

/// The Resilience section: a circuit breaker on a failing dependency.
#[component]
pub fn ResiliencePanel() -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let sc = ctx.scenario;
    let duration = move || sc.with(|s| s.load.duration());
    let chart = move |f: fn(&BreakerResult, f64, Option<&BreakerResult>, Tr) -> TimeChart| {
        move || {
            let d = duration();
            ctx.with_output(ModelKind::Breaker, |o| {
                let r = o.breaker()?;
                Some(Chart::Time(ctx.with_pinned(ModelKind::Breaker, |b| f(r, d, b.and_then(Output::breaker), t()))))
            })
        }
    };
    view! {
        <Section id="resilience" title="br.title" intro="br.intro" kind=ModelKind::Breaker>
            <div class="params">
                {num("br.retries", "u.none", "br.retries.hint", "retries", "1", Some(Range::lin(0.0, 10.0)),
                    |s| s.breaker.retries as f64, |s, v| s.breaker.retries = v as u32)}
                {num("br.timeout", "u.s", "br.timeout.hint", "timeout", "any", Some(Range::log(0.05, 60.0)),
                    |s| s.breaker.timeout, |s, v| s.breaker.timeout = v)}
                {num("br.backoff", "u.s", "br.backoff.hint", "backoff", "any", Some(Range::log(0.01, 10.0)),
                    |s| s.breaker.backoff, |s, v| s.breaker.backoff = v)}
                {num("br.threshold", "u.pct", "br.threshold.hint", "failure-threshold", "any", Some(Range::lin(1.0, 100.0)),
                    |s| s.breaker.breaker.failure_rate_threshold * 100.0, |s, v| s.breaker.breaker.failure_rate_threshold = v / 100.0)}
                {num("br.wait", "u.s", "br.wait.hint", "wait-open", "any", Some(Range::log(1.0, 600.0)),
                    |s| s.breaker.breaker.wait_open, |s, v| s.breaker.breaker.wait_open = v)}
                {num("br.window", "u.none", "br.window.hint", "window", "1", Some(Range::log(2.0, 1000.0)),
                    |s| s.breaker.breaker.window as f64, |s, v| { s.breaker.breaker.window = v as u32; s.breaker.breaker.minimum_calls = s.breaker.breaker.minimum_calls.min(v as u32) })}
                {num("br.episode_errors", "u.pct", "br.episode_errors.hint", "episode-errors", "any", Some(Range::lin(0.0, 100.0)),
                    |s| s.breaker.episodes.first().map_or(0.0, |e| e.error_rate * 100.0),
                    |s, v| { s.breaker.first_episode(s.load.duration()); s.breaker.episodes.iter_mut().for_each(|e| e.error_rate = v / 100.0) })}
                {num("br.episode_latency", "u.s", "br.episode_latency.hint", "episode-latency", "any", Some(Range::log(0.01, 60.0)),
                    |s| s.breaker.episodes.first().map_or(0.0, |e| e.latency),
                    |s, v| { s.breaker.first_episode(s.load.duration()); s.breaker.episodes.iter_mut().for_each(|e| e.latency = v) })}
                // Where the (first) incident lies, as a share of the curve: it keeps that place when the curve changes.
                {num("br.episode_start", "u.pct", "br.episode_start.hint", "episode-start", "any", Some(Range::lin(0.0, 100.0)),
                    |s| s.breaker.episodes.first().map_or(0.0, |e| e.start / s.load.duration() * 100.0),
                    |s, v| { let d = s.load.duration(); s.breaker.first_episode(d).start = v / 100.0 * d })}
                {num("br.episode_end", "u.pct", "br.episode_end.hint", "episode-end", "any", Some(Range::lin(0.0, 100.0)),
                    |s| s.breaker.episodes.first().map_or(0.0, |e| e.end / s.load.duration() * 100.0),
                    |s, v| { let d = s.load.duration(); s.breaker.first_episode(d).end = v / 100.0 * d })}
            </div>
            <p class="hint">{move || tr("br.arrow")}</p>
            <Figures kind=ModelKind::Breaker section="resilience" />
            <div class="formula" data-testid="br-formula">
                <h3>{move || tr("formula.title")}</h3>
                <p>{move || {
                    // Beside the formula, the simulation where it applies: during the (first) failure episode.
                    let key = if sc.with(|s| s.breaker.episodes.is_empty()) { "br.formula_all" } else { "br.formula" };
                    formula_line(ctx, ModelKind::Breaker, key)
                }}</p>
                <p class="hint">{move || tr("br.gap")}</p>
            </div>
            <ChartGrid>
                {titled("br.c.calls", "chart-breaker-calls", chart(mc::breaker_calls))}
                {titled("br.c.success", "chart-breaker-success", chart(mc::breaker_outcome))}
                {titled("br.c.latency", "chart-breaker-latency", chart(mc::breaker_latency))}
            </ChartGrid>
        </Section>
    }
}

/// The Chains section.
#[component]
pub fn ChainsPanel() -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let sc = ctx.scenario;
    let duration = move || sc.with(|s| s.load.duration());
    let link_set = Callback::new(move |id: String| {
        let _ = ctx.try_edit(|s| {
            for h in s.chain.hops.iter_mut().skip(1) {
                h.link = if id == "queue" { Link::Queue { delay: 0.05 } } else { Link::Sync };
            }
        });
    });
    let link_now = move || {
        sc.with(|s| {
            match s.chain.hops.iter().skip(1).map(|h| matches!(h.link, Link::Queue { .. })).collect::<Vec<_>>() {
                v if v.iter().all(|q| *q) && !v.is_empty() => "queue",
                v if v.iter().all(|q| !*q) => "sync",
                _ => "mixed",
            }
        })
    };
    view! {
        <Section id="chains" title="ch.title" intro="ch.intro" kind=ModelKind::Chain>
            <div class="params">
                {num("ch.hops", "u.functions", "ch.hops.hint", "hops", "1", Some(Range::lin(1.0, 20.0)),
                    |s| s.chain.hops.len() as f64,
                    |s, v| { let last = s.chain.hops.last().copied().unwrap_or_default(); s.chain.hops.resize((v as usize).min(1000), last) })}
                {num("ch.service", "u.ms", "ch.service.hint", "hop-service", "any", Some(Range::log(1.0, 10_000.0)),
                    |s| s.chain.hops[0].service.mean() * 1000.0, |s, v| s.chain.hops.iter_mut().for_each(|h| h.service = h.service.with_mean(v / 1000.0)))}
                {num("ch.init", "u.ms", "ch.init.hint", "hop-init", "any", Some(Range::log(1.0, 30_000.0)),
                    |s| s.chain.hops[0].init.mean() * 1000.0, |s, v| s.chain.hops.iter_mut().for_each(|h| h.init = h.init.with_mean(v / 1000.0)))}
                {num("ch.keep_alive", "u.s", "ch.keep_alive.hint", "hop-keep-alive", "any", Some(Range::log(1.0, 7200.0)),
                    |s| s.chain.hops[0].keep_alive, |s, v| s.chain.hops.iter_mut().for_each(|h| h.keep_alive = v))}
                <SelectField label="ch.link" hint="ch.link.hint" testid="link"
                    options=vec![("sync", "ch.link.sync"), ("queue", "ch.link.queue"), ("mixed", "ch.link.mixed")]
                    value=Signal::derive(link_now) set=link_set />
            </div>
            <Figures kind=ModelKind::Chain section="chains" />
            <div class="formula" data-testid="ch-formula">
                <h3>{move || tr("formula.title")}</h3>
                <p>{move || formula_line(ctx, ModelKind::Chain, "ch.formula")}</p>
                <p class="hint">{move || tr("ch.gap")}</p>
            </div>
            <ChartGrid>
                {titled("ch.c.length", "chart-chain-length", move || ctx.with_output(ModelKind::Chain, |o| {
                    let r = o.chain()?;
                    Some(Chart::Xy(ctx.with_pinned(ModelKind::Chain, |b| mc::chain_by_length(r, b.and_then(Output::chain), t()))))
                }))}
                {titled("ch.c.time", "chart-chain-time", move || { let d = duration(); ctx.with_output(ModelKind::Chain, |o| Some(Chart::Time(mc::chain_over_time(o.chain()?, d, t())))) })}
            </ChartGrid>
        </Section>
    }
}

/// The Validation panel: the 20 AWS Lambda measurements beside this simulator and PACS.
#[component]
pub fn ValidationPanel() -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let lane = ctx.lanes.get(ModelKind::Validation);
    let has_report = move || ctx.with_output(ModelKind::Validation, |o| o.validation().map(|_| ())).is_some();
    let run = move |_| lane.submit(&ctx.scenario.get_untracked());
    view! {
        <Section id="validation" title="val.title" intro="val.intro" kind=ModelKind::Validation>
            <p><button type="button" data-testid="run-validation" on:click=run disabled=move || lane.busy.get()>{move || tr("val.run")}</button></p>
            <Show when=has_report>
                <Figures kind=ModelKind::Validation section="validation" />
                <p class="hint">{move || tr("val.gap")}</p>
                {titled("val.c.cold", "chart-validation", move || ctx.with_output(ModelKind::Validation, |o| Some(Chart::Xy(mc::validation(o.validation()?, t())))))}
                <div class="table-scroll" tabindex="0">
                <table class="data-table" data-testid="validation-table">
                    <caption>{move || tr("val.table")}</caption>
                    <thead><tr>
                        <th scope="col">{move || tr("val.t.rate")}</th><th scope="col">{move || tr("val.t.measured_cold")}</th>
                        <th scope="col">{move || tr("val.t.sim_cold")}</th><th scope="col">{move || tr("val.t.pacs_cold")}</th>
                        <th scope="col">{move || tr("val.t.measured_inst")}</th><th scope="col">{move || tr("val.t.sim_inst")}</th>
                        <th scope="col">{move || tr("val.t.pacs_inst")}</th>
                    </tr></thead>
                    <tbody>
                        {move || ctx.with_output(ModelKind::Validation, |o| o.validation().map(|r| r.rows.clone())).map(|rows| rows.into_iter().map(|x| view! {
                            <tr>
                                <td>{sig(x.experiment.rate, 3)}</td>
                                <td>{pct(x.experiment.cold_prob * 100.0)}</td><td>{pct(x.simulated.cold_prob * 100.0)}</td><td>{pct(x.pacs.cold_prob * 100.0)}</td>
                                <td>{sig(x.experiment.instances, 3)}</td><td>{sig(x.simulated.instances, 3)}</td><td>{sig(x.pacs.instances, 3)}</td>
                            </tr>
                        }).collect_view())}
                    </tbody>
                </table>
                </div>
            </Show>
        </Section>
    }
}
