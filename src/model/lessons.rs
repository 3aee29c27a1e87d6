//! Lessons for the classroom: each is a scenario that makes one point, the section of the page to look at, and (in
//! the interface's string table) a few sentences and a "try this". The scenarios are built from the defaults so a
//! lesson changes only what it is about.

use super::availability::Region;
use super::dist::Dist;
use super::engine::ColdMode;
use super::load::{LoadCurve, Preset};
use super::scenario::Scenario;

/// The lessons, in teaching order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lesson {
    /// Cold starts hurt the p99, hardly the mean.
    ColdStartsHurtP99,
    /// A short keep-alive saves idle instances and costs cold starts.
    KeepAliveTradeOff,
    /// Provisioned concurrency removes cold starts for a price.
    ProvisionedConcurrency,
    /// Pay-per-use against a server that is always on.
    ServerlessVsVm,
    /// Two regions give fewer nines than the formula says.
    TwoRegions,
    /// Fan-out speedup and where it stops.
    FanOut,
    /// A circuit breaker stops a retry storm.
    CircuitBreaker,
    /// Every hop of a chain adds a chance of a cold start.
    Chains,
}

impl Lesson {
    /// Every lesson, in order.
    pub const ALL: [Lesson; 8] = [
        Lesson::ColdStartsHurtP99,
        Lesson::KeepAliveTradeOff,
        Lesson::ProvisionedConcurrency,
        Lesson::ServerlessVsVm,
        Lesson::TwoRegions,
        Lesson::FanOut,
        Lesson::CircuitBreaker,
        Lesson::Chains,
    ];

    /// Stable identifier (string keys, tests).
    pub fn id(self) -> &'static str {
        match self {
            Lesson::ColdStartsHurtP99 => "cold-p99",
            Lesson::KeepAliveTradeOff => "keep-alive",
            Lesson::ProvisionedConcurrency => "provisioned",
            Lesson::ServerlessVsVm => "vs-vm",
            Lesson::TwoRegions => "two-regions",
            Lesson::FanOut => "fan-out",
            Lesson::CircuitBreaker => "breaker",
            Lesson::Chains => "chains",
        }
    }

    /// The lesson with this identifier.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.id() == id)
    }

    /// The page section (its fragment) the lesson is about.
    pub fn section(self) -> &'static str {
        match self {
            Lesson::ColdStartsHurtP99 | Lesson::KeepAliveTradeOff => "scaling",
            Lesson::ProvisionedConcurrency | Lesson::ServerlessVsVm => "cost",
            Lesson::TwoRegions => "availability",
            Lesson::FanOut => "parallel",
            Lesson::CircuitBreaker => "resilience",
            Lesson::Chains => "chains",
        }
    }

    /// The lesson's scenario.
    pub fn scenario(self) -> Scenario {
        let mut s = Scenario::default();
        let curve = |pairs: &[(f64, f64)]| LoadCurve::from_pairs(pairs).expect("lesson curves are valid");
        match self {
            Lesson::ColdStartsHurtP99 => {
                // A quiet internal tool, one request every ~3 minutes for a day, with a 1 s cold start (a larger
                // runtime): e^(−λ·keep-alive) ≈ 3 % of requests find no instance, enough to set the p99 while the
                // mean barely moves.
                s.set_load(curve(&[(0.0, 0.006), (86_400.0, 0.006)]));
                s.scaling.warm_service = Dist::LogNormal { mean: 0.1, cv: 0.3 };
                s.scaling.cold = ColdMode::InitThenWarm { init: Dist::LogNormal { mean: 1.0, cv: 0.3 } };
            }
            Lesson::KeepAliveTradeOff => {
                // One request every 50 s on average: a 30 s keep-alive lets nearly every instance expire.
                s.set_load(curve(&[(0.0, 0.02), (6.0 * 3600.0, 0.02)]));
                s.scaling.keep_alive = 30.0;
            }
            Lesson::ProvisionedConcurrency => {
                s.set_load(Preset::FlashCrowd.curve());
                s.scaling.provisioned = 10;
            }
            Lesson::ServerlessVsVm => {
                s.set_load(curve(&[(0.0, 5.0), (86_400.0, 5.0)]));
                s.scaling.always_on.min_servers = 2;
            }
            Lesson::TwoRegions => {
                s.availability.regions = vec![Region { mtbf_h: 2000.0, mttr_h: 1.0, capacity: 1.0 }];
            }
            Lesson::FanOut => {
                s.parallel.tasks = 2000;
                s.parallel.max_parallel = 2000;
                s.parallel.serial_before = 5.0;
                s.parallel.serial_after = 10.0;
            }
            Lesson::CircuitBreaker => {
                s.breaker.retries = 3;
            }
            Lesson::Chains => {
                s.set_load(Preset::OnOffBursts.curve());
                s.load.set_peak(20.0).expect("valid peak");
                for h in &mut s.chain.hops {
                    h.keep_alive = 120.0;
                }
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lesson_is_valid_and_makes_its_point() {
        for l in Lesson::ALL {
            let s = l.scenario();
            s.validate().unwrap_or_else(|e| panic!("{l:?}: {e}"));
            assert_eq!(Lesson::from_id(l.id()), Some(l));
        }
        let r = Lesson::ColdStartsHurtP99.scenario().simulate().summary;
        assert!(r.latency.p99 > 3.0 * r.latency_warm.p99, "cold starts set the p99: {:?}", r.latency);
        assert!(r.latency.mean < 1.5 * r.latency_warm.mean, "but hardly the mean");
        let k = Lesson::KeepAliveTradeOff.scenario();
        let mut longer = k.clone();
        longer.scaling.keep_alive = 600.0;
        let (short, long) = (k.simulate().summary, longer.simulate().summary);
        assert!(short.cold_start_prob > 0.4 && long.cold_start_prob < short.cold_start_prob / 2.0);
        assert!(long.avg_idle > short.avg_idle);
    }
}
