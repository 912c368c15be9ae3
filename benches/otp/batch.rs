//! The `batch` group: many credentials at once, against the same work done one
//! call at a time, on the process's plan and on each kernel forced in turn.
//!
//! Ids: `batch/<generate|verify>/<algorithm>[/window=3]/<batch|scalar>/n=<size>/<backend>`.
//! `scalar` is the loop a caller would write around `generate_at` / `verify_at`;
//! `batch` is `generate_batch` / `verify_batch`. `<backend>` is `plan` (the
//! measured plan printed at the start of the run) or a kernel forced with
//! `otpcore::kernels::force` for every group size. Criterion reports both per
//! batch and, through the throughput setting, per code (elements/s). The
//! per-kernel rows use short settings (the figures that matter are the
//! batch/scalar ratios; `benches/ratios.rs` measures those interleaved).
//!
//! Runs last but one: forcing kernels changes the plan for keys made afterwards.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::Measurement;
use criterion::{Criterion, Throughput};
use otpcore::kernels::{self, Kernel};
use otpcore::{
    generate_batch, verify_batch, Algorithm, Code, GenerateRequest, Match, Secret, TimeError, Totp,
    TotpConfig, VerifyError, VerifyRequest, Window,
};

use crate::fixtures::{ALGORITHMS, AT};

pub const SIZES: [(usize, &str); 6] = [
    (1, "1"),
    (2, "2"),
    (4, "4"),
    (8, "8"),
    (16, "16"),
    (10_000, "10k"),
];

pub fn credentials(algorithm: Algorithm, n: usize) -> Vec<Totp> {
    (0..n)
        .map(|i| {
            let mut key = [0u8; 20];
            key[..8].copy_from_slice(&(i as u64).to_be_bytes());
            key[8..].copy_from_slice(b"otpcore-bench"[..12].as_ref());
            let secret = Secret::from_bytes(&key).unwrap();
            Totp::new(
                &secret,
                TotpConfig {
                    algorithm,
                    ..TotpConfig::default()
                },
            )
        })
        .collect()
}

/// Half right, half wrong: the cost must not depend on it anyway.
pub fn inputs(totps: &[Totp]) -> Vec<String> {
    totps
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let code = t.generate_at(AT).unwrap().value();
            let shown = if i % 2 == 0 {
                code
            } else {
                (code + 1) % 1_000_000
            };
            format!("{shown:06}")
        })
        .collect()
}

/// Credentials for every size and hash function, made under the current plan.
pub type Sets = Vec<(Algorithm, &'static str, Vec<Totp>)>;

pub fn sets() -> Sets {
    let mut sets = Vec::new();
    for (algorithm, name) in ALGORITHMS {
        sets.push((algorithm, name, credentials(algorithm, 10_000)));
    }
    sets
}

pub fn bench<M: Measurement>(c: &mut Criterion<M>) {
    // Keys keep the plan they were made under: the plan's first, then each
    // kernel forced in turn.
    let mut backends = vec![("plan".to_string(), sets())];
    for kernel in Kernel::available() {
        kernels::force(kernel).unwrap();
        backends.push((kernel.name().to_string(), sets()));
    }
    let mut g = c.benchmark_group("batch");
    g.warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(600))
        .sample_size(20);
    for (backend, sets) in &backends {
        for (algorithm, name, all) in sets {
            let _ = algorithm;
            for (n, size) in SIZES {
                let totps = &all[..n];
                g.throughput(Throughput::Elements(n as u64));
                let requests: Vec<GenerateRequest<'_>> =
                    totps.iter().map(|t| GenerateRequest::totp(t, AT)).collect();
                let mut codes: Vec<Result<Code, TimeError>> = vec![Err(TimeError::BeforeT0); n];
                g.bench_function(format!("generate/{name}/batch/n={size}/{backend}"), |b| {
                    b.iter(|| generate_batch(black_box(&requests), &mut codes));
                });
                g.bench_function(format!("generate/{name}/scalar/n={size}/{backend}"), |b| {
                    b.iter(|| {
                        for (t, out) in totps.iter().zip(codes.iter_mut()) {
                            *out = t.generate_at(black_box(AT));
                        }
                    });
                });

                let inputs = inputs(totps);
                let requests: Vec<VerifyRequest<'_>> = totps
                    .iter()
                    .zip(&inputs)
                    .map(|(t, input)| VerifyRequest::totp(t, input, AT, Window::default(), None))
                    .collect();
                let mut results: Vec<Result<Match, VerifyError>> =
                    vec![Err(VerifyError::Mismatch); n];
                g.bench_function(
                    format!("verify/{name}/window=3/batch/n={size}/{backend}"),
                    |b| b.iter(|| verify_batch(black_box(&requests), &mut results)),
                );
                g.bench_function(
                    format!("verify/{name}/window=3/scalar/n={size}/{backend}"),
                    |b| {
                        b.iter(|| {
                            for ((t, input), out) in
                                totps.iter().zip(&inputs).zip(results.iter_mut())
                            {
                                *out = t.verify_at(black_box(input), AT, Window::default(), None);
                            }
                        });
                    },
                );
                verify_batch(&requests, &mut results).unwrap();
                assert!(results.iter().step_by(2).all(Result::is_ok));
            }
        }
    }
    g.finish();
}
