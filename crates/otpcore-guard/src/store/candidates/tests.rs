//! `Candidates::decide` against the scan it replaces: for every recorded
//! state, the same answer as `Totp::verify_step` around the drift-corrected
//! step.

// Test arithmetic on small constants: an overflow here is a test bug.
#![allow(clippy::arithmetic_side_effects)]

use super::*;
use alloc::vec::Vec;
use otpcore::{Secret, Totp, TotpConfig};

const EXPECTED: u64 = 1_000;

fn totp() -> Totp {
    Totp::new(
        &Secret::from_bytes(b"12345678901234567890").unwrap(),
        TotpConfig::default(),
    )
}

fn candidates(t: &Totp, input: &str, max_drift: u64, window: Window) -> Candidates {
    let first = EXPECTED - max_drift - window.behind;
    let n = usize::try_from(2 * max_drift + window.behind + window.ahead + 1).unwrap();
    let mut bits: Vec<u8> = alloc::vec![b'0'; n];
    t.match_steps(input, first, &mut bits).unwrap();
    Candidates::new(
        EXPECTED * 30,
        EXPECTED,
        max_drift,
        window,
        bits.into_boxed_slice(),
        Some(5_000),
        30,
    )
    .unwrap()
}

#[test]
fn decide_agrees_with_verify_step_for_every_state() {
    let t = totp();
    let window = Window::new(1, 2);
    let max_drift = 4;
    for target in EXPECTED - 8..=EXPECTED + 8 {
        let input = t.generate_step(target).to_string();
        let c = candidates(&t, &input, max_drift, window);
        for drift in -7..=7 {
            for last in [
                None,
                Some(EXPECTED - 9),
                Some(target - 1),
                Some(target),
                Some(target + 1),
            ] {
                let state = State {
                    last_step: last,
                    drift,
                    failures: 0,
                };
                let centre = EXPECTED.saturating_add_signed(drift.clamp(-4, 4));
                let want = t.verify_step(&input, centre, window, last).map(|m| m.step);
                let got = c.decide(&state).map(|(m, _)| m.step);
                assert_eq!(got, want, "target {target}, drift {drift}, last {last:?}");
                if let Ok((m, a)) = c.decide(&state) {
                    let offset = i64::try_from(m.step).unwrap() - 1_000;
                    assert_eq!(m.offset, offset);
                    assert_eq!(a.drift, offset.clamp(-4, 4));
                    assert_eq!(a.expires_at, Some(5_000 + (m.step - c.first()) * 30));
                }
            }
        }
    }
}

#[test]
fn new_checks_the_bits_and_debug_hides_them() {
    let w = Window::default();
    let bits = |s: &[u8]| s.to_vec().into_boxed_slice();
    assert_eq!(
        Candidates::new(0, 10, 1, w, bits(b"0001"), None, 30).unwrap_err(),
        CandidatesError::Length
    );
    assert_eq!(
        Candidates::new(0, 10, 1, w, bits(b"00x10"), None, 30).unwrap_err(),
        CandidatesError::NotABit
    );
    let c = Candidates::new(0, 10, 1, w, bits(b"00010"), None, 30).unwrap();
    assert_eq!(c.steps(), 8..=12);
    assert!(c.marks(11) && !c.marks(10) && !c.marks(13) && !c.marks(7));
    let debug = alloc::format!("{c:?}");
    assert!(!debug.contains("00010"), "{debug}");
    // Near step 0 the candidates start at 0.
    let c = Candidates::new(0, 1, 1, w, bits(b"0100"), None, 30).unwrap();
    assert_eq!(c.steps(), 0..=3);
    assert_eq!(c.window_at(-1), 0..=1);
}
