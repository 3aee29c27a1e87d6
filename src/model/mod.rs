//! Pure models: everything a user can edit and everything computed from it. Nothing here knows about the browser.

pub mod load;
pub mod scenario;
pub mod units;
