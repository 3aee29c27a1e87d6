//! Headless runner of the playground's models.
//!
//! ```text
//! playground-cli example                    print the default scenario (JSON)
//! playground-cli run SCENARIO.json          run every model on it; print their summaries (JSON)
//! playground-cli steady --rate R --warm S --cold S --keep-alive S --max-concurrency N --horizon S --warmup S --seed N
//!                                           SimFaaS-compatible steady state; print JSON
//! ```

#![forbid(unsafe_code)]

use serverless_playground::model::engine::{simulate, ScalingParams};
use serverless_playground::model::load::LoadCurve;
use serverless_playground::model::scenario::{ModelKind, Scenario};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage:
  playground-cli example
  playground-cli run SCENARIO.json
  playground-cli steady [--rate R] [--warm S] [--cold S] [--keep-alive S] [--max-concurrency N]
                        [--horizon S] [--warmup S] [--seed N]
(steady defaults: the SimFaaS README run: rate 0.9, warm 1.991, cold 2.244, keep-alive 600, max-concurrency 1000,
 horizon 1000000, warmup 0, seed 1)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("playground-cli: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<String, String> {
    match args.first().map(String::as_str) {
        Some("example") => serde_json::to_string_pretty(&Scenario::default()).map_err(|e| e.to_string()),
        Some("run") => {
            let path = args.get(1).ok_or(USAGE)?;
            let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            let scenario = Scenario::from_json(&text).map_err(|e| format!("{path}: {e}"))?;
            let t0 = Instant::now();
            // Every model of the registry with a command-line summary, under its id.
            let mut v = serde_json::Map::new();
            for kind in ModelKind::ALL {
                if let Some(summary) = kind.model().cli(&scenario) {
                    v.insert(kind.id().to_string(), summary);
                }
            }
            v.insert("wall_seconds".into(), t0.elapsed().as_secs_f64().into());
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())
        }
        Some("steady") => steady(&args[1..]),
        Some("-h" | "--help" | "help") => Ok(USAGE.to_string()),
        _ => Err(USAGE.to_string()),
    }
}

fn steady(args: &[String]) -> Result<String, String> {
    let (mut rate, mut warm, mut cold, mut keep_alive) = (0.9, 1.991, 2.244, 600.0);
    let (mut max_c, mut horizon, mut warmup, mut seed) = (1000u32, 1e6, 0.0, 1u64);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let num = || value.parse::<f64>().map_err(|_| format!("{flag}: '{value}' is not a number"));
        match flag.as_str() {
            "--rate" => rate = num()?,
            "--warm" => warm = num()?,
            "--cold" => cold = num()?,
            "--keep-alive" => keep_alive = num()?,
            "--max-concurrency" => {
                max_c = value.parse().map_err(|_| format!("{flag}: '{value}' is not a whole number"))?
            }
            "--horizon" => horizon = num()?,
            "--warmup" => warmup = num()?,
            "--seed" => seed = value.parse().map_err(|_| format!("{flag}: '{value}' is not a whole number"))?,
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }
    let mut p = ScalingParams::simfaas(warm, cold, keep_alive, max_c);
    p.warmup = warmup;
    p.validate()?;
    if warmup >= horizon {
        return Err("--warmup must be shorter than --horizon".into());
    }
    let curve = LoadCurve::steady(rate, horizon).map_err(|e| format!("--rate/--horizon: {e}"))?;
    let t0 = Instant::now();
    let s = simulate(&curve, &p, seed).summary;
    let wall = t0.elapsed().as_secs_f64();
    let out = serde_json::json!({
        "requests": s.arrivals,
        "completed": s.completed,
        "cold_start_prob": s.cold_start_prob,
        "rejection_prob": s.rejection_prob,
        "avg_instances": s.avg_instances,
        "avg_running": s.avg_running,
        "avg_idle": s.avg_idle,
        "utilization": s.utilization,
        "latency_mean": s.latency.mean,
        "latency_p99": s.latency.p99,
        "peak_instances": s.peak_instances,
        "wall_seconds": wall,
        "simulated_requests_per_second": s.arrivals as f64 / wall,
    });
    serde_json::to_string_pretty(&out).map_err(|e| e.to_string())
}
