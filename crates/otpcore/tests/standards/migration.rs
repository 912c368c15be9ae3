//! Google Authenticator export import against testdata/migration.json: public
//! sample exports and payloads built with Python's `protobuf` (both checked by
//! testdata/migration.py with protobuf's own decoder), refusals with typed errors,
//! and no panics on arbitrary input.
#![cfg(feature = "migration")]
// Helpers outside `#[test]` functions are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

use otpcore::{AccountError, KeyUri, Migration, MigrationError, OtpKind, SecretPolicy};
use proptest::prelude::*;
use serde_json::Value;

fn data() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/migration.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn check_account(got: &KeyUri, want: &Value) {
    let (kind, counter) = match got.kind() {
        OtpKind::Totp { period } => {
            assert_eq!(period.get(), 30);
            ("totp", Value::Null)
        }
        OtpKind::Hotp { counter } => ("hotp", counter.into()),
        OtpKind::Steam => panic!("an export holds no Steam accounts"),
    };
    assert_eq!(kind, want["type"]);
    assert_eq!(counter, want["counter"]);
    assert_eq!(
        got.issuer().map(Value::from).unwrap_or(Value::Null),
        want["issuer"]
    );
    assert_eq!(got.account(), want["account"]);
    assert_eq!(got.secret().expose_base32().as_str(), want["secret_base32"]);
    assert_eq!(got.algorithm().as_str(), want["algorithm"]);
    assert_eq!(u64::from(got.digits().get()), want["digits"]);
}

#[test]
fn imports_samples_and_protobuf_payloads() {
    let data = data();
    let valid = data["valid"].as_array().unwrap();
    assert_eq!(valid.len(), 10);
    let mut accounts = 0;
    for v in valid {
        let uri = v["uri"].as_str().unwrap();
        let export = Migration::parse(uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
        assert_eq!(i64::from(export.version()), v["version"]);
        assert_eq!(i64::from(export.batch_size()), v["batch_size"]);
        assert_eq!(i64::from(export.batch_index()), v["batch_index"]);
        assert_eq!(i64::from(export.batch_id()), v["batch_id"]);
        let want = v["accounts"].as_array().unwrap();
        assert_eq!(export.accounts().len(), want.len(), "{uri}");
        for (got, want) in export.accounts().iter().zip(want) {
            check_account(got, want);
            // Each account becomes an otpauth URI that reads back the same.
            let text = got.to_uri_string();
            assert_eq!(
                &KeyUri::parse_with_policy(&text, SecretPolicy::Legacy).unwrap(),
                got
            );
            accounts += 1;
        }
    }
    assert_eq!(accounts, 24);
}

#[test]
fn legacy_80_bit_secret_imports() {
    let data = data();
    let export = Migration::parse(data["valid"][8]["uri"].as_str().unwrap()).unwrap();
    let legacy = &export.accounts()[2];
    assert_eq!(legacy.secret().len(), 10);
    // The strict policy would refuse the same secret in an otpauth URI.
    assert!(KeyUri::parse(&legacy.to_uri_string()).is_err());
}

#[test]
fn refuses_bad_exports_with_typed_errors() {
    let data = data();
    let invalid = data["invalid"].as_array().unwrap();
    assert_eq!(invalid.len(), 14);
    for v in invalid {
        let uri = v["uri"].as_str().unwrap();
        let err = Migration::parse(uri).unwrap_err();
        let kind = match err {
            MigrationError::Account { index, reason } => {
                let reason = match reason {
                    AccountError::UnsupportedAlgorithm => "UnsupportedAlgorithm",
                    AccountError::UnsupportedDigits => "UnsupportedDigits",
                    AccountError::UnsupportedType => "UnsupportedType",
                    AccountError::NegativeCounter => "NegativeCounter",
                    AccountError::Secret(_) => "Secret",
                    AccountError::Label(_) => "Label",
                    _ => "other",
                };
                format!("Account {index} {reason}")
            }
            other => format!("{other:?}"),
        };
        assert_eq!(kind, v["error"].as_str().unwrap(), "{uri}");
        // The messages name the problem, never the account or issuer.
        let message = err.to_string();
        assert!(
            !message.contains("eve") && !message.contains("Acme"),
            "{message}"
        );
    }
}

#[test]
fn accepts_scheme_case_padding_and_url_safe_variants() {
    let data = data();
    // Sample 2 percent-encodes `+` and `/`; sample 4 ends in `%3D%3D` padding.
    for (sample, must_contain) in [(2, ["%2B", "%2F"]), (4, ["%2F", "%3D%3D"])] {
        let uri = data["valid"][sample]["uri"].as_str().unwrap();
        assert!(must_contain.iter().all(|s| uri.contains(s)), "{uri}");
        let reference = Migration::parse(uri).unwrap();
        let (head, payload) = uri.split_once("data=").unwrap();
        let payload = payload
            .replace("%2F", "/")
            .replace("%2B", "+")
            .replace("%3D", "=");
        let with = |p: &str| format!("{head}data={p}");
        let variants = [
            uri.replace("otpauth-migration://offline", "OTPAUTH-MIGRATION://Offline"),
            uri.replace("offline?", "offline/?"),
            with(&payload),
            with(payload.trim_end_matches('=')),
            with(&payload.replace('/', "_").replace('+', "-")),
            with(&payload.replace('+', " ")),
            format!("{uri}&extra=1"),
        ];
        for variant in variants {
            assert_eq!(
                Migration::parse(&variant).as_ref(),
                Ok(&reference),
                "{variant}"
            );
        }
    }
    let long = format!(
        "otpauth-migration://offline?data={}",
        "A".repeat(Migration::MAX_DATA_LEN + 1)
    );
    assert_eq!(Migration::parse(&long), Err(MigrationError::TooLong));
}

#[test]
fn debug_shows_no_secret() {
    let data = data();
    let export = Migration::parse(data["valid"][0]["uri"].as_str().unwrap()).unwrap();
    let debug = format!("{export:?}");
    assert!(
        debug.contains("Secret(..)") && !debug.contains("7KSQL2JT"),
        "{debug}"
    );
}

/// A protobuf field: key varint, then a varint or a length-delimited value.
fn field(out: &mut Vec<u8>, tag: u8, value: Field<'_>) {
    fn varint(out: &mut Vec<u8>, mut v: u64) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }
    match value {
        Field::Int(v) => {
            out.push(tag << 3);
            varint(out, v);
        }
        Field::Bytes(b) => {
            out.push((tag << 3) | 2);
            varint(out, b.len() as u64);
            out.extend_from_slice(b);
        }
    }
}

enum Field<'a> {
    Int(u64),
    Bytes(&'a [u8]),
}

proptest! {
    /// Whatever names an export holds, an imported account's otpauth URI reads
    /// back as the same account.
    #[test]
    fn imported_accounts_round_trip_through_otpauth(
        accounts in proptest::collection::vec(
            (
                proptest::collection::vec(any::<u8>(), 10..40),
                "[ a:%+&?/#é]{0,6}",
                "[ A:%+&é]{0,4}",
                0u64..4,
                0u64..3,
                1u64..3,
                any::<u64>(),
            ),
            1..4,
        )
    ) {
        let mut payload = Vec::new();
        for (secret, name, issuer, algorithm, digits, kind, counter) in &accounts {
            let mut entry = Vec::new();
            field(&mut entry, 1, Field::Bytes(secret));
            field(&mut entry, 2, Field::Bytes(name.as_bytes()));
            field(&mut entry, 3, Field::Bytes(issuer.as_bytes()));
            field(&mut entry, 4, Field::Int(*algorithm));
            field(&mut entry, 5, Field::Int(*digits));
            field(&mut entry, 6, Field::Int(*kind));
            field(&mut entry, 7, Field::Int(*counter));
            field(&mut payload, 1, Field::Bytes(&entry));
        }
        if let Ok(export) = Migration::from_payload(&payload) {
            prop_assert_eq!(export.accounts().len(), accounts.len());
            for account in export.accounts() {
                let text = account.to_uri_string();
                let again = KeyUri::parse_with_policy(&text, SecretPolicy::Legacy);
                prop_assert_eq!(again.as_ref(), Ok(account), "{}", text.as_str());
            }
        }
    }


    #[test]
    fn arbitrary_payload_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Migration::from_payload(&bytes);
    }

    #[test]
    fn mutated_sample_never_panics(index in 0usize..400, byte in any::<u8>(), cut in 0usize..400) {
        let data = data();
        let uri = data["valid"][5]["uri"].as_str().unwrap();
        let mut bytes = uri.as_bytes().to_vec();
        if let Some(b) = bytes.get_mut(index) {
            *b = byte;
        }
        bytes.truncate(cut.max(33));
        let _ = Migration::parse(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "otpauth-migration://offline\\?data=[A-Za-z0-9+/=%_ -]{0,200}") {
        let _ = Migration::parse(&text);
    }
}
