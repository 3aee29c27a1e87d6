//! Closed forms to set beside the simulations, each with the assumptions that make it exact.
//!
//! - M/M/∞ (or M/G/∞): with unlimited instances and no cold starts, busy instances average λ·E[S] (Little's law
//!   applied to the servers). Insensitive to the service distribution.
//! - Erlang-B (M/G/m/m): a fixed pool of m instances, no queue; an arrival that finds all busy is lost.
//!   B(ρ, m) with ρ = λ·E[S], by the stable recursion B(ρ, 0) = 1, B(ρ, k) = ρB/(k + ρB).
//! - Erlang-C (M/M/m): the same pool with an unlimited FIFO queue; the probability of waiting C(ρ, m) and the mean
//!   wait C/(mμ − λ). Requires exponential service and ρ < m.
//! - Little's law: L = λ·W for any stable system, used on the simulator's own output.
//! - The PACS steady-state model of scale-per-request platforms with keep-alive expiry (Mahmoudi & Khazaei,
//!   "Performance Modeling of Serverless Computing Platforms", IEEE TCC 2020; pacslab/serverless-performance-modeling).
//!   The instance count m is a birth–death chain: births are cold starts at rate λ·B(ρ, m) (an arrival that finds the
//!   m instances busy starts a new one, Erlang-B with ρ = λ·E[S_warm]); the j-th instance (in the newest-first order)
//!   receives the requests that overflow the first j − 1, at rate λⱼ = λ·(B(ρ, j−1) − B(ρ, j)), and dies when it sees
//!   no request for the keep-alive τ; its lifetime is τ plus the expected gaps before that, so the death rate in
//!   state m is Σⱼ≤ₘ 1/lifetimeⱼ; a new instance joins once its cold request is served. Product-form solution of the
//!   chain gives the mean counts. Assumes Poisson arrivals, exponential service, independence between instances,
//!   steady state. Checked against the published package's output (pacsltk 0.2 from PyPI).
//! - The seeds' formulas: R_max = R_avg + k·S (peak capacity as mean plus k standard deviations of the load), the
//!   proportional schedule R(t) = Rmin + (Rmax − Rmin)·L(t)/Lmax, and T(n) = T_init + T_exec·n (a serial chain of n
//!   executions paying one init). Each ignores queueing and cold-start randomness.

use serde::{Deserialize, Serialize};

/// Mean busy instances of M/G/∞: λ·E[S] [instances].
pub fn mg_inf_busy(lambda: f64, mean_service: f64) -> f64 {
    lambda * mean_service
}

/// Erlang-B blocking probability for offered load `rho` [Erlang] on `m` servers.
pub fn erlang_b(rho: f64, m: u32) -> f64 {
    let mut b = 1.0;
    for k in 1..=m {
        b = rho * b / (k as f64 + rho * b);
    }
    b
}

/// Erlang-C probability that an arrival waits, for offered load `rho` [Erlang] on `m` servers (1 when ρ ≥ m).
pub fn erlang_c(rho: f64, m: u32) -> f64 {
    if rho >= m as f64 {
        return 1.0;
    }
    let b = erlang_b(rho, m);
    let m = m as f64;
    m * b / (m - rho * (1.0 - b))
}

/// Mean wait in queue of M/M/m [s]: C(ρ, m) / (m·μ − λ); infinite when unstable.
pub fn erlang_c_wait(lambda: f64, mean_service: f64, m: u32) -> f64 {
    let rho = lambda * mean_service;
    if rho >= m as f64 {
        return f64::INFINITY;
    }
    erlang_c(rho, m) / (m as f64 / mean_service - lambda)
}

/// Little's law: mean number in system from the arrival rate [1/s] and mean time in system [s].
pub fn little_l(lambda: f64, mean_time: f64) -> f64 {
    lambda * mean_time
}

/// Outputs of the PACS steady-state model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Pacs {
    /// Probability that a request is a cold start [-].
    pub cold_prob: f64,
    /// Probability that a request is rejected at the concurrency limit [-].
    pub rejection_prob: f64,
    /// Mean instances [instances].
    pub avg_instances: f64,
    /// Mean running instances, warm and cold [instances].
    pub avg_running: f64,
    /// Mean instances running warm requests [instances].
    pub avg_running_warm: f64,
    /// Mean idle instances (all minus warm running, as the model defines it) [instances].
    pub avg_idle: f64,
    /// Warm running / all instances [-].
    pub utilization: f64,
    /// Mean response time [s].
    pub avg_response: f64,
}

/// The PACS model (module docs) for arrival rate `lambda` [req/s], warm and cold mean service times [s], the
/// keep-alive `tau` [s] and the concurrency limit `max_instances` (arrivals that would start instance
/// `max_instances + 1` are rejected), following the published package (pacsltk 0.2): a new instance joins the warm
/// pool once its cold request is done, so the birth rate is the series rate bλ·μc/(bλ + μc).
pub fn pacs(lambda: f64, warm: f64, cold: f64, tau: f64, max_instances: u32) -> Pacs {
    let rho = lambda * warm;
    let mu_cold = 1.0 / cold;
    // Per state m = 0, 1, …: cold-start rate, cumulative death rate, cold probability, running counts.
    let mut blocks = vec![lambda];
    let mut deaths = vec![0.0];
    let mut colds = vec![1.0];
    let mut running = vec![lambda * cold];
    let mut running_warm = vec![0.0];
    let (mut b_prev, mut kill, mut m) = (1.0, 0.0, 0u32);
    let mut last = 30.min(max_instances);
    while m < last {
        m += 1;
        // Erlang-B for m servers from that for m − 1 (the recursion of `erlang_b`), so the loop is linear in the
        // states: erlang_b(ρ, m) from scratch for each m made it quadratic (0.3 s at ρ = 10,000 and 26 s at
        // ρ = 100,000, on the page's thread).
        let b = rho * b_prev / (m as f64 + rho * b_prev);
        let lam_m = lambda * (b_prev - b);
        b_prev = b;
        let p_gap = libm::exp(-lam_m * tau);
        // When e^(−λ_m·τ) underflows, the instance practically never sees a gap of τ: it never expires (death
        // rate 0, its limit), handled below.
        if p_gap > 0.0 && lam_m > 0.0 {
            // Requests this instance serves before a gap longer than τ, and the mean gap shorter than τ + warm.
            let before = 1.0 / p_gap;
            let t = tau + warm;
            let mean_gap = t * short_gap_share(lam_m * t);
            kill += 1.0 / (tau + (before - 1.0) * mean_gap);
        }
        let rw = lambda * (1.0 - b) * warm;
        let at_cap = m == max_instances;
        blocks.push(b * lambda);
        deaths.push(kill);
        colds.push(b);
        running.push(rw + if at_cap { 0.0 } else { lambda * b * cold });
        running_warm.push(rw);
        if b * lambda > kill {
            last = (m + 30).min(max_instances);
        }
    }
    let n = blocks.len();
    let capped = m == max_instances;
    let births: Vec<f64> = blocks.iter().map(|&r| r * mu_cold / (r + mu_cold)).collect();
    // Birth–death chain: π(m+1)/π(m) = birth(m)/death(m+1); in logs to avoid overflow. States with death rate 0
    // (the first instances at a load that keeps them busy) are never left downwards, so the chain lives at or above
    // the last of them and the states below have probability 0 (log 0 in the ratios made every figure NaN: at
    // 50 req/s of 0.2 s requests the page showed "–" beside the simulation).
    let floor = (0..n).rev().find(|&k| deaths[k] <= 0.0).unwrap_or(0);
    let mut logp = vec![f64::NEG_INFINITY; n];
    logp[floor] = 0.0;
    for k in floor + 1..n {
        logp[k] = logp[k - 1] + libm::log(births[k - 1]) - libm::log(deaths[k]);
    }
    let top = logp.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let w: Vec<f64> = logp.iter().map(|l| libm::exp(l - top)).collect();
    let z: f64 = w.iter().sum();
    let mean = |v: &[f64]| v.iter().zip(&w).map(|(a, p)| a * p).sum::<f64>() / z;
    let counts: Vec<f64> = (0..n).map(|k| k as f64).collect();
    let mut rejection_prob = 0.0;
    if capped {
        rejection_prob = colds[n - 1] * w[n - 1] / z;
        colds[n - 1] = 0.0;
    }
    let avg_instances = mean(&counts);
    let avg_running_warm = mean(&running_warm);
    let cold_prob = mean(&colds);
    Pacs {
        cold_prob,
        rejection_prob,
        avg_instances,
        avg_running: mean(&running),
        avg_running_warm,
        avg_idle: avg_instances - avg_running_warm,
        utilization: if avg_instances > 0.0 { avg_running_warm / avg_instances } else { 0.0 },
        avg_response: cold_prob * cold + (1.0 - cold_prob) * warm,
    }
}

/// (1 − (1 + x)·e^(−x)) / x: the mean of a gap that is shorter than t, over t, for gaps at rate x/t. For small x
/// its two terms cancel (the old form went negative below x ≈ 1e-13), so a series there: x/2 − x²/3 + x³/8 − x⁴/30.
fn short_gap_share(x: f64) -> f64 {
    if x < 1e-3 {
        x * (0.5 - x * (1.0 / 3.0 - x * (0.125 - x / 30.0)))
    } else {
        (1.0 - (1.0 + x) * libm::exp(-x)) / x
    }
}

/// The seeds' peak capacity R_max = R_avg + k·S [instances or req/s, as given].
pub fn seed_r_max(r_avg: f64, k: f64, s: f64) -> f64 {
    r_avg + k * s
}

/// The seeds' proportional schedule R(t) = Rmin + (Rmax − Rmin)·L(t)/Lmax [instances].
pub fn seed_proportional(r_min: f64, r_max: f64, load: f64, load_max: f64) -> f64 {
    if load_max <= 0.0 {
        return r_min;
    }
    r_min + (r_max - r_min) * load / load_max
}

/// The seeds' T(n) = T_init + T_exec·n [s].
pub fn seed_chain_time(t_init: f64, t_exec: f64, n: u32) -> f64 {
    t_init + t_exec * n as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_by_hand() {
        // B(1, 1) = 1/2; B(2, 2) = 2/5; C(1, 2) = 1/3.
        assert!((erlang_b(1.0, 1) - 0.5).abs() < 1e-15);
        assert!((erlang_b(2.0, 2) - 0.4).abs() < 1e-15);
        assert!((erlang_c(1.0, 2) - 1.0 / 3.0).abs() < 1e-15);
        assert_eq!(erlang_b(5.0, 0), 1.0);
        assert_eq!(erlang_c(3.0, 3), 1.0);
        // M/M/1: Wq = ρ/(μ − λ) = 0.5/(1 − 0.5) = 1 s at λ = 0.5, E[S] = 1.
        assert!((erlang_c_wait(0.5, 1.0, 1) - 1.0).abs() < 1e-12);
        assert_eq!(erlang_c_wait(2.0, 1.0, 1), f64::INFINITY);
        assert_eq!(mg_inf_busy(100.0, 0.2), 20.0);
        assert_eq!(little_l(10.0, 0.5), 5.0);
    }

    #[test]
    fn pacs_published_example() {
        // pacslab's example: λ = 100/s, warm 2 s, cold 25 s, τ = 600 s ⇒ 251.04 instances, 200.15 running,
        // 51.06 idle, P(cold) ≈ 0.000065, utilisation ≈ 0.797.
        let r = pacs(100.0, 2.0, 25.0, 600.0, 1000);
        assert!((r.avg_instances - 251.04).abs() < 0.05, "{r:?}");
        assert!((r.avg_running - 200.15).abs() < 0.05, "{r:?}");
        assert!((r.avg_idle - 51.06).abs() < 0.05, "{r:?}");
        assert!((r.cold_prob - 0.000065).abs() < 0.000005, "{r:?}");
        assert!((r.utilization - 0.797).abs() < 0.001, "{r:?}");
        // The SimFaaS README set-up (λ = 0.9/s, warm 1.991 s, cold 2.244 s): pacsltk 0.2 gives 7.603 instances,
        // P(cold) = 0.001186.
        let r = pacs(0.9, 1.991, 2.244, 600.0, 1000);
        assert!((r.avg_instances - 7.603).abs() < 0.001 && (r.cold_prob - 0.001186).abs() < 0.000001, "{r:?}");
        // A limit of 2 instances at a load that needs more: rejections appear.
        let r = pacs(5.0, 1.0, 1.2, 600.0, 2);
        assert!(r.rejection_prob > 0.3, "{r:?}");
    }

    #[test]
    fn pacs_gives_finite_figures_at_any_load_and_in_linear_time() {
        // Loads from one request an hour to 100,000 req/s (the largest limit the scenario allows); the quadratic
        // version needed 26 s for the last, and every load where e^(−λ_m·τ) underflows gave NaN.
        for (lambda, warm, max) in
            [(1.0 / 3600.0, 0.2, 1000), (0.9, 1.991, 1000), (50.0, 0.2, 1000), (1000.0, 0.2, 1000)]
                .into_iter()
                .chain([(10_000.0, 1.0, 100_000), (100_000.0, 1.0, 100_000)])
        {
            let r = pacs(lambda, warm, warm + 0.265, 600.0, max);
            let all = [r.cold_prob, r.rejection_prob, r.avg_instances, r.avg_running, r.avg_idle, r.utilization];
            assert!(all.iter().all(|v| v.is_finite() && *v >= 0.0), "{lambda}: {r:?}");
            assert!(r.cold_prob <= 1.0 && r.utilization <= 1.0, "{lambda}: {r:?}");
            // At least the busy instances of M/M/∞ (λ·warm), not more than the limit.
            let busy = lambda * warm;
            assert!(r.avg_instances >= 0.99 * busy && r.avg_instances <= max as f64, "{lambda}: {r:?}");
        }
        // 50 req/s of 0.2 s requests: ~10 busy; a 10-minute keep-alive keeps the idle ones a burst of the busy count
        // needs, so cold starts are rare.
        let r = pacs(50.0, 0.2, 0.465, 600.0, 1000);
        assert!(r.avg_instances > 10.0 && r.avg_instances < 40.0 && r.cold_prob < 1e-3, "{r:?}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
        /// Any load, service times, keep-alive (0 to 30 days, as the scenario allows) and limit give figures in range.
        #[test]
        fn pacs_figures_are_in_range_for_random_inputs(
            log_lambda in -4.0f64..5.0,
            log_warm in -3.0f64..1.5,
            extra_cold in 0.0f64..30.0,
            tau in 0.0f64..2_592_000.0,
            max in 1u32..=100_000,
        ) {
            let (lambda, warm) = (10f64.powf(log_lambda), 10f64.powf(log_warm));
            let r = pacs(lambda, warm, warm + extra_cold, tau, max);
            let all = [r.cold_prob, r.rejection_prob, r.avg_instances, r.avg_running, r.avg_idle, r.utilization, r.avg_response];
            proptest::prop_assert!(all.iter().all(|v| v.is_finite() && *v >= -1e-9), "{:?}", r);
            proptest::prop_assert!(r.cold_prob <= 1.0 + 1e-12 && r.rejection_prob <= 1.0 + 1e-12 && r.utilization <= 1.0 + 1e-12, "{:?}", r);
            proptest::prop_assert!(r.avg_instances <= max as f64 + 1e-9, "{:?}", r);
        }
    }

    #[test]
    fn short_gap_share_is_accurate_on_both_sides_of_the_series() {
        let exact = |x: f64| (1.0 - (1.0 + x) * libm::exp(-x)) / x;
        for x in [1e-300, 1e-20, 1e-13, 1e-6, 0.999e-3, 1e-3, 0.5, 1.0, 10.0, 700.0] {
            let v = short_gap_share(x);
            // Between 0 and min(x/2, 1/2).
            assert!(v > 0.0 && v <= 0.5 * x && v < 0.5, "{x}: {v}");
        }
        // Where the series takes over, it agrees with the exact form (which is still accurate there).
        let x = 0.999_999e-3;
        assert!((short_gap_share(x) / exact(x) - 1.0).abs() < 1e-9);
        assert_eq!(short_gap_share(0.5), exact(0.5));
    }

    #[test]
    fn seed_formulas() {
        assert_eq!(seed_r_max(100.0, 2.0, 15.0), 130.0);
        assert_eq!(seed_proportional(2.0, 10.0, 50.0, 100.0), 6.0);
        assert_eq!(seed_proportional(2.0, 10.0, 50.0, 0.0), 2.0);
        assert_eq!(seed_chain_time(0.5, 0.1, 5), 1.0);
    }
}
