//! `Totp`/`Hotp` verification with arbitrary secret, parameters, time, window,
//! `last_used` and input: never panics; an accepted code is the one generated at
//! the matched step, inside the window and after `last_used`; a generated code
//! always verifies at its own step and is refused as a replay once used.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use otpcore::{
    Algorithm, Digits, Hotp, HotpConfig, Match, Period, Secret, SecretPolicy, Totp, TotpConfig,
    VerifyError, Window,
};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    secret: &'a [u8],
    algorithm: u8,
    digits: u32,
    period: u64,
    t0: u64,
    at: u64,
    /// Raw window sides; `small_window` folds them into 0..8 so that most runs
    /// reach the scan instead of `WindowTooLarge`.
    behind: u64,
    ahead: u64,
    small_window: bool,
    last_used: Option<u64>,
    hotp: bool,
    code: &'a str,
}

fn check(m: Match, expected: u64, window: Window, last_used: Option<u64>) {
    assert!(m.step >= expected.saturating_sub(window.behind));
    assert!(m.step <= expected.saturating_add(window.ahead));
    assert_eq!(
        i128::from(m.offset),
        i128::from(m.step) - i128::from(expected)
    );
    assert!(last_used.is_none_or(|used| m.step > used));
}

fuzz_target!(|input: Input| {
    let Ok(secret) = Secret::from_bytes_with_policy(input.secret, SecretPolicy::Legacy) else {
        return;
    };
    let algorithm = match input.algorithm % 3 {
        0 => Algorithm::Sha1,
        1 => Algorithm::Sha256,
        _ => Algorithm::Sha512,
    };
    let digits = Digits::new(input.digits).unwrap_or_default();
    let window = if input.small_window {
        Window::new(input.behind % 8, input.ahead % 8)
    } else {
        Window::new(input.behind, input.ahead)
    };
    let too_large = window
        .behind
        .checked_add(window.ahead)
        .is_none_or(|s| s > Window::MAX_SPAN);

    if input.hotp {
        let hotp = Hotp::new(&secret, HotpConfig { algorithm, digits });
        let counter = input.at;
        match hotp.verify(input.code, counter, window, input.last_used) {
            Ok(m) => {
                check(m, counter, window, input.last_used);
                assert_eq!(
                    hotp.generate(m.step).to_string(),
                    input.code.replace([' ', '-'], "")
                );
            }
            Err(VerifyError::WindowTooLarge) => assert!(too_large),
            Err(_) => {}
        }
        let code = hotp.generate(counter).to_string();
        let m = hotp
            .verify(&code, counter, Window::exact(), None)
            .expect("own code");
        assert_eq!((m.step, m.offset), (counter, 0));
        if !too_large {
            let m = hotp
                .verify(&code, counter, window, None)
                .expect("own code in window");
            check(m, counter, window, None);
            assert_eq!(hotp.generate(m.step).to_string(), code);
        }
        assert_eq!(
            hotp.verify(&code, counter, Window::exact(), Some(counter)),
            Err(VerifyError::Replayed)
        );
        return;
    }

    let config = TotpConfig {
        algorithm,
        digits,
        period: Period::new(input.period).unwrap_or_default(),
        t0: input.t0,
    };
    let totp = Totp::new(&secret, config);
    let result = totp.verify_at(input.code, input.at, window, input.last_used);
    let Ok(expected) = totp.step_at(input.at) else {
        // Before t0: a typed error, never a panic and never a match.
        assert!(matches!(
            result,
            Err(VerifyError::Time(_) | VerifyError::WindowTooLarge)
        ));
        assert!(totp.generate_at(input.at).is_err());
        return;
    };
    match result {
        Ok(m) => {
            check(m, expected, window, input.last_used);
            assert_eq!(
                totp.generate_step(m.step).to_string(),
                input.code.replace([' ', '-'], "")
            );
        }
        Err(VerifyError::WindowTooLarge) => assert!(too_large),
        Err(_) => {}
    }
    let code = totp.generate_at(input.at).expect("at >= t0").to_string();
    let m = totp
        .verify_at(&code, input.at, Window::exact(), None)
        .expect("own code");
    assert_eq!((m.step, m.offset), (expected, 0));
    if !too_large {
        let m = totp
            .verify_at(&code, input.at, window, None)
            .expect("own code in window");
        check(m, expected, window, None);
        assert_eq!(totp.generate_step(m.step).to_string(), code);
    }
    assert_eq!(
        totp.verify_at(&code, input.at, Window::exact(), Some(expected)),
        Err(VerifyError::Replayed)
    );
    if let Some(start) = totp.step_start(expected) {
        assert!(start <= input.at);
        assert_eq!(totp.step_at(start), Ok(expected));
    }
});
