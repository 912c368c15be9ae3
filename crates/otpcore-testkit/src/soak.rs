//! The soak test: two OS processes × 32 tasks verify fresh codes against one
//! shared store while a node is killed and restarted, then the parent checks
//! that no (credential, step) was accepted twice and that every refusal was a
//! replay or `StoreUnavailable`, and reports latency and recovery.
//!
//! Both processes submit the same codes: task `i` of each walks the steps of
//! credential `<prefix>:<i>` in order, so every code is offered twice, once by
//! each process, and exactly one of the two may be accepted.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use otpcore_guard::store::{CredentialId, Store};
use otpcore_guard::{Guard, Outcome};

use crate::{totp, T};

pub const ENV_STORE: &str = "OTPCORE_SOAK_STORE";
pub const ENV_TARGET: &str = "OTPCORE_SOAK_TARGET";
pub const ENV_PREFIX: &str = "OTPCORE_SOAK_PREFIX";
pub const ENV_STEPS: &str = "OTPCORE_SOAK_STEPS";
/// Total verifications of a soak run (both processes): the default is the
/// short form; set it to 100000 or more for the long one.
pub const ENV_VERIFICATIONS: &str = "OTPCORE_SOAK_VERIFICATIONS";

pub const PROCESSES: u64 = 2;
pub const TASKS: u64 = 32;

/// What the two processes did.
#[derive(Debug, Default)]
pub struct Report {
    pub verifications: u64,
    pub accepted: u64,
    pub replayed: u64,
    pub unavailable: u64,
    pub other: u64,
    pub double_accepted: u64,
    pub p50: Duration,
    pub p99: Duration,
    /// From the kill to the first acceptance after the last `StoreUnavailable`
    /// (zero if nothing failed).
    pub recovery: Duration,
}

fn unix_ms() -> u64 {
    u64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

/// Steps per task for `ENV_VERIFICATIONS` (default `short`) verifications.
pub fn steps_per_task(short: u64) -> u64 {
    let total: u64 = std::env::var(ENV_VERIFICATIONS)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(short);
    total.div_ceil(PROCESSES * TASKS).max(1)
}

/// The parent: runs `worker_test` of this binary twice with `steps` steps per
/// task, calls `kill` once both workers are a quarter through (plus
/// `kill_after`), `restart` a second later, and checks the workers' reports.
pub fn run(
    worker_test: &str,
    store: &str,
    target: &str,
    steps: u64,
    kill_after: Duration,
    kill: impl FnOnce(),
    restart: impl FnOnce(),
) -> Report {
    let exe = std::env::current_exe().unwrap();
    let prefix = format!("soak{}:{}", std::process::id(), unix_ms());
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(&exe)
                .args([
                    worker_test,
                    "--exact",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(ENV_STORE, store)
                .env(ENV_TARGET, target)
                .env(ENV_PREFIX, &prefix)
                .env(ENV_STEPS, steps.to_string())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // Each worker's output, read on its own thread; a quarter-way mark is
    // signalled on the channel.
    let (tx, rx) = std::sync::mpsc::channel();
    let readers: Vec<_> = children
        .into_iter()
        .map(|mut child| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let stdout = BufReader::new(child.stdout.take().unwrap());
                let mut lines = Vec::new();
                for line in stdout.lines() {
                    let line = line.unwrap();
                    if line.contains("soak P") {
                        let _ = tx.send(());
                    }
                    lines.push(line);
                }
                assert!(child.wait().unwrap().success(), "soak worker failed");
                lines
            })
        })
        .collect();
    for _ in 0..PROCESSES {
        let _ = rx.recv_timeout(Duration::from_secs(120));
    }
    std::thread::sleep(kill_after);
    let killed_at = unix_ms();
    kill();
    std::thread::sleep(Duration::from_secs(1));
    restart();
    let mut accepted = std::collections::HashSet::new();
    let mut report = Report::default();
    let mut latencies: Vec<u64> = Vec::new();
    let mut recovered_at = killed_at;
    for reader in readers {
        for line in reader.join().unwrap() {
            let Some(rest) = line.split_once("soak ").map(|(_, r)| r) else {
                continue;
            };
            let f: Vec<&str> = rest.split(' ').collect();
            match f[0] {
                "A" if !accepted.insert((f[1].to_string(), f[2].to_string())) => {
                    report.double_accepted += 1;
                }
                "L" => latencies.extend(f[1..].iter().map(|x| x.parse::<u64>().unwrap())),
                "S" => {
                    let n: Vec<u64> = f[1..].iter().map(|x| x.parse().unwrap()).collect();
                    report.accepted += n[0];
                    report.replayed += n[1];
                    report.unavailable += n[2];
                    report.other += n[3];
                    recovered_at = recovered_at.max(n[4]);
                }
                _ => {}
            }
        }
    }
    report.verifications = report.accepted + report.replayed + report.unavailable + report.other;
    latencies.sort_unstable();
    let at = |q: usize| {
        latencies
            .get(latencies.len() * q / 100)
            .copied()
            .unwrap_or(0)
    };
    report.p50 = Duration::from_micros(at(50));
    report.p99 = Duration::from_micros(at(99));
    report.recovery = Duration::from_millis(recovered_at.saturating_sub(killed_at));
    report
}

/// The worker's settings, or `None` when this process is not a soak worker.
pub fn worker_env() -> Option<(String, String, String, u64)> {
    let store = std::env::var(ENV_STORE).ok()?;
    let target = std::env::var(ENV_TARGET).unwrap();
    let prefix = std::env::var(ENV_PREFIX).unwrap();
    let steps = std::env::var(ENV_STEPS).unwrap().parse().unwrap();
    Some((store, target, prefix, steps))
}

/// The worker: 32 tasks, each walking `steps` steps of its credential; prints
/// `soak A <task> <step>` per acceptance, latencies (µs) in `soak L …` lines,
/// and `soak S accepted replayed unavailable other recovered_ms` at the end.
pub async fn work<S: Store + 'static>(guard: Arc<Guard<S>>, prefix: &str, steps: u64) {
    let tasks: Vec<_> = (0..TASKS)
        .map(|i| {
            let guard = guard.clone();
            let c = CredentialId::new(&format!("{prefix}:{i}")).unwrap();
            tokio::spawn(async move {
                let t = totp();
                let mut counts = [0u64; 4];
                let mut latencies = Vec::new();
                let mut accepted = Vec::new();
                let (mut last_failure, mut recovered) = (None, 0u64);
                for k in 0..steps {
                    if i == 0 && k == steps / 4 {
                        println!("soak P");
                    }
                    let at = T + k * 30;
                    let code = t.generate_at(at).unwrap().to_string();
                    let start = Instant::now();
                    let o = guard.verify_totp(&c, &t, &code, at).await;
                    latencies.push(u64::try_from(start.elapsed().as_micros()).unwrap());
                    let slot = match o {
                        Outcome::Accepted(_) => {
                            accepted.push(k);
                            if last_failure.is_some() && recovered == 0 {
                                recovered = unix_ms();
                            }
                            0
                        }
                        Outcome::Replayed => 1,
                        Outcome::StoreUnavailable(_) => {
                            last_failure = Some(unix_ms());
                            recovered = 0;
                            // Fail closed, then try the next step a little later.
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            2
                        }
                        _ => 3,
                    };
                    counts[slot] += 1;
                }
                (i, counts, latencies, accepted, recovered)
            })
        })
        .collect();
    let mut total = [0u64; 4];
    let mut recovered = 0;
    for task in tasks {
        let (i, counts, latencies, accepted, r) = task.await.unwrap();
        for k in accepted {
            println!("soak A {i} {k}");
        }
        for chunk in latencies.chunks(200) {
            let l: Vec<String> = chunk.iter().map(u64::to_string).collect();
            println!("soak L {}", l.join(" "));
        }
        for (t, c) in total.iter_mut().zip(counts) {
            *t += c;
        }
        recovered = recovered.max(r);
    }
    println!(
        "soak S {} {} {} {} {recovered}",
        total[0], total[1], total[2], total[3]
    );
}
