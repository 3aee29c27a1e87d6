//! The scenario: everything a user can edit, in one serializable value. The interface keeps one `Scenario` as its
//! single source of truth; saving, sharing and the command-line runner all read and write this type (JSON). How a
//! model runs on it is the model's own business ([`super::registry`]); the shortcuts below give each result typed.

use super::availability::{self, AvailabilityParams, AvailabilityResult};
use super::breaker::{self, BreakerParams, BreakerResult};
use super::chain::{self, ChainParams, ChainResult};
use super::engine::{simulate, ScalingParams, SimResult};
use super::load::LoadCurve;
use super::parallel::{self, ParallelParams, ParallelResult};
use serde::{Deserialize, Serialize};

pub use super::provisioned::ProvisionedPoint;
pub use super::registry::{ModelKind, Output};
pub use super::validation::VALIDATION_REQUESTS;

/// Format version written into saved and shared scenarios; bumped when a field changes meaning.
pub const SCENARIO_VERSION: u32 = 1;

/// Everything a user can edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version ([`SCENARIO_VERSION`]).
    pub version: u32,
    /// Seed of every random draw [-]: same seed, same result.
    pub seed: u64,
    /// Requests per second over time.
    pub load: LoadCurve,
    /// The platform and function for the scaling engine.
    #[serde(default)]
    pub scaling: ScalingParams,
    /// Regions and failover for the availability model.
    #[serde(default)]
    pub availability: AvailabilityParams,
    /// The fan-out job for the parallel model.
    #[serde(default)]
    pub parallel: ParallelParams,
    /// The failing dependency and the circuit breaker.
    #[serde(default = "default_breaker")]
    pub breaker: BreakerParams,
    /// The chain of functions.
    #[serde(default)]
    pub chain: ChainParams,
}

fn default_breaker() -> BreakerParams {
    BreakerParams::for_duration(LoadCurve::default().duration())
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            version: SCENARIO_VERSION,
            seed: 1,
            load: LoadCurve::default(),
            scaling: ScalingParams::default(),
            availability: AvailabilityParams::default(),
            parallel: ParallelParams::default(),
            breaker: default_breaker(),
            chain: ChainParams::default(),
        }
    }
}

/// Why a scenario was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError(pub String);

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScenarioError {}

impl Scenario {
    /// Checks every field; the message names the field.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.version != SCENARIO_VERSION {
            return Err(ScenarioError(format!(
                "version: this scenario is format {}, this playground reads format {SCENARIO_VERSION}",
                self.version
            )));
        }
        self.scaling.validate().map_err(ScenarioError)?;
        self.availability.validate().map_err(ScenarioError)?;
        self.parallel.validate().map_err(ScenarioError)?;
        self.breaker.validate().map_err(ScenarioError)?;
        self.chain.validate().map_err(ScenarioError)
    }

    /// Reads a scenario from JSON and validates it; errors name the place or the field.
    pub fn from_json(text: &str) -> Result<Self, ScenarioError> {
        let s: Scenario = serde_json::from_str(text).map_err(|e| ScenarioError(format!("scenario JSON: {e}")))?;
        s.validate()?;
        Ok(s)
    }

    /// Replaces the load curve; the breaker's failure episodes keep their place in it ([`BreakerParams::rescale`]).
    pub fn set_load(&mut self, load: LoadCurve) {
        self.breaker.rescale(self.load.duration(), load.duration());
        self.load = load;
    }

    /// The scaling simulation of this scenario (validate first).
    pub fn simulate(&self) -> SimResult {
        simulate(&self.load, &self.scaling, self.seed)
    }

    /// The availability Monte Carlo (validate first).
    pub fn availability(&self) -> AvailabilityResult {
        availability::simulate(&self.availability, &self.load, self.seed)
    }

    /// The fan-out sweep, priced with the scaling section's prices (validate first).
    pub fn parallel(&self) -> ParallelResult {
        parallel::simulate(&self.parallel, &self.scaling.pricing, self.seed)
    }

    /// The circuit breaker, with and without (validate first).
    pub fn breaker(&self) -> BreakerResult {
        breaker::simulate(&self.breaker, &self.load, self.seed)
    }

    /// The chain, priced with the scaling section's prices (validate first).
    pub fn chain(&self) -> ChainResult {
        chain::simulate(&self.chain, &self.load, &self.scaling.pricing, self.seed)
    }

    /// The provisioned-concurrency sweep (validate first; [`super::provisioned::sweep`]).
    pub fn provisioned_sweep(&self) -> Vec<ProvisionedPoint> {
        super::provisioned::sweep(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{plan, provisioned};

    #[test]
    fn json_round_trip_and_errors_name_the_field() {
        let s = Scenario::default();
        let json = serde_json::to_string_pretty(&s).unwrap();
        assert_eq!(Scenario::from_json(&json).unwrap(), s);
        let bad = json.replace("\"keep_alive\": 600.0", "\"keep_alive\": -1.0");
        assert!(Scenario::from_json(&bad).unwrap_err().0.starts_with("scaling.keep_alive"));
        let unknown = json.replacen("\"seed\"", "\"sed\"", 1);
        assert!(Scenario::from_json(&unknown).unwrap_err().0.contains("unknown field `sed`"));
        let future = json.replace("\"version\": 1", "\"version\": 9");
        assert!(Scenario::from_json(&future).unwrap_err().0.starts_with("version:"));
        assert!(Scenario::from_json("{").unwrap_err().0.contains("line 1"));
        let bad_region = json.replace("\"failover_success\": 0.99", "\"failover_success\": 7.0");
        assert!(Scenario::from_json(&bad_region).unwrap_err().0.starts_with("availability.failover_success"));
    }

    /// The tagged enums (a distribution, the cold-start mode, the overflow rule, the policy, a chain's link) are read
    /// as one flat object each ([`crate::model::need`]): every variant comes back as it was written, and a missing
    /// field, an unknown kind or a kind that is not a string is named as serde names them.
    #[test]
    fn every_variant_of_the_tagged_enums_round_trips_and_errors_name_the_problem() {
        use crate::model::chain::Link;
        use crate::model::dist::Dist;
        use crate::model::engine::{ColdMode, Overflow, Policy};
        fn back<T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(x: T) {
            let json = serde_json::to_string(&x).unwrap();
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), x, "{json}");
        }
        let d = Dist::LogNormal { mean: 0.3, cv: 1.5 };
        for x in [Dist::Fixed { value: 0.1 }, Dist::Exponential { mean: 2.0 }, d] {
            back(x);
        }
        back(ColdMode::InitThenWarm { init: d });
        back(ColdMode::SeparateCold { cold_service: Dist::Fixed { value: 1.0 } });
        back(Overflow::Throttle);
        back(Overflow::Queue { max_len: 7, timeout: 3.5 });
        back(Link::Sync);
        back(Link::Queue { delay: 0.05 });
        back(Policy::PerRequest);
        back(Policy::TargetTracking { target: 0.6, interval: 2.0, window: 60.0, stabilization: 30.0, max_scale: 9 });
        back(Policy::Proportional { r_min: 1, r_max: 8, interval: 10.0 });
        let p =
            Policy::Predictive { alpha: 0.5, beta: 0.2, interval: 5.0, target: 0.7, stabilization: 60.0, max_scale: 3 };
        back(p);
        let err = |json: &str| serde_json::from_str::<Policy>(json).unwrap_err().to_string();
        assert!(err(r#"{"kind":"predictive","alpha":0.5}"#).starts_with("missing field `beta`"));
        assert!(err(r#"{"kind":"guess"}"#).starts_with("unknown variant `guess`, expected one of `per_request`,"));
        assert!(err(r#"{"kind":3}"#).starts_with("invalid type: integer `3`, expected a string"));
        assert!(err(r#"{"alpha":1}"#).starts_with("missing field `kind`"));
        assert!(err("4").starts_with("invalid type: integer `4`, expected a scaling policy (an object with a kind)"));
        let dist = |json: &str| serde_json::from_str::<Dist>(json).unwrap_err().to_string();
        assert!(
            dist(r#"{"kind":"log_normal","mean":"x","cv":1}"#).starts_with("invalid type: string \"x\", expected f64")
        );
        assert!(dist(r#"{"kind":"log_normal","mean":1}"#).starts_with("missing field `cv`"));
    }

    #[test]
    fn each_model_reruns_only_when_its_inputs_change() {
        let a = Scenario::default();
        let mut b = a.clone();
        b.parallel.tasks = 10;
        assert_eq!(ModelKind::Scaling.inputs(&a), ModelKind::Scaling.inputs(&b));
        assert_ne!(ModelKind::Parallel.inputs(&a), ModelKind::Parallel.inputs(&b));
        b.seed = 2;
        for k in ModelKind::ALL {
            assert_ne!(k.inputs(&a), k.inputs(&b), "{k:?} reads the seed");
            assert_eq!(ModelKind::from_id(k.id()), Some(k));
            assert!(k.work(&a) > 0.0);
        }
    }

    #[test]
    fn a_price_edit_reprices_the_last_run_exactly() {
        let mut a = Scenario { load: LoadCurve::constant(30.0, 900.0).unwrap(), ..Scenario::default() };
        a.scaling.provisioned = 2;
        let mut b = a.clone();
        b.scaling.pricing.per_gb_s *= 3.0;
        b.scaling.pricing.per_million_requests = 0.5;
        b.scaling.pricing.provisioned_per_gb_s *= 2.0;
        b.scaling.pricing.free_tier = !a.scaling.pricing.free_tier;
        b.scaling.always_on.price_per_hour = 0.5;
        b.scaling.always_on.capacity_rps = 7.0;
        for k in [ModelKind::Scaling, ModelKind::Provisioned] {
            assert_eq!(k.inputs(&a), k.inputs(&b), "{k:?}: prices alone do not rerun it");
            let mut repriced = k.run(&a);
            repriced.reprice(&b);
            let fresh = k.run(&b);
            assert_ne!(fresh, k.run(&a), "{k:?}: the prices matter");
            assert_eq!(repriced, fresh, "{k:?}");
        }
        // Billing rules do change what the simulation bills.
        b.scaling.pricing.granularity_ms = 100.0;
        assert_ne!(ModelKind::Scaling.inputs(&a), ModelKind::Scaling.inputs(&b));
    }

    #[test]
    fn outputs_survive_the_worker_boundary() {
        let mut s = Scenario { load: LoadCurve::constant(5.0, 600.0).unwrap(), ..Scenario::default() };
        s.parallel.runs = 2;
        s.availability.runs = 2;
        for k in ModelKind::ALL {
            let out = k.run(&s);
            let bytes = out.to_bytes();
            assert!(!bytes.is_empty(), "{k:?}");
            assert_eq!(Output::from_bytes(&bytes), Ok(out), "{k:?}");
        }
        // Bytes that are not an output (cut short, or from another version) give an error, not a panic.
        let bytes = ModelKind::Scaling.run(&s).to_bytes();
        for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
            assert!(Output::from_bytes(&bytes[..cut]).unwrap_err().starts_with("the result could not be read"));
        }
        assert!(Output::from_bytes(&[200, 1, 2, 3]).is_err());
    }

    #[test]
    fn a_model_run_in_parts_merges_into_the_whole_run() {
        let mut s = Scenario { load: LoadCurve::constant(20.0, 600.0).unwrap(), ..Scenario::default() };
        s.scaling.warm_service = crate::model::dist::Dist::Exponential { mean: 1.0 };
        for k in ModelKind::ALL {
            let pieces = k.pieces(&s);
            assert!(!pieces.is_empty() && pieces.iter().all(|&w| w > 0.0), "{k:?}");
            assert!((pieces.iter().sum::<f64>() - k.work(&s)).abs() < 1e-6 * k.work(&s), "{k:?}: shares of the work");
            for n in 1..=7 {
                let groups = plan::split(&s, k, n, None);
                assert!(groups.len() <= n.min(pieces.len()), "{k:?} {n}");
                let mut covered: Vec<usize> = groups.concat();
                covered.sort_unstable();
                assert_eq!(covered, (0..pieces.len()).collect::<Vec<_>>(), "{k:?} {n}: each piece once");
            }
        }
        assert_eq!(ModelKind::Provisioned.pieces(&s).len(), 6);
        assert_eq!(plan::split(&s, ModelKind::Provisioned, 2, None), vec![vec![0, 2, 4], vec![1, 3, 5]]);
        // The chain's runs of 1, 3 (giving lengths 2 and 3) and 4 hops weigh 2, 4, 5: {4} and {1, 3}.
        assert_eq!(plan::split(&s, ModelKind::Chain, 2, None), vec![vec![2], vec![0, 1]]);
        for k in [ModelKind::Provisioned, ModelKind::Breaker, ModelKind::Chain, ModelKind::Parallel] {
            let whole = k.run(&s);
            for n in [2, 3] {
                let mut parts: Vec<Output> =
                    plan::split(&s, k, n, None).iter().map(|g| k.run_pieces(&s, g).unwrap()).collect();
                parts.reverse();
                // Through the worker boundary, as in the page.
                let parts = parts.iter().map(|o| Output::from_bytes(&o.to_bytes()).unwrap()).collect();
                assert_eq!(Output::merge(parts), Ok(whole.clone()), "{k:?} in {n} parts");
            }
            let first = plan::split(&s, k, 2, None)[0].clone();
            let half = k.run_pieces(&s, &first).unwrap();
            assert!(Output::merge(vec![half.clone(), half]).is_err(), "{k:?}: a part missing, another twice");
        }
        // The fan-out sweep's points are P = 1, 2, 4, …, 512, 1000: a point left out, or no P = 1, does not merge.
        let points = ModelKind::Parallel.pieces(&s).len();
        assert_eq!(points, 11);
        let run = |which: Vec<usize>| ModelKind::Parallel.run_pieces(&s, &which).unwrap();
        let gap = Output::merge(vec![run(vec![0, 1]), run((3..points).collect())]).unwrap_err();
        assert!(gap.contains("between P = 2 and 8"), "{gap}");
        let first = Output::merge(vec![run(vec![1, 2]), run((3..points).collect())]).unwrap_err();
        assert!(first.contains("P = 1 is missing"), "{first}");
        assert!(ModelKind::Breaker.run_pieces(&s, &[2]).unwrap_err().contains("not a part 3"));
        assert!(Output::merge(vec![ModelKind::Breaker.run(&s), ModelKind::Chain.run(&s)]).is_err());
        assert!(Output::merge(vec![ModelKind::Scaling.run(&s), ModelKind::Scaling.run(&s)]).is_err());
    }

    #[test]
    fn pieces_with_the_same_key_give_the_same_output() {
        let s = Scenario { load: LoadCurve::constant(20.0, 600.0).unwrap(), ..Scenario::default() };
        let bytes = |o: &Output| o.to_bytes();
        let same = |a: &Output, b: &Output| bytes(a) == bytes(b);
        for k in ModelKind::ALL {
            let Some(keys) = k.piece_keys(&s) else {
                assert!(k.run(&s).piece_outputs(&s).is_empty(), "{k:?}: no keys, no pieces to keep");
                continue;
            };
            let whole = k.run(&s);
            let outs = whole.piece_outputs(&s);
            assert_eq!((keys.len(), outs.len()), (k.pieces(&s).len(), k.pieces(&s).len()), "{k:?}");
            assert_eq!(Output::merge(outs.clone()), Ok(whole.clone()), "{k:?}: the pieces merge into the run");
            for (i, o) in outs.iter().enumerate() {
                assert!(same(o, &k.run_pieces(&s, &[i]).unwrap()), "{k:?}: piece {i} as run alone");
            }
            let mut distinct = keys.clone();
            distinct.sort();
            distinct.dedup();
            assert_eq!(distinct.len(), keys.len(), "{k:?}: one key per piece");
        }
        // An edit keeps the pieces whose keys it keeps: they give the same output, and with the new pieces they
        // merge into the edited scenario's run.
        let check = |edit: &dyn Fn(&mut Scenario), k: ModelKind, kept: &[usize]| {
            let mut e = s.clone();
            edit(&mut e);
            let (old, new) = (k.piece_keys(&s).unwrap(), k.piece_keys(&e).unwrap());
            let old_outs = k.run(&s).piece_outputs(&s);
            let mut parts = Vec::new();
            let mut missing = Vec::new();
            for (i, key) in new.iter().enumerate() {
                match old.iter().position(|o| o == key) {
                    Some(at) => {
                        assert!(same(&old_outs[at], &k.run_pieces(&e, &[i]).unwrap()), "{k:?}: kept piece {i}");
                        parts.push(old_outs[at].clone());
                    }
                    None => missing.push(i),
                }
            }
            let kept_now: Vec<usize> = (0..new.len()).filter(|i| !missing.contains(i)).collect();
            assert_eq!(kept_now, kept, "{k:?}: the pieces kept");
            if !missing.is_empty() {
                parts.push(k.run_pieces(&e, &missing).unwrap());
            }
            assert!(same(&Output::merge(parts).unwrap(), &k.run(&e)), "{k:?}: kept and new pieces make the run");
        };
        // The fan-out sweep's top from 1,000 to 37: P = 1 … 32 kept, 37 new.
        check(&|e| e.parallel.max_parallel = 37, ModelKind::Parallel, &[0, 1, 2, 3, 4, 5]);
        check(&|e| e.parallel.tasks = 900, ModelKind::Parallel, &[]);
        // The provisioned count: every level kept; the keep-alive: none.
        check(&|e| e.scaling.provisioned = 3, ModelKind::Provisioned, &[0, 1, 2, 3, 4, 5]);
        check(&|e| e.scaling.keep_alive = 300.0, ModelKind::Provisioned, &[]);
        // The breaker's threshold: the run without it kept; the retries: neither.
        check(&|e| e.breaker.breaker.failure_rate_threshold = 0.3, ModelKind::Breaker, &[1]);
        check(&|e| e.breaker.retries = 1, ModelKind::Breaker, &[]);
        // The chain one hop longer (runs of 1, 3, 4 and 5 hops): the runs of 1 and 3 kept; every hop slower: none.
        let longer = |e: &mut Scenario| {
            let last = *e.chain.hops.last().unwrap();
            e.chain.hops.push(last);
        };
        assert_eq!(chain::runs(&s.chain).len(), 3);
        check(&longer, ModelKind::Chain, &[0, 1]);
        check(&|e| e.chain.hops.iter_mut().for_each(|h| h.service = h.service.with_mean(0.2)), ModelKind::Chain, &[]);
    }

    #[test]
    fn the_sweeps_own_level_comes_from_the_scaling_run() {
        let mut s = Scenario { load: LoadCurve::constant(20.0, 600.0).unwrap(), ..Scenario::default() };
        let k = ModelKind::Provisioned;
        for (provisioned, own) in [(0, Some(0)), (7, None)] {
            s.scaling.provisioned = provisioned;
            assert_eq!(plan::given_piece(&s, k).map(|(_, i)| i), own, "{provisioned}");
            for m in [ModelKind::Scaling, ModelKind::Chain] {
                assert_eq!(plan::given_piece(&s, m).map(|(_, i)| i), None);
            }
        }
        s.scaling.provisioned = provisioned::levels(&s)[2];
        let own = plan::given_piece(&s, k).map(|(_, i)| i).expect("a level of the sweep");
        assert_eq!(own, 2);
        // The piece from the scaling run equals the piece simulated, to the last bit, and completes the sweep.
        let Output::Scaling(r) = Output::from_bytes(&ModelKind::Scaling.run(&s).to_bytes()).unwrap() else {
            panic!("a scaling output")
        };
        assert_eq!(plan::piece_from(&s, k, &Output::Scaling(r.clone())).unwrap(), k.run_pieces(&s, &[own]).unwrap());
        for n in [1, 2, 3] {
            let groups = plan::split(&s, k, n, Some(own));
            assert_eq!(groups.last(), Some(&vec![own]), "{n}: the own level last, alone");
            assert!(groups[..groups.len() - 1].iter().all(|g| !g.contains(&own)) && groups.len() <= n + 1);
            let parts: Vec<Output> = groups
                .iter()
                .map(|g| {
                    if g == &vec![own] {
                        plan::piece_from(&s, k, &Output::Scaling(r.clone())).unwrap()
                    } else {
                        k.run_pieces(&s, g).unwrap()
                    }
                })
                .collect();
            assert_eq!(Output::merge(parts), Ok(k.run(&s)), "{n} parts and the scaling run's level");
        }
    }

    #[test]
    fn provisioned_concurrency_buys_fewer_cold_starts_for_more_money() {
        // Bursts of 40 req/s of 1 s requests, five minutes apart: every burst needs ~40 new instances.
        let mut s = Scenario { load: crate::model::load::Preset::OnOffBursts.curve(), ..Scenario::default() };
        s.load.set_peak(40.0).unwrap();
        s.scaling.warm_service = crate::model::dist::Dist::LogNormal { mean: 1.0, cv: 0.3 };
        s.scaling.keep_alive = 120.0;
        let sweep = s.provisioned_sweep();
        assert_eq!(sweep.iter().map(|p| p.provisioned).collect::<Vec<_>>(), provisioned::levels(&s));
        assert_eq!(sweep[0].provisioned, 0);
        assert_eq!(sweep[0].provisioned_cost, 0.0);
        let (first, last) = (sweep[0], sweep[sweep.len() - 1]);
        assert!(last.cold_start_prob < 0.2 * first.cold_start_prob, "{first:?} {last:?}");
        assert!(last.cost > first.cost && last.provisioned_cost > 0.0);
    }

    #[test]
    fn a_scenario_without_the_newer_sections_still_loads() {
        let s = Scenario::default();
        let mut v = serde_json::to_value(&s).unwrap();
        for k in ["availability", "parallel", "breaker", "chain"] {
            v.as_object_mut().unwrap().remove(k);
        }
        assert_eq!(Scenario::from_json(&v.to_string()).unwrap(), s);
    }
}
