//! Shared inputs: the RFC 6238 secrets and a fixed time.

use otpcore::{Algorithm, Digits, Secret, Totp, TotpConfig, Window};

/// A unix time well inside a 30-second step (step 41_152_263).
pub const AT: u64 = 1_234_567_890;

pub const ALGORITHMS: [(Algorithm, &str); 3] = [
    (Algorithm::Sha1, "sha1"),
    (Algorithm::Sha256, "sha256"),
    (Algorithm::Sha512, "sha512"),
];

/// The RFC 6238 Appendix B secret for each algorithm (20, 32, 64 bytes).
pub fn key(algorithm: Algorithm) -> &'static [u8] {
    match algorithm {
        Algorithm::Sha1 => b"12345678901234567890",
        Algorithm::Sha256 => b"12345678901234567890123456789012",
        Algorithm::Sha512 => b"1234567890123456789012345678901234567890123456789012345678901234",
    }
}

pub fn totp(algorithm: Algorithm, digits: Digits) -> Totp {
    let secret = Secret::from_bytes(key(algorithm)).unwrap();
    Totp::new(
        &secret,
        TotpConfig {
            algorithm,
            digits,
            ..TotpConfig::default()
        },
    )
}

/// A window of `candidates` steps (an odd number), centred on the expected step.
pub fn window(candidates: u64) -> Window {
    Window::symmetric(candidates / 2)
}

/// The correct code at [`AT`] (the expected step, in the middle of the window:
/// early-exit peers stop halfway) and a code that matches no step in a ±10 window.
pub fn codes(totp: &Totp) -> (String, String) {
    let ok = totp.generate_at(AT).unwrap().to_string();
    let step = totp.step_at(AT).unwrap();
    let near: Vec<String> = (step - 10..=step + 10)
        .map(|s| totp.generate_step(s).to_string())
        .collect();
    let digits = usize::from(totp.config().digits.get());
    let wrong = (0u64..)
        .map(|n| format!("{n:0digits$}"))
        .find(|c| !near.contains(c))
        .unwrap();
    (ok, wrong)
}
