//! [`StepDivisor`]: unix time to TOTP time step, `since / period`, by one
//! widening multiplication instead of a `div`.
//!
//! Every verification and generation at a time starts here, and the step is
//! what the HMAC kernel needs first: the division sits on the path to the first
//! compression. Measured on Zen 4 with everything but the time step and the ±1
//! kernel call cut out of a verification, the `div` took SHA-1 from 1.05× to
//! 1.08× the bare kernel (README, "Close to the limit", sixth session).
//!
//! The quotient is Lemire, Kaser and Kurz's `fastdiv_u32` ("Faster Remainder
//! by Direct Computation", 2019): with `magic = ceil(2^64 / period)`, the high
//! word of `magic * since` is `since / period`, exact for every `since` below
//! 2^32 and every period from 2 to 2^32 − 1. The reciprocal is
//! [`Modulus`]'s: one copy of it. Times 2^32 s or more after `t0` (from 2106
//! with `t0 = 0`), a period of one second or one of 2^32 seconds or more take
//! the `div`.
//!
//! # Security
//! Nothing here is secret: the time and the period are public, so the choice
//! between the two paths may branch.

use core::num::NonZeroU64;

use crate::modulus::Modulus;
use crate::Period;

/// A TOTP period with the reciprocal that divides by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct StepDivisor {
    period: NonZeroU64,
    /// `None` when the period is not from 2 to 2^32 − 1.
    reciprocal: Option<Modulus>,
}

impl StepDivisor {
    pub(crate) fn new(period: Period) -> Self {
        let reciprocal = u32::try_from(period.get()).ok().and_then(Modulus::try_new);
        StepDivisor {
            period: period.non_zero(),
            reciprocal,
        }
    }

    /// `since / period`, rounded down.
    #[inline]
    pub(crate) fn steps(self, since: u64) -> u64 {
        match (self.reciprocal, u32::try_from(since)) {
            (Some(reciprocal), Ok(since)) => u64::from(reciprocal.quotient(since)),
            _ => since / self.period,
        }
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::StepDivisor;
    use crate::Period;

    /// Both sides of every multiple of `period` near zero, near 2^32 and near
    /// today, the edges of both paths, and a stride through the 32-bit range.
    fn times(period: u64) -> impl Iterator<Item = u64> {
        let near = |base: u64| {
            (0..48u64).flat_map(move |k| {
                let multiple = base
                    .saturating_sub(base % period)
                    .saturating_add(period.saturating_mul(k));
                [
                    multiple.saturating_sub(1),
                    multiple,
                    multiple.saturating_add(1),
                ]
            })
        };
        let stride = (0..=u64::from(u32::MAX) / 65_521).map(|i| i * 65_521);
        near(0)
            .chain(near(1_800_000_000))
            .chain(near(u64::from(u32::MAX) - 48 * period.min(1 << 20)))
            .chain(stride)
            .chain([
                u64::from(u32::MAX) - 1,
                u64::from(u32::MAX),
                1 << 32,
                (1 << 32) + 1,
                u64::MAX - 1,
                u64::MAX,
            ])
    }

    #[test]
    fn steps_is_the_quotient_for_every_kind_of_period() {
        let periods = [
            1,
            2,
            3,
            7,
            30,
            60,
            86_400,
            1 << 31,
            (1 << 31) + 1,
            u64::from(u32::MAX) - 1,
            u64::from(u32::MAX),
            1 << 32,
            (1 << 32) + 7,
            u64::MAX,
        ];
        for p in periods {
            let divisor = StepDivisor::new(Period::new(p).unwrap());
            for since in times(p) {
                assert_eq!(divisor.steps(since), since / p, "{since} / {p}");
            }
        }
    }

    #[test]
    fn every_32_bit_time_near_a_multiple_of_thirty() {
        let divisor = StepDivisor::new(Period::THIRTY);
        for step in (0..=u64::from(u32::MAX) / 30).step_by(997) {
            for since in (step * 30).saturating_sub(2)..=(step * 30 + 31).min(u64::from(u32::MAX)) {
                assert_eq!(divisor.steps(since), since / 30, "{since}");
            }
        }
    }
}
