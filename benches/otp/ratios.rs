//! Interleaved A/B ratios for a machine shared with other work:
//! `OTPCORE_BENCH_RATIOS=1 cargo bench --bench otp` prints, instead of running
//! criterion, markdown rows of
//! - batch vs single calls, for each hash function, each `n` of
//!   `batch::SIZES`, on the measured plan and on each kernel forced in turn;
//! - verify ±1 vs the bare kernel for its three HMACs (on the kernel the plan
//!   uses for three lanes, entered as the scan enters it:
//!   `Workload::run_window`) vs the sequential floor;
//! - a control for the batch rows: two loops of single calls that do the
//!   same work, `Totp::verify_at` and `Totp::verify_step` with the steps
//!   worked out beforehand (one division less), for two requests on the
//!   measured plan (`control`);
//! - and, after them, what the process measured to decide the batch rows
//!   (`otpcore::kernels::batch_rules`: the generation sizes its trial packs,
//!   the batch's own work per packed verification).
//!
//! `OTPCORE_BENCH_RATIOS=1,2,16` (a list of sizes as the ids spell them:
//! `1`, `2`, …, `10k`) runs the batch rows of those sizes only.
//!
//! Interleaved as `common/interleave.rs` says, in trials of 1.5 ms.
//!
//! `OTPCORE_BENCH_PROCESSES=6` as well runs all that in six processes, one
//! after the other, and prints each row once, summarised (`processes.rs`).

use std::hint::black_box;

use otpcore::kernels::{self, Kernel, Workload};
use otpcore::{
    generate_batch, verify_batch, Algorithm, Code, Digits, GenerateRequest, Match, TimeError,
    VerifyError, VerifyRequest, Window,
};

use crate::batch::{inputs, sets, Sets, SIZES};
use crate::fixtures::{codes, key, totp, window, ALGORITHMS, AT};
use crate::interleave::{self, ratio};
use crate::peers::Floor;

/// Target length of one trial, in nanoseconds.
const TRIAL_NS: u128 = 1_500_000;

fn ab(a: &mut dyn FnMut(), b: &mut dyn FnMut()) -> (f64, f64, f64) {
    interleave::ab(a, b, TRIAL_NS)
}

pub fn run() {
    crate::kernels::report();
    limit();
    // Keys keep the plan they were made under: these, the measured plan's,
    // are made before `batch` forces each kernel in turn.
    let plan = sets();
    batch(&plan);
    control(&plan);
    batch_rules();
}

/// What this process measured to decide the batch rows above (after them:
/// the batches measure it when they first need it), one line per hash
/// function: which generation sizes its trial packs, and the batch's own work
/// per packed verification in brackets (summed up over processes as a range,
/// like the plan's costs).
fn batch_rules() {
    for (algorithm, _) in ALGORITHMS {
        let rules = kernels::batch_rules(algorithm);
        // The decision apart from the measured figure, which differs in every
        // process: the summary counts processes by the rest of the line.
        let decision = format!("{algorithm}: generation {}", rules.generation());
        match rules.verification_work() {
            Some(work) => println!(
                "otpcore bench: batch {decision} [verification work {} ns]",
                work.as_nanos()
            ),
            None => println!("otpcore bench: batch {decision}; verification work unmeasured"),
        }
    }
}

/// Two loops of single calls over the same two credentials and inputs as
/// the batch rows of `n = 2`: `Totp::verify_at`, and `Totp::verify_step` on
/// steps worked out beforehand — strictly less work, the same scan. The
/// ratio is what where and how a caller calls the scan moves (argument
/// stores, code placement), next to the batch's own ratio for two.
fn control(plan: &Sets) {
    if !wanted("2") {
        return;
    }
    println!();
    println!("| hash | control | n | verify_at loop, per code | verify_step loop, per code | verify_at / verify_step |");
    println!("|---|---|---:|---:|---:|---:|");
    for (_, name, totps) in plan {
        let totps = &totps[..2];
        let inputs = inputs(totps);
        let steps: Vec<u64> = totps.iter().map(|t| t.step_at(AT).unwrap()).collect();
        let mut results: Vec<Result<Match, VerifyError>> = vec![Err(VerifyError::Mismatch); 2];
        let mut results2 = results.clone();
        let mut at = || {
            for ((t, i), out) in totps.iter().zip(&inputs).zip(results.iter_mut()) {
                *out = t.verify_at(black_box(i), AT, Window::default(), None);
            }
        };
        let mut step = || {
            for (((t, i), s), out) in totps
                .iter()
                .zip(&inputs)
                .zip(&steps)
                .zip(results2.iter_mut())
            {
                *out = t.verify_step(black_box(i), *s, Window::default(), None);
            }
        };
        let (s, a, median) = ab(&mut step, &mut at);
        println!(
            "| {name} | two single-call loops | 2 | {:.0} ns | {:.0} ns | {} |",
            a / 2.0,
            s / 2.0,
            ratio(s, a, median)
        );
    }
}

fn limit() {
    let work = Workload::new();
    println!();
    println!("| hash | kernel (3 lanes) | bare kernel, 3 HMACs | verify ±1, wrong code | verify / kernel | sequential floor | verify / floor |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    for (algorithm, name) in ALGORITHMS {
        let t = totp(algorithm, Digits::SIX);
        let (_, wrong) = codes(&t);
        let kernel = kernels::plan(algorithm).kernel(3);
        // The leanest way in: one key, three consecutive steps, through the
        // entry a window scan uses (on SHA-NI without the lane arrays, which
        // cost `Workload::run` about 10 ns more for three SHA-1 lanes).
        let mut bare = || {
            black_box(work.run_window::<3>(kernel, black_box(algorithm)).unwrap());
        };
        let mut verify = || {
            black_box(t.verify_at(black_box(&wrong), black_box(AT), window(3), None)).ok();
        };
        let (k, v, median) = ab(&mut bare, &mut verify);
        let (floor, floor_ratio) = if algorithm == Algorithm::Sha512 {
            ("n/a".to_string(), "n/a".to_string())
        } else {
            let f = Floor::new(algorithm, key(algorithm));
            let step = t.step_at(AT).unwrap();
            let mut floor = || {
                let s = black_box(step);
                for candidate in s - 1..=s + 1 {
                    black_box(f.code(candidate));
                }
            };
            let (fl, v2, r) = ab(&mut floor, &mut verify);
            (format!("{fl:.0} ns"), ratio(fl, v2, r))
        };
        println!(
            "| {name} | {kernel} | {k:.0} ns | {v:.0} ns | {} | {floor} | {floor_ratio} |",
            ratio(k, v, median)
        );
    }
}

/// Whether `OTPCORE_BENCH_RATIOS` asks for batch size `size` (any value that
/// is not a list of sizes asks for all).
fn wanted(size: &str) -> bool {
    let value = std::env::var("OTPCORE_BENCH_RATIOS").unwrap_or_default();
    let list: Vec<&str> = value.split(',').map(str::trim).collect();
    let sizes: Vec<&str> = SIZES.iter().map(|(_, s)| *s).collect();
    !list.iter().all(|s| sizes.contains(s)) || value == "1" || list.contains(&size)
}

/// The batch rows on `plan` (keys made under the measured plan), then on
/// each kernel forced in turn (which leaves the last one forced).
fn batch(plan: &Sets) {
    let mut backends: Vec<(String, &Sets)> = vec![("plan".to_string(), plan)];
    let forced: Vec<(String, Sets)> = Kernel::available()
        .map(|kernel| {
            kernels::force(kernel).unwrap();
            (kernel.name().to_string(), sets())
        })
        .collect();
    backends.extend(forced.iter().map(|(name, sets)| (name.clone(), sets)));
    println!();
    println!(
        "| hash | job | n | backend | single calls, per code | batch, per code | single / batch |"
    );
    println!("|---|---|---:|---|---:|---:|---:|");
    for (algorithm, name, _) in plan {
        for job in ["generate", "verify ±1"] {
            for (n, size) in SIZES {
                if !wanted(size) {
                    continue;
                }
                for (backend, sets) in &backends {
                    let totps = &sets.iter().find(|s| s.0 == *algorithm).unwrap().2[..n];
                    let (batch, single, median) = if job == "generate" {
                        let requests: Vec<GenerateRequest<'_>> =
                            totps.iter().map(|t| GenerateRequest::totp(t, AT)).collect();
                        let mut codes: Vec<Result<Code, TimeError>> =
                            vec![Err(TimeError::BeforeT0); n];
                        let mut codes2 = codes.clone();
                        let mut single = || {
                            for (t, out) in totps.iter().zip(codes.iter_mut()) {
                                *out = t.generate_at(black_box(AT));
                            }
                        };
                        let mut batch = || {
                            generate_batch(black_box(&requests), &mut codes2).unwrap();
                        };
                        ab(&mut batch, &mut single)
                    } else {
                        let inputs = inputs(totps);
                        let requests: Vec<VerifyRequest<'_>> = totps
                            .iter()
                            .zip(&inputs)
                            .map(|(t, i)| VerifyRequest::totp(t, i, AT, Window::default(), None))
                            .collect();
                        let mut results: Vec<Result<Match, VerifyError>> =
                            vec![Err(VerifyError::Mismatch); n];
                        let mut results2 = results.clone();
                        let mut single = || {
                            for ((t, i), out) in totps.iter().zip(&inputs).zip(results.iter_mut()) {
                                *out = t.verify_at(black_box(i), AT, Window::default(), None);
                            }
                        };
                        let mut batch = || {
                            verify_batch(black_box(&requests), &mut results2).unwrap();
                        };
                        ab(&mut batch, &mut single)
                    };
                    let per = |t: f64| t / n as f64;
                    println!(
                        "| {name} | {job} | {size} | {backend} | {:.0} ns | {:.0} ns | {} |",
                        per(single),
                        per(batch),
                        ratio(batch, single, median)
                    );
                }
            }
        }
    }
}
