//! The shared stores against one round trip of a trivial command on the same
//! private server, in the same run: latency of an accepted verification
//! against `PING` / `SELECT 1` (ids `stateful/roundtrip/<backend>/{trivial,accepted}`),
//! and throughput of 64 concurrent tasks against the same trivial command
//! (`stateful/concurrent64/<backend>/{trivial,accepted}`, in elements per
//! second). Then the servers' own load generators on the same server, printed
//! to stderr. Between the trivial command and the verification, references
//! that say where the difference goes. The servers, their trivial commands,
//! references and tools are in `servers.rs`.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, Throughput};
use otpcore_guard::store::{CredentialId, Store};
use otpcore_guard::{Guard, Outcome};
use tokio::runtime::Runtime;

use super::{interleave, totp, T};

/// One round trip of the backend's trivial command.
pub(crate) type Trivial = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

pub(crate) const TASKS: u64 = 64;

pub(crate) fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A fresh credential per sample, so that every verification is accepted.
fn credential(task: u64) -> CredentialId {
    static SAMPLE: AtomicU64 = AtomicU64::new(0);
    let n = SAMPLE.fetch_add(1, Ordering::Relaxed);
    CredentialId::new(&format!("bench:{}:{n}:{task}", std::process::id())).unwrap()
}

fn assert_served(o: &Outcome) {
    assert!(
        !matches!(o, Outcome::StoreUnavailable(_) | Outcome::Throttled { .. }),
        "{o}"
    );
}

/// Both groups for one backend.
pub(crate) fn measure<S: Store + 'static>(
    c: &mut Criterion,
    backend: &str,
    rt: &Runtime,
    guard: Arc<Guard<S>>,
    trivial: Trivial,
    references: &[(&str, Trivial)],
) {
    if std::env::var_os("OTPCORE_BENCH_RATIOS").is_some() {
        ratios(backend, rt, &guard, &trivial, references);
        return;
    }
    let t = totp();
    let mut group = c.benchmark_group(format!("stateful/roundtrip/{backend}"));
    let one = trivial.clone();
    group.bench_function("trivial", |b| b.iter(|| rt.block_on(one())));
    for (name, reference) in references {
        group.bench_function(*name, |b| b.iter(|| rt.block_on(reference())));
    }
    let id = credential(0);
    let mut at = T;
    group.bench_function("accepted", |b| {
        b.iter_batched(
            || {
                at += 30;
                (t.generate_at(at).unwrap().to_string(), at)
            },
            |(code, at)| {
                let o = rt.block_on(guard.verify_totp(&id, &t, &code, at));
                assert_served(&o);
                o
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();

    let mut group = c.benchmark_group(format!("stateful/concurrent64/{backend}"));
    group.throughput(Throughput::Elements(1));
    group.bench_function("trivial", |b| {
        b.iter_custom(|iters| {
            let per = iters.div_ceil(TASKS);
            let start = Instant::now();
            rt.block_on(async {
                let tasks: Vec<_> = (0..TASKS)
                    .map(|_| {
                        let trivial = trivial.clone();
                        tokio::spawn(async move {
                            for _ in 0..per {
                                trivial().await;
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.unwrap();
                }
            });
            scale(start.elapsed(), iters, per * TASKS)
        })
    });
    group.bench_function("accepted", |b| {
        b.iter_custom(|iters| {
            let per = iters.div_ceil(TASKS);
            // Codes are computed before the clock starts.
            let work: Vec<(CredentialId, Vec<(String, u64)>)> = (0..TASKS)
                .map(|task| {
                    let codes = (1..=per)
                        .map(|k| {
                            let at = T + k * 30;
                            (t.generate_at(at).unwrap().to_string(), at)
                        })
                        .collect();
                    (credential(task), codes)
                })
                .collect();
            let start = Instant::now();
            rt.block_on(async {
                let tasks: Vec<_> = work
                    .into_iter()
                    .map(|(id, codes)| {
                        let (guard, t) = (guard.clone(), totp());
                        tokio::spawn(async move {
                            for (code, at) in codes {
                                assert_served(&guard.verify_totp(&id, &t, &code, at).await);
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.unwrap();
                }
            });
            scale(start.elapsed(), iters, per * TASKS)
        })
    });
    group.finish();
}

/// `OTPCORE_BENCH_RATIOS=1`: instead of criterion's groups, each reference
/// and an accepted verification against the trivial command, interleaved
/// (`common/interleave.rs`, trials of about 40 ms), as markdown rows. The
/// accepted side also computes its code (about 0.1 µs, under 0.2 % of it).
fn ratios<S: Store + 'static>(
    backend: &str,
    rt: &Runtime,
    guard: &Guard<S>,
    trivial: &Trivial,
    references: &[(&str, Trivial)],
) {
    const TRIAL_NS: u128 = 40_000_000;
    let t = totp();
    let id = credential(0);
    let mut at = T;
    let mut one = || rt.block_on(trivial());
    let mut row = |name: &str, b: &mut dyn FnMut()| {
        let (a, b, median) = interleave::ab(&mut one, b, TRIAL_NS);
        println!(
            "| {backend} | {name} | {:.1} µs | {:.1} µs | {} |",
            b / 1e3,
            a / 1e3,
            interleave::ratio(a, b, median)
        );
    };
    println!("| backend | call | time | trivial command | ratio |");
    println!("|---|---|---:|---:|---:|");
    for (name, reference) in references {
        row(name, &mut || rt.block_on(reference()));
    }
    row("accepted verification", &mut || {
        at += 30;
        let code = t.generate_at(at).unwrap().to_string();
        assert_served(&rt.block_on(guard.verify_totp(&id, &t, &code, at)));
    });
}

/// `elapsed` for `done` operations, as the time `iters` would take.
fn scale(elapsed: Duration, iters: u64, done: u64) -> Duration {
    elapsed.mul_f64(iters as f64 / done as f64)
}
