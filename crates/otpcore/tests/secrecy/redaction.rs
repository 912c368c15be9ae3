//! No public type's `Debug`/`Display` and no error message contains the secret, in
//! raw, hex or base32 form (upper or lower case).

use otpcore::{
    Code, Digits, Hotp, HotpConfig, KeyUri, Period, Secret, SecretPolicy, Totp, TotpConfig, Window,
};

const RAW: &[u8] =
    b"\x8f\x13\xa9\x02\x7e\x55\xc1\x90\x4d\x2b\xee\x61\x07\xf4\x38\x9a\xb5\x20\x6c\xd1";

fn forms() -> Vec<String> {
    let secret = Secret::from_bytes(RAW).unwrap();
    let b32 = secret.expose_base32().to_string();
    let hex: String = RAW.iter().map(|b| format!("{b:02x}")).collect();
    vec![
        b32[..12].to_string(),
        b32[..12].to_lowercase(),
        hex[..12].to_string(),
        hex[..12].to_uppercase(),
        String::from_utf8_lossy(&RAW[..6]).into_owned(),
        format!("{:?}", &RAW[..4]),
    ]
}

fn assert_clean(what: &str, text: &str) {
    for form in forms() {
        assert!(!text.contains(&form), "{what} leaks the secret: {text}");
    }
}

#[test]
fn debug_of_every_public_type_is_redacted() {
    let secret = Secret::from_bytes(RAW).unwrap();
    let b32 = secret.expose_base32().to_string();
    let hotp = Hotp::new(&secret, HotpConfig::default());
    let totp = Totp::new(&secret, TotpConfig::default());
    let uri = KeyUri::totp(secret.clone(), Some("Acme"), "me").unwrap();
    let m = totp.verify_at(
        &totp.generate_at(1_000).unwrap().to_string(),
        1_000,
        Window::default(),
        None,
    );
    let texts = [
        ("Secret", format!("{secret:?}")),
        ("Hotp", format!("{hotp:?}")),
        ("Totp", format!("{totp:?}")),
        ("KeyUri", format!("{uri:?}")),
        ("Match", format!("{m:?}")),
        (
            "Code",
            format!(
                "{:?} {}",
                totp.generate_at(0).unwrap(),
                totp.generate_at(0).unwrap()
            ),
        ),
        ("TotpConfig", format!("{:?}", totp.config())),
        ("Window", format!("{:?}", Window::default())),
    ];
    for (what, text) in &texts {
        assert_clean(what, text);
    }
    assert_eq!(format!("{secret:?}"), "Secret(..)");
    // Sanity: the check does find the secret where it is.
    assert!(uri.to_uri_string().contains(&b32));
}

#[test]
fn error_messages_are_redacted() {
    let b32 = Secret::from_bytes(RAW).unwrap().expose_base32().to_string();
    let hex: String = RAW.iter().map(|b| format!("{b:02x}")).collect();
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut record = |what: &str, debug: String, display: String| {
        errors.push((what.to_string(), format!("{debug} / {display}")));
    };
    for input in [
        format!("{b32}!"),
        b32[..14].to_string(),
        hex.clone(),
        format!("{b32}1"),
    ] {
        if let Err(e) = Secret::from_base32(&input) {
            record("SecretError", format!("{e:?}"), e.to_string());
        }
    }
    for uri in [
        format!("otpauth://totp/:a:b?secret={b32}"),
        format!("otpauth://totp/A:b?secret={b32}&encoder=x"),
        format!("otpauth://steam/A:b?secret={b32}&digits=6"),
        format!("steam://{}", &b32[..15]),
        format!("otpauth://totp/A:b?secret={b32}&period=0"),
        format!("otpauth://totp/A:b?secret={b32}&digits=12"),
        format!("otpauth://hotp/A:b?secret={b32}"),
        format!("otpauth://totp/A:b?secret={b32}%"),
        format!("otpauth://totp/A:b?secret={}", &b32[..15]),
        format!("otpauth://xotp/A:b?secret={b32}"),
        format!("otpauth://totp/A:b?secret={b32}&secret={b32}"),
    ] {
        let e = KeyUri::parse(&uri).unwrap_err();
        record("UriError", format!("{e:?}"), e.to_string());
    }
    let totp = Totp::new(
        &Secret::from_bytes(RAW).unwrap(),
        TotpConfig {
            t0: 10,
            ..TotpConfig::default()
        },
    );
    for (input, at) in [
        (b32.as_str(), 100),
        ("12345", 100),
        ("000000", 100),
        ("000000", 0),
    ] {
        let e = totp
            .verify_at(input, at, Window::default(), None)
            .unwrap_err();
        record("VerifyError", format!("{e:?}"), e.to_string());
    }
    let e = Code::parse(&b32, Digits::SIX).unwrap_err();
    record("CodeError", format!("{e:?}"), e.to_string());
    let e = Period::new(0).unwrap_err();
    record("ParamError", format!("{e:?}"), e.to_string());
    let e = Secret::from_bytes_with_policy(&RAW[..9], SecretPolicy::Legacy).unwrap_err();
    record("SecretError", format!("{e:?}"), e.to_string());
    assert!(errors.len() >= 18);
    for (what, text) in &errors {
        assert_clean(what, text);
    }
}
