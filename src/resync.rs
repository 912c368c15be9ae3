//! The constant-time scan behind [`Hotp::verify_consecutive`](crate::Hotp::verify_consecutive):
//! RFC 4226 §7.4 resynchronisation with two consecutive codes.

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

use crate::mac::KeyedMac;
use crate::{Code, Digits, Match, VerifyError, Window};

/// Finds a counter `c` in `window` around `expected` such that `first` is the code
/// for `c` and `second` the code for `c + 1`, with `c > last_used`.
///
/// Returns the match for the *second* code (`step = c + 1`): the counter to store
/// as the last one used. Counters whose successor would exceed `u64::MAX` are not
/// tried.
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

    let mut accepted = Choice::from(0);
    let mut replayed = Choice::from(0);
    let mut best = 0u64;
    let mut current = u64::from(digits.reduce(mac.truncated(start)));
    // Security: as in `verify::scan`, every pair in the window is computed and
    // compared whether or not an earlier one matched; each code is computed once
    // and carried to the next iteration as the pair's first half.
    for counter in start..=end {
        let next_counter = counter.saturating_add(1);
        let next = u64::from(digits.reduce(mac.truncated(next_counter)));
        let hit = current.ct_eq(&first) & next.ct_eq(&second);
        let fresh = Choice::from(u8::from(last_used.is_none_or(|used| counter > used)));
        let take = hit & fresh;
        best = u64::conditional_select(&best, &next_counter, take);
        accepted |= take;
        replayed |= hit & !fresh;
        current = next;
    }

    if bool::from(accepted) {
        let offset = i64::try_from(best.abs_diff(expected)).unwrap_or(i64::MAX);
        let offset = if best >= expected {
            offset
        } else {
            offset.wrapping_neg()
        };
        Ok(Match { step: best, offset })
    } else if bool::from(replayed) {
        Err(VerifyError::Replayed)
    } else {
        Err(VerifyError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Hotp, HotpConfig, Secret, VerifyError, Window};
    use alloc::string::ToString;

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
}
