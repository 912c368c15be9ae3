//! The `peers` group: the same jobs done by other Rust OTP crates, and the floor.
//!
//! Ids: `peers/<job>/<algorithm>[/window=3/<ok|wrong>]/<implementation>`. Every
//! implementation gets the same secret, time and code, parsed from a string the
//! way a server receives it. The peers are used the way their docs show:
//! - totp-rs 6: `Totp::generate(time)`, `Totp::check(token, time)` with skew 1
//!   (it stops at the first matching step).
//! - libreauth 0.18: `TOTP::generate()`, `TOTP::is_valid(code)` with tolerance 1
//!   (also stops at the first match). It only reads the system clock, so the period
//!   and T0 are chosen to keep the current step fixed for the whole run.
//! - totp-lite 2: `totp_custom` returns a `String` per step; it has no verify, so
//!   verify is the loop a caller writes: generate each step and compare.
//! - floor: the raw RustCrypto compression function on precomputed ipad/opad
//!   states, two compressions per code and nothing else (no truncation, no compare)
//!   — what any HMAC-based implementation must at least spend, one code at a time.

use std::hint::black_box;
use std::time::{SystemTime, UNIX_EPOCH};

use criterion::measurement::Measurement;
use criterion::Criterion;
use otpcore::{Algorithm, Digits};

use crate::fixtures::{codes, key, totp, window, AT};

pub fn bench<M: Measurement>(c: &mut Criterion<M>) {
    let mut g = c.benchmark_group("peers");
    for (algorithm, name) in [(Algorithm::Sha1, "sha1"), (Algorithm::Sha256, "sha256")] {
        let secret = key(algorithm);
        let ours = totp(algorithm, Digits::SIX);
        let (ok, wrong) = codes(&ours);
        let step = ours.step_at(AT).unwrap();

        let rs = totp_rs::Builder::new()
            .with_algorithm(match algorithm {
                Algorithm::Sha1 => totp_rs::Algorithm::SHA1,
                _ => totp_rs::Algorithm::SHA256,
            })
            .with_digits(6)
            .with_skew(1)
            .with_step_duration(30)
            .with_secret(secret)
            .build()
            .unwrap();
        assert_eq!(rs.generate(AT).to_string(), ok);

        let libre = libreauth_totp(secret, algorithm);
        let libre_ok = libre.generate();
        assert!(libre.is_valid(&libre_ok));
        let libre_wrong = if libre_ok == wrong {
            ok.clone()
        } else {
            wrong.clone()
        };

        let floor = Floor::new(algorithm, secret);
        assert!(floor_matches(algorithm, step), "the floor computes HOTP");

        g.bench_function(format!("generate/{name}/otpcore"), |b| {
            b.iter(|| ours.generate_at(black_box(AT)));
        });
        g.bench_function(format!("generate/{name}/totp-rs"), |b| {
            b.iter(|| rs.generate(black_box(AT)));
        });
        g.bench_function(format!("generate/{name}/libreauth"), |b| {
            b.iter(|| black_box(&libre).generate());
        });
        g.bench_function(format!("generate/{name}/totp-lite"), |b| {
            b.iter(|| lite(algorithm, black_box(secret), black_box(AT)));
        });
        g.bench_function(format!("generate/{name}/floor"), |b| {
            b.iter(|| floor.code(black_box(step)));
        });

        for (outcome, code, libre_code) in [("ok", &ok, &libre_ok), ("wrong", &wrong, &libre_wrong)]
        {
            let id = |who: &str| format!("verify/{name}/window=3/{outcome}/{who}");
            g.bench_function(id("otpcore"), |b| {
                b.iter(|| ours.verify_at(black_box(code), black_box(AT), window(3), None));
            });
            g.bench_function(id("totp-rs"), |b| {
                b.iter(|| rs.check(black_box(code), black_box(AT)));
            });
            g.bench_function(id("libreauth"), |b| {
                b.iter(|| black_box(&libre).is_valid(black_box(libre_code)));
            });
            g.bench_function(id("totp-lite"), |b| {
                b.iter(|| {
                    let at = black_box(AT);
                    [at - 30, at, at + 30]
                        .into_iter()
                        .any(|t| lite(algorithm, secret, t) == *black_box(code))
                });
            });
            g.bench_function(id("floor"), |b| {
                b.iter(|| {
                    let s = black_box(step);
                    for candidate in s - 1..=s + 1 {
                        black_box(floor.code(candidate));
                    }
                });
            });
        }
    }
    g.finish();
}

fn lite(algorithm: Algorithm, secret: &[u8], at: u64) -> String {
    match algorithm {
        Algorithm::Sha1 => totp_lite::totp_custom::<totp_lite::Sha1>(30, 6, secret, at),
        _ => totp_lite::totp_custom::<totp_lite::Sha256>(30, 6, secret, at),
    }
}

/// libreauth reads the clock itself. A period of 10^9 s with T0 one and a half
/// periods ago puts "now" in step 1 for the next 15 years: the expected step never
/// changes mid-run, and step 1 - 1 does not underflow.
fn libreauth_totp(secret: &[u8], algorithm: Algorithm) -> libreauth::oath::TOTP {
    const PERIOD: u32 = 1_000_000_000;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    libreauth::oath::TOTPBuilder::new()
        .key(secret)
        .period(PERIOD)
        .initial_time(now - u64::from(PERIOD) * 3 / 2)
        .tolerance(1)
        .output_len(6)
        .hash_function(match algorithm {
            Algorithm::Sha1 => libreauth::hash::HashFunction::Sha1,
            _ => libreauth::hash::HashFunction::Sha256,
        })
        .finalize()
        .unwrap()
}

/// HMAC reduced to its two compression calls, with the pads absorbed up front.
pub(crate) enum Floor {
    Sha1 { inner: [u32; 5], outer: [u32; 5] },
    Sha256 { inner: [u32; 8], outer: [u32; 8] },
}

/// One 64-byte block holding `msg`, then 0x80, zeros and the big-endian bit length
/// of the whole hashed message (one key block plus `msg`).
fn padded(msg: &[u8]) -> [u8; 64] {
    let mut block = [0u8; 64];
    block[..msg.len()].copy_from_slice(msg);
    block[msg.len()] = 0x80;
    let bits = (64 + msg.len() as u64) * 8;
    block[56..].copy_from_slice(&bits.to_be_bytes());
    block
}

fn pads(secret: &[u8]) -> ([u8; 64], [u8; 64]) {
    let mut ipad = [0x36u8; 64];
    let mut opad = [0x5cu8; 64];
    for (i, k) in secret.iter().enumerate() {
        ipad[i] ^= k;
        opad[i] ^= k;
    }
    (ipad, opad)
}

impl Floor {
    pub(crate) fn new(algorithm: Algorithm, secret: &[u8]) -> Self {
        let (ipad, opad) = pads(secret);
        match algorithm {
            Algorithm::Sha1 => {
                const IV: [u32; 5] = [
                    0x6745_2301,
                    0xefcd_ab89,
                    0x98ba_dcfe,
                    0x1032_5476,
                    0xc3d2_e1f0,
                ];
                let (mut inner, mut outer) = (IV, IV);
                sha1::block_api::compress(&mut inner, &[ipad]);
                sha1::block_api::compress(&mut outer, &[opad]);
                Floor::Sha1 { inner, outer }
            }
            _ => {
                const IV: [u32; 8] = [
                    0x6a09_e667,
                    0xbb67_ae85,
                    0x3c6e_f372,
                    0xa54f_f53a,
                    0x510e_527f,
                    0x9b05_688c,
                    0x1f83_d9ab,
                    0x5be0_cd19,
                ];
                let (mut inner, mut outer) = (IV, IV);
                sha2::block_api::compress256(&mut inner, &[ipad]);
                sha2::block_api::compress256(&mut outer, &[opad]);
                Floor::Sha256 { inner, outer }
            }
        }
    }

    /// The HMAC of the big-endian counter, as the outer state words.
    pub(crate) fn code(&self, counter: u64) -> [u32; 8] {
        let msg = padded(&counter.to_be_bytes());
        match self {
            Floor::Sha1 { inner, outer } => {
                let mut h = *inner;
                sha1::block_api::compress(&mut h, &[msg]);
                let mut digest = [0u8; 20];
                for (out, word) in digest.chunks_exact_mut(4).zip(h) {
                    out.copy_from_slice(&word.to_be_bytes());
                }
                let mut o = *outer;
                sha1::block_api::compress(&mut o, &[padded(&digest)]);
                [o[0], o[1], o[2], o[3], o[4], 0, 0, 0]
            }
            Floor::Sha256 { inner, outer } => {
                let mut h = *inner;
                sha2::block_api::compress256(&mut h, &[msg]);
                let mut digest = [0u8; 32];
                for (out, word) in digest.chunks_exact_mut(4).zip(h) {
                    out.copy_from_slice(&word.to_be_bytes());
                }
                let mut o = *outer;
                sha2::block_api::compress256(&mut o, &[padded(&digest)]);
                o
            }
        }
    }
}

/// The floor computes real HMACs: check it against otpcore once, at startup.
fn floor_matches(algorithm: Algorithm, counter: u64) -> bool {
    let floor = Floor::new(algorithm, key(algorithm));
    let words = floor.code(counter);
    let mut bytes = Vec::new();
    for w in words {
        bytes.extend_from_slice(&w.to_be_bytes());
    }
    let len = algorithm.output_len();
    let mac = &bytes[..len];
    let offset = usize::from(mac[len - 1] & 0x0f);
    let value = u32::from_be_bytes(mac[offset..offset + 4].try_into().unwrap()) & 0x7fff_ffff;
    let ours = totp(algorithm, Digits::SIX).generate_step(counter);
    u64::from(value % 1_000_000) == ours.value()
}
