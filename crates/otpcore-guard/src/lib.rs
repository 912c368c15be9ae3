#![doc = include_str!("../README.md")]
// No `unsafe` here: the guard and the in-memory store are safe Rust.
#![forbid(unsafe_code)]
// No input may panic: these are errors in the shipped code (unit tests are exempted by clippy.toml).
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;

mod guard;
pub mod store;

pub use guard::{ConfigError, Guard, GuardConfig, Outcome, ThrottlePolicy};
