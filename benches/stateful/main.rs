//! Stateful verification cost: the in-memory guard against the pure
//! verification it wraps, and (features `redis`, `postgres`) the shared stores
//! against one round trip of a trivial command on the same private server
//! (`remote.rs`, `servers.rs`).
//!
//! `cargo bench -p otpcore-benches --bench stateful --all-features`. Ids:
//! `stateful/verify/<store>/<outcome>`, with `pure` the stateless
//! `Totp::verify_at` for comparison; `stateful/roundtrip/…` and
//! `stateful/concurrent64/…` (see `remote.rs`).

// A benchmark harness is not an input path: a failed setup should stop the run loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion};
use otpcore::{Secret, Totp, TotpConfig, Window};
use otpcore_guard::store::{CredentialId, MemoryStore};
use otpcore_guard::{Guard, GuardConfig, ThrottlePolicy};

#[cfg(any(feature = "redis", feature = "postgres"))]
#[path = "../common/interleave.rs"]
mod interleave;
#[cfg(any(feature = "redis", feature = "postgres"))]
mod remote;
#[cfg(any(feature = "redis", feature = "postgres"))]
mod servers;

const T: u64 = 1_700_000_010;

pub(crate) fn totp() -> Totp {
    Totp::new(
        &Secret::from_bytes(b"12345678901234567890").unwrap(),
        TotpConfig::default(),
    )
}

/// No back-off before the lockout (the benches never fail, but keep it simple).
pub(crate) fn config() -> GuardConfig {
    GuardConfig {
        throttle: ThrottlePolicy::lockout_after(100).unwrap(),
        ..GuardConfig::default()
    }
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(700))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    let t = totp();
    let mut group = c.benchmark_group("stateful/verify");

    // Each accepted verification needs a fresh step: the time advances by one
    // period per iteration, and the code is computed in the untimed setup.
    let mut at = T;
    let mut fresh = move || {
        at += 30;
        (t.generate_at(at).unwrap().to_string(), at)
    };
    let t = totp();
    group.bench_function("pure/ok", |b| {
        b.iter_batched(
            &mut fresh,
            |(code, at)| black_box(t.verify_at(black_box(&code), at, Window::default(), None)),
            BatchSize::SmallInput,
        )
    });
    let guard = Guard::new(MemoryStore::new(), config()).unwrap();
    let id = CredentialId::new("bench:totp").unwrap();
    group.bench_function("memory/ok", |b| {
        b.iter_batched(
            &mut fresh,
            // Not asserted Accepted: once in about a million steps the same digits
            // come up at two consecutive steps, and the second is then a replay.
            |(code, at)| black_box(guard.verify_totp_blocking(&id, &t, black_box(&code), at)),
            BatchSize::SmallInput,
        )
    });
    // A replay: the same scan, and the failure counted in advance is refunded.
    let (code, at) = fresh();
    let _ = guard.verify_totp_blocking(&id, &t, &code, at);
    group.bench_function("memory/replayed", |b| {
        b.iter(|| black_box(guard.verify_totp_blocking(&id, &t, black_box(&code), at)))
    });

    group.finish();
    #[cfg(feature = "redis")]
    servers::redis(&mut c);
    #[cfg(feature = "postgres")]
    servers::postgres(&mut c);
    c.final_summary();
}
