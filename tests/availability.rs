//! The availability Monte Carlo against the formulas where their assumptions hold, and its invariants.

use proptest::prelude::*;
use serverless_playground::model::availability::{simulate, AvailabilityParams, CommonMode, Region};
use serverless_playground::model::load::{LoadCurve, Preset};

fn flat() -> LoadCurve {
    LoadCurve::constant(10.0, 3600.0).unwrap()
}

#[test]
fn one_region_matches_mtbf_over_mtbf_plus_mttr() {
    // MTBF 100 h, MTTR 1 h: A = 0.990099. 200 runs × a year ≈ 17,500 failures; tolerance ±0.0003.
    let p = AvailabilityParams {
        regions: vec![Region { mtbf_h: 100.0, mttr_h: 1.0, capacity: 1.0 }],
        common_mode: None,
        ..AvailabilityParams::default()
    };
    let r = simulate(&p, &flat(), 1);
    assert!((r.availability - r.formulas.single).abs() < 3e-4, "{} vs {}", r.availability, r.formulas.single);
    assert!((r.full_outage_time_share - (1.0 - r.formulas.single)).abs() < 3e-4);
}

/// These regions with the textbook's assumptions: no common mode, instant detection and DNS, certain failover.
fn ideal_failover(regions: Vec<Region>) -> AvailabilityParams {
    AvailabilityParams {
        regions,
        common_mode: None,
        check_interval_s: 0.0,
        failure_threshold: 0,
        dns_ttl_s: 0.0,
        failover_success: 1.0,
        ..AvailabilityParams::default()
    }
}

#[test]
fn independent_regions_with_instant_failover_reproduce_parallel_redundancy() {
    // Three regions at A = 0.95 each (MTBF 19 h, MTTR 1 h), instant and certain failover, each able to carry all
    // the load, no common mode: A = 1 − 0.05³ = 0.999875. Tolerance ±0.00004 (the unavailability is 1.25e-4).
    let p = AvailabilityParams {
        runs: 400,
        ..ideal_failover(vec![Region { mtbf_h: 19.0, mttr_h: 1.0, capacity: 1.0 }; 3])
    };
    let r = simulate(&p, &flat(), 2);
    assert!((r.formulas.parallel - 0.999875).abs() < 1e-12);
    assert!((r.availability - r.formulas.parallel).abs() < 4e-5, "{} vs {}", r.availability, r.formulas.parallel);
}

#[test]
fn real_world_effects_fall_short_of_the_formula() {
    // The defaults: two 99.95 % regions, detection + TTL of 165 s, 1 % failed failovers, a common-mode event every
    // two years. The formula promises 99.99998 %; the simulation must be well below it and above one region.
    let p = AvailabilityParams::default();
    let r = simulate(&p, &flat(), 3);
    assert!(r.availability < r.formulas.parallel - 1e-5, "{} vs {}", r.availability, r.formulas.parallel);
    assert!(r.availability > r.formulas.single, "{} vs {}", r.availability, r.formulas.single);
    // Monthly figures: distribution ordered, breach probability and credit in range.
    assert!(r.downtime_min_p50 <= r.downtime_min_p90 && r.downtime_min_p90 <= r.downtime_min_p99);
    assert!((0.0..=1.0).contains(&r.sla_breach_prob) && (0.0..=1.0).contains(&r.mean_credit));
    assert_eq!(r.monthly_downtime_min.len(), 200 * 12);
    assert!(!r.timeline.is_empty() || r.availability == 1.0);
    for o in &r.timeline {
        assert!(o.start < o.end);
        if let Some(t) = o.failed_over_at {
            assert!(t > o.start && t < o.end);
        }
    }
}

#[test]
fn short_capacity_loses_the_excess() {
    // Two regions each able to carry only half the load: when one is down (and failed over), half the load fails.
    let half = ideal_failover(vec![Region { mtbf_h: 50.0, mttr_h: 5.0, capacity: 0.5 }; 2]);
    let full = AvailabilityParams { regions: vec![Region { capacity: 1.0, ..half.regions[0] }; 2], ..half.clone() };
    let (a_half, a_full) = (simulate(&half, &flat(), 4).availability, simulate(&full, &flat(), 4).availability);
    // Each region is down 1/11 of the time: about half the load is lost then, 2 × (1/11) × 0.5 ≈ 0.0909.
    assert!((1.0 - a_half - 0.0909).abs() < 0.004, "{a_half}");
    assert!(a_full > 0.99, "{a_full}");
}

#[test]
fn failures_at_the_peak_cost_more_requests() {
    let p = AvailabilityParams { runs: 100, ..AvailabilityParams::default() };
    let daily = simulate(&p, &Preset::DailyCycle.curve(), 5);
    assert!(daily.failed_requests_per_year > 0.0);
    assert!(daily.availability > 0.999 && daily.availability < 1.0);
    assert_eq!(simulate(&p, &Preset::DailyCycle.curve(), 5), daily, "deterministic");
}

#[test]
fn invalid_parameters_name_the_field() {
    let base = AvailabilityParams::default();
    let cases = [
        (AvailabilityParams { regions: vec![], ..base.clone() }, "availability.regions"),
        (
            AvailabilityParams { regions: vec![Region { mtbf_h: 0.0, mttr_h: 1.0, capacity: 1.0 }], ..base.clone() },
            "availability.regions[0].mtbf_h",
        ),
        (AvailabilityParams { failover_success: 1.5, ..base.clone() }, "availability.failover_success"),
        (AvailabilityParams { sla: 1.0, ..base.clone() }, "availability.sla"),
        (
            AvailabilityParams { common_mode: Some(CommonMode { mtbf_h: -1.0, mttr_h: 1.0 }), ..base.clone() },
            "availability.common_mode.mtbf_h",
        ),
    ];
    for (p, field) in cases {
        assert!(p.validate().unwrap_err().starts_with(field), "{field}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn random_parameters_give_results_in_range(
        regions in prop::collection::vec((1.0..5000.0, 0.01..50.0, 0.0..2.0), 1..7),
        common in proptest::option::of((10.0..50_000.0, 0.01..10.0)),
        interval in 0.0..120.0, threshold in 0u32..5, ttl in 0.0..600.0, success in 0.0..1.0,
        seed in any::<u64>(),
    ) {
        let p = AvailabilityParams {
            regions: regions.into_iter().map(|(mtbf_h, mttr_h, capacity)| Region { mtbf_h, mttr_h, capacity }).collect(),
            common_mode: common.map(|(mtbf_h, mttr_h)| CommonMode { mtbf_h, mttr_h }),
            check_interval_s: interval, failure_threshold: threshold, dns_ttl_s: ttl, failover_success: success,
            horizon_days: 60.0, runs: 3, ..AvailabilityParams::default()
        };
        p.validate().unwrap();
        let r = simulate(&p, &Preset::FlashCrowd.curve(), seed);
        prop_assert!((0.0..=1.0).contains(&r.availability));
        prop_assert!(r.downtime_min_p99 <= 43_200.0 + 1e-6);
        prop_assert!(r.failed_requests_per_year >= 0.0 && r.failed_requests_per_year.is_finite());
        prop_assert!((0.0..=1.0).contains(&r.full_outage_time_share));
    }
}
