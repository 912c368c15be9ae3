//! `MemoryStore` against a model: a `BTreeMap` of credential states that follows
//! the `Store` contract (crates/otpcore-guard/src/store/mod.rs) literally. Any sequence of operations
//! on a few colliding credentials must give the answers the model predicts.
//!
//! The one freedom the contract leaves the store: an entry that carries no
//! information any more (its TOTP step has expired, no drift, no failures) may be
//! forgotten at any write, or kept. The model marks such entries "maybe swept"
//! and, when an answer reveals which happened, follows the store.
#![no_main]

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use otpcore_guard::store::{Advance, Advanced, CredentialId, Gate, MemoryStore, State, Store};
use otpcore_guard::ThrottlePolicy;

#[derive(Arbitrary, Debug)]
enum Op {
    Begin {
        id: u8,
        now: u16,
        lockout: u8,
        free: u8,
        base: u16,
        max: u16,
    },
    Advance {
        id: u8,
        step: u64,
        drift: i8,
        now: u16,
        expires_at: Option<u16>,
    },
    Refund {
        id: u8,
    },
    Reset {
        id: u8,
    },
    Remove {
        id: u8,
    },
    Load {
        id: u8,
    },
    Purge {
        now: u16,
    },
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Entry {
    last_step: Option<u64>,
    expires_at: Option<u64>,
    drift: i64,
    failures: u32,
    last_attempt: Option<u64>,
    /// Dead at some write since it last changed: the store may have dropped it.
    maybe_swept: bool,
}

impl Entry {
    fn state(&self) -> State {
        State {
            last_step: self.last_step,
            drift: self.drift,
            failures: self.failures,
        }
    }

    fn is_live(&self, now: u64) -> bool {
        let step_live = self.last_step.is_some() && self.expires_at.is_none_or(|e| e > now);
        step_live || self.drift != 0 || self.failures != 0
    }
}

#[derive(Default)]
struct Model {
    entries: BTreeMap<u8, Entry>,
}

impl Model {
    /// After a write at `now`, any entry dead at `now` minus the store's grace
    /// may be swept.
    fn wrote(&mut self, now: u64) {
        let bound = now.saturating_sub(otpcore_guard::store::EXPIRY_GRACE_SECS);
        for e in self.entries.values_mut() {
            if !e.is_live(bound) {
                e.maybe_swept = true;
            }
        }
    }

    /// The store showed `state` for `id`: resolve a "maybe swept" entry by it.
    fn observed(&mut self, id: u8, state: State) {
        let e = self.entries.entry(id).or_default();
        if e.maybe_swept && state != e.state() {
            assert_eq!(state, State::default(), "neither kept nor swept");
            *e = Entry::default();
        }
        assert_eq!(state, e.state());
        e.maybe_swept = false;
    }
}

/// `MemoryStore`'s futures are always ready: poll once.
fn now<F: Future>(f: F) -> F::Output {
    match pin!(f).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("MemoryStore futures are always ready"),
    }
}

const IDS: [&str; 4] = ["user:1:totp", "user:2:totp", "user:3:hotp", "x"];

fuzz_target!(|input: (u8, Vec<Op>)| {
    let (shards, ops) = input;
    let store = MemoryStore::with_shards(usize::from(shards % 4) + 1);
    let mut model = Model::default();
    let cred = |id: u8| (id % 4, CredentialId::new(IDS[usize::from(id % 4)]).unwrap());

    for op in ops {
        match op {
            Op::Begin {
                id,
                now: t,
                lockout,
                free,
                base,
                max,
            } => {
                let (k, c) = cred(id);
                let t = u64::from(t);
                let Ok(policy) = ThrottlePolicy::lockout_after(u32::from(lockout % 8) + 1)
                    .and_then(|p| {
                        p.with_back_off(u32::from(free % 8), u64::from(base), u64::from(max))
                    })
                else {
                    continue;
                };
                let gate = now(store.begin(&c, t, &policy)).unwrap();
                let e = model.entries.entry(k).or_default();
                // A swept entry and a dead kept one have the same failures and
                // previous attempt (0, none), so the throttle decision is the same.
                match policy.check(e.failures, e.last_attempt, t) {
                    Err(retry_after) => assert_eq!(gate, Gate::Throttled { retry_after }),
                    Ok(()) => {
                        let Gate::Open(state) = gate else {
                            panic!("{gate:?}, expected Open")
                        };
                        // A swept entry differs from a kept dead one only in its
                        // (expired) step: the answer tells which it was.
                        if e.maybe_swept && state.last_step != e.last_step {
                            *e = Entry::default();
                        }
                        e.failures = e.failures.saturating_add(1);
                        e.last_attempt = Some(t);
                        e.maybe_swept = false;
                        assert_eq!(state, e.state());
                    }
                }
                model.wrote(t);
            }
            Op::Advance {
                id,
                step,
                drift,
                now: t,
                expires_at,
            } => {
                let (k, c) = cred(id);
                let a = Advance {
                    step,
                    drift: i64::from(drift),
                    now: u64::from(t),
                    expires_at: expires_at.map(u64::from),
                };
                let got = now(store.advance(&c, a)).unwrap();
                let e = model.entries.entry(k).or_default();
                let won_if_kept = e.last_step.is_none_or(|last| last < step);
                match (got, won_if_kept, e.maybe_swept) {
                    (Advanced::Won, true, _) | (Advanced::Lost, false, _) => {}
                    // Only a swept entry (no step) can lose its step to a smaller one.
                    (Advanced::Won, false, true) => *e = Entry::default(),
                    other => panic!("advance {step} over {:?}: {other:?}", e.last_step),
                }
                if got == Advanced::Won {
                    *e = Entry {
                        last_step: Some(step),
                        expires_at: a.expires_at,
                        drift: a.drift,
                        failures: 0,
                        last_attempt: None,
                        maybe_swept: false,
                    };
                } else {
                    e.maybe_swept = false;
                }
                model.wrote(a.now);
            }
            Op::Refund { id } => {
                let (k, c) = cred(id);
                now(store.refund(&c)).unwrap();
                if let Some(e) = model.entries.get_mut(&k) {
                    e.failures = e.failures.saturating_sub(1);
                    if e.failures == 0 {
                        e.last_attempt = None;
                    }
                }
            }
            Op::Reset { id } => {
                let (k, c) = cred(id);
                now(store.reset(&c)).unwrap();
                if let Some(e) = model.entries.get_mut(&k) {
                    e.failures = 0;
                    e.last_attempt = None;
                }
            }
            Op::Remove { id } => {
                let (k, c) = cred(id);
                now(store.remove(&c)).unwrap();
                model.entries.remove(&k);
            }
            Op::Load { id } => {
                let (k, c) = cred(id);
                let state = now(store.load(&c)).unwrap();
                model.observed(k, state);
            }
            Op::Purge { now: t } => {
                let t = u64::from(t);
                let remaining = store.purge_expired(t).unwrap();
                // The store keeps a step for the grace past its expiry (and its
                // own clock, far beyond these small times, never lowers `t`).
                let bound = t.saturating_sub(otpcore_guard::store::EXPIRY_GRACE_SECS);
                model.entries.retain(|_, e| e.is_live(bound));
                let sure = model.entries.values().filter(|e| !e.maybe_swept).count();
                assert!(
                    (sure..=model.entries.len()).contains(&remaining),
                    "{remaining} entries left, model {sure}..={}",
                    model.entries.len()
                );
            }
        }
    }
});
