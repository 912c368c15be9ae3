//! `otpcore_offset_0_vs_15`: a wrong code for (secret, time) pairs whose
//! expected step's HMAC has the dynamic-truncation offset 0 vs 15 (RFC 4226
//! §5.3: the low nibble of the MAC's last byte). The offset is the one secret
//! the truncation indexes by: `truncate::dynamic_truncation` selects with
//! `subtle`, the SHA-NI kernels shuffle bytes by it in a register
//! (`accel::shani_truncate`); this pair checks that neither shows in the time.
//! The offsets are found with RustCrypto's `hmac` and `sha1`, outside the
//! library.

use dudect_bencher::rand::{Rng, RngExt};
use dudect_bencher::{BenchRng, Class, CtRunner};
use hmac::{Hmac, KeyInit, Mac};
use otpcore::{Secret, Totp, TotpConfig};

use crate::{print_plan, random_class, random_time, samples, time, window_codes, Case, KEYS};

/// The truncation offset of HMAC-SHA-1(`key`, `step`).
fn offset(key: &[u8; 20], step: u64) -> u8 {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).unwrap();
    mac.update(&step.to_be_bytes());
    mac.finalize().into_bytes()[19] & 0x0f
}

pub(crate) fn otpcore_offset_0_vs_15(runner: &mut CtRunner, rng: &mut BenchRng) {
    print_plan();
    let keys: Vec<[u8; 20]> = (0..KEYS)
        .map(|_| {
            let mut bytes = [0u8; 20];
            rng.fill_bytes(&mut bytes);
            bytes
        })
        .collect();
    let totps: Vec<Totp> = keys
        .iter()
        .map(|k| Totp::new(&Secret::from_bytes(k).unwrap(), TotpConfig::default()))
        .collect();
    // One time in sixteen has either offset: pools of times per key first (as
    // many per key in each pool, so the classes use the same key objects), with
    // a wrong code for each, then the samples drawn from them.
    const PER_KEY: usize = 32;
    let (mut low, mut high) = (Vec::new(), Vec::new());
    for (key, totp) in totps.iter().enumerate() {
        let (mut l, mut h) = (0, 0);
        while l < PER_KEY || h < PER_KEY {
            let at = random_time(rng);
            let step = totp.step_at(at).unwrap();
            let pool = match offset(&keys[key], step) {
                0 if l < PER_KEY => {
                    l += 1;
                    &mut low
                }
                15 if h < PER_KEY => {
                    h += 1;
                    &mut high
                }
                _ => continue,
            };
            let codes = window_codes(totp, at);
            let wrong = loop {
                let wrong = format!("{:06}", rng.random_range(0..1_000_000u32));
                if !codes.contains(&wrong) {
                    break wrong;
                }
            };
            pool.push((key, at, wrong));
        }
    }
    let cases: Vec<Case> = (0..samples())
        .map(|_| {
            let class = random_class(rng);
            let pool = match class {
                Class::Left => &low,
                Class::Right => &high,
            };
            let (key, at, wrong) = &pool[rng.random_range(0..pool.len())];
            Case::new(class, *key, *at, wrong)
        })
        .collect();
    time(runner, &totps, &cases, false);
}
