//! The circuit-breaker model: a healthy dependency changes nothing; a failing one causes a retry storm that the
//! breaker stops, failing fast instead of waiting on time-outs.

use serverless_playground::model::breaker::{simulate, BreakerParams, State};
use serverless_playground::model::load::LoadCurve;

fn curve() -> LoadCurve {
    LoadCurve::constant(20.0, 1800.0).unwrap()
}

#[test]
fn a_healthy_dependency_never_trips_the_breaker() {
    let p = BreakerParams { base_error_rate: 0.0, episodes: vec![], ..BreakerParams::for_duration(1800.0) };
    p.validate().unwrap();
    let r = simulate(&p, &curve(), 1);
    assert!(r.transitions.is_empty());
    assert_eq!(r.summary_with, r.summary_without);
    assert_eq!(r.summary_with.success_rate, 1.0);
    assert_eq!(r.summary_with.calls_per_request, 1.0);
}

#[test]
fn the_breaker_stops_a_retry_storm() {
    // 90 % errors and 10 s hangs from 720 s to 1080 s, 3 s time-out, 2 retries.
    let p = BreakerParams::for_duration(1800.0);
    let r = simulate(&p, &curve(), 2);
    let (w, wo) = (&r.summary_with, &r.summary_without);
    println!("with: {w:?}\nwithout: {wo:?}");
    // Without the breaker, the episode triples the calls reaching the dependency (each request tries 3 times).
    assert!(wo.peak_dependency_rate > 2.5 * 20.0, "retry storm: {}", wo.peak_dependency_rate);
    assert!(
        w.peak_dependency_rate < wo.peak_dependency_rate,
        "{} vs {}",
        w.peak_dependency_rate,
        wo.peak_dependency_rate
    );
    assert!(w.calls_per_request < 0.8 * wo.calls_per_request);
    // Failing fast: far less billed time waiting on time-outs, and a lower tail latency.
    assert!(w.wasted_gb_s < 0.5 * wo.wasted_gb_s, "{} vs {}", w.wasted_gb_s, wo.wasted_gb_s);
    assert!(w.latency.p99 < wo.latency.p99, "{} vs {}", w.latency.p99, wo.latency.p99);
    // It opened during the episode and closed after it.
    let first_open = r.transitions.iter().find(|t| t.1 == State::Open).unwrap().0;
    assert!((720.0..800.0).contains(&first_open), "opened at {first_open}");
    assert_eq!(r.transitions.last().unwrap().1, State::Closed);
    assert!(r.transitions.last().unwrap().0 > 1080.0);
    assert!(r.with_breaker.iter().any(|b| b.open_share > 0.5));
    assert_eq!(simulate(&p, &curve(), 2), r, "deterministic");
}

#[test]
fn invalid_parameters_name_the_field() {
    let b = BreakerParams::for_duration(100.0);
    let mut p = b.clone();
    p.timeout = 0.0;
    assert!(p.validate().unwrap_err().starts_with("breaker.timeout"));
    let mut p = b.clone();
    p.episodes[0].end = p.episodes[0].start;
    assert!(p.validate().unwrap_err().starts_with("breaker.episodes[0]"));
    let mut p = b.clone();
    p.breaker.window = 0;
    assert!(p.validate().unwrap_err().starts_with("breaker.breaker.window"));
    let mut p = b;
    p.base_error_rate = 2.0;
    assert!(p.validate().unwrap_err().starts_with("breaker.base_error_rate"));
}

mod props {
    use proptest::prelude::*;
    use serverless_playground::model::breaker::{simulate, BreakerParams, BreakerSettings, Episode};
    use serverless_playground::model::load::LoadCurve;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(150))]
        #[test]
        fn random_breakers_conserve_requests(rate in 0.0..30.0, dur in 10.0..600.0, err in 0.0..1.0, lat in 0.0..5.0,
            e0 in 0.0..1.0, elen in 0.0..1.0, eerr in 0.0..1.0, elat in 0.0..20.0, timeout in 0.01..10.0,
            retries in 0u32..4, backoff in 0.0..2.0, thr in 0.0..1.0, window in 1u32..200, minc in 1u32..200,
            wait in 0.0..120.0, half in 1u32..20, seed in any::<u64>()) {
            let p = BreakerParams {
                base_error_rate: err, base_latency: lat, timeout, retries, backoff,
                episodes: vec![Episode { start: e0 * dur, end: e0 * dur + elen * dur + 0.001, error_rate: eerr, latency: elat }],
                breaker: BreakerSettings { failure_rate_threshold: thr, window, minimum_calls: minc, wait_open: wait, half_open_calls: half, ..Default::default() },
                ..BreakerParams::for_duration(dur)
            };
            p.validate().unwrap();
            let r = simulate(&p, &LoadCurve::constant(rate, dur).unwrap(), seed);
            for (bins, s) in [(&r.with_breaker, &r.summary_with), (&r.without_breaker, &r.summary_without)] {
                prop_assert_eq!(s.requests, s.latency.count, "every request finishes once");
                prop_assert!((0.0..=1.0).contains(&s.success_rate));
                prop_assert!(s.calls_per_request <= (retries + 1) as f64 + 1e-9);
                for b in bins.iter() {
                    prop_assert!(b.succeeded <= b.requests && b.wasted_gb_s >= 0.0 && (0.0..=1.0 + 1e-9).contains(&b.open_share));
                }
            }
            prop_assert_eq!(r.summary_with.requests, r.summary_without.requests, "same requests in both");
        }
    }
}

#[test]
fn the_failure_episode_keeps_its_place_in_a_longer_curve_and_the_formula_is_compared_inside_it() {
    use serverless_playground::model::load::Preset;
    use serverless_playground::model::scenario::Scenario;
    let mut s = Scenario::default();
    let hour = s.load.duration();
    let (a, b) = (s.breaker.episodes[0].start / hour, s.breaker.episodes[0].end / hour);
    // A day's preset: the episode moves with it (it stayed in the first hour, a 1 % blip in the day).
    s.set_load(Preset::DailyCycle.curve());
    let day = s.load.duration();
    assert!(day > 20.0 * hour);
    let e = s.breaker.episodes[0];
    assert!((e.start / day - a).abs() < 1e-12 && (e.end / day - b).abs() < 1e-12, "{e:?}");
    s.validate().unwrap();
    // Back to an hour (undo): where it was.
    let mut back = s.clone();
    back.set_load(Scenario::default().load);
    assert!((back.breaker.episodes[0].start - Scenario::default().breaker.episodes[0].start).abs() < 1e-9);
    // The same curve shape, shorter, for a quick run. During the episode, without the breaker, each request makes
    // at least the formula's 1 + p + p² calls (p = the error rate; calls slower than the 3 s time-out fail too and
    // are retried, so a little more) and at most 1 + retries; over the whole curve the figure is diluted.
    let mut short = Preset::DailyCycle.curve();
    short.set_duration(7200.0).unwrap();
    s.set_load(short);
    let e = s.breaker.episodes[0];
    let p = e.error_rate;
    let formula = (0..=s.breaker.retries).map(|k| p.powi(k as i32)).sum::<f64>();
    let r = s.breaker();
    let (without, with) = r.calls_per_request_in(e.start, e.end);
    let most = (s.breaker.retries + 1) as f64;
    assert!(without > 0.98 * formula && without <= most, "during the episode: {without} vs {formula}, at most {most}");
    assert!(with < 0.6 * without, "the breaker cuts the calls: {with} vs {without}");
    assert!(r.summary_without.calls_per_request < 0.8 * without, "over the whole curve it is diluted");
    // No bin wholly inside: the whole run.
    assert_eq!(
        r.calls_per_request_in(e.start, e.start),
        (r.summary_without.calls_per_request, r.summary_with.calls_per_request)
    );
}

#[test]
fn an_edit_of_the_incident_in_a_scenario_without_one_adds_the_default_and_is_kept() {
    use serverless_playground::model::breaker::BreakerParams;
    let mut p = BreakerParams::for_duration(3600.0);
    p.episodes.clear();
    p.first_episode(7200.0).start = 100.0;
    assert_eq!(p.episodes.len(), 1);
    let e = p.episodes[0];
    assert_eq!((e.start, e.end), (100.0, 0.6 * 7200.0));
    assert_eq!(e.error_rate, BreakerParams::for_duration(1.0).episodes[0].error_rate);
    p.validate().unwrap();
    // With one already there, it is that one.
    p.first_episode(7200.0).end = 200.0;
    assert_eq!(p.episodes.len(), 1);
    assert_eq!(p.episodes[0].end, 200.0);
}
