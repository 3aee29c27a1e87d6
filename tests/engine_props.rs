//! Invariants of the scaling engine over thousands of random valid scenarios: no panic, conservation of requests,
//! finite outputs in range, determinism; invalid parameters refused with the field named.

use proptest::prelude::*;
use serverless_playground::model::dist::Dist;
use serverless_playground::model::engine::{
    simulate, ColdMode, IdleChoice, Overflow, Policy, Prewarm, ScaleRate, ScalingParams, SimResult,
};
use serverless_playground::model::load::{LoadCurve, Preset};
use serverless_playground::model::scenario::Scenario;

fn dist(max_mean: f64) -> impl Strategy<Value = Dist> {
    prop_oneof![
        (0.0..max_mean).prop_map(|value| Dist::Fixed { value }),
        (0.001..max_mean).prop_map(|mean| Dist::Exponential { mean }),
        (0.001..max_mean, 0.0..3.0).prop_map(|(mean, cv)| Dist::LogNormal { mean, cv }),
    ]
}

fn policy() -> impl Strategy<Value = Policy> {
    prop_oneof![
        3 => Just(Policy::PerRequest),
        1 => (0.1..1.0, 0.5..10.0, 1u32..6, 0.0..120.0, 1u32..200).prop_map(|(target, interval, k, stabilization, max_scale)| {
            Policy::TargetTracking { target, interval, window: interval * k as f64, stabilization, max_scale }
        }),
        1 => (0u32..5, 0u32..50, 0.5..10.0).prop_map(|(a, b, interval)| Policy::Proportional { r_min: a, r_max: a + b.max(1), interval }),
        1 => (0.05..1.0, 0.0..1.0, 0.5..10.0, 0.1..1.0, 0.0..120.0, 1u32..200).prop_map(|(alpha, beta, interval, target, stabilization, max_scale)| {
            Policy::Predictive { alpha, beta, interval, target, stabilization, max_scale }
        }),
    ]
}

prop_compose! {
    fn params()(
        warm in dist(2.0), init in dist(3.0), separate in any::<bool>(),
        keep_alive in 0.5..900.0, c in prop_oneof![Just(1u32), 1u32..100], choice in 0usize..3,
        provisioned in 0u32..5, prewarm in proptest::option::of((1.0..300.0, 1u32..5, 0.0..0.5)),
        max_instances in 1u32..300, queue in proptest::option::of((0u32..500, 0.01..60.0)),
        rate_limit in proptest::option::of((1u32..100, 0.1..20.0)), policy in policy(),
        memory in 128.0..10_240.0, warmup in 0.0..200.0, bill_init in any::<bool>(), free in any::<bool>(),
    ) -> ScalingParams {
        let separate = separate && matches!(policy, Policy::PerRequest);
        ScalingParams {
            warm_service: warm,
            cold: if separate { ColdMode::SeparateCold { cold_service: init } } else { ColdMode::InitThenWarm { init } },
            keep_alive,
            concurrency_per_instance: c,
            idle_choice: [IdleChoice::NewestCreated, IdleChoice::MostRecentlyUsed, IdleChoice::LeastRecentlyUsed][choice],
            provisioned: provisioned.min(max_instances),
            prewarm: prewarm.map(|(interval, count, duration)| Prewarm { interval, count, duration }),
            max_instances,
            overflow: queue.map_or(Overflow::Throttle, |(max_len, timeout)| Overflow::Queue { max_len, timeout }),
            scale_rate: rate_limit.map(|(burst, per_seconds)| ScaleRate { burst, per_seconds }),
            policy,
            memory_mb: memory,
            pricing: serverless_playground::model::cost::Pricing { bill_init, free_tier: free, ..Default::default() },
            warmup,
            ..ScalingParams::default()
        }
    }
}

fn curve() -> impl Strategy<Value = LoadCurve> {
    prop::collection::vec((1.0..200.0, 0.0..80.0), 1..6).prop_map(|segs| {
        let mut t = 0.0;
        let mut pts = vec![(0.0, segs[0].1)];
        for (dt, r) in segs {
            t += dt;
            pts.push((t, r));
        }
        LoadCurve::from_pairs(&pts).unwrap()
    })
}

fn check(r: &SimResult) {
    let s = &r.summary;
    assert_eq!(s.arrivals, s.completed + s.throttled + s.timed_out, "conservation: {s:?}");
    assert_eq!(s.in_flight, 0);
    for b in &r.bins {
        assert!(b.completed + b.throttled + b.timed_out == b.arrivals, "per-bin conservation {b:?}");
        for v in [b.queue, b.busy, b.idle, b.initializing, b.cost, b.latency.p50, b.latency.p99, b.latency.max] {
            assert!(v.is_finite() && v >= 0.0, "{b:?}");
        }
        assert!(
            b.latency.p50 <= b.latency.p95 && b.latency.p95 <= b.latency.p99 && b.latency.p99 <= b.latency.max + 1e-12
        );
    }
    for p in [s.cold_start_prob, s.rejection_prob, s.utilization, s.p99_cold_share] {
        assert!((0.0..=1.0 + 1e-12).contains(&p), "{s:?}");
    }
    for v in [
        s.avg_instances,
        s.avg_running,
        s.avg_idle,
        s.avg_initializing,
        s.mean_wait,
        s.bill.total,
        s.always_on_cost,
        s.latency.mean,
    ] {
        assert!(v.is_finite() && v >= -1e-9, "{s:?}");
    }
    let cost: f64 = r.bins.iter().map(|b| b.cost).sum();
    assert!(
        (cost - s.bill.total).abs() <= 1e-6 * s.bill.total.max(1.0),
        "bins add up to the bill: {cost} vs {}",
        s.bill.total
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_valid_scenarios_conserve_requests(p in params(), c in curve(), seed in any::<u64>()) {
        prop_assume!(p.validate().is_ok());
        let r = simulate(&c, &p, seed);
        check(&r);
    }
}

#[test]
fn deterministic_and_seed_sensitive() {
    let s = Scenario::default();
    let a = s.simulate();
    assert_eq!(a, s.simulate(), "same scenario, same result");
    let json = serde_json::to_string(&s).unwrap();
    assert_eq!(a, Scenario::from_json(&json).unwrap().simulate(), "a saved scenario gives the same result");
    let other = Scenario { seed: 2, ..s.clone() };
    assert_ne!(a.summary, other.simulate().summary);
    check(&a);
}

#[test]
fn every_policy_runs_the_presets() {
    for preset in [Preset::FlashCrowd, Preset::OnOffBursts, Preset::RampUp] {
        for policy in [
            Policy::PerRequest,
            Policy::TargetTracking { target: 0.6, interval: 2.0, window: 60.0, stabilization: 60.0, max_scale: 1000 },
            Policy::Proportional { r_min: 1, r_max: 150, interval: 5.0 },
            Policy::Predictive {
                alpha: 0.5,
                beta: 0.2,
                interval: 5.0,
                target: 0.7,
                stabilization: 60.0,
                max_scale: 1000,
            },
        ] {
            let p = ScalingParams {
                policy,
                overflow: Overflow::Queue { max_len: 100_000, timeout: 30.0 },
                ..Default::default()
            };
            p.validate().unwrap();
            let r = simulate(&preset.curve(), &p, 3);
            check(&r);
            assert!(r.summary.completed > 0, "{preset:?} {policy:?}");
            assert!(
                r.summary.completed as f64 > 0.5 * r.summary.arrivals as f64,
                "{preset:?} {}: most requests served: {:?}",
                policy.name(),
                r.summary
            );
        }
    }
}

#[test]
fn invalid_parameters_name_the_field() {
    let base = ScalingParams::default();
    let cases: Vec<(ScalingParams, &str)> = vec![
        (ScalingParams { keep_alive: 0.0, ..base.clone() }, "scaling.keep_alive"),
        (ScalingParams { concurrency_per_instance: 0, ..base.clone() }, "scaling.concurrency_per_instance"),
        (ScalingParams { max_instances: 0, ..base.clone() }, "scaling.max_instances"),
        (ScalingParams { provisioned: 2000, ..base.clone() }, "scaling.provisioned"),
        (ScalingParams { memory_mb: 64.0, ..base.clone() }, "scaling.memory_mb"),
        (ScalingParams { warm_service: Dist::Exponential { mean: -1.0 }, ..base.clone() }, "scaling.warm_service"),
        (
            ScalingParams { overflow: Overflow::Queue { max_len: 10, timeout: f64::NAN }, ..base.clone() },
            "scaling.overflow.timeout",
        ),
        (
            ScalingParams {
                cold: ColdMode::SeparateCold { cold_service: Dist::Fixed { value: 1.0 } },
                policy: Policy::Proportional { r_min: 0, r_max: 5, interval: 1.0 },
                ..base.clone()
            },
            "scaling.cold",
        ),
        (
            ScalingParams { policy: Policy::Proportional { r_min: 5, r_max: 2, interval: 1.0 }, ..base.clone() },
            "scaling.policy.r_min",
        ),
    ];
    for (p, field) in cases {
        let e = p.validate().unwrap_err();
        assert!(e.starts_with(field), "{field}: {e}");
    }
}
