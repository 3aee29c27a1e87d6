//! Lessons for the classroom, each a guided experiment: its set-up (a scenario that makes one point, the section to
//! look at and the fields that matter), sometimes something to watch in a live view, a prediction the learner makes
//! (what will a figure of the page do after a change?), the change (made by hand or "do it for me"), the check (the
//! figure before and after, and whether the prediction was right) and a closing. The scenarios are built from the
//! defaults so a lesson changes only what it is about.
//!
//! Adding a lesson is data: a variant of [`Lesson`] with its id, section, scenario and [`Guide`], its strings
//! (`lesson.ID.title`, `.text`, `.question`, `.change`, `.close`, `.try`, and `.watch` for a live one), and nothing
//! else: the test [`tests::every_lesson_makes_its_point`] runs each lesson's change natively and checks its answer.

use super::availability::Region;
use super::dist::Dist;
use super::engine::{ColdMode, Policy};
use super::load::{LoadCurve, Preset};
use super::scenario::Scenario;

/// The lessons, in teaching order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lesson {
    /// Watch a cold start happen in the live view.
    WatchColdStart,
    /// Cold starts hurt the p99, hardly the mean.
    ColdStartsHurtP99,
    /// A short keep-alive saves idle instances and costs cold starts.
    KeepAliveTradeOff,
    /// Watch a keep-alive expire in the live view: the idle instances a longer one keeps.
    WatchKeepAlive,
    /// Watch the autoscaler lag behind a flash crowd.
    AutoscalerLag,
    /// The seeds' proportional R(t) against a new instance per request.
    ProportionalScaling,
    /// Provisioned concurrency removes cold starts for a price.
    ProvisionedConcurrency,
    /// Pay-per-use against a server that is always on.
    ServerlessVsVm,
    /// Two regions give fewer nines than the formula says.
    TwoRegions,
    /// T = N/P·1/t: twice the parallelism, half the time.
    NOverP,
    /// Fan-out speedup and where it stops.
    FanOut,
    /// A circuit breaker stops a retry storm.
    CircuitBreaker,
    /// E(k) = E_init + E_trigger·k: each hop adds its time.
    ChainLength,
    /// Every hop of a chain adds a chance of a cold start.
    Chains,
}

/// What a figure does after a lesson's change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Rises,
    Falls,
    /// Within the lesson's [`Guide::same_within`].
    Same,
}

impl Answer {
    /// Every answer, in the order the page offers them.
    pub const ALL: [Answer; 3] = [Answer::Rises, Answer::Falls, Answer::Same];

    /// Stable identifier (string keys, tests).
    pub fn id(self) -> &'static str {
        match self {
            Answer::Rises => "rises",
            Answer::Falls => "falls",
            Answer::Same => "same",
        }
    }

    /// What a figure did from `before` to `after`: the same when the change is within `same_within` of `before`
    /// (a share: 0.1 is ±10 %).
    pub fn of(before: f64, after: f64, same_within: f64) -> Answer {
        if (after - before).abs() <= same_within * before.abs() {
            Answer::Same
        } else if after > before {
            Answer::Rises
        } else {
            Answer::Falls
        }
    }
}

/// A lesson's experiment: the figure it asks about, the fields that matter, the change and its answer.
pub struct Guide {
    /// The figure (its `data-testid`, a [`crate::model::registry::FigureSpec`]) the prediction is about.
    pub figure: &'static str,
    /// The `data-testid`s of the controls that matter, highlighted in the set-up.
    pub fields: &'static [&'static str],
    /// The change "do it for me" makes.
    pub change: fn(&mut Scenario),
    /// Whether a scenario has the change made (by hand too, to any value that makes the point).
    pub made: fn(&Scenario) -> bool,
    /// What the figure does after the change.
    pub answer: Answer,
    /// Within this share of its value before, the figure counts as the same.
    pub same_within: f64,
    /// The live view to watch (its `data-testid`), for a lesson that has a step of watching.
    pub live: Option<&'static str>,
}

/// A step of a lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Its scenario loads, its section and fields are shown.
    SetUp,
    /// Something to watch in a live view.
    Watch,
    /// The learner predicts.
    Predict,
    /// The change to make.
    Change,
    /// Before and after, and whether the prediction was right.
    Check,
    /// What it shows, and what to try next.
    Close,
}

impl Step {
    /// Stable identifier (string keys, tests).
    pub fn id(self) -> &'static str {
        match self {
            Step::SetUp => "setup",
            Step::Watch => "watch",
            Step::Predict => "predict",
            Step::Change => "change",
            Step::Check => "check",
            Step::Close => "close",
        }
    }
}

impl Lesson {
    /// Every lesson, in order.
    pub const ALL: [Lesson; 14] = [
        Lesson::WatchColdStart,
        Lesson::ColdStartsHurtP99,
        Lesson::KeepAliveTradeOff,
        Lesson::WatchKeepAlive,
        Lesson::AutoscalerLag,
        Lesson::ProportionalScaling,
        Lesson::ProvisionedConcurrency,
        Lesson::ServerlessVsVm,
        Lesson::TwoRegions,
        Lesson::NOverP,
        Lesson::FanOut,
        Lesson::CircuitBreaker,
        Lesson::ChainLength,
        Lesson::Chains,
    ];

    /// Stable identifier (string keys, links, tests).
    pub fn id(self) -> &'static str {
        match self {
            Lesson::WatchColdStart => "watch-cold",
            Lesson::ColdStartsHurtP99 => "cold-p99",
            Lesson::KeepAliveTradeOff => "keep-alive",
            Lesson::WatchKeepAlive => "watch-keep-alive",
            Lesson::AutoscalerLag => "autoscaler-lag",
            Lesson::ProportionalScaling => "proportional",
            Lesson::ProvisionedConcurrency => "provisioned",
            Lesson::ServerlessVsVm => "vs-vm",
            Lesson::TwoRegions => "two-regions",
            Lesson::NOverP => "n-over-p",
            Lesson::FanOut => "fan-out",
            Lesson::CircuitBreaker => "breaker",
            Lesson::ChainLength => "chain-length",
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
            Lesson::WatchColdStart
            | Lesson::ColdStartsHurtP99
            | Lesson::KeepAliveTradeOff
            | Lesson::WatchKeepAlive
            | Lesson::AutoscalerLag
            | Lesson::ProportionalScaling
            | Lesson::ProvisionedConcurrency => "scaling",
            Lesson::ServerlessVsVm => "cost",
            Lesson::TwoRegions => "availability",
            Lesson::NOverP | Lesson::FanOut => "parallel",
            Lesson::CircuitBreaker => "resilience",
            Lesson::ChainLength | Lesson::Chains => "chains",
        }
    }

    /// The lesson's steps, in order.
    pub fn steps(self) -> Vec<Step> {
        let watch = self.guide().live.map(|_| Step::Watch);
        [Some(Step::SetUp), watch, Some(Step::Predict), Some(Step::Change), Some(Step::Check), Some(Step::Close)]
            .into_iter()
            .flatten()
            .collect()
    }

    /// The lesson's experiment.
    pub fn guide(self) -> Guide {
        let g = |figure, fields, change, made, answer| Guide {
            figure,
            fields,
            change,
            made,
            answer,
            same_within: 0.1,
            live: None,
        };
        match self {
            Lesson::WatchColdStart => Guide {
                live: Some("live-view"),
                ..g(
                    "p50",
                    &["cold-mean"],
                    |s| s.scaling.cold = ColdMode::InitThenWarm { init: Dist::LogNormal { mean: 0.2, cv: 0.3 } },
                    |s| matches!(s.scaling.cold, ColdMode::InitThenWarm { init } if init.mean() <= 0.4),
                    Answer::Falls,
                )
            },
            Lesson::ColdStartsHurtP99 => {
                g("p99", &["provisioned"], |s| s.scaling.provisioned = 1, |s| s.scaling.provisioned >= 1, Answer::Falls)
            }
            Lesson::KeepAliveTradeOff => g(
                "cold-prob",
                &["keep-alive"],
                |s| s.scaling.keep_alive = 600.0,
                |s| s.scaling.keep_alive >= 300.0,
                Answer::Falls,
            ),
            Lesson::WatchKeepAlive => Guide {
                live: Some("live-view"),
                ..g(
                    "avg-instances",
                    &["keep-alive"],
                    |s| s.scaling.keep_alive = 300.0,
                    |s| s.scaling.keep_alive >= 240.0,
                    Answer::Rises,
                )
            },
            Lesson::AutoscalerLag => Guide {
                live: Some("live-view"),
                ..g(
                    "rejected",
                    &["policy"],
                    |s| s.scaling.policy = Policy::PerRequest,
                    |s| s.scaling.policy == Policy::PerRequest,
                    Answer::Falls,
                )
            },
            Lesson::ProportionalScaling => g(
                "avg-instances",
                &["policy"],
                |s| s.scaling.policy = Policy::PerRequest,
                |s| s.scaling.policy == Policy::PerRequest,
                Answer::Rises,
            ),
            Lesson::ProvisionedConcurrency => {
                g("p99", &["provisioned"], |s| s.scaling.provisioned = 0, |s| s.scaling.provisioned == 0, Answer::Same)
            }
            Lesson::ServerlessVsVm => g(
                "break-even",
                &["memory"],
                |s| s.scaling.memory_mb = 2048.0,
                |s| s.scaling.memory_mb >= 1536.0,
                Answer::Falls,
            ),
            Lesson::TwoRegions => g(
                "nines",
                &["regions"],
                |s| s.availability.regions = vec![TWO_REGIONS_ONE; 2],
                |s| s.availability.regions.len() >= 2,
                Answer::Rises,
            ),
            Lesson::NOverP => g(
                "makespan",
                &["max-parallel"],
                |s| s.parallel.max_parallel = 200,
                |s| s.parallel.max_parallel >= 200,
                Answer::Falls,
            ),
            Lesson::FanOut => g(
                "speedup",
                &["serial-before", "serial-after"],
                |s| {
                    s.parallel.serial_before = 0.0;
                    s.parallel.serial_after = 0.0;
                },
                |s| s.parallel.serial_before + s.parallel.serial_after <= 1.0,
                Answer::Rises,
            ),
            Lesson::CircuitBreaker => g(
                "wasted",
                &["failure-threshold"],
                |s| s.breaker.breaker.failure_rate_threshold = 0.95,
                |s| s.breaker.breaker.failure_rate_threshold >= 0.9,
                Answer::Rises,
            ),
            Lesson::ChainLength => g(
                "chain-p50",
                &["hops"],
                |s| {
                    let last = s.chain.hops.last().cloned().expect("a chain has a hop");
                    s.chain.hops.resize(8, last);
                },
                |s| s.chain.hops.len() >= 8,
                Answer::Rises,
            ),
            Lesson::Chains => g(
                "chain-cold-share",
                &["hop-keep-alive"],
                |s| s.chain.hops.iter_mut().for_each(|h| h.keep_alive = 600.0),
                |s| s.chain.hops.iter().all(|h| h.keep_alive >= 600.0),
                Answer::Falls,
            ),
        }
    }

    /// The lesson's scenario.
    pub fn scenario(self) -> Scenario {
        let mut s = Scenario::default();
        let curve = |pairs: &[(f64, f64)]| LoadCurve::from_pairs(pairs).expect("lesson curves are valid");
        match self {
            Lesson::WatchColdStart => {
                // One request every 2 minutes for two hours, a 60 s keep-alive and a 1 s cold start: nearly every
                // request finds its instance gone.
                s.set_load(curve(&[(0.0, 1.0 / 120.0), (7200.0, 1.0 / 120.0)]));
                s.scaling.keep_alive = 60.0;
                s.scaling.cold = ColdMode::InitThenWarm { init: Dist::LogNormal { mean: 1.0, cv: 0.3 } };
            }
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
            Lesson::WatchKeepAlive => {
                // Bursts of traffic a few minutes apart: with a 60 s keep-alive the instances of a burst are gone
                // before the next one.
                s.set_load(Preset::OnOffBursts.curve());
                s.load.set_peak(5.0).expect("valid peak");
                s.scaling.keep_alive = 60.0;
            }
            Lesson::AutoscalerLag => {
                // A flash crowd against a Knative-style autoscaler that decides every 2 s on a 60 s average.
                s.set_load(Preset::FlashCrowd.curve());
                s.scaling.policy = Policy::TargetTracking {
                    target: 0.6,
                    interval: 2.0,
                    window: 60.0,
                    stabilization: 60.0,
                    max_scale: 1000,
                };
            }
            Lesson::ProportionalScaling => {
                // The seeds' R(t) on a day's curve: instances in proportion to the rate the curve will have.
                s.set_load(Preset::DailyCycle.curve());
                let peak = s.load.peak();
                let r_max = (peak * s.scaling.warm_service.mean() / f64::from(s.scaling.concurrency_per_instance))
                    .ceil()
                    .max(2.0) as u32;
                s.scaling.policy = Policy::Proportional { r_min: 1, r_max, interval: 5.0 };
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
                s.availability.regions = vec![TWO_REGIONS_ONE];
            }
            Lesson::NOverP => {
                s.parallel.tasks = 2000;
                s.parallel.max_parallel = 100;
                s.parallel.serial_before = 0.0;
                s.parallel.serial_after = 0.0;
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
            Lesson::ChainLength => {
                s.set_load(curve(&[(0.0, 5.0), (3600.0, 5.0)]));
                s.chain.hops.truncate(4);
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

/// The region of the two-regions lesson (99.95 %).
const TWO_REGIONS_ONE: Region = Region { mtbf_h: 2000.0, mttr_h: 1.0, capacity: 1.0 };

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::registry::ModelKind;

    /// The lesson's figure for a scenario, run natively as the page's worker runs it.
    fn figure(id: &str, s: &Scenario) -> f64 {
        let (kind, f) = ModelKind::figure(id).unwrap_or_else(|| panic!("no figure {id}"));
        let out = kind.run(s);
        (f.read)(s, &out).unwrap_or_else(|| panic!("{id} reads nothing")).value
    }

    #[test]
    fn every_lesson_makes_its_point() {
        for l in Lesson::ALL {
            let s = l.scenario();
            s.validate().unwrap_or_else(|e| panic!("{l:?}: {e}"));
            assert_eq!(Lesson::from_id(l.id()), Some(l));
            let g = l.guide();
            assert!(!(g.made)(&s), "{l:?}: the set-up has the change made already");
            let mut changed = s.clone();
            (g.change)(&mut changed);
            changed.validate().unwrap_or_else(|e| panic!("{l:?} changed: {e}"));
            assert!((g.made)(&changed), "{l:?}: do it for me makes the change");
            let (before, after) = (figure(g.figure, &s), figure(g.figure, &changed));
            println!("{:16} {:16} {before:>12.4} → {after:>12.4}", l.id(), g.figure);
            assert_eq!(Answer::of(before, after, g.same_within), g.answer, "{l:?}: {before} → {after}");
            assert_eq!(l.steps().first(), Some(&Step::SetUp));
            assert_eq!(l.steps().contains(&Step::Watch), g.live.is_some());
        }
    }

    #[test]
    fn the_lessons_claims_in_their_text_hold() {
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

    #[test]
    fn answers_read_the_change() {
        assert_eq!(Answer::of(1.0, 1.05, 0.1), Answer::Same);
        assert_eq!(Answer::of(1.0, 1.2, 0.1), Answer::Rises);
        assert_eq!(Answer::of(1.0, 0.5, 0.1), Answer::Falls);
        assert_eq!(Answer::of(0.0, 0.0, 0.1), Answer::Same);
    }
}
