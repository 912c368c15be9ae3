//! The keyed HMAC state and RFC 4226 §5.3 dynamic truncation.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha512};
use subtle::{ConditionallySelectable, ConstantTimeEq};

use crate::{Algorithm, Secret};

/// HMAC with the key already absorbed: the inner and outer pad blocks are compressed
/// once, when the `Hotp`/`Totp` is built. Each code clones this state, so it costs
/// two compression calls (inner message block, outer digest block), not four, and
/// allocates nothing. The hash crates' `zeroize` feature wipes the state on drop.
#[derive(Clone)]
pub(crate) enum KeyedMac {
    Sha1(Hmac<Sha1>),
    Sha256(Hmac<Sha256>),
    Sha512(Hmac<Sha512>),
}

// `new_from_slice` only fails for fixed-size-key MACs; HMAC takes keys of any length
// (RFC 2104 §3), so the `Err` arm is unreachable for every input.
#[allow(clippy::expect_used)]
fn keyed<M: KeyInit>(key: &[u8]) -> M {
    M::new_from_slice(key).expect("HMAC accepts keys of any length")
}

impl KeyedMac {
    pub(crate) fn new(secret: &Secret, algorithm: Algorithm) -> Self {
        let key = secret.expose_bytes();
        match algorithm {
            Algorithm::Sha1 => KeyedMac::Sha1(keyed(key)),
            Algorithm::Sha256 => KeyedMac::Sha256(keyed(key)),
            Algorithm::Sha512 => KeyedMac::Sha512(keyed(key)),
        }
    }

    /// The 31-bit dynamically truncated HMAC of the big-endian counter
    /// (RFC 4226 §5.3 `DT(HMAC(K, C))`).
    #[inline]
    pub(crate) fn truncated(&self, counter: u64) -> u32 {
        let msg = counter.to_be_bytes();
        match self {
            KeyedMac::Sha1(m) => dynamic_truncation(&finish(m, &msg)),
            KeyedMac::Sha256(m) => dynamic_truncation(&finish(m, &msg)),
            KeyedMac::Sha512(m) => dynamic_truncation(&finish(m, &msg)),
        }
    }
}

#[inline]
fn finish<M: Mac + Clone>(keyed: &M, msg: &[u8]) -> hmac::digest::Output<M> {
    let mut mac = keyed.clone();
    mac.update(msg);
    mac.finalize().into_bytes()
}

/// RFC 4226 §5.3: take the low nibble of the last byte as an offset, read four bytes
/// there big-endian, clear the top bit.
///
/// # Security
/// The offset comes from the secret-keyed MAC. `mac[offset..offset + 4]` would be a
/// memory access at a secret-dependent address (a cache-timing channel). Instead we
/// read all sixteen possible windows and keep the one whose index equals the offset
/// with `subtle`'s branch-free select, so the access pattern is the same for every key.
#[inline]
fn dynamic_truncation(mac: &[u8]) -> u32 {
    let offset = mac.last().map_or(0, |b| b & 0x0f);
    let mut out = 0u32;
    for (index, window) in (0u8..16).zip(mac.windows(4)) {
        let word = <[u8; 4]>::try_from(window).map_or(0, u32::from_be_bytes);
        out = u32::conditional_select(&out, &word, index.ct_eq(&offset));
    }
    out & 0x7fff_ffff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4226_section_5_4_example() {
        // The worked example of RFC 4226 §5.4.
        let hmac = [
            0x1f, 0x86, 0x98, 0x69, 0x0e, 0x02, 0xca, 0x16, 0x61, 0x85, 0x50, 0xef, 0x7f, 0x19,
            0xda, 0x8e, 0x94, 0x5b, 0x55, 0x5a,
        ];
        assert_eq!(dynamic_truncation(&hmac), 0x50ef_7f19);
    }

    #[test]
    fn every_offset_reads_its_own_window() {
        for offset in 0..16u8 {
            let mut mac = [0u8; 20];
            for (i, b) in mac.iter_mut().enumerate() {
                *b = i as u8 + 1;
            }
            mac[19] = 0xf0 | offset;
            let o = offset as usize;
            let expected = u32::from_be_bytes([mac[o], mac[o + 1], mac[o + 2], mac[o + 3]]);
            assert_eq!(dynamic_truncation(&mac), expected & 0x7fff_ffff);
        }
    }
}
