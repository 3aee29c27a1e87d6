//! The scenario: everything a user can edit, in one serializable value. The interface keeps one `Scenario` as its
//! single source of truth; saving, sharing and the command-line runner all read and write this type.

use super::load::LoadCurve;
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
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario { version: SCENARIO_VERSION, seed: 1, load: LoadCurve::default() }
    }
}
