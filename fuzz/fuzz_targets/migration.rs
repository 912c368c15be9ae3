//! `Migration::from_payload` and `Migration::parse`: never panic; every imported
//! account survives otpauth URI build -> parse; no error message or `Debug` output
//! shows an imported secret.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otpcore::{KeyUri, Migration, MigrationError, SecretPolicy};

fn check(result: Result<Migration, MigrationError>) {
    match result {
        Ok(export) => {
            for account in export.accounts() {
                let built = account.to_uri_string();
                let again = KeyUri::parse_with_policy(&built, SecretPolicy::Legacy)
                    .expect("an imported account re-parses");
                assert_eq!(&again, account);
                // Unless a name happens to contain the secret's text, Debug must not show it.
                let b32 = account.secret().expose_base32();
                let named = account.account().contains(b32.as_str())
                    || account.issuer().is_some_and(|i| i.contains(b32.as_str()));
                assert!(named || !format!("{account:?}").contains(b32.as_str()));
            }
        }
        // Error messages are fixed texts plus an index: short, and never a value.
        Err(e) => assert!(e.to_string().len() < 120),
    }
}

// The input is tried twice: as raw protobuf bytes, and (when UTF-8) as the text
// after `otpauth-migration://offline?data=`.
fuzz_target!(|data: &[u8]| {
    check(Migration::from_payload(data));
    if let Ok(text) = std::str::from_utf8(data) {
        check(Migration::parse(&format!("otpauth-migration://offline?data={text}")));
    }
});
