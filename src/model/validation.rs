//! Validation against real measurements: the 20 AWS Lambda experiments of the SimFaaS repository (data/README.md),
//! simulated with this engine and computed with the PACS model, with the mean absolute percentage error of each.

use super::analytic::pacs;
use super::engine::{simulate, ScalingParams};
use super::load::LoadCurve;
use super::registry::{ChartInput, ChartSpec, FigureSpec, Model, ModelKind, Output, Reading};
use super::scenario::Scenario;
use super::units::Unit;
use crate::charts::models as mc;
use crate::charts::spec::Chart;
use serde::{Deserialize, Serialize};

/// The experiments file, embedded at build time.
pub const EXPERIMENTS_CSV: &str = include_str!("../../data/aws-lambda-coldstart-experiments.csv");

/// One measured experiment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Experiment {
    /// Arrival rate [req/s].
    pub rate: f64,
    /// Mean warm service time [s].
    pub warm: f64,
    /// Mean cold service time [s].
    pub cold: f64,
    /// Keep-alive [s].
    pub keep_alive: f64,
    /// Measured mean instance count [instances].
    pub instances: f64,
    /// Measured utilisation [-].
    pub utilization: f64,
    /// Measured cold-start probability [-].
    pub cold_prob: f64,
}

/// The experiments, in the file's order.
pub fn experiments() -> Vec<Experiment> {
    let mut rdr = csv::Reader::from_reader(EXPERIMENTS_CSV.as_bytes());
    rdr.records()
        .map(|r| {
            let r = r.expect("the embedded file is well-formed");
            let f = |i: usize| r[i].parse::<f64>().expect("numbers");
            Experiment {
                rate: f(1),
                warm: f(2) / 1000.0,
                cold: f(3) / 1000.0,
                keep_alive: f(4) * 60.0,
                instances: f(5),
                utilization: f(6),
                cold_prob: f(7),
            }
        })
        .collect()
}

/// Predictions for one experiment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// Cold-start probability [-].
    pub cold_prob: f64,
    /// Mean instances [instances].
    pub instances: f64,
    /// Utilisation [-].
    pub utilization: f64,
}

/// Mean absolute percentage errors [%].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Mape {
    /// Of the cold-start probability [%].
    pub cold_prob: f64,
    /// Of the mean instance count [%].
    pub instances: f64,
    /// Of the utilisation [%].
    pub utilization: f64,
}

/// Simulated length of an experiment [s]: long enough for about `requests` arrivals, at least 10⁶ s.
pub fn horizon(e: &Experiment, requests: f64) -> f64 {
    (requests / e.rate).max(1e6)
}

/// Simulates one experiment with the SimFaaS-compatible set-up (exponential warm and cold service, cold replaces
/// warm, newest idle instance first), discarding the first 10 % as warm-up.
pub fn simulate_experiment(e: &Experiment, requests: f64, seed: u64) -> Prediction {
    let h = horizon(e, requests);
    let mut p = ScalingParams::simfaas(e.warm, e.cold, e.keep_alive, 1000);
    p.warmup = 0.1 * h;
    let curve = LoadCurve::steady(e.rate, h).expect("valid");
    let s = simulate(&curve, &p, seed).summary;
    Prediction { cold_prob: s.cold_start_prob, instances: s.avg_instances, utilization: s.utilization }
}

/// The PACS model's prediction for one experiment.
pub fn pacs_experiment(e: &Experiment) -> Prediction {
    let r = pacs(e.rate, e.warm, e.cold, e.keep_alive, 1000);
    Prediction { cold_prob: r.cold_prob, instances: r.avg_instances, utilization: r.utilization }
}

/// MAPE of predictions against the measurements.
pub fn mape(exps: &[Experiment], preds: &[Prediction]) -> Mape {
    let n = exps.len().max(1) as f64;
    let err = |f: &dyn Fn(&Experiment, &Prediction) -> (f64, f64)| {
        exps.iter()
            .zip(preds)
            .map(|(e, p)| {
                let (measured, predicted) = f(e, p);
                ((predicted - measured) / measured).abs()
            })
            .sum::<f64>()
            / n
            * 100.0
    };
    Mape {
        cold_prob: err(&|e, p| (e.cold_prob, p.cold_prob)),
        instances: err(&|e, p| (e.instances, p.instances)),
        utilization: err(&|e, p| (e.utilization, p.utilization)),
    }
}

/// One experiment beside both predictions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The measurement.
    pub experiment: Experiment,
    /// This simulator's prediction.
    pub simulated: Prediction,
    /// The PACS model's prediction.
    pub pacs: Prediction,
}

/// Every experiment with both predictions and their errors, for the validation panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// One row per experiment.
    pub rows: Vec<Row>,
    /// Errors of the simulation [%].
    pub mape_simulated: Mape,
    /// Errors of PACS [%].
    pub mape_pacs: Mape,
    /// The keep-alive simulated [s] (the nominal 600 s).
    pub keep_alive: f64,
}

/// Runs the validation: each experiment simulated for about `requests` arrivals (at least 10⁶ s) and PACS.
pub fn report(requests: f64, seed: u64) -> Report {
    let exps = experiments();
    let sims: Vec<Prediction> = exps.iter().map(|e| simulate_experiment(e, requests, seed)).collect();
    let pacs: Vec<Prediction> = exps.iter().map(pacs_experiment).collect();
    Report {
        mape_simulated: mape(&exps, &sims),
        mape_pacs: mape(&exps, &pacs),
        keep_alive: exps.first().map_or(600.0, |e| e.keep_alive),
        rows: exps
            .iter()
            .zip(sims)
            .zip(pacs)
            .map(|((e, s), p)| Row { experiment: *e, simulated: s, pacs: p })
            .collect(),
    }
}

/// Arrivals simulated per AWS experiment in the validation panel (each runs at least 10⁶ s).
pub const VALIDATION_REQUESTS: f64 = 20_000.0;

/// The validation's entry in the registry: the 20 experiments beside this simulator and PACS (reads only the seed).
pub struct ValidationModel;

/// A mean absolute percentage error of the report.
macro_rules! mape {
    ($f:expr) => {
        |_: &Scenario, o: &Output| o.validation().map($f).map(|v| Reading::of(v / 100.0))
    };
}

const FIGURES: &[FigureSpec] = &[
    FigureSpec {
        section: "validation",
        label: "val.f.sim_cold",
        id: "mape-sim-cold",
        compare: None,
        unit: Unit::Share,
        read: mape!(|r| r.mape_simulated.cold_prob),
    },
    FigureSpec {
        section: "validation",
        label: "val.f.sim_inst",
        id: "mape-sim-instances",
        compare: None,
        unit: Unit::Share,
        read: mape!(|r| r.mape_simulated.instances),
    },
    FigureSpec {
        section: "validation",
        label: "val.f.pacs_cold",
        id: "mape-pacs-cold",
        compare: None,
        unit: Unit::Share,
        read: mape!(|r| r.mape_pacs.cold_prob),
    },
    FigureSpec {
        section: "validation",
        label: "val.f.pacs_inst",
        id: "mape-pacs-instances",
        compare: None,
        unit: Unit::Share,
        read: mape!(|r| r.mape_pacs.instances),
    },
];

impl Model for ValidationModel {
    fn kind(&self) -> ModelKind {
        ModelKind::Validation
    }
    fn section(&self) -> &'static str {
        "validation"
    }
    fn work_unit(&self) -> &'static str {
        "work.requests"
    }
    /// Its inputs are the seed alone and it takes seconds: it runs when the reader asks.
    fn on_request(&self) -> bool {
        true
    }
    fn prior_rate(&self) -> f64 {
        12_000.0
    }
    fn inputs(&self, s: &Scenario) -> String {
        serde_json::to_string(&(s.seed,)).unwrap_or_default()
    }
    fn work(&self, _s: &Scenario) -> f64 {
        experiments().iter().map(|e| horizon(e, VALIDATION_REQUESTS) * e.rate).sum()
    }
    fn run(&self, s: &Scenario) -> Output {
        Output::Validation(report(VALIDATION_REQUESTS, s.seed))
    }
    fn charts(&self) -> &'static [ChartSpec] {
        CHARTS
    }
    fn figures(&self) -> &'static [FigureSpec] {
        FIGURES
    }
    /// Not in `playground-cli run`'s summary (`cargo run --example validation_rows` prints it).
    fn cli(&self, _s: &Scenario) -> Option<serde_json::Value> {
        None
    }
}

/// The comparison with the measurements.
static CHARTS: &[ChartSpec] = &[ChartSpec {
    section: "validation",
    title: "val.c.cold",
    id: "chart-validation",
    draw: |c: &ChartInput| Some(Chart::Xy(mc::validation(c.out.validation()?, c.t))),
}];
