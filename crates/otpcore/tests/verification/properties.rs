//! Property tests: verification agrees with generation over random secrets, steps,
//! windows and times; nothing panics on arbitrary input; encodings round-trip.

use otpcore::{
    Algorithm, Digits, KeyUri, Period, Secret, SecretPolicy, Totp, TotpConfig, VerifyError, Window,
};
use proptest::prelude::*;

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![
        Just(Algorithm::Sha1),
        Just(Algorithm::Sha256),
        Just(Algorithm::Sha512)
    ]
}

fn config() -> impl Strategy<Value = TotpConfig> {
    (algorithm(), 6u32..=10, 1u64..=120, 0u64..=1_000_000).prop_map(|(algorithm, d, p, t0)| {
        TotpConfig {
            algorithm,
            digits: Digits::new(d).unwrap(),
            period: Period::new(p).unwrap(),
            t0,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// A code generated at step `s` verifies at time `at` exactly when some step in
    /// the window around `at` produces the same digits (normally only `s` itself),
    /// and the match is the newest such step.
    #[test]
    fn generated_code_verifies_exactly_within_the_window(
        key in proptest::collection::vec(any::<u8>(), 16..=64),
        config in config(),
        s in 0u64..100_000,
        delta in -8i64..=8,
        behind in 0u64..=4,
        ahead in 0u64..=4,
    ) {
        let totp = Totp::new(&Secret::from_bytes(&key).unwrap(), config);
        let code = totp.generate_step(s).to_string();
        let Some(expected) = s.checked_add_signed(delta) else { return Ok(()) };
        let Some(at) = totp.step_start(expected) else { return Ok(()) };
        let window = Window::new(behind, ahead);
        let first = expected.saturating_sub(behind);
        let oracle = (first..=expected + ahead)
            .rev()
            .find(|&step| totp.generate_step(step).to_string() == code);
        match totp.verify_at(&code, at, window, None) {
            Ok(m) => {
                prop_assert_eq!(Some(m.step), oracle);
                prop_assert_eq!(m.offset, m.step as i64 - expected as i64);
                // The generated step itself, when in the window, is the normal case.
                if s >= first && s <= expected + ahead {
                    prop_assert!(m.step >= s);
                }
            }
            Err(e) => {
                prop_assert_eq!(e, VerifyError::Mismatch);
                prop_assert_eq!(oracle, None);
                prop_assert!(s < first || s > expected + ahead);
            }
        }
    }

    /// Arbitrary strings, times, windows and parameters never panic.
    #[test]
    fn verification_never_panics(
        input in ".{0,24}",
        at in any::<u64>(),
        t0 in any::<u64>(),
        period in any::<u64>(),
        digits in any::<u32>(),
        behind in prop_oneof![any::<u64>(), 0u64..=3],
        ahead in prop_oneof![any::<u64>(), 0u64..=3],
        last_used in any::<Option<u64>>(),
    ) {
        let secret = Secret::from_bytes(b"12345678901234567890").unwrap();
        let (Ok(period), Ok(digits)) = (Period::new(period), Digits::new(digits)) else {
            return Ok(());
        };
        let totp = Totp::new(&secret, TotpConfig { digits, period, t0, ..TotpConfig::default() });
        let _ = totp.verify_at(&input, at, Window::new(behind, ahead), last_used);
        let _ = totp.generate_at(at);
        let _ = Secret::from_base32(&input);
        let _ = KeyUri::parse(&input);
    }

    #[test]
    fn digit_strings_never_panic(input in "[0-9 -]{0,14}", at in any::<u64>()) {
        let secret = Secret::from_bytes(b"12345678901234567890").unwrap();
        let totp = Totp::new(&secret, TotpConfig::default());
        let _ = totp.verify_at(&input, at, Window::symmetric(2), None);
    }

    /// Bytes → base32 → bytes, also after the mangling users do when pasting.
    #[test]
    fn base32_round_trips(key in proptest::collection::vec(any::<u8>(), 16..=80), lower in any::<bool>(), group in 1usize..8) {
        let secret = Secret::from_bytes(&key).unwrap();
        let text = secret.expose_base32();
        let back = Secret::from_base32(&text).unwrap();
        prop_assert_eq!(back.expose_bytes(), &key[..]);
        let mut pasted: String = text
            .chars()
            .enumerate()
            .flat_map(|(i, c)| {
                let sep = (i > 0 && i % group == 0).then_some(if i % 2 == 0 { ' ' } else { '-' });
                sep.into_iter().chain(Some(if lower { c.to_ascii_lowercase() } else { c }))
            })
            .collect();
        let symbols = pasted.chars().filter(char::is_ascii_alphanumeric).count();
        pasted.extend(std::iter::repeat_n('=', (8 - symbols % 8) % 8));
        let back = Secret::from_base32(&pasted).unwrap();
        prop_assert_eq!(back.expose_bytes(), &key[..]);
    }

    /// parse(build(x)) == x for arbitrary names (any Unicode but ':'), parameters and kinds.
    #[test]
    fn uri_round_trips(
        key in proptest::collection::vec(any::<u8>(), 10..=64),
        issuer in proptest::option::of("[^:]{1,20}"),
        account in "[^:]{1,30}",
        algorithm in algorithm(),
        digits in 6u32..=10,
        period in 1u64..=u64::MAX,
        counter in proptest::option::of(any::<u64>()),
    ) {
        let secret = Secret::from_bytes_with_policy(&key, SecretPolicy::Legacy).unwrap();
        let issuer = issuer.as_deref();
        let built = match counter {
            Some(c) => KeyUri::hotp(secret, issuer, &account, c),
            None => KeyUri::totp(secret, issuer, &account)
                .map(|u| u.with_period(Period::new(period).unwrap())),
        };
        // After "issuer:" leading spaces are not part of the account (they are
        // trimmed, as parsing does), so an all-space account is no account at all.
        let uri = match built {
            Ok(uri) => uri,
            Err(e) => {
                prop_assert!(issuer.is_some() && account.trim_start_matches(' ').is_empty());
                prop_assert_eq!(e, otpcore::UriError::MissingAccount);
                return Ok(());
            }
        }
        .with_algorithm(algorithm)
        .with_digits(Digits::new(digits).unwrap());
        let text = uri.to_uri_string();
        let parsed = KeyUri::parse_with_policy(&text, SecretPolicy::Legacy);
        prop_assert_eq!(parsed, Ok(uri));
    }
}
