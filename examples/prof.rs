use serverless_playground::model::engine::{simulate, ScalingParams};
use serverless_playground::model::load::LoadCurve;
fn main() {
    let rate: f64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100.0);
    let curve = LoadCurve::steady(rate, 5e6 / rate).unwrap();
    let p = ScalingParams::simfaas(1.991, 2.244, 600.0, 1000);
    let r = simulate(&curve, &p, 1);
    println!("{}", r.summary.arrivals);
}
