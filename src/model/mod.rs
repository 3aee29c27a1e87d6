//! Pure models: everything a user can edit and everything computed from it. Nothing here knows about the browser.

pub mod analytic;
pub mod availability;
pub mod breaker;
pub mod chain;
pub mod cost;
pub mod dist;
pub mod engine;
pub mod events;
pub mod fields;
pub mod lessons;
pub mod load;
pub mod observe;
pub mod parallel;
pub mod plan;
pub mod provisioned;
pub mod registry;
pub mod replay;
pub mod scaling;
pub mod scenario;
pub mod share;
pub mod stats;
pub mod units;
pub mod validation;
pub mod ziggurat;

/// The smaller of two numbers that are never NaN (times, durations). `f64::min` treats NaN in its own way, which
/// wasm's `f64.min` does not share, so in wasm it compiles to a call of the C library's `fmin` at every use. In the hot
/// loops of the fan-out sweep and the chain those calls were a few percent of the time (docs/performance.md). The
/// same result for numbers that are not NaN (for +0 and −0 it may give the other zero); pinned outputs unchanged.
#[inline(always)]
pub(crate) fn fmin(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

/// The larger of two numbers that are never NaN; see [`fmin`].
#[inline(always)]
pub(crate) fn fmax(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}

/// A field of a variant read from its JSON form ([`Dist`](dist::Dist) and the other tagged enums read theirs as one
/// flat object with every variant's fields: serde's own reading of internally tagged enums buffers the object
/// first, which took 13 KB of the gzipped wasm); the same message as serde's when it is missing.
pub(crate) fn need<T>(v: Option<T>, field: &str) -> Result<T, String> {
    v.ok_or_else(|| format!("missing field `{field}`"))
}

/// A variant's `kind` that is none of `kinds`: the same message as serde's.
pub(crate) fn unknown_kind(kind: &str, kinds: &'static [&'static str]) -> String {
    <serde::de::value::Error as serde::de::Error>::unknown_variant(kind, kinds).to_string()
}

/// `Ok` when `ok`, otherwise the message (the parameter checks' building block; messages name the field).
pub(crate) fn check(ok: bool, msg: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(msg.to_string())
    }
}
