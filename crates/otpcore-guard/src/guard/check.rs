//! The store-free middle of every verification: the checks on the input
//! alone, and the decision to run on the state that `begin` returns (HOTP) or
//! the candidates to offer the store in one operation (TOTP). The
//! verification of `machine.rs` runs the decision; the drivers that pump it
//! (`Guard::run` over any [`Store`](crate::store::Store), `Guard::run_locked`
//! over an in-memory entry held under its lock) never look inside.

use crate::store::{Advance, Candidates, State};
use alloc::boxed::Box;
use alloc::vec;

use otpcore::{Code, Digits, Hotp, Match, Totp, VerifyError, Window};

use super::config::GuardConfig;
use super::outcome::Outcome;

/// What the verification found, given the stored state: a match and the record
/// to compare-and-set, or why not.
pub(super) type Decision = Result<(Match, Advance), VerifyError>;

/// Checks on the input alone, before the store is touched (malformed input and
/// a time before `t0` do not count as failures), then the candidates to offer
/// the store: the match bit of every step that any recorded drift could put in
/// the window (`expected ± (max_drift + window)`), computed in constant time by
/// [`Totp::match_steps`]. The store, or [`Candidates::decide`] on `begin`'s
/// state, centres the window on the recorded drift.
pub(super) fn totp(
    config: &GuardConfig,
    totp: &Totp,
    input: &str,
    at: u64,
) -> Result<Candidates, Outcome> {
    let expected = parse_totp(totp, input, at)?;
    let span = config.max_drift;
    Candidates::new(
        at,
        expected,
        config.max_drift,
        config.totp_window,
        matches(config, totp, input, expected, span)?.1,
        expiry_of(config, totp, expected.saturating_sub(reach(config, span))),
        totp.config().period.get(),
    )
    .map_err(|_| Outcome::Rejected(VerifyError::WindowTooLarge))
}

/// As [`totp`], for a verifier that holds the state under a lock
/// (`Guard::run_locked`): the decision of [`Candidates::decide`] over the
/// window of the state's drift only, so only that window's codes are computed.
pub(super) fn totp_locked<'a>(
    config: &'a GuardConfig,
    totp: &'a Totp,
    input: &'a str,
    at: u64,
) -> Result<impl FnOnce(State) -> Decision + 'a, Outcome> {
    let expected = parse_totp(totp, input, at)?;
    Ok(move |state: State| {
        let centre = expected.saturating_add_signed(clamp(config, state.drift));
        let (first, bits) =
            matches(config, totp, input, centre, 0).map_err(|_| VerifyError::WindowTooLarge)?;
        let candidates = Candidates::within(
            at,
            expected,
            config.max_drift,
            config.totp_window,
            (first, bits),
            expiry_of(config, totp, first),
            totp.config().period.get(),
        );
        candidates.decide(&state)
    })
}

fn parse_totp(totp: &Totp, input: &str, at: u64) -> Result<u64, Outcome> {
    Code::parse(input, totp.config().digits).map_err(|e| Outcome::Rejected(e.into()))?;
    totp.step_at(at).map_err(|e| Outcome::Rejected(e.into()))
}

/// `drift` clamped to `±max_drift`.
fn clamp(config: &GuardConfig, drift: i64) -> i64 {
    let max = i64::try_from(config.max_drift).unwrap_or(i64::MAX);
    drift.clamp(max.saturating_neg(), max)
}

/// How far behind `centre` the candidates reach with `span` drift either way.
fn reach(config: &GuardConfig, span: u64) -> u64 {
    span.saturating_add(config.totp_window.behind)
}

/// The first candidate step and the match bits of `centre ± (span + window)`,
/// in constant time. At most `2 · MAX_DRIFT + MAX_SPAN + 1` steps
/// (`GuardConfig::validate`).
fn matches(
    config: &GuardConfig,
    totp: &Totp,
    input: &str,
    centre: u64,
    span: u64,
) -> Result<(u64, Box<[u8]>), Outcome> {
    let first = centre.saturating_sub(reach(config, span));
    let last = centre.saturating_add(span.saturating_add(config.totp_window.ahead));
    let count = usize::try_from(last.abs_diff(first))
        .ok()
        .and_then(|n| n.checked_add(1))
        .ok_or(Outcome::Rejected(VerifyError::WindowTooLarge))?;
    let mut bits = vec![b'0'; count].into_boxed_slice();
    totp.match_steps(input, first, &mut bits)
        .map_err(Outcome::Rejected)?;
    Ok((first, bits))
}

/// The expiry of step `first`'s record: once the server's step passes `step +
/// max_drift + behind`, no window can reach it again; one more step of margin
/// covers servers whose clocks differ by up to one period.
fn expiry_of(config: &GuardConfig, totp: &Totp, first: u64) -> Option<u64> {
    first
        .checked_add(reach(config, config.max_drift))
        .and_then(|s| s.checked_add(2))
        .and_then(|s| totp.step_start(s))
}

/// As [`totp`], for [`Guard::resync_totp`](super::Guard::resync_totp): two
/// consecutive codes within `±min(totp_resync_window, max_drift)` steps of the
/// server's own step (not the recorded drift: the point is to find a clock the
/// drift lost track of). A match records its offset as the new drift. A resync
/// is rare, so it takes the two-trip path (`begin`, then `advance`).
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
        let advance = Advance {
            step: m.step,
            drift: clamp(config, m.offset),
            now: at,
            // A resync reaches at most `max_drift` behind, as the drift does.
            expires_at: expiry_of(config, totp, m.step),
        };
        Ok((m, advance))
    })
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
