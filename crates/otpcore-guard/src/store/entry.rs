//! One credential's state in a [`MemoryStore`](super::MemoryStore), and the
//! [`Store`](super::Store) operations on it.

use super::{Advance, Advanced, Candidates, Gate, State, Verdict};
use crate::ThrottlePolicy;
use otpcore::VerifyError;

/// One credential's state. Its operations are the [`Store`](super::Store)
/// contract's, applied by whoever holds the shard's lock:
/// [`MemoryStore`](super::MemoryStore)'s `Store` methods, or a verification
/// holding it throughout ([`MemoryStore::with_entry`](super::MemoryStore::with_entry)).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Entry {
    pub(super) last_step: Option<u64>,
    pub(super) expires_at: Option<u64>,
    pub(super) drift: i64,
    pub(super) failures: u32,
    pub(super) last_attempt: Option<u64>,
}

impl Entry {
    /// [`Store::begin`](super::Store::begin): the throttle check, and the
    /// attempt counted as a failure.
    pub(crate) fn begin(&mut self, now: u64, policy: &ThrottlePolicy) -> Gate {
        match policy.check(self.failures, self.last_attempt, now) {
            Err(retry_after) => Gate::Throttled { retry_after },
            Ok(()) => {
                self.failures = self.failures.saturating_add(1);
                self.last_attempt = Some(now);
                Gate::Open(self.state())
            }
        }
    }

    /// [`Store::advance`](super::Store::advance): the compare-and-set of the step.
    pub(crate) fn advance(&mut self, a: &Advance) -> Advanced {
        if self.last_step.is_none_or(|last| last < a.step) {
            self.last_step = Some(a.step);
            self.expires_at = a.expires_at;
            self.drift = a.drift;
            self.failures = 0;
            self.last_attempt = None;
            Advanced::Won
        } else {
            Advanced::Lost
        }
    }

    /// [`Store::attempt`](super::Store::attempt): `begin`, the decision of
    /// [`Candidates::decide`] on the state it opened, and `advance` or
    /// `refund` — the same operations as the two-trip path, applied at once.
    pub(crate) fn attempt(&mut self, candidates: &Candidates, policy: &ThrottlePolicy) -> Verdict {
        let state = match self.begin(candidates.now(), policy) {
            Gate::Open(state) => state,
            Gate::Throttled { retry_after } => return Verdict::Throttled { retry_after },
        };
        match candidates.decide(&state) {
            Ok((m, advance)) => match self.advance(&advance) {
                Advanced::Won => Verdict::Accepted { step: m.step },
                // Cannot happen under the lock (`decide` saw the same state).
                Advanced::Lost => {
                    self.refund();
                    Verdict::Replayed
                }
            },
            Err(VerifyError::Replayed) => {
                self.refund();
                Verdict::Replayed
            }
            Err(_) => Verdict::Mismatch,
        }
    }

    /// [`Store::refund`](super::Store::refund): gives back the failure counted
    /// by `begin`.
    pub(crate) fn refund(&mut self) {
        self.failures = self.failures.saturating_sub(1);
        if self.failures == 0 {
            self.last_attempt = None;
        }
    }

    /// [`Store::reset`](super::Store::reset): forgets the failures and the
    /// previous-attempt time.
    pub(crate) fn reset(&mut self) {
        self.failures = 0;
        self.last_attempt = None;
    }

    pub(super) fn state(&self) -> State {
        State {
            last_step: self.last_step,
            drift: self.drift,
            failures: self.failures,
        }
    }

    /// Whether dropping the entry would lose anything, when records expiring
    /// at or before `bound` ([`sweep_bound`](super::clock::sweep_bound)) are dead.
    pub(super) fn is_live(&self, bound: u64) -> bool {
        let step_live = self.last_step.is_some() && self.expires_at.is_none_or(|e| e > bound);
        step_live || self.drift != 0 || self.failures != 0
    }
}
