//! Each lesson's text makes a claim about its scenario (src/ui/strings.in, `lesson.*.text`); these tests run the
//! scenario and check the claim (the first two lessons are checked beside their scenarios in src/model/lessons.rs).

use serverless_playground::model::cost::break_even_rps;
use serverless_playground::model::lessons::Lesson;

#[test]
fn provisioned_instances_cost_by_the_hour_and_the_spike_still_needs_on_demand_ones() {
    let s = Lesson::ProvisionedConcurrency.scenario();
    let r = s.simulate().summary;
    let mut none = s.clone();
    none.scaling.provisioned = 0;
    let r0 = none.simulate().summary;
    assert!(r.bill.provisioned > 0.0 && r0.bill.provisioned == 0.0, "{:?}", r.bill);
    assert!(r.bill.total > r0.bill.total, "the floor is billed whether used or not: {:?} vs {:?}", r.bill, r0.bill);
    assert!(r.peak_instances > 5 * s.scaling.provisioned, "the spike needs {} instances", r.peak_instances);
    assert!(r.cold_starts > 0 && r.cold_start_prob <= r0.cold_start_prob);
}

#[test]
fn pay_per_use_and_the_servers_change_places_when_the_peak_rises() {
    let s = Lesson::ServerlessVsVm.scenario();
    let low = s.simulate().summary;
    assert!(low.bill.total < low.always_on_cost, "5 req/s: {} vs {}", low.bill.total, low.always_on_cost);
    let be = break_even_rps(low.gb_s_per_request, &s.scaling.pricing, &s.scaling.always_on).expect("a break-even");
    assert!(be > 5.0 && be < 200.0, "break-even {be} req/s");
    let mut busy = s.clone();
    busy.load.set_peak(200.0).unwrap();
    let high = busy.simulate().summary;
    assert!(high.bill.total > high.always_on_cost, "200 req/s: {} vs {}", high.bill.total, high.always_on_cost);
}

#[test]
fn two_regions_give_far_fewer_nines_than_the_formula() {
    let s = Lesson::TwoRegions.scenario();
    let one = s.availability();
    assert!((one.formulas.single - 0.9995).abs() < 1e-4, "one region at 99.95 %: {}", one.formulas.single);
    let mut two = s.clone();
    two.availability.regions.push(two.availability.regions[0]);
    let r = two.availability();
    let formula_nines = -(1.0 - r.formulas.parallel).log10();
    assert!(formula_nines > 6.5, "the formula promises about seven nines: {formula_nines}");
    assert!(r.nines > one.nines && r.nines < formula_nines - 1.5, "simulated {} nines", r.nines);
}

#[test]
fn fan_out_speedup_stops_short_of_amdahl() {
    let r = Lesson::FanOut.scenario().parallel();
    assert!(r.at_max.speedup < 0.7 * r.at_max.amdahl, "{:?}", r.at_max);
    assert!(r.knee > 1 && r.knee < r.at_max.p, "a knee below the most instances: {}", r.knee);
    let knee = r.sweep.iter().find(|p| p.p == r.knee).expect("the knee is a swept point");
    assert!(
        r.at_max.speedup < 1.2 * knee.speedup,
        "little gain past the knee: {} vs {}",
        r.at_max.speedup,
        knee.speedup
    );
}

#[test]
fn without_a_breaker_each_request_makes_up_to_four_calls_into_the_failing_service() {
    let s = Lesson::CircuitBreaker.scenario();
    let e = s.breaker.episodes[0];
    let r = s.breaker();
    let (without, with) = r.calls_per_request_in(e.start, e.end);
    assert!(without > 3.5 && without <= 4.0, "during the episode: {without}");
    assert!(with < 0.1 * without, "the breaker stops the storm: {with}");
    assert!(r.summary_without.wasted_gb_s > 100.0 * r.summary_with.wasted_gb_s, "and the billed waiting");
}

#[test]
fn the_chance_of_a_cold_hop_grows_with_the_chains_length() {
    let r = Lesson::Chains.scenario().chain();
    let p: Vec<f64> = r.by_length.iter().map(|s| s.any_cold_prob).collect();
    assert_eq!(p.len(), 4);
    assert!(p.windows(2).all(|w| w[1] > w[0]) && p[3] > 2.0 * p[0], "{p:?}");
}

/// Each lesson's "try this" (`lesson.*.try`) promises what a change shows; the change, made as the page makes it.
#[test]
fn each_try_this_shows_what_it_promises() {
    use serverless_playground::model::breaker::State;
    use serverless_playground::model::chain::Link;
    // Cold starts: provisioned concurrency 1 lowers the p99 and raises the cost.
    let s = Lesson::ColdStartsHurtP99.scenario();
    let mut p1 = s.clone();
    p1.scaling.provisioned = 1;
    let (a, b) = (s.simulate().summary, p1.simulate().summary);
    assert!(b.latency.p99 < 0.5 * a.latency.p99 && b.bill.total > a.bill.total, "{:?} {:?}", b.latency, b.bill);
    // Provisioned: in the table of levels each level costs more and removes cold starts, but they were rare (under
    // 0.1 % without any) and the p99 stays put.
    let sweep = Lesson::ProvisionedConcurrency.scenario().provisioned_sweep();
    assert!(sweep.len() >= 4 && sweep[0].provisioned == 0);
    assert!(sweep.windows(2).all(|w| w[1].cost > w[0].cost && w[1].cold_start_prob < w[0].cold_start_prob));
    assert!(sweep[0].cold_start_prob < 1e-3, "rare: {}", sweep[0].cold_start_prob);
    assert!(sweep.iter().all(|p| (p.p99 / sweep[0].p99 - 1.0).abs() < 0.05), "the p99 does not move");
    // Serverless vs VM: 2048 MB at the same 5 req/s makes pay-per-use dearer than the two servers.
    let mut big = Lesson::ServerlessVsVm.scenario();
    big.scaling.memory_mb = 2048.0;
    let r = big.simulate().summary;
    assert!(r.bill.total > r.always_on_cost, "{} vs {}", r.bill.total, r.always_on_cost);
    // Two regions: a lower DNS TTL gives more nines.
    let mut two = Lesson::TwoRegions.scenario();
    two.availability.regions.push(two.availability.regions[0]);
    let mut short_ttl = two.clone();
    short_ttl.availability.dns_ttl_s = 5.0;
    assert!(short_ttl.availability().nines > two.availability().nines);
    // Fan-out: without the serial split Amdahl's bound rises by ~40 %, the simulated speedup by less (the slowest
    // task now sets the time).
    let f = Lesson::FanOut.scenario();
    let mut no_split = f.clone();
    no_split.parallel.serial_before = 0.0;
    let (a, b) = (f.parallel().at_max, no_split.parallel().at_max);
    let (bound, got) = (b.amdahl / a.amdahl, b.speedup / a.speedup);
    assert!((1.3..1.5).contains(&bound) && got > 1.0 && got < bound - 0.1, "bound x{bound}, speedup x{got}");
    assert!(b.slowest_task > 0.5 * b.makespan, "{b:?}");
    // Breaker: a 95 % threshold opens it later.
    let br = Lesson::CircuitBreaker.scenario();
    let mut late = br.clone();
    late.breaker.breaker.failure_rate_threshold = 0.95;
    let first_open = |r: serverless_playground::model::breaker::BreakerResult| {
        r.transitions.iter().find(|(_, st)| *st == State::Open).map(|(t, _)| *t).expect("it opens")
    };
    assert!(first_open(late.breaker()) > first_open(br.breaker()));
    // Chains: links through a queue cost less per request (the caller no longer waits, billed).
    let c = Lesson::Chains.scenario();
    let mut queued = c.clone();
    for h in &mut queued.chain.hops {
        h.link = Link::Queue { delay: 0.05 };
    }
    assert!(queued.chain().summary.cost_per_request < c.chain().summary.cost_per_request);
}

#[test]
fn the_quiet_tool_finds_no_warm_instance_about_three_percent_of_the_time() {
    // One request every ~3 minutes (0.006 req/s) and a 10-minute keep-alive: e^(−0.006·600) ≈ 2.7 % are cold.
    let r = Lesson::ColdStartsHurtP99.scenario().simulate().summary;
    assert!((0.02..0.04).contains(&r.cold_start_prob), "{}", r.cold_start_prob);
}
