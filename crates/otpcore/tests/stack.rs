//! Every kernel this CPU has, for every hash function and group size, and the
//! verification and batch paths on each, run on a thread with a 256 KiB stack.
//!
//! Why: the SIMD kernels keep every round's temporaries in stack slots when
//! built without optimisation, and the unoptimised AVX-512 SHA-512 HMAC needed a
//! 1.2 MB frame, which crashed the Kotlin suite on a JVM thread (1 MB stack).
//! The workspace's dev profile builds otpcore at opt-level 1 (`Cargo.toml`);
//! this test, in that same profile, fails if a kernel's frame grows past what a
//! small thread has. Its own binary: it forces kernels process-wide.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use otpcore::kernels::{self, Kernel, Workload};
use otpcore::{
    generate_batch, verify_batch, Algorithm, Code, Digits, GenerateRequest, Match, Secret,
    TimeError, Totp, TotpConfig, VerifyError, VerifyRequest, Window,
};

const STACK: usize = 256 * 1024;
const AT: u64 = 1_234_567_890;
const ALGORITHMS: [Algorithm; 3] = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512];

fn totp(algorithm: Algorithm) -> Totp {
    let secret = Secret::from_bytes(&[0x5a; 64]).unwrap();
    let config = TotpConfig {
        algorithm,
        digits: Digits::SIX,
        ..TotpConfig::default()
    };
    Totp::new(&secret, config)
}

/// Every way a code gets computed, on the plan in force.
fn every_path(work: &Workload, kernel: Kernel) {
    for algorithm in ALGORITHMS {
        let mut out = [0u32; 16];
        for n in 1..=16 {
            work.run(kernel, algorithm, &mut out[..n]).unwrap();
        }
        work.run_window::<1>(kernel, algorithm).unwrap();
        work.run_window::<3>(kernel, algorithm).unwrap();
        work.run_window::<4>(kernel, algorithm).unwrap();

        let t = totp(algorithm);
        let right = t.generate_at(AT).unwrap().to_string();
        for window in [Window::exact(), Window::symmetric(1), Window::symmetric(10)] {
            assert!(
                t.verify_at(&right, AT, window, None).is_ok(),
                "{kernel} {algorithm}"
            );
        }
        let totps: Vec<Totp> = (0..16).map(|_| totp(algorithm)).collect();
        let requests: Vec<VerifyRequest<'_>> = totps
            .iter()
            .map(|t| VerifyRequest::totp(t, &right, AT, Window::symmetric(1), None))
            .collect();
        let mut results: Vec<Result<Match, VerifyError>> = vec![Err(VerifyError::Mismatch); 16];
        verify_batch(&requests, &mut results).unwrap();
        assert!(results.iter().all(Result::is_ok), "{kernel} {algorithm}");
        let requests: Vec<GenerateRequest<'_>> =
            totps.iter().map(|t| GenerateRequest::totp(t, AT)).collect();
        let mut codes: Vec<Result<Code, TimeError>> = vec![Err(TimeError::BeforeT0); 16];
        generate_batch(&requests, &mut codes).unwrap();
        assert!(codes
            .iter()
            .all(|c| c.as_ref().unwrap().to_string() == right));
    }
}

#[test]
fn every_kernel_runs_on_a_small_stack() {
    let kernels: Vec<Kernel> = Kernel::available().collect();
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let work = Workload::new();
            for kernel in kernels {
                kernels::force(kernel).unwrap();
                every_path(&work, kernel);
            }
            kernels::replan();
            every_path(&work, Kernel::Portable);
        })
        .unwrap()
        .join()
        .expect("a kernel overflowed a 256 KiB stack (or failed)");
}
