//! [`BatchRules`]: what this process has measured so far to decide how
//! [`verify_batch`](crate::verify_batch) and
//! [`generate_batch`](crate::generate_batch) compute a batch of one hash
//! function — the batch's own work per packed verification, and which
//! generation batch sizes pack (`calibrate`). Read, never measured, here: a
//! benchmark prints it after its batch rows, so that a reader can tell a row
//! that packed from one that made single calls, process by process.

use core::fmt;
use core::time::Duration;

use crate::accel::MAX_LANES;
use crate::Algorithm;

/// What this process has measured, so far, for the batches of one hash
/// function (see [`batch_rules`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchRules {
    algorithm: Algorithm,
    /// Nanoseconds of the batch's own work per packed ±1 verification.
    verification_work: Option<u64>,
    /// Bit `n` set where packing `n` codes (2 to 16) ran a fifth faster than
    /// their single calls.
    packed_sizes: Option<u64>,
}

/// What this process has measured so far for batches of `algorithm`: nothing
/// until a batch first needed it (a verification batch the plan's costs
/// weigh, a generation batch of two to fifteen codes), nor without `std`
/// (no clock) or under Miri. Reading it measures nothing.
#[must_use]
pub fn batch_rules(algorithm: Algorithm) -> BatchRules {
    #[cfg(all(feature = "std", not(miri)))]
    let (verification_work, packed_sizes) = (
        super::calibrate::known_verification_work(algorithm),
        super::calibrate::known_packed_sizes(algorithm),
    );
    #[cfg(not(all(feature = "std", not(miri))))]
    let (verification_work, packed_sizes) = (None, None);
    BatchRules {
        algorithm,
        verification_work,
        packed_sizes,
    }
}

impl BatchRules {
    /// The batch's own work per packed ±1 verification (its scan slot, its
    /// lanes, folding its candidates), as measured on made-up keys; `None`
    /// while unmeasured.
    #[must_use]
    pub fn verification_work(&self) -> Option<Duration> {
        self.verification_work.map(Duration::from_nanos)
    }

    /// Whether a generation batch of `codes` codes packs its lanes, as this
    /// process's trial found (sixteen answers for more; one code never
    /// packs); `None` while untried.
    #[must_use]
    pub fn packs_codes(&self, codes: usize) -> Option<bool> {
        packs_size(self.packed_sizes?, codes)
    }
}

/// Whether the trial's answer `bits` (bit `n` set where packing `n` codes ran
/// a fifth faster) packs `codes` codes: sixteen answers for more. The one
/// reading of the trial's bits, for the batches and for [`BatchRules`].
pub(super) fn packs_size(bits: u64, codes: usize) -> Option<bool> {
    let size = u32::try_from(codes.min(MAX_LANES)).ok()?;
    Some(bits.checked_shr(size)? & 1 == 1)
}

/// The generation decision of a [`BatchRules`] ([`BatchRules::generation`]),
/// displayed as `packs 4-16 codes (tried)`, `packs no size up to 16 codes
/// (tried)` or `untried`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenerationRules {
    /// As [`BatchRules::packed_sizes`](BatchRules).
    packed_sizes: Option<u64>,
}

impl BatchRules {
    /// Which generation batch sizes pack, on its own: what stays the same
    /// from one run to the next while the measured work differs.
    #[must_use]
    pub fn generation(&self) -> GenerationRules {
        GenerationRules {
            packed_sizes: self.packed_sizes,
        }
    }
}

impl fmt::Display for GenerationRules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(bits) = self.packed_sizes else {
            return f.write_str("untried");
        };
        let packs = |n: usize| packs_size(bits, n) == Some(true);
        let mut runs = 0usize;
        let mut n = 2usize;
        while n <= MAX_LANES {
            if !packs(n) {
                n = n.saturating_add(1);
                continue;
            }
            let from = n;
            while n < MAX_LANES && packs(n.saturating_add(1)) {
                n = n.saturating_add(1);
            }
            let separator = if runs == 0 { "packs " } else { ", " };
            if from == n {
                write!(f, "{separator}{n}")?;
            } else {
                write!(f, "{separator}{from}-{n}")?;
            }
            runs = runs.saturating_add(1);
            n = n.saturating_add(1);
        }
        f.write_str(if runs == 0 {
            "packs no size up to 16 codes (tried)"
        } else {
            " codes (tried)"
        })
    }
}

/// For example `SHA1: generation packs 4-16 codes (tried); verification work 17 ns
/// per request (measured)`.
impl fmt::Display for BatchRules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: generation {}", self.algorithm, self.generation())?;
        match self.verification_work {
            Some(ns) => write!(f, "; verification work {ns} ns per request (measured)"),
            None => f.write_str("; verification work unmeasured"),
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use super::BatchRules;
    use crate::Algorithm;

    fn rules(packed_sizes: Option<u64>, verification_work: Option<u64>) -> BatchRules {
        BatchRules {
            algorithm: Algorithm::Sha1,
            verification_work,
            packed_sizes,
        }
    }

    #[test]
    fn says_which_sizes_pack_and_the_measured_work() {
        let four_up = (4..=16).fold(0u64, |bits, n| bits | 1 << n);
        let r = rules(Some(four_up), Some(17));
        assert_eq!(
            r.to_string(),
            "SHA1: generation packs 4-16 codes (tried); verification work 17 ns per request (measured)"
        );
        assert_eq!(r.packs_codes(3), Some(false));
        assert_eq!(r.packs_codes(4), Some(true));
        assert_eq!(r.packs_codes(10_000), Some(true));
        assert_eq!(r.packs_codes(1), Some(false));
        let scattered = rules(Some(1 << 2 | 1 << 5 | 1 << 6 | 1 << 16), None);
        assert_eq!(
            scattered.to_string(),
            "SHA1: generation packs 2, 5-6, 16 codes (tried); verification work unmeasured"
        );
        assert_eq!(
            rules(Some(0), None).to_string(),
            "SHA1: generation packs no size up to 16 codes (tried); verification work unmeasured"
        );
        let untried = rules(None, None);
        assert_eq!(untried.packs_codes(4), None);
        assert_eq!(untried.verification_work(), None);
        assert!(untried.to_string().starts_with("SHA1: generation untried;"));
        assert_eq!(untried.generation().to_string(), "untried");
        assert_eq!(r.generation().to_string(), "packs 4-16 codes (tried)");
    }

    /// What calibration measured is what the rules read, for both tables.
    #[cfg(all(feature = "std", not(miri)))]
    #[test]
    fn reads_what_calibration_measured() {
        use core::time::Duration;

        use crate::accel::Plan;
        use crate::batch::calibrate::{packs_codes, per_verification};
        use crate::batch::choice::Packing;
        use crate::batch::generate::generate_with;
        use crate::batch::verify_with;
        use crate::{Code, GenerateRequest, Match, TimeError, VerifyError, VerifyRequest};

        let algorithm = Algorithm::Sha256;
        let plan = Plan::current(algorithm);
        let verify = |r: &[VerifyRequest<'_>], out: &mut [Result<Match, VerifyError>]| {
            verify_with(r, out, Packing::Always).ok();
        };
        let generate = |r: &[GenerateRequest<'_>], out: &mut [Result<Code, TimeError>]| {
            generate_with(r, out, Packing::Always).ok();
        };
        let work = || per_verification(algorithm, &plan, &verify);
        let packs = |n: usize| packs_codes(algorithm, &plan, &generate, n);
        assert!(work().is_some() && packs(2).is_some());
        // Another test may be measuring the same hash function at this moment
        // (either answer is then kept, whichever is stored last): read until
        // the rules and the calibration agree. Each measurement is stored at
        // most once per thread, so they settle; rules that read the tables
        // wrongly never agree.
        let agree = (0..1000).any(|_| {
            let rules = super::batch_rules(algorithm);
            rules.verification_work() == work().map(Duration::from_nanos)
                && rules.packs_codes(2) == packs(2)
                && rules.packs_codes(16) == packs(16)
        });
        assert!(agree, "{}", super::batch_rules(algorithm));
    }
}
