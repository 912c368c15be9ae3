//! The blocking `Guard<MemoryStore>` methods hold the credential's shard lock
//! for the whole verification instead of calling the store three times. They
//! must decide exactly as the async methods do, and stay atomic when both kinds
//! of call race on one store.

use std::sync::{Arc, Barrier};
use std::thread;

use otpcore::{Hotp, HotpConfig, Secret, Totp, TotpConfig};
use otpcore_guard::store::{CredentialId, MemoryStore};
use otpcore_guard::{Guard, GuardConfig, Outcome, ThrottlePolicy};

fn secret() -> Secret {
    Secret::from_bytes(b"12345678901234567890").unwrap()
}

fn config() -> GuardConfig {
    GuardConfig {
        throttle: ThrottlePolicy::lockout_after(12)
            .unwrap()
            .with_back_off(3, 1, 8)
            .unwrap(),
        ..GuardConfig::default()
    }
}

/// A small deterministic generator (xorshift64*), so a failure replays.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

/// The same random sequence of TOTP, HOTP, both resyncs and reset calls through the
/// blocking methods on one guard and the async methods on another: every
/// outcome and every stored state must be the same.
#[test]
fn blocking_and_async_methods_decide_alike() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let totp = Totp::new(&secret(), TotpConfig::default());
    let hotp = Hotp::new(&secret(), HotpConfig::default());
    // TOTP and HOTP credentials apart, as in a real deployment: a TOTP entry's
    // step expires and is swept, and each path sweeps after its own number of
    // writes, so only HOTP entries keep `last_step` identically on both.
    let totp_ids: Vec<CredentialId> = (0..3)
        .map(|i| CredentialId::new(&format!("totp{i}")).unwrap())
        .collect();
    let hotp_ids: Vec<CredentialId> = (0..3)
        .map(|i| CredentialId::new(&format!("hotp{i}")).unwrap())
        .collect();
    let blocking = Guard::new(MemoryStore::with_shards(2), config()).unwrap();
    let asynchronous = Guard::new(MemoryStore::with_shards(2), config()).unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut at = 1_700_000_000u64;
    let mut kinds = [0usize; 9];
    for round in 0..20_000 {
        at += rng.below(40);
        let which = usize::try_from(rng.below(3)).unwrap();
        let kind = rng.below(9);
        let is_hotp = matches!(kind, 3..=5) || (kind == 6 && rng.below(2) == 0);
        let id = if is_hotp {
            &hotp_ids[which]
        } else {
            &totp_ids[which]
        };
        let step = totp.step_at(at).unwrap();
        let totp_code = |offset: u64| totp.generate_step(step + offset - 2).to_string();
        kinds[usize::try_from(kind).unwrap()] += 1;
        let (a, b) = match kind {
            // A right code, up to two steps off the server's clock.
            0 | 1 => {
                let code = totp_code(rng.below(5));
                let a = blocking.verify_totp_blocking(id, &totp, &code, at);
                let b = runtime.block_on(asynchronous.verify_totp(id, &totp, &code, at));
                (a, b)
            }
            // A wrong or malformed TOTP code.
            2 => {
                let code = match rng.below(3) {
                    0 => "12345".to_owned(),
                    _ => format!("{:06}", rng.below(1_000_000)),
                };
                let a = blocking.verify_totp_blocking(id, &totp, &code, at);
                let b = runtime.block_on(asynchronous.verify_totp(id, &totp, &code, at));
                (a, b)
            }
            // HOTP codes around the counter: right, replayed, or out of reach.
            3 | 4 => {
                let code = hotp.generate(rng.below(16)).to_string();
                let a = blocking.verify_hotp_blocking(id, &hotp, &code, at);
                let b = runtime.block_on(asynchronous.verify_hotp(id, &hotp, &code, at));
                (a, b)
            }
            // Resync with two consecutive codes (or two that are not).
            5 => {
                let c = rng.below(150);
                let gap = 1 + rng.below(2);
                let (first, second) = (
                    hotp.generate(c).to_string(),
                    hotp.generate(c + gap).to_string(),
                );
                let a = blocking.resync_hotp_blocking(id, &hotp, &first, &second, at);
                let b = runtime.block_on(asynchronous.resync_hotp(id, &hotp, &first, &second, at));
                (a, b)
            }
            // TOTP resync: a pair up to 12 steps off (some beyond the ±10
            // reach), consecutive or not.
            8 => {
                let skew = rng.below(25);
                let gap = 1 + rng.below(2);
                let first = totp.generate_step(step + skew - 12).to_string();
                let second = totp.generate_step(step + skew - 12 + gap).to_string();
                let a = blocking.resync_totp_blocking(id, &totp, &first, &second, at);
                let b = runtime.block_on(asynchronous.resync_totp(id, &totp, &first, &second, at));
                (a, b)
            }
            6 => {
                blocking.reset_blocking(id).unwrap();
                runtime.block_on(asynchronous.reset(id)).unwrap();
                continue;
            }
            // The same right code twice in a row: the second is a replay.
            _ => {
                let code = totp_code(2);
                let a1 = blocking.verify_totp_blocking(id, &totp, &code, at);
                let b1 = runtime.block_on(asynchronous.verify_totp(id, &totp, &code, at));
                assert_eq!(format!("{a1:?}"), format!("{b1:?}"), "round {round}");
                let a = blocking.verify_totp_blocking(id, &totp, &code, at);
                let b = runtime.block_on(asynchronous.verify_totp(id, &totp, &code, at));
                if !matches!(a, Outcome::Throttled { .. }) {
                    assert!(
                        matches!(a, Outcome::Replayed | Outcome::Rejected(_)),
                        "{a:?}"
                    );
                }
                (a, b)
            }
        };
        assert_eq!(
            format!("{a:?}"),
            format!("{b:?}"),
            "round {round}, kind {kind}"
        );
        let (sa, sb) = (
            blocking.state_blocking(id).unwrap(),
            runtime.block_on(asynchronous.state(id)).unwrap(),
        );
        if is_hotp {
            assert_eq!(sa, sb, "round {round}, kind {kind}");
        } else {
            // An expired TOTP step may already be swept on one side only.
            assert_eq!(
                (sa.drift, sa.failures),
                (sb.drift, sb.failures),
                "round {round}"
            );
        }
    }
    // Every kind of call was exercised, and the sequence reached every outcome.
    assert!(kinds.iter().all(|&n| n > 1000), "{kinds:?}");
}

/// 64 threads submit the same right code at the same instant, half through the
/// blocking methods and half through the async ones on their own runtimes,
/// against one store: exactly one is accepted per round.
#[test]
fn mixed_blocking_and_async_contenders_accept_each_code_once() {
    const THREADS: usize = 64;
    const ROUNDS: u64 = 300;
    let guard = Arc::new(
        Guard::new(
            MemoryStore::new(),
            GuardConfig {
                throttle: ThrottlePolicy::lockout_after(100).unwrap(),
                ..GuardConfig::default()
            },
        )
        .unwrap(),
    );
    let totp = Arc::new(Totp::new(&secret(), TotpConfig::default()));
    let id = Arc::new(CredentialId::new("race").unwrap());
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (guard, totp, id, barrier) =
                (guard.clone(), totp.clone(), id.clone(), barrier.clone());
            thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                let mut accepted = Vec::new();
                for round in 0..ROUNDS {
                    let at = 1_700_000_000 + 30 * round;
                    let code = totp.generate_at(at).unwrap().to_string();
                    barrier.wait();
                    let outcome = if t % 2 == 0 {
                        guard.verify_totp_blocking(&id, &totp, &code, at)
                    } else {
                        runtime.block_on(guard.verify_totp(&id, &totp, &code, at))
                    };
                    match outcome {
                        Outcome::Accepted(_) => accepted.push(round),
                        Outcome::Replayed => {}
                        other => panic!("round {round}: {other:?}"),
                    }
                }
                accepted
            })
        })
        .collect();
    let mut wins = vec![0u32; usize::try_from(ROUNDS).unwrap()];
    for handle in handles {
        for round in handle.join().unwrap() {
            wins[usize::try_from(round).unwrap()] += 1;
        }
    }
    assert!(wins.iter().all(|&w| w == 1), "accepted per round: {wins:?}");
}

/// The blocking path throttles like the async one: the 13th consecutive failure
/// (lockout 12) is refused without a verification, and a reset lifts it.
#[test]
fn blocking_path_locks_out_and_resets() {
    let guard = Guard::new(
        MemoryStore::new(),
        GuardConfig {
            throttle: ThrottlePolicy::lockout_after(12).unwrap(),
            ..GuardConfig::default()
        },
    )
    .unwrap();
    let totp = Totp::new(&secret(), TotpConfig::default());
    let id = CredentialId::new("locked").unwrap();
    let at = 1_700_000_000;
    let right = totp.generate_at(at).unwrap().to_string();
    let wrong = if right == "000000" {
        "000001"
    } else {
        "000000"
    };
    for _ in 0..12 {
        assert!(matches!(
            guard.verify_totp_blocking(&id, &totp, wrong, at),
            Outcome::Rejected(_)
        ));
    }
    assert!(matches!(
        guard.verify_totp_blocking(&id, &totp, &right, at),
        Outcome::Throttled { retry_after: None }
    ));
    assert_eq!(guard.state_blocking(&id).unwrap().failures, 12);
    guard.reset_blocking(&id).unwrap();
    assert!(matches!(
        guard.verify_totp_blocking(&id, &totp, &right, at),
        Outcome::Accepted(_)
    ));
    assert_eq!(guard.state_blocking(&id).unwrap().failures, 0);
}

/// Input errors finish before the store is touched, through both drivers: no
/// entry is created, no failure counted.
#[test]
fn input_errors_never_reach_the_store() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let at = 1_700_000_000;
    let totp = Totp::new(&secret(), TotpConfig::default());
    let future = Totp::new(
        &secret(),
        TotpConfig {
            t0: at + 1000,
            ..TotpConfig::default()
        },
    );
    let hotp = Hotp::new(&secret(), HotpConfig::default());
    let id = CredentialId::new("input").unwrap();
    let right = hotp.generate(0).to_string();
    let guard = Guard::new(MemoryStore::with_shards(1), config()).unwrap();
    let outcomes = [
        guard.verify_totp_blocking(&id, &totp, "12345", at),
        guard.verify_totp_blocking(&id, &future, &totp.generate_at(at).unwrap().to_string(), at),
        guard.verify_hotp_blocking(&id, &hotp, "abcdef", at),
        guard.resync_hotp_blocking(&id, &hotp, &right, "1234567", at),
        runtime.block_on(guard.verify_totp(&id, &totp, "12345", at)),
        runtime.block_on(guard.verify_totp(&id, &future, "123456", at)),
        runtime.block_on(guard.verify_hotp(&id, &hotp, "abcdef", at)),
        runtime.block_on(guard.resync_hotp(&id, &hotp, "12", &right, at)),
    ];
    for (i, outcome) in outcomes.iter().enumerate() {
        assert!(matches!(outcome, Outcome::Rejected(_)), "{i}: {outcome:?}");
    }
    assert!(guard.store().is_empty().unwrap());
}

/// `remove_blocking` forgets everything: the used code is fresh again, as
/// after a re-enrolment.
#[test]
fn remove_blocking_forgets_the_credential() {
    let guard = Guard::new(MemoryStore::with_shards(1), config()).unwrap();
    let totp = Totp::new(&secret(), TotpConfig::default());
    let id = CredentialId::new("removed").unwrap();
    let at = 1_700_000_000;
    let code = totp.generate_at(at).unwrap().to_string();
    assert!(matches!(
        guard.verify_totp_blocking(&id, &totp, &code, at),
        Outcome::Accepted(_)
    ));
    assert_eq!(guard.state_blocking(&id).unwrap().last_step, Some(at / 30));
    guard.remove_blocking(&id).unwrap();
    assert_eq!(guard.state_blocking(&id).unwrap(), Default::default());
    assert!(guard.store().is_empty().unwrap());
    assert!(matches!(
        guard.verify_totp_blocking(&id, &totp, &code, at),
        Outcome::Accepted(_)
    ));
}
