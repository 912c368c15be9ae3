//! The `store` group: stateful TOTP verification through a `Guard` over the
//! in-memory store (throttle check, window scan, replay compare-and-set, drift).
//!
//! Each `ok` iteration verifies a fresh code at a fresh time step, so every one is
//! accepted (never a replay); code generation happens in the untimed setup. For
//! `wrong`, the guard locks out only after 100 failures without back-off, and the
//! timed loop resets the counter every 64 attempts (that reset is included,
//! amortised: one store call per 64 verifications), so no attempt is throttled.

use std::hint::black_box;

use criterion::measurement::Measurement;
use criterion::{BatchSize, Criterion};
use otpcore::Digits;
use otpcore_guard::store::{CredentialId, MemoryStore};
use otpcore_guard::{Guard, GuardConfig, Outcome, ThrottlePolicy};

use crate::fixtures::{codes, totp, ALGORITHMS, AT};

pub fn bench<M: Measurement>(c: &mut Criterion<M>) {
    let mut g = c.benchmark_group("store");
    for (algorithm, name) in ALGORITHMS {
        let t = totp(algorithm, Digits::SIX);
        let guard = Guard::new(MemoryStore::new(), GuardConfig::default()).unwrap();
        let id = CredentialId::new("bench:alice").unwrap();

        let mut at = AT;
        g.bench_function(format!("verify/memory/{name}/window=3/ok"), |b| {
            b.iter_batched(
                || {
                    at += 30;
                    (at, t.generate_at(at).unwrap().to_string())
                },
                |(at, code)| {
                    let outcome = guard.verify_totp_blocking(&id, &t, black_box(&code), at);
                    debug_assert!(matches!(outcome, Outcome::Accepted(_)));
                    outcome
                },
                BatchSize::SmallInput,
            );
        });
        // The run above ended on accepted codes; check the last one was.
        at += 30;
        let code = t.generate_at(at).unwrap().to_string();
        assert!(matches!(
            guard.verify_totp_blocking(&id, &t, &code, at),
            Outcome::Accepted(_)
        ));

        // A second guard and credential with no accepted step, so a wrong code is
        // checked against the whole window.
        let config = GuardConfig {
            throttle: ThrottlePolicy::lockout_after(100).unwrap(),
            ..GuardConfig::default()
        };
        let lenient = Guard::new(MemoryStore::new(), config).unwrap();
        let bob = CredentialId::new("bench:bob").unwrap();
        let (_, wrong) = codes(&t);
        let mut attempts = 0u32;
        g.bench_function(format!("verify/memory/{name}/window=3/wrong"), |b| {
            b.iter(|| {
                attempts = attempts.wrapping_add(1);
                if attempts.is_multiple_of(64) {
                    lenient.reset_blocking(&bob).unwrap();
                }
                lenient.verify_totp_blocking(&bob, &t, black_box(&wrong), AT)
            });
        });
        lenient.reset_blocking(&bob).unwrap();
        assert!(matches!(
            lenient.verify_totp_blocking(&bob, &t, &wrong, AT),
            Outcome::Rejected(otpcore::VerifyError::Mismatch)
        ));
    }
    g.finish();
}
