//! The race harness: many contenders submit the same valid TOTP code for the
//! same credential at the same instant, round after round — in one process,
//! or split over several OS processes driven in lock-step over pipes.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;

use otpcore_guard::store::{CredentialId, Store};
use otpcore_guard::{Guard, GuardConfig, Outcome, ThrottlePolicy};
use tokio::sync::Barrier;

use crate::{cred, totp, T};

/// 64 in-flight attempts count against the throttle until they finish (by
/// design: see `ThrottlePolicy`), so the race policy has no back-off before
/// the lockout, which stays at the NIST maximum of 100.
pub fn race_config() -> GuardConfig {
    GuardConfig {
        throttle: ThrottlePolicy::lockout_after(100).unwrap(),
        ..GuardConfig::default()
    }
}

/// Per-round tallies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub accepted: usize,
    pub replayed: usize,
    pub other: usize,
}

impl std::ops::Add for Tally {
    type Output = Tally;
    fn add(self, o: Tally) -> Tally {
        Tally {
            accepted: self.accepted + o.accepted,
            replayed: self.replayed + o.replayed,
            other: self.other + o.other,
        }
    }
}

/// One round: `contenders` tasks wait at a barrier, then all verify the code
/// of step `round` at the same time. Contender `i` uses
/// `guards[i % guards.len()]` (one guard per connection or pool).
pub async fn round<S: Store + 'static>(
    guards: &[Arc<Guard<S>>],
    contenders: usize,
    c: &CredentialId,
    round: u64,
) -> Tally {
    let at = T + round * 30;
    let t = Arc::new(totp());
    let code = Arc::new(t.generate_at(at).unwrap().to_string());
    let barrier = Arc::new(Barrier::new(contenders));
    let tasks: Vec<_> = (0..contenders)
        .map(|i| {
            let (guard, barrier) = (guards[i % guards.len()].clone(), barrier.clone());
            let (c, t, code) = (c.clone(), t.clone(), code.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                guard.verify_totp(&c, &t, &code, at).await
            })
        })
        .collect();
    let mut tally = Tally::default();
    for task in tasks {
        match task.await.unwrap() {
            Outcome::Accepted(_) => tally.accepted += 1,
            Outcome::Replayed => tally.replayed += 1,
            other => {
                eprintln!("round {round}: unexpected {other:?}");
                tally.other += 1;
            }
        }
    }
    tally
}

/// `rounds` rounds in this process, each on a fresh step.
pub async fn race<S: Store + 'static>(
    guards: &[Arc<Guard<S>>],
    contenders: usize,
    rounds: u64,
) -> Vec<Tally> {
    let c = cred("race");
    let mut tallies = Vec::new();
    for r in 0..rounds {
        tallies.push(round(guards, contenders, &c, r).await);
    }
    tallies
}

/// The property: every round has exactly one `Accepted` and the rest
/// `Replayed`. Returns a description of the first violation.
pub fn check(tallies: &[Tally], contenders: usize) -> Result<(), String> {
    let want = Tally {
        accepted: 1,
        replayed: contenders - 1,
        other: 0,
    };
    match tallies.iter().enumerate().find(|(_, t)| **t != want) {
        None => Ok(()),
        Some((round, t)) => {
            let doubles = tallies.iter().filter(|t| t.accepted > 1).count();
            Err(format!(
                "round {round}: {t:?}, want {want:?} ({doubles} of {} rounds accepted a code more than once)",
                tallies.len()
            ))
        }
    }
}

// ------------------------------------------------------ several processes --

/// Environment of a worker process: which store, where, which credential.
pub const ENV_STORE: &str = "OTPCORE_RACE_STORE";
pub const ENV_TARGET: &str = "OTPCORE_RACE_TARGET";
pub const ENV_CRED: &str = "OTPCORE_RACE_CRED";
pub const ENV_CONTENDERS: &str = "OTPCORE_RACE_CONTENDERS";

struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// Runs the race over `processes` copies of this test binary, each running the
/// ignored test `worker_test` (which calls [`serve_rounds`]) with `contenders`
/// tasks against `store` at `target`. The parent sends "round N" to every
/// worker, waits for all their tallies, and only then starts the next round.
pub fn race_processes(
    worker_test: &str,
    store: &str,
    target: &str,
    processes: usize,
    contenders: usize,
    rounds: u64,
) -> Vec<Tally> {
    let c = cred("race-processes");
    let exe = std::env::current_exe().unwrap();
    let mut workers: Vec<Worker> = (0..processes)
        .map(|_| {
            let mut child = Command::new(&exe)
                .args([
                    worker_test,
                    "--exact",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(ENV_STORE, store)
                .env(ENV_TARGET, target)
                .env(ENV_CRED, c.as_str())
                .env(ENV_CONTENDERS, contenders.to_string())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            let (stdin, stdout) = (child.stdin.take().unwrap(), child.stdout.take().unwrap());
            Worker {
                child,
                stdin,
                stdout: BufReader::new(stdout),
            }
        })
        .collect();
    let mut tallies = Vec::new();
    for r in 0..rounds {
        for w in &mut workers {
            writeln!(w.stdin, "round {r}").unwrap();
            w.stdin.flush().unwrap();
        }
        let mut total = Tally::default();
        for w in &mut workers {
            total = total + read_tally(&mut w.stdout, r);
        }
        tallies.push(total);
    }
    for mut w in workers {
        drop(w.stdin);
        let status = w.child.wait().unwrap();
        assert!(status.success(), "worker process failed: {status}");
    }
    tallies
}

fn read_tally(stdout: &mut impl BufRead, round: u64) -> Tally {
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "worker exited before round {round}"
        );
        // The test harness prints its own lines ("running 1 test", and
        // "test race_worker ... " without a line break before our first one).
        if let Some((_, rest)) = line.trim().split_once(&format!("tally {round} ")) {
            let n: Vec<usize> = rest.split(' ').map(|x| x.parse().unwrap()).collect();
            return Tally {
                accepted: n[0],
                replayed: n[1],
                other: n[2],
            };
        }
    }
}

/// The worker side: reads "round N" lines from stdin until EOF and answers each
/// with "tally N accepted replayed other". `None` when this process is not a
/// worker (the environment is not set).
pub fn worker_env() -> Option<(String, String, CredentialId, usize)> {
    let store = std::env::var(ENV_STORE).ok()?;
    let target = std::env::var(ENV_TARGET).unwrap();
    let c = CredentialId::new(&std::env::var(ENV_CRED).unwrap()).unwrap();
    let contenders = std::env::var(ENV_CONTENDERS).unwrap().parse().unwrap();
    Some((store, target, c, contenders))
}

pub async fn serve_rounds<S: Store + 'static>(
    guards: &[Arc<Guard<S>>],
    c: &CredentialId,
    contenders: usize,
) {
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = line.unwrap();
        let r: u64 = line.trim().strip_prefix("round ").unwrap().parse().unwrap();
        let t = round(guards, contenders, c, r).await;
        println!("tally {r} {} {} {}", t.accepted, t.replayed, t.other);
        std::io::stdout().flush().unwrap();
    }
}
