//! `KeyedMac` against the `hmac` crate, and the window scan on every backend.

use super::*;
use crate::scan::scan_with;
use crate::verify::{Match, VerifyError, Window};
use hmac::{Hmac, KeyInit, Mac};

const ALGORITHMS: [Algorithm; 3] = Algorithm::ALL;

fn reference<M: Mac + KeyInit>(key: &[u8], counter: u64) -> u32 {
    let mut mac = <M as KeyInit>::new_from_slice(key).unwrap();
    mac.update(&counter.to_be_bytes());
    let out = mac.finalize().into_bytes();
    let offset = usize::from(out[out.len() - 1] & 0x0f);
    u32::from_be_bytes(out[offset..offset + 4].try_into().unwrap()) & 0x7fff_ffff
}

fn rfc_secret() -> Secret {
    Secret::from_bytes(b"12345678901234567890").unwrap()
}

/// Key lengths around every block boundary, against the `hmac` crate, on
/// every backend this CPU has.
#[test]
fn agrees_with_the_hmac_crate() {
    for len in [10usize, 16, 20, 63, 64, 65, 127, 128, 129, 200, 1024] {
        let key: alloc::vec::Vec<u8> = (0..len).map(|i| (i * 7 + len) as u8).collect();
        let secret = Secret::from_bytes_with_policy(&key, crate::SecretPolicy::Legacy).unwrap();
        for backend in Backend::available() {
            let mac = |algorithm| KeyedMac::with_backend(&secret, algorithm, backend);
            for counter in [0u64, 1, 59, 0x0123_4567_89ab_cdef, u64::MAX] {
                assert_eq!(
                    mac(Algorithm::Sha1).truncated(counter),
                    reference::<Hmac<sha1::Sha1>>(&key, counter)
                );
                assert_eq!(
                    mac(Algorithm::Sha256).truncated(counter),
                    reference::<Hmac<sha2::Sha256>>(&key, counter)
                );
                assert_eq!(
                    mac(Algorithm::Sha512).truncated(counter),
                    reference::<Hmac<sha2::Sha512>>(&key, counter)
                );
            }
        }
    }
}

/// `new` keeps the process's plan for its hash function.
#[test]
fn new_keeps_the_plan() {
    let _plan = crate::accel::tests::PLAN_LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for algorithm in ALGORITHMS {
        let mac = KeyedMac::new(&rfc_secret(), algorithm);
        assert_eq!(mac.plan, Plan::current(algorithm));
    }
}

/// Runs of every group length, and one across two groups, agree with single
/// codes on the portable backend, on every backend.
#[test]
fn runs_agree_with_single_codes() {
    let secret = rfc_secret();
    for algorithm in ALGORITHMS {
        let portable = KeyedMac::with_backend(&secret, algorithm, Backend::PORTABLE);
        for first in [0u64, 1_000, u64::MAX - 3] {
            let expected: [u32; 21] =
                core::array::from_fn(|i| portable.truncated(first.wrapping_add(i as u64)));
            for backend in Backend::available() {
                let m = KeyedMac::with_backend(&secret, algorithm, backend);
                for len in (0..=accel::MAX_LANES).chain([21]) {
                    let mut out = [0u32; 21];
                    m.truncated_run(first, &mut out[..len]);
                    assert_eq!(out[..len], expected[..len], "{algorithm} {backend:?} {len}");
                }
            }
        }
    }
}

/// The batch path: lanes of several keys, all one hash function or mixed, at
/// every lane count, on every backend.
#[test]
fn lanes_agree_with_single_codes() {
    let secrets: alloc::vec::Vec<Secret> = (0u8..16)
        .map(|i| Secret::from_bytes(&[i.wrapping_mul(29) ^ 0x5a; 20]).unwrap())
        .collect();
    let counters: [u64; 16] = core::array::from_fn(|i| 1_000 + 7 * i as u64);
    let mixes = [
        [Algorithm::Sha1; 3],
        [Algorithm::Sha256; 3],
        ALGORITHMS,
        [Algorithm::Sha512; 3],
    ];
    for mix in mixes {
        let algorithms = || mix.iter().cycle().copied();
        let expected: alloc::vec::Vec<u32> = secrets
            .iter()
            .zip(algorithms())
            .zip(counters)
            .map(|((s, a), c)| KeyedMac::with_backend(s, a, Backend::PORTABLE).truncated(c))
            .collect();
        for backend in Backend::available() {
            let macs: alloc::vec::Vec<KeyedMac> = secrets
                .iter()
                .zip(algorithms())
                .map(|(s, a)| KeyedMac::with_backend(s, a, backend))
                .collect();
            let refs: alloc::vec::Vec<&KeyedMac> = macs.iter().collect();
            for n in 0..=accel::MAX_LANES {
                let mut out = [0u32; accel::MAX_LANES];
                KeyedMac::truncated_lanes(&refs[..n], &counters[..n], &mut out[..n]);
                assert_eq!(out[..n], expected[..n], "{mix:?} {backend:?} {n}");
            }
        }
    }
}

/// The verification path: a window scan through each backend finds the step
/// whose value it is given, at either end and in the middle of windows of 1,
/// 2, 3 (the unrolled copies of `scan_with`), 5 and 21 steps (its loop, the
/// last across two 16-lane groups), refuses it as replayed once it is
/// `last_used`, and matches nothing else.
#[test]
fn window_scans_agree_on_every_backend() {
    // Under Miri (1000x slower) one window per path of `scan_with`: its
    // copies for 1, 2 and 3 candidates and its loop.
    let windows: &[(u64, u64)] = if cfg!(miri) {
        &[(0, 0), (0, 1), (1, 1), (2, 2)]
    } else {
        &[(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (10, 10)]
    };
    let secret = rfc_secret();
    let expected = 1_000_000u64;
    for algorithm in ALGORITHMS {
        let portable = KeyedMac::with_backend(&secret, algorithm, Backend::PORTABLE);
        for backend in Backend::available() {
            let mac = KeyedMac::with_backend(&secret, algorithm, backend);
            for &(behind, ahead) in windows {
                let window = Window { behind, ahead };
                let scan = |value, last_used| {
                    scan_with(
                        &mac,
                        "",
                        |_| Ok(value),
                        u64::from,
                        expected,
                        window,
                        last_used,
                    )
                    .map(|m: Match| (m.step, m.offset))
                };
                for step in [expected - behind, expected, expected + ahead] {
                    // The value of `step` occurs nowhere else in these windows.
                    let value = u64::from(portable.truncated(step));
                    let offset = step as i64 - expected as i64;
                    let case = alloc::format!("{algorithm} {backend:?} {window:?} {step}");
                    assert_eq!(scan(value, None), Ok((step, offset)), "{case}");
                    assert_eq!(scan(value, Some(step - 1)), Ok((step, offset)), "{case}");
                    assert_eq!(
                        scan(value, Some(step)),
                        Err(VerifyError::Replayed),
                        "{case}"
                    );
                }
                assert_eq!(scan(u64::MAX, None), Err(VerifyError::Mismatch));
            }
        }
    }
}
