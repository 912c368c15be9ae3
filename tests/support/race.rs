//! The race harness: many contenders submit the same valid TOTP code for the
//! same credential at the same instant, round after round.

use std::sync::Arc;

use otpcore::store::Store;
use otpcore::{Guard, GuardConfig, Outcome, ThrottlePolicy};
use tokio::sync::Barrier;

use super::{cred, totp, T};

/// 64 in-flight attempts count against the throttle until they finish (by
/// design: see `ThrottlePolicy`), so the race policy allows that many free
/// failures; the lockout stays at the NIST maximum.
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

/// Runs `rounds` rounds of `contenders` tasks each; contender `i` uses
/// `guards[i % guards.len()]` (one guard per connection or pool). Every round
/// uses a fresh TOTP step, so exactly one contender should win it.
pub async fn race<S: Store + 'static>(
    guards: &[Arc<Guard<S>>],
    contenders: usize,
    rounds: u64,
) -> Vec<Tally> {
    let c = Arc::new(cred("race"));
    let t = Arc::new(totp());
    let mut tallies = Vec::new();
    for round in 0..rounds {
        let at = T + round * 30;
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
        tallies.push(tally);
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
