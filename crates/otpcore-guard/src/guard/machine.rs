//! The sans-I/O verification: every decision a [`Guard`](super::Guard) makes
//! about one code, as a state machine that takes the store's answers
//! ([`Event`]) and returns the next store operation ([`Action`]). It holds no
//! store, lock, future or clock, so one copy of the decisions serves every
//! driver: the async one over any [`Store`](crate::store::Store)
//! (`Guard::run`, in `mod.rs`) and the synchronous one over an in-memory entry
//! held under its shard's lock (`Guard::run_locked`, in `sync_driver.rs`).
//!
//! | phase | event | action (next phase) |
//! |---|---|---|
//! | `start` | input check `Err(o)` / `Ok(d)` | `Finish(o)` / `Begin` (`AwaitBegin(d)`) |
//! | `offer` | input check `Err(o)` / `Ok(c)` | `Finish(o)` / `Attempt(c)` (`AwaitAttempt`) |
//! | `AwaitAttempt` | `Attempted(c, Ok(Accepted { step }))`, `c` marks `step` / does not | `Finish(Accepted(m))` / `Finish(StoreUnavailable(InvalidData))` |
//! | `AwaitAttempt` | `Attempted(_, Ok(Replayed / Mismatch / Throttled { r }))` | `Finish(Replayed / Rejected(Mismatch) / Throttled { r })` |
//! | `AwaitAttempt` | `Attempted(c, Ok(Unsupported))` / `Attempted(_, Err(e))` | `Begin` (`AwaitBegin(c)`) / `Finish(StoreUnavailable(e))` |
//! | `AwaitBegin(d)` | `Begun(Ok(Open(s)))` | `d(s)`: `Ok((m, a))` → `Advance(a)` (`AwaitAdvance(m)`); `Err(Replayed)` → `Refund` (`AwaitRefund`); `Err(e)` → `Finish(Rejected(e))` |
//! | `AwaitBegin(d)` | `Begun(Ok(Throttled { r }))` / `Begun(Err(e))` | `Finish(Throttled { r })` (`r` seconds) / `Finish(StoreUnavailable(e))` |
//! | `AwaitAdvance(m)` | `Advanced(Ok(Won))` / `Ok(Lost)` / `Err(e)` | `Finish(Accepted(m))` / `Refund` (`AwaitRefund`) / `Finish(StoreUnavailable(e))` |
//! | `AwaitRefund` | `Refunded(Ok(()))` / `Refunded(Err(e))` | `Finish(Replayed)` / `Finish(StoreUnavailable(e))` |
//! | any other pair, `Finished` included | | `Finish(StoreUnavailable(InvalidData))` |
//!
//! TOTP verifications are offered (`offer`): one store operation
//! ([`Store::attempt`](crate::store::Store::attempt)) decides them, unless the
//! store answers `Unsupported`, and then the same decision
//! ([`Candidates::decide`]) runs on `begin`'s state. HOTP counters cannot be
//! offered (the candidates depend on a stored counter that may be anywhere in
//! `u64`), so they `start` with `begin`.
//!
//! Every `Finish` leaves the machine `Finished`.
//!
//! # Security
//! Fails closed: a store error, and any event the phase does not expect (a
//! driver bug), finishes with [`Outcome::StoreUnavailable`]; nothing here
//! panics. Only `Advanced(Ok(Won))` in `AwaitAdvance`, and in `AwaitAttempt`
//! an `Accepted` step whose match bit the guard set itself, accept.

use core::mem;
use core::time::Duration;

use super::check::Decision;
use super::outcome::Outcome;
use crate::store::{
    Advance, Advanced, Candidates, Gate, State, StoreError, StoreErrorKind, Verdict,
};
use otpcore::{Match, VerifyError};

/// The driver's next move.
#[derive(Debug)]
pub(crate) enum Action {
    /// Call [`Store::attempt`](crate::store::Store::attempt) with these
    /// candidates and the guard's throttle policy; answer with
    /// [`Event::Attempted`], handing the candidates back.
    Attempt(Candidates),
    /// Call [`Store::begin`](crate::store::Store::begin) at `now` with the
    /// guard's throttle policy; answer with [`Event::Begun`].
    Begin { now: u64 },
    /// Call [`Store::advance`](crate::store::Store::advance); answer with
    /// [`Event::Advanced`].
    Advance(Advance),
    /// Call [`Store::refund`](crate::store::Store::refund); answer with
    /// [`Event::Refunded`].
    Refund,
    /// The verification is over: return this.
    Finish(Outcome),
}

/// The store's answer to the last [`Action`].
#[derive(Debug)]
pub(crate) enum Event {
    Attempted(Candidates, Result<Verdict, StoreError>),
    Begun(Result<Gate, StoreError>),
    Advanced(Result<Advanced, StoreError>),
    Refunded(Result<(), StoreError>),
}

/// One verification in progress. `D` is the decision built by the input
/// checks in `check.rs`, run on the state that `begin` returns.
pub(crate) struct Verification<D> {
    phase: Phase<D>,
}

enum Phase<D> {
    /// The one-operation verification was asked for.
    AwaitAttempt,
    /// `begin` was asked for; the decision waits for its state.
    AwaitBegin(Decider<D>),
    /// The code matched; the compare-and-set of its step was asked for.
    AwaitAdvance(Match),
    /// The code was right but used; the refund of its failure was asked for.
    AwaitRefund,
    /// An outcome was returned; every further event is unexpected.
    Finished,
}

/// What decides once `begin` has answered: the input checks' closure, or
/// offered candidates that the store could not decide itself.
enum Decider<D> {
    Check(D),
    Offered(Candidates),
}

impl<D: FnOnce(State) -> Decision> Decider<D> {
    fn decide(self, state: State) -> Decision {
        match self {
            Decider::Check(decide) => decide(state),
            Decider::Offered(candidates) => candidates.decide(&state),
        }
    }
}

/// The decision type of an offered verification, which never runs a closure.
pub(crate) type Offered = fn(State) -> Decision;

impl Verification<Offered> {
    /// Starts a verification whose input checks gave `check`: input errors
    /// finish at once, before the store is touched; otherwise the first move
    /// is the one-operation `attempt` of the candidates.
    pub(crate) fn offer(check: Result<Candidates, Outcome>) -> (Self, Action) {
        let (phase, action) = match check {
            Ok(candidates) => (Phase::AwaitAttempt, Action::Attempt(candidates)),
            Err(outcome) => finish(outcome),
        };
        (Verification { phase }, action)
    }
}

impl<D: FnOnce(State) -> Decision> Verification<D> {
    /// Starts a verification whose input checks gave `check`: input errors
    /// finish at once, before the store is touched; otherwise the first move
    /// is `begin` at `now`.
    pub(crate) fn start(check: Result<D, Outcome>, now: u64) -> (Self, Action) {
        let (phase, action) = match check {
            Ok(decide) => (
                Phase::AwaitBegin(Decider::Check(decide)),
                Action::Begin { now },
            ),
            Err(outcome) => finish(outcome),
        };
        (Verification { phase }, action)
    }

    /// The next move, given the store's answer to the last one.
    pub(crate) fn on(&mut self, event: Event) -> Action {
        let (phase, action) = match (mem::replace(&mut self.phase, Phase::Finished), event) {
            (Phase::AwaitAttempt, Event::Attempted(candidates, verdict)) => {
                attempted(candidates, verdict)
            }
            (Phase::AwaitBegin(decide), Event::Begun(begun)) => match opened(begun) {
                Ok(state) => settle(decide.decide(state)),
                Err(outcome) => finish(outcome),
            },
            (Phase::AwaitAdvance(m), Event::Advanced(advanced)) => match won(m, advanced) {
                Some(outcome) => finish(outcome),
                None => refund(),
            },
            (Phase::AwaitRefund, Event::Refunded(refund)) => finish(refunded(refund)),
            // A driver bug: answer with nothing that could accept.
            _ => finish(Outcome::StoreUnavailable(StoreError::kind_only(
                StoreErrorKind::InvalidData,
            ))),
        };
        self.phase = phase;
        action
    }
}

fn finish<D>(outcome: Outcome) -> (Phase<D>, Action) {
    (Phase::Finished, Action::Finish(outcome))
}

/// The store's verdict on offered candidates. An accepted step is checked
/// against the guard's own match bits: a store that reports a step the input
/// does not match is faulty, and nothing is accepted.
fn attempted<D>(
    candidates: Candidates,
    verdict: Result<Verdict, StoreError>,
) -> (Phase<D>, Action) {
    let outcome = match verdict {
        Ok(Verdict::Accepted { step }) if candidates.marks(step) => {
            Outcome::Accepted(candidates.matched(step))
        }
        Ok(Verdict::Replayed) => Outcome::Replayed,
        Ok(Verdict::Mismatch) => Outcome::Rejected(VerifyError::Mismatch),
        Ok(Verdict::Throttled { retry_after }) => Outcome::Throttled {
            retry_after: retry_after.map(Duration::from_secs),
        },
        Ok(Verdict::Unsupported) => {
            let now = candidates.now();
            return (
                Phase::AwaitBegin(Decider::Offered(candidates)),
                Action::Begin { now },
            );
        }
        Ok(_) => Outcome::StoreUnavailable(StoreError::kind_only(StoreErrorKind::InvalidData)),
        Err(e) => Outcome::StoreUnavailable(e),
    };
    finish(outcome)
}

fn refund<D>() -> (Phase<D>, Action) {
    (Phase::AwaitRefund, Action::Refund)
}

/// `begin`'s answer: the state to verify against, or the refusal.
fn opened(begun: Result<Gate, StoreError>) -> Result<State, Outcome> {
    match begun {
        Ok(Gate::Open(state)) => Ok(state),
        Ok(Gate::Throttled { retry_after }) => Err(Outcome::Throttled {
            retry_after: retry_after.map(Duration::from_secs),
        }),
        Err(e) => Err(Outcome::StoreUnavailable(e)),
    }
}

/// The decision, as the store operation it needs: compare-and-set the matched
/// step; give back the failure `begin` counted (the code was right but used);
/// or nothing, for a miss (`begin` already counted it).
fn settle<D>(decision: Decision) -> (Phase<D>, Action) {
    match decision {
        Ok((m, advance)) => (Phase::AwaitAdvance(m), Action::Advance(advance)),
        Err(VerifyError::Replayed) => refund(),
        Err(e) => finish(Outcome::Rejected(e)),
    }
}

/// The compare-and-set's result: accepted, failed closed, or lost (`None`: a
/// concurrent request recorded the step first, so refund and report a replay).
fn won(m: Match, advanced: Result<Advanced, StoreError>) -> Option<Outcome> {
    match advanced {
        Ok(Advanced::Won) => Some(Outcome::Accepted(m)),
        Ok(Advanced::Lost) => None,
        // Whether or not the write landed, this request is not accepted.
        Err(e) => Some(Outcome::StoreUnavailable(e)),
    }
}

fn refunded(refund: Result<(), StoreError>) -> Outcome {
    match refund {
        Ok(()) => Outcome::Replayed,
        // The failure stays counted: erring towards throttling is safe.
        Err(e) => Outcome::StoreUnavailable(e),
    }
}

#[cfg(test)]
mod tests;
