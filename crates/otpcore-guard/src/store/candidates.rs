//! [`Candidates`]: a TOTP verification handed to a store as **one** operation
//! ([`Store::attempt`](super::Store::attempt)), and [`Verdict`], its answer.
//!
//! The guard cannot pick the window before it knows the recorded drift, and
//! asking first costs a round trip. So it computes, in constant time, whether
//! the input matches each step that *any* recorded drift could put in the
//! window — `expected - max_drift - behind ..= expected + max_drift + ahead`
//! ([`Totp::match_steps`](otpcore::Totp::match_steps), one ASCII `'0'`/`'1'`
//! per step) — and the store, which holds the drift, the last step and the
//! failures, applies throttling, the drift-centred window, the
//! compare-and-set and the drift update atomically.
//!
//! # Security
//! - **No secret comparison in the store.** Every comparison of the input with
//!   a code happens in the guard, with `subtle`, for every candidate. The store
//!   receives only the match bits, a string of the same length whatever they
//!   say, and picks its slice of them by public state (the recorded drift and
//!   the config); it reads each bit of that slice exactly once, folding it in
//!   arithmetically (no early exit), and never reads the bits when it throttles.
//! - **What the bits reveal** is which steps the input matched. The store
//!   learned the matched step before (it records it); it now also sees matches
//!   outside the current window (e.g. a code from a far step), but never the
//!   input or a code, so nothing it holds helps guess the next code.
//! - **The guard checks the store's answer**: an `Accepted` step must be a
//!   candidate whose bit is set, or the verification fails closed
//!   (`machine.rs`), so a faulty store cannot accept a wrong code.
//! - The bits are wiped when dropped.

use alloc::boxed::Box;
use core::fmt;
use core::ops::RangeInclusive;

use otpcore::{Match, VerifyError, Window};
use subtle::{Choice, ConditionallySelectable};
use zeroize::Zeroize;

use super::{Advance, State};

/// One TOTP verification offered to a store: the match bit of every step the
/// store's state could make acceptable, and what the store needs to decide.
///
/// Build one with [`Candidates::new`] (the [`Guard`](crate::Guard) does, from
/// [`Totp::match_steps`](otpcore::Totp::match_steps)); a store reads it with the
/// accessors and, if it is written in Rust, decides with [`Candidates::decide`].
#[derive(Clone)]
pub struct Candidates {
    now: u64,
    expected: u64,
    max_drift: u64,
    window: Window,
    first: u64,
    matches: Box<[u8]>,
    expiry_of_first: Option<u64>,
    period: u64,
}

/// Why [`Candidates::new`] refused its arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CandidatesError {
    /// `matches` does not have one byte per candidate step.
    Length,
    /// A byte of `matches` other than `b'0'` or `b'1'`.
    NotABit,
}

impl fmt::Display for CandidatesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CandidatesError::Length => "match bits do not cover the candidate steps",
            CandidatesError::NotABit => "match bits must be '0' or '1'",
        })
    }
}

impl std::error::Error for CandidatesError {}

/// The answer of [`Store::attempt`](super::Store::attempt).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Verdict {
    /// `step` was recorded (with its drift, the failures reset): accept.
    Accepted {
        /// The matched step.
        step: u64,
    },
    /// The input matched only steps at or before the recorded one. Nothing was
    /// counted (as `begin` then `refund`).
    Replayed,
    /// The input matched no step of the window; one failure was counted (and
    /// `now` recorded as the previous attempt), as by `begin`.
    Mismatch,
    /// The throttle policy refused the attempt; nothing changed and the match
    /// bits were not read.
    Throttled {
        /// As [`Gate::Throttled`](super::Gate::Throttled).
        retry_after: Option<u64>,
    },
    /// This store does not decide verifications in one operation: the guard
    /// falls back to `begin`, then `advance` or `refund`, with the same
    /// decision ([`Candidates::decide`]).
    Unsupported,
}

impl Candidates {
    /// The candidates of a verification at unix time `now`, whose step is
    /// `expected`, for a guard with `max_drift` and `window`: `matches[i]` is
    /// `b'1'` if the input is the code of step [`first`](Candidates::first)` + i`.
    /// `expiry_of_first` is [`Advance::expires_at`] for the first step (`None`:
    /// keep for ever) and `period` the step length: a later step expires
    /// `period` seconds later per step.
    ///
    /// # Errors
    /// [`CandidatesError`] if `matches` is not one `b'0'`/`b'1'` per step of
    /// [`Candidates::steps`].
    pub fn new(
        now: u64,
        expected: u64,
        max_drift: u64,
        window: Window,
        matches: Box<[u8]>,
        expiry_of_first: Option<u64>,
        period: u64,
    ) -> Result<Self, CandidatesError> {
        let (first, last) = span(expected, max_drift, window);
        let count = last.abs_diff(first).checked_add(1);
        if count != u64::try_from(matches.len()).ok() {
            return Err(CandidatesError::Length);
        }
        // Public check of the encoding only: every byte is one of two values.
        if !matches.iter().all(|b| *b == b'0' || *b == b'1') {
            return Err(CandidatesError::NotABit);
        }
        Ok(Candidates {
            now,
            expected,
            max_drift,
            window,
            first,
            matches,
            expiry_of_first,
            period,
        })
    }

    /// Candidates for the window of one known `drift` only (`first` its first
    /// step, `expiry_of_first` that step's expiry): what a verifier holding
    /// the state under a lock computes (`Guard::run_locked`), the window's
    /// HMACs and no more. [`Candidates::decide`] must be given a state with
    /// that drift; bits outside the window read as no match.
    pub(crate) fn within(
        now: u64,
        expected: u64,
        max_drift: u64,
        window: Window,
        (first, matches): (u64, Box<[u8]>),
        expiry_of_first: Option<u64>,
        period: u64,
    ) -> Self {
        Candidates {
            now,
            expected,
            max_drift,
            window,
            first,
            matches,
            expiry_of_first,
            period,
        }
    }

    /// The verifier's clock, unix seconds.
    #[must_use]
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The step of [`now`](Candidates::now): the window's centre at drift 0.
    #[must_use]
    pub fn expected(&self) -> u64 {
        self.expected
    }

    /// The largest drift to apply, either way; a recorded drift beyond it is
    /// clamped.
    #[must_use]
    pub fn max_drift(&self) -> u64 {
        self.max_drift
    }

    /// The window around the drift-corrected step.
    #[must_use]
    pub fn window(&self) -> Window {
        self.window
    }

    /// The first candidate step: `expected - max_drift - behind`, at least 0.
    #[must_use]
    pub fn first(&self) -> u64 {
        self.first
    }

    /// Every step some drift could make acceptable.
    #[must_use]
    pub fn steps(&self) -> RangeInclusive<u64> {
        let count = u64::try_from(self.matches.len()).unwrap_or(u64::MAX);
        self.first..=self.first.saturating_add(count.saturating_sub(1))
    }

    /// One `b'0'` or `b'1'` per step of [`Candidates::steps`]: whether the input
    /// is that step's code. Send it verbatim; see the module's `# Security`.
    #[must_use]
    pub fn matches(&self) -> &[u8] {
        &self.matches
    }

    /// [`Advance::expires_at`] of the first step (`None`: keep for ever).
    #[must_use]
    pub fn expiry_of_first(&self) -> Option<u64> {
        self.expiry_of_first
    }

    /// Seconds per step: a step `k` after the first expires `k · period` later.
    #[must_use]
    pub fn period(&self) -> u64 {
        self.period
    }

    /// The window's steps when `drift` is recorded: centred on `expected +
    /// drift` (drift clamped to `±max_drift`), each bound saturating.
    #[must_use]
    pub fn window_at(&self, drift: i64) -> RangeInclusive<u64> {
        let centre = self.expected.saturating_add_signed(self.clamp(drift));
        centre.saturating_sub(self.window.behind)..=centre.saturating_add(self.window.ahead)
    }

    /// What to record for an accepted `step`: the step, its offset from
    /// `expected` as the drift (clamped to `±max_drift`), and its expiry.
    #[must_use]
    pub fn advance_for(&self, step: u64) -> Advance {
        let k = step.saturating_sub(self.first);
        Advance {
            step,
            drift: self.clamp(offset(step, self.expected)),
            now: self.now,
            expires_at: self
                .expiry_of_first
                .and_then(|e| e.checked_add(k.checked_mul(self.period)?)),
        }
    }

    /// The decision on `state`, as the store makes it under its lock: the
    /// newest step of the drift-centred window that matches and is after the
    /// last accepted one, with what to record; or [`VerifyError::Replayed`] if
    /// only used steps match, [`VerifyError::Mismatch`] if none does.
    ///
    /// # Errors
    /// As described: a refusal, not a fault.
    ///
    /// # Security
    /// Reads each bit of the window once, in order, folding it in with `subtle`
    /// (the same work wherever the match is); which bits are read depends on
    /// the public `state.drift` only.
    pub fn decide(&self, state: &State) -> Result<(Match, Advance), VerifyError> {
        let window = self.window_at(state.drift);
        let mut accepted = Choice::from(0);
        let mut replayed = Choice::from(0);
        let mut best = 0u64;
        for step in window {
            let index = usize::try_from(step.saturating_sub(self.first)).unwrap_or(usize::MAX);
            let hit = Choice::from(self.matches.get(index).map_or(0, |b| b & 1));
            // Public: the step and the last accepted one.
            let fresh = Choice::from(u8::from(state.last_step.is_none_or(|l| step > l)));
            let take = hit & fresh;
            best = u64::conditional_select(&best, &step, take);
            accepted |= take;
            replayed |= hit & !fresh;
        }
        // The outcome is public from here on (the caller acts on it).
        if bool::from(accepted) {
            Ok((self.matched(best), self.advance_for(best)))
        } else if bool::from(replayed) {
            Err(VerifyError::Replayed)
        } else {
            Err(VerifyError::Mismatch)
        }
    }

    /// The match of an accepted `step`, its offset taken from `expected`.
    pub(crate) fn matched(&self, step: u64) -> Match {
        Match {
            step,
            offset: offset(step, self.expected),
        }
    }

    /// Whether `step`, which a store reported as accepted, is a candidate whose
    /// bit is set: the guard's check of the store's answer.
    pub(crate) fn marks(&self, step: u64) -> bool {
        step.checked_sub(self.first)
            .and_then(|k| usize::try_from(k).ok())
            .and_then(|k| self.matches.get(k))
            .is_some_and(|b| *b == b'1')
    }

    fn clamp(&self, drift: i64) -> i64 {
        let max = i64::try_from(self.max_drift).unwrap_or(i64::MAX);
        drift.clamp(max.saturating_neg(), max)
    }
}

/// The candidate steps' bounds, saturating at both ends of `u64`.
fn span(expected: u64, max_drift: u64, window: Window) -> (u64, u64) {
    (
        expected.saturating_sub(max_drift.saturating_add(window.behind)),
        expected.saturating_add(max_drift.saturating_add(window.ahead)),
    )
}

/// `a - b` as `i64`, saturating (candidates lie within `2 · MAX_DRIFT +
/// MAX_SPAN` steps of each other, so it never saturates in practice).
fn offset(a: u64, b: u64) -> i64 {
    let d = i64::try_from(a.abs_diff(b)).unwrap_or(i64::MAX);
    if a >= b {
        d
    } else {
        d.saturating_neg()
    }
}

impl Drop for Candidates {
    fn drop(&mut self) {
        self.matches.zeroize();
    }
}

impl fmt::Debug for Candidates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Candidates")
            .field("now", &self.now)
            .field("expected", &self.expected)
            .field("max_drift", &self.max_drift)
            .field("window", &self.window)
            .field("matches", &format_args!("..({} steps)", self.matches.len()))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
