//! `shani_truncate` against the scalar `dynamic_truncation`.

use core::arch::x86_64::{__m128i, _mm_set_epi64x};

use super::{broadcast_byte, truncate};
use crate::truncate::dynamic_truncation;

/// The kernels' layout of MAC bytes `0..20`: `head` byte `15 - j`, `tail`
/// byte `31 - j`, the low twelve bytes of `tail` zero.
fn layout(mac: &[u8; 20]) -> (__m128i, __m128i) {
    let mut head = [0u8; 16];
    let mut tail = [0u8; 16];
    for (j, byte) in mac.iter().enumerate() {
        if j < 16 {
            head[15 - j] = *byte;
        } else {
            tail[31 - j] = *byte;
        }
    }
    let vector = |bytes: [u8; 16]| {
        let (low, high) = bytes.split_at(8);
        // SAFETY: SSE2 is part of x86-64.
        unsafe {
            _mm_set_epi64x(
                i64::from_le_bytes(high.try_into().unwrap()),
                i64::from_le_bytes(low.try_into().unwrap()),
            )
        }
    };
    (vector(head), vector(tail))
}

#[test]
fn matches_the_scalar_truncation_at_every_offset() {
    if !std::is_x86_feature_detected!("ssse3") {
        return;
    }
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for round in 0..4096u32 {
        let mut mac = [0u8; 20];
        for byte in &mut mac {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *byte = state.to_le_bytes()[0];
        }
        // Every offset, with every high nibble of the last byte over the
        // rounds, and the all-ones and all-zeros bytes the top-bit
        // clearing and the shuffles' zeroing must not confuse.
        mac[19] = (mac[19] & 0xf0) | (round % 16) as u8;
        if round % 7 == 0 {
            mac[..19].fill(if round % 2 == 0 { 0xff } else { 0x00 });
        }
        let words: [u32; 5] =
            core::array::from_fn(|i| u32::from_be_bytes(mac[4 * i..4 * i + 4].try_into().unwrap()));
        let (head, tail) = layout(&mac);
        // SAFETY: SSSE3 was detected above.
        let value = unsafe { truncate(head, tail, broadcast_byte::<12>(tail)) };
        assert_eq!(value, dynamic_truncation(words, mac[19]), "{mac:02x?}");
    }
}
