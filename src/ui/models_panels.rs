//! The sections after Scaling: Cost, Availability, Parallel (fan-out), Resilience (circuit breaker), Chains and the
//! Validation panel. Each binds its parameters, shows its figures beside the textbook formula with a line on the
//! gap, and draws its charts from its lane's result (and scenario A's, when comparing).

use super::fields::{field, Field, LaneStatus, Range, SelectField};
use super::figures::{formula_any, formula_line, Charts, Figures, NONE_YET};
use super::i18n::{tr, trf};
use super::ScenarioCtx;
use crate::model::availability::CommonMode;
use crate::model::chain::Link;
use crate::model::cost::PricingPreset;
use crate::model::registry::Gap;
use crate::model::scenario::{ModelKind, Scenario};
use crate::model::units::FieldUnit;
use crate::model::units::{fmt_duration, sig};
use leptos::prelude::*;

/// A percentage with three significant digits.
fn pct(v: f64) -> String {
    format!("{} %", sig(v, 3))
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

/// The section of a model whose panel is the page's generic one ([`Panel`]): its fields, figures, formula box and
/// charts, all from the registry.
#[component]
pub fn ModelPanel(kind: ModelKind) -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let model = kind.model();
    let Some(p) = model.panel() else { return ().into_any() };
    let section = model.section();
    let formula = move || formula_any(ctx, kind, p.formulas).unwrap_or_else(|| NONE_YET.to_string());
    let gap = move || match p.gap {
        Gap::Text(key) => tr(key).to_string(),
        Gap::Formula(key) => formula_any(ctx, kind, &[key]).unwrap_or_default(),
    };
    view! {
        <Section id=section title=p.title intro=p.intro kind=kind>
            <div class="params">
                {p.fields.iter().map(|&f| field(f)).collect_view()}
            </div>
            {p.note.map(|key| view! { <p class="hint">{move || tr(key)}</p> })}
            <Figures kind=kind section=section />
            <div class="formula" data-testid=p.formula_id>
                <h3>{move || tr("formula.title")}</h3>
                <p>{formula}</p>
                <p class="hint">{gap}</p>
            </div>
            <Charts section=section />
        </Section>
    }
    .into_any()
}

/// The section of each model, in the registry's order: the generic one ([`ModelPanel`]) where the model gives a
/// [`Panel`], else its own.
pub fn model_section(kind: ModelKind) -> AnyView {
    match kind {
        ModelKind::Scaling => view! { <super::ScalingPanel /> }.into_any(),
        ModelKind::Provisioned => view! { <CostPanel /> }.into_any(),
        ModelKind::Availability => view! { <AvailabilityPanel /> }.into_any(),
        ModelKind::Parallel | ModelKind::Breaker => view! { <ModelPanel kind=kind /> }.into_any(),
        ModelKind::Chain => view! { <ChainsPanel /> }.into_any(),
        ModelKind::Validation => view! { <ValidationPanel /> }.into_any(),
    }
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
    let _duration = move || sc.with(|s| s.load.duration());
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
                {field(Field { label: "cost.per_million", hint: "cost.per_million.hint", testid: "price-requests", unit: FieldUnit::Usd, whole: false, step: None, range: None,
                    get: |s| s.scaling.pricing.per_million_requests,
                    set: |s, v| s.scaling.pricing.per_million_requests = v })}
                {field(Field { label: "cost.per_gb_s", hint: "cost.per_gb_s.hint", testid: "price-gb-s", unit: FieldUnit::Usd, whole: false, step: None, range: None,
                    get: |s| s.scaling.pricing.per_gb_s,
                    set: |s, v| s.scaling.pricing.per_gb_s = v })}
                {field(Field { label: "cost.vm_price", hint: "cost.vm_price.hint", testid: "vm-price", unit: FieldUnit::UsdPerHour, whole: false, step: None, range: Some(Range::log(0.004, 5.0)),
                    get: |s| s.scaling.always_on.price_per_hour,
                    set: |s, v| s.scaling.always_on.price_per_hour = v })}
                {field(Field { label: "cost.vm_capacity", hint: "cost.vm_capacity.hint", testid: "vm-capacity", unit: FieldUnit::Rps, whole: false, step: None, range: Some(Range::log(1.0, 5000.0)),
                    get: |s| s.scaling.always_on.capacity_rps,
                    set: |s, v| s.scaling.always_on.capacity_rps = v })}
                {field(Field { label: "cost.vm_min", hint: "cost.vm_min.hint", testid: "vm-min", unit: FieldUnit::Servers, whole: true, step: None, range: Some(Range::lin(1.0, 10.0)),
                    get: |s| s.scaling.always_on.min_servers as f64,
                    set: |s, v| s.scaling.always_on.min_servers = v as u32 })}
            </div>
            <Figures kind=ModelKind::Scaling section="cost" />
            <div class="formula" data-testid="cost-formula">
                <h3>{move || tr("formula.title")}</h3>
                <p>{move || formula_line(ctx, ModelKind::Scaling, "cost.formula")}</p>
                <p class="hint">{move || tr("cost.gap")}</p>
            </div>
            <Charts section="cost" />
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
    view! {
        <Section id="availability" title="av.title" intro="av.intro" kind=ModelKind::Availability>
            <div class="params">
                {field(Field { label: "av.regions", hint: "av.regions.hint", testid: "regions", unit: FieldUnit::Regions, whole: true, step: None, range: Some(Range::lin(1.0, 6.0)),
                    get: |s| s.availability.regions.len() as f64,
                    set: |s, v| { let r = s.availability.regions[0]; s.availability.regions.resize((v as usize).min(1000), r); } })}
                {field(Field { label: "av.mtbf", hint: "av.mtbf.hint", testid: "mtbf", unit: FieldUnit::Hours, whole: false, step: None, range: Some(Range::log(10.0, 100_000.0)),
                    get: |s| s.availability.regions[0].mtbf_h,
                    set: |s, v| s.availability.regions.iter_mut().for_each(|r| r.mtbf_h = v) })}
                {field(Field { label: "av.mttr", hint: "av.mttr.hint", testid: "mttr", unit: FieldUnit::Hours, whole: false, step: None, range: Some(Range::log(0.01, 100.0)),
                    get: |s| s.availability.regions[0].mttr_h,
                    set: |s, v| s.availability.regions.iter_mut().for_each(|r| r.mttr_h = v) })}
                {field(Field { label: "av.capacity", hint: "av.capacity.hint", testid: "capacity", unit: FieldUnit::Percent, whole: false, step: None, range: Some(Range::lin(10.0, 100.0)),
                    get: |s| s.availability.regions[0].capacity,
                    set: |s, v| s.availability.regions.iter_mut().for_each(|r| r.capacity = v) })}
                {field(Field { label: "av.common", hint: "av.common.hint", testid: "common-mode", unit: FieldUnit::Hours, whole: false, step: None, range: Some(Range::log(100.0, 1_000_000.0)),
                    get: |s| s.availability.common_mode.map_or(0.0, |c| c.mtbf_h),
                    set: |s, v| s.availability.common_mode = if v > 0.0 { Some(CommonMode { mtbf_h: v, mttr_h: s.availability.common_mode.map_or(0.5, |c| c.mttr_h) }) } else { None } })}
                {field(Field { label: "av.check", hint: "av.check.hint", testid: "check-interval", unit: FieldUnit::Seconds, whole: false, step: None, range: Some(Range::log(1.0, 300.0)),
                    get: |s| s.availability.check_interval_s,
                    set: |s, v| s.availability.check_interval_s = v })}
                {field(Field { label: "av.threshold", hint: "av.threshold.hint", testid: "threshold", unit: FieldUnit::Plain, whole: true, step: None, range: Some(Range::lin(1.0, 10.0)),
                    get: |s| s.availability.failure_threshold as f64,
                    set: |s, v| s.availability.failure_threshold = v as u32 })}
                {field(Field { label: "av.ttl", hint: "av.ttl.hint", testid: "dns-ttl", unit: FieldUnit::Seconds, whole: false, step: None, range: Some(Range::log(1.0, 3600.0)),
                    get: |s| s.availability.dns_ttl_s,
                    set: |s, v| s.availability.dns_ttl_s = v })}
                {field(Field { label: "av.failover", hint: "av.failover.hint", testid: "failover-success", unit: FieldUnit::Percent, whole: false, step: None, range: Some(Range::lin(0.0, 100.0)),
                    get: |s| s.availability.failover_success,
                    set: |s, v| s.availability.failover_success = v })}
                {field(Field { label: "av.sla", hint: "av.sla.hint", testid: "sla", unit: FieldUnit::Percent, whole: false, step: None, range: None,
                    get: |s| s.availability.sla,
                    set: |s, v| s.availability.sla = v })}
                {field(Field { label: "av.runs", hint: "av.runs.hint", testid: "runs", unit: FieldUnit::Plain, whole: true, step: None, range: Some(Range::log(10.0, 2000.0)),
                    get: |s| s.availability.runs as f64,
                    set: |s, v| s.availability.runs = v as u32 })}
            </div>
            <Figures kind=ModelKind::Availability section="availability" />
            <div class="formula" data-testid="av-formula">
                <h3>{move || tr("formula.title")}</h3>
                <p>{move || formula_line(ctx, ModelKind::Availability, "av.formula")}</p>
                <p class="hint">{move || trf("av.gap", &[&fmt_duration(sc.with(|s| s.availability.failover_delay()))])}</p>
            </div>
            <Charts section="availability" />
        </Section>
    }
}

/// The Chains section.
#[component]
pub fn ChainsPanel() -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let sc = ctx.scenario;
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
                {field(Field { label: "ch.hops", hint: "ch.hops.hint", testid: "hops", unit: FieldUnit::Functions, whole: true, step: None, range: Some(Range::lin(1.0, 20.0)),
                    get: |s| s.chain.hops.len() as f64,
                    set: |s, v| { let last = s.chain.hops.last().copied().unwrap_or_default(); s.chain.hops.resize((v as usize).min(1000), last) } })}
                {field(Field { label: "ch.service", hint: "ch.service.hint", testid: "hop-service", unit: FieldUnit::Ms, whole: false, step: None, range: Some(Range::log(1.0, 10_000.0)),
                    get: |s| s.chain.hops[0].service.mean(),
                    set: |s, v| s.chain.hops.iter_mut().for_each(|h| h.service = h.service.with_mean(v)) })}
                {field(Field { label: "ch.init", hint: "ch.init.hint", testid: "hop-init", unit: FieldUnit::Ms, whole: false, step: None, range: Some(Range::log(1.0, 30_000.0)),
                    get: |s| s.chain.hops[0].init.mean(),
                    set: |s, v| s.chain.hops.iter_mut().for_each(|h| h.init = h.init.with_mean(v)) })}
                {field(Field { label: "ch.keep_alive", hint: "ch.keep_alive.hint", testid: "hop-keep-alive", unit: FieldUnit::Seconds, whole: false, step: None, range: Some(Range::log(1.0, 7200.0)),
                    get: |s| s.chain.hops[0].keep_alive,
                    set: |s, v| s.chain.hops.iter_mut().for_each(|h| h.keep_alive = v) })}
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
            <super::chain_live::ChainLiveView />
            <Charts section="chains" />
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
                <Charts section="validation" />
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
