//! The same scenario and seed give the same output natively and in WebAssembly, to the last bit.
//!
//! This test pins a hash (FNV-1a, 64 bits) of every model's output bytes ([`Output::to_bytes`]) for one scenario, the
//! default with a shorter curve and its own seed, in `tests/data/pinned-outputs.json`. The browser test "every model
//! gives the same bytes in wasm as natively" (tests/browser/scaling.test.mjs) runs that scenario in the page's wasm
//! and compares its hashes with the same file, so a difference between the two builds (a math function rounding
//! differently, say) fails one of them. A deliberate change of the models' results is pinned again with
//! `PIN_OUTPUTS=1 cargo test --test same_everywhere`.

use serverless_playground::model::load::LoadCurve;
use serverless_playground::model::scenario::{ModelKind, Scenario};
use std::collections::BTreeMap;

const PINNED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/pinned-outputs.json");

/// FNV-1a over the bytes, as 16 hex digits (the browser test computes the same).
fn fnv1a(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn scenario() -> Scenario {
    let mut s = Scenario { seed: 20_261_122, ..Scenario::default() };
    // Ten minutes that rise, fall and rise again (every segment kind of the arrival process); every model runs in
    // well under a second.
    s.load = LoadCurve::from_pairs(&[(0.0, 20.0), (200.0, 120.0), (400.0, 60.0), (600.0, 90.0)]).unwrap();
    s.parallel.runs = 20;
    s.availability.runs = 20;
    s
}

fn long_scenario() -> Scenario {
    let mut s = Scenario { seed: 7, ..Scenario::default() };
    s.load = LoadCurve::constant(100.0, 20_000.0).unwrap();
    s
}

#[test]
fn every_model_output_is_pinned() {
    let s = scenario();
    s.validate().unwrap();
    let hashes: BTreeMap<&str, String> =
        ModelKind::ALL.iter().map(|&k| (k.id(), fnv1a(&k.run(&s).to_bytes()))).collect();
    // And a long scaling run (2 M requests), where a rarely taken path (a draw from a distribution's tail, whose
    // logarithm the C library may round otherwise) is taken thousands of times.
    let long = long_scenario();
    long.validate().unwrap();
    let long_hash = fnv1a(&ModelKind::Scaling.run(&long).to_bytes());
    let now =
        serde_json::json!({ "scenario": s, "hashes": hashes, "long_scenario": long, "long_scaling_hash": long_hash });
    if std::env::var_os("PIN_OUTPUTS").is_some() {
        std::fs::write(PINNED, serde_json::to_string_pretty(&now).unwrap() + "\n").unwrap();
        return;
    }
    let pinned: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(PINNED).unwrap()).unwrap();
    for k in ["scenario", "long_scenario"] {
        assert_eq!(pinned[k], now[k], "the pinned {k} changed: pin again (PIN_OUTPUTS=1)");
    }
    assert_eq!(pinned["long_scaling_hash"], now["long_scaling_hash"], "the long scaling run's output changed");
    for (kind, hash) in &hashes {
        assert_eq!(
            pinned["hashes"][kind].as_str(),
            Some(hash.as_str()),
            "the {kind} model's output changed; if that is deliberate, pin again: PIN_OUTPUTS=1 cargo test --test same_everywhere"
        );
    }
}
