//! The constant-time window scan shared by [`Hotp`](crate::Hotp),
//! [`Totp`](crate::Totp) and [`Steam`](crate::Steam): [`scan`] computes every
//! candidate of a window and [`Scan`] decides, fed one reduced candidate per
//! step. The batch API and resynchronisation decide with the same [`Scan`],
//! so all of them decide identically.

use cmov::{Cmov, CmovEq};
use subtle::Choice;

use crate::accel::MAX_LANES;
use crate::format::Format;
use crate::mac::KeyedMac;
use crate::verify::{Match, VerifyError, Window};
use crate::CodeError;
use freshness::Freshness;

mod freshness;

/// Verifies `input`, a code in `format`, against every step in `window` around
/// `expected`.
///
/// Steps that would fall below 0 or above `u64::MAX` do not exist and are skipped
/// (a defined result, not an error): at `expected = 0` a ±1 window has two candidates.
pub(crate) fn scan(
    mac: &KeyedMac,
    format: &Format,
    input: &str,
    expected: u64,
    window: Window,
    last_used: Option<u64>,
) -> Result<Match, VerifyError> {
    // One modulus for every candidate, the public format's (chosen when the
    // credential was made): the fold reduces each with two multiplications and
    // no dispatch.
    let modulus = format.modulus();
    scan_with(
        mac,
        input,
        |text| format.parse(text),
        |truncated| u64::from(modulus.reduce(truncated)),
        expected,
        window,
        last_used,
    )
}

/// [`scan`] for any code encoding: `parse` turns the (public) input into a value,
/// `reduce` turns each candidate's truncated HMAC into the same kind of value
/// without branching on it or indexing with it.
pub(crate) fn scan_with(
    mac: &KeyedMac,
    input: &str,
    parse: impl FnOnce(&str) -> Result<u64, CodeError>,
    reduce: impl Fn(u32) -> u64,
    expected: u64,
    window: Window,
    last_used: Option<u64>,
) -> Result<Match, VerifyError> {
    let scan = Scan::start(input, parse, expected, window, last_used)?;
    // The number of candidates is public (the window, clipped at steps 0 and
    // `u64::MAX`). The common windows — exact, one-sided or clipped ±1, ±1 —
    // get a copy of their own, where the count is a constant: all candidates in
    // one call to the kernel and a fold the compiler unrolls, with nothing kept
    // across a loop. Measured on Zen 4 (README, "The history of these rows"):
    // ±1 with the loop below costs 3 % more than with this copy.
    match scan.pending() {
        1 => scan_fixed::<1>(mac, scan, reduce),
        2 => scan_fixed::<2>(mac, scan, reduce),
        3 => scan_fixed::<3>(mac, scan, reduce),
        _ => scan_runs(mac, scan, reduce),
    }
}

/// A scan of exactly `N` candidates (`N <= MAX_LANES`): one run.
#[inline]
fn scan_fixed<const N: usize>(
    mac: &KeyedMac,
    mut scan: Scan,
    reduce: impl Fn(u32) -> u64,
) -> Result<Match, VerifyError> {
    let values = match scan.next_run(N) {
        Some((first, _)) => mac.truncated_window::<N>(first),
        None => [0u32; N],
    };
    for value in values {
        scan.fold(reduce(value));
    }
    scan.finish()
}

/// A scan of any number of candidates, computed up to `MAX_LANES` at a time
/// (independent MACs that the CPU can overlap).
fn scan_runs(
    mac: &KeyedMac,
    mut scan: Scan,
    reduce: impl Fn(u32) -> u64,
) -> Result<Match, VerifyError> {
    let mut values = [0u32; MAX_LANES];
    while let Some((first, lanes)) = scan.next_run(MAX_LANES) {
        let Some(run) = values.get_mut(..lanes) else {
            break;
        };
        mac.truncated_run(first, run);
        for value in run.iter() {
            scan.fold(reduce(*value));
        }
    }
    scan.finish()
}

/// The constant-time state of one window scan, fed one reduced candidate per
/// step in ascending order.
pub(crate) struct Scan {
    code: u64,
    expected: u64,
    /// Which steps may be accepted (public: from `last_used`).
    fresh: Freshness,
    /// The next step to hand out in [`Scan::next_run`].
    next: u64,
    /// The step the next [`Scan::fold`] is for.
    step: u64,
    /// Candidates not yet handed out.
    pending: usize,
    /// 1 once any step matched, used or not, else 0 (a plain byte: see
    /// `Scan::fold_byte`).
    matched: u8,
    /// The newest matching step (meaningless while `matched` is 0).
    best: u64,
}

impl Scan {
    /// Checks the window and parses the input: the only early exits, and they
    /// depend on public data alone (the window size and the input's format).
    #[inline]
    pub(crate) fn start(
        input: &str,
        parse: impl FnOnce(&str) -> Result<u64, CodeError>,
        expected: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Self, VerifyError> {
        window.candidates().ok_or(VerifyError::WindowTooLarge)?;
        let code = parse(input)?;
        let first = expected.saturating_sub(window.behind);
        let last = expected.saturating_add(window.ahead);
        Ok(Scan::over(code, expected, first, last, last_used))
    }

    /// A scan of the steps `first..=last` (none if `first > last`) for `code`,
    /// with nothing checked: the caller has bounded the range by
    /// [`Window::MAX_SPAN`]. [`Scan::fold_hit`] callers, which compare
    /// themselves, may pass any `code`.
    pub(crate) fn over(
        code: u64,
        expected: u64,
        first: u64,
        last: u64,
        last_used: Option<u64>,
    ) -> Self {
        // Public: depends on the window only.
        let pending = if first <= last {
            usize::try_from(last.abs_diff(first))
                .unwrap_or(usize::MAX)
                .saturating_add(1)
        } else {
            0
        };
        Scan {
            code,
            expected,
            fresh: Freshness::of(last_used),
            next: first,
            step: first,
            pending,
            matched: 0,
            best: first,
        }
    }

    /// The next `(first step, count)` of at most `max` candidates to compute, or
    /// `None` when every candidate has been handed out.
    pub(crate) fn next_run(&mut self, max: usize) -> Option<(u64, usize)> {
        let lanes = self.pending.min(max);
        if lanes == 0 {
            return None;
        }
        let first = self.next;
        self.next = first.wrapping_add(u64::try_from(lanes).unwrap_or(u64::MAX));
        self.pending = self.pending.saturating_sub(lanes);
        Some((first, lanes))
    }

    /// How many candidates [`Scan::next_run`] has yet to hand out (public: the
    /// window's size).
    pub(crate) fn pending(&self) -> usize {
        self.pending
    }

    /// Whether every candidate has been handed out by [`Scan::next_run`].
    pub(crate) fn exhausted(&self) -> bool {
        self.pending == 0
    }

    /// Folds in the next candidate step's code, already reduced from its
    /// truncated HMAC like the input was parsed.
    ///
    /// # Security
    /// Every candidate is folded, whether or not an earlier one matched: returning
    /// at the first match would make the time depend on where (and whether) the
    /// right code sits in the window, which leaks the clock offset and lets a
    /// timing observer tell near misses apart (CVE-2022-29185 class). Nothing here
    /// branches on `candidate` or on the comparison.
    ///
    /// The comparison is RustCrypto's `cmov` `cmoveq` (the crate `digest`'s
    /// own constant-time comparisons are built on): on x86-64 an `xor` and a
    /// `cmovz` in inline assembly, on AArch64 `eor`/`cmp`/`csel`, elsewhere
    /// masks. Its output byte leaves the assembly in a register, so the
    /// optimiser knows nothing about its value and cannot turn what follows
    /// into a branch. `subtle`'s `ct_eq` and `conditional_select` get the same
    /// opacity from a stack round trip (`core::hint::black_box`) and mask
    /// arithmetic, more instructions between the last HMAC and the result:
    /// with `cmov` here and the unrolled copies of [`scan_with`], verify ±1
    /// went from 1.16–1.22× to 1.11–1.14× the bare kernel as then measured,
    /// through the lane entry (README, "The history of these rows"; old and new
    /// builds run alternately).
    #[inline]
    pub(crate) fn fold(&mut self, candidate: u64) {
        let mut hit: u8 = 0;
        candidate.cmoveq(&self.code, 1, &mut hit);
        self.fold_byte(hit);
    }

    /// [`Scan::fold`] with the comparison done by the caller: `hit` says whether
    /// the next step matches (for resynchronisation, a pair of codes).
    ///
    /// # Security
    /// As [`Scan::fold`]; `hit` must be computed without a branch.
    #[inline]
    pub(crate) fn fold_hit(&mut self, hit: Choice) {
        self.fold_byte(hit.unwrap_u8());
    }

    /// Folds in whether the next step matches: `hit` is 1 or 0, secret-derived
    /// and opaque to the optimiser (an assembly output, or a `Choice` that went
    /// through `subtle`'s barrier).
    ///
    /// Whether the step was used already is decided once, in
    /// [`Scan::finish`]: the steps come in ascending order and the fresh ones
    /// are the newest (a suffix of the window), so the newest matching step is
    /// fresh exactly when any fresh step matches, and it is the one to accept
    /// (the newest acceptable step wins when the same digits occur twice in the
    /// window). Keeping the newest match and whether there was one is all a
    /// step costs: measured on Zen 4, verify ±1 went from 1.15× to 1.09× the
    /// bare kernel (SHA-1) when freshness stopped being decided per step
    /// (README, "Close to the limit").
    ///
    /// # Security
    /// `hit` is a plain byte, and every use of it is either an OR into another
    /// byte (which no compiler turns into a branch) or the condition of a `cmov`
    /// `cmovnz`, a conditional move in inline assembly: the select below is a
    /// `cmov` instruction whatever the optimiser would have made of a mask.
    #[inline]
    fn fold_byte(&mut self, hit: u8) {
        let step = self.step;
        self.best.cmovnz(&step, hit);
        self.matched |= hit;
        self.step = step.wrapping_add(1);
    }

    /// The outcome, built without a branch on it.
    ///
    /// # Security
    /// The result is public (the caller learns it), but how long it takes to
    /// produce must not depend on it. A `Result` cannot be selected in registers
    /// (at 24 bytes it lives in memory), and the two obvious ways to build one
    /// both leak (SECURITY.md, "Constant time"):
    /// - `if accepted { Ok(..) } else { Err(..) }` is a branch whose two sides
    ///   store different fields; the misprediction it takes half the time costs
    ///   differently per side (dudect |t| up to 23 on correct vs wrong);
    /// - `select_unpredictable(accepted, Ok(..), Err(..))` builds both variants in
    ///   stack slots and copies the chosen one out: the copy's loads meet
    ///   store-to-load forwarding that differs per variant (|t| up to 179 timed
    ///   with a cycle counter).
    ///
    /// Instead the output and a spare slot both start out as the refusal, and
    /// the match is written to one of them, the address selected without a
    /// branch. The optimiser then sees one place holding `Ok` or `Err` and
    /// merges the two into the same stores of every field of the `Result` (tag,
    /// error bytes, step, offset): the same instructions for both outcomes, and
    /// no loads. Everything stored is computed first (the step was selected in
    /// [`Scan::fold`], its offset is one subtraction, the kind of refusal is
    /// selected by [`Scan::refusal`]). Starting from the refusal rather than
    /// from `Err(Mismatch)` lets the error byte be the refusal on both sides
    /// (it is padding in an `Ok`) instead of one more conditional move; the
    /// second write the earlier form needed (the refusal to the other address)
    /// then changed nothing, and removing it left every `otpcore` function of
    /// the release `ct_verify` binary instruction for instruction the same.
    ///
    /// This relies on the optimiser. With rustc 1.95 on x86-64 the end of
    /// `scan::scan` (and of `batch::fold_lanes`, which stores this value into its
    /// slot, and of `resync::scan_consecutive`) is a `sete` for the tag, the
    /// stores and the `sub` of the offset, with no branch between the last fold
    /// and `ret`. `scripts/ct-branches.py` checks the
    /// machine code of the windows of one to three candidates on every CI run
    /// (forcing this function inline into `Totp::verify_at` made a branch: it
    /// failed, SECURITY.md); the dudect pairs `otpcore_correct_vs_wrong`,
    /// `batch_correct_vs_wrong` and `otpcore_resync_correct_vs_wrong` check all
    /// of them; re-run the full measurement after a compiler upgrade.
    pub(crate) fn finish(self) -> Result<Match, VerifyError> {
        // A match is accepted if the newest one is fresh (see `fold_byte`).
        let accepted = self.matched & self.fresh.admits(self.best);
        let refused = Err(self.refusal());
        // Through a barrier once more: the optimiser must not reason about the
        // accumulated byte when it builds the `Result` below (`opaque`).
        let accepted = opaque(accepted);
        let matched = Ok(self.matched());
        let mut out = refused;
        let mut spare = refused;
        *core::hint::select_unpredictable(accepted, &mut out, &mut spare) = matched;
        out
    }

    /// The refusal if no step is accepted, selected without a branch: a match
    /// that is not accepted was used already.
    fn refusal(&self) -> VerifyError {
        core::hint::select_unpredictable(
            opaque(self.matched),
            VerifyError::Replayed,
            VerifyError::Mismatch,
        )
    }

    /// The match if one is accepted (meaningless otherwise). Where in the
    /// window it sits is one subtraction, done on either outcome: no branch on
    /// its sign, nothing skipped when nothing matched.
    fn matched(&self) -> Match {
        Match {
            step: self.best,
            offset: offset(self.best, self.expected),
        }
    }
}

/// `byte != 0`, as a `bool` the optimiser knows nothing about: the barrier
/// between the accumulated (secret) bytes and [`Scan::finish`]'s `Result`.
///
/// # Security
/// The value comes out of `cmov`'s `cmovnz` (inline assembly) and stays in a
/// register; `subtle`'s `Choice::from`, used before, round-trips it through
/// the stack. No branch follows: `scripts/ct-branches.py` checks the machine
/// code on every CI run (SECURITY.md, "The barrier in a register", also for
/// the earlier register form that let rustc branch).
#[inline]
fn opaque(byte: u8) -> bool {
    let mut out: u16 = 0;
    out.cmovnz(&1, byte);
    out != 0
}

/// `step - expected` as `i64`, without branching on which is larger. Both lie
/// within one window of at most [`Window::MAX_SPAN`] steps, so the wrapping `u64`
/// difference, read as two's complement, is the exact signed difference.
fn offset(step: u64, expected: u64) -> i64 {
    i64::from_ne_bytes(step.wrapping_sub(expected).to_ne_bytes())
}

#[cfg(test)]
// Test arithmetic on small window indices cannot overflow.
#[allow(clippy::arithmetic_side_effects)]
mod tests;
