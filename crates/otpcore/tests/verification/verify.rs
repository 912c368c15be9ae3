//! Window semantics, replay refusal and checked arithmetic at the edges of `u64`.

use otpcore::{
    Code, CodeError, Digits, Hotp, HotpConfig, Match, Period, Secret, TimeError, Totp, TotpConfig,
    VerifyError, Window,
};

fn secret() -> Secret {
    Secret::from_bytes(b"12345678901234567890").unwrap()
}

fn totp(period: u64, t0: u64) -> Totp {
    let config = TotpConfig {
        period: Period::new(period).unwrap(),
        t0,
        ..TotpConfig::default()
    };
    Totp::new(&secret(), config)
}

fn hotp() -> Hotp {
    Hotp::new(&secret(), HotpConfig::default())
}

#[test]
fn asymmetric_window_accepts_exactly_its_steps() {
    let totp = totp(30, 0);
    let now = 1_000 * 30 + 7; // step 1000
    let window = Window::new(2, 1);
    for step in 990..1010u64 {
        let code = totp.generate_step(step).to_string();
        let result = totp.verify_at(&code, now, window, None);
        if (998..=1001).contains(&step) {
            let offset = step as i64 - 1000;
            assert_eq!(result, Ok(Match { step, offset }), "step {step}");
        } else {
            assert_eq!(result, Err(VerifyError::Mismatch), "step {step}");
        }
    }
}

#[test]
fn last_used_refuses_that_step_and_older() {
    let totp = totp(30, 0);
    let code = totp.generate_step(500).to_string();
    let at = 500 * 30;
    assert_eq!(
        totp.verify_at(&code, at, Window::default(), Some(499))
            .map(|m| m.step),
        Ok(500)
    );
    assert_eq!(
        totp.verify_at(&code, at, Window::default(), Some(500)),
        Err(VerifyError::Replayed)
    );
    assert_eq!(
        totp.verify_at(&code, at, Window::default(), Some(u64::MAX)),
        Err(VerifyError::Replayed)
    );
    // Grouping the digits differently does not make a used code new (CVE-2025-6014):
    // the decision is keyed on the step, not on the text.
    let spaced = format!("{} {}", &code[..3], &code[3..]);
    assert_eq!(
        totp.verify_at(&spaced, at, Window::default(), Some(500)),
        Err(VerifyError::Replayed)
    );
}

/// Finds two steps within `span` of each other that share their six digits.
fn colliding_steps(hotp: &Hotp, span: u64) -> (u64, u64) {
    let mut seen = std::collections::HashMap::new();
    for step in 0..200_000u64 {
        let code = hotp.generate(step).value();
        if let Some(&earlier) = seen.get(&code) {
            if step - earlier <= span {
                return (earlier, step);
            }
        }
        seen.insert(code, step);
    }
    panic!("no collision found");
}

#[test]
fn newest_acceptable_step_wins_when_digits_repeat() {
    let hotp = hotp();
    let (older, newer) = colliding_steps(&hotp, Window::MAX_SPAN);
    let code = hotp.generate(older).to_string();
    let window = Window::new(0, newer - older);
    let m = hotp.verify(&code, older, window, None).unwrap();
    assert_eq!(m.step, newer);
    // With the newer one used, the older one is refused too (it is older still).
    assert_eq!(
        hotp.verify(&code, older, window, Some(newer)),
        Err(VerifyError::Replayed)
    );
    // With only the older one used, the newer one is accepted.
    assert_eq!(
        hotp.verify(&code, older, window, Some(older))
            .map(|m| m.step),
        Ok(newer)
    );
}

#[test]
fn window_size_is_bounded() {
    let hotp = hotp();
    let code = hotp.generate(0).to_string();
    assert!(hotp.verify(&code, 0, Window::new(500, 500), None).is_ok());
    assert_eq!(
        hotp.verify(&code, 0, Window::new(500, 501), None),
        Err(VerifyError::WindowTooLarge)
    );
    for w in [
        Window::new(u64::MAX, 0),
        Window::new(0, u64::MAX),
        Window::new(u64::MAX, u64::MAX),
    ] {
        assert_eq!(
            hotp.verify(&code, 0, w, None),
            Err(VerifyError::WindowTooLarge)
        );
    }
}

#[test]
fn steps_outside_u64_do_not_exist() {
    let hotp = hotp();
    // Counter 0 with a window behind: only 0 and 1 exist.
    let code = hotp.generate(0).to_string();
    assert_eq!(
        hotp.verify(&code, 0, Window::new(5, 1), None),
        Ok(Match { step: 0, offset: 0 })
    );
    // Counter at u64::MAX with a look-ahead: no wrap to 0.
    let top = hotp.generate(u64::MAX).to_string();
    assert_eq!(
        hotp.verify(&top, u64::MAX, Window::look_ahead(10), None),
        Ok(Match {
            step: u64::MAX,
            offset: 0
        })
    );
    let zero = hotp.generate(0).to_string();
    if zero != top {
        assert_eq!(
            hotp.verify(&zero, u64::MAX, Window::look_ahead(10), None),
            Err(VerifyError::Mismatch)
        );
    }
    assert_eq!(
        hotp.verify(
            &hotp.generate(u64::MAX - 1).to_string(),
            u64::MAX,
            Window::new(1, 1000 - 1),
            None
        ),
        Ok(Match {
            step: u64::MAX - 1,
            offset: -1
        })
    );
}

#[test]
fn time_arithmetic_is_checked() {
    let totp = totp(30, 1_000);
    assert_eq!(totp.step_at(999), Err(TimeError::BeforeT0));
    assert_eq!(totp.generate_at(0), Err(TimeError::BeforeT0));
    assert_eq!(
        totp.verify_at("123456", 999, Window::default(), None),
        Err(VerifyError::Time(TimeError::BeforeT0))
    );
    assert_eq!(totp.step_at(1_000), Ok(0));
    assert_eq!(totp.step_at(u64::MAX), Ok((u64::MAX - 1_000) / 30));
    assert!(totp.generate_at(u64::MAX).is_ok());
    assert_eq!(totp.step_start(0), Some(1_000));
    assert_eq!(totp.step_start(u64::MAX), None);
    // Period 1 and period u64::MAX are both valid.
    let fine = totp_with(1);
    assert_eq!(fine.step_at(u64::MAX), Ok(u64::MAX));
    let code = fine.generate_at(u64::MAX).unwrap().to_string();
    assert_eq!(
        fine.verify_at(&code, u64::MAX, Window::symmetric(3), None)
            .map(|m| m.step),
        Ok(u64::MAX)
    );
    let coarse = totp_with(u64::MAX);
    assert_eq!(coarse.step_at(u64::MAX - 1), Ok(0));
    assert_eq!(coarse.step_at(u64::MAX), Ok(1));
}

fn totp_with(period: u64) -> Totp {
    totp(period, 0)
}

#[test]
fn malformed_input_is_an_error_not_a_mismatch() {
    let totp = totp(30, 0);
    for (input, err) in [
        (
            "12345",
            CodeError::Length {
                expected: 6,
                found: 5,
            },
        ),
        (
            "1234567",
            CodeError::Length {
                expected: 6,
                found: 7,
            },
        ),
        ("12345x", CodeError::InvalidCharacter),
        ("１２３４５６", CodeError::InvalidCharacter),
        ("-123456", CodeError::MisplacedSeparator),
    ] {
        assert_eq!(
            totp.verify_at(input, 59, Window::default(), None),
            Err(VerifyError::Malformed(err)),
            "{input}"
        );
    }
}

#[test]
fn every_digit_count_round_trips() {
    for d in 6..=10 {
        let digits = Digits::new(d).unwrap();
        let hotp = Hotp::new(
            &secret(),
            HotpConfig {
                digits,
                ..HotpConfig::default()
            },
        );
        for counter in 0..50 {
            let code = hotp.generate(counter);
            let text = code.to_string();
            assert_eq!(text.len(), d as usize);
            assert_eq!(Code::parse(&text, digits), Ok(code));
            assert_eq!(
                hotp.verify(&text, counter, Window::exact(), None)
                    .map(|m| m.step),
                Ok(counter)
            );
        }
    }
}
