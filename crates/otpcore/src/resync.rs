//! The constant-time scan behind [`Hotp::verify_consecutive`](crate::Hotp::verify_consecutive):
//! RFC 4226 §7.4 resynchronisation with two consecutive codes.

use subtle::ConstantTimeEq;

use crate::mac::KeyedMac;
use crate::verify::Scan;
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
/// offset's sign are selected, never branched on, and [`Scan::finish`] builds the
/// `Result` without a branch (see its doc comment for the code it compiles to,
/// here as in `verify::scan`).
pub(crate) fn scan_consecutive(
    mac: &KeyedMac,
    digits: Digits,
    (first, second): (&str, &str),
    expected: u64,
    window: Window,
    last_used: Option<u64>,
) -> Result<Match, VerifyError> {
    window.candidates().ok_or(VerifyError::WindowTooLarge)?;
    let first = Code::parse(first, digits)?.value();
    let second = Code::parse(second, digits)?.value();
    let start = expected.saturating_sub(window.behind);
    // The pair at `c` needs the code for `c + 1`, so `c` stops one short of u64::MAX.
    let end = expected
        .saturating_add(window.ahead)
        .min(u64::MAX.saturating_sub(1));

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
}
