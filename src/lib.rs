//! Serverless Playground: models of serverless platforms (scaling, cold starts, cost, availability) that run in the
//! browser, with charts and a Leptos user interface.
//!
//! - [`model`]: pure Rust, no browser crates. Time is `f64` seconds from the scenario start, rates are requests per
//!   second, money is US dollars, memory is MB. Every simulation is seeded from the scenario: the same scenario gives
//!   the same result, natively and in WebAssembly.
//! - [`charts`]: draws model output on any plotters backend (a canvas in the page, an SVG string in tests).
//! - [`sched`]: the worker pool's decisions (what runs where and when), a plain type tested natively.
//! - [`ui`]: Leptos 0.8 components (compiled natively for lints, run in the browser).

// Unsafe code is refused everywhere but in the one module that argues its safety (`model::engine::table`).
#![deny(unsafe_code)]

pub mod charts;
pub mod model;
pub mod sched;
pub mod ui;
