//! The scenario: everything a user can edit, in one serializable value. The interface keeps one `Scenario` as its
//! single source of truth; saving, sharing and the command-line runner all read and write this type (JSON).

use super::availability::{self, AvailabilityParams, AvailabilityResult};
use super::breaker::{self, BreakerParams, BreakerResult};
use super::chain::{self, ChainParams, ChainResult};
use super::engine::{simulate, ScalingParams, SimResult};
use super::load::LoadCurve;
use super::parallel::{self, ParallelParams, ParallelResult};
use serde::{Deserialize, Serialize};

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
}

#[cfg(test)]
mod tests {
    use super::*;

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
