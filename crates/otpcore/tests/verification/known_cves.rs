//! Each known vulnerability of another OTP library, as a test that otpcore does not
//! have it. SECURITY.md lists them with what else guards against each.

use otpcore::{
    Digits, Hotp, HotpConfig, KeyUri, ParamError, Secret, Totp, TotpConfig, UriError, VerifyError,
    Window,
};

const SECRET: &[u8] = b"12345678901234567890";

fn totp() -> Totp {
    Totp::new(&Secret::from_bytes(SECRET).unwrap(), TotpConfig::default())
}

/// CVE-2015-7225 (devise-two-factor < 2.0.0): an accepted code could be used again
/// for the rest of its time step. Here the step a code matched is returned, and a
/// verifier given it back as `last_used` refuses that step and every older one.
#[test]
fn cve_2015_7225_a_used_code_is_refused_for_the_rest_of_its_step() {
    let totp = totp();
    let at = 1_111_111_109; // RFC 6238 Appendix B
    let code = totp.generate_at(at).unwrap().to_string();
    let used = totp.verify_at(&code, at, Window::default(), None).unwrap();
    // `at` is the last second of its step: the code stays in the ±1 window one more step.
    for later in [at, at + 1, at + 29, at + 30] {
        assert_eq!(
            totp.verify_at(&code, later, Window::default(), Some(used.step)),
            Err(VerifyError::Replayed),
            "at {later}"
        );
    }
    // An older code still inside the window is refused too, once a newer one was used.
    let older = totp.generate_step(used.step - 1).to_string();
    assert_eq!(
        totp.verify_at(&older, at, Window::default(), Some(used.step)),
        Err(VerifyError::Replayed)
    );
    // HOTP: the counter, likewise.
    let hotp = Hotp::new(&Secret::from_bytes(SECRET).unwrap(), HotpConfig::default());
    let m = hotp
        .verify("755224", 0, Window::look_ahead(3), None)
        .unwrap();
    assert_eq!(
        hotp.verify("755224", 0, Window::look_ahead(3), Some(m.step)),
        Err(VerifyError::Replayed)
    );
}

/// CVE-2025-6014 (HashiCorp Vault TOTP engine): the used-code check compared the
/// submitted text, so the same code with whitespace added passed it again. Here
/// replay protection works on the matched step, never the text: every spelling
/// of a used code is refused, and whitespace other than single inner separators
/// is not a code at all.
#[test]
fn cve_2025_6014_no_spelling_of_a_used_code_is_accepted_again() {
    let totp = totp();
    let at = 59;
    let code = totp.generate_at(at).unwrap().to_string();
    let used = totp.verify_at(&code, at, Window::default(), None).unwrap();
    let (a, b) = code.split_at(3);
    let spaced: String = code.chars().flat_map(|c| [c, ' ']).collect();
    for spelling in [
        code.clone(),
        format!("{a} {b}"),
        format!("{a}-{b}"),
        spaced.trim_end().to_string(),
        format!(" {code}"),
        format!("{code} "),
        format!("{code}\n"),
        format!("{a}\t{b}"),
        format!("{a}  {b}"),
        format!("{a}\u{a0}{b}"),
        format!("+{code}"),
        format!("0{code}"),
    ] {
        let result = totp.verify_at(&spelling, at, Window::default(), Some(used.step));
        assert!(
            matches!(
                result,
                Err(VerifyError::Replayed | VerifyError::Malformed(_))
            ),
            "{spelling:?} gave {result:?}"
        );
    }
}

/// CVE-2024-0227 (devise-two-factor): nothing limited failed attempts, so a code
/// could be brute-forced. The core cannot count attempts (that is the stateful
/// guard's job, with its stores), but it refuses to widen the guessing target:
/// a window of more than `Window::MAX_SPAN` steps is an error, computed nothing.
#[test]
fn cve_2024_0227_the_window_cannot_amplify_guessing() {
    let totp = totp();
    let code = totp.generate_at(1_000_000).unwrap().to_string();
    for window in [
        Window::new(Window::MAX_SPAN, 1),
        Window::symmetric(501),
        Window::new(u64::MAX, u64::MAX),
    ] {
        assert_eq!(
            totp.verify_at(&code, 1_000_000, window, None),
            Err(VerifyError::WindowTooLarge)
        );
    }
    assert!(totp
        .verify_at(&code, 1_000_000, Window::new(500, 500), None)
        .is_ok());
}

/// GHSA-g7m4-839x-ch6v (spomky-labs/otphp): an unbounded `digits` parameter in a
/// provisioning URI overflowed `10 ** digits` and crashed code generation. Here
/// `Digits` only holds 6 to 10, and a URI asking for anything else is refused
/// with a typed error.
#[test]
fn ghsa_g7m4_839x_ch6v_digits_from_a_uri_are_bounded() {
    let base = "otpauth://totp/Acme:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=";
    for (digits, expected) in [
        ("0", UriError::Param(ParamError::Digits(0))),
        ("5", UriError::Param(ParamError::Digits(5))),
        ("11", UriError::Param(ParamError::Digits(11))),
        ("309", UriError::Param(ParamError::Digits(309))),
        ("4294967296", UriError::Param(ParamError::Digits(u32::MAX))),
        ("99999999999999999999999", UriError::InvalidNumber("digits")),
        ("-6", UriError::InvalidNumber("digits")),
        ("6.0", UriError::InvalidNumber("digits")),
    ] {
        assert_eq!(
            KeyUri::parse(&format!("{base}{digits}")).err(),
            Some(expected),
            "digits={digits}"
        );
    }
    assert_eq!(Digits::new(u32::MAX), Err(ParamError::Digits(u32::MAX)));
    let ten = KeyUri::parse(&format!("{base}10")).unwrap();
    let code = ten.to_totp().unwrap().generate_at(59).unwrap().to_string();
    assert_eq!(code.len(), 10);
}
