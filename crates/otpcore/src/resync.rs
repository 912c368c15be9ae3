//! The constant-time scan behind [`Hotp::verify_consecutive`](crate::Hotp::verify_consecutive):
//! RFC 4226 §7.4 resynchronisation with two consecutive codes.

use subtle::ConstantTimeEq;

use crate::mac::KeyedMac;
use crate::scan::Scan;
use crate::{Code, Digits, Match, VerifyError, Window};

/// Finds a counter `c` in `window` around `expected` such that `first` is the code
/// for `c` and `second` the code for `c + 1`, with `c > last_used`.
///
/// Returns the match for the *second* code (`step = c + 1`): the counter to store
/// as the last one used. Counters whose successor would exceed `u64::MAX` are not
/// tried.
///
/// # Security
/// Every pair in the window is computed and compared whether or not an earlier
/// one matched, and the outcome is decided by the same [`Scan`] as
/// [`Hotp::verify`](crate::Hotp::verify): accepted or not, replayed or not and the
/// matching step are selected and the offset subtracted, never branched on, and
/// [`Scan::finish`] builds the `Result` without a branch (see its doc comment for
/// the code it compiles to, here as in `scan::scan`).
pub(crate) fn scan_consecutive(
    mac: &KeyedMac,
    digits: Digits,
    codes: (&str, &str),
    expected: u64,
    window: Window,
    last_used: Option<u64>,
) -> Result<Match, VerifyError> {
    window.candidates().ok_or(VerifyError::WindowTooLarge)?;
    let start = expected.saturating_sub(window.behind);
    // The pair at `c` needs the code for `c + 1`, so `c` stops one short of u64::MAX.
    let end = expected
        .saturating_add(window.ahead)
        .min(u64::MAX.saturating_sub(1));
    scan_pairs(mac, digits, codes, expected, (start, end), last_used)
}

/// The TOTP form behind [`Totp::verify_consecutive`](crate::Totp::verify_consecutive)
/// (RFC 6238 §6 resynchronisation): finds a step `s` in `window` around `centre`
/// such that `first` is the code for `s - 1` and `second` the code for `s`, with
/// `s - 1 > last_used`. Here the window bounds the *second* code's step, so both
/// codes lie within `window.behind + 1` behind and `window.ahead` ahead of the
/// centre; the match is `s`, its offset `s - centre`. Step 0 has no predecessor
/// and is not tried.
///
/// # Security
/// As [`scan_consecutive`]: the same constant-time scan.
pub(crate) fn scan_consecutive_ending_in(
    mac: &KeyedMac,
    digits: Digits,
    codes: (&str, &str),
    centre: u64,
    window: Window,
    last_used: Option<u64>,
) -> Result<Match, VerifyError> {
    window.candidates().ok_or(VerifyError::WindowTooLarge)?;
    let first_second = centre.saturating_sub(window.behind).max(1);
    let last_second = centre.saturating_add(window.ahead);
    // `last_second == 0` (centre 0, nothing ahead) leaves no pair: `start > end`
    // is an empty scan.
    let (start, end) = match last_second.checked_sub(1) {
        Some(end) => (first_second.saturating_sub(1), end),
        None => (1, 0),
    };
    scan_pairs(mac, digits, codes, centre, (start, end), last_used)
}

/// The scan itself: the pairs whose first counters are `start..=end` (none if
/// `start > end`; `end < u64::MAX` and `end - start <= Window::MAX_SPAN + 1`,
/// checked by the callers), offsets relative to `expected`.
///
/// # Security
/// Every pair is computed and compared whether or not an earlier one matched;
/// see [`scan_consecutive`].
#[inline(always)]
fn scan_pairs(
    mac: &KeyedMac,
    digits: Digits,
    (first, second): (&str, &str),
    expected: u64,
    (start, end): (u64, u64),
    last_used: Option<u64>,
) -> Result<Match, VerifyError> {
    let first = Code::parse(first, digits)?.value();
    let second = Code::parse(second, digits)?.value();
    // The scan's steps are the pairs' second counters `c + 1` (what a match
    // reports), and `c > last_used` is `c + 1 > last_used + 1`: exact, since
    // `c + 1 <= u64::MAX` and a saturated `u64::MAX` refuses every `c + 1`, as
    // `c > u64::MAX` does. The code is unused: the pair is compared here.
    let mut scan = Scan::over(
        0,
        expected,
        start.saturating_add(1),
        end.saturating_add(1),
        last_used.map(|used| used.saturating_add(1)),
    );
    let mut current = u64::from(digits.reduce(mac.truncated(start)));
    // Each code is computed once and carried to the next iteration as the pair's
    // first half.
    for counter in start..=end {
        let next = u64::from(digits.reduce(mac.truncated(counter.saturating_add(1))));
        // `&` of two `Choice`s, not `&&`: both halves are always compared.
        scan.fold_hit(current.ct_eq(&first) & next.ct_eq(&second));
        current = next;
    }
    scan.finish()
}

#[cfg(test)]
// Test arithmetic on small counters cannot overflow.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use crate::{Hotp, HotpConfig, Match, Secret, VerifyError, Window};
    use alloc::string::{String, ToString};

    /// RFC 4226 Appendix D.
    const CODES: [&str; 10] = [
        "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
        "520489",
    ];

    fn hotp() -> Hotp {
        Hotp::new(
            &Secret::from_bytes(b"12345678901234567890").unwrap(),
            HotpConfig::default(),
        )
    }

    #[test]
    fn finds_consecutive_pairs_only() {
        let h = hotp();
        let w = Window::look_ahead(20);
        let m = h
            .verify_consecutive(CODES[3], CODES[4], 0, w, None)
            .unwrap();
        assert_eq!((m.step, m.offset), (4, 4));
        let m = h
            .verify_consecutive(CODES[0], CODES[1], 0, w, None)
            .unwrap();
        assert_eq!((m.step, m.offset), (1, 1));
        for (a, b) in [(3, 5), (4, 3), (0, 0)] {
            assert_eq!(
                h.verify_consecutive(CODES[a], CODES[b], 0, w, None),
                Err(VerifyError::Mismatch)
            );
        }
        // Outside the window, used, malformed, too large.
        assert_eq!(
            h.verify_consecutive(CODES[8], CODES[9], 0, Window::look_ahead(7), None),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            h.verify_consecutive(CODES[8], CODES[9], 0, w, Some(8)),
            Err(VerifyError::Replayed)
        );
        assert!(h
            .verify_consecutive(CODES[8], CODES[9], 0, w, Some(7))
            .is_ok());
        assert!(matches!(
            h.verify_consecutive("1234", CODES[9], 0, w, None),
            Err(VerifyError::Malformed(_))
        ));
        assert_eq!(
            h.verify_consecutive(CODES[8], CODES[9], 0, Window::look_ahead(1001), None),
            Err(VerifyError::WindowTooLarge)
        );
    }

    #[test]
    fn never_steps_past_u64_max() {
        let h = hotp();
        let (a, b) = (h.generate(u64::MAX - 1), h.generate(u64::MAX));
        let (a, b) = (a.to_string(), b.to_string());
        let m = h
            .verify_consecutive(&a, &b, u64::MAX - 3, Window::look_ahead(10), None)
            .unwrap();
        assert_eq!((m.step, m.offset), (u64::MAX, 3));
        // The pair starting at u64::MAX would need counter 2^64: not tried.
        let c = h.generate(u64::MAX).to_string();
        assert_eq!(
            h.verify_consecutive(&c, &a, u64::MAX, Window::look_ahead(10), None),
            Err(VerifyError::Mismatch)
        );
    }

    /// The decision written the obvious way, with branches and early exits: what
    /// the branch-free scan must agree with.
    fn reference(
        h: &Hotp,
        (first, second): (&str, &str),
        expected: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Match, VerifyError> {
        let start = expected.saturating_sub(window.behind);
        let end = expected.saturating_add(window.ahead).min(u64::MAX - 1);
        let hits = (start..=end).filter(|&c| {
            h.generate(c).to_string() == first && h.generate(c + 1).to_string() == second
        });
        let (mut fresh, mut replayed) = (None, false);
        for c in hits {
            if last_used.is_none_or(|used| c > used) {
                fresh = Some(c + 1);
            } else {
                replayed = true;
            }
        }
        match fresh {
            Some(step) => Ok(Match {
                step,
                offset: i64::try_from(step).unwrap() - i64::try_from(expected).unwrap(),
            }),
            None if replayed => Err(VerifyError::Replayed),
            None => Err(VerifyError::Mismatch),
        }
    }

    #[test]
    fn outcomes_match_the_branching_reference() {
        let h = hotp();
        let code = |c: u64| h.generate(c).to_string();
        let window = Window::new(3, 4);
        let expected = 20;
        // Named cases first: negative and positive offsets, replay, mismatch.
        let pair = |c: u64| (code(c), code(c + 1));
        let run = |(a, b): &(String, String), last_used| {
            h.verify_consecutive(a, b, expected, window, last_used)
        };
        let behind = run(&pair(17), None).unwrap();
        assert_eq!((behind.step, behind.offset), (18, -2));
        let at = run(&pair(19), None).unwrap();
        assert_eq!((at.step, at.offset), (20, 0));
        let ahead = run(&pair(24), None).unwrap();
        assert_eq!((ahead.step, ahead.offset), (25, 5));
        assert_eq!(run(&pair(17), Some(17)), Err(VerifyError::Replayed));
        assert_eq!(run(&pair(24), Some(30)), Err(VerifyError::Replayed));
        assert_eq!(run(&pair(16), None), Err(VerifyError::Mismatch));
        assert_eq!(run(&pair(25), None), Err(VerifyError::Mismatch));
        assert_eq!(run(&(code(19), code(21)), None), Err(VerifyError::Mismatch));

        // Then every pair in and around the window against every `last_used`
        // around it, and windows that clip at 0.
        for expected in [0u64, 1, 2, 20] {
            for c in expected.saturating_sub(5)..expected + 7 {
                let (a, b) = pair(c);
                for last_used in [None, Some(0)]
                    .into_iter()
                    .chain((c.saturating_sub(2)..c + 3).map(Some))
                {
                    assert_eq!(
                        h.verify_consecutive(&a, &b, expected, window, last_used),
                        reference(&h, (&a, &b), expected, window, last_used),
                        "pair at {c}, expected {expected}, last used {last_used:?}"
                    );
                }
            }
        }
    }

    fn totp() -> crate::Totp {
        crate::Totp::new(
            &Secret::from_bytes(b"12345678901234567890").unwrap(),
            crate::TotpConfig::default(),
        )
    }

    /// The TOTP form written the obvious way: the window bounds the second code.
    fn totp_reference(
        t: &crate::Totp,
        (first, second): (&str, &str),
        centre: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Match, VerifyError> {
        let lo = centre.saturating_sub(window.behind).max(1);
        let hi = centre.saturating_add(window.ahead);
        let (mut fresh, mut replayed) = (None, false);
        for s in lo..=hi {
            if t.generate_step(s - 1).to_string() == first
                && t.generate_step(s).to_string() == second
            {
                if last_used.is_none_or(|used| s - 1 > used) {
                    fresh = Some(s);
                } else {
                    replayed = true;
                }
            }
        }
        match fresh {
            Some(step) => Ok(Match {
                step,
                offset: i64::try_from(step).unwrap() - i64::try_from(centre).unwrap(),
            }),
            None if replayed => Err(VerifyError::Replayed),
            None => Err(VerifyError::Mismatch),
        }
    }

    #[test]
    fn totp_pairs_end_in_the_window() {
        let t = totp();
        let code = |s: u64| t.generate_step(s).to_string();
        let w = Window::symmetric(3);
        // The second code's step is what the window bounds and what matches.
        let m = t
            .verify_consecutive(&code(96), &code(97), 100, w, None)
            .unwrap();
        assert_eq!((m.step, m.offset), (97, -3));
        let m = t
            .verify_consecutive(&code(102), &code(103), 100, w, None)
            .unwrap();
        assert_eq!((m.step, m.offset), (103, 3));
        for (a, b) in [(95, 96), (103, 104), (100, 102), (101, 100)] {
            assert_eq!(
                t.verify_consecutive(&code(a), &code(b), 100, w, None),
                Err(VerifyError::Mismatch),
                "{a} {b}"
            );
        }
        assert_eq!(
            t.verify_consecutive(&code(99), &code(100), 100, w, Some(99)),
            Err(VerifyError::Replayed)
        );
        assert_eq!(
            t.verify_consecutive(&code(99), &code(100), 100, Window::symmetric(501), None),
            Err(VerifyError::WindowTooLarge)
        );
        // Step 0 has no predecessor; u64::MAX is reachable.
        assert_eq!(
            t.verify_consecutive(&code(0), &code(1), 0, Window::exact(), None),
            Err(VerifyError::Mismatch)
        );
        let m = t
            .verify_consecutive(&code(u64::MAX - 1), &code(u64::MAX), u64::MAX, w, None)
            .unwrap();
        assert_eq!((m.step, m.offset), (u64::MAX, 0));
    }

    #[test]
    fn totp_outcomes_match_the_branching_reference() {
        let t = totp();
        let code = |s: u64| t.generate_step(s).to_string();
        for window in [Window::new(3, 4), Window::exact(), Window::new(0, 2)] {
            for centre in [0u64, 1, 2, 20] {
                for s in centre.saturating_sub(6)..centre + 7 {
                    let (a, b) = (code(s.saturating_sub(1)), code(s));
                    for last_used in [None, Some(0)]
                        .into_iter()
                        .chain((s.saturating_sub(3)..s + 2).map(Some))
                    {
                        assert_eq!(
                            t.verify_consecutive(&a, &b, centre, window, last_used),
                            totp_reference(&t, (&a, &b), centre, window, last_used),
                            "pair ending at {s}, centre {centre}, {window:?}, last used {last_used:?}"
                        );
                    }
                }
            }
        }
    }
}
