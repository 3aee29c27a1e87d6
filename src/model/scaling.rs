//! The scaling model's entry in the registry ([`Model`]): the engine's run of the scenario's curve ([`simulate`]),
//! its figures in the Scaling and Cost sections, and the formulas beside it: M/G/∞'s busy instances λ·E[S], PACS's
//! steady-state cold-start share and instances, and the expected bill (every request billed its mean warm time).

use super::analytic::{mg_inf_busy, pacs};
use super::cost::{break_even_rps, monthly_pay_per_use, period_bill, AlwaysOn, Usage};
use super::engine::{simulate, ColdMode, ScalingParams, SimResult, Summary};
use super::registry::{ChartInput, ChartSpec, FigureSpec, Formula, Model, ModelKind, Output, Reading};
use super::scenario::Scenario;
use super::units::{fmt_clock, fmt_count, fmt_duration, sig, Unit};
use crate::charts::models as mc;
use crate::charts::scaling::{self as charts, Tr};
use crate::charts::spec::Chart;
use crate::charts::timeseries::TimeChart;

/// The scaling engine on the scenario's curve.
pub struct ScalingModel;

/// The scaling parameters a scaling run reads, for its inputs' keys: prices are left out (their billing rules
/// kept), as is the always-on comparison, since a price edit reprices the last run ([`Output::reprice`]) instead
/// of simulating again.
pub(crate) fn sim_inputs(s: &Scenario) -> ScalingParams {
    let mut sim = s.scaling.clone();
    sim.pricing = sim.pricing.rules_only();
    sim.always_on = AlwaysOn::default();
    sim
}

/// The inputs of a scaling run of `s` (also those of the provisioned sweep, made of scaling runs).
pub(crate) fn inputs(s: &Scenario) -> String {
    serde_json::to_string(&(s.seed, &s.load, sim_inputs(s))).unwrap_or_default()
}

/// The cold-start latency's distribution: the init phase, or the whole cold service.
pub fn cold_dist(p: &ScalingParams) -> super::dist::Dist {
    match p.cold {
        ColdMode::InitThenWarm { init } => init,
        ColdMode::SeparateCold { cold_service } => cold_service,
    }
}

fn summary(out: &Output) -> Option<&Summary> {
    out.scaling().map(|r| &r.summary)
}

/// A figure read from the run's summary alone.
macro_rules! from_summary {
    ($f:expr) => {
        |_: &Scenario, o: &Output| summary(o).map($f)
    };
}

const FIGURES: &[FigureSpec] = &[
    FigureSpec {
        section: "scaling",
        label: "sc.f.cold",
        id: "cold-prob",
        compare: Some("cmp.cold"),
        unit: Unit::Share,
        read: from_summary!(|s| Reading::of(s.cold_start_prob)),
    },
    FigureSpec {
        section: "scaling",
        label: "sc.f.rejected",
        id: "rejected",
        compare: Some("cmp.rejected"),
        unit: Unit::Share,
        read: from_summary!(|s| Reading::of(s.rejection_prob)),
    },
    FigureSpec {
        section: "scaling",
        label: "sc.f.p50",
        id: "p50",
        compare: None,
        unit: Unit::Duration,
        read: from_summary!(|s| Reading::of(s.latency.p50)),
    },
    FigureSpec {
        section: "scaling",
        label: "sc.f.p99",
        id: "p99",
        compare: Some("cmp.p99"),
        unit: Unit::Duration,
        read: from_summary!(|s| Reading::text(
            s.latency.p99,
            format!("{} / {}", fmt_duration(s.latency.p99), fmt_duration(s.latency_warm.p99))
        )),
    },
    FigureSpec {
        section: "scaling",
        label: "sc.f.mean",
        id: "mean-latency",
        compare: None,
        unit: Unit::Duration,
        read: from_summary!(|s| Reading::of(s.latency.mean)),
    },
    FigureSpec {
        section: "scaling",
        label: "sc.f.instances",
        id: "avg-instances",
        compare: Some("cmp.instances"),
        unit: Unit::Number,
        read: from_summary!(|s| Reading::of(s.avg_instances)),
    },
    FigureSpec {
        section: "scaling",
        label: "sc.f.utilisation",
        id: "utilization",
        compare: None,
        unit: Unit::Share,
        read: from_summary!(|s| Reading::of(s.utilization)),
    },
    FigureSpec {
        section: "scaling",
        label: "sc.f.cost",
        id: "cost",
        compare: Some("cmp.cost"),
        unit: Unit::Usd,
        read: from_summary!(|s| Reading::of(s.bill.total)),
    },
    FigureSpec {
        section: "cost",
        label: "cost.f.bill",
        id: "cost-bill",
        compare: None,
        unit: Unit::Usd,
        read: from_summary!(|s| Reading::of(s.bill.total)),
    },
    FigureSpec {
        section: "cost",
        label: "cost.f.per_million",
        id: "cost-per-million",
        compare: None,
        unit: Unit::Usd,
        read: from_summary!(|s| Reading::of(s.cost_per_million)),
    },
    FigureSpec {
        section: "cost",
        label: "cost.f.always_on",
        id: "always-on",
        compare: Some("cmp.always_on"),
        unit: Unit::Usd,
        read: from_summary!(|s| Reading::text(
            s.always_on_cost,
            format!("{} ({})", Unit::Usd.fmt(s.always_on_cost, 3), s.always_on_servers)
        )),
    },
    FigureSpec {
        section: "cost",
        label: "cost.f.break_even",
        id: "break-even",
        compare: None,
        unit: Unit::Rps,
        read: |sc, o| {
            let s = summary(o)?;
            Some(match break_even_rps(s.gb_s_per_request, &sc.scaling.pricing, &sc.scaling.always_on) {
                Some(r) => Reading::of(r),
                None => Reading::word(f64::INFINITY, "cost.never"),
            })
        },
    },
    FigureSpec {
        section: "cost",
        label: "cost.f.monthly",
        id: "monthly",
        compare: None,
        unit: Unit::Usd,
        read: |sc, o| {
            let s = summary(o)?;
            Some(Reading::of(monthly_pay_per_use(sc.load.mean(), s.gb_s_per_request, &sc.scaling.pricing)))
        },
    },
];

/// The bill the textbook formula expects for the curve: every expected request billed its mean warm time, no
/// cold starts, no idle instances [$].
pub fn expected_bill(s: &Scenario) -> f64 {
    let n = s.load.expected_requests();
    let gb_s = n * s.scaling.memory_mb / 1024.0 * s.scaling.warm_service.mean();
    period_bill(&Usage { requests: n, gb_s, ..Usage::default() }, &s.scaling.pricing, s.load.duration()).total
}

/// Whether the curve is one constant rate (PACS is a steady-state model).
fn steady(s: &Scenario) -> bool {
    s.load.points().iter().all(|q| q.rate == s.load.points()[0].rate)
}

impl Model for ScalingModel {
    fn kind(&self) -> ModelKind {
        ModelKind::Scaling
    }
    fn section(&self) -> &'static str {
        "scaling"
    }
    fn work_unit(&self) -> &'static str {
        "work.requests"
    }
    /// The chart a reader looks at first: it starts before the others.
    fn priority(&self) -> u8 {
        0
    }
    fn prior_rate(&self) -> f64 {
        6_000.0
    }
    fn inputs(&self, s: &Scenario) -> String {
        inputs(s)
    }
    fn work(&self, s: &Scenario) -> f64 {
        s.load.expected_requests()
    }
    fn run(&self, s: &Scenario) -> Output {
        Output::Scaling(simulate(&s.load, &s.scaling, s.seed))
    }
    fn reprices(&self) -> bool {
        true
    }
    fn reprice(&self, out: &mut Output, s: &Scenario) {
        if let Output::Scaling(r) = out {
            r.reprice(&s.scaling.pricing, &s.scaling.always_on, s.load.peak());
        }
    }
    fn charts(&self) -> &'static [ChartSpec] {
        CHARTS
    }
    fn figures(&self) -> &'static [FigureSpec] {
        FIGURES
    }
    fn formulas(&self, s: &Scenario, out: &Output) -> Vec<Formula> {
        let Some(r) = summary(out) else { return Vec::new() };
        let (rate, service) = (s.load.mean(), s.scaling.warm_service.mean());
        let cold = cold_dist(&s.scaling).mean();
        let mut f = vec![
            Formula {
                key: "sc.mginf",
                args: vec![
                    sig(rate, 4),
                    fmt_duration(service),
                    sig(mg_inf_busy(rate, service), 4),
                    sig(r.avg_running + r.avg_initializing, 4),
                    sig(r.avg_instances, 4),
                ],
            },
            Formula {
                key: "sc.gap",
                args: vec![
                    sig(r.cold_start_prob * 100.0, 2),
                    fmt_duration(cold),
                    sig(r.avg_idle, 3),
                    sig(r.rejection_prob * 100.0, 2),
                ],
            },
            Formula { key: "cost.formula", args: vec![sig(expected_bill(s), 4), sig(r.bill.total, 4)] },
        ];
        f.push(tail(out));
        if steady(s) {
            let a = pacs(rate, service, service + cold, s.scaling.keep_alive, s.scaling.max_instances);
            f.push(Formula {
                key: "sc.pacs",
                args: vec![
                    sig(a.cold_prob * 100.0, 3),
                    sig(a.avg_instances, 3),
                    sig(r.cold_start_prob * 100.0, 3),
                    sig(r.avg_instances, 3),
                ],
            });
        }
        f
    }
    fn cli(&self, s: &Scenario) -> Option<serde_json::Value> {
        let out = &self.run(s);
        serde_json::to_value(summary(out)?).ok()
    }
}

/// Why the tail is slow, in one sentence from the run: how often a request was cold, whether cold starts or warm
/// requests set the p99 (the share of the p99 due to cold starts, 20 % or more: cold starts), and the bin where the
/// p99 was highest, with its cold share. Key `sc.tail.cold`, `sc.tail.warm` or `sc.tail.none` (no cold start).
fn tail(out: &Output) -> Formula {
    let Some(r) = out.scaling() else { return Formula { key: "sc.tail.none", args: Vec::new() } };
    let s = &r.summary;
    let key = match (s.cold_starts, s.p99_cold_share >= 0.2) {
        (0, _) => "sc.tail.none",
        (_, true) => "sc.tail.cold",
        (_, false) => "sc.tail.warm",
    };
    let worst = r.bins.iter().filter(|b| b.completed > 0).max_by(|a, b| a.latency.p99.total_cmp(&b.latency.p99));
    let (from, to, cold, p99) = worst.map_or((0.0, 0.0, 0.0, 0.0), |b| {
        (b.t, b.t + r.bin_width, b.cold_starts as f64 / b.completed as f64, b.latency.p99)
    });
    let one_in = if s.cold_start_prob > 0.0 { fmt_count((1.0 / s.cold_start_prob).round()) } else { String::new() };
    Formula {
        key,
        args: vec![
            one_in,
            fmt_duration(s.latency.p99),
            fmt_duration(s.latency_warm.p99),
            fmt_clock(from),
            fmt_clock(to),
            sig(cold * 100.0, 2),
            fmt_duration(p99),
        ],
    }
}

/// The scaling run's charts: its own section's, and the Cost section's bill over time and break-even.
static CHARTS: &[ChartSpec] = &[
    ChartSpec { section: "scaling", title: "sc.c.latency", id: "chart-latency", draw: |c| time(c, charts::latency) },
    ChartSpec {
        section: "scaling",
        title: "sc.c.parts",
        id: "chart-latency-parts",
        draw: |c| time(c, |r, d, a, t| charts::latency_parts(r, d, a, t, false)),
    },
    ChartSpec {
        section: "scaling",
        title: "sc.c.parts_slowest",
        id: "chart-latency-parts-slowest",
        draw: |c| time(c, |r, d, a, t| charts::latency_parts(r, d, a, t, true)),
    },
    ChartSpec {
        section: "scaling",
        title: "sc.c.instances",
        id: "chart-instances",
        draw: |c| time(c, charts::instances),
    },
    ChartSpec { section: "scaling", title: "sc.c.events", id: "chart-events", draw: |c| time(c, charts::events) },
    ChartSpec {
        section: "scaling",
        title: "sc.c.split",
        id: "chart-latency-split",
        draw: |c| Some(Chart::Bars(charts::latency_split(c.out.scaling()?, c.a_out().and_then(Output::scaling), c.t))),
    },
    ChartSpec {
        section: "scaling",
        title: "sc.c.outcomes",
        id: "chart-arrival-outcomes",
        draw: |c| time(c, charts::arrival_outcomes),
    },
    ChartSpec { section: "cost", title: "cost.c.cumulative", id: "chart-cost", draw: |c| time(c, mc::cost_over_time) },
    ChartSpec {
        section: "cost",
        title: "cost.c.break_even",
        id: "chart-break-even",
        draw: |c| {
            let s = &c.s.scaling;
            let base = c.a.and_then(|(a, o)| Some((o.scaling()?, &a.scaling.pricing)));
            Some(Chart::Xy(mc::break_even(c.out.scaling()?, &s.pricing, &s.always_on, c.s.load.mean(), base, c.t)))
        },
    },
];

/// A time chart of the scaling run over the curve, with A's beside it when comparing.
fn time(c: &ChartInput, f: fn(&SimResult, f64, Option<&SimResult>, Tr) -> TimeChart) -> Option<Chart> {
    Some(Chart::Time(f(c.out.scaling()?, c.s.load.duration(), c.a_out().and_then(Output::scaling), c.t)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load::LoadCurve;

    fn tail_of(rate: f64, keep_alive: f64, provisioned: u32) -> Formula {
        let load = LoadCurve::from_pairs(&[(0.0, rate), (1800.0, rate)]).unwrap();
        let mut s = Scenario { load, ..Scenario::default() };
        s.scaling.keep_alive = keep_alive;
        s.scaling.provisioned = provisioned;
        tail(&ScalingModel.run(&s))
    }

    /// The sentence under the latency figures says what sets the p99: cold starts when requests rarely find a warm
    /// instance, warm requests when cold starts are rare, and warm requests alone with none.
    #[test]
    fn the_tail_sentence_names_what_sets_the_p99() {
        let cold = tail_of(0.5, 1.0, 0);
        assert_eq!(cold.key, "sc.tail.cold", "{cold:?}");
        let one_in: f64 = cold.args[0].replace(',', "").parse().unwrap();
        assert!((1.0..3.0).contains(&one_in), "most requests cold: 1 in {one_in}");
        let warm = tail_of(20.0, 600.0, 0);
        assert_eq!(warm.key, "sc.tail.warm", "{warm:?}");
        assert!(warm.args[0].replace(',', "").parse::<f64>().unwrap() > 1000.0);
        let none = tail_of(5.0, 600.0, 20);
        assert_eq!(none.key, "sc.tail.none", "{none:?}");
        for f in [cold, warm, none] {
            assert_eq!(f.args.len(), 7);
            assert!(f.args[3] < f.args[4] || f.args[3].len() < f.args[4].len(), "a window: {:?}", f.args);
        }
    }
}
