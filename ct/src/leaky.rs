//! A deliberately leaky TOTP verifier: the test fixture that shows the
//! constant-time harness (`ct/src/main.rs`) detects a timing leak.
//!
//! It is written the way CVE-2022-29185-class verifiers are: it scans the window
//! from the oldest step, returns at the first match, and compares the digits with
//! an early-exit string comparison. Never use it; it is not part of otpcore's API
//! and is compiled only into the harness.

use otpcore::{Match, Totp, VerifyError, Window};

/// Verifies like [`Totp::verify_at`], but returns as soon as a step matches.
pub fn verify_at(totp: &Totp, input: &str, at: u64, window: Window) -> Result<Match, VerifyError> {
    let expected = totp.step_at(at)?;
    let first = expected.saturating_sub(window.behind);
    let last = expected.saturating_add(window.ahead);
    for step in first..=last {
        // Early exit twice over: `==` on strings stops at the first differing byte,
        // and `return` skips the rest of the window.
        if totp.generate_step(step).to_string() == input {
            let offset = i64::try_from(step).unwrap_or(i64::MAX)
                - i64::try_from(expected).unwrap_or(i64::MAX);
            return Ok(Match { step, offset });
        }
    }
    Err(VerifyError::Mismatch)
}
