//! Cost: pay-per-use pricing (requests, GB-seconds, free tier, INIT billing, provisioned concurrency) and an
//! always-on fleet to compare with.
//!
//! Prices live in one dated table ([`PricingPreset`]); every figure can be edited in the scenario. Sources: AWS Lambda
//! pricing page, us-east-1, as published 2024–2025 (see the project README's data notes). Billing follows Lambda:
//! duration rounded up to 1 ms per request, GB = memory [MB] / 1024, free tier (1 M requests and 400,000 GB-s per
//! month) applied to a month's usage and not to provisioned concurrency, INIT billed like duration since 2025-08-01.
//!
//! A simulated period shorter or longer than a month is priced by scaling its usage to a 30-day month, applying the
//! free tier there, and scaling the bill back: the free tier is monthly, so a one-hour run must not use it all.

use serde::{Deserialize, Serialize};

/// Seconds in the billing month used for free-tier pro-rating (30 days) [s].
pub const MONTH_S: f64 = 30.0 * 86_400.0;
/// Hours in a month for always-on prices (730 h, the providers' convention) [h].
pub const MONTH_H: f64 = 730.0;

/// Named price lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PricingPreset {
    /// AWS Lambda, x86, us-east-1 (prices as published 2024–2025).
    AwsLambdaX86,
    /// AWS Lambda, arm64 (Graviton), us-east-1 (prices as published 2024–2025).
    AwsLambdaArm64,
}

impl PricingPreset {
    /// Both presets.
    pub const ALL: [PricingPreset; 2] = [PricingPreset::AwsLambdaX86, PricingPreset::AwsLambdaArm64];

    /// The price list.
    pub fn pricing(self) -> Pricing {
        let x86 = Pricing {
            per_million_requests: 0.20,
            per_gb_s: 0.000_016_666_7,
            provisioned_per_gb_s: 0.000_004_166_7,
            provisioned_duration_per_gb_s: 0.000_009_722_2,
            free_requests: 1_000_000.0,
            free_gb_s: 400_000.0,
            free_tier: true,
            bill_init: true,
            granularity_ms: 1.0,
        };
        match self {
            PricingPreset::AwsLambdaX86 => x86,
            // arm64: duration price 20 % lower; provisioned prices likewise (AWS pricing page).
            PricingPreset::AwsLambdaArm64 => Pricing {
                per_gb_s: 0.000_013_333_4,
                provisioned_per_gb_s: 0.000_003_333_3,
                provisioned_duration_per_gb_s: 0.000_007_777_8,
                ..x86
            },
        }
    }

    /// Label with the date the prices were read.
    pub fn label(self) -> &'static str {
        match self {
            PricingPreset::AwsLambdaX86 => "AWS Lambda x86, us-east-1 (2024–2025 prices)",
            PricingPreset::AwsLambdaArm64 => "AWS Lambda arm64, us-east-1 (2024–2025 prices)",
        }
    }
}

/// A pay-per-use price list [US$].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pricing {
    /// Price per million requests [$].
    pub per_million_requests: f64,
    /// Price per GB-second of on-demand duration [$].
    pub per_gb_s: f64,
    /// Price per GB-second that provisioned concurrency is enabled [$].
    pub provisioned_per_gb_s: f64,
    /// Price per GB-second of duration served by provisioned concurrency (replaces `per_gb_s`) [$].
    pub provisioned_duration_per_gb_s: f64,
    /// Free requests per month [requests].
    pub free_requests: f64,
    /// Free GB-seconds per month [GB-s].
    pub free_gb_s: f64,
    /// Whether the free tier applies.
    pub free_tier: bool,
    /// Whether the INIT (cold start) phase is billed as duration (Lambda since 2025-08-01).
    pub bill_init: bool,
    /// Billing granularity of duration [ms] (Lambda: 1 ms).
    pub granularity_ms: f64,
}

impl Default for Pricing {
    fn default() -> Self {
        PricingPreset::AwsLambdaX86.pricing()
    }
}

impl Pricing {
    /// Checks every price; messages name the field.
    pub fn validate(&self) -> Result<(), String> {
        let fields = [
            ("per_million_requests", self.per_million_requests),
            ("per_gb_s", self.per_gb_s),
            ("provisioned_per_gb_s", self.provisioned_per_gb_s),
            ("provisioned_duration_per_gb_s", self.provisioned_duration_per_gb_s),
            ("free_requests", self.free_requests),
            ("free_gb_s", self.free_gb_s),
        ];
        for (name, v) in fields {
            if !v.is_finite() || v < 0.0 {
                return Err(format!("pricing.{name}: must be a finite number ≥ 0"));
            }
        }
        if !self.granularity_ms.is_finite() || !(0.001..=60_000.0).contains(&self.granularity_ms) {
            return Err("pricing.granularity_ms: must be between 0.001 and 60000 ms".into());
        }
        Ok(())
    }

    /// The list price of `u`, before any free tier [$].
    pub fn price(&self, u: &Usage) -> f64 {
        u.requests * self.per_million_requests / 1e6
            + u.gb_s * self.per_gb_s
            + u.provisioned_duration_gb_s * self.provisioned_duration_per_gb_s
            + u.provisioned_enabled_gb_s * self.provisioned_per_gb_s
    }

    /// The same billing rules with every price and the free tier zeroed: what the simulation depends on.
    pub fn rules_only(&self) -> Pricing {
        Pricing {
            per_million_requests: 0.0,
            per_gb_s: 0.0,
            provisioned_per_gb_s: 0.0,
            provisioned_duration_per_gb_s: 0.0,
            free_requests: 0.0,
            free_gb_s: 0.0,
            free_tier: false,
            ..*self
        }
    }

    /// Billed duration of one execution [s]: rounded up to the granularity.
    #[inline]
    pub fn billed_seconds(&self, seconds: f64) -> f64 {
        let g = self.granularity_ms * 1e-3;
        (seconds / g).ceil() * g
    }
}

/// What a run used, to be priced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    /// Billed requests (user requests and warm-up pings) [requests].
    pub requests: f64,
    /// On-demand billed duration [GB-s].
    pub gb_s: f64,
    /// Duration billed at the provisioned-concurrency duration price [GB-s].
    pub provisioned_duration_gb_s: f64,
    /// Provisioned concurrency enabled [GB-s].
    pub provisioned_enabled_gb_s: f64,
}

/// A bill [US$].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Bill {
    /// Requests [$].
    pub requests: f64,
    /// On-demand duration [$].
    pub duration: f64,
    /// Provisioned concurrency, enabled time and its duration [$].
    pub provisioned: f64,
    /// Sum [$].
    pub total: f64,
}

/// The monthly bill for a month's usage.
pub fn monthly_bill(u: &Usage, p: &Pricing) -> Bill {
    let (free_r, free_g) = if p.free_tier { (p.free_requests, p.free_gb_s) } else { (0.0, 0.0) };
    let requests = (u.requests - free_r).max(0.0) * p.per_million_requests / 1e6;
    let duration = (u.gb_s - free_g).max(0.0) * p.per_gb_s;
    let provisioned = u.provisioned_enabled_gb_s * p.provisioned_per_gb_s
        + u.provisioned_duration_gb_s * p.provisioned_duration_per_gb_s;
    Bill { requests, duration, provisioned, total: requests + duration + provisioned }
}

/// The bill for `period` seconds of usage: scaled to a 30-day month, priced with the monthly free tier, and scaled
/// back (module docs).
pub fn period_bill(u: &Usage, p: &Pricing, period: f64) -> Bill {
    if period <= 0.0 {
        return Bill::default();
    }
    let k = MONTH_S / period;
    let month = Usage {
        requests: u.requests * k,
        gb_s: u.gb_s * k,
        provisioned_duration_gb_s: u.provisioned_duration_gb_s * k,
        provisioned_enabled_gb_s: u.provisioned_enabled_gb_s * k,
    };
    let b = monthly_bill(&month, p);
    let s = 1.0 / k;
    Bill { requests: b.requests * s, duration: b.duration * s, provisioned: b.provisioned * s, total: b.total * s }
}

/// An always-on fleet (virtual machines or containers) sized for the peak.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlwaysOn {
    /// Price of one server per hour [$/h]. Default: a small general-purpose VM (2 vCPU, 4 GiB, e.g. AWS t3.medium
    /// on demand in us-east-1, $0.0416/h).
    pub price_per_hour: f64,
    /// Requests per second one server sustains at the target utilisation [req/s].
    pub capacity_rps: f64,
    /// Fewest servers kept running (redundancy) [-].
    pub min_servers: u32,
}

impl Default for AlwaysOn {
    fn default() -> Self {
        AlwaysOn { price_per_hour: 0.0416, capacity_rps: 50.0, min_servers: 1 }
    }
}

impl AlwaysOn {
    /// Checks the fields; messages name the field.
    pub fn validate(&self) -> Result<(), String> {
        if !self.price_per_hour.is_finite() || self.price_per_hour < 0.0 {
            return Err("always_on.price_per_hour: must be a finite number ≥ 0".into());
        }
        if !self.capacity_rps.is_finite() || self.capacity_rps <= 0.0 {
            return Err("always_on.capacity_rps: must be a number above 0".into());
        }
        if self.min_servers > 100_000 {
            return Err("always_on.min_servers: at most 100000".into());
        }
        Ok(())
    }

    /// Servers needed for a peak rate [req/s].
    pub fn servers_for(&self, peak_rps: f64) -> u32 {
        ((peak_rps / self.capacity_rps).ceil() as u32).max(self.min_servers).max(1)
    }

    /// Cost of running the fleet sized for `peak_rps` over `period` seconds [$].
    pub fn cost(&self, peak_rps: f64, period: f64) -> f64 {
        self.servers_for(peak_rps) as f64 * self.price_per_hour * period / 3600.0
    }
}

/// Monthly pay-per-use cost of a constant rate `rps` [req/s], each request billed `gb_s_per_request` [GB-s].
pub fn monthly_pay_per_use(rps: f64, gb_s_per_request: f64, p: &Pricing) -> f64 {
    let n = rps * MONTH_S;
    monthly_bill(&Usage { requests: n, gb_s: n * gb_s_per_request, ..Usage::default() }, p).total
}

/// The constant request rate [req/s] above which the always-on fleet is cheaper than pay-per-use, or `None` when
/// pay-per-use is cheaper at every rate (a fully used server costs more per request than the function).
pub fn break_even_rps(gb_s_per_request: f64, p: &Pricing, fleet: &AlwaysOn) -> Option<f64> {
    let vm = |r: f64| fleet.servers_for(r) as f64 * fleet.price_per_hour * MONTH_H;
    let gap = |r: f64| monthly_pay_per_use(r, gb_s_per_request, p) - vm(r);
    // Pay-per-use grows linearly; the fleet in steps of one server. Scan whole servers of capacity, then bisect.
    let per_server = fleet.capacity_rps;
    for k in 0..100_000u32 {
        let (lo, hi) = (k as f64 * per_server, (k + 1) as f64 * per_server);
        if gap(hi) >= 0.0 {
            let (mut a, mut b) = (lo, hi);
            for _ in 0..100 {
                let m = 0.5 * (a + b);
                if gap(m) >= 0.0 {
                    b = m
                } else {
                    a = m
                }
            }
            return Some(b);
        }
        // Past the free tier, pay-per-use costs per server's worth of capacity either more than a server (it will
        // cross) or less (it never will): stop once the per-server margin is known to widen.
        let slope = monthly_pay_per_use(hi, gb_s_per_request, p) - monthly_pay_per_use(lo, gb_s_per_request, p);
        if k > 0 && slope < fleet.price_per_hour * MONTH_H {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round2(x: f64) -> f64 {
        (x * 100.0).round() / 100.0
    }

    #[test]
    fn aws_worked_example_512mb_3m_requests() {
        // 512 MB, 3 M invocations × 1 s, free tier: $18.34 duration + $0.40 requests = $18.74. AWS's example rounds
        // the GB-s price to $0.00001667 (1.1 M GB-s × 0.00001667 = $18.337); with the exact $0.0000166667 the
        // duration is $18.33, one cent less, checked too.
        let exact = monthly_bill(&Usage { requests: 3e6, gb_s: 1.5e6, ..Usage::default() }, &Pricing::default());
        assert_eq!(round2(exact.duration), 18.33);
        let p = Pricing { per_gb_s: 0.000_016_67, ..Pricing::default() };
        let u = Usage { requests: 3e6, gb_s: 3e6 * 1.0 * 0.5, ..Usage::default() };
        let b = monthly_bill(&u, &p);
        assert_eq!(round2(b.duration), 18.34);
        assert_eq!(round2(b.requests), 0.40);
        assert_eq!(round2(b.total), 18.74);
    }

    #[test]
    fn aws_worked_example_128mb_30m_requests() {
        // 128 MB, 30 M × 200 ms, free tier: $5.83 duration + $5.80 requests = $11.63.
        let p = Pricing { per_gb_s: 0.000_016_67, ..Pricing::default() };
        let u = Usage { requests: 30e6, gb_s: 30e6 * p.billed_seconds(0.2) * 0.125, ..Usage::default() };
        let b = monthly_bill(&u, &p);
        assert_eq!(round2(b.duration), 5.83);
        assert_eq!(round2(b.requests), 5.80);
        assert_eq!(round2(b.total), 11.63);
    }

    #[test]
    fn billing_rounds_up_to_the_millisecond() {
        let p = Pricing::default();
        assert!((p.billed_seconds(0.2001) - 0.201).abs() < 1e-12);
        assert!((p.billed_seconds(0.0) - 0.0).abs() < 1e-12);
        assert!((p.billed_seconds(1.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn period_bill_prorates_the_free_tier() {
        let p = Pricing::default();
        // Half the monthly free requests in half a month: free.
        let u = Usage { requests: 500_000.0, ..Usage::default() };
        assert_eq!(period_bill(&u, &p, MONTH_S / 2.0).total, 0.0);
        // A full month's worth in one day is priced as 30 months' worth less the free tier.
        let u = Usage { requests: 2e6, ..Usage::default() };
        let day = period_bill(&u, &p, 86_400.0).total;
        assert!((day - (60e6 - 1e6) * 0.2 / 1e6 / 30.0).abs() < 1e-9);
        let no_free = Pricing { free_tier: false, ..p };
        assert!((period_bill(&u, &no_free, 86_400.0).total - 0.4).abs() < 1e-12);
    }

    #[test]
    fn provisioned_concurrency_is_never_free() {
        let p = Pricing::default();
        // 10 × 1 GB provisioned for a month: 10 × 2,592,000 GB-s × $0.0000041667.
        let u = Usage { provisioned_enabled_gb_s: 10.0 * MONTH_S, ..Usage::default() };
        assert!((monthly_bill(&u, &p).provisioned - 108.0) < 0.01);
        assert!(monthly_bill(&u, &p).total > 107.99);
    }

    #[test]
    fn break_even_against_a_vm() {
        // 128 MB × 100 ms per request, no free tier: $0.2e-6 + 0.0125 GB-s × $16.6667e-6 = $4.083e-7 per request.
        // One VM at $0.0416/h for 730 h = $30.368 per month, break-even at 30.368 / (4.083e-7 × 2,592,000) ≈ 28.7 rps.
        let p = Pricing { free_tier: false, ..Pricing::default() };
        let fleet = AlwaysOn::default();
        let r = break_even_rps(0.0125, &p, &fleet).unwrap();
        let per_req = 0.2e-6 + 0.0125 * p.per_gb_s;
        assert!((r - 30.368 / (per_req * MONTH_S)).abs() < 0.01, "{r}");
        // A server that costs more per request than the function even when full: never cheaper.
        let pricey = AlwaysOn { price_per_hour: 100.0, capacity_rps: 1.0, min_servers: 1 };
        assert_eq!(break_even_rps(0.0125, &p, &pricey), None);
        assert_eq!(fleet.servers_for(120.0), 3);
        assert_eq!(fleet.servers_for(0.0), 1);
    }
}
