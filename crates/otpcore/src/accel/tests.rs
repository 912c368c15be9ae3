//! Differential tests: every backend this CPU has ([`Backend::available`]), at
//! every lane count 0..=16, for SHA-1, SHA-256 and SHA-512, with one key for all
//! lanes and with a key per lane, against [`Backend::PORTABLE`] (itself checked
//! against the `hmac` crate in `mac`), on random pad states and counters. Then
//! the plan: its encoding, the table, forcing, the report.
//!
//! A backend the CPU lacks cannot be made, so it is not run: the test
//! `every_expected_backend_runs` prints the ones that were, and with
//! `OTPCORE_EXPECT_BACKENDS=shani,avx2,avx512` fails if one of those is missing,
//! so a CI machine with a smaller CPU cannot skip them silently. On the
//! development machine (SHA-NI, AVX2, AVX-512F) all five run.

use alloc::vec::Vec;

use proptest::prelude::*;

use super::*;

/// Held by the tests that change the process's plan or compare against it: the
/// plan is process-wide and tests run in parallel.
pub(crate) static PLAN_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Sixteen random pad-state pairs (any state is a valid chaining value).
fn states<T: Arbitrary + Copy, const W: usize>() -> impl Strategy<Value = Vec<([T; W], [T; W])>>
where
    [T; W]: Arbitrary,
{
    proptest::collection::vec((any::<[T; W]>(), any::<[T; W]>()), 16)
}

fn pads<T: Copy, const W: usize>(states: &[([T; W], [T; W])]) -> Vec<Pads<[T; W]>>
where
    [T; W]: zeroize::Zeroize,
{
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

/// As [`check_sha1`], for SHA-512 (the 64-bit lane kernels).
fn check_sha512(keys: Keys<'_, [u64; 8], 16>, counters: &[u64; 16]) -> Result<(), TestCaseError> {
    let mut expected = [0u32; MAX_LANES];
    Backend::PORTABLE.sha512(keys, counters, &mut expected);
    for ((key, counter), value) in keys.lanes().iter().zip(counters).zip(expected) {
        let (words, last) = portable::hmac_sha512(key, *counter);
        prop_assert_eq!(value, crate::truncate::dynamic_truncation(words, last));
    }
    for backend in Backend::available() {
        for n in 0..=MAX_LANES {
            let mut out = [0u32; MAX_LANES];
            backend.sha512(keys, counters, &mut out[..n]);
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
    fn sha1_backends_agree(states in states::<u32, 5>(), counters in any::<[u64; 16]>()) {
        let keys = pads(&states);
        let each: [&Pads<[u32; 5]>; 16] = core::array::from_fn(|l| &keys[l]);
        check_sha1(Keys::Each(&each), &counters)?;
        check_sha1(Keys::Same(&keys[0]), &counters)?;
        for backend in Backend::available() {
            // The facade: a batch's lanes, and a run of consecutive counters
            // across two groups, as a wide window scan makes.
            for n in [0, 1, 3, 9, 16] {
                let mut lanes = [0u32; MAX_LANES];
                sha1_lanes(&Plan::only(backend), &each[..n], &counters[..n], &mut lanes[..n]);
                let mut expected = [0u32; MAX_LANES];
                sha1_lanes(&Plan::only(Backend::PORTABLE), &each[..n], &counters[..n], &mut expected[..n]);
                prop_assert_eq!(lanes, expected, "{:?}, {} lanes", backend, n);
            }
            let (mut run, mut expected) = ([0u32; 21], [0u32; 21]);
            sha1_run(&Plan::only(backend), &keys[1], counters[0], &mut run);
            sha1_run(&Plan::only(Backend::PORTABLE), &keys[1], counters[0], &mut expected);
            prop_assert_eq!(run, expected, "{:?}", backend);
            // A window by value (SHA-NI's own entry up to four lanes, the lane
            // arrays beyond), from a random step and across the wrap at u64::MAX.
            for first in [counters[0], u64::MAX - 1] {
                let plan = Plan::only(backend);
                let mut expected = [0u32; 5];
                sha1_run(&Plan::only(Backend::PORTABLE), &keys[1], first, &mut expected);
                prop_assert_eq!(&sha1_window::<1>(&plan, &keys[1], first)[..], &expected[..1]);
                prop_assert_eq!(&sha1_window::<2>(&plan, &keys[1], first)[..], &expected[..2]);
                prop_assert_eq!(&sha1_window::<3>(&plan, &keys[1], first)[..], &expected[..3]);
                prop_assert_eq!(&sha1_window::<4>(&plan, &keys[1], first)[..], &expected[..4]);
                prop_assert_eq!(sha1_window::<5>(&plan, &keys[1], first), expected);
            }
        }
    }

    #[test]
    fn sha256_backends_agree(states in states::<u32, 8>(), counters in any::<[u64; 16]>()) {
        let keys = pads(&states);
        let each: [&Pads<[u32; 8]>; 16] = core::array::from_fn(|l| &keys[l]);
        check_sha256(Keys::Each(&each), &counters)?;
        check_sha256(Keys::Same(&keys[0]), &counters)?;
        for backend in Backend::available() {
            for n in [0, 1, 3, 9, 16] {
                let mut lanes = [0u32; MAX_LANES];
                sha256_lanes(&Plan::only(backend), &each[..n], &counters[..n], &mut lanes[..n]);
                let mut expected = [0u32; MAX_LANES];
                sha256_lanes(&Plan::only(Backend::PORTABLE), &each[..n], &counters[..n], &mut expected[..n]);
                prop_assert_eq!(lanes, expected, "{:?}, {} lanes", backend, n);
            }
            let (mut run, mut expected) = ([0u32; 21], [0u32; 21]);
            sha256_run(&Plan::only(backend), &keys[1], counters[0], &mut run);
            sha256_run(&Plan::only(Backend::PORTABLE), &keys[1], counters[0], &mut expected);
            prop_assert_eq!(run, expected, "{:?}", backend);
            // A window by value (SHA-NI's own entry up to four lanes, the lane
            // arrays beyond), from a random step and across the wrap at u64::MAX.
            for first in [counters[0], u64::MAX - 1] {
                let plan = Plan::only(backend);
                let mut expected = [0u32; 5];
                sha256_run(&Plan::only(Backend::PORTABLE), &keys[1], first, &mut expected);
                prop_assert_eq!(&sha256_window::<1>(&plan, &keys[1], first)[..], &expected[..1]);
                prop_assert_eq!(&sha256_window::<2>(&plan, &keys[1], first)[..], &expected[..2]);
                prop_assert_eq!(&sha256_window::<3>(&plan, &keys[1], first)[..], &expected[..3]);
                prop_assert_eq!(&sha256_window::<4>(&plan, &keys[1], first)[..], &expected[..4]);
                prop_assert_eq!(sha256_window::<5>(&plan, &keys[1], first), expected);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn sha512_backends_agree(states in states::<u64, 8>(), counters in any::<[u64; 16]>()) {
        let keys = pads(&states);
        let each: [&Pads<[u64; 8]>; 16] = core::array::from_fn(|l| &keys[l]);
        check_sha512(Keys::Each(&each), &counters)?;
        check_sha512(Keys::Same(&keys[0]), &counters)?;
        for backend in Backend::available() {
            for n in [0, 1, 3, 5, 9, 16] {
                let mut lanes = [0u32; MAX_LANES];
                sha512_lanes(&Plan::only(backend), &each[..n], &counters[..n], &mut lanes[..n]);
                let mut expected = [0u32; MAX_LANES];
                sha512_lanes(&Plan::only(Backend::PORTABLE), &each[..n], &counters[..n], &mut expected[..n]);
                prop_assert_eq!(lanes, expected, "{:?}, {} lanes", backend, n);
            }
            let (mut run, mut expected) = ([0u32; 21], [0u32; 21]);
            sha512_run(&Plan::only(backend), &keys[1], counters[0], &mut run);
            sha512_run(&Plan::only(Backend::PORTABLE), &keys[1], counters[0], &mut expected);
            prop_assert_eq!(run, expected, "{:?}", backend);
        }
    }
}

/// `Workload::run_window` (the benches' bare kernel of a window) computes lane
/// 0's key on consecutive counters: the same values as the lane arrays, on every
/// kernel and for every hash function.
#[test]
fn the_workload_window_is_lane_zero_on_consecutive_counters() {
    let work = Workload::new();
    for algorithm in [
        crate::Algorithm::Sha1,
        crate::Algorithm::Sha256,
        crate::Algorithm::Sha512,
    ] {
        // Lane 0's key on the first counter, then lanes 1 and 2 repeat that
        // key through `Keys::Same` on the next counters.
        let mut expected = [0u32; 3];
        work.run(Kernel::Portable, algorithm, &mut expected[..1])
            .unwrap();
        for kernel in Kernel::available() {
            let window = work.run_window::<3>(kernel, algorithm).unwrap();
            assert_eq!(window[0], expected[0], "{kernel} {algorithm}");
            let one = work.run_window::<1>(Kernel::Portable, algorithm).unwrap();
            assert_eq!(one, [expected[0]], "{kernel} {algorithm}");
            let portable = work.run_window::<3>(Kernel::Portable, algorithm).unwrap();
            assert_eq!(window, portable, "{kernel} {algorithm}");
            assert_ne!(
                window[1], window[0],
                "{kernel} {algorithm}: not consecutive"
            );
            // Every size takes its own way in (a window entry up to four, the
            // lane arrays above): each is the same run of counters.
            same_run::<2>(&work, kernel, algorithm, window);
            same_run::<4>(&work, kernel, algorithm, window);
            same_run::<5>(&work, kernel, algorithm, window);
            same_run::<16>(&work, kernel, algorithm, window);
        }
    }
}

/// `run_window::<N>` on `kernel` is the portable kernel's and begins with `three`.
fn same_run<const N: usize>(
    work: &Workload,
    kernel: Kernel,
    algorithm: crate::Algorithm,
    three: [u32; 3],
) {
    let window = work.run_window::<N>(kernel, algorithm).unwrap();
    let portable = work.run_window::<N>(Kernel::Portable, algorithm).unwrap();
    assert_eq!(window, portable, "{kernel} {algorithm} {N}");
    let n = N.min(3);
    assert_eq!(window[..n], three[..n], "{kernel} {algorithm} {N}");
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
    let ran: Vec<&str> = Backend::available().map(|b| b.kernel().name()).collect();
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
    let avx512 = std::arch::is_x86_feature_detected!("avx512f");
    let mut expected = alloc::vec!["portable"];
    for (has, name) in [(shani, "shani"), (avx2, "avx2"), (avx512, "avx512")] {
        if has {
            expected.push(name);
        }
    }
    let available: Vec<&str> = Backend::available().map(|b| b.kernel().name()).collect();
    assert_eq!(available, expected);
    let public: Vec<&str> = Kernel::available().map(Kernel::name).collect();
    assert_eq!(public, expected);
    // The table uses the best kernel this CPU has for wide groups.
    let wide = plan::table(crate::Algorithm::Sha1, MAX_LANES).kernel();
    if avx512 {
        assert_eq!(wide, Kernel::Avx512);
    } else if shani {
        assert_eq!(wide, Kernel::ShaNi);
    }
}

/// The plan's word round-trips every backend at every lane count.
#[test]
fn plans_encode_and_decode() {
    for backend in Backend::available() {
        let plan = Plan::only(backend);
        assert_eq!(Plan::decode_for_test(plan.encode_for_test()), plan);
    }
    let mixed = Plan::from_table(crate::Algorithm::Sha1);
    assert_eq!(Plan::decode_for_test(mixed.encode_for_test()), mixed);
    // An unplanned word decodes to portable.
    assert_eq!(Plan::decode_for_test(0), Plan::only(Backend::PORTABLE));
}

/// The table only names backends this CPU has, for every hash and lane count.
#[test]
fn the_table_uses_available_backends() {
    for algorithm in [
        crate::Algorithm::Sha1,
        crate::Algorithm::Sha256,
        crate::Algorithm::Sha512,
    ] {
        for lanes in 1..=MAX_LANES {
            let backend = plan::table(algorithm, lanes);
            assert!(
                Backend::available().any(|b| b == backend),
                "{algorithm} {lanes}"
            );
            assert!(backend.has_own(algorithm));
        }
    }
}

/// Forcing a kernel makes it the plan of every hash (portable for SHA-512 under
/// SHA-NI), reported as forced; forcing a missing kernel is refused; `replan`
/// measures again. Forcing changes only speed, so the tests running beside this
/// one are unaffected. The only test that changes the process's plan.
#[test]
fn forcing_a_kernel() {
    let _plan = PLAN_LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for kernel in Kernel::ALL {
        match Backend::new(kernel) {
            Some(backend) => {
                force(kernel).unwrap();
                for algorithm in [crate::Algorithm::Sha1, crate::Algorithm::Sha256] {
                    let report = plan(algorithm);
                    assert_eq!(report.origin(), Origin::Forced);
                    assert!((1..=16).all(|n| report.kernel(n) == kernel), "{report}");
                }
                let sha512 = plan(crate::Algorithm::Sha512).kernel(4);
                let expected = if backend.has_own(crate::Algorithm::Sha512) {
                    kernel
                } else {
                    Kernel::Portable
                };
                assert_eq!(sha512, expected);
            }
            None => assert_eq!(force(kernel), Err(KernelUnavailable(kernel))),
        }
    }
    // The report reads as ranges of lane counts. (In this one test: the plan is
    // process-wide, and tests run in parallel.)
    force(Kernel::Portable).unwrap();
    assert_eq!(
        std::format!("{}", plan(crate::Algorithm::Sha256)),
        "SHA256 (forced): 1-16 lanes portable"
    );
    replan();
    let report = plan(crate::Algorithm::Sha1);
    assert_ne!(report.origin(), Origin::Forced);
    std::println!("{report}");
}

/// Costs beyond sixteen lanes are whole groups plus the rest.
#[test]
fn costs_add_up_groups() {
    let costs = Costs::from_for_test(core::array::from_fn(|n| (n as u16 + 1) * 10));
    assert_eq!(costs.lanes(0), 0);
    assert_eq!(costs.lanes(3), 30);
    assert_eq!(costs.lanes(16), 160);
    assert_eq!(costs.lanes(35), 2 * 160 + 30);
}

/// Kernel names round-trip, in any case.
#[test]
fn kernel_names() {
    for kernel in Kernel::ALL {
        assert_eq!(Kernel::from_name(kernel.name()), Some(kernel));
        assert_eq!(
            Kernel::from_name(&kernel.name().to_uppercase()),
            Some(kernel)
        );
    }
    assert_eq!(Kernel::from_name("sse9"), None);
}
