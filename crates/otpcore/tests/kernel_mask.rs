//! `OTPCORE_KERNELS` narrows the kernels the planner chooses from, as if the CPU
//! had fewer: checked in child processes (the variable is read once per
//! process), one per kernel set of a CPU this machine is not — no SHA
//! extensions (Intel before Ice Lake), no AVX-512 (AMD before Zen 4), neither,
//! nothing but the portable kernel — and one with a name otpcore does not know.
//! In each: no masked kernel is available, forcible or in any plan, and every
//! path still computes the same codes as the single calls and the portable
//! kernel. Its own binary: it runs itself again with the variable set.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use otpcore::kernels::{self, Kernel, Workload};
use otpcore::{
    generate_batch, verify_batch, Algorithm, Code, Digits, GenerateRequest, Match, Secret,
    TimeError, Totp, TotpConfig, VerifyError, VerifyRequest, Window,
};

const AT: u64 = 1_234_567_890;
const ALGORITHMS: [Algorithm; 3] = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512];
/// Set in the children: the kernels the parent process had, unmasked.
const CPU_HAS: &str = "OTPCORE_TEST_CPU_KERNELS";

fn names(kernels: impl Iterator<Item = Kernel>) -> String {
    kernels.map(Kernel::name).collect::<Vec<_>>().join(",")
}

#[test]
fn masked_kernels_are_never_chosen() {
    match std::env::var(CPU_HAS) {
        Err(_) => {
            let has = names(Kernel::available());
            for mask in [
                "portable,avx2,avx512",
                "portable,shani,avx2",
                "avx2",
                "portable",
                "shani,sse9",
            ] {
                let status = Command::new(std::env::current_exe().unwrap())
                    .args(["--exact", "masked_kernels_are_never_chosen", "--nocapture"])
                    .env("OTPCORE_KERNELS", mask)
                    .env(CPU_HAS, &has)
                    .env_remove("OTPCORE_BACKEND")
                    .status()
                    .unwrap();
                assert!(status.success(), "OTPCORE_KERNELS={mask} failed");
            }
        }
        Ok(has) => in_child(&has, &std::env::var("OTPCORE_KERNELS").unwrap()),
    }
}

/// The checks, in a process started with `OTPCORE_KERNELS=mask` on a CPU with
/// the kernels `has` (comma-separated names).
fn in_child(has: &str, mask: &str) {
    let listed = |k: Kernel, list: &str| list.split(',').any(|n| n == k.name());
    let expected: Vec<Kernel> = Kernel::ALL
        .into_iter()
        .filter(|k| listed(*k, has) && (*k == Kernel::Portable || listed(*k, mask)))
        .collect();
    let available: Vec<Kernel> = Kernel::available().collect();
    assert_eq!(available, expected, "OTPCORE_KERNELS={mask}");
    println!(
        "OTPCORE_KERNELS={mask}: kernels {}",
        names(available.iter().copied())
    );

    for kernel in Kernel::ALL {
        assert_eq!(
            kernels::force(kernel).is_ok(),
            expected.contains(&kernel),
            "{kernel}"
        );
    }
    // Made by measurement (or the table) from the allowed kernels only.
    kernels::replan();
    for algorithm in ALGORITHMS {
        let plan = kernels::plan(algorithm);
        println!("  {plan}");
        for lanes in 1..=16 {
            assert!(expected.contains(&plan.kernel(lanes)), "{plan}");
        }
    }

    // Every allowed kernel computes the portable kernel's codes.
    let work = Workload::new();
    for algorithm in ALGORITHMS {
        let mut reference = [0u32; 16];
        work.run(Kernel::Portable, algorithm, &mut reference)
            .unwrap();
        for kernel in &expected {
            let mut out = [0u32; 16];
            work.run(*kernel, algorithm, &mut out).unwrap();
            assert_eq!(out, reference, "{kernel} {algorithm}");
        }
    }

    // The batches (packed or not, as the plan decides) agree with single calls.
    for algorithm in ALGORITHMS {
        let totps: Vec<Totp> = (0u8..40)
            .map(|i| {
                let secret = Secret::from_bytes(&[i.wrapping_add(1); 32]).unwrap();
                let config = TotpConfig {
                    algorithm,
                    digits: Digits::SIX,
                    ..TotpConfig::default()
                };
                Totp::new(&secret, config)
            })
            .collect();
        let codes: Vec<String> = totps
            .iter()
            .enumerate()
            .map(|(i, t)| {
                // Right, one step behind, or wrong, by request.
                let at = AT.wrapping_sub(30 * u64::from(i % 3 == 1));
                let code = t.generate_at(at).unwrap().to_string();
                if i % 3 == 2 {
                    code.chars().rev().collect()
                } else {
                    code
                }
            })
            .collect();
        let requests: Vec<VerifyRequest<'_>> = totps
            .iter()
            .zip(&codes)
            .map(|(t, c)| VerifyRequest::totp(t, c, AT, Window::symmetric(1), None))
            .collect();
        let mut results: Vec<Result<Match, VerifyError>> =
            vec![Err(VerifyError::Mismatch); totps.len()];
        verify_batch(&requests, &mut results).unwrap();
        for ((t, c), r) in totps.iter().zip(&codes).zip(&results) {
            assert_eq!(
                *r,
                t.verify_at(c, AT, Window::symmetric(1), None),
                "{algorithm}"
            );
        }
        let requests: Vec<GenerateRequest<'_>> =
            totps.iter().map(|t| GenerateRequest::totp(t, AT)).collect();
        let mut generated: Vec<Result<Code, TimeError>> =
            vec![Err(TimeError::BeforeT0); totps.len()];
        generate_batch(&requests, &mut generated).unwrap();
        for (t, g) in totps.iter().zip(&generated) {
            assert_eq!(*g, t.generate_at(AT), "{algorithm}");
        }
    }
}
