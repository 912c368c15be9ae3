//! The `batch` group: many credentials at once, against the same work done one
//! call at a time.
//!
//! Ids: `batch/<generate|verify>/<algorithm>[/window=3]/<batch|scalar>/n=<size>`.
//! `scalar` is the loop a caller would write around `generate_at` / `verify_at`;
//! `batch` is `generate_batch` / `verify_batch`. Criterion reports both per
//! batch and, through the throughput setting, per code (elements/s).

use std::hint::black_box;

use criterion::measurement::Measurement;
use criterion::{Criterion, Throughput};
use otpcore::{
    generate_batch, verify_batch, Algorithm, Code, GenerateRequest, Match, Secret, TimeError, Totp,
    TotpConfig, VerifyError, VerifyRequest, Window,
};

use crate::fixtures::AT;

const SIZES: [(usize, &str); 4] = [(1, "1"), (16, "16"), (1_000, "1k"), (10_000, "10k")];

fn credentials(algorithm: Algorithm, n: usize) -> Vec<Totp> {
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

pub fn bench<M: Measurement>(c: &mut Criterion<M>) {
    let mut g = c.benchmark_group("batch");
    for (algorithm, name) in [(Algorithm::Sha1, "sha1"), (Algorithm::Sha256, "sha256")] {
        for (n, size) in SIZES {
            let totps = credentials(algorithm, n);
            g.throughput(Throughput::Elements(n as u64));

            let requests: Vec<GenerateRequest<'_>> =
                totps.iter().map(|t| GenerateRequest::totp(t, AT)).collect();
            let mut codes: Vec<Result<Code, TimeError>> = vec![Err(TimeError::BeforeT0); n];
            g.bench_function(format!("generate/{name}/batch/n={size}"), |b| {
                b.iter(|| generate_batch(black_box(&requests), &mut codes));
            });
            g.bench_function(format!("generate/{name}/scalar/n={size}"), |b| {
                b.iter(|| {
                    for (t, out) in totps.iter().zip(codes.iter_mut()) {
                        *out = t.generate_at(black_box(AT));
                    }
                });
            });

            // Half right, half wrong: the cost must not depend on it anyway.
            let inputs: Vec<String> = totps
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
                .collect();
            let requests: Vec<VerifyRequest<'_>> = totps
                .iter()
                .zip(&inputs)
                .map(|(t, input)| VerifyRequest::totp(t, input, AT, Window::default(), None))
                .collect();
            let mut results: Vec<Result<Match, VerifyError>> = vec![Err(VerifyError::Mismatch); n];
            g.bench_function(format!("verify/{name}/window=3/batch/n={size}"), |b| {
                b.iter(|| verify_batch(black_box(&requests), &mut results));
            });
            g.bench_function(format!("verify/{name}/window=3/scalar/n={size}"), |b| {
                b.iter(|| {
                    for ((t, input), out) in totps.iter().zip(&inputs).zip(results.iter_mut()) {
                        *out = t.verify_at(black_box(input), AT, Window::default(), None);
                    }
                });
            });
            verify_batch(&requests, &mut results).unwrap();
            assert!(results.iter().step_by(2).all(Result::is_ok));
        }
    }
    g.finish();
}
