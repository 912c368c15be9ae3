//! The store-free middle of every verification: the checks on the input
//! alone, and the decision to run on the state that `begin` returns. The
//! verification of `machine.rs` runs the decision; the drivers that pump it
//! (`Guard::run` over any [`Store`](crate::store::Store), `Guard::run_locked`
//! over an in-memory entry held under its lock) never look inside.

use crate::store::{Advance, State};
use otpcore::{Code, Digits, Hotp, Match, Totp, VerifyError, Window};

use super::config::GuardConfig;
use super::outcome::Outcome;

/// What the verification found, given the stored state: a match and the record
/// to compare-and-set, or why not.
pub(super) type Decision = Result<(Match, Advance), VerifyError>;

/// Checks on the input alone, before the store is touched (malformed input and
/// a time before `t0` do not count as failures), then the verification to run
/// on the state that `begin` returns.
pub(super) fn totp<'a>(
    config: &'a GuardConfig,
    totp: &'a Totp,
    input: &'a str,
    at: u64,
) -> Result<impl FnOnce(State) -> Decision + 'a, Outcome> {
    Code::parse(input, totp.config().digits).map_err(|e| Outcome::Rejected(e.into()))?;
    let expected = totp.step_at(at).map_err(|e| Outcome::Rejected(e.into()))?;
    Ok(move |state: State| {
        let max = i64::try_from(config.max_drift).unwrap_or(i64::MAX);
        let drift = state.drift.clamp(max.saturating_neg(), max);
        let centre = expected.saturating_add_signed(drift);
        let window = config.totp_window;
        let found = totp.verify_step(input, centre, window, state.last_step)?;
        let m = Match {
            step: found.step,
            offset: signed_diff(found.step, expected),
        };
        Ok((m, totp_advance(config, totp, m, at)))
    })
}

/// As [`totp`], for [`Guard::resync_totp`](super::Guard::resync_totp): two
/// consecutive codes within `±min(totp_resync_window, max_drift)` steps of the
/// server's own step (not the recorded drift: the point is to find a clock the
/// drift lost track of). A match records its offset as the new drift.
pub(super) fn totp_resync<'a>(
    config: &'a GuardConfig,
    totp: &'a Totp,
    [first, second]: [&'a str; 2],
    at: u64,
) -> Result<impl FnOnce(State) -> Decision + 'a, Outcome> {
    parse_pair(totp.config().digits, [first, second])?;
    let expected = totp.step_at(at).map_err(|e| Outcome::Rejected(e.into()))?;
    Ok(move |state: State| {
        let reach = config.totp_resync_window.min(config.max_drift);
        let window = Window::symmetric(reach);
        let m = totp.verify_consecutive(first, second, expected, window, state.last_step)?;
        Ok((m, totp_advance(config, totp, m, at)))
    })
}

/// The record of a TOTP match `m` (offset from the server's step): its step,
/// its offset as the drift (clamped to `max_drift`), and when it may expire.
fn totp_advance(config: &GuardConfig, totp: &Totp, m: Match, at: u64) -> Advance {
    let max = i64::try_from(config.max_drift).unwrap_or(i64::MAX);
    // Once the server's step passes `step + max_drift + behind`, no window can
    // reach `step` again (a resync reaches at most `max_drift` behind); one more
    // step of margin covers servers whose clocks differ by up to one period.
    let last_reachable = m
        .step
        .saturating_add(config.max_drift)
        .saturating_add(config.totp_window.behind)
        .saturating_add(2);
    Advance {
        step: m.step,
        drift: m.offset.clamp(max.saturating_neg(), max),
        now: at,
        expires_at: totp.step_start(last_reachable),
    }
}

/// As [`totp`], for [`Guard::verify_hotp`](super::Guard::verify_hotp).
pub(super) fn hotp<'a>(
    config: &'a GuardConfig,
    hotp: &'a Hotp,
    input: &'a str,
    at: u64,
) -> Result<impl FnOnce(State) -> Decision + 'a, Outcome> {
    Code::parse(input, hotp.config().digits).map_err(|e| Outcome::Rejected(e.into()))?;
    Ok(move |state: State| {
        // One counter behind the expected one (the last accepted) is scanned too,
        // so that resubmitting the last code is reported as a replay, not a miss.
        let window = Window::new(1, config.hotp_look_ahead);
        let m = next_counter(&state)
            .and_then(|next| hotp.verify(input, next, window, state.last_step))?;
        Ok((m, hotp_advance(m, at)))
    })
}

/// As [`totp`], for [`Guard::resync_hotp`](super::Guard::resync_hotp).
pub(super) fn resync<'a>(
    config: &'a GuardConfig,
    hotp: &'a Hotp,
    [first, second]: [&'a str; 2],
    at: u64,
) -> Result<impl FnOnce(State) -> Decision + 'a, Outcome> {
    parse_pair(hotp.config().digits, [first, second])?;
    Ok(move |state: State| {
        let window = Window::look_ahead(config.hotp_resync_look_ahead);
        let m = next_counter(&state).and_then(|next| {
            hotp.verify_consecutive(first, second, next, window, state.last_step)
        })?;
        Ok((m, hotp_advance(m, at)))
    })
}

/// Both codes of a resync pair must be well formed before the store is touched.
fn parse_pair(digits: Digits, codes: [&str; 2]) -> Result<(), Outcome> {
    for code in codes {
        Code::parse(code, digits).map_err(|e| Outcome::Rejected(e.into()))?;
    }
    Ok(())
}

/// The HOTP counter after the last accepted one; an exhausted counter matches
/// nothing.
fn next_counter(state: &State) -> Result<u64, VerifyError> {
    match state.last_step {
        None => Ok(0),
        Some(last) => last.checked_add(1).ok_or(VerifyError::Mismatch),
    }
}

fn hotp_advance(m: Match, at: u64) -> Advance {
    Advance {
        step: m.step,
        drift: 0,
        now: at,
        expires_at: None,
    }
}

/// `a - b` as `i64`, saturating (the steps of one window are at most
/// `MAX_SPAN + MAX_DRIFT` apart, so it never saturates in practice).
fn signed_diff(a: u64, b: u64) -> i64 {
    let d = i64::try_from(a.abs_diff(b)).unwrap_or(i64::MAX);
    if a >= b {
        d
    } else {
        d.saturating_neg()
    }
}
