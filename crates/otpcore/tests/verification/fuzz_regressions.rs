//! Inputs the fuzz targets in `fuzz/` found, kept as plain `cargo test` cases.
//! Each test names its target and what went wrong before the fix.

use otpcore::{KeyUri, Secret, SecretPolicy, UriError};

const RFC_SECRET: &[u8] = b"12345678901234567890";

/// `uri` target, parse -> build -> parse: an `issuer` parameter containing `:` was
/// accepted, then written into the label, where the colon split it differently,
/// so the built URI no longer parsed (`IssuerMismatch`). Such an issuer was then
/// refused on parse. Since issue 15 real issuers' colons are accepted (the
/// parameter says where the label prefix ends), and what this guards is kept: a
/// canonical build never writes an ambiguous label. An issuer with a colon is
/// written only as the parameter, so every parser (even one splitting the label at
/// its first colon) reads the same account; the builders still refuse it.
#[test]
fn uri_issuer_parameter_with_colon_never_reaches_the_label() {
    let found =
        "otpauth://totp/RFC623HA256?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA\
                 &issuer=hotp/Acme:carolhm=SHA256&digits=8&period=30";
    let plain = "otpauth://totp/alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=A%3AB";
    let prefixed =
        "otpauth://totp/A%3AB:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=A%3AB";
    for (text, issuer, account) in [
        (found, "hotp/Acme:carolhm=SHA256", "RFC623HA256"),
        (plain, "A:B", "alice"),
        (prefixed, "A:B", "alice"),
    ] {
        let uri = KeyUri::parse(text).expect("an issuer with a colon");
        assert_eq!((uri.issuer(), uri.account()), (Some(issuer), account));
        let built = uri.to_uri_string();
        let label = built.split_once('?').unwrap().0;
        assert_eq!(label, format!("otpauth://totp/{account}"));
        assert_eq!(KeyUri::parse(&built).ok(), Some(uri));
    }
    // An account with a colon as well: an empty prefix keeps it whole.
    let both =
        KeyUri::parse("otpauth://totp/:a:b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=A%3AB")
            .expect("colons in both");
    assert_eq!((both.issuer(), both.account()), (Some("A:B"), "a:b"));
    assert!(both.to_uri_string().starts_with("otpauth://totp/:a%3Ab?"));
    assert_eq!(KeyUri::parse(&both.to_uri_string()).ok(), Some(both));
    // The builders stay strict.
    let secret = Secret::from_bytes(RFC_SECRET).unwrap();
    assert_eq!(
        KeyUri::totp(secret, Some("A:B"), "alice").err(),
        Some(UriError::ColonInLabel)
    );
    // A colon in the account, after a label issuer, is still fine and round-trips.
    let ok = KeyUri::parse("otpauth://totp/Acme:a:b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        .expect("issuer then an account with a colon");
    assert_eq!((ok.issuer(), ok.account()), (Some("Acme"), "a:b"));
    assert_eq!(KeyUri::parse(&ok.to_uri_string()).ok(), Some(ok));
}

/// Found while writing the label rule of issue 15: a label issuer `X`, an account
/// `Y:alice` and an issuer parameter `X:Y` would be written `X:Y%3Aalice`, which
/// reads back with the prefix `X:Y` (the parameter) and the account `alice`. Such
/// a URI is refused (`ColonInLabel`) rather than changed on the way back.
#[test]
fn uri_label_issuer_that_would_read_back_as_the_parameter_is_refused() {
    let text = "otpauth://totp/X:%20Y:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=X%3AY";
    assert_eq!(KeyUri::parse(text).err(), Some(UriError::ColonInLabel));
}

/// `uri_build` target: an account starting with spaces, with an issuer, was
/// written as `Issuer:%20bob`, which parses back as account `bob` (the format
/// treats spaces after the colon as separators): build -> parse changed the URI.
#[test]
fn uri_builder_account_leading_spaces_round_trip() {
    let secret = Secret::from_bytes(RFC_SECRET).unwrap();
    let built = KeyUri::totp(secret.clone(), Some("Acme"), " \0\u{14}").unwrap();
    assert_eq!(built.account(), "\0\u{14}");
    let again = KeyUri::parse(&built.to_uri_string()).unwrap();
    assert_eq!(again, built);

    // All spaces is no account at all.
    assert_eq!(
        KeyUri::totp(secret.clone(), Some("Acme"), "   ").err(),
        Some(UriError::MissingAccount)
    );
    // Without an issuer the label is just the account: its spaces are kept.
    let bare = KeyUri::hotp(secret, None, " bob", 7).unwrap();
    assert_eq!(bare.account(), " bob");
    let again = KeyUri::parse_with_policy(&bare.to_uri_string(), SecretPolicy::Strict).unwrap();
    assert_eq!(again, bare);
}

/// `uri` target, parse -> build -> parse: a label with an empty issuer before the
/// first colon (`:x:y`) left an account containing `:` and no issuer, which the
/// builders refuse; written back, the label split at that colon into a different
/// issuer and account. The found input had `://totp/RFC6238:...` as its label.
#[test]
fn uri_account_with_colon_and_no_issuer_is_refused() {
    let found = "otpauth://totp/://totp/RFC6238:paut,://to+P/RFC6238:SHA512\
                 ?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    assert_eq!(KeyUri::parse(found).err(), Some(UriError::ColonInLabel));
    let short = "otpauth://totp/:a:b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    assert_eq!(KeyUri::parse(short).err(), Some(UriError::ColonInLabel));
    // An empty issuer prefix alone is fine: no issuer, account `alice`.
    let ok = KeyUri::parse("otpauth://totp/:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        .expect("empty issuer prefix");
    assert_eq!((ok.issuer(), ok.account()), (None, "alice"));
}

/// Same class, found while fixing the above: the issuer only in the parameter
/// and an account with leading spaces (`%20bob`) parsed as account ` bob`, but was
/// written as `Acme:%20bob`, which reads back as `bob`.
#[test]
fn uri_parameter_issuer_and_spaced_account_round_trip() {
    let uri =
        KeyUri::parse("otpauth://totp/%20bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme")
            .expect("parses");
    assert_eq!((uri.issuer(), uri.account()), (Some("Acme"), "bob"));
    assert_eq!(KeyUri::parse(&uri.to_uri_string()).ok(), Some(uri));
}
