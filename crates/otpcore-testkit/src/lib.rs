#![doc = include_str!("../README.md")]
// Test support: a failed setup should stop the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    missing_docs
)]

#[cfg(feature = "stores")]
pub mod contract;
#[cfg(feature = "stores")]
pub mod contract_attempt;
#[cfg(feature = "stores")]
pub mod counting;
#[cfg(feature = "stores")]
pub mod faults;
#[cfg(feature = "stores")]
mod macros;
#[cfg(feature = "stores")]
pub mod non_atomic;
#[cfg(feature = "stores")]
pub mod race;
#[cfg(feature = "stores")]
pub mod scenarios;
#[cfg(feature = "servers")]
pub mod servers;
#[cfg(feature = "stores")]
mod shared;
#[cfg(feature = "stores")]
pub mod soak;
pub mod spy;

#[cfg(feature = "stores")]
pub use shared::Shared;

/// Re-exported for [`store_contract_tests!`]: its tests run on this tokio and
/// this guard crate, so a user needs only `otpcore-testkit` as a dev-dependency.
#[cfg(feature = "stores")]
pub use {otpcore_guard, tokio};

use otpcore::{Hotp, HotpConfig, Secret, Totp, TotpConfig};

/// The RFC 4226 / RFC 6238 SHA-1 test secret.
pub const RFC_SECRET: &[u8] = b"12345678901234567890";

/// A realistic unix time (2023-11-14T22:13:20Z), the start of step 56_666_666.
pub const T: u64 = 1_700_000_000 - 1_700_000_000 % 30;

pub fn totp() -> Totp {
    Totp::new(
        &Secret::from_bytes(RFC_SECRET).unwrap(),
        TotpConfig::default(),
    )
}

pub fn hotp() -> Hotp {
    Hotp::new(
        &Secret::from_bytes(RFC_SECRET).unwrap(),
        HotpConfig::default(),
    )
}

/// A credential id unique to this test run and `name`, so suites can share a
/// server (and re-runs against a persistent one start clean).
#[cfg(feature = "stores")]
pub fn cred(name: &str) -> otpcore_guard::store::CredentialId {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    otpcore_guard::store::CredentialId::new(&format!("t{}:{n}:{name}", std::process::id())).unwrap()
}
