//! Shared test code for the stateful-verification suites: the store contract,
//! guard scenarios, the race harness, a deliberately broken store, and private
//! Redis / PostgreSQL servers. Each test binary uses a different subset.
#![allow(dead_code)]

pub mod contract;
pub mod non_atomic;
pub mod race;
pub mod scenarios;
#[cfg(any(feature = "redis", feature = "postgres"))]
pub mod servers;

use otpcore::store::CredentialId;
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
pub fn cred(name: &str) -> CredentialId {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    CredentialId::new(&format!("t{}:{n}:{name}", std::process::id())).unwrap()
}
