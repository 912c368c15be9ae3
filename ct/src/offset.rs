//! `otpcore_offset_0_vs_15`: a wrong code for (secret, time) pairs whose
//! expected step's HMAC has the dynamic-truncation offset 0 vs 15 (RFC 4226
//! §5.3: the low nibble of the MAC's last byte). The offset is the one secret
//! the truncation indexes by: `truncate::dynamic_truncation` selects with
//! `subtle`, the SHA-NI kernels shuffle bytes by it in a register
//! (`accel::shani_truncate`); this pair checks that neither shows in the time.
//! The offsets are found with RustCrypto's `hmac` and `sha1`, outside the
//! library.

use dudect_bencher::rand::Rng;
use dudect_bencher::{BenchRng, Class, CtRunner};
use hmac::{Hmac, KeyInit, Mac};
use otpcore::{Secret, Totp, TotpConfig};

use crate::pools::{draw_from_pools, pools};
use crate::{correct_or_wrong, print_plan, time, KEYS};

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
    // One time in sixteen has either offset: pools of times first.
    let pools = pools(rng, &totps, |key, totp, at| {
        match offset(&keys[key], totp.step_at(at).unwrap()) {
            0 => Some(Class::Left),
            15 => Some(Class::Right),
            _ => None,
        }
    });
    // A wrong code: both classes refused, differing in the offset only.
    let cases = draw_from_pools(rng, &totps, &pools, |rng, totp, at| loop {
        if let Some(wrong) = correct_or_wrong(rng, totp, at, Class::Right) {
            break wrong;
        }
    });
    time(runner, &totps, &cases, false);
}
