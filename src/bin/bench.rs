//! Engine benchmark: simulated requests per second on the four steady scenarios of the engine issue (λ = 5 and
//! 100 req/s; warm 1.991 s / cold 2.244 s and warm 0.2 s / cold 1.0 s; keep-alive 600 s; limit 1000), natively.
//! Where SimFaaS is installed (`pip install simfaas==0.2.2`, found through `python3`), the same scenarios run there
//! too and the ratio is printed. Prints figures; asserts nothing.
//!
//! `cargo run --release --bin bench [-- REQUESTS_PER_CASE]`

#![forbid(unsafe_code)]

use serverless_playground::model::engine::{simulate, ScalingParams};
use serverless_playground::model::load::LoadCurve;
use std::process::Command;
use std::time::Instant;

const CASES: [(f64, f64, f64); 4] = [(5.0, 1.991, 2.244), (100.0, 1.991, 2.244), (5.0, 0.2, 1.0), (100.0, 0.2, 1.0)];

fn simfaas_seconds(rate: f64, warm: f64, cold: f64, horizon: f64) -> Option<f64> {
    let script = format!(
        "import time\nfrom simfaas.ServerlessSimulator import ServerlessSimulator as S\n\
         s = S(arrival_rate={rate}, warm_service_rate=1/{warm}, cold_service_rate=1/{cold}, expiration_threshold=600, \
         max_time={horizon}, maximum_concurrency=1000)\nt = time.time()\ns.generate_trace(debug_print=False, progress=False)\n\
         print(time.time() - t)"
    );
    let out = Command::new("python3").args(["-c", &script]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

fn main() {
    let requests: f64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2e7);
    let simfaas = std::env::var("BENCH_SIMFAAS").map_or(true, |v| v != "0");
    println!("engine, native release build; ~{} M requests per case; best of 3", requests / 1e6);
    for (rate, warm, cold) in CASES {
        let horizon = requests / rate;
        let curve = LoadCurve::steady(rate, horizon).expect("valid");
        let p = ScalingParams::simfaas(warm, cold, 600.0, 1000);
        let mut best = f64::INFINITY;
        let mut n = 0;
        for seed in 1..=3 {
            let t0 = Instant::now();
            let r = simulate(&curve, &p, seed);
            best = best.min(t0.elapsed().as_secs_f64());
            n = r.summary.arrivals;
        }
        let ours = n as f64 / best;
        print!("  λ={rate:>3} warm {warm} s cold {cold} s: {n} requests in {:.3} s = {:.2} M req/s", best, ours / 1e6);
        // SimFaaS is slow: time it on a shorter horizon and compare rates.
        let short = (1e5 / rate).min(horizon);
        match simfaas.then(|| simfaas_seconds(rate, warm, cold, short)).flatten() {
            Some(s) => {
                println!("; SimFaaS {:.3} M req/s, ratio {:.0}×", rate * short / s / 1e6, ours / (rate * short / s))
            }
            None => println!("; SimFaaS not installed"),
        }
    }
}
