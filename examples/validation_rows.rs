//! Per-row view of the AWS validation: measured vs simulated vs PACS for each of the 20 experiments.
//! `cargo run --release --example validation_rows -- [REQUESTS_PER_ROW] [KEEP_ALIVE_S]`
use serverless_playground::model::validation::*;
fn main() {
    let n: f64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(400_000.0);
    let exps = experiments();
    let mut preds = vec![];
    for (i, e) in exps.iter().enumerate() {
        let mut e2 = *e;
        e2.keep_alive = std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(e.keep_alive);
        let p = simulate_experiment(&e2, n, 100 + i as u64);
        let a = pacs_experiment(e);
        println!(
            "{:>8.4} cold meas {:.5} sim {:.5} ({:+.1}%) pacs {:.5} | inst meas {:.3} sim {:.3} ({:+.1}%)",
            e.rate,
            e.cold_prob,
            p.cold_prob,
            (p.cold_prob / e.cold_prob - 1.0) * 100.0,
            a.cold_prob,
            e.instances,
            p.instances,
            (p.instances / e.instances - 1.0) * 100.0
        );
        preds.push(p);
    }
    println!("{:?}", mape(&exps, &preds));
}
