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
