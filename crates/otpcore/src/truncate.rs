//! RFC 4226 §5.3 dynamic truncation, in constant time, on the MAC as words: the
//! portable, AVX2 and AVX-512 kernels' truncation. The SHA-NI kernels truncate in
//! their vector registers instead (`accel::shani_truncate`, checked against this
//! one at every offset).

use subtle::{ConditionallySelectable, ConstantTimeEq};

/// `DT`: the low nibble of the MAC's last byte is an offset `o`; the result is
/// bytes `o..o + 4` read big-endian, top bit cleared.
///
/// `words` are the first five big-endian 32-bit words of the MAC (bytes 0..20:
/// the largest offset, 15, reads bytes 15..19), `last` its last byte.
///
/// # Security
/// The offset is secret (it comes from the keyed MAC). Indexing the MAC with it
/// would be a memory access at a secret-dependent address, a cache-timing channel.
/// Instead both levels of the choice are branch-free selects with `subtle`:
/// 1. the word pair `words[o / 4], words[o / 4 + 1]`: all four pairs are formed and
///    the one whose index equals `o / 4` is kept;
/// 2. the byte position `o % 4` inside that pair: all four shifts (by the constants
///    32, 24, 16 and 8, never by a secret amount) are formed and one is kept.
///
/// Every call executes the same instructions on the same addresses whatever the
/// offset. `subtle`'s `Choice` goes through an optimisation barrier, so the
/// compiler cannot turn the selects back into a table lookup or a branch.
#[inline]
pub(crate) fn dynamic_truncation(words: [u32; 5], last: u8) -> u32 {
    let offset = last & 0x0f;
    let word = offset >> 2;
    let byte = offset & 0x03;

    let mut pair = 0u64;
    for (index, (hi, lo)) in (0u8..).zip(words.iter().zip(words.iter().skip(1))) {
        let candidate = (u64::from(*hi) << 32) | u64::from(*lo);
        pair = u64::conditional_select(&pair, &candidate, index.ct_eq(&word));
    }

    let mut out = 0u32;
    for (index, shift) in (0u8..).zip([32u32, 24, 16, 8]) {
        // Keep the 32 bits that start `index` bytes into the pair; truncation to
        // `u32` is the point.
        #[allow(clippy::cast_possible_truncation)]
        let candidate = pair.wrapping_shr(shift) as u32;
        out = u32::conditional_select(&out, &candidate, index.ct_eq(&byte));
    }
    out & 0x7fff_ffff
}

/// `DT` of a SHA-1 MAC given as its five big-endian words (the last byte is the
/// low byte of the fifth).
#[inline]
pub(crate) fn truncate_sha1(mac: [u32; 5]) -> u32 {
    let [.., e] = mac;
    #[allow(clippy::cast_possible_truncation)]
    dynamic_truncation(mac, e as u8)
}

/// `DT` of a SHA-256 MAC given as its eight big-endian words: the offset byte is
/// the low byte of the eighth, and the largest offset reads no further than the
/// fifth.
#[inline]
pub(crate) fn truncate_sha256(mac: [u32; 8]) -> u32 {
    let [a, b, c, d, e, .., h] = mac;
    #[allow(clippy::cast_possible_truncation)]
    dynamic_truncation([a, b, c, d, e], h as u8)
}

#[cfg(test)]
// Test arithmetic on small constants cannot overflow.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    fn words(mac: &[u8]) -> [u32; 5] {
        core::array::from_fn(|i| u32::from_be_bytes(mac[4 * i..4 * i + 4].try_into().unwrap()))
    }

    #[test]
    fn rfc4226_section_5_4_example() {
        // The worked example of RFC 4226 §5.4.
        let hmac = [
            0x1f, 0x86, 0x98, 0x69, 0x0e, 0x02, 0xca, 0x16, 0x61, 0x85, 0x50, 0xef, 0x7f, 0x19,
            0xda, 0x8e, 0x94, 0x5b, 0x55, 0x5a,
        ];
        assert_eq!(dynamic_truncation(words(&hmac), hmac[19]), 0x50ef_7f19);
    }

    #[test]
    fn every_offset_reads_its_own_window() {
        for offset in 0..16u8 {
            for seed in [0u8, 0x5a, 0xff] {
                let mut mac = [0u8; 20];
                for (i, b) in mac.iter_mut().enumerate() {
                    *b = (i as u8).wrapping_mul(37) ^ seed;
                }
                mac[19] = (mac[19] & 0xf0) | offset;
                let o = offset as usize;
                let expected = u32::from_be_bytes(mac[o..o + 4].try_into().unwrap());
                assert_eq!(
                    dynamic_truncation(words(&mac), mac[19]),
                    expected & 0x7fff_ffff
                );
            }
        }
    }
}
