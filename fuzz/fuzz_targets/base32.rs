//! `Secret::from_base32*`: never panics; an accepted secret round-trips through its
//! canonical base32, and the strict policy accepts a subset of the legacy one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otpcore::{ConstantTimeEq, Secret, SecretPolicy};

fuzz_target!(|text: &str| {
    let legacy = Secret::from_base32_with_policy(text, SecretPolicy::Legacy);
    let strict = Secret::from_base32(text);
    if let Ok(s) = &strict {
        let l = legacy
            .as_ref()
            .expect("strict accepted what legacy refused");
        assert!(bool::from(s.ct_eq(l)));
    }
    if let Ok(s) = legacy {
        assert!((Secret::MIN_LEGACY_LEN..=Secret::MAX_LEN).contains(&s.len()));
        let again = Secret::from_base32_with_policy(&s.expose_base32(), SecretPolicy::Legacy)
            .expect("canonical base32 re-parses");
        assert!(bool::from(s.ct_eq(&again)));
    }
});
