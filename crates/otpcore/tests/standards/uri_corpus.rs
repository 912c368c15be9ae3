//! `testdata/uri-corpus.json`: otpauth URIs as real services and apps emit them
//! (each case cites its source), with the fields they mean or the error they get.
//! The Kotlin, Swift and Python suites read the same file.

use otpcore::{KeyUri, OtpKind, SecretError, SecretPolicy, UriError};
use serde_json::Value;

fn corpus() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/uri-corpus.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn policy(case: &Value) -> SecretPolicy {
    if case["allow_short_secret"].as_bool().unwrap() {
        SecretPolicy::Legacy
    } else {
        SecretPolicy::Strict
    }
}

/// The corpus's name for each refusal.
fn kind(e: UriError) -> &'static str {
    match e {
        UriError::NotOtpauth => "not_otpauth",
        UriError::UnknownType => "unknown_type",
        UriError::BadEncoding => "bad_encoding",
        UriError::MissingAccount => "missing_account",
        UriError::MissingSecret => "missing_secret",
        UriError::Secret(SecretError::TooShort { .. }) => "secret_too_short",
        UriError::Secret(SecretError::InvalidBase32) => "secret_invalid_base32",
        UriError::Secret(_) => "secret",
        UriError::Param(_) => "param",
        UriError::InvalidNumber(_) => "invalid_number",
        UriError::MissingCounter => "missing_counter",
        UriError::DuplicateParameter(_) => "duplicate_parameter",
        UriError::ColonInLabel => "colon_in_label",
        UriError::UnknownEncoder => "unknown_encoder",
        UriError::NotSteamParameters => "not_steam_parameters",
        _ => "other",
    }
}

fn opt(v: Option<&str>) -> Value {
    v.map(Value::from).unwrap_or(Value::Null)
}

fn check(uri: &KeyUri, want: &Value, code: &Value, name: &str) {
    let (kind, period, counter) = match uri.kind() {
        OtpKind::Totp { period } => ("totp", period.get().into(), Value::Null),
        OtpKind::Hotp { counter } => ("hotp", Value::Null, counter.into()),
        OtpKind::Steam => ("steam", 30.into(), Value::Null),
    };
    let digits = match uri.kind() {
        OtpKind::Steam => 5,
        _ => uri.digits().get(),
    };
    let got = serde_json::json!({
        "type": kind,
        "issuer": opt(uri.issuer()),
        "label_issuer": opt(uri.label_issuer()),
        "account": uri.account(),
        "secret_base32": uri.secret().expose_base32().as_str(),
        "algorithm": uri.algorithm().as_str(),
        "digits": digits,
        "period": period,
        "counter": counter,
        "image": opt(uri.image()),
        "canonical": uri.to_uri_string().as_str(),
    });
    assert_eq!(&got, want, "{name}");
    let text = match uri.kind() {
        OtpKind::Totp { .. } => {
            let at = code["time"].as_u64().unwrap();
            uri.to_totp().unwrap().generate_at(at).unwrap().to_string()
        }
        OtpKind::Hotp { .. } => {
            let counter = code["counter"].as_u64().unwrap();
            uri.to_hotp().unwrap().generate(counter).to_string()
        }
        OtpKind::Steam => {
            let at = code["time"].as_u64().unwrap();
            uri.to_steam().unwrap().generate_at(at).unwrap().to_string()
        }
    };
    assert_eq!(text, code["code"], "{name}");
}

#[test]
fn corpus_cases_parse_as_expected() {
    let corpus = corpus();
    let cases = corpus["cases"].as_array().unwrap();
    let (mut accepted, mut refused) = (0, 0);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        assert!(
            !case["source"].as_str().unwrap().is_empty(),
            "{name}: no source"
        );
        let text = case["uri"].as_str().unwrap();
        let parsed = KeyUri::parse_with_policy(text, policy(case));
        if let Some(want) = case.get("expect") {
            let uri = parsed.unwrap_or_else(|e| panic!("{name}: {e}"));
            check(&uri, want, &case["code"], name);
            // The canonical text is a fixed point and reads back as the same URI.
            let again = KeyUri::parse_with_policy(&uri.to_uri_string(), policy(case)).unwrap();
            assert_eq!(again, uri, "{name}");
            assert_eq!(again.to_uri_string(), uri.to_uri_string(), "{name}");
            accepted += 1;
        } else {
            let err = parsed.err().unwrap_or_else(|| panic!("{name}: accepted"));
            assert_eq!(kind(err), case["error"], "{name}");
            assert_eq!(err.to_string(), case["message"], "{name}");
            refused += 1;
        }
    }
    assert!(
        accepted >= 20 && refused >= 7,
        "{accepted} accepted, {refused} refused"
    );
}

/// Issue 15's example: the Microsoft 365 URI needs the opt-in, and with it the
/// parameter is the issuer and the tenant is the label issuer.
#[test]
fn microsoft_365_needs_the_short_secret_opt_in() {
    let text = "otpauth://totp/Some+Company%3ame%40somecompany.net?secret=abcdefghijklmnop&issuer=Microsoft";
    assert_eq!(
        KeyUri::parse(text).err(),
        Some(UriError::Secret(SecretError::TooShort { len: 10, min: 16 }))
    );
    let uri = KeyUri::parse_with_policy(text, SecretPolicy::Legacy).unwrap();
    assert_eq!(
        (uri.issuer(), uri.label_issuer(), uri.account()),
        (
            Some("Microsoft"),
            Some("Some Company"),
            "me@somecompany.net"
        )
    );
}
