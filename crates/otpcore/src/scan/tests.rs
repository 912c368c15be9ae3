//! The scan's decision against a plain model of it, and its arithmetic at the
//! ends of `u64`.

use super::{offset, Scan};
use crate::verify::{Match, VerifyError};
use alloc::vec;
use alloc::vec::Vec;
use subtle::Choice;

/// What a scan of `first..first + hits.len()` must decide, written the obvious
/// way: the newest matching step above `last_used` is accepted; otherwise a
/// match at or below it is a replay; otherwise nothing matched.
fn model(
    first: u64,
    hits: &[bool],
    expected: u64,
    last_used: Option<u64>,
) -> Result<Match, VerifyError> {
    let steps = (0u64..)
        .zip(hits)
        .filter(|(_, hit)| **hit)
        .map(|(k, _)| first + k);
    let fresh = |step: &u64| last_used.is_none_or(|used| *step > used);
    match steps.clone().filter(fresh).last() {
        Some(step) => Ok(Match {
            step,
            offset: offset(step, expected),
        }),
        None if steps.count() > 0 => Err(VerifyError::Replayed),
        None => Err(VerifyError::Mismatch),
    }
}

/// Every pattern of matches in windows of one to six steps, at the bottom,
/// middle and top of `u64`, against every kind of `last_used`: none, below the
/// window, on each of its steps, above it, and `u64::MAX`.
#[test]
fn decides_like_the_model() {
    // Under Miri (1000x slower) windows of up to three steps.
    let longest = if cfg!(miri) { 3 } else { 6 };
    for len in 1..=longest {
        for first in [0, 1, 1_000_000, u64::MAX - len + 1] {
            let last = first + (len - 1);
            let expected = first + len / 2;
            let mut used: Vec<Option<u64>> = vec![None, Some(u64::MAX), last.checked_add(1)];
            used.extend((0..len).map(|k| Some(first + k)));
            if first > 0 {
                used.push(Some(first - 1));
                used.push(Some(0));
            }
            for last_used in used {
                for pattern in 0..(1u32 << len) {
                    let hits: Vec<bool> = (0..len).map(|k| pattern >> k & 1 == 1).collect();
                    let mut scan = Scan::over(0, expected, first, last, last_used);
                    assert_eq!(scan.pending(), usize::try_from(len).unwrap());
                    for hit in &hits {
                        scan.fold_hit(Choice::from(u8::from(*hit)));
                    }
                    assert_eq!(
                        scan.finish(),
                        model(first, &hits, expected, last_used),
                        "first {first} hits {hits:?} last_used {last_used:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn offset_is_the_signed_difference_at_the_extremes() {
    for (step, expected, diff) in [
        (5, 5, 0),
        (6, 5, 1),
        (4, 5, -1),
        (0, 1000, -1000),
        (1000, 0, 1000),
        (u64::MAX, u64::MAX - 1000, 1000),
        (u64::MAX - 1000, u64::MAX, -1000),
        (0, 0, 0),
    ] {
        assert_eq!(offset(step, expected), diff, "{step} - {expected}");
    }
}
