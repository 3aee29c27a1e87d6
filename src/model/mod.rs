//! Pure models: everything a user can edit and everything computed from it. Nothing here knows about the browser.

pub mod analytic;
pub mod availability;
pub mod breaker;
pub mod chain;
pub mod cost;
pub mod dist;
pub mod engine;
pub mod events;
pub mod lessons;
pub mod load;
pub mod parallel;
pub mod phase;
pub mod scenario;
pub mod share;
pub mod stats;
pub mod units;
pub mod validation;
pub mod ziggurat;

/// `Ok` when `ok`, otherwise the message (the parameter checks' building block; messages name the field).
pub(crate) fn check(ok: bool, msg: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(msg.to_string())
    }
}
