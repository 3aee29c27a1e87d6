//! Random durations: service times and cold-start (init) latencies, with a seeded portable generator.
//!
//! All durations are in seconds. The generator is xoshiro256++ (`rand_xoshiro`), seeded through SplitMix64: portable,
//! so the same seed gives the same stream natively and in WebAssembly, and built on 64-bit operations only (PCG-64's
//! 128-bit multiply is a software routine in wasm and made the engine several times slower there). Exponential and
//! normal draws use the ziggurat method ([`super::ziggurat`], `rand_distr`'s with portable math), which avoids a
//! logarithm on almost every draw; `exp` and `log` are `libm`'s or ours ([`exp_of`]), so draws agree to the last bit in
//! both builds.

use rand::SeedableRng;
use serde::{Deserialize, Serialize};

/// The random generator every model uses.
pub type SimRng = rand_xoshiro::Xoshiro256PlusPlus;

/// A generator for `seed`, decorrelated per `stream` so two models with one seed do not share draws.
pub fn rng(seed: u64, stream: u64) -> SimRng {
    SimRng::seed_from_u64(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// An exponential draw with the given mean.
#[inline(always)]
pub fn exp(rng: &mut SimRng, mean: f64) -> f64 {
    super::ziggurat::exp1(rng) * mean
}

/// A non-negative duration distribution [s].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "DistJson")]
pub enum Dist {
    /// Always `value` [s].
    Fixed {
        /// The duration [s].
        value: f64,
    },
    /// Exponential with mean `mean` [s] (memoryless; coefficient of variation 1).
    Exponential {
        /// Mean [s].
        mean: f64,
    },
    /// Log-normal with mean `mean` [s] and coefficient of variation `cv` (standard deviation / mean). A right-skewed
    /// shape typical of measured function durations and cold starts.
    LogNormal {
        /// Mean [s].
        mean: f64,
        /// Coefficient of variation [-].
        cv: f64,
    },
}

/// The JSON form of a [`Dist`], read as one object ([`crate::model::need`]).
#[derive(Deserialize)]
#[serde(expecting = "a distribution (an object with a kind)")]
struct DistJson {
    kind: String,
    value: Option<f64>,
    mean: Option<f64>,
    cv: Option<f64>,
}

impl TryFrom<DistJson> for Dist {
    type Error = String;
    fn try_from(j: DistJson) -> Result<Self, String> {
        use crate::model::need;
        Ok(match j.kind.as_str() {
            "fixed" => Dist::Fixed { value: need(j.value, "value")? },
            "exponential" => Dist::Exponential { mean: need(j.mean, "mean")? },
            "log_normal" => Dist::LogNormal { mean: need(j.mean, "mean")?, cv: need(j.cv, "cv")? },
            other => return Err(crate::model::unknown_kind(other, &["fixed", "exponential", "log_normal"])),
        })
    }
}

impl Dist {
    /// Mean [s].
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed { value } => value,
            Dist::Exponential { mean } | Dist::LogNormal { mean, .. } => mean,
        }
    }

    /// Coefficient of variation [-].
    pub fn cv(&self) -> f64 {
        match *self {
            Dist::Fixed { .. } => 0.0,
            Dist::Exponential { .. } => 1.0,
            Dist::LogNormal { cv, .. } => cv,
        }
    }

    /// The same shape with another mean [s] (an edited field keeps the distribution the user chose).
    pub fn with_mean(self, mean: f64) -> Dist {
        match self {
            Dist::Fixed { .. } => Dist::Fixed { value: mean },
            Dist::Exponential { .. } => Dist::Exponential { mean },
            Dist::LogNormal { cv, .. } => Dist::LogNormal { mean, cv },
        }
    }

    /// The same mean with another coefficient of variation: unchanged when `cv` is the shape's own (0 fixed,
    /// 1 exponential), log-normal otherwise.
    pub fn with_cv(self, cv: f64) -> Dist {
        match self {
            Dist::Fixed { .. } if cv == 0.0 => self,
            Dist::Exponential { .. } if cv == 1.0 => self,
            _ => Dist::LogNormal { mean: self.mean(), cv },
        }
    }

    /// Checks the parameters; `field` names the field in the message.
    pub fn validate(&self, field: &str) -> Result<(), String> {
        let m = self.mean();
        if !m.is_finite() || !(0.0..=86_400.0).contains(&m) {
            return Err(format!("{field}: the mean must be between 0 and 86400 s"));
        }
        if let Dist::LogNormal { cv, .. } = *self {
            if !cv.is_finite() || !(0.0..=10.0).contains(&cv) {
                return Err(format!("{field}: the coefficient of variation must be between 0 and 10"));
            }
        }
        if !matches!(self, Dist::Fixed { .. }) && m == 0.0 {
            return Err(format!("{field}: a random duration needs a mean above 0 s"));
        }
        Ok(())
    }

    /// A sampler with the parameters precomputed.
    pub fn sampler(&self) -> Sampler {
        match *self {
            Dist::Fixed { value } => Sampler::Fixed(value),
            Dist::Exponential { mean } => Sampler::Exp(mean),
            Dist::LogNormal { mean, cv: 0.0 } => Sampler::Fixed(mean),
            Dist::LogNormal { mean, cv } => {
                let s2 = libm::log(1.0 + cv * cv);
                Sampler::LogNormal { mu: libm::log(mean) - 0.5 * s2, sigma: s2.sqrt() }
            }
        }
    }
}

/// A [`Dist`] ready to draw from.
#[derive(Debug, Clone, Copy)]
pub enum Sampler {
    /// Constant [s].
    Fixed(f64),
    /// Exponential with this mean [s].
    Exp(f64),
    /// exp(N(mu, sigma²)).
    LogNormal {
        /// Location of the underlying normal [ln s].
        mu: f64,
        /// Scale of the underlying normal [-].
        sigma: f64,
    },
}

impl Sampler {
    /// One draw [s].
    #[inline(always)]
    pub fn sample(&self, rng: &mut SimRng) -> f64 {
        match *self {
            Sampler::Fixed(v) => v,
            Sampler::Exp(m) => exp(rng, m),
            Sampler::LogNormal { mu, sigma } => {
                let z = super::ziggurat::standard_normal(rng);
                exp_of(mu + sigma * z)
            }
        }
    }
}

/// 2^(j/128) for j = 0..128, correctly rounded (computed to 60 digits).
#[rustfmt::skip]
static EXP2_TABLE: [f64; 128] = [
    1.0, 1.0054299011128027, 1.0108892860517005, 1.016378314910953,
    1.0218971486541166, 1.0274459491187637, 1.0330248790212284, 1.0386341019613787,
    1.0442737824274138, 1.0499440858006872, 1.0556451783605572, 1.061377227289262,
    1.0671404006768237, 1.0729348675259756, 1.0787607977571199, 1.0846183622133092,
    1.0905077326652577, 1.0964290818163769, 1.102382583307841, 1.1083684117236787,
    1.1143867425958924, 1.1204377524096067, 1.1265216186082418, 1.1326385195987192,
    1.1387886347566916, 1.1449721444318042, 1.1511892299529827, 1.1574400736337511,
    1.1637248587775775, 1.1700437696832502, 1.1763969916502812, 1.182784710984341,
    1.189207115002721, 1.1956643920398273, 1.202156731452703, 1.2086843236265816,
    1.215247359980469, 1.2218460329727576, 1.22848053610687, 1.2351510639369334,
    1.241857812073484, 1.2486009771892048, 1.255380757024691, 1.2621973503942507,
    1.2690509571917332, 1.275941778396392, 1.2828700160787783, 1.2898358734066657,
    1.2968395546510096, 1.3038812651919358, 1.3109612115247644, 1.318079601266064,
    1.3252366431597413, 1.3324325470831615, 1.339667524053303, 1.3469417862329458,
    1.3542555469368927, 1.3616090206382248, 1.3690024229745905, 1.3764359707545302,
    1.383909881963832, 1.3914243757719262, 1.3989796725383112, 1.4065759938190154,
    std::f64::consts::SQRT_2, 1.4218926021691656, 1.42961333839197, 1.4373759974489824,
    1.4451808069770467, 1.4530279958490526, 1.460917794180647, 1.4688504333369818,
    1.4768261459394993, 1.4848451658727524, 1.4929077282912648, 1.5010140696264256,
    1.5091644275934228, 1.5173590411982147, 1.5255981507445384, 1.533881997840956,
    1.5422108254079407, 1.550584877685, 1.559004400237837, 1.567469639965553,
    1.5759808451078865, 1.5845382652524937, 1.593142151342267, 1.6017927556826934,
    1.6104903319492543, 1.6192351351948637, 1.6280274218573478, 1.6368674497669644,
    1.645755478153965, 1.6546917676561943, 1.6636765803267364, 1.6727101796415966,
    1.681792830507429, 1.6909247992693053, 1.7001063537185235, 1.709337763100463,
    1.718619298122478, 1.7279512309618377, 1.7373338352737062, 1.746767386199169,
    1.7562521603732995, 1.7657884359332727, 1.7753764925265212, 1.785016611318935,
    1.7947090750031072, 1.804454167806624, 1.8142521755003989, 1.8241033854070534,
    1.8340080864093424, 1.843966568958626, 1.8539791250833855, 1.864046048397789,
    1.8741676341103, 1.8843441790323345, 1.8945759815869656, 1.9048633418176741,
    1.9152065613971474, 1.925605943636125, 1.9360617934922943, 1.9465744175792332,
    1.9571441241754002, 1.9677712232331759, 1.978456026387951, 1.9891988469672663,
];

/// e^x for the log-normal draw, within 1 ulp of `libm::exp` (test below), in about a third of its instructions:
/// x = (k/128)·ln 2 + r with |r| ≤ ln 2/256, e^x = 2^(k div 128) · 2^((k mod 128)/128) · e^r, the middle factor
/// from a table and e^r from its Taylor series to r⁵ (the next term is below 10⁻¹⁸). Plain f64 arithmetic in a fixed
/// order, so native and wasm builds agree to the last bit. `libm::exp` was a twentieth of the engine's instructions
/// (docs/performance.md); arguments beyond ±700 (never a service time) go to it.
#[inline(always)]
pub fn exp_of(x: f64) -> f64 {
    /// 128 / ln 2.
    const N_OVER_LN2: f64 = 184.6649652337873;
    /// ln 2 / 128 in two parts; the first has 33 significant bits, so k times it is exact for |k| < 2²⁰.
    const LN2_HI: f64 = 0.005415212348452769;
    const LN2_LO: f64 = -3.2819649005320973e-13;
    /// 1.5 · 2⁵²: adding and subtracting it rounds to the nearest integer.
    const ROUND: f64 = 6755399441055744.0;
    if x.is_nan() || x.abs() >= 700.0 {
        return libm::exp(x);
    }
    let kd = (x * N_OVER_LN2 + ROUND) - ROUND;
    let k = kd as i64;
    let r = (x - kd * LN2_HI) - kd * LN2_LO;
    let t = EXP2_TABLE[(k & 127) as usize];
    let scale = f64::from_bits(t.to_bits().wrapping_add(((k >> 7) as u64) << 52));
    // e^r − 1, added to 1 only after scaling (scale + scale·q rounds once where scale·(1 + q) rounded twice).
    let q = r + r * r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0))));
    scale + scale * q
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngCore;

    #[test]
    fn exp_of_is_within_one_ulp_of_libm() {
        let ulps = |a: f64, b: f64| (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs();
        let mut worst = 0;
        // Every argument a log-normal draw can plausibly take, densely, and the table's edges.
        let mut x = -60.0;
        while x < 60.0 {
            worst = worst.max(ulps(exp_of(x), libm::exp(x)));
            x += 0.000_731;
        }
        for x in [-699.9, -300.0, -1e-300, 0.0, 1e-300, 300.0, 699.9, 700.0, -800.0, 800.0, f64::NAN] {
            let (a, b) = (exp_of(x), libm::exp(x));
            assert!(ulps(a, b) <= 1 || (a.is_nan() && b.is_nan()), "e^{x}: {a} against {b}");
        }
        assert!(worst <= 1, "worst {worst} ulp");
        assert_eq!(exp_of(0.0), 1.0);
        assert_eq!(exp_of(1.0), std::f64::consts::E);
    }

    fn moments(d: Dist, n: usize) -> (f64, f64) {
        let s = d.sampler();
        let mut r = rng(7, 0);
        let xs: Vec<f64> = (0..n).map(|_| s.sample(&mut r)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n as f64;
        (m, v.sqrt() / m)
    }

    #[test]
    fn sample_means_and_cvs_match() {
        let (m, cv) = moments(Dist::Exponential { mean: 2.0 }, 200_000);
        assert!((m - 2.0).abs() < 0.02 && (cv - 1.0).abs() < 0.02, "{m} {cv}");
        let (m, cv) = moments(Dist::LogNormal { mean: 0.265, cv: 1.34 }, 400_000);
        assert!((m - 0.265).abs() < 0.005 && (cv - 1.34).abs() < 0.08, "{m} {cv}");
        assert_eq!(moments(Dist::Fixed { value: 0.5 }, 10).0, 0.5);
    }

    #[test]
    fn same_seed_same_stream_and_streams_differ() {
        let (mut a, mut b, mut c) = (rng(3, 1), rng(3, 1), rng(3, 2));
        let xa: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let xb: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        let xc: Vec<u64> = (0..5).map(|_| c.next_u64()).collect();
        assert_eq!(xa, xb);
        assert_ne!(xa, xc);
        // Pinned: a change of generator or seeding changes every result users have saved or shared.
        assert_eq!(rng(1, 0).next_u64(), PINNED_FIRST_DRAW);
    }

    const PINNED_FIRST_DRAW: u64 = 14_971_601_782_005_023_387;

    #[test]
    fn validation_names_the_field() {
        assert!(Dist::Exponential { mean: 0.0 }.validate("warm").unwrap_err().starts_with("warm:"));
        assert!(Dist::LogNormal { mean: 1.0, cv: -1.0 }.validate("init").unwrap_err().starts_with("init:"));
        assert!(Dist::Fixed { value: f64::NAN }.validate("x").is_err());
        assert!(Dist::Fixed { value: 0.0 }.validate("x").is_ok());
    }
}
