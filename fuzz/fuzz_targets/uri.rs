//! `KeyUri::parse*`: never panics; every accepted URI is written canonically:
//! parse -> build -> parse gives the same `KeyUri` and build is then a fixed
//! point; `Debug` never shows the secret.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otpcore::{KeyUri, SecretPolicy};

fuzz_target!(|text: &str| {
    let _ = KeyUri::parse(text);
    if let Ok(uri) = KeyUri::parse_with_policy(text, SecretPolicy::Legacy) {
        let built = uri.to_uri_string();
        let again =
            KeyUri::parse_with_policy(&built, SecretPolicy::Legacy).expect("a built URI re-parses");
        assert_eq!(again, uri);
        assert_eq!(again.to_uri_string(), built);
        // Unless a name happens to contain the secret's text, Debug must not show it.
        let b32 = uri.secret().expose_base32();
        let names = [
            uri.issuer(),
            uri.label_issuer(),
            Some(uri.account()),
            uri.image(),
        ];
        let named = names.iter().flatten().any(|n| n.contains(b32.as_str()));
        assert!(named || !format!("{uri:?}").contains(b32.as_str()));
    }
});
