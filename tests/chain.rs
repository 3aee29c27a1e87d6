//! Event-driven chains against hand-computed cases and the seeds' E(k).

use serverless_playground::model::chain::{simulate, ChainParams, Hop, Link};
use serverless_playground::model::cost::Pricing;
use serverless_playground::model::dist::Dist;
use serverless_playground::model::load::LoadCurve;

fn fixed(service: f64, init: f64, link: Link) -> Hop {
    Hop { service: Dist::Fixed { value: service }, init: Dist::Fixed { value: init }, link, ..Hop::default() }
}

#[test]
fn fixed_times_add_up_hop_by_hop() {
    // Three hops of 0.1 s, the third behind a 0.05 s queue, 0.3 s cold starts; a trickle of 0.2 req/s keeps every
    // hop warm after its first request (keep-alive 600 s): warm requests take 0.35 s, the first one 0.35 + 3 × 0.3.
    let p = ChainParams {
        hops: vec![
            fixed(0.1, 0.3, Link::Sync),
            fixed(0.1, 0.3, Link::Sync),
            fixed(0.1, 0.3, Link::Queue { delay: 0.05 }),
        ],
    };
    p.validate().unwrap();
    let r = simulate(&p, &LoadCurve::constant(0.2, 3600.0).unwrap(), &Pricing::default(), 1);
    let s = r.summary;
    assert!((s.latency.p50 - 0.35).abs() < 0.35 * 0.01, "{:?}", s.latency);
    assert!((s.latency.max - 1.25).abs() < 1e-9, "{:?}", s.latency);
    assert!((s.latency_all_warm.max - 0.35).abs() < 1e-9);
    // The seed's E(3) = 0.3 + 3 × 0.1 + 0.05 = 0.65 s: one init per chain, which no request actually sees.
    assert!((s.seed_formula - 0.65).abs() < 1e-12);
    assert_eq!(r.by_length.len(), 3);
    // Sync callers are billed while they wait: hop 1 holds its instance for 0.2 s (itself and hop 2), hop 2 for
    // 0.1 s… per warm request 0.2 + 0.1 + 0.1 = 0.4 s at 0.5 GB = 0.2 GB-s.
    assert!((s.gb_s_per_request - 0.2).abs() < 0.01, "{}", s.gb_s_per_request);
    // Three invocations at $0.20 per million and 0.2 GB-s at $0.0000166667.
    assert!((s.cost_per_request - (3.0 * 0.2e-6 + s.gb_s_per_request * 0.000_016_666_7)).abs() < 1e-12);
    assert_eq!(simulate(&p, &LoadCurve::constant(0.2, 3600.0).unwrap(), &Pricing::default(), 1), r, "deterministic");
}

#[test]
fn longer_chains_are_colder_and_slower() {
    let p = ChainParams { hops: vec![Hop { keep_alive: 30.0, ..Hop::default() }; 6] };
    let r = simulate(&p, &LoadCurve::constant(0.5, 7200.0).unwrap(), &Pricing::default(), 2);
    let cold: Vec<f64> = r.by_length.iter().map(|s| s.any_cold_prob).collect();
    let p99: Vec<f64> = r.by_length.iter().map(|s| s.latency.p99).collect();
    assert!(cold.windows(2).all(|w| w[1] >= w[0] - 0.01), "P(any hop cold) grows with k: {cold:?}");
    assert!(cold[5] > 1.5 * cold[0], "{cold:?}");
    assert!(p99[5] > p99[0], "{p99:?}");
    assert!(r.summary.p99_cold_share > 0.0);
}

#[test]
fn a_limited_hop_builds_a_backlog() {
    // The second hop allows 2 instances of 1 s: 5 req/s cannot pass; the backlog grows.
    let mut hops = vec![fixed(0.01, 0.0, Link::Sync), fixed(1.0, 0.0, Link::Queue { delay: 0.0 })];
    hops[1].max_instances = 2;
    let r = simulate(&ChainParams { hops }, &LoadCurve::constant(5.0, 600.0).unwrap(), &Pricing::default(), 3);
    let first = r.bins.iter().take(10).map(|b| b.backlog).sum::<f64>();
    let last = r.bins.iter().rev().take(10).map(|b| b.backlog).sum::<f64>();
    assert!(last > 5.0 * first.max(1.0), "backlog grows: {first} → {last}");
    assert_eq!(r.summary.latency.count, r.bins.iter().map(|b| b.requests).sum::<u64>(), "all served eventually");
}

#[test]
fn invalid_parameters_name_the_field() {
    assert!(ChainParams { hops: vec![] }.validate().unwrap_err().starts_with("chain.hops"));
    let mut p = ChainParams::default();
    p.hops[2].link = Link::Queue { delay: -1.0 };
    assert!(p.validate().unwrap_err().starts_with("chain.hops[2].link.delay"));
    let mut p = ChainParams::default();
    p.hops[1].max_instances = 0;
    assert!(p.validate().unwrap_err().starts_with("chain.hops[1].max_instances"));
}

mod props {
    use proptest::prelude::*;
    use serverless_playground::model::chain::{simulate, ChainParams, Hop, Link};
    use serverless_playground::model::cost::Pricing;
    use serverless_playground::model::dist::Dist;
    use serverless_playground::model::load::LoadCurve;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(150))]
        #[test]
        fn random_chains_serve_every_request(hops in prop::collection::vec((0.001..2.0, 0.0..2.0, 0.1..600.0, 1u32..20, proptest::option::of(0.0..1.0)), 1..6),
            rate in 0.0..20.0, dur in 5.0..300.0, seed in any::<u64>()) {
            let p = ChainParams { hops: hops.into_iter().map(|(s, i, ka, m, q)| Hop {
                service: Dist::Exponential { mean: s }, init: Dist::Fixed { value: i }, keep_alive: ka, max_instances: m,
                link: q.map_or(Link::Sync, |delay| Link::Queue { delay }), ..Hop::default()
            }).collect() };
            p.validate().unwrap();
            let r = simulate(&p, &LoadCurve::constant(rate, dur).unwrap(), &Pricing::default(), seed);
            let n: u64 = r.bins.iter().map(|b| b.requests).sum();
            prop_assert_eq!(r.summary.latency.count, n);
            prop_assert!((0.0..=1.0).contains(&r.summary.any_cold_prob));
            prop_assert!(r.summary.gb_s_per_request >= 0.0 && r.summary.gb_s_per_request.is_finite());
            prop_assert_eq!(r.by_length.len(), p.hops.len());
            for b in &r.bins { prop_assert!(b.backlog >= 0.0 && b.backlog.is_finite()); }
        }
    }
}
