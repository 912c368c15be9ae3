//! RFC 6238 Appendix B: every TOTP value for SHA-1, SHA-256 and SHA-512, each with its
//! own seed (20, 32, 64 ASCII bytes; errata 2866), from `testdata/rfc6238.json`.

use crate::vectors::{algorithm_of, load, secret_of, str_of, u64_of};
use otpcore::{Digits, Period, Totp, TotpConfig, Window};

#[test]
fn appendix_b_codes_for_every_algorithm() {
    let data = load("rfc6238.json");
    let vectors = data["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 18);
    let mut seen = std::collections::BTreeSet::new();
    for v in vectors {
        let algorithm = algorithm_of(v);
        let secret = secret_of(v);
        assert_eq!(secret.len(), algorithm.output_len());
        let config = TotpConfig {
            algorithm,
            digits: Digits::new(u64_of(&data, "digits") as u32).unwrap(),
            period: Period::new(u64_of(&data, "period")).unwrap(),
            t0: u64_of(&data, "t0"),
        };
        let totp = Totp::new(&secret, config);
        let (time, step, code) = (u64_of(v, "time"), u64_of(v, "step"), str_of(v, "code"));
        assert_eq!(totp.step_at(time), Ok(step));
        assert_eq!(
            totp.generate_at(time).unwrap().to_string(),
            code,
            "{algorithm} at {time}"
        );
        let m = totp.verify_at(code, time, Window::exact(), None).unwrap();
        assert_eq!((m.step, m.offset), (step, 0));
        // One step later the same code is accepted at offset -1 with the default window.
        let m = totp
            .verify_at(code, time + 30, Window::default(), None)
            .unwrap();
        assert_eq!((m.step, m.offset), (step, -1));
        seen.insert(algorithm);
    }
    assert_eq!(seen.len(), 3);
}
