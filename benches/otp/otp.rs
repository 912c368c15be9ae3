//! otpcore's own tables: generate, verify, keying, code and URI parsing.

use std::hint::black_box;

use criterion::measurement::Measurement;
use criterion::Criterion;
use otpcore::{Code, Digits, Hotp, HotpConfig, KeyUri, Secret, Window};

use crate::fixtures::{codes, key, totp, window, ALGORITHMS, AT};

/// Window sizes in candidate steps: exact, ±1 (the default), ±2, ±5, ±10.
const WINDOWS: [u64; 5] = [1, 3, 5, 11, 21];

pub fn bench<M: Measurement>(c: &mut Criterion<M>) {
    let mut g = c.benchmark_group("totp");
    for (algorithm, name) in ALGORITHMS {
        for d in [6, 8, 10] {
            let t = totp(algorithm, Digits::new(d).unwrap());
            g.bench_function(format!("generate/{name}/digits={d}"), |b| {
                b.iter(|| t.generate_at(black_box(AT)));
            });
        }
        let t = totp(algorithm, Digits::SIX);
        let (ok, wrong) = codes(&t);
        for w in WINDOWS {
            for (outcome, code) in [("ok", &ok), ("wrong", &wrong)] {
                g.bench_function(format!("verify/{name}/window={w}/{outcome}"), |b| {
                    b.iter(|| t.verify_at(black_box(code), black_box(AT), window(w), None));
                });
            }
        }
        let secret = Secret::from_bytes(key(algorithm)).unwrap();
        g.bench_function(format!("new/{name}"), |b| {
            b.iter(|| otpcore::Totp::new(black_box(&secret), t.config()));
        });
    }
    g.finish();

    let mut g = c.benchmark_group("hotp");
    let secret = Secret::from_bytes(key(otpcore::Algorithm::Sha1)).unwrap();
    let h = Hotp::new(&secret, HotpConfig::default());
    g.bench_function("generate/sha1/digits=6", |b| {
        b.iter(|| h.generate(black_box(1_000)));
    });
    let ok = h.generate(1_002).to_string();
    g.bench_function("verify/sha1/look_ahead=5/ok", |b| {
        b.iter(|| {
            h.verify(
                black_box(&ok),
                black_box(1_000),
                Window::look_ahead(5),
                None,
            )
        });
    });
    g.finish();

    let mut g = c.benchmark_group("code");
    g.bench_function("parse/digits=6", |b| {
        b.iter(|| Code::parse(black_box("287 082"), Digits::SIX));
    });
    g.finish();

    let mut g = c.benchmark_group("uri");
    let totp_uri =
        "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ\
                    &issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30";
    let hotp_uri = "otpauth://hotp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example\
                    &counter=42";
    g.bench_function("parse/totp", |b| {
        b.iter(|| KeyUri::parse(black_box(totp_uri)))
    });
    g.bench_function("parse/hotp", |b| {
        b.iter(|| KeyUri::parse_with_policy(black_box(hotp_uri), otpcore::SecretPolicy::Legacy));
    });
    let parsed = KeyUri::parse(totp_uri).unwrap();
    g.bench_function("format/totp", |b| {
        b.iter(|| black_box(&parsed).to_uri_string())
    });
    g.bench_function("parse+new/totp", |b| {
        b.iter(|| KeyUri::parse(black_box(totp_uri)).map(|u| u.to_totp()));
    });
    g.finish();

    // Sanity: the fixtures mean what their ids say.
    let t = totp(otpcore::Algorithm::Sha1, Digits::SIX);
    let (ok, wrong) = codes(&t);
    assert!(t.verify_at(&ok, AT, Window::exact(), None).is_ok());
    assert!(t
        .verify_at(&wrong, AT, Window::symmetric(10), None)
        .is_err());
}
