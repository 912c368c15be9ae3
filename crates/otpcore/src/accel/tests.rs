//! Differential tests: every backend this CPU has ([`Backend::available`]), at
//! every lane count 0..=16, with one key for all lanes and with a key per lane,
//! against [`Backend::PORTABLE`] (itself checked against the `hmac` crate in
//! `mac`), on random pad states and counters.
//!
//! A backend the CPU lacks cannot be made, so it is not run: the test
//! `every_expected_backend_runs` prints the ones that were, and with
//! `OTPCORE_EXPECT_BACKENDS=shani,avx2,avx512` fails if one of those is missing,
//! so a CI machine with a smaller CPU cannot skip them silently. On the
//! development machine (SHA-NI, AVX2, AVX-512F) all five run.

use alloc::vec::Vec;

use proptest::prelude::*;

use super::*;

/// Sixteen random pad-state pairs (any state is a valid chaining value).
fn states<const W: usize>() -> impl Strategy<Value = Vec<([u32; W], [u32; W])>> {
    proptest::collection::vec((any::<[u32; W]>(), any::<[u32; W]>()), 16)
}

fn pads<const W: usize>(states: &[([u32; W], [u32; W])]) -> Vec<Pads<[u32; W]>> {
    states
        .iter()
        .map(|&(inner, outer)| Pads { inner, outer })
        .collect()
}

/// Every backend's `sha1` on lanes `keys`, for every lane count, against the
/// portable backend and the portable kernel lane by lane; lanes past the count
/// must stay untouched.
fn check_sha1(keys: Keys<'_, [u32; 5], 16>, counters: &[u64; 16]) -> Result<(), TestCaseError> {
    let mut expected = [0u32; MAX_LANES];
    Backend::PORTABLE.sha1(keys, counters, &mut expected);
    for ((key, counter), value) in keys.lanes().iter().zip(counters).zip(expected) {
        let mac = portable::hmac_sha1(key, *counter);
        prop_assert_eq!(value, crate::truncate::truncate_sha1(mac));
    }
    for backend in Backend::available() {
        for n in 0..=MAX_LANES {
            let mut out = [0u32; MAX_LANES];
            backend.sha1(keys, counters, &mut out[..n]);
            prop_assert_eq!(&out[..n], &expected[..n], "{:?}, {} lanes", backend, n);
            prop_assert!(
                out[n..].iter().all(|v| *v == 0),
                "{:?} wrote past {}",
                backend,
                n
            );
        }
    }
    Ok(())
}

/// As [`check_sha1`], for SHA-256.
fn check_sha256(keys: Keys<'_, [u32; 8], 16>, counters: &[u64; 16]) -> Result<(), TestCaseError> {
    let mut expected = [0u32; MAX_LANES];
    Backend::PORTABLE.sha256(keys, counters, &mut expected);
    for ((key, counter), value) in keys.lanes().iter().zip(counters).zip(expected) {
        let mac = portable::hmac_sha256(key, *counter);
        prop_assert_eq!(value, crate::truncate::truncate_sha256(mac));
    }
    for backend in Backend::available() {
        for n in 0..=MAX_LANES {
            let mut out = [0u32; MAX_LANES];
            backend.sha256(keys, counters, &mut out[..n]);
            prop_assert_eq!(&out[..n], &expected[..n], "{:?}, {} lanes", backend, n);
            prop_assert!(
                out[n..].iter().all(|v| *v == 0),
                "{:?} wrote past {}",
                backend,
                n
            );
        }
    }
    Ok(())
}

proptest! {
    // Each case runs every backend at every lane count both ways (about 230
    // kernel calls in an unoptimised build): fewer cases than the default 256.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sha1_backends_agree(states in states::<5>(), counters in any::<[u64; 16]>()) {
        let keys = pads(&states);
        let each: [&Pads<[u32; 5]>; 16] = core::array::from_fn(|l| &keys[l]);
        check_sha1(Keys::Each(&each), &counters)?;
        check_sha1(Keys::Same(&keys[0]), &counters)?;
        for backend in Backend::available() {
            // The facade: a batch's lanes, and a run of consecutive counters
            // across two groups, as a wide window scan makes.
            for n in [0, 1, 3, 9, 16] {
                let mut lanes = [0u32; MAX_LANES];
                sha1_lanes(backend, &each[..n], &counters[..n], &mut lanes[..n]);
                let mut expected = [0u32; MAX_LANES];
                sha1_lanes(Backend::PORTABLE, &each[..n], &counters[..n], &mut expected[..n]);
                prop_assert_eq!(lanes, expected, "{:?}, {} lanes", backend, n);
            }
            let (mut run, mut expected) = ([0u32; 21], [0u32; 21]);
            sha1_run(backend, &keys[1], counters[0], &mut run);
            sha1_run(Backend::PORTABLE, &keys[1], counters[0], &mut expected);
            prop_assert_eq!(run, expected, "{:?}", backend);
        }
    }

    #[test]
    fn sha256_backends_agree(states in states::<8>(), counters in any::<[u64; 16]>()) {
        let keys = pads(&states);
        let each: [&Pads<[u32; 8]>; 16] = core::array::from_fn(|l| &keys[l]);
        check_sha256(Keys::Each(&each), &counters)?;
        check_sha256(Keys::Same(&keys[0]), &counters)?;
        for backend in Backend::available() {
            for n in [0, 1, 3, 9, 16] {
                let mut lanes = [0u32; MAX_LANES];
                sha256_lanes(backend, &each[..n], &counters[..n], &mut lanes[..n]);
                let mut expected = [0u32; MAX_LANES];
                sha256_lanes(Backend::PORTABLE, &each[..n], &counters[..n], &mut expected[..n]);
                prop_assert_eq!(lanes, expected, "{:?}, {} lanes", backend, n);
            }
            let (mut run, mut expected) = ([0u32; 21], [0u32; 21]);
            sha256_run(backend, &keys[1], counters[0], &mut run);
            sha256_run(Backend::PORTABLE, &keys[1], counters[0], &mut expected);
            prop_assert_eq!(run, expected, "{:?}", backend);
        }
    }
}

/// The last byte of a MAC picks the truncation offset: make sure the vector
/// truncation meets all sixteen.
#[test]
fn vector_truncation_covers_every_offset() {
    let mut seen = [false; 16];
    let keys: Vec<Pads<[u32; 5]>> = (0u32..16)
        .map(|i| Pads {
            inner: [i; 5],
            outer: [i.wrapping_mul(0x9e37_79b9); 5],
        })
        .collect();
    let each: [&Pads<[u32; 5]>; 16] = core::array::from_fn(|l| &keys[l]);
    for round in 0u64..64 {
        let counters: [u64; 16] = core::array::from_fn(|i| round * 16 + i as u64);
        for (k, c) in keys.iter().zip(counters) {
            seen[usize::from(portable::hmac_sha1(k, c)[4] as u8 & 0x0f)] = true;
        }
        check_sha1(Keys::Each(&each), &counters).unwrap();
    }
    assert_eq!(seen, [true; 16]);
}

/// Prints the backends the tests above ran; with `OTPCORE_EXPECT_BACKENDS` (a
/// comma-separated list of names) fails if one of those is not among them.
#[test]
fn every_expected_backend_runs() {
    let ran: Vec<&str> = Backend::available().map(Backend::name).collect();
    std::println!("accel backends tested: {}", ran.join(", "));
    let Ok(expected) = std::env::var("OTPCORE_EXPECT_BACKENDS") else {
        return;
    };
    if cfg!(any(otpcore_backend = "soft", miri)) {
        // Compiled out on purpose: this build has only the portable backend.
        std::println!("SIMD compiled out; OTPCORE_EXPECT_BACKENDS={expected} not checked");
        return;
    }
    for name in expected.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        assert!(
            ran.contains(&name),
            "OTPCORE_EXPECT_BACKENDS names {name}, which this CPU lacks (has: {ran:?})"
        );
    }
}

/// Detection needs no `std` (`cpufeatures` runs CPUID itself): run under
/// `cargo test --lib --no-default-features` too, where `std` exists only for the
/// tests. `std::arch`'s own detection is the referee, kind by kind.
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
#[test]
fn simd_without_std() {
    let shani = std::arch::is_x86_feature_detected!("sha")
        && std::arch::is_x86_feature_detected!("sse2")
        && std::arch::is_x86_feature_detected!("ssse3")
        && std::arch::is_x86_feature_detected!("sse4.1");
    let avx2 = std::arch::is_x86_feature_detected!("avx2");
    let avx512 = std::arch::is_x86_feature_detected!("avx512f") && avx2;
    let mut expected = alloc::vec!["portable"];
    for (has, name) in [
        (avx2, "avx2"),
        (shani, "shani"),
        (avx512, "avx512"),
        (avx512 && shani, "avx512+shani"),
    ] {
        if has {
            expected.push(name);
        }
    }
    let available: Vec<&str> = Backend::available().map(Backend::name).collect();
    assert_eq!(available, expected);
    if shani || avx2 {
        assert_ne!(Backend::detect(), Backend::PORTABLE);
    }
    assert_eq!(Some(&Backend::detect().name()), expected.last());
}
