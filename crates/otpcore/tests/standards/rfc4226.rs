//! RFC 4226 Appendix D: every HOTP value, from `testdata/rfc4226.json`.

use crate::vectors::{load, secret_of, str_of, u64_of};
use otpcore::{Digits, Hotp, HotpConfig, VerifyError, Window};

fn hotp() -> (Hotp, serde_json::Value) {
    let data = load("rfc4226.json");
    let config = HotpConfig {
        algorithm: crate::vectors::algorithm_of(&data),
        digits: Digits::new(u64_of(&data, "digits") as u32).unwrap(),
    };
    (Hotp::new(&secret_of(&data), config), data)
}

#[test]
fn appendix_d_codes() {
    let (hotp, data) = hotp();
    let vectors = data["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 10);
    for v in vectors {
        let counter = u64_of(v, "counter");
        assert_eq!(
            hotp.generate(counter).to_string(),
            str_of(v, "code"),
            "counter {counter}"
        );
        // The truncated value mod 10^6 is the code: checks the data file itself.
        assert_eq!(
            u64_of(v, "truncated") % 1_000_000,
            hotp.generate(counter).value()
        );
    }
}

#[test]
fn appendix_d_codes_verify_at_their_counter_only() {
    let (hotp, data) = hotp();
    for v in data["vectors"].as_array().unwrap() {
        let counter = u64_of(v, "counter");
        let code = str_of(v, "code");
        let m = hotp.verify(code, counter, Window::exact(), None).unwrap();
        assert_eq!((m.step, m.offset), (counter, 0));
        // From counter 0 with a look-ahead of 9 every code is found at its own counter.
        let m = hotp.verify(code, 0, Window::look_ahead(9), None).unwrap();
        assert_eq!(m.step, counter);
        assert_eq!(m.offset, counter as i64);
        // Used counters are refused.
        assert_eq!(
            hotp.verify(code, 0, Window::look_ahead(9), Some(counter)),
            Err(VerifyError::Replayed)
        );
        // No other counter of the ten produces it (the vectors are distinct).
        if counter > 0 {
            assert_eq!(
                hotp.verify(code, 0, Window::look_ahead(counter - 1), None),
                Err(VerifyError::Mismatch)
            );
        }
    }
}

#[test]
fn section_7_4_look_ahead_resynchronises() {
    // A token pressed four times without logging in: the server at counter 0 finds
    // the code at 4 with a look-ahead s = 5, and the next counter becomes 5.
    let (hotp, data) = hotp();
    let code = str_of(&data["vectors"][4], "code");
    assert_eq!(
        hotp.verify(code, 0, Window::look_ahead(3), None),
        Err(VerifyError::Mismatch)
    );
    let m = hotp.verify(code, 0, Window::look_ahead(5), None).unwrap();
    assert_eq!((m.step, m.offset), (4, 4));
}
