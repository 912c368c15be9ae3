//! otpauth:// parsing of what real QR codes contain, and the typed refusals.

use otpcore::{
    Algorithm, Digits, KeyUri, OtpKind, ParamError, Period, Secret, SecretError, SecretPolicy,
    UriError,
};

const B32: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"; // 20 bytes

fn parse(uri: &str) -> Result<KeyUri, UriError> {
    KeyUri::parse(uri)
}

#[test]
fn google_key_uri_format_example() {
    // The example of the Key Uri Format wiki page, with its 10-byte secret.
    let uri = KeyUri::parse_with_policy(
        "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
        SecretPolicy::Legacy,
    )
    .unwrap();
    assert_eq!(uri.issuer(), Some("Example"));
    assert_eq!(uri.account(), "alice@google.com");
    assert_eq!(
        uri.kind(),
        OtpKind::Totp {
            period: Period::THIRTY
        }
    );
    assert_eq!(uri.algorithm(), Algorithm::Sha1);
    assert_eq!(uri.digits(), Digits::SIX);
    assert_eq!(uri.secret().expose_bytes(), b"Hello!\xde\xad\xbe\xef");
    // ... which the strict default refuses.
    assert_eq!(
        KeyUri::parse("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP"),
        Err(UriError::Secret(SecretError::TooShort { len: 10, min: 16 }))
    );
}

#[test]
fn accepts_real_world_variants() {
    let cases = [
        format!("otpauth://totp/ACME%20Co:john.doe@email.com?secret={B32}&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"),
        format!("OTPAUTH://TOTP/ACME+Co:john.doe@email.com?secret={}&issuer=ACME+Co&algorithm=sha1", B32.to_lowercase()),
        "otpauth://totp/ACME%20Co%3Ajohn.doe%40email.com?secret=JBSW%20Y3DP%20EHPK%203PXP%20JBSW%20Y3DP%20EHPK%203PXP&issuer=ACME%20Co".to_string(),
        format!("otpauth://totp/john.doe@email.com?secret={B32}====&issuer=ACME%20Co&image=https%3A%2F%2Fexample.com%2Flogo.png"),
        format!("otpauth://totp/ACME%20Co:%20john.doe@email.com?secret={B32}"),
    ];
    for case in &cases {
        let uri = parse(case).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(uri.issuer(), Some("ACME Co"), "{case}");
        assert_eq!(uri.account(), "john.doe@email.com", "{case}");
        assert_eq!(uri.secret().expose_base32().as_str(), B32, "{case}");
    }
}

#[test]
fn hotp_and_parameters() {
    let uri = parse(&format!(
        "otpauth://hotp/Bank:me?secret={B32}&counter=18446744073709551615&digits=8&algorithm=SHA512"
    ))
    .unwrap();
    assert_eq!(uri.kind(), OtpKind::Hotp { counter: u64::MAX });
    assert_eq!(uri.digits(), Digits::EIGHT);
    assert_eq!(uri.algorithm(), Algorithm::Sha512);
    assert!(uri.to_hotp().is_some() && uri.to_totp().is_none());
    let totp = parse(&format!(
        "otpauth://totp/me?secret={B32}&period=60&algorithm=SHA256"
    ))
    .unwrap();
    assert_eq!(
        totp.kind(),
        OtpKind::Totp {
            period: Period::new(60).unwrap()
        }
    );
    assert_eq!(totp.issuer(), None);
    assert_eq!(totp.to_totp().unwrap().config().period.get(), 60);
}

#[test]
fn typed_refusals() {
    let cases: Vec<(String, UriError)> = vec![
        ("https://example.com/?secret=X".into(), UriError::NotOtpauth),
        ("otpauth:/totp/x?secret=X".into(), UriError::NotOtpauth),
        (
            format!("otpauth://motp/x?secret={B32}"),
            UriError::UnknownType,
        ),
        ("otpauth://totp/x?issuer=Y".into(), UriError::MissingSecret),
        (
            format!("otpauth://totp/x?secret={B32}&period=0"),
            UriError::Param(ParamError::ZeroPeriod),
        ),
        (
            format!("otpauth://totp/x?secret={B32}&digits=5"),
            UriError::Param(ParamError::Digits(5)),
        ),
        (
            format!("otpauth://totp/x?secret={B32}&digits=11"),
            UriError::Param(ParamError::Digits(11)),
        ),
        (
            format!("otpauth://totp/x?secret={B32}&digits=99999999999"),
            UriError::Param(ParamError::Digits(u32::MAX)),
        ),
        (
            format!("otpauth://totp/x?secret={B32}&digits=%2B6"),
            UriError::InvalidNumber("digits"),
        ),
        (
            format!("otpauth://totp/x?secret={B32}&period=-30"),
            UriError::InvalidNumber("period"),
        ),
        (
            format!("otpauth://hotp/x?secret={B32}"),
            UriError::MissingCounter,
        ),
        (
            format!("otpauth://hotp/x?secret={B32}&counter=18446744073709551616"),
            UriError::InvalidNumber("counter"),
        ),
        (
            format!("otpauth://totp/A:x?secret={B32}&encoder=base26"),
            UriError::UnknownEncoder,
        ),
        (
            format!("otpauth://steam/A:x?secret={B32}&digits=6"),
            UriError::NotSteamParameters,
        ),
        (
            format!("otpauth://hotp/A:x?secret={B32}&counter=1&encoder=steam"),
            UriError::NotSteamParameters,
        ),
        (
            format!("otpauth://totp/x%ZZ?secret={B32}"),
            UriError::BadEncoding,
        ),
        (
            format!("otpauth://totp/x%FF?secret={B32}"),
            UriError::BadEncoding,
        ),
        (
            format!("otpauth://totp/x?secret={B32}&issuer=%"),
            UriError::BadEncoding,
        ),
        (
            format!("otpauth://totp/?secret={B32}"),
            UriError::MissingAccount,
        ),
        (
            format!("otpauth://totp/Issuer:?secret={B32}"),
            UriError::MissingAccount,
        ),
        (
            format!("otpauth://totp/x?secret={B32}&algorithm=MD5"),
            UriError::Param(ParamError::UnknownAlgorithm),
        ),
        (
            format!("otpauth://totp/x?secret={B32}&secret={B32}"),
            UriError::DuplicateParameter("secret"),
        ),
        (
            format!("otpauth://totp/x?secret={B32}&digits=6&digits=8"),
            UriError::DuplicateParameter("digits"),
        ),
        (
            "otpauth://totp/x?secret=JBSWY3DP!".into(),
            UriError::Secret(SecretError::InvalidBase32),
        ),
    ];
    for (uri, err) in cases {
        assert_eq!(parse(&uri).err(), Some(err), "{uri}");
    }
}

#[test]
fn builder_refuses_ambiguous_labels() {
    let s = || Secret::from_base32(B32).unwrap();
    assert_eq!(
        KeyUri::totp(s(), Some("A:B"), "me").err(),
        Some(UriError::ColonInLabel)
    );
    assert_eq!(
        KeyUri::totp(s(), None, "a:b").err(),
        Some(UriError::ColonInLabel)
    );
    assert_eq!(
        KeyUri::totp(s(), Some("Acme"), "").err(),
        Some(UriError::MissingAccount)
    );
    // With an issuer, a colon in the account is unambiguous.
    let uri = KeyUri::totp(s(), Some("Acme"), "a:b").unwrap();
    assert_eq!(KeyUri::parse(&uri.to_uri_string()), Ok(uri));
}

#[test]
fn built_uri_is_canonical() {
    let secret = Secret::from_base32(B32).unwrap();
    let uri = KeyUri::totp(secret, Some("ACME Co"), "john+otp@example.com").unwrap();
    assert_eq!(
        uri.to_uri_string().as_str(),
        format!("otpauth://totp/ACME%20Co:john%2Botp%40example.com?secret={B32}&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30")
    );
}

#[test]
fn image_and_steam_are_built_and_read_back() {
    let s = || Secret::from_base32(B32).unwrap();
    let logo = "https://example.com/logo.png?size=64&x=a b";
    let uri = KeyUri::totp(s(), Some("Acme"), "alice")
        .unwrap()
        .with_image(logo);
    assert_eq!(uri.image(), Some(logo));
    let text = uri.to_uri_string();
    assert!(text.ends_with("&image=https%3A%2F%2Fexample.com%2Flogo.png%3Fsize%3D64%26x%3Da%20b"));
    assert_eq!(parse(&text), Ok(uri.clone()));
    assert_eq!(uri.clone().with_image("").image(), None);

    let steam = KeyUri::steam(s(), Some("Steam"), "alice").unwrap();
    let text = steam.to_uri_string();
    assert_eq!(
        text.as_str(),
        format!("otpauth://steam/Steam:alice?secret={B32}&issuer=Steam&algorithm=SHA1&digits=5&period=30")
    );
    let again = parse(&text).unwrap();
    assert_eq!(again, steam);
    assert!(again.to_totp().is_none() && again.to_hotp().is_none());
    // Steam's parameters are fixed: the setters leave them alone.
    let same = steam
        .clone()
        .with_algorithm(Algorithm::Sha256)
        .with_digits(Digits::EIGHT)
        .with_period(Period::new(60).unwrap());
    assert_eq!(same, steam);
    // Every Steam form gives the same generator.
    let code = steam
        .to_steam()
        .unwrap()
        .generate_at(1_234_567_890)
        .unwrap();
    for form in [
        format!("otpauth://totp/Steam:alice?secret={B32}&encoder=steam&issuer=Steam"),
        format!("otpauth://totp/Steam:alice?secret={B32}&encoder=STEAM&digits=5&issuer=Steam"),
        format!("steam://{B32}"),
    ] {
        let uri = parse(&form).unwrap();
        assert_eq!(uri.kind(), OtpKind::Steam, "{form}");
        assert_eq!(
            uri.to_steam().unwrap().generate_at(1_234_567_890).unwrap(),
            code,
            "{form}"
        );
    }
    assert_eq!(
        parse(&format!("steam://{B32}"))
            .unwrap()
            .to_uri_string()
            .as_str(),
        format!("steam://{B32}")
    );
}

#[test]
fn label_issuer_is_kept_and_written_back() {
    let uri = KeyUri::parse_with_policy(
        "otpauth://totp/Contoso:%20alice?secret=JBSWY3DPEHPK3PXP&issuer=Microsoft",
        SecretPolicy::Legacy,
    )
    .unwrap();
    assert_eq!(
        (uri.issuer(), uri.label_issuer(), uri.account()),
        (Some("Microsoft"), Some("Contoso"), "alice")
    );
    let text = uri.to_uri_string();
    assert!(
        text.starts_with("otpauth://totp/Contoso:alice?"),
        "{}",
        text.as_str()
    );
    assert_eq!(
        KeyUri::parse_with_policy(&text, SecretPolicy::Legacy),
        Ok(uri)
    );
    // Equal label prefix and parameter: no separate label issuer.
    let same = parse(&format!(
        "otpauth://totp/Acme:alice?secret={B32}&issuer=Acme"
    ))
    .unwrap();
    assert_eq!(same.label_issuer(), None);
    // An empty parameter is no parameter: the label prefix is the issuer.
    let empty = parse(&format!("otpauth://totp/Acme:alice?secret={B32}&issuer=")).unwrap();
    assert_eq!((empty.issuer(), empty.label_issuer()), (Some("Acme"), None));
}

#[test]
fn hotp_ignores_a_period_parameter() {
    // FreeOTP writes `period` on HOTP URIs too (corpus case freeotp-image-hotp).
    for period in ["30", "0", "x"] {
        let uri = parse(&format!(
            "otpauth://hotp/a?secret={B32}&counter=1&period={period}"
        ));
        assert_eq!(
            uri.map(|u| u.kind()),
            Ok(OtpKind::Hotp { counter: 1 }),
            "{period}"
        );
    }
}
