//! Packed lanes or single calls: which way a batch pass computes its HMACs.
//!
//! Packing the codes of many requests into groups of sixteen lanes pays where
//! the plan's kernel for sixteen lanes costs less per lane than the kernels
//! single calls would use (for one request's window, or one code), and by more
//! than the batch's own bookkeeping. The plan's measured costs
//! ([`Costs`], from the plan of the pass's first key, whose plan the packed
//! groups run on) answer that per pass. A plan that was not measured (forced, or
//! the table without a clock) packs from two requests on if its kernel for
//! sixteen lanes computes lanes side by side, and never on the portable kernel
//! alone (one lane at a time either way: packing would only add bookkeeping).
//!
//! # Security
//! The choice depends on the number of requests, their hash function and their
//! window sizes (public), and on the plan's timings of a public workload: never
//! on a key, an input code or a result.

use crate::accel::{Costs, MAX_LANES};

/// How a pass decides; tests pin either path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Packing {
    /// By the plan's measured costs (the public functions).
    Measured,
    /// Always pack (tests).
    #[cfg(test)]
    Always,
    /// Always call one by one (tests).
    #[cfg(test)]
    Never,
}

/// Packing must save more than a quarter of the single calls' kernel time: the
/// batch's bookkeeping (lane buffers, scan slots) is not in the plan's costs,
/// and on the development machine a measured saving of a fifth (SHA-256 ±1,
/// SHA-NI against AVX-512) came out at 6 % (README.md, "Kernels chosen by
/// measurement").
fn saves_enough(packed: u64, single: u64) -> bool {
    packed.saturating_mul(4) < single.saturating_mul(3)
}

impl Packing {
    /// Whether a batch of `lanes` HMACs (codes, or window candidates) in all may
    /// be packed at all: only from one full group of lanes on. Below that, the
    /// lane bookkeeping ate the kernels' saving on the development machine (two
    /// ±1 verifications packed: 0.95× the single calls; README.md, "Kernels
    /// chosen by measurement").
    pub(super) fn may_pack(self, lanes: usize) -> bool {
        match self {
            Packing::Measured => lanes >= MAX_LANES,
            #[cfg(test)]
            Packing::Always => true,
            #[cfg(test)]
            Packing::Never => false,
        }
    }

    /// Whether to pack a verification pass of `requests` requests whose windows
    /// have `candidates` steps each, with the pass's measured `costs`.
    pub(super) fn verify(
        self,
        costs: Option<Costs>,
        packs: bool,
        requests: usize,
        candidates: impl Iterator<Item = usize>,
    ) -> bool {
        match self {
            Packing::Measured => match costs {
                Some(costs) => {
                    let (mut single, mut total) = (0u64, 0usize);
                    for c in candidates {
                        single = single.saturating_add(costs.lanes(c));
                        total = total.saturating_add(c);
                    }
                    saves_enough(costs.lanes(total), single)
                }
                None => packs && requests >= 2,
            },
            #[cfg(test)]
            Packing::Always => true,
            #[cfg(test)]
            Packing::Never => false,
        }
    }

    /// Whether to pack a generation pass of `requests` codes.
    pub(super) fn generate(self, costs: Option<Costs>, packs: bool, requests: usize) -> bool {
        match self {
            Packing::Measured => match costs {
                Some(costs) => saves_enough(
                    costs.lanes(requests),
                    costs
                        .lanes(1)
                        .saturating_mul(u64::try_from(requests).unwrap_or(u64::MAX)),
                ),
                None => packs && requests >= 2,
            },
            #[cfg(test)]
            Packing::Always => true,
            #[cfg(test)]
            Packing::Never => false,
        }
    }
}
