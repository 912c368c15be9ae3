//! [`Modulus`]: a code's value from a truncated HMAC — `truncated mod 10^digits`,
//! or `truncated mod 26^5` for Steam — with two multiplications, for a modulus
//! chosen at run time.
//!
//! The method is Lemire, Kaser and Kurz's direct remainder ("Faster Remainder by
//! Direct Computation", 2019, `fastmod_u32`): with `magic = ceil(2^64 / m)`, the
//! low 64 bits of `magic * value` are the fractional part of `value / m` in 64
//! bits, and multiplying that by `m` puts the remainder in the high word. Exact
//! for every `value` below 2^32 and every `m` from 2 to 2^32 − 1 (their
//! Theorem 1, with N = 32 and F = 64); the tests compare it with `%`.
//!
//! Why not `%` by a constant: a scan reduces every candidate of a window by the
//! same modulus, which depends on the credential. Dividing by constants meant one
//! `match` on the digit count per candidate (a jump table and eight instructions
//! each, in the ±1 scan); a `Modulus` is picked once per credential (its
//! `Format`) and each candidate costs a multiply, a widening multiply and
//! nothing else.
//!
//! # Security
//! `value` is secret-derived. Both steps are multiplications (`imul`, `mul` on
//! x86-64; `mul`, `umulh` on AArch64), whose time does not depend on their
//! operands on the CPUs this crate targets, and there is no branch, no table
//! indexed by the value and no division (a `div`'s latency does depend on its
//! operands). The modulus is public (the code's format). Evidence: the
//! disassembly of `scan::scan` and the dudect pairs of SECURITY.md ("The window
//! entry, the reduction by multiplication, the plain-digits parse").

/// A modulus from 2 to 2^32 − 1 with its precomputed reciprocal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Modulus {
    /// `ceil(2^64 / modulus)`.
    magic: u64,
    modulus: u64,
}

impl Modulus {
    /// The modulus `modulus`, which must be at least 2 (1 would need a
    /// `magic` of 2^64); every caller passes a constant.
    pub(crate) const fn new(modulus: u32) -> Self {
        assert!(modulus >= 2, "a modulus below 2 has no 64-bit reciprocal");
        let modulus = modulus as u64;
        // `floor((2^64 - 1) / modulus) + 1` is `ceil(2^64 / modulus)` whether or
        // not the modulus divides 2^64, and fits 64 bits for a modulus >= 2.
        let magic = match u64::MAX.checked_div(modulus) {
            Some(quotient) => quotient.wrapping_add(1),
            None => 0,
        };
        Modulus { magic, modulus }
    }

    /// The modulus `modulus`, or `None` below 2.
    pub(crate) const fn try_new(modulus: u32) -> Option<Self> {
        if modulus < 2 {
            None
        } else {
            Some(Modulus::new(modulus))
        }
    }

    /// `value mod modulus`, without a branch or a division.
    #[inline(always)]
    pub(crate) fn reduce(self, value: u32) -> u32 {
        let fraction = self.magic.wrapping_mul(u64::from(value));
        let product = u128::from(fraction).wrapping_mul(u128::from(self.modulus));
        // The high word is the remainder, below `modulus < 2^32`: truncating
        // to `u32` loses nothing.
        #[allow(clippy::cast_possible_truncation)]
        let remainder = (product >> 64) as u32;
        remainder
    }

    /// `value / modulus`, rounded down: the high word of `magic * value`
    /// (`fastdiv_u32` in the same paper), one widening multiplication. For
    /// public values (`StepDivisor`); secret ones only need [`Modulus::reduce`].
    #[inline(always)]
    pub(crate) fn quotient(self, value: u32) -> u32 {
        let product = u128::from(self.magic).wrapping_mul(u128::from(value));
        // Below 2^32: `value / modulus <= value`.
        #[allow(clippy::cast_possible_truncation)]
        let quotient = (product >> 64) as u32;
        quotient
    }
}

#[cfg(test)]
// Tests compare against `%` on small constants.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::Modulus;

    /// Values worth trying for `m`: both sides of every multiple of `m` near
    /// the ends, the ends of the 32-bit range, and a stride through the rest.
    fn values(m: u32) -> impl Iterator<Item = u32> {
        let edges = (0..64u32).flat_map(move |k| {
            let multiple = m.wrapping_mul(k);
            let top = (u32::MAX - u32::MAX % m).wrapping_sub(m.wrapping_mul(k % 4));
            [
                multiple,
                multiple.wrapping_sub(1),
                multiple.wrapping_add(1),
                top,
                top.wrapping_sub(1),
            ]
        });
        let stride = (0..=u32::MAX / 40_009).map(|i| i * 40_009);
        edges
            .chain(stride)
            .chain([0, 1, 0x7fff_ffff, 0x8000_0000, u32::MAX - 1, u32::MAX])
    }

    #[test]
    fn reduce_is_the_remainder_for_every_modulus_otpcore_uses_and_more() {
        let moduli = [
            2,
            3,
            10,
            26 * 26 * 26 * 26 * 26,
            1_000_000,
            10_000_000,
            100_000_000,
            1_000_000_000,
            1 << 31,
            (1 << 31) + 1,
            u32::MAX - 1,
            u32::MAX,
        ];
        for m in moduli {
            let modulus = Modulus::new(m);
            for value in values(m) {
                assert_eq!(modulus.reduce(value), value % m, "{value} mod {m}");
            }
        }
    }

    #[test]
    fn every_31_bit_value_near_a_multiple_of_a_million() {
        let modulus = Modulus::new(1_000_000);
        for k in 0..=(0x7fff_ffff / 1_000_000) {
            for delta in 0..64u32 {
                for value in [k * 1_000_000 + delta, (k * 1_000_000).saturating_sub(delta)] {
                    assert_eq!(modulus.reduce(value), value % 1_000_000);
                }
            }
        }
    }
}
