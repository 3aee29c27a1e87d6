//! Entry points for the in-browser benchmark (tests/browser/bench.mjs): the engine run inside the page's wasm.

use crate::model::engine::{simulate, ScalingParams};
use crate::model::load::LoadCurve;
use wasm_bindgen::prelude::*;

/// Runs the SimFaaS-compatible steady state in wasm and returns JSON with the request count, the wall time [ms] and
/// simulated requests per second, or an `error` naming the bad parameter.
#[wasm_bindgen]
pub fn bench_steady(
    rate: f64,
    warm: f64,
    cold: f64,
    keep_alive: f64,
    max_instances: u32,
    horizon: f64,
    seed: f64,
) -> String {
    let p = ScalingParams::simfaas(warm, cold, keep_alive, max_instances);
    if let Err(e) = p.validate() {
        return serde_json::json!({ "error": e }).to_string();
    }
    let curve = match LoadCurve::steady(rate, horizon) {
        Ok(c) => c,
        Err(e) => return serde_json::json!({ "error": e.to_string() }).to_string(),
    };
    let t0 = super::now_ms();
    let s = simulate(&curve, &p, seed as u64).summary;
    let ms = super::now_ms() - t0;
    serde_json::json!({
        "requests": s.arrivals,
        "wall_ms": ms,
        "requests_per_second": s.arrivals as f64 / (ms / 1000.0),
        "cold_start_prob": s.cold_start_prob,
        "avg_instances": s.avg_instances,
    })
    .to_string()
}
