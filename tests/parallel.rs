//! The fan-out model against exact cases and its bounds.

use proptest::prelude::*;
use serverless_playground::model::cost::Pricing;
use serverless_playground::model::dist::Dist;
use serverless_playground::model::engine::ScaleRate;
use serverless_playground::model::parallel::{simulate, ParallelParams};

/// No randomness, no start-up, no overhead: list scheduling of equal tasks.
fn ideal(tasks: u32, p: u32) -> ParallelParams {
    ParallelParams {
        tasks,
        max_parallel: p,
        task_time: Dist::Fixed { value: 1.0 },
        straggler_prob: 0.0,
        cold_start: Dist::Fixed { value: 0.0 },
        scale_rate: None,
        invocation_overhead: 0.0,
        serial_before: 0.0,
        serial_after: 0.0,
        runs: 3,
        ..ParallelParams::default()
    }
}

#[test]
fn equal_tasks_take_ceil_n_over_p_rounds() {
    let r = simulate(&ideal(100, 7), &Pricing::default(), 1);
    assert_eq!(r.at_max.p, 7);
    assert!((r.at_max.makespan - 15.0).abs() < 1e-6, "{}", r.at_max.makespan);
    // The seed's N/P × t is the ideal without the last partial round: 14.29 s.
    assert!((r.at_max.seed_formula - 100.0 / 7.0).abs() < 1e-9);
    let r = simulate(&ideal(64, 64), &Pricing::default(), 1);
    assert!((r.at_max.makespan - 1.0).abs() < 1e-6);
    assert!((r.at_max.speedup - 64.0).abs() < 1e-6);
    assert_eq!(r.sweep.iter().map(|s| s.p).collect::<Vec<_>>(), vec![1, 2, 4, 8, 16, 32, 64]);
}

#[test]
fn one_instance_follows_t_init_plus_n_t_exec() {
    let p = ParallelParams { cold_start: Dist::Fixed { value: 0.5 }, max_parallel: 1, ..ideal(40, 1) };
    let r = simulate(&p, &Pricing::default(), 2);
    assert!((r.seed_chain - 40.5).abs() < 1e-12);
    assert!((r.at_max.makespan - r.seed_chain).abs() < 1e-6, "{} vs {}", r.at_max.makespan, r.seed_chain);
}

#[test]
fn speedup_stays_under_amdahl_and_the_knee_is_found() {
    let p = ParallelParams::default();
    let r = simulate(&p, &Pricing::default(), 3);
    for s in &r.sweep {
        assert!(s.speedup <= s.amdahl * 1.02, "P={}: {} > {}", s.p, s.speedup, s.amdahl);
        assert!(s.efficiency <= 1.02 && s.efficiency > 0.0);
        assert!(s.makespan_p5 <= s.makespan && s.makespan <= s.makespan_p95 + 1e-9);
        assert!(s.makespan >= s.seed_formula * 0.98, "the seed formula is optimistic");
    }
    assert!(r.knee > 1 && r.knee <= 1000);
    // Money: the same task-seconds at any P, plus cold starts: within 20 %.
    let (c1, cmax) = (r.sweep[0].cost, r.at_max.cost);
    assert!(cmax < 1.2 * c1 && cmax >= c1 * 0.95, "{c1} vs {cmax}");
    // The tail: with 1000 tasks, the slowest is a straggler (≈ 5 × 2 s).
    assert!(r.at_max.slowest_task > 6.0, "{}", r.at_max.slowest_task);
    assert_eq!(simulate(&p, &Pricing::default(), 3), r, "deterministic");
}

#[test]
fn the_rate_limit_delays_the_second_thousand() {
    let p = ParallelParams {
        tasks: 2000,
        max_parallel: 2000,
        scale_rate: Some(ScaleRate { burst: 1000, per_seconds: 10.0 }),
        runs: 2,
        ..ideal(2000, 2000)
    };
    let limited = simulate(&p, &Pricing::default(), 4).at_max.makespan;
    // The 2000th instance starts after 10 s; but the first thousand pick up the rest at t = 1 s, so the job ends at
    // 2 s, not 11 s: the limit matters only when tasks outlast the refill.
    assert!((limited - 2.0).abs() < 1e-6, "{limited}");
    let slow = ParallelParams { task_time: Dist::Fixed { value: 30.0 }, ..p };
    let m = simulate(&slow, &Pricing::default(), 4).at_max.makespan;
    assert!((m - 40.0).abs() < 0.02, "the last instance starts at 10 s and runs 30 s: {m}");
}

#[test]
fn invalid_parameters_name_the_field() {
    let b = ParallelParams::default();
    for (p, field) in [
        (ParallelParams { tasks: 0, ..b.clone() }, "parallel.tasks"),
        (ParallelParams { straggler_factor: 0.5, ..b.clone() }, "parallel.straggler_factor"),
        (ParallelParams { serial_after: -1.0, ..b.clone() }, "parallel.serial_after"),
        (ParallelParams { tasks: 1_000_000, runs: 1000, ..b.clone() }, "parallel.runs"),
    ] {
        assert!(p.validate().unwrap_err().starts_with(field), "{field}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn random_jobs_give_sane_sweeps(tasks in 1u32..400, pmax in 1u32..500, mean in 0.001..10.0, cv in 0.0..2.0,
        sp in 0.0..0.2, sf in 1.0..20.0, cold in 0.0..3.0, burst in 1u32..50, per in 0.1..20.0,
        o in 0.0..0.5, sb in 0.0..5.0, sa in 0.0..5.0, seed in any::<u64>()) {
        let p = ParallelParams {
            tasks, max_parallel: pmax, task_time: Dist::LogNormal { mean, cv }, straggler_prob: sp, straggler_factor: sf,
            cold_start: Dist::Fixed { value: cold }, scale_rate: Some(ScaleRate { burst, per_seconds: per }),
            invocation_overhead: o, serial_before: sb, serial_after: sa, runs: 5, ..ParallelParams::default()
        };
        p.validate().unwrap();
        let r = simulate(&p, &Pricing::default(), seed);
        for s in &r.sweep {
            prop_assert!(s.makespan.is_finite() && s.makespan >= sb + sa);
            prop_assert!(s.speedup > 0.0 && s.cost >= 0.0 && s.gb_s >= 0.0);
        }
        prop_assert_eq!(r.at_max.p, pmax.min(tasks));
    }
}
