//! Steam Guard codes agree with pyotp's independent `contrib.Steam`
//! (testdata/steam.json, produced by testdata/steam.py), and verification keeps
//! the window, replay and malformed-input behaviour of decimal TOTP.

// Helpers outside `#[test]` functions are test code too: a bad vector file should panic.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use otpcore::{CodeError, Secret, SecretPolicy, Steam, SteamCode, VerifyError, Window};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/steam.json");
    let text = std::fs::read_to_string(path).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    file["vectors"].as_array().unwrap().clone()
}

fn steam_of(v: &Value) -> Steam {
    let bytes = data_encoding::HEXLOWER
        .decode(v["secret_hex"].as_str().unwrap().as_bytes())
        .unwrap();
    Steam::new(&Secret::from_bytes_with_policy(&bytes, SecretPolicy::Legacy).unwrap())
}

#[test]
fn generates_what_pyotp_generates() {
    let vectors = vectors();
    assert_eq!(vectors.len(), 45);
    for v in &vectors {
        let steam = steam_of(v);
        let at = v["time"].as_u64().unwrap();
        assert_eq!(steam.step_at(at).unwrap(), v["step"].as_u64().unwrap());
        let code = steam.generate_at(at).unwrap();
        assert_eq!(code.to_string(), v["code"].as_str().unwrap(), "{v}");
        assert_eq!(code.to_ascii(), v["code"].as_str().unwrap().as_bytes());
    }
}

#[test]
fn verifies_pyotp_codes_in_any_case() {
    for v in vectors() {
        let steam = steam_of(&v);
        let at = v["time"].as_u64().unwrap();
        let step = v["step"].as_u64().unwrap();
        let code = v["code"].as_str().unwrap();
        for input in [code.to_string(), code.to_ascii_lowercase()] {
            let m = steam.verify_at(&input, at, Window::exact(), None).unwrap();
            assert_eq!((m.step, m.offset), (step, 0), "{v}");
        }
        // One step later the same code is one step behind.
        let m = steam
            .verify_at(code, at + 30, Window::default(), None)
            .unwrap();
        assert_eq!((m.step, m.offset), (step, -1));
        assert_eq!(
            steam.verify_at(code, at + 30, Window::default(), Some(step)),
            Err(VerifyError::Replayed)
        );
    }
}

#[test]
fn rejects_wrong_and_malformed_codes() {
    let steam = Steam::new(&Secret::from_bytes(b"12345678901234567890").unwrap());
    let right = steam.generate_at(59).unwrap();
    // Change the first character to the next symbol of the alphabet.
    let wrong = SteamCode::parse(&{
        let mut s = right.to_string().into_bytes();
        let alphabet = SteamCode::ALPHABET.as_bytes();
        let i = alphabet.iter().position(|&c| c == s[0]).unwrap();
        s[0] = alphabet[(i + 1) % alphabet.len()];
        String::from_utf8(s).unwrap()
    })
    .unwrap();
    assert_ne!(wrong, right);
    assert_eq!(
        steam.verify_at(&wrong.to_string(), 59, Window::exact(), None),
        Err(VerifyError::Mismatch)
    );
    assert_eq!(
        steam.verify_at("287082", 59, Window::default(), None),
        Err(VerifyError::Malformed(CodeError::InvalidCharacter))
    );
    assert_eq!(
        steam.verify_at("PV9M", 59, Window::default(), None),
        Err(VerifyError::Malformed(CodeError::Length {
            expected: 5,
            found: 4
        }))
    );
    assert_eq!(
        steam.verify_at("PV9M4", 59, Window::symmetric(501), None),
        Err(VerifyError::WindowTooLarge)
    );
    // The far end of time does not overflow.
    let last = steam.generate_at(u64::MAX).unwrap();
    let m = steam
        .verify_at(&last.to_string(), u64::MAX, Window::symmetric(2), None)
        .unwrap();
    assert_eq!(m.step, u64::MAX / 30);
}

#[test]
fn debug_does_not_show_the_key() {
    let steam = Steam::new(&Secret::from_bytes(b"12345678901234567890").unwrap());
    assert_eq!(format!("{steam:?}"), "Steam { .. }");
}
