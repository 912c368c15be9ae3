//! `generate_batch` / `verify_batch` against the one-at-a-time API, on random
//! batches: mixed algorithms, digits, HOTP, TOTP and Steam (whose SHA-1 lanes
//! mix with SHA-1 HOTP and TOTP ones), window sizes from exact to ±40 (so
//! requests span several groups of lanes), correct, wrong, replayed and
//! malformed codes, times before `t0`, too-large windows.
//!
//! On an x86-64 machine with AVX-512 this exercises the 16-lane kernels, SHA-NI
//! and the portable path in one run; `src/accel/tests.rs` compares the backends
//! directly.

use otpcore::{
    generate_batch, verify_batch, Algorithm, BatchError, Code, CodeError, Digits, GenerateRequest,
    Hotp, HotpConfig, Match, Period, Secret, Steam, SteamCode, TimeError, Totp, TotpConfig,
    VerifyError, VerifyRequest, Window,
};
use proptest::prelude::*;

#[derive(Clone, Copy, Debug)]
enum Kind {
    Hotp,
    Totp,
    /// Ignores `algorithm`, `digits` and `t0`: always SHA-1, 30 s, `t0 = 0`.
    Steam,
}

#[derive(Clone, Debug)]
struct Credential {
    key: Vec<u8>,
    algorithm: Algorithm,
    digits: u32,
    kind: Kind,
    t0: u64,
}

#[derive(Clone, Debug)]
struct Job {
    credential: usize,
    /// Unix time (TOTP) or counter (HOTP).
    at: u64,
    behind: u64,
    ahead: u64,
    /// How the input is chosen: 0 = the code of a step near `at`, 1 = random
    /// digits (random Steam characters for Steam), 2 = malformed.
    kind: u8,
    delta: i64,
    noise: u64,
    last_used: Option<u64>,
}

fn credential() -> impl Strategy<Value = Credential> {
    (
        proptest::collection::vec(any::<u8>(), 16..80),
        prop_oneof![
            Just(Algorithm::Sha1),
            Just(Algorithm::Sha256),
            Just(Algorithm::Sha512)
        ],
        6u32..=10,
        prop_oneof![Just(Kind::Hotp), Just(Kind::Totp), Just(Kind::Steam)],
        prop_oneof![Just(0u64), Just(1_000u64)],
    )
        .prop_map(|(key, algorithm, digits, kind, t0)| Credential {
            key,
            algorithm,
            digits,
            kind,
            t0,
        })
}

fn job(credentials: usize) -> impl Strategy<Value = Job> {
    (
        0..credentials,
        prop_oneof![0u64..3_000, Just(u64::MAX - 5), any::<u64>()],
        prop_oneof![0u64..3, 0u64..41, Just(600u64)],
        prop_oneof![0u64..3, 0u64..41, Just(600u64)],
        prop_oneof![4 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8)],
        -45i64..45,
        any::<u64>(),
        prop_oneof![Just(None), (0u64..3_000).prop_map(Some)],
    )
        .prop_map(
            |(credential, at, behind, ahead, kind, delta, noise, last_used)| Job {
                credential,
                at,
                behind,
                ahead,
                kind,
                delta,
                noise,
                last_used,
            },
        )
}

enum Otp {
    Hotp(Hotp),
    Totp(Totp),
    Steam(Steam),
}

fn build(c: &Credential) -> Otp {
    let secret = Secret::from_bytes(&c.key).unwrap();
    let digits = Digits::new(c.digits).unwrap();
    match c.kind {
        Kind::Totp => {
            let config = TotpConfig {
                algorithm: c.algorithm,
                digits,
                period: Period::new(30).unwrap(),
                t0: c.t0,
            };
            Otp::Totp(Totp::new(&secret, config))
        }
        Kind::Hotp => Otp::Hotp(Hotp::new(
            &secret,
            HotpConfig {
                algorithm: c.algorithm,
                digits,
            },
        )),
        Kind::Steam => Otp::Steam(Steam::new(&secret)),
    }
}

/// Five characters of Steam's alphabet, the base-26 digits of `noise`.
fn steam_noise(mut noise: u64) -> String {
    let alphabet = SteamCode::ALPHABET.as_bytes();
    (0..SteamCode::LEN)
        .map(|_| {
            let c = char::from(alphabet[(noise % 26) as usize]);
            noise /= 26;
            c
        })
        .collect()
}

fn input(otp: &Otp, job: &Job, digits: u32) -> String {
    match job.kind {
        0 => match otp {
            Otp::Hotp(h) => h
                .generate(job.at.saturating_add_signed(job.delta))
                .to_string(),
            Otp::Totp(t) => match t.step_at(job.at) {
                Ok(step) => t
                    .generate_step(step.saturating_add_signed(job.delta))
                    .to_string(),
                Err(_) => "123456".into(),
            },
            Otp::Steam(s) => {
                let step = s.step_at(job.at).unwrap();
                // Lower case half the time: Steam input is case-insensitive.
                let code = s.generate_step(step.saturating_add_signed(job.delta));
                if job.noise.is_multiple_of(2) {
                    code.to_string()
                } else {
                    code.to_string().to_ascii_lowercase()
                }
            }
        },
        1 if matches!(otp, Otp::Steam(_)) => steam_noise(job.noise),
        1 => format!(
            "{:0width$}",
            job.noise % 10u64.pow(digits),
            width = digits as usize
        ),
        _ => "12 a4".into(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn batch_equals_one_at_a_time(
        credentials in proptest::collection::vec(credential(), 1..6),
        jobs in proptest::collection::vec(job(6), 0..60),
    ) {
        let otps: Vec<Otp> = credentials.iter().map(build).collect();
        let jobs: Vec<Job> = jobs
            .into_iter()
            .map(|mut j| { j.credential %= credentials.len(); j })
            .collect();
        let inputs: Vec<String> = jobs
            .iter()
            .map(|j| input(&otps[j.credential], j, credentials[j.credential].digits))
            .collect();

        // Verification.
        let mut expected = Vec::new();
        let mut requests = Vec::new();
        for (j, code) in jobs.iter().zip(&inputs) {
            let window = Window::new(j.behind, j.ahead);
            match &otps[j.credential] {
                Otp::Hotp(h) => {
                    expected.push(h.verify(code, j.at, window, j.last_used));
                    requests.push(VerifyRequest::hotp(h, code, j.at, window, j.last_used));
                }
                Otp::Totp(t) => {
                    expected.push(t.verify_at(code, j.at, window, j.last_used));
                    requests.push(VerifyRequest::totp(t, code, j.at, window, j.last_used));
                }
                Otp::Steam(s) => {
                    expected.push(s.verify_at(code, j.at, window, j.last_used));
                    requests.push(VerifyRequest::steam(s, code, j.at, window, j.last_used));
                }
            }
        }
        let mut results = vec![Err(VerifyError::Mismatch); requests.len()];
        verify_batch(&requests, &mut results).unwrap();
        prop_assert_eq!(&results, &expected);

        // Generation (decimal only: Steam has no `GenerateRequest`).
        let mut expected = Vec::new();
        let mut requests = Vec::new();
        for j in &jobs {
            match &otps[j.credential] {
                Otp::Steam(_) => {}
                Otp::Hotp(h) => {
                    expected.push(Ok(h.generate(j.at)));
                    requests.push(GenerateRequest::hotp(h, j.at));
                }
                Otp::Totp(t) => {
                    expected.push(t.generate_at(j.at));
                    requests.push(GenerateRequest::totp(t, j.at));
                }
            }
        }
        let mut codes: Vec<Result<Code, TimeError>> = vec![Err(TimeError::BeforeT0); requests.len()];
        generate_batch(&requests, &mut codes).unwrap();
        prop_assert_eq!(codes, expected);
    }
}

#[test]
fn a_batch_finds_the_right_steps() {
    let secret = Secret::from_bytes(b"12345678901234567890").unwrap();
    let totp = Totp::new(&secret, TotpConfig::default());
    // RFC 6238 Appendix B: 94287082 at T = 59 s (step 1), 8 digits.
    let eight = Totp::new(
        &secret,
        TotpConfig {
            digits: Digits::EIGHT,
            ..TotpConfig::default()
        },
    );
    let requests = [
        VerifyRequest::totp(&eight, "94287082", 59, Window::exact(), None),
        VerifyRequest::totp(&eight, "94287082", 59 + 30, Window::default(), None),
        VerifyRequest::totp(&eight, "94287082", 59, Window::exact(), Some(1)),
        VerifyRequest::totp(&totp, "287082", 59, Window::new(0, 2000), None),
        VerifyRequest::totp(&totp, "28708", 59, Window::default(), None),
    ];
    let mut results = [Err(VerifyError::Mismatch); 5];
    verify_batch(&requests, &mut results).unwrap();
    assert_eq!(results[0], Ok(Match { step: 1, offset: 0 }));
    assert_eq!(
        results[1],
        Ok(Match {
            step: 1,
            offset: -1
        })
    );
    assert_eq!(results[2], Err(VerifyError::Replayed));
    assert_eq!(results[3], Err(VerifyError::WindowTooLarge));
    assert!(matches!(results[4], Err(VerifyError::Malformed(_))));
}

/// A batch of one takes its own path (inlined into the caller): every outcome
/// is the single call's, including a time before `t0`.
#[test]
fn a_batch_of_one_is_the_single_call() {
    let secret = Secret::from_bytes(b"12345678901234567890").unwrap();
    let eight = Totp::new(
        &secret,
        TotpConfig {
            digits: Digits::EIGHT,
            t0: 30,
            ..TotpConfig::default()
        },
    );
    // RFC 6238 Appendix B: 94287082 is the code of counter 1, here the step of
    // 60..=89 s (the clock starts at 30 s).
    let mut outcomes = Vec::new();
    for (input, at, window, last_used) in [
        ("94287082", 89, Window::exact(), None),
        ("94287082", 119, Window::default(), None),
        ("94287082", 89, Window::exact(), Some(1)),
        ("94287083", 89, Window::default(), None),
        ("9428708", 89, Window::default(), None),
        ("94287082", 89, Window::new(0, 2000), None),
        ("94287082", 29, Window::default(), None),
    ] {
        let mut result = [Err(VerifyError::Mismatch)];
        verify_batch(
            &[VerifyRequest::totp(&eight, input, at, window, last_used)],
            &mut result,
        )
        .unwrap();
        assert_eq!(
            result[0],
            eight.verify_at(input, at, window, last_used),
            "{input} at {at}"
        );
        outcomes.push(result[0]);
    }
    assert_eq!(outcomes[0], Ok(Match { step: 1, offset: 0 }));
    assert_eq!(
        outcomes[1],
        Ok(Match {
            step: 1,
            offset: -1
        })
    );
    assert_eq!(outcomes[2], Err(VerifyError::Replayed));
    assert_eq!(outcomes[3], Err(VerifyError::Mismatch));
    assert!(matches!(outcomes[4], Err(VerifyError::Malformed(_))));
    assert_eq!(outcomes[5], Err(VerifyError::WindowTooLarge));
    assert!(matches!(outcomes[6], Err(VerifyError::Time(_))));
    for at in [29, 30, 59, 60, 1_234_567_890] {
        let mut code = [Err(TimeError::BeforeT0)];
        generate_batch(&[GenerateRequest::totp(&eight, at)], &mut code).unwrap();
        assert_eq!(code[0], eight.generate_at(at), "at {at}");
    }
}

#[test]
fn steam_and_totp_of_one_secret_share_a_batch() {
    let secret = Secret::from_bytes(b"12345678901234567890").unwrap();
    let totp = Totp::new(&secret, TotpConfig::default());
    let steam = Steam::new(&secret);
    // Step 1 (T = 59 s) is 287082 in decimal and PV9M4 in Steam's alphabet: one
    // HMAC, two formats, each request read and reduced in its own.
    let requests = [
        VerifyRequest::totp(&totp, "287082", 59, Window::exact(), None),
        VerifyRequest::steam(&steam, "pv9m4", 59 + 30, Window::default(), None),
        VerifyRequest::steam(&steam, "287082", 59, Window::default(), None),
        VerifyRequest::totp(&totp, "PV9M4", 59, Window::default(), None),
        VerifyRequest::steam(&steam, "PV9M4", 59, Window::default(), Some(1)),
    ];
    let mut results = [Err(VerifyError::Mismatch); 5];
    verify_batch(&requests, &mut results).unwrap();
    let malformed = Err(VerifyError::Malformed(CodeError::InvalidCharacter));
    let expected = [
        Ok(Match { step: 1, offset: 0 }),
        Ok(Match {
            step: 1,
            offset: -1,
        }),
        malformed,
        malformed,
        Err(VerifyError::Replayed),
    ];
    assert_eq!(results, expected);
}

#[test]
fn mismatched_lengths_are_refused_untouched() {
    let secret = Secret::from_bytes(b"12345678901234567890").unwrap();
    let totp = Totp::new(&secret, TotpConfig::default());
    let requests = [GenerateRequest::totp(&totp, 59)];
    let mut codes: [Result<Code, TimeError>; 2] = [Err(TimeError::BeforeT0); 2];
    assert_eq!(
        generate_batch(&requests, &mut codes),
        Err(BatchError::LengthMismatch {
            requests: 1,
            results: 2
        })
    );
    assert_eq!(codes, [Err(TimeError::BeforeT0); 2]);
    let mut results: [Result<Match, VerifyError>; 0] = [];
    let vr = [VerifyRequest::totp(
        &totp,
        "287082",
        59,
        Window::default(),
        None,
    )];
    assert_eq!(
        verify_batch(&vr, &mut results),
        Err(BatchError::LengthMismatch {
            requests: 1,
            results: 0
        })
    );
}
