//! The lanes of a batch: [`Lanes`] gathers up to [`MAX_LANES`] HMACs of one
//! hash function, from any requests, and computes them together; `present` says
//! which hash functions a batch needs a pass for.

use crate::accel::MAX_LANES;
use crate::mac::KeyedMac;
use crate::Algorithm;

/// The hash functions that occur in a batch and how many requests have each,
/// in [`Algorithm::ALL`] order, counted in one pass: one pass of lanes per hash
/// function keeps every group uniform, and absent ones cost nothing.
pub(super) fn present(
    macs: impl Iterator<Item = Algorithm>,
) -> impl Iterator<Item = (Algorithm, usize)> {
    let mut counts = [0usize; 3];
    for algorithm in macs {
        if let Some(count) = counts.get_mut(algorithm.index()) {
            *count = count.saturating_add(1);
        }
    }
    Algorithm::ALL
        .into_iter()
        .zip(counts)
        .filter(|(_, count)| *count > 0)
}

/// Up to [`MAX_LANES`] HMACs waiting to be computed together.
pub(super) struct Lanes<'a> {
    macs: [&'a KeyedMac; MAX_LANES],
    counters: [u64; MAX_LANES],
    /// Which request (generate) or scan slot (verify) each lane belongs to.
    owners: [usize; MAX_LANES],
    len: usize,
    values: [u32; MAX_LANES],
}

impl<'a> Lanes<'a> {
    /// An empty buffer; `filler` keys the unused lanes (never computed).
    pub(super) fn new(filler: &'a KeyedMac) -> Self {
        Lanes {
            macs: [filler; MAX_LANES],
            counters: [0; MAX_LANES],
            owners: [0; MAX_LANES],
            len: 0,
            values: [0; MAX_LANES],
        }
    }

    /// Lanes still free before the buffer must be computed.
    pub(super) fn room(&self) -> usize {
        MAX_LANES.saturating_sub(self.len)
    }

    /// Queues the HMAC of `counter` under `mac` for `owner`; ignored when full
    /// (callers compute first, see [`Lanes::room`]).
    pub(super) fn push(&mut self, mac: &'a KeyedMac, counter: u64, owner: usize) {
        if let (Some(m), Some(c), Some(o)) = (
            self.macs.get_mut(self.len),
            self.counters.get_mut(self.len),
            self.owners.get_mut(self.len),
        ) {
            (*m, *c, *o) = (mac, counter, owner);
            self.len = self.len.saturating_add(1);
        }
    }

    /// Computes every waiting lane; returns `(owner, truncated MAC)` pairs in the
    /// order they were pushed, and empties the buffer.
    pub(super) fn compute(&mut self) -> impl Iterator<Item = (usize, u32)> + '_ {
        let len = self.len;
        self.len = 0;
        let n = len.min(MAX_LANES);
        if let (Some(macs), Some(counters), Some(values)) = (
            self.macs.get(..n),
            self.counters.get(..n),
            self.values.get_mut(..n),
        ) {
            KeyedMac::truncated_lanes(macs, counters, values);
        }
        self.owners
            .iter()
            .copied()
            .zip(self.values.iter().copied())
            .take(n)
    }
}
