//! Which kernels ran, what each costs, and how close verification is to them.
//!
//! - [`report`] prints the CPU and the process's plan (which kernel computes a
//!   group of `n` codes of each hash function, and how the plan was made) before
//!   any row runs: rows without a kernel in their id ran on this plan.
//! - `kernels/<algorithm>/lanes=<n>/<kernel>`: the bare kernel (the planner's
//!   public workload, `otpcore::kernels::Workload`) on every kernel this CPU has,
//!   same workload for all.
//! - `limit/<algorithm>/…`: one TOTP verification with a ±1 window (a wrong code:
//!   all three candidates computed), next to the bare kernel computing its three
//!   HMACs (six compressions, three independent two-compression chains) on the
//!   kernel the plan uses for three lanes, entered as a window scan enters it
//!   (`Workload::run_window`: one key, three consecutive steps, SHA-NI's window
//!   entry), and the sequential floor (RustCrypto's
//!   compression function three times in a row, as in `peers`).
//! - `plan/replan`: the one-off cost of measuring the plan for all three hash
//!   functions (`otpcore::kernels::replan`).

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::Measurement;
use criterion::Criterion;
use otpcore::kernels::{self, Kernel, Workload};
use otpcore::{Algorithm, Digits};

use crate::fixtures::{codes, key, totp, window, ALGORITHMS, AT};
use crate::peers::Floor;

/// The CPU's model name, family and model from /proc/cpuinfo (a VM may show
/// only "AMD EPYC"; the family and model say which generation).
pub fn cpu() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        info.lines()
            .find(|l| l.split(':').next().is_some_and(|k| k.trim() == name))
            .and_then(|l| l.split(':').nth(1))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| "?".to_string())
    };
    format!(
        "{} (family {}, model {})",
        field("model name"),
        field("cpu family"),
        field("model")
    )
}

/// Prints the CPU, the kernels it has and the plan of each hash function.
pub fn report() {
    let available: Vec<&str> = Kernel::available().map(Kernel::name).collect();
    // Kernels taken away (`OTPCORE_KERNELS`, to show what otpcore does on a CPU
    // without them) are named, so that no row passes for this CPU's best.
    let narrowed = std::env::var("OTPCORE_KERNELS")
        .ok()
        .filter(|list| !list.trim().is_empty())
        .map_or(String::new(), |list| {
            format!(" (narrowed by OTPCORE_KERNELS={list})")
        });
    println!(
        "otpcore bench: CPU {}; kernels {}{narrowed}",
        cpu(),
        available.join(", ")
    );
    for (algorithm, _) in ALGORITHMS {
        let plan = kernels::plan(algorithm);
        let costs: Vec<String> = [1, 3, 16]
            .iter()
            .filter_map(|&n| plan.cost_ns(n).map(|c| format!("{n} lanes {c} ns")))
            .collect();
        println!("otpcore bench: plan {plan} [{}]", costs.join(", "));
    }
}

pub fn bench<M: Measurement>(c: &mut Criterion<M>) {
    let work = Workload::new();
    let mut g = c.benchmark_group("kernels");
    for (algorithm, name) in ALGORITHMS {
        for lanes in [1usize, 3, 4, 8, 16] {
            for kernel in Kernel::available() {
                let mut out = [0u32; 16];
                g.bench_function(format!("{name}/lanes={lanes}/{kernel}"), |b| {
                    b.iter(|| work.run(kernel, algorithm, black_box(&mut out[..lanes])));
                });
            }
        }
    }
    g.finish();

    let mut g = c.benchmark_group("limit");
    for (algorithm, name) in ALGORITHMS {
        let t = totp(algorithm, Digits::SIX);
        let (_, wrong) = codes(&t);
        let kernel = kernels::plan(algorithm).kernel(3);
        let step = t.step_at(AT).unwrap();
        g.bench_function(format!("{name}/verify/window=3/wrong/{kernel}"), |b| {
            b.iter(|| t.verify_at(black_box(&wrong), black_box(AT), window(3), None));
        });
        g.bench_function(format!("{name}/kernel/lanes=3/{kernel}"), |b| {
            b.iter(|| work.run_window::<3>(kernel, black_box(algorithm)));
        });
        if algorithm != Algorithm::Sha512 {
            let floor = Floor::new(algorithm, key(algorithm));
            g.bench_function(format!("{name}/floor/window=3"), |b| {
                b.iter(|| {
                    let s = black_box(step);
                    for candidate in s - 1..=s + 1 {
                        black_box(floor.code(candidate));
                    }
                });
            });
        }
    }
    g.finish();
}

/// The one-off cost of the planner; run last (it replaces the plan, which keys
/// made before keep).
pub fn bench_replan<M: Measurement>(c: &mut Criterion<M>) {
    let mut g = c.benchmark_group("plan");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_secs(1));
    g.bench_function("replan", |b| b.iter(kernels::replan));
    g.finish();
}
