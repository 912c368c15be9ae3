//! `KeyUri::totp`/`hotp`/`steam` builders with arbitrary names and parameters:
//! every URI the builders accept is written so that parsing it gives the same
//! `KeyUri` back.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use otpcore::{Algorithm, Digits, KeyUri, Period, Secret, SecretPolicy};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    secret: &'a [u8],
    issuer: Option<&'a str>,
    account: &'a str,
    counter: Option<u64>,
    steam: bool,
    algorithm: u8,
    digits: u32,
    period: u64,
    image: &'a str,
}

fuzz_target!(|input: Input| {
    let Ok(secret) = Secret::from_bytes_with_policy(input.secret, SecretPolicy::Legacy) else {
        return;
    };
    let built = match (input.counter, input.steam) {
        (_, true) => KeyUri::steam(secret, input.issuer, input.account),
        (Some(c), false) => KeyUri::hotp(secret, input.issuer, input.account, c),
        (None, false) => KeyUri::totp(secret, input.issuer, input.account)
            .map(|u| u.with_period(Period::new(input.period).unwrap_or_default())),
    };
    let Ok(uri) = built else { return };
    let algorithm =
        [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512][usize::from(input.algorithm % 3)];
    let uri = uri
        .with_algorithm(algorithm)
        .with_digits(Digits::new(input.digits).unwrap_or_default())
        .with_image(input.image);
    let text = uri.to_uri_string();
    let again = KeyUri::parse_with_policy(&text, SecretPolicy::Legacy).expect("built URI parses");
    assert_eq!(again, uri, "{}", text.as_str());
});
