//! The provisioned-concurrency trade-off: the scaling run of the scenario at several provisioned counts, what each
//! costs and what it buys (fewer cold starts, a lower p99). Its entry in the registry ([`Model`]): one piece per
//! level, keyed so that an edit of the provisioned count reruns none of them, and the level at the scenario's own
//! count given by the scaling run itself (the same scenario with the same seed: the same bits).

use super::cost::{period_bill, Usage};
use super::engine::{simulate, ScalingParams, SimResult};
use super::observe;
use super::registry::{digest_json, parts_of, ChartInput, ChartSpec, FigureSpec, Model, ModelKind, Output};
use super::scenario::Scenario;
use crate::charts::models as mc;
use crate::charts::scaling::Tr;
use crate::charts::spec::Chart;
use crate::charts::xy::XyChart;
use serde::{Deserialize, Serialize};

/// The provisioned-concurrency sweep.
pub struct ProvisionedModel;

/// One point of the provisioned-concurrency trade-off.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProvisionedPoint {
    /// Provisioned instances [-].
    pub provisioned: u32,
    /// Whole bill for the curve [$].
    pub cost: f64,
    /// The provisioned-concurrency part of it [$].
    pub provisioned_cost: f64,
    /// Share of requests that waited for a cold start [-].
    pub cold_start_prob: f64,
    /// 99th-percentile latency [s].
    pub p99: f64,
    /// What the run used, to reprice it when only prices change.
    #[serde(default)]
    pub usage: Usage,
    /// Measured period [s].
    #[serde(default)]
    pub measured_seconds: f64,
}

impl ProvisionedPoint {
    /// The point of a scaling run `r` with `provisioned` instances.
    pub fn of_run(provisioned: u32, r: &SimResult) -> Self {
        let s = &r.summary;
        ProvisionedPoint {
            provisioned,
            cost: s.bill.total,
            provisioned_cost: s.bill.provisioned,
            cold_start_prob: s.cold_start_prob,
            p99: s.latency.p99,
            usage: r.usage(),
            measured_seconds: s.measured_seconds,
        }
    }
}

/// The provisioned-concurrency levels the sweep tries: 0 and ¼, ½, ¾, 1 and 1¼ of the busy instances the peak
/// needs (λ_peak · E[S] / concurrency), without repeats.
pub fn levels(s: &Scenario) -> Vec<u32> {
    let c = s.scaling.concurrency_per_instance.max(1) as f64;
    let peak_busy = (s.load.peak() * s.scaling.warm_service.mean() / c).ceil().max(1.0);
    let mut levels: Vec<u32> = [0.0, 0.25, 0.5, 0.75, 1.0, 1.25]
        .iter()
        .map(|f| ((f * peak_busy).round() as u32).min(s.scaling.max_instances))
        .collect();
    levels.dedup();
    levels
}

/// The scaling run at each of [`levels`] (validate first).
pub fn sweep(s: &Scenario) -> Vec<ProvisionedPoint> {
    points(s, &levels(s))
}

/// The sweep's points at the given levels only.
fn points(s: &Scenario, levels: &[u32]) -> Vec<ProvisionedPoint> {
    levels
        .iter()
        .zip(observe::spans(&vec![1.0; levels.len()]))
        .map(|(&n, (from, to))| {
            let _stage = observe::stage(from, to);
            let p = ScalingParams { provisioned: n, ..s.scaling.clone() };
            ProvisionedPoint::of_run(n, &simulate(&s.load, &p, s.seed))
        })
        .collect()
}

impl Model for ProvisionedModel {
    fn kind(&self) -> ModelKind {
        ModelKind::Provisioned
    }
    fn section(&self) -> &'static str {
        "cost"
    }
    fn work_unit(&self) -> &'static str {
        "work.requests"
    }
    fn prior_rate(&self) -> f64 {
        9_000.0
    }
    fn inputs(&self, s: &Scenario) -> String {
        super::scaling::inputs(s)
    }
    fn work(&self, s: &Scenario) -> f64 {
        s.load.expected_requests() * levels(s).len() as f64
    }
    fn run(&self, s: &Scenario) -> Output {
        Output::Provisioned(sweep(s))
    }
    fn pieces(&self, s: &Scenario) -> Vec<f64> {
        vec![s.load.expected_requests(); levels(s).len()]
    }
    /// A level is the scaling run with that provisioned count: an edit of the provisioned count reruns none of
    /// them (the levels follow the peak, not the count), and prices are left out as in the inputs.
    fn piece_keys(&self, s: &Scenario) -> Option<Vec<String>> {
        let sim = ScalingParams { provisioned: 0, ..super::scaling::sim_inputs(s) };
        let common = digest_json(&(s.seed, &s.load, &sim));
        Some(levels(s).iter().map(|n| format!("{common}|level {n}")).collect())
    }
    fn run_some(&self, s: &Scenario, which: &[usize]) -> Output {
        let all = levels(s);
        Output::Provisioned(points(s, &which.iter().map(|&i| all[i]).collect::<Vec<_>>()))
    }
    fn merge(&self, parts: Vec<Output>) -> Result<Output, String> {
        let mut points: Vec<ProvisionedPoint> = parts_of(parts, |o| match o {
            Output::Provisioned(p) => Some(p),
            _ => None,
        })?
        .concat();
        points.sort_by_key(|p| p.provisioned);
        if let Some(w) = points.windows(2).find(|w| w[0].provisioned == w[1].provisioned) {
            return Err(format!("the sweep's parts do not fit: level {} twice", w[0].provisioned));
        }
        Ok(Output::Provisioned(points))
    }
    fn piece_outputs(&self, _s: &Scenario, out: &Output) -> Vec<Output> {
        out.provisioned().map_or(Vec::new(), |p| p.iter().map(|p| Output::Provisioned(vec![*p])).collect())
    }
    fn reprices(&self) -> bool {
        true
    }
    fn reprice(&self, out: &mut Output, s: &Scenario) {
        if let Output::Provisioned(points) = out {
            for pt in points {
                let bill = period_bill(&pt.usage, &s.scaling.pricing, pt.measured_seconds);
                pt.cost = bill.total;
                pt.provisioned_cost = bill.provisioned;
            }
        }
    }
    /// The level at the scenario's own provisioned count is the scaling run itself.
    fn given_piece(&self, s: &Scenario) -> Option<(ModelKind, usize)> {
        let at = levels(s).iter().position(|&n| n == s.scaling.provisioned)?;
        Some((ModelKind::Scaling, at))
    }
    fn piece_from(&self, s: &Scenario, given: &Output) -> Option<Output> {
        Some(Output::Provisioned(vec![ProvisionedPoint::of_run(s.scaling.provisioned, given.scaling()?)]))
    }
    fn charts(&self) -> &'static [ChartSpec] {
        CHARTS
    }
    fn figures(&self) -> &'static [FigureSpec] {
        &[]
    }
    /// Not in `playground-cli run`'s summary (it prints the scaling run itself).
    fn cli(&self, _s: &Scenario) -> Option<serde_json::Value> {
        None
    }
}

/// The sweep's charts, in the Cost section.
static CHARTS: &[ChartSpec] = &[
    ChartSpec {
        section: "cost",
        title: "cost.c.prov_cost",
        id: "chart-provisioned-cost",
        draw: |c| xy(c, mc::provisioned_cost),
    },
    ChartSpec {
        section: "cost",
        title: "cost.c.prov_benefit",
        id: "chart-provisioned-benefit",
        draw: |c| xy(c, mc::provisioned_benefit),
    },
];

fn xy(c: &ChartInput, f: fn(&[ProvisionedPoint], Option<&[ProvisionedPoint]>, Tr) -> XyChart) -> Option<Chart> {
    Some(Chart::Xy(f(c.out.provisioned()?, c.a_out().and_then(Output::provisioned), c.t)))
}
